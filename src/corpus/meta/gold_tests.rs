//! Accuracy of [`super::extract`] and [`super::resolve_versions`] on the gold sample in
//! `tests/meta-gold/` (annotated by reading the files, see its README), and corpus-wide
//! checks, over the real corpus found through `ZHENGCE_REAL_CORPUS` (ignored, with why, when unset).
//! Run with `--nocapture` to see the per-field accuracy, the mismatches and the cost:
//! `ZHENGCE_REAL_CORPUS=../shared/corpus cargo test --release --lib meta::gold -- --nocapture`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::*;
use crate::corpus::{decode, parse_document, walk, WalkEvent};

/// The reference date the gold statuses were annotated against.
const REFERENCE: &str = "2025-06-01";

#[derive(Debug, Deserialize)]
struct Gold {
    path: String,
    #[serde(default)]
    pending: Option<String>,
    kind: Option<String>,
    issuer: Option<Vec<String>>,
    number: Option<String>,
    dates: Vec<(String, String)>,
    status: Option<String>,
    region: Option<String>,
    person: Option<String>,
}

fn gold() -> Vec<Gold> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/meta-gold/gold.jsonl");
    let text = std::fs::read_to_string(&file).expect("read the gold file");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a gold line"))
        .collect()
}

/// Extracts every text file of the corpus; returns (path, meta) and the time spent in
/// `extract` alone.
fn extract_corpus(root: &Path) -> (Vec<(String, DocMeta)>, Duration, u64) {
    let mut out = Vec::new();
    let (mut spent, mut bytes) = (Duration::ZERO, 0u64);
    for e in walk(root).expect("walk the corpus") {
        let WalkEvent::File(f) = e else { continue };
        let raw = std::fs::read(&f.path).expect("read a corpus file");
        let m = match crate::corpus::Format::of(&f.rel) {
            Ok(crate::corpus::Format::Text) => {
                let (text, enc) = decode(&raw).expect("decode a corpus file");
                let doc = parse_document(&f.rel, &text, enc.name());
                let start = Instant::now();
                let m = extract(&f.rel, &text, &doc);
                spent += start.elapsed();
                m
            }
            // Web pages, Word, PDF, OFD: as their readers give them to the index (a file
            // that is only reported, such as a `.doc`, has no metadata).
            Ok(_) => match crate::corpus::formats::read(&f.rel, &raw) {
                Ok(doc) => crate::corpus::meta::extract_converted(&f.rel, &doc),
                Err(_) => continue,
            },
            Err(_) => continue,
        };
        bytes += raw.len() as u64;
        out.push((f.rel.clone(), m));
    }
    (out, spent, bytes)
}

fn fields(m: &DocMeta) -> BTreeMap<&'static str, String> {
    let mut dates: Vec<String> = m
        .dates
        .iter()
        .map(|d| format!("{}:{}", d.role.as_str(), d.date))
        .collect();
    dates.sort();
    BTreeMap::from([
        (
            "kind",
            m.kind
                .as_ref()
                .map_or("-".into(), |k| k.value.name().to_string()),
        ),
        (
            "issuer",
            m.issuer.as_ref().map_or("-".into(), |i| i.value.join("+")),
        ),
        (
            "number",
            m.number.as_ref().map_or("-".into(), |n| n.value.clone()),
        ),
        (
            "dates",
            if dates.is_empty() {
                "-".into()
            } else {
                dates.join(" ")
            },
        ),
        (
            "status",
            m.status
                .as_ref()
                .map_or("-".into(), |s| s.value.as_str().to_string()),
        ),
        (
            "region",
            m.region.as_ref().map_or("-".into(), |r| r.value.clone()),
        ),
        (
            "person",
            m.person.as_ref().map_or("-".into(), |p| p.value.clone()),
        ),
    ])
}

fn expected(g: &Gold) -> BTreeMap<&'static str, String> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let mut dates: Vec<String> = g.dates.iter().map(|(r, d)| format!("{r}:{d}")).collect();
    dates.sort();
    BTreeMap::from([
        ("kind", opt(&g.kind)),
        (
            "issuer",
            g.issuer.as_ref().map_or("-".into(), |i| i.join("+")),
        ),
        ("number", opt(&g.number)),
        (
            "dates",
            if dates.is_empty() {
                "-".into()
            } else {
                dates.join(" ")
            },
        ),
        ("status", opt(&g.status)),
        ("region", opt(&g.region)),
        ("person", opt(&g.person)),
    ])
}

const TARGETS: [(&str, f64); 5] = [
    ("kind", 98.0),
    ("dates", 98.0),
    ("status", 98.0),
    ("issuer", 95.0),
    ("number", 95.0),
];

#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
#[test]
fn gold_sample_accuracy_and_corpus_checks() {
    let root = crate::real_corpus();
    let gold = gold();
    let (mut docs, spent, bytes) = extract_corpus(&root);
    println!(
        "extract: {} files, {:.1} MB, {:.3} s in extract ({:.1} µs a file)",
        docs.len(),
        bytes as f64 / 1e6,
        spent.as_secs_f64(),
        spent.as_secs_f64() * 1e6 / docs.len() as f64
    );
    let reference = PartialDate::parse_iso(REFERENCE).expect("reference date");
    let start = Instant::now();
    resolve_versions(&mut docs, reference);
    println!("resolve_versions: {:.3} s", start.elapsed().as_secs_f64());
    let by_path: BTreeMap<&str, &DocMeta> = docs.iter().map(|(p, m)| (p.as_str(), m)).collect();

    let mut right: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut pending = (0usize, 0usize);
    // Fields right and scored in web pages, Word, PDF and OFD files.
    let mut formats = (0usize, 0usize);
    for g in &gold {
        let got = match (&g.pending, by_path.get(g.path.as_str())) {
            (None, Some(m)) => fields(m),
            (None, None) => panic!("{}: gold file not found in the corpus", g.path),
            (Some(_), _) => {
                // Not readable yet: what its path alone gives.
                let stem = g.path.rsplit('/').next().unwrap_or(&g.path);
                let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
                let got = fields(&extract_parts(&g.path, stem, &[], stem));
                for (f, want) in expected(g) {
                    pending.1 += 1;
                    pending.0 += usize::from(got[f] == want);
                }
                continue;
            }
        };
        let format = crate::corpus::Format::of(&g.path) != Ok(crate::corpus::Format::Text);
        for (f, want) in expected(g) {
            let e = right.entry(f).or_default();
            e.1 += 1;
            if format {
                formats.1 += 1;
                formats.0 += usize::from(got[f] == want);
            }
            if got[f] == want {
                e.0 += 1;
            } else {
                misses.push(format!("{}  {f}: want {want} | got {}", g.path, got[f]));
            }
        }
    }
    for m in &misses {
        println!("miss: {m}");
    }
    let scored = gold.iter().filter(|g| g.pending.is_none()).count();
    println!("gold: {scored} documents scored, reference date {REFERENCE}");
    let n_formats = (gold.iter())
        .filter(|g| crate::corpus::Format::of(&g.path) != Ok(crate::corpus::Format::Text))
        .count();
    println!(
        "of them {n_formats} web pages, Word and PDF files, as their readers give them: {}/{} fields right",
        formats.0, formats.1
    );
    let mut failed = Vec::new();
    for (f, (ok, n)) in &right {
        let pct = 100.0 * *ok as f64 / *n as f64;
        let target = TARGETS.iter().find(|(t, _)| t == f).map(|&(_, p)| p);
        let t = target.map_or(String::new(), |p| format!("  (target ≥ {p}%)"));
        println!("accuracy {f:7} {ok:3}/{n} = {pct:5.1}%{t}");
        if target.is_some_and(|p| pct < p) {
            failed.push(format!("{f} {pct:.1}%"));
        }
    }
    println!(
        "pending formats (path only, not scored): {}/{} fields agree",
        pending.0, pending.1
    );
    assert!(failed.is_empty(), "below target: {failed:?}");

    corpus_checks(&docs);
}

/// Checks over every document: JSON round trips; repealed documents are exactly the Taiwan
/// repealed ones; region 浙江 only under a 浙江 folder; the reports of 1954-1960 by main date.
fn corpus_checks(docs: &[(String, DocMeta)]) {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for (p, m) in docs {
        let json = serde_json::to_string(m).expect("serialize");
        let back: DocMeta = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(&back, m, "{p}: JSON round trip");
        *kinds
            .entry(
                m.kind
                    .as_ref()
                    .map_or("-".into(), |k| k.value.name().into()),
            )
            .or_default() += 1;
        *statuses
            .entry(
                m.status
                    .as_ref()
                    .map_or("-".into(), |s| s.value.as_str().into()),
            )
            .or_default() += 1;
        let repealed = m
            .status
            .as_ref()
            .is_some_and(|s| s.value == Status::Repealed);
        let in_repealed_folder = p.contains("/廢止法規/");
        assert_eq!(repealed, in_repealed_folder, "{p}: repealed");
        if m.region.as_ref().is_some_and(|r| r.value == "浙江") {
            assert!(p.contains("/浙江/"), "{p}: region 浙江");
        }
        if p.contains("/地方法规/浙江/") && !p.ends_with("_index.md") {
            assert_eq!(
                m.region.as_ref().map(|r| r.value.as_str()),
                Some("浙江"),
                "{p}"
            );
        }
    }
    println!("kinds: {kinds:?}");
    let mut folders: BTreeMap<String, [usize; 6]> = BTreeMap::new();
    for (p, m) in docs {
        let depth = if p.matches('/').count() >= 2 { 2 } else { 1 };
        let folder: String = p.split('/').take(depth).collect::<Vec<_>>().join("/");
        let c = folders.entry(folder).or_default();
        c[0] += 1;
        c[1] += usize::from(m.kind.is_some());
        c[2] += usize::from(m.issuer.is_some());
        c[3] += usize::from(m.number.is_some());
        c[4] += usize::from(!m.dates.is_empty());
        c[5] += usize::from(m.region.is_some());
    }
    println!("folder: files, with kind, issuer, number, dates, region");
    for (f, c) in &folders {
        println!("  {f}: {c:?}");
    }
    if let Some(dump) = std::env::var_os("ZHENGCE_META_DUMP") {
        let lines: Vec<String> = docs
            .iter()
            .map(|(p, m)| format!("{p}\t{}", serde_json::to_string(m).unwrap_or_default()))
            .collect();
        std::fs::write(dump, lines.join("\n")).expect("write the dump");
    }
    println!("statuses: {statuses:?}");
    let reports: Vec<&str> = docs
        .iter()
        .filter(|(_, m)| {
            m.kind.as_ref().is_some_and(|k| k.value == Kind::WorkReport)
                && m.main_date
                    .is_some_and(|d| (1954..=1960).contains(&d.date.year))
        })
        .map(|(p, _)| p.as_str())
        .collect();
    let expected: Vec<&str> = docs
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| {
            p.starts_with("gov-reports/")
                && p["gov-reports/".len()..]
                    .get(..4)
                    .and_then(|y| y.parse::<u16>().ok())
                    .is_some_and(|y| (1954..=1960).contains(&y))
        })
        .collect();
    assert_eq!(
        reports, expected,
        "reports of 1954-1960 by main date and kind"
    );
}
