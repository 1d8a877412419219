//! `cstd`: the annual reporting cycle of the UN Commission on Science and
//! Technology for Development on enhanced cooperation.
//!
//! The pipeline, one module per stage: [`read`] any accepted container into
//! sheets and cells, [`validate`] them against the [`schema`] into records and
//! [`findings`], [`ingest`] them into the [`store`] ([`normalize`]d into
//! [`tables`], organizations matched to the [`register`]), follow the year
//! ([`status`]) and [`export`] it. Around them: the blank [`template`], the
//! [`annotate`]d copy, the schema's documentation ([`docs`]), the web page
//! ([`serve`]) through which organizations check files and send them with
//! their secret links ([`invite`]), into the store's [`inbox`]. The command
//! line lives in [`cli`].

// Findings travel as the error of the reader's cold paths; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod annotate;
pub mod check;
pub mod cli;
pub mod config;
pub mod docs;
pub mod durable;
pub mod export;
pub mod findings;
pub mod inbox;
pub mod ingest;
pub mod inputs;
pub mod invite;
pub mod messages;
pub mod normalize;
pub mod ooxml;
pub mod read;
pub mod reference;
pub mod register;
pub mod report;
pub mod schema;
pub mod serve;
pub mod status;
pub mod store;
pub mod tables;
pub mod template;
pub mod text;
pub mod validate;
