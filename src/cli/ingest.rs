//! `cstd ingest`: every received file into the store, and a summary.

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressStyle};

use super::OK;
use super::args::IngestArgs;
use crate::ingest::{Options, Progress, Silent, Summary, ingest};

/// A progress bar on a terminal's standard error.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, files: u64) {
        self.0.set_length(files);
    }

    fn tick(&self) {
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

pub fn run(args: IngestArgs) -> anyhow::Result<u8> {
    let opts = Options {
        store: args.store.store.clone(),
        register: args.register.clone(),
        received: received_now(),
        wait: !args.no_wait,
    };
    let show = !args.quiet && std::io::stderr().is_terminal();
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} checking {pos}/{len} files {wide_bar} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress: &dyn Progress = if show { &Bar(bar) } else { &Silent };
    let quiet = args.quiet;
    let summary = ingest(&args.paths, &opts, progress, |who| {
        if !quiet {
            eprintln!("{who} is writing to the store; waiting for it to finish...");
        }
    })?;
    if !args.quiet {
        print!("{}", text(&summary, &opts.store.display().to_string()));
    }
    Ok(OK)
}

/// When the files were received: now, or `CSTD_NOW` (RFC 3339) for repeatable runs.
pub(crate) fn received_now() -> String {
    std::env::var("CSTD_NOW")
        .ok()
        .filter(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
        .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

pub fn text(s: &Summary, store: &str) -> String {
    let mut out = format!(
        "{} files read into {store} (generation {}).\n",
        s.files, s.generation
    );
    let accepted = s.accepted + s.accepted_with_warnings;
    out.push_str(&format!(
        "  {accepted} accepted ({} with warnings), {} rejected, {} duplicates, {} superseded, {} seen before\n",
        s.accepted_with_warnings, s.rejected, s.duplicates, s.superseded, s.unchanged
    ));
    if !s.top_reasons.is_empty() {
        let reasons: Vec<String> = s
            .top_reasons
            .iter()
            .take(5)
            .map(|(c, n)| format!("{c} ({n})"))
            .collect();
        out.push_str(&format!("  rejected for: {}\n", reasons.join(", ")));
    }
    if !s.new_organizations.is_empty() {
        out.push_str(&format!(
            "  not in the register, accepted as new: {}\n",
            s.new_organizations.join(", ")
        ));
    }
    if let Some(y) = s.years.last() {
        out.push_str(&format!("`cstd status --year {y}` shows who has reported; `cstd validate FILE` explains a rejection.\n"));
    }
    out
}
