//! The annotated copy is the organization's own workbook, marked: every part
//! but the marks is kept, the Findings sheet comes first with a link to each
//! cell, each note says what is wrong and what to do, and Calc opens it.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use calamine::{Reader, Xlsx};

use crate::common::{cstd, tempdir};

/// Every part of an xlsx by name.
fn parts(path: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.insert(f.name().unwrap().to_string(), s);
        }
    }
    out
}

/// The first element of a name and its content, whole.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}"))?;
    let close = format!("</{name}>");
    let end = match xml[start..].find(&close) {
        Some(e) => start + e + close.len(),
        None => start + xml[start..].find("/>")? + 2,
    };
    Some(&xml[start..end])
}

/// The template with a wrong year typed in the Organization sheet.
fn filled_template(dir: &Path) -> std::path::PathBuf {
    let blank = dir.join("blank.xlsx");
    assert!(
        cstd()
            .args(["template", "-o"])
            .arg(&blank)
            .status()
            .unwrap()
            .success()
    );
    let src = parts(&blank);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&blank).unwrap()).unwrap();
    let out = dir.join("filled.xlsx");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&out).unwrap());
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet2.xml" {
            let xml = String::from_utf8(data).unwrap();
            // The year's answer cell, blank, with the template's input style.
            let start = xml
                .find(r#"<c r="B7" s=""#)
                .expect("the template's year cell moved");
            let end = start + xml[start..].find("/>").unwrap();
            let cell = &xml[start..end + 2];
            let style = &xml[start..end];
            let typed = format!(r#"{style} t="inlineStr"><is><t>20x6</t></is></c>"#);
            data = xml.replace(cell, &typed).into_bytes();
        }
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, &data).unwrap();
    }
    w.finish().unwrap();
    assert!(src.len() > 5);
    out
}

#[test]
fn the_annotated_copy_is_the_organizations_workbook_marked() {
    let dir = tempdir();
    let filled = filled_template(dir.path());
    let annotated = dir.path().join("annotated.xlsx");
    let out = cstd()
        .args(["validate", "--lang", "fr"])
        .arg(&filled)
        .arg("--annotate")
        .arg(&annotated)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = parts(&filled);
    let after = parts(&annotated);

    // Every part of the original is still there; only sheets with marks,
    // the styles, the workbook and its lists of parts changed.
    for (name, xml) in &before {
        let kept = after.get(name).unwrap_or_else(|| panic!("{name} was lost"));
        if !name.starts_with("xl/worksheets/sheet") {
            if !matches!(
                name.as_str(),
                "xl/styles.xml" | "xl/workbook.xml" | "[Content_Types].xml"
            ) && !name.contains("_rels")
                && !name.contains("comments")
                && !name.contains("vmlDrawing")
            {
                assert_eq!(kept, xml, "{name} changed");
            }
            continue;
        }
        // Drop-downs, widths, frozen panes, hidden rows and columns, print
        // setup: the same bytes.
        for e in [
            "dataValidations",
            "cols",
            "pane",
            "pageSetup",
            "sheetFormatPr",
            "mergeCells",
        ] {
            assert_eq!(element(kept, e), element(xml, e), "{e} of {name}");
        }
    }

    // The Findings sheet comes first, in French, with a link to each cell.
    let mut wb: Xlsx<_> = calamine::open_workbook(&annotated).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[0], "Constatations");
    assert_eq!(
        &names[1..],
        &[
            "Instructions",
            "Organization",
            "Actions",
            "Coordination",
            "Narrative",
            "Lists",
            "Countries and regions"
        ]
    );
    let findings = wb.worksheet_range("Constatations").unwrap();
    let header: Vec<String> = findings
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "Gravité");
    assert_eq!(header[6], "Que faire");
    let rows: Vec<Vec<String>> = findings
        .rows()
        .skip(1)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let year = rows
        .iter()
        .find(|r| r[2] == "Organization!B7")
        .expect("a row for the year cell");
    assert_eq!(year[1], "not-a-number");
    assert!(year[5].contains("«\u{a0}20x6\u{a0}»"), "{year:?}");
    let findings_part = after
        .iter()
        .find(|(n, x)| n.starts_with("xl/worksheets/sheet") && x.contains("Gravité"))
        .map(|(_, x)| x.clone())
        .expect("the Findings sheet's part");
    assert!(findings_part.contains(r#"location="'Organization'!B7""#));
    assert!(
        findings_part.contains("fitToWidth=\"1\"") && findings_part.contains("state=\"frozen\"")
    );
    assert!(after["xl/workbook.xml"].contains("_xlnm.Print_Titles"));

    // The year cell keeps its value and gets a fill; its note says what to do.
    let org = wb.worksheet_range("Organization").unwrap();
    assert_eq!(
        org.get_value((6, 1)).map(|v| v.to_string()).as_deref(),
        Some("20x6")
    );
    let org_xml = &after["xl/worksheets/sheet2.xml"];
    let b7 = org_xml
        .find(r#"<c r="B7""#)
        .map(|i| &org_xml[i..i + 40])
        .unwrap();
    assert!(
        !b7.contains(r#"s="5""#),
        "the year cell was not filled: {b7}"
    );
    assert!(after["xl/styles.xml"].contains("FFF4B6B6"));
    let notes: String = after
        .iter()
        .filter(|(n, _)| n.starts_with("xl/comments"))
        .map(|(_, x)| x.as_str())
        .collect();
    assert!(
        notes.contains(r#"ref="B7""#) && notes.contains("Que faire"),
        "{notes}"
    );
    // The template's own notes are still there.
    assert!(notes.contains("Your own reference, unique within this submission"));

    // Calc opens it.
    let pdf_dir = dir.path().join("pdf");
    let st = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdf_dir)
        .arg(&annotated)
        .env("HOME", dir.path())
        .output()
        .expect("LibreOffice (soffice) is needed by this test; .ci/run installs it");
    assert!(
        pdf_dir.join("annotated.pdf").exists(),
        "LibreOffice could not open the copy: {}",
        String::from_utf8_lossy(&st.stderr)
    );

    // And cstd reads the copy as the same submission.
    let again = cstd().args(["validate"]).arg(&annotated).output().unwrap();
    let text = String::from_utf8(again.stdout).unwrap();
    assert!(text.contains("Organization!B7 (Reporting year)"), "{text}");
}

#[test]
fn a_file_that_is_not_an_xlsx_gets_a_copy_that_says_so() {
    let dir = tempdir();
    let annotated = dir.path().join("wipo-annotated.xlsx");
    let out = cstd()
        .args(["validate", "submissions/2026/undesa.ods", "--annotate"])
        .arg(&annotated)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("a new workbook holding the values of the ods file"),
        "{said}"
    );
    let mut wb: Xlsx<_> = calamine::open_workbook(&annotated).unwrap();
    let first = wb.worksheet_range("Findings").unwrap();
    assert!(
        first.get_value((0, 0)).is_some_and(|v| v
            .to_string()
            .contains("copy of the values of your ods file")),
        "{first:?}"
    );
}

/// In Arabic, the Findings sheet runs from right to left, in the
/// organization's own workbook as in a copy.
#[test]
fn the_findings_sheet_runs_right_to_left_in_arabic() {
    let dir = tempdir();
    for (source, name) in [
        ("submissions/2026/who.xlsx", "who-ar.xlsx"),
        ("submissions/2026/undesa.ods", "undesa-ar.xlsx"),
    ] {
        let annotated = dir.path().join(name);
        cstd()
            .args(["validate", "--lang", "ar", source, "--annotate"])
            .arg(&annotated)
            .output()
            .unwrap();
        let parts = parts(&annotated);
        let workbook = &parts["xl/workbook.xml"];
        assert!(
            workbook.contains("name=\"الملاحظات\""),
            "{source}: {workbook}"
        );
        let right_to_left = parts
            .iter()
            .filter(|(n, _)| n.starts_with("xl/worksheets/"))
            .filter(|(_, xml)| xml.contains("rightToLeft=\"1\""))
            .count();
        assert_eq!(right_to_left, 1, "{source}: one sheet right to left");
    }
}
