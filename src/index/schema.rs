//! The tantivy schema: which records the index holds and which fields each has.
//!
//! Paragraphs are not tantivy records: the exact index beside tantivy ([`super::exact`])
//! holds their text, matches and ranks it, and names them by (file number, paragraph
//! ordinal). tantivy holds two kinds of records, told apart by the `rec` field:
//! - a **document** (`rec` = 0): one per file, with the title (searchable through `title`),
//!   the normalized path (`path_key`, for `path:` prefixes), what is shown with every hit
//!   (path, title) and the manifest used for incremental re-indexing (size, mtime, hash).
//! - a **section** (`rec` = 1): one per run of paragraphs under a heading, with the heading
//!   label (searchable through `section`) and the run's first and last paragraph (`para`,
//!   `para_end`): `section:` filters and heading bonuses resolve to those paragraph ranges.
//!
//! Every record carries `file_id`, so deleting one term removes a file entirely. This module
//! only names fields; the analyzers behind the tokenizer names are registered by
//! [`crate::analysis::register_tokenizers`].

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
};

use crate::analysis::BIGRAM_TOKENIZER;

/// `rec` value of a document record.
pub const REC_DOC: u64 = 0;
/// `rec` value of a section record.
pub const REC_SECTION: u64 = 1;

/// The fields of the schema, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Record kind: [`REC_DOC`] or [`REC_SECTION`].
    pub rec: Field,
    /// The file's number in this index (kept while the file is in it); on every record.
    pub file_id: Field,
    /// The file id again, on document records only, to replace a document record alone.
    pub doc_key: Field,
    /// The first paragraph under a section (section records).
    pub para: Field,
    /// The last paragraph under a section, inclusive (section records).
    pub para_end: Field,
    /// Character bigrams of a section label (section records).
    pub section: Field,
    /// Character bigrams of the title (document records).
    pub title: Field,
    /// Title as written (document records, stored).
    pub title_text: Field,
    /// The length in characters of the title's name ([`crate::analysis::name_len`]; document
    /// records, fast): titles that a query covers more score more.
    pub title_len: Field,
    /// The version date of the file name as `YYYYMMDD`, 0 when it has none
    /// ([`crate::corpus::version_date`]; document records, fast): of several documents of
    /// one name, the newest comes first.
    pub version: Field,
    /// The script of the title: 1 Simplified, 2 Traditional, 0 neither
    /// ([`crate::analysis::script_of`]; document records, fast): of two documents of one
    /// name, the one written as the query is comes first.
    pub title_script: Field,
    /// Path relative to the corpus root as written (document records, stored and fast).
    pub path: Field,
    /// N(path), one raw term, for prefix filters (document records).
    pub path_key: Field,
    /// Encoding name (document records, stored).
    pub encoding: Field,
    /// File size in bytes when indexed (document records, fast).
    pub size: Field,
    /// File mtime in ns when indexed (document records, fast).
    pub mtime_ns: Field,
    /// xxh3 of the file's bytes (document records, fast).
    pub content_hash: Field,
    /// A paged file's page starts, the lines of its text where each page begins, as decimal
    /// numbers separated by commas (document records, stored; absent for other files).
    pub pages: Field,
    /// The document's metadata as extracted from it alone, as JSON
    /// ([`crate::corpus::meta::DocMeta`]; document records, stored): a hit shows it, with
    /// the status resolved over the index ([`crate::index::docmeta`]).
    pub meta: Field,
}

/// Separator between the headings of a stored section path (ASCII unit separator).
pub const SECTION_SEP: char = '\u{1f}';

/// Builds the schema and returns it with its fields.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Numeric keys are looked up, never scored: no field norms.
    let indexed = NumericOptions::default().set_indexed();
    let indexed_fast = NumericOptions::default().set_indexed().set_fast();
    let raw = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    );
    // Bigram fields of titles and headings: positions for phrases; no field norms, since
    // they only filter and add constant bonuses.
    let bigrams = |norms: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(BIGRAM_TOKENIZER)
                .set_fieldnorms(norms)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let fields = Fields {
        rec: b.add_u64_field("rec", indexed.clone()),
        file_id: b.add_u64_field("file_id", indexed_fast.clone()),
        doc_key: b.add_u64_field("doc_key", indexed.clone()),
        para: b.add_u64_field("para", FAST),
        para_end: b.add_u64_field("para_end", FAST),
        section: b.add_text_field("section", bigrams(false)),
        title: b.add_text_field("title", bigrams(false)),
        title_text: b.add_text_field("title_text", STORED),
        title_len: b.add_u64_field("title_len", FAST),
        version: b.add_u64_field("version", FAST),
        title_script: b.add_u64_field("title_script", FAST),
        path: b.add_text_field("path", STORED | FAST),
        path_key: b.add_text_field("path_key", raw),
        encoding: b.add_text_field("encoding", STORED),
        size: b.add_u64_field("size", FAST),
        mtime_ns: b.add_i64_field("mtime_ns", FAST),
        content_hash: b.add_u64_field("content_hash", FAST),
        pages: b.add_text_field("pages", STORED),
        meta: b.add_text_field("meta", STORED),
    };
    (b.build(), fields)
}

impl Fields {
    /// Resolves the fields of an existing index's schema; an error names a missing field,
    /// which means the index was written by another version.
    pub fn from_schema(dir: &std::path::Path, schema: &Schema) -> crate::Result<Fields> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| {
                crate::Error::damaged(dir, format_args!("the index has no field `{name}`"))
            })
        };
        Ok(Fields {
            rec: f("rec")?,
            file_id: f("file_id")?,
            doc_key: f("doc_key")?,
            para: f("para")?,
            para_end: f("para_end")?,
            section: f("section")?,
            title: f("title")?,
            title_text: f("title_text")?,
            title_len: f("title_len")?,
            version: f("version")?,
            title_script: f("title_script")?,
            path: f("path")?,
            path_key: f("path_key")?,
            encoding: f("encoding")?,
            size: f("size")?,
            mtime_ns: f("mtime_ns")?,
            content_hash: f("content_hash")?,
            pages: f("pages")?,
            meta: f("meta")?,
        })
    }
}
