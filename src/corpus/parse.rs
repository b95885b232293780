//! Parsing decoded text into a [`Document`]: title, metadata, paragraphs with their kind,
//! section path and source line range.
//!
//! The steps, in order:
//! 1. **Lines.** The text is split at `\r\n`, `\n` or a lone `\r`; line numbers are 1-based
//!    and count every physical line, front matter included.
//! 2. **Markup that is not text.** HTML comments on lines of their own (also spanning lines;
//!    an unclosed `<!--` is kept as text so nothing is lost), blank lines and the `---`
//!    delimiters of a front-matter block are not paragraphs; in `.md` files neither are
//!    setext underlines, thematic breaks (`---`, `***`) and table delimiter rows. Every other
//!    line holds text and ends up in a paragraph, so any phrase a user sees in a line is found.
//!    A front-matter block at the very start (closed by `---` or `...`): its simple
//!    `key: value` lines (quotes stripped) are metadata (`title` is the title), and every line
//!    of it with text is a `metadata` paragraph.
//! 3. **Markdown headings.** ATX headings (`#`…`######`, in any file) and, in `.md` files,
//!    setext headings. A paragraph's text is the heading text without the `#` markup.
//! 4. **Title.** The front-matter `title`; else the first level-1 `#` heading; else the first
//!    content line if it looks like a title (no numbered label, no 。！？；, ≤ 80 chars);
//!    else the file name without extension. The line the title comes from (when it is the
//!    level-1 heading or the first content line) is paragraph of kind `heading` with an
//!    empty section path, and it does **not** enclose the rest: section paths start below
//!    the title (`第 一 章 總綱`, not `中華民國憲法 › 第 一 章 總綱`).
//! 5. **Header metadata lines.** Right after a title taken from the first content line, the
//!    leading block of lines (blank lines allowed in between) that are each a header field;
//!    the first line that is not ends the block. A header field is a `KEY：VALUE` (or `:`)
//!    line whose key is 1-8 CJK ideographs (white space inside ignored: `編      註` is
//!    `編註`) and whose value is not empty, that does not start with a numbered label
//!    (`第一条：…` is an article), and whose key is a known header key ([`HEADER_KEYS`]:
//!    `修正日期`, `法規類別`, `廢止註記`, `发文字号`, `成文日期`, …) or, for any other key, is
//!    short (at most [`SHORT_KEY_CHARS`] characters) with a short value (at most
//!    [`SHORT_VALUE_CHARS`]) that does not read as a sentence (no `。！？；，、`): `目标：到2025年，
//!    基本建成…。` and `内容：为了规范管理，…` are body text. A header field goes to `metadata`
//!    **and** stays a paragraph of kind `metadata` (empty section path), so a phrase in it
//!    is found like any other text.
//! 6. **Hard wraps** are joined without a space (rule in the `wrap` module); text is trimmed of
//!    white space (ASCII, U+3000) at both ends.
//! 7. **Sections** follow the rules in the `sections` module.
//!
//! Parsing never fails and never panics: any text is some document.

use super::heading::match_label;
use super::sections::SectionStack;
use super::{wrap, Document, Paragraph, ParagraphKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    /// Not a paragraph: blank, front matter, comment, Markdown markup, metadata.
    Skip,
    /// A text line, trimmed.
    Text(&'a str),
    /// A Markdown heading and its text, trimmed.
    Heading(u8, &'a str),
    /// A header metadata line or a front-matter line, trimmed: a paragraph of its own.
    Meta(&'a str),
}

const TITLE_MAX_CHARS: usize = 80;
const META_KEY_MAX_CHARS: usize = 8;
/// A header field with a key not in [`HEADER_KEYS`] has a key of at most this many characters.
pub const SHORT_KEY_CHARS: usize = 4;
/// A header field with a key not in [`HEADER_KEYS`] has a value of at most this many
/// characters.
pub const SHORT_VALUE_CHARS: usize = 30;

/// Keys of header fields whose value may be anything, in both scripts: the fields of Taiwan's
/// laws database, of mainland document headers and of government web pages' metadata tables.
pub const HEADER_KEYS: &[&str] = &[
    "修正日期",
    "公布日期",
    "發布日期",
    "发布日期",
    "施行日期",
    "实施日期",
    "實施日期",
    "生效日期",
    "廢止日期",
    "废止日期",
    "法規類別",
    "法规类别",
    "廢止註記",
    "废止注记",
    "編註",
    "编注",
    "發文機關",
    "发文机关",
    "發布機關",
    "发布机关",
    "制定機關",
    "制定机关",
    "發文字號",
    "发文字号",
    "文號",
    "文号",
    "成文日期",
    "索引號",
    "索引号",
    "主題分類",
    "主题分类",
    "時效性",
    "时效性",
    "效力級別",
    "效力级别",
    "來源",
    "来源",
    "作者",
    "主送",
    "抄送",
    "簽發人",
    "签发人",
];

fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

fn trim(s: &str) -> &str {
    s.trim_matches(is_trimmed)
}

/// Parses the text of the file at `rel_path` (relative to the corpus root, `/`-separated)
/// into a document. `encoding` is recorded as given. Never fails: any text is some document.
pub fn parse_document(rel_path: &str, text: &str, encoding: &str) -> Document {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let is_md = rel_path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"));
    let raw = split_lines(text);
    let mut metadata = Vec::new();
    let mut fm_title = None;
    let start = front_matter(&raw, &mut fm_title, &mut metadata);
    let mut lines = classify(&raw, start, is_md);
    for i in 1..start.saturating_sub(1) {
        let t = trim(raw[i]);
        if !t.is_empty() {
            lines[i] = Line::Meta(t);
        }
    }

    let first_content = lines
        .iter()
        .position(|l| !matches!(l, Line::Skip | Line::Meta(_)));
    let h1 = lines.iter().position(|l| matches!(l, Line::Heading(1, _)));
    let title_line = if fm_title.is_some() {
        first_content.filter(|&i| Some(i) == h1)
    } else if h1.is_some() {
        h1
    } else {
        first_content.filter(|&i| looks_like_title(line_text(lines[i])))
    };
    let title = fm_title
        .or_else(|| title_line.map(|i| line_text(lines[i]).to_string()))
        .unwrap_or_else(|| file_stem(rel_path).to_string());
    if let Some(t) = title_line.filter(|&t| Some(t) == first_content) {
        take_metadata_lines(&mut lines[t + 1..], &mut metadata);
    }

    let text_lines = |labeled: bool| {
        lines.iter().zip(&raw).filter_map(move |(l, r)| match l {
            Line::Text(t) if (labeled || match_label(t).is_none()) && !is_table_row(t) => {
                Some(r.trim_end())
            }
            _ => None,
        })
    };
    // Labeled lines (list items, `二、…`) wrap at the same width, but headings share widths
    // by chance too: they count only when the unlabeled lines alone say nothing, and then
    // three of a width are needed.
    let width =
        wrap::wrap_width(text_lines(false), 2).or_else(|| wrap::wrap_width(text_lines(true), 3));

    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut stack = SectionStack::default();
    let mut i = 0;
    while i < lines.len() {
        let first = i;
        let (kind, section, text) = match lines[i] {
            Line::Skip => {
                i += 1;
                continue;
            }
            Line::Meta(t) => (ParagraphKind::Metadata, Vec::new(), t.to_string()),
            line if Some(i) == title_line => {
                stack.clear();
                (
                    ParagraphKind::Heading,
                    Vec::new(),
                    line_text(line).to_string(),
                )
            }
            Line::Heading(level, t) => {
                let placed = stack.markdown_heading(level, t);
                (placed.kind, placed.section, t.to_string())
            }
            Line::Text(t) => {
                let mut joined = t.to_string();
                while let Some(&Line::Text(next)) = lines.get(i + 1) {
                    let ok = Some(i + 1) != title_line
                        && may_continue(line_text(lines[i]))
                        && match_label(next).is_none()
                        && !is_table_row(next)
                        && wrap::joins(raw[i].trim_end(), next, width);
                    if !ok {
                        break;
                    }
                    if wrap::needs_space(&joined, next) {
                        joined.push(' ');
                    }
                    joined.push_str(next);
                    i += 1;
                }
                let placed = stack.text(&joined);
                (placed.kind, placed.section, joined)
            }
        };
        paragraphs.push(Paragraph {
            paragraph: line_no(paragraphs.len()),
            kind,
            section,
            lines: [line_no(first + 1), line_no(i + 1)],
            text,
        });
        i += 1;
    }

    Document {
        path: rel_path.to_string(),
        title,
        encoding: encoding.to_string(),
        metadata,
        paragraphs,
    }
}

fn line_no(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn line_text(line: Line<'_>) -> &str {
    match line {
        Line::Skip => "",
        Line::Text(t) | Line::Heading(_, t) | Line::Meta(t) => t,
    }
}

/// Splits at `\r\n`, `\n` or `\r`. A final line break does not start another line.
fn split_lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for pos in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if pos < start {
            continue; // the `\n` of a `\r\n` already consumed
        }
        out.push(&text[start..pos]);
        start = if bytes[pos] == b'\r' && bytes.get(pos + 1) == Some(&b'\n') {
            pos + 2
        } else {
            pos + 1
        };
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn file_stem(rel_path: &str) -> &str {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    }
}

/// Reads a front-matter block starting at line 0; returns the index of the first line after
/// it (0 when there is none).
fn front_matter(
    raw: &[&str],
    title: &mut Option<String>,
    metadata: &mut Vec<(String, String)>,
) -> usize {
    if raw.first().map(|l| l.trim_end()) != Some("---") {
        return 0;
    }
    let Some(end) = raw[1..]
        .iter()
        .position(|l| matches!(l.trim_end(), "---" | "..."))
        .map(|p| p + 1)
    else {
        return 0;
    };
    for line in &raw[1..end] {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue; // nested values, lists and comments are not simple fields
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        let value = unquote(value.trim());
        if key.is_empty() {
            continue;
        }
        if key.eq_ignore_ascii_case("title") && title.is_none() && !value.is_empty() {
            *title = Some(value.to_string());
        } else {
            metadata.push((key.to_string(), value.to_string()));
        }
    }
    end + 1
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// Classifies lines from `start` on (earlier ones are front matter: `Skip`).
fn classify<'a>(raw: &[&'a str], start: usize, is_md: bool) -> Vec<Line<'a>> {
    let mut lines = vec![Line::Skip; raw.len()];
    let mut i = start;
    while i < raw.len() {
        let t = trim(raw[i]);
        if t.is_empty() {
            i += 1;
            continue;
        }
        if let Some(comment) = t.strip_prefix("<!--") {
            if comment.contains("-->") {
                if t.ends_with("-->") {
                    i += 1;
                    continue;
                }
            } else if let Some(end) = raw[i + 1..].iter().position(|l| l.contains("-->")) {
                i += end + 2;
                continue;
            }
        }
        if let Some((level, text)) = atx_heading(raw[i]) {
            if !text.is_empty() {
                lines[i] = Line::Heading(level, text);
            }
        } else if is_md && (is_thematic_break(raw[i]) || is_table_delimiter(t)) {
            // markup only
        } else if let Some(level) = raw.get(i + 1).filter(|_| is_md).and_then(|u| setext(u)) {
            lines[i] = Line::Heading(level, t);
            i += 1; // the underline is markup
        } else {
            lines[i] = Line::Text(t);
        }
        i += 1;
    }
    lines
}

/// `# text`, `## text ##`: the level and the text without markup, trimmed.
fn atx_heading(line: &str) -> Option<(u8, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let s = &line[indent..];
    let hashes = s.len() - s.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &s[hashes..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let mut text = trim(rest);
    let closed = text.trim_end_matches('#');
    if closed.is_empty() || closed.ends_with([' ', '\t']) {
        text = trim(closed);
    }
    Some((u8::try_from(hashes).unwrap_or(6), text))
}

fn setext(underline: &str) -> Option<u8> {
    let t = underline.trim();
    let indent = underline.len() - underline.trim_start_matches(' ').len();
    if indent > 3 || t.len() < 2 {
        return None;
    }
    if t.bytes().all(|b| b == b'=') {
        Some(1)
    } else if t.bytes().all(|b| b == b'-') {
        Some(2)
    } else {
        None
    }
}

fn is_thematic_break(line: &str) -> bool {
    let mut marks = line.chars().filter(|c| !matches!(c, ' ' | '\t'));
    let Some(m) = marks.next().filter(|m| matches!(m, '-' | '*' | '_')) else {
        return false;
    };
    let mut n = 1;
    for c in marks {
        if c != m {
            return false;
        }
        n += 1;
    }
    n >= 3
}

fn looks_like_title(t: &str) -> bool {
    !t.is_empty()
        && match_label(t).is_none()
        && t.chars().count() <= TITLE_MAX_CHARS
        && !t
            .chars()
            .any(|c| matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';'))
        && !t.ends_with(['：', ':', '，', ',', '、'])
}

/// A row of a Markdown table (`| a | b |`) or of a box-drawn table (`│正工程司│一│`): each
/// row is its own paragraph, never part of a hard wrap.
fn is_table_row(t: &str) -> bool {
    t.starts_with('|') || t.chars().any(|c| ('\u{2500}'..='\u{257F}').contains(&c))
}

/// `|---|:---:|`: markup between a Markdown table's header and its rows.
fn is_table_delimiter(t: &str) -> bool {
    t.starts_with('|') && t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// Whether a text line may run on into the next one: not a division heading, not a label
/// alone on its line, not a table row.
fn may_continue(t: &str) -> bool {
    if is_table_row(t) {
        return false;
    }
    match match_label(t) {
        Some(l) => !l.kind.is_division() && !trim(&t[l.len..]).is_empty(),
        None => true,
    }
}

/// Records the leading header fields of `after_title` in `metadata` and marks their lines
/// as metadata paragraphs.
fn take_metadata_lines(after_title: &mut [Line<'_>], metadata: &mut Vec<(String, String)>) {
    for line in after_title {
        match *line {
            Line::Skip => continue,
            Line::Text(t) => match header_field(t) {
                Some(field) => {
                    metadata.push(field);
                    *line = Line::Meta(t);
                }
                None => return,
            },
            Line::Heading(..) | Line::Meta(_) => return,
        }
    }
}

/// The (key, value) of a header field line (see the module doc, step 5), or `None`.
pub fn header_field(t: &str) -> Option<(String, String)> {
    if match_label(t).is_some() {
        return None;
    }
    let (key, value) = t.split_once(['：', ':'])?;
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    let n = key.chars().count();
    let value = trim(value);
    let cjk =
        |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c);
    if !(1..=META_KEY_MAX_CHARS).contains(&n) || !key.chars().all(cjk) || value.is_empty() {
        return None;
    }
    let known = HEADER_KEYS.contains(&key.as_str());
    let short = n <= SHORT_KEY_CHARS
        && value.chars().count() <= SHORT_VALUE_CHARS
        && !value.contains(['。', '！', '？', '；', '，', '、', '!', '?', ';']);
    (known || short).then(|| (key, value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ParagraphKind::{Body, Heading, Metadata};

    fn parse(rel: &str, text: &str) -> Document {
        parse_document(rel, text, "UTF-8")
    }

    /// (kind, section joined by " › ", lines, text) per paragraph.
    fn rows(doc: &Document) -> Vec<(ParagraphKind, String, [u32; 2], String)> {
        doc.paragraphs
            .iter()
            .map(|p| (p.kind, p.section.join(" › "), p.lines, p.text.clone()))
            .collect()
    }

    fn row(
        k: ParagraphKind,
        s: &str,
        l: [u32; 2],
        t: &str,
    ) -> (ParagraphKind, String, [u32; 2], String) {
        (k, s.to_string(), l, t.to_string())
    }

    const TW: &str = "中華民國憲法\r\n修正日期：民國 36 年 01 月 01 日\r\n法規類別：憲法\r\n\
        中華民國國民大會受全體國民之付託，依據孫中山先生創立中華民國之遺\r\n\
        教，為鞏固國權，保障民權，奠定社會安寧，增進人民福利，制定本憲法\r\n\
        ，頒行全國，永矢咸遵。\r\n第 一 章 總綱\r\n第 1 條\r\n\
        中華民國基於三民主義，為民有民治民享之民主共和國。\r\n第 6-1 條\r\n中華民國國旗定為紅地。\r\n";

    #[test]
    fn labeled_lines_wrapped_at_the_width_count_when_unlabeled_ones_are_too_few() {
        // One unlabeled wrapped line is not enough to know the width; with the list items
        // wrapped at it (three lines of 64 columns), all three continue.
        let text = "某處辦事細則\n\
                    第 1 條\n\
                    行政院文化建設委員會文化資產總管理處籌備處（以下簡稱本處）為處理\n\
                    內部單位之分工職掌，訂定本細則。\n\
                    第 2 條\n\
                    一、國定古蹟、重要聚落、國定遺址、國寶與重要古物之保存及監管保護。\n\
                    二、直轄市、縣（市）政府、民間團體與個人辦理古蹟、歷史建築、聚落\n\
                    \u{20}\u{20}\u{20}\u{20}、遺址、古物及文化景觀等文化資產保存維護之輔助。\n\
                    三、直轄市、縣（市）政府辦理傳統藝術、民俗及有關文物保存維護之輔\n\
                    \u{20}\u{20}\u{20}\u{20}助。\n";
        let doc = parse("a.txt", text);
        let joined: Vec<[u32; 2]> = (doc.paragraphs.iter())
            .filter(|p| p.lines[0] < p.lines[1])
            .map(|p| p.lines)
            .collect();
        assert_eq!(joined, [[3, 4], [7, 8], [9, 10]], "{doc:#?}");
        // Headings that happen to share a width (twice) are not taken for wrapped lines.
        let doc = parse(
            "b.txt",
            "綜述\n一、 我國人工智能發展具備較好的基礎優勢\n正文。\n二、 我國人工智能發展面臨的挑戰和風險\n正文。\n",
        );
        assert!(
            doc.paragraphs.iter().all(|p| p.lines[0] == p.lines[1]),
            "{doc:#?}"
        );
        // Three headings of one width over long unwrapped paragraphs (the sample's
        // symposium summary): the paragraphs are wider than that width, so not wrapped at it.
        let body = "與會者認為，高質量數據供給不足已成為制約人工智能發展的關鍵因素，應當加快完善數據產權制度";
        let text = format!(
            "綜述\n一、 人工智能發展進入制度競爭期\n{body}。\n二、 以制度創新釋放數據要素價值\n{body}\n\
             （一）完善數據產權和收益分配制度。{body}。\n三、 推動人工智能治理的多邊合作\n{body}。\n"
        );
        let doc = parse("c.txt", &text);
        assert!(
            doc.paragraphs.iter().all(|p| p.lines[0] == p.lines[1]),
            "{doc:#?}"
        );
        let headings = doc
            .paragraphs
            .iter()
            .filter(|p| p.kind == ParagraphKind::Heading);
        assert_eq!(headings.count(), 4, "{doc:#?}");
        // List items wrapped at one width below long unwrapped paragraphs still join.
        let intro = "各地区各部门要从全局和战略高度，充分认识加强这项工作的重要性和紧迫性，采取有力措施，切实抓好贯彻落实。";
        let text = format!(
            "通知\n{intro}\n{intro}\n{intro}\n\
             一、加强组织领导。各地区各部门要充分认识做好这项工作的重要意\n义，切实把这项工作摆上重要议事日程。\n\
             二、健全工作机制。建立由发展改革部门牵头、有关部门参加的协调\n机制，定期研究解决重大问题。\n\
             三、强化督促检查。各地区要将落实情况纳入年度考核内容，对工作\n不力的地区和单位进行通报批评。\n"
        );
        let doc = parse("d.txt", &text);
        let joined: Vec<[u32; 2]> = (doc.paragraphs.iter())
            .filter(|p| p.lines[0] < p.lines[1])
            .map(|p| p.lines)
            .collect();
        assert_eq!(joined, [[5, 6], [7, 8], [9, 10]], "{doc:#?}");
    }

    #[test]
    fn taiwan_law_title_metadata_preamble_chapters_articles() {
        let doc = parse("憲法/中華民國憲法.txt", TW);
        assert_eq!(doc.title, "中華民國憲法");
        assert_eq!(
            doc.metadata,
            [
                ("修正日期".to_string(), "民國 36 年 01 月 01 日".to_string()),
                ("法規類別".to_string(), "憲法".to_string())
            ]
        );
        let preamble = "中華民國國民大會受全體國民之付託，依據孫中山先生創立中華民國之遺\
            教，為鞏固國權，保障民權，奠定社會安寧，增進人民福利，制定本憲法，頒行全國，永矢咸遵。";
        assert_eq!(
            rows(&doc),
            [
                row(Heading, "", [1, 1], "中華民國憲法"),
                row(Metadata, "", [2, 2], "修正日期：民國 36 年 01 月 01 日"),
                row(Metadata, "", [3, 3], "法規類別：憲法"),
                row(Body, "", [4, 6], preamble),
                row(Heading, "", [7, 7], "第 一 章 總綱"),
                row(Heading, "第 一 章 總綱", [8, 8], "第 1 條"),
                row(
                    Body,
                    "第 一 章 總綱 › 第 1 條",
                    [9, 9],
                    "中華民國基於三民主義，為民有民治民享之民主共和國。"
                ),
                row(Heading, "第 一 章 總綱", [10, 10], "第 6-1 條"),
                row(
                    Body,
                    "第 一 章 總綱 › 第 6-1 條",
                    [11, 11],
                    "中華民國國旗定為紅地。"
                ),
            ]
        );
        assert!(doc
            .paragraphs
            .iter()
            .enumerate()
            .all(|(i, p)| p.paragraph as usize == i));
    }

    #[test]
    fn markdown_law_with_info_block_and_front_matter() {
        let text = "---\ntitle: \"民法典\"\nweight: 3\n---\n# 中华人民共和国民法典\n\n2020年5月28日 通过\n\n\
            <!-- INFO END -->\n\n## 第一编 总则\n\n### 第一章 基本规定\n\n第一条 为了保护民事主体的合法权益，制定本法。\n\n\
            本法所称…。\n\n<!--\n多行\n注释 -->\n第二条 民法调整平等主体之间的关系。\n";
        let doc = parse("民法典/民法典.md", text);
        assert_eq!(doc.title, "民法典");
        assert_eq!(doc.metadata, [("weight".to_string(), "3".to_string())]);
        assert_eq!(
            rows(&doc),
            [
                row(Metadata, "", [2, 2], "title: \"民法典\""),
                row(Metadata, "", [3, 3], "weight: 3"),
                row(Heading, "", [5, 5], "中华人民共和国民法典"),
                row(Body, "", [7, 7], "2020年5月28日 通过"),
                row(Heading, "", [11, 11], "第一编 总则"),
                row(Heading, "第一编 总则", [13, 13], "第一章 基本规定"),
                row(
                    Body,
                    "第一编 总则 › 第一章 基本规定 › 第一条",
                    [15, 15],
                    "第一条 为了保护民事主体的合法权益，制定本法。"
                ),
                row(
                    Body,
                    "第一编 总则 › 第一章 基本规定 › 第一条",
                    [17, 17],
                    "本法所称…。"
                ),
                row(
                    Body,
                    "第一编 总则 › 第一章 基本规定 › 第二条",
                    [22, 22],
                    "第二条 民法调整平等主体之间的关系。"
                ),
            ]
        );
    }

    #[test]
    fn report_with_indentation_and_nested_items() {
        let text = "\n2008政府工作报告\n\n    各位代表：\n\n    一、 过去五年工作回顾\n\n\
            \u{3000}\u{3000}（一）加强和改善宏观调控，促进经济平稳快速发展\n\n    我们坚持把调控作为首要任务。\n\n\
            1．稳定物价\n\n    二、2008年工作总体部署\n";
        let doc = parse("gov-reports/2008.txt", text);
        assert_eq!(doc.title, "2008政府工作报告");
        assert!(doc.metadata.is_empty());
        let r = rows(&doc);
        assert_eq!(r[1], row(Body, "", [4, 4], "各位代表："));
        assert_eq!(r[2], row(Heading, "", [6, 6], "一、 过去五年工作回顾"));
        assert_eq!(r[3].1, "一、 过去五年工作回顾");
        let path = "一、 过去五年工作回顾 › （一）加强和改善宏观调控，促进经济平稳快速发展";
        assert_eq!(
            r[4],
            row(Body, path, [10, 10], "我们坚持把调控作为首要任务。")
        );
        assert_eq!(r[5], row(Heading, path, [12, 12], "1．稳定物价"));
        assert_eq!(r[6], row(Heading, "", [14, 14], "二、2008年工作总体部署"));
    }

    #[test]
    fn title_fallbacks() {
        assert_eq!(parse("a/b.txt", "").title, "b");
        assert!(parse("a/b.txt", "").paragraphs.is_empty());
        assert_eq!(parse("a/b.txt", "\r\n \u{3000}\n").paragraphs.len(), 0);
        // A first line that is a sentence is body text, and the file name is the title.
        let doc = parse(
            "x/综述.txt",
            "近年來,人工智能技術進入快速發展階段。\n一、 基礎\n",
        );
        assert_eq!(doc.title, "综述");
        assert_eq!(doc.paragraphs[0].kind, Body);
        assert_eq!(doc.paragraphs[1].kind, Heading);
        // A first line that is a numbered heading stays a section.
        let doc = parse("x/y.txt", "第一章 总则\n第一条 内容。\n");
        assert_eq!(doc.title, "y");
        assert_eq!(doc.paragraphs[1].section, ["第一章 总则", "第一条"]);
        // The first level-1 heading wins over an earlier line.
        let doc = parse("x/y.md", "前言文字\n# 真正的标题\n正文。\n");
        assert_eq!(doc.title, "真正的标题");
        assert_eq!(doc.paragraphs[1].section, Vec::<String>::new());
    }

    #[test]
    fn front_matter_only_and_unclosed() {
        let doc = parse("刑法/_index.md", "---\nbookCollapseSection: true\n---");
        assert_eq!(doc.title, "_index");
        assert_eq!(
            doc.metadata,
            [("bookCollapseSection".to_string(), "true".to_string())]
        );
        assert_eq!(
            rows(&doc),
            [row(Metadata, "", [2, 2], "bookCollapseSection: true")]
        );
        // Unclosed: not front matter; in Markdown the `---` is a thematic break.
        let doc = parse("a.md", "---\ntitle: x\n正文\n");
        assert_eq!(doc.title, "title: x");
        assert_eq!(doc.paragraphs.len(), 2);
        assert_eq!(doc.paragraphs[1].lines, [3, 3]);
    }

    #[test]
    fn unclosed_comment_is_kept_as_text() {
        let doc = parse("a.md", "# T\n<!-- 没有结束\n正文。\n");
        assert_eq!(doc.paragraphs.len(), 3);
    }

    #[test]
    fn setext_and_thematic_breaks_in_markdown_only() {
        let doc = parse("a.md", "标题\n===\n\n小节\n---\n正文。\n\n***\n");
        assert_eq!(
            rows(&doc),
            [
                row(Heading, "", [1, 1], "标题"),
                row(Heading, "", [4, 4], "小节"),
                row(Body, "小节", [6, 6], "正文。"),
            ]
        );
        let doc = parse("a.txt", "标题\n===\n");
        assert_eq!(doc.paragraphs[1].text, "===");
    }

    #[test]
    fn line_endings_lf_crlf_and_lone_cr() {
        for text in [
            "题\n甲。\n乙。",
            "题\r\n甲。\r\n乙。\r\n",
            "题\r甲。\r乙。\r",
        ] {
            let doc = parse("a.txt", text);
            let lines: Vec<_> = doc.paragraphs.iter().map(|p| p.lines).collect();
            assert_eq!(lines, [[1, 1], [2, 2], [3, 3]], "{text:?}");
        }
        assert_eq!(split_lines("a\r\n\r\nb\n"), ["a", "", "b"]);
        assert_eq!(split_lines("\r\r"), ["", ""]);
    }

    #[test]
    fn header_fields_are_metadata_and_stay_paragraphs() {
        let doc = parse(
            "a.txt",
            "某法\n公布日期：2020年\n編      註：內容\n廢止註記：已廢止\n各位代表：\n备注：后文\n",
        );
        let keys: Vec<_> = doc.metadata.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["公布日期", "編註", "廢止註記"]);
        let kinds: Vec<_> = doc.paragraphs.iter().map(|p| p.kind).collect();
        // The block ends at `各位代表：` (no value): `备注：后文` after it is body text.
        assert_eq!(kinds, [Heading, Metadata, Metadata, Metadata, Body, Body]);
        let doc = parse(
            "a.txt",
            "某法\n这是一句很长的正文，不是元数据：因为有逗号\n",
        );
        assert!(doc.metadata.is_empty());
    }

    #[test]
    fn body_lines_that_look_like_fields_stay_body_text() {
        // Unknown keys with values that read as sentences, and articles with a colon.
        for line in [
            "目标：到2025年，基本建成数字政府，实现政务服务“一网通办”。",
            "原则：统筹规划，分步实施。",
            "第一条：为了规范管理，制定本办法。",
            "内容：为了规范管理，明确职责，制定本细则。",
            "第 1 條：本法依憲法制定之。",
            "一、目标：基本建成数字政府",
        ] {
            let doc = parse("a.txt", &format!("数字政府建设方案\n{line}\n"));
            assert!(doc.metadata.is_empty(), "{line}: {:?}", doc.metadata);
            assert_ne!(doc.paragraphs[1].kind, Metadata, "{line}");
            assert_eq!(doc.paragraphs[1].text, line);
        }
        // A known key takes any value; a short unknown key a short, plain value.
        for (line, key) in [
            ("发文字号：国办发〔2024〕5号", "发文字号"),
            ("編註：本法修正條文，自公布日施行。", "編註"),
            ("密级：公开", "密级"),
        ] {
            let doc = parse("a.txt", &format!("某通知\n{line}\n正文。\n"));
            assert_eq!(doc.metadata.len(), 1, "{line}");
            assert_eq!(doc.metadata[0].0, key);
            assert_eq!(doc.paragraphs[1].kind, Metadata);
            assert_eq!(doc.paragraphs[1].text, line);
        }
        // Only the leading block: the same field after body text is body text.
        let doc = parse("a.txt", "某通知\n正文。\n密级：公开\n");
        assert!(doc.metadata.is_empty());
        // A long value with an unknown key is not a field.
        let doc = parse(
            "a.txt",
            "某通知\n说明：这一行的值比三十个字符还要长得多所以它不可能是一个简短的头部字段\n",
        );
        assert!(doc.metadata.is_empty());
    }

    #[test]
    fn tables_never_join_and_latin_wraps_get_a_space() {
        let text = "题\n| 条文 | 罪名 |\n|---|:---:|\n| 第一百四十一条 （第五条） | 生产、销售、提供假药罪罪名罪名罪名 |\n\
            | 第一百四十二条 （第六条） | 生产、销售、提供劣药罪罪名罪名罪名 |\n";
        let doc = parse("a.md", text);
        let lines: Vec<_> = doc.paragraphs.iter().map(|p| p.lines).collect();
        assert_eq!(lines, [[1, 1], [2, 2], [4, 4], [5, 5]]);
        let text = "Title\nrendered here as plain text from the public sources of these\n\
            database of laws and regulations, wrapped at a fixed width of\nseventy.\n";
        let doc = parse("a.txt", text);
        assert_eq!(
            doc.paragraphs[1].text,
            "rendered here as plain text from the public sources of these database of laws and \
             regulations, wrapped at a fixed width of seventy."
        );
    }

    #[test]
    fn atx_heading_forms() {
        assert_eq!(atx_heading("## 第一章 总则"), Some((2, "第一章 总则")));
        assert_eq!(atx_heading("### 标题 ###"), Some((3, "标题")));
        assert_eq!(atx_heading("#标签"), None);
        assert_eq!(atx_heading("####### 七"), None);
        assert_eq!(atx_heading("##"), Some((2, "")));
        assert_eq!(atx_heading("    # 代码"), None);
    }

    #[test]
    fn hard_wrapped_old_law_with_items() {
        let text = "某辦法\r\n修正日期：民國 90 年\r\n第 1 條\r\n\
            本辦法依產業升級條例（以下簡稱本條例）第六條第四項規定訂定\r\n\
            之。\r\n第 2 條\r\n醫務行政室掌理事項如下：\r\n\
            一、醫院管理、病患之掛號、疾病分類統計與研究資料之提供等病\r\n    歷業務相關事項。\r\n\
            二、病人住院。\r\n本條所稱之事項，由院長指定之專責人員負責辦理及督導檢查所屬\r\n各單位。\r\n";
        let doc = parse("a.txt", text);
        let r = rows(&doc);
        assert_eq!(
            r[3].3,
            "本辦法依產業升級條例（以下簡稱本條例）第六條第四項規定訂定之。"
        );
        assert_eq!(
            r[6],
            row(
                Body,
                "第 2 條 › 一、",
                [8, 9],
                "一、醫院管理、病患之掛號、疾病分類統計與研究資料之提供等病歷業務相關事項。"
            )
        );
        assert_eq!(r[7].1, "第 2 條 › 二、");
        assert_eq!(
            r[8],
            row(
                Body,
                "第 2 條",
                [11, 12],
                "本條所稱之事項，由院長指定之專責人員負責辦理及督導檢查所屬各單位。"
            )
        );
    }

    const FRAGMENTS: &[&str] = &[
        "\n",
        "\r\n",
        "\r",
        "\u{3000}",
        " ",
        "第",
        " 一 ",
        "章",
        "條",
        "6-1",
        "一、",
        "（一）",
        "(1)",
        "1.",
        "①",
        "。",
        "，",
        "：“",
        "# ",
        "## ",
        "---",
        "===",
        "<!--",
        "-->",
        "修正日期：",
        "之一",
        "中華民國國民大會受全體國民之付託依據孫中山先生創立中華民國之遺",
    ];

    fn squeeze(s: &str) -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(crate::fuzz_cases(2_000)))]
        #[test]
        fn never_panics_and_paragraphs_come_from_their_lines(
            parts in proptest::collection::vec(prop_oneof![
                proptest::sample::select(FRAGMENTS.to_vec()).prop_map(String::from),
                "[a-z0-9\u{4e00}-\u{4e20}\u{FEFF}]{0,6}",
                ".{0,3}",
            ], 0..40),
            md in any::<bool>(),
        ) {
            let text: String = parts.concat();
            let rel = if md { "x/a.md" } else { "x/a.txt" };
            let doc = parse_document(rel, &text, "UTF-8");
            let raw = split_lines(text.strip_prefix('\u{FEFF}').unwrap_or(&text));
            let mut last = 0;
            for (i, p) in doc.paragraphs.iter().enumerate() {
                prop_assert_eq!(p.paragraph as usize, i);
                let [a, b] = p.lines;
                prop_assert!(a >= 1 && a <= b && b as usize <= raw.len(), "{:?}", p.lines);
                prop_assert!(a > last, "ranges increase: {:?}", doc.paragraphs);
                last = b;
                prop_assert!(!p.text.is_empty());
                let source = squeeze(&raw[a as usize - 1..b as usize].concat());
                prop_assert!(source.contains(&squeeze(&p.text)), "{:?} not in {:?}", p.text, source);
                for s in &p.section {
                    prop_assert!(!s.is_empty());
                }
            }
        }
    }
}
