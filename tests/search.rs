//! Searching the sample corpus: both scripts, exact substrings, highlights, sections, lines,
//! exit codes and malformed queries.

use serde_json::Value;

use crate::harness::*;

/// The sample corpus indexed into `dir/name` through the library, with the options `set`
/// changes; the index folder.
pub fn index_sample_with(
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

pub fn hits(v: &Value) -> &Vec<Value> {
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
fn search_builds_again_the_default_index_another_version_built_from_the_default_corpus() {
    let dir = tempdir();
    copy_tree(&sample_corpus(), &dir.path().join("corpus"));
    assert_eq!(run_in(dir.path(), &["search", "人工智能"]).code(), 0);
    let index = dir.path().join("index");
    edit_commit_record(&index, |info| info["format"] = Value::from(1));
    let r = run_in(dir.path(), &["search", "人工智能", "--json"]);
    assert_eq!(r.code(), 0, "{}", r.stderr());
    assert!(r.stderr().contains("another version"), "{}", r.stderr());
    assert!(r.json()["total"].as_u64().unwrap() > 0);
    // Built from another folder: the user's to rebuild, with a clear error.
    edit_commit_record(&index, |info| {
        info["format"] = Value::from(1);
        info["corpus_root"] = Value::String("/elsewhere/corpus".into());
    });
    let r = run_in(dir.path(), &["search", "人工智能"]);
    assert_eq!(r.code(), 2, "{}", r.stderr());
    assert!(r.stderr().contains("re-index"), "{}", r.stderr());
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
    // A longer term is cut into jieba's words, which must all occur in the paragraph or its
    // context: it finds at least the paragraphs that hold it whole, and of those that hold
    // each of jieba's words in their text, exactly the paragraphs that hold them.
    let all = zhengce::search::SearchOptions {
        limit: 10_000,
        fold_copies: false,
        ..opts
    };
    let whole = searcher.search("\"数据安全保护\"", &all).unwrap().total;
    let cut = searcher.search("数据安全保护", &all).unwrap();
    assert!(searcher.cutter_ready());
    assert!(
        cut.total >= whole && cut.total > 0,
        "{} < {whole}",
        cut.total
    );
    let jieba = zhengce::analysis::load_jieba(&[]).unwrap();
    let words = zhengce::analysis::segment_query(&jieba, "数据安全保护");
    assert!(words.len() > 1, "{words:?}");
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    let each = searcher.search(&quoted.join(" "), &all).unwrap();
    let key = |h: &zhengce::search::Hit| (h.path.clone(), h.paragraph);
    let mut in_text: Vec<_> = (cut.hits.iter())
        .filter(|h| {
            h.found
                .iter()
                .all(|f| f.found_in.iter().any(|w| w == "text"))
        })
        .map(key)
        .collect();
    let mut each: Vec<_> = each.hits.iter().map(key).collect();
    in_text.sort();
    each.sort();
    assert_eq!(in_text, each, "{words:?}");
    assert!(
        cut.total > each.len(),
        "the words are also found in titles and headings"
    );
}

#[test]
fn a_dash_alone_is_not_a_query_and_says_how_to_read_stdin() {
    let idx = &sample_index().index;
    let r = run(zhengce().args(["search", "-", "--index"]).arg(idx));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("--batch -"), "{}", r.stderr());
}
