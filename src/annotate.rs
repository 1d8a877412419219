//! The annotated copy: the submission's sheets with each problem cell coloured
//! by severity and a note saying what is wrong, after a Findings sheet that
//! lists every finding. Values are copied, not formatting: the copy is for
//! finding and fixing, the original stays the one to send.

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, Note, Workbook, XlsxError};

use crate::findings::{Finding, Severity};
use crate::read::{Value, Workbook as Source};

fn fill(severity: Severity) -> Color {
    match severity {
        Severity::Error => Color::RGB(0xF4B6B6),
        Severity::Warning => Color::RGB(0xFFE699),
        Severity::Note => Color::RGB(0xDDEBF7),
    }
}

pub fn build(source: &Source, findings: &[Finding], lang: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    {
        let ws = wb.add_worksheet().set_name("Findings")?;
        for (c, (title, width)) in [
            ("Severity", 10.0),
            ("Code", 24.0),
            ("Place", 28.0),
            ("Column", 26.0),
            ("Finding", 40.0),
            ("Details", 60.0),
            ("What to do", 60.0),
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(0, c as u16, *title, &bold)?;
            ws.set_column_width(c as u16, *width)?;
        }
        for (i, f) in findings.iter().enumerate() {
            let r = i as u32 + 1;
            let sev = Format::new().set_background_color(fill(f.severity));
            ws.write_string_with_format(r, 0, f.severity.as_str(), &sev)?;
            ws.write_string(r, 1, f.code)?;
            let place = match (&f.place.sheet, &f.place.cell) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.clone(),
                _ => "(file)".into(),
            };
            ws.write_string(r, 2, place)?;
            ws.write_string(r, 3, f.place.column.as_deref().unwrap_or(""))?;
            ws.write_string_with_format(r, 4, f.title(lang), &wrap)?;
            ws.write_string_with_format(r, 5, f.message(), &wrap)?;
            ws.write_string_with_format(
                r,
                6,
                crate::findings::kind(f.code)
                    .map(|k| k.help.as_str())
                    .unwrap_or(""),
                &wrap,
            )?;
        }
        ws.set_freeze_panes(1, 0)?;
    }

    // Findings by sheet and cell; a cell with several shows the worst colour.
    let mut marks: BTreeMap<(&str, u32, u32), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        if let (Some(s), Some((r, c))) = (&f.place.sheet, f.place.at) {
            marks.entry((s.as_str(), r, c)).or_default().push(f);
        }
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in &source.sheets {
        let name: String = sheet
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        let name = if name.eq_ignore_ascii_case("Findings") || name.is_empty() {
            format!("{name} (sheet)")
        } else {
            name
        };
        let ws = wb.add_worksheet().set_name(name)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    Value::Empty => {}
                    Value::Text(s) => {
                        ws.write_string(r, c, s.as_str())?;
                    }
                    Value::Number(n) => {
                        ws.write_number(r, c, *n)?;
                    }
                    Value::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    Value::Date(d) => {
                        let dt = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        ws.write_date_with_format(r, c, &dt, &date)?;
                    }
                    Value::Error(e) => {
                        ws.write_string(r, c, e.as_str())?;
                    }
                }
            }
        }
        for ((_, r, c), fs) in
            marks.range((sheet.name.as_str(), 0, 0)..=(sheet.name.as_str(), u32::MAX, u32::MAX))
        {
            let Ok(c) = u16::try_from(*c) else { continue };
            let worst = fs
                .iter()
                .map(|f| f.severity)
                .min()
                .unwrap_or(Severity::Note);
            let text: Vec<String> = fs
                .iter()
                .map(|f| {
                    format!(
                        "{} [{}]: {}. {}",
                        f.severity,
                        f.code,
                        f.title(lang),
                        f.message()
                    )
                })
                .collect();
            let format = Format::new().set_background_color(fill(worst));
            let value = sheet.cell(*r as usize, c as usize);
            match value {
                Value::Number(n) => ws.write_number_with_format(*r, c, *n, &format)?,
                Value::Empty => ws.write_blank(*r, c, &format)?,
                other => ws.write_string_with_format(*r, c, other.display(), &format)?,
            };
            let note = Note::new(text.join("\n"))
                .add_author_prefix(false)
                .set_width(320)
                .set_height(140);
            ws.insert_note(*r, c, &note)?;
        }
        ws.set_column_width(0, 30)?;
    }
    wb.save_to_buffer()
}
