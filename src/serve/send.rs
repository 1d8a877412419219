//! The page through which an organization sends its submission, reached by
//! its secret link (`cstd invite`): what the secretariat holds, the upload,
//! the check in the child process, the ingest and the receipt. Every file
//! received is first written to the store's inbox, so that nothing received
//! is lost, whether it is sent on or not.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::pages::{self, Problem};
use super::{LangQuery, Shared, language, worker};
use crate::inbox::{Kept, keep, kept};
use crate::invite::Invite;
use crate::register::Recognized;
use crate::store::{Channel, Store};

/// How long a "send it as it is" offer stands, and how many are held.
const OFFER_FOR: std::time::Duration = std::time::Duration::from_secs(60 * 60);
const OFFERS_AT_MOST: usize = 4096;

/// A file with errors the page offered to send as it is: the form carries
/// an unguessable token, never the file's name, so that only a file that
/// went through the check, for this link, can be sent so.
pub(super) struct Offer {
    token: String,
    organization: String,
    year: i64,
    /// The file's name in the inbox.
    id: String,
    made: std::time::Instant,
}

impl Shared {
    /// Offers a kept file to be sent as it is; the form's token.
    fn offer(&self, invite: &Invite, id: &str) -> String {
        let token = super::token();
        let mut offers = self.offers.lock().unwrap_or_else(|e| e.into_inner());
        offers.retain(|o| o.made.elapsed() < OFFER_FOR);
        if offers.len() >= OFFERS_AT_MOST {
            offers.remove(0);
        }
        offers.push(Offer {
            token: token.clone(),
            organization: invite.organization.clone(),
            year: invite.year,
            id: id.to_string(),
            made: std::time::Instant::now(),
        });
        token
    }

    /// The inbox name an offer stands for, taken once, when it was made to
    /// this link's organization and year.
    fn take_offer(&self, token: &str, invite: &Invite) -> Option<String> {
        let mut offers = self.offers.lock().unwrap_or_else(|e| e.into_inner());
        offers.retain(|o| o.made.elapsed() < OFFER_FOR);
        let at = offers.iter().position(|o| {
            crate::text::same_bytes(o.token.as_bytes(), token.as_bytes())
                && o.organization == invite.organization
                && o.year == invite.year
        })?;
        Some(offers.remove(at).id)
    }
}

/// The invitation a link stands for, or the page that says why not (a
/// client over its rate, a link not in force).
async fn link(
    shared: &Shared,
    peer: SocketAddr,
    token: &str,
    lang: &str,
) -> Result<Invite, Response> {
    if !shared.allow(peer.ip()) {
        return Err(super::problem_page(
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            Problem::TooMany,
        ));
    }
    find(shared, token)
        .await
        .ok_or_else(|| super::problem_page(lang, StatusCode::NOT_FOUND, Problem::LinkUnknown))
}

async fn find(shared: &Shared, token: &str) -> Option<Invite> {
    let store = shared.options.store.clone();
    let token = token.to_string();
    tokio::task::spawn_blocking(move || crate::invite::find(&store, &token).ok().flatten())
        .await
        .ok()
        .flatten()
}

/// The organization's name in the register, and what the secretariat holds
/// for its year: the file in force. The store's generation is opened once.
fn holding(store: &std::path::Path, invite: &Invite) -> (String, Option<crate::store::Entry>) {
    let generation = Store::new(store).current().ok().flatten();
    let name = crate::ingest::choose_register(None, generation.as_ref())
        .ok()
        .and_then(|(r, _)| r.get(&invite.organization).map(|o| o.name.clone()))
        .unwrap_or_else(|| invite.organization.clone());
    let current = generation
        .and_then(|g| g.ledger().ok())
        .and_then(|l| l.current(&invite.organization, invite.year).cloned());
    (name, current)
}

/// `GET /send/{token}`: the organization's page.
pub async fn page(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = language(q.lang.as_deref(), &headers);
    let invite = match link(&shared, peer, &token, lang).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    let store = shared.options.store.clone();
    let (name, current) = {
        let of = invite.clone();
        tokio::task::spawn_blocking(move || holding(&store, &of))
            .await
            .unwrap_or_else(|_| (invite.organization.clone(), None))
    };
    pages::html(
        StatusCode::OK,
        pages::send(lang, &token, &invite, &name, current.as_ref(), None),
    )
}

/// `POST /send/{token}`: a file sent, or one kept earlier sent as it is.
pub async fn send(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let lang = language(q.lang.as_deref(), &headers);
    let invite = match link(&shared, peer, &token, lang).await {
        Ok(i) => i,
        Err(r) => return r,
    };
    let (file, keep_id) = match super::read_form(&shared, &mut multipart).await {
        Ok(f) => (f.file, f.keep),
        Err((status, p)) => return super::problem_page(lang, status, p),
    };
    let store = shared.options.store.clone();
    if let (None, Some(offer)) = (&file, &keep_id) {
        // The organization confirms: the file kept earlier goes in as it is,
        // when this page offered it, for this link, after its check.
        let Some(id) = shared.take_offer(offer, &invite) else {
            return super::problem_page(lang, StatusCode::NOT_FOUND, Problem::NotFound);
        };
        let found = {
            let (store, invite) = (store.clone(), invite.clone());
            tokio::task::spawn_blocking(move || kept(&store, &invite, &id))
                .await
                .ok()
                .flatten()
        };
        return match found {
            Some(k) => receipt(&shared, lang, &token, &invite, k).await,
            None => super::problem_page(lang, StatusCode::NOT_FOUND, Problem::NotFound),
        };
    }
    let Some((client_name, bytes)) = file else {
        return super::problem_page(lang, StatusCode::BAD_REQUEST, Problem::NoFile);
    };
    let Ok(_permit) = shared.checks.try_acquire() else {
        return super::problem_page(
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            Problem::Busy(super::RETRY_AFTER),
        );
    };
    let full = {
        let (store, invite) = (store.clone(), invite.clone());
        tokio::task::spawn_blocking(move || crate::inbox::full(&store, &invite))
            .await
            .unwrap_or(true)
    };
    if full {
        return super::problem_page(lang, StatusCode::TOO_MANY_REQUESTS, Problem::InboxFull);
    }
    // Kept first: whatever happens next, the secretariat has it.
    let k = {
        let (store, invite, name) = (store.clone(), invite.clone(), client_name.clone());
        let bytes = bytes.clone();
        match tokio::task::spawn_blocking(move || keep(&store, &invite, &name, &bytes)).await {
            Ok(Ok(k)) => k,
            _ => {
                return super::problem_page(
                    lang,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Problem::Internal,
                );
            }
        }
    };
    let checked = match worker::check(&shared.options.checker, &k.name, &bytes, lang).await {
        Ok(c) => c,
        Err(worker::Failure::Setup(_)) => {
            return super::problem_page(lang, StatusCode::INTERNAL_SERVER_ERROR, Problem::Internal);
        }
        Err(_) => {
            return super::problem_page(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                Problem::KeptUnchecked,
            );
        }
    };
    let file = &checked.report["files"][0];
    let errors = file["counts"]["errors"].as_u64().unwrap_or(0);
    let readable = file["readable"].as_bool().unwrap_or(false);
    // A file that reports for another organization or year is not sent on
    // through this link, whatever its state.
    let said_org = file["understood"]["organization"]
        .as_str()
        .map(String::from);
    let said_year = file["understood"]["year"].as_i64();
    let mismatch = {
        let (store, invite) = (store.clone(), invite.clone());
        let said_org = said_org.clone();
        tokio::task::spawn_blocking(move || {
            other_report(&store, &invite, said_org.as_deref(), said_year)
        })
        .await
        .ok()
        .flatten()
    };
    let link = checked
        .annotated
        .map(|b| shared.keep(format!("{}-marked.xlsx", super::stem(&k.name)), b));
    // Not sent on: a report for another organization or year, or a file
    // with errors (which may still be sent as it is).
    let held = match mismatch {
        Some(found) => Some((
            crate::msg!(
                "web-wrong-report",
                found = found,
                org = invite.organization.clone(),
                year = invite.year
            )
            .render(lang),
            None,
        )),
        None if errors > 0 || !readable => Some((
            crate::messages::word("web-not-sent", lang),
            Some(shared.offer(&invite, &k.id)),
        )),
        None => None,
    };
    if let Some((notice, keep)) = held {
        let send = pages::SendBox {
            notice,
            action: format!("/send/{token}?lang={lang}"),
            keep,
        };
        return pages::html(
            StatusCode::OK,
            pages::result_with(
                lang,
                &checked.report,
                link.as_deref(),
                &checked.rows,
                Some(send),
            ),
        );
    }
    receipt(&shared, lang, &token, &invite, k).await
}

/// The name of the organization or year a file reports for, when not the
/// link's.
fn other_report(
    store: &std::path::Path,
    invite: &Invite,
    organization: Option<&str>,
    year: Option<i64>,
) -> Option<String> {
    if let Some(o) = organization {
        let generation = Store::new(store).current().ok().flatten();
        let (register, _) = crate::ingest::choose_register(None, generation.as_ref()).ok()?;
        match register.recognize(Some(o), None) {
            Recognized::Known(id) if id == invite.organization => {}
            _ => return Some(o.to_string()),
        }
    }
    match year {
        Some(y) if y != invite.year => Some(format!(
            "{} ({y})",
            organization.unwrap_or(&invite.organization)
        )),
        _ => None,
    }
}

/// Ingests a kept file as `cstd ingest` would, and says what became of it.
async fn receipt(shared: &Shared, lang: &str, token: &str, invite: &Invite, k: Kept) -> Response {
    let store = shared.options.store.clone();
    let invite2 = invite.clone();
    let done = tokio::task::spawn_blocking(move || -> Result<_, crate::ingest::Error> {
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let mut opts = crate::ingest::Options::new(&store, &now);
        opts.received = Some(k.received.clone());
        opts.from = Some(invite2.organization.clone());
        opts.year = Some(invite2.year);
        opts.channel = Channel::Page;
        crate::ingest::ingest_received(&k.path, &k.name, &opts, |_| {})?;
        let generation = Store::new(&store).require_current()?;
        let ledger = generation.ledger()?;
        let sha = crate::durable::sha256_file(&k.path)
            .map(|(_, s)| s)
            .unwrap_or_default();
        let entry = ledger
            .entries
            .iter()
            .rev()
            .find(|e| e.sha256 == sha && e.received == k.received)
            .cloned();
        let current = ledger.current(&invite2.organization, invite2.year).cloned();
        Ok((entry, current))
    })
    .await;
    match done {
        Ok(Ok((Some(entry), current))) => pages::html(
            StatusCode::OK,
            pages::receipt(lang, token, invite, &entry, current.as_ref()),
        ),
        _ => super::problem_page(lang, StatusCode::INTERNAL_SERVER_ERROR, Problem::Internal),
    }
}
