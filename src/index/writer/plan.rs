//! What an indexing run does with each file, decided before anything is written: from what
//! the walk of the corpus folder found, the index's manifest, and whether the bytes of the
//! files whose size or mtime changed really changed. A pure function, so every case (new,
//! changed, unchanged, touched, removed, renamed, below a folder that cannot be listed) is
//! tested without a disk.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Failure;
use crate::corpus::{CorpusFile, WalkEvent};
use crate::index::manifest::ManifestEntry;
use crate::{Error, Result};

/// Why a file is read in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// New to the index.
    New,
    /// Its bytes changed.
    Changed,
}

/// A file to read: the file, its number in the index, what the index knew of it, and why.
pub type Todo = (CorpusFile, u64, Option<ManifestEntry>, Kind);

/// What the walk of the corpus folder found, sorted out.
#[derive(Debug, Default)]
pub struct Walked {
    /// The files to consider, in walk order.
    pub files: Vec<CorpusFile>,
    /// Folders (or entries that may be folders) that could not be listed: what was indexed
    /// at or below them stays.
    pub unlisted: Vec<String>,
    /// Entries not read by design, counted by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Entries that could not be read.
    pub failed: Vec<Failure>,
}

impl Walked {
    /// Sorts out the events of a walk.
    pub fn from_events(events: Vec<WalkEvent>) -> Walked {
        let mut w = Walked::default();
        for event in events {
            match event {
                WalkEvent::File(f) => w.files.push(f),
                WalkEvent::Skipped { reason, .. } => *w.skipped.entry(reason).or_default() += 1,
                WalkEvent::Unreadable { rel, reason, .. } => {
                    w.unlisted.push(rel.trim_end_matches('/').to_string());
                    w.failed.push(Failure { path: rel, reason });
                }
            }
        }
        w
    }
}

/// The known files whose size or mtime changed: their bytes say whether they changed.
pub fn suspects<'a>(
    files: &'a [CorpusFile],
    manifest: &'a HashMap<String, ManifestEntry>,
) -> Vec<(&'a CorpusFile, &'a ManifestEntry)> {
    (files.iter())
        .filter_map(|f| Some((f, manifest.get(&f.rel)?)))
        .filter(|(f, m)| m.size != f.size || m.mtime_ns != f.mtime_ns)
        .collect()
}

/// What a run does.
#[derive(Debug, Default)]
pub struct RunPlan {
    /// Files to read, new ones numbered after every number in use.
    pub todo: Vec<Todo>,
    /// Files of the index no longer in the folder: their records go.
    pub removed: Vec<u64>,
    /// Files whose text leaves the exact segments that hold it: changed and removed ones.
    pub leaving: HashSet<u32>,
    /// Files unchanged (touched ones included, whose bytes are the same).
    pub unchanged: u64,
    /// The walk's failures, then files whose changed bytes cannot be read (their indexed
    /// version stays).
    pub failed: Vec<Failure>,
}

/// Plans a run over `walked` for an index whose manifest is `manifest`, given the byte
/// checks of the suspects (`checked`: `Ok(true)` changed, `Ok(false)` the same bytes). An
/// error writing the index during a check (not a file that cannot be read) is returned.
pub fn plan(
    walked: &Walked,
    manifest: &HashMap<String, ManifestEntry>,
    mut checked: HashMap<&str, Result<bool>>,
) -> Result<RunPlan> {
    let mut plan = RunPlan {
        failed: walked.failed.clone(),
        ..RunPlan::default()
    };
    let mut seen = HashSet::new();
    // Files keep their number while they are in the index; new files get the next ones.
    let mut next_no = manifest.values().map(|m| m.file_id + 1).max().unwrap_or(1);
    for f in &walked.files {
        seen.insert(f.rel.as_str());
        match (manifest.get(&f.rel), checked.remove(f.rel.as_str())) {
            (Some(m), Some(check)) => match check {
                // Same bytes, newer mtime: only the document record was replaced.
                Ok(false) => plan.unchanged += 1,
                Ok(true) => {
                    plan.leaving.insert(m.file_id as u32);
                    plan.todo
                        .push((f.clone(), m.file_id, Some(*m), Kind::Changed));
                }
                // Replacing its document record failed: the index cannot be written.
                Err(e @ Error::Tantivy(_)) => return Err(e),
                Err(e) => plan.failed.push(kept_failure(f, &e)),
            },
            (Some(_), None) => plan.unchanged += 1,
            (None, _) => {
                plan.todo.push((f.clone(), next_no, None, Kind::New));
                next_no += 1;
            }
        }
    }
    let mut kept_below: BTreeMap<&str, u64> = BTreeMap::new();
    let mut gone: Vec<(&String, &ManifestEntry)> = (manifest.iter())
        .filter(|(path, _)| !seen.contains(path.as_str()))
        .collect();
    gone.sort_by_key(|(path, _)| *path);
    for (path, m) in gone {
        let below = |u: &&String| {
            path.strip_prefix(u.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if let Some(entry) = walked.unlisted.iter().find(below) {
            *kept_below.entry(entry).or_default() += 1;
            continue;
        }
        plan.removed.push(m.file_id);
        plan.leaving.insert(m.file_id as u32);
    }
    for failure in &mut plan.failed {
        if let Some(n) = kept_below.get(failure.path.trim_end_matches('/')) {
            failure.reason += &format!(" (the {n} files indexed there are kept)");
        }
    }
    Ok(plan)
}

/// Why `e` failed a file, without the file's path (the failure names it).
pub fn reason(e: &Error) -> String {
    match e {
        Error::Io { error, .. } => error.to_string(),
        other => other.to_string(),
    }
}

/// The failure of a file already indexed, whose indexed version stays.
pub fn kept_failure(file: &CorpusFile, e: &Error) -> Failure {
    Failure {
        path: file.rel.clone(),
        reason: format!("{} (the version indexed before is kept)", reason(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, size: u64, mtime_ns: i64) -> CorpusFile {
        CorpusFile {
            path: rel.into(),
            rel: rel.into(),
            size,
            mtime_ns,
        }
    }

    fn known(file_id: u64, size: u64, mtime_ns: i64) -> ManifestEntry {
        ManifestEntry {
            file_id,
            size,
            mtime_ns,
            content_hash: 7,
        }
    }

    #[test]
    fn every_kind_of_file_gets_its_plan() {
        let manifest: HashMap<String, ManifestEntry> = [
            ("same.txt", known(1, 10, 100)),
            ("touched.txt", known(2, 10, 100)),
            ("edited.txt", known(3, 10, 100)),
            ("gone.txt", known(4, 10, 100)),
            ("broken.txt", known(5, 10, 100)),
            ("locked/kept.txt", known(6, 10, 100)),
        ]
        .into_iter()
        .map(|(p, m)| (p.to_string(), m))
        .collect();
        let walked = Walked::from_events(vec![
            WalkEvent::File(file("broken.txt", 11, 100)),
            WalkEvent::File(file("edited.txt", 12, 100)),
            WalkEvent::Unreadable {
                path: "locked".into(),
                rel: "locked/".into(),
                folder: true,
                reason: "cannot read folder".into(),
            },
            WalkEvent::File(file("new.txt", 5, 1)),
            WalkEvent::File(file("same.txt", 10, 100)),
            WalkEvent::Skipped {
                path: "a.pdf".into(),
                reason: "extension .pdf".into(),
            },
            WalkEvent::File(file("touched.txt", 10, 200)),
        ]);
        let suspects = suspects(&walked.files, &manifest);
        let names: Vec<&str> = suspects.iter().map(|(f, _)| f.rel.as_str()).collect();
        assert_eq!(names, ["broken.txt", "edited.txt", "touched.txt"]);
        let checked: HashMap<&str, Result<bool>> = [
            (
                "broken.txt",
                Err(Error::io("broken.txt", std::io::Error::other("bad"))),
            ),
            ("edited.txt", Ok(true)),
            ("touched.txt", Ok(false)),
        ]
        .into_iter()
        .collect();
        let plan = plan(&walked, &manifest, checked).unwrap();
        let todo: Vec<(&str, u64, Kind)> = (plan.todo.iter())
            .map(|(f, no, _, kind)| (f.rel.as_str(), *no, *kind))
            .collect();
        // The new file takes the number after every number in use.
        assert_eq!(
            todo,
            [("edited.txt", 3, Kind::Changed), ("new.txt", 7, Kind::New)]
        );
        assert_eq!(plan.removed, [4]);
        assert_eq!(plan.leaving, HashSet::from([3, 4]));
        assert_eq!(plan.unchanged, 2);
        assert_eq!(walked.skipped.get("extension .pdf"), Some(&1));
        let failed: Vec<(&str, &str)> = (plan.failed.iter())
            .map(|f| (f.path.as_str(), f.reason.as_str()))
            .collect();
        assert_eq!(
            failed,
            [
                (
                    "locked/",
                    "cannot read folder (the 1 files indexed there are kept)"
                ),
                ("broken.txt", "bad (the version indexed before is kept)"),
            ]
        );
    }

    #[test]
    fn a_renamed_file_is_removed_and_added() {
        let manifest: HashMap<String, ManifestEntry> = [("old.txt".to_string(), known(9, 10, 100))]
            .into_iter()
            .collect();
        let walked = Walked::from_events(vec![WalkEvent::File(file("new.txt", 10, 100))]);
        let plan = plan(&walked, &manifest, HashMap::new()).unwrap();
        assert_eq!(plan.removed, [9]);
        assert_eq!(plan.todo.len(), 1);
        assert_eq!((plan.todo[0].1, plan.todo[0].3), (10, Kind::New));
    }

    #[test]
    fn an_error_writing_the_index_during_a_check_stops_the_plan() {
        let manifest: HashMap<String, ManifestEntry> = [("a.txt".to_string(), known(1, 10, 100))]
            .into_iter()
            .collect();
        let walked = Walked::from_events(vec![WalkEvent::File(file("a.txt", 11, 100))]);
        let tantivy = Error::Tantivy(tantivy::TantivyError::InvalidArgument("full".into()));
        let checked = [("a.txt", Err(tantivy))].into_iter().collect();
        assert!(matches!(
            plan(&walked, &manifest, checked),
            Err(Error::Tantivy(_))
        ));
    }
}
