//! `zhengce bench`: measures a whole indexing run and query latency on a corpus folder.
//!
//! It indexes the folder into a temporary index (all cores) and reports wall time, MB/s,
//! documents and paragraphs per second, peak RSS, index size and its ratio to the corpus;
//! then the cost of each stage measured on its own over the same files on one thread
//! (read+decode, parse, normalize, exact index), with the index write (tokenizing into postings
//! and storing) being the rest of the CPU time (indexing segments nothing with jieba: it cuts
//! only bare query terms, see [`crate::analysis::QueryCutter`]); then it runs queries (by default phrases
//! sampled from the corpus, half in the other script) and reports latency percentiles and
//! queries per second, beside the same queries answered by a plain in-process substring scan
//! of the normalized text. It returns a [`BenchReport`]; printing is the caller's job.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::analysis;
use crate::corpus::{self, WalkEvent};
use crate::index::exact::bigrams::{BigramBuilder, BigramSegment};
use crate::index::exact::texts::TextsBuilder;
use crate::index::exact::SEGMENT_CHARS;
use crate::index::{index_corpus, IndexOptions, ProgressSink};
use crate::search::{SearchOptions, Searcher};
use crate::{Error, Result};

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// The corpus folder.
    pub corpus: PathBuf,
    /// Queries to time, one a line; `None` samples phrases from the corpus.
    /// Queries to time (read with [`read_queries`]); `None`: phrases sampled from the corpus.
    pub queries: Option<Vec<String>>,
    /// How many times each query runs (the first run of all is a warm-up and not counted).
    pub runs: usize,
    /// Phrases to sample when no query file is given.
    pub sample: usize,
    /// Threads for indexing.
    pub threads: usize,
    /// Folder in which the temporary index is made (and removed again).
    pub work_dir: PathBuf,
}

/// Seconds of one thread spent in each stage, measured stage by stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageSeconds {
    /// Reading and decoding the files.
    pub read_decode: f64,
    /// Parsing into paragraphs and sections.
    pub parse: f64,
    /// Normalizing (t2s, width, case) the paragraph text.
    pub normalize: f64,
    /// Building the exact index's bigram segments from the normalized text, and its text
    /// stores (zstd) from the original text.
    pub exact: f64,
    /// The rest of the indexing CPU time: tantivy's records (keys, fast fields, document
    /// records), writing segments (indexing CPU seconds minus the stages above).
    pub index_write: f64,
    /// The final commit and merge (wall).
    pub commit: f64,
}

/// How fast one format is read into documents (reading the file, decoding or extracting,
/// parsing), one thread, file by file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FormatSpeed {
    /// `text`, `html`, `docx`, `pdf`, `ofd` ([`corpus::Format::name`]).
    pub format: String,
    /// Files read (files that could not be read are not counted).
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Seconds spent reading them into documents.
    pub seconds: f64,
    /// MB (10^6 bytes) per second.
    pub mb_per_s: f64,
}

/// Latency figures of a set of queries.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Latency {
    /// Queries timed (each run counted): `distinct × runs`.
    pub queries: usize,
    /// Distinct queries.
    pub distinct: usize,
    /// Times each was run.
    pub runs: usize,
    /// Median, microseconds.
    pub p50_us: f64,
    /// 95th percentile, microseconds.
    pub p95_us: f64,
    /// 99th percentile, microseconds.
    pub p99_us: f64,
    /// Queries per second, one after another on one thread.
    pub qps: f64,
}

/// Everything `zhengce bench` measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BenchReport {
    /// The corpus folder.
    pub corpus: String,
    /// Files indexed.
    pub documents: u64,
    /// Paragraphs indexed.
    pub paragraphs: u64,
    /// Bytes of the files indexed.
    pub bytes: u64,
    /// Wall seconds of the indexing run.
    pub index_seconds: f64,
    /// MB (10^6 bytes) per second.
    pub mb_per_s: f64,
    /// Documents per second.
    pub docs_per_s: f64,
    /// Paragraphs per second.
    pub paragraphs_per_s: f64,
    /// Peak resident memory of the process so far, bytes (0 where unknown).
    pub peak_rss_bytes: u64,
    /// Size of the index folder, bytes.
    pub index_bytes: u64,
    /// `index_bytes / bytes`.
    pub index_ratio: f64,
    /// The part of `index_bytes` in the exact index (bigram segments and text stores).
    pub exact_bytes: u64,
    /// Of `exact_bytes`: the position lists of the bigram segments.
    pub postings_bytes: u64,
    /// Of `exact_bytes`: the paragraph lists of the bigram segments.
    pub paragraph_list_bytes: u64,
    /// The floor under any per-term encoding of those position lists
    /// ([`BigramSegment::postings_floor_bits`]), bytes.
    pub postings_floor_bytes: u64,
    /// Of `exact_bytes`: the text stores.
    pub texts_bytes: u64,
    /// CPU seconds of each stage.
    pub stages: StageSeconds,
    /// Reading speed of each format found in the corpus, text first.
    pub formats: Vec<FormatSpeed>,
    /// Query latency through the index (top 10 with paths and highlights).
    pub search: Latency,
    /// The same queries answered by scanning the normalized text of every paragraph.
    pub scan: Latency,
    /// `scan.p50_us / search.p50_us`.
    pub speedup_p50: f64,
}

/// Runs the benchmark.
///
/// A corpus without text files, or without Han text to sample phrases from, is an error.
/// (A query file is read and checked by [`read_queries`] before this runs.)
pub fn run(opts: &BenchOptions, progress: &dyn ProgressSink) -> Result<BenchReport> {
    let from_file = opts.queries.clone();
    let guard = TempDir(tempdir_in(&opts.work_dir)?);
    let work = guard.0.as_path();
    let index_dir = work.join("index");
    let mut iopts = IndexOptions::new(&opts.corpus, &index_dir);
    iopts.threads = opts.threads.max(1);
    iopts.full = true;
    let cpu0 = process_cpu_seconds();
    let summary = index_corpus(&iopts, progress);
    let cpu_index = process_cpu_seconds() - cpu0;
    let summary = summary?;
    if summary.documents == 0 {
        return Err(Error::Other(format!(
            "{}: no .txt or .md file could be indexed",
            opts.corpus.display()
        )));
    }
    let mut report = BenchReport {
        corpus: opts.corpus.display().to_string(),
        documents: summary.documents,
        paragraphs: summary.paragraphs,
        bytes: summary.bytes,
        index_seconds: summary.seconds,
        mb_per_s: summary.mb_per_s,
        docs_per_s: summary.documents as f64 / summary.seconds.max(1e-9),
        paragraphs_per_s: summary.paragraphs as f64 / summary.seconds.max(1e-9),
        peak_rss_bytes: peak_rss_bytes(),
        index_bytes: summary.index_bytes,
        index_ratio: summary.index_bytes as f64 / summary.bytes.max(1) as f64,
        exact_bytes: crate::index::disk_size(&index_dir.join(crate::index::exact::EXACT_DIR)),
        ..BenchReport::default()
    };

    let exact = exact_breakdown(&index_dir.join(crate::index::exact::EXACT_DIR))?;
    (
        report.postings_bytes,
        report.postings_floor_bytes,
        report.paragraph_list_bytes,
        report.texts_bytes,
    ) = exact;

    // Stage by stage, one thread; keeps the normalized text for the scan baseline.
    let (stages, texts, formats) = stage_times(&opts.corpus)?;
    report.formats = formats;
    report.stages = StageSeconds {
        index_write: (cpu_index
            - stages.read_decode
            - stages.parse
            - stages.normalize
            - stages.exact)
            .max(0.0),
        commit: summary.commit_seconds,
        ..stages
    };

    let queries = match from_file {
        Some(queries) => queries,
        None => sample_phrases(&texts.originals, opts.sample),
    };
    if queries.is_empty() {
        return Err(Error::Other(format!(
            "{}: no phrases of two or more Han characters to sample; give --queries FILE",
            opts.corpus.display()
        )));
    }
    let searcher = Searcher::open(&index_dir)?;
    let sopts = SearchOptions::default();
    for q in &queries {
        searcher.search(q, &sopts)?; // warm-up
    }
    let mut times = Vec::new();
    for _ in 0..opts.runs.max(1) {
        for q in &queries {
            let t = Instant::now();
            searcher.search(q, &sopts)?;
            times.push(t.elapsed());
        }
    }
    report.search = latency(times, queries.len());

    let mut times = Vec::new();
    for q in &queries {
        let needle = phrase_needle(q);
        let t = Instant::now();
        let n = texts
            .normalized
            .iter()
            .filter(|p| p.contains(needle.as_str()))
            .count();
        std::hint::black_box(n);
        times.push(t.elapsed());
    }
    report.scan = latency(times, queries.len());
    report.speedup_p50 = report.scan.p50_us / report.search.p50_us.max(1e-9);
    drop(searcher);
    Ok(report)
}

/// The queries of a `--queries` file, one a line (blank lines skipped), each parsed so that
/// a bad one is reported with its file and line before anything is indexed.
pub fn read_queries(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut queries = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let bad = |message: String| Error::BadLine {
            path: path.to_owned(),
            line: i + 1,
            message,
        };
        let line = std::str::from_utf8(line).map_err(|_| bad("not UTF-8".to_string()))?;
        // Positions in errors count from the start of the line as written.
        let query = line.strip_suffix('\r').unwrap_or(line);
        if query.trim().is_empty() {
            continue;
        }
        crate::search::query::parse(query).map_err(|e| bad(e.to_string()))?;
        queries.push(query.to_string());
    }
    if queries.is_empty() {
        return Err(Error::Other(format!(
            "{}: no queries in the file",
            path.display()
        )));
    }
    Ok(queries)
}

/// Paragraph texts kept from the stage run.
/// The position-list bytes of the bigram segments in `dir`, the floor under any per-term
/// encoding of them, their paragraph-list bytes, and the bytes of the text stores.
fn exact_breakdown(dir: &Path) -> Result<(u64, u64, u64, u64)> {
    let (mut postings, mut floor_bits, mut lists, mut texts) = (0, 0.0, 0, 0);
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for e in entries.flatten() {
        let path = e.path();
        match path.extension().and_then(|x| x.to_str()) {
            Some("zbg") => {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                let segment = BigramSegment::open(bytes).map_err(|e| Error::io(&path, e))?;
                let listed = segment
                    .paragraph_list_bytes()
                    .map_err(|e| Error::io(&path, e))?;
                postings += segment.stats().postings_bytes - listed;
                lists += listed;
                floor_bits += segment
                    .postings_floor_bits()
                    .map_err(|e| Error::io(&path, e))?;
            }
            Some("ztx") => texts += e.metadata().map_err(|e| Error::io(&path, e))?.len(),
            _ => {}
        }
    }
    Ok((postings, (floor_bits / 8.0) as u64, lists, texts))
}

struct Texts {
    originals: Vec<String>,
    normalized: Vec<String>,
}

fn stage_times(root: &Path) -> Result<(StageSeconds, Texts, Vec<FormatSpeed>)> {
    let mut speeds: Vec<FormatSpeed> = Vec::new();
    let mut tally = |format: corpus::Format, bytes: usize, seconds: f64| {
        let name = format.name();
        let at = match speeds.iter().position(|s| s.format == name) {
            Some(at) => at,
            None => {
                speeds.push(FormatSpeed {
                    format: name.to_string(),
                    ..FormatSpeed::default()
                });
                speeds.len() - 1
            }
        };
        let s = &mut speeds[at];
        s.files += 1;
        s.bytes += bytes as u64;
        s.seconds += seconds;
    };
    let mut s = StageSeconds::default();
    let mut texts = Texts {
        originals: Vec::new(),
        normalized: Vec::new(),
    };
    let mut bigrams = BigramBuilder::new();
    let mut stored = TextsBuilder::new();
    let mut chars: Vec<char> = Vec::new();
    let mut file_no = 0;
    for event in corpus::walk(root)? {
        let WalkEvent::File(f) = event else { continue };
        let t = Instant::now();
        let Ok(bytes) = std::fs::read(&f.path) else {
            continue;
        };
        let format = corpus::Format::of(&f.rel).unwrap_or(corpus::Format::Text);
        let doc = if format == corpus::Format::Text {
            let Ok((text, enc)) = corpus::decode(&bytes) else {
                continue;
            };
            let decoded = t.elapsed().as_secs_f64();
            s.read_decode += decoded;
            let t = Instant::now();
            let doc = corpus::parse_document(&f.rel, &text, enc.name());
            let parsed = t.elapsed().as_secs_f64();
            s.parse += parsed;
            tally(format, bytes.len(), decoded + parsed);
            doc
        } else {
            // Extraction and parsing of other formats count as reading and decoding.
            let Ok(doc) = corpus::document_from_bytes(&f.rel, &bytes) else {
                continue;
            };
            let seconds = t.elapsed().as_secs_f64();
            s.read_decode += seconds;
            tally(format, bytes.len(), seconds);
            doc
        };
        file_no += 1;
        bigrams.begin_file(file_no, 0);
        for p in doc.paragraphs {
            let t = Instant::now();
            let norm = analysis::normalize_exact(&p.text);
            s.normalize += t.elapsed().as_secs_f64();
            chars.clear();
            chars.extend(norm.as_str().chars());
            let t = Instant::now();
            bigrams.add_paragraph(&chars);
            stored.add(&p.text, &p.section, p.lines);
            let full = bigrams.chars() >= SEGMENT_CHARS;
            if full {
                let full = std::mem::replace(&mut bigrams, BigramBuilder::new());
                std::hint::black_box(full.finish().len());
                let texts = std::mem::take(&mut stored)
                    .finish()
                    .map_err(|e| Error::Other(format!("text store: {e}")))?;
                std::hint::black_box(texts.len());
                bigrams.begin_file(file_no, p.paragraph + 1);
            }
            s.exact += t.elapsed().as_secs_f64();
            texts.normalized.push(chars.iter().collect());
            texts.originals.push(p.text);
        }
    }
    let t = Instant::now();
    std::hint::black_box(bigrams.finish().len());
    std::hint::black_box(
        stored
            .finish()
            .map_err(|e| Error::Other(format!("text store: {e}")))?
            .len(),
    );
    s.exact += t.elapsed().as_secs_f64();
    for f in &mut speeds {
        f.mb_per_s = if f.seconds > 0.0 {
            f.bytes as f64 / 1e6 / f.seconds
        } else {
            0.0
        };
    }
    speeds.sort_by(|a, b| (a.format != "text", &a.format).cmp(&(b.format != "text", &b.format)));
    Ok((s, texts, speeds))
}

/// The normalized text a phrase query looks for (the query without its quotes).
fn phrase_needle(q: &str) -> String {
    let inner = q.trim().trim_matches('"');
    analysis::normalize_exact(inner).as_str().to_string()
}

/// `n` phrases of 2-6 Han characters drawn from the paragraphs with a fixed seed, every
/// other one converted to the other script, each quoted.
pub fn sample_phrases(paragraphs: &[String], n: usize) -> Vec<String> {
    let mut rng = crate::rng::Rng::new(0x9e37_79b9_7f4a_7c15);
    let mut next = move |m: usize| rng.below(m);
    let mut out = Vec::with_capacity(n);
    let mut tries = 0;
    while out.len() < n && tries < n * 100 && !paragraphs.is_empty() {
        tries += 1;
        let chars: Vec<char> = paragraphs[next(paragraphs.len())].chars().collect();
        if chars.len() < 2 {
            continue;
        }
        let len = 2 + next(5);
        let start = next(chars.len());
        let piece: String = chars[start..].iter().take(len).collect();
        if piece.chars().count() != len || !piece.chars().all(is_han) {
            continue;
        }
        let piece = if out.len() % 2 == 1 {
            let simp = analysis::script::t2s(&piece);
            if simp == piece {
                analysis::script::s2t(&piece)
            } else {
                simp
            }
        } else {
            piece
        };
        out.push(format!("\"{piece}\""));
    }
    out
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// The figures of `times`, those of `distinct` queries each run the same number of times.
fn latency(mut times: Vec<Duration>, distinct: usize) -> Latency {
    if times.is_empty() {
        return Latency::default();
    }
    let runs = times.len() / distinct.max(1);
    let total: f64 = times.iter().map(Duration::as_secs_f64).sum();
    times.sort_unstable();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times[i].as_secs_f64() * 1e6
    };
    Latency {
        queries: times.len(),
        distinct,
        runs,
        p50_us: at(0.50),
        p95_us: at(0.95),
        p99_us: at(0.99),
        qps: times.len() as f64 / total.max(1e-12),
    }
}

/// A folder removed when dropped, however [`run`] returns.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir_in(parent: &Path) -> Result<PathBuf> {
    let dir = parent.join(format!("zhengce-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

/// Peak resident set size of this process (VmHWM), in bytes; 0 where unknown.
pub fn peak_rss_bytes() -> u64 {
    proc_status_kb("VmHWM:") * 1024
}

fn proc_status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// User + system CPU seconds of this process so far (all threads); 0 where unknown.
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_sorted_times() {
        let times = (1..=100).map(Duration::from_micros).collect();
        let l = latency(times, 25);
        assert_eq!((l.queries, l.distinct, l.runs), (100, 25, 4));
        assert!((l.p50_us - 51.0).abs() < 1.0, "{l:?}");
        assert!((l.p99_us - 99.0).abs() < 1.0, "{l:?}");
    }

    #[test]
    fn sampled_phrases_are_quoted_han_text_in_both_scripts() {
        let paras = vec![
            "個人資料保護法施行細則之規定".to_string(),
            "数据安全管理办法".to_string(),
        ];
        let q = sample_phrases(&paras, 20);
        assert_eq!(q.len(), 20);
        for p in &q {
            assert!(p.starts_with('"') && p.ends_with('"'));
            let n = p.trim_matches('"').chars().count();
            assert!((2..=6).contains(&n), "{p}");
        }
    }
}
