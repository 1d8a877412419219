//! The consolidated report as its readers see it: its text (through pdftotext),
//! its pages, its figures against the store's, and its data annex.

use std::path::Path;
use std::process::Command;

use crate::common::{Book, cstd, repo, s, succeed, tempdir, write};

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

/// Runs the main job on the examples into `out`; returns the report's path.
fn run_examples(out: &Path) -> std::path::PathBuf {
    let st = succeed(
        cstd()
            .arg("run")
            .arg("--output")
            .arg(out)
            .arg("--store")
            .arg(out.join("store")),
    );
    let stdout = String::from_utf8(st.stdout).unwrap();
    assert!(stdout.contains("Report for 2026:"), "{stdout}");
    out.join("2026/report.pdf")
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn the_report_reads_like_a_un_document_and_its_figures_are_the_stores() {
    let dir = tempdir();
    let pdf = run_examples(dir.path());
    let pages = pages(&pdf);
    let n = pages.len();
    assert!(n >= 8, "{n} pages");
    let all = pages.join("\n");

    // Masthead and summary on the first page; running heads and n/N page numbers.
    for s in [
        "United Nations",
        "E/CN.16/2027/CRP.1",
        "Economic and Social Council",
        "Distr.: General",
        "1 March 2027",
        "Summary",
        "Note by the secretariat",
    ] {
        assert!(pages[0].contains(s), "first page lacks {s:?}");
    }
    for (i, p) in pages.iter().enumerate() {
        assert!(
            p.contains(&format!("{}/{n}", i + 1)),
            "page {} lacks its number",
            i + 1
        );
        if i > 0 {
            assert!(
                p.trim_start().starts_with("E/CN.16/2027/CRP.1"),
                "page {} lacks the running head",
                i + 1
            );
        }
    }

    // Chapters in order, each where the contents say.
    let chapters = [
        "I. Introduction",
        "II. Overview of actions reported",
        "III. Actions by public policy cluster",
        "IV. Coordination among organizations",
        "V. Participation of developing countries",
        "VI. Challenges and proposals",
        "VII. Trends",
        "Annex I. Contributing organizations",
    ];
    let mut last = 0;
    for c in chapters {
        let page = pages
            .iter()
            .enumerate()
            .skip(1)
            .position(|(_, p)| p.lines().any(|l| l.trim_start().starts_with(c)))
            .map(|i| i + 2)
            .unwrap_or_else(|| panic!("{c} not found"));
        assert!(page >= last, "{c} out of order");
        last = page;
        let toc_line = pages[0..2]
            .join("\n")
            .lines()
            .find(|l| l.contains(c))
            .map(String::from)
            .unwrap_or_default();
        assert!(
            toc_line.trim_end().ends_with(&format!(" {page}")),
            "contents give {toc_line:?} for {c}, found on page {page}"
        );
    }

    // Every contributing organization appears, in the annex with its date.
    let contributors = csv_rows(&dir.path().join("2026/annex/contributors.csv"));
    assert_eq!(contributors.len(), 9);
    let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
    for row in &contributors {
        assert!(flat.contains(&row[0]), "{} missing from the report", row[0]);
    }

    // The figures of table 2 are the store's: actions by cluster, counted afresh.
    let generation = cstd::store::Store::new(&dir.path().join("store"))
        .require_current()
        .unwrap();
    let actions = generation.table(Some(2026), "actions").unwrap().unwrap();
    let subs = generation
        .table(Some(2026), "submissions")
        .unwrap()
        .unwrap();
    assert!(
        subs.text("status")
            .unwrap()
            .iter()
            .all(|s| s == Some("current"))
    );
    let mut by_cluster = std::collections::BTreeMap::new();
    for c in actions.text("cluster").unwrap().iter().flatten() {
        *by_cluster.entry(c.to_string()).or_insert(0) += 1;
    }
    let schema = cstd::schema::Schema::current();
    for (code, count) in &by_cluster {
        let label = schema
            .lookup("cluster", code)
            .unwrap()
            .0
            .label("en")
            .to_string();
        let line = all.lines().find(|l| {
            l.trim_start().starts_with(&label) && l.trim_end().ends_with(&count.to_string())
        });
        assert!(line.is_some(), "table 2 has no row {label} {count}");
    }
    let total: usize = by_cluster.values().sum();
    assert!(
        flat.contains(&format!("Together they reported {total} actions")),
        "summary figure"
    );
    let annex = csv_rows(&dir.path().join("2026/annex/by_cluster.csv"));
    assert_eq!(
        annex
            .iter()
            .map(|r| r[1].parse::<usize>().unwrap())
            .sum::<usize>(),
        total
    );
    assert!(dir.path().join("2026/report-data.xlsx").exists());

    // Replies are compiled in alphabetical order of the organizations' names.
    let chapter5 = &flat[flat
        .rfind("V. Participation of developing countries")
        .unwrap()..flat.rfind("VI. Challenges").unwrap()];
    let eclac = chapter5
        .find("Economic Commission for Latin America")
        .unwrap();
    let itu = chapter5
        .find("International Telecommunication Union")
        .unwrap();
    let undp = chapter5
        .find("United Nations Development Programme")
        .unwrap();
    assert!(eclac < itu && itu < undp);
}

#[test]
fn the_same_store_and_template_give_the_same_bytes() {
    let dir = tempdir();
    let pdf = run_examples(dir.path());
    let first = std::fs::read(&pdf).unwrap();
    succeed(
        cstd()
            .args(["report", "--year", "2026", "--output"])
            .arg(dir.path())
            .arg("--store")
            .arg(dir.path().join("store")),
    );
    assert_eq!(std::fs::read(&pdf).unwrap(), first);
}

#[test]
fn a_template_error_names_the_file_and_line() {
    let dir = tempdir();
    run_examples(dir.path());
    let template = dir.path().join("tpl");
    std::fs::create_dir_all(&template).unwrap();
    let source =
        std::fs::read_to_string(repo().join("report-templates/default/report.md")).unwrap();
    let broken: String = source
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 19 {
                "{{ no_such_figure }}\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    write(&template, "report.md", broken.as_bytes());
    let out = cstd()
        .args(["report", "--template"])
        .arg(&template)
        .arg("--output")
        .arg(dir.path())
        .arg("--store")
        .arg(dir.path().join("store"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("report.md:20: undefined value") && err.contains("{{ no_such_figure }}"),
        "{err}"
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
        .set("Organization", "B4", s("RCC"))
        .set(
            "Actions",
            "B3",
            s("Форум по вопросам управления Интернетом"),
        );
    write(&inbox, "rcc.xlsx", &ru.xlsx());
    let zh = Book::valid()
        .set("Organization", "B3", s("中国信息通信研究院"))
        .set("Organization", "B4", s("CAICT"));
    write(&inbox, "caict.xlsx", &zh.xlsx());
    let out = succeed(
        cstd()
            .arg("run")
            .arg(&inbox)
            .arg("--output")
            .arg(dir.path())
            .arg("--store")
            .arg(dir.path().join("store")),
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no glyph for '中' (U+4E2D)"), "{err}");
    let text = pages(&dir.path().join("2026/report.pdf")).join("\n");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Форум по вопросам управления Интернетом"),
        "Cyrillic lost: {flat}"
    );
}

#[test]
fn a_long_table_repeats_its_header_on_every_page() {
    use cstd::report::layout::{Block, DocInfo, TableSpec, render};
    let fonts = repo().join("report-templates/default/fonts");
    let regular = std::fs::read(fonts.join("NotoSerif-Regular.ttf")).unwrap();
    let bold = std::fs::read(fonts.join("NotoSerif-Bold.ttf")).unwrap();
    let rows: Vec<Vec<String>> = (1..=500).map(|i| vec![format!("Organization {i}"), format!("A long title of action number {i}, long enough to wrap in a narrow column of table {i}."), i.to_string()]).collect();
    let blocks = vec![
        Block::Heading {
            level: 1,
            text: "Annex".into(),
        },
        Block::Table(TableSpec {
            title: "Every action".into(),
            header: vec![
                "Organization".into(),
                "Title of the action".into(),
                "Number".into(),
            ],
            rows,
            numeric: vec![false, false, true],
        }),
    ];
    let info = DocInfo {
        title: "t".into(),
        symbol: "X/1".into(),
        date: chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        ..DocInfo::default()
    };
    let out = render(&blocks, &info, &regular, &bold).unwrap();
    let dir = tempdir();
    let pdf = write(dir.path(), "t.pdf", &out.pdf);
    let pages = pages(&pdf);
    assert!(pages.len() > 10, "{} pages", pages.len());
    for (i, p) in pages.iter().enumerate() {
        assert!(
            p.contains("Title of the action"),
            "page {} has no header row",
            i + 1
        );
    }
    // No row is split: the first and last words of each title are on one page.
    let flat: Vec<String> = pages
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    for i in [1, 250, 500] {
        let page = flat
            .iter()
            .find(|p| p.contains(&format!("action number {i},")))
            .unwrap();
        assert!(
            // The number column's cell may sit between the title's words in the text.
            page.contains(&format!("table {i}.")) || page.contains(&format!("table {i} {i}.")),
            "row {i} split across pages: {page}"
        );
    }
}

#[test]
fn a_fallback_font_beside_the_template_shows_what_noto_serif_lacks() {
    let dir = tempdir();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let ar = Book::valid()
        .set(
            "Organization",
            "B3",
            s("المنظمة العربية لتكنولوجيات الاتصال والمعلومات"),
        )
        .set("Organization", "B4", s("AICTO"));
    write(&inbox, "aicto.xlsx", &ar.xlsx());
    // Without a fallback: the characters are named in a warning.
    let out = succeed(
        cstd()
            .arg("run")
            .arg(&inbox)
            .arg("--output")
            .arg(dir.path())
            .arg("--store")
            .arg(dir.path().join("store")),
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no glyph for 'ل'"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // With DejaVu Sans placed beside Noto Serif: no warning, the glyphs are embedded.
    let template = dir.path().join("tpl");
    std::fs::create_dir_all(template.join("fonts")).unwrap();
    let default = repo().join("report-templates/default");
    std::fs::copy(default.join("report.md"), template.join("report.md")).unwrap();
    for f in ["NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf"] {
        std::fs::copy(
            default.join("fonts").join(f),
            template.join("fonts").join(f),
        )
        .unwrap();
    }
    let dejavu = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    assert!(
        dejavu.exists(),
        "DejaVu Sans (fonts-dejavu-core) is needed by this test; .ci/run installs it"
    );
    std::fs::copy(dejavu, template.join("fonts/DejaVuSans.ttf")).unwrap();
    let out = succeed(
        cstd()
            .args(["report", "--template"])
            .arg(&template)
            .arg("--output")
            .arg(dir.path())
            .arg("--store")
            .arg(dir.path().join("store")),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("no glyph") && err.contains("without shaping"),
        "{err}"
    );
    let fonts = Command::new("pdffonts")
        .arg(dir.path().join("2026/report.pdf"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&fonts.stdout).contains("DejaVu"),
        "{}",
        String::from_utf8_lossy(&fonts.stdout)
    );
}
