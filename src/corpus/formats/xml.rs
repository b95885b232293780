//! What the ZIP-of-XML formats (DOCX, OFD) share: reading one member of the archive as text,
//! with a bound on its size, and small helpers over `quick-xml` events (an attribute by its
//! local name, the text of text and entity events).
//!
//! This module does not know any format's vocabulary.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::ReadError;

/// A member of an archive larger than this, once inflated, is refused: a ZIP bomb (or a
/// page description of absurd size) must not exhaust memory.
pub const MAX_MEMBER_BYTES: u64 = 256 << 20;

/// An opened ZIP archive.
pub type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Opens `bytes` as a ZIP archive of the format `format` (named in errors).
pub fn open<'a>(format: &'static str, bytes: &'a [u8]) -> Result<Archive<'a>, ReadError> {
    zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::damaged(format, zip_reason(&e)))
}

fn zip_reason(e: &zip::result::ZipError) -> String {
    match e {
        zip::result::ZipError::InvalidArchive(_) => {
            format!("not a ZIP archive or cut short ({e})")
        }
        _ => e.to_string(),
    }
}

/// The member `name` of the archive as UTF-8 text; `Ok(None)` when there is none.
pub fn member(
    format: &'static str,
    zip: &mut Archive<'_>,
    name: &str,
) -> Result<Option<String>, ReadError> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(ReadError::damaged(
                format,
                format!("{name}: {}", zip_reason(&e)),
            ))
        }
    };
    if file.encrypted() {
        return Err(ReadError::Encrypted { format });
    }
    if file.size() > MAX_MEMBER_BYTES {
        return Err(ReadError::damaged(
            format,
            format!(
                "{name} inflates to {} bytes, more than the limit",
                file.size()
            ),
        ));
    }
    let mut buf = Vec::with_capacity(file.size() as usize);
    (&mut file)
        .take(MAX_MEMBER_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ReadError::damaged(format, format!("{name}: {e}")))?;
    let text = String::from_utf8(buf)
        .map_err(|_| ReadError::damaged(format, format!("{name} is not UTF-8 XML")))?;
    Ok(Some(text))
}

/// The value of the attribute whose local name (without prefix) is `local`, unescaped.
pub fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(Cow::into_owned)
                    .ok()
            })
            .flatten()
    })
}

/// The character data an event stands for: text, CDATA, or an entity or character
/// reference (`&amp;`, `&#x4E00;`). `None` for every other event.
pub fn text_of(event: &Event<'_>) -> Option<Cow<'static, str>> {
    match event {
        Event::Text(t) => Some(Cow::Owned(t.clone().into_inner().into_owned())),
        Event::CData(t) => Some(Cow::Owned(t.clone().into_inner().into_owned())),
        Event::GeneralRef(r) => {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                return Some(Cow::Owned(c.to_string()));
            }
            let name = r.clone().into_inner();
            Some(Cow::Borrowed(match name.as_ref() {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                "apos" => "'",
                _ => "",
            }))
        }
        _ => None,
    }
}

/// An XML error of member `name` as a reason.
pub fn xml_error(format: &'static str, name: &str, e: impl std::fmt::Display) -> ReadError {
    ReadError::damaged(format, format!("{name}: malformed XML ({e})"))
}
