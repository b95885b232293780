//! `zhengce inspect` on the sample documents: titles, encodings, sections and line ranges.

use crate::harness::*;

#[test]
fn inspect_json_gives_title_encoding_and_sectioned_paragraphs() {
    let file = sample_corpus().join("plans/營商環境優化方案.txt");
    let r = run(zhengce().args(["inspect", "--json"]).arg(&file));
    assert_eq!(r.code(), 0, "{}", r.stderr());
    let doc = r.json();
    assert_eq!(doc["encoding"], "Big5");
    assert_eq!(doc["title"], "營商環境優化方案");
    let paras = doc["paragraphs"].as_array().unwrap();
    assert!(paras.iter().any(|p| p["kind"] == "heading"));
    for (i, p) in paras.iter().enumerate() {
        assert_eq!(p["paragraph"], i);
        assert!(p["lines"][0].as_u64() <= p["lines"][1].as_u64());
    }
}

#[test]
fn inspect_reads_every_sample_encoding() {
    for (file, enc) in [
        ("plans/生态环境保护规划.txt", "GB18030"),
        ("notices/小微企业扶持措施问答.txt", "UTF-8 BOM"),
        ("laws-tw/個人資料保護施行細則.txt", "UTF-8"),
    ] {
        let r = run(zhengce()
            .args(["inspect", "--json"])
            .arg(sample_corpus().join(file)));
        assert_eq!(r.code(), 0, "{file}: {}", r.stderr());
        assert_eq!(r.json()["encoding"], enc, "{file}");
    }
}

#[test]
fn inspect_human_output_indents_under_headings() {
    let file = sample_corpus().join("laws-tw/個人資料保護施行細則.txt");
    let r = run(zhengce().arg("inspect").arg(&file));
    assert_eq!(r.code(), 0);
    let s = r.stdout();
    assert!(s.starts_with("title: 個人資料保護施行細則"), "{s}");
    assert!(s.contains("§ 第 1 條"), "{s}");
}

#[test]
fn inspect_a_missing_file_is_an_error_naming_it() {
    let r = run(zhengce().args(["inspect", "no/such/file.txt"]));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("no/such/file.txt"), "{}", r.stderr());
}
