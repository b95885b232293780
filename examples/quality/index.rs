//! The index the evaluation asks: the one named on the command line, or one this example
//! builds with the library's indexer (`index_corpus`, a full build with default options) from
//! the corpus as it is or from its headless variant (`layout.rs`), in a temporary folder
//! removed at the end, or in a folder the user keeps.
//!
//! It never changes an index it did not build.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::ValueEnum;
use serde::Serialize;
use zhengce::index::{index_corpus, IndexOptions};
use zhengce::search::Searcher;

use crate::layout::{self, LayoutStats};

/// The layout of the corpus the index is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// The corpus as it is.
    AsIs,
    /// Statutes without their title and header lines, divisions as Markdown headings.
    Headless,
}

impl Layout {
    /// The name given on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Layout::AsIs => "as-is",
            Layout::Headless => "headless",
        }
    }
}

/// What was built, and what it cost.
#[derive(Debug, Serialize)]
pub struct Built {
    /// What writing the headless variant did (`None` for the corpus as it is).
    pub variant: Option<LayoutStats>,
    /// Files that could not be indexed.
    pub failed: usize,
    pub documents: u64,
    pub index_bytes: u64,
    /// Seconds spent writing the variant.
    pub variant_seconds: f64,
    /// Seconds of the indexing run, and its speed in MB/s, as the indexer reports them.
    pub index_seconds: f64,
    pub mb_per_s: f64,
    /// Where the variant and the index were kept (`None`: a temporary folder, removed).
    pub kept_in: Option<String>,
}

/// An open index, and the folder it lives in when this example built it.
pub struct Prepared {
    /// Declared first: dropped (closing the index) before the temporary folder is removed.
    pub searcher: Searcher,
    pub built: Option<Built>,
    _temp: Option<tempfile::TempDir>,
}

/// Opens `index`, or, when it is `None`, builds an index of `corpus` in `layout` inside
/// `keep` (which must not exist or be empty) or inside a temporary folder. `layout` and
/// `keep` concern a built index only: the caller refuses them with an index of its own.
pub fn prepare(
    corpus: &Path,
    index: Option<&Path>,
    layout: Layout,
    keep: Option<&Path>,
) -> anyhow::Result<Prepared> {
    if let Some(index) = index {
        let searcher = Searcher::open(index)
            .with_context(|| format!("{}: cannot open the index", index.display()))?;
        return Ok(Prepared {
            searcher,
            built: None,
            _temp: None,
        });
    }
    let (temp, work) = match keep {
        Some(dir) => (None, usable(dir)?),
        None => {
            let temp = tempfile::Builder::new()
                .prefix("zhengce-quality-")
                .tempdir()
                .context("cannot create a temporary folder")?;
            let path = temp.path().to_owned();
            (Some(temp), path)
        }
    };
    let t = Instant::now();
    let (source, variant) = match layout {
        Layout::AsIs => (corpus.to_owned(), None),
        Layout::Headless => {
            let out = work.join("corpus");
            let stats = layout::write_headless(corpus, &out)?;
            (out, Some(stats))
        }
    };
    let variant_seconds = t.elapsed().as_secs_f64();
    let index_dir = work.join("index");
    let opts = IndexOptions {
        full: true,
        ..IndexOptions::new(&source, &index_dir)
    };
    let summary =
        index_corpus(&opts, &()).with_context(|| format!("{}: cannot index", source.display()))?;
    let searcher = Searcher::open(&index_dir)
        .with_context(|| format!("{}: cannot open the index", index_dir.display()))?;
    Ok(Prepared {
        searcher,
        built: Some(Built {
            variant,
            failed: summary.failed.len(),
            documents: summary.documents,
            index_bytes: summary.index_bytes,
            variant_seconds,
            index_seconds: summary.seconds,
            mb_per_s: summary.mb_per_s,
            kept_in: keep.map(|k| k.display().to_string()),
        }),
        _temp: temp,
    })
}

/// `dir`, created, after checking that it does not exist or is empty.
fn usable(dir: &Path) -> anyhow::Result<PathBuf> {
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", dir.display())),
    };
    anyhow::ensure!(
        empty,
        "{}: not empty (--keep writes a new corpus and index there)",
        dir.display()
    );
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    Ok(dir.to_owned())
}
