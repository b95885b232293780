//! The lines of a paged file (PDF, OFD) into the text handed to the parser, page after page:
//! running headers, footers and page numbers taken out, the lines of one paragraph joined
//! (also across a page break), long paragraphs bounded, the title found behind a masthead,
//! and the line of the text where each page begins recorded.
//!
//! - **Page furniture:** a line among the first or last [`EDGE_LINES`] lines of a page is
//!   left out when it is a page number (`3`, `- 3 -`, `— 3 —`, `第 3 页`, `第3页 共9页`,
//!   `3/9`) or when the same line, digits aside, stands at the edge of at least half of the
//!   pages (two pages at least): a running header (`××市人民政府文件`) or footer.
//! - **Joining:** a line is joined to the next when it is *full* (within
//!   [`FULL_LINE_SLACK`] of the width that a quarter of the long lines reach), does not end a
//!   sentence, and the next line does not start with a numbered label.
//! - **Bound:** a paragraph that has reached [`LONG_PARAGRAPH_CHARS`] ends at the next
//!   sentence end, even inside a line; one that reaches [`MAX_PARAGRAPH_CHARS`] without one
//!   ends at the next line break, followed by a blank line so that the parser does not join
//!   it again. Lines laid out on pages with no sentence end (a long table, a list of names,
//!   a generated file) would otherwise become one paragraph the size of the file.
//!
//! Memory: the document-wide measures (running lines, the full width) are decided from the
//! first [`SAMPLE_BYTES`] of lines (all of them in a document of ordinary size), and the
//! pages after them are joined as they come: besides that sample, only the text and a
//! window of [`TITLE_WINDOW`] paragraphs are held.

use std::collections::HashMap;
use std::ops::Range;

use super::super::heading::{display_width, ends_sentence, match_label};
use super::mapped::TextPiece;
use super::{TextBuilder, CELL_SEPARATOR};

/// How many lines at the top and at the bottom of a page may be running furniture.
pub const EDGE_LINES: usize = 2;

/// How many display columns short of the full width a line may be and still be full (three
/// wide characters: digits and Latin letters are narrower, justified lines hold fewer).
pub const FULL_LINE_SLACK: usize = 6;

/// A paragraph this long (characters) ends at its next sentence end, inside a line if need
/// be.
pub const LONG_PARAGRAPH_CHARS: usize = 2_000;

/// A paragraph this long (characters) with no sentence end ends at its next line break.
pub const MAX_PARAGRAPH_CHARS: usize = 8_000;

/// How many paragraphs at the start are held back to find the title ([`front_title`]).
const TITLE_WINDOW: usize = 12;

/// Lines of pages held (bytes, with their line breaks) before the document-wide measures are
/// decided from them: all of a document whose lines are shorter (every real file we know of
/// is under 1 MB), the first pages of a longer one (thousands of pages), whose later pages are
/// then joined as they come and not held.
pub const SAMPLE_BYTES: usize = 8 << 20;

/// The text is written in pieces of about this many bytes (each ending with a line break),
/// each but the last in memory of its own ([`TextPiece`]), given back to the system when
/// the text is dropped.
pub const PIECE_BYTES: usize = 1 << 20;

/// The text of `pages`, each its lines (trimmed, not empty), as [`PagedText`] makes it,
/// joined.
#[cfg(test)]
fn paged_text(pages: Vec<Vec<String>>) -> (String, Vec<u32>) {
    let mut out = PagedText::new();
    for page in pages {
        out.push(page);
    }
    let (pieces, starts) = out.finish();
    (pieces.iter().map(AsRef::as_ref).collect(), starts)
}

/// The text of pages given one after the other, each as its lines (trimmed, not empty):
/// furniture left out, paragraphs joined and bounded, the title first; with the line
/// (1-based) of that text where each page begins. A paragraph that runs on to the next page
/// is on the page it starts on; a page without text begins where the previous one does.
///
/// Memory: the document-wide measures (running lines, the full width, the running title)
/// are decided from the pages held, at most [`SAMPLE_BYTES`] of lines; the pages after them
/// are joined into the text as they come. What is held is the text (in pieces of
/// [`PIECE_BYTES`]) and that sample, not the pages of the whole file.
pub struct PagedText {
    /// Pages held until the measures are decided (empty after).
    held: Vec<Vec<String>>,
    held_bytes: usize,
    /// Bytes of lines held at most ([`SAMPLE_BYTES`]; less in tests).
    sample_bytes: usize,
    /// The writer and the running lines, once decided.
    writing: Option<(PagedWriter, HashMap<String, usize>)>,
    /// Whether any line has a letter or digit (a file that has none has no text layer).
    has_text: bool,
}

impl PagedText {
    pub fn new() -> PagedText {
        PagedText::with_sample(SAMPLE_BYTES)
    }

    fn with_sample(sample_bytes: usize) -> PagedText {
        PagedText {
            held: Vec::new(),
            held_bytes: 0,
            sample_bytes,
            writing: None,
            has_text: false,
        }
    }

    /// The next page's lines.
    pub fn push(&mut self, lines: Vec<String>) {
        if !self.has_text {
            self.has_text = (lines.iter()).any(|l| l.chars().any(char::is_alphanumeric));
        }
        if let Some((writer, running)) = self.writing.as_mut() {
            writer.page(kept(lines, running));
            return;
        }
        self.held_bytes += lines.iter().map(|l| l.len() + 1).sum::<usize>();
        self.held.push(lines);
        if self.held_bytes > self.sample_bytes {
            self.decide();
        }
    }

    /// How many pages are held, not yet joined (at most those of [`SAMPLE_BYTES`] of lines,
    /// one page more).
    #[cfg(test)]
    fn held_pages(&self) -> usize {
        self.held.len()
    }

    /// Whether any line so far has a letter or a digit.
    pub fn has_text(&self) -> bool {
        self.has_text
    }

    /// Decides the measures from the pages held and joins them.
    fn decide(&mut self) {
        let held = std::mem::take(&mut self.held);
        let running = running_lines(held.iter().cloned());
        let full = full_width(held.iter().map(|p| kept(p.clone(), &running)));
        let mut out = PagedWriter::new(full);
        out.running_title = running_title(held.iter().cloned(), &running);
        for page in held {
            out.page(kept(page, &running));
        }
        self.held_bytes = 0;
        self.writing = Some((out, running));
    }

    /// The text, in pieces each but the last ending with a line break, and the line where
    /// each page begins.
    pub fn finish(mut self) -> (Vec<TextPiece>, Vec<u32>) {
        if self.writing.is_none() {
            self.decide();
        }
        match self.writing {
            Some((writer, _)) => writer.finish(),
            None => (Vec::new(), Vec::new()),
        }
    }
}

/// One paragraph being built: its text, its length, and the pages that begin with it.
#[derive(Debug, Default)]
struct Para {
    text: String,
    chars: usize,
    starts: Vec<usize>,
    /// A blank line follows it: a table's row, or a paragraph ended by the bound without a
    /// sentence end.
    blank_after: bool,
}

/// Joins lines page after page into paragraphs and writes them.
struct PagedWriter {
    full: Option<usize>,
    builder: TextBuilder,
    /// The text written before the builder's, in pieces of [`PIECE_BYTES`].
    pieces: Vec<TextPiece>,
    /// Lines written to the builder so far.
    written: u32,
    /// Paragraphs held back until the title is known (`None` once it is).
    head: Option<Vec<Para>>,
    /// The title when the text begins with a table's row: the running lines at the top of
    /// the first page ([`running_title`]).
    running_title: Option<String>,
    current: Option<Para>,
    /// Whether the current paragraph takes the next line.
    joining: bool,
    /// Pages that begin with the next paragraph (their first line was joined to the one
    /// before).
    carried: Vec<usize>,
    /// The line where each page begins (0 while not known).
    starts: Vec<u32>,
    /// Pages without text, in order.
    empty: Vec<usize>,
    pages: usize,
}

impl PagedWriter {
    fn new(full: Option<usize>) -> PagedWriter {
        PagedWriter {
            full,
            builder: TextBuilder::new(false),
            pieces: Vec::new(),
            written: 0,
            head: Some(Vec::new()),
            running_title: None,
            current: None,
            joining: false,
            carried: Vec::new(),
            starts: Vec::new(),
            empty: Vec::new(),
            pages: 0,
        }
    }

    /// The kept lines of the next page.
    fn page(&mut self, lines: Vec<String>) {
        let page = self.pages;
        self.pages += 1;
        self.starts.push(0);
        if lines.is_empty() {
            // Begins where the previous page does, known at the end.
            self.empty.push(page);
            return;
        }
        for (i, line) in lines.into_iter().enumerate() {
            self.line(line, (i == 0).then_some(page));
        }
    }

    /// One line; `first_of` the page it begins.
    fn line(&mut self, line: String, first_of: Option<usize>) {
        if is_row(&line) {
            // A table's row is a paragraph of its own, a blank line after it so that the
            // parser's wrap rule does not join it either.
            self.joining = false;
            self.start_new(line, first_of);
            if let Some(row) = self.current.as_mut() {
                row.blank_after = true;
            }
            return;
        }
        let width = display_width(&line);
        let full = self.full.is_some_and(|f| width + FULL_LINE_SLACK >= f);
        let ends = ends_sentence(&line);
        let joins = self.joining && self.current.is_some() && match_label(&line).is_none();
        self.joining = full && !ends;
        if !joins {
            self.start_new(line, first_of);
            return;
        }
        // The page begins with the paragraph after the one this line joins.
        self.carried.extend(first_of);
        let Some(cur) = self.current.as_mut() else {
            return;
        };
        if cur.chars >= MAX_PARAGRAPH_CHARS {
            cur.blank_after = true;
            self.start_new(line, None);
            return;
        }
        if cur.chars >= LONG_PARAGRAPH_CHARS {
            if let Some(at) = sentence_end(&line) {
                let rest = line[at..].trim_start();
                if !rest.is_empty() {
                    append(cur, &line[..at]);
                    let rest = rest.to_string();
                    self.start_new(rest, None);
                    return;
                }
            }
        }
        append(cur, &line);
    }

    /// Ends the current paragraph and starts one with `line`.
    fn start_new(&mut self, line: String, first_of: Option<usize>) {
        self.end_current();
        let mut starts = std::mem::take(&mut self.carried);
        starts.extend(first_of);
        self.current = Some(Para {
            chars: line.chars().count(),
            text: line,
            starts,
            blank_after: false,
        });
    }

    fn end_current(&mut self) {
        let Some(para) = self.current.take() else {
            return;
        };
        match self.head.as_mut() {
            Some(head) => {
                head.push(para);
                if head.len() >= TITLE_WINDOW {
                    self.flush_head();
                }
            }
            None => self.write(para),
        }
    }

    /// Finds the title in the paragraphs held back and writes them.
    fn flush_head(&mut self) {
        let Some(mut head) = self.head.take() else {
            return;
        };
        let texts: Vec<&str> = head.iter().map(|p| p.text.as_str()).collect();
        if let Some(FrontTitle {
            taken: range,
            title,
            rest,
        }) = front_title(&texts)
        {
            self.emit(|b| b.title(&title));
            if let (Some(rest), Some(p)) = (rest, head.get_mut(range.end)) {
                p.chars = rest.chars().count();
                p.text = rest;
            }
            // Pages that begin inside the title begin with the paragraph after it.
            let mut moved: Vec<usize> = head.drain(range.clone()).flat_map(|p| p.starts).collect();
            match head.get_mut(range.start) {
                Some(next) => {
                    moved.append(&mut next.starts);
                    next.starts = moved;
                }
                None => {
                    moved.append(&mut self.carried);
                    self.carried = moved;
                }
            }
        } else if let Some(title) =
            (self.running_title.take()).filter(|_| head.first().is_some_and(|p| is_row(&p.text)))
        {
            // A table from the first line: its rows are no title, the book's name is.
            self.emit(|b| b.title(&title));
        }
        for para in head {
            self.write(para);
        }
    }

    fn write(&mut self, para: Para) {
        let line = self.written + 1;
        for &page in &para.starts {
            self.starts[page] = line;
        }
        self.emit(|b| {
            b.line(&para.text);
            if para.blank_after {
                b.out.push('\n');
            }
        });
    }

    /// Writes with `f`, counting the lines written.
    fn emit(&mut self, f: impl FnOnce(&mut TextBuilder)) {
        let before = self.builder.out.len();
        f(&mut self.builder);
        let added = &self.builder.out.as_bytes()[before..];
        self.written += memchr::memchr_iter(b'\n', added).count() as u32;
        // What is written ends with a line break: a piece ends there.
        if self.builder.out.len() >= PIECE_BYTES {
            self.pieces.push(TextPiece::mapped(&self.builder.out));
            self.builder.out.clear();
        }
    }

    fn finish(mut self) -> (Vec<TextPiece>, Vec<u32>) {
        self.end_current();
        self.flush_head();
        let end = self.written + 1;
        for page in std::mem::take(&mut self.carried) {
            self.starts[page] = end;
        }
        for &page in &self.empty {
            self.starts[page] = match page {
                0 => 1,
                p => self.starts[p - 1],
            };
        }
        let last = self.builder.finish();
        if !last.is_empty() {
            self.pieces.push(TextPiece::Owned(last));
        }
        (self.pieces, self.starts)
    }
}

fn append(para: &mut Para, line: &str) {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if latin(para.text.chars().next_back()) && latin(line.chars().next()) {
        para.text.push(' ');
        para.chars += 1;
    }
    para.text.push_str(line);
    para.chars += line.chars().count();
}

/// The byte offset just after the first sentence end in `line` (`。！？；!?;`, with the
/// closing quotes and brackets after it).
fn sentence_end(line: &str) -> Option<usize> {
    let (i, c) = line
        .char_indices()
        .find(|&(_, c)| matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';'))?;
    let mut end = i + c.len_utf8();
    for c in line[end..].chars() {
        if matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '》' | '"') {
            end += c.len_utf8();
        } else {
            break;
        }
    }
    Some(end)
}

/// Whether `line` is a table's row: cells apart ([`CELL_SEPARATOR`]).
fn is_row(line: &str) -> bool {
    line.contains(CELL_SEPARATOR)
}

/// The width a line must nearly reach to be full: the one a quarter of the long lines (20
/// columns and more, table rows aside) reach.
fn full_width(pages: impl Iterator<Item = Vec<String>>) -> Option<usize> {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for line in pages.flatten() {
        if is_row(&line) {
            continue;
        }
        let w = display_width(&line);
        if w >= 20 {
            *counts.entry(w).or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    let mut widths: Vec<(usize, usize)> = counts.into_iter().collect();
    widths.sort_unstable();
    // The width at index total * 3 / 4 of the sorted list of long widths.
    let mut at = total * 3 / 4;
    for (w, n) in widths {
        if at < n {
            return Some(w);
        }
        at -= n;
    }
    None
}

/// Lines of one paragraph joined, as [`paged_text`] joins them.
#[cfg(test)]
fn join_wrapped(lines: &[&str]) -> Vec<String> {
    let full = full_width(std::iter::once(
        lines.iter().map(|l| l.to_string()).collect(),
    ));
    let mut w = PagedWriter::new(full);
    w.head = None;
    w.starts = vec![0];
    for l in lines {
        w.line(l.to_string(), None);
    }
    w.end_current();
    let text = w.builder.finish();
    text.lines().map(str::to_string).collect()
}

/// The running lines at the top of the first page with text, joined by a space (the
/// book's name a budget table repeats on every page: `臺北市總預算案 歲出機關別預算表`).
fn running_title(
    mut pages: impl Iterator<Item = Vec<String>>,
    running: &HashMap<String, usize>,
) -> Option<String> {
    let first = pages.find(|p| !p.is_empty())?;
    let top: Vec<&str> = (first.iter().take(EDGE_LINES))
        .filter(|l| !is_page_number(l) && running.contains_key(&digits_aside(l)))
        .map(|l| l.trim())
        .collect();
    (!top.is_empty()).then(|| top.join(" "))
}

/// The lines of a page that are not page furniture, in order.
fn kept(page: Vec<String>, running: &HashMap<String, usize>) -> Vec<String> {
    let n = page.len();
    page.into_iter()
        .enumerate()
        .filter(|(i, line)| {
            let edge = *i < EDGE_LINES || i + EDGE_LINES >= n;
            !(edge && (is_page_number(line) || running.contains_key(&digits_aside(line))))
        })
        .map(|(_, l)| l)
        .collect()
}

/// Lines (digits aside) at the edge of at least half of the pages, two at least.
fn running_lines(pages: impl Iterator<Item = Vec<String>>) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut n_pages: usize = 0;
    for page in pages {
        n_pages += 1;
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
    let needed = n_pages.div_ceil(2).max(2);
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

/// A title found behind the first lines: the paragraphs it takes, its text, and what is
/// left of the last of them when the title is only its start.
#[derive(Debug, PartialEq, Eq)]
struct FrontTitle {
    taken: Range<usize>,
    title: String,
    rest: Option<String>,
}

/// The title of a paged official document whose first lines are not its title: after a
/// masthead (issuers, `××文件`, a 文号, each a short line without sentence punctuation), the
/// lines from one starting with `关于` to the first that ends like a document's name
/// (`…的通知`), four lines at most; or, after an attachment label alone (`附件1`), the next
/// line, or the start of it that ends like a document's name (`…事项清单`) when a table's
/// header was joined to it. `None` leaves the parser's rule (the first line) in force.
fn front_title(lines: &[&str]) -> Option<FrontTitle> {
    let short = |l: &str| l.chars().count() <= 30 && !l.contains(['。', '；', '，', '：', ':']);
    let squash = |l: &str| l.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let first = squash(lines.first()?);
    let label = first.strip_prefix("附件").is_some_and(|r| {
        r.chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十：:".contains(c))
    });
    if label {
        let next = lines.get(1)?.trim();
        if next.chars().count() <= 80 && short(&next.replace(['，', '：'], "")) {
            return Some(FrontTitle {
                taken: 1..2,
                title: next.to_string(),
                rest: None,
            });
        }
        // The longest start of at most 60 characters that ends like a name.
        let end = (next.char_indices().map(|(i, c)| i + c.len_utf8()))
            .take(60)
            .filter(|&i| super::ends_like_a_name(&next[..i]))
            .last()?;
        let (title, rest) = next.split_at(end);
        let fits = title.chars().count() >= 6 && !title.contains(['。', '；']);
        return fits.then(|| FrontTitle {
            taken: 1..1,
            title: title.to_string(),
            rest: Some(rest.trim().to_string()),
        });
    }
    let start = (1..lines.len().min(8)).find(|&i| squash(lines[i]).starts_with("关于"))?;
    if !lines[..start].iter().all(|l| short(l)) {
        return None;
    }
    let end = (start..lines.len().min(start + 4)).find(|&j| super::ends_like_a_name(lines[j]))?;
    let title: String = lines[start..=end].iter().map(|l| l.trim()).collect();
    (!title.contains(['。', '；'])).then_some(FrontTitle {
        taken: start..end + 1,
        title,
        rest: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
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
    fn long_paragraphs_are_bounded() {
        // Full lines of 20 characters (no two alike, so none is a running header), one
        // sentence end every 150 lines, then 600 lines with none at all.
        let words: Vec<char> = "管理工作制度建设推进落实责任单位部门规定实施监督检查服务保障"
            .chars()
            .collect();
        let line = |i: usize, end: &str| -> String {
            let body: String = (0..20 - end.chars().count())
                .map(|k| words[(i * 7 + k * (i % 5 + 1)) % words.len()])
                .collect();
            format!("{body}{end}")
        };
        let lines: Vec<String> = (0..1200)
            .map(|i| match i {
                _ if i < 600 && i % 150 == 149 => line(i, "。后面"),
                _ => line(i, "，"),
            })
            .collect();
        let pages: Vec<Vec<String>> = lines.chunks(40).map(<[String]>::to_vec).collect();
        let (text, starts) = paged_text(pages);
        let paras: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        for p in &paras {
            let n = p.chars().count();
            assert!(n <= MAX_PARAGRAPH_CHARS + 20, "{n}");
        }
        // Once long, a paragraph ends at a sentence end inside a line: the rest of the line
        // starts the next one.
        assert!(paras.iter().any(|p| p.starts_with("后面")), "{paras:?}");
        // Without sentence ends, at the bound, with a blank line after it.
        assert!(paras.len() >= 4, "{}", paras.len());
        assert!(text.contains("，\n\n"));
        // Nothing lost: the same characters in the same order.
        assert_eq!(text.replace('\n', ""), lines.concat());
        assert_eq!(starts.len(), 30);
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    }

    #[test]
    fn pages_begin_where_their_first_line_is() {
        let pages = vec![
            owned(&[
                "第一条 本规定。",
                "第二条 一二三四五六七八九十一二三四五六七八九十",
            ]),
            owned(&["一二三四五六七八九十。", "第三条 本规定自发布之日起施行。"]),
            owned(&[]),
            owned(&["第四条 附则。"]),
        ];
        let (text, starts) = paged_text(pages);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "第一条 本规定。");
        // Page 2's first line is inside the paragraph from page 1: it begins with the next.
        assert_eq!(
            lines[starts[1] as usize - 1],
            "第三条 本规定自发布之日起施行。"
        );
        assert_eq!(starts[2], starts[1]);
        assert_eq!(lines[starts[3] as usize - 1], "第四条 附则。");
    }

    #[test]
    fn titles_after_a_masthead_or_an_attachment_label() {
        let lines = [
            "唐港城办发〔2019〕10 号",
            "唐山市行政审批局",
            "关于进一步规范市政设施建设类审批、",
            "合并办理工作的通知",
            "各县（市、区）人民政府：",
        ];
        let found = |lines: &[&str]| front_title(lines).map(|t| (t.taken, t.title, t.rest));
        assert_eq!(
            found(&lines),
            Some((
                2..4,
                "关于进一步规范市政设施建设类审批、合并办理工作的通知".to_string(),
                None
            ))
        );
        let lines = ["附件1", "投资项目事项清单", "序号"];
        assert_eq!(
            found(&lines),
            Some((1..2, "投资项目事项清单".to_string(), None))
        );
        // A table's header joined to the name is left as text.
        let lines = [
            "附件1",
            "江西省投资项目“容缺审批+承诺制”办理模式事项清单序号事项名称事项",
        ];
        assert_eq!(
            found(&lines),
            Some((
                1..1,
                "江西省投资项目“容缺审批+承诺制”办理模式事项清单".to_string(),
                Some("序号事项名称事项".to_string())
            ))
        );
        // A document that starts with its name, or whose first lines are text, keeps the rule.
        let lines = [
            "中华人民共和国劳动法",
            "《中华人民共和国劳动法》已由……通过，现予公布。",
            "关于劳动的通知",
        ];
        assert_eq!(front_title(&lines), None);
        // Through the writer: the title comes first, the masthead stays.
        let pages = vec![owned(&[
            "唐山市行政审批局",
            "关于合并办理工作的通知",
            "各县人民政府、市直各部门：为进一步优化营商环境，现就合并办理工作通知如下。",
            "一、本通知自印发之日起施行，此前规定与本通知不一致的，以本通知为准。",
        ])];
        let (text, _) = paged_text(pages);
        assert!(
            text.starts_with("# 关于合并办理工作的通知\n\n唐山市行政审批局\n各县人民政府"),
            "{text}"
        );
    }

    #[test]
    fn rows_stand_alone_and_a_table_is_named_by_its_running_header() {
        let names = ["一般行政", "行政管理", "議事工作"];
        let pages: Vec<Vec<String>> = (0..3)
            .map(|i| {
                vec![
                    "臺北市總預算案".to_string(),
                    "歲出機關別預算表".to_string(),
                    "科目\u{3000}\u{3000}本年度預算數".to_string(),
                    format!("{}\u{3000}\u{3000}{}", names[i], 100 + i),
                    format!("本年度預算數內容與上年度之比較如下，{}核實編列", names[i]),
                    format!("- {} -", i + 1),
                ]
            })
            .collect();
        let (text, starts) = paged_text(pages);
        assert!(
            text.starts_with(
                "# 臺北市總預算案 歲出機關別預算表\n\n科目\u{3000}\u{3000}本年度預算數\n\n一般行政"
            ),
            "{text}"
        );
        // A row is joined to nothing, before or after it.
        assert!(text.contains("\u{3000}\u{3000}100\n\n本年度"), "{text}");
        assert_eq!(text.matches("臺北市總預算案").count(), 1);
        assert_eq!(starts.len(), 3);
        // A text that begins with text keeps the parser's title rule.
        let pages = vec![owned(&["某某规定", "甲\u{3000}\u{3000}乙"])];
        assert!(paged_text(pages).0.starts_with("某某规定\n"));
    }

    #[test]
    fn pages_after_the_sample_are_joined_as_they_come() {
        // 2,500 pages of a running header, eight full lines (a sentence over two lines, no
        // two lines alike) and a page number: 1.4 MB of text.
        // Numbers in words: lines alike but for their digits would be running lines.
        let words = |n: usize| -> String {
            format!("{n:04}")
                .chars()
                .map(|d| {
                    "零一二三四五六七八九"
                        .chars()
                        .nth(d as usize - '0' as usize)
                })
                .collect::<Option<String>>()
                .unwrap_or_default()
        };
        let page = |i: usize| -> Vec<String> {
            let mut p = vec!["某市人民政府文件".to_string()];
            for k in 0..4 {
                let (i, k) = (words(i), words(k));
                p.push(format!(
                    "第{i}页第{k}段这一行写满了字为了达到满行的宽度而写的"
                ));
                p.push(format!("第{i}页第{k}段的第二行到此结束。"));
            }
            p.push(format!("- {} -", i + 1));
            p
        };
        let mut streamed = PagedText::with_sample(4_000);
        let mut most = 0;
        for i in 0..2_500 {
            streamed.push(page(i));
            most = most.max(streamed.held_pages());
        }
        // About 4,000 bytes of pages of about 550 bytes held at most: memory does not grow
        // with the pages.
        assert!((1..=9).contains(&most), "{most} pages held");
        let (pieces, starts) = streamed.finish();
        // In pieces of about a megabyte of their own, each ending a line.
        assert_eq!(pieces.len(), 2);
        assert!(matches!(pieces[0], TextPiece::Mapped(..)));
        assert!(pieces[0].as_ref().ends_with('\n'));
        let text: String = pieces.iter().map(AsRef::as_ref).collect();
        // The same text as with every page held (the measures are the same here).
        let whole = paged_text((0..2_500).map(page).collect());
        assert_eq!((text.as_str(), &starts), (whole.0.as_str(), &whole.1));
        // The running header and the page numbers are gone, the lines of a paragraph joined.
        assert!(!text.contains("人民政府文件") && !text.contains("- 2500 -"));
        assert!(text.contains("写的第二四九九页第零零零三段的第二行到此结束。\n"));
        assert_eq!(starts.len(), 2_500);
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
        let pages: Vec<Vec<String>> = (0..4)
            .map(|i| {
                let mut p = if i < 3 {
                    vec!["某市人民政府文件"]
                } else {
                    vec![]
                };
                p.extend_from_slice(&body[i * 2..i * 2 + 2]);
                p.extend_from_slice(&["正文", "- 1 -"]);
                owned(&p)
            })
            .collect();
        let running = running_lines(pages.iter().cloned());
        assert!(running.contains_key("某市人民政府文件"), "{running:?}");
        assert!(!running.contains_key("一"), "{running:?}");
        assert_eq!(
            running_title(pages.iter().cloned(), &running).as_deref(),
            Some("某市人民政府文件")
        );
        let kept: Vec<String> = pages.into_iter().flat_map(|p| kept(p, &running)).collect();
        // `正文` stands at the bottom of every page: a running line too.
        assert_eq!(kept, ["一", "二", "三", "四", "五", "六", "七", "八"]);
    }
}
