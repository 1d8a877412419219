//! One integration-test binary (linked once): the modules below.

mod annotate;
mod cli;
mod common;
mod findings;
mod ingest;
mod report;
mod robustness;
mod store;
mod template;
