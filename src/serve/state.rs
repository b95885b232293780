//! The index the server answers from: one [`Searcher`] shared by every request, replaced
//! when `zhengce index` commits a new generation.
//!
//! A commit replaces the index folder's `meta.json` (tantivy writes a new file and renames it
//! over the old one), so every request compares that file's identity (device, inode, size,
//! modification time: one `stat`) with the one the current searcher was opened at. When it
//! differs, one request opens a new searcher while the others go on with the old one; the old
//! one is dropped when its last request ends. An index that cannot be opened (missing,
//! damaged, built by another version) is an error the pages show; while a commit is being
//! written the old searcher keeps answering.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::search::Searcher;
use crate::Error;

/// The identity of `meta.json` at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime_ns: i128,
}

impl Stamp {
    fn of(dir: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(dir.join("meta.json")).ok()?;
        Some(Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
        })
    }
}

/// What is open now: the searcher (or why there is none) and the stamp it was opened at.
struct Loaded {
    stamp: Option<Stamp>,
    searcher: Result<Arc<Searcher>, Arc<Error>>,
}

/// The index folder and the searcher open on its last commit.
pub struct IndexState {
    dir: PathBuf,
    loaded: RwLock<Loaded>,
    /// Held by the one request that opens a new commit.
    opening: Mutex<()>,
}

/// The server's searcher of the index in `dir`: each answer on one thread. A large look-up
/// split over two threads helps one user on an idle machine, but under load the other core
/// is answering someone else, and the helper thread would go on with a long answer's half at
/// the normal priority after the answer gave way to shorter ones ([`super::answerers`]).
fn open_searcher(dir: &Path) -> Result<Arc<Searcher>, Arc<Error>> {
    let mut s = Searcher::open(dir).map_err(Arc::new)?;
    s.set_parallel_from(u64::MAX);
    Ok(Arc::new(s))
}

impl IndexState {
    /// The index in `dir`, opened now (an error is kept and shown until a commit fixes it).
    pub fn open(dir: &Path) -> IndexState {
        let stamp = Stamp::of(dir);
        let searcher = open_searcher(dir);
        IndexState {
            dir: dir.to_path_buf(),
            loaded: RwLock::new(Loaded { stamp, searcher }),
            opening: Mutex::new(()),
        }
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The searcher of the index's last commit, opening it first when a commit happened since
    /// the current one was opened; the error when the index cannot be opened.
    pub fn searcher(&self) -> Result<Arc<Searcher>, Arc<Error>> {
        let now = Stamp::of(&self.dir);
        if let Some(s) = self.current_if(now) {
            return s;
        }
        let _opening = self.opening.lock().unwrap_or_else(|e| e.into_inner());
        // Another request may have opened it while this one waited.
        let now = Stamp::of(&self.dir);
        if let Some(s) = self.current_if(now) {
            return s;
        }
        let opened = open_searcher(&self.dir);
        let mut loaded = self.loaded.write().unwrap_or_else(|e| e.into_inner());
        match (&opened, &loaded.searcher, now) {
            // A commit half written (or a first build under way) while a searcher works: keep
            // answering from it, and try again on the next request.
            (Err(e), Ok(old), Some(_)) if is_transient(e) => return Ok(Arc::clone(old)),
            _ => {}
        }
        loaded.stamp = now;
        loaded.searcher = opened.clone();
        opened
    }

    /// The loaded searcher, when it was opened at `now`.
    fn current_if(&self, now: Option<Stamp>) -> Option<Result<Arc<Searcher>, Arc<Error>>> {
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        (loaded.stamp == now && now.is_some() || loaded.stamp.is_none() && now.is_none())
            .then(|| loaded.searcher.clone())
    }
}

/// Whether opening failed because a commit is being written (it succeeds once it is done).
fn is_transient(e: &Error) -> bool {
    match e {
        Error::Changing { .. } | Error::FirstBuildRunning { .. } => true,
        Error::Io { error, .. } => error.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SearchOptions;

    fn index(corpus: &Path, index: &Path) {
        crate::index::index_corpus(&crate::index::IndexOptions::new(corpus, index), &()).unwrap();
    }

    #[test]
    fn a_new_commit_is_answered_from_and_a_missing_index_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (corpus, dir_i) = (dir.path().join("c"), dir.path().join("i"));
        let state = IndexState::open(&dir_i);
        assert!(matches!(
            state.searcher().err().as_deref(),
            Some(Error::NoIndex { .. })
        ));
        std::fs::create_dir(&corpus).unwrap();
        std::fs::write(corpus.join("a.txt"), "题\n第一段甲乙。\n").unwrap();
        index(&corpus, &dir_i);
        let total = |q: &str| {
            let s = state.searcher().expect("the index opens");
            s.search(q, &SearchOptions::default()).unwrap().total
        };
        assert_eq!(total("\"甲乙\""), 1);
        let first = state.searcher().unwrap();
        assert!(
            Arc::ptr_eq(&first, &state.searcher().unwrap()),
            "no commit: same searcher"
        );
        std::fs::write(corpus.join("b.txt"), "题二\n丙丁甲乙。\n").unwrap();
        index(&corpus, &dir_i);
        assert_eq!(total("\"甲乙\""), 2, "the new commit is answered from");
        assert_eq!(total("\"丙丁\""), 1);
        std::fs::remove_dir_all(&dir_i).unwrap();
        assert!(state.searcher().is_err());
    }
}
