//! Printers: search results and index summaries for people ([`human`]) and as JSON Lines for
//! scripts ([`json`]). Each printer writes to a `W: io::Write` handed in, so it is tested
//! against a `Vec<u8>`; whether to use colour is decided by the caller.

pub mod human;
pub mod json;
