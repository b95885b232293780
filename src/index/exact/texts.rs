//! The original text, section path and source lines of every paragraph of a bigram segment,
//! compressed with zstd in small blocks against a dictionary trained on the segment itself.
//!
//! A hit shows its paragraph's text, so the store is read once per hit, at random. Small
//! blocks keep that cheap (a hit decompresses about 1 KB); a dictionary trained on the
//! segment's own text gives them much of the ratio of large blocks. On the real corpus this
//! stores text and section paths in 0.45× the corpus bytes (2 KB blocks: 0.41×, 4 KB: 0.38×,
//! but phrase queries then spend a fifth to a third of their time decompressing), against
//! 0.65× for text and paths in tantivy's LZ4 store in 16 KB blocks.
//!
//! # File format (version 2, integers little-endian)
//!
//! | section | bytes | content |
//! |---|---|---|
//! | header | 32 | `b"ZCTX"`, version, `paragraphs`, `blocks`, `dict_len`, the largest block's size before compression, as u32; then the xxh3 of the header's first 24 bytes and the block table, as u64 |
//! | dictionary | `dict_len` | a zstd dictionary, or nothing (then the blocks use none) |
//! | blocks | … | one zstd frame per block, with its content checksum |
//! | block table | 12 × (blocks + 1) | per block its first paragraph (u32) and the offset of its frame in the file (u64); a last entry with `paragraphs` and the end of the frames |
//!
//! A block holds consecutive paragraphs. Its bytes are LEB128 numbers, then UTF-8 strings:
//! the number of distinct section paths in the block, the byte length of each (its headings
//! joined with [`SECTION_SEP`]); per paragraph the index of its path in that list, its
//! text's byte length, its first source line as the zigzag-coded difference from the last
//! line of the paragraph before it in the block (from 0 for the first), and its number of
//! lines after the first; then the paths and the texts, one after the other. A path is thus
//! stored once a block, not once a paragraph, and a line number mostly takes a byte (1.5 MB
//! for the real corpus, where two tantivy columns took 3.6 MB). The table ascends and ends at
//! the start of the table itself.
//! The header's hash covers the table, which is checked when the store is opened; a damaged
//! frame or dictionary fails the frame's checksum; every read is bounds-checked. Damage is an
//! [`io::ErrorKind::InvalidData`] error, never a panic or a wrong text.

use std::io;
use std::ops::Range;
use std::sync::Mutex;

use super::varint::{put_varint, read_varint};
use crate::index::schema::SECTION_SEP;

/// The first four bytes of every text store.
pub const MAGIC: &[u8; 4] = b"ZCTX";
/// The version of the format this module writes and reads.
pub const FORMAT_VERSION: u32 = 2;

const HEADER_LEN: usize = 32;
/// The header's bytes covered by its hash.
const HASHED_HEADER: usize = 24;
const TABLE_RECORD_LEN: usize = 12;
/// A block is closed once it holds this many bytes of text: the size a hit decompresses.
const BLOCK_BYTES: usize = 1024;
/// Decompression contexts a store keeps for the threads reading it.
const READERS_KEPT: usize = 8;
/// The dictionary's largest size.
const DICT_BYTES: usize = 64 << 10;
/// About this many bytes of blocks, spread over the segment, train the dictionary.
const SAMPLE_BYTES: usize = 512 << 10;
/// Below this many bytes of text, no dictionary: it would cost more than it saves.
const MIN_DICT_TEXT: usize = 256 << 10;
/// zstd's compression level.
const LEVEL: i32 = 3;

/// Collects the paragraph texts of one segment, in segment order.
#[derive(Debug, Default)]
pub struct TextsBuilder {
    /// Raw (uncompressed) closed blocks, and the first paragraph of each.
    blocks: Vec<(u32, Vec<u8>)>,
    /// The open block: its distinct section paths, and per paragraph the index of its path,
    /// its text and its first and last line.
    paths: Vec<String>,
    entries: Vec<(u32, Range<usize>, [u32; 2])>,
    texts: Vec<u8>,
    /// The joined path of the last paragraph added.
    path: String,
    first: u32,
    paragraphs: u32,
    text_bytes: usize,
}

impl TextsBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next paragraph: its text, the headings that enclose it (outermost first) and
    /// its first and last source line.
    pub fn add(&mut self, text: &str, section: &[String], lines: [u32; 2]) {
        debug_assert!(lines[0] <= lines[1], "lines {lines:?}");
        self.path.clear();
        for (i, heading) in section.iter().enumerate() {
            if i > 0 {
                self.path.push(SECTION_SEP);
            }
            self.path.push_str(heading);
        }
        let path = match self.paths.iter().rposition(|p| *p == self.path) {
            Some(at) => at,
            None => {
                self.paths.push(self.path.clone());
                self.paths.len() - 1
            }
        };
        let start = self.texts.len();
        self.texts.extend_from_slice(text.as_bytes());
        self.entries
            .push((path as u32, start..self.texts.len(), lines));
        self.paragraphs += 1;
        self.text_bytes += text.len();
        if self.texts.len() >= BLOCK_BYTES {
            self.close_block();
        }
    }

    fn close_block(&mut self) {
        if self.paragraphs == self.first {
            return;
        }
        let paths_len: usize = self.paths.iter().map(String::len).sum();
        let mut raw = Vec::with_capacity(5 * self.entries.len() + paths_len + self.texts.len());
        put_varint(&mut raw, self.paths.len() as u64);
        for path in &self.paths {
            put_varint(&mut raw, path.len() as u64);
        }
        let mut last_line = 0;
        for (path, text, [first, last]) in &self.entries {
            put_varint(&mut raw, u64::from(*path));
            put_varint(&mut raw, text.len() as u64);
            put_varint(&mut raw, zigzag(i64::from(*first) - i64::from(last_line)));
            put_varint(&mut raw, u64::from(last.saturating_sub(*first)));
            last_line = *last.max(first);
        }
        for path in self.paths.drain(..) {
            raw.extend_from_slice(path.as_bytes());
        }
        raw.append(&mut self.texts);
        self.entries.clear();
        self.blocks.push((self.first, raw));
        self.first = self.paragraphs;
    }

    /// Compresses the blocks and encodes the store.
    pub fn finish(mut self) -> io::Result<Vec<u8>> {
        self.close_block();
        let dict = if self.text_bytes >= MIN_DICT_TEXT {
            train(&self.blocks)?
        } else {
            Vec::new()
        };
        let mut compressor = zstd::bulk::Compressor::with_dictionary(LEVEL, &dict)?;
        compressor.include_checksum(true)?;
        let largest = self.blocks.iter().map(|(_, raw)| raw.len()).max();
        let largest =
            u32::try_from(largest.unwrap_or(0)).map_err(|_| invalid("a block of 4 GB or more"))?;
        // Text compresses to 0.4-0.5 of its bytes: room enough that `out` does not grow.
        let room = HEADER_LEN + dict.len() + self.text_bytes / 2 + 12 * (self.blocks.len() + 1);
        let mut out = Vec::with_capacity(room);
        out.extend_from_slice(MAGIC);
        for field in [
            FORMAT_VERSION,
            self.paragraphs,
            self.blocks.len() as u32,
            dict.len() as u32,
            largest,
        ] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.extend_from_slice(&0u64.to_le_bytes()); // the hash, once the table is known
        out.extend_from_slice(&dict);
        let mut table = Vec::with_capacity(TABLE_RECORD_LEN * (self.blocks.len() + 1));
        for (first, raw) in &self.blocks {
            table.extend_from_slice(&first.to_le_bytes());
            table.extend_from_slice(&(out.len() as u64).to_le_bytes());
            out.extend_from_slice(&compressor.compress(raw)?);
        }
        table.extend_from_slice(&self.paragraphs.to_le_bytes());
        table.extend_from_slice(&(out.len() as u64).to_le_bytes());
        out.extend_from_slice(&table);
        let hash = table_hash(&out[..HASHED_HEADER], &table);
        out[HASHED_HEADER..HEADER_LEN].copy_from_slice(&hash.to_le_bytes());
        Ok(out)
    }
}

/// `n` with its sign in the lowest bit, so that small negative numbers stay small.
fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    (n >> 1) as i64 ^ -((n & 1) as i64)
}

/// A dictionary trained on blocks spread evenly over the segment.
fn train(blocks: &[(u32, Vec<u8>)]) -> io::Result<Vec<u8>> {
    let total: usize = blocks.iter().map(|(_, raw)| raw.len()).sum();
    let step = (total / SAMPLE_BYTES).max(1);
    let mut sample = Vec::with_capacity(SAMPLE_BYTES * 2);
    let mut sizes = Vec::new();
    for (_, raw) in blocks.iter().step_by(step) {
        sample.extend_from_slice(raw);
        sizes.push(raw.len());
    }
    // Training fails on text too uniform to learn from; the blocks then go without.
    Ok(zstd::dict::from_continuous(&sample, &sizes, DICT_BYTES).unwrap_or_default())
}

fn table_hash(header: &[u8], table: &[u8]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(header);
    hasher.update(table);
    hasher.digest()
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("text store: {what}"))
}

/// A read-only text store, over any bytes (a `Vec<u8>` or a memory map).
pub struct TextStore<B: AsRef<[u8]>> {
    bytes: B,
    paragraphs: u32,
    /// The largest block's size before compression.
    largest: usize,
    dict: Range<usize>,
    table: Range<usize>,
    /// Decompression contexts with the dictionary loaded, made on first use (one per thread
    /// reading at once, at most [`READERS_KEPT`] kept), each with the last block it read: a
    /// search's hits are often neighbours.
    readers: Mutex<Vec<Reader>>,
}

struct Reader {
    context: zstd::bulk::Decompressor<'static>,
    block: usize,
    raw: Vec<u8>,
}

impl<B: AsRef<[u8]>> TextStore<B> {
    /// Opens a store: checks the header and that the table's ends agree with it (the rest is
    /// checked as blocks are read).
    pub fn open(bytes: B) -> io::Result<Self> {
        let data = bytes.as_ref();
        let header = data
            .get(..HEADER_LEN)
            .ok_or_else(|| invalid("shorter than its header"))?;
        let field = |i: usize| {
            u32::from_le_bytes(header[4 + 4 * i..8 + 4 * i].try_into().unwrap_or_default())
        };
        if !header.starts_with(MAGIC) || field(0) != FORMAT_VERSION {
            return Err(invalid("bad magic or unknown version"));
        }
        let (paragraphs, blocks, dict_len) = (field(1), field(2) as usize, field(3) as usize);
        let largest = field(4) as usize;
        let dict = HEADER_LEN..HEADER_LEN + dict_len;
        let table_len = (blocks + 1) * TABLE_RECORD_LEN;
        let table_start = data
            .len()
            .checked_sub(table_len)
            .filter(|&start| start >= dict.end)
            .ok_or_else(|| invalid("block table past the end of the file"))?;
        let stored = u64::from_le_bytes(header[HASHED_HEADER..].try_into().unwrap_or_default());
        if table_hash(&header[..HASHED_HEADER], &data[table_start..]) != stored {
            return Err(invalid("checksum mismatch in the header or block table"));
        }
        let store = TextStore {
            bytes,
            paragraphs,
            largest,
            dict,
            table: table_start..table_start + table_len,
            readers: Mutex::new(Vec::new()),
        };
        let (first, first_offset) = store.record(0)?;
        let (last, last_offset) = store.record(blocks)?;
        if first != 0 || first_offset != store.dict.end as u64 {
            return Err(invalid("the first block is not at the start"));
        }
        if last != paragraphs || last_offset != table_start as u64 {
            return Err(invalid("the block table does not end at the table"));
        }
        Ok(store)
    }

    /// Number of paragraphs.
    pub fn paragraphs(&self) -> u32 {
        self.paragraphs
    }

    fn blocks(&self) -> usize {
        self.table.len() / TABLE_RECORD_LEN - 1
    }

    /// Entry `i` of the block table: first paragraph, frame offset.
    fn record(&self, i: usize) -> io::Result<(u32, u64)> {
        let at = self.table.start + i * TABLE_RECORD_LEN;
        let bytes = self
            .bytes
            .as_ref()
            .get(at..at + TABLE_RECORD_LEN)
            .ok_or_else(|| invalid("block table out of bounds"))?;
        let first = u32::from_le_bytes(bytes[..4].try_into().unwrap_or_default());
        let offset = u64::from_le_bytes(bytes[4..].try_into().unwrap_or_default());
        Ok((first, offset))
    }

    /// The text, section path and lines of paragraph `k` (0-based in the segment).
    pub fn get(&self, k: u32) -> io::Result<Stored> {
        if k >= self.paragraphs {
            return Err(invalid("paragraph out of range"));
        }
        // The last block whose first paragraph is at most `k`.
        let (mut low, mut high) = (0, self.blocks());
        while high - low > 1 {
            let mid = (low + high) / 2;
            if self.record(mid)?.0 <= k {
                low = mid;
            } else {
                high = mid;
            }
        }
        let (first, start) = self.record(low)?;
        let (end_para, end) = self.record(low + 1)?;
        if first > k || k >= end_para || start > end {
            return Err(invalid("block table out of order"));
        }
        let frame = self
            .bytes
            .as_ref()
            .get(start as usize..end as usize)
            .ok_or_else(|| invalid("block out of bounds"))?;
        // A context of the pool, the one holding this block if one does, or a new one.
        let kept = || self.readers.lock().unwrap_or_else(|e| e.into_inner());
        let taken = {
            let mut readers = kept();
            match readers.iter().position(|r| r.block == low) {
                Some(i) => Some(readers.swap_remove(i)),
                None => readers.pop(),
            }
        };
        let mut r = match taken {
            Some(r) => r,
            None => Reader {
                context: zstd::bulk::Decompressor::with_dictionary(
                    &self.bytes.as_ref()[self.dict.clone()],
                )?,
                block: usize::MAX,
                raw: Vec::new(),
            },
        };
        if r.block != low {
            r.block = usize::MAX; // until the block is read whole
            decompress(&mut r.context, frame, self.largest, &mut r.raw)?;
            r.block = low;
        }
        let found = paragraph(&r.raw, (end_para - first) as usize, (k - first) as usize);
        let mut readers = kept();
        if readers.len() < READERS_KEPT {
            readers.push(r);
        }
        drop(readers);
        found.ok_or_else(|| invalid("damaged block"))
    }
}

/// Decompresses one block of at most `largest` bytes into `out`.
fn decompress(
    context: &mut zstd::bulk::Decompressor<'static>,
    frame: &[u8],
    largest: usize,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    let capacity = zstd::bulk::Decompressor::upper_bound(frame)
        .filter(|&n| n <= largest)
        .ok_or_else(|| invalid("damaged block header"))?;
    out.clear();
    out.reserve(capacity);
    context
        .decompress_to_buffer(frame, out)
        .map_err(|e| invalid(&format!("damaged block ({e})")))?;
    Ok(())
}

/// A paragraph as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The original text.
    pub text: String,
    /// The enclosing headings, outermost first.
    pub section: Vec<String>,
    /// The first and last source line, 1-based and inclusive.
    pub lines: [u32; 2],
}

/// Paragraph `index` of a block of `count` paragraphs.
fn paragraph(raw: &[u8], count: usize, index: usize) -> Option<Stored> {
    let mut at = 0;
    let n_paths = read_varint(raw, &mut at).ok()? as usize;
    let mut path_lens = Vec::with_capacity(n_paths.min(count));
    for _ in 0..n_paths {
        path_lens.push(read_varint(raw, &mut at).ok()? as usize);
    }
    let (mut text_from, mut text_len, mut path) = (0usize, 0usize, 0usize);
    let (mut last_line, mut lines) = (0u32, [0u32; 2]);
    for i in 0..count {
        let p = read_varint(raw, &mut at).ok()? as usize;
        let n = read_varint(raw, &mut at).ok()? as usize;
        let step = unzigzag(read_varint(raw, &mut at).ok()?);
        let span = u32::try_from(read_varint(raw, &mut at).ok()?).ok()?;
        let first = u32::try_from(i64::from(last_line).checked_add(step)?).ok()?;
        let last = first.checked_add(span)?;
        last_line = last;
        if i < index {
            text_from = text_from.checked_add(n)?;
        } else if i == index {
            (text_len, path, lines) = (n, p, [first, last]);
        }
    }
    let paths_start = at;
    let texts_start = paths_start.checked_add(
        path_lens
            .iter()
            .try_fold(0usize, |a, &n| a.checked_add(n))?,
    )?;
    let path_from = paths_start.checked_add(path_lens.get(..path)?.iter().sum())?;
    let path = raw.get(path_from..path_from.checked_add(*path_lens.get(path)?)?)?;
    let from = texts_start.checked_add(text_from)?;
    let text = raw.get(from..from.checked_add(text_len)?)?;
    let path = std::str::from_utf8(path).ok()?;
    Some(Stored {
        lines,
        text: String::from_utf8(text.to_vec()).ok()?,
        section: if path.is_empty() {
            Vec::new()
        } else {
            path.split(SECTION_SEP).map(str::to_string).collect()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(paragraphs: &[Stored]) -> Vec<u8> {
        let mut b = TextsBuilder::new();
        for p in paragraphs {
            b.add(&p.text, &p.section, p.lines);
        }
        b.finish().unwrap()
    }

    fn store(paragraphs: &[Stored]) -> TextStore<Vec<u8>> {
        TextStore::open(build(paragraphs)).unwrap()
    }

    fn sample(n: usize) -> Vec<Stored> {
        (0..n)
            .map(|i| Stored {
                text: match i % 5 {
                    0 => String::new(),
                    1 => format!("第{i}条 为了规范数据处理活动，保障数据安全，制定本法。"),
                    2 if i == 2 => "大".repeat(200_000),
                    2 => "長".repeat(i % 3000),
                    3 => format!("（{i}）公司登记管理条例 {}", "x".repeat(i % 7)),
                    _ => format!("{i}"),
                },
                // Lines that go up, and now and then back to the start of a new file.
                lines: match i % 11 {
                    0 => [1, 1],
                    k => [3 * i as u32 + 1, 3 * i as u32 + 1 + k as u32 % 4],
                },
                section: match i % 7 {
                    0 | 1 => Vec::new(),
                    2 => vec![format!("第{}章", i / 50)],
                    _ => vec![
                        format!("第{}章", i / 50),
                        format!("第{}条", i / 3),
                        "（一）".into(),
                    ],
                },
            })
            .collect()
    }

    #[test]
    fn every_paragraph_reads_back_with_and_without_a_dictionary() {
        for n in [0, 1, 7, 3000] {
            let texts = sample(n);
            let s = store(&texts);
            assert_eq!(s.paragraphs() as usize, n);
            for (k, t) in texts.iter().enumerate() {
                assert_eq!(&s.get(k as u32).unwrap(), t, "paragraph {k} of {n}");
            }
            assert!(s.get(n as u32).is_err());
        }
        // 3000 paragraphs make about 1.5 MB: enough to train a dictionary.
        let big = store(&sample(3000));
        assert!(!big.dict.is_empty());
        assert!(store(&sample(7)).dict.is_empty());
    }

    #[test]
    fn threads_reading_at_once_each_get_their_paragraphs() {
        let texts = sample(3000);
        let s = store(&texts);
        std::thread::scope(|scope| {
            for t in 0..4usize {
                let (s, texts) = (&s, &texts);
                scope.spawn(move || {
                    // Each thread jumps across blocks in its own order.
                    for i in 0..texts.len() {
                        let k = (i * 7919 + t * 31) % texts.len();
                        assert_eq!(&s.get(k as u32).unwrap(), &texts[k], "thread {t}");
                    }
                });
            }
        });
        let kept = s.readers.lock().unwrap().len();
        assert!((1..=READERS_KEPT).contains(&kept), "{kept} contexts kept");
    }

    #[test]
    fn lines_read_back_across_jumps_both_ways() {
        let lines = [
            [7, 9],
            [10, 10],
            [1, 3],
            [4_000_000_000, u32::MAX],
            [2, 2],
            [2, 5],
        ];
        let texts: Vec<Stored> = lines
            .iter()
            .map(|&lines| Stored {
                text: "条".into(),
                section: Vec::new(),
                lines,
            })
            .collect();
        let s = store(&texts);
        for (k, t) in texts.iter().enumerate() {
            assert_eq!(s.get(k as u32).unwrap().lines, t.lines);
        }
    }

    #[test]
    fn damaged_stores_give_errors_never_panics() {
        let texts = sample(400);
        let bytes = build(&texts);
        for cut in [0, 3, HEADER_LEN, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                TextStore::open(bytes[..cut].to_vec()).is_err(),
                "cut at {cut}"
            );
        }
        // Flip one byte at a time over the file: every read either fails or is right.
        let mut wrong_reads = 0;
        for at in (0..bytes.len()).step_by(97) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x5A;
            let Ok(s) = TextStore::open(damaged) else {
                continue;
            };
            for k in (0..texts.len() as u32).step_by(13) {
                if let Ok(read) = s.get(k) {
                    if read != texts[k as usize] {
                        wrong_reads += 1;
                    }
                }
            }
        }
        assert_eq!(wrong_reads, 0);
    }
}
