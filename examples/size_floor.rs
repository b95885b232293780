//! Floors under the index size of three designs for exact matching, and what the design that
//! would fit in the corpus's size pays at query time: the measurements behind the README's
//! "Where the index size goes, and why 1.0× is out of reach". It is a measuring tool, not part
//! of the program, and holds everything in memory (~0.8 GB for the real corpus).
//!
//! `cargo run --release --example size_floor -- CORPUS_DIR [WORD_QUERIES]`
//!
//! For every character bigram of N(text) without white space (plus each paragraph's last
//! character alone, as the exact index has them) it counts positions, even positions and
//! paragraphs, and prints:
//! - the floor under any per-term code of the position lists (what the exact index stores),
//!   over the corpus as one universe: a list of `n` positions out of `U` needs
//!   `log2 C(U, n)` bits (also shown: the looser `n · log2(U / n)` that `zhengce bench`
//!   prints per segment);
//! - the same for the positions at even offsets only (a design that indexes every other
//!   bigram), and how many even lists a two-character word at an odd offset is assembled
//!   from;
//! - the floor under paragraph lists of every bigram without positions (`log2 C(P, df)` bits
//!   for the paragraph numbers, plus the entropy of the counts);
//! - the original text in 1 KB blocks compressed with zstd (level 3, a 64 KB dictionary
//!   trained on the text), and the time to decompress one block picked at random;
//! - for the design without positions, which must read the text of every candidate paragraph
//!   to check a phrase of three characters or more: how many 1 KB blocks the phrases that
//!   `zhengce bench` samples (400, fixed seed) and the word queries (jieba's cut of each term,
//!   default `benches/data/queries-words.txt`) would decompress, and what that costs at the
//!   time measured per block (phrases are sampled as `zhengce bench` samples them: 400 here).

use std::path::Path;
use std::time::Instant;

use rustc_hash::FxHashMap;
use zhengce::analysis::{normalize_exact_into, Normalized};
use zhengce::corpus::walk::{read_document, walk, WalkEvent};

/// The paragraph's last character alone has this as its second character.
const END: char = '\0';
const BLOCK_BYTES: usize = 1024;

#[derive(Default, Clone, Copy)]
struct BigramCount {
    positions: u64,
    even: u64,
}

/// The corpus as the exact index sees it.
struct Corpus {
    /// Original paragraph texts.
    texts: Vec<String>,
    /// N(text) of each paragraph, without white space.
    chars: Vec<Vec<char>>,
    /// The 1 KB text block each paragraph lies in.
    block_of: Vec<u32>,
}

fn read_corpus(root: &Path) -> anyhow::Result<Corpus> {
    let mut corpus = Corpus {
        texts: Vec::new(),
        chars: Vec::new(),
        block_of: Vec::new(),
    };
    let mut norm = Normalized::new();
    let (mut block, mut block_bytes) = (0u32, 0usize);
    for event in walk(root)? {
        let WalkEvent::File(file) = event else {
            continue;
        };
        let Ok(doc) = read_document(&file) else {
            continue;
        };
        for p in doc.paragraphs {
            normalize_exact_into(&mut norm, &p.text);
            corpus.chars.push(norm.as_str().chars().collect());
            corpus.block_of.push(block);
            block_bytes += p.text.len() + 1;
            if block_bytes >= BLOCK_BYTES {
                (block, block_bytes) = (block + 1, 0);
            }
            corpus.texts.push(p.text);
        }
    }
    Ok(corpus)
}

fn log2_factorial(x: f64) -> f64 {
    if x < 2.0 {
        return 0.0;
    }
    let ln = x * x.ln() - x + 0.5 * (std::f64::consts::TAU * x).ln() + 1.0 / (12.0 * x);
    ln / std::f64::consts::LN_2
}

fn log2_binomial(n: f64, k: f64) -> f64 {
    log2_factorial(n) - log2_factorial(k) - log2_factorial(n - k)
}

fn mb(bits: f64) -> f64 {
    bits / 8e6
}

/// Paragraphs holding every bigram that covers `phrase` at offsets 0, 2, 4, … and len − 2.
fn candidates(lists: &FxHashMap<(char, char), Vec<u32>>, phrase: &[char]) -> Vec<u32> {
    if phrase.len() < 2 {
        return Vec::new();
    }
    let mut offsets: Vec<usize> = (0..phrase.len() - 1).step_by(2).collect();
    if offsets.last() != Some(&(phrase.len() - 2)) {
        offsets.push(phrase.len() - 2);
    }
    let mut cover = Vec::new();
    for o in offsets {
        match lists.get(&(phrase[o], phrase[o + 1])) {
            Some(list) => cover.push(list),
            None => return Vec::new(),
        }
    }
    cover.sort_by_key(|l| l.len());
    let mut out = cover[0].clone();
    for list in &cover[1..] {
        out = intersect(&out, list);
    }
    out
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut j = 0;
    a.iter()
        .copied()
        .filter(|&x| {
            while j < b.len() && b[j] < x {
                j += 1;
            }
            j < b.len() && b[j] == x
        })
        .collect()
}

fn distinct_blocks(corpus: &Corpus, paragraphs: &[u32]) -> usize {
    let mut blocks: Vec<u32> = paragraphs
        .iter()
        .map(|&p| corpus.block_of[p as usize])
        .collect();
    blocks.dedup();
    blocks.len()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

/// Compresses the text in 1 KB blocks and returns the compressed bytes and the median over
/// three passes of the time to decompress a block picked at random, in microseconds.
fn text_blocks(corpus: &Corpus) -> anyhow::Result<(usize, f64)> {
    let mut blocks: Vec<Vec<u8>> = vec![Vec::new()];
    for (text, &block) in corpus.texts.iter().zip(&corpus.block_of) {
        if block as usize == blocks.len() {
            blocks.push(Vec::new());
        }
        let last = blocks.last_mut().expect("one block at least");
        last.extend_from_slice(text.as_bytes());
        last.push(b'\n');
    }
    let step = (blocks.len() / 512).max(1);
    let samples: Vec<&[u8]> = blocks.iter().step_by(step).map(Vec::as_slice).collect();
    let dict = zstd::dict::from_samples(&samples, 64 << 10)?;
    let mut compressor = zstd::bulk::Compressor::with_dictionary(3, &dict)?;
    let packed = blocks
        .iter()
        .map(|b| compressor.compress(b))
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = packed.iter().map(Vec::len).sum::<usize>() + dict.len();
    let largest = blocks.iter().map(Vec::len).max().unwrap_or(0);
    let mut decompressor = zstd::bulk::Decompressor::with_dictionary(&dict)?;
    let mut rng = zhengce::rng::Rng::new(0x2545_f491_4f6c_dd1d);
    let picks: Vec<usize> = (0..200_000).map(|_| rng.below(packed.len())).collect();
    let mut passes = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let mut out = 0;
        for &i in &picks {
            out += decompressor.decompress(&packed[i], largest)?.len();
        }
        assert!(out > 0);
        passes.push(start.elapsed().as_secs_f64() * 1e6 / picks.len() as f64);
    }
    passes.sort_by(f64::total_cmp);
    Ok((bytes, passes[1]))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.first() else {
        anyhow::bail!("usage: size_floor CORPUS_DIR [WORD_QUERIES]");
    };
    let words_file = args
        .get(1)
        .map_or("benches/data/queries-words.txt", String::as_str);
    let corpus = read_corpus(Path::new(root))?;
    let n_paragraphs = corpus.chars.len();
    let universe: usize = corpus.chars.iter().map(Vec::len).sum();
    println!(
        "corpus          {n_paragraphs} paragraphs, {universe} positions (characters of N(text) without white space)"
    );

    let mut counts: FxHashMap<(char, char), BigramCount> = FxHashMap::default();
    let mut lists: FxHashMap<(char, char), Vec<u32>> = FxHashMap::default();
    let mut count_freq = [0u64; 65];
    let mut in_paragraph: FxHashMap<(char, char), u32> = FxHashMap::default();
    for (p, chars) in corpus.chars.iter().enumerate() {
        in_paragraph.clear();
        for (i, &c) in chars.iter().enumerate() {
            let key = (c, chars.get(i + 1).copied().unwrap_or(END));
            let count = counts.entry(key).or_default();
            count.positions += 1;
            count.even += u64::from(i % 2 == 0);
            *in_paragraph.entry(key).or_default() += 1;
        }
        for (&key, &n) in &in_paragraph {
            lists.entry(key).or_default().push(p as u32);
            count_freq[(n as usize).min(64)] += 1;
        }
    }
    for list in lists.values_mut() {
        list.sort_unstable();
    }
    let u = universe as f64;
    // Exact floors, log2 C(U, n), and the looser n · log2(U / n) that `zhengce bench` prints
    // (per segment there, over the whole corpus here).
    let (mut positions, mut even, mut paragraph_ids) = (0.0, 0.0, 0.0);
    let (mut positions_loose, mut even_loose) = (0.0, 0.0);
    for (key, count) in &counts {
        let n = count.positions as f64;
        positions += log2_binomial(u, n);
        positions_loose += n * (u / n).log2();
        if count.even > 0 {
            let e = count.even as f64;
            even += log2_binomial(u / 2.0, e);
            even_loose += e * (u / 2.0 / e).log2();
        }
        paragraph_ids += log2_binomial(n_paragraphs as f64, lists[key].len() as f64);
    }
    let entries: u64 = count_freq.iter().sum();
    let count_entropy: f64 = count_freq
        .iter()
        .filter(|&&f| f > 0)
        .map(|&f| {
            let q = f as f64 / entries as f64;
            -q * q.log2()
        })
        .sum();
    println!("bigrams         {} terms", counts.len());
    println!(
        "floor           all positions {:.1} MB ({:.1} MB by n log2(U/n)); even positions only {:.1} MB ({:.1}); paragraph lists without positions {:.1} MB ({entries} entries: numbers {:.1} MB, counts {:.1} MB)",
        mb(positions),
        mb(positions_loose),
        mb(even),
        mb(even_loose),
        mb(paragraph_ids + count_entropy * entries as f64),
        mb(paragraph_ids),
        mb(count_entropy * entries as f64),
    );
    let (text_bytes, block_us) = text_blocks(&corpus)?;
    println!(
        "text            {:.1} MB in 1 KB zstd blocks with a trained dictionary; one block decompressed at random: {block_us:.2} us",
        text_bytes as f64 / 1e6
    );

    // The design without positions checks every candidate paragraph of a phrase of three
    // characters or more against its text.
    let phrases = zhengce::bench::sample_phrases(&corpus.texts, 400);
    let mut norm = Normalized::new();
    let mut costs = Vec::new();
    for q in &phrases {
        normalize_exact_into(&mut norm, q.trim_matches('"'));
        let phrase: Vec<char> = norm.as_str().chars().collect();
        let found = candidates(&lists, &phrase);
        let blocks = if phrase.len() > 2 {
            distinct_blocks(&corpus, &found)
        } else {
            0
        };
        costs.push(blocks as f64 * block_us / 1e3);
    }
    costs.sort_by(f64::total_cmp);
    println!(
        "phrases         {} sampled as `zhengce bench` samples them; text to check without positions: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms; {} take more than 2 ms",
        costs.len(),
        percentile(&costs, 0.5),
        percentile(&costs, 0.95),
        percentile(&costs, 0.99),
        costs.iter().filter(|&&c| c > 2.0).count()
    );
    // Positions at even offsets only: a two-character word XY at an odd offset is the second
    // character of the even bigram before it (·X) and the first of the one after it (Y·).
    let mut ending: FxHashMap<char, (u64, u64)> = FxHashMap::default();
    let mut starting: FxHashMap<char, (u64, u64)> = FxHashMap::default();
    for (&(a, b), count) in &counts {
        if count.even > 0 {
            for (side, c) in [(&mut starting, a), (&mut ending, b)] {
                let e = side.entry(c).or_default();
                e.0 += 1;
                e.1 += count.even;
            }
        }
    }
    let words = std::fs::read_to_string(words_file)?;
    let mut two: Vec<&str> = words
        .split_whitespace()
        .filter(|w| w.chars().count() == 2)
        .collect();
    two.sort_unstable();
    two.dedup();
    let mut sides = Vec::new();
    for w in &two {
        let c: Vec<char> = w.chars().collect();
        let own = counts.get(&(c[0], c[1])).map_or(0, |n| n.positions);
        let (x, y) = (ending.get(&c[0]), starting.get(&c[1]));
        let (x, y) = (
            x.copied().unwrap_or_default(),
            y.copied().unwrap_or_default(),
        );
        sides.push((x.0 + y.0, x.1 + y.1, own));
    }
    sides.sort_unstable();
    if let (Some(low), Some(high)) = (sides.first(), sides.last()) {
        println!(
            "even offsets    {} two-character words of {words_file}: at an odd offset each is assembled from {}-{} even lists (·X and Y·) holding {}-{} positions, against {}-{} positions of their own",
            sides.len(),
            low.0,
            high.0,
            sides.iter().map(|s| s.1).min().unwrap_or(0),
            sides.iter().map(|s| s.1).max().unwrap_or(0),
            sides.iter().map(|s| s.2).min().unwrap_or(0),
            sides.iter().map(|s| s.2).max().unwrap_or(0),
        );
    }

    let jieba = jieba_rs::Jieba::new();
    for line in words.lines() {
        let mut sets: Vec<(Vec<u32>, bool)> = Vec::new();
        for term in line.split_whitespace() {
            normalize_exact_into(&mut norm, term);
            let text = norm.as_str().to_string();
            for token in jieba.cut(&text, false) {
                let word: Vec<char> = token.word.chars().collect();
                if word.len() < 2 {
                    // One character: a union of lists, which this count leaves out.
                    continue;
                }
                sets.push((candidates(&lists, &word), word.len() > 2));
            }
        }
        let Some(first) = sets.first() else {
            continue;
        };
        let mut found = first.0.clone();
        for set in &sets[1..] {
            found = intersect(&found, &set.0);
        }
        let blocks = if sets.iter().any(|s| s.1) {
            distinct_blocks(&corpus, &found)
        } else {
            0
        };
        if blocks > 0 {
            println!(
                "word query      {line}: {} candidate paragraphs in {blocks} blocks to check, {:.2} ms",
                found.len(),
                blocks as f64 * block_us / 1e3
            );
        }
    }
    Ok(())
}
