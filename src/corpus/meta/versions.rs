//! Version groups and statuses over a whole corpus.
//!
//! Dated versions of one document share a key: the jurisdiction and the title, white space
//! removed, a leading `中华人民共和国` dropped and a trailing version note removed (a bracket
//! holding 修正, 修订, 訂定, 新, 舊, 版, 文本, … or a full date: `（2018年修正）`,
//! `（105.10.05 訂定）`; a bare year such as `宪法修正案（2018年）` is part of the name, since
//! each amendment is its own act). Copies of one law filed under two folders share the key
//! and the date and stand side by side.
//!
//! [`resolve_versions`] sets every document's final status from what it states
//! (`stated_status`), its kind, its dates and its group, against a reference date the caller
//! passes (never the clock): `repealed` when stated or when a repeal date has passed;
//! `not_yet_in_force` when its latest effective date is after the reference date; within a
//! group, sorted by version date, the newest version in force is current and each older one is
//! `amended_by_newer`, naming the next newer version in force (`replaced_by`) and the current
//! one (`latest`); a version without any date is left as it is, since it cannot be ordered.

use std::collections::HashMap;

use super::dates::{roc_dotted, PartialDate};
use super::{DateRole, DocMeta, Source, Status, StatusInfo};

/// Words that make a trailing bracket a version note.
const NOTE_WORDS: [&str; 19] = [
    "修正", "修订", "修訂", "修改", "订定", "訂定", "新", "舊", "旧", "版", "文本", "公布", "發布",
    "发布", "施行", "草案", "废止", "廢止", "失效",
];

/// The version key of a title in a jurisdiction (`cn`, `tw`).
pub fn version_key(jurisdiction: &str, title: &str) -> String {
    let mut t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(rest) = t.strip_prefix("中华人民共和国").filter(|r| !r.is_empty()) {
        t = rest.to_string();
    }
    while let Some(inner_end) = t.strip_suffix(['）', ')']).map(str::len) {
        let Some(open) = t[..inner_end].rfind(['（', '(']) else {
            break;
        };
        let inner = &t[open..inner_end];
        let inner = inner.trim_start_matches(['（', '(']);
        let dated = super::dates::find_dates(inner)
            .iter()
            .any(|d| d.date.day.is_some())
            || inner
                .char_indices()
                .any(|(i, _)| roc_dotted(&inner[i..]).is_some());
        if dated || NOTE_WORDS.iter().any(|w| inner.contains(w)) {
            t.truncate(open);
        } else {
            break;
        }
    }
    format!("{jurisdiction}|{t}")
}

/// The status [`super::extract`] gives before any corpus-wide resolution: what the document
/// states, else `in_force` for a normative kind.
pub fn provisional_status(m: &DocMeta) -> Option<StatusInfo> {
    if m.draft.is_some() {
        return None;
    }
    match &m.stated_status {
        Some(st) => Some(StatusInfo::new(st.value, st.source.clone())),
        None if m.kind.as_ref().is_some_and(|k| k.value.is_normative()) => Some(StatusInfo::new(
            Status::InForce,
            Source::derived("normative kind with no repeal note"),
        )),
        None => None,
    }
}

/// The status a document has before versions are compared: what it states, else `in_force`
/// for a normative kind; then a passed repeal date or a future effective date.
fn base_status(m: &DocMeta, reference: PartialDate) -> Option<StatusInfo> {
    let mut s = provisional_status(m)?;
    if s.value != Status::InForce {
        return Some(s);
    }
    if let Some(e) = m
        .dates
        .iter()
        .filter(|d| d.role == DateRole::Repealed && d.date <= reference)
        .max_by_key(|d| d.date)
    {
        return Some(StatusInfo::new(Status::Repealed, e.source.clone()));
    }
    if let Some(e) = m
        .dates
        .iter()
        .filter(|d| d.role == DateRole::Effective)
        .max_by_key(|d| d.date)
    {
        if e.date > reference {
            s = StatusInfo::new(Status::NotYetInForce, e.source.clone());
        }
    }
    Some(s)
}

/// Sets `status` on every document (see the module docs). `docs` pairs each document's path
/// (relative to the corpus root) with its metadata; calling it again after documents were
/// added, changed or removed gives the same result as a first call.
pub fn resolve_versions<P: AsRef<str>>(docs: &mut [(P, DocMeta)], reference: PartialDate) {
    for (_, m) in docs.iter_mut() {
        m.status = base_status(m, reference);
    }
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, m)) in docs.iter().enumerate() {
        if let Some(v) = &m.version {
            if v.date.is_some() {
                groups.entry(v.key.as_str()).or_default().push(i);
            }
        }
    }
    let mut changes: Vec<(usize, StatusInfo)> = Vec::new();
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        let mut sorted = members.clone();
        sorted.sort_by(|&a, &b| {
            let (da, db) = (docs[a].1.version_date(), docs[b].1.version_date());
            db.cmp(&da)
                .then_with(|| docs[a].0.as_ref().cmp(docs[b].0.as_ref()))
        });
        let in_force =
            |i: usize| docs[i].1.status.as_ref().map(|s| s.value) == Some(Status::InForce);
        let Some(cur_pos) = sorted.iter().position(|&i| in_force(i)) else {
            continue;
        };
        let current = sorted[cur_pos];
        let cur_date = docs[current].1.version_date();
        for (k, &i) in sorted.iter().enumerate().skip(cur_pos + 1) {
            let d = docs[i].1.version_date();
            if d >= cur_date || !in_force(i) {
                continue;
            }
            let next = sorted[..k]
                .iter()
                .rev()
                .find(|&&j| docs[j].1.version_date() > d && in_force(j))
                .copied()
                .unwrap_or(current);
            let mut s = StatusInfo::new(
                Status::AmendedByNewer,
                Source::derived("a newer version of the same document is in the corpus"),
            );
            s.replaced_by = Some(docs[next].0.as_ref().to_string());
            s.latest = Some(docs[current].0.as_ref().to_string());
            changes.push((i, s));
        }
    }
    for (i, s) in changes {
        docs[i].1.status = Some(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::meta::{DatedEvent, Kind, Sourced, Version};

    #[test]
    fn keys_drop_version_notes_but_keep_names() {
        assert_eq!(
            version_key("cn", "中华人民共和国劳动合同法"),
            "cn|劳动合同法"
        );
        assert_eq!(
            version_key("cn", "中华人民共和国劳动合同法（2012年修正）"),
            "cn|劳动合同法"
        );
        assert_eq!(
            version_key("cn", "中华人民共和国宪法修正案（2018年）"),
            "cn|宪法修正案（2018年）"
        );
        assert_eq!(
            version_key(
                "tw",
                "行政院環境保護署毒物及化學物質局編制表（105.10.05 訂定）"
            ),
            "tw|行政院環境保護署毒物及化學物質局編制表"
        );
        assert_eq!(
            version_key("tw", "某某編制表（新 99.01.31 訂定）"),
            "tw|某某編制表"
        );
        assert_eq!(
            version_key("cn", "最高人民法院关于审理…的规定（一）"),
            "cn|最高人民法院关于审理…的规定（一）"
        );
    }

    fn law(key: &str, version: &str, effective: Option<&str>) -> DocMeta {
        let mut m = DocMeta {
            kind: Some(Sourced::new(Kind::Law, Source::Title)),
            ..DocMeta::default()
        };
        m.version = Some(Version {
            key: key.to_string(),
            date: PartialDate::parse_iso(version),
            source: Source::FileName,
        });
        if let Some(e) = effective {
            m.dates.push(DatedEvent {
                role: DateRole::Effective,
                date: PartialDate::parse_iso(e).unwrap(),
                source: Source::InfoBlock { line: 3 },
            });
        }
        m
    }

    fn status(docs: &[(&str, DocMeta)], path: &str) -> (Status, Option<String>) {
        let m = &docs.iter().find(|(p, _)| *p == path).unwrap().1;
        let s = m.status.as_ref().unwrap();
        (s.value, s.replaced_by.clone())
    }

    #[test]
    fn older_versions_point_to_the_newer_one() {
        let mut docs = vec![
            (
                "社会法/劳动合同法(2012-12-28).md",
                law("cn|劳动合同法", "2012-12-28", None),
            ),
            (
                "社会法/劳动合同法(2007-06-29).md",
                law("cn|劳动合同法", "2007-06-29", None),
            ),
            (
                "行政法/居民身份证法(2011-10-29).md",
                law("cn|居民身份证法", "2011-10-29", None),
            ),
            (
                "宪法相关法/居民身份证法(2011-10-29).md",
                law("cn|居民身份证法", "2011-10-29", None),
            ),
        ];
        let reference = PartialDate::parse_iso("2025-06-01").unwrap();
        resolve_versions(&mut docs, reference);
        assert_eq!(
            status(&docs, "社会法/劳动合同法(2012-12-28).md"),
            (Status::InForce, None)
        );
        assert_eq!(
            status(&docs, "社会法/劳动合同法(2007-06-29).md"),
            (
                Status::AmendedByNewer,
                Some("社会法/劳动合同法(2012-12-28).md".into())
            )
        );
        assert_eq!(
            status(&docs, "行政法/居民身份证法(2011-10-29).md").0,
            Status::InForce
        );
        assert_eq!(
            status(&docs, "宪法相关法/居民身份证法(2011-10-29).md").0,
            Status::InForce
        );
        // Idempotent.
        let before: Vec<_> = docs.iter().map(|(_, m)| m.status.clone()).collect();
        resolve_versions(&mut docs, reference);
        let after: Vec<_> = docs.iter().map(|(_, m)| m.status.clone()).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn a_version_not_yet_in_force_leaves_the_older_one_current() {
        let mut docs = vec![
            (
                "a(2026-01-01).md",
                law("cn|a", "2025-10-01", Some("2026-01-01")),
            ),
            ("a(2020-01-01).md", law("cn|a", "2020-01-01", None)),
            ("a(2010-01-01).md", law("cn|a", "2010-01-01", None)),
        ];
        resolve_versions(&mut docs, PartialDate::parse_iso("2025-06-01").unwrap());
        assert_eq!(status(&docs, "a(2026-01-01).md").0, Status::NotYetInForce);
        assert_eq!(status(&docs, "a(2020-01-01).md"), (Status::InForce, None));
        assert_eq!(
            status(&docs, "a(2010-01-01).md"),
            (Status::AmendedByNewer, Some("a(2020-01-01).md".into()))
        );
        // Later, the new version is in force and replaces both.
        resolve_versions(&mut docs, PartialDate::parse_iso("2026-02-01").unwrap());
        assert_eq!(status(&docs, "a(2026-01-01).md").0, Status::InForce);
        assert_eq!(
            status(&docs, "a(2020-01-01).md"),
            (Status::AmendedByNewer, Some("a(2026-01-01).md".into()))
        );
        assert_eq!(
            status(&docs, "a(2010-01-01).md"),
            (Status::AmendedByNewer, Some("a(2020-01-01).md".into()))
        );
    }
}
