//! The metadata filters, versions and facets of issue 21 over the real corpus
//! (`ZHENGCE_REAL_CORPUS`), on the index the exact-promise tests build.

use std::collections::BTreeSet;

use zhengce::search::{SearchOptions, SearchResult, Searcher, Versions};

use crate::real_corpus::{real_corpus, real_index};

fn searcher() -> Searcher {
    let (_, index, _) = real_index(&real_corpus());
    Searcher::open(index).expect("open the real index")
}

/// The documents (paths) that answer `q`, with its facets.
fn documents(s: &Searcher, q: &str, versions: Versions) -> (BTreeSet<String>, SearchResult) {
    let opts = SearchOptions {
        limit: 100_000,
        by_document: true,
        facets: true,
        versions,
        ..SearchOptions::default()
    };
    let r = s.search(q, &opts).expect(q);
    let docs = (r.documents.iter().flatten())
        .map(|d| d.path.clone())
        .collect();
    (docs, r)
}

/// Every path of a whole match set (no version left out).
fn matched_paths(s: &Searcher, q: &str) -> BTreeSet<String> {
    (s.match_keys(q, None).expect(q).into_iter())
        .map(|(p, _)| p)
        .collect()
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn metadata_filters_on_the_real_corpus() {
    let s = searcher();
    // Kind: every document answering is a judicial interpretation, and they are many.
    let (docs, r) = documents(&s, "kind:司法解释", Versions::Current);
    assert!(docs.len() > 100, "{}", docs.len());
    for d in r.documents.iter().flatten() {
        let meta = d.meta.as_ref().and_then(|m| m.parse());
        let kind = meta
            .as_ref()
            .and_then(|m| m.kind.as_ref())
            .map(|k| k.value.name());
        assert_eq!(kind, Some("司法解释"), "{}", d.path);
    }
    let facets = r.facets.as_ref().expect("facets");
    assert_eq!(facets.kind.len(), 1, "{:?}", facets.kind);
    assert_eq!(facets.kind[0].count, r.total);
    for facet in [&facets.kind, &facets.status, &facets.region, &facets.year] {
        assert_eq!(facet.iter().map(|c| c.count).sum::<usize>(), r.total);
    }
    // Repealed: only Taiwan's 廢止法規, and most of its 3,473 files.
    let repealed = matched_paths(&s, "status:repealed");
    assert!(repealed.len() > 3_000, "{}", repealed.len());
    for p in &repealed {
        assert!(p.starts_with("laws-tw/廢止法規/"), "{p}");
    }
    let (_, r) = documents(&s, "status:廢止", Versions::Current);
    assert_eq!(r.distinct, repealed.len());
    // Region: only 浙江's documents.
    let zhejiang = matched_paths(&s, "region:浙江");
    assert!(zhejiang.len() > 20, "{}", zhejiang.len());
    for p in &zhejiang {
        assert!(p.contains("浙江"), "{p}");
    }
    // The work reports of 1954-1960, by their dates.
    let reports = matched_paths(&s, "date:1954..1960 kind:政府工作报告");
    let years: BTreeSet<&str> = reports
        .iter()
        .map(|p| &p["gov-reports/".len()..][..4])
        .collect();
    assert!(
        reports.iter().all(|p| p.starts_with("gov-reports/")),
        "{reports:?}"
    );
    assert!(
        years.iter().all(|y| ("1954"..="1960").contains(y)),
        "{years:?}"
    );
    assert!(years.len() >= 4, "{years:?}");
    // A range on the main date, and one on the effective date.
    let (_, r) = documents(&s, "劳动 date:2018..2020", Versions::All);
    assert!(r.distinct > 10, "{}", r.distinct);
    for d in r.documents.iter().flatten() {
        let year = (d.meta.as_ref().and_then(|m| m.parse()))
            .and_then(|m| m.main_date)
            .map(|d| d.date.year);
        assert!(
            year.is_some_and(|y| (2018..=2020).contains(&y)),
            "{}: {year:?}",
            d.path
        );
    }
    let (_, r) = documents(&s, "劳动 effective:>=2021-01-01", Versions::All);
    assert!(r.distinct > 5, "{}", r.distinct);
    for d in r.documents.iter().flatten() {
        let dates = d.meta.as_ref().and_then(|m| m.parse()).expect("meta").dates;
        assert!(
            dates
                .iter()
                .any(|e| e.role.as_str() == "effective" && e.date.year >= 2021),
            "{}: {dates:?}",
            d.path
        );
    }
    // `path:` by a file name.
    let p = matched_paths(&s, "path:婚姻家庭编.md");
    assert!(
        !p.is_empty() && p.iter().all(|p| p.ends_with("婚姻家庭编.md")),
        "{p:?}"
    );
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn older_versions_answer_only_when_asked_on_the_real_corpus() {
    let s = searcher();
    let dir = "laws-cn/诉讼与非诉讼程序法/";
    let q = format!("title:民事诉讼法 path:/{dir}民事诉讼法");
    let (current, _) = documents(&s, &q, Versions::Current);
    assert_eq!(
        current.into_iter().collect::<Vec<_>>(),
        [format!("{dir}民事诉讼法(2023-09-01).md")]
    );
    let (all, r) = documents(&s, &q, Versions::All);
    assert_eq!(all.len(), 2, "{all:?}");
    let old = (r.documents.iter().flatten())
        .find(|d| d.path.ends_with("(2021-12-24).md"))
        .expect("the older version");
    assert_eq!(
        old.replaced_by.as_deref(),
        Some(format!("{dir}民事诉讼法(2023-09-01).md").as_str())
    );
    // 劳动合同法 stands in one version here: it is current.
    let (current, _) = documents(
        &s,
        "title:劳动合同法 path:/laws-cn/社会法/",
        Versions::Current,
    );
    assert!(
        current.contains("laws-cn/社会法/劳动合同法(2012-12-28).md"),
        "{current:?}"
    );
    // Three versions of a regulation: one current, the two older name the next newer one.
    let q = "path:/laws-cn/行政法规/道路运输条例";
    let (current, _) = documents(&s, q, Versions::Current);
    assert_eq!(current.len(), 1, "{current:?}");
    let (all, r) = documents(&s, q, Versions::All);
    assert_eq!(all.len(), 3, "{all:?}");
    let older = (r.documents.iter().flatten()).filter(|d| d.replaced_by.is_some());
    assert_eq!(older.count(), 2);
}
