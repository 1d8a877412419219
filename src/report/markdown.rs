//! The rendered template into the document model: the Markdown is parsed
//! (pulldown-cmark, with tables, footnotes and typographic punctuation), then
//! each placeholder the template left is replaced by its value, as text. The
//! markers of the template's functions place the masthead, the summary, the
//! contents, and the data blocks as numbered tables and figures.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::data::ReportData;
use super::data::blocks::DataBlock;
use super::document::{Block, Document, Figure, Inline, ParaStyle, Table};
use super::style;
use super::template::{CAP_REF, CLOSE, OPEN, Piece, REF};
use crate::tables::Data;

/// The current run style while walking the events.
#[derive(Default, Clone)]
struct Style {
    bold: bool,
    italic: bool,
    link: Option<String>,
}

/// What the walk is inside.
enum Open {
    Paragraph(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    List(bool, Vec<Vec<Inline>>),
    Item(Vec<Inline>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
        cell: Vec<Inline>,
        row: Vec<String>,
    },
    Footnote(String, Vec<Inline>),
}

/// What the walk found that a writer must know, for the author.
pub struct Built {
    pub document: Document,
    pub warnings: Vec<String>,
    /// The placed tables' labels (`Table 2`), by data block.
    pub labels: BTreeMap<String, String>,
}

/// Builds the document from the rendered body.
pub fn build(body: &str, pieces: &[Piece], data: &ReportData, document: Document) -> Built {
    let mut walk = Walk {
        pieces,
        data,
        doc: document,
        out: Vec::new(),
        summary: None,
        open: Vec::new(),
        style: vec![Style::default()],
        in_body: false,
        in_annex: false,
        tables: 0,
        figures: 0,
        labels: BTreeMap::new(),
        notes: BTreeMap::new(),
        note_order: Vec::new(),
        warnings: Vec::new(),
        ids: BTreeMap::new(),
    };
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_SMART_PUNCTUATION;
    let events: Vec<Event> = Parser::new_ext(body, options).collect();
    for e in events {
        walk.event(e);
    }
    walk.finish()
}

struct Walk<'a> {
    pieces: &'a [Piece],
    data: &'a ReportData,
    doc: Document,
    out: Vec<Block>,
    /// Blocks of the summary, while inside it.
    summary: Option<Vec<Block>>,
    open: Vec<Open>,
    style: Vec<Style>,
    in_body: bool,
    in_annex: bool,
    tables: usize,
    figures: u32,
    /// Labels of the placed tables and charts: ("table"|"chart", name) -> label.
    labels: BTreeMap<(String, String), String>,
    /// Footnote definitions by label.
    notes: BTreeMap<String, Vec<Inline>>,
    /// Labels in order of first reference.
    note_order: Vec<String>,
    warnings: Vec<String>,
    /// Heading IDs given so far, to keep them unique.
    ids: BTreeMap<String, usize>,
}

impl Walk<'_> {
    fn style(&self) -> Style {
        self.style.last().cloned().unwrap_or_default()
    }

    fn push_block(&mut self, b: Block) {
        match &mut self.summary {
            Some(s) => s.push(b),
            None => self.out.push(b),
        }
    }

    /// The runs being written into: the innermost open paragraph, heading, item or cell.
    fn runs(&mut self) -> Option<&mut Vec<Inline>> {
        match self.open.last_mut()? {
            Open::Paragraph(r) | Open::Heading(_, r) | Open::Item(r) | Open::Footnote(_, r) => {
                Some(r)
            }
            Open::Table { cell, .. } => Some(cell),
            Open::List(..) => None,
        }
    }

    fn text(&mut self, text: &str) {
        let style = self.style();
        let runs = expand(text, self.pieces, &style, 0);
        match self.runs() {
            Some(r) => r.extend(runs),
            None => {
                // Loose text, in a list between items: a paragraph of its own.
                self.open.push(Open::Paragraph(runs));
            }
        }
    }

    fn event(&mut self, e: Event) {
        match e {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => self.text(&t),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.text("\n"),
            Event::Html(h) | Event::InlineHtml(h) => self.html(&h),
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                let index = match self.note_order.iter().position(|l| *l == label) {
                    Some(i) => i,
                    None => {
                        self.note_order.push(label);
                        self.note_order.len() - 1
                    }
                };
                if let Some(r) = self.runs() {
                    r.push(Inline {
                        note: Some(index),
                        ..Inline::default()
                    });
                }
            }
            Event::Rule => self.push_block(Block::PageBreak),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        let mut s = self.style();
        match tag {
            // A paragraph inside an item or a note is its text.
            Tag::Paragraph
                if matches!(
                    self.open.last(),
                    Some(Open::Item(_)) | Some(Open::Footnote(..))
                ) => {}
            Tag::Paragraph => self.open.push(Open::Paragraph(Vec::new())),
            Tag::Heading { level, .. } => {
                let l = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                };
                self.open.push(Open::Heading(l, Vec::new()));
            }
            Tag::List(start) => self.open.push(Open::List(start.is_some(), Vec::new())),
            Tag::Item => self.open.push(Open::Item(Vec::new())),
            Tag::Table(align) => self.open.push(Open::Table {
                header: Vec::new(),
                rows: Vec::new(),
                numeric: align
                    .iter()
                    .map(|a| *a == pulldown_cmark::Alignment::Right)
                    .collect(),
                cell: Vec::new(),
                row: Vec::new(),
            }),
            Tag::FootnoteDefinition(label) => self
                .open
                .push(Open::Footnote(label.to_string(), Vec::new())),
            Tag::Emphasis => {
                s.italic = true;
                self.style.push(s);
            }
            Tag::Strong => {
                s.bold = true;
                self.style.push(s);
            }
            Tag::Link { dest_url, .. } => {
                s.link = Some(dest_url.to_string());
                self.style.push(s);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link => {
                self.style.pop();
            }
            TagEnd::Paragraph => {
                if let Some(Open::Paragraph(runs)) = self.open.last() {
                    let runs = runs.clone();
                    self.open.pop();
                    self.paragraph(runs);
                } else if let Some(Open::Item(r) | Open::Footnote(_, r)) = self.open.last_mut() {
                    // A loose list item or a note of several paragraphs: one line apart.
                    if !r.is_empty() {
                        r.push(Inline::plain("\n"));
                    }
                }
            }
            TagEnd::Heading(_) => {
                if let Some(Open::Heading(level, runs)) = self.open.pop() {
                    self.heading(level, trim(runs));
                }
            }
            TagEnd::Item => {
                if let Some(Open::Item(runs)) = self.open.pop()
                    && let Some(Open::List(_, items)) = self.open.last_mut()
                {
                    items.push(trim(runs));
                }
            }
            TagEnd::List(_) => {
                if let Some(Open::List(ordered, items)) = self.open.pop() {
                    match self.open.last_mut() {
                        // A list inside an item: its items join the outer list.
                        Some(Open::Item(r)) => {
                            for i in items {
                                r.push(Inline::plain("\n– "));
                                r.extend(i);
                            }
                        }
                        _ => self.push_block(Block::List { ordered, items }),
                    }
                }
            }
            TagEnd::TableCell => {
                if let Some(Open::Table { cell, row, .. }) = self.open.last_mut() {
                    row.push(super::document::plain_text(cell).trim().to_string());
                    cell.clear();
                }
            }
            TagEnd::TableHead => {
                if let Some(Open::Table { header, row, .. }) = self.open.last_mut() {
                    *header = std::mem::take(row);
                }
            }
            TagEnd::TableRow => {
                if let Some(Open::Table { rows, row, .. }) = self.open.last_mut() {
                    rows.push(std::mem::take(row));
                }
            }
            TagEnd::Table => {
                if let Some(Open::Table {
                    header,
                    rows,
                    numeric,
                    ..
                }) = self.open.pop()
                {
                    self.tables += 1;
                    let t = Table {
                        label: format!("Table {}", self.tables),
                        caption: String::new(),
                        header,
                        rows,
                        total: None,
                        numeric,
                        notes: Vec::new(),
                    };
                    self.push_block(Block::Table(t));
                }
            }
            TagEnd::FootnoteDefinition => {
                if let Some(Open::Footnote(label, runs)) = self.open.pop() {
                    self.notes.insert(label, trim(runs));
                }
            }
            _ => {}
        }
    }

    fn paragraph(&mut self, runs: Vec<Inline>) {
        let runs = trim(runs);
        if runs
            .iter()
            .all(|r| r.text.trim().is_empty() && r.note.is_none())
        {
            return;
        }
        let text = super::document::plain_text(&runs);
        let all_bold = runs.iter().all(|r| r.bold || r.text.trim().is_empty());
        let sub = {
            let t = text.trim_start();
            t.starts_with('(')
                && t.find(')').is_some_and(|i| {
                    (2..=5).contains(&i)
                        && t[1..i].chars().all(|c| c.is_ascii_lowercase())
                        && t[i + 1..].starts_with(' ')
                })
        };
        let style = if self.summary.is_some() || !self.in_body || self.in_annex {
            if sub {
                ParaStyle::Sub
            } else {
                ParaStyle::Plain
            }
        } else if sub {
            ParaStyle::Sub
        } else if all_bold {
            ParaStyle::Conclusion
        } else {
            ParaStyle::Numbered
        };
        let runs = if style == ParaStyle::Conclusion {
            runs.into_iter()
                .map(|mut r| {
                    r.bold = false;
                    r
                })
                .collect()
        } else {
            runs
        };
        self.push_block(Block::Paragraph { runs, style });
    }

    fn heading(&mut self, level: u8, runs: Vec<Inline>) {
        let text = super::document::plain_text(&runs);
        let annex = level == 1 && text.starts_with("Annex");
        if level == 1 {
            self.in_body = true;
            self.in_annex = annex;
        }
        let mut id: String = text
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let n = self.ids.entry(id.clone()).or_default();
        *n += 1;
        if *n > 1 {
            id = format!("{id}-{n}");
        }
        self.push_block(Block::Heading {
            level,
            runs,
            id: if id.is_empty() {
                format!("h{}", self.ids.len())
            } else {
                id
            },
            new_page: annex,
        });
    }

    fn html(&mut self, html: &str) {
        for line in html.lines() {
            let l = line.trim();
            let Some(marker) = l
                .strip_prefix("<!-- cstd:")
                .and_then(|m| m.strip_suffix("-->"))
            else {
                continue;
            };
            let marker = marker.trim();
            let (kind, rest) = marker.split_once(' ').unwrap_or((marker, ""));
            match kind {
                "masthead" => self.push_block(Block::Masthead),
                "summary" => self.summary = Some(Vec::new()),
                "end-summary" => {
                    if let Some(s) = self.summary.take() {
                        self.out.push(Block::Summary(s));
                    }
                }
                "contents" => self.push_block(Block::Contents),
                "pagebreak" => self.push_block(Block::PageBreak),
                "table" | "chart" => {
                    let (name, caption) = rest.split_once(' ').unwrap_or((rest, ""));
                    let caption = super::document::plain_text(&expand(
                        caption,
                        self.pieces,
                        &Style::default(),
                        0,
                    ));
                    let Some(block) = self.data.blocks.get(name) else {
                        continue;
                    };
                    if block.table.height() == 0 {
                        // Nothing to show: never an empty table; the template says so in words.
                        self.warnings.push(format!(
                            "the data block {name:?} has no rows this year: its {kind} is left out (the template should say so in a sentence)"
                        ));
                        continue;
                    }
                    let caption = if caption.trim().is_empty() {
                        block.caption.clone()
                    } else {
                        caption.trim().to_string()
                    };
                    let b = if kind == "table" {
                        self.tables += 1;
                        let label = format!("Table {}", self.tables);
                        self.labels
                            .insert((kind.into(), name.into()), label.clone());
                        Block::Table(table(block, label, caption, &self.data.year))
                    } else {
                        self.figures += 1;
                        let label = format!("Figure {}", style::roman(self.figures));
                        self.labels
                            .insert((kind.into(), name.into()), label.clone());
                        Block::Figure(figure(block, label, caption, &self.data.year))
                    };
                    self.push_block(b);
                }
                _ => self.warnings.push(format!("unknown marker {l}")),
            }
        }
    }

    fn finish(mut self) -> Built {
        while let Some(open) = self.open.pop() {
            if let Open::Paragraph(runs) = open {
                self.paragraph(runs);
            }
        }
        if let Some(s) = self.summary.take() {
            self.out.push(Block::Summary(s));
        }
        // Footnotes in order of reference.
        for label in &self.note_order {
            match self.notes.get(label) {
                Some(n) => self.doc.notes.push(n.clone()),
                None => {
                    self.warnings
                        .push(format!("the footnote [^{label}] has no text"));
                    self.doc.notes.push(Vec::new());
                }
            }
        }
        let mut blocks = drop_empty_sections(self.out);
        // References to tables and figures, now that they are numbered.
        let labels = &self.labels;
        let warnings = &mut self.warnings;
        let mut resolve = |runs: &mut Vec<Inline>| {
            for r in runs.iter_mut() {
                let Some((capital, name)) = r
                    .text
                    .strip_prefix(REF)
                    .map(|n| (false, n))
                    .or_else(|| r.text.strip_prefix(CAP_REF).map(|n| (true, n)))
                else {
                    continue;
                };
                let (kind, block) = name.split_once(':').unwrap_or(("table", name));
                let label = labels.get(&(kind.to_string(), block.to_string()));
                let text = match label {
                    Some(l) if capital => l.clone(),
                    // In running text: table 2, figure II.
                    Some(l) => {
                        let mut c = l.chars();
                        c.next()
                            .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                            .unwrap_or_default()
                    }
                    None => {
                        warnings.push(format!(
                            "ref({:?}): no {kind} of that data block is placed",
                            block
                        ));
                        name.to_string()
                    }
                };
                r.text = text;
            }
        };
        for b in &mut blocks {
            match b {
                Block::Paragraph { runs, .. } | Block::Heading { runs, .. } => resolve(runs),
                Block::List { items, .. } => items.iter_mut().for_each(&mut resolve),
                Block::Summary(inner) => {
                    for i in inner {
                        if let Block::Paragraph { runs, .. } = i {
                            resolve(runs);
                        }
                    }
                }
                _ => {}
            }
        }
        for n in &mut self.doc.notes {
            resolve(n);
        }
        self.doc.blocks = blocks;
        let labels = self
            .labels
            .iter()
            .filter(|((kind, _), _)| kind == "table")
            .map(|((_, name), label)| (name.clone(), label.clone()))
            .collect();
        Built {
            document: self.doc,
            warnings: self.warnings,
            labels,
        }
    }
}

/// Text with placeholders as runs: the template's text in the current style,
/// each value as text in its own style, with typographic quotes.
fn expand(text: &str, pieces: &[Piece], style: &Style, depth: usize) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = text;
    let run = |t: &str, italic: bool, lang: Option<String>| Inline {
        text: t.to_string(),
        bold: style.bold,
        italic: style.italic || italic,
        lang,
        link: style.link.clone(),
        note: None,
    };
    while let Some(open) = rest.find(OPEN) {
        if open > 0 {
            out.push(run(&rest[..open], false, None));
        }
        let after = &rest[open + OPEN.len_utf8()..];
        let Some(close) = after.find(CLOSE) else {
            rest = after;
            continue;
        };
        let piece = after[..close]
            .parse::<usize>()
            .ok()
            .and_then(|i| pieces.get(i));
        if let Some(p) = piece {
            if p.text.starts_with(REF) || p.text.starts_with(CAP_REF) {
                out.push(run(&p.text, false, None));
            } else if depth < 8 && p.text.contains(OPEN) {
                // A value that holds values (a captured block): its own runs.
                let inner = Style {
                    italic: style.italic || p.italic,
                    ..style.clone()
                };
                let mut runs = expand(&p.text, pieces, &inner, depth + 1);
                for r in &mut runs {
                    if r.lang.is_none() {
                        r.lang = p.lang.clone();
                    }
                }
                out.extend(runs);
            } else {
                out.push(run(&clean(&p.text), p.italic, p.lang.clone()));
            }
        }
        rest = &after[close + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(run(rest, false, None));
    }
    out
}

/// A value's text as the document shows it: typographic quotes; paragraph
/// breaks kept as line breaks, other white space one space.
fn clean(s: &str) -> String {
    let paragraphs: Vec<String> = s
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    style::smart_quotes(&paragraphs.join("\n"))
}

/// Runs without white space at either end.
fn trim(mut runs: Vec<Inline>) -> Vec<Inline> {
    while runs
        .first()
        .is_some_and(|r| r.note.is_none() && r.text.trim().is_empty())
    {
        runs.remove(0);
    }
    while runs
        .last()
        .is_some_and(|r| r.note.is_none() && r.text.trim().is_empty())
    {
        runs.pop();
    }
    if let Some(f) = runs.first_mut() {
        f.text = f.text.trim_start().to_string();
    }
    if let Some(l) = runs.last_mut()
        && l.note.is_none()
    {
        l.text = l.text.trim_end().to_string();
    }
    runs
}

/// Headings with nothing under them before the next heading of the same or a
/// higher level are left out, from the deepest up.
fn drop_empty_sections(blocks: Vec<Block>) -> Vec<Block> {
    let mut blocks = blocks;
    loop {
        let mut drop = None;
        for (i, b) in blocks.iter().enumerate() {
            let Block::Heading { level, .. } = b else {
                continue;
            };
            let next = blocks[i + 1..]
                .iter()
                .find(|b| !matches!(b, Block::PageBreak));
            let empty = match next {
                None => true,
                Some(Block::Heading { level: l, .. }) => l <= level,
                Some(_) => false,
            };
            if empty {
                drop = Some(i);
                break;
            }
        }
        match drop {
            Some(i) => {
                blocks.remove(i);
            }
            None => return blocks,
        }
    }
}

/// A data block as a table: figures with separators, a total row where the
/// figures add up, its notes and source.
fn table(b: &DataBlock, label: String, caption: String, year: &str) -> Table {
    let t = &b.table;
    let header: Vec<String> = t.columns.iter().map(|(n, _)| n.clone()).collect();
    let numeric: Vec<bool> = t
        .columns
        .iter()
        .map(|(_, d)| matches!(d, Data::Int(_) | Data::Float(_)))
        .collect();
    // A figure that is not there is a dash, as UN tables write it, never a
    // blank a reader could take for a lost value.
    let cell = |d: &Data, r: usize| match d {
        Data::Int(v) => v
            .get(r)
            .copied()
            .flatten()
            .map(style::number)
            .unwrap_or_else(|| "–".into()),
        Data::Float(v) => v
            .get(r)
            .copied()
            .flatten()
            .map(style::share)
            .unwrap_or_else(|| "–".into()),
        // A date never breaks across lines in a table.
        Data::Date(v) => v
            .get(r)
            .copied()
            .flatten()
            .map(|d| style::date(d).replace(' ', "\u{a0}"))
            .unwrap_or_default(),
        _ => style::smart_quotes(&d.display(r).unwrap_or_default()),
    };
    let rows: Vec<Vec<String>> = (0..t.height())
        .map(|r| t.columns.iter().map(|(_, d)| cell(d, r)).collect())
        .collect();
    let total = (b.total && t.height() > 1).then(|| {
        t.columns
            .iter()
            .enumerate()
            .map(|(i, (_, d))| match d {
                Data::Int(v) => style::number(v.iter().flatten().sum()),
                _ if i == 0 => "Total".to_string(),
                _ => String::new(),
            })
            .collect()
    });
    // "Note:" before the table's own notes, then its source.
    let mut notes: Vec<String> = b
        .notes
        .iter()
        .enumerate()
        .map(|(i, n)| match (i, b.notes.len()) {
            (0, 1) => format!("Note: {n}"),
            (0, _) => format!("Notes: {n}"),
            _ => n.clone(),
        })
        .collect();
    notes.push(source(b, year));
    Table {
        label,
        caption,
        header,
        rows,
        total,
        numeric,
        notes,
    }
}

fn source(b: &DataBlock, year: &str) -> String {
    format!(
        "Source: contributions received by the secretariat for {year}; data annex, {}.csv.",
        b.name
    )
}

/// A data block as a bar chart of its first figure column, with a text
/// alternative that says every value.
fn figure(b: &DataBlock, label: String, caption: String, year: &str) -> Figure {
    let t = &b.table;
    let labels: Vec<String> = (0..t.height())
        .map(|r| {
            t.columns
                .first()
                .and_then(|(_, d)| d.display(r))
                .unwrap_or_default()
        })
        .collect();
    let (measure, values): (String, Vec<f64>) = t
        .columns
        .iter()
        .find_map(|(name, d)| match d {
            Data::Int(v) => Some((
                name.clone(),
                v.iter().map(|x| x.unwrap_or(0) as f64).collect(),
            )),
            _ => None,
        })
        .unwrap_or_default();
    let header = [
        t.columns
            .first()
            .map(|(n, _)| n.clone())
            .unwrap_or_default(),
        measure,
    ];
    let alt = format!(
        "Bar chart. {caption}: {}.",
        labels
            .iter()
            .zip(&values)
            .map(|(l, v)| format!("{l}, {}", style::number(*v as i64)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    // Its table beside it carries the notes; the figure, its source.
    let notes = vec![source(b, year)];
    Figure {
        label,
        caption,
        header,
        labels,
        values,
        alt,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(t: &str) -> Piece {
        Piece {
            text: t.into(),
            ..Piece::default()
        }
    }

    #[test]
    fn a_value_is_text_never_markup() {
        let pieces = vec![piece("Forum\n# Not a heading *nor italic*"), piece("it's")];
        let runs = expand(
            &format!("The {OPEN}0{CLOSE} and {OPEN}1{CLOSE}."),
            &pieces,
            &Style::default(),
            0,
        );
        let text = super::super::document::plain_text(&runs);
        assert_eq!(text, "The Forum # Not a heading *nor italic* and it’s.");
        assert!(runs.iter().all(|r| !r.italic));
    }

    #[test]
    fn empty_sections_are_left_out() {
        let h = |level: u8, t: &str| Block::Heading {
            level,
            runs: vec![Inline::plain(t)],
            id: t.into(),
            new_page: false,
        };
        let p = Block::Paragraph {
            runs: vec![Inline::plain("x")],
            style: ParaStyle::Numbered,
        };
        let kept = drop_empty_sections(vec![
            h(1, "I"),
            h(2, "A"),
            h(2, "B"),
            p.clone(),
            h(1, "II"),
            h(2, "C"),
            h(1, "III"),
            p,
        ]);
        let names: Vec<String> = kept
            .iter()
            .filter_map(|b| match b {
                Block::Heading { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["I", "B", "III"]);
    }
}
