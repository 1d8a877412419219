//! An Office Open XML package (xlsx, xlsm) as its parts, for reading what a
//! spreadsheet library does not say and for small edits that keep every other
//! part byte for byte: which part holds which sheet, relationships, and
//! attribute and element edits on XML text.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _, Write as _};

/// The parts of a package, by path, in their order in the archive.
pub struct Package {
    pub parts: Vec<(String, Vec<u8>)>,
}

impl Package {
    /// Reads every part; `max` bounds the total inflated size.
    pub fn read(bytes: &[u8], max: u64) -> Result<Package, String> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut parts = Vec::with_capacity(zip.len());
        let mut total = 0u64;
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
            if f.is_dir() {
                continue;
            }
            let name = f.name().map_err(|e| e.to_string())?.to_string();
            let mut data = Vec::new();
            (&mut f)
                .take(max.saturating_sub(total) + 1)
                .read_to_end(&mut data)
                .map_err(|e| e.to_string())?;
            total += data.len() as u64;
            if total > max {
                return Err("the package is larger than the limit".into());
            }
            parts.push((name, data));
        }
        Ok(Package { parts })
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.as_slice())
    }

    /// A part as text (XML parts are UTF-8).
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .and_then(|d| String::from_utf8(d.to_vec()).ok())
    }

    pub fn set(&mut self, name: &str, data: Vec<u8>) {
        match self.parts.iter_mut().find(|(n, _)| n == name) {
            Some((_, d)) => *d = data,
            None => self.parts.push((name.to_string(), data)),
        }
    }

    pub fn remove(&mut self, name: &str) {
        self.parts.retain(|(n, _)| n != name);
    }

    pub fn has(&self, name: &str) -> bool {
        self.parts.iter().any(|(n, _)| n == name)
    }

    /// The package as a zip archive; `[Content_Types].xml` first, as Office
    /// writes it.
    pub fn write(&self) -> Result<Vec<u8>, String> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let first = self
            .parts
            .iter()
            .filter(|(n, _)| n == "[Content_Types].xml");
        let rest = self
            .parts
            .iter()
            .filter(|(n, _)| n != "[Content_Types].xml");
        for (name, data) in first.chain(rest) {
            zip.start_file(name.as_str(), options)
                .map_err(|e| e.to_string())?;
            zip.write_all(data).map_err(|e| e.to_string())?;
        }
        zip.finish()
            .map(|c| c.into_inner())
            .map_err(|e| e.to_string())
    }
}

/// The relationships part of a part: `xl/workbook.xml` -> `xl/_rels/workbook.xml.rels`.
pub fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship's target as a package path, from the folder of its source.
pub fn resolve(source: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut path: Vec<&str> = source.split('/').collect();
    path.pop();
    for piece in target.split('/') {
        match piece {
            ".." => {
                path.pop();
            }
            "." | "" => {}
            p => path.push(p),
        }
    }
    path.join("/")
}

/// One relationship: (Id, Type, Target).
pub type Relationship = (String, String, String);

/// The relationships of a rels part.
pub fn relationships(xml: &str) -> Vec<Relationship> {
    elements(xml, "Relationship")
        .into_iter()
        .filter_map(|e| Some((attr(e, "Id")?, attr(e, "Type")?, attr(e, "Target")?)))
        .collect()
}

/// The sheets of a workbook in tab order: (name, sheetId, part path).
pub fn sheets(package: &Package) -> Vec<(String, String, String)> {
    let Some(wb) = package.text("xl/workbook.xml") else {
        return Vec::new();
    };
    let rels = package
        .text(&rels_of("xl/workbook.xml"))
        .unwrap_or_default();
    sheets_of(&wb, &rels)
}

/// The sheets named by a workbook part and its relationships part.
pub fn sheets_of(workbook: &str, workbook_rels: &str) -> Vec<(String, String, String)> {
    let rels = relationships(workbook_rels);
    elements(workbook, "sheet")
        .into_iter()
        .filter_map(|e| {
            let name = unescape(&attr(e, "name")?);
            let id = attr(e, "sheetId").unwrap_or_default();
            let rid = attr_ns(e, "id")?;
            let target = rels.iter().find(|(i, _, _)| *i == rid)?.2.clone();
            Some((name, id, resolve("xl/workbook.xml", &target)))
        })
        .collect()
}

/// The opening tags (`<name .../>` or `<name ...>`) of every element of a
/// local name, as slices of `xml`.
pub fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = xml[at..].find('<') {
        let start = at + i;
        let rest = &xml[start + 1..];
        let tag_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        let local = tag.rsplit(':').next().unwrap_or(tag);
        let Some(close) = rest.find('>') else { break };
        if local == name && !tag.starts_with('/') {
            out.push(&xml[start..start + 1 + close + 1]);
        }
        at = start + 1 + close + 1;
    }
    out
}

/// An attribute of an opening tag, by its exact name, unescaped of nothing.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().last();
        let after = &rest[i + name.len()..];
        if before.is_some_and(char::is_whitespace)
            && let Some(value) = after.trim_start().strip_prefix('=')
        {
            let value = value.trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let v = &value[1..];
                return v.find(quote).map(|end| v[..end].to_string());
            }
        }
        rest = &rest[i + name.len()..];
    }
    None
}

/// An attribute with a namespace prefix (`r:id`), whatever the prefix.
pub fn attr_ns(tag: &str, local: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(i) = rest.find(&format!(":{local}=")) {
        let start = rest[..i]
            .rfind(char::is_whitespace)
            .map(|p| p + 1)
            .unwrap_or(0);
        let prefix = &rest[start..i];
        if !prefix.is_empty() && prefix != "xmlns" {
            return attr(rest, &format!("{prefix}:{local}"));
        }
        rest = &rest[i + local.len() + 2..];
    }
    None
}

/// The opening tag with an attribute set (replaced or added).
pub fn set_attr(tag: &str, name: &str, value: &str) -> String {
    let without = remove_attr(tag, name);
    let end = if without.ends_with("/>") {
        without.len() - 2
    } else {
        without.len() - 1
    };
    format!(
        "{} {name}=\"{}\"{}",
        without[..end].trim_end(),
        escape(value),
        &without[end..]
    )
}

/// The opening tag without an attribute.
pub fn remove_attr(tag: &str, name: &str) -> String {
    let mut rest = tag;
    let mut offset = 0;
    while let Some(i) = rest.find(name) {
        let abs = offset + i;
        let before = tag[..abs].chars().last();
        let after = &tag[abs + name.len()..];
        if before.is_some_and(char::is_whitespace)
            && let Some(v) = after.trim_start().strip_prefix('=')
        {
            let v = v.trim_start();
            let value_start = tag.len() - v.len();
            if let Some(quote) = v.chars().next().filter(|q| *q == '"' || *q == '\'')
                && let Some(end) = v[1..].find(quote)
            {
                let stop = value_start + 1 + end + 1;
                let from = tag[..abs].trim_end().len();
                return format!("{}{}", &tag[..from], &tag[stop..]);
            }
        }
        offset = abs + name.len();
        rest = &tag[offset..];
    }
    tag.to_string()
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 forbids most control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

pub fn unescape(s: &str) -> String {
    quick_xml::escape::unescape(s)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| s.to_string())
}

/// Adds an `Override` for a part to `[Content_Types].xml`, and a `Default`
/// for an extension, unless there.
pub fn add_content_type(
    types: &str,
    part: Option<(&str, &str)>,
    default: Option<(&str, &str)>,
) -> String {
    let mut add = String::new();
    if let Some((ext, ct)) = default
        && !elements(types, "Default")
            .iter()
            .any(|e| attr(e, "Extension").is_some_and(|x| x.eq_ignore_ascii_case(ext)))
    {
        add.push_str(&format!(
            r#"<Default Extension="{ext}" ContentType="{ct}"/>"#
        ));
    }
    if let Some((name, ct)) = part {
        add.push_str(&format!(
            r#"<Override PartName="/{name}" ContentType="{ct}"/>"#
        ));
    }
    insert_before_close(types, "Types", &add)
}

/// Text inserted just before the closing tag of the last element of a local
/// name (`</Types>`, `</sheets>`).
pub fn insert_before_close(xml: &str, name: &str, add: &str) -> String {
    let close = |prefix: &str| format!("</{prefix}{name}>");
    let at = xml.rfind(&close("")).or_else(|| {
        // A prefixed element: </x:name>.
        xml.rfind(&format!(":{name}>"))
            .and_then(|i| xml[..i].rfind("</"))
    });
    match at {
        Some(i) => format!("{}{add}{}", &xml[..i], &xml[i..]),
        None => xml.to_string(),
    }
}

/// The next free relationship Id of a rels part (`rIdcstd1`, ...).
pub fn free_id(rels: &[Relationship], stem: &str) -> String {
    (1..)
        .map(|n| format!("{stem}{n}"))
        .find(|id| !rels.iter().any(|(i, _, _)| i == id))
        .unwrap_or_else(|| stem.to_string())
}

/// A rels part with one relationship more (a new part when there was none).
pub fn add_relationship(rels: Option<&str>, id: &str, kind: &str, target: &str) -> String {
    let rel = format!(
        r#"<Relationship Id="{id}" Type="{kind}" Target="{}"/>"#,
        escape(target)
    );
    match rels {
        Some(xml) => insert_before_close(xml, "Relationships", &rel),
        None => format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rel}</Relationships>"#
        ),
    }
}

/// A path for a new part of the form `{stem}{n}{ext}` not yet in the package.
pub fn free_part(package: &Package, stem: &str, ext: &str) -> String {
    (1..)
        .map(|n| format!("{stem}{n}{ext}"))
        .find(|p| !package.has(p))
        .unwrap_or_else(|| format!("{stem}{ext}"))
}

/// The relationships of every part, for finding which part links where.
pub fn all_relationships(package: &Package) -> BTreeMap<String, Vec<Relationship>> {
    package
        .parts
        .iter()
        .filter(|(n, _)| n.ends_with(".rels"))
        .filter_map(|(n, d)| {
            std::str::from_utf8(d)
                .ok()
                .map(|x| (n.clone(), relationships(x)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_set_and_removed_in_place() {
        let tag = r#"<c r="B2" s="3" t="s">"#;
        assert_eq!(attr(tag, "s").as_deref(), Some("3"));
        assert_eq!(attr(tag, "r").as_deref(), Some("B2"));
        assert_eq!(set_attr(tag, "s", "9"), r#"<c r="B2" t="s" s="9">"#);
        assert_eq!(set_attr(r#"<c r="B2"/>"#, "s", "1"), r#"<c r="B2" s="1"/>"#);
        assert_eq!(
            remove_attr(r#"<row r="2" spans="1:3" ht="20">"#, "spans"),
            r#"<row r="2" ht="20">"#
        );
        assert_eq!(
            attr_ns(r#"<sheet name="A" sheetId="1" r:id="rId1"/>"#, "id").as_deref(),
            Some("rId1")
        );
        assert_eq!(
            resolve("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(
            rels_of("xl/worksheets/sheet1.xml"),
            "xl/worksheets/_rels/sheet1.xml.rels"
        );
    }
}
