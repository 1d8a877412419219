//! Command-line arguments. Kept free of the library's types so that `build.rs`
//! can include this file to write the man page and shell completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Annual reports on enhanced cooperation: check submissions, write the template.
///
/// Organizations fill in the template workbook and check it with `cstd validate`
/// before sending it; the secretariat validates every file it receives.
#[derive(Debug, Parser)]
#[command(
    name = "cstd",
    version,
    about,
    long_about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check submissions and say what is wrong, cell by cell.
    ///
    /// Exit status: 0 when no file has an error, 1 when some file has errors,
    /// 2 when some file cannot be read at all.
    Validate(ValidateArgs),
    /// Write the blank submission workbook an organization fills in.
    Template(TemplateArgs),
    /// Print the submission schema: fields, codes and findings (Markdown), or the JSON Schema.
    Schema(SchemaArgs),
    /// Explain a finding code: what it means and what to do.
    Explain(ExplainArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Fr,
    Es,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Grouped findings for people.
    Text,
    /// One JSON document for programs.
    Json,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Submission files (xlsx, xlsm, xlsb, xls, ods, json, zip of CSV), folders of
    /// CSV files, or folders holding submissions (searched recursively).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Write a copy of the submission with each problem cell marked (one file only).
    #[arg(long, value_name = "OUT.xlsx")]
    pub annotate: Option<PathBuf>,
    /// Language of the findings' titles.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
    /// Show every finding; by default each kind shows its first 10 and counts the rest.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Language of the sheet names, labels and help.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
    /// Where to write the workbook.
    #[arg(short, long, value_name = "FILE.xlsx")]
    pub output: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    /// A documentation page of sheets, fields, codes and findings.
    Markdown,
    /// A JSON Schema for submissions sent as JSON.
    JsonSchema,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: SchemaFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A finding code, such as not-in-vocabulary.
    pub code: String,
}
