//! The hard-wrap rule: when two physical lines are one paragraph.
//!
//! Some files (older Taiwan laws, the preamble of the Constitution) break running text at a
//! fixed display width, so sentences run across line breaks. A line `i` is joined to line
//! `i + 1` (without a space) when both are text lines (the parser excludes headings, labels
//! alone on their line, table rows, the title, metadata and blank lines), line `i + 1` does
//! not start with a numbered label or a list bullet (`- `, `* `, `• `), and either
//!
//! 1. line `i + 1` starts with punctuation that cannot start running text (`，頒行全國`), or
//! 2. line `i` does not end a sentence (。！？；：!?;: before closing quotes), its display
//!    width (wide characters count 2, leading indentation included) is the file's wrap width
//!    `W` or one less (a wide character that did not fit), and line `i + 1` is no wider than
//!    `W`: text wrapped at `W` never runs past it, so a heading that happens to be `W` wide
//!    does not swallow the long paragraph after it (`二、 以制度創新…` in the sample).
//!
//! `W` is the most common display width among the file's unlabeled text lines (table rows
//! aside) that are at least [`MIN_WRAP_WIDTH`] wide and do not end a sentence, counting
//! widths `W - 1` and `W` together, provided at least two lines have it; failing that, the
//! same over all its text lines, labeled ones included (list items wrap too), provided at
//! least three have it (headings share a width by chance more often than twice). Files that
//! are not wrapped have almost no such lines (their lines end sentences), so they get no
//! `W`; checks over the real corpus are in `real_corpus_tests`.
//!
//! This module decides joins only; it does not classify headings.

use std::collections::HashMap;

use super::heading::{display_width, ends_sentence, is_continuation_start};

/// Lines narrower than this never define the wrap width.
pub const MIN_WRAP_WIDTH: usize = 20;

/// The wrap width of a file, from its text lines (untrimmed at the start, trailing white
/// space removed), when at least `at_least` lines have it (see above). `None` when the
/// file does not look hard-wrapped.
pub fn wrap_width<'a>(
    unlabeled_text_lines: impl IntoIterator<Item = &'a str>,
    at_least: u32,
) -> Option<usize> {
    let mut counts: HashMap<usize, u32> = HashMap::new();
    for line in unlabeled_text_lines {
        if ends_sentence(line) {
            continue;
        }
        let w = display_width(line);
        if w >= MIN_WRAP_WIDTH {
            *counts.entry(w).or_default() += 1;
        }
    }
    // A wrapped line is `W` wide or one less (a wide character that did not fit), so
    // widths `w - 1` and `w` count together for `w`.
    counts
        .iter()
        .map(|(&w, &n)| (w, n + counts.get(&(w - 1)).copied().unwrap_or(0)))
        .filter(|&(_, n)| n >= at_least)
        .max_by_key(|&(w, n)| (n, w))
        .map(|(w, _)| w)
}

/// Whether `line` (untrimmed at the start, trailing white space removed) continues into
/// `next` (trimmed), under the rule above. The caller has checked that both are text lines
/// and that `next` has no label.
pub fn joins(line: &str, next: &str, width: Option<usize>) -> bool {
    if ["- ", "* ", "+ ", "• ", "· "]
        .iter()
        .any(|b| next.starts_with(b))
    {
        return false; // a list item starts a paragraph of its own
    }
    if next.chars().next().is_some_and(is_continuation_start) {
        return true;
    }
    let Some(w) = width else {
        return false;
    };
    if ends_sentence(line) {
        return false;
    }
    let lw = display_width(line);
    lw + 1 >= w && lw <= w && display_width(next) <= w
}

/// Whether joining `line` and `next` needs a space: Latin words wrapped at a space
/// (`laws from` / `kong0107`); CJK text, and numbers split by the wrap, join without one.
pub fn needs_space(line: &str, next: &str) -> bool {
    let last = line.chars().next_back();
    let first = next.chars().next();
    last.is_some_and(|c| {
        c.is_ascii_alphabetic() || matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')')
    }) && first.is_some_and(|c| c.is_ascii_alphanumeric() || c == '(')
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREAMBLE: [&str; 3] = [
        "中華民國國民大會受全體國民之付託，依據孫中山先生創立中華民國之遺",
        "教，為鞏固國權，保障民權，奠定社會安寧，增進人民福利，制定本憲法",
        "，頒行全國，永矢咸遵。",
    ];

    #[test]
    fn constitution_preamble_width() {
        let w = wrap_width(PREAMBLE, 2);
        assert_eq!(w, Some(64));
        assert!(joins(PREAMBLE[0], PREAMBLE[1], w));
        assert!(joins(PREAMBLE[1], PREAMBLE[2], w));
    }

    #[test]
    fn a_line_starting_with_a_comma_continues_even_without_width() {
        assert!(joins("制定本憲法", "，頒行全國，永矢咸遵。", None));
        assert!(joins("規定訂定之", "。", None));
        assert!(!joins("制定本憲法", "- 列表", Some(10)));
    }

    #[test]
    fn sentence_ends_and_unwrapped_files_do_not_join() {
        let lines = [
            "现在，我代表国务院，向大会报告过去五年政府工作的回顾和今年工作的安排，请予审议。",
            "五年来，我们坚持和落实科学发展观，着力加强宏观调控，经济平稳快速发展。",
            "各位代表：",
        ];
        assert_eq!(wrap_width(lines, 2), None);
        assert!(!joins(lines[0], lines[1], None));
        // Even with a width, a line that ends a sentence never joins.
        let w = Some(display_width(lines[0]));
        assert!(!joins(lines[0], lines[1], w));
    }

    #[test]
    fn spaces_only_between_latin_words() {
        assert!(needs_space("laws from", "kong0107"));
        assert!(needs_space("art. 5;", "Taiwan"));
        assert!(!needs_space("第 1", "2 條"));
        assert!(!needs_space("制定本憲法", "，頒行"));
        assert!(!needs_space("from", "「法」"));
    }

    #[test]
    fn only_lines_at_the_wrap_width_join() {
        let w = Some(64);
        assert!(!joins("短行没有句号", "下一行", w));
        let wide = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二";
        assert_eq!(display_width(wide), 64);
        assert!(joins(wide, "下一行", w));
        assert!(joins(&wide[3..], "下一行", Some(63)));
        // A next line wider than the width was not wrapped at it.
        assert!(!joins(wide, &format!("{wide}一"), w));
        assert!(joins(wide, wide, w));
    }
}
