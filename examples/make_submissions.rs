//! Writes the example submissions of `submissions/2026/` from the JSON sources
//! in `tests/fixtures/sources/`, in the containers and languages real
//! organizations send: `cargo run --example make_submissions`.
//!
//! The .ods and .xls examples are then made from the generated .xlsx with
//! LibreOffice (see `submissions/README.md`), as organizations using those
//! programs would save them.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use cstd::read::{Limits, Value, read_bytes};
use cstd::schema::{Layout, Schema, SheetDef};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

#[derive(Clone, Copy)]
enum Shape {
    /// As the template lays sheets out: a title row and a help row above the header.
    Template,
    /// Columns in another order, under two title rows, as when a sheet is rebuilt by hand.
    Reordered,
}

enum Out {
    Xlsx {
        lang: &'static str,
        shape: Shape,
    },
    CsvFolder {
        lang: &'static str,
        delimiter: u8,
        windows_1252: bool,
    },
    CsvZip {
        lang: &'static str,
    },
    Json,
}

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = root.join("tests/fixtures/sources");
    let out = root.join("submissions/2026");
    std::fs::create_dir_all(&out)?;
    let plan: &[(&str, &str, Out)] = &[
        (
            "itu",
            "itu.xlsx",
            Out::Xlsx {
                lang: "en",
                shape: Shape::Template,
            },
        ),
        (
            "unesco",
            "unesco.xlsx",
            Out::Xlsx {
                lang: "fr",
                shape: Shape::Template,
            },
        ),
        (
            "oecd",
            "oecd.xlsx",
            Out::Xlsx {
                lang: "en",
                shape: Shape::Reordered,
            },
        ),
        ("icann", "icann.json", Out::Json),
        (
            "undesa",
            "undesa.xlsx",
            Out::Xlsx {
                lang: "en",
                shape: Shape::Template,
            },
        ),
        (
            "wipo",
            "wipo.xlsx",
            Out::Xlsx {
                lang: "en",
                shape: Shape::Template,
            },
        ),
        (
            "eclac",
            "eclac",
            Out::CsvFolder {
                lang: "es",
                delimiter: b';',
                windows_1252: true,
            },
        ),
        ("isoc", "isoc.zip", Out::CsvZip { lang: "en" }),
        (
            "unctad",
            "unctad.xlsx",
            Out::Xlsx {
                lang: "en",
                shape: Shape::Template,
            },
        ),
        (
            "who",
            "who.xlsx",
            Out::Xlsx {
                lang: "en",
                shape: Shape::Reordered,
            },
        ),
        ("undp", "undp.json", Out::Json),
        (
            "oif",
            "oif.xlsx",
            Out::Xlsx {
                lang: "fr",
                shape: Shape::Template,
            },
        ),
    ];
    let schema = Schema::current();
    for (source, file, how) in plan {
        let bytes = std::fs::read(sources.join(format!("{source}.json")))?;
        let target = out.join(file);
        if let Out::Json = how {
            std::fs::write(&target, &bytes)?;
            continue;
        }
        let all = |_: &str| true;
        let read = read_bytes(&bytes, Some("json"), &Limits::default(), &all);
        let wb = read
            .workbook
            .ok_or_else(|| anyhow::anyhow!("{source}.json cannot be read: {:?}", read.findings))?;
        let sheets: Vec<(&SheetDef, Vec<Vec<Value>>)> = wb
            .sheets
            .iter()
            .filter_map(|s| {
                schema
                    .sheet_for_name(&s.name)
                    .map(|i| (&schema.sheets[i], s.rows.clone()))
            })
            .collect();
        match how {
            Out::Xlsx { lang, shape } => std::fs::write(&target, xlsx(&sheets, lang, *shape)?)?,
            Out::CsvFolder {
                lang,
                delimiter,
                windows_1252,
            } => {
                std::fs::create_dir_all(&target)?;
                for (def, rows) in &sheets {
                    let text = csv_text(def, rows, lang, *delimiter)?;
                    let bytes = if *windows_1252 {
                        encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
                    } else {
                        text.into_bytes()
                    };
                    std::fs::write(target.join(format!("{}.csv", def.id)), bytes)?;
                }
            }
            Out::CsvZip { lang } => {
                let file = std::fs::File::create(&target)?;
                let mut zip = zip::ZipWriter::new(file);
                let options = zip::write::SimpleFileOptions::default()
                    .last_modified_time(zip::DateTime::default());
                for (def, rows) in &sheets {
                    zip.start_file(format!("{}.csv", def.id), options)?;
                    let text = format!("\u{feff}{}", csv_text(def, rows, lang, b',')?);
                    std::io::Write::write_all(&mut zip, text.as_bytes())?;
                }
                zip.finish()?;
            }
            Out::Json => {}
        }
        println!("wrote submissions/2026/{file}");
    }
    Ok(())
}

/// A JSON source's rows are keyed by field id; people see labels.
fn label(def: &SheetDef, key: &str, lang: &str) -> String {
    def.field(key)
        .map(|f| {
            if f.required {
                format!("{} *", f.label(lang))
            } else {
                f.label(lang).to_string()
            }
        })
        .unwrap_or(key.to_string())
}

/// Lists come from JSON joined by new lines; people type `; ` between items.
fn cell_text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.replace('\n', "; "),
        other => other.display(),
    }
}

fn xlsx(
    sheets: &[(&SheetDef, Vec<Vec<Value>>)],
    lang: &str,
    shape: Shape,
) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (def, rows) in sheets {
        let ws = wb.add_worksheet().set_name(def.label(lang))?;
        ws.write_string_with_format(0, 0, def.label(lang), &bold)?;
        match def.layout {
            Layout::Form => {
                for (r, row) in rows.iter().enumerate() {
                    let r = r as u32 + 3;
                    ws.write_string_with_format(r, 0, label(def, &row[0].display(), lang), &bold)?;
                    write(ws, r, 1, &row[1], &date)?;
                }
                ws.set_column_width(0, 40)?;
                ws.set_column_width(1, 60)?;
            }
            Layout::Table => {
                let header = &rows[0];
                let mut order: Vec<usize> = (0..header.len()).collect();
                let top = match shape {
                    Shape::Template => 2,
                    Shape::Reordered => {
                        order.reverse();
                        ws.write_string(1, 0, "Please list one action per row.")?;
                        3
                    }
                };
                for (c, &src) in order.iter().enumerate() {
                    ws.write_string_with_format(
                        top,
                        c as u16,
                        label(def, &header[src].display(), lang),
                        &bold,
                    )?;
                    ws.set_column_width(c as u16, 18)?;
                    for (r, row) in rows.iter().enumerate().skip(1) {
                        write(ws, top + r as u32, c as u16, &row[src], &date)?;
                    }
                }
                ws.set_freeze_panes(top + 1, 0)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// ISO dates become real date cells; every other value is written as typed.
fn write(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    v: &Value,
    date: &Format,
) -> anyhow::Result<()> {
    match v {
        Value::Empty => {}
        Value::Number(n) => {
            ws.write_number(r, c, *n)?;
        }
        Value::Bool(b) => {
            ws.write_string(r, c, if *b { "Yes" } else { "No" })?;
        }
        Value::Text(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => {
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_date_with_format(r, c, &dt, date)?;
            }
            Err(_) => {
                ws.write_string(r, c, cell_text(v))?;
            }
        },
        other => {
            ws.write_string(r, c, other.display())?;
        }
    }
    Ok(())
}

fn csv_text(
    def: &SheetDef,
    rows: &[Vec<Value>],
    lang: &str,
    delimiter: u8,
) -> anyhow::Result<String> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for (r, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, v)| {
                let is_label = (def.layout == Layout::Table && r == 0)
                    || (def.layout == Layout::Form && c == 0);
                if is_label {
                    label(def, &v.display(), lang)
                } else {
                    cell_text(v)
                }
            })
            .collect();
        w.write_record(&cells)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
