//! Step 3 of N(text): Traditional → Simplified, character by character, with OpenCC's `t2s`
//! character table (`TSCharacters`, first candidate), keeping each output character's
//! original span. [`super::normalize()`] drives it after [`super::fold`].
//!
//! Why characters only, not OpenCC's phrases first: the phrase table makes the conversion of
//! a character depend on its neighbours (乾坤 stays 乾坤 but 乾 alone becomes 干; 一目瞭然
//! becomes 一目了然 while 瞭然 stays 瞭然), so a phrase a user can see in a paragraph
//! (瞭然) would not be a substring of the paragraph's normalized text. A per-character map
//! keeps every substring of the text a substring after normalization, which is the promise
//! of exact search. The table is a flat two-level array: one bit test and a load a char.
//! This file does no width folding and no white space removal.

use std::sync::LazyLock;

use hanconv::Dictionary;

use super::normalize::{Normalized, OrigSpan};

/// OpenCC's t2s character table as a two-level array.
struct T2s {
    /// One bit per BMP character: it has an entry.
    bmp_has: Vec<u64>,
    /// `blocks[index[c >> 8]][c & 0xFF]`: 0 for none, else the replacement character.
    index: Vec<u16>,
    blocks: Vec<[u32; 256]>,
}

static T2S: LazyLock<T2s> = LazyLock::new(T2s::build);

impl T2s {
    fn build() -> Self {
        let mut t = T2s {
            bmp_has: vec![0; 0x10000 / 64],
            index: vec![0; 0x1100],
            blocks: vec![[0; 256]],
        };
        for (key, value) in Dictionary::TSCharacters.iter() {
            let (Some(k), Some(v)) = (single_char(key), single_char(value)) else {
                continue;
            };
            if k != v {
                t.set(k, v);
            }
        }
        t
    }

    fn set(&mut self, c: char, r: char) {
        let cp = c as u32;
        let hi = (cp >> 8) as usize;
        if self.index[hi] == 0 {
            self.index[hi] = self.blocks.len() as u16;
            self.blocks.push([0; 256]);
        }
        self.blocks[self.index[hi] as usize][(cp & 0xFF) as usize] = r as u32;
        if cp < 0x10000 {
            self.bmp_has[(cp / 64) as usize] |= 1 << (cp % 64);
        }
    }

    #[inline]
    fn convert(&self, c: char) -> char {
        let cp = c as u32;
        if cp < 0x10000 && self.bmp_has[(cp / 64) as usize] & (1 << (cp % 64)) == 0 {
            return c;
        }
        let r = self.blocks[self.index[(cp >> 8) as usize] as usize][(cp & 0xFF) as usize];
        if r == 0 {
            c
        } else {
            char::from_u32(r).unwrap_or(c)
        }
    }
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// Traditional → Simplified for one character (identity for everything else).
#[inline]
pub(super) fn simplify_char(c: char) -> char {
    T2S.convert(c)
}

/// Step 3: Traditional → Simplified over the folded characters, into `norm`.
pub(super) fn to_simplified(folded: &[(char, OrigSpan)], norm: &mut Normalized) {
    let t2s = &*T2S;
    norm.reserve(folded.len());
    for &(c, span) in folded {
        norm.push(t2s.convert(c), span);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simplify(text: &str) -> String {
        text.chars().map(simplify_char).collect()
    }

    #[test]
    fn converts_characters_like_opencc_does_outside_phrases() {
        assert_eq!(
            simplify("個人資料保護法施行細則第一條"),
            "个人资料保护法施行细则第一条"
        );
        assert_eq!(simplify("發展與數據安全"), "发展与数据安全");
        assert_eq!(simplify("𠀀ab，。"), "𠀀ab，。");
    }

    #[test]
    fn a_substring_of_the_text_stays_a_substring_after_conversion() {
        // With OpenCC's phrase table 一目瞭然 → 一目了然 but 瞭然 → 瞭然: not so here.
        let text = simplify("一目瞭然的乾坤");
        for piece in ["瞭然", "乾", "乾坤", "一目瞭"] {
            assert!(text.contains(&simplify(piece)), "{piece} in {text}");
        }
    }

    #[test]
    fn agrees_with_hanconv_on_every_single_character_entry_that_starts_no_phrase() {
        let phrase_starts: std::collections::HashSet<char> = Dictionary::TSPhrases
            .iter()
            .filter_map(|(k, _)| k.chars().next())
            .collect();
        for (key, _) in Dictionary::TSCharacters.iter() {
            let Some(c) = single_char(key) else { continue };
            if phrase_starts.contains(&c) {
                continue;
            }
            let text = format!("中{c}文");
            assert_eq!(simplify(&text), hanconv::t2s(&text), "{key}");
        }
    }
}
