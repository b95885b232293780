//! JSON Lines output, the format scripts rely on (specified in DESIGN.md and the README).
//!
//! One object per query: `{"query","total","took_us","hits":[...]}` where each hit has
//! `rank, score, path, title, section, paragraph, lines, text, highlights, snippet`
//! (`highlights` are `[start, end)` character offsets into `text`), its document's `meta`
//! (the JSON of `corpus::meta::DocMeta`) and, for an older version, `replaced_by`; with
//! `--facets`, `facets`; an error in one query is `{"query","error"}`. The wire types are
//! here and only here.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::Printer;
use crate::search::{Copies, DocHit, Facets, Hit, HitMeta, Neighbours, SearchResult, TermFound};

/// The JSON Lines printer: one object a query, an answer or an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonPrinter;

impl Printer for JsonPrinter {
    fn result(&self, out: &mut dyn Write, r: &SearchResult) -> io::Result<()> {
        write_result(out, r)
    }

    fn error(&self, out: &mut dyn Write, query: &str, error: &str) -> io::Result<()> {
        write_error(out, query, error)
    }
}

/// One hit on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonHit {
    /// 1-based rank.
    pub rank: usize,
    /// Relevance score.
    pub score: f32,
    /// Path relative to the corpus root.
    pub path: String,
    /// Document title.
    pub title: String,
    /// Enclosing headings, outermost first.
    pub section: Vec<String>,
    /// 0-based paragraph ordinal.
    pub paragraph: u32,
    /// 1-based inclusive line range.
    pub lines: [u32; 2],
    /// The page a paragraph of a PDF or OFD begins on (1-based); absent for other files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The whole paragraph.
    pub text: String,
    /// `[start, end)` character offsets into `text`.
    pub highlights: Vec<[usize; 2]>,
    /// A window of `text` around the first highlight.
    pub snippet: String,
    /// Where each bare word and quoted phrase was found: `{"term","in":["text"|"heading"|"title",…]}`.
    pub found: Vec<TermFound>,
    /// The query's parts this paragraph lacks (a partial answer only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Other paragraphs with the same text, folded into this hit: `{"count","paths"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<Copies>,
    /// The paragraphs around it (`--context N`): `{"before":[…],"after":[…]}`, each
    /// `{"paragraph","lines","text"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Neighbours>,
    /// Its document's metadata, as documented in `corpus::meta` (absent by document: the
    /// document carries it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<HitMeta>,
    /// For a hit in an older version of a document (shown with `--versions all`): the
    /// path of the next newer version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
}

/// One document of a by-document answer on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonDocument {
    /// 1-based rank among documents.
    pub rank: usize,
    /// Its best paragraph's score.
    pub score: f32,
    /// Path relative to the corpus root.
    pub path: String,
    /// Title.
    pub title: String,
    /// Its matching paragraphs.
    pub matches: usize,
    /// Its best paragraphs, as hits.
    pub hits: Vec<JsonHit>,
    /// Its metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<HitMeta>,
    /// For an older version: the path of the next newer version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
}

/// One query's line on the wire: either a result or an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JsonLine {
    /// The query was answered.
    Result {
        /// The query as given.
        query: String,
        /// All matching paragraphs, copies included.
        total: usize,
        /// Distinct answers: paragraphs once copies are folded, or documents by document.
        distinct: usize,
        /// Whether no paragraph has every part of the query (hits then say what they lack).
        #[serde(default)]
        partial: bool,
        /// Microseconds taken.
        took_us: u64,
        /// The page of hits (empty by document or with counts only).
        hits: Vec<JsonHit>,
        /// By document: the page of documents.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        documents: Option<Vec<JsonDocument>>,
        /// With `--facets`: counts of all matching paragraphs by kind, status, region, year
        /// and top issuers, each `[{"value","count"}]`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        facets: Option<Facets>,
    },
    /// The query failed.
    Error {
        /// The query as given.
        query: String,
        /// What went wrong (with the position for a malformed query).
        error: String,
    },
}

impl From<&Hit> for JsonHit {
    fn from(h: &Hit) -> Self {
        JsonHit {
            rank: h.rank,
            score: h.score,
            path: h.path.clone(),
            title: h.title.clone(),
            section: h.section.clone(),
            paragraph: h.paragraph,
            lines: h.lines,
            page: h.page,
            text: h.text.clone(),
            highlights: h.highlights.clone(),
            snippet: h.snippet.text.clone(),
            found: h.found.clone(),
            missing: h.missing.clone(),
            copies: h.copies.clone(),
            context: h.context.clone(),
            meta: h.meta.clone(),
            replaced_by: h.replaced_by.clone(),
        }
    }
}

impl From<&DocHit> for JsonDocument {
    fn from(d: &DocHit) -> Self {
        JsonDocument {
            rank: d.rank,
            score: d.score,
            path: d.path.clone(),
            title: d.title.clone(),
            matches: d.matches,
            hits: d.hits.iter().map(JsonHit::from).collect(),
            meta: d.meta.clone(),
            replaced_by: d.replaced_by.clone(),
        }
    }
}

impl From<&SearchResult> for JsonLine {
    fn from(r: &SearchResult) -> Self {
        JsonLine::Result {
            query: r.query.clone(),
            total: r.total,
            distinct: r.distinct,
            partial: r.partial,
            took_us: r.took_us,
            hits: r.hits.iter().map(JsonHit::from).collect(),
            documents: (r.documents.as_ref())
                .map(|docs| docs.iter().map(JsonDocument::from).collect()),
            facets: r.facets.clone(),
        }
    }
}

/// Writes one result as a JSON line.
pub fn write_result<W: Write + ?Sized>(out: &mut W, r: &SearchResult) -> io::Result<()> {
    write_line(out, &JsonLine::from(r))
}

/// Writes one failed query as a JSON line.
pub fn write_error<W: Write + ?Sized>(out: &mut W, query: &str, error: &str) -> io::Result<()> {
    write_line(
        out,
        &JsonLine::Error {
            query: query.to_string(),
            error: error.to_string(),
        },
    )
}

/// Writes the error of a command other than a search (`index`, `inspect`, `bench` with
/// `--json`) as one JSON line: `{"error": "…"}`.
pub fn write_command_error<W: Write + ?Sized>(out: &mut W, error: &str) -> io::Result<()> {
    write_line(out, &serde_json::json!({ "error": error }))
}

/// Writes any serializable value as one JSON line.
pub fn write_line<W: Write + ?Sized, T: Serialize>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Snippet;

    fn result() -> SearchResult {
        SearchResult {
            query: "\"人工智能\"".into(),
            total: 1,
            distinct: 1,
            partial: false,
            documents: None,
            facets: None,
            took_us: 12,
            hits: vec![Hit {
                rank: 1,
                score: 1.5,
                path: "a/b.txt".into(),
                title: "标题".into(),
                section: vec!["一、总则".into()],
                paragraph: 3,
                lines: [4, 5],
                page: None,
                text: "发展人工智能".into(),
                highlights: vec![[2, 6]],
                snippet: Snippet {
                    text: "发展人工智能".into(),
                    highlights: vec![[2, 6]],
                },
                found: vec![TermFound {
                    term: "人工智能".into(),
                    found_in: vec!["text".into()],
                    forms: Vec::new(),
                }],
                missing: Vec::new(),
                copies: Some(Copies {
                    count: 2,
                    paths: vec!["c.txt".into()],
                }),
                context: None,
                meta: None,
                replaced_by: None,
            }],
        }
    }

    #[test]
    fn a_result_is_one_line_that_reads_back() {
        let mut out = Vec::new();
        write_result(&mut out, &result()).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s.matches('\n').count(), 1);
        let back: JsonLine = serde_json::from_str(&s).unwrap();
        let JsonLine::Result { total, hits, .. } = back else {
            panic!("expected a result line, got {s}");
        };
        assert_eq!(total, 1);
        assert_eq!(hits[0].highlights, vec![[2, 6]]);
        assert_eq!(hits[0].section, vec!["一、总则".to_string()]);
        assert_eq!(hits[0].copies.as_ref().map(|c| c.count), Some(2));
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["hits"][0]["found"][0]["in"][0], "text");
        assert_eq!(v["partial"], false);
        assert!(
            v["hits"][0].get("missing").is_none(),
            "empty lists are left out"
        );
    }

    #[test]
    fn an_error_line_has_query_and_error() {
        let mut out = Vec::new();
        write_error(
            &mut out,
            "\"abc",
            "query error at character 0: unclosed quote",
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["query"], "\"abc");
        assert!(v["error"].as_str().unwrap().contains("character 0"));
    }
}
