//! `zhengce serve`: the real binary serving on a free loopback port, asked over HTTP — the
//! search page (hits as the command line shows them, paging, filters, by document), the
//! document page, the JSON API against `zhengce search --json` and `inspect --json`,
//! escaping, confined paths, bounds, a missing index and a reload after a new commit; and the
//! library's server with small limits: the connection limit and the time allowed to send a
//! request's head (the time allowed to build an answer is tested in `serve::routes`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::harness::{copy_tree, index_json, run, sample_corpus, tempdir, zhengce, Served};

/// A document whose title, text and path hold markup, to check that the page escapes them.
const HOSTILE_PATH: &str = "escape/a&b<i>.txt";
const HOSTILE_TEXT: &str = "<script>alert(1)</script>标题\n第一章 总则\n第一条 本文件含有<script>alert(\"x\")</script>这样的文字，用于检验转义。\n";

/// The sample corpus plus the hostile document, indexed once: (temp dir, corpus, index).
fn served_index() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static ONCE: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = tempdir();
        let corpus = dir.path().join("corpus");
        copy_tree(&sample_corpus(), &corpus);
        std::fs::create_dir_all(corpus.join("escape")).unwrap();
        std::fs::write(corpus.join(HOSTILE_PATH), HOSTILE_TEXT).unwrap();
        let index = dir.path().join("index");
        index_json(&corpus, &index, &[]);
        (dir, corpus, index)
    })
}

fn index() -> &'static Path {
    &served_index().2
}

/// `zhengce search QUERY --json --index INDEX ARGS...`'s line.
fn cli_json(query: &str, args: &[&str]) -> Value {
    let r = run(zhengce()
        .args(["search", query, "--json", "--index"])
        .arg(index())
        .args(args));
    assert!(r.code() < 2, "{query}: {}", r.stderr());
    r.json()
}

/// A JSON body, parsed.
fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// `value` without its `took_us`.
fn untimed(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("took_us");
    v
}

fn enc(s: &str) -> String {
    zhengce::serve::params::encode_value(s)
}

#[test]
fn serve_prints_its_url_and_binds_loopback_by_default() {
    let s = Served::start(index(), &[]);
    assert!(s.addr.ip().is_loopback(), "{}", s.banner);
    assert!(
        s.banner.contains(&format!("http://{}/", s.addr)),
        "{}",
        s.banner
    );
    let err = s.stop();
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn serve_warns_when_bound_beyond_loopback() {
    // Bound to every address, asked only on loopback.
    let s = Served::start_at(index(), "0.0.0.0:0", &[]);
    assert_eq!(s.get("/").status, 200);
    let err = s.stop();
    assert!(err.contains("warning") && err.contains("no login"), "{err}");
}

#[test]
fn serve_search_page_shows_hits_as_the_cli_does() {
    let s = Served::start(index(), &[]);
    let q = "\"人工智能\"";
    let r = s.get(&format!("/?q={}", enc(q)));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r
        .header("content-security-policy")
        .is_some_and(|c| c.contains("script-src 'self'")));
    let page = r.text();
    let cli = cli_json(q, &[]);
    let hits = cli["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        let mut heading = h["title"].as_str().unwrap().to_string();
        for s in h["section"].as_array().unwrap() {
            heading.push_str(" › ");
            heading.push_str(s.as_str().unwrap());
        }
        assert!(page.contains(&heading), "{heading} missing from the page");
        let line = h["lines"][0].as_u64().unwrap();
        let path = h["path"].as_str().unwrap();
        assert!(page.contains(&format!("{path}:{line}")), "{path}:{line}");
        let href = format!("#p{}\"", h["paragraph"]);
        assert!(page.contains(&href), "{href}");
    }
    assert!(page.contains("<mark>人工智能</mark>"), "{page}");
    let count = format!("{} paragraphs match", cli["total"]);
    assert!(page.contains(&count), "{count}");
    // The search page keeps its state in the URL: the box holds the query.
    assert!(page.contains("value=\"&quot;人工智能&quot;\""), "{page}");
}

#[test]
fn serve_search_page_marks_forms_found_through_another_and_partial_answers() {
    let s = Served::start(index(), &[]);
    // 人工智慧 (Taiwan's word) is found as 人工智能 and the other way round.
    let page = s.get(&format!("/?q={}", enc("人工智慧"))).text();
    let cli = cli_json("人工智慧", &[]);
    let forms = cli["hits"][0]["found"][0]["as"].as_array();
    if let Some(forms) = forms.filter(|f| !f.is_empty()) {
        let shown = format!("found 人工智慧 as {}", forms[0].as_str().unwrap());
        assert!(page.contains(&shown), "{shown}: {page}");
    } else {
        assert!(page.contains("<mark>"), "{page}");
    }
    let q = "人工智能 排水防涝";
    let cli = cli_json(q, &[]);
    assert_eq!(cli["partial"], true, "{cli}");
    let page = s.get(&format!("/?q={}", enc(q))).text();
    assert!(
        page.contains("No paragraph has every part of the query"),
        "{page}"
    );
    assert!(page.contains("lacks: "), "{page}");
}

#[test]
fn serve_search_page_pages_through_hits() {
    let s = Served::start(index(), &[]);
    let q = "数据";
    let first = s.get(&format!("/?q={q}&limit=2")).text();
    assert!(first.contains("page 1 of"), "{first}");
    assert!(!first.contains("rel=\"prev\""));
    let next = first
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a next link")
        .replace("&amp;", "&");
    assert!(
        next.contains("offset=2") && next.contains("limit=2"),
        "{next}"
    );
    let second = s.get(&next).text();
    assert!(second.contains("page 2 of") && second.contains("rel=\"prev\""));
    let cli = cli_json(q, &["--limit", "2", "--offset", "2"]);
    for h in cli["hits"].as_array().unwrap() {
        let rank = format!("<span class=\"rank\">{}.</span>", h["rank"]);
        assert!(second.contains(&rank), "{rank}");
        assert!(second.contains(h["path"].as_str().unwrap()));
    }
    assert!(!second.contains("<span class=\"rank\">1.</span>"));
}

#[test]
fn serve_filters_and_the_by_document_view_answer_as_the_cli() {
    let s = Served::start(index(), &[]);
    let q = "数据 path:notices/";
    let api = json(&s.get(&format!("/api/search?q={}&limit=50", enc(q))).body);
    let hits = api["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits
        .iter()
        .all(|h| h["path"].as_str().unwrap().starts_with("notices/")));
    let page = s.get(&format!("/?q={}&by_doc=1", enc("数据"))).text();
    let cli = cli_json("数据", &["--by-doc"]);
    let docs = cli["documents"].as_array().unwrap();
    assert!(docs.len() > 1);
    assert_eq!(page.matches("<li class=\"document\">").count(), docs.len());
    for d in docs {
        assert!(page.contains(d["title"].as_str().unwrap()));
        let n = d["matches"].as_u64().unwrap();
        let s = if n == 1 { "" } else { "s" };
        assert!(page.contains(&format!("({n} matching paragraph{s})")));
    }
    assert!(page.contains("checked"), "the by-document box stays ticked");
    // The facet counts are links that add their filter to the query.
    let page = s.get(&format!("/?q={}", enc("数据"))).text();
    let facets = cli_json("数据", &["--facets"])["facets"].clone();
    let kinds = facets["kind"].as_array().expect("kind facets");
    let chosen = (kinds.iter())
        .find(|k| k["value"].is_string())
        .unwrap_or_else(|| panic!("a document of the sample corpus with a kind: {facets}"));
    let kind = chosen["value"].as_str().unwrap();
    let link = format!("href=\"/?q={}\"", enc(&format!("数据 kind:{kind}")));
    assert!(page.contains("<div class=\"facets\">"), "{page}");
    assert!(page.contains(&link), "{link}: {page}");
    let narrowed = json(
        &s.get(&format!(
            "/api/search?q={}",
            enc(&format!("数据 kind:{kind}"))
        ))
        .body,
    );
    assert_eq!(narrowed["total"], chosen["count"]);
}

#[test]
fn serve_api_search_is_the_cli_json_but_for_took_us() {
    let s = Served::start(index(), &[]);
    let cases: [(&str, &str, &[&str]); 12] = [
        (
            "数据",
            "&facets=1&sort=-date",
            &["--facets", "--sort", "-date"],
        ),
        (
            "数据",
            "&versions=all&sort=date&by_doc=1",
            &["--versions", "all", "--sort", "date", "--by-doc"],
        ),
        ("数据 kind:规范性文件", "&facets=1", &["--facets"]),
        ("\"人工智能\"", "", &[]),
        (
            "数据 安全",
            "&limit=3&offset=1",
            &["--limit", "3", "--offset", "1"],
        ),
        ("数据", "&by_doc=1", &["--by-doc"]),
        ("\"个人资料\"", "&script=simp", &["--script", "simp"]),
        (
            "数据安全",
            "&script=trad&context=1",
            &["--script", "trad", "--context", "1"],
        ),
        (
            "数据",
            "&all_copies=1&limit=20",
            &["--all-copies", "--limit", "20"],
        ),
        ("第1条", "&literal=1", &["--literal"]),
        ("数据", "&count=1", &["--count"]),
        ("人工智能 排水防涝", "", &[]),
    ];
    for (q, params, flags) in cases {
        let r = s.get(&format!("/api/search?q={}{params}", enc(q)));
        assert_eq!(r.status, 200, "{q}{params}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert!(r.body.ends_with(b"\n") && r.text().lines().count() == 1);
        let api = untimed(json(&r.body));
        let cli = untimed(cli_json(q, flags));
        assert_eq!(api, cli, "{q} {params}");
    }
    // A malformed query is the CLI's error object, status 400.
    let r = s.get(&format!("/api/search?q={}", enc("\"未闭合")));
    assert_eq!(r.status, 400);
    let v = json(&r.body);
    assert_eq!(v["query"], "\"未闭合");
    assert!(v["error"].as_str().unwrap().contains("character 0"), "{v}");
}

#[test]
fn serve_document_page_has_outline_anchors_metadata_and_marked_hits() {
    let s = Served::start(index(), &[]);
    let path = "laws/人工智能产业促进条例.md";
    let q = "\"人工智能\"";
    let r = s.get(&format!(
        "/doc/{}?q={}",
        zhengce::output::html::encode_path(path),
        enc(q)
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    let api = json(
        &s.get(&format!(
            "/api/doc/{}",
            zhengce::output::html::encode_path(path)
        ))
        .body,
    );
    let paragraphs = api["paragraphs"].as_array().unwrap();
    for p in paragraphs {
        assert!(page.contains(&format!("id=\"p{}\"", p["paragraph"])));
    }
    assert!(page.contains("<nav class=\"outline\""), "{page}");
    assert!(page.contains("<dl class=\"meta\">"));
    assert!(page.contains(&format!("<h1>{}</h1>", api["title"].as_str().unwrap())));
    // The marked paragraphs are the CLI's hits of the query in this document.
    let cli = cli_json(
        &format!("{q} path:{path}"),
        &["--limit", "100", "--all-copies"],
    );
    let mut want: Vec<String> = (cli["hits"].as_array().unwrap().iter())
        .map(|h| format!("p{}", h["paragraph"]))
        .collect();
    let mut marked: Vec<String> = page
        .split("<p id=\"")
        .skip(1)
        .filter(|p| p.split('>').next().unwrap().contains(" hit\""))
        .map(|p| p.split('"').next().unwrap().to_string())
        .collect();
    want.sort();
    marked.sort();
    assert!(!want.is_empty());
    assert_eq!(marked, want);
    assert!(page.contains("<mark>人工智能</mark>"));
    assert!(page.contains("button class=\"cite\""));
    assert!(page.contains("src=\"/assets/app.js\""));
    let js = s.get("/assets/app.js");
    assert_eq!(js.status, 200);
    assert!(js.text().contains("copy citation") || js.text().contains("citation copied"));
}

#[test]
fn serve_api_document_is_inspect_json_of_the_indexed_file() {
    let s = Served::start(index(), &[]);
    let corpus = &served_index().1;
    for path in [
        "notices/关于加强数据安全管理的通知.md",
        "laws-tw/個人資料保護施行細則.txt",
        "reports/2025年数字政府建设工作报告.txt",
    ] {
        let r = s.get(&format!(
            "/api/doc/{}",
            zhengce::output::html::encode_path(path)
        ));
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        let mut api = json(&r.body);
        let ins = run(zhengce()
            .args(["inspect", path, "--json"])
            .current_dir(corpus));
        assert_eq!(ins.code(), 0, "{}", ins.stderr());
        let mut cli = ins.json();
        assert_eq!(api["path"], path);
        api["path"] = Value::Null;
        cli["path"] = Value::Null;
        assert_eq!(api, cli, "{path}");
    }
}

#[test]
fn serve_escapes_document_text_paths_and_queries() {
    let s = Served::start(index(), &[]);
    let page = s.get(&format!("/?q={}", enc("\"alert\""))).text();
    assert!(page.contains("&lt;script&gt;"), "{page}");
    assert!(page.contains("a&amp;b&lt;i&gt;.txt"), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<i>"), "{page}");
    let hostile_q = "<script>alert(2)</script>";
    // JSON holds text as written, and is never read as a page.
    let api = s.get(&format!("/api/search?q={}", enc(hostile_q)));
    assert_eq!(api.header("content-type"), Some("application/json"));
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    for target in [
        format!("/?q={}", enc(hostile_q)),
        format!(
            "/doc/{}?q={}",
            zhengce::output::html::encode_path(HOSTILE_PATH),
            enc(hostile_q)
        ),
        format!(
            "/doc/{}?q={}&limit=x",
            zhengce::output::html::encode_path(HOSTILE_PATH),
            enc(hostile_q)
        ),
    ] {
        let r = s.get(&target);
        assert!(r.status == 200 || r.status == 400, "{target}: {}", r.status);
        let body = r.text();
        assert!(!body.contains("<script>alert"), "{target}: {body}");
    }
    let doc = s
        .get(&format!(
            "/doc/{}?q=alert",
            zhengce::output::html::encode_path(HOSTILE_PATH)
        ))
        .text();
    assert!(
        doc.contains("&lt;script&gt;alert(1)&lt;/script&gt;标题"),
        "{doc}"
    );
    assert!(doc.contains("<mark>alert</mark>"), "{doc}");
    assert!(!doc.contains("<script>alert"), "{doc}");
    // The API's JSON holds the text as written.
    let api = json(&s.get(&format!("/api/search?q={}", enc("\"alert\""))).body);
    assert!(api["hits"][0]["text"]
        .as_str()
        .unwrap()
        .contains("<script>"));
}

#[test]
fn serve_confines_document_paths_to_the_index() {
    let s = Served::start(index(), &[]);
    for target in [
        "/doc/../../etc/passwd",
        "/doc/%2e%2e/%2e%2e/etc/passwd",
        "/doc/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/doc/..%2f..%2f..%2fetc%2fpasswd",
        "/doc/laws/../../../../etc/passwd",
        "/doc//etc/passwd",
        "/doc/%2Fetc%2Fpasswd",
        "/doc/..%5C..%5Cetc%5Cpasswd",
        "/doc/%252e%252e/etc/passwd",
        "/doc/laws/%00.md",
        "/doc/../Cargo.toml",
        "/doc/corpus/laws/人工智能产业促进条例.md",
        "/api/doc/../../etc/passwd",
        "/api/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/../../etc/passwd",
        "/assets/../../etc/passwd",
    ] {
        let r = s.get(target);
        assert_eq!(r.status, 404, "{target}: {}", r.text());
        assert!(!r.text().contains("root:"), "{target}");
    }
    // What is indexed is served.
    assert_eq!(s.get("/api/doc/laws/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD%E4%BA%A7%E4%B8%9A%E4%BF%83%E8%BF%9B%E6%9D%A1%E4%BE%8B.md").status, 200);
    // Nothing but reading: other methods are refused.
    let mut c = s.client();
    let r = c.request("POST", "/api/search?q=x", b"{}").unwrap();
    assert_eq!(r.status, 405);
}

#[test]
fn serve_bounds_query_length_page_size_and_request_size() {
    let s = Served::start(index(), &[]);
    for target in [
        "/api/search?q=x&limit=101",
        "/api/search?q=x&offset=10001",
        "/api/search?q=x&context=51",
    ] {
        let r = s.get(target);
        assert_eq!(r.status, 400, "{target}");
        assert!(json(&r.body)["error"].as_str().is_some());
    }
    let long = format!("/api/search?q={}", "a".repeat(5000));
    assert_eq!(s.get(&long).status, 400);
    let page = s.get(&format!("/?q={}&limit=500", enc("数据")));
    assert_eq!(page.status, 400);
    assert!(page
        .text()
        .contains("limit: `500` is not a whole number from 0 to 100"));
    // A request head past the bound is refused (or the connection closed), not read on.
    let huge = format!("/?q={}", "a".repeat(200_000));
    if let Ok(r) = s.client().get(&huge) {
        assert_ne!(r.status, 200);
    }
    assert_eq!(
        s.get("/?q=%E6%95%B0%E6%8D%AE").status,
        200,
        "the server goes on"
    );
}

#[test]
fn serve_answers_from_a_new_commit_without_restart() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), "第一份\n这里写着甲乙丙。\n").unwrap();
    let index = dir.path().join("index");
    // Served before any index exists: a clear page, not a crash.
    let s = Served::start(&index, &[]);
    let r = s.get("/?q=%E7%94%B2");
    assert_eq!(r.status, 503);
    assert!(r.text().contains("zhengce index"), "{}", r.text());
    let r = s.get("/api/search?q=%E7%94%B2");
    assert_eq!(r.status, 503);
    assert!(json(&r.body)["error"]
        .as_str()
        .unwrap()
        .contains(index.to_str().unwrap()));
    index_json(&corpus, &index, &[]);
    let total = |q: &str| json(&s.get(&format!("/api/search?q={}", enc(q))).body)["total"].clone();
    assert_eq!(total("\"甲乙丙\""), 1);
    assert_eq!(total("\"丁戊己\""), 0);
    std::fs::write(corpus.join("b.txt"), "第二份\n新增丁戊己与甲乙丙。\n").unwrap();
    index_json(&corpus, &index, &[]);
    assert_eq!(total("\"丁戊己\""), 1, "the new commit is searched");
    assert_eq!(total("\"甲乙丙\""), 2);
    assert_eq!(s.get("/doc/b.txt").status, 200);
    std::fs::remove_file(corpus.join("a.txt")).unwrap();
    index_json(&corpus, &index, &[]);
    assert_eq!(s.get("/doc/a.txt").status, 404, "a removed file is gone");
    // A damaged index is a page that says so; the server goes on.
    let meta = index.join("meta.json");
    let good = std::fs::read(&meta).unwrap();
    std::fs::write(&meta, b"{ not json").unwrap();
    let r = s.get("/?q=%E7%94%B2");
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.text().contains("cannot be searched now"), "{}", r.text());
    std::fs::write(&meta, good).unwrap();
    index_json(&corpus, &index, &["--full"]);
    assert_eq!(total("\"丁戊己\""), 1);
}

/// A server of the library on a free loopback port over the shared test index, with `limits`.
fn limited(limits: zhengce::serve::Limits) -> zhengce::serve::Running {
    let addr = "127.0.0.1:0".parse().unwrap();
    let server = zhengce::serve::Server::bind(index(), addr, limits).unwrap();
    server.spawn().unwrap()
}

/// Sends a GET of `target` on `stream` without waiting for the answer.
fn send_get(stream: &mut std::net::TcpStream, target: &str) {
    use std::io::Write;
    let head = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
}

/// What `stream` answers, read to its end within `wait`; the error kind if it answers nothing.
fn read_answer(
    stream: &mut std::net::TcpStream,
    wait: std::time::Duration,
) -> Result<String, std::io::ErrorKind> {
    use std::io::Read;
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut out = Vec::new();
    match stream.read_to_end(&mut out) {
        Ok(_) => Ok(String::from_utf8_lossy(&out).into_owned()),
        Err(e) if !out.is_empty() && e.kind() == std::io::ErrorKind::ConnectionReset => {
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        Err(e) => Err(e.kind()),
    }
}

/// Whether a read error kind is a read that timed out (rather than the connection ending).
fn timed_out(kind: std::io::ErrorKind) -> bool {
    matches!(
        kind,
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

#[test]
fn serve_holds_no_more_connections_than_its_limit() {
    use std::net::TcpStream;
    use std::time::Duration;
    let limits = zhengce::serve::Limits {
        connections: 2,
        ..Default::default()
    };
    let server = limited(limits);
    // Two clients that send nothing hold both places (the listen queue is first come, first
    // accepted).
    let mut held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    let mut third = TcpStream::connect(server.addr()).unwrap();
    send_get(&mut third, &format!("/api/search?q={}", enc("\"数据\"")));
    // Not accepted while both are held: no answer (this can only fail by answering).
    let waited = read_answer(&mut third, Duration::from_millis(800));
    assert!(matches!(waited, Err(k) if timed_out(k)), "{waited:?}");
    // One place freed: the waiting request is accepted and answered.
    drop(held.remove(0));
    let answer = read_answer(&mut third, Duration::from_secs(60)).expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"query\":"), "{answer}");
}

#[test]
fn serve_drops_a_client_that_sends_no_request_in_time() {
    use std::io::Write;
    use std::net::TcpStream;
    use std::time::Duration;
    let limits = zhengce::serve::Limits {
        header_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let server = limited(limits);
    // One sends nothing, one half a request head: both are closed by the server, which
    // would otherwise keep them open for as long as they like.
    let mut silent = TcpStream::connect(server.addr()).unwrap();
    let mut half = TcpStream::connect(server.addr()).unwrap();
    half.write_all(b"GET /api/search?q=x HTTP/1.1\r\nHost: loc")
        .unwrap();
    for (name, stream) in [("silent", &mut silent), ("half", &mut half)] {
        match read_answer(stream, Duration::from_secs(60)) {
            // Closed, with or without a 408.
            Ok(text) => assert!(
                text.is_empty() || text.starts_with("HTTP/1.1 408"),
                "{name}: {text}"
            ),
            Err(k) => assert!(!timed_out(k), "{name}: still open after a minute ({k:?})"),
        }
    }
    // A prompt client is still answered.
    let mut prompt = TcpStream::connect(server.addr()).unwrap();
    send_get(&mut prompt, &format!("/api/search?q={}", enc("数据")));
    let answer = read_answer(&mut prompt, Duration::from_secs(60)).expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
