//! The data annex: every data block as a CSV file, and one workbook with a
//! sheet per table, named after the report's table, columns sized to their
//! content, dates stored as dates, shares unrounded, and a sheet of notes
//! giving each table's source and definitions. Every figure of the report can
//! be recomputed from these files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::data::blocks::DataBlock;
use crate::tables::Data;

/// Writes the annex into `dir` (CSV files) and `xlsx`; returns the files.
pub fn write(
    blocks: &BTreeMap<String, DataBlock>,
    labels: &BTreeMap<String, String>,
    dir: &Path,
    xlsx: &Path,
    year: &str,
) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for b in blocks.values() {
        let path = dir.join(format!("{}.csv", b.name));
        let bytes = crate::export::csv_bytes(&b.table).map_err(|e| format!("{e:#}"))?;
        crate::durable::write(&path, &bytes).map_err(|e| e.to_string())?;
        written.push(path);
    }
    let bytes = workbook(blocks, labels, year).map_err(|e| e.to_string())?;
    crate::durable::write(xlsx, &bytes).map_err(|e| e.to_string())?;
    written.push(xlsx.to_path_buf());
    Ok(written)
}

/// A sheet's name: its label in the report (`Table 2`) and caption, cut to
/// Excel's 31 characters; an unplaced block by its caption.
fn sheet_name(b: &DataBlock, label: Option<&String>) -> String {
    let raw = match label {
        Some(l) => format!("{l} {}", b.caption),
        None => b.caption.clone(),
    };
    let clean: String = raw
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    clean
        .chars()
        .take(31)
        .collect::<String>()
        .trim()
        .to_string()
}

fn workbook(
    blocks: &BTreeMap<String, DataBlock>,
    labels: &BTreeMap<String, String>,
    year: &str,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("d mmmm yyyy");
    let wrap = Format::new().set_text_wrap();
    // Placed tables first, in the report's order; the rest after, by name.
    let mut order: Vec<&DataBlock> = blocks.values().collect();
    let number = |b: &DataBlock| {
        labels
            .get(b.name)
            .and_then(|l| l.split_whitespace().last()?.parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    };
    order.sort_by_key(|b| (number(b), b.name));
    let mut used = std::collections::HashSet::new();
    let mut notes: Vec<[String; 4]> = Vec::new();
    for b in &order {
        let mut name = sheet_name(b, labels.get(b.name));
        while !used.insert(name.clone()) {
            name = format!(
                "{} {}",
                name.chars().take(28).collect::<String>(),
                used.len()
            );
        }
        notes.push([
            name.clone(),
            labels.get(b.name).cloned().unwrap_or_default(),
            b.caption.clone(),
            b.notes
                .iter()
                .cloned()
                .chain([format!(
                    "Source: contributions received by the secretariat for {year}; {}.csv.",
                    b.name
                )])
                .collect::<Vec<_>>()
                .join(" "),
        ]);
        let ws = wb.add_worksheet().set_name(&name)?;
        for (c, (head, d)) in b.table.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, head.as_str(), &bold)?;
            let mut widest = head.chars().count().min(30);
            for r in 0..d.len() {
                let row = r as u32 + 1;
                match d {
                    Data::Int(v) => {
                        if let Some(n) = v[r] {
                            ws.write_number(row, c, n as f64)?;
                            widest = widest.max(n.to_string().len() + 1);
                        }
                    }
                    Data::Float(v) => {
                        // Unrounded: the report rounds, the annex does not.
                        if let Some(n) = v[r] {
                            ws.write_number(row, c, n)?;
                            widest = widest.max(8);
                        }
                    }
                    Data::Date(v) => {
                        if let Some(day) = v[r] {
                            use chrono::Datelike;
                            let dt = ExcelDateTime::from_ymd(
                                day.year() as u16,
                                day.month() as u8,
                                day.day() as u8,
                            )?;
                            ws.write_date_with_format(row, c, &dt, &date)?;
                            widest = widest.max(17);
                        }
                    }
                    Data::Bool(v) => {
                        if let Some(x) = v[r] {
                            ws.write_boolean(row, c, x)?;
                        }
                    }
                    Data::Text(v) => {
                        if let Some(s) = v.get(r) {
                            ws.write_string(row, c, s)?;
                            widest = widest.max(s.chars().count());
                        }
                    }
                }
            }
            ws.set_column_width(c, (widest as f64 + 2.0).clamp(8.0, 60.0))?;
        }
        ws.set_freeze_panes(1, 0)?;
    }
    let ws = wb.add_worksheet().set_name("Notes")?;
    for (c, h) in ["Sheet", "In the report", "Table", "Notes and source"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, n) in notes.iter().enumerate() {
        for (c, v) in n.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, v, &wrap)?;
        }
    }
    let defs = [
        "Definitions.",
        "A contribution is compiled when a submission of the organization for the year was accepted; the one in force is the one received last.",
        "Participations of governments: a government taking part in several actions is counted once for each.",
        "Least developed countries, landlocked developing countries and small island developing States: as listed by the Office of the High Representative for the Least Developed Countries, Landlocked Developing Countries and Small Island Developing States, December 2024; an action counts for a group when it names at least one country of it.",
        "Regions: those of the United Nations M49 standard.",
    ];
    let start = notes.len() as u32 + 3;
    for (i, d) in defs.iter().enumerate() {
        ws.write_string_with_format(start + i as u32, 0, *d, if i == 0 { &bold } else { &wrap })?;
    }
    ws.set_column_width(0, 32.0)?;
    ws.set_column_width(1, 14.0)?;
    ws.set_column_width(2, 40.0)?;
    ws.set_column_width(3, 90.0)?;
    wb.save_to_buffer()
}
