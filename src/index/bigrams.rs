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
//! [`BigramBuilder`] collects paragraphs and writes the segment file; [`BigramSegment`] opens
//! it (from a `Vec<u8>` or a memory map) and finds exact phrases, with the number of
//! occurrences per paragraph. This module knows nothing of ranking, snippets or white space.
//!
//! # File format (version 2, integers little-endian)
//!
//! | section | bytes | content |
//! |---|---|---|
//! | header | 48 | `b"ZCBG"`, version, then the counts `files`, `paragraphs`, `positions`, `terms`, `blocks` and `lists_from` (see below), as u32; then `postings_len` and `dict_len` as u64 |
//! | files | 12 × files | per file in insertion order: `file_no`, index of its first paragraph in the segment, `first_para` (that paragraph's number in the file), as u32 |
//! | starts | 4 × (paragraphs + 1) | `start[k]` as u32; the last entry equals `positions` |
//! | postings | `postings_len` | the lists of every term, in key order |
//! | block index | 24 × blocks | per dictionary block: its first key, its byte offset in the dictionary and that of its first list in the postings, as u64 |
//! | dictionary | `dict_len` | blocks of 64 terms; per term three LEB128 varints: key minus the previous key (the block's first key for its first term), number of positions, byte length of its lists |
//!
//! The sections follow each other in this order and end exactly at the end of the file. A
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

/// The first four bytes of every segment file.
pub const MAGIC: &[u8; 4] = b"ZCBG";
/// The version of the file format this module writes and reads.
pub const FORMAT_VERSION: u32 = 2;

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

/// Collects the paragraphs of one segment and encodes them with [`BigramBuilder::finish`].
#[derive(Debug)]
pub struct BigramBuilder {
    /// One entry per position: the char as `u32`, or [`GAP`] after each paragraph.
    text: Vec<u32>,
    /// The first position of each paragraph.
    starts: Vec<u32>,
    files: Vec<FileRecord>,
    /// Bigrams with at least this many positions list their paragraphs.
    lists_from: u32,
}

impl Default for BigramBuilder {
    fn default() -> Self {
        BigramBuilder {
            text: Vec::new(),
            starts: Vec::new(),
            files: Vec::new(),
            lists_from: LISTS_FROM,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct FileRecord {
    file_no: u32,
    /// Index in the segment of the file's first paragraph.
    first_index: u32,
    /// Number of that paragraph in the file.
    first_para: u32,
}

impl BigramBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Paragraph lists for the bigrams with at least `n` positions (instead of
    /// [`LISTS_FROM`]; `u32::MAX` for none), so that tests reach them with little text.
    pub fn with_lists_from(mut self, n: u32) -> Self {
        self.lists_from = n.max(1);
        self
    }

    /// Starts the paragraphs of file `file_no`; those added next are numbered `first_para`,
    /// `first_para + 1`, … in it. A file may be begun and get no paragraphs.
    pub fn begin_file(&mut self, file_no: u32, first_para: u32) {
        let first_index = self.starts.len() as u32; // add_paragraph keeps it within u32
        self.files.push(FileRecord {
            file_no,
            first_index,
            first_para,
        });
    }

    /// Adds the next paragraph of the current file: normalized chars, no white space. An empty
    /// paragraph takes a number and a position but makes no terms.
    ///
    /// # Panics
    ///
    /// If no file was begun, or if the segment would pass `u32::MAX` positions or the
    /// paragraph's number in its file `u32::MAX`.
    pub fn add_paragraph(&mut self, chars: &[char]) {
        self.add_paragraph_iter(chars.iter().copied());
    }

    /// [`BigramBuilder::add_paragraph`] for chars from an iterator, so that a caller can drop
    /// white space on the fly without a buffer. Same panics.
    pub fn add_paragraph_iter<I: IntoIterator<Item = char>>(&mut self, chars: I) {
        let file = self
            .files
            .last()
            .expect("BigramBuilder: add_paragraph before begin_file");
        let number = self.starts.len() as u64 - u64::from(file.first_index);
        assert!(
            number + u64::from(file.first_para) <= u64::from(u32::MAX),
            "paragraph number"
        );
        self.starts.push(self.text.len() as u32);
        self.text.extend(chars.into_iter().map(u32::from));
        self.text.push(GAP);
        assert!(
            self.text.len() <= u32::MAX as usize,
            "BigramBuilder: too many positions"
        );
    }

    /// Positions used so far (chars plus one gap per paragraph), to cut segments by size.
    pub fn chars(&self) -> usize {
        self.text.len()
    }

    /// Paragraphs added so far.
    pub fn paragraphs(&self) -> usize {
        self.starts.len()
    }

    /// Whether no paragraph was added (files begun without paragraphs do not count).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Encodes the segment and returns the bytes of its file.
    pub fn finish(self) -> Vec<u8> {
        let positions = self.text.len() as u32;
        let mut out = vec![0; HEADER_LEN];
        out.reserve(12 * self.files.len() + 4 * self.starts.len() + 4 + self.text.len() * 9 / 4);
        for file in &self.files {
            for value in [file.file_no, file.first_index, file.first_para] {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        for &start in self.starts.iter().chain([&positions]) {
            out.extend_from_slice(&start.to_le_bytes());
        }
        let mut starts = self.starts;
        starts.push(positions);
        let mut writer = TermWriter::new(out, starts, self.lists_from);
        let alphabet = Alphabet::of(&self.text);
        if alphabet.chars.len() <= usize::from(u16::MAX) {
            write_terms::<u16>(self.text, &alphabet, &mut writer);
        } else {
            write_terms::<u32>(self.text, &alphabet, &mut writer);
        }
        let TermWriter {
            mut out,
            postings_start,
            index,
            dict,
            terms,
            starts,
            ..
        } = writer;
        let writer_paragraphs = starts.len() as u32 - 1;
        let postings_len = (out.len() - postings_start) as u64;
        let blocks = (index.len() / BLOCK_RECORD_LEN) as u32;
        out.extend_from_slice(&index);
        out.extend_from_slice(&dict);
        let mut header = MAGIC.to_vec();
        let (n_files, n_paragraphs) = (self.files.len() as u32, writer_paragraphs);
        for value in [
            FORMAT_VERSION,
            n_files,
            n_paragraphs,
            positions,
            terms,
            blocks,
            self.lists_from,
        ] {
            header.extend_from_slice(&value.to_le_bytes());
        }
        header.extend_from_slice(&postings_len.to_le_bytes());
        header.extend_from_slice(&(dict.len() as u64).to_le_bytes());
        out[..HEADER_LEN].copy_from_slice(&header);
        out
    }
}

/// The distinct chars of a text, numbered in char order so that ids sort like chars.
struct Alphabet {
    /// The chars by id.
    chars: Vec<u32>,
    /// A bit per char value: whether it occurs.
    present: Vec<u64>,
    /// Per word of `present`: the number of chars below it.
    rank_before: Vec<u32>,
}

impl Alphabet {
    fn of(text: &[u32]) -> Self {
        let words = (char::MAX as usize + 1) / 64;
        let mut present = vec![0u64; words];
        for &c in text.iter().filter(|&&c| c != GAP) {
            present[(c >> 6) as usize] |= 1 << (c & 63);
        }
        let (mut chars, mut rank_before, mut rank) = (Vec::new(), Vec::with_capacity(words), 0);
        for (word, &bits) in present.iter().enumerate() {
            rank_before.push(rank);
            rank += bits.count_ones();
            let mut rest = bits;
            while rest != 0 {
                chars.push((word as u32) << 6 | rest.trailing_zeros());
                rest &= rest - 1;
            }
        }
        Alphabet {
            chars,
            present,
            rank_before,
        }
    }

    /// The id of a char of the text; the gap gets the id after the last char.
    fn id(&self, c: u32) -> u32 {
        if c == GAP {
            return self.chars.len() as u32;
        }
        let word = (c >> 6) as usize;
        self.rank_before[word] + (self.present[word] & ((1u64 << (c & 63)) - 1)).count_ones()
    }
}

/// Sorts all positions by term and hands each term's positions to `writer`. Char ids are of
/// type `T`, `u16` whenever the alphabet allows, to save memory and cache.
///
/// A counting sort groups the positions by first char, carrying the id of the next char
/// along; each group is then sorted stably by that id. Positions ascend within each term.
fn write_terms<T>(text: Vec<u32>, alphabet: &Alphabet, writer: &mut TermWriter)
where
    T: Copy + Default + Into<u32> + TryFrom<u32>,
{
    let index = |id: T| -> usize { Into::<u32>::into(id) as usize };
    let to_id = |&c: &u32| T::try_from(alphabet.id(c)).unwrap_or_default();
    let ids: Vec<T> = text.iter().map(to_id).collect();
    let n_chars = alphabet.chars.len();
    let mut bounds = vec![0u32; n_chars + 1];
    for &id in &ids {
        if let Some(count) = bounds.get_mut(index(id) + 1) {
            *count += 1;
        }
    }
    for i in 1..bounds.len() {
        bounds[i] += bounds[i - 1];
    }
    let mut next = bounds[..n_chars].to_vec();
    // The text's buffer, already paged in, takes the positions.
    let mut positions = text;
    positions.truncate(bounds[n_chars] as usize);
    let mut seconds = vec![T::default(); positions.len()];
    // The text ends with a gap, so the pairs cover every char.
    for (pos, pair) in ids.windows(2).enumerate() {
        if let Some(slot) = next.get_mut(index(pair[0])) {
            positions[*slot as usize] = pos as u32;
            seconds[*slot as usize] = pair[1];
            *slot += 1;
        }
    }
    drop(ids);
    let mut sorter = GroupSorter::default();
    for (first, window) in bounds.windows(2).enumerate() {
        let group = window[0] as usize..window[1] as usize;
        sorter.sort(&positions[group.clone()], &seconds[group], n_chars + 1);
        let mut from = 0;
        for &(second, end) in &sorter.runs {
            let second = alphabet.chars.get(second as usize).copied();
            let key = term_key(alphabet.chars[first], second.unwrap_or(END_MARK));
            writer.add(key, &sorter.sorted[from..end]);
            from = end;
        }
    }
}

/// Sorts the positions of one first char by the id of the following char, stably.
#[derive(Default)]
struct GroupSorter {
    /// The group's positions ordered by (second id, position).
    sorted: Vec<u32>,
    /// Per distinct second id in order: the id and the end of its run in `sorted`.
    runs: Vec<(u32, usize)>,
    pairs: Vec<u64>,
    counts: Vec<u32>,
}

impl GroupSorter {
    /// A counting sort for large groups, a sort of (id, position) pairs for small ones.
    fn sort<T: Copy + Into<u32>>(&mut self, positions: &[u32], seconds: &[T], n_ids: usize) {
        self.sorted.clear();
        self.runs.clear();
        let id = |second: T| -> usize { Into::<u32>::into(second) as usize };
        if positions.len() >= 1024 && positions.len() * 8 >= n_ids {
            self.counts.clear();
            self.counts.resize(n_ids, 0);
            for &second in seconds {
                self.counts[id(second)] += 1;
            }
            let mut sum = 0;
            for (second, slot) in self.counts.iter_mut().enumerate() {
                let count = std::mem::replace(slot, sum);
                sum += count;
                if count > 0 {
                    self.runs.push((second as u32, sum as usize));
                }
            }
            self.sorted.resize(positions.len(), 0);
            for (&second, &pos) in seconds.iter().zip(positions) {
                let slot = &mut self.counts[id(second)];
                self.sorted[*slot as usize] = pos;
                *slot += 1;
            }
        } else {
            self.pairs.clear();
            let pair = |(&second, &pos): (&T, &u32)| (id(second) as u64) << 32 | u64::from(pos);
            self.pairs.extend(seconds.iter().zip(positions).map(pair));
            self.pairs.sort_unstable();
            for (i, &pair) in self.pairs.iter().enumerate() {
                let second = (pair >> 32) as u32;
                match self.runs.last_mut() {
                    Some((run, end)) if *run == second => *end = i + 1,
                    _ => self.runs.push((second, i + 1)),
                }
                self.sorted.push(pair as u32);
            }
        }
    }
}

/// Appends position lists to the segment bytes while building the block index and dictionary.
struct TermWriter {
    out: Vec<u8>,
    postings_start: usize,
    index: Vec<u8>,
    dict: Vec<u8>,
    terms: u32,
    prev_key: u64,
    packer: BitPacker4x,
    packed: Vec<u8>,
    /// The paragraph starts, with the position count as the last entry.
    starts: Vec<u32>,
    /// Per [`BUCKET_SHIFT`] positions, the paragraph holding the first (as
    /// [`BigramSegment::buckets`]), to find the paragraphs of a listed term's positions.
    buckets: Vec<u32>,
    lists_from: u32,
    /// A listed term's paragraphs and occurrences in each, and their encoding.
    paras: Vec<u32>,
    counts: Vec<u32>,
    part: Vec<u8>,
}

impl TermWriter {
    fn new(out: Vec<u8>, starts: Vec<u32>, lists_from: u32) -> Self {
        let (index, dict, packer) = (Vec::new(), Vec::new(), BitPacker4x::new());
        let packed = vec![0; 4 * PACKED_LEN];
        TermWriter {
            postings_start: out.len(),
            out,
            index,
            dict,
            terms: 0,
            prev_key: 0,
            packer,
            packed,
            buckets: buckets(starts.len() - 1, starts.last().copied().unwrap_or(0), |k| {
                starts.get(k).copied()
            }),
            starts,
            lists_from,
            paras: Vec::new(),
            counts: Vec::new(),
            part: Vec::new(),
        }
    }

    /// Writes the paragraph list of a term's `positions`: the number of paragraphs and the
    /// byte length of the rest as varints, the ascending paragraph indexes as deltas, then the
    /// occurrences in each minus one.
    fn paragraph_list(&mut self, positions: &[u32]) {
        let (paras, counts, starts) = (&mut self.paras, &mut self.counts, &self.starts);
        paras.clear();
        counts.clear();
        let mut k = 0;
        for &pos in positions {
            // From the paragraph holding the bucket's first position: a few steps at most.
            let bucket = self.buckets.get((pos >> BUCKET_SHIFT) as usize);
            k = k.max(bucket.map_or(0, |&b| b as usize));
            while starts.get(k + 1).is_some_and(|&next| next <= pos) {
                k += 1;
            }
            match (paras.last(), counts.last_mut()) {
                (Some(&last), Some(count)) if last == k as u32 => *count += 1,
                _ => {
                    paras.push(k as u32);
                    counts.push(0);
                }
            }
        }
        self.part.clear();
        put_sorted(&mut self.part, &self.paras, &self.packer, &mut self.packed);
        put_small(&mut self.part, &self.counts, &self.packer, &mut self.packed);
        put_varint(&mut self.out, self.paras.len() as u64);
        put_varint(&mut self.out, self.part.len() as u64);
        self.out.extend_from_slice(&self.part);
    }

    fn add(&mut self, key: u64, positions: &[u32]) {
        if self.terms.is_multiple_of(TERMS_PER_BLOCK) {
            let postings_offset = (self.out.len() - self.postings_start) as u64;
            for value in [key, self.dict.len() as u64, postings_offset] {
                self.index.extend_from_slice(&value.to_le_bytes());
            }
            self.prev_key = key;
        }
        let before = self.out.len();
        if positions.len() >= self.lists_from as usize && !is_last_char(key) {
            self.paragraph_list(positions);
        }
        put_sorted(&mut self.out, positions, &self.packer, &mut self.packed);
        put_varint(&mut self.dict, key - self.prev_key);
        put_varint(&mut self.dict, positions.len() as u64);
        put_varint(&mut self.dict, (self.out.len() - before) as u64);
        self.prev_key = key;
        self.terms += 1;
    }
}

/// The keys of the bigrams of `phrase` (two chars or more) that estimates read: at offsets
/// 0, 2, 4, … and len − 2.
fn estimate_keys(phrase: &[char]) -> impl Iterator<Item = u64> + '_ {
    let last = phrase.len().saturating_sub(2);
    (0..phrase.len().saturating_sub(1))
        .step_by(2)
        .chain([last])
        .map(|at| term_key(phrase[at].into(), phrase[at + 1].into()))
}

/// Appends ascending `values` as deltas, the first from 0: full runs of 128 bit-packed after
/// a byte of their bit width, the rest as varints.
fn put_sorted(out: &mut Vec<u8>, values: &[u32], packer: &BitPacker4x, packed: &mut [u8]) {
    let mut prev = 0;
    let mut runs = values.chunks_exact(PACKED_LEN);
    for run in &mut runs {
        let bits = packer.num_bits_sorted(prev, run);
        let len = packer.compress_sorted(prev, run, packed, bits);
        out.push(bits);
        out.extend_from_slice(&packed[..len]);
        prev = run[PACKED_LEN - 1];
    }
    for &value in runs.remainder() {
        put_varint(out, u64::from(value - prev));
        prev = value;
    }
}

/// Appends `values` as they are: full runs of 128 bit-packed after a byte of their bit
/// width (0 when all are 0), the rest as varints.
fn put_small(out: &mut Vec<u8>, values: &[u32], packer: &BitPacker4x, packed: &mut [u8]) {
    let mut runs = values.chunks_exact(PACKED_LEN);
    for run in &mut runs {
        let bits = packer.num_bits(run);
        let len = packer.compress(run, packed, bits);
        out.push(bits);
        out.extend_from_slice(&packed[..len]);
    }
    for &value in runs.remainder() {
        put_varint(out, u64::from(value));
    }
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

/// Appends `value` as a LEB128 varint (also used by [`super::texts`]).
pub(super) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
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

/// Reads the LEB128 varint at `*at` and moves past it (also used by [`super::texts`]).
pub(super) fn read_varint(bytes: &[u8], at: &mut usize) -> io::Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).ok_or_else(|| invalid("truncated varint"))?;
        *at += 1;
        value |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(invalid("varint too long"))
}

/// The first index in `from..len` whose value is at least `target` (`len` if none), by
/// exponential then binary search; `value` must ascend over `from..len`.
#[inline]
fn gallop<T: Ord>(mut from: usize, len: usize, target: T, value: impl Fn(usize) -> T) -> usize {
    // The answer is usually a step or two away.
    for _ in 0..4 {
        if from >= len || value(from) >= target {
            return from.min(len);
        }
        from += 1;
    }
    let (mut low, mut step) = (from - 1, 1); // value(low) < target
    let mut high = loop {
        let probe = low + step;
        if probe >= len || value(probe) >= target {
            break probe.min(len);
        }
        low = probe;
        step *= 2;
    };
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if value(mid) < target {
            low = mid;
        } else {
            high = mid;
        }
    }
    high
}

/// Whether every list of `others` (offset, ascending positions) holds `start` plus its
/// offset; `cursors` (one per list) only move forward, so the starts asked about must ascend.
#[inline]
fn matches_at(others: &[(u32, Vec<u32>)], cursors: &mut [usize], start: u32) -> bool {
    for ((offset, list), cursor) in others.iter().zip(cursors) {
        let Some(target) = start.checked_add(*offset) else {
            return false;
        };
        *cursor = gallop(*cursor, list.len(), target, |i| list[i]);
        if list.get(*cursor) != Some(&target) {
            return false;
        }
    }
    true
}

/// The positions of `list` (ascending) whose value minus `offset` lies in one of `ranges`
/// (ascending, `[from, to)`).
fn positions_in(list: &[u32], offset: u32, ranges: &[(u64, u64)]) -> Vec<u32> {
    let mut kept = Vec::new();
    let mut cursor = 0;
    for &(from, to) in ranges {
        let (from, to) = (
            from + u64::from(offset),
            to.saturating_add(u64::from(offset)),
        );
        cursor = gallop(cursor, list.len(), from, |i| u64::from(list[i]));
        while let Some(&p) = list.get(cursor).filter(|&&p| u64::from(p) < to) {
            kept.push(p);
            cursor += 1;
        }
        if cursor >= list.len() {
            break;
        }
    }
    kept
}

/// How many of the little-endian u32 values in `table` are at most `value`.
#[inline]
fn count_at_most(table: &[u8], value: u32) -> usize {
    table
        .chunks_exact(4)
        .map(|c| u32::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]]) <= value))
        .sum::<u32>() as usize
}

/// A paragraph that contains a phrase, with the number of occurrences in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The file, as passed to [`BigramBuilder::begin_file`].
    pub file_no: u32,
    /// The paragraph's number in its file (counted from the file's `first_para`).
    pub para: u32,
    /// Occurrences of the phrase in the paragraph, overlapping ones included.
    pub count: u32,
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

/// From this many positions, [`BigramSegment::char_positions`] orders the positions of a
/// char through a bitmap rather than a sort.
const DENSE_CHAR_POSITIONS: usize = 1 << 13;

/// The set bits of `bits` in `[from, to)` (bits past its end count as clear).
fn count_bits(bits: &[u64], from: u64, to: u64) -> u32 {
    let mut count = 0;
    let mut at = from;
    while at < to {
        let Some(&word) = bits.get((at >> 6) as usize) else {
            break;
        };
        let lo = at & 63;
        let hi = (to - (at - lo)).min(64);
        let mask = if hi == 64 { u64::MAX } else { (1u64 << hi) - 1 } & (u64::MAX << lo);
        count += (word & mask).count_ones();
        at = at - lo + 64;
    }
    count
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
        if dict.end != data.len() {
            return Err(invalid("bytes after the dictionary"));
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
            files,
            n_paragraphs,
            n_positions,
            n_terms,
            lists_from,
            buckets: OnceLock::new(),
            files_by_no: OnceLock::new(),
        })
    }

    fn section(&self, range: &Range<usize>) -> io::Result<&[u8]> {
        self.bytes
            .as_ref()
            .get(range.clone())
            .ok_or_else(|| invalid("section out of bounds"))
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

    /// Paragraphs containing `phrase` (normalized chars, no white space), in segment order,
    /// each once with its number of occurrences, overlapping ones included. An empty phrase
    /// matches nothing. Errors only when the file is damaged.
    pub fn find(&self, phrase: &[char]) -> io::Result<Vec<Hit>> {
        let mut hits = Vec::new();
        self.find_each(phrase, None, &mut |h| hits.push(h))?;
        Ok(hits)
    }

    /// The hits of [`Self::find`], handed to `f` in the same order instead of collected; only
    /// those in the paragraphs of `within` when it is given: hits of this segment, in order
    /// (of which only the index and bounds count).
    pub fn find_each(
        &self,
        phrase: &[char],
        within: Option<&[Hit]>,
        f: &mut impl FnMut(Hit),
    ) -> io::Result<()> {
        let starts = self.section(&self.starts)?;
        self.find_each_unbounded(phrase, within, &mut |mut h| {
            if h.start == UNKNOWN {
                self.set_bounds(&mut h, starts);
            }
            f(h)
        })
    }

    /// [`Self::find_each`], but a hit may come with `start` and `len` [`UNKNOWN`] (to be
    /// read with [`Self::bounds`] for the hits that are kept), and so may those of
    /// `within`: a paragraph list gives paragraphs without a read of the paragraph table.
    pub fn find_each_unbounded(
        &self,
        phrase: &[char],
        within: Option<&[Hit]>,
        f: &mut impl FnMut(Hit),
    ) -> io::Result<()> {
        let cover = match phrase.len() {
            0 => return Ok(()),
            1 => None,
            // Some cover bigram does not occur.
            _ => Some(self.cover(phrase)?.unwrap_or_default()),
        };
        if let Some(&[(_, ref driver), ..]) = cover.as_deref() {
            // The rarest cover bigram drives the look-up; its paragraph list, if it has one,
            // gives the paragraphs of its matches.
            if let Some((paras, counts)) = self.paragraph_list(driver)? {
                let cover = cover.as_deref().unwrap_or_default();
                return self.each_listed_hit(cover, &paras, &counts, within, f);
            }
        }
        let cover = cover.as_deref();
        match within {
            Some(within) => self.each_hit_within(phrase, cover, within, f),
            None => self.each_hit(&self.match_starts(phrase, cover, None)?, phrase.len(), f),
        }
    }

    /// The start and length of paragraph `index` (for a hit with bounds [`UNKNOWN`]).
    pub fn bounds(&self, index: u32) -> io::Result<(u32, u32)> {
        Ok(paragraph_bounds(self.section(&self.starts)?, index))
    }

    /// Reads the bounds of `h`'s paragraph from the paragraph table `starts`.
    fn set_bounds(&self, h: &mut Hit, starts: &[u8]) {
        (h.start, h.len) = paragraph_bounds(starts, h.index);
    }

    /// The hits of a phrase whose rarest cover bigram (the first of `cover`) lists its
    /// paragraphs (`paras`, and the bigram's occurrences in each); only those in the
    /// paragraphs of `within` when given. The bigram's positions come in the list's order, so
    /// each match's paragraph is known without a search, and only the positions in allowed
    /// paragraphs are checked against the other cover bigrams. A hit's bounds are those of
    /// its `within` hit, or [`UNKNOWN`]: reading them here missed the cache at almost every
    /// hit, and most hits of a common word are dropped by the look-ups after it.
    fn each_listed_hit(
        &self,
        cover: &[(u32, TermEntry)],
        paras: &[u32],
        counts: &[u32],
        within: Option<&[Hit]>,
        f: &mut impl FnMut(Hit),
    ) -> io::Result<()> {
        let Some(((driver_offset, driver), others)) = cover.split_first() else {
            return Ok(());
        };
        let mut file = 0;
        let mut emit = |k: u32, count: u32, start: u32, len: u32| {
            if let Some(mut hit) = self.hit_at(k as usize, &mut file) {
                (hit.count, hit.start, hit.len) = (count, start, len);
                f(hit);
            }
        };
        // The allowed paragraphs are usually far fewer than the bigram's: each is searched
        // for in its list. `j` is the paragraph's place in the list.
        let each_allowed = |within: &[Hit], on: &mut dyn FnMut(usize, &Hit)| {
            let mut j = 0;
            for allowed in within {
                j = gallop(j, paras.len(), allowed.index, |i| paras[i]);
                match paras.get(j) {
                    Some(&k) if k == allowed.index => on(j, allowed),
                    Some(_) => {}
                    None => break,
                }
            }
        };
        if others.is_empty() {
            // A bigram alone: its occurrences are the matches.
            match within {
                None => {
                    (paras.iter().zip(counts)).for_each(|(&k, &n)| emit(k, n, UNKNOWN, UNKNOWN))
                }
                Some(within) => each_allowed(within, &mut |j, a| {
                    emit(a.index, counts.get(j).copied().unwrap_or(1), a.start, a.len)
                }),
            }
            return Ok(());
        }
        let others = self.decode_cover(others)?;
        let mut positions = Vec::new();
        self.decode(driver, &mut positions)?;
        // Where each paragraph's positions begin in the bigram's list: the counts add up to
        // them all (checked when the list was read).
        let mut sum = 0;
        let first: Vec<usize> = (counts.iter())
            .map(|&c| {
                sum += c as usize;
                sum - c as usize
            })
            .collect();
        let mut cursors = vec![0; others.len()];
        let mut matches = |j: usize| -> u32 {
            let (from, n) = (first[j], counts[j] as usize);
            let run = positions.get(from..from + n).unwrap_or_default();
            let starts = run.iter().filter_map(|pos| pos.checked_sub(*driver_offset));
            (starts.filter(|&start| matches_at(&others, &mut cursors, start))).count() as u32
        };
        match within {
            None => {
                for (j, &k) in paras.iter().enumerate() {
                    let n = matches(j);
                    if n > 0 {
                        emit(k, n, UNKNOWN, UNKNOWN);
                    }
                }
            }
            Some(within) => each_allowed(within, &mut |j, a| {
                let n = matches(j);
                if n > 0 {
                    emit(a.index, n, a.start, a.len);
                }
            }),
        }
        Ok(())
    }

    /// The match starts of `phrase`, with its `cover` (see [`Self::cover`]; `None` for one
    /// char); with `ranges`, only those some range `[from, to)` holds (or more, never fewer).
    fn match_starts(
        &self,
        phrase: &[char],
        cover: Option<&[(u32, TermEntry)]>,
        ranges: Option<&[(u64, u64)]>,
    ) -> io::Result<Vec<u32>> {
        match (phrase, cover) {
            ([c], _) => self.char_positions(*c),
            (_, Some(cover)) => self.phrase_starts(cover, ranges),
            _ => Ok(Vec::new()),
        }
    }

    /// The hits of `phrase` in the paragraphs of `within` (hits of this segment, in order):
    /// each paragraph's matches are counted between its bounds, so no match is searched for
    /// its paragraph.
    fn each_hit_within(
        &self,
        phrase: &[char],
        cover: Option<&[(u32, TermEntry)]>,
        within: &[Hit],
        f: &mut impl FnMut(Hit),
    ) -> io::Result<()> {
        if within.is_empty() {
            return Ok(());
        }
        // A paragraph's bounds usually come with it: no look-up in the paragraph table.
        let starts_table = self.section(&self.starts)?;
        let bounds = |h: &Hit| {
            let (start, len) = match h.start {
                UNKNOWN => paragraph_bounds(starts_table, h.index),
                start => (start, h.len),
            };
            let from = u64::from(start);
            (from, from + u64::from(len) + 1)
        };
        let mut file = 0;
        // A phrase of several cover bigrams narrows its rarest list to these paragraphs
        // before the others are searched; the list of a single bigram is taken whole.
        let ranges: Option<Vec<(u64, u64)>> =
            (phrase.len() > 2).then(|| within.iter().map(bounds).collect());
        let starts = match phrase {
            [c] => {
                let (entries, total) = self.char_entries(*c)?;
                if total >= DENSE_CHAR_POSITIONS {
                    // A common char: each paragraph's occurrences are the set bits between
                    // its bounds.
                    return self.with_bitmap(&entries, |bits| {
                        for allowed in within {
                            let (from, to) = bounds(allowed);
                            let count = count_bits(bits, from, to - 1);
                            if !self.emit_counted(allowed, from, to, count, &mut file, f) {
                                break;
                            }
                        }
                    });
                }
                self.sorted_positions(&entries, total)?
            }
            _ => self.match_starts(phrase, cover, ranges.as_deref())?,
        };
        let len = phrase.len() as u64;
        // Jump from allowed paragraph to allowed paragraph: they are usually far fewer than
        // the matches.
        let mut cursor = 0;
        for (i, allowed) in within.iter().enumerate() {
            let (from, to) = ranges.as_ref().map_or_else(|| bounds(allowed), |r| r[i]);
            cursor = gallop(cursor, starts.len(), from, |i| u64::from(starts[i]));
            let mut count = 0u32;
            while let Some(&s) = starts.get(cursor).filter(|&&s| u64::from(s) < to) {
                // A match across the gap after the paragraph is only in a damaged file.
                if u64::from(s) + len < to {
                    count = count.saturating_add(1);
                }
                cursor += 1;
            }
            if !self.emit_counted(allowed, from, to, count, &mut file, f) {
                break;
            }
            if cursor >= starts.len() {
                break;
            }
        }
        Ok(())
    }

    /// Hands `f` the hit of paragraph `allowed` (bounds `[from, to)`, the gap after it
    /// included) with `count` occurrences, if any, its file record found from `*file` on
    /// ([`Self::hit_at`]). False for a paragraph past the segment's (only from a damaged
    /// caller): the look-up stops there.
    fn emit_counted(
        &self,
        allowed: &Hit,
        from: u64,
        to: u64,
        count: u32,
        file: &mut usize,
        f: &mut impl FnMut(Hit),
    ) -> bool {
        let k = allowed.index as usize;
        if k >= self.n_paragraphs {
            return false;
        }
        if count > 0 {
            if let Some(mut hit) = self.hit_at(k, file) {
                hit.count = count;
                hit.len = to.saturating_sub(from + 1) as u32;
                hit.start = from as u32;
                f(hit);
            }
        }
        true
    }

    /// A hit in paragraph `para` (one occurrence, length unset), its file record found by
    /// walking forward from `*file`, where the walk for an earlier paragraph ended.
    fn hit_at(&self, para: usize, file: &mut usize) -> Option<Hit> {
        while self
            .files
            .get(*file + 1)
            .is_some_and(|f| f.first_index as usize <= para)
        {
            *file += 1;
        }
        let record = self.files.get(*file)?;
        let number = (para as u32).wrapping_sub(record.first_index);
        Some(Hit {
            file_no: record.file_no,
            para: number.wrapping_add(record.first_para),
            count: 1,
            len: 0,
            index: para as u32,
            start: 0,
        })
    }

    /// The number of positions of each cover bigram of `phrase` (offsets 0, 2, 4, … and
    /// len − 2, as [`Self::estimate`] takes them), 0 for one absent from this segment; for
    /// one char or none, [`Self::estimate`] alone.
    pub fn cover_counts(&self, phrase: &[char]) -> io::Result<Vec<u64>> {
        if phrase.len() < 2 {
            return Ok(vec![self.estimate(phrase)?]);
        }
        let mut counts = Vec::with_capacity(phrase.len() / 2 + 1);
        for key in estimate_keys(phrase) {
            counts.push(self.lookup(key)?.map_or(0, |entry| u64::from(entry.count)));
        }
        Ok(counts)
    }

    /// An upper bound of the occurrences of `phrase`, from the dictionary alone: the count of
    /// its rarest cover bigram, or for one char the counts of all its terms.
    pub fn estimate(&self, phrase: &[char]) -> io::Result<u64> {
        match phrase {
            [] => Ok(0),
            [c] => {
                let (low, high) = (term_key((*c).into(), 0), term_key((*c).into(), END_MARK));
                let mut total = 0;
                for block in self.block_at_or_before(low)?.unwrap_or(0)..self.n_blocks() {
                    for entry in self.block(block)? {
                        if entry.key > high {
                            return Ok(total);
                        }
                        if entry.key >= low {
                            total += u64::from(entry.count);
                        }
                    }
                }
                Ok(total)
            }
            _ => {
                let mut least = u64::MAX;
                for key in estimate_keys(phrase) {
                    match self.lookup(key)? {
                        Some(entry) => least = least.min(u64::from(entry.count)),
                        None => return Ok(0),
                    }
                }
                Ok(least)
            }
        }
    }

    /// The entries of the terms starting with `c` and their number of positions.
    fn char_entries(&self, c: char) -> io::Result<(Vec<TermEntry>, usize)> {
        let (low, high) = (term_key(c.into(), 0), term_key(c.into(), END_MARK));
        let mut entries = Vec::new();
        let mut postings_end = 0;
        'blocks: for block in self.block_at_or_before(low)?.unwrap_or(0)..self.n_blocks() {
            for entry in self.block(block)? {
                if entry.key > high {
                    break 'blocks;
                }
                if entry.key >= low {
                    // Disjoint lists cannot add up to more positions than the bytes allow.
                    if entry.postings.start < postings_end {
                        return Err(invalid("position lists overlap"));
                    }
                    postings_end = entry.postings.end;
                    entries.push(entry);
                }
            }
        }
        let total = entries.iter().map(|e| e.count as usize).sum();
        Ok((entries, total))
    }

    /// Calls `f` with a bitmap of the segment's positions in which those of `entries` are
    /// set. A common char (之, 的: a million positions in a segment) is ordered or counted
    /// this way rather than sorted, which took two thirds of a query like `经理人 之`. Each
    /// position is one term's, so no two lists share one. The bitmap is the thread's, kept
    /// for its next use (a fresh megabyte each time cost more in page faults than in use).
    fn with_bitmap<R>(&self, entries: &[TermEntry], f: impl FnOnce(&[u64]) -> R) -> io::Result<R> {
        thread_local! {
            static BITS: std::cell::RefCell<(Vec<u64>, Vec<u32>)> = Default::default();
        }
        BITS.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (bits, list) = &mut *guard;
            let words = (self.n_positions as usize).div_ceil(64);
            bits.clear();
            bits.resize(words, 0);
            for entry in entries {
                list.clear();
                // Decoding checks that every position is below `n_positions`.
                self.decode(entry, list)?;
                for &p in list.iter() {
                    bits[p as usize >> 6] |= 1 << (p & 63);
                }
            }
            Ok(f(bits))
        })
    }

    /// Every position of `c`: the union of the lists of all terms starting with it.
    fn char_positions(&self, c: char) -> io::Result<Vec<u32>> {
        let (entries, total) = self.char_entries(c)?;
        self.sorted_positions(&entries, total)
    }

    /// The positions of `entries` (`total` of them), in order.
    fn sorted_positions(&self, entries: &[TermEntry], total: usize) -> io::Result<Vec<u32>> {
        let mut positions = Vec::with_capacity(total);
        if total < DENSE_CHAR_POSITIONS {
            for entry in entries {
                self.decode(entry, &mut positions)?;
            }
            positions.sort_unstable();
            return Ok(positions);
        }
        self.with_bitmap(entries, |bits| {
            for (w, &word) in bits.iter().enumerate() {
                let mut x = word;
                while x != 0 {
                    positions.push(((w as u32) << 6) | x.trailing_zeros());
                    x &= x - 1;
                }
            }
        })?;
        Ok(positions)
    }

    /// The cover bigrams of `phrase` (two chars or more) at offsets 0, 2, 4, … (and
    /// `len - 2` if the length is odd) with their entries, the rarest first; `None` when one
    /// of them does not occur (nor, then, the phrase).
    fn cover(&self, phrase: &[char]) -> io::Result<Option<Vec<(u32, TermEntry)>>> {
        if phrase.len() > self.n_positions as usize {
            return Ok(None);
        }
        let mut offsets: Vec<usize> = (0..phrase.len() - 1).step_by(2).collect();
        if phrase.len() % 2 == 1 {
            offsets.push(phrase.len() - 2);
        }
        let mut entries = Vec::with_capacity(offsets.len());
        for offset in offsets {
            let key = term_key(phrase[offset].into(), phrase[offset + 1].into());
            match self.lookup(key)? {
                Some(entry) => entries.push((offset as u32, entry)),
                None => return Ok(None),
            }
        }
        entries.sort_by_key(|(_, entry)| entry.count);
        Ok(Some(entries))
    }

    /// The position lists of `cover`'s entries, with their offsets (a bigram that occurs
    /// twice in the phrase is decoded once).
    fn decode_cover(&self, cover: &[(u32, TermEntry)]) -> io::Result<Vec<(u32, Vec<u32>)>> {
        let mut lists: Vec<(u32, Vec<u32>)> = Vec::with_capacity(cover.len());
        for (i, (offset, entry)) in cover.iter().enumerate() {
            let mut list = Vec::new();
            match cover[..i]
                .iter()
                .position(|(_, seen)| seen.key == entry.key)
            {
                Some(same) => list.clone_from(&lists[same].1),
                None => self.decode(entry, &mut list)?,
            }
            lists.push((*offset, list));
        }
        Ok(lists)
    }

    /// Start positions of a phrase of two chars or more from its `cover`, driven by the
    /// rarest bigram;
    /// with `ranges` (ascending `[from, to)`), only the starts they hold, so that the other
    /// lists are searched for those alone.
    fn phrase_starts(
        &self,
        cover: &[(u32, TermEntry)],
        ranges: Option<&[(u64, u64)]>,
    ) -> io::Result<Vec<u32>> {
        let lists = self.decode_cover(cover)?;
        let Some(((driver_offset, driver), others)) = lists.split_first() else {
            return Ok(Vec::new());
        };
        let kept;
        let driver = match ranges {
            None => driver,
            Some(ranges) => {
                kept = positions_in(driver, *driver_offset, ranges);
                &kept
            }
        };
        let mut cursors = vec![0; others.len()];
        let starts = driver
            .iter()
            .filter_map(|pos| pos.checked_sub(*driver_offset));
        Ok(starts
            .filter(|&start| matches_at(others, &mut cursors, start))
            .collect())
    }

    /// The hits of a phrase of `len` chars from its ascending match starts, handed to `f`
    /// one by one: its paragraphs in order, each once with its number of matches.
    fn each_hit(
        &self,
        match_starts: &[u32],
        len: usize,
        f: &mut impl FnMut(Hit),
    ) -> io::Result<()> {
        let starts = self.section(&self.starts)?;
        let start_of = |k: usize| read_u32(starts, 4 * k).map_or(u64::MAX, u64::from);
        let buckets = (match_starts.len() >= BUCKETS_FROM).then(|| self.buckets());
        let mut pending: Option<Hit> = None;
        // The paragraph being counted: its index, and where the next one starts.
        let (mut para, mut para_end) = (usize::MAX, 0u64);
        let mut file = 0;
        for &start in match_starts {
            let start = u64::from(start);
            if start < para_end {
                // Another occurrence in the same paragraph (the usual case of a dense list).
                if start + len as u64 >= para_end {
                    continue; // across a gap: only in a damaged file
                }
                if let Some(hit) = &mut pending {
                    hit.count = hit.count.saturating_add(1);
                }
                continue;
            }
            if let Some(done) = pending.take() {
                f(done);
            }
            // The first paragraph that starts after `start`, then the one before it. The
            // bucket of `start` narrows the search to a few paragraphs: a gallop from the
            // last hit across the whole table missed the cache at every step.
            let from = para.wrapping_add(1);
            let (mut low, mut high) = (from, self.n_paragraphs + 1);
            if let Some(buckets) = buckets {
                let b = (start >> BUCKET_SHIFT) as usize;
                if let (Some(&first), Some(&last)) = (buckets.get(b), buckets.get(b + 1)) {
                    low = low.max(first as usize + 1);
                    high = high.min(last as usize + 2);
                }
            }
            let low = low.min(high);
            // A bucket's few paragraphs are counted without branches: a search's branches
            // on this data are mispredicted half the time.
            let counted = (buckets.is_some() && high - low <= COUNT_MAX)
                .then(|| starts.get(4 * low..4 * high))
                .flatten()
                .map(|table| low + count_at_most(table, start as u32));
            let mut next = counted.unwrap_or_else(|| gallop(low, high, start + 1, start_of));
            if next == high && high <= self.n_paragraphs {
                // Only a damaged table puts the answer past the bucket: search it all.
                next = gallop(from, self.n_paragraphs + 1, start + 1, start_of);
            }
            para = next.wrapping_sub(1);
            para_end = start_of(next);
            if para >= self.n_paragraphs || start + len as u64 >= para_end {
                // Past the end or across a gap: only in a damaged file.
                para_end = 0;
                para = next.min(self.n_paragraphs).wrapping_sub(1);
                continue;
            }
            let Some(mut hit) = self.hit_at(para, &mut file) else {
                continue;
            };
            let para_start = start_of(para);
            hit.len = para_end.saturating_sub(para_start + 1) as u32;
            hit.start = para_start as u32;
            pending = Some(hit);
        }
        if let Some(done) = pending {
            f(done);
        }
        Ok(())
    }

    /// The bucket table: entry `b` is the paragraph holding position `b << BUCKET_SHIFT`
    /// (the last one starting at or before it), with one entry past the last position.
    fn buckets(&self) -> &[u32] {
        self.buckets.get_or_init(|| {
            let starts = self.section(&self.starts).unwrap_or_default();
            let start_of = |k: usize| read_u32(starts, 4 * k);
            buckets(self.n_paragraphs, self.n_positions, start_of)
        })
    }

    fn n_blocks(&self) -> usize {
        self.index.len() / BLOCK_RECORD_LEN
    }

    /// The last dictionary block whose first key is at most `key`.
    fn block_at_or_before(&self, key: u64) -> io::Result<Option<usize>> {
        let index = self.section(&self.index)?;
        let first_key = |i: usize| read_u64(index, i * BLOCK_RECORD_LEN).unwrap_or(u64::MAX);
        let after = gallop(0, self.n_blocks(), key + 1, first_key); // keys are below 2^42
        Ok(after.checked_sub(1))
    }

    /// The entries of dictionary block `i`.
    fn block(&self, i: usize) -> io::Result<Vec<TermEntry>> {
        let mut entries = Vec::new();
        self.visit_block(i, |entry| {
            entries.push(entry);
            true
        })?;
        Ok(entries)
    }

    /// Hands the entries of dictionary block `i` to `visit` in key order, until it returns
    /// false.
    fn visit_block(&self, i: usize, mut visit: impl FnMut(TermEntry) -> bool) -> io::Result<()> {
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

    fn lookup(&self, key: u64) -> io::Result<Option<TermEntry>> {
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
    fn parts(&self, entry: &TermEntry) -> io::Result<TermBytes<'_>> {
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
    fn decode(&self, entry: &TermEntry, out: &mut Vec<u32>) -> io::Result<()> {
        let bytes = self.parts(entry)?.positions;
        let mut at = 0;
        decode_sorted(bytes, &mut at, entry.count as usize, self.n_positions, out)
            .ok()
            .filter(|_| at == bytes.len())
            .ok_or_else(|| invalid("damaged position list"))
    }

    /// The paragraph list of `entry`, if it has one: ascending paragraph indexes and the
    /// occurrences of the term in each.
    fn paragraph_list(&self, entry: &TermEntry) -> io::Result<Option<(Vec<u32>, Vec<u32>)>> {
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

/// Decodes `count` values written by [`put_sorted`] at `*at` onto `out` and moves past them;
/// an error unless they ascend strictly and stay below `bound`.
fn decode_sorted(
    bytes: &[u8],
    at: &mut usize,
    count: usize,
    bound: u32,
    out: &mut Vec<u32>,
) -> io::Result<()> {
    let (full, tail) = (count / PACKED_LEN, count % PACKED_LEN);
    if full * MIN_PACKED_BYTES + tail > bytes.len().saturating_sub(*at) {
        return Err(invalid("list shorter than its count"));
    }
    let base = out.len();
    out.resize(base + count, 0);
    let (packed, rest) = out[base..].split_at_mut(full * PACKED_LEN);
    let packer = BitPacker4x::new();
    let mut prev = 0u32;
    for run in packed.chunks_exact_mut(PACKED_LEN) {
        let bits = bytes
            .get(*at)
            .copied()
            .filter(|bits| (1..=32).contains(bits));
        let len = BitPacker4x::compressed_block_size(bits.unwrap_or(0));
        let (Some(bits), Some(run_bytes)) = (bits, bytes.get(*at + 1..*at + 1 + len)) else {
            return Err(invalid("damaged packed run"));
        };
        packer.decompress_sorted(prev, run_bytes, run, bits);
        *at += 1 + len;
        prev = run[PACKED_LEN - 1];
    }
    for slot in rest {
        let delta = u32::try_from(read_varint(bytes, at)?).ok();
        prev = delta
            .and_then(|d| prev.checked_add(d))
            .ok_or_else(|| invalid("bad delta"))?;
        *slot = prev;
    }
    let list = &out[base..];
    if list
        .iter()
        .zip(list.iter().skip(1))
        .fold(false, |bad, (a, b)| bad | (a >= b))
        || list.last().is_some_and(|&last| last >= bound)
    {
        return Err(invalid("values out of order"));
    }
    Ok(())
}

/// Decodes `count` values written by [`put_small`] at `*at` onto `out` and moves past them.
fn decode_small(bytes: &[u8], at: &mut usize, count: usize, out: &mut Vec<u32>) -> io::Result<()> {
    let (full, tail) = (count / PACKED_LEN, count % PACKED_LEN);
    // A run takes a byte at least (its width), a varint too.
    if full + tail > bytes.len().saturating_sub(*at) {
        return Err(invalid("list shorter than its count"));
    }
    let base = out.len();
    out.resize(base + count, 0);
    let (packed, rest) = out[base..].split_at_mut(full * PACKED_LEN);
    let packer = BitPacker4x::new();
    for run in packed.chunks_exact_mut(PACKED_LEN) {
        let bits = bytes.get(*at).copied().filter(|&bits| bits <= 32);
        let len = BitPacker4x::compressed_block_size(bits.unwrap_or(0));
        let (Some(bits), Some(run_bytes)) = (bits, bytes.get(*at + 1..*at + 1 + len)) else {
            return Err(invalid("damaged packed run"));
        };
        packer.decompress(run_bytes, run, bits);
        *at += 1 + len;
    }
    for slot in rest {
        *slot = u32::try_from(read_varint(bytes, at)?).map_err(|_| invalid("bad value"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A file as (file_no, first_para, paragraphs).
    type File = (u32, u32, Vec<Vec<char>>);

    fn build(files: &[File]) -> Vec<u8> {
        build_listing(files, LISTS_FROM)
    }

    /// [`build`] with paragraph lists for the bigrams of at least `lists_from` positions.
    fn build_listing(files: &[File], lists_from: u32) -> Vec<u8> {
        let mut builder = BigramBuilder::new().with_lists_from(lists_from);
        for (file_no, first_para, paragraphs) in files {
            builder.begin_file(*file_no, *first_para);
            for paragraph in paragraphs {
                builder.add_paragraph(paragraph);
            }
        }
        builder.finish()
    }

    /// Per paragraph, the overlapping occurrences of `phrase`, by brute force.
    fn naive(files: &[File], phrase: &[char]) -> Vec<Hit> {
        let text = files.iter().flat_map(|file| &file.2);
        every_paragraph(files)
            .into_iter()
            .zip(text)
            .filter_map(|(hit, paragraph)| {
                let count = paragraph
                    .windows(phrase.len())
                    .filter(|w| *w == phrase)
                    .count() as u32;
                (count > 0).then_some(Hit { count, ..hit })
            })
            .collect()
    }

    /// Every paragraph of `files` as a hit (one occurrence), with its index and bounds.
    fn every_paragraph(files: &[File]) -> Vec<Hit> {
        let mut all = Vec::new();
        let mut start = 0;
        for (file_no, first_para, paragraphs) in files {
            for (i, paragraph) in paragraphs.iter().enumerate() {
                all.push(Hit {
                    file_no: *file_no,
                    para: first_para + i as u32,
                    count: 1,
                    len: paragraph.len() as u32,
                    index: all.len() as u32,
                    start,
                });
                start += paragraph.len() as u32 + 1;
            }
        }
        all
    }

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    /// `count` paragraphs of fewer than `max_len` chars drawn from `alphabet`, from `seed`.
    fn random_paragraphs(seed: u64, count: usize, max_len: u64, alphabet: &str) -> Vec<Vec<char>> {
        let mut state = seed;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let alphabet = chars(alphabet);
        (0..count)
            .map(|_| {
                let len = next(max_len) as usize;
                (0..len)
                    .map(|_| alphabet[next(alphabet.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    fn find(segment: &BigramSegment<Vec<u8>>, phrase: &str) -> Vec<Hit> {
        segment.find(&chars(phrase)).expect("valid segment")
    }

    #[test]
    fn empty_builder_gives_an_empty_segment() {
        let builder = BigramBuilder::new();
        assert!(builder.is_empty());
        let segment = BigramSegment::open(builder.finish()).expect("valid segment");
        assert_eq!((segment.paragraphs(), segment.files().count()), (0, 0));
        assert_eq!(
            (find(&segment, "中"), find(&segment, "中國")),
            (vec![], vec![])
        );
        assert_eq!(find(&segment, ""), vec![]);
        assert_eq!(segment.stats().terms, 0);
    }

    #[test]
    fn fewer_positions_than_paragraphs_is_rejected() {
        // Two empty paragraphs: starts 0, 1, 2. Claiming one position with starts 0, 0, 1
        // keeps the table's ends consistent but cannot hold two gaps.
        let mut bytes = build(&[(1, 0, vec![vec![], vec![]])]);
        assert!(BigramSegment::open(bytes.clone()).is_ok());
        let starts = HEADER_LEN + FILE_RECORD_LEN;
        bytes[16..20].copy_from_slice(&1u32.to_le_bytes());
        bytes[starts + 4..starts + 8].copy_from_slice(&0u32.to_le_bytes());
        bytes[starts + 8..starts + 12].copy_from_slice(&1u32.to_le_bytes());
        let error = BigramSegment::open(bytes).err().expect("rejected");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn one_char_paragraphs_and_empty_files() {
        let paragraphs = vec![chars("中"), vec![], chars("中"), chars("國")];
        let files = vec![
            (7, 0, vec![]),
            (3, 5, paragraphs),
            (9, 1, vec![]),
            (4, 0, vec![chars("國中")]),
        ];
        let segment = BigramSegment::open(build(&files)).expect("valid segment");
        assert_eq!(segment.files().collect::<Vec<_>>(), vec![7, 3, 9, 4]);
        assert_eq!(segment.paragraphs(), 5);
        let hit = |file_no, para, len, index: u32| Hit {
            file_no,
            para,
            count: 1,
            len,
            index,
            start: [0, 2, 3, 5, 7][index as usize],
        };
        assert_eq!(
            find(&segment, "中"),
            [hit(3, 5, 1, 0), hit(3, 7, 1, 2), hit(4, 0, 2, 4)]
        );
        assert_eq!(find(&segment, "國"), [hit(3, 8, 1, 3), hit(4, 0, 2, 4)]);
        assert_eq!(find(&segment, "國中"), [hit(4, 0, 2, 4)]);
        assert_eq!(find(&segment, "中國"), []);
    }

    #[test]
    fn long_lists_use_packed_runs() {
        let long: Vec<char> = "ab".repeat(1000).chars().chain("aab".chars()).collect();
        let files = vec![(1, 0, vec![long.clone(), chars("ba"), long])];
        let segment = BigramSegment::open(build(&files)).expect("valid segment");
        for phrase in ["ab", "ba", "aba", "abab", "a", "b", "aab", "babab", "bb"] {
            assert_eq!(find(&segment, phrase), naive(&files, &chars(phrase)));
        }
        assert_eq!(find(&segment, "ab")[0].count, 1001);
        assert!(segment.stats().postings_bytes < 4008);
    }

    #[test]
    fn alphabets_past_u16_ids() {
        let ranges = [0x3400..0x4DC0, 0x4E00..0xA000, 0x20000..0x2A6E0];
        let all: Vec<char> = ranges
            .into_iter()
            .flatten()
            .filter_map(char::from_u32)
            .collect();
        assert!(all.len() > usize::from(u16::MAX));
        let mut paragraphs: Vec<Vec<char>> = all.chunks(997).map(<[char]>::to_vec).collect();
        paragraphs.push(all.iter().rev().step_by(7).copied().collect());
        let files = vec![(0, 0, paragraphs)];
        let segment = BigramSegment::open(build(&files)).expect("valid segment");
        for at in (0..all.len() - 5).step_by(4999) {
            for len in 1..5 {
                let phrase = &all[at..at + len];
                assert_eq!(segment.find(phrase).expect("find"), naive(&files, phrase));
            }
        }
    }

    /// A small segment with packed runs, paragraph lists, several files and an empty
    /// paragraph.
    fn sample_segment() -> Vec<u8> {
        let many: Vec<char> = "中國a".repeat(50).chars().collect();
        build_listing(
            &[
                (2, 1, vec![chars("中國中國"), vec![]]),
                (5, 0, vec![many, chars("a𠀀")]),
            ],
            2,
        )
    }

    #[test]
    fn truncated_segments_are_rejected() {
        let bytes = sample_segment();
        for len in 0..bytes.len() {
            let error = BigramSegment::open(&bytes[..len]).err().expect("truncated");
            assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        }
    }

    #[test]
    fn damaged_segments_never_panic() {
        let bytes = sample_segment();
        let phrases = ["中", "中國", "國中國", "中國a中", "a", "a𠀀", "𠀀"].map(chars);
        for i in 0..bytes.len() {
            for mask in [0x01, 0x10, 0x80, 0xFF] {
                let mut damaged = bytes.clone();
                damaged[i] ^= mask;
                if let Ok(segment) = BigramSegment::open(damaged) {
                    for phrase in &phrases {
                        if let Ok(hits) = segment.find(phrase) {
                            let _ = segment.find_each(phrase, Some(&hits), &mut |_| ());
                        }
                    }
                }
            }
        }
    }

    const SMALL: &[char] = &['a', 'b', 'c', '中', '國', '𠀀', '𪚥'];
    const DENSE: &[char] = &['a', '中', '𠀀'];
    const WIDE: &[char] = &[
        'a',
        'b',
        'c',
        'd',
        'e',
        'f',
        'g',
        'h',
        'i',
        'j',
        'k',
        'l',
        'm',
        'n',
        'o',
        'p',
        '一',
        '二',
        '三',
        '中',
        '國',
        '人',
        '民',
        '法',
        '𠀀',
        '𠀁',
        '𪚥',
        '\u{10FFFF}',
    ];

    /// Files over one of the alphabets (short paragraphs with many boundaries, long ones with
    /// packed runs, or many distinct terms and dictionary blocks), and random phrases.
    fn corpus() -> impl Strategy<Value = (Vec<File>, Vec<Vec<char>>)> {
        prop_oneof![
            Just((SMALL, 40usize)),
            Just((DENSE, 800)),
            Just((WIDE, 200))
        ]
        .prop_flat_map(|(alphabet, max_len)| {
            let text = |len| prop::collection::vec(prop::sample::select(alphabet), len);
            let file = (
                any::<u32>(),
                0u32..1000,
                prop::collection::vec(text(0..max_len), 0..6),
            );
            (
                prop::collection::vec(file, 0..5),
                prop::collection::vec(text(1..7), 1..6),
            )
        })
    }

    #[test]
    fn sparse_matches_among_many_paragraphs_find_their_paragraphs() {
        // Thousands of paragraphs, some empty (equal starts), and phrases whose matches lie far
        // apart, near each other, at the first and at the last paragraph.
        let mut paragraphs = random_paragraphs(12345, 5000, 12, "政策法规条例办法通知");
        for k in [0, 1, 2, 700, 701, 2500, 4096, 4999] {
            paragraphs[k].extend(chars("鲸鱼"));
        }
        paragraphs[3000].extend(chars("鲸鱼鲸鱼"));
        let files: Vec<File> = vec![
            (1, 0, paragraphs[..2000].to_vec()),
            (7, 5, paragraphs[2000..].to_vec()),
        ];
        let segment = BigramSegment::open(build(&files)).expect("valid segment");
        // One char has enough matches to be mapped through the bucket table, the others not.
        let dense = paragraphs.iter().flatten().filter(|&&c| c == '政').count();
        assert!(dense >= BUCKETS_FROM, "{dense}");
        // With paragraph lists for every bigram, those of hundreds of paragraphs take packed
        // runs; a look-up within every third paragraph reads them too.
        let listing = BigramSegment::open(build_listing(&files, 1)).expect("valid segment");
        let within: Vec<Hit> = (every_paragraph(&files).into_iter())
            .filter(|h| h.index % 3 == 1)
            .collect();
        for phrase in ["鲸鱼", "鲸", "鱼", "政策", "法规条", "鱼政", "政"] {
            let phrase = chars(phrase);
            let expected = naive(&files, &phrase);
            assert_eq!(segment.find(&phrase).expect("find"), expected);
            assert_eq!(listing.find(&phrase).expect("find"), expected);
            let mut found = Vec::new();
            (listing.find_each(&phrase, Some(&within), &mut |h| found.push(h))).expect("find");
            let kept = expected.iter().filter(|h| h.index % 3 == 1).copied();
            assert_eq!(found, kept.collect::<Vec<_>>());
        }
        assert_eq!(segment.paragraph_list_bytes().expect("sizes"), 0);
        let list_bytes = listing.paragraph_list_bytes().expect("sizes");
        assert!(list_bytes > 0 && list_bytes < listing.stats().postings_bytes);
        let listed = |segment: &BigramSegment<Vec<u8>>| {
            let cover = segment
                .cover(&chars("政策"))
                .expect("cover")
                .expect("found");
            segment.paragraph_list(&cover[0].1).expect("list").is_some()
        };
        assert!(!listed(&segment) && listed(&listing));
        // Paragraphs by file and number.
        for (file, para, index) in [
            (1, 0, Some(0)),
            (1, 1999, Some(1999)),
            (1, 2000, None),
            (7, 4, None),
            (7, 5, Some(2000)),
            (7, 3004, Some(4999)),
            (7, 3005, None),
            (2, 0, None),
        ] {
            assert_eq!(segment.index_of(file, para), index, "{file} {para}");
        }
        // The floor under any per-term code lies below the code used, and not far below.
        let floor = segment.postings_floor_bits().expect("floor");
        let used = 8.0 * segment.stats().postings_bytes as f64;
        assert!(floor > used / 3.0 && floor < used, "{floor} {used}");
    }

    #[test]
    fn common_chars_are_found_through_a_bitmap() {
        // 20,000 paragraphs of 0-9 chars from three: each char has ~30,000 positions, far
        // past the bitmap's threshold; one rare char stays below it.
        let mut paragraphs = random_paragraphs(99, 20_000, 10, "之的或");
        for k in [0, 63, 64, 9_999, 19_999] {
            paragraphs[k].push('鲸');
        }
        let files: Vec<File> = vec![
            (1, 0, paragraphs[..7_000].to_vec()),
            (2, 0, paragraphs[7_000..].to_vec()),
        ];
        let segment = BigramSegment::open(build(&files)).expect("valid segment");
        let dense = paragraphs.iter().flatten().filter(|&&c| c == '之').count();
        assert!(dense >= DENSE_CHAR_POSITIONS, "{dense}");
        for within_every in [1, 2, 7, 5_000] {
            let within: Vec<Hit> = (every_paragraph(&files).into_iter())
                .filter(|h| h.index % within_every == 0)
                .collect();
            for phrase in ["之", "的", "或", "鲸"] {
                let phrase = chars(phrase);
                let expected = naive(&files, &phrase);
                assert_eq!(segment.find(&phrase).expect("find"), expected);
                let mut found = Vec::new();
                (segment.find_each(&phrase, Some(&within), &mut |h| found.push(h))).expect("find");
                let kept = expected.iter().filter(|h| h.index % within_every == 0);
                assert_eq!(found, kept.copied().collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn bits_are_counted_between_any_bounds() {
        let bits = [u64::MAX, 0b1011, 1 << 63];
        let naive = |from: u64, to: u64| {
            (from..to)
                .filter(|&i| {
                    bits.get((i >> 6) as usize)
                        .is_some_and(|w| w >> (i & 63) & 1 == 1)
                })
                .count() as u32
        };
        for from in 0..200 {
            for to in from..200 {
                assert_eq!(count_bits(&bits, from, to), naive(from, to), "{from}..{to}");
            }
        }
    }

    proptest! {
        #[test]
        fn find_matches_a_naive_scan(
            (files, mut phrases) in corpus(),
            picks in prop::collection::vec((any::<prop::sample::Index>(), 1usize..7), 6),
            lists_from in prop_oneof![Just(1u32), Just(2), Just(5), Just(LISTS_FROM)],
        ) {
            let segment = BigramSegment::open(build_listing(&files, lists_from))
                .expect("valid segment");
            let text: Vec<&Vec<char>> = files.iter().flat_map(|file| &file.2).collect();
            for (pick, len) in picks {
                let Some(paragraph) = text.get(pick.index(text.len().max(1))) else { continue };
                if !paragraph.is_empty() {
                    let start = pick.index(paragraph.len());
                    phrases.push(paragraph[start..(start + len).min(paragraph.len())].to_vec());
                }
            }
            for (i, phrase) in phrases.iter().enumerate() {
                let expected = naive(&files, phrase);
                prop_assert_eq!(segment.find(phrase).expect("find"), expected.clone());
                // Within every other paragraph, offset by the phrase's number.
                let within: Vec<Hit> = every_paragraph(&files)
                    .into_iter()
                    .filter(|h| (h.index + i as u32).is_multiple_of(2))
                    .collect();
                let restricted: Vec<Hit> = expected
                    .iter()
                    .copied()
                    .filter(|h| within.iter().any(|w| w.index == h.index))
                    .collect();
                let mut found = Vec::new();
                segment.find_each(phrase, Some(&within), &mut |h| found.push(h)).expect("find");
                prop_assert_eq!(found, restricted.clone());
                // Without bounds, within hits without theirs: the same once they are read.
                let bare: Vec<Hit> = (within.iter())
                    .map(|h| Hit { start: UNKNOWN, len: UNKNOWN, ..*h })
                    .collect();
                for (allowed, expected) in [(None, &expected), (Some(&bare[..]), &restricted)] {
                    let mut found = Vec::new();
                    (segment.find_each_unbounded(phrase, allowed, &mut |h| found.push(h)))
                        .expect("find");
                    for h in found.iter_mut().filter(|h| h.start == UNKNOWN) {
                        (h.start, h.len) = segment.bounds(h.index).expect("bounds");
                    }
                    prop_assert_eq!(&found, expected);
                }
                let occurrences: u64 = expected.iter().map(|h| u64::from(h.count)).sum();
                let estimate = segment.estimate(phrase).expect("estimate");
                prop_assert!(estimate >= occurrences, "{} < {}", estimate, occurrences);
                if phrase.len() <= 2 {
                    prop_assert_eq!(estimate, occurrences);
                }
            }
            let n_chars: usize = text.iter().map(|paragraph| paragraph.len()).sum();
            prop_assert_eq!(segment.stats().positions, n_chars as u64);
            prop_assert_eq!(segment.paragraphs(), text.len());
        }
    }
}
