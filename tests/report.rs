//! The consolidated report as its readers see it: its text (through
//! pdftotext), its pages, its structure (pdfinfo, qpdf), the Word draft (through
//! LibreOffice), its figures against the data annex, and the template's errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Book, cstd, repo, s, succeed, tempdir, write};

#[path = "../benches/common.rs"]
mod generated;

/// The PDF's text, page by page (pdftotext separates pages with form feeds).
fn pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed by the report tests; .ci/run installs it");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(String::from).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The PDF's text in reading order, one run of white space as one space.
fn flat(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn tool(name: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|_| panic!("{name} is needed by the report tests; .ci/run installs it"));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Ingests the examples, received on a fixed date, into `dir/store` and
/// builds the report into `dir`; returns the report's path.
fn examples_report(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    succeed(
        cstd()
            .args(["ingest", "--received", "2027-01-15", "--store"])
            .arg(&store)
            .arg(repo().join("submissions/2026")),
    );
    report(&store, dir, None);
    dir.join("2026/report.pdf")
}

fn report(store: &Path, out: &Path, template: Option<&Path>) -> String {
    let mut c = cstd();
    c.args(["report", "--store"])
        .arg(store)
        .arg("--output")
        .arg(out);
    if let Some(t) = template {
        c.arg("--template").arg(t);
    }
    let st = succeed(&mut c);
    String::from_utf8(st.stdout).unwrap() + &String::from_utf8(st.stderr).unwrap()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

fn status_json(store: &Path) -> serde_json::Value {
    let out = succeed(
        cstd()
            .args(["status", "--format", "json", "--store"])
            .arg(store),
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A number as the report writes it: 1,627.
fn sep(n: i64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_report_reads_like_a_un_document_and_states_who_replied() {
    let dir = tempdir();
    let pdf = examples_report(dir.path());
    let pages = pages(&pdf);
    let n = pages.len();
    assert!(n >= 8, "{n} pages");
    let all = pages.join("\n");
    let text = flat(&pdf);
    // Names as the register writes them, with the report's typographic apostrophes.
    let typeset = |s: &str| s.replace('\'', "’");

    // The masthead, the session that follows the year, and the summary.
    for s in [
        "United Nations",
        "E/CN.16/2027/CRP.1",
        "Economic and Social Council",
        "Distr.: General",
        "1 March 2027",
        "Thirtieth session",
        "E/CN.16/2027/1.",
        "Summary",
        "Note by the secretariat",
    ] {
        assert!(pages[0].contains(s), "first page lacks {s:?}");
    }
    // Running heads and n/N page numbers.
    for (i, p) in pages.iter().enumerate() {
        assert!(
            p.contains(&format!("{}/{n}", i + 1)),
            "page {} number",
            i + 1
        );
        if i > 0 {
            assert!(p.contains("E/CN.16/2027/CRP.1"), "page {} head", i + 1);
        }
    }
    // Chapters in the order of a UN note, conclusions last, then the annexes.
    let order = [
        "I. Introduction",
        "II. Overview of actions reported",
        "III. Actions by public policy cluster",
        "IV. Coordination among organizations",
        "V. Participation of developing countries",
        "VI. Challenges and proposals",
        "VII. Trends",
        "VIII. Conclusions",
        "Annex I. Organizations that replied",
        "Annex II. Contributions as received",
        "Annex III. Actions reported",
        "Annex IV. Data notes",
    ];
    let mut last = 0;
    for h in order {
        let at = text[last..]
            .find(h)
            .unwrap_or_else(|| panic!("{h:?} missing or out of order"));
        last += at + h.len();
    }

    // Who replied, as `cstd status` says: every organization that sent a file
    // is named as having replied, never among those that did not report.
    let st = status_json(&dir.path().join("store"));
    let rows = st["rows"].as_array().unwrap();
    let invited = rows.iter().filter(|r| r["invited"] == true).count();
    let replied = rows
        .iter()
        .filter(|r| r["invited"] == true && r["state"] != "missing")
        .count();
    let compiled = rows
        .iter()
        .filter(|r| r["state"] == "accepted" || r["state"] == "accepted-with-warnings")
        .count();
    assert_eq!((invited, replied, compiled), (41, 13, 9));
    let words = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    assert!(
        text.contains(&format!("invited {invited} international")),
        "{text}"
    );
    assert!(text.contains("Thirteen of them replied"), "{text}");
    assert!(text.contains(&format!("{} contributions are compiled", words[compiled])));
    let not_reporting = text
        .split("received nothing for 2026 from the following invited organizations:")
        .nth(1)
        .expect("the sentence naming those that sent nothing")
        .split('.')
        .next()
        .unwrap()
        .to_string();
    for r in rows {
        let name = &typeset(r["name"].as_str().unwrap());
        if r["state"] != "missing" {
            assert!(
                !not_reporting.contains(name),
                "{name} sent a file but is listed as not reporting"
            );
            assert!(all.contains(&name[..name.len().min(30)]), "{name} missing");
        } else if r["invited"] == true {
            assert!(not_reporting.contains(name), "{name} not listed");
        }
    }
    // Those pending are named, with the state of their file.
    for pending in ["(ESCAP)", "(ISOC)", "(UNCTAD)", "(WHO)"] {
        assert!(text.contains(pending), "{pending} not named as pending");
    }
    assert!(text.contains("could not yet be compiled"));
    // The date received is the secretariat's, never the time of the ingest.
    assert!(text.contains("15 January 2027"), "{text}");
    assert!(!text.contains("28 November 2026"));

    // UN editorial style: separators, words, typographic quotes, acronyms
    // introduced once, no sentence opening with a figure.
    assert!(text.contains("1,627 times"), "{text}");
    assert!(!text.contains("1627"));
    assert!(text.contains("contributors’") && !text.contains("contributors'"));
    assert!(text.contains("he International Telecommunication Union (ITU)"));
    // Once in the running text; annex I's table names every organization
    // with its acronym again.
    let body = &text[..text.rfind("Annex I. Organizations").unwrap()];
    assert_eq!(
        body.matches("International Telecommunication Union (ITU)")
            .count(),
        1
    );
    assert!(text.contains("Department of Economic and Social Affairs (DESA)"));
    assert!(!text.contains("UNDESA"));
    // The build checks the document itself for sentences opening with a figure.
    let said = report(&dir.path().join("store"), dir.path(), None);
    assert!(!said.contains("opens with a figure"), "{said}");
    // A foreign title is in italics: Noto Serif Italic is embedded.
    assert!(tool("pdffonts", &[], &pdf).contains("NotoSerif-Italic"));
    // Paragraphs numbered in the body, conclusions among them.
    assert!(text.contains("1. Paragraph 69 of the Tunis Agenda"));
}

/// Every number of tables 2 to 8 is recomputed from the data annex's
/// `actions.csv` alone, and found in the PDF.
#[test]
fn every_figure_of_the_overview_is_recomputed_from_the_annex() {
    let dir = tempdir();
    let pdf = examples_report(dir.path());
    let text = flat(&pdf);
    let annex = dir.path().join("2026/annex");
    let actions = csv_rows(&annex.join("actions.csv"));
    let mut r = csv::Reader::from_path(annex.join("actions.csv")).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let count = |column: &str, split: bool| -> BTreeMap<String, i64> {
        let mut m = BTreeMap::new();
        for a in &actions {
            let v = &a[col(column)];
            let items: Vec<&str> = if split {
                v.split("; ").filter(|x| !x.is_empty()).collect()
            } else {
                vec![v.as_str()]
            };
            for i in items {
                *m.entry(i.to_string()).or_default() += 1;
            }
        }
        m
    };
    let expect_row = |label: &str, n: i64| {
        let row = format!("{label} {}", sep(n));
        assert!(text.contains(&row), "the PDF lacks the row {row:?}");
    };
    // Tables 2, 4, 5, 7: one category per action, with totals.
    for column in [
        "Public policy cluster",
        "Action type",
        "Geographic scope",
        "Status",
    ] {
        let counts = count(column, false);
        for (label, n) in &counts {
            expect_row(label, *n);
        }
        expect_row("Total", counts.values().sum());
    }
    // Table 3: each line an action names (with C7 for its sub-lines, which
    // read as their title and line: E-government (C7)).
    let schema = cstd::schema::Schema::current();
    let title = |code: &str| {
        schema
            .vocabulary("action-line")
            .and_then(|v| v.terms.iter().find(|t| t.code == code))
            .map(|t| t.label("en").to_string())
            .unwrap()
    };
    for (line, n) in count("WSIS action lines", true) {
        let label = match line.split_once('.') {
            Some((main, _)) => format!("{} ({main})", title(&line)),
            None => format!("{line} {}", title(&line)),
        };
        let first_words: String = label.split(' ').take(4).collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(&first_words) && text.contains(&format!(" {} ", sep(n))),
            "{label}: {n}"
        );
    }
    // Table 6: each region an action covers.
    for (region, n) in count("Regions", true) {
        expect_row(&region, n);
    }
    // Table 8: the groups, with their shares of all actions.
    let total = actions.len() as f64;
    for (g, name) in [
        ("LDC", "Least developed countries"),
        ("LLDC", "Landlocked developing countries"),
        ("SIDS", "Small island developing States"),
    ] {
        let n = actions.iter().filter(|a| a[col(g)] == "yes").count();
        let share = (n as f64 * 1000.0 / total).round() / 10.0;
        let share = if share.fract() == 0.0 {
            format!("{}", share as i64)
        } else {
            format!("{share:.1}")
        };
        let row = format!("{name} {n} {share}");
        assert!(text.contains(&row), "the PDF lacks {row:?}");
    }
    // Governments: the summary's figures.
    let sum = |c: &str| -> i64 {
        actions
            .iter()
            .filter_map(|a| a[col(c)].parse::<i64>().ok())
            .sum()
    };
    let (gov, dev) = (sum("Governments"), sum("of which developing countries"));
    assert!(text.contains(&format!("took part in them {} times", sep(gov))));
    let share = (dev as f64 * 1000.0 / gov as f64).round() / 10.0;
    assert!(text.contains(&format!("{share:.1} per cent")), "{share}");
    // The workbook names its sheets after the tables and keeps shares unrounded.
    let all = |_: &str| true;
    let wb = cstd::read::read_path(
        &dir.path().join("2026/report-data.xlsx"),
        &cstd::read::Limits::default(),
        &all,
    )
    .workbook
    .unwrap();
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert!(names.iter().any(|n| n.starts_with("Table 2 ")), "{names:?}");
    assert!(names.contains(&"Notes"), "{names:?}");
    let groups = wb
        .sheets
        .iter()
        .find(|s| s.name.starts_with("Table 8"))
        .unwrap();
    let share = groups.cell(1, 2).display();
    assert!(share.len() > 5, "a share rounded in the annex: {share}");
}

#[test]
fn the_same_store_and_template_give_the_same_bytes() {
    let dir = tempdir();
    let pdf = examples_report(dir.path());
    let docx = dir.path().join("2026/report.docx");
    let (first_pdf, first_docx) = (std::fs::read(&pdf).unwrap(), std::fs::read(&docx).unwrap());
    report(&dir.path().join("store"), dir.path(), None);
    assert!(std::fs::read(&pdf).unwrap() == first_pdf, "the PDF changed");
    assert!(
        std::fs::read(&docx).unwrap() == first_docx,
        "the DOCX changed"
    );
}

/// The PDF is tagged, with its language and nested bookmarks, and valid.
#[test]
fn the_pdf_is_tagged_navigable_and_valid() {
    let dir = tempdir();
    let pdf = examples_report(dir.path());
    let info = tool("pdfinfo", &[], &pdf);
    let field = |name: &str| {
        info.lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_default()
    };
    assert_eq!(field("Tagged:"), "yes", "{info}");
    assert!(!info.contains("PDF/X"), "{info}");
    let structure = tool("pdfinfo", &["-struct"], &pdf);
    for tag in [
        "Document", "H1", "H2", "P", "Table", "TR", "TH", "TD", "Figure", "TOC", "TOCI", "Link",
        "L", "LI", "Note",
    ] {
        assert!(
            structure.lines().any(|l| l.trim_start().starts_with(tag)),
            "no {tag} in the structure tree:\n{structure}"
        );
    }
    let check = tool("qpdf", &["--check"], &pdf);
    assert!(
        check.contains("No syntax or stream encoding errors found"),
        "{check}"
    );
    let json = tool("qpdf", &["--json=2", "--json-key=outlines"], &pdf);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let top: Vec<String> = v["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(top.first().map(String::as_str), Some("I. Introduction"));
    let iii = top.iter().position(|t| t.starts_with("III.")).unwrap();
    assert!(
        top[iii + 1].starts_with("IV."),
        "sections nested under III: {top:?}"
    );
    assert!(top.last().unwrap().starts_with("Annex IV"), "{top:?}");
    let kids = v["outlines"][iii]["kids"].as_array().unwrap();
    assert!(kids[0]["title"].as_str().unwrap().starts_with("A. "));
    let catalog = tool("qpdf", &["--show-object=trailer"], &pdf);
    assert!(catalog.contains("/ID"), "{catalog}");
    // The contents link to their pages: one link per entry.
    let qdf = pdf.with_extension("qdf.pdf");
    let st = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&pdf)
        .arg(&qdf)
        .status()
        .unwrap();
    assert!(st.success());
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    let links = raw.matches("/Subtype /Link").count();
    let outlines = v["outlines"].as_array().unwrap();
    let entries = outlines.len()
        + outlines
            .iter()
            .flat_map(|o| o["kids"].as_array().cloned().unwrap_or_default())
            // Sections (A., B., ...) are in the contents; deeper headings are bookmarks only.
            .filter(|k| {
                k["title"]
                    .as_str()
                    .is_some_and(|t| t.as_bytes().get(1) == Some(&b'.'))
            })
            .count();
    assert_eq!(links, entries, "one link per entry of the contents");
    assert!(
        raw.contains("/StructParent"),
        "links outside the structure tree"
    );
}

/// The Word draft opens in LibreOffice, and says what the PDF says.
#[test]
fn the_word_draft_matches_the_pdf() {
    let dir = tempdir();
    let pdf = examples_report(dir.path());
    let docx = dir.path().join("2026/report.docx");
    let converted = dir.path().join("converted");
    let st = Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&converted)
        .arg(&docx)
        .env("HOME", dir.path())
        .output()
        .expect("LibreOffice (soffice) is needed by this test; .ci/run installs it");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let word = flat(&converted.join("report.pdf"));
    let ours = flat(&pdf);
    for heading in [
        "I. Introduction",
        "A. Infrastructure and standardization",
        "VIII. Conclusions",
        "Annex IV. Data notes",
        "Table 1 Organizations invited and contributions received",
        "Table 8 Actions covering countries in special situations",
        "Figure I Actions by public policy cluster",
    ] {
        assert!(ours.contains(heading), "PDF lacks {heading:?}");
        assert!(word.contains(heading), "DOCX lacks {heading:?}");
    }
    // The same paragraphs, in the same order.
    for probe in [
        "Thirteen of them replied",
        "the Internet Society (ISOC)",
        "Governments took part in the actions reported 1,627 times",
        "The Commission may wish to pay particular attention",
    ] {
        assert!(word.contains(probe), "DOCX lacks {probe:?}");
    }
    // Word styles, the language, the repeating header rows, the footnote.
    let bytes = std::fs::read(&docx).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let document = part("word/document.xml");
    let styles = part("word/styles.xml");
    assert!(document.contains(r#"w:pStyle w:val="Heading1""#));
    assert!(document.contains(r#"w:pStyle w:val="NumberedPara""#));
    assert!(document.contains("<w:tblHeader/>"));
    assert!(styles.contains(r#"w:lang w:val="en-GB""#));
    assert!(styles.contains("<w:numId w:val=\"1\"/>"));
    assert!(part("word/footnotes.xml").contains("E/CN.16/2027/1."));
}

/// With no register, and with no coordination: sentences, never "of the 0"
/// nor an empty table.
#[test]
fn unusual_years_give_sensible_sentences() {
    let dir = tempdir();
    let register = write(dir.path(), "empty.csv", b"id,name,type,other_names\n");
    let store = dir.path().join("store");
    let book = Book::valid().without_sheet("Coordination");
    let file = write(dir.path(), "itu.xlsx", &book.xlsx());
    succeed(
        cstd()
            .args(["ingest", "--store"])
            .arg(&store)
            .arg("--register")
            .arg(&register)
            .arg(&file),
    );
    report(&store, dir.path(), None);
    let text = flat(&dir.path().join("2026/report.pdf"));
    assert!(!text.contains("of the 0"), "{text}");
    assert!(
        text.contains("holds no list of the organizations invited"),
        "{text}"
    );
    assert!(text.contains("No coordination arrangements with other organizations were reported"));
    assert!(!text.contains("Coordination arrangements reported, by mechanism"));
    assert!(text.contains("This is the first year"));
}

/// A year of 200 organizations with 40 actions each: the body stays within
/// the UN's length, every organization is accounted for, the counts are
/// `cstd status`'s.
#[test]
fn a_big_year_gives_a_bounded_synthesis() {
    let dir = tempdir();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..200 {
        generated::write_workbook(&inbox, i, 40);
    }
    let store = dir.path().join("store");
    succeed(
        cstd()
            .args(["ingest", "--quiet", "--received", "2027-01-15", "--store"])
            .arg(&store)
            .arg(&inbox),
    );
    let said = report(&store, dir.path(), None);
    let words: usize = said
        .split(" words in the body")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .map(|n| n.replace(',', "").parse().unwrap())
        .unwrap();
    assert!(words < 8_500, "{words} words in the body");
    assert!(!said.contains("warning: the body has"), "{said}");
    let text = flat(&dir.path().join("2026/report.pdf"));
    assert!(text.contains("8,000 actions"), "separators");
    assert!(text.contains("The 8,000 actions reported are listed in the data annex"));
    assert_eq!(
        csv_rows(&dir.path().join("2026/annex/actions.csv")).len(),
        8000
    );
    let st = status_json(&store);
    let compiled = st["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["state"] != "missing" && r["state"] != "rejected")
        .count();
    assert_eq!(compiled, 200);
    // Not in the register: all 200 came uninvited, and say so.
    assert!(
        text.contains("200 international and intergovernmental organizations sent contributions")
            || text.contains("Two hundred"),
        "{}",
        &text[..2000]
    );
}

#[test]
fn template_errors_name_what_is_wrong_where() {
    let dir = tempdir();
    let store = dir.path().join("store");
    succeed(
        cstd()
            .args(["ingest", "--store"])
            .arg(&store)
            .arg(repo().join("submissions/2026/itu.xlsx")),
    );
    let source =
        std::fs::read_to_string(repo().join("report-templates/default/report.md")).unwrap();
    let try_template = |broken: &str| -> String {
        let t = dir.path().join("tpl");
        std::fs::create_dir_all(&t).unwrap();
        write(&t, "report.md", broken.as_bytes());
        let out = cstd()
            .args(["report", "--template"])
            .arg(&t)
            .arg("--output")
            .arg(dir.path())
            .arg("--store")
            .arg(&store)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8(out.stderr).unwrap()
    };
    let line_of = |needle: &str| source.lines().position(|l| l.contains(needle)).unwrap() + 1;

    let broken = source.replacen(
        "{{ invited | words }} international",
        "{{ invted | words }} international",
        1,
    );
    let err = try_template(&broken);
    let line = line_of("{{ invited | words }} international");
    assert!(
        err.contains(&format!("report.md:{line}: undefined variable `invted`"))
            && err.contains("`invited`"),
        "{err}"
    );
    let broken = source.replace("c.organizations | Words", "c.organisations | Words");
    let err = try_template(&broken);
    assert!(
        err.contains("has no attribute `organisations`")
            && err.contains("did you mean `organizations`"),
        "{err}"
    );
    // A block never closed is reported at the line that opens it.
    let open = "{% for c in clusters %}";
    let at = line_of(open);
    let broken = source.replacen("{% endfor %}\n\n# IV.", "\n\n# IV.", 1);
    let err = try_template(&broken);
    assert!(
        err.contains(&format!(":{at}: `{{% for %}}` is never closed")),
        "{err}"
    );
    // An unknown data block names the blocks there are.
    let err = try_template(&source.replace("table(\"by_cluster\")", "table(\"by_clustre\")"));
    assert!(
        err.contains("no data block named \"by_clustre\"") && err.contains("by_cluster"),
        "{err}"
    );
}

/// Data enters the document as text after the Markdown is parsed: a title
/// holding a line break and a `#` stays one line of text; the template's own
/// italics and footnotes render.
#[test]
fn values_are_text_and_the_template_has_markdown() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let book = Book::valid().set(
        "Actions",
        "B3",
        s("WSIS Forum\n# not a heading [^1] *not italic*"),
    );
    let file = write(dir.path(), "itu.xlsx", &book.xlsx());
    succeed(cstd().args(["ingest", "--store"]).arg(&store).arg(&file));
    let t = dir.path().join("tpl");
    std::fs::create_dir_all(&t).unwrap();
    let template = "+++\n+++\n{{ masthead() }}\n\n# I. Introduction\n\nThe *forum*[^n] was held.\n\n[^n]: A footnote at the foot of the page.\n\n{% for c in clusters %}{% for e in c.examples %}Example: {{ e.title }}.\n\n{% endfor %}{% endfor %}\n";
    write(&t, "report.md", template.as_bytes());
    report(&store, dir.path(), Some(&t));
    let pdf = dir.path().join("2026/report.pdf");
    let text = flat(&pdf);
    assert!(
        text.contains("Example: WSIS Forum # not a heading [^1] *not italic*."),
        "{text}"
    );
    assert!(
        text.contains("A footnote at the foot of the page."),
        "{text}"
    );
    assert!(!text.contains("[^n]"));
    assert!(tool("pdffonts", &[], &pdf).contains("NotoSerif-Italic"));
    let structure = tool("pdfinfo", &["-struct"], &pdf);
    assert!(
        !structure.contains("H2"),
        "a value became a heading:\n{structure}"
    );
}

#[test]
fn cyrillic_renders_and_a_missing_glyph_is_named_not_boxed() {
    let dir = tempdir();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let ru = Book::valid()
        .set(
            "Organization",
            "B3",
            s("Региональное содружество в области связи"),
        )
        .set("Organization", "B4", s("RCC"));
    write(&inbox, "rcc.xlsx", &ru.xlsx());
    let zh = Book::valid()
        .set("Organization", "B3", s("中国信息通信研究院"))
        .set("Organization", "B4", s("CAICT"));
    write(&inbox, "caict.xlsx", &zh.xlsx());
    let store = dir.path().join("store");
    succeed(cstd().args(["ingest", "--store"]).arg(&store).arg(&inbox));
    let said = report(&store, dir.path(), None);
    assert!(said.contains("no glyph for '中' (U+4E2D)"), "{said}");
    let text = flat(&dir.path().join("2026/report.pdf"));
    assert!(
        text.contains("Региональное содружество в области связи"),
        "{text}"
    );
}

/// Arabic with a fallback font beside the template: shaped, in the right
/// order, and copied out as the same text.
#[test]
fn arabic_is_shaped_and_copies_out_in_logical_order() {
    let dir = tempdir();
    let name = "المنظمة العربية لتكنولوجيات الاتصال والمعلومات";
    let ar = Book::valid()
        .set("Organization", "B3", s(name))
        .set("Organization", "B4", s("AICTO"));
    let file = write(dir.path(), "aicto.xlsx", &ar.xlsx());
    let store = dir.path().join("store");
    succeed(cstd().args(["ingest", "--store"]).arg(&store).arg(&file));
    // Without a fallback: the characters are named in a warning.
    let said = report(&store, dir.path(), None);
    assert!(said.contains("no glyph for 'ل'"), "{said}");
    // With DejaVu Sans beside the template: no warning, shaped glyphs.
    let t = dir.path().join("tpl");
    succeed(cstd().args(["report", "--copy-template"]).arg(&t));
    let dejavu = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    assert!(
        dejavu.exists(),
        "DejaVu Sans (fonts-dejavu-core) is needed; .ci/run installs it"
    );
    std::fs::copy(dejavu, t.join("fonts/DejaVuSans.ttf")).unwrap();
    let said = report(&store, dir.path(), Some(&t));
    assert!(!said.contains("no glyph"), "{said}");
    let pdf = dir.path().join("2026/report.pdf");
    assert!(tool("pdffonts", &[], &pdf).contains("DejaVu"));
    // Poppler marks right-to-left runs with embedding controls: not text.
    let text: String = flat(&pdf)
        .chars()
        .filter(|c| !('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    assert!(
        text.contains(name),
        "the Arabic name does not copy out as written:\n{text}"
    );
}

#[test]
fn a_long_table_repeats_its_header_on_every_page() {
    let dir = tempdir();
    let mut book = Book::valid();
    let base = book.sheet("Actions")[2].clone();
    for i in 0..140 {
        let mut row = base.clone();
        row[0] = s(&format!("X{i}"));
        row[1] = s(&format!("Action number {i} of a long list of actions"));
        book.sheet("Actions").push(row);
    }
    let file = write(dir.path(), "itu.xlsx", &book.xlsx());
    let store = dir.path().join("store");
    succeed(cstd().args(["ingest", "--store"]).arg(&store).arg(&file));
    report(&store, dir.path(), None);
    let pages = pages(&dir.path().join("2026/report.pdf"));
    let listing: Vec<&String> = pages
        .iter()
        .filter(|p| p.contains("Action number"))
        .collect();
    assert!(listing.len() >= 3, "{} pages of actions", listing.len());
    for p in &listing {
        assert!(
            p.contains("Organization ID"),
            "a page of the list without its header:\n{p}"
        );
    }
    // Natural order of IDs: X2 before X10.
    let all = pages.join("\n");
    assert!(all.find("Action number 2 of").unwrap() < all.find("Action number 10 of").unwrap());
}

/// `cstd report` from a folder that is not the repository, given only the store.
#[test]
fn the_report_works_from_any_folder() {
    let dir = tempdir();
    let store = dir.path().join("store");
    succeed(
        cstd()
            .args(["ingest", "--store"])
            .arg(&store)
            .arg(repo().join("submissions/2026")),
    );
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = succeed(
        Command::new(insta_cmd::get_cargo_bin("cstd"))
            .current_dir(&elsewhere)
            .args(["report", "--store"])
            .arg(&store),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("report.pdf"));
    assert!(elsewhere.join("output/2026/report.pdf").exists());
    assert!(elsewhere.join("output/2026/report.docx").exists());
    // The reference page comes from the code.
    let reference =
        succeed(Command::new(insta_cmd::get_cargo_bin("cstd")).args(["report", "--reference"]));
    let reference = String::from_utf8(reference.stdout).unwrap();
    for name in [
        "`session.ordinal`",
        "`org`",
        "`table(name, caption?)`",
        "`by_cluster`",
    ] {
        assert!(reference.contains(name), "{name} not in the reference");
    }
}

/// Every "most", "all", "both" and "each" the cluster sections and the
/// overview say is checked against counts made from the annex's
/// `actions.csv`: a tie is never told as a lead, a plurality never as "most".
#[test]
fn every_most_all_and_each_holds_against_the_annex() {
    let dir = tempdir();
    let pdf = examples_report(dir.path());
    // Hyphens removed on both sides: a line may break inside a word or at
    // its own hyphen.
    let norm = |s: &str| s.replace("- ", "").replace('-', "").to_lowercase();
    let text = norm(&flat(&pdf));
    let mut r = csv::Reader::from_path(dir.path().join("2026/annex/actions.csv")).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let tally = |rows: &[&Vec<String>], column: &str| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for r in rows {
            *m.entry(norm(&r[col(column)])).or_default() += 1;
        }
        m
    };
    let words = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let number = |w: &str| {
        words
            .iter()
            .position(|x| *x == w)
            .or_else(|| w.parse().ok())
    };
    let top = |m: &BTreeMap<String, usize>| m.values().copied().max().unwrap_or(0);
    let mut checked = 0;

    // Chapter III, from its heading in the body (the contents name it first).
    let start = text.rfind("iii. actions by public policy cluster").unwrap();
    let end = text.rfind("iv. coordination among organizations").unwrap();
    let chapter = &text[start..end];
    let clusters: std::collections::BTreeSet<String> = rows
        .iter()
        .map(|r| r[col("Public policy cluster")].clone())
        .collect();
    for cluster in clusters {
        let in_cluster: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| r[col("Public policy cluster")] == cluster)
            .collect();
        let n = in_cluster.len();
        if n < 2 {
            continue;
        }
        let types = tally(&in_cluster, "Action type");
        let scopes = tally(&in_cluster, "Geographic scope");
        let at = chapter
            .find(&format!(". {}", norm(&cluster)))
            .unwrap_or_else(|| panic!("no section for {cluster}"));
        let section = &chapter[at..];
        let said = &section[..section
            .find("governments took part")
            .unwrap_or(section.len())];
        // Types.
        if said.contains("each of a different type") {
            assert!(types.values().all(|c| *c == 1), "{cluster}: {types:?}");
            checked += 1;
        }
        for (t, c) in &types {
            if said.contains(&format!("all of {t}")) || said.contains(&format!("both of {t}")) {
                assert_eq!(*c, n, "{cluster}: all of {t}");
                checked += 1;
            }
            if let Some(i) = said.find(&format!("of them of {t}")) {
                let k = said[..i].split(' ').rev().nth(1).and_then(number).unwrap();
                assert!(
                    *c == k && 2 * k > n,
                    "{cluster}: {k} of them of {t}, {c} of {n}"
                );
                checked += 1;
            }
            if said.contains(&format!("most often of {t}")) {
                assert_eq!(*c, top(&types), "{cluster}: most often of {t}: {types:?}");
                checked += 1;
            }
        }
        // Scopes.
        for (sc, c) in &scopes {
            if said.contains(&format!("all were {sc} in scope"))
                || said.contains(&format!("both were {sc} in scope"))
            {
                assert_eq!(*c, n, "{cluster}: all {sc}");
                checked += 1;
            }
            if said.contains(&format!("most were {sc} in scope")) {
                assert!(2 * c > n, "{cluster}: most {sc}, {c} of {n}");
                checked += 1;
            }
            if said.contains(&format!("{sc} was the most frequent scope")) {
                let firsts = scopes.values().filter(|v| **v == top(&scopes)).count();
                assert!(*c == top(&scopes) && firsts == 1, "{cluster}: {scopes:?}");
                checked += 1;
            }
        }
        if let Some(i) = said.find("as many were ") {
            let rest = &said[i + "as many were ".len()..];
            let (a, rest) = rest.split_once(" as ").unwrap();
            let b = rest.split(" in scope").next().unwrap();
            assert!(
                scopes.get(a) == scopes.get(b) && scopes.get(a) == Some(&top(&scopes)),
                "{cluster}: as many {a} as {b}: {scopes:?}"
            );
            checked += 1;
        }
    }
    // The overview: the most frequent types, and actions of several lines.
    let types = tally(&rows.iter().collect::<Vec<_>>(), "Action type");
    let lead = &text[text.find("the most frequent type").unwrap()..];
    let lead = &lead[..lead.find(';').unwrap()];
    let named: Vec<&String> = types.keys().filter(|t| lead.contains(t.as_str())).collect();
    assert!(!named.is_empty(), "{lead}");
    for t in &named {
        assert_eq!(types[*t], top(&types), "{lead}: {types:?}");
    }
    assert_eq!(
        named.len(),
        types.values().filter(|c| **c == top(&types)).count(),
        "every type sharing the lead is named: {lead}"
    );
    let several = rows
        .iter()
        .filter(|r| {
            let mains: std::collections::BTreeSet<&str> = r[col("WSIS action lines")]
                .split("; ")
                .filter(|l| !l.is_empty())
                .map(|l| l.split('.').next().unwrap())
                .collect();
            mains.len() > 1
        })
        .count();
    if text.contains("most actions serve more than one line") {
        assert!(2 * several > rows.len(), "{several} of {}", rows.len());
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} claims found: the phrasing changed?"
    );
}
