//! The server's HTML pages, rendered with maud (every value it puts in the page is escaped):
//! the frame every page shares (the search box with the whole query language, the options and
//! the script toggle, all as a plain GET form), the short help, and the error and not-found
//! pages. The search results are in [`search`], a document in [`document`].

pub mod document;
pub mod facets;
pub mod search;

use maud::{html, Markup, DOCTYPE};

use super::params::{script_name, sort_name, SearchParams};
use crate::search::{Script, Sort, Versions};

/// A whole page: `title`, the search frame for `params` whose links and form go to `base`
/// (`/` or a document's URL), then `body`.
pub fn layout(title: &str, params: &SearchParams, base: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/assets/style.css";
            }
            body {
                (top(params, base))
                (body)
                script src="/assets/app.js" {}
            }
        }
    }
}

/// The search frame: the box, the options and the script toggle. The form always searches
/// from the first page; the script, page size and context carry over.
fn top(params: &SearchParams, base: &str) -> Markup {
    let defaults = SearchParams::default();
    html! {
        header.top {
            form action="/" method="get" role="search" {
                a.brand href="/" { "政策 zhengce" }
                input id="q" type="search" name="q" value=(params.q)
                    placeholder="词语、\"精确短语\"、OR、-排除、title: section: path:"
                    aria-label="query" autocomplete="off";
                button type="submit" { "搜索 Search" }
                @if params.script != defaults.script {
                    input type="hidden" name="script" value=(script_name(params.script));
                }
                @if params.limit != defaults.limit {
                    input type="hidden" name="limit" value=(params.limit);
                }
                @if params.context != defaults.context {
                    input type="hidden" name="context" value=(params.context);
                }
                div.options {
                    label { input type="checkbox" name="by_doc" value="1" checked[params.by_doc]; " by document 按文件" }
                    label { input type="checkbox" name="all_copies" value="1" checked[params.all_copies]; " every copy 显示重复" }
                    label { input type="checkbox" name="literal" value="1" checked[params.literal]; " as written 不扩展异形" }
                    label { input type="checkbox" name="versions" value="all" checked[params.versions == Versions::All]; " every version 所有版本" }
                    label {
                        "order 排序 "
                        select name="sort" {
                            @for (s, name) in [(Sort::Relevance, "relevance 相关"), (Sort::DateDesc, "newest 最新"), (Sort::Date, "oldest 最早")] {
                                option value=(sort_name(s)) selected[s == params.sort] { (name) }
                            }
                        }
                    }
                    span.scripts {
                        "script: "
                        @for (s, name) in [(Script::Original, "原文"), (Script::Simplified, "简体"), (Script::Traditional, "繁體")] {
                            @if s == params.script {
                                strong { (name) }
                            } @else {
                                a href=(url(base, &SearchParams { script: s, ..params.clone() })) { (name) }
                            }
                        }
                    }
                    span { "keys: " kbd { "/" } " search" @if base != "/" { ", " kbd { "n" } " " kbd { "p" } " next/previous hit" } }
                }
            }
        }
    }
}

/// `base` with the query string of `params`.
pub fn url(base: &str, params: &SearchParams) -> String {
    let qs = params.query_string();
    match qs.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{qs}"),
    }
}

/// The short help on the query language.
pub fn help(open: bool) -> Markup {
    let rows: [(&str, &str); 9] = [
        ("人工智能 发展", "every word, in the paragraph, its headings or its title; ranked"),
        ("\"人工智能发展\"", "an exact phrase (either script, any spacing, line breaks)"),
        ("数据 OR 信息", "either (also |)"),
        ("数据 -草案", "without (also NOT)"),
        ("(数据 OR 信息) 安全", "groups"),
        ("title:网络安全法", "words in the document's title"),
        ("section:总则", "words in an enclosing heading"),
        ("path:laws/", "documents whose path starts so"),
        ("第184条", "other written forms are found too (第一百八十四条); tick “as written” to turn that off"),
    ];
    html! {
        details.help open[open] {
            summary { "Query language 查询语法" }
            table {
                @for (q, what) in rows {
                    tr { td { code { (q) } } td { (what) } }
                }
            }
            p { "When no paragraph has every word, the answer says so and shows those with most of them." }
        }
    }
}

/// A page that only says what went wrong (`heading`, then `detail`).
pub fn message(params: &SearchParams, heading: &str, detail: &str) -> Markup {
    layout(
        heading,
        params,
        "/",
        html! {
            main {
                h1 { (heading) }
                div.error { (detail) }
                p { a href="/" { "Back to the search page" } }
            }
        },
    )
}
