//! LEB128 varints, the one variable-length integer code of the exact index's files (bigram
//! segments and text stores).

use std::io;

/// Appends `value` as a LEB128 varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads the LEB128 varint at `*at` and moves past it.
pub(crate) fn read_varint(bytes: &[u8], at: &mut usize) -> io::Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes
            .get(*at)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "truncated varint"))?;
        *at += 1;
        value |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "varint too long",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_read_back_and_reject_truncation() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            out.clear();
            put_varint(&mut out, v);
            let mut at = 0;
            assert_eq!(read_varint(&out, &mut at).unwrap(), v);
            assert_eq!(at, out.len());
            let mut at = 0;
            if out.len() > 1 {
                assert!(read_varint(&out[..out.len() - 1], &mut at).is_err());
            }
        }
        let mut at = 0;
        assert!(read_varint(&[0xFF; 11], &mut at).is_err());
    }
}
