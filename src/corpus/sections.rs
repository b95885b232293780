//! The section stack: which headings enclose each paragraph, and whether a numbered line is
//! a heading or body text.
//!
//! Rules (kinds from [`LabelKind`], outermost first: 编 > 章 > 节 > 款 > 目 > 条 > `一、` >
//! `（一）` > `1.` > `（1）` > `①`):
//!
//! * A new section closes every open section of the same or a deeper rank.
//! * **Division labels** (编 章 节 款 目): always a heading named by the whole line
//!   (`第 一 章 總綱`, `第一章总则`). A line like `第八章之規定，…準用之。` is a sentence
//!   that cites a chapter: `heading::match_label` does not take it for a label.
//! * **Articles** (`第X条`): alone on the line (`第 1 條`) a heading named by the line;
//!   followed by text (`第一条 为了…`) a body paragraph that opens the section named by the
//!   label (`第一条`), and its own section path ends with that label. Right after a label
//!   heading, a text line that repeats the label (`第 13 條` / `第十三條  總隊長權責如下：`)
//!   stays in that article instead of opening another.
//! * **Items** (`一、` and deeper):
//!   - alone, or with a short title (no 。！？；：, not ending in ，、, ≤ 60 chars), or a
//!     short single sentence ending in 。！？ (≤ 40 chars: `（四）积极推动区域协调发展。`)
//!     outside an article: a heading, named by the whole line;
//!   - a single clause after a sibling of the same kind that was body text (not a
//!     heading) is body text like it (`（四）以其他方法操纵…的。` after `（三）…；`);
//!   - inside an article (`第X条` open), or a single clause ending in ；，、: an
//!     *enumeration item*: a body paragraph whose section path ends with its label, and the
//!     label is closed again by the next unlabeled paragraph (`前款规定…` after `（三）…。`
//!     belongs to the article, not to item 三);
//!   - otherwise body text that opens a section that stays open: named by the label plus its
//!     first sentence when that is short (`(一)部分關鍵軟硬件自主可控能力仍有提升空間`, the
//!     style of reports with run-in titles), else by the label (`一、` in amendments, whose
//!     quoted paragraphs follow).
//! * **Markdown headings** are always headings. When their text starts with a label they
//!   rank as that label (`## 第一章 总则` is a chapter); otherwise they nest by `#` count under
//!   the nearest Markdown heading of a smaller level and close every other open section.
//!
//! This module does not split lines or join hard wraps (see `parse` and `wrap`).

use super::heading::{is_closer, is_sentence_end, match_label, LabelKind};
use super::ParagraphKind;

#[derive(Debug, Clone)]
struct Open {
    name: String,
    rank: u32,
    md_level: Option<u8>,
    /// An enumeration item: closed by the next unlabeled paragraph.
    item: bool,
    /// Opened by a heading paragraph (else by a body paragraph that starts with a label).
    heading: bool,
}

/// Open sections, outermost first.
#[derive(Debug, Default)]
pub struct SectionStack {
    open: Vec<Open>,
    /// The previous paragraph was an article label heading (`第 13 條`).
    after_article_heading: bool,
}

/// How one paragraph was placed: its kind and its section path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Heading or body.
    pub kind: ParagraphKind,
    /// Enclosing section names, outermost first.
    pub section: Vec<String>,
}

const TITLE_MAX_CHARS: usize = 60;
const SHORT_SENTENCE_MAX_CHARS: usize = 40;

fn is_trimmed(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

fn trim(s: &str) -> &str {
    s.trim_matches(is_trimmed)
}

impl SectionStack {
    /// Closes every open section (used at the title paragraph).
    pub fn clear(&mut self) {
        self.open.clear();
    }

    fn names(&self) -> Vec<String> {
        self.open.iter().map(|o| o.name.clone()).collect()
    }

    /// Closes the open sections of `rank` and deeper; returns the closed one of exactly
    /// `rank` (the previous sibling), if any.
    fn close_from_rank(&mut self, rank: u32) -> Option<Open> {
        let mut sibling = None;
        while self.open.last().is_some_and(|o| o.rank >= rank) {
            let o = self.open.pop();
            if o.as_ref().is_some_and(|o| o.rank == rank) {
                sibling = o;
            }
        }
        sibling
    }

    /// Closes the Markdown headings of `level` or deeper, with what they hold; but not, when
    /// the new heading has a label of rank `label_rank`, the labeled ones of a shallower rank:
    /// labels outrank Markdown levels (`### 第三章` then `## 第一节` nests the 节 in the 章).
    fn close_md_from_level(&mut self, level: u8, label_rank: Option<u32>) {
        let shallower_label = |o: &Open| {
            label_rank.is_some_and(|r| o.rank < r)
                && match_label(&o.name).is_some_and(|l| l.kind.rank() == o.rank)
        };
        while let Some(pos) = self
            .open
            .iter()
            .position(|o| o.md_level.is_some_and(|l| l >= level) && !shallower_label(o))
        {
            self.open.truncate(pos);
        }
    }

    fn push(&mut self, name: &str, rank: u32, md_level: Option<u8>, item: bool) {
        self.open.push(Open {
            name: trim(name).to_string(),
            rank,
            md_level,
            item,
            heading: false,
        });
    }

    fn push_heading(&mut self, name: &str, rank: u32, md_level: Option<u8>) {
        self.push(name, rank, md_level, false);
        if let Some(o) = self.open.last_mut() {
            o.heading = true;
        }
    }

    /// Places a Markdown heading of `level` (1-6) whose text is `text` (trimmed).
    pub fn markdown_heading(&mut self, level: u8, text: &str) -> Placed {
        let label = match_label(text);
        self.close_md_from_level(level, label.map(|l| l.kind.rank()));
        if let Some(label) = label {
            self.after_article_heading = label.kind == LabelKind::Article;
            let rank = label.kind.rank();
            self.close_from_rank(rank);
            let section = self.names();
            self.push_heading(text, rank, Some(level));
            return Placed {
                kind: ParagraphKind::Heading,
                section,
            };
        }
        // Nest under the nearest Markdown heading of a smaller level; close the rest.
        self.after_article_heading = false;
        while self.open.last().is_some_and(|o| o.md_level.is_none()) {
            self.open.pop();
        }
        let rank = self.open.last().map_or(1, |o| o.rank + 1);
        let section = self.names();
        self.push_heading(text, rank, Some(level));
        Placed {
            kind: ParagraphKind::Heading,
            section,
        }
    }

    /// Places a text paragraph (trimmed, hard wraps already joined).
    pub fn text(&mut self, text: &str) -> Placed {
        let after_article_heading = std::mem::take(&mut self.after_article_heading);
        let label = match_label(text);
        if after_article_heading && label.is_some_and(|l| l.kind == LabelKind::Article) {
            // `第 13 條` then `第十三條  總隊長權責如下：`: the text repeats the label of
            // the heading just before it; it belongs to that article.
            return Placed {
                kind: ParagraphKind::Body,
                section: self.names(),
            };
        }
        let Some(label) = label else {
            while self.open.last().is_some_and(|o| o.item) {
                self.open.pop();
            }
            return Placed {
                kind: ParagraphKind::Body,
                section: self.names(),
            };
        };
        let kind = label.kind;
        let rank = kind.rank();
        let sibling = self.close_from_rank(rank);
        // A body item after a body sibling (`（三）…；` then `（四）…的。`) stays body text.
        let sibling_body = sibling.as_ref().filter(|o| !o.heading);
        let label_text = trim(&text[..label.len]);
        let after = &text[label.len..];
        let rest_start = label.len + (after.len() - after.trim_start_matches(is_trimmed).len());
        let rest = trim(&text[rest_start..]);
        let in_article = self
            .open
            .iter()
            .any(|o| o.rank == LabelKind::Article.rank());
        let shape = Shape::of(rest);

        let (heading_name, body_name, item): (Option<&str>, &str, bool) = if kind.is_division() {
            // `match_label` only accepts division labels without a sentence after them.
            (Some(text), label_text, false)
        } else if !kind.is_item() || rest.is_empty() {
            // an article, or a label alone on its line
            let heading = rest.is_empty().then_some(text);
            (heading, label_text, false)
        } else if in_article {
            (None, label_text, true)
        } else if let Some(sib) = sibling_body.filter(|_| shape.single_clause) {
            (None, label_text, sib.item)
        } else if shape.is_title() {
            (Some(text), label_text, false)
        } else if shape.single_clause {
            match shape.last {
                Some('；' | ';' | '，' | ',' | '、') => (None, label_text, true),
                Some('。' | '！' | '？' | '!' | '?') if shape.chars <= SHORT_SENTENCE_MAX_CHARS => {
                    (Some(text), label_text, false)
                }
                _ => (None, label_text, false),
            }
        } else {
            let name = match first_sentence_end(rest) {
                Some(end) if rest[..end].chars().count() <= SHORT_SENTENCE_MAX_CHARS => {
                    &text[..rest_start + end]
                }
                _ => label_text,
            };
            (None, name, false)
        };

        match heading_name {
            Some(name) => {
                let section = self.names();
                self.push_heading(name, rank, None);
                self.after_article_heading = kind == LabelKind::Article;
                Placed {
                    kind: ParagraphKind::Heading,
                    section,
                }
            }
            None => {
                self.push(body_name, rank, None, item);
                Placed {
                    kind: ParagraphKind::Body,
                    section: self.names(),
                }
            }
        }
    }
}

/// Punctuation facts about the text after a label.
struct Shape {
    chars: usize,
    last: Option<char>,
    no_sentence_punct: bool,
    /// No sentence punctuation before the last char (closing quotes aside).
    single_clause: bool,
}

impl Shape {
    fn of(rest: &str) -> Shape {
        let core = rest.trim_end_matches(is_closer);
        let last = core.chars().next_back();
        let before_last = core.strip_suffix(|_: char| true).unwrap_or("");
        Shape {
            chars: rest.chars().count(),
            last,
            no_sentence_punct: !rest.chars().any(is_sentence_end),
            single_clause: !before_last.chars().any(is_sentence_end),
        }
    }

    fn is_title(&self) -> bool {
        self.no_sentence_punct
            && !matches!(self.last, Some('，' | ',' | '、'))
            && self.chars <= TITLE_MAX_CHARS
    }
}

/// Byte offset of the end of the first sentence (before its 。！？), if it is followed by
/// more text, and contains no ；：.
fn first_sentence_end(rest: &str) -> Option<usize> {
    for (i, c) in rest.char_indices() {
        match c {
            '。' | '！' | '？' | '!' | '?' => {
                let more = !trim(&rest[i + c.len_utf8()..]).is_empty();
                return (more && i > 0).then_some(i);
            }
            '；' | '：' | ';' | ':' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParagraphKind::{Body, Heading};

    fn place(stack: &mut SectionStack, line: &str) -> (ParagraphKind, Vec<String>) {
        let p = stack.text(line);
        (p.kind, p.section)
    }

    fn v(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn taiwan_chapters_and_article_labels() {
        let mut s = SectionStack::default();
        assert_eq!(place(&mut s, "第 一 章 總綱"), (Heading, v(&[])));
        assert_eq!(place(&mut s, "第 1 條"), (Heading, v(&["第 一 章 總綱"])));
        assert_eq!(
            place(&mut s, "中華民國基於三民主義，為民有民治民享之民主共和國。"),
            (Body, v(&["第 一 章 總綱", "第 1 條"]))
        );
        assert_eq!(place(&mut s, "第 6-1 條"), (Heading, v(&["第 一 章 總綱"])));
        assert_eq!(place(&mut s, "第 二 章 人民之權利義務"), (Heading, v(&[])));
        assert_eq!(place(&mut s, "第 7 條").1, v(&["第 二 章 人民之權利義務"]));
    }

    #[test]
    fn mainland_articles_are_body_and_section() {
        let mut s = SectionStack::default();
        s.markdown_heading(2, "第一章 总则");
        assert_eq!(
            place(&mut s, "第一条 为了惩罚犯罪，制定本法。"),
            (Body, v(&["第一章 总则", "第一条"]))
        );
        assert_eq!(
            place(&mut s, "凡在…也适用本法。"),
            (Body, v(&["第一章 总则", "第一条"]))
        );
        assert_eq!(
            place(&mut s, "第二条 任务。").1,
            v(&["第一章 总则", "第二条"])
        );
    }

    #[test]
    fn labels_outrank_markdown_levels() {
        // `### 第三章` then `## 第一节` (a source's levels out of step with its labels): the
        // 节 nests in the 章; the next 章 closes both, whatever its level.
        let mut s = SectionStack::default();
        s.markdown_heading(3, "第三章 政务服务办理");
        assert_eq!(
            s.markdown_heading(2, "第一节 一般规定").section,
            v(&["第三章 政务服务办理"])
        );
        assert_eq!(
            place(&mut s, "第十条 办理。").1,
            v(&["第三章 政务服务办理", "第一节 一般规定", "第十条"])
        );
        assert_eq!(
            s.markdown_heading(2, "第二节 其他").section,
            v(&["第三章 政务服务办理"])
        );
        assert_eq!(s.markdown_heading(3, "第四章 附则").section, v(&[]));
        // An unlabeled heading of the same level still closes a labeled one.
        s.markdown_heading(2, "说明");
        assert_eq!(s.markdown_heading(2, "第五章 其他").section, v(&[]));
    }

    #[test]
    fn items_inside_articles_nest_and_close() {
        let mut s = SectionStack::default();
        place(&mut s, "第 2 條");
        assert_eq!(
            place(&mut s, "一、第一類建築物，超過二萬四千平方公尺。"),
            (Body, v(&["第 2 條", "一、"]))
        );
        assert_eq!(
            place(&mut s, "（一）公民；"),
            (Body, v(&["第 2 條", "一、", "（一）"]))
        );
        assert_eq!(
            place(&mut s, "二、第二類建築物。"),
            (Body, v(&["第 2 條", "二、"]))
        );
        assert_eq!(
            place(&mut s, "前項各類基地設置停車位數。"),
            (Body, v(&["第 2 條"]))
        );
        assert_eq!(place(&mut s, "第 3 條").1, v(&[]));
    }

    #[test]
    fn report_headings_and_run_in_titles() {
        let mut s = SectionStack::default();
        assert_eq!(place(&mut s, "一、 过去五年工作回顾"), (Heading, v(&[])));
        assert_eq!(
            place(&mut s, "（一）加强和改善宏观调控，促进经济平稳快速发展"),
            (Heading, v(&["一、 过去五年工作回顾"]))
        );
        let path = v(&[
            "一、 过去五年工作回顾",
            "（一）加强和改善宏观调控，促进经济平稳快速发展",
        ]);
        assert_eq!(
            place(&mut s, "我们坚持把调控作为首要任务。"),
            (Body, path.clone())
        );
        assert_eq!(place(&mut s, "1.稳定物价"), (Heading, path.clone()));
        assert_eq!(
            place(&mut s, "（四）积极推动区域协调发展。"),
            (Heading, v(&["一、 过去五年工作回顾"]))
        );
        assert_eq!(
            place(
                &mut s,
                "(二)美西方對我人才打壓力度或加大。一方面，範圍更廣。"
            )
            .1,
            v(&["一、 过去五年工作回顾", "(二)美西方對我人才打壓力度或加大"])
        );
        assert_eq!(place(&mut s, "二、挑战").1, v(&[]));
    }

    #[test]
    fn enumeration_outside_articles_by_punctuation() {
        let mut s = SectionStack::default();
        place(&mut s, "一、总体要求");
        assert_eq!(
            place(&mut s, "（一）坚持稳中求进；").1,
            v(&["一、总体要求", "（一）"])
        );
        assert_eq!(place(&mut s, "其他内容。").1, v(&["一、总体要求"]));
    }

    #[test]
    fn last_enumeration_item_follows_its_siblings() {
        let mut s = SectionStack::default();
        place(
            &mut s,
            "六、将刑法第一百八十二条修改为：“有下列情形之一，操纵证券的：",
        );
        assert_eq!(
            place(&mut s, "（三）以自己为交易对象的；"),
            (Body, v(&["六、", "（三）"]))
        );
        assert_eq!(
            place(&mut s, "（四）以其他方法操纵的。"),
            (Body, v(&["六、", "（四）"]))
        );
        assert_eq!(place(&mut s, "“单位犯前款罪的，处罚金。”").1, v(&["六、"]));
        assert_eq!(
            place(&mut s, "七、本修正案自公布之日起施行。"),
            (Body, v(&["七、"]))
        );
    }

    #[test]
    fn amendment_items_stay_open() {
        let mut s = SectionStack::default();
        let long = "一、第一百六十二条后增加一条，作为第一百六十二条之一：“隐匿会计凭证，情节严重的，处五年以下有期徒刑。";
        assert_eq!(place(&mut s, long), (Body, v(&["一、"])));
        assert_eq!(
            place(&mut s, "“单位犯前款罪的，依照前款的规定处罚。”").1,
            v(&["一、"])
        );
        assert_eq!(
            place(&mut s, "二、将刑法第一百六十八条修改为：“国有公司。").1,
            v(&["二、"])
        );
    }

    #[test]
    fn markdown_levels() {
        let mut s = SectionStack::default();
        assert_eq!(s.markdown_heading(2, "第一编 总则").section, v(&[]));
        assert_eq!(
            s.markdown_heading(3, "第一章 任务").section,
            v(&["第一编 总则"])
        );
        place(&mut s, "第一条 为了。");
        assert_eq!(
            s.markdown_heading(4, "说明").section,
            v(&["第一编 总则", "第一章 任务"])
        );
        assert_eq!(
            place(&mut s, "正文。").1,
            v(&["第一编 总则", "第一章 任务", "说明"])
        );
        assert_eq!(
            s.markdown_heading(3, "第二章 犯罪").section,
            v(&["第一编 总则"])
        );
        assert_eq!(s.markdown_heading(2, "典型意义").section, v(&[]));
        assert_eq!(place(&mut s, "一、裁判要旨").1, v(&["典型意义"]));
        assert_eq!(s.markdown_heading(2, "基本案情").section, v(&[]));
    }

    #[test]
    fn article_text_repeating_the_label_heading_stays_in_it() {
        let mut s = SectionStack::default();
        place(&mut s, "第 13 條");
        assert_eq!(
            place(&mut s, "第十三條  總隊長權責如下："),
            (Body, v(&["第 13 條"]))
        );
        assert_eq!(place(&mut s, "一、核定事項。").1, v(&["第 13 條", "一、"]));
        assert_eq!(place(&mut s, "第十四條 其他。").1, v(&["第十四條"]));
    }

    #[test]
    fn division_with_sentence_is_body_without_section() {
        let mut s = SectionStack::default();
        place(&mut s, "第 1 條");
        assert_eq!(
            place(&mut s, "第八章之規定，於遺產管理人準用之。"),
            (Body, v(&["第 1 條"]))
        );
    }
}
