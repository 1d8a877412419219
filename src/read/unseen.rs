//! Data a person may not see in an xlsx workbook: rows and columns marked
//! hidden, and cells outside the range the sheet declares as used. Calamine
//! reads such cells without saying so, so the sheet's XML is looked at
//! first, and parsed only when it holds `hidden=`. Each sheet is inflated
//! once: calamine reads the copy inflated for that look.

use crate::messages::Arg;
use crate::msg;
use std::io::Read as _;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::Sheet;
use crate::findings::{Finding, Place};

/// What a sheet's XML says that calamine does not.
#[derive(Debug, Default)]
pub(super) struct Unseen {
    sheet: String,
    /// Hidden rows and columns, 0-based.
    rows: Vec<u32>,
    cols: Vec<u32>,
    /// The used range the sheet declares (`<dimension ref="A1:U103"/>`):
    /// last row and column, 0-based.
    declared: Option<(u32, u32)>,
    /// Whether the sheet may hold formulas: only then are its cells read
    /// with their formulas, to find those without a stored value.
    pub(super) formulas: bool,
}

impl Unseen {
    /// Whether the sheet named `name` may hold formulas (yes when not looked at).
    pub(super) fn formulas_in(unseen: &[Unseen], name: &str) -> bool {
        unseen
            .iter()
            .find(|u| u.sheet == name)
            .is_none_or(|u| u.formulas)
    }
}

thread_local! {
    /// A sheet's XML and the repacked archive, kept from one workbook to the
    /// next: allocated anew each time, such buffers go back to the system
    /// and come again, page by page, for every file.
    static BUFFERS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> = const {
        std::cell::RefCell::new((Vec::new(), Vec::new()))
    };
}

/// A workbook repacked by [`xlsx`]; its buffer is kept for the next one.
pub(super) struct Repacked(Vec<u8>);

impl std::ops::Deref for Repacked {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Repacked {
    fn drop(&mut self) {
        let buffer = std::mem::take(&mut self.0);
        BUFFERS.with(|b| b.borrow_mut().1 = kept(buffer));
    }
}

/// A buffer worth keeping: not the one a rare large workbook needed.
fn kept(buffer: Vec<u8>) -> Vec<u8> {
    if buffer.capacity() > 4 << 20 {
        Vec::new()
    } else {
        buffer
    }
}

/// Looks at the XML of each wanted sheet. Each is inflated once, here: the
/// workbook is given back with those sheets stored uncompressed (every other
/// part copied as it is), for calamine to read without inflating them again.
/// None when it cannot be repacked; calamine then reads the file as it came.
pub(super) fn xlsx<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    want: super::SheetFilter,
) -> (Vec<Unseen>, Option<Repacked>) {
    use std::io::Write as _;
    let wanted: Vec<(String, String)> = sheet_paths(zip)
        .into_iter()
        .filter(|(name, _)| want(name))
        .collect();
    let (mut xml, mut buffer) = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
    buffer.clear();
    let mut writer = Some(zip::ZipWriter::new(std::io::Cursor::new(buffer)));
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let Some(Ok(part)) = zip.name_for_index(i).map(|n| n.map(|n| n.into_owned())) else {
            writer = None;
            continue;
        };
        let sheet = wanted.iter().find(|(_, path)| *path == part);
        xml.clear();
        // A part that cannot be inflated is copied as it is, for calamine
        // to say what is wrong with it.
        let inflated = sheet.is_some()
            && zip
                .by_index(i)
                .is_ok_and(|mut f| f.read_to_end(&mut xml).is_ok());
        if let (Some((name, _)), true) = (sheet, inflated) {
            let Skimmed {
                hides,
                formulas,
                declared,
            } = skim(&xml);
            let (rows, cols) = if hides {
                hidden_in(&xml)
            } else {
                Default::default()
            };
            out.push(Unseen {
                sheet: name.clone(),
                rows,
                cols,
                declared,
                formulas,
            });
        }
        let Some(w) = writer.as_mut() else {
            continue;
        };
        let written = if inflated {
            let stored = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .large_file(xml.len() as u64 >= u64::from(u32::MAX));
            w.start_file(part, stored)
                .and_then(|()| Ok(w.write_all(&xml)?))
        } else {
            zip.by_index_raw(i).and_then(|f| w.raw_copy_file(f))
        };
        if written.is_err() {
            writer = None;
        }
    }
    let repacked = writer
        .and_then(|w| w.finish().ok())
        .map(|c| Repacked(c.into_inner()));
    BUFFERS.with(|b| b.borrow_mut().0 = kept(xml));
    (out, repacked)
}

/// A note for each read sheet whose hidden rows or columns, or cells outside
/// its declared range, hold data.
pub(super) fn notes(unseen: &[Unseen], sheets: &[Sheet]) -> Vec<Finding> {
    let mut out = Vec::new();
    for u in unseen {
        let Some(sheet) = sheets.iter().find(|s| s.name == u.sheet) else {
            continue;
        };
        let filled = |r: usize, c: usize| {
            sheet
                .rows
                .get(r)
                .and_then(|row| row.get(c))
                .is_some_and(|v| !v.is_blank())
        };
        let rows: Vec<u32> = u
            .rows
            .iter()
            .copied()
            .filter(|r| {
                sheet
                    .rows
                    .get(*r as usize)
                    .is_some_and(|row| row.iter().any(|v| !v.is_blank()))
            })
            .collect();
        let cols: Vec<u32> = u
            .cols
            .iter()
            .copied()
            .filter(|c| (0..sheet.rows.len()).any(|r| filled(r, *c as usize)))
            .collect();
        if !rows.is_empty() || !cols.is_empty() {
            let mut said = Vec::new();
            if !rows.is_empty() {
                let rows = spans(&rows, |r| (r + 1).to_string());
                said.push(Arg::from(msg!("rows", rows = rows)));
            }
            if !cols.is_empty() {
                let columns = spans(&cols, crate::text::column_name);
                said.push(Arg::from(msg!("columns", columns = columns)));
            }
            out.push(
                Finding::new("hidden-data", Place::sheet(&sheet.name))
                    .detail(msg!("hidden-hold-data", what = Arg::And(said))),
            );
        }
        if let Some((last_row, last_col)) = u.declared {
            let outside: Vec<String> = sheet
                .rows
                .iter()
                .enumerate()
                .flat_map(|(r, row)| {
                    row.iter()
                        .enumerate()
                        .filter(move |(c, v)| {
                            !v.is_blank() && (r as u32 > last_row || *c as u32 > last_col)
                        })
                        .map(move |(c, _)| crate::text::cell_name(r as u32, c as u32))
                })
                .collect();
            if let Some(first) = outside.first() {
                let range = format!("A1:{}", crate::text::cell_name(last_row, last_col));
                out.push(
                    Finding::new("data-outside-range", Place::sheet(&sheet.name))
                        .value(first.as_str())
                        .detail(match outside.len() {
                            1 => msg!("beyond-one", range = range, first = first),
                            n => msg!("beyond-many", range = range, n = n, first = first),
                        }),
                );
            }
        }
    }
    out
}

/// `5, 9–12`: runs of consecutive numbers.
fn spans(v: &[u32], name: impl Fn(u32) -> String) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            name(v[i])
        } else {
            format!("{}–{}", name(v[i]), name(v[j]))
        });
        i = j + 1;
    }
    out.join(", ")
}

/// What a pass over a sheet's XML found.
struct Skimmed {
    /// It holds `hidden=`.
    hides: bool,
    /// It holds `<f`: formulas, maybe.
    formulas: bool,
    declared: Option<(u32, u32)>,
}

/// Whether a sheet's XML holds `hidden=` or `<f`, and the used range it
/// declares (`<dimension>` comes before the cells).
fn skim(xml: &[u8]) -> Skimmed {
    Skimmed {
        hides: memchr::memmem::find(xml, b"hidden=").is_some(),
        formulas: memchr::memmem::find(xml, b"<f").is_some(),
        declared: dimension(&xml[..xml.len().min(16 * 1024)]),
    }
}

/// The last row and column of `<dimension ref="A1:U103"/>`, 0-based.
fn dimension(xml: &[u8]) -> Option<(u32, u32)> {
    let at = memchr::memmem::find(xml, b"<dimension ref=\"")? + 16;
    let end = at + memchr::memchr(b'"', xml.get(at..)?)?;
    let range = std::str::from_utf8(&xml[at..end]).ok()?;
    let last = range.rsplit(':').next()?;
    crate::text::parse_cell_name(last)
}

fn part<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Option<Vec<u8>> {
    let mut f = zip.by_name(name).ok()?;
    // The archive's sizes were checked before any parser ran.
    let mut out = Vec::with_capacity(usize::try_from(f.size()).unwrap_or(0));
    f.read_to_end(&mut out).ok()?;
    Some(out)
}

fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// Sheet names with their parts' paths, from the workbook and its relationships.
fn sheet_paths<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Vec<(String, String)> {
    let text = |zip: &mut zip::ZipArchive<R>, name: &str| {
        part(zip, name)
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    };
    let workbook = text(zip, "xl/workbook.xml");
    let rels = text(zip, "xl/_rels/workbook.xml.rels");
    crate::ooxml::sheets_of(&workbook, &rels)
        .into_iter()
        .map(|(name, _, path)| (name, path))
        .collect()
}

/// The hidden rows and columns of a sheet's XML, 0-based.
fn hidden_in(xml: &[u8]) -> (Vec<u32>, Vec<u32>) {
    let mut rows = Vec::new();
    let mut cols = Vec::new();
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let on = |v: Option<String>| v.is_some_and(|v| v == "1" || v == "true");
    loop {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "row" if on(attr(&e, "hidden")) => {
                    if let Some(n) = attr(&e, "r").and_then(|v| v.parse::<u32>().ok()) {
                        rows.push(n.saturating_sub(1));
                    }
                }
                "col" if on(attr(&e, "hidden")) => {
                    let min = attr(&e, "min").and_then(|v| v.parse::<u32>().ok());
                    let max = attr(&e, "max").and_then(|v| v.parse::<u32>().ok());
                    if let (Some(a), Some(b)) = (min, max) {
                        // A hidden range can run to the last column: only the
                        // first thousand can hold a submission's data.
                        cols.extend((a.saturating_sub(1)..b.min(1000)).take(1000));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    (rows, cols)
}
