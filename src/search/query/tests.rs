//! Tests of the query language: the grammar, errors and their positions, canonical forms
//! that round-trip, and property tests that no input panics.

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
    // A quote opens a phrase only where a token starts; inside a term it is text.
    assert_eq!(parse("a“十四五”规划").unwrap(), term("a“十四五”规划", 0));
    assert_eq!(parse("AI：\"x\"").unwrap(), term("AI：\"x\"", 0));
    assert_eq!(
        parse("推进“一带一路”建设").unwrap(),
        term("推进“一带一路”建设", 0)
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
    assert_eq!(canon("\"a\" -b"), "\"a\" -b");
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
            format!(
                "unknown field `foo` (known: {}); put the term in quotes to search for it \
                 as text",
                FieldName::known()
            )
        )
    );
    assert!(FieldName::known().starts_with("title, section, path, literal, kind"));
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
fn metadata_fields_parse_with_their_values() {
    let field = |q: &str| match parse(q).unwrap() {
        Query::Field { field, .. } => field,
        other => panic!("{q}: {other:?}"),
    };
    assert_eq!(field("kind:法律"), FieldName::Kind);
    assert_eq!(field("KIND：司法解釋"), FieldName::Kind);
    assert_eq!(field("issuer:国务院"), FieldName::Issuer);
    assert_eq!(field("number:国发〔2024〕1号"), FieldName::Number);
    assert_eq!(field("status:repealed"), FieldName::Status);
    assert_eq!(field("region:浙江"), FieldName::Region);
    assert_eq!(field("person:周恩来"), FieldName::Person);
    assert_eq!(field("date:2018..2024"), FieldName::Date(None));
    assert_eq!(field("date:>=2021-01-01"), FieldName::Date(None));
    assert_eq!(field("date:<2000"), FieldName::Date(None));
    use crate::corpus::meta::DateRole;
    assert_eq!(
        field("effective:2021.."),
        FieldName::Date(Some(DateRole::Effective))
    );
    assert_eq!(
        field("adopted:..1999"),
        FieldName::Date(Some(DateRole::Adopted))
    );
    assert_eq!(canon("effective:2021.."), "effective:2021..");
    assert_eq!(canon("kind:(法律 OR 行政法规)"), "kind:(法律 OR 行政法规)");
    // A field's own text stays whole: a date range is one term.
    assert_eq!(
        parse("a date:2018..2024").unwrap(),
        Query::And(vec![
            term("a", 0),
            Query::Field {
                field: FieldName::Date(None),
                query: Box::new(term("2018..2024", 7)),
            }
        ])
    );
}

#[test]
fn metadata_values_are_checked_at_their_position() {
    assert_eq!(error("a date:2018..20x4").0, 13);
    assert_eq!(error("a date:..").0, 7);
    assert_eq!(error("a date:2024..2018").0, 13);
    assert_eq!(error("a date:(2018 OR 19x9)").0, 16);
    assert_eq!(error("a effective:>=2021-13").0, 14);
    assert_eq!(error("a date:\"2021-02-30\"").0, 8);
    let (pos, message) = error("a kind:小说");
    assert_eq!(pos, 7);
    assert!(
        message.contains("unknown kind `小说`") && message.contains("司法解释"),
        "{message}"
    );
    let (pos, message) = error("a status:maybe");
    assert_eq!(pos, 9);
    assert!(message.contains("in_force"), "{message}");
    // Other fields take any text.
    assert!(parse("a issuer:whatever region:x person:y number:z").is_ok());
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
    let (pos, message) = error("a \"b");
    assert_eq!(pos, 2);
    assert!(message.starts_with("unclosed quote"), "{message}");
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
fn display_escapes_only_what_would_end_a_phrase() {
    for (q, printed) in [
        (r#""a“b”c＂d""#, r#""a“b”c＂d""#),
        (r#"“a"b”"#, r#""a"b""#),
        (r#"＂a"b”c＂"#, r#""a"b”c""#),
        // A `"` before a separator, `)` or `|` would close the phrase: escaped.
        (r#"“a" b”"#, r#""a\" b""#),
        (r#"“a")”"#, r#""a\")""#),
        (r#"“a"|b”"#, r#""a\"|b""#),
        // At the end of the text the closing quote follows, so it stays text.
        (r#"“a"”"#, r#""a"""#),
        // A `\` is escaped only where it would escape.
        (r#"“a\b”"#, r#""a\b""#),
        (r#"“a\\”"#, r#""a\\""#),
        (r#"“a\\"b”"#, r#""a\\"b""#),
        (r#"“a\\\" b”"#, r#""a\\\" b""#),
    ] {
        let parsed = parse(q).unwrap();
        assert_eq!(parsed.to_string(), printed, "{q}");
        let again = parse(printed).unwrap();
        assert!(parsed.eq_ignoring_spans(&again), "{q} -> {printed}");
    }
    assert_eq!(parse(r#""a"""#).unwrap(), phrase(r#"a""#, 1));
}

/// A phrase whose text was written between the quotes as `[start, end)`, escapes included.
fn escaped_phrase(text: &str, start: usize, end: usize) -> Query {
    Query::Phrase {
        text: text.into(),
        span: (start, end),
    }
}

#[test]
fn a_pasted_sentence_keeps_its_own_quotes() {
    // Quotes inside a phrase are text unless they stand before white space, `)`, `|` or the
    // end; in both directions, ASCII outside and curly inside or the other way round.
    assert_eq!(
        parse(r#""推进“一带一路”建设""#).unwrap(),
        phrase("推进“一带一路”建设", 1)
    );
    assert_eq!(
        parse(r#"“推进"一带一路"建设”"#).unwrap(),
        phrase(r#"推进"一带一路"建设"#, 1)
    );
    assert_eq!(
        parse(r#"＂推进“一带一路”建设＂"#).unwrap(),
        phrase("推进“一带一路”建设", 1)
    );
    assert_eq!(parse(r#""“一带一路”""#).unwrap(), phrase("“一带一路”", 1));
    assert_eq!(parse(r#"“他说“好”吧”"#).unwrap(), phrase("他说“好”吧", 1));
    // Each prints as it was pasted and parses back to itself.
    assert_eq!(canon(r#""推进“一带一路”建设""#), r#""推进“一带一路”建设""#);
    assert_eq!(canon(r#"“推进"一带一路"建设”"#), r#""推进"一带一路"建设""#);
    assert_eq!(
        canon(r#"“推进"一带一路" 建设”"#),
        r#""推进"一带一路\" 建设""#
    );
    // Beside other parts of a query.
    assert_eq!(
        parse(r#"报告 "推进“一带一路”建设" -草案"#).unwrap(),
        Query::And(vec![
            term("报告", 0),
            phrase("推进“一带一路”建设", 4),
            Query::Not(Box::new(term("草案", 17))),
        ])
    );
}

#[test]
fn escapes_inside_a_phrase() {
    // The span covers the text as written, escapes included.
    assert_eq!(
        parse(r#""推进\"一带一路\"建设""#).unwrap(),
        escaped_phrase(r#"推进"一带一路"建设"#, 1, 13)
    );
    assert_eq!(
        parse(r#""a\" b""#).unwrap(),
        escaped_phrase(r#"a" b"#, 1, 6)
    );
    assert_eq!(parse(r#"“a\” b”"#).unwrap(), escaped_phrase("a” b", 1, 6));
    assert_eq!(parse(r#""\“x\”""#).unwrap(), escaped_phrase("“x”", 1, 6));
    assert_eq!(parse(r#""a\\""#).unwrap(), escaped_phrase(r"a\", 1, 4));
    assert_eq!(parse(r#""a\\b""#).unwrap(), escaped_phrase(r"a\b", 1, 5));
    // Any other `\` is itself.
    assert_eq!(parse(r#""a\b""#).unwrap(), phrase(r"a\b", 1));
    assert_eq!(parse(r#""C:\数据\n""#).unwrap(), phrase(r"C:\数据\n", 1));
    // Outside phrases a `\` is a term character like any other.
    assert_eq!(parse(r"a\").unwrap(), term(r"a\", 0));
    assert_eq!(parse(r"\").unwrap(), term(r"\", 0));
    assert_eq!(parse(r#"a\"b""#).unwrap(), term(r#"a\"b""#, 0));
    // Escapes round-trip.
    for q in [
        r#""推进\"一带一路\"建设""#,
        r#""a\" b""#,
        r#""a\\""#,
        r#""\\\"""#,
        r#"title:"a\")" x"#,
    ] {
        let parsed = parse(q).unwrap();
        let again = parse(&parsed.to_string()).unwrap();
        assert!(parsed.eq_ignoring_spans(&again), "{q} -> {parsed}");
    }
}

#[test]
fn any_text_can_be_searched_as_a_phrase() {
    for text in [
        "推进“一带一路”建设",
        r#"推进"一带一路" 建设"#,
        r#"a" OR b"#,
        r#"x")"#,
        r"C:\",
        r#"\"|"#,
        r#"""#,
        " 前后 ",
    ] {
        let query = phrase_query(text);
        match parse(&query) {
            Ok(Query::Phrase { text: got, .. }) => assert_eq!(got, text, "{query}"),
            other => panic!("{text:?} as {query:?}: {other:?}"),
        }
    }
}

#[test]
fn a_backslash_before_the_last_quote_leaves_the_phrase_open() {
    let (pos, message) = error(r#""a\""#);
    assert_eq!(pos, 0);
    assert!(message.starts_with("unclosed quote"), "{message}");
    assert!(message.contains(r#"`\"` at character 2"#), "{message}");
    assert_eq!(error(r#"x “a\”"#).0, 2);
    assert_eq!(error(r#""\"#).0, 0);
    let (pos, message) = error(r#""a\" b"#);
    assert_eq!(pos, 0);
    assert!(message.contains(r#"`\"` at character 2"#), "{message}");
    // Escaped quotes inside the text are not what left the phrase open: not named.
    let (pos, message) = error(r#""推进\"一带一路\"建设"#);
    assert_eq!(pos, 0);
    assert!(message.starts_with("unclosed quote"), "{message}");
    assert!(!message.contains("character"), "{message}");
    // `\\` before the closing quote is a backslash, and the phrase closes.
    assert_eq!(parse(r#""a\\" b"#).unwrap().to_string(), r#""a\\" b"#);
}

#[test]
fn where_phrases_open_and_close() {
    let title = |q| Query::Field {
        field: FieldName::Title,
        query: Box::new(q),
    };
    // Two phrases: the first closes before the space.
    assert_eq!(
        parse(r#""a" "b""#).unwrap(),
        Query::And(vec![phrase("a", 1), phrase("b", 5)])
    );
    assert_eq!(
        parse(r#""a"|"b""#).unwrap(),
        Query::Or(vec![phrase("a", 1), phrase("b", 5)])
    );
    // After a field's colon, a `-`, a `(` or a `)`.
    assert_eq!(parse(r#"title:"x""#).unwrap(), title(phrase("x", 7)));
    assert_eq!(
        parse(r#"title:"“十四五”规划""#).unwrap(),
        title(phrase("“十四五”规划", 7))
    );
    assert_eq!(
        parse(r#"a -"x""#).unwrap(),
        Query::And(vec![term("a", 0), Query::Not(Box::new(phrase("x", 4)))])
    );
    assert_eq!(
        parse(r#"a -title:"x y""#).unwrap(),
        Query::And(vec![
            term("a", 0),
            Query::Not(Box::new(title(phrase("x y", 10))))
        ])
    );
    assert_eq!(parse(r#"("x")"#).unwrap(), phrase("x", 2));
    assert_eq!(
        parse(r#"(a OR "b")"#).unwrap(),
        Query::Or(vec![term("a", 1), phrase("b", 7)])
    );
    assert_eq!(
        parse(r#"(a)"b""#).unwrap(),
        Query::And(vec![term("a", 1), phrase("b", 4)])
    );
    // Inside a term a quote is text, at its start or not.
    assert_eq!(parse(r#"a"b""#).unwrap(), term(r#"a"b""#, 0));
    assert_eq!(parse("”a”").unwrap(), term("”a”", 0));
    // Quotes glued together stay inside one phrase.
    assert_eq!(parse(r#""a""b""#).unwrap(), phrase(r#"a""b"#, 1));
    assert_eq!(parse("“a”“b”").unwrap(), phrase("a”“b", 1));
    assert_eq!(parse(r#"""""#).unwrap(), phrase(r#"""#, 1));
    assert_eq!(error(r#""""#), (0, "empty phrase".into()));
}

#[test]
fn a_quote_glued_to_the_next_term_is_an_error_that_names_it() {
    // `"a"b`: the `"` before `b` is text, so the phrase never closes. The error is at the
    // opening quote and names the one that did not close.
    let (pos, message) = error(r#""a"b"#);
    assert_eq!(pos, 0);
    assert!(message.starts_with("unclosed quote"), "{message}");
    assert!(
        message.contains(r#"the `"` at character 2 is followed by `b`"#),
        "{message}"
    );
    let (pos, message) = error(r#"x "a"-b"#);
    assert_eq!(pos, 2);
    assert!(message.contains("character 4"), "{message}");
    let (pos, message) = error(r#"x “a”(b)"#);
    assert_eq!(pos, 2);
    assert!(message.contains("character 4"), "{message}");
    let (pos, message) = error(r#"-"x"y"#);
    assert_eq!(pos, 1);
    assert!(message.contains("character 3"), "{message}");
    // A sentence pasted without its closing quote: named at its first inner quote.
    let (pos, message) = error(r#"报告 "推进"一带一路"建设"#);
    assert_eq!(pos, 3);
    assert!(message.contains("character 6"), "{message}");
    // A mismatched pair is still unclosed.
    assert_eq!(error("\"a”").0, 0);
    assert_eq!(error("“a\"").0, 0);
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

/// Every span in `q`, with whether it is a phrase's and the text it must cover.
fn spans<'a>(q: &'a Query, out: &mut Vec<(bool, &'a str, (usize, usize))>) {
    match q {
        Query::Term { text, span } => out.push((false, text, *span)),
        Query::Phrase { text, span } => out.push((true, text, *span)),
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
            for (phrase, text, (start, end)) in all {
                assert!(
                    start < end && end <= chars.len(),
                    "{input:?}: {start}..{end}"
                );
                let covered: String = chars[start..end].iter().collect();
                match phrase {
                    true => assert_eq!(phrase_text(&covered), text),
                    false => assert_eq!(covered, text),
                }
            }
            let printed = q.to_string();
            let again =
                parse(&printed).unwrap_or_else(|e| panic!("{input:?} printed as {printed:?}: {e}"));
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
        "\\",
        "\\\"",
        "一带一路",
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

#[test]
fn an_article_label_typed_with_spaces_is_one_term() {
    assert_eq!(canon("個人資料保護法 第 13 條"), "個人資料保護法 第13條");
    assert_eq!(canon("第 13 條 第 14 條"), "第13條 第14條");
    assert_eq!(canon("民法 第 一百八十四 条"), "民法 第一百八十四条");
    assert_eq!(canon("第 6-1 條"), "第6-1條");
    assert_eq!(canon("第 十五章"), "第十五章");
    // Not a label: left as typed.
    assert_eq!(canon("第 13 人"), "第 13 人");
    assert_eq!(canon("13 條"), "13 條");
    assert_eq!(canon("第 \"13\" 條"), "第 \"13\" 條");
    // The span is the label's, from 第 to its unit.
    match parse("法 第 13 條").unwrap() {
        Query::And(parts) => assert_eq!(
            parts[1],
            Query::Term {
                text: "第13條".into(),
                span: (2, 8)
            }
        ),
        q => panic!("{q:?}"),
    }
}
