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

use std::cell::Cell;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::{output_doc_page, Document, PlainTextOutput};

use super::super::heading::{display_width, ends_sentence, match_label};
use super::{ReadError, TextBuilder};

const FORMAT: &str = "PDF";

/// How many lines at the top and at the bottom of a page may be running furniture.
pub const EDGE_LINES: usize = 2;

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

/// Reads a PDF's text layer into the text handed to the parser.
pub fn to_text(bytes: &[u8]) -> Result<(String, Vec<u32>), ReadError> {
    let pages = page_texts(bytes)?;
    let lines: Vec<Vec<String>> = pages
        .iter()
        .map(|p| {
            p.lines()
                .map(|l| squeeze_wide_spaces(l.trim()))
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect();
    let pages: Vec<Vec<&str>> = lines
        .iter()
        .map(|p| p.iter().map(String::as_str).collect())
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

/// The lines of all pages (trimmed, not empty) one after the other, page furniture left out
/// and the lines of one paragraph joined ([`join_wrapped`]); with the line of that text where
/// each page begins (a paragraph that runs on to the next page is on the page it starts on).
pub fn paged_text(pages: &[Vec<&str>]) -> (String, Vec<u32>) {
    let mut b = TextBuilder::new(false);
    let by_page = kept_by_page(pages);
    let mut lines = join_wrapped(&by_page.iter().flatten().copied().collect::<Vec<_>>());
    if let Some(title) = front_title(&mut lines) {
        b.title(&title);
    }
    for line in lines {
        b.line(&line);
    }
    let text = b.finish();
    let starts = page_starts(&text, by_page.iter().map(|p| p.first().copied()));
    (text, starts)
}

/// The line (1-based) of `text` where each page begins, given each page's first kept line:
/// the first line at or after the previous page's that holds it (joined lines hold several);
/// a page without text begins where the previous one does.
fn page_starts<'a>(text: &str, firsts: impl Iterator<Item = Option<&'a str>>) -> Vec<u32> {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    let mut out = Vec::new();
    for first in firsts {
        if let Some(f) = first {
            if let Some(k) = (at..lines.len()).find(|&k| lines[k].contains(f)) {
                // Inside a line joined across the break, the page begins with the next line:
                // the paragraph it is in began on the page before.
                at = match lines[k].trim_start_matches("# ").starts_with(f) {
                    true => k,
                    false => k + 1,
                };
            }
        }
        out.push(at as u32 + 1);
    }
    out
}

/// The title of a paged official document whose first lines are not its title, taken out of
/// `lines`: after a masthead (issuers, `××文件`, a 文号, each a short line without sentence
/// punctuation), the lines from one starting with `关于` to the first that ends like a
/// document's name (`…的通知`), four lines at most; or, after an attachment label alone
/// (`附件1`), the next line. `None` leaves the parser's rule (the first line) in force.
fn front_title(lines: &mut Vec<String>) -> Option<String> {
    let short = |l: &str| l.chars().count() <= 30 && !l.contains(['。', '；', '，', '：', ':']);
    let squash = |l: &str| l.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let first = squash(lines.first()?);
    let label = first.strip_prefix("附件").is_some_and(|r| {
        r.chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十：:".contains(c))
    });
    if label {
        let next = lines.get(1)?;
        if next.chars().count() <= 80 && short(&next.replace(['，', '：'], "")) {
            return Some(lines.remove(1));
        }
        return None;
    }
    let start = (1..lines.len().min(8)).find(|&i| squash(&lines[i]).starts_with("关于"))?;
    if !lines[..start].iter().all(|l| short(l)) {
        return None;
    }
    let end = (start..lines.len().min(start + 4)).find(|&j| super::ends_like_a_name(&lines[j]))?;
    let parts: Vec<String> = lines.drain(start..=end).collect();
    let title: String = parts.iter().map(|l| l.trim()).collect();
    (!title.contains(['。', '；']))
        .then_some(title)
        .or_else(|| {
            // Not a name after all: put the lines back.
            for (k, l) in parts.into_iter().enumerate() {
                lines.insert(start + k, l);
            }
            None
        })
}

/// How many display columns short of the full width a line may be and still be full (three
/// wide characters: digits and Latin letters are narrower, justified lines hold fewer).
pub const FULL_LINE_SLACK: usize = 6;

/// Lines of one paragraph joined: a line is joined to the next when it is *full* (within
/// [`FULL_LINE_SLACK`] of the width that a quarter of the long lines reach), does not end a
/// sentence, and the next line does not start with a numbered label. The text parser's
/// hard-wrap rule wants one exact width, which lines laid out on a page rarely share (digits
/// are narrower, justified lines vary); this rule tolerates that.
pub fn join_wrapped(lines: &[&str]) -> Vec<String> {
    let widths: Vec<usize> = lines.iter().map(|l| display_width(l)).collect();
    let mut long: Vec<usize> = widths.iter().copied().filter(|&w| w >= 20).collect();
    long.sort_unstable();
    let full = long.get(long.len() * 3 / 4).copied();
    let mut out: Vec<String> = Vec::new();
    let mut joining = false;
    for (line, width) in lines.iter().zip(&widths) {
        match out.last_mut() {
            Some(last) if joining && match_label(line).is_none() => {
                let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                if latin(last.chars().next_back()) && latin(line.chars().next()) {
                    last.push(' ');
                }
                last.push_str(line);
            }
            _ => out.push((*line).to_string()),
        }
        joining = full.is_some_and(|f| width + FULL_LINE_SLACK >= f) && !ends_sentence(line);
    }
    out
}

/// The lines of each page that are not page furniture, in order.
fn kept_by_page<'a>(pages: &'a [Vec<&'a str>]) -> Vec<Vec<&'a str>> {
    let running = running_lines(pages);
    (pages.iter())
        .map(|page| {
            let n = page.len();
            (page.iter().enumerate())
                .filter_map(|(i, line)| {
                    let edge = i < EDGE_LINES || i + EDGE_LINES >= n;
                    let furniture =
                        edge && (is_page_number(line) || running.contains_key(&digits_aside(line)));
                    (!furniture).then_some(*line)
                })
                .collect()
        })
        .collect()
}

/// The text of each page, as the extractor lays it out.
fn page_texts(bytes: &[u8]) -> Result<Vec<String>, ReadError> {
    let mut doc = Document::load_mem(bytes).map_err(|e| ReadError::damaged(FORMAT, e))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(ReadError::Encrypted { format: FORMAT });
    }
    ucs2_fonts_as_identity(&mut doc);
    let numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
    if numbers.is_empty() {
        return Err(ReadError::damaged(FORMAT, "no pages"));
    }
    let mut pages = Vec::with_capacity(numbers.len());
    let mut failed = 0;
    for n in numbers {
        EXTRACTING.with(|e| e.set(true));
        let page = catch_unwind(AssertUnwindSafe(|| {
            let mut s = String::new();
            let mut out = PlainTextOutput::new(&mut s);
            output_doc_page(&doc, &mut out, n).map(|()| s)
        }));
        EXTRACTING.with(|e| e.set(false));
        if page.is_err() {
            CAUGHT.with(|c| c.set(c.get() + 1));
        }
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
    use pdf_extract::{Dictionary, Object, Stream};
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
    fn full_lines_are_joined() {
        let lines = [
            "一、总体要求",
            "按照全省开展“双创双服”活动和市委、市政府关于推进高",
            "质量发展的安排部署，为进一步优化全市营商环境，打造",
            "唐山品牌。",
            "（一）指导思想。深入落实党的十九大精神，以习近平新时",
            "代中国特色社会主义思想为指导，坚持以人民为中心的发展",
            "1.取消、下放审批事项 34项，实现审批事项最少，减少收费项",
        ];
        assert_eq!(
            join_wrapped(&lines),
            [
                "一、总体要求",
                "按照全省开展“双创双服”活动和市委、市政府关于推进高质量发展的安排部署，为进一步优化全市营商环境，打造唐山品牌。",
                "（一）指导思想。深入落实党的十九大精神，以习近平新时代中国特色社会主义思想为指导，坚持以人民为中心的发展",
                "1.取消、下放审批事项 34项，实现审批事项最少，减少收费项",
            ]
        );
    }

    #[test]
    fn titles_after_a_masthead_or_an_attachment_label() {
        let mut lines: Vec<String> = [
            "唐港城办发〔2019〕10 号",
            "唐山市行政审批局",
            "关于进一步规范市政设施建设类审批、",
            "合并办理工作的通知",
            "各县（市、区）人民政府：",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            front_title(&mut lines).as_deref(),
            Some("关于进一步规范市政设施建设类审批、合并办理工作的通知")
        );
        assert_eq!(
            lines,
            [
                "唐港城办发〔2019〕10 号",
                "唐山市行政审批局",
                "各县（市、区）人民政府："
            ]
        );
        let mut lines: Vec<String> = ["附件1", "投资项目事项清单", "序号"]
            .map(String::from)
            .to_vec();
        assert_eq!(front_title(&mut lines).as_deref(), Some("投资项目事项清单"));
        // A document that starts with its name, or whose first lines are text, keeps the rule.
        let mut lines: Vec<String> = [
            "中华人民共和国劳动法",
            "《中华人民共和国劳动法》已由……通过，现予公布。",
            "关于劳动的通知",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(front_title(&mut lines), None);
        assert_eq!(lines.len(), 3);
    }

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
        let kept: Vec<&str> = kept_by_page(&pages).concat();
        // `正文` stands at the bottom of every page: a running line too.
        assert_eq!(kept, ["一", "二", "三", "四", "五", "六", "七", "八"]);
    }

    #[test]
    fn broken_files_are_reported() {
        let err = to_text(b"%PDF-1.4\nnot really").unwrap_err().to_string();
        assert!(err.starts_with("damaged PDF file"), "{err}");
    }
}
