//! `cstd status`: every invited organization's state for a year.

use std::fmt::Write as _;

use super::OK;
use super::args::{StatusArgs, StatusFormat};
use crate::status::{State, Status, status};
use crate::store::Store;

pub fn run(args: StatusArgs) -> anyhow::Result<u8> {
    let generation = Store::new(&args.store.store).require_current()?;
    let s = status(&generation, args.year)?;
    match args.format {
        StatusFormat::Text => print!("{}", text(&s)),
        StatusFormat::Json => println!("{}", serde_json::to_string_pretty(&s)?),
        StatusFormat::Csv => print!("{}", csv(&s)?),
    }
    Ok(OK)
}

pub fn text(s: &Status) -> String {
    let mut out = String::new();
    let Some(year) = s.year else {
        return "The store holds no submission with a reporting year yet.\n".into();
    };
    let invited = s.rows.iter().filter(|r| r.invited).count();
    let reported = s
        .rows
        .iter()
        .filter(|r| r.invited && matches!(r.state, State::Accepted | State::AcceptedWithWarnings))
        .count();
    let _ = writeln!(
        out,
        "Reporting year {year}: {reported} of {invited} invited organizations have a submission accepted."
    );
    let _ = writeln!(
        out,
        "  {} accepted, {} accepted with warnings, {} rejected, {} missing\n",
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
        "{:<width$}  {:<24} {:<11} {:>7}  files",
        "organization", "state", "received", "actions"
    );
    for r in &s.rows {
        let received = r
            .received
            .as_deref()
            .map(|d| d.get(..10).unwrap_or(d))
            .unwrap_or("-");
        let actions = r
            .actions
            .map(|n| n.to_string())
            .unwrap_or_else(|| "-".into());
        let mut state = r.state.label().to_string();
        if !r.invited {
            state.push_str(" (new)");
        }
        let files: Vec<String> = r
            .files
            .iter()
            .map(|f| {
                if f.reasons.is_empty() {
                    format!("{} ({})", f.file, f.outcome)
                } else {
                    format!("{} ({}: {})", f.file, f.outcome, f.reasons.join(", "))
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "{:<width$}  {:<24} {:<11} {:>7}  {}",
            r.organization,
            state,
            received,
            actions,
            files.join("; ")
        );
    }
    if !s.unattributed.is_empty() {
        let _ = writeln!(
            out,
            "\nFiles that could not be attributed to an organization and year:"
        );
        for f in &s.unattributed {
            let _ = writeln!(
                out,
                "  {} ({}: {})",
                f.file,
                f.outcome,
                f.reasons.join(", ")
            );
        }
    }
    out
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
