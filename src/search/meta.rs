//! The documents' metadata as a search reads it: the commit's filter table
//! ([`crate::index::metatable`]) loaded once per [`super::Searcher`], with the values filters
//! compare already normalized, so that a metadata filter is one pass over the documents
//! giving a bit per file ([`FileMask`]), never a look at a paragraph. It also gives the
//! date a match sorts by and the facets of a set of matches. It is read only by queries
//! that need it (metadata filters, facets, sorting by date); hits show the metadata their
//! document records keep, and older versions are told by [`Statuses`], read with the index.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::query::values::{self, DateRange, PathPattern};
use super::query::{FieldName, Query};
use super::{FacetCount, Facets};
use crate::analysis;
use crate::corpus::meta::{DateRole, DocMeta, Kind, Status, StatusInfo};
use crate::index::docmeta::{self, MetaEntry};
use crate::index::metatable::{self, StrId, Table, TableRow};
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

/// Every document's filter row ([`metatable::Table`]), by file number.
#[derive(Debug, Default)]
pub struct MetaTable {
    t: Table,
}

/// The statuses resolving the versions changed ([`docmeta::Resolved`]), read when the index
/// is opened: what makes a document an older version, and the final status a hit shows.
#[derive(Debug, Default)]
pub struct Statuses {
    /// The files whose status is `amended_by_newer`: hidden unless every version is asked
    /// for.
    pub superseded: Arc<FileMask>,
    /// The final status of each file whose status the resolution changed.
    changed: HashMap<u32, Option<StatusInfo>>,
}

impl Statuses {
    /// The statuses of `resolved`.
    pub fn new(resolved: docmeta::Resolved) -> Statuses {
        let mut superseded = FileMask::default();
        for (file, s) in &resolved.changed {
            if s.as_ref()
                .is_some_and(|s| s.value == Status::AmendedByNewer)
            {
                superseded.insert(*file);
            }
        }
        Statuses {
            superseded: Arc::new(superseded),
            changed: resolved.changed.into_iter().collect(),
        }
    }

    /// Whether resolving the versions changed the status of file `file`.
    pub fn changes(&self, file: u32) -> bool {
        self.changed.contains_key(&file)
    }

    /// The newer version that replaced file `file`, if one did.
    pub fn replaced_by(&self, file: u32) -> Option<String> {
        let status = self.changed.get(&file)?.as_ref()?;
        status.replaced_by.clone()
    }

    /// Sets the final status on the metadata of file `file` as its record keeps it.
    pub fn resolve(&self, file: u32, meta: &mut DocMeta) {
        if let Some(s) = self.changed.get(&file) {
            meta.status = s.clone();
        }
    }
}

impl MetaTable {
    /// Loads the table from `file`, opened as `path` ([`Table::read_open`]).
    pub fn load_open(path: &Path, file: std::fs::File) -> Result<MetaTable> {
        Ok(MetaTable {
            t: Table::read_open(path, file)?,
        })
    }

    /// The table of `entries` (by ascending file number), as a commit writes and a search
    /// reads it.
    pub fn of_entries(entries: &[MetaEntry]) -> Result<MetaTable> {
        Ok(MetaTable {
            t: Table::of_entries(entries)?,
        })
    }

    /// The files whose metadata `field` matches `q` (terms and phrases as values, combined
    /// by AND, OR and NOT; values checked when the query was parsed).
    pub fn filter(&self, field: FieldName, q: &Query) -> FileMask {
        let test = Test::new(field, q);
        let mut mask = FileMask::default();
        for r in self.t.rows() {
            if test.matches(&self.t, r) {
                mask.insert(r.file);
            }
        }
        mask
    }

    /// What a match of file `file` ranks by when sorted by date: its main date's first day,
    /// newest or oldest first, with `score` breaking ties (below one day); documents without
    /// a date last either way. Never negative: ranks compare by their bits.
    pub fn date_rank(&self, file: u32, newest_first: bool, score: f32) -> f32 {
        let tie = score.max(0.0) / (score.max(0.0) + 1.0) * 0.5;
        match self.t.get(file).and_then(|r| r.main) {
            // Years 1000-2999 are days -354,000..376,000 from 1970: shifted to stay positive.
            Some(((first, _), _)) => {
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
        // Counted by value or string number: nothing is allocated per matching file.
        type Counts<K> = FxHashMap<Option<K>, usize>;
        let mut kind: Counts<Kind> = Counts::default();
        let mut status: Counts<Status> = Counts::default();
        let (mut region, mut issuer): (Counts<StrId>, Counts<StrId>) = Default::default();
        let mut year: Counts<u16> = Counts::default();
        for (file, &n) in counts.iter().enumerate().filter(|(_, &n)| n > 0) {
            let n = n as usize;
            let r = self.t.get(file as u32);
            *kind.entry(r.and_then(|r| r.kind)).or_default() += n;
            *status.entry(r.and_then(|r| r.status)).or_default() += n;
            *region.entry(r.and_then(|r| r.region_shown)).or_default() += n;
            *year
                .entry(r.and_then(|r| r.main).map(|(_, y)| y))
                .or_default() += n;
            for &(shown, _) in r.map_or(&[][..], |r| self.t.issuers(r)) {
                *issuer.entry(Some(shown)).or_default() += n;
            }
        }
        /// Each value with its count, most first (ties by value).
        fn listed<K>(m: Counts<K>, name: impl Fn(K) -> String) -> Vec<FacetCount> {
            let mut v: Vec<FacetCount> = (m.into_iter())
                .map(|(k, count)| FacetCount {
                    value: k.map(&name),
                    count,
                })
                .collect();
            v.sort_by(|a, b| (b.count, &a.value).cmp(&(a.count, &b.value)));
            v
        }
        let shown = |id: StrId| self.t.str(id).to_string();
        let mut years = listed(year, |y| format!("{y:04}"));
        years.sort_by(|a, b| b.value.cmp(&a.value));
        let mut issuers = listed(issuer, shown);
        issuers.truncate(TOP_ISSUERS);
        Facets {
            kind: listed(kind, |k| k.name().to_string()),
            status: listed(status, |s| s.as_str().to_string()),
            region: listed(region, shown),
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
                FieldName::Number => Leaf::Number(metatable::number_form(text)),
                FieldName::Status => Leaf::Status(values::parse_status(text)),
                FieldName::Region => Leaf::Region(metatable::region_form(text)),
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

    fn matches(&self, t: &Table, r: &TableRow) -> bool {
        match self {
            Test::And(parts) => parts.iter().all(|p| p.matches(t, r)),
            Test::Or(parts) => parts.iter().any(|p| p.matches(t, r)),
            Test::Not(inner) => !inner.matches(t, r),
            Test::Leaf(leaf) => leaf.matches(t, r),
        }
    }
}

impl Leaf {
    fn matches(&self, t: &Table, r: &TableRow) -> bool {
        let has = |v: Option<StrId>, want: &str| v.is_some_and(|v| t.str(v).contains(want));
        let is = |v: Option<StrId>, want: &str| v.is_some_and(|v| t.str(v) == want);
        match self {
            Leaf::Path(p) => p.matches(t.str(r.path)),
            Leaf::Kind(k) => k.is_some() && r.kind == *k,
            Leaf::Issuer(want) => {
                !want.is_empty() && (t.issuers(r).iter()).any(|&(_, n)| t.str(n).contains(want))
            }
            Leaf::Number(want) => !want.is_empty() && has(r.number, want),
            Leaf::Status(s) => s.is_some() && r.status == *s,
            Leaf::Region(want) => !want.is_empty() && (is(r.region, want) || is(r.city, want)),
            Leaf::Person(want) => !want.is_empty() && has(r.person, want),
            Leaf::Date(None, Some(range)) => r.main.is_some_and(|(d, _)| range.meets(d)),
            Leaf::Date(Some(role), Some(range)) => {
                (t.dates(r).iter()).any(|(x, d)| x == role && range.meets(*d))
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
        let doc = MetaEntry::of_text;
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
        MetaTable::of_entries(&entries).unwrap()
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
        // File 4 has no row: it counts as `null` in every facet.
        let f = t.facets(&[3, 0, 2, 0, 4]);
        for facet in [&f.kind, &f.status, &f.region, &f.year] {
            assert_eq!(facet.iter().map(|c| c.count).sum::<usize>(), 9, "{facet:?}");
        }
        assert_eq!(f.kind[0].value, None);
        assert_eq!(f.kind[0].count, 4);
        assert_eq!(f.kind[1].value.as_deref(), Some("司法解释"));
        assert_eq!(f.kind[1].count, 3);
        let year = |y: &str| {
            f.year
                .iter()
                .find(|c| c.value.as_deref() == Some(y))
                .map(|c| c.count)
        };
        assert_eq!(year("2020"), Some(3));
        let issuer = |i: &str| f.issuer.iter().find(|c| c.value.as_deref() == Some(i));
        assert_eq!(issuer("最高人民法院").map(|c| c.count), Some(3));
        assert_eq!(
            (f.status
                .iter()
                .find(|c| c.value.as_deref() == Some("repealed")))
            .map(|c| c.count),
            Some(2)
        );
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
