//! The ends of an indexing run: opening (or creating) the index for writing, and the
//! commit: the exact index's live map, the user dictionaries' copies, and tantivy's commit
//! with the payload that names them, after which files no commit needs are removed.

use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings};

use super::IndexOptions;
use crate::analysis;
use crate::index::exact::{self, write_durably};
use crate::index::schema::{build_schema, Fields};
use crate::index::{parse_info, IndexInfo, FORMAT_VERSION};
use crate::{Error, Result};

/// Opens the index for writing, creating it if needed; says whether (and why) it must be
/// rebuilt from scratch.
pub(super) fn open_for_writing(
    opts: &IndexOptions,
    fingerprint: &str,
) -> Result<(Index, Fields, Option<String>)> {
    let dir = &opts.index_dir;
    if crate::index::exists(dir) {
        let mmap = MmapDirectory::open(dir)
            .map_err(|e| Error::damaged(dir, format_args!("the index cannot be read ({e})")))?;
        let opened = Index::open(mmap).and_then(|index| {
            let metas = index.load_metas()?;
            Ok((index, metas))
        });
        match opened {
            Ok((_, metas)) if crate::index::check_segment_files(dir, &metas).is_err() => {
                if let (Err(e), false) = (crate::index::check_segment_files(dir, &metas), opts.full)
                {
                    return Err(Error::CannotUpdate {
                        dir: dir.clone(),
                        why: e.to_string(),
                    });
                }
            }
            Ok((index, metas)) => {
                let payload = metas.payload;
                let info = parse_info(dir, payload.as_deref());
                let fields = Fields::from_schema(dir, &index.schema());
                let why = match (&info, &fields) {
                    (Ok(info), Ok(_)) if info.format != FORMAT_VERSION => Some(format!(
                        "index format {} is not {FORMAT_VERSION}",
                        info.format
                    )),
                    (_, Err(e)) => Some(e.to_string()),
                    (Err(_), _) if index.searchable_segment_ids()?.is_empty() => {
                        Some("new index".to_string())
                    }
                    (Err(e), _) => Some(e.to_string()),
                    // Other analysis tables (another program) change the index terms: a
                    // rebuild, which only `--full` asks for (it reads every file again, and a
                    // file that cannot be read then leaves the index). Other user dictionaries
                    // alone do not: they decide only how queries are cut, so the run takes
                    // them and commits their fingerprint.
                    (Ok(info), Ok(_))
                        if info.fingerprint != fingerprint && !same_tables(dir, info) =>
                    {
                        Some("it was built with other analysis tables".to_string())
                    }
                    _ if opts.full => Some("--full".to_string()),
                    _ => None,
                };
                match (fields, why) {
                    (Ok(fields), None) => return Ok((index, fields, None)),
                    (Ok(fields), Some(why)) if opts.full || why == "new index" => {
                        return Ok((index, fields, Some(why)));
                    }
                    (_, Some(why)) if !opts.full => {
                        return Err(Error::CannotUpdate {
                            dir: dir.clone(),
                            why,
                        });
                    }
                    _ => {}
                }
            }
            Err(e) if !opts.full => {
                return Err(Error::CannotUpdate {
                    dir: dir.clone(),
                    why: format!("the index cannot be read: {e}"),
                });
            }
            Err(_) => {}
        }
        // --full over an index this version cannot update: start a new one in its place.
        clear_tantivy_files(dir)?;
    }
    let (schema, fields) = build_schema();
    let index = create_index(dir, schema)?;
    Ok((index, fields, Some("new index".to_string())))
}

fn create_index(dir: &Path, schema: Schema) -> Result<Index> {
    let settings = IndexSettings {
        docstore_compression: Compressor::Lz4,
        docstore_blocksize: 16 * 1024,
        ..IndexSettings::default()
    };
    Ok(Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)?)
}

/// Whether the index in `dir` was built with this program's analysis tables: its fingerprint is
/// the one this program gives its own dictionary copies (false when they cannot be read).
fn same_tables(dir: &Path, info: &IndexInfo) -> bool {
    analysis::fingerprint(&crate::index::stored_dicts(dir, info))
        .is_ok_and(|f| f == info.fingerprint)
}

/// Removes the tantivy files of `dir`, keeping the lock and the dictionaries.
fn clear_tantivy_files(dir: &Path) -> Result<()> {
    for e in std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
    {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name == "zhengce.lock" || name == "dicts" {
            continue;
        }
        let path = e.path();
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// The copies of the user dictionaries the index in `index_dir` was built with (none when
/// there is no readable index).
pub(super) fn dicts_of_index(index_dir: &Path) -> Vec<PathBuf> {
    if !crate::index::exists(index_dir) {
        return Vec::new();
    }
    let payload = MmapDirectory::open(index_dir)
        .ok()
        .and_then(|dir| Index::open(dir).ok())
        .and_then(|index| index.load_metas().ok())
        .and_then(|metas| metas.payload);
    match parse_info(index_dir, payload.as_deref()) {
        Ok(info) => crate::index::stored_dicts(index_dir, &info),
        Err(_) => Vec::new(),
    }
}

/// Writes the user dictionaries into `dicts/<fingerprint>/` of the index folder, so searches
/// use exactly what the index was built with, before the commit that names them: each
/// appears whole (a temporary file, synced, renamed) and durably. A copy already there (from
/// an earlier run, which searches may be using) stays when it holds these very bytes, and is
/// written again when it does not (damaged, say). Returns their names relative to `dicts/`.
pub(super) fn copy_dicts(
    index_dir: &Path,
    fingerprint: &str,
    dicts: &[analysis::DictFile],
) -> Result<(Vec<String>, Option<PathBuf>)> {
    if dicts.is_empty() {
        return Ok((Vec::new(), None));
    }
    let sub = index_dir.join("dicts").join(fingerprint);
    std::fs::create_dir_all(&sub).map_err(|e| Error::io(&sub, e))?;
    let mut names = Vec::new();
    for (i, d) in dicts.iter().enumerate() {
        let name = format!("{i}.dict.txt");
        let to = sub.join(&name);
        if std::fs::read(&to).ok().as_deref() != Some(d.bytes.as_slice()) {
            write_durably(&to, &d.bytes)?;
        }
        names.push(format!("{fingerprint}/{name}"));
    }
    let parent = index_dir.join("dicts");
    std::fs::File::open(&parent)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(&parent, e))?;
    Ok((names, Some(sub)))
}

/// Removes dictionary copies of earlier analyses once a commit no longer needs them.
pub(super) fn remove_other_dicts(index_dir: &Path, keep: Option<&Path>) {
    let dicts = index_dir.join("dicts");
    if let Ok(entries) = std::fs::read_dir(&dicts) {
        for e in entries.flatten() {
            if Some(e.path().as_path()) != keep {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// What the commit of a run records, besides the records written.
pub(super) struct CommitInfo<'a> {
    /// The exact index's writer, whose live map becomes the next generation.
    pub exact: exact::ExactWriter,
    /// The last commit's generation of the exact index (0 for a rebuild).
    pub old_gen: u64,
    /// Every file's metadata after the run, statuses not yet resolved.
    pub metas: Vec<crate::index::docmeta::MetaEntry>,
    /// Every file of the index after the run, as (file number, relative path).
    pub paths: Vec<(u32, &'a str)>,
    /// The analysis fingerprint.
    pub fingerprint: &'a str,
    /// The user dictionaries, as read once at the start.
    pub dicts: &'a [analysis::DictFile],
    /// The corpus folder's canonical path.
    pub corpus_root: String,
}

/// Commits a run: the exact index's live map and the documents' metadata first (they name
/// only segments already on disk, and nothing refers to them until tantivy commits the
/// payload that names their generation),
/// the dictionaries' copies, then tantivy's commit with the payload; then removes what no
/// commit needs any more.
pub(super) fn commit<D: tantivy::Document>(
    opts: &IndexOptions,
    mut writer: tantivy::IndexWriter<D>,
    c: CommitInfo<'_>,
) -> Result<()> {
    let exact_gen = exact::next_gen(&opts.index_dir, c.old_gen);
    let live = c.exact.finish(exact_gen, c.paths)?;
    let mut metas = c.metas;
    let reference = crate::index::docmeta::today();
    crate::index::docmeta::resolve_and_write(&opts.index_dir, exact_gen, reference, &mut metas)?;
    let (dict_names, dicts_dir) = copy_dicts(&opts.index_dir, c.fingerprint, c.dicts)?;
    let info = IndexInfo {
        format: FORMAT_VERSION,
        fingerprint: c.fingerprint.to_string(),
        corpus: opts.corpus.display().to_string(),
        corpus_root: c.corpus_root,
        dicts: dict_names,
        exact_gen,
    };
    let payload = serde_json::to_string(&info).map_err(|e| Error::Other(e.to_string()))?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    writer.wait_merging_threads()?;
    remove_other_dicts(&opts.index_dir, dicts_dir.as_deref());
    exact::collect_garbage(&opts.index_dir, &live, exact_gen);
    Ok(())
}
