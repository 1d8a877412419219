//! A year's data, loaded once: the submissions in force, their actions with
//! every fact the report counts (cluster, type, scope, status, action lines,
//! SDGs, countries, regions, groups, governments), their coordination and
//! narratives, indexed by submission; the ledger's view of who replied
//! (`cstd status`), and the register the year was reported against.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::reference::{Area, Reference};
use crate::register::Register;
use crate::schema::{Role, Schema, SheetRole};
use crate::status::Status;
use crate::store::Generation;
use crate::tables::{Data, Table};

/// One organization whose submission is in force.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: String,
    pub submission: String,
    pub name: String,
    /// The article the name takes (`the`), if any.
    pub article: Option<String>,
    /// The name after the first mention (`DESA`).
    pub short: String,
    pub kind: String,
    pub registered: bool,
    /// When the submission in force was received (RFC 3339).
    pub received: String,
    /// The language of the submission (`fr`), when it says.
    pub language: Option<String>,
    pub narrative: BTreeMap<String, String>,
    pub actions: usize,
}

/// One action, with what the report counts of it.
#[derive(Debug, Clone, Default)]
pub struct Action {
    pub org: String,
    pub submission: String,
    pub id: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub cluster: String,
    pub scope: String,
    pub status: String,
    /// WSIS action lines, a C7 sub-line implying C7.
    pub lines: BTreeSet<String>,
    pub sdgs: BTreeSet<String>,
    /// ISO codes of the countries named.
    pub countries: BTreeSet<String>,
    /// M49 regions covered: the countries' regions and the regions named
    /// (a sub-region counts under its region); `Global` when named so.
    pub regions: BTreeSet<String>,
    /// `LDC`, `LLDC`, `SIDS`: a country of the group is named.
    pub groups: BTreeSet<&'static str>,
    pub governments: Option<i64>,
    pub developing: Option<i64>,
}

/// One coordination arrangement.
#[derive(Debug, Clone)]
pub struct Coordination {
    pub org: String,
    pub partner: String,
    pub mechanism: String,
}

pub struct Year {
    pub year: i64,
    pub status: Status,
    pub register: Register,
    /// Organizations in force, in alphabetical order of their names.
    pub orgs: Vec<Org>,
    pub actions: Vec<Action>,
    pub coordination: Vec<Coordination>,
    /// Warnings accepted with the submissions in force: (org, code) -> count.
    pub warnings: BTreeMap<(String, String), usize>,
    /// Files received for the year superseded by a later one.
    pub superseded: usize,
    pub files: usize,
}

fn texts<'a>(t: &'a Table, name: &str) -> Vec<Option<&'a str>> {
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

/// A list table's items by (submission, action), the action's key being
/// the column `action_id` names.
fn items(t: Option<Table>, action_id: &str) -> HashMap<(String, String), Vec<String>> {
    let mut out: HashMap<(String, String), Vec<String>> = HashMap::new();
    let Some(t) = t else { return out };
    let (sid, aid, val) = (
        texts(&t, "submission_id"),
        texts(&t, action_id),
        texts(&t, "value"),
    );
    for r in 0..t.height() {
        if let (Some(s), Some(v)) = (sid[r], val[r]) {
            out.entry((s.to_string(), aid[r].unwrap_or("").to_string()))
                .or_default()
                .push(v.to_string());
        }
    }
    out
}

impl Year {
    pub fn load(generation: &Generation, year: i64) -> crate::store::Result<Year> {
        let status = crate::status::status(generation, Some(year))?;
        let register = generation.register(Some(year))?;
        let ledger = generation.ledger()?;
        let subs = generation
            .table(Some(year), "submissions")?
            .unwrap_or_else(|| Table::new("submissions", Vec::new()));
        let status_col = texts(&subs, "status");
        let current: BTreeSet<String> = texts(&subs, "submission_id")
            .into_iter()
            .zip(&status_col)
            .filter(|(_, s)| **s == Some("current"))
            .filter_map(|(id, _)| id.map(String::from))
            .collect();
        let keep =
            |t: Option<Table>| t.map(|t| t.filter_text("submission_id", |id| current.contains(id)));
        let table = |name: &str| -> crate::store::Result<Option<Table>> {
            Ok(keep(generation.table(Some(year), name)?))
        };
        // Tables and columns by the role of their sheet or field.
        let schema = Schema::current();
        let id = |role| schema.id_of(role);
        let actions_t = table(&schema.sheet_of(SheetRole::Actions).table)?;
        let narratives = table(&schema.sheet_of(SheetRole::Narrative).table)?;
        let coordination_t = table(&schema.sheet_of(SheetRole::Coordination).table)?;
        let action_id = id(Role::ActionId);
        let lines = items(table(id(Role::ActionLines))?, action_id);
        let sdgs = items(table(id(Role::Sdgs))?, action_id);
        let countries = items(table(id(Role::Countries))?, action_id);

        // The organizations in force.
        let received: HashMap<&str, &str> = status
            .rows
            .iter()
            .filter_map(|r| Some((r.organization.as_str(), r.received.as_deref()?)))
            .collect();
        let (sid, oid, name, kind, lang) = (
            texts(&subs, "submission_id"),
            texts(&subs, "organization_id"),
            texts(&subs, id(Role::OrganizationName)),
            texts(&subs, id(Role::OrganizationType)),
            texts(&subs, id(Role::SubmissionLanguage)),
        );
        let mut narrative: HashMap<String, BTreeMap<String, String>> = HashMap::new();
        if let Some(n) = &narratives {
            let ns = texts(n, "submission_id");
            for (field, data) in &n.columns {
                let Data::Text(v) = data else { continue };
                if matches!(field.as_str(), "submission_id" | "organization_id" | "row") {
                    continue;
                }
                for (r, value) in v.iter().enumerate() {
                    if let (Some(s), Some(text)) = (ns[r], value)
                        && !text.trim().is_empty()
                    {
                        narrative
                            .entry(s.to_string())
                            .or_default()
                            .insert(field.clone(), text.trim().to_string());
                    }
                }
            }
        }
        let mut orgs = Vec::new();
        for r in 0..subs.height() {
            let (Some(s), Some(id)) = (sid[r], oid[r]) else {
                continue;
            };
            if !current.contains(s) {
                continue;
            }
            let reg = register.get(id);
            orgs.push(Org {
                id: id.to_string(),
                submission: s.to_string(),
                name: reg
                    .map(|o| o.name.clone())
                    .or_else(|| name[r].map(String::from))
                    .unwrap_or_else(|| id.to_string()),
                article: match reg {
                    Some(o) => o.article().map(String::from),
                    None => Some("the".into()),
                },
                short: reg
                    .map(|o| o.short().to_string())
                    .unwrap_or_else(|| id.to_string()),
                kind: reg
                    .map(|o| o.kind.clone())
                    .or_else(|| kind[r].map(String::from))
                    .unwrap_or_default(),
                registered: reg.is_some(),
                received: received.get(id).map(|s| s.to_string()).unwrap_or_default(),
                language: lang[r].map(String::from),
                narrative: narrative.remove(s).unwrap_or_default(),
                actions: 0,
            });
        }
        orgs.sort_by(|a, b| {
            crate::text::fold(&a.name)
                .cmp(&crate::text::fold(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        });
        let org_of: HashMap<String, String> = orgs
            .iter()
            .map(|o| (o.submission.clone(), o.id.clone()))
            .collect();

        // The actions, with their facts.
        let reference = Reference::current();
        let mut actions: Vec<Action> = Vec::new();
        if let Some(t) = &actions_t {
            let col = |n: &str| texts(t, n);
            let (sid, aid, title, desc, kind, cluster, scope, st) = (
                col("submission_id"),
                col(action_id),
                col(id(Role::ActionTitle)),
                col(id(Role::ActionDescription)),
                col(id(Role::ActionType)),
                col(id(Role::Cluster)),
                col(id(Role::Scope)),
                col(id(Role::Status)),
            );
            let (gov, dev) = (
                ints(t, id(Role::Governments)),
                ints(t, id(Role::Developing)),
            );
            for r in 0..t.height() {
                let Some(s) = sid[r] else { continue };
                let key = (s.to_string(), aid[r].unwrap_or("").to_string());
                let mut a = Action {
                    org: org_of.get(s).map(|o| o.to_string()).unwrap_or_default(),
                    submission: s.to_string(),
                    id: key.1.clone(),
                    title: title[r].unwrap_or("").to_string(),
                    description: desc[r].unwrap_or("").to_string(),
                    kind: kind[r].unwrap_or("").to_string(),
                    cluster: cluster[r].unwrap_or("").to_string(),
                    scope: scope[r].unwrap_or("").to_string(),
                    status: st[r].unwrap_or("").to_string(),
                    governments: gov[r],
                    developing: dev[r],
                    ..Action::default()
                };
                for l in lines.get(&key).into_iter().flatten() {
                    if let Some((parent, _)) = l.split_once('.') {
                        a.lines.insert(parent.to_string());
                    }
                    a.lines.insert(l.clone());
                }
                a.sdgs.extend(sdgs.get(&key).into_iter().flatten().cloned());
                for c in countries.get(&key).into_iter().flatten() {
                    match reference.area(c) {
                        Some(Area::Global) => {
                            a.regions.insert("Global".into());
                        }
                        Some(Area::Country(iso)) => {
                            if let Some(country) = reference.country(&iso) {
                                for (flag, g) in [
                                    (country.ldc, "LDC"),
                                    (country.lldc, "LLDC"),
                                    (country.sids, "SIDS"),
                                ] {
                                    if flag {
                                        a.groups.insert(g);
                                    }
                                }
                                if !country.region.is_empty() {
                                    a.regions.insert(country.region.clone());
                                }
                            }
                            a.countries.insert(iso);
                        }
                        Some(Area::Region(name)) => {
                            let region = reference
                                .countries
                                .iter()
                                .find(|c| c.subregion == name || c.intermediate_region == name)
                                .map(|c| c.region.clone())
                                .unwrap_or(name);
                            a.regions.insert(region);
                        }
                        None => {}
                    }
                }
                actions.push(a);
            }
        }
        let mut count: HashMap<&str, usize> = HashMap::new();
        for a in &actions {
            *count.entry(a.org.as_str()).or_default() += 1;
        }
        let counts: HashMap<String, usize> =
            count.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        for o in &mut orgs {
            o.actions = counts.get(&o.id).copied().unwrap_or(0);
        }
        let order: HashMap<&str, usize> = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        actions.sort_by(|a, b| {
            order
                .get(a.org.as_str())
                .cmp(&order.get(b.org.as_str()))
                .then_with(|| crate::report::style::natural_cmp(&a.id, &b.id))
        });

        let mut coordination = Vec::new();
        if let Some(t) = &coordination_t {
            let (sid, partner, mech) = (
                texts(t, "submission_id"),
                texts(t, id(Role::CoordinationPartner)),
                texts(t, id(Role::Mechanism)),
            );
            for r in 0..t.height() {
                if let Some(s) = sid[r] {
                    coordination.push(Coordination {
                        org: org_of.get(s).map(|o| o.to_string()).unwrap_or_default(),
                        partner: partner[r].unwrap_or("").to_string(),
                        mechanism: mech[r].unwrap_or("").to_string(),
                    });
                }
            }
        }
        coordination.sort_by(|a, b| {
            order
                .get(a.org.as_str())
                .cmp(&order.get(b.org.as_str()))
                .then_with(|| a.partner.cmp(&b.partner))
        });

        let mut warnings = BTreeMap::new();
        if let Some(f) = generation.table(None, "findings")? {
            let (fs, sev, code) = (
                texts(&f, "submission_id"),
                texts(&f, "severity"),
                texts(&f, "code"),
            );
            for r in 0..f.height() {
                if let (Some(s), Some("warning"), Some(c)) = (fs[r], sev[r], code[r])
                    && let Some(o) = org_of.get(s)
                {
                    *warnings.entry((o.to_string(), c.to_string())).or_default() += 1;
                }
            }
        }
        let in_year = ledger.entries.iter().filter(|e| e.year == Some(year));
        let files = in_year.clone().count();
        let superseded = in_year
            .filter(|e| e.outcome == crate::store::Outcome::Superseded)
            .count();
        Ok(Year {
            year,
            status,
            register,
            orgs,
            actions,
            coordination,
            warnings,
            superseded,
            files,
        })
    }

    /// A vocabulary term's English label; the code when it has none.
    pub fn label(vocabulary: &str, code: &str) -> String {
        Schema::current()
            .vocabulary(vocabulary)
            .and_then(|v| v.terms.iter().find(|t| t.code == code))
            .map(|t| t.label("en").to_string())
            .unwrap_or_else(|| code.to_string())
    }

    /// How running text names several of a term: its `prose` form, else
    /// its English label in lower case.
    pub fn prose(vocabulary: &str, code: &str) -> String {
        Schema::current()
            .vocabulary(vocabulary)
            .and_then(|v| v.terms.iter().find(|t| t.code == code))
            .map(|t| {
                t.prose
                    .clone()
                    .unwrap_or_else(|| t.label("en").to_lowercase())
            })
            .unwrap_or_else(|| code.to_string())
    }

    /// A vocabulary's codes in the schema's order.
    pub fn codes(vocabulary: &str) -> Vec<String> {
        Schema::current()
            .vocabulary(vocabulary)
            .map(|v| v.terms.iter().map(|t| t.code.clone()).collect())
            .unwrap_or_default()
    }

    pub fn org(&self, id: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.id == id)
    }
}
