//! Ingest: every file received into the store, whatever its state.
//!
//! Files are read and validated in parallel, then decided in order of arrival
//! (modification time, then path): a file seen before changes nothing; the
//! same content under another name is a duplicate; a file with errors is
//! rejected and kept with its findings; an accepted file becomes its
//! organization's submission for the year, superseding any earlier one. The
//! result is written as a new generation of the store and made current at once.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;

use crate::findings::{Counts, Finding, Place};
use crate::normalize::{Builder, Meta};
use crate::read::Limits;
use crate::register::{Recognized, Register};
use crate::schema::Schema;
use crate::store::{Entry, Generation, Ledger, Outcome, Store, sha256};
use crate::tables::{Data, Table, Texts};
use crate::validate::{Context, FileReport};

pub struct Options {
    pub store: PathBuf,
    /// The register of invited organizations; when missing, the one the store
    /// last used is kept.
    pub register: PathBuf,
    /// When the files were received (RFC 3339), recorded in the ledger.
    pub received: String,
    /// Wait for another ingest to finish rather than fail.
    pub wait: bool,
}

/// What an ingest did, for the closing summary.
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub files: usize,
    /// Seen before under the same name: nothing changed.
    pub unchanged: usize,
    pub accepted: usize,
    pub accepted_with_warnings: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub superseded: usize,
    pub new_organizations: Vec<String>,
    /// Error codes of the rejected files, most frequent first, with counts.
    pub top_reasons: Vec<(String, usize)>,
    pub generation: u64,
    pub years: Vec<i64>,
}

/// One input, read and checked.
struct Checked {
    path: PathBuf,
    file: String,
    size: u64,
    sha256: String,
    /// Where the raw file is kept in the store (written while checking).
    stored: Result<String, String>,
    modified: std::time::SystemTime,
    report: Option<FileReport>,
    attributed: Attributed,
    /// The submission's tables, when it can be accepted. Built while checking,
    /// on every core, so that only these compact tables are held, not the
    /// validated records.
    tables: Vec<Table>,
}

/// Whose submission a file is, and for which year.
#[derive(Default)]
struct Attributed {
    recognized: Option<Recognized>,
    name: Option<String>,
    year: Option<i64>,
}

/// A file new to the store, decided.
struct New {
    entry: Entry,
    report: Option<FileReport>,
    tables: Vec<Table>,
}

/// Told how far an ingest has got, for a progress display.
pub trait Progress: Sync {
    fn start(&self, _files: u64) {}
    fn tick(&self) {}
    fn finish(&self) {}
}

/// No progress display.
pub struct Silent;

impl Progress for Silent {}

/// Ingests files and folders into the store. `waiting` is called when another
/// ingest holds the lock.
pub fn ingest(
    paths: &[PathBuf],
    opts: &Options,
    progress: &dyn Progress,
    waiting: impl FnMut(&str),
) -> anyhow::Result<Summary> {
    let schema = Schema::current();
    let store = Store::new(&opts.store);
    let _lock = store.lock(opts.wait, waiting)?;
    let previous = store.current()?;
    let mut ledger = match &previous {
        Some(g) => g.ledger()?,
        None => Ledger::default(),
    };
    let register = if opts.register.exists() {
        Register::load(&opts.register)?
    } else if let Some(g) = &previous {
        g.register()?
    } else {
        Register::default()
    };

    let inputs = crate::read::collect_inputs(paths, schema);
    let seen: BTreeSet<(String, String)> = ledger
        .entries
        .iter()
        .map(|e| (e.sha256.clone(), e.file.clone()))
        .collect();
    let ctx = Context::from_env();
    let limits = Limits::default();
    progress.start(inputs.len() as u64);
    let env = CheckEnv {
        schema,
        ctx: &ctx,
        limits: &limits,
        seen: &seen,
        store: &store,
        register: &register,
        received: &opts.received,
    };
    let mut checked: Vec<Checked> = inputs
        .par_iter()
        .map(|path| {
            let c = check(path, &env);
            progress.tick();
            c
        })
        .collect();
    progress.finish();
    checked.sort_by(|a, b| {
        a.modified
            .cmp(&b.modified)
            .then_with(|| a.path.cmp(&b.path))
    });

    let mut summary = Summary {
        files: checked.len(),
        ..Summary::default()
    };
    let mut new_entries: Vec<New> = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    // Indexes over the ledger and this batch, so that deciding stays linear.
    let mut new_seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut known: std::collections::HashSet<String> =
        ledger.entries.iter().map(|e| e.sha256.clone()).collect();
    // (organization, year) -> the entry in force: in the ledger, or in this batch.
    let mut in_force_at: std::collections::HashMap<(String, i64), (bool, usize)> =
        std::collections::HashMap::new();
    for (i, e) in ledger.entries.iter().enumerate() {
        if let (Outcome::Accepted, Some(o), Some(y)) = (e.outcome, &e.organization, e.year) {
            in_force_at.insert((o.clone(), y), (true, i));
        }
    }
    for c in checked {
        let Some(report) = c.report else {
            summary.unchanged += 1;
            continue;
        };
        let stored = c.stored.clone().map_err(anyhow::Error::msg)?;
        let earlier = (!known.insert(c.sha256.clone())).then(|| c.sha256.clone());
        let can_accept = acceptable(&report, &c.attributed);
        let Attributed {
            recognized,
            name,
            year,
        } = c.attributed;
        let mut entry = Entry {
            sha256: c.sha256.clone(),
            file: c.file.clone(),
            stored,
            received: opts.received.clone(),
            size: c.size,
            container: report.container.map(|k| k.name().to_string()),
            schema_version: schema.version.clone(),
            organization: recognized.as_ref().map(|r| r.id().to_string()),
            organization_name: name,
            registered: matches!(recognized, Some(Recognized::Known(_))),
            year,
            outcome: Outcome::Rejected,
            duplicate_of: None,
            superseded_by: None,
            counts: report.counts,
            actions: report.understood.as_ref().map(|u| u.actions).unwrap_or(0),
            top_errors: top_errors(&report.findings),
        };
        if let Some(first) = earlier {
            entry.outcome = Outcome::Duplicate;
            entry.duplicate_of = Some(first);
            summary.duplicates += 1;
            new_entries.push(New {
                entry,
                report: None,
                tables: Vec::new(),
            });
            continue;
        }
        if !can_accept {
            summary.rejected += 1;
            for code in report
                .findings
                .iter()
                .filter(|f| f.severity == crate::findings::Severity::Error)
                .map(|f| f.code)
            {
                *reasons.entry(code.to_string()).or_default() += 1;
            }
            new_entries.push(New {
                entry,
                report: Some(report),
                tables: Vec::new(),
            });
            continue;
        }
        let (org, y) = (
            entry.organization.clone().unwrap_or_default(),
            year.unwrap_or_default(),
        );
        if let Some(Recognized::New { id, .. }) = &recognized
            && new_seen.insert(id.clone())
        {
            summary.new_organizations.push(id.clone());
        }
        // The submission in force for this organization and year, earlier in the
        // store or earlier in this batch, is superseded by this one.
        let in_force = match in_force_at.insert((org.clone(), y), (false, new_entries.len())) {
            Some((true, i)) => ledger.entries.get_mut(i),
            Some((false, i)) => new_entries.get_mut(i).map(|n| &mut n.entry),
            None => None,
        };
        if let Some(old) = in_force {
            old.outcome = Outcome::Superseded;
            old.superseded_by = Some(c.sha256.clone());
            summary.superseded += 1;
        }
        entry.outcome = Outcome::Accepted;
        if entry.counts.warnings > 0 {
            summary.accepted_with_warnings += 1;
        } else {
            summary.accepted += 1;
        }
        new_entries.push(New {
            entry,
            report: Some(report),
            tables: c.tables,
        });
    }
    let mut top: Vec<(String, usize)> = reasons.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    summary.top_reasons = top;

    if new_entries.is_empty() {
        summary.generation = previous.as_ref().map(|g| g.number).unwrap_or(0);
        summary.years = ledger.years();
        return Ok(summary);
    }

    let touched: BTreeSet<i64> = new_entries
        .iter()
        .filter(|n| n.report.is_some() && n.entry.outcome != Outcome::Rejected)
        .filter_map(|n| n.entry.year)
        .collect();
    let findings_rows = findings_table(&new_entries);
    ledger
        .entries
        .extend(new_entries.iter().map(|n| n.entry.clone()));

    let number = previous.as_ref().map(|g| g.number + 1).unwrap_or(1);
    let dir = store.generation_dir(number);
    if dir.exists() {
        // Left by an ingest that was stopped before it committed.
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir.join("tables"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let next = Generation {
        number,
        dir: dir.clone(),
    };
    let batch = Batch {
        new: new_entries,
        findings: findings_rows,
        register: &register,
        touched,
    };
    write_tables(schema, &ledger, previous.as_ref(), &next, batch)?;
    write_file(&dir.join("register.csv"), register.to_csv()?.as_bytes())?;
    write_file(
        &dir.join("ledger.json"),
        serde_json::to_string_pretty(&ledger)?.as_bytes(),
    )?;
    crate::store::sync_dir(&dir)?;
    store.sync_raw()?;
    store.commit(number)?;
    store.collect_garbage(number);
    summary.generation = number;
    summary.years = ledger.years();
    Ok(summary)
}

/// What every check shares.
struct CheckEnv<'a> {
    schema: &'static Schema,
    ctx: &'a Context,
    limits: &'a Limits,
    /// (hash, file name) of every file in the ledger.
    seen: &'a BTreeSet<(String, String)>,
    store: &'a Store,
    register: &'a Register,
    received: &'a str,
}

/// Reads one input once: its bytes (a folder of CSV files as a zip of them),
/// their hash and, unless seen before under the same name, its findings, its
/// organization and, when it can be accepted, its tables; and keeps the raw
/// file in the store.
fn check(path: &Path, env: &CheckEnv) -> Checked {
    let CheckEnv { schema, limits, .. } = *env;
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).ok();
    let modified = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .unwrap_or(std::time::UNIX_EPOCH);
    let size = meta.as_ref().map(|m| m.len()).unwrap_or(0);
    let (bytes, ext) = if path.is_dir() {
        (zip_folder(path).unwrap_or_default(), "zip".to_string())
    } else {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_else(|| "bin".into());
        // A file over the size limit is hashed and kept as a stream, never held.
        let bytes = if size > limits.max_file_bytes {
            Vec::new()
        } else {
            std::fs::read(path).unwrap_or_default()
        };
        (bytes, ext)
    };
    let oversized = !path.is_dir() && size > limits.max_file_bytes;
    let sha = if oversized {
        sha256_file(path).unwrap_or_else(|_| sha256(&bytes))
    } else {
        sha256(&bytes)
    };
    let size = if path.is_dir() {
        bytes.len() as u64
    } else {
        size
    };
    let mut checked = Checked {
        path: path.to_path_buf(),
        file,
        size,
        sha256: sha,
        stored: Err(String::new()),
        modified,
        report: None,
        attributed: Attributed::default(),
        tables: Vec::new(),
    };
    if env
        .seen
        .contains(&(checked.sha256.clone(), checked.file.clone()))
    {
        return checked;
    }
    let stored = if oversized {
        env.store.keep_raw_file(&checked.sha256, &ext, path)
    } else {
        env.store.keep_raw(&checked.sha256, &ext, &bytes)
    };
    checked.stored = stored.map_err(|e| format!("{e:#}"));
    let want = |name: &str| schema.sheet_for_name(name).is_some();
    // A folder, or a file too large to hold, is read from disk for its findings.
    let read = if path.is_dir() || oversized {
        crate::read::read_path(path, limits, &want)
    } else {
        crate::read::read_bytes(&bytes, Some(&ext), limits, &want)
    };
    drop(bytes);
    let mut report = crate::validate::report(checked.file.clone(), read, schema, env.ctx);
    checked.attributed = attribute(&mut report, env.register);
    // Only the tables are kept of the validated records, and only if the
    // file can be accepted.
    let sub = report.submission.take();
    let organization = checked.attributed.recognized.as_ref().map(Recognized::id);
    if acceptable(&report, &checked.attributed)
        && let (Some(sub), Some(organization)) = (sub, organization)
    {
        let mut builder = Builder::default();
        let meta = Meta {
            submission_id: crate::store::submission_id(&checked.sha256).to_string(),
            organization_id: organization.to_string(),
            sha256: checked.sha256.clone(),
            file: checked.file.clone(),
            received: env.received.to_string(),
            errors: report.counts.errors as i64,
            warnings: report.counts.warnings as i64,
            notes: report.counts.notes as i64,
        };
        builder.add(schema, &sub, &meta);
        checked.tables = builder.finish();
    }
    checked.report = Some(report);
    checked
}

/// Recognizes the organization of a report against the register; an
/// organization not in it gets a warning with the nearest names.
fn attribute(report: &mut FileReport, register: &Register) -> Attributed {
    let org_form = report
        .submission
        .as_ref()
        .and_then(|s| s.form("organization"));
    let acronym = org_form.and_then(|o| o.text("acronym"));
    let name = org_form.and_then(|o| o.text("name"));
    let year = org_form.and_then(|o| o.int("year"));
    let recognized =
        (acronym.is_some() || name.is_some()).then(|| register.recognize(acronym, name));
    let name = name.map(String::from);
    if let Some(Recognized::New { id, suggestions }) = &recognized {
        let place = Place {
            sheet: None,
            cell: None,
            at: None,
            column: Some("Acronym".into()),
        };
        report.findings.push(
            Finding::new("organization-unknown", place)
                .value(id.clone())
                .expected("an organization of the register (submissions/register.csv)")
                .suggest(suggestions.clone()),
        );
        report.counts = Counts::of(&report.findings);
    }
    Attributed {
        recognized,
        name,
        year,
    }
}

/// Whether a new file can become its organization's submission.
fn acceptable(report: &FileReport, attributed: &Attributed) -> bool {
    report.readable
        && report.counts.errors == 0
        && attributed.recognized.is_some()
        && attributed.year.is_some()
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A folder of CSV files as one zip, the same bytes for the same files (names
/// sorted, no compression, fixed times), so that it hashes and keeps like a file.
fn zip_folder(dir: &Path) -> anyhow::Result<Vec<u8>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    for p in names {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        w.start_file(name, options)?;
        w.write_all(&std::fs::read(&p)?)?;
    }
    Ok(w.finish()?.into_inner())
}

fn top_errors(findings: &[Finding]) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| f.severity == crate::findings::Severity::Error)
    {
        *counts.entry(f.code).or_default() += 1;
    }
    let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter().take(3).map(|(c, _)| c.to_string()).collect()
}

/// The findings of the new files, one row each.
fn findings_table(entries: &[New]) -> Table {
    let mut cols: BTreeMap<&str, Texts> = BTreeMap::new();
    let names = [
        "sha256",
        "submission_id",
        "file",
        "code",
        "severity",
        "sheet",
        "cell",
        "column",
        "value",
        "expected",
        "suggestions",
        "detail",
    ];
    for n in names {
        cols.insert(n, Texts::default());
    }
    for New { entry, report, .. } in entries {
        let Some(report) = report else { continue };
        for f in &report.findings {
            let suggestions = (!f.suggestions.is_empty()).then(|| f.suggestions.join("; "));
            let row: [Option<&str>; 12] = [
                Some(&entry.sha256),
                Some(entry.submission_id()),
                Some(&entry.file),
                Some(f.code),
                Some(f.severity.as_str()),
                f.place.sheet.as_deref(),
                f.place.cell.as_deref(),
                f.place.column.as_deref(),
                f.value.as_deref(),
                f.expected.as_deref(),
                suggestions.as_deref(),
                f.detail.as_deref(),
            ];
            for (n, v) in names.iter().zip(row) {
                if let Some(c) = cols.get_mut(n) {
                    c.push(v);
                }
            }
        }
    }
    Table::new(
        "findings",
        names
            .iter()
            .map(|n| {
                (
                    n.to_string(),
                    Data::Text(cols.remove(n).unwrap_or_default()),
                )
            })
            .collect(),
    )
}

/// Writes the tables of the next generation: touched years rebuilt from the
/// previous generation's tables plus the new submissions, other years linked.
/// What this ingest adds to the tables.
struct Batch<'a> {
    new: Vec<New>,
    findings: Table,
    register: &'a Register,
    /// Years with new or superseded submissions.
    touched: BTreeSet<i64>,
}

fn write_tables(
    schema: &Schema,
    ledger: &Ledger,
    previous: Option<&Generation>,
    next: &Generation,
    batch: Batch,
) -> anyhow::Result<()> {
    let Batch {
        new,
        findings: new_findings,
        register,
        touched,
    } = batch;
    let touched = &touched;
    let tables_dir = next.tables();
    // Years the previous generation has and this ingest did not touch: same files.
    if let Some(prev) = previous
        && let Ok(years) = std::fs::read_dir(prev.tables())
    {
        for y in years.flatten().filter(|y| y.path().is_dir()) {
            let year: Option<i64> = y.file_name().to_string_lossy().parse().ok();
            if year.is_some_and(|y| touched.contains(&y)) {
                continue;
            }
            let target = tables_dir.join(y.file_name());
            std::fs::create_dir_all(&target)?;
            for f in std::fs::read_dir(y.path())?.flatten() {
                let to = target.join(f.file_name());
                if std::fs::hard_link(f.path(), &to).is_err() {
                    std::fs::copy(f.path(), &to)
                        .with_context(|| format!("cannot copy {}", f.path().display()))?;
                }
            }
        }
    }
    let status: BTreeMap<&str, (&str, Option<&str>)> = ledger
        .entries
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Accepted | Outcome::Superseded))
        .map(|e| {
            (
                e.submission_id(),
                (
                    if e.outcome == Outcome::Accepted {
                        "current"
                    } else {
                        "superseded"
                    },
                    e.superseded_by.as_deref(),
                ),
            )
        })
        .collect();
    // The new submissions' tables, by year and name.
    let mut fresh: BTreeMap<i64, BTreeMap<String, Vec<Table>>> = BTreeMap::new();
    for n in new {
        let (Some(year), Outcome::Accepted | Outcome::Superseded) = (n.entry.year, n.entry.outcome)
        else {
            continue;
        };
        let by_name = fresh.entry(year).or_default();
        for t in n.tables {
            by_name.entry(t.name.clone()).or_default().push(t);
        }
    }
    for &year in touched {
        let mut fresh = fresh.remove(&year).unwrap_or_default();
        let year_dir = tables_dir.join(year.to_string());
        std::fs::create_dir_all(&year_dir)?;
        // The tables are independent: each is read, extended and written by a worker.
        let jobs: Vec<(String, Vec<Table>)> = crate::normalize::table_names(schema)
            .into_iter()
            .map(|name| {
                let new = fresh.remove(&name).unwrap_or_default();
                (name, new)
            })
            .collect();
        jobs.into_par_iter()
            .try_for_each(|(name, new)| -> anyhow::Result<()> {
                let mut parts: Vec<Table> = previous
                    .map(|p| p.table(Some(year), &name))
                    .transpose()?
                    .flatten()
                    .into_iter()
                    .collect();
                parts.extend(new);
                if name == "submissions" {
                    for part in &mut parts {
                        refresh_status(part, &status);
                    }
                }
                let path = year_dir.join(format!("{name}.parquet"));
                crate::tables::write_parquet_parts(&name, parts, &path)
            })?;
        crate::store::sync_dir(&year_dir)?;
    }
    let mut findings: Vec<Table> = previous
        .map(|p| p.table(None, "findings"))
        .transpose()?
        .flatten()
        .into_iter()
        .collect();
    findings.push(new_findings);
    crate::tables::write_parquet_parts("findings", findings, &tables_dir.join("findings.parquet"))?;
    crate::tables::write_parquet(&files_table(ledger), &tables_dir.join("files.parquet"))?;
    crate::tables::write_parquet(
        &organizations_table(ledger, register),
        &tables_dir.join("organizations.parquet"),
    )?;
    crate::store::sync_dir(&tables_dir)?;
    Ok(())
}

/// Sets each submission's status and successor from the ledger.
fn refresh_status(table: &mut Table, status: &BTreeMap<&str, (&str, Option<&str>)>) {
    let of: Vec<Option<&(&str, Option<&str>)>> = match table.text("submission_id") {
        Some(ids) => ids
            .iter()
            .map(|id| id.and_then(|id| status.get(id)))
            .collect(),
        None => return,
    };
    let state: Texts = of.iter().map(|s| s.map(|s| s.0)).collect();
    let successor: Texts = of
        .iter()
        .map(|s| s.and_then(|s| s.1).map(|s| &s[..16.min(s.len())]))
        .collect();
    for (name, data) in &mut table.columns {
        match name.as_str() {
            "status" => *data = Data::Text(state.clone()),
            "superseded_by" => *data = Data::Text(successor.clone()),
            _ => {}
        }
    }
}

/// The ledger as a table, for analysts.
fn files_table(ledger: &Ledger) -> Table {
    let e = &ledger.entries;
    let text = |f: &dyn Fn(&Entry) -> Option<String>| Data::Text(e.iter().map(f).collect());
    let int = |f: &dyn Fn(&Entry) -> Option<i64>| Data::Int(e.iter().map(f).collect());
    Table::new(
        "files",
        vec![
            ("sha256".into(), text(&|e| Some(e.sha256.clone()))),
            (
                "submission_id".into(),
                text(&|e| Some(e.submission_id().to_string())),
            ),
            ("file".into(), text(&|e| Some(e.file.clone()))),
            ("stored".into(), text(&|e| Some(e.stored.clone()))),
            ("received".into(), text(&|e| Some(e.received.clone()))),
            ("size".into(), int(&|e| Some(e.size as i64))),
            ("container".into(), text(&|e| e.container.clone())),
            (
                "schema_version".into(),
                text(&|e| Some(e.schema_version.clone())),
            ),
            ("organization_id".into(), text(&|e| e.organization.clone())),
            ("year".into(), int(&|e| e.year)),
            (
                "outcome".into(),
                text(&|e| Some(e.outcome.as_str().to_string())),
            ),
            ("duplicate_of".into(), text(&|e| e.duplicate_of.clone())),
            ("superseded_by".into(), text(&|e| e.superseded_by.clone())),
            ("errors".into(), int(&|e| Some(e.counts.errors as i64))),
            ("warnings".into(), int(&|e| Some(e.counts.warnings as i64))),
            ("actions".into(), int(&|e| Some(e.actions as i64))),
        ],
    )
}

/// The register's organizations, and those that reported without being in it.
fn organizations_table(ledger: &Ledger, register: &Register) -> Table {
    let mut rows: Vec<(String, Option<String>, Option<String>, bool)> = register
        .organizations
        .iter()
        .map(|o| {
            (
                o.id.clone(),
                Some(o.name.clone()),
                Some(o.kind.clone()),
                true,
            )
        })
        .collect();
    let mut listed: std::collections::HashSet<String> = rows.iter().map(|r| r.0.clone()).collect();
    for e in &ledger.entries {
        if let (Some(id), false) = (&e.organization, e.registered)
            && e.outcome != Outcome::Rejected
            && listed.insert(id.clone())
        {
            rows.push((id.clone(), e.organization_name.clone(), None, false));
        }
    }
    Table::new(
        "organizations",
        vec![
            (
                "organization_id".into(),
                Data::Text(rows.iter().map(|r| Some(r.0.clone())).collect()),
            ),
            (
                "name".into(),
                Data::Text(rows.iter().map(|r| r.1.clone()).collect()),
            ),
            (
                "type".into(),
                Data::Text(rows.iter().map(|r| r.2.clone()).collect()),
            ),
            (
                "registered".into(),
                Data::Bool(rows.iter().map(|r| Some(r.3)).collect()),
            ),
        ],
    )
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::store::write_atomic(path, bytes)
}
