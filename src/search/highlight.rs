//! Highlights and snippets: where the query's phrases and words occur in a paragraph, as
//! `[start, end)` character offsets into its original text, and a window of text around the
//! first one. Display conversion to another script keeps the offsets right.
//!
//! Occurrences are found in the normalized text (script, width, case, white space removed) and
//! mapped back through [`crate::analysis::Normalized`], the one place that converts between
//! normalized and original positions. This module does not print.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analysis;
use crate::analysis::distinct::CharRule;

/// The script of displayed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Script {
    /// As written in the source.
    #[default]
    Original,
    /// Converted to Simplified characters.
    Simplified,
    /// Converted to Traditional characters.
    Traditional,
}

/// A window of a paragraph with its highlights.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// The window's text, with `…` where the paragraph was cut.
    pub text: String,
    /// `[start, end)` character offsets into `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// Every occurrence of each needle (normalized, white-space-free) in `text`, as sorted,
/// non-overlapping `[start, end)` character ranges of `text`: occurrences that overlap, of
/// one needle (`aaa` in `aaaa`) or of different ones, are merged into one span.
pub fn find_highlights(text: &str, needles: &[String]) -> Vec<[usize; 2]> {
    find_highlights_ruled(text, needles, &[], false)
}

/// [`find_highlights`], where an occurrence of a needle of `ruled` (sorted by needle) counts
/// only if one of its character rules accepts it, in a `traditional` paragraph
/// ([`analysis::distinct`]).
pub fn find_highlights_ruled(
    text: &str,
    needles: &[String],
    ruled: &[(String, Vec<Arc<[CharRule]>>)],
    traditional: bool,
) -> Vec<[usize; 2]> {
    let norm = analysis::normalize_exact(text);
    let mut spans: Vec<[usize; 2]> = Vec::new();
    for needle in needles {
        if needle.is_empty() {
            continue;
        }
        let rules = match traditional {
            true => {
                (ruled.binary_search_by(|(n, _)| n.as_str().cmp(needle)).ok()).map(|i| &ruled[i].1)
            }
            false => None,
        };
        for (s, e) in norm.find_all(needle) {
            if let Some(rules) = rules {
                let ok = (rules.iter())
                    .any(|r| analysis::distinct::occurrence_accepted(r, true, text, &norm, s));
                if !ok {
                    continue;
                }
            }
            let (a, b) = norm.orig_chars(s, e);
            spans.push([a, b]);
        }
    }
    spans.sort_unstable();
    let mut merged: Vec<[usize; 2]> = Vec::with_capacity(spans.len());
    for s in spans {
        match merged.last_mut() {
            Some(last) if s[0] < last[1] => last[1] = last[1].max(s[1]),
            _ => merged.push(s),
        }
    }
    merged
}

/// Converts `text` to `script`, piece by piece between highlight boundaries, so the
/// highlights still cover the same words whatever the conversion does to lengths.
pub fn convert_script(
    text: &str,
    spans: &[[usize; 2]],
    script: Script,
) -> (String, Vec<[usize; 2]>) {
    let convert: fn(&str) -> String = match script {
        Script::Original => return (text.to_string(), spans.to_vec()),
        Script::Simplified => analysis::script::t2s,
        Script::Traditional => analysis::script::s2t,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut cuts = vec![0, chars.len()];
    for s in spans {
        cuts.push(s[0].min(chars.len()));
        cuts.push(s[1].min(chars.len()));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = String::with_capacity(text.len());
    let mut new_at = Vec::with_capacity(cuts.len());
    let mut count = 0;
    for w in cuts.windows(2) {
        new_at.push((w[0], count));
        let piece: String = chars[w[0]..w[1]].iter().collect();
        let converted = convert(&piece);
        count += converted.chars().count();
        out.push_str(&converted);
    }
    new_at.push((chars.len(), count));
    let map = |old: usize| {
        new_at
            .iter()
            .find(|(o, _)| *o == old)
            .map_or(count, |(_, n)| *n)
    };
    let spans = spans.iter().map(|s| [map(s[0]), map(s[1])]).collect();
    (out, spans)
}

/// A window of about `width` characters of `text` around the first highlight, with `…`
/// where it was cut; the highlights inside it, shifted to its offsets.
pub fn snippet(text: &str, spans: &[[usize; 2]], width: usize) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let width = width.max(10);
    let (start, end) = if n <= width {
        (0, n)
    } else {
        let first = spans.first().map_or(0, |s| s[0]);
        let lead = width / 4;
        let start = first.saturating_sub(lead).min(n - width);
        (start, start + width)
    };
    let mut out = String::new();
    let shift = if start > 0 {
        out.push('…');
        1
    } else {
        0
    };
    out.extend(&chars[start..end]);
    if end < n {
        out.push('…');
    }
    let highlights = spans
        .iter()
        .filter(|s| s[1] > start && s[0] < end)
        .map(|s| {
            [
                s[0].max(start) - start + shift,
                s[1].min(end) - start + shift,
            ]
        })
        .collect();
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, s: [usize; 2]) -> String {
        text.chars().skip(s[0]).take(s[1] - s[0]).collect()
    }

    #[test]
    fn highlights_are_spans_of_the_original_in_either_script() {
        let text = "推動個人資料保護，並兼顧個人資料之合理利用。";
        let needles = vec![analysis::normalize_exact("个人资料").as_str().to_string()];
        let spans = find_highlights(text, &needles);
        assert_eq!(spans.len(), 2);
        for s in &spans {
            assert_eq!(slice(text, *s), "個人資料");
        }
    }

    #[test]
    fn a_phrase_across_white_space_is_one_span() {
        let text = "第 一 章　總則";
        let needles = vec![analysis::normalize_exact("第一章").as_str().to_string()];
        let spans = find_highlights(text, &needles);
        assert_eq!(spans, vec![[0, 5]]);
    }

    #[test]
    fn overlapping_needles_merge() {
        let text = "人工智能产业发展";
        let needles = vec!["人工智能".to_string(), "智能产业".to_string()];
        assert_eq!(find_highlights(text, &needles), vec![[0, 6]]);
        // Overlapping occurrences of one needle cover every character they match.
        let needles = vec!["aaa".to_string(), "日日".to_string()];
        assert_eq!(
            find_highlights("aaaa 测试 日日日", &needles),
            vec![[0, 4], [8, 11]]
        );
    }

    #[test]
    fn converting_the_script_keeps_highlights_on_the_same_words() {
        let text = "推動個人資料保護";
        let spans = vec![[2, 6]];
        let (simp, s2) = convert_script(text, &spans, Script::Simplified);
        assert_eq!(simp, "推动个人资料保护");
        assert_eq!(slice(&simp, s2[0]), "个人资料");
    }

    #[test]
    fn snippet_cuts_long_text_around_the_first_highlight() {
        let text: String = "甲".repeat(200) + "目标" + &"乙".repeat(200);
        let spans = vec![[200, 202]];
        let s = snippet(&text, &spans, 40);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(s.text.chars().count(), 42);
        assert_eq!(slice(&s.text, s.highlights[0]), "目标");
    }

    #[test]
    fn short_text_is_its_own_snippet() {
        let s = snippet("短文本", &[[0, 1]], 100);
        assert_eq!(s.text, "短文本");
        assert_eq!(s.highlights, vec![[0, 1]]);
    }
}
