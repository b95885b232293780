//! Whole-string conversion between Traditional and Simplified Chinese, for display
//! (`--script simp|trad`) and anywhere a plain converted string is enough.
//!
//! Both directions use OpenCC's dictionaries through `hanconv` (phrases first, then single
//! characters, longest match wins), so the output is identical to OpenCC's `t2s` / `s2t`.
//! These functions do not fold width or case and keep no map back to the input: indexing and
//! querying use [`mod@super::normalize`], which does, and which applies the same `t2s` tables.
//! The regional configurations (`tw2sp`, `s2twp`) are deliberately not offered: they rewrite
//! vocabulary and change lengths, which would break the character map.

/// Traditional → Simplified (OpenCC `t2s`). Characters without a mapping, and all
/// non-Chinese text, pass through unchanged.
pub fn t2s(text: &str) -> String {
    hanconv::t2s(text)
}

/// Simplified → Traditional (OpenCC `s2t`). Characters without a mapping, and all
/// non-Chinese text, pass through unchanged. Where one Simplified character stands for
/// several Traditional ones (发 → 發/髮), OpenCC's phrase table and first choice decide.
pub fn s2t(text: &str) -> String {
    hanconv::s2t(text)
}

/// A script Chinese text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Simplified characters.
    Simplified,
    /// Traditional characters.
    Traditional,
}

/// The script of `text`: Traditional when `t2s` changes more of its characters than `s2t`
/// does, Simplified when `s2t` changes more; `None` when they change as many (a text both
/// scripts write alike: 人民, `ai`).
pub fn script_of(text: &str) -> Option<Written> {
    let changed = |converted: String| {
        (converted.chars())
            .zip(text.chars())
            .filter(|(a, b)| a != b)
            .count()
    };
    let (to_simp, to_trad) = (changed(t2s(text)), changed(s2t(text)));
    match to_simp.cmp(&to_trad) {
        std::cmp::Ordering::Greater => Some(Written::Traditional),
        std::cmp::Ordering::Less => Some(Written::Simplified),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_of_a_text_is_the_one_fewer_of_its_characters_change_from() {
        assert_eq!(script_of("中華民國憲法"), Some(Written::Traditional));
        assert_eq!(script_of("中华人民共和国宪法"), Some(Written::Simplified));
        assert_eq!(script_of("人民 ai 2024"), None);
    }

    #[test]
    fn traditional_to_simplified() {
        assert_eq!(t2s("個人資料保護"), "个人资料保护");
        assert_eq!(t2s("發展"), "发展");
        assert_eq!(t2s("ASCII 不變 123"), "ASCII 不变 123");
    }

    #[test]
    fn simplified_to_traditional() {
        assert_eq!(s2t("个人资料保护"), "個人資料保護");
        assert_eq!(s2t("头发"), "頭髮");
        assert_eq!(s2t("发展"), "發展");
    }

    #[test]
    fn round_trip_is_stable_on_simplified() {
        let simp = "国务院关于人工智能发展的意见";
        assert_eq!(t2s(&s2t(simp)), simp);
    }

    #[test]
    fn empty() {
        assert_eq!(t2s(""), "");
        assert_eq!(s2t(""), "");
    }
}
