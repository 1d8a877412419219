//! The schema file is the one source of truth: a secretariat's own copy, with
//! a field added and another renamed, runs through validate, ingest, export
//! and report with no change to the program (`CSTD_SCHEMA`).

use serde_json::{Value, json};

use crate::common::{cstd, repo, succeed, tempdir, write};

/// The bundled schema with the acronym field renamed `short_name` (its role
/// unchanged) and a `budget` column added to the actions.
fn custom_schema() -> String {
    let bundled = std::fs::read_to_string(repo().join("schema/2026.1.toml")).unwrap();
    let renamed = bundled.replacen("  id = \"acronym\"\n", "  id = \"short_name\"\n", 1);
    assert_ne!(
        renamed, bundled,
        "the acronym field is no longer where the test looks"
    );
    let anchor = "  [[sheets.fields]]\n  id = \"developing\"\n";
    assert!(renamed.contains(anchor));
    renamed.replacen(
        anchor,
        &format!(
            "  [[sheets.fields]]\n  id = \"budget\"\n  type = \"integer\"\n  min = 0\n  labels = {{ en = \"Budget (USD)\", fr = \"Budget (USD)\", es = \"Presupuesto (USD)\", ar = \"الميزانية\", zh = \"预算\", ru = \"Бюджет\" }}\n  help = {{ en = \"What the action cost.\", fr = \"Le coût de l'action.\", es = \"El costo de la acción.\" }}\n\n{anchor}"
        ),
        1,
    )
}

#[test]
fn a_field_added_and_another_renamed_need_no_change_to_the_code() {
    let dir = tempdir();
    let schema = write(dir.path(), "schema.toml", custom_schema().as_bytes());
    let mut doc: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("submissions/2026/undp.json")).unwrap(),
    )
    .unwrap();
    let org = doc["organization"].as_object_mut().unwrap();
    let acronym = org.remove("acronym").unwrap();
    org.insert("short_name".into(), acronym);
    // A name the register does not hold: only the acronym can name UNDP.
    org.insert("name".into(), json!("Digital Office"));
    doc["actions"][0]["budget"] = json!(120000);
    // Named so that only its content can tell who sent it.
    let file = write(dir.path(), "attachment.json", doc.to_string().as_bytes());
    let run = |args: &[&str]| {
        let mut c = cstd();
        c.env("CSTD_SCHEMA", &schema).args(args);
        c
    };

    // Validate: the renamed field names the organization, the new one is read.
    let out = succeed(run(&["validate", "--format", "json"]).arg(&file));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let report = &report["files"][0];
    assert_eq!(report["understood"]["organization"], "UNDP", "{report:#}");
    assert_eq!(report["counts"]["errors"], 0, "{report:#}");
    let out = succeed(run(&["validate", "--format", "json"]).arg(&file));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("column-ignored"));

    // Without the custom schema the same file misses its acronym and has an
    // unknown column: the schema file, not the code, made the difference.
    let plain = cstd()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let plain = String::from_utf8_lossy(&plain.stdout);
    assert!(
        plain.contains("column-ignored") || plain.contains("row-ignored"),
        "{plain}"
    );

    // Ingest: attributed to UNDP through the renamed field.
    let store = dir.path().join("store");
    succeed(run(&["ingest", "--store"]).arg(&store).arg(&file));
    let out = succeed(run(&["status", "--format", "json", "--store"]).arg(&store));
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let undp = status["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["organization"] == "UNDP")
        .expect("UNDP in the status");
    assert_eq!(undp["actions"], 2, "{undp:#}");

    // Export: the tables have the new column and the renamed one.
    let export = dir.path().join("export");
    succeed(
        run(&["export", "--year", "2026", "--store"])
            .arg(&store)
            .arg("--output")
            .arg(&export),
    );
    let actions = std::fs::read_to_string(export.join("actions.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(actions.as_bytes());
    let header = rows.headers().unwrap().clone();
    let budget = header
        .iter()
        .position(|h| h == "budget")
        .expect("a budget column");
    let budgets: Vec<String> = rows
        .records()
        .map(|r| r.unwrap()[budget].to_string())
        .collect();
    assert!(budgets.contains(&"120000".to_string()), "{budgets:?}");
    let submissions = std::fs::read_to_string(export.join("submissions.csv")).unwrap();
    assert!(
        submissions.lines().next().unwrap().contains("short_name"),
        "{submissions}"
    );
    assert!(
        !submissions.lines().next().unwrap().contains(",acronym"),
        "{submissions}"
    );

    // Report: its figures come through the roles too.
    let out_dir = dir.path().join("report");
    succeed(
        run(&["report", "--year", "2026", "--store"])
            .arg(&store)
            .arg("--output")
            .arg(&out_dir),
    );
    assert!(out_dir.join("2026/report.pdf").exists());
    let annex = std::fs::read_to_string(out_dir.join("2026/annex/actions.csv")).unwrap();
    let undp1 = annex
        .lines()
        .find(|l| l.contains("UNDP-1"))
        .expect("the report's annex lists UNDP-1");
    assert!(
        undp1.contains("Digital public infrastructure country support")
            && undp1.ends_with(",30,30"),
        "{undp1}"
    );
}

#[test]
fn a_schema_file_that_is_not_valid_is_an_error_that_says_why() {
    let dir = tempdir();
    let broken = custom_schema().replacen("  role = \"reporting-year\"\n", "", 1);
    let schema = write(dir.path(), "schema.toml", broken.as_bytes());
    let out = cstd()
        .env("CSTD_SCHEMA", &schema)
        .args(["schema"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("CSTD_SCHEMA") && err.contains("0 fields have the role reporting-year"),
        "{err}"
    );
}
