//! The report as a document: blocks and inline runs, with no file format. The
//! template renders to it ([`super::markdown`]); the PDF ([`super::pdf`]) and
//! the Word draft ([`super::docx`]) are two writers of it. Text from
//! submissions is held here as text, never as markup.

/// A run of text with its style.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inline {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    /// A language other than the document's (BCP 47: `fr`, `ar`).
    pub lang: Option<String>,
    /// A link: `#id` to a heading of the document, else an address.
    pub link: Option<String>,
    /// A footnote reference: the 0-based index of the note (its text is empty).
    pub note: Option<usize>,
}

impl Inline {
    pub fn plain(text: impl Into<String>) -> Inline {
        Inline {
            text: text.into(),
            ..Inline::default()
        }
    }

    pub fn bold(text: impl Into<String>) -> Inline {
        Inline {
            text: text.into(),
            bold: true,
            ..Inline::default()
        }
    }
}

/// The text of runs, footnote references left out.
pub fn plain_text(runs: &[Inline]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParaStyle {
    /// A paragraph of the body: numbered 1, 2, 3 ... by the writers.
    Numbered,
    /// Unnumbered: the summary, the annexes.
    Plain,
    /// A subparagraph, `(a)`, `(b)`: indented under its paragraph, not numbered.
    Sub,
    /// A conclusion or recommendation: numbered, in bold.
    Conclusion,
    /// A note under a table or figure (`Source: ...`), in small type.
    Note,
}

/// A table: a caption, a header row, body rows and an optional total row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// `Table 3`: given by the order of tables in the document.
    pub label: String,
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A last row of totals, set apart.
    pub total: Option<Vec<String>>,
    /// Right-aligned columns (figures).
    pub numeric: Vec<bool>,
    /// `Source: ...` and other notes, printed under the table.
    pub notes: Vec<String>,
}

/// A bar chart of labelled values, drawn from the same numbers as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// `Figure II`.
    pub label: String,
    pub caption: String,
    /// What the labels and the values are: the data block's column titles.
    pub header: [String; 2],
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    /// What the chart shows, for readers who cannot see it.
    pub alt: String,
    pub notes: Vec<String>,
}

/// The masthead of the first page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Masthead {
    pub organ: String,
    pub symbol: String,
    pub date: String,
    pub original: String,
    pub body: String,
    pub session: String,
    /// Place and dates of the session.
    pub session_place: String,
    /// `Item 3 of the provisional agenda`, with a footnote giving the agenda's symbol.
    pub agenda_item: String,
    pub agenda_symbol: String,
    pub agenda_title: String,
    pub title: String,
    pub from: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Masthead,
    /// The boxed summary of the first page: unnumbered paragraphs.
    Summary(Vec<Block>),
    /// The list of contents, with page numbers the writer knows.
    Contents,
    /// `I. Introduction` (level 1), `A. ...` (2), `1. ...` (3). `id` is the
    /// target of links and bookmarks.
    Heading {
        level: u8,
        runs: Vec<Inline>,
        id: String,
        /// An annex starts on a new page.
        new_page: bool,
    },
    Paragraph {
        runs: Vec<Inline>,
        style: ParaStyle,
    },
    /// A list of one-paragraph items.
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Table(Table),
    Figure(Figure),
    PageBreak,
}

/// Document-level facts: metadata, the running head, the language.
#[derive(Debug, Clone, Default)]
pub struct DocInfo {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub symbol: String,
    /// BCP 47: `en`.
    pub lang: String,
    /// The date the document carries, used for its metadata dates.
    pub date: chrono::NaiveDate,
}

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub info: DocInfo,
    pub masthead: Masthead,
    pub blocks: Vec<Block>,
    /// Footnotes, in order of first reference.
    pub notes: Vec<Vec<Inline>>,
}

impl Document {
    /// The headings, in order: (level, text, id).
    pub fn headings(&self) -> Vec<(u8, String, String)> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading {
                    level, runs, id, ..
                } => Some((*level, plain_text(runs), id.clone())),
                _ => None,
            })
            .collect()
    }

    /// Words of the body: from the first chapter to the last before the
    /// annexes, tables and figures left out (UN word limits count the text).
    pub fn body_words(&self) -> usize {
        let mut in_body = false;
        let mut words = 0;
        for b in &self.blocks {
            match b {
                Block::Heading { level: 1, runs, .. } => {
                    let t = plain_text(runs);
                    in_body = !t.starts_with("Annex");
                    if in_body {
                        words += super::style::word_count(&t);
                    }
                }
                _ if !in_body => {}
                Block::Heading { runs, .. } => words += super::style::word_count(&plain_text(runs)),
                Block::Paragraph { runs, .. } => {
                    words += super::style::word_count(&plain_text(runs))
                }
                Block::List { items, .. } => {
                    words += items
                        .iter()
                        .map(|i| super::style::word_count(&plain_text(i)))
                        .sum::<usize>()
                }
                _ => {}
            }
        }
        words
    }
}

/// Column widths that fit `avail`: columns narrower than their fair share keep
/// their natural width; the others share what is left in proportion to their
/// natural widths, never below their longest word.
pub fn fit_columns(natural: &[f32], floor: &[f32], avail: f32) -> Vec<f32> {
    if natural.iter().sum::<f32>() <= avail {
        return natural.to_vec();
    }
    let n = natural.len();
    let mut settled: Vec<Option<f32>> = vec![None; n];
    loop {
        let taken: f32 = settled.iter().flatten().sum();
        let flex_total: f32 = (0..n)
            .filter(|&i| settled[i].is_none())
            .map(|i| natural[i])
            .sum();
        let left = (avail - taken).max(0.0);
        let share = |i: usize| left * natural[i] / flex_total.max(1.0);
        let mut changed = false;
        for i in 0..n {
            if settled[i].is_none() {
                if natural[i] <= share(i) {
                    settled[i] = Some(natural[i]);
                    changed = true;
                } else if share(i) < floor[i] {
                    settled[i] = Some(floor[i]);
                    changed = true;
                }
            }
            if changed {
                break;
            }
        }
        if !changed {
            let mut w: Vec<f32> = (0..n)
                .map(|i| settled[i].unwrap_or_else(|| share(i)))
                .collect();
            let sum: f32 = w.iter().sum();
            if sum > avail {
                w.iter_mut().for_each(|x| *x *= avail / sum);
            }
            return w;
        }
    }
}
