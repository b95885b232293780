//! A document's name from its file name, for files that carry no title line.
//!
//! `劳动合同法(2012-12-28).md` → `劳动合同法`; `03-数据安全法.txt` → `数据安全法`;
//! `1954政府工作报告_周恩来.txt` → `1954政府工作报告 周恩来` (a year that is part of the name
//! stays). The version date that is dropped stays in the file name, where the metadata reads
//! it.

/// The name of the file at `rel_path` (`/`-separated): its stem without a version date at its
/// end and a number prefix at its start, `_` between words read as a space. Never empty: a stem that would
/// lose everything is kept whole.
pub fn document_name(rel_path: &str) -> String {
    let file = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let stem = match file.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => file,
    };
    let name = strip_number_prefix(strip_version_date(stem));
    if name.starts_with('_') || name.ends_with('_') {
        return name.to_string();
    }
    let name: Vec<&str> = name
        .split('_')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match name.is_empty() {
        true => stem.to_string(),
        false => name.join(" "),
    }
}

/// `stem` without a version date at its end: in parentheses (ASCII or full-width) or after
/// `_`, `-` or a space; a date is `YYYY-MM-DD`, `YYYY.MM.DD`, `YYYYMMDD`, `YYYY年M月D日`, or a
/// Taiwan `YY.MM.DD` (ROC years) with `訂定`/`制定`/`修正`/`公布` and `新`/`舊` around it.
fn strip_version_date(stem: &str) -> &str {
    let stem = stem.trim_end();
    if let Some(inner) = stem.strip_suffix([')', '）']) {
        if let Some(open) = inner.rfind(['(', '（']) {
            let date = &inner[open..].trim_start_matches(['(', '（']);
            if is_version_date(date) && !inner[..open].trim().is_empty() {
                return inner[..open].trim_end();
            }
        }
        return stem;
    }
    if let Some(at) = stem.rfind(['_', '-', ' ']) {
        let (head, date) = (&stem[..at], &stem[at + 1..]);
        if is_version_date(date) && !head.trim().is_empty() {
            return head.trim_end_matches(['_', '-', ' ']);
        }
    }
    stem
}

/// The version date at the end of the file name of `rel_path` ([`document_name`] drops it),
/// as `YYYYMMDD` (Taiwan years of the Republic made Gregorian): `劳动合同法(2012-12-28).md`
/// → 20121228.
pub fn version_date(rel_path: &str) -> Option<u32> {
    let file = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s).trim_end();
    let kept = strip_version_date(stem);
    if kept.len() == stem.len() {
        return None;
    }
    let date: String = (stem[kept.len()..].chars())
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '年' | '月'))
        .map(|c| if c.is_ascii_digit() { c } else { ' ' })
        .collect();
    let parts: Vec<u32> = date.split(' ').filter_map(|p| p.parse().ok()).collect();
    let (y, m, d) = match parts[..] {
        [ymd] if ymd > 1_000_000 => (ymd / 10_000, ymd / 100 % 100, ymd % 100),
        [y, m, d] => (y, m, d),
        _ => return None,
    };
    // A Taiwan date counts years of the Republic (88.12.15 is 1999-12-15).
    let y = if y < 1000 { y + 1911 } else { y };
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(y * 10_000 + m * 100 + d)
}

fn is_version_date(text: &str) -> bool {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let ymd = |parts: &[&str], year: std::ops::RangeInclusive<usize>| matches!(parts, [y, m, d] if digits(y, year.clone()) && digits(m, 1..=2) && digits(d, 1..=2));
    if digits(&text, 8..=8) {
        return text.starts_with("19") || text.starts_with("20");
    }
    for sep in ['-', '.'] {
        let parts: Vec<&str> = text.split(sep).collect();
        if ymd(&parts, 4..=4) {
            return true;
        }
    }
    if let Some(rest) = text.strip_suffix('日') {
        let parts: Vec<&str> = rest.split(['年', '月']).collect();
        if ymd(&parts, 4..=4) {
            return true;
        }
    }
    let taiwan = text.trim_start_matches(['新', '舊']);
    let taiwan = ["訂定", "制定", "修正", "公布", "订定", "修订"]
        .iter()
        .find_map(|w| taiwan.strip_suffix(w))
        .unwrap_or(taiwan)
        .trim_end_matches(['新', '舊']);
    let parts: Vec<&str> = taiwan.split('.').collect();
    taiwan.len() < text.len() && ymd(&parts, 2..=3)
}

/// `name` without a number that only orders files: digits (or a parenthesized number) then a
/// separator (`01-`, `003_`, `1.`, `2、`, `(3)`, `12 `). Digits glued to the name (`1954政府…`)
/// are part of it.
fn strip_number_prefix(name: &str) -> &str {
    let (open, rest) = match name.strip_prefix(['(', '（']) {
        Some(rest) => (true, rest),
        None => (false, name),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return name;
    }
    let after = &rest[digits..];
    let separators: &[char] = match open {
        true => &[')', '）'],
        false => &['-', '_', '.', '、', ' ', '．', '　'],
    };
    match after.strip_prefix(separators) {
        Some(tail)
            if !tail.trim().is_empty() && !tail.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            tail.trim_start()
        }
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_version_dates_and_number_prefixes() {
        let cases = [
            ("laws/劳动合同法(2012-12-28).md", "劳动合同法"),
            ("劳动合同法（2012-12-28）.md", "劳动合同法"),
            ("刑法修正案（十二）(2023-12-29).md", "刑法修正案（十二）"),
            ("刑法修正案（七）.md", "刑法修正案（七）"),
            ("國家安全法(新 88.12.15訂定).md", "國家安全法"),
            ("数据安全法_20210610.txt", "数据安全法"),
            ("数据安全法 2021年6月10日.txt", "数据安全法"),
            ("03-数据安全法.txt", "数据安全法"),
            ("003_数据安全法.txt", "数据安全法"),
            ("1.总则.md", "总则"),
            ("（2）实施细则.md", "实施细则"),
            ("1954政府工作报告_周恩来.txt", "1954政府工作报告 周恩来"),
            ("2024年政府工作报告.txt", "2024年政府工作报告"),
            ("5G发展规划.txt", "5G发展规划"),
            ("2021-01-01.txt", "2021-01-01"),
            ("12.txt", "12"),
            ("_index.md", "_index"),
            ("无扩展名", "无扩展名"),
            (".md", ".md"),
        ];
        for (path, name) in cases {
            assert_eq!(document_name(path), name, "{path}");
        }
    }

    #[test]
    fn version_dates_are_read_as_gregorian_days() {
        let cases = [
            ("laws/劳动合同法(2012-12-28).md", Some(20121228)),
            ("國家安全法(新 88.12.15訂定).md", Some(19991215)),
            ("数据安全法_20210610.txt", Some(20210610)),
            ("数据安全法 2021年6月10日.txt", Some(20210610)),
            ("刑法修正案（七）.md", None),
            ("1954政府工作报告_周恩来.txt", None),
            ("2021-01-01.txt", None),
        ];
        for (path, date) in cases {
            assert_eq!(version_date(path), date, "{path}");
        }
    }
}
