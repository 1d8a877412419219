//! The store under what people and folders do: files of the store deleted,
//! truncated or edited; hostile submission folders; versions out of order;
//! closed pipes and escape codes; the binary from an empty folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::{Book, cstd, repo, s, succeed, tempdir, write};

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

/// `cstd check --repair` on a store.
fn repair(store: &Path) -> Output {
    run(cstd().args(["check", "--repair", "--store"]).arg(store))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ingest_args(store: &Path) -> Command {
    let mut c = cstd();
    c.arg("ingest").arg("--store").arg(store);
    c
}

/// Each organization's state and actions for a year, as `cstd status` gives them.
fn states(store: &Path, year: i64) -> Vec<(String, String, String)> {
    let out = succeed(
        cstd()
            .args([
                "status",
                "--format",
                "json",
                "--year",
                &year.to_string(),
                "--store",
            ])
            .arg(store),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut rows: Vec<(String, String, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["organization"].as_str().unwrap().to_string(),
                r["state"].as_str().unwrap().to_string(),
                r["actions"].to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// A store of two generations over two years: a 2025 submission and six
/// examples, then the other examples. The 2025 tables of the second
/// generation are hard links to the first's.
fn two_generations(dir: &Path) -> PathBuf {
    let first = dir.join("first");
    let second = dir.join("second");
    std::fs::create_dir_all(&first).unwrap();
    std::fs::create_dir_all(&second).unwrap();
    let examples = repo().join("submissions/2026");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for (i, p) in names.iter().enumerate() {
        let to = if i < 6 { &first } else { &second };
        copy(p, &to.join(p.file_name().unwrap()));
    }
    let old = Book::valid().set("Organization", "B6", crate::common::C::N(2025.0));
    write(&first, "itu-2025.xlsx", &old.xlsx());
    let store = dir.join("store");
    succeed(ingest_args(&store).arg(&first));
    succeed(ingest_args(&store).arg(&second));
    store
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// Copies a store keeping its hard links between generations as hard links.
fn copy_store(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

#[derive(Clone, Copy, Debug)]
enum Damage {
    Delete,
    Truncate,
    Alter,
}

/// Damages a file in place, as a person or a failing disk would: a hard
/// link to it sees the damage too.
fn damage(path: &Path, how: Damage) {
    match how {
        Damage::Delete => std::fs::remove_file(path).unwrap(),
        Damage::Truncate => {
            let len = std::fs::metadata(path).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            // A file of a few bytes (CURRENT) loses them all.
            f.set_len(if len < 8 { 0 } else { len / 2 }).unwrap();
        }
        Damage::Alter => {
            let mut bytes = std::fs::read(path).unwrap();
            if bytes.is_empty() {
                bytes.extend(b"7\n");
            } else {
                let i = bytes.len() / 2;
                bytes[i] = if bytes[i] == b'1' { b'0' } else { b'1' };
            }
            let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            std::io::Write::write_all(&mut f, &bytes).unwrap();
        }
    }
}

/// The folder of the store's generation in force.
fn current_generation(store: &Path) -> PathBuf {
    let current: u64 = std::fs::read_to_string(store.join("CURRENT"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    store.join("gen").join(format!("{current:06}"))
}

/// Every file of a store a person could damage: (what it is, its path).
fn store_files(store: &Path) -> Vec<(String, PathBuf)> {
    let gen_dir = current_generation(store);
    let mut files = vec![
        ("CURRENT".to_string(), store.join("CURRENT")),
        ("the manifest".to_string(), gen_dir.join("manifest.json")),
        ("the ledger".to_string(), gen_dir.join("ledger.json")),
        (
            "the register".to_string(),
            gen_dir.join("registers/2026.csv"),
        ),
    ];
    let mut tables = Vec::new();
    collect_parquet(&gen_dir.join("tables"), &mut tables);
    tables.sort();
    for t in tables {
        let rel = t.strip_prefix(&gen_dir).unwrap().display().to_string();
        files.push((format!("table {rel}"), t));
    }
    // The raw file of an example, so that sending the examples again brings
    // its bytes back (the generated files differ from run to run).
    let example = std::fs::read(repo().join("submissions/2026/itu.xlsx")).unwrap();
    let sha = cstd::durable::sha256(&example);
    let raw = std::fs::read_dir(store.join("raw"))
        .unwrap()
        .flat_map(|b| std::fs::read_dir(b.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().is_some_and(|s| s.to_string_lossy() == sha))
        .expect("the raw file of itu.xlsx");
    files.push(("a raw file".to_string(), raw));
    files
}

fn collect_parquet(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_parquet(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// For every kind of store file, deleted, truncated and altered: every
/// command either fails naming the file or gives what it gave before, and
/// `cstd check --repair` brings back every accepted submission.
#[test]
fn a_damaged_store_is_named_never_read_as_empty_and_repaired_without_loss() {
    let dir = tempdir();
    let pristine = two_generations(dir.path());
    let want_2026 = states(&pristine, 2026);
    let want_2025 = states(&pristine, 2025);
    let examples = repo().join("submissions/2026");
    let files = store_files(&pristine);
    assert!(files.len() > 15, "{files:?}");
    let mut cases = 0;
    for (i, (what, path)) in files.iter().enumerate() {
        for how in [Damage::Delete, Damage::Truncate, Damage::Alter] {
            cases += 1;
            let case = format!("{what} ({how:?})");
            let store = dir.path().join(format!("case-{i}-{how:?}"));
            copy_store(&pristine, &store);
            let target = store.join(path.strip_prefix(&pristine).unwrap());
            let name = target.file_name().unwrap().to_string_lossy().into_owned();
            damage(&target, how);
            let out_dir = dir.path().join(format!("out-{i}-{how:?}"));
            let commands: Vec<(&str, Command)> = vec![
                ("status", {
                    let mut c = cstd();
                    c.args(["status", "--format", "json", "--store"])
                        .arg(&store);
                    c
                }),
                ("export", {
                    let mut c = cstd();
                    c.args(["export", "--year", "2026", "-o"])
                        .arg(out_dir.join("export"))
                        .arg("--store")
                        .arg(&store);
                    c
                }),
                ("report", {
                    let mut c = cstd();
                    c.args(["report", "--year", "2026", "-o"])
                        .arg(&out_dir)
                        .arg("--store")
                        .arg(&store);
                    c
                }),
            ];
            let mut failed_naming = 0;
            for (cmd, mut c) in commands {
                let out = run(&mut c);
                if out.status.success() {
                    // Whatever did not fail read nothing damaged, and says what it said before.
                    if cmd == "status" {
                        assert_eq!(states(&store, 2026), want_2026, "{case}: status");
                    }
                } else {
                    let err = text(&out.stderr);
                    assert!(
                        err.contains(&name) && !err.contains("panicked"),
                        "{case}: `{cmd}` fails without naming {name}: {err}"
                    );
                    failed_naming += 1;
                }
            }
            let check = run(cstd().arg("check").arg("--store").arg(&store));
            assert_eq!(
                check.status.code(),
                Some(1),
                "{case}: {}",
                text(&check.stdout)
            );
            assert!(
                text(&check.stdout).contains(&name),
                "{case}: {}",
                text(&check.stdout)
            );
            if what == "a raw file" {
                // The tables hold its data: every command answers as before.
                assert_eq!(failed_naming, 0, "{case}");
                // No repair can remake the file; receiving the same bytes again does.
                let repair = repair(&store);
                assert_eq!(
                    repair.status.code(),
                    Some(1),
                    "{case}: {}",
                    text(&repair.stdout)
                );
                assert!(text(&repair.stdout).contains("receiving the same file again"));
                let out = succeed(ingest_args(&store).arg(&examples));
                assert!(
                    text(&out.stdout).contains("1 damaged file(s) of the store replaced"),
                    "{case}: {}",
                    text(&out.stdout)
                );
                succeed(cstd().arg("check").arg("--store").arg(&store));
                assert_eq!(
                    states(&store, 2026),
                    want_2026,
                    "{case}: 2026 after resending"
                );
                continue;
            }
            // A damaged generation is never built on: the ingest refuses, naming the file.
            let out = run(ingest_args(&store).arg(&examples));
            assert_eq!(out.status.code(), Some(2), "{case}: ingest ran on damage");
            assert!(
                text(&out.stderr).contains(&name),
                "{case}: {}",
                text(&out.stderr)
            );
            let repair = run(cstd().args(["check", "--repair", "--store"]).arg(&store));
            let said = text(&repair.stdout);
            assert!(
                !text(&repair.stderr).contains("panicked"),
                "{case}: {}",
                text(&repair.stderr)
            );
            assert_eq!(repair.status.code(), Some(0), "{case}: {said}");
            assert!(said.contains("The store is sound now."), "{case}: {said}");
            assert_eq!(states(&store, 2026), want_2026, "{case}: 2026 after repair");
            assert_eq!(states(&store, 2025), want_2025, "{case}: 2025 after repair");
            succeed(
                cstd()
                    .args(["report", "--year", "2026", "-o"])
                    .arg(&out_dir)
                    .arg("--store")
                    .arg(&store),
            );
        }
    }
    assert!(cases >= 45, "{cases} cases");
}

#[test]
fn a_temporary_file_left_behind_is_found_and_removed() {
    let dir = tempdir();
    let store = dir.path().join("store");
    succeed(ingest_args(&store).arg(repo().join("submissions/2026/itu.xlsx")));
    let left = store.join("gen/000001/tables/.actions.parquet.4242.0.cstd-tmp");
    std::fs::write(&left, b"half").unwrap();
    succeed(cstd().args(["status", "--store"]).arg(&store));
    let check = run(cstd().arg("check").arg("--store").arg(&store));
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stdout).contains("temporary file"),
        "{}",
        text(&check.stdout)
    );
    let repair = succeed(cstd().args(["check", "--repair", "--store"]).arg(&store));
    assert!(text(&repair.stdout).contains("sound now"));
    assert!(!left.exists());
}

#[test]
fn a_store_that_is_not_there_is_named_not_empty() {
    let dir = tempdir();
    let out = run(cstd()
        .args(["status", "--store"])
        .arg(dir.path().join("stroe")));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no store at"),
        "{}",
        text(&out.stderr)
    );
    let out = run(cstd()
        .arg("ingest")
        .arg("--register")
        .arg(dir.path().join("registr.csv"))
        .arg("--store")
        .arg(dir.path().join("store"))
        .arg(repo().join("submissions/2026/itu.xlsx")));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("registr.csv"),
        "{}",
        text(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn links_in_a_submissions_folder_are_not_followed_and_loops_end() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    copy(
        &repo().join("submissions/2026/itu.xlsx"),
        &inbox.join("itu.xlsx"),
    );
    symlink("/etc/passwd", inbox.join("passwd.xlsx")).unwrap();
    symlink("/etc", inbox.join("etc")).unwrap();
    symlink(".", inbox.join("x")).unwrap();
    symlink(".", inbox.join("y")).unwrap();
    let store = dir.path().join("store");
    let t = std::time::Instant::now();
    let out = succeed(ingest_args(&store).arg(&inbox));
    assert!(t.elapsed().as_secs() < 30);
    let err = text(&out.stderr);
    for l in ["passwd.xlsx", "etc", "x", "y"] {
        assert!(err.contains(&format!("{l}: a symbolic link")), "{err}");
    }
    assert_eq!(ledger(&store)["entries"].as_array().unwrap().len(), 1);
    // Asked to follow links: still never outside the folder, never round a loop.
    let out = succeed(ingest_args(&store).arg("--follow-links").arg(&inbox));
    let err = text(&out.stderr);
    assert!(err.contains("leads outside the folders given"), "{err}");
    assert_eq!(ledger(&store)["entries"].as_array().unwrap().len(), 1);
}

fn ledger(store: &Path) -> Value {
    let n: u64 = std::fs::read_to_string(store.join("CURRENT"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let bytes = std::fs::read(
        store
            .join("gen")
            .join(format!("{n:06}"))
            .join("ledger.json"),
    )
    .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[cfg(unix)]
#[test]
fn a_path_that_cannot_be_read_is_an_error_not_an_empty_file() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    let store = dir.path().join("store");
    symlink(
        dir.path().join("gone.xlsx"),
        dir.path().join("dangling.xlsx"),
    )
    .unwrap();
    let out = run(ingest_args(&store)
        .arg(repo().join("submissions/2026/itu.xlsx"))
        .arg(dir.path().join("no-such.xlsx"))
        .arg(dir.path().join("dangling.xlsx")));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("no-such.xlsx: no such file or folder"),
        "{err}"
    );
    assert!(
        err.contains("dangling.xlsx: a symbolic link that leads nowhere"),
        "{err}"
    );
    let entries = ledger(&store)["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1, "only the readable file is recorded");
}

/// Two versions of ITU's submission: the one received last is in force,
/// whatever the order they are ingested in; a resend of the earlier one,
/// byte for byte, puts it back in force.
#[test]
fn the_version_received_last_is_in_force() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let v1 = write(dir.path(), "itu-v1.xlsx", &Book::valid().xlsx());
    let v2 = write(
        dir.path(),
        "itu-v2.xlsx",
        &Book::valid()
            .set("Actions", "B3", s("WSIS Forum 2026"))
            .xlsx(),
    );
    let title = |store: &Path| {
        let out = dir.path().join("x");
        succeed(
            cstd()
                .args(["export", "--year", "2026", "-o"])
                .arg(&out)
                .arg("--store")
                .arg(store),
        );
        let csv = std::fs::read_to_string(out.join("actions.csv")).unwrap();
        let row = csv.lines().nth(1).unwrap_or("").to_string();
        row.split(',').nth(4).unwrap_or("").to_string()
    };
    succeed(
        ingest_args(&store)
            .args(["--received", "2026-03-05"])
            .arg(&v2),
    );
    // The older version, ingested after.
    let out = succeed(
        ingest_args(&store)
            .args(["--received", "2026-03-01"])
            .arg(&v1),
    );
    assert!(
        text(&out.stdout).contains("1 superseded"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        title(&store).contains("WSIS Forum 2026"),
        "{}",
        title(&store)
    );
    // The older version sent again, later.
    let resent = dir.path().join("itu-resent.xlsx");
    std::fs::copy(&v1, &resent).unwrap();
    let out = succeed(
        ingest_args(&store)
            .args(["--received", "2026-03-10"])
            .arg(&resent),
    );
    assert!(
        text(&out.stdout).contains("in force again"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(title(&store), "WSIS Forum");
    let st = succeed(
        cstd()
            .args(["status", "--format", "json", "--store"])
            .arg(&store),
    );
    let v: Value = serde_json::from_slice(&st.stdout).unwrap();
    let itu = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["organization"] == "ITU")
        .unwrap();
    assert_eq!(itu["received"], "2026-03-10T00:00:00Z");
    assert_eq!(itu["files"][0]["ingested"], "2026-11-28T09:00:00Z");
    let shown = succeed(cstd().args(["status", "--store"]).arg(&store));
    assert!(
        text(&shown.stdout).contains("2026-03-10  2026-11-28"),
        "{}",
        text(&shown.stdout)
    );
}

/// What organizations sent is not for other users of the machine to read:
/// a new store is its owner's only.
#[cfg(unix)]
#[test]
fn a_new_store_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let store = dir.path().join("store");
    let a = write(dir.path(), "a.xlsx", &Book::valid().xlsx());
    succeed(ingest_args(&store).arg(&a));
    let mode = std::fs::metadata(&store).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "store folder mode {mode:o}");
}

#[test]
fn the_same_file_twice_in_one_batch_is_one_duplicate() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let a = write(dir.path(), "a.xlsx", &Book::valid().xlsx());
    let b = dir.path().join("b.xlsx");
    std::fs::copy(&a, &b).unwrap();
    for _ in 0..5 {
        let out = succeed(ingest_args(&store).arg(&a).arg(&a).arg(&b));
        assert!(!text(&out.stderr).contains("cannot move"));
    }
    let entries = ledger(&store)["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["outcome"], "duplicate");
}

#[test]
fn an_unregistered_acronym_counts_once_however_it_is_punctuated() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let nf = |acronym: &str, file: &str, title: &str| {
        let b = Book::valid()
            .set("Organization", "B3", s("Net Foundation"))
            .set("Organization", "B4", s(acronym))
            .set("Actions", "B3", s(title));
        write(dir.path(), file, &b.xlsx())
    };
    let a = nf("NF", "nf.xlsx", "First");
    let b = nf("N.F.", "nf-2.xlsx", "Second");
    succeed(
        ingest_args(&store)
            .args(["--received", "2026-03-01"])
            .arg(&a),
    );
    succeed(
        ingest_args(&store)
            .args(["--received", "2026-03-02"])
            .arg(&b),
    );
    let rows: Vec<(String, String, String)> = states(&store, 2026)
        .into_iter()
        .filter(|r| r.0.starts_with('N') && r.0.contains('F'))
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "NF");
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let dir = tempdir();
    let store = dir.path().join("store");
    succeed(ingest_args(&store).arg(repo().join("submissions/2026")));
    for args in [vec!["status"], vec!["status", "--format", "csv"]] {
        let mut child = cstd()
            .args(&args)
            .arg("--store")
            .arg(&store)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before reading anything, as `| head -0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    }
}

#[test]
fn escape_codes_and_line_breaks_are_shown_not_obeyed() {
    let dir = tempdir();
    let evil = "x\u{1b}[2J\u{1b}]0;owned\u{7}";
    let file = write(
        dir.path(),
        "evil\nFAO  accepted.xlsx",
        &Book::valid()
            .set("Actions", "D3", s(evil))
            .set("Actions", "A4", s("A1"))
            .xlsx(),
    );
    let out = run(cstd().arg("validate").arg(&file));
    let shown = text(&out.stdout);
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(shown.contains("\\u{1b}[2J"), "{shown}");
    assert!(shown.contains("evil\\nFAO"), "{shown}");
    let store = dir.path().join("store");
    succeed(ingest_args(&store).arg(&file));
    let st = succeed(cstd().args(["status", "--store"]).arg(&store));
    let st = text(&st.stdout);
    assert!(
        !st.lines().any(|l| l.starts_with("FAO  accepted")),
        "a file name forged a row: {st}"
    );
}

/// The binary, installed outside the repository, works from an empty folder:
/// built-in register, template and fonts, a store where it is told.
#[test]
fn an_installed_binary_works_from_an_empty_folder() {
    let dir = tempdir();
    let root = dir.path().join("root");
    let out = Command::new(env!("CARGO"))
        .args([
            "install",
            "--debug",
            "--locked",
            "--offline",
            "--quiet",
            "--path",
        ])
        .arg(repo())
        .arg("--root")
        .arg(&root)
        .env("CARGO_TARGET_DIR", repo().join("target"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bin = root.join("bin/cstd");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let inbox = dir.path().join("received");
    copy(&repo().join("submissions/2026"), &inbox.join("2026"));
    let cmd = |args: &[&str]| {
        let mut c = Command::new(&bin);
        c.current_dir(&empty)
            .env_remove("CSTD_STORE")
            .env("CSTD_TODAY", "2026-11-28")
            .args(args);
        c
    };
    let out = succeed(cmd(&["ingest"]).arg(&inbox));
    assert!(
        text(&out.stdout).contains("the built-in register (41 organizations)"),
        "{}",
        text(&out.stdout)
    );
    assert!(empty.join("output/store/CURRENT").exists());
    let out = succeed(&mut cmd(&["status"]));
    assert!(
        text(&out.stdout).contains("13 of 41 invited organizations replied"),
        "{}",
        text(&out.stdout)
    );
    succeed(&mut cmd(&["report"]));
    assert!(empty.join("output/2026/report.pdf").exists());
    // A working folder set up from scratch.
    let work = dir.path().join("secretariat");
    succeed(cmd(&["init"]).arg(&work));
    copy(
        &repo().join("submissions/2026/itu.xlsx"),
        &work.join("submissions/itu.xlsx"),
    );
    let mut run = Command::new(&bin);
    run.current_dir(work.join("submissions"))
        .env_remove("CSTD_STORE")
        .arg("run");
    let out = succeed(&mut run);
    assert!(
        text(&out.stdout).contains("register.csv (41 organizations)"),
        "{}",
        text(&out.stdout)
    );
    assert!(work.join("store/CURRENT").exists() && work.join("output/2026/report.pdf").exists());
}

#[test]
fn damaged_sending_links_are_named_set_aside_and_issued_again() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let out = dir.path().join("out");
    crate::serve::invite(&store, &out, 2026);
    succeed(ingest_args(&store).arg(repo().join("submissions/2026/oif.xlsx")));
    let links = store.join("invites.json");
    let whole = std::fs::read(&links).unwrap();
    std::fs::write(&links, &whole[..whole.len() / 2]).unwrap();
    let checked = run(cstd().args(["check", "--store"]).arg(&store));
    assert_eq!(checked.status.code(), Some(1));
    let said = text(&checked.stdout);
    assert!(
        said.contains("invites.json") && said.contains("no sending link opens"),
        "{said}"
    );
    let repaired = run(cstd().args(["check", "--repair", "--store"]).arg(&store));
    assert_eq!(
        repaired.status.code(),
        Some(0),
        "{}",
        text(&repaired.stdout)
    );
    assert!(
        store.join("invites-damaged.json").is_file(),
        "set aside, not deleted"
    );
    // New links, and the data untouched.
    assert_eq!(crate::serve::invite(&store, &out, 2026).len(), 41);
    assert_eq!(ledger(&store)["entries"].as_array().unwrap().len(), 1);
}

#[test]
fn a_check_while_an_ingest_writes_says_so() {
    let dir = tempdir();
    let store = dir.path().join("store");
    succeed(ingest_args(&store).arg(repo().join("submissions/2026/oif.xlsx")));
    // An ingest half way: it holds the lock and has kept a file its ledger
    // does not list yet.
    let lock = cstd::store::Store::new(&store).lock(false, |_| {}).unwrap();
    let sha = "ab".repeat(32);
    std::fs::create_dir_all(store.join("raw/ab")).unwrap();
    std::fs::write(store.join(format!("raw/ab/{sha}.xlsx")), b"x").unwrap();
    let checked = run(cstd().args(["check", "--store"]).arg(&store));
    let said = text(&checked.stderr);
    assert!(said.contains("is writing to the store"), "{said}");
    drop(lock);
}

#[test]
fn a_repair_keeps_what_the_secretariat_said_of_a_file() {
    let dir = tempdir();
    let store = dir.path().join("store");
    succeed(ingest_args(&store).arg(repo().join("submissions/2026/oif.xlsx")));
    // A file that says nothing readable, attributed by the secretariat.
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let file = inbox.join("sent.xlsx");
    std::fs::copy(repo().join("submissions/2026/escap.xlsx"), &file).unwrap();
    succeed(
        ingest_args(&store)
            .args(["--from", "ESCAP", "--year", "2026"])
            .arg(&file),
    );
    let said = |store: &Path| {
        let l = ledger(store);
        let e = l["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["file"].as_str().unwrap().ends_with("sent.xlsx"))
            .cloned()
            .unwrap();
        (
            e["organization"].clone(),
            e["year"].clone(),
            e["attributed_by"].clone(),
        )
    };
    let before = said(&store);
    assert_eq!(before.0, "ESCAP");
    // The generation that holds it is damaged: the repair goes back to the
    // one before and takes the file in again, as it was said.
    let generation = current_generation(&store);
    damage(&generation.join("tables/files.parquet"), Damage::Alter);
    let repaired = repair(&store);
    assert_eq!(
        repaired.status.code(),
        Some(0),
        "{}",
        text(&repaired.stdout)
    );
    assert_eq!(said(&store), before, "{}", text(&repaired.stdout));
}

#[test]
fn a_check_says_once_what_many_files_share() {
    let dir = tempdir();
    let store = dir.path().join("store");
    succeed(ingest_args(&store).arg(repo().join("submissions/2026")));
    let raw = std::fs::read_dir(store.join("raw"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .count();
    assert!(raw > 5, "{raw} files received");
    std::fs::remove_file(store.join("gen/000001/tables/2026/actions.parquet")).unwrap();
    let checked = run(cstd().args(["check", "--store"]).arg(&store));
    let said = text(&checked.stdout).replace(&store.display().to_string(), "[STORE]");
    // Every file received is out of a sound ledger: said once, with its repair.
    let group = format!("{raw} files were received but are in no sound generation's ledger:");
    assert_eq!(said.matches(&group).count(), 1, "{said}");
    assert_eq!(said.matches("repair: ingested again").count(), 1, "{said}");
    assert!(said.contains(&format!("and {} more", raw - 5)), "{said}");
    assert_eq!(
        said.lines().filter(|l| l.contains("[STORE]/raw/")).count(),
        5
    );
    let head = said.lines().next().unwrap_or_default();
    assert_eq!(head, format!("The store [STORE] has {} problems:", raw + 1));
    assert!(said.contains("[STORE]/gen/000001/tables/2026/actions.parquet is missing"));
}
