//! Command-line arguments. Kept free of the library's types so that `build.rs`
//! can include this file to write the man page and shell completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Annual reports on enhanced cooperation: check submissions, keep every year's data, build the report.
///
/// Organizations fill in the template workbook and check it with `cstd validate`
/// before sending it; the secretariat ingests every file it receives into the
/// store (`cstd ingest`), follows the year (`cstd status`) and exports its tables;
/// report authors build the consolidated report (`cstd report`). `cstd run` does
/// the secretariat's main job: ingest, then the latest year's report.
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
    /// Ingest received files into the store: validate, normalize, keep every file.
    Ingest(IngestArgs),
    /// Show where a reporting year stands: who has reported, who is missing.
    Status(StatusArgs),
    /// Export a year's tables for analysts (CSV, XLSX or Parquet).
    Export(ExportArgs),
    /// Build the consolidated report (PDF) and its data annex for a year.
    Report(ReportArgs),
    /// The main job: ingest the submissions folder, then build the latest year's report.
    Run(RunArgs),
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

#[derive(Debug, Args)]
pub struct StoreArg {
    /// Where the store is.
    #[arg(long, value_name = "DIR", default_value = "output/store")]
    pub store: PathBuf,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files and folders of submissions (folders are searched recursively).
    #[arg(value_name = "PATH", default_value = "submissions")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub store: StoreArg,
    /// The register of invited organizations.
    #[arg(long, value_name = "FILE", default_value = "submissions/register.csv")]
    pub register: PathBuf,
    /// Fail at once if another ingest is writing to the store, instead of waiting.
    #[arg(long)]
    pub no_wait: bool,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The reporting year; the latest in the store by default.
    #[arg(long)]
    pub year: Option<i64>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: StatusFormat,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One CSV file per table.
    Csv,
    /// One workbook, a sheet per table.
    Xlsx,
    /// One Parquet file per table.
    Parquet,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The reporting year to export.
    #[arg(long)]
    pub year: i64,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// The folder to write into.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The reporting year; the latest in the store by default.
    #[arg(long)]
    pub year: Option<i64>,
    /// The template folder (report.md and its fonts).
    #[arg(long, value_name = "DIR", default_value = "report-templates/default")]
    pub template: PathBuf,
    /// Where to write `<year>/report.pdf` and the data annex.
    #[arg(short, long, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The folder of received submissions.
    #[arg(value_name = "PATH", default_value = "submissions")]
    pub submissions: PathBuf,
    /// The register of invited organizations.
    #[arg(long, value_name = "FILE", default_value = "submissions/register.csv")]
    pub register: PathBuf,
    /// The template folder.
    #[arg(long, value_name = "DIR", default_value = "report-templates/default")]
    pub template: PathBuf,
    /// Where the store, the report and its annex go.
    #[arg(short, long, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
}
