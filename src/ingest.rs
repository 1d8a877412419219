//! Ingest: every file received into the store, whatever its state.
//!
//! Each file is read once: its bytes are hashed, kept and validated, so the
//! bytes kept are the bytes checked (a folder of CSV files is packed once,
//! then everything works on the pack). Files are checked in parallel, then
//! decided in order of receipt: a file seen before changes nothing; the same
//! content under another name or at another time is a duplicate (a resend); a
//! file with errors is rejected and kept with its findings; an accepted file
//! is its organization's submission for the year unless one received later is
//! in force ([`Ledger::decide`]). The result is written as a new generation of
//! the store and made current at once.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::findings::{Counts, Finding, Place};
use crate::inputs::{Input, Kind, Skipped, Unreadable};
use crate::normalize::{Builder, Meta};
use crate::read::Limits;
use crate::register::{Recognized, Register};
use crate::schema::Schema;
use crate::store::{
    Attribution, Channel, Entry, Generation, Kept, Ledger, NewGeneration, Outcome, Store, sha256,
};
use crate::tables::{Data, Table, Texts};
use crate::validate::{Context, FileReport};

/// What an ingest may be told.
pub struct Options {
    pub store: PathBuf,
    /// The register of invited organizations; None: the one the store last
    /// used, else the built-in one.
    pub register: Option<PathBuf>,
    /// When the secretariat received the files (RFC 3339, UTC); None: each
    /// file's own modification time.
    pub received: Option<String>,
    /// Now (RFC 3339, UTC): when the files are ingested.
    pub ingested: String,
    /// Wait for another ingest to finish rather than fail.
    pub wait: bool,
    /// Follow symbolic links inside the folders given (never outside them).
    pub follow_links: bool,
    /// Whose files these are, when a file does not say (`--from`).
    pub from: Option<String>,
    /// For which reporting year, when a file does not say (`--year`).
    pub year: Option<i64>,
    /// The most an ingest reads at once, all files together.
    pub max_total_bytes: u64,
    /// How the files reached the secretariat.
    pub channel: Channel,
}

impl Options {
    /// An ingest of files into `store` with every default.
    pub fn new(store: &Path, ingested: &str) -> Options {
        Options {
            store: store.to_path_buf(),
            register: None,
            received: None,
            ingested: ingested.to_string(),
            wait: true,
            follow_links: false,
            from: None,
            year: None,
            max_total_bytes: 4 * 1024 * 1024 * 1024,
            channel: Channel::Files,
        }
    }
}

/// Why an ingest did not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error("the register {}: {detail}", path.display())]
    Register { path: PathBuf, detail: String },
    #[error(
        "the files given hold {total} bytes, more than the {max} bytes an ingest reads at once: ingest the folders one at a time, or raise --max-total"
    )]
    TooLarge { total: u64, max: u64 },
}

pub type Result<T> = std::result::Result<T, Error>;

/// What an ingest did, for the closing summary.
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub files: usize,
    /// Seen before (same content, name and time of receipt): nothing changed.
    pub unchanged: usize,
    /// Received before without an organization or year, now given them.
    pub attributed: usize,
    pub accepted: usize,
    pub accepted_with_warnings: usize,
    pub rejected: usize,
    pub duplicates: usize,
    /// Submissions that stopped being in force, because one received later was
    /// accepted (or was received before the one in force).
    pub superseded: usize,
    /// Earlier versions in force again because they were sent again.
    pub back_in_force: usize,
    /// Raw files of the store found damaged and replaced by the same bytes received again.
    pub repaired: usize,
    pub new_organizations: Vec<String>,
    /// Error codes of the rejected files, most frequent first, with counts.
    pub top_reasons: Vec<(String, usize)>,
    pub generation: u64,
    pub years: Vec<i64>,
    /// Which register the organizations were matched against.
    pub register: String,
    /// Found and left aside (symbolic links), with why.
    #[serde(skip)]
    pub skipped: Vec<Skipped>,
    /// Paths that could not be read: nothing was recorded for them.
    #[serde(skip)]
    pub unreadable: Vec<Unreadable>,
}

/// One input, read and checked.
struct Checked {
    file: String,
    size: u64,
    sha256: String,
    /// Where the raw file is kept in the store.
    stored: String,
    /// When the secretariat received it.
    received: String,
    /// None when seen before: nothing more was done.
    report: Option<FileReport>,
    attributed: Attributed,
    /// The submission's tables, when it can be accepted. Built while checking,
    /// on every core, so that only these compact tables are held, not the
    /// validated records.
    tables: Vec<Table>,
    /// A damaged raw file was replaced by these bytes.
    repaired: bool,
    /// How it reached the secretariat.
    channel: Channel,
}

/// Whose submission a file is, and for which year.
#[derive(Default)]
struct Attributed {
    recognized: Option<Recognized>,
    name: Option<String>,
    year: Option<i64>,
    by: Attribution,
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
) -> Result<Summary> {
    let schema = Schema::current();
    let found = crate::inputs::collect(paths, schema, opts.follow_links);
    let total: u64 = found
        .files
        .iter()
        .map(|i| input_size(&i.path, i.kind))
        .sum();
    if total > opts.max_total_bytes {
        return Err(Error::TooLarge {
            total,
            max: opts.max_total_bytes,
        });
    }
    let receipts = found
        .files
        .into_iter()
        .map(|input| Receipt {
            input,
            name: None,
            received: opts.received.clone(),
            said: None,
        })
        .collect();
    let mut summary = ingest_receipts(receipts, opts, progress, waiting)?;
    summary.skipped = found.skipped;
    summary.unreadable.extend(found.unreadable);
    Ok(summary)
}

/// Ingests one file received (through the page), recorded under `name`,
/// exactly as `cstd ingest` would.
pub fn ingest_received(
    path: &Path,
    name: &str,
    opts: &Options,
    waiting: impl FnMut(&str),
) -> Result<Summary> {
    let receipt = Receipt {
        input: Input {
            path: path.to_path_buf(),
            kind: Kind::File,
        },
        name: Some(name.to_string()),
        received: opts.received.clone(),
        said: None,
    };
    ingest_receipts(vec![receipt], opts, &Silent, waiting)
}

/// Ingests receipts under the store's lock, matched against the register.
fn ingest_receipts(
    receipts: Vec<Receipt>,
    opts: &Options,
    progress: &dyn Progress,
    waiting: impl FnMut(&str),
) -> Result<Summary> {
    let store = Store::new(&opts.store);
    let _lock = store.lock(opts.wait, waiting)?;
    let previous = store.current()?;
    // An ingest builds only on a generation whose every file is as written.
    if let Some(p) = previous
        .as_ref()
        .and_then(|g| g.verify().into_iter().next())
    {
        return Err(crate::store::Error::Damaged {
            file: p.file,
            problem: p.problem,
        }
        .into());
    }
    let (register, register_said) = choose_register(opts.register.as_deref(), previous.as_ref())?;
    let mut summary = ingest_locked(&store, previous, receipts, &register, opts, progress)?;
    summary.register = register_said;
    Ok(summary)
}

/// The register files are matched against, and how to say which: the one
/// named, else the one the store last used, else the built-in one.
pub fn choose_register(
    named: Option<&Path>,
    previous: Option<&Generation>,
) -> Result<(Register, String)> {
    Ok(match (named, previous) {
        (Some(path), _) => {
            let r = Register::load(path).map_err(|e| Error::Register {
                path: path.to_path_buf(),
                detail: format!("{e:#}"),
            })?;
            let said = format!(
                "{} ({} organizations)",
                path.display(),
                r.organizations.len()
            );
            (r, said)
        }
        (None, Some(g)) => {
            let r = g.register(None)?;
            let said = format!(
                "the store's register ({} organizations)",
                r.organizations.len()
            );
            (r, said)
        }
        (None, None) => {
            let r = Register::builtin();
            let said = format!(
                "the built-in register ({} organizations)",
                r.organizations.len()
            );
            (r, said)
        }
    })
}

/// One file to ingest, with what is known of it besides its bytes.
pub(crate) struct Receipt {
    pub input: Input,
    /// The name the ledger records, when not the path read (a raw file of the
    /// store recovered under the name it was received with).
    pub name: Option<String>,
    /// When it was received, when not the file's own time.
    pub received: Option<String>,
    /// What the secretariat said of it, when not the ingest's options (a
    /// file recovered by a repair keeps what was said when it came).
    pub said: Option<Said>,
}

/// What the secretariat says of a file besides its bytes: whose and for
/// which year when the file does not say (`--from`, `--year`), and how it came.
#[derive(Debug, Clone, Default)]
pub(crate) struct Said {
    pub from: Option<String>,
    pub year: Option<i64>,
    pub channel: Channel,
}

impl Said {
    fn of(opts: &Options) -> Said {
        Said {
            from: opts.from.clone(),
            year: opts.year,
            channel: opts.channel,
        }
    }
}

/// Ingests receipts into the store, whose lock the caller holds, on top of
/// `previous` (verified by the caller).
pub(crate) fn ingest_locked(
    store: &Store,
    previous: Option<Generation>,
    receipts: Vec<Receipt>,
    register: &Register,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Summary> {
    let schema = Schema::current();
    let mut ledger = match &previous {
        Some(g) => g.ledger()?,
        None => Ledger::default(),
    };
    let seen: HashSet<(&str, &str, &str)> = ledger
        .entries
        .iter()
        .map(|e| (e.sha256.as_str(), e.file.as_str(), e.received.as_str()))
        .collect();
    let known: HashSet<&str> = ledger.entries.iter().map(|e| e.sha256.as_str()).collect();
    let ctx = Context::from_env();
    let limits = Limits::default();
    progress.start(receipts.len() as u64);
    let env = CheckEnv {
        schema,
        ctx: &ctx,
        limits: &limits,
        seen: &seen,
        known: &known,
        store,
        register,
        opts,
    };
    let results: Vec<std::result::Result<Checked, CheckFailure>> = receipts
        .par_iter()
        .map(|receipt| {
            let c = check(receipt, &env);
            progress.tick();
            c
        })
        .collect();
    progress.finish();
    drop(seen);
    drop(known);
    let mut summary = Summary::default();
    let mut checked = Vec::new();
    for r in results {
        match r {
            Ok(c) => checked.push(c),
            Err(CheckFailure::Input(u)) => summary.unreadable.push(u),
            Err(CheckFailure::Store(e)) => return Err(e.into()),
        }
    }
    summary.files = checked.len();
    summary.repaired = checked.iter().filter(|c| c.repaired).count();
    checked.sort_by(|a, b| {
        a.received
            .cmp(&b.received)
            .then_with(|| a.file.cmp(&b.file))
    });

    let before: Vec<Outcome> = ledger.entries.iter().map(|e| e.outcome).collect();
    let mut new: Vec<New> = Vec::new();
    let mut known: HashSet<String> = ledger.entries.iter().map(|e| e.sha256.clone()).collect();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut new_seen: HashSet<String> = HashSet::new();
    for c in checked {
        let Some(report) = c.report else {
            let entry = ledger.entries.iter_mut().find(|e| {
                (e.sha256.as_str(), e.file.as_str(), e.received.as_str())
                    == (c.sha256.as_str(), c.file.as_str(), c.received.as_str())
            });
            let completed = entry
                .filter(|e| e.outcome == Outcome::Rejected)
                .is_some_and(|e| complete(e, register, opts));
            if completed {
                summary.attributed += 1;
            } else {
                summary.unchanged += 1;
            }
            continue;
        };
        let repeat = !known.insert(c.sha256.clone());
        let can_accept = acceptable(&report, &c.attributed);
        let Attributed {
            recognized,
            name,
            year,
            by,
        } = c.attributed;
        let mut entry = Entry {
            sha256: c.sha256.clone(),
            file: c.file,
            stored: c.stored,
            received: c.received,
            ingested: opts.ingested.clone(),
            size: c.size,
            container: report.container.map(|k| k.name().to_string()),
            schema_version: schema.version.clone(),
            organization: recognized.as_ref().map(|r| r.id().to_string()),
            organization_name: name,
            registered: matches!(recognized, Some(Recognized::Known(_))),
            attributed_by: by,
            channel: c.channel,
            year,
            outcome: Outcome::Rejected,
            duplicate_of: None,
            superseded_by: None,
            counts: report.counts,
            actions: report.understood.as_ref().map(|u| u.actions).unwrap_or(0),
            top_errors: top_errors(&report.findings),
        };
        let (report, tables) = if repeat {
            entry.outcome = Outcome::Duplicate;
            entry.duplicate_of = Some(c.sha256);
            summary.duplicates += 1;
            (None, Vec::new())
        } else if !can_accept {
            summary.rejected += 1;
            for f in report.findings.iter().filter(|f| f.is_error()) {
                *reasons.entry(f.code.to_string()).or_default() += 1;
            }
            (Some(report), Vec::new())
        } else {
            if let Some(Recognized::New { id, .. }) = &recognized
                && new_seen.insert(id.clone())
            {
                summary.new_organizations.push(id.clone());
            }
            // Provisionally: deciding says whether it is in force.
            entry.outcome = Outcome::Accepted;
            if entry.counts.warnings > 0 {
                summary.accepted_with_warnings += 1;
            } else {
                summary.accepted += 1;
            }
            (Some(report), c.tables)
        };
        new.push(New {
            index: ledger.entries.len(),
            report,
            tables,
        });
        ledger.entries.push(entry);
    }
    let mut top: Vec<(String, usize)> = reasons.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    summary.top_reasons = top;

    if new.is_empty() && summary.attributed == 0 {
        summary.generation = previous.as_ref().map(|g| g.number).unwrap_or(0);
        summary.years = ledger.years();
        return Ok(summary);
    }
    let changed = ledger.decide();
    let mut touched: BTreeSet<i64> = BTreeSet::new();
    for &i in &changed {
        let e = &ledger.entries[i];
        touched.extend(e.year);
        let was = before.get(i).copied();
        if e.outcome == Outcome::Superseded && was != Some(Outcome::Superseded) {
            summary.superseded += 1;
        } else if e.outcome == Outcome::Accepted && was == Some(Outcome::Superseded) {
            summary.back_in_force += 1;
        }
    }
    // New acceptable entries already in force were provisional: not "changed".
    touched.extend(
        new.iter()
            .map(|n| &ledger.entries[n.index])
            .filter(|e| e.outcome.acceptable())
            .filter_map(|e| e.year),
    );
    let register_years: BTreeSet<i64> = new
        .iter()
        .filter_map(|n| ledger.entries[n.index].year)
        .collect();

    let findings = findings_table(&ledger, &new);
    let mut fresh: BTreeMap<i64, BTreeMap<String, Vec<Table>>> = BTreeMap::new();
    for n in new {
        let e = &ledger.entries[n.index];
        if let (Some(year), true) = (e.year, e.outcome.acceptable()) {
            let by_name = fresh.entry(year).or_default();
            for t in n.tables {
                by_name.entry(t.name.clone()).or_default().push(t);
            }
        }
    }
    let next = store.begin(previous.as_ref())?;
    write_generation(
        &next,
        schema,
        &ledger,
        previous.as_ref(),
        Fresh {
            tables: fresh,
            findings,
            touched,
        },
        register,
        &register_years,
    )?;
    drop(previous);
    let generation = store.commit(next)?;
    summary.generation = generation.number;
    summary.years = ledger.years();
    Ok(summary)
}

/// The size an input will be read as: a folder's files together.
fn input_size(path: &Path, kind: Kind) -> u64 {
    match kind {
        Kind::File => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        Kind::CsvFolder => std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0),
    }
}

/// A file new to the ledger, at `index`, with its findings (none for a
/// duplicate) and its tables (when acceptable).
struct New {
    index: usize,
    report: Option<FileReport>,
    tables: Vec<Table>,
}

/// What every check shares.
struct CheckEnv<'a> {
    schema: &'static Schema,
    ctx: &'a Context,
    limits: &'a Limits,
    /// (hash, file name, time received) of every file in the ledger.
    seen: &'a HashSet<(&'a str, &'a str, &'a str)>,
    /// The hash of every file in the ledger.
    known: &'a HashSet<&'a str>,
    store: &'a Store,
    register: &'a Register,
    opts: &'a Options,
}

/// Why an input gave no ledger entry.
enum CheckFailure {
    /// The path could not be read: an error for that path alone.
    Input(Unreadable),
    /// The store could not keep it: the whole ingest stops.
    Store(crate::store::Error),
}

/// An RFC 3339 time, UTC, to the second.
pub fn utc(t: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The bytes of one input, read once.
struct Bytes {
    /// What is kept: the file, or a folder's CSV files packed as a zip.
    bytes: Vec<u8>,
    ext: String,
    modified: std::time::SystemTime,
    /// A folder's CSV files (name, bytes), read for the sheets.
    parts: Option<Vec<(String, Vec<u8>)>>,
}

/// Reads one input once: its bytes (a folder of CSV files as a zip of them),
/// their hash and, unless seen before, its findings, its organization and,
/// when it can be accepted, its tables; and keeps the raw file in the store.
fn check(receipt: &Receipt, env: &CheckEnv) -> std::result::Result<Checked, CheckFailure> {
    let CheckEnv {
        schema,
        limits,
        store,
        ..
    } = *env;
    let input = &receipt.input;
    let said = receipt.said.clone().unwrap_or_else(|| Said::of(env.opts));
    let path = &input.path;
    let unreadable = |reason: String| {
        CheckFailure::Input(Unreadable {
            path: path.clone(),
            reason,
        })
    };
    let file = receipt
        .name
        .clone()
        .unwrap_or_else(|| path.display().to_string());
    // A file too large to read is kept as a stream and checked no further.
    let mut oversized = None;
    let got = match input.kind {
        Kind::CsvFolder => {
            let parts = crate::read::csv_folder_files(path, limits)
                .map_err(|f| unreadable(f.detail_text().unwrap_or_else(|| f.code.to_string())))?;
            let modified = std::fs::read_dir(path)
                .ok()
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.metadata().ok()?.modified().ok())
                .max()
                .unwrap_or(std::time::UNIX_EPOCH);
            Bytes {
                bytes: pack(&parts),
                ext: "zip".into(),
                modified,
                parts: Some(parts),
            }
        }
        Kind::File => {
            let mut f =
                std::fs::File::open(path).map_err(|e| unreadable(crate::inputs::reason(&e)))?;
            let meta = f
                .metadata()
                .map_err(|e| unreadable(crate::inputs::reason(&e)))?;
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_else(|| "bin".into());
            let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            if meta.len() > limits.max_file_bytes {
                let kept = store
                    .keep_raw_stream(&ext, &mut f)
                    .map_err(CheckFailure::Store)?;
                oversized = Some(kept);
                Bytes {
                    bytes: Vec::new(),
                    ext,
                    modified,
                    parts: None,
                }
            } else {
                let mut bytes = Vec::with_capacity(meta.len() as usize);
                // One byte past the limit tells a file that grew while read.
                (&mut f)
                    .take(limits.max_file_bytes + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| unreadable(crate::inputs::reason(&e)))?;
                Bytes {
                    bytes,
                    ext,
                    modified,
                    parts: None,
                }
            }
        }
    };
    let received = receipt
        .received
        .clone()
        .unwrap_or_else(|| utc(got.modified));
    let (sha, size, stored, kept) = match oversized {
        Some((sha, size, rel)) => (sha, size, rel, Kept::New),
        None => {
            let sha = sha256(&got.bytes);
            let (rel, kept) = store
                .keep_raw(&sha, &got.ext, &got.bytes)
                .map_err(CheckFailure::Store)?;
            (sha, got.bytes.len() as u64, rel, kept)
        }
    };
    let seen = env
        .seen
        .contains(&(sha.as_str(), file.as_str(), received.as_str()));
    // A file of the store found damaged, or gone, and received again.
    let repaired =
        kept == Kept::Replaced || (kept == Kept::New && env.known.contains(sha.as_str()));
    let mut checked = Checked {
        file: file.clone(),
        size,
        sha256: sha,
        stored,
        received,
        report: None,
        attributed: Attributed::default(),
        tables: Vec::new(),
        repaired,
        channel: said.channel,
    };
    if seen {
        return Ok(checked);
    }
    let want = |name: &str| schema.sheet_for_name(name).is_some();
    let read = match (got.parts, oversized_limit(size, limits)) {
        (_, Some(f)) => crate::read::Read {
            workbook: None,
            findings: vec![f],
        },
        (Some(parts), None) => crate::read::read_csv_files(parts, limits),
        (None, None) => crate::read::read_bytes(&got.bytes, Some(&got.ext), limits, &want),
    };
    drop(got.bytes);
    let mut report = crate::validate::report(file, read, schema, env.ctx);
    checked.attributed = attribute(&mut report, env.register, Path::new(&checked.file), &said);
    checked.tables = tables_of(&mut report, &checked, schema);
    checked.report = Some(report);
    Ok(checked)
}

fn oversized_limit(size: u64, limits: &Limits) -> Option<Finding> {
    (size > limits.max_file_bytes).then(|| crate::read::file_too_large(size, limits))
}

/// The tables of a file that can be accepted; only these are kept of its
/// validated records.
fn tables_of(report: &mut FileReport, checked: &Checked, schema: &Schema) -> Vec<Table> {
    let sub = report.submission.take();
    let organization = checked.attributed.recognized.as_ref().map(Recognized::id);
    let (true, Some(sub), Some(organization)) =
        (acceptable(report, &checked.attributed), sub, organization)
    else {
        return Vec::new();
    };
    let mut builder = Builder::default();
    let meta = Meta {
        submission_id: crate::store::submission_id(&checked.sha256).to_string(),
        organization_id: organization.to_string(),
        sha256: checked.sha256.clone(),
        file: checked.file.clone(),
        received: checked.received.clone(),
        errors: report.counts.errors as i64,
        warnings: report.counts.warnings as i64,
        notes: report.counts.notes as i64,
    };
    builder.add(schema, &sub, &meta);
    builder.finish()
}

/// Recognizes the organization of a report against the register; an
/// organization not in it gets a warning with the nearest names. A file that
/// says nothing readable is attributed by what the secretariat said
/// (`--from`, `--year`), else by its name and folders (`2026/escap.xlsx`),
/// and the ledger records how.
fn attribute(report: &mut FileReport, register: &Register, path: &Path, said: &Said) -> Attributed {
    use crate::schema::{Role, SheetRole};
    let schema = crate::schema::Schema::current();
    let org_form = report
        .submission
        .as_ref()
        .and_then(|s| s.form(&schema.sheet_of(SheetRole::Organization).id));
    let acronym = org_form.and_then(|o| o.text(schema.id_of(Role::OrganizationAcronym)));
    let name = org_form.and_then(|o| o.text(schema.id_of(Role::OrganizationName)));
    let mut year = org_form.and_then(|o| o.int(schema.id_of(Role::ReportingYear)));
    let mut by = Attribution::Content;
    let mut recognized =
        (acronym.is_some() || name.is_some()).then(|| register.recognize(acronym, name));
    let name = name.map(String::from);
    if let Some(Recognized::New { id, suggestions }) = &recognized {
        let place = Place::default().titled(&schema.field_of(Role::OrganizationAcronym).labels);
        report.findings.push(
            Finding::new("organization-unknown", place)
                .value(id.clone())
                .expected(crate::msg!("a-registered-organization"))
                .suggest(suggestions.clone()),
        );
        report.counts = Counts::of(&report.findings);
    }
    fill_in(&mut recognized, &mut year, &mut by, register, path, said);
    Attributed {
        recognized,
        name,
        year,
        by,
    }
}

/// Fills in what a file's content did not say, from what the secretariat
/// said, else from the file's name and folders.
fn fill_in(
    recognized: &mut Option<Recognized>,
    year: &mut Option<i64>,
    by: &mut Attribution,
    register: &Register,
    path: &Path,
    said: &Said,
) {
    if recognized.is_none() {
        if let Some(from) = &said.from {
            *recognized = Some(register.recognize(Some(from), None));
            *by = Attribution::Secretariat;
        } else if let Some(o) = path_names(path).find_map(|n| register.find(&n)) {
            *recognized = Some(Recognized::Known(o.id.clone()));
            *by = Attribution::Path;
        }
    }
    if year.is_none() {
        if let Some(y) = said.year {
            *year = Some(y);
            *by = Attribution::Secretariat;
        } else if let Some(y) = path_names(path)
            .find_map(|n| n.parse::<i64>().ok().filter(|y| (2005..=2100).contains(y)))
        {
            *year = Some(y);
            if *by == Attribution::Content {
                *by = Attribution::Path;
            }
        }
    }
}

/// A file received before whose organization or year was unknown, given
/// again with what the secretariat now says (`--from`, `--year`) or under a
/// name that tells: its ledger entry is completed. Only a rejected file can
/// lack them (a file is accepted on what it says itself), so no table changes.
fn complete(entry: &mut Entry, register: &Register, opts: &Options) -> bool {
    if entry.organization.is_some() && entry.year.is_some() {
        return false;
    }
    let mut recognized = entry
        .organization
        .as_ref()
        .map(|id| Recognized::Known(id.clone()));
    let mut year = entry.year;
    let mut by = entry.attributed_by;
    fill_in(
        &mut recognized,
        &mut year,
        &mut by,
        register,
        Path::new(&entry.file),
        &Said::of(opts),
    );
    let organization = recognized.as_ref().map(|r| r.id().to_string());
    if organization == entry.organization && year == entry.year {
        return false;
    }
    if entry.organization.is_none() {
        entry.registered = matches!(recognized, Some(Recognized::Known(_)));
    }
    entry.organization = organization;
    entry.year = year;
    entry.attributed_by = by;
    true
}

/// A file's name without its extension, then its folders' names, nearest first.
fn path_names(path: &Path) -> impl Iterator<Item = String> + '_ {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    stem.into_iter().chain(
        path.ancestors()
            .skip(1)
            .take(3)
            .filter_map(|a| a.file_name())
            .map(|n| n.to_string_lossy().into_owned()),
    )
}

/// Whether a new file can become its organization's submission: only what
/// the file itself says counts.
fn acceptable(report: &FileReport, attributed: &Attributed) -> bool {
    report.readable
        && report.counts.errors == 0
        && attributed.by == Attribution::Content
        && attributed.recognized.is_some()
        && attributed.year.is_some()
}

/// A folder of CSV files as one zip, the same bytes for the same files (names
/// sorted, no compression, fixed times), so that it hashes and keeps like a file.
fn pack(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        // Writing into memory fails only on a malformed name: leave it out.
        if w.start_file(name.as_str(), options).is_ok() {
            let _ = w.write_all(bytes);
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn top_errors(findings: &[Finding]) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.is_error()) {
        *counts.entry(f.code).or_default() += 1;
    }
    let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter().take(3).map(|(c, _)| c.to_string()).collect()
}

/// The columns of the findings table.
const FINDING_COLUMNS: [&str; 12] = [
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

/// The findings of the new files, one row each.
fn findings_table(ledger: &Ledger, new: &[New]) -> Table {
    findings_rows(
        new.iter()
            .filter_map(|n| Some((&ledger.entries[n.index], n.report.as_ref()?))),
    )
}

/// The findings of files, one row each.
fn findings_rows<'a>(files: impl Iterator<Item = (&'a Entry, &'a FileReport)>) -> Table {
    let mut cols: Vec<Texts> = vec![Texts::default(); FINDING_COLUMNS.len()];
    for (entry, report) in files {
        for f in &report.findings {
            let suggestions = (!f.suggestions.is_empty()).then(|| f.suggestions.join("; "));
            // The store keeps findings in English.
            let expected = f.expected.as_ref().map(|m| m.render("en"));
            let detail = f.detail_text();
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
                expected.as_deref(),
                suggestions.as_deref(),
                detail.as_deref(),
            ];
            for (c, v) in cols.iter_mut().zip(row) {
                c.push(v);
            }
        }
    }
    Table::new(
        "findings",
        FINDING_COLUMNS
            .iter()
            .zip(cols)
            .map(|(n, c)| (n.to_string(), Data::Text(c)))
            .collect(),
    )
}

/// What a generation adds to the previous one's tables.
struct Fresh {
    /// The new submissions' tables, by year and name.
    tables: BTreeMap<i64, BTreeMap<String, Vec<Table>>>,
    /// The new files' findings.
    findings: Table,
    /// Years whose tables are rebuilt: new submissions, or a change of the
    /// submission in force.
    touched: BTreeSet<i64>,
}

/// Writes the files of a new generation: touched years rebuilt from the
/// previous generation's tables plus the fresh ones, other years linked;
/// the findings, files and organizations tables; the registers (the one
/// used, for `register_years`) and the ledger.
fn write_generation(
    next: &NewGeneration,
    schema: &Schema,
    ledger: &Ledger,
    previous: Option<&Generation>,
    fresh: Fresh,
    register: &Register,
    register_years: &BTreeSet<i64>,
) -> crate::store::Result<()> {
    let Fresh {
        tables: mut fresh,
        findings: new_findings,
        touched,
    } = fresh;
    // What the previous generation has and this one does not rewrite: the same files.
    if let Some(prev) = previous {
        for rel in prev.manifest.files.keys() {
            let untouched_table = rel
                .strip_prefix("tables/")
                .and_then(|r| r.split_once('/'))
                .and_then(|(y, _)| y.parse::<i64>().ok())
                .is_some_and(|y| !touched.contains(&y));
            let other_register = rel
                .strip_prefix("registers/")
                .and_then(|r| r.strip_suffix(".csv"))
                .and_then(|y| y.parse::<i64>().ok())
                .is_some_and(|y| !register_years.contains(&y));
            if untouched_table || other_register {
                next.link(prev, rel)?;
            }
        }
    }
    let status = in_force(ledger);
    for &year in &touched {
        let mut fresh = fresh.remove(&year).unwrap_or_default();
        // The tables are independent: each is read, extended and written by a worker.
        let jobs: Vec<(String, Vec<Table>)> = crate::normalize::table_names(schema)
            .into_iter()
            .map(|name| {
                let new = fresh.remove(&name).unwrap_or_default();
                (name, new)
            })
            .collect();
        jobs.into_par_iter()
            .try_for_each(|(name, new)| -> crate::store::Result<()> {
                let mut parts: Vec<Table> = match previous {
                    Some(p) => p.table(Some(year), &name)?.into_iter().collect(),
                    None => Vec::new(),
                };
                parts.extend(new);
                if name == "submissions" {
                    for part in &mut parts {
                        refresh_status(part, &status);
                    }
                }
                next.write_table(&Generation::table_path(Some(year), &name), &name, parts)
            })?;
    }
    let mut findings: Vec<Table> = match previous {
        Some(p) => p.table(None, "findings")?.into_iter().collect(),
        None => Vec::new(),
    };
    findings.push(new_findings);
    next.write_table(
        &Generation::table_path(None, "findings"),
        "findings",
        findings,
    )?;
    next.write_table(
        &Generation::table_path(None, "files"),
        "files",
        vec![files_table(ledger)],
    )?;
    next.write_table(
        &Generation::table_path(None, "organizations"),
        "organizations",
        vec![organizations_table(ledger, register)],
    )?;
    let csv = register.to_csv().unwrap_or_default();
    next.write("register.csv", csv.as_bytes())?;
    for y in register_years {
        next.write(&format!("registers/{y}.csv"), csv.as_bytes())?;
    }
    let text = serde_json::to_vec_pretty(ledger).unwrap_or_default();
    next.write("ledger.json", &text)?;
    Ok(())
}

/// Each acceptable submission's state (`current` or `superseded`), its
/// successor, and the latest time its content was received.
struct State {
    status: &'static str,
    superseded_by: Option<String>,
    received: String,
}

fn in_force(ledger: &Ledger) -> BTreeMap<String, State> {
    let mut latest: BTreeMap<&str, &str> = BTreeMap::new();
    for e in &ledger.entries {
        let content = match e.outcome {
            Outcome::Duplicate => e.duplicate_of.as_deref().unwrap_or(&e.sha256),
            _ => &e.sha256,
        };
        let l = latest.entry(content).or_insert(&e.received);
        if e.received.as_str() > *l {
            *l = &e.received;
        }
    }
    ledger
        .entries
        .iter()
        .filter(|e| e.outcome.acceptable())
        .map(|e| {
            (
                e.submission_id().to_string(),
                State {
                    status: if e.outcome == Outcome::Accepted {
                        "current"
                    } else {
                        "superseded"
                    },
                    superseded_by: e
                        .superseded_by
                        .as_deref()
                        .map(|s| crate::store::submission_id(s).to_string()),
                    received: latest
                        .get(e.sha256.as_str())
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| e.received.clone()),
                },
            )
        })
        .collect()
}

/// Sets each submission's status, successor and time received from the ledger.
fn refresh_status(table: &mut Table, status: &BTreeMap<String, State>) {
    let of: Vec<Option<&State>> = match table.text("submission_id") {
        Some(ids) => ids
            .iter()
            .map(|id| id.and_then(|id| status.get(id)))
            .collect(),
        None => return,
    };
    for (name, data) in &mut table.columns {
        let column: Texts = match name.as_str() {
            "status" => of.iter().map(|s| s.map(|s| s.status)).collect(),
            "superseded_by" => of
                .iter()
                .map(|s| s.and_then(|s| s.superseded_by.as_deref()))
                .collect(),
            "received" => of.iter().map(|s| s.map(|s| s.received.as_str())).collect(),
            _ => continue,
        };
        *data = Data::Text(column);
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
            ("ingested".into(), text(&|e| Some(e.ingested.clone()))),
            ("size".into(), int(&|e| Some(e.size as i64))),
            ("container".into(), text(&|e| e.container.clone())),
            (
                "schema_version".into(),
                text(&|e| Some(e.schema_version.clone())),
            ),
            ("organization_id".into(), text(&|e| e.organization.clone())),
            (
                "attributed_by".into(),
                text(&|e| {
                    Some(
                        match e.attributed_by {
                            Attribution::Content => "content",
                            Attribution::Path => "path",
                            Attribution::Secretariat => "secretariat",
                        }
                        .to_string(),
                    )
                }),
            ),
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
    let mut listed: HashSet<String> = rows.iter().map(|r| r.0.clone()).collect();
    for e in &ledger.entries {
        if let (Some(id), false) = (&e.organization, e.registered)
            && e.outcome.acceptable()
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
