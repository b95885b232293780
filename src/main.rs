//! The `zhengce` command: parses the command line, runs the command, maps the outcome to an
//! exit code ([`cli::Exit`]) and prints errors as `zhengce: …` on stderr.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a panic prints before the process exits with code 2; tests assert it never appears.
const PANIC_MARKER: &str = "zhengce: internal error";

fn main() -> ExitCode {
    cli::memory::keep_freed_memory();
    let args = cli::Cli::parse();
    // A panic is a bug (or a damaged index file that tantivy panics on): say where it
    // happened, then exit with 2 and what to try.
    // The PDF extractor's panics on malformed files are caught by its reader and cost a page.
    std::panic::set_hook(Box::new(|info| {
        if !zhengce::corpus::formats::inside_pdf_extractor() {
            eprintln!("{PANIC_MARKER}: {info}");
        }
    }));
    match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(Ok(exit)) => exit.into(),
        Ok(Err(err)) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("zhengce: {err:#}");
            cli::Exit::Error.into()
        }
        Err(_) => {
            eprintln!(
                "zhengce: please report this; if the index folder was damaged, rebuild it with \
                 `zhengce index --full`"
            );
            cli::Exit::Error.into()
        }
    }
}
