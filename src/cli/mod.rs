//! The command line: arguments (also read by `build.rs` for the man page and
//! completions) and one module per subcommand. Subcommands return the exit
//! status; only failures of the tool itself (a file it cannot write, a store
//! it cannot read) are errors.

pub mod args;
#[cfg(test)]
mod artifacts;
mod check;
mod explain;
mod export;
mod ingest;
mod init;
mod invite;
mod report;
mod run;
mod schema;
mod serve;
mod status;
mod template;
mod validate;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command};

use crate::config::Config;

/// Exit status: everything fine.
pub const OK: u8 = 0;
/// Exit status: a submission has errors; the store is damaged.
pub const FINDINGS: u8 = 1;
/// Exit status: a file could not be read at all, or the tool failed.
pub const FAILURE: u8 = 2;

pub fn main() -> ExitCode {
    crate::read::quiet_reader_panics();
    let cli = Cli::parse();
    let result = crate::schema::Schema::use_from_env()
        .map_err(anyhow::Error::from)
        .and_then(|()| Config::current().map_err(anyhow::Error::from))
        .and_then(|config| match cli.command {
            Command::Validate(a) => validate::run(a),
            Command::Template(a) => template::run(a),
            Command::Schema(a) => schema::run(a),
            Command::Explain(a) => explain::run(a),
            Command::Ingest(a) => ingest::run(a, &config),
            Command::Status(a) => status::run(a, &config),
            Command::Export(a) => export::run(a, &config),
            Command::Report(a) => report::run(a, &config),
            Command::Run(a) => run::run(a, &config),
            Command::Check(a) => check::run(a, &config),
            Command::Init(a) => init::run(a),
            Command::Invite(a) => invite::run(a, &config),
            Command::Serve(a) => serve::run(a, &config),
        });
    match result {
        Ok(code) => ExitCode::from(code),
        // A reader that stopped reading (`cstd status | head -1`) is no failure.
        Err(e) if closed_pipe(&e) => ExitCode::from(OK),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(FAILURE)
        }
    }
}

fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes to standard output; a closed pipe comes back as an error that ends
/// the command quietly.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
