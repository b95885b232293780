//! The headless layout: a copy of the corpus in which every statute of `laws-cn` and
//! `laws-tw` begins with its first chapter (or article, or preamble) and carries its name
//! only in its file name, as statutes in other collections do. The evaluation indexes this
//! copy to measure whether a document is found by a name that no line of it holds.
//!
//! The rules, for each file of `laws-cn/` and `laws-tw/` the library's walk reads
//! (`_index.md` stubs aside):
//! - **The header goes**: every line up to and including `<!-- INFO END -->` when the file
//!   has that line (the `# title` and date block of `laws-cn`); else the first non-blank
//!   line (the title) and the header-field lines right after it (`KEY：VALUE` with a key of
//!   the library's `HEADER_KEYS`: `修正日期`, `法規類別`, `廢止註記`, …). A file whose first
//!   non-blank line is a chapter or article label has no title and loses nothing.
//! - **Divisions become Markdown headings**: Markdown headings are raised so that the
//!   outermost is level 1 (`## 第一章 总则` → `# 第一章 总则`, `### 第一节` → `## 第一节`);
//!   a plain division line (`第 一 章 總綱`, also 编/編, 节/節, 款, 目) becomes a heading
//!   whose level is the rank of its kind among the kinds the file has (the outermost kind
//!   present is `#`), its label written without spaces and two spaces before its name
//!   (`# 第一章  總綱`).
//! - **Everything else stays**: article labels, article text, preambles, line ends.
//!
//! Every other file the walk reads is copied byte for byte; files it does not read are not
//! copied (they index nothing). Paths stay the same, so the targets drawn from the original
//! corpus name the same documents. This module writes files and nothing else.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use zhengce::corpus::parse::HEADER_KEYS;
use zhengce::corpus::{decode, walk, CorpusFile, WalkEvent};

/// The folders whose files lose their header.
const FOLDERS: [&str; 2] = ["laws-cn/", "laws-tw/"];
/// The line that ends the info block of `laws-cn`.
const INFO_END: &str = "<!-- INFO END -->";
/// Division kinds, outermost first: a label `第X<kind>` of one of these opens a division.
const DIVISIONS: [[char; 2]; 5] = [
    ['编', '編'],
    ['章', '章'],
    ['节', '節'],
    ['款', '款'],
    ['目', '目'],
];
/// Characters after which a division line's name is too long to be a heading.
const NAME_MAX_CHARS: usize = 30;

/// What writing the variant did.
#[derive(Debug, Default, Serialize)]
pub struct LayoutStats {
    /// Files rewritten to the headless layout.
    pub rewritten: usize,
    /// Files copied as they are.
    pub copied: usize,
    /// Files of the rewritten folders that do not decode: copied as they are.
    pub not_decoded: usize,
    /// Header lines dropped, over all rewritten files.
    pub header_lines_dropped: usize,
    /// Plain division lines written as Markdown headings.
    pub divisions_written: usize,
    /// Markdown headings raised.
    pub headings_raised: usize,
    /// Rewritten files by what their first non-blank line now is.
    pub begin_with: BTreeMap<&'static str, usize>,
}

impl LayoutStats {
    fn merge(&mut self, other: LayoutStats) {
        self.rewritten += other.rewritten;
        self.copied += other.copied;
        self.not_decoded += other.not_decoded;
        self.header_lines_dropped += other.header_lines_dropped;
        self.divisions_written += other.divisions_written;
        self.headings_raised += other.headings_raised;
        for (k, n) in other.begin_with {
            *self.begin_with.entry(k).or_default() += n;
        }
    }
}

/// Whether the file at `rel` is rewritten in the headless layout.
pub fn is_rewritten(rel: &str) -> bool {
    FOLDERS.iter().any(|f| rel.starts_with(f)) && !rel.ends_with("/_index.md")
}

/// How many lines at the start of the file at `path` (in a folder the layout rewrites) the
/// headless layout drops: a paragraph whose first line is among them is not in the variant.
pub fn header_lines_of(path: &Path) -> anyhow::Result<usize> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let (text, _) = decode(&bytes).with_context(|| format!("{}: cannot decode", path.display()))?;
    Ok(header_end(&split_lines(&text)))
}

/// Writes the headless variant of the corpus at `root` into the folder `out` (created),
/// on two threads.
pub fn write_headless(root: &Path, out: &Path) -> anyhow::Result<LayoutStats> {
    let files: Vec<CorpusFile> = (walk(root)
        .with_context(|| format!("{}: cannot walk", root.display()))?)
    .into_iter()
    .filter_map(|e| match e {
        WalkEvent::File(f) => Some(f),
        _ => None,
    })
    .collect();
    let files = &files;
    let parts: Vec<anyhow::Result<LayoutStats>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|t| {
                s.spawn(move || {
                    let mut stats = LayoutStats::default();
                    for f in files.iter().skip(t).step_by(2) {
                        write_one(f, out, &mut stats)?;
                    }
                    Ok(stats)
                })
            })
            .collect();
        (workers.into_iter())
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut stats = LayoutStats::default();
    for part in parts {
        stats.merge(part?);
    }
    Ok(stats)
}

fn write_one(file: &CorpusFile, out: &Path, stats: &mut LayoutStats) -> anyhow::Result<()> {
    let dest = out.join(&file.rel);
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("{}: cannot create", parent.display()))?;
    }
    let bytes = std::fs::read(&file.path)
        .with_context(|| format!("{}: cannot read", file.path.display()))?;
    let text = match is_rewritten(&file.rel) {
        true => match decode(&bytes) {
            Ok((text, _)) => Some(text),
            Err(_) => {
                stats.not_decoded += 1;
                None
            }
        },
        false => None,
    };
    let written = match text {
        Some(text) => {
            let h = headless(&text);
            stats.rewritten += 1;
            stats.header_lines_dropped += h.dropped;
            stats.divisions_written += h.divisions;
            stats.headings_raised += h.raised;
            *stats.begin_with.entry(h.begins).or_default() += 1;
            std::fs::write(&dest, h.text)
        }
        None => {
            stats.copied += 1;
            std::fs::write(&dest, &bytes)
        }
    };
    written.with_context(|| format!("{}: cannot write", dest.display()))
}

/// One file in the headless layout, and what changed.
#[derive(Debug)]
pub struct Headless {
    /// The new text.
    pub text: String,
    /// Header lines dropped.
    pub dropped: usize,
    /// Plain division lines written as Markdown headings.
    pub divisions: usize,
    /// Markdown headings raised.
    pub raised: usize,
    /// What the first non-blank line is now: `division heading`, `article`, `other text`
    /// or `nothing`.
    pub begins: &'static str,
}

/// `text` in the headless layout (see the module's rules).
pub fn headless(text: &str) -> Headless {
    let lines = split_lines(text);
    let rest = &lines[header_end(&lines)..];
    let shift = (rest.iter())
        .filter_map(|(l, _)| atx_level(l))
        .min()
        .map_or(0, |m| m - 1);
    let mut kinds: Vec<usize> = (rest.iter())
        .filter(|(l, _)| atx_level(l).is_none())
        .filter_map(|(l, _)| division(l).map(|d| d.kind))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut out = Headless {
        text: String::with_capacity(text.len()),
        dropped: lines.len() - rest.len(),
        divisions: 0,
        raised: 0,
        begins: "nothing",
    };
    for (line, end) in rest {
        if atx_level(line).is_some() {
            out.raised += (shift > 0) as usize;
            out.text.push_str(&line[shift..]);
        } else if let Some(d) = division(line) {
            let level = 1 + kinds.iter().position(|&k| k == d.kind).unwrap_or(0);
            out.divisions += 1;
            out.text.push_str(&"#".repeat(level));
            out.text.push(' ');
            out.text.push_str(&d.label);
            if !d.name.is_empty() {
                out.text.push_str("  ");
                out.text.push_str(d.name);
            }
        } else {
            out.text.push_str(line);
        }
        out.text.push_str(end);
    }
    out.begins = begins(&out.text);
    out
}

/// What the first non-blank line of `text` is.
fn begins(text: &str) -> &'static str {
    let Some(first) = text.lines().map(trim).find(|l| !l.is_empty()) else {
        return "nothing";
    };
    let bare = first.trim_start_matches('#').trim_start();
    if atx_level(first).is_some() && division(bare).is_some() {
        return "division heading";
    }
    let compact: String = bare.chars().filter(|c| !c.is_whitespace()).collect();
    let article = compact.strip_prefix('第').is_some_and(|number| {
        let after = number.trim_start_matches(|c| is_numeral(c) || c == '-');
        after.len() < number.len() && after.starts_with(['条', '條'])
    });
    match article {
        true => "article",
        false => "other text",
    }
}

/// The index of the first line after the header (0 when there is none).
fn header_end(lines: &[(&str, &str)]) -> usize {
    if let Some(i) = lines.iter().position(|(l, _)| trim(l) == INFO_END) {
        return i + 1;
    }
    let Some(first) = lines.iter().position(|(l, _)| !trim(l).is_empty()) else {
        return 0;
    };
    let title = trim(lines[first].0).trim_start_matches('#').trim_start();
    if division(title).is_some() || begins(title) == "article" {
        return first;
    }
    let mut end = first + 1;
    for (i, (line, _)) in lines.iter().enumerate().skip(first + 1) {
        if is_header_field(line) {
            end = i + 1;
        } else if !trim(line).is_empty() {
            break;
        }
    }
    end
}

/// Whether `line` is `KEY：VALUE` (or `:`) with a key of `HEADER_KEYS` (white space inside
/// the key ignored) and a value.
fn is_header_field(line: &str) -> bool {
    let Some((key, value)) = trim(line).split_once(['：', ':']) else {
        return false;
    };
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    HEADER_KEYS.contains(&key.as_str()) && !trim(value).is_empty()
}

/// A plain division line: its kind (index into [`DIVISIONS`]), its label without spaces
/// and its name.
struct Division<'a> {
    kind: usize,
    label: String,
    name: &'a str,
}

/// `line` read as a division line: `第` and a number (Chinese numerals or digits, spaces
/// allowed), a division kind, an optional `之X`, then nothing or white space and a short
/// name without sentence punctuation (so `第八章之規定，…準用之。` is no division).
fn division(line: &str) -> Option<Division<'_>> {
    let line = trim(line);
    let mut label = String::from("第");
    let mut rest = line.strip_prefix('第')?;
    let mut digits = 0;
    let mut kind = None;
    for (i, c) in rest.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        if is_numeral(c) {
            digits += 1;
            label.push(c);
            continue;
        }
        kind = DIVISIONS.iter().position(|k| k.contains(&c));
        label.push(c);
        rest = &rest[i + c.len_utf8()..];
        break;
    }
    let kind = kind.filter(|_| digits > 0)?;
    let after = rest.trim_start();
    if let Some(sub) = after.strip_prefix('之') {
        let n = sub.chars().take_while(|&c| is_numeral(c)).count();
        if n > 0 {
            let end: usize = sub.chars().take(n).map(char::len_utf8).sum();
            label.push('之');
            label.push_str(&sub[..end]);
            rest = &sub[end..];
        }
    }
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let name = trim(rest);
    let sentence = name.contains(['。', '，', '；', '：', '！', '？', '、', ',', ';', ':']);
    (!sentence && name.chars().count() <= NAME_MAX_CHARS).then_some(Division { kind, label, name })
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "零〇一二两三四五六七八九十百千".contains(c)
}

/// The level of an ATX heading line (`#` to `######` then a space, or nothing).
fn atx_level(line: &str) -> Option<usize> {
    let n = line.bytes().take_while(|&b| b == b'#').count();
    let after = &line[n..];
    ((1..=6).contains(&n) && (after.is_empty() || after.starts_with([' ', '\t']))).then_some(n)
}

/// `line` without ASCII white space and U+3000 at both ends.
fn trim(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{3000}')
}

/// The lines of `text` with their ends (`\r\n`, `\n`, a lone `\r`, or nothing for the last).
fn split_lines(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((&text[start..i], &text[i..i + 1]));
                start = i + 1;
            }
            b'\r' => {
                let len = 1 + (bytes.get(i + 1) == Some(&b'\n')) as usize;
                out.push((&text[start..i], &text[i..i + len]));
                i += len - 1;
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        out.push((&text[start..], ""));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taiwan_statute_loses_its_title_and_fields() {
        let text = "某某法\r\n修正日期：民國 36 年 01 月 01 日\r\n法規類別：憲法\r\n\
                    第 一 章 總綱\r\n第 1 條\r\n本法依第 一 章 之規定。\r\n\
                    第 一 節 通則\r\n第 2 條\r\n第八章之規定，準用之。\r\n";
        let h = headless(text);
        assert_eq!(
            h.text,
            "# 第一章  總綱\r\n第 1 條\r\n本法依第 一 章 之規定。\r\n\
             ## 第一節  通則\r\n第 2 條\r\n第八章之規定，準用之。\r\n"
        );
        assert_eq!(
            (h.dropped, h.divisions, h.begins),
            (3, 2, "division heading")
        );
    }

    #[test]
    fn preamble_stays() {
        let h = headless("某法\n修正日期：民國 36 年\n前言一句，\n第 1 條\n本文。");
        assert_eq!(h.text, "前言一句，\n第 1 條\n本文。");
        assert_eq!(h.begins, "other text");
    }

    #[test]
    fn mainland_statute_loses_its_info_block() {
        let text = "# 中华人民共和国某法\n\n2012年4月27日 通过\n\n<!-- INFO END -->\n\n\
                    ## 第一编 总则\n\n### 第一章 任务\n\n第一条 为了规范，制定本法。\n\n## 附则\n";
        let h = headless(text);
        assert_eq!(
            h.text,
            "\n# 第一编 总则\n\n## 第一章 任务\n\n第一条 为了规范，制定本法。\n\n# 附则\n"
        );
        assert_eq!((h.dropped, h.raised, h.divisions), (5, 3, 0));
    }

    #[test]
    fn no_title_no_loss() {
        let h = headless("第 1 條\n本文。\n");
        assert_eq!(h.text, "第 1 條\n本文。\n");
        assert_eq!((h.dropped, h.begins), (0, "article"));
    }

    #[test]
    fn division_lines() {
        let d = division("第 二 章之一 罰則").map(|d| (d.kind, d.label, d.name));
        assert_eq!(d, Some((1, "第二章之一".to_owned(), "罰則")));
        assert!(division("第八章之規定，準用之。").is_none());
        assert!(division("第三章所定之事項，由主管機關定之。").is_none());
        assert!(division("第 1 條").is_none());
        assert_eq!(division("第十编").map(|d| d.kind), Some(0));
    }

    #[test]
    fn paths_rewritten() {
        assert!(is_rewritten("laws-tw/憲法/中華民國憲法.txt"));
        assert!(!is_rewritten("laws-cn/社会法/_index.md"));
        assert!(!is_rewritten("encodings/x.txt"));
    }
}
