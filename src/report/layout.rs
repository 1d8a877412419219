//! Page layout on printpdf's drawing operations: wrapped and justified
//! paragraphs, numbered paragraphs, headings, tables that repeat their header
//! and never split a row, bar charts, the masthead, running heads, `n/N` page
//! numbers, a table of contents, bookmarks and metadata.
//!
//! printpdf neither measures nor wraps text, so widths come from the fonts'
//! own advance widths (printpdf does not kern, so they are exact).

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

/// A4, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 72.0;
const RIGHT: f32 = PAGE_W - 72.0;
const TOP: f32 = 72.0;
const BOTTOM: f32 = PAGE_H - 64.0;
/// Body paragraphs' numbers hang in this indent.
const NUMBER_INDENT: f32 = 28.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.3;

/// What the template asks to be laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Masthead(Masthead),
    /// Level 1 (`I.`), 2 (`A.`) or 3 (`1.`).
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
        numbered: bool,
        bold: bool,
    },
    /// Starts or ends the boxed summary on the first page.
    Summary(bool),
    Toc,
    Table(TableSpec),
    Chart(ChartSpec),
    PageBreak,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Masthead {
    pub organ: String,
    pub symbol: String,
    pub date: String,
    pub original: String,
    pub body: String,
    pub session: String,
    pub agenda: String,
    pub title: String,
    pub from: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableSpec {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Right-aligned columns (figures).
    pub numeric: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub title: String,
    pub labels: Vec<String>,
    pub values: Vec<f64>,
}

/// Document-level facts: metadata and the running head.
#[derive(Debug, Clone, Default)]
pub struct DocInfo {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub symbol: String,
    /// The date the document carries, used for its metadata dates.
    pub date: chrono::NaiveDate,
}

/// A font with its advance widths, and printpdf's handle to it.
pub struct Face {
    id: FontId,
    name: String,
    upem: f32,
    advances: BTreeMap<char, u16>,
}

impl Face {
    fn load(doc: &mut PdfDocument, name: &str, bytes: &[u8]) -> Result<Face, String> {
        let face = ttf_parser::Face::parse(bytes, 0).map_err(|e| format!("{name}: {e}"))?;
        let mut advances = BTreeMap::new();
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) {
                        advances
                            .entry(c)
                            .or_insert_with(|| face.glyph_hor_advance(g).unwrap_or(0));
                    }
                });
            }
        }
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| format!("{name}: printpdf cannot read the font"))?;
        let id = doc.add_font(&parsed);
        Ok(Face {
            id,
            name: name.to_string(),
            upem: face.units_per_em() as f32,
            advances,
        })
    }

    fn has(&self, c: char) -> bool {
        c.is_control() || self.advances.contains_key(&c)
    }

    /// Width of `s` at `size` points.
    fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s
            .chars()
            .map(|c| {
                self.advances
                    .get(&c)
                    .copied()
                    .unwrap_or(self.upem as u16 / 2) as u32
            })
            .sum();
        units as f32 / self.upem * size
    }
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
    /// Fonts for characters the main ones lack (Chinese, say), tried in order.
    pub fallback: Vec<Face>,
}

impl Fonts {
    /// The font that shows `c`: the main one, else the first fallback that has it.
    fn face_for(&self, bold: bool, c: char) -> Option<&Face> {
        let main = if bold { &self.bold } else { &self.regular };
        if main.has(c) {
            return Some(main);
        }
        self.fallback.iter().find(|f| f.has(c))
    }
}

/// A character the fonts cannot show, and where it was.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MissingGlyph {
    pub c: char,
    pub font: String,
    pub context: String,
}

/// The laid-out document.
pub struct Output {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub missing: Vec<MissingGlyph>,
}

/// Lays out the blocks and writes the PDF.
pub fn render(
    blocks: &[Block],
    info: &DocInfo,
    regular: &[u8],
    bold: &[u8],
) -> Result<Output, String> {
    render_with_fallback(blocks, info, regular, bold, &[])
}

/// [`render`], with fallback fonts (name, bytes) for characters the main fonts lack.
pub fn render_with_fallback(
    blocks: &[Block],
    info: &DocInfo,
    regular: &[u8],
    bold: &[u8],
    fallback: &[(String, Vec<u8>)],
) -> Result<Output, String> {
    let mut doc = PdfDocument::new(&info.title);
    let fonts = Fonts {
        regular: Face::load(&mut doc, "Noto Serif", regular)?,
        bold: Face::load(&mut doc, "Noto Serif Bold", bold)?,
        fallback: fallback
            .iter()
            .map(|(name, bytes)| Face::load(&mut doc, name, bytes))
            .collect::<Result<_, _>>()?,
    };

    // First pass: where each heading lands, with the contents left empty but
    // its length reserved; second pass: the same with the page numbers known.
    let headings = blocks
        .iter()
        .filter(|b| matches!(b, Block::Heading { .. }))
        .count();
    let mut toc: Vec<(u8, String, usize)> = Vec::new();
    let mut pass = Layout::new(&fonts, &toc, headings);
    pass.run(blocks);
    toc = pass.headings.clone();
    let mut layout = Layout::new(&fonts, &toc, headings);
    layout.run(blocks);
    let total = layout.pages.len();
    let mut pages = Vec::new();
    for (i, mut ops) in layout.pages.into_iter().enumerate() {
        furniture(&mut ops, &fonts, info, i + 1, total);
        pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
    }
    for (_, text, page) in &layout.headings {
        doc.add_bookmark(text, *page);
    }
    let date = time_of(info.date);
    doc.metadata.info.document_title = info.title.clone();
    doc.metadata.info.author = info.author.clone();
    doc.metadata.info.creator = "cstd".into();
    doc.metadata.info.producer = "cstd (printpdf)".into();
    doc.metadata.info.subject = info.subject.clone();
    doc.metadata.info.identifier = info.symbol.clone();
    doc.metadata.info.creation_date = date;
    doc.metadata.info.modification_date = date;
    doc.metadata.info.metadata_date = date;
    let pdf = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new());
    Ok(Output {
        pdf,
        pages: total,
        missing: layout.missing.into_iter().collect(),
    })
}

/// The document's date as the PDF's dates: set once by the template, so the
/// same store and template give the same bytes.
fn time_of(d: chrono::NaiveDate) -> printpdf::OffsetDateTime {
    use chrono::Datelike;
    let days = d.num_days_from_ce() as i64 - 719_163;
    match printpdf::OffsetDateTime::from_unix_timestamp(days * 86_400) {
        Ok(t) => t,
        // Only dates beyond the year 9999 fail; the epoch stands in for them.
        Err(_) => printpdf::OffsetDateTime::from_unix_timestamp(0)
            .unwrap_or_else(|_| unreachable!("the epoch is a valid time")),
    }
}

/// Running head (the symbol, from page 2) and `n/N` page number.
fn furniture(ops: &mut Vec<Op>, fonts: &Fonts, info: &DocInfo, page: usize, total: usize) {
    let size = 9.0;
    if page > 1 {
        text_at(ops, &fonts.bold, size, LEFT, TOP - 30.0, &info.symbol);
        rule(ops, LEFT, TOP - 24.0, RIGHT, 0.5);
    }
    let n = format!("{page}/{total}");
    let w = fonts.regular.width(&n, size);
    text_at(
        ops,
        &fonts.regular,
        size,
        (PAGE_W - w) / 2.0,
        BOTTOM + 30.0,
        &n,
    );
}

fn text_at(ops: &mut Vec<Op>, face: &Face, size: f32, x: f32, y_top: f32, s: &str) {
    show(
        ops,
        &face.id,
        size,
        x,
        y_top,
        vec![TextItem::Text(s.to_string())],
    );
}

/// One text section: `items` in a font and size, from `x` on the baseline
/// `baseline` points below the top of the page.
fn show(ops: &mut Vec<Op>, font: &FontId, size: f32, x: f32, baseline: f32, items: Vec<TextItem>) {
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(font.clone()),
        size: Pt(size),
    });
    ops.push(Op::SetTextCursor {
        pos: Point {
            x: Pt(x),
            y: Pt(PAGE_H - baseline),
        },
    });
    ops.push(Op::ShowText { items });
    ops.push(Op::EndTextSection);
}

fn rule(ops: &mut Vec<Op>, x1: f32, y_top: f32, x2: f32, thickness: f32) {
    ops.push(Op::SetOutlineColor {
        col: rgb(0.0, 0.0, 0.0),
    });
    stroke(ops, (x1, y_top), (x2, y_top), thickness);
}

/// A straight line from `from` to `to`, in points from the page's top left.
fn stroke(ops: &mut Vec<Op>, from: (f32, f32), to: (f32, f32), thickness: f32) {
    ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
    ops.push(Op::DrawLine {
        line: Line {
            points: vec![point(from.0, from.1), point(to.0, to.1)],
            is_closed: false,
        },
    });
}

/// A point given from the page's top left, as PDF wants it: from the bottom left.
fn point(x: f32, y_top: f32) -> LinePoint {
    LinePoint {
        p: Point {
            x: Pt(x),
            y: Pt(PAGE_H - y_top),
        },
        bezier: false,
    }
}

fn rect(ops: &mut Vec<Op>, x: f32, y_top: f32, w: f32, h: f32, col: Color) {
    ops.push(Op::SetFillColor { col });
    ops.push(Op::DrawPolygon {
        polygon: Polygon {
            rings: vec![PolygonRing {
                points: vec![
                    point(x, y_top),
                    point(x + w, y_top),
                    point(x + w, y_top + h),
                    point(x, y_top + h),
                ],
            }],
            mode: PaintMode::Fill,
            winding_order: WindingOrder::NonZero,
        },
    });
    ops.push(Op::SetFillColor {
        col: rgb(0.0, 0.0, 0.0),
    });
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the page to where the next line goes.
    y: f32,
    number: usize,
    headings: Vec<(u8, String, usize)>,
    toc: &'a [(u8, String, usize)],
    toc_entries: usize,
    missing: BTreeSet<MissingGlyph>,
    /// Inside the summary box: its top, to draw the frame at its end.
    summary_top: Option<(usize, f32)>,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts, toc: &'a [(u8, String, usize)], toc_entries: usize) -> Layout<'a> {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
            number: 0,
            headings: Vec::new(),
            toc,
            toc_entries,
            missing: BTreeSet::new(),
            summary_top: None,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn page(&self) -> usize {
        self.pages.len()
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn run(&mut self, blocks: &[Block]) {
        for (i, b) in blocks.iter().enumerate() {
            match b {
                Block::Masthead(m) => self.masthead(m),
                Block::Heading { level, text } => {
                    // Keep a heading with what follows it.
                    let next = blocks.get(i + 1);
                    let keep = match next {
                        Some(Block::Table(_)) | Some(Block::Chart(_)) => 120.0,
                        _ => 50.0,
                    };
                    self.heading(*level, text, keep)
                }
                Block::Paragraph {
                    text,
                    numbered,
                    bold,
                } => self.paragraph(text, *numbered, *bold),
                Block::Summary(start) => self.summary(*start),
                Block::Toc => self.contents(),
                Block::Table(t) => self.table(t),
                Block::Chart(c) => self.chart(c),
                Block::PageBreak => self.new_page(),
            }
        }
    }

    fn check_glyphs(&mut self, face_bold: bool, s: &str) {
        let face = if face_bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        };
        for c in s.chars() {
            if !face.has(c) && self.fonts.face_for(face_bold, c).is_none() {
                let context: String = s.chars().take(60).collect();
                self.missing.insert(MissingGlyph {
                    c,
                    font: face.name.clone(),
                    context,
                });
            }
        }
    }

    /// Splits text into lines no wider than `width`.
    fn wrap(&mut self, s: &str, bold: bool, size: f32, width: f32) -> Vec<String> {
        self.check_glyphs(bold, s);
        let face = if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        };
        let mut lines = Vec::new();
        for para in s.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if face.width(&candidate, size) <= width || line.is_empty() {
                    line = candidate;
                    // A single word wider than the line is cut where it must be.
                    while face.width(&line, size) > width && line.chars().count() > 1 {
                        let mut cut = String::new();
                        for c in line.chars() {
                            if face.width(&format!("{cut}{c}"), size) > width {
                                break;
                            }
                            cut.push(c);
                        }
                        if cut.is_empty() {
                            break;
                        }
                        let rest = line[cut.len()..].to_string();
                        lines.push(cut);
                        line = rest;
                    }
                } else {
                    lines.push(std::mem::take(&mut line));
                    line = word.to_string();
                }
            }
            lines.push(line);
        }
        lines
    }

    /// One line of text at `x`, justified to `width` when `justify` is set.
    fn line(&mut self, s: &str, bold: bool, size: f32, x: f32, width: f32, justify: bool) {
        let main = if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        };
        if !s.chars().all(|c| main.has(c)) && !self.fonts.fallback.is_empty() {
            self.runs(s, bold, size, x);
            return;
        }
        let face = main;
        let words: Vec<&str> = s.split(' ').collect();
        let items = if justify && words.len() > 1 {
            let natural = face.width(s, size);
            let extra = (width - natural).max(0.0) / (words.len() - 1) as f32;
            // TJ offsets are in thousandths of the font size, negative to the right.
            let offset = -extra * 1000.0 / size;
            let mut items = Vec::new();
            for (i, w) in words.iter().enumerate() {
                let text = if i + 1 < words.len() {
                    format!("{w} ")
                } else {
                    w.to_string()
                };
                items.push(TextItem::Text(text));
                if i + 1 < words.len() {
                    items.push(TextItem::Offset(offset));
                }
            }
            items
        } else {
            vec![TextItem::Text(s.to_string())]
        };
        let (id, baseline) = (face.id.clone(), self.y + size);
        show(self.ops(), &id, size, x, baseline, items);
    }

    /// A line that needs more than one font: each run in its own font, placed
    /// after the one before (not justified).
    fn runs(&mut self, s: &str, bold: bool, size: f32, x: f32) {
        let mut runs: Vec<(&Face, String)> = Vec::new();
        for c in s.chars() {
            let face = self.fonts.face_for(bold, c).unwrap_or(if bold {
                &self.fonts.bold
            } else {
                &self.fonts.regular
            });
            match runs.last_mut() {
                Some((f, text)) if std::ptr::eq(*f, face) => text.push(c),
                _ => runs.push((face, c.to_string())),
            }
        }
        let mut cursor = x;
        let mut ops = Vec::new();
        for (face, text) in &runs {
            show(
                &mut ops,
                &face.id,
                size,
                cursor,
                self.y + size,
                vec![TextItem::Text(text.clone())],
            );
            cursor += face.width(text, size);
        }
        self.ops().extend(ops);
    }

    fn paragraph(&mut self, text: &str, numbered: bool, bold: bool) {
        let size = BODY;
        let lh = size * LEADING;
        let (x, width) = if numbered {
            (LEFT + NUMBER_INDENT, RIGHT - LEFT - NUMBER_INDENT)
        } else {
            (
                LEFT + if self.summary_top.is_some() { 8.0 } else { 0.0 },
                RIGHT
                    - LEFT
                    - if self.summary_top.is_some() {
                        16.0
                    } else {
                        0.0
                    },
            )
        };
        let lines = self.wrap(text, bold, size, width);
        // Two lines at least together at a page foot.
        self.room(lh * lines.len().min(2) as f32);
        if numbered {
            self.number += 1;
            let n = format!("{}.", self.number);
            self.line(&n, false, size, LEFT, NUMBER_INDENT, false);
        }
        let count = lines.len();
        for (i, l) in lines.iter().enumerate() {
            self.room(lh);
            let justify = i + 1 < count;
            self.line(l, bold, size, x, width, justify);
            self.y += lh;
        }
        self.y += size * 0.6;
    }

    fn heading(&mut self, level: u8, text: &str, keep: f32) {
        let size = match level {
            1 => 14.0,
            2 => 12.0,
            _ => 10.0,
        };
        self.room(size * 2.0 + keep);
        self.y += if level == 1 { size * 0.8 } else { size * 0.4 };
        let lines = self.wrap(text, true, size, RIGHT - LEFT);
        for l in &lines {
            self.line(l, true, size, LEFT, RIGHT - LEFT, false);
            self.y += size * LEADING;
        }
        self.y += size * 0.5;
        self.headings.push((level, text.to_string(), self.page()));
    }

    fn summary(&mut self, start: bool) {
        if start {
            self.y += 6.0;
            let size = 12.0;
            self.line("Summary", true, size, LEFT + 8.0, RIGHT - LEFT, false);
            let top = self.y - 6.0;
            self.y += size * LEADING + 4.0;
            self.summary_top = Some((self.page(), top));
        } else if let Some((page, top)) = self.summary_top.take() {
            let bottom = self.y + 2.0;
            if page == self.page() {
                // The box: a rule above and below, and the two sides.
                let ops = self.ops();
                rule(ops, LEFT, top, RIGHT, 0.8);
                rule(ops, LEFT, bottom, RIGHT, 0.8);
                frame_sides(ops, top, bottom);
            }
            self.y += 12.0;
        }
    }

    fn masthead(&mut self, m: &Masthead) {
        let big = 16.0;
        self.line("United Nations", true, big, LEFT, 200.0, false);
        let w = self.fonts.bold.width(&m.symbol, 14.0);
        self.line(&m.symbol, true, 14.0, RIGHT - w, w, false);
        self.y += big * 1.4;
        self.line(&m.organ, true, 12.0, LEFT, 250.0, false);
        let right = [
            "Distr.: General".to_string(),
            m.date.clone(),
            String::new(),
            format!("Original: {}", m.original),
        ];
        let y0 = self.y;
        for (i, r) in right.iter().enumerate() {
            self.y = y0 + i as f32 * 12.0;
            self.line(r, false, BODY, RIGHT - 130.0, 130.0, false);
        }
        self.y = y0 + 4.0 * 12.0 + 4.0;
        let y = self.y;
        rule(self.ops(), LEFT, y, RIGHT, 1.5);
        self.y += 10.0;
        for (s, bold) in [(&m.body, true), (&m.session, false), (&m.agenda, false)] {
            for l in self.wrap(s, bold, BODY, 260.0) {
                self.line(&l, bold, BODY, LEFT, 260.0, false);
                self.y += BODY * LEADING;
            }
        }
        self.y += 14.0;
        for l in self.wrap(&m.title, true, 16.0, RIGHT - LEFT - 40.0) {
            self.line(&l, true, 16.0, LEFT + 20.0, RIGHT - LEFT - 40.0, false);
            self.y += 16.0 * 1.25;
        }
        self.y += 8.0;
        self.line(&m.from, true, 12.0, LEFT + 20.0, 300.0, false);
        self.y += 12.0 * LEADING + 6.0;
    }

    fn contents(&mut self) {
        self.heading_plain("Contents");
        let size = 10.0;
        if self.toc.is_empty() {
            // First pass: take the space the contents will take, line by line.
            for _ in 0..self.toc_entries {
                self.room(size * LEADING);
                self.y += size * LEADING;
            }
            self.y += 12.0;
            return;
        }
        let entries = self.toc.to_vec();
        for (level, text, page) in entries {
            self.room(size * LEADING);
            let indent = (level as f32 - 1.0) * 14.0;
            let n = page.to_string();
            let nw = self.fonts.regular.width(&n, size);
            let bold = level == 1;
            let max = RIGHT - LEFT - indent - 40.0;
            let mut shown = text.clone();
            let face = if bold {
                &self.fonts.bold
            } else {
                &self.fonts.regular
            };
            while face.width(&shown, size) > max && shown.chars().count() > 4 {
                shown.pop();
            }
            if shown.len() < text.len() {
                shown.push('…');
            }
            // Leader dots from the title to the page number.
            let tw = face.width(&shown, size);
            let dot = self.fonts.regular.width(" .", size);
            let dots = ((RIGHT - nw - 6.0 - (LEFT + indent + tw + 6.0)) / dot).max(0.0) as usize;
            self.line(&shown, bold, size, LEFT + indent, max, false);
            self.line(
                &" .".repeat(dots),
                false,
                size,
                LEFT + indent + tw + 4.0,
                1000.0,
                false,
            );
            self.line(&n, false, size, RIGHT - nw, nw, false);
            self.y += size * LEADING;
        }
        self.y += 12.0;
    }

    fn heading_plain(&mut self, text: &str) {
        self.room(40.0);
        self.y += 8.0;
        self.line(text, true, 14.0, LEFT, RIGHT - LEFT, false);
        self.y += 14.0 * LEADING + 6.0;
    }

    fn table(&mut self, t: &TableSpec) {
        let size = 8.5;
        let lh = size * 1.25;
        let pad = 3.0;
        let cols = t.header.len().max(1);
        let avail = RIGHT - LEFT;
        // Column widths: the widest content, then the widest columns shrunk until
        // the table fits; text columns wrap.
        let mut natural = vec![0f32; cols];
        let mut floor = vec![0f32; cols];
        for (c, h) in t.header.iter().enumerate() {
            let longest_word = h
                .split_whitespace()
                .map(|w| self.fonts.bold.width(w, size))
                .fold(0.0, f32::max);
            natural[c] = natural[c].max(self.fonts.bold.width(h, size).min(140.0));
            floor[c] = floor[c].max(longest_word);
        }
        for row in &t.rows {
            for (c, v) in row.iter().enumerate().take(cols) {
                natural[c] = natural[c].max(self.fonts.regular.width(v, size));
                let longest_word = v
                    .split_whitespace()
                    .map(|w| self.fonts.regular.width(w, size))
                    .fold(0.0, f32::max);
                floor[c] = floor[c].max(longest_word.min(120.0));
            }
        }
        let widths = fit_columns(
            &natural.iter().map(|w| w + 2.0 * pad).collect::<Vec<_>>(),
            &floor.iter().map(|w| w + 2.0 * pad).collect::<Vec<_>>(),
            avail,
        );
        let total: f32 = widths.iter().sum();
        let header_lines: Vec<Vec<String>> = t
            .header
            .iter()
            .enumerate()
            .map(|(c, h)| self.wrap(h, true, size, widths[c] - 2.0 * pad))
            .collect();
        let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        let rows: Vec<Vec<Vec<String>>> = t
            .rows
            .iter()
            .map(|r| {
                (0..cols)
                    .map(|c| {
                        self.wrap(
                            r.get(c).map(String::as_str).unwrap_or(""),
                            false,
                            size,
                            widths[c] - 2.0 * pad,
                        )
                    })
                    .collect()
            })
            .collect();

        // Title, kept with the header and the first row; a short table is kept whole.
        let heights: Vec<f32> = rows
            .iter()
            .map(|r| r.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad)
            .collect();
        let whole = 14.0 + header_h + heights.iter().sum::<f32>();
        let keep = if whole < (BOTTOM - TOP) / 3.0 {
            whole
        } else {
            14.0 + header_h + heights.first().copied().unwrap_or(0.0)
        };
        self.room(keep);
        if !t.title.is_empty() {
            for l in self.wrap(&t.title, true, 9.5, avail) {
                self.line(&l, true, 9.5, LEFT, avail, false);
                self.y += 9.5 * LEADING;
            }
            self.y += 2.0;
        }
        let grid = Grid {
            widths: &widths,
            numeric: &t.numeric,
            size,
            lh,
            pad,
        };
        let draw_header = |me: &mut Layout| {
            let y = me.y;
            rect(me.ops(), LEFT, y, total, header_h, rgb(0.86, 0.9, 0.95));
            me.row(&header_lines, true, &grid);
            me.y = y + header_h;
            rule(me.ops(), LEFT, y + header_h, LEFT + total, 0.6);
        };
        draw_header(self);
        for cells in &rows {
            let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
            if self.y + h > BOTTOM {
                // Never split a row: a new page, and the header again.
                self.new_page();
                draw_header(self);
            }
            let y = self.y;
            self.row(cells, false, &grid);
            self.y = y + h;
            rule(self.ops(), LEFT, y + h, LEFT + total, 0.2);
        }
        self.y += 10.0;
    }

    /// One table row's cells (each a list of lines) from the current height;
    /// figures right-aligned. Leaves `y` where it found it.
    fn row(&mut self, cells: &[Vec<String>], bold: bool, g: &Grid) {
        let y = self.y;
        let mut x = LEFT;
        for (c, lines) in cells.iter().enumerate() {
            for (i, l) in lines.iter().enumerate() {
                self.y = y + g.pad + i as f32 * g.lh;
                let face = if bold {
                    &self.fonts.bold
                } else {
                    &self.fonts.regular
                };
                let w = face.width(l, g.size);
                let tx = if g.numeric.get(c).copied().unwrap_or(false) {
                    x + g.widths[c] - g.pad - w
                } else {
                    x + g.pad
                };
                self.line(l, bold, g.size, tx, g.widths[c], false);
            }
            x += g.widths[c];
        }
        self.y = y;
    }

    fn chart(&mut self, c: &ChartSpec) {
        let size = 8.5;
        let bar_h = 9.0;
        let gap = 4.0;
        let label_w = 170.0;
        let area = RIGHT - LEFT - label_w - 30.0;
        let height = 16.0 + c.values.len() as f32 * (bar_h + gap) + 8.0;
        self.room(height.min(BOTTOM - TOP));
        if !c.title.is_empty() {
            self.line(&c.title, true, 9.5, LEFT, RIGHT - LEFT, false);
            self.y += 9.5 * LEADING + 4.0;
        }
        let max = c.values.iter().copied().fold(0.0, f64::max).max(1.0);
        for (label, v) in c.labels.iter().zip(&c.values) {
            self.room(bar_h + gap);
            let mut shown = label.clone();
            while self.fonts.regular.width(&shown, size) > label_w - 6.0
                && shown.chars().count() > 4
            {
                shown.pop();
            }
            if shown.len() < label.len() {
                shown.push('…');
            }
            self.check_glyphs(false, label);
            let y = self.y;
            self.line(&shown, false, size, LEFT, label_w, false);
            let w = (*v / max) as f32 * area;
            rect(
                self.ops(),
                LEFT + label_w,
                y,
                w.max(0.5),
                bar_h,
                rgb(0.16, 0.38, 0.62),
            );
            let value = format_number(*v);
            self.line(&value, false, size, LEFT + label_w + w + 3.0, 30.0, false);
            self.y = y + bar_h + gap;
        }
        self.y += 10.0;
    }
}

fn frame_sides(ops: &mut Vec<Op>, top: f32, bottom: f32) {
    for x in [LEFT, RIGHT] {
        stroke(ops, (x, top), (x, bottom), 0.8);
    }
}

/// Column widths that fit `avail`: columns narrower than their fair share keep
/// their natural width; the others share what is left in proportion to their
/// natural widths, never below their longest word.
fn fit_columns(natural: &[f32], floor: &[f32], avail: f32) -> Vec<f32> {
    if natural.iter().sum::<f32>() <= avail {
        return natural.to_vec();
    }
    let n = natural.len();
    // A column is settled at its natural width (it fits in its share) or at its
    // floor (its share would break its longest word); the rest share the rest.
    let mut settled: Vec<Option<f32>> = vec![None; n];
    loop {
        let taken: f32 = settled.iter().flatten().sum();
        let flex_total: f32 = (0..n)
            .filter(|&i| settled[i].is_none())
            .map(|i| natural[i])
            .sum();
        let left = (avail - taken).max(0.0);
        let share = |i: usize| left * natural[i] / flex_total.max(1.0);
        let mut changed = false;
        for i in 0..n {
            if settled[i].is_none() {
                if natural[i] <= share(i) {
                    settled[i] = Some(natural[i]);
                    changed = true;
                } else if share(i) < floor[i] {
                    settled[i] = Some(floor[i]);
                    changed = true;
                }
            }
            if changed {
                break;
            }
        }
        if !changed {
            let mut w: Vec<f32> = (0..n)
                .map(|i| settled[i].unwrap_or_else(|| share(i)))
                .collect();
            let sum: f32 = w.iter().sum();
            if sum > avail {
                // Even the floors do not fit: every column gives up the same part.
                w.iter_mut().for_each(|x| *x *= avail / sum);
            }
            return w;
        }
    }
}

/// A table's column geometry and type size.
struct Grid<'g> {
    widths: &'g [f32],
    numeric: &'g [bool],
    size: f32,
    lh: f32,
    pad: f32,
}

/// A figure as tables show it: whole numbers without decimals.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}
