//! What people type into cells, read into typed values: dates in their many
//! spellings, numbers typed as text, list items, SDGs and Tunis paragraphs.

use chrono::{Datelike, NaiveDate};
use std::sync::OnceLock;

use super::Str;
use crate::text::fold;

/// Why a text is not a date.
#[derive(Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// Not a date at all, or an impossible one; with a guess where one exists.
    Invalid(Option<String>),
    /// Could be more than one date (a two-digit year, no day, or the file's
    /// other dates disagree on the order of day and month).
    Ambiguous(crate::messages::Message),
}

/// Reads a typed date: ISO (`2026-03-01`), day first (`1/3/2026`, `1.3.2026`),
/// or with the month's name in English, French or Spanish (`1 March 2026`,
/// `1er mars 2026`, `1 de marzo de 2026`, `March 1, 2026`).
pub fn parse_date(text: &str) -> Result<NaiveDate, DateProblem> {
    parse_date_in(text, Order::DayFirst)
}

/// Which of day and month comes first in dates written with figures only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    DayFirst,
    MonthFirst,
}

/// The two leading figures and the year of a date such as `03/04/2026`,
/// when it is one.
pub fn figures_of(text: &str) -> Option<(u32, u32, i32)> {
    // Runs on every text cell of a file: most are not dates, and say so in
    // their first byte or their length, before anything is split.
    // Text that starts with a visible character other than a figure is not
    // a date, however it ends.
    if text
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_graphic() && !b.is_ascii_digit())
    {
        return None;
    }
    let t = crate::text::trim(text);
    if !(6..=16).contains(&t.len()) || !t.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let mut parts = t.split(['-', '/', '.']).map(str::trim);
    let mut next = |max: usize| {
        parts
            .next()
            .filter(|n| (1..=max).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let (a, b, y) = (next(2)?, next(2)?, next(4)?);
    if y.len() != 4 || parts.next().is_some() {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?))
}

/// [`parse_date`], with dates written with figures read in `order`.
pub fn parse_date_in(text: &str, order: Order) -> Result<NaiveDate, DateProblem> {
    if order == Order::MonthFirst
        && let Some((m, d, y)) = figures_of(text)
    {
        return ymd(y, m, d).ok_or_else(|| {
            DateProblem::Invalid(ymd(y, d, m).map(|d| d.format("%Y-%m-%d").to_string()))
        });
    }
    let t = crate::text::trim(text);
    // The usual form, and the one every program writes.
    if let Some(d) = iso_date(t) {
        return Ok(d);
    }
    // A date with a time of day: keep the date.
    let t = t
        .split(['T', ' '])
        .next()
        .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-')
        .unwrap_or(t);
    // Three groups of figures, without a list made for them: dates are many.
    let mut parts = t.split(['-', '/', '.']).map(str::trim);
    let groups = [parts.next(), parts.next(), parts.next(), parts.next()];
    if let [Some(a), Some(b), Some(c), None] = groups
        && [a, b, c]
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    {
        let nums = [a, b, c];
        let n: [u32; 3] = nums.map(|x| x.parse().unwrap_or(0));
        if nums[0].len() == 4 {
            return ymd(n[0] as i32, n[1], n[2]).ok_or(DateProblem::Invalid(None));
        }
        if nums[2].len() != 4 {
            return Err(DateProblem::Ambiguous(crate::msg!("two-digit-year")));
        }
        return match ymd(n[2] as i32, n[1], n[0]) {
            Some(d) => Ok(d),
            // 12/31/2026 cannot be day first; say what it would be month first.
            None => Err(DateProblem::Invalid(
                ymd(n[2] as i32, n[0], n[1]).map(|d| d.format("%Y-%m-%d").to_string()),
            )),
        };
    }
    named_month(t)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("janvier", 1),
    ("janv", 1),
    ("enero", 1),
    ("ene", 1),
    ("february", 2),
    ("feb", 2),
    ("fevrier", 2),
    ("fevr", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("abr", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juillet", 7),
    ("juil", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("aout", 8),
    ("agosto", 8),
    ("ago", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("decembre", 12),
    ("diciembre", 12),
    ("dic", 12),
    // Russian, folded (`май` is `маи`), in the genitive of dates and alone.
    ("января", 1),
    ("январь", 1),
    ("янв", 1),
    ("февраля", 2),
    ("февраль", 2),
    ("фев", 2),
    ("марта", 3),
    ("март", 3),
    ("апреля", 4),
    ("апрель", 4),
    ("апр", 4),
    ("мая", 5),
    ("маи", 5),
    ("июня", 6),
    ("июнь", 6),
    ("июн", 6),
    ("июля", 7),
    ("июль", 7),
    ("июл", 7),
    ("августа", 8),
    ("август", 8),
    ("авг", 8),
    ("сентября", 9),
    ("сентябрь", 9),
    ("сен", 9),
    ("сент", 9),
    ("октября", 10),
    ("октябрь", 10),
    ("окт", 10),
    ("ноября", 11),
    ("ноябрь", 11),
    ("ноя", 11),
    ("нояб", 11),
    ("декабря", 12),
    ("декабрь", 12),
    ("дек", 12),
    // Arabic, folded (hamza dropped): the names of Egypt and the Maghreb,
    // and those of the Levant, which UN documents give together
    // (`آذار/مارس`). The Levant's two-word names are made one word first.
    ("يناير", 1),
    ("فبراير", 2),
    ("شباط", 2),
    ("مارس", 3),
    ("اذار", 3),
    ("ابريل", 4),
    ("نيسان", 4),
    ("مايو", 5),
    ("ايار", 5),
    ("يونيو", 6),
    // UN documents write June and July so: `حزيران/يونيه`, `تموز/يوليه`.
    ("يونيه", 6),
    ("حزيران", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("تموز", 7),
    ("اغسطس", 8),
    ("اب", 8),
    ("سبتمبر", 9),
    ("ايلول", 9),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("ديسمبر", 12),
];

/// The Levant's month names of two words, folded, as the one word of the
/// same month.
const TWO_WORD_MONTHS: &[(&str, &str)] = &[
    ("كانون الثاني", "يناير"),
    ("تشرين الاول", "اكتوبر"),
    ("تشرين الثاني", "نوفمبر"),
    ("كانون الاول", "ديسمبر"),
];

fn named_month(t: &str) -> Result<NaiveDate, DateProblem> {
    if let Some(d) = chinese_date(t) {
        return d;
    }
    let mut folded = fold(t);
    for (two, one) in TWO_WORD_MONTHS {
        if folded.contains(two) {
            folded = folded.replace(two, one);
        }
    }
    // Words that only join or close a date: `1 de marzo de 2026`,
    // `1 марта 2026 г.`.
    let joining = ["de", "del", "the", "of", "г", "года"];
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '-' || c == '/')
        .filter(|w| !w.is_empty() && !joining.contains(w))
        .collect();
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for w in &words {
        let digits = w
            .trim_end_matches("er")
            .trim_end_matches("st")
            .trim_end_matches("nd")
            .trim_end_matches("rd")
            .trim_end_matches("th");
        if let Some(&(_, m)) = MONTHS.iter().find(|(name, _)| name == w) {
            // One month named twice (`آذار/مارس`) is that month.
            if month.replace(m).is_some_and(|before| before != m) {
                return Err(DateProblem::Invalid(None));
            }
        } else if digits.chars().all(|c| c.is_ascii_digit()) && !digits.is_empty() {
            let n: u32 = digits.parse().map_err(|_| DateProblem::Invalid(None))?;
            if digits.len() == 4 {
                year = Some(n as i32);
            } else if day.is_none() && digits.len() <= 2 {
                day = Some(n);
            } else {
                return Err(DateProblem::Invalid(None));
            }
        } else if *w == "1er" || *w == "premier" {
            day = Some(1);
        } else {
            return Err(DateProblem::Invalid(None));
        }
    }
    match (day, month, year) {
        (Some(d), Some(m), Some(y)) => ymd(y, m, d).ok_or(DateProblem::Invalid(None)),
        (None, Some(_), Some(_)) => Err(DateProblem::Ambiguous(crate::msg!("no-day"))),
        (Some(_), Some(_), None) => Err(DateProblem::Ambiguous(crate::msg!("no-year"))),
        _ => Err(DateProblem::Invalid(None)),
    }
}

/// `2026年3月1日` (日 or 号 for the day), as dates are written in Chinese;
/// none when the text is not of that form.
fn chinese_date(t: &str) -> Option<Result<NaiveDate, DateProblem>> {
    let (y, rest) = t.split_once('年')?;
    let (m, d) = rest.split_once('月')?;
    let number = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (y, m) = (number(y)?, number(m)?);
    let d = d.trim().trim_end_matches(['日', '号']);
    if d.trim().is_empty() {
        return Some(Err(DateProblem::Ambiguous(crate::msg!("no-day"))));
    }
    Some(
        number(d)
            .and_then(|d| ymd(y as i32, m, d))
            .ok_or(DateProblem::Invalid(None)),
    )
}

/// A spreadsheet date serial (days since 1899-12-30) in a plausible range.
pub fn from_serial(n: f64) -> Option<NaiveDate> {
    // 1995-01-01 to 2099-12-31: a number outside is not a date anyone meant.
    if n.fract() != 0.0 || !(34700.0..=73415.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n as u64))
}

/// The fewest characters a text should have, given `min` for text in an
/// alphabet: half of it for text written mostly in Chinese characters, each
/// of which says about what two letters do, so that a sentence of 30
/// characters is not called unusually short.
pub fn shortest(text: &str, min: usize) -> usize {
    let ideographic = |c: char| matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}');
    let (mut han, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if ideographic(c) {
            han += 1;
        } else {
            other += 1;
        }
    }
    if han > other { min.div_ceil(2) } else { min }
}

/// A whole number typed as text: `12`, `12.0`, `1,200`, `1 200`.
pub fn parse_integer(text: &str) -> Option<i64> {
    // Plain figures, the common case, need no copy.
    if let Ok(n) = crate::text::trim(text).parse::<i64>() {
        return Some(n);
    }
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if let Ok(n) = t.parse::<i64>() {
        return Some(n);
    }
    // Thousands separators: 1,200 or 1.200 (groups of three after the first).
    for sep in [',', '.'] {
        let groups: Vec<&str> = t.split(sep).collect();
        if groups.len() > 1
            && groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        {
            return groups.concat().parse().ok();
        }
    }
    let f: f64 = t.replace(',', ".").parse().ok()?;
    (f.fract() == 0.0 && f.abs() < 1e15).then_some(f as i64)
}

/// A date written `YYYY-MM-DD` exactly, as JSON and its schema's `date`
/// format write it.
pub fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(
        text[..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    )
}

/// A number as a whole number, if it is one.
pub fn whole(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() < 1e15).then_some(n as i64)
}

/// A list cell's items, with what `resolve` makes of each. A semicolon, a
/// line break or a bullet separates items. A comma separates them only in a
/// cell that uses none of these, and only where every part is an item on its
/// own (`C1, C11`; never `Korea, Republic of`); free text (`commas` false)
/// never splits at commas. The flag says a cell with commas was read whole
/// because its parts are not all items.
pub fn split_list<T>(
    cell: &str,
    commas: bool,
    mut resolve: impl FnMut(&str) -> Option<T>,
) -> (Vec<(&str, Option<T>)>, bool) {
    fn clean(chunk: &str) -> &str {
        let t = crate::text::trim(chunk);
        if t.starts_with(['-', '*']) {
            t.trim_start_matches(['-', '*']).trim()
        } else {
            t
        }
    }
    if let Some(first) = separator(cell.as_bytes(), 0) {
        let (mut items, mut from, mut at) = (Vec::new(), 0, Some(first));
        loop {
            let c = clean(&cell[from..at.map_or(cell.len(), |(start, _)| start)]);
            if !c.is_empty() {
                items.push((c, resolve(c)));
            }
            let Some((start, len)) = at else {
                return (items, false);
            };
            from = start + len;
            at = separator(cell.as_bytes(), from);
        }
    }
    let whole = clean(cell);
    if whole.is_empty() {
        return (Vec::new(), false);
    }
    let read = resolve(whole);
    if read.is_some() || !commas || !whole.contains(',') {
        return (vec![(whole, read)], false);
    }
    let parts: Vec<(&str, Option<T>)> = whole
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| (p, resolve(p)))
        .collect();
    if parts.iter().all(|(_, r)| r.is_some()) {
        (parts, false)
    } else {
        (vec![(whole, None)], true)
    }
}

/// Where the next separator of list items is from `from` on, and its length
/// in bytes: `;`, a line break or a bullet. Bytes, not characters, are looked
/// at: it runs on every list cell.
fn separator(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b';' | b'\n' | b'\r' => return Some((i, 1)),
            // U+2022 BULLET
            0xE2 if b[i + 1..].starts_with(&[0x80, 0xA2]) => return Some((i, 3)),
            _ => i += 1,
        }
    }
    None
}

/// `SDG 9`, `Goal 9`, `9`, `ODD 9` -> `9`; `9.c`, `Target 9.c` -> `9.c`.
pub fn parse_sdg(text: &str) -> Option<Str> {
    if let Some(n) = small_number(text) {
        return (1..=17).contains(&n).then(|| number(n));
    }
    // Figures, dots and lower-case letters (`9.c`, `16.10`, the usual forms)
    // are their own fold: no copy is made of them. Short ASCII without hints
    // (`SDG 9`) is folded by lowering its case, on the stack.
    let trimmed = crate::text::trim(text);
    let mut lowered = [0u8; 24];
    let folded;
    let t = if trimmed
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'.')
    {
        trimmed
    } else if trimmed.len() <= lowered.len()
        && trimmed
            .bytes()
            .all(|b| b == b' ' || (b.is_ascii_graphic() && b != b'(' && b != b'*'))
    {
        for (to, b) in lowered.iter_mut().zip(trimmed.bytes()) {
            *to = b.to_ascii_lowercase();
        }
        std::str::from_utf8(&lowered[..trimmed.len()]).unwrap_or_default()
    } else {
        folded = fold(text);
        folded.as_str()
    };
    sdg_of(t)
}

/// [`parse_sdg`] of text already folded.
fn sdg_of(mut t: &str) -> Option<Str> {
    // In the six languages, folded: `可持续发展目标 9`, `ЦУР 9`, `الهدف 9`;
    // a longer word before the word it holds (`目标`).
    for prefix in [
        "sdg",
        "goal",
        "target",
        "odd",
        "ods",
        "objectif",
        "objetivo",
        "cible",
        "meta",
        "可持续发展目标",
        "目标",
        "具体目标",
        "цур",
        "цель",
        "задача",
        "هدف التنمية المستدامة",
        "الهدف",
        "هدف",
        "الغاية",
        "غاية",
        "no.",
        "#",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start_matches([' ', ':', '-']);
        }
    }
    let (goal, target) = match t.split_once('.') {
        Some((g, tg)) => (g, Some(tg)),
        None => (t, None),
    };
    let g: u32 = goal.trim().parse().ok()?;
    if !(1..=17).contains(&g) {
        return None;
    }
    match target {
        // `9.0` from a number cell means goal 9, and so does `9.`.
        None | Some("0" | "") => Some(number(g)),
        // Slots by goal and target: 1 to 99 (`16.10`), then a to z (`9.c`).
        Some(tg) if tg.len() <= 2 && tg.bytes().all(|c| c.is_ascii_digit()) => {
            static NUMBERED: [OnceLock<String>; 17 * 100] = [const { OnceLock::new() }; 17 * 100];
            // `9.01` is not a slot's form.
            let i = match tg.starts_with('0') {
                true => usize::MAX,
                false => (g as usize - 1) * 100 + tg.parse::<usize>().unwrap_or(0),
            };
            Some(made_once(&NUMBERED, i, || format!("{g}.{tg}")))
        }
        Some(tg) if tg.len() == 1 && tg.bytes().all(|c| c.is_ascii_lowercase()) => {
            static LETTERED: [OnceLock<String>; 17 * 26] = [const { OnceLock::new() }; 17 * 26];
            let i = (g as usize - 1) * 26 + (tg.as_bytes()[0] - b'a') as usize;
            Some(made_once(&LETTERED, i, || format!("{g}.{tg}")))
        }
        _ => None,
    }
}

/// `35`, `35(d)`, `35 (d)`, `para 35(d)`, `§ 35 d` -> `35` or `35(d)`.
pub fn parse_tunis(text: &str) -> Option<Str> {
    if let Some(n) = small_number(text) {
        return (1..=122).contains(&n).then(|| number(n));
    }
    // Not `fold`: it would drop the "(d)" as a hint. Text already in lower
    // case (`35(d)`, the usual form) is not copied.
    let trimmed = crate::text::trim(text);
    let lowered;
    let mut t = if trimmed
        .bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
    {
        lowered = trimmed.to_lowercase();
        lowered.as_str()
    } else {
        trimmed
    };
    for prefix in [
        "paragraphs",
        "paragraph",
        "paragraphe",
        "parrafo",
        "párrafo",
        "párr.",
        "para.",
        "para",
        "par.",
        "parr.",
        "par",
        "§",
        "p.",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start();
            break;
        }
    }
    let joined: String;
    let t = if t.contains(char::is_whitespace) {
        joined = t.chars().filter(|c| !c.is_whitespace()).collect();
        joined.as_str()
    } else {
        t
    };
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let n: u32 = t[..digits].parse().ok()?;
    if !(1..=122).contains(&n) {
        return None;
    }
    let rest = t[digits..].trim_matches(|c| c == '(' || c == ')' || c == '.');
    match rest {
        "" | "0" => Some(number(n)),
        r if r.len() == 1 && r.bytes().all(|c| c.is_ascii_lowercase()) => {
            static LETTERED: [OnceLock<String>; 122 * 26] = [const { OnceLock::new() }; 122 * 26];
            let i = (n as usize - 1) * 26 + (r.as_bytes()[0] - b'a') as usize;
            Some(made_once(&LETTERED, i, || format!("{n}({r})")))
        }
        _ => None,
    }
}

/// A cell of one to three digits, the common case of goals and paragraphs.
/// `1` to `122` (the Tunis Agenda's paragraphs, and so every SDG) as text
/// made once: most list items are such numbers.
fn number(n: u32) -> Str {
    static NUMBERS: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| (0..=122).map(|n: u32| n.to_string()).collect());
    match NUMBERS.get(n as usize) {
        Some(s) => Str::Borrowed(s),
        None => Str::Owned(n.to_string()),
    }
}

/// Text made once for the process in one of a table's slots, or each time
/// past its end: items such as `35(d)` and `9.c` recur in every file.
fn made_once<const N: usize>(
    slots: &'static [OnceLock<String>; N],
    i: usize,
    make: impl FnOnce() -> String,
) -> Str {
    match slots.get(i) {
        Some(slot) => Str::Borrowed(slot.get_or_init(make)),
        None => Str::Owned(make()),
    }
}

fn small_number(text: &str) -> Option<u32> {
    let t = crate::text::trim(text);
    (!t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

pub fn is_email(s: &str) -> bool {
    let s = crate::text::trim(s);
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
}

/// An http(s) address, or the same with the scheme missing (then suggested).
pub fn check_url(s: &str) -> Result<(), Option<String>> {
    let s = crate::text::trim(s);
    let valid_host = |rest: &str| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        host.contains('.') && !host.starts_with('.') && !rest.chars().any(char::is_whitespace)
    };
    // Case matters to none of the checks: no lower-case copy is made.
    let scheme = |p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let rest = if scheme("https://") {
        Some(&s[8..])
    } else if scheme("http://") {
        Some(&s[7..])
    } else {
        None
    };
    if let Some(rest) = rest {
        return if valid_host(rest) { Ok(()) } else { Err(None) };
    }
    if valid_host(s) && !s.contains("://") && !s.contains('@') {
        return Err(Some(format!("https://{s}")));
    }
    Err(None)
}

/// Today's year, for checks such as "reporting year up to the current year".
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_dates_people_type() {
        assert_eq!(parse_date("2026-03-01"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("1/3/2026"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("31/12/2026"), Ok(d(2026, 12, 31)));
        assert_eq!(parse_date("31.12.2026"), Ok(d(2026, 12, 31)));
        assert_eq!(parse_date("1 March 2026"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("1er mars 2026"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("1 de marzo de 2026"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("March 1, 2026"), Ok(d(2026, 3, 1)));
        assert_eq!(parse_date("2026-03-01T00:00:00"), Ok(d(2026, 3, 1)));
        assert_eq!(
            parse_date("12/31/2026"),
            Err(DateProblem::Invalid(Some("2026-12-31".into())))
        );
        assert_eq!(parse_date("31/02/2026"), Err(DateProblem::Invalid(None)));
        assert!(matches!(
            parse_date("1/3/26"),
            Err(DateProblem::Ambiguous(_))
        ));
        assert!(matches!(
            parse_date("March 2026"),
            Err(DateProblem::Ambiguous(_))
        ));
        assert!(matches!(
            parse_date("soon"),
            Err(DateProblem::Invalid(None))
        ));
    }

    #[test]
    fn reads_dates_written_in_chinese_russian_and_arabic() {
        for (text, want) in [
            ("2026年3月1日", d(2026, 3, 1)),
            ("2026 年 12 月 31 号", d(2026, 12, 31)),
            ("1 марта 2026 г.", d(2026, 3, 1)),
            ("15 мая 2026 года", d(2026, 5, 15)),
            ("1 Май 2026", d(2026, 5, 1)),
            ("30 сентября 2026", d(2026, 9, 30)),
            ("1 مارس 2026", d(2026, 3, 1)),
            ("1 آذار/مارس 2026", d(2026, 3, 1)),
            ("15 كانون الثاني/يناير 2026", d(2026, 1, 15)),
            ("2 تشرين الأول 2026", d(2026, 10, 2)),
            ("9 أبريل 2026", d(2026, 4, 9)),
            ("30 حزيران/يونيه 2026", d(2026, 6, 30)),
            ("1 تموز/يوليه 2026", d(2026, 7, 1)),
        ] {
            assert_eq!(parse_date(text), Ok(want), "{text}");
        }
        assert!(matches!(
            parse_date("2026年3月"),
            Err(DateProblem::Ambiguous(_))
        ));
        assert!(matches!(
            parse_date("2026年13月1日"),
            Err(DateProblem::Invalid(None))
        ));
        // Two months that differ are no date.
        assert!(matches!(
            parse_date("1 آذار/أبريل 2026"),
            Err(DateProblem::Invalid(None))
        ));
    }

    #[test]
    fn chinese_text_is_short_at_half_the_letters() {
        assert_eq!(shortest("A description of what was done.", 40), 40);
        assert_eq!(shortest("为发展中国家的政策制定者举办培训讲习班。", 40), 20);
        assert_eq!(shortest("ITU 与 UNDP 合作", 40), 40);
    }

    #[test]
    fn reads_numbers_typed_as_text() {
        assert_eq!(parse_integer("12"), Some(12));
        assert_eq!(parse_integer("12.0"), Some(12));
        assert_eq!(parse_integer("1,200"), Some(1200));
        assert_eq!(parse_integer("1 200"), Some(1200));
        assert_eq!(parse_integer("twelve"), None);
        assert_eq!(parse_integer("12.5"), None);
    }

    #[test]
    fn reads_sdgs_and_paragraphs() {
        for s in ["9", "SDG 9", "Goal 9", "sdg9", "ODD 9", "9.0"] {
            assert_eq!(parse_sdg(s).as_deref(), Some("9"), "{s}");
        }
        assert_eq!(parse_sdg("9.c").as_deref(), Some("9.c"));
        assert_eq!(parse_sdg("Target 16.10").as_deref(), Some("16.10"));
        assert_eq!(parse_sdg("18"), None);
        assert_eq!(parse_sdg("09.c").as_deref(), Some("9.c"));
        assert_eq!(parse_sdg("9.C").as_deref(), Some("9.c"));
        assert_eq!(parse_sdg(" 9.0 ").as_deref(), Some("9"));
        assert_eq!(parse_sdg("18.1"), None);
        assert_eq!(parse_tunis("35 (d)").as_deref(), Some("35(d)"));
        assert_eq!(parse_tunis("035(d)").as_deref(), Some("35(d)"));
        assert_eq!(parse_tunis("123(d)"), None);
        assert_eq!(parse_tunis("35(D)").as_deref(), Some("35(d)"));
        assert_eq!(parse_tunis("para 69").as_deref(), Some("69"));
        assert_eq!(parse_tunis("123"), None);
        assert_eq!(parse_sdg("9.01").as_deref(), Some("9.01"));
        assert_eq!(parse_sdg("SDG 9.").as_deref(), Some("9"));
        for (text, want) in [
            ("可持续发展目标 9", "9"),
            ("可持续发展目标9", "9"),
            ("具体目标 9.c", "9.c"),
            ("ЦУР 9", "9"),
            ("Цель 17", "17"),
            ("Задача 16.10", "16.10"),
            ("الهدف 9", "9"),
            ("هدف التنمية المستدامة 17", "17"),
        ] {
            assert_eq!(parse_sdg(text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(parse_sdg("SDG 17.z").as_deref(), Some("17.z"));
        assert_eq!(parse_tunis("Para. 122 (Z)").as_deref(), Some("122(z)"));
    }

    proptest::proptest! {
        /// Folding on the stack reads an SDG as the fold itself would.
        #[test]
        fn reads_sdgs_as_their_fold(s in "(SDG|Goal|sdg|TARGET|Odd|No\\.|#)?[ :*-]{0,3}[0-9]{1,2}(\\.[0-9a-zA-Z]{1,2})?[ ()a-z]{0,3}") {
            proptest::prop_assert_eq!(parse_sdg(&s), sdg_of(&fold(&s)), "{:?}", s);
        }
    }

    #[test]
    fn splits_lists() {
        let items = |cell: &str, commas: bool, known: &[&str]| -> (Vec<String>, bool) {
            let (v, kept) = split_list(cell, commas, |s: &str| known.contains(&s).then_some(()));
            (v.into_iter().map(|(s, _)| s.to_string()).collect(), kept)
        };
        let codes = [
            "C1",
            "C2",
            "C3",
            "Korea, Republic of",
            "Tanzania, United Republic of",
            "Korea",
            "Tanzania",
        ];
        assert_eq!(items("C1; C2\nC3", true, &codes).0, ["C1", "C2", "C3"]);
        assert_eq!(items("C1;;C2\r\n C3 ;", true, &codes).0, ["C1", "C2", "C3"]);
        assert_eq!(
            items("• C1\n• C2; - C3", true, &codes).0,
            ["C1", "C2", "C3"]
        );
        assert_eq!(items("C1 • C2", true, &codes).0, ["C1", "C2"]);
        assert_eq!(items("C1, C2", true, &codes).0, ["C1", "C2"]);
        // A comma splits only where every part is an item on its own.
        assert_eq!(
            items("C1, C9", true, &codes),
            (vec!["C1, C9".to_string()], true)
        );
        // Names that hold commas stay whole, with or without semicolons.
        assert_eq!(
            items("Korea, Republic of", true, &codes).0,
            ["Korea, Republic of"]
        );
        assert_eq!(
            items(
                "Korea, Republic of; Tanzania, United Republic of",
                true,
                &codes
            )
            .0,
            ["Korea, Republic of", "Tanzania, United Republic of"]
        );
        // A cell that uses semicolons never splits at its commas.
        assert_eq!(
            items("Ministry of Health, Kenya; ITU", false, &[]).0,
            ["Ministry of Health, Kenya", "ITU"]
        );
        assert_eq!(items("UNESCO, ITU", false, &[]).0, ["UNESCO, ITU"]);
    }

    proptest::proptest! {
        /// The byte scan splits where splitting at the separators as
        /// characters would, whatever else the cell holds (`–` and `’`
        /// share the bullet's first byte).
        #[test]
        fn splits_where_the_separators_are(cell in "([a-z ,;\r\n•–’€-]|C1){0,24}") {
            let (items, _) = split_list(&cell, false, |_| Some(()));
            let std: Vec<&str> = cell
                .split([';', '\n', '\r', '\u{2022}'])
                .map(|c| crate::text::trim(c).trim_start_matches(['-', '*']).trim())
                .filter(|c| !c.is_empty())
                .collect();
            let ours: Vec<&str> = items.iter().map(|(s, _)| *s).collect();
            proptest::prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn checks_addresses() {
        assert!(is_email("focal.point@itu.int"));
        assert!(!is_email("focal.point at itu.int"));
        assert_eq!(check_url("https://www.itu.int/wsis"), Ok(()));
        assert_eq!(
            check_url("www.itu.int"),
            Err(Some("https://www.itu.int".into()))
        );
        assert_eq!(check_url("n/a"), Err(None));
        assert_eq!(check_url("HTTPS://WWW.ITU.INT/Wsis"), Ok(()));
        assert_eq!(check_url("Http://itu"), Err(None));
        assert_eq!(check_url("https://www.itu.int/a b"), Err(None));
        assert_eq!(check_url("é"), Err(None));
    }
}
