//! Who and what a document is, the second half of the extraction pipeline (`extract` holds
//! the first): issuer, kind, region, person, stated status and version key, each from its
//! sources strongest first. Every function reads the shared [`Ctx`] and returns the value
//! with its [`Source`], or nothing.

use super::events::organ_above_bare_date;
use super::extract::{meta_value, signature, Ctx};
use super::region::NATIONAL;
use super::*;

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
const REPEALED_FOLDERS: [&str; 5] = ["廢止法規", "废止法规", "已废止", "失效法规", "已廢止"];

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

pub(super) fn issuer_of(cx: &Ctx) -> Option<Sourced<Vec<String>>> {
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
    if let Some((organs, line)) = cx.cover.as_ref().and_then(|c| c.issuers.clone()) {
        return Some(Sourced::new(organs, Source::FirstLines { line }));
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
            // A signature at the end may be laid out in columns (joint issuers side by side,
            // a long name wrapped); the issuers' lines under the title say it plainly.
            if matches!(src, Source::LastLines { .. }) {
                if let Some(head) = head_organs(cx) {
                    return Some(head);
                }
            }
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
    if let Some(o) = issuer::from_title(cx.title).or_else(|| issuer::in_charge(cx.title)) {
        return Some(Sourced::new(o, Source::Title));
    }
    for l in &cx.header.first {
        if let Some((Some(org), _)) = person::speaker(l.text) {
            return Some(Sourced::new(vec![org], Source::FirstLines { line: l.no }));
        }
    }
    None
}

/// The issuers a document names on lines of their own among its first lines (the issuing
/// bodies of a joint document stand one a line under the title or the number): the first
/// run of such lines.
fn head_organs(cx: &Ctx) -> Option<Sourced<Vec<String>>> {
    let mut organs: Vec<String> = Vec::new();
    let mut first_line = None;
    for l in &cx.header.first {
        match (issuer::is_organ(l.text), first_line) {
            (true, _) => {
                first_line.get_or_insert(l.no);
                for part in issuer::split_glued(l.text) {
                    for o in issuer::normalize(part, cx.place)? {
                        if !organs.contains(&o) {
                            organs.push(o);
                        }
                    }
                }
            }
            (false, Some(_)) => break,
            (false, None) => {}
        }
    }
    let line = first_line?;
    Some(Sourced::new(organs, Source::FirstLines { line }))
}

/// Issuers found only once the kind is known, and the weakest sources: a report's title
/// (`1982年国务院政府工作报告`) or the NPC it was delivered to; an organ folder; a compiler's
/// line or signature at the end.
pub(super) fn fallback_issuer(
    cx: &Ctx,
    kind: Option<&Sourced<Kind>>,
) -> Option<Sourced<Vec<String>>> {
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
    // A signature may be laid out in columns (joint issuers side by side, a long name
    // wrapped); the issuers' own lines under the title say it plainly.
    if let Some(head) = head_organs(cx) {
        return Some(head);
    }
    let (org, _, line) = signature(&cx.header.tail)?;
    let o = issuer::normalize(org, cx.place)?;
    Some(Sourced::new(o, Source::LastLines { line: line - 1 }))
}

// ---- kind ----

pub(super) fn kind_of(
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
    if let Some(c) = &cx.cover {
        return Some(Sourced::new(
            Kind::Standard,
            Source::FirstLines { line: c.line },
        ));
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
    let organs = issuer::from_title(cx.title)?;
    kind::from_title_organs(&organs, cx.title).map(|k| Sourced::new(k, Source::Title))
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

pub(super) fn region_of(
    cx: &Ctx,
    m: &DocMeta,
) -> (Option<Sourced<String>>, Option<Sourced<String>>) {
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
            if region::is_taiwan_organ(o) {
                return (
                    Some(Sourced::new("台湾".to_string(), i.source.clone())),
                    None,
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

pub(super) fn person_of(cx: &Ctx) -> Option<Sourced<String>> {
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

pub(super) fn stated_status_of(cx: &Ctx) -> Option<Sourced<Status>> {
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

pub(super) fn version_of(cx: &Ctx, m: &DocMeta) -> Option<Version> {
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
