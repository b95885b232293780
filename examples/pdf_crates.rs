//! The measurement behind the choice of PDF text extractor (docs/FORMATS.md): for every PDF
//! of a folder, the text of `pdf-extract` and of `lopdf`'s own `Document::extract_text`
//! (the same parsed document), timed, and compared with `pdftotext -layout` (poppler-utils,
//! which must be installed): the share of its lines' 8-character phrases (white space
//! removed, columns split at two spaces) found in each extractor's text, white space removed.
//! A measuring tool, not part of the program.
//!
//! `cargo run --release --example pdf_crates -- FOLDER`

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn phrases(reference: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in reference.lines() {
        for cell in line.split("  ") {
            let chars: Vec<char> = cell.chars().filter(|c| !c.is_whitespace()).collect();
            out.extend(chars.windows(8).map(|w| w.iter().collect::<String>()));
        }
    }
    out
}

fn recall(phrases: &[String], text: &str) -> f64 {
    let text = squash(text);
    let found = phrases.iter().filter(|p| text.contains(p.as_str())).count();
    100.0 * found as f64 / phrases.len().max(1) as f64
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: pdf_crates FOLDER");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("read folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect();
    paths.sort();
    println!("file\tMB\tpdf-extract s\tpdf-extract %\tlopdf s\tlopdf %\tlopdf panicked");
    for path in paths {
        let bytes = std::fs::read(&path).expect("read pdf");
        let out = std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) must be installed");
        let reference = phrases(&String::from_utf8_lossy(&out.stdout));

        let t = Instant::now();
        let a = catch_unwind(|| pdf_extract::extract_text_from_mem(&bytes))
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let a_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let mut panicked = 0;
        let b = match pdf_extract::Document::load_mem(&bytes) {
            Ok(doc) => {
                let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
                let mut text = String::new();
                for p in pages {
                    match catch_unwind(AssertUnwindSafe(|| doc.extract_text(&[p]))) {
                        Ok(Ok(t)) => text.push_str(&t),
                        Ok(Err(_)) => {}
                        Err(_) => panicked += 1,
                    }
                }
                text
            }
            Err(_) => String::new(),
        };
        let b_s = t.elapsed().as_secs_f64();
        println!(
            "{}\t{:.2}\t{a_s:.3}\t{:.1}\t{b_s:.3}\t{:.1}\t{panicked}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            bytes.len() as f64 / 1e6,
            recall(&reference, &a),
            recall(&reference, &b),
        );
    }
}
