//! Searching an index: the query language ([`query`]) is turned into a tantivy query
//! ([`build`]), run for the total count and the requested page of hits, and each hit is
//! filled in from the exact index's text stores and the document records, with exact
//! highlights and a snippet ([`highlight`]).
//!
//! Bare terms are cut by a [`analysis::QueryCutter`], which takes only the words of jieba's
//! dictionary that occur inside them: no query pays for building jieba's whole dictionary. This module returns plain data ([`SearchResult`]);
//! printing is the job of [`crate::output`].

pub mod bonus;
pub mod build;
pub mod exact;
mod helper;
pub mod highlight;
pub mod query;
pub mod ranges;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, IndexReader, ReloadPolicy, TantivyDocument, Term};

use crate::analysis;
use crate::index::exact::ExactIndex;
use crate::index::{self, manifest, ZhIndex};
use crate::{Error, Result};
use exact::{Anchors, Filler};
pub use highlight::{Script, Snippet};

/// Above this many estimated occurrences a phrase, or the texts of a query together, are
/// looked up on two threads.
const PARALLEL_MATCHES: u64 = 20_000;

/// One matching paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// 1-based rank in the whole result (offset included).
    pub rank: usize,
    /// Relevance score (higher is better).
    pub score: f32,
    /// Path relative to the corpus root, `/`-separated.
    pub path: String,
    /// Title of the document.
    pub title: String,
    /// Enclosing headings, outermost first, as written.
    pub section: Vec<String>,
    /// 0-based ordinal of the paragraph in its document.
    pub paragraph: u32,
    /// 1-based inclusive line range in the source file.
    pub lines: [u32; 2],
    /// The whole paragraph (original script unless converted).
    pub text: String,
    /// `[start, end)` character offsets into `text`, one per occurrence of a query phrase or
    /// word, sorted and not overlapping.
    pub highlights: Vec<[usize; 2]>,
    /// A window of `text` around the first highlight.
    pub snippet: Snippet,
}

/// The answer to one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// The query as given.
    pub query: String,
    /// Number of matching paragraphs in the whole index.
    pub total: usize,
    /// Microseconds spent answering (parse, search, fetch, highlight).
    pub took_us: u64,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
}

/// How to answer queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip first.
    pub offset: usize,
    /// Script of the displayed text.
    pub script: Script,
    /// Characters of a snippet window.
    pub snippet_chars: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            script: Script::Original,
            snippet_chars: 100,
        }
    }
}

/// Fast columns by (segment ordinal, name); `None`: the segment has no such column.
type ColumnCache = HashMap<(u32, &'static str), Option<tantivy::columnar::Column<u64>>>;

/// An open index ready to answer queries.
pub struct Searcher {
    zh: ZhIndex,
    reader: IndexReader,
    exact: Arc<ExactIndex>,
    /// A second thread for large look-ups.
    helper: helper::Helper,
    anchors: Anchors,
    cutter: OnceLock<Result<analysis::QueryCutter, String>>,
    /// Each file's path by file number, read on first use by [`Searcher::match_keys`].
    paths: OnceLock<HashMap<u64, String>>,
    /// Fast columns opened so far, by segment and name. Opening one reads its block index
    /// (most of a query's time when done per query); the reader never reloads, so segment
    /// ordinals stay valid for the life of this value.
    columns: std::sync::Mutex<ColumnCache>,
    /// Look-ups with more estimated matches than this run on two threads, when there are two
    /// cores (`u64::MAX`: never).
    parallel_from: u64,
    /// Whether a plain AND of texts is ranked straight from the look-ups (see
    /// [`build::Built::scored`]) rather than through tantivy's scorers.
    direct: bool,
}

impl Searcher {
    /// Opens the index in `dir` (see [`index::open`] for the checks made).
    ///
    /// The tantivy records and the exact index must come from the same commit: when a run
    /// commits while this opens (the commit record read differs from the reader's, or the
    /// exact files it names were just replaced), it opens again.
    pub fn open(dir: &Path) -> Result<Searcher> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match Searcher::open_once(dir) {
                Ok(Some(s)) => return Ok(s),
                Ok(None) if attempt < 5 => continue,
                Err(Error::Io { error: source, .. })
                    if attempt < 5 && source.kind() == std::io::ErrorKind::NotFound =>
                {
                    continue
                }
                Ok(None) => {
                    return Err(Error::Index(format!(
                        "{}: the index kept changing while it was opened; try again",
                        dir.display()
                    )))
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn open_once(dir: &Path) -> Result<Option<Searcher>> {
        let zh = index::open(dir)?;
        let reader: IndexReader = zh
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let metas = zh.index.load_metas()?;
        let mut now: Vec<_> = metas.segments.iter().map(|m| m.id()).collect();
        let mut seen: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        now.sort();
        seen.sort();
        let same_payload =
            index::parse_info(dir, metas.payload.as_deref()).ok() == Some(zh.info.clone());
        if now != seen || !same_payload {
            return Ok(None);
        }
        let exact = Arc::new(ExactIndex::open(dir, zh.info.exact_gen)?);
        let anchors = Anchors::read(&searcher, &zh.fields)?;
        Ok(Some(Searcher {
            zh,
            reader,
            helper: helper::Helper::new(Arc::clone(&exact)),
            exact,
            anchors,
            cutter: OnceLock::new(),
            paths: OnceLock::new(),
            columns: Default::default(),
            parallel_from: match std::thread::available_parallelism() {
                Ok(n) if n.get() > 1 => PARALLEL_MATCHES,
                _ => u64::MAX,
            },
            direct: true,
        }))
    }

    /// A [`Filler`] for exact-match queries over `searcher`.
    pub(crate) fn filler<'a>(&'a self, searcher: &'a tantivy::Searcher) -> Filler<'a> {
        Filler::new(searcher, &self.anchors, self.exact.mean_len())
    }

    /// The number of paragraphs holding `phrase` and the best of them, scored as an
    /// [`exact::ExactDocsQuery`] scores them (BM25 of the phrase), straight
    /// from the exact index: one pass over the matches with a heap of `offset + limit`,
    /// without building a doc set for tantivy.
    fn top_of_phrase(
        &self,
        searcher: &tantivy::Searcher,
        phrase: &[char],
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<(f32, DocAddress)>)> {
        let keep = offset.saturating_add(limit);
        let segments = self.exact.segment_count();
        let work = self.exact.estimate_by_segment(phrase)?;
        let (total, mut best) = if let Some(half) = self.split(&work) {
            let owned = phrase.to_vec();
            let (a, b) = self.helper.join(
                move |exact| best_in(exact, half..segments, &owned, keep),
                || best_in(&self.exact, 0..half, phrase, keep),
            )?;
            let ((n, mut best), (m, more)) = (a?, b?);
            best.extend(more);
            (n + m, best)
        } else {
            best_in(&self.exact, 0..segments, phrase, keep)?
        };
        best.sort_unstable_by(|a, b| b.cmp(a));
        best.truncate(keep);
        let idf = exact::idf(total as f32, self.exact.paragraphs());
        let readers = searcher.segment_readers();
        let top = best
            .into_iter()
            .skip(offset)
            .filter_map(|(bits, std::cmp::Reverse((_, para, file_no)))| {
                let (ord, doc) = self.anchors.locate(file_no, para)?;
                if readers.get(ord as usize)?.max_doc() <= doc {
                    return None; // only in a damaged index
                }
                Some((idf * f32::from_bits(bits), DocAddress::new(ord, doc)))
            })
            .collect();
        Ok((total, top))
    }

    /// Where look-ups whose estimated matches per exact segment are `work` split the segments
    /// between two threads (`0..k` here, `k..` on the helper), where the estimated work is
    /// halved ([`halfway`]); `None`: they run on this thread alone (handing work over costs
    /// some 30 µs: not worth it for a few thousand matches).
    pub(crate) fn split(&self, work: &[u64]) -> Option<usize> {
        (work.len() > 1 && work.iter().sum::<u64>() > self.parallel_from).then(|| halfway(work))
    }

    /// Runs look-ups with more than `matches` estimated matches on two threads, even on one
    /// core: for tests and benchmarks of that path.
    pub fn set_parallel_from(&mut self, matches: u64) {
        self.parallel_from = matches;
    }

    /// Ranks every query through tantivy's scorers when `false`, a plain AND of texts
    /// included: for tests and benchmarks that compare the two rankings.
    pub fn set_direct_ranking(&mut self, on: bool) {
        self.direct = on;
    }

    /// Whether a plain AND of texts is ranked without tantivy's scorers.
    pub(crate) fn direct_ranking(&self) -> bool {
        self.direct
    }

    /// Where each file's paragraph records are.
    pub fn anchors(&self) -> &Anchors {
        &self.anchors
    }

    /// Runs `theirs` on the search helper thread and `mine` on this one (see [`helper`]).
    pub(crate) fn join<A: Send + 'static, B>(
        &self,
        theirs: impl FnOnce(&ExactIndex) -> A + Send + 'static,
        mine: impl FnOnce() -> B,
    ) -> Result<(B, A)> {
        self.helper.join(theirs, mine)
    }

    /// The exact index this searcher reads.
    pub fn exact_index(&self) -> &ExactIndex {
        &self.exact
    }

    /// Whether a query so far needed to cut a bare term with jieba (and so read the index's
    /// user dictionaries).
    pub fn cutter_ready(&self) -> bool {
        self.cutter.get().is_some()
    }

    /// The cutter of bare query terms, made on first use with the user dictionaries the index
    /// was built with, as read when it was opened (an update may replace their copies while
    /// this searcher lives).
    pub(crate) fn cutter(&self) -> Result<&analysis::QueryCutter> {
        self.cutter
            .get_or_init(|| {
                analysis::parse_user_dicts(&self.zh.dicts)
                    .map(analysis::QueryCutter::new)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| Error::Other(e.clone()))
    }

    /// The u64 fast column `name` of segment `segment`, opened once.
    pub(crate) fn u64_column(
        &self,
        searcher: &tantivy::Searcher,
        segment: u32,
        name: &'static str,
    ) -> Result<tantivy::columnar::Column<u64>> {
        self.u64_column_opt(searcher, segment, name)?
            .ok_or_else(|| {
                Error::Index(format!(
                "segment {segment} has no column `{name}`: the index is damaged; re-index with \
                 `zhengce index --full`"
            ))
            })
    }

    /// [`Self::u64_column`], `None` for a segment without values in that column (a segment
    /// of document records alone has no paragraph columns).
    fn u64_column_opt(
        &self,
        searcher: &tantivy::Searcher,
        segment: u32,
        name: &'static str,
    ) -> Result<Option<tantivy::columnar::Column<u64>>> {
        let mut cache = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.get(&(segment, name)) {
            return Ok(c.clone());
        }
        let col = searcher
            .segment_reader(segment)
            .fast_fields()
            .column_opt(name)?;
        cache.insert((segment, name), col.clone());
        Ok(col)
    }

    /// The open index.
    pub fn index(&self) -> &ZhIndex {
        &self.zh
    }

    /// Answers `query_text`.
    pub fn search(&self, query_text: &str, opts: &SearchOptions) -> Result<SearchResult> {
        let started = Instant::now();
        let parsed = query::parse(query_text)?;
        let searcher = self.reader.searcher();
        // No query matches more paragraphs than the index holds: a limit or offset past that
        // (`--limit 18446744073709551615` for "all") must not size heaps after it.
        let most = usize::try_from(self.exact.paragraphs()).unwrap_or(usize::MAX);
        let offset = opts.offset.min(most);
        let limit = opts.limit.clamp(1, (most - offset).max(1));
        let keep = offset.saturating_add(limit);
        let built = build::build(self, &searcher, &parsed, true, keep)?;
        let (total, top) = match (&built.phrase, built.scored) {
            (Some(phrase), _) => self.top_of_phrase(&searcher, phrase, offset, limit)?,
            (None, Some((total, best))) => (total, best.into_iter().skip(offset).collect()),
            (None, None) => self.top_of_query(&searcher, &*built.query, offset, limit)?,
        };
        let mut docs: HashMap<u64, (String, String)> = HashMap::new();
        let mut hits = Vec::with_capacity(top.len());
        for (i, (score, addr)) in top.into_iter().enumerate() {
            if opts.limit == 0 {
                break;
            }
            let mut hit = self.hit(&searcher, addr, score, &mut docs)?;
            hit.rank = offset + i + 1;
            let spans = highlight::find_highlights(&hit.text, &built.needles);
            let (text, spans) = highlight::convert_script(&hit.text, &spans, opts.script);
            hit.snippet = highlight::snippet(&text, &spans, opts.snippet_chars);
            hit.text = text;
            hit.highlights = spans;
            hits.push(hit);
        }
        Ok(SearchResult {
            query: query_text.to_string(),
            total,
            took_us: started.elapsed().as_micros() as u64,
            hits,
        })
    }

    /// The (path, paragraph ordinal) of every paragraph matching `query_text`, in no
    /// particular order: the whole match set, for checks against a plain scan.
    pub fn match_keys(&self, query_text: &str) -> Result<Vec<(String, u32)>> {
        let parsed = query::parse(query_text)?;
        let searcher = self.reader.searcher();
        let built = build::build(self, &searcher, &parsed, false, 0)?;
        let by_segment = manifest::matching_by_segment(&searcher, &*built.query)?;
        let paths = match self.paths.get() {
            Some(paths) => paths,
            None => {
                let read = manifest::read_manifest(&searcher, &self.zh.fields)?;
                let paths = read.into_iter().map(|(path, m)| (m.file_id, path));
                self.paths.get_or_init(|| paths.collect())
            }
        };
        let mut out = Vec::new();
        for (segment, doc_ids) in by_segment {
            let anchors = self.anchors().of_segment(segment);
            for doc in doc_ids {
                let (file, para) = exact::paragraph_of(&anchors, doc).ok_or_else(|| {
                    Error::Index(format!(
                        "{}: record {doc} of segment {segment} has no anchor before it",
                        self.zh.dir.display()
                    ))
                })?;
                let path = paths.get(&u64::from(file)).cloned().unwrap_or_default();
                out.push((path, para));
            }
        }
        Ok(out)
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        addr: DocAddress,
        score: f32,
        docs: &mut HashMap<u64, (String, String)>,
    ) -> Result<Hit> {
        let damaged = |what: String| {
            Error::Index(format!(
                "{}: {what}: the index is damaged; re-index with `zhengce index --full`",
                self.zh.dir.display()
            ))
        };
        // The file and number of a paragraph record follow from the anchors before it.
        let anchors = self.anchors.of_segment(addr.segment_ord);
        let (file_no, paragraph) = exact::paragraph_of(&anchors, addr.doc_id)
            .ok_or_else(|| damaged(format!("record {addr:?} has no anchor before it")))?;
        let file_id = u64::from(file_no);
        let stored = self.exact.stored(file_no, paragraph)?.ok_or_else(|| {
            damaged(format!(
                "paragraph {paragraph} of file {file_id} is in no live segment of the exact index"
            ))
        })?;
        let (path, title) = match docs.entry(file_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(self.doc_record(searcher, file_id)?).clone()
            }
        };
        Ok(Hit {
            rank: 0,
            score,
            path,
            title,
            section: stored.section,
            paragraph,
            lines: stored.lines,
            text: stored.text,
            highlights: Vec::new(),
            snippet: Snippet::default(),
        })
    }

    /// The number of paragraphs `query` matches, and its best `offset + limit` from `offset`
    /// on, ordered as [`build::best_of`] orders them: by score, ties to the file earlier in
    /// path order, then the lower paragraph number. tantivy's collector breaks ties by
    /// address, which depends on how the build's threads shared the records: the paragraphs tied at the cut are all
    /// collected again (one more pass, only when a tie straddles the cut) and ordered by key.
    fn top_of_query(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn tantivy::query::Query,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<(f32, DocAddress)>)> {
        let keep = offset.saturating_add(limit);
        let more = TopDocs::with_limit(keep.saturating_add(1)).order_by_score();
        let (total, mut top) = searcher.search(query, &(Count, more))?;
        if let (Some(&(last, _)), Some(&(next, _))) = (top.get(keep.wrapping_sub(1)), top.get(keep))
        {
            if last.to_bits() == next.to_bits() {
                top.retain(|(score, _)| *score > last);
                let tied = searcher.search(query, &ScoreEquals(last))?;
                top.extend(tied.into_iter().map(|addr| (last, addr)));
            }
        }
        let key = |addr: &DocAddress| {
            let anchors = self.anchors.of_segment(addr.segment_ord);
            let (file, para) = exact::paragraph_of(&anchors, addr.doc_id)?;
            Some((self.exact.order_of(file), para))
        };
        let keyed = top.into_iter().map(|(score, addr)| (score, addr, addr));
        let best = build::best_of(keyed, key, keep);
        Ok((total, best.into_iter().skip(offset).collect()))
    }

    /// Path and title of the document record of `file_id`.
    ///
    /// A file's document record is written just before its first paragraph (the anchor of
    /// its first batch), so it is read from there when that record is the file's; otherwise
    /// (not seen in a sound index) it is looked up by its key.
    fn doc_record(&self, searcher: &tantivy::Searcher, file_id: u64) -> Result<(String, String)> {
        let f = &self.zh.fields;
        let read = |addr: DocAddress| -> Result<Option<(String, String)>> {
            let d: TantivyDocument = searcher.doc(addr)?;
            let s = |field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            Ok(s(f.path).map(|path| (path, s(f.title_text).unwrap_or_default())))
        };
        let before_anchor = u32::try_from(file_id)
            .ok()
            .and_then(|file| self.anchors.locate(file, 0))
            .and_then(|(ord, doc)| Some(DocAddress::new(ord, doc.checked_sub(1)?)));
        if let Some(addr) = before_anchor {
            let owner = self.u64_column(searcher, addr.segment_ord, "file_id")?;
            if owner.first(addr.doc_id) == Some(file_id) {
                if let Some(found) = read(addr)? {
                    return Ok(found);
                }
            }
        }
        let q = TermQuery::new(
            Term::from_field_u64(f.doc_key, file_id),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        let record = match found.first() {
            Some((_, addr)) => read(*addr)?,
            None => None,
        };
        record.ok_or_else(|| {
            Error::Index(format!(
                "{}: a paragraph has no document record: the index is damaged; re-index with \
                 `zhengce index --full`",
                self.zh.dir.display()
            ))
        })
    }
}

/// The number of paragraphs holding `phrase` in the exact segments `range` and the best
/// `keep` of them as (tf part of the score as ordered bits, reversed (file's place in path
/// order, paragraph, file number)): ties go to the earlier file by path
/// ([`ExactIndex::order_of`]), then the earlier paragraph. Only the best are looked up in
/// tantivy, later.
#[allow(clippy::type_complexity)]
fn best_in(
    exact: &ExactIndex,
    range: std::ops::Range<usize>,
    phrase: &[char],
    keep: usize,
) -> Result<(usize, Vec<(u32, std::cmp::Reverse<(u32, u32, u32)>)>)> {
    use std::cmp::Reverse;
    let mut total = 0usize;
    // Min-heap of the best so far: the smallest key is the worst kept.
    let mut best: std::collections::BinaryHeap<Reverse<(u32, Reverse<(u32, u32, u32)>)>> =
        std::collections::BinaryHeap::with_capacity(keep + 1);
    let scorer = exact::TfScorer::new(exact.mean_len());
    exact.find_each_in(range, phrase, None, &mut |h| {
        total += 1;
        // Non-negative floats order as their bits do.
        let bits = scorer.tf_part(h).to_bits();
        if best.len() >= keep && best.peek().is_some_and(|Reverse(worst)| bits < worst.0) {
            return;
        }
        let key = (
            bits,
            Reverse((exact.order_of(h.file_no), h.para, h.file_no)),
        );
        if best.len() < keep {
            best.push(Reverse(key));
        } else if best.peek().is_some_and(|Reverse(worst)| key > *worst) {
            best.pop();
            best.push(Reverse(key));
        }
    })?;
    Ok((total, best.into_iter().map(|Reverse(k)| k).collect()))
}

/// Where to split segments whose estimated work is `work` between two threads: the `k` in
/// `1..len` that makes `work[..k]` closest to half the total.
fn halfway(work: &[u64]) -> usize {
    let total: u64 = work.iter().sum();
    let mut best = (u64::MAX, 1);
    let mut before = 0;
    for (k, w) in work.iter().enumerate().take(work.len().saturating_sub(1)) {
        before += w;
        let off = (2 * before).abs_diff(total);
        if off < best.0 {
            best = (off, k + 1);
        }
    }
    best.1
}

/// Collects the records a query scores exactly `self.0`.
struct ScoreEquals(f32);

impl tantivy::collector::Collector for ScoreEquals {
    type Fruit = Vec<DocAddress>;
    type Child = ScoreEqualsSegment;

    fn for_segment(
        &self,
        ord: tantivy::SegmentOrdinal,
        _segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<ScoreEqualsSegment> {
        Ok(ScoreEqualsSegment {
            bits: self.0.to_bits(),
            ord,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<DocAddress>>) -> tantivy::Result<Vec<DocAddress>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

struct ScoreEqualsSegment {
    bits: u32,
    ord: tantivy::SegmentOrdinal,
    docs: Vec<DocAddress>,
}

impl tantivy::collector::SegmentCollector for ScoreEqualsSegment {
    type Fruit = Vec<DocAddress>;

    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        if score.to_bits() == self.bits {
            self.docs.push(DocAddress::new(self.ord, doc));
        }
    }

    fn harvest(self) -> Vec<DocAddress> {
        self.docs
    }
}

#[cfg(test)]
mod tests {
    use super::halfway;

    #[test]
    fn segments_split_where_the_work_is_halved() {
        assert_eq!(halfway(&[1, 1, 1, 1]), 2);
        assert_eq!(halfway(&[10, 1, 1, 1, 1]), 1);
        assert_eq!(halfway(&[1, 1, 1, 1, 10]), 4);
        assert_eq!(halfway(&[3, 3, 2, 4]), 2);
        assert_eq!(halfway(&[0, 0]), 1);
        assert_eq!(halfway(&[5]), 1);
    }
}
