//! Report build time and page count, for 1,000 and 2,000 actions.
//!
//! `cargo bench --bench report` generates submissions of 25 actions from 40 and
//! 80 organizations, ingests each set into a fresh store, then builds the report
//! (PDF and data annex) several times and prints the median.

use std::path::Path;
use std::time::{Duration, Instant};

use cstd::ingest::{Options, Silent, ingest};
use cstd::store::Store;
use rayon::prelude::*;

#[path = "common.rs"]
mod common;

fn main() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-bench");
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("report-templates/default");
    let mut per_action = Vec::new();
    for orgs in [40usize, 80] {
        let dir = root.join(orgs.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        let inbox = dir.join("inbox");
        std::fs::create_dir_all(&inbox).expect("bench folder");
        (0..orgs).into_par_iter().for_each(|i| {
            common::write_workbook(&inbox, i, 25);
        });
        let mut opts = Options::new(&dir.join("store"), "2026-11-28T09:00:00Z");
        opts.register =
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("submissions/register.csv"));
        opts.received = Some("2026-11-28T09:00:00Z".into());
        ingest(std::slice::from_ref(&inbox), &opts, &Silent, |_| {}).expect("ingest");
        let generation = Store::new(&opts.store).require_current().expect("store");
        let mut times: Vec<Duration> = Vec::new();
        let mut pages = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let built = cstd::report::build(&generation, 2026, Some(&template), &dir.join("out"))
                .expect("report");
            times.push(t.elapsed());
            pages = built.pages;
        }
        times.sort();
        let median = times[times.len() / 2];
        let actions = orgs * 25;
        per_action.push(median.as_secs_f64() / actions as f64);
        println!(
            "{actions} actions from {orgs} organizations: report built in {:.3} s, {pages} pages",
            median.as_secs_f64()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "time per action, 2,000 actions over 1,000: {:.2} (1.00 is linear)",
        per_action[1] / per_action[0]
    );
}
