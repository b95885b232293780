//! Title and heading bonuses: a constant score added to a matching paragraph whose document
//! title, or one of whose enclosing headings, contains a query word.
//!
//! The bonus is judged per matching paragraph against the files whose title holds the word,
//! or the paragraph ranges of the sections whose heading holds it. The paragraph's file and
//! number come from its doc id and the anchors of its segment (a binary search in memory):
//! reading them from the `file_id` and `para` fast columns took ~13% of a word query. As
//! boolean `SHOULD` clauses over key sets, tantivy had to merge the postings of up to 256
//! keys per word for every query, which took ~30% of a word query's time.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader};

use super::exact::paragraph_of;

/// One bonus: `score` for a paragraph in one of `within`.
#[derive(Debug, Clone)]
pub struct Bonus {
    /// The paragraphs that get it.
    pub within: BonusWithin,
    /// The score added.
    pub score: Score,
}

/// The paragraphs a [`Bonus`] goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BonusWithin {
    /// Every paragraph of these files (ids, sorted): documents whose title holds the word.
    Files(Vec<u64>),
    /// Paragraphs `first..=last` of a file, as `(file id, first, last)` sorted: sections
    /// whose heading holds the word.
    Sections(Vec<(u64, u64, u64)>),
}

/// A segment's anchors as `(doc id, file, first paragraph)` by doc id
/// ([`super::exact::Anchors::of_segment`]).
pub type SegmentAnchors = Arc<Vec<(DocId, u32, u32)>>;

/// `inner`, with the [`Bonus`]es of each matching paragraph added to its score.
#[derive(Debug)]
pub struct BonusQuery {
    inner: Box<dyn Query>,
    bonuses: Arc<Vec<Bonus>>,
    /// The anchors of each segment.
    anchors: Arc<HashMap<SegmentId, SegmentAnchors>>,
}

impl Clone for BonusQuery {
    fn clone(&self) -> Self {
        BonusQuery {
            inner: self.inner.box_clone(),
            bonuses: Arc::clone(&self.bonuses),
            anchors: Arc::clone(&self.anchors),
        }
    }
}

impl BonusQuery {
    /// `inner` (which matches paragraph records only) with `bonuses` added, judged with the
    /// `anchors` of each segment.
    pub fn new(
        inner: Box<dyn Query>,
        bonuses: Vec<Bonus>,
        anchors: HashMap<SegmentId, SegmentAnchors>,
    ) -> BonusQuery {
        BonusQuery {
            inner,
            bonuses: Arc::new(bonuses),
            anchors: Arc::new(anchors),
        }
    }
}

impl Query for BonusQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(BonusWeight {
            inner: self.inner.weight(scoring)?,
            bonuses: Arc::clone(&self.bonuses),
            anchors: Arc::clone(&self.anchors),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct BonusWeight {
    inner: Box<dyn Weight>,
    bonuses: Arc<Vec<Bonus>>,
    anchors: Arc<HashMap<SegmentId, SegmentAnchors>>,
}

impl BonusWeight {
    fn bonus_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<BonusScorer> {
        Ok(BonusScorer {
            inner: self.inner.scorer(reader, boost)?,
            bonuses: Arc::clone(&self.bonuses),
            anchors: self
                .anchors
                .get(&reader.segment_id())
                .cloned()
                .unwrap_or_default(),
            last_anchor: 0,
        })
    }
}

impl Weight for BonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.bonus_scorer(reader, boost)?))
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        // Bonuses change scores, never the matches.
        self.inner.count(reader)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut explanation = self.inner.explain(reader, doc)?;
        let mut scorer = self.bonus_scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            explanation.add_const("title and heading bonuses", scorer.bonus(doc));
        }
        Ok(explanation)
    }
}

struct BonusScorer {
    inner: Box<dyn Scorer>,
    bonuses: Arc<Vec<Bonus>>,
    anchors: SegmentAnchors,
    /// The index of the anchor of the last doc scored.
    last_anchor: usize,
}

impl BonusScorer {
    fn bonus(&mut self, doc: DocId) -> Score {
        // Docs come in ascending order: their batch's anchor is usually the last one's, or
        // a few after it, instead of a search of all the segment's anchors.
        let anchors = &self.anchors[..];
        let mut at = self.last_anchor;
        if anchors.get(at).is_none_or(|a| a.0 > doc) {
            at = 0;
        }
        let ahead = anchors.get(at..).unwrap_or_default();
        // The first anchor after `doc`, searched outwards from the last one: a search of the
        // whole list missed the cache at nearly every step.
        let (mut low, mut step) = (0, 1);
        while ahead.get(low + step).is_some_and(|a| a.0 <= doc) {
            low += step;
            step *= 2;
        }
        let high = (low + step).min(ahead.len());
        let after = low + ahead[low..high].partition_point(|a| a.0 <= doc);
        let found = (at + after).checked_sub(1).filter(|_| after > 0);
        let Some(found) = found else {
            return 0.0;
        };
        self.last_anchor = found;
        let Some((file, para)) = paragraph_of(&anchors[found..=found], doc) else {
            return 0.0;
        };
        bonus_of(&self.bonuses, u64::from(file), u64::from(para))
    }
}

/// The sum of the `bonuses` that hold for paragraph `para` of file `file`, in their order.
pub fn bonus_of(bonuses: &[Bonus], file: u64, para: u64) -> Score {
    let mut total = 0.0;
    for b in bonuses {
        let holds = match &b.within {
            BonusWithin::Files(files) => files.binary_search(&file).is_ok(),
            BonusWithin::Sections(ranges) => in_ranges(ranges, file, para),
        };
        if holds {
            total += b.score;
        }
    }
    total
}

/// Whether paragraph `para` of `file` lies in one of `ranges` (`(file, first, last)`, sorted).
fn in_ranges(ranges: &[(u64, u64, u64)], file: u64, para: u64) -> bool {
    let from = ranges.partition_point(|r| r.0 < file);
    ranges[from..]
        .iter()
        .take_while(|r| r.0 == file && r.1 <= para)
        .any(|r| para <= r.2)
}

impl DocSet for BonusScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for BonusScorer {
    fn score(&mut self) -> Score {
        let doc = self.inner.doc();
        self.inner.score() + self.bonus(doc)
    }
}
