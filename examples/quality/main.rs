//! The known-item evaluation of issue 19: queries staff would type, each with one known
//! right answer, drawn at random (fixed seed) from the corpus files, run against an index
//! through the library's public search API, and scored by whether the answer is in the top
//! hits. It measures; it changes nothing in an index it did not build.
//!
//! `cargo run --release --example quality -- CORPUS [INDEX] [--layout as-is|headless]
//! [--keep DIR] [--straddle] [--seed N] [--per-kind N] [--json] [--failures FILE]`
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
//! Without INDEX the example builds an index of CORPUS itself (`index.rs`); with
//! `--layout headless` it builds it from a variant of CORPUS whose statutes have no title
//! (`layout.rs`). `--straddle` adds the words-as-words measurement (`straddle.rs`). Prints a
//! table, or one JSON object with `--json` (`report.rs`); `--failures FILE` writes one JSON
//! line per failed query (`judge.rs`).

mod corpus;
mod draw;
mod index;
mod judge;
mod layout;
mod report;
mod straddle;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use zhengce::rng::Rng;

use draw::{DrawStats, Query};
use index::Layout;
use report::Report;

#[derive(Parser)]
#[command(about = "Known-item evaluation of search quality (issue 19)")]
struct Args {
    /// The corpus the queries are drawn from (and the index is built from, without INDEX).
    corpus: PathBuf,
    /// The index to evaluate, built from CORPUS. Left out, an index of CORPUS is built in a
    /// temporary folder (or in --keep DIR).
    index: Option<PathBuf>,
    /// The layout of the corpus the index is built from: `headless` rewrites the statutes
    /// of laws-cn and laws-tw without title and header lines (docs/QUALITY.md); it builds
    /// its own index, so INDEX must be left out.
    #[arg(long, value_enum, default_value_t = Layout::AsIs)]
    layout: Layout,
    /// Build the corpus variant and the index in DIR (which must not exist or be empty) and
    /// keep them, instead of a temporary folder.
    #[arg(long, value_name = "DIR", conflicts_with = "index")]
    keep: Option<PathBuf>,
    /// Also count, among the top 10 hits of common two-character words, those that hold the
    /// word only across jieba's words.
    #[arg(long)]
    straddle: bool,
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

/// Fits drawn queries to an index of the headless variant: a paragraph target in a
/// rewritten file is judged by its text alone (the variant numbers paragraphs anew), and a
/// query whose target paragraph lies in a header the variant drops (the date lines of an
/// info block) is left out and counted.
fn to_headless(root: &Path, queries: &mut Vec<Query>, stats: &mut DrawStats) -> anyhow::Result<()> {
    let mut header_lines = BTreeMap::new();
    let mut kept = Vec::with_capacity(queries.len());
    for mut q in queries.drain(..) {
        let (Some(lines), true) = (q.target_lines(), layout::is_rewritten(q.target_path())) else {
            kept.push(q);
            continue;
        };
        let header = match header_lines.get(q.target_path()) {
            Some(&n) => n,
            None => {
                let n = layout::header_lines_of(&root.join(q.target_path()))?;
                header_lines.insert(q.target_path().to_owned(), n);
                n
            }
        };
        if lines[0] as usize <= header {
            let what = format!(
                "({}) left out: target in a header the headless layout drops",
                q.kind
            );
            *stats.entry(what).or_default() += 1;
            continue;
        }
        q.match_text_only();
        kept.push(q);
    }
    *queries = kept;
    Ok(())
}

fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.layout == Layout::AsIs || args.index.is_none(),
        "--layout headless builds its own index of the variant corpus: leave INDEX out"
    );
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
    if args.layout == Layout::Headless {
        to_headless(&args.corpus, &mut queries, &mut stats)?;
    }
    seconds.insert("draw", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let prepared = index::prepare(
        &args.corpus,
        args.index.as_deref(),
        args.layout,
        args.keep.as_deref(),
    )?;
    if prepared.built.is_some() {
        seconds.insert("build", t.elapsed().as_secs_f64());
    }

    let t = Instant::now();
    let searcher = &prepared.searcher;
    let kinds = judge::evaluate(searcher, &jieba, &queries, args.failures.as_deref())?;
    seconds.insert("search", t.elapsed().as_secs_f64());
    let straddle = match args.straddle {
        true => {
            let t = Instant::now();
            let report = straddle::measure(searcher, &jieba)?;
            seconds.insert("straddle", t.elapsed().as_secs_f64());
            Some(report)
        }
        false => None,
    };

    let report = Report {
        seed: args.seed,
        per_kind: args.per_kind,
        layout: args.layout,
        built: prepared.built,
        documents: corpus.docs.len(),
        excluded: corpus.excluded,
        draws: stats,
        kinds,
        straddle,
        seconds,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.json {
        true => writeln!(out, "{}", serde_json::to_string(&report)?)?,
        false => report::print_table(&mut out, &report)?,
    }
    Ok(())
}
