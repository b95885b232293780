//! Tests over the real corpus (`../shared/corpus`, see its README), found through the
//! environment variable `ZHENGCE_REAL_CORPUS`; without it each test shows as ignored, with why.
//! Run them in release mode, e.g.
//! `ZHENGCE_REAL_CORPUS=../shared/corpus cargo test --release --lib corpus -- --nocapture`.
//!
//! They check that every file decodes and parses, the Taiwan article structure, the
//! Constitution's chapters, articles and wrapped preamble, a known section path in a
//! government report, that hard-wrap joins in the reports never swallow a sentence end or a
//! heading, and that the `encodings/` copies decode to their UTF-8 twins. They print the
//! parse speed and per-folder join statistics.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use super::heading::{ends_sentence, match_label, LabelKind};
use super::*;

/// The text files under `root` (the other formats have their own tests).
fn files_under(root: &Path) -> Vec<CorpusFile> {
    walk(root)
        .expect("walk the corpus")
        .into_iter()
        .filter_map(|e| match e {
            WalkEvent::File(f) if Format::of(&f.rel) == Ok(Format::Text) => Some(f),
            _ => None,
        })
        .collect()
}

fn read(root: &Path, rel: &str) -> Document {
    let bytes = std::fs::read(root.join(rel)).expect("read corpus file");
    document_from_bytes(rel, &bytes).expect("decode corpus file")
}

fn is_article_label_alone(text: &str) -> bool {
    match_label(text).is_some_and(|l| l.kind == LabelKind::Article && l.len == text.len())
}

#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
#[test]
fn every_file_decodes_and_parses_fast() {
    let root = crate::real_corpus();
    let files = files_under(&root);
    assert!(files.len() >= 15_104, "found {} files", files.len());
    let start = Instant::now();
    let (mut bytes, mut paragraphs, mut errors) = (0u64, 0usize, Vec::new());
    let mut encodings: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        match read_document(f) {
            Ok(doc) => {
                bytes += f.size;
                paragraphs += doc.paragraphs.len();
                *encodings.entry(doc.encoding).or_default() += 1;
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "read+decode+parse: {} files, {bytes} bytes, {paragraphs} paragraphs in {secs:.2} s \
         ({:.1} MB/s); encodings {encodings:?}",
        files.len(),
        bytes as f64 / 1e6 / secs
    );
    assert!(
        errors.is_empty(),
        "{} files failed: {:?}",
        errors.len(),
        &errors[..errors.len().min(10)]
    );
    // Measured at about 3 s (50 MB/s) in release mode; a bound that catches a pathological
    // slowdown without failing on a busy machine.
    assert!(secs < 60.0, "parsing the corpus took {secs:.1} s");
}

#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
#[test]
fn encodings_decode_to_their_utf8_twins() {
    let root = crate::real_corpus();
    let cases = [
        (
            "gb18030/2008政府工作报告_温家宝.txt",
            "gov-reports/2008政府工作报告_温家宝.txt",
            "GB18030",
        ),
        (
            "gbk/2008政府工作报告_温家宝.txt",
            "gov-reports/2008政府工作报告_温家宝.txt",
            "GB18030",
        ),
        (
            "utf-16-le-bom/2008政府工作报告_温家宝.txt",
            "gov-reports/2008政府工作报告_温家宝.txt",
            "UTF-16LE BOM",
        ),
        (
            "big5/中華民國憲法.txt",
            "laws-tw/憲法/中華民國憲法.txt",
            "Big5",
        ),
        (
            "utf-8-sig/中華民國憲法.txt",
            "laws-tw/憲法/中華民國憲法.txt",
            "UTF-8 BOM",
        ),
    ];
    for (copy, twin, name) in cases {
        let bytes = std::fs::read(root.join("encodings").join(copy)).expect("read copy");
        let (text, enc) = decode(&bytes).unwrap_or_else(|e| panic!("{copy}: {e}"));
        let twin_text = std::fs::read_to_string(root.join(twin)).expect("read twin");
        let twin_text = twin_text.strip_prefix('\u{FEFF}').unwrap_or(&twin_text);
        assert_eq!(enc.name(), name, "{copy}");
        assert!(text == twin_text, "{copy} differs from {twin}");
    }
}

#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
#[test]
fn constitution_chapters_articles_and_preamble() {
    let root = crate::real_corpus();
    let doc = read(&root, "laws-tw/憲法/中華民國憲法.txt");
    assert_eq!(doc.title, "中華民國憲法");
    assert_eq!(doc.metadata.len(), 2, "{:?}", doc.metadata);
    let headings = |kind: LabelKind| {
        doc.paragraphs
            .iter()
            .filter(|p| p.kind == ParagraphKind::Heading)
            .filter(|p| match_label(&p.text).is_some_and(|l| l.kind == kind))
            .count()
    };
    assert_eq!(headings(LabelKind::Chapter), 14);
    assert_eq!(headings(LabelKind::Article), 175);
    // The two header fields stay paragraphs, between the title and the preamble.
    assert!(doc.paragraphs[1..3]
        .iter()
        .all(|p| p.kind == ParagraphKind::Metadata));
    assert_eq!(doc.paragraphs[1].text, "修正日期：民國 36 年 01 月 01 日");
    let preamble = &doc.paragraphs[3];
    assert_eq!(preamble.lines, [4, 6]);
    assert!(preamble.text.starts_with("中華民國國民大會") && preamble.text.ends_with("永矢咸遵。"));
    assert!(preamble.section.is_empty());
    let first_article = doc
        .paragraphs
        .iter()
        .find(|p| p.text.starts_with("中華民國基於三民主義"));
    assert_eq!(
        first_article.map(|p| p.section.clone()),
        Some(vec!["第 一 章 總綱".into(), "第 1 條".into()])
    );
}

#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
#[test]
fn taiwan_article_labels_are_sections() {
    let root = crate::real_corpus();
    let files = files_under(&root.join("laws-tw"));
    assert_eq!(files.len(), 11_547);
    let (mut articles, mut under_item_heading) = (0usize, 0usize);
    for f in &files {
        let doc = read_document(f).expect("parse");
        let raw = std::fs::read_to_string(&f.path).expect("read");
        let label_lines = raw
            .lines()
            .filter(|l| is_article_label_alone(l.trim()))
            .count();
        let mut seen = 0;
        // The most recent chapter heading that is not closed by a later 編 heading.
        let mut chapter: Option<&str> = None;
        let mut open: Option<(&Paragraph, usize)> = None;
        for p in &doc.paragraphs {
            let label = match_label(&p.text);
            if let Some(l) = label.filter(|l| l.kind.is_division()) {
                assert_eq!(p.kind, ParagraphKind::Heading, "{}: {}", f.rel, p.text);
                match l.kind {
                    LabelKind::Part => chapter = None,
                    LabelKind::Chapter => chapter = Some(&p.text),
                    _ => {}
                }
                open = None;
                continue;
            }
            if is_article_label_alone(&p.text) {
                assert_eq!(p.kind, ParagraphKind::Heading, "{}: {}", f.rel, p.text);
                if let Some(ch) = chapter {
                    assert!(
                        p.section.iter().any(|s| s == ch),
                        "{}: {} not in {ch}: {:?}",
                        f.rel,
                        p.text,
                        p.section
                    );
                }
                seen += 1;
                open = Some((p, p.section.len()));
                continue;
            }
            if let Some((art, depth)) = open {
                let where_ = || format!("{} line {}: {:?}", f.rel, p.lines[0], p.section);
                assert!(p.section.len() > depth, "{}", where_());
                assert_eq!(p.section[..depth], art.section[..], "{}", where_());
                assert_eq!(p.section[depth], art.text, "{}", where_());
                // Below the article only item labels: enumeration items are closed by the
                // next unlabeled paragraph, so that one normally ends with the article
                // label; only an item label alone on its line (`(六)`) heads what follows.
                for s in &p.section[depth + 1..] {
                    let item = match_label(s).is_some_and(|l| l.kind.is_item());
                    assert!(item, "{}", where_());
                }
                if label.is_none() && p.section.last() != Some(&art.text) {
                    under_item_heading += 1;
                }
            }
        }
        assert_eq!(seen, label_lines, "{}: article labels", f.rel);
        articles += seen;
    }
    println!(
        "laws-tw: {articles} article labels checked; {under_item_heading} unlabeled paragraphs \
         sit under an item label alone on its line"
    );
    assert!(articles > 200_000);
}

#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
#[test]
fn report_2008_section_path() {
    let root = crate::real_corpus();
    let doc = read(&root, "gov-reports/2008政府工作报告_温家宝.txt");
    assert_eq!(doc.title, "2008政府工作报告");
    let heading = "（一）加强和改善宏观调控，促进经济平稳快速发展";
    let i = doc
        .paragraphs
        .iter()
        .position(|p| p.text == heading)
        .expect("heading");
    assert_eq!(doc.paragraphs[i].kind, ParagraphKind::Heading);
    let next = &doc.paragraphs[i + 1];
    assert_eq!(next.kind, ParagraphKind::Body);
    assert_eq!(next.section, ["一、 过去五年工作回顾", heading]);
}

#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
#[test]
fn hard_wrap_joins_per_folder() {
    let root = crate::real_corpus();
    let mut stats: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for f in files_under(&root) {
        let doc = read_document(&f).expect("parse");
        let folder = f.rel.split('/').next().unwrap_or("").to_string();
        let raw = std::fs::read_to_string(&f.path).unwrap_or_default();
        let lines: Vec<&str> = raw.lines().collect();
        let entry = stats.entry(folder.clone()).or_default();
        entry.0 += doc.paragraphs.len();
        for p in doc.paragraphs.iter().filter(|p| p.lines[0] < p.lines[1]) {
            entry.1 += 1;
            if folder != "gov-reports" {
                continue;
            }
            for n in p.lines[0]..p.lines[1] {
                let line = lines[n as usize - 1].trim();
                assert!(
                    !ends_sentence(line),
                    "{} line {n} ends a sentence but was joined",
                    f.rel
                );
                assert!(line != doc.title, "{}: title joined", f.rel);
                assert!(
                    match_label(line).is_none_or(|l| !l.kind.is_division()),
                    "{} line {n}: heading joined",
                    f.rel
                );
            }
        }
    }
    for (folder, (paragraphs, joined)) in &stats {
        println!("{folder}: {paragraphs} paragraphs, {joined} joined from several lines");
    }
}
