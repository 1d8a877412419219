//! Fonts: the faces a report uses (Noto Serif regular, bold and italic, and
//! fallbacks for what they lack), text shaped into positioned glyphs by
//! rustybuzz (kerning, ligatures, Arabic joining), with a cache, since a
//! report repeats its words.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The fonts of a report: the three Noto Serif faces, then fallbacks in order.
pub struct FontSet {
    pub faces: Vec<(String, Vec<u8>)>,
}

/// Which of the main faces a run asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    Bold,
    Italic,
}

/// A face ready to shape: its rustybuzz face and its name.
pub struct Face<'a> {
    pub face: rustybuzz::Face<'a>,
    pub upem: f32,
}

/// A glyph, positioned.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub gid: u16,
    /// Advance in font units, as shaped (kerning included).
    pub advance: i32,
    /// The advance the font's own metrics give: what a PDF reader uses.
    pub default_advance: i32,
    /// Where shaping places it off the pen position (a mark over a letter).
    pub x_offset: i32,
    /// The text it stands for, for copying out; empty for the second glyph of a cluster.
    pub text: String,
}

/// Text shaped in one face.
#[derive(Debug)]
pub struct Shaped {
    pub face: usize,
    pub glyphs: Vec<Glyph>,
    /// Sum of the advances, in font units.
    pub advance: i32,
}

pub struct Fonts<'a> {
    pub faces: Vec<Face<'a>>,
    cache: RefCell<HashMap<(usize, bool, String), Rc<Shaped>>>,
}

impl<'a> Fonts<'a> {
    pub fn new(set: &'a FontSet) -> Result<Fonts<'a>, String> {
        let faces = set
            .faces
            .iter()
            .map(|(name, bytes)| {
                let face = rustybuzz::Face::from_slice(bytes, 0)
                    .ok_or_else(|| format!("{name}: not a font rustybuzz can read"))?;
                Ok(Face {
                    upem: face.units_per_em() as f32,
                    face,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        if faces.len() < 3 {
            return Err("a report needs its regular, bold and italic faces".into());
        }
        Ok(Fonts {
            faces,
            cache: RefCell::new(HashMap::new()),
        })
    }

    pub fn main(weight: Weight) -> usize {
        match weight {
            Weight::Regular => 0,
            Weight::Bold => 1,
            Weight::Italic => 2,
        }
    }

    /// Whether a face has a glyph for `c`; controls need none.
    pub fn has(&self, face: usize, c: char) -> bool {
        c.is_control() || self.faces[face].face.glyph_index(c).is_some()
    }

    /// The face that shows `c`: the run's own, else the first fallback that
    /// has it; None when no face has it.
    pub fn face_for(&self, weight: Weight, c: char) -> Option<usize> {
        let main = Fonts::main(weight);
        if self.has(main, c) || c.is_whitespace() {
            return Some(main);
        }
        // A bold or italic run borrows the regular face before a fallback.
        if self.has(0, c) {
            return Some(0);
        }
        (3..self.faces.len()).find(|&f| self.has(f, c))
    }

    /// Shapes `text` in face `face`, right to left when `rtl`.
    pub fn shape(&self, face: usize, rtl: bool, text: &str) -> Rc<Shaped> {
        let key = (face, rtl, text.to_string());
        if let Some(s) = self.cache.borrow().get(&key) {
            return s.clone();
        }
        let f = &self.faces[face];
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.set_direction(if rtl {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        buf.guess_segment_properties();
        let out = rustybuzz::shape(&f.face, &[], buf);
        let infos = out.glyph_infos();
        let positions = out.glyph_positions();
        // The text of each cluster: from its start to the next cluster's.
        let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        starts.sort();
        starts.dedup();
        let cluster_text = |start: usize| {
            let end = starts
                .iter()
                .find(|s| **s > start)
                .copied()
                .unwrap_or(text.len());
            text.get(start..end).unwrap_or("").to_string()
        };
        let mut seen = std::collections::HashSet::new();
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut advance = 0;
        for (i, p) in infos.iter().zip(positions) {
            let gid = i.glyph_id as u16;
            let default_advance = f
                .face
                .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
                .unwrap_or(0) as i32;
            advance += p.x_advance;
            glyphs.push(Glyph {
                gid,
                advance: p.x_advance,
                default_advance,
                x_offset: p.x_offset,
                text: if seen.insert(i.cluster) {
                    cluster_text(i.cluster as usize)
                } else {
                    String::new()
                },
            });
        }
        let shaped = Rc::new(Shaped {
            face,
            glyphs,
            advance,
        });
        self.cache.borrow_mut().insert(key, shaped.clone());
        shaped
    }

    /// Width of text in a face at `size` points (shaped).
    pub fn width(&self, face: usize, text: &str, size: f32) -> f32 {
        let s = self.shape(face, false, text);
        s.advance as f32 / self.faces[face].upem * size
    }
}
