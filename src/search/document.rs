//! A whole document read back from the index by its path: what `zhengce inspect --json`
//! prints for a file, rebuilt from the document record (title, encoding, pages), the exact
//! index's text store (every paragraph with its kind, section and lines) and the commit's
//! metadata table. It never reads the
//! corpus folder: a path the index does not hold is `None`, whatever exists on disk, so a
//! caller cannot be led outside the indexed documents (`../../etc/passwd` is just a path the
//! index lacks).

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::Searcher;
use crate::corpus::meta::DocMeta;
use crate::corpus::{self, Document, ParagraphKind};
use crate::{analysis, Result};

/// Documents whose normalized paths are the same (a path and its other script's spelling)
/// read before the one asked for is chosen by its exact path.
const SAME_KEY: usize = 16;

impl Searcher {
    /// The document at `path` (relative to the corpus root, `/`-separated, exactly as hits
    /// name it), read from the index, with its metadata as this commit resolved it; `None`
    /// when the index holds no such document.
    pub fn document(&self, path: &str) -> Result<Option<(Document, Option<DocMeta>)>> {
        let searcher = self.reader().searcher();
        let f = &self.index().fields;
        let key = Term::from_field_text(f.path_key, &analysis::normalize(path));
        let q = TermQuery::new(key, IndexRecordOption::Basic);
        let found = searcher.search(&q, &TopDocs::with_limit(SAME_KEY).order_by_score())?;
        for (_, addr) in found {
            let d: TantivyDocument = searcher.doc(addr)?;
            let s = |field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            if s(f.path).as_deref() != Some(path) {
                continue;
            }
            let column = self.u64_column(&searcher, addr.segment_ord, "file_id")?;
            let Some(file_no) = column.first(addr.doc_id) else {
                continue;
            };
            let file_no = u32::try_from(file_no).unwrap_or(u32::MAX);
            let paragraphs = self.exact_index().paragraphs_of(file_no)?;
            let metadata = (paragraphs.iter())
                .filter(|p| p.kind == ParagraphKind::Metadata)
                .filter_map(|p| metadata_field(&p.text))
                .collect();
            let pages = (s(f.pages).unwrap_or_default().split(','))
                .filter_map(|n| n.parse().ok())
                .collect();
            let meta = match s(f.meta) {
                Some(json) => Some(self.record_meta(&json, file_no)?),
                None => None,
            };
            let doc = Document {
                path: path.to_string(),
                title: s(f.title_text).unwrap_or_default(),
                encoding: s(f.encoding).unwrap_or_default(),
                metadata,
                paragraphs,
                pages,
            };
            return Ok(Some((doc, meta)));
        }
        Ok(None)
    }

    /// The paths of every document in the index, sorted.
    pub fn paths(&self) -> Result<Vec<String>> {
        let searcher = self.reader().searcher();
        let zh = self.index();
        let manifest = crate::index::manifest::read_manifest(&zh.dir, &searcher, &zh.fields)?;
        let mut paths: Vec<String> = manifest.into_keys().collect();
        paths.sort();
        Ok(paths)
    }
}

/// The (key, value) of a metadata paragraph: a header field (`修正日期：…`) as the parser
/// reads it, else a front-matter line (`key: value`).
fn metadata_field(text: &str) -> Option<(String, String)> {
    corpus::parse::header_field(text).or_else(|| {
        let (k, v) = text.split_once(':')?;
        Some((k.trim().to_string(), v.trim().to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_reads_back_as_parsed_and_other_paths_are_absent() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c");
        std::fs::create_dir_all(corpus.join("a")).unwrap();
        let text = "关于数据的通知\n发布日期：2024年1月2日\n第一章 总则\n第一条 为了管理数据。\n第二条 其他。\n";
        std::fs::write(corpus.join("a/通知.txt"), text).unwrap();
        std::fs::write(corpus.join("a/通知.txt.bak.txt"), "别的\n").unwrap();
        let index = dir.path().join("i");
        crate::index::index_corpus(&crate::index::IndexOptions::new(&corpus, &index), &()).unwrap();
        let s = Searcher::open(&index).unwrap();
        assert_eq!(s.paths().unwrap(), ["a/通知.txt", "a/通知.txt.bak.txt"]);
        let (doc, meta) = s
            .document("a/通知.txt")
            .unwrap()
            .expect("the document is found");
        assert!(
            meta.is_some_and(|m| m.main_date.is_some()),
            "its metadata comes along"
        );
        let parsed = corpus::parse_document("a/通知.txt", text, "UTF-8");
        assert_eq!(doc.title, parsed.title);
        assert_eq!(doc.paragraphs, parsed.paragraphs);
        assert_eq!(doc.metadata, parsed.metadata);
        assert_eq!(doc.encoding, "UTF-8");
        for absent in [
            "a/通知",
            "a",
            "../a/通知.txt",
            "/etc/passwd",
            "a/通知.TXT",
            "",
        ] {
            assert!(s.document(absent).unwrap().is_none(), "{absent}");
        }
    }
}
