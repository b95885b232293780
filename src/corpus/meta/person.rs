//! The person who speaks or signs: the speaker line under a report's title (`国务院总理周恩来`,
//! `国务院副总理兼国家计划委员会主任李富春`, `国务院总理　温家宝`), or a name in the file name of
//! a speech or report (`1954政府工作报告_周恩来.txt`).
//!
//! A speaker line is short, holds an office title (总理, 主任, 部长, 省长, …) and ends with a
//! name of two to four Han characters after the last title; the body it starts with, when it
//! is one (`国务院`), is also returned. A file name gives a name only when another part of it
//! says it is a report or speech, so `省政府令` in `jiangxi_2020_省政府令_….html` is no one.

/// Office titles, longest first where one ends another.
const TITLES: [&str; 24] = [
    "副总理",
    "代总理",
    "总理",
    "國務委員",
    "国务委员",
    "副主任",
    "主任",
    "副部长",
    "部长",
    "副省长",
    "省长",
    "副市长",
    "市长",
    "副主席",
    "主席",
    "委员长",
    "院长",
    "检察长",
    "局长",
    "署长",
    "行长",
    "书记",
    "会长",
    "會長",
];

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// A speaker line: (body it starts with, name).
pub fn speaker(line: &str) -> Option<(Option<String>, String)> {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().count() > 40 || !t.chars().all(is_han) {
        return None;
    }
    let (pos, title) = TITLES
        .iter()
        .filter_map(|w| t.rfind(w).map(|p| (p, *w)))
        .max_by_key(|&(p, w)| p + w.len())?;
    let name = &t[pos + title.len()..];
    let n = name.chars().count();
    if !(2..=4).contains(&n) || name.ends_with(['会', '會', '议', '議', '员', '員', '长', '長'])
    {
        return None;
    }
    let first = TITLES.iter().filter_map(|w| t.find(w)).min().unwrap_or(pos);
    let org = &t[..first];
    let org = (!org.is_empty() && super::issuer::is_organ(org)).then(|| org.to_string());
    Some((org, name.to_string()))
}

/// A name in a file stem split at `_`, when another part names a report or speech.
pub fn from_file_stem(stem: &str) -> Option<String> {
    let parts: Vec<&str> = stem.split('_').collect();
    if !parts.iter().any(|p| {
        ["报告", "報告", "讲话", "講話", "致辞", "發言", "发言"]
            .iter()
            .any(|w| p.contains(w))
    }) {
        return None;
    }
    const NOT_NAMES: [&str; 8] = [
        "摘要", "全文", "草案", "节选", "附件", "修订", "讲话", "报告",
    ];
    parts
        .iter()
        .skip(1)
        .find(|p| {
            let n = p.chars().count();
            (2..=4).contains(&n) && p.chars().all(is_han) && !NOT_NAMES.contains(p)
        })
        .map(|p| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaker_lines() {
        let s = |l: &str| speaker(l).map(|(o, n)| (o.unwrap_or_default(), n));
        assert_eq!(
            s("      国务院总理周恩来"),
            Some(("国务院".into(), "周恩来".into()))
        );
        assert_eq!(
            s("国务院总理　温家宝"),
            Some(("国务院".into(), "温家宝".into()))
        );
        assert_eq!(
            s("国务院副总理兼国家计划委员会主任李富春"),
            Some(("国务院".into(), "李富春".into()))
        );
        assert_eq!(
            s("国务委员兼国家计划委员会主任邹家华"),
            Some((String::new(), "邹家华".into()))
        );
        assert_eq!(s("总理赵紫阳"), Some((String::new(), "赵紫阳".into())));
        assert_eq!(
            s("国务院代总理李鹏"),
            Some(("国务院".into(), "李鹏".into()))
        );
        assert_eq!(
            s("中华人民共和国主席　胡锦涛"),
            Some((String::new(), "胡锦涛".into()))
        );
        assert_eq!(s("局长　张工"), Some((String::new(), "张工".into())));
        assert_eq!(s("浙江省省长 王浩"), Some((String::new(), "王浩".into())));
        assert_eq!(s("各位代表："), None);
        assert_eq!(s("主任委员会议"), None);
    }

    #[test]
    fn file_names() {
        assert_eq!(
            from_file_stem("1954政府工作报告_周恩来").as_deref(),
            Some("周恩来")
        );
        assert_eq!(
            from_file_stem("1964政府工作报告_周恩来_摘要").as_deref(),
            Some("周恩来")
        );
        assert_eq!(
            from_file_stem("jiangxi_2020_省政府令_修改流动人口服务和管理办法的决定"),
            None
        );
        assert_eq!(from_file_stem("劳动合同法(2012-12-28)"), None);
    }
}
