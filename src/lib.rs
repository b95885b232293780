//! zhengce (政策): full-text search for Chinese policy texts.
//!
//! The pipeline, one module per stage: [`corpus`] walks a folder, decodes files and parses them
//! into [`corpus::Document`]s of [`corpus::Paragraph`]s with their section headings;
//! [`analysis`] normalizes script and width and cuts text into index terms; [`index`] writes
//! and opens the tantivy index; [`search`] parses the query language, runs queries and builds
//! highlights; [`output`] prints hits for people and as JSON Lines for scripts; [`serve`] is the
//! local web page and JSON API over the same searcher and printers. The binary
//! (`src/main.rs` and `src/cli/`) wires the commands together. Library code never prints to the
//! terminal by itself, never exits and never reads the environment: the binary does that.

pub mod analysis;
pub mod bench;
pub mod corpus;
pub mod error;
pub mod index;
pub mod output;
pub mod rng;
pub mod search;
pub mod serve;

pub use error::{Error, Result};

/// The real corpus's folder, from `ZHENGCE_REAL_CORPUS`: for tests marked
/// `#[cfg_attr(not(real_corpus), ignore = …)]`, which run only when the variable was set at
/// build time (`build.rs` sets the `real_corpus` cfg then).
#[cfg(test)]
pub(crate) fn real_corpus() -> std::path::PathBuf {
    match std::env::var_os("ZHENGCE_REAL_CORPUS") {
        Some(p) if !p.is_empty() => p.into(),
        _ => {
            panic!("ZHENGCE_REAL_CORPUS is not set: it was when this test was built; set it again")
        }
    }
}

/// Cases for the property tests that fuzz the parsers: `ZHENGCE_FUZZ_CASES` when set (CI's
/// longer fuzz pass), else `default`.
#[cfg(test)]
pub(crate) fn fuzz_cases(default: u32) -> u32 {
    std::env::var("ZHENGCE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
