//! Builders for test submissions: a valid submission to start from, written as
//! a real xlsx (rust_xlsxwriter) or, for files no spreadsheet program would
//! write, as hand-made xlsx parts.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A cell of a test workbook.
#[derive(Clone, Debug)]
pub enum C {
    S(String),
    N(f64),
    D(u16, u8, u8),
    Blank,
}

pub fn s(v: &str) -> C {
    C::S(v.to_string())
}

/// Sheets of cells, in order.
#[derive(Clone, Debug)]
pub struct Book {
    pub sheets: Vec<(String, Vec<Vec<C>>)>,
}

impl Book {
    /// A submission with no finding but notes: one organization, two actions,
    /// one coordination entry, a complete narrative.
    pub fn valid() -> Book {
        let org = vec![
            vec![s("Organization")],
            vec![],
            vec![
                s("Organization name *"),
                s("International Telecommunication Union"),
            ],
            vec![s("Acronym *"), s("ITU")],
            vec![s("Organization type *"), s("un-specialized-agency")],
            vec![s("Reporting year *"), C::N(2026.0)],
            vec![s("Focal point name *"), s("Amina Diallo")],
            vec![s("Focal point e-mail *"), s("focal@itu.int")],
            vec![s("Consent to publish this submission *"), s("yes")],
            vec![s("Website"), s("https://www.itu.int")],
        ];
        let header = [
            "Action ID",
            "Title",
            "Description",
            "Action type",
            "Public policy cluster",
            "Public policy issues",
            "WSIS action lines",
            "SDGs",
            "Tunis Agenda paragraphs",
            "Geographic scope",
            "Countries and regions covered",
            "Start date",
            "End date",
            "Status",
            "Governments participating",
            "of which developing countries",
        ];
        let actions = vec![
            vec![s("Actions")],
            header.iter().map(|h| s(h)).collect(),
            vec![
                s("A1"),
                s("WSIS Forum"),
                s("Annual multistakeholder forum on the implementation of the WSIS outcomes."),
                s("policy-dialogue"),
                s("development"),
                s("development.2"),
                s("C1; C11"),
                s("9; 17"),
                s("69; 71"),
                s("global"),
                s("Global"),
                C::D(2026, 7, 7),
                C::D(2026, 7, 11),
                s("completed"),
                C::N(140.0),
                C::N(90.0),
            ],
            vec![
                s("A2"),
                s("Cybersecurity index"),
                s("Index measuring the commitment of countries to cybersecurity, fifth edition."),
                s("research"),
                s("security"),
                s("security.1"),
                s("C5"),
                s("16"),
                s("39"),
                s("national"),
                s("KEN; GHA"),
                s("2026-01-15"),
                s("2026-09-30"),
                s("completed"),
                s("2"),
                s("2"),
            ],
        ];
        let coordination = vec![
            vec![
                s("Partner organization"),
                s("Mechanism"),
                s("Description"),
                s("Related action ID"),
            ],
            vec![
                s("UNESCO"),
                s("joint-event"),
                s("Co-organization of the forum."),
                s("A1"),
            ],
        ];
        let narrative = vec![
            vec![
                s("Summary of actions taken"),
                s("ITU hosted the WSIS Forum and published the cybersecurity index."),
            ],
            vec![
                s("Measures to enable participation of developing countries"),
                s("Fellowships."),
            ],
            vec![s("Challenges and obstacles"), s("Funding.")],
            vec![s("Lessons learned"), s("Regional consultations help.")],
            vec![
                s("Proposals for action by the Commission"),
                s("Align reports with the action lines."),
            ],
        ];
        Book {
            sheets: vec![
                ("Organization".into(), org),
                ("Actions".into(), actions),
                ("Coordination".into(), coordination),
                ("Narrative".into(), narrative),
            ],
        }
    }

    pub fn sheet(&mut self, name: &str) -> &mut Vec<Vec<C>> {
        let i = self
            .sheets
            .iter()
            .position(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no sheet {name}"));
        &mut self.sheets[i].1
    }

    /// Sets a cell by its A1 name, growing the sheet as needed.
    pub fn set(mut self, sheet: &str, cell: &str, value: C) -> Book {
        let (row, col) = a1(cell);
        let rows = self.sheet(sheet);
        while rows.len() <= row {
            rows.push(Vec::new());
        }
        while rows[row].len() <= col {
            rows[row].push(C::Blank);
        }
        rows[row][col] = value;
        self
    }

    pub fn without_sheet(mut self, name: &str) -> Book {
        self.sheets.retain(|(n, _)| n != name);
        self
    }

    pub fn with_sheet(mut self, name: &str, rows: Vec<Vec<C>>) -> Book {
        self.sheets.push((name.to_string(), rows));
        self
    }

    pub fn xlsx(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (name, rows) in &self.sheets {
            let ws = wb.add_worksheet().set_name(name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match v {
                        C::S(t) => {
                            ws.write_string(r, c, t.as_str()).unwrap();
                        }
                        C::N(n) => {
                            ws.write_number(r, c, *n).unwrap();
                        }
                        C::D(y, m, d) => {
                            ws.write_date_with_format(
                                r,
                                c,
                                ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                                &date,
                            )
                            .unwrap();
                        }
                        C::Blank => {}
                    }
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    /// The same cells as an xlsb workbook (BIFF12 records, MS-XLSB), written
    /// by hand: no tool here writes xlsb. Dates carry a date style, as Excel
    /// saves them.
    pub fn xlsb(&self) -> Vec<u8> {
        let mut workbook = Vec::new();
        record(&mut workbook, 0x0083, &[]); // BrtBeginBook
        record(&mut workbook, 0x008F, &[]); // BrtBeginBundleShs
        let mut rels = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        );
        let mut sheets: Vec<(String, Vec<u8>)> = Vec::new();
        for (i, (name, rows)) in self.sheets.iter().enumerate() {
            let n = i + 1;
            let mut body = Vec::new();
            body.extend(0u32.to_le_bytes()); // visible
            body.extend((n as u32).to_le_bytes());
            body.extend(wide(&format!("rId{n}")));
            body.extend(wide(name));
            record(&mut workbook, 0x009C, &body); // BrtBundleSh
            rels.push_str(&format!(
                r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.bin"/>"#
            ));
            sheets.push((format!("xl/worksheets/sheet{n}.bin"), xlsb_sheet(rows)));
        }
        rels.push_str("</Relationships>");
        record(&mut workbook, 0x0090, &[]); // BrtEndBundleShs
        record(&mut workbook, 0x0084, &[]); // BrtEndBook
        // Two cell formats: general, and the built-in date format 14.
        let mut styles = Vec::new();
        record(&mut styles, 0x0269, &2u32.to_le_bytes()); // BrtBeginCellXFs
        for fmt in [0u16, 14] {
            let mut xf = vec![0u8; 16];
            xf[2..4].copy_from_slice(&fmt.to_le_bytes());
            record(&mut styles, 0x002F, &xf); // BrtXF
        }
        record(&mut styles, 0x026A, &[]); // BrtEndCellXFs
        let content_types = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>"#;
        let root_rels = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>"#;
        let mut parts: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", root_rels),
            ("xl/workbook.bin", &workbook),
            ("xl/_rels/workbook.bin.rels", rels.as_bytes()),
            ("xl/styles.bin", &styles),
        ];
        parts.extend(sheets.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        zip(&parts)
    }
}

/// One worksheet's records: dimensions, then a row header and its cells per row.
fn xlsb_sheet(rows: &[Vec<C>]) -> Vec<u8> {
    let mut out = Vec::new();
    record(&mut out, 0x0081, &[]); // BrtBeginSheet
    let width = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let mut dim = Vec::new();
    for v in [0, rows.len().max(1) - 1, 0, width - 1] {
        dim.extend((v as u32).to_le_bytes());
    }
    record(&mut out, 0x0094, &dim); // BrtWsDim
    record(&mut out, 0x0091, &[]); // BrtBeginSheetData
    for (r, row) in rows.iter().enumerate() {
        record(&mut out, 0x0000, &(r as u32).to_le_bytes()); // BrtRowHdr
        for (c, v) in row.iter().enumerate() {
            let mut cell = (c as u32).to_le_bytes().to_vec();
            match v {
                C::S(t) => {
                    cell.extend([0, 0, 0, 0]);
                    cell.extend(wide(t));
                    record(&mut out, 0x0006, &cell); // BrtCellSt
                }
                C::N(n) => {
                    cell.extend([0, 0, 0, 0]);
                    cell.extend(n.to_le_bytes());
                    record(&mut out, 0x0005, &cell); // BrtCellReal
                }
                C::D(y, m, d) => {
                    let date = chrono::NaiveDate::from_ymd_opt(*y as i32, *m as u32, *d as u32);
                    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
                    let serial = (date.unwrap() - epoch.unwrap()).num_days() as f64;
                    cell.extend([1, 0, 0, 0]); // the date format
                    cell.extend(serial.to_le_bytes());
                    record(&mut out, 0x0005, &cell);
                }
                C::Blank => {}
            }
        }
    }
    record(&mut out, 0x0092, &[]); // BrtEndSheetData
    record(&mut out, 0x0082, &[]); // BrtEndSheet
    out
}

/// A BIFF12 record: its type and length as 7-bit groups, then its body.
fn record(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    if typ < 0x80 {
        out.push(typ as u8);
    } else {
        out.push((typ as u8 & 0x7F) | 0x80);
        out.push((typ >> 7) as u8);
    }
    let mut len = body.len();
    loop {
        let b = (len & 0x7F) as u8;
        len >>= 7;
        if len == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
    out.extend_from_slice(body);
}

/// An XLWideString: a count of UTF-16 code units, then the units.
fn wide(s: &str) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    for u in units {
        out.extend(u.to_le_bytes());
    }
    out
}

/// 0-based (row, column) of `D7`.
pub fn a1(cell: &str) -> (usize, usize) {
    let letters: String = cell
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let col = letters.bytes().fold(0usize, |acc, b| {
        acc * 26 + (b.to_ascii_uppercase() - b'A') as usize + 1
    }) - 1;
    let row: usize = cell[letters.len()..].parse::<usize>().unwrap() - 1;
    (row, col)
}

/// A temporary folder that lives as long as the value.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A zip of named parts, deflated.
pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A hand-made xlsx: one sheet named Actions whose `<sheetData>` is given,
/// plus optional extra parts (a shared-strings part, say).
pub fn raw_xlsx(sheet_data: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    raw_xlsx_with("", sheet_data, extra)
}

/// [`raw_xlsx`] with elements before the sheet's data (`<dimension>`, `<cols>`).
pub fn raw_xlsx_with(head: &str, sheet_data: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let content_types = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let rels = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Actions" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wb_rels = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{head}<sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    parts.extend_from_slice(extra);
    zip(&parts)
}

/// An inline-string cell for [`raw_xlsx`].
pub fn raw_cell(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// Runs a command that must succeed, and gives what it printed; when it fails,
/// the assertion shows its stderr.
pub fn succeed(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `cstd` run from the repository root, on a fixed date and receipt time:
/// findings such as "ends in the future", and the ledger, depend on them.
pub fn cstd() -> std::process::Command {
    let mut c = std::process::Command::new(insta_cmd::get_cargo_bin("cstd"));
    c.current_dir(repo())
        .env("CSTD_TODAY", "2026-11-28")
        .env("CSTD_NOW", "2026-11-28T09:00:00Z");
    c
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
