//! Building a segment file: [`BigramBuilder`] collects paragraphs, gives distinct chars dense
//! ids, groups positions by term with a counting sort and writes the lists (format in the
//! parent module).

use bitpacking::{BitPacker, BitPacker4x};

use super::super::varint::put_varint;
use super::codec::{put_small, put_sorted};
use super::*;

/// Collects the paragraphs of one segment and encodes them with [`BigramBuilder::finish`].
#[derive(Debug)]
pub struct BigramBuilder {
    /// One entry per position: the char as `u32`, or [`GAP`] after each paragraph.
    text: Vec<u32>,
    /// The first position of each paragraph.
    starts: Vec<u32>,
    /// A bit per position: whether a word starts there (gaps included).
    words: Vec<u64>,
    /// Per paragraph: its [`ParagraphInfo`] packed, and its length.
    infos: Vec<(u32, u32)>,
    /// A bit per paragraph: whether it is Traditional ([`Self::mark_traditional`]).
    traditional: Vec<u64>,
    /// Positions of Traditional paragraphs where a distinct group's character stands in
    /// another class than the first, with that class, ascending.
    classes: Vec<(u32, u8)>,
    files: Vec<FileRecord>,
    /// Bigrams with at least this many positions list their paragraphs.
    lists_from: u32,
}

impl Default for BigramBuilder {
    fn default() -> Self {
        BigramBuilder {
            text: Vec::new(),
            starts: Vec::new(),
            words: Vec::new(),
            infos: Vec::new(),
            traditional: Vec::new(),
            classes: Vec::new(),
            files: Vec::new(),
            lists_from: LISTS_FROM,
        }
    }
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
        self.add_paragraph_with(chars, None, ParagraphKindCode::Body);
    }

    /// [`BigramBuilder::add_paragraph`] with where its words start (`word_starts[i]` for char
    /// `i`; `None`: at every char, so every occurrence counts as whole) and its kind. Same
    /// panics, and if `word_starts` is not one flag per char.
    pub fn add_paragraph_with(
        &mut self,
        chars: &[char],
        word_starts: Option<&[bool]>,
        kind: ParagraphKindCode,
    ) {
        let from = self.text.len();
        self.add_paragraph_iter(chars.iter().copied());
        if let Some(flags) = word_starts {
            assert_eq!(flags.len(), chars.len(), "one word-start flag per char");
        }
        let to = self.text.len(); // after the gap
        self.words.resize(to.div_ceil(64), 0);
        for (i, p) in (from..to).enumerate() {
            // The gap after the paragraph ends its last word.
            let starts = word_starts.is_none_or(|flags| flags.get(i).copied().unwrap_or(true));
            if starts {
                self.words[p >> 6] |= 1 << (p & 63);
            }
        }
        (self.infos).push((ParagraphInfo::pack(chars, kind), chars.len() as u32));
    }

    /// Marks the paragraph added last as Traditional, with the class of each group character
    /// of `analysis::distinct` that is not in its group's first class: `(i, class)` for its
    /// char `i`, ascending. Look-ups with character rules check them.
    ///
    /// # Panics
    ///
    /// If no paragraph was added, or if an `i` is past its chars or out of order.
    pub fn mark_traditional(&mut self, classes: &[(u32, u8)]) {
        let k = self.starts.len().checked_sub(1).expect("no paragraph");
        self.traditional.resize((k + 1).div_ceil(64), 0);
        self.traditional[k >> 6] |= 1 << (k & 63);
        let (start, end) = (self.starts[k], self.text.len() as u32 - 1);
        let mut last = None;
        for &(i, class) in classes {
            let p = start + i;
            assert!(p < end && last.is_none_or(|l| l < p), "class positions");
            last = Some(p);
            self.classes.push((p, class));
        }
    }

    /// Pushes the next paragraph's chars and the gap after them.
    fn add_paragraph_iter<I: IntoIterator<Item = char>>(&mut self, chars: I) {
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
        let mut words = self.words;
        words.resize((positions as usize).div_ceil(64), 0);
        let writer_paragraphs = starts.len() as u32 - 1;
        let postings_len = (out.len() - postings_start) as u64;
        let blocks = (index.len() / BLOCK_RECORD_LEN) as u32;
        out.extend_from_slice(&index);
        out.extend_from_slice(&dict);
        for word in &words {
            out.extend_from_slice(&word.to_le_bytes());
        }
        for (info, len) in &self.infos {
            out.extend_from_slice(&info.to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes());
        }
        let mut traditional = self.traditional;
        traditional.resize((writer_paragraphs as usize).div_ceil(64), 0);
        for word in &traditional {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&(self.classes.len() as u32).to_le_bytes());
        for &(p, _) in &self.classes {
            out.extend_from_slice(&p.to_le_bytes());
        }
        out.extend(self.classes.iter().map(|&(_, c)| c));
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
