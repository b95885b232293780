//! Traditional characters that N(text) folds together but that are different characters:
//! 乾, 幹 and 干 are all 干 under N, as 發 and 髮 are 发 and 後 and 后 are 后.
//!
//! Folding them is right for a Simplified query, whose 干 may stand for any of them, and for
//! Simplified text, whose 干 does. A query typed in Traditional script means the character it
//! types, though: in a Traditional paragraph its 乾 matches 乾, not 干 (若干, 干涉) nor 幹
//! (幹部). The groups are in `data/variants/distinct-traditional.txt` (compiled in), one
//! group a line, its *classes* separated by white space; the characters of one class are
//! variants of one character (臺台) and match each other.
//!
//! The exact index records, for each Traditional paragraph, where a group's character stands
//! in another class than the group's first ([`code_of`]), and which paragraphs are
//! Traditional ([`is_traditional`]); a look-up with a [`CharRule`] checks the class at each
//! occurrence. A query term gets rules only when it is written in Traditional script
//! ([`rules_of`]).

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::script::{ScriptCounts, Written};

/// The groups, as shipped.
pub const TABLE: &str = include_str!("../../data/variants/distinct-traditional.txt");

/// The class recorded for a group's character that is in none of its classes (a Simplified
/// form such as 发 written inside a Traditional paragraph): it matches any class.
pub const ANY_CLASS: u8 = u8::MAX;

/// What the table says of one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Member {
    /// The group's character under N (its Simplified form).
    fold: char,
    /// The class's number in its group, 0 for the first.
    class: u8,
}

/// Each member character of a group, and each group's N character.
struct Table {
    members: FxHashMap<char, Member>,
    folds: rustc_hash::FxHashSet<char>,
}

static TABLE_PARSED: LazyLock<Table> = LazyLock::new(|| parse(TABLE));

fn parse(text: &str) -> Table {
    let mut members = FxHashMap::default();
    let mut folds = rustc_hash::FxHashSet::default();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(fold) = line
            .chars()
            .find(|c| !c.is_whitespace())
            .map(super::simplify::simplify_char)
        else {
            continue;
        };
        folds.insert(fold);
        for (class, chars) in line.split_whitespace().enumerate() {
            let class = u8::try_from(class).unwrap_or(ANY_CLASS - 1);
            for c in chars.chars() {
                members.insert(c, Member { fold, class });
            }
        }
    }
    Table { members, folds }
}

/// The characters of the group `c` belongs to, of every class (none if it is in no group).
pub fn group_of(c: char) -> Vec<char> {
    let table = &*TABLE_PARSED;
    let Some(m) = table.members.get(&c) else {
        return Vec::new();
    };
    let mut all: Vec<char> = (table.members.iter())
        .filter(|(_, o)| o.fold == m.fold)
        .map(|(&c, _)| c)
        .collect();
    all.sort_unstable();
    all
}

/// Whether `n`, a character of N(text), stands for a group of distinct characters.
#[inline]
pub fn is_group_fold(n: char) -> bool {
    TABLE_PARSED.folds.contains(&n)
}

/// The class of `orig` in the group of `n` (its N character): `None` when it is the group's
/// first class, which the index does not record; [`ANY_CLASS`] when `orig` is in no class of
/// the group (a Simplified form).
pub fn code_of(n: char, orig: char) -> Option<u8> {
    match TABLE_PARSED.members.get(&orig) {
        Some(m) if m.fold == n && m.class == 0 => None,
        Some(m) if m.fold == n => Some(m.class),
        _ => Some(ANY_CLASS),
    }
}

/// One character of a Traditional query that must stand in its own class in a Traditional
/// paragraph: at `offset` (in chars of the query's N form), class `class` of its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CharRule {
    /// Where the character is in the query's N form.
    pub offset: u32,
    /// Its class in its group.
    pub class: u8,
}

impl CharRule {
    /// Whether a paragraph's character of class `recorded` (as [`code_of`] gives it: `None`
    /// for the first class) satisfies the rule.
    #[inline]
    pub fn accepts(&self, recorded: Option<u8>) -> bool {
        match recorded {
            None => self.class == 0,
            Some(ANY_CLASS) => true,
            Some(c) => c == self.class,
        }
    }
}

/// The rules of a query text `typed` whose N form without white space is `norm`: one per
/// member of a group when `typed` is written in Traditional script (more of its characters
/// are Traditional forms than Simplified ones, a group's members counting for neither),
/// none otherwise (a Simplified or undecided query finds every member). `typed` must be what `norm` came
/// from: their chars pair up once white space is dropped, else no rules.
pub fn rules_of(typed: &str, norm: &[char]) -> Vec<CharRule> {
    let table = &*TABLE_PARSED;
    // As `script_of`, but a group's members count for neither side: 干 is a Simplified form
    // (of 乾 and 幹) and a Traditional character, so 若干規定 is Traditional.
    let (mut to_simp, mut to_trad) = (0, 0);
    for c in typed.chars() {
        if super::simplify::simplify_char(c) != c {
            to_simp += 1;
        } else if super::script::is_simplified_form(c) && !table.members.contains_key(&c) {
            to_trad += 1;
        }
    }
    if to_simp <= to_trad {
        return Vec::new();
    }
    let mut rules = Vec::new();
    // N maps one char to one char (white space dropped): pair the typed chars with N's.
    let n = super::normalize_exact(typed);
    if n.as_str().chars().ne(norm.iter().copied()) {
        return Vec::new();
    }
    for (i, (span, &folded)) in n.spans().iter().zip(norm).enumerate() {
        let Some(orig) = typed
            .get(span.byte_start as usize..)
            .and_then(|s| s.chars().next())
        else {
            continue;
        };
        if let Some(m) = table.members.get(&orig).filter(|m| m.fold == folded) {
            rules.push(CharRule {
                offset: i as u32,
                class: m.class,
            });
        }
    }
    rules
}

/// Whether a paragraph is Traditional for these rules: its own characters say so, or, when
/// they say neither (人民, a number), the document's (`document`).
pub fn is_traditional(paragraph: &str, document: Option<Written>) -> bool {
    is_traditional_by(ScriptCounts::of(paragraph), document)
}

/// [`is_traditional`] of a paragraph whose script counts are `counts`.
pub fn is_traditional_by(counts: ScriptCounts, document: Option<Written>) -> bool {
    match counts.script() {
        Some(w) => w == Written::Traditional,
        None => document == Some(Written::Traditional),
    }
}

/// The script of a document for [`is_traditional`]: that of its first paragraphs (`texts`),
/// some 12 KB of them.
pub fn document_script<'t>(texts: impl IntoIterator<Item = &'t str>) -> Option<Written> {
    document_script_by(texts.into_iter().map(|t| (t.len(), ScriptCounts::of(t))))
}

/// [`document_script`] of paragraphs given as (length in bytes, script counts).
pub fn document_script_by(
    paragraphs: impl IntoIterator<Item = (usize, ScriptCounts)>,
) -> Option<Written> {
    const SAMPLE_BYTES: usize = 12_000;
    let (mut bytes, mut sum) = (0, ScriptCounts::default());
    for (len, counts) in paragraphs {
        if bytes >= SAMPLE_BYTES {
            break;
        }
        bytes += len;
        sum = sum + counts;
    }
    sum.script()
}

/// Whether `text` (a paragraph of a document in `script`) holds N-form `needle` at an
/// occurrence that one of `rules` accepts: the look-up's judgement, read from the text.
pub fn holds_ruled(text: &str, script: Option<Written>, needle: &str, rules: &[CharRule]) -> bool {
    let norm = super::normalize_exact(text);
    let traditional = is_traditional(text, script);
    (norm.find_all(needle).into_iter())
        .any(|(s, _)| occurrence_accepted(rules, traditional, text, &norm, s))
}

/// Whether the occurrence of a ruled text at char `start` of a Traditional paragraph's
/// normalized form `norm` (with original `text`) satisfies `rules`; a paragraph that is not
/// Traditional satisfies any. The same judgement as the exact index's, from the text.
pub fn occurrence_accepted(
    rules: &[CharRule],
    traditional: bool,
    text: &str,
    norm: &super::Normalized,
    start: usize,
) -> bool {
    if !traditional {
        return true;
    }
    rules.iter().all(|r| {
        let at = start + r.offset as usize;
        if at >= norm.len() {
            return false;
        }
        let n = norm.as_str()[norm.norm_byte(at)..].chars().next();
        let span = norm.span(at);
        let orig = text
            .get(span.byte_start as usize..)
            .and_then(|s| s.chars().next());
        match (n, orig) {
            (Some(n), Some(orig)) => r.accepts(code_of(n, orig)),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::normalize_exact;

    fn norm(s: &str) -> Vec<char> {
        normalize_exact(s).as_str().chars().collect()
    }

    #[test]
    fn every_group_folds_to_one_character_and_no_character_is_in_two_groups() {
        let mut seen = std::collections::HashSet::new();
        for line in TABLE.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let chars: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
            let n = norm(&chars.iter().collect::<String>());
            assert!(n.iter().all(|&c| c == n[0]), "{line}: folds to {n:?}");
            assert!(line.split_whitespace().count() >= 2, "{line}: one class");
            for c in chars {
                assert!(seen.insert(c), "{c} in two groups");
            }
        }
        assert!(is_group_fold('干') && is_group_fold('发') && is_group_fold('后'));
        assert!(!is_group_fold('人'));
    }

    #[test]
    fn classes_of_characters() {
        assert_eq!(code_of('干', '幹'), None);
        assert_eq!(code_of('干', '干'), Some(1));
        assert_eq!(code_of('干', '乾'), Some(2));
        assert_eq!(code_of('发', '發'), None);
        assert_eq!(code_of('发', '髮'), Some(1));
        // A Simplified form matches any class.
        assert_eq!(code_of('发', '发'), Some(ANY_CLASS));
        // Variants of one character share a class.
        assert_eq!(code_of('台', '臺'), None);
        assert_eq!(code_of('台', '台'), None);
        assert_eq!(code_of('台', '颱'), Some(2));
    }

    #[test]
    fn only_traditional_queries_have_rules() {
        let rules = rules_of("乾", &norm("乾"));
        assert_eq!(
            rules,
            vec![CharRule {
                offset: 0,
                class: 2
            }]
        );
        // 若干 in a Traditional query means 干.
        let rules = rules_of("若干規定", &norm("若干規定"));
        assert_eq!(
            rules,
            vec![CharRule {
                offset: 1,
                class: 1
            }]
        );
        // White space is not counted in offsets.
        let rules = rules_of("頭 髮", &norm("頭 髮"));
        assert_eq!(
            rules,
            vec![CharRule {
                offset: 1,
                class: 1
            }]
        );
        // Simplified or undecided: every member.
        assert!(rules_of("干涉", &norm("干涉")).is_empty());
        assert!(rules_of("头发", &norm("头发")).is_empty());
        assert!(
            rules_of("發展", &norm("發展"))
                == vec![CharRule {
                    offset: 0,
                    class: 0
                }]
        );
    }

    #[test]
    fn rules_accept_their_own_class_and_simplified_forms() {
        let qian = CharRule {
            offset: 0,
            class: 2,
        };
        assert!(qian.accepts(Some(2)));
        assert!(!qian.accepts(Some(1)));
        assert!(!qian.accepts(None));
        assert!(qian.accepts(Some(ANY_CLASS)));
        let gan = CharRule {
            offset: 0,
            class: 0,
        };
        assert!(gan.accepts(None));
        assert!(!gan.accepts(Some(2)));
    }

    #[test]
    fn occurrences_are_judged_in_traditional_paragraphs_only() {
        let rules = rules_of("乾", &norm("乾"));
        let judge = |text: &str, traditional: bool| -> Vec<bool> {
            let n = normalize_exact(text);
            let chars: Vec<char> = n.as_str().chars().collect();
            (0..chars.len())
                .filter(|&i| chars[i] == '干')
                .map(|i| occurrence_accepted(&rules, traditional, text, &n, i))
                .collect()
        };
        assert_eq!(judge("不得干涉，保持乾燥", true), vec![false, true]);
        assert_eq!(judge("不得干涉，保持乾燥", false), vec![true, true]);
        assert_eq!(judge("保持干燥", true), vec![false]);
        assert!(is_traditional("國家發展", None));
        assert!(!is_traditional("国家发展", Some(Written::Traditional)));
        assert!(is_traditional("人民", Some(Written::Traditional)));
        assert!(!is_traditional("人民", None));
    }
}
