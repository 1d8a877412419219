//! UN editorial style, as functions the template's filters call: numbers with
//! comma separators, one to nine in words, numbers spelled out at the start
//! of a sentence, ordinals for session numbers, dates as `1 March 2027`,
//! typographic quotes, and lists joined with "and".

/// A whole number with comma separators: `8,000`, `-1,627`.
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share with one decimal where it has one: `12.5`, `40`.
pub fn share(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        number(rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// One to nine in words, 10 and above in figures with separators (the UN
/// rule for running text).
pub fn words(n: i64) -> String {
    if (0..10).contains(&n) {
        ONES[n as usize].to_string()
    } else {
        number(n)
    }
}

/// Any whole number in words, for the start of a sentence, where no figure
/// may stand: `two hundred and forty-one`.
pub fn spelled(n: i64) -> String {
    if n < 0 {
        return format!("minus {}", spelled(-n));
    }
    let n = n as u64;
    if n < 20 {
        return ONES[n as usize].to_string();
    }
    if n < 100 {
        let (t, o) = (n / 10, n % 10);
        return if o == 0 {
            TENS[t as usize].to_string()
        } else {
            format!("{}-{}", TENS[t as usize], ONES[o as usize])
        };
    }
    for (scale, name) in [
        (1_000_000_000_000u64, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
        (100, "hundred"),
    ] {
        if n >= scale {
            let (head, rest) = (n / scale, n % scale);
            let head = format!("{} {name}", spelled(head as i64));
            return match rest {
                0 => head,
                r if r < 100 => format!("{head} and {}", spelled(r as i64)),
                r => format!("{head} {}", spelled(r as i64)),
            };
        }
    }
    n.to_string()
}

/// The first letter in capitals.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// An ordinal in words: 30 -> `thirtieth`, 28 -> `twenty-eighth`.
pub fn ordinal(n: i64) -> String {
    let w = spelled(n);
    let (head, last) = match w.rfind(['-', ' ']) {
        Some(i) => (&w[..=i], &w[i + 1..]),
        None => ("", w.as_str()),
    };
    let last = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        l if l.ends_with('y') => format!("{}ieth", &l[..l.len() - 1]),
        l => format!("{l}th"),
    };
    format!("{head}{last}")
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as the UN writes it: `1 March 2027`.
pub fn date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// A date or time given as text (`2027-03-01`, `2027-03-01T09:00:00Z`) in UN
/// form; other text as it is.
pub fn date_text(s: &str) -> String {
    match s
        .get(..10)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        Some(d) => date(d),
        None => s.to_string(),
    }
}

/// Typographic quotes and apostrophes for straight ones: `"a"` -> `“a”`,
/// `it's` -> `it’s`.
pub fn smart_quotes(s: &str) -> String {
    if !s.contains(['"', '\'']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let opening = prev.is_none_or(|p| p.is_whitespace() || "([{“‘—–-/".contains(p));
        match c {
            '"' => out.push(if opening { '“' } else { '”' }),
            '\'' => out.push(if opening { '‘' } else { '’' }),
            c => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// Items joined as in running text: `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        // An item holding "and" (research and analysis) would run into the
        // last: a comma before the final "and" keeps them apart.
        [init @ .., last] if items.iter().any(|i| i.contains(" and ")) && !init.is_empty() => {
            format!("{}, and {last}", init.join(", "))
        }
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The session of the Commission held in `year`: the twenty-eighth met in 2025.
pub fn session_number(year: i64) -> i64 {
    year - 1997
}

/// Roman numerals, for chapters and figures: 7 -> `VII`.
pub fn roman(mut n: u32) -> String {
    const R: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in R {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// IDs in natural order: `A2` before `A10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, _) => return std::cmp::Ordering::Less,
            (_, None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
                let db = b.find(|c: char| !c.is_ascii_digit()).unwrap_or(b.len());
                let (na, nb) = (
                    a[..da].trim_start_matches('0'),
                    b[..db].trim_start_matches('0'),
                );
                let o = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                let o = x.to_lowercase().cmp(y.to_lowercase());
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
                a = &a[x.len_utf8()..];
                b = &b[y.len_utf8()..];
            }
        }
    }
}

/// Words of running text, as a word count counts them.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_the_un_writes_them() {
        assert_eq!(number(1627), "1,627");
        assert_eq!(number(8000), "8,000");
        assert_eq!(number(999), "999");
        assert_eq!(number(-1234567), "-1,234,567");
        assert_eq!(words(7), "seven");
        assert_eq!(words(12), "12");
        assert_eq!(words(8000), "8,000");
        assert_eq!(capitalize(&spelled(200)), "Two hundred");
        assert_eq!(spelled(1627), "one thousand six hundred and twenty-seven");
        assert_eq!(spelled(41), "forty-one");
        assert_eq!(share(12.46), "12.5");
        assert_eq!(share(40.0), "40");
    }

    #[test]
    fn sessions_dates_and_ordinals_follow_the_year() {
        assert_eq!(session_number(2025), 28);
        assert_eq!(capitalize(&ordinal(session_number(2027))), "Thirtieth");
        assert_eq!(ordinal(28), "twenty-eighth");
        assert_eq!(ordinal(21), "twenty-first");
        assert_eq!(ordinal(12), "twelfth");
        assert_eq!(date_text("2027-03-01T09:00:00Z"), "1 March 2027");
        assert_eq!(roman(7), "VII");
        assert_eq!(roman(14), "XIV");
    }

    #[test]
    fn quotes_ids_and_lists() {
        assert_eq!(
            smart_quotes("the \"WSIS Forum\" and ITU's 'index'"),
            "the “WSIS Forum” and ITU’s ‘index’"
        );
        let mut ids = vec!["A10", "A2", "A1", "B1"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["A1", "A2", "A10", "B1"]);
        assert_eq!(
            and_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(
            and_list(&["capacity-building".into(), "research and analysis".into()]),
            "capacity-building, and research and analysis"
        );
    }
}
