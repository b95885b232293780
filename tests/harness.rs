//! A small harness for running the real `zhengce` binary in temporary folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The embedded sample corpus.
pub fn sample_corpus() -> PathBuf {
    root().join("corpus")
}

/// A command running the built `zhengce` binary.
pub fn zhengce() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zhengce"));
    c.env_remove("NO_COLOR").stdin(Stdio::null());
    c
}

/// The outcome of a run, with helpers.
pub struct Run {
    pub out: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    /// Parses every stdout line as JSON.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
    /// Parses stdout as exactly one JSON value.
    pub fn json(&self) -> Value {
        let mut lines = self.json_lines();
        assert_eq!(
            lines.len(),
            1,
            "expected one JSON line, got: {}",
            self.stdout()
        );
        lines.remove(0)
    }
}

/// What the binary prints when it panics (its panic hook); no run may print it.
pub const PANIC_MARKER: &str = "zhengce: internal error";

/// Runs a command to completion. A panic inside it fails the test, whatever the exit code.
pub fn run(c: &mut Command) -> Run {
    let out = c.output().expect("zhengce runs");
    let run = Run { out };
    assert_no_panic(&run.out.stderr);
    run
}

/// Fails the test if `stderr` shows a panic.
pub fn assert_no_panic(stderr: &[u8]) {
    let stderr = String::from_utf8_lossy(stderr);
    assert!(!stderr.contains(PANIC_MARKER), "zhengce panicked: {stderr}");
}

/// Runs `zhengce ARGS` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run(zhengce().current_dir(dir).args(args))
}

/// A temporary folder that is removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("zhengce-test")
        .tempdir()
        .expect("tempdir")
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// An index of the sample corpus, built once for all read-only tests of this binary.
pub struct SampleIndex {
    _dir: tempfile::TempDir,
    pub index: PathBuf,
}

pub fn sample_index() -> &'static SampleIndex {
    static ONCE: OnceLock<SampleIndex> = OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = tempdir();
        let index = dir.path().join("index");
        let r = run(zhengce().args([
            "index",
            sample_corpus().to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
            "--json",
        ]));
        assert_eq!(r.code(), 0, "index failed: {}", r.stderr());
        SampleIndex { _dir: dir, index }
    })
}

/// `zhengce search QUERY --json --index <sample index> EXTRA...`, parsed.
pub fn search_sample(query: &str, extra: &[&str]) -> (i32, Value) {
    let idx = sample_index();
    let mut c = zhengce();
    c.args(["search", query, "--json", "--index"])
        .arg(&idx.index)
        .args(extra);
    let r = run(&mut c);
    let v = if r.code() == 2 { Value::Null } else { r.json() };
    (r.code(), v)
}

/// The characters `[s, e)` of `text`.
pub fn chars(text: &str, s: usize, e: usize) -> String {
    text.chars().skip(s).take(e - s).collect()
}

/// `zhengce index CORPUS --index INDEX --json EXTRA...`, which must commit; its summary. The
/// exit code must say whether files failed: 0 when none did, 3 when some did.
pub fn index_json(corpus: &Path, index: &Path, extra: &[&str]) -> Value {
    let r = run(zhengce()
        .arg("index")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .arg("--json")
        .args(extra));
    assert!(matches!(r.code(), 0 | 3), "index: {}", r.stderr());
    let summary = r.json();
    let failed = summary["failed"].as_array().map_or(0, Vec::len);
    assert_eq!(r.code(), if failed == 0 { 0 } else { 3 }, "{summary}");
    summary
}

/// The commit record zhengce keeps in tantivy's `meta.json` of `index` (format, fingerprint,
/// dictionaries, exact generation).
pub fn commit_record(index: &Path) -> Value {
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(index.join("meta.json")).unwrap()).unwrap();
    serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap()
}

/// Changes the commit record of `index` in place with `edit` (to fake another program's).
pub fn edit_commit_record(index: &Path, edit: impl FnOnce(&mut Value)) {
    let path = index.join("meta.json");
    let mut meta: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut record: Value = serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    edit(&mut record);
    meta["payload"] = Value::String(record.to_string());
    std::fs::write(&path, meta.to_string()).unwrap();
}

/// The `total` of a query that must not fail.
pub fn total(index: &Path, q: &str) -> u64 {
    let r = run(zhengce()
        .args(["search", q, "--json", "--index"])
        .arg(index));
    assert!(r.code() < 2, "{q}: {}", r.stderr());
    r.json()["total"].as_u64().unwrap()
}

/// A writable copy of the sample corpus, indexed once: (temp dir, corpus, index).
pub fn indexed_sample_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    copy_tree(&sample_corpus(), &corpus);
    let index = dir.path().join("index");
    index_json(&corpus, &index, &[]);
    (dir, corpus, index)
}

/// A corpus written by a test, indexed once: its temporary folder and the index in it.
pub struct Written {
    _dir: tempfile::TempDir,
    /// The index folder.
    pub index: PathBuf,
}

impl Written {
    /// Writes `files` ((path, text) pairs) into a temporary corpus and indexes it.
    pub fn new(files: &[(&str, &str)]) -> Written {
        let dir = tempdir();
        let corpus = dir.path().join("corpus");
        for (path, text) in files {
            let file = corpus.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        let index = dir.path().join("index");
        index_json(&corpus, &index, &[]);
        Written { _dir: dir, index }
    }

    /// `zhengce search QUERY --json EXTRA...` over it: (exit code, answer); an error fails.
    pub fn search(&self, query: &str, extra: &[&str]) -> (i32, Value) {
        let r = run(zhengce()
            .args(["search", query, "--json", "--index"])
            .arg(&self.index)
            .args(extra));
        assert!(r.code() < 2, "{query}: {}", r.stderr());
        (r.code(), r.json())
    }

    /// `zhengce search QUERY EXTRA...` as a person reads it.
    pub fn search_human(&self, query: &str, extra: &[&str]) -> String {
        let r = run(zhengce()
            .args(["search", query, "--color", "never", "--index"])
            .arg(&self.index)
            .args(extra));
        assert!(r.code() < 2, "{query}: {}", r.stderr());
        r.stdout()
    }
}

/// A `zhengce serve` process on a free loopback port, ended (by its own handle) when dropped;
/// its stderr is checked for a panic then.
pub struct Served {
    child: std::process::Child,
    /// The address it answers on.
    pub addr: std::net::SocketAddr,
    /// What it printed first on stdout (the URL line).
    pub banner: String,
}

impl Served {
    /// `zhengce serve --index INDEX --bind 127.0.0.1:0 EXTRA...`, once it has printed its URL.
    pub fn start(index: &Path, extra: &[&str]) -> Served {
        Served::start_at(index, "127.0.0.1:0", extra)
    }

    /// As [`Served::start`], bound to `bind`.
    pub fn start_at(index: &Path, bind: &str, extra: &[&str]) -> Served {
        use std::io::BufRead;
        let mut child = zhengce()
            .arg("serve")
            .arg("--index")
            .arg(index)
            .args(["--bind", bind])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("zhengce serve starts");
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        out.read_line(&mut banner).unwrap();
        let url = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {banner:?}"));
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        Served {
            child,
            addr,
            banner,
        }
    }

    /// `GET target` on a new connection.
    pub fn get(&self, target: &str) -> zhengce::serve::client::Response {
        self.client()
            .get(target)
            .unwrap_or_else(|e| panic!("GET {target}: {e}"))
    }

    /// A client of this server.
    pub fn client(&self) -> zhengce::serve::client::Client {
        zhengce::serve::client::Client::new(self.addr, std::time::Duration::from_secs(60))
    }

    /// Ends the server and returns what it printed on stderr.
    pub fn stop(mut self) -> String {
        self.end()
    }

    fn end(&mut self) -> String {
        use std::io::Read;
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let err = self.end();
        if !std::thread::panicking() {
            assert_no_panic(err.as_bytes());
        }
    }
}
