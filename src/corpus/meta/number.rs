//! Document numbers (文号) and promulgation instruments, in a canonical spelling.
//!
//! Two forms are read:
//! - a 发文字号 `国发〔2024〕1号`, `法释〔2020〕26号`, `劳社部发[2008]3号`: a prefix of up to 10
//!   Han characters, the year in any bracket (`〔〕 [] ［］ （） () ﹝﹞ 【】`), the serial, `号`;
//! - an order or announcement `中华人民共和国国务院令第306号`, `国家市场监督管理总局令第54号`,
//!   `杭州市第十二届人民代表大会常务委员会公告第72号`, `国家税务总局公告2018年第31号`,
//!   `…主席团公告第八号`: the issuing text before `令`/`公告` and the serial.
//!
//! Canonical spelling: brackets become `〔〕`, full-width digits ASCII, white space dropped.
//! Where a number stands (its own line, an event, a file name) and which one a document
//! takes is decided in `mod.rs`; this module only finds them.

/// Characters that end a 文号's prefix when read backwards from its bracket: words that
/// introduce a number in a sentence (`以法发〔…〕`, `简称京政办字〔…〕`) or punctuation.
const PREFIX_STOPS: &str = "以按据照依于为和及与、，,。；;：:（(《》“”\"'_ 　的称经对";

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

const OPEN: &str = "〔[［（(﹝【";
const CLOSE: &str = "〕]］）)﹞】";
const HAN_DIGITS: &str = "一二三四五六七八九十百千零〇";

/// A number found in a text: byte span and canonical spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundNumber {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after it.
    pub end: usize,
    /// Canonical spelling.
    pub text: String,
}

/// Every 文号 (bracketed year form) in `s`.
pub fn find_bracketed(s: &str) -> Vec<FoundNumber> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    for (k, &(_, c)) in chars.iter().enumerate() {
        if !OPEN.contains(c) {
            continue;
        }
        // The prefix, read backwards.
        let mut p = k;
        while p > 0 && k - p < 10 {
            let pc = chars[p - 1].1;
            if !is_han(pc) || PREFIX_STOPS.contains(pc) {
                break;
            }
            p -= 1;
        }
        if p == k {
            continue;
        }
        // The year, the closing bracket, an optional 第, the serial, 号.
        let mut j = k + 1;
        let mut year = String::new();
        while let Some(d) = chars.get(j).and_then(|&(_, c)| ascii_digit(c)) {
            year.push(d);
            j += 1;
        }
        if year.len() != 4 || !chars.get(j).is_some_and(|&(_, c)| CLOSE.contains(c)) {
            continue;
        }
        j += 1;
        while chars.get(j).is_some_and(|&(_, c)| c == ' ' || c == '　') {
            j += 1;
        }
        let di = chars.get(j).is_some_and(|&(_, c)| c == '第');
        if di {
            j += 1;
        }
        let mut serial = String::new();
        while let Some(d) = chars.get(j).and_then(|&(_, c)| ascii_digit(c)) {
            serial.push(d);
            j += 1;
        }
        while chars.get(j).is_some_and(|&(_, c)| c == ' ' || c == '　') {
            j += 1;
        }
        if serial.is_empty() || !chars.get(j).is_some_and(|&(_, c)| c == '号' || c == '號') {
            continue;
        }
        let prefix: String = chars[p..k].iter().map(|&(_, c)| c).collect();
        let end = chars.get(j + 1).map_or(s.len(), |&(e, _)| e);
        out.push(FoundNumber {
            start: chars[p].0,
            end,
            text: format!("{prefix}〔{year}〕{}{serial}号", if di { "第" } else { "" }),
        });
    }
    out
}

/// An order or announcement number in `s` whose issuing text starts at the beginning of `s`
/// (an event's text after its date, or a line of its own): `…令第306号`, `…公告第72号`.
pub fn find_instrument(s: &str) -> Option<FoundNumber> {
    for marker in ["令", "公告"] {
        for (p, _) in s.match_indices(marker) {
            let issuer = s[..p].trim();
            if issuer.chars().count() < 2
                || !issuer
                    .chars()
                    .all(|c| is_han(c) || c == '、' || ascii_digit(c).is_some())
            {
                continue;
            }
            let after = &s[p + marker.len()..];
            let Some((serial, used)) = serial_after(after) else {
                continue;
            };
            let end = p + marker.len() + used;
            let issuer: String = issuer.chars().filter(|c| !c.is_whitespace()).collect();
            return Some(FoundNumber {
                start: 0,
                end,
                text: format!("{issuer}{marker}{serial}"),
            });
        }
    }
    None
}

/// `第306号`, `（第306号）`, `2018年第31号`, `第八号` at the start of `s`: canonical text and
/// bytes used.
fn serial_after(s: &str) -> Option<(String, usize)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut j = 0;
    let paren = chars.first().is_some_and(|&(_, c)| c == '（' || c == '(');
    if paren {
        j += 1;
    }
    let mut year = String::new();
    let mut k = j;
    while let Some(d) = chars.get(k).and_then(|&(_, c)| ascii_digit(c)) {
        year.push(d);
        k += 1;
    }
    if year.len() == 4 && chars.get(k).is_some_and(|&(_, c)| c == '年') {
        j = k + 1;
    } else {
        year.clear();
    }
    if chars.get(j).map(|&(_, c)| c) != Some('第') {
        return None;
    }
    j += 1;
    let mut serial = String::new();
    while let Some(&(_, c)) = chars.get(j) {
        if let Some(d) = ascii_digit(c) {
            serial.push(d);
        } else if HAN_DIGITS.contains(c) {
            serial.push(c);
        } else if c != ' ' && c != '　' {
            break;
        }
        j += 1;
    }
    if serial.is_empty() || !chars.get(j).is_some_and(|&(_, c)| c == '号' || c == '號') {
        return None;
    }
    j += 1;
    if paren && chars.get(j).is_some_and(|&(_, c)| c == '）' || c == ')') {
        j += 1;
    }
    let used = chars.get(j).map_or(s.len(), |&(b, _)| b);
    let year = if year.is_empty() {
        String::new()
    } else {
        format!("{year}年")
    };
    Some((format!("{year}第{serial}号"), used))
}

/// The number a line holds when the line is nothing else (brackets around it allowed):
/// `法释〔2024〕9号`, `（劳社部发[2008]3号）`, `江西省人民政府令第241号`.
pub fn line_number(line: &str) -> Option<String> {
    let t = line.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '（' | '）' | '(' | ')' | '【' | '】')
    });
    if let [only] = find_bracketed(t).as_slice() {
        if only.start == 0 && only.end == t.len() {
            return Some(only.text.clone());
        }
    }
    find_instrument(t)
        .filter(|n| n.end == t.len() && t.chars().count() <= 40)
        .map(|n| n.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bracketed(s: &str) -> Vec<String> {
        find_bracketed(s).into_iter().map(|n| n.text).collect()
    }

    #[test]
    fn bracketed_numbers_in_every_bracket() {
        assert_eq!(bracketed("国发〔2024〕1号"), ["国发〔2024〕1号"]);
        assert_eq!(bracketed("劳社部发[2008]3号"), ["劳社部发〔2008〕3号"]);
        assert_eq!(
            bracketed("高检发释字［２０１９］第２号"),
            ["高检发释字〔2019〕第2号"]
        );
        assert_eq!(
            bracketed("温国土资发（2018）366号《决定书》"),
            ["温国土资发〔2018〕366号"]
        );
        assert_eq!(
            bracketed("唐港城办发﹝2019﹞10 号"),
            ["唐港城办发﹝2019﹞10号"
                .replace('﹝', "〔")
                .replace('﹞', "〕")]
        );
        assert_eq!(
            bracketed("最高人民法院以法发〔1993〕15号通知印发"),
            ["法发〔1993〕15号"]
        );
        assert_eq!(
            bracketed("（以下简称京缓堵办函〔2017〕27号文）"),
            ["京缓堵办函〔2017〕27号"]
        );
        assert_eq!(
            bracketed("jiangxi_2020_赣府厅发〔2020〕4号_实施意见"),
            ["赣府厅发〔2020〕4号"]
        );
        assert!(bracketed("（2020年）第3号").is_empty());
        assert!(bracketed("〔2020〕3号").is_empty(), "no prefix");
    }

    #[test]
    fn orders_and_announcements() {
        let f = |s: &str| find_instrument(s).map(|n| n.text);
        assert_eq!(
            f("中华人民共和国国务院令第306号公布").as_deref(),
            Some("中华人民共和国国务院令第306号")
        );
        assert_eq!(
            f("中华人民共和国国务院、中华人民共和国中央军事委员会令第759号第二次修订").as_deref(),
            Some("中华人民共和国国务院、中华人民共和国中央军事委员会令第759号")
        );
        assert_eq!(
            f("杭州市第十二届人民代表大会常务委员会公告第72号公布").as_deref(),
            Some("杭州市第十二届人民代表大会常务委员会公告第72号")
        );
        assert_eq!(
            f("国家税务总局公告2018年第31号").as_deref(),
            Some("国家税务总局公告2018年第31号")
        );
        assert_eq!(
            f("第七届全国人民代表大会第一次会议主席团公告第八号公布施行").as_deref(),
            Some("第七届全国人民代表大会第一次会议主席团公告第八号")
        );
        assert_eq!(
            f("江西省人民政府令（第241号）").as_deref(),
            Some("江西省人民政府令第241号")
        );
        assert_eq!(f("青岛市人民代表大会常务委员会公告公布"), None);
    }

    #[test]
    fn numbers_alone_on_a_line() {
        assert_eq!(
            line_number("法释〔2024〕9号").as_deref(),
            Some("法释〔2024〕9号")
        );
        assert_eq!(
            line_number("（法释〔2024〕9号）").as_deref(),
            Some("法释〔2024〕9号")
        );
        assert_eq!(
            line_number("江西省人民政府令第223号").as_deref(),
            Some("江西省人民政府令第223号")
        );
        assert_eq!(
            line_number("你院《请示》（粤高法〔2020〕108号）收悉。"),
            None
        );
        assert_eq!(line_number("根据国发〔2024〕1号文件"), None);
    }
}
