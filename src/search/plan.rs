//! From a parsed query ([`super::query::Query`]) to a [`Plan`]: the texts to look up in the
//! paragraphs, the filters to resolve against document and section records, and the boolean
//! tree that says how they combine and score.
//!
//! Matching is always exact: a bare word or a quoted phrase matches a paragraph iff its
//! normalized text is a substring of the paragraph's normalized text. A bare term is cut into
//! jieba words that must all occur, with the whole term as an optional text that scores
//! double where it stands together ([`TOGETHER_BOOST`]); all positive bare words of the query,
//! in order and together, form another optional text ([`NEAR_BOOST`]). `title:`, `section:`
//! and `path:` are [`Node::Filter`]s, resolved to files or paragraph ranges by
//! [`super::filter`].
//!
//! The tree's semantics are those of a boolean query with required, optional and excluded
//! parts ([`Node::Bool`]); how it is scored is [`super::rank`]'s. This module looks nothing up
//! (jieba's cutter aside).

use super::query::{FieldName, Query, MAX_TERMS};
use crate::analysis::{self, QueryCutter};
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
    /// The field filters, resolved against records.
    pub filters: Vec<FilterSpec>,
    /// Normalized, white-space-free texts whose occurrences are highlighted, sorted and
    /// distinct.
    pub needles: Vec<String>,
    /// The query's positive bare words in order (normalized): their title and heading bonuses.
    pub words: Vec<String>,
}

/// One text looked up in the paragraphs' normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanText {
    /// N(text) without white space.
    pub chars: Vec<char>,
    /// Whether every match of the query holds it (it is not under an OR, a NOT or an
    /// optional part): required texts are looked up first, the rarest first, and the others
    /// only within the paragraphs they leave.
    pub required: bool,
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
pub fn plan<'c>(
    query: &Query,
    cutter: impl FnOnce() -> Result<&'c QueryCutter> + 'c,
) -> Result<Plan> {
    let mut p = Planner {
        cutter: Some(Box::new(cutter)),
        cut: None,
        plan: Plan {
            root: Node::All,
            texts: Vec::new(),
            filters: Vec::new(),
            needles: Vec::new(),
            words: Vec::new(),
        },
        required: true,
        distinct: Default::default(),
    };
    let root = p.node(query, false)?;
    p.required = false;
    let words = &p.plan.words;
    let near = if (2..=8).contains(&words.len()) {
        let together: String = words.concat();
        p.text(&together, NEAR_BOOST)
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
    Ok(p.plan)
}

type CutterSource<'c> = Box<dyn FnOnce() -> Result<&'c QueryCutter> + 'c>;

struct Planner<'c> {
    cutter: Option<CutterSource<'c>>,
    cut: Option<&'c QueryCutter>,
    plan: Plan,
    /// Whether the part being planned must match for the whole query to match.
    required: bool,
    /// The distinct words and phrases searched so far, bounded by [`MAX_TERMS`].
    distinct: std::collections::HashSet<String>,
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

    /// The node of the exact text `text` (normalized here) with `boost`; `None` for a text
    /// without characters.
    fn text(&mut self, text: &str, boost: f32) -> Option<Node> {
        let chars: Vec<char> = analysis::normalize_exact(text).as_str().chars().collect();
        if chars.is_empty() {
            return None;
        }
        let texts = &mut self.plan.texts;
        let at = match texts.iter().position(|t| t.chars == chars) {
            Some(at) => at,
            None => {
                texts.push(PlanText {
                    chars,
                    required: false,
                });
                texts.len() - 1
            }
        };
        texts[at].required |= self.required;
        Some(Node::Text { text: at, boost })
    }

    fn phrase(&mut self, text: &str, pos: usize, negated: bool) -> Result<Node> {
        let node = self.text(text, 1.0).ok_or_else(|| Error::Query {
            position: pos,
            message: format!("`{text}` has no characters to search for"),
        })?;
        if !negated {
            let Node::Text { text, .. } = node else {
                unreachable!("a text is a text node")
            };
            let needle: String = self.plan.texts[text].chars.iter().collect();
            self.plan.needles.push(needle);
        }
        Ok(node)
    }

    fn term(&mut self, text: &str, pos: usize, negated: bool) -> Result<Node> {
        let mut words = match known_word(text) {
            // One or two characters: one word, uncut.
            Some(word) => vec![word],
            None => self.cutter()?.segment(text),
        };
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
        if words.len() <= 1 {
            // One word (or only punctuation, which matches as written).
            let word = words.into_iter().next();
            let phrase = word.as_deref().unwrap_or(text);
            let node = self.phrase(phrase, pos, negated)?;
            if !negated {
                self.plan.words.push(analysis::normalize(phrase));
            }
            return Ok(node);
        }
        let mut must = Vec::with_capacity(words.len());
        for w in &words {
            must.push(self.phrase(w, pos, negated)?);
        }
        let mut should = Vec::new();
        if !negated {
            self.plan.words.extend(words.iter().cloned());
            let whole = analysis::normalize(text);
            let required = std::mem::replace(&mut self.required, false);
            should.extend(self.text(&whole, TOGETHER_BOOST));
            self.required = required;
        }
        Ok(Node::Bool {
            must,
            should,
            must_not: Vec::new(),
        })
    }
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
        plan(&parse(q).unwrap(), || Ok(&cutter)).unwrap()
    }

    fn text(p: &Plan, node: &Node) -> String {
        match node {
            Node::Text { text, .. } => p.texts[*text].chars.iter().collect(),
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
        // Together and near are one text, looked up once, and not required.
        assert_eq!(p.texts.len(), 3);
        assert!(p.texts.iter().filter(|t| t.required).count() == 2);
        assert_eq!(p.needles, ["人工智能", "发展"]);
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
        // Negated and optional texts are not required; negated ones are not highlighted.
        let required: Vec<String> = (p.texts.iter())
            .filter(|t| t.required)
            .map(|t| t.chars.iter().collect())
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
        assert_eq!(p.words, ["安全"]);
    }
}
