//! `cstd schema`: the schema's documentation page or its JSON Schema.

use super::OK;
use super::args::{SchemaArgs, SchemaFormat};
use crate::schema::Schema;

pub fn run(args: SchemaArgs) -> anyhow::Result<u8> {
    let schema = Schema::current();
    let text = match args.format {
        SchemaFormat::Markdown => crate::docs::markdown(schema),
        SchemaFormat::JsonSchema => format!(
            "{}\n",
            serde_json::to_string_pretty(&crate::docs::json_schema(schema))?
        ),
    };
    match args.output {
        Some(path) => super::write_atomic(&path, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(OK)
}
