//! Building and updating an index from a corpus folder.
//!
//! [`index_corpus`] takes the writer lock, then runs in three steps: `plan` compares what
//! the walk of the folder found with the index's manifest and decides what to read, remove
//! and keep (a pure function); `run` reads and parses the files on several threads, each
//! building exact segments of its own while tantivy's threads index the document and section
//! records; `commit` writes the exact index's live map and commits once at the end, with the
//! format version, analysis fingerprint and live map generation in tantivy's commit payload.
//! Until that commit, searches and a crashed run see the previous commit, whole. It reports
//! progress through a [`ProgressSink`] and never prints.

mod commit;
mod plan;
mod run;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::Term;

use super::exact::{self, ExactIndex, ExactWriter, LiveMap};
use super::manifest::read_manifest;
use super::parse_info;
use crate::analysis;
use crate::corpus;
use crate::{Error, Result};
use plan::Walked;
use run::{Backlog, IndexWriter, Reading};

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
            return Err(Error::NotAFolder {
                path: opts.corpus.clone(),
            })
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
        true => commit::dicts_of_index(&opts.index_dir),
        false => opts.dicts.clone(),
    };
    // Read once: what is checked, fingerprinted and copied into the index is one version of
    // each file. Checked before anything is written: a malformed entry is an error naming its
    // file and line. Searches cut bare terms with these dictionaries.
    let dict_files = analysis::read_dict_files(&dicts)?;
    let user_words = analysis::parse_user_dicts(&dict_files)?;
    // jieba marks where the paragraphs' words start; its dictionary builds meanwhile.
    let jieba = std::thread::spawn(move || Arc::new(user_words.load()));
    let fingerprint = analysis::fingerprint_of(&dict_files);
    let (index, fields, rebuilt) = commit::open_for_writing(opts, &fingerprint)?;

    analysis::register_tokenizers(&index);
    let threads = opts.threads.max(1);
    let heap = if opts.heap_bytes > 0 {
        opts.heap_bytes
    } else {
        (256 << 20) * threads
    };
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, heap)?;
    let mut summary = IndexSummary {
        corpus: opts.corpus.display().to_string(),
        index: opts.index_dir.display().to_string(),
        rebuilt: rebuilt.clone(),
        dicts: dicts.iter().map(|d| d.display().to_string()).collect(),
        ..IndexSummary::default()
    };
    let mut new_dicts = false;
    let (manifest, live, old_gen, old_exact, old_metas) = if rebuilt.is_some() {
        writer.delete_all_documents()?;
        (HashMap::new(), LiveMap::default(), 0, None, Vec::new())
    } else {
        let reader = index.reader()?;
        let old = parse_info(&opts.index_dir, index.load_metas()?.payload.as_deref())?;
        if old.corpus_root != corpus_root {
            return Err(Error::OtherCorpus {
                dir: opts.index_dir.clone(),
                built_from: old.corpus_root,
                given: corpus_root,
            });
        }
        // Other user dictionaries cut the words of every paragraph anew.
        new_dicts = old.fingerprint != fingerprint;
        // Opening the exact index checks its files: a damaged one is refused here, as
        // searches refuse it, rather than updated around.
        let old_exact = ExactIndex::open(&opts.index_dir, old.exact_gen)?;
        let old_metas = match old.exact_gen {
            0 => Vec::new(),
            gen => super::docmeta::read(&opts.index_dir, gen)?.1,
        };
        (
            read_manifest(&opts.index_dir, &reader.searcher(), &fields)?,
            old_exact.live_map().clone(),
            old.exact_gen,
            Some(old_exact),
            old_metas,
        )
    };
    let segment_chars = match opts.segment_chars {
        0 => exact::SEGMENT_CHARS,
        n => n,
    };
    let jieba = jieba
        .join()
        .map_err(|_| Error::Other("building jieba's dictionary failed".to_string()))?;
    let mut exact = ExactWriter::with_jieba(&opts.index_dir, live, segment_chars, Some(jieba))?;
    if opts.lists_from > 0 {
        exact = exact.with_lists_from(opts.lists_from);
    }

    let walked = Walked::from_events(corpus::walk_excluding(&opts.corpus, Some(&opts.index_dir))?);
    if walked.files.is_empty() && !manifest.is_empty() {
        // A mistyped or unmounted corpus folder must not empty an index silently.
        return Err(Error::EmptyCorpus {
            corpus: opts.corpus.clone(),
            dir: opts.index_dir.clone(),
            documents: manifest.len(),
        });
    }
    // Read on every thread: a copied corpus has new mtimes everywhere.
    let suspects = plan::suspects(&walked.files, &manifest);
    let checks = run::parallel_map(&suspects, threads, |(f, m)| {
        run::check_changed(&writer, &fields, f, m)
    });
    let checked = (suspects.iter())
        .map(|(f, _)| f.rel.as_str())
        .zip(checks)
        .collect();
    let plan = plan::plan(&walked, &manifest, checked)?;
    for &file_id in &plan.removed {
        writer.delete_term(Term::from_field_u64(fields.file_id, file_id));
        exact.remove(file_id as u32);
    }
    summary.skipped = walked.skipped.clone();
    summary.removed = plan.removed.len() as u64;
    summary.unchanged = plan.unchanged;
    summary.failed = plan.failed.clone();
    // The exact segments that would hold text no longer current are emptied: their other
    // files move to new segments, written from the old segments' text stores (no file is
    // read again, and one that cannot be read any more moves too). So the index holds only
    // current text: its statistics and answers are those of a fresh build.
    let moving = match &old_exact {
        // New user dictionaries: every file's words are marked again, from the stored text.
        Some(old) if new_dicts => {
            let reading: std::collections::HashSet<u32> =
                plan.todo.iter().map(|(_, no, ..)| *no as u32).collect();
            let mut all: Vec<u32> = (old.live_map().iter())
                .map(|(file, _)| file)
                .filter(|f| !reading.contains(f) && !plan.leaving.contains(f))
                .collect();
            all.dedup();
            all
        }
        Some(old) if !plan.todo.is_empty() || !plan.leaving.is_empty() => {
            old.files_to_rewrite(&plan.leaving, segment_chars, threads)
        }
        _ => Vec::new(),
    };

    progress.begin(
        plan.todo.len() as u64,
        plan.todo.iter().map(|(f, ..)| f.size).sum(),
    );
    let metas = std::sync::Mutex::new(Vec::new());
    let reading = Reading {
        opts,
        writer: &writer,
        backlog: &Backlog::new(run::BACKLOG_BYTES),
        exact: &exact,
        fields: &fields,
        old: old_exact.as_ref(),
        metas: &metas,
    };
    let counts = reading.run(&plan.todo, &moving, threads, progress);
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
    let paths = (manifest.iter())
        .map(|(path, m)| (m.file_id as u32, path.as_str()))
        .chain((plan.todo.iter()).map(|(f, no, ..)| (*no as u32, f.rel.as_str())))
        .collect();
    // The metadata of every file after the run: those read now, and the others' as the last
    // commit had them (a file that could not be read again keeps its indexed version).
    let mut metas = metas.into_inner().unwrap_or_else(|e| e.into_inner());
    let read_now: std::collections::HashSet<u32> = metas.iter().map(|m| m.file).collect();
    let removed: std::collections::HashSet<u64> = plan.removed.iter().copied().collect();
    metas.extend(
        old_metas
            .into_iter()
            .filter(|m| !read_now.contains(&m.file) && !removed.contains(&u64::from(m.file))),
    );
    let info = commit::CommitInfo {
        exact,
        old_gen,
        metas,
        paths,
        fingerprint: &fingerprint,
        dicts: &dict_files,
        corpus_root,
    };
    commit::commit(opts, writer, info)?;
    summary.commit_seconds = commit_started.elapsed().as_secs_f64();

    let reader = index.reader()?;
    summary.documents = read_manifest(&opts.index_dir, &reader.searcher(), &fields)?.len() as u64;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.mb_per_s = summary.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
    summary.index_bytes = super::disk_size(&opts.index_dir);
    Ok(summary)
}
