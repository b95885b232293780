//! Exact-phrase recall and precision over the real corpus (`ZHENGCE_REAL_CORPUS`): random
//! substrings of real paragraphs, half of them converted to the other script, searched as
//! `"…"` and compared with a plain substring scan of the normalized text. Both must be 100%.

use std::collections::HashSet;
use std::path::PathBuf;

use zhengce::analysis::{self, normalize_exact};
use zhengce::corpus::{self, WalkEvent};
use zhengce::index::{index_corpus, IndexOptions};
use zhengce::search::Searcher;

fn real_corpus() -> Option<PathBuf> {
    match std::env::var_os("ZHENGCE_REAL_CORPUS") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!("skipped: ZHENGCE_REAL_CORPUS is not set");
            None
        }
    }
}

/// xorshift64*: a small deterministic generator, so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[test]
fn exact_phrases_have_full_recall_and_precision_on_the_real_corpus() {
    let Some(root) = real_corpus() else {
        return;
    };
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let summary =
        index_corpus(&IndexOptions::new(&root, &index), &()).expect("indexing the real corpus");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    eprintln!(
        "indexed {} paragraphs, {:.1} MB in {:.1} s",
        summary.paragraphs,
        summary.bytes as f64 / 1e6,
        summary.seconds
    );

    // Every paragraph, normalized, in one buffer (one line each) for the reference scan.
    let mut keys: Vec<(String, u32)> = Vec::new();
    let mut originals: Vec<String> = Vec::new();
    let mut haystack = String::new();
    let mut starts = Vec::new();
    for event in corpus::walk(&root).unwrap() {
        let WalkEvent::File(f) = event else { continue };
        let doc = corpus::read_document(&f).unwrap();
        for p in &doc.paragraphs {
            keys.push((f.rel.clone(), p.paragraph));
            starts.push(haystack.len());
            haystack.push_str(normalize_exact(&p.text).as_str());
            haystack.push('\n');
            originals.push(p.text.clone());
        }
    }
    assert_eq!(keys.len() as u64, summary.paragraphs);

    eprintln!(
        "reference text ready after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let searcher = Searcher::open(&index).unwrap();
    let mut rng = Rng(0x5eed_2026_1129);
    let (mut queries, mut checked_hits) = (0, 0usize);
    while queries < 300 {
        let i = rng.below(originals.len());
        let chars: Vec<char> = originals[i].chars().collect();
        if chars.is_empty() {
            continue;
        }
        let len = 1 + rng.below(8);
        let start = rng.below(chars.len());
        let piece: String = chars[start..].iter().take(len).collect();
        if piece.chars().count() != len || !piece.chars().all(is_han) {
            continue;
        }
        let piece = if queries % 2 == 0 {
            piece
        } else if analysis::script::t2s(&piece) == piece {
            analysis::script::s2t(&piece)
        } else {
            analysis::script::t2s(&piece)
        };
        queries += 1;
        let needle = normalize_exact(&piece).as_str().to_string();
        let mut expected = HashSet::new();
        for at in memchr::memmem::find_iter(haystack.as_bytes(), needle.as_bytes()) {
            let para = starts.partition_point(|&s| s <= at) - 1;
            expected.insert(keys[para].clone());
        }
        let got: HashSet<(String, u32)> = searcher
            .match_keys(&format!("\"{piece}\""))
            .unwrap()
            .into_iter()
            .collect();
        let missed: Vec<_> = expected.difference(&got).take(3).collect();
        let extra: Vec<_> = got.difference(&expected).take(3).collect();
        assert!(
            missed.is_empty() && extra.is_empty(),
            "\"{piece}\": {} expected, {} found; missed {missed:?}, extra {extra:?}",
            expected.len(),
            got.len()
        );
        checked_hits += expected.len();
    }
    eprintln!(
        "300 phrases, {checked_hits} matching paragraphs: recall and precision 100% ({:.1} s in all)",
        started.elapsed().as_secs_f64()
    );
}
