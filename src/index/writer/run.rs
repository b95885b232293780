//! The reading threads of an indexing run: each takes the next file to read (or to move out
//! of an emptied exact segment), parses it, adds its paragraphs to the exact segment it
//! builds and hands its document and section records to tantivy, whose queue is bounded by
//! a [`Backlog`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use tantivy::indexer::UserOperation;
use tantivy::{doc, Document, TantivyDocument, Term};

use super::plan::{kept_failure, reason, Kind, Todo};
use super::{Failure, IndexOptions, ProgressSink};
use crate::analysis;
use crate::corpus::meta::DocMeta;
use crate::corpus::{self, CorpusFile};
use crate::index::docmeta::MetaEntry;
use crate::index::exact::{ExactBuilder, ExactIndex, ExactWriter};
use crate::index::manifest::ManifestEntry;
use crate::index::schema::{Fields, REC_DOC, REC_SECTION};
use crate::{Error, Result};

/// The files one run reads, and where it writes them.
pub(super) struct Reading<'a> {
    pub opts: &'a IndexOptions,
    pub writer: &'a IndexWriter,
    pub backlog: &'a Arc<Backlog>,
    pub exact: &'a ExactWriter,
    pub fields: &'a Fields,
    /// The exact index of the last commit (none for a rebuild), which moved files are read
    /// from.
    pub old: Option<&'a ExactIndex>,
    /// The metadata of the files read ([`crate::corpus::meta::extract`]).
    pub metas: &'a Mutex<Vec<MetaEntry>>,
}

impl Reading<'_> {
    /// Reads the files of `todo`, then moves the files of `moving` out of their emptied
    /// segments (from the text those store), on `threads` threads.
    pub fn run(
        &self,
        todo: &[Todo],
        moving: &[u32],
        threads: usize,
        progress: &dyn ProgressSink,
    ) -> RunCounts {
        let outcome = Mutex::new(RunCounts::default());
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut xb = self.exact.builder();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((file, file_no, known, kind)) = todo.get(i) else {
                            let Some(&no) = moving.get(i - todo.len()) else {
                                break;
                            };
                            let moved = self.old.map_or(Ok(()), |old| move_file(old, &mut xb, no));
                            let mut counts = outcome.lock().unwrap_or_else(|e| e.into_inner());
                            match moved {
                                Ok(()) => counts.rewritten += 1,
                                Err(e) => drop(counts.fatal.get_or_insert(e)),
                            }
                            continue;
                        };
                        let mut result = index_file(
                            self.writer,
                            self.backlog,
                            &mut xb,
                            self.fields,
                            file,
                            *file_no,
                            known.as_ref(),
                        )
                        .map(|(paragraphs, meta)| {
                            let entry = MetaEntry {
                                file: *file_no as u32,
                                path: file.rel.clone(),
                                meta,
                            };
                            self.metas
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push(entry);
                            paragraphs
                        });
                        if let (Kind::Changed, Err(FileError::Unreadable(_)), Some(old)) =
                            (kind, &result, self.old)
                        {
                            // It changed but cannot be read now: its indexed version stays,
                            // and moves out of its segment with the others.
                            if let Err(e) = move_file(old, &mut xb, *file_no as u32) {
                                result = Err(FileError::Fatal(e));
                            }
                        }
                        if let Some(pause) = self.opts.pause_per_file {
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
        outcome.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// The writer, over records that can carry a [`Ticket`].
pub(super) type IndexWriter = tantivy::IndexWriter<Record>;

/// Heading bytes whose records may wait in tantivy's queue at once. Its queue holds up to
/// 10,000 batches and a file is one batch, so without this bound the reading threads would
/// queue the records of the whole corpus in memory ahead of the indexing threads.
pub(super) const BACKLOG_BYTES: u64 = 4 << 20;

/// A tantivy document, with the backlog ticket of its file on the file's last record.
pub(super) struct Record {
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
pub(super) struct Backlog {
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
    pub(super) fn new(limit: u64) -> Arc<Backlog> {
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

/// How indexing one file failed.
#[derive(Debug)]
enum FileError {
    /// The file cannot be read or decoded: it is reported, and its indexed version stays.
    Unreadable(Error),
    /// Writing the index failed (a full disk, say): the run stops and commits nothing.
    Fatal(Error),
}

/// `f` of each item, on `threads` threads, in order.
pub(super) fn parallel_map<T: Sync, R: Send>(
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
pub(super) struct RunCounts {
    pub added: u64,
    pub updated: u64,
    pub rewritten: u64,
    pub paragraphs: u64,
    pub bytes: u64,
    pub failed: Vec<Failure>,
    /// An error writing the index: the run stops and commits nothing.
    pub fatal: Option<Error>,
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
                reason: reason(&e),
            }),
            Err(FileError::Unreadable(e)) => self.failed.push(kept_failure(file, &e)),
        }
    }
}

/// Whether the bytes of `file`, indexed before as `known`, changed. When they did not (only
/// the mtime did), its document record is replaced, so the next run does not read it again.
/// New bytes that cannot be decoded are an error: the version indexed stays, and so do the
/// other files of its segment (they are rewritten only for text that leaves).
pub(super) fn check_changed(
    writer: &IndexWriter,
    fields: &Fields,
    file: &CorpusFile,
    known: &ManifestEntry,
) -> Result<bool> {
    let bytes =
        corpus::FileBytes::open(&file.path, &file.rel).map_err(|e| Error::io(&file.path, e))?;
    let hash = bytes.hash();
    if known.content_hash != hash {
        // Text is only checked to decode; other formats are read (that is the check).
        let readable = match corpus::Format::of(&file.rel) {
            Ok(corpus::Format::Text) | Err(_) => {
                corpus::decode(&bytes).map(drop).map_err(|e| e.to_string())
            }
            Ok(_) => corpus::document_from_file(&file.rel, &bytes)
                .map(drop)
                .map_err(|e| e.to_string()),
        };
        readable.map_err(|reason| Error::Decode {
            path: file.path.clone(),
            reason,
        })?;
        return Ok(true);
    }
    let decode_error = |reason: String| Error::Decode {
        path: file.path.clone(),
        reason,
    };
    let (doc, meta) = match corpus::Format::of(&file.rel) {
        Ok(corpus::Format::Text) | Err(_) => {
            let (text, encoding) =
                corpus::decode(&bytes).map_err(|e| decode_error(e.to_string()))?;
            let doc = corpus::parse_document(&file.rel, &text, encoding.name());
            let meta = corpus::meta::extract(&file.rel, &text, &doc);
            (doc, meta)
        }
        Ok(_) => {
            let doc = corpus::document_from_file(&file.rel, &bytes)
                .map_err(|e| decode_error(e.to_string()))?;
            let meta = corpus::meta::extract_converted(&file.rel, &doc);
            (doc, meta)
        }
    };
    writer.delete_term(Term::from_field_u64(fields.doc_key, known.file_id));
    let size = bytes.len() as u64;
    let record = doc_record(fields, known.file_id, file, size, hash, &doc, &meta);
    writer.add_document(Record::new(record))?;
    Ok(false)
}

/// Reads one file and writes its records, replacing those of its previous version (`known`);
/// returns its number of paragraphs and its metadata. A file that cannot be read or decoded leaves its
/// previous version in place; an error writing the index is fatal to the run.
fn index_file(
    writer: &IndexWriter,
    backlog: &Arc<Backlog>,
    xb: &mut ExactBuilder<'_>,
    fields: &Fields,
    file: &CorpusFile,
    file_id: u64,
    known: Option<&ManifestEntry>,
) -> Result<(u64, DocMeta), FileError> {
    let unreadable = FileError::Unreadable;
    // A large PDF is mapped, not read (`FileBytes`): its pages need not stay in memory.
    let bytes = corpus::FileBytes::open(&file.path, &file.rel)
        .map_err(|e| unreadable(Error::io(&file.path, e)))?;
    let hash = bytes.hash();
    let (doc, meta) = match corpus::Format::of(&file.rel) {
        // One copy of a big text file at a time: the bytes become the text (no copy for
        // UTF-8), the text is dropped once parsed.
        Ok(corpus::Format::Text) | Err(_) => {
            let (text, encoding) = corpus::decode_owned(bytes.into_vec()).map_err(|e| {
                unreadable(Error::Decode {
                    path: file.path.clone(),
                    reason: e.to_string(),
                })
            })?;
            let doc = corpus::parse_document(&file.rel, &text, encoding.name());
            let meta = corpus::meta::extract(&file.rel, &text, &doc);
            (doc, meta)
        }
        Ok(_) => {
            let doc = corpus::document_from_file(&file.rel, &bytes).map_err(|e| {
                unreadable(Error::Decode {
                    path: file.path.clone(),
                    reason: e.to_string(),
                })
            })?;
            // A big PDF's bytes are not needed while its paragraphs are indexed.
            drop(bytes);
            let meta = corpus::meta::extract_converted(&file.rel, &doc);
            (doc, meta)
        }
    };
    if known.is_some() {
        writer.delete_term(Term::from_field_u64(fields.file_id, file_id));
        xb.remove(file_id as u32);
    }
    xb.add_file(file_id as u32, &doc.paragraphs)
        .map_err(FileError::Fatal)?;
    write_document(writer, backlog, fields, file_id, file, hash, &doc, &meta)
        .map(|paragraphs| (paragraphs, meta))
        .map_err(FileError::Fatal)
}

fn doc_record(
    fields: &Fields,
    file_id: u64,
    file: &CorpusFile,
    size: u64,
    hash: u64,
    doc: &corpus::Document,
    meta: &DocMeta,
) -> TantivyDocument {
    let mut record = doc!(
        fields.rec => REC_DOC,
        fields.file_id => file_id,
        fields.doc_key => file_id,
        fields.title => doc.title.as_str(),
        fields.title_text => doc.title.as_str(),
        fields.title_len => analysis::name_len(&doc.title) as u64,
        fields.version => u64::from(corpus::version_date(&file.rel).unwrap_or(0)),
        fields.title_script => match analysis::script_of(&doc.title) {
            Some(analysis::Written::Simplified) => 1u64,
            Some(analysis::Written::Traditional) => 2,
            None => 0,
        },
        fields.path => file.rel.as_str(),
        fields.path_key => analysis::normalize(&file.rel),
        fields.encoding => doc.encoding.as_str(),
        fields.size => size,
        fields.mtime_ns => file.mtime_ns,
        fields.content_hash => hash,
    );
    if !doc.pages.is_empty() {
        let pages: Vec<String> = doc.pages.iter().map(u32::to_string).collect();
        record.add_text(fields.pages, pages.join(","));
    }
    // A DocMeta always serializes.
    if let Ok(json) = serde_json::to_string(meta) {
        record.add_text(fields.meta, json);
    }
    record
}

/// Writes the document record and the section records of one parsed file; returns the
/// number of paragraphs. The records of a file are one tantivy batch: its share of the
/// [`Backlog`] is released once tantivy has indexed the last of them.
#[allow(clippy::too_many_arguments)] // the file, its parse and where they go, all needed
fn write_document(
    writer: &IndexWriter,
    backlog: &Arc<Backlog>,
    fields: &Fields,
    file_id: u64,
    file: &CorpusFile,
    hash: u64,
    doc: &corpus::Document,
    meta: &DocMeta,
) -> Result<u64> {
    let mut records = vec![doc_record(
        fields, file_id, file, file.size, hash, doc, meta,
    )];
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
