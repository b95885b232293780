//! Parsing decoded text into paragraphs and section headings. (Skeleton: to be completed by
//! the documents issue.)

use super::{Document, Paragraph, ParagraphKind};

/// Parses the text of the file at `rel_path` (relative to the corpus root) into a document.
/// Never fails: any text is some document.
pub fn parse_document(rel_path: &str, text: &str, encoding: &str) -> Document {
    let mut paragraphs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if !t.is_empty() {
            paragraphs.push(Paragraph {
                paragraph: paragraphs.len() as u32,
                kind: ParagraphKind::Body,
                section: Vec::new(),
                lines: [i as u32 + 1, i as u32 + 1],
                text: t.to_string(),
            });
        }
    }
    let title = paragraphs
        .first()
        .map(|p| p.text.clone())
        .unwrap_or_else(|| rel_path.to_string());
    Document {
        path: rel_path.to_string(),
        title,
        encoding: encoding.to_string(),
        metadata: Vec::new(),
        paragraphs,
    }
}
