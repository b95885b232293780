//! A PDF page's text laid out by position: the extractor's output device records every
//! glyph where it stands ([`GlyphSink`]), and [`page_lines`] makes lines of them as they
//! are seen on the page, top to bottom and left to right.
//!
//! - **Lines** are glyphs on one baseline (within half a font size, so superscripts stay
//!   on their line), read left to right. Text drawn rotated (a stamp, a margin note) is
//!   kept apart from the page's lines and follows them, in the order it was drawn.
//! - **Spaces** come from the gaps between glyphs, not from space glyphs (an ideographic
//!   space is text and stays, one for several in a row): a gap of more
//!   than a tenth of the font size is a space (as the extractor's plain-text output has
//!   it); a gap of [`CELL_GAP_EMS`] font sizes or more separates two *cells*, written as
//!   [`super::CELL_SEPARATOR`] (two U+3000), as a web page's table row is. So a table's
//!   row is one line with its cells in order, whichever order they were drawn in, and a
//!   phrase that runs from one cell into the next is in the text as it is on the page.
//! - **Not cells:** glyphs set one by one at an even spacing (a letter-spaced headline,
//!   `中  共  唐  山  市  委`), a line of glyphs that all stand alone (`說    明`), the gap
//!   after a numbered label that starts a line (`第一条    为了…`) and the gap after a glyph
//!   without width (a font whose widths the extractor does not find) are spaces, so those
//!   lines stay ordinary text.
//! - **Overprinted glyphs** (the same character drawn again at nearly the same place, a
//!   way of making text bold) are read once.
//!
//! What this does not do: find columns. Two columns of body text side by side are read as
//! rows across both, as `pdftotext -layout` prints them; official documents are laid out
//! in one column.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::super::heading::match_label;
use super::CELL_SEPARATOR;

/// A gap this many font sizes wide, or wider, separates two cells of a row.
pub const CELL_GAP_EMS: f64 = 2.0;

/// A gap wider than this many font sizes is a space.
const SPACE_GAP_EMS: f64 = 0.1;

const IDEOGRAPHIC_SPACE: &str = "\u{3000}";

/// Glyphs whose baselines are this many font sizes apart, or less, are on one line.
const SAME_LINE_EMS: f64 = 0.5;

/// One glyph placed on the page: its origin (from the top left, y down), where it ends,
/// its font size in page units, and its text (a range of [`GlyphSink::text`]).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Glyph {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    text: (u32, u32),
}

/// The extractor's output device for one page: records the glyphs instead of writing text.
#[derive(Debug, Default)]
pub struct GlyphSink {
    /// The page's height: y is measured from its top.
    height: f64,
    /// Upright glyphs, in the order they were drawn.
    upright: Vec<Glyph>,
    /// Rotated or skewed glyphs, in the order they were drawn.
    rotated: Vec<Glyph>,
    /// The glyphs' text, one after the other.
    text: String,
}

impl GlyphSink {
    /// The page's lines (see the module's documentation), not trimmed, empty ones left out.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = page_lines(&self.upright, &self.text);
        lines.extend(drawn_lines(&self.rotated, &self.text));
        lines
    }

    fn push(&mut self, x: f64, y: f64, end: f64, size: f64, text: &str, upright: bool) {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        let glyph = Glyph {
            x,
            y,
            end,
            size,
            text: (start, self.text.len() as u32),
        };
        if upright {
            self.upright.push(glyph);
        } else {
            self.rotated.push(glyph);
        }
    }
}

impl OutputDev for GlyphSink {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.height = media_box.ury - media_box.lly;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // Gaps place the spaces: space glyphs add nothing, except an ideographic space,
        // which is part of the text (`第一条　为了…`).
        if text.chars().all(char::is_whitespace) && text != IDEOGRAPHIC_SPACE {
            return Ok(());
        }
        // Text space to the page: the font size times the rendering matrix (either may be
        // negative, and two negatives make upright text).
        let (a, b, c, d) = (
            font_size * trm.m11,
            font_size * trm.m12,
            font_size * trm.m21,
            font_size * trm.m22,
        );
        let size = (a * d - b * c).abs().sqrt();
        if !(size.is_finite() && size > 0.0 && trm.m31.is_finite() && trm.m32.is_finite()) {
            return Ok(());
        }
        let upright = a > 0.0 && d > 0.0 && b.abs() <= a * 0.01 && c.abs() <= d * 0.01;
        let (x, y) = (trm.m31, self.height - trm.m32);
        let end = x + width * a.abs();
        self.push(x, y, end, size, text, upright);
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

fn text_of<'a>(g: &Glyph, text: &'a str) -> &'a str {
    text.get(g.text.0 as usize..g.text.1 as usize).unwrap_or("")
}

/// Glyphs drawn one after the other on one baseline, each at or right of the one before
/// and less than a cell's gap from it: their order is the file's, and only where the run starts places it among the others.
/// The positions inside a run come from the widths the extractor finds in the font, which
/// are sometimes wrong: digits given the width of a wide character stand past the next
/// glyph the file places itself (`2018年` drawn as `2`,`0`,`1`,`8`,`年` with `8` placed
/// right of `年`), which a sort of the glyphs by position would put in the wrong order.
#[derive(Debug)]
struct Run<'a> {
    x: f64,
    y: f64,
    size: f64,
    glyphs: Vec<&'a Glyph>,
}

/// Upright glyphs into runs, in the order they were drawn.
fn runs<'a>(glyphs: &'a [Glyph], text: &str) -> Vec<Run<'a>> {
    let mut runs: Vec<Run<'a>> = Vec::new();
    let mut last: Option<&Glyph> = None;
    for g in glyphs {
        // The same glyph drawn again at (nearly) the same place: bold made by overprinting.
        let again = last.is_some_and(|p| {
            (g.x - p.x).abs() < g.size * 0.2
                && (g.y - p.y).abs() < g.size * 0.2
                && text_of(g, text) == text_of(p, text)
        });
        // Ideographic spaces one after the other are one: two would read as a cell's gap.
        let spaces = last.is_some_and(|p| {
            text_of(g, text) == IDEOGRAPHIC_SPACE && text_of(p, text) == IDEOGRAPHIC_SPACE
        });
        if again || spaces {
            continue;
        }
        let goes_on = last.is_some_and(|p| {
            (g.y - p.y).abs() <= SAME_LINE_EMS * p.size.max(g.size)
                && g.x >= p.x
                && g.x < p.end.max(p.x) + CELL_GAP_EMS * g.size
        });
        match runs.last_mut() {
            Some(run) if goes_on => {
                run.size = run.size.max(g.size);
                run.glyphs.push(g);
            }
            _ => runs.push(Run {
                x: g.x,
                y: g.y,
                size: g.size,
                glyphs: vec![g],
            }),
        }
        last = Some(g);
    }
    runs
}

/// Upright glyphs into lines: runs grouped by baseline, top to bottom; each line's runs
/// left to right.
fn page_lines(glyphs: &[Glyph], text: &str) -> Vec<String> {
    let mut order = runs(glyphs, text);
    // Stable: runs at one height keep the order they were drawn in.
    order.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut lines: Vec<Vec<Run<'_>>> = Vec::new();
    // The first baseline of the current line and its largest font size.
    let mut line_at = (f64::NEG_INFINITY, 0.0f64);
    for run in order {
        let (y, size) = line_at;
        match lines.last_mut() {
            Some(line) if run.y - y <= SAME_LINE_EMS * size.max(run.size) => {
                line_at.1 = size.max(run.size);
                line.push(run);
            }
            _ => {
                line_at = (run.y, run.size);
                lines.push(vec![run]);
            }
        }
    }
    lines
        .into_iter()
        .map(|mut line| {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            line_text(&line, text)
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// What stands between two glyphs of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    None,
    Space,
    Cell,
}

/// Whether `run` draws again the text of one of `before` at nearly the same place (a way
/// of making text bold).
fn overprints(run: &Run<'_>, before: &[&Run<'_>], text: &str) -> bool {
    let same_text = |a: &Run<'_>, b: &Run<'_>| {
        a.glyphs.len() == b.glyphs.len()
            && (a.glyphs.iter().zip(&b.glyphs)).all(|(g, h)| text_of(g, text) == text_of(h, text))
    };
    before.iter().rev().take(4).any(|p| {
        (run.x - p.x).abs() < run.size * 0.2
            && (run.y - p.y).abs() < run.size * 0.2
            && same_text(run, p)
    })
}

/// The text of one line's runs (sorted left to right).
fn line_text(line: &[Run<'_>], text: &str) -> String {
    let mut kept: Vec<&Run<'_>> = Vec::with_capacity(line.len());
    for run in line {
        if !overprints(run, &kept, text) {
            kept.push(run);
        }
    }
    // The gap before each glyph: inside a run from the glyph before it, before a run from
    // the rightmost end so far. A glyph that seems to have no width (a font without widths)
    // says nothing about the gap after it: that gap is at most a space.
    let mut glyphs: Vec<&Glyph> = Vec::new();
    let mut gaps = Vec::new();
    let mut widths = Vec::new();
    let mut end = f64::NEG_INFINITY;
    let mut sized = true;
    // After an ideographic space, a space's gap is that space's.
    let mut spaced = false;
    for run in kept {
        let mut before = end;
        for g in &run.glyphs {
            let gap = g.x - before;
            gaps.push(if gap >= CELL_GAP_EMS * g.size && sized {
                Gap::Cell
            } else if gap > SPACE_GAP_EMS * g.size && !spaced {
                Gap::Space
            } else {
                Gap::None
            });
            widths.push(gap);
            glyphs.push(g);
            before = g.end;
            end = end.max(g.end);
            sized = g.end - g.x > g.size * 0.01;
            spaced = text_of(g, text) == IDEOGRAPHIC_SPACE;
        }
    }
    if let Some(first) = gaps.first_mut() {
        *first = Gap::None;
    }
    spaced_letters_are_not_cells(&mut gaps, &widths);
    let mut out = String::new();
    for (i, g) in glyphs.iter().enumerate() {
        if gaps[i] == Gap::Cell && label_alone(&out) {
            gaps[i] = Gap::Space;
        }
        match gaps[i] {
            Gap::None => {}
            Gap::Space => out.push(' '),
            Gap::Cell => out.push_str(CELL_SEPARATOR),
        }
        out.push_str(text_of(g, text));
    }
    out
}

/// Cell gaps around single glyphs set at an even spacing (three glyphs at least, each gap
/// within a quarter of the next), or between the glyphs of a line of lone glyphs (`目    录`,
/// `总    则`), are the letter spacing of one piece of text.
fn spaced_letters_are_not_cells(gaps: &mut [Gap], widths: &[f64]) {
    // A glyph stands alone when big gaps are on both of its sides (or the line's end).
    let n = gaps.len();
    let alone = |i: usize| {
        let before = i == 0 || gaps[i] == Gap::Cell;
        let after = i + 1 == n || gaps[i + 1] == Gap::Cell;
        before && after
    };
    if (0..n).all(alone) {
        gaps.iter_mut().skip(1).for_each(|g| *g = Gap::Space);
        return;
    }
    let even = |a: f64, b: f64| (a - b).abs() <= a.max(b) * 0.25;
    let mut letter = vec![false; n];
    for i in 1..n.saturating_sub(1) {
        // The gaps before glyph i and before glyph i + 1, between three lone glyphs.
        if gaps[i] == Gap::Cell
            && gaps[i + 1] == Gap::Cell
            && alone(i - 1)
            && alone(i)
            && alone(i + 1)
            && even(widths[i], widths[i + 1])
        {
            letter[i] = true;
            letter[i + 1] = true;
        }
    }
    for (gap, letter) in gaps.iter_mut().zip(letter) {
        if letter {
            *gap = Gap::Space;
        }
    }
}

/// Whether `text` is a numbered label alone (`第一条`, `一、`, `（三）`): the gap after it
/// is not a cell's.
fn label_alone(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && match_label(t).is_some_and(|l| l.len == t.len())
}

/// Rotated glyphs in the order they were drawn, a new line where one does not follow on
/// from the glyph before it (further than two font sizes away).
fn drawn_lines(glyphs: &[Glyph], text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut last: Option<&Glyph> = None;
    for g in glyphs {
        let near = last.is_some_and(|p| {
            let (dx, dy) = (g.x - p.x, g.y - p.y);
            (dx * dx + dy * dy).sqrt() <= 2.0 * p.size.max(g.size)
        });
        match lines.last_mut() {
            Some(line) if near => line.push_str(text_of(g, text)),
            _ => lines.push(text_of(g, text).to_string()),
        }
        last = Some(g);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink holding `runs` drawn in this order: (x, y, size, text) with glyphs one font
    /// size wide each.
    fn sink(runs: &[(f64, f64, f64, &str)]) -> GlyphSink {
        let mut s = GlyphSink::default();
        for &(x, y, size, t) in runs {
            for (i, c) in t.chars().enumerate() {
                let x = x + i as f64 * size;
                s.push(x, y, x + size, size, &c.to_string(), true);
            }
        }
        s
    }

    #[test]
    fn cells_of_a_row_are_one_line_in_order() {
        // Drawn cell by cell, column by column (a cell of two lines first).
        let s = sink(&[
            (10.0, 100.0, 10.0, "社会稳定风险评估暂"),
            (10.0, 114.0, 10.0, "行办法的通知"),
            (120.0, 100.0, 10.0, "容缺材料"),
            (120.0, 114.0, 10.0, "主审材料"),
        ]);
        assert_eq!(
            s.lines(),
            [
                "社会稳定风险评估暂\u{3000}\u{3000}容缺材料",
                "行办法的通知\u{3000}\u{3000}主审材料"
            ]
        ); // Right-aligned figures drawn out of column order.
        let s = sink(&[
            (10.0, 50.0, 5.0, "914,402"),
            (130.0, 50.0, 5.0, "30,762"),
            (70.0, 50.0, 5.0, "883,640"),
        ]);
        assert_eq!(
            s.lines(),
            ["914,402\u{3000}\u{3000}883,640\u{3000}\u{3000}30,762"]
        );
    }

    #[test]
    fn body_text_reads_top_to_bottom() {
        // A masthead drawn after the text still comes first; a superscript stays on its
        // line; small gaps are spaces, none between touching glyphs.
        let mut s = sink(&[
            (10.0, 200.0, 10.0, "第一条为了保护劳动者"),
            (10.0, 214.0, 10.0, "的合法权益"),
            (30.0, 80.0, 20.0, "唐山市人民政府文件"),
            (60.0, 214.0, 10.0, "ABC"),
        ]);
        s.push(90.0, 211.0, 95.0, 5.0, "1", true);
        s.push(97.0, 214.0, 107.0, 10.0, "D", true);
        assert_eq!(
            s.lines(),
            [
                "唐山市人民政府文件",
                "第一条为了保护劳动者",
                "的合法权益ABC1 D"
            ]
        );
    }

    #[test]
    fn runs_are_placed_by_where_they_start() {
        // Digits whose font gives them twice their width: the last one is placed past the
        // next run's start, which is where the file puts it. The run's order holds.
        let s = sink(&[(10.0, 50.0, 10.0, "2018"), (30.0, 50.0, 10.0, "年4月")]);
        assert_eq!(s.lines(), ["2018年4月"]);
        // A font without widths: the glyphs of a run all stand at its start, and the gap
        // to the next run is not a cell's.
        let mut s = GlyphSink::default();
        for c in ["第", "二", "条"] {
            s.push(10.0, 50.0, 10.0, 10.0, c, true);
        }
        s.push(40.0, 50.0, 50.0, 10.0, "本", true);
        assert_eq!(s.lines(), ["第二条 本"]);
    }

    #[test]
    fn letter_spacing_and_labels_are_not_cells() {
        let spaced: Vec<(f64, f64, f64, &str)> = ["中", "共", "唐", "山", "市", "委"]
            .iter()
            .enumerate()
            .map(|(i, c)| (10.0 + i as f64 * 45.0, 50.0, 15.0, *c))
            .collect();
        assert_eq!(sink(&spaced).lines(), ["中 共 唐 山 市 委"]);
        let s = sink(&[
            (10.0, 50.0, 10.0, "第一条"),
            (70.0, 50.0, 10.0, "为了保护劳动者的合法权益"),
        ]);
        assert_eq!(s.lines(), ["第一条 为了保护劳动者的合法权益"]);
        // A line of lone glyphs is a spaced word; two lone glyphs beside a cell of more
        // are not enough to call it letter spacing: a row of cells.
        let s = sink(&[(10.0, 50.0, 10.0, "目"), (60.0, 50.0, 10.0, "录")]);
        assert_eq!(s.lines(), ["目 录"]);
        let s = sink(&[
            (10.0, 50.0, 10.0, "项目"),
            (60.0, 50.0, 10.0, "是"),
            (100.0, 50.0, 10.0, "否"),
        ]);
        assert_eq!(s.lines(), ["项目\u{3000}\u{3000}是\u{3000}\u{3000}否"]);
    }

    #[test]
    fn overprinted_and_rotated_glyphs() {
        let mut s = sink(&[
            (10.0, 50.0, 10.0, "加粗"),
            (10.5, 50.2, 10.0, "加粗"),
            (10.0, 70.0, 10.0, "一"),
            (10.3, 70.0, 10.0, "一"),
            (20.0, 70.0, 10.0, "二"),
            (20.3, 70.0, 10.0, "二"),
        ]);
        s.push(300.0, 500.0, 310.0, 10.0, "章", false);
        s.push(305.0, 491.0, 315.0, 10.0, "印", false);
        s.push(30.0, 700.0, 40.0, 10.0, "注", false);
        assert_eq!(s.lines(), ["加粗", "一二", "章印", "注"]);
    }

    #[test]
    fn space_glyphs_are_positions_only() {
        let mut s = GlyphSink::default();
        let trm = Transform::row_major(1.0, 0.0, 0.0, 1.0, 10.0, 700.0);
        s.begin_page(
            1,
            &MediaBox {
                llx: 0.0,
                lly: 0.0,
                urx: 600.0,
                ury: 800.0,
            },
            None,
        )
        .unwrap();
        s.output_character(&trm, 1.0, 0.0, 10.0, "甲").unwrap();
        s.output_character(&trm, 0.25, 0.0, 10.0, " ").unwrap();
        assert_eq!(s.upright.len(), 1);
        // An ideographic space is text, once.
        for x in [20.0, 30.0] {
            let trm = Transform::row_major(1.0, 0.0, 0.0, 1.0, x, 700.0);
            s.output_character(&trm, 1.0, 0.0, 10.0, "\u{3000}")
                .unwrap();
        }
        let trm = Transform::row_major(1.0, 0.0, 0.0, 1.0, 40.0, 700.0);
        s.output_character(&trm, 1.0, 0.0, 10.0, "乙").unwrap();
        assert_eq!(s.lines(), ["甲\u{3000}乙"]);
        assert_eq!(s.upright[0].y, 100.0);
        assert_eq!(s.upright[0].end, 20.0);
    }
}
