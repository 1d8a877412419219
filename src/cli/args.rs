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
    /// Build the consolidated report (PDF and Word draft) and its data annex for a year.
    Report(ReportArgs),
    /// The main job: ingest the submissions folder, then build the latest year's report.
    Run(RunArgs),
    /// Verify the store: every table, the ledger and every file received against their hashes.
    ///
    /// Says in plain words what is wrong and what `--repair` will do. Exit
    /// status: 0 when the store is sound (or was repaired whole), 1 when it is
    /// damaged (or could be repaired only in part), 2 when it cannot be checked.
    Check(CheckArgs),
    /// Set up a working folder: settings, register, submissions folder and report template.
    Init(InitArgs),
    /// Issue each organization a secret link for sending its submission on the page.
    ///
    /// Writes the links to `<output>/invites-<year>.csv`, readable by its
    /// owner only; the store keeps only a hash of each. Issuing a link again
    /// replaces the one before, which stops working.
    Invite(InviteArgs),
    /// Serve the web page on which organizations check and send a submission.
    ///
    /// Each uploaded file is read by `cstd validate` in a child process under
    /// memory, time and output limits. A file checked on the public page is
    /// not kept; a file sent through an organization's link (`cstd invite`) is
    /// kept and ingested. The secretariat's pages (`/secretariat`) open with
    /// the token in CSTD_SECRETARIAT_TOKEN or in the file given by
    /// `--secretariat-token-file`.
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Fr,
    Es,
    Ar,
    Zh,
    Ru,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ar => "ar",
            Lang::Zh => "zh",
            Lang::Ru => "ru",
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
    /// Write the cells around each finding's, as JSON (one file only; for the web page).
    #[arg(long, value_name = "OUT.json", hide = true)]
    pub rows: Option<PathBuf>,
    /// Language of the output: findings, help, summaries and the annotated copy.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
    /// Show every finding; by default each kind shows its first 10 and counts the rest.
    #[arg(long)]
    pub all: bool,
    /// Follow symbolic links inside the folders given (never outside them).
    #[arg(long)]
    pub follow_links: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0: any free port, printed on start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Largest file accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 20)]
    pub max_upload: u64,
    /// Checks run at once; more are asked to retry (default: two per core).
    #[arg(long, value_name = "N")]
    pub max_checks: Option<usize>,
    /// Checks one client may ask for in a minute.
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub per_minute: u32,
    #[command(flatten)]
    pub store: StoreArg,
    /// Where the reports are built [default: the `output` of cstd.toml, else output].
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// A file holding the secretariat's token (else CSTD_SECRETARIAT_TOKEN);
    /// without one, the secretariat's pages stay closed.
    #[arg(long, value_name = "FILE")]
    pub secretariat_token_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// The reporting year the links are for.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i64).range(2005..=2100))]
    pub year: i64,
    /// Only these organizations (repeat the flag); default: every one of the register.
    #[arg(long, value_name = "ORG")]
    pub only: Vec<String>,
    /// The address organizations reach the page at, which begins each link.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    #[command(flatten)]
    pub store: StoreArg,
    /// The register of invited organizations [default: the store's, else cstd.toml's, else the built-in one].
    #[arg(long, value_name = "FILE")]
    pub register: Option<PathBuf>,
    /// Where to write `invites-<year>.csv` [default: the `output` of cstd.toml, else output].
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
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
    /// Language of the explanation.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct StoreArg {
    /// Where the store is [default: CSTD_STORE, else the `store` of cstd.toml, else output/store].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files and folders of submissions (folders are searched recursively)
    /// [default: the `submissions` of cstd.toml, else submissions].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub store: StoreArg,
    /// The register of invited organizations [default: the `register` of
    /// cstd.toml, else the one the store last used, else the built-in one].
    #[arg(long, value_name = "FILE")]
    pub register: Option<PathBuf>,
    /// When the secretariat received the files (2026-03-01, or a time in RFC
    /// 3339) [default: each file's own modification time].
    #[arg(long, value_name = "DATE")]
    pub received: Option<String>,
    /// Whose files these are, for files that do not say (an acronym of the register).
    #[arg(long, value_name = "ORG")]
    pub from: Option<String>,
    /// For which reporting year, for files that do not say.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i64).range(2005..=2100))]
    pub year: Option<i64>,
    /// Follow symbolic links inside the folders given (never outside them).
    #[arg(long)]
    pub follow_links: bool,
    /// The most an ingest reads at once, all files together, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = 4096)]
    pub max_total: u64,
    /// Fail at once if another ingest is writing to the store, instead of waiting.
    #[arg(long)]
    pub no_wait: bool,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Repair what can be repaired: rebuild the tables and the ledger from the
    /// files received and the newest sound generation, restore CURRENT, remove
    /// temporary files.
    #[arg(long)]
    pub repair: bool,
    #[command(flatten)]
    pub store: StoreArg,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to set up (made if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
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
    /// The template folder (report.md and its fonts) [default: the `template`
    /// of cstd.toml, else the built-in template].
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,
    /// Where to write `<year>/report.pdf`, `report.docx` and the data annex
    /// [default: the `output` of cstd.toml, else output].
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArg,
    /// Write an editable copy of the built-in template into DIR, and nothing else.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["year", "reference"])]
    pub copy_template: Option<PathBuf>,
    /// Print what a template may use (variables, filters, functions, data blocks), and nothing else.
    #[arg(long)]
    pub reference: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The folder of received submissions [default: the `submissions` of
    /// cstd.toml, else submissions].
    #[arg(value_name = "PATH")]
    pub submissions: Option<PathBuf>,
    /// The register of invited organizations [default: the `register` of
    /// cstd.toml, else the one the store last used, else the built-in one].
    #[arg(long, value_name = "FILE")]
    pub register: Option<PathBuf>,
    /// The template folder [default: the `template` of cstd.toml, else the built-in template].
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,
    /// Where the report and its annex go [default: the `output` of cstd.toml, else output].
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArg,
}
