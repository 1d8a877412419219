//! The register of invited organizations (`submissions/register.csv`): who is
//! expected to report, and how a submission's organization is recognized.
//! Matching is by acronym, name or other names, ignoring accents, case and
//! punctuation; an organization that matches nothing is new, never guessed.

use std::path::Path;

use anyhow::Context as _;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::text::compact;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Organization {
    /// The register's stable key, usually the acronym: `ITU`.
    pub id: String,
    pub name: String,
    /// An organization-type code.
    #[serde(rename = "type")]
    pub kind: String,
    /// Other names and acronyms, in any language, separated by `;`.
    #[serde(default)]
    pub other_names: String,
}

#[derive(Debug, Clone, Default)]
pub struct Register {
    pub organizations: Vec<Organization>,
    index: FxHashMap<String, usize>,
}

/// How a submission's organization was recognized.
#[derive(Debug, Clone, PartialEq)]
pub enum Recognized {
    /// In the register, under this id.
    Known(String),
    /// Not in the register: accepted under its own acronym, with suggestions.
    New {
        id: String,
        suggestions: Vec<String>,
    },
}

impl Recognized {
    pub fn id(&self) -> &str {
        match self {
            Recognized::Known(id) | Recognized::New { id, .. } => id,
        }
    }
}

impl Register {
    pub fn load(path: &Path) -> anyhow::Result<Register> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the register {}", path.display()))?;
        Register::parse(&text)
            .with_context(|| format!("the register {} is not valid", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Register> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let organizations: Vec<Organization> = reader.deserialize().collect::<Result<_, _>>()?;
        let mut index = FxHashMap::default();
        for (i, o) in organizations.iter().enumerate() {
            let names = std::iter::once(o.id.as_str())
                .chain(std::iter::once(o.name.as_str()))
                .chain(o.other_names.split(';'));
            for n in names.map(str::trim).filter(|n| !n.is_empty()) {
                // The first organization to claim a name keeps it: the register
                // is the secretariat's, and two claims are its to resolve.
                index.entry(compact(n)).or_insert(i);
            }
        }
        Ok(Register {
            organizations,
            index,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }

    /// Recognizes an organization by its acronym, then its name.
    pub fn recognize(&self, acronym: Option<&str>, name: Option<&str>) -> Recognized {
        for key in [acronym, name].into_iter().flatten() {
            if let Some(&i) = self.index.get(&compact(key)) {
                return Recognized::Known(self.organizations[i].id.clone());
            }
        }
        let id = acronym
            .or(name)
            .map(|a| a.trim().to_uppercase())
            .unwrap_or_default();
        let keys: Vec<(String, &str)> = self
            .organizations
            .iter()
            .flat_map(|o| {
                [
                    (compact(&o.id), o.id.as_str()),
                    (compact(&o.name), o.id.as_str()),
                ]
            })
            .collect();
        let probe = compact(acronym.or(name).unwrap_or(""));
        let suggestions =
            crate::text::closest(&probe, keys.iter().map(|(k, v)| (k.as_str(), *v)), 3);
        Recognized::New { id, suggestions }
    }

    pub fn to_csv(&self) -> anyhow::Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for o in &self.organizations {
            w.serialize(o)?;
        }
        Ok(String::from_utf8(w.into_inner()?)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register() -> Register {
        Register::parse(include_str!("../submissions/register.csv")).unwrap()
    }

    #[test]
    fn recognizes_by_acronym_name_and_other_names() {
        let r = register();
        assert_eq!(
            r.recognize(Some("itu"), None),
            Recognized::Known("ITU".into())
        );
        assert_eq!(
            r.recognize(Some("CEPAL"), None),
            Recognized::Known("ECLAC".into())
        );
        assert_eq!(
            r.recognize(Some("UN DESA"), None),
            Recognized::Known("UNDESA".into())
        );
        assert_eq!(
            r.recognize(
                None,
                Some("Organisation des Nations Unies pour l'education, la science et la culture")
            ),
            Recognized::Known("UNESCO".into())
        );
        assert_eq!(
            r.recognize(Some("XYZ"), Some("World Health Organisation"))
                .id(),
            "XYZ"
        );
    }

    #[test]
    fn never_merges_by_guess() {
        let r = register();
        match r.recognize(Some("ITUU"), None) {
            Recognized::New { id, suggestions } => {
                assert_eq!(id, "ITUU");
                assert_eq!(suggestions.first().map(String::as_str), Some("ITU"));
            }
            other => panic!("{other:?}"),
        }
    }
}
