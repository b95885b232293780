//! PDF to clean text lines: the text layer page by page (`pdf-extract`, over `lopdf`), with
//! running headers, footers and page numbers taken out, the pages' lines given one after
//! the other so that the hard-wrap rule of text files joins the lines of a paragraph, also
//! across a page break.
//!
//! - **Page furniture:** a line among the first or last [`EDGE_LINES`] lines of a page is
//!   left out when it is a page number (`3`, `- 3 -`, `— 3 —`, `第 3 页`, `第3页 共9页`,
//!   `3/9`) or when the same line, digits aside, stands at the edge of at least half of the
//!   pages (two pages at least): a running header (`××市人民政府文件`) or footer.
//! - **No text layer:** a PDF whose pages yield no letters at all is [`ReadError::NoText`]
//!   (scanned), not an empty document.
//! - **Damage:** a file `lopdf` cannot load is [`ReadError::Damaged`]; an encrypted one that
//!   does not open with the empty password is [`ReadError::Encrypted`]. A page the extractor
//!   fails on (it panics on some malformed fonts) is left out and the others are read; a
//!   file where every page fails is damaged.
//!
//! The whole file is loaded in memory (`lopdf` parses every object): memory grows with the
//! file's size.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::{output_doc_page, Document, PlainTextOutput};

use super::{ReadError, TextBuilder};

const FORMAT: &str = "PDF";

/// How many lines at the top and at the bottom of a page may be running furniture.
pub const EDGE_LINES: usize = 2;

/// Reads a PDF's text layer into the text handed to the parser.
pub fn to_text(bytes: &[u8]) -> Result<String, ReadError> {
    let pages = page_texts(bytes)?;
    let pages: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| p.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
        .collect();
    if !pages
        .iter()
        .flatten()
        .any(|l| l.chars().any(char::is_alphanumeric))
    {
        return Err(ReadError::NoText { format: FORMAT });
    }
    Ok(paged_text(&pages))
}

/// The lines of all pages (trimmed, not empty) one after the other, page furniture left out.
pub fn paged_text(pages: &[Vec<&str>]) -> String {
    let mut b = TextBuilder::new(false);
    for line in kept_lines(pages) {
        b.line(line);
    }
    b.finish()
}

/// The lines of all pages that are not page furniture, in order.
pub fn kept_lines<'a>(pages: &'a [Vec<&'a str>]) -> impl Iterator<Item = &'a str> + 'a {
    let running = running_lines(pages);
    pages.iter().flat_map(move |page| {
        let n = page.len();
        let running = running.clone();
        page.iter().enumerate().filter_map(move |(i, line)| {
            let edge = i < EDGE_LINES || i + EDGE_LINES >= n;
            let furniture =
                edge && (is_page_number(line) || running.contains_key(&digits_aside(line)));
            (!furniture).then_some(*line)
        })
    })
}

/// The text of each page, as the extractor lays it out.
fn page_texts(bytes: &[u8]) -> Result<Vec<String>, ReadError> {
    let mut doc = Document::load_mem(bytes).map_err(|e| ReadError::damaged(FORMAT, e))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(ReadError::Encrypted { format: FORMAT });
    }
    let numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
    if numbers.is_empty() {
        return Err(ReadError::damaged(FORMAT, "no pages"));
    }
    let mut pages = Vec::with_capacity(numbers.len());
    let mut failed = 0;
    for n in numbers {
        let page = catch_unwind(AssertUnwindSafe(|| {
            let mut s = String::new();
            let mut out = PlainTextOutput::new(&mut s);
            output_doc_page(&doc, &mut out, n).map(|()| s)
        }));
        match page {
            Ok(Ok(text)) => pages.push(text),
            _ => failed += 1,
        }
    }
    if pages.is_empty() {
        return Err(ReadError::damaged(
            FORMAT,
            format!("the text of none of its {failed} pages could be read"),
        ));
    }
    Ok(pages)
}

/// Lines (digits aside) at the edge of at least half of the pages, two at least.
fn running_lines(pages: &[Vec<&str>]) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages {
        let n = page.len();
        let mut seen: Vec<String> = Vec::new();
        for (i, line) in page.iter().enumerate() {
            if i < EDGE_LINES || i + EDGE_LINES >= n {
                let key = digits_aside(line);
                if !seen.contains(&key) {
                    seen.push(key);
                }
            }
        }
        for key in seen {
            *counts.entry(key).or_default() += 1;
        }
    }
    let needed = pages.len().div_ceil(2).max(2);
    counts.retain(|_, n| *n >= needed);
    counts
}

/// The line with white space removed and every run of digits as `#`.
fn digits_aside(line: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in line.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// `3`, `- 3 -`, `—3—`, `第 3 页`, `第3页 共9页`, `3/9`, `Page 3`.
fn is_page_number(line: &str) -> bool {
    let shape = digits_aside(line).to_lowercase();
    let dashes: &[char] = &['-', '—', '–', '－', '·'];
    let bare = shape.trim_matches(dashes);
    matches!(
        bare,
        "#" | "第#页"
            | "第#页共#页"
            | "第#页,共#页"
            | "第#页，共#页"
            | "#/#"
            | "page#"
            | "page#of#"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for yes in [
            "3",
            "- 3 -",
            "— 12 —",
            "第 3 页",
            "第3页 共9页",
            "3/9",
            "－ 4 －",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["第3条", "2020年", "一、总则", "- 3 - 4"] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn running_headers_need_half_the_pages() {
        let body = ["一", "二", "三", "四", "五", "六", "七", "八"];
        let pages: Vec<Vec<&str>> = (0..4)
            .map(|i| {
                let mut p = if i < 3 {
                    vec!["某市人民政府文件"]
                } else {
                    vec![]
                };
                p.extend_from_slice(&body[i * 2..i * 2 + 2]);
                p.extend_from_slice(&["正文", "- 1 -"]);
                p
            })
            .collect();
        let running = running_lines(&pages);
        assert!(running.contains_key("某市人民政府文件"), "{running:?}");
        assert!(!running.contains_key("一"), "{running:?}");
        let kept: Vec<&str> = kept_lines(&pages).collect();
        // `正文` stands at the bottom of every page: a running line too.
        assert_eq!(kept, ["一", "二", "三", "四", "五", "六", "七", "八"]);
    }

    #[test]
    fn broken_files_are_reported() {
        let err = to_text(b"%PDF-1.4\nnot really").unwrap_err().to_string();
        assert!(err.starts_with("damaged PDF file"), "{err}");
    }
}
