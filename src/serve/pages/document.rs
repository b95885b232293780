//! The document page: the metadata above the text, the section outline (编/章/节/条 … as a
//! tree, each entry with its number of hits) beside it, and every paragraph with a stable
//! anchor (`#p14`), its first line, and the query's matches marked. The keys (`n`/`p`) and
//! the "copy citation" button are the script's ([`super::super::assets`]); without it, the
//! anchors and outline links still work.

use std::collections::HashMap;

use maud::{html, Markup};

use super::{layout, url};
use crate::corpus::meta::DocMeta;
use crate::corpus::{Document, ParagraphKind};
use crate::output::html::{encode_path, highlighted};
use crate::output::human;
use crate::search::highlight;
use crate::serve::params::SearchParams;

/// The query's matches in one document.
pub struct DocHits {
    /// By paragraph: its text in the script asked for and the highlights in it.
    pub paragraphs: HashMap<u32, (String, Vec<[usize; 2]>)>,
    /// Whether no paragraph had every part of the query (the marked ones have most).
    pub partial: bool,
}

/// What the query found in the document: the hits, or why there are none.
pub enum Found {
    /// No query.
    Nothing,
    /// The hits (perhaps none).
    Hits(DocHits),
    /// The query failed: the message.
    Failed(String),
}

/// One entry of the outline.
struct Entry {
    depth: usize,
    label: String,
    para: u32,
    hits: usize,
}

/// The whole document page.
pub fn page(
    params: &SearchParams,
    doc: &Document,
    meta: Option<&DocMeta>,
    found: &Found,
) -> Markup {
    let convert = |s: &str| highlight::convert_script(s, &[], params.script).0;
    let base = format!("/doc/{}", encode_path(&doc.path));
    let hits = match found {
        Found::Hits(h) => Some(h),
        _ => None,
    };
    let is_hit = |p: u32| hits.is_some_and(|h| h.paragraphs.contains_key(&p));
    let entries = outline(doc, &is_hit);
    let title = convert(&doc.title);
    let results = SearchParams {
        q: params.q.clone(),
        script: params.script,
        literal: params.literal,
        ..SearchParams::default()
    };
    let body = html! {
        main.doc-main {
            div.doc-head data-path=(doc.path) {
                @if !params.q.is_empty() {
                    p { a href=(url("/", &results)) { "← results for " (params.q) } }
                }
                h1 { (title) }
                dl.meta {
                    @if let Some(line) = meta.and_then(human::meta_line) {
                        dt { "document" } dd { (line) }
                    }
                    @if let Some(newer) = meta.and_then(|m| m.status.as_ref()).and_then(|s| s.replaced_by.as_deref()) {
                        dt { "newer version" } dd { a href=(format!("/doc/{}", encode_path(newer))) { (newer) } }
                    }
                    dt { "path" } dd { (doc.path) }
                    dt { "encoding" } dd { (doc.encoding) }
                    dt { "paragraphs" } dd { (doc.paragraphs.len()) }
                    @if !doc.pages.is_empty() { dt { "pages" } dd { (doc.pages.len()) } }
                    @for (k, v) in &doc.metadata { dt { (convert(k)) } dd { (convert(v)) } }
                    dt { "JSON" } dd { a href=(format!("/api{base}")) { "the document as inspect --json prints it" } }
                }
                @match found {
                    Found::Nothing => {}
                    Found::Failed(e) => { p.error { (e) } }
                    Found::Hits(h) => { p.hitbar {
                        @if h.paragraphs.is_empty() {
                            "No paragraph of this document matches " (params.q) "."
                        } @else {
                            @if h.partial { "No paragraph has every part of the query; these have most of them. " }
                            (h.paragraphs.len()) " paragraph" @if h.paragraphs.len() != 1 { "s" }
                            " match " (params.q) " — hit " span id="hit-at" { "0" } " of " (h.paragraphs.len())
                            "; " kbd { "n" } " next, " kbd { "p" } " previous"
                        }
                    } }
                }
            }
        }
        div.doc {
            nav.outline aria-label="outline" {
                @if entries.is_empty() { p.dim { "(no headings)" } } @else { (tree(&entries)) }
            }
            article.text {
                @for p in &doc.paragraphs {
                    @let depth = p.section.len().min(3);
                    @let kind = match p.kind {
                        ParagraphKind::Heading => format!("heading d{depth}"),
                        ParagraphKind::Body => "body".to_string(),
                        ParagraphKind::Metadata => "metadata".to_string(),
                    };
                    @let hit = hits.and_then(|h| h.paragraphs.get(&p.paragraph));
                    @let class = match hit { Some(_) => format!("para {kind} hit"), None => format!("para {kind}") };
                    @let lines = match p.lines { [a, b] if b > a => format!("{a}-{b}"), [a, _] => a.to_string() };
                    @let section: Vec<String> = p.section.iter().map(|s| convert(s)).collect();
                    p id=(format!("p{}", p.paragraph)) class=(class) data-lines=(lines) data-sec=(section.join(" › ")) {
                        a.ln href=(format!("#p{}", p.paragraph)) title=(format!("paragraph {}, line {lines}", p.paragraph)) { (p.lines[0]) }
                        span.t {
                            @match hit {
                                Some((text, spans)) => (highlighted(text, spans)),
                                None => (convert(&p.text)),
                            }
                        }
                        button.cite type="button" hidden { "copy citation" }
                    }
                }
            }
        }
    };
    layout(&format!("{title} — zhengce"), params, &base, body)
}

/// The outline entries of `doc`: its headings (but its title line), and the articles that start a body paragraph
/// (`第一条 为了…`, whose section path ends with that label), each with its hits.
fn outline(doc: &Document, is_hit: &dyn Fn(u32) -> bool) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut previous: &[String] = &[];
    for p in &doc.paragraphs {
        match p.kind {
            // The title line is the page's own heading.
            ParagraphKind::Heading if p.text == doc.title => {}
            ParagraphKind::Heading => entries.push(Entry {
                depth: p.section.len(),
                label: p.text.clone(),
                para: p.paragraph,
                hits: 0,
            }),
            ParagraphKind::Body => {
                if let Some(label) = p.section.last() {
                    if p.section.as_slice() != previous && p.text.starts_with(label.as_str()) {
                        entries.push(Entry {
                            depth: p.section.len() - 1,
                            label: excerpt(&p.text, label.chars().count() + OUTLINE_TEXT),
                            para: p.paragraph,
                            hits: 0,
                        });
                    }
                }
            }
            ParagraphKind::Metadata => {}
        }
        previous = &p.section;
    }
    // An entry covers its paragraphs up to the next entry as deep or shallower.
    let mut before = vec![0usize; doc.paragraphs.len() + 1];
    for (i, p) in doc.paragraphs.iter().enumerate() {
        before[i + 1] = before[i] + usize::from(is_hit(p.paragraph));
    }
    for i in 0..entries.len() {
        let end = (entries[i + 1..].iter())
            .find(|e| e.depth <= entries[i].depth)
            .map_or(doc.paragraphs.len(), |e| e.para as usize);
        let start = (entries[i].para as usize).min(end);
        entries[i].hits = before[end.min(doc.paragraphs.len())] - before[start];
    }
    entries
}

/// Characters of an article's text shown after its label in the outline.
const OUTLINE_TEXT: usize = 12;

/// The first `n` characters of `text`, with `…` when there are more.
fn excerpt(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().count() > n {
        out.push('…');
    }
    out
}

/// The entries as nested lists: an entry's children are the deeper entries after it.
fn tree(entries: &[Entry]) -> Markup {
    let mut items = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let depth = entries[i].depth;
        let mut j = i + 1;
        while j < entries.len() && entries[j].depth > depth {
            j += 1;
        }
        items.push((&entries[i], &entries[i + 1..j]));
        i = j;
    }
    html! {
        ul {
            @for (e, children) in items {
                li {
                    a href=(format!("#p{}", e.para)) { (e.label) }
                    @if e.hits > 0 { span.n title="hits" { (e.hits) } }
                    @if !children.is_empty() { (tree(children)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_nests_headings_and_articles_and_counts_hits() {
        let text = "某法\n第一章 总则\n第一条 为了甲乙丙丁戊己庚辛壬癸。\n第二条 乙。\n第二章 附则\n第三条 丙。\n";
        let doc = crate::corpus::parse_document("a.txt", text, "UTF-8");
        let hit = |p: u32| p == 2 || p == 5;
        let entries = outline(&doc, &hit);
        let got: Vec<(usize, &str, usize)> = (entries.iter())
            .map(|e| (e.depth, e.label.as_str(), e.hits))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, "第一章 总则", 1),
                (1, "第一条 为了甲乙丙丁戊己庚辛壬…", 1),
                (1, "第二条 乙。", 0),
                (0, "第二章 附则", 1),
                (1, "第三条 丙。", 1),
            ],
            "{:#?}",
            doc.paragraphs
        );
        let html = tree(&entries).into_string();
        assert!(
            html.starts_with("<ul><li><a href=\"#p1\">第一章 总则</a>"),
            "{html}"
        );
        assert_eq!(html.matches("<ul>").count(), 3, "{html}");
    }
}
