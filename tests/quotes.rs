//! Pasted sentences with their own quotes, escapes, and the script of the output (issue 20):
//! a phrase keeps the quotes inside it, `\"` stands for a quote, and `--script simp|trad`
//! converts the title, the section path and the neighbours as well as the paragraph, in
//! JSON and for people, by paragraph and by document. The corpus is written here.

use std::sync::OnceLock;

use serde_json::Value;
use zhengce::analysis::script::{s2t, t2s};

use crate::harness::*;

/// (path, text) of the documents.
const FILES: &[(&str, &str)] = &[
    (
        "reports/对外开放工作报告.txt",
        "对外开放工作报告\n\
         \n\
         一、总体要求\n\
         \n\
         坚持共商共建共享，推进“一带一路”建设走深走实。\n\
         \n\
         二、重点工作\n\
         \n\
         继续推进\"一带一路\"建设，深化国际产能合作。\n\
         \n\
         推进一带一路沿线港口建设。\n\
         ",
    ),
    (
        "tw/數位發展報告.txt",
        "數位發展報告\n\
         \n\
         一、總體規劃\n\
         \n\
         （一）開放與治理\n\
         \n\
         各機關應訂定開放計畫。\n\
         \n\
         推動數據開放，強化個人資料保護。\n\
         \n\
         各機關應定期檢討數據開放進度。\n\
         ",
    ),
];

const CURLY: &str = "坚持共商共建共享，推进“一带一路”建设走深走实。";
const ASCII: &str = "继续推进\"一带一路\"建设，深化国际产能合作。";

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

/// The highlighted pieces of hit `h`.
fn highlighted(h: &Value) -> Vec<String> {
    (h["highlights"].as_array().unwrap().iter())
        .map(|s| {
            let s = s.as_array().unwrap();
            chars(
                text(h),
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

/// The hit whose text is `paragraph`, if any.
fn hit_of<'v>(v: &'v Value, paragraph: &str) -> Option<&'v Value> {
    hits(v).iter().find(|h| text(h) == paragraph)
}

#[test]
fn a_pasted_sentence_with_its_own_curly_quotes_is_one_phrase() {
    let (code, v) = search("\"推进“一带一路”建设\"", &[]);
    assert_eq!(code, 0, "{v}");
    let h = hit_of(&v, CURLY).unwrap_or_else(|| panic!("{CURLY} not found: {v}"));
    assert_eq!(highlighted(h), ["推进“一带一路”建设"], "{h}");
    // Every hit holds the phrase (as written or, where the search layer says so, another
    // form of it); the paragraph without quotes is not one of them.
    assert!(hit_of(&v, "推进一带一路沿线港口建设。").is_none(), "{v}");
    // The same with the quote styles the other way round: ASCII outside, curly inside, and
    // beside other parts of a query.
    let (code, v) = search("“推进\"一带一路\"建设”", &[]);
    assert_eq!(code, 0, "{v}");
    let h = hit_of(&v, ASCII).unwrap_or_else(|| panic!("{ASCII} not found: {v}"));
    assert_eq!(highlighted(h), ["推进\"一带一路\"建设"], "{h}");
    let (_, v) = search("title:报告 \"推进“一带一路”建设\" -合作", &[]);
    assert!(hit_of(&v, CURLY).is_some(), "{v}");
    assert!(hit_of(&v, ASCII).is_none(), "{v}");
}

#[test]
fn an_escaped_quote_stands_for_itself() {
    let (code, v) = search(r#""推进\"一带一路\"建设""#, &[]);
    assert_eq!(code, 0, "{v}");
    let h = hit_of(&v, ASCII).unwrap_or_else(|| panic!("{ASCII} not found: {v}"));
    assert_eq!(highlighted(h), ["推进\"一带一路\"建设"], "{h}");
    let (code, v) = search(r#""\"一带一路\"建设，深化""#, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(hits(&v).len(), 1, "{v}");
    assert_eq!(text(&hits(&v)[0]), ASCII);
}

#[test]
fn a_quote_glued_to_the_next_word_is_an_error_that_names_both_positions() {
    let r = run(zhengce()
        .args(["search", "\"一带一路\"建设", "--index"])
        .arg(&indexed().index));
    assert_eq!(r.code(), 2, "{}", r.stdout());
    let err = r.stderr();
    assert!(err.contains("character 0"), "{err}");
    assert!(err.contains("unclosed quote"), "{err}");
    assert!(
        err.contains("the `\"` at character 5 is followed by `建`"),
        "{err}"
    );
    // In a batch, that line is an error and the others go on.
    let dir = tempdir();
    let batch = dir.path().join("queries.txt");
    std::fs::write(&batch, "\"一带一路\"建设\n\"推进“一带一路”建设\"\n").unwrap();
    let r = run(zhengce()
        .args(["search", "--json", "--batch"])
        .arg(&batch)
        .arg("--index")
        .arg(&indexed().index));
    let lines = r.json_lines();
    assert_eq!(lines.len(), 2, "{}", r.stdout());
    assert!(lines[0]["error"].as_str().unwrap().contains("character 0"));
    assert!(hit_of(&lines[1], CURLY).is_some(), "{}", lines[1]);
}

/// The title, section path and text of every hit and neighbour of `v`, with the titles of
/// its documents: every string the script applies to.
fn shown_strings(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let hit = |h: &Value, out: &mut Vec<String>| {
        out.push(h["title"].as_str().unwrap().to_string());
        for s in h["section"].as_array().unwrap() {
            out.push(s.as_str().unwrap().to_string());
        }
        out.push(text(h).to_string());
        for side in ["before", "after"] {
            for n in h["context"][side].as_array().into_iter().flatten() {
                out.push(n["text"].as_str().unwrap().to_string());
            }
        }
    };
    for h in hits(v) {
        hit(h, &mut out);
    }
    for d in v["documents"].as_array().into_iter().flatten() {
        out.push(d["title"].as_str().unwrap().to_string());
        for h in d["hits"].as_array().unwrap() {
            hit(h, &mut out);
        }
    }
    out
}

#[test]
fn the_script_asked_for_applies_to_titles_sections_and_neighbours() {
    let query = "\"數據開放\"";
    for extra in [&["--context", "1"][..], &["--context", "1", "--by-doc"][..]] {
        let (_, original) = search(query, extra);
        let (_, simp) = search(query, &[extra, &["--script", "simp"]].concat());
        let (_, trad) = search(query, &[extra, &["--script", "trad"]].concat());
        let (original, simp, trad) = (
            shown_strings(&original),
            shown_strings(&simp),
            shown_strings(&trad),
        );
        assert!(original.len() >= 6, "{original:?}");
        assert_eq!(original.len(), simp.len(), "{simp:?}");
        assert_eq!(original.len(), trad.len(), "{trad:?}");
        for ((o, s), t) in original.iter().zip(&simp).zip(&trad) {
            assert_eq!(*s, t2s(o), "{o}");
            assert_eq!(*t, s2t(o), "{o}");
        }
        // The test can fail: the original is Traditional, so Simplified differs.
        assert!(
            original.contains(&"數位發展報告".to_string()),
            "{original:?}"
        );
        assert!(simp.contains(&"数位发展报告".to_string()), "{simp:?}");
        assert!(simp.contains(&"一、总体规划".to_string()), "{simp:?}");
        assert!(
            simp.contains(&"各机关应订定开放计划。".to_string()),
            "{simp:?}"
        );
        // Highlights stay on the phrase in the converted text.
        let (_, v) = search(query, &[extra, &["--script", "simp"]].concat());
        let all: Vec<&Value> = match v["documents"].as_array() {
            Some(docs) => docs
                .iter()
                .flat_map(|d| d["hits"].as_array().unwrap())
                .collect(),
            None => hits(&v).iter().collect(),
        };
        assert!(!all.is_empty());
        for h in all {
            assert!(highlighted(h).iter().all(|p| p == "数据开放"), "{h}");
        }
    }
    // And the other way: a Simplified document shown in Traditional.
    let (_, v) = search(
        "\"推进“一带一路”建设\"",
        &["--script", "trad", "--context", "1"],
    );
    let h = hits(&v)
        .iter()
        .find(|h| text(h) == s2t(CURLY))
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(h["title"], s2t("对外开放工作报告"));
    assert_eq!(h["title"], "對外開放工作報告");
    assert_eq!(h["section"], serde_json::json!([s2t("一、总体要求")]));
    assert_eq!(h["context"]["after"][0]["text"], s2t("二、重点工作"));
}

#[test]
fn people_read_titles_sections_and_neighbours_in_the_script_asked_for() {
    for extra in [&[][..], &["--by-doc"][..]] {
        let args = [extra, &["--script", "simp", "--context", "1"]].concat();
        let human = search_human("\"數據開放\"", &args);
        for shown in [
            "数位发展报告",
            "一、总体规划 › （一）开放与治理",
            "推动数据开放，强化个人资料保护。",
            "各机关应订定开放计划。",
        ] {
            assert!(human.contains(shown), "{shown} in {human}");
        }
        // (The path stays as it is on disk: it names the file.)
        for original in ["規劃", "開放與治理", "機關", "強化"] {
            assert!(!human.contains(original), "{original} in {human}");
        }
    }
}
