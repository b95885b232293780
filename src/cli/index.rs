//! `zhengce index [CORPUS_DIR] [--index DIR] [--dict FILE]... [--threads N] [--full] [--json]`:
//! builds or updates an index, with a progress bar on stderr when it is a terminal, and ends
//! with a summary line (or one JSON object).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zhengce::index::{index_corpus, IndexOptions, IndexSummary, ProgressSink};
use zhengce::output::{human, json};

/// Arguments of `zhengce index`.
#[derive(Debug, Args, Default)]
pub struct IndexArgs {
    /// The corpus folder.
    #[arg(default_value = "corpus")]
    corpus: PathBuf,
    /// The index folder.
    #[arg(long, default_value = "index")]
    index: PathBuf,
    /// A jieba user dictionary (`word [freq] [tag]` a line) for cutting bare query terms; may
    /// be repeated. Replaces the index's dictionaries without reading any text again.
    #[arg(long = "dict", value_name = "FILE")]
    dicts: Vec<PathBuf>,
    /// Threads, 1 to 256 (default: all cores).
    #[arg(long, value_parser = threads_arg)]
    threads: Option<usize>,
    /// Rebuild the whole index instead of updating it.
    #[arg(long)]
    full: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Indexing memory budget in MB for all threads together, at least 16 per thread
    /// (default: 256 per thread).
    #[arg(long, value_name = "MB")]
    heap_mb: Option<usize>,
    /// Testing aid: pause this many milliseconds after each file, so a run can be
    /// interrupted at a chosen moment.
    #[arg(long, hide = true, value_name = "MS")]
    test_pause_ms: Option<u64>,
    /// Testing only: characters of an exact-index segment, so that tests exercise files split
    /// over several.
    #[arg(long, hide = true, value_name = "CHARS")]
    test_split: Option<usize>,
}

/// `--threads`: a whole number from 1 to 256 (each thread holds a segment under construction
/// and an indexing heap, so more than the machine's cores only costs memory).
pub fn threads_arg(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=256).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a number of threads from 1 to 256")),
    }
}

/// A progress bar on stderr; hidden when stderr is not a terminal.
pub struct Bar(ProgressBar);

impl Bar {
    /// A bar drawing on stderr when it is a terminal.
    pub fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if !std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        Bar(bar)
    }
}

impl ProgressSink for Bar {
    fn begin(&self, files: u64, bytes: u64) {
        self.0.set_length(bytes);
        self.0.set_message(format!("{files} files"));
    }
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn committing(&self) {
        self.0.set_message("committing");
    }
}

/// Runs `zhengce index`.
pub fn run(a: IndexArgs) -> anyhow::Result<super::Exit> {
    let summary = build(&a.corpus, &a.index, &a)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        json::write_line(&mut out, &summary)?;
    } else {
        human::write_summary(&mut out, &summary)?;
        for f in &summary.failed {
            writeln!(out, "  failed: {}: {}", f.path, f.reason)?;
        }
    }
    out.flush()?;
    // The rest is committed; a script still learns that something was left out.
    Ok(if summary.failed.is_empty() {
        super::Exit::Success
    } else {
        super::Exit::SomeFilesFailed
    })
}

/// Indexes `corpus` into `index` with a progress bar, with the other options of `a`.
impl IndexArgs {
    /// The arguments of `zhengce index --full`.
    pub(super) fn full_rebuild() -> IndexArgs {
        IndexArgs {
            full: true,
            ..IndexArgs::default()
        }
    }
}

pub fn build(
    corpus: &std::path::Path,
    index: &std::path::Path,
    a: &IndexArgs,
) -> anyhow::Result<IndexSummary> {
    let mut opts = IndexOptions::new(corpus, index);
    opts.dicts = a.dicts.clone();
    opts.full = a.full;
    if let Some(t) = a.threads {
        opts.threads = t.max(1);
    }
    if let Some(mb) = a.heap_mb {
        // tantivy needs some 15 MB a thread.
        if mb < 16 * opts.threads {
            anyhow::bail!(
                "--heap-mb {mb}: give at least 16 MB for each of the {} indexing threads",
                opts.threads
            );
        }
        opts.heap_bytes = mb << 20;
    }
    opts.pause_per_file = a.test_pause_ms.map(Duration::from_millis);
    if let Some(chars) = a.test_split {
        opts.segment_chars = chars;
    }
    let bar = Bar::new();
    let result = index_corpus(&opts, &bar);
    bar.0.finish_and_clear();
    result.with_context(|| format!("indexing {}", corpus.display()))
}
