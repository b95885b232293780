//! Finding what staff mean (issue 19): a law's name and its article, a document by its
//! name, words found in a paragraph's context, words as words, copies folded, one entry per
//! document, neighbouring paragraphs, answers with most terms when none has all, fragments
//! below sentences, highlights that read well. The corpus is written here, in both layouts
//! of statutes (a title line, or a first chapter heading and the name in the file name).

use std::sync::OnceLock;

use serde_json::Value;

use crate::harness::*;

/// (path, text) of the documents.
const FILES: &[(&str, &str)] = &[
    (
        "laws/数据资源管理法(2023-05-10).md",
        "# 中华人民共和国数据资源管理法\n\
         \n\
         ## 第一章 总则\n\
         \n\
         第一条 为了规范数据资源的登记、共享和开放，保障数据资源安全，制定本法。\n\
         \n\
         第二条 本法所称数据资源，是指国家机关在履行职责过程中形成的电子记录。\n\
         \n\
         ## 第二章 登记\n\
         \n\
         第十条 数据资源实行分级登记。登记机关应当在十五日内完成审核。\n\
         \n\
         （一）一般数据资源，由县级登记机关登记；\n\
         \n\
         （二）重要数据资源，由省级登记机关登记。\n\
         \n\
         第十一条 登记机关不得收取登记费用。\n\
         ",
    ),
    (
        "laws/数据资源管理法(2025-03-01).md",
        "# 中华人民共和国数据资源管理法\n\
         \n\
         ## 第一章 总则\n\
         \n\
         第一条 为了规范数据资源的登记、共享和开放，保障数据资源安全，制定本法。\n\
         \n\
         第二条 本法所称数据资源，是指国家机关和受委托单位在履行职责过程中形成的电子记录。\n\
         \n\
         ## 第二章 登记\n\
         \n\
         第十条 数据资源实行分类分级登记。登记机关应当在十个工作日内完成审核。\n\
         \n\
         （一）一般数据资源，由县级登记机关登记；\n\
         \n\
         （二）重要数据资源，由省级登记机关登记；\n\
         \n\
         （三）核心数据资源，由国家登记机关登记。\n\
         \n\
         第十一条 登记机关不得收取登记费用。\n\
         ",
    ),
    (
        "notices/关于执行登记规定的通知.txt",
        "关于执行登记规定的通知\n\
         \n\
         各单位应当严格执行数据资源管理法第十条的规定，数据资源管理法第十条所称分级登记，按照本通知附件办理。\n\
         \n\
         对照数据资源管理法第十条和第十一条，逐项检查登记工作，数据资源管理法第十条规定的期限不得延长。\n\
         ",
    ),
    (
        "regulations/档案保管条例(2019-07-01).md",
        "# 第一章 总则\n\
         \n\
         第一条 为了规范档案保管工作，保障档案完整与安全，制定本条例。\n\
         \n\
         第二条 档案保管单位应当建立档案库房温湿度记录制度。\n\
         \n\
         # 第二章 保管\n\
         \n\
         第三条 档案库房应当配备防火、防潮、防虫设施。\n\
         ",
    ),
    (
        "reports/财政工作报告.txt",
        "财政工作报告\n\
         \n\
         一、收入情况\n\
         \n\
         全年税收收入增长百分之五，税收结构持续优化，主体税种运行平稳。\n\
         \n\
         非税收入下降百分之五十，非税收入占比回落至百分之十二。\n\
         \n\
         国有资源有偿使用收入和非税收入专项清理工作全面完成，清理非税收入项目四十个。\n\
         \n\
         二、支出情况\n\
         \n\
         国务院要求各级财政压减一般性支出，2016年起实行零基预算，国发〔2019〕7号文件明确的减税政策全部落地。\n\
         ",
    ),
    (
        "reports/科技发展规划.txt",
        "科技发展规划\n\
         \n\
         一、总体目标\n\
         \n\
         推进AI与实体经济深度融合，到2027年建成5G基站一百万个。\n\
         \n\
         支持企业开发政务服务APP，推动移动办事全程网办。\n\
         \n\
         二、监测与防治\n\
         \n\
         Air quality monitoring stations cover every county, and plain-language reports are published monthly.\n\
         \n\
         加强AIDS防治宣传，免费提供检测服务。\n\
         \n\
         在5.725GHz频段开展无线电频率规划试点。\n\
         ",
    ),
    (
        "org/甲局组织规程.txt",
        "甲局组织规程\n\
         \n\
         第一条 本规程依甲局组织法制定。\n\
         \n\
         第二条 本局置局长一人，综理局务，并指挥监督所属员工。\n\
         \n\
         第三条 甲局设业务组，掌理河川测量事项。\n\
         ",
    ),
    (
        "org/乙局组织规程.txt",
        "乙局组织规程\n\
         \n\
         第一条 本规程依乙局组织法制定。\n\
         \n\
         第二条 本局置局长一人，综理局务，并指挥监督所属员工。\n\
         \n\
         第三条 乙局设业务组，掌理港口疏浚事项。\n\
         ",
    ),
    (
        "org/丙局组织规程.txt",
        "丙局组织规程\n\
         \n\
         第一条 本规程依丙局组织法制定。\n\
         \n\
         第二条 本局置局长一人，综理局务，并指挥监督所属员工。\n\
         \n\
         第三条 丙局设业务组，掌理海岸巡查事项。\n\
         ",
    ),
    (
        "tables/数据目录编制说明.txt",
        "数据目录编制说明\n\
         \n\
         │数据目录│      │数据目录│      │\n\
         \n\
         二、数据目录：\n\
         \n\
         各部门应当按季度更新数据目录，并向社会公开数据目录的变更情况。\n\
         ",
    ),
    (
        "tw/個人資料保護辦法.txt",
        "個人資料保護辦法\n\
         \n\
         第 1 條\n\
         本辦法為保障個人資料安全而訂定。\n\
         \n\
         第 2 條\n\
         機關蒐集個人資料，應於計畫書中載明目的。\n\
         ",
    ),
];

fn indexed() -> &'static Written {
    static ONCE: OnceLock<Written> = OnceLock::new();
    ONCE.get_or_init(|| Written::new(FILES))
}

/// `zhengce search QUERY --json EXTRA...` over the corpus: (exit code, answer).
fn search(query: &str, extra: &[&str]) -> (i32, Value) {
    indexed().search(query, extra)
}

/// `zhengce search QUERY EXTRA...` as a person reads it.
fn search_human(query: &str, extra: &[&str]) -> String {
    indexed().search_human(query, extra)
}

fn hits(v: &Value) -> &Vec<Value> {
    v["hits"].as_array().unwrap()
}

fn text(h: &Value) -> &str {
    h["text"].as_str().unwrap()
}

fn in_section(h: &Value, label: &str) -> bool {
    (h["section"].as_array().unwrap().iter()).any(|s| s.as_str() == Some(label))
}

const NEW: &str = "laws/数据资源管理法(2025-03-01).md";
const OLD: &str = "laws/数据资源管理法(2023-05-10).md";

#[test]
fn a_law_and_its_article_come_first_in_either_script_and_typed_as_one_string() {
    // The notice cites 数据资源管理法第十条 four times in its text; the law's article holds
    // the name only in its title. The article's own paragraph, then its clauses, of the
    // current version.
    for q in [
        "数据资源管理法 第十条",
        "数据资源管理法第十条",
        "數據資源管理法 第十條",
        "中华人民共和国数据资源管理法 第十条",
    ] {
        let (code, v) = search(q, &[]);
        assert_eq!(code, 0, "{q}");
        let top = &hits(&v)[..3];
        assert_eq!(top[0]["path"], NEW, "{q}: {v}");
        assert!(text(&top[0]).starts_with("第十条"), "{q}: {v}");
        for h in top {
            assert!(in_section(h, "第十条"), "{q}: {h}");
            assert!(h["path"] == NEW || h["path"] == OLD, "{q}: {h}");
        }
        assert!(text(&top[1]).starts_with("（一）"), "{q}: {v}");
        // The words of the name are found in the title, the label in the text and heading.
        let found = top[0]["found"].as_array().unwrap();
        assert!(found
            .iter()
            .any(|f| f["term"] == "第十条" && f["in"] == serde_json::json!(["text", "heading"])));
        assert!(found
            .iter()
            .any(|f| f["in"] == serde_json::json!(["title"])));
    }
}

#[test]
fn an_article_typed_as_the_file_writes_it_with_spaces_comes_first() {
    // Taiwan's statutes write 第 2 條; a user copies it as it stands, or types it in the
    // other script, or without the spaces.
    for q in [
        "個人資料保護辦法 第 2 條",
        "个人资料保护办法 第 2 条",
        "個人資料保護辦法 第2條",
    ] {
        let (code, v) = search(q, &[]);
        assert_eq!(code, 0, "{q}: {v}");
        assert_eq!(v["partial"], false, "{q}: {v}");
        let first = &hits(&v)[0];
        // The label stands alone on its line and heads the article's text.
        assert!(in_section(first, "第 2 條"), "{q}: {v}");
        assert!(text(first).starts_with("機關蒐集"), "{q}: {v}");
    }
}

#[test]
fn a_document_is_found_by_its_name_without_the_state_prefix_the_newest_first() {
    // Only the current version answers by default (issue 21); every version ranks newest
    // first.
    let (_, v) = search("数据资源管理法", &[]);
    assert!((hits(&v).iter()).all(|h| h["path"] != OLD), "{v}");
    let (_, v) = search("数据资源管理法", &["--all-copies", "--versions", "all"]);
    let top: Vec<(&str, u64)> = (hits(&v).iter())
        .take(2)
        .map(|h| {
            (
                h["path"].as_str().unwrap(),
                h["paragraph"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(top, [(NEW, 0), (OLD, 0)], "{v}");
    assert_eq!(hits(&v)[0]["title"], "中华人民共和国数据资源管理法");
    // Folded, the title lines are one hit that names the older version.
    let (_, v) = search("数据资源管理法", &["--versions", "all"]);
    assert_eq!(hits(&v)[0]["path"], NEW);
    assert_eq!(hits(&v)[0]["copies"]["paths"], serde_json::json!([OLD]));
}

#[test]
fn a_file_that_begins_with_a_chapter_is_named_by_its_file_name() {
    let path = "regulations/档案保管条例(2019-07-01).md";
    let (_, v) = search("档案保管条例", &[]);
    let first = &hits(&v)[0];
    assert_eq!(
        (&first["path"], &first["paragraph"]),
        (&path.into(), &0.into()),
        "{v}"
    );
    assert_eq!(first["title"], "档案保管条例");
    // The chapter heading is a section of chapter one's paragraphs, not the title.
    let (_, v) = search("温湿度", &[]);
    assert_eq!(
        hits(&v)[0]["section"],
        serde_json::json!(["第一章 总则", "第二条"])
    );
    // A word of the title and one of a heading find the paragraphs they enclose, saying
    // where each word was found.
    let (_, v) = search("档案 总则", &[]);
    let first = &hits(&v)[0];
    assert!(in_section(first, "第一章 总则"), "{v}");
    let found = first["found"].as_array().unwrap();
    assert_eq!(found[0]["term"], "档案");
    assert!(found[0]["in"].as_array().unwrap().contains(&"title".into()));
    assert_eq!(found[1]["term"], "总则");
    assert!(found[1]["in"]
        .as_array()
        .unwrap()
        .contains(&"heading".into()));
}

#[test]
fn a_term_inside_other_words_still_matches_but_counts_far_less() {
    // 税收 stands whole in one paragraph and inside 非税收入 in two.
    let (_, v) = search("税收", &[]);
    assert_eq!(v["total"], 3, "recall stays whole: {v}");
    let first = &hits(&v)[0];
    assert!(text(first).starts_with("全年税收收入"), "{v}");
    let top = first["score"].as_f64().unwrap();
    for h in &hits(&v)[1..] {
        assert!(text(h).contains("非税收入"), "{h}");
        assert!(h["score"].as_f64().unwrap() < top / 4.0, "{v}");
    }
    // A quoted phrase keeps its substring meaning.
    assert_eq!(search("\"税收\"", &[]).1["total"], 3);
}

#[test]
fn latin_words_and_numbers_match_whole() {
    // Air, plain, AIDS, 5.725GHz, 百分之五十 and 2027年's 202 are not what is asked for.
    for (q, expected) in [
        ("AI", "推进AI与实体经济"),
        ("ai", "推进AI与实体经济"),
        ("APP", "支持企业开发政务服务APP"),
        ("5G", "推进AI与实体经济"),
        ("百分之五", "全年税收收入增长百分之五"),
        ("2027", "推进AI与实体经济"),
    ] {
        let (_, v) = search(q, &[]);
        assert_eq!(v["total"], 1, "{q}: {v}");
        assert!(text(&hits(&v)[0]).starts_with(expected), "{q}: {v}");
    }
    assert_eq!(search("202", &[]).1["total"], 0);
    // Quoted, a phrase is a substring again, whole occurrences first.
    let (_, v) = search("\"ai\"", &[]);
    assert_eq!(v["total"], 3, "AI, Air and AIDS: {v}");
    assert!(text(&hits(&v)[0]).starts_with("推进AI"), "{v}");
    let (_, v) = search("\"百分之五\"", &[]);
    assert_eq!(v["total"], 2, "{v}");
    assert!(text(&hits(&v)[0]).starts_with("全年"), "{v}");
}

#[test]
fn copies_fold_into_one_hit_that_names_the_others() {
    let (_, v) = search("综理局务", &[]);
    assert_eq!((&v["total"], &v["distinct"]), (&3.into(), &1.into()), "{v}");
    let hit = &hits(&v)[0];
    assert_eq!(hit["copies"]["count"], 2, "{v}");
    assert_eq!(hit["copies"]["paths"].as_array().unwrap().len(), 2);
    let human = search_human("综理局务", &[]);
    assert!(
        human.contains("the same text in 2 more paragraphs"),
        "{human}"
    );
    assert!(
        human.contains("3 paragraphs match 综理局务 (1 distinct text)"),
        "{human}"
    );
    // Every copy on its own.
    let (_, v) = search("综理局务", &["--all-copies"]);
    assert_eq!((&v["total"], &v["distinct"]), (&3.into(), &3.into()));
    assert_eq!(hits(&v).len(), 3);
    assert!(hits(&v).iter().all(|h| h.get("copies").is_none()), "{v}");
}

#[test]
fn one_entry_per_document_and_counts_only() {
    let (_, all) = search("登记", &["--all-copies", "--limit", "100"]);
    let (code, v) = search("登记", &["--by-doc", "--limit", "100"]);
    assert_eq!(code, 0);
    assert!(hits(&v).is_empty());
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(v["distinct"], docs.len(), "{v}");
    let matches: u64 = docs.iter().map(|d| d["matches"].as_u64().unwrap()).sum();
    assert_eq!(matches, v["total"].as_u64().unwrap());
    assert_eq!(v["total"], all["total"]);
    for d in docs {
        let best = d["hits"].as_array().unwrap();
        assert!(!best.is_empty() && best.len() <= 3, "{d}");
        assert!(best.iter().all(|h| h["path"] == d["path"]), "{d}");
        assert!(best.iter().all(|h| h["section"].is_array()), "{d}");
    }
    let human = search_human("登记", &["--by-doc"]);
    assert!(human.contains("matching paragraphs"), "{human}");
    // Counts only.
    let (code, v) = search("登记", &["--count"]);
    assert_eq!(code, 0);
    assert!(hits(&v).is_empty());
    assert_eq!(v["total"], all["total"]);
    let human = search_human("登记", &["--count"]);
    assert_eq!(human.lines().count(), 1, "{human}");
    assert!(
        human.starts_with(&format!("{} paragraphs match 登记", all["total"])),
        "{human}"
    );
}

#[test]
fn context_shows_the_neighbouring_paragraphs_of_the_document() {
    let (_, v) = search("温湿度", &["--context", "1"]);
    let c = &hits(&v)[0]["context"];
    let texts = |side: &str| -> Vec<String> {
        (c[side].as_array().unwrap().iter())
            .map(|p| p["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        texts("before"),
        ["第一条 为了规范档案保管工作，保障档案完整与安全，制定本条例。"]
    );
    assert_eq!(texts("after"), ["第二章 保管"]);
    // The first paragraph has nothing before it.
    let (_, v) = search("档案保管条例", &["--context", "2"]);
    let c = &hits(&v)[0]["context"];
    assert!(c["before"].as_array().is_none_or(Vec::is_empty), "{c}");
    assert_eq!(c["after"].as_array().unwrap().len(), 2);
    let human = search_human("温湿度", &["--context", "1"]);
    assert!(human.contains("第二章 保管"), "{human}");
    // Without the flag, no context.
    assert!(hits(&search("温湿度", &[]).1)[0].get("context").is_none());
}

#[test]
fn a_query_no_paragraph_answers_whole_gets_those_with_most_of_it() {
    let (code, v) = search("数据资源管理法 火星", &[]);
    assert_eq!(code, 1, "nothing holds every term: {v}");
    assert_eq!(v["partial"], true);
    assert!(v["total"].as_u64().unwrap() > 0);
    for h in hits(&v) {
        assert_eq!(h["missing"], serde_json::json!(["火星"]), "{h}");
    }
    let human = search_human("数据资源管理法 火星", &[]);
    assert!(
        human.contains("No paragraph has every part of the query; these have most of them. The best lack: 火星."),
        "{human}"
    );
    assert!(human.contains("lacks: 火星"), "{human}");
    // A whole answer says it is whole; a filter is never dropped.
    let (code, v) = search("数据资源管理法", &[]);
    assert_eq!((code, &v["partial"]), (0, &false.into()));
    let (code, v) = search("数据资源管理法 登记 path:notices", &[]);
    assert_eq!((code, &v["partial"]), (0, &false.into()), "{v}");
    let (code, v) = search("数据资源管理法 火星 path:nowhere", &[]);
    assert_eq!((code, &v["total"]), (1, &0.into()), "{v}");
}

#[test]
fn a_label_or_a_table_row_does_not_outrank_a_sentence() {
    let (_, v) = search("\"数据目录\"", &[]);
    assert!(text(&hits(&v)[0]).starts_with("各部门应当"), "{v}");
    // Bare, the words half name the document, whose title line comes first; then the
    // sentence, before the label and the row.
    let (_, v) = search("数据目录", &[]);
    let order: Vec<&str> = hits(&v).iter().map(text).collect();
    assert_eq!(order[0], "数据目录编制说明", "{v}");
    assert!(order[1].starts_with("各部门应当"), "{v}");
}

#[test]
fn highlights_merge_and_the_pieces_of_a_term_are_marked_where_they_stand_together() {
    let spans = |q: &str| -> Vec<String> {
        let (_, v) = search(q, &[]);
        let h = &hits(&v)[0];
        let t = text(h);
        (h["highlights"].as_array().unwrap().iter())
            .map(|s| {
                chars(
                    t,
                    s[0].as_u64().unwrap() as usize,
                    s[1].as_u64().unwrap() as usize,
                )
            })
            .collect()
    };
    assert_eq!(spans("2016年"), ["2016年"]);
    assert_eq!(spans("国发〔2019〕7号"), ["国发〔2019〕7号"]);
    assert_eq!(
        spans("\"数据资源管理法第十条\""),
        ["数据资源管理法第十条"; 2]
    );
}
