//! Tests of the bigram segments: builds against a naive scan, damaged files, formats.

use super::find::{count_bits, DENSE_CHAR_POSITIONS};
use super::*;
use proptest::prelude::*;

/// A file as (file_no, first_para, paragraphs).
type File = (u32, u32, Vec<Vec<char>>);

fn build(files: &[File]) -> Vec<u8> {
    build_listing(files, LISTS_FROM)
}

/// [`build`] with paragraph lists for the bigrams of at least `lists_from` positions.
fn build_listing(files: &[File], lists_from: u32) -> Vec<u8> {
    let mut builder = BigramBuilder::new().with_lists_from(lists_from);
    for (file_no, first_para, paragraphs) in files {
        builder.begin_file(*file_no, *first_para);
        for paragraph in paragraphs {
            builder.add_paragraph(paragraph);
        }
    }
    builder.finish()
}

/// Per paragraph, the overlapping occurrences of `phrase`, by brute force.
fn naive(files: &[File], phrase: &[char]) -> Vec<Hit> {
    let text = files.iter().flat_map(|file| &file.2);
    every_paragraph(files)
        .into_iter()
        .zip(text)
        .filter_map(|(hit, paragraph)| {
            let count = paragraph
                .windows(phrase.len())
                .filter(|w| *w == phrase)
                .count() as u32;
            (count > 0).then_some(Hit {
                count,
                whole: count,
                ..hit
            })
        })
        .collect()
}

/// Every paragraph of `files` as a hit (one occurrence), with its index and bounds.
fn every_paragraph(files: &[File]) -> Vec<Hit> {
    let mut all = Vec::new();
    let mut start = 0;
    for (file_no, first_para, paragraphs) in files {
        for (i, paragraph) in paragraphs.iter().enumerate() {
            all.push(Hit {
                file_no: *file_no,
                para: first_para + i as u32,
                count: 1,
                whole: 1,
                len: paragraph.len() as u32,
                index: all.len() as u32,
                start,
            });
            start += paragraph.len() as u32 + 1;
        }
    }
    all
}

fn chars(text: &str) -> Vec<char> {
    text.chars().collect()
}

/// `count` paragraphs of fewer than `max_len` chars drawn from `alphabet`, from `seed`.
fn random_paragraphs(seed: u64, count: usize, max_len: u64, alphabet: &str) -> Vec<Vec<char>> {
    let mut rng = crate::rng::Rng::new(seed);
    let mut next = |n: u64| rng.below(n as usize) as u64;
    let alphabet = chars(alphabet);
    (0..count)
        .map(|_| {
            let len = next(max_len) as usize;
            (0..len)
                .map(|_| alphabet[next(alphabet.len() as u64) as usize])
                .collect()
        })
        .collect()
}

fn find(segment: &BigramSegment<Vec<u8>>, phrase: &str) -> Vec<Hit> {
    segment.find(&chars(phrase)).expect("valid segment")
}

#[test]
fn empty_builder_gives_an_empty_segment() {
    let builder = BigramBuilder::new();
    assert!(builder.is_empty());
    let segment = BigramSegment::open(builder.finish()).expect("valid segment");
    assert_eq!((segment.paragraphs(), segment.files().count()), (0, 0));
    assert_eq!(
        (find(&segment, "中"), find(&segment, "中國")),
        (vec![], vec![])
    );
    assert_eq!(find(&segment, ""), vec![]);
    assert_eq!(segment.stats().terms, 0);
}

#[test]
fn fewer_positions_than_paragraphs_is_rejected() {
    // Two empty paragraphs: starts 0, 1, 2. Claiming one position with starts 0, 0, 1
    // keeps the table's ends consistent but cannot hold two gaps.
    let mut bytes = build(&[(1, 0, vec![vec![], vec![]])]);
    assert!(BigramSegment::open(bytes.clone()).is_ok());
    let starts = HEADER_LEN + FILE_RECORD_LEN;
    bytes[16..20].copy_from_slice(&1u32.to_le_bytes());
    bytes[starts + 4..starts + 8].copy_from_slice(&0u32.to_le_bytes());
    bytes[starts + 8..starts + 12].copy_from_slice(&1u32.to_le_bytes());
    let error = BigramSegment::open(bytes).err().expect("rejected");
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
}

#[test]
fn one_char_paragraphs_and_empty_files() {
    let paragraphs = vec![chars("中"), vec![], chars("中"), chars("國")];
    let files = vec![
        (7, 0, vec![]),
        (3, 5, paragraphs),
        (9, 1, vec![]),
        (4, 0, vec![chars("國中")]),
    ];
    let segment = BigramSegment::open(build(&files)).expect("valid segment");
    assert_eq!(segment.files().collect::<Vec<_>>(), vec![7, 3, 9, 4]);
    assert_eq!(segment.paragraphs(), 5);
    let hit = |file_no, para, len, index: u32| Hit {
        file_no,
        para,
        count: 1,
        whole: 1,
        len,
        index,
        start: [0, 2, 3, 5, 7][index as usize],
    };
    assert_eq!(
        find(&segment, "中"),
        [hit(3, 5, 1, 0), hit(3, 7, 1, 2), hit(4, 0, 2, 4)]
    );
    assert_eq!(find(&segment, "國"), [hit(3, 8, 1, 3), hit(4, 0, 2, 4)]);
    assert_eq!(find(&segment, "國中"), [hit(4, 0, 2, 4)]);
    assert_eq!(find(&segment, "中國"), []);
}

#[test]
fn long_lists_use_packed_runs() {
    let long: Vec<char> = "ab".repeat(1000).chars().chain("aab".chars()).collect();
    let files = vec![(1, 0, vec![long.clone(), chars("ba"), long])];
    let segment = BigramSegment::open(build(&files)).expect("valid segment");
    for phrase in ["ab", "ba", "aba", "abab", "a", "b", "aab", "babab", "bb"] {
        assert_eq!(find(&segment, phrase), naive(&files, &chars(phrase)));
    }
    assert_eq!(find(&segment, "ab")[0].count, 1001);
    assert!(segment.stats().postings_bytes < 4008);
}

#[test]
fn alphabets_past_u16_ids() {
    let ranges = [0x3400..0x4DC0, 0x4E00..0xA000, 0x20000..0x2A6E0];
    let all: Vec<char> = ranges
        .into_iter()
        .flatten()
        .filter_map(char::from_u32)
        .collect();
    assert!(all.len() > usize::from(u16::MAX));
    let mut paragraphs: Vec<Vec<char>> = all.chunks(997).map(<[char]>::to_vec).collect();
    paragraphs.push(all.iter().rev().step_by(7).copied().collect());
    let files = vec![(0, 0, paragraphs)];
    let segment = BigramSegment::open(build(&files)).expect("valid segment");
    for at in (0..all.len() - 5).step_by(4999) {
        for len in 1..5 {
            let phrase = &all[at..at + len];
            assert_eq!(segment.find(phrase).expect("find"), naive(&files, phrase));
        }
    }
}

/// A small segment with packed runs, paragraph lists, several files and an empty
/// paragraph.
fn sample_segment() -> Vec<u8> {
    let many: Vec<char> = "中國a".repeat(50).chars().collect();
    build_listing(
        &[
            (2, 1, vec![chars("中國中國"), vec![]]),
            (5, 0, vec![many, chars("a𠀀")]),
        ],
        2,
    )
}

#[test]
fn truncated_segments_are_rejected() {
    let bytes = sample_segment();
    for len in 0..bytes.len() {
        let error = BigramSegment::open(&bytes[..len]).err().expect("truncated");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }
}

#[test]
fn damaged_segments_never_panic() {
    let bytes = sample_segment();
    let phrases = ["中", "中國", "國中國", "中國a中", "a", "a𠀀", "𠀀"].map(chars);
    for i in 0..bytes.len() {
        for mask in [0x01, 0x10, 0x80, 0xFF] {
            let mut damaged = bytes.clone();
            damaged[i] ^= mask;
            if let Ok(segment) = BigramSegment::open(damaged) {
                for phrase in &phrases {
                    if let Ok(hits) = segment.find(phrase) {
                        let _ = segment.find_each(phrase, Some(&hits), None, &mut |_| ());
                    }
                }
            }
        }
    }
}

const SMALL: &[char] = &['a', 'b', 'c', '中', '國', '𠀀', '𪚥'];
const DENSE: &[char] = &['a', '中', '𠀀'];
const WIDE: &[char] = &[
    'a',
    'b',
    'c',
    'd',
    'e',
    'f',
    'g',
    'h',
    'i',
    'j',
    'k',
    'l',
    'm',
    'n',
    'o',
    'p',
    '一',
    '二',
    '三',
    '中',
    '國',
    '人',
    '民',
    '法',
    '𠀀',
    '𠀁',
    '𪚥',
    '\u{10FFFF}',
];

/// Files over one of the alphabets (short paragraphs with many boundaries, long ones with
/// packed runs, or many distinct terms and dictionary blocks), and random phrases.
fn corpus() -> impl Strategy<Value = (Vec<File>, Vec<Vec<char>>)> {
    prop_oneof![
        Just((SMALL, 40usize)),
        Just((DENSE, 800)),
        Just((WIDE, 200))
    ]
    .prop_flat_map(|(alphabet, max_len)| {
        let text = |len| prop::collection::vec(prop::sample::select(alphabet), len);
        let file = (
            any::<u32>(),
            0u32..1000,
            prop::collection::vec(text(0..max_len), 0..6),
        );
        (
            prop::collection::vec(file, 0..5),
            prop::collection::vec(text(1..7), 1..6),
        )
    })
}

#[test]
fn sparse_matches_among_many_paragraphs_find_their_paragraphs() {
    // Thousands of paragraphs, some empty (equal starts), and phrases whose matches lie far
    // apart, near each other, at the first and at the last paragraph.
    let mut paragraphs = random_paragraphs(12345, 5000, 12, "政策法规条例办法通知");
    for k in [0, 1, 2, 700, 701, 2500, 4096, 4999] {
        paragraphs[k].extend(chars("鲸鱼"));
    }
    paragraphs[3000].extend(chars("鲸鱼鲸鱼"));
    let files: Vec<File> = vec![
        (1, 0, paragraphs[..2000].to_vec()),
        (7, 5, paragraphs[2000..].to_vec()),
    ];
    let segment = BigramSegment::open(build(&files)).expect("valid segment");
    // One char has enough matches to be mapped through the bucket table, the others not.
    let dense = paragraphs.iter().flatten().filter(|&&c| c == '政').count();
    assert!(dense >= BUCKETS_FROM, "{dense}");
    // With paragraph lists for every bigram, those of hundreds of paragraphs take packed
    // runs; a look-up within every third paragraph reads them too.
    let listing = BigramSegment::open(build_listing(&files, 1)).expect("valid segment");
    let within: Vec<Hit> = (every_paragraph(&files).into_iter())
        .filter(|h| h.index % 3 == 1)
        .collect();
    for phrase in ["鲸鱼", "鲸", "鱼", "政策", "法规条", "鱼政", "政"] {
        let phrase = chars(phrase);
        let expected = naive(&files, &phrase);
        assert_eq!(segment.find(&phrase).expect("find"), expected);
        assert_eq!(listing.find(&phrase).expect("find"), expected);
        let mut found = Vec::new();
        (listing.find_each(&phrase, Some(&within), None, &mut |h| found.push(h))).expect("find");
        let kept = expected.iter().filter(|h| h.index % 3 == 1).copied();
        assert_eq!(found, kept.collect::<Vec<_>>());
    }
    assert_eq!(segment.paragraph_list_bytes().expect("sizes"), 0);
    let list_bytes = listing.paragraph_list_bytes().expect("sizes");
    assert!(list_bytes > 0 && list_bytes < listing.stats().postings_bytes);
    let listed = |segment: &BigramSegment<Vec<u8>>| {
        let cover = segment
            .cover(&chars("政策"))
            .expect("cover")
            .expect("found");
        segment.paragraph_list(&cover[0].1).expect("list").is_some()
    };
    assert!(!listed(&segment) && listed(&listing));
    // Paragraphs by file and number.
    for (file, para, index) in [
        (1, 0, Some(0)),
        (1, 1999, Some(1999)),
        (1, 2000, None),
        (7, 4, None),
        (7, 5, Some(2000)),
        (7, 3004, Some(4999)),
        (7, 3005, None),
        (2, 0, None),
    ] {
        assert_eq!(segment.index_of(file, para), index, "{file} {para}");
    }
    // The floor under any per-term code lies below the code used, and not far below.
    let floor = segment.postings_floor_bits().expect("floor");
    let used = 8.0 * segment.stats().postings_bytes as f64;
    assert!(floor > used / 3.0 && floor < used, "{floor} {used}");
}

#[test]
fn common_chars_are_found_through_a_bitmap() {
    // 20,000 paragraphs of 0-9 chars from three: each char has ~30,000 positions, far
    // past the bitmap's threshold; one rare char stays below it.
    let mut paragraphs = random_paragraphs(99, 20_000, 10, "之的或");
    for k in [0, 63, 64, 9_999, 19_999] {
        paragraphs[k].push('鲸');
    }
    let files: Vec<File> = vec![
        (1, 0, paragraphs[..7_000].to_vec()),
        (2, 0, paragraphs[7_000..].to_vec()),
    ];
    let segment = BigramSegment::open(build(&files)).expect("valid segment");
    let dense = paragraphs.iter().flatten().filter(|&&c| c == '之').count();
    assert!(dense >= DENSE_CHAR_POSITIONS, "{dense}");
    for within_every in [1, 2, 7, 5_000] {
        let within: Vec<Hit> = (every_paragraph(&files).into_iter())
            .filter(|h| h.index % within_every == 0)
            .collect();
        for phrase in ["之", "的", "或", "鲸"] {
            let phrase = chars(phrase);
            let expected = naive(&files, &phrase);
            assert_eq!(segment.find(&phrase).expect("find"), expected);
            let mut found = Vec::new();
            (segment.find_each(&phrase, Some(&within), None, &mut |h| found.push(h)))
                .expect("find");
            let kept = expected.iter().filter(|h| h.index % within_every == 0);
            assert_eq!(found, kept.copied().collect::<Vec<_>>());
        }
    }
}

#[test]
fn bits_are_counted_between_any_bounds() {
    let bits = [u64::MAX, 0b1011, 1 << 63];
    let naive = |from: u64, to: u64| {
        (from..to)
            .filter(|&i| {
                bits.get((i >> 6) as usize)
                    .is_some_and(|w| w >> (i & 63) & 1 == 1)
            })
            .count() as u32
    };
    for from in 0..200 {
        for to in from..200 {
            assert_eq!(count_bits(&bits, from, to), naive(from, to), "{from}..{to}");
        }
    }
}

proptest! {
    #[test]
    fn find_matches_a_naive_scan(
        (files, mut phrases) in corpus(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), 1usize..7), 6),
        lists_from in prop_oneof![Just(1u32), Just(2), Just(5), Just(LISTS_FROM)],
    ) {
        let segment = BigramSegment::open(build_listing(&files, lists_from))
            .expect("valid segment");
        let text: Vec<&Vec<char>> = files.iter().flat_map(|file| &file.2).collect();
        for (pick, len) in picks {
            let Some(paragraph) = text.get(pick.index(text.len().max(1))) else { continue };
            if !paragraph.is_empty() {
                let start = pick.index(paragraph.len());
                phrases.push(paragraph[start..(start + len).min(paragraph.len())].to_vec());
            }
        }
        for (i, phrase) in phrases.iter().enumerate() {
            let expected = naive(&files, phrase);
            prop_assert_eq!(segment.find(phrase).expect("find"), expected.clone());
            // Within every other paragraph, offset by the phrase's number.
            let within: Vec<Hit> = every_paragraph(&files)
                .into_iter()
                .filter(|h| (h.index + i as u32).is_multiple_of(2))
                .collect();
            let restricted: Vec<Hit> = expected
                .iter()
                .copied()
                .filter(|h| within.iter().any(|w| w.index == h.index))
                .collect();
            let mut found = Vec::new();
            segment.find_each(phrase, Some(&within), None, &mut |h| found.push(h)).expect("find");
            prop_assert_eq!(found, restricted.clone());
            // Without bounds, within hits without theirs: the same once they are read.
            let bare: Vec<Hit> = (within.iter())
                .map(|h| Hit { start: UNKNOWN, len: UNKNOWN, ..*h })
                .collect();
            for (allowed, expected) in [(None, &expected), (Some(&bare[..]), &restricted)] {
                let mut found = Vec::new();
                (segment.find_each_unbounded(phrase, allowed, None, &mut |h| found.push(h)))
                    .expect("find");
                for h in found.iter_mut().filter(|h| h.start == UNKNOWN) {
                    (h.start, h.len) = segment.bounds(h.index).expect("bounds");
                }
                prop_assert_eq!(&found, expected);
            }
            let occurrences: u64 = expected.iter().map(|h| u64::from(h.count)).sum();
            let estimate = segment.estimate(phrase).expect("estimate");
            prop_assert!(estimate >= occurrences, "{} < {}", estimate, occurrences);
            if phrase.len() <= 2 {
                prop_assert_eq!(estimate, occurrences);
            }
        }
        let n_chars: usize = text.iter().map(|paragraph| paragraph.len()).sum();
        prop_assert_eq!(segment.stats().positions, n_chars as u64);
        prop_assert_eq!(segment.paragraphs(), text.len());
    }
}

/// A segment with a Traditional paragraph (classes recorded as the writer does) and a
/// Simplified one, searched for 干 with and without the rule of a typed 乾.
#[test]
fn character_rules_tell_traditional_characters_apart_in_traditional_paragraphs_only() {
    use crate::analysis::distinct::{self, CharRule};
    let traditional = "不得干涉，保持乾燥，幹部";
    let simplified = "保持干燥";
    let mut builder = BigramBuilder::new();
    builder.begin_file(7, 0);
    for (text, trad) in [(traditional, true), (simplified, false)] {
        let norm = crate::analysis::normalize_exact(text);
        let n: Vec<char> = norm.as_str().chars().collect();
        builder.add_paragraph(&n);
        if trad {
            let classes: Vec<(u32, u8)> = (n.iter().enumerate())
                .filter(|(_, &c)| distinct::is_group_fold(c))
                .filter_map(|(i, &c)| {
                    let orig = text[norm.span(i).byte_start as usize..].chars().next()?;
                    Some((i as u32, distinct::code_of(c, orig)?))
                })
                .collect();
            builder.mark_traditional(&classes);
        }
    }
    let bytes = builder.finish();
    let seg = BigramSegment::open(bytes.as_slice()).unwrap();
    assert!(seg.is_traditional(0) && !seg.is_traditional(1));
    let find = |class: Option<u8>| -> Vec<(u32, u32)> {
        let check = WordCheck {
            len: 1,
            strict_start: false,
            strict_end: false,
            rules: class.map(|class| vec![CharRule { offset: 0, class }].into()),
        };
        let mut hits = Vec::new();
        seg.find_each(&['干'], None, Some(&check), &mut |h| {
            hits.push((h.para, h.count))
        })
        .unwrap();
        hits
    };
    // Unruled (a Simplified query): all three in the first, one in the second.
    assert_eq!(find(None), vec![(0, 3), (1, 1)]);
    // 乾 (class 2): its own in the Traditional paragraph, and the Simplified 干.
    assert_eq!(find(Some(2)), vec![(0, 1), (1, 1)]);
    // 幹 (class 0, not recorded) and 干 (class 1).
    assert_eq!(find(Some(0)), vec![(0, 1), (1, 1)]);
    assert_eq!(find(Some(1)), vec![(0, 1), (1, 1)]);
    // A damaged class table is an error, not a panic.
    let mut cut = bytes.clone();
    cut.pop();
    assert!(BigramSegment::open(cut.as_slice()).is_err());
}
