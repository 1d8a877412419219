//! The secretariat's pages: the year's status as `cstd status` gives it,
//! each organization's files with their findings and how they came, the
//! files kept from the page and not sent on, the report to download and a
//! button that rebuilds it. They open with the secretariat's token, typed
//! into a form (never in a URL), which starts a session held in an
//! HttpOnly, SameSite=Strict cookie. In English, as the CLI is.

use std::net::SocketAddr;
use std::path::Path as FsPath;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::Shared;
use super::pages;
use crate::store::{Channel, Store};

/// Findings shown on a file's page.
const MAX_FINDINGS: usize = 2000;
/// How long a session lasts.
const SESSION: Duration = Duration::from_secs(8 * 60 * 60);
const COOKIE: &str = "cstd_session";
/// The report's files the pages offer, by name: no other name is served.
const DOWNLOADS: &[(&str, &str)] = &[
    ("report.pdf", "application/pdf"),
    (
        "report.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "report-data.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
];

impl Shared {
    /// Whether the request carries a session in force.
    fn signed_in(&self, headers: &HeaderMap) -> bool {
        let Some(id) = session_of(headers) else {
            return false;
        };
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|(_, made)| made.elapsed() < SESSION);
        sessions
            .iter()
            .any(|(s, _)| crate::text::same_bytes(s.as_bytes(), id.as_bytes()))
    }
}

fn session_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(&format!("{COOKIE}="))
                .map(String::from)
        })
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

fn page(status: StatusCode, name: &str, ctx: minijinja::Value) -> Response {
    pages::html(status, pages::render(name, ctx))
}

fn login_page(status: StatusCode, said: Option<&str>, open: bool) -> Response {
    page(
        status,
        "login.html",
        context! { page => pages::plain("Secretariat"), said => said, open => open },
    )
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<i64>,
    built: Option<String>,
}

/// `GET /secretariat`: the status page, or the form that opens it.
pub async fn home(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<YearQuery>,
    headers: HeaderMap,
) -> Response {
    if !shared.signed_in(&headers) {
        let open = shared.options.secretariat.is_some();
        return login_page(StatusCode::OK, None, open);
    }
    let (store, output) = (shared.options.store.clone(), shared.options.output.clone());
    let built = q.built.clone();
    match tokio::task::spawn_blocking(move || overview(&store, &output, q.year)).await {
        Ok(Ok(mut ctx)) => {
            ctx.built = built;
            page(
                StatusCode::OK,
                "secretariat.html",
                minijinja::Value::from_serialize(&ctx),
            )
        }
        Ok(Err(e)) => page(
            StatusCode::OK,
            "secretariat.html",
            minijinja::Value::from_serialize(Overview {
                problem: Some(e),
                ..Overview::default()
            }),
        ),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Deserialize)]
pub struct Login {
    token: String,
}

/// `POST /secretariat/login`.
pub async fn login(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<Login>,
) -> Response {
    if !shared.allow_login(peer.ip()) {
        return login_page(
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many attempts: wait a minute."),
            true,
        );
    }
    let Some(expected) = &shared.options.secretariat else {
        return login_page(StatusCode::FORBIDDEN, None, false);
    };
    if !crate::text::same_bytes(expected.as_bytes(), form.token.trim().as_bytes()) {
        return login_page(
            StatusCode::FORBIDDEN,
            Some("This is not the secretariat's token."),
            true,
        );
    }
    let id = super::token();
    shared
        .sessions
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((id.clone(), Instant::now()));
    let mut r = see_other("/secretariat");
    let cookie = format!(
        "{COOKIE}={id}; Path=/secretariat; HttpOnly; SameSite=Strict; Max-Age={}",
        SESSION.as_secs()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// `POST /secretariat/logout`.
pub async fn logout(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(id) = session_of(&headers) {
        shared
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(s, _)| s != &id);
    }
    let mut r = see_other("/secretariat");
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "cstd_session=; Path=/secretariat; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
    );
    r
}

#[derive(Deserialize)]
pub struct Rebuild {
    year: i64,
}

/// `POST /secretariat/rebuild`: the year's report built again from the store.
pub async fn rebuild(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<Rebuild>,
) -> Response {
    if !shared.signed_in(&headers) {
        return see_other("/secretariat");
    }
    let (store, output) = (shared.options.store.clone(), shared.options.output.clone());
    let template = shared.options.template.clone();
    let year = form.year;
    // A year the store does not hold is said so by the build, never worked on.
    let said = tokio::task::spawn_blocking(move || -> Result<String, String> {
        let generation = Store::new(&store)
            .require_current()
            .map_err(|e| e.to_string())?;
        let built = crate::report::build(&generation, year, template.as_deref(), &output)
            .map_err(|e| e.to_string())?;
        Ok(format!("{} pages", built.pages))
    })
    .await
    .unwrap_or_else(|_| Err("the build stopped".into()));
    let said = match said {
        Ok(s) => format!("Report rebuilt: {s}."),
        Err(e) => format!("The report could not be built: {e}"),
    };
    let mut to = url_encode(&said);
    to.insert_str(0, &format!("/secretariat?year={year}&built="));
    see_other(&to)
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /secretariat/files/{year}/{name}`: the report's files, by name.
pub async fn download(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((year, name)): Path<(i64, String)>,
) -> Response {
    if !shared.signed_in(&headers) {
        return see_other("/secretariat");
    }
    let Some((name, kind)) = DOWNLOADS.iter().find(|(n, _)| *n == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let path = shared.options.output.join(year.to_string()).join(name);
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{year}-{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /secretariat/findings/{sha256}`: every finding of a file received.
pub async fn findings(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(sha): Path<String>,
) -> Response {
    if !shared.signed_in(&headers) {
        return see_other("/secretariat");
    }
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let store = shared.options.store.clone();
    let rows = tokio::task::spawn_blocking(move || file_findings(&store, &sha)).await;
    match rows {
        Ok(Some((file, rows))) => page(
            StatusCode::OK,
            "secretariat.html",
            minijinja::Value::from_serialize(Overview {
                findings_of: Some(file),
                findings: rows,
                ..Overview::default()
            }),
        ),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn file_findings(store: &FsPath, sha: &str) -> Option<(String, Vec<Vec<String>>)> {
    let generation = Store::new(store).require_current().ok()?;
    let ledger = generation.ledger().ok()?;
    let entry = ledger.entries.iter().find(|e| e.sha256 == sha)?;
    let table = generation.table(None, "findings").ok()??;
    let col = |name: &str| table.text(name);
    let shas = col("sha256")?;
    let wanted = [
        "severity", "code", "sheet", "cell", "column", "value", "expected", "detail",
    ];
    let mut rows = Vec::new();
    for (i, s) in shas.iter().enumerate() {
        // A page a browser can show: the rest is in the store's findings table.
        if rows.len() >= MAX_FINDINGS {
            break;
        }
        if s == Some(sha) {
            rows.push(
                wanted
                    .iter()
                    .map(|w| col(w).and_then(|c| c.get(i)).unwrap_or("").to_string())
                    .collect(),
            );
        }
    }
    Some((entry.file.clone(), rows))
}

/// What the status page shows.
#[derive(Serialize, Default)]
struct Overview {
    page: Option<minijinja::Value>,
    year: Option<i64>,
    years: Vec<i64>,
    summary: String,
    rows: Vec<OrgRow>,
    unattributed: Vec<FileRow>,
    /// Files received through the page and not sent on.
    held: Vec<String>,
    downloads: Vec<(String, String)>,
    built: Option<String>,
    problem: Option<String>,
    findings_of: Option<String>,
    findings: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct OrgRow {
    organization: String,
    name: String,
    state: String,
    class: String,
    received: String,
    actions: String,
    files: Vec<FileRow>,
}

#[derive(Serialize)]
struct FileRow {
    file: String,
    outcome: String,
    received: String,
    through_page: bool,
    reasons: String,
    findings: String,
}

fn overview(store: &FsPath, output: &FsPath, year: Option<i64>) -> Result<Overview, String> {
    let mut o = Overview {
        page: Some(pages::plain("Secretariat")),
        ..Overview::default()
    };
    let Some(generation) = Store::new(store).current().map_err(|e| e.to_string())? else {
        o.summary = "The store is empty: nothing has been received yet.".into();
        o.held = crate::inbox::held(store, &crate::store::Ledger::default());
        return Ok(o);
    };
    let ledger = generation.ledger().map_err(|e| e.to_string())?;
    let status = crate::status::status(&generation, year).map_err(|e| e.to_string())?;
    let file_row = |f: &crate::status::FileState| FileRow {
        file: f.file.clone(),
        outcome: f.outcome.to_string(),
        received: f.received.clone(),
        through_page: f.channel == Channel::Page,
        reasons: f.reasons.join(", "),
        findings: format!("/secretariat/findings/{}", f.sha256),
    };
    o.years = ledger.years();
    o.year = status.year;
    let count = |s: crate::status::State| status.count(s);
    use crate::status::State;
    let invited = status.rows.iter().filter(|r| r.invited).count();
    let replied = status
        .rows
        .iter()
        .filter(|r| r.invited && r.state != State::Missing)
        .count();
    o.summary = format!(
        "{replied} of {invited} invited organizations replied: {} accepted ({} of them with warnings), {} awaiting a corrected file, {} with a file whose reporting year is unknown; {} sent nothing.",
        count(State::Accepted) + count(State::AcceptedWithWarnings),
        count(State::AcceptedWithWarnings),
        count(State::Rejected),
        count(State::YearUnknown),
        count(State::Missing)
    );
    o.rows = status
        .rows
        .iter()
        .map(|r| OrgRow {
            organization: r.organization.clone(),
            name: r.name.clone(),
            state: if r.invited {
                r.state.label().to_string()
            } else {
                format!("{} (new)", r.state.label())
            },
            class: format!("{:?}", r.state).to_lowercase(),
            received: r
                .received
                .as_deref()
                .map(|t| t.get(..10).unwrap_or(t))
                .unwrap_or("")
                .to_string(),
            actions: r.actions.map(|n| n.to_string()).unwrap_or_default(),
            files: r.files.iter().map(file_row).collect(),
        })
        .collect();
    o.unattributed = status.unattributed.iter().map(file_row).collect();
    o.held = crate::inbox::held(store, &ledger);
    if let Some(y) = o.year {
        let dir = output.join(y.to_string());
        o.downloads = DOWNLOADS
            .iter()
            .filter(|(n, _)| dir.join(n).is_file())
            .map(|(n, _)| (n.to_string(), format!("/secretariat/files/{y}/{n}")))
            .collect();
    }
    Ok(o)
}
