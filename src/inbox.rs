//! The store's inbox: every file an organization sends through its link is
//! written here first, durably, under a name of the server's making, so that
//! nothing received is lost, whether it is then ingested or not.

use std::path::{Path, PathBuf};

use crate::invite::Invite;

/// The inbox folder, under the store.
const FOLDER: &str = "inbox";

/// Files one link may leave in its inbox: a sender cannot fill the disk.
pub const MAX_FILES: usize = 200;

/// Extensions the server keeps from the client's file name: the reader
/// chooses by content and extension, and no other part of a name is used.
const EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt", "json", "zip",
];

/// The extension a client's file name ends with, when it is one the
/// reader knows; else `bin`.
pub fn extension(name: &str) -> String {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext {
        Some(e) if EXTENSIONS.contains(&e.as_str()) => e,
        _ => "bin".into(),
    }
}

/// A file kept in the inbox: `<received>-<sha256, 16 digits>-<name>`, all
/// of the server's making (the name is the client's, reduced to safe
/// characters, with an extension the reader knows).
pub struct Kept {
    pub path: PathBuf,
    /// The inbox name, which the "send it as it is" form sends back.
    pub id: String,
    /// The name the organization gave, made safe.
    pub name: String,
    /// When it was received (RFC 3339, UTC).
    pub received: String,
}

/// The inbox folder of an organization's year.
fn folder_of(store: &Path, invite: &Invite) -> PathBuf {
    store
        .join(FOLDER)
        .join(invite.year.to_string())
        .join(&invite.organization)
}

/// Keeps what was received, durably, before anything else is done with it.
pub fn keep(store: &Path, invite: &Invite, name: &str, bytes: &[u8]) -> std::io::Result<Kept> {
    let now = chrono::Utc::now();
    let received = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let sha = crate::durable::sha256(bytes);
    let name = safe_name(name);
    let id = format!("{}-{}-{name}", now.format("%Y%m%dT%H%M%SZ"), &sha[..16]);
    let path = folder_of(store, invite).join(&id);
    // Under the ingest's lock, like every write to the store: a repair
    // running at the same time never takes the file half written for debris.
    let _lock = crate::store::Store::new(store)
        .lock(true, |_| {})
        .map_err(std::io::Error::other)?;
    crate::durable::write(&path, bytes).map_err(std::io::Error::other)?;
    Ok(Kept {
        path,
        id,
        name,
        received,
    })
}

/// Whether the link's inbox holds as many files as it may.
pub fn full(store: &Path, invite: &Invite) -> bool {
    std::fs::read_dir(folder_of(store, invite)).is_ok_and(|d| d.count() >= MAX_FILES)
}

/// A file kept earlier, named by the form that asks to send it as it is.
pub fn kept(store: &Path, invite: &Invite, id: &str) -> Option<Kept> {
    // Only names of the inbox's own making: no separator, no dot first.
    let ok = id.len() <= 160
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !id.starts_with('.');
    if !ok {
        return None;
    }
    let (stamp, _, name) = name_parts(id)?;
    let received = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
        .ok()?
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let path = folder_of(store, invite).join(id);
    path.is_file().then(|| Kept {
        path,
        id: id.to_string(),
        name: name.to_string(),
        received,
    })
}

/// A client's file name reduced to letters, digits, `.`, `-` and `_`, with
/// an extension the reader knows (else `.bin`).
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let mut stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if stem.is_empty() {
        stem.push_str("upload");
    }
    format!("{stem}.{}", extension(name))
}

/// Files of the inbox whose content the ledger does not hold: received
/// through the page and not sent on (errors not confirmed, a file that
/// stopped the check, a report for another organization), by their path
/// under the inbox.
pub fn held(store: &Path, ledger: &crate::store::Ledger) -> Vec<String> {
    // Inbox names carry the first 16 digits of the file's SHA-256, so the
    // page and `cstd status` need not hash every file each time they are
    // shown; a name not of the inbox's making is hashed.
    let known: std::collections::HashSet<&str> =
        ledger.entries.iter().map(|e| e.submission_id()).collect();
    not_in(store, &known)
}

/// Files of the inbox whose submission ID is not among `known`.
fn not_in(store: &Path, known: &std::collections::HashSet<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let root = store.join(FOLDER);
    let mut stack: Vec<PathBuf> = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let held = match name_parts(&name) {
                _ if crate::durable::is_temp(&name) => false,
                Some((_, sha, _)) if is_digest(sha) => !known.contains(sha),
                _ => crate::durable::sha256_file(&p)
                    .is_ok_and(|(_, sha)| !known.contains(crate::store::submission_id(&sha))),
            };
            if held {
                out.push(p.strip_prefix(&root).unwrap_or(&p).display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// An inbox name of [`keep`]'s making, `<received>-<sha256, 16 digits>-<name>`,
/// in its three parts.
fn name_parts(id: &str) -> Option<(&str, &str, &str)> {
    let (stamp, rest) = id.split_once('-')?;
    let (sha, name) = rest.split_once('-')?;
    Some((stamp, sha, name))
}

/// Whether a part of a name is 16 SHA-256 digits, as [`keep`] writes them.
fn is_digest(sha: &str) -> bool {
    sha.len() == 16 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn itu_2026() -> Invite {
        Invite {
            organization: "ITU".into(),
            year: 2026,
            token_sha256: String::new(),
            issued: String::new(),
        }
    }

    #[test]
    fn names_kept_are_of_the_servers_making() {
        assert_eq!(safe_name("Rapport ITU 2026.XLSX"), "Rapport_ITU_2026.xlsx");
        assert_eq!(safe_name("../../etc/passwd"), "passwd.bin");
        assert_eq!(safe_name(".xlsx"), "upload.xlsx");
        let dir = tempfile::tempdir().unwrap();
        let invite = itu_2026();
        let k = keep(dir.path(), &invite, "a.xlsx", b"x").unwrap();
        assert!(kept(dir.path(), &invite, &k.id).is_some());
        for bad in ["../x", "a/b", ".hidden", "20261130T000000Z-00-../../x"] {
            assert!(kept(dir.path(), &invite, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn only_known_extensions_are_kept_from_a_name() {
        assert_eq!(extension("Rapport ITU.XLSX"), "xlsx");
        assert_eq!(extension("../../etc/passwd"), "bin");
        assert_eq!(extension("a.json/../b"), "bin");
        assert_eq!(extension("noext"), "bin");
    }

    #[test]
    fn held_files_are_told_by_the_digest_in_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let invite = itu_2026();
        let a = keep(dir.path(), &invite, "a.xlsx", b"first").unwrap();
        keep(dir.path(), &invite, "b.xlsx", b"second").unwrap();
        // A file put there by hand, under a name not of the inbox's making.
        std::fs::write(folder_of(dir.path(), &invite).join("by-hand.txt"), b"third").unwrap();
        let all = not_in(dir.path(), &Default::default());
        assert_eq!(all.len(), 3, "{all:?}");
        let shas = [b"first", b"third"].map(|b| crate::durable::sha256(b));
        let known = shas
            .iter()
            .map(|s| crate::store::submission_id(s))
            .collect();
        let left = not_in(dir.path(), &known);
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0].ends_with("b.xlsx") && !left[0].contains(&a.id));
    }
}
