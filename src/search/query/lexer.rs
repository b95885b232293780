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
pub(super) enum Token {
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

/// The tokens of `chars`, or the error at the first character that cannot start one.
pub(super) fn tokens(chars: &[char]) -> Result<Vec<Token>> {
    Lexer {
        chars,
        tokens: Vec::new(),
    }
    .run()
}
