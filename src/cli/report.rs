//! `cstd report`: the consolidated report of a year and its data annex.

use anyhow::Context as _;

use super::OK;
use super::args::ReportArgs;
use crate::config::Config;
use crate::store::{Generation, Store};

pub fn run(args: ReportArgs, config: &Config) -> anyhow::Result<u8> {
    if args.reference {
        super::emit(&crate::report::reference())?;
        return Ok(OK);
    }
    if let Some(dir) = &args.copy_template {
        let written = crate::report::write_template(dir)?;
        super::emit(&format!(
            "The built-in template, to edit: {} ({} files); build with `cstd report --template {}`.\n",
            dir.join("report.md").display(),
            written.len(),
            dir.display()
        ))?;
        return Ok(OK);
    }
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
        "Report for {year}: {} ({} pages, {} words in the body) and the Word draft {}; data annex: {} files beside them.\n",
        built.pdf.display(),
        built.pages,
        crate::report::style::number(built.words as i64),
        built.docx.display(),
        built.annex.len()
    ))?;
    Ok(OK)
}
