//! Faults: the writer lock, processes killed mid-run, bad input files, hostile queries and
//! damaged indexes. Each gives a clear message and loses nothing already committed.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::harness::*;

/// An indexing run of `corpus` into `idx` on one thread that pauses `pause_ms` after each
/// file (so a test can act while it runs), started with its output piped.
fn slow_index(corpus: &Path, idx: &Path, pause_ms: u64, extra: &[&str]) -> std::process::Child {
    zhengce()
        .arg("index")
        .arg(corpus)
        .arg("--index")
        .arg(idx)
        .args(["--test-pause-ms", &pause_ms.to_string(), "--threads", "1"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_second_writer_fails_at_once_naming_the_pid_of_the_first() {
    let dir = tempdir();
    let idx = dir.path().join("index");
    let mut first = zhengce()
        .arg("index")
        .arg(sample_corpus())
        .arg("--index")
        .arg(&idx)
        .args(["--test-pause-ms", "400"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first run holds the lock (its pid is written into the lock file).
    let lock = idx.join("zhengce.lock");
    for _ in 0..200 {
        if std::fs::read_to_string(&lock).is_ok_and(|s| s.trim() == first.id().to_string()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = run(zhengce()
        .arg("index")
        .arg(sample_corpus())
        .arg("--index")
        .arg(&idx));
    assert_eq!(second.code(), 2);
    let msg = second.stderr();
    assert!(
        msg.contains(&format!(
            "is locked by another zhengce index (pid {})",
            first.id()
        )),
        "{msg}"
    );
    // Searches run while the first writes: they see the last commit (none yet here).
    first.kill().unwrap();
    first.wait().unwrap();
    // The killed holder's lock does not block the next run.
    let s = index_json(&sample_corpus(), &idx, &[]);
    assert_eq!(s["added"], 12);
}

#[test]
fn kill_9_at_any_moment_leaves_the_last_commit_and_the_next_run_completes_it() {
    let (dir, corpus, idx) = indexed_sample_copy();
    let before = total(&idx, "\"数据安全\"");
    // New content that a killed run may or may not have committed.
    for i in 0..12 {
        std::fs::write(
            corpus.join(format!("reports/附件{i}.txt")),
            format!("附件{i}\n一、数据安全\n附件{i}要求落实数据安全责任。\n"),
        )
        .unwrap();
    }
    for (round, delay_ms) in [20u64, 150, 400, 900].into_iter().enumerate() {
        let mut child = slow_index(&corpus, &idx, 60, &[]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The index opens and answers from the last commit, whole.
        let t = total(&idx, "\"数据安全\"");
        assert!(
            t == before || t == before + 24,
            "round {round}: {t} (before {before})"
        );
        // Edit again so the next round has work to do.
        std::fs::write(
            corpus.join(format!("reports/附件{round}.txt")),
            format!(
                "附件{round}\n一、数据安全\n附件{round}要求落实数据安全责任，第{round}次修改。\n"
            ),
        )
        .unwrap();
    }
    index_json(&corpus, &idx, &[]);
    let full = dir.path().join("full");
    index_json(&corpus, &full, &[]);
    for q in ["\"数据安全\"", "\"附件\"", "\"第\"", "\"修改\""] {
        assert_eq!(
            total(&idx, q),
            total(&full, q),
            "{q}: no duplicate and no missing paragraph"
        );
    }
}

#[test]
fn bad_files_are_reported_with_path_and_reason_and_the_rest_is_indexed() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    copy_tree(&sample_corpus(), &corpus);
    std::fs::write(
        corpus.join("binary.txt"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00garbage\x00\x00",
    )
    .unwrap();
    std::fs::write(
        corpus.join("undecodable.txt"),
        [0xff, 0xfe, 0xfd, 0x81, 0x30, 0xff, 0xc0, 0x00, 0x41],
    )
    .unwrap();
    std::fs::write(corpus.join("empty.txt"), b"").unwrap();
    std::fs::write(corpus.join("image.png"), b"\x89PNG").unwrap();
    let long: String = "长".repeat(3_500_000) + "尾巴";
    std::fs::write(corpus.join("long-line.txt"), long).unwrap();
    std::fs::create_dir_all(corpus.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", corpus.join("loop/up")).unwrap();
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"bad-\xff-name.txt");
        std::fs::write(corpus.join(name), "内容\n").unwrap();
    }
    let r = run(zhengce()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg("--json"));
    // Committed, but some files failed: exit 3, for scripts.
    assert_eq!(r.code(), 3, "{}", r.stderr());
    let s = r.json();
    let failed = s["failed"].as_array().unwrap();
    let reason = |name: &str| {
        failed
            .iter()
            .find(|f| f["path"].as_str().unwrap().contains(name))
            .map(|f| f["reason"].as_str().unwrap().to_string())
    };
    assert!(reason("binary.txt").is_some(), "{s}");
    assert!(reason("undecodable.txt").is_some(), "{s}");
    // A name that is not UTF-8 is named (as best it can be) with the reason.
    assert!(
        reason("bad-").is_some_and(|r| r.contains("not valid UTF-8")),
        "{s}"
    );
    assert!(
        s["added"].as_u64().unwrap() >= 8 + 2,
        "the sample, the empty file and the long line: {s}"
    );
    assert!(s["skipped"].to_string().contains(".png"), "{s}");
    let idx = dir.path().join("index");
    assert_eq!(total(&idx, "\"长尾巴\""), 1);
    assert!(total(&idx, "\"数据安全\"") > 0);
}

#[test]
fn hostile_queries_answer_or_fail_cleanly_never_panic() {
    let idx = &sample_index().index;
    let long = "数".repeat(10_000);
    let cases: Vec<String> = vec![
        "\"未闭合".into(),
        "(数据".into(),
        "数据)".into(),
        "-".into(),
        "OR OR".into(),
        "foo:bar".into(),
        "".into(),
        "   ".into(),
        long.clone(),
        format!("\"{long}\""),
        "\u{1}\u{7}数据\u{1b}".into(),
        "😀 \"😀\"".into(),
        "\"𠀀𪚥\"".into(),
        "-数据".into(),
        "NOT".into(),
        "\"\"".into(),
    ];
    for q in &cases {
        let r = run(zhengce().args(["search", q, "--json", "--index"]).arg(idx));
        assert!(matches!(r.code(), 0..=2), "{q:?}: exit {}", r.code());
        if r.code() == 2 {
            assert!(r.stderr().starts_with("zhengce: "), "{q:?}: {}", r.stderr());
        } else {
            r.json();
        }
    }
}

#[test]
fn a_damaged_or_foreign_index_is_a_clear_error_not_empty_results() {
    let dir = tempdir();
    let idx = dir.path().join("index");
    copy_tree(&sample_index().index, &idx);
    // Truncate every segment file.
    for e in std::fs::read_dir(&idx).unwrap() {
        let p = e.unwrap().path();
        if p.extension()
            .is_some_and(|x| x == "idx" || x == "pos" || x == "term")
        {
            std::fs::write(&p, b"broken").unwrap();
        }
    }
    let r = run(zhengce()
        .args(["search", "\"数据安全\"", "--index"])
        .arg(&idx));
    assert_eq!(r.code(), 2, "{}", r.stdout());
    // Damaged segments of the exact index: every truncation of one is an error naming it.
    let exact = dir.path().join("exact-damaged");
    copy_tree(&sample_index().index, &exact);
    let segment = std::fs::read_dir(exact.join("exact"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "zbg"))
        .expect("an exact segment");
    let whole = std::fs::read(&segment).unwrap();
    for cut in [0, 3, 16, whole.len() / 2, whole.len() - 1] {
        std::fs::write(&segment, &whole[..cut]).unwrap();
        let r = run(zhengce()
            .args(["search", "\"数据安全\"", "--index"])
            .arg(&exact));
        assert_eq!(r.code(), 2, "cut at {cut}: {}", r.stdout());
        let name = segment.file_name().unwrap().to_string_lossy().into_owned();
        assert!(r.stderr().contains(&name), "cut at {cut}: {}", r.stderr());
        // Updating it is refused too, rather than reported as done.
        let r = run(zhengce()
            .arg("index")
            .arg(sample_corpus())
            .arg("--index")
            .arg(&exact));
        assert_eq!(r.code(), 2, "cut at {cut}: {}", r.stdout());
        assert!(r.stderr().contains(&name), "cut at {cut}: {}", r.stderr());
    }
    /// New bytes for a file, or `None` to delete it.
    type Damage<'a> = dyn Fn(&[u8]) -> Option<Vec<u8>> + 'a;
    // Damaged text stores: missing, truncated, or with every compressed block damaged (so
    // that whichever paragraph a hit shows, it is read from a damaged block), a search with
    // hits is an error naming the store.
    let texts = dir.path().join("texts-damaged");
    copy_tree(&sample_index().index, &texts);
    let stores: Vec<_> = std::fs::read_dir(texts.join("exact"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ztx"))
        .collect();
    assert!(!stores.is_empty());
    let originals: Vec<Vec<u8>> = stores.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let damages: [&Damage; 3] = [&|_| None, &|b| Some(b[..b.len() / 2].to_vec()), &|b| {
        let (blocks, dict) = (u32_at(b, 12) as usize, u32_at(b, 16) as usize);
        let table = b.len() - 12 * (blocks + 1);
        let mut d = b.to_vec();
        d[32 + dict..table].iter_mut().for_each(|x| *x ^= 0x55);
        Some(d)
    }];
    for (n, damage) in damages.iter().enumerate() {
        for (path, original) in stores.iter().zip(&originals) {
            match damage(original) {
                None => std::fs::remove_file(path).unwrap(),
                Some(bytes) => std::fs::write(path, bytes).unwrap(),
            }
        }
        let r = run(zhengce()
            .args(["search", "\"数据安全\"", "--index"])
            .arg(&texts));
        assert_eq!(r.code(), 2, "damage {n}: {}", r.stdout());
        assert!(r.stderr().contains(".ztx"), "damage {n}: {}", r.stderr());
    }
    // An index from another format version.
    let other = dir.path().join("other");
    copy_tree(&sample_index().index, &other);
    edit_commit_record(&other, |info| info["format"] = 999.into());
    let r = run(zhengce()
        .args(["search", "\"数据安全\"", "--index"])
        .arg(&other));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("format 999"), "{}", r.stderr());
    // A missing index.
    let r = run(zhengce()
        .args(["search", "x", "--index"])
        .arg(dir.path().join("nothing")));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("no index here"), "{}", r.stderr());
}

#[test]
fn an_unwritable_index_location_is_a_clear_error() {
    let dir = tempdir();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let r = run(zhengce()
        .arg("index")
        .arg(sample_corpus())
        .arg("--index")
        .arg(file.join("index")));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("a-file"), "{}", r.stderr());
}

#[test]
fn a_closed_pipe_exits_quietly() {
    let idx = &sample_index().index;
    let mut child = zhengce()
        .args([
            "search", "\"的\"", "--limit", "500", "--color", "never", "--index",
        ])
        .arg(idx)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "{out:?}"
    );
    assert_no_panic(&out.stderr);
    let _ = std::io::stderr().flush();
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_previous_commit_stays() {
    let (_dir, corpus, idx) = indexed_sample_copy();
    let before = total(&idx, "\"数据安全\"");
    // Enough new text that the next commit needs more room than the limit leaves.
    let big: String = (0..40_000)
        .map(|i| format!("第{i}条 数据安全新增条款内容，编号{i}，涉及个人信息保护与营商环境。\n"))
        .collect();
    std::fs::write(corpus.join("reports/大文件.txt"), big).unwrap();
    // A file-size limit makes writes fail the way a full disk does (EFBIG instead of ENOSPC);
    // SIGXFSZ is ignored so the write returns the error instead of killing the process.
    let script = format!(
        "ulimit -f 200; trap '' XFSZ; exec '{}' index '{}' --index '{}'",
        env!("CARGO_BIN_EXE_zhengce"),
        corpus.display(),
        idx.display()
    );
    let r = run(std::process::Command::new("sh").args(["-c", &script]));
    assert_eq!(r.code(), 2, "{}", r.stderr());
    assert!(r.stderr().contains("File too large"), "{}", r.stderr());
    assert_eq!(
        total(&idx, "\"数据安全\""),
        before,
        "the previous commit answers"
    );
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(s["added"], 1, "{s}");
    assert!(total(&idx, "\"数据安全\"") > before);
}

#[test]
fn a_file_that_disappears_mid_run_is_reported_and_searches_see_the_last_commit_meanwhile() {
    let (_dir, corpus, idx) = indexed_sample_copy();
    let before = total(&idx, "\"数据安全\"");
    for i in 0..6 {
        std::fs::write(
            corpus.join(format!("reports/z{i}.txt")),
            format!("z{i}\n数据安全第{i}号补充。\n"),
        )
        .unwrap();
    }
    let child = slow_index(&corpus, &idx, 600, &["--json"]);
    // Once the run holds the lock, it walks the folder within a few hundred ms and then
    // reads one file each 600 ms: z5, the last, comes about 3.6 s after the walk. The file
    // goes 1.5 s after the lock, which leaves a loaded machine room for a slow walk.
    let lock = idx.join("zhengce.lock");
    for _ in 0..500 {
        if std::fs::read_to_string(&lock).is_ok_and(|s| s.trim() == child.id().to_string()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(1500));
    // The last file is gone before the run reaches it.
    std::fs::remove_file(corpus.join("reports/z5.txt")).unwrap();
    // A search while the run writes sees the last commit.
    assert_eq!(total(&idx, "\"数据安全\""), before);
    let out = child.wait_with_output().unwrap();
    assert_no_panic(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed = s["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{s}");
    assert!(
        failed[0]["path"].as_str().unwrap().ends_with("z5.txt"),
        "{s}"
    );
    assert_eq!(s["added"], 5, "{s}");
    assert_eq!(total(&idx, "\"数据安全\""), before + 5);
}

#[test]
fn a_search_during_a_first_build_says_the_build_is_running() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    copy_tree(&sample_corpus(), &corpus);
    let idx = dir.path().join("index");
    let child = slow_index(&corpus, &idx, 400, &[]);
    // Once the run holds the lock and tantivy has created the index (before the first file
    // is read), a search finds an index without a commit.
    let lock = idx.join("zhengce.lock");
    for _ in 0..500 {
        let locked =
            std::fs::read_to_string(&lock).is_ok_and(|s| s.trim() == child.id().to_string());
        if locked && idx.join("meta.json").is_file() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let r = run(zhengce()
        .args(["search", "\"数据安全\"", "--index"])
        .arg(&idx));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("still running"), "{}", r.stderr());
    let out = child.wait_with_output().unwrap();
    assert_no_panic(&out.stderr);
    assert_eq!(out.status.code(), Some(0));
    assert!(total(&idx, "\"数据安全\"") > 0);
}

#[test]
fn an_error_writing_an_exact_segment_stops_the_run_and_keeps_the_last_commit() {
    let (_dir, corpus, idx) = indexed_sample_copy();
    let before = total(&idx, "\"数据安全\"");
    // The next segment's text store cannot be written: a folder stands where its temporary
    // file goes (segment ids follow the highest on disk).
    let exact = idx.join("exact");
    let top: u32 = std::fs::read_dir(&exact)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".zbg")?.parse().ok()
        })
        .max()
        .unwrap();
    for id in top + 1..top + 2 {
        std::fs::create_dir(exact.join(format!("{id:08}.tmp"))).unwrap();
    }
    // Long enough to fill segments of 300 characters: they are written while the file is
    // being added, not only at the end of the run.
    let long = "数据安全新增段落。".repeat(20);
    let text = format!("新增报告\n{long}\n{long}\n");
    std::fs::write(corpus.join("reports/新增.txt"), text).unwrap();
    let r = run(zhengce()
        .arg("index")
        .arg(&corpus)
        .arg("--index")
        .arg(&idx)
        .args(["--threads", "1", "--test-split", "300"]));
    assert_eq!(r.code(), 2, "{}", r.stdout());
    assert!(r.stderr().contains(".ztx"), "{}", r.stderr());
    assert_eq!(
        total(&idx, "\"数据安全\""),
        before,
        "the last commit answers"
    );
    for id in top + 1..top + 2 {
        std::fs::remove_dir(exact.join(format!("{id:08}.tmp"))).unwrap();
    }
    index_json(&corpus, &idx, &[]);
    assert_eq!(
        total(&idx, "\"数据安全\""),
        before + 2,
        "its two long paragraphs"
    );
}
