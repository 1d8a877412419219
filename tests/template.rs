//! The template as an organization opens it: sheets, frozen commented headers,
//! drop-down lists fed from the Lists sheet.

use std::io::Read as _;

use cstd::schema::Schema;

fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut s = String::new();
            let _ = f.read_to_string(&mut s);
            (f.name().unwrap().to_string(), s)
        })
        .collect()
}

#[test]
fn template_has_every_sheet_dropdowns_notes_and_frozen_headers() {
    let schema = Schema::current();
    let bytes = cstd::template::build(schema, "fr").unwrap();
    let parts = parts(&bytes);
    let workbook = &parts
        .iter()
        .find(|(n, _)| n == "xl/workbook.xml")
        .unwrap()
        .1;
    for name in [
        "Mode d'emploi",
        "Organisation",
        "Actions",
        "Coordination",
        "Récit",
        "Listes",
    ] {
        assert!(
            workbook.contains(&format!("name=\"{name}\"")),
            "no sheet {name} in {workbook}"
        );
    }
    let sheets: Vec<&String> = parts
        .iter()
        .filter(|(n, _)| n.starts_with("xl/worksheets/sheet"))
        .map(|(_, s)| s)
        .collect();
    // Actions is the third sheet: frozen below its header, drop-downs from Listes.
    let actions = sheets[2];
    assert!(
        actions.contains(r#"<pane xSplit="1" ySplit="3""#),
        "header row not frozen"
    );
    assert!(
        actions.contains("<formula1>'Listes'!$"),
        "no drop-down fed from the Listes sheet"
    );
    let notes = parts
        .iter()
        .filter(|(n, _)| n.starts_with("xl/comments"))
        .count();
    assert!(notes >= 2, "header notes missing");
    let comments: String = parts
        .iter()
        .filter(|(n, _)| n.starts_with("xl/comments"))
        .map(|(_, s)| s.as_str())
        .collect();
    assert!(
        comments.contains("Codes C1 à C11"),
        "header notes are not in French"
    );
}
