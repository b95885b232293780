//! Real files in other formats (`$ZHENGCE_REAL_CORPUS/formats/`): every file is read or
//! refused with a clear reason; each readable file meets an expectation written by reading
//! it (title, first heading, number of paragraphs within a tolerance, two phrases found, a
//! navigation or footer line not found); and the text of every PDF is compared with
//! `pdftotext -layout` (poppler-utils, a test-time reference only).

use std::path::Path;

use zhengce::analysis::normalize_exact;
use zhengce::corpus::{self, Document, Format, ParagraphKind};

use crate::real_corpus::real_corpus;

/// What a file must read as.
struct Expect {
    /// Below `formats/`.
    path: &'static str,
    title: &'static str,
    /// The first heading below the title, if any.
    first_heading: Option<&'static str>,
    /// Paragraphs, within ±20% (and ±2).
    paragraphs: usize,
    /// Found (white space ignored, either script) in some paragraph.
    found: [&'static str; 2],
    /// Page furniture that must be in no paragraph (`None` where the file has none beyond
    /// page numbers, which are checked for every paged file).
    not_found: Option<&'static str>,
}

const EXPECT: &[Expect] = &[
    Expect {
        path: "html/govcn_2007_国务院公报_全国人大常委会关于批准财政部发行特别国债的决议.html",
        // The page has no headline element: `<title>` without `__2007年第23号国务院公报_中国政府网`.
        title: "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007\u{3000}年末国债余额限额的决议",
        first_heading: None,
        paragraphs: 3,
        found: ["第二十八次会议通过", "批准发行15500亿元特别国债购买外汇"],
        not_found: Some("扫一扫在手机打开当前页"),
    },
    Expect {
        path: "html/jiangxi_2020_江西省市场监督管理局2020年部门预算.html",
        title: "江西省市场监督管理局2020年部门预算",
        first_heading: Some("一、部门主要职责"),
        paragraphs: 185,
        found: ["深化市场监管综合行政执法改革", "检验检测等质量基"],
        not_found: Some("政府信息公开目录"),
    },
    Expect {
        path: "html/jiangxi_2020_省政府令_修改流动人口服务和管理办法的决定.html",
        title: "江西省人民政府关于修改《江西省流动人口服务和管理办法》的决定",
        first_heading: None,
        paragraphs: 156,
        found: ["免费享受国家规定的基本项目", "建立和完善流动人口的权益保障机制"],
        not_found: Some("扫一扫在手机打开当前页"),
    },
    Expect {
        // An interpretation published as a picture: the headline and its date are the text.
        path: "html/jiangxi_2020_解读_2020年国民经济和社会发展计划.html",
        title: "解读《江西省2020年国民经济和社会发展计划》",
        first_heading: None,
        paragraphs: 2,
        found: ["解读《江西省2020年国民经济", "2020-02-20"],
        not_found: Some("浏览次数"),
    },
    Expect {
        path: "html/jiangxi_2020_赣府厅发〔2020〕10号_政府性融资担保体系若干措施.html",
        title: "江西省人民政府办公厅印发关于完善政府性融资担保体系切实支持小微企业和“三农”发展若干措施的通知",
        first_heading: Some("一、加快推进政府性融资担保体系建设"),
        paragraphs: 44,
        found: ["促进规范化、市场化运营", "建立对政府性融资担保、再担保机构的资金补充"],
        not_found: Some("打印本页"),
    },
    Expect {
        path: "html/jiangxi_2020_赣府厅发〔2020〕4号_普通高中育人方式改革实施意见.html",
        title: "江西省人民政府办公厅关于新时代推进普通高中育人方式改革的实施意见",
        first_heading: Some("一、把握总体要求，完善全面培养体系"),
        paragraphs: 46,
        found: ["突出德育时代性", "将师德师风作为评价教师队伍素质的第一标准"],
        not_found: Some("相关解读"),
    },
    Expect {
        path: "html/jiangxi_2020_赣府字〔2020〕11号_鹰潭港总体规划的批复.html",
        title: "江西省人民政府关于鹰潭港总体规划的批复",
        first_heading: None,
        paragraphs: 39,
        found: ["九牛滩岸线", "陆域规划布置方案及港界的划分"],
        not_found: Some("分享到"),
    },
    Expect {
        path: "html/jiangxi_2020_赣府字〔2020〕11号_鹰潭港总体规划的批复_gbk.html",
        title: "江西省人民政府关于鹰潭港总体规划的批复",
        first_heading: None,
        paragraphs: 39,
        found: ["九牛滩岸线", "陆域规划布置方案及港界的划分"],
        not_found: Some("政府信息公开目录"),
    },
    Expect {
        path: "docx/jiangsu_苏银监办〔2005〕235号_关于提示异地贷款业务风险的通知.docx",
        title: "关于提示异地贷款业务风险的通知",
        first_heading: Some("苏银监办〔2005〕235号"),
        paragraphs: 16,
        found: ["充分认识异地贷款的风险", "加强与异地贷款企业所在地银行的合作和交流"],
        not_found: None,
    },
    Expect {
        // The cover's code lines (ICS, F69, 备案号：, NB) are passed over: the title is the
        // name set in the cover's largest font, on two lines.
        path: "docx/nea_NBT_核电厂定期安全审查指南_第1部分通用要求_征求意见稿.docx",
        title: "核电厂定期安全评价 第1部分：通用要求",
        first_heading: Some("目\u{2003}\u{2003}次"),
        paragraphs: 267,
        found: ["持续开发先进、可靠的核安全技术", "项目管理人员对进度计划的执行"],
        not_found: None,
    },
    Expect {
        path: "docx/nea_NBT_编制说明_核电厂定期安全审查第1部分.docx",
        // A cover laid out in a one-column table: the standard's number is passed over,
        // the largest line (`编制说明`) follows the name before it.
        title: "核电厂定期安全评价 第1部分：通用要求 编制说明",
        // Numbered by Word (japaneseCounting `%1、`): the number is generated.
        first_heading: Some("一、 任务来源及计划要求"),
        paragraphs: 82,
        found: ["纠正行动/安全改进计划", "离不开有效的过程管控"],
        // The core properties' placeholder title is not text of the document.
        not_found: Some("填写标准名称"),
    },
    Expect {
        // The title is set on two lines.
        path: "docx/shanghai_上海保险分支机构高级管理人员任职资格考试管理办法.docx",
        title: "上海保险分支机构高级管理人员任职资格考试管理办法",
        first_heading: Some("第一章 总 则"),
        paragraphs: 50,
        found: ["根据备案管理改革精神", "考试结束后2个工作日内发布考试成绩单"],
        not_found: None,
    },
    Expect {
        path: "docx/tangshan_唐山市补正告知书_模板.docx",
        title: "行政许可申请材料补正告知书",
        first_heading: None,
        paragraphs: 15,
        found: ["所送的有关材料后，依法进行了审查", "将补正后的材料送本机关"],
        not_found: None,
    },
    Expect {
        path: "pdf/jiangxi_2020_附件1_投资项目容缺审批承诺制事项清单.pdf",
        // The attachment label is the first line; the list's name follows it. The table's
        // rows are paragraphs, cells apart; a cell alone on its line (its row's other
        // cells stand higher or lower) is a line of its own, and the first of them with a
        // label is the first heading.
        title: "江西省投资项目“容缺审批+承诺制”办理模式事项清单",
        first_heading: Some("(三)拟采用国际标准或者境外"),
        paragraphs: 803,
        found: ["江西省投资项目“容缺审批+承诺制”办理模式事项清单", "总规划平面图"],
        not_found: Some("— 8 —"),
    },
    Expect {
        path: "pdf/npc_中华人民共和国劳动法.pdf",
        title: "中华人民共和国劳动法",
        first_heading: Some("第一章总则"),
        paragraphs: 220,
        found: [
            "用人单位可以解除劳动合同，但是应当提前30日以书面形式",
            "当事人可以依法申请调解、仲裁、提起诉讼",
        ],
        not_found: None,
    },
    Expect {
        // Below a masthead of two issuers.
        path: "pdf/tangshan_唐发〔2018〕10号_中共唐山市委唐山市人民政府关于进一步优化全市营商环境的意见.pdf",
        title: "关于进一步优化全市营商环境的意见",
        first_heading: Some("一、总体要求"),
        paragraphs: 272,
        found: [
            "按照全省开展“双创双服”活动和市委、市政府关于推进高质量发展的安排部署",
            "电动汽车充换电服务收费",
        ],
        not_found: Some("— 3 —"),
    },
    Expect {
        path: "pdf/tangshan_唐港城办发〔2019〕10号_市政设施审批与绿地树木审批合并办理的通知.pdf",
        title: "关于进一步规范市中心区市政设施建设类审批、工程建设涉及城市绿地树木审批事项合并办理工作的通知",
        first_heading: Some("一、适用范围"),
        paragraphs: 56,
        found: ["在建设用地（含临时用地）规划红线范围内", "项目单位提供建设工程规划许可证及附图"],
        not_found: Some("— 2 —"),
    },
    Expect {
        path: "pdf/tangshan_唐港城办发〔2019〕13号_多测合一改革的实施意见.pdf",
        title: "关于印发《全面推进工程建设项目验收阶段“多测合一”改革的实施意见》的通知",
        first_heading: Some("一、工作目标"),
        paragraphs: 34,
        found: ["规划核实竣工测量、土地勘测、房屋面积测绘", "加强组织领导"],
        not_found: Some("- 2 -"),
    },
    Expect {
        path: "pdf/tangshan_唐港城办发〔2019〕8号_11类工程建设项目审批流程图的通知.pdf",
        title: "关于印发《政府投资房屋建筑类项目审批流程图》等11 类工程建设项目审批流程图的通知",
        first_heading: None,
        paragraphs: 35,
        found: ["深化工程建设项目审批制度改革实施方案", "不改变建筑功能或性质"],
        not_found: Some("— 3 —"),
    },
    Expect {
        path: "pdf/tw_監察院主管_114年度預算.pdf",
        title: "監察院主管",
        first_heading: Some("1、施政及預算重點說明.............................. 1-6"),
        // Mostly tables: a row a paragraph.
        paragraphs: 3668,
        found: ["蒐集國內、外標竿案例與各方建議意見", "促請提升施政效能或增進公共利益"],
        not_found: None,
    },
    Expect {
        path: "pdf/tw_臺北市_113年度總預算案_歲出機關別預算表.pdf",
        // The text begins with a table's row: the book's name is the running header.
        title: "臺北市總預算案 歲出機關別預算表",
        first_heading: Some("(1)新增資訊用品及零組件205,200元。"),
        paragraphs: 6477,
        found: ["其他合共3,070,715元，較上年度增加16,942元", "臺北市中山區培英基地公共住宅新建工程"],
        not_found: None,
    },
    Expect {
        path: "ofd/ofdrw_路桥区卫生局_路卫发〔2011〕76号_批复_测试样张.ofd",
        title: "关于同意张阿三同志辞职的批复",
        first_heading: None,
        paragraphs: 10,
        found: ["关于同意张阿三同志辞职的批复", "2001年9月参加工作"],
        not_found: Some("— 2 —"),
    },
    Expect {
        path: "ofd/ofdrw_2022_临翔区自然资源局_建设项目用地审批表单.ofd",
        title: "临翔区棚户区改造安置房二期（地块二）",
        first_heading: None,
        paragraphs: 7,
        found: ["临沧建投开发投资有限公司", "其中农用地0公顷"],
        not_found: None,
    },
];

fn read(root: &Path, rel: &str) -> Result<Document, corpus::ReadError> {
    let bytes = std::fs::read(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    corpus::document_from_bytes(rel, &bytes)
}

fn formats_root() -> std::path::PathBuf {
    real_corpus().join("formats")
}

/// Each paragraph normalized (white space out, Simplified, folded), one a line.
fn haystack(doc: &Document) -> String {
    doc.paragraphs
        .iter()
        .map(|p| normalize_exact(&p.text).as_str().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `- 3 -`, `— 12 —`: a page number as official documents print it (a bare number may be a
/// table cell).
fn is_dashed_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let dashes = ['-', '—', '–', '－'];
    t.starts_with(dashes) && t.ends_with(dashes) && is_page_number(&t)
}

/// A page number with or without dashes around it.
fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(['-', '—', '–', '－']);
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit())
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn every_file_is_read_or_refused_with_a_reason() {
    let root = formats_root();
    let mut seen = 0;
    for event in corpus::walk(&root).unwrap() {
        let corpus::WalkEvent::File(f) = event else {
            continue;
        };
        if Format::of(&f.rel) == Ok(Format::Text) {
            continue;
        }
        seen += 1;
        match read(&root, &f.rel) {
            Ok(doc) => {
                assert!(
                    EXPECT.iter().any(|e| e.path == f.rel),
                    "{}: read but has no expectation",
                    f.rel
                );
                assert!(!doc.paragraphs.is_empty(), "{}", f.rel);
            }
            Err(e) => {
                let reason = e.to_string();
                assert!(
                    f.rel.ends_with(".doc") && reason.contains("save it as .docx"),
                    "{}: {reason}",
                    f.rel
                );
            }
        }
    }
    assert_eq!(seen, EXPECT.len() + 4, "files in formats/ (4 of them .doc)");
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn each_readable_file_meets_its_expectation() {
    let root = formats_root();
    let mut problems = Vec::new();
    let caught = corpus::formats::caught_panics();
    for e in EXPECT {
        let doc = read(&root, e.path).unwrap_or_else(|err| panic!("{}: {err}", e.path));
        let mut fail = |what: String| problems.push(format!("{}: {what}", e.path));
        if doc.title != e.title {
            fail(format!("title {:?}", doc.title));
        }
        let first_heading = (doc.paragraphs.iter().skip(1))
            .find(|p| p.kind == ParagraphKind::Heading)
            .map(|p| p.text.as_str());
        if first_heading != e.first_heading {
            fail(format!("first heading {first_heading:?}"));
        }
        let n = doc.paragraphs.len();
        let slack = (e.paragraphs / 5).max(2);
        if n.abs_diff(e.paragraphs) > slack {
            fail(format!(
                "{n} paragraphs, expected {} ± {slack}",
                e.paragraphs
            ));
        }
        let hay = haystack(&doc);
        for phrase in e.found {
            if !hay.contains(normalize_exact(phrase).as_str()) {
                fail(format!("{phrase:?} not found"));
            }
        }
        if let Some(furniture) = e.not_found {
            if doc.paragraphs.iter().any(|p| p.text.contains(furniture)) {
                fail(format!("furniture {furniture:?} indexed"));
            }
        }
        if !e.path.starts_with("html/") {
            if let Some(p) = doc
                .paragraphs
                .iter()
                .find(|p| is_dashed_page_number(&p.text))
            {
                fail(format!("page number {:?} indexed", p.text));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // No page was lost to a panic of the extractor (its reader's safety net).
    assert_eq!(corpus::formats::caught_panics(), caught);
}

/// The 8-character phrases of the lines `pdftotext -layout` prints, without the running
/// lines and page numbers at the pages' edges (the rule of the PDF reader, applied to its
/// output) and without the gaps of two spaces or more that it puts between columns.
fn reference_phrases(text: &str) -> Vec<String> {
    let pages: Vec<Vec<&str>> = text
        .split('\u{c}')
        .map(|p| p.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
        .filter(|p: &Vec<&str>| !p.is_empty())
        .collect();
    let key = |l: &str| {
        let mut k = String::new();
        for c in l.chars().filter(|c| !c.is_whitespace()) {
            if c.is_ascii_digit() {
                if !k.ends_with('#') {
                    k.push('#');
                }
            } else {
                k.push(c);
            }
        }
        k
    };
    let edge = |i: usize, n: usize| i < 2 || i + 2 >= n;
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for p in &pages {
        let mut keys: Vec<String> = (p.iter().enumerate())
            .filter(|(i, _)| edge(*i, p.len()))
            .map(|(_, l)| key(l))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    let needed = pages.len().div_ceil(2).max(2);
    let mut out = Vec::new();
    for p in &pages {
        for (i, line) in p.iter().enumerate() {
            if edge(i, p.len())
                && (is_page_number(line) || counts.get(&key(line)).is_some_and(|&n| n >= needed))
            {
                continue;
            }
            for cell in line.split("  ") {
                let chars: Vec<char> = cell.chars().filter(|c| !c.is_whitespace()).collect();
                for w in chars.windows(8) {
                    out.push(w.iter().collect());
                }
            }
        }
    }
    out
}

/// The share of `pdftotext -layout`'s phrases found, per PDF, must reach this (in ‰). The
/// budget tables' rows are laid out by position as `-layout` prints them, so a phrase that
/// runs from one cell into the next is found as in a text PDF.
const THRESHOLD_PERMILLE: u32 = 990;

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn pdf_text_matches_pdftotext_layout() {
    let root = formats_root();
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipped: pdftotext (poppler-utils) is not installed");
        return;
    }
    let mut report = Vec::new();
    for e in EXPECT.iter().filter(|e| e.path.ends_with(".pdf")) {
        let out = std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(root.join(e.path))
            .arg("-")
            .output()
            .unwrap();
        assert!(out.status.success(), "pdftotext {}", e.path);
        let phrases = reference_phrases(&String::from_utf8_lossy(&out.stdout));
        let doc = read(&root, e.path).unwrap();
        let hay = haystack(&doc);
        let found = phrases
            .iter()
            .filter(|p| hay.contains(normalize_exact(p).as_str()))
            .count();
        let permille = (found * 1000 / phrases.len().max(1)) as u32;
        eprintln!(
            "{}: {found}/{} phrases ({permille}‰)",
            e.path,
            phrases.len()
        );
        if permille < THRESHOLD_PERMILLE {
            report.push(format!("{}: {permille}‰", e.path));
        }
    }
    assert!(report.is_empty(), "{report:#?}");
}
