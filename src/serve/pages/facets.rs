//! The facet counts of an answer (kind, status, region, year, issuer) as links that add the
//! filter to the query: `kind:法律` for a kind, `date:2021` for a year. Values that the query
//! already filters by are shown without a link; documents without a value are counted but
//! cannot be chosen (the query language has no filter for "no value").

use maud::{html, Markup};

use super::url;
use crate::serve::params::SearchParams;

/// Each facet's name in the answer, the query field it filters by, and its label.
const FIELDS: [(&str, &str, &str); 5] = [
    ("kind", "kind", "类别 kind"),
    ("status", "status", "状态 status"),
    ("region", "region", "地区 region"),
    ("year", "date", "年份 year"),
    ("issuer", "issuer", "发布机关 issuer"),
];

/// The counts of one facet: (value, matching paragraphs), most first.
pub type FacetValues = Vec<(Option<String>, usize)>;

/// The filter a facet value adds to a query: `field:value`, quoted when the value holds a
/// character that would end a bare term.
pub fn filter(field: &str, value: &str) -> String {
    let bare = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || "()|\"“”＂\\-".contains(c));
    match bare {
        true => format!("{field}:{value}"),
        false => {
            let escaped: String = value
                .chars()
                .flat_map(|c| match c {
                    '"' | '\\' | '“' | '”' | '＂' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            format!("{field}:\"{escaped}\"")
        }
    }
}

/// The facets of an answer by name (`kind`, `status`, …) as links narrowing `params`'s query.
pub fn render(params: &SearchParams, facets: &[(&str, FacetValues)]) -> Markup {
    html! {
        div.facets {
            @for (name, field, label) in FIELDS {
                @if let Some((_, values)) = facets.iter().find(|(n, v)| *n == name && !v.is_empty()) {
                    span.facet {
                        strong { (label) }
                        @for (value, count) in values {
                            @match value {
                                Some(v) => {
                                    @let f = filter(field, v);
                                    @if params.q.contains(&f) {
                                        b { (v) " (" (count) ")" }
                                    } @else {
                                        a href=(url("/", &SearchParams {
                                            q: format!("{} {f}", params.q.trim()),
                                            offset: 0,
                                            ..params.clone()
                                        })) { (v) } " (" (count) ")"
                                    }
                                }
                                None => { span.dim { "none (" (count) ")" } }
                            }
                            " "
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facet_value_is_a_link_that_adds_its_filter() {
        assert_eq!(filter("kind", "法律"), "kind:法律");
        assert_eq!(
            filter("issuer", "国务院 办公厅"),
            "issuer:\"国务院 办公厅\""
        );
        assert_eq!(filter("issuer", "a\"b"), "issuer:\"a\\\"b\"");
        let params = SearchParams {
            q: "数据 kind:法律".into(),
            offset: 20,
            ..SearchParams::default()
        };
        let facets = [
            (
                "kind",
                vec![(Some("法律".to_string()), 3), (Some("规章".to_string()), 2)],
            ),
            ("year", vec![(Some("2021".to_string()), 4), (None, 1)]),
            ("status", vec![]),
        ];
        let html = render(&params, &facets).into_string();
        assert!(html.contains("<b>法律 (3)</b>"), "{html}");
        let link = format!(
            "href=\"/?q={}\"",
            crate::serve::params::encode_value("数据 kind:法律 kind:规章")
        );
        assert!(html.contains(&link), "{html}");
        assert!(html.contains("date%3A2021"), "{html}");
        assert!(html.contains("none (1)"), "{html}");
        assert!(!html.contains("状态"), "an empty facet is left out: {html}");
    }
}
