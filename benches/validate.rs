//! Validation speed, as ratios to reading the same workbooks with calamine alone.
//!
//! `cargo bench --bench validate` generates 100-action workbooks, then measures in
//! one run: one workbook (cstd vs calamine), 200 workbooks (cstd on one core, on
//! two, and calamine), and `cstd validate FILE` as a whole process.
//! `CSTD_PROFILE_LOOP=N` validates one workbook N times and nothing else.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx};
use cstd::read::Limits;
use cstd::schema::Schema;
use cstd::validate::{Context, check_path};
use rayon::prelude::*;

#[path = "common.rs"]
mod common;
use common::write_workbook;

fn main() {
    // Kept under target/ so that a profiler can be pointed at the same files.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validate-bench");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let files: Vec<PathBuf> = (0..200).map(|i| write_workbook(&dir, i, 100)).collect();
    let one = &files[0];
    let schema = Schema::current();
    let ctx = Context {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
    };
    let limits = Limits::default();

    // For a profiler (valgrind --tool=callgrind): validate one workbook
    // CSTD_PROFILE_LOOP times and nothing else (toggle collection on
    // `cstd::validate::check_path*`, or `validate::calamine_read*`).
    if let Some(n) = std::env::var("CSTD_PROFILE_LOOP")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        // `CSTD_PROFILE_CALAMINE=1`: calamine's bare read instead, the baseline.
        let bare = std::env::var_os("CSTD_PROFILE_CALAMINE").is_some();
        for _ in 0..n {
            if bare {
                std::hint::black_box(calamine_read(one));
            } else {
                std::hint::black_box(check_path(one, schema, &ctx, &limits));
            }
        }
        return;
    }
    // Warm the caches (schema, reference data, file system).
    for f in &files {
        std::hint::black_box(check_path(f, schema, &ctx, &limits));
        std::hint::black_box(calamine_read(f));
    }

    // Interleaved, so that a slower moment of the machine weighs on both
    // sides of each ratio alike; the ratio is taken per round.
    let want = |n: &str| schema.sheet_for_name(n).is_some();
    let rounds = 300;
    let (mut cal, mut read, mut val) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        cal.push(time(|| {
            std::hint::black_box(calamine_read(one));
        }));
        read.push(time(|| {
            std::hint::black_box(cstd::read::read_path(one, &limits, &want));
        }));
        val.push(time(|| {
            let r = check_path(one, schema, &ctx, &limits);
            assert_eq!(r.counts.errors, 0, "{:?}", r.findings.first());
            std::hint::black_box(r);
        }));
    }
    let per_round =
        |x: &[Duration]| -> Vec<f64> { x.iter().zip(&cal).map(|(a, b)| ratio(*a, *b)).collect() };
    println!("one workbook of 100 actions ({rounds} interleaved rounds; median, quartiles):");
    println!("  calamine alone    {:>8.2} ms", ms(middle(&cal)));
    for (what, x) in [("cstd read only", &read), ("cstd validate ", &val)] {
        let (q1, q2, q3) = quartiles(per_round(x));
        println!(
            "  {what}    {:>8.2} ms   ratio to calamine {q2:.2} ({q1:.2}–{q3:.2})",
            ms(middle(x))
        );
    }

    let reps = 5;
    let cal_many = median(reps, || {
        files.iter().for_each(|f| {
            std::hint::black_box(calamine_read(f));
        })
    });
    let one_core = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let two_cores = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let run = |pool: &rayon::ThreadPool| {
        pool.install(|| {
            let n: usize = files
                .par_iter()
                .map(|f| check_path(f, schema, &ctx, &limits).counts.errors)
                .sum();
            assert_eq!(n, 0);
        })
    };
    let cstd_many_1 = median(reps, || run(&one_core));
    let cstd_many_2 = median(reps, || run(&two_cores));
    println!("200 workbooks of 100 actions:");
    println!("  calamine alone, one core  {:>8.1} ms", ms(cal_many));
    println!(
        "  cstd, one core            {:>8.1} ms   ratio to calamine {:.2}",
        ms(cstd_many_1),
        ratio(cstd_many_1, cal_many)
    );
    println!(
        "  cstd, two cores           {:>8.1} ms   ratio to calamine {:.2}, speed-up over one core {:.2}",
        ms(cstd_many_2),
        ratio(cstd_many_2, cal_many),
        ratio(cstd_many_1, cstd_many_2)
    );

    let exe = env!("CARGO_BIN_EXE_cstd");
    let process = median(20, || {
        let out = Command::new(exe)
            .arg("validate")
            .arg(one)
            .output()
            .expect("run cstd");
        assert_eq!(out.status.code(), Some(0));
    });
    println!(
        "`cstd validate` on one workbook, whole process: {:.1} ms",
        ms(process)
    );
}

fn calamine_read(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("read");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let mut n = 0;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("sheet");
        n += range.used_cells().count();
    }
    n
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn middle(x: &[Duration]) -> Duration {
    let mut x = x.to_vec();
    x.sort();
    x[x.len() / 2]
}

fn quartiles(mut x: Vec<f64>) -> (f64, f64, f64) {
    x.sort_by(f64::total_cmp);
    let n = x.len();
    (x[n / 4], x[n / 2], x[3 * n / 4])
}

fn median(reps: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[reps / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}
