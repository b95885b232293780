//! Integration tests: the real `zhengce` binary over the sample corpus in temporary folders,
//! one module per theme. Tests over the real corpus read `ZHENGCE_REAL_CORPUS` and say they
//! were skipped when it is not set.

mod harness;

mod bench;
mod browser;
mod faults;
mod finding;
mod formats;
mod incremental;
mod inspect;
mod metadata;
mod promises;
mod quotes;
mod ranking;
mod real_corpus;
mod real_finding;
mod real_formats;
mod real_metadata;
mod search;
mod serve;
mod variants;
