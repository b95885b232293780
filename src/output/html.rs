//! HTML output for the web page ([`crate::serve`]): the hits of one answer as the command
//! line's human printer shows them — `title › section › section` (a link to the paragraph in
//! its document), `path:line`, the paragraph with its matches in `<mark>`, the forms found
//! through another form, what a partial answer lacks, the folded copies — with the same
//! words, taken from [`super::human`]. Every text is escaped by maud's `html!`; only
//! [`highlighted`] builds markup from text, and it escapes each piece itself.

use std::io::{self, Write};

use maud::{html, Markup, PreEscaped};

use super::human;
use super::Printer;
use crate::search::{highlight, DocHit, Hit, HitMeta, SearchResult};

/// A paragraph longer than this many characters is shown as a window of
/// [`LONG_PARAGRAPH_WINDOW`] characters around its first match.
pub const LONG_PARAGRAPH: usize = 600;
/// The window shown of a long paragraph.
pub const LONG_PARAGRAPH_WINDOW: usize = 400;

/// The HTML printer: one `<section class="results">` an answer, one `<p class="error">` an
/// error.
#[derive(Debug, Clone, Default)]
pub struct HtmlPrinter {
    /// The query string (without `?`) added to links to documents, so that the document
    /// page highlights the same query in the same script.
    pub doc_params: String,
    /// Counts were asked for, not hits.
    pub counts_only: bool,
}

impl Printer for HtmlPrinter {
    fn result(&self, out: &mut dyn Write, r: &SearchResult) -> io::Result<()> {
        out.write_all(self.render(r).into_string().as_bytes())
    }

    fn error(&self, out: &mut dyn Write, _query: &str, error: &str) -> io::Result<()> {
        let m = html! { p.error { (error) } };
        out.write_all(m.into_string().as_bytes())
    }
}

impl HtmlPrinter {
    /// The markup of one answer.
    pub fn render(&self, r: &SearchResult) -> Markup {
        html! {
            section.results {
                @if let Some(note) = human::partial_note(r) {
                    p.partial { (note) }
                }
                @if !r.hits.is_empty() {
                    ol.hits {
                        @for hit in &r.hits { (self.hit(hit, &format!("{}.", hit.rank))) }
                    }
                }
                @if let Some(docs) = &r.documents {
                    ol.documents {
                        @for d in docs { (self.document(d)) }
                    }
                }
                p.count { (human::count_line(r, self.counts_only)) }
            }
        }
    }

    /// The link to paragraph `para` of the document at `path`.
    pub fn doc_href(&self, path: &str, para: Option<u32>) -> String {
        let mut href = format!("/doc/{}", encode_path(path));
        if !self.doc_params.is_empty() {
            href.push('?');
            href.push_str(&self.doc_params);
        }
        if let Some(p) = para {
            href.push_str(&format!("#p{p}"));
        }
        href
    }

    fn document(&self, d: &DocHit) -> Markup {
        html! {
            li.document {
                div.head {
                    span.rank { (d.rank) "." } " "
                    a href=(self.doc_href(&d.path, None)) { (d.title) }
                    " " span.dim { "(" (human::matching_note(d.matches)) ")" }
                }
                div.loc { (d.path) }
                @if let Some(line) = d.meta.as_ref().and_then(HitMeta::parse).as_ref().and_then(human::meta_line) {
                    div.meta-line { (line) }
                }
                @if let Some(newer) = &d.replaced_by {
                    div.meta-line { "an older version: replaced by " a href=(self.doc_href(newer, None)) { (newer) } }
                }
                ul.best {
                    @for hit in &d.hits { (self.hit(hit, "·")) }
                }
            }
        }
    }

    fn hit(&self, hit: &Hit, lead: &str) -> Markup {
        let (text, spans) = shown_text(hit);
        html! {
            li.hit data-path=(hit.path) data-paragraph=(hit.paragraph) {
                div.head {
                    span.rank { (lead) } " "
                    a href=(self.doc_href(&hit.path, Some(hit.paragraph))) { (human::heading(hit)) }
                }
                div.loc { (human::location(hit)) }
                @if let Some(line) = hit.meta.as_ref().and_then(HitMeta::parse).as_ref().and_then(human::meta_line) {
                    div.meta-line { (line) }
                }
                @if let Some(newer) = &hit.replaced_by {
                    div.meta-line { "an older version: replaced by " a href=(self.doc_href(newer, None)) { (newer) } }
                }
                @if let Some(ctx) = &hit.context {
                    @for n in &ctx.before { p.context { (n.text) } }
                }
                p.text { (highlighted(&text, &spans)) }
                @if let Some(ctx) = &hit.context {
                    @for n in &ctx.after { p.context { (n.text) } }
                }
                @if let Some(forms) = human::other_forms(hit) {
                    p.note.forms { "found " (forms) }
                }
                @if !hit.missing.is_empty() {
                    p.note.lacks { "lacks: " (hit.missing.join(", ")) }
                }
                @if let Some(c) = &hit.copies {
                    p.note.copies {
                        (human::copies_note(c)) ": "
                        @for (i, path) in c.paths.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(self.doc_href(path, None)) { (path) }
                        }
                        @if c.count > c.paths.len() { ", …" }
                    }
                }
            }
        }
    }
}

/// The text a hit shows and its highlights: the whole paragraph, or a window around its
/// first match when it is long.
fn shown_text(hit: &Hit) -> (String, Vec<[usize; 2]>) {
    if hit.text.chars().count() <= LONG_PARAGRAPH {
        return (hit.text.clone(), hit.highlights.clone());
    }
    let s = highlight::snippet(&hit.text, &hit.highlights, LONG_PARAGRAPH_WINDOW);
    (s.text, s.highlights)
}

/// Characters left as they are in a URL path segment (RFC 3986 unreserved).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A document's path as a URL path, each `/`-separated segment percent-encoded.
pub fn encode_path(path: &str) -> String {
    let segments: Vec<String> = (path.split('/'))
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect();
    segments.join("/")
}

/// `text` with the `[start, end)` character spans in `<mark>`, every piece escaped. Spans out
/// of order or past the end are clipped, never a panic.
pub fn highlighted(text: &str, spans: &[[usize; 2]]) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + spans.len() * 13);
    let mut at = 0;
    let piece = |out: &mut String, s: &[char]| {
        let s: String = s.iter().collect();
        out.push_str(&html! { (s) }.into_string());
    };
    for h in spans {
        let (s, e) = (h[0].min(chars.len()), h[1].min(chars.len()));
        if s < at || e <= s {
            continue;
        }
        piece(&mut out, &chars[at..s]);
        out.push_str("<mark>");
        piece(&mut out, &chars[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    piece(&mut out, &chars[at..]);
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Copies, Snippet, TermFound};

    fn hit(text: &str, highlights: Vec<[usize; 2]>) -> Hit {
        Hit {
            rank: 1,
            score: 1.0,
            path: "a/<b>.txt".into(),
            title: "<script>alert(1)</script>".into(),
            section: vec!["一、总则".into()],
            paragraph: 3,
            lines: [4, 4],
            page: None,
            text: text.into(),
            highlights: highlights.clone(),
            snippet: Snippet {
                text: text.into(),
                highlights,
            },
            found: vec![TermFound {
                term: "计划".into(),
                found_in: vec!["text".into()],
                forms: vec!["计画".into()],
            }],
            missing: Vec::new(),
            copies: Some(Copies {
                count: 1,
                paths: vec!["c&d.txt".into()],
            }),
            context: None,
            meta: None,
            replaced_by: None,
        }
    }

    #[test]
    fn every_text_is_escaped_and_matches_are_marked() {
        let r = SearchResult {
            query: "<q>".into(),
            total: 1,
            distinct: 1,
            partial: false,
            took_us: 10,
            hits: vec![hit("<b>计画</b>发展", vec![[3, 5]])],
            documents: None,
            facets: None,
        };
        let p = HtmlPrinter {
            doc_params: "q=%3Cq%3E".into(),
            counts_only: false,
        };
        let s = p.render(&r).into_string();
        assert!(
            s.contains("&lt;b&gt;<mark>计画</mark>&lt;/b&gt;发展"),
            "{s}"
        );
        assert!(
            s.contains("&lt;script&gt;alert(1)&lt;/script&gt; › 一、总则"),
            "{s}"
        );
        assert!(!s.contains("<script>") && !s.contains("<b>"), "{s}");
        assert!(s.contains("found 计划 as 计画"), "{s}");
        assert!(s.contains("the same text in 1 more paragraph: "), "{s}");
        assert!(s.contains("href=\"/doc/c%26d.txt?q=%3Cq%3E\""), "{s}");
        assert!(
            s.contains("href=\"/doc/a/%3Cb%3E.txt?q=%3Cq%3E#p3\""),
            "{s}"
        );
        assert!(s.contains("1 paragraph matches &lt;q&gt;"), "{s}");
    }

    #[test]
    fn paths_are_encoded_segment_by_segment() {
        assert_eq!(
            encode_path("a b/条例(1).md"),
            "a%20b/%E6%9D%A1%E4%BE%8B%281%29.md"
        );
        assert_eq!(encode_path("../x"), "../x");
    }

    #[test]
    fn spans_out_of_order_or_range_are_clipped() {
        let m = highlighted("abcdef", &[[1, 2], [0, 3], [4, 99], [7, 9]]).into_string();
        assert_eq!(m, "a<mark>b</mark>cd<mark>ef</mark>");
        assert_eq!(highlighted("", &[[0, 1]]).into_string(), "");
    }
}
