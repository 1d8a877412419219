//! Report build time: 200 organizations of 40 actions (the target: the PDF and
//! the Word draft together under 2 s), and 50 organizations for the growth.
//!
//! `cargo bench --bench report` generates the submissions, ingests each set
//! into a fresh store, then builds the report several times and prints the
//! median of each stage: the figures and the document, the PDF, the Word draft.

use std::path::Path;
use std::time::{Duration, Instant};

use cstd::ingest::{Options, Silent, ingest};
use cstd::store::Store;
use rayon::prelude::*;

#[path = "common.rs"]
mod common;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64()
}

fn main() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-bench");
    let mut per_action = Vec::new();
    for orgs in [50usize, 200] {
        let actions = orgs * 40;
        let dir = root.join(orgs.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        let inbox = dir.join("inbox");
        std::fs::create_dir_all(&inbox).expect("bench folder");
        (0..orgs).into_par_iter().for_each(|i| {
            common::write_workbook(&inbox, i, 40);
        });
        let mut opts = Options::new(&dir.join("store"), "2026-11-28T09:00:00Z");
        opts.received = Some("2027-01-15T00:00:00Z".into());
        ingest(std::slice::from_ref(&inbox), &opts, &Silent, |_| {}).expect("ingest");
        let generation = Store::new(&opts.store).require_current().expect("store");
        let (mut prep, mut pdf, mut docx, mut total) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut pages = 0;
        let mut words = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let p = cstd::report::prepare(&generation, 2026, None).expect("report");
            prep.push(t.elapsed());
            let t1 = Instant::now();
            let out = cstd::report::pdf::write(&p.document, &p.fonts).expect("pdf");
            pdf.push(t1.elapsed());
            let t2 = Instant::now();
            let d = cstd::report::docx::write(&p.document).expect("docx");
            docx.push(t2.elapsed());
            total.push(t.elapsed());
            pages = out.pages;
            words = p.document.body_words();
            std::hint::black_box(d);
        }
        let (prep, pdf, docx, total) = (median(prep), median(pdf), median(docx), median(total));
        per_action.push(total / actions as f64);
        println!(
            "{orgs} organizations, {actions} actions: {pages} pages, {words} words in the body"
        );
        println!(
            "  figures and document {prep:.3} s, PDF {pdf:.3} s, Word draft {docx:.3} s: {total:.3} s in all ({:.2} of the 2 s target)",
            total / 2.0
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "time per action, 8,000 actions over 2,000: {:.2} (1.00 is linear)",
        per_action[1] / per_action[0]
    );
}
