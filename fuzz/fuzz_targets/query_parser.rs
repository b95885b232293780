//! Fuzzes the query parser with arbitrary UTF-8: it must never panic, an error's position
//! must lie within the query, every span must cover exactly its text (a phrase's as written,
//! escapes included), and the canonical `Display` form must parse back to the same tree.
//! Run with `cargo +nightly fuzz run query_parser` from the repository root.

#![no_main]

use libfuzzer_sys::fuzz_target;
use zhengce::search::query::{parse, phrase_text, Query};
use zhengce::Error;

fn check_spans(q: &Query, chars: &[char]) {
    match q {
        Query::Term { text, span } | Query::Phrase { text, span } => {
            let (start, end) = *span;
            assert!(start < end && end <= chars.len());
            let covered: String = chars[start..end].iter().collect();
            match q {
                Query::Phrase { .. } => assert_eq!(phrase_text(&covered), *text),
                _ => assert_eq!(covered, *text),
            }
        }
        Query::Field { query, .. } | Query::Not(query) => check_spans(query, chars),
        Query::And(items) | Query::Or(items) => items.iter().for_each(|i| check_spans(i, chars)),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let chars: Vec<char> = input.chars().collect();
    match parse(input) {
        Err(Error::Query { position, .. }) => assert!(position <= chars.len()),
        Err(other) => panic!("unexpected error kind: {other:?}"),
        Ok(q) => {
            check_spans(&q, &chars);
            let printed = q.to_string();
            let again = parse(&printed).expect("the Display form parses");
            assert!(q.eq_ignoring_spans(&again));
            assert_eq!(again.to_string(), printed);
        }
    }
});
