//! The pages, rendered on the server with minijinja (every value escaped),
//! in the six languages of the messages catalogue (Arabic right to left). Scripting only
//! improves them (dropping a file, a busy button); they work without it.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::{Environment, context};
use serde::Serialize;
use serde_json::Value;

use crate::findings::{Counts, Severity, catalogue, kind};
use crate::messages::{LANGUAGES, word};
use crate::msg;
use crate::validate::rows::RowView;

pub const STYLE: &str = include_str!("page/style.css");
pub const SCRIPT: &str = include_str!("page/app.js");

/// Why a check gave no report.
#[derive(Debug, Clone)]
pub enum Problem {
    NoFile,
    /// The upload is over the limit, in bytes.
    TooLarge(u64),
    TooMany,
    /// All checkers are busy: retry in so many seconds.
    Busy(u64),
    /// The check stopped (limits reached, or the reader failed).
    Stopped,
    Internal,
    NotFound,
    /// A sending link not in force.
    LinkUnknown,
    /// A file sent that stopped the check: kept, not sent on.
    KeptUnchecked,
    /// A link has sent as many files as it may.
    InboxFull,
}

/// The page's language: `?lang=`, else the browser's first of ours, else English.
pub fn language(asked: Option<&str>, headers: &HeaderMap) -> &'static str {
    if let Some(l) = asked.and_then(|a| LANGUAGES.iter().find(|l| a.eq_ignore_ascii_case(l))) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // `fr-CH, fr;q=0.9, en;q=0.8`: by weight, then order.
    let mut offers: Vec<(f32, usize, &str)> = accept
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.trim().split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((q, i, tag))
        })
        .collect();
    offers.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    offers
        .iter()
        .filter(|(q, ..)| *q > 0.0)
        .find_map(|(_, _, tag)| {
            let primary = tag.split('-').next().unwrap_or("");
            LANGUAGES.iter().find(|l| primary.eq_ignore_ascii_case(l))
        })
        .copied()
        .unwrap_or("en")
}

pub fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A file name fit for a `Content-Disposition` header: no quote, slash or
/// control character.
pub fn safe_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn environment() -> &'static Environment<'static> {
    static ENV: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // The names end in .html: minijinja escapes every value.
        for (name, text) in [
            ("base.html", include_str!("page/base.html")),
            ("form.html", include_str!("page/form.html")),
            ("result.html", include_str!("page/result.html")),
            ("problem.html", include_str!("page/problem.html")),
            ("send.html", include_str!("page/send.html")),
            ("upload.html", include_str!("page/upload.html")),
            ("receipt.html", include_str!("page/receipt.html")),
            ("login.html", include_str!("page/login.html")),
            ("secretariat.html", include_str!("page/secretariat.html")),
        ] {
            env.add_template(name, text)
                .expect("the bundled page templates are valid");
        }
        env
    })
}

pub(super) fn render(name: &str, ctx: minijinja::Value) -> String {
    environment()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| format!("<!doctype html><p>{}</p>", escape(&e.to_string())))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The words every page uses, in `lang`.
fn common(lang: &str, path: &str) -> minijinja::Value {
    common_with(
        lang,
        path,
        &format!("/check?lang={lang}"),
        &format!("/?lang={lang}"),
    )
}

/// The words every page uses, for a page whose form posts to `action` and
/// whose home is `home` (an organization's link).
fn common_with(lang: &str, path: &str, action: &str, home: &str) -> minijinja::Value {
    let switch: Vec<_> = LANGUAGES
        .iter()
        .map(|l| {
            context! {
                code => l,
                // Each language by its own name.
                name => match *l {
                    "fr" => word("language-fr", l),
                    "es" => word("language-es", l),
                    "ar" => word("language-ar", l),
                    "zh" => word("language-zh", l),
                    "ru" => word("language-ru", l),
                    _ => word("language-en", l),
                },
                href => format!("{path}?lang={l}"),
                current => *l == lang,
            }
        })
        .collect();
    context! {
        lang => lang,
        dir => if crate::messages::right_to_left(lang) { "rtl" } else { "ltr" },
        switch => switch,
        title => word("web-title", lang),
        languages => word("web-languages", lang),
        template => word("web-template", lang),
        template_href => format!("/template?lang={lang}"),
        home_href => home,
        action => action,
        choose => word("web-choose", lang),
        formats => word("web-formats", lang),
        check => word("web-check", lang),
        checking => word("web-checking", lang),
        drop => word("web-drop", lang),
        // A file sent through a link is kept; one only checked is not.
        privacy => if path.starts_with("/send/") {
            word("web-privacy-send", lang)
        } else {
            word("web-privacy", lang)
        },
    }
}

/// The words of a page in English alone, the secretariat's: no language
/// switch, no note on privacy.
pub fn plain(title: &str) -> minijinja::Value {
    context! {
        lang => "en",
        switch => Vec::<minijinja::Value>::new(),
        title => title,
        home_href => "/secretariat",
        template_href => "/template?lang=en",
        template => word("web-template", "en"),
    }
}

pub fn form(lang: &str) -> String {
    render(
        "form.html",
        context! {
            page => common(lang, "/"),
            intro => word("web-intro", lang),
        },
    )
}

pub fn problem_text(lang: &str, p: &Problem) -> String {
    match p {
        Problem::NoFile => word("web-no-file", lang),
        Problem::TooLarge(max) => {
            msg!("web-too-large", max = format!("{}", max / (1024 * 1024))).render(lang)
        }
        Problem::TooMany => word("web-too-many", lang),
        Problem::Busy(after) => msg!("web-busy", seconds = *after).render(lang),
        Problem::Stopped => word("web-stopped", lang),
        Problem::Internal => word("web-internal", lang),
        Problem::NotFound => word("web-not-found", lang),
        Problem::LinkUnknown => word("web-link-unknown", lang),
        Problem::KeptUnchecked => word("web-kept-unchecked", lang),
        Problem::InboxFull => msg!("web-inbox-full", max = crate::inbox::MAX_FILES).render(lang),
    }
}

pub fn problem(lang: &str, p: &Problem) -> String {
    render(
        "problem.html",
        context! {
            page => common(lang, "/"),
            heading => word("web-not-checked", lang),
            text => problem_text(lang, p),
            again => word("web-again", lang),
        },
    )
}

/// One finding as the page shows it.
#[derive(Serialize)]
struct Row {
    place: String,
    column: String,
    value: String,
    expected: String,
    detail: String,
    suggestions: String,
    /// The cells around the finding's.
    view: Option<View>,
}

/// A finding's row, a few cells either side.
#[derive(Serialize)]
struct View {
    label: String,
    cells: Vec<ViewCell>,
}

#[derive(Serialize)]
struct ViewCell {
    column: String,
    value: String,
    target: bool,
}

fn view_of(lang: &str, rows: &[RowView], sheet: &str, cell: &str) -> Option<View> {
    let v = rows.iter().find(|v| v.sheet == sheet && v.cell == cell)?;
    Some(View {
        label: msg!("web-row", row = v.row, sheet = v.sheet.clone()).render(lang),
        cells: v
            .cells
            .iter()
            .enumerate()
            .map(|(i, (column, value))| ViewCell {
                column: column.clone(),
                value: value.clone(),
                target: i == v.target,
            })
            .collect(),
    })
}

#[derive(Serialize)]
struct Group {
    severity: &'static str,
    severity_word: String,
    code: String,
    title: String,
    help: String,
    rows: Vec<Row>,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// On the findings page of a file sent through a link: why it was not sent
/// on, and the form that sends the kept file as it is.
#[derive(Serialize)]
pub struct SendBox {
    pub notice: String,
    pub action: String,
    /// The inbox name of the kept file, when it may be sent as it is.
    pub keep: Option<String>,
}

/// The findings page of one check (`cstd validate --format json`, findings
/// already in `lang`).
pub fn result(lang: &str, report: &Value, annotated: Option<&str>, rows: &[RowView]) -> String {
    result_with(lang, report, annotated, rows, None)
}

/// The findings page, with what the sending page adds.
pub fn result_with(
    lang: &str,
    report: &Value,
    annotated: Option<&str>,
    rows: &[RowView],
    send: Option<SendBox>,
) -> String {
    let file = &report["files"][0];
    let counts: Counts = serde_json::from_value(file["counts"].clone()).unwrap_or_default();
    let readable = file["readable"].as_bool().unwrap_or(false);
    let understood: Option<crate::validate::Understood> =
        serde_json::from_value(file["understood"].clone()).ok();
    let verdict = if !readable {
        msg!("verdict-unreadable")
    } else if counts.errors > 0 {
        msg!("verdict-not-accepted")
    } else {
        msg!("verdict-accepted")
    };
    let findings = file["findings"].as_array().cloned().unwrap_or_default();
    // Grouped as the CLI groups them: severity, then the catalogue's order.
    let mut groups: Vec<(Severity, usize, Group)> = Vec::new();
    for f in &findings {
        let code = text(&f["code"]);
        let Some(k) = kind(&code) else { continue };
        let order = catalogue()
            .iter()
            .position(|c| c.code == code)
            .unwrap_or(usize::MAX);
        let severity: Severity =
            serde_json::from_value(f["severity"].clone()).unwrap_or(k.severity);
        let at = match groups
            .iter()
            .position(|(_, o, g)| *o == order && g.code == code)
        {
            Some(i) => i,
            None => {
                groups.push((
                    severity,
                    order,
                    Group {
                        severity: severity.as_str(),
                        severity_word: severity.word(lang),
                        code: code.clone(),
                        title: k.title(lang).to_string(),
                        help: msg!("what-to-do-line", help = k.help(lang)).render(lang),
                        rows: Vec::new(),
                    },
                ));
                groups.len() - 1
            }
        };
        let place = match (text(&f["sheet"]), text(&f["cell"])) {
            (_, c) if c.starts_with('/') => c,
            (s, c) if !s.is_empty() && !c.is_empty() => format!("{s}!{c}"),
            (s, c) if !s.is_empty() || !c.is_empty() => format!("{s}{c}"),
            _ => format!("({})", word("the-file", lang)),
        };
        let suggestions: Vec<String> = f["suggestions"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default();
        let view = view_of(lang, rows, &text(&f["sheet"]), &text(&f["cell"]));
        groups[at].2.rows.push(Row {
            view,
            place,
            column: text(&f["column"]),
            value: text(&f["value"]),
            expected: text(&f["expected"]),
            detail: text(&f["detail"]),
            suggestions: suggestions.join(", "),
        });
    }
    groups.sort_by_key(|(s, o, _)| (*s, *o));
    let groups: Vec<Group> = groups.into_iter().map(|(.., g)| g).collect();
    let page = match &send {
        Some(s) => {
            let path = s.action.split('?').next().unwrap_or("/");
            common_with(lang, path, &s.action, &s.action)
        }
        None => common(lang, "/"),
    };
    render(
        "result.html",
        context! {
            page => page,
            file => text(&file["file"]),
            understood => understood.map(|u| u.sentence(lang)),
            summary => format!(
                "{}{}{}",
                counts.say(lang),
                word("place-separator", lang),
                verdict.render(lang)
            ),
            failed => counts.errors > 0 || !readable,
            groups => groups,
            annotated => annotated.map(|t| format!("/annotated/{t}")),
            annotated_text => word("web-annotated", lang),
            again => word("web-again", lang),
            send => send,
            send_anyway => word("web-send-anyway", lang),
            send_again => word("web-send-another", lang),
            words => context! {
                place => word("web-place", lang),
                column => word("web-column", lang),
                value => word("web-value", lang),
                expected => word("web-expected", lang),
                detail => word("web-detail", lang),
                suggestions => word("web-suggestions", lang),
                nothing => word("web-nothing", lang),
            },
        },
    )
}

/// A day as the pages say it: `2026-11-30`.
fn day(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}

/// The sending page of an organization's link.
pub fn send(
    lang: &str,
    token: &str,
    invite: &crate::invite::Invite,
    name: &str,
    current: Option<&crate::store::Entry>,
    notice: Option<String>,
) -> String {
    let held = match current {
        Some(e) => msg!(
            "web-in-force",
            file = e.file.clone(),
            received = day(&e.received).to_string(),
            year = invite.year
        )
        .render(lang),
        None => msg!("web-nothing-yet", year = invite.year).render(lang),
    };
    let here = format!("/send/{token}?lang={lang}");
    let page = common_with(lang, &format!("/send/{token}"), &here, &here);
    render(
        "send.html",
        context! {
            page => page,
            heading => msg!("web-send-title", org = invite.organization.clone(), year = invite.year).render(lang),
            intro => msg!("web-send-intro", name = name.to_string()).render(lang),
            held => held,
            notice => notice,
            send => word("web-send", lang),
        },
    )
}

/// Text with its first letter made a capital.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The receipt of a file sent through a link.
pub fn receipt(
    lang: &str,
    token: &str,
    invite: &crate::invite::Invite,
    entry: &crate::store::Entry,
    current: Option<&crate::store::Entry>,
) -> String {
    use crate::store::Outcome;
    let outcome = match entry.outcome {
        Outcome::Accepted => msg!("web-outcome-accepted", year = invite.year).render(lang),
        Outcome::Rejected => word("web-outcome-rejected", lang),
        Outcome::Duplicate => word("web-outcome-duplicate", lang),
        Outcome::Superseded => word("web-outcome-superseded", lang),
    };
    let home = format!("/send/{token}?lang={lang}");
    let page = common_with(lang, &format!("/send/{token}"), &home, &home);
    render(
        "receipt.html",
        context! {
            page => page,
            heading => word("web-receipt", lang),
            failed => entry.outcome != Outcome::Accepted,
            // The banner is a sentence; the table's cell goes on from its label.
            outcome => sentence(&outcome),
            rows => vec![
                (word("web-receipt-file", lang), entry.file.clone(), true),
                (word("web-receipt-sha", lang), entry.sha256.clone(), true),
                (word("web-receipt-received", lang), entry.received.replace('T', " ").replace('Z', " UTC"), true),
                (word("web-receipt-outcome", lang), outcome, false),
                (
                    msg!("web-receipt-in-force", year = invite.year).render(lang),
                    current.map_or_else(
                        || word("web-none", lang),
                        |c| format!("{} ({}, SHA-256 {}…)", c.file, c.received, &c.sha256[..c.sha256.len().min(16)]),
                    ),
                    false,
                ),
            ],
            keep => word("web-receipt-keep", lang),
            again => word("web-send-another", lang),
            again_href => home,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, v.parse().unwrap());
        h
    }

    #[test]
    fn the_language_follows_the_query_then_the_browser() {
        assert_eq!(language(Some("fr"), &HeaderMap::new()), "fr");
        assert_eq!(language(Some("de"), &accept("es-AR,es;q=0.9")), "es");
        assert_eq!(language(None, &accept("de-DE, fr;q=0.8, en;q=0.9")), "en");
        assert_eq!(language(None, &accept("fr-CH, fr;q=0.9, en;q=0.8")), "fr");
        assert_eq!(language(None, &accept("de")), "en");
        assert_eq!(language(None, &accept("fr;q=0")), "en");
    }

    #[test]
    fn values_are_escaped() {
        let report = serde_json::json!({"files": [{
            "file": "<b>x.xlsx", "readable": true, "counts": {"errors": 1, "warnings": 0, "notes": 0},
            "findings": [{"code": "not-in-vocabulary", "severity": "error", "sheet": "Actions",
                          "cell": "E4", "value": "<script>alert(1)</script>"}]
        }]});
        let page = result("en", &report, None, &[]);
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
        assert!(!page.contains("<b>x.xlsx"));
    }
}
