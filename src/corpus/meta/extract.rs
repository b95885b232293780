//! The extraction pipeline: one function per field, each trying its sources strongest first
//! and returning the first value found with its [`Source`].
//!
//! It works from a path, a title, metadata pairs and the text, so documents of any format
//! (web pages with `<meta>` pairs, Word files with document properties) go through the same
//! rules once they are read into those parts. Metadata keys are compared without white space
//! (`文      号` is `文号`) in both scripts.

use super::dates::{is_bare_date, parse_value, roc_dotted};
use super::events::organ_above_bare_date;
use super::header::{Header, Line};
use super::region::NATIONAL;
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
const ISSUER_KEYS: [&str; 14] = [
    "发文机关",
    "發文機關",
    "发布机关",
    "發布機關",
    "制定机关",
    "制定機關",
    "颁布机关",
    "公布机关",
    "发文单位",
    "發文單位",
    "发布单位",
    "發布單位",
    "issuer",
    "发文机构",
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
const KIND_KEYS: [&str; 10] = [
    "效力级别",
    "效力級別",
    "效力位阶",
    "法规类型",
    "文种",
    "文種",
    "文件类型",
    "kind",
    "type",
    "category",
];
const STATUS_KEYS: [&str; 8] = [
    "时效性",
    "時效性",
    "效力状态",
    "时效",
    "時效",
    "状态",
    "狀態",
    "status",
];
const REGION_KEYS: [&str; 6] = ["地区", "地區", "区域", "區域", "省份", "region"];
const PERSON_KEYS: [&str; 9] = [
    "作者",
    "发言人",
    "發言人",
    "报告人",
    "報告人",
    "签发人",
    "簽發人",
    "author",
    "speaker",
];
const TW_KEYS: [&str; 2] = ["法規類別", "廢止註記"];
const REPEALED_FOLDERS: [&str; 5] = ["廢止法規", "废止法规", "已废止", "失效法规", "已廢止"];

struct PathInfo<'a> {
    folders: Vec<&'a str>,
    stem: &'a str,
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
struct Meta<'a> {
    key: String,
    value: &'a str,
    source: Source,
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

fn meta_value<'m, 'a>(metas: &'m [Meta<'a>], keys: &[&str]) -> Option<&'m Meta<'a>> {
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
struct Ctx<'a> {
    path: PathInfo<'a>,
    title: &'a str,
    metas: Vec<Meta<'a>>,
    header: Header<'a>,
    events: Vec<(Event, Source)>,
    tw: Option<Source>,
    /// The title's leading place with its 省/市, to complete `市十二届人大常委会`.
    place: Option<&'a str>,
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
    m.status = versions::provisional_status(&m);
    m
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
    if cx.events.is_empty() {
        if let Some((_, date, line)) = signature(&cx.header.tail) {
            out.push(DatedEvent {
                role: DateRole::Signed,
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

/// A body's name on one of the last lines, the next line a date alone: (body, date, line).
fn signature<'a>(tail: &[Line<'a>]) -> Option<(&'a str, PartialDate, u32)> {
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
    let pick = |f: &dyn Fn(DateRole) -> bool| {
        dates
            .iter()
            .filter(|d| f(d.role))
            .max_by_key(|d| d.date)
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

// ---- issuer ----

/// The bodies of an event: its text, or the line above a bare date.
fn event_organs(cx: &Ctx, e: &Event, src: &Source) -> Option<Vec<String>> {
    if e.rest.is_empty() {
        let lines = match src {
            Source::InfoBlock { .. } => &cx.header.info,
            _ => &cx.header.first,
        };
        let above = organ_above_bare_date(lines, e.line)?;
        return issuer::normalize(above, cx.place);
    }
    issuer::normalize(&e.rest, cx.place).or_else(|| {
        // `…已由…会议于2007年6月29日通过`: the body before the date.
        let b = e.before.rsplit(['由', '经']).next()?;
        issuer::normalize(b, cx.place)
    })
}

fn issuer_of(cx: &Ctx) -> Option<Sourced<Vec<String>>> {
    if let Some(meta) = meta_value(&cx.metas, &ISSUER_KEYS) {
        let v =
            issuer::normalize(meta.value, cx.place).unwrap_or_else(|| vec![meta.value.to_string()]);
        return Some(Sourced::new(v, meta.source.clone()));
    }
    if cx.tw.is_some() {
        if let Some(meta) = meta_value(&cx.metas, &["法規類別"]) {
            return issuer::from_tw_category(meta.value)
                .map(|o| Sourced::new(vec![o], meta.source.clone()));
        }
    }
    use DateRole::*;
    for roles in [
        &[Adopted, Promulgated, Signed][..],
        &[Revised, Amended, Effective][..],
    ] {
        let first = cx
            .events
            .iter()
            .filter(|(e, _)| roles.contains(&e.role))
            .find_map(|(e, s)| event_organs(cx, e, s).map(|o| (e.line, o, s)));
        if let Some((line, mut organs, src)) = first {
            // Joint enactments list each body's meeting on one line.
            for (e, s) in cx
                .events
                .iter()
                .filter(|(e, _)| e.line == line && roles.contains(&e.role))
            {
                for o in event_organs(cx, e, s).unwrap_or_default() {
                    if !organs.contains(&o) {
                        organs.push(o);
                    }
                }
            }
            return Some(Sourced::new(organs, src.clone()));
        }
    }
    if let Some(o) = issuer::from_title(cx.title) {
        return Some(Sourced::new(o, Source::Title));
    }
    for l in &cx.header.first {
        if let Some((Some(org), _)) = person::speaker(l.text) {
            return Some(Sourced::new(vec![org], Source::FirstLines { line: l.no }));
        }
    }
    None
}

/// Issuers found only once the kind is known, and the weakest sources: a report's title
/// (`1982年国务院政府工作报告`) or the NPC it was delivered to; an organ folder; a compiler's
/// line or signature at the end.
fn fallback_issuer(cx: &Ctx, kind: Option<&Sourced<Kind>>) -> Option<Sourced<Vec<String>>> {
    if kind.is_some_and(|k| k.value == Kind::WorkReport) {
        let t = cx
            .title
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '年');
        if let Some(p) = t.find("政府工作报告") {
            if let Some(o) = issuer::normalize(&t[..p], None) {
                return Some(Sourced::new(o, Source::Title));
            }
        }
        // A government reports to the people's congress of its level.
        for (e, s) in &cx.events {
            if e.role != DateRole::Delivered {
                continue;
            }
            let Some(p) = e.rest.find("人民代表大会") else {
                continue;
            };
            let before = e.rest[..p].rsplit(['在', '於']).next().unwrap_or_default();
            let before = issuer::drop_sessions(before);
            let government = match before.strip_prefix("中华人民共和国").unwrap_or(&before) {
                "全国" => "国务院".to_string(),
                place if region::place_prefix(place).is_some() => format!("{place}人民政府"),
                _ => continue,
            };
            return Some(Sourced::new(vec![government], s.clone()));
        }
    }
    if cx.tw.is_none() {
        for f in cx.path.folders.iter().rev() {
            if kind::from_folder(f).is_none() && region::province_of_folder(f).is_none() {
                if let Some(o) = issuer::normalize(f, None).filter(|o| o.len() == 1) {
                    return Some(Sourced::new(
                        o,
                        Source::Path {
                            folder: f.to_string(),
                        },
                    ));
                }
            }
        }
    }
    for l in &cx.header.tail {
        if let Some(o) = issuer::from_compiler_line(l.text) {
            return Some(Sourced::new(vec![o], Source::LastLines { line: l.no }));
        }
    }
    let (org, _, line) = signature(&cx.header.tail)?;
    let o = issuer::normalize(org, cx.place)?;
    Some(Sourced::new(o, Source::LastLines { line: line - 1 }))
}

// ---- kind ----

fn kind_of(
    cx: &Ctx,
    issuer: Option<&Sourced<Vec<String>>>,
    number: Option<&Sourced<String>>,
) -> Option<Sourced<Kind>> {
    if let Some(meta) = meta_value(&cx.metas, &KIND_KEYS) {
        if let Some(k) = Kind::from_name(meta.value) {
            return Some(Sourced::new(k, meta.source.clone()));
        }
    }
    if cx.tw.is_some() {
        return kind::from_tw_name(cx.title).map(|k| Sourced::new(k, Source::Title));
    }
    for f in &cx.path.folders {
        if let Some(k) = kind::from_folder(f) {
            let k = refine_local(cx, k, issuer);
            return Some(Sourced::new(
                k,
                Source::Path {
                    folder: f.to_string(),
                },
            ));
        }
    }
    if let Some(k) = kind_from_events(cx) {
        return Some(k);
    }
    if let Some(n) = number {
        if let Some(k) = kind::from_number(&n.value) {
            return Some(Sourced::new(k, n.source.clone()));
        }
    }
    if let Some(k) = kind::from_title_words(cx.title, cx.path.stem) {
        return Some(Sourced::new(k, Source::Title));
    }
    None
}

/// A 地方性法规 adopted by an autonomous area's people's congress is a 自治条例 or 单行条例.
fn refine_local(cx: &Ctx, k: Kind, issuer: Option<&Sourced<Vec<String>>>) -> Kind {
    if k != Kind::LocalRegulation {
        return k;
    }
    let autonomous = issuer.is_some_and(|i| {
        i.value.iter().any(|o| {
            ["自治州", "自治县", "自治旗"].iter().any(|a| o.contains(a))
                && o.ends_with("人民代表大会")
        })
    });
    match (autonomous, cx.title.ends_with("自治条例")) {
        (true, true) => Kind::AutonomyRegulation,
        (true, false) => Kind::SeparateRegulation,
        _ => k,
    }
}

/// The kind the adopting or promulgating body implies.
fn kind_from_events(cx: &Ctx) -> Option<Sourced<Kind>> {
    use DateRole::*;
    for (e, s) in &cx.events {
        if !matches!(e.role, Adopted | Promulgated | Amended | Revised) {
            continue;
        }
        let Some(organs) = event_organs(cx, e, s) else {
            continue;
        };
        let k = if organs.iter().any(|o| o.starts_with("全国人民代表大会")) {
            if cx.title.contains("宪法") && !cx.title.contains("宪法相关") {
                Kind::Constitution
            } else {
                Kind::Law
            }
        } else if organs
            .iter()
            .any(|o| o == "最高人民法院" || o == "最高人民检察院")
        {
            Kind::JudicialInterpretation
        } else if organs.iter().any(|o| o == "国家监察委员会") {
            Kind::SupervisionRegulation
        } else if organs.iter().any(|o| o == "国务院") && !e.rest.contains('〔') {
            Kind::AdministrativeRegulation
        } else if organs
            .iter()
            .any(|o| o.contains("人民代表大会") && region::place_prefix(o).is_some())
        {
            let issuer = Sourced::new(organs.clone(), s.clone());
            refine_local(cx, Kind::LocalRegulation, Some(&issuer))
        } else {
            continue;
        };
        return Some(Sourced::new(k, s.clone()));
    }
    None
}

// ---- region ----

fn region_of(cx: &Ctx, m: &DocMeta) -> (Option<Sourced<String>>, Option<Sourced<String>>) {
    let city =
        |c: Option<&'static str>, s: &Source| c.map(|c| Sourced::new(c.to_string(), s.clone()));
    if let Some(meta) = meta_value(&cx.metas, &REGION_KEYS) {
        let v = meta.value;
        let value = if ["全国", "全國", "中央", "国家"].contains(&v) {
            NATIONAL.to_string()
        } else if let Some(p) = region::province_of_folder(v) {
            p.to_string()
        } else if let Some((p, _)) = region::place_prefix(v) {
            p.to_string()
        } else {
            v.to_string()
        };
        return (Some(Sourced::new(value, meta.source.clone())), None);
    }
    if let Some(s) = &cx.tw {
        return (Some(Sourced::new("台湾".to_string(), s.clone())), None);
    }
    let title_city = region::place_prefix(cx.title).and_then(|(_, c)| c);
    for f in cx.path.folders.iter().rev() {
        if let Some(p) = region::province_of_folder(f) {
            let src = Source::Path {
                folder: f.to_string(),
            };
            return (
                Some(Sourced::new(p.to_string(), src)),
                city(title_city, &Source::Title),
            );
        }
    }
    if let Some(i) = &m.issuer {
        if let Some(o) = i.value.first() {
            if let Some((p, c)) = region::place_prefix(o) {
                return (
                    Some(Sourced::new(p.to_string(), i.source.clone())),
                    city(c, &i.source),
                );
            }
            if region::is_national_organ(o) {
                return (
                    Some(Sourced::new(NATIONAL.to_string(), i.source.clone())),
                    None,
                );
            }
        }
    }
    for (e, s) in &cx.events {
        if let Some(organs) = event_organs(cx, e, s) {
            if let Some((p, _)) = organs.iter().find_map(|o| region::place_prefix(o)) {
                return (
                    Some(Sourced::new(p.to_string(), s.clone())),
                    city(title_city, &Source::Title),
                );
            }
        }
    }
    // A case's title names its parties, not the place of a document.
    let case = m.kind.as_ref().is_some_and(|k| k.value == Kind::Case);
    if let Some((p, c)) = region::place_prefix(cx.title).filter(|_| !case) {
        return (
            Some(Sourced::new(p.to_string(), Source::Title)),
            city(c, &Source::Title),
        );
    }
    if cx.title.starts_with("中华人民共和国") {
        return (
            Some(Sourced::new(NATIONAL.to_string(), Source::Title)),
            None,
        );
    }
    if m.kind.as_ref().is_some_and(|k| k.value.is_national()) {
        let s = Source::derived("national kind");
        return (Some(Sourced::new(NATIONAL.to_string(), s)), None);
    }
    (None, None)
}

// ---- person, status, version ----

fn person_of(cx: &Ctx) -> Option<Sourced<String>> {
    if let Some(meta) = meta_value(&cx.metas, &PERSON_KEYS) {
        return Some(Sourced::new(meta.value.to_string(), meta.source.clone()));
    }
    for l in cx.header.first.iter().take(5) {
        if let Some((_, name)) = person::speaker(l.text) {
            return Some(Sourced::new(name, Source::FirstLines { line: l.no }));
        }
    }
    person::from_file_stem(cx.path.stem).map(|n| Sourced::new(n, Source::FileName))
}

fn stated_status_of(cx: &Ctx) -> Option<Sourced<Status>> {
    if let Some(meta) = meta_value(&cx.metas, &["廢止註記", "废止注记"]) {
        return Some(Sourced::new(Status::Repealed, meta.source.clone()));
    }
    if let Some(meta) = meta_value(&cx.metas, &STATUS_KEYS) {
        let v = meta.value;
        let s = if v.contains("尚未") || v.contains("未生效") {
            Status::NotYetInForce
        } else if v.contains("废止") || v.contains("廢止") || v.contains("失效") {
            Status::Repealed
        } else if v.contains("修改") || v.contains("修正") || v.contains("修订") {
            Status::AmendedByNewer
        } else if v.contains("有效") {
            Status::InForce
        } else {
            return None;
        };
        return Some(Sourced::new(s, meta.source.clone()));
    }
    if let Some(f) = cx
        .path
        .folders
        .iter()
        .find(|f| REPEALED_FOLDERS.contains(f))
    {
        return Some(Sourced::new(
            Status::Repealed,
            Source::Path {
                folder: f.to_string(),
            },
        ));
    }
    // A repeal note in a bracket of the title: `…条例（已废止）`, `【失效】…`.
    let noted = cx.title.split(['（', '(', '【', '[']).skip(1).any(|part| {
        let note = part
            .split(['）', ')', '】', ']'])
            .next()
            .unwrap_or_default();
        note.chars().count() <= 6 && ["废止", "廢止", "失效"].iter().any(|w| note.contains(w))
    });
    noted.then(|| Sourced::new(Status::Repealed, Source::Title))
}

fn version_of(cx: &Ctx, m: &DocMeta) -> Option<Version> {
    // An order's heading names no document: versions cannot be told apart by it.
    let heading_only = cx.title.ends_with('令') || cx.title.ends_with("公告");
    if heading_only || !m.kind.as_ref().is_some_and(|k| k.value.is_normative()) {
        return None;
    }
    let title = if cx.header.headings.len() > 1 {
        cx.header
            .headings
            .iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        cx.title.to_string()
    };
    let jurisdiction = if cx.tw.is_some() { "tw" } else { "cn" };
    let (date, source) = match m.dates.iter().find(|d| d.role == DateRole::Version) {
        Some(d) => (Some(d.date), d.source.clone()),
        None => (m.main_date.map(|d| d.date), Source::derived("main date")),
    };
    Some(Version {
        key: version_key(jurisdiction, &title),
        date,
        source,
    })
}

#[cfg(test)]
mod tests {
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
        assert_eq!(
            m.main_date.map(|d| d.date.to_string()).as_deref(),
            Some("2012-12-28")
        );
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
}
