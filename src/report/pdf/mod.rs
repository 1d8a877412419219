//! The PDF writer of the document model, on printpdf's drawing operations:
//! the masthead, the boxed summary, the contents with links, numbered
//! paragraphs and subparagraphs, headings kept with what follows, no single
//! line at the top or the foot of a page, lists, tables that repeat their
//! header and never split a row, bar charts, footnotes at the foot of their
//! page, running heads and `n/N` page numbers. Every piece of content is
//! marked for the structure tree ([`tagging`]); page furniture is marked as
//! an artifact.

mod fonts;
mod tagging;
mod text;

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{
    Codepoint, Color, DictItem, FontId, Line as PdfLine, LinePoint, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt,
    Rgb, TextItem, TextMatrix, WindingOrder,
};

pub use fonts::FontSet;
use fonts::{Fonts, Weight};
use tagging::{Kid, Link, Mark, Target, Tree};
use text::{Line, Run, Tag};

use super::document::{Block, Document, Figure, Inline, ParaStyle, Table, plain_text};

/// A4, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 72.0;
const RIGHT: f32 = PAGE_W - 72.0;
const WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 72.0;
const BOTTOM: f32 = PAGE_H - 64.0;
/// Body paragraphs' numbers hang in this indent.
const INDENT: f32 = 28.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.3;
const NOTE_SIZE: f32 = 8.0;

/// A character no font has, and where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MissingGlyph {
    pub c: char,
    pub context: String,
}

/// The PDF, and what the author should know.
pub struct Output {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub missing: Vec<MissingGlyph>,
}

/// A heading's place, for the contents, links and bookmarks.
#[derive(Debug, Clone)]
struct Placed {
    level: u8,
    text: String,
    id: String,
    page: usize,
    /// From the page's top.
    y: f32,
}

/// The fixed resource names of the faces, so that the same document gives
/// the same bytes.
fn font_id(i: usize) -> FontId {
    let names = ["NOTOSR", "NOTOSB", "NOTOSI"];
    match names.get(i) {
        Some(n) => FontId(n.to_string()),
        None => FontId(format!("FALLB{}", (b'A' + (i as u8 - 3) % 26) as char)),
    }
}

/// Lays out the document and writes the PDF.
pub fn write(doc: &Document, set: &FontSet) -> Result<Output, String> {
    let fonts = Fonts::new(set)?;
    // First pass: where each heading lands; second: the contents with the
    // page numbers known (the contents take the same room in both).
    let first = Layout::new(&fonts, doc, None).run();
    let mut layout = Layout::new(&fonts, doc, Some(first.placed.clone())).run();
    layout.finish_page();
    let total = layout.pages.len();
    let mut pages = Vec::new();
    for (i, page) in std::mem::take(&mut layout.pages).into_iter().enumerate() {
        let mut ops = page.ops;
        furniture(&mut ops, &fonts, &doc.info.symbol, i + 1, total);
        pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
    }
    let mut pdf = PdfDocument::new(&doc.info.title);
    let mut warnings = Vec::new();
    for (i, (name, bytes)) in set.faces.iter().enumerate() {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("{name}: printpdf cannot read the font"))?;
        pdf.resources
            .fonts
            .map
            .insert(font_id(i), PdfFont::new(parsed));
    }
    let date = time_of(doc.info.date);
    let info = &mut pdf.metadata.info;
    info.document_title = doc.info.title.clone();
    info.author = doc.info.author.clone();
    info.creator = "cstd".into();
    info.producer = "cstd (printpdf, lopdf)".into();
    info.subject = doc.info.subject.clone();
    info.identifier = doc.info.symbol.clone();
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    pdf.with_pages(pages);
    let lo = pdf.to_lopdf_document(&PdfSaveOptions::default(), &mut Vec::new());
    let marks: Vec<Mark> = layout
        .placed
        .iter()
        .map(|p| Mark {
            level: p.level,
            title: p.text.clone(),
            page: p.page,
            y: PAGE_H - p.y + 4.0,
        })
        .collect();
    let bytes = tagging::finish(
        lo,
        &layout.tree,
        &marks,
        &tagging::Facts {
            title: &doc.info.title,
            lang: &doc.info.lang,
        },
    )?;
    Ok(Output {
        pdf: bytes,
        pages: total,
        missing: layout.missing.into_iter().collect(),
    })
}

/// The document's date as the PDF's dates: set once by the template, so the
/// same store and template give the same bytes.
fn time_of(d: chrono::NaiveDate) -> printpdf::OffsetDateTime {
    use chrono::Datelike;
    let days = d.num_days_from_ce() as i64 - 719_163;
    printpdf::OffsetDateTime::from_unix_timestamp(days * 86_400).unwrap_or_else(|_| {
        printpdf::OffsetDateTime::from_unix_timestamp(0)
            .unwrap_or_else(|_| unreachable!("the epoch is a valid time"))
    })
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn point(x: f32, y_top: f32) -> LinePoint {
    LinePoint {
        p: Point {
            x: Pt(x),
            y: Pt(PAGE_H - y_top),
        },
        bezier: false,
    }
}

fn stroke(ops: &mut Vec<Op>, from: (f32, f32), to: (f32, f32), thickness: f32) {
    ops.push(Op::SetOutlineColor {
        col: rgb(0.0, 0.0, 0.0),
    });
    ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
    ops.push(Op::DrawLine {
        line: PdfLine {
            points: vec![point(from.0, from.1), point(to.0, to.1)],
            is_closed: false,
        },
    });
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

/// Draws a line of shaped pieces from `x` on the baseline `baseline` (from
/// the page's top), with `extra` points added at each space.
fn draw_line(ops: &mut Vec<Op>, fonts: &Fonts, line: &Line, x: f32, baseline: f32, extra: f32) {
    let mut cursor = x;
    ops.push(Op::StartTextSection);
    for p in &line.pieces {
        let face = p.shaped.face;
        let upem = fonts.faces[face].upem;
        // TJ adjustments are in thousandths of the type size: what the reader
        // advances (the font's widths, as printpdf writes them) against what
        // shaping and justification want.
        let extra_1000 = extra / p.size * 1000.0;
        let mut glyphs: Vec<Codepoint> = Vec::with_capacity(p.shaped.glyphs.len());
        for g in &p.shaped.glyphs {
            let written = (g.default_advance as f32 * 1000.0 / upem).trunc();
            let wanted = g.advance as f32 * 1000.0 / upem;
            let space = g.text == " " || g.text == "\u{a0}";
            let shift = g.x_offset as f32 * 1000.0 / upem;
            // A glyph placed off its pen position (a mark) moves there, and
            // the pen back after it.
            if shift != 0.0
                && let Some(prev) = glyphs.last_mut()
            {
                prev.offset -= shift;
            }
            let offset = written - wanted - if space { extra_1000 } else { 0.0 } + shift;
            // Readers copy a right-to-left run in drawing order, then reverse
            // it: a glyph standing for several characters (lam-alef) gives
            // them in drawing order too, so that they come out as written.
            let cid = if p.rtl && g.text.chars().count() > 1 {
                g.text.chars().rev().collect()
            } else {
                g.text.clone()
            };
            glyphs.push(Codepoint {
                gid: g.gid,
                offset,
                cid: Some(cid),
            });
        }
        for g in &mut glyphs {
            if g.offset.abs() < 0.01 {
                g.offset = 0.0;
            }
        }
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(font_id(face)),
            size: Pt(p.size),
        });
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(cursor), Pt(PAGE_H - baseline + p.rise)),
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(glyphs)],
        });
        cursor += p.width + extra * p.spaces as f32;
    }
    ops.push(Op::EndTextSection);
}

/// Running head (the symbol, from page 2) and `n/N` page number, as
/// artifacts, at the outer edge: right on odd pages, left on even ones, as
/// UN documents printed on both sides have them.
fn furniture(ops: &mut Vec<Op>, fonts: &Fonts, symbol: &str, page: usize, total: usize) {
    let outer = |width: f32| if page % 2 == 1 { RIGHT - width } else { LEFT };
    let mut missing = Vec::new();
    ops.push(Op::BeginMarkedContent {
        tag: "Artifact".into(),
    });
    if page > 1 {
        let head = text::lines(
            fonts,
            &[Run::new(symbol, Weight::Bold, 9.0)],
            WIDTH,
            false,
            &mut missing,
        );
        if let Some(l) = head.first() {
            draw_line(ops, fonts, l, outer(l.width), TOP - 26.0, 0.0);
        }
        stroke(ops, (LEFT, TOP - 22.0), (RIGHT, TOP - 22.0), 0.5);
    }
    let n = text::lines(
        fonts,
        &[Run::new(format!("{page}/{total}"), Weight::Regular, 9.0)],
        WIDTH,
        false,
        &mut missing,
    );
    if let Some(l) = n.first() {
        draw_line(ops, fonts, l, outer(l.width), BOTTOM + 30.0 + 9.0, 0.0);
    }
    ops.push(Op::EndMarkedContent);
}

#[derive(Default)]
struct Page {
    ops: Vec<Op>,
    mcid: u32,
    /// Footnotes to set at its foot: (label, runs, the note's element).
    notes: Vec<(String, Vec<Inline>, usize)>,
    /// Room the footnotes take.
    notes_height: f32,
}

struct Layout<'a> {
    fonts: &'a Fonts<'a>,
    doc: &'a Document,
    pages: Vec<Page>,
    /// Distance from the top of the page to where the next thing goes.
    y: f32,
    number: usize,
    tree: Tree,
    placed: Vec<Placed>,
    /// The headings' places from the first pass, for the contents.
    known: Option<Vec<Placed>>,
    missing: BTreeSet<MissingGlyph>,
    /// Inside the summary box: its top, to draw the frame at its end.
    summary_top: Option<(usize, f32)>,
    /// Footnotes referenced so far (their elements), by note index.
    noted: BTreeMap<usize, usize>,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts<'a>, doc: &'a Document, known: Option<Vec<Placed>>) -> Layout<'a> {
        let mut tree = Tree::default();
        tree.elems[0].lang = Some(doc.info.lang.clone());
        Layout {
            fonts,
            doc,
            pages: vec![Page::default()],
            y: TOP,
            number: 0,
            tree,
            placed: Vec::new(),
            known,
            missing: BTreeSet::new(),
            summary_top: None,
            noted: BTreeMap::new(),
        }
    }

    fn page(&self) -> usize {
        self.pages.len() - 1
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        let last = self.pages.len() - 1;
        &mut self.pages[last].ops
    }

    fn bottom(&self) -> f32 {
        BOTTOM - self.pages.last().map(|p| p.notes_height).unwrap_or(0.0)
    }

    /// Sets the current page's footnotes at its foot, then starts a new page.
    fn new_page(&mut self) {
        self.finish_page();
        self.pages.push(Page::default());
        self.y = TOP;
    }

    fn finish_page(&mut self) {
        let notes = self
            .pages
            .last_mut()
            .map(|p| std::mem::take(&mut p.notes))
            .unwrap_or_default();
        if notes.is_empty() {
            return;
        }
        let height = self.pages.last().map(|p| p.notes_height).unwrap_or(0.0);
        let mut y = BOTTOM - height + 6.0;
        self.artifact(|ops| stroke(ops, (LEFT, y - 3.0), (LEFT + 120.0, y - 3.0), 0.5));
        for (label, runs, elem) in notes {
            let lines = self.wrap(&self.note_runs(&runs, NOTE_SIZE), WIDTH - 14.0, true);
            let lh = NOTE_SIZE * 1.25;
            let mark = self.wrap(&[Run::new(label, Weight::Regular, NOTE_SIZE)], 14.0, false);
            let mcid = self.begin(elem, "Note");
            if let Some(l) = mark.first() {
                let fonts = self.fonts;
                draw_line(self.ops(), fonts, l, LEFT, y + NOTE_SIZE, 0.0);
            }
            for (i, l) in lines.iter().enumerate() {
                let extra = justify_extra(l, WIDTH - 14.0, i + 1 < lines.len());
                let fonts = self.fonts;
                draw_line(self.ops(), fonts, l, LEFT + 14.0, y + NOTE_SIZE, extra);
                y += lh;
            }
            self.end(mcid);
        }
    }

    /// Starts marked content for element `elem` (tag `tag` in the stream).
    fn begin(&mut self, elem: usize, tag: &str) -> u32 {
        let page = self.page();
        let p = self.pages.last_mut().expect("a page");
        let mcid = p.mcid;
        p.mcid += 1;
        p.ops.push(Op::BeginMarkedContentWithProperties {
            tag: tag.to_string(),
            properties: DictItem::Dict {
                map: BTreeMap::from([("MCID".to_string(), DictItem::Int(mcid as i64))]),
            },
        });
        self.tree.elems[elem].kids.push(Kid::Mcid { page, mcid });
        mcid
    }

    fn end(&mut self, _mcid: u32) {
        self.ops().push(Op::EndMarkedContent);
    }

    /// Drawing that is not content: rules, shading, furniture.
    fn artifact(&mut self, draw: impl FnOnce(&mut Vec<Op>)) {
        let ops = self.ops();
        ops.push(Op::BeginMarkedContent {
            tag: "Artifact".into(),
        });
        draw(ops);
        ops.push(Op::EndMarkedContent);
    }

    fn wrap(&mut self, runs: &[Run], width: f32, hyphenate: bool) -> Vec<Line> {
        let mut missing = Vec::new();
        let lines = text::lines(self.fonts, runs, width, hyphenate, &mut missing);
        if !missing.is_empty() {
            let context: String = runs
                .iter()
                .map(|r| r.text.as_str())
                .collect::<String>()
                .chars()
                .take(60)
                .collect();
            for c in missing {
                self.missing.insert(MissingGlyph {
                    c,
                    context: context.clone(),
                });
            }
        }
        lines
    }

    /// A note's runs in the small size.
    fn note_runs(&self, runs: &[Inline], size: f32) -> Vec<Run> {
        runs.iter()
            .filter(|r| r.note.is_none())
            .map(|r| run_of(r, size))
            .collect()
    }

    /// Draws lines for element `elem`, each in its own marked content, from
    /// `x`, justified to `width` but for the last; links and language spans
    /// get elements of their own. Leaves `y` under the last line.
    fn draw_lines(
        &mut self,
        elem: usize,
        lines: &[Line],
        x: f32,
        width: f32,
        size: f32,
        justify: bool,
    ) {
        let lh = size * LEADING;
        for (i, l) in lines.iter().enumerate() {
            let last = i + 1 == lines.len();
            let extra = if justify && l.justify && !last {
                justify_extra(l, width, true)
            } else {
                0.0
            };
            let lx = if l.rtl && (!justify || last || !l.justify) {
                x + width - l.width
            } else {
                x
            };
            self.tagged_line(elem, l, lx, self.y + size, extra);
            self.y += lh;
        }
    }

    /// One line, with its links and language spans as elements of their own.
    fn tagged_line(&mut self, elem: usize, l: &Line, x: f32, baseline: f32, extra: f32) {
        // Groups of pieces with the same tag, in order.
        let mut groups: Vec<(Tag, Line, f32)> = Vec::new();
        let mut cursor = x;
        for p in &l.pieces {
            let w = p.width + extra * p.spaces as f32;
            match groups.last_mut() {
                Some((t, g, _)) if *t == p.tag => g.pieces.push(p.clone()),
                _ => groups.push((
                    p.tag.clone(),
                    Line {
                        pieces: vec![p.clone()],
                        ..Line::default()
                    },
                    cursor,
                )),
            }
            cursor += w;
        }
        for (tag, g, gx) in groups {
            let target = match &tag {
                Tag::Plain => elem,
                Tag::Lang(lang) => {
                    let s = self.tree.add("Span", elem);
                    self.tree.elems[s].lang = Some(lang.clone());
                    s
                }
                Tag::Link(_) => self.tree.add("Link", elem),
            };
            let stream_tag = match &tag {
                Tag::Plain => self.tree.elems[elem].tag,
                Tag::Lang(_) => "Span",
                Tag::Link(_) => "Link",
            };
            let mcid = self.begin(target, stream_tag);
            let fonts = self.fonts;
            draw_line(self.ops(), fonts, &g, gx, baseline, extra);
            self.end(mcid);
            if let Tag::Link(to) = &tag {
                let w: f32 = g
                    .pieces
                    .iter()
                    .map(|p| p.width + extra * p.spaces as f32)
                    .sum();
                let size = g.pieces.iter().map(|p| p.size).fold(0.0, f32::max);
                let dest = match to.strip_prefix('#') {
                    Some(id) => self
                        .known
                        .as_ref()
                        .and_then(|k| k.iter().find(|p| p.id == id))
                        .map(|p| Target::Page(p.page, PAGE_H - p.y + 4.0)),
                    None => Some(Target::Uri(to.clone())),
                };
                if let Some(target_of) = dest {
                    let index = self.tree.links.len();
                    self.tree.links.push(Link {
                        page: self.page(),
                        rect: [
                            gx,
                            PAGE_H - baseline - 2.0,
                            gx + w,
                            PAGE_H - baseline + size,
                        ],
                        target: target_of,
                        elem: target,
                        text: g
                            .pieces
                            .iter()
                            .flat_map(|p| p.shaped.glyphs.iter().map(|g| g.text.clone()))
                            .collect(),
                    });
                    self.tree.elems[target].kids.push(Kid::Link(index));
                }
            }
        }
    }

    fn run(mut self) -> Layout<'a> {
        let doc = self.doc;
        for (i, b) in doc.blocks.iter().enumerate() {
            let next = doc.blocks.get(i + 1);
            self.block(b, next, 0);
        }
        self
    }

    fn block(&mut self, b: &Block, next: Option<&Block>, parent: usize) {
        match b {
            Block::Masthead => self.masthead(),
            Block::Summary(inner) => self.summary(inner),
            Block::Contents => self.contents(),
            Block::Heading {
                level,
                runs,
                id,
                new_page,
            } => {
                if *new_page && self.y > TOP {
                    self.new_page();
                }
                let keep = match next {
                    Some(Block::Table(_)) | Some(Block::Figure(_)) => 110.0,
                    Some(Block::Heading { .. }) => 60.0,
                    _ => BODY * LEADING * 2.0 + 6.0,
                };
                self.heading(*level, runs, id, keep)
            }
            Block::Paragraph { runs, style } => {
                // A sentence that leads into a table or a figure stays with its start.
                let keep = match next {
                    Some(Block::Table(_)) | Some(Block::Figure(_)) => 90.0,
                    _ => 0.0,
                };
                self.paragraph(runs, *style, parent, keep)
            }
            Block::List { ordered, items } => self.list(*ordered, items),
            Block::Table(t) => self.table(t),
            Block::Figure(f) => self.figure(f),
            Block::PageBreak => {
                if self.y > TOP {
                    self.new_page()
                }
            }
        }
    }

    fn inline_runs(&mut self, runs: &[Inline], size: f32, bold: bool, elem: usize) -> Vec<Run> {
        let mut out = Vec::new();
        for r in runs {
            if let Some(n) = r.note {
                // The note's number raised, and the note to set at the page's foot.
                let note = self.tree.add("Note", elem);
                self.noted.insert(n, note);
                let mut run = Run::new((n + 1).to_string(), Weight::Regular, size * 0.65);
                run.rise = size * 0.35;
                out.push(run);
                continue;
            }
            let mut run = run_of(r, size);
            if bold && run.weight == Weight::Regular {
                run.weight = Weight::Bold;
            }
            out.push(run);
        }
        out
    }

    /// Places the footnotes referenced in `runs` on the current page.
    fn place_notes(&mut self, runs: &[Inline]) {
        for r in runs {
            let Some(n) = r.note else { continue };
            let Some(&elem) = self.noted.get(&n) else {
                continue;
            };
            let text = self.doc.notes.get(n).cloned().unwrap_or_default();
            let runs = self.note_runs(&text, NOTE_SIZE);
            let lines = self.wrap(&runs, WIDTH - 14.0, true).len().max(1);
            let h = lines as f32 * NOTE_SIZE * 1.25 + 2.0;
            if let Some(p) = self.pages.last_mut() {
                if p.notes.is_empty() {
                    p.notes_height += 10.0;
                }
                p.notes_height += h;
                p.notes.push(((n + 1).to_string(), text, elem));
            }
        }
    }

    /// Height footnotes referenced in `runs` would take, not yet placed.
    fn notes_height(&mut self, runs: &[Inline]) -> f32 {
        let mut h = 0.0;
        for r in runs {
            let Some(n) = r.note else { continue };
            let text = self.doc.notes.get(n).cloned().unwrap_or_default();
            let runs = self.note_runs(&text, NOTE_SIZE);
            h += self.wrap(&runs, WIDTH - 14.0, true).len().max(1) as f32 * NOTE_SIZE * 1.25 + 12.0;
        }
        h
    }

    fn paragraph(&mut self, runs: &[Inline], style: ParaStyle, parent: usize, keep_after: f32) {
        let size = if style == ParaStyle::Note {
            NOTE_SIZE
        } else {
            BODY
        };
        let lh = size * LEADING;
        let in_summary = self.summary_top.is_some();
        let (x, width) = match style {
            ParaStyle::Numbered | ParaStyle::Conclusion => (LEFT + INDENT, WIDTH - INDENT),
            ParaStyle::Sub => (LEFT + INDENT * 2.0, WIDTH - INDENT * 2.0),
            _ if in_summary => (LEFT + 8.0, WIDTH - 16.0),
            _ => (LEFT, WIDTH),
        };
        let elem = self.tree.add("P", parent);
        let bold = style == ParaStyle::Conclusion;
        let prepared = self.inline_runs(runs, size, bold, elem);
        let lines = self.wrap(&prepared, width, true);
        let notes = self.notes_height(runs);
        // No single line at the foot of a page: two at least, or none; a
        // short paragraph leading into a table goes whole with its start.
        let need = if keep_after > 0.0 && lines.len() <= 4 {
            lh * lines.len() as f32 + notes + keep_after
        } else {
            lh * lines.len().min(2) as f32 + notes
        };
        if self.y + need > self.bottom() && self.y > TOP {
            self.new_page();
        }
        self.place_notes(runs);
        if matches!(style, ParaStyle::Numbered | ParaStyle::Conclusion) {
            self.number += 1;
            let n = self.wrap(
                &[Run::new(format!("{}.", self.number), Weight::Regular, size)],
                INDENT,
                false,
            );
            if let Some(l) = n.first() {
                let mcid = self.begin(elem, "P");
                let fonts = self.fonts;
                let y = self.y + size;
                draw_line(self.ops(), fonts, l, LEFT, y, 0.0);
                self.end(mcid);
            }
        }
        let mut start = 0;
        while start < lines.len() {
            let room = ((self.bottom() - self.y) / lh).floor().max(0.0) as usize;
            let left = lines.len() - start;
            let mut take = room.min(left);
            // No single line at the top of the next page either.
            if take < left && left - take == 1 && take > 2 {
                take -= 1;
            }
            if take == 0 {
                self.new_page();
                continue;
            }
            let chunk: Vec<Line> = lines[start..start + take].to_vec();
            let last_chunk = start + take == lines.len();
            for (i, l) in chunk.iter().enumerate() {
                let is_last = last_chunk && i + 1 == chunk.len();
                let extra = if l.justify && !is_last {
                    justify_extra(l, width, true)
                } else {
                    0.0
                };
                let lx = if l.rtl && extra == 0.0 {
                    x + width - l.width
                } else {
                    x
                };
                let baseline = self.y + size;
                self.tagged_line(elem, l, lx, baseline, extra);
                self.y += lh;
            }
            start += take;
            if start < lines.len() {
                self.new_page();
            }
        }
        self.y += size * 0.6;
    }

    fn heading(&mut self, level: u8, runs: &[Inline], id: &str, keep: f32) {
        let size = match level {
            1 => 13.0,
            2 => 11.0,
            _ => 10.0,
        };
        let tag = match level {
            1 => "H1",
            2 => "H2",
            _ => "H3",
        };
        let elem = self.tree.add(tag, 0);
        let prepared = self.inline_runs(runs, size, true, elem);
        let lines = self.wrap(&prepared, WIDTH, false);
        let h = lines.len() as f32 * size * LEADING + size;
        // Kept with what follows: never alone at the foot of a page.
        if self.y + h + keep > self.bottom() && self.y > TOP {
            self.new_page();
        }
        self.y += if level == 1 && self.y > TOP {
            size * 0.8
        } else {
            size * 0.3
        };
        self.placed.push(Placed {
            level,
            text: plain_text(runs),
            id: id.to_string(),
            page: self.page(),
            y: self.y,
        });
        self.draw_lines(elem, &lines, LEFT, WIDTH, size, false);
        self.y += size * 0.5;
    }

    fn summary(&mut self, inner: &[Block]) {
        self.y += 6.0;
        let top = self.y;
        let elem = self.tree.add("Sect", 0);
        let head = self.tree.add("P", elem);
        let lines = self.wrap(&[Run::new("Summary", Weight::Bold, 12.0)], WIDTH, false);
        self.y += 6.0;
        self.draw_lines(head, &lines, LEFT + 8.0, WIDTH, 12.0, false);
        self.y += 4.0;
        self.summary_top = Some((self.page(), top));
        for b in inner {
            self.block(b, None, elem);
        }
        if let Some((page, top)) = self.summary_top.take() {
            let bottom = self.y + 2.0;
            if page == self.page() {
                self.artifact(|ops| {
                    stroke(ops, (LEFT, top), (RIGHT, top), 0.8);
                    stroke(ops, (LEFT, bottom), (RIGHT, bottom), 0.8);
                    stroke(ops, (LEFT, top), (LEFT, bottom), 0.8);
                    stroke(ops, (RIGHT, top), (RIGHT, bottom), 0.8);
                });
            }
            self.y += 14.0;
        }
    }

    /// A line of plain text in an element of its own.
    fn text_line(
        &mut self,
        tag: &'static str,
        text: &str,
        weight: Weight,
        size: f32,
        x: f32,
        width: f32,
    ) -> usize {
        let elem = self.tree.add(tag, 0);
        let lines = self.wrap(&[Run::new(text, weight, size)], width, false);
        for l in &lines {
            let mcid = self.begin(elem, tag);
            let fonts = self.fonts;
            let y = self.y + size;
            let lx = x;
            draw_line(self.ops(), fonts, l, lx, y, 0.0);
            self.end(mcid);
            self.y += size * LEADING;
        }
        elem
    }

    fn masthead(&mut self) {
        let m = &self.doc.masthead;
        let y0 = self.y;
        self.text_line("P", "United Nations", Weight::Bold, 14.0, LEFT, 250.0);
        let sym_w = self.fonts.width(1, &m.symbol, 14.0);
        self.y = y0;
        self.text_line(
            "P",
            &m.symbol,
            Weight::Bold,
            14.0,
            RIGHT - sym_w,
            sym_w + 1.0,
        );
        self.y = y0 + 22.0;
        let y1 = self.y;
        self.text_line("P", &m.organ, Weight::Bold, 12.0, LEFT, 260.0);
        let mut yr = y1;
        for line in [
            "Distr.: General".to_string(),
            m.date.clone(),
            String::new(),
            format!("Original: {}", m.original),
        ] {
            if !line.is_empty() {
                self.y = yr;
                self.text_line("P", &line, Weight::Regular, BODY, RIGHT - 120.0, 120.0);
            }
            yr += 12.0;
        }
        self.y = yr + 4.0;
        let y = self.y;
        self.artifact(|ops| stroke(ops, (LEFT, y), (RIGHT, y), 1.5));
        self.y += 10.0;
        self.text_line("P", &m.body, Weight::Bold, BODY, LEFT, 280.0);
        self.text_line("P", &m.session, Weight::Regular, BODY, LEFT, 280.0);
        if !m.session_place.is_empty() {
            self.text_line("P", &m.session_place, Weight::Regular, BODY, LEFT, 280.0);
        }
        // The agenda item, with a footnote giving the provisional agenda's symbol.
        let item = self.tree.add("P", 0);
        let mut runs = vec![Run::new(&m.agenda_item, Weight::Regular, BODY)];
        if !m.agenda_symbol.is_empty() {
            let mut star = Run::new("*", Weight::Regular, BODY * 0.8);
            star.rise = 3.0;
            runs.push(star);
            let note = self.tree.add("Note", item);
            let h = NOTE_SIZE * 1.25 + 12.0;
            if let Some(p) = self.pages.last_mut() {
                p.notes_height += h;
                p.notes.push((
                    "*".into(),
                    vec![Inline::plain(format!("{}.", m.agenda_symbol))],
                    note,
                ));
            }
        }
        let lines = self.wrap(&runs, 280.0, false);
        self.draw_lines(item, &lines, LEFT, 280.0, BODY, false);
        if !m.agenda_title.is_empty() {
            let e = self.tree.add("P", 0);
            let lines = self.wrap(
                &[Run::new(&m.agenda_title, Weight::Bold, BODY)],
                280.0,
                false,
            );
            self.draw_lines(e, &lines, LEFT, 280.0, BODY, false);
        }
        self.y += 18.0;
        let title = self.tree.add("P", 0);
        let lines = self.wrap(
            &[Run::new(&m.title, Weight::Bold, 16.0)],
            WIDTH - 60.0,
            false,
        );
        for l in &lines {
            let mcid = self.begin(title, "P");
            let fonts = self.fonts;
            let y = self.y + 16.0;
            draw_line(self.ops(), fonts, l, LEFT + 30.0, y, 0.0);
            self.end(mcid);
            self.y += 16.0 * 1.25;
        }
        self.y += 8.0;
        self.text_line("P", &m.from, Weight::Bold, 12.0, LEFT + 30.0, WIDTH - 60.0);
        self.y += 6.0;
    }

    fn contents(&mut self) {
        let size = 10.0;
        let lh = size * LEADING;
        if self.y + 60.0 > self.bottom() {
            self.new_page();
        }
        self.y += 8.0;
        self.text_line("P", "Contents", Weight::Bold, 13.0, LEFT, WIDTH);
        self.y += 4.0;
        let toc = self.tree.add("TOC", 0);
        // The first pass reserves the room the second fills.
        let entries: Vec<Placed> = match &self.known {
            Some(k) => k.iter().filter(|p| p.level <= 2).cloned().collect(),
            None => self
                .doc
                .headings()
                .into_iter()
                .filter(|(l, _, _)| *l <= 2)
                .map(|(level, text, id)| Placed {
                    level,
                    text,
                    id,
                    page: 0,
                    y: 0.0,
                })
                .collect(),
        };
        let n_width = self.fonts.width(0, "999", size);
        for e in entries {
            let indent = (e.level as f32 - 1.0) * 16.0;
            let avail = WIDTH - indent - n_width - 24.0;
            let weight = if e.level == 1 {
                Weight::Bold
            } else {
                Weight::Regular
            };
            let mut run = Run::new(&e.text, weight, size);
            run.tag = Tag::Link(format!("#{}", e.id));
            let lines = self.wrap(&[run], avail, false);
            if self.y + lh * lines.len() as f32 > self.bottom() {
                self.new_page();
            }
            let item = self.tree.add("TOCI", toc);
            for (i, l) in lines.iter().enumerate() {
                let baseline = self.y + size;
                self.tagged_line(item, l, LEFT + indent, baseline, 0.0);
                if i + 1 == lines.len() {
                    // Leader dots, then the page number.
                    let page = (e.page + 1).to_string();
                    let pw = self.fonts.width(0, &page, size);
                    let dot = self.fonts.width(0, " .", size).max(1.0);
                    let from = LEFT + indent + l.width + 4.0;
                    let dots = ((RIGHT - pw - 6.0 - from) / dot).max(0.0) as usize;
                    let leader = self.wrap(
                        &[Run::new(" .".repeat(dots), Weight::Regular, size)],
                        2000.0,
                        false,
                    );
                    let number = self.wrap(&[Run::new(&page, Weight::Regular, size)], 100.0, false);
                    let fonts = self.fonts;
                    self.artifact(|ops| {
                        if let Some(ld) = leader.first() {
                            draw_line(ops, fonts, ld, from, baseline, 0.0);
                        }
                    });
                    if let Some(nl) = number.first() {
                        let mcid = self.begin(item, "Reference");
                        let fonts = self.fonts;
                        draw_line(self.ops(), fonts, nl, RIGHT - pw, baseline, 0.0);
                        self.end(mcid);
                    }
                }
                self.y += lh;
            }
        }
        self.y += 12.0;
    }

    fn list(&mut self, ordered: bool, items: &[Vec<Inline>]) {
        let size = BODY;
        let lh = size * LEADING;
        let list = self.tree.add("L", 0);
        let x = LEFT + INDENT;
        let width = WIDTH - INDENT - 14.0;
        for (i, item) in items.iter().enumerate() {
            let li = self.tree.add("LI", list);
            let label = self.tree.add("Lbl", li);
            let body = self.tree.add("LBody", li);
            let runs = self.inline_runs(item, size, false, body);
            let lines = self.wrap(&runs, width, true);
            let need = lh * lines.len().min(2) as f32 + self.notes_height(item);
            if self.y + need > self.bottom() && self.y > TOP {
                self.new_page();
            }
            self.place_notes(item);
            let mark = if ordered {
                format!("{}.", i + 1)
            } else {
                "•".to_string()
            };
            let ml = self.wrap(&[Run::new(mark, Weight::Regular, size)], 14.0, false);
            if let Some(l) = ml.first() {
                let mcid = self.begin(label, "Lbl");
                let fonts = self.fonts;
                let y = self.y + size;
                draw_line(self.ops(), fonts, l, x, y, 0.0);
                self.end(mcid);
            }
            for (j, l) in lines.iter().enumerate() {
                if self.y + lh > self.bottom() {
                    self.new_page();
                }
                let extra = if l.justify && j + 1 < lines.len() {
                    justify_extra(l, width, true)
                } else {
                    0.0
                };
                let baseline = self.y + size;
                self.tagged_line(body, l, x + 14.0, baseline, extra);
                self.y += lh;
            }
            self.y += 2.0;
        }
        self.y += size * 0.6;
    }

    /// A caption above a table or figure: its label, then its title in bold.
    fn caption(&mut self, parent: usize, label: &str, caption: &str) {
        let elem = self.tree.add("Caption", parent);
        let mut runs = vec![Run::new(label, Weight::Regular, 9.5)];
        if !caption.is_empty() {
            runs.push(Run::new("\n", Weight::Regular, 9.5));
            runs.push(Run::new(caption, Weight::Bold, 9.5));
        }
        let lines = self.wrap(&runs, WIDTH, false);
        self.draw_lines(elem, &lines, LEFT, WIDTH, 9.5, false);
        self.y += 2.0;
    }

    /// Notes under a table or figure, in small type.
    fn under_notes(&mut self, parent: usize, notes: &[String]) {
        for n in notes {
            let elem = self.tree.add("P", parent);
            let lines = self.wrap(&[Run::new(n, Weight::Regular, NOTE_SIZE)], WIDTH, true);
            for (i, l) in lines.iter().enumerate() {
                if self.y + NOTE_SIZE * 1.25 > self.bottom() {
                    self.new_page();
                }
                let extra = if i + 1 < lines.len() {
                    justify_extra(l, WIDTH, true)
                } else {
                    0.0
                };
                let baseline = self.y + NOTE_SIZE;
                self.tagged_line(elem, l, LEFT, baseline, extra);
                self.y += NOTE_SIZE * 1.25;
            }
        }
    }

    fn table(&mut self, t: &Table) {
        let size = 8.5;
        let lh = size * 1.25;
        let pad = 3.0;
        let cols = t.header.len().max(1);
        // Column widths: the widest content, then the widest columns shrunk
        // until the table fits; text columns wrap, never inside a word.
        let mut natural = vec![0f32; cols];
        let mut floor = vec![0f32; cols];
        let all_rows: Vec<&Vec<String>> = t.rows.iter().chain(t.total.iter()).collect();
        for (c, h) in t.header.iter().enumerate() {
            // Only a space breaks a line: a no-break space (in dates, in
            // "para. 35") holds its words together.
            let longest = h
                .split([' ', '\n'])
                .map(|w| self.fonts.width(1, w, size))
                .fold(0.0, f32::max);
            natural[c] = natural[c].max(self.fonts.width(1, h, size).min(150.0));
            floor[c] = floor[c].max(longest);
        }
        for row in &all_rows {
            for (c, v) in row.iter().enumerate().take(cols) {
                natural[c] = natural[c].max(self.fonts.width(0, v, size));
                let longest = v
                    .split([' ', '\n'])
                    .map(|w| self.fonts.width(0, w, size))
                    .fold(0.0, f32::max);
                floor[c] = floor[c].max(longest.min(140.0));
            }
        }
        let widths = super::document::fit_columns(
            &natural.iter().map(|w| w + 2.0 * pad).collect::<Vec<_>>(),
            &floor.iter().map(|w| w + 2.0 * pad).collect::<Vec<_>>(),
            WIDTH,
        );
        let total_w: f32 = widths.iter().sum();
        let cell_lines = |me: &mut Layout, v: &str, c: usize, bold: bool| -> Vec<Line> {
            let weight = if bold { Weight::Bold } else { Weight::Regular };
            me.wrap(&[Run::new(v, weight, size)], widths[c] - 2.0 * pad, false)
        };
        let header: Vec<Vec<Line>> = t
            .header
            .iter()
            .enumerate()
            .map(|(c, h)| cell_lines(self, h, c, true))
            .collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        let mut body: Vec<(Vec<Vec<Line>>, bool)> = t
            .rows
            .iter()
            .map(|r| {
                (
                    (0..cols)
                        .map(|c| {
                            cell_lines(self, r.get(c).map(String::as_str).unwrap_or(""), c, false)
                        })
                        .collect(),
                    false,
                )
            })
            .collect();
        if let Some(total) = &t.total {
            body.push((
                (0..cols)
                    .map(|c| {
                        cell_lines(
                            self,
                            total.get(c).map(String::as_str).unwrap_or(""),
                            c,
                            true,
                        )
                    })
                    .collect(),
                true,
            ));
        }
        let heights: Vec<f32> = body
            .iter()
            .map(|(r, _)| r.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad)
            .collect();
        let caption_h = 2.0 * 9.5 * LEADING + 4.0;
        // The notes stay with the last row.
        let notes_h: f32 = t
            .notes
            .iter()
            .map(|n| {
                let lines = self.wrap(&[Run::new(n, Weight::Regular, NOTE_SIZE)], WIDTH, true);
                lines.len() as f32 * NOTE_SIZE * 1.25
            })
            .sum::<f32>()
            + 3.0;
        let whole = caption_h + header_h + heights.iter().sum::<f32>() + notes_h;
        // A table of up to half a page is kept whole; a longer one keeps its
        // caption, header and first three rows together.
        let keep = if whole <= (BOTTOM - TOP) / 2.0 {
            whole
        } else {
            caption_h + header_h + heights.iter().take(3).sum::<f32>()
        };
        if self.y + keep > self.bottom() && self.y > TOP {
            self.new_page();
        }
        let table = self.tree.add("Table", 0);
        self.caption(table, &t.label, &t.caption);
        let numeric = &t.numeric;
        let draw_row = |me: &mut Layout,
                        cells: &[Vec<Line>],
                        row_elem: Option<usize>,
                        cell_tag: &'static str| {
            let y = me.y;
            let mut x = LEFT;
            for (c, lines) in cells.iter().enumerate() {
                let cell = row_elem.map(|r| me.tree.add(cell_tag, r));
                for (i, l) in lines.iter().enumerate() {
                    let tx = if numeric.get(c).copied().unwrap_or(false) {
                        x + widths[c] - pad - l.width
                    } else {
                        x + pad
                    };
                    let baseline = y + pad + i as f32 * lh + size;
                    match cell {
                        Some(e) => me.tagged_line(e, l, tx, baseline, 0.0),
                        None => {
                            let fonts = me.fonts;
                            me.artifact(|ops| draw_line(ops, fonts, l, tx, baseline, 0.0));
                        }
                    }
                }
                x += widths[c];
            }
        };
        let draw_header = |me: &mut Layout, tagged: bool| {
            let y = me.y;
            me.artifact(|ops| rect(ops, LEFT, y, total_w, header_h, rgb(0.88, 0.91, 0.95)));
            // Repeated on later pages as an artifact: read once.
            let row = tagged.then(|| me.tree.add("TR", table));
            draw_row(me, &header, row, "TH");
            me.y = y + header_h;
            me.artifact(|ops| {
                stroke(
                    ops,
                    (LEFT, y + header_h),
                    (LEFT + total_w, y + header_h),
                    0.6,
                )
            });
        };
        draw_header(self, true);
        let rows = body.len();
        for (i, ((cells, is_total), h)) in body.iter().zip(&heights).enumerate() {
            let with = if i + 1 == rows { notes_h } else { 0.0 };
            if self.y + h + with > self.bottom() {
                // Never split a row: a new page, and the header again.
                self.new_page();
                draw_header(self, false);
            }
            let y = self.y;
            if *is_total {
                self.artifact(|ops| stroke(ops, (LEFT, y), (LEFT + total_w, y), 0.6));
            }
            let row = self.tree.add("TR", table);
            draw_row(self, cells, Some(row), "TD");
            self.y = y + h;
            self.artifact(|ops| stroke(ops, (LEFT, y + h), (LEFT + total_w, y + h), 0.2));
        }
        self.y += 3.0;
        self.under_notes(table, &t.notes);
        self.y += 8.0;
    }

    fn figure(&mut self, f: &Figure) {
        let size = 8.5;
        let lh = size * 1.2;
        let bar_h = 9.0;
        let gap = 4.0;
        // Labels wrap, never cut: their column takes what the longest needs, up
        // to half the width.
        let longest = f
            .labels
            .iter()
            .map(|l| self.fonts.width(0, l, size))
            .fold(0.0, f32::max);
        let label_w = (longest + 8.0).clamp(60.0, WIDTH * 0.5);
        let value_w = 34.0;
        let area = WIDTH - label_w - value_w;
        let labels: Vec<Vec<Line>> = f
            .labels
            .iter()
            .map(|l| self.wrap(&[Run::new(l, Weight::Regular, size)], label_w - 6.0, false))
            .collect();
        let rows: Vec<f32> = labels
            .iter()
            .map(|l| (l.len() as f32 * lh).max(bar_h) + gap)
            .collect();
        let height = 2.0 * 9.5 * LEADING + 8.0 + rows.iter().sum::<f32>() + 10.0;
        if self.y + height.min(BOTTOM - TOP) > self.bottom() && self.y > TOP {
            self.new_page();
        }
        let fig = self.tree.add("Figure", 0);
        self.tree.elems[fig].alt = Some(f.alt.clone());
        self.caption(fig, &f.label, &f.caption);
        let max = f.values.iter().copied().fold(0.0, f64::max).max(1.0);
        let mcid = self.begin(fig, "Figure");
        for ((lines, v), row_h) in labels.iter().zip(&f.values).zip(&rows) {
            if self.y + row_h > self.bottom() {
                self.end(mcid);
                self.new_page();
                let _ = self.begin(fig, "Figure");
            }
            let y = self.y;
            for (i, l) in lines.iter().enumerate() {
                let fonts = self.fonts;
                draw_line(self.ops(), fonts, l, LEFT, y + i as f32 * lh + size, 0.0);
            }
            let w = (*v / max) as f32 * area;
            let bar_top = y + (row_h - gap - bar_h) / 2.0;
            rect(
                self.ops(),
                LEFT + label_w,
                bar_top,
                w.max(0.5),
                bar_h,
                rgb(0.16, 0.38, 0.62),
            );
            let value = super::style::number(*v as i64);
            let vl = self.wrap(&[Run::new(value, Weight::Regular, size)], value_w, false);
            if let Some(l) = vl.first() {
                let fonts = self.fonts;
                draw_line(
                    self.ops(),
                    fonts,
                    l,
                    LEFT + label_w + w + 3.0,
                    bar_top + size - 0.5,
                    0.0,
                );
            }
            self.y = y + row_h;
        }
        self.end(mcid);
        self.y += 3.0;
        self.under_notes(fig, &f.notes);
        self.y += 8.0;
    }
}

/// Room added at each space of a justified line; none when it would open
/// gaps wider than three spaces (a line of two long words).
fn justify_extra(l: &Line, width: f32, justify: bool) -> f32 {
    let spaces = l.spaces();
    if !justify || !l.justify || spaces == 0 {
        return 0.0;
    }
    let extra = (width - l.width).max(0.0) / spaces as f32;
    if extra > l.size * 0.9 { 0.0 } else { extra }
}

/// A document run as a text run at `size`.
fn run_of(r: &Inline, size: f32) -> Run {
    let weight = match (r.bold, r.italic) {
        (true, _) => Weight::Bold,
        (false, true) => Weight::Italic,
        _ => Weight::Regular,
    };
    let mut run = Run::new(r.text.clone(), weight, size);
    run.tag = match (&r.link, &r.lang) {
        (Some(l), _) => Tag::Link(l.clone()),
        (None, Some(lang)) => Tag::Lang(lang.clone()),
        _ => Tag::Plain,
    };
    run
}
