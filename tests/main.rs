//! One integration-test binary (linked once): the modules below.

mod annotate;
mod cli;
mod common;
mod findings;
mod ingest;
mod json_schema;
mod report;
mod robustness;
mod schema_file;
mod store;
mod template;
