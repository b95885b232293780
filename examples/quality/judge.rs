//! Asking the engine each drawn query and judging its answer: a tally per kind, per folder
//! and for converted queries, and, when asked, one JSON line per failed query with what the
//! engine returned instead (the failures file).
//!
//! It only reads search results; what success means is decided in `draw.rs`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use jieba_rs::Jieba;
use serde::Serialize;
use zhengce::analysis::segment_query;
use zhengce::search::{SearchOptions, SearchResult, Searcher};

use crate::draw::{self, Query};
use crate::straddle::{Cut, Found};

/// How deep a failed query is searched again to find where its target ranks.
const DEEP: usize = 50;
/// Characters of a hit's text kept in the failures file.
const HIT_TEXT_CHARS: usize = 80;

/// The four kinds and what each measures.
const WHAT: [(char, &str); 4] = [
    ('a', "law name + article, top 3"),
    ('b', "document name, top 3"),
    ('c', "three rare words, top 10"),
    ('d', "the same words, other script, top 10"),
];

/// Successes out of queries.
#[derive(Debug, Default, Serialize, Clone, Copy)]
pub struct Tally {
    pub queries: usize,
    pub successes: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.queries += 1;
        self.successes += ok as usize;
    }

    fn rate(&self) -> f64 {
        self.successes as f64 / self.queries.max(1) as f64
    }
}

/// The result of one kind.
#[derive(Debug, Serialize)]
pub struct KindReport {
    pub kind: char,
    pub what: &'static str,
    pub cutoff: usize,
    #[serde(flatten)]
    pub all: Tally,
    pub rate: f64,
    pub by_folder: BTreeMap<String, Tally>,
    /// Queries converted to the other script (half of (a); (d) where conversion changed it).
    pub converted: Tally,
}

/// A hit of a failed query, as the failures file shows it.
#[derive(Serialize)]
struct FailedHit {
    rank: usize,
    score: f32,
    path: String,
    title: String,
    section: Vec<String>,
    paragraph: u32,
    /// The first [`HIT_TEXT_CHARS`] characters of the text.
    text: String,
    /// Characters of the whole text.
    chars: usize,
    /// The query's parts found in the text only across jieba's word boundaries.
    straddling: Vec<String>,
}

/// One line of the failures file.
#[derive(Serialize)]
struct Failure<'a> {
    #[serde(flatten)]
    query: &'a Query,
    /// The parts the query's terms are cut into (jieba, N form), as the engine cuts them.
    parts: Vec<String>,
    error: Option<String>,
    total: usize,
    rank_in_top_50: Option<usize>,
    hits: Vec<FailedHit>,
}

/// Asks `searcher` every query (default options) and tallies the successes by kind; writes
/// each failure to `failures` when given.
pub fn evaluate(
    searcher: &Searcher,
    jieba: &Jieba,
    queries: &[Query],
    failures: Option<&Path>,
) -> anyhow::Result<Vec<KindReport>> {
    let mut out = match failures {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create", path.display()))?,
        )),
        None => None,
    };
    let mut kinds: Vec<KindReport> = (WHAT.iter())
        .map(|&(kind, what)| KindReport {
            kind,
            what,
            cutoff: draw::cutoff(kind),
            all: Tally::default(),
            rate: 0.0,
            by_folder: BTreeMap::new(),
            converted: Tally::default(),
        })
        .collect();
    let opts = SearchOptions::default();
    for q in queries {
        let answer = searcher.search(&q.text, &opts);
        let ok = answer
            .as_ref()
            .is_ok_and(|r| r.hits.iter().take(q.cutoff()).any(|h| q.accepts(h)));
        let k = &mut kinds[(q.kind as u8 - b'a') as usize];
        k.all.add(ok);
        k.by_folder.entry(q.folder.clone()).or_default().add(ok);
        if q.converted {
            k.converted.add(ok);
        }
        let Some(out) = out.as_mut().filter(|_| !ok) else {
            continue;
        };
        let deep = SearchOptions {
            limit: DEEP,
            ..opts
        };
        let rank = (searcher.search(&q.text, &deep).ok())
            .and_then(|r| r.hits.iter().position(|h| q.accepts(h)).map(|i| i + 1));
        serde_json::to_writer(&mut *out, &failure(jieba, q, answer, rank))?;
        writeln!(out)?;
    }
    if let Some(mut out) = out {
        out.flush()?;
    }
    for k in &mut kinds {
        k.rate = k.all.rate();
    }
    Ok(kinds)
}

fn failure<'a>(
    jieba: &Jieba,
    query: &'a Query,
    answer: zhengce::Result<SearchResult>,
    rank_in_top_50: Option<usize>,
) -> Failure<'a> {
    let parts: Vec<String> = (query.text.split_whitespace())
        .flat_map(|term| segment_query(jieba, term))
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect();
    let (error, total, hits) = match answer {
        Ok(r) => (None, r.total, r.hits),
        Err(e) => (Some(e.to_string()), 0, Vec::new()),
    };
    let hits = (hits.into_iter())
        .map(|h| {
            let cut = Cut::new(jieba, &h.text);
            FailedHit {
                straddling: (parts.iter())
                    .filter(|p| matches!(cut.find(p), Found::Straddling(_)))
                    .cloned()
                    .collect(),
                chars: h.text.chars().count(),
                text: h.text.chars().take(HIT_TEXT_CHARS).collect(),
                rank: h.rank,
                score: h.score,
                path: h.path,
                title: h.title,
                section: h.section,
                paragraph: h.paragraph,
            }
        })
        .collect();
    Failure {
        query,
        parts,
        error,
        total,
        rank_in_top_50,
        hits,
    }
}
