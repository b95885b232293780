//! The manifest of an index: which files it holds and what they looked like when indexed
//! (size, mtime, content hash), read from the fast fields of the document records. Incremental
//! re-indexing compares it with the corpus folder; it is part of the index itself, so it is
//! always exactly as consistent as the last commit.

use std::collections::HashMap;

use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::schema::{Fields, REC_DOC};
use crate::{Error, Result};

/// Every record matching `query`, as doc ids grouped by segment, so that fast columns are
/// opened once per segment.
pub fn matching_by_segment(
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
) -> Result<HashMap<u32, Vec<u32>>> {
    // Straight from each segment's doc set, in order: tantivy's `DocSetCollector` gathers a
    // hash set of addresses first, which took half the time of the look-ups behind heading
    // bonuses.
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    ))?;
    let mut by_segment: HashMap<u32, Vec<u32>> = HashMap::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let alive = reader.alive_bitset();
        let mut docs = Vec::new();
        weight.for_each_no_score(reader, &mut |batch| {
            docs.extend(
                batch
                    .iter()
                    .filter(|&&d| alive.is_none_or(|a| a.is_alive(d))),
            );
        })?;
        if !docs.is_empty() {
            by_segment.insert(ord as u32, docs);
        }
    }
    Ok(by_segment)
}

/// What the index knows of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The file's number in the index.
    pub file_id: u64,
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time in ns when indexed.
    pub mtime_ns: i64,
    /// xxh3 of the bytes indexed.
    pub content_hash: u64,
}

/// Reads the manifest: relative path → entry, for every live document record.
///
/// The paths come from the `path` column's dictionary in one pass in ordinal order: looking
/// each one up on its own decompressed its dictionary block again every time (a new zstd
/// context each), which took ~0.3 s of a re-index of the real corpus, mostly spent after
/// the commit to count the documents.
pub fn read_manifest(
    dir: &std::path::Path,
    searcher: &Searcher,
    fields: &Fields,
) -> Result<HashMap<String, ManifestEntry>> {
    let query = TermQuery::new(
        Term::from_field_u64(fields.rec, REC_DOC),
        IndexRecordOption::Basic,
    );
    let by_segment = matching_by_segment(searcher, &query)?;
    let mut out = HashMap::new();
    for (segment_ord, doc_ids) in by_segment {
        let reader = searcher.segment_reader(segment_ord);
        let ff = reader.fast_fields();
        let file_id = ff.u64("file_id")?;
        let size = ff.u64("size")?;
        let mtime = ff.i64("mtime_ns")?;
        let hash = ff.u64("content_hash")?;
        let paths = ff
            .str("path")?
            .ok_or_else(|| Error::damaged(dir, "the index has no path column"))?;
        let mut by_ord: Vec<(u64, u32)> = doc_ids
            .into_iter()
            .filter_map(|doc| Some((paths.ords().first(doc)?, doc)))
            .collect();
        by_ord.sort_unstable();
        let ords: Vec<u64> = by_ord.iter().map(|&(ord, _)| ord).collect();
        let (mut next, mut bad_path) = (by_ord.iter(), false);
        let found = paths
            .dictionary()
            .sorted_ords_to_term_cb(&ords, |bytes| {
                let (Some(&(_, doc)), Ok(path)) = (next.next(), std::str::from_utf8(bytes)) else {
                    bad_path = true;
                    return;
                };
                out.insert(
                    path.to_string(),
                    ManifestEntry {
                        file_id: file_id.first(doc).unwrap_or_default(),
                        size: size.first(doc).unwrap_or_default(),
                        mtime_ns: mtime.first(doc).unwrap_or_default(),
                        content_hash: hash.first(doc).unwrap_or_default(),
                    },
                );
            })
            .map_err(|e| Error::damaged(dir, format_args!("reading the manifest: {e}")))?;
        if !found || bad_path {
            return Err(Error::damaged(
                dir,
                format_args!("the path column of segment {segment_ord} is damaged"),
            ));
        }
    }
    Ok(out)
}
