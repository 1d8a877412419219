//! `cstd`: the annual reporting cycle of the UN Commission on Science and
//! Technology for Development on enhanced cooperation.
//!
//! The pipeline, one module per stage: [`read`] any accepted container into
//! sheets and cells, [`validate`] them against the [`schema`] into records and
//! [`findings`], write the blank [`template`] and the [`annotate`]d copy, and
//! print the schema's documentation ([`docs`]). The command line lives in [`cli`].

// Findings travel as the error of the reader's cold paths; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod annotate;
pub mod cli;
pub mod docs;
pub mod findings;
pub mod read;
pub mod reference;
pub mod schema;
pub mod template;
pub mod text;
pub mod validate;
