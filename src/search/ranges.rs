//! `section:` filters: the paragraphs of the sections whose heading matched, as runs of doc
//! ids.
//!
//! A section record holds its file and its first and last paragraph; a file's paragraphs are
//! consecutive doc ids after its anchor ([`super::exact::Anchors`]), so each section is one
//! run of doc ids (or a few, for a file written in several batches). Paragraphs thus need no
//! list of the sections that enclose them.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use super::exact::Anchors;

/// Matches the paragraphs of given sections, each with score 1.
#[derive(Clone, Debug, Default)]
pub struct DocRangesQuery {
    /// Per segment, sorted disjoint runs `start..end` of doc ids.
    by_segment: Arc<HashMap<SegmentId, Vec<(DocId, DocId)>>>,
}

impl DocRangesQuery {
    /// The paragraphs `first..=last` of file `file` for each of `sections`, over the
    /// segments of `searcher`.
    pub fn new(
        searcher: &tantivy::Searcher,
        anchors: &Anchors,
        sections: &[(u64, u64, u64)],
    ) -> DocRangesQuery {
        let readers = searcher.segment_readers();
        let mut runs: Vec<Vec<(DocId, DocId)>> = vec![Vec::new(); readers.len()];
        for &(file, first, last) in sections {
            let (Ok(file), Ok(first), Ok(last)) = (
                u32::try_from(file),
                u32::try_from(first),
                u32::try_from(last),
            ) else {
                continue;
            };
            let mut para = first;
            while para <= last {
                let Some((ord, doc)) = anchors.locate(file, para) else {
                    para += 1;
                    continue;
                };
                // The rest of the section within this paragraph's batch is one run of doc
                // ids; a file written in several batches goes on from the next batch's
                // anchor (records of other batches may lie between, even in one segment).
                let end = last.min(anchors.batch_end(file, para).saturating_sub(1));
                if let Some(list) = runs.get_mut(ord as usize) {
                    list.push((doc, doc + (end - para) + 1));
                }
                para = end + 1;
            }
        }
        let by_segment = runs
            .into_iter()
            .zip(readers)
            .filter(|(list, _)| !list.is_empty())
            .map(|(mut list, reader)| {
                list.sort_unstable();
                let mut merged: Vec<(DocId, DocId)> = Vec::with_capacity(list.len());
                for (start, end) in list {
                    let end = end.min(reader.max_doc());
                    match merged.last_mut() {
                        Some(last) if start <= last.1 => last.1 = last.1.max(end),
                        _ if start < end => merged.push((start, end)),
                        _ => {}
                    }
                }
                (reader.segment_id(), merged)
            })
            .collect();
        DocRangesQuery {
            by_segment: Arc::new(by_segment),
        }
    }
}

impl Query for DocRangesQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for DocRangesQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let runs = self
            .by_segment
            .get(&reader.segment_id())
            .cloned()
            .unwrap_or_default();
        let doc = runs.first().map_or(TERMINATED, |r| r.0);
        Ok(Box::new(RangesScorer {
            runs,
            run: 0,
            doc,
            score: boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is in none of the sections"
            )));
        }
        Ok(Explanation::new("in a matching section", scorer.score()))
    }
}

struct RangesScorer {
    runs: Vec<(DocId, DocId)>,
    run: usize,
    doc: DocId,
    score: Score,
}

impl DocSet for RangesScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc += 1;
        if self.doc >= self.runs[self.run].1 {
            self.run += 1;
            self.doc = self.runs.get(self.run).map_or(TERMINATED, |r| r.0);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.run += self.runs[self.run..].partition_point(|r| r.1 <= target);
        self.doc = self
            .runs
            .get(self.run)
            .map_or(TERMINATED, |r| r.0.max(target));
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.runs[self.run.min(self.runs.len())..]
            .iter()
            .map(|r| r.1 - r.0)
            .sum()
    }
}

impl Scorer for RangesScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}
