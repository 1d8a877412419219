//! Reading: any accepted container into a [`Workbook`] of sheets and cells.
//!
//! Reading never fails with an error: a file that cannot be read gives findings
//! and no workbook. Limits on size, inflation, sheets, rows, columns and cell
//! length are checked before a third-party parser allocates for them.

mod csv;
mod json;
mod limits;
mod ods_scan;
mod spreadsheet;
mod unseen;
mod zip;

use crate::msg;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

pub use json::pointer;
pub use limits::Limits;

use crate::findings::{Finding, Place};

/// A cell's value, as the container held it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    /// A formula error (`#REF!`).
    Error(String),
    /// A JSON array: its items, already apart, each text or a number.
    List(Vec<Value>),
}

impl Value {
    /// Empty, or text that is only white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => crate::text::trim(s).is_empty(),
            Value::List(items) => items.is_empty(),
            _ => false,
        }
    }

    /// The value as a person would read it in the cell.
    pub fn display(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.clone(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Error(e) => e.clone(),
            Value::List(items) => items
                .iter()
                .map(Value::display)
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Container {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
    CsvFolder,
    CsvZip,
    Csv,
    Json,
}

impl Container {
    pub fn name(self) -> &'static str {
        match self {
            Container::Xlsx => "xlsx",
            Container::Xlsm => "xlsm",
            Container::Xlsb => "xlsb",
            Container::Xls => "xls",
            Container::Ods => "ods",
            Container::CsvFolder => "folder of CSV files",
            Container::CsvZip => "zip of CSV files",
            Container::Csv => "CSV file",
            Container::Json => "json",
        }
    }

    /// The kind of file as a person reads it, in `lang`.
    pub fn say(self, lang: &str) -> String {
        match self {
            Container::CsvFolder => crate::messages::word("csv-folder", lang),
            Container::CsvZip => crate::messages::word("csv-zip", lang),
            Container::Csv => crate::messages::word("csv-file", lang),
            other => other.name().to_string(),
        }
    }

    /// JSON places are paths (`actions[2].title`), not cells.
    pub fn is_json(self) -> bool {
        self == Container::Json
    }
}

/// One sheet: rows of cells, trailing blank rows and columns removed.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Value>>,
    /// For JSON: the key each column came from, to name places.
    pub keys: Vec<String>,
    /// For JSON: whether the sheet was an object or an array of records.
    pub json: Option<JsonShape>,
    /// For JSON: values that are not of a kind a submission holds, each with
    /// the key it was under (none for a whole record). They are reported when
    /// that key is read: a key or part the schema does not know is ignored whole.
    pub problems: Vec<(Option<String>, Finding)>,
}

/// What a top-level JSON value that became a sheet was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonShape {
    /// `{ "key": value, ... }`: a form.
    Object,
    /// `[ { ... }, ... ]`: a table of records.
    Array,
}

impl Sheet {
    pub fn cell(&self, row: usize, col: usize) -> &Value {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Value::Empty)
    }
}

#[derive(Debug, Clone)]
pub struct Workbook {
    pub container: Container,
    /// Sheets whose cells were read.
    pub sheets: Vec<Sheet>,
    /// Names of sheets present but not read (not wanted by the caller).
    pub skipped: Vec<String>,
}

/// What reading a file gave: a workbook unless it could not be read at all, and
/// findings either way (notes such as the detected encoding, or why it failed).
#[derive(Debug)]
pub struct Read {
    pub workbook: Option<Workbook>,
    pub findings: Vec<Finding>,
}

impl Read {
    fn failed(f: Finding) -> Read {
        Read {
            workbook: None,
            findings: vec![f],
        }
    }
}

/// Which sheets to read cells of; the others are listed as skipped.
pub type SheetFilter<'a> = &'a (dyn Fn(&str) -> bool + Sync);

/// The finding for a file larger than the reader takes.
pub fn file_too_large(size: u64, limits: &Limits) -> Finding {
    limits::exceeded("limit-file-size", size, limits.max_file_bytes)
}

/// The CSV files of a folder, read once (file name, bytes), so that the bytes
/// kept are the bytes checked; [`read_csv_files`] reads their sheets.
pub fn csv_folder_files(dir: &Path, limits: &Limits) -> Result<Vec<(String, Vec<u8>)>, Finding> {
    csv::folder_files(dir, limits)
}

/// The sheets of a folder's CSV files, as [`csv_folder_files`] gave them.
pub fn read_csv_files(files: Vec<(String, Vec<u8>)>, limits: &Limits) -> Read {
    guarded(|| csv::read_files(files, limits))
}

/// Reads a file or a folder of CSV files.
pub fn read_path(path: &Path, limits: &Limits, want: SheetFilter) -> Read {
    if path.is_dir() {
        return csv::read_folder(path, limits);
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return Read::failed(unreadable(msg!("cannot-open", error = e.to_string())));
        }
    };
    if meta.len() > limits.max_file_bytes {
        return Read::failed(limits::exceeded(
            "limit-file-size",
            meta.len(),
            limits.max_file_bytes,
        ));
    }
    match std::fs::read(path) {
        Ok(bytes) => read_bytes(&bytes, extension(path).as_deref(), limits, want),
        Err(e) => Read::failed(unreadable(msg!("cannot-read", error = e.to_string()))),
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().to_lowercase())
}

/// Reads a file held in memory. The extension is a hint; the content decides.
pub fn read_bytes(bytes: &[u8], ext: Option<&str>, limits: &Limits, want: SheetFilter) -> Read {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Read::failed(limits::exceeded(
            "limit-file-size",
            bytes.len() as u64,
            limits.max_file_bytes,
        ));
    }
    guarded(|| dispatch(bytes, ext, limits, want))
}

fn dispatch(bytes: &[u8], ext: Option<&str>, limits: &Limits, want: SheetFilter) -> Read {
    const ZIP: &[u8] = b"PK\x03\x04";
    const EMPTY_ZIP: &[u8] = b"PK\x05\x06";
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.is_empty() {
        return Read::failed(unreadable(msg!("file-empty")));
    }
    if bytes.starts_with(ZIP) || bytes.starts_with(EMPTY_ZIP) {
        return zip::read(bytes, ext, limits, want);
    }
    if bytes.starts_with(CFB) {
        return spreadsheet::read_cfb(bytes, limits, want);
    }
    let text_start = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF);
    let looks_json = matches!(text_start, Some(b'{'));
    match ext {
        Some("json") => json::read(bytes, limits),
        Some("csv" | "txt" | "tsv") => csv::read_single(bytes, ext, limits),
        _ if looks_json => json::read(bytes, limits),
        Some("xlsx" | "xlsm" | "xlsb" | "ods" | "xls") => {
            if bytes.starts_with(b"PK") {
                Read::failed(
                    Finding::new("file-truncated", Place::default())
                        .detail(msg!("archive-damaged")),
                )
            } else {
                Read::failed(unreadable(msg!(
                    "not-a-workbook",
                    extension = ext.unwrap_or("")
                )))
            }
        }
        _ => Read::failed(
            Finding::new("file-format-unknown", Place::default()).value(
                ext.map(|e| format!(".{e}"))
                    .unwrap_or_else(|| "(no extension)".into()),
            ),
        ),
    }
}

pub(crate) fn unreadable(detail: crate::messages::Message) -> Finding {
    Finding::new("file-unreadable", Place::default()).detail(detail)
}

/// Runs a third-party parser so that a panic inside it becomes a finding, not a
/// crash. (An allocation failure cannot be caught: the limits checked before the
/// parser runs are what prevent those.)
fn guarded(f: impl FnOnce() -> Read) -> Read {
    IN_READER.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_READER.with(|q| q.set(false));
    match result {
        Ok(r) => r,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown".into());
            Read::failed(unreadable(msg!("reader-stopped", error = what)))
        }
    }
}

/// Collects the cells of one sheet under the limits, then lays them out densely.
pub(crate) struct SheetBuilder<'a> {
    name: String,
    limits: &'a Limits,
    rows: Vec<Vec<Value>>,
    scanned: u64,
}

impl<'a> SheetBuilder<'a> {
    pub fn new(name: &str, limits: &'a Limits) -> SheetBuilder<'a> {
        SheetBuilder {
            name: name.to_string(),
            limits,
            rows: Vec::new(),
            scanned: 0,
        }
    }

    /// Adds a cell; blank ones count toward the scan limit only.
    pub fn push(&mut self, row: u32, col: u32, value: Value) -> Result<(), Finding> {
        self.scanned += 1;
        let l = self.limits;
        if self.scanned > l.max_cells_scanned {
            return Err(limits::exceeded(
                "limit-cells-in-sheet",
                self.scanned,
                l.max_cells_scanned,
            )
            .place(&self.name));
        }
        if value.is_blank() {
            return Ok(());
        }
        if row as u64 >= l.max_rows {
            return Err(
                limits::exceeded("limit-rows", row as u64 + 1, l.max_rows).place(&self.name)
            );
        }
        if col as u64 >= l.max_columns {
            return Err(
                limits::exceeded("limit-columns", col as u64 + 1, l.max_columns).place(&self.name),
            );
        }
        // A character is at least a byte: a short text needs no count.
        if let Value::Text(s) = &value
            && s.len() as u64 > l.max_cell_chars
        {
            let n = s.chars().count() as u64;
            if n > l.max_cell_chars {
                return Err(
                    limits::exceeded("limit-cell-characters", n, l.max_cell_chars)
                        .place(&self.name)
                        .at(row, col),
                );
            }
        }
        // Each cell goes to its row at once, in whatever order cells come.
        let (r, c) = (row as usize, col as usize);
        if r >= self.rows.len() {
            // A new row is made as wide as the one before: rows are alike.
            let width = self.rows.last().map_or(0, Vec::len);
            self.rows.resize_with(r + 1, Vec::new);
            self.rows[r].reserve_exact(width.max(c + 1));
        }
        let cells = &mut self.rows[r];
        if c < cells.len() {
            cells[c] = value;
        } else {
            // Mostly the next cell of the row: no gap to fill.
            cells.resize(c, Value::Empty);
            cells.push(value);
        }
        Ok(())
    }

    pub fn finish(self) -> Sheet {
        Sheet {
            name: self.name,
            rows: self.rows,
            keys: Vec::new(),
            json: None,
            problems: Vec::new(),
        }
    }
}

pub(crate) trait FindingPlace {
    fn place(self, sheet: &str) -> Self;
    fn at(self, row: u32, col: u32) -> Self;
}

impl FindingPlace for Finding {
    fn place(mut self, sheet: &str) -> Finding {
        self.place.sheet = Some(sheet.to_string());
        self
    }

    fn at(mut self, row: u32, col: u32) -> Finding {
        self.place.cell = Some(crate::text::cell_name(row, col));
        self.place.at = Some((row, col));
        self
    }
}

thread_local! {
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps a parser's panic, which [`guarded`] turns into a finding, from also
/// printing a backtrace notice; other panics print as usual.
pub fn quiet_reader_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_READER.with(std::cell::Cell::get) {
            default(info);
        }
    }));
}
