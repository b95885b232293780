//! Reading a corpus: walking a folder ([`walk()`]), decoding files ([`decode()`]) and parsing
//! them into [`Document`]s of [`Paragraph`]s with their section headings ([`parse`]).
//!
//! Inside: `heading` recognizes numbered labels (`第X章`, `第 1 條`, `一、`, `（一）`, …),
//! `sections` keeps the stack of open sections, `wrap` decides hard-wrap joins, and
//! `real_corpus_tests` checks all of it against `../shared/corpus` when
//! `ZHENGCE_REAL_CORPUS` points there.
//!
//! This module knows nothing about indexing or normalization: it turns bytes on disk into
//! plain data, with every paragraph's text exactly as written in the source. It never
//! prints and never reads the environment (its tests aside).

pub mod decode;
pub mod formats;
mod heading;
pub mod meta;
pub mod parse;
#[cfg(test)]
mod real_corpus_tests;
mod sections;
pub mod walk;
mod wrap;

use serde::{Deserialize, Serialize};

pub use decode::{decode, decode_owned, DecodeError, Encoding};
pub use formats::{FileBytes, Format, ReadError};
pub use parse::{document_name, is_table_row, parse_document, parse_pieces, version_date};
pub use walk::{read_document, walk, walk_excluding, CorpusFile, WalkEvent};

/// A parsed source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Path relative to the corpus root, with `/` separators (the file name for a lone file).
    pub path: String,
    /// Front-matter `title`, else the first level-1 Markdown `#` heading, else the first
    /// non-empty line when it looks like a title (no numbered label, no 。！？；, at most 80
    /// characters), else the file name without extension.
    pub title: String,
    /// The encoding the file was decoded from, e.g. `UTF-8`, `UTF-8 BOM`, `UTF-16LE BOM`,
    /// `GB18030`, `Big5`.
    pub encoding: String,
    /// Leading header fields such as `修正日期：…` and front-matter fields other than title,
    /// as (key, value) in source order. Their lines are also paragraphs of kind
    /// [`ParagraphKind::Metadata`].
    pub metadata: Vec<(String, String)>,
    /// The paragraphs in source order; `paragraphs[i].paragraph == i`.
    pub paragraphs: Vec<Paragraph>,
    /// For a paged file (PDF, OFD), the line of its text where each page begins, page 1
    /// first ([`Document::page_of`]); empty for other files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<u32>,
}

impl Document {
    /// The page (1-based) that line `line` of a paged file's text is on: the last page that
    /// begins at or before it. `None` for a file without pages.
    pub fn page_of(pages: &[u32], line: u32) -> Option<u32> {
        (!pages.is_empty()).then(|| pages.partition_point(|&start| start <= line).max(1) as u32)
    }
}

/// Whether a paragraph is a section heading, body text or a header metadata line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphKind {
    /// A section heading (`第一章 总则`, `一、…`, `## …`, an article label `第 1 條`).
    Heading,
    /// Body text (an article that starts with its label, `第一条 为了…`, is body text whose
    /// section path ends with that label).
    Body,
    /// A header field (`修正日期：民國 98 年 06 月 10 日`) or a front-matter line: also kept
    /// in [`Document::metadata`], and searchable as a paragraph like any other line.
    Metadata,
}

/// One paragraph of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// 0-based ordinal of the paragraph in its document.
    pub paragraph: u32,
    /// Heading or body.
    pub kind: ParagraphKind,
    /// The enclosing headings, outermost first, as written in the source (trimmed). A heading
    /// paragraph lists the headings that enclose it, not itself.
    pub section: Vec<String>,
    /// 1-based inclusive line range in the source file.
    pub lines: [u32; 2],
    /// The text as written: outer white space (ASCII, U+3000) trimmed, the lines of a
    /// hard-wrapped block joined without a space (with one between Latin words), Markdown
    /// heading markup (`## `) left out.
    pub text: String,
}

/// Reads the bytes of the file at `rel` (path relative to the corpus root, `/`-separated)
/// into a document: text files are decoded and parsed (the extension decides whether
/// Markdown-only syntax applies); web pages, DOCX, PDF and OFD are read by [`formats`].
pub fn document_from_bytes(rel: &str, bytes: &[u8]) -> Result<Document, formats::ReadError> {
    formats::read(rel, bytes)
}

/// [`document_from_bytes`] for bytes opened with [`FileBytes::open`]: a large PDF's mapped
/// pages are dropped from memory as they are read.
pub fn document_from_file(rel: &str, bytes: &FileBytes) -> Result<Document, formats::ReadError> {
    formats::read_file(rel, bytes)
}
