//! Paragraphs into lines: Unicode line breaking (UAX #14), English
//! hyphenation (Knuth–Liang patterns) where a word does not fit, font
//! fallback per character, right-to-left runs shaped as such and each line
//! put in visual order (UAX #9), so that Arabic and Hebrew read correctly.

use std::rc::Rc;
use std::sync::OnceLock;

use unicode_linebreak::BreakOpportunity;

use super::fonts::{Fonts, Shaped, Weight};

/// What a run of text is, for tagging and links.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Tag {
    #[default]
    Plain,
    /// Text in another language (BCP 47).
    Lang(String),
    /// A link: `#id` inside the document, else an address.
    Link(String),
}

/// A run of text in one style.
#[derive(Debug, Clone)]
pub struct Run {
    pub text: String,
    pub weight: Weight,
    pub size: f32,
    /// Baseline shift upward (superscript note numbers).
    pub rise: f32,
    pub tag: Tag,
}

impl Run {
    pub fn new(text: impl Into<String>, weight: Weight, size: f32) -> Run {
        Run {
            text: text.into(),
            weight,
            size,
            rise: 0.0,
            tag: Tag::Plain,
        }
    }
}

/// Shaped text in one face and size.
#[derive(Debug, Clone)]
pub struct Piece {
    pub shaped: Rc<Shaped>,
    pub size: f32,
    pub rise: f32,
    pub tag: Tag,
    /// Width in points, trailing spaces included.
    pub width: f32,
    /// Width of its trailing spaces.
    pub trailing: f32,
    /// Space glyphs, trailing ones left out: where justification adds room.
    pub spaces: usize,
    pub rtl: bool,
}

/// A line: pieces in visual order.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub pieces: Vec<Piece>,
    /// Natural width, without trailing spaces.
    pub width: f32,
    /// Justified when set: not the last line, nor before a forced break.
    pub justify: bool,
    /// The paragraph reads right to left: ragged lines align right.
    pub rtl: bool,
    /// The largest type size on it.
    pub size: f32,
}

impl Line {
    /// Spaces that take the room justification adds.
    pub fn spaces(&self) -> usize {
        self.pieces.iter().map(|p| p.spaces).sum()
    }
}

/// The English hyphenation patterns, loaded once.
fn patterns() -> Option<&'static hyphenation::Standard> {
    static P: OnceLock<Option<hyphenation::Standard>> = OnceLock::new();
    P.get_or_init(|| {
        use hyphenation::Load as _;
        hyphenation::Standard::from_embedded(hyphenation::Language::EnglishUS).ok()
    })
    .as_ref()
}

fn is_rtl_char(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// A word: the text between two break opportunities, in pieces.
struct Word {
    pieces: Vec<Piece>,
    /// Ends with a forced break (a line break in the text).
    forced: bool,
    /// Its text and run, when it is one run of plain letters: it may be hyphenated.
    hyphenable: Option<(String, usize)>,
}

impl Word {
    fn width(&self) -> f32 {
        self.pieces.iter().map(|p| p.width).sum::<f32>()
            - self.pieces.last().map(|p| p.trailing).unwrap_or(0.0)
    }
}

/// Lays out runs as lines no wider than `width`; characters no font has are
/// pushed to `missing`.
pub fn lines(
    fonts: &Fonts,
    runs: &[Run],
    width: f32,
    hyphenate: bool,
    missing: &mut Vec<char>,
) -> Vec<Line> {
    let mut full = String::new();
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        let start = full.len();
        full.push_str(&r.text);
        spans.push((start, full.len(), i));
    }
    if full.is_empty() {
        return Vec::new();
    }
    let bidi = full
        .chars()
        .any(is_rtl_char)
        .then(|| unicode_bidi::BidiInfo::new(&full, None));
    let base_rtl = bidi
        .as_ref()
        .and_then(|b| b.paragraphs.first().map(|p| p.level.is_rtl()))
        .unwrap_or(false);
    let rtl_at = |i: usize| bidi.as_ref().is_some_and(|b| b.levels[i].is_rtl());

    let mut words: Vec<Word> = Vec::new();
    let mut prev = 0;
    for (pos, kind) in unicode_linebreak::linebreaks(&full) {
        let text = &full[prev..pos];
        let forced = kind == BreakOpportunity::Mandatory && pos < full.len();
        words.push(word(
            fonts, runs, &spans, prev, text, forced, &rtl_at, missing,
        ));
        prev = pos;
    }

    let mut lines = Vec::new();
    let mut line = Line {
        rtl: base_rtl,
        ..Line::default()
    };
    let mut queue: std::collections::VecDeque<Word> = words.into();
    // Lines in a row that end in a hyphen: never more than two.
    let mut hyphens = 0;
    while let Some(w) = queue.pop_front() {
        let natural = line_width(&line);
        let ww = w.width();
        if line.pieces.is_empty() || natural + ww <= width + 0.01 {
            if line.pieces.is_empty() && ww > width + 0.01 {
                // Too wide for any line: hyphenated, else cut where it must be.
                if let Some((head, tail)) = split_word(fonts, runs, &w, width, hyphenate, true) {
                    push(&mut line, head);
                    finish(&mut lines, &mut line, true, base_rtl);
                    hyphens += 1;
                    queue.push_front(tail);
                    continue;
                }
            }
            let forced = w.forced;
            push(&mut line, w);
            if forced {
                finish(&mut lines, &mut line, false, base_rtl);
                hyphens = 0;
            }
            continue;
        }
        if hyphenate
            && hyphens < 2
            && let Some((head, tail)) = split_word(fonts, runs, &w, width - natural, true, false)
        {
            push(&mut line, head);
            finish(&mut lines, &mut line, true, base_rtl);
            hyphens += 1;
            queue.push_front(tail);
            continue;
        }
        finish(&mut lines, &mut line, true, base_rtl);
        hyphens = 0;
        queue.push_front(w);
    }
    if !line.pieces.is_empty() {
        finish(&mut lines, &mut line, false, base_rtl);
    }
    lines
}

fn line_width(line: &Line) -> f32 {
    line.pieces.iter().map(|p| p.width).sum()
}

fn push(line: &mut Line, w: Word) {
    line.pieces.extend(w.pieces);
}

/// Closes a line: its natural width, its visual order.
fn finish(lines: &mut Vec<Line>, line: &mut Line, justify: bool, rtl: bool) {
    let mut done = std::mem::replace(
        line,
        Line {
            rtl,
            ..Line::default()
        },
    );
    // Trailing spaces neither count nor stretch.
    if let Some(last) = done.pieces.last_mut() {
        let trailing_spaces = last
            .shaped
            .glyphs
            .iter()
            .rev()
            .take_while(|g| g.text.chars().all(char::is_whitespace) && !g.text.is_empty())
            .count();
        last.spaces = last.spaces.saturating_sub(trailing_spaces);
    }
    done.width = done.pieces.iter().map(|p| p.width).sum::<f32>()
        - done.pieces.last().map(|p| p.trailing).unwrap_or(0.0);
    done.justify = justify;
    done.size = done.pieces.iter().map(|p| p.size).fold(0.0, f32::max);
    if done.pieces.iter().any(|p| p.rtl) || rtl {
        let levels: Vec<unicode_bidi::Level> = done
            .pieces
            .iter()
            .map(|p| {
                if p.rtl {
                    unicode_bidi::Level::rtl()
                } else if rtl {
                    // Left-to-right text in a right-to-left paragraph.
                    unicode_bidi::Level::new(2).unwrap_or(unicode_bidi::Level::ltr())
                } else {
                    unicode_bidi::Level::ltr()
                }
            })
            .collect();
        let order = unicode_bidi::BidiInfo::reorder_visual(&levels);
        let pieces = std::mem::take(&mut done.pieces);
        done.pieces = order.into_iter().map(|i| pieces[i].clone()).collect();
    }
    lines.push(done);
}

/// A word's pieces: split where the run, the face or the direction changes.
#[allow(clippy::too_many_arguments)]
fn word(
    fonts: &Fonts,
    runs: &[Run],
    spans: &[(usize, usize, usize)],
    offset: usize,
    text: &str,
    forced: bool,
    rtl_at: &dyn Fn(usize) -> bool,
    missing: &mut Vec<char>,
) -> Word {
    let mut pieces = Vec::new();
    let mut current: Option<(usize, usize, bool, String)> = None; // (run, face, rtl, text)
    let flush = |cur: Option<(usize, usize, bool, String)>, pieces: &mut Vec<Piece>| {
        if let Some((run, face, rtl, t)) = cur
            && !t.is_empty()
        {
            pieces.push(piece(fonts, &runs[run], face, rtl, &t));
        }
    };
    for (i, c) in text.char_indices() {
        if c == '\n' || c == '\r' {
            continue;
        }
        let at = offset + i;
        let run = spans
            .iter()
            .find(|(s, e, _)| *s <= at && at < *e)
            .map(|s| s.2)
            .unwrap_or(0);
        let face = match fonts.face_for(runs[run].weight, c) {
            Some(f) => f,
            None => {
                missing.push(c);
                Fonts::main(runs[run].weight)
            }
        };
        let rtl = rtl_at(at);
        match &mut current {
            Some((r, f, d, t))
                if *r == run
                    && (*f == face || c.is_whitespace())
                    && (*d == rtl || c.is_whitespace()) =>
            {
                t.push(c)
            }
            _ => {
                flush(current.take(), &mut pieces);
                current = Some((run, face, rtl, c.to_string()));
            }
        }
    }
    flush(current, &mut pieces);
    let core = text.trim_end();
    let hyphenable = (pieces.len() == 1
        && !pieces[0].rtl
        && runs
            .iter()
            .zip(spans)
            .find(|(_, (s, e, _))| *s <= offset && offset < *e)
            // English patterns for English text only.
            .is_some_and(|(r, _)| !matches!(r.tag, Tag::Lang(_)))
        && core.chars().count() >= 6
        && core.chars().filter(|c| c.is_alphabetic()).count() >= 5
        // Names and acronyms (Geneva, ESCAP, ROAM-X) are never hyphenated.
        && !core.chars().any(char::is_uppercase))
    .then(|| {
        let run = spans
            .iter()
            .find(|(s, e, _)| *s <= offset && offset < *e)
            .map(|s| s.2)
            .unwrap_or(0);
        (text.to_string(), run)
    });
    Word {
        pieces,
        forced,
        hyphenable,
    }
}

/// Shapes text of a run in a face.
fn piece(fonts: &Fonts, run: &Run, face: usize, rtl: bool, text: &str) -> Piece {
    let shaped = fonts.shape(face, rtl, text);
    let upem = fonts.faces[face].upem;
    let scale = run.size / upem;
    let spaces = shaped
        .glyphs
        .iter()
        .filter(|g| g.text == " " || g.text == "\u{a0}")
        .count();
    let trailing: i32 = shaped
        .glyphs
        .iter()
        .rev()
        .take_while(|g| !g.text.is_empty() && g.text.chars().all(char::is_whitespace))
        .map(|g| g.advance)
        .sum();
    Piece {
        width: shaped.advance as f32 * scale,
        trailing: trailing as f32 * scale,
        shaped,
        size: run.size,
        rise: run.rise,
        tag: run.tag.clone(),
        spaces,
        rtl,
    }
}

/// Splits a word that does not fit into `room`: at the last hyphenation
/// point whose part and a hyphen fit; with `force`, at the last character
/// that fits when no such point does.
fn split_word(
    fonts: &Fonts,
    runs: &[Run],
    w: &Word,
    room: f32,
    hyphenate: bool,
    force: bool,
) -> Option<(Word, Word)> {
    let make = |text: &str, run: usize| one_run_word(fonts, runs, run, text);
    let one_run = |w: &Word| {
        let t: String = w
            .pieces
            .iter()
            .flat_map(|p| p.shaped.glyphs.iter().map(|g| g.text.clone()))
            .collect();
        t
    };
    if hyphenate && let Some((text, run)) = &w.hyphenable {
        let r = &runs[*run];
        let core_end = text.trim_end().len();
        let letters_start = text.find(char::is_alphabetic).unwrap_or(0);
        let letters_end = text[..core_end]
            .rfind(char::is_alphabetic)
            .map(|i| i + text[i..].chars().next().map(char::len_utf8).unwrap_or(1))
            .unwrap_or(core_end);
        let core = &text[letters_start..letters_end];
        if let Some(p) = patterns() {
            use hyphenation::Hyphenator as _;
            let breaks = p.hyphenate(&core.to_lowercase()).breaks;
            for b in breaks.into_iter().rev() {
                let at = letters_start + b;
                if !text.is_char_boundary(at) {
                    continue;
                }
                let head_text = format!("{}-", &text[..at]);
                let face = Fonts::main(r.weight);
                if fonts.width(face, &head_text, r.size) <= room {
                    let head = make(&head_text, *run);
                    let tail = Word {
                        forced: w.forced,
                        ..make(&text[at..], *run)
                    };
                    return Some((head, tail));
                }
            }
        }
    }
    if !force {
        return None;
    }
    // Cut by characters: the longest start that fits, one character at least.
    let text = one_run(w);
    let run = w.hyphenable.as_ref().map(|h| h.1).unwrap_or(0);
    let face = Fonts::main(runs.get(run).map(|r| r.weight).unwrap_or(Weight::Regular));
    let size = runs.get(run).map(|r| r.size).unwrap_or(10.0);
    let mut cut = 0;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if fonts.width(face, &text[..end], size) > room && cut > 0 {
            break;
        }
        cut = end;
    }
    if cut == 0 || cut >= text.len() {
        return None;
    }
    let head = Word {
        pieces: w_pieces_of(fonts, runs, run, &text[..cut]),
        forced: false,
        hyphenable: None,
    };
    let tail = Word {
        pieces: w_pieces_of(fonts, runs, run, &text[cut..]),
        forced: w.forced,
        hyphenable: None,
    };
    Some((head, tail))
}

/// A piece of one run's text laid out as a word of its own (a hyphenated
/// word's head or tail).
fn one_run_word(fonts: &Fonts, runs: &[Run], run: usize, text: &str) -> Word {
    let mut missing = Vec::new();
    let spans = [(0, text.len(), run)];
    word(
        fonts,
        runs,
        &spans,
        0,
        text,
        false,
        &|_| false,
        &mut missing,
    )
}

fn w_pieces_of(fonts: &Fonts, runs: &[Run], run: usize, text: &str) -> Vec<Piece> {
    one_run_word(fonts, runs, run, text).pieces
}
