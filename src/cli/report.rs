//! `cstd report` and `cstd run`: the consolidated report, and the main job.

use anyhow::Context as _;

use super::OK;
use super::args::{ReportArgs, RunArgs};
use crate::ingest::{Options, Silent, ingest};
use crate::store::Store;

pub fn run(args: ReportArgs) -> anyhow::Result<u8> {
    let generation = Store::new(&args.store.store).require_current()?;
    let year = match args.year {
        Some(y) => y,
        None => latest_year(&generation)?,
    };
    build(&generation, year, &args.template, &args.output)
}

pub fn run_all(args: RunArgs) -> anyhow::Result<u8> {
    let store = args.output.join("store");
    let opts = Options {
        store: store.clone(),
        register: args.register.clone(),
        received: super::ingest::received_now(),
        wait: true,
    };
    let summary = ingest(
        std::slice::from_ref(&args.submissions),
        &opts,
        &Silent,
        |who| eprintln!("{who} is writing to the store; waiting..."),
    )?;
    print!(
        "{}",
        super::ingest::text(&summary, &store.display().to_string())
    );
    let generation = Store::new(&store).require_current()?;
    let year = latest_year(&generation)?;
    build(&generation, year, &args.template, &args.output)
}

fn latest_year(generation: &crate::store::Generation) -> anyhow::Result<i64> {
    generation
        .ledger()?
        .years()
        .last()
        .copied()
        .context("the store holds no submission with a reporting year")
}

fn build(
    generation: &crate::store::Generation,
    year: i64,
    template: &std::path::Path,
    output: &std::path::Path,
) -> anyhow::Result<u8> {
    let built = crate::report::build(generation, year, template, output)?;
    for w in &built.warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "Report for {year}: {} ({} pages), data annex: {} files beside it.",
        built.pdf.display(),
        built.pages,
        built.annex.len()
    );
    Ok(OK)
}
