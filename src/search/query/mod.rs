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
//! PHRASE   := "…" | “…” | ＂…＂                  literal but for `\"` and `\\`
//! ```
//!
//! Lexical rules, precisely:
//! - **Separators** are Unicode white space (ASCII space, tab, line breaks, U+3000 full-width
//!   space, …), control characters, U+200B zero-width space and U+FEFF (a pasted BOM).
//! - A **bare term** is a run of characters up to a separator, `(`, `)` or `|`, starting
//!   where a token starts with anything but an opening quote (that starts a phrase). The
//!   words `OR` and `NOT` (upper case, standing alone) are operators; `or`, `not`, `Or` are
//!   plain terms. Full-width `（ ）｜－` are ordinary term characters, so
//!   `（一）总则` is one term, as written in policy texts.
//! - **Phrases** open with `"`, `“` or `＂` where a token starts: at the start of the query,
//!   after a separator, `(`, `)`, `|`, the `-`s of a negation or a field's colon. A quote
//!   anywhere else (`a“b”c`, `AI："x"`) is a character of its bare term, as other punctuation
//!   is. A phrase closes at the first matching `"`, `”` or `＂` that stands before the end of
//!   the query, a separator, `)` or `|`; a closing quote before anything else is part of the
//!   phrase, so a pasted sentence keeps its own quotes: `"推进“一带一路”建设"` and
//!   `“推进"一带一路"建设”` are the phrases `推进“一带一路”建设` and `推进"一带一路"建设`.
//!   Inside a phrase, `\` before a quote character (`"` `“` `”` `＂`) or before `\` stands
//!   for that character (`"a\" b"` is the phrase `a" b`); any other `\` is itself. A phrase
//!   with no closing quote is an error at its opening quote (`"a"b`: the `"` before `b` does
//!   not close, and the message names it; write `"a" b`), and so is a mismatched pair such as
//!   `"…”`. Otherwise phrase text is kept verbatim and may contain any character, parentheses
//!   and `OR` included. A phrase that is empty or only separators is an error.
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

use std::fmt::{self, Write as _};

mod lexer;
mod parser;
#[cfg(test)]
mod tests;
pub mod values;

use crate::corpus::meta::DateRole;
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
    /// The document's path relative to the corpus root, `/`-separated: a substring of it, a
    /// prefix with a leading `/`, or a glob with `*` and `?` ([`values`]).
    Path,
    /// Not a filter: what it holds is searched as written, without other forms.
    Literal,
    /// The document's kind, one of the vocabulary of [`crate::corpus::meta::kind`].
    Kind,
    /// Who issued or enacted the document (part of a body's name).
    Issuer,
    /// The document number (文号), or part of it.
    Number,
    /// Whether the document is in force ([`values::parse_status`]).
    Status,
    /// The province-level region (`浙江`, `全国`) or city.
    Region,
    /// The speaker or signer (part of the name).
    Person,
    /// A date range ([`values::DateRange`]) on the main date (`date:`), or on the dates of
    /// one role (`effective:`, `adopted:`, …).
    Date(Option<DateRole>),
}

/// The date roles that name a date field, as written in queries.
const DATE_ROLES: [DateRole; 11] = [
    DateRole::Adopted,
    DateRole::Approved,
    DateRole::Promulgated,
    DateRole::Effective,
    DateRole::Amended,
    DateRole::Revised,
    DateRole::Repealed,
    DateRole::Delivered,
    DateRole::Signed,
    DateRole::Modified,
    DateRole::Version,
];

impl FieldName {
    /// The fields that are not dates, in the order they are listed in messages.
    pub const ALL: [FieldName; 10] = [
        FieldName::Title,
        FieldName::Section,
        FieldName::Path,
        FieldName::Literal,
        FieldName::Kind,
        FieldName::Issuer,
        FieldName::Number,
        FieldName::Status,
        FieldName::Region,
        FieldName::Person,
    ];

    /// The name as written in queries (`title`, `section`, `path`, `date`, `effective`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldName::Title => "title",
            FieldName::Section => "section",
            FieldName::Path => "path",
            FieldName::Literal => "literal",
            FieldName::Kind => "kind",
            FieldName::Issuer => "issuer",
            FieldName::Number => "number",
            FieldName::Status => "status",
            FieldName::Region => "region",
            FieldName::Person => "person",
            FieldName::Date(None) => "date",
            FieldName::Date(Some(role)) => role.as_str(),
        }
    }

    /// The field called `name`, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<FieldName> {
        if name.eq_ignore_ascii_case("date") {
            return Some(FieldName::Date(None));
        }
        (FieldName::ALL.into_iter())
            .chain(DATE_ROLES.map(|r| FieldName::Date(Some(r))))
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }

    /// Whether the field filters by the document's metadata ([`crate::corpus::meta`]), whose
    /// values [`values::check`] validates as the query is parsed.
    pub fn is_metadata(self) -> bool {
        !matches!(
            self,
            FieldName::Title | FieldName::Section | FieldName::Path | FieldName::Literal
        )
    }

    /// Every field name, for messages.
    pub fn known() -> String {
        let mut names: Vec<&str> = FieldName::ALL.iter().map(|f| f.as_str()).collect();
        names.push("date");
        names.extend(DATE_ROLES.iter().map(|r| r.as_str()));
        names.join(", ")
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed query. Spans are half-open `[start, end)` 0-based **character** offsets into the
/// query text, and cover exactly the characters `text` was read from: a term's are its
/// text, a phrase's are its text as written between the quotes, escapes included (see
/// [`phrase_text`]).
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
        /// The text between the quotes, verbatim but for its escapes (never empty or only
        /// white space).
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
/// field names with an ASCII colon, parentheses only where needed, and phrases in `"…"`, with
/// `\` before a `"` of the text that would close the phrase and before a `\` that would
/// escape. It parses back to the same tree.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Term { text, .. } => f.write_str(text),
            Query::Phrase { text, .. } => {
                f.write_char('"')?;
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    let next = chars.peek().copied();
                    let escape = match c {
                        // Before a quote or a `\`, or at the end (the closing `"` follows),
                        // a `\` would escape.
                        '\\' => next.is_none_or(lexer::is_escapable),
                        // At the end of the text the closing `"` follows, and it is not a
                        // separator, so the `"` stays text.
                        '"' => next.is_some() && lexer::closes_before(next),
                        _ => false,
                    };
                    if escape {
                        f.write_char('\\')?;
                    }
                    f.write_char(c)?;
                }
                f.write_char('"')
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

/// The text of the phrase written `raw` between its quotes: `\"`, `\“`, `\”`, `\＂` and
/// `\\` stand for the character after the `\`; everything else is itself.
pub fn phrase_text(raw: &str) -> String {
    lexer::unescape(&raw.chars().collect::<Vec<_>>())
}

/// The query that searches for `text` as one phrase: `text` in `"…"`, escaped where it must
/// be, so that [`parse`] gives back a [`Query::Phrase`] of exactly `text` (when `text` is not
/// empty or only white space, which is no phrase).
pub fn phrase_query(text: &str) -> String {
    Query::Phrase {
        text: text.to_string(),
        span: (0, 0),
    }
    .to_string()
}

/// The query `query` restricted to the document at `path`: `(query) path:"path"`, the path
/// quoted as a phrase (its `"` and `\\` escaped), so that the hits of a query inside one
/// document (the web page's document view) are found by the one search path. `path:` is a
/// prefix: the caller keeps the hits whose path is `path` itself.
pub fn within_document(query: &str, path: &str) -> String {
    let mut quoted = String::with_capacity(path.len() + 2);
    for c in path.chars() {
        if matches!(c, '"' | '\\' | '“' | '”' | '＂') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    format!("({query}) path:\"{quoted}\"")
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
    let tokens = lexer::tokens(&chars)?;
    if tokens.is_empty() {
        return Err(query_error(0, "empty query"));
    }
    let query = parser::parse_tokens(tokens)?;
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

/// A query error at the 0-based character `position`.
fn query_error(position: usize, message: impl Into<String>) -> Error {
    Error::Query {
        position,
        message: message.into(),
    }
}
