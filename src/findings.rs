//! Findings: what reading and validating a submission found, as data.
//!
//! Every finding has a code from the catalogue (`schema/findings.toml`), which
//! fixes its severity, title and help; the finding adds the place, the value,
//! what was expected and a suggestion.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

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

/// One kind of finding, as the catalogue defines it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    pub code: String,
    pub severity: Severity,
    pub title: Labels,
    pub help: String,
}

impl Kind {
    pub fn title(&self, lang: &str) -> &str {
        label_in(&self.title, lang)
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl Place {
    pub fn sheet(name: &str) -> Place {
        Place {
            sheet: Some(name.to_string()),
            ..Place::default()
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.sheet, &self.cell) {
            (Some(s), Some(c)) if c.starts_with('[') || c.starts_with('.') => write!(f, "{s}{c}")?,
            (Some(s), Some(c)) => write!(f, "{s}!{c}")?,
            (Some(s), None) => write!(f, "{s}")?,
            (None, Some(c)) => write!(f, "{c}")?,
            (None, None) => f.write_str("(file)")?,
        }
        if let Some(col) = &self.column {
            write!(f, " ({col})")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    #[serde(flatten)]
    pub place: Place,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    /// Anything more that this one case needs said (the limit that was hit, the
    /// encoding that was detected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
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

    pub fn expected(mut self, e: impl Into<String>) -> Finding {
        self.expected = Some(e.into());
        self
    }

    pub fn suggest(mut self, s: Vec<String>) -> Finding {
        self.suggestions = s;
        self
    }

    pub fn detail(mut self, d: impl Into<String>) -> Finding {
        self.detail = Some(d.into());
        self
    }

    pub fn title(&self, lang: &str) -> &'static str {
        kind(self.code).map(|k| k.title(lang)).unwrap_or(self.code)
    }

    /// One line saying what is wrong at the place: value, expectation, suggestion.
    pub fn message(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = &self.value {
            parts.push(format!("\"{}\"", crate::text::quote(v)));
        }
        if let Some(d) = &self.detail {
            parts.push(d.clone());
        }
        if let Some(e) = &self.expected {
            parts.push(format!("expected {e}"));
        }
        if !self.suggestions.is_empty() {
            let s: Vec<String> = self
                .suggestions
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect();
            parts.push(format!("did you mean {}?", s.join(" or ")));
        }
        parts.join("; ")
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

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, one: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {one}s")
            }
        };
        write!(
            f,
            "{}, {}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.notes, "note")
        )
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
            for lang in ["en", "fr", "es"] {
                assert!(k.title.contains_key(lang), "{} has no {lang} title", k.code);
            }
        }
    }
}
