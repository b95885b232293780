//! Criterion benches for each stage: normalization, segmentation, the exact tokenizer (title
//! and heading fields), the query cutter, building and searching a bigram
//! segment of the exact index, building and reading a text store, indexing a fixed sample, phrase and word search over a prebuilt index, and snippet
//! building. Data: `benches/data/` (texts written for the project). Dictionaries are warmed
//! before timing, and every loop asserts a count known beforehand, so a broken stage cannot
//! look fast.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tantivy::tokenizer::{TokenStream, Tokenizer};
use zhengce::analysis::{self, BigramTokenizer};
use zhengce::index::exact::bigrams::{BigramBuilder, BigramSegment, LISTS_FROM};
use zhengce::index::exact::texts::{TextStore, TextsBuilder};
use zhengce::index::{index_corpus, IndexOptions};
use zhengce::search::{highlight, SearchOptions, Searcher};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data")
}

fn texts() -> Vec<(&'static str, String)> {
    ["simplified", "traditional"]
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(data_dir().join(format!("{name}.txt")))
                .expect("bench data");
            (name, text)
        })
        .collect()
}

fn count_tokens<T: Tokenizer>(tokenizer: &mut T, text: &str) -> usize {
    let mut stream = tokenizer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += 1;
    }
    n
}

fn analysis_benches(c: &mut Criterion) {
    let jieba = Arc::new(analysis::load_jieba(&[]).expect("jieba"));
    for (name, text) in texts() {
        let mut g = c.benchmark_group(format!("analysis/{name}"));
        g.throughput(Throughput::Bytes(text.len() as u64));

        let chars = analysis::normalize(&text).chars().count();
        g.bench_function("normalize", |b| {
            b.iter(|| assert_eq!(analysis::normalize(black_box(&text)).chars().count(), chars))
        });
        let exact_len = analysis::normalize_exact(&text).len();
        g.bench_function("normalize_exact", |b| {
            b.iter(|| assert_eq!(analysis::normalize_exact(black_box(&text)).len(), exact_len))
        });

        let normalized = analysis::normalize(&text);
        let words = jieba.cut(&normalized, true).len();
        g.bench_function("segment (jieba cut)", |b| {
            b.iter(|| assert_eq!(jieba.cut(black_box(&normalized), true).len(), words))
        });

        let mut exact = BigramTokenizer::default();
        let n_exact = count_tokens(&mut exact, &text);
        g.bench_function("exact tokenizer", |b| {
            b.iter(|| assert_eq!(count_tokens(&mut exact, black_box(&text)), n_exact))
        });
        // Cutting each line as a query term with a new cutter (jieba's words taken from the
        // compiled dictionary as they are met), as jieba cuts it.
        let lines_norm: Vec<String> = text.lines().map(analysis::normalize).collect();
        let cut_lines = |lines: &[String]| {
            let cutter = analysis::QueryCutter::new(Default::default());
            lines.iter().map(|l| cutter.segment(l).len()).sum::<usize>()
        };
        let n_words: usize = lines_norm
            .iter()
            .map(|l| analysis::segment_query(&jieba, l).len())
            .sum();
        assert_eq!(cut_lines(&lines_norm), n_words);
        g.bench_function("query cutter (new cutter, every line a term)", |b| {
            b.iter(|| assert_eq!(cut_lines(black_box(&lines_norm)), n_words))
        });

        // The exact index: one bigram segment of the text's lines, built and searched.
        let lines: Vec<Vec<char>> = text
            .lines()
            .map(|l| analysis::normalize_exact(l).as_str().chars().collect())
            .collect();
        let build_listing = |lines: &[Vec<char>], lists_from: u32| {
            let mut builder = BigramBuilder::new().with_lists_from(lists_from);
            builder.begin_file(1, 0);
            for l in lines {
                builder.add_paragraph(l);
            }
            builder.finish()
        };
        let build = |lines: &[Vec<char>]| build_listing(lines, LISTS_FROM);
        let segment = BigramSegment::open(build(&lines)).expect("segment");
        // The sample is small: with lists from 16 positions, its common bigrams have them.
        let listed = BigramSegment::open(build_listing(&lines, 16)).expect("segment");
        let positions = segment.stats().positions;
        g.bench_function("exact index: build a segment", |b| {
            b.iter(|| {
                let s = BigramSegment::open(build(black_box(&lines))).expect("segment");
                assert_eq!(s.stats().positions, positions)
            })
        });
        g.finish();

        // Look-ups of a phrase cut from the middle of every 7th line, against a scan.
        let phrases: Vec<&[char]> = lines
            .iter()
            .step_by(7)
            .filter(|l| l.len() >= 6)
            .map(|l| &l[l.len() / 2 - 3..l.len() / 2 + 1])
            .collect();
        let expected: usize = phrases
            .iter()
            .map(|p| {
                lines
                    .iter()
                    .filter(|l| l.windows(p.len()).any(|w| w == *p))
                    .count()
            })
            .sum();
        // The text store: compressing the text (the sample is repeated to pass the size from
        // which a dictionary is trained), and reading every paragraph back.
        let paragraphs: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let section = vec!["第一章 总则".to_string(), "第一条".to_string()];
        let store_bytes = |copies: usize| {
            let mut b = TextsBuilder::new();
            for _ in 0..copies {
                for (line, p) in (1..).zip(&paragraphs) {
                    b.add(p, &section, [line, line]);
                }
            }
            b.finish().expect("text store")
        };
        let copies = (300_000 / text.len().max(1)) + 1;
        let mut g = c.benchmark_group(format!("text store/{name}"));
        g.throughput(Throughput::Bytes((copies * text.len()) as u64));
        g.bench_function("build (zstd, trained dictionary)", |b| {
            b.iter(|| {
                let store = TextStore::open(store_bytes(black_box(copies))).expect("store");
                assert_eq!(store.paragraphs() as usize, copies * paragraphs.len())
            })
        });
        let store = TextStore::open(store_bytes(copies)).expect("store");
        let n = store.paragraphs();
        g.throughput(Throughput::Elements(u64::from(n.div_ceil(7))));
        g.bench_function("read every 7th paragraph", |b| {
            b.iter(|| {
                let mut bytes = 0;
                for k in (0..n).step_by(7) {
                    bytes += store.get(black_box(k)).expect("read").text.len();
                }
                assert!(bytes > 0)
            })
        });
        g.finish();

        // Two-character words: the first two of each phrase.
        let words: Vec<&[char]> = phrases.iter().map(|p| &p[..2]).collect();
        let expected_words: usize = words
            .iter()
            .map(|w| {
                lines
                    .iter()
                    .filter(|l| l.windows(2).any(|x| x == *w))
                    .count()
            })
            .sum();
        let mut g = c.benchmark_group(format!("exact index/{name}"));
        g.throughput(criterion::Throughput::Elements(phrases.len() as u64));
        for (what, segment) in [("", &segment), (", paragraph lists", &listed)] {
            let find = |texts: &[&[char]]| -> usize {
                let found = texts
                    .iter()
                    .map(|p| segment.find(black_box(p)).expect("find"));
                found.map(|hits| hits.len()).sum()
            };
            g.bench_function(format!("find 4-character phrases{what}"), |b| {
                b.iter(|| assert_eq!(find(&phrases), expected))
            });
            g.bench_function(format!("find 2-character words{what}"), |b| {
                b.iter(|| assert_eq!(find(&words), expected_words))
            });
        }
        g.finish();
    }
}

fn index_bench(c: &mut Criterion) {
    let bytes: u64 = texts().iter().map(|(_, t)| t.len() as u64).sum();
    let work = tempfile::tempdir().expect("tempdir");
    let probe = index_corpus(
        &IndexOptions::new(data_dir(), work.path().join("probe")),
        &(),
    )
    .expect("index");
    let paragraphs = probe.paragraphs;
    let mut g = c.benchmark_group("index");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    let mut run = 0;
    g.bench_function("index the sample (full build)", |b| {
        b.iter(|| {
            run += 1;
            let dir = work.path().join(format!("run{run}"));
            let mut opts = IndexOptions::new(data_dir(), &dir);
            opts.heap_bytes = 64 << 20;
            let s = index_corpus(&opts, &()).expect("index");
            assert_eq!(s.paragraphs, paragraphs);
            let _ = std::fs::remove_dir_all(&dir);
        })
    });
    g.finish();
}

fn search_benches(c: &mut Criterion) {
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path().join("index");
    index_corpus(&IndexOptions::new(data_dir(), &dir), &()).expect("index");
    let searcher = Searcher::open(&dir).expect("open");
    let opts = SearchOptions::default();
    let mut g = c.benchmark_group("search");
    for (label, q) in [
        ("phrase", "\"数据安全\""),
        ("phrase, other script", "\"數據安全\""),
        ("phrase, one character", "\"鲸\""),
        ("words", "人工智能 发展"),
    ] {
        let total = searcher.search(q, &opts).expect("search").total;
        assert!(total > 0, "{q} finds nothing in the bench data");
        g.bench_function(label, |b| {
            b.iter(|| assert_eq!(searcher.search(black_box(q), &opts).unwrap().total, total))
        });
    }
    g.finish();

    let text = texts().remove(0).1;
    let paragraph: String = text
        .lines()
        .max_by_key(|l| l.len())
        .unwrap_or_default()
        .to_string();
    let needles = vec![analysis::normalize_exact("数据").as_str().to_string()];
    let spans = highlight::find_highlights(&paragraph, &needles).len();
    let mut g = c.benchmark_group("snippet");
    g.throughput(Throughput::Bytes(paragraph.len() as u64));
    g.bench_function("highlights and snippet of a long paragraph", |b| {
        b.iter(|| {
            let h = highlight::find_highlights(black_box(&paragraph), &needles);
            assert_eq!(h.len(), spans);
            black_box(highlight::snippet(&paragraph, &h, 100));
        })
    });
    g.finish();
}

criterion_group!(benches, analysis_benches, index_bench, search_benches);
criterion_main!(benches);
