//! A first pass over an ODS `content.xml`: ODS compresses runs of rows and cells
//! as "repeated N times", so a tiny file can describe a value in a million rows.
//! This pass computes how far the cells with content reach, repeats included,
//! before calamine lays the sheet out.

use crate::msg;
use std::io::{BufReader, Cursor, Read as _};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::{Limits, limits};
use crate::findings::{Finding, Place};

pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), Finding> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| truncated(&e))?;
    let entry = archive.by_name("content.xml").map_err(|e| truncated(&e))?;
    let mut xml = Reader::from_reader(BufReader::new(entry.take(limits.max_inflated_bytes)));
    let mut buf = Vec::new();
    let mut row: u64 = 0;
    let mut col: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut row_cells: u64 = 0;
    let mut cells: u64 = 0;
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| truncated(&e))?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.local_name().as_ref() {
                "table" => row = 0,
                "table-row" => {
                    row_repeat = repeat(e, "table:number-rows-repeated");
                    col = 0;
                    row_cells = 0;
                    if empty {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table-cell" | "covered-table-cell" => {
                    let n = repeat(e, "table:number-columns-repeated");
                    col = col.saturating_add(n);
                    if e.try_get_attribute("office:value-type")
                        .ok()
                        .flatten()
                        .is_some()
                    {
                        row_cells = row_cells.saturating_add(n);
                        let last_row = row.saturating_add(row_repeat);
                        if last_row > limits.max_rows {
                            return Err(limits::exceeded("limit-rows", last_row, limits.max_rows));
                        }
                        if col > limits.max_columns {
                            return Err(limits::exceeded("limit-columns", col, limits.max_columns));
                        }
                    }
                }
                _ => {}
            }
        }
        match event {
            Event::End(e) if e.local_name().as_ref() == "table-row" => {
                cells = cells.saturating_add(row_cells.saturating_mul(row_repeat));
                if cells > limits.max_cells_scanned {
                    return Err(limits::exceeded(
                        "limit-cells",
                        cells,
                        limits.max_cells_scanned,
                    ));
                }
                row = row.saturating_add(row_repeat);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn repeat(e: &BytesStart<'_>, name: &str) -> u64 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.parse().ok())
        .unwrap_or(1)
}

fn truncated(e: &dyn std::fmt::Display) -> Finding {
    Finding::new("file-truncated", Place::default())
        .detail(msg!("content-unreadable", error = e.to_string()))
}
