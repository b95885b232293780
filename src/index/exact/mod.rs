//! The exact-match index beside tantivy: bigram segments ([`super::bigrams`]) in the
//! `exact/` folder of the index, and a *live map* that says which segment holds the current
//! text of each file.
//!
//! tantivy's postings writer costs about 200 ns a token, and the exact form has one token per
//! character: as a tantivy field it took half the indexing time and 0.97× the corpus on disk.
//! A bigram segment is built with a radix sort instead, in the reading threads, and stores
//! positions bit-packed.
//!
//! Files in `exact/`:
//! - `NNNNNNNN.zbg`: one bigram segment, written once (to a temporary name, synced, renamed)
//!   and never changed. A run's reading threads each fill one and cut it at
//!   [`SEGMENT_CHARS`] characters.
//! - `NNNNNNNN.ztx`: the original text, section path and source lines of each paragraph of
//!   segment `NNNNNNNN`, in the same order ([`super::texts`]), written before the segment.
//!   Hits show their text, section and lines from here.
//! - `live-NNNNNNNN.bin`: a live map, `b"ZCLV"`, version u32, count u32, then `count`
//!   pairs (file number u32, segment id u32) sorted, then a count u32 and each file's place
//!   in path order by file number (u32, `u32::MAX` for numbers not in use), little-endian.
//!   A file longer than a segment has one pair for each segment that holds part of it.
//!
//! The live map's generation travels in tantivy's commit payload
//! ([`super::IndexInfo::exact_gen`]), so tantivy's records and the exact index change
//! together in one atomic commit. Until that commit a segment may hold stale text of files
//! updated since, and the live map is what tells current from stale; an update moves the
//! other files of every segment it makes stale ([`ExactIndex::files_to_rewrite`]), so the
//! committed segments hold current text only, as a fresh build's do. After a commit, files
//! that neither the new live map nor its segments need are deleted ([`collect_garbage`]); a
//! crashed run leaves only such files, which the next commit removes.

pub mod bigrams;
mod live;
pub mod texts;
pub(crate) mod varint;
mod writer;

use std::collections::HashSet;
use std::fs::File;
use std::path::Path;

use crate::corpus::{Paragraph, ParagraphKind};
use crate::{Error, Result};
use bigrams::{BigramSegment, Hit};
pub use bigrams::{ParagraphInfo, ParagraphKindCode, WordCheck, UNKNOWN};
pub(crate) use live::write_durably;
pub use live::{collect_garbage, next_gen, LiveMap};
use live::{segment_path, texts_path};
use texts::{Stored, TextStore};
pub use writer::{ExactBuilder, ExactWriter};

/// The folder of the exact index inside the index folder.
pub const EXACT_DIR: &str = "exact";
/// How many small segments an update merges into new ones ([`ExactIndex::files_to_rewrite`]).
pub const SMALL_SEGMENTS_MERGED: usize = 8;

/// A reading thread starts a new segment after this many characters, which bounds the memory
/// a segment takes to build (about 14 bytes a character).
pub const SEGMENT_CHARS: usize = 8 << 20;

/// `live_by_file` value of a file in several segments.
const SEVERAL: u32 = u32::MAX - 1;

/// The name of segment `id`'s file `ext` (`zbg`, `ztx`) inside the index folder, for
/// messages.
fn segment_file(id: u32, ext: &str) -> std::path::PathBuf {
    Path::new(EXACT_DIR).join(format!("{id:08}.{ext}"))
}

/// A match of the exact index: a paragraph, how often the phrase occurs in it and its length
/// in characters (for ranking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactHit {
    /// The file's number.
    pub file_no: u32,
    /// The paragraph's ordinal in the file.
    pub para: u32,
    /// Occurrences of the phrase in the paragraph (those the look-up's [`WordCheck`] lets
    /// count).
    pub count: u32,
    /// Of `count`, those that begin and end where words do ([`Hit::whole`]).
    pub whole: u32,
    /// The paragraph's length in characters of N(text) without white space.
    pub len: u32,
    /// Where the paragraph is in the exact index (segment, index in it), for [`Within`].
    pub at: (u32, u32),
    /// The position of the paragraph's first char in its segment (its bounds, with `len`,
    /// for [`Within`]).
    pub start: u32,
    /// Whether the paragraph holds the looked-up text only in another of its forms (see
    /// `analysis::variants`): such a match counts a little less than a literal one.
    pub other_form: bool,
}

/// A set of paragraphs of one [`ExactIndex`] that later look-ups are limited to: per
/// segment, its hits in order (their indexes and bounds are what count).
#[derive(Debug, Clone, Default)]
pub struct Within {
    per_segment: Vec<Vec<Hit>>,
}

impl Within {
    /// The number of paragraphs.
    pub fn len(&self) -> usize {
        self.per_segment.iter().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.per_segment.iter().all(Vec::is_empty)
    }

    /// The paragraphs of `hits` (as [`ExactIndex::find_each_in`] gives them).
    pub fn of(hits: &[ExactHit]) -> Within {
        let mut per_segment: Vec<Vec<Hit>> = Vec::new();
        // The hits come by segment.
        for run in hits.chunk_by(|a, b| a.at.0 == b.at.0) {
            let seg = run[0].at.0 as usize;
            if per_segment.len() <= seg {
                per_segment.resize_with(seg + 1, Vec::new);
            }
            per_segment[seg].extend(run.iter().map(|h| Hit {
                file_no: h.file_no,
                para: h.para,
                count: h.count,
                whole: h.whole,
                len: h.len,
                index: h.at.1,
                start: h.start,
            }));
        }
        Within { per_segment }
    }

    /// The hits of `hits` (as [`ExactIndex::find_each_in`] gives them: by segment, ascending in
    /// each) in these paragraphs, with the bounds these give them.
    pub fn keep(&self, hits: &[ExactHit]) -> Vec<ExactHit> {
        let mut kept = Vec::new();
        let (mut segment, mut cursor) = (u32::MAX, 0);
        for h in hits {
            if h.at.0 != segment {
                (segment, cursor) = (h.at.0, 0);
            }
            let Some(allowed) = self.per_segment.get(segment as usize) else {
                continue;
            };
            while allowed.get(cursor).is_some_and(|a| a.index < h.at.1) {
                cursor += 1;
            }
            if let Some(a) = allowed.get(cursor).filter(|a| a.index == h.at.1) {
                kept.push(ExactHit {
                    start: a.start,
                    len: a.len,
                    ..*h
                });
            }
        }
        kept
    }
}

/// The exact index of one commit, open for searching.
pub struct ExactIndex {
    segments: Vec<(u32, BigramSegment<memmap2::Mmap>)>,
    /// The text stores of the segments, in the same order.
    texts: Vec<TextStore<memmap2::Mmap>>,
    live: LiveMap,
    /// Segment id holding each file's current text, by file number (`u32::MAX`: none;
    /// `u32::MAX - 1`: several, in `live`).
    live_by_file: Vec<u32>,
    paragraphs: u64,
    chars: u64,
}

impl std::fmt::Debug for ExactIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExactIndex")
            .field("segments", &self.segments.len())
            .field("files", &self.live.len())
            .finish()
    }
}

impl ExactIndex {
    /// Opens generation `gen` of the exact index of `index_dir`.
    pub fn open(index_dir: &Path, gen: u64) -> Result<ExactIndex> {
        let live = LiveMap::read(index_dir, gen)?;
        let mut segments = Vec::new();
        let mut texts = Vec::new();
        let (mut paragraphs, mut chars) = (0u64, 0u64);
        let map = |path: &Path| {
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            // SAFETY: segment and text files are written once, under a temporary name, and
            // never modified after the rename; a later run only deletes them (the mapping
            // stays valid after an unlink).
            unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))
        };
        for id in live.segments() {
            let path = segment_path(index_dir, id);
            let seg = BigramSegment::open(map(&path)?).map_err(|e| Error::damaged(&path, e))?;
            let text_path = texts_path(index_dir, id);
            let store =
                TextStore::open(map(&text_path)?).map_err(|e| Error::damaged(&text_path, e))?;
            if store.paragraphs() as usize != seg.paragraphs() {
                return Err(Error::damaged(
                    &text_path,
                    "its paragraphs are not those of its segment",
                ));
            }
            texts.push(store);
            let stats = seg.stats();
            paragraphs += stats.paragraphs as u64;
            chars += stats.positions;
            segments.push((id, seg));
        }
        let mut live_by_file = Vec::new();
        for (file, seg) in live.iter() {
            let file = file as usize;
            if live_by_file.len() <= file {
                live_by_file.resize(file + 1, u32::MAX);
            }
            live_by_file[file] = if live_by_file[file] == u32::MAX {
                seg
            } else {
                SEVERAL
            };
        }
        Ok(ExactIndex {
            segments,
            texts,
            live,
            live_by_file,
            paragraphs,
            chars,
        })
    }

    /// The files to move to new segments so that no segment holds text that is not current
    /// once the files of `leaving` (changed or removed) have left: every other file of a
    /// segment that holds text of `leaving` or already holds stale text (written by an
    /// earlier version). Moving a file empties every segment that held it, so the rule is
    /// applied until nothing changes. Small segments (under an eighth of `segment_chars`
    /// characters, not holding part of a longer file) are merged too once there are
    /// [`SMALL_SEGMENTS_MERGED`] of them, or two for each of the run's `threads` (each
    /// thread's share of a merge makes one segment, so a merge never leaves enough small
    /// segments to start the next).
    pub fn files_to_rewrite(
        &self,
        leaving: &HashSet<u32>,
        segment_chars: usize,
        threads: usize,
    ) -> Vec<u32> {
        let holds = |file: u32, id: u32| self.live.segments_of(file).contains(&id);
        // Small, and mergeable: a part of a file longer than a segment keeps its segment.
        let small = |seg: &BigramSegment<memmap2::Mmap>| {
            seg.stats().positions < (segment_chars / 8) as u64
                && seg.files().all(|f| self.live.segments_of(f).len() <= 1)
        };
        let merge_small = self.segments.iter().filter(|(_, seg)| small(seg)).count()
            >= SMALL_SEGMENTS_MERGED.max(2 * threads);
        let mut gone: HashSet<u32> = leaving.clone();
        let mut rewrite = Vec::new();
        loop {
            let before = rewrite.len();
            for (id, seg) in &self.segments {
                let stale = seg.files().any(|f| gone.contains(&f) || !holds(f, *id));
                let merged = merge_small && small(seg);
                if !(stale || merged) {
                    continue;
                }
                for f in seg.files() {
                    if holds(f, *id) && gone.insert(f) {
                        rewrite.push(f);
                    }
                }
            }
            if rewrite.len() == before {
                return rewrite;
            }
        }
    }

    /// The live map this index was opened with.
    pub fn live_map(&self) -> &LiveMap {
        &self.live
    }

    /// Every paragraph of file `file_no` as its current segments store it (text, section and
    /// lines), in order: what a file moved to a new segment is written from, without reading
    /// it again (it may not even be readable any more).
    pub fn paragraphs_of(&self, file_no: u32) -> Result<Vec<Paragraph>> {
        let mut parts = Vec::new();
        for (n, (id, seg)) in self.segments.iter().enumerate() {
            if self.is_live(file_no, *id) {
                if let Some((first_index, first_para, count)) = seg.file_span(file_no) {
                    parts.push((first_para, n, first_index, count));
                }
            }
        }
        parts.sort_unstable();
        let mut out: Vec<Paragraph> = Vec::new();
        for (first_para, n, first_index, count) in parts {
            let id = self.segments[n].0;
            let store_damaged = |e| Error::damaged(segment_file(id, "ztx"), e);
            if first_para as usize != out.len() {
                return Err(store_damaged(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("the parts of file {file_no} do not follow each other"),
                )));
            }
            for k in first_index..first_index + count {
                let stored = self.texts[n].get(k).map_err(store_damaged)?;
                let kind = match self.segments[n].1.info(k).map(|i| i.kind) {
                    Some(ParagraphKindCode::Heading) => ParagraphKind::Heading,
                    Some(ParagraphKindCode::Metadata) => ParagraphKind::Metadata,
                    _ => ParagraphKind::Body,
                };
                out.push(Paragraph {
                    paragraph: out.len() as u32,
                    kind,
                    section: stored.section,
                    lines: stored.lines,
                    text: stored.text,
                });
            }
        }
        Ok(out)
    }

    /// The original text, section path and lines of paragraph `para` of file `file_no`, from the
    /// segment that holds its current text; `None` if no live segment holds it.
    pub fn stored(&self, file_no: u32, para: u32) -> Result<Option<Stored>> {
        for ((id, seg), store) in self.segments.iter().zip(&self.texts) {
            if !self.is_live(file_no, *id) {
                continue;
            }
            if let Some(k) = seg.index_of(file_no, para) {
                let text = store
                    .get(k)
                    .map_err(|e| Error::damaged(segment_file(*id, "ztx"), e))?;
                return Ok(Some(text));
            }
        }
        Ok(None)
    }

    /// Whether paragraph `para` of file `file_no` is Traditional for the character rules of
    /// [`crate::analysis::distinct`] (false if no live segment holds it).
    pub fn is_traditional(&self, file_no: u32, para: u32) -> bool {
        for (id, seg) in &self.segments {
            if !self.is_live(file_no, *id) {
                continue;
            }
            if let Some(k) = seg.index_of(file_no, para) {
                return seg.is_traditional(k);
            }
        }
        false
    }

    /// The place of file `file_no` among the files of the index sorted by path, which ties
    /// are broken by: file numbers depend on when a file was added, so two indexes of the
    /// same files may number them differently, but they order them alike.
    pub fn order_of(&self, file_no: u32) -> u32 {
        self.live
            .order
            .get(file_no as usize)
            .copied()
            .unwrap_or(u32::MAX)
    }

    /// Paragraphs in the segments.
    pub fn paragraphs(&self) -> u64 {
        self.paragraphs
    }

    /// Files with current text in the segments.
    pub fn files(&self) -> usize {
        self.live.len()
    }

    /// Mean paragraph length in characters, over the segments.
    pub fn mean_len(&self) -> f32 {
        (self.chars as f64 / self.paragraphs.max(1) as f64) as f32
    }

    fn damaged(id: u32, e: std::io::Error) -> Error {
        Error::damaged(segment_file(id, "zbg"), e)
    }

    /// The number of segments, for [`Self::find_each_in`].
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// The paragraphs of the segments `range`, current or not: a bound on the hits of a
    /// look-up there.
    pub fn paragraphs_in(&self, range: std::ops::Range<usize>) -> usize {
        let segments = self.segments.get(range).unwrap_or_default();
        segments.iter().map(|(_, seg)| seg.paragraphs()).sum()
    }

    /// Every current paragraph in the segments `range` whose N(text) contains `phrase`
    /// (normalized, without white space), with its count of occurrences, handed to `f` by
    /// segment and in order within each; only those of `within` when given. Threads share a
    /// look-up by taking a range each.
    pub fn find_each_in(
        &self,
        range: std::ops::Range<usize>,
        phrase: &[char],
        within: Option<&Within>,
        check: Option<&WordCheck>,
        f: &mut impl FnMut(ExactHit),
    ) -> Result<()> {
        self.look_up(range, phrase, within, check, true, f)
    }

    /// [`Self::find_each_in`], but a hit's `start` and `len` may be [`UNKNOWN`] (and so may
    /// those of `within`'s hits): [`Self::fill_bounds`] reads them for the hits that are kept.
    /// A look-up that most hits of will be dropped by later ones saves reading them.
    pub fn find_each_unbounded_in(
        &self,
        range: std::ops::Range<usize>,
        phrase: &[char],
        within: Option<&Within>,
        check: Option<&WordCheck>,
        f: &mut impl FnMut(ExactHit),
    ) -> Result<()> {
        self.look_up(range, phrase, within, check, false, f)
    }

    /// What the exact index keeps of the paragraph at `at` (segment, index in it) besides its
    /// positions: its text's hash and its kind.
    pub fn info(&self, at: (u32, u32)) -> Option<ParagraphInfo> {
        self.segments.get(at.0 as usize)?.1.info(at.1)
    }

    /// Every current paragraph of the segments `range` of the files `wanted` accepts, handed
    /// to `f` in look-up order (by segment, in order within each), as a hit without
    /// occurrences whose bounds are [`UNKNOWN`] ([`Self::fill_bounds`] reads them).
    pub fn each_paragraph_in(
        &self,
        range: std::ops::Range<usize>,
        mut wanted: impl FnMut(u32) -> bool,
        mut f: impl FnMut(ExactHit),
    ) -> Result<()> {
        let segments = self.segments.get(range.clone()).unwrap_or_default();
        for (n, (id, seg)) in (range.start..).zip(segments) {
            for file_no in seg.files() {
                if !self.is_live(file_no, *id) || !wanted(file_no) {
                    continue;
                }
                let Some((first_index, first_para, count)) = seg.file_span(file_no) else {
                    continue;
                };
                for k in 0..count {
                    f(ExactHit {
                        file_no,
                        para: first_para + k,
                        count: 0,
                        whole: 0,
                        len: UNKNOWN,
                        at: (n as u32, first_index + k),
                        start: UNKNOWN,
                        other_form: false,
                    });
                }
            }
        }
        Ok(())
    }

    /// [`Self::each_paragraph_in`] for the files `files` only: what a few files cost is theirs,
    /// not a walk over every file of every segment. The paragraphs come in look-up order.
    pub fn each_paragraph_of(
        &self,
        range: std::ops::Range<usize>,
        files: impl IntoIterator<Item = u32>,
        mut f: impl FnMut(ExactHit),
    ) {
        // (segment, first index, first paragraph, count, file) of each live part.
        let mut spans = Vec::new();
        for file_no in files {
            for id in self.live.segments_of(file_no) {
                let Ok(n) = self.segments.binary_search_by_key(id, |(id, _)| *id) else {
                    continue;
                };
                if !range.contains(&n) {
                    continue;
                }
                if let Some((first_index, first_para, count)) =
                    self.segments[n].1.file_span(file_no)
                {
                    spans.push((n as u32, first_index, first_para, count, file_no));
                }
            }
        }
        spans.sort_unstable();
        for (n, first_index, first_para, count, file_no) in spans {
            for k in 0..count {
                f(ExactHit {
                    file_no,
                    para: first_para + k,
                    count: 0,
                    whole: 0,
                    len: UNKNOWN,
                    at: (n, first_index + k),
                    start: UNKNOWN,
                    other_form: false,
                });
            }
        }
    }

    /// Sets `start` and `len` of the hits where they are [`UNKNOWN`].
    pub fn fill_bounds(&self, hits: &mut [ExactHit]) -> Result<()> {
        for h in hits.iter_mut().filter(|h| h.start == UNKNOWN) {
            let Some((id, seg)) = self.segments.get(h.at.0 as usize) else {
                continue;
            };
            (h.start, h.len) = seg.bounds(h.at.1).map_err(|e| Self::damaged(*id, e))?;
        }
        Ok(())
    }

    fn look_up(
        &self,
        range: std::ops::Range<usize>,
        phrase: &[char],
        within: Option<&Within>,
        check: Option<&WordCheck>,
        bounds: bool,
        f: &mut impl FnMut(ExactHit),
    ) -> Result<()> {
        if phrase.is_empty() {
            return Ok(());
        }
        let segments = self.segments.get(range.clone()).unwrap_or_default();
        for (n, (id, seg)) in (range.start..).zip(segments) {
            let allowed = match within {
                None => None,
                Some(w) => match w.per_segment.get(n) {
                    Some(allowed) if !allowed.is_empty() => Some(allowed.as_slice()),
                    _ => continue,
                },
            };
            // A file's hits come one after another: its liveness is looked up once.
            let mut file: Option<(u32, bool)> = None;
            let mut each = |h: Hit| {
                let live = match file {
                    Some((no, live)) if no == h.file_no => live,
                    _ => {
                        let live = self.is_live(h.file_no, *id);
                        file = Some((h.file_no, live));
                        live
                    }
                };
                if live {
                    f(ExactHit {
                        file_no: h.file_no,
                        para: h.para,
                        count: h.count,
                        whole: h.whole,
                        len: h.len,
                        at: (n as u32, h.index),
                        start: h.start,
                        other_form: false,
                    });
                }
            };
            match bounds {
                true => seg.find_each(phrase, allowed, check, &mut each),
                false => seg.find_each_unbounded(phrase, allowed, check, &mut each),
            }
            .map_err(|e| Self::damaged(*id, e))?;
        }
        Ok(())
    }

    /// Whether segment `id` holds (part of) the current text of file `file_no`.
    fn is_live(&self, file_no: u32, id: u32) -> bool {
        match self.live_by_file.get(file_no as usize) {
            Some(&SEVERAL) => self.live.segments_of(file_no).contains(&id),
            Some(&seg) => seg == id,
            None => false,
        }
    }

    /// An upper bound of the occurrences of `phrase`, read from the dictionaries alone: the
    /// count of its rarest cover bigram over all segments together; and beside it
    /// [`Self::estimate_by_segment`], from the same reading of the dictionaries.
    ///
    /// The first does not depend on how the text is split into segments, which depends on the
    /// threads of the run that wrote them: scores that use it as a document frequency come
    /// out the same from any build of the same files. (The sum of the segments' own
    /// estimates, each the rarest bigram there, is tighter, but it changed the last digits
    /// of the scores, and so the order of near-ties, from one build to the next.)
    pub fn estimates(&self, phrase: &[char]) -> Result<(u64, Vec<u64>)> {
        let (mut totals, mut by_segment) = (Vec::new(), Vec::with_capacity(self.segments.len()));
        for (id, seg) in &self.segments {
            let counts = seg
                .cover_counts(phrase)
                .map_err(|e| Self::damaged(*id, e))?;
            by_segment.push(counts.iter().copied().min().unwrap_or(0));
            totals.resize(counts.len(), 0);
            for (total, count) in totals.iter_mut().zip(counts) {
                *total += count;
            }
        }
        Ok((totals.into_iter().min().unwrap_or(0), by_segment))
    }

    /// Each segment's own estimate of `phrase` ([`BigramSegment::estimate`]), in segment
    /// order, to share look-ups fairly between threads; they sum to at most the whole
    /// estimate of [`Self::estimates`].
    pub fn estimate_by_segment(&self, phrase: &[char]) -> Result<Vec<u64>> {
        let mut counts = Vec::with_capacity(self.segments.len());
        for (id, seg) in &self.segments {
            counts.push(seg.estimate(phrase).map_err(|e| Self::damaged(*id, e))?);
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(segment: u32, index: u32) -> ExactHit {
        ExactHit {
            file_no: segment * 100 + index,
            para: index,
            count: 1,
            whole: 1,
            len: 5,
            at: (segment, index),
            start: index * 6,
            other_form: false,
        }
    }

    #[test]
    fn within_keeps_exactly_the_hits_in_its_paragraphs() {
        // Segment 0 allows 2 and 7, segment 1 nothing, segment 3 allows 0..10 by threes.
        let allowed = [
            hit(0, 2),
            hit(0, 7),
            hit(3, 0),
            hit(3, 3),
            hit(3, 6),
            hit(3, 9),
        ];
        let within = Within::of(&allowed);
        let hits: Vec<ExactHit> = [(0, 1), (0, 2), (0, 5), (0, 7), (0, 9), (1, 2), (3, 3)]
            .into_iter()
            .chain((0..12).map(|k| (3, k)).skip(4))
            .chain([(4, 0)])
            .map(|(s, k)| hit(s, k))
            .collect();
        let expected: Vec<ExactHit> = hits
            .iter()
            .copied()
            .filter(|h| allowed.iter().any(|a| a.at == h.at))
            .collect();
        assert_eq!(
            expected.iter().map(|h| h.at).collect::<Vec<_>>(),
            [(0, 2), (0, 7), (3, 3), (3, 6), (3, 9)]
        );
        assert_eq!(within.keep(&hits), expected);
        assert!(Within::default().keep(&hits).is_empty());
    }
}
