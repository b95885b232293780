//! Turning what was gathered ([`super::collect`]) into [`Hit`]s: each paragraph's text,
//! section and lines from the exact index's text store, its document's path and title, the
//! highlights and snippet, where each part of the query was found, its copies and its
//! neighbours, in the script asked for.

use std::sync::Arc;

use super::collect::Entry;
use super::highlight::{self, Script};
use super::plan::Plan;
use super::searcher::DocRecord;
use super::{Copies, Hit, HitMeta, Neighbour, Neighbours, Searcher, TermFound};
use crate::analysis;
use crate::Result;

/// Fills hits for one query.
pub struct Answer<'a> {
    s: &'a Searcher,
    searcher: &'a tantivy::Searcher,
    plan: &'a Plan,
    script: Script,
    snippet_chars: usize,
    context: usize,
}

impl<'a> Answer<'a> {
    /// An answer to `plan` over `searcher`, `s`'s open snapshot.
    pub fn new(
        s: &'a Searcher,
        searcher: &'a tantivy::Searcher,
        plan: &'a Plan,
        opts: &super::SearchOptions,
    ) -> Self {
        Answer {
            s,
            searcher,
            plan,
            script: opts.script,
            snippet_chars: opts.snippet_chars,
            context: opts.context,
        }
    }

    /// The path and title of file `file_no`.
    pub fn document(&mut self, file_no: u32) -> Result<(String, String)> {
        let r = self.record(file_no)?;
        Ok((r.path.clone(), r.title.clone()))
    }

    /// The metadata of file `file_no`, status resolved.
    pub fn meta(&mut self, file_no: u32) -> Result<Option<HitMeta>> {
        Ok(self.record(file_no)?.meta.clone())
    }

    /// The path, title, page starts and metadata of file `file_no` (kept by the searcher).
    fn record(&self, file_no: u32) -> Result<Arc<DocRecord>> {
        self.s.doc_record(self.searcher, u64::from(file_no))
    }

    /// The hit of `e`, ranked `rank`.
    pub fn hit(&mut self, e: &Entry, rank: usize) -> Result<Hit> {
        let mut hit = self.paragraph(e.file_no, e.para, e.score, rank)?;
        if e.copies > 0 {
            let mut paths = Vec::with_capacity(e.copy_files.len());
            for &f in &e.copy_files {
                paths.push(self.document(f)?.0);
            }
            hit.copies = Some(Copies {
                count: e.copies,
                paths,
            });
        }
        Ok(hit)
    }

    /// The hit of paragraph `para` of file `file_no`, with `score`, ranked `rank`.
    pub fn paragraph(&mut self, file_no: u32, para: u32, score: f32, rank: usize) -> Result<Hit> {
        let stored = self.s.stored(file_no, para)?;
        let record = self.record(file_no)?;
        let found = self.found(&stored.text, &stored.section, &record.title);
        let missing = (found.iter())
            .filter(|f| f.found_in.is_empty())
            .map(|f| f.term.clone())
            .collect();
        let ruled = &self.plan.ruled_needles;
        let traditional = !ruled.is_empty() && self.s.exact_index().is_traditional(file_no, para);
        let spans =
            highlight::find_highlights_ruled(&stored.text, &self.plan.needles, ruled, traditional);
        let (text, spans) = highlight::convert_script(&stored.text, &spans, self.script);
        let convert = |s: &str| highlight::convert_script(s, &[], self.script).0;
        let context = match self.context {
            0 => None,
            n => Some(self.neighbours(file_no, para, n)?),
        };
        let replaced_by = self.s.replaced_by(file_no);
        Ok(Hit {
            meta: record.meta.clone(),
            replaced_by,
            rank,
            score,
            path: record.path.clone(),
            title: convert(&record.title),
            section: stored.section.iter().map(|s| convert(s)).collect(),
            paragraph: para,
            lines: stored.lines,
            page: crate::corpus::Document::page_of(&record.pages, stored.lines[0]),
            snippet: highlight::snippet(&text, &spans, self.snippet_chars),
            text,
            highlights: spans,
            found,
            missing,
            copies: None,
            context,
        })
    }

    /// Where each bare word and quoted phrase of the query stands for a paragraph of `text`
    /// under `section` in a document titled `title`.
    fn found(&self, text: &str, section: &[String], title: &str) -> Vec<TermFound> {
        let norm = |s: &str| analysis::normalize_exact(s).as_str().to_string();
        let (text, title) = (norm(text), norm(title));
        let headings: Vec<String> = section.iter().map(|s| norm(s)).collect();
        let mut out = Vec::new();
        let places = [
            ("text", vec![text]),
            ("heading", headings),
            ("title", vec![title]),
        ];
        let terms = (self.plan.words.iter())
            .map(|w| (w.text, true))
            .chain(self.plan.phrases.iter().map(|&p| (p, false)));
        for (t, bare) in terms {
            let t = &self.plan.texts[t];
            let term: String = t.chars.iter().collect();
            let (mut found_in, mut forms) = (Vec::new(), Vec::new());
            // A phrase is found in the text only; a bare word in its whole context.
            for (place, strings) in places.iter().take(if bare { 3 } else { 1 }) {
                let mut here = false;
                for form in t.all_forms() {
                    let form: String = form.iter().collect();
                    if strings.iter().any(|s| s.contains(&form)) {
                        here = true;
                        if form != term && !forms.contains(&form) {
                            forms.push(form);
                        }
                    }
                }
                if here {
                    found_in.push(place.to_string());
                }
            }
            out.push(TermFound {
                term,
                found_in,
                forms,
            });
        }
        out
    }

    /// Up to `n` paragraphs on each side of paragraph `para` of file `file_no`.
    fn neighbours(&self, file_no: u32, para: u32, n: usize) -> Result<Neighbours> {
        let mut out = Neighbours::default();
        let convert = |s: &str| highlight::convert_script(s, &[], self.script).0;
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        for p in para.saturating_sub(n)..para {
            if let Some(stored) = self.s.exact_index().stored(file_no, p)? {
                out.before.push(Neighbour {
                    paragraph: p,
                    lines: stored.lines,
                    text: convert(&stored.text),
                });
            }
        }
        for p in para.saturating_add(1)..=para.saturating_add(n) {
            match self.s.exact_index().stored(file_no, p)? {
                Some(stored) => out.after.push(Neighbour {
                    paragraph: p,
                    lines: stored.lines,
                    text: convert(&stored.text),
                }),
                None => break,
            }
        }
        Ok(out)
    }
}
