//! The measurement behind the choice of HTML parser (docs/FORMATS.md): each web page of a
//! folder parsed by html5ever (through `scraper`, what zhengce uses) and by `tl` (a fast
//! non-validating parser), many times over, and the text of each page's main content
//! element (`#zoom` or `#UCAP-CONTENT`, the content elements of the real pages) compared.
//! A measuring tool, not part of the program.
//!
//! `cargo run --release --example html_parsers -- FOLDER`

use std::time::Instant;

const RUNS: usize = 20;

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: html_parsers FOLDER");
    let mut pages: Vec<(String, String)> = Vec::new();
    for e in std::fs::read_dir(&dir).expect("read folder").flatten() {
        let bytes = std::fs::read(e.path()).expect("read page");
        // The GBK twin is left out: both parsers take text, decoding is the same for both.
        if let Ok(text) = String::from_utf8(bytes) {
            pages.push((e.file_name().to_string_lossy().into_owned(), text));
        }
    }
    pages.sort();
    let bytes: usize = pages.iter().map(|(_, t)| t.len()).sum();

    let selector = scraper::Selector::parse("#zoom, #UCAP-CONTENT").expect("selector");
    let t = Instant::now();
    let mut html5ever_text = Vec::new();
    for run in 0..RUNS {
        for (_, page) in &pages {
            let doc = scraper::Html::parse_document(page);
            if run == 0 {
                let text: String = doc
                    .select(&selector)
                    .next()
                    .map(|e| e.text().collect())
                    .unwrap_or_default();
                html5ever_text.push(squash(&text));
            }
        }
    }
    let html5ever_s = t.elapsed().as_secs_f64() / RUNS as f64;

    let t = Instant::now();
    let mut tl_text = Vec::new();
    for run in 0..RUNS {
        for (_, page) in &pages {
            let Ok(dom) = tl::parse(page, tl::ParserOptions::default()) else {
                if run == 0 {
                    tl_text.push(String::new());
                }
                continue;
            };
            if run == 0 {
                let parser = dom.parser();
                let text = ["zoom", "UCAP-CONTENT"]
                    .iter()
                    .find_map(|id| dom.get_element_by_id(*id))
                    .and_then(|h| h.get(parser))
                    .map(|n| n.inner_text(parser).into_owned())
                    .unwrap_or_default();
                tl_text.push(squash(&text));
            }
        }
    }
    let tl_s = t.elapsed().as_secs_f64() / RUNS as f64;

    println!(
        "{} pages, {:.2} MB: html5ever {:.1} MB/s, tl {:.1} MB/s",
        pages.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / html5ever_s,
        bytes as f64 / 1e6 / tl_s
    );
    for (i, (name, _)) in pages.iter().enumerate() {
        let (a, b) = (&html5ever_text[i], &tl_text[i]);
        println!(
            "{name}: content chars html5ever {} tl {} {}",
            a.chars().count(),
            b.chars().count(),
            if a == b { "same" } else { "DIFFERENT" }
        );
        if a != b {
            let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            let show = |s: &str| {
                s.chars()
                    .skip(at.saturating_sub(10))
                    .take(40)
                    .collect::<String>()
            };
            println!("  html5ever …{}…\n  tl        …{}…", show(a), show(b));
        }
    }
}
