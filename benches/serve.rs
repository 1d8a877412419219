//! `cstd serve` under load on loopback: checks of valid 40-action workbooks,
//! while another client keeps uploading bombs and damaged files. Reports the
//! latency of a check (median, 99th percentile), checks per second, and how
//! many hostile uploads were answered; bounded in count and time.
//!
//!     cargo bench --bench serve        # CSTD_BENCH_CHECKS=N to change the count

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

/// A multipart upload of one file; the status and how long it took.
fn upload(port: u16, name: &str, bytes: &[u8]) -> (u16, Duration) {
    let start = Instant::now();
    let boundary = "----cstd-bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the server answers");
    let head = format!(
        "POST /api/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(&body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let status = String::from_utf8_lossy(&raw)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, start.elapsed())
}

fn main() {
    let checks: usize = std::env::var("CSTD_BENCH_CHECKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-bench");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let workbook = std::fs::read(common::write_workbook(&dir, 0, 40)).expect("workbook");
    let bomb = {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/workbook.xml", o).expect("zip");
        w.write_all(&vec![b' '; 200 << 20]).expect("zip");
        w.finish().expect("zip").into_inner()
    };
    let damaged = {
        let mut b = workbook.clone();
        let n = b.len();
        b.truncate(n / 2);
        b
    };

    let mut server = Command::new(env!("CARGO_BIN_EXE_cstd"))
        .args(["serve", "--addr", "127.0.0.1:0", "--per-minute", "1000000"])
        .env("CSTD_TODAY", "2026-11-28")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cstd serve starts");
    let mut line = String::new();
    BufReader::new(server.stdout.as_mut().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let port: u16 = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    // Warm up: the first check starts the child's caches from cold.
    for _ in 0..5 {
        upload(port, "warm.xlsx", &workbook);
    }

    let done = AtomicBool::new(false);
    let hostile = AtomicUsize::new(0);
    let hostile_answered = AtomicUsize::new(0);
    let mut latencies = Vec::with_capacity(checks);
    let started = Instant::now();
    let mut busy = 0;
    std::thread::scope(|s| {
        s.spawn(|| {
            let files: [(&str, &[u8]); 3] = [
                ("bomb.xlsx", &bomb),
                ("damaged.xlsx", &damaged),
                ("noise.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1garbage"),
            ];
            let mut i = 0;
            while !done.load(Ordering::Relaxed) {
                let (name, bytes) = files[i % files.len()];
                let (status, _) = upload(port, name, bytes);
                hostile.fetch_add(1, Ordering::Relaxed);
                if status != 0 {
                    hostile_answered.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
            }
        });
        for _ in 0..checks {
            let (status, took) = upload(port, "valid.xlsx", &workbook);
            if status == 503 {
                busy += 1;
                continue;
            }
            assert_eq!(status, 200, "a valid workbook is checked");
            latencies.push(took);
            if started.elapsed() > Duration::from_secs(120) {
                break;
            }
        }
        done.store(true, Ordering::Relaxed);
    });
    let elapsed = started.elapsed();
    let _ = server.kill();
    let _ = server.wait();

    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} checks of a 40-action workbook, child process included, while {} hostile uploads ran beside them:",
        latencies.len(),
        hostile.load(Ordering::Relaxed)
    );
    println!(
        "  latency median {:.1} ms (aim: 50 ms, so {:.2} of it), 99th percentile {:.1} ms",
        ms(at(0.5)),
        ms(at(0.5)) / 50.0,
        ms(at(0.99))
    );
    println!(
        "  {:.1} checks per second; {busy} asked to retry; hostile uploads answered: {} of {}",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        hostile_answered.load(Ordering::Relaxed),
        hostile.load(Ordering::Relaxed)
    );
}
