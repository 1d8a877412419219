//! What the tool says, in the languages of the template: one catalogue
//! (`schema/messages.toml`) of sentences with named blanks, filled at the
//! moment of output in the reader's language. A finding keeps its message
//! as a key and arguments, so the same finding reads in English in the store
//! and in French on the organization's screen.
//!
//! Arguments are values (kept as they are: a cell's text, a number, a code),
//! labels in several languages (a column's titles, shown in the reader's
//! language first), or other messages.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::schema::{Labels, label_in};

const CATALOGUE_TOML: &str = include_str!("../schema/messages.toml");

/// Languages the whole output is written in.
pub const LANGUAGES: &[&str] = &["en", "fr", "es", "ar", "zh", "ru"];

/// Whether text in `lang` runs from right to left (Arabic): pages, sheets
/// and marked copies are laid out so.
pub fn right_to_left(lang: &str) -> bool {
    lang == "ar"
}

/// A sentence of the catalogue with its blanks filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// What fills a blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Said as it is in every language.
    Text(String),
    /// One name in several languages: the reader's, else English.
    Label(Labels),
    /// Every name of something (a column's titles in six languages): the
    /// reader's first, then the others, joined with the catalogue's "or".
    Names(Vec<String>, Labels),
    /// A sentence of its own.
    Message(Box<Message>),
    /// Items joined with the catalogue's "and".
    And(Vec<Arg>),
    /// Items joined with the catalogue's "or".
    Or(Vec<Arg>),
    /// In lower case, as within a sentence.
    Lower(Box<Arg>),
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<&std::borrow::Cow<'_, str>> for Arg {
    fn from(s: &std::borrow::Cow<'_, str>) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Text(n.to_string())
            }
        }
    )*};
}
number_args!(u32, u64, i32, i64, usize, char);

impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Message(Box::new(m))
    }
}

impl From<&Labels> for Arg {
    fn from(l: &Labels) -> Arg {
        Arg::Label(l.clone())
    }
}

/// `msg!(KEY, name = value, ...)`: a message of the catalogue.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Message::new(
            $key,
            vec![$((stringify!($name), $crate::messages::Arg::from($value))),*],
        )
    };
}

impl Message {
    /// Text already written in its language: a finding made ready for
    /// output, or a value with nothing to translate.
    pub fn literal(text: String) -> Message {
        Message {
            key: "",
            args: vec![("", Arg::Text(text))],
        }
    }

    pub fn new(key: &'static str, args: Vec<(&'static str, Arg)>) -> Message {
        debug_assert!(
            catalogue().contains_key(key),
            "message {key} is not in the catalogue"
        );
        Message { key, args }
    }

    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The sentence in `lang` (English where the catalogue lacks it).
    pub fn render(&self, lang: &str) -> String {
        if self.key.is_empty() {
            return self
                .args
                .first()
                .map(|(_, a)| a.render(lang))
                .unwrap_or_default();
        }
        let Some(texts) = catalogue().get(self.key) else {
            return self.key.to_string();
        };
        let template = label_in(texts, lang);
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                rest = "";
                break;
            };
            let name = &after[..close];
            match self.args.iter().find(|(n, _)| *n == name) {
                Some((_, arg)) => out.push_str(&arg.render(lang)),
                None => {
                    let _ = write!(out, "{{{name}}}");
                }
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

impl Arg {
    fn render(&self, lang: &str) -> String {
        match self {
            Arg::Text(t) => t.clone(),
            Arg::Label(l) => label_in(l, lang).to_string(),
            Arg::Names(order, labels) => {
                let first = label_in(labels, lang);
                let mut names = vec![first];
                names.extend(order.iter().map(String::as_str).filter(|n| *n != first));
                join(&names, &word("or", lang), lang)
            }
            Arg::Message(m) => m.render(lang),
            Arg::And(items) | Arg::Or(items) => {
                let conjunction = match self {
                    Arg::And(_) => word("and", lang),
                    _ => word("or", lang),
                };
                let items: Vec<String> = items.iter().map(|i| i.render(lang)).collect();
                let items: Vec<&str> = items.iter().map(String::as_str).collect();
                join(&items, &conjunction, lang)
            }
            Arg::Lower(inner) => inner.render(lang).to_lowercase(),
        }
    }
}

/// `a, b or c`, with the commas and spacing of `lang`.
fn join(items: &[&str], last: &str, lang: &str) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., end] => crate::msg!(
            "list-last",
            init = init.join(&word("list-comma", lang)),
            conjunction = last,
            end = *end
        )
        .render(lang),
    }
}

/// A word or phrase of the interface, by key, in `lang`.
pub fn word(key: &str, lang: &str) -> String {
    catalogue()
        .get(key)
        .map(|t| label_in(t, lang).to_string())
        .unwrap_or_else(|| key.to_string())
}

#[derive(Deserialize)]
struct Catalogue {
    message: BTreeMap<String, Labels>,
}

/// Every sentence of the catalogue, by key.
pub fn catalogue() -> &'static BTreeMap<String, Labels> {
    static MESSAGES: OnceLock<BTreeMap<String, Labels>> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        // Compiled in and checked by a test: a failure is a build defect.
        let c: Catalogue =
            toml::from_str(CATALOGUE_TOML).expect("the bundled messages catalogue is valid");
        c.message
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blanks of a sentence, sorted.
    fn blanks(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_message_is_in_every_language_with_the_same_blanks() {
        for (key, texts) in catalogue() {
            let en = texts.get("en").unwrap_or_else(|| panic!("{key} has no en"));
            for lang in LANGUAGES {
                let t = texts
                    .get(*lang)
                    .unwrap_or_else(|| panic!("{key} has no {lang}"));
                assert_eq!(blanks(t), blanks(en), "{key} in {lang}");
                assert!(!t.trim().is_empty(), "{key} in {lang} is empty");
            }
        }
    }

    /// Every `msg!`, `word` and `exceeded` key used in the source is in the catalogue; an
    /// unused entry is dead text.
    #[test]
    fn the_source_uses_exactly_the_catalogue() {
        let mut used = std::collections::BTreeSet::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).unwrap() {
                    stack.push(e.unwrap().path());
                }
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            // Keys used by tests only do not count.
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            // A key is the literal that opens the call, maybe on the next line.
            for marker in ["msg!(", "word(", "exceeded("] {
                for piece in text.split(marker).skip(1) {
                    if let Some(rest) = piece.trim_start().strip_prefix('"')
                        && let Some((key, _)) = rest.split_once('"')
                    {
                        used.insert(key.to_string());
                    }
                }
            }
        }
        let known: std::collections::BTreeSet<String> = catalogue().keys().cloned().collect();
        let missing: Vec<&String> = used.difference(&known).collect();
        assert!(
            missing.is_empty(),
            "keys used but not catalogued: {missing:?}"
        );
        let unused: Vec<&String> = known.difference(&used).collect();
        assert!(unused.is_empty(), "catalogued but never used: {unused:?}");
    }

    #[test]
    fn blanks_are_filled_in_the_readers_language() {
        let mut labels = Labels::new();
        labels.insert("en".into(), "Start date".into());
        labels.insert("fr".into(), "Date de début".into());
        let m = msg!(
            "no-row-labelled",
            names = Arg::Names(vec!["Start date".into(), "Date de début".into()], labels)
        );
        assert!(
            m.render("fr").contains("Date de début ou Start date"),
            "{}",
            m.render("fr")
        );
        assert!(
            m.render("en").contains("Start date or Date de début"),
            "{}",
            m.render("en")
        );
    }
}
