//! `cstd ingest`: every received file into the store, and a summary.

use std::io::IsTerminal as _;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use super::args::IngestArgs;
use super::{FAILURE, OK};
use crate::config::Config;
use crate::ingest::{Options, Progress, Silent, Summary, ingest};
use crate::text::escape_control;

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

pub fn run(args: IngestArgs, config: &Config) -> anyhow::Result<u8> {
    let mut opts = Options::new(&config.store(args.store.store.as_deref()), &now());
    opts.register = config.register(args.register.as_deref());
    opts.received = args.received.as_deref().map(received).transpose()?;
    opts.wait = !args.no_wait;
    opts.follow_links = args.follow_links;
    opts.from = args.from.clone();
    opts.year = args.year;
    opts.max_total_bytes = args.max_total.saturating_mul(1024 * 1024);
    let paths = config.submissions(&args.paths);
    let show = !args.quiet && std::io::stderr().is_terminal();
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} checking {pos}/{len} files {wide_bar} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress: &dyn Progress = if show { &Bar(bar) } else { &Silent };
    let quiet = args.quiet;
    let summary = ingest(&paths, &opts, progress, |who| {
        if !quiet {
            eprintln!("{who} is writing to the store; waiting for it to finish...");
        }
    })?;
    report_inputs(&summary);
    if !args.quiet {
        super::emit(&text(&summary, &opts.store.display().to_string()))?;
    }
    Ok(if summary.unreadable.is_empty() {
        OK
    } else {
        FAILURE
    })
}

/// What was left aside or could not be read, on standard error.
pub(super) fn report_inputs(summary: &Summary) {
    for s in &summary.skipped {
        eprintln!(
            "skipped {}: {}",
            escape_control(&s.path.display().to_string()),
            s.reason
        );
    }
    for u in &summary.unreadable {
        eprintln!("error: {u} (nothing was recorded for it)");
    }
}

/// Now, or `CSTD_NOW` (RFC 3339) for repeatable runs.
pub(super) fn now() -> String {
    std::env::var("CSTD_NOW")
        .ok()
        .and_then(|s| received(&s).ok())
        .unwrap_or_else(|| crate::ingest::utc(std::time::SystemTime::now()))
}

/// A time of receipt as given: a date (`2026-03-01`) or an RFC 3339 time.
fn received(s: &str) -> anyhow::Result<String> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string());
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| {
        format!("--received {s:?}: give a date (2026-03-01) or a time (2026-03-01T09:30:00Z)")
    })?;
    Ok(format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
}

pub fn text(s: &Summary, store: &str) -> String {
    let mut out = format!(
        "{} files read into {} (generation {}), matched against {}.\n",
        s.files,
        escape_control(store),
        s.generation,
        s.register
    );
    let accepted = s.accepted + s.accepted_with_warnings;
    out.push_str(&format!(
        "  {accepted} accepted ({} with warnings), {} rejected, {} duplicates, {} superseded, {} seen before\n",
        s.accepted_with_warnings, s.rejected, s.duplicates, s.superseded, s.unchanged
    ));
    if s.attributed > 0 {
        out.push_str(&format!(
            "  {} file(s) received before now attributed to an organization and year\n",
            s.attributed
        ));
    }
    if s.back_in_force > 0 {
        out.push_str(&format!(
            "  {} earlier version(s) in force again: sent again after the later one\n",
            s.back_in_force
        ));
    }
    if s.repaired > 0 {
        out.push_str(&format!(
            "  {} damaged file(s) of the store replaced by the same bytes received again\n",
            s.repaired
        ));
    }
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
            escape_control(&s.new_organizations.join(", "))
        ));
    }
    if let Some(y) = s.years.last() {
        out.push_str(&format!("`cstd status --year {y}` shows who has reported; `cstd validate FILE` explains a rejection.\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_of_receipt_is_a_date_or_a_time() {
        assert_eq!(received("2026-03-01").unwrap(), "2026-03-01T00:00:00Z");
        assert_eq!(
            received("2026-03-01T10:00:00+02:00").unwrap(),
            "2026-03-01T08:00:00Z"
        );
        assert!(
            received("1/3/2026")
                .unwrap_err()
                .to_string()
                .contains("give a date")
        );
    }
}
