//! The `zhengce` command: parses the command line and hands it to [`zhengce::cli::run`].

fn main() {}
