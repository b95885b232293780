//! DOCX automatic numbering (`word/numbering.xml`): the numbers Word draws before a numbered
//! paragraph (`一、`, `（一）`, `第一条`, `4.1`), which are not text in the file, generated so
//! that the text holds them and numbered headings are found by the same rules as in text
//! files.
//!
//! - A paragraph is numbered by its own `w:numPr` (`w:numId`, `w:ilvl`), else by its style's
//!   (following `basedOn`); `numId` 0 switches numbering off. A style's `numPr` without
//!   `ilvl` takes the level whose `w:pStyle` names that style.
//! - `w:num` → `w:abstractNum`; a `w:lvlOverride` may give a `w:startOverride` or a whole
//!   `w:lvl`. Counters belong to the abstract list (lists that share it continue each other's
//!   numbers, as in Word), or to the `w:num` itself when it overrides a start (a restarted
//!   list).
//! - A level counts from `w:start`; numbering a paragraph at level L resets the deeper levels
//!   (unless their `w:lvlRestart` says after which level they restart, 0 = never).
//! - `w:lvlText` `%1…%9` are the counters of levels 1-9 in each level's own `w:numFmt`
//!   (`decimal`, `chineseCounting`, `chineseCountingThousand`, `japaneseCounting`,
//!   `ideographTraditional` 甲乙丙, `ideographZodiac`, `chineseLegalSimplified` 壹贰叁,
//!   `lowerLetter`, `upperLetter`, `lowerRoman`, `upperRoman`, `decimalZero`,
//!   `decimalFullWidth`, `decimalEnclosedCircle` ①, …; `w:isLgl` shows them as decimal;
//!   unknown formats as decimal), `none` is empty; a `bullet` level gives no text (its
//!   glyph is a picture, not a word). The number is followed by a space unless `w:suff` is
//!   `nothing` or it already ends in white space.

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::xml::{attr, xml_error};
use super::ReadError;

const FORMAT: &str = "DOCX";
const MEMBER: &str = "word/numbering.xml";

/// One level of a list definition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Level {
    start: u32,
    format: String,
    text: String,
    /// `w:lvlRestart`: restart after a level at most this (1-based); 0 never.
    restart: Option<u32>,
    legal: bool,
    /// The separator after the number (`w:suff`): true unless `nothing`.
    separated: bool,
    /// `w:pStyle`: the paragraph style this level belongs to.
    style: Option<String>,
}

/// An abstract list: its levels by `ilvl`.
type Levels = HashMap<u32, Level>;

/// A numbering instance (`w:num`).
#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    /// `ilvl` → start override.
    starts: HashMap<u32, u32>,
    /// `ilvl` → a level that replaces the abstract one.
    levels: Levels,
}

/// The numbering definitions of a document and the counters of its lists, advanced as the
/// paragraphs are read in order.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<String, Levels>,
    nums: HashMap<String, Num>,
    /// List key → the current value of each level (`None`: not used since its reset).
    counters: HashMap<String, [Option<u32>; 9]>,
}

impl Numbering {
    /// Parses `word/numbering.xml`.
    pub fn parse(xml_text: &str) -> Result<Numbering, ReadError> {
        let mut reader = Reader::from_str(xml_text);
        let mut n = Numbering::default();
        // What is open: an abstract list (its id), a num (its id), an override's level, a level.
        let mut in_abstract: Option<(String, Levels)> = None;
        let mut in_num: Option<(String, Num)> = None;
        let mut override_level: Option<u32> = None;
        let mut level: Option<(u32, Level)> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| xml_error(FORMAT, MEMBER, e))?;
            let (e, empty) = match &event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    match e.local_name().as_ref() {
                        "abstractNum" => {
                            if let Some((id, levels)) = in_abstract.take() {
                                n.abstracts.insert(id, levels);
                            }
                        }
                        "num" => {
                            if let Some((id, num)) = in_num.take() {
                                n.nums.insert(id, num);
                            }
                        }
                        "lvlOverride" => override_level = None,
                        "lvl" => {
                            if let Some((ilvl, l)) = level.take() {
                                if let Some((_, levels)) = in_abstract.as_mut() {
                                    levels.insert(ilvl, l);
                                } else if let Some((_, num)) = in_num.as_mut() {
                                    num.levels.insert(ilvl, l);
                                }
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let val = || attr(e, "val");
            match e.local_name().as_ref() {
                "abstractNum" if !empty => {
                    in_abstract = attr(e, "abstractNumId").map(|id| (id, Levels::new()));
                }
                "num" if !empty => in_num = attr(e, "numId").map(|id| (id, Num::default())),
                "abstractNumId" => {
                    if let (Some((_, num)), Some(v)) = (in_num.as_mut(), val()) {
                        num.abstract_id = v;
                    }
                }
                "lvlOverride" if !empty => {
                    override_level = attr(e, "ilvl").and_then(|v| v.parse().ok());
                }
                "startOverride" => {
                    if let (Some((_, num)), Some(l), Some(v)) = (
                        in_num.as_mut(),
                        override_level,
                        val().and_then(|v| v.parse().ok()),
                    ) {
                        num.starts.insert(l, v);
                    }
                }
                "lvl" if !empty => {
                    let ilvl = attr(e, "ilvl")
                        .and_then(|v| v.parse().ok())
                        .or(override_level);
                    level = ilvl.filter(|&l| l < 9).map(|l| {
                        (
                            l,
                            Level {
                                start: 1,
                                format: "decimal".into(),
                                separated: true,
                                ..Level::default()
                            },
                        )
                    });
                }
                name => {
                    let Some((_, l)) = level.as_mut() else {
                        continue;
                    };
                    match name {
                        "start" => l.start = val().and_then(|v| v.parse().ok()).unwrap_or(1),
                        "numFmt" => l.format = val().unwrap_or_default(),
                        "lvlText" => l.text = val().unwrap_or_default(),
                        "lvlRestart" => l.restart = val().and_then(|v| v.parse().ok()),
                        "isLgl" => l.legal = val().is_none_or(|v| v != "0" && v != "false"),
                        "suff" => l.separated = val().is_none_or(|v| v != "nothing"),
                        "pStyle" => l.style = val(),
                        _ => {}
                    }
                }
            }
        }
        Ok(n)
    }

    /// The level of list `num_id` that belongs to paragraph style `style` (`w:pStyle` in a
    /// level), for a style whose numbering names no level.
    pub fn level_of_style(&self, num_id: &str, style: &str) -> Option<u32> {
        let num = self.nums.get(num_id)?;
        let levels = self.abstracts.get(&num.abstract_id)?;
        (0..9).find(|l| {
            num.levels
                .get(l)
                .or_else(|| levels.get(l))
                .is_some_and(|lv| lv.style.as_deref() == Some(style))
        })
    }

    /// The number of the next paragraph of list `num_id` at level `ilvl`, as text with its
    /// separator (`一、`, `第三条 `, `4.1 `), advancing the counters; `None` when the list or
    /// level is not defined (or `num_id` is 0), and an empty string for a bullet or a level
    /// without text (the counters still advance).
    pub fn next(&mut self, num_id: &str, ilvl: u32) -> Option<String> {
        let num = self.nums.get(num_id)?;
        let abs = self.abstracts.get(&num.abstract_id)?;
        let ilvl = ilvl.min(8);
        let level_of = |l: u32| num.levels.get(&l).or_else(|| abs.get(&l));
        let this = level_of(ilvl)?;
        let key = match num.starts.is_empty() {
            true => format!("a{}", num.abstract_id),
            false => format!("n{num_id}"),
        };
        let start_of = |l: u32| {
            num.starts
                .get(&l)
                .copied()
                .or_else(|| level_of(l).map(|lv| lv.start))
                .unwrap_or(1)
        };
        let counters = self.counters.entry(key).or_insert([None; 9]);
        let i = ilvl as usize;
        counters[i] = Some(counters[i].map_or(start_of(ilvl), |c| c + 1));
        for (deeper, counter) in counters.iter_mut().enumerate().skip(i + 1) {
            let restart = level_of(deeper as u32).and_then(|lv| lv.restart);
            // `lvlRestart` v: restart after levels 1..=v (1-based), that is ilvl < v.
            if restart.is_none_or(|v| v != 0 && ilvl < v) {
                *counter = None;
            }
        }
        if this.format == "bullet" {
            return Some(String::new());
        }
        let mut out = String::new();
        let mut chars = this.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let l = d - 1;
                    let value = counters[l as usize].unwrap_or_else(|| start_of(l));
                    let format = match this.legal && l < ilvl {
                        true => "decimal",
                        false => level_of(l).map_or("decimal", |lv| lv.format.as_str()),
                    };
                    out.push_str(&format_number(value, format));
                }
                _ => out.push(c),
            }
        }
        if this.separated && !out.is_empty() && !out.ends_with(char::is_whitespace) {
            out.push(' ');
        }
        Some(out)
    }
}

/// `value` written in the numbering format `format` (`w:numFmt`); unknown formats as decimal.
pub fn format_number(value: u32, format: &str) -> String {
    const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";
    const PAREN: &str = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇";
    const FULLSTOP: &str = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛";
    let nth = |set: &str| {
        (value >= 1)
            .then(|| set.chars().nth(value as usize - 1))
            .flatten()
            .map(String::from)
    };
    let cycle = |set: &str| {
        let chars: Vec<char> = set.chars().collect();
        chars[(value.max(1) as usize - 1) % chars.len()].to_string()
    };
    match format {
        "none" => String::new(),
        "chineseCounting" | "japaneseCounting" | "taiwaneseCounting" | "koreanCounting" => {
            chinese_number(value, "〇一二三四五六七八九", ["十", "百", "千"])
        }
        "chineseCountingThousand" | "taiwaneseCountingThousand" => {
            chinese_number(value, "零一二三四五六七八九", ["十", "百", "千"])
        }
        "chineseLegalSimplified" => {
            chinese_number(value, "零壹贰叁肆伍陆柒捌玖", ["拾", "佰", "仟"])
        }
        "japaneseLegal" => chinese_number(value, "零壱弐参四伍六七八九", ["拾", "百", "阡"]),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => value
            .to_string()
            .chars()
            .filter_map(|d| d.to_digit(10))
            .map(|d| {
                "〇一二三四五六七八九"
                    .chars()
                    .nth(d as usize)
                    .unwrap_or('〇')
            })
            .collect(),
        "ideographTraditional" => cycle("甲乙丙丁戊己庚辛壬癸"),
        "ideographZodiac" => cycle("子丑寅卯辰巳午未申酉戌亥"),
        "lowerLetter" => letters(value, b'a'),
        "upperLetter" => letters(value, b'A'),
        "lowerRoman" => roman(value).to_lowercase(),
        "upperRoman" => roman(value),
        "decimalZero" => format!("{value:02}"),
        "decimalFullWidth" | "decimalFullWidth2" => value
            .to_string()
            .chars()
            .map(|d| char::from_u32(d as u32 - '0' as u32 + 0xFF10).unwrap_or(d))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" | "ideographEnclosedCircle" => {
            nth(CIRCLED).unwrap_or_else(|| value.to_string())
        }
        "decimalEnclosedParen" => nth(PAREN).unwrap_or_else(|| format!("({value})")),
        "decimalEnclosedFullstop" => nth(FULLSTOP).unwrap_or_else(|| format!("{value}.")),
        _ => value.to_string(),
    }
}

/// `value` in Chinese numerals (`十一`, `二十`, `一百零五`, `一千二百`), up to 99,999,999;
/// `digits` are zero to nine, `units` ten, hundred and thousand.
fn chinese_number(value: u32, digits: &str, units: [&str; 3]) -> String {
    let digit: Vec<char> = digits.chars().collect();
    if value == 0 {
        return digit[0].to_string();
    }
    if value >= 100_000_000 {
        return value.to_string();
    }
    // Leading zeros are not written, inner ones once (`一百〇五`).
    let below_10k = |n: u32, out: &mut String| {
        let parts = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
        let mut zero = false;
        let mut started = false;
        for (k, &d) in parts.iter().enumerate() {
            if d == 0 {
                zero = started;
                continue;
            }
            if zero {
                out.push(digit[0]);
                zero = false;
            }
            // Ten to nineteen are `十…`, not `一十…`, at the start of the number.
            let ten_alone = k == 2 && d == 1 && !started && out.is_empty();
            if !ten_alone {
                out.push(digit[d as usize]);
            }
            if k < 3 {
                out.push_str(units[2 - k]);
            }
            started = true;
        }
    };
    let mut out = String::new();
    let (high, low) = (value / 10_000, value % 10_000);
    if high > 0 {
        below_10k(high, &mut out);
        out.push('万');
        if low > 0 && low < 1000 {
            out.push(digit[0]);
        }
    }
    if low > 0 {
        below_10k(low, &mut out);
    }
    out
}

/// 1 → a, 26 → z, 27 → aa (Word repeats the letter).
fn letters(value: u32, a: u8) -> String {
    if value == 0 {
        return String::new();
    }
    let letter = (a + ((value - 1) % 26) as u8) as char;
    std::iter::repeat_n(letter, (value as usize - 1) / 26 + 1).collect()
}

fn roman(mut value: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (n, s) in TABLE {
        while value >= n {
            out.push_str(s);
            value -= n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let cn = |v| format_number(v, "chineseCounting");
        assert_eq!(
            [1, 10, 11, 20, 21, 100, 105, 110, 1200, 10001].map(cn),
            [
                "一",
                "十",
                "十一",
                "二十",
                "二十一",
                "一百",
                "一百〇五",
                "一百一十",
                "一千二百",
                "一万〇一"
            ]
        );
        assert_eq!(format_number(105, "chineseCountingThousand"), "一百零五");
        assert_eq!(
            format_number(10010, "chineseCountingThousand"),
            "一万零一十"
        );
        assert_eq!(format_number(12, "chineseLegalSimplified"), "拾贰");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(11, "ideographTraditional"), "甲");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(7, "decimalZero"), "07");
        assert_eq!(format_number(7, "none"), "");
        assert_eq!(format_number(7, "ordinalText"), "7");
    }

    const NUMBERING: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:lvlRestart w:val="0"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="第%1条"/><w:pStyle w:val="Tiao"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="2">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="附录%1"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2.%3"/><w:isLgl/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="3">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
      <w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>
      <w:num w:numId="6"><w:abstractNumId w:val="3"/></w:num>
      <w:num w:numId="7"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1)"/></w:lvl></w:lvlOverride></w:num>
    </w:numbering>"#;

    #[test]
    fn counters_restart_and_continue() {
        let mut n = Numbering::parse(NUMBERING).unwrap();
        let mut next = |id: &str, l: u32| n.next(id, l).unwrap_or_else(|| "-".into());
        assert_eq!(next("1", 0), "一、");
        assert_eq!(next("1", 1), "（一）");
        assert_eq!(next("1", 1), "（二）");
        assert_eq!(next("1", 2), "1. ");
        assert_eq!(next("1", 0), "二、");
        // Level 1 restarts after level 0; level 2 never restarts (`lvlRestart` 0).
        assert_eq!(next("1", 1), "（一）");
        assert_eq!(next("1", 2), "2. ");
        // Another instance of the same list continues it; one with a start override
        // restarts.
        assert_eq!(next("2", 0), "三、");
        assert_eq!(next("3", 0), "五、");
        assert_eq!(next("3", 0), "六、");
        assert_eq!(next("1", 0), "四、");
        assert_eq!(next("4", 0), "第一条 ");
        assert_eq!(next("4", 0), "第二条 ");
        // Higher levels in their own format; `isLgl` makes them decimal.
        assert_eq!(next("5", 1), "A.1 ");
        assert_eq!(next("5", 2), "1.1.a ");
        // A level first used after deeper ones starts at its start.
        assert_eq!(next("5", 0), "附录A ");
        assert_eq!(next("6", 0), "");
        // A level replaced in the instance.
        assert_eq!(next("7", 0), "3) ");
        assert_eq!(next("0", 0), "-");
        assert_eq!(next("9", 0), "-");
    }

    #[test]
    fn levels_of_styles() {
        let n = Numbering::parse(NUMBERING).unwrap();
        assert_eq!(n.level_of_style("4", "Tiao"), Some(0));
        assert_eq!(n.level_of_style("4", "Other"), None);
    }
}
