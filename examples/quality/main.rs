//! The known-item evaluation of issue 19: queries staff would type, each with one known
//! right answer, drawn at random (fixed seed) from the corpus files, run against an index
//! through the library's public search API, and scored by whether the answer is in the top
//! hits. It measures; it changes nothing in the index or the engine.
//!
//! `cargo run --release --example quality -- CORPUS_DIR INDEX_DIR [--seed N] [--per-kind N]
//! [--json] [--failures FILE]`
//!
//! The four kinds (see `draw.rs` for the exact rules, `docs/QUALITY.md` for the rationale):
//! - (a) a law's name and one of its article labels (`劳动合同法 第十条`), half of them in the
//!   other script: a paragraph under that article, of a document of that name, in the top 3;
//! - (b) a document's name (its file name without version date or year prefix): a paragraph
//!   of a document of that name in the top 3;
//! - (c) the three rarest jieba words of a random body paragraph of 30+ characters: that
//!   paragraph, or one with the same N(text), in the top 10;
//! - (d) the same words converted to the other script, judged the same way.
//!
//! Prints a table (or one JSON object with `--json`); `--failures FILE` writes one JSON line
//! per failed query with its target, the total, the rank of the target within the top 50
//! when it is there, and the top 10 hits (each with its length and the query parts it holds
//! only across jieba's word boundaries).

mod corpus;
mod draw;

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use jieba_rs::Jieba;
use serde::Serialize;
use zhengce::analysis::{normalize, segment_query};
use zhengce::search::{SearchOptions, SearchResult, Searcher};

use draw::{DrawStats, Query};
use zhengce::rng::Rng;

/// How deep a failed query is searched again to find where its target ranks.
const DEEP: usize = 50;
/// Characters of a hit's text kept in the failures file.
const HIT_TEXT_CHARS: usize = 80;

#[derive(Parser)]
#[command(about = "Known-item evaluation of search quality (issue 19)")]
struct Args {
    /// The corpus the index was built from.
    corpus: PathBuf,
    /// The index to evaluate.
    index: PathBuf,
    /// Seed of the random draws.
    #[arg(long, default_value_t = 19)]
    seed: u64,
    /// Queries drawn per kind.
    #[arg(long, default_value_t = 200)]
    per_kind: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Write each failed query, its target and its top hits to FILE (JSON Lines).
    #[arg(long, value_name = "FILE")]
    failures: Option<PathBuf>,
}

fn main() {
    if let Err(e) = run(Args::parse()) {
        eprintln!("quality: {e:#}");
        std::process::exit(2);
    }
}

/// Successes out of queries.
#[derive(Default, Serialize, Clone, Copy)]
struct Tally {
    queries: usize,
    successes: usize,
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

#[derive(Serialize)]
struct KindReport {
    kind: char,
    what: &'static str,
    cutoff: usize,
    #[serde(flatten)]
    all: Tally,
    rate: f64,
    by_folder: BTreeMap<String, Tally>,
    /// Queries converted to the other script (half of (a); (d) where conversion changed it).
    converted: Tally,
}

#[derive(Serialize)]
struct Report {
    seed: u64,
    per_kind: usize,
    documents: usize,
    excluded: BTreeMap<String, usize>,
    /// Pool sizes and draws passed over.
    draws: DrawStats,
    kinds: Vec<KindReport>,
    seconds: BTreeMap<&'static str, f64>,
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
        .map(|h| FailedHit {
            straddling: straddling(jieba, &parts, &h.text),
            chars: h.text.chars().count(),
            text: h.text.chars().take(HIT_TEXT_CHARS).collect(),
            rank: h.rank,
            score: h.score,
            path: h.path,
            title: h.title,
            section: h.section,
            paragraph: h.paragraph,
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

/// The `parts` that occur in N(`text`) but never as a run of whole jieba words: every
/// occurrence starts or ends inside a word (税收 in 非税收入, 法 in 法律).
fn straddling(jieba: &Jieba, parts: &[String], text: &str) -> Vec<String> {
    let norm = normalize(text);
    let chars: Vec<char> = norm.chars().collect();
    let bounds: HashSet<usize> = (jieba.cut(&norm, true).iter())
        .flat_map(|t| [t.start, t.end])
        .collect();
    let on_bounds = |i: usize, n: usize| bounds.contains(&i) && bounds.contains(&(i + n));
    (parts.iter())
        .filter(|part| {
            let p: Vec<char> = part.chars().collect();
            let mut at = (0..(chars.len() + 1).saturating_sub(p.len()))
                .filter(|&i| chars[i..i + p.len()] == p[..])
                .peekable();
            at.peek().is_some() && at.all(|i| !on_bounds(i, p.len()))
        })
        .cloned()
        .collect()
}

const WHAT: [(char, &str); 4] = [
    ('a', "law name + article, top 3"),
    ('b', "document name, top 3"),
    ('c', "three rare words, top 10"),
    ('d', "the same words, other script, top 10"),
];

fn run(args: Args) -> anyhow::Result<()> {
    let mut seconds = BTreeMap::new();
    let t = Instant::now();
    let corpus = corpus::load(&args.corpus)?;
    seconds.insert("load", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let jieba = zhengce::analysis::load_jieba(&[])?;
    let mut stats = DrawStats::new();
    let n = args.per_kind;
    let rng = |stream| Rng::with_stream(args.seed, stream);
    let mut queries = draw::law_articles(&corpus, &mut rng(1), n, &mut stats);
    queries.extend(draw::doc_names(&corpus, &mut rng(2), n, &mut stats));
    let (same, other) = draw::rare_words(&corpus, &jieba, &mut rng(3), n, &mut stats);
    queries.extend(same.into_iter().chain(other));
    seconds.insert("draw", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let searcher = Searcher::open(&args.index)
        .with_context(|| format!("{}: cannot open the index", args.index.display()))?;
    let mut failures = match &args.failures {
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
    for q in &queries {
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
        let Some(out) = failures.as_mut().filter(|_| !ok) else {
            continue;
        };
        let deep = SearchOptions {
            limit: DEEP,
            ..opts
        };
        let rank = (searcher.search(&q.text, &deep).ok())
            .and_then(|r| r.hits.iter().position(|h| q.accepts(h)).map(|i| i + 1));
        let failure = failure(&jieba, q, answer, rank);
        serde_json::to_writer(&mut *out, &failure)?;
        writeln!(out)?;
    }
    if let Some(mut out) = failures {
        out.flush()?;
    }
    seconds.insert("search", t.elapsed().as_secs_f64());
    for k in &mut kinds {
        k.rate = k.all.rate();
    }
    let report = Report {
        seed: args.seed,
        per_kind: args.per_kind,
        documents: corpus.docs.len(),
        excluded: corpus.excluded,
        draws: stats,
        kinds,
        seconds,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.json {
        true => writeln!(out, "{}", serde_json::to_string(&report)?)?,
        false => print_table(&mut out, &report)?,
    }
    Ok(())
}

fn print_table(out: &mut impl Write, r: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "documents: {} (seed {}, {} queries per kind)",
        r.documents, r.seed, r.per_kind
    )?;
    for (reason, n) in &r.excluded {
        writeln!(out, "  left out: {n:>6}  {reason}")?;
    }
    for (what, n) in &r.draws {
        writeln!(out, "  {what}: {n}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<44} {:>7} {:>9} {:>7}",
        "kind", "queries", "successes", "rate"
    )?;
    for k in &r.kinds {
        let name = format!("({}) {}", k.kind, k.what);
        let (q, s) = (k.all.queries, k.all.successes);
        writeln!(out, "{name:<44} {q:>7} {s:>9} {:>6.1}%", 100.0 * k.rate)?;
    }
    writeln!(out)?;
    for k in &r.kinds {
        let mut parts: Vec<String> = (k.by_folder.iter())
            .map(|(f, t)| format!("{f} {}/{}", t.successes, t.queries))
            .collect();
        parts.push(format!(
            "converted {}/{}",
            k.converted.successes, k.converted.queries
        ));
        writeln!(out, "({}) {}", k.kind, parts.join(", "))?;
    }
    let s = &r.seconds;
    let time = |k: &str| s.get(k).copied().unwrap_or(0.0);
    writeln!(
        out,
        "seconds: load {:.1}, draw {:.1}, search {:.1}",
        time("load"),
        time("draw"),
        time("search")
    )
}
