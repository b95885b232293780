//! The `zhengce` command: parses the command line, runs the command, maps the outcome to an
//! exit code (0 found / done, 1 no hits, 2 error) and prints errors as `zhengce: …`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zhengce: {err:#}");
            ExitCode::from(2)
        }
    }
}
