//! The `zhengce` command: parses the command line, runs the command, maps the outcome to an
//! exit code (0 found / done, 1 no hits, 2 error) and prints errors as `zhengce: …`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // A damaged index file can make tantivy panic while reading it: turn that into an error
    // message that says what to do, not a panic trace.
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(|| cli::run(args));
    match outcome {
        Ok(Ok(code)) => code,
        Ok(Err(err)) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("zhengce: {err:#}");
            ExitCode::from(2)
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown failure");
            eprintln!(
                "zhengce: internal error ({what}); if the index folder was damaged, rebuild it \
                 with `zhengce index --full`"
            );
            ExitCode::from(2)
        }
    }
}
