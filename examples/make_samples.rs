//! Writes the sample files of the formats other than text into `corpus/formats/`: a web
//! page, a DOCX, a PDF and an OFD, all written for the project (the texts are invented), so
//! that tests of those readers run without `../shared`.
//!
//! `cargo run --example make_samples` (from the repository root) rewrites them; the test
//! `formats::the_samples_are_what_the_generator_writes` checks that the committed files are
//! exactly what this program writes. Everything is deterministic (fixed ZIP timestamps, no
//! compression, fixed PDF object order).
//!
//! - **Web page:** a government-style page with navigation, a breadcrumb, a metadata table
//!   (索引号 …), a headline, numbered headings, a `<br>`-broken block, a table, scripts and a
//!   footer (版权所有, 网站地图) that must not be indexed.
//! - **DOCX:** `Heading 1`/`Heading 2` styles, a `Title` paragraph, a table and core dates.
//! - **PDF:** two pages of hard-wrapped lines with a Type0 font (Identity-H, a `ToUnicode`
//!   CMap, no embedded glyphs: viewers fall back to a system font, text extraction needs
//!   only the CMap), a running header and page numbers (`- 1 -`) to be left out, and a
//!   sentence that runs across the page break.
//! - **OFD:** one page of positioned text objects.

use std::collections::BTreeMap;
use std::io::Write;

/// The samples: (path below `corpus/`, bytes).
pub fn samples() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("formats/古树名木保护管理办法.html", html().into_bytes()),
        ("formats/城市排水防涝应急预案.docx", docx()),
        ("formats/农村供水工程运行管理规定.pdf", pdf()),
        ("formats/河道采砂许可批复.ofd", ofd()),
    ]
}

#[allow(dead_code)]
fn main() -> std::io::Result<()> {
    let root = std::path::Path::new("corpus");
    for (path, bytes) in samples() {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(&path, bytes)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// A government-style web page.
pub fn html() -> String {
    r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>某某市古树名木保护管理办法_某某市人民政府门户网站</title>
<meta name="ArticleTitle" content="某某市古树名木保护管理办法">
<style>body { font-size: 16px; } .nav li { display: inline; }</style>
<script>var siteStats = "统计脚本不应被索引";</script>
</head>
<body>
<div class="header"><div class="logo">某某市人民政府门户网站</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</div>
<div class="xxgk-table"><table>
<tr><td><b>索 引 号：</b></td><td>11300000MB0000000X/2025-00012</td><td><b>主题分类：</b></td><td>城乡建设、环境保护</td></tr>
<tr><td><b>发文机关：</b></td><td>某某市人民政府</td><td><b>成文日期：</b></td><td>2025年03月18日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">某某市古树名木保护管理办法</td></tr>
<tr><td><b>发文字号：</b></td><td>某政规〔2025〕3号</td><td><b>发布日期：</b></td><td>2025年03月20日</td></tr>
</table></div>
<div class="article">
<h1 class="article-title">某某市古树名木保护管理办法</h1>
<div class="article-info">发布时间：2025-03-20 09:00　来源：市园林局　【字体：大 中 小】　打印本页</div>
<div id="zoom" class="article-content">
<p>第一章　总则</p>
<p>第一条　为了加强古树名木的保护管理，弘扬生态文化，根据国务院《城市绿化条例》和有关法律法规，结合本市实际，制定本办法。</p>
<p>第二条　本办法所称古树，是指树龄在一百年以上的树木；所称名木，是指具有重要历史价值、纪念意义或者稀有珍贵的树木。</p>
<p>第二章　保护措施</p>
<p>第三条　古树名木实行分级养护。一级古树名木由市园林主管部门确定养护单位，二级古树名木由所在区人民政府确定养护单位。</p>
<p>第四条　禁止下列损害古树名木的行为：<br>（一）刻划、钉钉、攀树折枝、剥损树皮；<br>（二）在树冠垂直投影外五米范围内堆放物料、挖坑取土；<br>（三）擅自移植、砍伐古树名木。</p>
<p>第三章　附则</p>
<p>第五条　本办法自2025年5月1日起施行。</p>
<h3>附表　古树名木分级标准</h3>
<table class="grade">
<tr><th>级别</th><th>树龄</th><th>养护单位</th></tr>
<tr><td>一级</td><td>三百年以上</td><td>市园林主管部门确定</td></tr>
<tr><td>二级</td><td>一百年以上不满三百年</td><td>区人民政府确定</td></tr>
</table>
</div>
<div class="share">分享到：微信 微博</div>
<div class="related"><h4>相关链接</h4><ul><li><a href="/a.html">某某市城市绿化管理条例解读</a></li></ul></div>
</div>
<div class="footer"><p>版权所有：某某市人民政府办公室　主办单位：某某市人民政府办公室</p>
<p><a href="/map.html">网站地图</a> | <a href="/contact.html">联系我们</a>　网站标识码：0000000000　某ICP备00000000号</p></div>
<script>document.write("页脚脚本");</script>
</body>
</html>
"#
    .to_string()
}

fn zip(members: &[(&str, String)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, text) in members {
        out.start_file(*name, options).expect("zip member");
        out.write_all(text.as_bytes()).expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}

/// A Word document with heading styles, a table and core properties.
pub fn docx() -> Vec<u8> {
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let p = |style: Option<&str>, text: &str| match style {
        Some(s) => format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{s}"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
        ),
        None => format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#),
    };
    let cell = |t: &str| format!(r#"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"#);
    let row = |cells: &[&str]| {
        format!(
            "<w:tr>{}</w:tr>",
            cells.iter().map(|c| cell(c)).collect::<String>()
        )
    };
    let body = [
        p(Some("Title"), "城市排水防涝应急预案"),
        p(None, "某某市防汛抗旱指挥部办公室　2025年6月"),
        p(Some("Heading1"), "一、总则"),
        p(Some("Heading2"), "（一）编制目的"),
        p(
            None,
            "为了做好城市排水防涝应急处置工作，最大程度减少内涝灾害造成的损失，保障人民群众生命财产安全，制定本预案。",
        ),
        p(Some("Heading2"), "（二）适用范围"),
        p(
            None,
            "本预案适用于本市建成区范围内因强降雨引发的城市内涝灾害的预防和应急处置。",
        ),
        p(Some("Heading1"), "二、应急响应"),
        p(
            None,
            "应急响应分为四级。气象部门发布暴雨红色预警信号时，启动一级应急响应，排水管理单位全员在岗，泵站满负荷运行。",
        ),
        format!(
            "<w:tbl>{}{}{}</w:tbl>",
            row(&["响应级别", "启动条件", "牵头单位"]),
            row(&["一级", "暴雨红色预警", "市防汛抗旱指挥部"]),
            row(&["二级", "暴雨橙色预警", "市水务局"])
        ),
        p(Some("Heading1"), "三、附则"),
        p(None, "本预案由市防汛抗旱指挥部办公室负责解释，自印发之日起施行。"),
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let style = |id: &str, name: &str, outline: Option<u8>| {
        let lvl = outline
            .map(|l| format!(r#"<w:pPr><w:outlineLvl w:val="{l}"/></w:pPr>"#))
            .unwrap_or_default();
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/>{lvl}</w:style>"#
        )
    };
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">{}{}{}{}</w:styles>"#,
        style("Normal", "Normal", None),
        style("Title", "Title", None),
        style("Heading1", "heading 1", Some(0)),
        style("Heading2", "heading 2", Some(1)),
    );
    let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>城市排水防涝应急预案</dc:title><dcterms:created xsi:type="dcterms:W3CDTF">2025-06-01T08:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2025-06-03T09:30:00Z</dcterms:modified></cp:coreProperties>"#;
    let types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;
    let doc_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
    zip(&[
        ("[Content_Types].xml", types.to_string()),
        ("_rels/.rels", rels.to_string()),
        ("word/_rels/document.xml.rels", doc_rels.to_string()),
        ("word/document.xml", document),
        ("word/styles.xml", styles),
        ("docProps/core.xml", core.to_string()),
    ])
}

/// The paragraphs of the PDF sample's body, hard-wrapped at [`PDF_WRAP`] characters and
/// laid out [`PDF_PAGE_LINES`] lines a page.
pub const PDF_BODY: &[&str] = &[
    "农村供水工程运行管理规定",
    "第一条　为了规范农村供水工程运行管理，保障农村居民饮用水安全，根据有关法律法规，结合本县实际，制定本规定。",
    "第二条　农村供水工程实行县级统一管理，乡镇人民政府负责本辖区供水工程的日常监督。",
    "第三条　供水单位应当每日检测出厂水的浑浊度和消毒剂余量，每月向县水利局报送水质检测报告，检测结果应当向用水户公开。",
    "第四条　任何单位和个人不得在水源保护范围内新建排污口，不得损坏供水管网和计量设施。",
    "第五条　本规定自二〇二五年七月一日起施行。",
];
/// Characters a line of the PDF sample.
pub const PDF_WRAP: usize = 22;
/// Body lines a page of the PDF sample.
pub const PDF_PAGE_LINES: usize = 8;
/// The running header of every page of the PDF sample.
pub const PDF_HEADER: &str = "某某县水利局文件";

/// The pages of the PDF sample: header, body lines, page number (`- 1 -`).
pub fn pdf_pages() -> Vec<Vec<String>> {
    let lines: Vec<String> = PDF_BODY
        .iter()
        .flat_map(|p| {
            let chars: Vec<char> = p.chars().collect();
            chars
                .chunks(PDF_WRAP)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    lines
        .chunks(PDF_PAGE_LINES)
        .enumerate()
        .map(|(i, body)| {
            let mut page = vec![PDF_HEADER.to_string()];
            page.extend(body.iter().cloned());
            page.push(format!("- {} -", i + 1));
            page
        })
        .collect()
}

/// A two-page PDF with a text layer in a Type0 font (see the module documentation).
pub fn pdf() -> Vec<u8> {
    // Character ids: 1, 2, … in order of first use.
    let mut cids: BTreeMap<char, u16> = BTreeMap::new();
    let mut order: Vec<char> = Vec::new();
    let pdf_pages = pdf_pages();
    for line in pdf_pages.iter().flatten() {
        for c in line.chars() {
            if let std::collections::btree_map::Entry::Vacant(e) = cids.entry(c) {
                order.push(c);
                e.insert(order.len() as u16);
            }
        }
    }
    let hex = |line: &str| {
        line.chars()
            .map(|c| format!("{:04X}", cids[&c]))
            .collect::<String>()
    };
    let mut objects: Vec<Vec<u8>> = Vec::new();
    // 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor, 6 ToUnicode, then per page
    // a page and its content stream.
    let pages = pdf_pages.len();
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", 7 + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{kids}] /Count {pages} >>").into_bytes());
    objects.push(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /CIDToGIDMap /Identity >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>"
            .to_vec(),
    );
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in order.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for c in chunk {
            let mut utf16 = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut utf16)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{units}>\n", cids[c]));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    objects.push(stream(&cmap));
    for (i, lines) in pdf_pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                8 + 2 * i
            )
            .into_bytes(),
        );
        let mut content = String::new();
        for (j, line) in lines.iter().enumerate() {
            // Header at the top, page number at the bottom, body lines 20 pt apart.
            let (x, y) = if j == 0 {
                (200, 800)
            } else if j + 1 == lines.len() {
                (280, 40)
            } else {
                (60, 760 - 20 * j as i32)
            };
            content.push_str(&format!(
                "BT /F1 14 Tf 1 0 0 1 {x} {y} Tm <{}> Tj ET\n",
                hex(line)
            ));
        }
        objects.push(stream(&content));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(content: &str) -> Vec<u8> {
    let mut s = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    s.extend_from_slice(content.as_bytes());
    s.extend_from_slice(b"\nendstream");
    s
}

/// A one-page OFD: a notice's lines as positioned text objects.
pub fn ofd() -> Vec<u8> {
    let lines: [(&str, f64, f64, f64); 7] = [
        ("某某县水利局", 60.0, 30.0, 10.0),
        ("关于同意某某公司河道采砂许可的批复", 30.0, 50.0, 7.0),
        ("某某砂石有限公司：", 20.0, 70.0, 5.0),
        (
            "你公司报来的河道采砂许可申请收悉。经审查，同意你公司在",
            25.0,
            80.0,
            5.0,
        ),
        (
            "清水河下游段开采河砂，许可期限一年，年度开采总量不超过",
            20.0,
            88.0,
            5.0,
        ),
        ("五万立方米。", 20.0, 96.0, 5.0),
        ("二〇二五年八月一日", 120.0, 120.0, 5.0),
    ];
    let mut objects = String::new();
    for (i, (text, x, y, size)) in lines.iter().enumerate() {
        let w = size * text.chars().count() as f64;
        objects.push_str(&format!(
            r#"<ofd:TextObject ID="{}" Boundary="{x} {y} {w} {}" Font="2" Size="{size}"><ofd:TextCode X="0" Y="{}">{text}</ofd:TextCode></ofd:TextObject>"#,
            10 + i,
            size * 1.4,
            size
        ));
    }
    let ns = "http://www.ofdspec.org/2016";
    let ofd = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="{ns}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID><ofd:CreationDate>2025-08-01</ofd:CreationDate></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    );
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="{ns}"><ofd:CommonData><ofd:MaxUnitID>20</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#
    );
    let page = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer ID="3">{objects}</ofd:Layer></ofd:Content></ofd:Page>"#
    );
    zip(&[
        ("OFD.xml", ofd),
        ("Doc_0/Document.xml", document),
        ("Doc_0/Pages/Page_0/Content.xml", page),
    ])
}
