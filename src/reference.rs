//! Reference data kept as data: the UN M49 list of countries and areas with
//! their regions and group flags (LDC, LLDC, SIDS), from `data/m49.csv`, and
//! their names in the six UN languages, the UN's own and CLDR's (`data/names.csv`). Groups
//! change over time; the secretariat updates the files, not the code.
//!
//! A name that fits more than one country (Korea, Congo, Guinea) is never
//! read by guess: [`Reference::lookup`] says which countries it could be.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::text::compact;

const M49_CSV: &str = include_str!("../data/m49.csv");
const NAMES_CSV: &str = include_str!("../data/names.csv");

/// Names people write that neither the M49 list nor CLDR give.
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

/// What a name of a country or region reads as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(Area),
    /// The name fits more than one country: read as `read_as` when it is the
    /// exact name of one of them, else not read; a warning lists them all.
    Ambiguous {
        read_as: Option<Area>,
        candidates: Vec<Area>,
    },
    NotFound,
}

pub struct Reference {
    pub countries: Vec<Country>,
    /// What every code and name reads as, by its folded key, worked out once
    /// so that a lookup is one probe: ISO alpha-3 and M49 codes, the regions,
    /// `Global` and the aliases name one area; the names of the six languages
    /// may name several.
    names: HashMap<String, Lookup>,
    /// Every country name's words, to find the names that contain another.
    words: Vec<(Area, Vec<String>)>,
    /// For each word, the entries of `words` that hold it.
    by_word: HashMap<String, Vec<usize>>,
    /// (code, language, name, whether it is the UN's short name) as
    /// `names.csv` writes them.
    localized: Vec<(String, String, String, bool)>,
    /// Every code and name exactly as written above: what JSON must send.
    written: std::collections::BTreeSet<String>,
}

/// A name's words: lower case, accents removed, split at anything but a
/// letter or digit.
fn words_of(name: &str) -> Vec<String> {
    crate::text::fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// Whether `inner` occurs in `outer` as a run of whole words.
fn contains_words(outer: &[String], inner: &[String]) -> bool {
    !inner.is_empty() && outer.len() > inner.len() && outer.windows(inner.len()).any(|w| w == inner)
}

impl Reference {
    pub fn current() -> &'static Reference {
        static REF: OnceLock<Reference> = OnceLock::new();
        REF.get_or_init(|| {
            Reference::parse(M49_CSV, NAMES_CSV)
                .expect("the bundled m49.csv and names.csv are valid")
        })
    }

    pub fn parse(m49: &str, names_csv: &str) -> Result<Reference, String> {
        let mut reader = csv::Reader::from_reader(m49.as_bytes());
        let countries: Vec<Country> = reader
            .deserialize()
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        let mut index = HashMap::default();
        let mut written = std::collections::BTreeSet::new();
        let mut regions = std::collections::BTreeSet::new();
        for c in &countries {
            for region in [&c.region, &c.subregion, &c.intermediate_region] {
                if !region.is_empty() {
                    written.insert(region.clone());
                    index.insert(compact(region), Area::Region(region.clone()));
                    regions.insert(region.clone());
                }
            }
        }
        for c in &countries {
            let area = Area::Country(c.iso3.clone());
            index.insert(compact(&c.iso3), area.clone());
            written.insert(c.iso3.clone());
            if let Ok(n) = c.m49.parse::<u32>() {
                for code in [n.to_string(), format!("{n:03}")] {
                    index.insert(code.clone(), area.clone());
                    written.insert(code);
                }
            }
        }
        for (alias, iso3) in COUNTRY_ALIASES {
            index.insert(compact(alias), Area::Country((*iso3).to_string()));
            written.insert((*alias).to_string());
        }
        for g in GLOBAL {
            index.insert(compact(g), Area::Global);
            written.insert((*g).to_string());
        }
        // M49 codes of the regions themselves.
        for (code, name) in [
            ("002", "Africa"),
            ("019", "Americas"),
            ("142", "Asia"),
            ("150", "Europe"),
            ("009", "Oceania"),
        ] {
            for code in [code, code.trim_start_matches('0')] {
                index.insert(code.to_string(), Area::Region(name.to_string()));
                written.insert(code.to_string());
            }
        }
        // Each name with the areas it names, and each country name's words.
        let mut named: HashMap<String, (Vec<Area>, Vec<String>)> = HashMap::default();
        let mut words = Vec::new();
        let mut localized = Vec::new();
        let mut add = |name: &str, area: Area, words: &mut Vec<(Area, Vec<String>)>| {
            let key = compact(name);
            if key.is_empty() {
                return;
            }
            written.insert(name.to_string());
            // A name's words are worked out once: folding is the costly part.
            let ws = words_of(name);
            if matches!(area, Area::Country(_)) {
                words.push((area.clone(), ws.clone()));
            }
            let at = named.entry(key).or_insert_with(|| (Vec::new(), ws));
            if !at.0.contains(&area) {
                at.0.push(area);
            }
        };
        for c in &countries {
            add(&c.name, Area::Country(c.iso3.clone()), &mut words);
        }
        let mut reader = csv::Reader::from_reader(names_csv.as_bytes());
        for row in reader.records() {
            let row = row.map_err(|e| e.to_string())?;
            let (code, lang, name) = (&row[0], &row[1], &row[2]);
            let un = row.get(3) == Some("x");
            let area = if regions.contains(code) {
                Area::Region(code.to_string())
            } else {
                Area::Country(code.to_string())
            };
            add(name, area, &mut words);
            localized.push((code.to_string(), lang.to_string(), name.to_string(), un));
        }
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, (_, ws)) in words.iter().enumerate() {
            for w in ws {
                let at = by_word.entry(w.clone()).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        let mut reference = Reference {
            countries,
            names: HashMap::default(),
            words,
            by_word,
            localized,
            written,
        };
        reference.names = named
            .into_iter()
            .map(|(key, (exact, ws))| {
                let read = reference.by_name(exact, &ws);
                (key, read)
            })
            .collect();
        // A code or an alias settles what a name would.
        for (key, area) in index {
            reference.names.insert(key, Lookup::Found(area));
        }
        Ok(reference)
    }

    /// What a code or a name reads as: a code (KEN, 404), a region or
    /// `Global` is read as it is; a country's name is read when it names one
    /// country only.
    pub fn lookup(&self, text: &str) -> std::borrow::Cow<'_, Lookup> {
        use std::borrow::Cow;
        match crate::text::with_compact(text, |key| self.names.get(key)) {
            Some(read) => Cow::Borrowed(read),
            // Not a name: it may still be part of some (Korea, Guinea).
            None => Cow::Owned(self.by_name(Vec::new(), &words_of(text))),
        }
    }

    /// What a name reads as, from the areas it names exactly and its words.
    fn by_name(&self, exact: Vec<Area>, inner: &[String]) -> Lookup {
        if let [only] = exact.as_slice()
            && !matches!(only, Area::Country(_))
        {
            return Lookup::Found(only.clone());
        }
        if exact.len() > 1 {
            return Lookup::Ambiguous {
                read_as: None,
                candidates: exact,
            };
        }
        // Countries with a name holding this one and at most two words more:
        // Korea in North Korea and South Korea, Guinea in Equatorial Guinea.
        let mut containers: Vec<Area> = Vec::new();
        // Every word must be there: the rarest one's names are enough to look at.
        let entries = inner
            .iter()
            .map(|w| self.by_word.get(w).map_or(&[][..], Vec::as_slice))
            .min_by_key(|e| e.len())
            .unwrap_or_default();
        for &i in entries {
            let (area, outer) = &self.words[i];
            if exact.contains(area)
                || containers.contains(area)
                || outer.len() > inner.len() + 2
                || !contains_words(outer, inner)
            {
                continue;
            }
            containers.push(area.clone());
        }
        containers.sort_by(|a, b| a.code().cmp(b.code()));
        match (exact.into_iter().next(), containers.len()) {
            (Some(a), 0) => Lookup::Found(a),
            (Some(a), _) => {
                let mut candidates = vec![a.clone()];
                candidates.extend(containers);
                Lookup::Ambiguous {
                    read_as: Some(a),
                    candidates,
                }
            }
            (None, n) if n >= 2 => Lookup::Ambiguous {
                read_as: None,
                candidates: containers,
            },
            _ => Lookup::NotFound,
        }
    }

    /// Whether `text` is a code or name exactly as the reference data
    /// writes it: what a JSON submission must send.
    pub fn is_written(&self, text: &str) -> bool {
        self.written.contains(text)
    }

    /// Every code and name [`Reference::is_written`] accepts, in order.
    pub fn written_forms(&self) -> impl Iterator<Item = &str> {
        self.written.iter().map(String::as_str)
    }

    pub fn area(&self, text: &str) -> Option<Area> {
        match self.lookup(text).into_owned() {
            Lookup::Found(a)
            | Lookup::Ambiguous {
                read_as: Some(a), ..
            } => Some(a),
            _ => None,
        }
    }

    /// An area's names as a person reads them, in each language of the
    /// output: `Republic of Korea (KOR)`, `République de Corée (KOR)`.
    pub fn labels(&self, area: &Area) -> crate::schema::Labels {
        let mut out = crate::schema::Labels::new();
        for lang in crate::messages::LANGUAGES {
            let name = match area {
                Area::Country(iso) => {
                    let name = if *lang == "en" {
                        self.country(iso).map(|c| c.name.clone())
                    } else {
                        self.fullest(iso, lang)
                    };
                    match name {
                        Some(n) => format!("{n} ({iso})"),
                        None => iso.clone(),
                    }
                }
                Area::Region(r) => self.region_name(r, lang),
                Area::Global => area.code().to_string(),
            };
            out.insert((*lang).to_string(), name);
        }
        out
    }

    /// The name of a code in a language as UN documents write it, or where
    /// the UN's list has none, the fullest, in running order: an ISO form
    /// turned around a comma (`Corée, République de`) only where there is
    /// no other.
    fn fullest(&self, code: &str, lang: &str) -> Option<String> {
        self.localized
            .iter()
            .filter(|(c, l, ..)| c == code && l == lang)
            .max_by_key(|(_, _, n, un)| (*un, !n.contains(','), n.chars().count()))
            .map(|(_, _, n, _)| n.clone())
    }

    /// Each country's name in a language, with its code and region, in name
    /// order: for the template's list of countries. The English name is the
    /// UN's; in another language too, where the UN's list has the country.
    pub fn country_names(&self, lang: &str) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = self
            .countries
            .iter()
            .map(|c| {
                let name = if lang == "en" {
                    c.name.clone()
                } else {
                    self.fullest(&c.iso3, lang)
                        .unwrap_or_else(|| c.name.clone())
                };
                (name, c.iso3.clone(), self.region_name(&c.region, lang))
            })
            .collect();
        out.sort_by_key(|a| crate::text::fold(&a.0));
        out
    }

    /// A region's name in a language (its English name when CLDR has none).
    pub fn region_name(&self, region: &str, lang: &str) -> String {
        self.fullest(region, lang)
            .unwrap_or_else(|| region.to_string())
    }

    /// The regions of the M49 list, in English.
    pub fn regions(&self) -> Vec<String> {
        let mut r: Vec<String> = self
            .countries
            .iter()
            .flat_map(|c| [&c.region, &c.subregion, &c.intermediate_region])
            .filter(|r| !r.is_empty())
            .cloned()
            .collect();
        r.sort();
        r.dedup();
        r
    }

    pub fn country(&self, iso3: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.iso3 == iso3)
    }

    /// Closest country and region names to a value that matched nothing, in
    /// any of the six languages.
    pub fn suggest(&self, text: &str) -> Vec<String> {
        let names: Vec<(String, String)> = self
            .countries
            .iter()
            .map(|c| (compact(&c.name), c.name.clone()))
            .chain(
                self.localized
                    .iter()
                    .map(|(_, _, n, _)| (compact(n), n.clone())),
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
        assert_eq!(r.area("Royaume-Uni"), Some(Area::Country("GBR".into())));
        assert_eq!(r.area("Reino Unido"), Some(Area::Country("GBR".into())));
        assert_eq!(r.area("Estados Unidos"), Some(Area::Country("USA".into())));
        assert_eq!(r.area("Afrique"), Some(Area::Region("Africa".into())));
        assert_eq!(r.area("África"), Some(Area::Region("Africa".into())));
        assert_eq!(r.area("Caraïbes"), Some(Area::Region("Caribbean".into())));
        assert_eq!(
            r.area("Korea, Republic of"),
            Some(Area::Country("KOR".into()))
        );
        // The ISO 3166 forms in French and Spanish, commas and all, and the
        // official forms.
        for (name, code) in [
            ("Corée, République de", "KOR"),
            ("République de Corée", "KOR"),
            ("Corea, República de", "KOR"),
            ("República de Corea", "KOR"),
            ("Tanzanie, République unie de", "TZA"),
            ("République-Unie de Tanzanie", "TZA"),
            ("Royaume-Uni de Grande-Bretagne et d'Irlande du Nord", "GBR"),
            ("Estados Unidos de América", "USA"),
            ("Bolivie (État plurinational de)", "BOL"),
            ("Республика Корея", "KOR"),
            ("大韩民国", "KOR"),
        ] {
            assert_eq!(r.area(name), Some(Area::Country(code.into())), "{name}");
        }
        assert_eq!(r.area("Africa"), Some(Area::Region("Africa".into())));
        assert_eq!(r.area("Georgia"), Some(Area::Country("GEO".into())));
        assert!(r.country("AFG").is_some_and(|c| c.ldc && c.lldc));
        assert_eq!(r.countries.iter().filter(|c| c.ldc).count(), 44);
    }

    /// The names UN documents give, which an organization writing in a UN
    /// language copies, and the short Chinese names.
    #[test]
    fn reads_the_uns_names_in_the_six_languages() {
        let r = Reference::current();
        for (name, code) in [
            ("Кыргызстан", "KGZ"),
            ("Соединенные Штаты Америки", "USA"),
            ("Боливия (Многонациональное Государство)", "BOL"),
            ("Объединенная Республика Танзания", "TZA"),
            ("Святой Престол", "VAT"),
            ("中国", "CHN"),
            ("法国", "FRA"),
            ("越南", "VNM"),
            ("俄罗斯联邦", "RUS"),
            ("多民族玻利维亚国", "BOL"),
            ("الاتحاد الروسي", "RUS"),
            ("الجمهورية العربية السورية", "SYR"),
            ("فييت نام", "VNM"),
            ("Venezuela (República Bolivariana de)", "VEN"),
            ("Türkiye", "TUR"),
        ] {
            assert_eq!(r.area(name), Some(Area::Country(code.into())), "{name}");
        }
        assert_eq!(r.area("非洲"), Some(Area::Region("Africa".into())));
        assert_eq!(r.area("欧洲"), Some(Area::Region("Europe".into())));
        // The template's lists name countries as the UN does.
        let named = |lang: &str, code: &str| {
            r.country_names(lang)
                .into_iter()
                .find(|(_, c, _)| c == code)
                .map(|(n, ..)| n)
        };
        assert_eq!(named("ru", "KGZ").as_deref(), Some("Кыргызстан"));
        assert_eq!(
            named("zh", "GBR").as_deref(),
            Some("大不列颠及北爱尔兰联合王国")
        );
        assert_eq!(
            named("fr", "BOL").as_deref(),
            Some("Bolivie (État plurinational de)")
        );
        assert_eq!(named("ar", "VNM").as_deref(), Some("فييت نام"));
    }

    #[test]
    fn a_name_that_fits_several_countries_is_never_a_silent_choice() {
        let r = Reference::current();
        let codes = |l: Lookup| match l {
            Lookup::Ambiguous {
                read_as,
                candidates,
            } => (
                read_as.map(|a| a.code().to_string()),
                candidates
                    .iter()
                    .map(|a| a.code().to_string())
                    .collect::<Vec<_>>(),
            ),
            other => panic!("{other:?}"),
        };
        let codes = |l: std::borrow::Cow<Lookup>| codes(l.into_owned());
        let (read, of) = codes(r.lookup("Korea"));
        assert_eq!(read, None);
        assert_eq!(of, ["KOR", "PRK"]);
        let (read, of) = codes(r.lookup("Corée"));
        assert_eq!(
            (read, of),
            (None, vec!["KOR".to_string(), "PRK".to_string()])
        );
        let (read, of) = codes(r.lookup("Congo"));
        assert_eq!(read.as_deref(), Some("COG"));
        assert!(of.contains(&"COD".to_string()), "{of:?}");
        for congo in ["Конго", "الكونغو"] {
            let (_, of) = codes(r.lookup(congo));
            assert!(of.contains(&"COD".to_string()), "{congo}: {of:?}");
        }
        let (read, of) = codes(r.lookup("Guinea"));
        assert_eq!(read.as_deref(), Some("GIN"));
        assert!(
            of.contains(&"GNB".to_string()) && of.contains(&"GNQ".to_string()),
            "{of:?}"
        );
    }
}
