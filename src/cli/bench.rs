//! `zhengce bench CORPUS_DIR [--queries FILE] [--runs N] [--json]`: indexes the folder into a
//! temporary index and times queries (see [`zhengce::bench`]); prints a table or one JSON
//! object. `zhengce bench CORPUS_DIR --serve [--index DIR] [--clients N] [--requests N]`
//! load-tests the web server instead ([`zhengce::serve::load`]).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use zhengce::bench::{self, BenchOptions, BenchReport};
use zhengce::output::json;

/// Arguments of `zhengce bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The corpus folder to index.
    #[arg(default_value = "corpus")]
    corpus: PathBuf,
    /// Queries to time, one a line (default: phrases sampled from the corpus, both scripts).
    #[arg(long, value_name = "FILE")]
    queries: Option<PathBuf>,
    /// Times each query runs.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Phrases to sample when no --queries file is given.
    #[arg(long, default_value_t = 200)]
    sample: usize,
    /// Threads for indexing (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Load-test `zhengce serve` instead: a server on a free loopback port over the index of
    /// CORPUS (or `--index DIR`), `--clients` clients sending `--requests` mixed requests.
    #[arg(long)]
    serve: bool,
    /// With --serve: serve this existing index instead of indexing CORPUS first.
    #[arg(long, value_name = "DIR", requires = "serve")]
    index: Option<PathBuf>,
    /// With --serve: concurrent clients, each with one kept-alive connection.
    #[arg(long, default_value_t = 16, requires = "serve")]
    clients: usize,
    /// With --serve: requests sent in all.
    #[arg(long, default_value_t = 20_000, requires = "serve")]
    requests: usize,
    /// With --serve: phrases through the API only, instead of the mix.
    #[arg(long, requires = "serve")]
    only_phrases: bool,
    /// With --serve: the server's --give-way-after (milliseconds; 0: never).
    #[arg(long, value_name = "MS", default_value_t = zhengce::serve::GIVE_WAY_AFTER_MS, requires = "serve")]
    give_way_after: u64,
}

/// Runs `zhengce bench`.
pub fn run(a: BenchArgs) -> anyhow::Result<super::Exit> {
    if a.serve {
        return serve_load(a);
    }
    anyhow::ensure!(a.runs > 0, "--runs must be at least 1");
    anyhow::ensure!(a.sample > 0, "--sample must be at least 1");
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let opts = BenchOptions {
        corpus: a.corpus,
        // Read and parsed before anything is indexed: a bad line is an error naming the file
        // and line at once.
        queries: a.queries.as_deref().map(bench::read_queries).transpose()?,
        runs: a.runs,
        sample: a.sample,
        threads,
        work_dir: std::env::temp_dir(),
    };
    eprintln!("zhengce bench: indexing {} ...", opts.corpus.display());
    let report = bench::run(&opts, &super::index::Bar::new())?;
    let mut out = std::io::stdout().lock();
    if a.json {
        json::write_line(&mut out, &report)?;
    } else {
        write_table(&mut out, &report)?;
    }
    out.flush()?;
    Ok(super::Exit::Success)
}

/// `zhengce bench --serve`: indexes the corpus into a temporary folder (unless `--index` names
/// an index), serves it on a free loopback port in this process, and runs the load test
/// ([`zhengce::serve::load`]). Any failed request makes it exit with 2 after the report.
fn serve_load(a: BenchArgs) -> anyhow::Result<super::Exit> {
    use anyhow::Context;
    use zhengce::serve::{load, Limits, Server};
    anyhow::ensure!(a.clients > 0, "--clients must be at least 1");
    anyhow::ensure!(a.requests > 0, "--requests must be at least 1");
    /// A temporary index folder, removed when dropped.
    struct Temp(PathBuf);
    impl Drop for Temp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let mut _temp = None;
    let index = match &a.index {
        Some(dir) => dir.clone(),
        None => {
            let dir =
                std::env::temp_dir().join(format!("zhengce-serve-bench-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            _temp = Some(Temp(dir.clone()));
            eprintln!("zhengce bench: indexing {} ...", a.corpus.display());
            let opts = zhengce::index::IndexOptions::new(&a.corpus, &dir);
            zhengce::index::index_corpus(&opts, &super::index::Bar::new())?;
            dir
        }
    };
    let searcher = zhengce::search::Searcher::open(&index)
        .with_context(|| format!("{}: cannot open the index", index.display()))?;
    let targets = load::targets(&searcher, 500, a.only_phrases)?;
    drop(searcher);
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let limits = Limits::giving_way_after(a.give_way_after);
    let server = Server::bind(&index, loopback, limits)?.spawn()?;
    // One untimed pass over every request with all the clients first, as a server that has
    // been up a while: the dictionary and the index files' pages are read, and the answering
    // threads and their allocator's pages are made, then, not inside the timed run.
    load::run(server.addr(), &targets, a.clients, targets.len());
    eprintln!(
        "zhengce bench: {} clients sending {} requests to http://{}/ ...",
        a.clients,
        a.requests,
        server.addr()
    );
    let demoted = server.demotions();
    let mut report = load::run(server.addr(), &targets, a.clients, a.requests);
    report.demoted_answers = Some(server.demotions() - demoted);
    drop(server);
    let mut out = std::io::stdout().lock();
    if a.json {
        json::write_line(&mut out, &report)?;
    } else {
        writeln!(
            out,
            "serve           {} clients, {} requests in {:.2} s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
            report.clients, report.requests, report.seconds, report.requests_per_s, report.p50_ms, report.p99_ms, report.errors
        )?;
        for k in report.kinds.iter().filter(|k| k.requests > 0) {
            let kind = serde_json::to_value(k.kind)?;
            writeln!(
                out,
                "  {:<18} {:>6} requests: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                kind.as_str().unwrap_or_default(),
                k.requests,
                k.p50_ms,
                k.p99_ms,
                k.max_ms
            )?;
        }
        if let Some(n) = report.demoted_answers {
            writeln!(
                out,
                "  {n} answers ran past {} ms and gave way to shorter ones",
                limits.demote_after.as_millis()
            )?;
        }
        for e in &report.first_errors {
            writeln!(out, "  error: {e}")?;
        }
    }
    out.flush()?;
    match report.errors {
        0 => Ok(super::Exit::Success),
        n => anyhow::bail!("{n} of {} requests failed", report.requests),
    }
}

fn write_table<W: Write>(out: &mut W, r: &BenchReport) -> std::io::Result<()> {
    let mb = |b: u64| b as f64 / 1e6;
    writeln!(out, "corpus          {}", r.corpus)?;
    writeln!(
        out,
        "indexed         {} documents, {} paragraphs, {:.1} MB in {:.2} s",
        r.documents,
        r.paragraphs,
        mb(r.bytes),
        r.index_seconds
    )?;
    writeln!(
        out,
        "speed           {:.2} MB/s, {:.0} documents/s, {:.0} paragraphs/s",
        r.mb_per_s, r.docs_per_s, r.paragraphs_per_s
    )?;
    writeln!(out, "peak RSS        {:.0} MB", mb(r.peak_rss_bytes))?;
    writeln!(
        out,
        "index size      {:.1} MB = {:.2}x the corpus (exact index {:.1} MB, tantivy {:.1} MB)",
        mb(r.index_bytes),
        r.index_ratio,
        mb(r.exact_bytes),
        mb(r.index_bytes - r.exact_bytes.min(r.index_bytes))
    )?;
    writeln!(
        out,
        "exact index     positions {:.1} MB (no code of each bigram's positions on its own could take less than {:.1} MB), paragraph lists {:.1} MB, text stores {:.1} MB",
        mb(r.postings_bytes),
        mb(r.postings_floor_bytes),
        mb(r.paragraph_list_bytes),
        mb(r.texts_bytes)
    )?;
    let s = &r.stages;
    writeln!(
        out,
        "stages (CPU s)  read+decode {:.2}, parse {:.2}, normalize {:.2}, segment none (jieba cuts only query terms), exact index {:.2}, index write {:.2}; commit+merge {:.2} s wall",
        s.read_decode, s.parse, s.normalize, s.exact, s.index_write, s.commit
    )?;
    for f in &r.formats {
        writeln!(
            out,
            "read {:<10} {} files, {:.1} MB in {:.2} s: {:.1} MB/s",
            f.format,
            f.files,
            mb(f.bytes),
            f.seconds,
            f.mb_per_s
        )?;
    }
    // The scan is slow: each query runs once there, the index's runs `--runs` times.
    for (name, l) in [("search", &r.search), ("substring scan", &r.scan)] {
        let runs = match l.runs {
            1 => "once".to_string(),
            n => format!("{n} times"),
        };
        writeln!(
            out,
            "{name:<15} {} queries, each {runs}: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, {:.0} queries/s",
            l.distinct,
            l.p50_us / 1e3,
            l.p95_us / 1e3,
            l.p99_us / 1e3,
            l.qps
        )?;
    }
    writeln!(out, "index vs scan   {}", speedup(r.speedup_p50))
}

/// `scan / search` at the median, in words: on a tiny corpus the scan can win.
fn speedup(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}x faster at the median")
    } else if ratio >= 1.0 {
        format!("{ratio:.1}x faster at the median")
    } else if ratio > 0.0 {
        format!("{:.1}x slower at the median", 1.0 / ratio)
    } else {
        "no queries timed".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::speedup;

    #[test]
    fn speedups_below_one_read_as_slower() {
        assert_eq!(speedup(454.2), "454x faster at the median");
        assert_eq!(speedup(2.25), "2.2x faster at the median");
        assert_eq!(speedup(0.32), "3.1x slower at the median");
    }
}
