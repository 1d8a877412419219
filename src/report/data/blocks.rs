//! The named data blocks: one function each, over the year loaded once. Each
//! is a table the template can place (as a table or a chart) and the data
//! annex publishes, with its caption and notes, so that every figure of the
//! report can be recomputed from the annex.

use std::collections::BTreeMap;

use super::year::{Action, Year};
use crate::tables::{Data, Table};

/// A table of the report and of the data annex.
#[derive(Debug, Clone)]
pub struct DataBlock {
    pub name: &'static str,
    /// The caption the report gives it unless the template gives another.
    pub caption: String,
    pub table: Table,
    /// Whether its figure columns add up to a total row.
    pub total: bool,
    /// Notes printed under it: categories that overlap, methods.
    pub notes: Vec<String>,
}

/// Every data block with the caption the report gives it unless the
/// template gives another.
pub const CAPTIONS: &[(&str, &str)] = &[
    (
        "organizations_by_type",
        "Organizations invited and contributions received, by type of organization",
    ),
    ("by_cluster", "Actions by public policy cluster"),
    ("by_action_line", "Actions by WSIS action line"),
    ("by_type", "Actions by type"),
    ("by_scope", "Actions by geographic scope"),
    ("by_region", "Actions by region covered"),
    ("by_status", "Actions by status at the end of the year"),
    ("groups", "Actions covering countries in special situations"),
    (
        "governments",
        "Participation of governments in the actions reported",
    ),
    (
        "coordination",
        "Coordination arrangements reported, by mechanism",
    ),
    ("trends", "Key figures by reporting year"),
    ("replies", "Organizations that replied"),
    (
        "actions",
        "Every action reported, with what the report counts of it",
    ),
    ("action_list", "Actions reported, by organization"),
    (
        "data_notes",
        "Points the secretariat noted in the submissions compiled",
    ),
];

fn caption(name: &str) -> String {
    CAPTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c.to_string())
        .unwrap_or_default()
}

fn text(rows: impl IntoIterator<Item = String>) -> Data {
    Data::Text(rows.into_iter().map(Some).collect())
}

fn int(rows: impl IntoIterator<Item = i64>) -> Data {
    Data::Int(rows.into_iter().map(Some).collect())
}

/// Counts by a vocabulary's labels, in the vocabulary's order, categories
/// with no action left out.
fn by_vocabulary(
    name: &'static str,
    head: &str,
    vocabulary: &str,
    codes: impl Fn(&Action) -> Vec<String>,
    actions: &[Action],
) -> Table {
    labelled_counts(name, head, vocabulary, codes, actions, |c| {
        Year::label(vocabulary, c)
    })
}

/// [`by_vocabulary`], with each code shown by `label`.
fn labelled_counts(
    name: &'static str,
    head: &str,
    vocabulary: &str,
    codes: impl Fn(&Action) -> Vec<String>,
    actions: &[Action],
    label: impl Fn(&str) -> String,
) -> Table {
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for a in actions {
        for c in codes(a) {
            *counts.entry(c).or_default() += 1;
        }
    }
    let order = Year::codes(vocabulary);
    let mut rows: Vec<(String, i64)> = order
        .iter()
        .filter_map(|c| counts.remove(c).map(|n| (c.clone(), n)))
        .collect();
    // Codes the vocabulary no longer has (an older schema): after, by code.
    rows.extend(counts);
    Table::new(
        name,
        vec![
            (head.to_string(), text(rows.iter().map(|(c, _)| label(c)))),
            ("Actions".into(), int(rows.iter().map(|(_, n)| *n))),
        ],
    )
}

const OVERLAP: &str = "An action covering more than one category is counted once in each: the figures do not add up to the number of actions.";

pub fn by_cluster(y: &Year) -> DataBlock {
    DataBlock {
        name: "by_cluster",
        caption: caption("by_cluster"),
        table: by_vocabulary(
            "by_cluster",
            "Public policy cluster",
            "cluster",
            |a| vec![a.cluster.clone()],
            &y.actions,
        ),
        total: true,
        notes: vec![
            "Clusters as mapped by the secretariat of the Commission (E/CN.16/2015/CRP.2).".into(),
        ],
    }
}

pub fn by_action_line(y: &Year) -> DataBlock {
    DataBlock {
        name: "by_action_line",
        caption: caption("by_action_line"),
        // Lines are known by their codes: C7.e-health, then the title.
        table: labelled_counts(
            "by_action_line",
            "WSIS action line",
            "action-line",
            |a| a.lines.iter().cloned().collect(),
            &y.actions,
            // A sub-line reads as its title with its line: E-government (C7).
            |c| match c.split_once('.') {
                Some((line, _)) => format!("{} ({line})", Year::label("action-line", c)),
                None => format!("{c} {}", Year::label("action-line", c)),
            },
        ),
        total: false,
        notes: vec![format!(
            "{OVERLAP} An action under a sub-line of C7 also counts under C7."
        )],
    }
}

pub fn by_type(y: &Year) -> DataBlock {
    DataBlock {
        name: "by_type",
        caption: caption("by_type"),
        table: by_vocabulary(
            "by_type",
            "Action type",
            "action-type",
            |a| vec![a.kind.clone()],
            &y.actions,
        ),
        total: true,
        notes: Vec::new(),
    }
}

pub fn by_scope(y: &Year) -> DataBlock {
    DataBlock {
        name: "by_scope",
        caption: caption("by_scope"),
        table: by_vocabulary(
            "by_scope",
            "Geographic scope",
            "scope",
            |a| vec![a.scope.clone()],
            &y.actions,
        ),
        total: true,
        notes: Vec::new(),
    }
}

pub fn by_status(y: &Year) -> DataBlock {
    DataBlock {
        name: "by_status",
        caption: caption("by_status"),
        table: by_vocabulary(
            "by_status",
            "Status",
            "status",
            |a| vec![a.status.clone()],
            &y.actions,
        ),
        total: true,
        notes: Vec::new(),
    }
}

/// The M49 regions, in their usual order, then `Global`.
const REGIONS: [&str; 6] = ["Africa", "Americas", "Asia", "Europe", "Oceania", "Global"];

pub fn by_region(y: &Year) -> DataBlock {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    let mut none = 0;
    for a in &y.actions {
        if a.regions.is_empty() {
            none += 1;
        }
        for r in &a.regions {
            *counts.entry(r.as_str()).or_default() += 1;
        }
    }
    let mut rows: Vec<(String, i64)> = REGIONS
        .iter()
        .filter_map(|r| counts.remove(r).map(|n| (r.to_string(), n)))
        .collect();
    rows.extend(counts.into_iter().map(|(r, n)| (r.to_string(), n)));
    if none > 0 {
        rows.push(("No country or region named".into(), none));
    }
    DataBlock {
        name: "by_region",
        caption: caption("by_region"),
        table: Table::new(
            "by_region",
            vec![
                (
                    "Region covered".into(),
                    text(rows.iter().map(|r| r.0.clone())),
                ),
                ("Actions".into(), int(rows.iter().map(|r| r.1))),
            ],
        ),
        total: false,
        notes: vec![format!(
            "{OVERLAP} Regions are those of the United Nations M49 standard; an action counts under a region when it names the region, one of its sub-regions or one of its countries, and under \u{201c}Global\u{201d} when it says so."
        )],
    }
}

/// The groups of countries in special situations: (code, name).
pub const GROUPS: [(&str, &str); 3] = [
    ("LDC", "Least developed countries"),
    ("LLDC", "Landlocked developing countries"),
    ("SIDS", "Small island developing States"),
];

/// The share of `part` in `whole`, in per cent, unrounded.
pub fn share(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

pub fn groups(y: &Year) -> DataBlock {
    let n = y.actions.len() as i64;
    let counts: Vec<i64> = GROUPS
        .iter()
        .map(|(g, _)| y.actions.iter().filter(|a| a.groups.contains(g)).count() as i64)
        .collect();
    DataBlock {
        name: "groups",
        caption: caption("groups"),
        table: Table::new(
            "groups",
            vec![
                ("Group".into(), text(GROUPS.iter().map(|g| g.1.to_string()))),
                ("Actions".into(), int(counts.iter().copied())),
                (
                    "Share of all actions (%)".into(),
                    Data::Float(counts.iter().map(|c| Some(share(*c, n))).collect()),
                ),
            ],
        ),
        total: false,
        notes: vec![
            "An action counts for a group when it names at least one country of the group among the countries it covers; actions that name only regions, or \u{201c}Global\u{201d}, are not counted. Shares are of all actions reported, and a country may belong to more than one group. Groups as listed by the Office of the High Representative for the Least Developed Countries, Landlocked Developing Countries and Small Island Developing States, December 2024.".into(),
        ],
    }
}

pub fn governments(y: &Year) -> DataBlock {
    let with = y.actions.iter().filter(|a| a.governments.is_some()).count() as i64;
    let gov: i64 = y.actions.iter().filter_map(|a| a.governments).sum();
    let dev: i64 = y.actions.iter().filter_map(|a| a.developing).sum();
    DataBlock {
        name: "governments",
        caption: caption("governments"),
        table: Table::new(
            "governments",
            vec![
                ("Actions reporting governments taking part".into(), int([with])),
                ("Participations of governments".into(), int([gov])),
                ("of which developing countries".into(), int([dev])),
                (
                    "Share of developing countries (%)".into(),
                    Data::Float(vec![Some(share(dev, gov))]),
                ),
            ],
        ),
        total: false,
        notes: vec![
            "A government taking part in several actions is counted once for each: the figures count participations, not distinct governments. Developing countries as each organization reported them.".into(),
        ],
    }
}

pub fn organizations_by_type(y: &Year) -> DataBlock {
    // Every organization that replied, by type: invited, replied, in force.
    let mut rows: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    for r in &y.status.rows {
        let kind = y
            .register
            .get(&r.organization)
            .map(|o| o.kind.clone())
            .or_else(|| y.org(&r.organization).map(|o| o.kind.clone()))
            .unwrap_or_else(|| "other".into());
        let e = rows.entry(kind).or_default();
        if r.invited {
            e[0] += 1;
        }
        if r.state != crate::status::State::Missing {
            e[1] += 1;
        }
        if matches!(
            r.state,
            crate::status::State::Accepted | crate::status::State::AcceptedWithWarnings
        ) {
            e[2] += 1;
        }
    }
    let order = Year::codes("organization-type");
    let mut sorted: Vec<(String, [i64; 3])> = order
        .iter()
        .filter_map(|c| rows.remove(c).map(|v| (c.clone(), v)))
        .collect();
    sorted.extend(rows);
    DataBlock {
        name: "organizations_by_type",
        caption: caption("organizations_by_type"),
        table: Table::new(
            "organizations_by_type",
            vec![
                (
                    "Type of organization".into(),
                    text(sorted.iter().map(|(c, _)| Year::label("organization-type", c))),
                ),
                ("Invited".into(), int(sorted.iter().map(|(_, v)| v[0]))),
                ("Replied".into(), int(sorted.iter().map(|(_, v)| v[1]))),
                ("Contributions compiled".into(), int(sorted.iter().map(|(_, v)| v[2]))),
            ],
        ),
        total: true,
        notes: vec![
            "An organization has replied when the secretariat received any file from it for the year; its contribution is compiled when a submission of it was accepted. Organizations that replied without being invited are counted under \u{201c}Replied\u{201d} only.".into(),
        ],
    }
}

pub fn coordination(y: &Year) -> DataBlock {
    let t = by_vocabulary_rows(
        "coordination",
        "Mechanism",
        "mechanism",
        y.coordination.iter().map(|c| c.mechanism.clone()),
    );
    DataBlock {
        name: "coordination",
        caption: caption("coordination"),
        table: t,
        total: true,
        notes: Vec::new(),
    }
}

fn by_vocabulary_rows(
    name: &'static str,
    head: &str,
    vocabulary: &str,
    codes: impl Iterator<Item = String>,
) -> Table {
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for c in codes {
        *counts.entry(c).or_default() += 1;
    }
    let mut rows: Vec<(String, i64)> = Year::codes(vocabulary)
        .iter()
        .filter_map(|c| counts.remove(c).map(|n| (c.clone(), n)))
        .collect();
    rows.extend(counts);
    Table::new(
        name,
        vec![
            (
                head.to_string(),
                text(rows.iter().map(|(c, _)| Year::label(vocabulary, c))),
            ),
            ("Arrangements".into(), int(rows.iter().map(|(_, n)| *n))),
        ],
    )
}

/// The same key figures for every year the store holds.
pub fn trends(years: &[super::Figures]) -> DataBlock {
    DataBlock {
        name: "trends",
        caption: caption("trends"),
        table: Table::new(
            "trends",
            vec![
                (
                    "Year".into(),
                    text(years.iter().map(|f| f.year.to_string())),
                ),
                (
                    "Organizations invited".into(),
                    int(years.iter().map(|f| f.invited as i64)),
                ),
                (
                    "Contributions compiled".into(),
                    int(years.iter().map(|f| f.contributions as i64)),
                ),
                (
                    "Actions".into(),
                    int(years.iter().map(|f| f.actions as i64)),
                ),
                (
                    "Participations of governments".into(),
                    int(years.iter().map(|f| f.governments)),
                ),
                (
                    "of which developing countries".into(),
                    int(years.iter().map(|f| f.developing)),
                ),
            ],
        ),
        total: false,
        notes: Vec::new(),
    }
}

/// Annex I: every organization that replied, with its state, and the invited
/// organizations that sent nothing.
pub fn replies(y: &Year) -> DataBlock {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for r in &y.status.rows {
        let state = match r.state {
            crate::status::State::Accepted | crate::status::State::AcceptedWithWarnings => {
                "Compiled"
            }
            crate::status::State::Rejected => "Received; a corrected file is awaited",
            crate::status::State::YearUnknown => "Received; its reporting year is not known",
            crate::status::State::Missing => continue,
        };
        // With the short name annex III and the text use, where it differs.
        let id = &r.organization;
        let registered = y.register.get(id);
        let full = registered
            .map(|o| o.name.clone())
            .unwrap_or_else(|| r.name.clone());
        let short = y
            .org(id)
            .map(|o| o.short.clone())
            .or_else(|| {
                registered
                    .map(|o| o.short.clone())
                    .filter(|s| !s.is_empty())
            })
            .unwrap_or_else(|| id.clone());
        let name = if short.is_empty() || full.contains(&short) {
            full
        } else {
            format!("{full} ({short})")
        };
        let received = r
            .received
            .as_deref()
            .or_else(|| r.files.last().map(|f| f.received.as_str()))
            .unwrap_or("");
        rows.push([
            name,
            received.get(..10).unwrap_or(received).to_string(),
            state.to_string(),
            r.actions.map(|n| n.to_string()).unwrap_or_default(),
        ]);
    }
    rows.sort_by_key(|r| crate::text::fold(&r[0]));
    DataBlock {
        name: "replies",
        caption: caption("replies"),
        table: Table::new(
            "replies",
            vec![
                ("Organization".into(), text(rows.iter().map(|r| r[0].clone()))),
                (
                    "Received".into(),
                    Data::Date(
                        rows.iter()
                            .map(|r| chrono::NaiveDate::parse_from_str(&r[1], "%Y-%m-%d").ok())
                            .collect(),
                    ),
                ),
                ("Contribution".into(), text(rows.iter().map(|r| r[2].clone()))),
                (
                    "Actions".into(),
                    Data::Int(rows.iter().map(|r| r[3].parse().ok()).collect()),
                ),
            ],
        ),
        total: false,
        notes: vec![
            "The date is when the secretariat received the file in force, or the last file received where none is yet in force. A dash (–) means that no contribution of the organization is compiled yet.".into(),
        ],
    }
}

/// Every action, with every fact the report counts: the table every figure
/// of chapter II is recomputed from.
pub fn actions(y: &Year) -> DataBlock {
    let a = &y.actions;
    let name_of = |id: &str| {
        y.org(id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let join =
        |s: &std::collections::BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join("; ");
    let group = |x: &Action, g: &str| if x.groups.contains(g) { "yes" } else { "no" }.to_string();
    DataBlock {
        name: "actions",
        caption: caption("actions"),
        table: Table::new(
            "actions",
            vec![
                (
                    "Organization".into(),
                    text(a.iter().map(|x| name_of(&x.org))),
                ),
                ("Action ID".into(), text(a.iter().map(|x| x.id.clone()))),
                ("Title".into(), text(a.iter().map(|x| x.title.clone()))),
            ]
            .into_iter()
            .chain(coded(
                a,
                [
                    "Public policy cluster",
                    "Action type",
                    "Geographic scope",
                    "Status",
                ],
            ))
            .chain([
                (
                    "WSIS action lines".into(),
                    text(a.iter().map(|x| join(&x.lines))),
                ),
                ("SDGs".into(), text(a.iter().map(|x| join(&x.sdgs)))),
                ("Regions".into(), text(a.iter().map(|x| join(&x.regions)))),
                (
                    "Countries".into(),
                    text(a.iter().map(|x| join(&x.countries))),
                ),
                ("LDC".into(), text(a.iter().map(|x| group(x, "LDC")))),
                ("LLDC".into(), text(a.iter().map(|x| group(x, "LLDC")))),
                ("SIDS".into(), text(a.iter().map(|x| group(x, "SIDS")))),
                (
                    "Governments".into(),
                    Data::Int(a.iter().map(|x| x.governments).collect()),
                ),
                (
                    "of which developing countries".into(),
                    Data::Int(a.iter().map(|x| x.developing).collect()),
                ),
            ])
            .collect(),
        ),
        total: false,
        notes: Vec::new(),
    }
}

/// The labels of each action's cluster, type, scope and status: four
/// columns, under the titles given.
fn coded(a: &[Action], titles: [&str; 4]) -> Vec<(String, Data)> {
    type Fact = fn(&Action) -> &str;
    let facts: [(&str, Fact); 4] = [
        ("cluster", |x| &x.cluster),
        ("action-type", |x| &x.kind),
        ("scope", |x| &x.scope),
        ("status", |x| &x.status),
    ];
    titles
        .into_iter()
        .zip(facts)
        .map(|(title, (vocabulary, fact))| {
            (
                title.to_string(),
                text(a.iter().map(|x| Year::label(vocabulary, fact(x)))),
            )
        })
        .collect()
}

/// The actions as the report lists them for a small year: few columns, to
/// fit the page.
pub fn action_list(y: &Year) -> DataBlock {
    let a = &y.actions;
    let name_of = |id: &str| {
        y.org(id)
            .map(|o| o.short.clone())
            .unwrap_or_else(|| id.to_string())
    };
    DataBlock {
        name: "action_list",
        caption: caption("action_list"),
        table: Table::new(
            "action_list",
            vec![
                ("Organization".into(), text(a.iter().map(|x| name_of(&x.org)))),
                ("ID".into(), text(a.iter().map(|x| x.id.clone()))),
                ("Title".into(), text(a.iter().map(|x| x.title.clone()))),
            ]
            .into_iter()
            .chain(coded(a, ["Cluster", "Type", "Scope", "Status"]))
            .collect(),
        ),
        total: false,
        notes: vec!["Organizations by the acronyms of annex I; every detail of each action is in the data annex (actions.csv).".into()],
    }
}

/// Warnings accepted with the submissions in force, by organization.
pub fn data_notes(y: &Year) -> DataBlock {
    let rows: Vec<(String, String, i64)> = y
        .warnings
        .iter()
        .map(|((org, code), n)| {
            (
                y.org(org)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| org.clone()),
                crate::findings::kind(code)
                    .map(|k| k.title("en").to_string())
                    .unwrap_or_else(|| code.clone()),
                *n as i64,
            )
        })
        .collect();
    DataBlock {
        name: "data_notes",
        caption: caption("data_notes"),
        table: Table::new(
            "data_notes",
            vec![
                (
                    "Organization".into(),
                    text(rows.iter().map(|r| r.0.clone())),
                ),
                ("Point noted".into(), text(rows.iter().map(|r| r.1.clone()))),
                ("Times".into(), int(rows.iter().map(|r| r.2))),
            ],
        ),
        total: false,
        notes: Vec::new(),
    }
}
