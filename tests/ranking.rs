//! Ranking: scores descend, words standing together and words in titles and headings score
//! more, and no answer depends on how the work was split (segments, threads, paragraph
//! lists, the order files were added).

use crate::harness::*;
use crate::search::{hits, index_sample_with};

#[test]
fn words_are_anded_and_scores_descend() {
    let (code, v) = search_sample("人工智能 发展", &["--limit", "100"]);
    assert_eq!(code, 0);
    // Each word is found in the paragraph's text, one of its headings or its title.
    for h in hits(&v) {
        let n = zhengce::analysis::normalize_exact(h["text"].as_str().unwrap());
        let found = h["found"].as_array().unwrap();
        assert_eq!(found.len(), 2, "{h}");
        for (word, f) in ["人工智能", "发展"].iter().zip(found) {
            assert_eq!(f["term"], *word, "{h}");
            let in_text = f["in"].as_array().unwrap().contains(&"text".into());
            // As typed, or as one of its other forms (人工智慧 for 人工智能), named in `as`.
            let forms = f["as"].as_array().into_iter().flatten();
            let mut forms = std::iter::once(*word).chain(forms.map(|a| a.as_str().unwrap()));
            assert_eq!(forms.any(|w| n.as_str().contains(w)), in_text, "{h}");
        }
    }
    let scores: Vec<f64> = hits(&v)
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn words_standing_together_outrank_the_same_words_apart() {
    // Two paragraphs of one length with both words, once together and once apart, and a
    // term jieba cuts (人工智能发展) with its words together in one and apart in the other.
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("a.txt"),
        "题一\n各地推动人工智能发展取得成效。\n",
    )
    .unwrap();
    std::fs::write(corpus.join("b.txt"), "题二\n人工智能在各地推动经济发展。\n").unwrap();
    let index = dir.path().join("index");
    index_json(&corpus, &index, &[]);
    for q in ["人工智能 发展", "人工智能发展"] {
        let r = run(zhengce()
            .args(["search", q, "--json", "--index"])
            .arg(&index));
        let v = r.json();
        let got: Vec<(&str, f64)> = hits(&v)
            .iter()
            .map(|h| (h["path"].as_str().unwrap(), h["score"].as_f64().unwrap()))
            .collect();
        assert_eq!(got.len(), 2, "{q}: {v}");
        assert_eq!(got[0].0, "a.txt", "{q}: {v}");
        assert!(got[0].1 > got[1].1, "{q}: {got:?}");
    }
}

#[test]
fn a_word_in_the_title_or_an_enclosing_heading_counts_beside_the_text() {
    // Files whose matching paragraphs are the same text: only the title of a.md, and the
    // heading 一、安全要求 (with its sub-heading, up to the next heading of its level) in c.md
    // hold the query word besides it.
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let body = "加强数据安全工作。";
    for (name, title, rest) in [
        ("a.md", "数据安全办法", "一、总体要求\n\n{body}"),
        ("b.md", "其他事项", "一、总体要求\n\n{body}"),
        (
            "c.md",
            "其他事项二",
            "一、安全要求\n\n{body}\n\n（一）分项\n\n{body}\n\n二、其他\n\n{body}",
        ),
    ] {
        let text = format!(
            "---\ntitle: {title}\n---\n\n{}\n",
            rest.replace("{body}", body)
        );
        std::fs::write(corpus.join(name), text).unwrap();
    }
    // The front-matter line `title: …` is paragraph 0 of each file (a metadata paragraph).
    // One exact segment, and many small ones.
    for extra in [&[][..], &["--test-split", "40"][..]] {
        let index = dir.path().join(format!("index{}", extra.len()));
        index_json(&corpus, &index, extra);
        let r = run(zhengce()
            .args(["search", "安全", "--all-copies", "--json", "--index"])
            .arg(&index));
        let v = r.json();
        let hit = |path: &str, paragraph: u64| {
            hits(&v)
                .iter()
                .find(|h| h["path"] == path && h["paragraph"] == paragraph)
                .unwrap_or_else(|| panic!("no hit {path}#{paragraph}: {v}"))
                .clone()
        };
        let score = |path, paragraph| hit(path, paragraph)["score"].as_f64().unwrap();
        let found_in = |path, paragraph| hit(path, paragraph)["found"][0]["in"].clone();
        assert_eq!(found_in("a.md", 2), serde_json::json!(["text", "title"]));
        assert_eq!(found_in("c.md", 2), serde_json::json!(["text", "heading"]));
        assert_eq!(found_in("c.md", 4), serde_json::json!(["text", "heading"]));
        assert_eq!(found_in("c.md", 6), serde_json::json!(["text"]));
        assert_eq!(found_in("b.md", 2), serde_json::json!(["text"]));
        // The title counts more than a heading, a heading more than nothing; the heading
        // counts under its sub-heading, not after its section.
        assert!(score("a.md", 2) > score("c.md", 2), "{extra:?}: {v}");
        assert!(score("c.md", 2) > score("b.md", 2), "{extra:?}: {v}");
        assert_eq!(score("c.md", 4), score("c.md", 2), "{extra:?}");
        assert_eq!(score("c.md", 6), score("b.md", 2), "{extra:?}");
        // A paragraph that holds the word only in its context is a hit, below those that
        // hold it in their text.
        assert_eq!(found_in("c.md", 3), serde_json::json!(["heading"]));
        assert!(score("c.md", 3) < score("b.md", 2), "{extra:?}: {v}");
    }
}

/// Look-ups split over two threads (half the exact segments each) give the same answers,
/// scores included, as on one thread.
/// Queries over the look-up paths: words (rarest first, within others), phrases in both
/// scripts, an OR with a negation, a title filter, a negated phrase.
const LOOK_UP_QUERIES: [&str; 9] = [
    "安全 管理",
    "\"人民政府\"",
    "\"規定\"",
    "数据 保护",
    "信息 安全 管理",
    "数据 OR 安全 -个人",
    "title:条例 安全",
    "环境 保护 -\"生态环境\"",
    "国务院 规定",
];

#[test]
fn paragraph_lists_change_no_answer() {
    // The same corpus indexed without paragraph lists and with one for every bigram: every
    // look-up path (a listed text first, within others, within a set whose bounds are not
    // read yet, phrases driven by a listed bigram) must give the same hits and scores.
    use zhengce::search::{SearchOptions, Searcher};
    let dir = tempdir();
    let open = |name: &str, lists_from: u32| {
        let index = index_sample_with(dir.path(), name, |opts| {
            (opts.threads, opts.segment_chars, opts.lists_from) = (1, 1500, lists_from);
        });
        Searcher::open(&index).expect("open")
    };
    let (mut plain, mut listed) = (open("plain", u32::MAX), open("listed", 1));
    let search = SearchOptions {
        limit: 1000,
        ..SearchOptions::default()
    };
    let mut with_hits = 0;
    let more = ["个人信息 处理", "\"个人信息保护\"", "条", "数据 安全"];
    for q in LOOK_UP_QUERIES.into_iter().chain(more) {
        for parallel in [u64::MAX, 0] {
            plain.set_parallel_from(parallel);
            listed.set_parallel_from(parallel);
            let (a, b) = (
                plain.search(q, &search).expect("search"),
                listed.search(q, &search).expect("search"),
            );
            assert_eq!((a.total, &a.hits), (b.total, &b.hits), "{q}");
            with_hits += usize::from(a.total > 0 && parallel == 0);
        }
    }
    assert_eq!(with_hits, 13);
}

#[test]
fn scores_do_not_depend_on_how_the_text_is_split_into_segments() {
    // How a run splits the text into exact segments depends on its threads; the document
    // frequency a limited look-up scores with must not (it did, through the rarest bigram
    // of each segment summed), or two builds of the same files rank near-ties differently.
    use zhengce::search::{SearchOptions, Searcher};
    let dir = tempdir();
    let open = |name: &str, segment_chars: usize| {
        let index = index_sample_with(dir.path(), name, |opts| {
            (opts.threads, opts.segment_chars) = (1, segment_chars);
        });
        Searcher::open(&index).expect("open")
    };
    let (whole, split) = (open("whole", 0), open("split", 700));
    assert!(split.exact_index().segment_count() > 5 * whole.exact_index().segment_count());
    let search = SearchOptions {
        limit: 1000,
        ..SearchOptions::default()
    };
    // The hits as a multiset of (score, file, paragraph), scores to the bit: ties may come
    // in another order.
    let scored = |s: &Searcher, q: &str| {
        let r = s.search(q, &search).expect("search");
        let mut hits: Vec<(u32, String, u32)> = (r.hits.iter())
            .map(|h| (h.score.to_bits(), h.path.clone(), h.paragraph))
            .collect();
        hits.sort();
        (r.total, hits)
    };
    let more = ["个人信息 处理", "数据安全 管理", "数据 安全 管理"];
    let mut with_hits = 0;
    for q in LOOK_UP_QUERIES.into_iter().chain(more) {
        let whole = scored(&whole, q);
        assert_eq!(whole, scored(&split, q), "{q}");
        with_hits += usize::from(whole.0 > 0);
    }
    assert_eq!(with_hits, 12);
}

#[test]
fn builds_that_share_the_work_differently_give_the_same_answers_in_the_same_order() {
    // One build on one thread with the exact index in one segment; another on two threads
    // with it in many (files are numbered and placed differently).
    // Every answer must be the same, ties included: they go to the lower file and paragraph
    // number, not to the lower address.
    use zhengce::search::{SearchOptions, Searcher};
    let dir = tempdir();
    let open = |name: &str, threads: usize, segment_chars: usize| {
        let index = index_sample_with(dir.path(), name, |opts| {
            (opts.threads, opts.segment_chars) = (threads, segment_chars);
        });
        Searcher::open(&index).expect("open")
    };
    let (one, other) = (open("one", 1, 0), open("other", 2, 700));
    let queries = [
        "条",
        "\"数据\"",
        "数据",
        "安全 OR 发展",
        "title:条例 安全",
        "-数据 安全",
        "数据 安全",
        "个人 信息",
        "条 规定",
        "第 条",
        "保护 条",
    ];
    let mut ties = 0;
    for q in LOOK_UP_QUERIES.into_iter().chain(queries) {
        for (offset, limit) in [(0, 10), (3, 4), (0, 1000)] {
            let search = SearchOptions {
                offset,
                limit,
                ..SearchOptions::default()
            };
            let (a, b) = (
                one.search(q, &search).expect("search"),
                other.search(q, &search).expect("search"),
            );
            let key = |r: &zhengce::search::SearchResult| -> Vec<(String, u32, u32)> {
                (r.hits.iter())
                    .map(|h| (h.path.clone(), h.paragraph, h.score.to_bits()))
                    .collect()
            };
            assert_eq!((a.total, key(&a)), (b.total, key(&b)), "{q} from {offset}");
            ties += a
                .hits
                .windows(2)
                .filter(|w| w[0].score == w[1].score)
                .count();
        }
    }
    assert!(ties > 10, "the queries must have ties to order: {ties}");
}

#[test]
fn two_thread_look_ups_answer_as_one_thread() {
    use zhengce::search::{SearchOptions, Searcher};
    let dir = tempdir();
    // Many small exact segments.
    let index = index_sample_with(dir.path(), "index", |opts| opts.segment_chars = 1500);
    let mut one = Searcher::open(&index).expect("open");
    one.set_parallel_from(u64::MAX);
    let mut two = Searcher::open(&index).expect("open");
    two.set_parallel_from(0);
    assert!(two.exact_index().segment_count() > 4);
    let search = SearchOptions {
        limit: 50,
        ..SearchOptions::default()
    };
    let mut with_hits = 0;
    for q in LOOK_UP_QUERIES {
        let (a, b) = (
            one.search(q, &search).unwrap(),
            two.search(q, &search).unwrap(),
        );
        assert_eq!((a.total, &a.hits), (b.total, &b.hits), "{q}");
        with_hits += usize::from(a.total > 0);
    }
    assert_eq!(with_hits, 9);
}
