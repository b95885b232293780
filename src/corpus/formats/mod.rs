//! Files other than plain text: web pages, Word (DOCX), PDF and OFD read into the same
//! [`Document`] as a `.txt` file.
//!
//! Every reader turns its file into *clean text lines* and hands them to
//! [`parse_document`], so headings, sections, hard-wrap joins, the title and header metadata
//! follow exactly the rules of text files:
//! - the headline comes first as a level-1 Markdown heading (`# 标题`), so it is the title;
//! - header fields (a web page's 索引号 / 发文机关 / 成文日期 table, a DOCX's core dates) follow
//!   as `KEY：VALUE` lines, so they become [`Document::metadata`];
//! - headings the file marks as such (`<h2>`, a Word `Heading 1` style) become Markdown
//!   headings (`## …`), nested by their level; numbered labels (`一、`, `第一条`) are found in
//!   the text as in any file;
//! - a table row is one paragraph with its cells separated by two U+3000 spaces;
//! - paragraphs of web pages and DOCX are separated by blank lines (their paragraphs are
//!   known, nothing is wrapped), while the lines of a PDF or OFD are joined into bounded
//!   paragraphs across page breaks first (`paged`).
//!
//! A paragraph's `lines` therefore count lines of that extracted text (what `zhengce inspect`
//! shows), not of the file's bytes. Word 97-2003 (`.doc`), WPS (`.wps`) and anything that
//! cannot be read (a damaged ZIP, a PDF without a text layer) is a [`ReadError`] whose message
//! says what to do; an indexing run reports it under `failed` and goes on.

mod docx;
mod html;
mod mapped;
mod numbering;
mod ofd;
mod paged;
mod pdf;
mod pdf_layout;
mod pdf_streams;
mod xml;

pub use mapped::{FileBytes, Release, TextPiece, MAP_BYTES};
pub use pdf::{caught_panics, inside_pdf_extractor};

use super::decode::{self, DecodeError};
use super::{parse_document, parse_pieces, Document};

/// How a file is read, by its extension (compared without regard to case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`, `.md`: decoded text.
    Text,
    /// `.html`, `.htm`, `.shtml`, `.xhtml`: a web page.
    Html,
    /// `.docx`: Office Open XML word processing.
    Docx,
    /// `.pdf`: text from its text layer.
    Pdf,
    /// `.ofd`: the Chinese fixed-layout format (GB/T 33190), a ZIP of XML pages.
    Ofd,
    /// `.doc`, `.wps`, `.wpt`, `.dot`: binary word processing files, recognised and reported
    /// (not read).
    LegacyWord,
}

impl Format {
    /// The format of the file named `name` (a path or a file name), or the skip reason
    /// (`extension .xyz` lowercased, or `no extension`) for files that are not read at all.
    pub fn of(name: &str) -> Result<Format, String> {
        let name = name.rsplit('/').next().unwrap_or(name);
        let Some((stem, ext)) = name.rsplit_once('.') else {
            return Err("no extension".to_string());
        };
        if stem.is_empty() || ext.is_empty() {
            return Err("no extension".to_string());
        }
        let is = |e: &str| ext.eq_ignore_ascii_case(e);
        Ok(if is("txt") || is("md") {
            Format::Text
        } else if is("html") || is("htm") || is("shtml") || is("xhtml") {
            Format::Html
        } else if is("docx") {
            Format::Docx
        } else if is("pdf") {
            Format::Pdf
        } else if is("ofd") {
            Format::Ofd
        } else if is("doc") || is("wps") || is("wpt") || is("dot") {
            Format::LegacyWord
        } else {
            return Err(format!("extension .{}", ext.to_lowercase()));
        })
    }

    /// A short name for reports and bench tables: `text`, `html`, `docx`, `pdf`, `ofd`,
    /// `doc`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Ofd => "ofd",
            Format::LegacyWord => "doc",
        }
    }
}

/// Why a file could not be read into a document.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A text file (or a web page) whose bytes are not text.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A container or page description that cannot be read: a truncated ZIP, a PDF whose
    /// objects are broken, XML that is not well formed.
    #[error("damaged {format} file: {reason}")]
    Damaged {
        /// `DOCX`, `PDF`, `OFD`, `HTML`.
        format: &'static str,
        /// What the reader met.
        reason: String,
    },
    /// A PDF (or OFD) whose pages carry no text: scanned images. Nothing to index.
    #[error("{format} has no text layer (scanned pages?): run OCR on it to index its text")]
    NoText {
        /// `PDF` or `OFD`.
        format: &'static str,
    },
    /// An encrypted PDF or DOCX.
    #[error("{format} is encrypted: save an unprotected copy to index it")]
    Encrypted {
        /// `PDF` or `DOCX`.
        format: &'static str,
    },
    /// A Word 97-2003 or WPS binary file.
    #[error("{kind} is not read: save it as .docx (Word or WPS: 另存为 → .docx) to index it")]
    LegacyWord {
        /// `Word 97-2003 (.doc)`, `WPS (.wps)`.
        kind: &'static str,
    },
}

impl ReadError {
    fn damaged(format: &'static str, reason: impl std::fmt::Display) -> ReadError {
        ReadError::Damaged {
            format,
            reason: reason.to_string(),
        }
    }
}

/// Reads the bytes of the file at `rel` (path relative to the corpus root, `/`-separated)
/// into a document, by the format its extension names. A name with no known extension is
/// read as text.
pub fn read(rel: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    read_with(rel, bytes, None)
}

/// [`read`] for a file's bytes as [`FileBytes`]: a mapped file's pages are dropped from
/// memory as the reader goes ([`FileBytes::release`]).
pub fn read_file(rel: &str, bytes: &FileBytes) -> Result<Document, ReadError> {
    read_with(rel, bytes, bytes.releaser())
}

/// [`read`], with `release` to call when the bytes read so far are no longer needed in
/// memory (a mapped file's).
fn read_with(rel: &str, bytes: &[u8], release: Option<Release>) -> Result<Document, ReadError> {
    let format = Format::of(rel).unwrap_or(Format::Text);
    let mut pages = Vec::new();
    // The text in pieces (a paged file's is written so, the others are one).
    let (pieces, encoding): (Vec<TextPiece>, String) = match format {
        Format::Text => {
            let (text, encoding) = decode::decode(bytes)?;
            return Ok(parse_document(rel, &text, encoding.name()));
        }
        Format::Html => one(html::to_text(bytes)?),
        Format::Docx => one((docx::to_text(bytes)?, "DOCX".to_string())),
        Format::Pdf => {
            let (text, starts) = pdf::to_text(bytes, release)?;
            pages = starts;
            (text, "PDF".to_string())
        }
        Format::Ofd => {
            let (text, starts) = ofd::to_text(bytes)?;
            pages = starts;
            (text, "OFD".to_string())
        }
        Format::LegacyWord => {
            // A `.doc` that is really a DOCX, a web page or text (sites serve all three
            // under that name) is read as what it is.
            if bytes.starts_with(b"PK\x03\x04") {
                one((docx::to_text(bytes)?, "DOCX".to_string()))
            } else if looks_like_html(bytes) {
                one(html::to_text(bytes)?)
            } else {
                let wps = rel.rsplit_once('.').is_some_and(|(_, e)| {
                    e.eq_ignore_ascii_case("wps") || e.eq_ignore_ascii_case("wpt")
                });
                return Err(ReadError::LegacyWord {
                    kind: if wps {
                        "WPS (.wps)"
                    } else {
                        "Word 97-2003 (.doc)"
                    },
                });
            }
        }
    };
    // The extracted text is parsed as plain text (no Markdown-only syntax beyond `#`).
    let mut doc = parse_pieces(&plain_name(rel), &pieces, &encoding);
    doc.pages = pages;
    Ok(doc)
}

/// A text and its encoding, the text as one piece.
fn one((text, encoding): (String, String)) -> (Vec<TextPiece>, String) {
    (vec![TextPiece::Owned(text)], encoding)
}

/// `rel` with its extension replaced by `.txt`, so the parser applies the rules of text
/// files (and the file name, when it becomes the title, keeps its stem).
fn plain_name(rel: &str) -> String {
    match rel.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() && !stem.ends_with('/') => format!("{stem}.txt"),
        _ => rel.to_string(),
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    memchr::memmem::find(&lower, b"<html").is_some()
        || memchr::memmem::find(&lower, b"<!doctype html").is_some()
}

/// Builds the clean text handed to the parser: a title line, `KEY：VALUE` lines, then blocks.
#[derive(Debug, Default)]
struct TextBuilder {
    out: String,
    /// Blocks are separated by a blank line (true) or follow each other (PDF lines).
    blank_between: bool,
}

impl TextBuilder {
    fn new(blank_between: bool) -> TextBuilder {
        TextBuilder {
            out: String::new(),
            blank_between,
        }
    }

    /// The headline as a level-1 heading (the title).
    fn title(&mut self, title: &str) {
        let t = one_line(title);
        if !t.is_empty() {
            self.out.push_str("# ");
            self.out.push_str(&t);
            self.out.push_str("\n\n");
        }
    }

    /// A header field, `KEY：VALUE`.
    fn field(&mut self, key: &str, value: &str) {
        let (k, v) = (one_line(key), one_line(value));
        if !k.is_empty() && !v.is_empty() {
            self.out.push_str(&k);
            self.out.push('：');
            self.out.push_str(&v);
            self.out.push_str("\n\n");
        }
    }

    /// A heading the file marks as such, at `level` (1 = the highest below the title).
    fn heading(&mut self, level: usize, text: &str) {
        let t = one_line(text);
        if !t.is_empty() {
            for _ in 0..(level + 1).min(6) {
                self.out.push('#');
            }
            self.out.push(' ');
            self.out.push_str(&t);
            self.out.push_str("\n\n");
        }
    }

    /// A paragraph (or one line of a PDF).
    fn line(&mut self, text: &str) {
        let t = one_line(text);
        if t.is_empty() {
            return;
        }
        // A line that would read as markup (a Markdown heading, a comment) is kept as text.
        if t.starts_with('#') || t.starts_with("<!--") || t == "---" {
            self.out.push('\u{3000}');
        }
        self.out.push_str(&t);
        self.out.push('\n');
        if self.blank_between {
            self.out.push('\n');
        }
    }

    /// A table row: cells separated by two U+3000 spaces.
    fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| one_line(c.as_ref()))
            .filter(|c| !c.is_empty())
            .collect();
        self.line(&cells.join(CELL_SEPARATOR));
    }

    fn finish(self) -> String {
        self.out
    }
}

/// What stands between the cells of a table's row (two U+3000): white space, which the
/// exact search's normalization drops, so a phrase that runs from one cell into the next is
/// found, while the cells stay apart to the eye and to the readers that tell rows from text.
pub(crate) const CELL_SEPARATOR: &str = "\u{3000}\u{3000}";

/// How a document's name ends (`关于…的通知`).
const KIND_ENDINGS: &[&str] = &[
    "通知",
    "意见",
    "决定",
    "批复",
    "办法",
    "规定",
    "方案",
    "细则",
    "报告",
    "函",
    "通报",
    "决议",
    "公告",
    "通告",
    "请示",
    "纪要",
    "规划",
    "计划",
    "指南",
    "条例",
    "规则",
    "答复",
    "通知》",
    "清单",
    "名单",
    "名录",
    "意見",
    "決定",
    "辦法",
    "規定",
    "報告",
    "規劃",
    "計畫",
    "條例",
    "規則",
];

/// Whether `line` ends like a document's name (`…的通知`, `…管理办法`), closing brackets and
/// white space aside.
fn ends_like_a_name(line: &str) -> bool {
    let t = line.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '）' | ')'));
    KIND_ENDINGS.iter().any(|k| t.ends_with(k))
}

/// `s` on one line: line breaks and runs of ASCII white space become one space, outer white
/// space (ASCII, U+3000, NBSP) trimmed; U+3000 inside is kept as written.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() || c == '\u{A0}' || c == '\u{FEFF}' || c == '\u{200B}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out.trim_matches(|c: char| c.is_whitespace()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of("a/b.TXT"), Ok(Format::Text));
        assert_eq!(Format::of("x.Shtml"), Ok(Format::Html));
        assert_eq!(Format::of("x.docx"), Ok(Format::Docx));
        assert_eq!(Format::of("x.PDF"), Ok(Format::Pdf));
        assert_eq!(Format::of("x.ofd"), Ok(Format::Ofd));
        assert_eq!(Format::of("x.wps"), Ok(Format::LegacyWord));
        assert_eq!(Format::of("x.png"), Err("extension .png".into()));
        assert_eq!(Format::of(".txt"), Err("no extension".into()));
        assert_eq!(Format::of("a."), Err("no extension".into()));
        assert_eq!(Format::of("README"), Err("no extension".into()));
    }

    #[test]
    fn legacy_word_is_reported_with_advice() {
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest";
        let err = read("x.doc", ole).unwrap_err().to_string();
        assert!(
            err.contains("Word 97-2003") && err.contains(".docx"),
            "{err}"
        );
        let err = read("x.wps", ole).unwrap_err().to_string();
        assert!(err.starts_with("WPS (.wps)"), "{err}");
        // A page saved under `.doc` is read as the page it is.
        let doc = read(
            "x.doc",
            "<html><body><h1>通知</h1><p>正文。</p></body></html>".as_bytes(),
        )
        .unwrap();
        assert_eq!(doc.title, "通知");
    }

    #[test]
    fn one_line_folds_breaks() {
        assert_eq!(one_line("  a\n b\u{A0} "), "a b");
        assert_eq!(one_line("\u{3000}\u{3000}第一条"), "第一条");
        assert_eq!(one_line("甲\u{3000}\u{3000}乙"), "甲\u{3000}\u{3000}乙");
    }

    #[test]
    fn the_builder_keeps_markup_out_of_text() {
        let mut b = TextBuilder::new(true);
        b.title("标题");
        b.field("发文字号", "国发〔2020〕1号");
        b.heading(1, "一、总则");
        b.line("# 不是标题");
        b.row(&["甲", "", "乙"]);
        let doc = parse_document("x.txt", &b.finish(), "HTML");
        assert_eq!(doc.title, "标题");
        assert_eq!(
            doc.metadata,
            [("发文字号".into(), "国发〔2020〕1号".into())]
        );
        let texts: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "标题",
                "发文字号：国发〔2020〕1号",
                "一、总则",
                "# 不是标题",
                "甲\u{3000}\u{3000}乙"
            ]
        );
    }
}
