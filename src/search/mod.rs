//! Searching an index, in stages that each take plain data and give plain data:
//!
//! 1. [`query`]: the query language, text → [`query::Query`] tree (or an error with the
//!    position);
//! 2. [`plan`]: tree → [`plan::Plan`], the texts to look up, the filters and how they combine;
//! 3. [`records`]: field filters and title/heading bonuses, from tantivy's document and
//!    section records;
//! 4. [`lookup`]: the texts' hits in the exact index, and the candidate paragraphs;
//! 5. [`rank`]: the one scorer and the one top-k heap;
//! 6. [`highlight`]: highlights and snippets in the original text of the best hits.
//!
//! [`Searcher`] runs them in that order for every query. Bare terms are cut by an
//! [`crate::analysis::QueryCutter`], which takes only the words of jieba's dictionary that
//! occur inside them: no query pays for building jieba's whole dictionary. This module returns
//! plain data ([`SearchResult`]); printing is the job of [`crate::output`].

mod helper;
pub mod highlight;
pub mod lookup;
pub mod plan;
pub mod query;
pub mod rank;
pub mod records;
mod searcher;

use serde::{Deserialize, Serialize};

pub use highlight::{Script, Snippet};
pub use searcher::Searcher;

/// One matching paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// 1-based rank in the whole result (offset included).
    pub rank: usize,
    /// Relevance score (higher is better).
    pub score: f32,
    /// Path relative to the corpus root, `/`-separated.
    pub path: String,
    /// Title of the document.
    pub title: String,
    /// Enclosing headings, outermost first, as written.
    pub section: Vec<String>,
    /// 0-based ordinal of the paragraph in its document.
    pub paragraph: u32,
    /// 1-based inclusive line range in the source file.
    pub lines: [u32; 2],
    /// The whole paragraph (original script unless converted).
    pub text: String,
    /// `[start, end)` character offsets into `text`, one per occurrence of a query phrase or
    /// word, sorted and not overlapping.
    pub highlights: Vec<[usize; 2]>,
    /// A window of `text` around the first highlight.
    pub snippet: Snippet,
}

/// The answer to one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// The query as given.
    pub query: String,
    /// Number of matching paragraphs in the whole index.
    pub total: usize,
    /// Microseconds spent answering (parse, search, fetch, highlight).
    pub took_us: u64,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
}

/// How to answer queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip first.
    pub offset: usize,
    /// Script of the displayed text.
    pub script: Script,
    /// Characters of a snippet window.
    pub snippet_chars: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            script: Script::Original,
            snippet_chars: 100,
        }
    }
}
