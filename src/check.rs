//! `cstd check`: verifies a store and repairs it.
//!
//! The check reads everything: `CURRENT` against the generations, each
//! generation's files against its manifest, the ledger against the tables,
//! and every file received against its hash; it lists temporary files left
//! by interrupted writes. Each problem is said in plain words with what the
//! repair will do.
//!
//! The files received are the source of truth. The repair makes the newest
//! sound generation current (damaged ones are moved aside, never deleted),
//! then ingests on top of it every file received that its ledger lacks,
//! under the name and time of receipt a newer, damaged ledger still gives
//! where it can be read; it says what it could not recover.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::ingest::{Options, Receipt, Said, Silent};
use crate::inputs::{Input, Kind};
use crate::register::Register;
use crate::store::{Attribution, Entry, Generation, Ledger, Outcome, Store};

/// One thing wrong with a store.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: PathBuf,
    /// What is wrong, in plain words.
    pub what: String,
    /// What `--repair` does about it.
    pub repair: String,
    /// What several problems of this kind are, said at once after their
    /// number (`files were received but are in no sound generation's ledger`).
    pub many: Option<String>,
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Checkup {
    pub problems: Vec<Problem>,
    /// The generation in force, when `CURRENT` names one.
    pub current: Option<u64>,
    /// The newest generation found sound, which a repair makes current.
    pub sound: Option<u64>,
    /// Files received, and entries in the sound generation's ledger.
    pub raw_files: usize,
    pub entries: usize,
}

impl Checkup {
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What a repair did, and what it could not do.
#[derive(Debug, Default)]
pub struct Repaired {
    pub done: Vec<String>,
    pub not_recovered: Vec<String>,
    pub generation: Option<u64>,
}

impl Problem {
    /// Says how several problems of this kind are put at once.
    fn many(self, said: impl Into<String>) -> Problem {
        Problem {
            many: Some(said.into()),
            ..self
        }
    }
}

fn problem(file: &Path, what: impl Into<String>, repair: impl Into<String>) -> Problem {
    Problem {
        file: file.to_path_buf(),
        what: what.into(),
        repair: repair.into(),
        many: None,
    }
}

/// The state of one generation folder.
struct GenState {
    number: u64,
    committed: bool,
    /// Its problems; none when sound.
    problems: Vec<Problem>,
}

/// Checks a generation: its manifest, every file, its ledger against its tables.
fn check_generation(store: &Store, number: u64) -> GenState {
    let dir = store.generation_dir(number);
    let committed = store.committed(number);
    let repair = "the newest sound generation is made current; this one is moved aside";
    let problems = match Generation::open(number, &dir) {
        Err(e) => vec![problem(
            &dir.join(crate::store::MANIFEST),
            e.to_string(),
            repair,
        )],
        Ok(g) => {
            let mut p: Vec<Problem> = g
                .verify()
                .into_iter()
                .map(|v| {
                    let p = problem(&v.file, v.problem, repair);
                    match v.missing {
                        true => p.many(format!("files of generation {number} are missing")),
                        false => p,
                    }
                })
                .collect();
            if p.is_empty() {
                p.extend(
                    ledger_against_tables(&g)
                        .into_iter()
                        .map(|what| problem(&dir.join("ledger.json"), what, repair)),
                );
            }
            p
        }
    };
    GenState {
        number,
        committed,
        problems,
    }
}

/// Where the ledger and the tables disagree: every accepted or superseded
/// submission of the ledger has its row, with its state, and no other row is there.
fn ledger_against_tables(g: &Generation) -> Vec<String> {
    let ledger = match g.ledger() {
        Ok(l) => l,
        Err(e) => return vec![e.to_string()],
    };
    let mut out = Vec::new();
    for year in ledger.years() {
        let want: BTreeMap<&str, &str> = ledger
            .entries
            .iter()
            .filter(|e| e.year == Some(year) && e.outcome.acceptable())
            .map(|e| {
                let state = if e.outcome == Outcome::Accepted {
                    "current"
                } else {
                    "superseded"
                };
                (e.submission_id(), state)
            })
            .collect();
        let table = match g.table(Some(year), "submissions") {
            Ok(t) => t,
            Err(e) => {
                out.push(e.to_string());
                continue;
            }
        };
        let got: BTreeMap<String, String> = table
            .map(|t| {
                let ids = t
                    .text("submission_id")
                    .map(|c| c.iter().collect::<Vec<_>>());
                let states = t.text("status").map(|c| c.iter().collect::<Vec<_>>());
                ids.unwrap_or_default()
                    .into_iter()
                    .zip(states.unwrap_or_default())
                    .map(|(i, s)| (i.unwrap_or("").to_string(), s.unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let missing = want.keys().filter(|k| !got.contains_key(**k)).count();
        let extra = got
            .keys()
            .filter(|k| !want.contains_key(k.as_str()))
            .count();
        let wrong = want
            .iter()
            .filter(|(k, s)| got.get(**k).is_some_and(|g| g != *s))
            .count();
        if missing + extra + wrong > 0 {
            out.push(format!(
                "disagrees with the {year} tables: {missing} submission(s) of the ledger missing from them, {extra} not in the ledger, {wrong} with another state"
            ));
        }
    }
    out
}

/// Every file under the store whose name marks a temporary file.
fn temp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => temp_files(&path, out),
            Ok(_) if crate::durable::is_temp(&e.file_name().to_string_lossy()) => out.push(path),
            _ => {}
        }
    }
}

/// The raw files of the store: (SHA-256 as named, path relative to the store).
fn raw_files(store: &Store) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(buckets) = std::fs::read_dir(store.root.join("raw")) else {
        return out;
    };
    for b in buckets.flatten().filter(|b| b.path().is_dir()) {
        for f in std::fs::read_dir(b.path()).into_iter().flatten().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if crate::durable::is_temp(&name) || name.starts_with('.') {
                continue;
            }
            let sha = name.split('.').next().unwrap_or("").to_string();
            if sha.len() == 64 {
                out.push((
                    sha,
                    format!("raw/{}/{name}", b.file_name().to_string_lossy()),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Whether a raw file holds the bytes it is named after.
fn raw_sound(store: &Store, rel: &str, sha: &str) -> Result<(), String> {
    match crate::durable::sha256_file(&store.root.join(rel)) {
        Ok((_, h)) if h == sha => Ok(()),
        Ok(_) => Err("has changed since it was received".into()),
        Err(e) => Err(crate::inputs::reason(&e)),
    }
}

/// Checks the whole store.
pub fn check(store: &Store) -> crate::store::Result<Checkup> {
    if !store.root.is_dir() {
        return Err(crate::store::Error::Missing(store.root.clone()));
    }
    let mut up = Checkup::default();
    let mut temps = Vec::new();
    temp_files(&store.root, &mut temps);
    for t in temps {
        up.problems.push(problem(
            &t,
            "is a temporary file left by an interrupted write",
            "removed",
        ));
    }
    if let Some((path, detail)) = crate::invite::damaged(&store.root) {
        up.problems.push(problem(
            &path,
            format!("cannot be read ({detail}): no sending link opens"),
            "moved aside; `cstd invite --year YEAR` then issues new links",
        ));
    }
    let states: Vec<GenState> = store
        .generations()
        .into_iter()
        .map(|n| check_generation(store, n))
        .collect();
    let pointer = std::fs::read_to_string(store.current_file())
        .ok()
        .map(|t| t.trim().parse::<u64>().ok());
    up.current = pointer.flatten();
    up.sound = states
        .iter()
        .rev()
        .find(|s| s.problems.is_empty() && (s.committed || Some(s.number) == up.current))
        .map(|s| s.number);
    let newest_committed = states.iter().rev().find(|s| s.committed).map(|s| s.number);
    let fix_current = match up.sound {
        Some(n) => format!("CURRENT is set to generation {n}, the newest sound one"),
        None => "the store is rebuilt from the files received".into(),
    };
    match pointer {
        None if newest_committed.is_some() => up.problems.push(problem(
            &store.current_file(),
            "is missing: nothing says which generation is in force",
            &fix_current,
        )),
        None => {}
        Some(None) => up.problems.push(problem(
            &store.current_file(),
            "does not hold a generation number",
            &fix_current,
        )),
        Some(Some(n)) => {
            if !states.iter().any(|s| s.number == n) {
                up.problems.push(problem(
                    &store.current_file(),
                    format!("names generation {n}, which is missing"),
                    &fix_current,
                ));
            } else if let Some(m) = newest_committed.filter(|m| *m > n) {
                up.problems.push(problem(
                    &store.current_file(),
                    format!("names generation {n}, but generation {m} was made current after it: CURRENT was changed by hand or damaged"),
                    &fix_current,
                ));
            }
        }
    }
    for s in &states {
        if s.committed || Some(s.number) == up.current {
            up.problems.extend(s.problems.iter().cloned());
        } else if up.current.is_some_and(|c| s.number > c) {
            up.problems.push(problem(
                &store.generation_dir(s.number),
                "is a generation an interrupted ingest left unfinished",
                "removed",
            ));
        }
    }
    // The files received, against the ledger of the sound generation.
    let ledger = match up.sound {
        Some(n) => Generation::open(n, &store.generation_dir(n))?.ledger()?,
        None => Ledger::default(),
    };
    up.entries = ledger.entries.len();
    let raws = raw_files(store);
    up.raw_files = raws.len();
    let in_ledger: HashSet<&str> = ledger.entries.iter().map(|e| e.sha256.as_str()).collect();
    for e in ledger_originals(&ledger) {
        if let Err(what) = raw_sound(store, &e.stored, &e.sha256) {
            up.problems.push(problem(
                &store.root.join(&e.stored),
                format!(
                    "{what}: it is the file {} received from {}",
                    e.file,
                    e.organization.as_deref().unwrap_or("an unknown organization")
                ),
                "none possible: its data is intact in the tables; receiving the same file again restores it",
            ));
        }
    }
    for (sha, rel) in &raws {
        if !in_ledger.contains(sha.as_str()) {
            up.problems.push(
                problem(
                    &store.root.join(rel),
                    "was received but is in no sound generation's ledger",
                    "ingested again, under its name and time of receipt where a damaged ledger still gives them",
                )
                .many("files were received but are in no sound generation's ledger"),
            );
        }
    }
    Ok(up)
}

/// The ledger's entries that hold a raw file of their own (not duplicates).
fn ledger_originals(ledger: &Ledger) -> impl Iterator<Item = &Entry> {
    ledger
        .entries
        .iter()
        .filter(|e| e.outcome != Outcome::Duplicate)
}

/// What the secretariat said of a file when it came (`--from`, `--year`,
/// the page), for a repair to say it again.
fn said_of(entry: &Entry) -> Said {
    let by_secretariat = entry.attributed_by == Attribution::Secretariat;
    Said {
        from: entry.organization.clone().filter(|_| by_secretariat),
        year: entry.year.filter(|_| by_secretariat),
        channel: entry.channel,
    }
}

/// Repairs what a check made under the store's lock finds; nothing is
/// deleted that a repair could need: damaged generations are moved aside.
pub fn repair(store: &Store, now: &str) -> crate::ingest::Result<Repaired> {
    let _lock = store.lock(true, |_| {})?;
    // Checked again under the lock: a check made before it may have seen an
    // ingest half way, and its sound new generation as damage.
    let fresh = check(store)?;
    let up = &fresh;
    let mut done = Repaired::default();
    let mut temps = Vec::new();
    temp_files(&store.root, &mut temps);
    for t in temps {
        if std::fs::remove_file(&t).is_ok() {
            done.done
                .push(format!("removed the temporary file {}", t.display()));
        }
    }
    if let Some(aside) = crate::invite::set_aside(&store.root) {
        done.done.push(format!(
            "moved the damaged sending links aside to {}; issue new ones with `cstd invite`",
            aside.display()
        ));
    }
    // Newer ledgers than the sound one, read for the names and times of
    // receipt of what it lacks, even when damaged.
    let mut hints: Vec<Entry> = Vec::new();
    for n in store.generations() {
        if Some(n) == up.sound {
            continue;
        }
        let dir = store.generation_dir(n);
        let newer = up.sound.is_none_or(|s| n > s);
        if newer
            && let Ok(text) = std::fs::read(dir.join("ledger.json"))
            && let Ok(l) = serde_json::from_slice::<Ledger>(&text)
        {
            hints.extend(l.entries);
        }
        if store.committed(n) {
            // Older sound generations stay, for a later repair.
            if !newer && check_generation(store, n).problems.is_empty() {
                continue;
            }
            let aside = store.root.join("gen").join(format!("damaged-{n:06}"));
            if std::fs::rename(&dir, &aside).is_ok() {
                done.done.push(format!(
                    "moved the damaged generation {n} aside to {}",
                    aside.display()
                ));
            }
        } else if newer && std::fs::remove_dir_all(&dir).is_ok() {
            done.done
                .push(format!("removed the unfinished generation {n}"));
        }
    }
    let previous = match up.sound {
        Some(n) => Some(Generation::open(n, &store.generation_dir(n))?),
        None => None,
    };
    if let Some(n) = up.sound
        && (up.current != Some(n) || !store.committed(n))
    {
        store.set_current(n)?;
        done.done.push(format!(
            "set CURRENT to generation {n}, the newest sound one"
        ));
    }
    let ledger = match &previous {
        Some(g) => g.ledger()?,
        None => Ledger::default(),
    };
    let known: HashSet<(String, String, String)> = ledger
        .entries
        .iter()
        .map(|e| (e.sha256.clone(), e.file.clone(), e.received.clone()))
        .collect();
    let raws: BTreeMap<String, String> = raw_files(store).into_iter().collect();
    let stored = |sha: &str| {
        raws.get(sha)
            .filter(|rel| raw_sound(store, rel, sha).is_ok())
            .cloned()
    };
    let mut receipts: Vec<Receipt> = Vec::new();
    let mut taken: HashSet<(String, String, String)> = known.clone();
    let mut hinted: BTreeSet<String> = BTreeSet::new();
    // Entries of a newer ledger whose content is not in raw/.
    let mut unmatched: Vec<String> = Vec::new();
    for h in &hints {
        let key = (h.sha256.clone(), h.file.clone(), h.received.clone());
        if !taken.insert(key) {
            continue;
        }
        hinted.insert(h.sha256.clone());
        match stored(&h.sha256) {
            Some(rel) => receipts.push(Receipt {
                input: Input {
                    path: store.root.join(rel),
                    kind: Kind::File,
                },
                name: Some(h.file.clone()),
                received: Some(h.received.clone()),
                // What the secretariat said of it, and how it came, stay.
                said: Some(said_of(h)),
            }),
            None => unmatched.push(format!(
                "{} from {}, received {}",
                h.file,
                h.organization
                    .as_deref()
                    .unwrap_or("an unknown organization"),
                h.received
            )),
        }
    }
    let in_ledger: HashSet<&str> = ledger.entries.iter().map(|e| e.sha256.as_str()).collect();
    let mut unnamed = 0usize;
    for (sha, rel) in &raws {
        if in_ledger.contains(sha.as_str()) || hinted.contains(sha) {
            continue;
        }
        if stored(sha).is_none() {
            done.not_recovered.push(format!(
                "{rel}: it has changed since it was received, and no ledger names it"
            ));
            continue;
        }
        receipts.push(Receipt {
            input: Input {
                path: store.root.join(rel),
                kind: Kind::File,
            },
            name: Some(format!("{rel} (recovered)")),
            received: None,
            said: None,
        });
        unnamed += 1;
    }
    // A damaged ledger may name a file by a damaged hash: when files no ledger
    // names were recovered, such an entry is most likely one of them.
    for u in unmatched {
        if unnamed > 0 {
            unnamed -= 1;
            done.done.push(format!(
                "{u}: the damaged ledger names content not in raw/; it is most likely among the files recovered under the name \"(recovered)\""
            ));
        } else {
            done.not_recovered.push(format!(
                "{u}: its file is missing or damaged in raw/; ask for it again"
            ));
        }
    }
    if receipts.is_empty() {
        done.generation = up.sound;
        return Ok(done);
    }
    let register = match &previous {
        Some(g) => g.register(None)?,
        None => Register::builtin(),
    };
    let n = receipts.len();
    let opts = Options::new(&store.root, now);
    let summary =
        crate::ingest::ingest_locked(store, previous, receipts, &register, &opts, &Silent)?;
    for u in &summary.unreadable {
        done.not_recovered.push(u.to_string());
    }
    done.done.push(format!(
        "ingested {n} file(s) received that the ledger lacked, into generation {}",
        summary.generation
    ));
    done.generation = Some(summary.generation);
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_folder_is_a_sound_empty_store_and_a_missing_one_is_no_store() {
        let dir = tempfile::tempdir().unwrap();
        let up = check(&Store::new(dir.path())).unwrap();
        assert!(up.is_sound() && up.current.is_none());
        let missing = check(&Store::new(&dir.path().join("nope"))).unwrap_err();
        assert!(missing.to_string().starts_with("no store at"), "{missing}");
    }
}
