//! A working folder's settings: `cstd.toml`, found in the current folder or
//! the nearest folder above it, names where the store, the register, the
//! received submissions, the report template and the outputs are (paths
//! relative to the file). `cstd init` writes one. Flags override it, and
//! `CSTD_STORE` overrides its store; without any, the defaults are relative to
//! the current folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings file's name.
pub const FILE: &str = "cstd.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    store: Option<PathBuf>,
    register: Option<PathBuf>,
    submissions: Option<PathBuf>,
    template: Option<PathBuf>,
    output: Option<PathBuf>,
}

/// Settings, with paths resolved against the settings file's folder.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// The file they came from, if any.
    pub file: Option<PathBuf>,
    pub store: Option<PathBuf>,
    pub register: Option<PathBuf>,
    pub submissions: Option<PathBuf>,
    pub template: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}: {detail}", file.display())]
pub struct Error {
    pub file: PathBuf,
    pub detail: String,
}

impl Config {
    /// The settings of the working folder holding `dir`: the nearest
    /// `cstd.toml` at or above it; none when there is no such file.
    pub fn find(dir: &Path) -> Result<Config, Error> {
        for d in dir.ancestors() {
            let file = d.join(FILE);
            if file.is_file() {
                return Config::load(&file);
            }
        }
        Ok(Config::default())
    }

    /// The settings of the current folder, with paths relative to it where
    /// the settings file is at or above it (`../register.csv`).
    pub fn current() -> Result<Config, Error> {
        let Ok(cwd) = std::env::current_dir() else {
            return Ok(Config::default());
        };
        for d in cwd.ancestors() {
            let file = d.join(FILE);
            if file.is_file() {
                let up = cwd
                    .strip_prefix(d)
                    .map(|r| r.components().count())
                    .unwrap_or(0);
                let mut rel = PathBuf::new();
                for _ in 0..up {
                    rel.push("..");
                }
                return Config::load_at(&file, &rel.join(FILE));
            }
        }
        Ok(Config::default())
    }

    pub fn load(file: &Path) -> Result<Config, Error> {
        Config::load_at(file, file)
    }

    /// Loads `file`, resolving its paths against the folder of `named`: the
    /// same file, named as the user would (relative to the current folder).
    fn load_at(file: &Path, named: &Path) -> Result<Config, Error> {
        let error = |detail: String| Error {
            file: named.to_path_buf(),
            detail,
        };
        let text = std::fs::read_to_string(file).map_err(|e| error(e.to_string()))?;
        let raw: Raw = toml::from_str(&text).map_err(|e| error(e.message().to_string()))?;
        let base = named.parent().unwrap_or(Path::new(""));
        let at = |p: Option<PathBuf>| p.map(|p| base.join(p));
        Ok(Config {
            file: Some(named.to_path_buf()),
            store: at(raw.store),
            register: at(raw.register),
            submissions: at(raw.submissions),
            template: at(raw.template),
            output: at(raw.output),
        })
    }

    /// The store: the flag, else `CSTD_STORE`, else the settings, else
    /// `output/store` in the current folder.
    pub fn store(&self, flag: Option<&Path>) -> PathBuf {
        flag.map(Path::to_path_buf)
            .or_else(|| {
                std::env::var_os("CSTD_STORE")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(|| self.store.clone())
            .unwrap_or_else(|| PathBuf::from("output/store"))
    }

    /// Where reports go: the flag, else the settings, else `output`.
    pub fn output(&self, flag: Option<&Path>) -> PathBuf {
        flag.map(Path::to_path_buf)
            .or_else(|| self.output.clone())
            .unwrap_or_else(|| PathBuf::from("output"))
    }

    /// The received submissions: the paths given, else the settings' folder,
    /// else `submissions`.
    pub fn submissions(&self, given: &[PathBuf]) -> Vec<PathBuf> {
        if !given.is_empty() {
            return given.to_vec();
        }
        vec![
            self.submissions
                .clone()
                .unwrap_or_else(|| PathBuf::from("submissions")),
        ]
    }

    /// The register: the flag, else the settings'; None: the store's or the
    /// built-in one.
    pub fn register(&self, flag: Option<&Path>) -> Option<PathBuf> {
        flag.map(Path::to_path_buf)
            .or_else(|| self.register.clone())
    }

    /// The report template folder: the flag, else the settings'; None: the
    /// built-in template.
    pub fn template(&self, flag: Option<&Path>) -> Option<PathBuf> {
        flag.map(Path::to_path_buf)
            .or_else(|| self.template.clone())
    }
}

/// The settings `cstd init` writes.
pub const INIT: &str = r#"# cstd settings for this working folder; paths are relative to this file.
# Flags override them, and CSTD_STORE overrides the store.

# The store: every file received, the ledger and the tables.
store = "store"
# The organizations invited to report (cstd ingest matches submissions to it).
register = "register.csv"
# Where received submissions are saved (cstd ingest and cstd run read it).
submissions = "submissions"
# The report's template (cstd report --template overrides it).
template = "report-template"
# Where reports and their data annexes are written.
output = "output"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_found_above_and_resolved_against_their_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), INIT).unwrap();
        let deep = dir.path().join("submissions/2026");
        std::fs::create_dir_all(&deep).unwrap();
        let c = Config::find(&deep).unwrap();
        assert_eq!(c.register, Some(dir.path().join("register.csv")));
        assert_eq!(c.store(Some(Path::new("x"))), PathBuf::from("x"));
        assert_eq!(c.submissions(&[]), [dir.path().join("submissions")]);
    }

    #[test]
    fn a_mistyped_setting_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "stor = \"x\"\n").unwrap();
        let e = Config::find(dir.path()).unwrap_err().to_string();
        assert!(e.contains(FILE) && e.contains("stor"), "{e}");
    }
}
