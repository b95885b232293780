//! DOCX (Office Open XML) to clean text lines: `word/document.xml` read in order with
//! `quick-xml`, paragraph styles resolved through `word/styles.xml`.
//!
//! - A paragraph whose style (or the style it is based on) is a heading — named
//!   `heading N` / `标题 N`, or with an outline level 0-8 — or that has an outline level of
//!   its own, is a heading of that level; the `Title` style is the title.
//! - Text is the runs' `w:t` (tracked deletions, field codes and the fallback copy of text
//!   boxes are left out); a tab is a space, a manual line break (`w:br`) ends a line.
//! - A table row is one line with its cells apart; a cell's paragraphs are joined.
//! - Automatic list numbers (`w:numPr`, the paragraph's own or its style's) are generated
//!   as Word draws them (`numbering`) and start the paragraph's text, so `一、`, `（一）`,
//!   `第一条` numbered by Word are headings by the same rules as typed ones.
//! - `docProps/core.xml`'s creation and modification dates become `创建日期` / `修改日期`
//!   metadata. Its `dc:title` is not used: in real files it is mostly a template's
//!   placeholder (`标准名称`, `（填写标准名称）`).

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::numbering::Numbering;
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
    let mut numbering = match xml::member(FORMAT, &mut zip, "word/numbering.xml")? {
        Some(n) => Numbering::parse(&n)?,
        None => Numbering::default(),
    };
    let core = xml::member(FORMAT, &mut zip, "docProps/core.xml")?;
    let (blocks, sizes) = body_blocks(&document, &styles, &mut numbering)?;

    let mut b = TextBuilder::new(true);
    let (taken, title) = choose_title(&blocks, &sizes);
    if let Some(title) = &title {
        b.title(title);
    }
    // Without a title the parser names the document after its file, and the dates are left
    // out: they would be taken for the first line.
    if let Some(core) = core.filter(|_| title.is_some()) {
        for (key, value) in core_dates(&core) {
            b.field(key, &value);
        }
    }
    for (i, block) in blocks.iter().enumerate() {
        if taken.contains(&i) {
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

/// The text of a block that may be a title (not a table row).
fn line_of(block: &Block) -> Option<&str> {
    match block {
        Block::Title(t) | Block::Heading(_, t) | Block::Line(t) => Some(t),
        Block::Row(_) => None,
    }
}

/// The title and the blocks it is taken from:
/// 1. a `Title` paragraph;
/// 2. when the first paragraph is a cover's code line (`ICS 27.120.99`, `NB/T XXXX—XXXX`, a
///    文号, `备案号：`: [`is_code_line`]), the cover's name: the first run of paragraphs set
///    in the largest font among the short paragraphs before the text begins, code lines
///    aside (a name of a few characters, `编制说明`, is joined after the large line before
///    it);
/// 3. else the first paragraph, joined with the second when both are short and only the
///    second ends like a document's name (`上海保险分支机构高级管理人员` / `任职资格考试管理办法`);
/// 4. none when the document starts with a table.
fn choose_title(blocks: &[Block], sizes: &[u32]) -> (Vec<usize>, Option<String>) {
    if let Some(i) = blocks.iter().position(|b| matches!(b, Block::Title(_))) {
        return (vec![i], line_of(&blocks[i]).map(str::to_string));
    }
    let Some(first) = blocks.first().and_then(line_of) else {
        return (Vec::new(), None);
    };
    if is_code_line(first) {
        if let Some((taken, title)) = cover_name(blocks, sizes) {
            return (taken, Some(title));
        }
    }
    match blocks.get(1).and_then(line_of) {
        Some(second)
            if is_short_line(first)
                && is_short_line(second)
                && !super::ends_like_a_name(first)
                && super::ends_like_a_name(second) =>
        {
            (
                vec![0, 1],
                Some(format!("{}{}", first.trim(), second.trim())),
            )
        }
        _ => (vec![0], Some(first.to_string())),
    }
}

/// How many paragraphs at the start a cover may take.
const COVER_BLOCKS: usize = 20;

/// The name on a cover page (see [`choose_title`]): `None` when no font size is known or the
/// largest is not larger than the body text's.
fn cover_name(blocks: &[Block], sizes: &[u32]) -> Option<(Vec<usize>, String)> {
    // The body's size: the most common one.
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for &s in sizes.iter().filter(|&&s| s > 0) {
        *counts.entry(s).or_default() += 1;
    }
    let body = counts.into_iter().max_by_key(|&(s, n)| (n, s))?.0;
    let candidate = |i: usize| {
        line_of(&blocks[i]).filter(|l| {
            l.trim().chars().count() <= 40 && !l.contains(['。', '；']) && !is_code_line(l)
        })
    };
    let window = blocks
        .iter()
        .take(COVER_BLOCKS)
        .position(|b| line_of(b).is_none_or(|l| l.chars().count() > 40 || l.contains('。')))
        .unwrap_or(blocks.len().min(COVER_BLOCKS));
    let largest = (0..window)
        .filter(|&i| candidate(i).is_some())
        .map(|i| sizes.get(i).copied().unwrap_or(0))
        .max()?;
    if largest <= body {
        return None;
    }
    let start = (0..window).find(|&i| candidate(i).is_some() && sizes.get(i) == Some(&largest))?;
    let mut run: Vec<usize> = (start..window)
        .take_while(|&i| candidate(i).is_some() && sizes.get(i) == Some(&largest))
        .collect();
    let text_of_run = |run: &[usize]| run.iter().filter_map(|&i| candidate(i)).collect::<Vec<_>>();
    let short: usize = text_of_run(&run)
        .iter()
        .map(|l| l.trim().chars().count())
        .sum();
    if short <= 6 && start > 0 && candidate(start - 1).is_some() && sizes[start - 1] > body {
        run.insert(0, start - 1);
    }
    let mut title = String::new();
    for line in text_of_run(&run) {
        let line = line.trim();
        // A part's name keeps its space (`核电厂定期安全评价 第1部分：通用要求`), a name
        // broken over lines does not; Latin words keep theirs.
        let part =
            line.starts_with('第') && line.chars().nth(1).is_some_and(|c| c.is_ascii_digit());
        let latin = title.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !title.is_empty() && (part || latin || short <= 6) {
            title.push(' ');
        }
        title.push_str(line);
    }
    Some((run, title))
}

/// A cover's code line, never a title: fewer than two ideographs (`ICS 27.120.99`, `F69`,
/// `NB/T XXXXX—XXXX`), a label without its value (`备案号：`), or a document number alone
/// (`苏银监办〔2005〕235号`).
fn is_code_line(line: &str) -> bool {
    let t = line.trim();
    let ideographs = t
        .chars()
        .filter(|&c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        .count();
    ideographs < 2 || t.ends_with(['：', ':']) || crate::corpus::meta::line_number(t).is_some()
}

/// A line that may be part of a title: at most 30 characters, no sentence punctuation.
fn is_short_line(line: &str) -> bool {
    line.trim().chars().count() <= 30 && !line.contains(['。', '；', '，', '：', ':'])
}

/// Paragraph styles: which are headings (and of what level), which is the title, which are
/// numbered.
#[derive(Debug, Default)]
struct Styles {
    styles: HashMap<String, StyleDef>,
    /// The default font size (`w:docDefaults`), in half points.
    default_size: Option<u32>,
}

/// One paragraph style.
#[derive(Debug, Default)]
struct StyleDef {
    /// The heading level from the name or the outline level.
    level: Option<usize>,
    based_on: Option<String>,
    title: bool,
    /// Its numbering (`w:numPr`): the list and the level when given.
    num: Option<NumPr>,
    /// Its font size (`w:sz`), in half points.
    size: Option<u32>,
}

/// A `w:numPr`: `w:numId` and `w:ilvl`, each when given.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct NumPr {
    id: Option<String>,
    level: Option<u32>,
}

impl Styles {
    fn parse(xml_text: &str) -> Result<Styles, ReadError> {
        let mut reader = Reader::from_str(xml_text);
        let mut styles = HashMap::new();
        let mut current: Option<(String, StyleDef)> = None;
        let mut default_size = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| xml_error(FORMAT, "word/styles.xml", e))?;
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.local_name();
                    if name.as_ref() == "style" {
                        let paragraph = attr(e, "type").is_none_or(|t| t == "paragraph");
                        current = attr(e, "styleId")
                            .filter(|_| paragraph)
                            .map(|id| (id, StyleDef::default()));
                        continue;
                    }
                    let val = attr(e, "val");
                    let Some((_, c)) = current.as_mut() else {
                        if name.as_ref() == "sz" {
                            default_size = val.and_then(|v| v.parse().ok());
                        }
                        continue;
                    };
                    match name.as_ref() {
                        "name" => {
                            if let Some(name) = val {
                                c.level = c.level.or(heading_level_of_name(&name));
                                c.title = is_title_name(&name);
                            }
                        }
                        "basedOn" => c.based_on = val,
                        "outlineLvl" => c.level = c.level.or(outline_level(val.as_deref())),
                        "sz" => c.size = val.and_then(|v| v.parse().ok()),
                        "numId" => c.num.get_or_insert_with(NumPr::default).id = val,
                        "ilvl" => {
                            c.num.get_or_insert_with(NumPr::default).level =
                                val.and_then(|v| v.parse().ok())
                        }
                        _ => {}
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "style" => {
                    if let Some((id, def)) = current.take() {
                        styles.insert(id, def);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(Styles {
            styles,
            default_size,
        })
    }

    /// The heading level of style `id`, following `basedOn` (a few steps at most).
    fn level(&self, id: &str) -> Option<usize> {
        let mut id = id;
        for _ in 0..8 {
            let def = self.styles.get(id)?;
            if def.level.is_some() {
                return def.level;
            }
            id = def.based_on.as_deref()?;
        }
        None
    }

    fn is_title(&self, id: &str) -> bool {
        self.styles.get(id).is_some_and(|s| s.title)
    }

    /// The font size of style `id` (following `basedOn`), else the default.
    fn size(&self, id: Option<&str>) -> Option<u32> {
        let mut id = id;
        for _ in 0..8 {
            let Some(def) = id.and_then(|i| self.styles.get(i)) else {
                break;
            };
            if def.size.is_some() {
                return def.size;
            }
            id = def.based_on.as_deref();
        }
        self.default_size
    }

    /// The numbering of style `id`, following `basedOn` (a few steps at most): the list
    /// from the nearest style that names one, the level from the nearest that gives one.
    fn num(&self, id: &str) -> Option<NumPr> {
        let mut out = NumPr::default();
        let mut id = id;
        for _ in 0..8 {
            let Some(def) = self.styles.get(id) else {
                break;
            };
            if let Some(n) = &def.num {
                out.id = out.id.or_else(|| n.id.clone());
                out.level = out.level.or(n.level);
            }
            match def.based_on.as_deref() {
                Some(b) => id = b,
                None => break,
            }
        }
        out.id.is_some().then_some(out)
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

/// A paragraph interrupted by one inside it (a text box): its text so far, style, outline
/// level and numbering.
type OuterParagraph = (String, Option<String>, Option<usize>, Option<NumPr>);

/// The body's paragraphs and table rows, in order, with the font size of each (half points:
/// the largest of its runs, else its style's; 0 when not known).
fn body_blocks(
    document: &str,
    styles: &Styles,
    numbering: &mut Numbering,
) -> Result<(Vec<Block>, Vec<u32>), ReadError> {
    let mut reader = Reader::from_str(document);
    let mut blocks = Vec::new();
    let mut sizes = Vec::new();
    // Inside a run (`w:r`), and the largest size of the current paragraph's runs.
    let mut in_run = false;
    let mut run_size: Option<u32> = None;
    // Open tables: for each, the cells of the current row and the text of the current cell.
    let mut tables: Vec<(Vec<String>, String)> = Vec::new();
    // The paragraphs of the current row of a table at the top level, with their sizes: a
    // row of one cell (a cover laid out in a table) gives them as paragraphs.
    let mut row_paras: Vec<(String, u32)> = Vec::new();
    let mut nested_in_row = false;
    let mut para = String::new();
    let mut style: Option<String> = None;
    let mut own_level: Option<usize> = None;
    let mut own_num: Option<NumPr> = None;
    let mut in_text = false;
    let mut outer: Vec<OuterParagraph> = Vec::new();
    // Depth inside elements whose text is not the document's (`mc:Fallback`, `w:delText`,
    // `w:instrText`).
    let mut hidden = 0usize;
    // Depth inside a tracked change's record of former properties (`w:pPrChange`,
    // `w:rPrChange`): their style and numbering are not the paragraph's.
    let mut former = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(FORMAT, "word/document.xml", e))?;
        match &event {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" if hidden == 0 => in_text = true,
                "Fallback" | "delText" | "instrText" => hidden += 1,
                "pPrChange" | "rPrChange" => former += 1,
                "r" => in_run = true,
                "tbl" => {
                    nested_in_row |= !tables.is_empty();
                    tables.push((Vec::new(), String::new()));
                }
                "p" => {
                    // A paragraph inside another (a text box): the outer one resumes after it.
                    outer.push((
                        std::mem::take(&mut para),
                        style.take(),
                        own_level.take(),
                        own_num.take(),
                    ));
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" if hidden == 0 => para.push(' '),
                "br" | "cr" if hidden == 0 => para.push('\n'),
                _ if former > 0 => {}
                "pStyle" => style = attr(e, "val"),
                "outlineLvl" => own_level = outline_level(attr(e, "val").as_deref()),
                "numId" => own_num.get_or_insert_with(NumPr::default).id = attr(e, "val"),
                "sz" if in_run && hidden == 0 => {
                    let size = attr(e, "val").and_then(|v| v.parse().ok());
                    run_size = run_size.max(size);
                }
                "ilvl" => {
                    own_num.get_or_insert_with(NumPr::default).level =
                        attr(e, "val").and_then(|v| v.parse().ok())
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "Fallback" | "delText" | "instrText" => hidden = hidden.saturating_sub(1),
                "pPrChange" | "rPrChange" => former = former.saturating_sub(1),
                "r" => in_run = false,
                "p" => {
                    let mut text = std::mem::take(&mut para);
                    let p_size = run_size.take();
                    let (o_para, o_style, o_level, o_num) = outer.pop().unwrap_or_default();
                    let (p_style, p_level) = (std::mem::replace(&mut style, o_style), own_level);
                    let p_num = std::mem::replace(&mut own_num, o_num);
                    own_level = o_level;
                    para = o_para;
                    if hidden > 0 {
                        continue;
                    }
                    // An empty numbered paragraph uses its number (Word draws it) but gives
                    // no text.
                    if let Some(number) = list_number(numbering, styles, p_style.as_deref(), p_num)
                    {
                        if !text.trim().is_empty() {
                            text.insert_str(0, &number);
                        }
                    }
                    let size = p_size
                        .or_else(|| styles.size(p_style.as_deref()))
                        .unwrap_or(0);
                    if let Some((_, cell)) = tables.last_mut() {
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(text.trim());
                        if tables.len() == 1 {
                            row_paras.push((text, size));
                        }
                        continue;
                    }
                    let level =
                        p_level.or_else(|| p_style.as_deref().and_then(|s| styles.level(s)));
                    let title = p_style.as_deref().is_some_and(|s| styles.is_title(s));
                    for line in text.split('\n').filter(|l| !l.trim().is_empty()) {
                        sizes.push(size);
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
                        let paras = std::mem::take(&mut row_paras);
                        let nested = tables.len() == 1 && std::mem::take(&mut nested_in_row);
                        if tables.len() == 1 && row.len() == 1 && !nested {
                            for (text, size) in paras {
                                for line in text.split('\n').filter(|l| !l.trim().is_empty()) {
                                    sizes.push(size);
                                    blocks.push(Block::Line(line.to_string()));
                                }
                            }
                        } else if tables.len() == 1 {
                            if row.iter().any(|c| !c.trim().is_empty()) {
                                sizes.push(0);
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
    Ok((blocks, sizes))
}

/// The automatic number of a paragraph with style `style` and numbering properties
/// `own` (its own `w:numPr`, which wins over the style's), advancing the list's counters.
fn list_number(
    numbering: &mut Numbering,
    styles: &Styles,
    style: Option<&str>,
    own: Option<NumPr>,
) -> Option<String> {
    let from_style = style.and_then(|s| styles.num(s));
    let own = own.unwrap_or_default();
    let id = own
        .id
        .or_else(|| from_style.as_ref().and_then(|n| n.id.clone()))?;
    if id == "0" {
        return None;
    }
    let level = own
        .level
        .or_else(|| from_style.as_ref().and_then(|n| n.level))
        .or_else(|| style.and_then(|s| numbering.level_of_style(&id, s)))
        .unwrap_or(0);
    numbering.next(&id, level).filter(|n| !n.is_empty())
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
        let (blocks, _) = body_blocks(doc, &styles, &mut Numbering::default()).unwrap();
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
    fn list_numbers_are_text() {
        let styles = Styles::parse(
            r#"<w:styles xmlns:w="w"><w:style w:type="paragraph" w:styleId="Zhang"><w:name w:val="章"/>
            <w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="Jie"><w:name w:val="节"/><w:basedOn w:val="Zhang"/>
            <w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#,
        )
        .unwrap();
        let mut numbering = Numbering::parse(
            r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="7">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
            <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="第%3条"/></w:lvl>
            </w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num></w:numbering>"#,
        )
        .unwrap();
        let p = |ppr: &str, text: &str| {
            format!("<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
        };
        let own =
            |l: u32| format!(r#"<w:numPr><w:ilvl w:val="{l}"/><w:numId w:val="1"/></w:numPr>"#);
        let doc = [
            p(r#"<w:pStyle w:val="Zhang"/>"#, "总体要求"),
            p(r#"<w:pStyle w:val="Jie"/>"#, "指导思想"),
            p(&own(2), "为了规范管理，制定本办法。"),
            p(&own(2), ""),
            p(&own(2), "本办法自发布之日起施行。"),
            // A tracked change's former numbering is not the paragraph's; numId 0 is none.
            p(
                r#"<w:pPrChange><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:pPrChange>"#,
                "不编号",
            ),
            p(r#"<w:pStyle w:val="Zhang"/><w:numPr><w:numId w:val="0"/></w:numPr>"#, "也不编号"),
            p(r#"<w:pStyle w:val="Zhang"/>"#, "保障措施"),
        ]
        .concat();
        let doc = format!(r#"<w:document xmlns:w="w"><w:body>{doc}</w:body></w:document>"#);
        let (blocks, _) = body_blocks(&doc, &styles, &mut numbering).unwrap();
        let texts: Vec<&str> = blocks
            .iter()
            .map(|b| match b {
                Block::Line(t) | Block::Heading(_, t) | Block::Title(t) => t.as_str(),
                Block::Row(_) => "",
            })
            .collect();
        assert_eq!(
            texts,
            [
                "一、总体要求",
                "（一）指导思想",
                "第一条 为了规范管理，制定本办法。",
                "第三条 本办法自发布之日起施行。",
                "不编号",
                "也不编号",
                "二、保障措施",
            ]
        );
        // The generated labels make headings by the text rules.
        let mut b = TextBuilder::new(true);
        b.title("某某办法");
        for t in &texts {
            b.line(t);
        }
        let parsed = crate::corpus::parse_document("x.txt", &b.finish(), "DOCX");
        let heading = |t: &str| {
            parsed
                .paragraphs
                .iter()
                .find(|p| p.text == t)
                .map(|p| (p.kind, p.section.clone()))
        };
        use crate::corpus::ParagraphKind::{Body, Heading};
        assert_eq!(heading("一、总体要求"), Some((Heading, vec![])));
        assert_eq!(
            heading("（一）指导思想"),
            Some((Heading, vec!["一、总体要求".to_string()]))
        );
        assert_eq!(
            heading("第一条 为了规范管理，制定本办法。"),
            Some((Body, vec!["第一条".to_string()]))
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
