//! The documents' metadata of one commit (`exact/meta-NNNNNNNN.zst` and `.json`): every
//! document's [`DocMeta`] with its status resolved over the whole index
//! ([`resolve_versions`]).
//!
//! Statuses depend on the other documents (a new version of a law makes the older one
//! `amended_by_newer`), so they cannot live in a document's own record: an incremental run
//! would have to rewrite the records of documents it did not read. Instead each commit writes
//! this one small file beside the exact index's live map, with the same generation number
//! ([`crate::index::IndexInfo::exact_gen`]), so it changes atomically with the commit that
//! names it. A run reads the last commit's file, drops the files it removed, replaces those
//! it read, resolves the versions of all of them again (milliseconds for the 15,000
//! documents of the shared corpus) and writes the next one.
//!
//! The file is zstd-compressed JSON Lines: a header `{"format":1,"reference":"YYYY-MM-DD",
//! "documents":N}` (the reference date statuses were resolved against: the commit's day,
//! UTC), then one `{"file":N,"path":"…","meta":{…}}` per document, by file number, `meta`
//! as documented in [`crate::corpus::meta`]. Beside it, `meta-NNNNNNNN.json` holds what a
//! search needs at every query, small and read when the index is opened: the statuses the
//! resolution changed ([`Resolved`]), since each document's record in tantivy keeps its
//! metadata as extracted from it alone. What filters compare is the commit's third file,
//! `meta-NNNNNNNN.tbl` ([`super::metatable`]), written here from the same entries. It knows
//! nothing of queries.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::exact::{write_durably, EXACT_DIR};
use crate::corpus::meta::{provisional_status, resolve_versions, DocMeta, PartialDate, StatusInfo};
use crate::{Error, Result};

/// The version of the file's layout.
const META_FORMAT: u32 = 1;

/// One document's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaEntry {
    /// The file's number in the index.
    pub file: u32,
    /// Its path relative to the corpus root.
    pub path: String,
    /// Its metadata, status resolved.
    pub meta: DocMeta,
}

#[cfg(test)]
impl MetaEntry {
    /// The entry of file `file`, a text written for a test at `path`, as indexing extracts it.
    pub(crate) fn of_text(file: u32, path: &str, text: &str) -> MetaEntry {
        let doc = crate::corpus::parse_document(path, text, "UTF-8");
        MetaEntry {
            file,
            path: path.to_string(),
            meta: crate::corpus::meta::extract(path, text, &doc),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: u32,
    reference: PartialDate,
    documents: usize,
}

/// The metadata file of generation `gen`.
pub fn meta_path(index_dir: &Path, gen: u64) -> PathBuf {
    index_dir.join(EXACT_DIR).join(format!("meta-{gen:08}.zst"))
}

/// The resolved statuses file of generation `gen`.
pub fn resolved_path(index_dir: &Path, gen: u64) -> PathBuf {
    index_dir
        .join(EXACT_DIR)
        .join(format!("meta-{gen:08}.json"))
}

/// The statuses that resolving the versions changed: each document whose final status is
/// not the one it has alone ([`provisional_status`]): older versions, laws whose repeal or
/// effective date is judged against the reference date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    /// The format of the file.
    pub format: u32,
    /// The date statuses were resolved against.
    pub reference: Option<PartialDate>,
    /// (file number, final status), by file number.
    pub changed: Vec<(u32, Option<StatusInfo>)>,
}

/// Reads the resolved statuses of generation `gen` (none for 0); an error names the file.
pub fn read_resolved(index_dir: &Path, gen: u64) -> Result<Resolved> {
    if gen == 0 {
        return Ok(Resolved::default());
    }
    let path = resolved_path(index_dir, gen);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let r: Resolved = serde_json::from_slice(&bytes)
        .map_err(|e| Error::damaged(&path, format_args!("not its JSON ({e})")))?;
    if r.format != META_FORMAT {
        return Err(Error::damaged(&path, format_args!("format {}", r.format)));
    }
    Ok(r)
}

/// Reads the metadata of generation `gen`, by file number; an error names the file.
pub fn read(index_dir: &Path, gen: u64) -> Result<(PartialDate, Vec<MetaEntry>)> {
    let path = meta_path(index_dir, gen);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    parse(&path, &bytes)
}

/// Reads the metadata from `file`, opened as `path` (a searcher opens the file with the
/// commit it reads and reads it later: a newer commit may have deleted the name since).
pub fn read_open(path: &Path, mut file: std::fs::File) -> Result<(PartialDate, Vec<MetaEntry>)> {
    use std::io::Read;
    let mut bytes = Vec::new();
    (file.read_to_end(&mut bytes)).map_err(|e| Error::io(path, e))?;
    parse(path, &bytes)
}

/// Parses the bytes of the metadata file `path`.
fn parse(path: &Path, bytes: &[u8]) -> Result<(PartialDate, Vec<MetaEntry>)> {
    let text = zstd::decode_all(bytes)
        .map_err(|e| Error::damaged(path, format_args!("cannot decompress ({e})")))?;
    let damaged = |line: usize, e: &dyn std::fmt::Display| {
        Error::damaged(path, format_args!("line {line}: {e}"))
    };
    let mut lines = text.split(|&b| b == b'\n').filter(|l| !l.is_empty());
    let header: Header = match lines.next() {
        Some(l) => serde_json::from_slice(l).map_err(|e| damaged(1, &e))?,
        None => return Err(damaged(1, &"no header")),
    };
    if header.format != META_FORMAT {
        return Err(damaged(1, &format_args!("format {}", header.format)));
    }
    let mut entries = Vec::with_capacity(header.documents);
    for (i, l) in lines.enumerate() {
        entries.push(serde_json::from_slice(l).map_err(|e| damaged(i + 2, &e))?);
    }
    Ok((header.reference, entries))
}

/// Resolves the statuses of `entries` against `reference` ([`resolve_versions`]), sorts
/// them by file number and writes them durably as generation `gen`, with their filter table
/// ([`super::metatable`]).
pub fn resolve_and_write(
    index_dir: &Path,
    gen: u64,
    reference: PartialDate,
    entries: &mut Vec<MetaEntry>,
) -> Result<()> {
    entries.sort_by_key(|e| e.file);
    entries.dedup_by_key(|e| e.file);
    let mut pairs: Vec<(String, DocMeta)> = (entries.iter_mut())
        .map(|e| (std::mem::take(&mut e.path), std::mem::take(&mut e.meta)))
        .collect();
    resolve_versions(&mut pairs, reference);
    for (e, (path, meta)) in entries.iter_mut().zip(pairs) {
        e.path = path;
        e.meta = meta;
    }
    let header = Header {
        format: META_FORMAT,
        reference,
        documents: entries.len(),
    };
    let json = |e: serde_json::Error| Error::Other(format!("metadata as JSON: {e}"));
    let mut text = serde_json::to_vec(&header).map_err(json)?;
    text.push(b'\n');
    for e in entries.iter() {
        serde_json::to_writer(&mut text, e).map_err(json)?;
        text.push(b'\n');
    }
    let path = meta_path(index_dir, gen);
    let packed = zstd::encode_all(text.as_slice(), 3).map_err(|e| Error::io(&path, e))?;
    write_durably(&path, &packed)?;
    let table = super::metatable::Table::encode(entries);
    write_durably(&super::metatable::table_path(index_dir, gen), &table)?;
    let resolved = Resolved {
        format: META_FORMAT,
        reference: Some(reference),
        changed: (entries.iter())
            .filter(|e| provisional_status(&e.meta) != e.meta.status)
            .map(|e| (e.file, e.meta.status.clone()))
            .collect(),
    };
    let json = serde_json::to_vec(&resolved).map_err(json)?;
    write_durably(&resolved_path(index_dir, gen), &json)
}

/// Today (UTC) as the reference date of statuses: a law whose effective date is later is
/// `not_yet_in_force`.
pub fn today() -> PartialDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    PartialDate::ymd(y as u16, m as u8, d as u8).unwrap_or(PartialDate {
        year: y as u16,
        month: None,
        day: None,
    })
}

/// The (year, month, day) of a count of days since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn entries_round_trip_with_statuses_resolved() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(EXACT_DIR)).unwrap();
        let law = |date: &str| {
            let text = "# 某某法\n\n第一条 为了……，制定本法。\n";
            let path = format!("laws-cn/社会法/某某法({date}).md");
            let doc = crate::corpus::parse_document(&path, text, "UTF-8");
            crate::corpus::meta::extract(&path, text, &doc)
        };
        let mut entries = vec![
            MetaEntry {
                file: 3,
                path: "laws-cn/社会法/某某法(2020-01-01).md".into(),
                meta: law("2020-01-01"),
            },
            MetaEntry {
                file: 1,
                path: "laws-cn/社会法/某某法(2010-01-01).md".into(),
                meta: law("2010-01-01"),
            },
        ];
        let reference = PartialDate::ymd(2024, 1, 1).unwrap();
        resolve_and_write(dir.path(), 7, reference, &mut entries).unwrap();
        let (r, read) = read(dir.path(), 7).unwrap();
        assert_eq!(r, reference);
        assert_eq!(read, entries);
        assert_eq!(read[0].file, 1);
        let old = read[0].meta.status.as_ref().expect("a law has a status");
        assert_eq!(old.value, crate::corpus::meta::Status::AmendedByNewer);
        assert_eq!(
            old.replaced_by.as_deref(),
            Some("laws-cn/社会法/某某法(2020-01-01).md")
        );
        // Only the older version's status changed.
        let r = read_resolved(dir.path(), 7).unwrap();
        assert_eq!(r.changed, [(1, Some(old.clone()))]);
        assert_eq!(r.reference, Some(reference));
    }

    #[test]
    fn a_damaged_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(EXACT_DIR)).unwrap();
        std::fs::write(meta_path(dir.path(), 2), b"not zstd").unwrap();
        let e = read(dir.path(), 2).unwrap_err().to_string();
        assert!(e.contains("meta-00000002.zst"), "{e}");
    }
}
