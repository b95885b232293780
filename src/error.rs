//! The library's error type. The binary adds context with `anyhow`; the library says what
//! failed and on which subject (file path, query position) in the message itself.

use std::path::PathBuf;

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
    /// A file whose bytes are not text in any encoding we read.
    #[error("{path}: {reason}")]
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
    /// The index folder is missing, from another version, built with other analysis tables,
    /// locked, or damaged.
    #[error("{0}")]
    Index(String),
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
}
