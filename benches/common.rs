//! What the benchmarks share: realistic generated submissions.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;

// The allocator the binary uses (src/main.rs), so that what is measured in
// process is what a user runs; calamine's side of a ratio runs on it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A realistic submission: the template's sheets, `n` actions with every field.
pub fn write_workbook(dir: &Path, i: usize, n: usize) -> PathBuf {
    let mut wb = Workbook::new();
    let org = wb.add_worksheet().set_name("Organization").expect("sheet");
    let rows = [
        ("Organization name", format!("Organization number {i}")),
        ("Acronym", format!("ORG{i}")),
        ("Organization type", "other-igo".into()),
        ("Reporting year", "2026".into()),
        ("Focal point name", "A. Person".into()),
        ("Focal point e-mail", format!("focal{i}@example.org")),
        ("Consent to publish this submission", "yes".into()),
    ];
    for (r, (k, v)) in rows.iter().enumerate() {
        org.write_string(r as u32 + 2, 0, *k).expect("cell");
        org.write_string(r as u32 + 2, 1, v.as_str()).expect("cell");
    }
    let actions = wb.add_worksheet().set_name("Actions").expect("sheet");
    let header = [
        "Action ID",
        "Title",
        "Description",
        "Action type",
        "Public policy cluster",
        "Public policy issues",
        "Other issue",
        "WSIS action lines",
        "SDGs",
        "Tunis Agenda paragraphs",
        "Stakeholders involved",
        "Geographic scope",
        "Countries and regions covered",
        "Start date",
        "End date",
        "Status",
        "Governments participating",
        "of which developing countries",
        "Partners",
        "Outcomes",
        "Link",
    ];
    for (c, h) in header.iter().enumerate() {
        actions.write_string(2, c as u16, *h).expect("cell");
    }
    let clusters = [
        ("security", "security.1; security.3"),
        ("development", "development.2"),
        ("economic", "economic.1; economic.3"),
    ];
    let types = [
        "capacity-building",
        "policy-dialogue",
        "research",
        "technical-assistance",
    ];
    let scopes = ["regional", "global", "national"];
    for a in 0..n {
        let (cluster, issues) = clusters[a % clusters.len()];
        let governments = (i * 7 + a * 3) % 60 + 2;
        let row: [String; 21] = [
            format!("A{a}"),
            format!("Action {a} of organization {i}"),
            format!(
                "A description of action {a}, long enough to say what was done, with whom and to what end, as organizations write them."
            ),
            types[(i + a) % types.len()].into(),
            cluster.into(),
            issues.into(),
            String::new(),
            "C1; C4; C7.e-health".into(),
            "SDG 9; 17".into(),
            "35(d); 69".into(),
            "governments; civil-society".into(),
            scopes[(i + a) % scopes.len()].into(),
            "KEN; Ghana; 566; Sub-Saharan Africa".into(),
            "1/3/2026".into(),
            "2026-06-30".into(),
            "completed".into(),
            governments.to_string(),
            (governments / 2).to_string(),
            "ITU; UNESCO".into(),
            "Workshops held and a report published.".into(),
            "https://example.org/action".into(),
        ];
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                actions
                    .write_string(a as u32 + 3, c as u16, v.as_str())
                    .expect("cell");
            }
        }
    }
    let narrative = wb.add_worksheet().set_name("Narrative").expect("sheet");
    let texts = [
        (
            "Summary of actions taken",
            "What the organization did in the year, in a few sentences.",
        ),
        (
            "Measures to enable participation of developing countries",
            "Fellowships and remote participation for delegates of developing countries.",
        ),
        (
            "Challenges and obstacles",
            "Funding, and the time small administrations can give.",
        ),
        (
            "Lessons learned",
            "Regional meetings before global ones help.",
        ),
        (
            "Proposals for action by the Commission",
            "The Commission could compare the reports across years.",
        ),
    ];
    for (r, (k, v)) in texts.iter().enumerate() {
        narrative.write_string(r as u32, 0, *k).expect("cell");
        narrative.write_string(r as u32, 1, *v).expect("cell");
    }
    let path = dir.join(format!("org{i}.xlsx"));
    std::fs::write(&path, wb.save_to_buffer().expect("xlsx")).expect("write");
    path
}
