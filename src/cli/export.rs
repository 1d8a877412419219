//! `cstd export`: a year's tables for analysts.

use super::OK;
use super::args::{ExportArgs, ExportFormat};
use crate::config::Config;
use crate::export::{Format, current_tables, write};
use crate::store::Store;

pub fn run(args: ExportArgs, config: &Config) -> anyhow::Result<u8> {
    let generation = Store::new(&config.store(args.store.store.as_deref())).require_current()?;
    let tables = current_tables(&generation, args.year)?;
    let format = match args.format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Xlsx => Format::Xlsx,
        ExportFormat::Parquet => Format::Parquet,
    };
    let written = write(&tables, format, &args.output, args.year)?;
    eprintln!(
        "{} files written to {}",
        written.len(),
        args.output.display()
    );
    Ok(OK)
}
