//! Searching the sample corpus: both scripts, exact substrings, highlights, sections, lines,
//! exit codes and malformed queries.

use serde_json::Value;

use crate::harness::*;

/// The sample corpus indexed into `dir/name` through the library, with the options `set`
/// changes; the index folder.
fn index_sample_with(
    dir: &std::path::Path,
    name: &str,
    set: impl FnOnce(&mut zhengce::index::IndexOptions),
) -> std::path::PathBuf {
    let index = dir.join(name);
    let mut opts = zhengce::index::IndexOptions::new(sample_corpus(), &index);
    set(&mut opts);
    zhengce::index::index_corpus(&opts, &()).expect("index");
    index
}

fn hits(v: &Value) -> &Vec<Value> {
    v["hits"].as_array().expect("hits")
}

fn paths(v: &Value) -> Vec<String> {
    hits(v)
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect()
}

/// Every highlight of every hit covers text that normalizes to `needle`.
fn assert_highlights_are(v: &Value, needle_variants: &[&str]) {
    for h in hits(v) {
        let text = h["text"].as_str().unwrap();
        let hl = h["highlights"].as_array().unwrap();
        assert!(!hl.is_empty(), "a hit without highlights: {h}");
        for span in hl {
            let (s, e) = (
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            );
            assert!(
                s < e && e <= text.chars().count(),
                "span {s}..{e} out of {text}"
            );
            let got: String = chars(text, s, e)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert!(
                needle_variants.contains(&got.as_str()),
                "highlight {got:?} is none of {needle_variants:?} in {text}"
            );
        }
    }
}

#[test]
fn a_traditional_query_finds_simplified_paragraphs_and_the_reverse() {
    let (code, simp) = search_sample("\"数据安全\"", &["--limit", "100"]);
    assert_eq!(code, 0);
    let (_, trad) = search_sample("\"數據安全\"", &["--limit", "100"]);
    assert_eq!(simp["total"], trad["total"]);
    let p = paths(&simp);
    assert!(p.iter().any(|p| p.starts_with("symposium/")), "{p:?}");
    assert!(p.iter().any(|p| p.starts_with("notices/")), "{p:?}");
    assert_highlights_are(&simp, &["数据安全", "數據安全"]);
}

#[test]
fn substrings_that_cut_across_jieba_words_are_found() {
    // 多边合 is part of 多边合作; 智能产 of 人工智能产业.
    let (code, v) = search_sample("\"多边合\"", &["--limit", "50"]);
    assert_eq!(code, 0);
    let p = paths(&v);
    assert!(p.iter().any(|p| p.starts_with("symposium/")), "{p:?}");
    assert!(p.iter().any(|p| p.starts_with("laws/")), "{p:?}");
    assert_highlights_are(&v, &["多边合", "多邊合"]);
    let (code, v) = search_sample("\"智能产\"", &[]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn one_character_phrases_work() {
    let (code, v) = search_sample("\"鲸\"", &[]);
    assert_eq!(code, 0);
    assert_eq!(paths(&v), vec!["plans/生态环境保护规划.txt"]);
    assert_highlights_are(&v, &["鲸"]);
    // 茶 occurs in one Simplified and one Traditional (Big5) file.
    let (_, v) = search_sample("\"茶\"", &["--limit", "50"]);
    let mut p = paths(&v);
    p.sort();
    p.dedup();
    assert_eq!(
        p,
        vec![
            "notices/小微企业扶持措施问答.txt",
            "plans/營商環境優化方案.txt"
        ]
    );
}

#[test]
fn a_phrase_across_a_hard_line_wrap_is_found() {
    let (code, v) = search_sample("\"監督機制\"", &["--limit", "50"]);
    assert_eq!(code, 0);
    let hit = hits(&v)
        .iter()
        .find(|h| h["path"] == "laws-tw/個人資料保護施行細則.txt")
        .expect("the wrapped preamble is found");
    let lines = &hit["lines"];
    assert!(
        lines[0].as_u64() < lines[1].as_u64(),
        "one paragraph over several lines: {hit}"
    );
    assert_highlights_are(&v, &["監督機制", "监督机制"]);
}

#[test]
fn phrase_highlights_are_one_span_per_occurrence_on_char_boundaries() {
    let (_, v) = search_sample("\"个人信息保护\"", &["--limit", "50"]);
    assert!(v["total"].as_u64().unwrap() >= 3);
    for h in hits(&v) {
        let text = h["text"].as_str().unwrap();
        let norm = zhengce::analysis::normalize_exact(text);
        let expected = norm.find_all("个人信息保护").len();
        assert_eq!(h["highlights"].as_array().unwrap().len(), expected, "{h}");
    }
    assert_highlights_are(&v, &["个人信息保护", "個人信息保護"]);
}

#[test]
fn sections_and_lines_in_search_json_match_inspect() {
    let (_, v) = search_sample("\"三日內以書面通報\"", &[]);
    let hit = &hits(&v)[0];
    let file = sample_corpus().join(hit["path"].as_str().unwrap());
    let r = run(zhengce().args(["inspect", "--json"]).arg(&file));
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let doc = r.json();
    let para = &doc["paragraphs"][hit["paragraph"].as_u64().unwrap() as usize];
    assert_eq!(para["section"], hit["section"]);
    assert_eq!(para["lines"], hit["lines"]);
    assert_eq!(para["text"], hit["text"]);
    assert_eq!(doc["title"], hit["title"]);
    assert!(!hit["section"].as_array().unwrap().is_empty(), "{hit}");
}

#[test]
fn words_are_anded_and_scores_descend() {
    let (code, v) = search_sample("人工智能 发展", &["--limit", "100"]);
    assert_eq!(code, 0);
    for h in hits(&v) {
        let n = zhengce::analysis::normalize_exact(h["text"].as_str().unwrap());
        assert!(
            n.as_str().contains("人工智能") && n.as_str().contains("发展"),
            "{h}"
        );
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
fn or_not_and_field_filters() {
    let (_, a) = search_sample("\"鲸\" OR \"茶\"", &["--limit", "50"]);
    assert_eq!(a["total"].as_u64().unwrap(), 3, "{a}");
    let (_, b) = search_sample("\"茶\" -\"茶饮店\"", &["--limit", "50"]);
    assert!(paths(&b).iter().all(|p| !p.starts_with("notices/")), "{b}");
    let (_, c) = search_sample("path:laws-tw \"人工智慧\"", &["--limit", "50"]);
    assert!(!paths(&c).is_empty());
    assert!(paths(&c).iter().all(|p| p.starts_with("laws-tw/")), "{c}");
    let (_, d) = search_sample("title:营商环境 \"高质量发展\"", &["--limit", "50"]);
    assert!(!paths(&d).is_empty());
    assert!(paths(&d).iter().all(|p| p.contains("營商環境")), "{d}");
    // A section filter keeps exactly the phrase's hits under such a heading (at any depth),
    // in either script.
    let (_, e) = search_sample("section:總則 \"個人資料\"", &["--limit", "1000"]);
    let (_, all) = search_sample("\"個人資料\"", &["--limit", "1000"]);
    let key = |h: &serde_json::Value| (h["path"].to_string(), h["paragraph"].as_u64());
    let mut under: Vec<_> = hits(&all)
        .iter()
        .filter(|h| {
            h["section"].as_array().unwrap().iter().any(|s| {
                let s = s.as_str().unwrap();
                s.contains("總則") || s.contains("总则")
            })
        })
        .map(key)
        .collect();
    let mut filtered: Vec<_> = hits(&e).iter().map(key).collect();
    under.sort();
    filtered.sort();
    assert!(
        !filtered.is_empty() && filtered.len() < hits(&all).len(),
        "{e}"
    );
    assert_eq!(filtered, under);
}

#[test]
fn no_hits_exits_1_and_malformed_queries_exit_2_with_the_position() {
    let (code, v) = search_sample("\"这句话在样本里不存在\"", &[]);
    assert_eq!(code, 1);
    assert_eq!(v["total"], 0);
    for (q, pos) in [("\"人工智能", 0), ("发展 (数据", 3), ("foo:bar", 0)] {
        let idx = sample_index();
        let r = run(zhengce().args(["search", q, "--index"]).arg(&idx.index));
        assert_eq!(r.code(), 2, "{q}: {}", r.stderr());
        assert!(
            r.stderr().contains(&format!("character {pos}")),
            "{q}: {}",
            r.stderr()
        );
        // With --json the error is also an object on stdout, as for a batch line.
        let r = run(zhengce()
            .args(["search", q, "--json", "--index"])
            .arg(&idx.index));
        assert_eq!(r.code(), 2);
        let v = r.json();
        assert_eq!(v["query"], q);
        assert!(
            (v["error"].as_str().unwrap()).contains(&format!("character {pos}")),
            "{v}"
        );
    }
    // So is an index that cannot be opened.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-index");
    let r = run(zhengce()
        .args(["search", "数据", "--json", "--index"])
        .arg(&missing));
    assert_eq!(r.code(), 2);
    let v = r.json();
    assert_eq!(v["query"], "数据");
    assert!(
        v["error"].as_str().unwrap().contains("no index here"),
        "{v}"
    );
}

#[test]
fn batch_answers_each_line_in_order_and_an_error_does_not_stop_the_others() {
    let idx = sample_index();
    let mut child = zhengce()
        .args([
            "search", "--batch", "-", "--json", "--limit", "2", "--index",
        ])
        .arg(&idx.index)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"\"\xe6\x95\xb0\xe6\x8d\xae\xe5\xae\x89\xe5\x85\xa8\"\n\"\xe6\x9c\xaa\n\xff\xfe\n\n \r\n\xe8\x90\xa5\xe5\x95\x86\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_no_panic(&out.stderr);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One answer a line, in order: a malformed query, a line that is not UTF-8 and blank
    // lines are errors for their line, and the lines after them are answered.
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(lines[0]["query"], "\"数据安全\"");
    assert!(lines[0]["total"].as_u64().unwrap() > 0);
    assert!(lines[1]["error"].as_str().unwrap().contains("character 0"));
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("line 3 is not valid UTF-8"));
    assert!(lines[3]["error"].as_str().unwrap().contains("empty query"));
    assert!(lines[4]["error"].as_str().unwrap().contains("empty query"));
    assert_eq!(lines[5]["query"], "营商");
    assert!(lines[5]["hits"].as_array().unwrap().len() <= 2);
    // An empty batch says so and finds nothing.
    let empty = tempdir();
    let file = empty.path().join("none.txt");
    std::fs::write(&file, "").unwrap();
    let r = run(zhengce()
        .args(["search", "--batch"])
        .arg(&file)
        .arg("--index")
        .arg(&idx.index));
    assert_eq!(r.code(), 1);
    assert!(r.stderr().contains("no queries"), "{}", r.stderr());
}

#[test]
fn limit_offset_and_script_conversion() {
    let (_, all) = search_sample("\"数据安全\"", &["--limit", "4"]);
    let (_, page2) = search_sample("\"数据安全\"", &["--limit", "2", "--offset", "2"]);
    assert_eq!(hits(&page2)[0]["rank"], 3);
    assert_eq!(hits(&page2)[0]["text"], hits(&all)[2]["text"]);
    let (_, trad) = search_sample("\"数据安全\"", &["--script", "trad", "--limit", "50"]);
    assert_highlights_are(&trad, &["數據安全"]);
}

#[test]
fn threads_without_batch_is_an_error_not_ignored() {
    let (code, _) = search_sample("数据", &["--threads", "4"]);
    assert_eq!(code, 2);
    let r = run(zhengce()
        .args(["search", "数据", "--threads", "4", "--index"])
        .arg(&sample_index().index));
    assert!(
        r.stderr().contains("--threads applies to --batch"),
        "{}",
        r.stderr()
    );
}

#[test]
fn limits_and_offsets_up_to_u64_max_mean_all_and_nothing() {
    let max = u64::MAX.to_string();
    for q in ["人工智能", "title:人工智能", "人工智能 OR 数据", "\"数据\""] {
        let (_, page) = search_sample(q, &["--limit", "1000"]);
        let total = page["total"].as_u64().expect("total");
        assert!(total > 0, "{q}");
        let (_, all) = search_sample(q, &["--limit", &max]);
        assert_eq!(all["total"], total, "{q}");
        assert_eq!(hits(&all).len() as u64, total, "{q}");
        assert_eq!(hits(&all), hits(&page), "{q}");
        let (_, none) = search_sample(q, &["--limit", &max, "--offset", &max]);
        assert_eq!(none["total"], total, "{q}");
        assert!(hits(&none).is_empty(), "{q}");
    }
}

#[test]
fn human_output_shows_title_section_path_line_and_marks_the_match() {
    let idx = sample_index();
    let r = run(zhengce()
        .args([
            "search",
            "\"三日內以書面通報\"",
            "--color",
            "never",
            "--index",
        ])
        .arg(&idx.index));
    assert_eq!(r.code(), 0);
    let s = r.stdout();
    assert!(s.contains("個人資料保護施行細則 › "), "{s}");
    assert!(s.contains("laws-tw/個人資料保護施行細則.txt:"), "{s}");
    assert!(s.contains("⟦三日內以書面通報⟧"), "{s}");
    let colored = run(zhengce()
        .args([
            "search",
            "\"三日內以書面通報\"",
            "--color",
            "always",
            "--index",
        ])
        .arg(&idx.index));
    assert!(colored.stdout().contains("\x1b[1;31m三日內以書面通報"));
}

#[test]
fn a_stale_fingerprint_is_refused_with_a_request_to_reindex() {
    let dir = tempdir();
    let index = dir.path().join("index");
    copy_tree(&sample_index().index, &index);
    edit_commit_record(&index, |info| {
        info["fingerprint"] = Value::String("0000000000000000".into())
    });
    let r = run(zhengce()
        .args(["search", "\"数据\"", "--index"])
        .arg(&index));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("re-index"), "{}", r.stderr());
}

#[test]
fn search_builds_the_default_index_from_the_default_corpus_when_missing() {
    let dir = tempdir();
    copy_tree(&sample_corpus(), &dir.path().join("corpus"));
    let r = run_in(dir.path(), &["search", "人工智能", "--json"]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    assert!(r.stderr().contains("building"), "{}", r.stderr());
    assert!(r.json()["total"].as_u64().unwrap() > 0);
    assert!(dir.path().join("index/meta.json").is_file());
}

#[test]
fn a_long_batch_answered_on_every_core_keeps_the_input_order() {
    let idx = sample_index();
    let queries: Vec<String> = (0..300)
        .map(|i| match i % 4 {
            0 => format!("\"数据安全\" -\"第{i}条\""),
            1 => "营商环境".to_string(),
            2 => format!("\"未闭合{i}"),
            _ => format!("人工智能 OR \"第{}条\"", i % 9),
        })
        .collect();
    let file = idx.index.parent().unwrap().join("batch-order.txt");
    std::fs::write(&file, queries.join("\n")).unwrap();
    let r = run(zhengce()
        .args(["search", "--batch"])
        .arg(&file)
        .args(["--json", "--limit", "1", "--index"])
        .arg(&idx.index));
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let lines: Vec<Value> = r
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let echoed: Vec<&str> = lines.iter().map(|l| l["query"].as_str().unwrap()).collect();
    assert_eq!(echoed, queries);
    for (line, q) in lines.iter().zip(&queries) {
        assert_eq!(
            line.get("error").is_some(),
            q.starts_with("\"未闭合"),
            "{q}"
        );
    }
}

/// Every paragraph of the sample corpus as (path, ordinal, N(text) without white space).
fn sample_paragraphs() -> Vec<(String, u64, String)> {
    let mut out = Vec::new();
    for event in zhengce::corpus::walk(&sample_corpus()).unwrap() {
        let zhengce::corpus::WalkEvent::File(f) = event else {
            continue;
        };
        let bytes = std::fs::read(&f.path).unwrap();
        let doc = zhengce::corpus::document_from_bytes(&f.rel, &bytes).unwrap();
        for p in doc.paragraphs {
            let norm = zhengce::analysis::normalize_exact(&p.text)
                .as_str()
                .to_string();
            out.push((f.rel.clone(), u64::from(p.paragraph), norm));
        }
    }
    out
}

#[test]
fn boolean_queries_match_what_a_scan_of_the_paragraphs_finds() {
    // Required words narrow each other's look-ups in the exact index; OR, NOT and several
    // required words together must still select exactly the paragraphs a scan selects.
    let paragraphs = sample_paragraphs();
    let has = |t: &str, s: &str| t.contains(zhengce::analysis::normalize_exact(s).as_str());
    type Expect = Box<dyn Fn(&str) -> bool>;
    let cases: Vec<(&str, Expect)> = vec![
        // One phrase alone is ranked straight from the exact index.
        ("\"數據安全\"", Box::new(move |t| has(t, "数据安全"))),
        ("\"的\"", Box::new(move |t| has(t, "的"))),
        (
            "\"数据\" \"安全\"",
            Box::new(move |t| has(t, "数据") && has(t, "安全")),
        ),
        (
            "\"数据\" \"安全\" -\"个人信息\"",
            Box::new(move |t| has(t, "数据") && has(t, "安全") && !has(t, "个人信息")),
        ),
        (
            "\"数据\" (\"安全\" OR \"發展\") \"的\"",
            Box::new(move |t| has(t, "数据") && (has(t, "安全") || has(t, "发展")) && has(t, "的")),
        ),
        (
            "\"规定\" -(\"第一条\" OR \"國務院\") \"法\"",
            Box::new(move |t| {
                has(t, "规定") && !(has(t, "第一条") || has(t, "国务院")) && has(t, "法")
            }),
        ),
        (
            "(\"数据\" \"安全\") OR \"营商环境\"",
            Box::new(move |t| has(t, "数据") && has(t, "安全") || has(t, "营商环境")),
        ),
        (
            "\"个人\" \"信息\" \"保护\" \"处理\"",
            Box::new(move |t| ["个人", "信息", "保护", "处理"].iter().all(|w| has(t, w))),
        ),
    ];
    let idx = sample_index();
    for (q, expect) in cases {
        let mut wanted: Vec<(String, u64)> = paragraphs
            .iter()
            .filter(|(_, _, t)| expect(t))
            .map(|(path, para, _)| (path.clone(), *para))
            .collect();
        let r = run(zhengce()
            .args(["search", q, "--json", "--limit", "100000", "--index"])
            .arg(&idx.index));
        let v = r.json();
        let mut got: Vec<(String, u64)> = hits(&v)
            .iter()
            .map(|h| {
                (
                    h["path"].as_str().unwrap().to_string(),
                    h["paragraph"].as_u64().unwrap(),
                )
            })
            .collect();
        wanted.sort();
        got.sort();
        assert!(!wanted.is_empty(), "{q}: the sample should match");
        assert_eq!(got, wanted, "{q}");
        assert_eq!(v["total"].as_u64().unwrap(), wanted.len() as u64, "{q}");
    }
}

#[test]
fn bare_terms_are_cut_as_jieba_cuts_them_and_phrases_need_no_cutting() {
    let searcher = zhengce::search::Searcher::open(&sample_index().index).unwrap();
    let opts = zhengce::search::SearchOptions::default();
    // Phrases and terms of one or two characters are not cut, in either script.
    for q in ["\"个人信息保护\"", "数据 安全", "數據 安全", "鲸"] {
        let r = searcher.search(q, &opts).unwrap();
        assert!(r.total > 0, "{q}");
        assert!(!searcher.cutter_ready(), "{q} needed the cutter");
    }
    // A longer term is cut into jieba's words, which must all occur: it finds at least the
    // paragraphs that hold it whole, and exactly those that hold each of jieba's words.
    let whole = searcher.search("\"数据安全保护\"", &opts).unwrap().total;
    let cut = searcher.search("数据安全保护", &opts).unwrap().total;
    assert!(searcher.cutter_ready());
    assert!(cut >= whole && cut > 0, "{cut} < {whole}");
    let jieba = zhengce::analysis::load_jieba(&[]).unwrap();
    let words = zhengce::analysis::segment_query(&jieba, "数据安全保护");
    assert!(words.len() > 1, "{words:?}");
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    let each = searcher.search(&quoted.join(" "), &opts).unwrap().total;
    assert_eq!(cut, each, "{words:?}");
}

#[test]
fn a_word_in_the_title_or_an_enclosing_heading_adds_its_bonus() {
    // Files whose matching paragraphs are the same text: only the title of a.md, and the
    // heading 一、安全要求 (with its sub-heading, up to the next heading of its level) in c.md
    // hold the query word.
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
            .args(["search", "安全", "--json", "--index"])
            .arg(&index));
        let v = r.json();
        let score_of = |path: &str, paragraph: u64| {
            hits(&v)
                .iter()
                .find(|h| h["path"] == path && h["paragraph"] == paragraph)
                .unwrap_or_else(|| panic!("no hit {path}#{paragraph}: {v}"))["score"]
                .as_f64()
                .unwrap()
        };
        let base = score_of("b.md", 2);
        let bonus = |path, paragraph| score_of(path, paragraph) - base;
        assert!(
            (bonus("a.md", 2) - 2.0).abs() < 1e-3,
            "title bonus {extra:?}"
        );
        assert!(
            (bonus("c.md", 2) - 1.5).abs() < 1e-3,
            "heading bonus {extra:?}"
        );
        assert!(
            (bonus("c.md", 4) - 1.5).abs() < 1e-3,
            "under a sub-heading {extra:?}"
        );
        assert!(bonus("c.md", 6).abs() < 1e-3, "after the section {extra:?}");
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
    assert_eq!(with_hits, 12);
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
    assert_eq!(with_hits, 11);
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
    assert_eq!(with_hits, 8);
}

#[test]
fn a_dash_alone_is_not_a_query_and_says_how_to_read_stdin() {
    let idx = &sample_index().index;
    let r = run(zhengce().args(["search", "-", "--index"]).arg(idx));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("--batch -"), "{}", r.stderr());
}
