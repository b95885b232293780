//! N(text): the normalization that indexing and querying both apply, with an exact map from
//! every normalized character back to the characters and bytes of the original text.
//!
//! The steps, in this order:
//! 1. **Width and compatibility folding (NFKC) and lowercase.** `ＡＩ` → `ai`, `１９５５` →
//!    `1955`, `（` → `(`. The text is cut into the shortest runs that NFKC never joins (a base
//!    character with the combining marks after it); each run is folded on its own, so a
//!    normalized character maps to the run it came from, which is almost always one character.
//!    ASCII and CJK Unified Ideographs are NFKC-stable and skip the normalizer.
//! 2. **White space removal**, for the exact form only ([`normalize_exact`]): Unicode
//!    `White_Space` (U+3000, line breaks, tabs, ...) and the invisible U+200B-U+200D, U+2060,
//!    U+FEFF are dropped, so `第 一 章` reads as `第一章`.
//! 3. **Traditional → Simplified** with OpenCC's `t2s` character table as shipped by
//!    `hanconv`, one character at a time (see `simplify.rs` for why not its phrase table:
//!    it would make N depend on context and lose substrings). Each output character maps to
//!    the character it came from.
//!
//! Folding runs before `t2s` (DESIGN lists `t2s` first) so that CJK compatibility ideographs,
//! which Big5 decoders produce, become unified ideographs that `t2s` then converts. It changes
//! nothing on ordinary text.
//!
//! Steps 1-2 live in `fold.rs`, step 3 in `simplify.rs`; this file holds the
//! public entry points and [`Normalized`], the one place that maps normalized positions back
//! to the original. It does not segment words, build index terms or convert whole strings for display
//! ([`super::script`] does that). Texts over 4 GiB are normalized only up to their first
//! 4 GiB (offsets are stored as `u32`); no paragraph comes near that.

use super::fold::fold;
use super::simplify::to_simplified;

/// Where one normalized character came from: a half-open range of the original text, in
/// characters and in bytes. Byte offsets are always on char boundaries of the original.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrigSpan {
    /// First original character (0-based char index).
    pub char_start: u32,
    /// One past the last original character.
    pub char_end: u32,
    /// Byte offset of the first original character.
    pub byte_start: u32,
    /// Byte offset one past the last original character.
    pub byte_end: u32,
}

/// A normalized text with its map back to the original.
///
/// Built by [`normalize_exact`] / [`normalize_exact_into`] (white space removed) or
/// [`normalize_mapped_into`] (white space kept). Reuse one value across texts to avoid
/// allocating: every `*_into` function clears it first.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    /// The normalized text.
    text: String,
    /// Byte offset in `text` of each normalized character.
    norm_bytes: Vec<u32>,
    /// Original span of each normalized character.
    spans: Vec<OrigSpan>,
    /// Scratch: the folded characters before `t2s`.
    folded: Vec<(char, OrigSpan)>,
    /// Length of the original text (chars, bytes), for mapping empty ranges at the end.
    orig_end: (u32, u32),
}

impl Normalized {
    /// An empty value, to be filled by the `*_into` functions.
    pub fn new() -> Self {
        Self::default()
    }

    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Number of normalized characters.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the normalized text is empty.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The original span of normalized character `i` (panics if `i >= len()`).
    pub fn span(&self, i: usize) -> OrigSpan {
        self.spans[i]
    }

    /// The original spans of all normalized characters, in order.
    pub fn spans(&self) -> &[OrigSpan] {
        &self.spans
    }

    /// Byte offset in [`Self::as_str`] of normalized character `i`; `len()` gives the text's
    /// length. Larger `i` are clamped.
    pub fn norm_byte(&self, i: usize) -> usize {
        self.norm_bytes
            .get(i)
            .map_or(self.text.len(), |&b| b as usize)
    }

    /// The normalized character index that starts at byte `byte` of [`Self::as_str`], or the
    /// index of the character containing it.
    pub fn char_at_norm_byte(&self, byte: usize) -> usize {
        match self.norm_bytes.binary_search(&(byte as u32)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Maps the half-open range `[norm_start, norm_end)` of normalized characters to the
    /// half-open range of original characters that produced them. Indices are clamped to
    /// `len()`; an empty range maps to an empty range where it sits in the original.
    pub fn orig_chars(&self, norm_start: usize, norm_end: usize) -> (usize, usize) {
        let (s, e) = self.orig_range(norm_start, norm_end);
        (s.char_start as usize, e.char_end as usize)
    }

    /// Like [`Self::orig_chars`], in bytes of the original (always on char boundaries).
    pub fn orig_bytes(&self, norm_start: usize, norm_end: usize) -> (usize, usize) {
        let (s, e) = self.orig_range(norm_start, norm_end);
        (s.byte_start as usize, e.byte_end as usize)
    }

    fn orig_range(&self, norm_start: usize, norm_end: usize) -> (OrigSpan, OrigSpan) {
        let len = self.spans.len();
        let end = norm_end.min(len);
        let start = norm_start.min(end);
        if start < end {
            return (self.spans[start], self.spans[end - 1]);
        }
        // Empty: the position just before normalized char `start`, or the original's end.
        let at = match self.spans.get(start) {
            Some(span) => (span.char_start, span.byte_start),
            None => self.orig_end,
        };
        let point = OrigSpan {
            char_start: at.0,
            char_end: at.0,
            byte_start: at.1,
            byte_end: at.1,
        };
        (point, point)
    }

    /// All occurrences of `needle` (already normalized, e.g. the `as_str()` of
    /// [`normalize_exact`] applied to a phrase), overlapping ones included, as half-open
    /// ranges of normalized character indices in ascending order: `aa` in `aaa` is at 0 and
    /// at 1, as the exact index counts it. An empty needle has no occurrences.
    pub fn find_all(&self, needle: &str) -> Vec<(usize, usize)> {
        let Some(first) = needle.chars().next() else {
            return Vec::new();
        };
        let needle_chars = needle.chars().count();
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let hay = self.text.as_bytes();
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = hay.get(from..).and_then(|rest| finder.find(rest)) {
            let byte = from + at;
            // Both are valid UTF-8, so a byte match starts on a char boundary; the next
            // search starts one character later.
            let start = self.char_at_norm_byte(byte);
            found.push((start, start + needle_chars));
            from = byte + first.len_utf8();
        }
        found
    }

    fn clear(&mut self) {
        self.text.clear();
        self.norm_bytes.clear();
        self.spans.clear();
        self.folded.clear();
        self.orig_end = (0, 0);
    }

    /// Makes room for `chars` more normalized characters (for [`super::simplify`]).
    pub(super) fn reserve(&mut self, chars: usize) {
        self.text.reserve(chars * 3);
        self.norm_bytes.reserve(chars);
        self.spans.reserve(chars);
    }

    /// Appends one normalized character (for [`super::simplify`]).
    #[inline(always)]
    pub(super) fn push(&mut self, c: char, span: OrigSpan) {
        self.norm_bytes.push(self.text.len() as u32);
        self.text.push(c);
        self.spans.push(span);
    }
}

/// N(text) keeping white space: the form jieba segments and bare query words are compared in.
pub fn normalize(text: &str) -> String {
    let mut norm = Normalized::new();
    normalize_mapped_into(&mut norm, text);
    norm.text
}

/// N(text) without white space, with its map to the original: the form exact phrases are
/// matched in.
pub fn normalize_exact(text: &str) -> Normalized {
    let mut norm = Normalized::new();
    normalize_exact_into(&mut norm, text);
    norm
}

/// [`normalize_exact`] into a reused value.
pub fn normalize_exact_into(norm: &mut Normalized, text: &str) {
    run(norm, text, false);
}

/// [`normalize`] with the map to the original, into a reused value.
pub fn normalize_mapped_into(norm: &mut Normalized, text: &str) {
    run(norm, text, true);
}

fn run(norm: &mut Normalized, text: &str, keep_ws: bool) {
    norm.clear();
    let text = clamp_to_u32(text);
    let mut folded = std::mem::take(&mut norm.folded);
    let chars = fold(text, keep_ws, &mut folded);
    norm.orig_end = (chars, text.len() as u32);
    to_simplified(&folded, norm);
    folded.clear();
    norm.folded = folded;
}

fn clamp_to_u32(text: &str) -> &str {
    let max = u32::MAX as usize;
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::super::fold::is_dropped_space;
    use super::*;
    use proptest::prelude::*;

    fn exact(text: &str) -> String {
        normalize_exact(text).as_str().to_owned()
    }

    #[test]
    fn both_scripts_normalize_alike() {
        assert_eq!(normalize("個人資料保護"), normalize("个人资料保护"));
        assert_eq!(normalize("個人資料保護"), "个人资料保护");
        assert_eq!(normalize("發展"), "发展");
        assert_eq!(normalize("頭髮"), "头发");
        assert_eq!(
            normalize("制度創新與人工智能發展"),
            "制度创新与人工智能发展"
        );
    }

    #[test]
    fn conversion_is_per_character_so_it_does_not_depend_on_context() {
        // OpenCC's phrase table would keep 乾 in 乾坤; per character it is 干 everywhere.
        assert_eq!(normalize("乾淨"), "干净");
        assert_eq!(normalize("乾坤"), "干坤");
        // And white space inside the phrase does not change that for the exact form.
        assert_eq!(exact("乾 坤"), "干坤");
    }

    #[test]
    fn width_and_case_folding() {
        assert_eq!(normalize("ＡＩ"), "ai");
        assert_eq!(normalize("１９５５年"), "1955年");
        assert_eq!(normalize("（一）"), "(一)");
        assert_eq!(normalize("ChatGPT與AI"), "chatgpt与ai");
        assert_eq!(normalize("ÄÖÜ"), "äöü");
        // Decomposed and precomposed forms meet.
        assert_eq!(normalize("e\u{301}"), normalize("\u{e9}"));
        // Compatibility ideograph → unified → simplified.
        assert_eq!(normalize("\u{F914}"), "乐");
    }

    #[test]
    fn exact_drops_white_space_only() {
        assert_eq!(exact("第 一 章"), "第一章");
        assert_eq!(exact("第\u{3000}一\r\n章\t總綱"), "第一章总纲");
        assert_eq!(exact("a\u{200B}b\u{FEFF}"), "ab");
        assert_eq!(normalize("第 一\u{3000}章"), "第 一 章");
        assert_eq!(exact(" \r\n\u{3000}"), "");
    }

    #[test]
    fn map_is_exact() {
        let text = "（一）部分關鍵\u{3000}軟硬件\r\n依賴ＡＩ進口";
        let norm = normalize_exact(text);
        assert_eq!(norm.as_str(), "(一)部分关键软硬件依赖ai进口");
        let found = norm.find_all("键软");
        assert_eq!(found, vec![(6, 8)]);
        let (cs, ce) = norm.orig_chars(6, 8);
        let orig: String = text.chars().skip(cs).take(ce - cs).collect();
        assert_eq!(orig, "鍵\u{3000}軟");
        let (bs, be) = norm.orig_bytes(6, 8);
        assert_eq!(&text[bs..be], orig);
        let found = norm.find_all("赖ai");
        let (bs, be) = norm.orig_bytes(found[0].0, found[0].1);
        assert_eq!(&text[bs..be], "賴ＡＩ");
    }

    #[test]
    fn expansions_map_to_their_source() {
        // ㍻ (one char) folds to 平成 (two): both map to it.
        let text = "x㍻y";
        let norm = normalize_exact(text);
        assert_eq!(norm.as_str(), "x平成y");
        assert_eq!(norm.orig_chars(1, 2), (1, 2));
        assert_eq!(norm.orig_chars(2, 3), (1, 2));
        assert_eq!(norm.orig_chars(0, 4), (0, 3));
    }

    #[test]
    fn empty_and_clamped_ranges() {
        let norm = normalize_exact("ab c");
        assert_eq!(norm.orig_chars(1, 1), (1, 1));
        assert_eq!(norm.orig_chars(3, 3), (4, 4));
        assert_eq!(norm.orig_chars(2, 99), (3, 4));
        assert_eq!(norm.orig_bytes(5, 2), (3, 3));
        assert!(norm.find_all("").is_empty());
        let empty = normalize_exact("");
        assert!(empty.is_empty());
        assert_eq!(empty.orig_chars(0, 1), (0, 0));
    }

    #[test]
    fn find_all_reports_overlapping_occurrences() {
        let norm = normalize_exact("aaa 发展發展 日日日");
        assert_eq!(norm.find_all("aa"), vec![(0, 2), (1, 3)]);
        assert_eq!(norm.find_all("发展"), vec![(3, 5), (5, 7)]);
        assert_eq!(norm.find_all("日日"), vec![(7, 9), (8, 10)]);
    }

    #[test]
    fn buffers_are_reused() {
        let mut norm = Normalized::new();
        normalize_exact_into(&mut norm, "很長的一段文字很長的一段文字");
        normalize_exact_into(&mut norm, "短");
        assert_eq!(norm.as_str(), "短");
        assert_eq!(norm.len(), 1);
        assert_eq!(norm.orig_bytes(0, 1), (0, 3));
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "發展",
            "个人",
            "資料",
            "乾坤",
            "乾",
            "ＡＩ",
            "１９",
            "（",
            "）",
            " ",
            "\u{3000}",
            "\r\n",
            "\t",
            "e\u{301}",
            "\u{301}",
            "\u{FF9E}",
            "ｶ",
            "㍻",
            "\u{F914}",
            "😀",
            "👍🏽",
            "\u{200D}",
            "𠀀",
            "𪚥",
            "\u{2F800}",
            "İ",
            "ß",
            "Σ",
            "A",
            "z",
            "。",
            "，",
            "\u{0}",
        ]);
        prop_oneof![
            any::<String>(),
            prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat()),
        ]
    }

    proptest! {
        #[test]
        fn map_is_monotonic_and_on_boundaries(text in text_strategy()) {
            for keep_ws in [false, true] {
                let mut norm = Normalized::new();
                run(&mut norm, &text, keep_ws);
                let nchars = text.chars().count() as u32;
                prop_assert_eq!(norm.spans.len(), norm.as_str().chars().count());
                let mut prev = OrigSpan::default();
                for (i, s) in norm.spans().iter().enumerate() {
                    prop_assert!(s.char_start < s.char_end && s.char_end <= nchars);
                    prop_assert!(s.byte_start < s.byte_end && s.byte_end as usize <= text.len());
                    prop_assert!(text.is_char_boundary(s.byte_start as usize));
                    prop_assert!(text.is_char_boundary(s.byte_end as usize));
                    prop_assert!(s.char_start >= prev.char_start && s.char_end >= prev.char_end);
                    prop_assert!(s.byte_start >= prev.byte_start && s.byte_end >= prev.byte_end);
                    prop_assert!(norm.as_str().is_char_boundary(norm.norm_byte(i)));
                    prev = *s;
                }
            }
        }

        #[test]
        fn found_needles_map_back_to_text_that_normalizes_to_them(text in text_strategy(), a in 0usize..50, n in 1usize..5) {
            let norm = normalize_exact(&text);
            let chars: Vec<char> = norm.as_str().chars().collect();
            // N is per character, so the original slice normalizes to the needle.
            let context_free = true;
            if a + n <= chars.len() {
                let needle: String = chars[a..a + n].iter().collect();
                let found = norm.find_all(&needle);
                prop_assert!(!found.is_empty());
                for (s, e) in found {
                    let (bs, be) = norm.orig_bytes(s, e);
                    let orig = &text[bs..be];
                    if context_free {
                        prop_assert!(exact(orig).contains(&needle), "{:?} from {:?}", needle, orig);
                    }
                    let (cs, ce) = norm.orig_chars(s, e);
                    let by_chars: String = text.chars().skip(cs).take(ce - cs).collect();
                    prop_assert_eq!(by_chars.as_str(), orig);
                }
            }
        }

        #[test]
        fn kept_form_minus_space_is_the_exact_form(text in text_strategy()) {
            let kept: String = normalize(&text).chars().filter(|&c| !is_dropped_space(c)).collect();
            prop_assert_eq!(kept, exact(&text));
        }
    }
}
