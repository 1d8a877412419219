//! Reads an uploaded file in a child process, `cstd validate` itself, under
//! memory, CPU-time, wall-time and output limits: a file that brings a reader
//! down (calamine can abort on some crafted files) brings down the child,
//! never the server. The file lives in a private folder for the length of the
//! check, under a name of the server's making, and is deleted after it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt as _;

/// Wall time a check may take.
const WALL: Duration = Duration::from_secs(30);
/// CPU time a check may take, in seconds.
const CPU_SECONDS: u64 = 20;
/// Memory a check may map.
const MEMORY: u64 = 1 << 30;
/// Bytes the child may print, and write (the annotated copy).
const OUTPUT: u64 = 64 << 20;

/// What the check gave.
pub struct Checked {
    /// `cstd validate --format json`, with the client's file name in `file`.
    pub report: serde_json::Value,
    /// The workbook with each problem marked, when one could be made.
    pub annotated: Option<Vec<u8>>,
    /// The cells around each finding's.
    pub rows: Vec<crate::validate::rows::RowView>,
}

/// Why a file could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("the check took longer than {} seconds", WALL.as_secs())]
    TooSlow,
    #[error("the check stopped: {0}")]
    Stopped(String),
    #[error("cannot run the check: {0}")]
    Setup(#[from] std::io::Error),
}

/// Checks one uploaded file, in `lang`.
pub async fn check(
    checker: &Path,
    client_name: &str,
    bytes: &[u8],
    lang: &str,
) -> Result<Checked, Failure> {
    let dir = Scratch::new()?;
    let upload = format!("upload.{}", crate::inbox::extension(client_name));
    tokio::fs::write(dir.0.join(&upload), bytes).await?;
    let annotated = dir.0.join("annotated.xlsx");
    let rows = dir.0.join("rows.json");
    let mut command = tokio::process::Command::new(checker);
    command
        .args(["validate", "--format", "json", "--lang", lang, "--annotate"])
        .arg(&annotated)
        .arg("--rows")
        .arg(&rows)
        .arg(&upload)
        .current_dir(&dir.0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    limit(&mut command);
    let mut child = command.spawn()?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let run = async {
        let mut out = Vec::new();
        (&mut stdout).take(OUTPUT).read_to_end(&mut out).await?;
        let status = child.wait().await?;
        Ok::<_, std::io::Error>((out, status))
    };
    let (out, status) = match tokio::time::timeout(WALL, run).await {
        Ok(r) => r?,
        Err(_) => return Err(Failure::TooSlow),
    };
    // 0: accepted, 1: errors, 2: cannot be read; each prints its report.
    if !matches!(status.code(), Some(0..=2)) {
        return Err(Failure::Stopped(status.to_string()));
    }
    let mut report: serde_json::Value = serde_json::from_slice(&out)
        .map_err(|e| Failure::Stopped(format!("unreadable report: {e}")))?;
    if let Some(files) = report["files"].as_array_mut() {
        for f in files {
            f["file"] = serde_json::Value::String(client_name.to_string());
        }
    }
    let annotated = match tokio::fs::read(&annotated).await {
        Ok(b) if b.len() as u64 <= OUTPUT => Some(b),
        _ => None,
    };
    let rows = match tokio::fs::read(&rows).await {
        Ok(b) if b.len() as u64 <= OUTPUT => serde_json::from_slice(&b).unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok(Checked {
        report,
        annotated,
        rows,
    })
}

/// The child's limits: memory, CPU time, file size, no core dump.
#[cfg(target_os = "linux")]
fn limit(command: &mut tokio::process::Command) {
    // SAFETY: between fork and exec the closure only calls setrlimit, which
    // is async-signal-safe, and allocates nothing.
    unsafe {
        command.pre_exec(|| {
            let set = |resource, value: u64| {
                let l = libc::rlimit {
                    rlim_cur: value as libc::rlim_t,
                    rlim_max: value as libc::rlim_t,
                };
                if libc::setrlimit(resource, &l) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            };
            set(libc::RLIMIT_AS, MEMORY)?;
            set(libc::RLIMIT_CPU, CPU_SECONDS)?;
            set(libc::RLIMIT_FSIZE, OUTPUT)?;
            set(libc::RLIMIT_CORE, 0)?;
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn limit(_: &mut tokio::process::Command) {}

/// A private folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("cstd-check-{}", super::token()));
        std::fs::create_dir(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
