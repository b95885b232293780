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

/// The characters OpenCC's `s2t` character table changes (its first candidate differs):
/// the Simplified forms, a bit per BMP character (8 KB; a set lookup per character was a
/// twentieth of indexing, which tells every paragraph's script). Read once, in well under a
/// millisecond; the phrase tables `s2t` and `t2s` build (some 8 ms) are not needed to tell
/// a script.
struct Forms {
    bmp: Vec<u64>,
    /// Forms beyond the BMP.
    other: rustc_hash::FxHashSet<char>,
}

impl Forms {
    #[inline]
    fn contains(&self, c: char) -> bool {
        let cp = c as u32;
        match cp < 0x10000 {
            true => self.bmp[(cp / 64) as usize] & (1 << (cp % 64)) != 0,
            false => self.other.contains(&c),
        }
    }
}

static SIMPLIFIED_FORMS: std::sync::LazyLock<Forms> = std::sync::LazyLock::new(|| {
    let mut forms = Forms {
        bmp: vec![0; 0x10000 / 64],
        other: Default::default(),
    };
    for (key, value) in hanconv::Dictionary::STCharacters.iter() {
        let mut k = key.chars();
        let Some(c) = k.next().filter(|_| k.next().is_none()) else {
            continue;
        };
        if value.starts_with(c) {
            continue;
        }
        let cp = c as u32;
        match cp < 0x10000 {
            true => forms.bmp[(cp / 64) as usize] |= 1 << (cp % 64),
            false => {
                forms.other.insert(c);
            }
        }
    }
    forms
});

/// Whether `c` is a Simplified form (OpenCC's `s2t` character table changes it).
pub(super) fn is_simplified_form(c: char) -> bool {
    SIMPLIFIED_FORMS.contains(c)
}

/// The script of `text`, character by character: Traditional when more of its characters
/// are Traditional forms (OpenCC's `t2s` character table changes them) than Simplified forms
/// (its `s2t` table changes them), Simplified the other way round; `None` when as many (a
/// text both scripts write alike: 人民, `ai`). A query uses it on every search: a process
/// answering one query must not build OpenCC's phrase tables for it.
pub fn script_of(text: &str) -> Option<Written> {
    ScriptCounts::of(text).script()
}

/// What [`script_of`] counts in a text: its characters that are Traditional forms and those
/// that are Simplified forms. Counts add up over pieces of a text, so a document's script can
/// be told from its paragraphs' counts without reading them again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptCounts {
    /// Characters OpenCC's `t2s` character table changes.
    pub traditional: usize,
    /// Characters its `s2t` character table changes.
    pub simplified: usize,
}

impl ScriptCounts {
    /// The counts of `text`.
    pub fn of(text: &str) -> ScriptCounts {
        let forms = &*SIMPLIFIED_FORMS;
        let mut n = ScriptCounts::default();
        for c in text.chars() {
            n.traditional += usize::from(super::simplify::simplify_char(c) != c);
            n.simplified += usize::from(forms.contains(c));
        }
        n
    }

    /// The script they tell ([`script_of`]): the one with more of its forms.
    pub fn script(self) -> Option<Written> {
        match self.traditional.cmp(&self.simplified) {
            std::cmp::Ordering::Greater => Some(Written::Traditional),
            std::cmp::Ordering::Less => Some(Written::Simplified),
            std::cmp::Ordering::Equal => None,
        }
    }
}

impl std::ops::Add for ScriptCounts {
    type Output = ScriptCounts;

    /// The counts of two pieces together.
    fn add(self, other: ScriptCounts) -> ScriptCounts {
        ScriptCounts {
            traditional: self.traditional + other.traditional,
            simplified: self.simplified + other.simplified,
        }
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
        assert_eq!(script_of("個人資料保護法"), Some(Written::Traditional));
        assert_eq!(
            script_of("个人信息保护法 第十条"),
            Some(Written::Simplified)
        );
        assert_eq!(script_of(""), None);
        // Counts add up over the pieces of a text.
        let (a, b) = ("中華民國", "憲法 中华人民共和国宪法");
        let whole = format!("{a}{b}");
        assert_eq!(
            ScriptCounts::of(a) + ScriptCounts::of(b),
            ScriptCounts::of(&whole)
        );
        assert_eq!(
            (ScriptCounts::of(a) + ScriptCounts::of(b)).script(),
            script_of(&whole)
        );
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
