//! The index folder: creating and opening the tantivy index, its format version and analysis
//! fingerprint, and the writer lock.
//!
//! An index folder holds the tantivy files (document and section records: [`schema`]),
//! `exact/` (the exact index of the paragraphs: [`exact`], most of the folder's bytes),
//! `zhengce.lock` (the writer lock, with the pid of its holder) and `dicts/` (copies of the
//! user dictionaries it was built with, which cut bare query terms). The format version,
//! analysis fingerprint and exact index generation travel in tantivy's commit payload, so
//! they change atomically with the data they describe. Writing is in [`writer`].

pub mod docmeta;
pub mod exact;
pub mod manifest;
pub mod metatable;
pub mod schema;
pub mod writer;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::Index;

use crate::{Error, Result};
pub use schema::{build_schema, Fields};
pub use writer::{index_corpus, IndexOptions, IndexSummary, ProgressSink};

/// Version of the on-disk layout and record structure. Bump it whenever the schema or the
/// meaning of a field changes.
pub const FORMAT_VERSION: u32 = 21;

/// What a commit records about the analysis behind the index (tantivy's commit payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexInfo {
    /// [`FORMAT_VERSION`] of the program that wrote the index.
    pub format: u32,
    /// [`crate::analysis::fingerprint`] of the analysis the index was built with.
    pub fingerprint: String,
    /// The corpus folder as given at index time.
    pub corpus: String,
    /// The corpus folder's canonical absolute path: an update from another folder is refused
    /// unless it asks to replace the index.
    pub corpus_root: String,
    /// File names of the user dictionaries, as copied into `dicts/` of the index folder.
    pub dicts: Vec<String>,
    /// Generation of the exact index's live map ([`exact::LiveMap`]); 0 for none.
    #[serde(default)]
    pub exact_gen: u64,
}

/// An open index with its resolved fields and recorded info.
pub struct ZhIndex {
    /// The tantivy index.
    pub index: Index,
    /// Its fields.
    pub fields: Fields,
    /// What the last commit recorded.
    pub info: IndexInfo,
    /// The index folder.
    pub dir: PathBuf,
    /// Its copies of the user dictionaries, read when it was opened (a later commit may
    /// replace them).
    pub dicts: Vec<crate::analysis::DictFile>,
}

impl std::fmt::Debug for ZhIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZhIndex")
            .field("dir", &self.dir)
            .field("info", &self.info)
            .finish()
    }
}

/// Whether `dir` holds a tantivy index.
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Paths of the user dictionaries stored in the index folder `dir`.
pub fn stored_dicts(dir: &Path, info: &IndexInfo) -> Vec<PathBuf> {
    info.dicts
        .iter()
        .map(|d| dir.join("dicts").join(d))
        .collect()
}

/// Opens the index in `dir` for searching: checks that it exists, that its format version
/// and analysis fingerprint are this program's, and that its schema has every field.
pub fn open(dir: &Path) -> Result<ZhIndex> {
    if !exists(dir) {
        return Err(Error::NoIndex {
            dir: dir.to_path_buf(),
        });
    }
    let (index, metas) = open_metas(dir)?;
    check_segment_files(dir, &metas)?;
    if metas.payload.is_none() && writer_running(dir) {
        return Err(Error::FirstBuildRunning {
            dir: dir.to_path_buf(),
        });
    }
    let info = parse_info(dir, metas.payload.as_deref())?;
    // A copy gone missing means a commit replaced them since `meta.json` was read: an error
    // `NotFound`, on which a searcher opens again.
    let dicts = crate::analysis::read_dict_files(&stored_dicts(dir, &info))?;
    check_info(dir, &info, &dicts)?;
    let fields = Fields::from_schema(dir, &index.schema())?;
    Ok(ZhIndex {
        index,
        fields,
        info,
        dir: dir.to_path_buf(),
        dicts,
    })
}

/// Checks that every file of the segments `metas` lists is there and ends with a tantivy
/// footer (its length and magic number), reading the last 8 bytes of each. tantivy itself
/// panics on a file shorter than its footer; a truncated or replaced file is an error naming
/// it here instead.
pub fn check_segment_files(dir: &Path, metas: &tantivy::IndexMeta) -> Result<()> {
    use tantivy::index::SegmentComponent as C;
    const FOOTER_MAGIC: u32 = 1337;
    for segment in &metas.segments {
        let mut components = vec![
            C::Postings,
            C::Positions,
            C::FastFields,
            C::FieldNorms,
            C::Terms,
            C::Store,
        ];
        if segment.has_deletes() {
            components.push(C::Delete);
        }
        for component in components {
            let path = dir.join(segment.relative_path(component));
            let bytes = std::fs::File::open(&path).and_then(|mut f| {
                let len = f.metadata()?.len();
                if len < 8 {
                    return Ok(None);
                }
                f.seek(std::io::SeekFrom::End(-8))?;
                let mut tail = [0u8; 8];
                f.read_exact(&mut tail)?;
                Ok(Some((len, tail)))
            });
            let footer = match bytes {
                Ok(Some((len, tail))) => {
                    let footer_len = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
                    let magic = u32::from_le_bytes([tail[4], tail[5], tail[6], tail[7]]);
                    magic == FOOTER_MAGIC && u64::from(footer_len) + 8 <= len
                }
                Ok(None) => false,
                Err(e) => return Err(Error::damaged(&path, e)),
            };
            if !footer {
                return Err(Error::damaged(&path, "truncated or not a tantivy file"));
            }
        }
    }
    Ok(())
}

/// Whether a `zhengce index` holds the writer lock of `dir` (without taking it, or creating
/// the lock file).
fn writer_running(dir: &Path) -> bool {
    let Ok(file) = std::fs::File::open(dir.join("zhengce.lock")) else {
        return false;
    };
    matches!(
        file.try_lock_shared(),
        Err(std::fs::TryLockError::WouldBlock)
    )
}

/// The commit record of the index in `dir`, whatever format and analysis it was built with
/// (what [`open`] then checks).
pub fn stored_info(dir: &Path) -> Result<IndexInfo> {
    let (_, metas) = open_metas(dir)?;
    parse_info(dir, metas.payload.as_deref())
}

/// The tantivy index in `dir` and its last commit's metas.
fn open_metas(dir: &Path) -> Result<(Index, tantivy::IndexMeta)> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::damaged(dir, format_args!("the index cannot be read ({e})"))
    };
    let mmap = MmapDirectory::open(dir).map_err(|e| unreadable(&e))?;
    let index = Index::open(mmap).map_err(|e| unreadable(&e))?;
    let metas = index.load_metas().map_err(|e| unreadable(&e))?;
    Ok((index, metas))
}

/// Reads the commit payload of an index.
pub fn parse_info(dir: &Path, payload: Option<&str>) -> Result<IndexInfo> {
    let payload = payload.ok_or_else(|| {
        Error::damaged(
            dir,
            "the index has no zhengce commit record (an interrupted first build, or not \
             written by zhengce)",
        )
    })?;
    serde_json::from_str(payload)
        .map_err(|e| Error::damaged(dir, format_args!("unreadable commit record ({e})")))
}

/// Checks the format version and the analysis fingerprint against this program's, with the
/// index's copies of the user dictionaries `dicts`.
pub fn check_info(dir: &Path, info: &IndexInfo, dicts: &[crate::analysis::DictFile]) -> Result<()> {
    if info.format != FORMAT_VERSION {
        return Err(Error::FormatVersion {
            dir: dir.to_path_buf(),
            found: info.format,
            expected: FORMAT_VERSION,
        });
    }
    let expected = crate::analysis::fingerprint_of(dicts);
    if expected != info.fingerprint {
        return Err(Error::Fingerprint {
            dir: dir.to_path_buf(),
            found: info.fingerprint.clone(),
            expected,
        });
    }
    Ok(())
}

/// The writer lock of an index folder: held while a `zhengce index` runs. The operating
/// system releases it when the process ends, however it ends, so a killed indexer never
/// leaves a lock that blocks the next run.
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

/// Takes the writer lock of `dir` (created if missing) or fails at once with the pid of the
/// process that holds it.
pub fn lock(dir: &Path) -> Result<WriterLock> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join("zhengce.lock");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = pid.trim();
            let who = if pid.is_empty() {
                "unknown".to_string()
            } else {
                pid.to_string()
            };
            return Err(Error::Locked {
                dir: dir.to_path_buf(),
                pid: who,
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
    }
    let write_pid = |file: &mut File| -> std::io::Result<()> {
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        file.sync_all()
    };
    write_pid(&mut file).map_err(|e| Error::io(&path, e))?;
    Ok(WriterLock { _file: file })
}

/// Total size in bytes of the files in `dir` and its sub-folders.
pub fn disk_size(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if let Ok(m) = e.metadata() {
                if m.is_file() {
                    total += m.len();
                } else if m.is_dir() {
                    total += disk_size(&e.path());
                }
            }
        }
    }
    total
}
