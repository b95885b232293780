//! The document behind the paragraphs: kind, issuer, number (文号), dated events, status,
//! region, person and version, read from a file's path, title, metadata lines, Markdown info
//! block, first and last lines ([`extract`]), then statuses and version links resolved over
//! the whole corpus ([`resolve_versions`]).
//!
//! Every field says where it came from ([`Source`]). A field the text does not give is absent,
//! never guessed; the few fields derived from others (a region from the issuer, `in_force` for
//! a law with no repeal note) say so with `{"from":"derived","rule":…}`. Extraction looks only at
//! the head and tail of a text, so it costs microseconds a file. It knows nothing of indexes
//! or queries, never reads the clock (the reference date for statuses is passed in) and never
//! fails: any text gives some, possibly empty, [`DocMeta`].
//!
//! Inside: `dates` (dates in every written form, the ROC calendar), `header` (where the
//! head of a text ends), `events` (dated events and their roles), `number` (文号), `issuer`
//! (bodies' names), `kind` (the vocabulary and its rules), `region`, `person`, `versions`
//! (version keys and statuses), `gold_tests` (accuracy on the gold sample in
//! `tests/meta-gold/`).
//!
//! # JSON
//!
//! [`DocMeta`] serializes as one object; absent fields are left out:
//!
//! ```json
//! {"kind":{"value":"法律","source":{"from":"path","folder":"社会法"}},
//!  "issuer":{"value":["全国人民代表大会常务委员会"],"source":{"from":"info_block","line":3}},
//!  "dates":[{"role":"adopted","date":"2007-06-29","source":{"from":"info_block","line":3}},
//!           {"role":"amended","date":"2012-12-28","source":{"from":"info_block","line":5}},
//!           {"role":"version","date":"2012-12-28","source":{"from":"file_name"}}],
//!  "main_date":{"date":"2012-12-28","role":"amended"},
//!  "status":{"value":"in_force","source":{"from":"derived","rule":"normative kind with no repeal note"}},
//!  "region":{"value":"全国","source":{"from":"info_block","line":3}},
//!  "version":{"key":"cn|劳动合同法","date":"2012-12-28","source":{"from":"file_name"}}}
//! ```
//!
//! - `kind.value`: one of the vocabulary in [`kind`] (Simplified names).
//! - `issuer.value`: a list of bodies (joint issuers), names as written in the source's
//!   script. `number.value`: the 文号 in canonical spelling (`〔〕` brackets, ASCII digits).
//! - `dates`: every dated event, `role` one of [`DateRole`] in snake_case, `date` ISO
//!   (`YYYY-MM-DD`, or `YYYY-MM`/`YYYY` when that is all the text says), ROC years converted.
//! - `main_date`: the date filters and sorting use: the latest of the dates that made the
//!   text (adopted, approved, promulgated, amended, revised, signed, delivered, modified,
//!   version); the latest effective date when there is none of these.
//! - `status.value`: `in_force`, `amended_by_newer`, `repealed` or `not_yet_in_force`; an
//!   `amended_by_newer` status also has `replaced_by` (the next newer version's path) and
//!   `latest` (the current version's path). Only normative kinds have a status; it is final
//!   after [`resolve_versions`], and a draft has none. `stated_status` keeps what the
//!   document itself says.
//! - `region.value`: `全国` or a province-level short name (`浙江`, `台湾`); `city` when a
//!   city's document names it.
//! - `person.value`: the speaker or signer.
//! - `version.key`: what links dated versions of one document; `version.date` orders them.
//! - `draft.value`: the word or code that marks a draft (`征求意见稿`, `草案`,
//!   `NB/T XXXXX—XXXX`); a draft has no status.
//! - `source.from`: `front_matter`/`metadata` (with `key`), `info_block`/`first_lines`/
//!   `last_lines` (with the 1-based `line`), `title`, `path` (with the `folder`), `file_name`,
//!   `derived` (with the `rule`).

pub mod dates;
mod events;
#[cfg(test)]
mod gold_tests;
mod header;
mod issuer;
pub mod kind;
mod number;
mod person;
mod region;
mod standard;
mod versions;

use serde::{Deserialize, Serialize};

pub use dates::PartialDate;
pub use events::DateRole;
pub use kind::Kind;
pub(crate) use number::line_number;
pub use versions::{provisional_status, resolve_versions, version_key};

use super::Document;
use events::Event;
use header::Header;

/// Where a field's value was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// A key of the YAML front matter.
    FrontMatter {
        /// The key.
        key: String,
    },
    /// A leading `KEY：VALUE` line (or a metadata pair of another format).
    Metadata {
        /// The key.
        key: String,
    },
    /// A line of the Markdown info block above `<!-- INFO END -->`.
    InfoBlock {
        /// 1-based line number.
        line: u32,
    },
    /// The title.
    Title,
    /// A folder of the path.
    Path {
        /// The folder's name.
        folder: String,
    },
    /// The file name.
    FileName,
    /// A line near the top, before the body.
    FirstLines {
        /// 1-based line number.
        line: u32,
    },
    /// A line at the end (a signature, a compiler's note).
    LastLines {
        /// 1-based line number.
        line: u32,
    },
    /// Computed from other fields by the named rule.
    Derived {
        /// The rule, in words.
        rule: String,
    },
}

impl Source {
    fn derived(rule: &str) -> Self {
        Source::Derived {
            rule: rule.to_string(),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it was read.
    pub source: Source,
}

impl<T> Sourced<T> {
    /// Pairs a value with its source.
    pub fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }
}

/// One dated event of the document's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedEvent {
    /// What happened.
    pub role: DateRole,
    /// When.
    pub date: PartialDate,
    /// Where it was read.
    pub source: Source,
}

/// The date that filters and sorting use, and the role it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MainDate {
    /// The date.
    pub date: PartialDate,
    /// Its role.
    pub role: DateRole,
}

/// Whether a document is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// In force.
    InForce,
    /// Replaced by a newer version in the corpus.
    AmendedByNewer,
    /// Repealed.
    Repealed,
    /// Its effective date is after the reference date.
    NotYetInForce,
}

impl Status {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InForce => "in_force",
            Status::AmendedByNewer => "amended_by_newer",
            Status::Repealed => "repealed",
            Status::NotYetInForce => "not_yet_in_force",
        }
    }
}

/// A status with its source and, for an older version, the versions that replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusInfo {
    /// The status.
    pub value: Status,
    /// Where it was read or how it was derived.
    pub source: Source,
    /// For `amended_by_newer`: the path of the next newer version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    /// For `amended_by_newer`: the path of the current version of the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
}

impl StatusInfo {
    fn new(value: Status, source: Source) -> Self {
        StatusInfo {
            value,
            source,
            replaced_by: None,
            latest: None,
        }
    }
}

/// What links dated versions of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// Jurisdiction and title without its version note (see [`version_key`]).
    pub key: String,
    /// The date of this version: the file name's, else the main date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// Where the date came from.
    pub source: Source,
}

/// The metadata of one document (see the module docs for the JSON form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    /// The kind of document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Sourced<Kind>>,
    /// The issuing or enacting bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Sourced<Vec<String>>>,
    /// The document number (文号) or promulgation instrument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Sourced<String>>,
    /// Every dated event, in the order read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<DatedEvent>,
    /// The date used by date filters and sorting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_date: Option<MainDate>,
    /// The status (final after [`resolve_versions`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusInfo>,
    /// What the document itself says of its status (a repeal note, a status line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated_status: Option<Sourced<Status>>,
    /// `全国` or a province-level short name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Sourced<String>>,
    /// The city, for a city's document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<Sourced<String>>,
    /// The speaker or signer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<Sourced<String>>,
    /// The version group key and this version's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// What says the document is a draft (征求意见稿, 草案, a standard's code still to be
    /// given): a draft has no status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<Sourced<String>>,
}

impl DocMeta {
    /// The version date, if any.
    pub fn version_date(&self) -> Option<PartialDate> {
        self.version.as_ref().and_then(|v| v.date)
    }
}

mod attribute;
mod extract;
#[cfg(test)]
mod extract_tests;

pub use extract::extract_parts;

/// Extracts the metadata of a parsed file: `rel_path` relative to the corpus root with `/`
/// separators, `text` the decoded file text, `doc` its parse. The status is provisional until
/// [`resolve_versions`] runs over the corpus.
pub fn extract(rel_path: &str, text: &str, doc: &Document) -> DocMeta {
    extract_parts(rel_path, &doc.title, &doc.metadata, text)
}

/// [`extract`] for a file of another format (web page, DOCX, PDF, OFD), whose text is the
/// lines its reader turned it into: its paragraphs, one a line.
///
/// Only the head and the tail of that text are read ([`header`]: [`header::HEAD_LINES`]
/// lines, [`header::TAIL_LINES`] non-empty ones; front matter at the top): the paragraphs
/// between them are written as empty lines, so the text keeps its line numbers without a
/// copy of a large document (a 200 MB PDF's would be 110 MB). A text that opens like front
/// matter (`---`), whose end could be anywhere, is written whole.
pub fn extract_converted(rel_path: &str, doc: &Document) -> DocMeta {
    let paragraphs = &doc.paragraphs;
    let mut tail = paragraphs.len();
    let mut non_empty = 0;
    while tail > 0 && non_empty < header::TAIL_LINES {
        tail -= 1;
        if !header::trim(&paragraphs[tail].text).is_empty() {
            non_empty += 1;
        }
    }
    let whole = paragraphs.first().is_some_and(|p| p.text.contains("---"));
    let kept = |i: usize| whole || i < header::HEAD_LINES || i >= tail;
    let len = (paragraphs.iter().enumerate())
        .map(|(i, p)| if kept(i) { p.text.len() + 1 } else { 1 })
        .sum();
    let mut text = String::with_capacity(len);
    for (i, p) in paragraphs.iter().enumerate() {
        if kept(i) {
            text.push_str(&p.text);
        }
        text.push('\n');
    }
    extract_parts(rel_path, &doc.title, &doc.metadata, &text)
}

/// Helpers shared by the extraction steps.
fn lines_source(info: bool, line: u32) -> Source {
    if info {
        Source::InfoBlock { line }
    } else {
        Source::FirstLines { line }
    }
}

/// The events of the info block and of the first lines, with their sources.
fn header_events(h: &Header) -> Vec<(Event, Source)> {
    let mut out: Vec<(Event, Source)> = events::events(&h.info, &h.info)
        .into_iter()
        .map(|e| {
            let s = lines_source(true, e.line);
            (e, s)
        })
        .collect();
    let shaped = header::event_lines(&h.first);
    out.extend(events::events(&shaped, &h.first).into_iter().map(|e| {
        let s = lines_source(false, e.line);
        (e, s)
    }));
    out
}
