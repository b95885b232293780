//! DOCX (Office Open XML) to clean text lines: `word/document.xml` read in order with
//! `quick-xml`, paragraph styles resolved through `word/styles.xml`.
//!
//! - A paragraph whose style (or the style it is based on) is a heading — named
//!   `heading N` / `标题 N`, or with an outline level 0-8 — or that has an outline level of
//!   its own, is a heading of that level; the `Title` style is the title.
//! - Text is the runs' `w:t` (tracked deletions, field codes and the fallback copy of text
//!   boxes are left out); a tab is a space, a manual line break (`w:br`) ends a line.
//! - A table row is one line with its cells apart; a cell's paragraphs are joined.
//! - Automatic list numbers (`w:numPr`) are not text in the file and are not generated:
//!   numbering typed as text (`一、`, `（一）`, `1.`) is kept, as written.
//! - `docProps/core.xml`'s creation and modification dates become `创建日期` / `修改日期`
//!   metadata. Its `dc:title` is not used: in real files it is mostly a template's
//!   placeholder (`标准名称`, `（填写标准名称）`).

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::xml::{self, attr, text_of, xml_error};
use super::{ReadError, TextBuilder};

const FORMAT: &str = "DOCX";

/// One block of the body, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    /// A paragraph styled `Title`.
    Title(String),
    /// A heading paragraph and its level (1 = highest).
    Heading(usize, String),
    /// A body paragraph.
    Line(String),
    /// A table row's cells.
    Row(Vec<String>),
}

/// Reads a DOCX file into the text handed to the parser.
pub fn to_text(bytes: &[u8]) -> Result<String, ReadError> {
    let mut zip = xml::open(FORMAT, bytes)?;
    let Some(document) = xml::member(FORMAT, &mut zip, "word/document.xml")? else {
        return Err(ReadError::damaged(
            FORMAT,
            "no word/document.xml: not a Word document",
        ));
    };
    let styles = match xml::member(FORMAT, &mut zip, "word/styles.xml")? {
        Some(s) => Styles::parse(&s)?,
        None => Styles::default(),
    };
    let core = xml::member(FORMAT, &mut zip, "docProps/core.xml")?;
    let blocks = body_blocks(&document, &styles)?;

    let mut b = TextBuilder::new(true);
    // The title: a `Title` paragraph, else the first paragraph unless it is a table row
    // (then the parser names the document after its file, and the dates are left out: they
    // would be taken for the first line).
    let title_at = blocks
        .iter()
        .position(|b| matches!(b, Block::Title(_)))
        .or_else(|| match blocks.first() {
            Some(Block::Heading(..) | Block::Line(_)) => Some(0),
            _ => None,
        });
    // A name set on two lines (`上海保险分支机构高级管理人员` / `任职资格考试管理办法`): two
    // short first paragraphs of which only the second ends like a document's name.
    let mut second_title_line = None;
    match (title_at, blocks.first(), blocks.get(1)) {
        (
            Some(0),
            Some(Block::Heading(_, first) | Block::Line(first)),
            Some(Block::Heading(_, second) | Block::Line(second)),
        ) if is_short_line(first)
            && is_short_line(second)
            && !super::ends_like_a_name(first)
            && super::ends_like_a_name(second) =>
        {
            b.title(&format!("{}{}", first.trim(), second.trim()));
            second_title_line = Some(1);
        }
        _ => {
            if let Some(Block::Title(t) | Block::Heading(_, t) | Block::Line(t)) =
                title_at.map(|i| &blocks[i])
            {
                b.title(t);
            }
        }
    }
    if let Some(core) = core.filter(|_| title_at.is_some()) {
        for (key, value) in core_dates(&core) {
            b.field(key, &value);
        }
    }
    for (i, block) in blocks.iter().enumerate() {
        if Some(i) == title_at || Some(i) == second_title_line {
            continue;
        }
        match block {
            Block::Title(t) | Block::Line(t) => b.line(t),
            Block::Heading(level, t) => b.heading(*level, t),
            Block::Row(cells) => b.row(cells),
        }
    }
    Ok(b.finish())
}

/// A line that may be part of a title: at most 30 characters, no sentence punctuation.
fn is_short_line(line: &str) -> bool {
    line.trim().chars().count() <= 30 && !line.contains(['。', '；', '，', '：', ':'])
}

/// Paragraph styles: which are headings (and of what level) and which is the title.
#[derive(Debug, Default)]
struct Styles {
    /// Style id → (heading level from the name or outline level, based-on style id).
    styles: HashMap<String, (Option<usize>, Option<String>, bool)>,
}

impl Styles {
    fn parse(xml_text: &str) -> Result<Styles, ReadError> {
        let mut reader = Reader::from_str(xml_text);
        let mut styles = HashMap::new();
        let mut current: Option<(String, Option<usize>, Option<String>, bool)> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| xml_error(FORMAT, "word/styles.xml", e))?;
            match &event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "style" => {
                        let paragraph = attr(e, "type").is_none_or(|t| t == "paragraph");
                        current = attr(e, "styleId")
                            .filter(|_| paragraph)
                            .map(|id| (id, None, None, false));
                    }
                    "name" => {
                        if let (Some(c), Some(name)) = (current.as_mut(), attr(e, "val")) {
                            c.1 = c.1.or(heading_level_of_name(&name));
                            c.3 = is_title_name(&name);
                        }
                    }
                    "basedOn" => {
                        if let Some(c) = current.as_mut() {
                            c.2 = attr(e, "val");
                        }
                    }
                    "outlineLvl" => {
                        if let Some(c) = current.as_mut() {
                            c.1 = c.1.or(outline_level(attr(e, "val").as_deref()));
                        }
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == "style" => {
                    if let Some((id, level, based, title)) = current.take() {
                        styles.insert(id, (level, based, title));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(Styles { styles })
    }

    /// The heading level of style `id`, following `basedOn` (a few steps at most).
    fn level(&self, id: &str) -> Option<usize> {
        let mut id = id;
        for _ in 0..8 {
            let (level, based, _) = self.styles.get(id)?;
            if level.is_some() {
                return *level;
            }
            id = based.as_deref()?;
        }
        None
    }

    fn is_title(&self, id: &str) -> bool {
        self.styles.get(id).is_some_and(|s| s.2)
    }
}

/// `heading 2`, `Heading 2`, `标题 2`, `标题2` → 2.
fn heading_level_of_name(name: &str) -> Option<usize> {
    let lower = name.to_lowercase();
    let rest = lower
        .strip_prefix("heading")
        .or_else(|| lower.strip_prefix("标题"))?;
    let n: usize = rest.trim().parse().ok()?;
    (1..=9).contains(&n).then_some(n)
}

fn is_title_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("title") || name == "标题"
}

/// `w:outlineLvl` 0-8 → level 1-9; 9 means body text.
fn outline_level(val: Option<&str>) -> Option<usize> {
    let n: usize = val?.parse().ok()?;
    (n <= 8).then_some(n + 1)
}

/// The body's paragraphs and table rows, in order.
fn body_blocks(document: &str, styles: &Styles) -> Result<Vec<Block>, ReadError> {
    let mut reader = Reader::from_str(document);
    let mut blocks = Vec::new();
    // Open tables: for each, the cells of the current row and the text of the current cell.
    let mut tables: Vec<(Vec<String>, String)> = Vec::new();
    let mut para = String::new();
    let mut style: Option<String> = None;
    let mut own_level: Option<usize> = None;
    let mut in_text = false;
    let mut outer: Vec<(String, Option<String>, Option<usize>)> = Vec::new();
    // Depth inside elements whose text is not the document's (`mc:Fallback`, `w:delText`,
    // `w:instrText`).
    let mut hidden = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(FORMAT, "word/document.xml", e))?;
        match &event {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" if hidden == 0 => in_text = true,
                "Fallback" | "delText" | "instrText" => hidden += 1,
                "tbl" => tables.push((Vec::new(), String::new())),
                "p" => {
                    // A paragraph inside another (a text box): the outer one resumes after it.
                    outer.push((std::mem::take(&mut para), style.take(), own_level.take()));
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" if hidden == 0 => para.push(' '),
                "br" | "cr" if hidden == 0 => para.push('\n'),
                "pStyle" => style = attr(e, "val"),
                "outlineLvl" => own_level = outline_level(attr(e, "val").as_deref()),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "Fallback" | "delText" | "instrText" => hidden = hidden.saturating_sub(1),
                "p" => {
                    let text = std::mem::take(&mut para);
                    let (o_para, o_style, o_level) = outer.pop().unwrap_or_default();
                    let (p_style, p_level) = (std::mem::replace(&mut style, o_style), own_level);
                    own_level = o_level;
                    para = o_para;
                    if hidden > 0 {
                        continue;
                    }
                    if let Some((_, cell)) = tables.last_mut() {
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(text.trim());
                        continue;
                    }
                    let level =
                        p_level.or_else(|| p_style.as_deref().and_then(|s| styles.level(s)));
                    let title = p_style.as_deref().is_some_and(|s| styles.is_title(s));
                    for line in text.split('\n').filter(|l| !l.trim().is_empty()) {
                        blocks.push(match level {
                            _ if title => Block::Title(line.to_string()),
                            Some(l) => Block::Heading(l, line.to_string()),
                            None => Block::Line(line.to_string()),
                        });
                    }
                }
                "tc" => {
                    if let Some((cells, cell)) = tables.last_mut() {
                        cells.push(std::mem::take(cell));
                    }
                }
                "tr" => {
                    if let Some((cells, _)) = tables.last_mut() {
                        let row = std::mem::take(cells);
                        if tables.len() == 1 {
                            if row.iter().any(|c| !c.trim().is_empty()) {
                                blocks.push(Block::Row(row));
                            }
                        } else if let Some((_, outer_cell)) = tables.iter_mut().rev().nth(1) {
                            // A nested table's rows stay inside the outer cell.
                            for c in row.iter().filter(|c| !c.trim().is_empty()) {
                                if !outer_cell.is_empty() {
                                    outer_cell.push(' ');
                                }
                                outer_cell.push_str(c);
                            }
                        }
                    }
                }
                "tbl" => {
                    tables.pop();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {
                if in_text && hidden == 0 {
                    if let Some(t) = text_of(&event) {
                        para.push_str(&t);
                    }
                }
            }
        }
    }
    Ok(blocks)
}

/// `dcterms:created` and `dcterms:modified` as (`创建日期`, `2019-03-04`) pairs.
fn core_dates(core: &str) -> Vec<(&'static str, String)> {
    let mut reader = Reader::from_str(core);
    let mut out = Vec::new();
    let mut key = None;
    while let Ok(event) = reader.read_event() {
        match &event {
            Event::Start(e) => {
                key = match e.local_name().as_ref() {
                    "created" => Some("创建日期"),
                    "modified" => Some("修改日期"),
                    _ => None,
                }
            }
            Event::End(_) => key = None,
            Event::Eof => break,
            _ => {
                if let (Some(k), Some(t)) = (key, text_of(&event)) {
                    // `2019-03-04T08:00:00Z` → `2019-03-04`.
                    let date: String = t.trim().chars().take(10).collect();
                    if date.len() == 10 && !out.iter().any(|(o, _)| *o == k) {
                        out.push((k, date));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names() {
        assert_eq!(heading_level_of_name("heading 2"), Some(2));
        assert_eq!(heading_level_of_name("标题 1"), Some(1));
        assert_eq!(heading_level_of_name("标题1"), Some(1));
        assert_eq!(heading_level_of_name("标题 1 字符"), None);
        assert_eq!(heading_level_of_name("Normal"), None);
        assert_eq!(outline_level(Some("0")), Some(1));
        assert_eq!(outline_level(Some("9")), None);
    }

    #[test]
    fn blocks_in_order() {
        let styles = Styles::parse(
            r#"<w:styles xmlns:w="w"><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="X"><w:name w:val="条"/><w:basedOn w:val="2"/></w:style>
            <w:style w:type="paragraph" w:styleId="T"><w:name w:val="Title"/></w:style></w:styles>"#,
        )
        .unwrap();
        let doc = r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
            <w:p><w:pPr><w:pStyle w:val="T"/></w:pPr><w:r><w:t>办法</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="X"/></w:pPr><w:r><w:t>第一章</w:t><w:tab/><w:t>总则</w:t></w:r></w:p>
            <w:p><w:r><w:t>甲&amp;乙</w:t><w:br/><w:t>丙</w:t><w:delText>删</w:delText></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>金额</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>附则</w:t></w:r></w:p>
            </w:body></w:document>"#;
        let blocks = body_blocks(doc, &styles).unwrap();
        assert_eq!(
            blocks,
            [
                Block::Title("办法".into()),
                Block::Heading(1, "第一章 总则".into()),
                Block::Line("甲&乙".into()),
                Block::Line("丙".into()),
                Block::Row(vec!["项目".into(), "金额".into()]),
                Block::Heading(2, "附则".into()),
            ]
        );
    }

    #[test]
    fn core_dates_are_days() {
        let core = r#"<cp:coreProperties xmlns:cp="c" xmlns:dcterms="d"><dc:title>标准名称</dc:title>
            <dcterms:created xsi:type="dcterms:W3CDTF">2019-03-04T08:00:00Z</dcterms:created>
            <dcterms:modified>2019-03-05T01:00:00Z</dcterms:modified></cp:coreProperties>"#;
        assert_eq!(
            core_dates(core),
            [
                ("创建日期", "2019-03-04".to_string()),
                ("修改日期", "2019-03-05".to_string())
            ]
        );
    }

    #[test]
    fn damaged_archives_are_reported() {
        let err = to_text(b"PK\x03\x04truncated").unwrap_err().to_string();
        assert!(err.starts_with("damaged DOCX file"), "{err}");
    }
}
