//! Text analysis: N(text) (width, case and script normalization) with an exact map back to the
//! original ([`mod@normalize`]), whole-string Traditional/Simplified conversion for display
//! ([`script`]), the character-bigram tokenizer of the title and heading fields ([`exact`]),
//! and jieba words ([`words`]) for splitting bare query terms.
//!
//! This module is the only place that converts between normalized and original positions.
//! [`register_tokenizers`] is the one function that installs the analyzers on an index: the
//! schema stores only their names, so it must run every time an index is opened.
//! [`fingerprint`] identifies the analysis tables, so an index built with other tables is
//! detected. Building queries, snippets and the schema belongs to `search` and `index`.

pub mod bigram;
pub mod distinct;
mod fold;
pub mod normalize;
pub mod script;
mod simplify;
pub mod variants;
pub mod words;

use std::path::PathBuf;

use tantivy::tokenizer::TextAnalyzer;
use tantivy::Index;
use xxhash_rust::xxh3::Xxh3;

pub use bigram::{
    bigram_query_terms, char_prefix_bounds, BigramTerms, BigramTokenStream, BigramTokenizer,
};
pub use normalize::{
    normalize, normalize_exact, normalize_exact_into, normalize_mapped_into, Normalized, OrigSpan,
};
pub use script::{s2t, script_of, t2s, ScriptCounts, Written};
pub use variants::Variants;
pub use words::{
    is_numeral, load_jieba, parse_user_dicts, read_dict_files, read_user_dicts, segment_query,
    word_starts, DictFile, QueryCutter, UserWords,
};

use crate::Result;

/// Name of the exact-phrase analyzer (character bigrams of N(text) without white space).
pub const BIGRAM_TOKENIZER: &str = "zh_bigram";

/// Bumped whenever normalization or tokenization changes what terms a text produces.
pub const ANALYSIS_VERSION: u32 = 4;

/// Versions of the libraries whose tables are not reachable to hash: jieba's embedded
/// dictionary is private to the crate. Update with `Cargo.lock`.
const TABLE_VERSIONS: &str = "hanconv 0.5.1; jieba-rs 0.11";

/// What staff leave out when they name a document (in N form): the state's name before a
/// law's (中华人民共和国个人信息保护法 is named 个人信息保护法, 中華民國憲法 憲法).
const NAME_PREFIXES: [&str; 2] = ["中华人民共和国", "中华民国"];

/// The length in characters of `title` as a query names it: N(title) without white space,
/// less a state's name in front ([`NAME_PREFIXES`]); at least 1.
pub fn name_len(title: &str) -> usize {
    let norm = normalize_exact(title);
    let text = norm.as_str();
    let prefix = (NAME_PREFIXES.iter())
        .find(|p| text.starts_with(*p) && text.len() > p.len())
        .map_or(0, |p| p.chars().count());
    (norm.len() - prefix).max(1)
}

/// Registers [`BIGRAM_TOKENIZER`] on `index`. Call it after creating or opening an index,
/// before indexing or searching.
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        BIGRAM_TOKENIZER,
        TextAnalyzer::from(BigramTokenizer::default()),
    );
}

/// A stable hex digest (xxh3-128) of everything that decides the index terms: the analysis
/// version, hanconv's `t2s` character table, the Unicode versions of NFKC and of lowercasing,
/// the jieba version, and the bytes of each user dictionary in order. Reads the user
/// dictionaries but does not load jieba.
pub fn fingerprint(user_dicts: &[PathBuf]) -> Result<String> {
    Ok(fingerprint_of(&read_dict_files(user_dicts)?))
}

/// [`fingerprint`] of user dictionaries already read.
pub fn fingerprint_of(user_dicts: &[DictFile]) -> String {
    let mut h = Xxh3::new();
    let mut part = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(&ANALYSIS_VERSION.to_le_bytes());
    part(TABLE_VERSIONS.as_bytes());
    part(hanconv::RawDictionary::TSCharacters.text().as_bytes());
    part(distinct::TABLE.as_bytes());
    let (a, b, c) = unicode_normalization::UNICODE_VERSION;
    part(&[a, b, c]);
    let (a, b, c) = char::UNICODE_VERSION;
    part(&[a, b, c]);
    part(&(user_dicts.len() as u64).to_le_bytes());
    for d in user_dicts {
        part(&d.bytes);
    }
    format!("{:032x}", h.digest128())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};

    #[test]
    fn fingerprint_is_stable_and_sees_user_dicts() {
        let base = fingerprint(&[]).unwrap();
        assert_eq!(base, fingerprint(&[]).unwrap());
        assert_eq!(base.len(), 32);
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "人工智能 10").unwrap();
        let with = fingerprint(&[f.path().to_owned()]).unwrap();
        assert_ne!(base, with);
        writeln!(f, "发展 10").unwrap();
        assert_ne!(with, fingerprint(&[f.path().to_owned()]).unwrap());
        assert!(fingerprint(&[PathBuf::from("no/such/dict")]).is_err());
    }

    #[test]
    fn analyzers_are_registered() {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(BIGRAM_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        schema.add_text_field(
            "exact",
            TextOptions::default().set_indexing_options(indexing),
        );
        let index = Index::create_in_ram(schema.build());
        register_tokenizers(&index);
        let mut analyzer = index.tokenizers().get(BIGRAM_TOKENIZER).unwrap();
        let mut stream = analyzer.token_stream("發展");
        assert_eq!(stream.next().unwrap().text, "发展");
    }
}
