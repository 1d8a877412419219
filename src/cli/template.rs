//! `cstd template`: write the blank submission workbook.

use anyhow::Context as _;

use super::OK;
use super::args::TemplateArgs;
use crate::schema::Schema;

pub fn run(args: TemplateArgs) -> anyhow::Result<u8> {
    let bytes = crate::template::build(Schema::current(), args.lang.code())
        .context("cannot build the template")?;
    crate::durable::write(&args.output, &bytes)?;
    eprintln!(
        "template ({}, schema {}) written to {}",
        args.lang.code(),
        Schema::current().version,
        args.output.display()
    );
    Ok(OK)
}
