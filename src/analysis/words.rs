//! jieba words: reading user dictionaries ([`read_user_dicts`]), cutting bare query terms as
//! jieba does ([`QueryCutter`], from the dictionary compiled in by `build.rs`, without
//! building jieba's whole one), and jieba itself with its whole dictionary ([`load_jieba`],
//! [`segment_query`]: what the cutter is tested against, and its fallback).
//!
//! Text is normalized first because jieba's dictionary is Simplified and lowercase. A query
//! term keeps its punctuation and symbols as parts of their own. Matching is exact
//! ([`super::exact`]): words decide how a bare query term splits into texts that must all
//! occur, never what a text matches.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jieba_rs::Jieba;
use rustc_hash::FxBuildHasher;

use super::normalize::normalize;
use crate::{Error, Result};
/// Whether a jieba word is kept as a term: it has a letter or digit (CJK included).
fn is_word(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric)
}

/// Loads jieba's default dictionary, then each user dictionary in order.
///
/// A user dictionary is UTF-8 text, one entry a line: `word [freq] [tag]`, separated by
/// white space; empty lines and lines starting with `#` are skipped. Words are normalized
/// (Traditional → Simplified, width, case) like the text they will meet. A word without a
/// frequency gets jieba's suggested one, which keeps it whole. A file that cannot be read,
/// is not UTF-8, or has a malformed line is an error naming the file and line.
pub fn load_jieba(user_dicts: &[PathBuf]) -> Result<Jieba> {
    Ok(read_user_dicts(user_dicts)?.load())
}

/// The entries of user dictionaries, read and checked but not yet added to a dictionary:
/// reading them is quick, building jieba's dictionary is not (~130 ms).
#[derive(Debug, Default)]
pub struct UserWords(Vec<(String, Option<usize>, Option<String>)>);

impl UserWords {
    /// jieba's default dictionary with these words added, in order.
    pub fn load(self) -> Jieba {
        let mut jieba = Jieba::new();
        for (word, freq, tag) in &self.0 {
            jieba.add_word(word, *freq, tag.as_deref());
        }
        jieba
    }
}

/// Reads and checks user dictionaries as [`load_jieba`] does, without building anything.
pub fn read_user_dicts(user_dicts: &[PathBuf]) -> Result<UserWords> {
    parse_user_dicts(&read_dict_files(user_dicts)?)
}

/// A user dictionary file read whole, so that what is checked, fingerprinted and copied into
/// an index is one and the same version of it (it may change on disk meanwhile).
#[derive(Debug, Clone)]
pub struct DictFile {
    /// Where it was read.
    pub path: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Reads user dictionary files (any readable file: a pipe too). An error names the file.
pub fn read_dict_files(paths: &[PathBuf]) -> Result<Vec<DictFile>> {
    (paths.iter())
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            Ok(DictFile {
                path: path.clone(),
                bytes,
            })
        })
        .collect()
}

/// Checks user dictionaries already read, as [`read_user_dicts`] does.
pub fn parse_user_dicts(files: &[DictFile]) -> Result<UserWords> {
    let mut words = UserWords::default();
    for f in files {
        parse_user_dict(&mut words, &f.path, &f.bytes)?;
    }
    Ok(words)
}

/// The largest frequency a user word may have: jieba's whole dictionary adds up to 60 million,
/// and frequencies near `usize::MAX` would wrap its total.
const MAX_FREQ: usize = 1_000_000_000_000;

fn parse_user_dict(words: &mut UserWords, path: &Path, bytes: &[u8]) -> Result<()> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count() + 1;
        Error::BadLine {
            path: path.to_owned(),
            line,
            message: "not UTF-8 (a user dictionary is UTF-8 text; convert GBK, Big5 or UTF-16 \
                      files first)"
                .to_string(),
        }
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    for (n, line) in text.lines().enumerate() {
        let bad = |what: String| Error::BadLine {
            path: path.to_owned(),
            line: n + 1,
            message: format!("{what} (expected `word [freq] [tag]`)"),
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() > 3 {
            return Err(bad(format!("{} fields", fields.len())));
        }
        let freq = match fields.get(1) {
            Some(f) => {
                let n = f.parse::<usize>().map_err(|_| {
                    // A whole number too large for the machine is one above the limit too.
                    let digits = f.strip_prefix('+').unwrap_or(f);
                    match !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                        true => bad(format!("frequency {f} is above {MAX_FREQ}")),
                        false => bad(format!("frequency `{f}` is not a whole number")),
                    }
                })?;
                if n > MAX_FREQ {
                    return Err(bad(format!("frequency {n} is above {MAX_FREQ}")));
                }
                Some(n)
            }
            None => None,
        };
        let word = normalize(fields[0]);
        if !is_word(&word) {
            return Err(bad(format!("`{}` has no letter or digit", fields[0])));
        }
        words
            .0
            .push((word, freq, fields.get(2).map(|t| t.to_string())));
    }
    Ok(())
}

/// The parts of a bare query term that must all occur: N(text) segmented by jieba, white
/// space dropped. Punctuation and symbols stay, each its own part: a query never drops what
/// was typed (`数据安全★` needs a ★, as `★` alone does).
pub fn segment_query(jieba: &Jieba, text: &str) -> Vec<String> {
    segment_normalized(jieba, &normalize(text))
}

fn segment_normalized(jieba: &Jieba, norm: &str) -> Vec<String> {
    jieba
        .cut(norm, true)
        .into_iter()
        .filter(|t| !t.word.trim().is_empty())
        .map(|t| t.word.to_owned())
        .collect()
}

// jieba's default dictionary as an FST map, compiled by `build.rs` (`None` when the build did
// not find it).
include!(concat!(env!("OUT_DIR"), "/jieba_dict.rs"));

/// The one word of the entry that brings a partial dictionary's total frequency up to the whole
/// dictionary's: the ligature ﬁ, which N(text) never yields (NFKC makes it `fi`), so no query
/// text and no user word holds it, and jieba never looks it up (not even for a user word
/// without a frequency, whose parts it looks up to suggest one: a word may hold any other
/// character, NUL included).
const PAD_WORD: &str = "\u{FB01}";

/// Cuts bare query terms exactly as jieba with the index's dictionaries cuts them, without
/// building jieba's whole dictionary (~130 ms at every start): how jieba cuts a text depends
/// only on the dictionary words inside it, their frequencies and the dictionary's total
/// frequency. So the cutter keeps a jieba that holds just the words met inside the terms cut
/// so far, found in the default dictionary compiled into the program (an FST, nothing to
/// build) and in the user dictionaries, plus one entry no text can contain whose frequency
/// makes up the rest of the total. Its answers are jieba's (tests compare them over real
/// text); a build without the compiled dictionary loads jieba's whole dictionary instead.
pub struct QueryCutter(Mutex<Cutter>);

impl std::fmt::Debug for QueryCutter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryCutter").finish_non_exhaustive()
    }
}

enum Cutter {
    Partial(Box<Partial>),
    Whole(Box<Jieba>),
}

struct Partial {
    default: tantivy_fst::raw::Fst<&'static [u8]>,
    /// The frequencies the user dictionaries give, which replace the default dictionary's.
    user: HashMap<Box<str>, usize, FxBuildHasher>,
    /// The user words as a trie, to find those inside a text in one walk per character.
    user_trie: CharTrie,
    /// The whole dictionary's total frequency.
    total: usize,
    /// The words in `jieba` (but the pad word) and their frequencies.
    held: HashMap<Box<str>, usize, FxBuildHasher>,
    held_total: usize,
    jieba: Jieba,
}

impl QueryCutter {
    /// A cutter for jieba's default dictionary with the user dictionary entries `words`
    /// added in order (as [`UserWords::load`] adds them).
    pub fn new(words: UserWords) -> Self {
        let Some((fst, total)) = JIEBA_DICT else {
            return QueryCutter(Mutex::new(Cutter::Whole(Box::new(words.load()))));
        };
        let default = match tantivy_fst::raw::Fst::new(fst) {
            Ok(f) => f,
            // The build wrote these bytes: they cannot be malformed unless the build is.
            Err(e) => panic!("the compiled jieba dictionary is damaged: {e}"),
        };
        let mut p = Partial {
            default,
            user: HashMap::default(),
            user_trie: CharTrie::default(),
            total: total as usize,
            held: HashMap::default(),
            held_total: 0,
            jieba: Jieba::empty(),
        };
        p.pad();
        for (word, freq, _tag) in words.0 {
            // As `Jieba::add_word`: a word without a frequency gets the one jieba suggests
            // from the dictionary so far, and the total follows the change.
            let freq = match freq {
                Some(f) => f,
                None => {
                    p.prepare(&word);
                    p.jieba.suggest_freq(&word)
                }
            };
            let old = p.freq(&word).unwrap_or(0);
            p.total = p.total + freq - old;
            p.user_trie.insert(&word);
            p.user.insert(word.as_str().into(), freq);
            if p.held.contains_key(word.as_str()) {
                p.hold(&word, freq);
            }
            p.pad();
        }
        QueryCutter(Mutex::new(Cutter::Partial(Box::new(p))))
    }

    /// [`segment_query`] of `text` with the dictionary this cutter stands for.
    pub fn segment(&self, text: &str) -> Vec<String> {
        let mut cutter = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match &mut *cutter {
            Cutter::Partial(p) => {
                let norm = normalize(text);
                p.prepare(&norm);
                segment_normalized(&p.jieba, &norm)
            }
            Cutter::Whole(jieba) => segment_query(jieba, text),
        }
    }

    /// Whether this cutter loaded jieba's whole dictionary (a build without the compiled one).
    pub fn is_whole(&self) -> bool {
        matches!(
            *self.0.lock().unwrap_or_else(|e| e.into_inner()),
            Cutter::Whole(_)
        )
    }
}

impl Partial {
    /// The frequency of `word` in the whole dictionary so far.
    fn freq(&self, word: &str) -> Option<usize> {
        if let Some(&f) = self.user.get(word) {
            return Some(f);
        }
        self.default.get(word).map(|o| o.value() as usize)
    }

    /// Puts every dictionary word inside `text` into the partial jieba.
    fn prepare(&mut self, text: &str) {
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for &from in &starts {
            // The default dictionary: walk its FST from this character on.
            let fst = &self.default;
            let mut node = fst.root();
            let bytes = text.as_bytes();
            let mut at = from;
            'walk: while at < bytes.len() {
                match node.find_input(bytes[at]) {
                    Some(i) => {
                        node = fst.node(node.transition(i).addr);
                        at += 1;
                    }
                    None => break 'walk,
                }
                if text.is_char_boundary(at) && node.is_final() {
                    found.push((from, at));
                }
            }
            // The user dictionaries' words.
            self.user_trie
                .each_word_at(text, from, |to| found.push((from, to)));
        }
        let mut changed = false;
        for (from, to) in found {
            let word = &text[from..to];
            if !self.held.contains_key(word) {
                if let Some(freq) = self.freq(word) {
                    self.hold(word, freq);
                    changed = true;
                }
            }
        }
        if changed {
            self.pad();
        }
    }

    /// Puts `word` with `freq` into the partial jieba, or changes its frequency there.
    fn hold(&mut self, word: &str, freq: usize) {
        let old = self.held.insert(word.into(), freq).unwrap_or(0);
        self.held_total = self.held_total + freq - old;
        self.jieba.add_word(word, Some(freq), None);
    }

    /// Sets the pad word's frequency to what the held words leave of the total.
    fn pad(&mut self) {
        let rest = self.total.saturating_sub(self.held_total);
        self.jieba.add_word(PAD_WORD, Some(rest), None);
    }
}

/// A set of words as a trie over their characters.
#[derive(Default)]
struct CharTrie {
    /// Child of (node, char); the root is node 0.
    children: HashMap<(u32, char), u32, FxBuildHasher>,
    /// Whether each node (by number) ends a word.
    ends: Vec<bool>,
}

impl CharTrie {
    fn insert(&mut self, word: &str) {
        if self.ends.is_empty() {
            self.ends.push(false);
        }
        let mut node = 0;
        for c in word.chars() {
            let next = self.ends.len() as u32;
            node = *self.children.entry((node, c)).or_insert(next);
            if node == next {
                self.ends.push(false);
            }
        }
        self.ends[node as usize] = true;
    }

    /// Calls `f` with the end (a byte offset) of every word of the set that starts at byte
    /// `from` of `text`.
    fn each_word_at(&self, text: &str, from: usize, mut f: impl FnMut(usize)) {
        if self.children.is_empty() {
            return;
        }
        let mut node = 0;
        for (i, c) in text[from..].char_indices() {
            match self.children.get(&(node, c)) {
                Some(&next) => node = next,
                None => return,
            }
            if self.ends[node as usize] {
                f(from + i + c.len_utf8());
            }
        }
    }
}

/// Whether `c` is a numeral: an ASCII digit or a Chinese numeral character.
pub fn is_numeral(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '〇' | '零'
                | '一'
                | '二'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '百'
                | '千'
                | '万'
                | '亿'
                | '两'
        )
}

/// Whether `c` is an ASCII letter or digit (N(text) is lower case).
fn is_ascii_word(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c.is_ascii_uppercase()
}

/// Marks in `starts` (one flag per char of `norm`, white space already removed) where a word
/// begins: where jieba (its dictionary, its HMM for unknown words) starts a token, corrected so
/// that letters and numbers stay whole:
/// - no word starts inside a run of ASCII letters, digits and numerals (〇零一…十百千万亿两),
///   where a letter never touches a Han numeral, and one starts where such a run starts and
///   right after it ends (`ai` is no word of `air`; `2024` is one of `2024年`; `100万` one of
///   `100万元`; 百分之五 ends inside 百分之五十);
/// - a lone Han numeral is left to jieba (一般 keeps its 一).
///
/// A word ends where the next starts, or at the end of the text.
pub fn word_starts(jieba: &Jieba, norm: &str, starts: &mut Vec<bool>) {
    starts.clear();
    let chars: Vec<char> = norm.chars().collect();
    starts.resize(chars.len(), false);
    for token in jieba.cut_for_search(norm, true) {
        if let Some(flag) = starts.get_mut(token.start) {
            *flag = true;
        }
    }
    let mut i = 0;
    while i < chars.len() {
        if !is_ascii_word(chars[i]) && !is_numeral(chars[i]) {
            i += 1;
            continue;
        }
        // A run of letters, digits and numerals, where a letter never touches a Han numeral
        // (`5g`, `100万`, `二〇二四`; `ai一体机` is `ai` then `一体机`).
        let letter = |c: char| c.is_ascii_alphabetic();
        let han = |c: char| is_numeral(c) && !c.is_ascii_digit();
        let mut end = i + 1;
        while end < chars.len() {
            let (prev, next) = (chars[end - 1], chars[end]);
            let joins = (is_ascii_word(next) || is_numeral(next))
                && !(letter(prev) && han(next))
                && !(han(prev) && letter(next));
            if !joins {
                break;
            }
            end += 1;
        }
        let run = &chars[i..end];
        let forced = run.len() >= 2 || run.iter().any(char::is_ascii_alphanumeric);
        for flag in &mut starts[i + 1..end] {
            *flag = false;
        }
        if forced {
            starts[i] = true;
            if let Some(flag) = starts.get_mut(end) {
                *flag = true;
            }
        }
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;
    use std::sync::LazyLock;

    static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

    /// The words of `norm` as [`word_starts`] marks them.
    fn words_of(norm: &str) -> Vec<String> {
        let mut starts = Vec::new();
        word_starts(&JIEBA, norm, &mut starts);
        let chars: Vec<char> = norm.chars().collect();
        let mut words: Vec<String> = Vec::new();
        for (c, start) in chars.iter().zip(&starts) {
            match words.last_mut() {
                Some(w) if !start => w.push(*c),
                _ => words.push(c.to_string()),
            }
        }
        words
    }

    #[test]
    fn words_keep_letters_and_numbers_whole() {
        // Letters: a run is one word, cut from its neighbours.
        assert_eq!(words_of("air"), ["air"]);
        let w = words_of("5.725ghz频段");
        assert!(w.contains(&"725ghz".to_string()), "{w:?}");
        assert!(words_of("2024年").starts_with(&["2024".to_string()]));
        // Numerals: no word starts inside a number.
        let w = words_of("百分之五十");
        assert!(!w.iter().any(|w| w.ends_with('五')), "{w:?}");
        let w = words_of("100万元");
        assert_eq!(w.first().map(String::as_str), Some("100万"), "{w:?}");
        // jieba's words (search mode) otherwise: 税收 stands whole in 税收收入, not in 非税收入.
        assert_eq!(
            whole_occurrences("非税收入和税收收入", "税收"),
            [false, true]
        );
        assert_eq!(whole_occurrences("中华人民共和国", "人民"), [true]);
        assert_eq!(whole_occurrences("中华人民共和国", "华人"), [false]);
        // A lone numeral inside a word stays in it.
        assert!(words_of("一般规定").contains(&"一般".to_string()));
    }

    /// For each occurrence of `term` in `norm`, whether a word starts where it starts and
    /// right after it.
    fn whole_occurrences(norm: &str, term: &str) -> Vec<bool> {
        let mut starts = Vec::new();
        word_starts(&JIEBA, norm, &mut starts);
        let chars: Vec<char> = norm.chars().collect();
        let term: Vec<char> = term.chars().collect();
        let starts_at = |i: usize| starts.get(i).copied().unwrap_or(true);
        (0..=chars.len().saturating_sub(term.len()))
            .filter(|&i| chars[i..].starts_with(&term))
            .map(|i| starts_at(i) && starts_at(i + term.len()))
            .collect()
    }

    #[test]
    fn query_words_of_both_scripts_agree() {
        let simp = segment_query(&JIEBA, "我国人工智能发展面临的挑战");
        let trad = segment_query(&JIEBA, "我國人工智能發展面臨的挑戰");
        assert_eq!(simp, trad);
        assert!(simp.contains(&"人工智能".to_string()), "{simp:?}");
        // Symbols stay (normalized: full-width forms become ASCII), white space goes.
        assert_eq!(
            segment_query(&JIEBA, "（一）發展，\u{3000}ＡＩ。"),
            ["(", "一", ")", "发展", ",", "ai", "。"]
        );
        assert_eq!(segment_query(&JIEBA, "数据安全★"), ["数据安全", "★"]);
        assert!(segment_query(&JIEBA, " \u{3000}").is_empty());
    }

    /// The paragraphs of every text file under `root`.
    fn paragraphs_under(root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for event in crate::corpus::walk(root).expect("walk") {
            if let crate::corpus::WalkEvent::File(f) = event {
                if let Ok(doc) = crate::corpus::read_document(&f) {
                    out.extend(doc.paragraphs.into_iter().map(|p| p.text));
                }
            }
        }
        out
    }

    /// Cuts whole paragraphs and `samples` substrings of them (1-40 characters, from a fixed
    /// seed) with `cutter` and with `jieba`, and returns the texts they cut differently.
    fn compare(cutter: &QueryCutter, jieba: &Jieba, texts: &[String], samples: usize) -> usize {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let mut differ = 0;
        let mut check = |text: &str| {
            let (ours, theirs) = (cutter.segment(text), segment_query(jieba, text));
            if ours != theirs {
                if differ < 5 {
                    eprintln!("{text}: {ours:?} != {theirs:?}");
                }
                differ += 1;
            }
        };
        for t in texts.iter().take(2_000) {
            check(t);
        }
        for _ in 0..samples {
            let chars: Vec<char> = texts[next(texts.len())].chars().collect();
            let from = next(chars.len());
            let len = 1 + next(40);
            let text: String = chars[from..(from + len).min(chars.len())].iter().collect();
            check(&text);
        }
        differ
    }

    #[test]
    fn the_cutter_cuts_as_jieba_does() {
        let cutter = QueryCutter::new(UserWords::default());
        assert!(
            !cutter.is_whole(),
            "jieba's dictionary was not compiled in: see build.rs"
        );
        let sample = paragraphs_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
        assert!(sample.len() > 100, "{}", sample.len());
        assert_eq!(compare(&cutter, &JIEBA, &sample, 20_000), 0);
        // Both scripts, symbols, Latin words and digits, and text jieba has never seen.
        let odd = [
            "我國人工智能發展面臨的挑戰",
            "（一）發展，\u{3000}ＡＩ。COVID-19 疫情與 5G 網絡",
            "数据安全★",
            "c++和c#的区别在于100%的人",
            "鬱龘齉爨",
        ]
        .map(String::from);
        assert_eq!(compare(&cutter, &JIEBA, &odd, 0), 0);
        assert!(cutter.segment("").is_empty());
    }

    #[test]
    #[cfg_attr(
        not(real_corpus),
        ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
    )]
    fn the_cutter_cuts_as_jieba_does_on_the_real_corpus() {
        let root = crate::real_corpus();
        let texts = paragraphs_under(Path::new(&root));
        assert!(texts.len() > 1_000_000, "{}", texts.len());
        let cutter = QueryCutter::new(UserWords::default());
        assert_eq!(compare(&cutter, &JIEBA, &texts, 200_000), 0);
    }

    #[test]
    fn the_cutter_cuts_as_jieba_does_with_user_dictionaries() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        // New words with and without a frequency, a default word given a new one, a word
        // given twice, one that joins Latin and Han, and words inside other user words.
        writeln!(
            f,
            "多邊合作機制 1000 n\n智能產業\n发展 5\n人工智能 3\n人工智能\n数据要素市场\n\
             要素市场化\nai芯片 20\n合作机制\n制度创新 1\n次 205\n到\u{0}\n展c#\n\
             檢疫證明書。 10\n了\u{0}\n{}",
            "长词".repeat(1_000)
        )
        .unwrap();
        let dicts = [f.path().to_owned()];
        let jieba = load_jieba(&dicts).unwrap();
        let cutter = QueryCutter::new(read_user_dicts(&dicts).unwrap());
        let sample = paragraphs_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
        let mut texts = sample.clone();
        texts.extend(
            [
                "加強多邊合作機制建設，推進智能產業發展",
                "人工智能發展與數據要素市場化配置改革",
                "AI芯片和制度創新",
                // A user word holding NUL: jieba looks its parts up to suggest its frequency.
                "次次次展c#。。１了c#展檢疫證明書。",
                "如弟半倒最弱，约定事项变更之处理方式",
            ]
            .map(String::from),
        );
        // A text holding a very long user word (found through the trie of user words).
        texts.push("长词".repeat(1_500));
        assert_eq!(compare(&cutter, &jieba, &texts, 20_000), 0);
        assert_eq!(cutter.segment("智能產業"), ["智能产业"]);
        assert_eq!(
            normalize(PAD_WORD),
            "fi",
            "N(text) never holds the pad word"
        );
    }

    #[test]
    fn user_dictionary_is_loaded_and_normalized() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "# comment\n\n多邊合作機制 1000 n\n智能產業").unwrap();
        let jieba = load_jieba(&[f.path().to_owned()]).unwrap();
        let words = segment_query(&jieba, "加強多邊合作機制");
        assert!(words.contains(&"多边合作机制".to_string()), "{words:?}");
        // Without a frequency the word is kept whole on its own; in context the
        // dictionary's statistics still decide (人工智能/产业).
        assert_eq!(segment_query(&jieba, "智能產業"), ["智能产业"]);
        assert_eq!(segment_query(&JIEBA, "智能產業"), ["智能", "产业"]);
    }

    #[test]
    fn bad_user_dictionary_names_file_and_line() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "人工智能 10\n发展 many").unwrap();
        let err = load_jieba(&[f.path().to_owned()]).unwrap_err().to_string();
        assert!(err.contains(&f.path().display().to_string()), "{err}");
        assert!(err.contains("line 2"), "{err}");
        // The error of a dictionary read from `bytes`.
        let error_of = |bytes: &[u8]| {
            let file = DictFile {
                path: PathBuf::from("d.txt"),
                bytes: bytes.to_vec(),
            };
            parse_user_dicts(&[file]).unwrap_err().to_string()
        };
        // A frequency that would wrap jieba's total.
        let err = error_of("人工智能 10\n发展 5\nqqq 18446744073699551616\n".as_bytes());
        assert!(err.contains("line 3") && err.contains("above"), "{err}");
        // Past what the machine holds, still "above", not "not a whole number".
        let err = error_of("人工智能 99999999999999999999999\n".as_bytes());
        assert!(err.contains("line 1") && err.contains("above"), "{err}");
        // Bytes that are not UTF-8 name their line.
        let err = error_of(b"ok 1\n# c\n\xe6\x95\xb0\xff 10\n");
        assert!(err.contains("line 3") && err.contains("UTF-8"), "{err}");
        let missing = PathBuf::from("no/such/dict.txt");
        let err = load_jieba(&[missing]).unwrap_err().to_string();
        assert!(err.contains("no/such/dict.txt"), "{err}");
    }
}
