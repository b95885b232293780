//! Equivalent forms of a query text: what staff on either side of the strait write for the
//! same thing, where N(text) (character by character) keeps them apart.
//!
//! The index stays as it is; a query text (in N form, without white space) is expanded into
//! its other forms, each looked up exactly, and a paragraph that holds any of them matches.
//! Families of forms:
//! - **groups** of equivalent words ([`Variants::builtin`]: `data/variants/policy-terms.txt`,
//!   curated, plus OpenCC's phrase table `TSPhrases`, whose conversions the character table
//!   misses: 計畫 is 计画 character by character, 计划 as a phrase). A member found whole in
//!   the text is replaced by each other member; users add groups with a file
//!   ([`Variants::with_user_file`]).
//! - **phrase edges**: a text that begins or ends inside an OpenCC phrase (`划处掌理` of
//!   綜合計畫處掌理) is also looked up with the phrase's characters as the character table
//!   writes them (`画处掌理`), so that every paragraph whose text OpenCC's `t2s` (with its
//!   phrase table) turns into one holding the query is found.
//! - **numbers**: article and item labels in Arabic or Chinese numerals (第184条 ⇄
//!   第一百八十四条, 第6-1条 ⇄ 第六条之一, 零 ⇄ 〇), years digit by digit (2024年 ⇄ 二〇二四年 ⇄
//!   二零二四年), ROC years positionally (民国94年 ⇄ 民国九十四年), and the brackets around a
//!   year in a document number (〔2020〕 ⇄ [2020] ⇄ 【2020】 ⇄ (2020)).
//!
//! A text has at most [`MAX_FORMS`] forms, itself included; a form is always N form, so the
//! exact index answers it as it answers the text.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use rustc_hash::{FxHashMap, FxHashSet};

use super::normalize_exact;
use crate::{Error, Result};

/// The most forms one text is looked up in, itself included.
pub const MAX_FORMS: usize = 32;

/// The curated groups compiled into the program.
const POLICY_TERMS: &str = include_str!("../../data/variants/policy-terms.txt");

/// Equivalent forms: groups of words and the phrase table's edges (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Variants {
    /// Groups of equivalent forms, each N form without white space, two or more.
    groups: Vec<Vec<Vec<char>>>,
    /// Per first character, the (group, member) pairs whose member starts with it.
    by_first: FxHashMap<char, Vec<(u32, u32)>>,
    /// OpenCC phrases whose conversion differs from the character table's, as
    /// (N of the converted phrase, N of the phrase), of equal length.
    edges: Vec<(Vec<char>, Vec<char>)>,
}

static BUILTIN: LazyLock<Arc<Variants>> = LazyLock::new(|| {
    let mut v = Variants::default();
    for line in POLICY_TERMS.lines() {
        // The compiled file is checked by a test; a bad line here would be a build defect.
        let _ = v.add_line(line);
    }
    for (key, value) in hanconv::Dictionary::TSPhrases.iter() {
        let (k, val) = (norm(key), norm(value));
        if k != val {
            if k.len() == val.len() {
                v.edges.push((val.clone(), k.clone()));
            }
            v.add_group(vec![k, val]);
        }
    }
    Arc::new(v)
});

/// N form without white space, as chars.
fn norm(s: &str) -> Vec<char> {
    normalize_exact(s).as_str().chars().collect()
}

impl Variants {
    /// The forms compiled into the program: the curated policy terms and OpenCC's phrases.
    pub fn builtin() -> Arc<Variants> {
        Arc::clone(&BUILTIN)
    }

    /// The built-in forms plus the groups of `path`: UTF-8, one group a line, its forms
    /// separated by white space, `#` comments. A line with a single form, or a file that
    /// cannot be read or is not UTF-8, is an error naming the file (and line).
    pub fn with_user_file(path: &Path) -> Result<Variants> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::Other(format!("variants file {}: not UTF-8", path.display())))?;
        let mut v = (*Self::builtin()).clone();
        for (n, line) in text.lines().enumerate() {
            v.add_line(line).map_err(|why| {
                Error::Other(format!("variants file {}:{}: {why}", path.display(), n + 1))
            })?;
        }
        Ok(v)
    }

    /// Adds the group on `line` (nothing for a blank line or a comment).
    fn add_line(&mut self, line: &str) -> std::result::Result<(), String> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
        }
        let mut forms: Vec<Vec<char>> = line.split_whitespace().map(norm).collect();
        forms.retain(|f| !f.is_empty());
        forms.dedup();
        if forms.len() < 2 {
            return Err(format!(
                "`{line}` names one form; a group needs two or more, separated by spaces"
            ));
        }
        self.add_group(forms);
        Ok(())
    }

    fn add_group(&mut self, mut forms: Vec<Vec<char>>) {
        let mut seen = FxHashSet::default();
        forms.retain(|f| seen.insert(f.clone()));
        if forms.len() < 2 {
            return;
        }
        let g = self.groups.len() as u32;
        for (m, f) in forms.iter().enumerate() {
            self.by_first.entry(f[0]).or_default().push((g, m as u32));
        }
        self.groups.push(forms);
    }

    /// The other forms of `text` (N form without white space), at most [`MAX_FORMS`] − 1,
    /// in the order found; empty when it has none.
    pub fn forms(&self, text: &[char]) -> Vec<Vec<char>> {
        let mut all: Vec<Vec<char>> = vec![text.to_vec()];
        let mut seen: FxHashSet<Vec<char>> = all.iter().cloned().collect();
        let mut next = 0;
        while next < all.len() && all.len() < MAX_FORMS {
            let form = all[next].clone();
            next += 1;
            let mut found = Vec::new();
            self.group_forms(&form, &mut found);
            if next == 1 {
                // Edges only of the text as typed: they cut a phrase the text begins or ends in.
                self.edge_forms(&form, &mut found);
            }
            number_forms(&form, &mut found);
            for f in found {
                if all.len() >= MAX_FORMS {
                    break;
                }
                if seen.insert(f.clone()) {
                    all.push(f);
                }
            }
        }
        all.remove(0);
        all
    }

    /// The members of a group in `text`, each with where it stands: what a term is split at
    /// before jieba cuts the rest, so that 人工智慧 stays one word (jieba would cut it into
    /// 人工 and 智慧, and no word would meet 人工智能). Longest member first, left to right.
    pub fn members_in(&self, text: &[char]) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            match self.members_at(text, i).map(|(_, m)| m.len()).max() {
                Some(len) => {
                    out.push(i..i + len);
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    /// The members of groups that `text` holds at `i`, each with its group.
    fn members_at<'a>(
        &'a self,
        text: &'a [char],
        i: usize,
    ) -> impl Iterator<Item = (&'a [Vec<char>], &'a [char])> + 'a {
        (self.by_first.get(&text[i]).into_iter().flatten()).filter_map(move |&(g, m)| {
            let group = &self.groups[g as usize];
            let member = &group[m as usize];
            text[i..]
                .starts_with(member)
                .then_some((group.as_slice(), member.as_slice()))
        })
    }

    fn group_forms(&self, text: &[char], out: &mut Vec<Vec<char>>) {
        for i in 0..text.len() {
            for (group, member) in self.members_at(text, i) {
                for other in group.iter().filter(|o| o.as_slice() != member) {
                    let mut f = text[..i].to_vec();
                    f.extend(other);
                    f.extend(&text[i + member.len()..]);
                    out.push(f);
                }
            }
        }
    }

    /// Forms for a text that begins or ends inside a phrase the phrase table converts: the
    /// part of the phrase inside the text, as the character table writes it.
    fn edge_forms(&self, text: &[char], out: &mut Vec<Vec<char>>) {
        let n = text.len();
        for (converted, written) in &self.edges {
            let len = converted.len();
            // The phrase starts `k` characters before the text.
            for k in 1..len {
                let overlap = (len - k).min(n);
                if converted[k..k + overlap] == text[..overlap] {
                    let mut f = written[k..k + overlap].to_vec();
                    f.extend(&text[overlap..]);
                    out.push(f);
                }
            }
            // The phrase ends `len - j` characters after the text.
            for j in 1..len.min(n + 1) {
                if converted[..j] == text[n - j..] {
                    let mut f = text[..n - j].to_vec();
                    f.extend(&written[..j]);
                    out.push(f);
                }
            }
        }
    }
}

/// The units of article and item labels (N form).
const UNITS: &[char] = &['编', '章', '节', '款', '项', '目', '条', '号'];

/// Chinese numeral characters of positional numbers and of digit-by-digit years.
fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
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

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万')
}

/// The value of a positional Chinese numeral (一千零七十九, 十五, 两百), or of digits written
/// one by one (一〇五); `None` for anything else or past 10⁸.
pub fn chinese_value(s: &[char]) -> Option<u64> {
    if s.is_empty() || !s.iter().all(|&c| is_chinese_numeral(c)) {
        return None;
    }
    if s.iter().all(|&c| chinese_digit(c).is_some()) {
        if s.len() == 1 {
            return chinese_digit(s[0]);
        }
        return s
            .iter()
            .try_fold(0u64, |v, &c| Some(v * 10 + chinese_digit(c)?));
    }
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    for &c in s {
        match c {
            '万' => {
                section += digit.take().unwrap_or(0);
                total = (total + section).checked_mul(10_000)?;
                section = 0;
            }
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                section += digit.take().unwrap_or(1) * unit;
            }
            _ => {
                // A 零 only holds a place: 一百零五.
                let d = chinese_digit(c)?;
                if digit.is_some_and(|held| held != 0) {
                    return None;
                }
                digit = Some(d);
            }
        }
    }
    let value = total + section + digit.unwrap_or(0);
    (value < 100_000_000).then_some(value)
}

/// `n` in Chinese numerals as laws write article numbers: 十, 十五, 一百一十, 一千零七十九.
pub fn chinese_numeral(n: u64) -> String {
    if n == 0 {
        return "零".to_string();
    }
    if n >= 10_000 {
        let (high, low) = (n / 10_000, n % 10_000);
        let mut s = chinese_numeral(high);
        s.push('万');
        if low > 0 {
            if low < 1000 {
                s.push('零');
            }
            s.push_str(&positional(low, true));
        }
        return s;
    }
    positional(n, false)
}

/// `n` (1 to 9,999); within a larger number (`inner`) a leading 十 keeps its 一.
fn positional(n: u64, inner: bool) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let places = [
        (n / 1000, Some('千')),
        (n / 100 % 10, Some('百')),
        (n / 10 % 10, Some('十')),
        (n % 10, None),
    ];
    let (mut s, mut started, mut zero) = (String::new(), false, false);
    for (d, unit) in places {
        if d == 0 {
            zero |= started;
            continue;
        }
        if std::mem::take(&mut zero) {
            s.push('零');
        }
        // 十五, not 一十五, at the head of a number.
        if unit != Some('十') || d != 1 || started || inner {
            s.push(DIGITS[d as usize]);
        }
        s.extend(unit);
        started = true;
    }
    s
}

/// Digits written one by one in Chinese numerals, with `zero` for 0 (二〇二四).
fn digit_by_digit(digits: &[char], zero: char) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    (digits.iter())
        .map(|&c| match c.to_digit(10) {
            Some(0) => zero,
            Some(d) => DIGITS[d as usize],
            None => c,
        })
        .collect()
}

/// Replaces `text[range]` by `with`.
fn replaced(text: &[char], range: std::ops::Range<usize>, with: &str) -> Vec<char> {
    let mut f = text[..range.start].to_vec();
    f.extend(with.chars());
    f.extend(&text[range.end..]);
    f
}

/// The number forms of `text`: labels, years, ROC years and document-number brackets.
fn number_forms(text: &[char], out: &mut Vec<Vec<char>>) {
    let n = text.len();
    let run_end =
        |from: usize, pred: &dyn Fn(char) -> bool| (from..n).find(|&k| !pred(text[k])).unwrap_or(n);
    for i in 0..n {
        // 第 N unit, 第 N-M unit, 第 N unit 之 M.
        if text[i] == '第' {
            let a = i + 1;
            let digits_end = run_end(a, &|c| c.is_ascii_digit());
            if digits_end > a {
                let mut end = digits_end;
                let mut sub = None;
                if end + 1 < n && text[end] == '-' && text[end + 1].is_ascii_digit() {
                    let sub_end = run_end(end + 1, &|c| c.is_ascii_digit());
                    sub = Some(text[end + 1..sub_end].iter().collect::<String>());
                    end = sub_end;
                }
                if end < n && UNITS.contains(&text[end]) {
                    let value: u64 = text[a..digits_end]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0);
                    if value > 0 {
                        let mut with = format!("第{}{}", chinese_numeral(value), text[end]);
                        if let Some(sub) = &sub {
                            with.push('之');
                            with.push_str(&chinese_numeral(sub.parse().unwrap_or(0)));
                        }
                        out.push(replaced(text, i..end + 1, &with));
                        if with.contains('零') {
                            out.push(replaced(text, i..end + 1, &with.replace('零', "〇")));
                        }
                    }
                }
            }
            let cn_end = run_end(a, &|c| is_chinese_numeral(c));
            if cn_end > a && cn_end < n && UNITS.contains(&text[cn_end]) {
                if let Some(value) = chinese_value(&text[a..cn_end]) {
                    let unit = text[cn_end];
                    let mut end = cn_end + 1;
                    let mut sub = None;
                    if end < n && text[end] == '之' {
                        let sub_end = run_end(end + 1, &|c| is_chinese_numeral(c));
                        if let Some(v) = chinese_value(&text[end + 1..sub_end]) {
                            sub = Some(v);
                            end = sub_end;
                        }
                    }
                    let digits = match sub {
                        Some(s) => format!("第{value}-{s}{unit}"),
                        None => format!("第{value}{unit}"),
                    };
                    out.push(replaced(text, i..end, &digits));
                    let canonical = format!("第{}{unit}", chinese_numeral(value));
                    if sub.is_none() && canonical.chars().collect::<Vec<_>>() != text[i..end] {
                        out.push(replaced(text, i..end, &canonical));
                    }
                }
            }
        }
        let starts_number = i == 0 || !(text[i - 1].is_ascii_digit());
        // Years: four digits and 年, digit by digit either way.
        if starts_number && i + 4 < n && text[i + 4] == '年' {
            let year = &text[i..i + 4];
            if year.iter().all(char::is_ascii_digit) {
                out.push(replaced(text, i..i + 4, &digit_by_digit(year, '〇')));
                out.push(replaced(text, i..i + 4, &digit_by_digit(year, '零')));
            } else if (i == 0 || chinese_digit(text[i - 1]).is_none())
                && year.iter().all(|&c| chinese_digit(c).is_some())
            {
                let digits: String = (year.iter())
                    .map(|&c| char::from(b'0' + chinese_digit(c).unwrap_or(0) as u8))
                    .collect();
                out.push(replaced(text, i..i + 4, &digits));
            }
        }
        // ROC years: 民国 N 年, positionally.
        if text[i..].starts_with(&['民', '国']) {
            let a = i + 2;
            let digits_end = run_end(a, &|c| c.is_ascii_digit());
            let cn_end = run_end(a, &|c| is_chinese_numeral(c));
            if digits_end > a && digits_end < n && text[digits_end] == '年' {
                let v: u64 = (text[a..digits_end].iter().collect::<String>())
                    .parse()
                    .unwrap_or(0);
                out.push(replaced(text, a..digits_end, &chinese_numeral(v)));
            } else if cn_end > a && cn_end < n && text[cn_end] == '年' {
                if let Some(v) = chinese_value(&text[a..cn_end]) {
                    out.push(replaced(text, a..cn_end, &v.to_string()));
                }
            }
        }
        // Document-number brackets around a year.
        const BRACKETS: [(char, char); 4] = [('〔', '〕'), ('[', ']'), ('【', '】'), ('(', ')')];
        if let Some(&(_, close)) = BRACKETS.iter().find(|b| b.0 == text[i]) {
            if i + 5 < n
                && text[i + 5] == close
                && text[i + 1..i + 5].iter().all(char::is_ascii_digit)
            {
                for &(o, c) in BRACKETS.iter().filter(|b| b.0 != text[i]) {
                    let mut f = text.to_vec();
                    f[i] = o;
                    f[i + 5] = c;
                    out.push(f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(text: &str) -> Vec<String> {
        (Variants::builtin().forms(&norm(text)).into_iter())
            .map(|f| f.into_iter().collect())
            .collect()
    }

    fn has(text: &str, form: &str) -> bool {
        forms(text).iter().any(|f| f == form)
    }

    #[test]
    fn numerals_both_ways() {
        for (n, s) in [
            (1, "一"),
            (10, "十"),
            (15, "十五"),
            (20, "二十"),
            (105, "一百零五"),
            (110, "一百一十"),
            (184, "一百八十四"),
            (1000, "一千"),
            (1009, "一千零九"),
            (1079, "一千零七十九"),
            (1260, "一千二百六十"),
            (10_010, "一万零一十"),
        ] {
            assert_eq!(chinese_numeral(n), s, "{n}");
            let chars: Vec<char> = s.chars().collect();
            assert_eq!(chinese_value(&chars), Some(n), "{s}");
        }
        for (s, n) in [
            ("两百", 200),
            ("一〇五", 105),
            ("一百〇五", 105),
            ("一十", 10),
        ] {
            let chars: Vec<char> = s.chars().collect();
            assert_eq!(chinese_value(&chars), Some(n), "{s}");
        }
        assert_eq!(chinese_value(&['第']), None);
    }

    #[test]
    fn article_labels_in_any_numerals() {
        assert!(has("第184条", "第一百八十四条"));
        assert!(has("第一百八十四条", "第184条"));
        assert!(has("第 184 條", "第一百八十四条"));
        assert!(has("民法典第184条", "民法典第一百八十四条"));
        assert!(has("第6-1條", "第六条之一"));
        assert!(has("第六条之一", "第6-1条"));
        assert!(has("第105条", "第一百〇五条"));
        assert!(has("第一百〇五条", "第105条"));
        assert!(has("第一百〇五条", "第一百零五条"));
        assert!(has("第三章", "第3章"));
        assert!(has("第5号", "第五号"));
        assert!(has("第十款", "第10款"));
        // Not a label.
        assert!(forms("第184").is_empty());
    }

    #[test]
    fn years_and_roc_years_and_brackets() {
        assert!(has("2024年", "二〇二四年"));
        assert!(has("2024年", "二零二四年"));
        assert!(has("二〇二四年", "2024年"));
        assert!(has("民國94年", "民国九十四年"));
        assert!(has("民國九十四年", "民国94年"));
        // An ROC year is no calendar year.
        assert!(!forms("民國94年").iter().any(|f| f.contains("2005")));
        assert!(has("法释[2020]26号", "法释〔2020〕26号"));
        assert!(has("法释〔2020〕26号", "法释[2020]26号"));
        assert!(has("法释【2020】26号", "法释(2020)26号"));
        assert!(has("法释（2020）26号", "法释〔2020〕26号"));
        assert!(has("国发﹝1993﹞21号", "国发[1993]21号"));
        // Five digits are no year.
        assert!(forms("[20201]").is_empty());
    }

    #[test]
    fn vocabulary_both_ways() {
        assert!(has("计划", "计画"));
        assert!(has("計畫", "计划"));
        assert!(has("人工智能", "人工智慧"));
        assert!(has("人工智慧", "人工智能"));
        assert!(has("軟體", "软件"));
        assert!(has("隨著", "随着"));
        assert!(has("随着", "随著"));
        assert!(has("推动人工智能发展", "推动人工智慧发展"));
        // A text that starts inside 計畫 as OpenCC converts it.
        assert!(has("划处掌理左列事项", "画处掌理左列事项"));
        // Words no group holds have no forms.
        assert!(forms("数据安全").is_empty());
        // Ambiguous words are left out.
        assert!(!has("资料", "数据"));
        assert!(!has("显著", "显着"));
    }

    #[test]
    fn members_are_found_whole_longest_first() {
        let v = Variants::builtin();
        let text = norm("推动人工智慧与数位经济发展");
        let found: Vec<String> = (v.members_in(&text).into_iter())
            .map(|r| text[r].iter().collect())
            .collect();
        assert_eq!(found, ["人工智慧", "数位经济"]);
    }

    #[test]
    fn forms_are_bounded() {
        let text = "计划".repeat(20);
        assert!(Variants::builtin().forms(&norm(&text)).len() < MAX_FORMS);
    }

    #[test]
    fn the_compiled_file_has_no_bad_line() {
        let mut v = Variants::default();
        for (n, line) in POLICY_TERMS.lines().enumerate() {
            assert_eq!(v.add_line(line), Ok(()), "line {}", n + 1);
        }
        assert!(v.groups.len() > 80);
    }

    #[test]
    fn a_user_file_adds_groups_and_bad_lines_name_their_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.txt");
        std::fs::write(&path, "# mine\n碳达峰 碳峰值\n").unwrap();
        let v = Variants::with_user_file(&path).unwrap();
        let f: Vec<String> = (v.forms(&norm("碳达峰")).into_iter())
            .map(|f| f.into_iter().collect())
            .collect();
        assert_eq!(f, ["碳峰值"]);
        std::fs::write(&path, "a b\n孤单\n").unwrap();
        let e = Variants::with_user_file(&path).unwrap_err().to_string();
        assert!(e.contains("v.txt:2") && e.contains("one form"), "{e}");
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert!(Variants::with_user_file(&path).is_err());
        assert!(Variants::with_user_file(&dir.path().join("none")).is_err());
    }
}
