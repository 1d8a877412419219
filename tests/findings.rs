//! Every kind of finding in the catalogue, provoked from a real file, at the
//! place a person would look for it.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use cstd::findings::{Finding, catalogue};
use cstd::read::Limits;
use cstd::schema::Schema;
use cstd::validate::{Context, FileReport, check_path};

use crate::common::{Book, C, raw_cell, raw_xlsx, raw_xlsx_with, s, tempdir, write, zip};

fn ctx() -> Context {
    Context {
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    }
}

fn check(path: &Path) -> FileReport {
    check_path(path, Schema::current(), &ctx(), &Limits::default())
}

/// A workbook checked as the file an organization would send.
fn check_book(book: &Book) -> FileReport {
    let dir = tempdir();
    check(&write(dir.path(), "f.xlsx", &book.xlsx()))
}

/// A case: a file, the code it must raise, and where (`Sheet!A1`, or "" for the file).
struct Case {
    name: &'static str,
    file: &'static str,
    bytes: Vec<u8>,
    code: &'static str,
    place: &'static str,
}

fn case(
    name: &'static str,
    file: &'static str,
    bytes: Vec<u8>,
    code: &'static str,
    place: &'static str,
) -> Case {
    Case {
        name,
        file,
        bytes,
        code,
        place,
    }
}

fn place_of(f: &Finding) -> String {
    match (&f.place.sheet, &f.place.cell) {
        // A JSON pointer names its sheet itself.
        (Some(_), Some(c)) if c.starts_with('/') => c.clone(),
        (Some(s), Some(c)) => format!("{s}!{c}"),
        (Some(s), None) => s.clone(),
        _ => String::new(),
    }
}

fn xlsx(b: Book) -> Vec<u8> {
    b.xlsx()
}

fn cases() -> Vec<Case> {
    let v = Book::valid;
    let cfb_encrypted = {
        // A compound file (the container of encrypted Office files) holding the
        // EncryptedPackage stream name, as Excel writes it when a password is set.
        let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        b.resize(512, 0);
        b.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        b.resize(2048, 0);
        b
    };
    let bomb = {
        let big = vec![b' '; 60 * 1024 * 1024];
        raw_xlsx(
            &raw_cell("A1", "Action ID").to_string(),
            &[("xl/padding.xml", &big)],
        )
    };
    let lying_strings = raw_xlsx(
        &raw_cell("A1", "x"),
        &[("xl/sharedStrings.xml", br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#)],
    );
    let last_cell = raw_xlsx(
        &format!(
            r#"<row r="1048576">{}</row>"#,
            raw_cell("XFD1048576", "far away")
        ),
        &[],
    );
    let formula = raw_xlsx(
        &format!(
            r#"<row r="1">{}{}</row><row r="2"><c r="A2" t="inlineStr"><is><t>A1</t></is></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>"#,
            raw_cell("A1", "Action ID"),
            raw_cell("B1", "Title")
        ),
        &[],
    );
    let mut truncated = v().xlsx();
    truncated.truncate(truncated.len() / 2);
    let csv_zip = zip(&[
        (
            "organization.csv",
            "Acronym;ITU\nOrganization name;Union internationale des télécommunications\n"
                .as_bytes(),
        ),
        ("actions.csv", b"Action ID;Title\nA1;Forum\n"),
    ]);
    vec![
        case(
            "empty file",
            "empty.xlsx",
            Vec::new(),
            "file-unreadable",
            "",
        ),
        case(
            "password-protected workbook",
            "locked.xlsx",
            cfb_encrypted,
            "file-encrypted",
            "",
        ),
        case(
            "attachment cut in half",
            "cut.xlsx",
            truncated,
            "file-truncated",
            "",
        ),
        case(
            "a PDF sent by mistake",
            "report.pdf",
            b"%PDF-1.7\n...".to_vec(),
            "file-format-unknown",
            "",
        ),
        case("zip bomb", "bomb.xlsx", bomb, "limit-exceeded", ""),
        case(
            "shared strings declaring four billion",
            "sst.xlsx",
            lying_strings,
            "limit-exceeded",
            "",
        ),
        case(
            "a cell at XFD1048576",
            "far.xlsx",
            last_cell,
            "limit-exceeded",
            "Actions",
        ),
        case(
            "no Actions sheet",
            "f.xlsx",
            xlsx(v().without_sheet("Actions")),
            "sheet-missing",
            "",
        ),
        case(
            "an extra sheet",
            "f.xlsx",
            xlsx(v().with_sheet("Budget notes", vec![vec![s("x")]])),
            "sheet-ignored",
            "Budget notes",
        ),
        case(
            "Actions without a header",
            "f.xlsx",
            xlsx(
                v().without_sheet("Actions")
                    .with_sheet("Actions", vec![vec![s("see attached")]]),
            ),
            "header-missing",
            "Actions",
        ),
        case(
            "no Status column",
            "f.xlsx",
            xlsx(v().set("Actions", "N2", s("State of play"))),
            "column-missing",
            "Actions",
        ),
        case(
            "an unknown column",
            "f.xlsx",
            xlsx(v().set("Actions", "Q2", s("Budget (USD)"))),
            "column-ignored",
            "Actions!Q2",
        ),
        case(
            "two Title columns",
            "f.xlsx",
            xlsx(v().set("Actions", "Q2", s("Title"))),
            "column-duplicate",
            "Actions!Q2",
        ),
        case(
            "an unknown form row",
            "f.xlsx",
            xlsx(
                v().set("Organization", "A12", s("Fax"))
                    .set("Organization", "B12", s("+41 22")),
            ),
            "row-ignored",
            "Organization!A12",
        ),
        case(
            "an empty required cell",
            "f.xlsx",
            xlsx(v().set("Actions", "B4", C::Blank)),
            "required-missing",
            "Actions!B4",
        ),
        case(
            "a misspelled code",
            "f.xlsx",
            xlsx(v().set("Actions", "G3", s("C7.e-helth"))),
            "not-in-vocabulary",
            "Actions!G3",
        ),
        case(
            "a label where a code belongs",
            "f.xlsx",
            xlsx(v().set("Actions", "N3", s("achevee"))),
            "label-for-code",
            "Actions!N3",
        ),
        case(
            "words for a number",
            "f.xlsx",
            xlsx(v().set("Actions", "O3", s("about forty"))),
            "not-a-number",
            "Actions!O3",
        ),
        case(
            "250 governments",
            "f.xlsx",
            xlsx(v().set("Actions", "O3", C::N(250.0))),
            "out-of-range",
            "Actions!O3",
        ),
        case(
            "195 governments",
            "f.xlsx",
            xlsx(v().set("Actions", "O3", C::N(195.0))),
            "above-typical",
            "Actions!O3",
        ),
        case(
            "more developing than participating",
            "f.xlsx",
            xlsx(v().set("Actions", "P4", s("5"))),
            "developing-exceeds-total",
            "Actions!P4",
        ),
        case(
            "an impossible date",
            "f.xlsx",
            xlsx(v().set("Actions", "L4", s("31/02/2026"))),
            "date-invalid",
            "Actions!L4",
        ),
        case(
            "a two-digit year",
            "f.xlsx",
            xlsx(v().set("Actions", "L4", s("1/3/26"))),
            "date-ambiguous",
            "Actions!L4",
        ),
        case(
            "end before start",
            "f.xlsx",
            xlsx(v().set("Actions", "M4", s("2025-12-31"))),
            "date-order",
            "Actions!M4",
        ),
        case(
            "a date serial without date format",
            "f.xlsx",
            xlsx(v().set("Actions", "L4", C::N(46037.0))),
            "date-serial",
            "Actions!L4",
        ),
        case(
            "completed, ending next year",
            "f.xlsx",
            xlsx(v().set("Actions", "M4", C::D(2027, 1, 31))),
            "completed-future-end",
            "Actions!M4",
        ),
        case(
            "a year in the future",
            "f.xlsx",
            xlsx(v().set("Organization", "B6", C::N(2031.0))),
            "year-out-of-range",
            "Organization!B6",
        ),
        case(
            "a 250-character title",
            "f.xlsx",
            xlsx(v().set("Actions", "B3", s(&"x".repeat(250)))),
            "too-long",
            "Actions!B3",
        ),
        case(
            "a one-word description",
            "f.xlsx",
            xlsx(v().set("Actions", "C3", s("Forum."))),
            "too-short",
            "Actions!C3",
        ),
        case(
            "an e-mail without @",
            "f.xlsx",
            xlsx(v().set("Organization", "B8", s("focal at itu.int"))),
            "email-invalid",
            "Organization!B8",
        ),
        case(
            "a web address without scheme",
            "f.xlsx",
            xlsx(v().set("Organization", "B10", s("www.itu.int"))),
            "url-invalid",
            "Organization!B10",
        ),
        case(
            "a duplicated action ID",
            "f.xlsx",
            xlsx(v().set("Actions", "A4", s("A1"))),
            "id-duplicate",
            "Actions!A4",
        ),
        case(
            "coordination pointing nowhere",
            "f.xlsx",
            xlsx(v().set("Coordination", "D2", s("A9"))),
            "reference-missing",
            "Coordination!D2",
        ),
        case(
            "an issue of another cluster",
            "f.xlsx",
            xlsx(v().set("Actions", "F4", s("legal.3"))),
            "issue-outside-cluster",
            "Actions!F4",
        ),
        case(
            "a formula error",
            "f.xlsx",
            formula,
            "formula-error",
            "Actions!B2",
        ),
        case(
            "an item listed twice",
            "f.xlsx",
            xlsx(v().set("Actions", "G3", s("C1; C11; C1"))),
            "list-duplicate",
            "Actions!G3",
        ),
        case(
            "a zip of CSV files",
            "f.zip",
            csv_zip,
            "encoding-detected",
            "organization",
        ),
        case(
            "a zip of Excel's Unicode Text files (UTF-16, tabs)",
            "f.zip",
            {
                let utf16 = |t: &str| -> Vec<u8> {
                    let mut b = vec![0xFF, 0xFE];
                    b.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
                    b
                };
                zip(&[
                    ("organization.txt", &utf16("Acronym\tITU\n")),
                    ("actions.txt", &utf16("Action ID\tTitle\nA1\tForum\n")),
                ])
            },
            "encoding-detected",
            "organization",
        ),
        case(
            "a country name that fits two countries",
            "f.xlsx",
            xlsx(v().set("Actions", "K4", s("Korea; Kenya"))),
            "area-ambiguous",
            "Actions!K4",
        ),
        case(
            "a CSV line shifted by a separator inside a value",
            "f.zip",
            zip(&[
                ("organization.csv", "Acronym;ITU\n".as_bytes()),
                (
                    "actions.csv",
                    b"Action ID;Title\nA1;Forum; 2026\nA2;Index\n",
                ),
            ]),
            "csv-row-fields",
            "actions",
        ),
        case(
            "a date whose order another date settles",
            "f.xlsx",
            xlsx(
                v().set("Actions", "L3", s("03/04/2026"))
                    .set("Actions", "M3", s("04/30/2026")),
            ),
            "date-order-inferred",
            "Actions!L3",
        ),
        case(
            "a formula without its computed value",
            "f.xlsx",
            formula_without_value(),
            "formula-no-value",
            "Actions!B2",
        ),
        case(
            "a hidden row holding data",
            "f.xlsx",
            raw_xlsx(
                &format!(
                    r#"<row r="1">{}{}</row><row r="2" hidden="1">{}{}</row>"#,
                    raw_cell("A1", "Action ID"),
                    raw_cell("B1", "Title"),
                    raw_cell("A2", "A1"),
                    raw_cell("B2", "Forum"),
                ),
                &[],
            ),
            "hidden-data",
            "Actions",
        ),
        case(
            "a hidden column holding data",
            "f.xlsx",
            raw_xlsx_with(
                r#"<cols><col min="3" max="3" width="9" hidden="1"/></cols>"#,
                &format!(
                    r#"<row r="1">{}{}</row><row r="2">{}{}{}</row>"#,
                    raw_cell("A1", "Action ID"),
                    raw_cell("B1", "Title"),
                    raw_cell("A2", "A1"),
                    raw_cell("B2", "Forum"),
                    raw_cell("C2", "kept aside"),
                ),
                &[],
            ),
            "hidden-data",
            "Actions",
        ),
        case(
            "cells beyond the range the sheet declares",
            "f.xlsx",
            raw_xlsx_with(
                r#"<dimension ref="A1:B2"/>"#,
                &format!(
                    r#"<row r="1">{}{}</row><row r="2">{}{}</row><row r="9">{}</row>"#,
                    raw_cell("A1", "Action ID"),
                    raw_cell("B1", "Title"),
                    raw_cell("A2", "A1"),
                    raw_cell("B2", "Forum"),
                    raw_cell("A9", "A2"),
                ),
                &[],
            ),
            "data-outside-range",
            "Actions",
        ),
        case(
            "JSON with a missing comma",
            "f.json",
            b"{\"organization\": {\"acronym\": \"ITU\" \"year\": 2026}}".to_vec(),
            "json-syntax",
            "",
        ),
        case(
            "JSON with a date written as a person writes it",
            "f.json",
            br#"{"actions": [{"action_id": "A1", "start_date": "1 March 2026"}]}"#.to_vec(),
            "json-date-invalid",
            "/actions/0/start_date",
        ),
        case(
            "JSON with an object for a title",
            "f.json",
            br#"{"actions": [{"action_id": "A1", "title": {"en": "x"}}]}"#.to_vec(),
            "json-invalid",
            "/actions/0/title",
        ),
    ]
}

#[test]
fn every_kind_of_finding_is_raised_where_it_belongs() {
    let dir = tempdir();
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for c in cases() {
        let path = write(dir.path(), c.file, &c.bytes);
        let report = check(&path);
        let hit = report
            .findings
            .iter()
            .find(|f| f.code == c.code && (c.place.is_empty() || place_of(f) == c.place));
        match hit {
            Some(_) => {
                covered.insert(c.code);
            }
            None => failures.push(format!(
                "{}: expected {} at {:?}, got {:?}",
                c.name,
                c.code,
                c.place,
                report
                    .findings
                    .iter()
                    .map(|f| format!("{} {}", f.code, place_of(f)))
                    .collect::<Vec<_>>()
            )),
        }
        std::fs::remove_file(&path).unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Raised by the ingest, which knows the register: tests/ingest.rs provokes it.
    covered.insert("organization-unknown");
    let all: BTreeSet<&str> = catalogue().iter().map(|k| k.code.as_str()).collect();
    let missing: Vec<&&str> = all.difference(&covered).collect();
    assert!(missing.is_empty(), "kinds with no test: {missing:?}");
}

#[test]
fn the_valid_submission_has_no_errors_or_warnings() {
    let dir = tempdir();
    let path = write(dir.path(), "itu.xlsx", &Book::valid().xlsx());
    let report = check(&path);
    assert_eq!(
        (report.counts.errors, report.counts.warnings),
        (0, 0),
        "{:#?}",
        report.findings
    );
    assert_eq!(
        report.understood.unwrap().sentence("en"),
        "ITU, reporting year 2026: 2 actions, 1 coordination entry, narrative complete."
    );
}

#[test]
fn an_xlsb_workbook_reads_as_its_xlsx_twin() {
    let dir = tempdir();
    let mut book = Book::valid();
    // A mistake too, so that places are compared as well.
    book.sheets[1].1[3][0] = s("A1");
    let x = check(&write(dir.path(), "itu.xlsx", &book.xlsx()));
    let b = check(&write(dir.path(), "itu.xlsb", &book.xlsb()));
    assert!(b.readable, "{:#?}", b.findings);
    assert_eq!(b.container.map(|c| c.name()), Some("xlsb"));
    let summary = |r: &FileReport| -> Vec<(String, String)> {
        r.findings
            .iter()
            .map(|f| (f.code.to_string(), place_of(f)))
            .collect()
    };
    assert!(!x.findings.is_empty());
    assert_eq!(summary(&b), summary(&x));
    assert_eq!(b.understood, x.understood);
    assert_eq!(
        b.submission.map(|s| s.sheets.len()),
        x.submission.map(|s| s.sheets.len())
    );
}

#[test]
fn what_people_type_is_understood() {
    // Labels in French, a date typed day first, numbers typed as text, a merged-away
    // title row, trailing spaces: all accepted as the values they mean.
    let book = Book::valid()
        .set("Actions", "D3", s("Dialogue sur les politiques"))
        .set("Actions", "N3", s("Achevée"))
        .set("Actions", "M3", s("31/12/2025"))
        .set("Actions", "L3", s("1 March 2025"))
        .set("Actions", "O3", s("1,200 "))
        .set("Actions", "G3", s("C7 e-health, C1"))
        .set("Actions", "H3", s("SDG 9; Goal 17; 9.c"))
        .set("Actions", "I3", s("35 (d); para 69"))
        .set(
            "Actions",
            "K3",
            s("Kenya; 404; Côte d’Ivoire; Sub-Saharan Africa"),
        );
    let report = check_book(&book);
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity == cstd::findings::Severity::Error)
        .collect();
    // 1,200 governments is out of range: the number was read, then checked.
    assert_eq!(
        errors.iter().map(|f| f.code).collect::<Vec<_>>(),
        vec!["out-of-range"],
        "{errors:#?}"
    );
    let sub = report.submission.unwrap();
    let a = &sub.records("actions")[0];
    assert_eq!(a.text("action_type"), Some("policy-dialogue"));
    assert_eq!(a.text("status"), Some("completed"));
    assert_eq!(a.date("end_date"), NaiveDate::from_ymd_opt(2025, 12, 31));
    assert_eq!(a.date("start_date"), NaiveDate::from_ymd_opt(2025, 3, 1));
    assert_eq!(a.list("action_lines"), ["C7.e-health", "C1"]);
    assert_eq!(a.list("sdgs"), ["9", "17", "9.c"]);
    assert_eq!(a.list("tunis_paragraphs"), ["35(d)", "69"]);
    assert_eq!(
        a.list("countries"),
        ["KEN", "CIV", "Sub-Saharan Africa"],
        "Kenya and 404 are one country"
    );
}

/// Dates and countries as an organization writing in Chinese, Russian or
/// Arabic types them, with the UN's names of countries.
#[test]
fn dates_and_countries_in_chinese_russian_and_arabic_are_understood() {
    // Start, end, countries and their codes, a description, SDGs.
    let rows = [
        (
            "2025年3月1日",
            "2025年12月31日",
            "中国; 吉尔吉斯斯坦; 法国; 非洲",
            ["CHN", "KGZ", "FRA", "Africa"],
            // Thirty characters: a sentence, not a short text.
            "为发展中国家的政策制定者举办关于互联网公共政策的培训讲习班。",
            "可持续发展目标 9; 17",
        ),
        (
            "1 марта 2025 г.",
            "31 декабря 2025",
            "Кыргызстан; Соединенные Штаты Америки; Святой Престол; Африка",
            ["KGZ", "USA", "VAT", "Africa"],
            "Семинары для разработчиков политики из развивающихся стран.",
            "ЦУР 9; 17",
        ),
        (
            "1 آذار/مارس 2025",
            "31 ديسمبر 2025",
            "الجمهورية العربية السورية; فييت نام; الاتحاد الروسي; أفريقيا",
            ["SYR", "VNM", "RUS", "Africa"],
            "حلقات عمل لواضعي السياسات من البلدان النامية بشأن الإنترنت.",
            "الهدف 9; 17",
        ),
    ];
    for (start, end, countries, codes, description, sdgs) in rows {
        let book = Book::valid()
            .set("Actions", "C3", s(description))
            .set("Actions", "H3", s(sdgs))
            .set("Actions", "L3", s(start))
            .set("Actions", "M3", s(end))
            .set("Actions", "K3", s(countries));
        let report = check_book(&book);
        let problems: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity != cstd::findings::Severity::Note)
            .collect();
        assert!(problems.is_empty(), "{start}: {problems:#?}");
        let sub = report.submission.unwrap();
        let a = &sub.records("actions")[0];
        assert_eq!(
            a.date("start_date"),
            NaiveDate::from_ymd_opt(2025, 3, 1),
            "{start}"
        );
        assert_eq!(
            a.date("end_date"),
            NaiveDate::from_ymd_opt(2025, 12, 31),
            "{end}"
        );
        assert_eq!(a.list("countries"), codes, "{countries}");
        assert_eq!(a.list("sdgs"), ["9", "17"], "{sdgs}");
    }
}

/// A comma inside a cell that uses ; is not a separator; when its parts are
/// items, the finding says to separate them with ;.
#[test]
fn commas_in_a_semicolon_cell_are_pointed_out() {
    let book = Book::valid().set("Actions", "G3", s("C1, C7; C11"));
    let report = check_book(&book).in_language("fr");
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "not-in-vocabulary")
        .expect("C1, C7 is not one item");
    assert_eq!(place_of(f), "Actions!G3");
    assert_eq!(f.value.as_deref(), Some("C1, C7"));
    let detail = f.detail_text().unwrap_or_default();
    assert!(
        detail.contains("séparez chaque élément par un point-virgule (;)"),
        "{detail}"
    );
    let sub = report.submission.unwrap();
    assert_eq!(sub.records("actions")[0].list("action_lines"), ["C11"]);
}

/// Lists split where a person means them to, never inside a name; country
/// and region names in the six languages.
#[test]
fn lists_split_where_people_mean_and_names_are_read_in_any_language() {
    let book = Book::valid()
        .set(
            "Actions",
            "K3",
            s("Korea, Republic of; Tanzania, United Republic of"),
        )
        .set(
            "Actions",
            "K4",
            s("Royaume-Uni; Reino Unido; Estados Unidos; Afrique; Caribe; Кения; Corée, République de"),
        )
        .set("Actions", "S3", s("Ministry of Health, Kenya; ITU"))
        .set("Actions", "S4", s("UNESCO, ITU"));
    let book = {
        let mut b = book;
        // The partners column, after the eighteen of the valid book.
        b.sheet("Actions")[1].resize(19, crate::common::C::Blank);
        b.sheet("Actions")[1][18] = s("Partners");
        b
    };
    let report = check_book(&book);
    let problems: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity != cstd::findings::Severity::Note)
        .map(|f| format!("{} {}", f.code, place_of(f)))
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    let sub = report.submission.unwrap();
    let a = &sub.records("actions");
    assert_eq!(a[0].list("countries"), ["KOR", "TZA"]);
    assert_eq!(
        a[1].list("countries"),
        ["GBR", "USA", "Africa", "Caribbean", "KEN", "KOR"],
        "the United Kingdom twice is one"
    );
    assert_eq!(a[0].list("partners"), ["Ministry of Health, Kenya", "ITU"]);
    assert_eq!(
        a[1].list("partners"),
        ["UNESCO, ITU"],
        "free text never splits at commas"
    );
}

#[test]
fn findings_suggest_the_closest_code() {
    let dir = tempdir();
    let path = write(
        dir.path(),
        "f.xlsx",
        &Book::valid().set("Actions", "G3", s("C7.e-helth")).xlsx(),
    );
    let report = check(&path);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "not-in-vocabulary")
        .unwrap();
    assert_eq!(
        f.suggestions.first().map(String::as_str),
        Some("C7.e-health")
    );
    assert_eq!(f.place.column.as_deref(), Some("WSIS action lines"));
    assert_eq!(f.value.as_deref(), Some("C7.e-helth"));
}

#[test]
fn sheets_and_columns_are_found_in_any_language_and_order() {
    let mut book = Book::valid();
    // Spanish sheet names, and the Actions columns reversed.
    for (name, _) in book.sheets.iter_mut() {
        *name = match name.as_str() {
            "Organization" => "Organización".into(),
            "Actions" => "ACCIONES".into(),
            "Coordination" => "Coordinación".into(),
            other => other.into(),
        };
    }
    for row in book.sheet("ACCIONES").iter_mut().skip(1) {
        row.reverse();
    }
    let report = check_book(&book);
    assert_eq!(
        (report.counts.errors, report.counts.warnings),
        (0, 0),
        "{:#?}",
        report.findings
    );
    assert_eq!(report.understood.unwrap().actions, 2);
}

#[test]
fn titles_in_arabic_chinese_and_russian_are_read() {
    let schema = Schema::current();
    let english = check_book(&Book::valid()).understood;
    for lang in ["ar", "zh", "ru"] {
        let mut book = Book::valid();
        for (name, rows) in book.sheets.iter_mut() {
            let Some(def) = schema.sheets.iter().find(|d| d.label("en") == name) else {
                continue;
            };
            *name = def.labels[lang].clone();
            // Every cell holding a column title or a form label, translated.
            for cell in rows.iter_mut().flatten() {
                let C::S(text) = cell else { continue };
                let bare = text.trim_end_matches('*').trim();
                if let Some(f) = def.fields.iter().find(|f| f.label("en") == bare) {
                    *text = f.labels[lang].clone();
                }
            }
        }
        let report = check_book(&book);
        assert_eq!(
            (report.counts.errors, report.counts.warnings),
            (0, 0),
            "{lang}: {:#?}",
            report.findings
        );
        assert_eq!(report.understood, english, "{lang}");
    }
    // Russian workbooks made before the titles' wording changed still read.
    let actions = schema
        .sheets
        .iter()
        .position(|d| d.id == "actions")
        .unwrap();
    for old in [
        "Группа вопросов публичной политики",
        "Вопросы публичной политики",
    ] {
        assert!(schema.field_for_label(actions, old).is_some(), "{old}");
    }
}

#[test]
fn a_missing_sheet_is_named_in_english_first() {
    let mut book = Book::valid();
    book.sheets.retain(|(name, _)| name != "Actions");
    let report = check_book(&book);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "sheet-missing")
        .unwrap();
    assert_eq!(
        f.expected.as_ref().map(|m| m.render("en")).as_deref(),
        Some("a sheet named Actions, Acciones, الإجراءات, 行动 or Действия")
    );
}

/// An Actions sheet whose Title cell B2 holds a formula and no stored value,
/// as programs write them.
fn formula_without_value() -> Vec<u8> {
    raw_xlsx(
        &format!(
            r#"<row r="1">{}{}</row><row r="2">{}<c r="B2"><f>CONCAT("a","b")</f></c></row>"#,
            raw_cell("A1", "Action ID"),
            raw_cell("B1", "Title"),
            raw_cell("A2", "A1"),
        ),
        &[],
    )
}

/// A formula without its value in an optional column is named under that
/// column too, in a form's row as in a table's column, like the
/// validator's own findings.
#[test]
fn a_formula_without_its_value_names_its_column_wherever_it_is() {
    let dir = tempdir();
    let bytes = raw_xlsx(
        &format!(
            r#"<row r="1">{}{}{}</row><row r="2">{}{}<c r="C2"><f>A2&amp;"x"</f></c></row><row r="3"><c r="C3"><f>1+1</f></c></row>"#,
            raw_cell("A1", "Action ID"),
            raw_cell("B1", "Title"),
            raw_cell("C1", "Partners"),
            raw_cell("A2", "A1"),
            raw_cell("B2", "A title"),
        ),
        &[],
    );
    let path = write(dir.path(), "f.xlsx", &bytes);
    let report = check(&path);
    let named: Vec<(String, Option<&str>)> = report
        .findings
        .iter()
        .filter(|f| f.code == "formula-no-value")
        .map(|f| (place_of(f), f.place.column.as_deref()))
        .collect();
    assert_eq!(
        named,
        [
            ("Actions!C2".to_string(), Some("Partners")),
            ("Actions!C3".to_string(), Some("Partners"))
        ],
        "{:?}",
        report.findings
    );
}

/// A required cell whose formula has no stored value is one finding, which
/// says why the cell reads as empty, not also "fill in the cell".
#[test]
fn a_formula_without_its_value_in_a_required_cell_is_said_once() {
    let dir = tempdir();
    let path = write(dir.path(), "f.xlsx", &formula_without_value());
    let report = check(&path);
    let at_b2: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| place_of(f) == "Actions!B2")
        .map(|f| f.code)
        .collect();
    assert_eq!(at_b2, ["formula-no-value"], "{:?}", report.findings);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "formula-no-value")
        .unwrap();
    assert_eq!(
        f.place.column.as_deref(),
        Some("Title"),
        "said under its column"
    );
}
