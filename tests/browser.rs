//! The check page in a real browser: headless Chromium driven over
//! WebDriver (Debian's `chromium` and `chromium-driver`), as a person uses
//! it: choose the language, choose a file, read the findings. Screenshots
//! of each page, narrow and wide, are left in the target folder to look at.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::common::{Book, s, tempdir, write};
use crate::serve::{SECRETARIAT, Server, invite, path_of, request};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
    /// Kept open: chromedriver keeps writing its log there.
    _log: std::thread::JoinHandle<()>,
}

impl Driver {
    fn start() -> Driver {
        let mut child = Command::new("chromedriver")
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver) is needed by the browser tests");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut port = None;
        for _ in 0..20 {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            // "ChromeDriver was started successfully on port 40123."
            if let Some(p) = line.split("successfully on port ").nth(1) {
                port = p.trim().trim_end_matches('.').parse().ok();
                break;
            }
        }
        let port = port.expect("chromedriver says its port");
        let log = std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        Driver {
            child,
            port,
            _log: log,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session.
struct Browser<'a> {
    driver: &'a Driver,
    session: String,
}

impl<'a> Browser<'a> {
    fn open(driver: &'a Driver, width: u32, lang: &str) -> Browser<'a> {
        // A profile of its own: tests run side by side, and Chromium will not
        // share one.
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let profile =
            std::env::temp_dir().join(format!("cstd-chromium-{}-{width}-{n}", std::process::id()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         format!("--window-size={width},900"), format!("--lang={lang}"),
                         format!("--user-data-dir={}", profile.display())],
                "prefs": {"intl.accept_languages": lang},
            }
        }}});
        let r = call(driver.port, "POST", "/session", &caps);
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_string();
        Browser { driver, session }
    }

    fn call(&self, method: &str, path: &str, body: &Value) -> Value {
        call(
            self.driver.port,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", &json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let r = self.call(
            "POST",
            "/element",
            &json!({"using": "css selector", "value": css}),
        );
        r["value"][ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no {css}: {r}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/click"), &json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            &json!({ "text": text }),
        );
    }

    fn source(&self) -> String {
        self.call("GET", "/source", &Value::Null)["value"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The page's text once it holds `needle` (a page after a click may
    /// still be loading), or what it holds after ten seconds.
    fn text_with(&self, needle: &str) -> String {
        let mut text = String::new();
        for _ in 0..100 {
            let r = self.call(
                "POST",
                "/element",
                &json!({"using": "css selector", "value": "body"}),
            );
            if let Some(body) = r["value"][ELEMENT].as_str() {
                text = self.call("GET", &format!("/element/{body}/text"), &Value::Null)["value"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                if text.contains(needle) {
                    break;
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        text
    }

    /// A screenshot in the target folder, to look at.
    fn screenshot(&self, name: &str) {
        let png = self.call("GET", "/screenshot", &Value::Null)["value"]
            .as_str()
            .unwrap()
            .to_string();
        let bytes = base64_decode(&png);
        assert!(bytes.starts_with(b"\x89PNG"));
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), bytes).unwrap();
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        call(
            self.driver.port,
            "DELETE",
            &format!("/session/{}", self.session),
            &Value::Null,
        );
    }
}

fn call(port: u16, method: &str, path: &str, body: &Value) -> Value {
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let r = request(
        port,
        method,
        path,
        &[("Content-Type", "application/json")],
        &body,
    );
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= (value(*c) as u32) << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}

#[test]
fn a_person_checks_a_file_in_the_browser_in_english_and_french() {
    let server = Server::start(&[]);
    assert_eq!(
        request(server.port, "GET", "/healthz", &[], b"").status,
        200
    );
    let dir = tempdir();
    let broken = write(
        dir.path(),
        "rapport.xlsx",
        &Book::valid()
            .set("Actions", "E3", s("policy dialog"))
            .xlsx(),
    );
    let valid = write(dir.path(), "valid.xlsx", &Book::valid().xlsx());
    let bomb = write(
        dir.path(),
        "bomb.xlsx",
        &crate::common::zip(&[("xl/workbook.xml", &vec![b' '; 300 * 1024 * 1024][..])]),
    );
    let driver = Driver::start();
    let home = format!("http://127.0.0.1:{}/", server.port);
    for (width, size) in [(1280, "wide"), (390, "narrow")] {
        let b = Browser::open(&driver, width, "en-US");
        // The browser's language first: English.
        b.go(&home);
        let text = b.text_with("Check a submission");
        assert!(text.contains("Check a submission"), "{text}");
        b.screenshot(&format!("form-en-{size}"));
        // A valid file: accepted.
        b.type_into("input[type=file]", valid.to_str().unwrap());
        b.click("button[type=submit]");
        let text = b.text_with("can be accepted");
        assert!(text.contains("can be accepted"), "{text}");
        b.screenshot(&format!("valid-en-{size}"));
        // Switch to French, check the broken file.
        b.click("a[hreflang=fr]");
        let text = b.text_with("Vérifier une contribution");
        assert!(text.contains("Vérifier une contribution"), "{text}");
        b.screenshot(&format!("form-fr-{size}"));
        b.type_into("input[type=file]", broken.to_str().unwrap());
        b.click("button[type=submit]");
        let text = b.text_with("Valeur absente de la liste des codes");
        assert!(
            text.contains("Valeur absente de la liste des codes"),
            "{text}"
        );
        assert!(text.contains("Actions!E3"), "{text}");
        assert!(text.contains("policy dialog"), "{text}");
        assert!(
            text.contains("ne peut pas être accepté en l'état"),
            "{text}"
        );
        assert!(b.source().contains("Télécharger votre classeur"));
        // The row around the cell, the cell marked.
        assert!(text.contains("Ligne 3 de Actions"), "{text}");
        let marked = b.find(".rowview .cell.target");
        let marked = b.call("GET", &format!("/element/{marked}/text"), &Value::Null);
        assert!(
            marked["value"]
                .as_str()
                .unwrap_or("")
                .contains("policy dialog"),
            "{marked}"
        );
        b.screenshot(&format!("findings-fr-{size}"));
        // Back to the form, in French still.
        b.click("a.button.secondary");
        let text = b.text_with("Fichier de la contribution");
        assert!(text.contains("Fichier de la contribution"), "{text}");
        // A zip bomb: said in words on the page, and the server still answers.
        b.type_into("input[type=file]", bomb.to_str().unwrap());
        b.click("button[type=submit]");
        let text = b.text_with("ne peut pas être lu");
        assert!(text.contains("ne peut pas être lu"), "{text}");
        b.screenshot(&format!("bomb-fr-{size}"));
        assert_eq!(
            request(server.port, "GET", "/healthz", &[], b"").status,
            200
        );
    }
}

#[test]
fn an_organization_sends_with_its_link_and_the_secretariat_signs_in() {
    let dir = tempdir();
    let store = dir.path().join("store");
    let out = dir.path().join("out");
    let links = invite(&store, &out, 2026);
    let link = |links: &[(String, String)], org: &str| {
        path_of(&links.iter().find(|(o, _)| o == org).unwrap().1).to_string()
    };
    let server = Server::on_store(dir.path(), &store, &out);
    let base = format!("http://127.0.0.1:{}", server.port);
    let valid_bytes = Book::valid().xlsx();
    let valid = write(dir.path(), "itu-2026.xlsx", &valid_bytes);
    let broken = write(
        dir.path(),
        "who-2026.xlsx",
        &Book::valid()
            .set("Organization", "B4", s("WHO"))
            .set("Organization", "B3", s("World Health Organization"))
            .set("Actions", "E3", s("policy dialog"))
            .xlsx(),
    );
    let driver = Driver::start();

    // ITU sends a valid file and reads its receipt.
    let b = Browser::open(&driver, 1280, "en-US");
    b.go(&format!("{base}{}", link(&links, "ITU")));
    let text = b.text_with("Send ITU's report for 2026");
    assert!(text.contains("no report of yours for 2026 yet"), "{text}");
    b.screenshot("send-en-wide");
    b.type_into("input[type=file]", valid.to_str().unwrap());
    b.click("button[type=submit]");
    let text = b.text_with("Receipt");
    assert!(
        text.contains("accepted: it is your report for 2026"),
        "{text}"
    );
    assert!(
        text.contains(&cstd::durable::sha256(&valid_bytes)),
        "{text}"
    );
    b.screenshot("receipt-en-wide");

    // A wrong link is refused.
    b.go(&format!("{base}/send/0123456789abcdef0123456789abcdef"));
    let text = b.text_with("not in force");
    assert!(text.contains("This link is not in force"), "{text}");
    // So is ITU's link once a new one replaces it.
    let old = link(&links, "ITU");
    let made = crate::common::cstd()
        .args(["invite", "--year", "2026", "--only", "ITU", "--store"])
        .arg(&store)
        .arg("--output")
        .arg(dir.path().join("again"))
        .output()
        .unwrap();
    assert!(made.status.success());
    b.go(&format!("{base}{old}"));
    let text = b.text_with("not in force");
    assert!(text.contains("This link is not in force"), "{text}");
    drop(b);

    // WHO, in French on a narrow screen, sends a file with errors, then
    // asks for it to be kept as it is.
    let b = Browser::open(&driver, 390, "fr-FR");
    b.go(&format!("{base}{}", link(&links, "WHO")));
    let text = b.text_with("Envoyer le rapport 2026 de WHO");
    assert!(text.contains("Envoyer le rapport 2026 de WHO"), "{text}");
    b.screenshot("send-fr-narrow");
    b.type_into("input[type=file]", broken.to_str().unwrap());
    b.click("button[type=submit]");
    let text = b.text_with("n'a pas été transmis");
    assert!(
        text.contains("Valeur absente de la liste des codes"),
        "{text}"
    );
    b.screenshot("not-sent-fr-narrow");
    b.click("form.keep button");
    let text = b.text_with("Accusé de réception");
    assert!(text.contains("conservé pour le secrétariat"), "{text}");
    b.screenshot("receipt-fr-narrow");
    drop(b);

    // The secretariat signs in and sees both files, wide and narrow.
    for (width, size) in [(1280, "wide"), (390, "narrow")] {
        let b = Browser::open(&driver, width, "en-US");
        b.go(&format!("{base}/secretariat"));
        let text = b.text_with("Secretariat token");
        assert!(text.contains("Secretariat token"), "{text}");
        b.type_into("input[name=token]", "not-the-token-at-all");
        b.click("button[type=submit]");
        let text = b.text_with("not the secretariat's token");
        assert!(
            text.contains("This is not the secretariat's token"),
            "{text}"
        );
        b.type_into("input[name=token]", SECRETARIAT);
        b.click("button[type=submit]");
        let text = b.text_with("Reporting year 2026");
        assert!(
            text.contains("itu-2026.xlsx (accepted; sent through the page)"),
            "{text}"
        );
        assert!(text.contains("who-2026.xlsx (rejected"), "{text}");
        b.screenshot(&format!("secretariat-{size}"));
        drop(b);
    }
}
