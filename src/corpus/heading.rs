//! Recognizing the numbered labels that open sections at the start of a line: `第X编/編`,
//! `第X章`, `第X节/節`, `第X款`, `第X目`, `第X条/條`, `一、`, `（一）`/`(一)`,
//! `1.`/`1．`/`1、`, `（1）`/`(1)` and `①`, with Chinese numerals (一二三…十百千零〇两) or
//! Arabic digits (ASCII or full width), spaces allowed inside `第 X 章` labels, and the
//! suffixes `之一` (`第十一条之一`, `第 二 章之一`) and `-1` (`第 6-1 條`).
//!
//! Also the sentence-punctuation tests the parser uses to tell headings from body text, and
//! the display width used by the hard-wrap rule.
//!
//! This module only classifies one line's text; section stacks live in `parse`.

/// The kind of a numbered label, outermost first: the derived order is the nesting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LabelKind {
    /// `第X编` / `第X編` (part).
    Part,
    /// `第X章` (chapter).
    Chapter,
    /// `第X节` / `第X節` (section).
    Section,
    /// `第X款` as a heading (Taiwan: a subdivision of a section).
    Subsection,
    /// `第X目` as a heading (Taiwan: a subdivision of a 款).
    Division,
    /// `第X条` / `第X條` (article).
    Article,
    /// `一、`.
    CnItem,
    /// `（一）` or `(一)`.
    CnParen,
    /// `1.`, `1．` or `1、`.
    Digit,
    /// `（1）` or `(1)`.
    DigitParen,
    /// `①` … `⑳`.
    Circled,
}

impl LabelKind {
    /// Nesting rank: smaller is outer. Spaced by 10 so that Markdown headings without a
    /// label can sit between (see `parse`).
    pub fn rank(self) -> u32 {
        10 * (self as u32 + 1)
    }

    /// Kinds that divide a law (编 … 目): a line with one is a heading when the rest is short.
    pub fn is_division(self) -> bool {
        self < LabelKind::Article
    }

    /// List-item kinds (`一、` and deeper).
    pub fn is_item(self) -> bool {
        self > LabelKind::Article
    }
}

/// A label found at the start of a (trimmed) line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Which kind.
    pub kind: LabelKind,
    /// Byte length of the label in the line (the rest of the line starts here).
    pub len: usize,
}

fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '零'
            | '〇'
            | '两'
            | '兩'
    )
}

fn is_ar_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// ASCII space, tab or U+3000.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}')
}

/// Byte length of the longest prefix of `s` whose chars satisfy `f`.
fn prefix_len(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !f(c))
        .map_or(s.len(), |(i, _)| i)
}

/// Recognizes a label at the start of `line` (already trimmed at its start).
pub fn match_label(line: &str) -> Option<Label> {
    let first = line.chars().next()?;
    match first {
        '第' => match_di(line),
        '（' | '(' => {
            let open = first.len_utf8();
            let body = &line[open..];
            let cn = prefix_len(body, is_cn_digit);
            let (n, kind) = if cn > 0 {
                (cn, LabelKind::CnParen)
            } else {
                (prefix_len(body, is_ar_digit), LabelKind::DigitParen)
            };
            let close = body[n..].chars().next()?;
            (n > 0 && (close == '）' || close == ')')).then_some(Label {
                kind,
                len: open + n + close.len_utf8(),
            })
        }
        '①'..='⑳' => Some(Label {
            kind: LabelKind::Circled,
            len: first.len_utf8(),
        }),
        c if is_cn_digit(c) => {
            let n = prefix_len(line, is_cn_digit);
            line[n..].starts_with('、').then_some(Label {
                kind: LabelKind::CnItem,
                len: n + '、'.len_utf8(),
            })
        }
        c if is_ar_digit(c) => {
            let n = prefix_len(line, is_ar_digit);
            let mut rest = line[n..].chars();
            let sep = rest.next()?;
            // `1.5亿` and `5.3.5` are numbers, not list items.
            let next_is_digit = rest.next().is_some_and(is_ar_digit);
            (matches!(sep, '.' | '．' | '、') && !next_is_digit).then_some(Label {
                kind: LabelKind::Digit,
                len: n + sep.len_utf8(),
            })
        }
        _ => None,
    }
}

/// `第` + numeral (spaces allowed) + optional `-N` + kind char + optional `之N`, followed by
/// the end of the line, white space, or (for 编章节) anything.
fn match_di(line: &str) -> Option<Label> {
    let mut i = '第'.len_utf8();
    i += prefix_len(&line[i..], is_space);
    let digits = prefix_len(&line[i..], |c| {
        is_cn_digit(c) || is_ar_digit(c) || is_space(c)
    });
    if line[i..i + digits].trim_matches(is_space).is_empty() {
        return None;
    }
    i += digits;
    if let Some(r) = line[i..].strip_prefix(['-', '－']) {
        let n = prefix_len(r, is_ar_digit);
        if n == 0 {
            return None;
        }
        i = line.len() - r.len() + n;
        i += prefix_len(&line[i..], is_space);
    }
    // White space between the number and the unit but not after 第 (`第十五 条`) is a
    // label typed loosely, never a citation in a sentence (Taiwan's citations, `第 3 條規定`,
    // space both sides).
    let number = &line['第'.len_utf8()..i];
    let spaced = !number.starts_with(is_space) && number.ends_with(is_space);
    let c = line[i..].chars().next()?;
    let kind = match c {
        '编' | '編' => LabelKind::Part,
        '章' => LabelKind::Chapter,
        '节' | '節' => LabelKind::Section,
        '款' => LabelKind::Subsection,
        '目' => LabelKind::Division,
        '条' | '條' => LabelKind::Article,
        _ => return None,
    };
    i += c.len_utf8();
    if let Some(r) = line[i..].strip_prefix('之') {
        let n = prefix_len(r, |c| is_cn_digit(c) || is_ar_digit(c));
        if n > 0 {
            i = line.len() - r.len() + n;
        }
    }
    let after = line[i..].chars().next();
    let separated = after.is_none_or(char::is_whitespace);
    let rest = &line[i..];
    let ok = if kind.is_division() {
        // A division heading never holds a sentence: `第八章之規定，…。` cites a chapter.
        // Without a separator (`第一章总则`) only 编章节 are headings, and only short ones.
        let sentence = rest
            .chars()
            .any(|c| matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';'));
        let clause = rest.chars().any(|c| matches!(c, '，' | '：' | ',' | ':'));
        !sentence
            && (separated || (kind <= LabelKind::Section && !clause && rest.chars().count() <= 30))
    } else {
        // `第三条规定的…` starting a line is a sentence, not an article; `第十五 条工商…`,
        // spaced inside, is an article whose text follows without a space.
        separated || spaced
    };
    ok.then_some(Label { kind, len: i })
}

/// Punctuation that ends a sentence or a clause that introduces something: 。！？；：!?;:
pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '：' | '!' | '?' | ';' | ':')
}

/// Closing quotes and brackets that may follow sentence-ending punctuation.
pub fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '〉' | '"' | '\'' | ']'
    )
}

/// Whether `text` ends a sentence: its last char, after closing quotes and brackets, is
/// sentence-ending punctuation.
pub fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(|c: char| c.is_whitespace() || is_closer(c))
        .chars()
        .next_back()
        .is_some_and(is_sentence_end)
}

/// Punctuation that cannot start a line of running text: a line starting with it continues
/// the previous line (`，頒行全國，永矢咸遵。`).
pub fn is_continuation_start(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '）'
            | '」'
            | '』'
            | '”'
            | '’'
            | '》'
            | '】'
    )
}

/// Display width: 2 for East Asian wide and full-width characters, else 1.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    let c = c as u32;
    c >= 0x1100
        && (c <= 0x115F
            || (0x2E80..=0xA4CF).contains(&c)
            || (0xAC00..=0xD7A3).contains(&c)
            || (0xF900..=0xFAFF).contains(&c)
            || (0xFE30..=0xFE4F).contains(&c)
            || (0xFF00..=0xFF60).contains(&c)
            || (0xFFE0..=0xFFE6).contains(&c)
            || (0x20000..=0x3FFFD).contains(&c))
}

#[cfg(test)]
mod tests {
    use super::LabelKind::*;
    use super::*;

    fn kind(s: &str) -> Option<(LabelKind, &str)> {
        match_label(s).map(|l| (l.kind, &s[..l.len]))
    }

    #[test]
    fn di_labels_in_both_scripts_and_numeral_forms() {
        assert_eq!(kind("第一编 总则"), Some((Part, "第一编")));
        assert_eq!(kind("第二編 債"), Some((Part, "第二編")));
        assert_eq!(kind("第十一章 附则"), Some((Chapter, "第十一章")));
        assert_eq!(kind("第 一 章 總綱"), Some((Chapter, "第 一 章")));
        assert_eq!(
            kind("第 十四 章 憲法之施行及修改"),
            Some((Chapter, "第 十四 章"))
        );
        assert_eq!(kind("第三节 管辖"), Some((Section, "第三节")));
        assert_eq!(kind("第 二 節 選舉"), Some((Section, "第 二 節")));
        assert_eq!(kind("第 一 款 通則"), Some((Subsection, "第 一 款")));
        assert_eq!(kind("第 三 目 附則"), Some((Division, "第 三 目")));
        assert_eq!(kind("第一条 为了"), Some((Article, "第一条")));
        assert_eq!(kind("第一百零二条　文"), Some((Article, "第一百零二条")));
        assert_eq!(kind("第 1 條"), Some((Article, "第 1 條")));
        assert_eq!(kind("第 6-1 條"), Some((Article, "第 6-1 條")));
        assert_eq!(kind("第１２条 全角"), Some((Article, "第１２条")));
        assert_eq!(kind("第十一条之一 内容"), Some((Article, "第十一条之一")));
        assert_eq!(kind("第 二 章之一 聽證"), Some((Chapter, "第 二 章之一")));
        assert_eq!(kind("第 二 章之一　聽證"), Some((Chapter, "第 二 章之一")));
        assert_eq!(kind("第二章总则"), Some((Chapter, "第二章")));
        // A space before the unit only: the text follows the label without one.
        assert_eq!(kind("第十五 条工商行政"), Some((Article, "第十五 条")));
        assert_eq!(
            kind("第一百二十八 条人民法院"),
            Some((Article, "第一百二十八 条"))
        );
    }

    #[test]
    fn di_sentences_are_not_labels() {
        assert_eq!(kind("第三条规定的期限"), None);
        assert_eq!(kind("第 3 條規定之期限"), None);
        assert_eq!(kind("第八章之規定，除法律別有規定外，準用之。"), None);
        assert_eq!(kind("第二章 规定的程序，适用本法。"), None);
        assert_eq!(kind("第二款规定"), None);
        assert_eq!(kind("第 N-N 頁)"), None);
        assert_eq!(kind("第一次会议"), None);
        assert_eq!(kind("第 條"), None);
        assert_eq!(kind("第"), None);
    }

    #[test]
    fn item_labels() {
        assert_eq!(kind("一、 过去五年"), Some((CnItem, "一、")));
        assert_eq!(kind("十二、附则"), Some((CnItem, "十二、")));
        assert_eq!(kind("（一）加强"), Some((CnParen, "（一）")));
        assert_eq!(kind("(二)美西方"), Some((CnParen, "(二)")));
        assert_eq!(kind("1.总则"), Some((Digit, "1.")));
        assert_eq!(kind("12．全角点"), Some((Digit, "12．")));
        assert_eq!(kind("３、全角"), Some((Digit, "３、")));
        assert_eq!(kind("（1）项"), Some((DigitParen, "（1）")));
        assert_eq!(kind("(10)项"), Some((DigitParen, "(10)")));
        assert_eq!(kind("①第一"), Some((Circled, "①")));
        assert_eq!(kind("⑳"), Some((Circled, "⑳")));
    }

    #[test]
    fn non_labels() {
        for s in [
            "一是扩大内需",
            "1.5亿元",
            "5.3.5 轻微伤",
            "2008年",
            "（中國經濟體制改革研究會）",
            "(a)",
            "（一",
            "",
            "一",
        ] {
            assert_eq!(kind(s), None, "{s}");
        }
    }

    #[test]
    fn ranks_nest_outermost_first() {
        let order = [
            Part, Chapter, Section, Subsection, Division, Article, CnItem, CnParen, Digit,
            DigitParen, Circled,
        ];
        assert!(order.windows(2).all(|w| w[0].rank() < w[1].rank()));
        assert!(Chapter.is_division() && !Article.is_division() && CnItem.is_item());
    }

    #[test]
    fn punctuation_and_width() {
        assert!(ends_sentence("制定本法。"));
        assert!(ends_sentence("修改为：“罚金。”"));
        assert!(ends_sentence("Done!"));
        assert!(!ends_sentence("创立中华民国之遗"));
        assert!(!ends_sentence(
            "（一）加强和改善宏观调控，促进经济平稳快速发展"
        ));
        assert_eq!(display_width("中華a１"), 7);
        assert!(is_continuation_start('，'));
    }
}
