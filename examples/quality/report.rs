//! The evaluation's report: one value holding every figure of a run, printed as a table for
//! people or written whole as one JSON object (`--json`).
//!
//! It computes nothing: the figures come from `judge.rs`, `straddle.rs` and `index.rs`.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::draw::DrawStats;
use crate::index::{Built, Layout};
use crate::judge::KindReport;
use crate::straddle::{self, StraddleReport};

/// Every figure of one run.
#[derive(Serialize)]
pub struct Report {
    pub seed: u64,
    pub per_kind: usize,
    /// The layout of the corpus the index was built from.
    pub layout: Layout,
    /// The index this run built (`None`: the index named on the command line).
    pub built: Option<Built>,
    pub documents: usize,
    pub excluded: BTreeMap<String, usize>,
    /// Pool sizes and draws passed over.
    pub draws: DrawStats,
    pub kinds: Vec<KindReport>,
    /// With `--straddle`.
    pub straddle: Option<StraddleReport>,
    pub seconds: BTreeMap<&'static str, f64>,
}

/// Prints `r` for people.
pub fn print_table(out: &mut impl Write, r: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "documents: {} (seed {}, {} queries per kind, layout {})",
        r.documents,
        r.seed,
        r.per_kind,
        r.layout.name(),
    )?;
    for (reason, n) in &r.excluded {
        writeln!(out, "  left out: {n:>6}  {reason}")?;
    }
    for (what, n) in &r.draws {
        writeln!(out, "  {what}: {n}")?;
    }
    if let Some(b) = &r.built {
        print_built(out, b)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<44} {:>7} {:>9} {:>7}",
        "kind", "queries", "successes", "rate"
    )?;
    for k in &r.kinds {
        let name = format!("({}) {}", k.kind, k.what);
        let (q, s) = (k.all.queries, k.all.successes);
        writeln!(out, "{name:<44} {q:>7} {s:>9} {:>6.1}%", 100.0 * k.rate)?;
    }
    writeln!(out)?;
    for k in &r.kinds {
        let mut parts: Vec<String> = (k.by_folder.iter())
            .map(|(f, t)| format!("{f} {}/{}", t.successes, t.queries))
            .collect();
        parts.push(format!(
            "converted {}/{}",
            k.converted.successes, k.converted.queries
        ));
        writeln!(out, "({}) {}", k.kind, parts.join(", "))?;
    }
    if let Some(s) = &r.straddle {
        writeln!(out)?;
        straddle::print(out, s)?;
    }
    let seconds: Vec<String> = (r.seconds.iter())
        .map(|(k, v)| format!("{k} {v:.1}"))
        .collect();
    writeln!(out, "seconds: {}", seconds.join(", "))
}

fn print_built(out: &mut impl Write, b: &Built) -> std::io::Result<()> {
    if let Some(v) = &b.variant {
        writeln!(
            out,
            "  variant: {} files rewritten, {} copied, {} not decoded (copied); {} header lines \
             dropped, {} division lines made headings, {} Markdown headings raised",
            v.rewritten,
            v.copied,
            v.not_decoded,
            v.header_lines_dropped,
            v.divisions_written,
            v.headings_raised
        )?;
        let begins: Vec<String> = (v.begin_with.iter())
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        writeln!(out, "  rewritten files begin with: {}", begins.join(", "))?;
    }
    writeln!(
        out,
        "  index built: {} documents, {} files failed, {:.0} MB, {:.1} s ({:.1} MB/s){}",
        b.documents,
        b.failed,
        b.index_bytes as f64 / 1e6,
        b.index_seconds,
        b.mb_per_s,
        b.kept_in
            .as_ref()
            .map_or(String::new(), |k| format!(", kept in {k}"))
    )
}
