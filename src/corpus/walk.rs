//! Walking a corpus folder: every file below it whose extension names a format zhengce reads
//! ([`super::Format::of`]: text, web pages, DOCX, PDF, OFD, and the Word 97-2003 and WPS
//! files it reports; compared without regard to case), in a stable sorted order, with every
//! other file reported as skipped.
//!
//! Hidden entries (names starting with `.`) are left out silently. Symbolic links to folders
//! are followed, but a folder already walked (same device and inode) is never entered again,
//! so link loops end; nor is a folder excluded by the caller (the index folder, when it lies
//! inside the corpus). A file is one document however many names it has: of the names that
//! reach one file (symbolic or hard links, same device and inode), the first in walk order
//! that is not itself a symbolic link is read, the others are skipped as
//! [`LINK_SKIPPED`]. Problems below the root (an unreadable folder, a name that is not
//! UTF-8, a broken link) become [`WalkEvent::Unreadable`] and the walk goes on; only a root
//! that cannot be read at all is an error.
//!
//! This module does not decode or parse: [`read_document`] hands the bytes to
//! [`super::document_from_bytes`].

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs::{self, Metadata};
use std::path::{Path, PathBuf};

use super::Document;
use crate::{Error, Result};

/// A file found in the corpus, in a format zhengce reads (or reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path relative to the corpus root, `/`-separated (the file name when the root is
    /// itself a file).
    pub rel: String,
    /// Size in bytes when found.
    pub size: u64,
    /// Modification time when found, in nanoseconds since the Unix epoch (0 if unknown).
    pub mtime_ns: i64,
}

/// What the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkEvent {
    /// A file to read (text, web page, DOCX, PDF, OFD, or a Word 97-2003 file to report).
    File(CorpusFile),
    /// An entry that is not read by design; `reason` says why: for files of other types
    /// `extension .xyz` (lowercased) or `no extension`, so callers can count skips by
    /// extension; else `not a regular file`, `folder already walked (…)` or `the index
    /// folder`.
    Skipped {
        /// The entry (shown with [`Path::display`], which is lossy for non-UTF-8 names).
        path: PathBuf,
        /// Why it was skipped.
        reason: String,
    },
    /// An entry that should have been read but could not be: a folder that cannot be listed,
    /// a name that is not UTF-8, a broken link, metadata that cannot be read.
    Unreadable {
        /// The entry.
        path: PathBuf,
        /// Its path relative to the root, `/`-separated (lossy for a name that is not UTF-8).
        rel: String,
        /// Whether it is a folder: the files indexed below it could not be checked.
        folder: bool,
        /// What went wrong.
        reason: String,
    },
}

/// The skip reason of a name that reaches a file already found under another name.
pub const LINK_SKIPPED: &str = "another name of a file already indexed (link)";

/// Walks `root` recursively and returns what it found, files in sorted path order (names
/// compared byte-wise within each folder). A `root` that is a file yields that one file.
///
/// Errors only when `root` itself cannot be read.
pub fn walk(root: &Path) -> Result<Vec<WalkEvent>> {
    walk_excluding(root, None)
}

/// [`walk`], leaving out the folder `exclude` (if it exists) wherever it is met: an index
/// folder inside the corpus must not index itself.
pub fn walk_excluding(root: &Path, exclude: Option<&Path>) -> Result<Vec<WalkEvent>> {
    let meta = fs::metadata(root).map_err(|e| Error::io(root, e))?;
    let mut walker = Walker {
        out: Vec::new(),
        visited: HashSet::new(),
        exclude: exclude.and_then(|p| {
            let meta = fs::metadata(p).ok().filter(Metadata::is_dir)?;
            Some(DirId::of(p, &meta))
        }),
        files: HashMap::new(),
    };
    if meta.is_dir() {
        walker.visited.insert(DirId::of(root, &meta));
        let entries = read_sorted(root).map_err(|e| Error::io(root, e))?;
        walker.walk_entries(root, "", entries);
    } else {
        let name = root.file_name().unwrap_or(root.as_os_str());
        walker.visit_file(root.to_path_buf(), name, "", &meta, false);
    }
    Ok(walker.out)
}

/// Reads, decodes and parses one corpus file.
pub fn read_document(file: &CorpusFile) -> Result<Document> {
    let bytes = fs::read(&file.path).map_err(|e| Error::io(&file.path, e))?;
    super::document_from_bytes(&file.rel, &bytes).map_err(|e| Error::Decode {
        path: file.path.clone(),
        reason: e.to_string(),
    })
}

/// Identity of a folder, to enter each one once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum DirId {
    #[cfg(unix)]
    DevIno(u64, u64),
    #[allow(dead_code)]
    Path(PathBuf),
}

impl DirId {
    #[cfg(unix)]
    fn of(_path: &Path, meta: &Metadata) -> DirId {
        use std::os::unix::fs::MetadataExt;
        DirId::DevIno(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _meta: &Metadata) -> DirId {
        DirId::Path(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

struct Walker {
    out: Vec<WalkEvent>,
    visited: HashSet<DirId>,
    exclude: Option<DirId>,
    /// Each file found so far, by identity: its place in `out` and whether that name is a
    /// symbolic link.
    files: HashMap<DirId, (usize, bool)>,
}

impl Walker {
    fn skip(&mut self, path: PathBuf, reason: impl Into<String>) {
        self.out.push(WalkEvent::Skipped {
            path,
            reason: reason.into(),
        });
    }

    fn unreadable(&mut self, path: PathBuf, rel: String, folder: bool, reason: impl Into<String>) {
        self.out.push(WalkEvent::Unreadable {
            path,
            rel,
            folder,
            reason: reason.into(),
        });
    }

    /// Walks the sorted `entries` of the folder `dir`, whose relative path is `rel_dir`
    /// (empty for the root, else ending in `/`).
    fn walk_entries(&mut self, dir: &Path, rel_dir: &str, entries: Vec<fs::DirEntry>) {
        for entry in entries {
            let name = entry.file_name();
            if name.as_encoded_bytes().first() == Some(&b'.') {
                continue;
            }
            let path = dir.join(&name);
            // `fs::metadata` follows symbolic links; fall back to the link itself to say why.
            let meta = match fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    let is_link = fs::symlink_metadata(&path)
                        .map(|m| m.file_type().is_symlink())
                        .unwrap_or(false);
                    let reason = if is_link {
                        format!("broken symbolic link: {e}")
                    } else {
                        format!("cannot read metadata: {e}")
                    };
                    let rel = format!("{rel_dir}{}", name.to_string_lossy());
                    self.unreadable(path, rel, false, reason);
                    continue;
                }
            };
            if meta.is_dir() {
                self.visit_dir(path, &name, rel_dir, &meta);
            } else {
                let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
                self.visit_file(path, &name, rel_dir, &meta, is_link);
            }
        }
    }

    fn visit_dir(&mut self, path: PathBuf, name: &OsStr, rel_dir: &str, meta: &Metadata) {
        let Some(name) = name.to_str() else {
            let rel = format!("{rel_dir}{}/", name.to_string_lossy());
            self.unreadable(path, rel, false, "folder name is not valid UTF-8");
            return;
        };
        let id = DirId::of(&path, meta);
        if self.exclude.as_ref() == Some(&id) {
            self.skip(path, "the index folder");
            return;
        }
        if !self.visited.insert(id) {
            self.skip(
                path,
                "folder already walked (symbolic link loop or duplicate)",
            );
            return;
        }
        match read_sorted(&path) {
            Ok(entries) => {
                let rel = format!("{rel_dir}{name}/");
                self.walk_entries(&path, &rel, entries);
            }
            Err(e) => {
                let rel = format!("{rel_dir}{name}/");
                self.unreadable(path, rel, true, format!("cannot read folder: {e}"));
            }
        }
    }

    fn visit_file(
        &mut self,
        path: PathBuf,
        name: &OsStr,
        rel_dir: &str,
        meta: &Metadata,
        is_link: bool,
    ) {
        let Some(name) = name.to_str() else {
            let rel = format!("{rel_dir}{}", name.to_string_lossy());
            self.unreadable(path, rel, false, "file name is not valid UTF-8");
            return;
        };
        if !meta.is_file() {
            self.skip(path, "not a regular file");
            return;
        }
        if let Err(reason) = super::Format::of(name) {
            self.skip(path, reason);
            return;
        }
        let file = WalkEvent::File(CorpusFile {
            rel: format!("{rel_dir}{name}"),
            size: meta.len(),
            mtime_ns: mtime_ns(meta),
            path: path.clone(),
        });
        let id = DirId::of(&path, meta);
        match self.files.get(&id).copied() {
            None => {
                self.files.insert(id, (self.out.len(), is_link));
                self.out.push(file);
            }
            // The name found first was a link, this one is not: this one is read instead.
            Some((at, true)) if !is_link => {
                if let WalkEvent::File(first) = &self.out[at] {
                    self.out[at] = WalkEvent::Skipped {
                        path: first.path.clone(),
                        reason: LINK_SKIPPED.to_string(),
                    };
                }
                self.files.insert(id, (self.out.len(), false));
                self.out.push(file);
            }
            Some(_) => self.skip(path, LINK_SKIPPED),
        }
    }
}

fn read_sorted(dir: &Path) -> std::io::Result<Vec<fs::DirEntry>> {
    let mut entries = fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

fn mtime_ns(meta: &Metadata) -> i64 {
    let Ok(modified) = meta.modified() else {
        return 0;
    };
    match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos())
            .map(|n| -n)
            .unwrap_or(i64::MIN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(events: &[WalkEvent]) -> Vec<&str> {
        events
            .iter()
            .filter_map(|e| match e {
                WalkEvent::File(f) => Some(f.rel.as_str()),
                _ => None,
            })
            .collect()
    }

    fn skips(events: &[WalkEvent]) -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                WalkEvent::Skipped { path, reason }
                | WalkEvent::Unreadable { path, reason, .. } => Some(format!(
                    "{}: {reason}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                )),
                WalkEvent::File(_) => None,
            })
            .collect()
    }

    #[test]
    fn sorted_recursive_with_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/inner")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("b/inner/z.TXT"), "z").unwrap();
        fs::write(root.join("b/a.md"), "# a").unwrap();
        fs::write(root.join("a.txt"), "a").unwrap();
        fs::write(root.join("report.PNG"), "x").unwrap();
        fs::write(root.join("README"), "x").unwrap();
        fs::write(root.join(".hidden.txt"), "x").unwrap();
        fs::write(root.join(".git/config.txt"), "x").unwrap();
        let events = walk(root).unwrap();
        assert_eq!(files(&events), ["a.txt", "b/a.md", "b/inner/z.TXT"]);
        assert_eq!(
            skips(&events),
            ["README: no extension", "report.PNG: extension .png"]
        );
        let WalkEvent::File(f) = &events[1] else {
            panic!("expected a file")
        };
        assert_eq!(f.size, 1);
        assert!(f.mtime_ns > 0);
    }

    #[test]
    fn a_single_file_root() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.txt");
        fs::write(&path, "abc").unwrap();
        assert_eq!(files(&walk(&path).unwrap()), ["x.txt"]);
    }

    #[test]
    fn missing_root_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(walk(&dir.path().join("nope")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_end_and_links_are_followed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        fs::create_dir_all(root.join("d")).unwrap();
        fs::write(root.join("d/f.txt"), "f").unwrap();
        symlink(&root, root.join("d/loop")).unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("o.md"), "o").unwrap();
        symlink(&outside, root.join("link")).unwrap();
        symlink(root.join("missing"), root.join("broken.txt")).unwrap();
        let events = walk(&root).unwrap();
        assert_eq!(files(&events), ["d/f.txt", "link/o.md"]);
        let s = skips(&events);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(
            s[0].starts_with("broken.txt: broken symbolic link"),
            "{s:?}"
        );
        assert!(s[1].starts_with("loop: folder already walked"), "{s:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_with_several_names_is_read_once_by_its_real_name() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("z")).unwrap();
        fs::write(root.join("z/real.txt"), "正文").unwrap();
        // A symbolic link that sorts before the file, one after it, and a hard link.
        symlink(root.join("z/real.txt"), root.join("a-link.txt")).unwrap();
        symlink(root.join("z/real.txt"), root.join("z/zz-link.txt")).unwrap();
        fs::hard_link(root.join("z/real.txt"), root.join("z/b-hard.txt")).unwrap();
        let events = walk(root).unwrap();
        // The hard link is a real name too and comes first in walk order; the symbolic
        // links are skipped, the one met before any real name included.
        assert_eq!(files(&events), ["z/b-hard.txt"]);
        let s = skips(&events);
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s.iter().all(|s| s.ends_with(LINK_SKIPPED)), "{s:?}");
        // Without the hard link, the file's own name is read, not the link's before it.
        fs::remove_file(root.join("z/b-hard.txt")).unwrap();
        let events = walk(root).unwrap();
        assert_eq!(files(&events), ["z/real.txt"]);
        // A link to a file outside the corpus is that file's only name here: it is read.
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("o.txt"), "外").unwrap();
        symlink(outside.path().join("o.txt"), root.join("o-link.txt")).unwrap();
        let events = walk(root).unwrap();
        assert_eq!(files(&events), ["o-link.txt", "z/real.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_are_skipped_with_a_reason() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = OsStr::from_bytes(b"bad\xFF.txt");
        if fs::write(dir.path().join(name), "x").is_err() {
            return; // the file system refuses such names: nothing to test
        }
        let events = walk(dir.path()).unwrap();
        assert_eq!(
            skips(&events),
            ["bad\u{FFFD}.txt: file name is not valid UTF-8"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_folder_is_skipped_and_the_walk_goes_on() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let locked = dir.path().join("locked");
        fs::create_dir(&locked).unwrap();
        fs::write(dir.path().join("z.txt"), "z").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let readable = fs::read_dir(&locked).is_ok(); // true when running as root
        let events = walk(dir.path()).unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(files(&events), ["z.txt"]);
        if !readable {
            assert!(skips(&events)[0].starts_with("locked: cannot read folder"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_broken_link_is_unreadable_with_its_relative_path() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("d")).unwrap();
        symlink(dir.path().join("missing"), dir.path().join("d/gone.txt")).unwrap();
        let events = walk(dir.path()).unwrap();
        let [WalkEvent::Unreadable {
            rel,
            folder: false,
            reason,
            ..
        }] = events.as_slice()
        else {
            panic!("{events:?}");
        };
        assert_eq!(rel, "d/gone.txt");
        assert!(reason.starts_with("broken symbolic link"), "{reason}");
    }

    #[test]
    fn the_excluded_folder_is_skipped_wherever_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("idx/dicts")).unwrap();
        fs::write(root.join("idx/dicts/0.dict.txt"), "词").unwrap();
        fs::write(root.join("a.txt"), "a").unwrap();
        let events = walk_excluding(root, Some(&root.join("idx"))).unwrap();
        assert_eq!(files(&events), ["a.txt"]);
        assert_eq!(skips(&events), ["idx: the index folder"]);
        // Without the exclusion the folder is walked; a missing one excludes nothing.
        assert_eq!(
            files(&walk(root).unwrap()),
            ["a.txt", "idx/dicts/0.dict.txt"]
        );
        let events = walk_excluding(root, Some(&root.join("nothing"))).unwrap();
        assert_eq!(files(&events), ["a.txt", "idx/dicts/0.dict.txt"]);
    }

    #[test]
    fn extensions() {
        use crate::corpus::Format;
        assert_eq!(Format::of("a.Md"), Ok(Format::Text));
        assert_eq!(Format::of(".txt"), Err("no extension".into()));
        assert_eq!(Format::of("a."), Err("no extension".into()));
        assert_eq!(Format::of("a.tar.GZ"), Err("extension .gz".into()));
    }
}
