//! Look-ups in the exact index for a [`Plan`]: the hits of each text, the paragraphs of
//! filters, and the candidates the ranker evaluates.
//!
//! When a query requires two texts or more, the rarest (by the dictionaries' counts) is looked
//! up first and each next one only within the paragraphs found so far; the other texts (under
//! an OR, a NOT, or optional) are looked up within the final set, and every list is then cut
//! to it. That changes no match: a paragraph outside the set fails a required text. Scores
//! then use the dictionaries' estimate as document frequency where it is larger, since a
//! limited look-up cannot count ([`Lists::df`]). Look-ups with many estimated matches are
//! shared with the search helper thread, half of the exact segments each.
//!
//! Every list comes in look-up order: by exact segment, ascending within each.

use std::borrow::Cow;
use std::collections::HashMap;

use super::plan::{Node, Plan};
use super::rank::FilterSet;
use super::Searcher;
use crate::index::exact::{ExactHit, ExactIndex, Within, UNKNOWN};
use crate::Result;

/// The hits of each text of a plan.
#[derive(Debug, Default)]
pub struct Lists {
    /// Per text of the plan, its hits in look-up order.
    pub hits: Vec<Vec<ExactHit>>,
    /// Per text, the document frequency its score uses.
    pub df: Vec<f32>,
}

/// Looks up every text of `plan` (see the module docs). `also` runs on this thread while the
/// helper thread does its share of the look-ups; its result is returned beside them.
pub fn look_up_texts<T>(s: &Searcher, plan: &Plan, also: impl FnOnce() -> T) -> Result<(Lists, T)> {
    let exact = s.exact_index();
    let mut estimated = Estimates::new();
    let mut required: Vec<(u64, &[char])> = Vec::new();
    for t in plan.texts.iter().filter(|t| t.required) {
        // The segments' own estimates, summed, guess the work more closely.
        let work = estimates(exact, &mut estimated, &t.chars)?.iter().sum();
        required.push((work, &t.chars));
    }
    required.sort_by_key(|(estimate, _)| *estimate);
    let chain: Vec<&[char]> = match required.len() {
        0 | 1 => Vec::new(),
        _ => required.iter().map(|(_, chars)| *chars).collect(),
    };
    let rest: Vec<&[char]> = (plan.texts.iter())
        .map(|t| t.chars.as_slice())
        .filter(|chars| !chain.contains(chars))
        .collect();
    let segments = exact.segment_count();
    // Per text, the estimate of its matches per segment: room for its hits, and its work (at
    // most the chain's first text's, within whose paragraphs it is looked up).
    let mut sizes = Vec::with_capacity(chain.len() + rest.len());
    for chars in chain.iter().chain(&rest) {
        sizes.push(estimates(exact, &mut estimated, chars)?.to_vec());
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
    let (found, also) = if let Some(half) = s.split(&work) {
        // Segments are independent: each thread runs every look-up over its share.
        let owned =
            |texts: &[&[char]]| -> Vec<Vec<char>> { texts.iter().map(|t| t.to_vec()).collect() };
        let (their_chain, their_rest, their_sizes) = (owned(&chain), owned(&rest), sizes.clone());
        let (mine, other) = s.join(
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
        let ((mine, also), other) = (mine, other?);
        let mut found = mine?;
        for (list, more) in found.iter_mut().zip(other) {
            list.extend(more);
        }
        (found, also)
    } else {
        let also = also();
        (look_up(exact, 0..segments, &chain, &rest, &sizes)?, also)
    };
    let mut by_chars: HashMap<&[char], Vec<ExactHit>> =
        chain.iter().chain(&rest).copied().zip(found).collect();
    let mut lists = Lists::default();
    for t in &plan.texts {
        let hits = by_chars.remove(t.chars.as_slice()).unwrap_or_default();
        let counted = hits.len() as f32;
        lists.df.push(match chain.is_empty() {
            true => counted,
            false => (estimate(exact, &mut estimated, &t.chars)? as f32).max(counted),
        });
        lists.hits.push(hits);
    }
    Ok((lists, also))
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

/// The paragraphs that can match `node`, in look-up order, without repeats: those of the
/// smallest text it requires, else of a filter it requires, else (with no required part) of
/// each of its optional parts together.
pub fn candidates<'l>(
    s: &Searcher,
    node: &Node,
    lists: &'l Lists,
    filters: &[FilterSet],
) -> Result<Cow<'l, [ExactHit]>> {
    Ok(match node {
        Node::Text { text, .. } => Cow::Borrowed(&lists.hits[*text]),
        Node::Filter(i) => Cow::Owned(paragraphs_of(s.exact_index(), Some(&filters[*i]))?),
        Node::All => Cow::Owned(paragraphs_of(s.exact_index(), None)?),
        Node::Bool { must, should, .. } => {
            if !must.is_empty() {
                // A required text bounds the candidates most cheaply; a filter or a group
                // next; every paragraph last.
                let size = |n: &Node| match n {
                    Node::Text { text, .. } => (0, lists.hits[*text].len()),
                    Node::Bool { .. } => (1, 0),
                    Node::Filter(_) => (2, 0),
                    Node::All => (3, 0),
                };
                let best = must.iter().min_by_key(|n| size(n)).unwrap_or(&must[0]);
                return candidates(s, best, lists, filters);
            }
            let mut all: Vec<ExactHit> = Vec::new();
            for part in should {
                all.extend_from_slice(&candidates(s, part, lists, filters)?);
            }
            all.sort_by_key(|h| h.at);
            all.dedup_by_key(|h| h.at);
            Cow::Owned(all)
        }
    })
}

/// Every current paragraph of the exact index in look-up order, only those `within` selects
/// when given, as hits without occurrences and with their bounds read.
fn paragraphs_of(exact: &ExactIndex, within: Option<&FilterSet>) -> Result<Vec<ExactHit>> {
    let mut out = Vec::new();
    exact.each_paragraph(
        |file_no| match within {
            None => true,
            Some(FilterSet::Files(files)) => files.binary_search(&u64::from(file_no)).is_ok(),
            Some(FilterSet::Sections(ranges)) => {
                let at = ranges.partition_point(|r| r.0 < u64::from(file_no));
                ranges.get(at).is_some_and(|r| r.0 == u64::from(file_no))
            }
        },
        |h| {
            if within.is_none_or(|w| w.contains(u64::from(h.file_no), u64::from(h.para))) {
                out.push(h);
            }
        },
    )?;
    debug_assert!(out.iter().all(|h| h.len == UNKNOWN));
    exact.fill_bounds(&mut out)?;
    Ok(out)
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
