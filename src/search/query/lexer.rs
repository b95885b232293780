//! The lexer of the query language: characters → [`Token`]s (terms, phrases, operators,
//! parentheses, field prefixes), each with its character position. The rules are in the
//! parent module's doc.

use super::{query_error, FieldName};
use crate::Result;

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

/// The characters a `\` inside a phrase escapes: the quote characters and itself.
pub(super) fn is_escapable(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂' | '\\')
}

/// Whether a closing quote followed by `next` (`None` at the end of the query) closes its
/// phrase: it does before the end, a separator, `)` or `|`; before anything else it is text.
pub(super) fn closes_before(next: Option<char>) -> bool {
    next.is_none_or(|c| is_separator(c) || matches!(c, ')' | '|'))
}

/// The text of a phrase written `raw` between its quotes: `\` before a quote character or
/// a `\` stands for that character; any other `\` is itself.
pub(super) fn unescape(raw: &[char]) -> String {
    let mut text = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (raw[i], raw.get(i + 1)) {
            ('\\', Some(&next)) if is_escapable(next) => {
                text.push(next);
                i += 2;
            }
            (c, _) => {
                text.push(c);
                i += 1;
            }
        }
    }
    text
}

/// Characters that end a bare term. A quote character does not: inside a term it is text.
fn ends_term(c: char) -> bool {
    is_separator(c) || matches!(c, '(' | ')' | '|')
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
pub(super) enum Token {
    /// A bare term; `literal` when it is the operand right after a field's colon.
    Word {
        text: String,
        start: usize,
        end: usize,
        literal: bool,
    },
    /// A phrase, escapes resolved; `open` is the position of its opening quote, `start` and
    /// `end` those of the characters between the quotes.
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
    pub(super) fn start(&self) -> usize {
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
    pub(super) fn starts_unit(&self) -> bool {
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
                    // A quote opens a phrase only where a token starts; inside a term it is
                    // text.
                    if let Some(close) = closing_quote(c) {
                        i = self.phrase(i, close)?;
                    } else {
                        // After any `-`s, as in `-path:…` or `-"…"`.
                        let at = (i..chars.len())
                            .find(|&j| chars[j] != '-')
                            .unwrap_or(chars.len());
                        let mut end = match chars.get(at) {
                            Some(&q) if closing_quote(q).is_some() => at,
                            _ => (at..chars.len())
                                .find(|&j| ends_term(chars[j]))
                                .unwrap_or(chars.len()),
                        };
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

    /// Lexes the phrase opened at `open`; returns the position after its closing quote: the
    /// first `close` that is not escaped and stands before the end, a separator, `)` or `|`.
    fn phrase(&mut self, open: usize, close: char) -> Result<usize> {
        let chars = self.chars;
        let start = open + 1;
        // The first `close` that stays text because of what follows it, and the first
        // escaped one that would close but for its `\`: what the error names when the
        // phrase is not closed.
        let mut inner = None;
        let mut escaped = None;
        let mut j = start;
        while j < chars.len() {
            let c = chars[j];
            if c == '\\' && chars.get(j + 1).is_some_and(|&n| is_escapable(n)) {
                if chars[j + 1] == close && closes_before(chars.get(j + 2).copied()) {
                    escaped.get_or_insert(j);
                }
                j += 2;
                continue;
            }
            if c == close {
                if closes_before(chars.get(j + 1).copied()) {
                    return self.push_phrase(open, start, j);
                }
                inner.get_or_insert(j);
            }
            j += 1;
        }
        let opener = chars[open];
        let mut message = format!(
            "unclosed quote: `{opener}` has no closing `{close}` before white space, `)`, `|` \
             or the end of the query"
        );
        if let Some(q) = inner {
            let next = chars[q + 1];
            message.push_str(&format!(
                "; the `{close}` at character {q} is followed by `{next}`, so it is part of the \
                 phrase (put a space after it to end the phrase there)"
            ));
        } else if let Some(e) = escaped {
            message.push_str(&format!(
                "; `\\{close}` at character {e} stands for the quote itself (to end a phrase \
                 with a backslash, write `\\\\{close}`)"
            ));
        }
        Err(query_error(open, message))
    }

    /// Pushes the phrase whose quotes are at `open` and `end`.
    fn push_phrase(&mut self, open: usize, start: usize, end: usize) -> Result<usize> {
        if self.chars[start..end].iter().all(|&c| is_separator(c)) {
            return Err(query_error(open, "empty phrase"));
        }
        self.tokens.push(Token::Phrase {
            text: unescape(&self.chars[start..end]),
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
                            "unknown field `{name}` (known: {}); \
                             put the term in quotes to search for it as text",
                            FieldName::known()
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

/// The tokens of `chars`, or the error at the first character that cannot start one.
pub(super) fn tokens(chars: &[char]) -> Result<Vec<Token>> {
    Lexer {
        chars,
        tokens: Vec::new(),
    }
    .run()
}
