//! `cstd report`: the consolidated report of a year and its data annex.

use anyhow::Context as _;

use super::OK;
use super::args::ReportArgs;
use crate::config::Config;
use crate::store::{Generation, Store};

pub fn run(args: ReportArgs, config: &Config) -> anyhow::Result<u8> {
    let generation = Store::new(&config.store(args.store.store.as_deref())).require_current()?;
    let year = match args.year {
        Some(y) => y,
        None => latest_year(&generation)?,
    };
    build(
        &generation,
        year,
        config.template(args.template.as_deref()).as_deref(),
        &config.output(args.output.as_deref()),
    )
}

pub(super) fn latest_year(generation: &Generation) -> anyhow::Result<i64> {
    generation
        .ledger()?
        .years()
        .last()
        .copied()
        .context("the store holds no submission with a reporting year")
}

pub(super) fn build(
    generation: &Generation,
    year: i64,
    template: Option<&std::path::Path>,
    output: &std::path::Path,
) -> anyhow::Result<u8> {
    let built = crate::report::build(generation, year, template, output)?;
    for w in &built.warnings {
        eprintln!("warning: {w}");
    }
    super::emit(&format!(
        "Report for {year}: {} ({} pages), data annex: {} files beside it.\n",
        built.pdf.display(),
        built.pages,
        built.annex.len()
    ))?;
    Ok(OK)
}
