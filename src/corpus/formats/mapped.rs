//! A file's bytes for a reader: read into memory, or, for a large PDF, mapped from the file
//! so that they need not be resident all at once; and a large text's pieces in memory of
//! their own ([`TextPiece`]).
//!
//! A PDF's reader goes through its file twice (loading its objects, then each page's
//! streams); read into memory, the whole file would stay resident while its pages are read.
//! Mapped, the pages of the file this process has touched are dropped from its memory
//! ([`FileBytes::release`]) during loading, after it and every few megabytes read back: the
//! kernel keeps them in its page cache, and one touched again is mapped again from there. A
//! file changed or truncated while it is mapped can make the process read the new bytes or
//! stop (`SIGBUS`), as with any mapped file: only PDFs of [`MAP_BYTES`] and more are mapped,
//! smaller ones and every other format are read as before.

use std::fs::File;
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use memmap2::Mmap;

use super::Format;

/// PDFs of this size (bytes) and more are mapped rather than read.
pub const MAP_BYTES: u64 = 16 << 20;

/// How many bytes are hashed between two releases of a mapped file.
const HASH_CHUNK: usize = 8 << 20;

/// The bytes of one file.
pub struct FileBytes {
    inner: Inner,
}

enum Inner {
    Read(Vec<u8>),
    Mapped(Arc<Mmap>),
}

/// What drops a mapped file's pages from memory ([`FileBytes::releaser`]).
pub type Release = Arc<dyn Fn() + Send + Sync>;

impl FileBytes {
    /// The bytes of the file at `path`, whose name (`rel`) tells its format: mapped for a
    /// PDF of [`MAP_BYTES`] and more, read otherwise.
    pub fn open(path: &Path, rel: &str) -> std::io::Result<FileBytes> {
        let mut file = File::open(path)?;
        let size = file.metadata()?.len();
        if Format::of(rel) == Ok(Format::Pdf) && size >= MAP_BYTES {
            // SAFETY: the map is read-only and private; a file changed while it is read
            // is a documented limitation (module comment), as for every mapped file.
            let map = unsafe { Mmap::map(&file)? };
            return Ok(FileBytes {
                inner: Inner::Mapped(Arc::new(map)),
            });
        }
        let mut bytes = Vec::with_capacity(size as usize);
        std::io::Read::read_to_end(&mut file, &mut bytes)?;
        Ok(FileBytes::from(bytes))
    }

    /// Whether the bytes are mapped from the file.
    pub fn is_mapped(&self) -> bool {
        matches!(self.inner, Inner::Mapped(_))
    }

    /// Drops the pages of a mapped file from this process's memory (nothing for bytes read
    /// into memory). The bytes stay readable: a page touched again is mapped again from the
    /// kernel's page cache.
    pub fn release(&self) {
        if let Inner::Mapped(map) = &self.inner {
            release(map);
        }
    }

    /// [`FileBytes::release`] as a function the reader can keep and call as it goes; `None`
    /// for bytes read into memory.
    pub fn releaser(&self) -> Option<Release> {
        match &self.inner {
            Inner::Read(_) => None,
            Inner::Mapped(map) => {
                let map = Arc::clone(map);
                Some(Arc::new(move || release(&map)))
            }
        }
    }

    /// The bytes' xxh3 hash (the index's content hash), a mapped file released as it is
    /// read.
    pub fn hash(&self) -> u64 {
        match &self.inner {
            Inner::Read(bytes) => xxhash_rust::xxh3::xxh3_64(bytes),
            Inner::Mapped(map) => {
                let mut hasher = xxhash_rust::xxh3::Xxh3::new();
                for chunk in map.chunks(HASH_CHUNK) {
                    hasher.update(chunk);
                    self.release();
                }
                hasher.digest()
            }
        }
    }

    /// The bytes as a vector: those read, or a copy of those mapped.
    pub fn into_vec(self) -> Vec<u8> {
        match self.inner {
            Inner::Read(bytes) => bytes,
            Inner::Mapped(map) => map.to_vec(),
        }
    }
}

/// Drops the pages of `map` from this process's memory (Unix; elsewhere nothing).
fn release(map: &Mmap) {
    // SAFETY: on a read-only file mapping, MADV_DONTNEED only unmaps the pages; reading
    // them again maps the file's (unchanged) bytes again.
    #[cfg(unix)]
    let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
    #[cfg(not(unix))]
    let _ = map;
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> FileBytes {
        FileBytes {
            inner: Inner::Read(bytes),
        }
    }
}

impl Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.inner {
            Inner::Read(bytes) => bytes,
            Inner::Mapped(map) => map,
        }
    }
}

/// A piece of a large text, in memory mapped for it alone, or a string.
///
/// The process keeps freed memory for reuse (`cli::memory`), but a large PDF's text (110 MB
/// for a 200 MB file) is freed while the parsed paragraphs, allocated meanwhile, are still
/// alive: the holes it leaves are not reused by the index writer's large buffers that come
/// next, and would stay resident. Mapped pieces go back to the system when dropped.
#[derive(Debug)]
pub enum TextPiece {
    /// Its own anonymous mapping, with the text's length.
    Mapped(memmap2::MmapMut, usize),
    /// A string (a small text, or when no mapping could be made).
    Owned(String),
}

impl TextPiece {
    /// A copy of `text` in its own mapping (a string if no mapping can be made).
    pub fn mapped(text: &str) -> TextPiece {
        match memmap2::MmapMut::map_anon(text.len().max(1)) {
            Ok(mut map) => {
                map[..text.len()].copy_from_slice(text.as_bytes());
                TextPiece::Mapped(map, text.len())
            }
            Err(_) => TextPiece::Owned(text.to_string()),
        }
    }
}

impl AsRef<str> for TextPiece {
    fn as_ref(&self) -> &str {
        match self {
            // SAFETY: the bytes were copied from a `&str` and the map is not written since.
            TextPiece::Mapped(map, len) => unsafe { std::str::from_utf8_unchecked(&map[..*len]) },
            TextPiece::Owned(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_pdfs_are_mapped_and_hash_as_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.pdf");
        let bytes: Vec<u8> = (0..MAP_BYTES as usize + 5)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&big, &bytes).unwrap();
        let mapped = FileBytes::open(&big, "big.pdf").unwrap();
        assert!(mapped.is_mapped());
        assert_eq!(mapped.hash(), xxhash_rust::xxh3::xxh3_64(&bytes));
        // Released pages read back the same bytes.
        mapped.release();
        assert!(*mapped == *bytes);
        (mapped.releaser().unwrap())();
        assert!(*mapped == *bytes);
        // The same size under another format, and a small PDF, are read.
        let text = dir.path().join("big.txt");
        std::fs::write(&text, &bytes).unwrap();
        assert!(!FileBytes::open(&text, "big.txt").unwrap().is_mapped());
        let small = dir.path().join("small.pdf");
        std::fs::write(&small, b"%PDF-1.4").unwrap();
        let small = FileBytes::open(&small, "small.pdf").unwrap();
        assert!(!small.is_mapped() && small.releaser().is_none());
        assert_eq!(small.into_vec(), b"%PDF-1.4");
    }

    #[test]
    fn text_pieces_read_as_written() {
        let piece = TextPiece::mapped("第一条 本规定。\n");
        assert!(matches!(piece, TextPiece::Mapped(..)));
        assert_eq!(piece.as_ref(), "第一条 本规定。\n");
        assert_eq!(TextPiece::mapped("").as_ref(), "");
    }
}
