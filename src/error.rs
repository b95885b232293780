//! The library's error type: one variant per kind of failure, each naming its subject (a
//! file, a folder, a query position) and carrying the advice for it in its one `Display`.
//! The binary adds context with `anyhow`.

use std::path::PathBuf;

/// What to do about an index this program cannot use as it is.
const REINDEX: &str = "re-index with `zhengce index --full`";

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O error on a named file or folder. The message says it all, so the operating
    /// system's error is not also a source (which `{:#}` would print a second time).
    #[error("{path}: {error}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// A file whose bytes are not text in any encoding we read, or that cannot be read in
    /// its format (a damaged DOCX, a PDF without text, a Word 97-2003 file). The path is
    /// the caller's to show: the reason does not repeat it.
    #[error("{reason}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// Why it was refused (binary, undecodable bytes, ...).
        reason: String,
    },
    /// A malformed query; `position` is a 0-based character offset into the query.
    #[error("query error at character {position}: {message}")]
    Query {
        /// 0-based character offset of the problem in the query text.
        position: usize,
        /// What is wrong there.
        message: String,
    },
    /// A malformed user dictionary or variants file line.
    #[error("{path}: line {line}: {message}")]
    BadLine {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The folder holds no index.
    #[error("{}: no index here; build one with `zhengce index CORPUS --index {}`", dir.display(), dir.display())]
    NoIndex {
        /// The index folder.
        dir: PathBuf,
    },
    /// Another `zhengce index` holds the writer lock.
    #[error("index {} is locked by another zhengce index (pid {pid})", dir.display())]
    Locked {
        /// The index folder.
        dir: PathBuf,
        /// The holder's process id, as it wrote it (`unknown` when it wrote none).
        pid: String,
    },
    /// The first build of the index has not committed yet.
    #[error("{}: the first build of this index is still running; search it once it has finished", dir.display())]
    FirstBuildRunning {
        /// The index folder.
        dir: PathBuf,
    },
    /// The index kept being replaced by commits while it was opened.
    #[error("{}: the index kept changing while it was opened; try again", dir.display())]
    Changing {
        /// The index folder.
        dir: PathBuf,
    },
    /// An index written by a program with another on-disk format.
    #[error("{}: index format {found} but this zhengce writes format {expected}: {REINDEX}", dir.display())]
    FormatVersion {
        /// The index folder.
        dir: PathBuf,
        /// The format the index has.
        found: u32,
        /// The format this program writes.
        expected: u32,
    },
    /// An index built with other analysis tables or user dictionaries.
    #[error("{}: the index was built with other analysis tables, or its copies of the user dictionaries (dicts/) were changed (fingerprint {found}, this program and those copies give {expected}): {REINDEX}", dir.display())]
    Fingerprint {
        /// The index folder.
        dir: PathBuf,
        /// The fingerprint the index records.
        found: String,
        /// The fingerprint this program gives.
        expected: String,
    },
    /// A damaged index file (or the index as a whole, when `path` is its folder).
    #[error("{}: {what}: the index is damaged or from another program; {REINDEX}", path.display())]
    Damaged {
        /// The file or folder.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
    /// An update this index cannot take; `--full` rebuilds it.
    #[error("{}: cannot update this index ({why}); rebuild it with `zhengce index --full`", dir.display())]
    CannotUpdate {
        /// The index folder.
        dir: PathBuf,
        /// Why.
        why: String,
    },
    /// Indexing another folder into an index would replace its documents.
    #[error("{}: this index was built from {built_from}, not from {given}; indexing another folder into it would replace its documents: give --full to replace them, or another --index", dir.display())]
    OtherCorpus {
        /// The index folder.
        dir: PathBuf,
        /// The folder the index was built from.
        built_from: String,
        /// The folder given now.
        given: String,
    },
    /// A corpus folder without a file to read, over an index that holds documents (a typo,
    /// an unmounted disk).
    #[error("{}: no files to read found, and the index {} holds {documents} documents; to empty it on purpose, rebuild it with `zhengce index --full`", corpus.display(), dir.display())]
    EmptyCorpus {
        /// The corpus folder.
        corpus: PathBuf,
        /// The index folder.
        dir: PathBuf,
        /// Documents the index holds.
        documents: usize,
    },
    /// A path given as a folder that is not one.
    #[error("{}: not a folder (give the corpus folder to index)", path.display())]
    NotAFolder {
        /// The path.
        path: PathBuf,
    },
    /// An error from tantivy (its message follows in the error chain).
    #[error("the index could not be read or written")]
    Tantivy(#[from] tantivy::TantivyError),
    /// Anything else, described.
    #[error("{0}")]
    Other(String),
}

/// The library's result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error: source,
        }
    }

    /// A damaged index file or folder.
    pub fn damaged(path: impl Into<PathBuf>, what: impl std::fmt::Display) -> Self {
        Error::Damaged {
            path: path.into(),
            what: what.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_is_given_once_and_subjects_are_named() {
        let e = Error::damaged("idx/exact/00000001.zbg", "truncated");
        let s = e.to_string();
        assert_eq!(s.matches("zhengce index --full").count(), 1, "{s}");
        assert!(s.starts_with("idx/exact/00000001.zbg: truncated"), "{s}");
        let e = Error::FormatVersion {
            dir: "idx".into(),
            found: 3,
            expected: 13,
        };
        assert!(e
            .to_string()
            .contains("index format 3 but this zhengce writes format 13"));
        let e = Error::Locked {
            dir: "idx".into(),
            pid: "42".into(),
        };
        assert_eq!(
            e.to_string(),
            "index idx is locked by another zhengce index (pid 42)"
        );
    }
}
