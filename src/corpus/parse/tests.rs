//! Tests of parsing: titles, header fields, headings and sections, hard wraps, Markdown
//! markup, line endings, and a property test that any text parses without panicking into
//! paragraphs that come from their lines.

use super::*;
use proptest::prelude::*;
use ParagraphKind::{Body, Heading, Metadata};

fn parse(rel: &str, text: &str) -> Document {
    parse_document(rel, text, "UTF-8")
}

/// (kind, section joined by " › ", lines, text) per paragraph.
fn rows(doc: &Document) -> Vec<(ParagraphKind, String, [u32; 2], String)> {
    doc.paragraphs
        .iter()
        .map(|p| (p.kind, p.section.join(" › "), p.lines, p.text.clone()))
        .collect()
}

fn row(
    k: ParagraphKind,
    s: &str,
    l: [u32; 2],
    t: &str,
) -> (ParagraphKind, String, [u32; 2], String) {
    (k, s.to_string(), l, t.to_string())
}

const TW: &str = "中華民國憲法\r\n修正日期：民國 36 年 01 月 01 日\r\n法規類別：憲法\r\n\
    中華民國國民大會受全體國民之付託，依據孫中山先生創立中華民國之遺\r\n\
    教，為鞏固國權，保障民權，奠定社會安寧，增進人民福利，制定本憲法\r\n\
    ，頒行全國，永矢咸遵。\r\n第 一 章 總綱\r\n第 1 條\r\n\
    中華民國基於三民主義，為民有民治民享之民主共和國。\r\n第 6-1 條\r\n中華民國國旗定為紅地。\r\n";

#[test]
fn labeled_lines_wrapped_at_the_width_count_when_unlabeled_ones_are_too_few() {
    // One unlabeled wrapped line is not enough to know the width; with the list items
    // wrapped at it (three lines of 64 columns), all three continue.
    let text = "某處辦事細則\n\
                第 1 條\n\
                行政院文化建設委員會文化資產總管理處籌備處（以下簡稱本處）為處理\n\
                內部單位之分工職掌，訂定本細則。\n\
                第 2 條\n\
                一、國定古蹟、重要聚落、國定遺址、國寶與重要古物之保存及監管保護。\n\
                二、直轄市、縣（市）政府、民間團體與個人辦理古蹟、歷史建築、聚落\n\
                \u{20}\u{20}\u{20}\u{20}、遺址、古物及文化景觀等文化資產保存維護之輔助。\n\
                三、直轄市、縣（市）政府辦理傳統藝術、民俗及有關文物保存維護之輔\n\
                \u{20}\u{20}\u{20}\u{20}助。\n";
    let doc = parse("a.txt", text);
    let joined: Vec<[u32; 2]> = (doc.paragraphs.iter())
        .filter(|p| p.lines[0] < p.lines[1])
        .map(|p| p.lines)
        .collect();
    assert_eq!(joined, [[3, 4], [7, 8], [9, 10]], "{doc:#?}");
    // Headings that happen to share a width (twice) are not taken for wrapped lines.
    let doc = parse(
        "b.txt",
        "綜述\n一、 我國人工智能發展具備較好的基礎優勢\n正文。\n二、 我國人工智能發展面臨的挑戰和風險\n正文。\n",
    );
    assert!(
        doc.paragraphs.iter().all(|p| p.lines[0] == p.lines[1]),
        "{doc:#?}"
    );
    // Three headings of one width over long unwrapped paragraphs (the sample's
    // symposium summary): the paragraphs are wider than that width, so not wrapped at it.
    let body =
        "與會者認為，高質量數據供給不足已成為制約人工智能發展的關鍵因素，應當加快完善數據產權制度";
    let text = format!(
        "綜述\n一、 人工智能發展進入制度競爭期\n{body}。\n二、 以制度創新釋放數據要素價值\n{body}\n\
         （一）完善數據產權和收益分配制度。{body}。\n三、 推動人工智能治理的多邊合作\n{body}。\n"
    );
    let doc = parse("c.txt", &text);
    assert!(
        doc.paragraphs.iter().all(|p| p.lines[0] == p.lines[1]),
        "{doc:#?}"
    );
    let headings = doc
        .paragraphs
        .iter()
        .filter(|p| p.kind == ParagraphKind::Heading);
    assert_eq!(headings.count(), 4, "{doc:#?}");
    // List items wrapped at one width below long unwrapped paragraphs still join.
    let intro = "各地区各部门要从全局和战略高度，充分认识加强这项工作的重要性和紧迫性，采取有力措施，切实抓好贯彻落实。";
    let text = format!(
        "通知\n{intro}\n{intro}\n{intro}\n\
         一、加强组织领导。各地区各部门要充分认识做好这项工作的重要意\n义，切实把这项工作摆上重要议事日程。\n\
         二、健全工作机制。建立由发展改革部门牵头、有关部门参加的协调\n机制，定期研究解决重大问题。\n\
         三、强化督促检查。各地区要将落实情况纳入年度考核内容，对工作\n不力的地区和单位进行通报批评。\n"
    );
    let doc = parse("d.txt", &text);
    let joined: Vec<[u32; 2]> = (doc.paragraphs.iter())
        .filter(|p| p.lines[0] < p.lines[1])
        .map(|p| p.lines)
        .collect();
    assert_eq!(joined, [[5, 6], [7, 8], [9, 10]], "{doc:#?}");
}

#[test]
fn taiwan_law_title_metadata_preamble_chapters_articles() {
    let doc = parse("憲法/中華民國憲法.txt", TW);
    assert_eq!(doc.title, "中華民國憲法");
    assert_eq!(
        doc.metadata,
        [
            ("修正日期".to_string(), "民國 36 年 01 月 01 日".to_string()),
            ("法規類別".to_string(), "憲法".to_string())
        ]
    );
    let preamble = "中華民國國民大會受全體國民之付託，依據孫中山先生創立中華民國之遺\
        教，為鞏固國權，保障民權，奠定社會安寧，增進人民福利，制定本憲法，頒行全國，永矢咸遵。";
    assert_eq!(
        rows(&doc),
        [
            row(Heading, "", [1, 1], "中華民國憲法"),
            row(Metadata, "", [2, 2], "修正日期：民國 36 年 01 月 01 日"),
            row(Metadata, "", [3, 3], "法規類別：憲法"),
            row(Body, "", [4, 6], preamble),
            row(Heading, "", [7, 7], "第 一 章 總綱"),
            row(Heading, "第 一 章 總綱", [8, 8], "第 1 條"),
            row(
                Body,
                "第 一 章 總綱 › 第 1 條",
                [9, 9],
                "中華民國基於三民主義，為民有民治民享之民主共和國。"
            ),
            row(Heading, "第 一 章 總綱", [10, 10], "第 6-1 條"),
            row(
                Body,
                "第 一 章 總綱 › 第 6-1 條",
                [11, 11],
                "中華民國國旗定為紅地。"
            ),
        ]
    );
    assert!(doc
        .paragraphs
        .iter()
        .enumerate()
        .all(|(i, p)| p.paragraph as usize == i));
}

#[test]
fn markdown_law_with_info_block_and_front_matter() {
    let text = "---\ntitle: \"民法典\"\nweight: 3\n---\n# 中华人民共和国民法典\n\n2020年5月28日 通过\n\n\
        <!-- INFO END -->\n\n## 第一编 总则\n\n### 第一章 基本规定\n\n第一条 为了保护民事主体的合法权益，制定本法。\n\n\
        本法所称…。\n\n<!--\n多行\n注释 -->\n第二条 民法调整平等主体之间的关系。\n";
    let doc = parse("民法典/民法典.md", text);
    assert_eq!(doc.title, "民法典");
    assert_eq!(doc.metadata, [("weight".to_string(), "3".to_string())]);
    assert_eq!(
        rows(&doc),
        [
            row(Metadata, "", [2, 2], "title: \"民法典\""),
            row(Metadata, "", [3, 3], "weight: 3"),
            row(Heading, "", [5, 5], "中华人民共和国民法典"),
            row(Body, "", [7, 7], "2020年5月28日 通过"),
            row(Heading, "", [11, 11], "第一编 总则"),
            row(Heading, "第一编 总则", [13, 13], "第一章 基本规定"),
            row(
                Body,
                "第一编 总则 › 第一章 基本规定 › 第一条",
                [15, 15],
                "第一条 为了保护民事主体的合法权益，制定本法。"
            ),
            row(
                Body,
                "第一编 总则 › 第一章 基本规定 › 第一条",
                [17, 17],
                "本法所称…。"
            ),
            row(
                Body,
                "第一编 总则 › 第一章 基本规定 › 第二条",
                [22, 22],
                "第二条 民法调整平等主体之间的关系。"
            ),
        ]
    );
}

#[test]
fn report_with_indentation_and_nested_items() {
    let text = "\n2008政府工作报告\n\n    各位代表：\n\n    一、 过去五年工作回顾\n\n\
        \u{3000}\u{3000}（一）加强和改善宏观调控，促进经济平稳快速发展\n\n    我们坚持把调控作为首要任务。\n\n\
        1．稳定物价\n\n    二、2008年工作总体部署\n";
    let doc = parse("gov-reports/2008.txt", text);
    assert_eq!(doc.title, "2008政府工作报告");
    assert!(doc.metadata.is_empty());
    let r = rows(&doc);
    assert_eq!(r[1], row(Body, "", [4, 4], "各位代表："));
    assert_eq!(r[2], row(Heading, "", [6, 6], "一、 过去五年工作回顾"));
    assert_eq!(r[3].1, "一、 过去五年工作回顾");
    let path = "一、 过去五年工作回顾 › （一）加强和改善宏观调控，促进经济平稳快速发展";
    assert_eq!(
        r[4],
        row(Body, path, [10, 10], "我们坚持把调控作为首要任务。")
    );
    assert_eq!(r[5], row(Heading, path, [12, 12], "1．稳定物价"));
    assert_eq!(r[6], row(Heading, "", [14, 14], "二、2008年工作总体部署"));
}

#[test]
fn title_fallbacks() {
    assert_eq!(parse("a/b.txt", "").title, "b");
    assert!(parse("a/b.txt", "").paragraphs.is_empty());
    assert_eq!(parse("a/b.txt", "\r\n \u{3000}\n").paragraphs.len(), 0);
    // A first line that is a sentence is body text, and the file name is the title.
    let doc = parse(
        "x/综述.txt",
        "近年來,人工智能技術進入快速發展階段。\n一、 基礎\n",
    );
    assert_eq!(doc.title, "综述");
    assert_eq!(doc.paragraphs[0].kind, Body);
    assert_eq!(doc.paragraphs[1].kind, Heading);
    // A first line that is a numbered heading stays a section.
    let doc = parse("x/y.txt", "第一章 总则\n第一条 内容。\n");
    assert_eq!(doc.title, "y");
    assert_eq!(doc.paragraphs[1].section, ["第一章 总则", "第一条"]);
    // The first level-1 heading wins over an earlier line.
    let doc = parse("x/y.md", "前言文字\n# 真正的标题\n正文。\n");
    assert_eq!(doc.title, "真正的标题");
    assert_eq!(doc.paragraphs[1].section, Vec::<String>::new());
}

#[test]
fn front_matter_only_and_unclosed() {
    let doc = parse("刑法/_index.md", "---\nbookCollapseSection: true\n---");
    assert_eq!(doc.title, "_index");
    assert_eq!(
        doc.metadata,
        [("bookCollapseSection".to_string(), "true".to_string())]
    );
    assert_eq!(
        rows(&doc),
        [row(Metadata, "", [2, 2], "bookCollapseSection: true")]
    );
    // Unclosed: not front matter; in Markdown the `---` is a thematic break.
    let doc = parse("a.md", "---\ntitle: x\n正文\n");
    assert_eq!(doc.title, "title: x");
    assert_eq!(doc.paragraphs.len(), 2);
    assert_eq!(doc.paragraphs[1].lines, [3, 3]);
}

#[test]
fn unclosed_comment_is_kept_as_text() {
    let doc = parse("a.md", "# T\n<!-- 没有结束\n正文。\n");
    assert_eq!(doc.paragraphs.len(), 3);
}

#[test]
fn setext_and_thematic_breaks_in_markdown_only() {
    let doc = parse("a.md", "标题\n===\n\n小节\n---\n正文。\n\n***\n");
    assert_eq!(
        rows(&doc),
        [
            row(Heading, "", [1, 1], "标题"),
            row(Heading, "", [4, 4], "小节"),
            row(Body, "小节", [6, 6], "正文。"),
        ]
    );
    let doc = parse("a.txt", "标题\n===\n");
    assert_eq!(doc.paragraphs[1].text, "===");
}

#[test]
fn line_endings_lf_crlf_and_lone_cr() {
    for text in [
        "题\n甲。\n乙。",
        "题\r\n甲。\r\n乙。\r\n",
        "题\r甲。\r乙。\r",
    ] {
        let doc = parse("a.txt", text);
        let lines: Vec<_> = doc.paragraphs.iter().map(|p| p.lines).collect();
        assert_eq!(lines, [[1, 1], [2, 2], [3, 3]], "{text:?}");
    }
    assert_eq!(split_lines("a\r\n\r\nb\n"), ["a", "", "b"]);
    assert_eq!(split_lines("\r\r"), ["", ""]);
}

#[test]
fn header_fields_are_metadata_and_stay_paragraphs() {
    let doc = parse(
        "a.txt",
        "某法\n公布日期：2020年\n編      註：內容\n廢止註記：已廢止\n各位代表：\n备注：后文\n",
    );
    let keys: Vec<_> = doc.metadata.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["公布日期", "編註", "廢止註記"]);
    let kinds: Vec<_> = doc.paragraphs.iter().map(|p| p.kind).collect();
    // The block ends at `各位代表：` (no value): `备注：后文` after it is body text.
    assert_eq!(kinds, [Heading, Metadata, Metadata, Metadata, Body, Body]);
    let doc = parse(
        "a.txt",
        "某法\n这是一句很长的正文，不是元数据：因为有逗号\n",
    );
    assert!(doc.metadata.is_empty());
}

#[test]
fn body_lines_that_look_like_fields_stay_body_text() {
    // Unknown keys with values that read as sentences, and articles with a colon.
    for line in [
        "目标：到2025年，基本建成数字政府，实现政务服务“一网通办”。",
        "原则：统筹规划，分步实施。",
        "第一条：为了规范管理，制定本办法。",
        "内容：为了规范管理，明确职责，制定本细则。",
        "第 1 條：本法依憲法制定之。",
        "一、目标：基本建成数字政府",
    ] {
        let doc = parse("a.txt", &format!("数字政府建设方案\n{line}\n"));
        assert!(doc.metadata.is_empty(), "{line}: {:?}", doc.metadata);
        assert_ne!(doc.paragraphs[1].kind, Metadata, "{line}");
        assert_eq!(doc.paragraphs[1].text, line);
    }
    // A known key takes any value; a short unknown key a short, plain value.
    for (line, key) in [
        ("发文字号：国办发〔2024〕5号", "发文字号"),
        ("編註：本法修正條文，自公布日施行。", "編註"),
        ("密级：公开", "密级"),
    ] {
        let doc = parse("a.txt", &format!("某通知\n{line}\n正文。\n"));
        assert_eq!(doc.metadata.len(), 1, "{line}");
        assert_eq!(doc.metadata[0].0, key);
        assert_eq!(doc.paragraphs[1].kind, Metadata);
        assert_eq!(doc.paragraphs[1].text, line);
    }
    // Only the leading block: the same field after body text is body text.
    let doc = parse("a.txt", "某通知\n正文。\n密级：公开\n");
    assert!(doc.metadata.is_empty());
    // A long value with an unknown key is not a field.
    let doc = parse(
        "a.txt",
        "某通知\n说明：这一行的值比三十个字符还要长得多所以它不可能是一个简短的头部字段\n",
    );
    assert!(doc.metadata.is_empty());
}

#[test]
fn tables_never_join_and_latin_wraps_get_a_space() {
    let text = "题\n| 条文 | 罪名 |\n|---|:---:|\n| 第一百四十一条 （第五条） | 生产、销售、提供假药罪罪名罪名罪名 |\n\
        | 第一百四十二条 （第六条） | 生产、销售、提供劣药罪罪名罪名罪名 |\n";
    let doc = parse("a.md", text);
    let lines: Vec<_> = doc.paragraphs.iter().map(|p| p.lines).collect();
    assert_eq!(lines, [[1, 1], [2, 2], [4, 4], [5, 5]]);
    let text = "Title\nrendered here as plain text from the public sources of these\n\
        database of laws and regulations, wrapped at a fixed width of\nseventy.\n";
    let doc = parse("a.txt", text);
    assert_eq!(
        doc.paragraphs[1].text,
        "rendered here as plain text from the public sources of these database of laws and \
         regulations, wrapped at a fixed width of seventy."
    );
}

#[test]
fn atx_heading_forms() {
    assert_eq!(atx_heading("## 第一章 总则"), Some((2, "第一章 总则")));
    assert_eq!(atx_heading("### 标题 ###"), Some((3, "标题")));
    assert_eq!(atx_heading("#标签"), None);
    assert_eq!(atx_heading("####### 七"), None);
    assert_eq!(atx_heading("##"), Some((2, "")));
    assert_eq!(atx_heading("    # 代码"), None);
}

#[test]
fn hard_wrapped_old_law_with_items() {
    let text = "某辦法\r\n修正日期：民國 90 年\r\n第 1 條\r\n\
        本辦法依產業升級條例（以下簡稱本條例）第六條第四項規定訂定\r\n\
        之。\r\n第 2 條\r\n醫務行政室掌理事項如下：\r\n\
        一、醫院管理、病患之掛號、疾病分類統計與研究資料之提供等病\r\n    歷業務相關事項。\r\n\
        二、病人住院。\r\n本條所稱之事項，由院長指定之專責人員負責辦理及督導檢查所屬\r\n各單位。\r\n";
    let doc = parse("a.txt", text);
    let r = rows(&doc);
    assert_eq!(
        r[3].3,
        "本辦法依產業升級條例（以下簡稱本條例）第六條第四項規定訂定之。"
    );
    assert_eq!(
        r[6],
        row(
            Body,
            "第 2 條 › 一、",
            [8, 9],
            "一、醫院管理、病患之掛號、疾病分類統計與研究資料之提供等病歷業務相關事項。"
        )
    );
    assert_eq!(r[7].1, "第 2 條 › 二、");
    assert_eq!(
        r[8],
        row(
            Body,
            "第 2 條",
            [11, 12],
            "本條所稱之事項，由院長指定之專責人員負責辦理及督導檢查所屬各單位。"
        )
    );
}

const FRAGMENTS: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    "\u{3000}",
    " ",
    "第",
    " 一 ",
    "章",
    "條",
    "6-1",
    "一、",
    "（一）",
    "(1)",
    "1.",
    "①",
    "。",
    "，",
    "：“",
    "# ",
    "## ",
    "---",
    "===",
    "<!--",
    "-->",
    "修正日期：",
    "之一",
    "中華民國國民大會受全體國民之付託依據孫中山先生創立中華民國之遺",
];

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::fuzz_cases(2_000)))]
    #[test]
    fn never_panics_and_paragraphs_come_from_their_lines(
        parts in proptest::collection::vec(prop_oneof![
            proptest::sample::select(FRAGMENTS.to_vec()).prop_map(String::from),
            "[a-z0-9\u{4e00}-\u{4e20}\u{FEFF}]{0,6}",
            ".{0,3}",
        ], 0..40),
        md in any::<bool>(),
    ) {
        let text: String = parts.concat();
        let rel = if md { "x/a.md" } else { "x/a.txt" };
        let doc = parse_document(rel, &text, "UTF-8");
        let raw = split_lines(text.strip_prefix('\u{FEFF}').unwrap_or(&text));
        let mut last = 0;
        for (i, p) in doc.paragraphs.iter().enumerate() {
            prop_assert_eq!(p.paragraph as usize, i);
            let [a, b] = p.lines;
            prop_assert!(a >= 1 && a <= b && b as usize <= raw.len(), "{:?}", p.lines);
            prop_assert!(a > last, "ranges increase: {:?}", doc.paragraphs);
            last = b;
            prop_assert!(!p.text.is_empty());
            let source = squeeze(&raw[a as usize - 1..b as usize].concat());
            prop_assert!(source.contains(&squeeze(&p.text)), "{:?} not in {:?}", p.text, source);
            for s in &p.section {
                prop_assert!(!s.is_empty());
            }
        }
    }
}

#[test]
fn a_file_that_starts_with_a_section_takes_its_title_from_its_name() {
    // A Markdown chapter heading first: a section, not the title; chapter one keeps it in
    // its paragraphs' section paths.
    let text = "# 第一章  總則\n\n第1條\n為保障勞工權益，特制定本法。\n\n# 第二章  勞動契約\n\n第2條\n契約。\n";
    let doc = parse("laws/勞動基準法(2018-11-21).md", text);
    assert_eq!(doc.title, "勞動基準法");
    assert_eq!(
        rows(&doc)[..3],
        [
            row(Heading, "", [1, 1], "第一章  總則"),
            row(Heading, "第一章  總則", [3, 3], "第1條"),
            row(
                Body,
                "第一章  總則 › 第1條",
                [4, 4],
                "為保障勞工權益，特制定本法。"
            ),
        ],
        "{doc:#?}"
    );
    // A plain first line that is a numbered heading, or an article: the same.
    for first in [
        "第一章 总则",
        "一、总体要求",
        "第一条 为了规范管理，制定本办法。",
    ] {
        let doc = parse("03-数据管理办法.txt", &format!("{first}\n正文。\n"));
        assert_eq!(doc.title, "数据管理办法", "{first}");
        assert_eq!(doc.paragraphs[0].text, first);
    }
    // A first line without two letters or ideographs names nothing.
    for first in ["1", "（一）", "2024", "* * *"] {
        let doc = parse(
            "宜蘭縣選舉委員會編制表.txt",
            &format!("{first}\n內容請參閱相關圖表附檔。\n"),
        );
        assert_eq!(doc.title, "宜蘭縣選舉委員會編制表", "{first}");
    }
    // A level-1 heading that names the document is still its title.
    let doc = parse(
        "x(2018-11-21).md",
        "# 勞動基準法\n\n# 第一章  總則\n\n第1條\n內容。\n",
    );
    assert_eq!(doc.title, "勞動基準法");
}

#[test]
fn a_text_in_pieces_is_parsed_as_one() {
    let text = "\u{FEFF}# 关于印发办法的通知\n\n第一章 总则\n第一条 为了规范管理，\n制定本办法。\n\n甲\u{3000}\u{3000}乙\n第二条 本办法自公布之日起施行。\n";
    let whole = parse_document("x.txt", text, "PDF");
    // Cut after every line break, and after some only.
    let ends: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    for step in [1, 2, 3] {
        let mut pieces = Vec::new();
        let mut from = 0;
        for &end in ends.iter().skip(step - 1).step_by(step) {
            pieces.push(text[from..end].to_string());
            from = end;
        }
        pieces.push(text[from..].to_string());
        assert_eq!(parse_pieces("x.txt", &pieces, "PDF"), whole, "{pieces:?}");
    }
}
