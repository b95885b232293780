//! Dates as policy texts write them, turned into [`PartialDate`]s: `2021年8月20日` (also with
//! full-width digits and spaces between them: `１９８７年３月２５日`, `1 9 9 8 年3 月5 日`),
//! Chinese numerals (`一九九四年十二月六日`, `二〇〇五年`), ISO (`2022-03-15`, also `/` and `.`),
//! and the ROC calendar (`民國 94 年 06 月 10 日`, `中華民國九十四年六月十日`: year + 1911; and
//! the dotted `105.10.05` of Taiwan titles, see [`roc_dotted`]).
//!
//! [`find_dates`] returns every date found in a line with its byte span. A date needs at
//! least a year and a month (`2021年3月`), except in [`parse_value`], which reads a metadata
//! value and also takes a bare year. Years outside 1800-2200 (1-200 for ROC years) and
//! impossible months or days are not dates. This module knows nothing about what a date
//! means: roles come from `events`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date known to the year, the month or the day; ordered by year, then month,
/// then day, an unknown part first (`2021` < `2021-03` < `2021-03-01`). Serialized as ISO
/// text: `"2021-03-01"`, `"2021-03"` or `"2021"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year (Gregorian).
    pub year: u16,
    /// 1-12 when known.
    pub month: Option<u8>,
    /// 1-31 when known (only with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// A full date, if it exists (days checked against the month, leap years included).
    pub fn ymd(year: u16, month: u8, day: u8) -> Option<Self> {
        let d = PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        };
        d.is_valid().then_some(d)
    }

    fn is_valid(&self) -> bool {
        if !(1800..=2200).contains(&self.year) {
            return false;
        }
        match (self.month, self.day) {
            (None, None) => true,
            (Some(m), None) => (1..=12).contains(&m),
            (Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in(self.year, m),
            (None, Some(_)) => false,
        }
    }

    /// Parses ISO text as written by [`fmt::Display`]: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Option<Self> {
        let mut parts = s.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next().map(str::parse).transpose().ok()?;
        let day = parts.next().map(str::parse).transpose().ok()?;
        if parts.next().is_some() {
            return None;
        }
        let d = PartialDate { year, month, day };
        d.is_valid().then_some(d)
    }
}

fn days_in(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PartialDate::parse_iso(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not a YYYY[-MM[-DD]] date: {s}")))
    }
}

/// A date found in a line: byte span `[start, end)` and the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    /// Byte offset of the first character of the date (of `民國` for an ROC date).
    pub start: usize,
    /// Byte offset just past the date.
    pub end: usize,
    /// The date (Gregorian).
    pub date: PartialDate,
}

/// The value of an ASCII or full-width digit.
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// The value of a Chinese numeral digit (`〇`, `○`, `零`, `一` … `九`).
fn han_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'Ｏ' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}' || c == '\t'
}

/// A cursor over the characters of a line with their byte offsets.
struct Cursor<'a> {
    chars: Vec<(usize, char)>,
    text: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            chars: text.char_indices().collect(),
            text,
        }
    }

    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_space) {
            i += 1;
        }
        i
    }

    /// Up to `max` digits (ASCII or full-width), spaces allowed between them; returns the
    /// value, the digit count and the index after the last digit.
    fn arabic(&self, i: usize, max: usize) -> Option<(u32, usize, usize)> {
        let (mut v, mut n, mut j, mut end) = (0u32, 0usize, i, i);
        while n < max {
            match self.at(j) {
                Some(c) if digit(c).is_some() => {
                    v = v * 10 + digit(c).unwrap_or(0);
                    n += 1;
                    j += 1;
                    end = j;
                }
                Some(c) if is_space(c) && n > 0 => j += 1,
                _ => break,
            }
        }
        (n > 0).then_some((v, n, end))
    }

    /// A Chinese year written digit by digit (`一九九四`): exactly four digits.
    fn han_year(&self, i: usize) -> Option<(u32, usize)> {
        let mut v = 0;
        for k in 0..4 {
            v = v * 10 + han_digit(self.at(i + k)?)?;
        }
        Some((v, i + 4))
    }

    /// A Chinese number below 200 written with 十 and 百 (`十二`, `二十六`, `九十四`,
    /// `一百零五`), or digit by digit (`一〇五`).
    fn han_number(&self, i: usize) -> Option<(u32, usize)> {
        let mut j = i;
        let mut digits = Vec::new();
        while let Some(c) = self.at(j) {
            if han_digit(c).is_some() || c == '十' || c == '百' || c == '廿' {
                digits.push(c);
                j += 1;
            } else {
                break;
            }
        }
        let v = han_value(&digits)?;
        Some((v, j))
    }
}

/// The value of a Chinese numeral string (`十二`, `二十六`, `一百零五`, `一〇五`, `廿三`).
fn han_value(digits: &[char]) -> Option<u32> {
    if digits.is_empty() {
        return None;
    }
    if !digits.iter().any(|&c| c == '十' || c == '百' || c == '廿') {
        return digits
            .iter()
            .try_fold(0u32, |v, &c| Some(v * 10 + han_digit(c)?));
    }
    let (mut total, mut pending) = (0u32, None::<u32>);
    for &c in digits {
        match c {
            '百' => {
                total += pending.take().unwrap_or(1) * 100;
            }
            '十' => {
                total += pending.take().unwrap_or(1) * 10;
            }
            '廿' => total += 20,
            _ => {
                let d = han_digit(c)?;
                if d != 0 {
                    if pending.is_some() {
                        return None;
                    }
                    pending = Some(d);
                }
            }
        }
    }
    Some(total + pending.unwrap_or(0))
}

/// Reads `月 … 日` after a year: returns (month, day, index after).
fn month_day(cur: &Cursor, i: usize) -> Option<(u8, Option<u8>, usize)> {
    let i = cur.skip_spaces(i);
    let (m, after_m) = match cur.arabic(i, 2) {
        Some((m, _, j)) => (m, j),
        None => cur.han_number(i)?,
    };
    let j = cur.skip_spaces(after_m);
    if cur.at(j) != Some('月') {
        return None;
    }
    let k = cur.skip_spaces(j + 1);
    let day = match cur.arabic(k, 2) {
        Some((d, _, e)) => Some((d, e)),
        None => cur.han_number(k).filter(|&(d, _)| d <= 31),
    };
    if let Some((d, e)) = day {
        let e2 = cur.skip_spaces(e);
        if matches!(cur.at(e2), Some('日') | Some('号')) {
            return Some((m as u8, Some(d as u8), e2 + 1));
        }
    }
    Some((m as u8, None, j + 1))
}

fn make(year: u32, month: u8, day: Option<u8>) -> Option<PartialDate> {
    let d = PartialDate {
        year: u16::try_from(year).ok()?,
        month: Some(month),
        day,
    };
    d.is_valid().then_some(d)
}

/// Every date in `line` (see the module docs for the forms), in order, not overlapping.
pub fn find_dates(line: &str) -> Vec<FoundDate> {
    let cur = Cursor::new(line);
    let mut out = Vec::new();
    let mut i = 0;
    while i < cur.chars.len() {
        if let Some((date, end)) = date_at(&cur, i) {
            out.push(FoundDate {
                start: cur.byte(i),
                end: cur.byte(end),
                date,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// A date starting at char index `i`, with the index after it.
fn date_at(cur: &Cursor, i: usize) -> Option<(PartialDate, usize)> {
    let c = cur.at(i)?;
    // Never start inside a longer number.
    if i > 0 && cur.at(i - 1).is_some_and(|p| digit(p).is_some()) && digit(c).is_some() {
        return None;
    }
    if c == '民' || c == '中' {
        return roc_at(cur, i);
    }
    if digit(c).is_some() {
        let (year, n, j) = cur.arabic(i, 4)?;
        if n != 4 {
            return None;
        }
        let j = cur.skip_spaces(j);
        match cur.at(j)? {
            '年' => {
                let (m, d, end) = month_day(cur, j + 1)?;
                return Some((make(year, m, d)?, end));
            }
            sep @ ('-' | '/' | '.') => {
                let (m, _, k) = cur
                    .arabic(j + 1, 2)
                    .filter(|&(_, _, k)| k == j + 2 || k == j + 3)?;
                if cur.at(k) != Some(sep) {
                    return None;
                }
                let (d, _, e) = cur.arabic(k + 1, 2)?;
                if cur.at(e).is_some_and(|c| digit(c).is_some()) {
                    return None;
                }
                return Some((make(year, m as u8, Some(d as u8))?, e));
            }
            _ => return None,
        }
    }
    if han_digit(c).is_some() {
        if i > 0
            && cur
                .at(i - 1)
                .is_some_and(|p| han_digit(p).is_some() || p == '十')
        {
            return None;
        }
        let (year, j) = cur.han_year(i)?;
        if cur.at(j) != Some('年') {
            return None;
        }
        let (m, d, end) = month_day(cur, j + 1)?;
        return Some((make(year, m, d)?, end));
    }
    None
}

/// `民國 94 年 06 月 10 日`, `中華民國九十四年六月十日`, `民国94年6月` at char `i`.
fn roc_at(cur: &Cursor, i: usize) -> Option<(PartialDate, usize)> {
    let mut j = i;
    if cur.at(j) == Some('中') {
        if !matches!(cur.at(j + 1), Some('華' | '华')) {
            return None;
        }
        j += 2;
    }
    if cur.at(j) != Some('民') || !matches!(cur.at(j + 1), Some('國' | '国')) {
        return None;
    }
    let k = cur.skip_spaces(j + 2);
    let (year, after) = match cur.arabic(k, 3) {
        Some((y, _, e)) => (y, e),
        None => cur.han_number(k)?,
    };
    let y = cur.skip_spaces(after);
    if cur.at(y) != Some('年') || !(1..=200).contains(&year) {
        return None;
    }
    let (m, d, end) = month_day(cur, y + 1)?;
    Some((make(year + 1911, m, d)?, end))
}

/// A Taiwan short date `105.10.05` (ROC year, month, day separated by dots) at the start of
/// `s` (spaces before it skipped), with the byte length read.
pub fn roc_dotted(s: &str) -> Option<(PartialDate, usize)> {
    let cur = Cursor::new(s);
    let i = cur.skip_spaces(0);
    let (y, _, a) = cur.arabic(i, 3)?;
    if cur.at(a) != Some('.') {
        return None;
    }
    let (m, _, b) = cur.arabic(a + 1, 2)?;
    if cur.at(b) != Some('.') {
        return None;
    }
    let (d, _, e) = cur.arabic(b + 1, 2)?;
    if !(1..=200).contains(&y) {
        return None;
    }
    Some((make(y + 1911, m as u8, Some(d as u8))?, cur.byte(e)))
}

/// The date a metadata value holds (`2021-03-01`, `2021年3月1日`, `民國 94 年 06 月 10 日`,
/// `2021`), when the value is only that date (spaces and a trailing `起` aside). A year below
/// 1000 written `94 年 06 月 10 日` is an ROC year when `roc` is set (Taiwan metadata).
pub fn parse_value(value: &str, roc: bool) -> Option<PartialDate> {
    let v = value.trim_matches(|c: char| is_space(c) || c == '起');
    if let [only] = find_dates(v).as_slice() {
        if only.start == 0 && v[only.end..].trim().is_empty() {
            return Some(only.date);
        }
        return None;
    }
    let cur = Cursor::new(v);
    let (y, n, j) = cur.arabic(0, 4)?;
    if j == cur.chars.len() && n == 4 {
        let d = PartialDate {
            year: u16::try_from(y).ok()?,
            month: None,
            day: None,
        };
        return d.is_valid().then_some(d);
    }
    if roc && n <= 3 && cur.at(cur.skip_spaces(j)) == Some('年') {
        let (m, d, end) = month_day(&cur, cur.skip_spaces(j) + 1)?;
        if end == cur.chars.len() {
            return make(y + 1911, m, d);
        }
    }
    None
}

/// True when the line (trimmed, brackets and dashes around it ignored) is only a date.
pub fn is_bare_date(line: &str) -> Option<PartialDate> {
    let t = line.trim_matches(|c: char| {
        is_space(c) || matches!(c, '（' | '）' | '(' | ')' | '—' | '-' | '－')
    });
    match find_dates(t).as_slice() {
        [only] if only.start == 0 && only.end == t.len() => Some(only.date),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> String {
        let found = find_dates(s);
        assert_eq!(found.len(), 1, "{s}: {found:?}");
        found[0].date.to_string()
    }

    #[test]
    fn arabic_full_width_and_spaced_digits() {
        assert_eq!(one("2021年8月20日 第十三届…通过"), "2021-08-20");
        assert_eq!(one("——１９８７年３月２５日在第六届"), "1987-03-25");
        assert_eq!(one("——1 9 9 8 年3 月5 日在第九届"), "1998-03-05");
        assert_eq!(one("2021年3月"), "2021-03");
        assert_eq!(one("2021 年 3 月 1 日"), "2021-03-01");
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(one("一九九四年十二月六日"), "1994-12-06");
        assert_eq!(one("二〇〇五年一月二十六日印发"), "2005-01-26");
        assert_eq!(one("二○一一年三月三十一日"), "2011-03-31");
        assert!(find_dates("十二月六日").is_empty(), "no year, no date");
    }

    #[test]
    fn iso_forms() {
        assert_eq!(one("2022-03-15"), "2022-03-15");
        assert_eq!(one("成文日期：2020/3/13"), "2020-03-13");
        assert!(find_dates("GB/T 26341-2010 残疾人").is_empty());
        assert!(find_dates("12022-03-15").is_empty());
    }

    #[test]
    fn roc_calendar_adds_1911() {
        assert_eq!(one("修正日期：民國 94 年 06 月 10 日"), "2005-06-10");
        assert_eq!(one("中華民國九十四年六月十日"), "2005-06-10");
        assert_eq!(one("民国105年10月"), "2016-10");
        assert_eq!(one("民國一百零五年十月五日"), "2016-10-05");
        assert_eq!(one("民國 36 年 01 月 01 日"), "1947-01-01");
        assert_eq!(
            roc_dotted("105.10.05 訂定").map(|(d, _)| d.to_string()),
            Some("2016-10-05".into())
        );
        assert_eq!(
            roc_dotted(" 99.01.31").map(|(d, _)| d.to_string()),
            Some("2010-01-31".into())
        );
        assert_eq!(
            parse_value("94 年 06 月 10 日", true).map(|d| d.to_string()),
            Some("2005-06-10".into())
        );
        assert_eq!(parse_value("94 年 06 月 10 日", false), None);
    }

    #[test]
    fn impossible_dates_are_not_dates() {
        assert!(find_dates("2021年2月30日").is_empty());
        assert!(find_dates("2021年13月1日").is_empty());
        assert!(find_dates("1200年1月1日").is_empty());
        assert_eq!(one("2024年2月29日"), "2024-02-29");
        assert!(PartialDate::ymd(2023, 2, 29).is_none());
    }

    #[test]
    fn several_dates_in_one_line() {
        let f = find_dates("2003年8月6日 最高人民法院…、2003年8月12日最高人民检察院…通过");
        let d: Vec<String> = f.iter().map(|f| f.date.to_string()).collect();
        assert_eq!(d, ["2003-08-06", "2003-08-12"]);
    }

    #[test]
    fn values_and_bare_dates() {
        assert_eq!(
            parse_value("2021", false).map(|d| d.to_string()),
            Some("2021".into())
        );
        assert_eq!(
            parse_value("2021年3月1日起", false).map(|d| d.to_string()),
            Some("2021-03-01".into())
        );
        assert_eq!(parse_value("2021年3月1日 施行", false), None);
        assert_eq!(
            is_bare_date("一九九四年十二月六日").map(|d| d.to_string()),
            Some("1994-12-06".into())
        );
        assert_eq!(
            is_bare_date("（2019年3月26日）").map(|d| d.to_string()),
            Some("2019-03-26".into())
        );
        assert_eq!(is_bare_date("2019年3月26日印发"), None);
    }

    #[test]
    fn order_and_iso_round_trip() {
        let y = PartialDate::parse_iso("2021").unwrap();
        let ym = PartialDate::parse_iso("2021-03").unwrap();
        let ymd = PartialDate::parse_iso("2021-03-01").unwrap();
        assert!(y < ym && ym < ymd);
        assert_eq!(ymd.to_string(), "2021-03-01");
        assert_eq!(serde_json::to_string(&ym).unwrap(), "\"2021-03\"");
        assert!(PartialDate::parse_iso("2021-3-1-1").is_none());
    }
}
