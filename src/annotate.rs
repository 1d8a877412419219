//! The annotated copy: the organization's own workbook with each problem cell
//! filled by severity and a note saying what is wrong and what to do, after a
//! Findings sheet that lists every finding with a link to its cell.
//!
//! An xlsx or xlsm is edited part by part ([`crate::ooxml`]): its styles gain
//! three fills and the cell formats that use them, its sheets a note per
//! marked cell, its workbook the Findings sheet; every other part (drop-downs,
//! widths, frozen panes, hidden rows, formulas, macros) is kept byte for byte.
//! Other containers (xls, xlsb, ods, CSV, JSON) get an xlsx copy of their
//! values, which says so on its Findings sheet.

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, Note, Workbook, XlsxError};

use crate::findings::{Finding, Severity, kind};
use crate::messages::word;
use crate::msg;
use crate::ooxml::{self, Package};
use crate::read::{Container, Value, Workbook as Source};

/// Fills by severity, as ARGB.
fn argb(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "FFF4B6B6",
        Severity::Warning => "FFFFE699",
        Severity::Note => "FFDDEBF7",
    }
}

/// How the copy was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// The organization's own workbook, marked.
    Marked,
    /// A new workbook holding the values of another kind of file.
    Copied,
}

/// The annotated copy of a submission: its own workbook marked when it is
/// an xlsx or xlsm, else an xlsx copy of its values.
pub fn build(
    original: &[u8],
    source: &Source,
    findings: &[Finding],
    lang: &str,
) -> Result<(Vec<u8>, Made), String> {
    if matches!(source.container, Container::Xlsx | Container::Xlsm) {
        // A workbook too odd to edit safely still gets a copy.
        if let Ok(bytes) = marked(original, findings, lang) {
            return Ok((bytes, Made::Marked));
        }
    }
    copy(source, findings, lang)
        .map(|b| (b, Made::Copied))
        .map_err(|e| e.to_string())
}

/// The note of a cell: each finding, what is wrong and what to do.
fn note_text(fs: &[&Finding], lang: &str) -> String {
    fs.iter()
        .map(|f| {
            let mut s = format!("{} [{}]: {}", f.severity.word(lang), f.code, f.title(lang));
            let m = f.message(lang);
            if !m.is_empty() {
                s.push_str(&format!(". {m}"));
            }
            if let Some(k) = kind(f.code) {
                s.push('\n');
                s.push_str(&msg!("what-to-do-line", help = k.help(lang)).render(lang));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Findings by sheet, then cell (0-based row, column).
type Marks<'a> = BTreeMap<String, BTreeMap<(u32, u32), Vec<&'a Finding>>>;

fn marks(findings: &[Finding]) -> Marks<'_> {
    let mut m: Marks = BTreeMap::new();
    for f in findings {
        if let (Some(s), Some(at)) = (&f.place.sheet, f.place.at) {
            m.entry(s.clone())
                .or_default()
                .entry(at)
                .or_default()
                .push(f);
        }
    }
    m
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The organization's workbook, marked.
fn marked(original: &[u8], findings: &[Finding], lang: &str) -> Result<Vec<u8>, String> {
    let mut pkg = Package::read(original, 200 << 20)?;
    let sheets = ooxml::sheets(&pkg);
    if sheets.is_empty() {
        return Err("no sheets".into());
    }
    let mut styles = Styles::new(pkg.text("xl/styles.xml").ok_or("no styles part")?)?;
    let marks = marks(findings);
    let mut types = pkg.text("[Content_Types].xml").ok_or("no content types")?;

    // Each marked sheet: fills on its cells, a note on each.
    for (name, _, path) in &sheets {
        let Some(cells) = marks.get(name) else {
            continue;
        };
        let xml = pkg.text(path).ok_or("a sheet part is missing")?;
        let worst: BTreeMap<(u32, u32), Severity> = cells
            .iter()
            .map(|(at, fs)| {
                (
                    *at,
                    fs.iter()
                        .map(|f| f.severity)
                        .min()
                        .unwrap_or(Severity::Note),
                )
            })
            .collect();
        let xml = fill_cells(&xml, &worst, &mut styles)?;
        let notes: Vec<((u32, u32), String)> = cells
            .iter()
            .map(|(at, fs)| (*at, note_text(fs, lang)))
            .collect();
        let xml = add_notes(&mut pkg, &mut types, path, xml, &notes)?;
        pkg.set(path, xml.into_bytes());
    }

    // The Findings sheet, first.
    let title = unique_name(&word("findings-sheet", lang), &sheets);
    let part = ooxml::free_part(&pkg, "xl/worksheets/sheet", ".xml");
    let findings_xml = findings_sheet(findings, lang, &mut styles, None);
    pkg.set(&part, findings_xml.into_bytes());
    types = ooxml::add_content_type(
        &types,
        Some((
            &part,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        )),
        None,
    );
    let wb_rels_path = ooxml::rels_of("xl/workbook.xml");
    let wb_rels_text = pkg.text(&wb_rels_path);
    let wb_rels = wb_rels_text
        .as_deref()
        .map(ooxml::relationships)
        .unwrap_or_default();
    let rid = ooxml::free_id(&wb_rels, "rIdcstd");
    let target = part.strip_prefix("xl/").unwrap_or(&part);
    pkg.set(
        &wb_rels_path,
        ooxml::add_relationship(
            wb_rels_text.as_deref(),
            &rid,
            &format!("{REL}/worksheet"),
            target,
        )
        .into_bytes(),
    );
    let workbook = pkg.text("xl/workbook.xml").ok_or("no workbook part")?;
    pkg.set(
        "xl/workbook.xml",
        first_sheet(&workbook, &title, &rid, &sheets).into_bytes(),
    );
    // Only the Findings sheet is selected: several selected tabs would be
    // grouped, and an edit would go to all of them.
    for (_, _, path) in &sheets {
        if let Some(xml) = pkg.text(path)
            && xml.contains("tabSelected")
        {
            let views: Vec<String> = ooxml::elements(&xml, "sheetView")
                .into_iter()
                .map(String::from)
                .collect();
            let mut xml = xml;
            for v in views {
                xml = xml.replacen(&v, &ooxml::remove_attr(&v, "tabSelected"), 1);
            }
            pkg.set(path, xml.into_bytes());
        }
    }
    // The calculation chain names sheets by position, which moved: Excel
    // rebuilds it when it is missing.
    if pkg.has("xl/calcChain.xml") {
        pkg.remove("xl/calcChain.xml");
        let rels = pkg.text(&wb_rels_path).unwrap_or_default();
        let kept: String = ooxml::elements(&rels, "Relationship")
            .into_iter()
            .filter(|e| !ooxml::attr(e, "Target").is_some_and(|t| t.ends_with("calcChain.xml")))
            .collect();
        pkg.set(
            &wb_rels_path,
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{kept}</Relationships>"#
            )
            .into_bytes(),
        );
        let overrides: Vec<String> = ooxml::elements(&types, "Override")
            .into_iter()
            .filter(|e| ooxml::attr(e, "PartName").is_some_and(|p| p.ends_with("calcChain.xml")))
            .map(String::from)
            .collect();
        for o in overrides {
            types = types.replace(&o, "");
        }
    }
    pkg.set("xl/styles.xml", styles.finish().into_bytes());
    pkg.set("[Content_Types].xml", types.into_bytes());
    pkg.write()
}

/// A sheet name not yet used, at most 31 characters.
fn unique_name(wanted: &str, sheets: &[(String, String, String)]) -> String {
    let taken = |n: &str| sheets.iter().any(|(s, _, _)| s.eq_ignore_ascii_case(n));
    if !taken(wanted) {
        return wanted.to_string();
    }
    (2..)
        .map(|i| format!("{wanted} ({i})"))
        .find(|n| !taken(n))
        .unwrap_or_default()
}

/// The workbook with the new sheet first in tab order, shown when opened;
/// sheet positions in defined names move by one; its header row prints on
/// every page.
fn first_sheet(xml: &str, title: &str, rid: &str, sheets: &[(String, String, String)]) -> String {
    let next_id = sheets
        .iter()
        .filter_map(|(_, id, _)| id.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let r_prefix = r_prefix(xml);
    let sheet = format!(
        r#"<sheet name="{}" sheetId="{next_id}" {r_prefix}:id="{rid}"/>"#,
        ooxml::escape(title)
    );
    let mut out = match xml.find("<sheets>").or_else(|| xml.find(":sheets>")) {
        Some(i) => {
            let open_end = i + xml[i..].find('>').unwrap_or(0) + 1;
            format!("{}{sheet}{}", &xml[..open_end], &xml[open_end..])
        }
        None => xml.to_string(),
    };
    // localSheetId counts tabs from 0: each moves one along.
    for tag in ooxml::elements(&out.clone(), "definedName") {
        if let Some(n) = ooxml::attr(tag, "localSheetId").and_then(|v| v.parse::<u32>().ok()) {
            out = out.replacen(
                tag,
                &ooxml::set_attr(tag, "localSheetId", &(n + 1).to_string()),
                1,
            );
        }
    }
    let print_titles = format!(
        r#"<definedName name="_xlnm.Print_Titles" localSheetId="0">'{}'!$1:$1</definedName>"#,
        ooxml::escape(&title.replace('\'', "''"))
    );
    out = if out.contains("</definedNames>") {
        out.replacen(
            "<definedNames>",
            &format!("<definedNames>{print_titles}"),
            1,
        )
    } else {
        match out.find("</sheets>") {
            Some(i) => format!(
                "{}</sheets><definedNames>{print_titles}</definedNames>{}",
                &out[..i],
                &out[i + "</sheets>".len()..]
            ),
            None => out,
        }
    };
    for tag in ooxml::elements(&out.clone(), "workbookView") {
        let t = ooxml::set_attr(tag, "activeTab", "0");
        let t = ooxml::set_attr(&t, "firstSheet", "0");
        out = out.replacen(tag, &t, 1);
    }
    out
}

/// The prefix bound to the relationships namespace on the root (`r`).
fn r_prefix(xml: &str) -> String {
    let needle = format!("=\"{REL}\"");
    xml.find(&needle)
        .and_then(|i| {
            let before = &xml[..i];
            before.rfind("xmlns:").map(|s| before[s + 6..].to_string())
        })
        .unwrap_or_else(|| "r".into())
}

/// The styles part, with the fills and cell formats the copy adds.
struct Styles {
    xml: String,
    fills: usize,
    fonts: usize,
    xfs: Vec<String>,
    added: Vec<String>,
    /// (cell format, severity) -> the format with its fill.
    filled: BTreeMap<(usize, Severity), usize>,
    new_fills: Vec<String>,
    new_fonts: Vec<String>,
}

impl Styles {
    fn new(xml: String) -> Result<Styles, String> {
        let count = |name: &str| -> usize {
            section(&xml, name)
                .map(|s| ooxml::elements(s, name.trim_end_matches('s')).len())
                .unwrap_or(0)
        };
        let fills = count("fills");
        let fonts = count("fonts");
        let xfs = section(&xml, "cellXfs")
            .map(xf_elements)
            .ok_or("no cell formats")?;
        Ok(Styles {
            xml,
            fills,
            fonts,
            xfs,
            added: Vec::new(),
            filled: BTreeMap::new(),
            new_fills: Vec::new(),
            new_fonts: Vec::new(),
        })
    }

    fn fill_of(&mut self, severity: Severity) -> usize {
        self.solid_fill(argb(severity))
    }

    /// The index of a solid fill of an ARGB colour, added once.
    fn solid_fill(&mut self, argb: &str) -> usize {
        let fill = format!(
            r#"<fill><patternFill patternType="solid"><fgColor rgb="{argb}"/><bgColor indexed="64"/></patternFill></fill>"#
        );
        match self.new_fills.iter().position(|f| *f == fill) {
            Some(i) => self.fills + i,
            None => {
                self.new_fills.push(fill);
                self.fills + self.new_fills.len() - 1
            }
        }
    }

    /// The format of a cell of format `xf`, filled for `severity`.
    fn filled(&mut self, xf: usize, severity: Severity) -> usize {
        if let Some(i) = self.filled.get(&(xf, severity)) {
            return *i;
        }
        let fill = self.fill_of(severity);
        let base = self.xfs.get(xf).cloned().unwrap_or_else(|| {
            r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#.into()
        });
        let open_end = base.find('>').unwrap_or(base.len() - 1) + 1;
        let open = &base[..open_end];
        let open = ooxml::set_attr(open, "fillId", &fill.to_string());
        let open = ooxml::set_attr(&open, "applyFill", "1");
        let xf_new = format!("{open}{}", &base[open_end..]);
        self.added.push(xf_new);
        let index = self.xfs.len() + self.added.len() - 1;
        self.filled.insert((xf, severity), index);
        index
    }

    /// A format for the Findings sheet: bold or not, a fill or none, text
    /// wrapped at the top.
    fn plain(&mut self, bold: bool, fill: Option<Severity>, header: bool) -> usize {
        let font = if bold {
            if self.new_fonts.is_empty() {
                self.new_fonts.push(
                    r#"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#
                        .into(),
                );
            }
            self.fonts
        } else {
            0
        };
        let fill = match (fill, header) {
            (Some(s), _) => self.fill_of(s),
            (None, true) => self.solid_fill("FFE0E8F2"),
            (None, false) => 0,
        };
        let xf = format!(
            r#"<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>"#
        );
        match self.added.iter().position(|x| *x == xf) {
            Some(i) => self.xfs.len() + i,
            None => {
                self.added.push(xf);
                self.xfs.len() + self.added.len() - 1
            }
        }
    }

    fn finish(self) -> String {
        let mut xml = self.xml;
        xml = append_to(&xml, "fills", &self.new_fills, self.fills);
        xml = append_to(&xml, "fonts", &self.new_fonts, self.fonts);
        append_to(&xml, "cellXfs", &self.added, self.xfs.len())
    }
}

/// The content of the first element of a local name.
fn section<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = xml.find(&format!("<{name}"))?;
    let start = open + xml[open..].find('>')? + 1;
    if xml[open..start].ends_with("/>") {
        return Some("");
    }
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..end])
}

/// The `<xf>` elements of a `cellXfs` section, whole.
fn xf_elements(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = s[at..].find("<xf") {
        let start = at + i;
        let Some(gt) = s[start..].find('>') else {
            break;
        };
        let open_end = start + gt + 1;
        let end = if s[..open_end].ends_with("/>") {
            open_end
        } else {
            match s[open_end..].find("</xf>") {
                Some(j) => open_end + j + "</xf>".len(),
                None => break,
            }
        };
        out.push(s[start..end].to_string());
        at = end;
    }
    out
}

/// A section with elements appended and its count attribute set.
fn append_to(xml: &str, name: &str, items: &[String], before: usize) -> String {
    if items.is_empty() {
        return xml.to_string();
    }
    let Some(open) = xml.find(&format!("<{name}")) else {
        return xml.to_string();
    };
    let open_end = open + xml[open..].find('>').unwrap_or(0) + 1;
    let tag = &xml[open..open_end];
    let count = (before + items.len()).to_string();
    let joined = items.concat();
    if tag.ends_with("/>") {
        let new_tag = ooxml::set_attr(&tag.replace("/>", ">"), "count", &count);
        return format!(
            "{}{new_tag}{joined}</{name}>{}",
            &xml[..open],
            &xml[open_end..]
        );
    }
    let new_tag = ooxml::set_attr(tag, "count", &count);
    let close = open_end + xml[open_end..].find(&format!("</{name}>")).unwrap_or(0);
    format!(
        "{}{new_tag}{}{joined}{}",
        &xml[..open],
        &xml[open_end..close],
        &xml[close..]
    )
}

/// The sheet with its marked cells' formats replaced by filled ones; a
/// marked cell the file does not have (a required value left empty) is added.
fn fill_cells(
    xml: &str,
    worst: &BTreeMap<(u32, u32), Severity>,
    styles: &mut Styles,
) -> Result<String, String> {
    let data_start = xml.find("<sheetData").ok_or("no sheet data")?;
    let open_end = data_start + xml[data_start..].find('>').ok_or("bad sheet data")? + 1;
    if xml[data_start..open_end].ends_with("/>") {
        // No rows at all: every marked cell is new.
        let rows = new_rows(worst, styles);
        return Ok(format!(
            "{}<sheetData>{rows}</sheetData>{}",
            &xml[..data_start],
            &xml[open_end..]
        ));
    }
    let data_end = open_end
        + xml[open_end..]
            .find("</sheetData>")
            .ok_or("bad sheet data")?;
    let data = &xml[open_end..data_end];
    let mut by_row: BTreeMap<u32, BTreeMap<u32, Severity>> = BTreeMap::new();
    for ((r, c), s) in worst {
        by_row.entry(*r).or_default().insert(*c, *s);
    }
    let mut out = String::with_capacity(data.len() + 256);
    let mut at = 0;
    let mut last_row: Option<u32> = None;
    while let Some(i) = data[at..].find("<row") {
        let start = at + i;
        let gt = start + data[start..].find('>').ok_or("bad row")? + 1;
        let tag = &data[start..gt];
        let self_closing = tag.ends_with("/>");
        let end = if self_closing {
            gt
        } else {
            gt + data[gt..].find("</row>").ok_or("bad row")? + "</row>".len()
        };
        let r = ooxml::attr(tag, "r")
            .and_then(|v| v.parse::<u32>().ok())
            .map(|n| n - 1)
            .unwrap_or_else(|| last_row.map(|l| l + 1).unwrap_or(0));
        // Rows of marked cells missing before this one.
        let missing: Vec<u32> = by_row
            .range(last_row.map(|l| l + 1).unwrap_or(0)..r)
            .map(|(k, _)| *k)
            .collect();
        out.push_str(&data[at..start]);
        for m in missing {
            if let Some(cells) = by_row.remove(&m) {
                out.push_str(&row_xml(m, &cells, styles));
            }
        }
        match by_row.remove(&r) {
            Some(cells) => out.push_str(&mark_row(
                &data[start..end],
                tag,
                self_closing,
                r,
                &cells,
                styles,
            )?),
            None => out.push_str(&data[start..end]),
        }
        last_row = Some(r);
        at = end;
    }
    out.push_str(&data[at..]);
    for (r, cells) in by_row {
        out.push_str(&row_xml(r, &cells, styles));
    }
    Ok(format!("{}{out}{}", &xml[..open_end], &xml[data_end..]))
}

fn new_rows(worst: &BTreeMap<(u32, u32), Severity>, styles: &mut Styles) -> String {
    let mut by_row: BTreeMap<u32, BTreeMap<u32, Severity>> = BTreeMap::new();
    for ((r, c), s) in worst {
        by_row.entry(*r).or_default().insert(*c, *s);
    }
    by_row
        .iter()
        .map(|(r, cells)| row_xml(*r, cells, styles))
        .collect()
}

fn row_xml(r: u32, cells: &BTreeMap<u32, Severity>, styles: &mut Styles) -> String {
    let mut out = format!(r#"<row r="{}">"#, r + 1);
    for (c, s) in cells {
        let xf = styles.filled(0, *s);
        out.push_str(&format!(
            r#"<c r="{}" s="{xf}"/>"#,
            crate::text::cell_name(r, *c)
        ));
    }
    out.push_str("</row>");
    out
}

/// One row with its marked cells filled, and empty marked cells added in
/// column order.
fn mark_row(
    whole: &str,
    tag: &str,
    self_closing: bool,
    r: u32,
    cells: &BTreeMap<u32, Severity>,
    styles: &mut Styles,
) -> Result<String, String> {
    // `spans` is a hint that an added cell could contradict.
    let open = ooxml::remove_attr(tag, "spans");
    let open = if self_closing {
        open.replace("/>", ">")
    } else {
        open
    };
    let inner = if self_closing {
        ""
    } else {
        &whole[tag.len()..whole.len() - "</row>".len()]
    };
    let mut todo = cells.clone();
    let mut out = open;
    let mut at = 0;
    let mut col = 0u32;
    while let Some(i) = inner[at..].find("<c") {
        let start = at + i;
        // `<c` opens a cell; `<col...` and the like do not occur in a row.
        let next = inner[start + 2..].chars().next();
        if !matches!(next, Some(' ' | '>' | '/')) {
            out.push_str(&inner[at..start + 2]);
            at = start + 2;
            continue;
        }
        let gt = start + inner[start..].find('>').ok_or("bad cell")? + 1;
        let ctag = &inner[start..gt];
        let end = if ctag.ends_with("/>") {
            gt
        } else {
            gt + inner[gt..].find("</c>").ok_or("bad cell")? + "</c>".len()
        };
        let c = ooxml::attr(ctag, "r")
            .and_then(|v| crate::text::parse_cell_name(&v))
            .map(|(_, c)| c)
            .unwrap_or(col);
        out.push_str(&inner[at..start]);
        // Empty marked cells that come before this one.
        let before: Vec<u32> = todo.range(..c).map(|(k, _)| *k).collect();
        for b in before {
            if let Some(s) = todo.remove(&b) {
                let xf = styles.filled(0, s);
                out.push_str(&format!(
                    r#"<c r="{}" s="{xf}"/>"#,
                    crate::text::cell_name(r, b)
                ));
            }
        }
        match todo.remove(&c) {
            Some(s) => {
                let xf = ooxml::attr(ctag, "s")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                let new = styles.filled(xf, s);
                out.push_str(&ooxml::set_attr(ctag, "s", &new.to_string()));
                out.push_str(&inner[gt..end]);
            }
            None => out.push_str(&inner[start..end]),
        }
        col = c + 1;
        at = end;
    }
    out.push_str(&inner[at..]);
    for (c, s) in todo {
        let xf = styles.filled(0, s);
        out.push_str(&format!(
            r#"<c r="{}" s="{xf}"/>"#,
            crate::text::cell_name(r, c)
        ));
    }
    out.push_str("</row>");
    Ok(out)
}

/// Notes on a sheet's cells: added to its comments part and drawing when it
/// has them, else in new ones linked from the sheet.
fn add_notes(
    pkg: &mut Package,
    types: &mut String,
    sheet_path: &str,
    xml: String,
    notes: &[((u32, u32), String)],
) -> Result<String, String> {
    if notes.is_empty() {
        return Ok(xml);
    }
    let rels_path = ooxml::rels_of(sheet_path);
    let rels_text = pkg.text(&rels_path);
    let rels = rels_text
        .as_deref()
        .map(ooxml::relationships)
        .unwrap_or_default();
    let find = |kind: &str| {
        rels.iter()
            .find(|(_, t, _)| t.ends_with(kind))
            .map(|(_, _, target)| ooxml::resolve(sheet_path, target))
    };
    let (comments_path, vml_path) = (find("/comments"), find("/vmlDrawing"));
    let mut xml = xml;
    let mut rels_out = rels_text.clone();
    let comments_path = match comments_path {
        Some(p) if pkg.has(&p) => p,
        _ => {
            let p = ooxml::free_part(pkg, "xl/comments", ".xml");
            pkg.set(
                &p,
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<comments xmlns="{MAIN}"><authors></authors><commentList></commentList></comments>"#
                )
                .into_bytes(),
            );
            let id = ooxml::free_id(&rels, "rIdcstdc");
            rels_out = Some(ooxml::add_relationship(
                rels_out.as_deref(),
                &id,
                &format!("{REL}/comments"),
                &relative(sheet_path, &p),
            ));
            *types = ooxml::add_content_type(
                types,
                Some((
                    &p,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
                )),
                None,
            );
            p
        }
    };
    let vml_path = match vml_path {
        Some(p) if pkg.has(&p) => p,
        _ => {
            let p = ooxml::free_part(pkg, "xl/drawings/vmlDrawing", ".vml");
            pkg.set(&p, VML_HEAD.as_bytes().to_vec());
            let all = rels_out
                .as_deref()
                .map(ooxml::relationships)
                .unwrap_or_default();
            let id = ooxml::free_id(&all, "rIdcstdv");
            rels_out = Some(ooxml::add_relationship(
                rels_out.as_deref(),
                &id,
                &format!("{REL}/vmlDrawing"),
                &relative(sheet_path, &p),
            ));
            *types = ooxml::add_content_type(
                types,
                None,
                Some((
                    "vml",
                    "application/vnd.openxmlformats-officedocument.vmlDrawing",
                )),
            );
            xml = link_drawing(&xml, &id);
            p
        }
    };
    // The comments.
    let comments = pkg.text(&comments_path).ok_or("comments part")?;
    let authors: Vec<&str> = ooxml::elements(&comments, "author");
    let author = authors.len();
    let mut comments = if comments.contains("<authors/>") {
        comments.replacen("<authors/>", "<authors><author>cstd</author></authors>", 1)
    } else {
        ooxml::insert_before_close(&comments, "authors", "<author>cstd</author>")
    };
    if comments.contains("<commentList/>") {
        comments = comments.replacen("<commentList/>", "<commentList></commentList>", 1);
    }
    let mut taken: Vec<String> = ooxml::elements(&comments, "comment")
        .iter()
        .filter_map(|c| ooxml::attr(c, "ref"))
        .collect();
    let mut added = String::new();
    let mut shapes = String::new();
    let vml = pkg.text(&vml_path).unwrap_or_else(|| VML_HEAD.to_string());
    let mut shape_id = 1024 + vml.matches("<v:shape ").count() + 1;
    for ((r, c), text) in notes {
        let cell = crate::text::cell_name(*r, *c);
        let body = format!(
            r#"<text><r><rPr><sz val="9"/><rFont val="Tahoma"/><family val="2"/></rPr><t xml:space="preserve">{}</t></r></text>"#,
            ooxml::escape(text)
        );
        if taken.contains(&cell) {
            // A cell holds one note: the organization's own comes after.
            let pos = comments
                .find(&format!(r#"ref="{cell}""#))
                .and_then(|i| comments[i..].find("<text>").map(|j| i + j + "<text>".len()));
            if let Some(pos) = pos {
                let run = format!(
                    r#"<r><t xml:space="preserve">{}

</t></r>"#,
                    ooxml::escape(text)
                );
                comments.insert_str(pos, &run);
            }
            continue;
        }
        taken.push(cell.clone());
        added.push_str(&format!(
            r#"<comment ref="{cell}" authorId="{author}">{body}</comment>"#
        ));
        shapes.push_str(&vml_shape(shape_id, *r, *c));
        shape_id += 1;
    }
    comments = ooxml::insert_before_close(&comments, "commentList", &added);
    pkg.set(&comments_path, comments.into_bytes());
    let vml = match vml.rfind("</xml>") {
        Some(i) => format!("{}{shapes}{}", &vml[..i], &vml[i..]),
        None => format!("{vml}{shapes}"),
    };
    pkg.set(&vml_path, vml.into_bytes());
    if let Some(r) = rels_out
        && Some(&r) != rels_text.as_ref()
    {
        pkg.set(&rels_path, r.into_bytes());
    }
    Ok(xml)
}

/// A target path relative to the folder of the part that links to it.
fn relative(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    let up = "../".repeat(depth.saturating_sub(1));
    format!("{up}{}", to.strip_prefix("xl/").unwrap_or(to))
}

/// The sheet with `<legacyDrawing>` in its place in the element order.
fn link_drawing(xml: &str, id: &str) -> String {
    let prefix = r_prefix(xml);
    let mut xml = xml.to_string();
    if !xml.contains(&format!("xmlns:{prefix}="))
        && let Some(i) = xml.find("<worksheet")
    {
        let end = i + xml[i..].find('>').unwrap_or(0);
        xml.insert_str(end, &format!(r#" xmlns:{prefix}="{REL}""#));
    }
    let tag = format!(r#"<legacyDrawing {prefix}:id="{id}"/>"#);
    let after = [
        "<legacyDrawingHF",
        "<drawingHF",
        "<picture",
        "<oleObjects",
        "<controls",
        "<webPublishItems",
        "<tableParts",
        "<extLst",
        "</worksheet>",
    ];
    let at = after.iter().filter_map(|t| xml.find(t)).min();
    match at {
        Some(i) => format!("{}{tag}{}", &xml[..i], &xml[i..]),
        None => xml,
    }
}

const VML_HEAD: &str = r##"<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype></xml>"##;

/// The drawing of a note beside a cell, hidden until pointed at.
fn vml_shape(id: usize, r: u32, c: u32) -> String {
    format!(
        r##"<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:2pt;width:240pt;height:110pt;z-index:{id};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{}, 15, {}, 2, {}, 15, {}, 16</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>"##,
        c + 1,
        r,
        c + 4,
        r + 7
    )
}

/// The Findings sheet's column titles in `lang`, with their widths.
fn headings(lang: &str) -> [(String, u16); 7] {
    [
        (word("severity", lang), 12),
        (word("code", lang), 22),
        (word("place", lang), 22),
        (word("column", lang), 24),
        (word("finding", lang), 40),
        (word("details", lang), 60),
        (word("what-to-do", lang), 60),
    ]
}

/// The Findings sheet's XML: one row per finding, a link to its cell, the
/// header repeated on each printed page, landscape, one page wide.
fn findings_sheet(
    findings: &[Finding],
    lang: &str,
    styles: &mut Styles,
    line: Option<&str>,
) -> String {
    let header_style = styles.plain(true, None, true);
    let wrap = styles.plain(false, None, false);
    let heads = headings(lang);
    let cell = |r: u32, c: u32, s: usize, text: &str| {
        format!(
            r#"<c r="{}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
            crate::text::cell_name(r, c),
            ooxml::escape(text)
        )
    };
    let mut rows = String::new();
    let mut links = String::new();
    let mut r = 0u32;
    if let Some(line) = line {
        rows.push_str(&format!(r#"<row r="1">{}</row>"#, cell(0, 0, wrap, line)));
        r = 1;
    }
    let header_row = r;
    rows.push_str(&format!(r#"<row r="{}">"#, r + 1));
    for (c, (h, _)) in heads.iter().enumerate() {
        rows.push_str(&cell(r, c as u32, header_style, h));
    }
    rows.push_str("</row>");
    for f in findings {
        r += 1;
        let sev = styles.plain(false, Some(f.severity), false);
        let place = f.place.say(lang);
        rows.push_str(&format!(r#"<row r="{}">"#, r + 1));
        rows.push_str(&cell(r, 0, sev, &f.severity.word(lang)));
        rows.push_str(&cell(r, 1, wrap, f.code));
        rows.push_str(&cell(
            r,
            2,
            wrap,
            &match (&f.place.sheet, &f.place.cell) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.clone(),
                _ => place,
            },
        ));
        rows.push_str(&cell(r, 3, wrap, f.place.column_in(lang).unwrap_or("")));
        rows.push_str(&cell(r, 4, wrap, f.title(lang)));
        rows.push_str(&cell(r, 5, wrap, &f.message(lang)));
        rows.push_str(&cell(
            r,
            6,
            wrap,
            kind(f.code).map(|k| k.help(lang)).unwrap_or(""),
        ));
        rows.push_str("</row>");
        if let (Some(s), Some((row, col))) = (&f.place.sheet, f.place.at) {
            links.push_str(&format!(
                r#"<hyperlink ref="{}" location="'{}'!{}" display="{}"/>"#,
                crate::text::cell_name(r, 2),
                ooxml::escape(&s.replace('\'', "''")),
                crate::text::cell_name(row, col),
                ooxml::escape(&format!("{s}!{}", crate::text::cell_name(row, col)))
            ));
        }
    }
    let cols: String = heads
        .iter()
        .enumerate()
        .map(|(c, (_, w))| {
            format!(
                r#"<col min="{0}" max="{0}" width="{w}" customWidth="1"/>"#,
                c + 1
            )
        })
        .collect();
    let links = if links.is_empty() {
        String::new()
    } else {
        format!("<hyperlinks>{links}</hyperlinks>")
    };
    let split = header_row + 1;
    let rtl = if crate::messages::right_to_left(lang) {
        r#" rightToLeft="1""#
    } else {
        ""
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView{rtl} tabSelected="1" workbookViewId="0"><pane ySplit="{split}" topLeftCell="A{}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{rows}</sheetData>{links}<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/><pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>"#,
        split + 1
    )
}

/// An xlsx copy of the values of a file that is not an xlsx: its sheets
/// after a Findings sheet that says the copy is not the organization's file.
fn copy(source: &Source, findings: &[Finding], lang: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let fill = |s: Severity| Color::RGB(u32::from_str_radix(&argb(s)[2..], 16).unwrap_or(0xFFFFFF));
    {
        let ws = wb
            .add_worksheet()
            .set_name(word("findings-sheet", lang))?
            .set_right_to_left(crate::messages::right_to_left(lang));
        ws.write_string_with_format(
            0,
            0,
            msg!("copy-of", container = source.container.say(lang)).render(lang),
            &bold,
        )?;
        for (c, (title, width)) in headings(lang).iter().enumerate() {
            ws.write_string_with_format(1, c as u16, title, &bold)?;
            ws.set_column_width(c as u16, *width)?;
        }
        for (i, f) in findings.iter().enumerate() {
            let r = i as u32 + 2;
            let sev = Format::new().set_background_color(fill(f.severity));
            ws.write_string_with_format(r, 0, f.severity.word(lang), &sev)?;
            ws.write_string(r, 1, f.code)?;
            ws.write_string(r, 2, f.place.say(lang))?;
            ws.write_string(r, 3, f.place.column_in(lang).unwrap_or(""))?;
            ws.write_string_with_format(r, 4, f.title(lang), &wrap)?;
            ws.write_string_with_format(r, 5, f.message(lang), &wrap)?;
            ws.write_string_with_format(
                r,
                6,
                kind(f.code).map(|k| k.help(lang)).unwrap_or(""),
                &wrap,
            )?;
        }
        ws.set_freeze_panes(2, 0)?;
    }
    let marks = marks(findings);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in &source.sheets {
        let name: String = sheet
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        let name = if name.eq_ignore_ascii_case(&word("findings-sheet", lang)) || name.is_empty() {
            format!("{name} (sheet)")
        } else {
            name
        };
        let ws = wb.add_worksheet().set_name(name)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    Value::Empty => {}
                    Value::Text(s) => {
                        ws.write_string(r, c, s.as_str())?;
                    }
                    Value::Number(n) => {
                        ws.write_number(r, c, *n)?;
                    }
                    Value::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    Value::Date(d) => {
                        let dt = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        ws.write_date_with_format(r, c, &dt, &date)?;
                    }
                    Value::Error(e) => {
                        ws.write_string(r, c, e.as_str())?;
                    }
                    // One item a line, as the template's list cells take them.
                    Value::List(items) => {
                        let lines: Vec<String> = items.iter().map(Value::display).collect();
                        ws.write_string(r, c, lines.join("\n"))?;
                    }
                }
            }
        }
        for ((r, c), fs) in marks.get(&sheet.name).into_iter().flatten() {
            let Ok(c) = u16::try_from(*c) else { continue };
            let worst = fs
                .iter()
                .map(|f| f.severity)
                .min()
                .unwrap_or(Severity::Note);
            let format = Format::new().set_background_color(fill(worst));
            match sheet.cell(*r as usize, c as usize) {
                Value::Number(n) => ws.write_number_with_format(*r, c, *n, &format)?,
                Value::Empty => ws.write_blank(*r, c, &format)?,
                other => ws.write_string_with_format(*r, c, other.display(), &format)?,
            };
            let note = Note::new(note_text(fs, lang))
                .add_author_prefix(false)
                .set_width(320)
                .set_height(160);
            ws.insert_note(*r, c, &note)?;
        }
        ws.set_column_width(0, 30)?;
    }
    wb.save_to_buffer()
}
