//! From a parsed query ([`super::query::Query`]) to a [`Plan`]: the texts to look up in the
//! paragraphs, the filters to resolve against document and section records, and the boolean
//! tree that says how they combine and score.
//!
//! Matching is always exact. A quoted phrase matches a paragraph iff its normalized text is a
//! substring of the paragraph's normalized text (or of another of its forms), save that a text
//! typed in Traditional script does not match a *different* Traditional character in a
//! Traditional paragraph (乾 is not 干 there: [`crate::analysis::distinct`]). A bare term is cut into words (article labels
//! such as 第一千零七十九条 whole, the rest by jieba) that must all be found in the paragraph's
//! *context*: its text, one of its enclosing headings, or its document's title
//! ([`Node::Word`]); the whole term is an optional text that scores double where it stands
//! together ([`TOGETHER_BOOST`]), and all positive bare words of the query, in order and
//! together, form another ([`NEAR_BOOST`]). `title:`, `section:` and `path:` are
//! [`Node::Filter`]s, resolved to files or paragraph ranges by [`super::records`].
//!
//! The tree's semantics are those of a boolean query with required, optional and excluded
//! parts ([`Node::Bool`]); how it is scored is [`super::rank`]'s. This module looks nothing up
//! (jieba's cutter aside).

use std::sync::Arc;

use super::query::{FieldName, Query, MAX_TERMS};
use crate::analysis::distinct::CharRule;
use crate::analysis::{self, QueryCutter, Variants};
use crate::index::exact::WordCheck;
use crate::{Error, Result};

/// Boost of the exact phrase formed by the words a bare term was cut into, standing together.
pub const TOGETHER_BOOST: f32 = 2.0;
/// Boost of the exact phrase formed by all the query's bare words in order.
pub const NEAR_BOOST: f32 = 1.0;

/// A query ready to be looked up and ranked.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// How the texts and filters combine.
    pub root: Node,
    /// The distinct texts looked up in paragraphs.
    pub texts: Vec<PlanText>,
    /// The bare words, matched in a paragraph's context.
    pub words: Vec<PlanWord>,
    /// The positive quoted phrases ([`Plan::texts`] indexes), to say where they were found.
    pub phrases: Vec<usize>,
    /// The field filters, resolved against records.
    pub filters: Vec<FilterSpec>,
    /// Normalized, white-space-free texts whose occurrences are highlighted, sorted and
    /// distinct.
    pub needles: Vec<String>,
    /// The needles whose every source is a Traditional text with character rules
    /// ([`crate::analysis::distinct`]): in a Traditional paragraph, an occurrence is
    /// highlighted only where one of their rules holds.
    pub ruled_needles: Vec<(String, Vec<Arc<[CharRule]>>)>,
    /// The required bare terms jieba cut into several words, whole (N form without white
    /// space): a document whose title holds one in this order is named better than one
    /// whose title holds its words in another.
    pub wholes: Vec<Vec<char>>,
    /// The script the bare terms are typed in, when it shows: a document whose title is
    /// written so is named better than its namesake in the other script.
    pub script: Option<analysis::Written>,
}

/// A bare word: found in a paragraph's text, in an enclosing heading or in its document's
/// title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanWord {
    /// Its text, looked up in the paragraphs ([`Plan::texts`]).
    pub text: usize,
    /// N(word) without white space, looked up in titles and headings.
    pub chars: Vec<char>,
    /// The word as the query gave it (after cutting), to name it in answers.
    pub shown: String,
    /// Whether every match of the query holds it (not under an OR, a NOT or an optional part).
    pub required: bool,
}

/// One text looked up in the paragraphs' normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanText {
    /// N(text) without white space.
    pub chars: Vec<char>,
    /// How its occurrences are judged against word starts: whole occurrences count fully,
    /// and those of a bare term that begins or ends with a letter or a numeral count only
    /// when whole at that end ([`word_check`]).
    pub check: Option<WordCheck>,
    /// Whether every match of the query holds it in its text (a quoted phrase not under an
    /// OR, a NOT or an optional part): required texts and words are looked up first, the
    /// rarest first, and the others only within the paragraphs they leave.
    pub required: bool,
    /// Its other forms ([`analysis::variants`]), each N form without white space: a
    /// paragraph that holds any of them holds the text. Empty for a literal text.
    pub forms: Vec<Vec<char>>,
    /// How each of `forms`' occurrences is judged: as `check`, for the form's own chars,
    /// without `check`'s character rules (those are the typed text's).
    pub form_checks: Vec<Option<WordCheck>>,
}

impl PlanText {
    /// The text and its other forms.
    pub fn all_forms(&self) -> impl Iterator<Item = &[char]> {
        std::iter::once(self.chars.as_slice()).chain(self.forms.iter().map(Vec::as_slice))
    }

    /// The check of each of [`Self::all_forms`].
    pub fn all_checks(&self) -> impl Iterator<Item = Option<&WordCheck>> {
        std::iter::once(self.check.as_ref()).chain(self.form_checks.iter().map(Option::as_ref))
    }
}

/// A field filter as written: what it is resolved from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterSpec {
    /// `title`, `section` or `path`.
    pub field: FieldName,
    /// The query inside it, matched against titles, headings or paths.
    pub query: Query,
}

/// A node of the boolean tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Paragraphs that hold text `text` of the plan; scores its BM25 times `boost`.
    Text {
        /// Index into [`Plan::texts`].
        text: usize,
        /// Factor on the text's score.
        boost: f32,
    },
    /// Paragraphs whose context (text, enclosing headings, title) holds word `word` of the
    /// plan; scores BM25F over the three times `boost`.
    Word {
        /// Index into [`Plan::words`].
        word: usize,
        /// Factor on the word's score.
        boost: f32,
    },
    /// Paragraphs that pass filter `0` of the plan ([`Plan::filters`]); scores 1.
    Filter(usize),
    /// Every paragraph; scores 0 (it only selects, under a negation).
    All,
    /// Matches when every `must` part matches, no `must_not` part does, and (when `must` is
    /// empty) at least one `should` part does; scores the sum of its matching `must` and
    /// `should` parts.
    Bool {
        /// Required parts.
        must: Vec<Node>,
        /// Optional parts (they add their score where they match).
        should: Vec<Node>,
        /// Excluded parts.
        must_not: Vec<Node>,
    },
}

/// Builds the plan of `query`, cutting bare terms with `cutter` (asked for only when a term
/// needs cutting).
///
/// With `variants`, bare words and quoted phrases are also looked up in their other forms
/// (outside `literal:`); without, every text is literal.
pub fn plan<'c>(
    query: &Query,
    cutter: impl FnOnce() -> Result<&'c QueryCutter> + 'c,
    variants: Option<&'c Variants>,
) -> Result<Plan> {
    let mut p = Planner {
        variants,
        literal: false,
        cutter: Some(Box::new(cutter)),
        cut: None,
        plan: Plan {
            root: Node::All,
            texts: Vec::new(),
            words: Vec::new(),
            phrases: Vec::new(),
            filters: Vec::new(),
            needles: Vec::new(),
            ruled_needles: Vec::new(),
            wholes: Vec::new(),
            script: None,
        },
        required: true,
        word_rules: Vec::new(),
        needle_rules: Vec::new(),
        distinct: Default::default(),
        near: Vec::new(),
        typed: String::new(),
    };
    let root = p.node(query, false)?;
    p.required = false;
    let near = if (2..=8).contains(&p.near.len()) {
        let together: String = p.near.concat();
        p.text(&together, NEAR_BOOST, false, false)
    } else {
        None
    };
    p.plan.root = match near {
        Some(near) => Node::Bool {
            must: vec![root],
            should: vec![near],
            must_not: Vec::new(),
        },
        None => root,
    };
    p.plan.needles.sort();
    p.plan.needles.dedup();
    p.plan.ruled_needles = ruled_needles(std::mem::take(&mut p.needle_rules));
    p.plan.script = analysis::script_of(&p.typed);
    Ok(p.plan)
}

/// [`Plan::ruled_needles`] from each highlighted needle with its rules, if any.
fn ruled_needles(
    mut sources: Vec<(String, Option<Arc<[CharRule]>>)>,
) -> Vec<(String, Vec<Arc<[CharRule]>>)> {
    sources.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    for group in sources.chunk_by(|a, b| a.0 == b.0) {
        let rules: Option<Vec<Arc<[CharRule]>>> = group.iter().map(|(_, r)| r.clone()).collect();
        if let Some(rules) = rules {
            out.push((group[0].0.clone(), rules));
        }
    }
    out
}

type CutterSource<'c> = Box<dyn FnOnce() -> Result<&'c QueryCutter> + 'c>;

struct Planner<'c> {
    /// The character rules of the next text, when it is a word cut from a term typed in
    /// Traditional script (words are cut from N(term), which has lost the script).
    word_rules: Vec<CharRule>,
    /// Each highlighted needle with the character rules of the text it came from.
    needle_rules: Vec<(String, Option<Arc<[CharRule]>>)>,
    /// The equivalent forms to expand texts into (`None`: literal).
    variants: Option<&'c Variants>,
    /// Whether the part being planned is inside `literal:`.
    literal: bool,
    cutter: Option<CutterSource<'c>>,
    cut: Option<&'c QueryCutter>,
    plan: Plan,
    /// Whether the part being planned must match for the whole query to match.
    required: bool,
    /// The distinct words and phrases searched so far, bounded by [`MAX_TERMS`].
    distinct: std::collections::HashSet<String>,
    /// The positive bare words in query order (normalized), for the nearness text.
    near: Vec<String>,
    /// The positive bare terms as typed, for their script.
    typed: String,
}

impl<'c> Planner<'c> {
    fn cutter(&mut self) -> Result<&'c QueryCutter> {
        if let Some(c) = self.cut {
            return Ok(c);
        }
        let source = self
            .cutter
            .take()
            .ok_or_else(|| Error::Other("the query cutter could not be made".to_string()))?;
        let c = source()?;
        self.cut = Some(c);
        Ok(c)
    }

    fn node(&mut self, q: &Query, negated: bool) -> Result<Node> {
        match q {
            Query::Term { text, span } => self.term(text, span.0, negated),
            Query::Phrase { text, span } => self.phrase(text, span.0, negated),
            Query::Field {
                field: FieldName::Literal,
                query,
            } => {
                let literal = std::mem::replace(&mut self.literal, true);
                let n = self.node(query, negated);
                self.literal = literal;
                n
            }
            Query::Field { field, query } => {
                self.plan.filters.push(FilterSpec {
                    field: *field,
                    query: (**query).clone(),
                });
                Ok(Node::Filter(self.plan.filters.len() - 1))
            }
            Query::And(parts) | Query::Or(parts) => {
                let is_and = matches!(q, Query::And(_));
                let required = self.required;
                let (mut must, mut should, mut must_not) = (Vec::new(), Vec::new(), Vec::new());
                for part in parts {
                    if let Query::Not(inner) = part {
                        self.required = false;
                        let n = self.node(inner, !negated);
                        self.required = required;
                        must_not.push(n?);
                    } else {
                        self.required = required && is_and;
                        let n = self.node(part, negated);
                        self.required = required;
                        match is_and {
                            true => must.push(n?),
                            false => should.push(n?),
                        }
                    }
                }
                Ok(match (is_and, must_not.is_empty()) {
                    // `a -b`, or only negations (`(-a -b)` inside an OR): every paragraph
                    // that passes them.
                    (true, _) => {
                        if must.is_empty() {
                            must.push(Node::All);
                        }
                        Node::Bool {
                            must,
                            should,
                            must_not,
                        }
                    }
                    (false, true) => Node::Bool {
                        must,
                        should,
                        must_not,
                    },
                    // `x OR -y`: each negation means "every paragraph but these".
                    (false, false) => {
                        should.extend(must_not.into_iter().map(|n| Node::Bool {
                            must: vec![Node::All],
                            should: Vec::new(),
                            must_not: vec![n],
                        }));
                        Node::Bool {
                            must: Vec::new(),
                            should,
                            must_not: Vec::new(),
                        }
                    }
                })
            }
            Query::Not(inner) => {
                let required = std::mem::replace(&mut self.required, false);
                let n = self.node(inner, !negated);
                self.required = required;
                Ok(Node::Bool {
                    must: vec![Node::All],
                    should: Vec::new(),
                    must_not: vec![n?],
                })
            }
        }
    }

    /// The node of the exact text `text` (normalized here) with `boost`, a bare word's when
    /// `bare`, looked up in its other forms too when `expand` (outside `literal:`); `None`
    /// for a text without characters.
    fn text(&mut self, text: &str, boost: f32, bare: bool, expand: bool) -> Option<Node> {
        let chars: Vec<char> = analysis::normalize_exact(text).as_str().chars().collect();
        if chars.is_empty() {
            return None;
        }
        let mut check = word_check(&chars, bare);
        let mut rules = analysis::distinct::rules_of(text, &chars);
        if rules.is_empty() {
            rules = std::mem::take(&mut self.word_rules);
        }
        self.word_rules.clear();
        if let (Some(c), false) = (&mut check, rules.is_empty()) {
            c.rules = Some(rules.into());
        }
        let forms = match (self.variants, expand && !self.literal) {
            (Some(v), true) => v.forms(&chars),
            _ => Vec::new(),
        };
        let form_checks = forms.iter().map(|f| word_check(f, bare)).collect();
        let texts = &mut self.plan.texts;
        let at = match texts
            .iter()
            .position(|t| t.chars == chars && t.check == check && t.forms == forms)
        {
            Some(at) => at,
            None => {
                texts.push(PlanText {
                    chars,
                    check,
                    required: false,
                    forms,
                    form_checks,
                });
                texts.len() - 1
            }
        };
        texts[at].required |= self.required;
        Some(Node::Text { text: at, boost })
    }

    /// Highlights the forms of text `text`.
    fn highlight(&mut self, text: usize) {
        let t = &self.plan.texts[text];
        for (form, check) in t.all_forms().zip(t.all_checks()) {
            let needle: String = form.iter().collect();
            let rules = check.and_then(|c| c.rules.clone());
            self.needle_rules.push((needle.clone(), rules));
            self.plan.needles.push(needle);
        }
    }

    /// The node of a quoted phrase.
    fn phrase(&mut self, text: &str, pos: usize, negated: bool) -> Result<Node> {
        let node = self
            .text(text, 1.0, false, true)
            .ok_or_else(|| no_chars(text, pos))?;
        if let (false, Node::Text { text, .. }) = (negated, &node) {
            self.highlight(*text);
            if !self.plan.phrases.contains(text) {
                self.plan.phrases.push(*text);
            }
        }
        Ok(node)
    }

    /// The node of a bare word (as cut from a term), highlighted when `highlight`.
    fn word(&mut self, word: &str, pos: usize, negated: bool, highlight: bool) -> Result<Node> {
        let required = std::mem::replace(&mut self.required, false);
        let text = self.text(word, 1.0, true, true);
        self.required = required;
        let Some(Node::Text { text, .. }) = text else {
            return Err(no_chars(word, pos));
        };
        let chars = self.plan.texts[text].chars.clone();
        let words = &mut self.plan.words;
        let at = match words.iter().position(|w| w.text == text) {
            Some(at) => at,
            None => {
                words.push(PlanWord {
                    text,
                    chars: chars.clone(),
                    shown: word.to_string(),
                    required: false,
                });
                words.len() - 1
            }
        };
        words[at].required |= self.required;
        if !negated {
            if highlight {
                self.highlight(text);
            }
            self.near.push(chars.iter().collect());
        }
        Ok(Node::Word {
            word: at,
            boost: 1.0,
        })
    }

    fn term(&mut self, text: &str, pos: usize, negated: bool) -> Result<Node> {
        if !negated {
            self.typed.push_str(text);
        }
        let mut words = Vec::new();
        for (piece, label) in split_labels(text) {
            match (label, known_word(piece)) {
                (true, _) => words.push(analysis::normalize_exact(piece).as_str().to_string()),
                // One or two characters: one word, uncut.
                (false, Some(word)) => words.push(word),
                (false, None) => {
                    // A word with other forms stays whole (jieba would cut 人工智慧 into 人工
                    // and 智慧, which no form of 人工智能 holds); the rest is cut by jieba.
                    let norm: Vec<char> =
                        analysis::normalize_exact(piece).as_str().chars().collect();
                    let members = match (self.variants, self.literal) {
                        (Some(v), false) => v.members_in(&norm),
                        _ => Vec::new(),
                    };
                    let mut at = 0;
                    let end = norm.len()..norm.len();
                    for m in members.iter().cloned().chain(std::iter::once(end)) {
                        if m.start > at {
                            let gap: String = norm[at..m.start].iter().collect();
                            words.extend(self.cutter()?.segment(&gap));
                        }
                        if !m.is_empty() {
                            words.push(norm[m.clone()].iter().collect());
                        }
                        at = m.end;
                    }
                }
            }
        }
        // A word repeated in the term counts once (`数据数据` is 数据).
        let mut seen = std::collections::HashSet::new();
        words.retain(|w| seen.insert(w.clone()));
        for w in &words {
            if self.distinct.insert(w.clone()) && self.distinct.len() > MAX_TERMS {
                return Err(Error::Query {
                    position: pos,
                    message: format!(
                        "the query holds more than {MAX_TERMS} distinct words and phrases once \
                         its terms are cut into words; put a long text in quotes to search it \
                         as one phrase"
                    ),
                });
            }
        }
        // The typed term's character rules, given to each word at its place in N(term).
        let term_norm: Vec<char> = analysis::normalize_exact(text).as_str().chars().collect();
        let term_rules = analysis::distinct::rules_of(text, &term_norm);
        let mut cursor = 0;
        let mut rules_of_word = |w: &str| -> Vec<analysis::distinct::CharRule> {
            let w: Vec<char> = w.chars().collect();
            if term_rules.is_empty() || w.is_empty() {
                return Vec::new();
            }
            let found = (cursor..term_norm.len().saturating_sub(w.len() - 1))
                .chain(0..cursor)
                .find(|&at| term_norm[at..].starts_with(&w));
            let Some(at) = found else {
                return Vec::new();
            };
            cursor = at + w.len();
            let span = at as u32..(at + w.len()) as u32;
            (term_rules.iter())
                .filter(|r| span.contains(&r.offset))
                .map(|r| analysis::distinct::CharRule {
                    offset: r.offset - span.start,
                    class: r.class,
                })
                .collect()
        };
        if words.len() <= 1 {
            // One word (or only punctuation, which matches as written).
            let word = words.into_iter().next();
            self.word_rules = word.as_deref().map(&mut rules_of_word).unwrap_or_default();
            return self.word(word.as_deref().unwrap_or(text), pos, negated, true);
        }
        // The pieces are highlighted where they stand together (the whole term), and apart
        // only when they are words of two characters or more: a lone 国 of 国发〔1993〕21号 is
        // not highlighted all over a paragraph.
        let mut must = Vec::with_capacity(words.len());
        for w in &words {
            let highlight = w.chars().count() >= 2;
            self.word_rules = rules_of_word(w);
            must.push(self.word(w, pos, negated, highlight)?);
        }
        let mut should = Vec::new();
        if !negated {
            let whole = analysis::normalize(text);
            let chars: Vec<char> = analysis::normalize_exact(&whole).as_str().chars().collect();
            if self.required && !self.plan.wholes.contains(&chars) {
                self.plan.wholes.push(chars);
            }
            self.plan
                .needles
                .push(analysis::normalize_exact(&whole).as_str().to_string());
            let required = std::mem::replace(&mut self.required, false);
            self.word_rules = term_rules.clone();
            should.extend(self.text(&whole, TOGETHER_BOOST, false, false));
            self.required = required;
        }
        Ok(Node::Bool {
            must,
            should,
            must_not: Vec::new(),
        })
    }
}

/// The error of a query part without characters to search for.
fn no_chars(text: &str, pos: usize) -> Error {
    Error::Query {
        position: pos,
        message: format!("`{text}` has no characters to search for"),
    }
}

/// Whether `c` may stand in an article or item number: a numeral (full-width digits too) or
/// the `-` of `6-1`.
fn is_label_digit(c: char) -> bool {
    analysis::is_numeral(c) || ('０'..='９').contains(&c) || matches!(c, '-' | '－')
}

/// Whether `word` is one article or item label (第十条, 第6-1條).
pub fn is_label(word: &str) -> bool {
    matches!(split_labels(word)[..], [(_, true)])
}

/// The pieces of a bare term, each with whether it is an article or item label (第X条,
/// 第十五章, 第6-1條, 第二十三条之一, 第3号), which is one word: a citation typed without
/// spaces (民法典第一千零七十九条) is cut as one typed with them.
pub fn split_labels(text: &str) -> Vec<(&str, bool)> {
    const UNITS: &[char] = &[
        '编', '編', '章', '节', '節', '条', '條', '款', '项', '項', '目', '号', '號',
    ];
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let mut pieces = Vec::new();
    let (mut from, mut i) = (0, 0);
    while i < chars.len() {
        if at(i) != Some('第') || !at(i + 1).is_some_and(is_label_digit) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while at(j).is_some_and(is_label_digit) {
            j += 1;
        }
        if !at(j).is_some_and(|c| UNITS.contains(&c)) {
            i += 1;
            continue;
        }
        j += 1;
        // 第二十三条之一: the 之 part belongs to the label.
        if at(j) == Some('之') && at(j + 1).is_some_and(analysis::is_numeral) {
            j += 1;
            while at(j).is_some_and(analysis::is_numeral) {
                j += 1;
            }
        }
        let (start, end) = (chars[i].0, chars.get(j).map_or(text.len(), |&(b, _)| b));
        if start > from {
            pieces.push((&text[from..start], false));
        }
        pieces.push((&text[start..end], true));
        from = end;
        i = j;
    }
    if from < text.len() || pieces.is_empty() {
        pieces.push((&text[from..], false));
    }
    pieces
}

impl Plan {
    /// The plan that finds paragraphs with *some* of this plan's required parts, when it has
    /// two or more (`a b c` as `a OR b OR c`, its exclusions kept), and those parts: the
    /// answer when no paragraph has them all. `None` when there is nothing to relax.
    pub fn relaxed(&self) -> Option<(Plan, Vec<Node>)> {
        // The query's root, inside the nearness part around it.
        let root = match &self.root {
            Node::Bool { must, .. } if must.len() == 1 && matches!(must[0], Node::Bool { .. }) => {
                &must[0]
            }
            other => other,
        };
        let Node::Bool { must, must_not, .. } = root else {
            return None;
        };
        // Filters are not relaxed: they say where to look.
        let (filters, parts): (Vec<Node>, Vec<Node>) = must
            .iter()
            .filter(|n| !matches!(n, Node::All))
            .cloned()
            .partition(|n| matches!(n, Node::Filter(_)));
        if parts.len() < 2 {
            return None;
        }
        let mut relaxed = self.clone();
        relaxed.texts.iter_mut().for_each(|t| t.required = false);
        relaxed.words.iter_mut().for_each(|w| w.required = false);
        let some = Node::Bool {
            must: Vec::new(),
            should: parts.clone(),
            must_not: Vec::new(),
        };
        relaxed.root = match filters.is_empty() {
            true => Node::Bool {
                must: Vec::new(),
                should: parts.clone(),
                must_not: must_not.clone(),
            },
            false => Node::Bool {
                must: filters.into_iter().chain([some]).collect(),
                should: Vec::new(),
                must_not: must_not.clone(),
            },
        };
        Some((relaxed, parts))
    }
}

/// How occurrences of `chars` are judged (see [`PlanText::check`]): every text's are, so that
/// whole occurrences rank first; a bare word's (`bare`) count only where whole at an end
/// that is a letter or digit, or a numeral that ends it or starts a number (`2024`, `5g`,
/// `百分之五`, `二十条`; not `万元`, whose 万 is a unit after a number).
pub fn word_check(chars: &[char], bare: bool) -> Option<WordCheck> {
    let (&first, &last) = (chars.first()?, chars.last()?);
    let ascii = |c: char| c.is_ascii_alphanumeric();
    let numeral_start = analysis::is_numeral(first)
        && (first.is_ascii_digit() || chars.get(1).is_some_and(|&c| analysis::is_numeral(c)));
    Some(WordCheck {
        len: chars.len() as u32,
        strict_start: bare && (ascii(first) || numeral_start),
        strict_end: bare && (ascii(last) || analysis::is_numeral(last)),
        rules: None,
    })
}

/// N(`text`) when it is taken as one word without cutting: one or two letters or digits
/// (Han characters included). jieba keeps almost every two-character term whole; one it would
/// split into two characters (an unknown pair) then matches as that exact pair, not as two
/// characters anywhere in the paragraph.
fn known_word(text: &str) -> Option<String> {
    let norm = analysis::normalize(text);
    let short = !norm.is_empty() && norm.chars().nth(2).is_none();
    (short && norm.chars().all(char::is_alphanumeric)).then_some(norm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn plan_of(q: &str) -> Plan {
        let cutter = QueryCutter::new(Default::default());
        plan(&parse(q).unwrap(), || Ok(&cutter), None).unwrap()
    }

    fn text(p: &Plan, node: &Node) -> String {
        match node {
            Node::Text { text, .. } => p.texts[*text].chars.iter().collect(),
            Node::Word { word, .. } => p.words[*word].chars.iter().collect(),
            other => panic!("not a text: {other:?}"),
        }
    }

    #[test]
    fn a_cut_term_requires_its_words_and_prefers_them_together() {
        let p = plan_of("人工智能发展");
        let Node::Bool { must, should, .. } = &p.root else {
            panic!("{p:?}")
        };
        // The term's words, then nearness of all the words (the same text as together).
        let Node::Bool {
            must: words,
            should: together,
            ..
        } = &must[0]
        else {
            panic!("{p:?}")
        };
        let words: Vec<String> = words.iter().map(|n| text(&p, n)).collect();
        assert_eq!(words, ["人工智能", "发展"]);
        assert!(matches!(together[0], Node::Text { boost, .. } if boost == TOGETHER_BOOST));
        assert!(matches!(should[0], Node::Text { boost, .. } if boost == NEAR_BOOST));
        // Together and near are one text, looked up once; the words are required words,
        // found in context, not required texts.
        assert_eq!(p.texts.len(), 3);
        assert!(p.texts.iter().all(|t| !t.required));
        assert!(p.words.iter().all(|w| w.required));
        assert_eq!(p.needles, ["人工智能", "人工智能发展", "发展"]);
    }

    #[test]
    fn negations_need_every_paragraph_and_a_group_of_them_means_all_of_them() {
        // `(-a -b)` inside an OR: neither a nor b (not "not a, or not b").
        let p = plan_of("数据 (管理 OR (-安全 -政府))");
        // The query, then the nearness of 数据管理 around it.
        let Node::Bool { must, .. } = &p.root else {
            panic!("{p:?}")
        };
        let Node::Bool { must, .. } = &must[0] else {
            panic!("{p:?}")
        };
        let Node::Bool { should, .. } = &must[1] else {
            panic!("{p:?}")
        };
        let Node::Bool {
            must: all,
            must_not,
            ..
        } = &should[1]
        else {
            panic!("{p:?}")
        };
        assert_eq!(all, &[Node::All]);
        assert_eq!(must_not.len(), 2);
        // Negated and optional words are not required; negated ones are not highlighted.
        let required: Vec<String> = (p.words.iter())
            .filter(|w| w.required)
            .map(|w| w.chars.iter().collect())
            .collect();
        assert_eq!(required, ["数据"]);
        assert_eq!(p.needles, ["数据", "管理"]);
    }

    #[test]
    fn filters_are_kept_with_their_inner_query() {
        let p = plan_of("title:条例 安全");
        assert_eq!(p.filters.len(), 1);
        assert_eq!(p.filters[0].field, FieldName::Title);
        assert_eq!(p.filters[0].query.to_string(), "条例");
        assert_eq!(p.words.len(), 1);
    }

    #[test]
    fn texts_typed_in_traditional_script_carry_their_character_rules() {
        use crate::analysis::distinct::CharRule;
        let rules = |p: &Plan, chars: &str| -> Option<Vec<CharRule>> {
            let t = p
                .texts
                .iter()
                .find(|t| t.chars.iter().collect::<String>() == chars)?;
            Some(t.check.as_ref()?.rules.as_deref()?.to_vec())
        };
        // A phrase: its own rules, highlighted under them.
        let p = plan_of("\"乾\"");
        assert_eq!(
            rules(&p, "干"),
            Some(vec![CharRule {
                offset: 0,
                class: 2
            }])
        );
        assert_eq!(p.ruled_needles.len(), 1);
        // A Simplified phrase has none; the same needle from both is not ruled.
        assert_eq!(rules(&plan_of("\"干\""), "干"), None);
        assert!(plan_of("\"乾\" OR \"干\"").ruled_needles.is_empty());
        // Words cut from a Traditional term take the rules at their place in it.
        let p = plan_of("保持乾燥");
        let ruled: Vec<_> = (p.texts.iter())
            .filter_map(|t| {
                Some((
                    t.chars.iter().collect::<String>(),
                    t.check.as_ref()?.rules.clone()?,
                ))
            })
            .collect();
        assert!(!ruled.is_empty(), "{:?}", p.texts);
        for (chars, r) in &ruled {
            let at = chars.find('干').map(|b| chars[..b].chars().count() as u32);
            assert_eq!(
                r.iter().map(|r| r.offset).collect::<Vec<_>>(),
                at.into_iter().collect::<Vec<_>>(),
                "{chars}"
            );
            assert!(r.iter().all(|r| r.class == 2));
        }
    }

    #[test]
    fn article_labels_are_words_of_their_own() {
        let pieces = |t| split_labels(t);
        assert_eq!(
            pieces("民法典第一千零七十九条"),
            [("民法典", false), ("第一千零七十九条", true)]
        );
        assert_eq!(pieces("第6-1條規定"), [("第6-1條", true), ("規定", false)]);
        assert_eq!(pieces("第二十三条之一"), [("第二十三条之一", true)]);
        assert_eq!(pieces("第一次会议"), [("第一次会议", false)]);
        assert_eq!(pieces("国发〔1993〕21号"), [("国发〔1993〕21号", false)]);
        let p = plan_of("个人信息保护法第十条");
        let words: Vec<String> = p.words.iter().map(|w| w.chars.iter().collect()).collect();
        assert!(words.contains(&"第十条".to_string()), "{words:?}");
    }
}
