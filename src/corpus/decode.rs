//! Decoding file bytes into text: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM,
//! GB18030 (and its subset GBK) and Big5, detected without being told.
//!
//! The order of tries: a UTF-16 BOM; NUL bytes (binary); strict UTF-8 (a UTF-8 BOM is
//! removed and reported); then `chardetng`'s guess, restricted to the Chinese encodings, and
//! the other Chinese encoding as a fallback. Every decode is *without replacement*: a file
//! that would need U+FFFD anywhere is refused, never silently damaged.
//!
//! This module does not read files, split lines or look at the meaning of the text.

use encoding_rs::{BIG5, GB18030, UTF_16BE, UTF_16LE};

/// An encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 without BOM (also the encoding of an empty file).
    Utf8,
    /// UTF-8 with a byte-order mark (the BOM is not part of the text).
    Utf8Bom,
    /// UTF-16 little endian with a byte-order mark.
    Utf16LeBom,
    /// UTF-16 big endian with a byte-order mark.
    Utf16BeBom,
    /// GB18030, which includes GBK and GB2312: GBK files are reported as GB18030.
    Gb18030,
    /// Big5 (as the WHATWG standard defines it, with the HKSCS extensions).
    Big5,
}

impl Encoding {
    /// The name shown to users and stored in the index: `UTF-8`, `UTF-8 BOM`,
    /// `UTF-16LE BOM`, `UTF-16BE BOM`, `GB18030` or `Big5`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 BOM",
            Encoding::Utf16LeBom => "UTF-16LE BOM",
            Encoding::Utf16BeBom => "UTF-16BE BOM",
            Encoding::Gb18030 => "GB18030",
            Encoding::Big5 => "Big5",
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a file's bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A NUL byte (or, in UTF-16, a U+0000 character) at this byte offset: a binary file.
    #[error(
        "contains NUL bytes at byte {offset}: binary file (UTF-16 text is read only with a byte-order mark)"
    )]
    Binary {
        /// Byte offset of the first NUL in the file.
        offset: usize,
    },
    /// A UTF-16 BOM followed by bytes that are not UTF-16 (odd length, lone surrogates).
    #[error("starts with a {encoding} byte-order mark but is not valid {encoding}")]
    MalformedUtf16 {
        /// `UTF-16LE` or `UTF-16BE`.
        encoding: &'static str,
    },
    /// Not text in any supported encoding. `offset` and `line` (1-based) locate the first byte
    /// that is not UTF-8, which is where a file cut short or damaged usually goes wrong.
    #[error(
        "not valid UTF-8 from byte {offset} (line {line}), nor GB18030 or Big5: cannot decode as text"
    )]
    Undecodable {
        /// Byte offset of the first byte that is not UTF-8.
        offset: usize,
        /// Its line, from 1.
        line: usize,
    },
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes`, detecting the encoding. The returned text never contains a BOM.
///
/// ```
/// use zhengce::corpus::{decode, Encoding};
/// let (text, enc) = decode("第一条".as_bytes()).unwrap();
/// assert_eq!((text.as_str(), enc), ("第一条", Encoding::Utf8));
/// ```
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, Encoding::Utf16LeBom);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, Encoding::Utf16BeBom);
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(DecodeError::Binary { offset });
    }
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        // A UTF-8 BOM is a promise: we do not second-guess it with other encodings.
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), Encoding::Utf8Bom))
            .map_err(|e| undecodable(bytes, UTF8_BOM.len() + e.valid_up_to()));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), Encoding::Utf8)),
        Err(e) => decode_chinese(bytes).ok_or_else(|| undecodable(bytes, e.valid_up_to())),
    }
}

/// [`DecodeError::Undecodable`] at byte `offset` of `bytes`.
fn undecodable(bytes: &[u8], offset: usize) -> DecodeError {
    let line = 1 + memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count();
    DecodeError::Undecodable { offset, line }
}

/// Like [`decode`], but takes the bytes: plain UTF-8 (the common case) becomes the text
/// without a copy, and other encodings drop the bytes as soon as they are decoded, so a large
/// file is never held twice.
pub fn decode_owned(bytes: Vec<u8>) -> Result<(String, Encoding), DecodeError> {
    let plain = !bytes.starts_with(b"\xFF\xFE")
        && !bytes.starts_with(b"\xFE\xFF")
        && !bytes.starts_with(UTF8_BOM)
        && memchr::memchr(0, &bytes).is_none();
    if plain {
        match String::from_utf8(bytes) {
            Ok(text) => Ok((text, Encoding::Utf8)),
            Err(e) => decode(e.as_bytes()),
        }
    } else {
        decode(&bytes)
    }
}

fn decode_utf16(rest: &[u8], encoding: Encoding) -> Result<(String, Encoding), DecodeError> {
    let (codec, label) = match encoding {
        Encoding::Utf16BeBom => (UTF_16BE, "UTF-16BE"),
        _ => (UTF_16LE, "UTF-16LE"),
    };
    let malformed = DecodeError::MalformedUtf16 { encoding: label };
    if !rest.len().is_multiple_of(2) {
        return Err(malformed);
    }
    let text = codec
        .decode_without_bom_handling_and_without_replacement(rest)
        .ok_or(malformed)?;
    if let Some(pos) = text.find('\0') {
        // Report the byte offset in the file: 2 bytes of BOM plus 2 bytes per UTF-16 unit.
        let units: usize = text[..pos].chars().map(char::len_utf16).sum();
        return Err(DecodeError::Binary {
            offset: 2 + 2 * units,
        });
    }
    Ok((text.into_owned(), encoding))
}

/// GB18030 or Big5: chardetng's guess first, then the other; the first clean decode wins.
fn decode_chinese(bytes: &[u8]) -> Option<(String, Encoding)> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let order = if guess == BIG5 {
        [Encoding::Big5, Encoding::Gb18030]
    } else {
        // GBK, GB18030 or a non-Chinese guess (windows-1252, Shift_JIS, ...): the mainland
        // encoding is the more common one in policy texts.
        [Encoding::Gb18030, Encoding::Big5]
    };
    for encoding in order {
        let codec = if encoding == Encoding::Big5 {
            BIG5
        } else {
            GB18030
        };
        if let Some(text) = codec.decode_without_bom_handling_and_without_replacement(bytes) {
            return Some((text.into_owned(), encoding));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIMP: &str =
        "第一章 总则\r\n第一条 为了规范人工智能发展，制定本法。\n（一）部分关键软硬件";
    const TRAD: &str =
        "第 一 章 總綱\r\n第 1 條\r\n中華民國基於三民主義，為民有民治民享之民主共和國。";

    fn encode(codec: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = codec.encode(text);
        assert!(!unmappable, "test text must be representable");
        bytes.into_owned()
    }

    #[test]
    fn utf8_plain_and_with_bom() {
        assert_eq!(
            decode(SIMP.as_bytes()),
            Ok((SIMP.to_string(), Encoding::Utf8))
        );
        let mut b = UTF8_BOM.to_vec();
        b.extend_from_slice(TRAD.as_bytes());
        assert_eq!(decode(&b), Ok((TRAD.to_string(), Encoding::Utf8Bom)));
    }

    #[test]
    fn empty_input_is_empty_utf8() {
        assert_eq!(decode(b""), Ok((String::new(), Encoding::Utf8)));
        assert_eq!(decode(UTF8_BOM), Ok((String::new(), Encoding::Utf8Bom)));
    }

    #[test]
    fn utf16_both_endians_with_bom() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(SIMP.encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&le), Ok((SIMP.to_string(), Encoding::Utf16LeBom)));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(TRAD.encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(decode(&be), Ok((TRAD.to_string(), Encoding::Utf16BeBom)));
    }

    #[test]
    fn malformed_utf16_is_refused() {
        let odd = [0xFF, 0xFE, 0x41, 0x00, 0x42];
        assert!(matches!(
            decode(&odd),
            Err(DecodeError::MalformedUtf16 { .. })
        ));
        let lone_surrogate = [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00];
        assert!(decode(&lone_surrogate).is_err());
        let nul = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0x00];
        assert_eq!(decode(&nul), Err(DecodeError::Binary { offset: 4 }));
    }

    #[test]
    fn gb18030_and_gbk() {
        let bytes = encode(GB18030, SIMP);
        assert_eq!(decode(&bytes), Ok((SIMP.to_string(), Encoding::Gb18030)));
        let gbk = encode(encoding_rs::GBK, SIMP);
        assert_eq!(decode(&gbk), Ok((SIMP.to_string(), Encoding::Gb18030)));
    }

    #[test]
    fn big5() {
        let bytes = encode(BIG5, TRAD);
        assert_eq!(decode(&bytes), Ok((TRAD.to_string(), Encoding::Big5)));
    }

    #[test]
    fn binary_is_refused_with_offset() {
        let err = decode(b"PK\x03\x04\x00\x00").unwrap_err();
        assert_eq!(err, DecodeError::Binary { offset: 4 });
        assert!(err.to_string().contains("byte 4"), "{err}");
    }

    #[test]
    fn undecodable_bytes_are_refused() {
        // 0xFF is not a lead byte in GB18030 nor Big5, and not UTF-8.
        assert_eq!(
            decode(b"\xFF\xFF\xFF abc"),
            Err(DecodeError::Undecodable { offset: 0, line: 1 })
        );
        // A UTF-8 file cut inside its last character: the offset and line say where.
        let mut cut = "第一条\n第二条\n".as_bytes().to_vec();
        cut.extend_from_slice(&"第".as_bytes()[..2]);
        let e = decode(&cut).unwrap_err();
        assert_eq!(
            e,
            DecodeError::Undecodable {
                offset: 20,
                line: 3
            }
        );
        assert!(e.to_string().contains("byte 20 (line 3)"), "{e}");
    }

    #[test]
    fn decode_owned_agrees_with_decode() {
        let gb = encoding_rs::GB18030.encode("数据安全").0.into_owned();
        for bytes in [
            "数据安全".as_bytes().to_vec(),
            [UTF8_BOM, "數據".as_bytes()].concat(),
            gb,
            b"a\x00b".to_vec(),
            vec![0xff, 0xfe, 0x41, 0x00],
        ] {
            assert_eq!(decode_owned(bytes.clone()), decode(&bytes), "{bytes:?}");
        }
    }

    #[test]
    fn names() {
        let all = [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16LeBom,
            Encoding::Utf16BeBom,
            Encoding::Gb18030,
            Encoding::Big5,
        ];
        let names: Vec<_> = all.iter().map(|e| e.name()).collect();
        assert_eq!(
            names,
            [
                "UTF-8",
                "UTF-8 BOM",
                "UTF-16LE BOM",
                "UTF-16BE BOM",
                "GB18030",
                "Big5"
            ]
        );
    }
}
