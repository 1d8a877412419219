//! Bad input is the normal case: arbitrary bytes and damaged workbooks never
//! take the process down, and a file that cannot be read always says why.

use std::io::{Read as _, Write as _};

use chrono::NaiveDate;
use cstd::read::{Limits, read_bytes};
use cstd::schema::Schema;
use cstd::validate::{Context, report};
use proptest::prelude::*;

use crate::common::repo;

fn ctx() -> Context {
    Context {
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    }
}

/// Reads and validates; asserts what must hold for any input.
fn check(bytes: &[u8], ext: &str) {
    let schema = Schema::current();
    let want = |n: &str| schema.sheet_for_name(n).is_some();
    let read = read_bytes(bytes, Some(ext), &Limits::default(), &want);
    let r = report(format!("input.{ext}"), read, schema, &ctx());
    if !r.readable {
        assert!(
            r.counts.errors > 0,
            "an unreadable file gives no error finding: {:?}",
            r.findings
        );
    } else {
        assert!(r.understood.is_some());
    }
    for f in &r.findings {
        assert!(
            cstd::findings::kind(f.code).is_some(),
            "uncatalogued code {}",
            f.code
        );
    }
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("submissions/2026").join(name)).unwrap()
}

/// The parts of a zip, to damage one and zip them again.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (n, b) in parts {
        w.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b).unwrap();
    }
    w.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_give_findings(bytes in proptest::collection::vec(any::<u8>(), 0..4096), ext in prop::sample::select(vec!["xlsx", "xls", "ods", "json", "csv", "zip", "bin"])) {
        check(&bytes, ext);
    }

    #[test]
    fn arbitrary_bytes_behind_each_magic_number(tail in proptest::collection::vec(any::<u8>(), 0..4096), magic in prop::sample::select(vec![&b"PK\x03\x04"[..], &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..], &b"{\""[..]])) {
        let mut bytes = magic.to_vec();
        bytes.extend(tail);
        check(&bytes, "xlsx");
    }

    #[test]
    fn damaged_example_files(
        name in prop::sample::select(vec!["itu.xlsx", "undesa.ods", "wipo.xls", "isoc.zip", "unesco.xlsx"]),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = example(name);
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        check(&bytes, name.rsplit('.').next().unwrap_or(""));
    }

    #[test]
    fn damaged_parts_inside_a_well_formed_zip(
        name in prop::sample::select(vec!["itu.xlsx", "undesa.ods", "isoc.zip", "valid.xlsb"]),
        part in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        // No example is an xlsb (nothing here writes one but the test builder).
        let bytes = match name {
            "valid.xlsb" => crate::common::Book::valid().xlsb(),
            _ => example(name),
        };
        let mut parts = unzip(&bytes);
        let i = part.index(parts.len());
        let target = &mut parts[i].1;
        if !target.is_empty() {
            for (at, b) in edits {
                let j = at.index(target.len());
                target[j] = b;
            }
            if truncate {
                target.truncate(cut.index(target.len()));
            }
        }
        check(&rezip(&parts), name.rsplit('.').next().unwrap_or(""));
    }
}

#[test]
fn a_million_blank_rows_stop_at_the_cell_limit_fast() {
    // A sheet of a million formatted empty cells: bounded by the scan limit.
    let mut data = String::with_capacity(40_000_000);
    for r in 1..=1_000_000 {
        data.push_str(&format!(r#"<row r="{r}"><c r="A{r}" s="0"/></row>"#));
    }
    let bytes = crate::common::raw_xlsx(&data, &[]);
    let schema = Schema::current();
    let want = |n: &str| schema.sheet_for_name(n).is_some();
    let read = read_bytes(&bytes, Some("xlsx"), &Limits::default(), &want);
    assert!(read.workbook.is_none());
    assert_eq!(read.findings[0].code, "limit-exceeded");
    assert!(
        read.findings[0]
            .detail_text()
            .unwrap_or_default()
            .contains("cells in a sheet"),
        "{:?}",
        read.findings
    );
}

#[test]
fn an_ods_repeating_a_value_a_million_times_is_refused_before_layout() {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Actions"><table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string" table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let bytes = crate::common::zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", content.as_bytes()),
    ]);
    let all = |_: &str| true;
    let read = read_bytes(&bytes, Some("ods"), &Limits::default(), &all);
    assert!(read.workbook.is_none());
    assert_eq!(
        read.findings[0].code, "limit-exceeded",
        "{:?}",
        read.findings
    );
}

#[test]
fn the_file_size_limit_is_named() {
    let limits = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    let all = |_: &str| true;
    let read = read_bytes(&example("itu.xlsx"), Some("xlsx"), &limits, &all);
    let f = &read.findings[0];
    assert_eq!(f.code, "limit-exceeded");
    assert!(
        f.detail_text().unwrap().contains("the limit is 1000 bytes"),
        "{f:?}"
    );
}

#[test]
fn the_cell_length_limit_counts_characters_not_bytes() {
    let read = |text: &str| {
        let row = format!(
            r#"<row r="1">{}</row>"#,
            crate::common::raw_cell("B1", text)
        );
        let bytes = crate::common::raw_xlsx(&row, &[]);
        let all = |_: &str| true;
        read_bytes(&bytes, Some("xlsx"), &Limits::default(), &all)
    };
    // 20,000 characters in 40,000 bytes: within the limit of 32,767 characters.
    let fits = read(&"é".repeat(20_000));
    assert!(fits.workbook.is_some(), "{:?}", fits.findings);
    let long = read(&"é".repeat(40_000));
    let f = &long.findings[0];
    assert_eq!(f.code, "limit-exceeded");
    assert!(
        f.detail_text()
            .unwrap_or_default()
            .contains("characters in a cell"),
        "{f:?}"
    );
    assert_eq!(f.place.cell.as_deref(), Some("B1"));
}
