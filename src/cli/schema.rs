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
            serde_json::to_string_pretty(&crate::docs::json_schema(
                schema,
                crate::validate::Context::from_env().today
            ))?
        ),
    };
    match args.output {
        Some(path) => crate::durable::write(&path, text.as_bytes())?,
        None => super::emit(&text)?,
    }
    Ok(OK)
}
