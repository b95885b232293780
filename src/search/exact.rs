//! Exact matches as a tantivy query: the paragraphs the exact index ([`crate::index::exact`])
//! finds for a phrase, turned into doc ids and scored, so they combine with tantivy's
//! boolean, BM25 and filter queries like any other clause.
//!
//! A hit of the exact index names a file and a paragraph ordinal; [`Anchors`] holds, for
//! every file, the doc id of its first paragraph record (the one with the `anchor` field),
//! and paragraph `p` is that doc id plus `p` (see [`crate::index::writer`]). A paragraph's
//! score is BM25 with the phrase as the term: its occurrences in the paragraph, the
//! paragraph's length in characters and the number of paragraphs that contain it.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use crate::index::exact::ExactHit;
use crate::index::schema::{Fields, ANCHOR};
use crate::Result;

/// BM25's term-frequency saturation.
const K1: f32 = 1.2;
/// BM25's length normalization.
const B: f32 = 0.75;

/// For every file number, where its paragraph records are: the segment ordinal and doc id of
/// its anchor record (and the anchor's paragraph number), several for a file written in
/// several batches.
#[derive(Debug, Default)]
pub struct Anchors {
    by_file: Vec<Option<Anchor>>,
    /// Per segment ordinal, its anchors as `(doc id, file, first paragraph)` by doc id.
    by_doc: Vec<Arc<Vec<(DocId, u32, u32)>>>,
    /// Files with more than one batch: their anchors by paragraph number.
    parts: rustc_hash::FxHashMap<u32, Vec<Anchor>>,
}

/// One batch of a file's paragraph records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Anchor {
    first_para: u32,
    ord: u32,
    doc: DocId,
}

impl Anchors {
    /// Reads the anchors of the live records of `searcher`.
    pub fn read(searcher: &tantivy::Searcher, fields: &Fields) -> Result<Anchors> {
        let term = Term::from_field_u64(fields.anchor, ANCHOR);
        let mut anchors = Anchors::default();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            let inverted = seg.inverted_index(fields.anchor)?;
            let postings = inverted
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|e| crate::Error::Index(format!("reading the anchors: {e}")))?;
            let Some(mut postings) = postings else {
                // A segment of document records alone (a file touched but unchanged, or
                // without paragraphs) has no anchors; its entry keeps the ordinals in step.
                anchors.by_doc.push(Arc::default());
                continue;
            };
            let file_ids = seg.fast_fields().u64("file_id")?;
            let paras = seg.fast_fields().u64("para")?;
            let alive = seg.alive_bitset();
            let mut by_doc = Vec::new();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    if let Some(file) = file_ids.first(doc) {
                        let anchor = Anchor {
                            first_para: paras.first(doc).unwrap_or(0) as u32,
                            ord: ord as u32,
                            doc,
                        };
                        anchors.add(file as u32, anchor);
                        by_doc.push((doc, file as u32, anchor.first_para));
                    }
                }
                doc = postings.advance();
            }
            anchors.by_doc.push(Arc::new(by_doc));
        }
        for parts in anchors.parts.values_mut() {
            parts.sort_unstable();
        }
        Ok(anchors)
    }

    fn add(&mut self, file: u32, anchor: Anchor) {
        let at = file as usize;
        if self.by_file.len() <= at {
            self.by_file.resize(at + 1, None);
        }
        match self.by_file[at] {
            None => self.by_file[at] = Some(anchor),
            Some(first) => {
                let parts = self.parts.entry(file).or_default();
                if parts.is_empty() {
                    parts.push(first);
                }
                parts.push(anchor);
            }
        }
    }

    /// The anchors of segment `ord` as `(doc id, file, first paragraph)`, by doc id: the file
    /// and number of a paragraph record from its doc id alone ([`paragraph_of`]).
    pub fn of_segment(&self, ord: u32) -> Arc<Vec<(DocId, u32, u32)>> {
        self.by_doc.get(ord as usize).cloned().unwrap_or_default()
    }

    /// The segment ordinal and doc id of paragraph `para` of file `file_no`.
    pub fn locate(&self, file_no: u32, para: u32) -> Option<(u32, DocId)> {
        let anchor = match self.parts.get(&file_no) {
            None => (*self.by_file.get(file_no as usize)?)?,
            Some(parts) => {
                let after = parts.partition_point(|a| a.first_para <= para);
                *parts.get(after.checked_sub(1)?)?
            }
        };
        let offset = para.checked_sub(anchor.first_para)?;
        Some((anchor.ord, anchor.doc + offset))
    }

    /// The first paragraph after the batch that holds paragraph `para` of file `file_no`
    /// (`u32::MAX` for the file's last batch): the paragraphs from `para` up to it are
    /// consecutive records.
    pub fn batch_end(&self, file_no: u32, para: u32) -> u32 {
        let Some(parts) = self.parts.get(&file_no) else {
            return u32::MAX;
        };
        let after = parts.partition_point(|a| a.first_para <= para);
        parts.get(after).map_or(u32::MAX, |next| next.first_para)
    }
}

/// The file and paragraph number of the paragraph record `doc`, from its segment's anchors
/// (as [`Anchors::of_segment`] gives them): its batch's anchor is the last at or before it.
/// Meaningless for a record that is not a paragraph.
pub fn paragraph_of(anchors: &[(DocId, u32, u32)], doc: DocId) -> Option<(u32, u32)> {
    let at = anchors.partition_point(|a| a.0 <= doc).checked_sub(1)?;
    let (anchor, file, first) = anchors[at];
    Some((file, first.checked_add(doc - anchor)?))
}

/// BM25's idf of a phrase found in `df` of `paragraphs` paragraphs.
pub fn idf(df: f32, paragraphs: u64) -> f32 {
    let n = (paragraphs as f32).max(df);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// BM25's term-frequency part (the score without the idf) of an exact hit.
#[derive(Debug, Clone, Copy)]
pub struct TfScorer {
    /// `K1 · B / mean length`: the length norm is `K1 · (1 − B) + this · length`.
    per_char: f32,
}

impl TfScorer {
    /// For paragraphs of mean length `mean_len` characters.
    pub fn new(mean_len: f32) -> TfScorer {
        TfScorer {
            per_char: K1 * B / mean_len.max(1.0),
        }
    }

    /// The part for `h`, from its occurrences and length; never negative.
    pub fn tf_part(&self, h: ExactHit) -> f32 {
        let tf = h.count as f32;
        let norm = K1 * (1.0 - B) + self.per_char * h.len as f32;
        tf * (K1 + 1.0) / (tf + norm)
    }
}

/// Scored doc ids of one segment, ascending.
type SegmentDocs = Arc<Vec<(DocId, Score)>>;

/// A query that matches fixed paragraphs with fixed scores: the exact matches of a phrase.
/// It is made empty and filled once the whole query is built (through a [`Filler`]), so
/// that look-ups can be limited to what the query's required parts allow.
#[derive(Clone, Debug, Default)]
pub struct ExactDocsQuery {
    /// The phrase's idf, and per segment the matching doc ids with their BM25 term-frequency
    /// part (the score is their product).
    by_segment: Arc<OnceLock<(Score, HashMap<tantivy::index::SegmentId, SegmentDocs>)>>,
}

/// Collects the hits of an [`ExactDocsQuery`] one by one.
pub struct Filler<'a> {
    anchors: &'a Anchors,
    readers: &'a [SegmentReader],
    per_ord: Vec<Vec<(DocId, Score)>>,
    scorer: TfScorer,
    hits: usize,
}

impl<'a> Filler<'a> {
    /// A filler for the segments of `searcher`, whose paragraphs have mean length
    /// `mean_len` characters.
    pub fn new(searcher: &'a tantivy::Searcher, anchors: &'a Anchors, mean_len: f32) -> Self {
        let readers = searcher.segment_readers();
        Filler {
            anchors,
            readers,
            per_ord: vec![Vec::new(); readers.len()],
            scorer: TfScorer::new(mean_len),
            hits: 0,
        }
    }

    /// Adds one paragraph.
    pub fn add(&mut self, h: ExactHit) {
        let Some((ord, doc)) = self.anchors.locate(h.file_no, h.para) else {
            return;
        };
        let Some(docs) = self.per_ord.get_mut(ord as usize) else {
            return;
        };
        self.hits += 1;
        docs.push((doc, self.scorer.tf_part(h)));
    }

    /// Fills `query`, with `df` paragraphs of `paragraphs` holding the phrase (`None`: as
    /// many as were added). Only the first fill of a query counts.
    pub fn finish(self, query: &ExactDocsQuery, df: Option<f32>, paragraphs: u64) {
        let idf = idf(df.unwrap_or(0.0).max(self.hits as f32), paragraphs);
        let by_segment = self
            .per_ord
            .into_iter()
            .zip(self.readers)
            .filter(|(docs, _)| !docs.is_empty())
            .map(|(mut docs, reader)| {
                // Only a damaged index could point past its segment.
                docs.retain(|d| d.0 < reader.max_doc());
                // Ascending runs, one per exact segment (a reading thread sends its files in
                // order): the stable sort merges runs instead of sorting from scratch.
                docs.sort_by_key(|d| d.0);
                docs.dedup_by_key(|d| d.0);
                (reader.segment_id(), Arc::new(docs))
            })
            .collect();
        let _ = query.by_segment.set((idf, by_segment));
    }
}

impl Query for ExactDocsQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for ExactDocsQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let (idf, docs) = match self.by_segment.get() {
            Some((idf, m)) => (*idf, m.get(&reader.segment_id()).cloned()),
            None => (0.0, None),
        };
        Ok(Box::new(ExactScorer {
            docs: docs.unwrap_or_default(),
            cursor: 0,
            boost: boost * idf,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not contain the phrase"
            )));
        }
        Ok(Explanation::new("exact phrase, BM25", scorer.score()))
    }
}

struct ExactScorer {
    docs: SegmentDocs,
    cursor: usize,
    boost: Score,
}

impl DocSet for ExactScorer {
    fn advance(&mut self) -> DocId {
        self.cursor = (self.cursor + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() < target {
            // The target is usually a few documents ahead: gallop, then search the last step.
            let rest = &self.docs[self.cursor..];
            let mut step = 1;
            while rest.get(step).is_some_and(|d| d.0 < target) {
                step *= 2;
            }
            let (low, high) = (step / 2, (step + 1).min(rest.len()));
            self.cursor += low + rest[low..high].partition_point(|d| d.0 < target);
        }
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.cursor).map_or(TERMINATED, |d| d.0)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.cursor) as u32
    }
}

impl Scorer for ExactScorer {
    fn score(&mut self) -> Score {
        self.docs.get(self.cursor).map_or(0.0, |d| d.1 * self.boost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_ends_where_the_next_anchor_of_its_file_begins() {
        let at = |first_para, ord, doc| Anchor {
            first_para,
            ord,
            doc,
        };
        let mut anchors = Anchors::default();
        // File 7 in three batches, the second in another segment; file 3 in one.
        anchors
            .parts
            .insert(7, vec![at(0, 0, 5), at(10, 1, 0), at(25, 0, 40)]);
        anchors.by_file = vec![None, None, None, Some(at(0, 0, 100))];
        assert_eq!(anchors.batch_end(7, 0), 10);
        assert_eq!(anchors.batch_end(7, 9), 10);
        assert_eq!(anchors.batch_end(7, 10), 25);
        assert_eq!(anchors.batch_end(7, 30), u32::MAX);
        assert_eq!(anchors.batch_end(3, 4), u32::MAX);
        // Paragraph 9 and paragraph 25 lie 35 docs apart in segment 0, although 16
        // paragraphs apart: a run must stop at its batch's end.
        assert_eq!(anchors.locate(7, 9), Some((0, 14)));
        assert_eq!(anchors.locate(7, 25), Some((0, 40)));
    }
}
