//! The report's figures, computed from the store: the submissions in force for
//! the year, and every earlier year for the trends. Every table here is also
//! written to the data annex, so that each figure of the PDF can be checked.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::reference::{Area, Reference};
use crate::schema::Schema;
use crate::store::{Generation, Outcome};
use crate::tables::{Data, Table};

/// One organization whose submission is in force.
#[derive(Debug, Clone, Serialize)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub received: String,
    pub actions: usize,
    pub summary: String,
    pub developing_participation: String,
    pub challenges: String,
    pub proposals: String,
}

/// One action, as the report cites it.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub organization: String,
    pub organization_name: String,
    pub id: String,
    pub title: String,
    pub kind: String,
    pub cluster: String,
    pub scope: String,
    pub status: String,
    pub governments: Option<i64>,
    pub developing: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterPart {
    pub code: String,
    pub title: String,
    pub letter: String,
    pub actions: usize,
    pub organizations: usize,
    /// Organizations in alphabetical order, each with its actions in the cluster.
    pub reports: Vec<OrgActions>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgActions {
    pub name: String,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearFigures {
    pub year: i64,
    pub organizations: usize,
    pub actions: usize,
    pub governments: i64,
    pub developing: i64,
}

/// Everything the template can use.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub year: i64,
    pub invited: usize,
    pub contributed: usize,
    pub actions: usize,
    pub governments: i64,
    pub developing: i64,
    pub developing_share: i64,
    pub ldc_share: i64,
    pub lldc_share: i64,
    pub sids_share: i64,
    pub by_type: Vec<(String, usize)>,
    pub organizations: Vec<Org>,
    pub not_reporting: Vec<String>,
    pub clusters: Vec<ClusterPart>,
    pub coordination_entries: usize,
    pub trends: Vec<YearFigures>,
    pub superseded: usize,
    pub warnings: usize,
    /// The named data blocks, by name.
    #[serde(skip)]
    pub tables: BTreeMap<String, Table>,
}

fn col<'a>(t: &'a Table, name: &str) -> Vec<Option<&'a str>> {
    match t.column(name) {
        Some(Data::Text(v)) => v.iter().collect(),
        _ => vec![None; t.height()],
    }
}

fn ints(t: &Table, name: &str) -> Vec<Option<i64>> {
    match t.column(name) {
        Some(Data::Int(v)) => v.clone(),
        _ => vec![None; t.height()],
    }
}

fn per_cent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        ((part as f64 / whole as f64) * 100.0).round() as i64
    }
}

/// A two-column table of counts, largest first, then by label.
fn counts_table(
    name: &str,
    head: &str,
    counts: &BTreeMap<String, usize>,
    order: Option<&[String]>,
) -> Table {
    let mut rows: Vec<(&String, &usize)> = counts.iter().collect();
    match order {
        Some(o) => rows.sort_by_key(|(k, _)| o.iter().position(|x| x == *k).unwrap_or(usize::MAX)),
        None => rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0))),
    }
    Table::new(
        name,
        vec![
            (
                head.to_string(),
                Data::Text(rows.iter().map(|(k, _)| Some((*k).clone())).collect()),
            ),
            (
                "Actions".to_string(),
                Data::Int(rows.iter().map(|(_, v)| Some(**v as i64)).collect()),
            ),
        ],
    )
}

pub fn compute(generation: &Generation, year: i64) -> anyhow::Result<ReportData> {
    let schema = Schema::current();
    let label = |vocab: &str, code: &str| -> String {
        schema
            .vocabulary(vocab)
            .and_then(|v| v.terms.iter().find(|t| t.code == code))
            .map(|t| t.label("en").to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let ledger = generation.ledger()?;
    let register = generation.register(Some(year))?;
    let empty = |n: &str| Table::new(n, Vec::new());
    let subs = generation
        .table(Some(year), "submissions")?
        .unwrap_or_else(|| empty("submissions"));
    let status = col(&subs, "status");
    let current: Vec<usize> = (0..subs.height())
        .filter(|&r| status[r] == Some("current"))
        .collect();
    let current_ids: BTreeSet<String> = current
        .iter()
        .filter_map(|&r| col(&subs, "submission_id")[r].map(String::from))
        .collect();
    let keep =
        |t: Table| -> Table { t.filter_text("submission_id", |id| current_ids.contains(id)) };
    let actions_t = keep(
        generation
            .table(Some(year), "actions")?
            .unwrap_or_else(|| empty("actions")),
    );
    let lines_t = keep(
        generation
            .table(Some(year), "action_lines")?
            .unwrap_or_else(|| empty("action_lines")),
    );
    let countries_t = keep(
        generation
            .table(Some(year), "countries")?
            .unwrap_or_else(|| empty("countries")),
    );
    let coord_t = keep(
        generation
            .table(Some(year), "coordination")?
            .unwrap_or_else(|| empty("coordination")),
    );
    let narr_t = keep(
        generation
            .table(Some(year), "narratives")?
            .unwrap_or_else(|| empty("narratives")),
    );

    // Organizations in force, alphabetical by name.
    let sid = col(&subs, "submission_id");
    let org_id = col(&subs, "organization_id");
    let sub_name = col(&subs, "name");
    let sub_type = col(&subs, "type");
    let received = col(&subs, "received");
    let a_sid = col(&actions_t, "submission_id");
    let n_sid = col(&narr_t, "submission_id");
    let mut organizations: Vec<Org> = Vec::new();
    let mut name_of: BTreeMap<String, String> = BTreeMap::new();
    for &r in &current {
        let id = org_id[r].unwrap_or("").to_string();
        let reg = register.get(&id);
        let name = reg
            .map(|o| o.name.clone())
            .or_else(|| sub_name[r].map(String::from))
            .unwrap_or_else(|| id.clone());
        let kind = reg
            .map(|o| o.kind.clone())
            .or_else(|| sub_type[r].map(String::from))
            .unwrap_or_default();
        let s = sid[r].unwrap_or("");
        let n = (0..narr_t.height()).find(|&i| n_sid[i] == Some(s));
        let narr = |field: &str| {
            n.and_then(|i| col(&narr_t, field)[i].map(String::from))
                .unwrap_or_default()
        };
        name_of.insert(s.to_string(), name.clone());
        organizations.push(Org {
            id: id.clone(),
            name,
            kind,
            received: received[r]
                .map(|d| d.get(..10).unwrap_or(d).to_string())
                .unwrap_or_default(),
            actions: a_sid.iter().filter(|x| **x == Some(s)).count(),
            summary: narr("summary"),
            developing_participation: narr("developing_participation"),
            challenges: narr("challenges"),
            proposals: narr("proposals"),
        });
    }
    organizations.sort_by_key(|a| crate::text::fold(&a.name));
    let reporting: BTreeSet<&str> = organizations.iter().map(|o| o.id.as_str()).collect();
    let mut not_reporting: Vec<String> = register
        .organizations
        .iter()
        .filter(|o| !reporting.contains(o.id.as_str()))
        .map(|o| o.name.clone())
        .collect();
    not_reporting.sort_by_key(|n| crate::text::fold(n));

    // Actions.
    let ids = col(&actions_t, "action_id");
    let titles = col(&actions_t, "title");
    let kinds = col(&actions_t, "action_type");
    let clusters_c = col(&actions_t, "cluster");
    let scopes = col(&actions_t, "scope");
    let statuses = col(&actions_t, "status");
    let govs = ints(&actions_t, "governments");
    let devs = ints(&actions_t, "developing");
    let a_org = col(&actions_t, "organization_id");
    let actions: Vec<Action> = (0..actions_t.height())
        .map(|r| Action {
            organization: a_org[r].unwrap_or("").to_string(),
            organization_name: a_sid[r]
                .and_then(|s| name_of.get(s))
                .cloned()
                .unwrap_or_default(),
            id: ids[r].unwrap_or("").to_string(),
            title: titles[r].unwrap_or("").to_string(),
            kind: label("action-type", kinds[r].unwrap_or("")),
            cluster: clusters_c[r].unwrap_or("").to_string(),
            scope: label("scope", scopes[r].unwrap_or("")),
            status: label("status", statuses[r].unwrap_or("")).to_lowercase(),
            governments: govs[r],
            developing: devs[r],
        })
        .collect();
    let count_by = |values: &[Option<&str>], vocab: &str| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for v in values.iter().flatten() {
            *m.entry(label(vocab, v)).or_default() += 1;
        }
        m
    };
    let vocab_order = |vocab: &str| -> Vec<String> {
        schema
            .vocabulary(vocab)
            .map(|v| v.terms.iter().map(|t| t.label("en").to_string()).collect())
            .unwrap_or_default()
    };
    let mut tables = BTreeMap::new();
    tables.insert(
        "by_cluster".into(),
        counts_table(
            "by_cluster",
            "Public policy cluster",
            &count_by(&clusters_c, "cluster"),
            Some(&vocab_order("cluster")),
        ),
    );
    tables.insert(
        "by_type".into(),
        counts_table(
            "by_type",
            "Action type",
            &count_by(&kinds, "action-type"),
            None,
        ),
    );
    tables.insert(
        "by_scope".into(),
        counts_table(
            "by_scope",
            "Geographic scope",
            &count_by(&scopes, "scope"),
            Some(&vocab_order("scope")),
        ),
    );
    tables.insert(
        "by_status".into(),
        counts_table(
            "by_status",
            "Status",
            &count_by(&statuses, "status"),
            Some(&vocab_order("status")),
        ),
    );

    // Action lines: an action counts once per line; a C7 sub-line implies C7.
    let l_sid = col(&lines_t, "submission_id");
    let l_aid = col(&lines_t, "action_id");
    let l_val = col(&lines_t, "value");
    let mut per_action: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for r in 0..lines_t.height() {
        let key = (
            l_sid[r].unwrap_or("").to_string(),
            l_aid[r].unwrap_or("").to_string(),
        );
        let v = l_val[r].unwrap_or("").to_string();
        let set = per_action.entry(key).or_default();
        if let Some((parent, _)) = v.split_once('.') {
            set.insert(parent.to_string());
        }
        set.insert(v);
    }
    let mut by_line: BTreeMap<String, usize> = BTreeMap::new();
    for set in per_action.values() {
        for v in set {
            *by_line
                .entry(format!("{v} {}", label("action-line", v)))
                .or_default() += 1;
        }
    }
    let line_order: Vec<String> = schema
        .vocabulary("action-line")
        .map(|v| {
            v.terms
                .iter()
                .map(|t| format!("{} {}", t.code, t.label("en")))
                .collect()
        })
        .unwrap_or_default();
    tables.insert(
        "by_action_line".into(),
        counts_table(
            "by_action_line",
            "WSIS action line",
            &by_line,
            Some(&line_order),
        ),
    );

    // Regions and groups, from the countries and regions each action covers.
    let reference = Reference::current();
    let c_sid = col(&countries_t, "submission_id");
    let c_aid = col(&countries_t, "action_id");
    let c_val = col(&countries_t, "value");
    let mut regions: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut groups: BTreeMap<&str, BTreeSet<(String, String)>> = BTreeMap::new();
    for r in 0..countries_t.height() {
        let key = (
            c_sid[r].unwrap_or("").to_string(),
            c_aid[r].unwrap_or("").to_string(),
        );
        let code = c_val[r].unwrap_or("");
        let region = match reference.area(code) {
            Some(Area::Global) => "Global".to_string(),
            Some(Area::Country(iso)) => {
                if let Some(c) = reference.country(&iso) {
                    for (flag, g) in [(c.ldc, "LDC"), (c.lldc, "LLDC"), (c.sids, "SIDS")] {
                        if flag {
                            groups.entry(g).or_default().insert(key.clone());
                        }
                    }
                    c.region.clone()
                } else {
                    continue;
                }
            }
            Some(Area::Region(name)) => reference
                .countries
                .iter()
                .find(|c| c.subregion == name || c.intermediate_region == name)
                .map(|c| c.region.clone())
                .unwrap_or(name),
            None => continue,
        };
        regions.entry(key).or_default().insert(region);
    }
    let mut by_region: BTreeMap<String, usize> = BTreeMap::new();
    for set in regions.values() {
        for r in set {
            *by_region.entry(r.clone()).or_default() += 1;
        }
    }
    tables.insert(
        "by_region".into(),
        counts_table("by_region", "Region covered", &by_region, None),
    );
    let n_actions = actions.len();
    let share = |g: &str| {
        per_cent(
            groups.get(g).map(BTreeSet::len).unwrap_or(0) as i64,
            n_actions as i64,
        )
    };
    let (ldc_share, lldc_share, sids_share) = (share("LDC"), share("LLDC"), share("SIDS"));
    tables.insert(
        "groups".into(),
        Table::new(
            "groups",
            vec![
                (
                    "Group".into(),
                    Data::Text(
                        vec![
                            Some("Least developed countries"),
                            Some("Landlocked developing countries"),
                            Some("Small island developing States"),
                        ]
                        .into(),
                    ),
                ),
                (
                    "Actions".into(),
                    Data::Int(
                        ["LDC", "LLDC", "SIDS"]
                            .iter()
                            .map(|g| Some(groups.get(g).map(BTreeSet::len).unwrap_or(0) as i64))
                            .collect(),
                    ),
                ),
                (
                    "Share (%)".into(),
                    Data::Int(vec![Some(ldc_share), Some(lldc_share), Some(sids_share)]),
                ),
            ],
        ),
    );
    let governments: i64 = govs.iter().flatten().sum();
    let developing: i64 = devs.iter().flatten().sum();

    // By organization type.
    let mut by_type_count: BTreeMap<String, usize> = BTreeMap::new();
    for o in &organizations {
        *by_type_count
            .entry(label("organization-type", &o.kind))
            .or_default() += 1;
    }
    let by_type: Vec<(String, usize)> = by_type_count.clone().into_iter().collect();
    tables.insert(
        "organizations_by_type".into(),
        counts_table(
            "organizations_by_type",
            "Organization type",
            &by_type_count,
            None,
        )
        .renamed_column("Actions", "Organizations"),
    );

    // Contributors (annex I) and every action (annex III).
    tables.insert(
        "contributors".into(),
        Table::new(
            "contributors",
            vec![
                (
                    "Organization".into(),
                    Data::Text(organizations.iter().map(|o| Some(o.name.clone())).collect()),
                ),
                (
                    "Received".into(),
                    Data::Text(
                        organizations
                            .iter()
                            .map(|o| Some(o.received.clone()))
                            .collect(),
                    ),
                ),
                (
                    "Actions".into(),
                    Data::Int(
                        organizations
                            .iter()
                            .map(|o| Some(o.actions as i64))
                            .collect(),
                    ),
                ),
            ],
        ),
    );
    let mut sorted_actions = actions.clone();
    sorted_actions.sort_by(|a, b| {
        crate::text::fold(&a.organization_name)
            .cmp(&crate::text::fold(&b.organization_name))
            .then_with(|| a.id.cmp(&b.id))
    });
    tables.insert(
        "actions".into(),
        Table::new(
            "actions",
            vec![
                (
                    "Organization".into(),
                    Data::Text(
                        sorted_actions
                            .iter()
                            .map(|a| Some(a.organization.clone()))
                            .collect(),
                    ),
                ),
                (
                    "ID".into(),
                    Data::Text(sorted_actions.iter().map(|a| Some(a.id.clone())).collect()),
                ),
                (
                    "Title".into(),
                    Data::Text(
                        sorted_actions
                            .iter()
                            .map(|a| Some(a.title.clone()))
                            .collect(),
                    ),
                ),
                (
                    "Cluster".into(),
                    Data::Text(
                        sorted_actions
                            .iter()
                            .map(|a| Some(label("cluster", &a.cluster)))
                            .collect(),
                    ),
                ),
                (
                    "Type".into(),
                    Data::Text(
                        sorted_actions
                            .iter()
                            .map(|a| Some(a.kind.clone()))
                            .collect(),
                    ),
                ),
                (
                    "Scope".into(),
                    Data::Text(
                        sorted_actions
                            .iter()
                            .map(|a| Some(a.scope.clone()))
                            .collect(),
                    ),
                ),
                (
                    "Status".into(),
                    Data::Text(
                        sorted_actions
                            .iter()
                            .map(|a| Some(a.status.clone()))
                            .collect(),
                    ),
                ),
            ],
        ),
    );

    // Coordination (Tunis Agenda para 37).
    let co_sid = col(&coord_t, "submission_id");
    let co_partner = col(&coord_t, "partner");
    let co_mech = col(&coord_t, "mechanism");
    let mut coord_rows: Vec<(String, String, String)> = (0..coord_t.height())
        .map(|r| {
            (
                co_sid[r]
                    .and_then(|s| name_of.get(s))
                    .cloned()
                    .unwrap_or_default(),
                co_partner[r].unwrap_or("").to_string(),
                label("mechanism", co_mech[r].unwrap_or("")),
            )
        })
        .collect();
    coord_rows.sort_by(|a, b| {
        crate::text::fold(&a.0)
            .cmp(&crate::text::fold(&b.0))
            .then_with(|| a.1.cmp(&b.1))
    });
    tables.insert(
        "coordination".into(),
        Table::new(
            "coordination",
            vec![
                (
                    "Organization".into(),
                    Data::Text(coord_rows.iter().map(|r| Some(r.0.clone())).collect()),
                ),
                (
                    "Partner".into(),
                    Data::Text(coord_rows.iter().map(|r| Some(r.1.clone())).collect()),
                ),
                (
                    "Mechanism".into(),
                    Data::Text(coord_rows.iter().map(|r| Some(r.2.clone())).collect()),
                ),
            ],
        ),
    );

    // Clusters, for chapter III.
    let letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut clusters = Vec::new();
    for term in schema
        .vocabulary("cluster")
        .map(|v| v.terms.as_slice())
        .unwrap_or(&[])
    {
        let in_cluster: Vec<&Action> = actions.iter().filter(|a| a.cluster == term.code).collect();
        if in_cluster.is_empty() {
            continue;
        }
        let mut by_org: BTreeMap<String, Vec<Action>> = BTreeMap::new();
        for a in &in_cluster {
            by_org
                .entry(a.organization_name.clone())
                .or_default()
                .push((*a).clone());
        }
        let mut reports: Vec<OrgActions> = by_org
            .into_iter()
            .map(|(name, actions)| OrgActions { name, actions })
            .collect();
        reports.sort_by_key(|a| crate::text::fold(&a.name));
        let letter = letters
            .chars()
            .nth(clusters.len())
            .map(String::from)
            .unwrap_or_default();
        clusters.push(ClusterPart {
            code: term.code.clone(),
            title: term.label("en").to_string(),
            letter,
            actions: in_cluster.len(),
            organizations: reports.len(),
            reports,
        });
    }

    // Trends: the same key figures for every year in the store.
    let mut trends = Vec::new();
    for y in ledger.years() {
        let Some(s) = generation.table(Some(y), "submissions")? else {
            continue;
        };
        let st = col(&s, "status");
        let ids: BTreeSet<String> = (0..s.height())
            .filter(|&r| st[r] == Some("current"))
            .filter_map(|r| col(&s, "submission_id")[r].map(String::from))
            .collect();
        let a = generation
            .table(Some(y), "actions")?
            .unwrap_or_else(|| empty("actions"));
        let asid = col(&a, "submission_id");
        let rows: Vec<usize> = (0..a.height())
            .filter(|&r| asid[r].is_some_and(|s| ids.contains(s)))
            .collect();
        let g = ints(&a, "governments");
        let d = ints(&a, "developing");
        trends.push(YearFigures {
            year: y,
            organizations: ids.len(),
            actions: rows.len(),
            governments: rows.iter().filter_map(|&r| g[r]).sum(),
            developing: rows.iter().filter_map(|&r| d[r]).sum(),
        });
    }
    tables.insert(
        "trends".into(),
        Table::new(
            "trends",
            vec![
                (
                    "Year".into(),
                    Data::Int(trends.iter().map(|t| Some(t.year)).collect()),
                ),
                (
                    "Organizations".into(),
                    Data::Int(
                        trends
                            .iter()
                            .map(|t| Some(t.organizations as i64))
                            .collect(),
                    ),
                ),
                (
                    "Actions".into(),
                    Data::Int(trends.iter().map(|t| Some(t.actions as i64)).collect()),
                ),
                (
                    "Governments participating".into(),
                    Data::Int(trends.iter().map(|t| Some(t.governments)).collect()),
                ),
                (
                    "Of which developing countries".into(),
                    Data::Int(trends.iter().map(|t| Some(t.developing)).collect()),
                ),
            ],
        ),
    );

    // Data notes: warnings accepted, submissions superseded.
    let superseded = ledger
        .entries
        .iter()
        .filter(|e| e.year == Some(year) && e.outcome == Outcome::Superseded)
        .count();
    let mut notes: Vec<(String, String, usize)> = Vec::new();
    if let Some(f) = generation.table(None, "findings")? {
        let fs = col(&f, "submission_id");
        let sev = col(&f, "severity");
        let code = col(&f, "code");
        let mut m: BTreeMap<(String, String), usize> = BTreeMap::new();
        for r in 0..f.height() {
            if sev[r] == Some("warning") && fs[r].is_some_and(|s| current_ids.contains(s)) {
                let org = fs[r]
                    .and_then(|s| name_of.get(s))
                    .cloned()
                    .unwrap_or_default();
                *m.entry((org, code[r].unwrap_or("").to_string()))
                    .or_default() += 1;
            }
        }
        notes = m.into_iter().map(|((o, c), n)| (o, c, n)).collect();
    }
    let warnings = notes.iter().map(|n| n.2).sum();
    tables.insert(
        "data_notes".into(),
        Table::new(
            "data_notes",
            vec![
                (
                    "Organization".into(),
                    Data::Text(notes.iter().map(|n| Some(n.0.clone())).collect()),
                ),
                (
                    "Warning".into(),
                    Data::Text(
                        notes
                            .iter()
                            .map(|n| {
                                Some(
                                    crate::findings::kind(&n.1)
                                        .map(|k| k.title("en").to_string())
                                        .unwrap_or_else(|| n.1.clone()),
                                )
                            })
                            .collect(),
                    ),
                ),
                (
                    "Count".into(),
                    Data::Int(notes.iter().map(|n| Some(n.2 as i64)).collect()),
                ),
            ],
        ),
    );

    Ok(ReportData {
        year,
        invited: register.organizations.len(),
        contributed: organizations.len(),
        actions: n_actions,
        governments,
        developing,
        developing_share: per_cent(developing, governments),
        ldc_share,
        lldc_share,
        sids_share,
        by_type,
        organizations,
        not_reporting,
        clusters,
        coordination_entries: coord_rows.len(),
        trends,
        superseded,
        warnings,
        tables,
    })
}

impl Table {
    /// The same table with one column renamed.
    pub fn renamed_column(mut self, from: &str, to: &str) -> Table {
        for (n, _) in &mut self.columns {
            if n == from {
                *n = to.to_string();
            }
        }
        self
    }
}
