//! The server's load test (`zhengce bench --serve`): a fixed number of clients, each on a
//! thread with one kept-alive connection, send a fixed number of mixed requests to a server on
//! loopback — phrases and words through the API and the page, by-document pages, second
//! pages, `path:` filters and document pages — and every answer is checked (status 200, and
//! for the API a JSON line with the query). It reports each kind's latency percentiles and
//! the requests per second, and counts every failed request. Bounded in count; it never runs
//! for longer than the requests take.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::client::Client;
use super::params::encode_value;
use crate::bench::sample_phrases;
use crate::output::html::encode_path;
use crate::search::Searcher;
use crate::{Error, Result};

/// Each client waits at most this long for one answer.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);
/// Documents whose paragraphs phrases are sampled from.
const SAMPLED_DOCUMENTS: usize = 400;

/// One kind of request of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `/api/search?q="phrase"`.
    PhraseApi,
    /// `/?q="phrase"`: the search page.
    PhrasePage,
    /// `/api/search?q=word word`.
    WordsApi,
    /// `/?q=…&by_doc=1`.
    ByDocumentPage,
    /// `/api/search?q=…&offset=10`.
    SecondPageApi,
    /// `/api/search?q="phrase" path:prefix`.
    PathFilterApi,
    /// `/doc/<path>?q=…`: a whole document with its hits.
    DocumentPage,
}

/// The mix: how many of every 20 requests are of each kind.
const MIX: [(Kind, usize); 7] = [
    (Kind::PhraseApi, 8),
    (Kind::PhrasePage, 4),
    (Kind::WordsApi, 2),
    (Kind::ByDocumentPage, 2),
    (Kind::SecondPageApi, 1),
    (Kind::PathFilterApi, 1),
    (Kind::DocumentPage, 2),
];

/// One request to send.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its kind.
    pub kind: Kind,
    /// The path and query string.
    pub path: String,
}

/// Latency of one kind of request.
#[derive(Debug, Clone, Serialize)]
pub struct KindReport {
    /// The kind.
    pub kind: Kind,
    /// Requests of it answered.
    pub requests: usize,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// The slowest, milliseconds.
    pub max_ms: f64,
}

/// What a load test measured.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// Concurrent clients.
    pub clients: usize,
    /// Requests sent.
    pub requests: usize,
    /// Requests that failed (an I/O error, a status other than 200, a wrong body).
    pub errors: usize,
    /// The first few failures, for the report.
    pub first_errors: Vec<String>,
    /// Wall seconds from the first request to the last answer.
    pub seconds: f64,
    /// Requests answered per second.
    pub requests_per_s: f64,
    /// Median latency of all requests, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile of all requests, milliseconds.
    pub p99_ms: f64,
    /// By kind.
    pub kinds: Vec<KindReport>,
    /// Answers that ran long enough to give way to shorter ones (`crate::serve::answerers`),
    /// when the server was in the process.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demoted_answers: Option<u64>,
}

/// A mix of requests over the documents of the index `searcher` reads: `phrases` phrases
/// sampled from its paragraphs (half in the other script), used in every kind of request;
/// with `phrases_only`, only phrases through the API.
pub fn targets(searcher: &Searcher, phrases: usize, phrases_only: bool) -> Result<Vec<Target>> {
    let paths = searcher.paths()?;
    let step = (paths.len() / SAMPLED_DOCUMENTS).max(1);
    let mut paragraphs = Vec::new();
    let mut docs = Vec::new();
    for path in paths.iter().step_by(step) {
        if let Some((doc, _)) = searcher.document(path)? {
            paragraphs.extend(doc.paragraphs.into_iter().map(|p| p.text));
            docs.push(path.clone());
        }
    }
    let phrases = sample_phrases(&paragraphs, phrases.max(1));
    if phrases.is_empty() || docs.is_empty() {
        return Err(Error::Other(
            "the index has no Han text to sample queries from".into(),
        ));
    }
    let mut out = Vec::new();
    let mut n = 0usize;
    while out.len() < phrases.len() * 2 {
        let only = [(Kind::PhraseApi, 1)];
        let mix: &[(Kind, usize)] = match phrases_only {
            true => &only,
            false => &MIX,
        };
        for &(kind, count) in mix {
            for _ in 0..count {
                let phrase = &phrases[n % phrases.len()];
                let other = &phrases[(n * 7 + 3) % phrases.len()];
                let doc = &docs[n % docs.len()];
                n += 1;
                let q = |q: &str| encode_value(q);
                let path = match kind {
                    Kind::PhraseApi => format!("/api/search?q={}", q(phrase)),
                    Kind::PhrasePage => format!("/?q={}", q(phrase)),
                    Kind::WordsApi => {
                        let words =
                            format!("{} {}", phrase.trim_matches('"'), other.trim_matches('"'));
                        format!("/api/search?q={}", q(&words))
                    }
                    Kind::ByDocumentPage => format!("/?q={}&by_doc=1", q(phrase)),
                    Kind::SecondPageApi => format!("/api/search?q={}&offset=10", q(phrase)),
                    Kind::PathFilterApi => {
                        let top = doc.split('/').next().unwrap_or("");
                        format!("/api/search?q={}", q(&format!("{phrase} path:{top}/")))
                    }
                    Kind::DocumentPage => {
                        format!("/doc/{}?q={}", encode_path(doc), q(phrase))
                    }
                };
                out.push(Target { kind, path });
            }
        }
    }
    Ok(out)
}

/// Sends `requests` requests from `targets` (in turn) to the server at `addr` from `clients`
/// threads at once, and reports.
pub fn run(addr: SocketAddr, targets: &[Target], clients: usize, requests: usize) -> LoadReport {
    let clients = clients.max(1);
    let started = Instant::now();
    let results: Vec<Vec<(Kind, Duration, Option<String>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                s.spawn(move || {
                    let mut client = Client::new(addr, CLIENT_TIMEOUT);
                    let mut out = Vec::new();
                    let mut k = c;
                    while k < requests && !targets.is_empty() {
                        let t = &targets[k % targets.len()];
                        let t0 = Instant::now();
                        let failure = match client.get(&t.path) {
                            Ok(r) => check(t, r.status, &r.body),
                            Err(e) => Some(format!("{}: {e}", t.path)),
                        };
                        out.push((t.kind, t0.elapsed(), failure));
                        k += clients;
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let all: Vec<_> = results.into_iter().flatten().collect();
    let failures: Vec<&String> = all.iter().filter_map(|(_, _, f)| f.as_ref()).collect();
    let times: Vec<Duration> = all.iter().map(|(_, t, _)| *t).collect();
    let (p50_ms, p99_ms, _) = percentiles(times);
    let kinds = (MIX.iter())
        .map(|(kind, _)| {
            let times: Vec<Duration> = (all.iter())
                .filter(|(k, _, _)| k == kind)
                .map(|(_, t, _)| *t)
                .collect();
            let requests = times.len();
            let (p50_ms, p99_ms, max_ms) = percentiles(times);
            KindReport {
                kind: *kind,
                requests,
                p50_ms,
                p99_ms,
                max_ms,
            }
        })
        .collect();
    LoadReport {
        clients,
        requests: all.len(),
        errors: failures.len(),
        first_errors: failures.iter().take(5).map(|s| s.to_string()).collect(),
        seconds,
        requests_per_s: all.len() as f64 / seconds.max(1e-9),
        p50_ms,
        p99_ms,
        kinds,
        demoted_answers: None,
    }
}

/// Why an answer to `t` is wrong, if it is.
fn check(t: &Target, status: u16, body: &[u8]) -> Option<String> {
    if status != 200 {
        return Some(format!("{}: status {status}", t.path));
    }
    let api = t.path.starts_with("/api/");
    let ok = match api {
        true => body.starts_with(b"{\"query\":") && body.ends_with(b"\n"),
        false => body.starts_with(b"<!DOCTYPE html>") && body.ends_with(b"</html>"),
    };
    (!ok).then(|| format!("{}: an unexpected body", t.path))
}

/// (p50, p99, max) of `times`, in milliseconds.
fn percentiles(mut times: Vec<Duration>) -> (f64, f64, f64) {
    if times.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    times.sort_unstable();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times[i].as_secs_f64() * 1e3
    };
    (at(0.5), at(0.99), at(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_ranked_times() {
        let times: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let (p50, p99, max) = percentiles(times);
        assert_eq!((p50.round(), p99.round(), max.round()), (51.0, 99.0, 100.0));
        assert_eq!(percentiles(Vec::new()), (0.0, 0.0, 0.0));
    }

    #[test]
    fn a_wrong_answer_is_a_failure() {
        let t = Target {
            kind: Kind::PhraseApi,
            path: "/api/search?q=x".into(),
        };
        assert!(check(&t, 200, b"{\"query\":\"x\"}\n").is_none());
        assert!(check(&t, 503, b"{\"query\":\"x\"}\n").is_some());
        assert!(check(&t, 200, b"<!DOCTYPE html></html>").is_some());
    }
}
