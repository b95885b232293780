//! Step 3 of N(text): Traditional → Simplified over folded characters with OpenCC's `t2s`
//! tables (phrases, then characters, longest match), keeping each output character's
//! original span. [`super::normalize`] drives it after [`super::fold`].
//!
//! hanconv's trie gives the matches; a per-character table in front of it answers the common
//! cases (no entry; a single-character entry that no phrase starts with) without touching
//! the trie. The table is derived from the same dictionaries and the trie itself, so the
//! output equals hanconv's `t2s`. This file does no width folding and no white space removal.

use std::sync::LazyLock;

use hanconv::{Converters, Dictionary, Trie};

use super::normalize::{Normalized, OrigSpan};

/// OpenCC's t2s trie with per-character tables in front of it, so the common case (no
/// entry, or a single-character entry) costs a bit test and at most two small loads.
struct T2s {
    trie: &'static Trie<&'static str>,
    /// One bit per BMP character: some entry starts with it.
    bmp_has: Vec<u64>,
    /// `blocks[index[c >> 8]][c & 0xFF]`: [`NONE`], [`USE_TRIE`] (a phrase or a replacement
    /// of another length starts with `c`), or `2 + i` for the replacement `repl[i]` of the
    /// single-character entry `c`.
    index: Vec<u16>,
    blocks: Vec<[u16; 256]>,
    repl: Vec<char>,
}

const NONE: u16 = 0;
const USE_TRIE: u16 = 1;

/// What [`T2s::lookup`] says about one character.
enum T2sEntry {
    Keep,
    Trie,
    Replace(char),
}

static T2S: LazyLock<T2s> = LazyLock::new(T2s::build);

impl T2s {
    fn build() -> Self {
        let trie = Converters::T2S.dictionaries()[0];
        let mut t = T2s {
            trie,
            bmp_has: vec![0; 0x10000 / 64],
            index: vec![0; 0x1100],
            blocks: vec![[NONE; 256]],
            repl: Vec::new(),
        };
        for dict in [Dictionary::TSPhrases, Dictionary::TSCharacters] {
            for (key, _) in dict.iter() {
                let mut chars = key.chars();
                let Some(first) = chars.next() else { continue };
                let single = chars.next().is_none();
                if t.entry(first) == USE_TRIE {
                    continue; // a phrase start always goes through the trie
                }
                let entry = match trie.get(key).map(|v| single_char(v)) {
                    Some(Some(r)) if single && r == first => continue,
                    Some(Some(r)) if single => {
                        t.repl.push(r);
                        u16::try_from(t.repl.len() + 1).unwrap_or(USE_TRIE)
                    }
                    _ => USE_TRIE,
                };
                t.set(first, entry);
            }
        }
        t
    }

    fn entry(&self, c: char) -> u16 {
        let c = c as u32;
        self.blocks[self.index[(c >> 8) as usize] as usize][(c & 0xFF) as usize]
    }

    fn set(&mut self, c: char, entry: u16) {
        let cp = c as u32;
        let hi = (cp >> 8) as usize;
        if self.index[hi] == 0 {
            self.index[hi] = self.blocks.len() as u16;
            self.blocks.push([NONE; 256]);
        }
        self.blocks[self.index[hi] as usize][(cp & 0xFF) as usize] = entry;
        if cp < 0x10000 {
            self.bmp_has[(cp / 64) as usize] |= 1 << (cp % 64);
        }
    }

    #[inline]
    fn lookup(&self, c: char) -> T2sEntry {
        let cp = c as u32;
        if cp < 0x10000 && self.bmp_has[(cp / 64) as usize] & (1 << (cp % 64)) == 0 {
            return T2sEntry::Keep;
        }
        match self.entry(c) {
            NONE => T2sEntry::Keep,
            USE_TRIE => T2sEntry::Trie,
            i => T2sEntry::Replace(self.repl[(i - 2) as usize]),
        }
    }
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// Step 3: Traditional → Simplified over the folded characters, into `norm`.
pub(super) fn to_simplified(folded: &[(char, OrigSpan)], norm: &mut Normalized) {
    let t2s = &*T2S;
    norm.reserve(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let (c, span) = folded[i];
        match t2s.lookup(c) {
            T2sEntry::Keep => norm.push(c, span),
            T2sEntry::Trie => {
                let found = t2s.trie.r#match(folded[i..].iter().map(|&(c, _)| c));
                match found {
                    Some((value, len)) if len > 0 => {
                        let matched = &folded[i..i + len];
                        if value.chars().count() == len {
                            for (r, &(_, span)) in value.chars().zip(matched) {
                                norm.push(r, span);
                            }
                        } else {
                            let whole = OrigSpan {
                                char_start: matched[0].1.char_start,
                                byte_start: matched[0].1.byte_start,
                                char_end: matched[len - 1].1.char_end,
                                byte_end: matched[len - 1].1.byte_end,
                            };
                            value.chars().for_each(|r| norm.push(r, whole));
                        }
                        i += len;
                        continue;
                    }
                    _ => norm.push(c, span),
                }
            }
            T2sEntry::Replace(r) => norm.push(r, span),
        }
        i += 1;
    }
}

/// Whether some `t2s` phrase starts with `c`, making N depend on what follows `c`.
#[cfg(test)]
pub(super) fn starts_phrase(c: char) -> bool {
    matches!(T2S.lookup(c), T2sEntry::Trie)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simplify(text: &str) -> String {
        let folded: Vec<(char, OrigSpan)> =
            text.chars().map(|c| (c, OrigSpan::default())).collect();
        let mut norm = Normalized::new();
        to_simplified(&folded, &mut norm);
        norm.as_str().to_owned()
    }

    #[test]
    fn equals_hanconv() {
        for text in [
            "一目瞭然的乾乾淨淨乾坤發展",
            "個人資料保護法施行細則第一條",
            "于占台著",
            "𠀀ab，。",
        ] {
            assert_eq!(simplify(text), hanconv::t2s(text), "{text}");
        }
    }

    #[test]
    fn equals_hanconv_on_every_dictionary_key() {
        for dict in [Dictionary::TSPhrases, Dictionary::TSCharacters] {
            for (key, _) in dict.iter() {
                let text = format!("中{key}文");
                assert_eq!(simplify(&text), hanconv::t2s(&text), "{key}");
            }
        }
    }

    #[test]
    fn phrase_starts() {
        assert!(starts_phrase('乾'));
        assert!(!starts_phrase('國'));
        assert!(!starts_phrase('a'));
    }
}
