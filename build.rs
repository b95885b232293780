//! Compiles jieba's default dictionary into an FST map (word → frequency) embedded in the
//! program, so that a query can be cut exactly as jieba cuts it without building jieba's whole
//! dictionary at every start (~130 ms): see `src/analysis/words.rs`.
//!
//! jieba-rs keeps its dictionary private, so the dictionary is read from jieba-rs's sources in
//! Cargo's registry (the version in `Cargo.lock`), or from the file `ZHENGCE_JIEBA_DICT`
//! names. When neither is found the program is built without it and loads jieba's dictionary
//! when a query needs it, as before (slower, same answers); a test fails then.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.lock");
    println!("cargo::rerun-if-env-changed=ZHENGCE_JIEBA_DICT");
    println!("cargo::rerun-if-env-changed=CARGO_HOME");
    // Tests over the real corpus run when it is given, and show as ignored (with the reason)
    // when it is not: `#[cfg_attr(not(real_corpus), ignore = …)]`.
    println!("cargo::rerun-if-env-changed=ZHENGCE_REAL_CORPUS");
    println!("cargo::rustc-check-cfg=cfg(real_corpus)");
    if std::env::var_os("ZHENGCE_REAL_CORPUS").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=real_corpus");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let code = match find_dict() {
        Some(path) => {
            println!("cargo::rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let (fst, total, words) = compile(&text);
            let fst_path = out.join("jieba_dict.fst");
            std::fs::write(&fst_path, fst).expect("write jieba_dict.fst");
            let mut code = String::new();
            let _ = writeln!(
                code,
                "/// jieba's default dictionary ({words} words): an FST map from word to \
                 frequency, and the sum of the frequencies of its lines."
            );
            let _ = writeln!(
                code,
                "pub(crate) const JIEBA_DICT: Option<(&[u8], u64)> = \
                 Some((include_bytes!(concat!(env!(\"OUT_DIR\"), \"/jieba_dict.fst\")), {total}));"
            );
            code
        }
        None => {
            println!(
                "cargo::warning=jieba's dictionary was not found in Cargo's registry: queries \
                 will load it at run time (set ZHENGCE_JIEBA_DICT to its dict.txt)"
            );
            "/// jieba's default dictionary was not found at build time.\n\
             pub(crate) const JIEBA_DICT: Option<(&[u8], u64)> = None;\n"
                .to_string()
        }
    };
    std::fs::write(out.join("jieba_dict.rs"), code).expect("write jieba_dict.rs");
}

/// The FST bytes, the total frequency and the word count of a dictionary read as jieba-rs's
/// `load_default_dict` reads it: `word freq [tag]` a line, split at ASCII white space; every
/// line's frequency counts in the total, and a word listed twice keeps its last frequency.
fn compile(text: &str) -> (Vec<u8>, u64, usize) {
    let mut words: Vec<(&str, u64)> = Vec::new();
    let mut total = 0u64;
    for line in text.lines() {
        let mut fields = line.split_ascii_whitespace();
        let Some(word) = fields.next() else { continue };
        let freq = fields.next().map_or(0, |f| {
            f.parse::<u64>()
                .unwrap_or_else(|_| panic!("jieba dictionary: bad frequency in `{line}`"))
        });
        total += freq;
        words.push((word, freq));
    }
    // Sorted by word, the last of equal words first, so that deduplicating keeps it.
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by(|&a, &b| words[a].0.cmp(words[b].0).then(b.cmp(&a)));
    order.dedup_by(|a, b| words[*a].0 == words[*b].0);
    let mut map = tantivy_fst::MapBuilder::memory();
    for &i in &order {
        map.insert(words[i].0.as_bytes(), words[i].1)
            .expect("sorted, distinct words");
    }
    let bytes = map.into_inner().expect("FST in memory");
    (bytes, total, order.len())
}

/// jieba-rs's `src/data/dict.txt`: the file `ZHENGCE_JIEBA_DICT` names, else the sources of
/// the version `Cargo.lock` pins in Cargo's registry (or in `vendor/`).
fn find_dict() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ZHENGCE_JIEBA_DICT") {
        return Some(PathBuf::from(path));
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let lock = std::fs::read_to_string(manifest.join("Cargo.lock")).ok()?;
    let version = locked_version(&lock, "jieba-rs")?;
    let dir = format!("jieba-rs-{version}");
    let in_crate = |root: &Path| root.join("src/data/dict.txt");
    let vendored = in_crate(&manifest.join("vendor/jieba-rs"));
    if vendored.is_file() {
        return Some(vendored);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let mut registries: Vec<PathBuf> = std::fs::read_dir(cargo_home.join("registry/src"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    registries.sort();
    registries
        .into_iter()
        .map(|r| in_crate(&r.join(&dir)))
        .find(|p| p.is_file())
}

/// The version of package `name` in the text of a `Cargo.lock`.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim();
            let version = version.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}
