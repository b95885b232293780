//! The command line: clap arguments, one file per command, each resolved into the library's
//! options and run. Environment and terminal checks (`NO_COLOR`, is stdout a terminal) live
//! here, not in the library.

mod bench;
mod index;
mod inspect;
mod search;

use std::io::IsTerminal;
use std::process::ExitCode;

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

/// Runs the command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index(a) => index::run(a),
        Command::Search(a) => search::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Bench(a) => bench::run(a),
    }
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
