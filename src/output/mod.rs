//! Printers: search results for people ([`human`]), as JSON Lines for scripts ([`json`]) and
//! as HTML for the web page ([`html`]),
//! each one small type implementing [`Printer`], which every front end uses (the command
//! line; the web page's JSON API). Each writes to an `io::Write` handed in, so it is tested
//! against a `Vec<u8>`; whether to use colour is decided by the caller. Index summaries are
//! printed by [`human::write_summary`] or as one JSON object ([`json::write_line`]).

pub mod html;
pub mod human;
pub mod json;

use std::io::{self, Write};

use crate::search::SearchResult;

/// Writes the answers of queries, one query at a time.
pub trait Printer: Sync {
    /// Writes the answer to one query.
    fn result(&self, out: &mut dyn Write, r: &SearchResult) -> io::Result<()>;
    /// Writes the error of one query (a malformed query, a failed look-up).
    fn error(&self, out: &mut dyn Write, query: &str, error: &str) -> io::Result<()>;
}
