//! Gathering a query's matches into what is shown: the best paragraphs, the same text in
//! several places folded into one hit (copies: the same 30-bit hash and length of N(text), as
//! the exact index records them), or the best documents; and the counts.
//!
//! Every match comes with its score and its ranking key (the file's place in path order, then
//! the paragraph: ties go to the lower key); ranking goes through [`Ranker`], the one heap.

use rustc_hash::FxHashMap;

use super::rank::Ranker;
use super::{BEST_PER_DOCUMENT, COPIES_SHOWN};

/// How matches are gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every paragraph on its own.
    Paragraphs,
    /// Paragraphs with the same text as one hit, the best of them.
    Folded,
    /// One entry per document.
    Documents,
}

/// One match offered to a [`Collector`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// What it ranks by (its score, or in a partial answer its parts matched first).
    pub rank: f32,
    /// Its score, as shown.
    pub score: f32,
    /// Its ranking key: the file's place in path order, then the paragraph.
    pub key: u64,
    /// The file number.
    pub file_no: u32,
    /// The paragraph.
    pub para: u32,
    /// What identifies its text among copies: hash and length.
    pub text_id: u64,
}

/// A paragraph to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its score.
    pub score: f32,
    /// The file number.
    pub file_no: u32,
    /// The paragraph.
    pub para: u32,
    /// Other paragraphs with the same text (folded).
    pub copies: usize,
    /// The files of the first copies (distinct, at most [`COPIES_SHOWN`]).
    pub copy_files: Vec<u32>,
}

/// A document to show.
#[derive(Debug, Clone, PartialEq)]
pub struct DocEntry {
    /// Its best paragraph's score.
    pub score: f32,
    /// The file number.
    pub file_no: u32,
    /// Its matching paragraphs.
    pub matches: usize,
    /// Its best paragraphs, best first, as (score, paragraph).
    pub best: Vec<(f32, u32)>,
}

/// What was gathered.
#[derive(Debug, Default, PartialEq)]
pub struct Collected {
    /// Matching paragraphs, copies included.
    pub total: usize,
    /// Distinct answers: paragraphs once folded, or documents.
    pub distinct: usize,
    /// The best paragraphs, best first (modes paragraphs and folded).
    pub entries: Vec<Entry>,
    /// The best documents, best first (mode documents).
    pub documents: Vec<DocEntry>,
    /// Matching paragraphs by file number, when counted ([`Collector::count_files`]; for
    /// facets); empty otherwise.
    pub files: Vec<u32>,
}

impl Collected {
    /// Multiplies every score by `factor` (positive, so the order stays): a lone text is
    /// ranked by its term-frequency part, its idf known only once every match is counted.
    pub fn scale(&mut self, factor: f32) {
        for e in &mut self.entries {
            e.score *= factor;
        }
        for d in &mut self.documents {
            d.score *= factor;
            for b in &mut d.best {
                b.0 *= factor;
            }
        }
    }
}

/// The best distinct texts so far (folded mode): each text's best match, at most `keep`.
/// A text's best only gets better as its copies arrive, so these are the best `keep` texts
/// once every match is in.
#[derive(Default)]
struct Faces {
    faces: Vec<Match>,
    /// Where the worst face is.
    worst: usize,
}

/// Whether `a` ranks before `b`: the higher rank, then the lower key.
fn before(a: &Match, b: &Match) -> bool {
    (a.rank.to_bits(), std::cmp::Reverse(a.key)) > (b.rank.to_bits(), std::cmp::Reverse(b.key))
}

impl Faces {
    fn offer(&mut self, m: Match, keep: usize) {
        let full = self.faces.len() >= keep;
        if keep == 0 || (full && !before(&m, &self.faces[self.worst])) {
            return;
        }
        match self.faces.iter().position(|f| f.text_id == m.text_id) {
            Some(i) if before(&m, &self.faces[i]) => self.faces[i] = m,
            Some(_) => return,
            None if full => self.faces[self.worst] = m,
            None => self.faces.push(m),
        }
        self.worst = (0..self.faces.len())
            .min_by(|&a, &b| match before(&self.faces[a], &self.faces[b]) {
                true => std::cmp::Ordering::Greater,
                false => std::cmp::Ordering::Less,
            })
            .unwrap_or(0);
    }
}

/// A document's matches.
struct Doc {
    count: usize,
    /// Its best matches so far, best first: (rank, key, score, paragraph).
    best: Vec<(f32, u64, f32, u32)>,
}

/// Gathers matches, keeping the best `keep`.
pub struct Collector {
    mode: Mode,
    keep: usize,
    total: usize,
    paragraphs: Ranker<(u32, u32, u32)>,
    /// Folded: the best texts, and every match's text and file (to count the copies).
    faces: Faces,
    copies: Vec<(u64, u32)>,
    docs: FxHashMap<u32, Doc>,
    /// Matches by file number, when counted.
    files: Option<Vec<u32>>,
}

impl Collector {
    /// A collector in `mode` keeping the best `keep` answers.
    pub fn new(mode: Mode, keep: usize) -> Collector {
        Collector {
            mode,
            keep,
            total: 0,
            paragraphs: Ranker::new(if mode == Mode::Paragraphs { keep } else { 0 }),
            faces: Faces::default(),
            copies: match mode {
                Mode::Folded => scratch::take_copies(),
                _ => Vec::new(),
            },
            docs: FxHashMap::default(),
            files: None,
        }
    }

    /// Also counts the matches of each file ([`Collected::files`]).
    pub fn count_files(mut self, count: bool) -> Collector {
        self.files = count.then(Vec::new);
        self
    }

    /// Offers one match.
    pub fn add(&mut self, m: Match) {
        self.total += 1;
        if let Some(files) = &mut self.files {
            let at = m.file_no as usize;
            if files.len() <= at {
                files.resize(at + 1, 0);
            }
            files[at] += 1;
        }
        match self.mode {
            Mode::Paragraphs => {
                if self.paragraphs.admits(m.rank) {
                    let item = (m.file_no, m.para, m.score.to_bits());
                    self.paragraphs.push(m.rank, m.key, item);
                }
            }
            Mode::Folded => {
                self.copies.push((m.text_id, m.file_no));
                self.faces.offer(m, self.keep);
            }
            Mode::Documents => {
                let d = self.docs.entry(m.file_no).or_insert_with(|| Doc {
                    count: 0,
                    best: Vec::new(),
                });
                d.count += 1;
                let entry = (m.rank, m.key, m.score, m.para);
                let at = d.best.partition_point(|b| {
                    (b.0.to_bits(), std::cmp::Reverse(b.1))
                        >= (m.rank.to_bits(), std::cmp::Reverse(m.key))
                });
                if at < BEST_PER_DOCUMENT {
                    d.best.insert(at, entry);
                    d.best.truncate(BEST_PER_DOCUMENT);
                }
            }
        }
    }

    /// Takes in what another collector of the same mode gathered (a share of one look-up).
    pub fn merge(&mut self, other: Collector) {
        self.total += other.total;
        if let (Some(mine), Some(theirs)) = (&mut self.files, &other.files) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
        self.paragraphs.merge(other.paragraphs);
        self.copies.extend_from_slice(&other.copies);
        scratch::give_copies(other.copies);
        for m in other.faces.faces {
            self.faces.offer(m, self.keep);
        }
        for (file, d) in other.docs {
            let mine = self.docs.entry(file).or_insert_with(|| Doc {
                count: 0,
                best: Vec::new(),
            });
            mine.count += d.count;
            mine.best.extend(d.best);
            mine.best.sort_by(|a, b| {
                (b.0.to_bits(), std::cmp::Reverse(b.1))
                    .cmp(&(a.0.to_bits(), std::cmp::Reverse(a.1)))
            });
            mine.best.truncate(BEST_PER_DOCUMENT);
        }
    }

    /// The counts and the best answers, best first.
    pub fn finish(self) -> Collected {
        let mut out = Collected {
            total: self.total,
            files: self.files.unwrap_or_default(),
            ..Collected::default()
        };
        match self.mode {
            Mode::Paragraphs => {
                out.distinct = self.total;
                out.entries = (self.paragraphs.into_sorted().into_iter())
                    .map(|(_, (file_no, para, bits))| Entry {
                        score: f32::from_bits(bits),
                        file_no,
                        para,
                        copies: 0,
                        copy_files: Vec::new(),
                    })
                    .collect();
            }
            Mode::Folded => {
                out.distinct = scratch::distinct(&self.copies);
                let mut faces = self.faces.faces;
                faces.sort_by(|a, b| match before(a, b) {
                    true => std::cmp::Ordering::Less,
                    false => std::cmp::Ordering::Greater,
                });
                let at: FxHashMap<u64, usize> = faces
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.text_id, i))
                    .collect();
                out.entries = (faces.iter())
                    .map(|f| Entry {
                        score: f.score,
                        file_no: f.file_no,
                        para: f.para,
                        copies: 0,
                        copy_files: Vec::new(),
                    })
                    .collect();
                for &(id, file) in &self.copies {
                    let Some(&i) = at.get(&id) else { continue };
                    let e = &mut out.entries[i];
                    e.copies += 1;
                    if e.copy_files.len() < COPIES_SHOWN + 1 && !e.copy_files.contains(&file) {
                        e.copy_files.push(file);
                    }
                }
                scratch::give_copies(self.copies);
                for e in &mut out.entries {
                    // The face itself is one of the matches.
                    e.copies -= 1;
                    let own = e.file_no;
                    e.copy_files.retain(|&f| f != own);
                    e.copy_files.truncate(COPIES_SHOWN);
                }
            }
            Mode::Documents => {
                out.distinct = self.docs.len();
                let mut ranker = Ranker::new(self.keep);
                for (file, d) in &self.docs {
                    if let Some(&(rank, key, ..)) = d.best.first() {
                        if ranker.admits(rank) {
                            ranker.push(rank, key, *file);
                        }
                    }
                }
                let mut docs = self.docs;
                out.documents = (ranker.into_sorted().into_iter())
                    .filter_map(|(_, file)| Some((file, docs.remove(&file)?)))
                    .map(|(file_no, d)| DocEntry {
                        score: d.best.first().map_or(0.0, |b| b.2),
                        file_no,
                        matches: d.count,
                        best: d.best.iter().map(|b| (b.2, b.3)).collect(),
                    })
                    .collect();
            }
        }
        out
    }
}

/// Buffers of folded collections kept by each thread from one query to the next: a common
/// phrase has tens of thousands of matches, and fresh memory for them at every query costs
/// more than counting them.
mod scratch {
    use std::cell::RefCell;

    use rustc_hash::FxHashSet;

    thread_local! {
        static COPIES: RefCell<Vec<Vec<(u64, u32)>>> = const { RefCell::new(Vec::new()) };
        static IDS: RefCell<FxHashSet<u64>> = RefCell::new(FxHashSet::default());
        static PARTS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    }

    /// Buffers kept by a thread, and the most matches one may hold to be kept.
    const KEPT: usize = 4;
    const MOST: usize = 1 << 22;

    /// An empty buffer for the matches of one collection.
    pub fn take_copies() -> Vec<(u64, u32)> {
        COPIES.with(|c| c.borrow_mut().pop()).unwrap_or_default()
    }

    /// Gives a buffer back for the next collection on this thread.
    pub fn give_copies(mut v: Vec<(u64, u32)>) {
        if v.capacity() > MOST {
            return;
        }
        v.clear();
        COPIES.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() < KEPT {
                c.push(v);
            }
        });
    }

    /// From how many matches [`distinct`] splits the texts into parts first.
    const PARTS_FROM: usize = 1 << 14;
    /// Into how many parts (by the top bits of the text's hash).
    const PART_BITS: u32 = 8;

    /// The number of distinct texts among `copies`. Many matches are first split into parts
    /// by the top bits of their text's hash (bits 54 to 61 of a text id, whose high half
    /// holds the 30-bit hash): the texts of one part are those of no other, and a part's
    /// set stays in the processor's cache, where one set of a hundred thousand texts missed
    /// it at almost every insert.
    pub fn distinct(copies: &[(u64, u32)]) -> usize {
        IDS.with(|ids| {
            let mut ids = ids.borrow_mut();
            let n = match copies.len() < PARTS_FROM {
                true => count_in(&mut ids, copies.iter().map(|c| c.0)),
                false => PARTS.with(|parts| {
                    let mut parts = parts.borrow_mut();
                    let part = |id: u64| (id >> 54) as usize & ((1 << PART_BITS) - 1);
                    let mut ends = [0usize; 1 << PART_BITS];
                    for c in copies {
                        ends[part(c.0)] += 1;
                    }
                    let mut at = 0;
                    for end in &mut ends {
                        at += *end;
                        *end = at;
                    }
                    parts.clear();
                    parts.resize(copies.len(), 0);
                    // Filled from the back of each part: `ends` become the parts' starts.
                    for c in copies {
                        let end = &mut ends[part(c.0)];
                        *end -= 1;
                        parts[*end] = c.0;
                    }
                    let mut n = 0;
                    for (i, &from) in ends.iter().enumerate() {
                        let to = ends.get(i + 1).copied().unwrap_or(parts.len());
                        n += count_in(&mut ids, parts[from..to].iter().copied());
                    }
                    if parts.capacity() > MOST {
                        *parts = Vec::new();
                    }
                    n
                }),
            };
            if ids.capacity() > MOST {
                *ids = FxHashSet::default();
            }
            n
        })
    }

    /// The number of distinct values of `values`, counted in `set` (emptied first).
    fn count_in(set: &mut FxHashSet<u64>, values: impl Iterator<Item = u64>) -> usize {
        set.clear();
        set.extend(values);
        set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(score: f32, file_no: u32, para: u32, text_id: u64) -> Match {
        Match {
            rank: score,
            score,
            key: (u64::from(file_no) << 32) | u64::from(para),
            file_no,
            para,
            text_id,
        }
    }

    #[test]
    fn many_matches_count_their_distinct_texts_by_parts() {
        let mut rng = crate::rng::Rng::new(7);
        for n in [10, 40_000, 200_000] {
            // Texts of every part, a third of them with copies.
            let copies: Vec<(u64, u32)> = (0..n)
                .map(|i| {
                    let text = rng.below(n / 3 + 1) as u64;
                    let hash = (text.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 34) as u32;
                    ((u64::from(hash) << 32) | (text % 50), i as u32)
                })
                .collect();
            let expected: std::collections::HashSet<u64> = copies.iter().map(|c| c.0).collect();
            assert_eq!(scratch::distinct(&copies), expected.len(), "{n} matches");
        }
    }

    #[test]
    fn copies_fold_into_their_best_and_say_where_the_others_are() {
        let mut c = Collector::new(Mode::Folded, 10);
        for x in [
            m(1.0, 3, 0, 7),
            m(2.0, 1, 4, 7),
            m(1.5, 2, 0, 9),
            m(2.0, 5, 1, 7),
        ] {
            c.add(x);
        }
        let got = c.finish();
        assert_eq!((got.total, got.distinct), (4, 2));
        // The best copy (the earlier file on a tie) is the face; the others are counted.
        assert_eq!((got.entries[0].file_no, got.entries[0].para), (1, 4));
        assert_eq!(got.entries[0].copies, 2);
        let mut files = got.entries[0].copy_files.clone();
        files.sort();
        assert_eq!(files, [3, 5]);
        assert_eq!((got.entries[1].file_no, got.entries[1].copies), (2, 0));
    }

    #[test]
    fn documents_rank_by_their_best_paragraph_and_count_them_all() {
        let mut c = Collector::new(Mode::Documents, 1);
        for x in [
            m(1.0, 3, 0, 1),
            m(3.0, 3, 5, 2),
            m(2.0, 4, 1, 3),
            m(0.5, 3, 9, 4),
        ] {
            c.add(x);
        }
        let got = c.finish();
        assert_eq!((got.total, got.distinct), (4, 2));
        assert_eq!(got.documents.len(), 1);
        let d = &got.documents[0];
        assert_eq!((d.file_no, d.matches), (3, 3));
        assert_eq!(d.best, [(3.0, 5), (1.0, 0), (0.5, 9)]);
    }

    #[test]
    fn paragraphs_keep_their_own_scores_when_ranked_by_another() {
        let mut c = Collector::new(Mode::Paragraphs, 2);
        let mut a = m(1.0, 1, 0, 1);
        a.rank = 2001.0; // two parts matched
        c.add(a);
        c.add(m(5.0, 2, 0, 2));
        let got = c.finish();
        assert_eq!((got.entries[0].file_no, got.entries[0].score), (1, 1.0));
    }
}
