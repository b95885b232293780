//! Searching an index, in stages that each take plain data and give plain data:
//!
//! 1. [`query`]: the query language, text → [`query::Query`] tree (or an error with the
//!    position);
//! 2. [`plan`]: tree → [`plan::Plan`], the texts to look up, the filters and how they combine;
//! 3. [`records`]: field filters and the contexts of bare words (the titles and headings that
//!    hold them), from tantivy's document and section records;
//! 4. [`lookup`]: the texts' hits in the exact index, and the candidate paragraphs;
//! 5. [`rank`]: the one scorer and the one top-k heap;
//! 6. [`highlight`]: highlights and snippets in the original text of the best hits.
//!
//! [`Searcher`] runs them in that order for every query. Bare terms are cut by an
//! [`crate::analysis::QueryCutter`], which takes only the words of jieba's dictionary that
//! occur inside them: no query pays for building jieba's whole dictionary. This module returns
//! plain data ([`SearchResult`]); printing is the job of [`crate::output`].

mod answer;
pub mod collect;
mod document;
mod helper;
pub mod highlight;
pub mod lookup;
pub mod meta;
pub mod plan;
pub mod query;
pub mod rank;
pub mod records;
mod searcher;

use serde::{Deserialize, Serialize};

use crate::corpus::meta::DocMeta;
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
    /// The page a paragraph of a paged file (PDF, OFD) begins on, 1-based.
    pub page: Option<u32>,
    /// The whole paragraph (original script unless converted).
    pub text: String,
    /// `[start, end)` character offsets into `text`, one per occurrence of a query phrase or
    /// word, sorted and not overlapping.
    pub highlights: Vec<[usize; 2]>,
    /// A window of `text` around the first highlight.
    pub snippet: Snippet,
    /// Where each bare word and phrase of the query was found for this paragraph.
    pub found: Vec<TermFound>,
    /// The query's parts this paragraph lacks (only when no paragraph has them all:
    /// [`SearchResult::partial`]).
    pub missing: Vec<String>,
    /// Other paragraphs with the same text (copies folded into this hit), when any.
    pub copies: Option<Copies>,
    /// Neighbouring paragraphs of the same document, when asked for.
    pub context: Option<Neighbours>,
    /// Its document's metadata ([`crate::corpus::meta`]; by document, on the document
    /// instead).
    pub meta: Option<HitMeta>,
    /// For a hit in an older version of a document: the path of the next newer version.
    pub replaced_by: Option<String>,
}

/// A document's metadata as its record keeps it: the JSON of [`DocMeta`] with the status
/// resolved, passed to the output as it is. Parsing it for every hit (serde reads each
/// internally tagged `source` twice) cost more than the rest of a light query's hits; the
/// printers that show it as a line parse it ([`HitMeta::parse`]).
#[derive(Debug, Clone)]
pub struct HitMeta(std::sync::Arc<serde_json::value::RawValue>);

impl HitMeta {
    /// The metadata of `json`, checked to be JSON (not read).
    pub fn from_json(json: String) -> serde_json::Result<HitMeta> {
        let raw = serde_json::value::RawValue::from_string(json)?;
        Ok(HitMeta(raw.into()))
    }

    /// The metadata `meta`.
    pub fn from_meta(meta: &DocMeta) -> serde_json::Result<HitMeta> {
        HitMeta::from_json(serde_json::to_string(meta)?)
    }

    /// The metadata, read; `None` if it is not [`DocMeta`]'s JSON.
    pub fn parse(&self) -> Option<DocMeta> {
        serde_json::from_str(self.0.get()).ok()
    }

    /// Its JSON.
    pub fn json(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for HitMeta {
    fn eq(&self, other: &Self) -> bool {
        self.json() == other.json()
    }
}

impl Serialize for HitMeta {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for HitMeta {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        Ok(HitMeta(raw.into()))
    }
}

/// Where one part of the query was found for a hit: in the paragraph's text, in one of its
/// enclosing headings, in its document's title (any of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermFound {
    /// The word or phrase (normalized).
    pub term: String,
    /// `"text"`, `"heading"`, `"title"`: where it stands, in that order.
    #[serde(rename = "in")]
    pub found_in: Vec<String>,
    /// The other forms of it found there (`计画` for `计划`, `第一百八十四条` for `第184条`),
    /// when it was found as one: normalized, as looked up.
    #[serde(rename = "as", default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<String>,
}

/// The copies of a hit: paragraphs elsewhere whose normalized text is the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copies {
    /// How many other paragraphs hold the same text.
    pub count: usize,
    /// The paths of the first documents that hold them (at most [`COPIES_SHOWN`]).
    pub paths: Vec<String>,
}

/// At most this many documents are named for a hit's copies.
pub const COPIES_SHOWN: usize = 5;

/// The paragraphs around a hit in its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Neighbours {
    /// Up to N paragraphs before it, in document order.
    pub before: Vec<Neighbour>,
    /// Up to N paragraphs after it, in document order.
    pub after: Vec<Neighbour>,
}

/// One neighbouring paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighbour {
    /// Its 0-based ordinal in the document.
    pub paragraph: u32,
    /// Its 1-based inclusive source lines.
    pub lines: [u32; 2],
    /// Its text (in the script asked for).
    pub text: String,
}

/// One document of a by-document answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocHit {
    /// 1-based rank among the documents.
    pub rank: usize,
    /// Its best paragraph's score.
    pub score: f32,
    /// Path relative to the corpus root.
    pub path: String,
    /// Title.
    pub title: String,
    /// How many of its paragraphs match.
    pub matches: usize,
    /// Its best paragraphs (at most [`BEST_PER_DOCUMENT`]), best first.
    pub hits: Vec<Hit>,
    /// Its metadata.
    pub meta: Option<HitMeta>,
    /// For an older version of a document: the path of the next newer version.
    pub replaced_by: Option<String>,
}

/// Paragraphs shown for each document of a by-document answer.
pub const BEST_PER_DOCUMENT: usize = 3;

/// The answer to one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// The query as given.
    pub query: String,
    /// Number of matching paragraphs in the whole index, copies included.
    pub total: usize,
    /// Number of distinct answers: paragraphs once copies are folded (hits), or documents
    /// (by document). Equals `total` when copies are shown apart.
    pub distinct: usize,
    /// Whether no paragraph has every part of the query: the hits are those with most of
    /// them, each naming what it lacks ([`Hit::missing`]).
    pub partial: bool,
    /// Microseconds spent answering (parse, search, fetch, highlight).
    pub took_us: u64,
    /// The requested page of hits, best first (empty by document or with counts only).
    pub hits: Vec<Hit>,
    /// By document: the requested page of documents, best first.
    pub documents: Option<Vec<DocHit>>,
    /// Counts over all matching paragraphs by their documents' metadata, when asked for.
    pub facets: Option<Facets>,
}

/// Counts of the matching paragraphs (all of them, not one page) by their documents'
/// metadata: `kind`, `status`, `region` and `year` (of the main date) each sum to the
/// total, `null` counting the documents without the field; `issuer` lists the
/// [`meta::TOP_ISSUERS`] issuers with most (a jointly issued document counts for each).
/// Sorted by count, most first, except `year`: newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// By kind (the vocabulary's names).
    pub kind: Vec<FacetCount>,
    /// By status (`in_force`, `amended_by_newer`, `repealed`, `not_yet_in_force`).
    pub status: Vec<FacetCount>,
    /// By region (`全国` or a province-level name).
    pub region: Vec<FacetCount>,
    /// By year of the main date (`"2021"`).
    pub year: Vec<FacetCount>,
    /// The top issuers.
    pub issuer: Vec<FacetCount>,
}

/// One value of a facet and its matching paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value; `null` for documents without one.
    pub value: Option<String>,
    /// Matching paragraphs in documents with it.
    pub count: usize,
}

/// Which versions of a document a search shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Versions {
    /// Only the current version of each version group: older versions (status
    /// `amended_by_newer`) are left out, unless the query filters by `status:`.
    #[default]
    Current,
    /// Every version.
    All,
}

/// The order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best first.
    #[default]
    Relevance,
    /// Oldest main date first (documents without one last; ties best first).
    Date,
    /// Newest main date first (documents without one last; ties best first).
    DateDesc,
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
    /// Fold paragraphs with the same normalized text into one hit (the default).
    pub fold_copies: bool,
    /// One entry per document instead of one per paragraph.
    pub by_document: bool,
    /// Only the counts, no hits.
    pub count_only: bool,
    /// Neighbouring paragraphs to show on each side of a hit.
    pub context: usize,
    /// Search every text as written, without its other forms (`--literal`).
    pub literal: bool,
    /// Which versions of a document to show.
    pub versions: Versions,
    /// Count the matches by metadata ([`SearchResult::facets`]).
    pub facets: bool,
    /// The order of the hits.
    pub sort: Sort,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            script: Script::Original,
            snippet_chars: 100,
            fold_copies: true,
            by_document: false,
            count_only: false,
            context: 0,
            literal: false,
            versions: Versions::Current,
            facets: false,
            sort: Sort::Relevance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_metadata_goes_out_as_its_record_keeps_it() {
        let path = "gov-reports/1954政府工作报告_周恩来.txt";
        let text = "政府工作报告\n——1954年9月23日在第一届全国人民代表大会第一次会议上\n国务院总理 周恩来\n各位代表……\n";
        let doc = crate::corpus::parse_document(path, text, "UTF-8");
        let meta = crate::corpus::meta::extract(path, text, &doc);
        let stored = serde_json::to_string(&meta).unwrap();
        let m = HitMeta::from_json(stored.clone()).unwrap();
        assert_eq!(m.parse().as_ref(), Some(&meta));
        // Written out unchanged, inside the hit's JSON, and read back equal.
        #[derive(Serialize)]
        struct Wrapped<'a> {
            meta: &'a HitMeta,
        }
        let wrapped = serde_json::to_string(&Wrapped { meta: &m }).unwrap();
        assert_eq!(wrapped, format!("{{\"meta\":{stored}}}"));
        let back: std::collections::HashMap<String, HitMeta> =
            serde_json::from_str(&wrapped).unwrap();
        assert_eq!(back["meta"], m);
        assert_eq!(HitMeta::from_meta(&meta).unwrap(), m);
        // Not JSON: refused when read from the record; JSON of something else: no metadata.
        assert!(HitMeta::from_json("{\"kind\":".into()).is_err());
        assert_eq!(HitMeta::from_json("[1]".into()).unwrap().parse(), None);
    }
}
