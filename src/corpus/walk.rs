//! Walking a corpus folder: every `.txt` and `.md` file below it, in a stable order, with
//! other files reported as skipped. (Skeleton: to be completed by the documents issue.)

use std::path::{Path, PathBuf};

use super::Document;
use crate::{Error, Result};

/// A text file found in the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path relative to the corpus root, `/`-separated.
    pub rel: String,
    /// Size in bytes when found.
    pub size: u64,
    /// Modification time when found, in nanoseconds since the Unix epoch (0 if unknown).
    pub mtime_ns: i64,
}

/// What the walk found.
#[derive(Debug)]
pub enum WalkEvent {
    /// A `.txt` or `.md` file to read.
    File(CorpusFile),
    /// A file that is not read; `reason` says why (e.g. `extension .pdf`).
    Skipped {
        /// The file.
        path: PathBuf,
        /// Why (the extension for other files, or a problem such as a symlink loop).
        reason: String,
    },
}

/// Walks `root` recursively (hidden entries skipped, symlink loops not followed), yielding
/// files in sorted path order.
pub fn walk(root: &Path) -> Result<Vec<WalkEvent>> {
    let mut out = Vec::new();
    walk_into(root, root, &mut out)?;
    Ok(out)
}

fn walk_into(root: &Path, dir: &Path, out: &mut Vec<WalkEvent>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            walk_into(root, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
            out.push(WalkEvent::File(CorpusFile {
                path,
                rel,
                size: meta.len(),
                mtime_ns: 0,
            }));
        }
    }
    Ok(())
}

/// Reads, decodes and parses one corpus file.
pub fn read_document(file: &CorpusFile) -> Result<Document> {
    let bytes = std::fs::read(&file.path).map_err(|e| Error::io(&file.path, e))?;
    super::document_from_bytes(&file.rel, &bytes).map_err(|e| Error::Decode {
        path: file.path.clone(),
        reason: e.to_string(),
    })
}
