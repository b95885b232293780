//! An exact-match index of character bigrams with positions, built and read outside tantivy.
//!
//! A *segment* indexes a batch of paragraphs from several files. Each paragraph is a sequence
//! of normalized chars (white space already removed by the caller). Every char starts exactly
//! one *term*: the bigram of it and the next char, or, for the last char of a paragraph, the
//! char alone. A term's key is `(first as u64) << 21 | second`, with `0x1F_FFFF` (not a char)
//! as the second half of a last-char term, so all terms starting with `c` fill the key range
//! `c << 21 ..= c << 21 | 0x1F_FFFF`. Positions are global in the segment: paragraph `k`
//! starts at `start[k]`, with `start[0] = 0` and `start[k + 1] = start[k] + n_k + 1`; the one
//! unused position between paragraphs means no chain of bigrams crosses a paragraph boundary.
//!
//! [`BigramBuilder`] collects paragraphs and writes the segment file (`build`); [`BigramSegment`]
//! opens it from a `Vec<u8>` or a memory map and reads its tables and lists (`segment`), and
//! finds exact phrases with the number of occurrences per paragraph (`find`); `codec` holds
//! the list codes. This module knows nothing of ranking, snippets or white space.
//!
//! # File format (integers little-endian)
//!
//! | section | bytes | content |
//! |---|---|---|
//! | header | 48 | `b"ZCBG"`, version, then the counts `files`, `paragraphs`, `positions`, `terms`, `blocks` and `lists_from` (see below), as u32; then `postings_len` and `dict_len` as u64 |
//! | files | 12 × files | per file in insertion order: `file_no`, index of its first paragraph in the segment, `first_para` (that paragraph's number in the file), as u32 |
//! | starts | 4 × (paragraphs + 1) | `start[k]` as u32; the last entry equals `positions` |
//! | postings | `postings_len` | the lists of every term, in key order |
//! | block index | 24 × blocks | per dictionary block: its first key, its byte offset in the dictionary and that of its first list in the postings, as u64 |
//! | dictionary | `dict_len` | blocks of 64 terms; per term three LEB128 varints: key minus the previous key (the block's first key for its first term), number of positions, byte length of its lists |
//! | word starts | 8 × ⌈positions / 64⌉ | a bit per position (bit `p & 63` of u64 `p >> 6`): whether a word starts there; every gap is set, so a word ends where the next starts |
//! | paragraph info | 8 × paragraphs | per paragraph a [`ParagraphInfo`]: a 30-bit hash of its chars (copies share it) and its kind as u32, then its length in chars as u32 (what a look-up scores by, beside the hash and kind: one read instead of two) |
//! | Traditional | 8 × ⌈paragraphs / 64⌉ | a bit per paragraph: whether it is Traditional (see [`crate::analysis::distinct`]) |
//! | classes | 4 + 5 × n | `n` as u32, then `n` ascending positions as u32 and `n` class bytes: in Traditional paragraphs, where a distinct group's character stands in another class than its group's first |
//!
//! The sections follow each other in this order and end exactly at the end of the file.
//! The last two let a look-up with [`WordCheck::rules`] tell 乾 from 干 in Traditional text,
//! which N folds together.
//! Word starts are where jieba starts a word in N(text), letters and numbers kept whole (see
//! [`crate::analysis::word_starts`]): a look-up can tell an occurrence that is a word, or
//! words, from one that cuts into a word (税收 inside 非税收入). A
//! term's lists are its position list, preceded for a bigram with at least `lists_from`
//! positions by its *paragraph list*. A list of ascending numbers stores deltas, the first
//! from 0: each full run of 128 is a byte of bit width then a `BitPacker4x::compress_sorted`
//! block whose initial value is the number before the run; the rest (fewer than 128) are
//! LEB128 varints. A term with one position thus takes one varint. A paragraph list is the
//! number of paragraphs and the byte length of the rest as varints, the paragraphs' indexes
//! in the segment as an ascending list, then the term's occurrences in each minus one: full
//! runs of 128 as a width byte and a `BitPacker4x::compress` block (width 0 when all are 0),
//! the rest as varints. Every read is bounds-checked: damaged bytes give an
//! [`io::ErrorKind::InvalidData`] error, never a panic, and allocations are capped by the
//! bytes that back them.

use std::io;
use std::ops::Range;
use std::sync::OnceLock;

use bitpacking::{BitPacker, BitPacker4x};

mod build;
mod codec;
mod find;
mod segment;
#[cfg(test)]
mod tests;

pub use build::BigramBuilder;

/// A paragraph's kind as the exact index records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParagraphKindCode {
    /// Body text.
    Body = 0,
    /// A heading (also an article label alone on its line).
    Heading = 1,
    /// A header field or front-matter line.
    Metadata = 2,
    /// A body paragraph that is a table row (`│…│`, `| … |`).
    TableRow = 3,
}

/// How a look-up judges a phrase's occurrences against the segment's word starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordCheck {
    /// The phrase's length in chars.
    pub len: u32,
    /// An occurrence counts only if a word starts where it starts (a term that begins with a
    /// letter or a digit: `ai` is not found in `air`).
    pub strict_start: bool,
    /// An occurrence counts only if a word starts right after it (a term that ends with a
    /// letter or a numeral: 百分之五 is not found in 百分之五十).
    pub strict_end: bool,
    /// Characters of a Traditional query that must stand in their own class in a Traditional
    /// paragraph ([`crate::analysis::distinct`]): 乾 does not match 干涉 there.
    pub rules: Option<std::sync::Arc<[crate::analysis::distinct::CharRule]>>,
}

/// What the exact index keeps of each paragraph besides its positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParagraphInfo {
    /// A 30-bit hash of its chars: paragraphs with the same normalized text share it (and
    /// their length); different texts share it rarely.
    pub hash: u32,
    /// Its kind.
    pub kind: ParagraphKindCode,
    /// Its length in chars (that of its bounds).
    pub len: u32,
}

impl ParagraphInfo {
    /// The packed info of a paragraph of `chars` and `kind`: the hash in the high 30 bits,
    /// the kind in the low 2.
    pub(super) fn pack(chars: &[char], kind: ParagraphKindCode) -> u32 {
        let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ chars.len() as u64;
        for &c in chars {
            h = (h ^ u64::from(c)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^= h >> 29;
        }
        h = (h ^ (h >> 32)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        ((h >> 34) as u32) << 2 | kind as u32
    }

    /// Unpacks [`Self::pack`]'s value, with the paragraph's length `len`.
    pub fn unpack(value: u32, len: u32) -> ParagraphInfo {
        ParagraphInfo {
            len,
            hash: value >> 2,
            kind: match value & 3 {
                1 => ParagraphKindCode::Heading,
                2 => ParagraphKindCode::Metadata,
                3 => ParagraphKindCode::TableRow,
                _ => ParagraphKindCode::Body,
            },
        }
    }
}

/// The first four bytes of every segment file.
pub const MAGIC: &[u8; 4] = b"ZCBG";
/// The version of the file format this module writes and reads.
pub const FORMAT_VERSION: u32 = 5;

const HEADER_LEN: usize = 48;
const FILE_RECORD_LEN: usize = 12;
const BLOCK_RECORD_LEN: usize = 24;
const TERMS_PER_BLOCK: u32 = 64;
const PACKED_LEN: usize = BitPacker4x::BLOCK_LEN;
/// The smallest packed run: its width byte and 128 deltas of at least one bit.
const MIN_PACKED_BYTES: usize = 1 + PACKED_LEN / 8;
/// The second half of a last-char term's key.
const END_MARK: u32 = 0x1F_FFFF;
/// Positions per bucket of the paragraph table ([`BigramSegment::buckets`]) as a power of
/// two: 512 positions, about 14 paragraphs of the real corpus.
const BUCKET_SHIFT: u32 = 9;
/// Look-ups with at least this many matches map them to paragraphs through the bucket table.
const BUCKETS_FROM: usize = 1024;
/// Paragraphs of a bucket up to which a match's paragraph is found by counting, not by search.
const COUNT_MAX: usize = 16;
/// Marks the gap position after each paragraph in the builder's text.
const GAP: u32 = u32::MAX;
/// A bigram with at least this many positions in a segment also lists its paragraphs (see
/// the file format): a look-up of a common word then needs no search for the paragraph of
/// each match.
pub const LISTS_FROM: u32 = 1024;

fn term_key(first: u32, second: u32) -> u64 {
    u64::from(first) << 21 | u64::from(second)
}

#[derive(Clone, Copy, Debug)]
struct FileRecord {
    file_no: u32,
    /// Index in the segment of the file's first paragraph.
    first_index: u32,
    /// Number of that paragraph in the file.
    first_para: u32,
}

/// The bucket table of a segment of `paragraphs` and `positions` whose paragraph `k`
/// starts at `start_of(k)` (the position count for `k == paragraphs`): entry `b` is the paragraph holding position `b << BUCKET_SHIFT`
/// (the last one starting at or before it), with one entry past the last position.
fn buckets(paragraphs: usize, positions: u32, start_of: impl Fn(usize) -> Option<u32>) -> Vec<u32> {
    let n = (positions >> BUCKET_SHIFT) as usize + 2;
    let mut table = Vec::with_capacity(n);
    let mut k = 0;
    for b in 0..n {
        let position = (b as u64) << BUCKET_SHIFT;
        while k < paragraphs && start_of(k + 1).is_some_and(|s| u64::from(s) <= position) {
            k += 1;
        }
        table.push(k as u32);
    }
    table
}

/// The start and length of paragraph `index` in the paragraph table `starts`. Only a damaged
/// caller passes an index past the table; it gets an empty span.
fn paragraph_bounds(starts: &[u8], index: u32) -> (u32, u32) {
    let start_of = |k: usize| read_u32(starts, 4 * k).unwrap_or(0);
    let (from, to) = (start_of(index as usize), start_of(index as usize + 1));
    (from, to.saturating_sub(from.saturating_add(1)))
}

/// Whether `key` is a last-char term (no second char).
fn is_last_char(key: u64) -> bool {
    key & u64::from(END_MARK) == u64::from(END_MARK)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("bigram segment: {what}"),
    )
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*bytes.get(at..)?.first_chunk()?))
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(*bytes.get(at..)?.first_chunk()?))
}

/// A paragraph that contains a phrase, with the number of occurrences in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The file, as passed to [`BigramBuilder::begin_file`].
    pub file_no: u32,
    /// The paragraph's number in its file (counted from the file's `first_para`).
    pub para: u32,
    /// Occurrences of the phrase in the paragraph, overlapping ones included (those a
    /// [`WordCheck`] lets count).
    pub count: u32,
    /// Of `count`, the occurrences that begin where a word starts and end where one starts
    /// (all of them when the look-up checks no words).
    pub whole: u32,
    /// The paragraph's length in chars (for ranking).
    pub len: u32,
    /// The paragraph's index in the segment (for the `within` of [`BigramSegment::find_each`]).
    pub index: u32,
    /// The position of the paragraph's first char in the segment: with `len`, its bounds, so
    /// that a look-up `within` it needs no search for them.
    pub start: u32,
}

/// `start` and `len` of a [`Hit`] whose bounds were not read (see
/// [`BigramSegment::find_each_unbounded`]).
pub const UNKNOWN: u32 = u32::MAX;

/// Sizes of an open segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Files recorded, those without paragraphs included.
    pub files: usize,
    /// Paragraphs, empty ones included.
    pub paragraphs: usize,
    /// Distinct terms (bigrams and last chars).
    pub terms: u64,
    /// Indexed positions: one per char, which is also the number of list entries.
    pub positions: u64,
    /// Bytes of the block index and the dictionary.
    pub dictionary_bytes: u64,
    /// Bytes of the position lists.
    pub postings_bytes: u64,
    /// Bytes of the header, the files table and the paragraph starts.
    pub table_bytes: u64,
}

/// The bytes of a term's lists in the postings.
struct TermBytes<'a> {
    /// The paragraph list, if the term has one: its number of paragraphs and its bytes.
    list: Option<(usize, &'a [u8])>,
    /// The position list.
    positions: &'a [u8],
}

/// One term's dictionary entry: its key, number of positions and list bytes in the file.
#[derive(Clone, Debug)]
struct TermEntry {
    key: u64,
    count: u32,
    postings: Range<usize>,
}

/// A read-only segment file, over any bytes (a `Vec<u8>` or a memory map).
pub struct BigramSegment<B: AsRef<[u8]>> {
    bytes: B,
    starts: Range<usize>,
    postings: Range<usize>,
    index: Range<usize>,
    dict: Range<usize>,
    words: Range<usize>,
    infos: Range<usize>,
    traditional: Range<usize>,
    /// The class table's positions (u32 each) and classes (a byte each).
    class_positions: Range<usize>,
    class_codes: Range<usize>,
    files: Vec<FileRecord>,
    n_paragraphs: usize,
    n_positions: u32,
    n_terms: u32,
    /// Bigrams with at least this many positions list their paragraphs.
    lists_from: u32,
    /// Per bucket of [`BUCKET_SHIFT`] positions, the paragraph holding its first position;
    /// built on the first look-up with many matches.
    buckets: OnceLock<Vec<u32>>,
    /// `(file_no, index in files)` sorted, built on the first [`Self::index_of`].
    files_by_no: OnceLock<Vec<(u32, u32)>>,
}
