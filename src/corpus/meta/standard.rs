//! The cover of a standard. National, trade, local and association standards share one
//! layout (GB/T 1.1): the class on a line of its own (`中华人民共和国国家标准`,
//! `中华人民共和国能源行业标准`, `北京市地方标准`, `团体标准`), the code (`GB/T 7714—2015`;
//! `NB/T XXXXX—XXXX` in a draft; `DB11/T 1234—2019`; `T/CECS 123—2020`), the days it is
//! issued and takes effect (`2015-05-15发布`, `2015-12-01实施`), and the issuing bodies on a
//! line ending in 发布 (`国家能源局 发布`; two bodies side by side or on two lines). A draft
//! says when it was written (`（本稿完成日期：2023年3月9日）`).
//!
//! A cover is recognised among the first [`COVER_LINES`] non-empty lines by its class line,
//! or by its code with a 发布 or 实施 line (a code alone may be an item of a list of
//! standards); nothing else of it is taken without them.

use super::dates::{find_dates, PartialDate};
use super::{issuer, DateRole};

/// Non-empty lines from the top in which a cover is looked for.
const COVER_LINES: usize = 40;

/// What a standard's cover says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Cover {
    /// The line that shows it is a standard (its class, or else its code).
    pub line: u32,
    /// The code as written (spaces collapsed), when it is one and not a draft's placeholder.
    pub code: Option<(String, u32)>,
    /// The issuing bodies, normalised, with the line that ends in 发布.
    pub issuers: Option<(Vec<String>, u32)>,
    /// Issued, effective, and a draft's completion (signed), with their lines.
    pub dates: Vec<(DateRole, PartialDate, u32)>,
    /// The code when it is a draft's placeholder (`NB/T XXXXX—XXXX`), with its line.
    pub draft: Option<(String, u32)>,
}

/// The cover at the top of `text`, if it is a standard's.
pub(super) fn cover(text: &str) -> Option<Cover> {
    // Every document passes here while it is indexed and few are standards: a text none of
    // whose first lines could be a class (it holds 准 or 準) or a code (it starts with a
    // capital) has no cover, and its lines are not copied.
    let may = |l: &str| l.contains(['准', '準']) || l.starts_with(|c: char| c.is_ascii_uppercase());
    let head = text.lines().map(str::trim).filter(|l| !l.is_empty());
    if !head.take(COVER_LINES).any(may) {
        return None;
    }
    let lines: Vec<(u32, String)> = (text.lines().enumerate())
        .map(|(i, l)| (i as u32 + 1, squeeze(l)))
        .filter(|(_, l)| !l.is_empty())
        .take(COVER_LINES)
        .collect();
    let class = lines
        .iter()
        .find(|(_, l)| is_class_line(l))
        .map(|(n, _)| *n);
    let code = lines.iter().find_map(|(n, l)| code_of(l).map(|c| (c, *n)));
    let mut cover = Cover {
        line: class.or(code.as_ref().map(|(_, n)| *n))?,
        draft: code.clone().filter(|(c, _)| c.contains('X')),
        code: code.filter(|(c, _)| !c.contains('X')),
        ..Cover::default()
    };
    for (k, (n, l)) in lines.iter().enumerate() {
        let bare: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        let dated = |role| {
            let found = find_dates(&bare);
            found.first().map(|d| (role, d.date, *n))
        };
        let issued = bare.strip_suffix("发布").or(bare.strip_suffix("發布"));
        if let Some(rest) = issued {
            match dated(DateRole::Promulgated) {
                Some(d) => cover.dates.push(d),
                // A draft's `20XX-XX-XX发布` is no date and names nobody.
                None if rest.contains('X') || rest.is_empty() => {}
                None if cover.issuers.is_none() => {
                    cover.issuers = issuers(&lines, k).map(|o| (o, *n));
                }
                None => {}
            }
        } else if bare.ends_with("实施") || bare.ends_with("實施") {
            cover.dates.extend(dated(DateRole::Effective));
        } else if bare.contains("完成日期") {
            cover.dates.extend(dated(DateRole::Signed));
        }
    }
    // A code alone could be a line of a list of standards: a cover also issues it.
    let issued = cover.issuers.is_some() || !cover.dates.is_empty();
    (class.is_some() || issued).then_some(cover)
}

/// `s` trimmed, runs of white space made one space.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a line is a standard's class: `…国家标准`, `…行业标准`, `…地方标准`, `团体标准`,
/// `企业标准`, in either script, alone on its line.
fn is_class_line(line: &str) -> bool {
    let bare: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let n = bare.chars().count();
    (4..=20).contains(&n)
        && ["国家标准", "行业标准", "地方标准", "团体标准", "企业标准"]
            .iter()
            .chain(&["國家標準", "行業標準", "地方標準", "團體標準", "企業標準"])
            .any(|c| bare.ends_with(c))
}

/// The code of a standard alone on its line: a prefix of capitals (a local standard's with
/// its region's digits, an association's `T/` and its own capitals), `/T` or `/Z` when it is
/// recommended or guidance, a serial (digits, parts after dots, or a draft's X), a dash and
/// the year: `GB/T 7714—2015`, `GB 50016-2014`, `DB11/T 1234—2019`, `NB/T XXXXX—XXXX`.
fn code_of(line: &str) -> Option<String> {
    let s: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    let mut i = 0;
    let upper = |c: char| c.is_ascii_uppercase();
    if s.starts_with(&['T', '/']) {
        i = 2;
    }
    let letters = s[i..].iter().take_while(|c| upper(**c)).count();
    if !(1..=6).contains(&letters) {
        return None;
    }
    i += letters;
    i += s[i..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
        .min(2);
    if s.get(i) == Some(&'/') && matches!(s.get(i + 1), Some('T' | 'Z')) {
        i += 2;
    }
    let serial = (s[i..].iter())
        .take_while(|c| c.is_ascii_digit() || **c == 'X' || **c == '.')
        .count();
    if serial == 0 {
        return None;
    }
    i += serial;
    if !matches!(s.get(i), Some('—' | '－' | '-' | '–')) {
        return None;
    }
    let year = &s[i + 1..];
    let is_year = year.len() == 4 && year.iter().all(|c| c.is_ascii_digit() || *c == 'X');
    is_year.then(|| squeeze(line))
}

/// The bodies of the 发布 line at `k` of `lines` (the text before 发布 split at its spaces),
/// with those on the lines right above it that are bodies' names alone (a second issuer on
/// its own line); `None` when a part is not a body's name.
fn issuers(lines: &[(u32, String)], k: usize) -> Option<Vec<String>> {
    // The verb may be letter-spaced: `发 布`.
    let line = lines[k].1.trim_end();
    let head = line.strip_suffix('布')?.trim_end();
    let head = head.strip_suffix(['发', '發'])?.trim_end();
    let mut names: Vec<&str> = head.split(' ').filter(|p| !p.is_empty()).collect();
    let mut above = k;
    while above > 0 && issuer::is_organ(&lines[above - 1].1) {
        above -= 1;
        names.insert(0, &lines[above].1);
    }
    let mut out: Vec<String> = Vec::new();
    for name in names {
        for o in issuer::normalize(name, None)? {
            if !out.contains(&o) {
                out.push(o);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> PartialDate {
        PartialDate::parse_iso(s).expect("an ISO date")
    }

    #[test]
    fn codes_of_every_class() {
        for code in [
            "GB/T 7714—2015",
            "GB 50016-2014",
            "DB11/T 1234—2019",
            "NB/T XXXXX—XXXX",
            "T/CECS 123—2020",
            "GB/T 1.1—2020",
        ] {
            assert_eq!(code_of(code).as_deref(), Some(code), "{code}");
        }
        for not in [
            "ICS 27.120.99",
            "F69",
            "NB",
            "2015-05-15",
            "GB/T 7714",
            "第2号—2015",
        ] {
            assert_eq!(code_of(not), None, "{not}");
        }
    }

    #[test]
    fn a_published_standard_gives_its_code_dates_and_two_issuers() {
        let text = "信息与文献 参考文献著录规则\nICS 01.140.20\n中华人民共和国国家标准\n\
                    GB/T 7714—2015\n代替 GB/T 7714—2005\n2015-05-15 发布\n2015-12-01 实施\n\
                    中华人民共和国国家质量监督检验检疫总局\n中国国家标准化管理委员会 发 布\n\
                    目 次\n";
        let c = cover(text).expect("a standard's cover");
        assert_eq!(c.line, 3);
        assert_eq!(c.code, Some(("GB/T 7714—2015".to_string(), 4)));
        assert_eq!(
            c.dates,
            vec![
                (DateRole::Promulgated, date("2015-05-15"), 6),
                (DateRole::Effective, date("2015-12-01"), 7),
            ]
        );
        let (organs, line) = c.issuers.expect("issuers");
        assert_eq!(line, 9);
        assert_eq!(organs.len(), 2, "{organs:?}");
        assert!(organs[1].contains("标准化管理委员会"), "{organs:?}");
    }

    #[test]
    fn a_draft_has_no_code_nor_dates_but_its_issuer_and_completion() {
        let text =
            "核电厂定期安全评价\nICS 27.120.99\nF69\n备案号：\nNB\n中华人民共和国能源行业标准\n\
                    NB/T XXXXX—XXXX\n（本稿完成日期：2023年3月9日）\n20XX - XX - XX发布\n\
                    20XX - XX - XX实施\n国家能源局   发布\n";
        let c = cover(text).expect("a standard's cover");
        assert_eq!((c.line, c.code), (6, None));
        assert_eq!(c.draft, Some(("NB/T XXXXX—XXXX".to_string(), 7)));
        assert_eq!(c.dates, vec![(DateRole::Signed, date("2023-03-09"), 8)]);
        assert_eq!(c.issuers, Some((vec!["国家能源局".to_string()], 11)));
    }

    #[test]
    fn other_texts_have_no_cover() {
        assert_eq!(
            cover("关于印发标准化工作的通知\n各有关单位：\n现将国家标准印发给你们。\n"),
            None
        );
        assert_eq!(
            cover("某某条例\n第一条 为了规范行业标准的制定，制定本条例。\n"),
            None
        );
        let list = "适用的标准\nGB 50016-2014\nGB/T 7714—2015\n";
        assert_eq!(cover(list), None, "a list of codes is no cover");
    }
}
