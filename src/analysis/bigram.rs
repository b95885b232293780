//! The bigram tokenizer of the title and heading fields, and the matching query terms:
//! overlapping character bigrams of N(text) with white space removed, so a quoted phrase of any
//! length is found iff N(phrase) is a substring of N(text). (Paragraph text uses the same
//! terms and cover, built outside tantivy by the index's exact segments.)
//!
//! Index side, [`BigramTokenizer`]: for the stripped normalized sequence `c0 c1 … cn-1` it emits
//! `c0c1` at position 0, `c1c2` at 1, …, `cn-2cn-1` at n-2, and then `cn-1` alone at n-1, so
//! every character starts some term. Offsets are bytes of the *original* text.
//! Query side, [`bigram_query_terms`]: a phrase of one character is a prefix range over the
//! term dictionary ([`char_prefix_bounds`]); longer phrases are a minimal cover by bigrams at
//! relative positions 0, 2, 4, … (plus len-2 when the length is odd), for
//! `PhraseQuery::new_with_offset` (or a plain term query when there is one bigram).
//! Building tantivy queries is the search module's job, not this one's.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::normalize::{normalize_exact, normalize_exact_into, Normalized};

/// Character-bigram tokenizer over N(text) without white space. Cloning gives a fresh
/// tokenizer with empty buffers (no text is shared between clones).
#[derive(Debug, Default)]
pub struct BigramTokenizer {
    norm: Normalized,
    token: Token,
}

impl Clone for BigramTokenizer {
    fn clone(&self) -> Self {
        Self::default()
    }
}

/// The tokens of one text, from [`BigramTokenizer`].
#[derive(Debug)]
pub struct BigramTokenStream<'a> {
    norm: &'a Normalized,
    next: usize,
    token: &'a mut Token,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramTokenStream<'a> {
        normalize_exact_into(&mut self.norm, text);
        self.token.reset();
        BigramTokenStream {
            norm: &self.norm,
            next: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for BigramTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let i = self.next;
        let n = self.norm.len();
        if i >= n {
            return false;
        }
        let end = if i + 1 < n { i + 2 } else { i + 1 };
        let term = &self.norm.as_str()[self.norm.norm_byte(i)..self.norm.norm_byte(end)];
        let (from, to) = self.norm.orig_bytes(i, end);
        let token = &mut *self.token;
        token.text.clear();
        token.text.push_str(term);
        token.position = i;
        token.position_length = 1;
        token.offset_from = from;
        token.offset_to = to;
        self.next = i + 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// What an exact phrase asks of the exact field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BigramTerms {
    /// The phrase normalizes to nothing (empty or only white space): it matches nothing.
    Empty,
    /// One character: every term that starts with it ([`char_prefix_bounds`]).
    Prefix(char),
    /// Two or more characters: `(relative position, bigram)` pairs that must all occur at
    /// those offsets from one start position. One pair for a 2-character phrase (use a term
    /// query: tantivy's `PhraseQuery` needs two terms or more).
    Bigrams(Vec<(usize, String)>),
}

/// The offsets of the bigrams that cover a phrase of `len` (2 or more) characters: 0, 2, 4, …
/// and, when `len` is odd, `len - 2`. Every character of the phrase is in one of them, so a
/// position where they all occur at these offsets is an occurrence of the phrase. Title and
/// heading queries and the paragraphs' bigram segments both use this one cover.
pub fn cover_offsets(len: usize) -> Vec<usize> {
    let mut offsets: Vec<usize> = (0..len.saturating_sub(1)).step_by(2).collect();
    if len % 2 == 1 && len >= 3 {
        offsets.push(len - 2);
    }
    offsets
}

/// The terms that find `phrase` in the exact field: N(phrase) without white space, covered
/// by bigrams at offsets 0, 2, 4, … and, if its length is odd, one more at `len - 2`.
pub fn bigram_query_terms(phrase: &str) -> BigramTerms {
    let norm = normalize_exact(phrase);
    let chars: Vec<char> = norm.as_str().chars().collect();
    match chars.len() {
        0 => BigramTerms::Empty,
        1 => BigramTerms::Prefix(chars[0]),
        n => BigramTerms::Bigrams(
            cover_offsets(n)
                .into_iter()
                .map(|o| (o, chars[o..o + 2].iter().collect()))
                .collect(),
        ),
    }
}

/// The term range `[lower, upper)` holding exactly the terms that start with `c`: `lower` is
/// `c`, `upper` the next scalar value (`None` after U+10FFFF). UTF-8 sorts like code points,
/// so nothing else falls inside.
pub fn char_prefix_bounds(c: char) -> (String, Option<String>) {
    let next = match c {
        '\u{D7FF}' => Some('\u{E000}'),
        c => char::from_u32(c as u32 + 1),
    };
    (c.to_string(), next.map(String::from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn tokens(text: &str) -> Vec<(usize, String, usize, usize)> {
        let mut tokenizer = BigramTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.position, t.text.clone(), t.offset_from, t.offset_to));
        }
        out
    }

    /// A positional matcher over the token stream, as the index would run it.
    fn matches(text: &str, phrase: &str) -> bool {
        let toks: HashSet<(usize, String)> = tokens(text)
            .into_iter()
            .map(|(p, t, _, _)| (p, t))
            .collect();
        match bigram_query_terms(phrase) {
            BigramTerms::Empty => false,
            BigramTerms::Prefix(c) => {
                let (lo, hi) = char_prefix_bounds(c);
                toks.iter()
                    .any(|(_, t)| *t >= lo && hi.as_ref().is_none_or(|h| t < h))
            }
            BigramTerms::Bigrams(terms) => toks.iter().any(|(p, _)| {
                terms
                    .iter()
                    .all(|(o, b)| toks.contains(&(p + o, b.clone())))
            }),
        }
    }

    #[test]
    fn bigrams_and_last_char() {
        let t = tokens("發 展ab");
        let want: Vec<(usize, String, usize, usize)> = vec![
            (0, "发展".into(), 0, 7),
            (1, "展a".into(), 4, 8),
            (2, "ab".into(), 7, 9),
            (3, "b".into(), 8, 9),
        ];
        assert_eq!(t, want);
    }

    #[test]
    fn short_texts() {
        assert_eq!(tokens("國"), vec![(0, "国".to_string(), 0, 3)]);
        assert!(tokens("").is_empty());
        assert!(tokens(" \u{3000}\r\n").is_empty());
        assert_eq!(tokens(" Ｘ ").len(), 1);
        assert_eq!(tokens(" Ｘ ")[0], (0, "x".to_string(), 1, 4));
    }

    #[test]
    fn query_terms() {
        assert_eq!(bigram_query_terms(" \u{3000}"), BigramTerms::Empty);
        assert_eq!(bigram_query_terms(" 國 "), BigramTerms::Prefix('国'));
        let b = |v: &[(usize, &str)]| {
            BigramTerms::Bigrams(v.iter().map(|&(o, s)| (o, s.to_string())).collect())
        };
        assert_eq!(bigram_query_terms("發展"), b(&[(0, "发展")]));
        assert_eq!(
            bigram_query_terms("人工智能"),
            b(&[(0, "人工"), (2, "智能")])
        );
        assert_eq!(
            bigram_query_terms("人工 智慧發"),
            b(&[(0, "人工"), (2, "智慧"), (3, "慧发")])
        );
    }

    #[test]
    fn prefix_bounds() {
        assert_eq!(char_prefix_bounds('a'), ("a".into(), Some("b".into())));
        assert_eq!(char_prefix_bounds('\u{D7FF}').1, Some("\u{E000}".into()));
        assert_eq!(char_prefix_bounds(char::MAX).1, None);
    }

    #[test]
    fn phrase_found_across_scripts_and_wraps() {
        let para = "第 一 章　總綱\r\n人工智慧發展";
        assert!(matches(para, "第一章"));
        assert!(matches(para, "总纲人工"));
        assert!(matches(para, "智慧发展"));
        assert!(matches(para, "纲"));
        assert!(matches(para, "展"));
        assert!(!matches(para, "智能"));
        assert!(!matches(para, "展开"));
    }

    fn small_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "b", "發", "发", "展", " ", "\u{3000}", "Ａ", "\r\n", "乾", "坤",
        ]);
        prop::collection::vec(pieces, 0..14).prop_map(|v| v.concat())
    }

    fn any_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "發展",
            "ＡＩ",
            "（",
            " ",
            "\u{3000}",
            "\r\n",
            "e\u{301}",
            "\u{301}",
            "㍻",
            "😀",
            "👍🏽",
            "𠀀",
            "\u{2F800}",
            "İ",
            "\u{FF9E}",
            "ｶ",
        ]);
        prop_oneof![
            any::<String>(),
            prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat()),
        ]
    }

    proptest! {
        #[test]
        fn phrase_matches_iff_substring(text in small_text(), phrase in small_text()) {
            let n_text = normalize_exact(&text);
            let n_phrase = normalize_exact(&phrase);
            let expected = !n_phrase.is_empty() && n_text.as_str().contains(n_phrase.as_str());
            prop_assert_eq!(matches(&text, &phrase), expected);
        }

        #[test]
        fn substrings_of_the_normalized_text_are_found(text in small_text(), a in 0usize..14, n in 1usize..8) {
            let norm: Vec<char> = normalize_exact(&text).as_str().chars().collect();
            if a + n <= norm.len() {
                let phrase: String = norm[a..a + n].iter().collect();
                // N is not idempotent where OpenCC's phrase table keeps a character that it
                // converts alone (乾坤 stays, 乾 → 干): such a piece normalizes to something else.
                if normalize_exact(&phrase).as_str() == phrase {
                    prop_assert!(matches(&text, &phrase));
                }
            }
        }

        #[test]
        fn tokens_are_well_formed(text in any_text()) {
            let toks = tokens(&text);
            let n = normalize_exact(&text).len();
            prop_assert_eq!(toks.len(), n);
            for (i, (pos, term, from, to)) in toks.iter().enumerate() {
                prop_assert_eq!(*pos, i);
                prop_assert_eq!(term.chars().count(), if i + 1 < n { 2 } else { 1 });
                prop_assert!(from < to && *to <= text.len());
                prop_assert!(text.is_char_boundary(*from) && text.is_char_boundary(*to));
            }
        }
    }
}
