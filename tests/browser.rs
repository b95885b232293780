//! A real browser on the page: headless Chromium driven over WebDriver (chromedriver) loads
//! the search page, types a query, sees a highlighted hit, opens its document and steps
//! through the hits with `n` and `p`. Says it was skipped when Chromium or chromedriver is not
//! installed (`.ci/run` installs Debian's `chromium` and `chromium-driver`). With
//! `ZHENGCE_SCREENSHOTS=DIR` it saves the two pages as `DIR/serve-search.png` and
//! `DIR/serve-document.png` (the pictures in the README).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use zhengce::serve::client::Client;

use crate::harness::{sample_index, Served};

/// How long the browser may take to show what a step waits for.
const WAIT: Duration = Duration::from_secs(30);

/// The flags Chromium needs to run headless as root in a container, without reaching out.
const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,860",
];

/// The first of `names` found on `PATH`.
fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// A chromedriver process, ended by its own handle when dropped.
struct Driver {
    child: Child,
    client: Client,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Driver {
    fn start(chromedriver: &Path, chromium: &Path) -> Driver {
        // A free port: bound, read, released, then given to chromedriver.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let profile = crate::harness::tempdir();
        let mut d = Driver {
            child,
            client: Client::new(addr, Duration::from_secs(60)),
            session: None,
            _profile: profile,
        };
        let started = Instant::now();
        loop {
            if let Ok(r) = d.client.get("/status") {
                if serde_json::from_slice::<Value>(&r.body)
                    .is_ok_and(|v| v["value"]["ready"] == true)
                {
                    break;
                }
            }
            assert!(started.elapsed() < WAIT, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", d._profile.path().display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}});
        let v = d.call("POST", "/session", Some(caps));
        d.session = Some(v["sessionId"].as_str().expect("a session").to_string());
        d.session_call(
            "POST",
            "/window/rect",
            Some(json!({"width": 1280, "height": 900})),
        );
        d
    }

    /// One WebDriver call; its `value`. An error answer fails the test.
    fn call(&mut self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let r = self
            .client
            .request(method, path, body.as_bytes())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let v: Value = serde_json::from_slice(&r.body)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {}", r.text()));
        assert_eq!(r.status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn session_call(&mut self, method: &str, path: &str, body: Option<Value>) -> Value {
        let sid = self.session.clone().expect("a session");
        self.call(method, &format!("/session/{sid}{path}"), body)
    }

    fn go(&mut self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })));
    }

    fn script(&mut self, js: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({"script": js, "args": []})),
        )
    }

    /// Waits until `js` returns something other than null or false; returns it.
    fn wait_for(&mut self, what: &str, js: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.script(js);
            if !v.is_null() && v != false {
                return v;
            }
            assert!(started.elapsed() < WAIT, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn element(&mut self, css: &str) -> String {
        let v = self.session_call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        (v.as_object().and_then(|o| o.values().next()))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    /// Presses one key (a character, or a WebDriver key code such as `\u{E007}`, Enter).
    fn press(&mut self, key: &str) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]});
        self.session_call("POST", "/actions", Some(actions));
    }

    fn screenshot(&mut self, to: &Path) {
        let v = self.session_call("GET", "/screenshot", None);
        let png = base64_decode(v.as_str().expect("a screenshot"));
        std::fs::write(to, png).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(sid) = self.session.take() {
            let _ = self
                .client
                .request("DELETE", &format!("/session/{sid}"), b"");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Standard base64 (WebDriver's screenshots), padding and line breaks ignored.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for v in s.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn browser_base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8gd29ybGQ="), b"hello world");
    assert_eq!(base64_decode("AAEC\n/w=="), [0, 1, 2, 255]);
}

#[test]
fn browser_searches_opens_a_document_and_steps_through_hits() {
    let (Some(chromedriver), Some(chromium)) = (
        find_program(&["chromedriver"]),
        find_program(&["chromium", "chromium-browser"]),
    ) else {
        eprintln!(
            "browser test skipped: chromium and chromedriver are not installed \
             (Debian: apt-get install chromium chromium-driver)"
        );
        return;
    };
    let served = Served::start(&sample_index().index, &[]);
    let base = format!("http://{}", served.addr);
    let mut d = Driver::start(&chromedriver, &chromium);
    d.go(&format!("{base}/"));
    d.wait_for(
        "the search box",
        "return document.getElementById('q') !== null",
    );
    let q = d.element("#q");
    d.session_call(
        "POST",
        &format!("/element/{q}/value"),
        Some(json!({"text": "\"人工智能\"\u{E007}"})),
    );
    let mark = d.wait_for(
        "a highlighted hit",
        "var m = document.querySelector('ol.hits li.hit mark'); return m && m.textContent",
    );
    assert_eq!(mark, "人工智能");
    let url = d.script("return location.href");
    assert!(
        url.as_str().unwrap().contains("q=%22"),
        "the query is in the URL: {url}"
    );
    if let Some(dir) = std::env::var_os("ZHENGCE_SCREENSHOTS") {
        d.screenshot(&Path::new(&dir).join("serve-search.png"));
    }
    // `/` puts the cursor in the search box.
    d.script("document.activeElement.blur(); return true");
    d.press("/");
    let focused = d.script("return document.activeElement && document.activeElement.id");
    assert_eq!(focused, "q");
    d.press("\u{E00C}"); // Escape leaves the box, so `n` and `p` are keys again.
                         // Open the first hit's document at its paragraph.
    let link = d.element("ol.hits li.hit .head a");
    d.session_call("POST", &format!("/element/{link}/click"), Some(json!({})));
    let hits = d.wait_for(
        "the document's hits",
        "var h = document.querySelectorAll('article.text p.hit'); return h.length > 1 && h.length",
    );
    let hits = hits.as_u64().unwrap();
    let ids = d.script(
        "return Array.prototype.map.call(document.querySelectorAll('article.text p.hit'), function (p) { return p.id; })",
    );
    let ids: Vec<String> = serde_json::from_value(ids).unwrap();
    let start = d.script("return location.hash.slice(1)");
    let at = ids
        .iter()
        .position(|i| *i == start)
        .unwrap_or_else(|| panic!("{start} is not a hit: {ids:?}"));
    let current = "var c = document.querySelector('p.current'); return c && c.id";
    assert_eq!(
        d.script(current),
        start,
        "the linked hit is the current one"
    );
    d.press("n");
    let next = &ids[(at + 1) % ids.len()];
    assert_eq!(d.script(current), *next);
    assert_eq!(d.script("return location.hash"), format!("#{next}"));
    let marks = d.script("return document.querySelectorAll('p.current mark').length");
    assert!(marks.as_u64().unwrap() > 0, "the hit's match is marked");
    d.press("n");
    d.press("p");
    assert_eq!(d.script(current), *next, "p steps back");
    assert!(hits as usize == ids.len());
    // "copy citation" copies the title, the section path, the paragraph and where it is
    // (the clipboard is stood in for, to read back what was written).
    d.script(
        "window.copied = null; navigator.clipboard.writeText = function (t) { window.copied = t; return Promise.resolve(); }; return true",
    );
    let cite = d.element("p.current button.cite");
    d.session_call("POST", &format!("/element/{cite}/click"), Some(json!({})));
    let copied = d.wait_for("the copied citation", "return window.copied");
    let copied = copied.as_str().unwrap();
    let title = d.script("return document.querySelector('.doc-head h1').textContent");
    let text = d.script("return document.querySelector('p.current .t').textContent");
    assert!(copied.starts_with(title.as_str().unwrap()), "{copied}");
    assert!(copied.contains(" › "), "the section path: {copied}");
    assert!(copied.contains(text.as_str().unwrap()), "{copied}");
    assert!(
        copied.contains(".txt:") || copied.contains(".md:"),
        "{copied}"
    );
    // Nothing is wider than the window.
    let overflow = d.script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    let wide = d.script("var w = document.documentElement.clientWidth; return Array.prototype.filter.call(document.querySelectorAll('*'), function (e) { return e.getBoundingClientRect().right > w + 1; }).slice(0, 8).map(function (e) { return e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right); })");
    assert_eq!(overflow, 0, "the page scrolls sideways: {wide}");
    if let Some(dir) = std::env::var_os("ZHENGCE_SCREENSHOTS") {
        d.script("window.scrollTo(0, 0); return true");
        d.screenshot(&Path::new(&dir).join("serve-document.png"));
    }
    drop(d);
    drop(served);
}
