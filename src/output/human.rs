//! Output for people: each hit as `title › section › section`, then `path:line`, then the
//! snippet with the matches in colour, or between [`MARK_OPEN`] and [`MARK_CLOSE`] without
//! colour, and a closing count line; index summaries as one line. Colour is ANSI escape
//! codes, chosen by the caller.

use std::io::{self, Write};

use super::Printer;
use crate::corpus::meta::DocMeta;
use crate::index::IndexSummary;
use crate::search::{Copies, Facets, Hit, HitMeta, SearchResult};

/// Opens a match in output without colour: a bracket policy texts do not use (unlike 【】,
/// which they do), so a marked match cannot be mistaken for the text's own brackets.
pub const MARK_OPEN: char = '⟦';
/// Closes a match in output without colour.
pub const MARK_CLOSE: char = '⟧';

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;31m";
const PATH: &str = "\x1b[35m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// How hits are printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HumanOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Counts were asked for, not hits: an answer without hits is not a page past the last.
    pub counts_only: bool,
}

/// The human printer. In a batch, each answer and error is preceded by `== QUERY`; alone, an
/// error prints nothing here (the message goes to stderr).
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanPrinter {
    /// How hits look.
    pub opts: HumanOptions,
    /// Whether the answers are those of a batch.
    pub batch: bool,
}

impl Printer for HumanPrinter {
    fn result(&self, out: &mut dyn Write, r: &SearchResult) -> io::Result<()> {
        if self.batch {
            writeln!(out, "== {}", r.query)?;
        }
        write_result(out, r, self.opts)
    }

    fn error(&self, out: &mut dyn Write, query: &str, error: &str) -> io::Result<()> {
        if self.batch {
            writeln!(out, "== {query}\nerror: {error}")?;
        }
        Ok(())
    }
}

/// Writes the hits (or documents) of one result and a line with the counts.
pub fn write_result<W: Write + ?Sized>(
    out: &mut W,
    r: &SearchResult,
    opts: HumanOptions,
) -> std::io::Result<()> {
    let paint = |code: &'static str| if opts.color { code } else { "" };
    let reset = paint(RESET);
    if let Some(note) = partial_note(r) {
        writeln!(out, "{}{note}{reset}", paint(BOLD))?;
    }
    for hit in &r.hits {
        write_hit(out, hit, &format!("{}. ", hit.rank), opts)?;
    }
    for doc in r.documents.iter().flatten() {
        writeln!(
            out,
            "{}{}. {}{reset}  {}({}){reset}",
            paint(BOLD),
            doc.rank,
            doc.title,
            paint(DIM),
            matching_note(doc.matches)
        )?;
        write_meta(
            out,
            doc.meta.as_ref().and_then(HitMeta::parse).as_ref(),
            doc.replaced_by.as_deref(),
            "   ",
            opts,
        )?;
        for hit in &doc.hits {
            write_hit(out, hit, "   · ", opts)?;
        }
    }
    if let Some(f) = &r.facets {
        write_facets(out, f, opts)?;
    }
    writeln!(
        out,
        "{}{}{reset}",
        paint(DIM),
        count_line(r, opts.counts_only)
    )
}

/// The line a partial answer opens with (one a reader, and `grep`, finds): that no paragraph
/// has every part of the query, and what the best answer lacks, by name; `None` for a
/// complete answer.
pub fn partial_note(r: &SearchResult) -> Option<String> {
    if !r.partial {
        return None;
    }
    let best = (r.hits.first())
        .or_else(|| r.documents.as_ref()?.first()?.hits.first())
        .map(|h| h.missing.join(", "))
        .unwrap_or_default();
    let lacks = match best.is_empty() {
        true => String::new(),
        false => format!(" The best lack: {best}."),
    };
    Some(format!(
        "No paragraph has every part of the query; these have most of them.{lacks}"
    ))
}

/// The closing line of an answer: how many paragraphs match (in how many documents, or
/// distinct texts), which are shown and the time taken. `counts_only`: counts were asked
/// for, so an answer without hits is not a page past the last.
pub fn count_line(r: &SearchResult, counts_only: bool) -> String {
    let shown = r.hits.len() + r.documents.as_ref().map_or(0, Vec::len);
    let first = (r.hits.first().map(|h| h.rank))
        .or_else(|| r.documents.as_ref()?.first().map(|d| d.rank))
        .unwrap_or(0);
    let range = if shown > 0 {
        format!(", showing {first}-{}", first + shown - 1)
    } else if r.total > 0 && !counts_only {
        ", none shown".to_string()
    } else {
        String::new()
    };
    let matches = if r.total == 1 {
        "paragraph matches"
    } else {
        "paragraphs match"
    };
    let distinct = match (r.documents.is_some(), r.distinct == r.total) {
        (true, _) => format!(" in {} documents", r.distinct),
        (false, false) if r.distinct == 1 => " (1 distinct text)".to_string(),
        (false, false) => format!(" ({} distinct texts)", r.distinct),
        (false, true) => String::new(),
    };
    let some = if r.partial { " some of" } else { "" };
    format!(
        "{} {matches}{some} {}{distinct}{range} ({:.1} ms)",
        r.total,
        r.query,
        r.took_us as f64 / 1000.0
    )
}

/// How many paragraphs of a document match: `3 matching paragraphs`.
pub fn matching_note(n: usize) -> String {
    format!("{n} matching paragraph{}", if n == 1 { "" } else { "s" })
}

/// A hit's heading: its document's title, then its section path, `title › 一、… › （一）…`.
pub fn heading(hit: &Hit) -> String {
    let mut heading = hit.title.clone();
    for s in &hit.section {
        heading.push_str(" › ");
        heading.push_str(s);
    }
    heading
}

/// Where a hit is: `path:line`, `path:first-last` for a paragraph over several lines (a
/// hard-wrapped preamble: the match may be on any of them), and the page of a paged file.
pub fn location(hit: &Hit) -> String {
    let lines = match hit.lines {
        [a, b] if b > a => format!("{a}-{b}"),
        [a, _] => a.to_string(),
    };
    let page = hit.page.map(|p| format!(" (page {p})")).unwrap_or_default();
    format!("{}:{lines}{page}", hit.path)
}

/// The parts of the query a hit holds in another form than the one typed
/// (`计划 as 计画; 第184条 as 第一百八十四条`); `None` when it holds them all as typed.
pub fn other_forms(hit: &Hit) -> Option<String> {
    let forms: Vec<String> = (hit.found.iter())
        .filter(|f| !f.forms.is_empty())
        .map(|f| format!("{} as {}", f.term, f.forms.join(" / ")))
        .collect();
    (!forms.is_empty()).then(|| forms.join("; "))
}

/// What a hit's folded copies are: `the same text in N more paragraphs` (the paths follow).
pub fn copies_note(copies: &Copies) -> String {
    format!(
        "the same text in {} more paragraph{}",
        copies.count,
        if copies.count == 1 { "" } else { "s" }
    )
}

/// The short line of a document's metadata: kind · issuer · number · main date · status,
/// each when known; `None` when none is.
pub fn meta_line(m: &DocMeta) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(k) = &m.kind {
        parts.push(k.value.name().to_string());
    }
    if let Some(i) = &m.issuer {
        parts.push(i.value.join("、"));
    }
    if let Some(n) = &m.number {
        parts.push(n.value.clone());
    }
    if let Some(d) = &m.main_date {
        parts.push(d.date.to_string());
    }
    if let Some(s) = &m.status {
        parts.push(s.value.as_str().to_string());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Writes a document's metadata line and, for an older version, what replaced it.
fn write_meta<W: Write + ?Sized>(
    out: &mut W,
    meta: Option<&DocMeta>,
    replaced_by: Option<&str>,
    indent: &str,
    opts: HumanOptions,
) -> std::io::Result<()> {
    let paint = |code: &'static str| if opts.color { code } else { "" };
    let reset = paint(RESET);
    if let Some(line) = meta.and_then(meta_line) {
        writeln!(out, "{indent}{}{line}{reset}", paint(DIM))?;
    }
    if let Some(newer) = replaced_by {
        writeln!(
            out,
            "{indent}{}an older version: replaced by {newer}{reset}",
            paint(DIM)
        )?;
    }
    Ok(())
}

/// The values of a facet shown in the summary.
const FACET_VALUES: usize = 5;

/// Writes the facets in a few lines: each facet's first values with their counts.
fn write_facets<W: Write + ?Sized>(
    out: &mut W,
    f: &Facets,
    opts: HumanOptions,
) -> std::io::Result<()> {
    let paint = |code: &'static str| if opts.color { code } else { "" };
    let reset = paint(RESET);
    for (name, counts) in [
        ("kind", &f.kind),
        ("status", &f.status),
        ("region", &f.region),
        ("year", &f.year),
        ("issuer", &f.issuer),
    ] {
        if counts.is_empty() {
            continue;
        }
        let mut shown: Vec<String> = (counts.iter().take(FACET_VALUES))
            .map(|c| format!("{} {}", c.value.as_deref().unwrap_or("(none)"), c.count))
            .collect();
        if counts.len() > FACET_VALUES {
            shown.push(format!("… ({} more)", counts.len() - FACET_VALUES));
        }
        writeln!(out, "{}{name}: {}{reset}", paint(DIM), shown.join(", "))?;
    }
    Ok(())
}

/// Writes one hit, its heading line starting with `lead`.
fn write_hit<W: Write + ?Sized>(
    out: &mut W,
    hit: &Hit,
    lead: &str,
    opts: HumanOptions,
) -> std::io::Result<()> {
    let paint = |code: &'static str| if opts.color { code } else { "" };
    let reset = paint(RESET);
    writeln!(out, "{}{lead}{}{reset}", paint(BOLD), heading(hit))?;
    writeln!(out, "   {}{}{reset}", paint(PATH), location(hit))?;
    write_meta(
        out,
        hit.meta.as_ref().and_then(HitMeta::parse).as_ref(),
        hit.replaced_by.as_deref(),
        "   ",
        opts,
    )?;
    if let Some(ctx) = &hit.context {
        for n in &ctx.before {
            writeln!(out, "   {}{}{reset}", paint(DIM), n.text)?;
        }
    }
    write!(out, "   ")?;
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    let mut at = 0;
    for h in &hit.snippet.highlights {
        let (s, e) = (h[0].min(chars.len()), h[1].min(chars.len()));
        if s < at {
            continue;
        }
        write!(out, "{}", chars[at..s].iter().collect::<String>())?;
        let matched: String = chars[s..e].iter().collect();
        if opts.color {
            write!(out, "{MATCH}{matched}{RESET}")?;
        } else {
            write!(out, "{MARK_OPEN}{matched}{MARK_CLOSE}")?;
        }
        at = e;
    }
    writeln!(out, "{}", chars[at..].iter().collect::<String>())?;
    if let Some(ctx) = &hit.context {
        for n in &ctx.after {
            writeln!(out, "   {}{}{reset}", paint(DIM), n.text)?;
        }
    }
    if let Some(forms) = other_forms(hit) {
        writeln!(out, "   {}found {forms}{reset}", paint(DIM))?;
    }
    if !hit.missing.is_empty() {
        writeln!(
            out,
            "   {}lacks: {}{reset}",
            paint(DIM),
            hit.missing.join(", ")
        )?;
    }
    if let Some(c) = &hit.copies {
        let more = match c.count > c.paths.len() {
            true => ", …",
            false => "",
        };
        writeln!(
            out,
            "   {}{}: {}{more}{reset}",
            paint(DIM),
            copies_note(c),
            c.paths.join(", ")
        )?;
    }
    writeln!(out)
}

/// Writes the one-line summary of an indexing run: what happened to the files, what was
/// read, and what the time went to.
pub fn write_summary<W: Write + ?Sized>(out: &mut W, s: &IndexSummary) -> io::Result<()> {
    let skipped: u64 = s.skipped.values().sum();
    let mut line = format!(
        "indexed {}: {} added, {} updated, {} removed, {} unchanged, {skipped} skipped",
        s.corpus, s.added, s.updated, s.removed, s.unchanged
    );
    if skipped > 0 {
        let reasons: Vec<String> = s.skipped.iter().map(|(r, n)| format!("{r}: {n}")).collect();
        line.push_str(&format!(" ({})", reasons.join(", ")));
    }
    let read = s.added + s.updated;
    line.push_str(&format!(
        ", {} failed; read {read} {} ({:.1} MB, {} paragraphs)",
        s.failed.len(),
        if read == 1 { "file" } else { "files" },
        s.bytes as f64 / 1e6,
        s.paragraphs,
    ));
    if s.rewritten > 0 {
        // Unchanged files of segments an edit emptied move from the text those store: on a
        // small edit that, not the reading, is where the time goes.
        line.push_str(&format!(
            " and moved {} unchanged {} to new segments from the index's own text, in {:.2} s",
            s.rewritten,
            if s.rewritten == 1 { "file" } else { "files" },
            s.seconds
        ));
    } else {
        line.push_str(&format!(" in {:.2} s ({:.1} MB/s)", s.seconds, s.mb_per_s));
    }
    line.push_str(&format!(
        ", {:.2} s of it the commit; index {} is {:.1} MB",
        s.commit_seconds,
        s.index,
        s.index_bytes as f64 / 1e6
    ));
    if let Some(why) = &s.rebuilt {
        line.push_str(&format!(" [full build: {why}]"));
    }
    if !s.dicts.is_empty() {
        line.push_str(&format!(" [user dictionaries: {}]", s.dicts.join(", ")));
    }
    writeln!(out, "{line}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Hit, Snippet};

    #[test]
    fn a_summary_says_what_was_read_and_where_the_time_went() {
        let mut s = IndexSummary {
            corpus: "c".into(),
            index: "i".into(),
            added: 1,
            unchanged: 7,
            rewritten: 3,
            bytes: 2_000,
            paragraphs: 12,
            seconds: 2.24,
            commit_seconds: 0.5,
            mb_per_s: 0.001,
            ..IndexSummary::default()
        };
        let line = |s: &IndexSummary| {
            let mut out = Vec::new();
            write_summary(&mut out, s).unwrap();
            String::from_utf8(out).unwrap()
        };
        let text = line(&s);
        assert!(
            text.contains("read 1 file (0.0 MB, 12 paragraphs)"),
            "{text}"
        );
        assert!(
            text.contains("moved 3 unchanged files to new segments"),
            "{text}"
        );
        assert!(!text.contains("MB/s"), "{text}");
        assert!(text.contains("0.50 s of it the commit"), "{text}");
        s.rewritten = 0;
        assert!(line(&s).contains("in 2.24 s (0.0 MB/s)"), "{}", line(&s));
    }

    #[test]
    fn hits_show_heading_path_line_and_marked_match() {
        let r = SearchResult {
            query: "\"人工智能\"".into(),
            total: 7,
            distinct: 7,
            partial: false,
            documents: None,
            facets: None,
            took_us: 1500,
            hits: vec![Hit {
                rank: 1,
                score: 1.0,
                path: "a.txt".into(),
                title: "题".into(),
                section: vec!["一、甲".into(), "（一）乙".into()],
                paragraph: 2,
                lines: [9, 9],
                page: None,
                text: "发展人工智能".into(),
                highlights: vec![[2, 6]],
                snippet: Snippet {
                    text: "发展人工智能".into(),
                    highlights: vec![[2, 6]],
                },
                found: Vec::new(),
                missing: Vec::new(),
                copies: None,
                context: None,
                meta: None,
                replaced_by: None,
            }],
        };
        let mut out = Vec::new();
        write_result(
            &mut out,
            &r,
            HumanOptions {
                color: false,
                counts_only: false,
            },
        )
        .unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("1. 题 › 一、甲 › （一）乙"), "{s}");
        assert!(s.contains("a.txt:9"), "{s}");
        assert!(s.contains("发展⟦人工智能⟧"), "{s}");
        assert!(s.contains("7 paragraphs match"), "{s}");
        assert!(!s.contains('\x1b'));
        let mut colored = Vec::new();
        write_result(
            &mut colored,
            &r,
            HumanOptions {
                color: true,
                counts_only: false,
            },
        )
        .unwrap();
        assert!(String::from_utf8(colored).unwrap().contains(MATCH));
        // A paragraph over several lines shows them all.
        let mut wrapped = r;
        wrapped.hits[0].lines = [4, 6];
        let mut out = Vec::new();
        write_result(
            &mut out,
            &wrapped,
            HumanOptions {
                color: false,
                counts_only: false,
            },
        )
        .unwrap();
        assert!(String::from_utf8(out).unwrap().contains("a.txt:4-6\n"));
        // One match is singular; a page without hits (past the last, or `--limit 0`) says so.
        let mut one = wrapped;
        one.total = 1;
        one.distinct = 1;
        let mut out = Vec::new();
        write_result(
            &mut out,
            &one,
            HumanOptions {
                color: false,
                counts_only: false,
            },
        )
        .unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("1 paragraph matches"));
        one.hits.clear();
        let mut out = Vec::new();
        write_result(
            &mut out,
            &one,
            HumanOptions {
                color: false,
                counts_only: false,
            },
        )
        .unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.contains("1 paragraph matches \"人工智能\", none shown"),
            "{s}"
        );
    }
}
