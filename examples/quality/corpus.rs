//! The corpus as the evaluation sees it: every file the library's walk reads, parsed with
//! the library's parser, minus the files that are not documents (see [`load`] for each
//! exclusion), each with the name a person would type for it ([`doc_name`]). Also the facts
//! the query kinds need: article labels ([`article_key`]), a paragraph's script
//! ([`is_traditional`]) and how many paragraphs contain a word ([`paragraph_counts`]).
//!
//! Nothing here asks the index: the queries are drawn from the files alone, so they are the
//! same whatever engine answers them.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use rustc_hash::FxHashMap;
use zhengce::analysis::{normalize_exact, normalize_exact_into, s2t, t2s, Normalized};
use zhengce::corpus::{read_document, walk, CorpusFile, Document, ParagraphKind, WalkEvent};

/// One document of the corpus.
pub struct Doc {
    /// Path relative to the corpus root, `/`-separated (as the index reports it).
    pub path: String,
    /// The first folder of `path` (`laws-cn`, `laws-tw`, `gov-reports`, …).
    pub folder: String,
    /// The document's name as a person would type it ([`doc_name`]).
    pub name: String,
    /// N(name) without white space: documents with equal keys share a name.
    pub key: String,
    /// The parsed document.
    pub doc: Document,
}

/// The documents, and what was left out and why.
pub struct Corpus {
    /// The documents, in the walk's (sorted) order.
    pub docs: Vec<Doc>,
    /// Files and folders left out, by reason.
    pub excluded: BTreeMap<String, usize>,
}

impl Corpus {
    /// Paths of every document whose name key is `key`.
    pub fn paths_named(&self, key: &str) -> Vec<String> {
        (self.docs.iter())
            .filter(|d| d.key == key)
            .map(|d| d.path.clone())
            .collect()
    }
}

/// Reads and parses every `.txt`/`.md` file below `root` on two threads. Left out, each
/// counted under its reason: what the walk does not read (other extensions, unreadable
/// entries), files that do not decode, `_index.md` (near-empty section stubs of `laws-cn`),
/// `README.md` (descriptions of the corpus, not policy texts) and documents without one body
/// paragraph (a title and a date block, nothing else).
pub fn load(root: &Path) -> anyhow::Result<Corpus> {
    let mut excluded = BTreeMap::new();
    let mut files = Vec::new();
    for event in walk(root).with_context(|| format!("{}: cannot walk", root.display()))? {
        match event {
            WalkEvent::File(f) => files.push(f),
            WalkEvent::Skipped { reason, .. } => {
                *excluded
                    .entry(format!("not read by the walk: {reason}"))
                    .or_default() += 1
            }
            WalkEvent::Unreadable { .. } => {
                *excluded.entry("unreadable entry".to_owned()).or_default() += 1
            }
        }
    }
    let parsed = parse_all(&files);
    let mut docs = Vec::with_capacity(files.len());
    for (file, doc) in files.iter().zip(parsed) {
        let file_name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
        let reason = match &doc {
            Err(_) => Some("cannot be read or decoded"),
            Ok(_) if file_name == "_index.md" => Some("_index.md section stub"),
            Ok(_) if file_name.eq_ignore_ascii_case("README.md") => {
                Some("README.md (describes the corpus)")
            }
            Ok(d) if !d.paragraphs.iter().any(|p| p.kind == ParagraphKind::Body) => {
                Some("no body paragraph")
            }
            Ok(_) => None,
        };
        if let Some(reason) = reason {
            *excluded.entry(reason.to_owned()).or_default() += 1;
            continue;
        }
        let Ok(doc) = doc else { continue };
        let name = doc_name(&file.rel);
        if name.is_empty() {
            *excluded.entry("empty name".to_owned()).or_default() += 1;
            continue;
        }
        docs.push(Doc {
            path: file.rel.clone(),
            folder: file.rel.split('/').next().unwrap_or("").to_owned(),
            key: normalize_exact(&name).as_str().to_owned(),
            name,
            doc,
        });
    }
    Ok(Corpus { docs, excluded })
}

/// Parses `files` on two threads, results in the order of `files`.
fn parse_all(files: &[CorpusFile]) -> Vec<zhengce::Result<Document>> {
    let halves: Vec<Vec<_>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|t| s.spawn(move || files.iter().skip(t).step_by(2).map(read_document).collect()))
            .collect();
        (workers.into_iter())
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut iters: Vec<_> = halves.into_iter().map(Vec::into_iter).collect();
    (0..files.len())
        .filter_map(|i| iters[i % 2].next())
        .collect()
}

/// The name of the document at `rel`: its file name without extension, without a trailing
/// version date (`(2012-12-28)`, `（86.09.17 訂定）`, `（新 90.03.14 訂定）`) and without a
/// leading run of ASCII digits (a year, as in `1954政府工作报告_周恩来`) unless `年` follows it
/// (`95年國民住宅…` keeps its year: there it is part of the name), with `_` read as a space.
pub fn doc_name(rel: &str) -> String {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let stem = strip_version_date(stem);
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &stem[digits..];
    let stem = match rest.chars().next() {
        Some(c) if digits > 0 && c != '年' => rest,
        _ => stem,
    };
    stem.split('_')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `stem` without a last parenthesized group (ASCII or full-width) that holds a version date:
/// `YYYY-MM-DD`, or a Taiwan `YY.MM.DD` with `訂定`/`制定` and an optional `新`/`舊` before.
fn strip_version_date(stem: &str) -> &str {
    let Some(inner) = stem.strip_suffix(')').or_else(|| stem.strip_suffix('）')) else {
        return stem;
    };
    let Some(open) = inner.rfind(['(', '（']) else {
        return stem;
    };
    let open_len = inner[open..].chars().next().map_or(1, char::len_utf8);
    let date: String = (inner[open + open_len..].chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let iso = date.len() == 10
        && (date.bytes().enumerate())
            .all(|(i, b)| matches!(i, 4 | 7) == (b == b'-') && (b == b'-' || b.is_ascii_digit()));
    let dotted = date
        .trim_start_matches(['新', '舊'])
        .strip_suffix("訂定")
        .or_else(|| date.trim_start_matches(['新', '舊']).strip_suffix("制定"))
        .is_some_and(|d| {
            let parts: Vec<&str> = d.split('.').collect();
            parts.len() == 3
                && (parts.iter()).all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        });
    match iso || dotted {
        true => inner[..open].trim_end(),
        false => stem,
    }
}

/// N(`entry`) without white space when `entry` is an article label (`第十条`, `第 10 條`,
/// `第十一条之一`, `第 6-1 條`), else `None`.
pub fn article_key(entry: &str) -> Option<String> {
    let key = normalize_exact(entry).as_str().to_owned();
    let (number, after) = key.strip_prefix('第')?.split_once('条')?;
    let numeral = |s: &str| !s.is_empty() && s.chars().all(is_numeral);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let number_ok = match number.split_once('-') {
        Some((n, sub)) => digits(n) && digits(sub),
        None => numeral(number),
    };
    let after_ok = after.is_empty() || after.strip_prefix('之').is_some_and(numeral);
    (number_ok && after_ok).then_some(key)
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "零〇一二两三四五六七八九十百千万".contains(c)
}

/// Whether `text` is in Traditional script: `t2s` changes more of its characters than `s2t`
/// does (text the converters leave alone counts as Simplified).
pub fn is_traditional(text: &str) -> bool {
    let changed = |conv: String| {
        conv.chars()
            .zip(text.chars())
            .filter(|(a, b)| a != b)
            .count()
    };
    changed(t2s(text)) > changed(s2t(text))
}

/// `text` in the other script: `t2s` when it is Traditional, else `s2t`.
pub fn to_other_script(text: &str, traditional: bool) -> String {
    match traditional {
        true => t2s(text),
        false => s2t(text),
    }
}

/// For each of `words` (N form, no white space), how many paragraphs of the corpus (every
/// kind) contain it as a substring of N(text) without white space: what a quoted phrase
/// query of the word counts. Runs on two threads.
pub fn paragraph_counts(corpus: &Corpus, words: &[String]) -> Vec<u32> {
    let index: FxHashMap<&str, usize> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i))
        .collect();
    let mut lens: Vec<usize> = words.iter().map(|w| w.chars().count()).collect();
    lens.sort_unstable();
    lens.dedup();
    let (index, lens) = (&index, &lens);
    let parts: Vec<Vec<u32>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|t| {
                s.spawn(move || {
                    let mut counts = vec![0u32; words.len()];
                    let mut last = vec![usize::MAX; words.len()];
                    let mut norm = Normalized::new();
                    let mut offsets = Vec::new();
                    let paragraphs = corpus
                        .docs
                        .iter()
                        .skip(t)
                        .step_by(2)
                        .flat_map(|d| &d.doc.paragraphs);
                    for (n, p) in paragraphs.enumerate() {
                        normalize_exact_into(&mut norm, &p.text);
                        let text = norm.as_str();
                        offsets.clear();
                        offsets.extend(text.char_indices().map(|(b, _)| b));
                        offsets.push(text.len());
                        let chars = offsets.len() - 1;
                        for i in 0..chars {
                            for &len in lens.iter().take_while(|&&l| i + l <= chars) {
                                if let Some(&w) = index.get(&text[offsets[i]..offsets[i + len]]) {
                                    if last[w] != n {
                                        last[w] = n;
                                        counts[w] += 1;
                                    }
                                }
                            }
                        }
                    }
                    counts
                })
            })
            .collect();
        (workers.into_iter())
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    (0..words.len())
        .map(|i| parts.iter().map(|c| c[i]).sum())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            doc_name("laws-cn/社会法/劳动合同法(2012-12-28).md"),
            "劳动合同法"
        );
        assert_eq!(
            doc_name("gov-reports/1964政府工作报告_周恩来_摘要.txt"),
            "政府工作报告 周恩来 摘要"
        );
        assert_eq!(doc_name("laws-tw/行政/95年國民住宅.txt"), "95年國民住宅");
        assert_eq!(
            doc_name("laws-cn/宪法/宪法修正案（2004年）.md"),
            "宪法修正案（2004年）"
        );
        assert_eq!(doc_name("x/办法(试行).md"), "办法(试行)");
        assert_eq!(
            doc_name("t/菸害防制法施行細則（86.09.17 訂定）.txt"),
            "菸害防制法施行細則"
        );
        assert_eq!(doc_name("t/管理規則（新 88.06.30 訂定）.txt"), "管理規則");
        assert_eq!(doc_name("t/組織規程（107.01.23訂定）.txt"), "組織規程");
        assert_eq!(doc_name("t/規則（第 2 次）.txt"), "規則（第 2 次）");
    }

    #[test]
    fn article_labels() {
        assert_eq!(article_key("第 10 條").as_deref(), Some("第10条"));
        assert_eq!(article_key("第十一条之一").as_deref(), Some("第十一条之一"));
        assert_eq!(article_key("第 6-1 條").as_deref(), Some("第6-1条"));
        assert_eq!(article_key("第一章 总则"), None);
        assert_eq!(article_key("第三款"), None);
    }

    #[test]
    fn scripts() {
        assert!(is_traditional("中華民國憲法"));
        assert!(!is_traditional("中华人民共和国宪法"));
        assert_eq!(
            to_other_script("个人信息保护法 第十条", false),
            "個人信息保護法 第十條"
        );
    }
}
