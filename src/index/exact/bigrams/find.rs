//! Look-ups: the paragraphs holding a phrase and how often, driven by the rarest of the
//! bigrams that cover it, with paragraph lists, bucket tables and bitmaps for common ones;
//! estimates of their matches.

use std::io;

use super::*;

/// The keys of the bigrams of `phrase` (two chars or more) that estimates read: at offsets
/// 0, 2, 4, … and len − 2.
pub(super) fn estimate_keys(phrase: &[char]) -> impl Iterator<Item = u64> + '_ {
    let last = phrase.len().saturating_sub(2);
    (0..phrase.len().saturating_sub(1))
        .step_by(2)
        .chain([last])
        .map(|at| term_key(phrase[at].into(), phrase[at + 1].into()))
}

/// The first index in `from..len` whose value is at least `target` (`len` if none), by
/// exponential then binary search; `value` must ascend over `from..len`.
#[inline]
pub(super) fn gallop<T: Ord>(
    mut from: usize,
    len: usize,
    target: T,
    value: impl Fn(usize) -> T,
) -> usize {
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
pub(super) fn matches_at(others: &[(u32, Vec<u32>)], cursors: &mut [usize], start: u32) -> bool {
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
pub(super) fn positions_in(list: &[u32], offset: u32, ranges: &[(u64, u64)]) -> Vec<u32> {
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
pub(super) fn count_at_most(table: &[u8], value: u32) -> usize {
    table
        .chunks_exact(4)
        .map(|c| u32::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]]) <= value))
        .sum::<u32>() as usize
}

/// How many listed paragraphs ahead of the one being read [`BigramSegment::prefetch_hit`]
/// asks for: far enough for memory to answer before the paragraph's turn comes.
const PREFETCH_AHEAD: usize = 16;

/// From this many positions, [`BigramSegment::char_positions`] orders the positions of a
/// char through a bitmap rather than a sort.
pub(super) const DENSE_CHAR_POSITIONS: usize = 1 << 13;

/// The set bits of `bits` in `[from, to)` (bits past its end count as clear).
pub(super) fn count_bits(bits: &[u64], from: u64, to: u64) -> u32 {
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

impl<B: AsRef<[u8]>> BigramSegment<B> {
    /// How `check` judges the occurrence starting at `start`: `None` when it does not count,
    /// else whether it is whole (a word starts where it starts and right after it).
    #[inline]
    pub(super) fn judge(&self, check: Option<&WordCheck>, start: u32) -> Option<bool> {
        let Some(c) = check else {
            return Some(true);
        };
        let begins = self.word_start(start);
        let ends = self.word_start(start.saturating_add(c.len));
        if (c.strict_start && !begins) || (c.strict_end && !ends) {
            return None;
        }
        if let Some(rules) = &c.rules {
            if !self.rules_accept(rules, start) {
                return None;
            }
        }
        Some(begins && ends)
    }

    /// Whether the characters of the occurrence starting at `start` meet `rules` (a term
    /// typed in Traditional script). Apart from [`Self::judge`], which runs for every
    /// occurrence of every checked term and stays small enough to be inlined there.
    #[inline(never)]
    fn rules_accept(&self, rules: &[crate::analysis::distinct::CharRule], start: u32) -> bool {
        let mut traditional = None;
        for r in rules {
            let p = start.saturating_add(r.offset);
            let recorded = match self.class_at(p) {
                Some(class) => Some(class),
                // Nothing recorded: the first class in a Traditional paragraph, anything in
                // another.
                None if r.class == 0 => None,
                None => {
                    let t = *traditional
                        .get_or_insert_with(|| self.is_traditional(self.paragraph_at(p)));
                    if !t {
                        continue;
                    }
                    None
                }
            };
            if !r.accepts(recorded) {
                return false;
            }
        }
        true
    }

    /// Paragraphs containing `phrase` (normalized chars, no white space), in segment order,
    /// each once with its number of occurrences, overlapping ones included. An empty phrase
    /// matches nothing. Errors only when the file is damaged.
    pub fn find(&self, phrase: &[char]) -> io::Result<Vec<Hit>> {
        let mut hits = Vec::new();
        self.find_each(phrase, None, None, &mut |h| hits.push(h))?;
        Ok(hits)
    }

    /// The hits of [`Self::find`], handed to `f` in the same order instead of collected; only
    /// those in the paragraphs of `within` when it is given: hits of this segment, in order
    /// (of which only the index and bounds count); occurrences judged by `check` when given.
    pub fn find_each(
        &self,
        phrase: &[char],
        within: Option<&[Hit]>,
        check: Option<&WordCheck>,
        f: &mut impl FnMut(Hit),
    ) -> io::Result<()> {
        let starts = self.section(&self.starts)?;
        self.find_each_unbounded(phrase, within, check, &mut |mut h| {
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
        check: Option<&WordCheck>,
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
                return self.each_listed_hit(cover, &paras, &counts, within, check, f);
            }
        }
        let cover = cover.as_deref();
        match within {
            Some(within) => self.each_hit_within(phrase, cover, within, check, f),
            None => {
                let starts = self.match_starts(phrase, cover, None)?;
                self.each_hit(&starts, phrase.len(), check, f)
            }
        }
    }

    /// The hits of a phrase whose rarest cover bigram (the first of `cover`) lists its
    /// paragraphs (`paras`, and the bigram's occurrences in each); only those in the
    /// paragraphs of `within` when given. The bigram's positions come in the list's order, so
    /// each match's paragraph is known without a search, and only the positions in allowed
    /// paragraphs are checked against the other cover bigrams. A hit's bounds are those of
    /// its `within` hit, or [`UNKNOWN`]: reading them here missed the cache at almost every
    /// hit, and most hits of a common word are dropped by the look-ups after it.
    pub(super) fn each_listed_hit(
        &self,
        cover: &[(u32, TermEntry)],
        paras: &[u32],
        counts: &[u32],
        within: Option<&[Hit]>,
        check: Option<&WordCheck>,
        f: &mut impl FnMut(Hit),
    ) -> io::Result<()> {
        let Some(((driver_offset, driver), others)) = cover.split_first() else {
            return Ok(());
        };
        let mut file = 0;
        let mut emit = |k: u32, (count, whole): (u32, u32), start: u32, len: u32| {
            if let Some(mut hit) = self.hit_at(k as usize, &mut file) {
                (hit.count, hit.whole, hit.start, hit.len) = (count, whole, start, len);
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
        if others.is_empty() && check.is_none() {
            // A bigram alone: its occurrences are the matches.
            match within {
                None => {
                    for (j, (&k, &n)) in paras.iter().zip(counts).enumerate() {
                        if let Some(&ahead) = paras.get(j + PREFETCH_AHEAD) {
                            self.prefetch_hit(ahead, None);
                        }
                        emit(k, (n, n), UNKNOWN, UNKNOWN);
                    }
                }
                Some(within) => each_allowed(within, &mut |j, a| {
                    let n = counts.get(j).copied().unwrap_or(1);
                    emit(a.index, (n, n), a.start, a.len)
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
        let mut matches = |j: usize| -> (u32, u32) {
            let (from, n) = (first[j], counts[j] as usize);
            let run = positions.get(from..from + n).unwrap_or_default();
            let starts = run.iter().filter_map(|pos| pos.checked_sub(*driver_offset));
            let (mut count, mut whole) = (0, 0);
            for start in starts.filter(|&start| matches_at(&others, &mut cursors, start)) {
                if let Some(w) = self.judge(check, start) {
                    count += 1;
                    whole += u32::from(w);
                }
            }
            (count, whole)
        };
        match within {
            None => {
                for (j, &k) in paras.iter().enumerate() {
                    if let Some(&ahead) = paras.get(j + PREFETCH_AHEAD) {
                        let occurrence = (first.get(j + PREFETCH_AHEAD))
                            .filter(|_| check.is_some())
                            .and_then(|&at| positions.get(at))
                            .and_then(|p| p.checked_sub(*driver_offset));
                        self.prefetch_hit(ahead, occurrence);
                    }
                    let n = matches(j);
                    if n.0 > 0 {
                        emit(k, n, UNKNOWN, UNKNOWN);
                    }
                }
            }
            Some(within) => each_allowed(within, &mut |j, a| {
                let n = matches(j);
                if n.0 > 0 {
                    emit(a.index, n, a.start, a.len);
                }
            }),
        }
        Ok(())
    }

    /// The match starts of `phrase`, with its `cover` (see [`Self::cover`]; `None` for one
    /// char); with `ranges`, only those some range `[from, to)` holds (or more, never fewer).
    pub(super) fn match_starts(
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
    pub(super) fn each_hit_within(
        &self,
        phrase: &[char],
        cover: Option<&[(u32, TermEntry)]>,
        within: &[Hit],
        check: Option<&WordCheck>,
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
                if total >= DENSE_CHAR_POSITIONS && check.is_none() {
                    // A common char: each paragraph's occurrences are the set bits between
                    // its bounds.
                    return self.with_bitmap(&entries, |bits| {
                        for allowed in within {
                            let (from, to) = bounds(allowed);
                            let count = count_bits(bits, from, to - 1);
                            let counted = (count, count);
                            if !self.emit_counted(allowed, from, to, counted, &mut file, f) {
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
            let (mut count, mut whole) = (0u32, 0u32);
            while let Some(&s) = starts.get(cursor).filter(|&&s| u64::from(s) < to) {
                // A match across the gap after the paragraph is only in a damaged file.
                if u64::from(s) + len < to {
                    if let Some(w) = self.judge(check, s) {
                        count = count.saturating_add(1);
                        whole = whole.saturating_add(u32::from(w));
                    }
                }
                cursor += 1;
            }
            if !self.emit_counted(allowed, from, to, (count, whole), &mut file, f) {
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
    pub(super) fn emit_counted(
        &self,
        allowed: &Hit,
        from: u64,
        to: u64,
        (count, whole): (u32, u32),
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
                hit.whole = whole;
                hit.len = to.saturating_sub(from + 1) as u32;
                hit.start = from as u32;
                f(hit);
            }
        }
        true
    }

    /// A hit in paragraph `para` (one occurrence, length unset), its file record found by
    /// walking forward from `*file`, where the walk for an earlier paragraph ended.
    pub(super) fn hit_at(&self, para: usize, file: &mut usize) -> Option<Hit> {
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
            whole: 1,
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
    pub(super) fn char_entries(&self, c: char) -> io::Result<(Vec<TermEntry>, usize)> {
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
    pub(super) fn with_bitmap<R>(
        &self,
        entries: &[TermEntry],
        f: impl FnOnce(&[u64]) -> R,
    ) -> io::Result<R> {
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
    pub(super) fn char_positions(&self, c: char) -> io::Result<Vec<u32>> {
        let (entries, total) = self.char_entries(c)?;
        self.sorted_positions(&entries, total)
    }

    /// The positions of `entries` (`total` of them), in order.
    pub(super) fn sorted_positions(
        &self,
        entries: &[TermEntry],
        total: usize,
    ) -> io::Result<Vec<u32>> {
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
    pub(super) fn cover(&self, phrase: &[char]) -> io::Result<Option<Vec<(u32, TermEntry)>>> {
        if phrase.len() > self.n_positions as usize {
            return Ok(None);
        }
        let offsets = crate::analysis::bigram::cover_offsets(phrase.len());
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
    pub(super) fn decode_cover(
        &self,
        cover: &[(u32, TermEntry)],
    ) -> io::Result<Vec<(u32, Vec<u32>)>> {
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
    pub(super) fn phrase_starts(
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
    pub(super) fn each_hit(
        &self,
        match_starts: &[u32],
        len: usize,
        check: Option<&WordCheck>,
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
            let Some(whole) = self.judge(check, start) else {
                continue;
            };
            let start = u64::from(start);
            if start < para_end {
                // Another occurrence in the same paragraph (the usual case of a dense list).
                if start + len as u64 >= para_end {
                    continue; // across a gap: only in a damaged file
                }
                if let Some(hit) = &mut pending {
                    hit.count = hit.count.saturating_add(1);
                    hit.whole = hit.whole.saturating_add(u32::from(whole));
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
            hit.whole = u32::from(whole);
            pending = Some(hit);
        }
        if let Some(done) = pending {
            f(done);
        }
        Ok(())
    }
}
