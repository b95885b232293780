//! Loading a PDF without keeping its streams: `lopdf` parses every object of a file, and a
//! stream's content (page descriptions, images, embedded fonts) is most of a file's bytes.
//! Streams larger than [`LAZY_STREAM_BYTES`] are dropped as they are parsed and read again
//! from the file's bytes for the page that needs them, so what the loaded document holds
//! does not grow with the size of its pages.
//!
//! - A dropped stream is found again through the cross-reference table: its object's offset,
//!   the `stream` keyword after it, and its length, checked against the `endstream` that
//!   must follow. A file where one cannot be found is loaded again whole (the slow, sure way).
//! - Before a page is read, the streams it uses are put back: its contents and every stream
//!   its resources (its own and those it inherits) reach, images aside (the text extractor
//!   does not need their pixels). After the page, its contents are dropped again; what the
//!   resources reach (fonts, their maps, forms) stays, as pages share it.
//! - Object streams, cross-reference streams and the streams of an encrypted file are kept
//!   as they are.
//! - A mapped file ([`super::FileBytes`]) is released every [`RELEASE_BYTES`] of streams
//!   parsed while loading, once after, and every [`RELEASE_BYTES`] put back while the pages
//!   are read (by the caller, [`LazyDocument::read_back`]): what of the file is resident at
//!   once is about that much, whatever its size.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use pdf_extract::xref::XrefEntry;
use pdf_extract::{Document, LoadOptions, Object, ObjectId};

use super::mapped::Release;

/// Streams longer than this (bytes, as stored) are not kept in memory.
pub const LAZY_STREAM_BYTES: usize = 1024;

/// Bytes of a mapped file read (streams parsed or put back) after which it is released.
pub const RELEASE_BYTES: usize = 4 << 20;

thread_local! {
    /// The release of the file being loaded on this thread, and the stream bytes parsed
    /// since it was last called: the load filter, a plain function, calls it.
    static LOADING: RefCell<Option<Release>> = const { RefCell::new(None) };
    static PARSED: Cell<usize> = const { Cell::new(0) };
}

/// Sets this thread's [`LOADING`] release for as long as it lives.
struct Loading;

impl Loading {
    fn new(release: Option<&Release>) -> Loading {
        LOADING.with(|l| *l.borrow_mut() = release.cloned());
        PARSED.with(|p| p.set(0));
        Loading
    }
}

impl Drop for Loading {
    fn drop(&mut self) {
        LOADING.with(|l| *l.borrow_mut() = None);
    }
}

/// Counts `len` stream bytes parsed, releasing the file every [`RELEASE_BYTES`].
fn parsed(len: usize) {
    let total = PARSED.with(|p| p.get()) + len;
    if total < RELEASE_BYTES {
        PARSED.with(|p| p.set(total));
        return;
    }
    PARSED.with(|p| p.set(0));
    LOADING.with(|l| {
        if let Some(release) = l.borrow().as_ref() {
            release();
        }
    });
}

/// The dictionary key that marks a dropped stream, with its stored length.
const MARK: &[u8] = b"ZhengceDroppedLength";

/// A loaded document whose large streams are read from `bytes` when needed.
pub struct LazyDocument<'a> {
    pub doc: Document,
    /// The file from its `%PDF-` header on (offsets count from there).
    bytes: &'a [u8],
    /// Dropped streams: where their content is in `bytes`.
    spans: HashMap<ObjectId, (usize, usize)>,
    /// The page contents put back for the current page.
    current: Vec<ObjectId>,
    /// Bytes put back since [`LazyDocument::reset_read_back`].
    read_back: usize,
}

impl<'a> LazyDocument<'a> {
    /// Loads `bytes`, dropping large streams when the file allows it; `release` (a mapped
    /// file's) is called every [`RELEASE_BYTES`] of streams parsed and once after.
    pub fn load(
        bytes: &'a [u8],
        release: Option<&Release>,
    ) -> Result<LazyDocument<'a>, pdf_extract::Error> {
        let loaded = {
            let _loading = Loading::new(release);
            Self::load_lazily(bytes)
        };
        if let Some(release) = release {
            release();
        }
        loaded
    }

    fn load_lazily(bytes: &'a [u8]) -> Result<LazyDocument<'a>, pdf_extract::Error> {
        let from = memchr::memmem::find(bytes, b"%PDF-").unwrap_or(0);
        let pdf = &bytes[from..];
        let doc = Document::load_mem_with_options(bytes, LoadOptions::with_filter(drop_large))?;
        if doc.trailer.get(b"Encrypt").is_ok() {
            // Decrypting needs every stream's bytes as loaded.
            return Self::whole(bytes, pdf);
        }
        let mut spans = HashMap::new();
        for (id, object) in &doc.objects {
            let Object::Stream(s) = object else { continue };
            let Ok(len) = s.dict.get(MARK).and_then(Object::as_i64) else {
                continue;
            };
            // Finding it touches the file around it again.
            parsed(len as usize);
            match locate(pdf, &doc, *id, len as usize) {
                Some(span) => spans.insert(*id, span),
                None => return Self::whole(bytes, pdf),
            };
        }
        Ok(LazyDocument {
            doc,
            bytes: pdf,
            spans,
            current: Vec::new(),
            read_back: 0,
        })
    }

    fn whole(bytes: &'a [u8], pdf: &'a [u8]) -> Result<LazyDocument<'a>, pdf_extract::Error> {
        Ok(LazyDocument {
            doc: Document::load_mem(bytes)?,
            bytes: pdf,
            spans: HashMap::new(),
            current: Vec::new(),
            read_back: 0,
        })
    }

    /// Puts back the streams page `page` uses (and drops those of the page before).
    pub fn prepare(&mut self, page: ObjectId) {
        for id in std::mem::take(&mut self.current) {
            if let Ok(Object::Stream(s)) = self.doc.get_object_mut(id) {
                s.content = Vec::new();
            }
        }
        if self.spans.is_empty() {
            return;
        }
        let contents = self.doc.get_page_contents(page);
        let mut roots: Vec<ObjectId> = contents.clone();
        let mut seen = HashSet::new();
        let mut stack: Vec<&Object> = Vec::new();
        // The page's resources and those it inherits.
        let mut node = self.doc.get_dictionary(page).ok();
        for _ in 0..32 {
            let Some(dict) = node else { break };
            if let Ok(r) = dict.get(b"Resources") {
                stack.push(r);
            }
            node = dict
                .get(b"Parent")
                .and_then(Object::as_reference)
                .and_then(|id| self.doc.get_dictionary(id))
                .ok();
        }
        while let Some(object) = stack.pop() {
            match object {
                Object::Reference(id) if seen.insert(*id) => {
                    let Ok(o) = self.doc.get_object(*id) else {
                        continue;
                    };
                    if let Object::Stream(s) = o {
                        let image = (s.dict.get(b"Subtype").and_then(Object::as_name))
                            .is_ok_and(|n| n == b"Image");
                        if image {
                            continue;
                        }
                        roots.push(*id);
                    }
                    stack.push(o);
                }
                Object::Array(a) => stack.extend(a.iter()),
                Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
                Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
        for id in roots {
            let Some(&(start, len)) = self.spans.get(&id) else {
                continue;
            };
            if let Ok(Object::Stream(s)) = self.doc.get_object_mut(id) {
                if s.content.is_empty() {
                    s.content = self.bytes[start..start + len].to_vec();
                    self.read_back += len;
                }
            }
        }
        self.current = contents
            .into_iter()
            .filter(|id| self.spans.contains_key(id))
            .collect();
    }
}

impl LazyDocument<'_> {
    /// Bytes of the file put back into streams since the count was last reset: what of the
    /// file was touched since.
    pub fn read_back(&self) -> usize {
        self.read_back
    }

    /// Starts the count of [`LazyDocument::read_back`] again.
    pub fn reset_read_back(&mut self) {
        self.read_back = 0;
    }
}

/// The load filter: a large stream's content is dropped and its length noted.
fn drop_large(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(s) = object {
        parsed(s.content.len());
        let structural = s.dict.has_type(b"ObjStm") || s.dict.has_type(b"XRef");
        if !structural && s.content.len() > LAZY_STREAM_BYTES {
            let len = s.content.len() as i64;
            s.content = Vec::new();
            s.dict.set(MARK, len);
        }
    }
    // `lopdf` keeps the object changed in place for objects at the top level and the one
    // returned for objects inside object streams: both must be the changed object.
    Some((id, object.clone()))
}

/// Where the content of stream `id` (`len` bytes) is in `pdf`: after the `stream` keyword
/// and its end of line that follow the object's offset, checked by the `endstream` after it.
fn locate(pdf: &[u8], doc: &Document, id: ObjectId, len: usize) -> Option<(usize, usize)> {
    let Some(XrefEntry::Normal { offset, .. }) = doc.reference_table.get(id.0) else {
        return None;
    };
    let offset = *offset as usize;
    let keyword = offset + memchr::memmem::find(pdf.get(offset..)?, b"stream")?;
    let mut start = keyword + b"stream".len();
    start += match pdf.get(start..start + 2)? {
        [b'\r', b'\n'] => 2,
        [b'\n', _] | [b'\r', _] => 1,
        _ => return None,
    };
    let end = start.checked_add(len)?;
    let after = pdf.get(end..)?;
    let after = after
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|k| &after[k..])?;
    after.starts_with(b"endstream").then_some((start, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF of `pages` pages in Helvetica whose content streams are `lines` lines long
    /// (above [`LAZY_STREAM_BYTES`] for 40 lines).
    fn pdf(pages: usize, lines: usize) -> Vec<u8> {
        pdf_with(pages, lines, "")
    }

    /// The same with `extra` at the start of each content stream's dictionary.
    fn pdf_with(pages: usize, lines: usize, extra: &str) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {pages} >>",
                (0..pages)
                    .map(|i| format!("{} 0 R ", 4 + 2 * i))
                    .collect::<String>()
            )
            .into_bytes(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        ];
        for p in 0..pages {
            objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>", 5 + 2 * p).into_bytes());
            let content: String = (0..lines)
                .map(|l| {
                    format!(
                        "BT /F1 10 Tf 50 {} Td (page {p} line {l} text) Tj ET\n",
                        800 - 15 * l
                    )
                })
                .collect();
            let mut s = format!("<< {extra}/Length {} >>\nstream\n", content.len()).into_bytes();
            s.extend_from_slice(content.as_bytes());
            s.extend_from_slice(b"\nendstream");
            objects.push(s);
        }
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn large_streams_are_dropped_and_read_back_for_their_page() {
        let bytes = pdf(3, 40);
        let whole = Document::load_mem(&bytes).unwrap();
        let mut lazy = LazyDocument::load(&bytes, None).unwrap();
        let pages: Vec<ObjectId> = lazy.doc.page_iter().collect();
        assert_eq!(lazy.spans.len(), 3, "the three content streams are dropped");
        let content = |doc: &Document, page: ObjectId| doc.get_page_content(page).unwrap();
        assert!(content(&lazy.doc, pages[1])
            .iter()
            .all(u8::is_ascii_whitespace));
        lazy.prepare(pages[1]);
        assert_eq!(content(&lazy.doc, pages[1]), content(&whole, pages[1]));
        // The page before is dropped again when the next is prepared.
        lazy.prepare(pages[2]);
        assert!(content(&lazy.doc, pages[1])
            .iter()
            .all(u8::is_ascii_whitespace));
        assert_eq!(content(&lazy.doc, pages[2]), content(&whole, pages[2]));
        // Small streams stay as they are.
        let small = pdf(1, 2);
        assert!(LazyDocument::load(&small, None).unwrap().spans.is_empty());
    }

    #[test]
    fn a_mapped_file_is_released_as_it_is_loaded() {
        // 2,500 content streams of about 2.2 KB: 5.5 MB parsed, then found again.
        let bytes = pdf(2_500, 40);
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = std::sync::Arc::clone(&calls);
        let release: Release = std::sync::Arc::new(move || {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        let lazy = LazyDocument::load(&bytes, Some(&release)).unwrap();
        assert_eq!(lazy.spans.len(), 2_500);
        // Once while parsing, once while finding the streams again, once after.
        let n = calls.load(std::sync::atomic::Ordering::Relaxed);
        assert!(n >= 3, "{n} releases");
        // The release is this load's only.
        LOADING.with(|l| assert!(l.borrow().is_none()));
    }

    #[test]
    fn a_stream_that_cannot_be_found_again_loads_the_file_whole() {
        // The word `stream` inside the dictionary is not where the content starts: the
        // stream is not found again, so the file is loaded with its streams.
        let odd = pdf_with(1, 40, "/Note (stream) ");
        let lazy = LazyDocument::load(&odd, None).unwrap();
        assert!(lazy.spans.is_empty());
        let page = lazy.doc.page_iter().next().unwrap();
        assert!(
            String::from_utf8_lossy(&lazy.doc.get_page_content(page).unwrap())
                .contains("page 0 line 39 text")
        );
    }
}
