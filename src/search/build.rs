//! Turning a parsed query ([`super::query::Query`]) into a tantivy query.
//!
//! Matching is always exact: a bare word or a quoted phrase matches a paragraph iff its
//! normalized text is a substring of the paragraph's normalized text, through the exact index
//! ([`crate::index::exact`], as [`super::exact::ExactDocsQuery`] leaves filled in
//! `Builder::resolve`), and each adds its BM25 score (occurrences in the paragraph, its length,
//! and how many paragraphs hold the text). A bare term is cut into jieba words that must all
//! occur. Ranking adds a bonus where the query's words stand together (an exact phrase of a
//! bare term that jieba cut into several words, and of all the query's bare words in order),
//! and a bonus where a query word occurs in the document title or an enclosing heading
//! ([`super::bonus`]). `title:`, `section:` and `path:` filters are resolved in two steps: the
//! document or section records that match, then their paragraphs.
//! This module builds queries; it runs only the small look-ups that filters and bonuses need.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query as TQuery,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Term};

use super::bonus::{bonus_of, Bonus, BonusQuery, BonusWithin};
use super::exact::{self, ExactDocsQuery, TfScorer};
use super::query::{FieldName, Query, MAX_TERMS};
use super::ranges::DocRangesQuery;
use super::Searcher;
use crate::analysis::{self, ExactTerms};
use crate::index::exact::{ExactHit, ExactIndex, Within};
use crate::index::manifest;
use crate::index::schema::{REC_DOC, REC_SECTION};
use crate::{Error, Result};

/// Score added to a paragraph whose document title contains a query word.
const TITLE_BONUS: f32 = 2.0;
/// Score added to a paragraph under a heading that contains a query word.
const SECTION_BONUS: f32 = 1.5;
/// Boost of the exact phrase formed by several words that stand together.
const TOGETHER_BOOST: f32 = 2.0;
/// Boost of the exact phrase formed by all the query's bare words in order.
const NEAR_BOOST: f32 = 1.0;
/// A title or section bonus is skipped for a word that matches more records than this: it
/// says nothing about relevance and would cost time.
const BONUS_MAX_RECORDS: usize = 256;

/// A query ready to run, with what to highlight in its hits.
pub struct Built {
    /// The tantivy query over paragraph records.
    pub query: Box<dyn TQuery>,
    /// Normalized, white-space-free texts whose occurrences are highlighted.
    pub needles: Vec<String>,
    /// When the whole query is one quoted phrase over paragraphs: its normalized characters.
    /// `query` is then left unfilled (built with `whole_phrase_apart`), for the caller to
    /// rank the phrase's matches straight from the exact index.
    pub phrase: Option<Vec<char>>,
    /// When the query is a plain AND of two texts or more over paragraphs (no filter, OR or
    /// NOT; built with `whole_phrase_apart`): the number of matching paragraphs and the best
    /// `keep` with their scores, best first, ranked straight from the look-ups as tantivy
    /// ranks them (by score, ties to the lower address). `query` is then left unfilled.
    pub scored: Option<(usize, Vec<(f32, DocAddress)>)>,
}

/// Which records a (sub-)query is evaluated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Body,
    Title,
    Section,
    Path,
}

struct Builder<'a> {
    s: &'a Searcher,
    searcher: &'a tantivy::Searcher,
    needles: Vec<String>,
    /// Positive bare body words, in query order (for the nearness bonus).
    words: Vec<String>,
    /// Whether the clause being built must match for the whole query to match (it is not
    /// under an OR, a NOT or a bonus).
    required: Cell<bool>,
    /// Exact-match clauses over paragraphs, filled in [`Builder::resolve`].
    pending: RefCell<Vec<Pending>>,
    /// Whether the query is a plain AND of texts over paragraphs, with their nearness and
    /// together boosts: no field filter, OR or NOT (see [`Built::scored`]).
    plain: Cell<bool>,
    /// The distinct words and phrases searched in paragraphs so far, bounded by
    /// [`MAX_TERMS`].
    distinct: std::collections::HashSet<String>,
}

/// An exact-match clause waiting for its paragraphs.
struct Pending {
    needle: Vec<char>,
    required: bool,
    /// The clause's boost (that of the `BoostQuery` around it, 1 without).
    boost: f32,
    query: ExactDocsQuery,
}

/// The look-ups of a plain AND (see [`Built::scored`]), to be scored without tantivy.
struct Plain {
    /// The hits of each text, in look-up order (by segment, then ascending).
    lists: Vec<Vec<ExactHit>>,
    /// Which of `lists` holds the paragraphs that have every required text (the final set:
    /// the others lie within it).
    all: usize,
    /// Per clause, in clause order: its list, the estimate standing in for its document
    /// frequency, and its boost.
    clauses: Vec<(usize, f32, f32)>,
}

/// Builds the tantivy query for `q`. With `whole_phrase_apart`, a query that is one quoted
/// phrase is not looked up here (see [`Built::phrase`]).
pub fn build(
    s: &Searcher,
    searcher: &tantivy::Searcher,
    q: &Query,
    whole_phrase_apart: bool,
    keep: usize,
) -> Result<Built> {
    let mut b = Builder {
        s,
        searcher,
        needles: Vec::new(),
        words: Vec::new(),
        required: Cell::new(true),
        pending: RefCell::new(Vec::new()),
        plain: Cell::new(whole_phrase_apart && s.direct_ranking()),
        distinct: Default::default(),
    };
    let root = b.node(q, Target::Body, false)?;
    let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = vec![(Occur::Must, root)];
    b.required.set(false);
    clauses.extend(b.nearness()?);
    // A lone quoted phrase has no bare words, hence no bonuses.
    let phrase = match (q, clauses.len(), b.pending.borrow().as_slice()) {
        (Query::Phrase { .. }, 1, [only]) if whole_phrase_apart && b.words.is_empty() => {
            Some(only.needle.clone())
        }
        _ => None,
    };
    let mut plain = None;
    let bonuses = match phrase {
        Some(_) => Vec::new(),
        // The bonuses' look-ups run while the helper thread does its share of the others.
        None => {
            let (bonuses, lists) = b.resolve(|| b.bonuses())?;
            plain = lists;
            bonuses?
        }
    };
    if let Some(plain) = plain {
        let mut needles = b.needles;
        needles.sort();
        needles.dedup();
        return Ok(Built {
            query: unreachable_query(),
            needles,
            phrase: None,
            scored: Some(plain.top(s, searcher, &bonuses, keep)),
        });
    }
    let mut query: Box<dyn TQuery> = if clauses.len() == 1 {
        clauses
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| unreachable_query())
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    if !bonuses.is_empty() {
        let anchors = (searcher.segment_readers().iter().enumerate())
            .map(|(ord, reader)| (reader.segment_id(), s.anchors().of_segment(ord as u32)))
            .collect();
        query = Box::new(BonusQuery::new(query, bonuses, anchors));
    }
    let mut needles = b.needles;
    needles.sort();
    needles.dedup();
    Ok(Built {
        query,
        needles,
        phrase,
        scored: None,
    })
}

fn unreachable_query() -> Box<dyn TQuery> {
    Box::new(tantivy::query::EmptyQuery)
}

impl Builder<'_> {
    fn fields(&self) -> &crate::index::Fields {
        &self.s.index().fields
    }

    fn node(&mut self, q: &Query, target: Target, negated: bool) -> Result<Box<dyn TQuery>> {
        match q {
            Query::Term { text, span } => self.term(text, span.0, target, negated),
            Query::Phrase { text, span } => self.phrase(text, span.0, target, negated),
            Query::Field { field, query } => {
                self.plain.set(false);
                if target != Target::Body {
                    return Err(Error::Query {
                        position: first_position(query),
                        message: "field filters cannot be nested inside another field filter"
                            .into(),
                    });
                }
                self.filter(*field, query, negated)
            }
            Query::And(parts) | Query::Or(parts) => {
                let is_and = matches!(q, Query::And(_));
                if !is_and {
                    self.plain.set(false);
                }
                let mut clauses = Vec::with_capacity(parts.len());
                let mut positive = false;
                let required = self.required.get();
                for part in parts {
                    if let Query::Not(inner) = part {
                        self.plain.set(false);
                        self.required.set(false);
                        let q = self.node(inner, target, !negated);
                        self.required.set(required);
                        clauses.push((Occur::MustNot, q?));
                    } else {
                        positive = true;
                        let occur = if is_and { Occur::Must } else { Occur::Should };
                        self.required.set(required && is_and);
                        let q = self.node(part, target, negated);
                        self.required.set(required);
                        clauses.push((occur, q?));
                    }
                }
                if !positive || !is_and && clauses.iter().any(|(o, _)| *o == Occur::MustNot) {
                    // `-a -b` inside a group, or `x OR -y`: negations need a set to cut from.
                    return Ok(self.or_not(clauses, target));
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
            Query::Not(inner) => {
                self.plain.set(false);
                let required = self.required.replace(false);
                let inner = self.node(inner, target, !negated);
                self.required.set(required);
                let inner = inner?;
                Ok(Box::new(BooleanQuery::new(vec![
                    (Occur::Must, self.all(target)),
                    (Occur::MustNot, inner),
                ])))
            }
        }
    }

    /// An OR whose negated members mean "every record of the target but these".
    fn or_not(&self, clauses: Vec<(Occur, Box<dyn TQuery>)>, target: Target) -> Box<dyn TQuery> {
        let mut alternatives: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for (occur, q) in clauses {
            let alt: Box<dyn TQuery> = match occur {
                Occur::MustNot => Box::new(BooleanQuery::new(vec![
                    (Occur::Must, self.all(target)),
                    (Occur::MustNot, q),
                ])),
                _ => q,
            };
            alternatives.push((Occur::Should, alt));
        }
        Box::new(BooleanQuery::new(alternatives))
    }

    /// Every record of the kind `target` queries, scored 0: it only selects.
    ///
    /// Paragraph records carry no `rec` (a million postings that only said "paragraph"):
    /// they are the records that are neither documents nor sections.
    fn all(&self, target: Target) -> Box<dyn TQuery> {
        let rec = |rec: u64| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(
                Term::from_field_u64(self.fields().rec, rec),
                IndexRecordOption::Basic,
            ))
        };
        let records = match target {
            Target::Body => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn TQuery>),
                (Occur::MustNot, rec(REC_DOC)),
                (Occur::MustNot, rec(REC_SECTION)),
            ])),
            Target::Title | Target::Path => rec(REC_DOC),
            Target::Section => rec(REC_SECTION),
        };
        Box::new(ConstScoreQuery::new(records, 0.0))
    }

    /// The exact-match query for the normalized `text` over the records of `target`;
    /// `None` for a text without characters.
    fn exact(&self, target: Target, text: &str) -> Result<Option<Box<dyn TQuery>>> {
        let field = match target {
            Target::Body => {
                let norm = analysis::normalize_exact(text);
                let needle: Vec<char> = norm.as_str().chars().collect();
                if needle.is_empty() {
                    return Ok(None);
                }
                let query = ExactDocsQuery::default();
                self.pending.borrow_mut().push(Pending {
                    needle,
                    required: self.required.get(),
                    boost: 1.0,
                    query: query.clone(),
                });
                return Ok(Some(Box::new(query)));
            }
            Target::Title => self.fields().title,
            Target::Section => self.fields().section,
            Target::Path => self.fields().path_key,
        };
        Ok(exact_query(field, text))
    }

    fn term(
        &mut self,
        text: &str,
        pos: usize,
        target: Target,
        negated: bool,
    ) -> Result<Box<dyn TQuery>> {
        if target != Target::Body {
            // Titles, headings and paths match as written: no segmenting.
            return self.phrase(text, pos, target, negated);
        }
        let mut words = match known_word(text) {
            // One or two characters: one word, uncut.
            Some(word) => vec![word],
            None => self.s.cutter()?.segment(text),
        };
        // A word repeated in the term counts once (`数据数据` is 数据).
        let mut seen = std::collections::HashSet::new();
        words.retain(|w| seen.insert(w.clone()));
        for w in &words {
            if self.distinct.insert(w.clone()) && self.distinct.len() > MAX_TERMS {
                return Err(Error::Query {
                    position: pos,
                    message: format!(
                        "the query holds more than {MAX_TERMS} distinct words and phrases once \
                         its terms are cut into words; put a long text in quotes to search it \
                         as one phrase"
                    ),
                });
            }
        }
        if words.len() <= 1 {
            // One word (or only punctuation, which matches as written).
            let word = words.into_iter().next();
            let phrase = word.as_deref().unwrap_or(text);
            let exact = self.phrase(phrase, pos, target, negated)?;
            if !negated {
                self.words.push(analysis::normalize(phrase));
            }
            return Ok(exact);
        }
        let mut clauses = Vec::new();
        for w in &words {
            clauses.push((Occur::Must, self.phrase(w, pos, target, negated)?));
        }
        if !negated {
            self.words.extend(words.iter().cloned());
            let whole = analysis::normalize(text);
            let required = self.required.replace(false);
            let together = self.exact(Target::Body, &whole);
            self.required.set(required);
            if let Some(q) = together? {
                self.boost_last(TOGETHER_BOOST);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(q, TOGETHER_BOOST))));
            }
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    fn phrase(
        &mut self,
        text: &str,
        pos: usize,
        target: Target,
        negated: bool,
    ) -> Result<Box<dyn TQuery>> {
        if target == Target::Path {
            return Ok(self.path_prefix(text));
        }
        let norm = analysis::normalize_exact(text);
        let needle = norm.as_str().to_string();
        let Some(q) = self.exact(target, &needle)? else {
            return Err(Error::Query {
                position: pos,
                message: format!("`{text}` has no characters to search for"),
            });
        };
        if target == Target::Body && !negated {
            self.needles.push(needle);
        }
        Ok(q)
    }

    fn path_prefix(&self, text: &str) -> Box<dyn TQuery> {
        let prefix = analysis::normalize(text.trim_start_matches('/'));
        let field = self.fields().path_key;
        let mut upper = prefix.clone();
        upper.push(char::MAX);
        upper.push(char::MAX);
        Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_text(field, &prefix)),
            Bound::Included(Term::from_field_text(field, &upper)),
        ))
    }

    /// `title:`, `section:` or `path:` over paragraphs: find the matching document or
    /// section records, then select their paragraphs.
    fn filter(
        &mut self,
        field: FieldName,
        inner: &Query,
        negated: bool,
    ) -> Result<Box<dyn TQuery>> {
        let _ = negated;
        let target = match field {
            FieldName::Title => Target::Title,
            FieldName::Section => Target::Section,
            FieldName::Path => Target::Path,
        };
        let records = self.node(inner, target, false)?;
        let restricted: Box<dyn TQuery> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, self.all(target)),
            (Occur::Must, records),
        ]));
        if target == Target::Section {
            let sections = self
                .section_ranges(&*restricted, usize::MAX)?
                .unwrap_or_default();
            return Ok(Box::new(DocRangesQuery::new(
                self.searcher,
                self.s.anchors(),
                &sections,
            )));
        }
        let terms = self.keys(&*restricted, "file_id", self.fields().file_id)?;
        Ok(Box::new(BooleanQuery::new(vec![
            (Occur::Must, self.all(Target::Body)),
            (Occur::Must, term_set(terms)),
        ])))
    }

    /// Runs `q` and turns the `column` values of its records into terms of `field`.
    fn keys(&self, q: &dyn TQuery, column: &'static str, field: Field) -> Result<Vec<Term>> {
        let values = self.key_values(q, column, None)?.unwrap_or_default();
        Ok(values
            .into_iter()
            .map(|v| Term::from_field_u64(field, v))
            .collect())
    }

    /// The paragraph ranges `(file id, first, last)` of the section records `q` matches,
    /// sorted; `None` when there are more than `max`.
    fn section_ranges(&self, q: &dyn TQuery, max: usize) -> Result<Option<Vec<(u64, u64, u64)>>> {
        if self.searcher.search(q, &tantivy::collector::Count)? > max {
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

    /// Looks up the paragraphs of every exact-match clause. When the query requires two
    /// texts or more, the rarest (by the dictionaries' counts) is looked up first and each
    /// next one only within the paragraphs found so far; every clause (those looked up before
    /// the set was final included) is then limited to the final set. That changes no result:
    /// a paragraph outside it fails a required clause, and inside it every clause matches as
    /// before. Scores then use the counts' estimate as document frequency, since a limited
    /// look-up cannot count.
    ///
    /// `also` runs on this thread meanwhile (while the helper thread takes its share of the
    /// look-ups); its result is returned. So are the look-ups themselves instead of filled
    /// clauses when the query is plain and requires two texts or more (or is one text): see
    /// [`Built::scored`].
    fn resolve<T>(&self, also: impl FnOnce() -> T) -> Result<(T, Option<Plain>)> {
        let exact = self.s.exact_index();
        let pending = self.pending.borrow();
        let mut estimated = Estimates::new();
        let mut required: Vec<(u64, &[char])> = Vec::new();
        for p in pending.iter().filter(|p| p.required) {
            if !required.iter().any(|(_, n)| *n == p.needle.as_slice()) {
                // The segments' own estimates, summed, guess the work more closely.
                let work = estimates(exact, &mut estimated, &p.needle)?.iter().sum();
                required.push((work, &p.needle));
            }
        }
        required.sort_by_key(|(estimate, _)| *estimate);
        let chain: Vec<&[char]> = match required.len() {
            0 | 1 => Vec::new(),
            _ => required.iter().map(|(_, needle)| *needle).collect(),
        };
        let mut rest: Vec<&[char]> = Vec::new();
        for p in pending.iter() {
            let needle = p.needle.as_slice();
            if !chain.contains(&needle) && !rest.contains(&needle) {
                rest.push(needle);
            }
        }
        let segments = exact.segment_count();
        // The work of a look-up in a segment: its matches there, but those after the first
        // text of a chain are looked up within the first's paragraphs, so at most as many.
        // Per text, the estimate of its matches per segment: room for its hits, and its work
        // (at most the chain's first text's, within whose paragraphs it is looked up).
        let mut sizes = Vec::with_capacity(chain.len() + rest.len());
        for needle in chain.iter().chain(&rest) {
            sizes.push(estimates(exact, &mut estimated, needle)?.to_vec());
        }
        let head = match chain.is_empty() {
            false => sizes[0].clone(),
            true => vec![u64::MAX; segments],
        };
        let mut work = vec![0; segments];
        for each in &sizes {
            for ((w, e), most) in work.iter_mut().zip(each).zip(&head) {
                *w += e.min(most);
            }
        }
        let (found, also) = if let Some(half) = self.s.split(&work) {
            // Segments are independent: each thread runs every look-up over its share.
            let owned = |texts: &[&[char]]| -> Vec<Vec<char>> {
                texts.iter().map(|t| t.to_vec()).collect()
            };
            let (their_chain, their_rest, their_sizes) =
                (owned(&chain), owned(&rest), sizes.clone());
            let ((mine, also), other) = self.s.join(
                move |exact| {
                    let chain: Vec<&[char]> = their_chain.iter().map(Vec::as_slice).collect();
                    let rest: Vec<&[char]> = their_rest.iter().map(Vec::as_slice).collect();
                    look_up(exact, half..segments, &chain, &rest, &their_sizes)
                },
                || {
                    let also = also();
                    (look_up(exact, 0..half, &chain, &rest, &sizes), also)
                },
            )?;
            let (mut found, other) = (mine?, other?);
            for (list, more) in found.iter_mut().zip(other) {
                list.extend(more);
            }
            (found, also)
        } else {
            let also = also();
            (look_up(exact, 0..segments, &chain, &rest, &sizes)?, also)
        };
        let texts: Vec<&[char]> = chain.iter().chain(&rest).copied().collect();
        if self.plain.get() && chain.len() >= 2 {
            // Every list lies within the last of the chain's (the final set).
            let mut clauses = Vec::with_capacity(pending.len());
            for p in pending.iter() {
                let list = texts.iter().position(|t| *t == p.needle.as_slice());
                let df = estimate(exact, &mut estimated, &p.needle)? as f32;
                clauses.push((list.unwrap_or(0), df, p.boost));
            }
            let all = chain.len() - 1;
            return Ok((
                also,
                Some(Plain {
                    lists: found,
                    all,
                    clauses,
                }),
            ));
        }
        let found: HashMap<&[char], Vec<ExactHit>> = texts.into_iter().zip(found).collect();
        for p in pending.iter() {
            let needle = p.needle.as_slice();
            let mut filler = self.s.filler(self.searcher);
            if let Some(hits) = found.get(needle) {
                hits.iter().for_each(|h| filler.add(*h));
            }
            // A limited look-up cannot count: the dictionaries' estimate stands in.
            let df = match chain.is_empty() {
                true => None,
                false => Some(estimate(exact, &mut estimated, needle)? as f32),
            };
            filler.finish(&p.query, df, exact.paragraphs());
        }
        Ok((also, None))
    }

    /// The nearness clause: the query's words standing together, in order, anywhere in the
    /// paragraph.
    fn nearness(&self) -> Result<Option<(Occur, Box<dyn TQuery>)>> {
        if !(2..=8).contains(&self.words.len()) {
            return Ok(None);
        }
        let together: String = self.words.concat();
        Ok(self.exact(Target::Body, &together)?.map(|q| {
            self.boost_last(NEAR_BOOST);
            let q: Box<dyn TQuery> = Box::new(BoostQuery::new(q, NEAR_BOOST));
            (Occur::Should, q)
        }))
    }

    /// Sets the boost of the clause added last.
    fn boost_last(&self, boost: f32) {
        if let Some(last) = self.pending.borrow_mut().last_mut() {
            last.boost = boost;
        }
    }

    /// Bonuses of words in titles and headings. They rank word queries; a phrase query ranks
    /// by the phrase. A word in more than [`BONUS_MAX_RECORDS`] titles or headings is too
    /// common to say anything and gets none.
    fn bonuses(&self) -> Result<Vec<Bonus>> {
        let mut out = Vec::new();
        for text in self.words.iter().take(8) {
            if let Some(q) = self.exact(Target::Title, text)? {
                if let Some(files) = self.key_values(&*q, "file_id", Some(BONUS_MAX_RECORDS))? {
                    if !files.is_empty() {
                        out.push(Bonus {
                            within: BonusWithin::Files(files),
                            score: TITLE_BONUS,
                        });
                    }
                }
            }
            if let Some(q) = self.exact(Target::Section, text)? {
                if let Some(ranges) = self.section_ranges(&*q, BONUS_MAX_RECORDS)? {
                    if !ranges.is_empty() {
                        out.push(Bonus {
                            within: BonusWithin::Sections(ranges),
                            score: SECTION_BONUS,
                        });
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Plain {
    /// The number of paragraphs in the final set and the best `keep` of them, best first,
    /// each with the score the tantivy query gives it: per clause holding it, BM25 as
    /// [`ExactDocsQuery`] scores it times the clause's boost, added in clause order
    /// (tantivy adds the same terms in the order of its scorers, so a sum may differ in its
    /// last bit), plus the bonuses that hold, as [`BonusQuery`] adds them. Ties go to the
    /// file earlier in path order, then the lower paragraph number, as [`Searcher::search`]
    /// orders tantivy's best.
    fn top(
        self,
        s: &Searcher,
        searcher: &tantivy::Searcher,
        bonuses: &[Bonus],
        keep: usize,
    ) -> (usize, Vec<(f32, DocAddress)>) {
        let all = self
            .lists
            .get(self.all)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let readers = searcher.segment_readers();
        let located: Vec<Option<DocAddress>> = (all.iter())
            .map(|h| {
                let (ord, doc) = s.anchors().locate(h.file_no, h.para)?;
                let in_segment = readers.get(ord as usize)?.max_doc() > doc;
                in_segment.then(|| DocAddress::new(ord, doc))
            })
            .collect();
        let scorer = TfScorer::new(s.exact_index().mean_len());
        let mut scores = vec![0.0f32; all.len()];
        let mut places = Vec::new();
        for &(list, df, boost) in &self.clauses {
            // Each hit's place in the final set: both lists come in the same order.
            let hits = self.lists.get(list).map(Vec::as_slice).unwrap_or_default();
            places.clear();
            let mut at = 0;
            for h in hits {
                while all.get(at).is_some_and(|a| a.at < h.at) {
                    at += 1;
                }
                if all.get(at).is_some_and(|a| a.at == h.at) {
                    places.push((at, h));
                }
            }
            let counted = places.iter().filter(|(at, _)| located[*at].is_some());
            let idf = exact::idf(df.max(counted.count() as f32), s.exact_index().paragraphs());
            let factor = boost * idf;
            for &(at, h) in &places {
                scores[at] += scorer.tf_part(*h) * factor;
            }
        }
        let total = located.iter().flatten().count();
        let scored = (all.iter().zip(scores).zip(located)).filter_map(|((h, score), addr)| {
            let score = match bonuses.is_empty() {
                true => score,
                false => score + bonus_of(bonuses, h.file_no.into(), h.para.into()),
            };
            Some((score, (h.file_no, h.para), addr?))
        });
        let exact = s.exact_index();
        let key = |&(file_no, para): &(u32, u32)| (exact.order_of(file_no), para);
        (total, best_of(scored, key, keep))
    }
}

/// The best `keep` of `scored` (score, item, address), best first: by score, ties to the
/// lower `key(item)`. Scores must not be negative. The key is worked out only for items that
/// may be kept (most score below the worst kept).
///
/// The key is a paragraph's file's place in path order and its number, which the same files
/// get in any build, fresh or updated: the address, tantivy's own tie-break, depends on how
/// the build's threads shared the records, and a file's number on when it was added.
pub(crate) fn best_of<T, K: Ord>(
    scored: impl Iterator<Item = (f32, T, DocAddress)>,
    key: impl Fn(&T) -> K,
    keep: usize,
) -> Vec<(f32, DocAddress)> {
    use std::cmp::Reverse;
    // A min-heap whose top is the worst kept (the lower score, then the higher key).
    // Scores that are not negative order as their bits do.
    let mut best: std::collections::BinaryHeap<Reverse<(u32, Reverse<K>, DocAddress)>> =
        std::collections::BinaryHeap::with_capacity(keep + 1);
    for (score, item, addr) in scored {
        let bits = score.to_bits();
        if best.len() >= keep && best.peek().is_none_or(|worst| bits < worst.0 .0) {
            continue;
        }
        let entry = Reverse((bits, Reverse(key(&item)), addr));
        if best.len() < keep {
            best.push(entry);
        } else if best.peek().is_some_and(|worst| entry < *worst) {
            best.pop();
            best.push(entry);
        }
    }
    // Ascending, the best first: the higher score, then the lower key.
    (best.into_sorted_vec().into_iter())
        .map(|Reverse((bits, _, addr))| (f32::from_bits(bits), addr))
        .collect()
}

/// The hits of each of `chain` then of each of `rest` in the exact segments `range`. The texts
/// of `chain` (two or more, rarest first) must all occur: each is looked up only within the
/// paragraphs of the ones before it, `rest` within the final set, and every list is then cut
/// to that set. `sizes` holds each text's estimated matches per segment (a bound on its hits).
fn look_up(
    exact: &ExactIndex,
    range: std::ops::Range<usize>,
    chain: &[&[char]],
    rest: &[&[char]],
    sizes: &[Vec<u64>],
) -> Result<Vec<Vec<ExactHit>>> {
    let mut sizes = sizes.iter();
    // Bounds are read at the end, for the hits kept.
    let mut find = |needle: &[char], within: Option<&Within>| -> Result<Vec<ExactHit>> {
        let size: u64 = sizes
            .next()
            .and_then(|s| s.get(range.clone()))
            .unwrap_or_default()
            .iter()
            .sum();
        // Hits are at most the paragraphs allowed (an estimate counts matches, and for one
        // char those of every bigram starting with it).
        let most = within.map_or_else(|| exact.paragraphs_in(range.clone()), Within::len);
        let mut hits = Vec::with_capacity((size as usize).min(most));
        exact.find_each_unbounded_in(range.clone(), needle, within, &mut |h| hits.push(h))?;
        Ok(hits)
    };
    let mut found = Vec::with_capacity(chain.len() + rest.len());
    let mut within: Option<Within> = None;
    for (i, needle) in chain.iter().enumerate() {
        let mut hits = find(needle, within.as_ref())?;
        if i + 1 == chain.len() {
            // The final set: its paragraphs' bounds are read here, once for every list.
            exact.fill_bounds(&mut hits)?;
        }
        within = Some(Within::of(&hits));
        found.push(hits);
    }
    if let Some(w) = &within {
        // The texts looked up before the set was final (all but the last): their paragraphs
        // outside it cannot match.
        let before = found.len().saturating_sub(1);
        for hits in &mut found[..before] {
            *hits = w.keep(hits);
        }
    }
    for needle in rest {
        found.push(find(needle, within.as_ref())?);
    }
    // Without a chain, no bounds were read yet.
    for hits in &mut found {
        exact.fill_bounds(hits)?;
    }
    Ok(found)
}

/// The exact-match query for a normalized, white-space-free text on a bigram field; `None`
/// for an empty text.
pub fn exact_query(field: Field, normalized: &str) -> Option<Box<dyn TQuery>> {
    match analysis::exact_query_terms(normalized) {
        ExactTerms::Empty => None,
        ExactTerms::Prefix(c) => {
            let lower = Term::from_field_text(field, c.encode_utf8(&mut [0; 4]));
            let upper = next_char(c)
                .map(|n| Bound::Excluded(Term::from_field_text(field, n.encode_utf8(&mut [0; 4]))))
                .unwrap_or(Bound::Unbounded);
            Some(Box::new(RangeQuery::new(Bound::Included(lower), upper)))
        }
        ExactTerms::Bigrams(terms) if terms.len() == 1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &terms[0].1),
            IndexRecordOption::WithFreqs,
        ))),
        ExactTerms::Bigrams(terms) => Some(Box::new(PhraseQuery::new_with_offset(
            terms
                .into_iter()
                .map(|(offset, bigram)| (offset, Term::from_field_text(field, &bigram)))
                .collect(),
        ))),
    }
}

/// The estimates of `needle` ([`ExactIndex::estimates`]), read once per query.
fn cached<'c, 'n>(
    exact: &ExactIndex,
    cache: &'c mut Estimates<'n>,
    needle: &'n [char],
) -> Result<&'c (u64, Vec<u64>)> {
    Ok(match cache.entry(needle) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => e.insert(exact.estimates(needle)?),
    })
}

/// [`ExactIndex::estimate_by_segment`] of `needle`.
fn estimates<'c, 'n>(
    exact: &ExactIndex,
    cache: &'c mut Estimates<'n>,
    needle: &'n [char],
) -> Result<&'c [u64]> {
    Ok(&cached(exact, cache, needle)?.1)
}

/// The estimate of `needle` over all segments ([`ExactIndex::estimates`]).
fn estimate<'n>(exact: &ExactIndex, cache: &mut Estimates<'n>, needle: &'n [char]) -> Result<u64> {
    Ok(cached(exact, cache, needle)?.0)
}

/// Per text of a query, its estimates over all segments and segment by segment.
type Estimates<'n> = HashMap<&'n [char], (u64, Vec<u64>)>;

/// Records holding any of `terms`, unscored. A few terms are looked up one by one;
/// tantivy's `TermSetQuery` streams the whole term dictionary through an automaton, which
/// costs milliseconds on a large index and only pays off for large sets.
fn term_set(terms: Vec<Term>) -> Box<dyn TQuery> {
    if terms.len() > 256 {
        return Box::new(TermSetQuery::new(terms));
    }
    let clauses = terms
        .into_iter()
        .map(|t| {
            let q: Box<dyn TQuery> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(clauses)),
        1.0,
    ))
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

/// N(`text`) when it is taken as one word without cutting: one or two letters or digits
/// (Han characters included). jieba keeps almost every two-character term whole; one it would
/// split into two characters (an unknown pair) then matches as that exact pair, not as two
/// characters anywhere in the paragraph.
fn known_word(text: &str) -> Option<String> {
    let norm = analysis::normalize(text);
    let short = !norm.is_empty() && norm.chars().nth(2).is_none();
    (short && norm.chars().all(char::is_alphanumeric)).then_some(norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_go_first_and_ties_to_the_lower_key() {
        let at = |ord, doc| DocAddress::new(ord, doc);
        // (score, key, address): the keys do not follow the addresses.
        let scored = [
            (1.0, 4, at(0, 5)),
            (3.0, 1, at(1, 2)),
            (2.0, 6, at(0, 9)),
            (3.0, 5, at(0, 7)),
            (2.0, 3, at(0, 3)),
            (0.5, 0, at(0, 1)),
            (2.0, 2, at(1, 0)),
        ];
        // Ties inside the kept ones and at the cut both go to the lower key.
        let best = best_of(scored.into_iter(), |&k| k, 4);
        assert_eq!(
            best,
            vec![
                (3.0, at(1, 2)),
                (3.0, at(0, 7)),
                (2.0, at(1, 0)),
                (2.0, at(0, 3))
            ]
        );
        assert_eq!(best_of(scored.into_iter(), |&k| k, 0), Vec::new());
        assert_eq!(best_of(scored.into_iter(), |&k| k, 99).len(), scored.len());
    }
}
