//! The values of the metadata filters: what `kind:`, `status:` and the date fields accept,
//! checked as the query is parsed (an error names the character position of the problem),
//! and the matching rules of `path:` globs. Values are compared after N(text) on both sides
//! ([`crate::analysis::normalize`]), so either script works.
//!
//! Dates (`date:`, `effective:`, …): `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (also with `/` or `.`,
//! or `2021年3月1日`), a range `A..B`, `A..`, `..B` (both ends inclusive, each as precise as
//! written: `2018..2024` runs from 2018-01-01 to 2024-12-31), or a comparison `>=A`, `>A`,
//! `<=A`, `<A`, `=A`. A document's date known only to the year or month is the span of
//! days it stands for, and matches when that span meets the range.

use super::{query_error, FieldName, Query};
use crate::corpus::meta::{Kind, Status};
use crate::Result;

/// An inclusive range of days (see [`day_number`]); a date matches when its span meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// The first day.
    pub from: i32,
    /// The last day.
    pub to: i32,
}

impl DateRange {
    /// Whether the days `span` (first, last) meet the range.
    pub fn meets(&self, span: (i32, i32)) -> bool {
        span.1 >= self.from && span.0 <= self.to
    }

    /// Parses a date filter's value; an error names the position (`at` is the position of
    /// the value's first character in the query).
    pub fn parse(text: &str, at: usize) -> Result<DateRange> {
        let chars: Vec<char> = text.chars().map(ascii_form).collect();
        let s: String = chars.iter().collect();
        let bad = |offset: usize, what: &str| {
            query_error(
                at + offset,
                format!(
                    "`{text}` {what}: write a date as YYYY, YYYY-MM or YYYY-MM-DD, a range as \
                     2018..2024, 2021-01-01.. or ..2000, or a comparison as >=2021, <2000"
                ),
            )
        };
        let day = |part: &str, offset: usize| -> Result<(i32, i32)> {
            date_span(part).ok_or_else(|| bad(offset, &format!("has no date at `{part}`")))
        };
        if let Some(dots) = s.find("..") {
            let (lo, hi) = (&s[..dots], &s[dots + 2..]);
            let hi_at = s[..dots + 2].chars().count();
            if lo.is_empty() && hi.is_empty() {
                return Err(bad(0, "is an empty range"));
            }
            let from = match lo.is_empty() {
                true => i32::MIN,
                false => day(lo, 0)?.0,
            };
            let to = match hi.is_empty() {
                true => i32::MAX,
                false => day(hi, hi_at)?.1,
            };
            if from > to {
                return Err(bad(hi_at, "ends before it starts"));
            }
            return Ok(DateRange { from, to });
        }
        for (op, len) in [(">=", 2), ("<=", 2), (">", 1), ("<", 1), ("=", 1)] {
            if let Some(rest) = s.strip_prefix(op) {
                let (first, last) = day(rest, len)?;
                return Ok(match op {
                    ">=" => DateRange {
                        from: first,
                        to: i32::MAX,
                    },
                    ">" => DateRange {
                        from: last + 1,
                        to: i32::MAX,
                    },
                    "<=" => DateRange {
                        from: i32::MIN,
                        to: last,
                    },
                    "<" => DateRange {
                        from: i32::MIN,
                        to: first - 1,
                    },
                    _ => DateRange {
                        from: first,
                        to: last,
                    },
                });
            }
        }
        let (from, to) = day(&s, 0)?;
        Ok(DateRange { from, to })
    }
}

/// Full-width digits and signs as ASCII, 年 and 月 as `-`, 日 dropped: the forms a date
/// is typed in.
fn ascii_form(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '－' | '年' | '月' | '/' | '／' | '．' => '-',
        '＞' => '>',
        '＜' => '<',
        '＝' => '=',
        _ => c,
    }
}

/// The first and last day a written date stands for (`2018` → 2018-01-01..2018-12-31).
fn date_span(s: &str) -> Option<(i32, i32)> {
    let s = s.trim_end_matches(['日', '-']);
    let s = s.replace('.', "-");
    let mut parts = s.split('-');
    let year: i32 = parts.next().filter(|p| p.len() == 4)?.parse().ok()?;
    let month: Option<u32> = match parts.next() {
        Some(p) if (1..=2).contains(&p.len()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    let day: Option<u32> = match parts.next() {
        Some(p) if month.is_some() && (1..=2).contains(&p.len()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    if parts.next().is_some() || !(1000..=2999).contains(&year) {
        return None;
    }
    let last_of = |m: u32| days_in(year, m);
    match (month, day) {
        (None, _) => Some((day_number(year, 1, 1), day_number(year, 12, 31))),
        (Some(m), None) if (1..=12).contains(&m) => {
            Some((day_number(year, m, 1), day_number(year, m, last_of(m))))
        }
        (Some(m), Some(d)) if (1..=12).contains(&m) && d >= 1 && d <= last_of(m) => {
            let n = day_number(year, m, d);
            Some((n, n))
        }
        _ => None,
    }
}

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a calendar date (H. Hinnant's `days_from_civil`).
pub fn day_number(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The days a document's date stands for: a date known to the year is its whole year.
pub fn span_of(d: crate::corpus::meta::PartialDate) -> (i32, i32) {
    let year = i32::from(d.year);
    match (d.month.map(u32::from), d.day.map(u32::from)) {
        (Some(m), Some(day)) => {
            let n = day_number(year, m, day);
            (n, n)
        }
        (Some(m), None) => (
            day_number(year, m, 1),
            day_number(year, m, days_in(year, m)),
        ),
        _ => (day_number(year, 1, 1), day_number(year, 12, 31)),
    }
}

/// The status a `status:` value names: the JSON names (`in_force`, `amended_by_newer`,
/// `repealed`, `not_yet_in_force`), short English words (`current`, `amended`, `old`) or
/// Chinese in either script (现行有效, 有效, 已修改, 已被修改, 废止, 已废止, 失效, 尚未生效).
pub fn parse_status(text: &str) -> Option<Status> {
    let t = crate::analysis::normalize(text.trim());
    Some(match t.as_str() {
        "in_force" | "inforce" | "current" | "valid" | "现行有效" | "有效" | "现行" => {
            Status::InForce
        }
        "amended_by_newer" | "amended" | "old" | "superseded" | "已修改" | "已被修改"
        | "已修正" | "修改" | "旧版" => Status::AmendedByNewer,
        "repealed" | "废止" | "已废止" | "失效" | "已失效" => Status::Repealed,
        "not_yet_in_force" | "pending" | "尚未生效" | "未生效" | "尚未施行" => {
            Status::NotYetInForce
        }
        _ => return None,
    })
}

/// The kind a `kind:` value names (a vocabulary name or synonym in either script).
pub fn parse_kind(text: &str) -> Option<Kind> {
    Kind::from_name(text).or_else(|| Kind::from_name(&crate::analysis::normalize(text)))
}

/// Checks every value inside a metadata filter's operand; an error names its position.
pub fn check(field: FieldName, q: &Query) -> Result<()> {
    match q {
        Query::Term { text, span } | Query::Phrase { text, span } => match field {
            FieldName::Date(_) => DateRange::parse(text, span.0).map(drop),
            FieldName::Status if parse_status(text).is_none() => Err(query_error(
                span.0,
                format!(
                    "unknown status `{text}` (known: in_force, amended_by_newer, repealed, \
                     not_yet_in_force, or 现行有效, 已修改, 废止, 尚未生效)"
                ),
            )),
            FieldName::Kind if parse_kind(text).is_none() => Err(query_error(
                span.0,
                format!(
                    "unknown kind `{text}` (known: {})",
                    crate::corpus::meta::kind::ALL.map(|k| k.name()).join(", ")
                ),
            )),
            _ => Ok(()),
        },
        Query::Field { .. } => Ok(()),
        Query::Not(inner) => check(field, inner),
        Query::And(parts) | Query::Or(parts) => parts.iter().try_for_each(|p| check(field, p)),
    }
}

/// Whether the glob `pattern` (`*` any run of characters, `?` one) matches all of `text`.
pub fn glob_matches(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// How a `path:` value matches a normalized path: as a glob when it holds `*` or `?` (the
/// whole path, or its tail after any `/`), as a prefix when it starts with `/`, else as a
/// substring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPattern {
    /// A glob's characters.
    Glob(Vec<char>),
    /// A prefix of the path.
    Prefix(String),
    /// A substring of the path.
    Substring(String),
}

impl PathPattern {
    /// The pattern of a `path:` value (normalized here).
    pub fn new(value: &str) -> PathPattern {
        let norm = crate::analysis::normalize(value.trim());
        if norm.contains(['*', '?']) {
            PathPattern::Glob(norm.trim_start_matches('/').chars().collect())
        } else if let Some(rest) = norm.strip_prefix('/') {
            PathPattern::Prefix(rest.to_string())
        } else {
            PathPattern::Substring(norm)
        }
    }

    /// Whether `path` (normalized) matches.
    pub fn matches(&self, path: &str) -> bool {
        match self {
            PathPattern::Prefix(p) => path.starts_with(p.as_str()),
            PathPattern::Substring(p) => path.contains(p.as_str()),
            PathPattern::Glob(g) => {
                let chars: Vec<char> = path.chars().collect();
                glob_matches(g, &chars)
                    || (chars.iter().enumerate())
                        .filter(|(_, &c)| c == '/')
                        .any(|(i, _)| glob_matches(g, &chars[i + 1..]))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(s: &str) -> DateRange {
        DateRange::parse(s, 0).unwrap()
    }

    fn err(s: &str) -> usize {
        match DateRange::parse(s, 5) {
            Err(crate::Error::Query { position, .. }) => position,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn years_months_and_days_are_spans() {
        let r = range("2018..2024");
        assert_eq!(r.from, day_number(2018, 1, 1));
        assert_eq!(r.to, day_number(2024, 12, 31));
        assert_eq!(range("2021-03").to, day_number(2021, 3, 31));
        assert_eq!(range("2020-02").to, day_number(2020, 2, 29));
        assert_eq!(range("2021年3月1日"), range("2021-03-01"));
        assert_eq!(range("２０２１/3/1"), range("2021-03-01"));
        assert_eq!(range("2021.3.1"), range("2021-03-01"));
    }

    #[test]
    fn comparisons_and_open_ranges() {
        let y2000 = day_number(2000, 1, 1);
        assert_eq!(range("<2000").to, y2000 - 1);
        assert_eq!(range("<=2000").to, day_number(2000, 12, 31));
        assert_eq!(range(">2000").from, day_number(2001, 1, 1));
        assert_eq!(range(">=2021-01-01").from, day_number(2021, 1, 1));
        assert_eq!(range("2021..").to, i32::MAX);
        assert_eq!(range("..1999").from, i32::MIN);
        assert_eq!(range("=1954"), range("1954"));
    }

    #[test]
    fn a_partial_date_meets_a_range_it_overlaps() {
        let d = crate::corpus::meta::PartialDate {
            year: 2018,
            month: None,
            day: None,
        };
        assert!(range("2018-06..2019").meets(span_of(d)));
        assert!(!range("2019..").meets(span_of(d)));
        assert!(!range("<2018").meets(span_of(d)));
        assert!(range("<2018-02").meets(span_of(d)));
    }

    #[test]
    fn malformed_ranges_name_their_position() {
        assert_eq!(err("20x4"), 5);
        assert_eq!(err("2018..20x4"), 11);
        assert_eq!(err(".."), 5);
        assert_eq!(err("2024..2018"), 11);
        assert_eq!(err(">=abc"), 7);
        assert_eq!(err("2021-13"), 5);
        assert_eq!(err("2021-02-30"), 5);
        assert_eq!(err("18..20"), 5);
    }

    #[test]
    fn statuses_in_either_script_and_language() {
        assert_eq!(parse_status("repealed"), Some(Status::Repealed));
        assert_eq!(parse_status("廢止"), Some(Status::Repealed));
        assert_eq!(parse_status("现行有效"), Some(Status::InForce));
        assert_eq!(parse_status("現行有效"), Some(Status::InForce));
        assert_eq!(parse_status("amended"), Some(Status::AmendedByNewer));
        assert_eq!(parse_status("whatever"), None);
    }

    #[test]
    fn kinds_in_either_script() {
        assert_eq!(parse_kind("司法解釋"), Some(Kind::JudicialInterpretation));
        assert_eq!(parse_kind("行政法规"), Some(Kind::AdministrativeRegulation));
        assert_eq!(parse_kind("小说"), None);
    }

    #[test]
    fn path_patterns() {
        let p =
            |v: &str, path: &str| PathPattern::new(v).matches(&crate::analysis::normalize(path));
        assert!(p("婚姻家庭编.md", "laws-cn/民法典/婚姻家庭编.md"));
        assert!(p("/laws-cn", "laws-cn/民法典/婚姻家庭编.md"));
        assert!(!p("/民法典", "laws-cn/民法典/婚姻家庭编.md"));
        assert!(p("*.md", "laws-cn/a.md"));
        assert!(p("民法典/*.md", "laws-cn/民法典/婚姻家庭编.md"));
        assert!(!p("*.txt", "laws-cn/a.md"));
        assert!(p("laws-?n/*", "laws-cn/a.md"));
        assert!(p("廢止法規", "laws-tw/废止法规/x.txt"));
        assert!(glob_matches(&['a', '*', 'c'], &['a', 'b', 'b', 'c']));
        assert!(!glob_matches(&['a', '*', 'c'], &['a', 'b', 'b']));
    }
}
