//! Lists every header metadata line the parser keeps over a corpus folder, one
//! `path<TAB>key<TAB>value` a line on stdout, and a count by key on stderr: the way to check
//! that the metadata rule (see `src/corpus/parse.rs`) takes no body text.
//!
//! Run: `cargo run --release --example metadata_lines -- ../shared/corpus > lines.tsv`

use std::collections::BTreeMap;
use std::io::Write;

use zhengce::corpus::{self, WalkEvent};

fn main() -> anyhow::Result<()> {
    let root = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: metadata_lines CORPUS_DIR"))?;
    let mut by_key: BTreeMap<String, u64> = BTreeMap::new();
    let (mut files, mut lines) = (0u64, 0u64);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for event in corpus::walk(std::path::Path::new(&root))? {
        let WalkEvent::File(f) = event else { continue };
        let Ok(doc) = corpus::read_document(&f) else {
            continue;
        };
        files += 1;
        for (key, value) in &doc.metadata {
            lines += 1;
            *by_key.entry(key.clone()).or_default() += 1;
            writeln!(out, "{}\t{key}\t{value}", f.rel)?;
        }
    }
    out.flush()?;
    let mut counts: Vec<_> = by_key.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    eprintln!("{lines} metadata lines in {files} files; by key:");
    for (key, n) in counts {
        eprintln!("{n:>8}  {key}");
    }
    Ok(())
}
