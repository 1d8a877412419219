//! `cstd validate`: read and check submissions, print findings, set the exit status.

use std::fmt::Write as _;

use anyhow::{Context as _, bail};
use rayon::prelude::*;
use serde::Serialize;

use super::args::{ReportFormat, ValidateArgs};
use super::{FAILURE, FINDINGS, OK};
use crate::findings::{Counts, grouped};
use crate::read::Limits;
use crate::schema::Schema;
use crate::validate::{Context, FileReport, check_path};

/// Findings of one kind shown before "and N more".
const SHOWN_PER_KIND: usize = 10;

pub fn run(args: ValidateArgs) -> anyhow::Result<u8> {
    let schema = Schema::current();
    let ctx = Context::from_env();
    let limits = Limits::default();
    let found = crate::inputs::collect(&args.files, schema, args.follow_links);
    for s in &found.skipped {
        eprintln!(
            "skipped {}: {}",
            crate::text::escape_control(&s.path.display().to_string()),
            s.reason
        );
    }
    for u in &found.unreadable {
        eprintln!("error: {u}");
    }
    let inputs: Vec<std::path::PathBuf> = found.files.into_iter().map(|i| i.path).collect();
    if inputs.is_empty() {
        if !found.unreadable.is_empty() {
            return Ok(FAILURE);
        }
        bail!(
            "no submission files found in {}",
            args.files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if args.annotate.is_some() && inputs.len() != 1 {
        bail!(
            "--annotate writes the copy of one submission; {} were given (validate them one at a time)",
            inputs.len()
        );
    }
    let reports: Vec<FileReport> = inputs
        .par_iter()
        .map(|p| check_path(p, schema, &ctx, &limits))
        .collect();

    let lang = args.lang.code();
    match args.format {
        ReportFormat::Text => super::emit(&text(&reports, lang, args.all))?,
        ReportFormat::Json => super::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&JsonOut::new(schema, &reports))?
        ))?,
    }

    if let (Some(out), Some(input)) = (&args.annotate, inputs.first()) {
        let all = |_: &str| true;
        let read = crate::read::read_path(input, &limits, &all);
        match &read.workbook {
            Some(wb) => {
                let bytes = crate::annotate::build(wb, &reports[0].findings, lang)
                    .context("cannot build the annotated copy")?;
                crate::durable::write(out, &bytes)?;
                eprintln!("annotated copy written to {}", out.display());
            }
            None => eprintln!("no annotated copy: {} cannot be read", input.display()),
        }
    }

    Ok(
        if reports.iter().any(|r| !r.readable) || !found.unreadable.is_empty() {
            FAILURE
        } else if reports.iter().any(FileReport::has_errors) {
            FINDINGS
        } else {
            OK
        },
    )
}

#[derive(Serialize)]
struct JsonOut<'a> {
    schema: &'a str,
    files: &'a [FileReport],
    counts: Counts,
}

impl<'a> JsonOut<'a> {
    fn new(schema: &'a Schema, files: &'a [FileReport]) -> JsonOut<'a> {
        let mut counts = Counts::default();
        for f in files {
            counts.errors += f.counts.errors;
            counts.warnings += f.counts.warnings;
            counts.notes += f.counts.notes;
        }
        JsonOut {
            schema: &schema.version,
            files,
            counts,
        }
    }
}

/// Findings for people: per file, what was understood, then findings grouped by
/// kind, worst first, with counts; nothing is left out without saying so.
pub fn text(reports: &[FileReport], lang: &str, all: bool) -> String {
    let mut out = String::new();
    for r in reports {
        let container = r
            .container
            .map(|c| format!(" ({})", c.name()))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{container}", crate::text::escape_control(&r.file));
        match &r.understood {
            Some(u) => {
                let _ = writeln!(out, "  {}", u.sentence());
            }
            None => {
                let _ = writeln!(out, "  The file cannot be read.");
            }
        }
        for (kind, findings) in grouped(&r.findings) {
            let _ = writeln!(
                out,
                "  {}[{}] {} ({})",
                kind.severity,
                kind.code,
                kind.title(lang),
                findings.len()
            );
            let shown = if all {
                findings.len()
            } else {
                SHOWN_PER_KIND.min(findings.len())
            };
            for f in &findings[..shown] {
                let message = f.message();
                let sep = if message.is_empty() { "" } else { ": " };
                let _ = writeln!(out, "    {}{sep}{message}", f.place);
            }
            if shown < findings.len() {
                let _ = writeln!(
                    out,
                    "    ... and {} more of this kind (--all shows them)",
                    findings.len() - shown
                );
            }
            if kind.severity != crate::findings::Severity::Note {
                let _ = writeln!(out, "    help: {}", kind.help);
            }
        }
        let verdict = if !r.readable {
            "cannot be read"
        } else if r.has_errors() {
            "not accepted as it is"
        } else {
            "can be accepted"
        };
        let _ = writeln!(out, "  {}: {verdict}\n", r.counts);
    }
    if reports.len() > 1 {
        let unreadable = reports.iter().filter(|r| !r.readable).count();
        let with_errors = reports
            .iter()
            .filter(|r| r.readable && r.has_errors())
            .count();
        let fine = reports.len() - unreadable - with_errors;
        let _ = writeln!(
            out,
            "{} files: {fine} can be accepted, {with_errors} with errors, {unreadable} cannot be read",
            reports.len()
        );
    }
    out
}
