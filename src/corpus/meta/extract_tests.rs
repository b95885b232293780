//! Extraction of whole documents written for these tests, one per layout: a Markdown law with
//! its info block, a plain-text law with a dated note, orders, a notice, Taiwan texts, work
//! reports, front matter, stubs, cases and autonomous areas' regulations.

use proptest::prelude::*;

use super::*;
use crate::corpus::parse_document;

/// Extracts from a text written for the test, as the corpus reader would.
fn meta_of(path: &str, text: &str) -> DocMeta {
    let doc = parse_document(path, text, "UTF-8");
    extract(path, text, &doc)
}

fn dates(m: &DocMeta) -> Vec<String> {
    m.dates
        .iter()
        .map(|d| format!("{}:{}", d.role.as_str(), d.date))
        .collect()
}

fn kind(m: &DocMeta) -> Option<&'static str> {
    m.kind.as_ref().map(|k| k.value.name())
}

fn issuer(m: &DocMeta) -> Vec<String> {
    m.issuer
        .as_ref()
        .map(|i| i.value.clone())
        .unwrap_or_default()
}

fn number(m: &DocMeta) -> Option<&str> {
    m.number.as_ref().map(|n| n.value.as_str())
}

fn region(m: &DocMeta) -> Option<&str> {
    m.region.as_ref().map(|r| r.value.as_str())
}

#[test]
fn markdown_law_with_info_block() {
    let text = "# 中华人民共和国示例法\n\n2007年6月29日 第十届全国人民代表大会常务委员会第二十八次会议通过\n\n2012年12月28日 第十一届全国人民代表大会常务委员会第三十次会议《关于修改<中华人民共和国示例法>的决定》修正\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了示例，制定本法。\n";
    let m = meta_of("法律/示例法(2012-12-28).md", text);
    assert_eq!(kind(&m), Some("法律"));
    assert_eq!(issuer(&m), ["全国人民代表大会常务委员会"]);
    assert_eq!(
        dates(&m),
        [
            "adopted:2007-06-29",
            "amended:2012-12-28",
            "version:2012-12-28"
        ]
    );
    assert_eq!(
        m.issuer.as_ref().map(|i| &i.source),
        Some(&Source::InfoBlock { line: 3 })
    );
    let main = m.main_date.map(|d| (d.date.to_string(), d.role));
    assert_eq!(main, Some(("2012-12-28".to_string(), DateRole::Amended)));
    assert_eq!(region(&m), Some("全国"));
    assert_eq!(
        m.version.as_ref().map(|v| v.key.as_str()),
        Some("cn|示例法")
    );
    assert_eq!(m.status.as_ref().map(|s| s.value), Some(Status::InForce));
    assert_eq!(number(&m), None);
}

#[test]
fn plain_text_law_with_a_dated_note_under_the_title() {
    let text = "中华人民共和国示例法\n（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过　根据2012年12月28日第十一届全国人民代表大会常务委员会第三十次会议《关于修改〈中华人民共和国示例法〉等十二部法律的决定》修正）\n目　　录\n第一章　总　　则\n第一条　为了示例，制定本法。\n";
    let m = meta_of("示例法.txt", text);
    assert_eq!(kind(&m), Some("法律"));
    assert_eq!(dates(&m), ["adopted:2007-06-29", "amended:2012-12-28"]);
    assert_eq!(m.dates[0].source, Source::FirstLines { line: 2 });
    assert_eq!(region(&m), Some("全国"));
}

#[test]
fn presidential_order_layout() {
    let text = "中华人民共和国主席令\n第六十五号\n《中华人民共和国示例法》已由中华人民共和国第十届全国人民代表大会常务委员会第二十八次会议于2007年6月29日通过，现予公布，自2008年1月1日起施行。\n中华人民共和国主席　胡某某\n2007年6月29日\n中华人民共和国示例法\n第一章　总　　则\n第一条　为了示例，制定本法。\n";
    let m = meta_of("示例法.txt", text);
    assert_eq!(kind(&m), Some("法律"));
    assert_eq!(number(&m), Some("中华人民共和国主席令第六十五号"));
    assert_eq!(issuer(&m), ["全国人民代表大会常务委员会"]);
    assert_eq!(
        dates(&m),
        [
            "adopted:2007-06-29",
            "effective:2008-01-01",
            "signed:2007-06-29"
        ]
    );
    assert_eq!(m.person.as_ref().map(|p| p.value.as_str()), Some("胡某某"));
    assert_eq!(
        m.version.as_ref().map(|v| v.key.as_str()),
        Some("cn|示例法")
    );
}

#[test]
fn department_rule_order_layout() {
    let text = "国家示例监督管理总局令\n第54号\n《示例经营监督管理办法》已于2022年2月21日经国家示例监督管理总局2022年第4次局务会议通过，现予公布，自2022年5月1日起施行。\n局长　张某\n2022年3月10日\n示例经营监督管理办法\n第一章　总则\n";
    let m = meta_of("规章/示例办法.txt", text);
    assert_eq!(number(&m), Some("国家示例监督管理总局令第54号"));
    assert_eq!(kind(&m), Some("部门规章"));
    assert_eq!(issuer(&m), ["国家示例监督管理总局"]);
    assert_eq!(
        dates(&m),
        [
            "adopted:2022-02-21",
            "effective:2022-05-01",
            "signed:2022-03-10"
        ]
    );
    assert_eq!(region(&m), Some("全国"));
}

#[test]
fn notice_with_number_addressees_and_signature() {
    let text = "浙江省人民政府办公厅关于印发示例实施方案的通知\n浙政办发〔2024〕12号\n各市、县（市、区）人民政府，省政府直属各单位：\n现将《示例实施方案》印发给你们，请认真贯彻执行。\n浙江省人民政府办公厅\n2024年3月5日\n（此件公开发布）\n";
    let m = meta_of("通知/示例.txt", text);
    assert_eq!(number(&m), Some("浙政办发〔2024〕12号"));
    assert_eq!(
        m.number.as_ref().map(|n| &n.source),
        Some(&Source::FirstLines { line: 2 })
    );
    assert_eq!(kind(&m), Some("规范性文件"));
    assert_eq!(issuer(&m), ["浙江省人民政府办公厅"]);
    assert_eq!(dates(&m), ["signed:2024-03-05"]);
    assert_eq!(m.dates[0].source, Source::LastLines { line: 6 });
    assert_eq!(region(&m), Some("浙江"));
}

#[test]
fn the_imprint_at_the_end_gives_the_day_it_was_sent_out() {
    let text = "示例市住房和城乡建设局关于示例工作的通知\n示建发〔2019〕7号\n各有关单位：\n请认真贯彻执行。\n示例市住房和城乡建设局\n2019年3月20日\n示例市住房和城乡建设局办公室　　2019 年 3 月 26 日印发\n";
    let m = meta_of("通知/示例.txt", text);
    assert_eq!(dates(&m), ["signed:2019-03-20", "promulgated:2019-03-26"]);
    assert_eq!(m.dates[1].source, Source::LastLines { line: 7 });
    // A line that goes on after the verb is no imprint.
    let text =
        "示例通知\n示建发〔2019〕7号\n请认真贯彻执行。\n2019年3月26日印发给各单位的方案作废\n";
    assert!(!dates(&meta_of("通知/示例.txt", text))
        .iter()
        .any(|d| d.starts_with("promulgated")));
}

#[test]
fn a_standards_cover_gives_kind_code_issuers_and_dates() {
    let text = "示例设备技术条件\nICS 27.100\n中华人民共和国电力行业标准\nDL/T 9999—2021\n2021-01-07 发布\n2021-07-01 实施\n国家能源局   发 布\n目  次\n1 范围\n本文件规定了示例设备的技术条件。\n";
    let m = meta_of("附件/示例.docx", text);
    assert_eq!(kind(&m), Some("标准"));
    assert_eq!(number(&m), Some("DL/T 9999—2021"));
    assert_eq!(issuer(&m), ["国家能源局"]);
    assert_eq!(region(&m), Some("全国"));
    assert_eq!(
        dates(&m),
        ["promulgated:2021-01-07", "effective:2021-07-01"]
    );
    assert_eq!(
        m.kind.as_ref().map(|k| &k.source),
        Some(&Source::FirstLines { line: 3 })
    );
    assert_eq!(m.status.as_ref().map(|s| s.value), Some(Status::InForce));
    // A draft for comments is in force nowhere.
    let draft = text.replace("DL/T 9999—2021", "DL/T XXXX—XXXX");
    let m = meta_of("附件/示例（征求意见稿）.docx", &draft);
    assert_eq!((kind(&m), number(&m)), (Some("标准"), None));
    assert_eq!(m.status, None);
    assert_eq!(m.draft.map(|d| d.value).as_deref(), Some("征求意见稿"));
    let law = "示例法（草案）\n第一条 为了示例，制定本法。\n";
    let m = meta_of("法律/示例法（草案）.txt", law);
    assert_eq!((m.draft.is_some(), m.status), (true, None));
    // A name that speaks of drafts is not one.
    let rules = "課程綱要草案提案及處理辦法\n第 1 條\n本辦法依示例法訂定之。\n";
    let m = meta_of("行政/課程綱要草案提案及處理辦法.txt", rules);
    assert_eq!(m.draft, None);
}

#[test]
fn a_taiwan_budget_book_is_its_bodys() {
    let text = "監察院主管\n目次\n1、施政及預算重點說明.............1\n監察院依據憲法規定，為國家最高監察機關。\n";
    let m = meta_of("預算/監察院主管.txt", text);
    assert_eq!(issuer(&m), ["監察院"]);
    assert_eq!(region(&m), Some("台湾"));
}

#[test]
fn taiwan_law_with_roc_dates_and_repeal_note() {
    let text = "示例管理辦法\r\n修正日期：民國 94 年 06 月 10 日\r\n法規類別：廢止法規 ＞ 內政部\r\n廢止註記：廢\r\n第 1 條\r\n本辦法依示例法訂定之。\r\n";
    let m = meta_of("tw/示例管理辦法.txt", text);
    assert_eq!(kind(&m), Some("命令"));
    assert_eq!(issuer(&m), ["內政部"]);
    assert_eq!(dates(&m), ["modified:2005-06-10"]);
    assert_eq!(region(&m), Some("台湾"));
    assert_eq!(m.status.as_ref().map(|s| s.value), Some(Status::Repealed));
    let text = "示例法\n公布日期：民國 36 年 01 月 01 日\n施行日期：民國 36 年 12 月 25 日\n第 1 條\n示例。\n";
    let m = meta_of("示例法.txt", text);
    assert_eq!(kind(&m), Some("法律"));
    assert_eq!(
        dates(&m),
        ["promulgated:1947-01-01", "effective:1947-12-25"]
    );
    assert_eq!(region(&m), Some("台湾"));
}

#[test]
fn work_reports_national_and_provincial() {
    let text = "\n2016政府工作报告\n\n——2016年3月5日在第十二届全国人民代表大会第四次会议上\n\n国务院总理 李某某\n\n各位代表：\n";
    let m = meta_of("reports/2016政府工作报告_李某某.txt", text);
    assert_eq!(kind(&m), Some("政府工作报告"));
    assert_eq!(issuer(&m), ["国务院"]);
    assert_eq!(dates(&m), ["delivered:2016-03-05", "version:2016"]);
    assert_eq!(m.person.as_ref().map(|p| p.value.as_str()), Some("李某某"));
    assert_eq!(region(&m), Some("全国"));
    assert!(m.status.is_none());
    let text = "2023年浙江省政府工作报告\n——2023年1月16日在浙江省第十四届人民代表大会第一次会议上\n浙江省省长 王某\n各位代表：\n";
    let m = meta_of("2023年浙江省政府工作报告.txt", text);
    assert_eq!(issuer(&m), ["浙江省人民政府"]);
    assert_eq!(region(&m), Some("浙江"));
    assert_eq!(m.person.as_ref().map(|p| p.value.as_str()), Some("王某"));
}

#[test]
fn front_matter_and_metadata_lines() {
    let text = "---\ntitle: 示例条例\n发文机关: 某某省人民政府\n文号: 某政发〔2021〕3号\n成文日期: 2021-03-01\n时效性: 已废止\n---\n正文。\n";
    let doc = parse_document("a.md", text, "UTF-8");
    let m = extract("a.md", text, &doc);
    assert_eq!(issuer(&m), ["某某省人民政府"]);
    assert_eq!(number(&m), Some("某政发〔2021〕3号"));
    assert_eq!(dates(&m), ["signed:2021-03-01"]);
    assert_eq!(
        m.number.as_ref().map(|n| &n.source),
        Some(&Source::FrontMatter {
            key: "文号".into()
        })
    );
    assert_eq!(
        m.stated_status.as_ref().map(|s| s.value),
        Some(Status::Repealed)
    );
}

#[test]
fn stubs_and_unknowns_give_nothing() {
    let m = meta_of("法律/_index.md", "---\nbookCollapseSection: true\n---\n");
    assert_eq!(m, DocMeta::default());
    let m = meta_of("笔记/随想.txt", "随想\n今天读了一些文件。\n");
    assert_eq!(kind(&m), None);
    assert_eq!(issuer(&m), Vec::<String>::new());
    assert!(m.dates.is_empty() && m.region.is_none() && m.status.is_none());
}

#[test]
fn cases_autonomy_and_title_notes() {
    let text = "# 某甲诉某乙合同纠纷案\n\n<!-- INFO END -->\n\n## 基本案情\n";
    let m = meta_of("案例/民法典/某甲诉某乙合同纠纷案.md", text);
    assert_eq!(kind(&m), Some("案例"), "the outer folder classifies");
    let text = "# 某某自治县城市管理条例\n\n2015年3月26日 某某自治县第八届人民代表大会第四次会议通过\n\n2015年5月27日 浙江省第十二届人民代表大会常务委员会第二十次会议批准\n\n<!-- INFO END -->\n";
    let m = meta_of("地方法规/浙江/地方性法规/某某自治县城市管理条例.md", text);
    assert_eq!(kind(&m), Some("单行条例"));
    assert_eq!(region(&m), Some("浙江"));
    let m = meta_of(
        "x/示例条例（已废止）.txt",
        "示例条例（已废止）\n第一条 示例。\n",
    );
    assert_eq!(
        m.stated_status.as_ref().map(|s| s.value),
        Some(Status::Repealed)
    );
}

#[test]
fn a_central_document_with_its_date_in_brackets() {
    let text = "中共中央 国务院关于示例工作的意见\n（2024年1月5日）\n示例工作事关全局。现提出如下意见。\n一、总体要求\n";
    let m = meta_of("文件/示例意见.txt", text);
    assert_eq!(kind(&m), Some("规范性文件"));
    assert_eq!(issuer(&m), ["中共中央", "国务院"]);
    assert_eq!(dates(&m), ["signed:2024-01-05"]);
    assert_eq!(region(&m), Some("全国"));
    assert!(m.version.is_some(), "a normative kind has a version key");
}

/// Pieces the extraction rules look for, to build texts that reach them.
const FRAGMENTS: [&str; 40] = [
    "\n",
    "\r\n",
    "# ",
    "<!-- INFO END -->\n",
    "---\n",
    "2021年8月20日",
    "１９８７年３月２５日",
    "一九九四年十二月六日",
    "民國 94 年 06 月 10 日",
    "105.10.05 訂定",
    "2022-03-15",
    "第十三届全国人民代表大会常务委员会第三十次会议通过",
    "浙江省第十三届人民代表大会常务委员会第二十二次会议批准",
    "中华人民共和国国务院令第306号公布",
    "国发〔2024〕1号",
    "[2008]3号",
    "令\n第",
    "公告第八号",
    "修正",
    "修订",
    "施行",
    "《关于修改〈",
    "》",
    "（",
    "）",
    "、",
    "——",
    "在第五届全国人民代表大会第三次会议上",
    "国务院总理 ",
    "周恩来",
    "修正日期：",
    "法規類別：行政 ＞ 內政部 ＞ 戶政目",
    "廢止註記：廢",
    "关于",
    "现予公布，自",
    "政府工作报告",
    "(已废止)",
    "杭州市",
    "整理)",
    "于",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::fuzz_cases(2_000)))]
    #[test]
    fn never_panics_and_round_trips_through_json(
        parts in proptest::collection::vec(prop_oneof![
            proptest::sample::select(FRAGMENTS.to_vec()).prop_map(String::from),
            "[0-9\u{4e00}-\u{4e20}]{0,4}",
            ".{0,3}",
        ], 0..40),
        path in proptest::sample::select(vec![
            "a.txt", "行政法规/x(2020-01-02).md", "廢止法規/內政部/x.txt", "浙江/1954报告_某某.txt",
        ]),
    ) {
        let text: String = parts.concat();
        let m = meta_of(path, &text);
        let json = serde_json::to_string(&m).expect("serialize");
        let back: DocMeta = serde_json::from_str(&json).expect("deserialize");
        prop_assert_eq!(back, m);
    }
}

#[test]
fn joint_issuers_come_from_their_lines_under_the_number_not_a_signature_in_columns() {
    // As a PDF reads: the issuers one a line (two glued on one), the signature laid out in
    // two columns with the first name wrapped.
    let text = "关于进一步规范市政设施审批事项合并办理工作的通知\n\
        唐港城办发〔2019〕10号\n\
        唐山市“一港双城”（城镇化）工作委员会办公室\n\
        唐山市自然资源和规划局唐山市行政审批局\n\
        各县（市、区）人民政府，市直有关单位：\n\
        为进一步优化营商环境，现就有关事项通知如下。\n\
        一、合并办理的事项\n\
        市政设施建设类审批与绿地树木审批合并办理。\n\
        唐山市“一港双城”（城镇化）\u{3000}\u{3000}唐山市行政审批局\n\
        工作委员会办公室\n\
        2019年3月26日\n";
    let m = meta_of("通知/唐港城办发〔2019〕10号.pdf", text);
    assert_eq!(
        issuer(&m),
        [
            "唐山市“一港双城”（城镇化）工作委员会办公室",
            "唐山市自然资源和规划局",
            "唐山市行政审批局"
        ]
    );
    assert_eq!(region(&m), Some("河北"));
    assert_eq!(dates(&m), ["signed:2019-03-26"]);
}

#[test]
fn a_converted_document_is_read_by_its_head_and_tail_only() {
    // The whole text of a converted document (its paragraphs one a line) and the one
    // `extract_converted` writes (the middle left empty) give the same metadata.
    let body: String = (0..400)
        .map(|i| format!("第{i}条 有关单位应当按照本通知要求做好审批工作。\n"))
        .collect();
    let text = format!(
        "关于进一步规范市政设施审批事项合并办理工作的通知\n\
        唐港城办发〔2019〕10号\n\
        唐山市行政审批局\n\
        各县（市、区）人民政府，市直有关单位：\n\
        {body}\
        唐山市行政审批局\n\
        2019年3月26日\n"
    );
    let path = "通知/唐港城办发〔2019〕10号.pdf";
    let doc = parse_document(path, &text, "PDF");
    assert!(doc.paragraphs.len() > 400);
    let whole: String = doc
        .paragraphs
        .iter()
        .map(|p| format!("{}\n", p.text))
        .collect();
    let m = extract_converted(path, &doc);
    assert_eq!(m, extract_parts(path, &doc.title, &doc.metadata, &whole));
    assert_eq!(dates(&m), ["signed:2019-03-26"]);
    assert!(m.number.is_some(), "{m:?}");
}
