//! One integration-test binary (linked once): the modules below.

mod cli;
mod common;
mod findings;
mod robustness;
mod template;
