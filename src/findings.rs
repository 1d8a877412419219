//! Findings: what reading and validating a submission found, as data.
//!
//! Every finding has a code from the catalogue (`schema/findings.toml`), which
//! fixes its severity, title and help; the finding adds the place, the value,
//! what was expected and a suggestion.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::messages::{Message, word};
use crate::schema::{Labels, label_in};

const CATALOGUE_TOML: &str = include_str!("../schema/findings.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Severity {
    /// The word for it in `lang`: `erreur`.
    pub fn word(self, lang: &str) -> String {
        match self {
            Severity::Error => word("error", lang),
            Severity::Warning => word("warning", lang),
            Severity::Note => word("note", lang),
        }
    }
}

/// One kind of finding, as the catalogue defines it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    pub code: String,
    pub severity: Severity,
    pub title: Labels,
    pub help: Labels,
}

impl Kind {
    pub fn title(&self, lang: &str) -> &str {
        label_in(&self.title, lang)
    }

    /// What to do, in `lang`.
    pub fn help(&self, lang: &str) -> &str {
        label_in(&self.help, lang)
    }
}

#[derive(Deserialize)]
struct Catalogue {
    finding: Vec<Kind>,
}

/// Every kind of finding, in catalogue order.
pub fn catalogue() -> &'static [Kind] {
    static KINDS: OnceLock<Vec<Kind>> = OnceLock::new();
    KINDS.get_or_init(|| {
        // Compiled in and parsed by a test: a failure is a build defect.
        let c: Catalogue =
            toml::from_str(CATALOGUE_TOML).expect("the bundled findings catalogue is valid");
        c.finding
    })
}

/// The catalogue entry of a code.
pub fn kind(code: &str) -> Option<&'static Kind> {
    catalogue().iter().find(|k| k.code == code)
}

/// Where a finding is: the sheet, the cell and the column's title. Empty parts
/// are unknown or do not apply (a finding about the whole file has none).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Place {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// 0-based row and column, for marking the cell in an annotated copy.
    #[serde(skip)]
    pub at: Option<(u32, u32)>,
    /// The column's title: as the file writes it where the column was
    /// found, else the schema's English title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The schema's titles of a column the file lacks, to name it in the
    /// reader's language.
    #[serde(skip)]
    pub titles: Option<&'static Labels>,
}

impl Place {
    pub fn sheet(name: &str) -> Place {
        Place {
            sheet: Some(name.to_string()),
            ..Place::default()
        }
    }

    /// The place of a field the file lacks: named by its titles.
    pub fn titled(mut self, titles: &'static Labels) -> Place {
        self.column = Some(label_in(titles, "en").to_string());
        self.titles = Some(titles);
        self
    }

    /// The column's title in `lang`: the file's own where it has one.
    pub fn column_in(&self, lang: &str) -> Option<&str> {
        match self.titles {
            Some(t) => Some(label_in(t, lang)),
            None => self.column.as_deref(),
        }
    }

    /// `Actions!K4 (Countries)`, or `(file)` in `lang`.
    pub fn say(&self, lang: &str) -> String {
        let mut out = match (&self.sheet, &self.cell) {
            // A JSON pointer names its key itself.
            (Some(_), Some(c)) if c.starts_with('/') => c.clone(),
            (Some(s), Some(c)) => format!("{s}!{c}"),
            (Some(s), None) => s.clone(),
            (None, Some(c)) => c.clone(),
            (None, None) => format!("({})", word("the-file", lang)),
        };
        if let Some(col) = self.column_in(lang) {
            out.push_str(&format!(" ({col})"));
        }
        out
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.say("en"))
    }
}

/// One finding. Its expectation and detail are messages of the catalogue,
/// written out in the reader's language ([`Finding::in_language`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    #[serde(flatten)]
    pub place: Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "english")]
    pub expected: Option<Message>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    /// Anything more that this one case needs said (the limit that was hit, the
    /// encoding that was detected).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "english")]
    pub detail: Option<Message>,
}

/// A message as data: in English unless [`Finding::in_language`] set it.
fn english<S: serde::Serializer>(m: &Option<Message>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(&m.render("en")),
        None => s.serialize_none(),
    }
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A finding of a catalogued kind. An unknown code is a programming error
    /// that the catalogue test catches, so it falls back to an error severity.
    pub fn new(code: &'static str, place: Place) -> Finding {
        let severity = kind(code).map(|k| k.severity).unwrap_or(Severity::Error);
        debug_assert!(
            kind(code).is_some(),
            "finding code {code} is not in the catalogue"
        );
        Finding {
            code,
            severity,
            place,
            value: None,
            expected: None,
            suggestions: Vec::new(),
            detail: None,
        }
    }

    pub fn value(mut self, v: impl Into<String>) -> Finding {
        self.value = Some(v.into());
        self
    }

    pub fn expected(mut self, e: Message) -> Finding {
        self.expected = Some(e);
        self
    }

    pub fn suggest(mut self, s: Vec<String>) -> Finding {
        self.suggestions = s;
        self
    }

    pub fn detail(mut self, d: Message) -> Finding {
        self.detail = Some(d);
        self
    }

    /// The same finding with its messages written in `lang`, for output as
    /// data (JSON) in that language.
    pub fn in_language(mut self, lang: &str) -> Finding {
        let fix = |m: Option<Message>| m.map(|m| Message::literal(m.render(lang)));
        self.expected = fix(self.expected);
        self.detail = fix(self.detail);
        self
    }

    pub fn title(&self, lang: &str) -> &'static str {
        kind(self.code).map(|k| k.title(lang)).unwrap_or(self.code)
    }

    /// One line saying what is wrong at the place, in `lang`: value,
    /// detail, expectation, suggestion.
    pub fn message(&self, lang: &str) -> String {
        let mut parts = Vec::new();
        if let Some(v) = &self.value {
            parts.push(crate::msg!("quoted", value = crate::text::quote(v)).render(lang));
        }
        if let Some(d) = &self.detail {
            parts.push(d.render(lang));
        }
        if let Some(e) = &self.expected {
            parts.push(crate::msg!("expected", what = e.clone()).render(lang));
        }
        if !self.suggestions.is_empty() {
            let these = self
                .suggestions
                .iter()
                .map(|s| crate::messages::Arg::from(crate::msg!("quoted", value = s)))
                .collect();
            let these = crate::messages::Arg::Or(these);
            parts.push(crate::msg!("did-you-mean", these = these).render(lang));
        }
        parts.join(&word("separator", lang))
    }

    /// The English detail, for tables and logs.
    pub fn detail_text(&self) -> Option<String> {
        self.detail.as_ref().map(|d| d.render("en"))
    }
}

/// Counts by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => c.notes += 1,
            }
        }
        c
    }
}

impl Counts {
    /// `2 errors, 1 warning, 0 notes`, in `lang`.
    pub fn say(&self, lang: &str) -> String {
        // "2 errors" in English; "ошибок: 2" where the word's form would
        // depend on the number in ways one plural cannot say.
        let n = |count: usize, one: String, many: String| {
            let word = if count == 1 { one } else { many };
            crate::msg!("count", n = count, word = word).render(lang)
        };
        [
            n(self.errors, word("error", lang), word("errors", lang)),
            n(self.warnings, word("warning", lang), word("warnings", lang)),
            n(self.notes, word("note", lang), word("notes", lang)),
        ]
        .join(&word("list-comma", lang))
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.say("en"))
    }
}

/// Findings grouped by code, in severity then catalogue order.
pub fn grouped(findings: &[Finding]) -> Vec<(&'static Kind, Vec<&Finding>)> {
    let mut groups: BTreeMap<(Severity, usize), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let order = catalogue()
            .iter()
            .position(|k| k.code == f.code)
            .unwrap_or(usize::MAX);
        groups.entry((f.severity, order)).or_default().push(f);
    }
    groups
        .into_iter()
        .filter_map(|((_, order), fs)| catalogue().get(order).map(|k| (k, fs)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_loads_with_unique_codes() {
        let kinds = catalogue();
        assert!(kinds.len() > 20);
        let mut codes: Vec<&str> = kinds.iter().map(|k| k.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
        for k in kinds {
            for lang in crate::messages::LANGUAGES {
                assert!(
                    k.title.contains_key(*lang),
                    "{} has no {lang} title",
                    k.code
                );
                assert!(k.help.contains_key(*lang), "{} has no {lang} help", k.code);
            }
        }
    }
}
