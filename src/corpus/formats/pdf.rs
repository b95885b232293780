//! PDF to clean text lines: the text layer page by page (`pdf-extract`, over `lopdf`), its
//! glyphs laid out by position ([`super::pdf_layout`]: a table's row is one line, cells
//! apart), handed to [`super::paged`] (furniture, joining, bounded paragraphs, the title,
//! where each page begins).
//!
//! - **No text layer:** a PDF whose pages yield no letters at all is [`ReadError::NoText`]
//!   (scanned), not an empty document.
//! - **Damage:** a file `lopdf` cannot load is [`ReadError::Damaged`]; an encrypted one that
//!   does not open with the empty password is [`ReadError::Encrypted`]. A page the extractor
//!   fails on (it panics on some malformed fonts) is left out and the others are read; a
//!   file where every page fails is damaged.
//! - **Memory:** large streams are read from the file's bytes for the page that needs them
//!   ([`super::pdf_streams`]), and the extractor is shown a page tree of one page at a time,
//!   so that finding a page does not walk the whole tree. Each page's lines go to the text as
//!   they are read ([`PagedText`] holds only a sample of them); a large file is mapped and
//!   the bytes read so far are dropped from memory as the reader goes
//!   ([`super::FileBytes`]). What grows with the file is its objects' dictionaries (about
//!   5 KB a page), the text (in pieces of its own memory, [`super::TextPiece`]) and the
//!   parsed document.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::{output_doc_page, Document, Object, ObjectId};

use super::mapped::{Release, TextPiece};
use super::paged::PagedText;
use super::pdf_layout::GlyphSink;
use super::pdf_streams::{LazyDocument, RELEASE_BYTES};
use super::ReadError;

const FORMAT: &str = "PDF";

thread_local! {
    /// Whether this thread is inside the extractor, and how many of its panics it caught.
    static EXTRACTING: Cell<bool> = const { Cell::new(false) };
    static CAUGHT: Cell<u64> = const { Cell::new(0) };
}

/// Whether the current thread is inside the PDF extractor, whose panics on malformed files
/// are caught here and cost only their page: a panic hook need not report them as bugs.
pub fn inside_pdf_extractor() -> bool {
    EXTRACTING.with(Cell::get)
}

/// How many panics of the extractor the current thread has caught so far (pages left out):
/// tests check that the safety net was not used.
pub fn caught_panics() -> u64 {
    CAUGHT.with(Cell::get)
}

/// Reads a PDF's text layer into the text handed to the parser (in pieces,
/// [`PagedText::finish`]), with the line where each page begins. `release`, when given, is called while the file is loaded and as its pages
/// are read, every [`RELEASE_BYTES`], to drop from memory the bytes read so far (a mapped
/// file's, [`super::FileBytes`]).
pub fn to_text(
    bytes: &[u8],
    release: Option<Release>,
) -> Result<(Vec<TextPiece>, Vec<u32>), ReadError> {
    let text = page_texts(bytes, release.as_ref())?;
    if !text.has_text() {
        return Err(ReadError::NoText { format: FORMAT });
    }
    Ok(text.finish())
}

/// The pages' lines, laid out by position ([`GlyphSink`]), trimmed, spaces between wide
/// characters dropped, empty ones left out, handed one page at a time to the text being
/// joined.
fn page_texts(bytes: &[u8], release: Option<&Release>) -> Result<PagedText, ReadError> {
    let mut lazy = LazyDocument::load(bytes, release).map_err(|e| ReadError::damaged(FORMAT, e))?;
    if lazy.doc.is_encrypted() && lazy.doc.decrypt("").is_err() {
        return Err(ReadError::Encrypted { format: FORMAT });
    }
    ucs2_fonts_as_identity(&mut lazy.doc);
    let ids: Vec<ObjectId> = lazy.doc.page_iter().collect();
    let Some(single) = ids.first().and_then(|_| one_page_tree(&mut lazy.doc)) else {
        return Err(ReadError::damaged(FORMAT, "no pages"));
    };
    let mut text = PagedText::new();
    let (mut read, mut failed) = (0, 0);
    for id in ids {
        // The extractor finds a page by its number in the page tree, which it walks for
        // every page: through a tree holding only this page, each page costs its own work.
        if let Ok(Object::Dictionary(d)) = lazy.doc.get_object_mut(single) {
            d.set("Kids", vec![Object::Reference(id)]);
        }
        lazy.prepare(id);
        if let Some(release) = release.filter(|_| lazy.read_back() >= RELEASE_BYTES) {
            release();
            lazy.reset_read_back();
        }
        let doc = &lazy.doc;
        EXTRACTING.with(|e| e.set(true));
        let page = catch_unwind(AssertUnwindSafe(|| {
            let mut sink = GlyphSink::default();
            output_doc_page(doc, &mut sink, 1).map(|()| sink.lines())
        }));
        EXTRACTING.with(|e| e.set(false));
        if page.is_err() {
            CAUGHT.with(|c| c.set(c.get() + 1));
        }
        match page {
            Ok(Ok(lines)) => {
                read += 1;
                text.push(
                    lines
                        .iter()
                        .map(|l| squeeze_wide_spaces(l.trim()))
                        .filter(|l| !l.is_empty())
                        .collect(),
                );
            }
            _ => failed += 1,
        }
    }
    if read == 0 {
        return Err(ReadError::damaged(
            FORMAT,
            format!("the text of none of its {failed} pages could be read"),
        ));
    }
    Ok(text)
}

/// Makes the catalog's page tree one `Pages` node of one page (its `Kids` are set before
/// each page is read) and returns that node. The pages keep their `Parent`, so what they
/// inherit (resources, media box) is found as before. `None` without a catalog.
fn one_page_tree(doc: &mut Document) -> Option<ObjectId> {
    use pdf_extract::Dictionary;
    let mut node = Dictionary::new();
    node.set("Type", Object::Name(b"Pages".to_vec()));
    node.set("Kids", Vec::<Object>::new());
    node.set("Count", 1);
    doc.catalog().ok()?;
    let id = doc.add_object(node);
    doc.catalog_mut().ok()?.set("Pages", Object::Reference(id));
    Some(id)
}

/// `line` without the spaces that stand between two wide characters (`中 共 唐 山` →
/// `中共唐山`): letter-spaced headlines and justified lines come out of the extractor with
/// spaces that are not in the text, and they would make lines of one width look different
/// to the hard-wrap rule. Spaces next to Latin letters or digits stay.
fn squeeze_wide_spaces(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let wide = |c: char| c > '\u{2E7F}' && !c.is_whitespace();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' {
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let before = out.chars().next_back();
            let after = chars.get(j).copied();
            if !(before.is_some_and(wide) && after.is_some_and(wide)) {
                out.push(' ');
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Type0 fonts whose encoding is one of Adobe's Unicode CMaps (`UniGB-UCS2-H`,
/// `UniCNS-UCS2-H`, `UniJIS-UTF16-H`, …: two-byte codes that *are* UTF-16 code units), which
/// the extractor does not know, rewritten as `Identity-H` with a `ToUnicode` map from each
/// code to itself (when the font has none), so their text is read instead of the page being
/// lost.
fn ucs2_fonts_as_identity(doc: &mut Document) {
    use pdf_extract::{Dictionary, Stream};
    let is_unicode_cmap = |name: &[u8]| {
        name.starts_with(b"Uni") && (name.ends_with(b"-UCS2-H") || name.ends_with(b"-UTF16-H"))
    };
    let fonts: Vec<_> = doc
        .objects
        .iter()
        .filter_map(|(id, o)| {
            let d = o.as_dict().ok()?;
            let subtype = d.get(b"Subtype").ok()?.as_name().ok()?;
            let encoding = d.get(b"Encoding").ok()?.as_name().ok()?;
            (subtype == b"Type0" && is_unicode_cmap(encoding))
                .then(|| (*id, d.get(b"ToUnicode").is_ok()))
        })
        .collect();
    if fonts.is_empty() {
        return;
    }
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /UCS2-Identity def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    // Ranges may not cross a first byte: one range per first byte, in blocks of 100.
    for block in (0u32..256).collect::<Vec<_>>().chunks(100) {
        cmap.push_str(&format!("{} beginbfrange\n", block.len()));
        for hi in block {
            cmap.push_str(&format!("<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>\n"));
        }
        cmap.push_str("endbfrange\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), cmap.into_bytes()));
    for (id, has_to_unicode) in fonts {
        if let Ok(Object::Dictionary(d)) = doc.get_object_mut(id) {
            d.set("Encoding", Object::Name(b"Identity-H".to_vec()));
            if !has_to_unicode {
                d.set("ToUnicode", Object::Reference(to_unicode));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_wide_characters_go() {
        assert_eq!(squeeze_wide_spaces("中 共 唐 山 市 委"), "中共唐山市委");
        assert_eq!(
            squeeze_wide_spaces("自 1995年 1月 1日起"),
            "自 1995年 1月 1日起"
        );
        assert_eq!(
            squeeze_wide_spaces("（2018年 4月 7日）"),
            "（2018年 4月 7日）"
        );
        assert_eq!(
            squeeze_wide_spaces("管理  办法 NB/T 20513"),
            "管理办法 NB/T 20513"
        );
    }

    #[test]
    fn broken_files_are_reported() {
        let err = (to_text(b"%PDF-1.4\nnot really", None).unwrap_err()).to_string();
        assert!(err.starts_with("damaged PDF file"), "{err}");
    }
}
