//! Web pages to clean text lines: the encoding, the main content, the headline and the
//! metadata table of a government page.
//!
//! - **Encoding:** a byte-order mark; else the charset the page declares in its first 4 KB
//!   (`<meta charset>` or `http-equiv`), when the bytes are valid in it; else detection as
//!   for text files (UTF-8, GB18030, Big5). A declared charset the bytes do not fit is
//!   overruled by detection and said in the encoding (`GB18030 (declared utf-8)`).
//! - **Parsing** is html5ever's (through `scraper`): the tree a browser would build, broken
//!   markup included.
//! - **Furniture left out:** scripts, styles, forms, `nav`/`header`/`footer`/`aside`,
//!   elements hidden with `display:none`, and elements whose class or id names navigation,
//!   banners, breadcrumbs, footers, sharing, printing or related links; then lines of site
//!   furniture left inside the text (版权所有, 网站地图, 主办单位, 上一篇 …).
//! - **Main content:** the element holding the most text in its paragraphs (text inside
//!   links does not count), the way readability-style extractors find an article.
//! - **Title:** the page's `<h1>`, else an element with a `title` class before the content,
//!   else `<meta name="ArticleTitle">`, else `<title>` without its site suffix
//!   (`…_中国政府网`). Lines at the start of the content that spell the title again (a
//!   headline broken with `<br>`) are left out.
//! - **Metadata:** table rows anywhere on the page with known keys (索引号, 主题分类,
//!   发文机关, 成文日期, 标题, 发文字号/文号, 发布日期, 组配分类), as `KEY：VALUE`, the key
//!   without the spaces pages use to align it (`索  引  号`).
//! - **Blocks:** `<br>` ends a line; headings `<h2>`…`<h6>` are headings; a table row with
//!   two or more cells is one line, cells apart; a row with one cell (layout tables) is read
//!   as ordinary blocks.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use super::{decode, ReadError, TextBuilder};

/// Metadata keys read from a page's metadata table (white space removed).
const META_KEYS: &[&str] = &[
    "索引号",
    "主题分类",
    "发文机关",
    "成文日期",
    "标题",
    "发文字号",
    "文号",
    "发布日期",
    "组配分类",
    "發文機關",
    "發文字號",
    "發布日期",
    "索引號",
    "主題分類",
];

/// Parts of class and id names that mark page furniture (compared in lowercase).
const JUNK_NAMES: &[&str] = &[
    "nav",
    "menu",
    "footer",
    "header",
    "breadcrumb",
    "position",
    "share",
    "related",
    "xgbd",
    "xg-",
    "copyright",
    "banner",
    "sidebar",
    "toolbar",
    "print",
    "close",
    "qr",
    "search",
    "login",
    "link",
    "pagination",
    "prevpage",
    "nextpage",
    "fare",
    "wxgz",
];

/// Lines of site furniture that survive in the content of some pages (at most this long).
const FURNITURE_LINES: &[&str] = &[
    "版权所有",
    "网站地图",
    "主办单位",
    "承办单位",
    "ICP备",
    "网站标识码",
    "公网安备",
    "联系我们",
    "打印本页",
    "关闭窗口",
    "扫一扫",
    "分享到",
    "【打印】",
    "【关闭】",
    "上一篇",
    "下一篇",
    "当前位置",
    "相关链接",
    "相关稿件",
    "相关解读",
];
const FURNITURE_MAX_CHARS: usize = 60;

/// Reads a web page into the text handed to the parser and the encoding it was read in.
pub fn to_text(bytes: &[u8]) -> Result<(String, String), ReadError> {
    let (text, encoding) = decode_page(bytes)?;
    let page = Html::parse_document(&text);
    drop(text);
    let root = page.tree.root();
    let content = main_content(root).unwrap_or(root);

    let mut b = TextBuilder::new(true);
    let title = headline(root, content);
    if let Some(t) = &title {
        b.title(t);
    }
    for (k, v) in metadata(root) {
        b.field(&k, &v);
    }
    let mut blocks = Blocks::default();
    blocks.walk(content);
    blocks.flush();
    let mut lines = blocks.out;
    if let Some(t) = &title {
        skip_title_lines(&mut lines, t);
    }
    for line in lines {
        match line {
            Out::Line(t) if !is_furniture(&t) => b.line(without_controls(&t)),
            Out::Line(_) => {}
            Out::Heading(level, t) => b.heading(level, &t),
            Out::Row(cells) => b.row(&cells),
        }
    }
    Ok((b.finish(), format!("HTML, {encoding}")))
}

/// The page's text and the name of its encoding.
fn decode_page(bytes: &[u8]) -> Result<(String, String), ReadError> {
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF");
    let declared = (!has_bom)
        .then(|| declared_charset(&bytes[..bytes.len().min(4096)]))
        .flatten();
    if let Some(enc) = declared {
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
            return Ok((text.into_owned(), enc.name().to_string()));
        }
        let (text, found) = decode::decode(bytes).map_err(|e| ReadError::Damaged {
            format: "HTML",
            reason: format!(
                "declares charset {} but is not valid in it ({e})",
                enc.name()
            ),
        })?;
        return Ok((text, format!("{} (declared {})", found.name(), enc.name())));
    }
    let (text, found) = decode::decode(bytes)?;
    Ok((text, found.name().to_string()))
}

/// The charset named by `charset=` in the head of a page (ASCII case-insensitive).
fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&lower[from..], b"charset") {
        let mut i = from + at + b"charset".len();
        from = i;
        while lower.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if lower.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while lower
            .get(i)
            .is_some_and(|c| matches!(c, b' ' | b'"' | b'\''))
        {
            i += 1;
        }
        let end = (i..lower.len())
            .find(|&j| !(lower[j].is_ascii_alphanumeric() || matches!(lower[j], b'-' | b'_')))
            .unwrap_or(lower.len());
        if let Some(enc) = encoding_rs::Encoding::for_label(&lower[i..end]) {
            // A page that says UTF-16 in an ASCII-compatible head is not UTF-16.
            return Some(
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    encoding_rs::UTF_8
                } else {
                    enc
                },
            );
        }
    }
    None
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "blockquote"
            | "pre"
            | "center"
            | "hr"
            | "figure"
            | "figcaption"
            | "address"
            | "body"
            | "html"
            | "caption"
    )
}

/// Whether an element is page furniture (never text of the document).
fn is_junk(node: NodeRef<'_, Node>) -> bool {
    let Some(e) = node.value().as_element() else {
        return false;
    };
    if matches!(
        e.name(),
        "script"
            | "style"
            | "noscript"
            | "iframe"
            | "nav"
            | "header"
            | "footer"
            | "form"
            | "button"
            | "select"
            | "input"
            | "textarea"
            | "svg"
            | "canvas"
            | "object"
            | "embed"
            | "template"
            | "head"
            | "aside"
            | "img"
    ) {
        return true;
    }
    if e.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        s.to_ascii_lowercase().contains("display:none")
    }) {
        return true;
    }
    let named = |s: &str| {
        let s = s.to_ascii_lowercase();
        JUNK_NAMES.iter().any(|j| s.contains(j))
    };
    e.id().is_some_and(named) || e.classes().any(named)
}

/// Characters of text directly in `node`: in its text children and inline elements, not in
/// nested blocks, links or furniture.
fn own_text_chars(node: NodeRef<'_, Node>) -> usize {
    let mut n = 0;
    for child in node.children() {
        match child.value() {
            Node::Text(t) => n += t.chars().filter(|c| !c.is_whitespace()).count(),
            Node::Element(e) if !is_block(e.name()) && e.name() != "a" && !is_junk(child) => {
                n += own_text_chars(child);
            }
            _ => {}
        }
    }
    n
}

/// The element holding the most paragraph text: each block's own text counts for it and
/// for its parent.
fn main_content(root: NodeRef<'_, Node>) -> Option<NodeRef<'_, Node>> {
    let mut score: HashMap<NodeId, usize> = HashMap::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if is_junk(node) {
            continue;
        }
        if let Some(e) = node.value().as_element() {
            if is_block(e.name()) && !matches!(e.name(), "body" | "html") {
                let n = own_text_chars(node);
                if n > 0 {
                    *score.entry(node.id()).or_default() += n;
                    if let Some(p) = node.parent() {
                        *score.entry(p.id()).or_default() += n;
                    }
                }
            }
        }
        stack.extend(node.children());
    }
    // The first in document order among equals.
    let best = score.values().copied().max()?;
    root.descendants()
        .find(|n| score.get(&n.id()) == Some(&best))
}

/// All text below `node` (furniture left out), on one line.
fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            if !d.ancestors().any(is_junk) {
                out.push_str(t);
            }
        }
    }
    super::one_line(&out)
}

/// The page's headline (see the module documentation).
fn headline(root: NodeRef<'_, Node>, content: NodeRef<'_, Node>) -> Option<String> {
    let elements = || {
        root.descendants()
            .filter(|n| n.value().is_element() && !n.ancestors().any(is_junk) && !is_junk(*n))
    };
    if let Some(h1) = elements().find(|n| n.value().as_element().is_some_and(|e| e.name() == "h1"))
    {
        let t = text_of(h1);
        if !t.is_empty() {
            return Some(t);
        }
    }
    // An element with a `title` class before the content (not the metadata block).
    for n in elements() {
        if n.id() == content.id() {
            break;
        }
        let e = n.value().as_element()?;
        if e.classes()
            .any(|c| c.to_ascii_lowercase().contains("title"))
            && !n
                .descendants()
                .any(|d| d.value().as_element().is_some_and(|e| e.name() == "table"))
        {
            let t = text_of(n);
            if (4..=120).contains(&t.chars().count()) {
                return Some(t);
            }
        }
    }
    for n in root.descendants() {
        let Some(e) = n.value().as_element() else {
            continue;
        };
        if e.name() == "meta"
            && e.attr("name")
                .is_some_and(|v| v.eq_ignore_ascii_case("ArticleTitle"))
        {
            let t = super::one_line(e.attr("content").unwrap_or(""));
            if !t.is_empty() {
                return Some(t);
            }
        }
    }
    let title = root
        .descendants()
        .find(|n| n.value().as_element().is_some_and(|e| e.name() == "title"))?;
    let mut t = String::new();
    for d in title.descendants() {
        if let Node::Text(x) = d.value() {
            t.push_str(x);
        }
    }
    let t = super::one_line(&t);
    // `…的决议__2007年第23号国务院公报_中国政府网`, `标题 - 站名`, `标题|站名`.
    let head = t
        .split(['_', '|'])
        .chain(std::iter::once(""))
        .next()
        .unwrap_or("")
        .split(" - ")
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    (!head.is_empty()).then_some(head)
}

/// `KEY：VALUE` pairs of the page's metadata table, in page order, each key once.
fn metadata(root: NodeRef<'_, Node>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for tr in root.descendants() {
        if tr.value().as_element().is_none_or(|e| e.name() != "tr") {
            continue;
        }
        let cells: Vec<String> = tr
            .children()
            .filter(|c| {
                c.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "td" | "th"))
            })
            .map(text_of)
            .collect();
        let mut i = 0;
        while i < cells.len() {
            let cell = &cells[i];
            let (key, value) = match cell.split_once(['：', ':']) {
                Some((k, v)) => (k, v.trim().to_string()),
                None => (cell.as_str(), String::new()),
            };
            let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
            if META_KEYS.contains(&key.as_str()) {
                let value = if value.is_empty() {
                    i += 1;
                    cells.get(i).cloned().unwrap_or_default()
                } else {
                    value
                };
                if !value.is_empty() && !out.iter().any(|(k, _)| *k == key) {
                    out.push((key, value));
                }
            }
            i += 1;
        }
    }
    out
}

/// A line of the content.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    Line(String),
    Heading(usize, String),
    Row(Vec<String>),
}

/// Turns the content's tree into lines.
#[derive(Debug, Default)]
struct Blocks {
    out: Vec<Out>,
    line: String,
}

impl Blocks {
    fn flush(&mut self) {
        let t = super::one_line(&self.line);
        self.line.clear();
        if !t.is_empty() {
            self.out.push(Out::Line(t));
        }
    }

    fn walk(&mut self, node: NodeRef<'_, Node>) {
        for child in node.children() {
            match child.value() {
                Node::Text(t) => self.line.push_str(t),
                Node::Element(e) if !is_junk(child) => {
                    let name = e.name();
                    match name {
                        "br" => self.flush(),
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            self.flush();
                            let level = usize::from(name.as_bytes()[1] - b'0');
                            let t = text_of(child);
                            if !t.is_empty() {
                                self.out
                                    .push(Out::Heading(level.saturating_sub(1).max(1), t));
                            }
                        }
                        "tr" => {
                            self.flush();
                            self.row(child);
                        }
                        _ if is_block(name) => {
                            self.flush();
                            self.walk(child);
                            self.flush();
                        }
                        _ => self.walk(child),
                    }
                }
                _ => {}
            }
        }
    }

    /// A table row: one line with its cells apart, or the blocks of its one cell.
    fn row(&mut self, tr: NodeRef<'_, Node>) {
        let cells: Vec<NodeRef<'_, Node>> = tr
            .children()
            .filter(|c| {
                c.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "td" | "th"))
            })
            .collect();
        let texts: Vec<String> = cells.iter().map(|c| text_of(*c)).collect();
        let full: Vec<&NodeRef<'_, Node>> = cells
            .iter()
            .zip(&texts)
            .filter(|(_, t)| !t.is_empty())
            .map(|(c, _)| c)
            .collect();
        match full.as_slice() {
            [] => {}
            [one] => {
                self.walk(**one);
                self.flush();
            }
            _ => self.out.push(Out::Row(
                texts.into_iter().filter(|t| !t.is_empty()).collect(),
            )),
        }
    }
}

/// Leaves out the lines at the start that spell `title` again (white space ignored).
fn skip_title_lines(lines: &mut Vec<Out>, title: &str) {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let title = squash(title);
    let mut acc = String::new();
    for (i, line) in lines.iter().enumerate().take(6) {
        let (Out::Line(t) | Out::Heading(_, t)) = line else {
            return;
        };
        acc.push_str(&squash(t));
        if acc == title {
            lines.drain(..=i);
            return;
        }
        if !title.starts_with(&acc) {
            return;
        }
    }
}

/// Markers of page controls that pages put on the line of a date (`发布日期：… 浏览次数：
/// 字体：[大 中 小]`): the line is cut before them.
const CONTROL_MARKERS: &[&str] = &[
    "浏览次数：",
    "字体：[",
    "字体：【",
    "字号：默认",
    "【字体",
    "打印本页",
    "关闭窗口",
];

/// `line` without the page controls at its end.
fn without_controls(line: &str) -> &str {
    let cut = CONTROL_MARKERS
        .iter()
        .filter_map(|m| line.find(m))
        .min()
        .unwrap_or(line.len());
    line[..cut].trim_end()
}

fn is_furniture(line: &str) -> bool {
    line.chars().count() <= FURNITURE_MAX_CHARS && FURNITURE_LINES.iter().any(|f| line.contains(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(html: &str) -> crate::corpus::Document {
        let (text, enc) = to_text(html.as_bytes()).unwrap();
        crate::corpus::parse_document("p.txt", &text, &enc)
    }

    const PAGE: &str = r#"<html><head><meta charset="utf-8"><title>关于印发办法的通知_某某网</title>
        <script>var x = "脚本";</script><style>p { }</style></head><body>
        <div class="nav"><a href="/">首页</a> &gt; <a href="/zc">政策</a></div>
        <div class="xxgk"><table><tr><td><b>索  引  号:</b> 0145/2020-1</td><td>发文机关：</td><td>省政府</td></tr>
        <tr><td>标　　题：关于印发办法的通知</td><td>成文日期: 2020-03-16</td></tr></table></div>
        <p class="con-title">关于印发办法的通知</p>
        <div id="zoom"><p>各市人民政府：</p><p>现将办法印发给你们，请认真贯彻执行。</p>
        <h3>一、总体要求</h3><p>第一行<br>第二行</p>
        <table><tr><td>项目</td><td>金额</td></tr><tr><td>合计</td><td>100</td></tr></table>
        <div style="display: none">隐藏</div><p>【打印】 【关闭】</p></div>
        <div class="footer">版权所有：某某省人民政府 主办单位：办公厅</div></body></html>"#;

    #[test]
    fn content_title_and_metadata() {
        let doc = read(PAGE);
        assert_eq!(doc.title, "关于印发办法的通知");
        assert_eq!(
            doc.metadata,
            [
                ("索引号".to_string(), "0145/2020-1".to_string()),
                ("发文机关".to_string(), "省政府".to_string()),
                ("标题".to_string(), "关于印发办法的通知".to_string()),
                ("成文日期".to_string(), "2020-03-16".to_string()),
            ]
        );
        let texts: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            &texts[5..],
            [
                "各市人民政府：",
                "现将办法印发给你们，请认真贯彻执行。",
                "一、总体要求",
                "第一行",
                "第二行",
                "项目\u{3000}\u{3000}金额",
                "合计\u{3000}\u{3000}100",
            ]
        );
        let heading = &doc.paragraphs[7];
        assert_eq!(heading.kind, crate::corpus::ParagraphKind::Heading);
        assert_eq!(doc.paragraphs[8].section, ["一、总体要求"]);
    }

    #[test]
    fn declared_charset_and_a_wrong_one() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"></head><body><h1>鹰潭港总体规划</h1><p>批复正文。</p></body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        let (_, enc) = to_text(&gbk).unwrap();
        assert_eq!(enc, "HTML, GBK");
        // The same bytes declared UTF-8: detection overrules the declaration and says so.
        let lying = String::from_utf8_lossy(&gbk).replace("charset=gbk", "charset=utf-8");
        let mut bytes = gbk.to_vec();
        let at = memchr::memmem::find(&bytes, b"charset=gbk").unwrap();
        bytes.splice(at..at + 11, b"charset=utf-8".iter().copied());
        let (text, enc) = to_text(&bytes).unwrap();
        assert!(
            enc.starts_with("HTML, GB18030 (declared UTF-8)"),
            "{enc} {lying}"
        );
        assert!(text.contains("鹰潭港总体规划"), "{text}");
    }

    #[test]
    fn a_headline_broken_over_lines_is_not_repeated() {
        let doc = read(
            "<html><head><title>甲关于乙的决议__公报_中国政府网</title></head><body><div id=c><p>甲<br>关于乙的决议<br>（通过）</p><p>正文很长的一段话，写满了内容。</p></div></body></html>",
        );
        assert_eq!(doc.title, "甲关于乙的决议");
        let texts: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "甲关于乙的决议",
                "（通过）",
                "正文很长的一段话，写满了内容。"
            ]
        );
    }
}
