//! A folder or zip of CSV files, one per sheet, named after the sheet.
//! CSV carries no encoding or delimiter: both are detected and said in a note.

use crate::msg;
use std::io::Read as _;
use std::path::Path;

use zip::ZipArchive;

use super::{
    Container, FindingPlace as _, Limits, Read, SheetBuilder, Value, Workbook, limits, unreadable,
};
use crate::findings::{Finding, Place};

pub(super) fn read_single(_bytes: &[u8], _ext: Option<&str>, _limits: &Limits) -> Read {
    Read::failed(Finding::new("file-format-unknown", Place::default()).detail(msg!("single-csv")))
}

pub(super) fn read_folder(dir: &Path, limits: &Limits) -> Read {
    match folder_files(dir, limits) {
        Ok(files) => read_files(files, limits),
        Err(f) => Read::failed(f),
    }
}

/// The CSV files of a folder, read once: (file name, bytes). Links inside the
/// folder are not followed.
pub(super) fn folder_files(dir: &Path, limits: &Limits) -> Result<Vec<(String, Vec<u8>)>, Finding> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| unreadable(msg!("cannot-list", error = e.to_string())))?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| is_table_file(&p.to_string_lossy()))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(
            Finding::new("file-format-unknown", Place::default()).detail(msg!("no-csv-files"))
        );
    }
    let mut parts = Vec::new();
    let mut total: u64 = 0;
    for path in files {
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&path).and_then(|f| {
            f.take(limits.max_file_bytes.saturating_sub(total) + 1)
                .read_to_end(&mut bytes)
        });
        if let Err(e) = read {
            return Err(unreadable(msg!(
                "cannot-read-named",
                name = path.display().to_string(),
                error = e.to_string()
            )));
        }
        total = total.saturating_add(bytes.len() as u64);
        if total > limits.max_file_bytes {
            return Err(limits::exceeded(
                "limit-csv-size",
                total,
                limits.max_file_bytes,
            ));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        parts.push((name, bytes));
    }
    Ok(parts)
}

/// The sheets of a folder's CSV files, read by [`folder_files`].
pub(super) fn read_files(files: Vec<(String, Vec<u8>)>, limits: &Limits) -> Read {
    let parts = files
        .into_iter()
        .map(|(name, bytes)| (stem(&name), bytes))
        .collect();
    sheets(parts, Container::CsvFolder, limits)
}

pub(super) fn read_zip<R: std::io::Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
    limits: &Limits,
) -> Read {
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                return Read::failed(unreadable(msg!(
                    "part-unreadable",
                    part = i,
                    error = e.to_string()
                )));
            }
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        // macOS adds resource forks (`__MACOSX/._actions.csv`) to zips it makes.
        if !is_table_file(&name) || name.contains("__MACOSX") {
            continue;
        }
        let mut bytes = Vec::new();
        if let Err(e) = (&mut entry)
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut bytes)
        {
            return Read::failed(
                Finding::new("file-truncated", Place::default()).detail(msg!(
                    "cannot-inflate",
                    name = &name,
                    error = e.to_string()
                )),
            );
        }
        if bytes.len() as u64 > limits.max_file_bytes {
            return Read::failed(
                limits::exceeded(
                    "limit-inflated-size",
                    bytes.len() as u64,
                    limits.max_file_bytes,
                )
                .place(&name),
            );
        }
        parts.push((stem(&name), bytes));
    }
    sheets(parts, Container::CsvZip, limits)
}

/// A sheet saved as text: CSV, or Excel's "Unicode Text" (tab-separated,
/// UTF-16) saved as `.txt` or `.tsv`.
pub(super) fn is_table_file(name: &str) -> bool {
    let n = name.to_lowercase();
    n.ends_with(".csv") || n.ends_with(".txt") || n.ends_with(".tsv")
}

fn stem(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    file.rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(file)
        .to_string()
}

fn sheets(parts: Vec<(String, Vec<u8>)>, container: Container, limits: &Limits) -> Read {
    let mut sheets = Vec::new();
    let mut findings = Vec::new();
    for (name, bytes) in parts {
        let (text, encoding) = decode(&bytes);
        let delimiter = sniff(&text);
        findings.push(
            Finding::new("encoding-detected", Place::sheet(&name)).detail(msg!(
                "encoding",
                encoding = encoding_name(encoding),
                separator = delimiter_name(delimiter)
            )),
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut sheet = SheetBuilder::new(&name, limits);
        // Fields per line: a line with more than most have holds a separator
        // that shifted its values.
        let mut widths: Vec<(usize, usize)> = Vec::new();
        for (r, record) in reader.records().enumerate() {
            let record = match record {
                Ok(rec) => rec,
                Err(e) => {
                    return Read {
                        workbook: None,
                        findings: vec![unreadable(msg!(
                            "csv-line-unreadable",
                            name = &name,
                            line = r + 1,
                            error = e.to_string()
                        ))],
                    };
                }
            };
            let filled = record
                .iter()
                .enumerate()
                .filter(|(_, f)| !f.trim().is_empty())
                .last()
                .map(|(i, _)| i + 1);
            if let Some(n) = filled {
                widths.push((r, n.max(record.len())));
            }
            for (c, field) in record.iter().enumerate() {
                let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                    return Read::failed(limits::exceeded("limit-rows", r as u64, limits.max_rows));
                };
                if let Err(f) = sheet.push(r, c, Value::Text(field.to_string())) {
                    return Read::failed(f);
                }
            }
        }
        findings.extend(wide_lines(&name, &widths));
        sheets.push(sheet.finish());
    }
    Read {
        workbook: Some(Workbook {
            container,
            sheets,
            skipped: Vec::new(),
        }),
        findings,
    }
}

/// Lines with more fields than most lines of their file: (line, fields).
fn wide_lines(name: &str, widths: &[(usize, usize)]) -> Vec<Finding> {
    let mut counts: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for (_, n) in widths.iter().filter(|(_, n)| *n > 1) {
        *counts.entry(*n).or_default() += 1;
    }
    let Some((&usual, _)) = counts
        .iter()
        .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
    else {
        return Vec::new();
    };
    widths
        .iter()
        .filter(|(_, n)| *n > usual)
        .map(|(r, n)| {
            Finding::new("csv-row-fields", Place::sheet(name)).detail(msg!(
                "line-fields",
                line = r + 1,
                n = *n,
                usual = usual
            ))
        })
        .collect()
}

/// UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let name = match enc.name() {
            "UTF-8" => "UTF-8 BOM",
            other => other,
        };
        return (text.into_owned(), name);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), "Windows-1252")
        }
    }
}

/// The delimiter among `,` `;` and tab that splits the first lines most evenly.
fn sniff(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, d as char))
            .collect();
        let min = counts.iter().copied().min().unwrap_or(0);
        let total: usize = counts.iter().sum();
        // Prefer a delimiter present on every line, then the most frequent.
        let score = if min > 0 { total + 1_000_000 } else { total };
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, d: char) -> usize {
    let mut quoted = false;
    line.chars()
        .filter(|&c| {
            if c == '"' {
                quoted = !quoted;
            }
            c == d && !quoted
        })
        .count()
}

/// An encoding as a person reads it, in any language.
fn encoding_name(name: &'static str) -> crate::messages::Arg {
    match name {
        "UTF-8 BOM" => msg!("utf8-bom").into(),
        "UTF-16LE" => msg!("utf16-le").into(),
        "UTF-16BE" => msg!("utf16-be").into(),
        other => other.into(),
    }
}

fn delimiter_name(d: u8) -> crate::messages::Message {
    match d {
        b';' => msg!("semicolons"),
        b'\t' => msg!("tabs"),
        _ => msg!("commas"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff("a;b;c\n1;\"x, y\";3\n"), b';');
        assert_eq!(sniff("a,b\n1,2\n"), b',');
        assert_eq!(sniff("a\tb\n1\t2\n"), b'\t');
    }

    #[test]
    fn decodes_encodings() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFcaf\xC3\xA9"),
            ("café".to_string(), "UTF-8 BOM")
        );
        assert_eq!(decode(b"caf\xE9"), ("café".to_string(), "Windows-1252"));
        assert_eq!(decode(b"\xFF\xFEc\0a\0"), ("ca".to_string(), "UTF-16LE"));
    }
}
