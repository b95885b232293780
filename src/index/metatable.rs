//! The filter table of one commit (`exact/meta-NNNNNNNN.tbl`): what metadata filters,
//! facets and date sorts read of every document, already in the form they compare, so that
//! the first such query of a process reads about a megabyte of numbers and strings rather
//! than parsing every document's metadata (12 MB of JSON with sources for the shared
//! corpus: 0.3 s, where this table takes milliseconds).
//!
//! It is written by the same commit as [`super::docmeta`]'s files, from the same resolved
//! entries, with the same generation number, and deleted with them. Layout (integers are
//! LEB128 varints unless said otherwise):
//!
//! - `ZCMT`, the format as a little-endian u32;
//! - the strings: their number, then each as its length in bytes and its UTF-8, each once;
//! - the rows: their number, then for each document by ascending file number: the file
//!   number, its kind, status, path (N form), number, person, region (as found), region and
//!   city (in the form region filters compare), each a string number plus one (0: none),
//!   kind and status by their JSON names; its issuers: a count, then (as found, N form) string
//!   numbers; its main date as a flag (0 or 1), then the first day (zigzag, days from
//!   1970-01-01), the span's length in days and the year; its dated events: a count, then
//!   (role's JSON name, first day, length) each.
//!
//! Days are [`crate::search::query::values::span_of`]'s: a date known only to its year
//! stands for the whole year.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::de::IntoDeserializer;
use serde::Deserialize;

use super::docmeta::MetaEntry;
use super::exact::varint::{put_varint, read_varint};
use super::exact::EXACT_DIR;
use crate::analysis;
use crate::corpus::meta::{DateRole, Kind, Status};
use crate::search::query::values::span_of;
use crate::{Error, Result};

/// The first bytes of the file.
const MAGIC: &[u8; 4] = b"ZCMT";

/// The version of the layout.
const TABLE_FORMAT: u32 = 1;

/// The filter table of generation `gen`.
pub fn table_path(index_dir: &Path, gen: u64) -> PathBuf {
    index_dir.join(EXACT_DIR).join(format!("meta-{gen:08}.tbl"))
}

/// The form a document number is compared in: N(text) without brackets or white space, so
/// that `国发[2024]1号` finds `国发〔2024〕1号`.
pub fn number_form(s: &str) -> String {
    (analysis::normalize(s).chars())
        .filter(|c| !c.is_whitespace() && !"〔〕[]【】()（）{}﹝﹞［］".contains(*c))
        .collect()
}

/// The form a region is compared in: N(text) without an administrative suffix; the
/// country's names are `全国`.
pub fn region_form(s: &str) -> String {
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

/// A string of the table, by number.
pub type StrId = u32;

/// Days from 1970-01-01, first and last, that a date stands for.
pub type Days = (i32, i32);

/// One document's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// Its file number.
    pub file: u32,
    /// Its kind.
    pub kind: Option<Kind>,
    /// Its final status.
    pub status: Option<Status>,
    /// Its path, N form.
    pub path: StrId,
    /// Its document number, [`number_form`].
    pub number: Option<StrId>,
    /// Its speaker or signer, N form.
    pub person: Option<StrId>,
    /// Its region as found (what facets show).
    pub region_shown: Option<StrId>,
    /// Its region, [`region_form`].
    pub region: Option<StrId>,
    /// Its city, [`region_form`].
    pub city: Option<StrId>,
    /// Its main date's days and year.
    pub main: Option<(Days, u16)>,
    /// Where its issuers begin and end in [`Table::issuers`].
    issuers: (u32, u32),
    /// Where its dated events begin and end in [`Table::dates`].
    dates: (u32, u32),
}

/// Every document's row, by file number.
#[derive(Debug, Default)]
pub struct Table {
    text: String,
    /// Where each string begins and ends in `text`.
    spans: Vec<(u32, u32)>,
    rows: Vec<TableRow>,
    /// Row index + 1 by file number (0: none).
    by_file: Vec<u32>,
    /// Every row's issuers: (as found, N form).
    issuers: Vec<(StrId, StrId)>,
    /// Every row's dated events.
    dates: Vec<(DateRole, Days)>,
}

impl Table {
    /// The string numbered `id` (empty if there is none: ids are checked when read).
    pub fn str(&self, id: StrId) -> &str {
        let (from, to) = self.spans.get(id as usize).copied().unwrap_or((0, 0));
        self.text
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    /// The number of strings.
    pub fn strings(&self) -> usize {
        self.spans.len()
    }

    /// Every row, by file number.
    pub fn rows(&self) -> &[TableRow] {
        &self.rows
    }

    /// The row of file `file`.
    pub fn get(&self, file: u32) -> Option<&TableRow> {
        let i = *self.by_file.get(file as usize)?;
        self.rows.get((i as usize).checked_sub(1)?)
    }

    /// The issuers of `row`: (as found, N form).
    pub fn issuers(&self, row: &TableRow) -> &[(StrId, StrId)] {
        let (from, to) = row.issuers;
        self.issuers
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    /// The dated events of `row`.
    pub fn dates(&self, row: &TableRow) -> &[(DateRole, Days)] {
        let (from, to) = row.dates;
        self.dates
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    /// The table of `entries` (by ascending file number).
    pub fn encode(entries: &[MetaEntry]) -> Vec<u8> {
        let mut strings: HashMap<String, u64> = HashMap::new();
        let mut pool: Vec<String> = Vec::new();
        let mut id = |s: String| -> u64 {
            let next = pool.len() as u64;
            *strings.entry(s).or_insert_with_key(|s| {
                pool.push(s.clone());
                next
            })
        };
        let mut rows = Vec::new();
        put_varint(&mut rows, entries.len() as u64);
        for e in entries {
            let m = &e.meta;
            let mut opt = |s: Option<String>| s.map_or(0, |s| id(s) + 1);
            let fields = [
                opt(m.kind.as_ref().map(|k| k.value.name().to_string())),
                opt(m.status.as_ref().map(|s| s.value.as_str().to_string())),
                opt(Some(analysis::normalize(&e.path))),
                opt(m.number.as_ref().map(|n| number_form(&n.value))),
                opt(m.person.as_ref().map(|p| analysis::normalize(&p.value))),
                opt(m.region.as_ref().map(|r| r.value.clone())),
                opt(m.region.as_ref().map(|r| region_form(&r.value))),
                opt(m.city.as_ref().map(|c| region_form(&c.value))),
            ];
            put_varint(&mut rows, u64::from(e.file));
            for f in fields {
                put_varint(&mut rows, f);
            }
            let issuers = m.issuer.iter().flat_map(|i| &i.value);
            put_varint(&mut rows, issuers.clone().count() as u64);
            for i in issuers {
                put_varint(&mut rows, id(i.clone()));
                put_varint(&mut rows, id(analysis::normalize(i)));
            }
            match m.main_date {
                Some(d) => {
                    put_varint(&mut rows, 1);
                    put_days(&mut rows, span_of(d.date));
                    put_varint(&mut rows, u64::from(d.date.year));
                }
                None => put_varint(&mut rows, 0),
            }
            put_varint(&mut rows, m.dates.len() as u64);
            for d in &m.dates {
                put_varint(&mut rows, id(role_name(d.role)));
                put_days(&mut rows, span_of(d.date));
            }
        }
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&TABLE_FORMAT.to_le_bytes());
        put_varint(&mut out, pool.len() as u64);
        for s in &pool {
            put_varint(&mut out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        out.extend_from_slice(&rows);
        out
    }

    /// The table of `entries` (by ascending file number) as it reads back.
    pub fn of_entries(entries: &[MetaEntry]) -> Result<Table> {
        Table::decode(&Table::encode(entries)).map_err(Error::Other)
    }

    /// Reads the table from `file`, opened as `path` (a searcher opens it with the commit it
    /// reads and reads it later: a newer commit may have deleted the name since).
    pub fn read_open(path: &Path, mut file: std::fs::File) -> Result<Table> {
        use std::io::Read;
        let mut bytes = Vec::new();
        (file.read_to_end(&mut bytes)).map_err(|e| Error::io(path, e))?;
        Table::decode(&bytes).map_err(|e| Error::damaged(path, e))
    }

    /// The table of `bytes`; what is wrong with them otherwise.
    fn decode(bytes: &[u8]) -> std::result::Result<Table, String> {
        let head = bytes.get(..8).ok_or("shorter than its header")?;
        if &head[..4] != MAGIC {
            return Err("not a filter table".into());
        }
        let format = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        if format != TABLE_FORMAT {
            return Err(format!("format {format}"));
        }
        let mut at = 8;
        let num = |at: &mut usize| read_varint(bytes, at).map_err(|e| e.to_string());
        let n_strings = num(&mut at)?;
        let mut t = Table::default();
        for _ in 0..n_strings {
            let len = usize::try_from(num(&mut at)?).map_err(|_| "string too long")?;
            let s = (at.checked_add(len))
                .and_then(|end| bytes.get(at..end))
                .ok_or("a string runs past the end")?;
            let s = std::str::from_utf8(s).map_err(|_| "a string is not UTF-8")?;
            let from = t.text.len() as u32;
            t.text.push_str(s);
            t.spans.push((from, t.text.len() as u32));
            at += len;
        }
        let n = t.spans.len() as u64;
        let string = |v: u64| -> std::result::Result<StrId, String> {
            (v < n)
                .then_some(v as StrId)
                .ok_or_else(|| format!("string {v} of {n}"))
        };
        let optional = |v: u64| v.checked_sub(1).map(string).transpose();
        // Enums by their JSON names, parsed once per string.
        let mut kinds: HashMap<StrId, Kind> = HashMap::new();
        let mut statuses: HashMap<StrId, Status> = HashMap::new();
        let mut roles: HashMap<StrId, DateRole> = HashMap::new();
        let n_rows = num(&mut at)?;
        let mut last_file = None;
        for _ in 0..n_rows {
            let file = u32::try_from(num(&mut at)?).map_err(|_| "file number too large")?;
            if last_file.is_some_and(|last| last >= file) {
                return Err(format!("file {file} out of order"));
            }
            last_file = Some(file);
            let mut f = [0u64; 8];
            for v in &mut f {
                *v = num(&mut at)?;
            }
            let kind = match optional(f[0])? {
                Some(id) => Some(named(&mut kinds, id, t.str(id))?),
                None => None,
            };
            let status = match optional(f[1])? {
                Some(id) => Some(named(&mut statuses, id, t.str(id))?),
                None => None,
            };
            let path = optional(f[2])?.ok_or("a row without its path")?;
            let from = t.issuers.len() as u32;
            for _ in 0..num(&mut at)? {
                let shown = string(num(&mut at)?)?;
                t.issuers.push((shown, string(num(&mut at)?)?));
            }
            let issuers = (from, t.issuers.len() as u32);
            let main = match num(&mut at)? {
                0 => None,
                _ => {
                    let days = read_days(bytes, &mut at)?;
                    let year = u16::try_from(num(&mut at)?).map_err(|_| "a year out of range")?;
                    Some((days, year))
                }
            };
            let from = t.dates.len() as u32;
            for _ in 0..num(&mut at)? {
                let id = string(num(&mut at)?)?;
                let role = named(&mut roles, id, t.str(id))?;
                t.dates.push((role, read_days(bytes, &mut at)?));
            }
            let dates = (from, t.dates.len() as u32);
            let at_file = file as usize;
            if t.by_file.len() <= at_file {
                t.by_file.resize(at_file + 1, 0);
            }
            t.by_file[at_file] = t.rows.len() as u32 + 1;
            t.rows.push(TableRow {
                file,
                kind,
                status,
                path,
                number: optional(f[3])?,
                person: optional(f[4])?,
                region_shown: optional(f[5])?,
                region: optional(f[6])?,
                city: optional(f[7])?,
                main,
                issuers,
                dates,
            });
        }
        if at != bytes.len() {
            return Err(format!("{} bytes after the last row", bytes.len() - at));
        }
        Ok(t)
    }
}

/// The value of enum `T` named `name` in JSON, remembered by its string's number.
fn named<T: Copy + for<'de> Deserialize<'de>>(
    seen: &mut HashMap<StrId, T>,
    id: StrId,
    name: &str,
) -> std::result::Result<T, String> {
    if let Some(&v) = seen.get(&id) {
        return Ok(v);
    }
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    let v = T::deserialize(de).map_err(|e| format!("{name:?}: {e}"))?;
    seen.insert(id, v);
    Ok(v)
}

/// The JSON name of `role`.
fn role_name(role: DateRole) -> String {
    match serde_json::to_value(role) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{role:?}"),
    }
}

/// Appends `days`: the first (zigzag) and the span's length.
fn put_days(out: &mut Vec<u8>, (first, last): Days) {
    let zigzag = ((first << 1) ^ (first >> 31)) as u32;
    put_varint(out, u64::from(zigzag));
    put_varint(out, u64::from(last.saturating_sub(first).max(0) as u32));
}

/// Reads what [`put_days`] wrote.
fn read_days(bytes: &[u8], at: &mut usize) -> std::result::Result<Days, String> {
    let zigzag = read_varint(bytes, at).map_err(|e| e.to_string())?;
    let len = read_varint(bytes, at).map_err(|e| e.to_string())?;
    let (Ok(zigzag), Ok(len)) = (u32::try_from(zigzag), i32::try_from(len)) else {
        return Err("a date out of range".into());
    };
    let first = ((zigzag >> 1) as i32) ^ -((zigzag & 1) as i32);
    Ok((first, first.saturating_add(len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<MetaEntry> {
        let doc = MetaEntry::of_text;
        vec![
            doc(
                0,
                "司法解释/关于审理劳动争议案件适用法律问题的解释.txt",
                "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）\n法释〔2020〕26号\n（2020年12月25日最高人民法院审判委员会第1825次会议通过，自2021年1月1日起施行）\n第一条 劳动者……\n",
            ),
            doc(
                4,
                "gov-reports/1954政府工作报告_周恩来.txt",
                "政府工作报告\n——1954年9月23日在第一届全国人民代表大会第一次会议上\n国务院总理 周恩来\n各位代表……\n",
            ),
            doc(7, "notes/无题.txt", "随便写几句。\n"),
        ]
    }

    #[test]
    fn rows_read_back_in_the_form_filters_compare() {
        let entries = entries();
        let bytes = Table::encode(&entries);
        let t = Table::decode(&bytes).unwrap();
        assert_eq!(t.rows().len(), 3);
        let r = t.get(0).unwrap();
        assert_eq!(r.kind, Some(Kind::JudicialInterpretation));
        assert_eq!(r.number.map(|n| t.str(n)), Some("法释202026号"));
        let issuers: Vec<&str> = t.issuers(r).iter().map(|&(s, _)| t.str(s)).collect();
        assert_eq!(issuers, ["最高人民法院"]);
        assert!(t
            .dates(r)
            .iter()
            .any(|(role, _)| *role == DateRole::Effective));
        assert_eq!(r.main.map(|m| m.1), Some(2020));
        let report = t.get(4).unwrap();
        assert_eq!(report.person.map(|p| t.str(p)), Some("周恩来"));
        assert_eq!(report.main.map(|m| m.1), Some(1954));
        let bare = t.get(7).unwrap();
        assert_eq!((bare.kind, bare.main, bare.number), (None, None, None));
        assert_eq!(t.str(bare.path), "notes/无题.txt");
        assert!(t.get(1).is_none() && t.get(99).is_none());
    }

    #[test]
    fn damage_is_found_not_read() {
        let bytes = Table::encode(&entries());
        assert!(Table::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Table::decode(&extra)
            .unwrap_err()
            .contains("after the last row"));
        let mut other = bytes.clone();
        other[4] = 9;
        assert!(Table::decode(&other).unwrap_err().contains("format 9"));
        assert!(Table::decode(b"ZCM").is_err());
    }

    #[test]
    fn days_round_trip() {
        for days in [
            (0, 0),
            (-5844, -5479),
            (19_723, 20_088),
            (-719_162, -719_162),
        ] {
            let mut out = Vec::new();
            put_days(&mut out, days);
            let mut at = 0;
            assert_eq!(read_days(&out, &mut at).unwrap(), days);
        }
    }
}
