//! Zip containers (xlsx, xlsm, xlsb, ods, zip of CSV): inspected before any
//! parser inflates them, from the central directory and the first bytes of the
//! parts whose declared counts a parser would trust.

use crate::msg;
use std::io::{Cursor, Read as _};

use zip::ZipArchive;

use super::{Limits, Read, SheetFilter, limits, unreadable};
use crate::findings::{Finding, Place};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Xlsx,
    Xlsb,
    Ods,
    CsvZip,
}

pub(super) fn read(bytes: &[u8], ext: Option<&str>, limits: &Limits, want: SheetFilter) -> Read {
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => return Read::failed(damaged(&e)),
    };
    let kind = match inspect(&mut archive, limits) {
        Ok(k) => k,
        Err(f) => return Read::failed(f),
    };
    match kind {
        Kind::Xlsx => {
            super::spreadsheet::read_xlsx(bytes, &mut archive, ext == Some("xlsm"), limits, want)
        }
        Kind::Xlsb => super::spreadsheet::read_xlsb(bytes, limits, want),
        Kind::Ods => super::spreadsheet::read_ods(bytes, limits, want),
        Kind::CsvZip => super::csv::read_zip(&mut archive, limits),
    }
}

fn damaged(e: &zip::result::ZipError) -> Finding {
    use zip::result::ZipError;
    match e {
        ZipError::UnsupportedArchive(m)
            if m.to_lowercase().contains("encrypt") || m.to_lowercase().contains("password") =>
        {
            Finding::new("file-encrypted", Place::default())
        }
        ZipError::Io(_) | ZipError::InvalidArchive(_) => {
            Finding::new("file-truncated", Place::default())
                .detail(msg!("archive-cut", error = e.to_string()))
        }
        _ => unreadable(msg!("archive-unopenable", error = e.to_string())),
    }
}

/// Checks the archive's directory against the limits and says what it holds.
pub(super) fn inspect<R: std::io::Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
    limits: &Limits,
) -> Result<Kind, Finding> {
    let n = archive.len() as u64;
    if n > limits.max_entries {
        return Err(limits::exceeded("limit-parts", n, limits.max_entries));
    }
    let mut inflated: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| damaged(&e))?;
        if entry.encrypted() {
            return Err(Finding::new("file-encrypted", Place::default()));
        }
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        inflated = inflated.saturating_add(size);
        if size > 1024 * 1024 && size / packed > limits.max_ratio {
            return Err(
                limits::exceeded("limit-ratio", size / packed, limits.max_ratio).detail(msg!(
                    "ratio-bomb",
                    name = name.as_str(),
                    found = size / packed,
                    size = size,
                    packed = packed,
                    max = limits.max_ratio
                )),
            );
        }
        names.push(name);
    }
    if inflated > limits.max_inflated_bytes {
        return Err(limits::exceeded(
            "limit-inflated-total",
            inflated,
            limits.max_inflated_bytes,
        ));
    }
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    let kind = if has("xl/workbook.xml") {
        Kind::Xlsx
    } else if has("xl/workbook.bin") {
        Kind::Xlsb
    } else if has("content.xml") && has("mimetype") {
        Kind::Ods
    } else if names.iter().any(|x| super::csv::is_table_file(x)) {
        Kind::CsvZip
    } else if has("[Content_Types].xml") {
        return Err(unreadable(msg!("office-not-spreadsheet")));
    } else {
        return Err(
            Finding::new("file-format-unknown", Place::default()).detail(msg!("zip-no-workbook"))
        );
    };
    match kind {
        Kind::Xlsx => check_shared_strings(archive, &names, limits)?,
        Kind::Ods => check_ods_manifest(archive)?,
        _ => {}
    }
    Ok(kind)
}

/// The first `n` inflated bytes of a part (fewer if it is shorter).
fn head<R: std::io::Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
    name: &str,
    n: u64,
) -> Result<Vec<u8>, Finding> {
    let mut entry = archive.by_name(name).map_err(|e| damaged(&e))?;
    let mut buf = Vec::new();
    (&mut entry).take(n).read_to_end(&mut buf).map_err(|e| {
        Finding::new("file-truncated", Place::default()).detail(msg!(
            "cannot-inflate",
            name = name,
            error = e.to_string()
        ))
    })?;
    Ok(buf)
}

/// A shared-strings part declares how many strings it holds, and parsers reserve
/// that many before reading one: a lie of a few billion aborts the process. Each
/// string takes at least `<si><t/></si>` (13 bytes) of the part, so a count
/// above a thirteenth of its inflated size is a lie.
fn check_shared_strings<R: std::io::Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
    names: &[String],
    limits: &Limits,
) -> Result<(), Finding> {
    let Some(name) = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"))
    else {
        return Ok(());
    };
    let size = archive.by_name(name).map_err(|e| damaged(&e))?.size();
    let head = head(archive, name, 4096)?;
    let text = String::from_utf8_lossy(&head);
    for attr in ["uniqueCount", "count"] {
        if let Some(declared) = attribute(&text, "sst", attr) {
            let declared: u64 = declared.parse().unwrap_or(u64::MAX);
            let possible = size / 13 + 1;
            if attr == "uniqueCount"
                && declared > possible.min(limits.max_cells_scanned * limits.max_sheets)
            {
                return Err(
                    limits::exceeded("limit-shared-strings", declared, possible).detail(msg!(
                        "shared-strings-lie",
                        declared = declared,
                        size = size,
                        possible = possible
                    )),
                );
            }
        }
    }
    Ok(())
}

/// An encrypted ODS keeps an ordinary zip whose manifest declares the encryption.
fn check_ods_manifest<R: std::io::Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
) -> Result<(), Finding> {
    if archive.by_name("META-INF/manifest.xml").is_err() {
        return Ok(());
    }
    let head = head(archive, "META-INF/manifest.xml", 256 * 1024)?;
    if String::from_utf8_lossy(&head).contains("encryption-data") {
        return Err(Finding::new("file-encrypted", Place::default()));
    }
    Ok(())
}

/// The value of `attr` on the first `<tag` (with or without a prefix) in `xml`.
fn attribute<'a>(xml: &'a str, tag: &str, attr: &str) -> Option<&'a str> {
    let start = xml
        .find(&format!("<{tag} "))
        .or_else(|| xml.find(&format!(":{tag} ")))?;
    let rest = &xml[start..];
    let end = rest.find('>').unwrap_or(rest.len());
    let element = &rest[..end];
    let key = format!(" {attr}=\"");
    let at = element.find(&key)? + key.len();
    let value = &element[at..];
    Some(&value[..value.find('"')?])
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_attributes() {
        let xml = r#"<?xml?><sst xmlns="x" count="12" uniqueCount="3"><si>"#;
        assert_eq!(super::attribute(xml, "sst", "uniqueCount"), Some("3"));
        assert_eq!(super::attribute(xml, "sst", "count"), Some("12"));
    }
}
