//! `cstd serve` as an organization and a script meet it: over HTTP on
//! loopback, the page, the API (the same JSON as the CLI), hostile uploads.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use crate::common::{cstd, repo, zip};

/// A running server, stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// A server on a store, building reports into `out`, its secretariat's
    /// token [`SECRETARIAT`].
    pub fn on_store(
        dir: &std::path::Path,
        store: &std::path::Path,
        out: &std::path::Path,
    ) -> Server {
        let token_file = dir.join("token");
        std::fs::write(&token_file, format!("{SECRETARIAT}\n")).unwrap();
        Server::start(&[
            "--store",
            store.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--secretariat-token-file",
            token_file.to_str().unwrap(),
        ])
    }

    pub fn start(args: &[&str]) -> Server {
        let mut child = cstd()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, headers (lower-case names), body.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 exchange, the connection closed after it.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(120)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer before reading a body it refuses.
    let _ = s.write_all(body);
    // Headers, then as much body as they announce: a server may keep the
    // connection open after it.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "the connection closed before the headers ended");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    match length {
        Some(n) => {
            while body.len() < n {
                let got = s.read(&mut buf).unwrap();
                if got == 0 {
                    break;
                }
                body.extend_from_slice(&buf[..got]);
            }
        }
        None => {
            let _ = s.read_to_end(&mut body);
        }
    }
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v == "chunked")
    {
        body = unchunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let n = usize::from_str_radix(std::str::from_utf8(&b[..end]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + n]);
        b = &b[end + 4 + n..];
    }
}

/// A file sent as a browser's form sends it.
pub fn upload(port: u16, path: &str, name: &str, bytes: &[u8], extra: &[(&str, &str)]) -> Response {
    let boundary = "----cstd-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let kind = format!("multipart/form-data; boundary={boundary}");
    let mut headers = vec![("Content-Type", kind.as_str())];
    headers.extend_from_slice(extra);
    request(port, "POST", path, &headers, &body)
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("submissions/2026").join(name)).unwrap()
}

#[test]
fn the_api_gives_the_clis_json_for_every_example() {
    let server = Server::start(&[]);
    let health = request(server.port, "GET", "/healthz", &[], b"");
    assert_eq!((health.status, health.text().as_str()), (200, "ok\n"));
    let dir = repo().join("submissions/2026");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        // A folder of CSV files is sent as a zip, which the CLI reads too.
        if path.is_dir() {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        for lang in ["en", "fr"] {
            let api = upload(
                server.port,
                &format!("/api/validate?lang={lang}"),
                &name,
                &std::fs::read(&path).unwrap(),
                &[],
            );
            assert_eq!(api.status, 200, "{name}: {}", api.text());
            assert_eq!(api.header("content-type"), Some("application/json"));
            let cli = cstd()
                .current_dir(&dir)
                .args(["validate", "--format", "json", "--lang", lang, &name])
                .output()
                .unwrap();
            let api: serde_json::Value = serde_json::from_slice(&api.body).unwrap();
            let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
            assert_eq!(api, cli, "{name} in {lang}");
        }
    }
}

#[test]
fn a_broken_file_gives_a_page_of_findings_in_french_with_its_marked_copy() {
    let server = Server::start(&[]);
    let book = crate::common::Book::valid()
        .set(
            "Actions",
            "E3",
            crate::common::s("<script>alert(1)</script>"),
        )
        .xlsx();
    let page = upload(
        server.port,
        "/check",
        "Rapport <OIF>.xlsx",
        &book,
        &[("Accept-Language", "fr-CH, fr;q=0.9, en;q=0.8")],
    );
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<html lang=\"fr\" dir=\"ltr\">"));
    // The finding at its cell, in French, with what to do; values escaped.
    assert!(
        html.contains("Valeur absente de la liste des codes"),
        "{html}"
    );
    assert!(html.contains("Actions!E3"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("Rapport &lt;OIF&gt;.xlsx"));
    // The row around the cell: its neighbours as the workbook has them, the
    // finding's cell marked, its value escaped there too.
    let view = html
        .split("aria-label=\"Ligne 3 de Actions")
        .nth(1)
        .unwrap_or_else(|| panic!("no row view: {html}"));
    let view = &view[..view.find("</div>").unwrap()];
    let cells: Vec<&str> = view.split("<span class=\"col\">").skip(1).collect();
    let letters: Vec<&str> = cells.iter().map(|c| &c[..c.find('<').unwrap()]).collect();
    assert_eq!(letters, ["C", "D", "E", "F", "G"], "{view}");
    assert!(
        view.contains("cell target\"><span class=\"col\">E</span>&lt;script&gt;"),
        "{view}"
    );
    assert!(
        html.contains("ne peut pas être accepté en l&#x27;état"),
        "{html}"
    );
    // Every response carries the security headers.
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    // The marked copy downloads once; a wrong token finds nothing.
    let link = html
        .split("href=\"&#x2f;annotated&#x2f;")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a link to the marked copy");
    let copy = request(server.port, "GET", &format!("/annotated/{link}"), &[], b"");
    assert_eq!(copy.status, 200);
    assert!(copy.body.starts_with(b"PK"));
    assert!(
        copy.header("content-disposition")
            .unwrap()
            .contains("Rapport _OIF_-marked.xlsx")
    );
    let wrong = request(
        server.port,
        "GET",
        "/annotated/0123456789abcdef0123456789abcdef",
        &[],
        b"",
    );
    assert_eq!(wrong.status, 404);
    // The blank template in the page's language.
    let template = request(server.port, "GET", "/template?lang=fr", &[], b"");
    assert_eq!(template.status, 200);
    assert!(template.body.starts_with(b"PK"));
    // In Arabic, the page runs from right to left, and says the same.
    let page = upload(
        server.port,
        "/check",
        "report.xlsx",
        &book,
        &[("Accept-Language", "ar-EG, ar;q=0.9, en;q=0.5")],
    );
    let html = page.text();
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(html.contains("القيمة غير واردة في قائمة الرموز"), "{html}");
    assert!(html.contains("Actions!E3"), "{html}");
}

#[test]
fn hostile_uploads_get_a_clear_answer_and_the_server_stays_up() {
    let server = Server::start(&["--max-upload", "1", "--per-minute", "1000"]);
    // Over the size limit: said, with the limit.
    let big = vec![b'x'; 2 * 1024 * 1024];
    let r = upload(server.port, "/check?lang=en", "big.xlsx", &big, &[]);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("larger than 1 MiB"), "{}", r.text());
    // A zip bomb: a finding, not a fallen server.
    let bomb = zip(&[("xl/workbook.xml", &vec![b' '; 300 * 1024 * 1024][..])]);
    assert!(bomb.len() < 1024 * 1024);
    let r = upload(server.port, "/api/validate", "bomb.xlsx", &bomb, &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    let report: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert!(report["files"][0]["counts"]["errors"].as_u64().unwrap() > 0);
    // No file at all.
    let r = upload(server.port, "/check", "", b"", &[]);
    assert_eq!(r.status, 400);
    // Random bytes under every name.
    for name in ["x.xls", "x.ods", "x.json", "x.zip", "../../x.xlsx", "x"] {
        let r = upload(
            server.port,
            "/api/validate",
            name,
            b"PK\x03\x04garbage\x00\xff",
            &[],
        );
        assert!(matches!(r.status, 200 | 422), "{name}: {}", r.status);
    }
    let health = request(server.port, "GET", "/healthz", &[], b"");
    assert_eq!(health.status, 200);
}

#[test]
fn a_client_over_its_rate_is_asked_to_wait() {
    let server = Server::start(&["--per-minute", "2"]);
    let file = example("undp.json");
    for _ in 0..2 {
        assert_eq!(
            upload(server.port, "/api/validate", "undp.json", &file, &[]).status,
            200
        );
    }
    let r = upload(
        server.port,
        "/api/validate?lang=es",
        "undp.json",
        &file,
        &[],
    );
    assert_eq!(r.status, 429);
    assert!(r.text().contains("espere un minuto"), "{}", r.text());
}

#[test]
fn checks_beyond_the_limit_are_asked_to_retry() {
    let server = Server::start(&["--max-checks", "0"]);
    let r = upload(
        server.port,
        "/check?lang=fr",
        "undp.json",
        &example("undp.json"),
        &[],
    );
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("5"));
    assert!(
        r.text().contains("réessayez dans 5 secondes"),
        "{}",
        r.text()
    );
}

/// The links `cstd invite` wrote, by organization.
pub fn invite(store: &std::path::Path, out: &std::path::Path, year: i64) -> Vec<(String, String)> {
    let made = cstd()
        .args(["invite", "--year", &year.to_string(), "--store"])
        .arg(store)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let file = out.join(format!("invites-{year}.csv"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the links are readable by their owner only"
        );
    }
    csv::Reader::from_path(&file)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[3].to_string())
        })
        .collect()
}

/// The path of a link: `/send/...`.
pub fn path_of(link: &str) -> &str {
    &link[link.find("/send/").unwrap()..]
}

fn ledger_entries(store: &std::path::Path) -> Vec<serde_json::Value> {
    let g = cstd::store::Store::new(store).require_current().unwrap();
    let l = g.ledger().unwrap();
    serde_json::to_value(&l.entries)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The "send it as it is" form, sent with `keep` set to `value`.
fn send_as_it_is(port: u16, link: &str, value: &str) -> Response {
    let boundary = "----cstd-keep";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"keep\"\r\n\r\n{value}\r\n--{boundary}--\r\n"
    );
    let kind = format!("multipart/form-data; boundary={boundary}");
    request(
        port,
        "POST",
        link,
        &[("Content-Type", &kind)],
        body.as_bytes(),
    )
}

pub const SECRETARIAT: &str = "a-secretariat-token-for-tests-0123";

#[test]
fn an_organization_sends_through_its_link_and_the_secretariat_follows() {
    let dir = crate::common::tempdir();
    let store = dir.path().join("store");
    let out = dir.path().join("out");
    let links = invite(&store, &out, 2026);
    let link = |org: &str| path_of(&links.iter().find(|(o, _)| o == org).unwrap().1).to_string();
    let kept = std::fs::read_to_string(store.join("invites.json")).unwrap();
    assert!(!kept.contains(&link("ITU")[6..]), "only hashes are kept");
    let server = Server::on_store(dir.path(), &store, &out);
    let p = server.port;

    // The page says whose link it is and what the secretariat holds.
    let page = request(p, "GET", &link("ITU"), &[], b"").text();
    assert!(page.contains("Send ITU&#x27;s report for 2026"), "{page}");
    assert!(page.contains("no report of yours for 2026 yet"), "{page}");

    // A valid file goes in at once: the receipt names it by its SHA-256,
    // recomputed here from the file itself.
    let itu = example("itu.xlsx");
    let sha = cstd::durable::sha256(&itu);
    let receipt = upload(p, &link("ITU"), "itu.xlsx", &itu, &[]);
    assert_eq!(receipt.status, 200);
    let r = receipt.text();
    assert!(
        r.contains(&sha) && r.contains("accepted: it is your report for 2026"),
        "{r}"
    );
    let entries = ledger_entries(&store);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["sha256"], sha.as_str());
    assert_eq!(entries[0]["channel"], "page");
    assert_eq!(entries[0]["organization"], "ITU");
    assert_eq!(entries[0]["outcome"], "accepted");
    let received = entries[0]["received"].as_str().unwrap();
    assert!(
        r.contains(&received.replace('T', " ").replace('Z', " UTC")),
        "{r}"
    );
    // The page now says what is in force.
    let page = request(p, "GET", &link("ITU"), &[], b"").text();
    assert!(page.contains("The secretariat holds itu.xlsx"), "{page}");

    // A file with errors is not sent on, but kept; confirmed, it goes in as rejected.
    let who = example("who.xlsx");
    let r = upload(
        p,
        &format!("{}?lang=fr", link("WHO")),
        "who.xlsx",
        &who,
        &[],
    )
    .text();
    assert!(r.contains("n&#x27;a pas été transmis"), "{r}");
    assert_eq!(
        ledger_entries(&store).len(),
        1,
        "not ingested without a word"
    );
    let keep = r
        .split("name=\"keep\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let inbox = |org: &str| -> Vec<String> {
        std::fs::read_dir(store.join("inbox/2026").join(org))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let kept = inbox("WHO");
    assert_eq!(kept.len(), 1, "kept in the inbox: {kept:?}");
    assert!(
        !r.contains(&kept[0]),
        "the form names an offer, never the file"
    );
    // The file's own inbox name, guessed, sends nothing.
    assert_eq!(send_as_it_is(p, &link("WHO"), &kept[0]).status, 404);
    assert_eq!(ledger_entries(&store).len(), 1);
    // Another organization's link cannot take WHO's offer.
    assert_eq!(send_as_it_is(p, &link("ITU"), &keep).status, 404);
    let r = send_as_it_is(p, &link("WHO"), &keep).text();
    assert!(
        r.contains("kept for the secretariat with its findings"),
        "{r}"
    );
    let entries = ledger_entries(&store);
    assert_eq!(entries.len(), 2);
    assert_eq!(
        (
            entries[1]["organization"].as_str(),
            entries[1]["outcome"].as_str()
        ),
        (Some("WHO"), Some("rejected"))
    );
    // An offer is taken once.
    assert_eq!(send_as_it_is(p, &link("WHO"), &keep).status, 404);

    // A report for another organization is not sent on through this link,
    // nor offered to be, nor forced in by the name it is kept under.
    let r = upload(p, &link("UNESCO"), "oif.xlsx", &example("oif.xlsx"), &[]).text();
    assert!(
        r.contains("This file reports for OIF, but this link is UNESCO"),
        "{r}"
    );
    assert!(!r.contains("name=\"keep\""), "{r}");
    let held = inbox("UNESCO");
    assert_eq!(send_as_it_is(p, &link("UNESCO"), &held[0]).status, 404);
    assert_eq!(ledger_entries(&store).len(), 2);

    // A wrong link, and a link replaced by a newer one, are refused.
    let wrong = request(p, "GET", "/send/0123456789abcdef0123456789abcdef", &[], b"");
    assert_eq!(wrong.status, 404);
    assert!(wrong.text().contains("This link is not in force"));
    let old = link("ITU");
    let again = invite(&store, &out, 2026);
    assert_eq!(
        request(p, "GET", &old, &[], b"").status,
        404,
        "a replaced link stops working"
    );
    let new = path_of(&again.iter().find(|(o, _)| o == "ITU").unwrap().1).to_string();
    assert_eq!(request(p, "GET", &new, &[], b"").status, 200);

    // The secretariat: closed without the token, open with it.
    let login = request(p, "GET", "/secretariat", &[], b"").text();
    assert!(login.contains("Secretariat token"), "{login}");
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let bad = request(
        p,
        "POST",
        "/secretariat/login",
        &form,
        b"token=not-the-token-at-all",
    );
    assert_eq!(bad.status, 403);
    assert!(bad.header("set-cookie").is_none());
    let good = request(
        p,
        "POST",
        "/secretariat/login",
        &form,
        format!("token={SECRETARIAT}").as_bytes(),
    );
    assert_eq!(good.status, 303);
    let cookie = good.header("set-cookie").unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_string();
    let signed = [("Cookie", session.as_str())];
    let status = request(p, "GET", "/secretariat", &signed, b"").text();
    assert!(status.contains("Reporting year 2026"), "{status}");
    assert!(
        status.contains("itu.xlsx (accepted; sent through the page)"),
        "{status}"
    );
    assert!(status.contains("who.xlsx (rejected"), "{status}");
    assert!(
        status.contains("oif.xlsx"),
        "the file not sent on is listed: {status}"
    );
    // Findings of a file, as the store keeps them.
    let who_sha = cstd::durable::sha256(&who);
    let f = request(
        p,
        "GET",
        &format!("/secretariat/findings/{who_sha}"),
        &signed,
        b"",
    )
    .text();
    assert!(f.contains("date-ambiguous"), "{f}");
    // The report: rebuilt by the button, then downloaded.
    assert_eq!(
        request(p, "GET", "/secretariat/files/2026/report.pdf", &signed, b"").status,
        404
    );
    let rebuilt = request(
        p,
        "POST",
        "/secretariat/rebuild",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", session.as_str()),
        ],
        b"year=2026",
    );
    assert_eq!(rebuilt.status, 303, "{}", rebuilt.text());
    let pdf = request(p, "GET", "/secretariat/files/2026/report.pdf", &signed, b"");
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with(b"%PDF"));
    // Nothing of it without the session.
    assert_eq!(
        request(p, "GET", "/secretariat/files/2026/report.pdf", &[], b"").status,
        303
    );
    assert_eq!(
        request(
            p,
            "GET",
            &format!("/secretariat/findings/{who_sha}"),
            &[],
            b""
        )
        .status,
        303
    );
    // The store is sound after all of it.
    let checked = cstd()
        .args(["check", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
}
