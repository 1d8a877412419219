//! The command line: arguments (also read by `build.rs` for the man page and
//! completions) and one module per subcommand. Subcommands return the exit
//! status; only failures of the tool itself (a file it cannot write) are errors.

pub mod args;
#[cfg(test)]
mod artifacts;
mod explain;
mod export;
mod ingest;
mod report;
mod schema;
mod status;
mod template;
mod validate;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command};

/// Exit status: everything fine.
pub const OK: u8 = 0;
/// Exit status: a submission has errors.
pub const FINDINGS: u8 = 1;
/// Exit status: a file could not be read at all, or the tool failed.
pub const FAILURE: u8 = 2;

pub fn main() -> ExitCode {
    crate::read::quiet_reader_panics();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(a) => validate::run(a),
        Command::Template(a) => template::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Status(a) => status::run(a),
        Command::Export(a) => export::run(a),
        Command::Report(a) => report::run(a),
        Command::Run(a) => report::run_all(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(FAILURE)
        }
    }
}

/// Writes a file atomically: a temporary file beside it, then a rename, so a
/// reader never sees half a file.
pub(crate) fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))?;
    Ok(())
}
