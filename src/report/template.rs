//! The report's template: Markdown with minijinja expressions, and TOML front
//! matter for the session details.
//!
//! Every value a template prints enters the Markdown as a placeholder, not as
//! text: the Markdown is parsed first, then the placeholders are replaced by
//! the values as plain text ([`super::markdown`]). So a line break or a `#`
//! in an action's title stays text; it can never make a heading.
//!
//! Filters and functions give UN editorial style: `num` (8,000), `words` (one
//! to nine in words), `Words` (a number opening a sentence, spelled out),
//! `share`, `date` (1 March 2027), `org` and `Org` (an organization in full
//! with its acronym at the first mention, by its acronym after), `foreign`
//! (a title in another language, in italics), `plural`, `and_list`.
//! [`reference`] lists them all, with every variable and data block.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use minijinja::value::{Object, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior};

use super::data::{Name, ReportData};
use super::style;

/// Starts and ends a placeholder in the rendered Markdown: private-use
/// characters, which no Markdown syntax uses.
pub const OPEN: char = '\u{E000}';
pub const CLOSE: char = '\u{E001}';

/// A value printed by the template: text, with its style.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Piece {
    pub text: String,
    pub italic: bool,
    pub lang: Option<String>,
}

/// Text in another language: marked with its language, and in italics when
/// it is a title.
#[derive(Debug)]
struct Styled(Piece);

impl Object for Styled {
    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.text)
    }
}

/// A template error: where it is, what is wrong, and what may be meant.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}{}{}", line.map(|l| format!(":{l}")).unwrap_or_default(), quoted.as_ref().map(|q| format!("\n  | {q}")).unwrap_or_default(), hint.as_ref().map(|h| format!("\n  {h}")).unwrap_or_default())]
pub struct Error {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
    /// The line of the template, quoted.
    pub quoted: Option<String>,
    /// The nearest valid names, or what to do.
    pub hint: Option<String>,
}

/// The template rendered: Markdown with placeholders, and their values.
pub struct Rendered {
    pub front: String,
    pub body: String,
    pub pieces: Vec<Piece>,
    /// The tables and figures in the order the template places them:
    /// (kind, name), numbered in this order.
    pub placed: Vec<(String, String)>,
}

/// The names a template may use, each with what it is: the reference page,
/// and the test that keeps it whole.
pub const VARIABLES: &[(&str, &str)] = &[
    ("year", "The reporting year, as text: 2026."),
    (
        "session.year",
        "The year of the Commission's session the report goes to: the reporting year plus one.",
    ),
    (
        "session.number",
        "The session's number: 30 for 2027 (the twenty-eighth session met in 2025).",
    ),
    (
        "session.ordinal",
        "The session's number in words: thirtieth.",
    ),
    ("session.symbol", "The report's symbol: E/CN.16/2027/CRP.1."),
    (
        "session.agenda_symbol",
        "The symbol of the provisional agenda: E/CN.16/2027/1.",
    ),
    (
        "session.date",
        "The report's date, ISO: 2027-03-01 (`| date` writes 1 March 2027).",
    ),
    (
        "invited",
        "Organizations invited to report: the register of the year.",
    ),
    (
        "replied",
        "Invited organizations that sent any file for the year.",
    ),
    (
        "compiled",
        "Contributions compiled: submissions in force, of any organization.",
    ),
    ("compiled_invited", "Of which from invited organizations."),
    (
        "pending",
        "Organizations that replied without a contribution compiled yet, in alphabetical order.",
    ),
    ("pending[].org", "The organization's ID (`| org` names it)."),
    (
        "pending[].state",
        "Its state, in words: a corrected file is awaited.",
    ),
    (
        "not_reporting",
        "IDs of the invited organizations that sent nothing, in alphabetical order of their names.",
    ),
    (
        "uninvited",
        "IDs of the organizations compiled without being invited.",
    ),
    ("files", "Files received for the year."),
    (
        "organizations",
        "The organizations compiled, in alphabetical order of their names.",
    ),
    ("organizations[].id", "Its ID (`| org` names it)."),
    ("organizations[].name", "Its name in full."),
    ("organizations[].kind", "Its type of organization."),
    (
        "organizations[].received",
        "When its submission in force was received (`| date`).",
    ),
    ("organizations[].actions", "Actions it reported."),
    (
        "organizations[].language",
        "The language of its submission, in English: French.",
    ),
    ("organizations[].lang", "The same as a code: fr."),
    ("organizations[].foreign", "Whether that is not English."),
    (
        "organizations[].summary",
        "Its summary of actions taken, as received.",
    ),
    (
        "organizations[].narratives",
        "Its narrative texts, as received.",
    ),
    (
        "organizations[].narratives[].label",
        "The narrative's title: Challenges and obstacles.",
    ),
    ("organizations[].narratives[].text", "The text."),
    ("actions", "Actions reported in the contributions compiled."),
    (
        "governments",
        "Participations of governments in the actions (a government in two actions counts twice).",
    ),
    (
        "developing",
        "Of which by governments of developing countries.",
    ),
    ("developing_share", "Their share, in per cent (`| share`)."),
    (
        "groups",
        "Least developed countries, landlocked developing countries, small island developing States.",
    ),
    ("groups[].code", "LDC, LLDC or SIDS."),
    ("groups[].name", "The group's name."),
    (
        "groups[].actions",
        "Actions naming at least one country of the group.",
    ),
    ("groups[].share", "Their share of all actions, in per cent."),
    ("types", "Actions by type, most frequent first."),
    ("types[].label", "The type, in lower case."),
    ("types[].count", "How many."),
    (
        "several_lines",
        "Actions naming more than one WSIS action line (sub-lines of one line count as that line).",
    ),
    (
        "org_types",
        "Contributions compiled by type of organization, most frequent first.",
    ),
    ("org_types[].label", "The type."),
    ("org_types[].count", "How many."),
    (
        "clusters",
        "The public policy clusters with actions, in the schema's order.",
    ),
    ("clusters[].code", "The cluster's code."),
    ("clusters[].title", "Its title."),
    ("clusters[].letter", "Its section letter: A, B, ..."),
    (
        "clusters[].organizations",
        "Organizations with actions in it.",
    ),
    ("clusters[].actions", "Its actions."),
    (
        "clusters[].types",
        "Its actions by type, most frequent first (label, count).",
    ),
    ("clusters[].types[].label", "The type."),
    ("clusters[].types[].count", "How many."),
    (
        "clusters[].scopes",
        "Its actions by scope, most frequent first (label, count).",
    ),
    ("clusters[].scopes[].label", "The scope."),
    ("clusters[].scopes[].count", "How many."),
    (
        "clusters[].regions",
        "Regions its actions cover, most frequent first (label, count).",
    ),
    ("clusters[].regions[].label", "The region."),
    ("clusters[].regions[].count", "How many."),
    (
        "clusters[].ldc",
        "Its actions naming a least developed country.",
    ),
    ("clusters[].lldc", "... a landlocked developing country."),
    ("clusters[].sids", "... a small island developing State."),
    (
        "clusters[].governments",
        "Participations of governments in its actions.",
    ),
    (
        "clusters[].examples",
        "Up to three actions, those with the most governments taking part, one per organization (ties: organization name, then action ID).",
    ),
    ("clusters[].examples[].org", "The organization's ID."),
    (
        "clusters[].examples[].title",
        "The action's title, as received.",
    ),
    ("clusters[].examples[].lang", "The language of the title."),
    (
        "clusters[].examples[].foreign",
        "Whether it is not English (`| foreign(lang)` sets it in italics).",
    ),
    ("clusters[].examples[].kind", "Its type, in lower case."),
    ("clusters[].examples[].scope", "Its scope, in lower case."),
    (
        "clusters[].examples[].governments",
        "Governments taking part, when reported.",
    ),
    (
        "coordination.entries",
        "Coordination arrangements reported.",
    ),
    (
        "coordination.organizations",
        "Organizations that reported any.",
    ),
    (
        "coordination.mechanisms",
        "Arrangements by mechanism, most frequent first (label, count).",
    ),
    ("coordination.mechanisms[].label", "The mechanism."),
    ("coordination.mechanisms[].count", "How many."),
    (
        "coordination.partners",
        "Partners named most often, at most five (label, count).",
    ),
    ("coordination.partners[].label", "The partner, as written."),
    ("coordination.partners[].count", "How many times."),
    (
        "measures",
        "Measures to enable participation of developing countries, from the narratives.",
    ),
    ("measures.count", "Organizations that described any."),
    (
        "measures.shown",
        "Quotes from at most six of them, those that reported the most actions (ties: name), in alphabetical order.",
    ),
    ("measures.shown[].org", "The organization's ID."),
    (
        "measures.shown[].text",
        "The first sentence of its text, at most 45 words.",
    ),
    ("measures.shown[].lang", "The language of the text."),
    ("measures.shown[].language", "Its name in English: Spanish."),
    ("measures.shown[].foreign", "Whether it is not English."),
    ("challenges", "Challenges and obstacles, as `measures`."),
    ("challenges.count", "As `measures.count`."),
    ("challenges.shown", "As `measures.shown`."),
    ("challenges.shown[].org", "As above."),
    ("challenges.shown[].text", "As above."),
    ("challenges.shown[].lang", "As above."),
    ("challenges.shown[].language", "As above."),
    ("challenges.shown[].foreign", "As above."),
    (
        "proposals",
        "Proposals for action by the Commission, as `measures`.",
    ),
    ("proposals.count", "As `measures.count`."),
    ("proposals.shown", "As `measures.shown`."),
    ("proposals.shown[].org", "As above."),
    ("proposals.shown[].text", "As above."),
    ("proposals.shown[].lang", "As above."),
    ("proposals.shown[].language", "As above."),
    ("proposals.shown[].foreign", "As above."),
    ("lessons", "Lessons learned, as `measures`."),
    ("lessons.count", "As `measures.count`."),
    ("lessons.shown", "As `measures.shown`."),
    ("lessons.shown[].org", "As above."),
    ("lessons.shown[].text", "As above."),
    ("lessons.shown[].lang", "As above."),
    ("lessons.shown[].language", "As above."),
    ("lessons.shown[].foreign", "As above."),
    (
        "trends",
        "Key figures of every year the store holds, oldest first.",
    ),
    ("trends[].year", "The year."),
    ("trends[].invited", "Organizations invited."),
    ("trends[].contributions", "Contributions compiled."),
    ("trends[].actions", "Actions."),
    ("trends[].governments", "Participations of governments."),
    ("trends[].developing", "Of which developing countries."),
    (
        "listing",
        "Whether the year is small enough (150 actions at most) for the list of actions to be an annex.",
    ),
    (
        "warnings",
        "Warnings accepted with the contributions compiled.",
    ),
    ("superseded", "Files of the year replaced by a later one."),
    ("word_limit", "The body's length limit: 8,500 words."),
];

/// Filters: (name, what it does).
pub const FILTERS: &[(&str, &str)] = &[
    ("num", "A number with comma separators: 8,000."),
    (
        "words",
        "One to nine in words, 10 and above in figures: seven, 12.",
    ),
    (
        "Words",
        "A number that opens a sentence, spelled out: Two hundred.",
    ),
    (
        "share",
        "A percentage with one decimal where it has one: 12.5.",
    ),
    (
        "date",
        "An ISO date or time as the UN writes it: 1 March 2027.",
    ),
    ("ordinal", "A number as an ordinal in words: thirtieth."),
    ("cap", "The first letter in capitals, the rest as it is."),
    (
        "plural",
        "`n | plural(\"action\", \"actions\")`: the word for the number.",
    ),
    ("and_list", "Items joined in running text: a, b and c."),
    (
        "lead",
        "`counts | lead(total)`: what leads a tally, so that a sentence claims only what is true: `label` and `count` of the first; `labels`, all the labels sharing the top count; `tied` when more than one does; `majority` when the top count is more than half of `total`; `all` when it is all of it; `single` when every count is 1.",
    ),
    (
        "org",
        "An organization's ID as the UN names it: in full with its acronym, and \"the\" where it takes it, at the first mention; by its acronym after.",
    ),
    (
        "Org",
        "The same, opening a sentence: The International Telecommunication Union (ITU).",
    ),
    (
        "orgs",
        "A list of organization IDs, each as `org`, joined as `and_list`.",
    ),
    (
        "foreign",
        "`title | foreign(lang)`: a title in another language, in italics and marked with its language; English titles as they are.",
    ),
    (
        "lang",
        "`text | lang(code)`: text marked with its language, for screen readers and translators.",
    ),
    ("quoted", "Text between typographic quotes: “...”."),
    (
        "cite",
        "`title | cite(lang)`: a title as the UN cites it: between quotes in English, in italics in another language.",
    ),
    (
        "names",
        "A list of organization IDs as their names in full, joined as `and_list`.",
    ),
];

/// The attributes of what `lead` gives.
const LEAD: &[&str] = &[
    "label", "labels", "count", "tied", "majority", "all", "single",
];

/// What leads a tally of `{label, count}` items, most frequent first.
fn lead(counts: &[Value], total: i64) -> Value {
    let count_of = |v: &Value| v.get_attr("count").ok().and_then(|c| i64::try_from(c).ok());
    let label_of = |v: &Value| {
        v.get_attr("label")
            .ok()
            .filter(|l| !l.is_undefined() && !l.is_none())
            .map(|l| l.to_string())
            .unwrap_or_default()
    };
    let top = counts.first().and_then(count_of).unwrap_or(0);
    let labels: Vec<String> = counts
        .iter()
        .filter(|v| count_of(v) == Some(top))
        .map(label_of)
        .collect();
    let label = labels.first().cloned().unwrap_or_default();
    Value::from_serialize(serde_json::json!({
        "label": label,
        "labels": labels,
        "count": top,
        "tied": labels.len() > 1,
        "majority": top > 0 && top * 2 > total,
        "all": top > 0 && top == total,
        "single": top == 1,
    }))
}

/// Functions: (name, what it does).
pub const FUNCTIONS: &[(&str, &str)] = &[
    (
        "masthead()",
        "The UN masthead of the first page, from the front matter.",
    ),
    (
        "summary()",
        "Starts the boxed summary; `end_summary()` ends it.",
    ),
    ("end_summary()", "Ends the summary."),
    ("contents()", "The list of contents, with page numbers."),
    ("pagebreak()", "A new page."),
    (
        "table(name, caption?)",
        "A data block as a numbered table (Table 1, 2, ...), with its notes; a block with no rows gives nothing.",
    ),
    (
        "chart(name, caption?)",
        "A data block as a numbered bar chart (Figure I, II, ...), drawn from the same numbers.",
    ),
    (
        "ref(name, kind?)",
        "How the text refers to the table of a data block placed anywhere in the document (table 2); with \"chart\" as kind, to its chart (figure II).",
    ),
    ("Ref(name, kind?)", "The same, opening a sentence: Table 2."),
];

/// Front matter keys: (name, what it is). All are optional.
pub const FRONT: &[(&str, &str)] = &[
    ("organ", "Economic and Social Council."),
    ("symbol", "The report's symbol; by default session.symbol."),
    ("date", "The report's date, ISO; by default session.date."),
    ("original", "The original language: English."),
    (
        "body",
        "Commission on Science and Technology for Development.",
    ),
    (
        "session",
        "The session, by default from the year: Thirtieth session.",
    ),
    (
        "place",
        "Where and when: Geneva, with the session's dates once known (20–24 April 2027).",
    ),
    ("agenda_item", "Item 3 of the provisional agenda."),
    (
        "agenda_symbol",
        "The symbol of the provisional agenda, in a footnote; by default session.agenda_symbol.",
    ),
    ("agenda_title", "The agenda item's title."),
    ("title", "The report's title."),
    ("from", "Note by the secretariat."),
    ("author", "The document's author, in its metadata."),
    ("lang", "The document's language: en."),
];

/// Splits `+++` front matter from the body: (front, body, lines of the front
/// matter with its fences, so that body lines keep their numbers).
pub fn split_front(source: &str) -> Option<(&str, &str, usize)> {
    let start = source.len() - source.trim_start().len();
    let rest = source[start..].strip_prefix("+++")?;
    let end = rest.find("\n+++")?;
    let front = &rest[..end];
    let after = &rest[end + 4..];
    let consumed = source.len() - after.len();
    let lines = source[..consumed].matches('\n').count();
    Some((front, after, lines))
}

/// Renders the template: the front matter with plain values, the body with
/// placeholders.
pub fn render(file: &str, source: &str, data: &ReportData) -> Result<Rendered, Error> {
    let Some((front_src, body_src, front_lines)) = split_front(source) else {
        return Err(Error {
            file: file.to_string(),
            line: Some(1),
            message: "the front matter between +++ lines is missing".into(),
            quoted: source.lines().next().map(String::from),
            hint: Some("a template starts with TOML front matter between two +++ lines".into()),
        });
    };
    let context = Value::from_serialize(data);
    check_names(file, source, &context)?;
    let front = {
        let env = environment(data, Arc::new(Mutex::new(Vec::new())), None);
        env.render_str(front_src, &context)
            .map_err(|e| error(file, source, 1, &e, &context))?
    };
    let pieces = Arc::new(Mutex::new(Vec::new()));
    let placed = Arc::new(Mutex::new(Vec::new()));
    let env = environment(data, pieces.clone(), Some(placed.clone()));
    // Blank lines in place of the front matter keep the body's line numbers.
    let padded = format!("{}{body_src}", "\n".repeat(front_lines));
    let body = env
        .render_named_str(file, &padded, &context)
        .map_err(|e| error(file, source, 0, &e, &context))?;
    let pieces = pieces.lock().map(|p| p.clone()).unwrap_or_default();
    let placed = placed.lock().map(|p| p.clone()).unwrap_or_default();
    Ok(Rendered {
        front,
        body,
        pieces,
        placed,
    })
}

/// Starts a placeholder's text that refers to a placed table or chart by
/// name (`ref`): replaced by its label once the document is numbered.
pub const REF: char = '\u{E002}';
/// The same, for a reference opening a sentence (`Ref`).
pub const CAP_REF: char = '\u{E003}';

type Placed = Arc<Mutex<Vec<(String, String)>>>;

fn environment(
    data: &ReportData,
    pieces: Arc<Mutex<Vec<Piece>>>,
    placed: Option<Placed>,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    let front_only = placed.is_none();
    {
        let pieces = pieces.clone();
        env.set_formatter(move |out, _state, value| {
            let piece = if value.is_safe() {
                return out
                    .write_str(value.as_str().unwrap_or_default())
                    .map_err(minijinja::Error::from);
            } else if let Some(s) = value.downcast_object_ref::<Styled>() {
                s.0.clone()
            } else {
                let text = match (value.as_i64(), value.kind()) {
                    (Some(n), minijinja::value::ValueKind::Number) if value.is_integer() => {
                        style::number(n)
                    }
                    (_, minijinja::value::ValueKind::Number) => {
                        style::share(f64::try_from(value.clone()).unwrap_or(0.0))
                    }
                    _ => value.to_string(),
                };
                Piece {
                    text,
                    ..Piece::default()
                }
            };
            if front_only {
                // TOML strings: the value as it is, quotes escaped.
                let escaped = piece.text.replace('\\', "\\\\").replace('"', "\\\"");
                return out.write_str(&escaped).map_err(minijinja::Error::from);
            }
            let n = match pieces.lock() {
                Ok(mut p) => {
                    p.push(piece);
                    p.len() - 1
                }
                Err(_) => 0,
            };
            write!(out, "{OPEN}{n}{CLOSE}").map_err(minijinja::Error::from)
        });
    }
    env.add_filter("num", |n: i64| style::number(n));
    env.add_filter("words", |n: i64| style::words(n));
    env.add_filter("Words", |n: i64| style::capitalize(&style::spelled(n)));
    env.add_filter("share", |v: f64| style::share(v));
    env.add_filter("date", |s: String| style::date_text(&s));
    env.add_filter("ordinal", |n: i64| style::ordinal(n));
    env.add_filter("cap", |s: String| style::capitalize(&s));
    env.add_filter(
        "plural",
        |n: i64, one: String, many: String| if n == 1 { one } else { many },
    );
    env.add_filter("and_list", |items: Vec<String>| style::and_list(&items));
    env.add_filter("lead", |counts: Vec<Value>, total: i64| {
        lead(&counts, total)
    });
    env.add_filter("quoted", |s: String| {
        format!("“{}”", style::smart_quotes(&s))
    });
    env.add_filter("foreign", |v: Value, lang: String| foreign(&v, &lang, true));
    env.add_filter("cite", |v: Value, lang: String| {
        let lang_code = lang.trim().to_lowercase();
        if lang_code.is_empty() || lang_code == "en" {
            Value::from(format!("“{}”", style::smart_quotes(&v.to_string())))
        } else {
            foreign(&v, &lang, true)
        }
    });
    env.add_filter("lang", |v: Value, lang: String| foreign(&v, &lang, false));
    let names: Arc<BTreeMap<String, Name>> = Arc::new(data.names.clone());
    let mentioned: Arc<Mutex<HashSet<String>>> = Arc::new(Mutex::new(HashSet::new()));
    for (filter, capital) in [("org", false), ("Org", true)] {
        let (names, mentioned) = (names.clone(), mentioned.clone());
        env.add_filter(filter, move |id: String| {
            let s = name_of(&names, &mentioned, &id);
            if capital { style::capitalize(&s) } else { s }
        });
    }
    {
        let names = names.clone();
        env.add_filter("names", move |ids: Vec<String>| {
            let full: Vec<String> = ids
                .iter()
                .map(|id| {
                    names
                        .get(id)
                        .map(|n| n.full.clone())
                        .unwrap_or_else(|| id.clone())
                })
                .collect();
            style::and_list(&full)
        });
    }
    {
        let (names, mentioned) = (names.clone(), mentioned.clone());
        env.add_filter("orgs", move |ids: Vec<String>| {
            let named: Vec<String> = ids
                .iter()
                .map(|id| name_of(&names, &mentioned, id))
                .collect();
            style::and_list(&named)
        });
    }
    let marker = |kind: &str| Value::from_safe_string(format!("\n\n<!-- cstd:{kind} -->\n\n"));
    env.add_function("masthead", move || marker("masthead"));
    env.add_function("summary", move || marker("summary"));
    env.add_function("end_summary", move || marker("end-summary"));
    env.add_function("contents", move || marker("contents"));
    env.add_function("pagebreak", move || marker("pagebreak"));
    if let Some(placed) = placed {
        let blocks: Arc<BTreeSet<String>> = Arc::new(data.blocks.keys().cloned().collect());
        for kind in ["table", "chart"] {
            let (placed, blocks, pieces) = (placed.clone(), blocks.clone(), pieces.clone());
            env.add_function(kind, move |name: String, caption: Option<String>| {
                if !blocks.contains(&name) {
                    return Err(minijinja::Error::new(
                        ErrorKind::InvalidOperation,
                        format!(
                            "no data block named {name:?}{}",
                            nearest(&name, blocks.iter().map(String::as_str))
                        ),
                    ));
                }
                if let Ok(mut p) = placed.lock() {
                    p.push((kind.to_string(), name.clone()));
                }
                // The caption is text, not markup: a placeholder too.
                let caption = match caption {
                    Some(c) => {
                        let mut p = pieces.lock().map_err(|_| {
                            minijinja::Error::new(ErrorKind::InvalidOperation, "internal lock")
                        })?;
                        p.push(Piece {
                            text: c,
                            ..Piece::default()
                        });
                        format!(" {OPEN}{}{CLOSE}", p.len() - 1)
                    }
                    None => String::new(),
                };
                Ok(Value::from_safe_string(format!(
                    "\n\n<!-- cstd:{kind} {name}{caption} -->\n\n"
                )))
            });
        }
        for (function, mark) in [("ref", REF), ("Ref", CAP_REF)] {
            let pieces = pieces.clone();
            env.add_function(function, move |name: String, kind: Option<String>| {
                let mut p = pieces.lock().map_err(|_| {
                    minijinja::Error::new(ErrorKind::InvalidOperation, "internal lock")
                })?;
                // `ref("x")` is the table of block x; `ref("x", "chart")` its chart.
                let kind = kind.unwrap_or_else(|| "table".into());
                p.push(Piece {
                    text: format!("{mark}{kind}:{name}"),
                    ..Piece::default()
                });
                Ok(Value::from_safe_string(format!(
                    "{OPEN}{}{CLOSE}",
                    p.len() - 1
                )))
            });
        }
    }
    env
}

/// How the report names an organization at this mention.
fn name_of(names: &BTreeMap<String, Name>, mentioned: &Mutex<HashSet<String>>, id: &str) -> String {
    let Some(n) = names.get(id) else {
        return id.to_string();
    };
    let first = mentioned
        .lock()
        .map(|mut m| m.insert(id.to_string()))
        .unwrap_or(true);
    let article = n
        .article
        .as_deref()
        .map(|a| format!("{a} "))
        .unwrap_or_default();
    if n.short == n.full {
        format!("{article}{}", n.full)
    } else if first {
        format!("{article}{} ({})", n.full, n.short)
    } else {
        n.short.clone()
    }
}

fn foreign(v: &Value, lang: &str, title: bool) -> Value {
    let text = v.to_string();
    let lang = lang.trim().to_lowercase();
    if lang.is_empty() || lang == "en" {
        return Value::from(text);
    }
    Value::from_object(Styled(Piece {
        text,
        italic: title,
        lang: Some(lang),
    }))
}

/// "; did you mean `x`?" for the names nearest `name`.
fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let keys: Vec<(String, &str)> = candidates.map(|c| (c.to_lowercase(), c)).collect();
    let near = crate::text::closest(
        &name.to_lowercase(),
        keys.iter().map(|(k, v)| (k.as_str(), *v)),
        3,
    );
    if near.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            near.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    }
}

/// Every attribute name of the data, at any depth.
fn attributes(v: &Value, out: &mut BTreeSet<String>) {
    match v.kind() {
        minijinja::value::ValueKind::Map => {
            if let Ok(keys) = v.try_iter() {
                for k in keys {
                    if let Some(s) = k.as_str() {
                        out.insert(s.to_string());
                    }
                    if let Ok(item) = v.get_item(&k) {
                        attributes(&item, out);
                    }
                }
            }
        }
        minijinja::value::ValueKind::Seq => {
            if let Ok(items) = v.try_iter() {
                for item in items.take(3) {
                    attributes(&item, out);
                }
            }
        }
        _ => {}
    }
}

const KEYWORDS: &[&str] = &[
    "for",
    "in",
    "if",
    "elif",
    "else",
    "endif",
    "endfor",
    "not",
    "and",
    "or",
    "is",
    "set",
    "endset",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "loop",
    "recursive",
    "macro",
    "endmacro",
    "call",
    "endcall",
    "filter",
    "endfilter",
    "with",
    "endwith",
    "raw",
    "endraw",
    "include",
    "import",
    "from",
    "as",
    "block",
    "endblock",
    "extends",
    "defined",
    "undefined",
    "range",
    "dict",
    "namespace",
    "super",
    "caller",
    "varargs",
    "kwargs",
    "debug",
];

/// Block tags that open a block, and the tag that closes each.
const BLOCKS: &[(&str, &str)] = &[
    ("for", "endfor"),
    ("if", "endif"),
    ("macro", "endmacro"),
    ("call", "endcall"),
    ("filter", "endfilter"),
    ("with", "endwith"),
    ("raw", "endraw"),
    ("block", "endblock"),
];

/// Checks a template's names and blocks before rendering, to name what is
/// wrong where it is: an unknown variable or attribute with the nearest
/// valid names, a block never closed at the line that opens it.
fn check_names(file: &str, source: &str, context: &Value) -> Result<(), Error> {
    let mut top: BTreeSet<String> = BTreeSet::new();
    if let Ok(keys) = context.try_iter() {
        top.extend(keys.filter_map(|k| k.as_str().map(String::from)));
    }
    let mut attrs = BTreeSet::new();
    attributes(context, &mut attrs);
    attrs.extend(LEAD.iter().map(|a| a.to_string()));
    attrs.extend(
        [
            "index",
            "index0",
            "first",
            "last",
            "length",
            "revindex",
            "revindex0",
            "previtem",
            "nextitem",
            "cycle",
            "changed",
            "depth",
        ]
        .map(String::from),
    );
    let known_calls: BTreeSet<&str> = FILTERS
        .iter()
        .map(|(n, _)| *n)
        .chain(
            FUNCTIONS
                .iter()
                .map(|(n, _)| n.split('(').next().unwrap_or(n)),
        )
        .chain([
            "length",
            "lower",
            "upper",
            "title",
            "capitalize",
            "replace",
            "count",
            "dictsort",
            "items",
            "reverse",
            "trim",
            "join",
            "split",
            "lines",
            "default",
            "d",
            "round",
            "abs",
            "int",
            "float",
            "list",
            "bool",
            "batch",
            "slice",
            "first",
            "last",
            "min",
            "max",
            "sort",
            "unique",
            "map",
            "select",
            "reject",
            "selectattr",
            "rejectattr",
            "groupby",
            "sum",
            "attr",
            "indent",
            "tojson",
            "urlencode",
            "safe",
            "escape",
            "e",
            "string",
            "pprint",
            "chain",
            "zip",
            "format",
            "startswith",
            "endswith",
            "upper",
        ])
        .collect();
    let error = |offset: usize, message: String, hint: Option<String>| {
        let line = source[..offset].matches('\n').count() + 1;
        Error {
            file: file.to_string(),
            line: Some(line),
            message,
            quoted: source.lines().nth(line - 1).map(|l| l.trim().to_string()),
            hint,
        }
    };
    // Variables the template makes: loop variables and `set`.
    let mut local: BTreeSet<String> = BTreeSet::new();
    let tags = tags(source);
    for (_, is_block, expr) in &tags {
        if !is_block {
            continue;
        }
        let expr = expr.trim();
        let words: Vec<&str> = expr.split_whitespace().collect();
        match words.first().copied() {
            Some("for") => {
                let vars = expr["for".len()..].split(" in ").next().unwrap_or("");
                local.extend(
                    vars.split(',')
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty()),
                );
            }
            Some("set") | Some("macro") => {
                if let Some(v) = words.get(1) {
                    local.insert(v.split(['=', '(']).next().unwrap_or(v).trim().to_string());
                }
            }
            _ => {}
        }
    }
    // Every name and attribute used.
    let mut stack: Vec<(&str, usize, &str)> = Vec::new();
    for (offset, is_block, expr) in &tags {
        if *is_block {
            let first = expr.split_whitespace().next().unwrap_or("");
            if let Some((open, close)) = BLOCKS.iter().find(|(o, _)| *o == first) {
                // `{% set x = ... %}` has no end; `{% set x %}` does.
                stack.push((open, *offset, close));
            } else if first == "set" && !expr.contains('=') {
                stack.push(("set", *offset, "endset"));
            } else if let Some(close) = first.strip_prefix("end") {
                match stack.pop() {
                    Some((open, _, want)) if want == first || open == close => {}
                    Some((open, at, want)) => {
                        return Err(error(
                            *offset,
                            format!(
                                "`{{% {first} %}}` closes `{{% {open} %}}`, which needs `{{% {want} %}}`"
                            ),
                            Some(format!(
                                "the `{open}` block opens at line {}",
                                source[..at].matches('\n').count() + 1
                            )),
                        ));
                    }
                    None => {
                        return Err(error(
                            *offset,
                            format!("`{{% {first} %}}` closes no block"),
                            None,
                        ));
                    }
                }
            }
        }
        for (at, chain, called) in names_in(expr) {
            let head = &chain[0];
            if called {
                if !known_calls.contains(head.as_str()) && !local.contains(head) {
                    let all = known_calls.iter().copied();
                    return Err(error(
                        offset + at,
                        format!("unknown filter or function `{head}`"),
                        Some(nearest(head, all).trim_start_matches("; ").to_string())
                            .filter(|h| !h.is_empty()),
                    ));
                }
                continue;
            }
            if KEYWORDS.contains(&head.as_str()) || top.contains(head) || local.contains(head) {
                for attr in &chain[1..] {
                    if !attrs.contains(attr) {
                        return Err(error(
                            offset + at,
                            format!(
                                "`{}` has no attribute `{attr}`",
                                chain[..chain.iter().position(|c| c == attr).unwrap_or(1)]
                                    .join(".")
                            ),
                            Some(
                                nearest(attr, attrs.iter().map(String::as_str))
                                    .trim_start_matches("; ")
                                    .to_string(),
                            )
                            .filter(|h| !h.is_empty()),
                        ));
                    }
                }
                continue;
            }
            return Err(error(
                offset + at,
                format!("undefined variable `{head}`"),
                Some(
                    nearest(head, top.iter().chain(local.iter()).map(String::as_str))
                        .trim_start_matches("; ")
                        .to_string(),
                )
                .filter(|h| !h.is_empty()),
            ));
        }
    }
    if let Some((open, at, close)) = stack.pop() {
        return Err(error(
            at,
            format!("`{{% {open} %}}` is never closed"),
            Some(format!("add `{{% {close} %}}` where the block ends")),
        ));
    }
    Ok(())
}

/// The expression tags of a template: (offset of the expression, whether a
/// block tag, its text). Comments and raw blocks are left out.
fn tags(source: &str) -> Vec<(usize, bool, &str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(start) = source[i..].find('{').map(|s| s + i) {
        let rest = &source[start..];
        let (close, block) = if rest.starts_with("{{") {
            ("}}", false)
        } else if rest.starts_with("{%") {
            ("%}", true)
        } else if rest.starts_with("{#") {
            i = start + rest.find("#}").map(|e| e + 2).unwrap_or(rest.len());
            continue;
        } else {
            i = start + 1;
            continue;
        };
        let Some(end) = rest[2..].find(close) else {
            break;
        };
        let inner = &rest[2..2 + end];
        let trimmed = inner.trim_matches(['-', '+']);
        let lead = inner.len() - inner.trim_start_matches(['-', '+']).len();
        out.push((start + 2 + lead, block, trimmed));
        i = start + 2 + end + 2;
    }
    out
}

/// The names an expression uses: (offset, `a.b.c` as parts, whether called
/// as a filter or a function). String literals are skipped.
fn names_in(expr: &str) -> Vec<(usize, Vec<String>, bool)> {
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut after_pipe = false;
    let mut after_is = false;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c == '"' || c == '\'' {
            let end = expr[i + 1..]
                .find(c)
                .map(|e| i + 1 + e + 1)
                .unwrap_or(bytes.len());
            i = end;
            continue;
        }
        if c == '|' {
            after_pipe = true;
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            let mut parts = Vec::new();
            let mut j = i;
            loop {
                let s = j;
                while j < bytes.len()
                    && ((bytes[j] as char).is_ascii_alphanumeric() || bytes[j] == b'_')
                {
                    j += 1;
                }
                parts.push(expr[s..j].to_string());
                if j + 1 < bytes.len()
                    && bytes[j] == b'.'
                    && (bytes[j + 1] as char).is_ascii_alphabetic()
                {
                    j += 1;
                } else {
                    break;
                }
            }
            let rest = expr[j..].trim_start();
            let called = after_pipe || rest.starts_with('(');
            // Keyword arguments (`caption=`) and tests (`is defined`) are not names.
            let keyword_arg = rest.starts_with('=') && !rest.starts_with("==");
            if !keyword_arg && !after_is {
                out.push((start, parts.clone(), called));
            }
            after_is = parts[0] == "is" || (after_is && parts[0] == "not");
            after_pipe = false;
            i = j;
            continue;
        }
        if c.is_ascii_digit() {
            while i < bytes.len()
                && ((bytes[i] as char).is_ascii_alphanumeric() || bytes[i] == b'.')
            {
                i += 1;
            }
            continue;
        }
        if !c.is_whitespace() {
            after_pipe = false;
        }
        i += 1;
    }
    out
}

/// A minijinja error as the author needs it: the file, the line, what is
/// wrong, the line quoted.
fn error(
    file: &str,
    source: &str,
    offset_lines: usize,
    e: &minijinja::Error,
    context: &Value,
) -> Error {
    let line = e.line().map(|l| l + offset_lines);
    let quoted = line
        .and_then(|l| source.lines().nth(l.saturating_sub(1)))
        .map(|l| l.trim().to_string());
    let what = match (e.kind(), e.detail()) {
        (ErrorKind::UndefinedError, _) => {
            // The span names what was undefined.
            let name = e
                .range()
                .and_then(|r| source.get(r))
                .unwrap_or("a value")
                .to_string();
            let mut top = BTreeSet::new();
            if let Ok(keys) = context.try_iter() {
                top.extend(keys.filter_map(|k| k.as_str().map(String::from)));
            }
            format!(
                "`{name}` is undefined{}",
                nearest(&name, top.iter().map(String::as_str))
            )
        }
        (_, Some(d)) => d.to_string(),
        (kind, None) => kind.to_string(),
    };
    Error {
        file: file.to_string(),
        line,
        message: what,
        quoted,
        hint: None,
    }
}

/// The reference page: every variable, filter, function, front matter key
/// and data block an author may use, from the code itself.
pub fn reference(blocks: &[(&str, &str)]) -> String {
    let mut out = String::from(
        "# The report template: what an author may use\n\n\
         Made by `cstd report --reference` from the code, so it cannot drift. The template is \
         Markdown (headings `#`, `##`, `###`; paragraphs; `*italic*`, `**bold**`; lists; pipe \
         tables; footnotes `[^1]`) with minijinja expressions. A paragraph wholly in bold is a \
         conclusion. A paragraph opening with `(a)` is a subparagraph, not numbered. Headings \
         starting with `Annex` start a new page; paragraphs of the chapters are numbered.\n\n\
         Every value printed enters the text as text: Markdown in a value is never read as \
         markup. Numbers print with comma separators.\n\n## Variables\n\n| name | what it is |\n|---|---|\n",
    );
    for (n, d) in VARIABLES {
        out.push_str(&format!("| `{n}` | {d} |\n"));
    }
    out.push_str("\n## Filters\n\n| filter | what it does |\n|---|---|\n");
    for (n, d) in FILTERS {
        out.push_str(&format!("| `{n}` | {d} |\n"));
    }
    out.push_str("\n## Functions\n\n| function | what it does |\n|---|---|\n");
    for (n, d) in FUNCTIONS {
        out.push_str(&format!("| `{n}` | {d} |\n"));
    }
    out.push_str("\n## Front matter\n\n| key | what it is |\n|---|---|\n");
    for (n, d) in FRONT {
        out.push_str(&format!("| `{n}` | {d} |\n"));
    }
    out.push_str("\n## Data blocks\n\n| block | its default caption |\n|---|---|\n");
    for (n, d) in blocks {
        out.push_str(&format!("| `{n}` | {d} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_and_skips_strings_keywords_and_arguments() {
        let n: Vec<(String, bool)> = names_in(r#" c.organisations | plural("a.b", "x") if x is defined else table("t", caption="y") "#)
            .into_iter()
            .map(|(_, p, c)| (p.join("."), c))
            .collect();
        assert_eq!(
            n,
            [
                ("c.organisations".to_string(), false),
                ("plural".to_string(), true),
                ("if".to_string(), false),
                ("x".to_string(), false),
                ("is".to_string(), false),
                ("else".to_string(), false),
                ("table".to_string(), true),
            ]
        );
    }

    /// Every key path of a value: `a`, `a.b`, `a[].b`.
    fn paths(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.insert(p.clone());
                    paths(x, &p, out);
                }
            }
            serde_json::Value::Array(a) => {
                for x in a {
                    paths(x, &format!("{prefix}[]"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn the_reference_lists_every_variable_and_no_other() {
        use crate::report::data::*;
        let mut d = ReportData::default();
        d.pending.push(Pending::default());
        d.organizations.push(OrgView {
            narratives: vec![Narrative::default()],
            ..OrgView::default()
        });
        d.groups.push(GroupView::default());
        d.types.push(Count::default());
        d.org_types.push(Count::default());
        d.clusters.push(ClusterView {
            types: vec![Count::default()],
            scopes: vec![Count::default()],
            regions: vec![Count::default()],
            examples: vec![Example::default()],
            ..ClusterView::default()
        });
        d.coordination.mechanisms.push(Count::default());
        d.coordination.partners.push(Count::default());
        for q in [
            &mut d.measures,
            &mut d.challenges,
            &mut d.proposals,
            &mut d.lessons,
        ] {
            q.shown.push(Quote::default());
        }
        d.trends.push(Figures::default());
        let mut found = BTreeSet::new();
        paths(&serde_json::to_value(&d).unwrap(), "", &mut found);
        let listed: BTreeSet<String> = VARIABLES.iter().map(|(n, _)| n.to_string()).collect();
        // Containers are listed by their parts: `coordination.entries`, not `coordination`.
        let found: BTreeSet<String> = found
            .into_iter()
            .filter(|p| p != "coordination" && p != "session")
            .collect();
        assert_eq!(
            found.difference(&listed).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "variables the reference lacks"
        );
        assert_eq!(
            listed.difference(&found).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "variables the reference names that do not exist"
        );
    }

    #[test]
    fn front_matter_keeps_body_line_numbers() {
        let (front, body, lines) = split_front("+++\na = 1\n+++\nbody\n").unwrap();
        assert_eq!(front, "\na = 1");
        assert_eq!(body, "\nbody\n");
        assert_eq!(lines, 2);
    }
}
