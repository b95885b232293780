//! The extraction pipeline: one function per field, each trying its sources strongest first
//! and returning the first value found with its [`Source`].
//!
//! It works from a path, a title, metadata pairs and the text, so documents of any format
//! (web pages with `<meta>` pairs, Word files with document properties) go through the same
//! rules once they are read into those parts. Metadata keys are compared without white space
//! (`文      号` is `文号`) in both scripts. This file holds the pipeline, the dates and the
//! number; `attribute` holds who and what (issuer, kind, region, person, status, version).

use super::attribute::{
    fallback_issuer, issuer_of, kind_of, person_of, region_of, stated_status_of, version_of,
};
use super::dates::{find_dates, is_bare_date, parse_value, roc_dotted};
use super::header::{Header, Line};
use super::*;

const DATE_KEYS: [(&str, DateRole); 27] = [
    ("修正日期", DateRole::Modified),
    ("修訂日期", DateRole::Revised),
    ("修订日期", DateRole::Revised),
    ("公布日期", DateRole::Promulgated),
    ("公佈日期", DateRole::Promulgated),
    ("发布日期", DateRole::Promulgated),
    ("發布日期", DateRole::Promulgated),
    ("颁布日期", DateRole::Promulgated),
    ("印发日期", DateRole::Promulgated),
    ("发文日期", DateRole::Promulgated),
    ("發文日期", DateRole::Promulgated),
    ("成文日期", DateRole::Signed),
    ("日期", DateRole::Signed),
    ("date", DateRole::Signed),
    ("施行日期", DateRole::Effective),
    ("实施日期", DateRole::Effective),
    ("實施日期", DateRole::Effective),
    ("生效日期", DateRole::Effective),
    ("通过日期", DateRole::Adopted),
    ("通過日期", DateRole::Adopted),
    ("批准日期", DateRole::Approved),
    ("废止日期", DateRole::Repealed),
    ("廢止日期", DateRole::Repealed),
    ("失效日期", DateRole::Repealed),
    ("effective", DateRole::Effective),
    ("promulgated", DateRole::Promulgated),
    ("adopted", DateRole::Adopted),
];
const NUMBER_KEYS: [&str; 9] = [
    "文号",
    "文號",
    "发文字号",
    "發文字號",
    "字号",
    "字號",
    "文件编号",
    "number",
    "doc_number",
];
const TW_KEYS: [&str; 2] = ["法規類別", "廢止註記"];

pub(super) struct PathInfo<'a> {
    pub(super) folders: Vec<&'a str>,
    pub(super) stem: &'a str,
}

fn path_info(rel: &str) -> PathInfo<'_> {
    let mut parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    let file = parts.pop().unwrap_or("");
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    PathInfo {
        folders: parts,
        stem,
    }
}

/// A metadata pair with its key cleaned and its source.
pub(super) struct Meta<'a> {
    pub(super) key: String,
    pub(super) value: &'a str,
    pub(super) source: Source,
}

fn front_matter_keys(text: &str) -> Vec<String> {
    let mut lines = text.trim_start_matches('\u{FEFF}').lines();
    if lines.next().map(str::trim) != Some("---") {
        return Vec::new();
    }
    lines
        .take_while(|l| !matches!(l.trim(), "---" | "..."))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim().to_string()))
        .collect()
}

fn metas<'a>(metadata: &'a [(String, String)], text: &str) -> Vec<Meta<'a>> {
    let fm = front_matter_keys(text);
    metadata
        .iter()
        .map(|(k, v)| {
            let key: String = k.chars().filter(|c| !c.is_whitespace()).collect();
            let source = if fm.iter().any(|f| f == k) {
                Source::FrontMatter { key: k.clone() }
            } else {
                Source::Metadata { key: k.clone() }
            };
            Meta {
                key,
                value: v.trim(),
                source,
            }
        })
        .collect()
}

pub(super) fn meta_value<'m, 'a>(metas: &'m [Meta<'a>], keys: &[&str]) -> Option<&'m Meta<'a>> {
    metas
        .iter()
        .find(|m| !m.value.is_empty() && keys.iter().any(|k| m.key.eq_ignore_ascii_case(k)))
}

/// Taiwan texts: a `法規類別`/`廢止註記` line or an ROC date in the metadata.
fn taiwan_source(metas: &[Meta]) -> Option<Source> {
    metas
        .iter()
        .find(|m| {
            TW_KEYS.contains(&m.key.as_str())
                || m.value.contains("民國")
                || m.value.contains("民国")
        })
        .map(|m| m.source.clone())
}

/// Everything the extraction steps share.
pub(super) struct Ctx<'a> {
    pub(super) path: PathInfo<'a>,
    pub(super) title: &'a str,
    pub(super) metas: Vec<Meta<'a>>,
    pub(super) header: Header<'a>,
    pub(super) events: Vec<(Event, Source)>,
    /// Where the text shows it is a Taiwan text.
    pub(super) tw: Option<Source>,
    /// The title's leading place with its 省/市, to complete `市十二届人大常委会`.
    pub(super) place: Option<&'a str>,
    /// A standard's cover at the top ([`super::standard`]).
    pub(super) cover: Option<super::standard::Cover>,
}

/// Extracts the metadata from a path (relative to the corpus root), a title, metadata pairs
/// (key, value) and the decoded text. See the module docs of `meta` for the fields.
pub fn extract_parts(
    rel_path: &str,
    title: &str,
    metadata: &[(String, String)],
    text: &str,
) -> DocMeta {
    let header = header::split(text, title);
    if !header.has_content {
        // A section stub (front matter only) is no document of any kind.
        return DocMeta::default();
    }
    let events = header_events(&header);
    let metas = metas(metadata, text);
    let tw = taiwan_source(&metas);
    let title = effective_title(title, &metas, &header);
    let place = title
        .char_indices()
        .take(8)
        .find(|&(_, c)| c == '省' || c == '市')
        .map(|(i, c)| &title[..i + c.len_utf8()])
        .filter(|p| region::place_prefix(p).is_some());
    let cx = Ctx {
        path: path_info(rel_path),
        title,
        metas,
        header,
        events,
        tw,
        place,
        cover: super::standard::cover(text),
    };
    let mut m = DocMeta {
        dates: dates_of(&cx),
        number: number_of(&cx),
        ..DocMeta::default()
    };
    let issuer = issuer_of(&cx);
    m.kind = kind_of(&cx, issuer.as_ref(), m.number.as_ref());
    m.issuer = issuer.or_else(|| fallback_issuer(&cx, m.kind.as_ref()));
    (m.region, m.city) = region_of(&cx, &m);
    m.person = person_of(&cx);
    m.stated_status = stated_status_of(&cx);
    m.main_date = main_date(&m.dates);
    m.version = version_of(&cx, &m);
    m.draft = draft_of(&cx);
    m.status = versions::provisional_status(&m);
    m
}

/// Words that mark a draft at the end of a title or file name, or in brackets in it
/// (`…法（草案）`, `…_征求意见稿`): a draft is in force nowhere. Elsewhere they are words of
/// the name (`課程綱要草案提案及處理辦法` is in force).
const DRAFT_WORDS: [&str; 10] = [
    "征求意见稿",
    "徵求意見稿",
    "送审稿",
    "送審稿",
    "报批稿",
    "報批稿",
    "讨论稿",
    "討論稿",
    "草案",
    "草稿",
];

/// What says the document is a draft: a word of its title or file name, or its standard's
/// code still to be given (`NB/T XXXXX—XXXX`).
fn draft_of(cx: &Ctx) -> Option<Sourced<String>> {
    let marks = |name: &str, w: &str| {
        let end = name.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '）' | ')' | '】' | ']' | '_' | '-')
        });
        end.ends_with(w)
            || (name.match_indices(w)).any(|(at, _)| name[..at].ends_with(['（', '(', '【', '[']))
    };
    for w in DRAFT_WORDS {
        if marks(cx.title, w) {
            return Some(Sourced::new(w.to_string(), Source::Title));
        }
        if marks(cx.path.stem, w) {
            return Some(Sourced::new(w.to_string(), Source::FileName));
        }
    }
    let c = cx.cover.as_ref()?;
    let (code, line) = c.draft.clone()?;
    Some(Sourced::new(code, Source::FirstLines { line }))
}

/// The document's name: a `法規名稱`/`标题` metadata value, the title without such a key, or,
/// when the title is an order's heading (`中华人民共和国主席令`), the name its promulgation
/// sentence quotes (`《中华人民共和国劳动合同法》已由…通过，现予公布`).
fn effective_title<'a>(title: &'a str, metas: &[Meta<'a>], header: &Header<'a>) -> &'a str {
    const NAME_KEYS: [&str; 5] = ["法規名稱", "法规名称", "标题", "標題", "title"];
    if let Some(m) = meta_value(metas, &NAME_KEYS) {
        return m.value;
    }
    let t = title.trim();
    let t = ["法規名稱：", "法规名称：", "标题：", "標題："]
        .iter()
        .find_map(|k| t.strip_prefix(k))
        .unwrap_or(t)
        .trim();
    if t.ends_with('令') || t.ends_with("公告") {
        for l in &header.first {
            if let Some(rest) = l.text.strip_prefix('《') {
                if let Some(end) = rest.find('》') {
                    if l.text.contains("公布") || l.text.contains("发布") || l.text.contains("公告")
                    {
                        return &rest[..end];
                    }
                }
            }
        }
    }
    t
}

// ---- dates ----

fn dates_of(cx: &Ctx) -> Vec<DatedEvent> {
    let mut out: Vec<DatedEvent> = Vec::new();
    for meta in &cx.metas {
        let Some((_, role)) = DATE_KEYS
            .iter()
            .find(|(k, _)| meta.key.eq_ignore_ascii_case(k))
        else {
            continue;
        };
        if let Some(date) = parse_value(meta.value, cx.tw.is_some()) {
            out.push(DatedEvent {
                role: *role,
                date,
                source: meta.source.clone(),
            });
        }
    }
    for (e, source) in &cx.events {
        out.push(DatedEvent {
            role: e.role,
            date: e.date,
            source: source.clone(),
        });
    }
    if cx.tw.is_some() {
        out.extend(tw_title_dates(cx.title));
    }
    for &(role, date, line) in cx.cover.iter().flat_map(|c| &c.dates) {
        out.push(DatedEvent {
            role,
            date,
            source: Source::FirstLines { line },
        });
    }
    if cx.events.is_empty() {
        if let Some((_, date, line)) = signature(&cx.header.tail) {
            out.push(DatedEvent {
                role: DateRole::Signed,
                date,
                source: Source::LastLines { line },
            });
        }
    }
    if !out.iter().any(|d| d.role == DateRole::Promulgated) {
        if let Some((date, line)) = printed(&cx.header.tail) {
            out.push(DatedEvent {
                role: DateRole::Promulgated,
                date,
                source: Source::LastLines { line },
            });
        }
    }
    if let Some(date) = file_name_date(cx.path.stem) {
        out.push(DatedEvent {
            role: DateRole::Version,
            date,
            source: Source::FileName,
        });
    }
    let mut seen = Vec::new();
    out.retain(|d| {
        let k = (d.role, d.date);
        let new = !seen.contains(&k);
        seen.push(k);
        new
    });
    out
}

/// Dates in a Taiwan title's notes: `（105.10.05 訂定）`, `（新 99.01.31 訂定）`.
fn tw_title_dates(title: &str) -> Vec<DatedEvent> {
    let mut out = Vec::new();
    for (i, c) in title.char_indices() {
        if c != '（' && c != '(' {
            continue;
        }
        let inner = &title[i + c.len_utf8()..];
        let inner = inner.split(['）', ')']).next().unwrap_or(inner);
        let body = inner.trim_start_matches(['新', '舊', '旧', ' ', '　']);
        let Some((date, used)) = roc_dotted(body) else {
            continue;
        };
        let verb = body[used..].trim();
        let role = match verb {
            "訂定" | "订定" | "發布" | "发布" => DateRole::Adopted,
            "修正" | "修訂" => DateRole::Amended,
            "廢止" | "废止" => DateRole::Repealed,
            _ => continue,
        };
        out.push(DatedEvent {
            role,
            date,
            source: Source::Title,
        });
    }
    out
}

/// `劳动合同法(2012-12-28)` → 2012-12-28; `1954政府工作报告_周恩来` → 1954.
fn file_name_date(stem: &str) -> Option<PartialDate> {
    if let Some(inner) = stem.strip_suffix([')', '）']) {
        if let Some(p) = inner.rfind(['(', '（']) {
            let v = inner[p..].trim_start_matches(['(', '（']);
            if let Some(d) = PartialDate::parse_iso(v).filter(|d| d.day.is_some()) {
                return Some(d);
            }
        }
    }
    let digits: String = stem.chars().take_while(|c| c.is_ascii_digit()).collect();
    let next = stem[digits.len()..].chars().next();
    if digits.len() == 4 && next.is_some_and(|c| !c.is_ascii() && c != '年' && c != '-') {
        return PartialDate::parse_iso(&digits);
    }
    None
}

/// The day an official document was printed and sent out, on its last lines: the imprint
/// (版记) `唐山市…办公室　　2019 年 3 月 26 日印发` names the office that printed it and the
/// day, which is the day it was made public.
fn printed(tail: &[Line]) -> Option<(PartialDate, u32)> {
    tail.iter().rev().find_map(|l| {
        let t = l.text.trim_end();
        if !(t.ends_with("印发") || t.ends_with("印發")) {
            return None;
        }
        let date = find_dates(t).pop()?;
        // Only the verb may follow the date.
        let after = t[date.end..].trim_matches(|c: char| c.is_whitespace());
        matches!(after, "印发" | "印發").then_some((date.date, l.no))
    })
}

/// A body's name on one of the last lines, the next line a date alone: (body, date, line).
pub(super) fn signature<'a>(tail: &[Line<'a>]) -> Option<(&'a str, PartialDate, u32)> {
    tail.windows(2).find_map(|w| {
        let date = is_bare_date(w[1].text)?;
        issuer::normalize(w[0].text, None)?;
        Some((w[0].text, date, w[1].no))
    })
}

fn main_date(dates: &[DatedEvent]) -> Option<MainDate> {
    use DateRole::*;
    let made = |r: DateRole| {
        matches!(
            r,
            Adopted
                | Approved
                | Promulgated
                | Amended
                | Revised
                | Signed
                | Delivered
                | Modified
                | Version
        )
    };
    // On equal dates the event wins over the file name's bare version date.
    let pick = |f: &dyn Fn(DateRole) -> bool| {
        dates
            .iter()
            .filter(|d| f(d.role))
            .max_by_key(|d| (d.date, d.role != Version))
            .map(|d| MainDate {
                date: d.date,
                role: d.role,
            })
    };
    pick(&made).or_else(|| pick(&|r| r == Effective))
}

// ---- number ----

fn number_of(cx: &Ctx) -> Option<Sourced<String>> {
    if let Some(meta) = meta_value(&cx.metas, &NUMBER_KEYS) {
        let v = number::line_number(meta.value)
            .unwrap_or_else(|| meta.value.chars().filter(|c| !c.is_whitespace()).collect());
        return Some(Sourced::new(v, meta.source.clone()));
    }
    if let Some((code, line)) = cx.cover.as_ref().and_then(|c| c.code.clone()) {
        return Some(Sourced::new(code, Source::FirstLines { line }));
    }
    let from_event = cx
        .events
        .iter()
        .filter_map(|(e, s)| {
            let n = number::find_instrument(&e.rest)
                .map(|n| n.text)
                .or_else(|| {
                    number::find_bracketed(&e.rest)
                        .into_iter()
                        .next()
                        .map(|n| n.text)
                })?;
            Some((e.date, n, s))
        })
        .max_by_key(|(d, _, _)| *d);
    if let Some((_, n, s)) = from_event {
        return Some(Sourced::new(n, s.clone()));
    }
    // The title line goes with the first lines: an order's heading may be the title.
    let first: Vec<Line> = cx
        .header
        .title_line
        .iter()
        .chain(&cx.header.first)
        .copied()
        .collect();
    for (lines, is_info) in [(&cx.header.info, true), (&first, false)] {
        for (k, l) in lines.iter().enumerate() {
            if let Some(n) = number::line_number(l.text) {
                return Some(Sourced::new(n, lines_source(is_info, l.no)));
            }
            // An order's heading over its serial: `国务院令` / `第712号`.
            if let Some(next) = lines
                .get(k + 1)
                .filter(|_| l.text.ends_with('令') || l.text.ends_with("公告"))
            {
                if let Some(n) = number::line_number(&format!("{}{}", l.text, next.text)) {
                    return Some(Sourced::new(n, lines_source(is_info, l.no)));
                }
            }
        }
    }
    if let Some(n) = number::find_bracketed(cx.title).into_iter().next() {
        return Some(Sourced::new(n.text, Source::Title));
    }
    number::find_bracketed(cx.path.stem)
        .into_iter()
        .next()
        .map(|n| Sourced::new(n.text, Source::FileName))
}
