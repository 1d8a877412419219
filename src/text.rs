//! Small text helpers shared by the stages: matching keys, suggestions, cell names.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lowercase, accents removed, whitespace collapsed; `*` markers and a trailing
/// parenthesized hint (`Title * (required)`) dropped. Used to match labels.
pub fn fold(s: &str) -> String {
    let s = strip_hint(s);
    // Plain ASCII, the common case, needs no Unicode normalization.
    if s.is_ascii() {
        collapse(s.chars().map(|c| c.to_ascii_lowercase()), s.len())
    } else {
        let chars = s
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase);
        collapse(chars, s.len())
    }
}

/// The characters with runs of whitespace and `*` made one space, none at
/// either end.
fn collapse(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut space = false;
    for c in chars {
        if c.is_whitespace() || c == '*' {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// [`str::trim`], looking only at the first and last characters when
/// neither is white space, as in most cells: it runs on every cell.
pub fn trim(s: &str) -> &str {
    let kept = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace());
    if kept(s.chars().next()) && kept(s.chars().next_back()) {
        s
    } else {
        s.trim()
    }
}

/// Without a trailing parenthesized hint: `Title * (required)` -> `Title *`.
pub fn strip_hint(s: &str) -> &str {
    let s = s.trim();
    match s.rfind('(') {
        Some(open) if open > 0 && s.ends_with(')') => s[..open].trim_end(),
        _ => s,
    }
}

/// Only letters and digits, lowercase, accents removed: `C7 e-health`,
/// `c7.E-Health` and `C7.e-health` all become `c7ehealth`. Called for every
/// coded cell, so plain ASCII takes a path without Unicode normalization.
pub fn compact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    compact_into(s, &mut out);
    out
}

fn compact_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.extend(
            s.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase() as char),
        );
    } else {
        out.extend(
            s.nfkd()
                .filter(|c| c.is_alphanumeric() && !is_combining_mark(*c))
                .flat_map(char::to_lowercase),
        );
    }
}

/// Calls `f` with [`compact`]`(s)` held in a reused buffer: lookups run for
/// every coded cell and need the key only for a moment. `f` must not call
/// `with_compact` again.
pub fn with_compact<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUF.with(|b| {
        let mut b = b.borrow_mut();
        b.clear();
        compact_into(s, &mut b);
        f(&b)
    })
}

/// The key a sheet name or column title is matched by: [`compact`] after the
/// hint is dropped.
pub fn label_key(s: &str) -> String {
    compact(strip_hint(s))
}

/// Up to `n` distinct values whose keys are closest to `key`, best first.
pub fn closest<'a>(
    key: &str,
    candidates: impl Iterator<Item = (&'a str, &'a str)>,
    n: usize,
) -> Vec<String> {
    if key.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|(k, value)| {
            (
                strsim::jaro_winkler(key, k).max(strsim::normalized_levenshtein(key, k)),
                value,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, v) in scored {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// `A`, `B`, ..., `Z`, `AA` for a 0-based column.
pub fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        name.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// `D7` for 0-based row 6, column 3.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), row as u64 + 1)
}

/// The 0-based row and column of a cell name such as `U103` (`$U$103` too).
pub fn parse_cell_name(name: &str) -> Option<(u32, u32)> {
    let name = name.replace('$', "");
    let letters = name.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = name[..letters].bytes().try_fold(0u32, |n, b| {
        Some(n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1)
    })?;
    let row: u32 = name[letters..].parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// Shortens a value for quoting in a finding, saying that it did.
pub fn quote(value: &str) -> String {
    const MAX: usize = 80;
    let one_line: String = value
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let one_line = escape_control(&one_line).into_owned();
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX).collect();
        format!("{cut}… ({} characters)", value.chars().count())
    }
}

/// Text safe to print on a terminal: control characters (a line break in a
/// file name, an escape sequence in a cell) written as visible escapes, so
/// that no value can forge a line of output or drive the terminal.
pub fn escape_control(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c);
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Equal bytes, in a time that does not depend on where they differ: for
/// comparing secrets.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_labels() {
        assert_eq!(fold("  Action  ID * "), "action id");
        assert_eq!(
            fold("Année de référence (obligatoire)"),
            "annee de reference"
        );
        assert_eq!(compact("C7 e-Health"), "c7ehealth");
        assert_eq!(compact("Côte d’Ivoire"), "cotedivoire");
        assert_eq!(
            label_key("Année de référence * (obligatoire)"),
            "anneedereference"
        );
    }

    #[test]
    fn names_cells() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 3), "D7");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
    }

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{3000}",
            "é",
            " é ",
            "été\n",
            "\t",
            "a b",
            "\u{202f}35\u{202f}",
            "مرحبا ",
            "中文",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(escape_control("plain é"), "plain é");
        assert_eq!(escape_control("a\nb\u{1b}[2Jc\tz"), "a\\nb\\u{1b}[2Jc\\tz");
    }
}
