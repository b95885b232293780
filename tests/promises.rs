//! The promises on users' own files: every line a user sees is searchable (header fields
//! included), no query exhausts the machine, no index is replaced by accident (see
//! `incremental.rs`), a file with several names is one document, and exit codes and JSON
//! errors scripts can trust.

use std::path::Path;

use crate::harness::*;

/// Writes `files` (relative path, text) into a new corpus folder and indexes it.
fn corpus_of(files: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    for (rel, text) in files {
        let path = corpus.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let index = dir.path().join("index");
    index_json(&corpus, &index, &[]);
    (dir, index)
}

fn search(index: &Path, q: &str) -> (i32, serde_json::Value) {
    let r = run(zhengce()
        .args(["search", q, "--json", "--index"])
        .arg(index));
    assert!(r.code() < 2, "{q}: {}", r.stderr());
    (r.code(), r.json())
}

#[test]
fn lines_after_a_title_that_look_like_fields_are_found() {
    let plan = "数字政府建设方案\n\
                目标：到2025年，基本建成数字政府，实现政务服务“一网通办”。\n\
                原则：统筹规划，分步实施。\n\
                内容：为了规范管理，明确职责，制定本方案。\n";
    let rules =
        "某局管理办法\n第一条：为了规范管理，制定本办法。\n第二条：本办法自发布之日起施行。\n";
    let law = "某某條例\n修正日期：民國 98 年 06 月 10 日\n法規類別：行政＞某部\n第 1 條\n本條例依法制定之。\n";
    let (_dir, index) = corpus_of(&[("plan.txt", plan), ("rules.txt", rules), ("law.txt", law)]);
    for (q, path, line) in [
        ("\"一网通办\"", "plan.txt", 2),
        ("\"分步实施\"", "plan.txt", 3),
        ("\"明确职责\"", "plan.txt", 4),
        ("\"为了规范管理，制定本办法\"", "rules.txt", 2),
        ("\"民國 98 年\"", "law.txt", 2),
        ("\"行政＞某部\"", "law.txt", 3),
    ] {
        let (code, v) = search(&index, q);
        assert_eq!(code, 0, "{q}: {v}");
        let hits = v["hits"].as_array().unwrap();
        assert!(
            hits.iter().any(|h| h["path"] == path
                && h["lines"][0] == line
                && h["highlights"][0].is_array()),
            "{q}: {v}"
        );
    }
    // The header fields are still the document's metadata, and shown as such.
    let r = run(zhengce()
        .args(["inspect", "--json"])
        .arg(_dir.path().join("corpus/law.txt")));
    let doc = r.json();
    assert_eq!(doc["metadata"][0][0], "修正日期");
    assert_eq!(doc["paragraphs"][1]["kind"], "metadata");
    let r = run(zhengce()
        .args(["inspect", "--json"])
        .arg(_dir.path().join("corpus/plan.txt")));
    assert_eq!(r.json()["metadata"], serde_json::json!([]));
}

#[test]
fn a_query_too_long_or_with_too_many_terms_fails_alone_and_the_batch_goes_on() {
    let idx = &sample_index().index;
    let dir = tempdir();
    let batch = dir.path().join("batch.txt");
    let long = "数据".repeat(100_000 / 6);
    let spaced = vec!["数据"; 300_000 / 7].join(" ");
    let many: String = (0..101).map(|i| format!("词{i} ")).collect();
    let repeated = vec!["数据"; 3_000].join(" ");
    std::fs::write(
        &batch,
        format!("{long}\n数据\n{spaced}\n{many}\n{repeated}\n"),
    )
    .unwrap();
    let r = run(zhengce()
        .args(["search", "--json", "--threads", "1", "--batch"])
        .arg(&batch)
        .arg("--index")
        .arg(idx));
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let lines = r.json_lines();
    assert_eq!(lines.len(), 5);
    let error = |i: usize| lines[i]["error"].as_str().unwrap_or_default().to_string();
    assert!(error(0).contains("character 10000"), "{}", error(0));
    assert!(error(0).contains("limit"), "{}", error(0));
    assert!(lines[1]["total"].as_u64().unwrap() > 0);
    assert!(error(2).contains("limit"), "{}", error(2));
    assert!(error(3).contains("distinct"), "{}", error(3));
    // Repeats merge: 3,000 times 数据 is the query 数据.
    assert_eq!(lines[4]["total"], lines[1]["total"]);
}

#[cfg(unix)]
#[test]
fn a_file_reached_through_links_is_one_document() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("docs")).unwrap();
    std::fs::write(
        corpus.join("docs/通知.txt"),
        "某通知\n独一无二的句子在这里。\n",
    )
    .unwrap();
    symlink(corpus.join("docs/通知.txt"), corpus.join("a-link.txt")).unwrap();
    std::fs::hard_link(
        corpus.join("docs/通知.txt"),
        corpus.join("docs/週報副本.txt"),
    )
    .unwrap();
    let index = dir.path().join("index");
    let s = index_json(&corpus, &index, &[]);
    assert_eq!(s["added"], 1, "{s}");
    assert_eq!(
        s["skipped"]["another name of a file already indexed (link)"], 2,
        "{s}"
    );
    let (_, v) = search(&index, "\"独一无二\"");
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["hits"][0]["path"], "docs/通知.txt");
    // The human summary says so too.
    let r = run(zhengce()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(&index));
    assert!(
        r.stdout()
            .contains("another name of a file already indexed (link): 2"),
        "{}",
        r.stdout()
    );
}

#[test]
fn every_json_command_prints_its_error_as_json_on_stdout() {
    let dir = tempdir();
    // inspect: a missing file.
    let r = run(zhengce().args(["inspect", "--json", "no/such/file.txt"]));
    assert_eq!(r.code(), 2);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("no/such/file.txt"));
    // index: a locked index.
    let idx = dir.path().join("index");
    std::fs::create_dir_all(&idx).unwrap();
    let lock = std::fs::File::create(idx.join("zhengce.lock")).unwrap();
    lock.lock().unwrap();
    let r = run(zhengce()
        .arg("index")
        .arg(sample_corpus())
        .arg("--index")
        .arg(&idx)
        .arg("--json"));
    assert_eq!(r.code(), 2);
    let err = r.json()["error"].as_str().unwrap().to_string();
    assert!(err.contains("is locked"), "{err}");
    assert!(r.stderr().contains("is locked"), "{}", r.stderr());
    drop(lock);
    // bench: a corpus that is not there.
    let r = run(zhengce().args(["bench", "no/such/corpus", "--json"]));
    assert_eq!(r.code(), 2);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("no/such/corpus"));
    // search: a missing index.
    let r = run(zhengce()
        .args(["search", "数据", "--json", "--index"])
        .arg(dir.path().join("none")));
    assert_eq!(r.code(), 2);
    assert_eq!(r.json()["query"], "数据");
}
