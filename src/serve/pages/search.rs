//! The search page: the frame, the help (open while nothing was searched), then the answer as
//! the HTML printer renders it ([`crate::output::html`]) and the pager; or the error of the
//! query or of the index.

use maud::{html, Markup};

use super::facets::FacetValues;
use super::{help, layout, url};
use crate::output::html::HtmlPrinter;
use crate::search::SearchResult;
use crate::serve::params::{SearchParams, MAX_OFFSET};

/// What a search page shows below the frame.
pub enum Answer<'a> {
    /// Nothing was searched yet.
    Nothing,
    /// The answer.
    Found(&'a SearchResult),
    /// The query, a parameter or the index failed: the message.
    Failed(&'a str),
}

/// The parameters that links to a document carry: the query and how it was searched, so the
/// document page highlights the same hits in the same script.
pub fn doc_params(params: &SearchParams) -> SearchParams {
    SearchParams {
        q: params.q.clone(),
        script: params.script,
        literal: params.literal,
        ..SearchParams::default()
    }
}

/// The whole search page; `facets` (the answer's counts by metadata, when it has them) as
/// links that narrow the query.
pub fn page(params: &SearchParams, answer: Answer<'_>, facets: &[(&str, FacetValues)]) -> Markup {
    let title = match params.q.is_empty() {
        true => "zhengce 政策检索".to_string(),
        false => format!("{} — zhengce", params.q),
    };
    let printer = HtmlPrinter {
        doc_params: doc_params(params).query_string(),
        counts_only: params.count,
    };
    let body = html! {
        main {
            (help(matches!(answer, Answer::Nothing)))
            @match answer {
                Answer::Nothing => {}
                Answer::Failed(e) => { p.error { (e) } }
                Answer::Found(r) => {
                    @if facets.iter().any(|(_, v)| !v.is_empty()) {
                        (super::facets::render(params, facets))
                    }
                    (printer.render(r))
                    (pager(params, r))
                }
            }
        }
    };
    layout(&title, params, "/", body)
}

/// Links to the previous and next pages of an answer, and where this page is.
fn pager(params: &SearchParams, r: &SearchResult) -> Markup {
    let limit = params.limit.max(1);
    let shown = r.hits.len() + r.documents.as_ref().map_or(0, Vec::len);
    if params.count || r.distinct <= limit && params.offset == 0 {
        return html! {};
    }
    let page = params.offset / limit + 1;
    let pages = r.distinct.div_ceil(limit);
    let prev = (params.offset > 0).then(|| SearchParams {
        offset: params.offset.saturating_sub(limit),
        ..params.clone()
    });
    let next_offset = params.offset + limit;
    let next = (shown > 0 && next_offset < r.distinct && next_offset <= MAX_OFFSET).then(|| {
        SearchParams {
            offset: next_offset,
            ..params.clone()
        }
    });
    html! {
        nav.pager aria-label="pages" {
            @if let Some(p) = prev { a rel="prev" href=(url("/", &p)) { "← previous" } }
            span.here { "page " (page) " of " (pages) }
            @if let Some(n) = next { a rel="next" href=(url("/", &n)) { "next →" } }
        }
    }
}
