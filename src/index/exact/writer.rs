//! Writing the exact index during an indexing run: [`ExactWriter`] hands each reading thread
//! an [`ExactBuilder`], which normalizes the paragraphs of the files it is given, fills a
//! bigram segment and its text store, and writes both (to a temporary name, synced,
//! renamed) once the segment is full; the live map, updated as segments are written, is
//! written by [`ExactWriter::finish`] before the commit that names its generation.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use jieba_rs::Jieba;

use super::bigrams::{BigramBuilder, ParagraphKindCode, LISTS_FROM};
use super::live::{path_order, segment_path, texts_path, write_durably, LiveMap};
use super::texts::TextsBuilder;
use super::EXACT_DIR;
use crate::analysis::{self, distinct, Normalized};
use crate::corpus::{self, Paragraph, ParagraphKind};
use crate::{Error, Result};

/// The exact-index side of an indexing run: hands out segment builders to the reading
/// threads and keeps the live map they update.
#[derive(Debug)]
pub struct ExactWriter {
    index_dir: PathBuf,
    segment_chars: usize,
    /// Bigrams with at least this many positions in a segment list their paragraphs.
    lists_from: u32,
    next_id: AtomicU32,
    live: Mutex<LiveMap>,
    /// The jieba that marks where words start (`None`: at every char).
    jieba: Option<Arc<Jieba>>,
    /// Word starts of paragraphs already cut, shared by the reading threads: the same text
    /// recurs across the versions of a law and in boilerplate clauses.
    cut: Mutex<CutCache>,
}

/// The word starts of paragraph texts already cut, by the 128-bit hash of their N(text), as
/// bits; emptied when it holds [`CutCache::MAX_BITS`].
#[derive(Debug, Default)]
struct CutCache {
    map: std::collections::HashMap<u128, Box<[u64]>>,
    bits: usize,
}

impl CutCache {
    const MAX_BITS: usize = 256 << 20;
    /// Shorter texts are cut again: cheap, and many.
    const MIN_CHARS: usize = 16;

    fn get(&self, key: u128, starts: &mut Vec<bool>, len: usize) -> bool {
        let Some(bits) = self.map.get(&key) else {
            return false;
        };
        starts.clear();
        starts.extend((0..len).map(|i| bits[i / 64] >> (i % 64) & 1 == 1));
        true
    }

    fn put(&mut self, key: u128, starts: &[bool]) {
        if self.bits + starts.len() > Self::MAX_BITS {
            self.map.clear();
            self.bits = 0;
        }
        let mut bits = vec![0u64; starts.len().div_ceil(64)];
        for (i, _) in starts.iter().enumerate().filter(|(_, &s)| s) {
            bits[i / 64] |= 1 << (i % 64);
        }
        self.bits += starts.len();
        self.map.insert(key, bits.into_boxed_slice());
    }
}

impl ExactWriter {
    /// Starts a run over the index in `index_dir` whose last commit had the live map `live`
    /// (empty for a rebuild). New segments get ids above every segment file on disk; a
    /// reading thread starts a new one after `segment_chars` characters.
    pub fn new(index_dir: &Path, live: LiveMap, segment_chars: usize) -> Result<ExactWriter> {
        Self::with_jieba(index_dir, live, segment_chars, None)
    }

    /// [`Self::new`], marking words as `jieba` cuts them ([`analysis::word_starts`]).
    pub fn with_jieba(
        index_dir: &Path,
        live: LiveMap,
        segment_chars: usize,
        jieba: Option<Arc<Jieba>>,
    ) -> Result<ExactWriter> {
        let dir = index_dir.join(EXACT_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut max_id = live.segments().last().copied().unwrap_or(0);
        for e in std::fs::read_dir(&dir)
            .map_err(|e| Error::io(&dir, e))?
            .flatten()
        {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if let Some(id) = name
                .strip_suffix(".zbg")
                .and_then(|s| s.parse::<u32>().ok())
            {
                max_id = max_id.max(id);
            }
        }
        Ok(ExactWriter {
            index_dir: index_dir.to_path_buf(),
            segment_chars: segment_chars.max(1),
            lists_from: LISTS_FROM,
            next_id: AtomicU32::new(max_id + 1),
            live: Mutex::new(live),
            jieba,
            cut: Mutex::default(),
        })
    }

    /// Paragraph lists for the bigrams with at least `n` positions in a segment instead of
    /// [`LISTS_FROM`] (to test them on a small corpus).
    pub fn with_lists_from(mut self, n: u32) -> Self {
        self.lists_from = n;
        self
    }

    /// A builder for one reading thread.
    pub fn builder(&self) -> ExactBuilder<'_> {
        ExactBuilder {
            writer: self,
            current: None,
            norm: Normalized::default(),
            chars: Vec::new(),
            starts: Vec::new(),
            classes: Vec::new(),
            scripts: Vec::new(),
        }
    }

    /// Forgets file `file_no`: its records are gone from the index.
    pub fn remove(&self, file_no: u32) {
        self.lock().map.remove(&file_no);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LiveMap> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the live map as generation `gen` (after every builder has finished), with the
    /// files' relative paths `paths` (file number, path; those of files not in the index are
    /// ignored), and returns it.
    pub fn finish(self, gen: u64, paths: Vec<(u32, &str)>) -> Result<LiveMap> {
        let mut live = self.live.into_inner().unwrap_or_else(|e| e.into_inner());
        live.order = path_order(paths);
        live.write(&self.index_dir, gen)?;
        Ok(live)
    }
}

/// One reading thread's segment under construction.
pub struct ExactBuilder<'a> {
    writer: &'a ExactWriter,
    /// The segment being built.
    current: Option<Building>,
    norm: Normalized,
    chars: Vec<char>,
    /// Where the words of the paragraph being added start.
    starts: Vec<bool>,
    /// The classes of its distinct group characters, when it is Traditional.
    classes: Vec<(u32, u8)>,
    /// The script counts of the paragraphs of the file being added.
    scripts: Vec<analysis::ScriptCounts>,
}

/// A segment under construction: its id, bigrams, texts and files.
struct Building {
    id: u32,
    bigrams: BigramBuilder,
    texts: TextsBuilder,
    files: Vec<u32>,
}

impl ExactBuilder<'_> {
    /// Marks in `starts` where the words of the paragraph in `norm` (and `chars`) start.
    fn word_starts(&mut self, jieba: &Jieba) {
        let text = self.norm.as_str();
        let len = self.chars.len();
        if len < CutCache::MIN_CHARS {
            return analysis::word_starts(jieba, text, &mut self.starts);
        }
        let key = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
        let lock = || self.writer.cut.lock().unwrap_or_else(|e| e.into_inner());
        if lock().get(key, &mut self.starts, len) {
            return;
        }
        analysis::word_starts(jieba, text, &mut self.starts);
        lock().put(key, &self.starts);
    }

    /// Adds the paragraphs of file `file_no` (numbered from 0); the file becomes live in this
    /// segment once the segment is written.
    ///
    /// Segments end between files: a file that would take the segment past its size starts a
    /// new one, and a file longer than a segment fills segments of its own. So a segment
    /// shares no file with another segment except the parts of such a long file, and
    /// rewriting the files of one segment ([`super::ExactIndex::files_to_rewrite`]) never drags in
    /// the next.
    pub fn add_file(&mut self, file_no: u32, paragraphs: &[Paragraph]) -> Result<()> {
        let chars: usize = paragraphs.iter().map(|p| p.text.chars().count() + 1).sum();
        let limit = self.writer.segment_chars;
        if self
            .current
            .as_ref()
            .is_some_and(|b| b.bigrams.chars() > 0 && b.bigrams.chars() + chars > limit)
        {
            self.flush()?;
        }
        let mut split = false;
        let mut begun = false;
        // Each paragraph's script counts, read once: the document's script is that of its
        // first paragraphs, a paragraph's its own unless it says neither.
        self.scripts.clear();
        (self.scripts).extend(
            paragraphs
                .iter()
                .map(|p| analysis::ScriptCounts::of(&p.text)),
        );
        let script = distinct::document_script_by(
            (paragraphs.iter().zip(&self.scripts)).map(|(p, &n)| (p.text.len(), n)),
        );
        for (para, p) in paragraphs.iter().enumerate() {
            let text = p.text.as_str();
            if !begun {
                // A new segment, or the next part of a file longer than one.
                let b = self.current.get_or_insert_with(|| Building {
                    id: self.writer.next_id.fetch_add(1, Ordering::Relaxed),
                    bigrams: BigramBuilder::new().with_lists_from(self.writer.lists_from),
                    texts: TextsBuilder::new(),
                    files: Vec::new(),
                });
                b.bigrams.begin_file(file_no, para as u32);
                b.files.push(file_no);
                begun = true;
            }
            analysis::normalize_exact_into(&mut self.norm, text);
            self.chars.clear();
            self.chars.extend(self.norm.as_str().chars());
            let words = match &self.writer.jieba {
                Some(jieba) => {
                    self.word_starts(jieba);
                    Some(self.starts.as_slice())
                }
                None => None,
            };
            let kind = match p.kind {
                ParagraphKind::Body if corpus::is_table_row(text) => ParagraphKindCode::TableRow,
                ParagraphKind::Body => ParagraphKindCode::Body,
                ParagraphKind::Heading => ParagraphKindCode::Heading,
                ParagraphKind::Metadata => ParagraphKindCode::Metadata,
            };
            if let Some(b) = &mut self.current {
                b.bigrams.add_paragraph_with(&self.chars, words, kind);
                if distinct::is_traditional_by(self.scripts[para], script) {
                    self.classes.clear();
                    for (i, &n) in self.chars.iter().enumerate() {
                        if !distinct::is_group_fold(n) {
                            continue;
                        }
                        let span = self.norm.span(i);
                        let orig = text.get(span.byte_start as usize..);
                        if let Some(orig) = orig.and_then(|s| s.chars().next()) {
                            if let Some(class) = distinct::code_of(n, orig) {
                                self.classes.push((i as u32, class));
                            }
                        }
                    }
                    b.bigrams.mark_traditional(&self.classes);
                }
                b.texts.add(text, &p.section, p.lines);
                if b.bigrams.chars() >= limit {
                    self.flush()?;
                    begun = false;
                    split = true;
                }
            }
        }
        if split {
            // The last part of a long file keeps its segment to itself too.
            self.flush()?;
        }
        Ok(())
    }

    /// Forgets file `file_no`: its records are gone from the index.
    pub fn remove(&self, file_no: u32) {
        self.writer.remove(file_no);
    }

    /// Writes the segment being built, if any, and makes its files live.
    pub fn flush(&mut self) -> Result<()> {
        let Some(Building {
            id,
            bigrams,
            texts,
            files,
        }) = self.current.take()
        else {
            return Ok(());
        };
        let path = texts_path(&self.writer.index_dir, id);
        let texts = texts.finish().map_err(|e| Error::io(&path, e))?;
        write_durably(&path, &texts)?;
        let bytes = bigrams.finish();
        write_durably(&segment_path(&self.writer.index_dir, id), &bytes)?;
        let mut live = self.writer.lock();
        for f in files {
            // A file's earlier text was forgotten before it was read again ([`Self::remove`]),
            // so its entries so far are this run's parts of it.
            let segs = live.map.entry(f).or_default();
            if !segs.contains(&id) {
                segs.push(id);
            }
        }
        Ok(())
    }
}
