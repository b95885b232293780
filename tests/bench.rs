//! `zhengce bench` on the sample corpus: the report's figures, and bad input refused with
//! the file and line before anything is indexed.

use crate::harness::*;

/// `zhengce bench ARGS` with its temporary index in a folder of its own.
fn bench(tmp: &std::path::Path, args: &[&str]) -> Run {
    run(zhengce().env("TMPDIR", tmp).arg("bench").args(args))
}

/// Fails if a bench run left its temporary folder in `tmp`.
fn assert_no_bench_folder_left(tmp: &std::path::Path) {
    let left: Vec<_> = std::fs::read_dir(tmp)
        .expect("tmp")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("zhengce-bench"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn bench_reports_index_and_query_figures() {
    let tmp = tempdir();
    let corpus = sample_corpus();
    let corpus = corpus.to_str().expect("UTF-8 path");
    let r = bench(
        tmp.path(),
        &[corpus, "--runs", "2", "--sample", "30", "--json"],
    );
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let v = r.json();
    assert!(v["documents"].as_u64() > Some(0), "{v}");
    assert!(v["paragraphs"].as_u64() > v["documents"].as_u64(), "{v}");
    assert!(v["index_bytes"].as_u64() > Some(0), "{v}");
    assert!(v["exact_bytes"].as_u64() < v["index_bytes"].as_u64(), "{v}");
    // 30 sampled phrases, each timed twice; the scan answers each once.
    assert_eq!(v["search"]["queries"], 60, "{v}");
    assert_eq!(v["scan"]["queries"], 30, "{v}");
    assert!(
        v["search"]["p50_us"].as_f64() <= v["search"]["p95_us"].as_f64(),
        "{v}"
    );
    assert!(v["speedup_p50"].as_f64() > Some(0.0), "{v}");
    // The temporary index is gone.
    let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("tmp").collect();
    assert!(left.is_empty(), "{left:?}");

    let table = bench(tmp.path(), &[corpus, "--runs", "1", "--sample", "5"]);
    assert_eq!(table.code(), 0, "{}", table.stderr());
    let out = table.stdout();
    assert!(out.contains("index vs scan"), "{out}");
    assert!(!out.contains(" 0x "), "{out}");
}

#[test]
fn bench_serve_sends_the_mix_and_reports_every_kind_and_the_answers_that_gave_way() {
    let tmp = tempdir();
    let corpus = sample_corpus();
    let corpus = corpus.to_str().expect("UTF-8 path");
    for give_way in ["8", "0"] {
        let r = bench(
            tmp.path(),
            &[
                corpus,
                "--serve",
                "--clients",
                "4",
                "--requests",
                "400",
                "--give-way-after",
                give_way,
                "--json",
            ],
        );
        assert_eq!(r.code(), 0, "{}", r.stderr());
        let v = r.json();
        assert_eq!(
            (v["requests"].as_u64(), v["errors"].as_u64()),
            (Some(400), Some(0)),
            "{v}"
        );
        let kinds = v["kinds"].as_array().expect("kinds");
        let sent: u64 = kinds.iter().filter_map(|k| k["requests"].as_u64()).sum();
        assert_eq!(sent, 400, "{v}");
        assert!(
            kinds.iter().all(|k| k["requests"].as_u64() > Some(0)),
            "{v}"
        );
        assert!(v["p50_ms"].as_f64() <= v["p99_ms"].as_f64(), "{v}");
        // Counted in any case; with 0, nothing gives way.
        let demoted = v["demoted_answers"].as_u64().expect("demoted_answers");
        if give_way == "0" {
            assert_eq!(demoted, 0, "{v}");
        }
    }
    assert_no_bench_folder_left(tmp.path());
}

#[test]
fn bad_query_files_name_the_file_and_line_before_indexing() {
    let tmp = tempdir();
    let queries = tmp.path().join("q.txt");
    let missing = tmp.path().join("no-such-corpus");
    let missing = missing.to_str().expect("UTF-8 path");
    let q = queries.to_str().expect("UTF-8 path");
    // The corpus does not exist: an error about the queries proves they were read first.
    for (content, expect) in [
        (
            "\"数据\"\n(x\n".as_bytes(),
            "q.txt: line 2: query error at character 0",
        ),
        (
            &b"\"\xe6\x95\xb0\xe6\x8d\xae\"\n\xff\xfe\n"[..],
            "q.txt: line 2: not UTF-8",
        ),
        (&b"\n  \n"[..], "q.txt: no queries in the file"),
    ] {
        std::fs::write(&queries, content).expect("write");
        let r = bench(tmp.path(), &[missing, "--queries", q]);
        assert_eq!(r.code(), 2, "{expect}: {}", r.stderr());
        assert!(r.stderr().contains(expect), "{expect}: {}", r.stderr());
    }
    let r = bench(tmp.path(), &[missing, "--queries", "no-such-file.txt"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("no-such-file.txt"), "{}", r.stderr());
    // A position counts from the start of the line as written.
    std::fs::write(&queries, "  (x\r\n").expect("write");
    let r = bench(tmp.path(), &[missing, "--queries", q]);
    assert!(
        r.stderr()
            .contains("q.txt: line 1: query error at character 2"),
        "{}",
        r.stderr()
    );
    // Whatever fails, no temporary index is left behind.
    assert_no_bench_folder_left(tmp.path());
}

#[test]
fn nonsense_counts_and_empty_corpora_are_refused() {
    let tmp = tempdir();
    let corpus = sample_corpus();
    let corpus = corpus.to_str().expect("UTF-8 path");
    for (flag, value) in [("--runs", "0"), ("--sample", "0")] {
        let r = bench(tmp.path(), &[corpus, flag, value]);
        assert_eq!(r.code(), 2, "{flag}");
        assert!(r.stderr().contains(flag), "{}", r.stderr());
    }
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    std::fs::write(empty.join("notes.pdf"), b"%PDF").expect("write");
    let r = bench(tmp.path(), &[empty.to_str().expect("UTF-8 path")]);
    assert_eq!(r.code(), 2, "{}", r.stdout());
    assert!(
        r.stderr().contains("no .txt or .md file could be indexed"),
        "{}",
        r.stderr()
    );
    // A corpus that cannot be read fails after the temporary folder is made: it is removed.
    let r = bench(tmp.path(), &["no-such-corpus"]);
    assert_eq!(r.code(), 2);
    assert_no_bench_folder_left(tmp.path());
}
