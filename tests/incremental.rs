//! Incremental re-indexing: after random edit sequences on a copy of the sample corpus, the
//! updated index answers every query as a full rebuild of the same folder does.

use std::path::Path;

use crate::harness::*;

const QUERIES: &[&str] = &[
    "\"数据安全\"",
    "\"個人資料\"",
    "人工智能 发展",
    "\"高質量發展\" OR \"营商环境\"",
    "\"第\"",
    "\"新增条款甲\"",
    "\"新增条款乙\"",
    "\"修订内容\"",
    "section:总则 \"规定\"",
    "path:notices \"数据\"",
];

/// The answers as they are shown: total, and each hit in rank order with its score,
/// identity, text and highlights. An updated index holds only current text, so its
/// statistics, scores and order are those of a fresh build.
fn answers(index: &Path) -> Vec<(String, u64, Vec<String>)> {
    QUERIES
        .iter()
        .map(|q| {
            let r = run(zhengce()
                .args(["search", q, "--json", "--limit", "1000", "--index"])
                .arg(index));
            assert!(r.code() < 2, "{q}: {}", r.stderr());
            let v = r.json();
            let hits: Vec<String> = v["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    format!(
                        "{} {}#{} {} {} {} {}",
                        h["score"],
                        h["path"],
                        h["paragraph"],
                        h["lines"],
                        h["section"],
                        h["text"],
                        h["highlights"]
                    )
                })
                .collect();
            (q.to_string(), v["total"].as_u64().unwrap(), hits)
        })
        .collect()
}

use zhengce::rng::Rng;

fn text_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "txt" || e == "md") {
                // The samples of other formats stay as they are: appending text to a DOCX
                // would damage it.
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// One random edit: append, rewrite, delete, add or rename a file.
fn edit(corpus: &Path, rng: &mut Rng, step: usize) {
    let files = text_files(corpus);
    let f = &files[rng.below(files.len())];
    match rng.below(5) {
        0 => {
            // Saved again as UTF-8 (appending UTF-8 to a GB18030 or Big5 file would make it
            // undecodable, and its indexed version would stay where a rebuild has none).
            let (mut s, _) = zhengce::corpus::decode(&std::fs::read(f).unwrap()).unwrap();
            s.push_str(&format!(
                "\n第九十九条 新增条款甲{step}，本条自公布之日起施行。\n"
            ));
            std::fs::write(f, s).unwrap();
        }
        1 => std::fs::write(
            f,
            format!("修订稿{step}\n\n一、修订内容\n本文件经修订，新增条款乙{step}。\n"),
        )
        .unwrap(),
        2 if files.len() > 3 => std::fs::remove_file(f).unwrap(),
        3 => std::fs::write(
            corpus.join(format!("new/新文件{step}.txt")).tap_dir(),
            format!("新文件{step}\n一、总则\n数据安全是新增条款甲{step}的规定。\n"),
        )
        .unwrap(),
        _ => {
            let to = f.with_file_name(format!("改名{step}.txt"));
            std::fs::rename(f, to).unwrap();
        }
    }
}

trait TapDir {
    fn tap_dir(self) -> Self;
}
impl TapDir for std::path::PathBuf {
    fn tap_dir(self) -> Self {
        std::fs::create_dir_all(self.parent().unwrap()).unwrap();
        self
    }
}

#[test]
fn incremental_updates_answer_like_a_full_rebuild_after_random_edits() {
    for seed in [7u64, 1129, 2026] {
        let dir = tempdir();
        let corpus = dir.path().join("corpus");
        copy_tree(&sample_corpus(), &corpus);
        let inc = dir.path().join("inc");
        let first = index_json(&corpus, &inc, &[]);
        assert_eq!(first["added"], 12);
        let mut rng = Rng::new(seed);
        for step in 0..6 {
            for _ in 0..1 + rng.below(3) {
                edit(&corpus, &mut rng, step);
            }
            index_json(&corpus, &inc, &[]);
        }
        let full = dir.path().join("full");
        let rebuilt = index_json(&corpus, &full, &["--full"]);
        assert_eq!(rebuilt["failed"], serde_json::json!([]), "seed {seed}");
        assert_eq!(answers(&inc), answers(&full), "seed {seed}");
    }
}

#[test]
fn the_summary_counts_added_updated_removed_and_unchanged_files() {
    let (_dir, corpus, idx) = indexed_sample_copy();
    let again = index_json(&corpus, &idx, &[]);
    assert_eq!(
        (again["added"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(12))
    );
    assert_eq!(again["bytes"], 0, "an unchanged corpus is not read again");
    std::fs::write(corpus.join("reports/新增.txt"), "新增报告\n一、数据安全\n").unwrap();
    std::fs::remove_file(corpus.join("plans/生态环境保护规划.txt")).unwrap();
    let notice = corpus.join("notices/关于加强数据安全管理的通知.md");
    let mut s = std::fs::read_to_string(&notice).unwrap();
    s.push_str("\n补充说明：数据安全。\n");
    std::fs::write(&notice, s).unwrap();
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(
        (
            s["added"].as_u64(),
            s["updated"].as_u64(),
            s["removed"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(10)),
        "{s}"
    );
    let r = run(zhengce()
        .args(["search", "\"鲸\"", "--json", "--index"])
        .arg(&idx));
    assert_eq!(r.code(), 1, "the removed file's paragraphs are gone");
    let full = index_json(&corpus, &idx, &["--full"]);
    assert_eq!(full["added"], 12);
    assert_eq!(full["rebuilt"], "--full");
}

#[test]
fn touching_a_file_without_changing_it_does_not_reindex_it_twice() {
    let (_dir, corpus, idx) = indexed_sample_copy();
    let f = corpus.join("plans/生态环境保护规划.txt");
    let bytes = std::fs::read(&f).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&f, bytes).unwrap();
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(
        (s["updated"].as_u64(), s["unchanged"].as_u64()),
        (Some(0), Some(12)),
        "{s}"
    );
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(s["bytes"], 0, "the new mtime was recorded: {s}");
    let r = run(zhengce()
        .args(["search", "\"鲸\"", "--json", "--index"])
        .arg(&idx));
    assert_eq!(r.json()["total"], 1, "no duplicate paragraphs");
}

#[test]
fn a_segment_of_document_records_alone_leaves_the_hits_of_other_segments_right() {
    // Touching files writes their document records alone: a segment without paragraphs,
    // and so without anchors. tantivy orders segments by size, so a small segment of
    // paragraphs written later comes after it; its hits must still find their own file,
    // paragraph, lines and text.
    let (dir, corpus, idx) = indexed_sample_copy();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut touched = 0;
    for folder in corpus.read_dir().unwrap() {
        for file in folder.unwrap().path().read_dir().unwrap() {
            let file = file.unwrap().path();
            std::fs::write(&file, std::fs::read(&file).unwrap()).unwrap();
            touched += 1;
        }
    }
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(
        (s["unchanged"].as_u64(), s["bytes"].as_u64()),
        (Some(touched), Some(0))
    );
    std::fs::write(
        corpus.join("notices/短通知.txt"),
        "短通知\n新增条款甲适用于数据安全。\n",
    )
    .unwrap();
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(s["added"], 1, "{s}");
    let full = dir.path().join("full");
    index_json(&corpus, &full, &["--full"]);
    assert_eq!(answers(&idx), answers(&full));
}

/// Appends `text` to the first file of the sample's `laws/` folder.
fn append_to_a_law(corpus: &Path, text: &str) {
    let file = corpus
        .join("laws")
        .read_dir()
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut content = std::fs::read_to_string(&file).unwrap();
    content.push_str(text);
    std::fs::write(&file, content).unwrap();
}

/// The exact index's files: (segment ids, live maps and documents' metadata files, sorted,
/// anything else). Each segment must have its text store.
fn exact_files(index: &Path) -> (Vec<u32>, Vec<String>, Vec<String>) {
    let (mut segments, mut maps, mut other) = (Vec::new(), Vec::new(), Vec::new());
    let mut text_stores: Vec<u32> = Vec::new();
    for e in std::fs::read_dir(index.join("exact")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".zbg").and_then(|s| s.parse().ok()) {
            segments.push(id);
        } else if let Some(id) = name.strip_suffix(".ztx").and_then(|s| s.parse().ok()) {
            text_stores.push(id);
        } else if (name.starts_with("live-") && name.ends_with(".bin"))
            || (name.starts_with("meta-")
                && [".zst", ".json", ".tbl"].iter().any(|x| name.ends_with(x)))
        {
            maps.push(name);
        } else {
            other.push(name);
        }
    }
    segments.sort();
    text_stores.sort();
    maps.sort();
    assert_eq!(segments, text_stores, "a text store for each segment");
    (segments, maps, other)
}

#[test]
fn the_exact_index_keeps_only_what_the_last_commit_needs() {
    let (_dir, corpus, index) = indexed_sample_copy();
    let check = |round: &str| {
        let gen = commit_record(&index)["exact_gen"].as_u64().unwrap();
        let live = zhengce::index::exact::LiveMap::read(&index, gen).unwrap();
        let (segments, maps, other) = exact_files(&index);
        let commit = [
            format!("live-{gen:08}.bin"),
            format!("meta-{gen:08}.json"),
            format!("meta-{gen:08}.tbl"),
            format!("meta-{gen:08}.zst"),
        ];
        assert_eq!(maps, commit, "{round}");
        assert!(other.is_empty(), "{round}: {other:?}");
        let needed: Vec<u32> = live.segments().into_iter().collect();
        assert_eq!(segments, needed, "{round}");
        gen
    };
    let first = check("first build");
    // Indexes written before word lists were dropped have a word list (`.zwd`) beside each
    // segment: they answer the same, and the next commit removes the lists.
    let before = answers(&index);
    for id in exact_files(&index).0 {
        let list = index.join("exact").join(format!("{id:08}.zwd"));
        std::fs::write(list, b"a word list of an older version").unwrap();
    }
    assert_eq!(answers(&index), before);
    // Change one file: the segments that then hold only stale text go.
    append_to_a_law(&corpus, "\n新增一段独一无二的测试文字。\n");
    index_json(&corpus, &index, &[]);
    let second = check("after an update");
    assert!(second > first);
    assert_eq!(total(&index, "\"独一无二的测试文字\""), 1);
    for e in std::fs::read_dir(&corpus).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            std::fs::remove_dir_all(&p).unwrap();
        }
    }
    // One file stays (a corpus without any is refused unless --full).
    std::fs::write(
        corpus.join("留存.txt"),
        "留存
仅此一段。
",
    )
    .unwrap();
    index_json(&corpus, &index, &[]);
    check("after removing folders");
    assert_eq!(total(&index, "\"独一无二的测试文字\""), 0);
    index_json(&corpus, &index, &["--full"]);
    check("after --full");
}

#[test]
fn files_split_over_many_segments_and_batches_answer_as_whole_ones() {
    // Tiny limits: every file spans several exact segments and several tantivy batches, as a
    // file of many megabytes does with the real limits.
    let (dir, corpus, whole) = indexed_sample_copy();
    let split = dir.path().join("split");
    index_json(&corpus, &split, &["--test-split", "300"]);
    let (segments, _, _) = exact_files(&split);
    assert!(segments.len() > 20, "{} segments", segments.len());
    assert_eq!(answers(&split), answers(&whole));
    // And after an update of one split file.
    append_to_a_law(
        &corpus,
        "\n第九十九条 新增条款甲0，本条自公布之日起施行。\n",
    );
    index_json(&corpus, &split, &["--test-split", "300"]);
    index_json(&corpus, &whole, &[]);
    assert_eq!(answers(&split), answers(&whole));
    assert_eq!(total(&split, "\"新增条款甲0\""), 1);
}

#[test]
fn a_file_that_cannot_be_read_any_more_keeps_its_indexed_version() {
    let (_dir, corpus, idx) = indexed_sample_copy();
    let rel = "notices/关于加强数据安全管理的通知.md";
    let file = corpus.join(rel);
    let original = std::fs::read(&file).unwrap();
    let before = answers(&idx);
    // Not text any more (a half-written save, say): reported, and the last good version stays.
    std::fs::write(
        &file,
        [0xff, 0xfe, 0xfd, 0x81, 0x30, 0xff, 0xc0, 0x00, 0x41],
    )
    .unwrap();
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(
        (s["removed"].as_u64(), s["updated"].as_u64()),
        (Some(0), Some(0)),
        "{s}"
    );
    let failed = s["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{s}");
    assert_eq!(failed[0]["path"], rel);
    assert!(
        failed[0]["reason"].as_str().unwrap().contains("kept"),
        "{s}"
    );
    assert_eq!(answers(&idx), before);
    // It is tried again at every run until it reads; then its text is current again.
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(s["failed"].as_array().unwrap().len(), 1, "{s}");
    std::fs::write(&file, &original).unwrap();
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(s["failed"].as_array().unwrap().len(), 0, "{s}");
    assert_eq!(answers(&idx), before);
}

#[test]
fn an_index_folder_inside_the_corpus_does_not_index_itself() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    copy_tree(&sample_corpus(), &corpus);
    let dict = dir.path().join("userdict.txt");
    std::fs::write(&dict, "独特词条甲 100 n\n").unwrap();
    let idx = corpus.join("idx");
    let args = ["--dict", dict.to_str().unwrap()];
    let first = index_json(&corpus, &idx, &args);
    assert_eq!(first["added"], 12, "{first}");
    // The index folder now holds a copy of the dictionary (a .txt file) and its own files.
    let again = index_json(&corpus, &idx, &args);
    assert_eq!(
        (again["added"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(12)),
        "{again}"
    );
    assert_eq!(again["skipped"]["the index folder"], 1, "{again}");
    assert_eq!(total(&idx, "\"独特词条甲\""), 0);
}

#[test]
fn updates_that_add_a_file_at_a_time_merge_their_small_segments() {
    let (dir, corpus, idx) = indexed_sample_copy();
    let mut most = 0;
    for i in 0..12 {
        std::fs::write(
            corpus.join(format!("reports/补充{i}.txt")),
            format!("补充{i}\n一、总则\n数据安全补充规定第{i}号。\n"),
        )
        .unwrap();
        index_json(&corpus, &idx, &["--threads", "1"]);
        most = most.max(exact_files(&idx).0.len());
    }
    // Each run adds a small segment; once there are eight, the next run merges them.
    assert!(most <= 9, "{most} segments");
    let full = dir.path().join("full");
    index_json(&corpus, &full, &[]);
    assert_eq!(answers(&idx), answers(&full));
    assert_eq!(total(&idx, "\"数据安全补充规定\""), 12);
}

#[test]
fn an_edit_rewrites_the_files_of_its_own_segment_and_no_more() {
    // Segments of ~1,200 characters on one thread: the sample's files fill about six. An
    // edit of one file rewrites the files that share its segment; segments end between
    // files, so that does not spread to the next segment and the next.
    let (dir, corpus, _) = indexed_sample_copy();
    let split = ["--threads", "1", "--test-split", "1200"];
    let idx = dir.path().join("split");
    index_json(&corpus, &idx, &split);
    let segments = exact_files(&idx).0.len();
    assert!(segments >= 5, "{segments} segments");
    let plan = corpus.join("notices/关于加强数据安全管理的通知.md");
    let mut text = std::fs::read_to_string(&plan).unwrap();
    text.push_str("\n新增条款甲9，自公布之日起施行。\n");
    std::fs::write(&plan, text).unwrap();
    let s = index_json(&corpus, &idx, &split);
    assert_eq!(s["updated"], 1, "{s}");
    assert!(s["rewritten"].as_u64().unwrap() <= 2, "{s}");
    let full = dir.path().join("full");
    index_json(&corpus, &full, &split);
    assert_eq!(answers(&idx), answers(&full));
}

#[test]
fn an_update_without_dict_keeps_the_dictionaries_the_index_was_built_with() {
    let (dir, corpus, _) = indexed_sample_copy();
    let dict = dir.path().join("userdict.txt");
    std::fs::write(&dict, "数据安全管理制度 1000 n\n").unwrap();
    let idx = dir.path().join("with-dict");
    let built = index_json(&corpus, &idx, &["--dict", dict.to_str().unwrap()]);
    assert_eq!(built["dicts"].as_array().unwrap().len(), 1, "{built}");
    std::fs::remove_file(&dict).unwrap();
    // A forgotten --dict (the file is even gone): the index's copy is used, nothing rebuilt.
    let again = index_json(&corpus, &idx, &[]);
    assert_eq!(
        (again["rebuilt"].is_null(), again["unchanged"].as_u64()),
        (true, Some(12)),
        "{again}"
    );
    assert_eq!(again["dicts"].as_array().unwrap().len(), 1, "{again}");
    assert!(total(&idx, "数据安全管理制度") > 0);
    // --full takes the dictionaries given: none.
    let full = index_json(&corpus, &idx, &["--full"]);
    assert!(full["rebuilt"].is_string(), "{full}");
    assert_eq!(full["dicts"].as_array().unwrap().len(), 0, "{full}");
}

#[test]
fn an_empty_corpus_folder_does_not_empty_the_index_unless_asked() {
    // The corpus folder is there but empty (an unmounted disk, say).
    let (dir, corpus, idx) = indexed_sample_copy();
    std::fs::rename(&corpus, dir.path().join("moved")).unwrap();
    std::fs::create_dir(&corpus).unwrap();
    let r = run(zhengce().arg("index").arg(&corpus).arg("--index").arg(&idx));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("holds 12 documents"), "{}", r.stderr());
    assert!(total(&idx, "\"数据安全\"") > 0, "nothing was removed");
    let s = index_json(&corpus, &idx, &["--full"]);
    assert_eq!(s["documents"], 0, "{s}");
}

#[test]
fn another_folder_does_not_replace_the_index_unless_asked() {
    let (dir, corpus, idx) = indexed_sample_copy();
    let other = dir.path().join("c2");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("一.txt"), "另一份文件\n完全不同的正文。\n").unwrap();
    let r = run(zhengce()
        .arg("index")
        .arg(&other)
        .arg("--index")
        .arg(&idx)
        .arg("--json"));
    assert_eq!(r.code(), 2, "{}", r.stderr());
    // Both folders are named, on stderr and in the JSON error object on stdout.
    let err = r.json()["error"].as_str().unwrap().to_string();
    for name in ["c2", "corpus"] {
        assert!(err.contains(name), "{err}");
        assert!(r.stderr().contains(name), "{}", r.stderr());
    }
    assert!(err.contains("--full"), "{err}");
    assert!(total(&idx, "\"数据安全\"") > 0, "nothing was removed");
    // The same folder reached by another path is the same folder.
    let again = index_json(&dir.path().join("c2/../corpus"), &idx, &[]);
    assert_eq!(again["unchanged"], 12, "{again}");
    let _ = corpus;
    // Asked to, it replaces the index.
    let s = index_json(&other, &idx, &["--full"]);
    assert_eq!(s["documents"], 1, "{s}");
    assert_eq!(total(&idx, "\"数据安全\""), 0);
    assert_eq!(total(&idx, "\"完全不同\""), 1);
}

#[test]
fn a_kept_file_moves_with_its_segment_and_the_rest_answers_as_a_fresh_build_of_those_texts() {
    // One thread: the notice and the law share a segment. The notice becomes unreadable
    // (its indexed version stays) while the law changes: the segment's files move to a new
    // one, the notice's from the text the old segment stores.
    let (dir, corpus, _) = indexed_sample_copy();
    let one = ["--threads", "1"];
    let idx = dir.path().join("one");
    index_json(&corpus, &idx, &one);
    let notice = corpus.join("notices/关于加强数据安全管理的通知.md");
    let original = std::fs::read(&notice).unwrap();
    append_to_a_law(
        &corpus,
        "\n第九十九条 新增条款甲7，本条自公布之日起施行。\n",
    );
    // The same texts, for the fresh build to compare with.
    let same = dir.path().join("same");
    copy_tree(&corpus, &same);
    std::fs::write(
        &notice,
        [0xff, 0xfe, 0xfd, 0x81, 0x30, 0xff, 0xc0, 0x00, 0x41],
    )
    .unwrap();
    let s = index_json(&corpus, &idx, &one);
    assert_eq!(s["updated"], 1, "{s}");
    assert_eq!(s["failed"].as_array().unwrap().len(), 1, "{s}");
    let fresh = dir.path().join("fresh");
    index_json(&same, &fresh, &one);
    assert_eq!(answers(&idx), answers(&fresh));
    // Readable again, with the bytes it had: nothing to do but record it.
    std::fs::write(&notice, &original).unwrap();
    let s = index_json(&corpus, &idx, &one);
    assert_eq!(s["failed"].as_array().unwrap().len(), 0, "{s}");
    assert_eq!(answers(&idx), answers(&fresh));
}

#[test]
fn many_threads_do_not_merge_small_segments_at_every_update() {
    let (dir, corpus, _) = indexed_sample_copy();
    let eight = ["--threads", "8"];
    let idx = dir.path().join("eight");
    index_json(&corpus, &idx, &eight);
    let mut merges = 0;
    for i in 0..12 {
        std::fs::write(
            corpus.join(format!("reports/补充{i}.txt")),
            format!("补充{i}\n数据安全补充规定第{i}号。\n"),
        )
        .unwrap();
        let s = index_json(&corpus, &idx, &eight);
        merges += usize::from(s["rewritten"].as_u64().unwrap() > 0);
    }
    // Small segments are merged once there are 16 (two a thread): once in these 12 runs.
    assert!(merges <= 1, "{merges} merges");
    let full = dir.path().join("full");
    index_json(&corpus, &full, &[]);
    assert_eq!(answers(&idx), answers(&full));
}

#[test]
fn a_rebuild_does_not_reuse_the_live_map_of_the_commit_it_replaces() {
    let (_dir, corpus, idx) = indexed_sample_copy();
    let gen = |idx: &Path| -> u64 { commit_record(idx)["exact_gen"].as_u64().unwrap() };
    let first = gen(&idx);
    index_json(&corpus, &idx, &["--full"]);
    assert!(
        gen(&idx) > first,
        "a rebuild wrote generation {first} again"
    );
}

#[cfg(unix)]
#[test]
fn files_behind_a_link_whose_folder_is_gone_are_kept() {
    let (dir, corpus, idx) = indexed_sample_copy();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("外部.txt"), "外部文件\n链接之外的独特段落。\n").unwrap();
    std::os::unix::fs::symlink(&outside, corpus.join("ext")).unwrap();
    index_json(&corpus, &idx, &[]);
    assert_eq!(total(&idx, "\"链接之外的独特段落\""), 1);
    std::fs::rename(&outside, dir.path().join("moved")).unwrap();
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(s["removed"], 0, "{s}");
    let failed = s["failed"].as_array().unwrap();
    assert!(
        failed[0]["reason"]
            .as_str()
            .unwrap()
            .contains("1 files indexed there are kept"),
        "{s}"
    );
    assert_eq!(total(&idx, "\"链接之外的独特段落\""), 1);
}

#[test]
fn the_tails_of_long_files_are_not_merged_again_and_again() {
    // Segments of 400 characters: each of ten files fills one with ten lines of 40
    // characters and leaves a short last line in a small segment of its own. Such tails
    // cannot be merged (a long file keeps its segments to itself), so adding a file at a
    // time must not move them again and again.
    let (dir, corpus, _) = indexed_sample_copy();
    for i in 0..10 {
        // Lines of different lengths, each a sentence: not a hard-wrapped block.
        let body: Vec<String> = (0..10)
            .map(|k| {
                let words: String = "数据安全与个人信息保护应当依法进行"
                    .chars()
                    .cycle()
                    .take(30 + k)
                    .collect();
                format!("第{k}项，{words}。")
            })
            .collect();
        let body = body.join("\n");
        let file = corpus.join(format!("long/l{i}.txt")).tap_dir();
        std::fs::write(file, format!("长文件{i}\n{body}\n末行第{i}号。\n")).unwrap();
    }
    let split = ["--threads", "1", "--test-split", "400"];
    let idx = dir.path().join("split");
    index_json(&corpus, &idx, &split);
    for i in 0..5 {
        std::fs::write(
            corpus.join(format!("notices/补充{i}.txt")),
            format!("补充{i}\n数据安全补充规定第{i}号。\n"),
        )
        .unwrap();
        let s = index_json(&corpus, &idx, &split);
        assert!(s["rewritten"].as_u64().unwrap() < 10, "run {i}: {s}");
    }
    let full = dir.path().join("full");
    index_json(&corpus, &full, &split);
    assert_eq!(answers(&idx), answers(&full));
}

#[test]
fn new_dictionaries_change_how_queries_are_cut_without_a_rebuild() {
    let (dir, corpus, idx) = indexed_sample_copy();
    // Without a user word, 数据安全管理 is cut into words that may stand apart (in the text,
    // its headings or its title).
    assert_eq!(total(&idx, "数据安全管理"), 25);
    assert_eq!(total(&idx, "\"数据安全管理\""), 4);
    let dict = dir.path().join("userdict.txt");
    std::fs::write(&dict, "数据安全管理 100000 n\n").unwrap();
    // The index keeps where words start: new dictionaries re-segment every document from
    // its stored text, with no file read again.
    let s = index_json(&corpus, &idx, &["--dict", dict.to_str().unwrap()]);
    assert_eq!(
        (
            s["rebuilt"].is_null(),
            s["unchanged"].as_u64(),
            s["rewritten"].as_u64(),
            s["bytes"].as_u64()
        ),
        (true, Some(12), Some(12), Some(0)),
        "{s}"
    );
    assert_eq!(s["dicts"].as_array().unwrap().len(), 1, "{s}");
    assert_eq!(total(&idx, "数据安全管理"), 22, "one word now");
    let fresh = dir.path().join("fresh");
    index_json(&corpus, &fresh, &["--dict", dict.to_str().unwrap()]);
    assert_eq!(answers(&idx), answers(&fresh));
    // Only the dictionaries of the last commit stay in the index folder; a searcher opened
    // before the next update keeps cutting with those it opened (read at open).
    let copies = std::fs::read_dir(idx.join("dicts")).unwrap().count();
    assert_eq!(copies, 1);
    let searcher = zhengce::search::Searcher::open(&idx).unwrap();
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "人工智能产业 100000 n\n").unwrap();
    index_json(&corpus, &idx, &["--dict", other.to_str().unwrap()]);
    let opts = zhengce::search::SearchOptions::default();
    assert_eq!(searcher.search("数据安全管理", &opts).unwrap().total, 22);
    drop(searcher);
    assert_eq!(total(&idx, "数据安全管理"), 25, "the new dictionaries only");
    index_json(&corpus, &idx, &["--dict", dict.to_str().unwrap()]);
    // An index built with other analysis tables (another program: here, a fingerprint that
    // is not this program's) is not updated around them: --full rebuilds it.
    edit_commit_record(&idx, |info| info["fingerprint"] = "0".repeat(32).into());
    let r = run(zhengce().arg("index").arg(&corpus).arg("--index").arg(&idx));
    assert_eq!(r.code(), 2);
    assert!(
        r.stderr().contains("other analysis tables") && r.stderr().contains("--full"),
        "{}",
        r.stderr()
    );
    let s = index_json(&corpus, &idx, &["--full", "--dict", dict.to_str().unwrap()]);
    assert!(s["rebuilt"].is_string(), "{s}");
    assert_eq!(answers(&idx), answers(&fresh));
    // A copy of a dictionary damaged in the index folder: searches refuse the index, naming
    // the copies; a run with the dictionary writes the copy again instead of trusting it by
    // its name.
    let copy = std::fs::read_dir(idx.join("dicts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("0.dict.txt");
    std::fs::write(&copy, "").unwrap();
    let r = run(zhengce().args(["search", "数据"]).arg("--index").arg(&idx));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("dicts/"), "{}", r.stderr());
    index_json(&corpus, &idx, &["--full", "--dict", dict.to_str().unwrap()]);
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&dict).unwrap());
    assert_eq!(answers(&idx), answers(&fresh));
    // Any readable file is a dictionary, a device or a pipe too.
    let s = index_json(&corpus, &idx, &["--dict", "/dev/null"]);
    assert_eq!(s["dicts"].as_array().unwrap().len(), 1, "{s}");
    assert_eq!(total(&idx, "数据安全管理"), 25);
}
