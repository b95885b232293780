//! Runs two `zhengce` binaries over the same queries on the same corpus and compares their
//! JSON answers, without `took_us`: the check that a change meant to keep the answers (a
//! restructuring, a speed-up) kept them.
//!
//! Each binary indexes the corpus into its own temporary index (one thread, so that files
//! are numbered alike), then answers every query of every kind in one `search --batch`, and
//! a sample of them one process each. Queries are drawn from the corpus with a fixed seed:
//! phrases of 2-6 characters (half in the other script), one-character phrases and terms,
//! pairs of words, bare terms of 3-8 characters that jieba cuts, OR / NOT combinations, and
//! `title:` / `section:` / `path:` filters with and without words.
//!
//! Run: `cargo run --release --example compare_answers -- OLD_BIN NEW_BIN ../shared/corpus`
//!
//! Two answers are *identical* when their JSON is equal; *equal up to float rounding* when
//! they differ only in scores within 1e-5 of each other (a sum added in another order); else
//! the first differences are printed. Exits 1 when any answer differs.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use zhengce::analysis::{self, script};
use zhengce::corpus::{self, WalkEvent};
use zhengce::rng::Rng;

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

fn other_script(s: &str) -> String {
    let simp = script::t2s(s);
    if simp == s {
        script::s2t(s)
    } else {
        simp
    }
}

struct Corpus {
    /// (path, title, section path, paragraph text)
    paragraphs: Vec<(String, String, Vec<String>, String)>,
}

fn read_corpus(root: &Path) -> anyhow::Result<Corpus> {
    let mut paragraphs = Vec::new();
    for event in corpus::walk(root)? {
        let WalkEvent::File(f) = event else { continue };
        let Ok(doc) = corpus::read_document(&f) else {
            continue;
        };
        for p in doc.paragraphs {
            paragraphs.push((f.rel.clone(), doc.title.clone(), p.section, p.text));
        }
    }
    Ok(Corpus { paragraphs })
}

/// A run of 2..=`max` Han characters from a random paragraph.
fn han_piece(rng: &mut Rng, c: &Corpus, min: usize, max: usize) -> String {
    loop {
        let (_, _, _, text) = &c.paragraphs[rng.below(c.paragraphs.len())];
        let chars: Vec<char> = text.chars().collect();
        if chars.is_empty() {
            continue;
        }
        let len = min + rng.below(max - min + 1);
        let start = rng.below(chars.len());
        let piece: String = chars[start..].iter().take(len).collect();
        if piece.chars().count() == len && piece.chars().all(is_han) {
            return piece;
        }
    }
}

/// A word of two or more Han characters that jieba cuts from a random paragraph.
fn word(rng: &mut Rng, c: &Corpus, jieba: &jieba_rs::Jieba) -> String {
    loop {
        let piece = han_piece(rng, c, 6, 12);
        let words: Vec<String> = analysis::segment_query(jieba, &piece)
            .into_iter()
            .filter(|w| w.chars().count() >= 2)
            .collect();
        if !words.is_empty() {
            return words[rng.below(words.len())].clone();
        }
    }
}

fn queries(c: &Corpus) -> Vec<(&'static str, String)> {
    let jieba = analysis::load_jieba(&[]).expect("jieba's dictionary");
    let mut rng = Rng::new(0x2026_1207_c0ff_ee00);
    let mut out = Vec::new();
    for i in 0..300 {
        let p = han_piece(&mut rng, c, 2, 6);
        let p = if i % 2 == 1 { other_script(&p) } else { p };
        out.push(("phrase", format!("\"{p}\"")));
    }
    for i in 0..100 {
        let p = han_piece(&mut rng, c, 1, 1);
        out.push(match i % 2 {
            0 => ("one-character", format!("\"{p}\"")),
            _ => ("one-character", p),
        });
    }
    for _ in 0..250 {
        let (a, b) = (word(&mut rng, c, &jieba), word(&mut rng, c, &jieba));
        out.push(("words", format!("{a} {b}")));
    }
    for _ in 0..150 {
        out.push(("bare term", han_piece(&mut rng, c, 3, 8)));
    }
    for i in 0..150 {
        let (a, b, d) = (
            word(&mut rng, c, &jieba),
            word(&mut rng, c, &jieba),
            word(&mut rng, c, &jieba),
        );
        out.push((
            "or/not",
            match i % 5 {
                0 => format!("{a} OR {b}"),
                1 => format!("{a} -{b}"),
                2 => format!("{a} ({b} OR {d})"),
                3 => format!("{a} NOT \"{b}\""),
                _ => format!("({a} OR {b}) -{d}"),
            },
        ));
    }
    for i in 0..150 {
        let (path, title, section, _) = &c.paragraphs[rng.below(c.paragraphs.len())];
        let w = word(&mut rng, c, &jieba);
        let title_piece: String = title.chars().filter(|c| is_han(*c)).take(4).collect();
        let folder = path.split('/').next().unwrap_or("");
        let q = match i % 6 {
            0 if !title_piece.is_empty() => format!("title:{title_piece} {w}"),
            1 if !section.is_empty() => format!("section:\"{}\" {w}", section[0]),
            2 => format!("path:{folder} {w}"),
            3 if !title_piece.is_empty() => format!("title:\"{title_piece}\""),
            4 => format!("{w} -path:{folder}"),
            _ => format!("path:{folder} \"{}\"", han_piece(&mut rng, c, 2, 3)),
        };
        out.push(("filter", q));
    }
    out
}

fn zhengce(bin: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    Ok(Command::new(bin).args(args).output()?)
}

/// A JSON answer without `took_us`.
fn answer(line: &str) -> anyhow::Result<Value> {
    let mut v: Value = serde_json::from_str(line)?;
    if let Some(o) = v.as_object_mut() {
        o.remove("took_us");
    }
    Ok(v)
}

/// Equal but for scores within `1e-5` (relative) of each other.
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-5 * x.abs().max(y.abs()).max(1.0),
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [old, new, corpus] = args.as_slice() else {
        anyhow::bail!("usage: compare_answers OLD_BIN NEW_BIN CORPUS_DIR");
    };
    let (old, new, corpus) = (
        PathBuf::from(old),
        PathBuf::from(new),
        PathBuf::from(corpus),
    );
    let work = tempfile::tempdir()?;
    eprintln!("reading {} and drawing queries ...", corpus.display());
    let c = read_corpus(&corpus)?;
    let queries = queries(&c);
    let batch = work.path().join("queries.txt");
    let text: String = queries.iter().map(|(_, q)| format!("{q}\n")).collect();
    std::fs::write(&batch, text)?;
    let mut answers = Vec::new();
    for (name, bin) in [("old", &old), ("new", &new)] {
        let index = work.path().join(name);
        let out = zhengce(
            bin,
            &[
                "index",
                corpus.to_str().unwrap_or_default(),
                "--index",
                index.to_str().unwrap_or_default(),
                "--threads",
                "1",
            ],
        )?;
        anyhow::ensure!(
            matches!(out.status.code(), Some(0 | 3)),
            "{name}: indexing failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let index = index.to_str().unwrap_or_default().to_string();
        let batch = batch.to_str().unwrap_or_default().to_string();
        let out = zhengce(
            bin,
            &[
                "search",
                "--batch",
                &batch,
                "--json",
                "--threads",
                "1",
                "--limit",
                "20",
                "--index",
                &index,
            ],
        )?;
        let lines: Vec<Value> = (String::from_utf8(out.stdout)?.lines())
            .map(answer)
            .collect::<anyhow::Result<_>>()?;
        anyhow::ensure!(lines.len() == queries.len(), "{name}: answers missing");
        // Every twentieth query once more, one process each, with another page.
        let mut single = Vec::new();
        for (_, q) in queries.iter().step_by(20) {
            let out = zhengce(
                bin,
                &[
                    "search", q, "--json", "--offset", "3", "--limit", "5", "--index", &index,
                ],
            )?;
            single.push(answer(String::from_utf8(out.stdout)?.trim())?);
        }
        answers.push((lines, single));
    }
    let (old_answers, new_answers) = (&answers[0], &answers[1]);
    let mut by_kind: std::collections::BTreeMap<&str, (usize, usize, usize, usize)> =
        Default::default();
    let mut shown = 0;
    let pairs = (queries.iter().map(|(k, q)| (*k, q)))
        .zip(old_answers.0.iter().zip(&new_answers.0))
        .chain(
            (queries
                .iter()
                .step_by(20)
                .map(|(_, q)| ("single process", q)))
            .zip(old_answers.1.iter().zip(&new_answers.1)),
        );
    for ((kind, q), (a, b)) in pairs {
        let e = by_kind.entry(kind).or_default();
        e.0 += 1;
        if a == b {
            e.1 += 1;
        } else if close(a, b) {
            e.2 += 1;
        } else {
            e.3 += 1;
            if shown < 10 {
                shown += 1;
                println!("DIFFERS {q}\n  old: {a}\n  new: {b}");
            }
        }
    }
    println!(
        "{:<16} {:>7} {:>10} {:>18} {:>8}",
        "kind", "queries", "identical", "equal up to float", "differ"
    );
    let mut differ = 0;
    for (kind, (n, same, close, other)) in &by_kind {
        println!("{kind:<16} {n:>7} {same:>10} {close:>18} {other:>8}");
        differ += other;
    }
    if differ > 0 {
        std::process::exit(1);
    }
    Ok(())
}
