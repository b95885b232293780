//! The documents' metadata as a search reads it: the commit's metadata file
//! ([`crate::index::docmeta`]) loaded once per [`super::Searcher`], with the values filters
//! compare already normalized, so that a metadata filter is one pass over the documents
//! giving a bit per file ([`FileMask`]), never a look at a paragraph. It also gives the
//! files hidden as older versions, the date a match sorts by and the facets of a set of
//! matches.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::query::values::{self, DateRange, PathPattern};
use super::query::{FieldName, Query};
use super::{FacetCount, Facets};
use crate::analysis;
use crate::corpus::meta::{DateRole, DocMeta, Status};
use crate::index::docmeta::{self, MetaEntry};
use crate::Result;

/// A set of file numbers, a bit each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileMask {
    bits: Vec<u64>,
}

impl FileMask {
    /// Adds `file`.
    pub fn insert(&mut self, file: u32) {
        let (word, bit) = (file as usize / 64, file % 64);
        if self.bits.len() <= word {
            self.bits.resize(word + 1, 0);
        }
        self.bits[word] |= 1 << bit;
    }

    /// Whether `file` is in the set.
    pub fn contains(&self, file: u64) -> bool {
        (self.bits.get((file / 64) as usize)).is_some_and(|w| w & (1 << (file % 64)) != 0)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }
}

/// One document, with the values filters compare in N form.
#[derive(Debug)]
pub struct Row {
    /// The entry as stored.
    pub entry: MetaEntry,
    path: String,
    issuers: Vec<String>,
    number: Option<String>,
    person: Option<String>,
    region: Option<String>,
    city: Option<String>,
    /// The days the main date stands for.
    main: Option<(i32, i32)>,
    dates: Vec<(DateRole, (i32, i32))>,
}

/// Every document's metadata, by file number.
#[derive(Debug, Default)]
pub struct MetaTable {
    rows: Vec<Row>,
    /// Row index + 1 by file number (0: none).
    by_file: Vec<u32>,
    /// The files whose status is `amended_by_newer`: hidden unless every version is asked
    /// for.
    pub superseded: Arc<FileMask>,
}

/// The form a number is compared in: N(text) without brackets or white space, so that
/// `国发[2024]1号` finds `国发〔2024〕1号`.
fn number_form(s: &str) -> String {
    (analysis::normalize(s).chars())
        .filter(|c| !c.is_whitespace() && !"〔〕[]【】()（）{}﹝﹞［］".contains(*c))
        .collect()
}

/// The form a region is compared in: N(text) without an administrative suffix.
fn region_form(s: &str) -> String {
    let n = analysis::normalize(s.trim());
    let national = ["national", "全国", "中央", "国家"];
    if national.contains(&n.as_str()) {
        return "全国".to_string();
    }
    for suffix in [
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "省",
        "市",
    ] {
        if let Some(rest) = n.strip_suffix(suffix).filter(|r| r.chars().count() >= 2) {
            return rest.to_string();
        }
    }
    n
}

impl MetaTable {
    /// Loads the metadata from `file`, opened as `path` ([`docmeta::read_open`]).
    pub fn load_open(path: &Path, file: std::fs::File) -> Result<MetaTable> {
        Ok(MetaTable::new(docmeta::read_open(path, file)?.1))
    }

    /// The table of `entries`.
    pub fn new(entries: Vec<MetaEntry>) -> MetaTable {
        let mut t = MetaTable::default();
        let mut superseded = FileMask::default();
        for entry in entries {
            let m = &entry.meta;
            if m.status
                .as_ref()
                .is_some_and(|s| s.value == Status::AmendedByNewer)
            {
                superseded.insert(entry.file);
            }
            let at = entry.file as usize;
            if t.by_file.len() <= at {
                t.by_file.resize(at + 1, 0);
            }
            t.by_file[at] = t.rows.len() as u32 + 1;
            t.rows.push(Row {
                path: analysis::normalize(&entry.path),
                issuers: (m.issuer.iter().flat_map(|i| &i.value))
                    .map(|i| analysis::normalize(i))
                    .collect(),
                number: m.number.as_ref().map(|n| number_form(&n.value)),
                person: m.person.as_ref().map(|p| analysis::normalize(&p.value)),
                region: m.region.as_ref().map(|r| region_form(&r.value)),
                city: m.city.as_ref().map(|c| region_form(&c.value)),
                main: m.main_date.map(|d| values::span_of(d.date)),
                dates: (m.dates.iter())
                    .map(|d| (d.role, values::span_of(d.date)))
                    .collect(),
                entry,
            });
        }
        t.superseded = Arc::new(superseded);
        t
    }

    /// The row of file `file`.
    pub fn get(&self, file: u32) -> Option<&Row> {
        let i = *self.by_file.get(file as usize)?;
        self.rows.get((i as usize).checked_sub(1)?)
    }

    /// The metadata of file `file`.
    pub fn meta(&self, file: u32) -> Option<&DocMeta> {
        self.get(file).map(|r| &r.entry.meta)
    }

    /// The files whose metadata `field` matches `q` (terms and phrases as values, combined
    /// by AND, OR and NOT; values checked when the query was parsed).
    pub fn filter(&self, field: FieldName, q: &Query) -> FileMask {
        let test = Test::new(field, q);
        let mut mask = FileMask::default();
        for r in &self.rows {
            if test.matches(r) {
                mask.insert(r.entry.file);
            }
        }
        mask
    }

    /// What a match of file `file` ranks by when sorted by date: its main date's first day,
    /// newest or oldest first, with `score` breaking ties (below one day); documents without
    /// a date last either way. Never negative: ranks compare by their bits.
    pub fn date_rank(&self, file: u32, newest_first: bool, score: f32) -> f32 {
        let tie = score.max(0.0) / (score.max(0.0) + 1.0) * 0.5;
        match self.get(file).and_then(|r| r.main) {
            // Years 1000-2999 are days -354,000..376,000 from 1970: shifted to stay positive.
            Some((first, _)) => {
                let day = (first + DAY_SHIFT).clamp(0, 2 * DAY_SHIFT) as f32;
                match newest_first {
                    true => 1.0 + day + tie,
                    false => 1.0 + (2 * DAY_SHIFT) as f32 - day + tie,
                }
            }
            None => tie,
        }
    }

    /// The facets of matches counted by file (`counts[file]`): matching paragraphs by kind,
    /// status, region and year of the main date (each summing to the total; `null` for
    /// documents without the field), and the [`TOP_ISSUERS`] issuers with most (a jointly
    /// issued document counts for each of its issuers).
    pub fn facets(&self, counts: &[u32]) -> Facets {
        let mut kind: HashMap<Option<String>, usize> = HashMap::new();
        let mut status: HashMap<Option<String>, usize> = HashMap::new();
        let mut region: HashMap<Option<String>, usize> = HashMap::new();
        let mut year: HashMap<Option<String>, usize> = HashMap::new();
        let mut issuer: HashMap<Option<String>, usize> = HashMap::new();
        for (file, &n) in counts.iter().enumerate().filter(|(_, &n)| n > 0) {
            let n = n as usize;
            let m = self.meta(file as u32);
            *kind
                .entry(
                    m.and_then(|m| m.kind.as_ref())
                        .map(|k| k.value.name().to_string()),
                )
                .or_default() += n;
            *status
                .entry(
                    m.and_then(|m| m.status.as_ref())
                        .map(|s| s.value.as_str().to_string()),
                )
                .or_default() += n;
            *region
                .entry(m.and_then(|m| m.region.as_ref()).map(|r| r.value.clone()))
                .or_default() += n;
            *year
                .entry(
                    m.and_then(|m| m.main_date)
                        .map(|d| format!("{:04}", d.date.year)),
                )
                .or_default() += n;
            for i in m
                .and_then(|m| m.issuer.as_ref())
                .iter()
                .flat_map(|i| &i.value)
            {
                *issuer.entry(Some(i.clone())).or_default() += n;
            }
        }
        let by_count = |m: HashMap<Option<String>, usize>| {
            let mut v: Vec<FacetCount> = (m.into_iter())
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| (b.count, &a.value).cmp(&(a.count, &b.value)));
            v
        };
        let mut years = by_count(year);
        years.sort_by(|a, b| b.value.cmp(&a.value));
        let mut issuers = by_count(issuer);
        issuers.truncate(TOP_ISSUERS);
        Facets {
            kind: by_count(kind),
            status: by_count(status),
            region: by_count(region),
            year: years,
            issuer: issuers,
        }
    }
}

/// What shifts a day number (days from 1970) to stay positive in a date rank.
const DAY_SHIFT: i32 = 400_000;

/// The issuers a facet lists.
pub const TOP_ISSUERS: usize = 10;

/// A filter's query over one document's metadata.
enum Test {
    Leaf(Leaf),
    And(Vec<Test>),
    Or(Vec<Test>),
    Not(Box<Test>),
}

enum Leaf {
    Path(PathPattern),
    Kind(Option<crate::corpus::meta::Kind>),
    Issuer(String),
    Number(String),
    Status(Option<Status>),
    Region(String),
    Person(String),
    Date(Option<DateRole>, Option<DateRange>),
    /// A field that is no metadata (never reached: such filters go to tantivy's records).
    Nothing,
}

impl Test {
    fn new(field: FieldName, q: &Query) -> Test {
        match q {
            Query::Term { text, .. } | Query::Phrase { text, .. } => Test::Leaf(match field {
                FieldName::Path => Leaf::Path(PathPattern::new(text)),
                FieldName::Kind => Leaf::Kind(values::parse_kind(text)),
                FieldName::Issuer => Leaf::Issuer(analysis::normalize(text.trim())),
                FieldName::Number => Leaf::Number(number_form(text)),
                FieldName::Status => Leaf::Status(values::parse_status(text)),
                FieldName::Region => Leaf::Region(region_form(text)),
                FieldName::Person => Leaf::Person(analysis::normalize(text.trim())),
                FieldName::Date(role) => Leaf::Date(role, DateRange::parse(text, 0).ok()),
                FieldName::Title | FieldName::Section | FieldName::Literal => Leaf::Nothing,
            }),
            Query::Field { query, .. } => Test::new(field, query),
            Query::And(parts) => Test::And(parts.iter().map(|p| Test::new(field, p)).collect()),
            Query::Or(parts) => Test::Or(parts.iter().map(|p| Test::new(field, p)).collect()),
            Query::Not(inner) => Test::Not(Box::new(Test::new(field, inner))),
        }
    }

    fn matches(&self, r: &Row) -> bool {
        match self {
            Test::And(parts) => parts.iter().all(|p| p.matches(r)),
            Test::Or(parts) => parts.iter().any(|p| p.matches(r)),
            Test::Not(inner) => !inner.matches(r),
            Test::Leaf(leaf) => leaf.matches(r),
        }
    }
}

impl Leaf {
    fn matches(&self, r: &Row) -> bool {
        let m = &r.entry.meta;
        let has = |v: &Option<String>, want: &str| v.as_deref().is_some_and(|v| v.contains(want));
        match self {
            Leaf::Path(p) => p.matches(&r.path),
            Leaf::Kind(k) => k.is_some() && m.kind.as_ref().map(|x| x.value) == *k,
            Leaf::Issuer(want) => !want.is_empty() && r.issuers.iter().any(|i| i.contains(want)),
            Leaf::Number(want) => !want.is_empty() && has(&r.number, want),
            Leaf::Status(s) => s.is_some() && m.status.as_ref().map(|x| x.value) == *s,
            Leaf::Region(want) => {
                !want.is_empty()
                    && (r.region.as_deref() == Some(want) || r.city.as_deref() == Some(want))
            }
            Leaf::Person(want) => !want.is_empty() && has(&r.person, want),
            Leaf::Date(None, Some(range)) => r.main.is_some_and(|d| range.meets(d)),
            Leaf::Date(Some(role), Some(range)) => {
                (r.dates.iter()).any(|(x, d)| x == role && range.meets(*d))
            }
            Leaf::Date(_, None) | Leaf::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query;

    fn table() -> MetaTable {
        let doc = |file: u32, path: &str, text: &str| {
            let d = crate::corpus::parse_document(path, text, "UTF-8");
            MetaEntry {
                file,
                path: path.to_string(),
                meta: crate::corpus::meta::extract(path, text, &d),
            }
        };
        let mut entries = vec![
            doc(
                0,
                "司法解释/关于审理劳动争议案件适用法律问题的解释.txt",
                "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）\n法释〔2020〕26号\n（2020年12月25日最高人民法院审判委员会第1825次会议通过，自2021年1月1日起施行）\n第一条 劳动者……\n",
            ),
            doc(
                1,
                "gov-reports/1954政府工作报告_周恩来.txt",
                "政府工作报告\n——1954年9月23日在第一届全国人民代表大会第一次会议上\n国务院总理 周恩来\n各位代表……\n",
            ),
            doc(
                2,
                "laws-tw/廢止法規/某某條例.txt",
                "法規名稱：某某條例\n修正日期：民國 94 年 06 月 10 日\n廢止註記：本法規部分或全部條文尚未生效\n第 1 條\n本條例……\n",
            ),
        ];
        entries[2].meta.status = Some(crate::corpus::meta::StatusInfo {
            value: Status::Repealed,
            source: crate::corpus::meta::Source::Title,
            replaced_by: None,
            latest: None,
        });
        MetaTable::new(entries)
    }

    fn files(t: &MetaTable, q: &str) -> Vec<u32> {
        let parsed = query::parse(q).unwrap();
        let Query::Field { field, query } = &parsed else {
            panic!("{q}: {parsed:?}")
        };
        let mask = t.filter(*field, query);
        (0..3).filter(|&f| mask.contains(u64::from(f))).collect()
    }

    #[test]
    fn filters_select_documents_by_their_metadata() {
        let t = table();
        assert_eq!(files(&t, "kind:司法解释"), [0]);
        assert_eq!(files(&t, "kind:司法解釋"), [0]);
        assert_eq!(files(&t, "kind:(司法解释 OR 政府工作报告)"), [0, 1]);
        assert_eq!(files(&t, "number:法释[2020]26号"), [0]);
        assert_eq!(files(&t, "number:26号"), [0]);
        assert_eq!(files(&t, "person:周恩來"), [1]);
        assert_eq!(files(&t, "status:repealed"), [2]);
        assert_eq!(files(&t, "status:廢止"), [2]);
        assert_eq!(files(&t, "path:廢止法規"), [2]);
        assert_eq!(files(&t, "path:/gov-reports"), [1]);
        assert_eq!(files(&t, "path:*.txt"), [0, 1, 2]);
        assert_eq!(files(&t, "path:1954*"), [1]);
        assert_eq!(files(&t, "date:1954..1960"), [1]);
        assert_eq!(files(&t, "date:<2000"), [1]);
        assert_eq!(files(&t, "date:>=2020-12-01"), [0]);
        assert_eq!(files(&t, "effective:2021"), [0]);
        assert_eq!(files(&t, "effective:2020"), Vec::<u32>::new());
        assert_eq!(files(&t, "issuer:最高人民法院"), [0]);
        assert_eq!(files(&t, "region:台灣"), [2]);
        assert_eq!(files(&t, "region:臺灣省"), [2]);
    }

    #[test]
    fn facets_sum_to_the_total() {
        let t = table();
        let f = t.facets(&[3, 0, 2]);
        for facet in [&f.kind, &f.status, &f.region, &f.year] {
            assert_eq!(facet.iter().map(|c| c.count).sum::<usize>(), 5, "{facet:?}");
        }
        assert_eq!(f.kind[0].value.as_deref(), Some("司法解释"));
        assert_eq!(f.kind[0].count, 3);
    }

    #[test]
    fn date_ranks_put_undated_documents_last() {
        let t = table();
        assert!(t.date_rank(0, true, 1.0) > t.date_rank(1, true, 1.0));
        assert!(t.date_rank(1, false, 1.0) > t.date_rank(0, false, 1.0));
        assert!(t.date_rank(1, false, 0.0) > t.date_rank(99, false, 100.0));
        assert!(t.date_rank(0, true, 2.0) > t.date_rank(0, true, 1.0));
        // Ranks compare by their bits: a date before 1970 must not make one negative.
        assert!(t.date_rank(1, true, 0.0) > t.date_rank(99, true, 0.0));
        assert!(t.date_rank(99, true, 0.0) >= 0.0);
    }

    #[test]
    fn masks_hold_their_files() {
        let mut m = FileMask::default();
        assert!(m.is_empty());
        m.insert(3);
        m.insert(130);
        assert!(m.contains(3) && m.contains(130));
        assert!(!m.contains(4) && !m.contains(129) && !m.contains(100_000));
    }
}
