//! Durable writes: every file the project writes goes through here. A file is
//! written to a temporary file beside it, synced, then renamed into place, and
//! the folder synced, so that a reader sees the old file or the new one, never
//! half of one, whatever stops the process. A temporary file left by a failure
//! is removed at once; one left by a killed process carries a name that
//! [`is_temp`] recognizes, so that `cstd check` can clean it.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What every temporary file's name ends with.
const TEMP_SUFFIX: &str = ".cstd-tmp";

/// A write that failed, with the file it was for.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct Error {
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl Error {
    pub fn new(action: &'static str, path: &Path, source: std::io::Error) -> Error {
        Error {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// When a file's content reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// Before the rename: the file is durable when the call returns.
    Now,
    /// Later, by the caller, with [`sync_filesystem`]: one flush for a batch
    /// of thousands of files instead of one each.
    Batch,
}

/// Whether a file name is one of the temporary files this module writes.
pub fn is_temp(name: &str) -> bool {
    name.ends_with(TEMP_SUFFIX)
}

/// A temporary file's path beside `path`: unique within this process (a
/// counter) and across processes (the process ID), so that two writers of the
/// same file never share one.
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}.{n}{TEMP_SUFFIX}", std::process::id()))
}

/// A temporary file, removed when dropped unless it was renamed into place.
struct Temp {
    path: PathBuf,
    done: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Creates a folder and its parents.
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::new("create the folder", dir, e))
}

/// Creates a folder and its parents readable by its owner only (on Unix):
/// the store holds what organizations sent before anything is published.
/// A folder that exists keeps the permissions it has.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Error::new("create the folder", dir, e))
}

/// Writes `bytes` to `path` atomically and durably.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, Sync::Now, |f| f.write_all(bytes))
}

/// Writes `path` atomically through `fill`, which writes the content into the
/// temporary file. The folder is created if missing.
pub fn write_with(
    path: &Path,
    sync: Sync,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<()> {
    let dir = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    stage(dir, &name, sync, fill)?.persist(path)?;
    if sync == Sync::Now {
        sync_dir(dir)?;
    }
    Ok(())
}

/// A file written under a temporary name, to be moved into place with
/// [`Staged::persist`] (when its name is known only once it is written, say);
/// removed when dropped otherwise.
pub struct Staged {
    temp: Temp,
}

/// Writes a temporary file in `dir` through `fill`; `hint` goes into its name.
pub fn stage(
    dir: &Path,
    hint: &str,
    sync: Sync,
    fill: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<Staged> {
    if !dir.is_dir() {
        create_dir(dir)?;
    }
    let temp = Temp {
        path: temp_path(&dir.join(hint)),
        done: false,
    };
    let mut file = File::create(&temp.path).map_err(|e| Error::new("create", &temp.path, e))?;
    fill(&mut file).map_err(|e| Error::new("write", &temp.path, e))?;
    if sync == Sync::Now || cfg!(not(target_os = "linux")) {
        file.sync_all()
            .map_err(|e| Error::new("flush", &temp.path, e))?;
    }
    Ok(Staged { temp })
}

impl Staged {
    /// Moves the file into place, replacing what was there.
    pub fn persist(mut self, to: &Path) -> Result<()> {
        std::fs::rename(&self.temp.path, to).map_err(|e| Error::new("move into place", to, e))?;
        self.temp.done = true;
        Ok(())
    }
}

/// Makes a folder's entries (a rename into it) durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::new("flush the folder", dir, e))
}

/// Flushes the whole file system holding `path`: one call where a batch wrote
/// many files with [`Sync::Batch`].
#[cfg(target_os = "linux")]
pub fn sync_filesystem(path: &Path) -> Result<()> {
    use std::os::fd::AsRawFd as _;
    let f = File::open(path).map_err(|e| Error::new("open", path, e))?;
    // SAFETY: syncfs takes an open file descriptor, which `f` holds for the call.
    let r = unsafe { libc::syncfs(f.as_raw_fd()) };
    if r != 0 {
        return Err(Error::new(
            "flush the file system of",
            path,
            std::io::Error::last_os_error(),
        ));
    }
    Ok(())
}

/// Elsewhere [`Sync::Batch`] files were synced as they were written.
#[cfg(not(target_os = "linux"))]
pub fn sync_filesystem(_path: &Path) -> Result<()> {
    Ok(())
}

/// A writer that hashes and counts what goes through it: a file's SHA-256 and
/// size, known when it is written, without reading it back.
pub struct Hashing<W> {
    inner: W,
    hasher: sha2::Sha256,
    len: u64,
}

impl<W: std::io::Write> Hashing<W> {
    pub fn new(inner: W) -> Hashing<W> {
        use sha2::Digest as _;
        Hashing {
            inner,
            hasher: sha2::Sha256::new(),
            len: 0,
        }
    }

    /// The size and lowercase hex SHA-256 of what was written.
    pub fn finish(self) -> (u64, String) {
        use sha2::Digest as _;
        (self.len, hex(&self.hasher.finalize()))
    }
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest as _;
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex(&sha2::Sha256::digest(bytes))
}

/// The size and SHA-256 of a file, read as a stream.
pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut h = Hashing::new(std::io::sink());
    std::io::copy(&mut File::open(path)?, &mut h)?;
    Ok(h.finish())
}

fn hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_neither_a_half_file_nor_a_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write(&path, b"old").unwrap();
        let err = write_with(&path, Sync::Now, |f| {
            f.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.txt"]);
    }

    #[test]
    fn writers_of_the_same_file_never_share_a_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("same");
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let path = &path;
                s.spawn(move || write(path, &[i; 1000]).unwrap());
            }
        });
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.iter().all(|b| *b == bytes[0]));
        assert!(
            temp_path(&path)
                .file_name()
                .unwrap()
                .to_str()
                .is_some_and(is_temp)
        );
    }

    #[test]
    fn hashes_what_it_writes() {
        const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let mut h = Hashing::new(Vec::new());
        h.write_all(b"abc").unwrap();
        assert_eq!(h.finish(), (3, ABC.to_string()));
        assert_eq!(sha256(b"abc"), ABC);
    }
}
