//! `cstd serve`: the page on which an organization checks its submission,
//! and the same check as an API. A face like the CLI: it calls the library
//! and the `cstd validate` child process, and holds no pipeline of its own.
//!
//! Routes: `GET /` (the form), `POST /check` (the findings page),
//! `POST /api/validate` (the CLI's JSON), `GET /template` (the blank
//! workbook), `GET /annotated/{token}` (the marked copy, kept a short while
//! in memory), `GET /healthz`, and the page's stylesheet and script; an
//! organization's sending page `/send/{token}` ([`send`]); the secretariat's
//! pages under `/secretariat` ([`secretariat`]).

mod pages;
mod secretariat;
mod send;
mod worker;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub use pages::language;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub addr: SocketAddr,
    /// Largest upload, in bytes.
    pub max_upload: u64,
    /// Checks at once; beyond, clients are asked to retry.
    pub max_checks: usize,
    /// Checks one client address may ask for in a minute.
    pub per_minute: u32,
    /// The program that checks a file (this one).
    pub checker: PathBuf,
    /// The store files sent through a link go to.
    pub store: PathBuf,
    /// Where the reports are built.
    pub output: PathBuf,
    /// The report template folder; None: the built-in one.
    pub template: Option<PathBuf>,
    /// The secretariat's token; None: its pages stay closed.
    pub secretariat: Option<String>,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

/// How long an annotated copy stays to be downloaded, and how many are kept.
const KEEP_FOR: Duration = Duration::from_secs(15 * 60);
const KEEP_AT_MOST: usize = 64;
const KEEP_BYTES: usize = 256 << 20;
/// Sign-in attempts one client may make in a minute.
const LOGINS_PER_MINUTE: u32 = 10;
/// Seconds a client asked to retry waits.
const RETRY_AFTER: u64 = 5;

struct Shared {
    options: Options,
    checks: tokio::sync::Semaphore,
    /// Checks per client address in the current minute.
    clients: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    /// Annotated copies, oldest first.
    copies: Mutex<Vec<Copy>>,
    /// The secretariat's sessions: id and when opened.
    sessions: Mutex<Vec<(String, Instant)>>,
    /// Files with errors the sending page offered to send as they are.
    offers: Mutex<Vec<send::Offer>>,
    /// Sign-in attempts per client address in the current minute, apart
    /// from checks: a guesser locks out no organization sending its file.
    logins: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// An annotated copy kept to be downloaded.
struct Copy {
    token: String,
    made: Instant,
    name: String,
    bytes: Vec<u8>,
}

/// Serves until the process is stopped. Prints `listening on http://ADDR`
/// first, so that whoever started it (a test, a script) knows the port.
pub async fn run(options: Options) -> Result<(), Error> {
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|source| Error::Listen {
            addr: options.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(Error::Serve)?;
    println!("listening on http://{addr}");
    let limit = options.max_upload as usize;
    let shared = Arc::new(Shared {
        checks: tokio::sync::Semaphore::new(options.max_checks),
        options,
        clients: Mutex::new(HashMap::new()),
        copies: Mutex::new(Vec::new()),
        sessions: Mutex::new(Vec::new()),
        offers: Mutex::new(Vec::new()),
        logins: Mutex::new(HashMap::new()),
    });
    let app = Router::new()
        .route("/", get(form))
        .route("/check", post(check_page))
        .route("/api/validate", post(check_api))
        .route("/template", get(template))
        .route("/annotated/{token}", get(annotated))
        .route("/send/{token}", get(send::page).post(send::send))
        .route("/secretariat", get(secretariat::home))
        .route("/secretariat/login", post(secretariat::login))
        .route("/secretariat/logout", post(secretariat::logout))
        .route("/secretariat/rebuild", post(secretariat::rebuild))
        .route(
            "/secretariat/files/{year}/{name}",
            get(secretariat::download),
        )
        .route("/secretariat/findings/{sha}", get(secretariat::findings))
        .route("/healthz", get(|| async { "ok\n" }))
        .route(
            "/style.css",
            get(|| async { asset("text/css", pages::STYLE) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript", pages::SCRIPT) }),
        )
        .fallback(not_found)
        // A little over the file, for the form's own fields.
        .layer(DefaultBodyLimit::max(limit + 64 * 1024))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(shared);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(Error::Serve)
}

/// An unguessable token: 128 random bits in hex.
fn token() -> String {
    let mut b = [0u8; 16];
    // The system's random source; without one, time and a counter keep
    // names apart (they then guard nothing secret, and nothing needs it).
    if getrandom::fill(&mut b).is_err() {
        use sha2::Digest as _;
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let seed = format!(
            "{:?}{}{}",
            std::time::SystemTime::now(),
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        b.copy_from_slice(&sha2::Sha256::digest(seed.as_bytes())[..16]);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

#[derive(Debug, Deserialize, Default)]
struct LangQuery {
    lang: Option<String>,
}

async fn form(Query(q): Query<LangQuery>, headers: HeaderMap) -> Response {
    let lang = language(q.lang.as_deref(), &headers);
    pages::html(StatusCode::OK, pages::form(lang))
}

/// A problem said as a page.
fn problem_page(lang: &str, status: StatusCode, p: pages::Problem) -> Response {
    problem_response(pages::html(status, pages::problem(lang, &p)), &p)
}

async fn not_found(Query(q): Query<LangQuery>, headers: HeaderMap) -> Response {
    let lang = language(q.lang.as_deref(), &headers);
    pages::html(
        StatusCode::NOT_FOUND,
        pages::problem(lang, &pages::Problem::NotFound),
    )
}

async fn template(Query(q): Query<LangQuery>, headers: HeaderMap) -> Response {
    let lang = language(q.lang.as_deref(), &headers);
    match crate::template::build(crate::schema::Schema::current(), lang) {
        Ok(bytes) => xlsx(&format!("cstd-template-{lang}.xlsx"), bytes),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", pages::safe_file_name(name));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn annotated(State(shared): State<Arc<Shared>>, Path(token): Path<String>) -> Response {
    let copies = shared.copies.lock().unwrap_or_else(|e| e.into_inner());
    // Compared in constant time: a token is the only key to a copy.
    let found = copies.iter().find(|c| {
        crate::text::same_bytes(c.token.as_bytes(), token.as_bytes()) && c.made.elapsed() < KEEP_FOR
    });
    match found {
        Some(c) => xlsx(&c.name, c.bytes.clone()),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// What a check request gave, before it is said as a page or as JSON.
enum Outcome {
    Checked(worker::Checked, String),
    Problem(StatusCode, pages::Problem),
}

/// Reads the upload and checks it, findings in `lang`.
async fn run_check(
    shared: &Shared,
    client: IpAddr,
    mut multipart: Multipart,
    lang: &str,
) -> Outcome {
    if !shared.allow(client) {
        return Outcome::Problem(StatusCode::TOO_MANY_REQUESTS, pages::Problem::TooMany);
    }
    let file = match read_form(shared, &mut multipart).await {
        Ok(f) => f.file,
        Err((status, p)) => return Outcome::Problem(status, p),
    };
    let Some((name, bytes)) = file else {
        return Outcome::Problem(StatusCode::BAD_REQUEST, pages::Problem::NoFile);
    };
    let Ok(_permit) = shared.checks.try_acquire() else {
        return Outcome::Problem(
            StatusCode::SERVICE_UNAVAILABLE,
            pages::Problem::Busy(RETRY_AFTER),
        );
    };
    match worker::check(&shared.options.checker, &name, &bytes, lang).await {
        Ok(c) => Outcome::Checked(c, name),
        Err(worker::Failure::Setup(_)) => {
            Outcome::Problem(StatusCode::INTERNAL_SERVER_ERROR, pages::Problem::Internal)
        }
        Err(_) => Outcome::Problem(StatusCode::UNPROCESSABLE_ENTITY, pages::Problem::Stopped),
    }
}

/// What a form sent: the file (`file`, its name and bytes, when not
/// empty) and, on the sending page, the kept file to send as it is (`keep`).
struct FormParts {
    file: Option<(String, Vec<u8>)>,
    keep: Option<String>,
}

async fn read_form(
    shared: &Shared,
    multipart: &mut Multipart,
) -> Result<FormParts, (StatusCode, pages::Problem)> {
    let mut parts = FormParts {
        file: None,
        keep: None,
    };
    let failed = |e: axum::extract::multipart::MultipartError| {
        (e.status(), upload_problem(shared, e.status()))
    };
    while let Some(field) = multipart.next_field().await.map_err(failed)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(failed)?;
                if !bytes.is_empty() {
                    parts.file = Some((name, bytes.to_vec()));
                }
            }
            Some("keep") => parts.keep = field.text().await.ok(),
            _ => {}
        }
    }
    Ok(parts)
}

fn upload_problem(shared: &Shared, status: StatusCode) -> pages::Problem {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        pages::Problem::TooLarge(shared.options.max_upload)
    } else {
        pages::Problem::NoFile
    }
}

/// Counts one more request of `client` this minute; whether it is within `max`.
fn within(counts: &Mutex<HashMap<IpAddr, (Instant, u32)>>, client: IpAddr, max: u32) -> bool {
    let mut counts = counts.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    counts.retain(|_, (since, _)| now.duration_since(*since) < Duration::from_secs(60));
    let (_, n) = counts.entry(client).or_insert((now, 0));
    *n += 1;
    *n <= max
}

impl Shared {
    /// Whether a client may run one more check this minute.
    fn allow(&self, client: IpAddr) -> bool {
        within(&self.clients, client, self.options.per_minute)
    }

    /// Whether a client may try one more sign-in this minute.
    fn allow_login(&self, client: IpAddr) -> bool {
        within(&self.logins, client, LOGINS_PER_MINUTE)
    }

    /// Keeps an annotated copy for a while; its token.
    fn keep(&self, name: String, bytes: Vec<u8>) -> String {
        let token = token();
        let mut copies = self.copies.lock().unwrap_or_else(|e| e.into_inner());
        copies.retain(|c| c.made.elapsed() < KEEP_FOR);
        // The oldest go first when too many, or too much, is kept.
        while !copies.is_empty()
            && (copies.len() >= KEEP_AT_MOST
                || copies.iter().map(|c| c.bytes.len()).sum::<usize>() + bytes.len() > KEEP_BYTES)
        {
            copies.remove(0);
        }
        copies.push(Copy {
            token: token.clone(),
            made: Instant::now(),
            name,
            bytes,
        });
        token
    }
}

async fn check_page(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let lang = language(q.lang.as_deref(), &headers);
    match run_check(&shared, peer.ip(), multipart, lang).await {
        Outcome::Checked(c, name) => {
            let link = c.annotated.map(|bytes| {
                let marked = format!("{}-marked.xlsx", stem(&name));
                shared.keep(marked, bytes)
            });
            pages::html(
                StatusCode::OK,
                pages::result(lang, &c.report, link.as_deref(), &c.rows),
            )
        }
        Outcome::Problem(status, p) => {
            problem_response(pages::html(status, pages::problem(lang, &p)), &p)
        }
    }
}

async fn check_api(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<LangQuery>,
    multipart: Multipart,
) -> Response {
    let lang = language(q.lang.as_deref(), &HeaderMap::new());
    match run_check(&shared, peer.ip(), multipart, lang).await {
        Outcome::Checked(c, _) => {
            let body = serde_json::to_string_pretty(&c.report).unwrap_or_default() + "\n";
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Outcome::Problem(status, p) => {
            let body = serde_json::json!({ "error": pages::problem_text(lang, &p) }).to_string();
            problem_response(
                (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
                &p,
            )
        }
    }
}

/// A problem's response, with `Retry-After` when the client should retry.
fn problem_response(mut response: Response, p: &pages::Problem) -> Response {
    if let pages::Problem::Busy(after) = p {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*after));
    }
    response
}

/// A file name without its extension, for the name of its marked copy.
fn stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.').map_or(base, |(s, _)| s)
}
