//! jieba words: loading the segmenter with user dictionaries ([`load_jieba`]), cutting bare
//! query terms ([`segment_query`]) and collecting the words of indexed text
//! ([`WordCollector`]).
//!
//! Text is normalized first because jieba's dictionary is Simplified and lowercase. A query
//! term keeps its punctuation and symbols as parts of their own; the word lists keep only
//! words with a letter or digit. Matching is exact
//! ([`super::exact`]): words decide how a bare query term splits into texts that must all
//! occur, never what a text matches.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

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
    let mut words = UserWords::default();
    for path in user_dicts {
        read_user_dict(&mut words, path)?;
    }
    Ok(words)
}

/// jieba's dictionary for an indexing run, built on a thread of its own from the start:
/// the first text to cut waits for it, and a run that cuts nothing (a re-index of an
/// unchanged corpus) never does.
#[derive(Debug)]
pub struct JiebaOnDemand {
    building: Mutex<Option<JoinHandle<Jieba>>>,
    jieba: OnceLock<Jieba>,
}

impl JiebaOnDemand {
    /// Starts building the dictionary with `words` on a new thread.
    pub fn spawn(words: UserWords) -> Self {
        JiebaOnDemand {
            building: Mutex::new(Some(std::thread::spawn(move || words.load()))),
            jieba: OnceLock::new(),
        }
    }

    /// The dictionary, once built (other callers wait meanwhile).
    pub fn get(&self) -> &Jieba {
        self.jieba.get_or_init(|| {
            let building = self
                .building
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            match building.map(JoinHandle::join) {
                Some(Ok(jieba)) => jieba,
                // Building panicked: the panic goes on here, where it is reported.
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                // An earlier call took the handle and panicked with it.
                None => panic!("jieba's dictionary failed to build"),
            }
        })
    }
}

fn read_user_dict(words: &mut UserWords, path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| Error::Decode {
        path: path.to_owned(),
        reason: format!("user dictionary is not UTF-8 ({e})"),
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    for (n, line) in text.lines().enumerate() {
        let bad = |what: String| {
            Error::Other(format!(
                "{}: line {}: {what} (expected `word [freq] [tag]`)",
                path.display(),
                n + 1
            ))
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
            Some(f) => Some(
                f.parse::<usize>()
                    .map_err(|_| bad(format!("frequency `{f}` is not a whole number")))?,
            ),
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
    let norm = normalize(text);
    jieba
        .cut(&norm, true)
        .into_iter()
        .filter(|t| !t.word.trim().is_empty())
        .map(|t| t.word.to_owned())
        .collect()
}

/// The longest piece of text handed to jieba at once, in bytes (a soft limit: a piece ends
/// at the first punctuation after it).
const PIECE_BYTES: usize = 64 << 10;

/// `text` cut into pieces of about `size` bytes, each ending just after a punctuation mark or
/// white space, so that jieba cuts the pieces into the tokens it cuts the whole into: it
/// splits its input into runs of Han characters, ASCII letters, digits and `+#&._%-`, and
/// cuts each run alone. Text without such a mark stays whole.
fn pieces(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len();
        if rest.len() > size {
            let from = (size..rest.len())
                .find(|&i| rest.is_char_boundary(i))
                .unwrap_or(rest.len());
            if let Some((i, c)) = rest[from..].char_indices().find(|&(_, c)| splits_runs(c)) {
                end = from + i + c.len_utf8();
            }
        }
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

/// Whether jieba never joins `c` to a run of text: common punctuation and white space.
fn splits_runs(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '。' | '、' | ',' | ';' | ':' | '!' | '?' | '；' | '，' | '：'
        )
}

/// The distinct words of three or more characters that jieba cuts texts into, for the word
/// list of an exact-index segment ([`crate::index::exact`]): a bare query term found there is
/// one word, and the query needs no jieba dictionary (loading it costs ~130 ms). Terms of one
/// or two characters are taken as one word without a list (see `known_word` in
/// [`crate::search`]), which keeps the list small: most words have two characters.
#[derive(Default)]
pub struct WordCollector {
    words: HashSet<Box<str>, FxBuildHasher>,
}

impl std::fmt::Debug for WordCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordCollector")
            .field("words", &self.words.len())
            .finish()
    }
}

impl WordCollector {
    /// Adds the words of `norm`, a normalized text. A long text is cut in pieces first, at
    /// punctuation, where jieba splits anyway: its tokens take some 30 bytes a character, so
    /// a paragraph of tens of megabytes (a file without line breaks) would otherwise cost
    /// gigabytes at once.
    pub fn add(&mut self, jieba: &Jieba, norm: &str) {
        for piece in pieces(norm, PIECE_BYTES) {
            for t in jieba.cut(piece, true) {
                let w = t.word;
                if w.chars().nth(2).is_some() && is_word(w) && !self.words.contains(w) {
                    self.words.insert(w.into());
                }
            }
        }
    }

    /// The number of distinct words so far.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word was added.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The words, sorted, as the bytes of an FST map (each word's value is 0).
    pub fn finish(self) -> Vec<u8> {
        let mut words: Vec<Box<str>> = self.words.into_iter().collect();
        words.sort_unstable();
        let mut fst = tantivy_fst::MapBuilder::memory();
        for w in &words {
            // Sorted and distinct, so an insert cannot fail.
            let _ = fst.insert(w.as_bytes(), 0);
        }
        fst.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::LazyLock;

    static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

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

    #[test]
    fn collector_keeps_distinct_words_of_three_or_more_characters() {
        let mut c = WordCollector::default();
        assert!(c.is_empty());
        c.add(&JIEBA, &normalize("我國人工智能發展，人工智能ＡＩ"));
        c.add(&JIEBA, &normalize("人工智能发展 COVID 個人信息"));
        let map = tantivy_fst::Map::from_bytes(c.finish()).unwrap();
        let mut keys = map.keys();
        let mut words = Vec::new();
        while let Some(k) = tantivy_fst::Streamer::next(&mut keys) {
            words.push(String::from_utf8(k.to_vec()).unwrap());
        }
        // Words of one or two characters (我国, 发展, ai) and punctuation are left out; each
        // word once, sorted.
        assert_eq!(words, ["covid", "个人信息", "人工智能"]);
    }

    #[test]
    fn long_texts_are_cut_in_pieces_that_jieba_cuts_alike() {
        let text = normalize(
            &"我國人工智能發展面臨的挑戰，數據安全與個人信息保護。COVID-19 疫情".repeat(50),
        );
        let parts: Vec<&str> = pieces(&text, 100).collect();
        assert!(parts.len() > 10, "{}", parts.len());
        assert_eq!(parts.concat(), text);
        let whole: Vec<&str> = JIEBA.cut(&text, true).iter().map(|t| t.word).collect();
        let cut: Vec<&str> = (parts.iter())
            .flat_map(|p| JIEBA.cut(p, true).into_iter().map(|t| t.word))
            .collect();
        assert_eq!(cut, whole);
        // Short texts and texts without punctuation stay whole.
        assert_eq!(pieces("人工智能", 2).collect::<Vec<_>>(), ["人工智能"]);
        assert_eq!(pieces("", 2).count(), 0);
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
    fn a_dictionary_built_on_its_own_thread_has_the_user_words() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "多邊合作機制 1000 n\n智能產業").unwrap();
        let words = read_user_dicts(&[f.path().to_owned()]).unwrap();
        let on_demand = JiebaOnDemand::spawn(words);
        // Two threads ask at once: both get the one dictionary.
        std::thread::scope(|scope| {
            let other = scope.spawn(|| segment_query(on_demand.get(), "智能產業"));
            assert_eq!(segment_query(on_demand.get(), "智能產業"), ["智能产业"]);
            assert_eq!(other.join().unwrap(), ["智能产业"]);
        });
        let words = segment_query(on_demand.get(), "加強多邊合作機制");
        assert!(words.contains(&"多边合作机制".to_string()), "{words:?}");
    }

    #[test]
    fn bad_user_dictionary_names_file_and_line() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "人工智能 10\n发展 many").unwrap();
        let err = load_jieba(&[f.path().to_owned()]).unwrap_err().to_string();
        assert!(err.contains(&f.path().display().to_string()), "{err}");
        assert!(err.contains("line 2"), "{err}");
        let missing = PathBuf::from("no/such/dict.txt");
        let err = load_jieba(&[missing]).unwrap_err().to_string();
        assert!(err.contains("no/such/dict.txt"), "{err}");
    }
}
