//! The parts of a file that carry metadata, cut out of the decoded text: the title line(s),
//! the info block above `<!-- INFO END -->` (Markdown law texts), the first lines before the
//! body starts, and the last lines (a signature or compiler's note).
//!
//! Only the head and the tail of a text are looked at (at most [`HEAD_LINES`] lines and
//! [`TAIL_LINES`] non-empty lines), so the cost does not grow with the document. This module
//! decides where the body starts; what the lines mean is for `events`, `number`, `issuer`.

/// Lines scanned from the top for the info block marker and the first lines.
pub const HEAD_LINES: usize = 80;
/// Non-empty lines kept from the bottom.
pub const TAIL_LINES: usize = 6;
/// First lines kept after the title (and after an info block) before the body starts.
const FIRST_LINES: usize = 12;
/// A line longer than this (in characters) is body text, not a header line.
const MAX_HEADER_CHARS: usize = 100;

const INFO_END: &str = "<!-- INFO END -->";

/// One line of the file: 1-based line number and its text, trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based physical line number.
    pub no: u32,
    /// The text without surrounding white space.
    pub text: &'a str,
}

/// The metadata-bearing parts of a text.
#[derive(Debug, Default)]
pub struct Header<'a> {
    /// Level-1 Markdown headings (`# …`) at the top, in order, without the `#`.
    pub headings: Vec<Line<'a>>,
    /// Lines between the headings and `<!-- INFO END -->` (empty when there is no marker).
    pub info: Vec<Line<'a>>,
    /// Header lines that are not in an info block: after the marker, or after the title line
    /// of a text without one, up to the first body line.
    pub first: Vec<Line<'a>>,
    /// The last non-empty lines of the text, in order.
    pub tail: Vec<Line<'a>>,
    /// The first content line when it is the title (no `#` heading): not in `first`.
    pub title_line: Option<Line<'a>>,
    /// Whether the text has any content besides front matter (a section stub has none).
    pub has_content: bool,
}

pub(super) fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
}

/// Whether a trimmed line reads as body text: a sentence or an addressee line, a numbered
/// heading or article label, a Markdown section heading, or a long line.
pub fn is_body_line(t: &str) -> bool {
    if t.chars().count() > MAX_HEADER_CHARS {
        return true;
    }
    if t.starts_with("##") || t.starts_with("<!--") || t.starts_with('|') {
        return true;
    }
    if t.ends_with(['。', '：', ':', '；', '！', '？']) {
        return true;
    }
    starts_with_label(t)
}

fn has_date(t: &str) -> bool {
    !super::dates::find_dates(t).is_empty()
}

fn bracket_change(t: &str) -> i32 {
    t.chars()
        .map(|c| match c {
            '（' | '(' => 1,
            '）' | ')' => -1,
            _ => 0,
        })
        .sum()
}

/// The sentence of an order or announcement that promulgates the text (`…已于2007年6月29日
/// 通过，现予公布，自2008年1月1日起施行。`): a header line although it ends a sentence.
fn is_promulgation_sentence(t: &str) -> bool {
    has_date(t)
        && [
            "现予公布",
            "現予公布",
            "现予发布",
            "現予發布",
            "现予印发",
            "予以公布",
            "现予公告",
        ]
        .iter()
        .any(|w| t.contains(w))
}

/// The first lines that can state events: a line starting with a date (after an opening
/// bracket or dash: `——1954年5月23日在…`, `（2019年5月20日…通过`), a dated note in brackets, a
/// promulgation sentence, and the lines that continue a bracket opened by one of these. A
/// preamble or any other sentence that merely mentions a date is left out.
pub fn event_lines<'a>(first: &[Line<'a>]) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let mut open = 0i32;
    for l in first {
        let t = l.text;
        let lead = t.trim_start_matches(['（', '(', '—', '－', '-', '【', '[', ' ', '　']);
        let lead = lead.strip_prefix("根据").unwrap_or(lead);
        let starts_dated = super::dates::find_dates(lead)
            .first()
            .is_some_and(|d| d.start == 0);
        let note = t.starts_with(['（', '(']) && has_date(t);
        if open > 0 || starts_dated || note || is_promulgation_sentence(t) {
            out.push(*l);
            open = (open + bracket_change(t)).max(0);
        } else if t == "（" || t == "(" {
            open += 1;
        }
    }
    out
}

/// A `KEY：VALUE` metadata line (key of 1-8 characters, no white space or punctuation in it):
/// read from the document's metadata, not as a header line.
fn is_key_value(t: &str) -> bool {
    t.split_once(['：', ':']).is_some_and(|(k, v)| {
        let k: String = k.chars().filter(|c| !c.is_whitespace()).collect();
        let n = k.chars().count();
        (1..=8).contains(&n) && !v.trim().is_empty() && k.chars().all(|c| c.is_alphanumeric())
    })
}

/// `第…条/章/节/编/條`, `一、`, `（一）`, `(一)`, `1.`/`1、` at the start of a line.
fn starts_with_label(t: &str) -> bool {
    let mut chars = t.chars();
    let first = chars.next();
    match first {
        Some('第') => {
            let rest: String = t
                .chars()
                .skip(1)
                .filter(|c| !c.is_whitespace())
                .take_while(|c| !matches!(c, '条' | '條' | '章' | '节' | '節' | '编' | '編'))
                .collect();
            let n = rest.chars().count();
            n > 0
                && n <= 6
                && rest
                    .chars()
                    .all(|c| c.is_ascii_digit() || "一二三四五六七八九十百千零〇-之".contains(c))
                && t.chars().filter(|c| !c.is_whitespace()).count() > n + 1
        }
        Some('（' | '(') => {
            let inner: String = chars.take_while(|&c| c != '）' && c != ')').collect();
            !inner.is_empty()
                && inner.chars().count() <= 3
                && inner
                    .chars()
                    .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        }
        Some(c) if "一二三四五六七八九十".contains(c) || c.is_ascii_digit() => {
            let lead: String = t
                .chars()
                .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
                .collect();
            let after = t[lead.len()..].chars().next();
            matches!(after, Some('、' | '．')) || (after == Some('.') && lead.is_ascii())
        }
        _ => false,
    }
}

/// Cuts the header and tail out of `text`. `title` is the document's title: when the first
/// content line is the title (no `#` heading), that line is not a header line.
pub fn split<'a>(text: &'a str, title: &str) -> Header<'a> {
    let mut h = Header::default();
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: i as u32 + 1,
            text: trim(l),
        })
        .take(HEAD_LINES)
        .peekable();

    // Front matter is metadata the parser already read: skip it.
    if lines.peek().is_some_and(|l| l.text == "---") {
        lines.next();
        for l in lines.by_ref() {
            if l.text == "---" || l.text == "..." {
                break;
            }
        }
    }
    let head: Vec<Line> = lines.filter(|l| !l.text.is_empty()).collect();
    h.has_content = !head.is_empty();
    let mut i = 0;
    while i < head.len() {
        match head[i].text.strip_prefix("# ") {
            Some(t) => h.headings.push(Line {
                no: head[i].no,
                text: trim(t),
            }),
            None => break,
        }
        i += 1;
    }
    if let Some(end) = head[i..].iter().position(|l| l.text == INFO_END) {
        h.info = head[i..i + end].to_vec();
        i += end + 1;
    } else if h.headings.is_empty() && i < head.len() && head[i].text == title.trim() {
        h.title_line = Some(head[i]);
        i += 1;
    }
    let mut open = 0i32;
    for l in head[i..]
        .iter()
        .filter(|l| !is_key_value(l.text))
        .take(FIRST_LINES)
    {
        let dated_note = open > 0 || (l.text.starts_with(['（', '(']) && has_date(l.text));
        if !dated_note
            && !is_promulgation_sentence(l.text)
            && (l.text.starts_with('#') || is_body_line(l.text))
        {
            break;
        }
        open = (open + bracket_change(l.text)).max(0);
        h.first.push(*l);
    }
    h.tail = tail_lines(text);
    h
}

fn tail_lines(text: &str) -> Vec<Line<'_>> {
    let total = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u32 + 1;
    let mut out: Vec<Line> = text
        .rsplit('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: total - i as u32,
            text: trim(l),
        })
        .filter(|l| !l.text.is_empty())
        .take(TAIL_LINES)
        .collect();
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_block_and_lines_after_it() {
        let text = "# 最高人民法院关于…的解释\n\n2024年3月18日 最高人民法院审判委员会第1918次会议通过\n\n2024年8月22日 施行\n\n<!-- INFO END -->\n\n最高人民法院\n\n法释〔2024〕9号\n\n为正确审理…，制定本解释。\n\n第一条 …\n";
        let h = split(text, "最高人民法院关于…的解释");
        assert_eq!(h.headings.len(), 1);
        let info: Vec<u32> = h.info.iter().map(|l| l.no).collect();
        assert_eq!(info, [3, 5]);
        let first: Vec<&str> = h.first.iter().map(|l| l.text).collect();
        assert_eq!(first, ["最高人民法院", "法释〔2024〕9号"]);
        assert_eq!(h.tail.last().map(|l| l.text), Some("第一条 …"));
    }

    #[test]
    fn first_lines_of_a_report_stop_at_the_salutation() {
        let text = "\n1954年政府工作报告\n\n——1954年5月23日在第一届全国人民代表大会第一次会议上\n\n        国务院总理周恩来\n\n　　各位代表：\n\n正文。\n";
        let h = split(text, "1954年政府工作报告");
        assert_eq!(h.title_line.map(|l| l.no), Some(2));
        let first: Vec<&str> = h.first.iter().map(|l| l.text).collect();
        assert_eq!(
            first,
            [
                "——1954年5月23日在第一届全国人民代表大会第一次会议上",
                "国务院总理周恩来"
            ]
        );
    }

    #[test]
    fn dated_notes_and_orders_are_header_lines() {
        let note = format!("（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过　根据2012年12月28日第十一届全国人民代表大会常务委员会第三十次会议《关于修改〈中华人民共和国劳动合同法〉的决定》修正{}）", "");
        let text = format!("中华人民共和国劳动合同法\n{note}\n目　　录\n第一章　总　　则\n");
        let h = split(&text, "中华人民共和国劳动合同法");
        assert_eq!(
            h.first.first().map(|l| l.no),
            Some(2),
            "a long dated note is a header line"
        );
        let text = "中华人民共和国主席令\n第六十五号\n《中华人民共和国劳动合同法》已由中华人民共和国第十届全国人民代表大会常务委员会第二十八次会议于2007年6月29日通过，现予公布，自2008年1月1日起施行。\n中华人民共和国主席　胡锦涛\n2007年6月29日\n第一章 总则\n";
        let h = split(text, "中华人民共和国主席令");
        let first: Vec<u32> = h.first.iter().map(|l| l.no).collect();
        assert_eq!(first, [2, 3, 4, 5]);
    }

    #[test]
    fn only_event_shaped_first_lines_state_events() {
        let lines = [
            Line {
                no: 4,
                text: "本大會此次通過之憲法，應由國民政府於中華民國三十六年一月一日公布",
            },
            Line { no: 5, text: "（" },
            Line {
                no: 6,
                text: "2010年7月30日某省第十一届人民代表大会常务委员会第十八次会议通过",
            },
            Line {
                no: 7,
                text: "根据2020年11月27日某省…《关于修改…的决定》修正）",
            },
            Line {
                no: 8,
                text: "——2016年3月5日在第十二届全国人民代表大会第四次会议上",
            },
            Line {
                no: 9,
                text: "国务院总理 李某某",
            },
        ];
        let kept: Vec<u32> = event_lines(&lines).iter().map(|l| l.no).collect();
        assert_eq!(kept, [6, 7, 8]);
    }

    #[test]
    fn body_lines() {
        assert!(is_body_line("第一条 为了规范…"));
        assert!(is_body_line("第 1 條"));
        assert!(is_body_line("一、总则"));
        assert!(is_body_line("（一）部分关键软硬件"));
        assert!(is_body_line("各省、自治区、直辖市人民政府："));
        assert!(!is_body_line("法释〔2024〕9号"));
        assert!(!is_body_line(
            "第十三届全国人民代表大会常务委员会第三十次会议通过"
        ));
        assert!(!is_body_line("国务院总理 温家宝"));
    }
}
