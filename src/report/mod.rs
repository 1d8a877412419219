//! The consolidated report: figures from the store ([`data`]), prose and
//! structure from a template a report author edits ([`template`]), parsed
//! into one document model ([`markdown`], [`document`]), written twice: the
//! PDF ([`pdf`]) and the Word draft ([`docx`]); the data annex beside them
//! ([`annex`]). The default template and fonts are built into the binary.

pub mod annex;
pub mod data;
pub mod document;
pub mod docx;
pub mod markdown;
pub mod pdf;
pub mod style;
pub mod template;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::store::Generation;
use document::{Block, DocInfo, Document, Masthead, ParaStyle};

/// The built-in template: the report's structure and prose.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../report-templates/default/report.md");
/// The built-in fonts: Noto Serif (SIL Open Font License).
const REGULAR: &[u8] = include_bytes!("../../report-templates/default/fonts/NotoSerif-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../report-templates/default/fonts/NotoSerif-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../../report-templates/default/fonts/NotoSerif-Italic.ttf");

/// What can stop a report, for the command line and the web page to say.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Template(#[from] template::Error),
    #[error(
        "no submission is accepted for {0}: ingest the year's files first (`cstd ingest`), and see `cstd status --year {0}`"
    )]
    NothingCompiled(i64),
    #[error("{file}: front matter: {detail}")]
    FrontMatter { file: String, detail: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the report cannot be written: {0}")]
    Writer(String),
    #[error(transparent)]
    Write(#[from] crate::durable::Error),
}

/// Session details, from the template's front matter; each has a default
/// that follows the year.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    organ: Option<String>,
    symbol: Option<String>,
    date: Option<chrono::NaiveDate>,
    original: Option<String>,
    body: Option<String>,
    session: Option<String>,
    place: Option<String>,
    agenda_item: Option<String>,
    agenda_symbol: Option<String>,
    agenda_title: Option<String>,
    title: Option<String>,
    from: Option<String>,
    author: Option<String>,
    lang: Option<String>,
}

/// What a report build wrote, and what the author should know.
pub struct Built {
    pub pdf: PathBuf,
    pub docx: PathBuf,
    pub annex: Vec<PathBuf>,
    pub pages: usize,
    /// Words of the body (chapters I to the conclusions).
    pub words: usize,
    pub warnings: Vec<String>,
}

/// The document and its fonts, before any file is written.
pub struct Prepared {
    pub document: Document,
    pub fonts: pdf::FontSet,
    pub data: data::ReportData,
    /// The placed tables' labels, by data block.
    pub labels: std::collections::BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

/// The template's source and how to name it in messages.
fn template_source(dir: Option<&Path>) -> Result<(String, String), Error> {
    match dir {
        Some(d) => {
            let path = d.join("report.md");
            let source = std::fs::read_to_string(&path).map_err(|e| Error::Read {
                path: path.clone(),
                source: e,
            })?;
            Ok((path.display().to_string(), source))
        }
        None => Ok(("(built-in template)".into(), DEFAULT_TEMPLATE.to_string())),
    }
}

/// The fonts: Noto Serif, from the template's fonts folder where it has them,
/// else built in; any other font there is a fallback, in name order.
fn font_set(dir: Option<&Path>) -> Result<pdf::FontSet, Error> {
    let fonts = dir.map(|d| d.join("fonts"));
    let read = |name: &str, builtin: &'static [u8]| -> Result<(String, Vec<u8>), Error> {
        match fonts.as_ref().map(|f| f.join(name)).filter(|p| p.is_file()) {
            Some(p) => std::fs::read(&p)
                .map(|b| (name.trim_end_matches(".ttf").to_string(), b))
                .map_err(|e| Error::Read { path: p, source: e }),
            None => Ok((name.trim_end_matches(".ttf").to_string(), builtin.to_vec())),
        }
    };
    let mut faces = vec![
        read("NotoSerif-Regular.ttf", REGULAR)?,
        read("NotoSerif-Bold.ttf", BOLD)?,
        read("NotoSerif-Italic.ttf", ITALIC)?,
    ];
    if let Some(dir) = fonts.filter(|f| f.is_dir()) {
        let mut extra: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| Error::Read {
                path: dir.clone(),
                source: e,
            })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                matches!(p.extension().and_then(|e| e.to_str()), Some("ttf" | "otf"))
                    && !name.starts_with("NotoSerif-")
            })
            .collect();
        extra.sort();
        for p in extra {
            let bytes = std::fs::read(&p).map_err(|e| Error::Read {
                path: p.clone(),
                source: e,
            })?;
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            faces.push((name, bytes));
        }
    }
    Ok(pdf::FontSet { faces })
}

/// Renders the template of `year` into the document model.
pub fn prepare(
    generation: &Generation,
    year: i64,
    template_dir: Option<&Path>,
) -> Result<Prepared, Error> {
    // Only a year of the store has a report: any other, however large, is
    // said so before a figure is worked out.
    if !generation.ledger()?.years().contains(&year) {
        return Err(Error::NothingCompiled(year));
    }
    let data = data::compute(generation, year)?;
    if data.compiled == 0 {
        return Err(Error::NothingCompiled(year));
    }
    let (file, source) = template_source(template_dir)?;
    let rendered = template::render(&file, &source, &data)?;
    let front: Front = toml::from_str(&rendered.front).map_err(|e| Error::FrontMatter {
        file: file.clone(),
        detail: e.message().to_string(),
    })?;
    let s = &data.session;
    let date = front
        .date
        .or_else(|| chrono::NaiveDate::parse_from_str(&s.date, "%Y-%m-%d").ok())
        .unwrap_or_default();
    let title = front.title.unwrap_or_else(|| {
        format!("Actions taken by international and intergovernmental organizations to enable enhanced cooperation on Internet-related public policy issues, {}", data.year)
    });
    let symbol = front.symbol.unwrap_or_else(|| s.symbol.clone());
    let body = front
        .body
        .unwrap_or_else(|| "Commission on Science and Technology for Development".into());
    let session = front
        .session
        .unwrap_or_else(|| format!("{} session", style::capitalize(&s.ordinal)));
    let masthead = Masthead {
        organ: front
            .organ
            .unwrap_or_else(|| "Economic and Social Council".into()),
        symbol: symbol.clone(),
        date: style::date(date),
        original: front.original.unwrap_or_else(|| "English".into()),
        body: body.clone(),
        session: session.clone(),
        session_place: front.place.unwrap_or_else(|| "Geneva".into()),
        agenda_item: front
            .agenda_item
            .unwrap_or_else(|| "Item 3 of the provisional agenda".into()),
        agenda_symbol: front
            .agenda_symbol
            .unwrap_or_else(|| s.agenda_symbol.clone()),
        agenda_title: front.agenda_title.unwrap_or_default(),
        title: title.clone(),
        from: front
            .from
            .unwrap_or_else(|| "Note by the secretariat".into()),
    };
    let document = Document {
        info: DocInfo {
            title,
            author: front.author.unwrap_or_else(|| "CSTD secretariat".into()),
            subject: format!("{body}, {session}"),
            symbol,
            lang: front.lang.unwrap_or_else(|| "en".into()),
            date,
        },
        masthead,
        ..Document::default()
    };
    let built = markdown::build(&rendered.body, &rendered.pieces, &data, document);
    let mut warnings = built.warnings;
    let document = built.document;
    let words = document.body_words();
    if words > data::WORD_LIMIT {
        warnings.push(format!(
            "the body has {} words, more than the {} a secretariat report may have: shorten the template's text or move parts to annexes",
            style::number(words as i64),
            style::number(data::WORD_LIMIT as i64)
        ));
    }
    warnings.extend(numeral_openings(&document));
    warnings.extend(data.unattributed.iter().cloned());
    let labels = built.labels;
    Ok(Prepared {
        fonts: font_set(template_dir)?,
        document,
        data,
        labels,
        warnings,
    })
}

/// Sentences of the body that open with a figure, which UN style forbids.
fn numeral_openings(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for b in &doc.blocks {
        let Block::Paragraph { runs, style } = b else {
            continue;
        };
        if *style == ParaStyle::Note {
            continue;
        }
        let text = document::plain_text(runs);
        let mut start = true;
        for (i, c) in text.char_indices() {
            if start && c.is_ascii_digit() {
                let sentence: String = text[i..].chars().take(50).collect();
                out.push(format!("a sentence opens with a figure (write the number in words, or rephrase): \"{sentence}…\""));
            }
            if !c.is_whitespace() {
                start = matches!(c, '.' | '!' | '?') && !text[..i].ends_with(char::is_numeric);
            }
        }
    }
    out
}

/// Builds the report of `year` from the store's generation, with the template
/// in `template_dir` (the built-in one when None), into `out_dir/<year>/`:
/// `report.pdf`, `report.docx`, the data annex in `annex/` and `report-data.xlsx`.
pub fn build(
    generation: &Generation,
    year: i64,
    template_dir: Option<&Path>,
    out_dir: &Path,
) -> Result<Built, Error> {
    let p = prepare(generation, year, template_dir)?;
    let out = pdf::write(&p.document, &p.fonts).map_err(Error::Writer)?;
    let docx_bytes = docx::write(&p.document).map_err(Error::Writer)?;
    let year_dir = out_dir.join(year.to_string());
    let pdf_path = year_dir.join("report.pdf");
    crate::durable::write(&pdf_path, &out.pdf)?;
    let docx_path = year_dir.join("report.docx");
    crate::durable::write(&docx_path, &docx_bytes)?;
    let annex = annex::write(
        &p.data.blocks,
        &p.labels,
        &year_dir.join("annex"),
        &year_dir.join("report-data.xlsx"),
        &p.data.year,
    )
    .map_err(Error::Writer)?;
    let mut warnings = p.warnings;
    let mut seen = std::collections::BTreeSet::new();
    for m in &out.missing {
        if seen.insert(m.c) {
            warnings.push(format!(
                "no glyph for {:?} (U+{:04X}) in any font, in \"{}\": add a font that has it to the fonts folder of a template (`cstd report --template DIR`)",
                m.c, m.c as u32, m.context
            ));
        }
    }
    Ok(Built {
        pdf: pdf_path,
        docx: docx_path,
        annex,
        pages: out.pages,
        words: p.document.body_words(),
        warnings,
    })
}

/// The reference page of what a template may use.
pub fn reference() -> String {
    template::reference(data::blocks::CAPTIONS)
}

/// Writes an editable copy of the built-in template into `dir`.
pub fn write_template(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let reference = reference();
    let files: [(&str, &[u8]); 3] = [
        ("report.md", DEFAULT_TEMPLATE.as_bytes()),
        ("REFERENCE.md", reference.as_bytes()),
        ("fonts/README.md", FONTS_README.as_bytes()),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        crate::durable::write(&path, bytes)?;
        written.push(path);
    }
    // The font's licence goes with the fonts the report embeds.
    let ofl = dir.join("fonts/OFL.txt");
    crate::durable::write(&ofl, OFL.as_bytes())?;
    written.push(ofl);
    Ok(written)
}

const OFL: &str = include_str!("../../report-templates/default/fonts/OFL.txt");

pub const FONTS_README: &str = "Fonts placed here are used for characters the built-in Noto Serif \
lacks, tried in name order: a Noto Sans CJK for Chinese, a Noto Naskh Arabic for Arabic. \
NotoSerif-Regular.ttf, NotoSerif-Bold.ttf and NotoSerif-Italic.ttf placed here replace the \
built-in ones.\n";

#[cfg(test)]
mod tests {
    use super::document::Inline;
    use super::*;

    #[test]
    fn a_sentence_opening_with_a_figure_is_named() {
        let para = |t: &str| Block::Paragraph {
            runs: vec![Inline::plain(t)],
            style: ParaStyle::Numbered,
        };
        let doc = Document {
            blocks: vec![
                para("Twelve organizations replied. 200 contributions came in."),
                para("In 2026, 12 organizations took part in 3.5 per cent of them."),
            ],
            ..Document::default()
        };
        let found = numeral_openings(&doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("200 contributions"));
    }
}
