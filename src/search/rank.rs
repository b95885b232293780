//! The one ranker: every query's matches are scored here and the best kept by one heap with
//! one tie rule.
//!
//! A paragraph's score is the sum, over the parts of the [`Plan`] it matches, of
//! - for a text: BM25 with the text as the term ([`idf`] of the paragraphs that hold it, times
//!   [`TfScorer::tf_part`] of its occurrences and the paragraph's length in characters), times
//!   the text's boost. Occurrences that are whole words count fully, those that cut into a
//!   word ([`STRADDLE_WEIGHT`]) far less; a paragraph shorter than [`MIN_LENGTH`] counts as
//!   that long, so that a label or a table row alone does not outrank a paragraph that says
//!   something;
//! - for a bare word: BM25F over the paragraph's context, the text as above plus, where the
//!   word stands in the document's title, [`TITLE_WEIGHT`] times a title term whose length
//!   norm favours short titles, and where it stands in an enclosing heading,
//!   [`HEADING_WEIGHT`], all times the word's idf;
//! - for a field filter: 1.
//!
//! Negated parts select and add nothing. Ties go to the file earlier in path order, then the lower paragraph number
//! ([`Ranker`]): the same files get the same order in any build, fresh or updated.
//!
//! [`Matcher`] evaluates the plan's boolean tree for one candidate paragraph at a time; the
//! candidates come in look-up order (by exact segment, then position), as every text's hits
//! do, so each text is probed with a cursor that only moves forward.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::plan::{Node, Plan};
use crate::index::exact::{ExactHit, ParagraphKindCode};

/// BM25's term-frequency saturation.
const K1: f32 = 1.2;
/// BM25's length normalization.
const B: f32 = 0.75;
/// What an occurrence that cuts into a word counts, against 1 for a whole one.
pub const STRADDLE_WEIGHT: f32 = 0.1;
/// What a paragraph that holds a text only in another form (计画 for 计划, 第10条 for
/// 第十条) counts against one that holds it as typed: a little less, so that the literal
/// match comes first among equals, never so much that a better paragraph in the other form
/// drops from the first page.
pub const OTHER_FORM_WEIGHT: f32 = 0.9;
/// The least length, in characters, a paragraph's occurrences are normalized by: a label
/// line or a table row (mostly shorter) gains nothing from being short. On the known-item
/// evaluation 12, 20 and 30 differ by at most 0.1 point.
pub const MIN_LENGTH: u32 = 30;
/// The weight of a word found in the document's title, against its text. This and
/// [`HEADING_WEIGHT`] were chosen on the known-item evaluation (`examples/quality`, 1,000
/// queries of each kind, the statutes as they are and without title lines; docs/QUALITY.md):
/// weights from 0.15 to 1.0 change a law's article and a document's name by at most 0.1
/// point, while lower weights keep paragraphs that hold rare words in their text above
/// paragraphs of documents whose title holds some of them.
pub const TITLE_WEIGHT: f32 = 0.3;
/// The weight of a word found in an enclosing heading, against its text.
pub const HEADING_WEIGHT: f32 = 0.25;
/// The mean title length, in characters, the title term is normalized by.
const MEAN_TITLE_CHARS: f32 = 12.0;

/// What a match in a paragraph that only labels or lays out counts, against 1 for body
/// text that says something: a heading (`二、個人資料：`), a header field, a table row
/// (`│個人資料│  │個人資料│`). Short, they would otherwise outrank the sentences that hold
/// the same words; a document's name or a law's article still puts its title line or its
/// label line first (through their bonuses).
pub fn kind_weight(kind: Option<ParagraphKindCode>) -> f32 {
    match kind {
        Some(ParagraphKindCode::Heading) => 0.6,
        Some(ParagraphKindCode::Metadata | ParagraphKindCode::TableRow) => 0.5,
        Some(ParagraphKindCode::Body) | None => 1.0,
    }
}

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

    /// The part for `h`, from its occurrences and length; never negative. Whole occurrences
    /// give BM25's saturated part; those that cut into a word add [`STRADDLE_WEIGHT`] of what
    /// they add to it, so that a paragraph holding the term only inside other words scores a
    /// tenth of one holding it as often as a word.
    pub fn tf_part(&self, h: &ExactHit) -> f32 {
        let norm = K1 * (1.0 - B) + self.per_char * h.len.max(MIN_LENGTH) as f32;
        let saturate = |tf: f32| tf * (K1 + 1.0) / (tf + norm);
        let whole = saturate(h.whole.min(h.count) as f32);
        let part = whole + STRADDLE_WEIGHT * (saturate(h.count as f32) - whole);
        match h.other_form {
            true => OTHER_FORM_WEIGHT * part,
            false => part,
        }
    }
}

/// The title term of BM25F: one occurrence in a title of `len` characters.
pub fn title_part(len: u32) -> f32 {
    let norm = K1 * (1.0 - B) + K1 * B * len.max(1) as f32 / MEAN_TITLE_CHARS;
    (K1 + 1.0) / (1.0 + norm)
}

/// A document whose title holds a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Titled {
    /// Its file id.
    pub file: u64,
    /// The length in characters of its title's name ([`crate::analysis::name_len`]).
    pub name_len: u32,
    /// Its file name's version date as `YYYYMMDD`, 0 when it has none.
    pub version: u32,
    /// The script of its title, when it has one.
    pub script: Option<crate::analysis::Written>,
}

/// Where a bare word stands around paragraphs: the documents whose title holds it and the
/// sections whose heading holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The documents whose title holds it, sorted by file.
    pub titles: Vec<Titled>,
    /// `(file id, first, last)` paragraph ranges of the sections whose heading holds it,
    /// sorted (empty when the word heads too many sections to say anything).
    pub sections: Vec<(u64, u64, u64)>,
}

impl Context {
    /// Whether the word stands in no title and no heading.
    pub fn is_empty(&self) -> bool {
        self.titles.is_empty() && self.sections.is_empty()
    }

    /// File `file`'s title when it holds the word.
    pub fn title(&self, file: u32) -> Option<&Titled> {
        let at = self
            .titles
            .binary_search_by_key(&u64::from(file), |t| t.file)
            .ok()?;
        Some(&self.titles[at])
    }

    /// The length of file `file`'s title's name when it holds the word.
    pub fn title_len(&self, file: u32) -> Option<u32> {
        self.title(file).map(|t| t.name_len)
    }

    /// Whether an enclosing heading of paragraph `para` of `file` holds the word.
    pub fn in_heading(&self, file: u32, para: u32) -> bool {
        in_ranges(&self.sections, u64::from(file), u64::from(para))
    }

    /// Whether the title or an enclosing heading of paragraph `para` of `file` holds the
    /// word.
    pub fn holds(&self, file: u32, para: u32) -> bool {
        self.title_len(file).is_some() || self.in_heading(file, para)
    }

    /// Whether some paragraph of `file` is held.
    pub fn touches(&self, file: u32) -> bool {
        let file = u64::from(file);
        self.titles.binary_search_by_key(&file, |t| t.file).is_ok()
            || self
                .sections
                .get(self.sections.partition_point(|r| r.0 < file))
                .is_some_and(|r| r.0 == file)
    }

    /// The files some paragraph of which is held, sorted and distinct.
    pub fn files(&self) -> Vec<u32> {
        let titles = self.titles.iter().map(|t| t.file);
        let sections = self.sections.iter().map(|r| r.0);
        let mut files: Vec<u32> = (titles.chain(sections))
            .filter_map(|f| u32::try_from(f).ok())
            .collect();
        files.sort_unstable();
        files.dedup();
        files
    }

    /// A reader of [`Context::holds`] for paragraphs that come grouped by file (as look-ups
    /// give them): each file's title and sections are found once.
    pub fn holder(&self) -> Holder<'_> {
        Holder {
            context: self,
            file: None,
            title: None,
            sections: &[],
        }
    }

    /// An estimate of the paragraphs held, for ordering look-ups.
    pub fn paragraphs(&self, exact: &crate::index::exact::ExactIndex) -> u64 {
        let per_file = exact.paragraphs() / exact.files().max(1) as u64;
        let sections: u64 = self.sections.iter().map(|r| r.2 + 1 - r.1.min(r.2)).sum();
        self.titles.len() as u64 * per_file + sections
    }
}

/// [`Context::holds`] with the last file's answer kept.
#[derive(Debug)]
pub struct Holder<'a> {
    context: &'a Context,
    /// The file the fields below are of.
    file: Option<u32>,
    /// The length of its title's name when its title holds the word.
    title: Option<u32>,
    /// Its sections whose heading holds the word.
    sections: &'a [(u64, u64, u64)],
}

impl Holder<'_> {
    /// Reads what the context says of `file`, unless it is the last file asked about.
    #[inline]
    fn at_file(&mut self, file: u32) {
        if self.file != Some(file) {
            let ctx = self.context;
            let f = u64::from(file);
            self.file = Some(file);
            self.title = ctx.title_len(file);
            let from = ctx.sections.partition_point(|r| r.0 < f);
            let to = from + ctx.sections[from..].partition_point(|r| r.0 == f);
            self.sections = &ctx.sections[from..to];
        }
    }

    /// Whether the title or an enclosing heading of paragraph `para` of `file` holds the
    /// word.
    #[inline]
    pub fn holds(&mut self, file: u32, para: u32) -> bool {
        self.at_file(file);
        self.title.is_some() || self.in_heading_here(para)
    }

    /// [`Context::title_len`].
    #[inline]
    pub fn title_len(&mut self, file: u32) -> Option<u32> {
        self.at_file(file);
        self.title
    }

    /// [`Context::in_heading`].
    #[inline]
    pub fn in_heading(&mut self, file: u32, para: u32) -> bool {
        self.at_file(file);
        self.in_heading_here(para)
    }

    fn in_heading_here(&self, para: u32) -> bool {
        let para = u64::from(para);
        (self.sections.iter()).any(|r| r.1 <= para && para <= r.2)
    }
}

/// Whether paragraph `para` of `file` lies in one of `ranges` (`(file, first, last)`,
/// sorted).
fn in_ranges(ranges: &[(u64, u64, u64)], file: u64, para: u64) -> bool {
    let from = ranges.partition_point(|r| r.0 < file);
    ranges[from..]
        .iter()
        .take_while(|r| r.0 == file && r.1 <= para)
        .any(|r| para <= r.2)
}

/// The paragraphs a field filter selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterSet {
    /// Every paragraph of these files (ids, sorted).
    Files(Vec<u64>),
    /// Paragraphs `first..=last` of a file, as `(file id, first, last)` sorted.
    Sections(Vec<(u64, u64, u64)>),
    /// Every paragraph of the files in the mask (metadata and path filters).
    Mask(super::meta::FileMask),
}

impl FilterSet {
    /// Whether paragraph `para` of file `file` is selected.
    pub fn contains(&self, file: u64, para: u64) -> bool {
        match self {
            FilterSet::Files(files) => files.binary_search(&file).is_ok(),
            FilterSet::Sections(ranges) => in_ranges(ranges, file, para),
            FilterSet::Mask(mask) => mask.contains(file),
        }
    }

    /// Whether some paragraph of `file` is selected.
    pub fn touches(&self, file: u64) -> bool {
        match self {
            FilterSet::Files(files) => files.binary_search(&file).is_ok(),
            FilterSet::Mask(mask) => mask.contains(file),
            FilterSet::Sections(ranges) => ranges
                .get(ranges.partition_point(|r| r.0 < file))
                .is_some_and(|r| r.0 == file),
        }
    }
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
    /// Per word of the plan: its text and its context's reader.
    words: Vec<(usize, Holder<'a>)>,
    filters: &'a [FilterSet],
    /// Per text: `boost`-less score factor (its idf).
    idf: &'a [f32],
    tf: TfScorer,
    /// Per text: where in its list the last probe stopped.
    cursors: Vec<usize>,
}

impl<'a> Matcher<'a> {
    /// A matcher over `lists` (per text of the plan, in look-up order), `words` (per word of
    /// the plan: its text and context), `filters` (per filter) and the texts' `idf`, for
    /// paragraphs of mean length `mean_len`.
    pub fn new(
        lists: &'a [Vec<ExactHit>],
        words: Vec<(usize, &'a Context)>,
        filters: &'a [FilterSet],
        idf: &'a [f32],
        mean_len: f32,
    ) -> Self {
        Matcher {
            lists,
            words: (words.into_iter())
                .map(|(text, c)| (text, c.holder()))
                .collect(),
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
            Node::Word { word, boost } => {
                let text = self.words[*word].0;
                let hit = self.probe(text, c.at);
                let context = &mut self.words[*word].1;
                let title = context.title_len(c.file_no);
                let heading = context.in_heading(c.file_no, c.para);
                if hit.is_none() && title.is_none() && !heading {
                    return None;
                }
                let mut tf = hit.map_or(0.0, |h| self.tf.tf_part(&h));
                if let Some(len) = title {
                    tf += TITLE_WEIGHT * title_part(len);
                }
                if heading {
                    tf += HEADING_WEIGHT;
                }
                Some(tf * (boost * self.idf[text]))
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
        // A text with other forms merges their look-ups first: the general path.
        Node::Text { text, boost } if plan.texts[text].forms.is_empty() => Some((text, boost)),
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
            whole: count,
            len: 10,
            at,
            start: 0,
            other_form: false,
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
    fn whole_occurrences_count_more_and_short_paragraphs_are_not_shorter_than_the_floor() {
        let tf = TfScorer::new(40.0);
        let mut h = hit(1, 0, 2, (0, 1));
        let whole = tf.tf_part(&h);
        h.whole = 0;
        assert!((tf.tf_part(&h) - whole * STRADDLE_WEIGHT).abs() < 1e-6);
        h.whole = 2;
        h.len = 2;
        let label = tf.tf_part(&h);
        h.len = MIN_LENGTH;
        assert_eq!(label, tf.tf_part(&h));
        assert!(title_part(4) > title_part(40));
    }

    #[test]
    fn a_word_is_found_in_text_title_or_heading_and_scores_each() {
        let lists = vec![vec![hit(1, 3, 1, (0, 3))]];
        let context = Context {
            titles: vec![Titled {
                file: 2,
                name_len: 6,
                version: 0,
                script: None,
            }],
            sections: vec![(1, 5, 9)],
        };
        let idf = [2.0];
        let node = Node::Word {
            word: 0,
            boost: 1.0,
        };
        let mut m = Matcher::new(&lists, vec![(0, &context)], &[], &idf, 10.0);
        let at = |file_no, para, k| ExactHit {
            count: 0,
            whole: 0,
            ..hit(file_no, para, 0, (0, k))
        };
        let text = m.eval(&node, &hit(1, 3, 1, (0, 3))).unwrap();
        let heading = m.eval(&node, &at(1, 6, 6)).unwrap();
        let title = m.eval(&node, &at(2, 0, 9)).unwrap();
        assert!(m.eval(&node, &at(3, 0, 12)).is_none());
        assert_eq!(heading, HEADING_WEIGHT * 2.0);
        assert_eq!(title, TITLE_WEIGHT * title_part(6) * 2.0);
        assert!(text > 0.0);
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
        let mut m = Matcher::new(&lists, Vec::new(), &[], &idf, 10.0);
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
        let mut m = Matcher::new(&lists, Vec::new(), &[], &idf, 10.0);
        let hits: Vec<bool> = lists[0].iter().map(|c| m.eval(&any, c).is_some()).collect();
        assert_eq!(hits, [false, true, false]);
    }
}
