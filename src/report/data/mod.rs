//! The report's figures, from the store: the year loaded once ([`year`]), the
//! named data blocks, one function each ([`blocks`]), and what the template's
//! prose uses ([`ReportData`]): who replied, the syntheses by cluster with
//! examples chosen by a stated rule, attributed quotes drawn from the
//! narratives, bounded in number whatever the size of the year.

pub mod blocks;
pub mod year;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::status::State;
use crate::store::Generation;
use blocks::DataBlock;
use year::{Action, Year};

/// Examples named in each cluster's synthesis, at most.
pub const EXAMPLES_PER_CLUSTER: usize = 3;
/// Organizations quoted in each part drawn from the narratives, at most.
pub const QUOTED: usize = 6;
/// Words of a quote, at most: its first sentence, cut there.
pub const QUOTE_WORDS: usize = 45;
/// Actions a year may have for the full list to be an annex of the report;
/// beyond it the list is in the data annex only.
pub const LISTED_ACTIONS: usize = 150;
/// The body's length limit for a secretariat report (words).
pub const WORD_LIMIT: usize = 8_500;

/// A category and how many.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Count {
    pub label: String,
    pub count: i64,
}

/// The session of the Commission the report goes to: the year after the
/// reporting year.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Session {
    pub year: String,
    pub number: i64,
    /// `thirtieth`.
    pub ordinal: String,
    pub symbol: String,
    pub agenda_symbol: String,
    /// The document's date, ISO: `2027-03-01`.
    pub date: String,
}

/// An organization that replied without a contribution compiled yet.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Pending {
    pub org: String,
    pub state: String,
}

/// An organization whose contribution is compiled.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrgView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub received: String,
    pub actions: usize,
    /// The language of the submission, by its English name (`French`).
    pub language: String,
    /// Whether it is other than English: its titles go in italics.
    pub foreign: bool,
    pub lang: String,
    pub summary: String,
    pub narratives: Vec<Narrative>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Narrative {
    pub label: String,
    pub text: String,
}

/// An action named as an example.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Example {
    pub org: String,
    pub title: String,
    pub lang: String,
    pub foreign: bool,
    pub kind: String,
    pub scope: String,
    pub governments: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ClusterView {
    pub code: String,
    pub title: String,
    pub letter: String,
    pub organizations: usize,
    pub actions: usize,
    /// Action types, most frequent first.
    pub types: Vec<Count>,
    /// Scopes, most frequent first.
    pub scopes: Vec<Count>,
    /// Regions covered, most frequent first (Global included).
    pub regions: Vec<Count>,
    /// Actions naming a least developed country, a landlocked developing
    /// country, a small island developing State.
    pub ldc: i64,
    pub lldc: i64,
    pub sids: i64,
    pub governments: i64,
    pub examples: Vec<Example>,
}

/// Text drawn from one narrative field of every contribution.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Quotes {
    /// Organizations that wrote something there.
    pub count: usize,
    pub shown: Vec<Quote>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Quote {
    pub org: String,
    pub text: String,
    pub lang: String,
    /// The language's English name: `Spanish`.
    pub language: String,
    pub foreign: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupView {
    pub code: String,
    pub name: String,
    pub actions: i64,
    pub share: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CoordinationView {
    pub entries: usize,
    pub organizations: usize,
    pub mechanisms: Vec<Count>,
    /// Partners named most often, at most five.
    pub partners: Vec<Count>,
}

/// Key figures of a year, for the trends.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figures {
    pub year: i64,
    pub invited: usize,
    pub contributions: usize,
    pub actions: usize,
    pub governments: i64,
    pub developing: i64,
}

/// Everything the template can use. Names of organizations are their IDs:
/// the `org` filter writes them as the UN does.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportData {
    pub year: String,
    pub session: Session,
    /// Organizations invited (the register of the year).
    pub invited: usize,
    /// Invited organizations that sent any file.
    pub replied: usize,
    /// Contributions compiled: submissions in force, of any organization.
    pub compiled: usize,
    /// Of which from invited organizations.
    pub compiled_invited: usize,
    /// Replied, without a contribution compiled yet.
    pub pending: Vec<Pending>,
    /// Invited organizations that sent nothing.
    pub not_reporting: Vec<String>,
    /// Files received whose organization or reporting year is unknown, in
    /// words, for the author: the report cannot count them.
    #[serde(skip)]
    pub unattributed: Vec<String>,
    /// Organizations compiled without being invited.
    pub uninvited: Vec<String>,
    /// Files received for the year.
    pub files: usize,
    pub organizations: Vec<OrgView>,
    pub actions: usize,
    /// Participations of governments, and of governments of developing countries.
    pub governments: i64,
    pub developing: i64,
    pub developing_share: f64,
    pub groups: Vec<GroupView>,
    /// Actions by type, most frequent first.
    pub types: Vec<Count>,
    /// Actions naming more than one WSIS action line (sub-lines of one line
    /// count as that line).
    pub several_lines: usize,
    /// Contributions compiled by type of organization, most frequent first.
    pub org_types: Vec<Count>,
    pub clusters: Vec<ClusterView>,
    pub coordination: CoordinationView,
    pub measures: Quotes,
    pub challenges: Quotes,
    pub proposals: Quotes,
    pub lessons: Quotes,
    pub trends: Vec<Figures>,
    /// Whether the full list of actions is an annex of the report.
    pub listing: bool,
    pub warnings: usize,
    pub superseded: usize,
    pub word_limit: usize,
    /// The named data blocks, by name.
    #[serde(skip)]
    pub blocks: BTreeMap<String, DataBlock>,
    /// How the report names each organization of the year.
    #[serde(skip)]
    pub names: BTreeMap<String, Name>,
}

/// How the report names an organization: in full with its article at the
/// first mention, then by its short name.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub full: String,
    pub article: Option<String>,
    pub short: String,
}

/// Counts of a set of labels, most frequent first, then by label.
fn ranked(labels: impl Iterator<Item = String>) -> Vec<Count> {
    let mut m: BTreeMap<String, i64> = BTreeMap::new();
    for l in labels {
        *m.entry(l).or_default() += 1;
    }
    let mut v: Vec<Count> = m
        .into_iter()
        .map(|(label, count)| Count { label, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    v
}

/// An action type as running text names it: `capacity-building`; the
/// catch-all as `other kinds of action`.
fn kind_in_prose(code: &str) -> String {
    match code {
        "other" => "other kinds of action".into(),
        c => Year::label("action-type", c).to_lowercase(),
    }
}

fn language_of(code: Option<&str>) -> (String, String, bool) {
    let code = code.unwrap_or("en").to_string();
    let name = Year::label("language", &code);
    let foreign = code != "en";
    (code, name, foreign)
}

/// The first sentence of a text, at most [`QUOTE_WORDS`] words, marked where cut.
pub fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = text
        .char_indices()
        .find(|(i, c)| {
            matches!(c, '.' | '!' | '?' | '。')
                && text[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(text.len());
    let sentence = &text[..end];
    let words: Vec<&str> = sentence.split(' ').collect();
    if words.len() <= QUOTE_WORDS {
        sentence.to_string()
    } else {
        format!("{} …", words[..QUOTE_WORDS].join(" "))
    }
}

/// The examples of a cluster: the actions with the most governments taking
/// part, one per organization, ties broken by organization name then action
/// ID; actions with no governments reported come last.
fn examples(y: &Year, actions: &[&Action]) -> Vec<Example> {
    let mut sorted: Vec<&&Action> = actions.iter().collect();
    sorted.sort_by(|a, b| {
        b.governments
            .unwrap_or(-1)
            .cmp(&a.governments.unwrap_or(-1))
            .then_with(|| {
                let name = |x: &Action| y.org(&x.org).map(|o| crate::text::fold(&o.name));
                name(a).cmp(&name(b))
            })
            .then_with(|| crate::report::style::natural_cmp(&a.id, &b.id))
    });
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for a in sorted {
        if out.len() == EXAMPLES_PER_CLUSTER {
            break;
        }
        if !seen.insert(a.org.clone()) {
            continue;
        }
        let (lang, _, foreign) = language_of(y.org(&a.org).and_then(|o| o.language.as_deref()));
        out.push(Example {
            org: a.org.clone(),
            title: a.title.clone(),
            lang,
            foreign,
            kind: kind_in_prose(&a.kind),
            scope: Year::label("scope", &a.scope).to_lowercase(),
            governments: a.governments,
        });
    }
    out
}

fn clusters(y: &Year) -> Vec<ClusterView> {
    let letters = |i: usize| {
        let l = b'A' + (i % 26) as u8;
        (l as char).to_string()
    };
    let mut out = Vec::new();
    for code in Year::codes("cluster") {
        let acts: Vec<&Action> = y.actions.iter().filter(|a| a.cluster == code).collect();
        if acts.is_empty() {
            continue;
        }
        let orgs: std::collections::BTreeSet<&str> = acts.iter().map(|a| a.org.as_str()).collect();
        let group = |g: &str| acts.iter().filter(|a| a.groups.contains(g)).count() as i64;
        out.push(ClusterView {
            title: Year::label("cluster", &code),
            letter: letters(out.len()),
            organizations: orgs.len(),
            actions: acts.len(),
            types: ranked(acts.iter().map(|a| kind_in_prose(&a.kind))),
            scopes: ranked(
                acts.iter()
                    .map(|a| Year::label("scope", &a.scope).to_lowercase()),
            ),
            // Named as running text names them: the Americas.
            regions: ranked(acts.iter().flat_map(|a| {
                a.regions.iter().map(|r| match r.as_str() {
                    "Americas" => "the Americas".to_string(),
                    r => r.to_string(),
                })
            })),
            ldc: group("LDC"),
            lldc: group("LLDC"),
            sids: group("SIDS"),
            governments: acts.iter().filter_map(|a| a.governments).sum(),
            examples: examples(y, &acts),
            code,
        });
    }
    out
}

/// A narrative field's quotes: from the organizations that reported the most
/// actions, then in alphabetical order, at most [`QUOTED`].
fn quotes(y: &Year, field: &str) -> Quotes {
    let mut with: Vec<&year::Org> = y
        .orgs
        .iter()
        .filter(|o| o.narrative.contains_key(field))
        .collect();
    let count = with.len();
    // `orgs` is in alphabetical order already: a stable sort keeps it for ties.
    with.sort_by_key(|o| std::cmp::Reverse(o.actions));
    let mut shown: Vec<Quote> = with
        .into_iter()
        .take(QUOTED)
        .map(|o| {
            let (lang, language, foreign) = language_of(o.language.as_deref());
            Quote {
                org: o.id.clone(),
                text: first_sentence(&o.narrative[field]),
                lang,
                language,
                foreign,
            }
        })
        .collect();
    // Quoted in alphabetical order, as replies are.
    let order: BTreeMap<&str, usize> = y
        .orgs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();
    shown.sort_by_key(|q| order.get(q.org.as_str()).copied());
    Quotes { count, shown }
}

/// The key figures of a year.
fn figures(y: &Year) -> Figures {
    Figures {
        year: y.year,
        invited: y.register.organizations.len(),
        contributions: y.orgs.len(),
        actions: y.actions.len(),
        governments: y.actions.iter().filter_map(|a| a.governments).sum(),
        developing: y.actions.iter().filter_map(|a| a.developing).sum(),
    }
}

const NARRATIVES: [(&str, &str); 5] = [
    ("summary", "Summary of actions taken"),
    (
        "developing_participation",
        "Measures to enable participation of developing countries",
    ),
    ("challenges", "Challenges and obstacles"),
    ("lessons", "Lessons learned"),
    ("proposals", "Proposals for action by the Commission"),
];

pub fn compute(generation: &Generation, year: i64) -> crate::store::Result<ReportData> {
    let y = Year::load(generation, year)?;
    let mut trends = Vec::new();
    for earlier in generation.ledger()?.years() {
        if earlier < year {
            trends.push(figures(&Year::load(generation, earlier)?));
        }
    }
    trends.push(figures(&y));

    let accepted = |s: State| matches!(s, State::Accepted | State::AcceptedWithWarnings);
    let rows = &y.status.rows;
    let invited = rows.iter().filter(|r| r.invited).count();
    let replied = rows
        .iter()
        .filter(|r| r.invited && r.state != State::Missing)
        .count();
    let compiled_invited = rows
        .iter()
        .filter(|r| r.invited && accepted(r.state))
        .count();
    let mut pending: Vec<Pending> = rows
        .iter()
        .filter(|r| matches!(r.state, State::Rejected | State::YearUnknown))
        .map(|r| Pending {
            org: r.organization.clone(),
            state: if r.state == State::Rejected {
                "a corrected file is awaited".into()
            } else {
                "a file was received whose reporting year is not known".into()
            },
        })
        .collect();
    let name_key = |id: &str| {
        crate::text::fold(
            &y.register
                .get(id)
                .map(|o| o.name.clone())
                .unwrap_or_else(|| id.to_string()),
        )
    };
    pending.sort_by_key(|p| name_key(&p.org));
    let mut not_reporting: Vec<String> = rows
        .iter()
        .filter(|r| r.invited && r.state == State::Missing)
        .map(|r| r.organization.clone())
        .collect();
    not_reporting.sort_by_key(|o| name_key(o));
    let uninvited: Vec<String> = y
        .orgs
        .iter()
        .filter(|o| !o.registered)
        .map(|o| o.id.clone())
        .collect();

    let organizations: Vec<OrgView> = y
        .orgs
        .iter()
        .map(|o| {
            let (lang, language, foreign) = language_of(o.language.as_deref());
            OrgView {
                id: o.id.clone(),
                name: o.name.clone(),
                kind: Year::label("organization-type", &o.kind),
                received: o.received.clone(),
                actions: o.actions,
                language,
                foreign,
                lang,
                summary: o.narrative.get("summary").cloned().unwrap_or_default(),
                narratives: NARRATIVES
                    .iter()
                    .filter_map(|(field, label)| {
                        Some(Narrative {
                            label: label.to_string(),
                            text: o.narrative.get(*field)?.clone(),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    let governments: i64 = y.actions.iter().filter_map(|a| a.governments).sum();
    let developing: i64 = y.actions.iter().filter_map(|a| a.developing).sum();
    let n = y.actions.len() as i64;
    let groups = blocks::GROUPS
        .iter()
        .map(|(code, name)| {
            let c = y.actions.iter().filter(|a| a.groups.contains(code)).count() as i64;
            GroupView {
                code: code.to_string(),
                name: name.to_string(),
                actions: c,
                share: blocks::share(c, n),
            }
        })
        .collect();
    let coordinating: std::collections::BTreeSet<&str> =
        y.coordination.iter().map(|c| c.org.as_str()).collect();
    let mut partners = ranked(y.coordination.iter().map(|c| c.partner.clone()));
    partners.truncate(5);

    let mut all: Vec<DataBlock> = vec![
        blocks::organizations_by_type(&y),
        blocks::by_cluster(&y),
        blocks::by_action_line(&y),
        blocks::by_type(&y),
        blocks::by_scope(&y),
        blocks::by_region(&y),
        blocks::by_status(&y),
        blocks::groups(&y),
        blocks::governments(&y),
        blocks::coordination(&y),
        blocks::trends(&trends),
        blocks::replies(&y),
        blocks::actions(&y),
        blocks::action_list(&y),
        blocks::data_notes(&y),
    ];
    let data = ReportData {
        year: year.to_string(),
        session: {
            let s = year + 1;
            Session {
                year: s.to_string(),
                number: crate::report::style::session_number(s),
                ordinal: crate::report::style::ordinal(crate::report::style::session_number(s)),
                symbol: format!("E/CN.16/{s}/CRP.1"),
                agenda_symbol: format!("E/CN.16/{s}/1"),
                date: format!("{s}-03-01"),
            }
        },
        invited,
        replied,
        compiled: y.orgs.len(),
        compiled_invited,
        pending,
        not_reporting,
        unattributed: y
            .status
            .unattributed
            .iter()
            .map(|f| {
                let who = f.organization.as_deref().unwrap_or("an unknown organization");
                let year = f.year.map_or("an unknown reporting year".to_string(), |y| y.to_string());
                format!(
                    "{} from {who} for {year} cannot be counted until `cstd ingest --from ORG --year YEAR` says whose it is; {}",
                    f.file,
                    if f.organization.is_some() {
                        "the report names its organization among those whose files could not yet be compiled"
                    } else {
                        "the report does not count it"
                    }
                )
            })
            .collect(),
        uninvited,
        files: y.files,
        actions: y.actions.len(),
        governments,
        developing,
        developing_share: blocks::share(developing, governments),
        groups,
        types: ranked(y.actions.iter().map(|a| kind_in_prose(&a.kind))),
        several_lines: y
            .actions
            .iter()
            .filter(|a| {
                let main: BTreeSet<&str> = a
                    .lines
                    .iter()
                    .map(|l| l.split('.').next().unwrap_or(l))
                    .collect();
                main.len() > 1
            })
            .count(),
        org_types: ranked(
            y.orgs
                .iter()
                .map(|o| Year::label("organization-type", &o.kind)),
        ),
        clusters: clusters(&y),
        coordination: CoordinationView {
            entries: y.coordination.len(),
            organizations: coordinating.len(),
            mechanisms: ranked(
                y.coordination
                    .iter()
                    .map(|c| Year::prose("mechanism", &c.mechanism)),
            ),
            partners,
        },
        measures: quotes(&y, "developing_participation"),
        challenges: quotes(&y, "challenges"),
        proposals: quotes(&y, "proposals"),
        lessons: quotes(&y, "lessons"),
        trends,
        listing: y.actions.len() <= LISTED_ACTIONS,
        warnings: y.warnings.values().sum(),
        superseded: y.superseded,
        word_limit: WORD_LIMIT,
        organizations,
        blocks: all.drain(..).map(|b| (b.name.to_string(), b)).collect(),
        names: y
            .status
            .rows
            .iter()
            .map(|r| {
                // Organizations that replied without being in the register.
                (
                    r.organization.clone(),
                    Name {
                        full: r.name.clone(),
                        article: Some("the".into()),
                        short: r.organization.clone(),
                    },
                )
            })
            .chain(y.orgs.iter().map(|o| {
                (
                    o.id.clone(),
                    Name {
                        full: o.name.clone(),
                        article: o.article.clone(),
                        short: o.short.clone(),
                    },
                )
            }))
            // The register's names last: they win.
            .chain(y.register.organizations.iter().map(|o| {
                (
                    o.id.clone(),
                    Name {
                        full: o.name.clone(),
                        article: o.article().map(String::from),
                        short: o.short().to_string(),
                    },
                )
            }))
            .collect(),
    };
    Ok(data)
}
