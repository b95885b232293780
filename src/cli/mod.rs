//! The command line: clap arguments, one file per command, each resolved into the library's
//! options and run. Environment and terminal checks (`NO_COLOR`, is stdout a terminal) live
//! here, not in the library.

mod bench;
mod index;
mod inspect;
pub mod memory;
mod search;
mod serve;

use std::io::{IsTerminal, Write};

use clap::{Parser, Subcommand, ValueEnum};

/// zhengce (政策): full-text search for Chinese policy texts.
#[derive(Debug, Parser)]
#[command(name = "zhengce", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Index a corpus folder (only new and changed files are read again).
    Index(index::IndexArgs),
    /// Search the index: words, "exact phrases", OR, -NOT, (groups), title: section: path:.
    Search(search::SearchArgs),
    /// Show how a file is parsed into paragraphs and sections.
    Inspect(inspect::InspectArgs),
    /// Serve a local web page and JSON API over the index (loopback only by default).
    Serve(serve::ServeArgs),
    /// Measure indexing speed, index size and query latency on a corpus folder.
    Bench(bench::BenchArgs),
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    fn resolve(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// How a command ended: the process exit code scripts read (documented in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: found something, or done.
    Success = 0,
    /// 1: the query (every query of a batch) found nothing, or the batch was empty.
    NoHits = 1,
    /// 2: an error (a bad query or flag, a missing or damaged index, I/O); nothing was
    /// written.
    Error = 2,
    /// 3: `index` committed, but some files could not be read (listed under `failed`).
    SomeFilesFailed = 3,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}

/// Runs the command. A command given `--json` also prints its error as a JSON object on
/// stdout (`search` prints `{"query","error"}`, the others `{"error"}`), besides the message
/// on stderr that `main` prints.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    let json_errors = match &cli.command {
        Command::Index(a) => a.json,
        Command::Inspect(a) => a.json,
        Command::Bench(a) => a.json,
        // A search writes its own error object, with the query in it.
        Command::Search(_) | Command::Serve(_) => false,
    };
    let result = match cli.command {
        Command::Index(a) => index::run(a),
        Command::Search(a) => search::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Bench(a) => bench::run(a),
    };
    if let Err(e) = &result {
        if json_errors && !is_broken_pipe(e) {
            let mut out = std::io::stdout().lock();
            zhengce::output::json::write_command_error(&mut out, &format!("{e:#}"))?;
            out.flush()?;
        }
    }
    result
}

/// Whether the error is a write to a closed pipe (`zhengce search … | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let pipe = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == pipe
            || e.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == pipe
            || matches!(e.downcast_ref::<zhengce::Error>(), Some(zhengce::Error::Io { error, .. }) if Some(error.kind()) == pipe)
    })
}
