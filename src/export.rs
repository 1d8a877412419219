//! Export: a year's tables, as they stand (the submissions in force), for
//! analysts, in CSV, XLSX or Parquet. Text that a spreadsheet would run as a
//! formula is neutralized in CSV; a workbook's text cells are never run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::schema::Schema;
use crate::store::Generation;
use crate::tables::{Data, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Parquet,
}

/// The year's tables restricted to the submissions in force, in schema order,
/// then the findings of those submissions' files.
pub fn current_tables(generation: &Generation, year: i64) -> anyhow::Result<Vec<Table>> {
    let schema = Schema::current();
    let Some(submissions) = generation.table(Some(year), "submissions")? else {
        bail!("the store has no submissions for {year}");
    };
    let current: BTreeSet<String> = submissions
        .filter_text("status", |s| s == "current")
        .text("submission_id")
        .map(|ids| ids.iter().flatten().map(String::from).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for name in crate::normalize::table_names(schema) {
        let Some(table) = generation.table(Some(year), &name)? else {
            continue;
        };
        out.push(table.filter_text("submission_id", |id| current.contains(id)));
    }
    if let Some(findings) = generation.table(None, "findings")? {
        out.push(findings.filter_text("submission_id", |id| current.contains(id)));
    }
    Ok(out)
}

/// Writes the tables into `dir`; returns the files written.
pub fn write(
    tables: &[Table],
    format: Format,
    dir: &Path,
    year: i64,
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    match format {
        Format::Csv => {
            for t in tables {
                let path = dir.join(format!("{}.csv", t.name));
                crate::durable::write(&path, &csv_bytes(t)?)?;
                written.push(path);
            }
        }
        Format::Parquet => {
            for t in tables {
                let path = dir.join(format!("{}.parquet", t.name));
                crate::durable::write_with(&path, crate::durable::Sync::Now, |f| {
                    crate::tables::write_parquet(t, std::io::BufWriter::new(f))
                        .map_err(|e| std::io::Error::other(format!("{e:#}")))
                })?;
                written.push(path);
            }
        }
        Format::Xlsx => {
            let path = dir.join(format!("cstd-{year}.xlsx"));
            crate::durable::write(&path, &xlsx_bytes(tables)?)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// A text cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, or
/// a tab or carriage return before one), prefixed with `'` so that it stays text.
pub fn neutralize(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{s}")),
        _ => std::borrow::Cow::Borrowed(s),
    }
}

pub fn csv_bytes(t: &Table) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(t.columns.iter().map(|(n, _)| n.as_str()))?;
    for r in 0..t.height() {
        let row: Vec<String> = t
            .columns
            .iter()
            .map(|(_, d)| match d {
                Data::Text(_) => d
                    .display(r)
                    .map(|s| neutralize(&s).into_owned())
                    .unwrap_or_default(),
                _ => d.display(r).unwrap_or_default(),
            })
            .collect();
        w.write_record(&row)?;
    }
    Ok(w.into_inner()?)
}

pub fn xlsx_bytes(tables: &[Table]) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for t in tables {
        // Sheet names are at most 31 characters.
        let name: String = t.name.chars().take(31).collect();
        let ws = wb.add_worksheet().set_name(name)?;
        for (c, (n, d)) in t.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, n.as_str(), &bold)?;
            for r in 0..d.len() {
                let row = r as u32 + 1;
                match d {
                    Data::Text(v) => {
                        if let Some(s) = v.get(r) {
                            // A text cell of a workbook is never run as a formula: kept as it is.
                            ws.write_string(row, c, s)?;
                        }
                    }
                    Data::Int(v) => {
                        if let Some(n) = v[r] {
                            ws.write_number(row, c, n as f64)?;
                        }
                    }
                    Data::Float(v) => {
                        if let Some(n) = v[r] {
                            ws.write_number(row, c, n)?;
                        }
                    }
                    Data::Bool(v) => {
                        if let Some(b) = v[r] {
                            ws.write_boolean(row, c, b)?;
                        }
                    }
                    Data::Date(v) => {
                        if let Some(d) = v[r] {
                            use chrono::Datelike;
                            let dt = ExcelDateTime::from_ymd(
                                d.year() as u16,
                                d.month() as u8,
                                d.day() as u8,
                            )?;
                            ws.write_date_with_format(row, c, &dt, &date)?;
                        }
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+41 22"), "'+41 22");
        assert_eq!(neutralize("-1"), "'-1");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("ITU"), "ITU");
    }
}
