//! `cstd status`: every invited organization's state for a year.

use std::fmt::Write as _;

use super::OK;
use super::args::{StatusArgs, StatusFormat};
use crate::config::Config;
use crate::status::{State, Status, status};
use crate::store::Store;
use crate::text::escape_control;

pub fn run(args: StatusArgs, config: &Config) -> anyhow::Result<u8> {
    let store = config.store(args.store.store.as_deref());
    let generation = Store::new(&store).require_current()?;
    let s = status(&generation, args.year)?;
    let out = match args.format {
        StatusFormat::Text => {
            let mut out = text(&s);
            let held = crate::inbox::held(&store, &generation.ledger()?);
            if !held.is_empty() {
                let _ = writeln!(
                    out,
                    "\n{} file(s) sent through the page and not sent on (errors not confirmed, a file the check could not read, a report for another organization), kept in {}:",
                    held.len(),
                    escape_control(&store.join("inbox").display().to_string())
                );
                for h in &held {
                    let _ = writeln!(out, "  {}", escape_control(h));
                }
            }
            out
        }
        StatusFormat::Json => format!("{}\n", serde_json::to_string_pretty(&s)?),
        StatusFormat::Csv => csv(&s)?,
    };
    super::emit(&out)?;
    Ok(OK)
}

/// The date part of an RFC 3339 time.
fn day(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}

pub fn text(s: &Status) -> String {
    let mut out = String::new();
    match s.year {
        Some(year) => year_text(&mut out, s, year),
        None => out.push_str("The store holds no submission with a reporting year yet.\n"),
    }
    if !s.unattributed.is_empty() {
        let _ = writeln!(
            out,
            "\n{} file(s) received whose organization or reporting year is unknown; no year counts them until `cstd ingest --from ORG --year YEAR FILE` says whose they are:",
            s.unattributed.len()
        );
        for f in &s.unattributed {
            let _ = writeln!(out, "  {}", unattributed(f));
        }
    }
    out
}

fn year_text(out: &mut String, s: &Status, year: i64) {
    let invited = s.rows.iter().filter(|r| r.invited).count();
    let of_invited =
        |pick: &dyn Fn(State) -> bool| s.rows.iter().filter(|r| r.invited && pick(r.state)).count();
    let replied = of_invited(&|st| st != State::Missing);
    let accepted = of_invited(&|st| matches!(st, State::Accepted | State::AcceptedWithWarnings));
    let undated = of_invited(&|st| st == State::YearUnknown);
    let _ = writeln!(
        out,
        "Reporting year {year}: {replied} of {invited} invited organizations replied; {accepted} have a submission accepted, {} await a corrected file, {}{} sent nothing.",
        replied - accepted - undated,
        if undated > 0 {
            format!("{undated} sent a file whose reporting year is unknown, ")
        } else {
            String::new()
        },
        invited - replied
    );
    let year_unknown = match s.count(State::YearUnknown) {
        0 => String::new(),
        n => format!(", {n} year unknown"),
    };
    let _ = writeln!(
        out,
        "  {} accepted, {} accepted with warnings, {} rejected{year_unknown}, {} missing\n",
        s.count(State::Accepted),
        s.count(State::AcceptedWithWarnings),
        s.count(State::Rejected),
        s.count(State::Missing)
    );
    let width = s
        .rows
        .iter()
        .map(|r| r.organization.chars().count())
        .max()
        .unwrap_or(0)
        .max(12);
    let _ = writeln!(
        out,
        "{:<width$}  {:<24} {:<11} {:<11} {:>7}  files",
        "organization", "state", "received", "ingested", "actions"
    );
    for r in &s.rows {
        let received = r.received.as_deref().map(day).unwrap_or("-");
        let ingested = r
            .files
            .iter()
            .map(|f| f.ingested.as_str())
            .max()
            .map(day)
            .unwrap_or("-");
        let actions = r
            .actions
            .map(|n| n.to_string())
            .unwrap_or_else(|| "-".into());
        let mut state = r.state.label().to_string();
        if !r.invited {
            state.push_str(" (new)");
        }
        let files: Vec<String> = r.files.iter().map(file).collect();
        let _ = writeln!(
            out,
            "{:<width$}  {:<24} {:<11} {:<11} {:>7}  {}",
            escape_control(&r.organization),
            state,
            received,
            ingested,
            actions,
            files.join("; ")
        );
    }
}

/// A file as the status lists it: its name, what became of it and why.
fn file(f: &crate::status::FileState) -> String {
    let mut said = outcome(f);
    if f.channel == crate::store::Channel::Page {
        said.push_str("; sent through the page");
    }
    if f.year.is_none() {
        said.push_str("; reporting year unknown: see below");
    } else if let Some(by) = f.attributed_by {
        said.push_str(&format!("; attributed by {by}"));
    }
    format!("{} ({said})", escape_control(&f.file))
}

/// What became of a file and why.
fn outcome(f: &crate::status::FileState) -> String {
    let mut said = f.outcome.to_string();
    if !f.reasons.is_empty() {
        said.push_str(&format!(": {}", f.reasons.join(", ")));
    }
    said
}

/// A file whose organization or year is unknown: what is known of it.
fn unattributed(f: &crate::status::FileState) -> String {
    let from = match f.attributed_by {
        Some(by) => format!(" (from {by})"),
        None => String::new(),
    };
    let who = match &f.organization {
        Some(o) => format!("{}{from}", escape_control(o)),
        None => "organization unknown".into(),
    };
    let year = match f.year {
        Some(y) => format!(
            "reporting year {y}{}",
            if f.organization.is_some() {
                String::new()
            } else {
                from
            }
        ),
        None => "reporting year unknown".into(),
    };
    format!(
        "{} ({}), received {}: {who}; {year}",
        escape_control(&f.file),
        outcome(f),
        day(&f.received)
    )
}

fn csv(s: &Status) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "year",
        "organization",
        "name",
        "invited",
        "state",
        "received",
        "ingested",
        "actions",
        "warnings",
        "files",
    ])?;
    for r in &s.rows {
        let files: Vec<String> = r
            .files
            .iter()
            .map(|f| format!("{} ({})", f.file, f.outcome))
            .collect();
        let row = [
            s.year.map(|y| y.to_string()).unwrap_or_default(),
            r.organization.clone(),
            r.name.clone(),
            r.invited.to_string(),
            r.state.label().to_string(),
            r.received.clone().unwrap_or_default(),
            r.files
                .iter()
                .map(|f| f.ingested.clone())
                .max()
                .unwrap_or_default(),
            r.actions.map(|n| n.to_string()).unwrap_or_default(),
            r.warnings.map(|n| n.to_string()).unwrap_or_default(),
            files.join("; "),
        ];
        w.write_record(
            row.iter()
                .map(|c| crate::export::neutralize(c).into_owned()),
        )?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
