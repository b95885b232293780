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
//! 4. **Title.** The front-matter `title`; else the first level-1 `#` heading unless it is a
//!    numbered section (`# 第一章 總則` is a section heading); else the first content line if
//!    it looks like a title (two letters or ideographs at least, no numbered label, no 。！？；,
//!    ≤ 80 chars); else the file's name
//!    ([`document_name`]: the stem without a version date or a number prefix). The line the title comes from (when it is the
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

mod name;
pub use name::{document_name, version_date};

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
    "標題",
    "标题",
    "組配分類",
    "组配分类",
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
    parse_lines(rel_path, split_lines(text), encoding)
}

/// [`parse_document`] for a text given in pieces, each but the last ending with a line
/// break: the same document as for the pieces joined, without the text in one allocation
/// (a large PDF's text is written in pieces, `formats::TextPiece`).
pub fn parse_pieces<P: AsRef<str>>(rel_path: &str, pieces: &[P], encoding: &str) -> Document {
    let mut raw = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let piece = piece.as_ref();
        let piece = match i {
            0 => piece.strip_prefix('\u{FEFF}').unwrap_or(piece),
            _ => piece,
        };
        raw.extend(split_lines(piece));
    }
    parse_lines(rel_path, raw, encoding)
}

/// [`parse_document`] from the text's lines.
fn parse_lines(rel_path: &str, raw: Vec<&str>, encoding: &str) -> Document {
    let is_md = rel_path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"));
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
    // A first level-1 heading that is a numbered section (`# 第一章 總則`) is no title.
    let h1 = (lines.iter())
        .position(|l| matches!(l, Line::Heading(1, _)))
        .filter(|&i| match_label(line_text(lines[i])).is_none());
    let title_line = if fm_title.is_some() {
        first_content.filter(|&i| Some(i) == h1)
    } else if h1.is_some() {
        h1
    } else {
        first_content.filter(|&i| looks_like_title(line_text(lines[i])))
    };
    let title = fm_title
        .or_else(|| title_line.map(|i| line_text(lines[i]).to_string()))
        .unwrap_or_else(|| name::document_name(rel_path));
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
        pages: Vec::new(),
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
    // Letters or ideographs, two at least: a bare `1` or `（一）` names nothing.
    t.chars().filter(|c| c.is_alphabetic()).nth(1).is_some()
        && match_label(t).is_none()
        && t.chars().count() <= TITLE_MAX_CHARS
        && !t
            .chars()
            .any(|c| matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';'))
        && !t.ends_with(['：', ':', '，', ',', '、'])
}

/// A row of a Markdown table (`| a | b |`) or of a box-drawn table (`│正工程司│一│`): each
/// row is its own paragraph, never part of a hard wrap.
pub fn is_table_row(t: &str) -> bool {
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
mod tests;
