//! Workbooks read with calamine: xlsx and xlsb through its streaming cell
//! readers (so a sheet is never allocated from its declared size), ods and xls
//! through its ranges after checks of our own.

use crate::msg;
use std::io::Cursor;

use calamine::{CellErrorType, Data, DataRef, DataType, Ods, Reader, Xls, Xlsb, Xlsx};

use super::{
    Container, FindingPlace as _, Limits, Read, Sheet, SheetBuilder, SheetFilter, Value, Workbook,
    limits, unreadable,
};
use crate::findings::{Finding, Place};

/// Reads an xlsx or xlsm; `archive` is its directory, already read for the
/// limits, which the look at each sheet's XML uses again.
pub(super) fn read_xlsx(
    bytes: &[u8],
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    xlsm: bool,
    limits: &Limits,
    want: SheetFilter,
) -> Read {
    let container = if xlsm {
        Container::Xlsm
    } else {
        Container::Xlsx
    };
    // Calamine does not say which rows are hidden or outside the used
    // range: the sheets' XML is looked at for that first, and for whether a
    // sheet may hold formulas. Calamine then reads those sheets as they were
    // inflated for that look, not inflating them a second time.
    let (unseen, repacked) = super::unseen::xlsx(archive, want);
    let source: &[u8] = repacked.as_deref().unwrap_or(bytes);
    let mut wb = match Xlsx::new(Cursor::new(source)) {
        Ok(wb) => wb,
        Err(e) => return Read::failed(structure(&e)),
    };
    let names = wb.sheet_names();
    let hidden = hidden_sheets(wb.sheets_metadata());
    let mut noted = Vec::new();
    let mut read = read_sheets(names, container, limits, want, |name| {
        let mut cells = wb
            .worksheet_cells_reader(name)
            .map_err(|e| sheet_damaged(name, &e))?;
        // Formulas are read with their cached values: a formula without one
        // (a file written by a program) is said, never read as empty. A
        // sheet with no formula is read without looking for them.
        let formulas = super::unseen::Unseen::formulas_in(&unseen, name);
        let mut no_value = Vec::new();
        let sheet = drain(name, limits, || -> Result<_, calamine::XlsxError> {
            if !formulas {
                return Ok(cells
                    .next_cell()?
                    .map(|c| (c.get_position(), from_ref(c.get_value()))));
            }
            loop {
                let Some(c) = cells.next_cell_with_formula_metadata()? else {
                    return Ok(None);
                };
                if c.formula.is_some() && matches!(c.value, DataRef::Empty) {
                    no_value.push(c.pos);
                    continue;
                }
                return Ok(Some((c.pos, from_ref(&c.value))));
            }
        })?;
        for (row, col) in no_value {
            noted.push(Finding::new("formula-no-value", Place::sheet(name)).at(row, col));
        }
        Ok(sheet)
    });
    read.findings.extend(noted);
    read.findings.extend(hidden_notes(&read, &hidden));
    if let Some(wb) = &read.workbook {
        read.findings
            .extend(super::unseen::notes(&unseen, &wb.sheets));
    }
    read
}

/// The names of the hidden sheets of a workbook.
fn hidden_sheets(meta: &[calamine::Sheet]) -> Vec<String> {
    meta.iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect()
}

/// A note for each hidden sheet that was read.
fn hidden_notes(read: &Read, hidden: &[String]) -> Vec<Finding> {
    let Some(wb) = &read.workbook else {
        return Vec::new();
    };
    wb.sheets
        .iter()
        .filter(|s| hidden.contains(&s.name))
        .map(|s| Finding::new("hidden-data", Place::sheet(&s.name)).detail(msg!("sheet-hidden")))
        .collect()
}

pub(super) fn read_xlsb(bytes: &[u8], limits: &Limits, want: SheetFilter) -> Read {
    let mut wb = match Xlsb::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => return Read::failed(structure(&e)),
    };
    let names = wb.sheet_names();
    read_sheets(names, Container::Xlsb, limits, want, |name| {
        let mut cells = wb
            .worksheet_cells_reader(name)
            .map_err(|e| sheet_damaged(name, &e))?;
        drain(name, limits, || {
            cells
                .next_cell()
                .map(|c| c.map(|c| (c.get_position(), from_ref(c.get_value()))))
        })
    })
}

/// Pulls every cell of a streaming reader into a sheet, under the limits.
fn drain<E: std::fmt::Display>(
    name: &str,
    limits: &Limits,
    mut next: impl FnMut() -> Result<Option<((u32, u32), Value)>, E>,
) -> Result<Sheet, Finding> {
    let mut sheet = SheetBuilder::new(name, limits);
    while let Some(((row, col), value)) = next().map_err(|e| sheet_damaged(name, &e))? {
        sheet.push(row, col, value)?;
    }
    Ok(sheet.finish())
}

/// Reads the wanted sheets with `read_one`, in workbook order.
fn read_sheets(
    names: Vec<String>,
    container: Container,
    limits: &Limits,
    want: SheetFilter,
    mut read_one: impl FnMut(&str) -> Result<Sheet, Finding>,
) -> Read {
    if names.len() as u64 > limits.max_sheets {
        return Read::failed(limits::exceeded(
            "limit-sheets",
            names.len() as u64,
            limits.max_sheets,
        ));
    }
    let mut sheets = Vec::new();
    let mut skipped = Vec::new();
    for name in names {
        if !want(&name) {
            skipped.push(name);
            continue;
        }
        match read_one(&name) {
            Ok(sheet) => sheets.push(sheet),
            Err(f) => return Read::failed(f),
        }
    }
    Read {
        workbook: Some(Workbook {
            container,
            sheets,
            skipped,
        }),
        findings: Vec::new(),
    }
}

fn structure(e: &dyn std::fmt::Display) -> Finding {
    unreadable(msg!("structure-unreadable", error = e.to_string()))
}

pub(super) fn read_ods(bytes: &[u8], limits: &Limits, want: SheetFilter) -> Read {
    if let Err(f) = super::ods_scan::check(bytes, limits) {
        return Read::failed(f);
    }
    let wb = match Ods::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => return Read::failed(structure(&e)),
    };
    read_ranges(wb, Container::Ods, limits, want)
}

/// A compound file: an xls workbook, or an encrypted Office file (which is
/// always a compound file holding an `EncryptedPackage` stream).
pub(super) fn read_cfb(bytes: &[u8], limits: &Limits, want: SheetFilter) -> Read {
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>()
    };
    let marker = utf16("EncryptedPackage");
    if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
        return Read::failed(Finding::new("file-encrypted", Place::default()));
    }
    let wb = match Xls::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(calamine::XlsError::Password) => {
            return Read::failed(Finding::new("file-encrypted", Place::default()));
        }
        Err(e) => {
            let text = e.to_string();
            let f = if text.contains("Eof")
                || text.contains("end of file")
                || text.contains("EOF")
                || text.contains("sector")
            {
                Finding::new("file-truncated", Place::default())
                    .detail(msg!("ends-early", error = &text))
            } else {
                unreadable(msg!("structure-unreadable", error = &text))
            };
            return Read::failed(f);
        }
    };
    read_ranges(wb, Container::Xls, limits, want)
}

fn read_ranges<R: Reader<Cursor<B>>, B: AsRef<[u8]>>(
    mut wb: R,
    container: Container,
    limits: &Limits,
    want: SheetFilter,
) -> Read
where
    R::Error: std::fmt::Display,
{
    let names = wb.sheet_names();
    read_sheets(names, container, limits, want, |name| {
        let range = wb
            .worksheet_range(name)
            .map_err(|e| sheet_damaged(name, &e))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut cells = range
            .used_cells()
            .map(|(r, c, v)| Ok::<_, String>(((top + r as u32, left + c as u32), from_data(v))));
        drain(name, limits, || cells.next().transpose())
    })
}

fn sheet_damaged(name: &str, e: &dyn std::fmt::Display) -> Finding {
    Finding::new("file-truncated", Place::sheet(name))
        .detail(msg!("sheet-damaged", error = e.to_string()))
}

fn error_text(e: &CellErrorType) -> Value {
    Value::Error(e.to_string())
}

fn from_ref(v: &DataRef<'_>) -> Value {
    match v {
        DataRef::Empty => Value::Empty,
        DataRef::String(s) => Value::Text(s.clone()),
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::Error(e) => error_text(e),
        DataRef::DateTime(d) => v
            .as_date()
            .map(Value::Date)
            .unwrap_or(Value::Number(d.as_f64())),
        DataRef::DateTimeIso(s) => v
            .as_date()
            .map(Value::Date)
            .unwrap_or_else(|| Value::Text(s.clone())),
        DataRef::DurationIso(s) => Value::Text(s.clone()),
    }
}

fn from_data(v: &Data) -> Value {
    match v {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::Error(e) => error_text(e),
        Data::DateTime(d) => v
            .as_date()
            .map(Value::Date)
            .unwrap_or(Value::Number(d.as_f64())),
        Data::DateTimeIso(s) => v
            .as_date()
            .map(Value::Date)
            .unwrap_or_else(|| Value::Text(s.clone())),
        Data::DurationIso(s) => Value::Text(s.clone()),
    }
}
