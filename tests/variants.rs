//! Same meaning, other form (issue 20): article numbers in any numerals, years, document-
//! number brackets, the other side's vocabulary (计划/計畫, 人工智能/人工智慧, 随着/隨著), a
//! user's own groups, `--literal` and `literal:`, and which forms each hit was found as. The
//! corpus is written here: a mainland statute, a Taiwan statute, a Taiwan plan and a notice.

use std::sync::OnceLock;

use serde_json::Value;

use crate::harness::*;

/// (path, text) of the documents.
const FILES: &[(&str, &str)] = &[
    (
        "cn/中华人民共和国示例民法.md",
        "# 中华人民共和国示例民法\n\
         \n\
         第一百八十四条 因自愿实施紧急救助行为造成受助人损害的，救助人不承担民事责任。\n\
         \n\
         第一百零五条 法人可以依法设立分支机构。\n\
         \n\
         第六条之一 民事主体从事民事活动，应当遵循公平原则。\n\
         ",
    ),
    (
        "tw/示例憲法.txt",
        "示例憲法\n\
         \n\
         第 10 條\n\
         人民有居住及遷徙之自由。\n\
         \n\
         第 184 條\n\
         國家應推動人工智慧研究，並訂定綜合計畫。\n\
         \n\
         第 20 條\n\
         人民有依法律納稅之義務，不得干涉司法。\n\
         ",
    ),
    (
        "tw/國土示例計畫.txt",
        "國土示例計畫\n\
         \n\
         一、綜合計畫處掌理左列事項。\n\
         \n\
         二、隨著數位經濟發展，軟體產業應予扶植。\n\
         \n\
         三、本計畫自民國94年起實施，二〇二四年檢討。\n\
         \n\
         四、乾旱地區應加強水資源調度。\n\
         \n\
         五、台灣地區應加強颱風防救。\n\
         ",
    ),
    (
        "cn/关于推进示例工作的通知.txt",
        "关于推进示例工作的通知\n\
         \n\
         一、根据法释〔2020〕26号和2024年工作计划，推进人工智能与数字经济发展。\n\
         \n\
         二、随着软件产业发展，各地应当加强统筹，干部要带头。\n\
         \n\
         三、推进“一带一路”建设，落实〈规划〉要求——统筹推进。\n\
         ",
    ),
];

fn written() -> &'static Written {
    static ONCE: OnceLock<Written> = OnceLock::new();
    ONCE.get_or_init(|| Written::new(FILES))
}

fn index() -> &'static std::path::Path {
    &written().index
}

/// `zhengce search QUERY --json EXTRA...`: (exit code, answer).
fn search(query: &str, extra: &[&str]) -> (i32, Value) {
    written().search(query, extra)
}

fn texts(v: &Value) -> Vec<String> {
    (v["hits"].as_array().unwrap().iter())
        .map(|h| h["text"].as_str().unwrap().to_string())
        .collect()
}

/// The forms the hits were found as (`found[].as`), all together.
fn found_as(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for h in v["hits"].as_array().unwrap() {
        for f in h["found"].as_array().unwrap() {
            for a in f["as"].as_array().into_iter().flatten() {
                out.push(a.as_str().unwrap().to_string());
            }
        }
    }
    out
}

fn any_holds(v: &Value, needle: &str) -> bool {
    texts(v).iter().any(|t| t.contains(needle))
}

#[test]
fn article_numbers_in_any_numerals() {
    let (code, v) = search("示例民法 第184条", &[]);
    assert_eq!(code, 0, "{v}");
    assert!(texts(&v)[0].starts_with("第一百八十四条"), "{v}");
    assert!(found_as(&v).contains(&"第一百八十四条".to_string()), "{v}");
    // And back: Chinese numerals find Arabic ones, in the other script too.
    let (_, v) = search("示例憲法 第十條", &[]);
    assert_eq!(texts(&v)[0], "人民有居住及遷徙之自由。", "{v}");
    let (_, v) = search("示例宪法 第一百八十四条", &[]);
    assert!(texts(&v)[0].contains("人工智慧"), "{v}");
    // 零 and 〇, 第6-1条 and 第六条之一.
    assert!(any_holds(
        &search("\"第一百〇五条\"", &[]).1,
        "第一百零五条"
    ));
    assert!(any_holds(&search("\"第105条\"", &[]).1, "第一百零五条"));
    assert!(any_holds(&search("\"第6-1条\"", &[]).1, "第六条之一"));
}

#[test]
fn years_and_brackets_of_document_numbers() {
    let (_, v) = search("\"法释[2020]26号\"", &[]);
    assert!(any_holds(&v, "法释〔2020〕26号"), "{v}");
    let (_, v) = search("\"法释（2020）26号\"", &[]);
    assert!(any_holds(&v, "法释〔2020〕26号"), "{v}");
    let (_, v) = search("\"2024年\"", &[]);
    assert!(
        any_holds(&v, "二〇二四年") && any_holds(&v, "2024年工作"),
        "{v}"
    );
    let (_, v) = search("\"民国九十四年\"", &[]);
    assert!(any_holds(&v, "民國94年"), "{v}");
}

#[test]
fn the_other_sides_vocabulary_both_ways() {
    // 计划 finds Taiwan's 計畫 (计画 character by character), and the other way round.
    let (_, v) = search("计划", &[]);
    assert!(
        any_holds(&v, "綜合計畫") && any_holds(&v, "工作计划"),
        "{v}"
    );
    assert!(found_as(&v).contains(&"计画".to_string()), "{v}");
    let (_, v) = search("計畫", &[]);
    assert!(any_holds(&v, "工作计划"), "{v}");
    // Policy terms from the curated table; jieba would cut 人工智慧 into two words.
    for (q, there) in [
        ("人工智慧", "人工智能与"),
        ("人工智能", "推動人工智慧"),
        ("数位经济", "数字经济"),
        ("软件", "軟體產業"),
        ("\"隨著\"", "随着软件"),
        ("\"随着\"", "隨著數位"),
    ] {
        assert!(
            any_holds(&search(q, &[]).1, there),
            "{q} should find {there}"
        );
    }
    // A text that begins inside a phrase the phrase table converts (綜合計畫處).
    let (_, v) = search("\"划处掌理左列事项\"", &[]);
    assert!(any_holds(&v, "綜合計畫處掌理"), "{v}");
}

#[test]
fn literal_searches_as_written_and_ranks_forms_a_little_lower() {
    let (_, v) = search("计划", &["--literal"]);
    assert!(!any_holds(&v, "計畫"), "{v}");
    let (_, v) = search("literal:计划", &[]);
    assert!(!any_holds(&v, "計畫"), "{v}");
    let (code, v) = search("literal:\"法释[2020]26号\"", &[]);
    assert_eq!((code, v["total"].as_u64()), (1, Some(0)), "{v}");
    // Literal matches first among equals, forms still on the first page.
    let (_, v) = search("随着", &[]);
    assert_eq!(texts(&v).len(), 2, "{v}");
    assert!(texts(&v)[0].contains("随着"), "{v}");
    let scores: Vec<f64> = (v["hits"].as_array().unwrap().iter())
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores[1] >= 0.8 * scores[0], "{scores:?}");
    // --literal and --variants do not go together.
    let r = run(zhengce()
        .args([
            "search",
            "计划",
            "--literal",
            "--variants",
            "x.txt",
            "--index",
        ])
        .arg(index()));
    assert_eq!(r.code(), 2);
}

#[test]
fn a_users_own_groups_from_a_file() {
    let dir = tempdir();
    let file = dir.path().join("mine.txt");
    std::fs::write(&file, "# 水资源\n水资源调度 水利调配\n").unwrap();
    let mine = file.to_str().unwrap();
    let (code, v) = search("水利调配", &[]);
    assert_eq!(code, 1, "{v}");
    let (code, v) = search("水利调配", &["--variants", mine]);
    assert_eq!(code, 0, "{v}");
    assert!(any_holds(&v, "水資源調度"), "{v}");
    // A bad line names the file and line.
    std::fs::write(&file, "甲 乙\n孤\n").unwrap();
    let r = run(zhengce()
        .args(["search", "甲", "--variants", mine, "--index"])
        .arg(index()));
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("mine.txt:2"), "{}", r.stderr());
}

#[test]
fn human_output_marks_a_hit_found_through_another_form() {
    let r = run(zhengce()
        .args(["search", "計畫", "--color", "never", "--index"])
        .arg(index()));
    assert!(r.stdout().contains("found 计画 as 计划"), "{}", r.stdout());
}

#[test]
fn quotes_title_marks_and_dashes_of_every_kind_are_alike() {
    for q in [
        "\"推进「一带一路」建设\"",
        "\"推进＂一带一路＂建设\"",
        "\"推进『一带一路』建设\"",
        "\"落实《规划》要求--统筹\"",
        "\"落实〈规划〉要求——统筹\"",
    ] {
        assert!(any_holds(&search(q, &[]).1, "推进“一带一路”建设"), "{q}");
    }
}

/// The highlighted text of every hit of `v`, each hit's spans in order.
fn highlighted(v: &Value) -> Vec<Vec<String>> {
    (v["hits"].as_array().unwrap().iter())
        .map(|h| {
            let text = h["text"].as_str().unwrap();
            (h["highlights"].as_array().unwrap().iter())
                .map(|s| {
                    chars(
                        text,
                        s[0].as_u64().unwrap() as usize,
                        s[1].as_u64().unwrap() as usize,
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_traditional_query_does_not_match_another_traditional_character() {
    // 乾, 幹 and 干 are all 干 under N. Typed in Traditional script, 乾 means 乾: in Taiwan's
    // texts it finds 乾旱, not 干涉; in a Simplified paragraph 干 may stand for it.
    for extra in [&[][..], &["--literal"][..]] {
        let (code, v) = search("\"乾\"", extra);
        assert_eq!(code, 0, "{v}");
        let found = texts(&v);
        assert!(found.iter().any(|t| t.contains("乾旱")), "{v}");
        assert!(found.iter().any(|t| t.contains("干部")), "{v}");
        assert!(!found.iter().any(|t| t.contains("干涉")), "{extra:?}: {v}");
        for spans in highlighted(&v) {
            assert!(
                !spans.is_empty() && spans.iter().all(|s| s == "乾" || s == "干"),
                "{v}"
            );
        }
    }
    // The Simplified 干 stands for any of them.
    let (_, v) = search("\"干\"", &[]);
    for needle in ["乾旱", "干涉", "干部"] {
        assert!(any_holds(&v, needle), "{needle}: {v}");
    }
    // 幹部 (Traditional) finds the mainland's 干部, and 干涉 only as 干涉.
    let (_, v) = search("\"幹部\"", &[]);
    assert!(any_holds(&v, "干部"), "{v}");
    let (_, v) = search("\"干涉司法\"", &[]);
    assert!(any_holds(&v, "干涉"), "{v}");
    let (_, v) = search("\"不得乾涉\"", &[]);
    assert_eq!(v["total"], 0, "{v}");
    // Variants of one character still match each other (臺/台 are one class), 颱 is another.
    let (_, v) = search("\"臺灣地區\"", &[]);
    assert!(any_holds(&v, "台灣地區"), "{v}");
    let (_, v) = search("\"臺風\"", &[]);
    assert_eq!(v["total"], 0, "{v}");
    let (_, v) = search("\"颱風\"", &[]);
    assert!(any_holds(&v, "颱風"), "{v}");
}
