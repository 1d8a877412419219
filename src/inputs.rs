//! The files a command is given: paths and folders searched for submissions,
//! for `cstd validate` and `cstd ingest` alike.
//!
//! A folder is searched recursively for the accepted containers; a folder of
//! CSV files named after the sheets is one submission. Symbolic links inside
//! a folder are not followed unless asked (`--follow-links`), and then never
//! outside the folders given and never twice into the same folder; each link
//! not followed is listed with why. A path named on the command line is taken
//! as named, link or not: the person chose it. A path that cannot be read is
//! an error of its own, never an empty submission. Any other file in a folder
//! (a PDF sent instead of the workbook, a stray note) is listed as not read,
//! with why; only a folder's README and the register pass without a word.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::schema::Schema;

/// How deep a folder search goes.
const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A file: a workbook, a JSON document, a zip.
    File,
    /// A folder of CSV files, one per sheet.
    CsvFolder,
}

/// One submission to read.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub kind: Kind,
}

/// Something found and left aside, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// A path that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            crate::text::escape_control(&self.path.display().to_string()),
            self.reason
        )
    }
}

#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<Input>,
    pub skipped: Vec<Skipped>,
    pub unreadable: Vec<Unreadable>,
}

/// Why reading a path failed, in words.
pub fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

struct Walk<'a> {
    schema: &'a Schema,
    follow_links: bool,
    /// The folders given, resolved: links may lead only inside them.
    roots: Vec<PathBuf>,
    /// Folders entered, resolved: a folder reached twice is a loop.
    visited: HashSet<PathBuf>,
    out: Inputs,
}

/// The submissions under `paths`.
pub fn collect(paths: &[PathBuf], schema: &Schema, follow_links: bool) -> Inputs {
    let mut walk = Walk {
        schema,
        follow_links,
        roots: paths
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .filter(|p| p.is_dir())
            .collect(),
        visited: HashSet::new(),
        out: Inputs::default(),
    };
    let mut given: HashSet<PathBuf> = HashSet::new();
    for p in paths {
        // The same path named twice is one input.
        if !given.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())) {
            continue;
        }
        // A path given by name is followed, link or not; a broken one is an error.
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk.folder(p, 0),
            Ok(m) if m.is_file() => walk.out.files.push(Input {
                path: p.clone(),
                kind: Kind::File,
            }),
            Ok(_) => walk.out.unreadable.push(Unreadable {
                path: p.clone(),
                reason: "not a file or a folder".into(),
            }),
            Err(e) => {
                let reason = if std::fs::symlink_metadata(p).is_ok() {
                    format!("a symbolic link that leads nowhere ({})", reason(&e))
                } else {
                    reason(&e)
                };
                walk.out.unreadable.push(Unreadable {
                    path: p.clone(),
                    reason,
                });
            }
        }
    }
    walk.out
}

impl Walk<'_> {
    fn skip(&mut self, path: &Path, reason: impl Into<String>) {
        self.out.skipped.push(Skipped {
            path: path.to_path_buf(),
            reason: reason.into(),
        });
    }

    fn folder(&mut self, dir: &Path, depth: usize) {
        if let Ok(real) = std::fs::canonicalize(dir)
            && !self.visited.insert(real)
        {
            self.skip(dir, "a folder already searched (a loop of links)");
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.out.unreadable.push(Unreadable {
                    path: dir.to_path_buf(),
                    reason: reason(&e),
                });
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        children.sort();
        let schema = self.schema;
        let is_csv_submission = children.iter().any(|c| {
            std::fs::symlink_metadata(c).is_ok_and(|m| m.is_file())
                && c.extension().is_some_and(|e| {
                    ["csv", "txt", "tsv"]
                        .iter()
                        .any(|x| e.eq_ignore_ascii_case(x))
                })
                && c.file_stem()
                    .is_some_and(|s| schema.sheet_for_name(&s.to_string_lossy()).is_some())
        });
        if is_csv_submission {
            self.out.files.push(Input {
                path: dir.to_path_buf(),
                kind: Kind::CsvFolder,
            });
            return;
        }
        for child in children {
            let hidden = child
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(&child) else {
                continue;
            };
            let meta = if meta.file_type().is_symlink() {
                match self.link(&child) {
                    Some(m) => m,
                    None => continue,
                }
            } else {
                meta
            };
            if meta.is_dir() {
                if depth >= MAX_DEPTH {
                    self.skip(&child, format!("deeper than {MAX_DEPTH} folders"));
                } else {
                    self.folder(&child, depth + 1);
                }
            } else if meta.is_file() && is_submission_file(&child) {
                self.out.files.push(Input {
                    path: child,
                    kind: Kind::File,
                });
            } else if meta.is_file() && !is_companion(&child) {
                // An organization's PDF or Word file is not a submission, but
                // the secretariat must hear that it was not read.
                let reason = not_read(&child, schema);
                self.skip(&child, reason);
            }
        }
    }

    /// What a link inside a folder leads to, when it may be followed.
    fn link(&mut self, link: &Path) -> Option<std::fs::Metadata> {
        if !self.follow_links {
            self.skip(
                link,
                "a symbolic link, not followed (--follow-links follows links that stay inside the folders given)",
            );
            return None;
        }
        let Ok(target) = std::fs::canonicalize(link) else {
            self.skip(link, "a symbolic link that leads nowhere");
            return None;
        };
        if !self.roots.iter().any(|r| target.starts_with(r)) {
            self.skip(link, "a symbolic link that leads outside the folders given");
            return None;
        }
        std::fs::metadata(&target).ok()
    }
}

/// Files expected beside the submissions and passed over without a word: a
/// folder's README and the register.
fn is_companion(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name == "register.csv" || name.starts_with("readme")
}

/// Why a file in a folder was not read.
fn not_read(path: &Path, schema: &Schema) -> String {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let accepted = "cstd reads .xlsx, .xlsm, .xls, .xlsb, .ods, .json and .zip files, and folders of CSV files named after the sheets";
    match ext.as_str() {
        "csv" | "txt" | "tsv" => {
            let sheets: Vec<&str> = schema.sheets.iter().map(|s| s.id.as_str()).collect();
            format!(
                "not read: its name is not a sheet's; a submission as CSV is a folder of files named after the sheets ({}.csv)",
                sheets.join(".csv, ")
            )
        }
        _ => format!("not a submission: {accepted}; ask its sender for the workbook"),
    }
}

/// Files a folder search picks up: the accepted containers, not notes or
/// registers lying beside them.
fn is_submission_file(path: &Path) -> bool {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    matches!(
        ext.as_deref(),
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods" | "json" | "zip")
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(paths: impl IntoIterator<Item = PathBuf>, root: &Path) -> Vec<String> {
        paths
            .into_iter()
            .map(|p| p.strip_prefix(root).unwrap_or(&p).display().to_string())
            .collect()
    }

    #[test]
    fn links_are_listed_not_followed_and_loops_end() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.xlsx"), b"x").unwrap();
        std::fs::write(root.join("sub/b.json"), b"{}").unwrap();
        std::fs::write(dir.path().join("secret.json"), b"{}").unwrap();
        symlink(dir.path().join("secret.json"), root.join("outside.json")).unwrap();
        symlink(root.join("a.xlsx"), root.join("inside.xlsx")).unwrap();
        symlink(".", root.join("x")).unwrap();
        symlink(".", root.join("sub/y")).unwrap();
        let schema = Schema::current();

        let found = collect(std::slice::from_ref(&root), schema, false);
        assert_eq!(
            names(found.files.iter().map(|i| i.path.clone()), &root),
            ["a.xlsx", "sub/b.json"]
        );
        assert_eq!(
            names(found.skipped.iter().map(|s| s.path.clone()), &root),
            ["inside.xlsx", "outside.json", "sub/y", "x"]
        );

        let followed = collect(std::slice::from_ref(&root), schema, true);
        assert_eq!(
            names(followed.files.iter().map(|i| i.path.clone()), &root),
            ["a.xlsx", "inside.xlsx", "sub/b.json"]
        );
        let skipped: Vec<(String, String)> = followed
            .skipped
            .iter()
            .map(|s| (names([s.path.clone()], &root)[0].clone(), s.reason.clone()))
            .collect();
        assert!(
            skipped
                .iter()
                .any(|(p, r)| p == "outside.json" && r.contains("outside"))
        );
        assert!(skipped.iter().any(|(p, r)| p == "x" && r.contains("loop")));
    }

    #[test]
    fn files_that_are_not_submissions_are_listed_with_why() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "a.xlsx",
            "notes.txt",
            "sent-as.pdf",
            "README.md",
            "register.csv",
        ] {
            std::fs::write(root.join(name), b"x").unwrap();
        }
        let found = collect(&[root.to_path_buf()], Schema::current(), false);
        assert_eq!(
            names(found.files.iter().map(|i| i.path.clone()), root),
            ["a.xlsx"]
        );
        let skipped: Vec<(String, &str)> = found
            .skipped
            .iter()
            .map(|s| (names([s.path.clone()], root)[0].clone(), s.reason.as_str()))
            .collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert_eq!(skipped[0].0, "notes.txt");
        assert!(skipped[0].1.contains("actions.csv"), "{}", skipped[0].1);
        assert_eq!(skipped[1].0, "sent-as.pdf");
        assert!(
            skipped[1].1.contains("not a submission"),
            "{}",
            skipped[1].1
        );
    }

    #[test]
    fn a_path_that_cannot_be_read_is_an_error_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        symlink(dir.path().join("gone"), dir.path().join("dangling.xlsx")).unwrap();
        let found = collect(
            &[
                dir.path().join("missing.xlsx"),
                dir.path().join("dangling.xlsx"),
            ],
            Schema::current(),
            false,
        );
        assert!(found.files.is_empty());
        let reasons: Vec<&str> = found.unreadable.iter().map(|u| u.reason.as_str()).collect();
        assert_eq!(reasons[0], "no such file or folder");
        assert!(reasons[1].contains("leads nowhere"), "{reasons:?}");
    }
}
