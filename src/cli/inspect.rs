//! `zhengce inspect FILE [--json]`: shows how a file is read: its title, encoding and
//! metadata, then every paragraph indented under its headings with its line numbers, or the
//! parsed document as JSON.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use zhengce::corpus::{self, ParagraphKind};

/// Arguments of `zhengce inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The file to parse.
    file: PathBuf,
    /// Print the parsed document as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `zhengce inspect`.
pub fn run(a: InspectArgs) -> anyhow::Result<super::Exit> {
    // A FIFO or device would block or never end: only regular files are read, as `index` does.
    let meta =
        std::fs::metadata(&a.file).with_context(|| format!("{}: cannot read", a.file.display()))?;
    if !meta.is_file() {
        anyhow::bail!("{}: not a regular file", a.file.display());
    }
    let name = a.file.to_string_lossy().replace('\\', "/");
    // As `index` reads it: a large PDF mapped, its pages dropped from memory as it is read.
    let bytes = corpus::FileBytes::open(&a.file, &name)
        .with_context(|| format!("{}: cannot read", a.file.display()))?;
    let doc = corpus::document_from_file(&name, &bytes)
        .with_context(|| format!("{}: cannot read", a.file.display()))?;
    // The metadata as a corpus of this one file gives it (no other versions to compare).
    let meta = match corpus::Format::of(&name) {
        Ok(corpus::Format::Text) | Err(_) => match corpus::decode(&bytes) {
            Ok((text, _)) => corpus::meta::extract(&name, &text, &doc),
            Err(_) => corpus::meta::extract_converted(&name, &doc),
        },
        Ok(_) => corpus::meta::extract_converted(&name, &doc),
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        let mut v = serde_json::to_value(&doc)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("meta".to_string(), serde_json::to_value(&meta)?);
        }
        serde_json::to_writer(&mut out, &v)?;
        writeln!(out)?;
    } else {
        writeln!(out, "title: {}", doc.title)?;
        if let Some(line) = zhengce::output::human::meta_line(&meta) {
            writeln!(out, "metadata: {line}")?;
        }
        writeln!(
            out,
            "encoding: {}; {} paragraphs",
            doc.encoding,
            doc.paragraphs.len()
        )?;
        for p in &doc.paragraphs {
            let lines = if p.lines[0] == p.lines[1] {
                format!("{}", p.lines[0])
            } else {
                format!("{}-{}", p.lines[0], p.lines[1])
            };
            let indent = "  ".repeat(p.section.len());
            let mark = match p.kind {
                ParagraphKind::Heading => "§ ",
                ParagraphKind::Metadata => "= ",
                ParagraphKind::Body => "",
            };
            writeln!(out, "{lines:>9}  {indent}{mark}{}", p.text)?;
        }
    }
    out.flush()?;
    Ok(super::Exit::Success)
}
