//! Drawing the queries of the four kinds from the parsed corpus with a seeded generator, and
//! judging a list of hits against each query's target.
//!
//! Every draw depends only on the files, the seed and the count asked for: never on an
//! index, so the same queries measure every version of the engine. Each kind has its own
//! stream of random numbers, so the queries of one kind do not change when another changes.

use std::collections::HashSet;

use jieba_rs::Jieba;
use serde::Serialize;
use zhengce::analysis::{normalize_exact, normalize_mapped_into, Normalized};
use zhengce::corpus::ParagraphKind;
use zhengce::rng::Rng;
use zhengce::search::Hit;

use crate::corpus::{article_key, is_traditional, paragraph_counts, to_other_script, Corpus};

/// Body paragraphs shorter than this many characters (white space aside) are not drawn for
/// the word kinds.
const MIN_BODY_CHARS: usize = 30;
/// Court cases in `laws-cn`: their `第X条` paragraphs quote other laws' articles, so they
/// are not laws for kind (a).
const CASES: &str = "laws-cn/案例/";
/// Rare words typed per query.
const WORDS: usize = 3;

/// Hits to look at for queries of `kind`: the top 3 for names, the top 10 for words.
pub fn cutoff(kind: char) -> usize {
    match kind {
        'a' | 'b' => 3,
        _ => 10,
    }
}

/// What a query must find.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Target {
    /// A paragraph under `label` (or the label's own heading) in a document named `name`.
    Article {
        path: String,
        name: String,
        title: String,
        label: String,
        #[serde(skip)]
        label_key: String,
        /// Every document of that name (dated versions, the same name in two folders).
        accept: Vec<String>,
    },
    /// Any paragraph of a document named `name`.
    Document {
        path: String,
        name: String,
        title: String,
        accept: Vec<String>,
    },
    /// The paragraph, or one with the same N(text).
    Paragraph {
        path: String,
        paragraph: u32,
        lines: [u32; 2],
        section: Vec<String>,
        text: String,
        #[serde(skip)]
        text_key: String,
        /// The words typed (N form) and how many paragraphs of the corpus contain each.
        words: Vec<(String, u32)>,
        /// Whether a hit at `path` numbered `paragraph` is the target whatever its text: not
        /// when the index was built from a variant that renumbers the file's paragraphs.
        #[serde(skip)]
        numbered: bool,
    },
}

/// One query and its target.
#[derive(Debug, Clone, Serialize)]
pub struct Query {
    /// `a`, `b`, `c` or `d`.
    pub kind: char,
    /// What is typed.
    pub text: String,
    /// The first folder of the target's path.
    pub folder: String,
    /// Whether the query was converted to the other script.
    pub converted: bool,
    /// Whether the conversion changed N(query). N maps both scripts to one form character by
    /// character, but OpenCC's whole-string conversion also rewrites words (計畫 → 计划,
    /// 答复 → 答覆) that N keeps apart: such a query finds its target only through an
    /// engine that expands the query into its forms.
    pub n_changed: bool,
    /// What must be found.
    pub target: Target,
}

impl Query {
    /// Hits to look at ([`cutoff`]).
    pub fn cutoff(&self) -> usize {
        cutoff(self.kind)
    }

    /// Whether `hit` is what the query looks for.
    pub fn accepts(&self, hit: &Hit) -> bool {
        match &self.target {
            Target::Article {
                label_key, accept, ..
            } => {
                accept.contains(&hit.path)
                    && (hit.section.iter().any(|s| normalize_key(s) == *label_key)
                        || normalize_key(&hit.text) == *label_key)
            }
            Target::Document { accept, .. } => accept.contains(&hit.path),
            Target::Paragraph {
                path,
                paragraph,
                text_key,
                numbered,
                ..
            } => {
                (*numbered && hit.path == *path && hit.paragraph == *paragraph)
                    || normalize_key(&hit.text) == *text_key
            }
        }
    }

    /// The path of the document the target was drawn from.
    pub fn target_path(&self) -> &str {
        match &self.target {
            Target::Article { path, .. }
            | Target::Document { path, .. }
            | Target::Paragraph { path, .. } => path,
        }
    }

    /// The 1-based line range of a paragraph target.
    pub fn target_lines(&self) -> Option<[u32; 2]> {
        match &self.target {
            Target::Paragraph { lines, .. } => Some(*lines),
            _ => None,
        }
    }

    /// Judges a paragraph target by its text alone, for an index whose copy of the target's
    /// file numbers its paragraphs differently.
    pub fn match_text_only(&mut self) {
        if let Target::Paragraph { numbered, .. } = &mut self.target {
            *numbered = false;
        }
    }
}

/// Whether `a` and `b` differ after N (white space ignored).
fn n_differs(a: &str, b: &str) -> bool {
    normalize_key(a) != normalize_key(b)
}

fn normalize_key(text: &str) -> String {
    normalize_exact(text).as_str().to_owned()
}

/// Sizes of the pools drawn from and counts of draws passed over, by what they count.
pub type DrawStats = std::collections::BTreeMap<String, usize>;

/// Kind (a): a law of `laws-cn` (court cases aside) or `laws-tw` with at least one article
/// label in a section path, drawn uniformly, then one of its distinct labels; typed
/// `NAME LABEL` with the label's spaces removed (`第 10 條` → `第10條`); every odd-numbered
/// query converted whole to the other script.
pub fn law_articles(corpus: &Corpus, rng: &mut Rng, n: usize, stats: &mut DrawStats) -> Vec<Query> {
    let pool: Vec<(usize, Vec<&str>)> = (corpus.docs.iter().enumerate())
        .filter(|(_, d)| d.folder == "laws-tw" || d.folder == "laws-cn")
        .filter(|(_, d)| !d.path.starts_with(CASES))
        .filter_map(|(i, d)| {
            let mut seen = HashSet::new();
            let labels: Vec<&str> = (d.doc.paragraphs.iter())
                .flat_map(|p| &p.section)
                .filter(|s| article_key(s).is_some_and(|k| seen.insert(k)))
                .map(String::as_str)
                .collect();
            (!labels.is_empty()).then_some((i, labels))
        })
        .collect();
    let mut drawn = HashSet::new();
    let mut out = Vec::new();
    let pairs: usize = pool.iter().map(|(_, l)| l.len()).sum();
    stats.insert("(a) pool: laws with article labels".into(), pool.len());
    stats.insert("(a) pool: (law, article label) pairs".into(), pairs);
    while out.len() < n.min(pairs) {
        let (i, labels) = &pool[rng.below(pool.len())];
        let label = labels[rng.below(labels.len())];
        if !drawn.insert((*i, label)) {
            continue;
        }
        let d = &corpus.docs[*i];
        let compact: String = label.chars().filter(|c| !c.is_whitespace()).collect();
        let typed = format!("{} {compact}", d.name);
        let converted = out.len() % 2 == 1;
        let text = match converted {
            true => to_other_script(&typed, d.folder == "laws-tw"),
            false => typed.clone(),
        };
        out.push(Query {
            kind: 'a',
            n_changed: n_differs(&text, &typed),
            text,
            folder: d.folder.clone(),
            converted,
            target: Target::Article {
                path: d.path.clone(),
                name: d.name.clone(),
                title: d.doc.title.clone(),
                label: label.to_owned(),
                label_key: article_key(label).unwrap_or_default(),
                accept: corpus.paths_named(&d.key),
            },
        });
    }
    out
}

/// Kind (b): a document drawn uniformly from every folder; typed as its name.
pub fn doc_names(corpus: &Corpus, rng: &mut Rng, n: usize, stats: &mut DrawStats) -> Vec<Query> {
    stats.insert("(b) pool: documents".into(), corpus.docs.len());
    let mut drawn = HashSet::new();
    let mut out = Vec::new();
    while out.len() < n.min(corpus.docs.len()) {
        let i = rng.below(corpus.docs.len());
        if !drawn.insert(i) {
            continue;
        }
        let d = &corpus.docs[i];
        out.push(Query {
            kind: 'b',
            text: d.name.clone(),
            folder: d.folder.clone(),
            converted: false,
            n_changed: false,
            target: Target::Document {
                path: d.path.clone(),
                name: d.name.clone(),
                title: d.doc.title.clone(),
                accept: corpus.paths_named(&d.key),
            },
        });
    }
    out
}

/// A drawn paragraph's words: (N form, as written in the paragraph) in order of first
/// occurrence.
struct Drawn {
    doc: usize,
    paragraph: usize,
    words: Vec<(String, String)>,
}

/// Kinds (c) and (d): a body paragraph of 30+ characters (white space aside) drawn uniformly
/// from every folder; its jieba words (N(text) cut with HMM, as queries are cut; words made
/// of letters and digits only, CJK included; `OR` and `NOT` left out, since typed they are
/// operators); the three found in the fewest paragraphs of the corpus (ties: the longer, then
/// the earlier), typed as written in the paragraph, `w1 w2 w3` in the order of rarity. (d)
/// types the same words converted whole to the other script (`t2s` for a Traditional
/// paragraph, else `s2t`). A paragraph with fewer than three distinct words is passed over
/// (counted in `stats`).
pub fn rare_words(
    corpus: &Corpus,
    jieba: &Jieba,
    rng: &mut Rng,
    n: usize,
    stats: &mut DrawStats,
) -> (Vec<Query>, Vec<Query>) {
    let pool: Vec<(usize, usize)> = (corpus.docs.iter().enumerate())
        .flat_map(|(i, d)| {
            (d.doc.paragraphs.iter().enumerate())
                .filter(|(_, p)| p.kind == ParagraphKind::Body)
                .filter(|(_, p)| {
                    p.text.chars().filter(|c| !c.is_whitespace()).count() >= MIN_BODY_CHARS
                })
                .map(move |(j, _)| (i, j))
        })
        .collect();
    stats.insert(
        "(c) pool: body paragraphs of 30+ characters".into(),
        pool.len(),
    );
    let mut seen = HashSet::new();
    let mut drawn = Vec::new();
    let mut norm = Normalized::new();
    while drawn.len() < n && seen.len() < pool.len() {
        let (doc, paragraph) = pool[rng.below(pool.len())];
        if !seen.insert((doc, paragraph)) {
            continue;
        }
        let text = &corpus.docs[doc].doc.paragraphs[paragraph].text;
        let words = words_of(jieba, &mut norm, text);
        if words.len() < WORDS {
            *stats
                .entry("(c) passed over: paragraphs with fewer than 3 distinct words".into())
                .or_default() += 1;
            continue;
        }
        drawn.push(Drawn {
            doc,
            paragraph,
            words,
        });
    }
    let mut all: Vec<String> = drawn
        .iter()
        .flat_map(|d| d.words.iter().map(|w| w.0.clone()))
        .collect();
    all.sort_unstable();
    all.dedup();
    let counts = paragraph_counts(corpus, &all);
    let count_of = |w: &str| {
        all.binary_search_by(|x| x.as_str().cmp(w))
            .map_or(0, |i| counts[i])
    };
    let (mut same, mut other) = (Vec::new(), Vec::new());
    for d in drawn {
        let doc = &corpus.docs[d.doc];
        let p = &doc.doc.paragraphs[d.paragraph];
        let mut ranked: Vec<(usize, &(String, String))> = d.words.iter().enumerate().collect();
        ranked.sort_by_key(|(at, w)| (count_of(&w.0), std::cmp::Reverse(w.0.chars().count()), *at));
        let chosen: Vec<&(String, String)> =
            ranked.into_iter().take(WORDS).map(|(_, w)| w).collect();
        let typed = chosen
            .iter()
            .map(|w| w.1.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let target = Target::Paragraph {
            path: doc.path.clone(),
            paragraph: p.paragraph,
            lines: p.lines,
            section: p.section.clone(),
            text: p.text.clone(),
            text_key: normalize_key(&p.text),
            words: chosen
                .iter()
                .map(|w| (w.0.clone(), count_of(&w.0)))
                .collect(),
            numbered: true,
        };
        let converted = to_other_script(&typed, is_traditional(&p.text));
        other.push(Query {
            kind: 'd',
            converted: converted != typed,
            n_changed: n_differs(&converted, &typed),
            text: converted,
            folder: doc.folder.clone(),
            target: target.clone(),
        });
        same.push(Query {
            kind: 'c',
            text: typed,
            folder: doc.folder.clone(),
            converted: false,
            n_changed: false,
            target,
        });
    }
    (same, other)
}

/// The distinct words of `text` (see [`rare_words`]) as (N form, original form).
fn words_of(jieba: &Jieba, norm: &mut Normalized, text: &str) -> Vec<(String, String)> {
    normalize_mapped_into(norm, text);
    let mut seen = HashSet::new();
    (jieba.cut(norm.as_str(), true).into_iter())
        .filter(|t| t.word.chars().all(char::is_alphanumeric))
        .filter(|t| seen.insert(t.word))
        .map(|t| {
            let (start, end) = norm.orig_bytes(t.start, t.end);
            (t.word.to_owned(), text[start..end].to_owned())
        })
        .filter(|(_, typed)| !matches!(typed.as_str(), "OR" | "NOT"))
        .collect()
}
