//! What the human renderer shows of a file whose lines are too long to print: a copy in
//! which every line longer than [`MAX_SHOWN_LINE`] bytes is cut to a window around what the
//! diagnostic points at (marked with `…`), and lines far from it are left empty. Newlines
//! are kept, so line numbers stay right; the header's column is the original file's.
//!
//! Printing such lines whole is slow and unreadable (a 100 KB line per diagnostic), and
//! miette cannot draw a label past column 65,535 at all.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::ops::Range;

/// Lines up to this many bytes are shown whole.
pub const MAX_SHOWN_LINE: usize = 240;
/// Bytes shown before and after the point of a cut line.
const BEFORE: usize = 60;
const AFTER: usize = 120;
/// A label over more lines than this shows its first and last lines only.
const MAX_SPANNED_LINES: usize = 50;

/// Where the lines of a file start, when at least one of them is too long to show.
pub struct LongLines {
    line_starts: Vec<usize>,
}

impl LongLines {
    /// `None` when every line can be shown whole (the common case: no copy is made).
    pub fn of(text: &str) -> Option<LongLines> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let longest =
            line_starts.windows(2).map(|w| w[1] - w[0]).chain([text.len() - line_starts.last().unwrap_or(&0)]);
        longest.max().is_some_and(|n| n > MAX_SHOWN_LINE).then_some(LongLines { line_starts })
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    fn line_range(&self, line: usize, text: &str) -> Range<usize> {
        let end = self.line_starts.get(line + 1).map_or(text.len(), |next| next - 1);
        self.line_starts[line]..end
    }

    /// The text shown for a diagnostic whose labels cover `spans` (original offsets).
    pub fn view(&self, text: &str, spans: &[Range<usize>]) -> View {
        let lines = self.line_starts.len();
        let mut keep = vec![false; lines];
        let mut keep_around = |line: usize| {
            let around = line.saturating_sub(1)..=(line + 1).min(lines - 1);
            keep[around].fill(true);
        };
        let mut anchors: Vec<usize> = Vec::new();
        for span in spans {
            let (first, last) = (self.line_of(span.start), self.line_of(span.end));
            if last - first <= MAX_SPANNED_LINES {
                (first..=last).for_each(&mut keep_around);
            } else {
                keep_around(first);
                keep_around(last);
            }
            anchors.extend([span.start, span.end]);
        }
        anchors.sort_unstable();
        let mut view = View { text: String::new(), pieces: Vec::new() };
        for (line, kept) in keep.into_iter().enumerate() {
            let range = self.line_range(line, text);
            view.pieces.push(Piece { view: view.text.len(), original: range.start, len: 0 });
            if kept {
                let window = if range.len() <= MAX_SHOWN_LINE {
                    range.clone()
                } else {
                    let first = anchors.iter().copied().find(|a| range.contains(a) || *a == range.end);
                    let point = first.unwrap_or(range.start);
                    let start = floor_char(text, point.saturating_sub(BEFORE).max(range.start));
                    let end = floor_char(text, (point + AFTER).min(range.end));
                    start..end
                };
                if window.start > range.start {
                    view.text.push('…');
                }
                view.pieces.push(Piece { view: view.text.len(), original: window.start, len: window.len() });
                view.text.push_str(&text[window.clone()]);
                if window.end < range.end {
                    view.text.push('…');
                }
            }
            if line + 1 < lines {
                view.text.push('\n');
            }
        }
        view
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A run of bytes copied unchanged from the original.
struct Piece {
    view: usize,
    original: usize,
    len: usize,
}

/// The shortened copy, and how its offsets map to the original's.
pub struct View {
    pub text: String,
    /// In order of both offsets; every line starts with a zero-length piece.
    pieces: Vec<Piece>,
}

impl View {
    /// Where an original offset is shown: inside a kept run, or at the nearest edge of
    /// the cut before it on the same line.
    pub fn to_view(&self, original: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.original <= original).saturating_sub(1);
        let piece = &self.pieces[i];
        piece.view + (original - piece.original).min(piece.len)
    }

    fn to_original(&self, view: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.view <= view).saturating_sub(1);
        let piece = &self.pieces[i];
        piece.original + (view - piece.view).min(piece.len)
    }
}

/// The view as miette reads it, named, with the original file's column in the header.
pub struct Shown<'a> {
    pub name: &'a str,
    pub view: View,
    pub original: &'a str,
}

impl SourceCode for Shown<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.view.text.as_str().read_span(span, context_lines_before, context_lines_after)?;
        let column = if context_lines_before == 0 {
            let original = self.view.to_original(span.offset());
            let line_start = self.original[..original].rfind('\n').map_or(0, |i| i + 1);
            original - line_start
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_files_are_shown_as_they_are() {
        assert!(LongLines::of("mapping {\n  a = b\n}\n").is_none());
    }

    #[test]
    fn a_long_line_is_cut_around_the_label_and_offsets_map_both_ways() {
        let text = format!("mapping {{\n  a = {} +\n}}\n", "b".repeat(70_000));
        let lines = LongLines::of(&text).expect("a long line");
        let plus = text.find('+').unwrap();
        let label = plus..plus + 1;
        let view = lines.view(&text, std::slice::from_ref(&label));
        assert!(view.text.len() < 400, "{}", view.text.len());
        assert_eq!(view.text.lines().count(), 3, "line numbers are kept");
        let shown = view.to_view(plus);
        assert_eq!(&view.text[shown..shown + 1], "+");
        assert_eq!(view.to_original(shown), plus);
        assert!(view.text.lines().nth(1).unwrap().starts_with('…'));
    }

    #[test]
    fn lines_far_from_the_labels_are_left_empty() {
        let mut text = String::new();
        for i in 0..100 {
            text.push_str(&format!("line {i} {}\n", "x".repeat(300)));
        }
        let lines = LongLines::of(&text).unwrap();
        let at = text.find("line 50").unwrap();
        let label = at..at + 4;
        let view = lines.view(&text, std::slice::from_ref(&label));
        let shown: Vec<&str> = view.text.lines().collect();
        assert_eq!(shown.len(), 100);
        assert!(shown[10].is_empty());
        assert!(shown[50].starts_with("line 50"));
        assert!(shown[49].starts_with("line 49"), "context lines are kept");
    }
}
