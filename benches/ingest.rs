//! Ingest speed and memory, as ratios to reading the same files with calamine.
//!
//! `cargo bench --bench ingest` generates 1,000 and 10,000 submissions of 40
//! actions and ingests each set into a fresh store, in one run.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Instant;

use calamine::{Reader, Xlsx};
use cstd::ingest::{Options, Silent, ingest};
use rayon::prelude::*;

#[path = "common.rs"]
mod common;

fn main() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ingest-bench");
    // `CSTD_BENCH_SIZES=1000` runs one size, for profiling.
    let sizes: Vec<usize> = std::env::var("CSTD_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    for n in sizes {
        let dir = root.join(n.to_string());
        let inbox = dir.join("inbox");
        std::fs::create_dir_all(&inbox).expect("bench folder");
        let files: Vec<PathBuf> = (0..n)
            .into_par_iter()
            .map(|i| common::write_workbook(&inbox, i, 40))
            .collect();
        // Files received were written long before they are ingested: flush the
        // generated ones, so that the ingest does not pay for writing them.
        cstd::durable::sync_filesystem(&inbox).expect("sync");

        let t = Instant::now();
        let cells: usize = files.iter().map(|f| calamine_read(f)).sum();
        let calamine_one = t.elapsed();
        let t = Instant::now();
        let _: usize = files.par_iter().map(|f| calamine_read(f)).sum();
        let calamine_two = t.elapsed();

        let store = dir.join("store");
        let _ = std::fs::remove_dir_all(&store);
        reset_peak_memory();
        let mut opts = Options::new(&store, "2026-11-28T09:00:00Z");
        opts.register =
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("submissions/register.csv"));
        opts.received = Some("2026-11-28T09:00:00Z".into());
        let t = Instant::now();
        let summary = ingest(std::slice::from_ref(&inbox), &opts, &Silent, |_| {}).expect("ingest");
        let took = t.elapsed();
        let peak = peak_memory_kib();
        assert_eq!(
            summary.accepted + summary.accepted_with_warnings,
            n,
            "{summary:?}"
        );

        println!("{n} submissions of 40 actions ({cells} cells):");
        println!(
            "  calamine alone, one core   {:>8.2} s",
            calamine_one.as_secs_f64()
        );
        println!(
            "  calamine alone, two cores  {:>8.2} s",
            calamine_two.as_secs_f64()
        );
        println!(
            "  cstd ingest, two cores     {:>8.2} s   ratio to calamine on two cores {:.2}, on one core {:.2}",
            took.as_secs_f64(),
            took.as_secs_f64() / calamine_two.as_secs_f64(),
            took.as_secs_f64() / calamine_one.as_secs_f64()
        );
        match peak {
            Some(kib) => println!(
                "  peak memory during the ingest: {:.0} MiB",
                kib as f64 / 1024.0
            ),
            None => println!("  peak memory: not available on this system"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn calamine_read(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("read");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let mut n = 0;
    for name in wb.sheet_names() {
        n += wb
            .worksheet_range(&name)
            .expect("sheet")
            .used_cells()
            .count();
    }
    n
}

/// Linux keeps a high-water mark of the resident set; writing 5 to
/// clear_refs resets it, so that it measures the ingest alone.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
