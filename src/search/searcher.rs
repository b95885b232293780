//! [`Searcher`]: an open index answering queries, from the query text to [`SearchResult`].
//!
//! One path answers every query: parse ([`super::query`]), plan ([`super::plan`]), resolve
//! the filters and bonuses against the records ([`super::records`]), look up the texts in the
//! exact index ([`super::lookup`]), rank ([`super::rank`]), then fill the best hits from the
//! text stores and document records and highlight them ([`super::highlight`]). A query whose
//! whole plan is one text is ranked while its matches are found, without gathering them.
//!
//! A `Searcher` is `Send + Sync`: one open index serves any number of threads.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, IndexReader, ReloadPolicy, TantivyDocument, Term};

use super::answer::Answer;
use super::collect::{Collected, Collector, Match, Mode};
use super::lookup;
use super::meta::{FileMask, MetaTable, Statuses};
use super::plan::{self, Node, Plan, PlanText};
use super::rank::{self, Context, FilterSet, Matcher, TfScorer, Titled};
use super::records::Records;
use super::{helper, query, DocHit, SearchOptions, SearchResult, Sort, Versions};
use crate::analysis;
use crate::corpus::meta::DocMeta;
use crate::index::exact::texts::Stored;
use crate::index::exact::{ExactHit, ExactIndex, WordCheck};
use crate::index::{self, manifest, ZhIndex};
use crate::{Error, Result};

/// Above this many estimated occurrences a phrase, or the texts of a query together, are
/// looked up on two threads.
const PARALLEL_MATCHES: u64 = 20_000;

/// The most document records [`Searcher::doc_record`] keeps (each some hundred bytes).
const DOC_RECORDS_KEPT: usize = 1 << 14;

/// Fast columns by (segment ordinal, name); `None`: the segment has no such column.
type ColumnCache = HashMap<(u32, &'static str), Option<tantivy::columnar::Column<u64>>>;

/// An open index ready to answer queries.
pub struct Searcher {
    zh: ZhIndex,
    reader: IndexReader,
    exact: Arc<ExactIndex>,
    /// A second thread for large look-ups.
    helper: helper::Helper,
    cutter: OnceLock<Result<analysis::QueryCutter, String>>,
    /// Each file's path by file number, read on first use by [`Searcher::match_keys`].
    paths: OnceLock<HashMap<u64, String>>,
    /// Fast columns opened so far, by segment and name. Opening one reads its block index
    /// (most of a query's time when done per query); the reader never reloads, so segment
    /// ordinals stay valid for the life of this value.
    columns: Mutex<ColumnCache>,
    /// Document records read so far, by file number ([`Searcher::doc_record`]): the same
    /// documents recur across queries, and reading one is a tantivy look-up and a block of
    /// its store decompressed. Emptied when it holds [`DOC_RECORDS_KEPT`].
    doc_records: Mutex<HashMap<u64, Arc<DocRecord>>>,
    /// Look-ups with more estimated matches than this run on two threads, when there are two
    /// cores (`u64::MAX`: never).
    parallel_from: u64,
    /// The equivalent forms queries are expanded into (unless literal).
    variants: Arc<analysis::Variants>,
    /// The documents' metadata, read on first use.
    meta: OnceLock<std::result::Result<Arc<MetaTable>, String>>,
    /// The commit's metadata file, opened with the index, until it is read.
    meta_file: Mutex<Option<(std::path::PathBuf, std::fs::File)>>,
    /// The statuses the commit's version resolution changed, read with the index.
    statuses: Statuses,
}

/// What a search asks of its matches besides the plan: the files left out (older
/// versions), the order by date, and counts by file (for facets).
#[derive(Clone, Default)]
pub(crate) struct Shape {
    /// Files whose matches are left out.
    hidden: Option<Arc<FileMask>>,
    /// Sort by the documents' main dates (the table, and whether newest first).
    dates: Option<(Arc<MetaTable>, bool)>,
    /// Count the matches of each file.
    count_files: bool,
}

impl Shape {
    fn hides(&self, file_no: u32) -> bool {
        (self.hidden.as_ref()).is_some_and(|m| m.contains(u64::from(file_no)))
    }
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
                    return Err(Error::Changing {
                        dir: dir.to_path_buf(),
                    })
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
        // Opened with the commit's other files, read on first use (a later commit may delete
        // its name meanwhile; the open file stays readable).
        let statuses = Statuses::new(index::docmeta::read_resolved(dir, zh.info.exact_gen)?);
        let meta_file = match zh.info.exact_gen {
            0 => None,
            gen => {
                let path = index::metatable::table_path(dir, gen);
                let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
                Some((path, file))
            }
        };
        Ok(Some(Searcher {
            zh,
            reader,
            helper: helper::Helper::new(Arc::clone(&exact)),
            exact,
            cutter: OnceLock::new(),
            paths: OnceLock::new(),
            columns: Default::default(),
            doc_records: Default::default(),
            parallel_from: match std::thread::available_parallelism() {
                Ok(n) if n.get() > 1 => PARALLEL_MATCHES,
                _ => u64::MAX,
            },
            variants: analysis::Variants::builtin(),
            meta: OnceLock::new(),
            meta_file: Mutex::new(meta_file),
            statuses,
        }))
    }

    /// Where look-ups whose estimated matches per exact segment are `work` split the segments
    /// between two threads (`0..k` here, `k..` on the helper), where the estimated work is
    /// halved ([`halfway`]); `None`: they run on this thread alone (handing work over costs
    /// some 30 µs: not worth it for a few thousand matches).
    pub(crate) fn split(&self, work: &[u64]) -> Option<usize> {
        (work.len() > 1 && work.iter().sum::<u64>() > self.parallel_from).then(|| halfway(work))
    }

    /// Expands queries into the forms of `variants` (by default those compiled in,
    /// [`analysis::Variants::builtin`]; `--variants FILE` adds a user's groups to them).
    pub fn set_variants(&mut self, variants: Arc<analysis::Variants>) {
        self.variants = variants;
    }

    /// Runs look-ups with more than `matches` estimated matches on two threads, even on one
    /// core: for tests and benchmarks of that path.
    pub fn set_parallel_from(&mut self, matches: u64) {
        self.parallel_from = matches;
    }

    /// Runs `theirs` on the search helper thread and `mine` on this one (see [`helper`]).
    pub(crate) fn join<A: Send + 'static, B>(
        &self,
        theirs: impl FnOnce(&ExactIndex) -> A + Send + 'static,
        mine: impl FnOnce() -> B,
    ) -> Result<(B, A)> {
        self.helper.join(theirs, mine)
    }

    /// The tantivy reader of this searcher's commit (it never reloads: a new commit is a new
    /// `Searcher`).
    pub(crate) fn reader(&self) -> &IndexReader {
        &self.reader
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
    fn cutter(&self) -> Result<&analysis::QueryCutter> {
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
        let mut cache = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Some(c)) = cache.get(&(segment, name)) {
            return Ok(c.clone());
        }
        let col = searcher
            .segment_reader(segment)
            .fast_fields()
            .column_opt(name)?;
        cache.insert((segment, name), col.clone());
        col.ok_or_else(|| {
            Error::damaged(
                &self.zh.dir,
                format_args!("segment {segment} has no column `{name}`"),
            )
        })
    }

    /// The documents' metadata of the commit this searcher reads, loaded on first use.
    pub fn meta_table(&self) -> Result<Arc<MetaTable>> {
        self.meta
            .get_or_init(|| {
                let file = (self.meta_file.lock().unwrap_or_else(|e| e.into_inner())).take();
                let table = match file {
                    Some((path, file)) => MetaTable::load_open(&path, file),
                    None => Ok(MetaTable::default()),
                };
                table.map(Arc::new).map_err(|e| e.to_string())
            })
            .clone()
            .map_err(Error::Other)
    }

    /// The open index.
    pub fn index(&self) -> &ZhIndex {
        &self.zh
    }

    /// Answers `query_text`.
    pub fn search(&self, query_text: &str, opts: &SearchOptions) -> Result<SearchResult> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let variants = (!opts.literal).then_some(self.variants.as_ref());
        let plan = plan::plan(&query::parse(query_text)?, || self.cutter(), variants)?;
        // No query matches more paragraphs than the index holds: a limit or offset past that
        // (`--limit 18446744073709551615` for "all") must not size heaps after it.
        let most = usize::try_from(self.exact.paragraphs()).unwrap_or(usize::MAX);
        let offset = opts.offset.min(most);
        let limit = opts.limit.clamp(1, (most - offset).max(1));
        let keep = match opts.count_only {
            true => 0,
            false => offset.saturating_add(limit),
        };
        let mode = match (opts.by_document, opts.fold_copies) {
            (true, _) => Mode::Documents,
            (false, true) => Mode::Folded,
            (false, false) => Mode::Paragraphs,
        };
        // A query that asks for a status gets it in every version.
        let by_status = (plan.filters.iter()).any(|f| f.field == query::FieldName::Status);
        let superseded = &self.statuses.superseded;
        let shape = Shape {
            hidden: (opts.versions == Versions::Current && !by_status && !superseded.is_empty())
                .then(|| Arc::clone(superseded)),
            dates: match opts.sort {
                Sort::Relevance => None,
                Sort::Date => Some((self.meta_table()?, false)),
                Sort::DateDesc => Some((self.meta_table()?, true)),
            },
            count_files: opts.facets,
        };
        let mut got = self.collect(&plan, &searcher, mode, keep, None, &shape)?;
        let mut partial = false;
        if got.total == 0 {
            // No dead ends: the paragraphs with most of the query's parts, each naming what
            // it lacks.
            if let Some((relaxed, parts)) = plan.relaxed() {
                got = self.collect(&relaxed, &searcher, mode, keep, Some(&parts), &shape)?;
                partial = got.total > 0;
            }
        }
        let facets = match opts.facets {
            true => Some(self.meta_table()?.facets(&got.files)),
            false => None,
        };
        let shown = if opts.limit == 0 { 0 } else { limit };
        let mut answer = Answer::new(self, &searcher, &plan, opts);
        let mut hits = Vec::new();
        for (i, e) in got.entries.iter().skip(offset).take(shown).enumerate() {
            hits.push(answer.hit(e, offset + i + 1)?);
        }
        let documents = match mode {
            Mode::Documents => {
                let mut docs = Vec::new();
                for (i, d) in got.documents.iter().skip(offset).take(shown).enumerate() {
                    let (path, title) = answer.document(d.file_no)?;
                    let mut best = Vec::with_capacity(d.best.len());
                    for (k, &(score, para)) in d.best.iter().enumerate() {
                        let mut hit = answer.paragraph(d.file_no, para, score, k + 1)?;
                        // The document carries them, once.
                        (hit.meta, hit.replaced_by) = (None, None);
                        best.push(hit);
                    }
                    let meta = answer.meta(d.file_no)?;
                    let replaced_by = self.replaced_by(d.file_no);
                    docs.push(DocHit {
                        meta,
                        replaced_by,
                        rank: offset + i + 1,
                        score: d.score,
                        title: best.first().map_or(title, |h| h.title.clone()),
                        path,
                        matches: d.matches,
                        hits: best,
                    });
                }
                Some(docs)
            }
            _ => None,
        };
        // A partial answer's total counts the paragraphs with some of the parts; it says so.
        Ok(SearchResult {
            query: query_text.to_string(),
            total: got.total,
            distinct: got.distinct,
            partial,
            took_us: started.elapsed().as_micros() as u64,
            hits,
            documents,
            facets,
        })
    }

    /// The matches of `plan` gathered in `mode`, keeping the best `keep`. With `parts` (a
    /// relaxed plan), matches rank first by how many of those parts they hold.
    fn collect(
        &self,
        plan: &Plan,
        searcher: &tantivy::Searcher,
        mode: Mode,
        keep: usize,
        parts: Option<&[Node]>,
        shape: &Shape,
    ) -> Result<Collected> {
        if let (Some((text, boost)), true, None) =
            (rank::lone_text(plan), plan.words.is_empty(), &shape.dates)
        {
            // A lone phrase: nothing to combine.
            return self.collect_lone_text(&plan.texts[text], boost, mode, keep, shape);
        }
        let mut collector = Collector::new(mode, keep).count_files(shape.count_files);
        self.each_match(plan, searcher, parts, shape, |rank, score, h, text_id| {
            collector.add(Match {
                rank,
                score,
                key: self.key(h),
                file_no: h.file_no,
                para: h.para,
                text_id,
            })
        })?;
        Ok(collector.finish())
    }

    /// Evaluates every candidate of `plan`, handing each match to `f` with what it ranks by,
    /// its score and what identifies its text among copies; returns the number of matches.
    /// With `parts`, a match ranks first by how many of them it holds; `shape` leaves files
    /// out and may rank by date instead.
    fn each_match(
        &self,
        plan: &Plan,
        searcher: &tantivy::Searcher,
        parts: Option<&[Node]>,
        shape: &Shape,
        mut f: impl FnMut(f32, f32, &ExactHit, u64),
    ) -> Result<usize> {
        let records = Records::new(self, searcher);
        let filters = (plan.filters.iter())
            .map(|f| records.resolve(f))
            .collect::<Result<Vec<FilterSet>>>()?;
        let contexts = (plan.words.iter())
            .map(|w| {
                let t = &plan.texts[w.text];
                let rules = t.check.as_ref().and_then(|c| c.rules.as_deref());
                records.context_ruled(t.all_forms(), rules).map(Arc::new)
            })
            .collect::<Result<Vec<Arc<Context>>>>()?;
        let lists = lookup::look_up_texts(self, plan, &contexts)?;
        let idf: Vec<f32> = (lists.df.iter())
            .map(|&df| rank::idf(df, self.exact.paragraphs()))
            .collect();
        let candidates = match &lists.chained {
            Some(chained) => std::borrow::Cow::Borrowed(chained.as_slice()),
            None => lookup::candidates(self, &plan.root, &lists, &filters, &contexts, plan)?,
        };
        let words = (plan.words.iter().zip(&contexts))
            .map(|(w, c)| (w.text, c.as_ref()))
            .collect();
        let mut matcher = Matcher::new(&lists.hits, words, &filters, &idf, self.exact.mean_len());
        let wholes = (plan.wholes.iter())
            .map(|w| records.titles(w))
            .collect::<Result<Vec<_>>>()?;
        let named = DocumentName::of(plan, &contexts, &wholes);
        let mut total = 0;
        for c in candidates.iter() {
            if shape.hides(c.file_no) {
                continue;
            }
            let Some(mut score) = matcher.eval(&plan.root, c) else {
                continue;
            };
            total += 1;
            score *= rank::kind_weight(self.exact.info(c.at).map(|i| i.kind));
            score += named.bonus(c);
            let rank = match parts {
                None => score,
                Some(parts) => {
                    let held = parts
                        .iter()
                        .filter(|p| matcher.eval(p, c).is_some())
                        .count();
                    held as f32 * PART_RANK + score
                }
            };
            let rank = match &shape.dates {
                Some((table, newest_first)) => table.date_rank(c.file_no, *newest_first, score),
                None => rank,
            };
            f(rank, score, c, self.text_id(c));
        }
        Ok(total)
    }

    /// What identifies the text of `h` among copies: its hash and its length.
    fn text_id(&self, h: &ExactHit) -> u64 {
        let hash = self.exact.info(h.at).map_or(u32::MAX, |i| i.hash);
        (u64::from(hash) << 32) | u64::from(h.len)
    }

    /// The matches of a plan that is one text, ranked as they are found (by their
    /// term-frequency part: the idf, the same for all, is known only once they are all
    /// counted), on two threads when they are many.
    fn collect_lone_text(
        &self,
        text: &PlanText,
        boost: f32,
        mode: Mode,
        keep: usize,
        shape: &Shape,
    ) -> Result<Collected> {
        let segments = self.exact.segment_count();
        let work = self.exact.estimate_by_segment(&text.chars)?;
        let check = text.check.clone();
        let gather = Gather {
            mode,
            keep,
            check,
            hidden: shape.hidden.clone(),
            count_files: shape.count_files,
        };
        let collector = if let Some(half) = self.split(&work) {
            let owned = text.chars.clone();
            let theirs = gather.clone();
            let (a, b) = self.helper.join(
                move |exact| best_in(exact, half..segments, &owned, &theirs),
                || best_in(&self.exact, 0..half, &text.chars, &gather),
            )?;
            let (mut mine, theirs) = (a?, b?);
            mine.merge(theirs);
            mine
        } else {
            best_in(&self.exact, 0..segments, &text.chars, &gather)?
        };
        let mut got = collector.finish();
        got.scale(boost * rank::idf(got.total as f32, self.exact.paragraphs()));
        Ok(got)
    }

    /// The ranking key of a paragraph: its file's place in path order, then its number.
    fn key(&self, h: &ExactHit) -> u64 {
        (u64::from(self.exact.order_of(h.file_no)) << 32) | u64::from(h.para)
    }

    /// The (path, paragraph ordinal) of every paragraph matching `query_text`, in no
    /// particular order: the whole match set, for checks against a plain scan.
    /// With `variants`, texts are also matched in their other forms (as `search` does by
    /// default); without, literally.
    pub fn match_keys(
        &self,
        query_text: &str,
        variants: Option<&analysis::Variants>,
    ) -> Result<Vec<(String, u32)>> {
        let searcher = self.reader.searcher();
        let plan = plan::plan(&query::parse(query_text)?, || self.cutter(), variants)?;
        let mut matched = Vec::new();
        match rank::lone_text(&plan) {
            // Every match of one text, without reading paragraph bounds or scoring.
            Some((text, _)) if plan.words.is_empty() => {
                let t = &plan.texts[text];
                let all = 0..self.exact.segment_count();
                // Only character rules can refuse an occurrence of a phrase.
                let check = t.check.as_ref().filter(|c| c.rules.is_some());
                (self.exact).find_each_unbounded_in(all, &t.chars, None, check, &mut |h| {
                    matched.push((h.file_no, h.para))
                })?;
            }
            _ => {
                self.each_match(&plan, &searcher, None, &Shape::default(), |_, _, h, _| {
                    matched.push((h.file_no, h.para))
                })?;
            }
        }
        let paths = match self.paths.get() {
            Some(paths) => paths,
            None => {
                let read = manifest::read_manifest(&self.zh.dir, &searcher, &self.zh.fields)?;
                let paths = read.into_iter().map(|(path, m)| (m.file_id, path));
                self.paths.get_or_init(|| paths.collect())
            }
        };
        Ok((matched.into_iter())
            .map(|(file, para)| {
                let path = paths.get(&u64::from(file)).cloned().unwrap_or_default();
                (path, para)
            })
            .collect())
    }

    /// The stored text, section and lines of paragraph `para` of file `file_no`.
    pub(crate) fn stored(&self, file_no: u32, para: u32) -> Result<Stored> {
        self.exact.stored(file_no, para)?.ok_or_else(|| {
            Error::damaged(
                &self.zh.dir,
                format_args!(
                    "paragraph {para} of file {file_no} is in no live segment of the exact index"
                ),
            )
        })
    }

    /// The metadata a document record of file `file` keeps (`json`), status resolved.
    pub(crate) fn record_meta(&self, json: &str, file: u32) -> Result<DocMeta> {
        let mut m: DocMeta = serde_json::from_str(json).map_err(|e| {
            Error::damaged(
                &self.zh.dir,
                format_args!("the metadata of file {file} ({e})"),
            )
        })?;
        self.statuses.resolve(file, &mut m);
        Ok(m)
    }

    /// The newer version that replaced file `file`, if one did.
    pub(crate) fn replaced_by(&self, file: u32) -> Option<String> {
        self.statuses.replaced_by(file)
    }

    /// [`Self::record_meta`] as it goes to the output: the record's JSON as it is, unless
    /// resolving the versions changed the status.
    fn record_hit_meta(&self, json: String, file: u32) -> Result<super::HitMeta> {
        let damaged = |e: serde_json::Error| {
            Error::damaged(
                &self.zh.dir,
                format_args!("the metadata of file {file} ({e})"),
            )
        };
        match self.statuses.changes(file) {
            true => super::HitMeta::from_meta(&self.record_meta(&json, file)?).map_err(damaged),
            false => super::HitMeta::from_json(json).map_err(damaged),
        }
    }

    /// Path, title, page starts and metadata of the document record of `file_id`, kept for
    /// the next queries.
    pub(crate) fn doc_record(
        &self,
        searcher: &tantivy::Searcher,
        file_id: u64,
    ) -> Result<Arc<DocRecord>> {
        let kept = || self.doc_records.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = kept().get(&file_id) {
            return Ok(Arc::clone(r));
        }
        let record = Arc::new(self.read_doc_record(searcher, file_id)?);
        let mut kept = kept();
        if kept.len() >= DOC_RECORDS_KEPT {
            kept.clear();
        }
        kept.insert(file_id, Arc::clone(&record));
        Ok(record)
    }

    /// [`Searcher::doc_record`], read from the index.
    fn read_doc_record(&self, searcher: &tantivy::Searcher, file_id: u64) -> Result<DocRecord> {
        let f = &self.zh.fields;
        let q = TermQuery::new(
            Term::from_field_u64(f.doc_key, file_id),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        let read = |addr: DocAddress| -> Result<Option<DocRecord>> {
            let d: TantivyDocument = searcher.doc(addr)?;
            let s = |field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let pages = (s(f.pages).unwrap_or_default().split(','))
                .filter_map(|n| n.parse().ok())
                .collect();
            let meta = match s(f.meta) {
                Some(json) => Some(self.record_hit_meta(json, file_id as u32)?),
                None => None,
            };
            Ok(s(f.path).map(|path| DocRecord {
                path,
                title: s(f.title_text).unwrap_or_default(),
                pages,
                meta,
            }))
        };
        let record = match found.first() {
            Some((_, addr)) => read(*addr)?,
            None => None,
        };
        record.ok_or_else(|| Error::damaged(&self.zh.dir, "a paragraph has no document record"))
    }
}

/// What a hit shows of its document's record.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocRecord {
    /// Path relative to the corpus root.
    pub path: String,
    /// Title.
    pub title: String,
    /// A paged file's page starts ([`crate::corpus::Document::pages`]).
    pub pages: Vec<u32>,
    /// Its metadata, status resolved.
    pub meta: Option<super::HitMeta>,
}

/// What a part of a relaxed query adds to a match's rank: a match holding more parts always
/// ranks above one holding fewer (scores stay far below it).
const PART_RANK: f32 = 10_000.0;

/// Whether a document is named by the query: every required bare word that is not an article
/// label stands in its title. The share of the title's name ([`analysis::name_len`]) those
/// words cover, squared (a word that is a small part of a title says little), then gives a
/// bonus:
/// - with no article label in the query, to the document's first paragraph
///   ([`DOCUMENT_NAME_BONUS`]), so that a query that is a document's title (or its
///   distinctive part) puts that document first, a whole-title match before a longer title;
/// - with article labels (`个人信息保护法 第十条`), to the paragraphs under those articles
///   ([`CITATION_BONUS`]): their section path holds every label, so the article's own
///   paragraph and its clauses come before paragraphs of other documents that cite it.
struct DocumentName<'a> {
    /// Per required word that is no label, its length and context.
    words: Vec<(usize, &'a Context)>,
    /// The contexts of the required article labels.
    labels: Vec<&'a Context>,
    /// Per required term cut into words ([`Plan::wholes`]), the documents whose title holds
    /// it whole, sorted by file: a title that holds the words in another order (輔導農業… for
    /// 農業…輔導辦法) counts [`OTHER_ORDER`] of its share.
    wholes: &'a [Vec<Titled>],
    /// The script the query is typed in, when it shows.
    script: Option<analysis::Written>,
    /// Per length of a title's name, the newest version date of the documents whose title
    /// holds every word: a document with an older date than a namesake (a title as long
    /// holding the same words) counts [`OLDER_VERSION`] of its share.
    newest: std::collections::HashMap<u32, u32>,
}

/// What an older version of a named document counts of its share: the current text of a
/// law comes before the versions it replaced.
const OLDER_VERSION: f32 = 0.9;

/// What a title written in the other script than the query counts of its share: 憲法 names
/// 中華民國憲法 before 中华人民共和国宪法, 宪法 the other way round.
const OTHER_SCRIPT: f32 = 0.95;

/// The least share of a title's name a query must cover to name the document: a word that
/// is a small part of many titles (安全, 公民) names none of them.
const MIN_NAME_SHARE: f32 = 0.5;

/// What a title that holds a term's words in another order than the term's counts of its
/// share.
const OTHER_ORDER: f32 = 0.9;

/// The score a query that names a document gives its first paragraph, for a whole-title
/// match: above what words score in any paragraph's text, so that the document comes
/// before the paragraphs of others that cite it.
pub const DOCUMENT_NAME_BONUS: f32 = 100.0;

/// The score a query that names a document and articles of it gives the paragraphs under
/// those articles, for a whole-title match: above what words score in any paragraph's text,
/// so that the articles come before the paragraphs of other documents that cite them.
pub const CITATION_BONUS: f32 = 100.0;

impl<'a> DocumentName<'a> {
    fn of(plan: &Plan, contexts: &'a [Arc<Context>], wholes: &'a [Vec<Titled>]) -> Self {
        let mut named = DocumentName {
            words: Vec::new(),
            labels: Vec::new(),
            wholes,
            script: plan.script,
            newest: Default::default(),
        };
        for (w, c) in plan.words.iter().zip(contexts).filter(|(w, _)| w.required) {
            match super::plan::is_label(&w.shown) {
                true => named.labels.push(c.as_ref()),
                false => named.words.push((w.chars.len(), c.as_ref())),
            }
        }
        if let Some(((_, first), rest)) = named.words.split_first() {
            for t in &first.titles {
                let file = u32::try_from(t.file).unwrap_or(u32::MAX);
                if t.version > 0 && rest.iter().all(|(_, c)| c.title(file).is_some()) {
                    let newest = named.newest.entry(t.name_len).or_default();
                    *newest = (*newest).max(t.version);
                }
            }
        }
        named
    }

    fn bonus(&self, h: &ExactHit) -> f32 {
        let weight = match self.labels.is_empty() {
            true if h.para == 0 => DOCUMENT_NAME_BONUS,
            true => return 0.0,
            false if self.labels.iter().all(|c| c.in_heading(h.file_no, h.para)) => CITATION_BONUS,
            false => return 0.0,
        };
        if self.words.is_empty() {
            return 0.0;
        }
        let mut covered = 0;
        let mut title = None;
        for (len, context) in &self.words {
            match context.title(h.file_no) {
                Some(t) => {
                    covered += len;
                    title = Some(t);
                }
                None => return 0.0,
            }
        }
        let Some(&Titled {
            name_len,
            version,
            script,
            ..
        }) = title
        else {
            return 0.0;
        };
        let name_len = name_len as usize;
        let mut share = covered.min(name_len) as f32 / name_len.max(1) as f32;
        if self.labels.is_empty() && share < MIN_NAME_SHARE {
            return 0.0;
        }
        let file = u64::from(h.file_no);
        if (self.wholes.iter()).any(|w| w.binary_search_by_key(&file, |t| t.file).is_err()) {
            share *= OTHER_ORDER;
        }
        if self
            .newest
            .get(&(name_len as u32))
            .is_some_and(|&n| version < n)
        {
            share *= OLDER_VERSION;
        }
        if let (Some(query), Some(title)) = (self.script, script) {
            if query != title {
                share *= OTHER_SCRIPT;
            }
        }
        weight * share * share
    }
}

/// How [`best_in`] gathers the matches of a lone text.
#[derive(Clone)]
struct Gather {
    mode: Mode,
    keep: usize,
    check: Option<WordCheck>,
    /// Files whose matches are left out.
    hidden: Option<Arc<FileMask>>,
    count_files: bool,
}

/// The matches of `phrase` in the exact segments `range`, gathered as `g` says by the
/// term-frequency part of their score.
fn best_in(
    exact: &ExactIndex,
    range: std::ops::Range<usize>,
    phrase: &[char],
    g: &Gather,
) -> Result<Collector> {
    let mut collector = Collector::new(g.mode, g.keep).count_files(g.count_files);
    let scorer = TfScorer::new(exact.mean_len());
    let hidden = g.hidden.as_deref();
    // A hit's length comes with its paragraph's info: its bounds are not read.
    exact.find_each_unbounded_in(range, phrase, None, g.check.as_ref(), &mut |mut h| {
        if hidden.is_some_and(|m| m.contains(u64::from(h.file_no))) {
            return;
        }
        let info = exact.info(h.at);
        h.len = info.map_or(0, |i| i.len);
        let tf = scorer.tf_part(&h) * rank::kind_weight(info.map(|i| i.kind));
        let hash = info.map_or(u32::MAX, |i| i.hash);
        collector.add(Match {
            rank: tf,
            score: tf,
            key: (u64::from(exact.order_of(h.file_no)) << 32) | u64::from(h.para),
            file_no: h.file_no,
            para: h.para,
            text_id: (u64::from(hash) << 32) | u64::from(h.len),
        });
    })?;
    Ok(collector)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_split_where_the_work_is_halved() {
        assert_eq!(halfway(&[1, 1, 1, 1]), 2);
        assert_eq!(halfway(&[10, 1, 1, 1, 1]), 1);
        assert_eq!(halfway(&[1, 1, 1, 1, 10]), 4);
        assert_eq!(halfway(&[3, 3, 2, 4]), 2);
        assert_eq!(halfway(&[0, 0]), 1);
        assert_eq!(halfway(&[5]), 1);
    }

    #[test]
    fn a_searcher_serves_many_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Searcher>();
    }

    /// A searcher of an index of `files` (name, text), in a folder removed when dropped.
    fn indexed(files: impl Iterator<Item = (String, String)>) -> (tempfile::TempDir, Searcher) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c");
        std::fs::create_dir(&corpus).unwrap();
        for (name, text) in files {
            std::fs::write(corpus.join(name), text).unwrap();
        }
        let index = dir.path().join("i");
        crate::index::index_corpus(&crate::index::IndexOptions::new(&corpus, &index), &()).unwrap();
        let s = Searcher::open(&index).unwrap();
        (dir, s)
    }

    /// A lone text is ranked on the fly; scored like any plan it must come out the same.
    #[test]
    fn a_lone_text_ranks_as_the_general_path_would() {
        let (_dir, s) = indexed((0..30).map(|i| {
            let text = format!("题{i}\n数据{}管理。\n其他。\n", "数据".repeat(i % 4));
            (format!("{i:02}.txt"), text)
        }));
        let searcher = s.reader.searcher();
        let plan = plan::plan(&query::parse("\"数据\"").unwrap(), || s.cutter(), None).unwrap();
        let (text, boost) = rank::lone_text(&plan).unwrap();
        for mode in [Mode::Paragraphs, Mode::Folded, Mode::Documents] {
            let fast = s
                .collect_lone_text(&plan.texts[text], boost, mode, 7, &Shape::default())
                .unwrap();
            let mut collector = Collector::new(mode, 7);
            let total = s
                .each_match(
                    &plan,
                    &searcher,
                    None,
                    &Shape::default(),
                    |rank, score, h, text_id| {
                        collector.add(Match {
                            rank,
                            score,
                            key: s.key(h),
                            file_no: h.file_no,
                            para: h.para,
                            text_id,
                        })
                    },
                )
                .unwrap();
            assert_eq!(fast, collector.finish(), "{mode:?}");
            assert_eq!(total, 30);
        }
    }

    #[test]
    fn document_records_are_read_once_and_the_same_after() {
        let (_dir, s) =
            indexed((0..3).map(|i| (format!("{i}.txt"), format!("题{i}\n数据{i}。\n"))));
        let searcher = s.reader.searcher();
        let paths = s.paths().unwrap();
        // File numbers are not promised to start anywhere: try the first few.
        let mut found = 0;
        for file_id in 0..16u64 {
            let Ok(r) = s.doc_record(&searcher, file_id) else {
                continue;
            };
            assert!(paths.contains(&r.path), "{}", r.path);
            let again = s.doc_record(&searcher, file_id).unwrap();
            assert!(Arc::ptr_eq(&r, &again), "kept, not read again");
            found += 1;
        }
        assert_eq!(found, 3);
        assert_eq!(s.doc_records.lock().unwrap().len(), 3);
    }
}
