//! The store: every file received, kept by content hash, the ledger of what
//! became of each, and the normalized tables, year after year.
//!
//! Layout (under `output/store` by default):
//!
//! ```text
//! raw/ab/abcdef….xlsx          each file received, by SHA-256, never changed
//! gen/000042/ledger.json       one generation: the ledger,
//! gen/000042/register.csv      the register it was matched against,
//! gen/000042/tables/…          and the tables (`<year>/<table>.parquet`, `findings.parquet`)
//! CURRENT                      the number of the generation in force
//! lock                         held by the ingest that is writing
//! ```
//!
//! An ingest writes a whole new generation beside the current one, then swaps
//! `CURRENT` by a rename: a process killed at any moment leaves the store as it
//! was or as it should be, and running the ingest again finishes the job.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};

use crate::findings::Counts;

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
    /// Accepted, then replaced by a later submission of the same organization and year.
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
}

/// One file received.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub sha256: String,
    /// The path as given to the ingest.
    pub file: String,
    /// Where the raw file is kept, relative to the store.
    pub stored: String,
    pub received: String,
    pub size: u64,
    pub container: Option<String>,
    pub schema_version: String,
    pub organization: Option<String>,
    pub organization_name: Option<String>,
    /// Whether the organization was found in the register.
    pub registered: bool,
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
}

pub struct Store {
    pub root: PathBuf,
}

/// The generation in force: its number and folder.
#[derive(Debug, Clone)]
pub struct Generation {
    pub number: u64,
    pub dir: PathBuf,
}

impl Generation {
    pub fn tables(&self) -> PathBuf {
        self.dir.join("tables")
    }

    pub fn ledger(&self) -> anyhow::Result<Ledger> {
        let path = self.dir.join("ledger.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is damaged", path.display()))
    }

    pub fn register(&self) -> anyhow::Result<crate::register::Register> {
        crate::register::Register::load(&self.dir.join("register.csv"))
    }

    /// A table of a year, or of the whole store (`year` None); None when absent.
    pub fn table(
        &self,
        year: Option<i64>,
        name: &str,
    ) -> anyhow::Result<Option<crate::tables::Table>> {
        let path = match year {
            Some(y) => self
                .tables()
                .join(y.to_string())
                .join(format!("{name}.parquet")),
            None => self.tables().join(format!("{name}.parquet")),
        };
        if !path.exists() {
            return Ok(None);
        }
        crate::tables::read_parquet(name, &path).map(Some)
    }
}

impl Store {
    pub fn new(root: &Path) -> Store {
        Store {
            root: root.to_path_buf(),
        }
    }

    /// The generation in force, if any ingest has completed.
    pub fn current(&self) -> anyhow::Result<Option<Generation>> {
        let pointer = self.root.join("CURRENT");
        let text = match std::fs::read_to_string(&pointer) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", pointer.display())),
        };
        let number: u64 = text
            .trim()
            .parse()
            .with_context(|| format!("{} does not hold a generation number", pointer.display()))?;
        let dir = self.generation_dir(number);
        if !dir.join("ledger.json").exists() {
            bail!(
                "the store names generation {number}, which is missing: restore {} from a backup",
                dir.display()
            );
        }
        Ok(Some(Generation { number, dir }))
    }

    /// The current generation, or an error that says how to make one.
    pub fn require_current(&self) -> anyhow::Result<Generation> {
        self.current()?.with_context(|| {
            format!(
                "the store {} is empty: run `cstd ingest FOLDER` first",
                self.root.display()
            )
        })
    }

    pub fn generation_dir(&self, number: u64) -> PathBuf {
        self.root.join("gen").join(format!("{number:06}"))
    }

    /// Keeps a received file by its hash; a file already kept is left as it is.
    /// Returns the path relative to the store. The file is made durable by
    /// [`Store::sync_raw`] before the generation that names it is committed:
    /// one flush for thousands of files instead of one each.
    pub fn keep_raw(&self, sha256: &str, ext: &str, bytes: &[u8]) -> anyhow::Result<String> {
        self.keep(sha256, ext, |tmp| {
            std::fs::write(tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))
        })
    }

    /// Keeps a received file too large to hold in memory, by copying it.
    pub fn keep_raw_file(&self, sha256: &str, ext: &str, from: &Path) -> anyhow::Result<String> {
        self.keep(sha256, ext, |tmp| {
            std::fs::copy(from, tmp)
                .map(|_| ())
                .with_context(|| format!("cannot copy {}", from.display()))
        })
    }

    /// Writes a raw file through `fill` into a temporary file, then renames it
    /// into its content-addressed place.
    fn keep(
        &self,
        sha256: &str,
        ext: &str,
        fill: impl FnOnce(&Path) -> anyhow::Result<()>,
    ) -> anyhow::Result<String> {
        let rel = format!("raw/{}/{sha256}.{ext}", &sha256[..2]);
        let path = self.root.join(&rel);
        if path.exists() {
            return Ok(rel);
        }
        let dir = path.parent().unwrap_or(&self.root);
        let tmp = dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
        // The folder is made when the first file of its 256th of the hashes
        // comes: one call fewer for every other file.
        if !dir.is_dir() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        fill(&tmp)?;
        if cfg!(not(target_os = "linux")) {
            sync_file(&tmp)?;
        }
        std::fs::rename(&tmp, &path)
            .with_context(|| format!("cannot move {} into place", path.display()))?;
        Ok(rel)
    }

    /// Makes the raw files written so far durable.
    pub fn sync_raw(&self) -> anyhow::Result<()> {
        sync_filesystem(&self.root)
    }

    /// Makes generation `number` the one in force: the caller has written and
    /// synced it completely.
    pub fn commit(&self, number: u64) -> anyhow::Result<()> {
        write_atomic(&self.root.join("CURRENT"), format!("{number}\n").as_bytes())?;
        sync_dir(&self.root)?;
        Ok(())
    }

    /// Removes generations other than the current one and the one before it.
    /// Failing to is harmless: they are unreferenced.
    pub fn collect_garbage(&self, current: u64) {
        let Ok(entries) = std::fs::read_dir(self.root.join("gen")) else {
            return;
        };
        for e in entries.flatten() {
            let keep = e
                .file_name()
                .to_string_lossy()
                .parse::<u64>()
                .is_ok_and(|n| n + 1 >= current && n <= current);
            if !keep {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }

    /// Takes the store's lock, waiting for another ingest to finish unless
    /// `wait` is false. Held until the returned value is dropped (or the
    /// process ends, however it ends).
    pub fn lock(&self, wait: bool, mut waiting: impl FnMut(&str)) -> anyhow::Result<Lock> {
        std::fs::create_dir_all(&self.root)
            .with_context(|| format!("cannot create the store {}", self.root.display()))?;
        let path = self.root.join("lock");
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
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
                    bail!(
                        "{who} is writing to the store {}; try again when it has finished, or leave out --no-wait to wait for it",
                        self.root.display()
                    );
                }
                waiting(&who);
                file.lock()
                    .with_context(|| format!("cannot lock {}", path.display()))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        file.set_len(0)?;
        let _ = write!(file, "process {}", std::process::id());
        Ok(Lock { _file: file })
    }
}

/// The store's lock; released when dropped.
pub struct Lock {
    _file: File,
}

/// Writes a file atomically: a temporary file beside it, synced, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f =
            File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("cannot sync {}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} into place", path.display()))?;
    Ok(())
}

/// Flushes the whole file system holding `path` to disk: one call where a
/// batch wrote many files.
#[cfg(target_os = "linux")]
pub fn sync_filesystem(path: &Path) -> anyhow::Result<()> {
    use std::os::fd::AsRawFd as _;
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    // SAFETY: syncfs takes an open file descriptor, which `f` holds for the call.
    let r = unsafe { libc::syncfs(f.as_raw_fd()) };
    if r != 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("cannot flush the file system of {}", path.display()));
    }
    Ok(())
}

/// Elsewhere each raw file was synced as it was written.
#[cfg(not(target_os = "linux"))]
pub fn sync_filesystem(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

pub fn sync_file(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))
}

/// Makes a folder's entries (a rename into it) durable.
pub fn sync_dir(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))
}

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}
