//! Words as words (issue 19, item 5): for each common two-character policy word of
//! `straddle_words.txt`, searched as a bare term, how many of its top 10 hits hold the word
//! only across jieba's word boundaries (税收 inside 非税收入, 工人 inside 員工人數). The target is
//! none.
//!
//! A hit's text is judged in N form without white space (`normalize_exact`, the form the
//! engine matches in), cut by jieba with HMM: an occurrence of the word is **on words** when
//! it starts and ends at boundaries of jieba's tokens, else it **straddles**. A hit is
//! *straddle-only* when its text holds the word and every occurrence straddles; a hit whose
//! text does not hold the word (found through its headings or title) is counted apart.
//!
//! This module also judges the query parts of failed known-item queries ([`Cut`]). It only
//! reads search results.

use std::collections::HashSet;

use jieba_rs::Jieba;
use serde::Serialize;
use zhengce::analysis::normalize_exact;
use zhengce::search::{SearchOptions, Searcher};

/// The words, one a line (`#` comments).
const WORDS: &str = include_str!("straddle_words.txt");
/// Hits judged per word.
pub const TOP: usize = 10;
/// Words printed in the table, worst first.
const WORST_SHOWN: usize = 10;

/// How a word occurs in a text, judged by its best occurrence.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// Not at all.
    Absent,
    /// At least once on jieba's word boundaries (a whole token, or a run of whole tokens).
    OnWords,
    /// Never on boundaries, but at least once inside one longer token (公民 in 公民投票): a part
    /// of a compound word. The token.
    InsideWord(String),
    /// Only across boundaries: every occurrence has a boundary inside it and an end inside a
    /// token (税收 in 非税|收入). The tokens around the first occurrence, joined (`非税收入`).
    Straddling(String),
}

/// A text in N form cut by jieba: its characters and the boundaries of its tokens.
pub struct Cut {
    chars: Vec<char>,
    /// Token (start, end) in characters.
    tokens: Vec<(usize, usize)>,
    bounds: HashSet<usize>,
}

impl Cut {
    /// Cuts N(`text`) without white space with jieba, HMM on.
    pub fn new(jieba: &Jieba, text: &str) -> Cut {
        let norm = normalize_exact(text);
        let tokens: Vec<(usize, usize)> = (jieba.cut(norm.as_str(), true).iter())
            .map(|t| (t.start, t.end))
            .collect();
        Cut {
            chars: norm.as_str().chars().collect(),
            bounds: tokens.iter().flat_map(|&(s, e)| [s, e]).collect(),
            tokens,
        }
    }

    /// How `word` (any form: it is normalized here) occurs in the text.
    pub fn find(&self, word: &str) -> Found {
        let w: Vec<char> = normalize_exact(word).as_str().chars().collect();
        if w.is_empty() || w.len() > self.chars.len() {
            return Found::Absent;
        }
        let n = w.len();
        let at: Vec<usize> = (0..=self.chars.len() - n)
            .filter(|&i| self.chars[i..i + n] == w[..])
            .collect();
        let on_words = |&i: &usize| self.bounds.contains(&i) && self.bounds.contains(&(i + n));
        let around = |i: usize| -> String {
            (self.tokens.iter())
                .filter(|&&(s, e)| s < i + n && e > i)
                .flat_map(|&(s, e)| &self.chars[s..e])
                .collect()
        };
        let inside = at
            .iter()
            .find(|&&i| (i + 1..i + n).all(|b| !self.bounds.contains(&b)));
        match (at.first(), inside) {
            (None, _) => Found::Absent,
            _ if at.iter().any(on_words) => Found::OnWords,
            (_, Some(&i)) => Found::InsideWord(around(i)),
            (Some(&i), None) => Found::Straddling(around(i)),
        }
    }
}

/// The words of `straddle_words.txt`.
pub fn words() -> Vec<&'static str> {
    (WORDS.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// One word's top hits.
#[derive(Debug, Serialize)]
pub struct WordRow {
    pub word: &'static str,
    /// Matching paragraphs in the index.
    pub total: usize,
    /// Hits judged (at most [`TOP`]).
    pub hits: usize,
    /// Hits whose text holds the word only across jieba's words ([`Found::Straddling`]).
    pub straddle_only: usize,
    /// Hits whose text holds the word never on words but inside a longer jieba word
    /// ([`Found::InsideWord`]).
    pub inside_word_only: usize,
    /// Hits whose text does not hold the word.
    pub not_in_text: usize,
    /// For each straddle-only hit: its rank and the jieba words around the first occurrence
    /// (`3 非税收入`).
    pub straddling: Vec<String>,
    /// For each inside-word-only hit: its rank and the word (`1 公民投票`).
    pub inside: Vec<String>,
}

/// The measurement over every word.
#[derive(Debug, Serialize)]
pub struct StraddleReport {
    pub words: usize,
    pub hits: usize,
    pub straddle_only: usize,
    /// `straddle_only` / `hits`, in percent.
    pub percent: f64,
    pub inside_word_only: usize,
    /// `inside_word_only` / `hits`, in percent.
    pub inside_word_percent: f64,
    pub not_in_text: usize,
    /// Every word, in the order of the list.
    pub per_word: Vec<WordRow>,
}

/// Searches every word as a bare term and judges its top [`TOP`] hits.
pub fn measure(searcher: &Searcher, jieba: &Jieba) -> anyhow::Result<StraddleReport> {
    let opts = SearchOptions {
        limit: TOP,
        ..SearchOptions::default()
    };
    let mut per_word = Vec::new();
    for word in words() {
        let result = searcher.search(word, &opts)?;
        let mut row = WordRow {
            word,
            total: result.total,
            hits: result.hits.len(),
            straddle_only: 0,
            inside_word_only: 0,
            not_in_text: 0,
            straddling: Vec::new(),
            inside: Vec::new(),
        };
        for hit in &result.hits {
            match Cut::new(jieba, &hit.text).find(word) {
                Found::Absent => row.not_in_text += 1,
                Found::OnWords => {}
                Found::InsideWord(token) => {
                    row.inside_word_only += 1;
                    row.inside.push(format!("{} {token}", hit.rank));
                }
                Found::Straddling(around) => {
                    row.straddle_only += 1;
                    row.straddling.push(format!("{} {around}", hit.rank));
                }
            }
        }
        per_word.push(row);
    }
    let hits = per_word.iter().map(|w| w.hits).sum();
    let percent = |n: usize| 100.0 * n as f64 / usize::max(hits, 1) as f64;
    let straddle_only = per_word.iter().map(|w| w.straddle_only).sum();
    let inside_word_only = per_word.iter().map(|w| w.inside_word_only).sum();
    Ok(StraddleReport {
        words: per_word.len(),
        hits,
        straddle_only,
        percent: percent(straddle_only),
        inside_word_only,
        inside_word_percent: percent(inside_word_only),
        not_in_text: per_word.iter().map(|w| w.not_in_text).sum(),
        per_word,
    })
}

/// Prints the totals and the worst words.
pub fn print(out: &mut impl std::io::Write, r: &StraddleReport) -> std::io::Result<()> {
    writeln!(
        out,
        "straddle: {} words, {} top-{TOP} hits: {} straddle-only ({:.1}%); also {} only inside \
         a longer word ({:.1}%), {} without the word in their text",
        r.words,
        r.hits,
        r.straddle_only,
        r.percent,
        r.inside_word_only,
        r.inside_word_percent,
        r.not_in_text
    )?;
    let mut worst: Vec<&WordRow> = r.per_word.iter().filter(|w| w.straddle_only > 0).collect();
    worst.sort_by_key(|w| std::cmp::Reverse(w.straddle_only));
    for w in worst.iter().take(WORST_SHOWN) {
        writeln!(
            out,
            "  {} {}/{}  (rank and jieba words: {})",
            w.word,
            w.straddle_only,
            w.hits,
            w.straddling.join(", ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straddling_and_on_words() {
        let jieba = zhengce::analysis::load_jieba(&[]).expect("jieba");
        let cut = Cut::new(&jieba, "非税收入纳入预算管理");
        assert_eq!(cut.find("税收"), Found::Straddling("非税收入".to_owned()));
        assert_eq!(cut.find("预算"), Found::OnWords);
        assert_eq!(cut.find("工人"), Found::Absent);
        // One occurrence on words is enough.
        let cut = Cut::new(&jieba, "非税收入和税收都纳入预算");
        assert_eq!(cut.find("税收"), Found::OnWords);
        // Traditional text, N form.
        let cut = Cut::new(&jieba, "員工人數");
        assert!(matches!(cut.find("工人"), Found::Straddling(_)));
        let cut = Cut::new(&jieba, "举行公民投票");
        assert_eq!(cut.find("公民"), Found::InsideWord("公民投票".to_owned()));
    }

    #[test]
    fn list() {
        let words = words();
        assert!(words.len() >= 60);
        assert!(["税收", "工人", "人才"].iter().all(|w| words.contains(w)));
        assert!(words.iter().all(|w| w.chars().count() == 2));
    }
}
