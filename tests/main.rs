//! One integration-test binary (linked once): the modules below.

mod annotate;
mod browser;
mod cli;
mod common;
mod findings;
mod ingest;
mod json_schema;
mod report;
mod robustness;
mod schema_file;
mod serve;
mod store;
mod template;
