//! Look-ups in the document and section records that tantivy holds: `title:`, `section:`
//! and `path:` filters resolved to the files or paragraph ranges they select, and the context
//! of the query's bare words (the titles and headings that hold them).
//!
//! Titles and headings are indexed as character bigrams of their normalized text (the
//! [`crate::analysis::BIGRAM_TOKENIZER`]), so a filter's words and phrases match them as exact
//! substrings, as paragraph texts are matched. `path:` and the metadata filters (`kind:`,
//! `date:`, …) are resolved from the documents' metadata instead ([`super::meta`]). A
//! filter's own query may combine words with AND, OR and NOT; it cannot hold another filter.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::plan::FilterSpec;
use super::query::{FieldName, Query};
use super::rank::{Context, FilterSet, Titled};
use super::Searcher;
use crate::analysis::distinct::{self, CharRule};
use crate::analysis::{self, BigramTerms, Written};
use crate::index::manifest;
use crate::index::schema::{REC_DOC, REC_SECTION};
use crate::{Error, Result};

/// A word that heads more sections than this has no heading context (it is still found in
/// the paragraphs' text and the titles): it says nothing by heading a section, and reading
/// that many sections would cost more than the query.
pub const HEADING_CONTEXT_MAX: usize = 20_000;

/// The records a filter's query runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Title,
    Section,
}

/// Record look-ups of one search.
pub struct Records<'a> {
    s: &'a Searcher,
    searcher: &'a tantivy::Searcher,
}

impl<'a> Records<'a> {
    /// Look-ups over the records of `searcher`, an open snapshot of `s`'s index.
    pub fn new(s: &'a Searcher, searcher: &'a tantivy::Searcher) -> Self {
        Records { s, searcher }
    }

    fn fields(&self) -> &crate::index::Fields {
        &self.s.index().fields
    }

    /// The files (title, path) or paragraph ranges (section) that `spec` selects.
    pub fn resolve(&self, spec: &FilterSpec) -> Result<FilterSet> {
        if spec.field == FieldName::Path || spec.field.is_metadata() {
            // One pass over the documents' metadata, a bit per file.
            return Ok(FilterSet::Mask(
                self.s.meta_table()?.filter(spec.field, &spec.query),
            ));
        }
        let target = match spec.field {
            FieldName::Title => Target::Title,
            FieldName::Section => Target::Section,
            // The planner reads `literal:` itself; it never becomes a filter.
            FieldName::Literal => {
                return Err(crate::Error::Other(
                    "`literal:` is not a filter".to_string(),
                ))
            }
            _ => {
                return Err(crate::Error::Other(format!(
                    "`{}:` is no record filter",
                    spec.field
                )))
            }
        };
        let records = self.node(&spec.query, target)?;
        let restricted: Box<dyn TQuery> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, self.all(target)),
            (Occur::Must, records),
        ]));
        Ok(match target {
            Target::Section => FilterSet::Sections(
                self.section_ranges(&*restricted, usize::MAX)?
                    .unwrap_or_default(),
            ),
            Target::Title => FilterSet::Files(
                self.key_values(&*restricted, "file_id", None)?
                    .unwrap_or_default(),
            ),
        })
    }

    /// Where `word` (N(word) without white space) stands: the documents whose title holds
    /// it, with their title's length, and the sections whose heading holds it (none when
    /// more than [`HEADING_CONTEXT_MAX`] do: such a word says nothing by heading a section).
    pub fn context(&self, word: &[char]) -> Result<Context> {
        let text: String = word.iter().collect();
        let mut context = Context {
            titles: self.titles(word)?,
            ..Context::default()
        };
        if let Some(q) = self.exact(Target::Section, &text) {
            context.sections = self
                .section_ranges(&*q, HEADING_CONTEXT_MAX)?
                .unwrap_or_default();
        }
        Ok(context)
    }

    /// [`Records::context`] of a word that has other forms: where any of them stands.
    pub fn context_of_forms<'f>(
        &self,
        mut forms: impl Iterator<Item = &'f [char]>,
    ) -> Result<Context> {
        match forms.next() {
            Some(first) => self.with_forms(self.context(first)?, forms),
            None => Ok(Context::default()),
        }
    }

    /// The context `first` (of a word's first form) and those of its other `forms`, together.
    fn with_forms<'f>(
        &self,
        first: Context,
        forms: impl Iterator<Item = &'f [char]>,
    ) -> Result<Context> {
        let mut forms = forms.peekable();
        if forms.peek().is_none() {
            // One form, the common case: its context is sorted already.
            return Ok(first);
        }
        let mut all = first;
        for form in forms {
            let c = self.context(form)?;
            all.titles.extend(c.titles);
            all.sections.extend(c.sections);
        }
        all.titles.sort_by_key(|t| t.file);
        all.titles.dedup_by_key(|t| t.file);
        all.sections.sort_unstable();
        all.sections.dedup();
        Ok(all)
    }

    /// [`Records::context_of_forms`] of a word typed in Traditional script with character
    /// `rules` ([`analysis::distinct`]) for its first form: a Traditional title or heading
    /// holds that form only where the rules accept it (乾 is not the 干 of 若干 there).
    pub fn context_ruled<'f>(
        &self,
        mut forms: impl Iterator<Item = &'f [char]>,
        rules: Option<&[CharRule]>,
    ) -> Result<Context> {
        let Some(rules) = rules.filter(|r| !r.is_empty()) else {
            return self.context_of_forms(forms);
        };
        let Some(first) = forms.next() else {
            return Ok(Context::default());
        };
        let needle: String = first.iter().collect();
        let trad = Some(Written::Traditional);
        let mut own = self.context(first)?;
        let mut titles = Vec::with_capacity(own.titles.len());
        for t in own.titles {
            let keep = t.script != trad || {
                let record = self.s.doc_record(self.searcher, t.file)?;
                distinct::holds_ruled(&record.title, trad, &needle, rules)
            };
            if keep {
                titles.push(t);
            }
        }
        own.titles = titles;
        let exact = self.s.exact_index();
        let mut sections = Vec::with_capacity(own.sections.len());
        for (file, para_first, last) in own.sections {
            let (f, p) = (file as u32, para_first as u32);
            let keep = !exact.is_traditional(f, p) || {
                // The section's first paragraph is its heading; the headings above it are in
                // its path.
                let stored = self.s.stored(f, p)?;
                let norm = |t: &str| analysis::normalize_exact(t).as_str().contains(&needle);
                let holding: Vec<&String> = (std::iter::once(&stored.text))
                    .chain(&stored.section)
                    .filter(|t| norm(t))
                    .collect();
                holding.is_empty()
                    || (holding.iter()).any(|t| distinct::holds_ruled(t, trad, &needle, rules))
            };
            if keep {
                sections.push((file, para_first, last));
            }
        }
        own.sections = sections;
        self.with_forms(own, forms)
    }

    /// The documents whose title holds `text` (N form without white space), sorted by file.
    pub fn titles(&self, text: &[char]) -> Result<Vec<Titled>> {
        let text: String = text.iter().collect();
        let Some(q) = self.exact(Target::Title, &text) else {
            return Ok(Vec::new());
        };
        // One pass over the matching records reads the four columns of each.
        let mut out = Vec::new();
        for (segment, doc_ids) in manifest::matching_by_segment(self.searcher, &*q)? {
            let column = |name| self.s.u64_column(self.searcher, segment, name);
            let (files, lens) = (column("file_id")?, column("title_len")?);
            let (versions, scripts) = (column("version")?, column("title_script")?);
            let value = |v: Option<u64>| u32::try_from(v.unwrap_or(0)).unwrap_or(u32::MAX);
            out.extend(doc_ids.into_iter().filter_map(|d| {
                Some(Titled {
                    file: files.first(d)?,
                    name_len: value(lens.first(d)),
                    version: value(versions.first(d)),
                    script: match scripts.first(d) {
                        Some(1) => Some(analysis::Written::Simplified),
                        Some(2) => Some(analysis::Written::Traditional),
                        _ => None,
                    },
                })
            }));
        }
        out.sort_unstable_by_key(|t| t.file);
        out.dedup_by_key(|t| t.file);
        Ok(out)
    }

    /// The tantivy query of `q` over the records of `target`.
    fn node(&self, q: &Query, target: Target) -> Result<Box<dyn TQuery>> {
        match q {
            Query::Term { text, span } | Query::Phrase { text, span } => {
                // Titles, headings and paths match as written: no segmenting.
                let norm = analysis::normalize_exact(text);
                self.exact(target, norm.as_str())
                    .ok_or_else(|| Error::Query {
                        position: span.0,
                        message: format!("`{text}` has no characters to search for"),
                    })
            }
            Query::Field { query, .. } => Err(Error::Query {
                position: first_position(query),
                message: "field filters cannot be nested inside another field filter".into(),
            }),
            Query::And(parts) | Query::Or(parts) => {
                let is_and = matches!(q, Query::And(_));
                let mut clauses = Vec::with_capacity(parts.len());
                let (mut positive, mut negated) = (false, false);
                for part in parts {
                    if let Query::Not(inner) = part {
                        negated = true;
                        clauses.push((Occur::MustNot, self.node(inner, target)?));
                    } else {
                        positive = true;
                        let occur = if is_and { Occur::Must } else { Occur::Should };
                        clauses.push((occur, self.node(part, target)?));
                    }
                }
                if is_and && !positive {
                    // Only negations: every record that passes them.
                    clauses.push((Occur::Must, self.all(target)));
                } else if !is_and && negated {
                    // `x OR -y`: each negation means "every record but these".
                    return Ok(self.or_not(clauses, target));
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
            Query::Not(inner) => Ok(Box::new(BooleanQuery::new(vec![
                (Occur::Must, self.all(target)),
                (Occur::MustNot, self.node(inner, target)?),
            ]))),
        }
    }

    /// An OR whose negated members mean "every record of the target but these".
    fn or_not(&self, clauses: Vec<(Occur, Box<dyn TQuery>)>, target: Target) -> Box<dyn TQuery> {
        let alternatives = (clauses.into_iter())
            .map(|(occur, q)| {
                let alt: Box<dyn TQuery> = match occur {
                    Occur::MustNot => Box::new(BooleanQuery::new(vec![
                        (Occur::Must, self.all(target)),
                        (Occur::MustNot, q),
                    ])),
                    _ => q,
                };
                (Occur::Should, alt)
            })
            .collect();
        Box::new(BooleanQuery::new(alternatives))
    }

    /// Every record of the kind `target` queries.
    fn all(&self, target: Target) -> Box<dyn TQuery> {
        let rec = match target {
            Target::Title => REC_DOC,
            Target::Section => REC_SECTION,
        };
        let records = Box::new(TermQuery::new(
            Term::from_field_u64(self.fields().rec, rec),
            IndexRecordOption::Basic,
        ));
        Box::new(ConstScoreQuery::new(records, 0.0))
    }

    /// The exact-match query of the normalized `text` over titles or headings; `None` for a
    /// text without characters.
    fn exact(&self, target: Target, text: &str) -> Option<Box<dyn TQuery>> {
        let field = match target {
            Target::Title => self.fields().title,
            Target::Section => self.fields().section,
        };
        bigram_query(field, text)
    }

    /// The paragraph ranges `(file id, first, last)` of the section records `q` matches,
    /// sorted; `None` when there are more than `max`.
    fn section_ranges(&self, q: &dyn TQuery, max: usize) -> Result<Option<Vec<(u64, u64, u64)>>> {
        if max < usize::MAX && self.searcher.search(q, &tantivy::collector::Count)? > max {
            return Ok(None);
        }
        let mut ranges = Vec::new();
        for (segment, doc_ids) in manifest::matching_by_segment(self.searcher, q)? {
            let file = self.s.u64_column(self.searcher, segment, "file_id")?;
            let first = self.s.u64_column(self.searcher, segment, "para")?;
            let last = self.s.u64_column(self.searcher, segment, "para_end")?;
            ranges.extend(
                doc_ids
                    .into_iter()
                    .filter_map(|d| Some((file.first(d)?, first.first(d)?, last.first(d)?))),
            );
        }
        ranges.sort_unstable();
        Ok(Some(ranges))
    }

    /// The `column` values of the records `q` matches, sorted and distinct; `None` when `q`
    /// matches more than `max` records.
    fn key_values(
        &self,
        q: &dyn TQuery,
        column: &'static str,
        max: Option<usize>,
    ) -> Result<Option<Vec<u64>>> {
        if let Some(m) = max {
            // Counting is much cheaper than collecting: check the size first.
            if self.searcher.search(q, &tantivy::collector::Count)? > m {
                return Ok(None);
            }
        }
        let by_segment = manifest::matching_by_segment(self.searcher, q)?;
        let mut values = Vec::new();
        for (segment, doc_ids) in by_segment {
            let col = self.s.u64_column(self.searcher, segment, column)?;
            values.extend(doc_ids.into_iter().filter_map(|d| col.first(d)));
        }
        values.sort_unstable();
        values.dedup();
        Ok(Some(values))
    }
}

/// The exact-match query for a normalized, white-space-free text on a bigram field; `None`
/// for an empty text.
pub fn bigram_query(field: Field, normalized: &str) -> Option<Box<dyn TQuery>> {
    match analysis::bigram_query_terms(normalized) {
        BigramTerms::Empty => None,
        BigramTerms::Prefix(c) => {
            let lower = Term::from_field_text(field, c.encode_utf8(&mut [0; 4]));
            let upper = next_char(c)
                .map(|n| Bound::Excluded(Term::from_field_text(field, n.encode_utf8(&mut [0; 4]))))
                .unwrap_or(Bound::Unbounded);
            Some(Box::new(RangeQuery::new(Bound::Included(lower), upper)))
        }
        BigramTerms::Bigrams(terms) if terms.len() == 1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &terms[0].1),
            IndexRecordOption::WithFreqs,
        ))),
        BigramTerms::Bigrams(terms) => Some(Box::new(PhraseQuery::new_with_offset(
            terms
                .into_iter()
                .map(|(offset, bigram)| (offset, Term::from_field_text(field, &bigram)))
                .collect(),
        ))),
    }
}

fn next_char(c: char) -> Option<char> {
    let mut n = c as u32 + 1;
    if (0xD800..0xE000).contains(&n) {
        n = 0xE000;
    }
    char::from_u32(n)
}

/// The query position of the first term or phrase in `q`, for error messages.
fn first_position(q: &Query) -> usize {
    match q {
        Query::Term { span, .. } | Query::Phrase { span, .. } => span.0,
        Query::Field { query, .. } | Query::Not(query) => first_position(query),
        Query::And(v) | Query::Or(v) => v.first().map_or(0, first_position),
    }
}
