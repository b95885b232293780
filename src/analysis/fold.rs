//! Steps 1 and 2 of N(text): NFKC width/compatibility folding and lowercase, run by run, and
//! the removal of white space for the exact form, each output character tagged with the
//! original span it came from. [`super::normalize()`] drives it; [`super::simplify`] follows.
//!
//! A run is a character NFKC can never join to what precedes it, with the characters after it
//! that it can (a base letter and its combining marks, ｶ and a half-width voiced mark). Runs
//! of one character, nearly all of them, take a fast path: ASCII and CJK Unified Ideographs
//! are stable; other BMP characters look their fold up in a table built a 256-character block
//! at a time on first use. This file does not convert scripts.

use std::iter::once;
use std::sync::OnceLock;

use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::normalize::OrigSpan;

/// CJK Unified Ideographs (all blocks and extensions): NFKC-stable, never lowercased, never
/// joined to a neighbour by NFKC. The compatibility blocks are not included.
#[inline]
fn is_cjk_unified(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2EE5F | 0x30000..=0x323AF)
}

/// Whether NFKC can never join `c` to what precedes it, so a run may start at `c`.
fn starts_run_slow(c: char) -> bool {
    let mut first = None;
    decompose_compatible(c, |d| {
        first.get_or_insert(d);
    });
    let d = first.unwrap_or(c);
    canonical_combining_class(d) == 0 && is_nfkc_quick(once(d)) != IsNormalized::Maybe
}

/// White space dropped by the exact form.
#[inline]
pub(super) fn is_dropped_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// [`fold_info`] flag: a run may start at this character ([`starts_run_slow`]).
const STARTS_RUN: u32 = 1 << 31;
/// [`fold_info`] flag: alone, the character folds to the one character in the low 21 bits.
const SINGLE: u32 = 1 << 30;
/// [`fold_info`] flag: that one character is white space the exact form drops.
const DROP: u32 = 1 << 29;
const CHAR_BITS: u32 = (1 << 21) - 1;

/// Fold facts for the BMP, computed a 256-character block at a time on first use.
static FOLD_BLOCKS: [OnceLock<Box<[u32; 256]>>; 256] = [const { OnceLock::new() }; 256];

/// One character for each kind of punctuation that policy texts write in several ways: the
/// quotes “” 「」 『』 ＂ as `"`, the title marks 〈〉 as 《》, the dashes as `-`, the middle
/// dots as `·`. A phrase copied from a page that uses other quotes than the text is found.
fn punctuation_class(c: char) -> char {
    match c {
        '“' | '”' | '„' | '‟' | '「' | '」' | '『' | '』' | '﹁' | '﹂' | '﹃' | '﹄' | '〝'
        | '〞' => '"',
        '〈' => '《',
        '〉' => '》',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '﹘' | '⸺' | '⸻' => '-',
        '・' | '‧' | '•' | '∙' | '⋅' => '·',
        c => c,
    }
}

fn fold_info_slow(c: char) -> u32 {
    let mut info = if starts_run_slow(c) { STARTS_RUN } else { 0 };
    let mut folded = once(c)
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(punctuation_class);
    if let (Some(f), None) = (folded.next(), folded.next()) {
        info |= SINGLE | f as u32;
        if is_dropped_space(f) {
            info |= DROP;
        }
    }
    info
}

/// How `c` folds (for characters that are neither ASCII nor CJK Unified Ideographs).
#[inline]
fn fold_info(c: char) -> u32 {
    let cp = c as u32;
    if cp >= 0x10000 {
        return fold_info_slow(c);
    }
    let block = FOLD_BLOCKS[(cp >> 8) as usize].get_or_init(|| {
        let mut block = Box::new([0u32; 256]);
        for (lo, slot) in block.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(cp & !0xFF | lo as u32) {
                *slot = fold_info_slow(c);
            }
        }
        block
    });
    block[(cp & 0xFF) as usize]
}

#[inline]
fn starts_run(c: char) -> bool {
    c.is_ascii() || is_cjk_unified(c) || fold_info(c) & STARTS_RUN != 0
}

/// Step 1 (and 2 unless `keep_ws`): NFKC + lowercase, per run, into `out`. Returns the number
/// of original characters.
pub(super) fn fold(text: &str, keep_ws: bool, out: &mut Vec<(char, OrigSpan)>) -> u32 {
    out.reserve(text.len() / 2);
    let mut it = text.char_indices();
    let mut cur = it.next();
    let mut ci: u32 = 0;
    while let Some((b, c)) = cur {
        let next = it.next();
        // The common case: a one-character run.
        if next.is_none_or(|(_, n)| starts_run(n)) {
            let end = next.map_or(text.len(), |(nb, _)| nb);
            let char_start = ci;
            ci += 1;
            cur = next;
            let folded = if is_cjk_unified(c) {
                c
            } else if c.is_ascii() {
                if !keep_ws && (c.is_ascii_whitespace() || c == '\x0B') {
                    continue;
                }
                c.to_ascii_lowercase()
            } else {
                let info = fold_info(c);
                if info & SINGLE == 0 {
                    let span = OrigSpan {
                        char_start,
                        char_end: char_start + 1,
                        byte_start: b as u32,
                        byte_end: end as u32,
                    };
                    fold_run(&text[b..end], span, keep_ws, out);
                    continue;
                }
                if !keep_ws && info & DROP != 0 {
                    continue;
                }
                char::from_u32(info & CHAR_BITS).unwrap_or(c)
            };
            // Built in place: a span assembled on the stack first stalls the copy.
            out.push((
                folded,
                OrigSpan {
                    char_start,
                    char_end: char_start + 1,
                    byte_start: b as u32,
                    byte_end: end as u32,
                },
            ));
            continue;
        }
        let mut next = next;
        let mut run_chars = 1;
        while let Some((_, n)) = next {
            if starts_run(n) {
                break;
            }
            run_chars += 1;
            next = it.next();
        }
        let end = next.map_or(text.len(), |(nb, _)| nb);
        let span = OrigSpan {
            char_start: ci,
            char_end: ci + run_chars,
            byte_start: b as u32,
            byte_end: end as u32,
        };
        fold_run(&text[b..end], span, keep_ws, out);
        ci += run_chars;
        cur = next;
    }
    ci
}

/// The general case of [`fold`]: NFKC and lowercase a whole run, all of it mapped to `span`.
#[cold]
fn fold_run(run: &str, span: OrigSpan, keep_ws: bool, out: &mut Vec<(char, OrigSpan)>) {
    run.nfkc()
        .flat_map(char::to_lowercase)
        .map(punctuation_class)
        .filter(|&l| keep_ws || !is_dropped_space(l))
        .for_each(|l| out.push((l, span)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_title_marks_dashes_and_dots_of_every_kind_fold_to_one() {
        let folded = |t: &str| {
            let mut out = Vec::new();
            fold(t, false, &mut out);
            out.into_iter().map(|(c, _)| c).collect::<String>()
        };
        assert_eq!(folded("推进“一带一路”建设"), "推进\"一带一路\"建设");
        assert_eq!(folded("推进「一带一路」建设"), "推进\"一带一路\"建设");
        assert_eq!(folded("推进＂一带一路＂建设"), "推进\"一带一路\"建设");
        assert_eq!(folded("推进『一带一路』建设"), "推进\"一带一路\"建设");
        assert_eq!(folded("〈宪法〉"), "《宪法》");
        assert_eq!(folded("——"), "--");
        assert_eq!(folded("－"), "-");
        assert_eq!(folded("阿卜杜勒・阿齐兹"), "阿卜杜勒·阿齐兹");
        assert_eq!(folded("阿卜杜勒‧阿齐兹"), "阿卜杜勒·阿齐兹");
    }

    fn folded(text: &str, keep_ws: bool) -> Vec<(char, u32, u32)> {
        let mut out = Vec::new();
        fold(text, keep_ws, &mut out);
        out.into_iter()
            .map(|(c, s)| (c, s.char_start, s.char_end))
            .collect()
    }

    #[test]
    fn runs() {
        assert!(starts_run('a') && starts_run('國') && starts_run('Ａ') && starts_run('，'));
        assert!(!starts_run('\u{301}') && !starts_run('\u{FF9E}') && !starts_run('\u{1161}'));
        // e + combining acute is one run, folded to é.
        assert_eq!(folded("e\u{301}x", true), [('é', 0, 2), ('x', 2, 3)]);
        // ｶ + half-width voiced mark → ガ.
        assert_eq!(folded("ｶﾞ", true), [('ガ', 0, 2)]);
    }

    #[test]
    fn single_characters() {
        assert_eq!(
            folded("Ａ１（", true),
            [('a', 0, 1), ('1', 1, 2), ('(', 2, 3)]
        );
        assert_eq!(
            folded("a\u{3000}b\u{B}c", false),
            [('a', 0, 1), ('b', 2, 3), ('c', 4, 5)]
        );
        assert_eq!(folded("\u{3000}", true), [(' ', 0, 1)]);
        // A leading combining mark is a run of its own.
        assert_eq!(folded("\u{301}", true), [('\u{301}', 0, 1)]);
        assert_eq!(folded("İ", true), [('i', 0, 1), ('\u{307}', 0, 1)]);
    }

    #[test]
    fn fold_table_matches_the_slow_path() {
        for cp in (0x80..0x3400).chain(0xA000..0x10000) {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(fold_info(c), fold_info_slow(c), "U+{cp:04X}");
            }
        }
    }
}
