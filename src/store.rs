//! The store: every file received, kept by content hash, the ledger of what
//! became of each, and the normalized tables, year after year.
//!
//! Layout (under `output/store` by default):
//!
//! ```text
//! raw/ab/abcdef….xlsx          each file received, by SHA-256, never changed
//! gen/000042/ledger.json       one generation: the ledger,
//! gen/000042/register.csv      the register last used,
//! gen/000042/registers/Y.csv   the register each year was reported against,
//! gen/000042/tables/…          the tables (`<year>/<table>.parquet`, `findings.parquet` …),
//! gen/000042/manifest.json     every file above with its size and SHA-256,
//! gen/000042/committed         written once the generation was made current
//! CURRENT                      the number of the generation in force
//! lock                         held by the ingest that is writing
//! ```
//!
//! An ingest writes a whole new generation beside the current one, its
//! manifest last, then swaps `CURRENT` by a rename: a process killed at any
//! moment leaves the store as it was or as it should be, and running the
//! ingest again finishes the job. Readers check every file they read against
//! the manifest, so a deleted, truncated or edited file is named, never read as
//! empty; a reader pins its generation so that pruning never removes it under
//! it. `cstd check` ([`crate::check`]) verifies and repairs the whole store.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::durable;
use crate::findings::Counts;
use crate::register::Register;
use crate::tables::Table;

pub use crate::durable::sha256;

/// Generations kept besides the current one: a damaged current generation
/// can be repaired from them.
pub const KEEP: u64 = 3;

/// What can go wrong with a store, for the command line and the web page to
/// say each in their own way.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "no store at {}: run `cstd ingest FOLDER` to make one there, or name the store with --store or CSTD_STORE",
        .0.display()
    )]
    Missing(PathBuf),
    #[error(
        "the store {} holds no ingested file yet: run `cstd ingest FOLDER` first",
        .0.display()
    )]
    Empty(PathBuf),
    #[error(
        "{holder} is writing to the store {}; try again when it has finished, or leave out --no-wait to wait for it",
        root.display()
    )]
    Locked { root: PathBuf, holder: String },
    #[error(
        "the store is damaged: {} {problem}. `cstd check` says what is wrong, and `cstd check --repair` repairs it",
        file.display()
    )]
    Damaged { file: PathBuf, problem: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] durable::Error),
    #[error("table {name} cannot be written: {detail}")]
    Table { name: String, detail: String },
}

pub type Result<T> = std::result::Result<T, Error>;

fn damaged(file: &Path, problem: impl Into<String>) -> Error {
    Error::Damaged {
        file: file.to_path_buf(),
        problem: problem.into(),
    }
}

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Accepted, and the organization's submission for the year in force.
    Accepted,
    /// Not accepted: its findings say why.
    Rejected,
    /// The same content as an earlier file.
    Duplicate,
    /// Accepted, then replaced by a submission of the same organization and
    /// year received later.
    Superseded,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Rejected => "rejected",
            Outcome::Duplicate => "duplicate",
            Outcome::Superseded => "superseded",
        }
    }

    /// Whether the file's content can be, or was, its organization's submission.
    pub fn acceptable(self) -> bool {
        matches!(self, Outcome::Accepted | Outcome::Superseded)
    }
}

/// How a file reached the secretariat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// A file or folder given to `cstd ingest`.
    #[default]
    Files,
    /// Sent by its organization through its link on `cstd serve`'s page.
    Page,
}

impl Channel {
    pub fn is_files(&self) -> bool {
        *self == Channel::Files
    }
}

/// How a file's organization and year were known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attribution {
    /// From what the file says.
    #[default]
    Content,
    /// The file says nothing readable: from its name or folder
    /// (`2026/escap.xlsx`).
    Path,
    /// Given by the secretariat (`cstd ingest --from ORG --year Y`).
    Secretariat,
}

/// One file received.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub sha256: String,
    /// The path as given to the ingest.
    pub file: String,
    /// Where the raw file is kept, relative to the store.
    pub stored: String,
    /// When the secretariat received the file (RFC 3339, UTC): the time it
    /// gave (`--received`), else the file's own modification time.
    pub received: String,
    /// When the file was ingested.
    #[serde(default)]
    pub ingested: String,
    pub size: u64,
    pub container: Option<String>,
    pub schema_version: String,
    pub organization: Option<String>,
    pub organization_name: Option<String>,
    /// Whether the organization was found in the register.
    pub registered: bool,
    #[serde(default)]
    pub attributed_by: Attribution,
    /// How it reached the secretariat.
    #[serde(default, skip_serializing_if = "Channel::is_files")]
    pub channel: Channel,
    pub year: Option<i64>,
    pub outcome: Outcome,
    pub duplicate_of: Option<String>,
    pub superseded_by: Option<String>,
    pub counts: Counts,
    pub actions: usize,
    /// The most frequent error codes, for summaries; every finding is in the
    /// findings table.
    pub top_errors: Vec<String>,
}

impl Entry {
    /// The short key of a submission in the tables.
    pub fn submission_id(&self) -> &str {
        submission_id(&self.sha256)
    }
}

/// A submission's ID: the first 16 hex digits of its raw file's SHA-256.
pub fn submission_id(sha256: &str) -> &str {
    sha256.get(..16).unwrap_or(sha256)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Ledger {
    pub entries: Vec<Entry>,
}

impl Ledger {
    /// The accepted submission in force for an organization and year.
    pub fn current(&self, organization: &str, year: i64) -> Option<&Entry> {
        self.entries.iter().find(|e| {
            e.outcome == Outcome::Accepted
                && e.organization.as_deref() == Some(organization)
                && e.year == Some(year)
        })
    }

    pub fn years(&self) -> Vec<i64> {
        let mut y: Vec<i64> = self.entries.iter().filter_map(|e| e.year).collect();
        y.sort();
        y.dedup();
        y
    }

    /// Decides which submission is in force for each organization and year:
    /// the one received last, a byte-identical resend counting as a receipt
    /// of the content it repeats; on equal times, the one ingested last.
    /// Every other acceptable content of the organization and year is
    /// superseded by it. Returns the entries whose outcome changed.
    pub fn decide(&mut self) -> Vec<usize> {
        // The latest receipt of each content: (received, position).
        let mut latest: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            let content = match e.outcome {
                Outcome::Duplicate => e.duplicate_of.as_deref().unwrap_or(&e.sha256),
                _ => e.sha256.as_str(),
            };
            let at = (e.received.as_str(), i);
            latest
                .entry(content)
                .and_modify(|l| *l = (*l).max(at))
                .or_insert(at);
        }
        // (organization, year) -> the original entry of the content in force.
        let mut in_force: BTreeMap<(String, i64), (usize, (String, usize))> = BTreeMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            let (true, Some(org), Some(year)) = (e.outcome.acceptable(), &e.organization, e.year)
            else {
                continue;
            };
            let at = latest
                .get(e.sha256.as_str())
                .map(|(r, p)| (r.to_string(), *p))
                .unwrap_or_default();
            let slot = in_force
                .entry((org.clone(), year))
                .or_insert((i, at.clone()));
            if at > slot.1 {
                *slot = (i, at);
            }
        }
        let winner: BTreeMap<(String, i64), String> = in_force
            .iter()
            .map(|(k, (i, _))| (k.clone(), self.entries[*i].sha256.clone()))
            .collect();
        let mut changed = Vec::new();
        for (i, e) in self.entries.iter_mut().enumerate() {
            let (true, Some(org), Some(year)) = (e.outcome.acceptable(), &e.organization, e.year)
            else {
                continue;
            };
            let Some(w) = winner.get(&(org.clone(), year)) else {
                continue;
            };
            let (outcome, by) = if *w == e.sha256 {
                (Outcome::Accepted, None)
            } else {
                (Outcome::Superseded, Some(w.clone()))
            };
            if e.outcome != outcome || e.superseded_by != by {
                e.outcome = outcome;
                e.superseded_by = by;
                changed.push(i);
            }
        }
        changed
    }
}

/// A file of a generation: its size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    pub size: u64,
    pub sha256: String,
}

/// Every file of a generation, by its path relative to the generation's folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub generation: u64,
    pub files: BTreeMap<String, FileSum>,
}

/// The manifest's name in a generation's folder.
pub const MANIFEST: &str = "manifest.json";
/// Written in a generation's folder once it has been made current, holding
/// the SHA-256 of its manifest: a newer generation than `CURRENT` that has it
/// was current once, so `CURRENT` was changed by hand, not left behind by an
/// interrupted ingest; and a manifest edited since is known as such.
pub const COMMITTED: &str = "committed";

pub struct Store {
    pub root: PathBuf,
}

/// A generation of the store, pinned: an ingest never prunes it while this is held.
pub struct Generation {
    pub number: u64,
    pub dir: PathBuf,
    pub manifest: Manifest,
    _pin: Option<File>,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Generation({})", self.number)
    }
}

/// A problem found by [`Generation::verify`]: a file and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: PathBuf,
    pub problem: String,
    /// Whether the file is not there at all (a check says many such at once).
    pub missing: bool,
}

impl Generation {
    /// Opens a generation by its folder, reading and pinning its manifest.
    pub fn open(number: u64, dir: &Path) -> Result<Generation> {
        let path = dir.join(MANIFEST);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(damaged(&path, "is missing"));
            }
            Err(e) => return Err(read_error(&path, e)),
        };
        // A shared lock: pruning takes an exclusive one and skips what it cannot get.
        let _ = file.lock_shared();
        let text = std::fs::read_to_string(&path).map_err(|e| read_error(&path, e))?;
        if let Ok(sealed) = std::fs::read_to_string(dir.join(COMMITTED))
            && !sealed.trim().is_empty()
            && sealed.trim() != sha256(text.as_bytes())
        {
            return Err(damaged(
                &path,
                "has changed since the generation was made current",
            ));
        }
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| damaged(&path, format!("cannot be read ({e})")))?;
        if manifest.generation != number {
            return Err(damaged(
                &path,
                format!(
                    "belongs to generation {}, not {number}",
                    manifest.generation
                ),
            ));
        }
        Ok(Generation {
            number,
            dir: dir.to_path_buf(),
            manifest,
            _pin: Some(file),
        })
    }

    pub fn has(&self, rel: &str) -> bool {
        self.manifest.files.contains_key(rel)
    }

    /// A file of the generation, checked against the manifest.
    pub fn read(&self, rel: &str) -> Result<Vec<u8>> {
        let path = self.dir.join(rel);
        let Some(sum) = self.manifest.files.get(rel) else {
            return Err(damaged(&path, "is not in the generation's manifest"));
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(damaged(&path, "is missing"));
            }
            Err(e) => return Err(read_error(&path, e)),
        };
        check_sum(&path, bytes.len() as u64, || sha256(&bytes), sum)?;
        Ok(bytes)
    }

    pub fn ledger(&self) -> Result<Ledger> {
        let path = self.dir.join("ledger.json");
        let bytes = self.read("ledger.json")?;
        serde_json::from_slice(&bytes).map_err(|e| damaged(&path, format!("cannot be read ({e})")))
    }

    /// The register a year was reported against; the one last used when the
    /// year has none of its own (`year` None).
    pub fn register(&self, year: Option<i64>) -> Result<Register> {
        let rel = match year {
            Some(y) if self.has(&format!("registers/{y}.csv")) => format!("registers/{y}.csv"),
            _ => "register.csv".to_string(),
        };
        let bytes = self.read(&rel)?;
        let path = self.dir.join(&rel);
        let text = String::from_utf8(bytes).map_err(|_| damaged(&path, "is not UTF-8 text"))?;
        Register::parse(&text).map_err(|e| damaged(&path, format!("cannot be read ({e:#})")))
    }

    /// The path of a table relative to the generation: a year's, or the
    /// whole store's (`year` None).
    pub fn table_path(year: Option<i64>, name: &str) -> String {
        match year {
            Some(y) => format!("tables/{y}/{name}.parquet"),
            None => format!("tables/{name}.parquet"),
        }
    }

    /// A table of a year, or of the whole store (`year` None); None when the
    /// generation has no such table (the manifest says so), an error when it
    /// should have it and the file is missing or changed.
    pub fn table(&self, year: Option<i64>, name: &str) -> Result<Option<Table>> {
        let rel = Generation::table_path(year, name);
        if !self.has(&rel) {
            return Ok(None);
        }
        let bytes = self.read(&rel)?;
        crate::tables::read_parquet(name, bytes)
            .map(Some)
            .map_err(|e| damaged(&self.dir.join(&rel), format!("cannot be read ({e:#})")))
    }

    /// The years that have tables.
    pub fn table_years(&self) -> Vec<i64> {
        let mut years: Vec<i64> = self
            .manifest
            .files
            .keys()
            .filter_map(|k| k.strip_prefix("tables/")?.split_once('/')?.0.parse().ok())
            .collect();
        years.dedup();
        years
    }

    /// Checks every file of the generation against the manifest, reading each
    /// whole: what is missing, changed, or there without being listed.
    pub fn verify(&self) -> Vec<Problem> {
        use rayon::prelude::*;
        let mut problems: Vec<Problem> = self
            .manifest
            .files
            .par_iter()
            .filter_map(|(rel, sum)| {
                let path = self.dir.join(rel);
                let found = match durable::sha256_file(&path) {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Some(Problem {
                            file: path,
                            problem: "is missing".into(),
                            missing: true,
                        });
                    }
                    Err(e) => {
                        return Some(Problem {
                            file: path,
                            problem: format!("cannot be read ({e})"),
                            missing: false,
                        });
                    }
                };
                check_sum(&path, found.0, || found.1.clone(), sum)
                    .err()
                    .map(|e| match e {
                        Error::Damaged { file, problem } => Problem {
                            file,
                            problem,
                            missing: false,
                        },
                        other => Problem {
                            file: path,
                            problem: other.to_string(),
                            missing: false,
                        },
                    })
            })
            .collect();
        problems.sort_by(|a, b| a.file.cmp(&b.file));
        problems
    }
}

fn check_sum(path: &Path, size: u64, hash: impl FnOnce() -> String, sum: &FileSum) -> Result<()> {
    if size != sum.size {
        return Err(damaged(
            path,
            format!(
                "has changed: it holds {size} bytes, and held {} when it was written",
                sum.size
            ),
        ));
    }
    if hash() != sum.sha256 {
        return Err(damaged(
            path,
            "has changed since it was written (its SHA-256 differs)",
        ));
    }
    Ok(())
}

/// A generation being written: files go in through it, so that each is
/// recorded in the manifest with its size and hash.
pub struct NewGeneration {
    pub number: u64,
    pub dir: PathBuf,
    files: Mutex<BTreeMap<String, FileSum>>,
}

impl NewGeneration {
    fn record(&self, rel: &str, size: u64, sha256: String) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(rel.to_string(), FileSum { size, sha256 });
        }
    }

    /// Writes a file of the generation.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        durable::write_with(&self.dir.join(rel), durable::Sync::Now, |f| {
            f.write_all(bytes)
        })?;
        self.record(rel, bytes.len() as u64, sha256(bytes));
        Ok(())
    }

    /// Writes a table as Parquet, from parts written a row group at a time.
    pub fn write_table(&self, rel: &str, name: &str, parts: Vec<Table>) -> Result<()> {
        let mut sum = None;
        let mut failure = None;
        durable::write_with(&self.dir.join(rel), durable::Sync::Now, |f| {
            let mut w = durable::Hashing::new(std::io::BufWriter::new(f));
            match crate::tables::write_parquet_parts(name, parts, &mut w) {
                Ok(()) => {
                    w.flush()?;
                    sum = Some(w.finish());
                    Ok(())
                }
                Err(e) => {
                    failure = Some(format!("{e:#}"));
                    Err(std::io::Error::other("the table could not be laid out"))
                }
            }
        })
        .map_err(|e| match failure.take() {
            Some(detail) => Error::Table {
                name: name.to_string(),
                detail,
            },
            None => Error::Write(e),
        })?;
        if let Some((size, hash)) = sum {
            self.record(rel, size, hash);
        }
        Ok(())
    }

    /// Takes a file of an earlier generation as it is: a hard link where the
    /// file system allows (files are never changed in place), else a copy.
    pub fn link(&self, from: &Generation, rel: &str) -> Result<()> {
        let Some(sum) = from.manifest.files.get(rel) else {
            return Err(damaged(&from.dir.join(rel), "is not in the manifest"));
        };
        let (src, dst) = (from.dir.join(rel), self.dir.join(rel));
        if let Some(parent) = dst.parent() {
            durable::create_dir(parent)?;
        }
        if std::fs::hard_link(&src, &dst).is_err() {
            let bytes = std::fs::read(&src).map_err(|e| read_error(&src, e))?;
            durable::write(&dst, &bytes)?;
        }
        self.record(rel, sum.size, sum.sha256.clone());
        Ok(())
    }

    pub fn manifest(&self) -> Manifest {
        Manifest {
            generation: self.number,
            files: self.files.lock().map(|f| f.clone()).unwrap_or_default(),
        }
    }
}

/// The numbers of a store's generation folders, ascending.
fn generation_numbers(root: &Path) -> Vec<u64> {
    let mut n: Vec<u64> = std::fs::read_dir(root.join("gen"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    n.sort();
    n
}

impl Store {
    pub fn new(root: &Path) -> Store {
        Store {
            root: root.to_path_buf(),
        }
    }

    pub fn generation_dir(&self, number: u64) -> PathBuf {
        self.root.join("gen").join(format!("{number:06}"))
    }

    pub fn current_file(&self) -> PathBuf {
        self.root.join("CURRENT")
    }

    /// The generation numbers of the store's folders, ascending.
    pub fn generations(&self) -> Vec<u64> {
        generation_numbers(&self.root)
    }

    pub fn committed(&self, n: u64) -> bool {
        self.generation_dir(n).join(COMMITTED).is_file()
    }

    /// What `CURRENT` says: None when there is no such file.
    fn pointer(&self) -> Result<Option<u64>> {
        let path = self.current_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(read_error(&path, e)),
        };
        text.trim().parse().map(Some).map_err(|_| {
            damaged(
                &path,
                format!("does not hold a generation number ({:?})", text.trim()),
            )
        })
    }

    /// The generation in force; None when the store has never completed an
    /// ingest. A store whose `CURRENT` is missing, wrong, or older than a
    /// generation that was once current is damaged, never taken as empty.
    pub fn current(&self) -> Result<Option<Generation>> {
        if !self.root.is_dir() {
            return Err(Error::Missing(self.root.clone()));
        }
        let numbers = self.generations();
        let Some(number) = self.pointer()? else {
            if let Some(n) = numbers.iter().rev().find(|n| self.committed(**n)) {
                return Err(damaged(
                    &self.current_file(),
                    format!(
                        "is missing, though the store holds generation {n}, which was in force"
                    ),
                ));
            }
            // Only what an ingest killed before its first commit left.
            return Ok(None);
        };
        if let Some(newer) = numbers
            .iter()
            .rev()
            .find(|n| **n > number && self.committed(**n))
        {
            return Err(damaged(
                &self.current_file(),
                format!(
                    "names generation {number}, but generation {newer}, made current after it, is in the store: CURRENT was changed by hand or damaged"
                ),
            ));
        }
        let dir = self.generation_dir(number);
        if !dir.is_dir() {
            return Err(damaged(
                &self.current_file(),
                format!("names generation {number}, which is missing"),
            ));
        }
        Generation::open(number, &dir).map(Some)
    }

    /// The generation in force, or an error that says how to make one.
    pub fn require_current(&self) -> Result<Generation> {
        self.current()?
            .ok_or_else(|| Error::Empty(self.root.clone()))
    }

    /// Starts the next generation after `previous`: a folder left there by an
    /// ingest that was stopped before it committed is cleared first.
    pub fn begin(&self, previous: Option<&Generation>) -> Result<NewGeneration> {
        let mut number = previous.map(|g| g.number + 1).unwrap_or(1);
        // A generation that was in force once is never cleared: past them all.
        if self.committed(number) {
            number = self.generations().last().map(|n| n + 1).unwrap_or(number);
        }
        let dir = self.generation_dir(number);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|e| durable::Error::new("clear the unfinished generation", &dir, e))?;
        }
        durable::create_dir(&dir.join("tables"))?;
        Ok(NewGeneration {
            number,
            dir,
            files: Mutex::new(BTreeMap::new()),
        })
    }

    /// Makes a written generation the one in force: its manifest is written
    /// and every file checked against it, the raw files flushed, `CURRENT`
    /// swapped; then generations older than the last [`KEEP`] are pruned.
    pub fn commit(&self, new: NewGeneration) -> Result<Generation> {
        let manifest = new.manifest();
        let text = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        durable::write(&new.dir.join(MANIFEST), &text)?;
        durable::sync_dir(&new.dir)?;
        let generation = Generation::open(new.number, &new.dir)?;
        if let Some(p) = generation.verify().into_iter().next() {
            return Err(damaged(
                &p.file,
                format!(
                    "{} just after it was written: the disk may be failing",
                    p.problem
                ),
            ));
        }
        durable::sync_filesystem(&self.root)?;
        self.set_current(new.number)?;
        self.prune(new.number);
        Ok(generation)
    }

    /// Points `CURRENT` at a generation and marks it as having been current.
    pub fn set_current(&self, number: u64) -> Result<()> {
        let dir = self.generation_dir(number);
        let manifest = dir.join(MANIFEST);
        let seal = std::fs::read(&manifest).map_err(|e| read_error(&manifest, e))?;
        durable::write(&self.current_file(), format!("{number}\n").as_bytes())?;
        durable::write(
            &dir.join(COMMITTED),
            format!("{}\n", sha256(&seal)).as_bytes(),
        )?;
        Ok(())
    }

    /// Removes generations older than the last [`KEEP`] before `current`, and
    /// unfinished ones after it, except any a reader holds. Failing to is
    /// harmless: they are not in force.
    pub fn prune(&self, current: u64) {
        for n in self.generations() {
            let keep = n <= current && n + KEEP >= current;
            if keep {
                continue;
            }
            let dir = self.generation_dir(n);
            // A reader holds a shared lock on the manifest of what it reads.
            if let Ok(f) = File::open(dir.join(MANIFEST))
                && f.try_lock().is_err()
            {
                continue;
            }
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    /// Where a raw file is kept, relative to the store.
    pub fn raw_path(sha256: &str, ext: &str) -> String {
        format!("raw/{}/{sha256}.{ext}", sha256.get(..2).unwrap_or("00"))
    }

    /// Keeps a received file by its hash. A file already kept is left as it
    /// is when it holds these bytes, and replaced when it was damaged. The
    /// file is flushed by [`Store::sync_raw`] (or the commit) before the
    /// generation that names it is made current: one flush for thousands of
    /// files instead of one each. Returns the path relative to the store and
    /// what was there before.
    pub fn keep_raw(&self, sha256: &str, ext: &str, bytes: &[u8]) -> Result<(String, Kept)> {
        let rel = Store::raw_path(sha256, ext);
        let path = self.root.join(&rel);
        let kept = match std::fs::metadata(&path) {
            Ok(m) if m.len() == bytes.len() as u64 => match durable::sha256_file(&path) {
                Ok((_, h)) if h == sha256 => return Ok((rel, Kept::Already)),
                _ => Kept::Replaced,
            },
            Ok(_) => Kept::Replaced,
            Err(_) => Kept::New,
        };
        durable::write_with(&path, durable::Sync::Batch, |f| f.write_all(bytes))?;
        Ok((rel, kept))
    }

    /// Keeps a received file too large to hold in memory, hashing it as it
    /// is copied: one read. Returns its SHA-256, size and path in the store.
    pub fn keep_raw_stream(
        &self,
        ext: &str,
        from: &mut dyn std::io::Read,
    ) -> Result<(String, u64, String)> {
        let mut sum = (0, String::new());
        let staged = durable::stage(
            &self.root.join("raw"),
            "incoming",
            durable::Sync::Batch,
            |f| {
                let mut w = durable::Hashing::new(f);
                std::io::copy(from, &mut w)?;
                sum = w.finish();
                Ok(())
            },
        )?;
        let (size, sha) = sum;
        let rel = Store::raw_path(&sha, ext);
        let path = self.root.join(&rel);
        if let Some(parent) = path.parent() {
            durable::create_dir(parent)?;
        }
        staged.persist(&path)?;
        Ok((sha, size, rel))
    }

    /// Makes the raw files written so far durable.
    pub fn sync_raw(&self) -> Result<()> {
        Ok(durable::sync_filesystem(&self.root)?)
    }

    /// Takes the store's lock, waiting for another ingest to finish unless
    /// `wait` is false. Held until the returned value is dropped (or the
    /// process ends, however it ends).
    pub fn lock(&self, wait: bool, mut waiting: impl FnMut(&str)) -> Result<Lock> {
        // Every write to the store takes the lock first: a new store is
        // made here, for its owner's eyes only.
        if !self.root.is_dir() {
            durable::create_private_dir(&self.root)?;
        }
        let path = self.root.join("lock");
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| read_error(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    "another ingest".to_string()
                } else {
                    format!("another ingest ({holder})")
                };
                if !wait {
                    return Err(Error::Locked {
                        root: self.root.clone(),
                        holder: who,
                    });
                }
                waiting(&who);
                file.lock().map_err(|e| read_error(&path, e))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(read_error(&path, e)),
        }
        let _ = file.set_len(0);
        let _ = write!(file, "process {}", std::process::id());
        Ok(Lock { _file: file })
    }
}

/// What [`Store::keep_raw`] found where the file goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// The same bytes: nothing written.
    Already,
    /// Nothing: written.
    New,
    /// Other bytes (damage): replaced.
    Replaced,
}

/// The store's lock; released when dropped.
pub struct Lock {
    _file: File,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sha: &str, received: &str, outcome: Outcome) -> Entry {
        Entry {
            sha256: sha.into(),
            file: format!("{sha}.xlsx"),
            stored: String::new(),
            received: received.into(),
            ingested: String::new(),
            size: 1,
            container: None,
            schema_version: "1".into(),
            organization: Some("ITU".into()),
            organization_name: None,
            registered: true,
            attributed_by: Attribution::Content,
            channel: Channel::Files,
            year: Some(2026),
            outcome,
            duplicate_of: None,
            superseded_by: None,
            counts: Counts::default(),
            actions: 1,
            top_errors: Vec::new(),
        }
    }

    #[test]
    fn the_version_received_last_is_in_force_whatever_the_order_of_ingest() {
        let mut l = Ledger {
            entries: vec![
                entry("b", "2026-03-02T00:00:00Z", Outcome::Accepted),
                // An older version, ingested after the newer one.
                entry("a", "2026-03-01T00:00:00Z", Outcome::Accepted),
            ],
        };
        l.decide();
        assert_eq!(l.entries[0].outcome, Outcome::Accepted);
        assert_eq!(l.entries[1].outcome, Outcome::Superseded);
        assert_eq!(l.entries[1].superseded_by.as_deref(), Some("b"));
        // The older version sent again, byte for byte, later: it is in force again.
        let mut resend = entry("a", "2026-03-05T00:00:00Z", Outcome::Duplicate);
        resend.duplicate_of = Some("a".into());
        l.entries.push(resend);
        let changed = l.decide();
        assert_eq!(changed, [0, 1]);
        assert_eq!(l.entries[0].outcome, Outcome::Superseded);
        assert_eq!(l.entries[1].outcome, Outcome::Accepted);
        assert_eq!(l.entries[2].outcome, Outcome::Duplicate);
    }
}
