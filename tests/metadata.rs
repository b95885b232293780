//! The document behind the paragraph (issue 21): metadata filters, versions, facets, sort,
//! the metadata on hits and in `inspect`, over small corpora written here (texts of our own
//! writing, laid out as the shared corpus lays out its folders).

use std::path::Path;

use serde_json::Value;

use crate::harness::*;

/// An early version of a law, with its info block.
const LAW_2007: &str = "# 中华人民共和国示范合同法\n\n\
    2007年6月29日 第十届全国人民代表大会常务委员会第二十八次会议通过\n\n\
    <!-- INFO END -->\n\n## 第一章 总则\n\n\
    第一条 为了规范示范合同的订立和履行，保护当事人的合法权益，制定本法。\n\n\
    第二条 示范合同应当采用书面形式。\n";

/// Its amended version.
const LAW_2012: &str = "# 中华人民共和国示范合同法\n\n\
    2007年6月29日 第十届全国人民代表大会常务委员会第二十八次会议通过\n\n\
    2012年12月28日 第十一届全国人民代表大会常务委员会第三十次会议《关于修改<中华人民共和国示范合同法>的决定》修正\n\n\
    <!-- INFO END -->\n\n## 第一章 总则\n\n\
    第一条 为了规范示范合同的订立和履行，明确双方的权利和义务，制定本法。\n\n\
    第二条 示范合同应当采用书面形式，并载明主要条款。\n";

const INTERPRETATION: &str = "最高人民法院关于审理示范合同纠纷案件适用法律问题的解释\n\
    法释〔2020〕26号\n\
    （2020年12月25日最高人民法院审判委员会第1825次会议通过，自2021年1月1日起施行）\n\
    第一条 当事人因示范合同发生的纠纷，适用本解释。\n";

const REPORT: &str = "政府工作报告\n\
    ——1955年7月5日在第一届全国人民代表大会第二次会议上\n\
    各位代表：\n\
    过去一年里，示范合同的推行取得了进展。\n";

const REPEALED_TW: &str = "示範契約管理辦法\n\
    修正日期：民國 94 年 06 月 10 日\n\
    法規類別：廢止法規 ＞ 經濟部\n\
    廢止註記：廢\n\
    第 1 條\n\
    本辦法規範示範契約之管理。\n";

const LAW_2007_PATH: &str = "laws-cn/社会法/示范合同法(2007-06-29).md";
const LAW_2012_PATH: &str = "laws-cn/社会法/示范合同法(2012-12-28).md";

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        (LAW_2007_PATH, LAW_2007),
        (LAW_2012_PATH, LAW_2012),
        (
            "laws-cn/司法解释/最高人民法院关于审理示范合同纠纷案件适用法律问题的解释.md",
            INTERPRETATION,
        ),
        ("gov-reports/1955政府工作报告_王五.txt", REPORT),
        ("laws-tw/廢止法規/經濟部/示範契約管理辦法.txt", REPEALED_TW),
    ]
}

fn paths(v: &Value) -> Vec<String> {
    (v["hits"].as_array().unwrap().iter())
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect()
}

fn all_paths_match(v: &Value, pred: impl Fn(&str) -> bool) -> bool {
    let p = paths(v);
    !p.is_empty() && p.iter().all(|p| pred(p))
}

#[test]
fn metadata_filters_restrict_the_documents() {
    let w = Written::new(&files());
    let (_, v) = w.search("示范 kind:司法解释", &["--limit", "50"]);
    assert!(all_paths_match(&v, |p| p.contains("司法解释/")), "{v}");
    let (_, v) = w.search("示范 kind:司法解釋", &["--limit", "50"]);
    assert!(all_paths_match(&v, |p| p.contains("司法解释/")), "{v}");
    let (_, v) = w.search("示范 status:repealed", &["--limit", "50"]);
    assert!(all_paths_match(&v, |p| p.contains("廢止法規/")), "{v}");
    let (_, v) = w.search("示范 status:廢止", &["--limit", "50"]);
    assert!(all_paths_match(&v, |p| p.contains("廢止法規/")), "{v}");
    let (_, v) = w.search("示范 date:1954..1960 kind:政府工作报告", &[]);
    assert!(
        all_paths_match(&v, |p| p.starts_with("gov-reports/")),
        "{v}"
    );
    let (code, v) = w.search("示范 date:1956..1960 kind:政府工作报告", &[]);
    assert_eq!((code, v["total"].as_u64()), (1, Some(0)), "{v}");
    let (_, v) = w.search("示范 person:王五", &[]);
    assert!(
        all_paths_match(&v, |p| p.starts_with("gov-reports/")),
        "{v}"
    );
    let (_, v) = w.search("示范 number:法释[2020]26号", &[]);
    assert!(all_paths_match(&v, |p| p.contains("司法解释/")), "{v}");
    let (_, v) = w.search("示范 effective:2021", &[]);
    assert!(all_paths_match(&v, |p| p.contains("司法解释/")), "{v}");
    let (_, v) = w.search("示范 date:<2000", &["--limit", "50"]);
    assert!(
        all_paths_match(&v, |p| p.starts_with("gov-reports/")),
        "{v}"
    );
    let (_, v) = w.search("示范 region:台灣", &["--limit", "50"]);
    assert!(all_paths_match(&v, |p| p.starts_with("laws-tw/")), "{v}");
    let (_, v) = w.search("示范 issuer:最高人民法院", &["--limit", "50"]);
    assert!(all_paths_match(&v, |p| p.contains("司法解释/")), "{v}");
    // `path:` by substring (a file name) and by glob, as well as by prefix.
    let (_, v) = w.search("示范 path:示範契約管理辦法.txt", &[]);
    assert!(
        all_paths_match(&v, |p| p.ends_with("示範契約管理辦法.txt")),
        "{v}"
    );
    let (_, v) = w.search("示范 path:*.txt", &["--limit", "50"]);
    assert!(all_paths_match(&v, |p| p.ends_with(".txt")), "{v}");
    let (_, v) = w.search("示范 path:/gov-reports", &[]);
    assert!(
        all_paths_match(&v, |p| p.starts_with("gov-reports/")),
        "{v}"
    );
    // A negated filter excludes.
    let (_, v) = w.search("示范 -kind:司法解释", &["--limit", "50"]);
    assert!(all_paths_match(&v, |p| !p.contains("司法解释/")), "{v}");
}

#[test]
fn malformed_filters_are_errors_at_their_position() {
    let w = Written::new(&files());
    for (q, at) in [
        ("示范 date:2018..20x4", 14),
        ("示范 date:..", 8),
        ("示范 effective:>=abc", 15),
        ("示范 kind:小说", 8),
        ("示范 status:maybe", 10),
        ("示范 date:2024..2018", 14),
    ] {
        let r = run(zhengce().args(["search", q, "--index"]).arg(&w.index));
        assert_eq!(r.code(), 2, "{q}");
        let want = format!("query error at character {at}:");
        assert!(r.stderr().contains(&want), "{q}: {}", r.stderr());
    }
}

#[test]
fn hits_carry_their_documents_metadata_and_facets_count_every_match() {
    let w = Written::new(&files());
    let (_, v) = w.search("示范 kind:司法解释", &[]);
    let hit = &v["hits"][0];
    assert_eq!(hit["meta"]["kind"]["value"], "司法解释", "{v}");
    assert_eq!(hit["meta"]["number"]["value"], "法释〔2020〕26号", "{v}");
    // By document, the document carries it once.
    let (_, v) = w.search("示范", &["--by-doc"]);
    let doc = &v["documents"][0];
    assert!(doc["meta"].is_object(), "{v}");
    assert!(doc["hits"][0].get("meta").is_none(), "{v}");
    // Facets count every match, not the page, and each sums to the total.
    let (_, v) = w.search("示范", &["--facets", "--limit", "1"]);
    let total = v["total"].as_u64().unwrap();
    assert!(total > 3, "{v}");
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    for facet in ["kind", "status", "region", "year"] {
        let sum: u64 = (v["facets"][facet].as_array().unwrap().iter())
            .map(|c| c["count"].as_u64().unwrap())
            .sum();
        assert_eq!(sum, total, "{facet}: {v}");
    }
    let kinds: Vec<&str> = (v["facets"]["kind"].as_array().unwrap().iter())
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert!(
        kinds.contains(&"司法解释") && kinds.contains(&"政府工作报告"),
        "{v}"
    );
    // Without the flag, no facets; people read a short summary.
    let (_, v) = w.search("示范", &[]);
    assert!(v.get("facets").is_none(), "{v}");
    let text = w.search_human("示范", &["--facets"]);
    assert!(text.contains("kind: "), "{text}");
    assert!(
        text.contains("司法解释 · 最高人民法院 · 法释〔2020〕26号"),
        "{text}"
    );
}

#[test]
fn hits_sort_by_date_either_way() {
    let w = Written::new(&files());
    let dates = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["--by-doc", "--limit", "10"];
        args.extend_from_slice(extra);
        let (_, v) = w.search("示范", &args);
        (v["documents"].as_array().unwrap().iter())
            .map(|d| {
                d["meta"]["main_date"]["date"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    };
    let newest = dates(&["--sort", "-date"]);
    let oldest = dates(&["--sort", "date"]);
    assert!(newest.len() >= 4, "{newest:?}");
    let mut sorted = newest.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(newest, sorted);
    let mut sorted = oldest.clone();
    sorted.sort();
    assert_eq!(oldest, sorted);
    assert_eq!(oldest.first().map(String::as_str), Some("1955-07-05"));
}

fn index_now(corpus: &Path, index: &Path) -> Value {
    index_json(corpus, index, &[])
}

fn search_in(index: &Path, q: &str, extra: &[&str]) -> Value {
    let r = run(zhengce()
        .args(["search", q, "--json", "--index"])
        .arg(index)
        .args(extra));
    assert!(r.code() < 2, "{q}: {}", r.stderr());
    r.json()
}

#[test]
fn a_new_version_added_incrementally_replaces_the_old_one() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    let write = |path: &str, text: &str| {
        let f = corpus.join(path);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, text).unwrap();
    };
    write(LAW_2007_PATH, LAW_2007);
    write("gov-reports/1955政府工作报告_王五.txt", REPORT);
    index_now(&corpus, &index);
    let v = search_in(&index, "\"书面形式\"", &[]);
    assert_eq!(paths(&v), [LAW_2007_PATH], "{v}");
    assert_eq!(v["hits"][0]["meta"]["status"]["value"], "in_force", "{v}");

    write(LAW_2012_PATH, LAW_2012);
    let summary = index_now(&corpus, &index);
    assert_eq!(summary["added"], 1, "{summary}");
    // By default only the current version answers.
    let v = search_in(&index, "\"书面形式\"", &[]);
    assert_eq!(paths(&v), [LAW_2012_PATH], "{v}");
    assert_eq!(v["total"], 1, "{v}");
    // Every version, the older one saying what replaced it.
    let v = search_in(&index, "\"书面形式\"", &["--versions", "all"]);
    let got = paths(&v);
    assert_eq!(got.len(), 2, "{v}");
    let old = (v["hits"].as_array().unwrap().iter())
        .find(|h| h["path"] == LAW_2007_PATH)
        .expect("the old version is shown");
    assert_eq!(old["replaced_by"], LAW_2012_PATH, "{v}");
    assert_eq!(old["meta"]["status"]["value"], "amended_by_newer", "{v}");
    assert_eq!(old["meta"]["status"]["latest"], LAW_2012_PATH, "{v}");
    let text = run(zhengce()
        .args([
            "search",
            "\"书面形式\"",
            "--versions",
            "all",
            "--color",
            "never",
        ])
        .arg("--index")
        .arg(&index))
    .stdout();
    assert!(
        text.contains(&format!("replaced by {LAW_2012_PATH}")),
        "{text}"
    );
    // A status filter asks for its versions whatever `--versions` says.
    let v = search_in(&index, "\"书面形式\" status:amended_by_newer", &[]);
    assert_eq!(paths(&v), [LAW_2007_PATH], "{v}");
    // The new version removed again: the old one is current again.
    std::fs::remove_file(corpus.join(LAW_2012_PATH)).unwrap();
    let summary = index_now(&corpus, &index);
    assert_eq!(summary["removed"], 1, "{summary}");
    let v = search_in(&index, "\"书面形式\"", &[]);
    assert_eq!(paths(&v), [LAW_2007_PATH], "{v}");
    assert_eq!(v["hits"][0]["meta"]["status"]["value"], "in_force", "{v}");
    // An update that reads nothing keeps every document's metadata.
    index_now(&corpus, &index);
    let v = search_in(&index, "示范 kind:政府工作报告", &[]);
    assert_eq!(paths(&v), ["gov-reports/1955政府工作报告_王五.txt"], "{v}");
}

#[test]
fn every_new_option_works_in_a_batch() {
    let w = Written::new(&files());
    let mut child = zhengce()
        .args([
            "search",
            "--batch",
            "-",
            "--json",
            "--facets",
            "--sort",
            "-date",
            "--versions",
            "all",
            "--index",
        ])
        .arg(&w.index)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let queries = "示范 kind:司法解释\n\"书面形式\"\n示范 date:bad\n";
    (child.stdin.take().unwrap())
        .write_all(queries.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_no_panic(&out.stderr);
    let lines: Vec<Value> = (String::from_utf8(out.stdout).unwrap().lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        all_paths_match(&lines[0], |p| p.contains("司法解释/")),
        "{lines:?}"
    );
    assert!(lines[0]["facets"]["kind"].is_array(), "{lines:?}");
    // Both versions, newest first.
    assert_eq!(
        paths(&lines[1]),
        [LAW_2012_PATH, LAW_2007_PATH],
        "{lines:?}"
    );
    assert!(
        lines[2]["error"].as_str().unwrap().contains("character 8"),
        "{lines:?}"
    );
}

#[test]
fn inspect_shows_the_metadata() {
    let dir = tempdir();
    let file = dir
        .path()
        .join("gov-reports")
        .join("1955政府工作报告_王五.txt");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, REPORT).unwrap();
    let r = run(zhengce().arg("inspect").arg(&file).arg("--json"));
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let v = r.json();
    assert_eq!(v["meta"]["kind"]["value"], "政府工作报告", "{v}");
    assert_eq!(v["meta"]["person"]["value"], "王五", "{v}");
    assert_eq!(v["meta"]["main_date"]["date"], "1955-07-05", "{v}");
    let r = run(zhengce().arg("inspect").arg(&file));
    assert!(
        r.stdout().contains("metadata: 政府工作报告"),
        "{}",
        r.stdout()
    );
}
