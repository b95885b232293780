//! The exact promise over the real corpus (`ZHENGCE_REAL_CORPUS`), on one index of it built
//! once: random substrings of real paragraphs, a quarter of them converted to the other
//! script and a quarter with a character of a distinct group swapped for another of its group
//! (乾 for 干), searched as `"…"` and compared with a plain substring scan of the normalized
//! text, where a phrase typed in Traditional script does not match a different Traditional
//! character of a Traditional paragraph (judged here from the text): recall and precision
//! both 100%; and random substrings of random *raw file lines*, chosen without the parser,
//! each found in the paragraph that holds its line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use zhengce::analysis::{self, distinct, normalize_exact, Written};
use zhengce::corpus::{self, WalkEvent};
use zhengce::index::{index_corpus, IndexOptions};
use zhengce::rng::Rng;
use zhengce::search::query::phrase_query;
use zhengce::search::Searcher;

/// The real corpus's folder (`ZHENGCE_REAL_CORPUS`, which was set when these tests were built:
/// without it they show as ignored, with the reason).
pub fn real_corpus() -> PathBuf {
    match std::env::var_os("ZHENGCE_REAL_CORPUS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => {
            panic!("ZHENGCE_REAL_CORPUS is not set: it was when this test was built; set it again")
        }
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// The real corpus indexed once for all the tests here: (its temporary folder, the index
/// folder, the paragraphs indexed).
pub fn real_index(root: &Path) -> &'static (tempfile::TempDir, PathBuf, u64) {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf, u64)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        let summary =
            index_corpus(&IndexOptions::new(root, &index), &()).expect("indexing the real corpus");
        // Only the Word 97-2003 files of `formats/doc` are refused (with their advice).
        assert!(
            summary
                .failed
                .iter()
                .all(|f| corpus::Format::of(&f.path) == Ok(corpus::Format::LegacyWord)),
            "{:?}",
            summary.failed
        );
        eprintln!(
            "indexed {} paragraphs, {:.1} MB in {:.1} s",
            summary.paragraphs,
            summary.bytes as f64 / 1e6,
            summary.seconds
        );
        (dir, index, summary.paragraphs)
    })
}

/// What [`indexed_paragraphs`] returns: keys, texts, document scripts.
type Indexed = (Vec<(String, u32)>, Vec<String>, Vec<Option<Written>>);

/// Every paragraph the index holds, read again from the files: ((path, paragraph), text, the
/// script of its document ([`distinct::document_script`])). Word 97-2003 files are reported,
/// not indexed.
fn indexed_paragraphs(root: &Path) -> Indexed {
    let (mut keys, mut texts, mut scripts) = (Vec::new(), Vec::new(), Vec::new());
    for event in corpus::walk(root).unwrap() {
        let WalkEvent::File(f) = event else { continue };
        if corpus::Format::of(&f.rel) == Ok(corpus::Format::LegacyWord) {
            continue;
        }
        let paragraphs = corpus::read_document(&f).unwrap().paragraphs;
        let script = distinct::document_script(paragraphs.iter().map(|p| p.text.as_str()));
        for p in paragraphs {
            keys.push((f.rel.clone(), p.paragraph));
            texts.push(p.text);
            scripts.push(script);
        }
    }
    (keys, texts, scripts)
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn exact_phrases_have_full_recall_and_precision_on_the_real_corpus() {
    let root = real_corpus();
    let started = std::time::Instant::now();
    let (_, index, paragraphs) = real_index(&root);

    // Every paragraph, normalized, in one buffer (one line each) for the reference scan.
    let (keys, originals, scripts) = indexed_paragraphs(&root);
    let mut haystack = String::new();
    let mut starts = Vec::new();
    for text in &originals {
        starts.push(haystack.len());
        haystack.push_str(normalize_exact(text).as_str());
        haystack.push('\n');
    }
    assert_eq!(keys.len() as u64, *paragraphs);

    eprintln!(
        "reference text ready after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let searcher = Searcher::open(index).unwrap();
    let mut rng = Rng::new(0x5eed_2026_1129);
    let (mut queries, mut checked_hits, mut ruled_out, mut swapped) = (0, 0usize, 0usize, 0);
    while queries < 300 {
        let i = rng.below(originals.len());
        let chars: Vec<char> = originals[i].chars().collect();
        if chars.is_empty() {
            continue;
        }
        let len = 1 + rng.below(8);
        let start = rng.below(chars.len());
        let piece: String = chars[start..].iter().take(len).collect();
        if piece.chars().count() != len || !piece.chars().all(is_han) {
            continue;
        }
        if queries % 4 == 3 && !piece.chars().any(|c| distinct::group_of(c).len() > 1) {
            continue;
        }
        let piece = match queries % 4 {
            0 | 2 => piece,
            1 if analysis::script::t2s(&piece) == piece => analysis::script::s2t(&piece),
            1 => analysis::script::t2s(&piece),
            // A group character of `analysis::distinct` swapped for another of its group
            // (乾 for 干): the same text under N, another under the character rules.
            _ => match piece
                .char_indices()
                .find(|(_, c)| distinct::group_of(*c).len() > 1)
            {
                Some((at, c)) => {
                    let group = distinct::group_of(c);
                    let other =
                        group[(group.iter().position(|&g| g == c).unwrap_or(0) + 1) % group.len()];
                    swapped += 1;
                    format!("{}{other}{}", &piece[..at], &piece[at + c.len_utf8()..])
                }
                None => piece,
            },
        };
        queries += 1;
        let needle = normalize_exact(&piece).as_str().to_string();
        let n: Vec<char> = needle.chars().collect();
        let rules = distinct::rules_of(&piece, &n);
        let mut expected = HashSet::new();
        for at in memchr::memmem::find_iter(haystack.as_bytes(), needle.as_bytes()) {
            let para = starts.partition_point(|&s| s <= at) - 1;
            if rules.is_empty()
                || distinct::holds_ruled(&originals[para], scripts[para], &needle, &rules)
            {
                expected.insert(keys[para].clone());
            } else if !expected.contains(&keys[para]) {
                ruled_out += 1;
            }
        }
        let got: HashSet<(String, u32)> = searcher
            .match_keys(&format!("\"{piece}\""), None)
            .unwrap()
            .into_iter()
            .collect();
        let missed: Vec<_> = expected.difference(&got).take(3).collect();
        let extra: Vec<_> = got.difference(&expected).take(3).collect();
        assert!(
            missed.is_empty() && extra.is_empty(),
            "\"{piece}\": {} expected, {} found; missed {missed:?}, extra {extra:?}",
            expected.len(),
            got.len()
        );
        checked_hits += expected.len();
    }
    eprintln!(
        "300 phrases ({swapped} with a character swapped for another of its group), \
         {checked_hits} matching paragraphs: recall and precision 100%; {ruled_out} matches \
         under N left out as another Traditional character ({:.1} s in all)",
        started.elapsed().as_secs_f64()
    );
}

/// The text a reader sees on raw line `line` of a file, decided without the parser: `None`
/// for markup (blank lines, `---`/`...` front-matter fences, thematic breaks and setext
/// underlines, Markdown table delimiter rows, HTML comment lines) and for lines inside a
/// comment that spans lines; Markdown heading markers (`## … ##`) are not text.
fn visible_lines(text: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut in_comment = false;
    let lines: Vec<&str> = text
        .split("\r\n")
        .flat_map(|l| l.split(['\n', '\r']))
        .collect();
    let n = lines.len() - usize::from(lines.last() == Some(&""));
    for raw in &lines[..n] {
        let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
        if in_comment {
            in_comment = !t.contains("-->");
            out.push(None);
            continue;
        }
        if let Some(rest) = t.strip_prefix("<!--") {
            // A comment that is not closed on its line runs on when it is closed later (an
            // unclosed one is text, and so is every line after it: the parser keeps it).
            in_comment = !rest.contains("-->");
            out.push(None);
            continue;
        }
        let markup = t.is_empty()
            || (t.len() >= 2
                && t.chars()
                    .all(|c| matches!(c, '-' | '=' | '*' | '_' | '.' | ' ')))
            || (t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')));
        if markup {
            out.push(None);
            continue;
        }
        let hashes = t.len() - t.trim_start_matches('#').len();
        let shown = if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
            t[hashes..].trim().trim_end_matches('#').trim()
        } else {
            t
        };
        out.push((!shown.is_empty()).then(|| shown.to_string()));
    }
    // An unclosed comment is text after all: the lines it hid are visible.
    if in_comment {
        let from = out.iter().rposition(|l| l.is_some()).map_or(0, |i| i + 1);
        for (i, raw) in lines[..n].iter().enumerate().skip(from) {
            let t = raw.trim();
            out[i] = (!t.is_empty()).then(|| t.to_string());
        }
    }
    out
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn every_visible_raw_line_is_found_in_its_paragraph_on_the_real_corpus() {
    let root = real_corpus();
    let started = std::time::Instant::now();
    let (_, index, _) = real_index(&root);
    let files: Vec<corpus::CorpusFile> = corpus::walk(&root)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            // Raw lines are lines of text files (a web page's lines are markup).
            WalkEvent::File(f) if corpus::Format::of(&f.rel) == Ok(corpus::Format::Text) => Some(f),
            _ => None,
        })
        .collect();
    let searcher = Searcher::open(index).unwrap();
    let mut rng = Rng::new(0x04a1_11e5_2026_1207);
    let (mut queries, mut header_queries) = (0, 0);
    let mut tries = 0;
    while queries < 2_000 {
        tries += 1;
        assert!(tries < 200_000, "too few visible lines to sample");
        let f = &files[rng.below(files.len())];
        let bytes = std::fs::read(&f.path).unwrap();
        let Ok((text, _)) = corpus::decode(&bytes) else {
            continue;
        };
        let visible = visible_lines(&text);
        // Half the samples come from the first eight lines, where header fields stand.
        let header = queries % 2 == 0;
        let span = if header {
            visible.len().min(8)
        } else {
            visible.len()
        };
        if span == 0 {
            continue;
        }
        let line = rng.below(span);
        let Some(shown) = &visible[line] else {
            continue;
        };
        let chars: Vec<char> = shown.chars().collect();
        let len = 1 + rng.below(12);
        let start = rng.below(chars.len());
        let piece: String = chars[start..].iter().take(len).collect();
        // A piece of white space only finds nothing by definition. Quotes and backslashes
        // in the piece are escaped where they must be.
        if piece.trim().is_empty() {
            continue;
        }
        if normalize_exact(&piece).as_str().is_empty() {
            continue;
        }
        queries += 1;
        header_queries += usize::from(header);
        let doc = corpus::read_document(f).unwrap();
        let line_no = line as u32 + 1;
        let holder = doc
            .paragraphs
            .iter()
            .find(|p| p.lines[0] <= line_no && line_no <= p.lines[1])
            .unwrap_or_else(|| panic!("{}:{line_no}: {shown:?} is in no paragraph", f.rel));
        let found = searcher
            .match_keys(&phrase_query(&piece), None)
            .unwrap_or_else(|e| panic!("{}: {e}", phrase_query(&piece)))
            .into_iter()
            .any(|(path, para)| path == f.rel && para == holder.paragraph);
        assert!(
            found,
            "\"{piece}\" from {}:{line_no} ({shown:?}) is not found in its paragraph {}",
            f.rel, holder.paragraph
        );
    }
    eprintln!(
        "2000 substrings of raw lines ({header_queries} from the first eight lines of a file) \
         all found in their paragraphs ({tries} draws, {:.1} s)",
        started.elapsed().as_secs_f64()
    );
}

#[test]
#[cfg_attr(
    not(real_corpus),
    ignore = "needs the real corpus: set ZHENGCE_REAL_CORPUS"
)]
fn variant_forms_have_full_recall_and_precision_on_the_real_corpus() {
    // The variant promise: a paragraph whose text OpenCC's t2s *with its phrase table* turns
    // into one holding the query (so converted) is found, besides every literal match; and
    // every hit holds the query or one of its forms, each highlight being one of them.
    let root = real_corpus();
    let started = std::time::Instant::now();
    let (_, index, _) = real_index(&root);
    let (keys, originals, scripts) = indexed_paragraphs(&root);
    let (mut literal, mut phrased, mut starts) = (String::new(), String::new(), Vec::new());
    let mut phrased_starts = Vec::new();
    for text in &originals {
        starts.push(literal.len());
        literal.push_str(normalize_exact(text).as_str());
        literal.push('\n');
        phrased_starts.push(phrased.len());
        phrased.push_str(normalize_exact(&hanconv::t2s(text)).as_str());
        phrased.push('\n');
    }
    let holding = |hay: &str, at_starts: &[usize], needle: &str, out: &mut HashSet<usize>| {
        for at in memchr::memmem::find_iter(hay.as_bytes(), needle.as_bytes()) {
            out.insert(at_starts.partition_point(|&s| s <= at) - 1);
        }
    };
    let variants = analysis::Variants::builtin();
    let searcher = Searcher::open(index).unwrap();
    let mut rng = Rng::new(0x5eed_2026_1207);
    let (mut queries, mut by_form, mut checked) = (0, 0usize, 0usize);
    while queries < 300 {
        let i = rng.below(originals.len());
        let chars: Vec<char> = originals[i].chars().collect();
        let len = 1 + rng.below(8);
        let start = rng.below(chars.len().max(1));
        let piece: String = chars.iter().skip(start).take(len).collect();
        if piece.chars().count() != len || !piece.chars().all(is_han) {
            continue;
        }
        let piece = if queries % 2 == 0 {
            piece
        } else if analysis::script::t2s(&piece) == piece {
            analysis::script::s2t(&piece)
        } else {
            analysis::script::t2s(&piece)
        };
        queries += 1;
        let n: Vec<char> = normalize_exact(&piece).as_str().chars().collect();
        let mut forms: Vec<String> = vec![n.iter().collect()];
        forms.extend(
            variants
                .forms(&n)
                .into_iter()
                .map(|f| f.into_iter().collect()),
        );
        let mut expected = HashSet::new();
        holding(&literal, &starts, &forms[0], &mut expected);
        let literally = expected.clone();
        let converted = normalize_exact(&hanconv::t2s(&piece)).as_str().to_string();
        holding(&phrased, &phrased_starts, &converted, &mut expected);
        // A phrase typed in Traditional script does not match another Traditional character
        // of a Traditional paragraph, unless the paragraph holds one of its other forms.
        let rules = distinct::rules_of(&piece, &n);
        if !rules.is_empty() {
            let (mut others, first) = (HashSet::new(), &forms[0]);
            for f in forms.iter().skip(1).filter(|f| *f != first) {
                holding(&literal, &starts, f, &mut others);
            }
            expected.retain(|&p| {
                others.contains(&p)
                    || distinct::holds_ruled(&originals[p], scripts[p], first, &rules)
            });
        }
        by_form += expected.difference(&literally).count();
        let mut allowed = HashSet::new();
        for f in &forms {
            holding(&literal, &starts, f, &mut allowed);
        }
        let query = format!("\"{piece}\"");
        let got: HashSet<(String, u32)> = searcher
            .match_keys(&query, Some(&variants))
            .unwrap()
            .into_iter()
            .collect();
        let expected: HashSet<(String, u32)> = expected.iter().map(|&p| keys[p].clone()).collect();
        let allowed: HashSet<(String, u32)> = allowed.iter().map(|&p| keys[p].clone()).collect();
        let missed: Vec<_> = expected.difference(&got).take(3).collect();
        let extra: Vec<_> = got.difference(&allowed).take(3).collect();
        assert!(
            missed.is_empty() && extra.is_empty(),
            "{query} (forms {forms:?}): {} expected, {} found; missed {missed:?}, not a form {extra:?}",
            expected.len(),
            got.len()
        );
        checked += expected.len();
        // Highlights of the first page are forms.
        let answer = searcher.search(&query, &Default::default()).unwrap();
        for hit in &answer.hits {
            let text: Vec<char> = hit.text.chars().collect();
            for h in &hit.highlights {
                let marked: String = text[h[0]..h[1]].iter().collect();
                let marked = normalize_exact(&marked).as_str().to_string();
                assert!(
                    forms.iter().any(|f| marked.contains(f.as_str())),
                    "{query}: highlight {marked:?} is no form of {forms:?}"
                );
            }
        }
    }
    eprintln!(
        "300 phrases (half in the other script), {checked} matching paragraphs, {by_form} of \
         them only through another form: variant recall and precision 100% ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
}
