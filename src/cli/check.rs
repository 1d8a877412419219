//! `cstd check [--repair]`: is the store sound, and what repairing it does.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::args::CheckArgs;
use super::{FINDINGS, OK};
use crate::check::{Checkup, Problem, check, repair};
use crate::config::Config;
use crate::store::Store;
use crate::text::escape_control;

pub fn run(args: CheckArgs, config: &Config) -> anyhow::Result<u8> {
    let store = Store::new(&config.store(args.store.store.as_deref()));
    // An ingest at work shows its files before its ledger: say so.
    let busy = match store.root.is_dir().then(|| store.lock(false, |_| {})) {
        Some(Err(crate::store::Error::Locked { holder, .. })) => Some(holder),
        _ => None,
    };
    let up = check(&store)?;
    if let Some(holder) = busy
        && !up.is_sound()
    {
        eprintln!(
            "{holder} is writing to the store: what it is writing may show below until it ends; check again then (--repair waits for it and checks again)."
        );
    }
    super::emit(&text(&store, &up, args.repair))?;
    if up.is_sound() || !args.repair {
        return Ok(if up.is_sound() { OK } else { FINDINGS });
    }
    let done = repair(&store, &super::ingest::now())?;
    let mut out = String::from("\nRepaired:\n");
    for d in &done.done {
        let _ = writeln!(out, "  - {}", escape_control(d));
    }
    if !done.not_recovered.is_empty() {
        out.push_str("Could not be recovered:\n");
        for d in &done.not_recovered {
            let _ = writeln!(out, "  - {}", escape_control(d));
        }
    }
    // What remains is what no repair can do: said again by a new check.
    let after = check(&store)?;
    if after.is_sound() {
        out.push_str("The store is sound now.\n");
    } else {
        let _ = writeln!(
            out,
            "Still wrong after the repair ({}):",
            after.problems.len()
        );
        out.push_str(&listed(&after.problems, false));
    }
    super::emit(&out)?;
    Ok(if after.is_sound() && done.not_recovered.is_empty() {
        OK
    } else {
        FINDINGS
    })
}

fn text(store: &Store, up: &Checkup, repairing: bool) -> String {
    let mut out = String::new();
    let at = escape_control(&store.root.display().to_string()).into_owned();
    if up.is_sound() {
        let _ = writeln!(
            out,
            "The store {at} is sound: generation {} in force, {} ledger entries, {} files received, every file as written.",
            up.current
                .map(|n| n.to_string())
                .unwrap_or_else(|| "none".into()),
            up.entries,
            up.raw_files
        );
        return out;
    }
    let n = up.problems.len();
    let _ = writeln!(
        out,
        "The store {at} has {n} {}:",
        if n == 1 { "problem" } else { "problems" }
    );
    out.push_str(&listed(&up.problems, true));
    if !repairing {
        out.push_str("`cstd check --repair` does the repairs above.\n");
    }
    out
}

/// Files named in a group said at once; the rest are counted.
const NAMED_IN_GROUP: usize = 5;

/// The problems, one line each, but those of one kind with one repair said
/// together: a store whose one generation is damaged has every file it
/// received out of a sound ledger, and a person wants that said once.
fn listed(problems: &[Problem], with_repair: bool) -> String {
    // Each kind's problems, in the order their first one comes.
    let mut groups: Vec<Vec<&Problem>> = Vec::new();
    let mut kinds: HashMap<(&str, &str), usize> = HashMap::new();
    for p in problems {
        match &p.many {
            Some(many) => {
                let at = *kinds.entry((many, &p.repair)).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[at].push(p);
            }
            None => groups.push(vec![p]),
        }
    }
    let file = |p: &Problem| escape_control(&p.file.display().to_string()).into_owned();
    let mut out = String::new();
    for group in groups {
        match (
            group.as_slice(),
            group.first().and_then(|p| p.many.as_ref()),
        ) {
            ([first, _, ..], Some(many)) => {
                let _ = writeln!(out, "  - {} {many}:", group.len());
                for p in group.iter().take(NAMED_IN_GROUP) {
                    let _ = writeln!(out, "      {}", file(p));
                }
                if group.len() > NAMED_IN_GROUP {
                    let _ = writeln!(out, "      and {} more", group.len() - NAMED_IN_GROUP);
                }
                if with_repair {
                    let _ = writeln!(out, "    repair: {}", first.repair);
                }
            }
            _ => {
                for p in group {
                    let _ = write!(out, "  - {} {}", file(p), p.what);
                    if with_repair {
                        let _ = write!(out, "\n    repair: {}", p.repair);
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}
