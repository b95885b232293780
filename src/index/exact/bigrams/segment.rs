//! Opening a segment file and reading it: the header and tables, the dictionary blocks and
//! each term's lists.

use std::io;

use super::super::varint::read_varint;
use super::codec::{decode_small, decode_sorted};
use super::find::gallop;
use super::*;

impl<B: AsRef<[u8]>> BigramSegment<B> {
    /// Opens a segment: checks the header, that the sections fill the bytes exactly, that the
    /// ends of the paragraph starts are right and that the files table agrees with them.
    pub fn open(bytes: B) -> io::Result<Self> {
        let data = bytes.as_ref();
        let header = data
            .get(..HEADER_LEN)
            .ok_or_else(|| invalid("shorter than its header"))?;
        let field = |i: usize| read_u32(header, 4 + 4 * i).unwrap_or(0);
        if !header.starts_with(MAGIC) || field(0) != FORMAT_VERSION {
            return Err(invalid("bad magic or unknown version"));
        }
        let (n_files, n_paragraphs, n_positions) = (field(1), field(2), field(3));
        let mut at = HEADER_LEN as u64;
        let mut section = |len: u64| -> io::Result<Range<usize>> {
            let end = at.checked_add(len).filter(|&end| end <= data.len() as u64);
            let end = end.ok_or_else(|| invalid("section past the end of the file"))?;
            let range = at as usize..end as usize;
            at = end;
            Ok(range)
        };
        let files = section(u64::from(n_files) * FILE_RECORD_LEN as u64)?;
        let starts = section((u64::from(n_paragraphs) + 1) * 4)?;
        let postings = section(read_u64(header, 32).unwrap_or(0))?;
        let index = section(u64::from(field(5)) * BLOCK_RECORD_LEN as u64)?;
        let dict = section(read_u64(header, 40).unwrap_or(0))?;
        let words = section(u64::from(n_positions).div_ceil(64) * 8)?;
        let infos = section(u64::from(n_paragraphs) * 8)?;
        let traditional = section(u64::from(n_paragraphs).div_ceil(64) * 8)?;
        let count = section(4)?;
        let n_classes = u64::from(read_u32(&data[count], 0).unwrap_or(0));
        let class_positions = section(n_classes * 4)?;
        let class_codes = section(n_classes)?;
        if class_codes.end != data.len() {
            return Err(invalid("bytes after the class table"));
        }

        // Only the ends of the starts table are checked here: reading all of it would cost
        // every cold search milliseconds. Starts that do not ascend (a damaged file) give wrong
        // hits, never a panic or a read out of bounds.
        let start_table = &data[starts.clone()];
        let start_of = |k: usize| read_u32(start_table, 4 * k).unwrap_or(u32::MAX);
        if start_of(0) != 0 || start_of(n_paragraphs as usize) != n_positions {
            return Err(invalid(
                "paragraph starts do not run from 0 to the position count",
            ));
        }
        if n_positions < n_paragraphs {
            // Every paragraph takes its gap position at least.
            return Err(invalid("fewer positions than paragraphs"));
        }

        let files: Vec<FileRecord> = data[files]
            .chunks_exact(FILE_RECORD_LEN)
            .map(|record| {
                let field = |k: usize| read_u32(record, 4 * k).unwrap_or(0);
                FileRecord {
                    file_no: field(0),
                    first_index: field(1),
                    first_para: field(2),
                }
            })
            .collect();
        let ends = files
            .iter()
            .skip(1)
            .map(|file| file.first_index)
            .chain([n_paragraphs]);
        for (file, end) in files.iter().zip(ends) {
            let paragraphs = end.checked_sub(file.first_index);
            if paragraphs.is_none_or(|n| file.first_para.checked_add(n.max(1) - 1).is_none()) {
                return Err(invalid("files table out of order"));
            }
        }
        if files
            .first()
            .map_or(n_paragraphs > 0, |file| file.first_index != 0)
        {
            return Err(invalid("paragraphs before the first file"));
        }
        let n_terms = field(4);
        let lists_from = field(6);
        if lists_from == 0 {
            return Err(invalid("paragraph lists from 0 positions"));
        }
        let n_paragraphs = n_paragraphs as usize;
        Ok(BigramSegment {
            bytes,
            starts,
            postings,
            index,
            dict,
            words,
            infos,
            traditional,
            class_positions,
            class_codes,
            files,
            n_paragraphs,
            n_positions,
            n_terms,
            lists_from,
            buckets: OnceLock::new(),
            files_by_no: OnceLock::new(),
        })
    }

    pub(super) fn section(&self, range: &Range<usize>) -> io::Result<&[u8]> {
        self.bytes
            .as_ref()
            .get(range.clone())
            .ok_or_else(|| invalid("section out of bounds"))
    }

    /// Whether a word starts at position `p` (a gap, or a position past the segment: true).
    #[inline]
    pub fn word_start(&self, p: u32) -> bool {
        let words = &self.bytes.as_ref()[self.words.clone()];
        let at = (p >> 6) as usize * 8;
        match words.get(at..at + 8) {
            Some(w) => {
                let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
                word >> (p & 63) & 1 == 1
            }
            None => true,
        }
    }

    /// Whether paragraph `index` is Traditional (false past the segment's paragraphs).
    pub fn is_traditional(&self, index: u32) -> bool {
        let bits = &self.bytes.as_ref()[self.traditional.clone()];
        let at = (index >> 6) as usize * 8;
        bits.get(at..at + 8).is_some_and(|w| {
            let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            word >> (index & 63) & 1 == 1
        })
    }

    /// The class recorded at position `p`: `None` where none is (a group character of the
    /// first class, or any character of a paragraph that is not Traditional).
    #[inline]
    pub fn class_at(&self, p: u32) -> Option<u8> {
        let data = self.bytes.as_ref();
        let positions = &data[self.class_positions.clone()];
        let n = positions.len() / 4;
        let at = |i: usize| read_u32(positions, 4 * i).unwrap_or(u32::MAX);
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if at(mid) < p {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < n && at(lo) == p)
            .then(|| data[self.class_codes.clone()].get(lo).copied())
            .flatten()
    }

    /// The paragraph holding position `p` (the segment's paragraph count past its end).
    pub(super) fn paragraph_at(&self, p: u32) -> u32 {
        let table = &self.bytes.as_ref()[self.starts.clone()];
        let start = |k: usize| read_u32(table, 4 * k).unwrap_or(u32::MAX);
        // The last paragraph whose start is at most p.
        let (mut lo, mut hi) = (0, self.n_paragraphs.saturating_sub(1));
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if start(mid) <= p {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo as u32
    }

    /// What the segment keeps of paragraph `index` besides its positions; `None` past the
    /// segment's paragraphs.
    pub fn info(&self, index: u32) -> Option<ParagraphInfo> {
        let infos = &self.bytes.as_ref()[self.infos.clone()];
        let at = 8 * index as usize;
        Some(ParagraphInfo::unpack(
            read_u32(infos, at)?,
            read_u32(infos, at + 4)?,
        ))
    }

    /// Number of paragraphs, empty ones included.
    pub fn paragraphs(&self) -> usize {
        self.n_paragraphs
    }

    /// The `file_no` of each file of the segment, in the order they were begun.
    pub fn files(&self) -> impl Iterator<Item = u32> + '_ {
        self.files.iter().map(|file| file.file_no)
    }

    /// The index in the segment of paragraph `para` of file `file_no`, if the segment holds
    /// it.
    pub fn index_of(&self, file_no: u32, para: u32) -> Option<u32> {
        let (first_index, first_para, count) = self.file_span(file_no)?;
        let offset = para.checked_sub(first_para)?;
        (offset < count).then(|| first_index + offset)
    }

    /// Where the segment holds file `file_no`: the index of its first paragraph here, that
    /// paragraph's number in the file, and how many paragraphs follow it here.
    pub fn file_span(&self, file_no: u32) -> Option<(u32, u32, u32)> {
        let by_file = self.files_by_no.get_or_init(|| {
            let mut v: Vec<(u32, u32)> = (self.files.iter().enumerate())
                .map(|(i, f)| (f.file_no, i as u32))
                .collect();
            v.sort_unstable();
            v
        });
        let found = by_file.partition_point(|&(no, _)| no < file_no);
        let &(no, at) = by_file.get(found)?;
        if no != file_no {
            return None;
        }
        let at = at as usize;
        let file = self.files[at];
        let end = self
            .files
            .get(at + 1)
            .map_or(self.n_paragraphs as u32, |next| next.first_index);
        let count = end.checked_sub(file.first_index)?;
        Some((file.first_index, file.first_para, count))
    }

    /// Sizes of the segment and of its sections.
    pub fn stats(&self) -> Stats {
        Stats {
            files: self.files.len(),
            paragraphs: self.n_paragraphs,
            terms: u64::from(self.n_terms),
            positions: u64::from(self.n_positions) - self.n_paragraphs as u64,
            dictionary_bytes: (self.index.len() + self.dict.len()) as u64,
            postings_bytes: self.postings.len() as u64,
            table_bytes: (self.postings.start) as u64,
        }
    }

    /// A floor, in bits, under any encoding of this segment's position lists that stores each
    /// term's list on its own: a list of `n` positions out of `U` is one of `C(U, n)` subsets,
    /// so it needs at least `log2 C(U, n) ≥ n · log2(U / n)` bits.
    pub fn postings_floor_bits(&self) -> io::Result<f64> {
        let universe = f64::from(self.n_positions.max(1));
        let mut bits = 0.0;
        for block in 0..self.n_blocks() {
            for entry in self.block(block)? {
                let n = f64::from(entry.count.max(1));
                bits += n * (universe / n).log2().max(0.0);
            }
        }
        Ok(bits)
    }

    /// Bytes of the paragraph lists in the postings (with their two leading varints).
    pub fn paragraph_list_bytes(&self) -> io::Result<u64> {
        let mut bytes = 0;
        for block in 0..self.n_blocks() {
            for entry in self.block(block)? {
                let positions = self.parts(&entry)?.positions.len();
                bytes += (entry.postings.len() - positions) as u64;
            }
        }
        Ok(bytes)
    }

    /// The start and length of paragraph `index` (for a hit with bounds [`UNKNOWN`]).
    pub fn bounds(&self, index: u32) -> io::Result<(u32, u32)> {
        Ok(paragraph_bounds(self.section(&self.starts)?, index))
    }

    /// Asks the processor to bring into its cache what reading a hit in paragraph `index`
    /// will read: its [`ParagraphInfo`] (its length included) and, given the position of an
    /// occurrence, that occurrence's word-start bits. The hits of a common bigram are spread
    /// over the whole segment, so each of those reads would otherwise miss the cache and wait
    /// for memory in turn; issued some hits ahead, the waits overlap.
    #[inline]
    pub(super) fn prefetch_hit(&self, index: u32, occurrence: Option<u32>) {
        let data = self.bytes.as_ref();
        prefetch(data, self.infos.start + 8 * index as usize);
        if let Some(p) = occurrence {
            prefetch(data, self.words.start + (p >> 6) as usize * 8);
        }
    }

    /// Reads the bounds of `h`'s paragraph from the paragraph table `starts`.
    pub(super) fn set_bounds(&self, h: &mut Hit, starts: &[u8]) {
        (h.start, h.len) = paragraph_bounds(starts, h.index);
    }

    /// The bucket table: entry `b` is the paragraph holding position `b << BUCKET_SHIFT`
    /// (the last one starting at or before it), with one entry past the last position.
    pub(super) fn buckets(&self) -> &[u32] {
        self.buckets.get_or_init(|| {
            let starts = self.section(&self.starts).unwrap_or_default();
            let start_of = |k: usize| read_u32(starts, 4 * k);
            buckets(self.n_paragraphs, self.n_positions, start_of)
        })
    }

    pub(super) fn n_blocks(&self) -> usize {
        self.index.len() / BLOCK_RECORD_LEN
    }

    /// The last dictionary block whose first key is at most `key`.
    pub(super) fn block_at_or_before(&self, key: u64) -> io::Result<Option<usize>> {
        let index = self.section(&self.index)?;
        let first_key = |i: usize| read_u64(index, i * BLOCK_RECORD_LEN).unwrap_or(u64::MAX);
        let after = gallop(0, self.n_blocks(), key + 1, first_key); // keys are below 2^42
        Ok(after.checked_sub(1))
    }

    /// The entries of dictionary block `i`.
    pub(super) fn block(&self, i: usize) -> io::Result<Vec<TermEntry>> {
        let mut entries = Vec::new();
        self.visit_block(i, |entry| {
            entries.push(entry);
            true
        })?;
        Ok(entries)
    }

    /// Hands the entries of dictionary block `i` to `visit` in key order, until it returns
    /// false.
    pub(super) fn visit_block(
        &self,
        i: usize,
        mut visit: impl FnMut(TermEntry) -> bool,
    ) -> io::Result<()> {
        let (index, dict) = (self.section(&self.index)?, self.section(&self.dict)?);
        let field = |i: usize, k: usize| read_u64(index, i * BLOCK_RECORD_LEN + 8 * k);
        let dict_end = if i + 1 < self.n_blocks() {
            field(i + 1, 1)
        } else {
            Some(dict.len() as u64)
        };
        let (Some(mut key), Some(dict_at), Some(mut list_at), Some(dict_end)) =
            (field(i, 0), field(i, 1), field(i, 2), dict_end)
        else {
            return Err(invalid("dictionary block out of bounds"));
        };
        let bytes = dict.get(dict_at as usize..dict_end as usize);
        let bytes = bytes.ok_or_else(|| invalid("dictionary block out of bounds"))?;
        let mut at = 0;
        while at < bytes.len() {
            let delta = read_varint(bytes, &mut at)?;
            let count = u32::try_from(read_varint(bytes, &mut at)?)
                .ok()
                .filter(|&n| n > 0);
            let len = read_varint(bytes, &mut at)?;
            let list_end = list_at
                .checked_add(len)
                .filter(|&end| end <= self.postings.len() as u64);
            let (Some(next_key), Some(count), Some(list_end)) =
                (key.checked_add(delta), count, list_end)
            else {
                return Err(invalid("damaged dictionary entry"));
            };
            let postings =
                self.postings.start + list_at as usize..self.postings.start + list_end as usize;
            let more = visit(TermEntry {
                key: next_key,
                count,
                postings,
            });
            if !more {
                break;
            }
            (key, list_at) = (next_key, list_end);
        }
        Ok(())
    }

    pub(super) fn lookup(&self, key: u64) -> io::Result<Option<TermEntry>> {
        let Some(block) = self.block_at_or_before(key)? else {
            return Ok(None);
        };
        let mut found = None;
        self.visit_block(block, |entry| {
            if entry.key >= key {
                found = Some(entry).filter(|entry| entry.key == key);
                return false;
            }
            true
        })?;
        Ok(found)
    }

    /// The bytes of `entry`'s lists.
    pub(super) fn parts(&self, entry: &TermEntry) -> io::Result<TermBytes<'_>> {
        let bytes = self.bytes.as_ref().get(entry.postings.clone());
        let bytes = bytes.ok_or_else(|| invalid("position list out of bounds"))?;
        if entry.count < self.lists_from || is_last_char(entry.key) {
            let positions = bytes;
            return Ok(TermBytes {
                list: None,
                positions,
            });
        }
        let mut at = 0;
        let (n, len) = (read_varint(bytes, &mut at)?, read_varint(bytes, &mut at)?);
        let end = (at as u64)
            .checked_add(len)
            .filter(|&end| end <= bytes.len() as u64);
        let valid = (1..=u64::from(entry.count).min(self.n_paragraphs as u64)).contains(&n);
        let (Some(end), true) = (end, valid) else {
            return Err(invalid("damaged paragraph list"));
        };
        let (list, positions) = bytes[at..].split_at(end as usize - at);
        Ok(TermBytes {
            list: Some((n as usize, list)),
            positions,
        })
    }

    /// Appends the positions of `entry` to `out`, checking that they ascend within the
    /// segment.
    pub(super) fn decode(&self, entry: &TermEntry, out: &mut Vec<u32>) -> io::Result<()> {
        let bytes = self.parts(entry)?.positions;
        let mut at = 0;
        decode_sorted(bytes, &mut at, entry.count as usize, self.n_positions, out)
            .ok()
            .filter(|_| at == bytes.len())
            .ok_or_else(|| invalid("damaged position list"))
    }

    /// The paragraph list of `entry`, if it has one: ascending paragraph indexes and the
    /// occurrences of the term in each.
    pub(super) fn paragraph_list(
        &self,
        entry: &TermEntry,
    ) -> io::Result<Option<(Vec<u32>, Vec<u32>)>> {
        let Some((n, bytes)) = self.parts(entry)?.list else {
            return Ok(None);
        };
        let (mut paras, mut counts, mut at) = (Vec::new(), Vec::new(), 0);
        let bound = self.n_paragraphs as u32; // a u32 in the header
        let decoded = decode_sorted(bytes, &mut at, n, bound, &mut paras)
            .and_then(|()| decode_small(bytes, &mut at, n, &mut counts));
        // Stored minus one; they add up to the positions.
        let total: u64 = counts.iter().map(|&c| u64::from(c) + 1).sum();
        if decoded.is_err() || at != bytes.len() || total != u64::from(entry.count) {
            return Err(invalid("damaged paragraph list"));
        }
        counts.iter_mut().for_each(|c| *c += 1);
        Ok(Some((paras, counts)))
    }
}

/// Asks the processor to load the cache line of `bytes[at]` (nothing past the end). A hint:
/// it changes no value and never faults.
#[inline(always)]
fn prefetch(bytes: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(byte) = bytes.get(at) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch reads nothing and writes nothing; the address is in bounds.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((byte as *const u8).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (bytes, at);
}
