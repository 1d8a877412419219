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

/// `(sqref, formula)` of each data validation of a sheet's XML.
fn validations(sheet_xml: &str) -> Vec<(String, String)> {
    sheet_xml
        .split("<dataValidation ")
        .skip(1)
        .filter_map(|dv| {
            let sqref = dv.split("sqref=\"").nth(1)?.split('"').next()?;
            let formula = dv.split("<formula1>").nth(1)?.split("</formula1>").next()?;
            Some((sqref.to_string(), formula.replace("&apos;", "'")))
        })
        .collect()
}

/// The values a drop-down formula such as `'Listes'!$A$4:$A$9` offers.
fn offered(book: &mut calamine::Xlsx<std::io::Cursor<Vec<u8>>>, formula: &str) -> Vec<String> {
    use calamine::Reader as _;
    let (sheet, range) = formula.split_once('!').unwrap();
    let sheet = sheet.trim_matches('\'').replace("''", "'");
    let (a, b) = range.split_once(':').unwrap();
    let row = |r: &str| r.rsplit('$').next().unwrap().parse::<u32>().unwrap() - 1;
    let cells = book.worksheet_range(&sheet).unwrap();
    (row(a)..=row(b))
        .map(|r| {
            cells
                .get_value((r, 0))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn every_value_a_drop_down_offers_is_accepted_in_every_language() {
    use calamine::Reader as _;
    let schema = Schema::current();
    let reference = cstd::reference::Reference::current();
    let actions_def = schema.sheet("actions").unwrap();
    for lang in cstd::messages::LANGUAGES {
        let lang = *lang;
        let bytes = cstd::template::build(schema, lang).unwrap();
        let parts = parts(&bytes);
        let actions_xml = &parts
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet3.xml")
            .unwrap()
            .1;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
        let headers = book.worksheet_range(actions_def.label(lang)).unwrap();
        let dvs = validations(actions_xml);
        assert!(dvs.len() >= 8, "{lang}: {} drop-downs", dvs.len());
        for (sqref, formula) in dvs {
            let first = sqref.split(':').next().unwrap();
            let (_, col) = cstd::text::parse_cell_name(first).unwrap_or_else(|| panic!("{sqref}"));
            let col = col as usize;
            let title = headers.get_value((2, col as u32)).unwrap().to_string();
            let field = actions_def
                .fields
                .iter()
                .find(|f| title.trim_end_matches(" *") == f.label(lang))
                .unwrap_or_else(|| panic!("{lang}: no field titled {title}"));
            let values = offered(&mut book, &formula);
            assert!(!values.is_empty(), "{lang}: {title} offers nothing");
            for v in values {
                let read = match (&field.vocabulary, field.item) {
                    (Some(vocab), _) => schema.lookup(vocab, &v).is_some(),
                    (None, Some(cstd::schema::ItemKind::Country)) => reference.area(&v).is_some(),
                    _ => panic!("{title}: a drop-down on a field without a list"),
                };
                assert!(
                    read,
                    "{lang}: {title} offers {v:?}, which the validator refuses"
                );
            }
        }
        // What the alert says, in the template's language.
        let alert = match lang {
            "fr" => "Plusieurs éléments sont acceptés",
            "es" => "Se aceptan varios elementos",
            "ar" => "تُقبل عدة بنود",
            "zh" => "可填写多个项目",
            "ru" => "Допускается несколько элементов",
            _ => "Several items are accepted",
        };
        assert!(
            actions_xml.contains(alert),
            "{lang}: no alert saying lists are accepted"
        );
        assert!(actions_xml.contains("errorStyle=\"information\""));
        assert!(actions_xml.contains("errorStyle=\"warning\""));
    }
}
