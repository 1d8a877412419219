//! Reference data kept as data: the UN M49 list of countries and areas with
//! their regions and group flags (LDC, LLDC, SIDS), from `data/m49.csv`.
//! Groups change over time; the secretariat updates the file, not the code.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::text::compact;

const M49_CSV: &str = include_str!("../data/m49.csv");

/// Names people write that the M49 list spells otherwise.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("Bolivia", "BOL"),
    ("Cape Verde", "CPV"),
    ("Czech Republic", "CZE"),
    ("DR Congo", "COD"),
    ("DRC", "COD"),
    ("Democratic Republic of Congo", "COD"),
    ("Congo-Kinshasa", "COD"),
    ("Congo-Brazzaville", "COG"),
    ("Ivory Coast", "CIV"),
    ("Cote d'Ivoire", "CIV"),
    ("Iran", "IRN"),
    ("Laos", "LAO"),
    ("Lao PDR", "LAO"),
    ("Micronesia", "FSM"),
    ("Moldova", "MDA"),
    ("North Korea", "PRK"),
    ("South Korea", "KOR"),
    ("Korea", "KOR"),
    ("Russia", "RUS"),
    ("Syria", "SYR"),
    ("Tanzania", "TZA"),
    ("Turkey", "TUR"),
    ("Türkiye", "TUR"),
    ("UK", "GBR"),
    ("United Kingdom", "GBR"),
    ("Great Britain", "GBR"),
    ("USA", "USA"),
    ("US", "USA"),
    ("United States", "USA"),
    ("Venezuela", "VEN"),
    ("Vietnam", "VNM"),
    ("Palestine", "PSE"),
    ("State of Palestine", "PSE"),
    ("Swaziland", "SWZ"),
    ("Eswatini", "SWZ"),
    ("Macedonia", "MKD"),
    ("Hong Kong", "HKG"),
    ("Macao", "MAC"),
    ("Macau", "MAC"),
    ("Netherlands", "NLD"),
    ("Brunei", "BRN"),
    ("Gambia", "GMB"),
    ("Bahamas", "BHS"),
];

/// Words for "the whole world" in the supported languages.
const GLOBAL: &[&str] = &[
    "Global",
    "World",
    "Worldwide",
    "All countries",
    "Mondial",
    "Monde",
    "Mundial",
    "Mundo",
    "001",
];

#[derive(Debug, Deserialize, Clone)]
pub struct Country {
    pub m49: String,
    pub iso3: String,
    pub name: String,
    pub region: String,
    pub subregion: String,
    pub intermediate_region: String,
    #[serde(deserialize_with = "flag")]
    pub ldc: bool,
    #[serde(deserialize_with = "flag")]
    pub lldc: bool,
    #[serde(deserialize_with = "flag")]
    pub sids: bool,
}

fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = String::deserialize(d)?;
    Ok(s.trim().eq_ignore_ascii_case("x"))
}

/// What an item of a "countries and regions" list names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    Global,
    /// An M49 region, sub-region or intermediate region, by name.
    Region(String),
    /// A country or area, by ISO alpha-3 code.
    Country(String),
}

impl Area {
    /// The stable code stored in the data: `Global`, a region name, or ISO alpha-3.
    pub fn code(&self) -> &str {
        match self {
            Area::Global => "Global",
            Area::Region(r) => r,
            Area::Country(c) => c,
        }
    }
}

pub struct Reference {
    pub countries: Vec<Country>,
    index: HashMap<String, Area>,
}

impl Reference {
    pub fn current() -> &'static Reference {
        static REF: OnceLock<Reference> = OnceLock::new();
        REF.get_or_init(|| Reference::parse(M49_CSV).expect("the bundled m49.csv is valid"))
    }

    pub fn parse(text: &str) -> Result<Reference, String> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let countries: Vec<Country> = reader
            .deserialize()
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let mut index = HashMap::default();
        for c in &countries {
            for region in [&c.region, &c.subregion, &c.intermediate_region] {
                if !region.is_empty() {
                    index.insert(compact(region), Area::Region(region.clone()));
                }
            }
        }
        for c in &countries {
            let area = Area::Country(c.iso3.clone());
            index.insert(compact(&c.iso3), area.clone());
            index.insert(compact(&c.name), area.clone());
            if let Ok(n) = c.m49.parse::<u32>() {
                index.insert(n.to_string(), area.clone());
                index.insert(format!("{n:03}"), area.clone());
            }
        }
        for (alias, iso3) in COUNTRY_ALIASES {
            index.insert(compact(alias), Area::Country((*iso3).to_string()));
        }
        for g in GLOBAL {
            index.insert(compact(g), Area::Global);
        }
        // M49 codes of the regions themselves.
        for (code, name) in [
            ("002", "Africa"),
            ("019", "Americas"),
            ("142", "Asia"),
            ("150", "Europe"),
            ("009", "Oceania"),
        ] {
            index.insert(code.to_string(), Area::Region(name.to_string()));
            index.insert(
                code.trim_start_matches('0').to_string(),
                Area::Region(name.to_string()),
            );
        }
        Ok(Reference { countries, index })
    }

    pub fn area(&self, text: &str) -> Option<Area> {
        crate::text::with_compact(text, |k| self.index.get(k).cloned())
    }

    /// The code of the area `text` names, borrowed from the reference data.
    pub fn area_code(&self, text: &str) -> Option<&str> {
        crate::text::with_compact(text, |k| self.index.get(k).map(Area::code))
    }

    pub fn country(&self, iso3: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.iso3 == iso3)
    }

    /// Closest country and region names to a value that matched nothing.
    pub fn suggest(&self, text: &str) -> Vec<String> {
        let names: Vec<(String, String)> = self
            .countries
            .iter()
            .map(|c| (compact(&c.name), c.name.clone()))
            .chain(
                COUNTRY_ALIASES
                    .iter()
                    .map(|(a, _)| (compact(a), (*a).to_string())),
            )
            .collect();
        crate::text::closest(
            &compact(text),
            names.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            3,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_countries_by_code_number_and_name() {
        let r = Reference::current();
        assert_eq!(r.area("KEN"), Some(Area::Country("KEN".into())));
        assert_eq!(r.area("404"), Some(Area::Country("KEN".into())));
        assert_eq!(r.area("kenya"), Some(Area::Country("KEN".into())));
        assert_eq!(r.area("Côte d’Ivoire"), Some(Area::Country("CIV".into())));
        assert_eq!(
            r.area("Sub-Saharan Africa"),
            Some(Area::Region("Sub-Saharan Africa".into()))
        );
        assert_eq!(r.area("worldwide"), Some(Area::Global));
        assert!(r.country("AFG").is_some_and(|c| c.ldc && c.lldc));
        assert_eq!(r.countries.iter().filter(|c| c.ldc).count(), 44);
    }
}
