//! Files other than text: the samples of `corpus/formats/` (written by
//! `examples/make_samples.rs`) indexed, found and inspected like text files; damaged files
//! and Word 97-2003 files reported under `failed` while the run goes on.

use crate::harness::*;

#[path = "../examples/make_samples.rs"]
#[allow(dead_code)]
mod make_samples;

#[test]
fn the_samples_are_what_the_generator_writes() {
    for (path, bytes) in make_samples::samples() {
        let committed = std::fs::read(sample_corpus().join(path)).unwrap();
        assert!(
            committed == bytes,
            "corpus/{path} differs from what examples/make_samples.rs writes: run `cargo run --example make_samples`"
        );
    }
}

fn inspect(path: &str) -> serde_json::Value {
    let r = run(zhengce()
        .arg("inspect")
        .arg(sample_corpus().join(path))
        .arg("--json"));
    assert_eq!(r.code(), 0, "{}", r.stderr());
    r.json()
}

fn texts(doc: &serde_json::Value) -> Vec<String> {
    doc["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_web_page_is_its_article_with_the_metadata_table() {
    let doc = inspect("formats/古树名木保护管理办法.html");
    assert_eq!(doc["title"], "某某市古树名木保护管理办法");
    assert_eq!(doc["encoding"], "HTML, UTF-8");
    let t = texts(&doc);
    for furniture in [
        "首页",
        "版权所有",
        "网站地图",
        "统计脚本",
        "分享到",
        "相关链接",
        "打印本页",
    ] {
        assert!(
            !t.iter().any(|p| p.contains(furniture)),
            "{furniture}: {t:?}"
        );
    }
    assert!(
        t.contains(&"发文字号：某政规〔2025〕3号".to_string()),
        "{t:?}"
    );
    assert!(t.contains(&"（二）在树冠垂直投影外五米范围内堆放物料、挖坑取土；".to_string()));
    assert!(
        t.contains(&"一级\u{3000}\u{3000}三百年以上\u{3000}\u{3000}市园林主管部门确定".to_string())
    );
    let p = doc["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["text"].as_str().unwrap().starts_with("第三条"))
        .unwrap();
    assert_eq!(
        p["section"],
        serde_json::json!(["第二章\u{3000}保护措施", "第三条"])
    );
}

#[test]
fn a_docx_keeps_its_heading_styles_and_dates() {
    let doc = inspect("formats/城市排水防涝应急预案.docx");
    assert_eq!(doc["title"], "城市排水防涝应急预案");
    let paragraphs = doc["paragraphs"].as_array().unwrap();
    let body = paragraphs
        .iter()
        .find(|p| p["text"].as_str().unwrap().starts_with("为了做好"))
        .unwrap();
    assert_eq!(
        body["section"],
        serde_json::json!(["一、总则", "（一）编制目的"])
    );
    let t = texts(&doc);
    assert!(t.contains(&"创建日期：2025-06-01".to_string()), "{t:?}");
    assert!(
        t.contains(&"一级\u{3000}\u{3000}暴雨红色预警\u{3000}\u{3000}市防汛抗旱指挥部".to_string())
    );
}

#[test]
fn a_pdf_is_joined_across_lines_and_pages_without_its_furniture() {
    let doc = inspect("formats/农村供水工程运行管理规定.pdf");
    assert_eq!(doc["title"], "农村供水工程运行管理规定");
    let t = texts(&doc);
    // Every body paragraph is one paragraph again, the third across the page break.
    let expected: Vec<String> = make_samples::PDF_BODY
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(t, expected);
}

#[test]
fn an_ofd_is_read_line_by_line() {
    let doc = inspect("formats/河道采砂许可批复.ofd");
    // The name below the issuer's masthead is the title.
    assert_eq!(doc["title"], "关于同意某某公司河道采砂许可的批复");
    let t = texts(&doc);
    assert_eq!(t[1], "某某县水利局");
    assert!(t.contains(
        &"你公司报来的河道采砂许可申请收悉。经审查，同意你公司在清水河下游段开采河砂，许可期限一年，年度开采总量不超过五万立方米。"
            .to_string()
    ), "{t:?}");
}

#[test]
fn phrases_of_every_format_are_found_and_furniture_is_not() {
    for (phrase, path) in [
        ("\"攀树折枝\"", "formats/古树名木保护管理办法.html"),
        ("\"泵站满负荷运行\"", "formats/城市排水防涝应急预案.docx"),
        (
            "\"检测报告，检测结果\"",
            "formats/农村供水工程运行管理规定.pdf",
        ),
        ("\"清水河下游段\"", "formats/河道采砂许可批复.ofd"),
    ] {
        let (code, v) = search_sample(phrase, &[]);
        assert_eq!(code, 0, "{phrase}");
        assert_eq!(v["total"], 1, "{phrase}: {v}");
        assert_eq!(v["hits"][0]["path"], path, "{phrase}");
    }
    for furniture in [
        "\"网站地图\"",
        "\"统计脚本\"",
        "\"某某县水利局文件\"",
        "\"主办单位\"",
    ] {
        let (code, v) = search_sample(furniture, &[]);
        assert_eq!(
            (code, &v["total"]),
            (1, &serde_json::json!(0)),
            "{furniture}: {v}"
        );
    }
}

#[test]
fn damaged_and_legacy_files_are_failed_with_their_reason_and_the_run_goes_on() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let docx = make_samples::docx();
    std::fs::write(corpus.join("cut.docx"), &docx[..docx.len() / 2]).unwrap();
    std::fs::write(corpus.join("broken.pdf"), b"%PDF-1.4\n1 0 obj <<").unwrap();
    std::fs::write(corpus.join("old.doc"), b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1").unwrap();
    std::fs::write(corpus.join("good.docx"), &docx).unwrap();
    std::fs::write(corpus.join("good.pdf"), make_samples::pdf()).unwrap();
    let idx = dir.path().join("index");
    let s = index_json(&corpus, &idx, &[]);
    assert_eq!(s["added"], 2, "{s}");
    let failed: Vec<(String, String)> = s["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    let reason = |p: &str| &failed.iter().find(|f| f.0 == p).unwrap().1;
    assert!(
        reason("cut.docx").starts_with("damaged DOCX file"),
        "{failed:?}"
    );
    assert!(
        reason("broken.pdf").starts_with("damaged PDF file"),
        "{failed:?}"
    );
    assert!(reason("old.doc").contains("save it as .docx"), "{failed:?}");
    assert_eq!(total(&idx, "\"泵站满负荷运行\""), 1);
    // Re-indexing reads nothing again: the readable files are unchanged (bytes hashed).
    let again = index_json(&corpus, &idx, &[]);
    assert_eq!(
        (again["added"].as_u64(), again["updated"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
    // A repaired file is read on the next run.
    std::fs::write(corpus.join("cut.docx"), &docx).unwrap();
    let repaired = index_json(&corpus, &idx, &[]);
    assert_eq!(repaired["added"], 1, "{repaired}");
    assert_eq!(total(&idx, "\"泵站满负荷运行\""), 2);
}

#[test]
fn a_hit_in_a_paged_file_says_its_page() {
    // The sample PDF has eight lines a page: articles one and two on page 1, article three
    // from page 1 across the break, four and five on page 2.
    for (phrase, page) in [
        ("\"乡镇人民政府负责\"", 1),
        ("\"检测报告，检测结果\"", 1),
        ("\"不得在水源保护范围内\"", 2),
        ("\"二〇二五年七月一日\"", 2),
    ] {
        let (code, v) = search_sample(phrase, &[]);
        assert_eq!(code, 0, "{phrase}: {v}");
        let hit = &v["hits"][0];
        assert_eq!(
            hit["path"], "formats/农村供水工程运行管理规定.pdf",
            "{phrase}"
        );
        assert_eq!(hit["page"], page, "{phrase}: {hit}");
    }
    // People read it beside the line; a text file has no page.
    let r = run(zhengce()
        .args([
            "search",
            "\"不得在水源保护范围内\"",
            "--color",
            "never",
            "--index",
        ])
        .arg(&sample_index().index));
    assert!(
        r.stdout().contains(".pdf:") && r.stdout().contains("(page 2)"),
        "{}",
        r.stdout()
    );
    let (_, v) = search_sample("\"攀树折枝\"", &[]);
    assert!(v["hits"][0].get("page").is_none(), "{v}");
}
