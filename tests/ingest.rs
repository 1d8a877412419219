//! The secretariat's side: ingest, the store, status and export, as people run them.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Book, cstd, repo, s, succeed, tempdir, write};

fn ingest(store: &Path, paths: &[&Path]) -> String {
    let out = succeed(cstd().arg("ingest").arg("--store").arg(store).args(paths));
    String::from_utf8(out.stdout).unwrap()
}

fn status(store: &Path) -> Value {
    let out = succeed(
        cstd()
            .args(["status", "--format", "json", "--store"])
            .arg(store),
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ledger(store: &Path) -> Value {
    let current = std::fs::read_to_string(store.join("CURRENT")).unwrap();
    let n: u64 = current.trim().parse().unwrap();
    let text = std::fs::read_to_string(
        store
            .join("gen")
            .join(format!("{n:06}"))
            .join("ledger.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn row<'a>(status: &'a Value, org: &str) -> &'a Value {
    status["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["organization"] == org)
        .unwrap_or_else(|| panic!("no row for {org}"))
}

fn examples() -> PathBuf {
    repo().join("submissions/2026")
}

#[test]
fn ingest_the_examples_and_see_where_the_year_stands() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let summary = ingest(&store, &[&examples()]);
    insta::assert_snapshot!(summary.replace(&store.display().to_string(), "[STORE]"));
    let st = status(&store);
    assert_eq!(st["year"], 2026);
    assert_eq!(row(&st, "ITU")["state"], "accepted-with-warnings");
    assert_eq!(row(&st, "ITU")["actions"], 5);
    assert_eq!(
        row(&st, "ECLAC")["state"],
        "accepted-with-warnings",
        "CEPAL is ECLAC in the register"
    );
    assert_eq!(
        row(&st, "UNDESA")["state"],
        "accepted",
        "UN DESA is UNDESA in the register"
    );
    assert_eq!(row(&st, "WHO")["state"], "rejected");
    assert_eq!(row(&st, "FAO")["state"], "missing");
    // A file cut short in transit still counts as ESCAP's reply: its name says whose it is.
    assert_eq!(row(&st, "ESCAP")["state"], "rejected");
    assert_eq!(
        row(&st, "ESCAP")["files"][0]["attributed_by"],
        "its file name or folder"
    );
    assert_eq!(st["unattributed"].as_array().map(Vec::len), Some(0));
    let text = cstd()
        .args(["status", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with(
            "Reporting year 2026: 13 of 41 invited organizations replied; 9 have a submission accepted, 4 await a corrected file, 28 sent nothing."
        ),
        "{text}"
    );

    // Every file received is kept, by content hash, rejected ones included.
    let l = ledger(&store);
    for e in l["entries"].as_array().unwrap() {
        let kept = store.join(e["stored"].as_str().unwrap());
        assert!(kept.exists(), "{kept:?} missing");
    }
    assert_eq!(l["entries"].as_array().unwrap().len(), 13);
}

#[test]
fn ingesting_the_same_files_again_changes_nothing() {
    let dir = tempdir();
    let store = dir.path().join("store");
    ingest(&store, &[&examples()]);
    let before = ledger(&store);
    let gen_before = std::fs::read_to_string(store.join("CURRENT")).unwrap();
    let again = ingest(&store, &[&examples()]);
    assert!(again.contains("13 seen before"), "{again}");
    assert_eq!(ledger(&store), before);
    assert_eq!(
        std::fs::read_to_string(store.join("CURRENT")).unwrap(),
        gen_before
    );
}

#[test]
fn the_same_content_under_another_name_is_a_duplicate() {
    let dir = tempdir();
    let store = dir.path().join("store");
    ingest(&store, &[&examples().join("itu.xlsx")]);
    let copy = write(
        dir.path(),
        "ITU report (1).xlsx",
        &std::fs::read(examples().join("itu.xlsx")).unwrap(),
    );
    let out = ingest(&store, &[&copy]);
    assert!(out.contains("1 duplicates"), "{out}");
    let l = ledger(&store);
    let e = &l["entries"][1];
    assert_eq!(e["outcome"], "duplicate");
    assert_eq!(e["duplicate_of"], l["entries"][0]["sha256"]);
    assert_eq!(
        row(&status(&store), "ITU")["state"],
        "accepted-with-warnings"
    );
}

#[test]
fn a_corrected_resubmission_replaces_the_earlier_one_which_stays_in_the_history() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let first = write(dir.path(), "itu-v1.xlsx", &Book::valid().xlsx());
    ingest(&store, &[&first]);
    // A week later: a third action added.
    let book = Book::valid()
        .set("Actions", "A5", s("A3"))
        .set("Actions", "B5", s("Regional workshop"))
        .set(
            "Actions",
            "C5",
            s("Workshop on Internet exchange points for regulators of the region."),
        )
        .set("Actions", "D5", s("capacity-building"))
        .set("Actions", "E5", s("infrastructure"))
        .set("Actions", "G5", s("C2"))
        .set("Actions", "J5", s("regional"))
        .set("Actions", "N5", s("completed"));
    let second = write(dir.path(), "itu-v2.xlsx", &book.xlsx());
    let out = ingest(&store, &[&second]);
    assert!(out.contains("1 superseded"), "{out}");
    let l = ledger(&store);
    assert_eq!(l["entries"][0]["outcome"], "superseded");
    assert_eq!(l["entries"][0]["superseded_by"], l["entries"][1]["sha256"]);
    assert_eq!(l["entries"][1]["outcome"], "accepted");
    let st = status(&store);
    assert_eq!(row(&st, "ITU")["actions"], 3);
    assert_eq!(row(&st, "ITU")["files"].as_array().unwrap().len(), 2);

    // The history keeps both; the export holds the one in force.
    let out_dir = dir.path().join("export");
    succeed(
        cstd()
            .args(["export", "--year", "2026", "--format", "csv", "-o"])
            .arg(&out_dir)
            .arg("--store")
            .arg(&store),
    );
    let actions = std::fs::read_to_string(out_dir.join("actions.csv")).unwrap();
    assert_eq!(actions.lines().count(), 1 + 3, "{actions}");
    let parquet_dir = dir.path().join("parquet");
    succeed(
        cstd()
            .args(["export", "--year", "2026", "--format", "parquet", "-o"])
            .arg(&parquet_dir)
            .arg("--store")
            .arg(&store),
    );
    let submissions = cstd::tables::read_parquet(
        "submissions",
        std::fs::read(parquet_dir.join("submissions.parquet")).unwrap(),
    )
    .unwrap();
    assert_eq!(submissions.height(), 1);
    let generation = cstd::store::Store::new(&store).require_current().unwrap();
    let all = generation
        .table(Some(2026), "submissions")
        .unwrap()
        .unwrap();
    let status: Vec<Option<&str>> = all.text("status").unwrap().iter().collect();
    assert_eq!(status, [Some("superseded"), Some("current")]);
}

#[test]
fn a_rejected_file_is_kept_with_its_findings() {
    let dir = tempdir();
    let store = dir.path().join("store");
    ingest(&store, &[&examples().join("who.xlsx")]);
    let generation = cstd::store::Store::new(&store).require_current().unwrap();
    let findings = generation.table(None, "findings").unwrap().unwrap();
    let codes: Vec<&str> = findings.text("code").unwrap().iter().flatten().collect();
    assert!(
        codes.contains(&"not-in-vocabulary") && codes.contains(&"date-ambiguous"),
        "{codes:?}"
    );
    let l = ledger(&store);
    assert_eq!(l["entries"][0]["outcome"], "rejected");
    assert!(
        store
            .join(l["entries"][0]["stored"].as_str().unwrap())
            .exists()
    );
    assert!(
        generation.table(Some(2026), "actions").unwrap().is_none(),
        "a rejected file gives no table rows"
    );
}

#[test]
fn an_unknown_organization_is_accepted_as_new_never_merged() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let book = Book::valid()
        .set(
            "Organization",
            "B3",
            s("African Network Information Centre"),
        )
        .set("Organization", "B4", s("AFRINIC"));
    let file = write(dir.path(), "afrinic.xlsx", &book.xlsx());
    let out = ingest(&store, &[&file]);
    assert!(
        out.contains("not in the register, accepted as new: AFRINIC"),
        "{out}"
    );
    let st = status(&store);
    assert_eq!(row(&st, "AFRINIC")["invited"], false);
    let generation = cstd::store::Store::new(&store).require_current().unwrap();
    let findings = generation.table(None, "findings").unwrap().unwrap();
    let f = findings
        .text("code")
        .unwrap()
        .iter()
        .position(|c| c == Some("organization-unknown"))
        .unwrap();
    assert_eq!(findings.text("severity").unwrap().get(f), Some("warning"));
    assert_eq!(row(&st, "ITU")["state"], "missing");
}

#[test]
fn a_report_written_in_russian_or_chinese_is_its_organizations() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let russian = Book::valid()
        .set("Organization", "B3", s("Международный союз электросвязи"))
        .set("Organization", "B4", s("МСЭ"));
    let chinese = Book::valid()
        .set("Organization", "B3", s("世界卫生组织"))
        .set("Organization", "B4", s("世卫组织"));
    let files = [
        write(dir.path(), "report-ru.xlsx", &russian.xlsx()),
        write(dir.path(), "report-zh.xlsx", &chinese.xlsx()),
    ];
    let out = ingest(&store, &[&files[0], &files[1]]);
    assert!(!out.contains("accepted as new"), "{out}");
    let st = status(&store);
    assert_eq!(row(&st, "ITU")["state"], "accepted");
    assert_eq!(row(&st, "WHO")["state"], "accepted");
    assert_eq!(st["rows"].as_array().map(Vec::len), Some(41), "no new row");
}

#[test]
fn exports_never_run_text_as_a_formula() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let book = Book::valid()
        .set(
            "Actions",
            "B3",
            s("=HYPERLINK(\"http://evil.example\",\"Forum\")"),
        )
        .set(
            "Actions",
            "C4",
            s("-1 is not a description but it is long enough to pass."),
        );
    let file = write(dir.path(), "itu.xlsx", &book.xlsx());
    ingest(&store, &[&file]);
    let out = dir.path().join("x");
    for format in ["csv", "xlsx"] {
        let st = cstd()
            .args(["export", "--year", "2026", "--format", format, "-o"])
            .arg(&out)
            .arg("--store")
            .arg(&store)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let csv = std::fs::read_to_string(out.join("actions.csv")).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Forum\"\")\""),
        "{csv}"
    );
    assert!(csv.contains("'-1 is not"), "{csv}");
    let all = |_: &str| true;
    let wb = cstd::read::read_path(
        &out.join("cstd-2026.xlsx"),
        &cstd::read::Limits::default(),
        &all,
    )
    .workbook
    .unwrap();
    let actions = wb.sheets.iter().find(|s| s.name == "actions").unwrap();
    // In a workbook the text stays as typed, in a text cell: never a formula.
    let titles: Vec<String> = actions.rows.iter().map(|r| r[4].display()).collect();
    assert!(
        titles
            .iter()
            .any(|t| t == "=HYPERLINK(\"http://evil.example\",\"Forum\")"),
        "{titles:?}"
    );
    let bytes = std::fs::read(out.join("cstd-2026.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut part, &mut xml).unwrap_or_default();
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "a formula in {:?}",
            part.name()
        );
    }
}

#[test]
fn a_second_ingest_waits_for_the_first_or_says_why_it_cannot_run() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let held = cstd::store::Store::new(&store).lock(true, |_| {}).unwrap();
    let out = cstd()
        .arg("ingest")
        .arg("--no-wait")
        .arg("--store")
        .arg(&store)
        .arg(examples().join("itu.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("is writing to the store") && err.contains("--no-wait"),
        "{err}"
    );

    let waiting = cstd()
        .arg("ingest")
        .arg("--store")
        .arg(&store)
        .arg(examples().join("itu.xlsx"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Long enough for the second ingest to reach the lock on a slow machine.
    std::thread::sleep(Duration::from_millis(1500));
    drop(held);
    let out = waiting.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("waiting for it to finish")
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("1 accepted")
    );
}

/// Kills ingests at points spread over a whole run, many times: after each
/// kill the store is readable and consistent, and running the ingest again
/// gives exactly what an uninterrupted ingest gives.
#[test]
fn an_ingest_killed_at_any_moment_leaves_the_store_consistent() {
    let dir = tempdir();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    // The examples, and more workbooks so that a run lasts long enough to be cut.
    copy_dir(&examples(), &inbox.join("2026"));
    for i in 0..30 {
        let book = Book::valid()
            .set("Organization", "B4", s(&format!("ORG{i}")))
            .set("Organization", "B3", s(&format!("Organization {i}")));
        write(&inbox, &format!("org{i}.xlsx"), &book.xlsx());
    }

    let clean = dir.path().join("clean");
    let t = Instant::now();
    ingest(&clean, &[&inbox]);
    let full = t.elapsed();

    let strip = |mut l: Value| {
        // Only the order of arrival within one batch can differ: sort for comparison.
        let entries = l["entries"].as_array_mut().unwrap();
        entries.sort_by_key(|e| e["sha256"].as_str().unwrap().to_string());
        l
    };
    let expected = strip(ledger(&clean));
    let kills = 24;
    let (mut before_commit, mut after_commit) = (0, 0);
    for i in 0..kills {
        let store = dir.path().join(format!("killed-{i}"));
        // Kill points spread over a whole run, from start-up to the last write.
        let delay = full.mul_f64((i as f64 + 0.5) / kills as f64);
        let mut child = cstd()
            .arg("ingest")
            .arg("--quiet")
            .arg("--store")
            .arg(&store)
            .arg(&inbox)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        if store.join("CURRENT").exists() {
            after_commit += 1;
        } else {
            before_commit += 1;
        }
        check_consistent(&store);
        ingest(&store, &[&inbox]);
        check_consistent(&store);
        assert_eq!(strip(ledger(&store)), expected, "after a kill at {delay:?}");
    }
    eprintln!("kills before the commit: {before_commit}, after it: {after_commit}");
    assert!(
        before_commit > 0,
        "no kill landed before the commit: the run is too short to test"
    );
}

/// A store is consistent when it is empty, or its current generation's ledger,
/// raw files and tables are all there and readable.
fn check_consistent(store: &Path) {
    if !store.exists() {
        return;
    }
    let s = cstd::store::Store::new(store);
    let Some(generation) = s.current().unwrap() else {
        return;
    };
    let l = generation.ledger().unwrap();
    for e in &l.entries {
        assert!(
            store.join(&e.stored).exists(),
            "raw file {} missing",
            e.stored
        );
    }
    for y in l.years() {
        if let Some(subs) = generation.table(Some(y), "submissions").unwrap() {
            let accepted = l
                .entries
                .iter()
                .filter(|e| {
                    e.year == Some(y)
                        && matches!(
                            e.outcome,
                            cstd::store::Outcome::Accepted | cstd::store::Outcome::Superseded
                        )
                })
                .count();
            assert_eq!(subs.height(), accepted);
        }
    }
    assert!(generation.table(None, "findings").unwrap().is_some());
    // Status reads the store as a newcomer's next command would.
    status(store);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn a_file_whose_year_is_unknown_is_never_said_to_be_missing_and_can_be_attributed() {
    let dir = tempdir();
    let store = dir.path().join("store");
    // Saved outside any year folder: the cut-short file says nothing, its name says ESCAP.
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(examples().join("escap.xlsx"), inbox.join("escap.xlsx")).unwrap();
    ingest(&store, &[&inbox, &examples().join("oif.xlsx")]);

    let st = status(&store);
    let escap = row(&st, "ESCAP");
    assert_eq!(escap["state"], "year-unknown", "{escap}");
    assert_eq!(escap["files"][0]["year"], Value::Null);
    assert_eq!(st["unattributed"][0]["organization"], "ESCAP");
    let text = succeed(cstd().args(["status", "--store"]).arg(&store)).stdout;
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("1 sent a file whose reporting year is unknown")
            && text.contains("ESCAP (from its file name or folder); reporting year unknown"),
        "{text}"
    );

    // The report counts ESCAP among those that replied, as the ledger does,
    // and says so to its author.
    let out = dir.path().join("out");
    let built = succeed(
        cstd()
            .args(["report", "--year", "2026", "--store"])
            .arg(&store)
            .arg("--output")
            .arg(&out),
    );
    let stderr = String::from_utf8(built.stderr).unwrap();
    assert!(stderr.contains("escap.xlsx from ESCAP"), "{stderr}");
    let l = ledger(&store);
    let senders: std::collections::BTreeSet<&str> = l["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["year"] == 2026 || e["year"].is_null())
        .filter_map(|e| e["organization"].as_str())
        .collect();
    let by_type =
        std::fs::read_to_string(out.join("2026/annex/organizations_by_type.csv")).unwrap();
    let replied: usize = by_type
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').nth(1).unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(replied, senders.len(), "{by_type} vs {senders:?}");
    let replies = std::fs::read_to_string(out.join("2026/annex/replies.csv")).unwrap();
    assert!(
        replies.contains("its reporting year is not known"),
        "{replies}"
    );

    // The secretariat says which year: the file becomes ESCAP's rejected 2026 file.
    let said = succeed(
        cstd()
            .args(["ingest", "--year", "2026", "--store"])
            .arg(&store)
            .arg(&inbox),
    );
    let said = String::from_utf8(said.stdout).unwrap();
    assert!(
        said.contains("1 file(s) received before now attributed"),
        "{said}"
    );
    let st = status(&store);
    assert_eq!(row(&st, "ESCAP")["state"], "rejected");
    assert_eq!(
        row(&st, "ESCAP")["files"][0]["attributed_by"],
        "the secretariat"
    );
    assert!(st["unattributed"].as_array().unwrap().is_empty(), "{st}");
    check_consistent(&store);
    // Said again, nothing changes.
    assert!(ingest(&store, &[&inbox]).contains("1 seen before"));
}
