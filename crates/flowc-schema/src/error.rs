use flowc_diag::{Code, Diagnostic, LineCol, Severity};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// A diagnostic about a schema file. Its spans are byte ranges into `text`, the file's
/// content; `file` is `None` when the diagnostic is about an argument (a class or field
/// group id), not about a file, and then `text` is empty.
#[derive(Clone, Debug)]
pub struct SchemaError {
    pub file: Option<PathBuf>,
    pub text: Arc<str>,
    pub diagnostic: Diagnostic,
}

impl SchemaError {
    pub(crate) fn in_file(file: PathBuf, text: Arc<str>, diagnostic: Diagnostic) -> Self {
        SchemaError { file: Some(file), text, diagnostic }
    }

    pub(crate) fn general(diagnostic: Diagnostic) -> Self {
        SchemaError { file: None, text: Arc::from(""), diagnostic }
    }

    pub fn code(&self) -> Code {
        self.diagnostic.code
    }

    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }

    pub fn is_error(&self) -> bool {
        self.diagnostic.severity == Severity::Error
    }

    /// Line and column (1-based, columns in characters) of the primary span, if in a file.
    pub fn line_col(&self) -> Option<LineCol> {
        self.file.as_ref()?;
        Some(line_col(&self.text, self.diagnostic.primary_span().start))
    }

    /// `file:line:col: error[F202]: message`, the source line with a caret, then help and
    /// notes, each line ending in `\n`. Plain text, for logs and tests; the CLI may render
    /// richer reports from the same data.
    pub fn render_plain(&self) -> String {
        let d = &self.diagnostic;
        let mut out = String::new();
        match (&self.file, self.line_col()) {
            (Some(file), Some(lc)) => {
                let _ = write!(out, "{}:{}:{}: ", file.display(), lc.line, lc.column);
            }
            _ => out.push_str("flowc: "),
        }
        let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
        if self.file.is_some() && !self.text.is_empty() {
            let span = d.primary_span();
            let label = d.labels.iter().find(|l| l.primary).map_or("", |l| l.message.as_str());
            if let Some((excerpt, caret)) = excerpt(&self.text, span.start, span.end) {
                let _ = writeln!(out, "   | {excerpt}");
                let _ = writeln!(out, "   | {}", format!("{caret} {label}").trim_end());
            }
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "   = help: {help}");
        }
        for note in &d.notes {
            let _ = writeln!(out, "   = note: {note}");
        }
        out
    }
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.render_plain().trim_end())
    }
}

/// Same numbering as `flowc_diag::LineIndex`, without copying the (possibly large) text.
pub(crate) fn line_col(text: &str, offset: usize) -> LineCol {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
}

/// The line around `start` (at most ~100 characters of it, for minified files) and a caret
/// line under `start..end`.
fn excerpt(text: &str, start: usize, end: usize) -> Option<(String, String)> {
    const BEFORE: usize = 50;
    const AFTER: usize = 50;
    let start = floor(text, start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let col = text[line_start..start].chars().count();
    let chars: Vec<char> = line.chars().collect();
    let from = col.saturating_sub(BEFORE);
    let to = (col + AFTER).min(chars.len());
    let mut shown: String = chars[from..to].iter().collect();
    let width = text[start..floor(text, end.clamp(start, line_end))].chars().count().max(1);
    let mut pad = col - from;
    if from > 0 {
        shown.insert_str(0, "...");
        pad += 3;
    }
    if to < chars.len() {
        shown.push_str("...");
    }
    let shown = shown.trim_end().to_owned();
    if shown.trim().is_empty() {
        return None;
    }
    let caret = format!("{}{}", " ".repeat(pad), "^".repeat(width.min(to.saturating_sub(col)).max(1)));
    Some((shown, caret))
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowc_diag::Span;

    #[test]
    fn renders_position_source_line_and_help() {
        let text: Arc<str> = Arc::from("{\n  \"$ref\": \"#/definitions/nope\"\n}\n");
        let d = Diagnostic::new(Code::UnresolvedRef, Span::new(12, 30), "no definition `nope`")
            .with_label("not found")
            .with_help("known definitions: `person`");
        let e = SchemaError::in_file(PathBuf::from("s.json"), text, d);
        assert_eq!(
            e.render_plain(),
            "s.json:2:11: error[F202]: no definition `nope`\n   |   \"$ref\": \"#/definitions/nope\"\n   |           ^^^^^^^^^^^^^^^^^^ not found\n   = help: known definitions: `person`\n"
        );
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("é\nab", 4), LineCol { line: 2, column: 2 });
        assert_eq!(line_col("é", 1), LineCol { line: 1, column: 1 });
    }
}
