//! The examples of issues 19 and 20 over the real corpus (`ZHENGCE_REAL_CORPUS`), on the index the
//! exact-promise tests build: a law's name and its article, documents by their names in both
//! scripts, common words that must not come from inside other words, Latin words and numbers
//! whole, fragments below sentences, highlights that read well.

use zhengce::analysis::{self, normalize_exact};
use zhengce::search::{Hit, SearchOptions, Searcher};

use crate::real_corpus::{real_corpus, real_index};

fn searcher() -> Searcher {
    let (_, index, _) = real_index(&real_corpus());
    Searcher::open(index).expect("open the real index")
}

fn top(s: &Searcher, q: &str, n: usize) -> Vec<Hit> {
    let opts = SearchOptions {
        limit: n,
        ..SearchOptions::default()
    };
    s.search(q, &opts).expect(q).hits
}

fn under(h: &Hit, label: &str) -> bool {
    let key = |s: &str| normalize_exact(s).as_str().to_string();
    h.section.iter().any(|s| key(s) == key(label))
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn laws_and_their_articles_and_documents_by_name_on_the_real_corpus() {
    let s = searcher();
    let first = &top(&s, "个人信息保护法 第十条", 1)[0];
    assert!(
        first.path.contains("个人信息保护法(") && under(first, "第十条"),
        "{first:?}"
    );
    // Typed as one string, the article before the interpretations that cite it.
    for h in top(&s, "民法典第一千零七十九条", 3) {
        assert!(
            h.title.ends_with("民法典") && under(&h, "第一千零七十九条"),
            "{h:?}"
        );
    }
    for h in top(&s, "勞動基準法 延長工作時間", 3) {
        assert!(h.path.ends_with("/勞動基準法.txt"), "{h:?}");
    }
    // Names without the state's name in front; the namesake in the query's script first.
    for (q, title) in [
        ("个人信息保护法", "中华人民共和国个人信息保护法"),
        ("民法典", "中华人民共和国民法典"),
        ("憲法", "中華民國憲法"),
        ("宪法", "中华人民共和国宪法"),
    ] {
        let first = &top(&s, q, 1)[0];
        assert_eq!((first.title.as_str(), first.paragraph), (title, 0), "{q}");
    }
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn common_words_do_not_come_from_inside_other_words_on_the_real_corpus() {
    // A hit straddles when every occurrence of the word crosses one of jieba's word
    // boundaries (税收 in 非税|收入), jieba cutting the hit's N(text) as queries are cut.
    let s = searcher();
    let jieba = analysis::load_jieba(&[]).unwrap();
    for word in ["税收", "工人", "人才", "社会", "国家", "发展"] {
        for h in top(&s, word, 10) {
            let norm = normalize_exact(&h.text);
            let text = norm.as_str();
            let starts: Vec<usize> = (jieba.cut(text, true).iter())
                .map(|t| t.start)
                .chain([text.chars().count()])
                .collect();
            let chars: Vec<char> = text.chars().collect();
            let w: Vec<char> = word.chars().collect();
            let occurrences: Vec<usize> = (0..chars.len().saturating_sub(w.len() - 1))
                .filter(|&i| chars[i..].starts_with(&w))
                .collect();
            let inside = |i: usize| {
                // No boundary strictly inside the occurrence.
                !starts.iter().any(|&b| b > i && b < i + w.len())
            };
            let found_in_text = h
                .found
                .iter()
                .any(|f| f.found_in.iter().any(|x| x == "text"));
            assert!(
                !found_in_text || occurrences.iter().any(|&i| inside(i)),
                "{word}: {} {:?}",
                h.path,
                h.text
            );
        }
    }
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn latin_words_numbers_fragments_and_highlights_on_the_real_corpus() {
    let s = searcher();
    // AI is not Air, Plain or AIDS; APP not hard-wrapped; 5G not 5.725GHz.
    for q in ["AI", "APP", "5G", "GDP"] {
        for h in top(&s, q, 10) {
            let chars: Vec<char> = h.text.chars().collect();
            for &[a, b] in &h.highlights {
                let piece: String = chars[a..b].iter().collect();
                assert!(piece.eq_ignore_ascii_case(q), "{q}: {piece} in {}", h.text);
                let alnum = |i: Option<&char>| i.is_some_and(char::is_ascii_alphanumeric);
                let before = a.checked_sub(1).and_then(|i| chars.get(i));
                assert!(!alnum(before) && !alnum(chars.get(b)), "{q}: {}", h.text);
            }
        }
    }
    // 百分之五 is not 百分之五十.
    for h in top(&s, "百分之五", 10) {
        let n = normalize_exact(&h.text);
        let whole = n.as_str().match_indices("百分之五").any(|(i, m)| {
            !n.as_str()[i + m.len()..].starts_with(|c: char| analysis::is_numeral(c))
        });
        assert!(whole, "{}", h.text);
    }
    // A box-drawn row or a bare label is not the best answer for a phrase.
    let first = &top(&s, "\"個人資料\"", 1)[0];
    assert!(
        !first.text.contains('│') && !first.text.ends_with('：'),
        "{first:?}"
    );
    // Touching spans merge; the pieces of a cut term are not marked one by one.
    for h in top(&s, "2016年", 10) {
        assert!(h.highlights.windows(2).all(|w| w[0][1] < w[1][0]), "{h:?}");
    }
    for h in top(&s, "国发〔1993〕21号", 10) {
        assert!(h.highlights.iter().all(|[a, b]| b - a > 1), "{h:?}");
    }
}

/// Every matching paragraph of `q` (up to 100,000), for what must or must not be among them.
fn all(s: &Searcher, q: &str) -> Vec<Hit> {
    top(s, q, 100_000)
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn other_forms_on_the_real_corpus() {
    // The examples of issue 20.
    let s = searcher();
    let first = &top(&s, "民法典 第184条", 1)[0];
    assert!(
        first.title.ends_with("民法典") && under(first, "第一百八十四条"),
        "{first:?}"
    );
    let first = &top(&s, "憲法 第十條", 1)[0];
    assert!(
        first.title == "中華民國憲法" && under(first, "第 10 條"),
        "{first:?}"
    );
    let plans = top(&s, "计划 path:laws-tw", 5);
    assert!(plans.iter().any(|h| h.text.contains("計畫")), "{plans:?}");
    let ai = top(&s, "人工智慧 path:symposium", 5);
    assert!(
        ai.iter().any(|h| h.text.contains("人工智能")),
        "人工智慧 finds the symposium summary's 人工智能: {ai:?}"
    );
    let numbered = all(&s, "\"法释[2020]26号\"");
    assert_eq!(numbered.len(), 3, "{numbered:?}");
    assert!(numbered.iter().all(|h| h.text.contains("法释〔2020〕26号")));
    assert!(all(&s, "\"隨著\"").iter().any(|h| h.text.contains("随着")));
    let belt = all(&s, "\"推进“一带一路”建设\"");
    // The 2016 report writes it with ASCII quotes, three times.
    let in_2016 = belt.iter().filter(|h| h.path.contains("2016")).count();
    assert!(in_2016 >= 3, "{belt:?}");
    assert!(belt.iter().all(|h| h.text.contains("一带一路")), "{belt:?}");
    // A Traditional 乾 is not the 干 of 若干 and 干涉 in Taiwan's constitution, bare or quoted;
    // the Simplified 干 finds them; 乾 still finds Taiwan's 乾 and the mainland's 干.
    for q in [
        "path:laws-tw/憲法/中華民國憲法 \"乾\"",
        "path:laws-tw/憲法/中華民國憲法 乾",
    ] {
        assert!(all(&s, q).is_empty(), "{q}: {:?}", all(&s, q));
    }
    let gan = all(&s, "path:laws-tw/憲法/中華民國憲法 \"干\"");
    assert!(gan.iter().any(|h| h.text.contains("干涉")), "{gan:?}");
    let qian = all(&s, "\"乾\"");
    assert!(qian
        .iter()
        .any(|h| h.text.contains('乾') && h.path.starts_with("laws-tw")));
    assert!(qian
        .iter()
        .any(|h| h.text.contains("干燥") && h.path.starts_with("laws-cn")));
    assert!(
        !qian
            .iter()
            .any(|h| h.path.starts_with("laws-tw") && !h.text.contains('乾')),
        "乾 in Taiwan's texts is only 乾"
    );
}
