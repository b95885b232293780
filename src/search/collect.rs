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

/// A group of copies: its best match, its size and its first other files.
struct Group {
    best: Match,
    count: usize,
    files: Vec<u32>,
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
    groups: FxHashMap<u64, Group>,
    docs: FxHashMap<u32, Doc>,
}

impl Collector {
    /// A collector in `mode` keeping the best `keep` answers.
    pub fn new(mode: Mode, keep: usize) -> Collector {
        Collector {
            mode,
            keep,
            total: 0,
            paragraphs: Ranker::new(if mode == Mode::Paragraphs { keep } else { 0 }),
            groups: FxHashMap::default(),
            docs: FxHashMap::default(),
        }
    }

    /// Offers one match.
    pub fn add(&mut self, m: Match) {
        self.total += 1;
        match self.mode {
            Mode::Paragraphs => {
                if self.paragraphs.admits(m.rank) {
                    let item = (m.file_no, m.para, m.score.to_bits());
                    self.paragraphs.push(m.rank, m.key, item);
                }
            }
            Mode::Folded => {
                let g = self.groups.entry(m.text_id).or_insert_with(|| Group {
                    best: m,
                    count: 0,
                    files: Vec::new(),
                });
                g.count += 1;
                if g.count == 1 {
                    return;
                }
                // The better of the two stays the group's face; the other is a copy.
                let better = (m.rank.to_bits(), std::cmp::Reverse(m.key))
                    > (g.best.rank.to_bits(), std::cmp::Reverse(g.best.key));
                let copy = if better {
                    std::mem::replace(&mut g.best, m)
                } else {
                    m
                };
                if g.files.len() < COPIES_SHOWN + 1 && !g.files.contains(&copy.file_no) {
                    g.files.push(copy.file_no);
                }
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
        self.paragraphs.merge(other.paragraphs);
        for (id, g) in other.groups {
            match self.groups.remove(&id) {
                None => drop(self.groups.insert(id, g)),
                Some(mine) => {
                    let better = (g.best.rank.to_bits(), std::cmp::Reverse(g.best.key))
                        > (mine.best.rank.to_bits(), std::cmp::Reverse(mine.best.key));
                    let (face, other) = if better { (g, mine) } else { (mine, g) };
                    let mut files = face.files;
                    for f in std::iter::once(other.best.file_no).chain(other.files) {
                        if files.len() < COPIES_SHOWN + 1 && !files.contains(&f) {
                            files.push(f);
                        }
                    }
                    self.groups.insert(
                        id,
                        Group {
                            best: face.best,
                            count: face.count + other.count,
                            files,
                        },
                    );
                }
            }
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
                out.distinct = self.groups.len();
                let mut ranker = Ranker::new(self.keep);
                for (id, g) in &self.groups {
                    if ranker.admits(g.best.rank) {
                        ranker.push(g.best.rank, g.best.key, *id);
                    }
                }
                let mut groups = self.groups;
                out.entries = (ranker.into_sorted().into_iter())
                    .filter_map(|(_, id)| groups.remove(&id))
                    .map(|g| {
                        let mut files = g.files;
                        files.retain(|&f| f != g.best.file_no);
                        files.truncate(COPIES_SHOWN);
                        Entry {
                            score: g.best.score,
                            file_no: g.best.file_no,
                            para: g.best.para,
                            copies: g.count - 1,
                            copy_files: files,
                        }
                    })
                    .collect();
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
