//! The server's routes, all `GET` (none changes anything):
//!
//! | route | answer |
//! |---|---|
//! | `/?q=…&limit=…` | the search page ([`SearchParams`] for the parameters) |
//! | `/doc/<path>?q=…` | the document page, the query's hits marked |
//! | `/api/search?q=…` | the JSON line of `zhengce search --json` with the same parameters |
//! | `/api/doc/<path>` | the JSON of `zhengce inspect --json` for the indexed document |
//! | `/assets/style.css`, `/assets/app.js` | the page's style and script, compiled in |
//!
//! Every answer is built on one of the answering threads ([`guarded`], [`Answerers`]): a
//! fixed number at normal priority, a long answer giving way to short ones, each within a
//! time limit, and a panic while building one is that request's `500 Internal Server
//! Error`, never the server's end. A document path is looked up in the
//! index only ([`crate::search::Searcher::document`]) and a path with an empty, `.` or `..`
//! segment is refused before that: nothing outside the indexed documents can be read.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::Markup;

use super::answerers::Answerers;
use super::pages::{self, document::Found, facets::FacetValues, search::Answer};
use super::params::{decode_pairs, ParamError, SearchParams};
use super::state::IndexState;
use crate::output::json::{self as json_out};
use crate::search::{query, SearchOptions};

/// The most paragraphs of one document marked as hits on its page.
const MAX_DOC_HITS: usize = 10_000;

/// The style sheet, compiled in.
const STYLE: &str = include_str!("assets/style.css");
/// The script, compiled in.
const SCRIPT: &str = include_str!("assets/app.js");

/// What every request shares: the index, and the threads that build answers.
pub struct App {
    /// The index, reopened when a commit happens.
    pub state: IndexState,
    /// The answering threads.
    pub answerers: Answerers,
    /// How long building one answer may take before the client is told to try again.
    pub request_timeout: Duration,
}

/// One answer: status, content type and body.
pub struct Reply {
    status: StatusCode,
    content_type: &'static str,
    body: String,
    cache: bool,
}

impl Reply {
    fn html(status: StatusCode, m: Markup) -> Reply {
        Reply {
            status,
            content_type: "text/html; charset=utf-8",
            body: m.into_string(),
            cache: false,
        }
    }

    fn json(status: StatusCode, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            // The JSON writer writes UTF-8: no copy but in the case that cannot happen.
            body: String::from_utf8(body)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            cache: false,
        }
    }

    fn json_error(status: StatusCode, query: &str, error: &str) -> Reply {
        let mut body = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = json_out::write_error(&mut body, query, error);
        Reply::json(status, body)
    }

    fn failed(status: StatusCode, what: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{what}\n"),
            cache: false,
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut r = (self.status, self.body).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
                 connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            ),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        let cache = match self.cache {
            true => "public, max-age=3600",
            false => "no-store",
        };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        r
    }
}

/// The router of every route over `app`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(search_page))
        .route("/doc/{*path}", get(doc_page))
        .route("/api/search", get(api_search))
        .route("/api/doc/{*path}", get(api_doc))
        .route(
            "/assets/style.css",
            get(|| async { asset("text/css", STYLE) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript", SCRIPT) }),
        )
        .fallback(not_found)
        .with_state(app)
}

fn asset(content_type: &'static str, body: &'static str) -> Reply {
    Reply {
        status: StatusCode::OK,
        content_type,
        body: body.to_string(),
        cache: true,
    }
}

/// Runs `f` on one of `answerers`' threads, waiting at most `timeout` for it to finish (it
/// goes on to the end, on its thread, so the bounds of [`Answerers`] hold); a panic inside
/// `f` is a `500` for this request only.
pub async fn guarded(
    answerers: &Answerers,
    timeout: Duration,
    f: impl FnOnce() -> Reply + Send + 'static,
) -> Reply {
    match tokio::time::timeout(timeout, answerers.answer(f)).await {
        Ok(Ok(Ok(reply))) => reply,
        Ok(Ok(Err(_))) => Reply::failed(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error while answering this request (the server goes on; please report it)",
        ),
        Ok(Err(_)) => Reply::failed(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"),
        Err(_) => Reply::failed(
            StatusCode::SERVICE_UNAVAILABLE,
            "this request took too long; try a narrower query",
        ),
    }
}

/// Runs `f` with the app on an answering thread ([`guarded`]).
async fn with_app(app: Arc<App>, f: impl FnOnce(&App) -> Reply + Send + 'static) -> Reply {
    let (timeout, shared) = (app.request_timeout, Arc::clone(&app));
    guarded(&app.answerers, timeout, move || f(&shared)).await
}

/// The parameters of `uri`'s query string; on an error, the parameters with only the query
/// (so the page still shows what was typed) and the error.
fn params_of(uri: &Uri) -> Result<SearchParams, (SearchParams, ParamError)> {
    let pairs = decode_pairs(uri.query().unwrap_or(""));
    SearchParams::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))).map_err(|e| {
        let q = (pairs.iter().rev())
            .find(|(n, _)| n == "q")
            .map(|(_, v)| v.chars().take(200).collect())
            .unwrap_or_default();
        let p = SearchParams {
            q,
            ..SearchParams::default()
        };
        (p, e)
    })
}

/// What a page says when the index cannot be opened.
fn index_message(dir: &std::path::Path, e: &crate::Error) -> String {
    format!(
        "The index {} cannot be searched now:\n{e}\n\nThe page answers again as soon as \
         `zhengce index` has built or repaired it; there is no need to restart the server.",
        dir.display()
    )
}

async fn search_page(State(app): State<Arc<App>>, uri: Uri) -> Reply {
    with_app(app, move |app| {
        let params = match params_of(&uri) {
            Ok(p) => p,
            Err((p, e)) => {
                return Reply::html(
                    StatusCode::BAD_REQUEST,
                    pages::search::page(&p, Answer::Failed(&e.0), &[]),
                )
            }
        };
        if params.q.trim().is_empty() {
            return Reply::html(
                StatusCode::OK,
                pages::search::page(&params, Answer::Nothing, &[]),
            );
        }
        let searcher = match app.state.searcher() {
            Ok(s) => s,
            Err(e) => {
                let msg = index_message(app.state.dir(), &e);
                return Reply::html(
                    StatusCode::SERVICE_UNAVAILABLE,
                    pages::search::page(&params, Answer::Failed(&msg), &[]),
                );
            }
        };
        // The page always shows the facet counts, as links that narrow the query.
        let opts = SearchOptions {
            facets: true,
            ..params.options()
        };
        match searcher.search(&params.q, &opts) {
            Ok(r) => {
                let facets = facet_values(r.facets.as_ref());
                Reply::html(
                    StatusCode::OK,
                    pages::search::page(&params, Answer::Found(&r), &facets),
                )
            }
            Err(e) => Reply::html(
                StatusCode::BAD_REQUEST,
                pages::search::page(&params, Answer::Failed(&e.to_string()), &[]),
            ),
        }
    })
    .await
}

/// The facets of an answer as the page renders them, by name.
fn facet_values(f: Option<&crate::search::Facets>) -> Vec<(&'static str, FacetValues)> {
    let Some(f) = f else {
        return Vec::new();
    };
    let values = |counts: &[crate::search::FacetCount]| -> FacetValues {
        counts.iter().map(|c| (c.value.clone(), c.count)).collect()
    };
    vec![
        ("kind", values(&f.kind)),
        ("status", values(&f.status)),
        ("region", values(&f.region)),
        ("year", values(&f.year)),
        ("issuer", values(&f.issuer)),
    ]
}

async fn api_search(State(app): State<Arc<App>>, uri: Uri) -> Reply {
    with_app(app, move |app| {
        let params = match params_of(&uri) {
            Ok(p) => p,
            Err((p, e)) => return Reply::json_error(StatusCode::BAD_REQUEST, &p.q, &e.0),
        };
        let searcher = match app.state.searcher() {
            Ok(s) => s,
            Err(e) => {
                return Reply::json_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &params.q,
                    &e.to_string(),
                )
            }
        };
        match searcher.search(&params.q, &params.options()) {
            Ok(r) => {
                let mut body = Vec::new();
                let _ = json_out::write_result(&mut body, &r);
                Reply::json(StatusCode::OK, body)
            }
            Err(e) => Reply::json_error(StatusCode::BAD_REQUEST, &params.q, &e.to_string()),
        }
    })
    .await
}

/// The document path of a request path under `prefix`, percent-decoded; `None` when it is
/// not valid UTF-8 or has an empty, `.` or `..` segment (no indexed path has one).
pub fn doc_path(request_path: &str, prefix: &str) -> Option<String> {
    let raw = request_path.strip_prefix(prefix)?;
    let path = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?
        .into_owned();
    let bad = |s: &str| s.is_empty() || s == "." || s == ".." || s.contains('\\');
    match path.split('/').any(bad) || path.contains('\0') {
        true => None,
        false => Some(path),
    }
}

/// A document and its metadata, read from the index.
type IndexedDocument = (
    crate::corpus::Document,
    Option<crate::corpus::meta::DocMeta>,
);

/// The document at the request's path, or the reply that says why there is none.
fn find_document(
    app: &App,
    uri: &Uri,
    prefix: &str,
) -> Result<(IndexedDocument, Arc<crate::search::Searcher>), Reply> {
    let missing = || Reply::failed(StatusCode::NOT_FOUND, "no such document in the index");
    let path = doc_path(uri.path(), prefix).ok_or_else(missing)?;
    let searcher = app.state.searcher().map_err(|e| {
        Reply::failed(
            StatusCode::SERVICE_UNAVAILABLE,
            &index_message(app.state.dir(), &e),
        )
    })?;
    match searcher.document(&path) {
        Ok(Some(doc)) => Ok((doc, searcher)),
        Ok(None) => Err(missing()),
        Err(e) => Err(Reply::failed(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("{path}: cannot be read from the index: {e}"),
        )),
    }
}

async fn doc_page(State(app): State<Arc<App>>, uri: Uri) -> Reply {
    with_app(app, move |app| {
        let (params, param_error) = match params_of(&uri) {
            Ok(p) => (p, None),
            Err((p, e)) => (p, Some(e)),
        };
        let ((doc, meta), searcher) = match find_document(app, &uri, "/doc/") {
            Ok(found) => found,
            Err(reply) => {
                let heading = match reply.status {
                    StatusCode::NOT_FOUND => "Not found",
                    _ => "The document cannot be shown",
                };
                let detail = reply.body.trim_end().to_string();
                return Reply::html(reply.status, pages::message(&params, heading, &detail));
            }
        };
        let found = match (param_error, params.q.trim().is_empty()) {
            (Some(e), _) => Found::Failed(e.0),
            (None, true) => Found::Nothing,
            (None, false) => {
                let opts = SearchOptions {
                    limit: doc.paragraphs.len().clamp(1, MAX_DOC_HITS),
                    fold_copies: false,
                    ..params.options()
                };
                let opts = SearchOptions { offset: 0, ..opts };
                let q = query::within_document(&params.q, &doc.path);
                match searcher.search(&q, &opts) {
                    Ok(r) => Found::Hits(pages::document::DocHits {
                        paragraphs: (r.hits.into_iter())
                            .filter(|h| h.path == doc.path)
                            .map(|h| (h.paragraph, (h.text, h.highlights)))
                            .collect::<HashMap<_, _>>(),
                        partial: r.partial,
                    }),
                    Err(e) => Found::Failed(e.to_string()),
                }
            }
        };
        Reply::html(
            StatusCode::OK,
            pages::document::page(&params, &doc, meta.as_ref(), &found),
        )
    })
    .await
}

async fn api_doc(State(app): State<Arc<App>>, uri: Uri) -> Reply {
    with_app(app, move |app| {
        match find_document(app, &uri, "/api/doc/") {
            Ok(((doc, meta), _)) => match document_json(&doc, meta.unwrap_or_default()) {
                Ok(mut body) => {
                    body.push(b'\n');
                    Reply::json(StatusCode::OK, body)
                }
                Err(e) => json_command_error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            },
            Err(reply) => json_command_error(reply.status, reply.body.trim_end()),
        }
    })
    .await
}

/// The document as `inspect --json` prints it: the document's fields and its `meta`.
fn document_json(
    doc: &crate::corpus::Document,
    meta: crate::corpus::meta::DocMeta,
) -> serde_json::Result<Vec<u8>> {
    let mut v = serde_json::to_value(doc)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("meta".to_string(), serde_json::to_value(&meta)?);
    }
    serde_json::to_vec(&v)
}

/// `{"error": …}`, as the commands other than `search` print their errors with `--json`.
fn json_command_error(status: StatusCode, error: &str) -> Reply {
    let mut body = Vec::new();
    let _ = json_out::write_command_error(&mut body, error);
    Reply::json(status, body)
}

async fn not_found(uri: Uri) -> Reply {
    match uri.path().starts_with("/api/") {
        true => json_command_error(StatusCode::NOT_FOUND, "no such endpoint"),
        false => Reply::html(
            StatusCode::NOT_FOUND,
            pages::message(
                &SearchParams::default(),
                "Not found",
                "There is no such page.",
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_paths_are_confined_to_plain_segments() {
        assert_eq!(
            doc_path("/doc/a/b.txt", "/doc/").as_deref(),
            Some("a/b.txt")
        );
        assert_eq!(
            doc_path("/doc/a/%E6%9D%A1%E4%BE%8B.md", "/doc/").as_deref(),
            Some("a/条例.md")
        );
        for bad in [
            "/doc/../../etc/passwd",
            "/doc/%2e%2e/%2e%2e/etc/passwd",
            "/doc/..%2f..%2fetc%2fpasswd",
            "/doc/a/./b",
            "/doc//etc/passwd",
            "/doc/%2Fetc%2Fpasswd",
            "/doc/a%5C..%5Cb",
            "/doc/a%00b",
            "/doc/%ff",
            "/doc/",
        ] {
            assert_eq!(doc_path(bad, "/doc/"), None, "{bad}");
        }
    }

    /// A runtime of one worker thread, as the answers' tests need.
    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    }

    /// One answering thread that is never demoted.
    fn one_thread() -> Answerers {
        Answerers::start(super::super::answerers::Lanes {
            threads: 1,
            demote_after: Duration::from_secs(3600),
            max_demoted: 0,
        })
    }

    #[test]
    fn a_panic_is_one_request_s_500_and_the_next_is_answered() {
        let rt = runtime();
        let answerers = one_thread();
        let t = Duration::from_secs(30);
        let panicked = rt.block_on(guarded(&answerers, t, || panic!("a bug in one request")));
        assert_eq!(panicked.status, StatusCode::INTERNAL_SERVER_ERROR);
        // The only thread still answers.
        let ok = rt.block_on(guarded(&answerers, t, || {
            Reply::failed(StatusCode::OK, "fine")
        }));
        assert_eq!((ok.status, ok.body.as_str()), (StatusCode::OK, "fine\n"));
    }

    #[test]
    fn an_answer_past_its_time_is_a_503_and_keeps_its_thread_until_done() {
        let rt = runtime();
        let answerers = one_thread();
        // An answer that waits until the test lets it go: it cannot finish in time.
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let slow = rt.block_on(guarded(&answerers, Duration::from_millis(50), move || {
            let _ = wait.recv();
            let _ = done.send(());
            Reply::failed(StatusCode::OK, "late")
        }));
        assert_eq!(slow.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(slow.body.contains("took too long"), "{}", slow.body);
        // Still working on its thread: slow answers cannot pile up past the threads.
        assert_eq!(answerers.busy(), 1);
        go.send(()).unwrap();
        finished.recv().unwrap();
        let ok = rt.block_on(guarded(&answerers, Duration::from_secs(30), || {
            Reply::failed(StatusCode::OK, "fine")
        }));
        assert_eq!(ok.status, StatusCode::OK);
    }
}
