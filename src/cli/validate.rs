//! `cstd validate`: read and check submissions, print findings, set the exit status.

use std::fmt::Write as _;

use anyhow::{Context as _, bail};
use rayon::prelude::*;
use serde::Serialize;

use super::args::{ReportFormat, ValidateArgs};
use super::{FAILURE, FINDINGS, OK};
use crate::findings::{Counts, grouped};
use crate::messages::word;
use crate::msg;
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
    let lang = args.lang.code();
    if (args.annotate.is_some() || args.rows.is_some()) && inputs.len() != 1 {
        bail!("{}", msg!("annotate-one", n = inputs.len()).render(lang));
    }
    let reports: Vec<FileReport> = inputs
        .par_iter()
        .map(|p| check_path(p, schema, &ctx, &limits))
        .collect();

    match args.format {
        ReportFormat::Text => super::emit(&text(&reports, lang, args.all))?,
        ReportFormat::Json => {
            // Data in the chosen language: each finding's messages written out.
            let localized: Vec<FileReport> = reports
                .iter()
                .map(|r| r.clone().in_language(lang))
                .collect();
            super::emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&JsonOut::new(schema, &localized))?
            ))?
        }
    }

    let wants_copy = args.annotate.is_some() || args.rows.is_some();
    if let (true, Some(input)) = (wants_copy, inputs.first()) {
        let all = |_: &str| true;
        let read = crate::read::read_path(input, &limits, &all);
        if let (Some(out), Some(wb)) = (&args.rows, &read.workbook) {
            let views = crate::validate::rows::views(&reports[0].findings, wb);
            crate::durable::write(out, &serde_json::to_vec(&views)?)?;
        }
        match (&args.annotate, &read.workbook) {
            (None, _) => {}
            (Some(out), Some(wb)) => {
                // The organization's own file is marked; a folder has none.
                let original = if input.is_file() {
                    std::fs::read(input).unwrap_or_default()
                } else {
                    Vec::new()
                };
                let (bytes, made) =
                    crate::annotate::build(&original, wb, &reports[0].findings, lang)
                        .map_err(anyhow::Error::msg)
                        .with_context(|| msg!("annotate-failed").render(lang))?;
                crate::durable::write(out, &bytes)?;
                let path = out.display().to_string();
                let said = match made {
                    crate::annotate::Made::Marked => msg!("annotate-written", path = path),
                    crate::annotate::Made::Copied => msg!(
                        "annotate-copied",
                        path = path,
                        container = wb.container.say(lang)
                    ),
                };
                eprintln!("{}", said.render(lang));
            }
            (Some(_), None) => eprintln!(
                "{}",
                msg!("annotate-unreadable", path = input.display().to_string()).render(lang)
            ),
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
            .map(|c| format!(" ({})", c.say(lang)))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{container}", crate::text::escape_control(&r.file));
        match &r.understood {
            Some(u) => {
                let _ = writeln!(out, "  {}", u.sentence(lang));
            }
            None => {
                let _ = writeln!(out, "  {}", msg!("cannot-be-read-sentence").render(lang));
            }
        }
        for (kind, findings) in grouped(&r.findings) {
            let _ = writeln!(
                out,
                "  {}[{}] {} ({})",
                kind.severity.word(lang),
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
                let message = f.message(lang);
                let sep = if message.is_empty() {
                    String::new()
                } else {
                    word("place-separator", lang)
                };
                let _ = writeln!(out, "    {}{sep}{message}", f.place.say(lang));
            }
            if shown < findings.len() {
                let _ = writeln!(
                    out,
                    "    {}",
                    msg!("more-of-this-kind", n = findings.len() - shown).render(lang)
                );
            }
            if kind.severity != crate::findings::Severity::Note {
                let _ = writeln!(
                    out,
                    "    {}",
                    msg!("help-line", help = kind.help(lang)).render(lang)
                );
            }
        }
        let verdict = if !r.readable {
            msg!("verdict-unreadable")
        } else if r.has_errors() {
            msg!("verdict-not-accepted")
        } else {
            msg!("verdict-accepted")
        };
        let _ = writeln!(
            out,
            "  {}{}{}\n",
            r.counts.say(lang),
            word("place-separator", lang),
            verdict.render(lang)
        );
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
            "{}",
            msg!(
                "files-summary",
                n = reports.len(),
                fine = fine,
                errors = with_errors,
                unreadable = unreadable
            )
            .render(lang)
        );
    }
    out
}
