//! The register of invited organizations (`register.csv`): who is expected to
//! report, how a submission's organization is recognized, and how the report
//! names it. Matching is by acronym, name or other names, ignoring accents,
//! case and punctuation; an organization that matches nothing is new, never
//! guessed. A register of 41 organizations is built in (`data/register.csv`),
//! for a secretariat that has none of its own yet.

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
    /// The article the name takes in running text: `the` (the default, when
    /// empty) or `none`.
    #[serde(default)]
    pub article: String,
    /// How the report names it after the first mention: the acronym the UN
    /// uses (`DESA`); the `id` when empty; the full name when the same as it.
    #[serde(default)]
    pub short: String,
}

impl Organization {
    /// The article before the full name, if any: `the`.
    pub fn article(&self) -> Option<&str> {
        match self.article.trim() {
            "" => Some("the"),
            a if a.eq_ignore_ascii_case("none") => None,
            a => Some(a),
        }
    }

    /// The name used after the first mention.
    pub fn short(&self) -> &str {
        match self.short.trim() {
            "" => &self.id,
            s => s,
        }
    }
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

/// The built-in register.
pub const BUILTIN: &str = include_str!("../data/register.csv");

impl Register {
    /// The register built into the binary.
    pub fn builtin() -> Register {
        Register::parse(BUILTIN).unwrap_or_default()
    }

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

    /// The organization one of whose names is exactly `name`, punctuation,
    /// case and accents aside: a file named `escap.xlsx` is ESCAP's.
    pub fn find(&self, name: &str) -> Option<&Organization> {
        self.index
            .get(&compact(name))
            .map(|&i| &self.organizations[i])
    }

    /// Recognizes an organization by its acronym, then its name.
    pub fn recognize(&self, acronym: Option<&str>, name: Option<&str>) -> Recognized {
        for key in [acronym, name].into_iter().flatten() {
            if let Some(&i) = self.index.get(&compact(key)) {
                return Recognized::Known(self.organizations[i].id.clone());
            }
        }
        let id = new_id(acronym.or(name).unwrap_or(""));
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

/// The key of an organization not in the register: its acronym's letters
/// and digits, upper case, so that `N.F.`, `NF` and `n f` are one organization.
pub fn new_id(acronym: &str) -> String {
    let id: String = acronym
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    if id.is_empty() {
        acronym.trim().to_string()
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn register() -> Register {
        Register::builtin()
    }

    #[test]
    fn the_builtin_register_is_the_examples_register() {
        let examples = Register::parse(include_str!("../submissions/register.csv")).unwrap();
        assert_eq!(register().organizations, examples.organizations);
        assert_eq!(register().organizations.len(), 41);
        let desa = register().get("UNDESA").cloned().unwrap();
        assert_eq!((desa.article(), desa.short()), (Some("the"), "DESA"));
    }

    #[test]
    fn an_unregistered_acronym_is_one_organization_however_punctuated() {
        let r = register();
        let ids: Vec<String> = ["NF", "N.F.", "n f"]
            .iter()
            .map(|a| r.recognize(Some(a), None).id().to_string())
            .collect();
        assert_eq!(ids, ["NF", "NF", "NF"]);
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
    fn recognizes_names_in_the_six_languages() {
        let r = register();
        for (written, id) in [
            ("МСЭ", "ITU"),
            ("Международный союз электросвязи", "ITU"),
            ("国际电信联盟", "ITU"),
            ("الاتحاد الدولي للاتصالات", "ITU"),
            ("ЮНЕСКО", "UNESCO"),
            ("联合国教育、科学及文化组织", "UNESCO"),
            ("منظمة الصحة العالمية", "WHO"),
            ("Organización Mundial de la Salud", "WHO"),
            ("Banco Mundial", "WBG"),
            ("ЭСКАТО", "ESCAP"),
        ] {
            assert_eq!(r.recognize(None, Some(written)).id(), id, "{written}");
        }
    }

    /// A name two organizations claim would go to the first without a word.
    #[test]
    fn no_name_of_the_builtin_register_is_claimed_twice() {
        let r = register();
        let mut seen: HashMap<String, &str> = HashMap::new();
        for o in &r.organizations {
            let names = [o.id.as_str(), o.name.as_str()]
                .into_iter()
                .chain(o.other_names.split(';'))
                .map(str::trim)
                .filter(|n| !n.is_empty());
            for n in names {
                if let Some(other) = seen.insert(compact(n), &o.id)
                    && other != o.id
                {
                    panic!("{n:?} is both {other}'s and {}'s", o.id);
                }
            }
        }
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
