//! Diagnostics as plain data.
//!
//! Every finding of every phase is a [`Diagnostic`]: a stable [`Code`] from the registry,
//! a severity, a message, labelled byte spans, help and notes. Nothing here renders to a
//! terminal; the CLI turns diagnostics into miette reports, JSON, SARIF or annotations.

mod codes;
pub mod files;
pub mod json;
mod lines;

pub use codes::{Code, Phase};
pub use lines::{LineCol, LineIndex};

use serde::Serialize;

/// A half-open byte range `start..end` into one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A span with a short message. The first primary label is where the diagnostic "is".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and a primary label at `span`.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            labels: vec![Label { span, message: String::new(), primary: true }],
            help: None,
            notes: Vec::new(),
        }
    }

    /// Sets the text of the primary label.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        if let Some(primary) = self.labels.iter_mut().find(|l| l.primary) {
            primary.message = message.into();
        }
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into(), primary: false });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The span of the primary label (every diagnostic has one).
    pub fn primary_span(&self) -> Span {
        self.labels.iter().find(|l| l.primary).or(self.labels.first()).map(|l| l.span).unwrap_or_default()
    }

    /// The versioned JSON form documented in `docs/json-output.md`.
    pub fn to_json(&self, file: &str, index: &LineIndex) -> serde_json::Value {
        let span = self.primary_span();
        let start = index.line_col(span.start);
        let end = index.line_col(span.end);
        let labels: Vec<_> = self
            .labels
            .iter()
            .map(|l| {
                let s = index.line_col(l.span.start);
                let e = index.line_col(l.span.end);
                serde_json::json!({
                    "message": l.message,
                    "primary": l.primary,
                    "line": s.line, "column": s.column,
                    "end_line": e.line, "end_column": e.column,
                    "offset": l.span.start, "length": l.span.len(),
                })
            })
            .collect();
        serde_json::json!({
            "code": self.code.as_str(),
            "name": self.code.name(),
            "severity": self.severity.as_str(),
            "message": self.message,
            "file": file,
            "line": start.line,
            "column": start.column,
            "end_line": end.line,
            "end_column": end.column,
            "help": self.help,
            "notes": self.notes,
            "labels": labels,
        })
    }
}

/// Orders diagnostics by position, then code, so output is deterministic.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (a.primary_span(), a.code, &a.message).cmp(&(b.primary_span(), b.code, &b.message)));
}

/// Diagnostics shown per file, by every command and output format; past this the rest
/// are counted in a note on the last one shown.
pub const MAX_PER_FILE: usize = 500;

/// Sorts a file's diagnostics and keeps the first [`MAX_PER_FILE`]. A list already capped
/// is left as it is.
pub fn sort_and_cap(diagnostics: &mut Vec<Diagnostic>) {
    sort(diagnostics);
    if diagnostics.len() > MAX_PER_FILE {
        let more = diagnostics.len() - MAX_PER_FILE;
        diagnostics.truncate(MAX_PER_FILE);
        if let Some(last) = diagnostics.last_mut() {
            last.notes.push(format!("{more} more diagnostics of this file are not shown"));
        }
    }
}
