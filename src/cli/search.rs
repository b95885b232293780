//! `zhengce search QUERY` and `zhengce search --batch FILE|-`: answers queries from an index,
//! for people (snippets with colour) or as JSON Lines. When the default index does not exist
//! yet, it is built from the default corpus first (said on stderr).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use zhengce::output::human::{self, HumanOptions};
use zhengce::output::json;
use zhengce::search::{Script, SearchOptions, Searcher};

use super::ColorChoice;

const DEFAULT_INDEX: &str = "index";
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
}

/// Runs `zhengce search`.
pub fn run(a: SearchArgs) -> anyhow::Result<ExitCode> {
    ensure_default_index(&a.index)?;
    let searcher = Searcher::open(&a.index)?;
    let opts = SearchOptions {
        limit: a.limit,
        offset: a.offset,
        script: match a.script {
            ScriptArg::Orig => Script::Original,
            ScriptArg::Simp => Script::Simplified,
            ScriptArg::Trad => Script::Traditional,
        },
        ..SearchOptions::default()
    };
    let human_opts = HumanOptions {
        color: a.color.resolve(),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match (&a.query, &a.batch) {
        (Some(q), _) => {
            let r = searcher.search(q, &opts)?;
            if a.json {
                json::write_result(&mut out, &r)?;
            } else {
                human::write_result(&mut out, &r, human_opts)?;
            }
            out.flush()?;
            Ok(if r.total > 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        (None, Some(file)) => {
            let input: Box<dyn BufRead> = if file == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                let f =
                    std::fs::File::open(file).with_context(|| format!("{file}: cannot open"))?;
                Box::new(std::io::BufReader::new(f))
            };
            let (mut found, mut answered) = (false, false);
            for (n, line) in input.lines().enumerate() {
                let line = line.with_context(|| format!("{file}: line {}", n + 1))?;
                let q = line.trim_end_matches('\r');
                if q.trim().is_empty() {
                    continue;
                }
                match searcher.search(q, &opts) {
                    Ok(r) => {
                        answered = true;
                        found |= r.total > 0;
                        if a.json {
                            json::write_result(&mut out, &r)?;
                        } else {
                            writeln!(out, "== {q}")?;
                            human::write_result(&mut out, &r, human_opts)?;
                        }
                    }
                    Err(e) => {
                        let e = format!("{:#}", anyhow::Error::from(e));
                        if a.json {
                            json::write_error(&mut out, q, &e)?;
                        } else {
                            writeln!(out, "== {q}\nerror: {e}")?;
                        }
                    }
                }
            }
            out.flush()?;
            Ok(match (found, answered) {
                (true, _) => ExitCode::SUCCESS,
                (false, true) => ExitCode::from(1),
                (false, false) => ExitCode::from(2),
            })
        }
        (None, None) => bail!("give a query or --batch FILE"),
    }
}

/// Builds the default index from the default corpus when neither exists yet, so that
/// `zhengce search 人工智能` works in a fresh checkout.
fn ensure_default_index(index: &Path) -> anyhow::Result<()> {
    if index != Path::new(DEFAULT_INDEX) || zhengce::index::exists(index) {
        return Ok(());
    }
    let corpus = Path::new(DEFAULT_CORPUS);
    if !corpus.is_dir() {
        return Ok(());
    }
    eprintln!("zhengce: no index yet; building {DEFAULT_INDEX}/ from {DEFAULT_CORPUS}/ first");
    let summary = super::index::build(corpus, index, &super::index::IndexArgs::default())?;
    let mut err = std::io::stderr().lock();
    human::write_summary(&mut err, &summary)?;
    Ok(())
}
