//! Decoding file bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK
//! and Big5, detected without being told. (Skeleton: to be completed by the documents issue.)

/// An encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without BOM.
    Utf8,
}

impl Encoding {
    /// The name shown to users and stored in the index.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
        }
    }
}

/// Why a file's bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not text in any supported encoding.
    #[error("not decodable as text")]
    Undecodable,
}

/// Decodes `bytes`, detecting the encoding.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    std::str::from_utf8(bytes)
        .map(|s| (s.to_string(), Encoding::Utf8))
        .map_err(|_| DecodeError::Undecodable)
}
