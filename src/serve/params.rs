//! The parameters of a search, as the page's URL and the JSON API take them: the flags of
//! `zhengce search` under the same names (`q` for the query; `_` for `-`), so that
//! `/api/search?q=…&limit=5&by_doc=1&sort=-date` answers as
//! `zhengce search … --limit 5 --by-doc --sort -date --json` does. Every state of the page is in these parameters, so a search can be bookmarked; a
//! value out of bounds is an error naming the parameter, not a silently different search.

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::search::{Script, SearchOptions, Sort, Versions};

/// The most hits (or documents) on one page.
pub const MAX_LIMIT: usize = 100;
/// The most hits skipped: deeper pages cost a heap of `offset + limit` entries.
pub const MAX_OFFSET: usize = 10_000;
/// The most neighbouring paragraphs shown on each side of a hit (as `zhengce search`).
pub const MAX_CONTEXT: usize = 50;
/// The longest query, in bytes, before it is even parsed (the parser's own bound is
/// [`crate::search::query::MAX_QUERY_CHARS`] characters).
pub const MAX_QUERY_BYTES: usize = 4096;
/// Hits on a page unless `limit` says otherwise (as `zhengce search`).
pub const DEFAULT_LIMIT: usize = 10;

/// Characters left as they are in a query string value (RFC 3986 unreserved).
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One search, as its URL gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchParams {
    /// The query (`q`); empty: no search yet.
    pub q: String,
    /// `limit`: hits (or documents) to show.
    pub limit: usize,
    /// `offset`: hits to skip.
    pub offset: usize,
    /// `script`: `orig`, `simp` or `trad`.
    pub script: Script,
    /// `all_copies`: show every copy of a text as a hit of its own.
    pub all_copies: bool,
    /// `by_doc`: one entry per document.
    pub by_doc: bool,
    /// `count`: the counts only.
    pub count: bool,
    /// `context`: neighbouring paragraphs on each side of a hit.
    pub context: usize,
    /// `literal`: every text as written, without its other forms.
    pub literal: bool,
    /// `versions`: `current` (older versions of a document left out) or `all`.
    pub versions: Versions,
    /// `facets`: count the matches by kind, status, region, year and issuer.
    pub facets: bool,
    /// `sort`: `relevance`, `date` (oldest first) or `-date` (newest first).
    pub sort: Sort,
}

impl Default for SearchParams {
    fn default() -> Self {
        SearchParams {
            q: String::new(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            script: Script::Original,
            all_copies: false,
            by_doc: false,
            count: false,
            context: 0,
            literal: false,
            versions: Versions::Current,
            facets: false,
            sort: Sort::Relevance,
        }
    }
}

/// A parameter the server cannot take, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError(pub String);

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl SearchParams {
    /// Reads the parameters of a URL's query string (decoded pairs, in order; the last of a
    /// repeated name wins, unknown names are ignored).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SearchParams, ParamError> {
        let mut p = SearchParams::default();
        for (name, value) in pairs {
            match name {
                "q" => {
                    if value.len() > MAX_QUERY_BYTES {
                        return Err(ParamError(format!(
                            "q: the query is longer than {MAX_QUERY_BYTES} bytes"
                        )));
                    }
                    p.q = value.to_string();
                }
                "limit" => p.limit = number(name, value, MAX_LIMIT)?,
                "offset" => p.offset = number(name, value, MAX_OFFSET)?,
                "context" => p.context = number(name, value, MAX_CONTEXT)?,
                "script" => p.script = script(value)?,
                "all_copies" => p.all_copies = flag(name, value)?,
                "by_doc" => p.by_doc = flag(name, value)?,
                "count" => p.count = flag(name, value)?,
                "literal" => p.literal = flag(name, value)?,
                "facets" => p.facets = flag(name, value)?,
                "versions" => p.versions = versions(value)?,
                "sort" => p.sort = sort(value)?,
                _ => {}
            }
        }
        Ok(p)
    }

    /// The search options these parameters ask for.
    pub fn options(&self) -> SearchOptions {
        SearchOptions {
            limit: self.limit,
            offset: self.offset,
            script: self.script,
            fold_copies: !self.all_copies,
            by_document: self.by_doc,
            count_only: self.count,
            context: self.context,
            literal: self.literal,
            versions: self.versions,
            facets: self.facets,
            sort: self.sort,
            ..SearchOptions::default()
        }
    }

    /// The query string (`q=…&…`, without `?`) that gives these parameters back: only the
    /// values that differ from the defaults, in a fixed order, so equal searches have equal
    /// URLs.
    pub fn query_string(&self) -> String {
        let d = SearchParams::default();
        let mut s = String::new();
        let mut add = |name: &str, value: &str| {
            if !s.is_empty() {
                s.push('&');
            }
            let _ = write!(s, "{name}={}", encode_value(value));
        };
        if !self.q.is_empty() {
            add("q", &self.q);
        }
        if self.limit != d.limit {
            add("limit", &self.limit.to_string());
        }
        if self.offset != d.offset {
            add("offset", &self.offset.to_string());
        }
        if self.script != d.script {
            add("script", script_name(self.script));
        }
        for (name, on) in [
            ("all_copies", self.all_copies),
            ("by_doc", self.by_doc),
            ("count", self.count),
            ("literal", self.literal),
            ("facets", self.facets),
        ] {
            if on {
                add(name, "1");
            }
        }
        if self.context != d.context {
            add("context", &self.context.to_string());
        }
        if self.versions != d.versions {
            add("versions", "all");
        }
        if self.sort != d.sort {
            add("sort", sort_name(self.sort));
        }
        s
    }
}

/// The name of a script in URLs and on the command line.
pub fn script_name(s: Script) -> &'static str {
    match s {
        Script::Original => "orig",
        Script::Simplified => "simp",
        Script::Traditional => "trad",
    }
}

/// A query string value or form field, percent-encoded.
pub fn encode_value(v: &str) -> String {
    utf8_percent_encode(v, VALUE).to_string()
}

/// Decoded (name, value) pairs of a raw query string (`+` is a space, as forms send it).
pub fn decode_pairs(raw: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_encoding::percent_decode_str(&s)
            .decode_utf8_lossy()
            .into_owned()
    };
    (raw.split('&'))
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(n), decode(v))
        })
        .collect()
}

/// The name of an order in URLs and on the command line.
pub fn sort_name(s: Sort) -> &'static str {
    match s {
        Sort::Relevance => "relevance",
        Sort::Date => "date",
        Sort::DateDesc => "-date",
    }
}

fn versions(value: &str) -> Result<Versions, ParamError> {
    match value {
        "" | "current" => Ok(Versions::Current),
        "all" => Ok(Versions::All),
        _ => Err(ParamError(format!(
            "versions: `{value}` is not current or all"
        ))),
    }
}

fn sort(value: &str) -> Result<Sort, ParamError> {
    match value {
        "" | "relevance" => Ok(Sort::Relevance),
        "date" => Ok(Sort::Date),
        "-date" => Ok(Sort::DateDesc),
        _ => Err(ParamError(format!(
            "sort: `{value}` is not relevance, date or -date"
        ))),
    }
}

fn number(name: &str, value: &str, max: usize) -> Result<usize, ParamError> {
    match value.trim().parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(ParamError(format!(
            "{name}: `{value}` is not a whole number from 0 to {max}"
        ))),
    }
}

fn flag(name: &str, value: &str) -> Result<bool, ParamError> {
    match value {
        "" | "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        _ => Err(ParamError(format!(
            "{name}: `{value}` is not 1 or 0 (true or false)"
        ))),
    }
}

fn script(value: &str) -> Result<Script, ParamError> {
    match value {
        "" | "orig" => Ok(Script::Original),
        "simp" => Ok(Script::Simplified),
        "trad" => Ok(Script::Traditional),
        _ => Err(ParamError(format!(
            "script: `{value}` is not orig, simp or trad"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<SearchParams, ParamError> {
        let pairs = decode_pairs(raw);
        SearchParams::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    }

    #[test]
    fn parameters_round_trip_through_their_query_string() {
        let p = parse("q=%22%E4%BA%BA%E5%B7%A5%22+a%26b&limit=5&offset=10&script=trad&by_doc=on&literal=1&context=2&x=y&versions=all&sort=-date&facets=1")
            .unwrap();
        assert_eq!(p.q, "\"人工\" a&b");
        assert_eq!((p.limit, p.offset, p.context), (5, 10, 2));
        assert_eq!(p.script, Script::Traditional);
        assert!(p.by_doc && p.literal && !p.all_copies && !p.count && p.facets);
        assert_eq!((p.versions, p.sort), (Versions::All, Sort::DateDesc));
        assert_eq!(parse(&p.query_string()).unwrap(), p);
        assert_eq!(SearchParams::default().query_string(), "");
        let o = p.options();
        assert!(o.by_document && o.literal && o.fold_copies);
    }

    #[test]
    fn out_of_bounds_values_name_their_parameter() {
        for (raw, name) in [
            ("limit=101", "limit"),
            ("limit=-1", "limit"),
            ("offset=10001", "offset"),
            ("context=51", "context"),
            ("script=latin", "script"),
            ("by_doc=maybe", "by_doc"),
            ("sort=size", "sort"),
            ("versions=old", "versions"),
        ] {
            let e = parse(raw).unwrap_err();
            assert!(e.0.starts_with(name), "{raw}: {e}");
        }
        let long = format!("q={}", "a".repeat(MAX_QUERY_BYTES + 1));
        assert!(parse(&long).unwrap_err().0.starts_with("q:"));
    }
}
