//! Building and updating an index from a corpus folder.
//!
//! [`index_corpus`] takes the writer lock, compares the folder with the index's manifest,
//! reads and parses only new and changed files (on several threads; tantivy's own indexing
//! threads run the tokenizers, so segmentation runs on every core), deletes the records of
//! changed and removed files, and commits once at the end with the format version and
//! analysis fingerprint in the commit payload. Until that commit, searches and a crashed run
//! see the previous commit, whole. It reports progress through a [`ProgressSink`] and never
//! prints.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use serde::Serialize;
use tantivy::directory::MmapDirectory;
use tantivy::indexer::UserOperation;
use tantivy::schema::Schema;
use tantivy::store::Compressor;
use tantivy::{doc, Document, Index, IndexSettings, TantivyDocument, Term};

use super::exact::{self, ExactBuilder, ExactIndex, ExactWriter, LiveMap};
use super::manifest::{read_manifest, ManifestEntry};
use super::schema::{build_schema, Fields, REC_DOC, REC_SECTION};
use super::{parse_info, IndexInfo, FORMAT_VERSION};
use crate::analysis;
use crate::corpus::{self, CorpusFile, WalkEvent};
use crate::{Error, Result};

/// What to index and how.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// The corpus folder.
    pub corpus: PathBuf,
    /// The index folder (created if missing).
    pub index_dir: PathBuf,
    /// User dictionaries for jieba, in its `word [freq] [tag]` format.
    pub dicts: Vec<PathBuf>,
    /// Threads for reading and for tantivy's indexing (and so for segmentation).
    pub threads: usize,
    /// Rebuild from scratch instead of updating.
    pub full: bool,
    /// tantivy's indexing memory budget, in bytes, for all threads together (0: 256 MB a
    /// thread).
    pub heap_bytes: usize,
    /// A pause after each file is read, so tests can interrupt a run at a chosen moment.
    pub pause_per_file: Option<std::time::Duration>,
    /// Characters after which a reading thread starts a new exact-index segment (0:
    /// [`exact::SEGMENT_CHARS`]).
    pub segment_chars: usize,
    /// Positions from which a bigram lists its paragraphs in an exact segment (0:
    /// [`super::bigrams::LISTS_FROM`]); lower, tests reach paragraph lists with little text.
    pub lists_from: u32,
}

impl IndexOptions {
    /// Options with the defaults: all cores, incremental, 256 MB of indexing heap a thread.
    pub fn new(corpus: impl Into<PathBuf>, index_dir: impl Into<PathBuf>) -> Self {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        IndexOptions {
            corpus: corpus.into(),
            index_dir: index_dir.into(),
            dicts: Vec::new(),
            threads,
            full: false,
            heap_bytes: 0,
            pause_per_file: None,
            segment_chars: 0,
            lists_from: 0,
        }
    }
}

/// Receives progress while indexing; every method has an empty default.
pub trait ProgressSink: Sync {
    /// The files to read are known: their count and total bytes.
    fn begin(&self, _files: u64, _bytes: u64) {}
    /// One file was read and handed to the writer.
    fn advance(&self, _bytes: u64) {}
    /// Everything is read; the commit (and merging) runs now.
    fn committing(&self) {}
}

/// A sink that ignores progress.
impl ProgressSink for () {}

/// A file that could not be indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// What an indexing run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexSummary {
    /// The corpus folder.
    pub corpus: String,
    /// The index folder.
    pub index: String,
    /// Whether the whole index was rebuilt, and why (`--full`, a new index).
    pub rebuilt: Option<String>,
    /// The user dictionaries used: those given with `--dict`, or, for an update without it,
    /// the index's copies of those it was built with.
    pub dicts: Vec<String>,
    /// Files new to the index.
    pub added: u64,
    /// Files whose content changed.
    pub updated: u64,
    /// Files deleted from the folder whose records were removed.
    pub removed: u64,
    /// Files unchanged since the last run.
    pub unchanged: u64,
    /// Files moved to new exact segments (from the text the old ones store, without reading
    /// them) because their segment held text no longer current (of files changed or removed)
    /// or was small: the old segment goes, so the index holds only current text and answers
    /// as a fresh build does. Counted in `unchanged` too.
    pub rewritten: u64,
    /// Files not read, counted by reason (`extension .pdf`, `hidden`, ...).
    pub skipped: BTreeMap<String, u64>,
    /// Files that could not be read or decoded, and folders, links and names that could not
    /// be read. A file indexed before keeps its indexed version (and so do the files below a
    /// folder that could not be listed).
    pub failed: Vec<Failure>,
    /// Paragraphs written in this run.
    pub paragraphs: u64,
    /// Bytes of the files read in this run.
    pub bytes: u64,
    /// Wall seconds of the run.
    pub seconds: f64,
    /// `bytes` / `seconds`, in MB (10^6 bytes) per second.
    pub mb_per_s: f64,
    /// Size of the index folder after the run, in bytes.
    pub index_bytes: u64,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Wall seconds of the final commit and merge.
    pub commit_seconds: f64,
}

/// Builds or updates the index of `opts.corpus` in `opts.index_dir`.
pub fn index_corpus(opts: &IndexOptions, progress: &dyn ProgressSink) -> Result<IndexSummary> {
    let started = Instant::now();
    // Checked before the lock, which creates the index folder.
    match std::fs::metadata(&opts.corpus) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::Index(format!(
                "{}: not a folder (give the corpus folder to index)",
                opts.corpus.display()
            )))
        }
        Err(e) => return Err(Error::io(&opts.corpus, e)),
    }
    let corpus_root = std::fs::canonicalize(&opts.corpus)
        .map_err(|e| Error::io(&opts.corpus, e))?
        .display()
        .to_string();
    let _lock = super::lock(&opts.index_dir)?;
    let dicts = match opts.dicts.is_empty() && !opts.full {
        // An update without `--dict` keeps the dictionaries the index was built with (a
        // forgotten flag must not rebuild the index without them); `--full` takes the
        // dictionaries given, none included.
        true => dicts_of_index(&opts.index_dir),
        false => opts.dicts.clone(),
    };
    // Read once: what is checked, fingerprinted and copied into the index is one version of
    // each file. Checked before anything is written: a malformed entry is an error naming its
    // file and line. Searches cut bare terms with these dictionaries; the index itself holds
    // no words.
    let dict_files = analysis::read_dict_files(&dicts)?;
    analysis::parse_user_dicts(&dict_files)?;
    let fingerprint = analysis::fingerprint_of(&dict_files);
    let (index, fields, rebuilt) = open_for_writing(opts, &fingerprint)?;

    analysis::register_tokenizers(&index);
    let threads = opts.threads.max(1);
    let heap = if opts.heap_bytes > 0 {
        opts.heap_bytes
    } else {
        (256 << 20) * threads
    };
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, heap)?;
    let backlog = Backlog::new(BACKLOG_BYTES);

    let mut summary = IndexSummary {
        corpus: opts.corpus.display().to_string(),
        index: opts.index_dir.display().to_string(),
        rebuilt: rebuilt.clone(),
        dicts: dicts.iter().map(|d| d.display().to_string()).collect(),
        ..IndexSummary::default()
    };
    let (manifest, live, old_gen, old_exact) = if rebuilt.is_some() {
        writer.delete_all_documents()?;
        (HashMap::new(), LiveMap::default(), 0, None)
    } else {
        let reader = index.reader()?;
        let old = parse_info(&opts.index_dir, index.load_metas()?.payload.as_deref())?;
        if old.corpus_root != corpus_root {
            return Err(Error::Index(format!(
                "{}: this index was built from {}, not from {}; indexing another folder into it \
                 would replace its documents: give --full to replace them, or another --index",
                opts.index_dir.display(),
                old.corpus_root,
                corpus_root
            )));
        }
        // Opening the exact index checks its files: a damaged one is refused here, as
        // searches refuse it, rather than updated around.
        let old_exact = ExactIndex::open(&opts.index_dir, old.exact_gen)?;
        (
            read_manifest(&reader.searcher(), &fields)?,
            old_exact.live_map().clone(),
            old.exact_gen,
            Some(old_exact),
        )
    };
    let segment_chars = match opts.segment_chars {
        0 => exact::SEGMENT_CHARS,
        n => n,
    };
    let mut exact = ExactWriter::new(&opts.index_dir, live, segment_chars)?;
    if opts.lists_from > 0 {
        exact = exact.with_lists_from(opts.lists_from);
    }

    let mut files = Vec::new();
    // Folders that could not be listed: the files indexed below them are kept.
    let mut unlisted: Vec<String> = Vec::new();
    for event in corpus::walk_excluding(&opts.corpus, Some(&opts.index_dir))? {
        match event {
            WalkEvent::File(f) => files.push(f),
            WalkEvent::Skipped { reason, .. } => *summary.skipped.entry(reason).or_default() += 1,
            WalkEvent::Unreadable { rel, reason, .. } => {
                // A folder, or an entry that may be one (a link whose target is gone): what
                // was indexed at or below it stays.
                unlisted.push(rel.trim_end_matches('/').to_string());
                summary.failed.push(Failure { path: rel, reason });
            }
        }
    }
    if files.is_empty() && !manifest.is_empty() {
        // A mistyped or unmounted corpus folder must not empty an index silently.
        return Err(Error::Index(format!(
            "{}: no .txt or .md files found, and the index {} holds {} documents; to empty it \
             on purpose, rebuild it with `zhengce index --full`",
            opts.corpus.display(),
            opts.index_dir.display(),
            manifest.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    let mut todo = Vec::new();
    // Files whose text leaves the exact segments that hold it: removed and changed ones.
    let mut leaving = std::collections::HashSet::new();
    // Files keep their number while they are in the index; new files get the next ones.
    let mut next_no = manifest.values().map(|m| m.file_id + 1).max().unwrap_or(1);
    // Known files whose size or mtime changed: their bytes say whether they changed (read on
    // every thread: a copied corpus has new mtimes everywhere).
    let suspects: Vec<(&CorpusFile, &ManifestEntry)> = (files.iter())
        .filter_map(|f| Some((f, manifest.get(&f.rel)?)))
        .filter(|(f, m)| m.size != f.size || m.mtime_ns != f.mtime_ns)
        .collect();
    let checks = parallel_map(&suspects, threads, |(f, m)| {
        check_changed(&writer, &fields, f, m)
    });
    let mut checked: HashMap<&str, Result<bool>> = (suspects.iter())
        .map(|(f, _)| f.rel.as_str())
        .zip(checks)
        .collect();
    for f in &files {
        seen.insert(f.rel.clone());
        match (manifest.get(&f.rel), checked.remove(f.rel.as_str())) {
            (Some(m), Some(check)) => match check {
                // Same bytes, newer mtime: only the document record was replaced.
                Ok(false) => summary.unchanged += 1,
                Ok(true) => {
                    leaving.insert(m.file_id as u32);
                    todo.push((f.clone(), m.file_id, Some(*m), Kind::Changed));
                }
                // Replacing its document record failed: the index cannot be written.
                Err(e @ Error::Tantivy(_)) => return Err(e),
                Err(e) => summary.failed.push(kept_failure(f, &e)),
            },
            (Some(_), None) => summary.unchanged += 1,
            (None, _) => {
                todo.push((f.clone(), next_no, None, Kind::New));
                next_no += 1;
            }
        }
    }
    let mut kept_below: BTreeMap<&str, u64> = BTreeMap::new();
    for (path, m) in &manifest {
        if seen.contains(path) {
            continue;
        }
        let below = |u: &&String| {
            path.strip_prefix(u.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if let Some(entry) = unlisted.iter().find(below) {
            *kept_below.entry(entry).or_default() += 1;
            continue;
        }
        writer.delete_term(Term::from_field_u64(fields.file_id, m.file_id));
        exact.remove(m.file_id as u32);
        leaving.insert(m.file_id as u32);
        summary.removed += 1;
    }
    for failure in &mut summary.failed {
        if let Some(n) = kept_below.get(failure.path.trim_end_matches('/')) {
            failure.reason += &format!(" (the {n} files indexed there are kept)");
        }
    }
    // The exact segments that would hold text no longer current are emptied: their other
    // files move to new segments, written from the old segments' text stores (no file is
    // read again, and one that cannot be read any more moves too). So the index holds only
    // current text: its statistics and answers are those of a fresh build.
    let moving = match &old_exact {
        Some(old) if !todo.is_empty() || !leaving.is_empty() => {
            old.files_to_rewrite(&leaving, segment_chars, threads)
        }
        _ => Vec::new(),
    };

    progress.begin(todo.len() as u64, todo.iter().map(|(f, ..)| f.size).sum());
    let outcome = Mutex::new(RunCounts::default());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut xb = exact.builder();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((file, file_no, known, kind)) = todo.get(i) else {
                        // Then the files that move out of emptied segments.
                        let Some(&no) = moving.get(i - todo.len()) else {
                            break;
                        };
                        let moved = old_exact
                            .as_ref()
                            .map_or(Ok(()), |old| move_file(old, &mut xb, no));
                        let mut counts = outcome.lock().unwrap_or_else(|e| e.into_inner());
                        match moved {
                            Ok(()) => counts.rewritten += 1,
                            Err(e) => drop(counts.fatal.get_or_insert(e)),
                        }
                        continue;
                    };
                    let mut result = index_file(
                        &writer,
                        &backlog,
                        &mut xb,
                        &fields,
                        file,
                        *file_no,
                        known.as_ref(),
                    );
                    if let (Kind::Changed, Err(FileError::Unreadable(_)), Some(old)) =
                        (kind, &result, &old_exact)
                    {
                        // It changed but cannot be read now: its indexed version stays, and
                        // moves out of its segment with the others.
                        if let Err(e) = move_file(old, &mut xb, *file_no as u32) {
                            result = Err(FileError::Fatal(e));
                        }
                    }
                    if let Some(pause) = opts.pause_per_file {
                        std::thread::sleep(pause);
                    }
                    progress.advance(file.size);
                    let mut counts = outcome.lock().unwrap_or_else(|e| e.into_inner());
                    counts.record(file, *kind, result);
                }
                if let Err(e) = xb.flush() {
                    let mut counts = outcome.lock().unwrap_or_else(|e| e.into_inner());
                    counts.fatal.get_or_insert(e);
                }
            });
        }
    });
    let counts = outcome.into_inner().unwrap_or_else(|e| e.into_inner());
    summary.added = counts.added;
    summary.updated = counts.updated;
    summary.rewritten = counts.rewritten;
    summary.paragraphs = counts.paragraphs;
    summary.bytes = counts.bytes;
    summary.failed.extend(counts.failed);
    if let Some(e) = counts.fatal {
        // A dead indexing worker hides its cause (a full disk, say) behind "writer killed";
        // joining the workers brings the cause out. Nothing is committed either way.
        return Err(writer.prepare_commit().err().map_or(e, Error::from));
    }

    progress.committing();
    let commit_started = Instant::now();
    // The exact index first: its live map names only segments already on disk, and nothing
    // refers to it until tantivy commits the payload that names its generation.
    let exact_gen = exact::next_gen(&opts.index_dir, old_gen);
    let paths = (manifest.iter())
        .map(|(path, m)| (m.file_id as u32, path.as_str()))
        .chain(todo.iter().map(|(f, no, ..)| (*no as u32, f.rel.as_str())))
        .collect();
    let live = exact.finish(exact_gen, paths)?;
    let (dict_names, dicts_dir) = copy_dicts(&opts.index_dir, &fingerprint, &dict_files)?;
    let info = IndexInfo {
        format: FORMAT_VERSION,
        fingerprint: fingerprint.clone(),
        corpus: opts.corpus.display().to_string(),
        corpus_root,
        dicts: dict_names,
        exact_gen,
    };
    let payload = serde_json::to_string(&info).map_err(|e| Error::Other(e.to_string()))?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    writer.wait_merging_threads()?;
    remove_other_dicts(&opts.index_dir, dicts_dir.as_deref());
    exact::collect_garbage(&opts.index_dir, &live, exact_gen);
    summary.commit_seconds = commit_started.elapsed().as_secs_f64();

    let reader = index.reader()?;
    summary.documents = read_manifest(&reader.searcher(), &fields)?.len() as u64;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.mb_per_s = summary.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
    summary.index_bytes = super::disk_size(&opts.index_dir);
    Ok(summary)
}

/// The writer, over records that can carry a [`Ticket`].
type IndexWriter = tantivy::IndexWriter<Record>;

/// Heading bytes whose records may wait in tantivy's queue at once. Its queue holds up to
/// 10,000 batches and a file is one batch, so without this bound the reading threads would
/// queue the records of the whole corpus in memory ahead of the indexing threads.
const BACKLOG_BYTES: u64 = 4 << 20;

/// A tantivy document, with the backlog ticket of its file on the file's last record.
struct Record {
    doc: TantivyDocument,
    _ticket: Option<Ticket>,
}

impl Record {
    fn new(doc: TantivyDocument) -> Record {
        Record { doc, _ticket: None }
    }
}

impl Document for Record {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

/// The file bytes handed to tantivy and not yet indexed.
struct Backlog {
    bytes: Mutex<u64>,
    drained: Condvar,
    limit: u64,
}

/// A file's share of the [`Backlog`], released when dropped.
struct Ticket {
    backlog: Arc<Backlog>,
    bytes: u64,
}

impl Backlog {
    fn new(limit: u64) -> Arc<Backlog> {
        Arc::new(Backlog {
            bytes: Mutex::new(0),
            drained: Condvar::new(),
            limit,
        })
    }

    /// Waits until `bytes` more fit (a file larger than the limit waits for an empty
    /// backlog), then takes them. It gives up waiting after a minute, so that a dead indexing
    /// thread, whose queue is never drained, turns into the writer's error instead of a hang.
    fn admit(self: &Arc<Self>, bytes: u64) -> Ticket {
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        let mut held = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
        while *held > 0 && *held + bytes > self.limit && Instant::now() < deadline {
            held = self
                .drained
                .wait_timeout(held, std::time::Duration::from_millis(100))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *held += bytes;
        Ticket {
            backlog: Arc::clone(self),
            bytes,
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut held = self.backlog.bytes.lock().unwrap_or_else(|e| e.into_inner());
        *held = held.saturating_sub(self.bytes);
        self.backlog.drained.notify_all();
    }
}

/// Why a file is read in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// New to the index.
    New,
    /// Its bytes changed.
    Changed,
}

/// How indexing one file failed.
#[derive(Debug)]
enum FileError {
    /// The file cannot be read or decoded: it is reported, and its indexed version stays.
    Unreadable(Error),
    /// Writing the index failed (a full disk, say): the run stops and commits nothing.
    Fatal(Error),
}

/// `f` of each item, on `threads` threads, in order.
fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = (items.chunks(chunk))
            .map(|part| s.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        (parts.into_iter())
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Moves file `file_no` of the old index `old` to the segment `xb` builds, from the text its
/// old segments store.
fn move_file(old: &ExactIndex, xb: &mut ExactBuilder<'_>, file_no: u32) -> Result<()> {
    let paragraphs = old.paragraphs_of(file_no)?;
    xb.remove(file_no);
    xb.add_file(file_no, &paragraphs)
}

/// Counts gathered by the reading threads.
#[derive(Default)]
struct RunCounts {
    added: u64,
    updated: u64,
    rewritten: u64,
    paragraphs: u64,
    bytes: u64,
    failed: Vec<Failure>,
    fatal: Option<Error>,
}

impl RunCounts {
    fn record(&mut self, file: &CorpusFile, kind: Kind, result: Result<u64, FileError>) {
        match result {
            Ok(paragraphs) => {
                match kind {
                    Kind::New => self.added += 1,
                    Kind::Changed => self.updated += 1,
                }
                self.paragraphs += paragraphs;
                self.bytes += file.size;
            }
            Err(FileError::Fatal(e)) => {
                self.fatal.get_or_insert(e);
            }
            Err(FileError::Unreadable(e)) if kind == Kind::New => self.failed.push(Failure {
                path: file.rel.clone(),
                reason: e.to_string(),
            }),
            Err(FileError::Unreadable(e)) => self.failed.push(kept_failure(file, &e)),
        }
    }
}

/// The failure of a file already indexed, whose indexed version stays.
fn kept_failure(file: &CorpusFile, e: &Error) -> Failure {
    Failure {
        path: file.rel.clone(),
        reason: format!("{e} (the version indexed before is kept)"),
    }
}

/// Whether the bytes of `file`, indexed before as `known`, changed. When they did not (only
/// the mtime did), its document record is replaced, so the next run does not read it again.
/// New bytes that cannot be decoded are an error: the version indexed stays, and so do the
/// other files of its segment (they are rewritten only for text that leaves).
fn check_changed(
    writer: &IndexWriter,
    fields: &Fields,
    file: &CorpusFile,
    known: &ManifestEntry,
) -> Result<bool> {
    let bytes = std::fs::read(&file.path).map_err(|e| Error::io(&file.path, e))?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    if known.content_hash != hash {
        corpus::decode(&bytes).map_err(|e| Error::Decode {
            path: file.path.clone(),
            reason: e.to_string(),
        })?;
        return Ok(true);
    }
    let doc = corpus::document_from_bytes(&file.rel, &bytes).map_err(|e| Error::Decode {
        path: file.path.clone(),
        reason: e.to_string(),
    })?;
    writer.delete_term(Term::from_field_u64(fields.doc_key, known.file_id));
    let size = bytes.len() as u64;
    let record = doc_record(fields, known.file_id, file, size, hash, &doc);
    writer.add_document(Record::new(record))?;
    Ok(false)
}

/// Reads one file and writes its records, replacing those of its previous version (`known`);
/// returns its number of paragraphs. A file that cannot be read or decoded leaves its
/// previous version in place; an error writing the index is fatal to the run.
fn index_file(
    writer: &IndexWriter,
    backlog: &Arc<Backlog>,
    xb: &mut ExactBuilder<'_>,
    fields: &Fields,
    file: &CorpusFile,
    file_id: u64,
    known: Option<&ManifestEntry>,
) -> Result<u64, FileError> {
    let unreadable = FileError::Unreadable;
    let bytes = std::fs::read(&file.path).map_err(|e| unreadable(Error::io(&file.path, e)))?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    // One copy of a big file at a time: the bytes become the text (no copy for UTF-8), the
    // text is dropped once parsed.
    let (text, encoding) = corpus::decode_owned(bytes).map_err(|e| {
        unreadable(Error::Decode {
            path: file.path.clone(),
            reason: e.to_string(),
        })
    })?;
    let doc = corpus::parse_document(&file.rel, &text, encoding.name());
    drop(text);
    if known.is_some() {
        writer.delete_term(Term::from_field_u64(fields.file_id, file_id));
        xb.remove(file_id as u32);
    }
    xb.add_file(file_id as u32, &doc.paragraphs)
        .map_err(FileError::Fatal)?;
    write_document(writer, backlog, fields, file_id, file, hash, &doc).map_err(FileError::Fatal)
}

fn doc_record(
    fields: &Fields,
    file_id: u64,
    file: &CorpusFile,
    size: u64,
    hash: u64,
    doc: &corpus::Document,
) -> TantivyDocument {
    doc!(
        fields.rec => REC_DOC,
        fields.file_id => file_id,
        fields.doc_key => file_id,
        fields.title => doc.title.as_str(),
        fields.title_text => doc.title.as_str(),
        fields.path => file.rel.as_str(),
        fields.path_key => analysis::normalize(&file.rel),
        fields.encoding => doc.encoding.as_str(),
        fields.size => size,
        fields.mtime_ns => file.mtime_ns,
        fields.content_hash => hash,
    )
}

/// Writes the document record and the section records of one parsed file; returns the
/// number of paragraphs. The records of a file are one tantivy batch: its share of the
/// [`Backlog`] is released once tantivy has indexed the last of them.
fn write_document(
    writer: &IndexWriter,
    backlog: &Arc<Backlog>,
    fields: &Fields,
    file_id: u64,
    file: &CorpusFile,
    hash: u64,
    doc: &corpus::Document,
) -> Result<u64> {
    let mut records = vec![doc_record(fields, file_id, file, file.size, hash, doc)];
    // Open sections: label and record, written once the section closes and its last
    // paragraph is known.
    let mut open: Vec<(&str, TantivyDocument)> = Vec::new();
    let close = |open: &mut Vec<(&str, TantivyDocument)>,
                 from: usize,
                 last_para: u64,
                 records: &mut Vec<TantivyDocument>| {
        for (_, mut record) in open.drain(from..) {
            record.add_u64(fields.para_end, last_para);
            records.push(record);
        }
    };
    let mut last_para = 0u64;
    let mut bytes = 0;
    for p in &doc.paragraphs {
        let keep = open
            .iter()
            .zip(&p.section)
            .take_while(|((label, _), s)| *label == s.as_str())
            .count();
        close(&mut open, keep, last_para, &mut records);
        for label in &p.section[keep..] {
            let record = doc!(
                fields.rec => REC_SECTION,
                fields.file_id => file_id,
                fields.section => label.as_str(),
                fields.para => u64::from(p.paragraph),
            );
            open.push((label.as_str(), record));
            bytes += label.len();
        }
        last_para = u64::from(p.paragraph);
    }
    close(&mut open, 0, last_para, &mut records);
    // tantivy drops each record once it is indexed, the last one last: its ticket then
    // releases the file's share of the backlog.
    let mut ticket = Some(backlog.admit(bytes as u64 + 256));
    let last = records.len() - 1;
    writer.run(records.into_iter().enumerate().map(|(i, doc)| {
        UserOperation::Add(Record {
            doc,
            _ticket: if i == last { ticket.take() } else { None },
        })
    }))?;
    Ok(doc.paragraphs.len() as u64)
}

/// Opens the index for writing, creating it if needed; says whether (and why) it must be
/// rebuilt from scratch.
fn open_for_writing(
    opts: &IndexOptions,
    fingerprint: &str,
) -> Result<(Index, Fields, Option<String>)> {
    let dir = &opts.index_dir;
    if super::exists(dir) {
        let mmap = MmapDirectory::open(dir)
            .map_err(|e| Error::Index(format!("{}: {e}", dir.display())))?;
        let opened = Index::open(mmap).and_then(|index| {
            let metas = index.load_metas()?;
            Ok((index, metas.payload))
        });
        match opened {
            Ok((index, payload)) => {
                let info = parse_info(dir, payload.as_deref());
                let fields = Fields::from_schema(&index.schema());
                let why = match (&info, &fields) {
                    (Ok(info), Ok(_)) if info.format != FORMAT_VERSION => Some(format!(
                        "index format {} is not {FORMAT_VERSION}",
                        info.format
                    )),
                    (_, Err(e)) => Some(e.to_string()),
                    (Err(_), _) if index.searchable_segment_ids()?.is_empty() => {
                        Some("new index".to_string())
                    }
                    (Err(e), _) => Some(e.to_string()),
                    // Other analysis tables (another program) change the index terms: a
                    // rebuild, which only `--full` asks for (it reads every file again, and a
                    // file that cannot be read then leaves the index). Other user dictionaries
                    // alone do not: they decide only how queries are cut, so the run takes
                    // them and commits their fingerprint.
                    (Ok(info), Ok(_))
                        if info.fingerprint != fingerprint && !same_tables(dir, info) =>
                    {
                        Some("it was built with other analysis tables".to_string())
                    }
                    _ if opts.full => Some("--full".to_string()),
                    _ => None,
                };
                match (fields, why) {
                    (Ok(fields), None) => return Ok((index, fields, None)),
                    (Ok(fields), Some(why)) if opts.full || why == "new index" => {
                        return Ok((index, fields, Some(why)));
                    }
                    (_, Some(why)) if !opts.full => {
                        return Err(Error::Index(format!(
                            "{}: cannot update this index ({why}); rebuild it with `zhengce index --full`",
                            dir.display()
                        )));
                    }
                    _ => {}
                }
            }
            Err(e) if !opts.full => {
                return Err(Error::Index(format!(
                    "{}: the index cannot be read ({e}); rebuild it with `zhengce index --full`",
                    dir.display()
                )));
            }
            Err(_) => {}
        }
        // --full over an index this version cannot update: start a new one in its place.
        clear_tantivy_files(dir)?;
    }
    let (schema, fields) = build_schema();
    let index = create_index(dir, schema)?;
    Ok((index, fields, Some("new index".to_string())))
}

fn create_index(dir: &Path, schema: Schema) -> Result<Index> {
    let settings = IndexSettings {
        docstore_compression: Compressor::Lz4,
        docstore_blocksize: 16 * 1024,
        ..IndexSettings::default()
    };
    Ok(Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)?)
}

/// Whether the index in `dir` was built with this program's analysis tables: its fingerprint is
/// the one this program gives its own dictionary copies (false when they cannot be read).
fn same_tables(dir: &Path, info: &IndexInfo) -> bool {
    analysis::fingerprint(&super::stored_dicts(dir, info)).is_ok_and(|f| f == info.fingerprint)
}

/// Removes the tantivy files of `dir`, keeping the lock and the dictionaries.
fn clear_tantivy_files(dir: &Path) -> Result<()> {
    for e in std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
    {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name == "zhengce.lock" || name == "dicts" {
            continue;
        }
        let path = e.path();
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// The copies of the user dictionaries the index in `index_dir` was built with (none when
/// there is no readable index).
fn dicts_of_index(index_dir: &Path) -> Vec<PathBuf> {
    if !super::exists(index_dir) {
        return Vec::new();
    }
    let payload = MmapDirectory::open(index_dir)
        .ok()
        .and_then(|dir| Index::open(dir).ok())
        .and_then(|index| index.load_metas().ok())
        .and_then(|metas| metas.payload);
    match parse_info(index_dir, payload.as_deref()) {
        Ok(info) => super::stored_dicts(index_dir, &info),
        Err(_) => Vec::new(),
    }
}

/// Writes the user dictionaries into `dicts/<fingerprint>/` of the index folder, so searches
/// use exactly what the index was built with, before the commit that names them: each
/// appears whole (a temporary file, synced, renamed) and durably. A copy already there (from
/// an earlier run, which searches may be using) stays when it holds these very bytes, and is
/// written again when it does not (damaged, say). Returns their names relative to `dicts/`.
fn copy_dicts(
    index_dir: &Path,
    fingerprint: &str,
    dicts: &[analysis::DictFile],
) -> Result<(Vec<String>, Option<PathBuf>)> {
    if dicts.is_empty() {
        return Ok((Vec::new(), None));
    }
    let sub = index_dir.join("dicts").join(fingerprint);
    std::fs::create_dir_all(&sub).map_err(|e| Error::io(&sub, e))?;
    let mut names = Vec::new();
    for (i, d) in dicts.iter().enumerate() {
        let name = format!("{i}.dict.txt");
        let to = sub.join(&name);
        if std::fs::read(&to).ok().as_deref() != Some(d.bytes.as_slice()) {
            exact::write_durably(&to, &d.bytes)?;
        }
        names.push(format!("{fingerprint}/{name}"));
    }
    let parent = index_dir.join("dicts");
    std::fs::File::open(&parent)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(&parent, e))?;
    Ok((names, Some(sub)))
}

/// Removes dictionary copies of earlier analyses once a commit no longer needs them.
fn remove_other_dicts(index_dir: &Path, keep: Option<&Path>) {
    let dicts = index_dir.join("dicts");
    if let Ok(entries) = std::fs::read_dir(&dicts) {
        for e in entries.flatten() {
            if Some(e.path().as_path()) != keep {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}
