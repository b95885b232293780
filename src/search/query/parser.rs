//! The parser of the query language: [`Token`]s → the canonical [`Query`] tree, with the
//! grammar of the parent module's doc.

use super::lexer::Token;
use super::{query_error, FieldName, Query, MAX_DEPTH};
use crate::Result;

struct Parser {
    tokens: Vec<Token>,
    next: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn parse_top(&mut self) -> Result<Query> {
        let mut alternatives = Vec::new();
        let query = self.parse_or(None, &mut alternatives)?;
        // parse_or stops only at a `)` or the end, and `parse` saw at least one token, so
        // anything else means a `)` closes nothing.
        let (Some(query), None) = (query, self.peek()) else {
            let pos = self.peek().map_or(0, Token::start);
            return Err(query_error(pos, "`)` without a matching `(`"));
        };
        let offending = match alternatives.as_slice() {
            [(_, false)] => Some(0),
            alternatives => alternatives
                .iter()
                .find(|(_, positive)| !positive)
                .map(|&(start, _)| start),
        };
        if let Some(pos) = offending {
            return Err(query_error(
                pos,
                "a query needs at least one positive term: `-` and `NOT` parts only exclude \
                 matches of the rest (with OR, each alternative needs one)",
            ));
        }
        Ok(query)
    }

    /// `and_expr (OR and_expr)*`, up to a `)` or the end. `None` when there is nothing at all.
    /// Records where each alternative starts and whether it is positive in `alternatives_seen`.
    fn parse_or(
        &mut self,
        field: Option<FieldName>,
        alternatives_seen: &mut Vec<(usize, bool)>,
    ) -> Result<Option<Query>> {
        let mut alternatives = Vec::new();
        let mut last_or: Option<usize> = None;
        loop {
            let start = self.peek().map(Token::start);
            let units = self.parse_and(field)?;
            if units.is_empty() {
                return match (self.peek(), last_or) {
                    (Some(&Token::Or(p)), None) => Err(query_error(
                        p,
                        "`OR` needs a term, phrase or group before it",
                    )),
                    (Some(&Token::Or(p)), Some(_)) => Err(query_error(
                        p,
                        "`OR` right after `OR`: each side of `OR` needs a term, phrase or group",
                    )),
                    (_, Some(p)) => Err(query_error(
                        p,
                        "`OR` needs a term, phrase or group after it",
                    )),
                    (_, None) => Ok(None),
                };
            }
            let alternative = flatten(units, true);
            alternatives_seen.push((start.unwrap_or(0), alternative.is_positive()));
            alternatives.push(alternative);
            match self.peek() {
                Some(&Token::Or(p)) => {
                    last_or = Some(p);
                    self.next += 1;
                }
                _ => return Ok(Some(flatten(alternatives, false))),
            }
        }
    }

    /// The units of one `and_expr`, up to an `OR`, a `)` or the end (possibly none).
    fn parse_and(&mut self, field: Option<FieldName>) -> Result<Vec<Query>> {
        let mut units = Vec::new();
        while self.peek().is_some_and(Token::starts_unit) {
            units.push(self.parse_unary(field)?);
        }
        Ok(units)
    }

    /// `('-' | NOT)* primary`, with double negations cancelled. Loops rather than recursing,
    /// so a long run of `-` cannot overflow the stack.
    fn parse_unary(&mut self, field: Option<FieldName>) -> Result<Query> {
        let mut negated = false;
        loop {
            match self.peek() {
                Some(&Token::Minus(p)) => {
                    let next = self.tokens.get(self.next + 1);
                    if !next.is_some_and(|t| t.start() == p + 1 && t.starts_unit()) {
                        return Err(query_error(
                            p,
                            "`-` must be followed directly by the term, phrase or group it \
                             excludes (write `-word`); quote it to search for `-` itself",
                        ));
                    }
                }
                Some(&Token::Not(p)) => {
                    if !self
                        .tokens
                        .get(self.next + 1)
                        .is_some_and(Token::starts_unit)
                    {
                        return Err(query_error(
                            p,
                            "`NOT` needs a term, phrase or group after it",
                        ));
                    }
                }
                _ => break,
            }
            negated = !negated;
            self.next += 1;
        }
        let query = self.parse_primary(field)?;
        Ok(match (negated, query) {
            (false, q) => q,
            (true, Query::Not(inner)) => *inner,
            (true, q) => Query::Not(Box::new(q)),
        })
    }

    fn parse_primary(&mut self, field: Option<FieldName>) -> Result<Query> {
        let index = self.next;
        self.next += 1;
        match self.tokens.get_mut(index) {
            Some(Token::Word {
                text, start, end, ..
            }) => {
                return Ok(Query::Term {
                    text: std::mem::take(text),
                    span: (*start, *end),
                })
            }
            Some(Token::Phrase {
                text, start, end, ..
            }) => {
                return Ok(Query::Phrase {
                    text: std::mem::take(text),
                    span: (*start, *end),
                })
            }
            _ => {}
        }
        match self.tokens.get(index) {
            Some(&Token::LParen(open)) => self.parse_group(open, field),
            Some(&Token::Field {
                field: inner,
                start,
                colon,
            }) => self.parse_field(inner, start, colon, field),
            // parse_unary only calls this when a unit follows, so this is not reached; an
            // error is still better than a panic if that ever changes.
            other => Err(query_error(
                other.map_or(0, Token::start),
                "expected a term, phrase or group here",
            )),
        }
    }

    /// The operand of the field filter `inner:` (already consumed), inside `outer` if any.
    fn parse_field(
        &mut self,
        inner: FieldName,
        start: usize,
        colon: usize,
        outer: Option<FieldName>,
    ) -> Result<Query> {
        if let Some(outer) = outer {
            return Err(query_error(
                start,
                format!("field filters cannot be nested: `{inner}:` inside `{outer}:(…)`"),
            ));
        }
        let operand = match self.peek() {
            Some(&Token::LParen(open)) if open == colon + 1 => {
                self.next += 1;
                Some(self.parse_group(open, Some(inner))?)
            }
            Some(tok @ (Token::Word { literal: true, .. } | Token::Phrase { .. }))
                if tok.start() == colon + 1 =>
            {
                Some(self.parse_primary(Some(inner))?)
            }
            _ => None,
        };
        let Some(operand) = operand else {
            return Err(query_error(
                colon,
                format!("`{inner}:` needs a term, phrase or group right after the colon"),
            ));
        };
        if inner.is_metadata() {
            super::values::check(inner, &operand)?;
        }
        Ok(Query::Field {
            field: inner,
            query: Box::new(operand),
        })
    }

    /// The inside of a group whose `(` at `open` was just consumed, and its `)`.
    fn parse_group(&mut self, open: usize, field: Option<FieldName>) -> Result<Query> {
        if self.depth >= MAX_DEPTH {
            return Err(query_error(
                open,
                format!("parentheses nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.depth += 1;
        let inner = self.parse_or(field, &mut Vec::new())?;
        self.depth -= 1;
        match self.peek() {
            Some(Token::RParen(_)) => self.next += 1,
            _ => return Err(query_error(open, "unclosed `(`")),
        }
        inner.ok_or_else(|| query_error(open, "empty parentheses"))
    }
}

/// Combines `items` (not empty) into an `And` (or an `Or`), flattening nested ones,
/// merging repeats (`a b a` is `a b`: the first stays) and unwrapping a single item.
fn flatten(items: Vec<Query>, and: bool) -> Query {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Query::And(inner) if and => flat.extend(inner),
            Query::Or(inner) if !and => flat.extend(inner),
            q => flat.push(q),
        }
    }
    if and {
        flat = join_spaced_labels(flat);
    }
    if flat.len() > 1 {
        // The canonical text is equal exactly when two parts are equal but for spans.
        let mut seen = std::collections::HashSet::new();
        flat.retain(|q| seen.insert(q.to_string()));
    }
    if flat.len() == 1 {
        flat.pop().expect("one item")
    } else if and {
        Query::And(flat)
    } else {
        Query::Or(flat)
    }
}

/// Joins an article label typed with spaces, as statutes write it (`第 13 條`), into one
/// term: otherwise 第, 13 and 條 would be three words, found anywhere (and merged with the
/// 第 and 條 of a second label). Two or three adjacent bare terms are joined when together
/// they are one label ([`crate::search::plan::is_label`]) and the first starts with 第.
fn join_spaced_labels(items: Vec<Query>) -> Vec<Query> {
    let term = |q: &Query| match q {
        Query::Term { text, span } => Some((text.clone(), *span)),
        _ => None,
    };
    let mut out = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        let joined = [3, 2].into_iter().find_map(|n| {
            let parts: Vec<(String, (usize, usize))> = items
                .get(i..i + n)?
                .iter()
                .map(term)
                .collect::<Option<_>>()?;
            let text: String = parts.iter().map(|(t, _)| t.as_str()).collect();
            let label = parts[0].0.starts_with('第') && crate::search::plan::is_label(&text);
            label.then(|| (n, text, (parts[0].1 .0, parts[n - 1].1 .1)))
        });
        match joined {
            Some((n, text, span)) => {
                out.push(Query::Term { text, span });
                i += n;
            }
            None => {
                out.push(items[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// Parses the tokens of a query (not empty) into its tree.
pub(super) fn parse_tokens(tokens: Vec<Token>) -> Result<Query> {
    Parser {
        tokens,
        next: 0,
        depth: 0,
    }
    .parse_top()
}
