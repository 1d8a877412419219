//! The command line as people run it: exit status, stdout and stderr together,
//! snapshotted, on the bundled example submissions.

use insta_cmd::assert_cmd_snapshot;

use crate::common::{Book, cstd, s, tempdir, write};

const EXAMPLES: &[&str] = &[
    "eclac",
    "escap.xlsx",
    "icann.json",
    "isoc.zip",
    "itu.xlsx",
    "oecd.xlsx",
    "oif.xlsx",
    "unctad.xlsx",
    "undesa.ods",
    "undp.json",
    "unesco.xlsx",
    "who.xlsx",
    "wipo.xls",
];

#[test]
fn validate_each_example_as_text() {
    for name in EXAMPLES {
        let path = format!("submissions/2026/{name}");
        insta::with_settings!({ snapshot_suffix => name.replace('.', "_"), description => path.clone() }, {
            assert_cmd_snapshot!(cstd().args(["validate", &path]));
        });
    }
}

#[test]
fn validate_all_examples_as_json() {
    assert_cmd_snapshot!(cstd().args(["validate", "--format", "json", "submissions/2026"]));
}

#[test]
fn the_examples_folder_has_what_the_readme_promises() {
    let out = cstd()
        .args(["validate", "submissions/2026"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a cut attachment makes the run exit 2"
    );
    assert!(
        text.ends_with("13 files: 9 can be accepted, 3 with errors, 1 cannot be read\n"),
        "{text}"
    );
}

#[test]
fn exit_status_says_whether_the_submission_can_be_accepted() {
    let ok = cstd()
        .args(["validate", "submissions/2026/itu.xlsx"])
        .status()
        .unwrap();
    let errors = cstd()
        .args(["validate", "submissions/2026/who.xlsx"])
        .status()
        .unwrap();
    let unreadable = cstd()
        .args(["validate", "submissions/2026/escap.xlsx"])
        .status()
        .unwrap();
    assert_eq!(
        (ok.code(), errors.code(), unreadable.code()),
        (Some(0), Some(1), Some(2))
    );
}

/// Every example in French and Spanish, snapshotted, and a broken one in
/// Arabic, Chinese and Russian; and no sentence of the English catalogues in
/// any of them, apart from what the translation keeps the same (codes,
/// examples of values).
#[test]
fn validate_each_example_in_every_other_language() {
    let english = english_fragments();
    for lang in ["fr", "es", "ar", "zh", "ru"] {
        for name in EXAMPLES {
            let path = format!("submissions/2026/{name}");
            if matches!(lang, "fr" | "es") || *name == "who.xlsx" {
                insta::with_settings!({
                    snapshot_suffix => format!("{lang}_{}", name.replace('.', "_")),
                    description => format!("{path} --lang {lang}"),
                }, {
                    assert_cmd_snapshot!(cstd().args(["validate", "--lang", lang, &path]));
                });
            }
            let out = cstd()
                .args(["validate", "--lang", lang, "--all", &path])
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            for (fragment, translated) in &english {
                let kept = translated
                    .get(lang)
                    .is_some_and(|t| t.contains(fragment.as_str()));
                assert!(
                    kept || !text.contains(fragment.as_str()),
                    "{lang} output of {name} holds English {fragment:?}:\n{text}"
                );
            }
        }
    }
}

/// The English text of every message, title and help, as fragments of at
/// least two words between blanks, with each entry's other languages.
fn english_fragments() -> Vec<(String, std::collections::BTreeMap<String, String>)> {
    let mut out = Vec::new();
    for texts in cstd::messages::catalogue().values() {
        let Some(en) = texts.get("en") else { continue };
        for piece in en.split(['{', '}']).step_by(2) {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if piece.split_whitespace().count() >= 2 {
                out.push((piece.to_string(), texts.clone()));
            }
        }
    }
    for k in cstd::findings::catalogue() {
        for labels in [&k.title, &k.help] {
            if let Some(en) = labels.get("en")
                && en.split_whitespace().count() >= 2
            {
                out.push((en.clone(), labels.clone()));
            }
        }
    }
    out
}

#[test]
fn long_groups_are_cut_and_say_so() {
    let mut book = Book::valid();
    for r in 5..30 {
        book = book.set("Actions", &format!("A{r}"), s(&format!("X{r}")));
    }
    let dir = tempdir();
    let path = write(dir.path(), "many.xlsx", &book.xlsx());
    let out = cstd().args(["validate"]).arg(&path).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("... and 165 more of this kind (--all shows them)"),
        "{text}"
    );
    let all = cstd()
        .args(["validate", "--all"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(all.stdout).unwrap();
    assert!(
        !text.contains("more of this kind") && text.contains("Actions!B29"),
        "{text}"
    );
}

#[test]
fn annotate_marks_each_problem_cell() {
    let dir = tempdir();
    let out = dir.path().join("who-annotated.xlsx");
    let status = cstd()
        .args(["validate", "submissions/2026/who.xlsx", "--annotate"])
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    // The copy is a workbook that reads back with the same values, a Findings
    // sheet first, and a note at each problem cell.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut comments = String::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        if f.name().unwrap().contains("comments") {
            std::io::Read::read_to_string(&mut f, &mut comments).unwrap();
        }
    }
    assert!(
        comments.contains("C7.e-helth") && comments.contains("did you mean"),
        "{comments}"
    );
    let copy = cstd().args(["validate"]).arg(&out).output().unwrap();
    let text = String::from_utf8(copy.stdout).unwrap();
    assert!(
        text.contains("Actions!P5 (WSIS action lines)") && text.contains("sheet-ignored"),
        "{text}"
    );
}

#[test]
fn template_validates_to_required_values_only() {
    let dir = tempdir();
    for lang in cstd::messages::LANGUAGES {
        let path = dir.path().join(format!("template-{lang}.xlsx"));
        let status = cstd()
            .args(["template", "--lang", lang, "-o"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        let out = cstd()
            .args(["validate", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let codes: Vec<&str> = json["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| *c == "required-missing"),
            "{lang}: {codes:?}"
        );
        // Each place names its column or row as the schema does, without
        // the template's mark of a required field.
        for f in json["files"][0]["findings"].as_array().unwrap() {
            let column = f["column"].as_str().unwrap_or_default();
            assert!(!column.is_empty() && !column.ends_with('*'), "{lang}: {f}");
        }
    }
}

#[test]
fn help_and_errors() {
    assert_cmd_snapshot!(cstd().arg("--help"));
    assert_cmd_snapshot!(cstd().args(["explain", "not-in-vocabulary"]));
    assert_cmd_snapshot!(cstd().args(["explain", "not-in-vocabulay"]));
    assert_cmd_snapshot!(cstd().args(["validate", "no/such/file.xlsx"]));
}

#[test]
fn schema_outputs_derive_from_the_schema_file() {
    let md = cstd().args(["schema"]).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    let schema = cstd::schema::Schema::current();
    for sheet in &schema.sheets {
        for f in &sheet.fields {
            assert!(
                md.contains(&format!("`{}`", f.id)),
                "{} missing from the docs",
                f.id
            );
        }
    }
    for k in cstd::findings::catalogue() {
        assert!(md.contains(&format!("`{}`", k.code)));
    }
    let js = cstd()
        .args(["schema", "--format", "json-schema"])
        .output()
        .unwrap();
    let js: serde_json::Value = serde_json::from_slice(&js.stdout).unwrap();
    // A coded field takes each term's code, labels and spellings, as written.
    let status = &js["properties"]["actions"]["items"]["properties"]["status"]["enum"];
    let status: Vec<&str> = status
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for t in &schema.vocabulary("status").unwrap().terms {
        let labels = cstd::messages::LANGUAGES.iter().map(|l| t.label(l));
        for form in std::iter::once(t.code.as_str()).chain(labels) {
            assert!(status.contains(&form), "{form} missing from {status:?}");
        }
    }
    assert!(!status.contains(&"finished"));
}

/// A JSON file written loosely, as a person might by hand: each value the
/// JSON Schema would refuse gets its finding, in the reader's language, with
/// the form it must take.
#[test]
fn json_is_held_to_its_schema_with_findings_in_french() {
    let dir = crate::common::tempdir();
    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::common::repo().join("submissions/2026/undp.json")).unwrap(),
    )
    .unwrap();
    doc["organization"]
        .as_object_mut()
        .unwrap()
        .remove("acronym");
    doc["organization"]["consent"] = serde_json::json!("Yes ");
    doc["organization"]["year"] = serde_json::json!("2026");
    doc["actions"][0]["start_date"] = serde_json::json!("1/3/2025");
    doc["actions"][0]["sdgs"] = serde_json::json!("9; 17");
    doc["actions"][0]["countries"] = serde_json::json!(["ken", "Kenya"]);
    doc["actions"][0]["issues"] = serde_json::json!(["Development.1"]);
    doc["actions"][1].as_object_mut().unwrap().remove("title");
    crate::common::write(dir.path(), "loose.json", doc.to_string().as_bytes());
    assert_cmd_snapshot!(cstd().current_dir(dir.path()).args([
        "validate",
        "--lang",
        "fr",
        "loose.json"
    ]));
}
