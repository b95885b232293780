//! The query language: turns the text a user typed into a [`Query`] tree, or into an
//! [`Error::Query`] that names the 0-based *character* position of the problem. It does not
//! normalize, segment or search anything: a bare term is kept exactly as typed (the search
//! layer normalizes it and segments it with jieba), and nothing here knows about tantivy.
//!
//! # Grammar
//!
//! ```text
//! query    := or_expr                          (at least one positive part, see below)
//! or_expr  := and_expr ( OR and_expr )*        OR is the word `OR` (upper case) or `|`
//! and_expr := unary unary*                     implicit AND, binds tighter than OR
//! unary    := ( '-' | NOT )* primary           `-` directly before its unit; NOT is a word
//! primary  := TERM | PHRASE | '(' or_expr ')' | FIELD ':' operand
//! operand  := TERM | PHRASE | '(' or_expr ')'  directly after the colon, no space
//! FIELD    := title | section | path           ASCII letters, any case
//! PHRASE   := "…" | “…” | ＂…＂                  everything inside is literal
//! ```
//!
//! Lexical rules, precisely:
//! - **Separators** are Unicode white space (ASCII space, tab, line breaks, U+3000 full-width
//!   space, …), control characters, U+200B zero-width space and U+FEFF (a pasted BOM).
//! - A **bare term** is a run of characters up to a separator, `(`, `)`, `|` or an opening
//!   quote. The words `OR` and `NOT` (upper case, standing alone) are operators; `or`, `not`,
//!   `Or` are plain terms. Full-width `（ ）｜－` are ordinary term characters, so
//!   `（一）总则` is one term, as written in policy texts.
//! - **Phrases** open with `"`, `“` or `＂` and close with the matching `"`, `”` or `＂`; a
//!   mismatched pair such as `"…”` is an unclosed quote. Phrase text is kept verbatim and may
//!   contain any other character, including the other quote styles, parentheses and `OR`.
//!   A phrase that is empty or only separators is an error.
//! - **Negation**: a `-` negates only at the *start* of a unit and must be followed directly by
//!   that unit (`-草案`, `-"征求意见稿"`, `-(a OR b)`, `-title:x`). A `-` inside a term is part
//!   of the term: `COVID-19`, `6-1` and `2021-2025` are single terms, and the search layer must
//!   treat them as text. `NOT` negates the next unit, with white space allowed between. Double
//!   negation cancels (`--a` and `NOT -a` are `a`).
//! - **Field filters**: `title:`, `section:` and `path:` (ASCII letters, case-insensitive) with
//!   an ASCII `:` or a full-width `：`, followed directly by a bare term, a phrase or a
//!   parenthesized group (the field then applies to everything inside; field filters cannot be
//!   nested). After the colon the rest of the term is literal (`path:a/b:c` is the path prefix
//!   `a/b:c`; `title:OR` is the word `OR` in titles), parentheses balanced inside it included
//!   (`path:a/条例(2024-09-24).md` is one prefix; in `(title:x)` the `)` still closes the
//!   group), except that a leading `-` is an error, because `title:-x` is almost always meant
//!   as `-title:x`, and so is a field name right after the colon (`title:section:x` nests).
//!   `"…"` after the colon searches for such text.
//!   A term counts as a field filter only when the part before the colon is one or more ASCII
//!   letters: `12:30`, `第3条:` and `:x` are plain terms. An ASCII-letter prefix with an ASCII
//!   `:` that is not a known field (`foo:bar`, `http://…`) is an error; with a full-width `：`
//!   it is a plain term (`AI：人工智能`), because Chinese text puts `：` after words all the time.
//! - **Positive parts**: a query must find something by itself, so it needs at least one part
//!   that is not negated (`-a` alone is an error, `a -b` is fine), and at the top level every
//!   alternative of `OR` needs one (`-a OR b` is an error: it would match nearly everything).
//!   Negated parts inside a positive query may be arbitrary (`a (-b OR c)`).
//! - Parentheses nest at most [`MAX_DEPTH`] levels deep.
//! - **Size**: a query has at most [`MAX_QUERY_CHARS`] characters and at most [`MAX_TERMS`]
//!   distinct terms and phrases; repeats are merged first (`数据 数据 安全` is `数据 安全`).
//!   Past either bound the query is refused, naming the position, so no query can take
//!   minutes or gigabytes.
//!
//! The tree is canonical: nested `And`s and `Or`s are flattened, repeated parts merged and
//! one-element groups unwrapped, so `(a (b c)) OR ((d))` is `Or[And[a, b, c], d]`. [`Query`]'s `Display` prints a
//! canonical query text that parses back to the same tree (apart from spans).

use std::fmt;

use crate::{Error, Result};

/// How deeply parentheses may nest before the query is refused.
pub const MAX_DEPTH: usize = 64;

/// The longest query, in characters: a long pasted text is fine, an unbounded one is not.
pub const MAX_QUERY_CHARS: usize = 10_000;

/// The most distinct terms and phrases a query may hold (repeats are merged first); the
/// search layer applies the same bound to the words bare terms are cut into.
pub const MAX_TERMS: usize = 100;

/// A field a query part can be restricted to. Without one, a part searches the paragraph body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldName {
    /// The document title.
    Title,
    /// The headings of the sections that enclose the paragraph.
    Section,
    /// A prefix of the document's path relative to the corpus root, `/`-separated.
    Path,
}

impl FieldName {
    /// Every field, in the order they are listed in messages.
    pub const ALL: [FieldName; 3] = [FieldName::Title, FieldName::Section, FieldName::Path];

    /// The name as written in queries (`title`, `section`, `path`).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldName::Title => "title",
            FieldName::Section => "section",
            FieldName::Path => "path",
        }
    }

    /// The field called `name`, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<FieldName> {
        FieldName::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed query. Spans are half-open `[start, end)` 0-based **character** offsets into the
/// query text, and always cover exactly the characters of `text`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    /// A bare term as typed, to be normalized and segmented into words by the search layer.
    Term {
        /// The term's characters, verbatim.
        text: String,
        /// Where `text` is in the query.
        span: (usize, usize),
    },
    /// A quoted phrase, to be matched exactly as a substring.
    Phrase {
        /// The text between the quotes, verbatim (never empty or only white space).
        text: String,
        /// Where `text` is in the query (inside the quotes).
        span: (usize, usize),
    },
    /// A sub-query restricted to one field. Never contains another `Field`.
    Field {
        /// The field.
        field: FieldName,
        /// What must match in it.
        query: Box<Query>,
    },
    /// All of these must match (two or more, none of them an `And`).
    And(Vec<Query>),
    /// At least one of these must match (two or more, none of them an `Or`).
    Or(Vec<Query>),
    /// This must not match. Never directly contains another `Not`.
    Not(Box<Query>),
}

/// Whether a [`PositiveText`] came from a bare term or from a quoted phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// A bare term: segmented into words, words highlighted separately.
    Term,
    /// A quoted phrase: highlighted as one span per occurrence.
    Phrase,
}

/// A term or phrase that is not under a negation: what the search layer highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PositiveText<'a> {
    /// Term or phrase.
    pub kind: TextKind,
    /// The text as typed.
    pub text: &'a str,
    /// Its character span in the query.
    pub span: (usize, usize),
    /// The field it is restricted to; `None` for the paragraph body.
    pub field: Option<FieldName>,
}

impl Query {
    /// The terms and phrases not under a [`Query::Not`], left to right, with their field.
    pub fn positive_texts(&self) -> Vec<PositiveText<'_>> {
        let mut out = Vec::new();
        self.collect_positive(None, &mut out);
        out
    }

    fn collect_positive<'a>(&'a self, field: Option<FieldName>, out: &mut Vec<PositiveText<'a>>) {
        match self {
            Query::Term { text, span } | Query::Phrase { text, span } => {
                let kind = if matches!(self, Query::Term { .. }) {
                    TextKind::Term
                } else {
                    TextKind::Phrase
                };
                out.push(PositiveText {
                    kind,
                    text,
                    span: *span,
                    field,
                });
            }
            Query::Field { field, query } => query.collect_positive(Some(*field), out),
            Query::And(items) | Query::Or(items) => {
                items.iter().for_each(|q| q.collect_positive(field, out));
            }
            Query::Not(_) => {}
        }
    }

    /// Whether `self` and `other` are the same query, ignoring spans (e.g. a query and the
    /// parse of its `Display` form, or two spellings of one query in a batch).
    pub fn eq_ignoring_spans(&self, other: &Query) -> bool {
        match (self, other) {
            (Query::Term { text: a, .. }, Query::Term { text: b, .. })
            | (Query::Phrase { text: a, .. }, Query::Phrase { text: b, .. }) => a == b,
            (
                Query::Field {
                    field: fa,
                    query: qa,
                },
                Query::Field {
                    field: fb,
                    query: qb,
                },
            ) => fa == fb && qa.eq_ignoring_spans(qb),
            (Query::And(a), Query::And(b)) | (Query::Or(a), Query::Or(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignoring_spans(y))
            }
            (Query::Not(a), Query::Not(b)) => a.eq_ignoring_spans(b),
            _ => false,
        }
    }

    /// Whether the query finds something by itself (see "Positive parts" in the module docs).
    fn is_positive(&self) -> bool {
        match self {
            Query::Term { .. } | Query::Phrase { .. } => true,
            Query::Field { query, .. } => query.is_positive(),
            Query::And(items) => items.iter().any(Query::is_positive),
            Query::Or(items) => items.iter().all(Query::is_positive),
            Query::Not(_) => false,
        }
    }

    /// Writes `self` as an operand of `-` or of a field: atoms bare, And/Or parenthesized.
    fn fmt_unit(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::And(_) | Query::Or(_) => write!(f, "({self})"),
            _ => write!(f, "{self}"),
        }
    }
}

/// Prints the canonical query text: single spaces, `OR` for `|`, `-` for `NOT`, lower-case
/// field names with an ASCII colon, parentheses only where needed, and phrases in `"…"`
/// (or `“…”` / `＂…＂` when the phrase contains `"`). It parses back to the same tree.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Term { text, .. } => f.write_str(text),
            Query::Phrase { text, .. } => {
                // The phrase was closed by the first closer of its style, so at least one
                // style's closer does not occur in the text.
                let (open, close) = if !text.contains('"') {
                    ('"', '"')
                } else if !text.contains('”') {
                    ('“', '”')
                } else {
                    ('＂', '＂')
                };
                write!(f, "{open}{text}{close}")
            }
            Query::Field { field, query } => {
                write!(f, "{field}:")?;
                match **query {
                    // `title:-x` is an error (a `-` right after the colon): keep the group.
                    Query::Not(_) => write!(f, "({query})"),
                    _ => query.fmt_unit(f),
                }
            }
            Query::And(items) => {
                for (i, q) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    match q {
                        Query::Or(_) => write!(f, "({q})")?,
                        _ => write!(f, "{q}")?,
                    }
                }
                Ok(())
            }
            Query::Or(items) => {
                for (i, q) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" OR ")?;
                    }
                    write!(f, "{q}")?;
                }
                Ok(())
            }
            Query::Not(q) => {
                f.write_str("-")?;
                q.fmt_unit(f)
            }
        }
    }
}

/// Parses a query (see the module docs for the language). Errors are [`Error::Query`] with the
/// 0-based character position of the problem; no input makes it panic.
pub fn parse(query: &str) -> Result<Query> {
    let chars: Vec<char> = query.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(query_error(
            MAX_QUERY_CHARS,
            format!(
                "the query is {} characters long; the limit is {MAX_QUERY_CHARS}",
                chars.len()
            ),
        ));
    }
    let tokens = Lexer {
        chars: &chars,
        tokens: Vec::new(),
    }
    .run()?;
    if tokens.is_empty() {
        return Err(query_error(0, "empty query"));
    }
    let mut parser = Parser {
        tokens,
        next: 0,
        depth: 0,
    };
    let query = parser.parse_top()?;
    check_term_count(&query)?;
    Ok(query)
}

/// Refuses a query with more than [`MAX_TERMS`] distinct terms and phrases (after repeats
/// were merged), at the position of the first one past the limit.
fn check_term_count(query: &Query) -> Result<()> {
    fn walk<'a>(q: &'a Query, seen: &mut std::collections::HashSet<(bool, &'a str)>) -> Result<()> {
        match q {
            Query::Term { text, span } | Query::Phrase { text, span } => {
                if seen.insert((matches!(q, Query::Term { .. }), text)) && seen.len() > MAX_TERMS {
                    return Err(query_error(
                        span.0,
                        format!("more than {MAX_TERMS} distinct terms and phrases"),
                    ));
                }
                Ok(())
            }
            Query::Field { query, .. } | Query::Not(query) => walk(query, seen),
            Query::And(items) | Query::Or(items) => items.iter().try_for_each(|i| walk(i, seen)),
        }
    }
    walk(query, &mut Default::default())
}

fn query_error(position: usize, message: impl Into<String>) -> Error {
    Error::Query {
        position,
        message: message.into(),
    }
}

/// Characters that separate terms and are otherwise ignored.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control() || c == '\u{200B}' || c == '\u{FEFF}'
}

/// The closing quote for an opening quote character.
fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '“' => Some('”'),
        '＂' => Some('＂'),
        _ => None,
    }
}

/// Characters that end a bare term.
fn ends_term(c: char) -> bool {
    is_separator(c) || matches!(c, '(' | ')' | '|') || closing_quote(c).is_some()
}

/// Where the colon of a known field prefix at the start of `run` is, if there is one.
fn field_colon(run: &[char]) -> Option<usize> {
    let letters = run.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let colon = *run.get(letters)?;
    let name: String = run[..letters].iter().collect();
    (letters > 0 && matches!(colon, ':' | '：') && FieldName::from_name(&name).is_some())
        .then_some(letters)
}

/// The end of a field's literal operand starting at `from` (not a group or a phrase): like a
/// bare term, but parentheses balanced inside it are text, so a path pasted from the output
/// (`path:laws-cn/…条例(2024-09-24).md`) stays whole while `(title:x)` still closes its group.
fn literal_end(chars: &[char], from: usize) -> usize {
    if chars
        .get(from)
        .is_some_and(|&c| c == '(' || closing_quote(c).is_some())
    {
        return from;
    }
    let mut depth = 0usize;
    for (j, &c) in chars.iter().enumerate().skip(from) {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if ends_term(c) => return j,
            _ => {}
        }
    }
    chars.len()
}

#[derive(Debug)]
enum Token {
    /// A bare term; `literal` when it is the operand right after a field's colon.
    Word {
        text: String,
        start: usize,
        end: usize,
        literal: bool,
    },
    /// A phrase; `open` is the position of its opening quote.
    Phrase {
        text: String,
        open: usize,
        start: usize,
        end: usize,
    },
    /// `title:` etc.; `colon` is the position of the colon.
    Field {
        field: FieldName,
        start: usize,
        colon: usize,
    },
    LParen(usize),
    RParen(usize),
    Or(usize),
    Not(usize),
    Minus(usize),
}

impl Token {
    fn start(&self) -> usize {
        match *self {
            Token::Word { start, .. } | Token::Field { start, .. } => start,
            Token::Phrase { open, .. } => open,
            Token::LParen(p)
            | Token::RParen(p)
            | Token::Or(p)
            | Token::Not(p)
            | Token::Minus(p) => p,
        }
    }

    /// Whether the token can begin a unary expression.
    fn starts_unit(&self) -> bool {
        !matches!(self, Token::RParen(_) | Token::Or(_))
    }
}

struct Lexer<'q> {
    chars: &'q [char],
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn text(&self, start: usize, end: usize) -> String {
        self.chars[start..end].iter().collect()
    }

    fn run(mut self) -> Result<Vec<Token>> {
        let chars = self.chars;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if is_separator(c) {
                i += 1;
                continue;
            }
            match c {
                '(' => self.tokens.push(Token::LParen(i)),
                ')' => self.tokens.push(Token::RParen(i)),
                '|' => self.tokens.push(Token::Or(i)),
                _ => {
                    if let Some(close) = closing_quote(c) {
                        i = self.phrase(i, close)?;
                    } else {
                        let mut end = (i..chars.len())
                            .find(|&j| ends_term(chars[j]))
                            .unwrap_or(chars.len());
                        // After any `-`s, as in `-path:…`.
                        let at = (i..end).find(|&j| chars[j] != '-').unwrap_or(end);
                        if let Some(colon) = field_colon(&chars[at..end]) {
                            end = literal_end(chars, at + colon + 1);
                        }
                        self.word(i, end)?;
                        i = end;
                    }
                    continue;
                }
            }
            i += 1;
        }
        Ok(self.tokens)
    }

    /// Lexes the phrase opened at `open`; returns the position after its closing quote.
    fn phrase(&mut self, open: usize, close: char) -> Result<usize> {
        let start = open + 1;
        let Some(end) = (start..self.chars.len()).find(|&j| self.chars[j] == close) else {
            let opener = self.chars[open];
            return Err(query_error(
                open,
                format!("unclosed quote: `{opener}` has no matching `{close}`"),
            ));
        };
        if self.chars[start..end].iter().all(|&c| is_separator(c)) {
            return Err(query_error(open, "empty phrase"));
        }
        self.tokens.push(Token::Phrase {
            text: self.text(start, end),
            open,
            start,
            end,
        });
        Ok(end + 1)
    }

    /// Lexes the bare run of characters `[start, end)`: leading `-`s, then an operator word,
    /// a field prefix (with its literal operand) or a plain term.
    fn word(&mut self, mut start: usize, end: usize) -> Result<()> {
        let chars = self.chars;
        while chars[start] == '-' {
            self.tokens.push(Token::Minus(start));
            start += 1;
            if start == end {
                return Ok(());
            }
        }
        let run = &chars[start..end];
        if run == ['O', 'R'] {
            self.tokens.push(Token::Or(start));
            return Ok(());
        }
        if run == ['N', 'O', 'T'] {
            self.tokens.push(Token::Not(start));
            return Ok(());
        }
        let letters = run.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let colon = start + letters;
        if letters > 0 && colon < end && matches!(chars[colon], ':' | '：') {
            let name = self.text(start, colon);
            match FieldName::from_name(&name) {
                Some(field) => {
                    self.tokens.push(Token::Field {
                        field,
                        start,
                        colon,
                    });
                    if colon + 1 < end {
                        if let Some(inner) = field_colon(&chars[colon + 1..end]) {
                            let inner: String =
                                chars[colon + 1..colon + 1 + inner].iter().collect();
                            return Err(query_error(
                                colon + 1,
                                format!(
                                    "field filters cannot be nested: `{inner}:` right after \
                                     `{field}:`; to search for the text `{inner}:`, quote it"
                                ),
                            ));
                        }
                        if chars[colon + 1] == '-' {
                            return Err(query_error(
                                colon + 1,
                                format!(
                                    "`-` right after `{field}:`; to exclude matches write \
                                     `-{field}:…`, to search for a leading `-` quote it"
                                ),
                            ));
                        }
                        self.tokens.push(Token::Word {
                            text: self.text(colon + 1, end),
                            start: colon + 1,
                            end,
                            literal: true,
                        });
                    }
                    return Ok(());
                }
                None if chars[colon] == ':' => {
                    return Err(query_error(
                        start,
                        format!(
                            "unknown field `{name}` (known: title, section, path); \
                             put the term in quotes to search for it as text"
                        ),
                    ));
                }
                None => {}
            }
        }
        self.tokens.push(Token::Word {
            text: self.text(start, end),
            start,
            end,
            literal: false,
        });
        Ok(())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Parses and prints canonically; panics with the error if it fails.
    fn canon(query: &str) -> String {
        match parse(query) {
            Ok(q) => q.to_string(),
            Err(e) => panic!("{query:?}: {e}"),
        }
    }

    /// The error position and message for a query that must fail.
    fn error(query: &str) -> (usize, String) {
        match parse(query) {
            Err(Error::Query { position, message }) => (position, message),
            other => panic!("{query:?}: expected a query error, got {other:?}"),
        }
    }

    fn term(text: &str, start: usize) -> Query {
        Query::Term {
            text: text.into(),
            span: (start, start + text.chars().count()),
        }
    }

    fn phrase(text: &str, start: usize) -> Query {
        Query::Phrase {
            text: text.into(),
            span: (start, start + text.chars().count()),
        }
    }

    #[test]
    fn bare_terms_are_anded_with_spans() {
        assert_eq!(
            parse("人工智能 发展").unwrap(),
            Query::And(vec![term("人工智能", 0), term("发展", 5)])
        );
        assert_eq!(parse("  人工智能  ").unwrap(), term("人工智能", 2));
    }

    #[test]
    fn separators_include_full_width_space_and_control_characters() {
        assert_eq!(
            parse("人工智能\u{3000}发展\t规划\n政策\u{0}法规\u{FEFF}").unwrap(),
            Query::And(vec![
                term("人工智能", 0),
                term("发展", 5),
                term("规划", 8),
                term("政策", 11),
                term("法规", 14),
            ])
        );
    }

    #[test]
    fn phrases_in_all_three_quote_styles() {
        assert_eq!(
            parse("\"人工智能 发展\"").unwrap(),
            phrase("人工智能 发展", 1)
        );
        assert_eq!(parse("“人工智能”").unwrap(), phrase("人工智能", 1));
        assert_eq!(parse("＂人工智能＂").unwrap(), phrase("人工智能", 1));
        assert_eq!(
            parse("a“十四五”规划").unwrap(),
            Query::And(vec![term("a", 0), phrase("十四五", 2), term("规划", 6)])
        );
    }

    #[test]
    fn phrase_text_is_literal() {
        assert_eq!(
            parse("\"a OR (b) -c NOT title:d “e”\"").unwrap(),
            phrase("a OR (b) -c NOT title:d “e”", 1)
        );
        assert_eq!(parse("“say \"hi\"”").unwrap(), phrase("say \"hi\"", 1));
    }

    #[test]
    fn or_binds_looser_than_and() {
        assert_eq!(
            parse("a b OR c").unwrap(),
            Query::Or(vec![
                Query::And(vec![term("a", 0), term("b", 2)]),
                term("c", 7)
            ])
        );
        assert_eq!(canon("a OR b c"), "a OR b c");
        assert_eq!(canon("(a OR b) c"), "(a OR b) c");
        assert_eq!(canon("a|b | c"), "a OR b OR c");
        assert_eq!(canon("a OR (b OR c)"), "a OR b OR c");
    }

    #[test]
    fn lowercase_operators_are_terms() {
        assert_eq!(canon("a or b"), "a or b");
        assert_eq!(canon("not a"), "not a");
        assert_eq!(canon("Or OR nOT"), "Or OR nOT");
        assert_eq!(canon("ORDER NOTE"), "ORDER NOTE");
    }

    #[test]
    fn negation() {
        assert_eq!(
            parse("a -b").unwrap(),
            Query::And(vec![term("a", 0), Query::Not(Box::new(term("b", 3)))])
        );
        assert_eq!(canon("a NOT b"), "a -b");
        assert_eq!(canon("a NOT  \"b c\""), "a -\"b c\"");
        assert_eq!(canon("a -(b OR c)"), "a -(b OR c)");
        assert_eq!(canon("a NOT (b c)"), "a -(b c)");
        assert_eq!(canon("a -title:b"), "a -title:b");
        assert_eq!(canon("--a"), "a");
        assert_eq!(canon("NOT -a b"), "a b");
        assert_eq!(canon("a -(-b)"), "a b");
    }

    #[test]
    fn hyphen_inside_a_term_is_text() {
        assert_eq!(canon("COVID-19 6-1"), "COVID-19 6-1");
        assert_eq!(parse("2021-2025").unwrap(), term("2021-2025", 0));
        assert_eq!(canon("\"a\"-b"), "\"a\" -b");
    }

    #[test]
    fn full_width_operator_lookalikes_are_text() {
        assert_eq!(parse("（一）总则").unwrap(), term("（一）总则", 0));
        assert_eq!(parse("－a").unwrap(), term("－a", 0));
        assert_eq!(parse("a｜b").unwrap(), term("a｜b", 0));
    }

    #[test]
    fn field_filters() {
        let title = |q| Query::Field {
            field: FieldName::Title,
            query: Box::new(q),
        };
        assert_eq!(parse("title:人工智能").unwrap(), title(term("人工智能", 6)));
        assert_eq!(
            parse("Title：人工智能").unwrap(),
            title(term("人工智能", 6))
        );
        assert_eq!(parse("title:\"a b\"").unwrap(), title(phrase("a b", 7)));
        assert_eq!(parse("title：“a b”").unwrap(), title(phrase("a b", 7)));
        assert_eq!(
            parse("title:(a OR b)").unwrap(),
            title(Query::Or(vec![term("a", 7), term("b", 12)]))
        );
        assert_eq!(canon("section:(a -b) c"), "section:(a -b) c");
        assert_eq!(canon("path:法律/民法 x"), "path:法律/民法 x");
        assert_eq!(canon("path:a/b:c"), "path:a/b:c");
        assert_eq!(canon("title:OR"), "title:OR");
        assert_eq!(canon("title:(a)"), "title:a");
        assert_eq!(canon("SECTION:x"), "section:x");
        // Balanced parentheses inside an operand are text (paths hold dates so); an
        // unbalanced `)` closes the enclosing group.
        assert_eq!(
            parse("path:a/条例(2024-09-24).md x").unwrap(),
            Query::And(vec![
                Query::Field {
                    field: FieldName::Path,
                    query: Box::new(term("a/条例(2024-09-24).md", 5)),
                },
                term("x", 25)
            ])
        );
        assert_eq!(canon("(title:x) y"), "title:x y");
        assert_eq!(canon("(a OR path:b(c)) d"), "(a OR path:b(c)) d");
        assert_eq!(canon("x -path:b(c).md"), "x -path:b(c).md");
        assert!(parse("title:x)").is_err());
        // A field right after a field is the nesting `title:(section:x)` forbids too.
        let e = parse("title:section:法").unwrap_err().to_string();
        assert!(e.contains("character 6") && e.contains("nested"), "{e}");
        assert_eq!(canon("title:\"section:法\""), "title:\"section:法\"");
    }

    #[test]
    fn colon_terms_that_are_not_fields() {
        assert_eq!(parse("12:30").unwrap(), term("12:30", 0));
        assert_eq!(parse("第3条:").unwrap(), term("第3条:", 0));
        assert_eq!(parse(":x").unwrap(), term(":x", 0));
        assert_eq!(parse("a1:b").unwrap(), term("a1:b", 0));
        assert_eq!(parse("AI：人工智能").unwrap(), term("AI：人工智能", 0));
    }

    #[test]
    fn field_errors() {
        assert_eq!(
            error("x foo:bar"),
            (
                2,
                "unknown field `foo` (known: title, section, path); put the term in quotes \
                 to search for it as text"
                    .into()
            )
        );
        assert_eq!(error("https://www.gov.cn").0, 0);
        assert_eq!(error("title:").0, 5);
        assert_eq!(error("a title: b").0, 7);
        assert_eq!(error("(title:)").0, 6);
        assert_eq!(error("title:|a").0, 5);
        assert_eq!(error("title:-x").0, 6);
        let (pos, message) = error("title:(a section:b)");
        assert_eq!(pos, 9);
        assert!(message.contains("cannot be nested"), "{message}");
    }

    #[test]
    fn groups_flatten_and_unwrap() {
        assert_eq!(
            parse("(a (b c)) OR ((d))").unwrap(),
            Query::Or(vec![
                Query::And(vec![term("a", 1), term("b", 4), term("c", 6)]),
                term("d", 15)
            ])
        );
        assert_eq!(canon("((a b))"), "a b");
    }

    #[test]
    fn quote_errors() {
        assert_eq!(error("a \"b").0, 2);
        assert_eq!(error("a “b\"").0, 2);
        assert_eq!(error("\"a”").0, 0);
        assert_eq!(error("a ＂b").0, 2);
        assert_eq!(error("a \"\"").1, "empty phrase");
        assert_eq!(error("a \"\"").0, 2);
        assert_eq!(error("a “\u{3000}”").0, 2);
        // An unclosed quote swallows the rest, so it is reported before parentheses.
        assert_eq!(error("(a \"b)").0, 3);
    }

    #[test]
    fn parenthesis_errors() {
        assert_eq!(error("a (b"), (2, "unclosed `(`".into()));
        assert_eq!(error("(a (b)").0, 0);
        assert_eq!(error("a) b"), (1, "`)` without a matching `(`".into()));
        assert_eq!(error(")").0, 0);
        assert_eq!(error("a ()"), (2, "empty parentheses".into()));
    }

    #[test]
    fn dangling_or() {
        assert_eq!(error("OR a").0, 0);
        assert_eq!(error("a OR").0, 2);
        assert_eq!(error("a OR OR b").0, 5);
        assert_eq!(error("a || b").0, 3);
        assert_eq!(error("(a OR) b").0, 3);
        assert_eq!(error("(OR a)").0, 1);
        assert!(error("a OR").1.contains("after it"));
    }

    #[test]
    fn lone_negation() {
        assert_eq!(error("a -").0, 2);
        assert_eq!(error("a - b").0, 2);
        assert_eq!(error("(a -)").0, 3);
        assert_eq!(error("a -|b").0, 2);
        assert_eq!(error("a --").0, 3);
        assert_eq!(error("a NOT").0, 2);
        assert_eq!(error("a NOT OR b").0, 2);
        assert_eq!(error("(a NOT) b").0, 3);
    }

    #[test]
    fn empty_query() {
        for q in ["", "   ", "\u{3000}\t\n", "\u{0}\u{1F}"] {
            assert_eq!(error(q), (0, "empty query".into()));
        }
    }

    #[test]
    fn only_negative_parts() {
        for q in [
            "-a",
            "NOT a",
            "-a -b",
            "NOT (a b)",
            "title:(-a)",
            "(-a OR b)",
        ] {
            let (pos, message) = error(q);
            assert_eq!(pos, 0, "{q}");
            assert!(message.contains("at least one positive term"), "{message}");
        }
        assert_eq!(error("-a OR b").0, 0);
        assert_eq!(error("b OR -a").0, 5);
        assert_eq!(error("b OR c -d OR (-e)").0, 13);
        assert_eq!(canon("a (-b OR c)"), "a (-b OR c)");
        assert_eq!(canon("-a b"), "-a b");
    }

    #[test]
    fn nesting_limit() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(canon(&ok), "a");
        let deep = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        let (pos, message) = error(&deep);
        assert_eq!(pos, MAX_DEPTH);
        assert!(message.contains("nested"), "{message}");
        // Unbalanced and very deep: the depth limit is hit first, without overflowing.
        assert_eq!(error(&"(".repeat(10_000)).0, MAX_DEPTH);
        let field_deep = format!("title:{}a{}", "(".repeat(70), ")".repeat(70));
        assert!(error(&field_deep).1.contains("nested"));
    }

    #[test]
    fn repeats_merge_and_size_is_bounded() {
        assert_eq!(canon("数据 数据 安全 数据"), "数据 安全");
        assert_eq!(canon("a OR b OR a"), "a OR b");
        assert_eq!(canon("\"a\" a \"a\""), "\"a\" a");
        // 数据 repeated to 100 KB and 300 KB: refused at once, at the limit.
        for bytes in [100_000, 300_000] {
            let long = "数据".repeat(bytes / 6);
            let (pos, message) = error(&long);
            assert_eq!(pos, MAX_QUERY_CHARS);
            assert!(message.contains("limit is 10000"), "{message}");
            let spaced = vec!["数据"; bytes / 7].join(" ");
            assert_eq!(error(&spaced).0, MAX_QUERY_CHARS);
        }
        // Just under the length limit, repeats merge into one term.
        let repeated = vec!["数据"; 3_000].join(" ");
        assert_eq!(canon(&repeated), "数据");
        // Distinct terms past the limit: the position of the first one too many.
        let many: String = (0..=MAX_TERMS).map(|i| format!("t{i:03} ")).collect();
        let (pos, message) = error(&many);
        assert_eq!(pos, MAX_TERMS * 5);
        assert!(message.contains("distinct"), "{message}");
    }

    #[test]
    fn long_and_unusual_inputs_do_not_panic() {
        assert_eq!(canon(&format!("{}a", "-".repeat(9_998))), "a");
        assert_eq!(error(&format!("{}a", "-".repeat(9_999))).0, 0);
        let many: String = (0..MAX_TERMS).map(|i| format!("政策{i} ")).collect();
        assert!(matches!(parse(&many).unwrap(), Query::And(v) if v.len() == MAX_TERMS));
        assert!(parse(&"OR ".repeat(5_000)).is_err());
        assert!(parse(&"NOT ".repeat(5_000)).is_err());
        assert!(parse(&")".repeat(10_000)).is_err());
        assert_eq!(canon("😀 𠀀𪜀 \u{E000}"), "😀 𠀀𪜀 \u{E000}");
        assert_eq!(parse("x 😀:y").unwrap().to_string(), "x 😀:y");
    }

    #[test]
    fn display_chooses_a_quote_that_round_trips() {
        for q in ["\"a“b”c＂d\"", "“a\"b”", "＂a\"b”c＂"] {
            let parsed = parse(q).unwrap();
            let again = parse(&parsed.to_string()).unwrap();
            assert!(parsed.eq_ignoring_spans(&again), "{q} -> {parsed}");
        }
        assert_eq!(canon("“a\"b”"), "“a\"b”");
        assert_eq!(canon("＂a\"b”c＂"), "＂a\"b”c＂");
    }

    #[test]
    fn a_negated_field_group_keeps_its_parentheses() {
        // Found by the fuzz pass: `title:-x` does not parse, so the group must stay.
        for q in ["title:(-\"foo\") a", "title:(-\"“\")a", "section:(NOT x) y"] {
            let parsed = parse(q).unwrap();
            let printed = parsed.to_string();
            let again = parse(&printed).unwrap_or_else(|e| panic!("{q} printed as {printed}: {e}"));
            assert!(parsed.eq_ignoring_spans(&again), "{q} -> {printed}");
        }
        assert_eq!(canon("title:(-foo) a"), "title:(-foo) a");
    }

    #[test]
    fn positive_texts_skip_negated_parts() {
        let q = parse("人工智能 \"发展 规划\" -草案 title:(报告 -征求) OR section:x").unwrap();
        let got: Vec<_> = q
            .positive_texts()
            .into_iter()
            .map(|p| (p.kind, p.text, p.field))
            .collect();
        assert_eq!(
            got,
            vec![
                (TextKind::Term, "人工智能", None),
                (TextKind::Phrase, "发展 规划", None),
                (TextKind::Term, "报告", Some(FieldName::Title)),
                (TextKind::Term, "x", Some(FieldName::Section)),
            ]
        );
        assert_eq!(q.positive_texts()[1].span, (6, 11));
    }

    /// Every span in `q`, with the text it must cover.
    fn spans<'a>(q: &'a Query, out: &mut Vec<(&'a str, (usize, usize))>) {
        match q {
            Query::Term { text, span } | Query::Phrase { text, span } => out.push((text, *span)),
            Query::Field { query, .. } | Query::Not(query) => spans(query, out),
            Query::And(items) | Query::Or(items) => items.iter().for_each(|i| spans(i, out)),
        }
    }

    /// The invariants the fuzz target checks too.
    fn check_invariants(input: &str) {
        let chars: Vec<char> = input.chars().collect();
        match parse(input) {
            Err(Error::Query { position, .. }) => assert!(position <= chars.len()),
            Err(other) => panic!("unexpected error kind {other:?}"),
            Ok(q) => {
                let mut all = Vec::new();
                spans(&q, &mut all);
                assert!(!all.is_empty());
                for (text, (start, end)) in all {
                    assert!(
                        start < end && end <= chars.len(),
                        "{input:?}: {start}..{end}"
                    );
                    let covered: String = chars[start..end].iter().collect();
                    assert_eq!(covered, text);
                }
                let printed = q.to_string();
                let again = parse(&printed)
                    .unwrap_or_else(|e| panic!("{input:?} printed as {printed:?}: {e}"));
                assert!(
                    q.eq_ignoring_spans(&again),
                    "{input:?} -> {q:?}, printed {printed:?} -> {again:?}"
                );
                assert_eq!(again.to_string(), printed);
            }
        }
    }

    fn fragment() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "a",
            "政策",
            "人工智能",
            "COVID-19",
            "12:30",
            " ",
            " ",
            "\u{3000}",
            "\t",
            "\u{0}",
            "\u{7}",
            "\"",
            "“",
            "”",
            "＂",
            "(",
            ")",
            "（",
            "-",
            "－",
            "|",
            "OR",
            "NOT",
            "or",
            ":",
            "：",
            "title",
            "section",
            "path",
            "foo",
            "Title",
            "😀",
            "𠀀",
            "\u{200B}",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(crate::fuzz_cases(2_000)))]

        #[test]
        fn fragments_never_panic_and_round_trip(parts in prop::collection::vec(fragment(), 0..24)) {
            check_invariants(&parts.concat());
        }

        #[test]
        fn arbitrary_strings_never_panic_and_round_trip(input in any::<String>()) {
            check_invariants(&input);
        }

        #[test]
        fn arbitrary_ascii_never_panics_and_round_trips(input in "[ -~\t]{0,40}") {
            check_invariants(&input);
        }
    }
}
