//! Look-ups in the exact index for a [`Plan`]: the hits of each text, the paragraphs of
//! filters and of words' contexts, and the candidates the ranker evaluates.
//!
//! When a query requires two things or more (bare words, found in a paragraph's context, and
//! quoted phrases, found in its text), they are looked up in a chain, the one with the fewest
//! estimated paragraphs first: its paragraphs are the first candidates (a word's: those of its
//! text hits, of the documents whose title holds it and of the sections whose heading holds
//! it); each next one is looked up only within the candidates so far, which keep the
//! paragraphs that hold it. The other texts (under an OR, a NOT, optional) are looked up
//! within the final candidates, and every list is cut to them. That changes no match: a
//! paragraph outside them fails a required part. Scores then use the dictionaries' estimate
//! as document frequency where it is larger, since a limited look-up cannot count
//! ([`Lists::df`]). Look-ups with many estimated matches are shared with the search helper
//! thread, half of the exact segments each.
//!
//! Every list comes in look-up order: by exact segment, ascending within each.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::plan::{Node, Plan};
use super::rank::{Context, FilterSet};
use super::Searcher;
use crate::index::exact::{ExactHit, ExactIndex, Within, WordCheck};
use crate::Result;

/// The hits of each text of a plan, and the candidates of a chain.
#[derive(Debug, Default)]
pub struct Lists {
    /// Per text of the plan, its hits in look-up order.
    pub hits: Vec<Vec<ExactHit>>,
    /// Per text, the document frequency its score uses.
    pub df: Vec<f32>,
    /// When the plan required two things or more: the paragraphs that hold them all, in
    /// look-up order (else the tree's parts give the candidates: [`candidates`]).
    pub chained: Option<Vec<ExactHit>>,
}

/// One look-up of a chain or of the rest: a text, and for a word its context.
#[derive(Clone)]
struct Step {
    /// The text's forms, itself first (N form without white space), each with its check.
    forms: Vec<(Vec<char>, Option<WordCheck>)>,
    context: Option<Arc<Context>>,
}

/// Looks up every text of `plan`, whose words have the `contexts` (see the module docs).
pub fn look_up_texts(s: &Searcher, plan: &Plan, contexts: &[Arc<Context>]) -> Result<Lists> {
    let exact = s.exact_index();
    let mut estimated = Estimates::new();
    // The required things, with their estimated paragraphs: a text's matches, a word's plus
    // those of its context.
    let mut required: Vec<(u64, usize, Option<usize>)> = Vec::new();
    for (i, t) in plan.texts.iter().enumerate().filter(|(_, t)| t.required) {
        let work = form_estimates(exact, &mut estimated, t.all_forms())?
            .iter()
            .sum();
        required.push((work, i, None));
    }
    for (w, word) in plan.words.iter().enumerate().filter(|(_, w)| w.required) {
        let text = &plan.texts[word.text];
        let work: u64 = form_estimates(exact, &mut estimated, text.all_forms())?
            .iter()
            .sum();
        required.push((work + contexts[w].paragraphs(exact), word.text, Some(w)));
    }
    required.sort_by_key(|&(work, ..)| work);
    let step = |text: usize, word: Option<usize>| Step {
        forms: (plan.texts[text].all_forms())
            .zip(plan.texts[text].all_checks())
            .map(|(f, c)| (f.to_vec(), c.cloned()))
            .collect(),
        context: word.map(|w| Arc::clone(&contexts[w])),
    };
    let (chain, chain_texts): (Vec<Step>, Vec<usize>) = match required.len() {
        0 | 1 => Default::default(),
        _ => (required.iter())
            .map(|&(_, text, word)| (step(text, word), text))
            .unzip(),
    };
    let rest_texts: Vec<usize> = (0..plan.texts.len())
        .filter(|t| !chain_texts.contains(t))
        .collect();
    let rest: Vec<Step> = rest_texts.iter().map(|&t| step(t, None)).collect();
    let segments = exact.segment_count();
    // Per step, the estimate of its matches per segment: room for its hits, and its work (at
    // most the chain's first's, within whose paragraphs it is looked up).
    let mut sizes = Vec::with_capacity(chain.len() + rest.len());
    for text in chain_texts.iter().chain(&rest_texts) {
        let forms = plan.texts[*text].all_forms();
        sizes.push(form_estimates(exact, &mut estimated, forms)?);
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
    let (found, chained) = if let Some(half) = s.split(&work) {
        // Segments are independent: each thread runs every look-up over its share.
        let (their_chain, their_rest, their_sizes) = (chain.clone(), rest.clone(), sizes.clone());
        let (mine, other) = s.join(
            move |exact| {
                look_up(
                    exact,
                    half..segments,
                    &their_chain,
                    &their_rest,
                    &their_sizes,
                )
            },
            || look_up(exact, 0..half, &chain, &rest, &sizes),
        )?;
        let ((mut found, mut chained), (more, more_chained)) = (mine?, other?);
        for (list, more) in found.iter_mut().zip(more) {
            list.extend(more);
        }
        chained.extend(more_chained);
        (found, chained)
    } else {
        look_up(exact, 0..segments, &chain, &rest, &sizes)?
    };
    let mut by_text: HashMap<usize, Vec<ExactHit>> = chain_texts
        .iter()
        .chain(&rest_texts)
        .copied()
        .zip(found)
        .collect();
    let mut lists = Lists {
        chained: (!chain.is_empty()).then_some(chained),
        ..Lists::default()
    };
    for (i, t) in plan.texts.iter().enumerate() {
        let hits = by_text.remove(&i).unwrap_or_default();
        let counted = hits.len() as f32;
        lists.df.push(match chain.is_empty() {
            true => counted,
            false => {
                // The whole index's estimates, as for a document frequency: those of the
                // segments add up to another figure, which would depend on how the text is
                // split into segments.
                let mut all = 0;
                for form in t.all_forms() {
                    all += cached(exact, &mut estimated, form)?.0;
                }
                (all as f32).max(counted)
            }
        });
        lists.hits.push(hits);
    }
    Ok(lists)
}

/// The hits of each step of `chain` then of `rest` in the exact segments `range`, and the
/// final candidates of the chain (none without a chain). `sizes` holds each step's estimated
/// matches per segment (a bound on its hits).
fn look_up(
    exact: &ExactIndex,
    range: Range<usize>,
    chain: &[Step],
    rest: &[Step],
    sizes: &[Vec<u64>],
) -> Result<(Vec<Vec<ExactHit>>, Vec<ExactHit>)> {
    let mut sizes = sizes.iter();
    // Bounds are read at the end, for the hits kept.
    let mut find = |st: &Step, within: Option<&Within>| -> Result<Vec<ExactHit>> {
        let size: u64 = sizes
            .next()
            .and_then(|s| s.get(range.clone()))
            .unwrap_or_default()
            .iter()
            .sum();
        // Hits are at most the paragraphs allowed (an estimate counts matches, and for one
        // char those of every bigram starting with it).
        let most = within.map_or_else(|| exact.paragraphs_in(range.clone()), Within::len);
        let mut lists = Vec::with_capacity(st.forms.len());
        for (form, check) in &st.forms {
            let check = check.as_ref();
            let mut hits = Vec::with_capacity((size as usize).min(most));
            exact.find_each_unbounded_in(range.clone(), form, within, check, &mut |h| {
                hits.push(h)
            })?;
            lists.push(hits);
        }
        Ok(merge_forms(lists))
    };
    let mut found = Vec::with_capacity(chain.len() + rest.len());
    let mut candidates: Vec<ExactHit> = Vec::new();
    for (i, st) in chain.iter().enumerate() {
        if i == 0 {
            let hits = find(st, None)?;
            candidates = match &st.context {
                Some(ctx) => union(&hits, &context_paragraphs(exact, range.clone(), ctx)?),
                None => hits.clone(),
            };
            exact.fill_bounds(&mut candidates)?;
            found.push(hits);
            continue;
        }
        let hits = find(st, Some(&Within::of(&candidates)))?;
        candidates = keep_matching(&candidates, &hits, st.context.as_deref());
        found.push(hits);
    }
    let within = (!chain.is_empty()).then(|| Within::of(&candidates));
    if !chain.is_empty() {
        // The lists looked up before the candidates were final: cut to them.
        for hits in &mut found {
            *hits = keep_matching(hits, &candidates, None);
        }
    }
    for st in rest {
        found.push(find(st, within.as_ref())?);
    }
    for hits in &mut found {
        exact.fill_bounds(hits)?;
    }
    Ok((found, candidates))
}

/// The hits of a text's forms (each list in look-up order, the text itself first) as one
/// list in look-up order: a paragraph that holds several forms has one hit counting all their
/// occurrences, marked [`ExactHit::other_form`] when it holds none of the text itself.
fn merge_forms(lists: Vec<Vec<ExactHit>>) -> Vec<ExactHit> {
    let mut lists = lists.into_iter();
    let mut merged = lists.next().unwrap_or_default();
    for other in lists {
        let mut out = Vec::with_capacity(merged.len() + other.len());
        let (mut i, mut j) = (0, 0);
        while i < merged.len() || j < other.len() {
            match (merged.get(i), other.get(j)) {
                (Some(x), Some(y)) if x.at == y.at => {
                    out.push(ExactHit {
                        count: x.count + y.count,
                        whole: x.whole + y.whole,
                        ..*x
                    });
                    (i, j) = (i + 1, j + 1);
                }
                (Some(x), Some(y)) if x.at < y.at => {
                    out.push(*x);
                    i += 1;
                }
                (Some(_) | None, Some(y)) => {
                    out.push(ExactHit {
                        other_form: true,
                        ..*y
                    });
                    j += 1;
                }
                (Some(x), None) => {
                    out.push(*x);
                    i += 1;
                }
                (None, None) => break,
            }
        }
        merged = out;
    }
    merged
}

/// The estimates per segment of a text's forms together (an upper bound, as each is).
fn form_estimates<'n>(
    exact: &ExactIndex,
    cache: &mut Estimates<'n>,
    forms: impl Iterator<Item = &'n [char]>,
) -> Result<Vec<u64>> {
    let mut sum: Vec<u64> = Vec::new();
    for form in forms {
        let each = estimates(exact, cache, form)?;
        sum.resize(sum.len().max(each.len()), 0);
        for (s, e) in sum.iter_mut().zip(each) {
            *s += e;
        }
    }
    Ok(sum)
}

/// The hits of `a` and `b` (each in look-up order) together, in look-up order, each
/// paragraph once (`a`'s hit kept where both have one).
fn union(a: &[ExactHit], b: &[ExactHit]) -> Vec<ExactHit> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.at == y.at => {
                out.push(*x);
                (i, j) = (i + 1, j + 1);
            }
            (Some(x), Some(y)) if x.at < y.at => {
                out.push(*x);
                i += 1;
            }
            (Some(_), Some(y)) | (None, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// The hits of `hits` (in look-up order) whose paragraph has a hit in `holding` (in
/// look-up order, its bounds taken) or lies in `context`.
fn keep_matching(
    hits: &[ExactHit],
    holding: &[ExactHit],
    context: Option<&Context>,
) -> Vec<ExactHit> {
    let mut kept = Vec::with_capacity(hits.len().min(holding.len() + 64));
    let mut holder = context.map(Context::holder);
    let mut j = 0;
    for h in hits {
        while holding.get(j).is_some_and(|x| x.at < h.at) {
            j += 1;
        }
        let held = holding.get(j).filter(|x| x.at == h.at);
        match held {
            Some(x) => kept.push(ExactHit {
                start: x.start,
                len: x.len,
                ..*h
            }),
            None if holder.as_mut().is_some_and(|c| c.holds(h.file_no, h.para)) => kept.push(*h),
            None => {}
        }
    }
    kept
}

/// The paragraphs of the exact segments `range` that a word's context holds (those of the
/// documents whose title holds it and of the sections whose heading does), as hits without
/// occurrences.
fn context_paragraphs(
    exact: &ExactIndex,
    range: Range<usize>,
    context: &Context,
) -> Result<Vec<ExactHit>> {
    let mut out = Vec::new();
    if context.is_empty() {
        return Ok(out);
    }
    let files = context.files();
    // A few files are found through the live map; many, by walking the segments.
    if files.len() < exact.files() / 8 {
        let mut holder = context.holder();
        exact.each_paragraph_of(range, files, |h| {
            if holder.holds(h.file_no, h.para) {
                out.push(h);
            }
        });
        return Ok(out);
    }
    exact.each_paragraph_in(
        range,
        |file_no| context.touches(file_no),
        |h| {
            if context.holds(h.file_no, h.para) {
                out.push(h);
            }
        },
    )?;
    Ok(out)
}

/// The paragraphs that can match `node`, in look-up order, without repeats: those of the
/// smallest text it requires, else of a filter or word it requires, else (with no required
/// part) of each of its optional parts together.
pub fn candidates<'l>(
    s: &Searcher,
    node: &Node,
    lists: &'l Lists,
    filters: &[FilterSet],
    contexts: &[Arc<Context>],
    plan: &Plan,
) -> Result<Cow<'l, [ExactHit]>> {
    let exact = s.exact_index();
    let all = 0..exact.segment_count();
    Ok(match node {
        Node::Text { text, .. } => Cow::Borrowed(&lists.hits[*text]),
        Node::Word { word, .. } => {
            let hits = &lists.hits[plan.words[*word].text];
            let context = &contexts[*word];
            match context.is_empty() {
                true => Cow::Borrowed(hits),
                false => {
                    let mut around = context_paragraphs(exact, all, context)?;
                    exact.fill_bounds(&mut around)?;
                    Cow::Owned(union(hits, &around))
                }
            }
        }
        Node::Filter(i) => Cow::Owned(paragraphs_of(exact, Some(&filters[*i]))?),
        Node::All => Cow::Owned(paragraphs_of(exact, None)?),
        Node::Bool { must, should, .. } => {
            if !must.is_empty() {
                // A required text bounds the candidates most cheaply; a word, a filter or a
                // group next; every paragraph last.
                let size = |n: &Node| match n {
                    Node::Text { text, .. } => (0, lists.hits[*text].len()),
                    Node::Word { word, .. } => (1, lists.hits[plan.words[*word].text].len()),
                    Node::Bool { .. } => (2, 0),
                    Node::Filter(_) => (3, 0),
                    Node::All => (4, 0),
                };
                let best = must.iter().min_by_key(|n| size(n)).unwrap_or(&must[0]);
                return candidates(s, best, lists, filters, contexts, plan);
            }
            let mut all: Vec<ExactHit> = Vec::new();
            for part in should {
                all.extend_from_slice(&candidates(s, part, lists, filters, contexts, plan)?);
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
    exact.each_paragraph_in(
        0..exact.segment_count(),
        |file_no| within.is_none_or(|w| w.touches(u64::from(file_no))),
        |h| {
            if within.is_none_or(|w| w.contains(u64::from(h.file_no), u64::from(h.para))) {
                out.push(h);
            }
        },
    )?;
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

/// Per text of a query, its estimates over all segments and segment by segment.
type Estimates<'n> = HashMap<&'n [char], (u64, Vec<u64>)>;

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(at: (u32, u32)) -> ExactHit {
        ExactHit {
            file_no: at.0,
            para: at.1,
            count: 1,
            whole: 1,
            len: 3,
            at,
            start: at.1 * 4,
            other_form: false,
        }
    }

    #[test]
    fn union_keeps_order_and_each_paragraph_once() {
        let a = [hit((0, 1)), hit((0, 4)), hit((1, 0))];
        let mut b = vec![hit((0, 0)), hit((0, 4)), hit((2, 2))];
        b[1].count = 0;
        let u = union(&a, &b);
        let at: Vec<(u32, u32)> = u.iter().map(|h| h.at).collect();
        assert_eq!(at, [(0, 0), (0, 1), (0, 4), (1, 0), (2, 2)]);
        assert_eq!(u[2].count, 1, "a's hit is kept where both have one");
    }
}
