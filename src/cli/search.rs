//! `zhengce search QUERY` and `zhengce search --batch FILE|-`: answers queries from an index,
//! for people (snippets with colour) or as JSON Lines. When the default index does not exist
//! yet, it is built from the default corpus first (said on stderr).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use zhengce::output::human::{self, HumanOptions, HumanPrinter};
use zhengce::output::json::JsonPrinter;
use zhengce::output::Printer;
use zhengce::search::{Script, SearchOptions, Searcher, Sort, Versions};

use super::ColorChoice;

const DEFAULT_INDEX: &str = "index";
/// The most neighbouring paragraphs shown on each side of a hit.
const MAX_CONTEXT: usize = 50;
const DEFAULT_CORPUS: &str = "corpus";

/// `--script`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum ScriptArg {
    /// As written in the source.
    #[default]
    Orig,
    /// Simplified characters.
    Simp,
    /// Traditional characters.
    Trad,
}

/// Arguments of `zhengce search`.
/// Which versions of a document to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum VersionsArg {
    /// The current version of each document (older versions left out).
    #[default]
    Current,
    /// Every version.
    All,
}

/// The order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum SortArg {
    /// Best first.
    #[default]
    Relevance,
    /// Oldest main date first.
    Date,
    /// Newest main date first.
    #[value(name = "-date")]
    DateDesc,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query (see the README for the language).
    #[arg(
        required_unless_present = "batch",
        conflicts_with = "batch",
        allow_hyphen_values = true
    )]
    query: Option<String>,
    /// Read one query a line from FILE (`-` for stdin); one answer a line, in input order.
    #[arg(long, value_name = "FILE")]
    batch: Option<String>,
    /// Threads answering `--batch` queries, 1 to 256 (default: all cores).
    #[arg(long, requires = "batch", value_parser = super::index::threads_arg)]
    threads: Option<usize>,
    /// The index folder.
    #[arg(long, default_value = DEFAULT_INDEX)]
    index: PathBuf,
    /// Hits to show.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Hits to skip.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Print JSON Lines.
    #[arg(long)]
    json: bool,
    /// Script of the displayed text.
    #[arg(long, value_enum, default_value_t = ScriptArg::Orig)]
    script: ScriptArg,
    /// Colour the matches.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Show every copy of a text as a hit of its own (by default, paragraphs with the same
    /// text in several documents are one hit that names the others).
    #[arg(long)]
    all_copies: bool,
    /// One entry per document: its number of matching paragraphs and its best ones.
    #[arg(long, conflicts_with = "count")]
    by_doc: bool,
    /// Print the counts only.
    #[arg(long)]
    count: bool,
    /// Show N neighbouring paragraphs of the same document before and after each hit.
    #[arg(long, value_name = "N", default_value_t = 0)]
    context: usize,
    /// Search every word and phrase as written, without its other forms (other numerals,
    /// brackets, the other side's vocabulary).
    #[arg(long, conflicts_with = "variants")]
    literal: bool,
    /// More groups of equivalent forms: UTF-8, one group a line, forms separated by spaces.
    #[arg(long, value_name = "FILE")]
    variants: Option<PathBuf>,
    /// Which versions of a document to show: `current` (older versions of a law left out,
    /// unless the query filters by `status:`) or `all`.
    #[arg(long, value_enum, default_value_t = VersionsArg::Current)]
    versions: VersionsArg,
    /// Count all matching paragraphs by kind, status, region, year and top issuers.
    #[arg(long)]
    facets: bool,
    /// The order of the hits: `relevance`, `date` (oldest first) or `-date` (newest first),
    /// by the documents' main dates.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance, allow_hyphen_values = true)]
    sort: SortArg,
}

/// Runs `zhengce search`.
pub fn run(a: SearchArgs) -> anyhow::Result<super::Exit> {
    // clap's `requires` is not checked when the query, which conflicts with `--batch`, is
    // given: say so rather than ignore the flag.
    anyhow::ensure!(
        a.threads.is_none() || a.batch.is_some(),
        "--threads applies to --batch only (one query runs its look-ups on up to two threads)"
    );
    if a.query.as_deref() == Some("-") {
        anyhow::bail!("`-` is not a query: to read queries from stdin, give `--batch -`");
    }
    let printer: Box<dyn Printer> = match a.json {
        true => Box::new(JsonPrinter),
        false => Box::new(HumanPrinter {
            opts: HumanOptions {
                color: a.color.resolve(),
                counts_only: a.count,
            },
            batch: a.batch.is_some(),
        }),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let opened = ensure_default_index(&a.index)
        .and_then(|()| Searcher::open(&a.index).map_err(anyhow::Error::from))
        .and_then(|mut s| {
            if let Some(path) = &a.variants {
                s.set_variants(std::sync::Arc::new(
                    zhengce::analysis::Variants::with_user_file(path)?,
                ));
            }
            Ok(s)
        });
    let searcher = match opened {
        Ok(s) => s,
        Err(e) => {
            if let Some(q) = &a.query {
                // A script reads this error where it reads answers, as for a query's own.
                printer.error(&mut out, q, &format!("{e:#}"))?;
                out.flush()?;
            }
            return Err(e);
        }
    };
    let opts = SearchOptions {
        limit: a.limit,
        offset: a.offset,
        script: match a.script {
            ScriptArg::Orig => Script::Original,
            ScriptArg::Simp => Script::Simplified,
            ScriptArg::Trad => Script::Traditional,
        },
        fold_copies: !a.all_copies,
        by_document: a.by_doc,
        count_only: a.count,
        context: a.context.min(MAX_CONTEXT),
        literal: a.literal,
        versions: match a.versions {
            VersionsArg::Current => Versions::Current,
            VersionsArg::All => Versions::All,
        },
        facets: a.facets,
        sort: match a.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
            SortArg::DateDesc => Sort::DateDesc,
        },
        ..SearchOptions::default()
    };
    match (&a.query, &a.batch) {
        (Some(q), _) => {
            let r = match searcher.search(q, &opts) {
                Ok(r) => r,
                Err(e) => {
                    let e = anyhow::Error::from(e);
                    // The message also goes to stderr, and the exit code is 2.
                    printer.error(&mut out, q, &format!("{e:#}"))?;
                    out.flush()?;
                    return Err(e);
                }
            };
            printer.result(&mut out, &r)?;
            out.flush()?;
            // A partial answer found no paragraph with every term.
            Ok(match r.total > 0 && !r.partial {
                true => super::Exit::Success,
                false => super::Exit::NoHits,
            })
        }
        (None, Some(file)) => {
            let input: Box<dyn BufRead + Send> = if file == "-" {
                Box::new(std::io::BufReader::new(std::io::stdin()))
            } else {
                let f =
                    std::fs::File::open(file).with_context(|| format!("{file}: cannot open"))?;
                Box::new(std::io::BufReader::new(f))
            };
            let answer = |line: Line| -> Answer {
                let mut buf = Vec::new();
                let (q, result) = match line {
                    Ok(q) => {
                        let r = searcher.search(&q, &opts).map_err(anyhow::Error::from);
                        (q, r)
                    }
                    Err((q, e)) => (q, Err(anyhow::anyhow!(e))),
                };
                let found = match result {
                    Ok(r) => {
                        printer.result(&mut buf, &r)?;
                        Some(r.total > 0 && !r.partial)
                    }
                    Err(e) => {
                        printer.error(&mut buf, &q, &format!("{e:#}"))?;
                        None
                    }
                };
                Ok((buf, found))
            };
            let workers = a
                .threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
                .max(1);
            let (lines, found, answered) = batch(input, file, workers, &answer, &mut out)?;
            out.flush()?;
            if lines == 0 {
                eprintln!("zhengce: {file}: no queries (an empty batch)");
                return Ok(super::Exit::NoHits);
            }
            Ok(match (found, answered) {
                (true, _) => super::Exit::Success,
                (false, true) => super::Exit::NoHits,
                (false, false) => super::Exit::Error,
            })
        }
        (None, None) => bail!("give a query or --batch FILE"),
    }
}

/// The printed answer to one query, and whether it found something (`None`: an error).
type Answer = anyhow::Result<(Vec<u8>, Option<bool>)>;

/// Answers the queries of `input`, one a line, on `workers` threads, and writes the answers in
/// input order as each becomes the next in line (so a script that writes a query and waits
/// for its answer is served at once). Every line gets one answer: a blank one or one that is
/// not UTF-8 an error. Returns the number of lines, whether any query found something and
/// whether any was answered without error.
fn batch(
    input: Box<dyn BufRead + Send>,
    name: &str,
    workers: usize,
    answer: &(dyn Fn(Line) -> Answer + Sync),
    out: &mut dyn Write,
) -> anyhow::Result<(usize, bool, bool)> {
    let (line_tx, line_rx) = crossbeam_channel::bounded::<(usize, Line)>(workers * 64);
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<(usize, Answer)>();
    let (mut found, mut answered, mut lines) = (false, false, 0);
    std::thread::scope(|s| -> anyhow::Result<()> {
        let reader = s.spawn(move || -> anyhow::Result<usize> {
            let mut input = input;
            let mut seq = 0;
            let mut bytes = Vec::new();
            loop {
                bytes.clear();
                let read = input
                    .read_until(b'\n', &mut bytes)
                    .with_context(|| format!("{name}: line {}", seq + 1))?;
                if read == 0 {
                    break;
                }
                let line = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                // Every line gets its answer, in order: one that is not UTF-8 an error.
                let q = std::str::from_utf8(line).map(str::to_string).map_err(|e| {
                    let text = String::from_utf8_lossy(line).into_owned();
                    (text, format!("line {} is not valid UTF-8 ({e})", seq + 1))
                });
                if line_tx.send((seq, q)).is_err() {
                    break;
                }
                seq += 1;
            }
            Ok(seq)
        });
        for _ in 0..workers {
            let (line_rx, done_tx) = (line_rx.clone(), done_tx.clone());
            s.spawn(move || {
                for (seq, q) in line_rx {
                    if done_tx.send((seq, answer(q))).is_err() {
                        break;
                    }
                }
            });
        }
        drop((line_rx, done_tx));
        let mut pending: std::collections::BTreeMap<usize, Answer> = Default::default();
        let mut next = 0;
        let mut failed = None;
        // On an error, stop reading answers: the workers and the reader then stop too.
        'answers: for (seq, ans) in done_rx {
            pending.insert(seq, ans);
            while let Some(ans) = pending.remove(&next) {
                next += 1;
                match ans.and_then(|(bytes, f)| {
                    out.write_all(&bytes)?;
                    Ok(f)
                }) {
                    Ok(f) => {
                        answered |= f.is_some();
                        found |= f == Some(true);
                    }
                    Err(e) => {
                        failed = Some(e);
                        break 'answers;
                    }
                }
            }
            if pending.is_empty() {
                if let Err(e) = out.flush() {
                    failed = Some(e.into());
                    break;
                }
            }
        }
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("{name}: the reading thread failed")));
        match failed {
            Some(e) => Err(e),
            None => read.map(|n| lines = n),
        }
    })?;
    Ok((lines, found, answered))
}

/// One line of a batch: the query, or (its text made valid, the error) when it is not UTF-8.
type Line = Result<String, (String, String)>;

/// Builds the default index from the default corpus when it does not exist yet, so that
/// `zhengce search 人工智能` works in a fresh checkout; and builds it again when another
/// version of zhengce (another index format) built it from the default corpus with no user
/// dictionary, so that the same command works after an upgrade. An index built from
/// another folder, or with dictionaries of the user's, is left for the user to rebuild.
pub(super) fn ensure_default_index(index: &Path) -> anyhow::Result<()> {
    let corpus = Path::new(DEFAULT_CORPUS);
    if index != Path::new(DEFAULT_INDEX) || !corpus.is_dir() {
        return Ok(());
    }
    let args = match zhengce::index::exists(index) {
        false => {
            eprintln!(
                "zhengce: no index yet; building {DEFAULT_INDEX}/ from {DEFAULT_CORPUS}/ first"
            );
            super::index::IndexArgs::default()
        }
        true => {
            let Ok(info) = zhengce::index::stored_info(index) else {
                return Ok(());
            };
            let root = std::fs::canonicalize(corpus).map(|p| p.display().to_string());
            let ours = root.is_ok_and(|r| r == info.corpus_root) && info.dicts.is_empty();
            if info.format == zhengce::index::FORMAT_VERSION || !ours {
                return Ok(());
            }
            eprintln!(
                "zhengce: {DEFAULT_INDEX}/ was built by another version of zhengce (index format \
                 {}, this one writes {}); building it again from {DEFAULT_CORPUS}/",
                info.format,
                zhengce::index::FORMAT_VERSION
            );
            super::index::IndexArgs::full_rebuild()
        }
    };
    let summary = super::index::build(corpus, index, &args)?;
    let mut err = std::io::stderr().lock();
    human::write_summary(&mut err, &summary)?;
    Ok(())
}
