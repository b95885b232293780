//! The codes of the lists: ascending numbers as deltas in bit-packed runs of 128 with a
//! varint tail, and small numbers (counts) likewise.

use std::io;

use bitpacking::{BitPacker, BitPacker4x};

use super::super::varint::{put_varint, read_varint};
use super::{invalid, MIN_PACKED_BYTES, PACKED_LEN};

/// Appends ascending `values` as deltas, the first from 0: full runs of 128 bit-packed after
/// a byte of their bit width, the rest as varints.
pub(super) fn put_sorted(
    out: &mut Vec<u8>,
    values: &[u32],
    packer: &BitPacker4x,
    packed: &mut [u8],
) {
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
pub(super) fn put_small(
    out: &mut Vec<u8>,
    values: &[u32],
    packer: &BitPacker4x,
    packed: &mut [u8],
) {
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

/// Decodes `count` values written by [`put_sorted`] at `*at` onto `out` and moves past them;
/// an error unless they ascend strictly and stay below `bound`.
pub(super) fn decode_sorted(
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
pub(super) fn decode_small(
    bytes: &[u8],
    at: &mut usize,
    count: usize,
    out: &mut Vec<u32>,
) -> io::Result<()> {
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
