//! OFD (GB/T 33190, the national fixed-layout format) to clean text lines: a ZIP of XML
//! pages whose text objects carry their position.
//!
//! `OFD.xml` names the document (`DocRoot`), its `Document.xml` lists the pages in order, and
//! each page's `Content.xml` holds `TextObject`s (a `Boundary` box, a font `Size`) with
//! `TextCode`s (a start `X`/`Y` inside the box, the characters). The codes of a page are
//! placed on the page, grouped into lines by their baseline (within half a font size) and
//! read top to bottom, left to right; pieces of one line far apart (cells of a form) are
//! kept apart by two U+3000 spaces. Then the pages' lines go through the same page-furniture
//! rule as a PDF's (page numbers `— 2 —`, running lines) and are joined by the hard-wrap
//! rule. Templates, annotations and signatures are not read.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::mapped::TextPiece;
use super::paged::PagedText;
use super::xml::{self, attr, text_of, xml_error};
use super::ReadError;

const FORMAT: &str = "OFD";

/// A run of characters placed on a page.
#[derive(Debug, Clone)]
struct Piece {
    x: f64,
    y: f64,
    /// Right edge of its text object's box.
    end: f64,
    size: f64,
    text: String,
}

/// Reads an OFD file into the text handed to the parser.
pub fn to_text(bytes: &[u8]) -> Result<(Vec<TextPiece>, Vec<u32>), ReadError> {
    let mut zip = xml::open(FORMAT, bytes)?;
    let Some(ofd) = xml::member(FORMAT, &mut zip, "OFD.xml")? else {
        return Err(ReadError::damaged(FORMAT, "no OFD.xml: not an OFD package"));
    };
    let root = first_text_of(&ofd, "DocRoot")
        .ok_or_else(|| ReadError::damaged(FORMAT, "OFD.xml names no DocRoot"))?;
    let root = resolve("", &root);
    let Some(document) = xml::member(FORMAT, &mut zip, &root)? else {
        return Err(ReadError::damaged(FORMAT, format!("{root} is missing")));
    };
    let dir = root.rsplit_once('/').map_or("", |(d, _)| d);
    let mut text = PagedText::new();
    for loc in page_locations(&document, &root)? {
        let path = resolve(dir, &loc);
        let Some(content) = xml::member(FORMAT, &mut zip, &path)? else {
            return Err(ReadError::damaged(
                FORMAT,
                format!("page {path} is missing"),
            ));
        };
        text.push(page_lines(pieces(&content, &path)?));
    }
    if !text.has_text() {
        return Err(ReadError::NoText { format: FORMAT });
    }
    Ok(text.finish())
}

/// `loc` inside the package: absolute (`/Doc_0/…`) or relative to `dir`.
fn resolve(dir: &str, loc: &str) -> String {
    let loc = loc.trim();
    if let Some(abs) = loc.strip_prefix('/') {
        abs.to_string()
    } else if dir.is_empty() {
        loc.to_string()
    } else {
        format!("{dir}/{loc}")
    }
}

/// The text of the first element whose local name is `local`.
fn first_text_of(xml_text: &str, local: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml_text);
    let mut inside = false;
    let mut out = String::new();
    loop {
        let event = reader.read_event().ok()?;
        match &event {
            Event::Start(e) if e.local_name().as_ref() == local => inside = true,
            Event::End(e) if e.local_name().as_ref() == local => {
                return Some(out.trim().to_string())
            }
            Event::Eof => return None,
            _ if inside => {
                if let Some(t) = text_of(&event) {
                    out.push_str(&t);
                }
            }
            _ => {}
        }
    }
}

/// The `BaseLoc` of every `Page` of `Document.xml`, in order.
fn page_locations(document: &str, name: &str) -> Result<Vec<String>, ReadError> {
    let mut reader = Reader::from_str(document);
    let mut out = Vec::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| xml_error(FORMAT, name, e))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Page" => {
                if let Some(loc) = attr(&e, "BaseLoc") {
                    out.push(loc);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// The text pieces of a page's `Content.xml`.
fn pieces(content: &str, name: &str) -> Result<Vec<Piece>, ReadError> {
    let mut reader = Reader::from_str(content);
    let mut out = Vec::new();
    // The current text object's box origin, right edge and font size.
    let mut object: Option<(f64, f64, f64, f64)> = None;
    let mut code: Option<Piece> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(FORMAT, name, e))?;
        match &event {
            Event::Start(e) if e.local_name().as_ref() == "TextObject" => {
                let b = numbers(&attr(e, "Boundary").unwrap_or_default());
                let size = attr(e, "Size").and_then(|s| s.parse().ok()).unwrap_or(3.5);
                object = (b.len() == 4).then(|| (b[0], b[1], b[0] + b[2], size));
            }
            Event::End(e) if e.local_name().as_ref() == "TextObject" => object = None,
            Event::Start(e) if e.local_name().as_ref() == "TextCode" => {
                if let Some((bx, by, end, size)) = object {
                    let x = attr(e, "X").and_then(|s| s.parse().ok()).unwrap_or(0.0);
                    let y = attr(e, "Y").and_then(|s| s.parse().ok()).unwrap_or(0.0);
                    code = Some(Piece {
                        x: bx + x,
                        y: by + y,
                        end,
                        size,
                        text: String::new(),
                    });
                }
            }
            Event::End(e) if e.local_name().as_ref() == "TextCode" => {
                if let Some(p) = code.take().filter(|p| !p.text.trim().is_empty()) {
                    out.push(p);
                }
            }
            Event::Eof => break,
            _ => {
                if let (Some(p), Some(t)) = (code.as_mut(), text_of(&event)) {
                    p.text.push_str(&t);
                }
            }
        }
    }
    Ok(out)
}

/// Pieces grouped into lines by baseline, top to bottom, left to right.
fn page_lines(mut pieces: Vec<Piece>) -> Vec<String> {
    pieces.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    for p in pieces {
        match lines.last_mut() {
            Some(line) if (p.y - line[0].y).abs() <= line[0].size.max(p.size) / 2.0 => {
                line.push(p);
            }
            _ => lines.push(vec![p]),
        }
    }
    lines
        .into_iter()
        .map(|mut line| {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut text = String::new();
            let mut end = f64::NEG_INFINITY;
            for p in line {
                if !text.is_empty() && p.x > end + p.size {
                    text.push_str(super::CELL_SEPARATOR);
                }
                text.push_str(p.text.trim());
                end = end.max(p.end);
            }
            text
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_become_lines() {
        let content = r#"<ofd:Page xmlns:ofd="o"><ofd:Content><ofd:Layer>
            <ofd:TextObject Boundary="80 70 50 6" Size="5.6"><ofd:TextCode X="0" Y="4.9">路卫发〔2011〕76号</ofd:TextCode></ofd:TextObject>
            <ofd:TextObject Boundary="39 37 133 16" Size="14.7"><ofd:TextCode X="0" Y="14.6">路桥区卫生局文件</ofd:TextCode></ofd:TextObject>
            <ofd:TextObject Boundary="10 100 20 6" Size="4"><ofd:TextCode X="0" Y="5">项目</ofd:TextCode></ofd:TextObject>
            <ofd:TextObject Boundary="60 100 20 6" Size="4"><ofd:TextCode X="0" Y="5">用地&amp;审批</ofd:TextCode></ofd:TextObject>
            </ofd:Layer></ofd:Content></ofd:Page>"#;
        let lines = page_lines(pieces(content, "Content.xml").unwrap());
        assert_eq!(
            lines,
            [
                "路桥区卫生局文件",
                "路卫发〔2011〕76号",
                "项目\u{3000}\u{3000}用地&审批"
            ]
        );
    }

    #[test]
    fn locations() {
        assert_eq!(
            resolve("Doc_0", "Pages/Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(resolve("Doc_0", "/Doc_0/Pages/P.xml"), "Doc_0/Pages/P.xml");
    }
}
