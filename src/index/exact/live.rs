//! The live map of the exact index (`exact/live-NNNNNNNN.bin`): which segment holds the
//! current text of each file, and each file's place in path order; the file names of the
//! `exact/` folder; durable writes; and the clean-up after a commit.
//!
//! Format: `b"ZCLV"`, version u32, count u32, then `count` pairs (file number u32, segment id
//! u32) sorted, then a count u32 and each file's place in path order by file number (u32,
//! `u32::MAX` for numbers not in use), little-endian. A file longer than a segment has one
//! pair for each segment that holds part of it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::EXACT_DIR;
use crate::{Error, Result};

const LIVE_MAGIC: &[u8; 4] = b"ZCLV";
const LIVE_VERSION: u32 = 2;

/// The bigram segment `id` of the index in `index_dir`.
pub(super) fn segment_path(index_dir: &Path, id: u32) -> PathBuf {
    index_dir.join(EXACT_DIR).join(format!("{id:08}.zbg"))
}

/// The text store of segment `id`.
pub(super) fn texts_path(index_dir: &Path, id: u32) -> PathBuf {
    index_dir.join(EXACT_DIR).join(format!("{id:08}.ztx"))
}

fn live_path(index_dir: &Path, gen: u64) -> PathBuf {
    index_dir.join(EXACT_DIR).join(format!("live-{gen:08}.bin"))
}

/// Which bigram segments hold the current text of each file, by file number (one segment,
/// except for a file longer than [`SEGMENT_CHARS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveMap {
    pub(super) map: BTreeMap<u32, Vec<u32>>,
    /// Each file's place in path order, by file number ([`super::ExactIndex::order_of`]).
    pub(super) order: Vec<u32>,
}

impl LiveMap {
    /// Reads generation `gen` of the index in `index_dir` (0: the empty map).
    pub fn read(index_dir: &Path, gen: u64) -> Result<LiveMap> {
        if gen == 0 {
            return Ok(LiveMap::default());
        }
        let path = live_path(index_dir, gen);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let bad = |why: &str| Error::damaged(&path, why);
        let u32_at = |i: usize| -> Option<u32> {
            let b = bytes.get(i..i + 4)?;
            Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        if bytes.get(..4) != Some(LIVE_MAGIC.as_slice()) {
            return Err(bad("not a live map"));
        }
        if u32_at(4) != Some(LIVE_VERSION) {
            return Err(bad("unknown live map version"));
        }
        let count = u32_at(8).ok_or_else(|| bad("truncated"))? as usize;
        let order_at = 12 + count * 8;
        let files = u32_at(order_at).ok_or_else(|| bad("truncated"))? as usize;
        if bytes.len() != order_at + 4 + files * 4 {
            return Err(bad("truncated"));
        }
        let mut map: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for i in 0..count {
            let at = 12 + i * 8;
            let (Some(file), Some(seg)) = (u32_at(at), u32_at(at + 4)) else {
                return Err(bad("truncated"));
            };
            map.entry(file).or_default().push(seg);
        }
        let order = (0..files)
            .map(|i| u32_at(order_at + 4 + 4 * i).unwrap_or(u32::MAX))
            .collect();
        Ok(LiveMap { map, order })
    }

    pub(super) fn write(&self, index_dir: &Path, gen: u64) -> Result<()> {
        let pairs: Vec<(u32, u32)> = self.iter().collect();
        let mut bytes = Vec::with_capacity(12 + pairs.len() * 8);
        bytes.extend_from_slice(LIVE_MAGIC);
        bytes.extend_from_slice(&LIVE_VERSION.to_le_bytes());
        bytes.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        for (file, seg) in pairs {
            bytes.extend_from_slice(&file.to_le_bytes());
            bytes.extend_from_slice(&seg.to_le_bytes());
        }
        bytes.extend_from_slice(&(self.order.len() as u32).to_le_bytes());
        for rank in &self.order {
            bytes.extend_from_slice(&rank.to_le_bytes());
        }
        write_durably(&live_path(index_dir, gen), &bytes)
    }

    /// The segments holding the current text of file `file_no`.
    pub fn segments_of(&self, file_no: u32) -> &[u32] {
        self.map.get(&file_no).map_or(&[], Vec::as_slice)
    }

    /// The segments the map refers to.
    pub fn segments(&self) -> BTreeSet<u32> {
        self.map.values().flatten().copied().collect()
    }

    /// The number of files in the map.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// (file number, segment) pairs in file order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.map
            .iter()
            .flat_map(|(f, segs)| segs.iter().map(move |s| (*f, *s)))
    }
}

/// Each file's place when the files are sorted by path as the corpus walk meets them (by
/// folder and name, compared byte-wise), by file number; `u32::MAX` for numbers not given.
pub(super) fn path_order(mut paths: Vec<(u32, &str)>) -> Vec<u32> {
    paths.sort_unstable_by(|a, b| a.1.split('/').cmp(b.1.split('/')).then(a.0.cmp(&b.0)));
    let len = paths
        .iter()
        .map(|(no, _)| *no as usize + 1)
        .max()
        .unwrap_or(0);
    let mut order = vec![u32::MAX; len];
    for (rank, (no, _)) in paths.into_iter().enumerate() {
        order[no as usize] = rank as u32;
    }
    order
}

/// Writes `bytes` to `path` through a temporary name, synced before and after the rename, so
/// `path` is either absent or whole.
pub(crate) fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let io = |e| Error::io(path, e);
    let mut f = File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent() {
        File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    Ok(())
}

/// The generation for the next commit: above `last` (the last commit's) and above every live
/// map on disk, so a run never overwrites the live map of the commit searches still see
/// (a rebuild starts from `last` = 0, but the index it replaces may be at any generation).
pub fn next_gen(index_dir: &Path, last: u64) -> u64 {
    let on_disk = std::fs::read_dir(index_dir.join(EXACT_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            let name = name.to_str()?;
            name.strip_prefix("live-")?
                .strip_suffix(".bin")?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    last.max(on_disk) + 1
}

/// Deletes the files of `exact/` that generation `gen` with the live map `live` does not
/// need. Errors are ignored: a file left behind is removed by a later run.
pub fn collect_garbage(index_dir: &Path, live: &LiveMap, gen: u64) {
    let dir = index_dir.join(EXACT_DIR);
    let keep_segments = live.segments();
    let keep_live = format!("live-{gen:08}.bin");
    let keep_meta = format!("meta-{gen:08}.zst");
    let keep_resolved = format!("meta-{gen:08}.json");
    let keep_table = format!("meta-{gen:08}.tbl");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let needed = name == keep_live
            || name == keep_meta
            || name == keep_resolved
            || name == keep_table
            || name
                .strip_suffix(".zbg")
                .or_else(|| name.strip_suffix(".ztx"))
                .and_then(|s| s.parse::<u32>().ok())
                .is_some_and(|id| keep_segments.contains(&id));
        if !needed {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
