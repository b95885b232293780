//! Fuzzes decoding and parsing of a file: arbitrary bytes must never panic; when they decode,
//! every paragraph's line range lies within the file, ordinals count up from 0, and every
//! highlightable offset of the normalized text maps back onto char boundaries of the
//! paragraph. Run with `cargo +nightly fuzz run document_parser` from the repository root.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = zhengce::corpus::document_from_bytes("fuzz.txt", data) else {
        return;
    };
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    for (i, p) in doc.paragraphs.iter().enumerate() {
        assert_eq!(p.paragraph as usize, i);
        assert!(1 <= p.lines[0] && p.lines[0] <= p.lines[1] && p.lines[1] <= lines);
        let norm = zhengce::analysis::normalize_exact(&p.text);
        if !norm.is_empty() {
            let (s, e) = norm.orig_bytes(0, norm.len());
            assert!(p.text.is_char_boundary(s) && p.text.is_char_boundary(e));
        }
    }
});
