//! The one ranker: every query's matches are scored here and the best kept by one heap with
//! one tie rule.
//!
//! A paragraph's score is the sum, over the parts of the [`Plan`] it matches, of
//! - for a text: BM25 with the text as the term ([`idf`] of the paragraphs that hold it, times
//!   [`TfScorer::tf_part`] of its occurrences and the paragraph's length in characters), times
//!   the text's boost;
//! - for a field filter: 1;
//!
//! plus the title and heading [`Bonus`]es of the query's words. Negated parts select and add
//! nothing. Ties go to the file earlier in path order, then the lower paragraph number
//! ([`Ranker`]): the same files get the same order in any build, fresh or updated.
//!
//! [`Matcher`] evaluates the plan's boolean tree for one candidate paragraph at a time; the
//! candidates come in look-up order (by exact segment, then position), as every text's hits
//! do, so each text is probed with a cursor that only moves forward.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::plan::{Node, Plan};
use crate::index::exact::ExactHit;

/// BM25's term-frequency saturation.
const K1: f32 = 1.2;
/// BM25's length normalization.
const B: f32 = 0.75;

/// BM25's idf of a text found in `df` of `paragraphs` paragraphs.
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
    pub fn tf_part(&self, h: &ExactHit) -> f32 {
        let tf = h.count as f32;
        let norm = K1 * (1.0 - B) + self.per_char * h.len as f32;
        tf * (K1 + 1.0) / (tf + norm)
    }
}

/// The paragraphs a field filter or a bonus selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterSet {
    /// Every paragraph of these files (ids, sorted).
    Files(Vec<u64>),
    /// Paragraphs `first..=last` of a file, as `(file id, first, last)` sorted.
    Sections(Vec<(u64, u64, u64)>),
}

impl FilterSet {
    /// Whether paragraph `para` of file `file` is selected.
    pub fn contains(&self, file: u64, para: u64) -> bool {
        match self {
            FilterSet::Files(files) => files.binary_search(&file).is_ok(),
            FilterSet::Sections(ranges) => {
                let from = ranges.partition_point(|r| r.0 < file);
                ranges[from..]
                    .iter()
                    .take_while(|r| r.0 == file && r.1 <= para)
                    .any(|r| para <= r.2)
            }
        }
    }
}

/// A score added to the paragraphs of a [`FilterSet`]: a query word in the document title or
/// in an enclosing heading.
#[derive(Debug, Clone)]
pub struct Bonus {
    /// The paragraphs that get it.
    pub within: FilterSet,
    /// The score added.
    pub score: f32,
}

/// The sum of the `bonuses` that hold for paragraph `para` of file `file`, in their order.
pub fn bonus_of(bonuses: &[Bonus], file: u64, para: u64) -> f32 {
    let mut total = 0.0;
    for b in bonuses {
        if b.within.contains(file, para) {
            total += b.score;
        }
    }
    total
}

/// The best paragraphs seen so far: a min-heap whose top is the worst kept (the lower score,
/// then the later key). Keys order paragraphs for ties: `(file's place in path order) << 32 |
/// paragraph`.
#[derive(Debug)]
pub struct Ranker<T> {
    keep: usize,
    heap: BinaryHeap<Reverse<(u32, Reverse<u64>, T)>>,
}

impl<T: Ord> Ranker<T> {
    /// A ranker keeping the best `keep`.
    pub fn new(keep: usize) -> Self {
        Ranker {
            keep,
            heap: BinaryHeap::with_capacity(keep.min(1 << 16) + 1),
        }
    }

    /// Whether a paragraph scoring `score` could be kept (scores must not be negative): a
    /// caller can skip working out its key when not.
    pub fn admits(&self, score: f32) -> bool {
        self.heap.len() < self.keep
            || self
                .heap
                .peek()
                .is_some_and(|Reverse(worst)| score.to_bits() >= worst.0)
    }

    /// Offers one paragraph.
    pub fn push(&mut self, score: f32, key: u64, item: T) {
        if self.keep == 0 {
            return;
        }
        // Scores that are not negative order as their bits do.
        let entry = Reverse((score.to_bits(), Reverse(key), item));
        if self.heap.len() < self.keep {
            self.heap.push(entry);
        } else if self.heap.peek().is_some_and(|worst| entry < *worst) {
            self.heap.pop();
            self.heap.push(entry);
        }
    }

    /// Takes in what another ranker kept (a share of the same look-up).
    pub fn merge(&mut self, other: Ranker<T>) {
        for Reverse((bits, Reverse(key), item)) in other.heap {
            self.push(f32::from_bits(bits), key, item);
        }
    }

    /// The kept paragraphs, best first, with their scores.
    pub fn into_sorted(self) -> Vec<(f32, T)> {
        (self.heap.into_sorted_vec().into_iter())
            .map(|Reverse((bits, _, item))| (f32::from_bits(bits), item))
            .collect()
    }
}

/// Evaluates a plan's tree for candidate paragraphs, given each text's hits and each filter's
/// paragraphs.
pub struct Matcher<'a> {
    lists: &'a [Vec<ExactHit>],
    filters: &'a [FilterSet],
    /// Per text: `boost`-less score factor (its idf).
    idf: &'a [f32],
    tf: TfScorer,
    /// Per text: where in its list the last probe stopped.
    cursors: Vec<usize>,
}

impl<'a> Matcher<'a> {
    /// A matcher over `lists` (per text of the plan, in look-up order), `filters` (per filter)
    /// and the texts' `idf`, for paragraphs of mean length `mean_len`.
    pub fn new(
        lists: &'a [Vec<ExactHit>],
        filters: &'a [FilterSet],
        idf: &'a [f32],
        mean_len: f32,
    ) -> Self {
        Matcher {
            lists,
            filters,
            idf,
            tf: TfScorer::new(mean_len),
            cursors: vec![0; lists.len()],
        }
    }

    /// The score of candidate `c` under `node`, `None` when it does not match. Candidates
    /// must come in look-up order.
    pub fn eval(&mut self, node: &Node, c: &ExactHit) -> Option<f32> {
        match node {
            Node::Text { text, boost } => {
                let h = self.probe(*text, c.at)?;
                Some(self.tf.tf_part(&h) * (boost * self.idf[*text]))
            }
            Node::Filter(i) => self.filters[*i]
                .contains(u64::from(c.file_no), u64::from(c.para))
                .then_some(1.0),
            Node::All => Some(0.0),
            Node::Bool {
                must,
                should,
                must_not,
            } => {
                let mut score = 0.0;
                for m in must {
                    score += self.eval(m, c)?;
                }
                for n in must_not {
                    if self.eval(n, c).is_some() {
                        return None;
                    }
                }
                let mut any = false;
                for s in should {
                    if let Some(x) = self.eval(s, c) {
                        score += x;
                        any = true;
                    }
                }
                (any || !must.is_empty()).then_some(score)
            }
        }
    }

    /// The hit of text `text` at `at`, if it has one; moves the text's cursor to it.
    fn probe(&mut self, text: usize, at: (u32, u32)) -> Option<ExactHit> {
        let list = &self.lists[text];
        let cursor = &mut self.cursors[text];
        if list.get(*cursor).is_some_and(|h| h.at < at) {
            // Gallop, then search the last step.
            let rest = &list[*cursor..];
            let mut step = 1;
            while rest.get(step).is_some_and(|h| h.at < at) {
                step *= 2;
            }
            let (low, high) = (step / 2, (step + 1).min(rest.len()));
            *cursor += low + rest[low..high].partition_point(|h| h.at < at);
        }
        list.get(*cursor).filter(|h| h.at == at).copied()
    }
}

/// Whether `plan`'s root is one text with nothing around it: its matches can be ranked as
/// they are found, without being gathered first.
pub fn lone_text(plan: &Plan) -> Option<(usize, f32)> {
    match plan.root {
        Node::Text { text, boost } => Some((text, boost)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(file_no: u32, para: u32, count: u32, at: (u32, u32)) -> ExactHit {
        ExactHit {
            file_no,
            para,
            count,
            len: 10,
            at,
            start: 0,
        }
    }

    #[test]
    fn the_best_go_first_and_ties_to_the_lower_key() {
        // (score, key): the keys do not follow the order of arrival.
        let scored = [
            (1.0, 4),
            (3.0, 1),
            (2.0, 6),
            (3.0, 5),
            (2.0, 3),
            (0.5, 0),
            (2.0, 2),
        ];
        let mut r = Ranker::new(4);
        for (i, (score, key)) in scored.into_iter().enumerate() {
            r.push(score, key, i);
        }
        // Ties inside the kept ones and at the cut both go to the lower key.
        let best: Vec<(f32, usize)> = r.into_sorted();
        assert_eq!(best, [(3.0, 1), (3.0, 3), (2.0, 6), (2.0, 4)]);
        let mut none = Ranker::new(0);
        none.push(1.0, 0, 0);
        assert!(none.into_sorted().is_empty());
        // Two shares merged keep what one ranker would.
        let (mut a, mut b) = (Ranker::new(3), Ranker::new(3));
        for (i, (score, key)) in scored.into_iter().enumerate() {
            match i % 2 {
                0 => a.push(score, key, i),
                _ => b.push(score, key, i),
            }
        }
        a.merge(b);
        assert_eq!(a.into_sorted(), [(3.0, 1), (3.0, 3), (2.0, 6)]);
    }

    #[test]
    fn sections_hold_their_paragraph_ranges() {
        let set = FilterSet::Sections(vec![(1, 0, 3), (1, 2, 5), (2, 7, 7), (4, 0, 0)]);
        assert!(set.contains(1, 5));
        assert!(set.contains(2, 7));
        assert!(!set.contains(1, 6));
        assert!(!set.contains(2, 6));
        assert!(!set.contains(3, 0));
        assert!(FilterSet::Files(vec![2, 9]).contains(9, 100));
        assert!(!FilterSet::Files(vec![2, 9]).contains(3, 0));
    }

    #[test]
    fn a_bool_needs_its_musts_and_no_must_not_and_sums_what_matches() {
        // Text 0 in paragraphs at 1, 2, 3; text 1 at 2; text 2 at 3.
        let lists = vec![
            vec![
                hit(1, 0, 1, (0, 1)),
                hit(1, 1, 2, (0, 2)),
                hit(1, 2, 1, (0, 3)),
            ],
            vec![hit(1, 1, 1, (0, 2))],
            vec![hit(1, 2, 1, (0, 3))],
        ];
        let idf = [1.0, 2.0, 4.0];
        let node = Node::Bool {
            must: vec![Node::Text {
                text: 0,
                boost: 1.0,
            }],
            should: vec![Node::Text {
                text: 1,
                boost: 2.0,
            }],
            must_not: vec![Node::Text {
                text: 2,
                boost: 1.0,
            }],
        };
        let mut m = Matcher::new(&lists, &[], &idf, 10.0);
        let tf = TfScorer::new(10.0);
        let scores: Vec<Option<f32>> = lists[0].iter().map(|c| m.eval(&node, c)).collect();
        assert_eq!(scores[0], Some(tf.tf_part(&lists[0][0])));
        let both = tf.tf_part(&lists[0][1]) + tf.tf_part(&lists[1][0]) * 4.0;
        assert_eq!(scores[1], Some(both));
        assert_eq!(scores[2], None);
        // Without musts, a should must match.
        let any = Node::Bool {
            must: vec![],
            should: vec![Node::Text {
                text: 1,
                boost: 1.0,
            }],
            must_not: vec![],
        };
        let mut m = Matcher::new(&lists, &[], &idf, 10.0);
        let hits: Vec<bool> = lists[0].iter().map(|c| m.eval(&any, c).is_some()).collect();
        assert_eq!(hits, [false, true, false]);
    }
}
