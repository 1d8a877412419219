//! The Word writer of the document model: the draft that goes through
//! editing and translation. Real Word styles (Title, Heading 1–3, a
//! numbered-paragraph style tied to a list so Word renumbers after edits,
//! Caption, Table Grid with a repeating header row), footnotes, the masthead
//! on the first page and the symbol as the running head of the others, the
//! document's language, and fixed dates, so the same document gives the same
//! bytes.
//!
//! The package is written here as WordprocessingML rather than through
//! docx-rs, which cannot mark a table's header row to repeat (`tblHeader`),
//! set the document's language, give core properties a title, or write the
//! separators and numbers of footnotes; each would have been a patch of its
//! output.

use std::fmt::Write as _;
use std::io::Write as _;

use super::document::{Block, Document, Figure, Inline, ParaStyle, Table};

/// Text for XML, the template's placeholder marks (private-use characters)
/// left out.
fn esc(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !('\u{E000}'..='\u{E003}').contains(c))
        .collect();
    crate::ooxml::escape(&kept)
}

/// The document's language as Word names it.
fn word_lang(lang: &str) -> String {
    match lang {
        "en" => "en-GB".into(),
        "fr" => "fr-FR".into(),
        "es" => "es-ES".into(),
        "ar" => "ar-SA".into(),
        "zh" => "zh-CN".into(),
        "ru" => "ru-RU".into(),
        other => other.into(),
    }
}

struct Writer<'a> {
    doc: &'a Document,
    body: String,
    /// External links: (relationship ID, address).
    links: Vec<(String, String)>,
    bookmark: usize,
}

impl Writer<'_> {
    /// Runs as `<w:r>` elements, with links and footnote references.
    fn runs(&mut self, runs: &[Inline], bold: bool) -> String {
        let mut out = String::new();
        for r in runs {
            if let Some(n) = r.note {
                let _ = write!(
                    out,
                    r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{}"/></w:r>"#,
                    n + 2
                );
                continue;
            }
            let mut props = String::new();
            if r.bold || bold {
                props.push_str("<w:b/>");
            }
            if r.italic {
                props.push_str("<w:i/>");
            }
            if let Some(l) = &r.lang {
                let _ = write!(props, r#"<w:lang w:val="{}"/>"#, esc(&word_lang(l)));
                if matches!(l.as_str(), "ar" | "he") {
                    props.push_str("<w:rtl/>");
                }
            }
            let mut text_runs = String::new();
            for (i, part) in r.text.split('\n').enumerate() {
                if i > 0 {
                    text_runs.push_str("<w:br/>");
                }
                if !part.is_empty() {
                    let _ = write!(
                        text_runs,
                        r#"<w:t xml:space="preserve">{}</w:t>"#,
                        esc(part)
                    );
                }
            }
            let run = match &r.link {
                Some(_) => format!(
                    r#"<w:r><w:rPr><w:rStyle w:val="Hyperlink"/>{props}</w:rPr>{text_runs}</w:r>"#
                ),
                None if props.is_empty() => format!("<w:r>{text_runs}</w:r>"),
                None => format!("<w:r><w:rPr>{props}</w:rPr>{text_runs}</w:r>"),
            };
            match &r.link {
                Some(l) if l.starts_with('#') => {
                    let _ = write!(
                        out,
                        r#"<w:hyperlink w:anchor="{}">{run}</w:hyperlink>"#,
                        esc(&l[1..])
                    );
                }
                Some(l) => {
                    let id = format!("rIdLink{}", self.links.len() + 1);
                    self.links.push((id.clone(), l.clone()));
                    let _ = write!(out, r#"<w:hyperlink r:id="{id}">{run}</w:hyperlink>"#);
                }
                None => out.push_str(&run),
            }
        }
        out
    }

    fn para(&mut self, style: &str, runs: &[Inline], extra_props: &str) {
        let body = self.runs(runs, false);
        let _ = write!(
            self.body,
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra_props}</w:pPr>{body}</w:p>"#
        );
    }

    fn plain(&mut self, style: &str, text: &str) {
        self.para(style, &[Inline::plain(text)], "");
    }

    fn masthead(&mut self) {
        let m = &self.doc.masthead;
        let bold = |t: &str| Inline::bold(t);
        // Two columns by a right tab: the organization, and the symbol and dates.
        let line = |left: Inline, right: Inline| vec![left, Inline::plain("\t"), right];
        self.para(
            "Masthead",
            &line(bold("United Nations"), bold(&m.symbol)),
            "",
        );
        self.para(
            "Masthead",
            &line(bold(&m.organ), Inline::plain("Distr.: General")),
            "",
        );
        self.para(
            "Masthead",
            &line(Inline::plain(""), Inline::plain(&m.date)),
            "",
        );
        self.para(
            "MastheadRule",
            &line(
                Inline::plain(""),
                Inline::plain(format!("Original: {}", m.original)),
            ),
            "",
        );
        self.para("Masthead", &[bold(&m.body)], "");
        self.plain("Masthead", &m.session);
        if !m.session_place.is_empty() {
            self.plain("Masthead", &m.session_place);
        }
        // The provisional agenda's symbol in a footnote marked with an
        // asterisk: footnote 1, which numbering skips.
        let mut item = self.runs(&[Inline::plain(&m.agenda_item)], false);
        if !m.agenda_symbol.is_empty() {
            item.push_str(
                r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:customMarkFollows="1" w:id="1"/><w:t>*</w:t></w:r>"#,
            );
        }
        let _ = write!(
            self.body,
            r#"<w:p><w:pPr><w:pStyle w:val="Masthead"/></w:pPr>{item}</w:p>"#
        );
        if !m.agenda_title.is_empty() {
            self.para("Masthead", &[bold(&m.agenda_title)], "");
        }
        self.plain("Title", &m.title);
        self.plain("Subtitle", &m.from);
    }

    fn table(&mut self, t: &Table) {
        self.para(
            "Caption",
            &[
                Inline::plain(&t.label),
                Inline::plain("\n"),
                Inline::bold(&t.caption),
            ],
            "",
        );
        let cols = t.header.len().max(1);
        // Columns as wide as their content, in twips at the table's 9 points
        // (about 95 a character), shrunk as the PDF's are when the table
        // would run past the text width; a narrow table stays narrow.
        const CHAR: f32 = 95.0;
        const PAD: f32 = 2.0 * 108.0;
        const TEXT_WIDTH: f32 = 9000.0;
        let cells = || {
            std::iter::once(&t.header)
                .chain(&t.rows)
                .chain(t.total.iter())
        };
        let measure = |c: usize, f: &dyn Fn(&str) -> usize| {
            cells()
                .filter_map(|r| r.get(c))
                .map(|v| f(v))
                .max()
                .unwrap_or(1) as f32
                * CHAR
                + PAD
        };
        let natural: Vec<f32> = (0..cols)
            .map(|c| measure(c, &|v| v.chars().count().max(3)))
            .collect();
        let floor: Vec<f32> = (0..cols)
            .map(|c| {
                measure(c, &|v| {
                    v.split([' ', '\n'])
                        .map(|w| w.chars().count())
                        .max()
                        .unwrap_or(1)
                })
            })
            .collect();
        let widths: Vec<usize> = super::document::fit_columns(&natural, &floor, TEXT_WIDTH)
            .into_iter()
            .map(|w| w.round() as usize)
            .collect();
        let total: usize = widths.iter().sum();
        let _ = write!(
            self.body,
            r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{total}" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#
        );
        for w in &widths {
            let _ = write!(self.body, r#"<w:gridCol w:w="{w}"/>"#);
        }
        self.body.push_str("</w:tblGrid>");
        let row = |w: &mut Writer, cells: &[String], header: bool, bold: bool| {
            w.body.push_str("<w:tr>");
            if header {
                // Repeated at the top of each page the table runs onto.
                w.body
                    .push_str("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
            } else {
                w.body.push_str("<w:trPr><w:cantSplit/></w:trPr>");
            }
            for (c, v) in cells.iter().enumerate() {
                // Figures and their column titles align right.
                let right = t.numeric.get(c).copied().unwrap_or(false);
                let jc = if right {
                    r#"<w:jc w:val="right"/>"#
                } else {
                    ""
                };
                let shade = if header {
                    r#"<w:shd w:val="clear" w:color="auto" w:fill="E0E8F2"/>"#
                } else {
                    ""
                };
                let runs = w.runs(&[Inline::plain(v)], header || bold);
                let width = widths.get(c).copied().unwrap_or(1000);
                let _ = write!(
                    w.body,
                    r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>{jc}</w:pPr>{runs}</w:p></w:tc>"#
                );
            }
            w.body.push_str("</w:tr>");
        };
        row(self, &t.header, true, false);
        for r in &t.rows {
            row(self, r, false, false);
        }
        if let Some(total) = &t.total {
            row(self, total, false, true);
        }
        self.body.push_str("</w:tbl>");
        for n in &t.notes {
            self.plain("TableNote", n);
        }
    }

    /// A figure as the table of its values: the draft is for editing and
    /// translation; the PDF draws the chart from the same values.
    fn figure(&mut self, f: &Figure) {
        let t = Table {
            label: f.label.clone(),
            caption: f.caption.clone(),
            header: f.header.to_vec(),
            rows: f
                .labels
                .iter()
                .zip(&f.values)
                .map(|(l, v)| vec![l.clone(), super::style::number(*v as i64)])
                .collect(),
            total: None,
            numeric: vec![false, true],
            notes: f.notes.clone(),
        };
        self.table(&t);
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Masthead => self.masthead(),
            Block::Summary(inner) => {
                self.plain("SummaryHeading", "Summary");
                for i in inner {
                    match i {
                        Block::Paragraph { runs, .. } => self.para("SummaryText", runs, ""),
                        other => self.block(other),
                    }
                }
            }
            Block::Contents => {
                self.plain("TOCHeading", "Contents");
                // A contents field Word fills with page numbers when updated;
                // until then it shows the headings.
                self.body.push_str(
                    r#"<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-2" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>"#,
                );
                for (level, text, id) in self.doc.headings() {
                    if level > 2 {
                        continue;
                    }
                    let run = self.runs(
                        &[Inline {
                            text,
                            link: Some(format!("#{id}")),
                            ..Inline::default()
                        }],
                        false,
                    );
                    let _ = write!(
                        self.body,
                        r#"<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>{run}</w:p>"#
                    );
                }
                self.body
                    .push_str(r#"<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#);
            }
            Block::Heading {
                level,
                runs,
                id,
                new_page,
            } => {
                self.bookmark += 1;
                let n = self.bookmark;
                let page = if *new_page {
                    "<w:pageBreakBefore/>"
                } else {
                    ""
                };
                let body = self.runs(runs, false);
                let _ = write!(
                    self.body,
                    r#"<w:p><w:pPr><w:pStyle w:val="Heading{level}"/>{page}</w:pPr><w:bookmarkStart w:id="{n}" w:name="{}"/>{body}<w:bookmarkEnd w:id="{n}"/></w:p>"#,
                    esc(id)
                );
            }
            Block::Paragraph { runs, style } => {
                let s = match style {
                    ParaStyle::Numbered => "NumberedPara",
                    ParaStyle::Conclusion => "Conclusion",
                    ParaStyle::Sub => "SubPara",
                    ParaStyle::Note => "TableNote",
                    ParaStyle::Plain => "BodyText",
                };
                self.para(s, runs, "");
            }
            Block::List { ordered, items } => {
                let style = if *ordered { "ListNumber" } else { "ListBullet" };
                for i in items {
                    self.para(style, i, "");
                }
            }
            Block::Table(t) => self.table(t),
            Block::Figure(f) => self.figure(f),
            Block::PageBreak => self
                .body
                .push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#),
        }
    }
}

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

fn styles(lang: &str) -> String {
    let para = |id: &str, name: &str, based: &str, ppr: &str, rpr: &str| {
        format!(
            r#"<w:style w:type="paragraph" w:customStyle="{}" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="{based}"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"#,
            if name.chars().next().is_some_and(char::is_lowercase)
                || matches!(name, "Title" | "Subtitle" | "Normal")
            {
                0
            } else {
                1
            }
        )
    };
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="{lang}" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#
    );
    s.push_str(&para(
        "Title",
        "Title",
        "Normal",
        r#"<w:spacing w:before="360" w:after="120"/><w:ind w:left="567" w:right="567"/>"#,
        r#"<w:b/><w:sz w:val="32"/><w:szCs w:val="32"/>"#,
    ));
    s.push_str(&para(
        "Subtitle",
        "Subtitle",
        "Normal",
        r#"<w:spacing w:after="240"/><w:ind w:left="567"/>"#,
        r#"<w:b/><w:sz w:val="24"/><w:szCs w:val="24"/>"#,
    ));
    s.push_str(&para(
        "Masthead",
        "Masthead",
        "Normal",
        r#"<w:tabs><w:tab w:val="left" w:pos="6804"/></w:tabs><w:spacing w:after="0"/>"#,
        "",
    ));
    s.push_str(&para("MastheadRule", "Masthead rule", "Masthead", r#"<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="4" w:color="000000"/></w:pBdr><w:spacing w:after="200"/>"#, ""));
    for (level, size, before) in [(1, 26, 360), (2, 22, 240), (3, 20, 200)] {
        s.push_str(&format!(
            r#"<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/><w:next w:val="NumberedPara"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="120"/><w:outlineLvl w:val="{}"/></w:pPr><w:rPr><w:b/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>"#,
            level - 1
        ));
    }
    s.push_str(&para(
        "BodyText",
        "Body Text",
        "Normal",
        r#"<w:jc w:val="both"/><w:widowControl/>"#,
        "",
    ));
    s.push_str(&para(
        "NumberedPara",
        "Numbered Paragraph",
        "BodyText",
        r#"<w:numPr><w:numId w:val="1"/></w:numPr><w:ind w:left="567" w:hanging="567"/>"#,
        "",
    ));
    s.push_str(&para(
        "Conclusion",
        "Conclusion",
        "NumberedPara",
        "",
        "<w:b/>",
    ));
    s.push_str(&para(
        "SubPara",
        "Subparagraph",
        "BodyText",
        r#"<w:ind w:left="1134" w:hanging="567"/>"#,
        "",
    ));
    s.push_str(&para("SummaryHeading", "Summary Heading", "Normal", r#"<w:keepNext/><w:pBdr><w:top w:val="single" w:sz="6" w:space="4" w:color="000000"/><w:left w:val="single" w:sz="6" w:space="4" w:color="000000"/><w:right w:val="single" w:sz="6" w:space="4" w:color="000000"/></w:pBdr>"#, r#"<w:b/><w:sz w:val="24"/>"#));
    s.push_str(&para("SummaryText", "Summary Text", "BodyText", r#"<w:pBdr><w:left w:val="single" w:sz="6" w:space="4" w:color="000000"/><w:right w:val="single" w:sz="6" w:space="4" w:color="000000"/><w:bottom w:val="single" w:sz="6" w:space="4" w:color="000000"/></w:pBdr>"#, ""));
    s.push_str(&para(
        "Caption",
        "caption",
        "Normal",
        r#"<w:keepNext/><w:spacing w:before="120" w:after="60"/>"#,
        r#"<w:sz w:val="19"/>"#,
    ));
    s.push_str(&para(
        "TableText",
        "Table Text",
        "Normal",
        r#"<w:spacing w:after="0"/>"#,
        r#"<w:sz w:val="17"/><w:szCs w:val="17"/>"#,
    ));
    s.push_str(&para(
        "TableNote",
        "Table Note",
        "Normal",
        r#"<w:spacing w:before="40" w:after="40"/><w:jc w:val="both"/>"#,
        r#"<w:sz w:val="16"/><w:szCs w:val="16"/>"#,
    ));
    s.push_str(&para(
        "ListBullet",
        "List Bullet",
        "BodyText",
        r#"<w:numPr><w:numId w:val="2"/></w:numPr><w:ind w:left="851" w:hanging="284"/>"#,
        "",
    ));
    s.push_str(&para(
        "ListNumber",
        "List Number",
        "BodyText",
        r#"<w:numPr><w:numId w:val="3"/></w:numPr><w:ind w:left="851" w:hanging="284"/>"#,
        "",
    ));
    s.push_str(&para(
        "TOCHeading",
        "TOC Heading",
        "Normal",
        r#"<w:spacing w:before="240" w:after="120"/>"#,
        r#"<w:b/><w:sz w:val="26"/>"#,
    ));
    s.push_str(&para("TOC1", "toc 1", "Normal", r#"<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9016"/></w:tabs><w:spacing w:after="40"/>"#, "<w:b/>"));
    s.push_str(&para("TOC2", "toc 2", "Normal", r#"<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9016"/></w:tabs><w:spacing w:after="40"/><w:ind w:left="284"/>"#, ""));
    s.push_str(&para(
        "FootnoteText",
        "footnote text",
        "Normal",
        r#"<w:spacing w:after="0"/>"#,
        r#"<w:sz w:val="16"/><w:szCs w:val="16"/>"#,
    ));
    s.push_str(&para(
        "Header",
        "header",
        "Normal",
        r#"<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>"#,
        r#"<w:b/><w:sz w:val="17"/>"#,
    ));
    s.push_str(&para(
        "Footer",
        "footer",
        "Normal",
        r#"<w:jc w:val="center"/>"#,
        r#"<w:sz w:val="17"/>"#,
    ));
    s.push_str(r#"<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style><w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="0563C1"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders></w:tblPr></w:style></w:styles>"#);
    s
}

const NUMBERING: &str = r#"<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="NumberedPara"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="851" w:hanging="284"/></w:pPr></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="3"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="851" w:hanging="284"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num><w:num w:numId="3"><w:abstractNumId w:val="3"/></w:num>"#;

/// Writes the document as a `.docx` package.
pub fn write(doc: &Document) -> Result<Vec<u8>, String> {
    let mut w = Writer {
        doc,
        body: String::new(),
        links: Vec::new(),
        bookmark: 0,
    };
    for b in &doc.blocks {
        w.block(b);
    }
    let lang = word_lang(&doc.info.lang);
    let sect = r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:headerReference w:type="even" r:id="rIdHeaderEven"/><w:headerReference w:type="first" r:id="rIdHeaderFirst"/><w:footerReference w:type="default" r:id="rIdFooter"/><w:footerReference w:type="even" r:id="rIdFooterEven"/><w:footerReference w:type="first" r:id="rIdFooter"/><w:footnotePr><w:numFmt w:val="decimal"/></w:footnotePr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/><w:titlePg/></w:sectPr>"#;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{}{sect}</w:body></w:document>"#,
        w.body
    );
    // Footnotes: the separators Word expects, the masthead's asterisk note,
    // then the document's notes.
    let mut notes = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#
    );
    let mut note_writer = Writer {
        doc,
        body: String::new(),
        links: Vec::new(),
        bookmark: 0,
    };
    for (i, n) in doc.notes.iter().enumerate() {
        let runs = note_writer.runs(n, false);
        let _ = write!(
            notes,
            r#"<w:footnote w:id="{}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>{runs}</w:p></w:footnote>"#,
            i + 2
        );
    }
    if !doc.masthead.agenda_symbol.is_empty() {
        let _ = write!(
            notes,
            r#"<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:t xml:space="preserve">{}.</w:t></w:r></w:p></w:footnote>"#,
            esc(&doc.masthead.agenda_symbol)
        );
    }
    notes.push_str("</w:footnotes>");
    // Running heads and page numbers at the outer edge, as UN documents
    // printed on both sides have them: right on odd pages, left on even.
    let header_at = |jc: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NS}><w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="{jc}"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p></w:hdr>"#,
            esc(&doc.info.symbol)
        )
    };
    let header = header_at("right");
    let header_even = header_at("left");
    let header_first = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NS}><w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p></w:hdr>"#
    );
    let footer_at = |jc: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {NS}><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="{jc}"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>/</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> NUMPAGES </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>"#
        )
    };
    let footer = footer_at("right");
    let footer_even = footer_at("left");
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdHeaderFirst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdHeaderEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header3.xml"/><Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>"#,
    );
    for (id, url) in w.links.iter().chain(&note_writer.links) {
        let _ = write!(
            rels,
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="{}" TargetMode="External"/>"#,
            esc(url)
        );
    }
    rels.push_str("</Relationships>");
    let numbering = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {NS}>{NUMBERING}</w:numbering>"#
    );
    let settings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings {NS}><w:defaultTabStop w:val="567"/><w:autoHyphenation w:val="true"/><w:consecutiveHyphenLimit w:val="2"/><w:doNotHyphenateCaps w:val="true"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val="doNotCompress"/><w:updateFields w:val="true"/><w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="{lang}"/></w:settings>"#
    );
    let date = format!("{}T00:00:00Z", doc.info.date.format("%Y-%m-%d"));
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><dc:identifier>{}</dc:identifier><dc:language>{lang}</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified></cp:coreProperties>"#,
        esc(&doc.info.title),
        esc(&doc.info.subject),
        esc(&doc.info.author),
        esc(&doc.info.symbol)
    );
    let app = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>cstd</Application></Properties>"#;
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/header3.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;
    let root_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;
    let styles = styles(&lang);
    let parts: [(&str, &str); 14] = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", root_rels),
        ("docProps/core.xml", &core),
        ("docProps/app.xml", app),
        ("word/document.xml", &document),
        ("word/styles.xml", &styles),
        ("word/numbering.xml", &numbering),
        ("word/settings.xml", &settings),
        ("word/footnotes.xml", &notes),
        ("word/header1.xml", &header),
        ("word/header2.xml", &header_first),
        ("word/footer1.xml", &footer),
        ("word/header3.xml", &header_even),
        ("word/footer2.xml", &footer_even),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, text) in parts {
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    }
    let rels_name = "word/_rels/document.xml.rels";
    zip.start_file(rels_name, options)
        .map_err(|e| e.to_string())?;
    zip.write_all(rels.as_bytes()).map_err(|e| e.to_string())?;
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}
