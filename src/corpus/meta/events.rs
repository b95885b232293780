//! Dated events of a document's history read from its header lines: `2021年8月20日 第十三届全国
//! 人民代表大会常务委员会第三十次会议通过` is an `adopted` event on 2021-08-20 by that body.
//!
//! The lines of an info block (or the first lines) are joined and cut at every date; each
//! piece, from one date to the next (or to the end of its line, unless a `《…》` title runs on),
//! is one event. Its role comes from the verbs left once titles in `《…》` are removed (a
//! 《关于修改…的决定》 says nothing of this event's role): 修订 → revised, 修正/修改 → amended,
//! 废止 → repealed, else 通过 → adopted (amended when what was adopted is a 修正案 or a
//! decision to amend), 批准 → approved, 公布/发布/颁布/印发/公告 → promulgated, 施行/生效/执行/
//! 实施 → effective (`公布施行` is both). A piece with no verb that ends in `、`/`和` shares the
//! next piece's role (`2003年8月6日 最高人民法院…、2003年8月12日最高人民检察院…通过`). A report's
//! `——1954年5月23日在…会议上` is `delivered`. A date alone on a line is `promulgated` when the
//! line above ends in a promulgating verb (`最高人民法院发布`), else `signed`, and so is a
//! date followed only by a body's name (`1958年4月19日 交通部`).

use serde::{Deserialize, Serialize};

use super::dates::{find_dates, is_bare_date, PartialDate};
use super::header::Line;

/// What happened to the document on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRole {
    /// Adopted by a legislature, court committee or government meeting (通过).
    Adopted,
    /// Approved by a higher body (批准), e.g. a city's regulation by its province.
    Approved,
    /// Made public by its issuer (公布, 发布, 颁布, 印发, 公告).
    Promulgated,
    /// Takes effect (施行, 生效, 执行, 实施).
    Effective,
    /// Amended (修正, 修改), one entry per amendment.
    Amended,
    /// Revised (修订), one entry per revision.
    Revised,
    /// Repealed (废止).
    Repealed,
    /// A report or speech delivered (`——1954年5月23日在…会议上`).
    Delivered,
    /// The document's own date with no verb (成文日期, a date line under the issuer).
    Signed,
    /// Taiwan's 修正日期: the last change (the latest amendment, or the promulgation of a text
    /// never amended).
    Modified,
    /// The date a file name gives this version (`劳动合同法(2012-12-28).md`).
    Version,
}

impl DateRole {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DateRole::Adopted => "adopted",
            DateRole::Approved => "approved",
            DateRole::Promulgated => "promulgated",
            DateRole::Effective => "effective",
            DateRole::Amended => "amended",
            DateRole::Revised => "revised",
            DateRole::Repealed => "repealed",
            DateRole::Delivered => "delivered",
            DateRole::Signed => "signed",
            DateRole::Modified => "modified",
            DateRole::Version => "version",
        }
    }
}

/// One dated event read from a header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub role: DateRole,
    /// When.
    pub date: PartialDate,
    /// The line the date stands on.
    pub line: u32,
    /// The text of the event after its date, `《…》` titles removed (`第十三届全国人民代表大会
    /// 常务委员会第三十次会议通过`): where the body and the number are read from.
    pub rest: String,
    /// The text before the date on its line when it ends with `于` (`…已由…会议于2007年6月29日
    /// 通过`): the body stands there instead.
    pub before: String,
}

const AMEND_WORDS: [&str; 3] = ["修正", "修改", "修訂"];

/// Removes `《…》` titles (nested `〈…〉`, `<…>` inside them too); returns the text left and the
/// removed titles joined.
pub fn strip_titles(s: &str) -> (String, String) {
    let (mut out, mut titles, mut depth) = (String::new(), String::new(), 0usize);
    for c in s.chars() {
        match c {
            '《' => depth += 1,
            '》' if depth > 0 => depth -= 1,
            _ if depth > 0 => titles.push(c),
            _ => out.push(c),
        }
    }
    (out, titles)
}

/// The roles a piece of event text (titles removed) states.
fn roles_of(rest: &str, titles: &str) -> Vec<DateRole> {
    use DateRole::*;
    if rest.contains("修订") || rest.contains("修訂") {
        return vec![Revised];
    }
    if rest.contains("修正") || rest.contains("修改") {
        return vec![Amended];
    }
    if rest.contains("废止") || rest.contains("廢止") {
        return vec![Repealed];
    }
    if rest.contains("会议上") || rest.contains("會議上") || rest.contains("大会上") {
        return vec![Delivered];
    }
    let mut roles = Vec::new();
    if rest.contains("通过") || rest.contains("通過") {
        let amending = titles.contains("修正案")
            || AMEND_WORDS.iter().any(|w| titles.contains(w))
            || titles.contains("修订");
        roles.push(if amending {
            if titles.contains("修订") {
                Revised
            } else {
                Amended
            }
        } else {
            Adopted
        });
    } else if rest.contains("批准") {
        roles.push(Approved);
    }
    // `…通过，现予公布`: the order is promulgated on its own date, not on the adoption's.
    let order_sentence =
        rest.contains("现予") || rest.contains("現予") || rest.contains("予以公布");
    if !order_sentence
        && [
            "公布", "公佈", "发布", "發布", "颁布", "頒布", "印发", "印發", "公告",
        ]
        .iter()
        .any(|w| rest.contains(w))
    {
        roles.push(Promulgated);
    }
    if ["施行", "生效", "执行", "執行", "实施", "實施"]
        .iter()
        .any(|w| rest.contains(w))
        && !roles.contains(&Adopted)
    {
        roles.push(Effective);
    }
    roles
}

/// A piece of text between two dates: the date, its line, the raw text after it.
struct Piece {
    date: PartialDate,
    line: u32,
    text: String,
    before: String,
}

/// Cuts the lines at their dates. A piece runs to the next date, or to the end of its line
/// unless a `《` opened on it is still open.
fn pieces(lines: &[Line]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut open = 0i32;
    for l in lines {
        let found = find_dates(l.text);
        if open > 0 {
            let head = match found.first() {
                Some(f) => &l.text[..f.start],
                None => l.text,
            };
            if let Some(p) = out.last_mut() {
                p.text.push_str(head);
            }
            open += depth_change(head);
        }
        for (k, f) in found.iter().enumerate() {
            let end = found.get(k + 1).map_or(l.text.len(), |n| n.start);
            let text = &l.text[f.end..end];
            let start = if k == 0 { 0 } else { found[k - 1].end };
            let before = strip_titles(&l.text[start..f.start]).0;
            let before = before.trim_end();
            let before = if before.ends_with('于') || before.ends_with('於') {
                before.trim_end_matches(['于', '於']).to_string()
            } else {
                String::new()
            };
            open = depth_change(text).max(0);
            out.push(Piece {
                date: f.date,
                line: l.no,
                text: text.to_string(),
                before,
            });
        }
        if found.is_empty() && open <= 0 {
            open = 0;
        }
    }
    out
}

fn depth_change(s: &str) -> i32 {
    s.chars()
        .map(|c| match c {
            '《' => 1,
            '》' => -1,
            _ => 0,
        })
        .sum()
}

fn trim_piece(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '（' | '）' | '(' | ')' | '，' | ',' | '—' | '－' | '-')
    })
}

/// Whether `s` (trimmed) ends with a connector that hands its role to the next piece.
fn hands_on(s: &str) -> bool {
    s.ends_with('、') || s.ends_with('和') || s.ends_with("及")
}

/// The events of an info block or of first lines; `context` holds all the lines they were
/// chosen from (the line above a bare date may not state an event itself).
pub fn events(lines: &[Line], context: &[Line]) -> Vec<Event> {
    let mut out = Vec::new();
    let mut waiting: Vec<(PartialDate, u32, String, String)> = Vec::new();
    for p in pieces(lines) {
        let (rest, titles) = strip_titles(&p.text);
        let rest = trim_piece(&rest).to_string();
        let roles = roles_of(&rest, &titles);
        if roles.is_empty() {
            if hands_on(&rest) {
                waiting.push((p.date, p.line, rest, p.before));
            } else if super::issuer::is_organ_text(&rest) || rest.is_empty() {
                out.push(Event {
                    role: bare_role(context, p.line, &rest),
                    date: p.date,
                    line: p.line,
                    rest,
                    before: p.before,
                });
            }
            continue;
        }
        for (date, line, r, b) in waiting.drain(..) {
            for &role in &roles {
                out.push(Event {
                    role,
                    date,
                    line,
                    rest: r.clone(),
                    before: b.clone(),
                });
            }
        }
        for &role in &roles {
            out.push(Event {
                role,
                date: p.date,
                line: p.line,
                rest: rest.clone(),
                before: p.before.clone(),
            });
        }
    }
    out
}

/// The role of a date that stands without a verb: promulgated when the line above ends in
/// a promulgating verb (`最高人民法院发布` over `2022-03-15`), else signed.
fn bare_role(lines: &[Line], line: u32, rest: &str) -> DateRole {
    if rest.is_empty() {
        let above = lines.iter().rev().find(|l| l.no < line);
        if let Some(a) = above {
            if find_dates(a.text).is_empty()
                && ["发布", "發布", "公布", "印发", "印發"]
                    .iter()
                    .any(|w| a.text.ends_with(w))
            {
                return DateRole::Promulgated;
            }
        }
    }
    DateRole::Signed
}

/// The line above a bare date line, when it names a body (`劳动部` over `一九九四年十二月六日`,
/// `最高人民法院发布` over `2022-03-15`): the signer of that date.
pub fn organ_above_bare_date<'a>(lines: &[Line<'a>], line: u32) -> Option<&'a str> {
    let here = lines.iter().find(|l| l.no == line)?;
    is_bare_date(here.text)?;
    let above = lines.iter().rev().find(|l| l.no < line)?;
    if !find_dates(above.text).is_empty() {
        return None;
    }
    Some(above.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DateRole::*;

    fn lines(text: &str) -> Vec<Line<'_>> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| Line {
                no: i as u32 + 1,
                text: l.trim(),
            })
            .collect()
    }

    fn roles(text: &str) -> Vec<(DateRole, String)> {
        let l = lines(text);
        events(&l, &l)
            .into_iter()
            .map(|e| (e.role, e.date.to_string()))
            .collect()
    }

    fn r(role: DateRole, d: &str) -> (DateRole, String) {
        (role, d.to_string())
    }

    #[test]
    fn law_info_block() {
        let t = "2007年6月29日 第十届全国人民代表大会常务委员会第二十八次会议通过\n2012年12月28日 第十一届全国人民代表大会常务委员会第三十次会议《关于修改<中华人民共和国劳动合同法>的决定》修正";
        assert_eq!(
            roles(t),
            [r(Adopted, "2007-06-29"), r(Amended, "2012-12-28")]
        );
    }

    #[test]
    fn regulation_info_block() {
        let t = "2009年7月20日 中华人民共和国国务院令第557号公布\n2016年2月6日 《国务院关于修改部分行政法规的决定》修订\n2019年3月26日 国务院第42次常务会议修订通过\n2019年12月1日 施行";
        assert_eq!(
            roles(t),
            [
                r(Promulgated, "2009-07-20"),
                r(Revised, "2016-02-06"),
                r(Revised, "2019-03-26"),
                r(Effective, "2019-12-01")
            ]
        );
    }

    #[test]
    fn several_events_on_one_line_and_shared_verbs() {
        let t = "2003年8月6日 最高人民法院审判委员会第1283次会议、2003年8月12日最高人民检察院第十届检察委员会第7次会议通过";
        assert_eq!(
            roles(t),
            [r(Adopted, "2003-08-06"), r(Adopted, "2003-08-12")]
        );
        let t = "1996年6月1日 广东省第八届人民代表大会常务委员会第二十二次会议批准  2010年10月29日广州市第十三届人民代表大会常务委员会第三十五次会议第一次修订  根据";
        assert_eq!(
            roles(t),
            [r(Approved, "1996-06-01"), r(Revised, "2010-10-29")]
        );
        let t = "2008年11月27日 青岛市人民代表大会常务委员会公告公布自2009年1月1日施行";
        assert_eq!(
            roles(t),
            [r(Promulgated, "2008-11-27"), r(Effective, "2009-01-01")]
        );
        let t = "1982年12月4日 全国人民代表大会公告公布施行";
        assert_eq!(
            roles(t),
            [r(Promulgated, "1982-12-04"), r(Effective, "1982-12-04")]
        );
    }

    #[test]
    fn titles_running_over_lines_and_amending_acts() {
        let t = "2016年5月27日 浙江省第十二届人民代表大会常务委员会第二十九次会议《关于修改〈浙江省县\n乡两级人民代表大会代表选举实施细则〉的决定》修正\n2017年1月1日 施行";
        assert_eq!(
            roles(t),
            [r(Amended, "2016-05-27"), r(Effective, "2017-01-01")]
        );
        let t = "1988年4月12日 第七届全国人民代表大会第一次会议通过的《中华人民共和国宪法修正案》";
        assert_eq!(roles(t), [r(Amended, "1988-04-12")]);
    }

    #[test]
    fn bare_dates_and_reports() {
        let t = "最高人民法院发布\n2022-03-15";
        assert_eq!(roles(t), [r(Promulgated, "2022-03-15")]);
        let t = "劳动部\n一九九四年十二月六日\n1995年1月1日 执行";
        assert_eq!(
            roles(t),
            [r(Signed, "1994-12-06"), r(Effective, "1995-01-01")]
        );
        assert_eq!(organ_above_bare_date(&lines(t), 2), Some("劳动部"));
        assert_eq!(roles("1958年4月19日 交通部"), [r(Signed, "1958-04-19")]);
        let t = "《中华人民共和国劳动合同法》已由中华人民共和国第十届全国人民代表大会常务委员会第二十八次会议于2007年6月29日通过，现予公布，自2008年1月1日起施行。";
        assert_eq!(
            roles(t),
            [r(Adopted, "2007-06-29"), r(Effective, "2008-01-01")]
        );
        let t = "（2020年12月23日最高人民法院审判委员会第1823次会议通过，自2021年1月1日起施行）";
        assert_eq!(
            roles(t),
            [r(Adopted, "2020-12-23"), r(Effective, "2021-01-01")]
        );
        let t = "——１９８１年１１月３０日和１２月１日在第五届全国人民代表大会第四次会议上";
        assert_eq!(roles(t), [r(Delivered, "1981-11-30")]);
        assert!(
            roles("2025年4月25日,习近平总书记在中共中央政治局第二十次集体学习时强调").is_empty()
        );
    }
}
