//! Turning diagnostics into text: miette's graphical reports for people, one line per
//! finding (`short`), GitHub workflow annotations, and the versioned JSON contract.

use crate::long_lines::{LongLines, Shown};
use flowc_diag::{Diagnostic, LineIndex, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::sync::Arc;

/// The version of the JSON output's shape (see docs/json-output.md).
pub const JSON_VERSION: u32 = 1;

/// One checked file with what was found in it.
pub struct FileReport {
    pub name: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// A report with its diagnostics sorted and capped at [`flowc_diag::MAX_PER_FILE`]:
    /// every command builds its reports here, so the cap is the same everywhere.
    pub fn new(name: String, text: String, mut diagnostics: Vec<Diagnostic>) -> FileReport {
        flowc_diag::sort_and_cap(&mut diagnostics);
        FileReport { name, text, diagnostics }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Box<dyn miette::SourceCode + 'a>,
    /// Label spans as the source shows them.
    labels: Vec<(usize, usize)>,
    help: Option<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&*self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.diagnostic.labels.iter().zip(&self.labels).map(|(l, &(start, end))| {
            let text = (!l.message.is_empty()).then(|| l.message.clone());
            if l.primary {
                LabeledSpan::new_primary_with_span(text, start..end)
            } else {
                LabeledSpan::new_with_span(text, start..end)
            }
        })))
    }
}

/// How human output looks: snapshots use no colour and a fixed width.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

pub fn human(report: &FileReport, style: Style, out: &mut String) {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width).with_links(false);
    // One shared copy of the text for all of a file's diagnostics.
    let text: Arc<str> = Arc::from(report.text.as_str());
    let long_lines = LongLines::of(&report.text);
    for d in &report.diagnostics {
        let len = text.len();
        let spans: Vec<_> =
            d.labels.iter().map(|l| l.span.start.min(len)..l.span.end.clamp(l.span.start.min(len), len)).collect();
        let (source, labels): (Box<dyn miette::SourceCode>, _) = match &long_lines {
            None => (
                Box::new(NamedSource::new(&report.name, text.clone())),
                spans.iter().map(|s| (s.start, s.end)).collect(),
            ),
            Some(lines) => {
                let view = lines.view(&report.text, &spans);
                let labels = spans.iter().map(|s| (view.to_view(s.start), view.to_view(s.end))).collect();
                (Box::new(Shown { name: &report.name, view, original: &report.text }), labels)
            }
        };
        let r = Report { diagnostic: d, source, labels, help: d.help.clone() };
        if handler.render_report(out, &r).is_err() {
            out.push_str(&format!("{}: {}[{}] {}\n", report.name, d.severity.as_str(), d.code, d.message));
        }
        // miette has no notes: they follow the report, aligned with its `help:` line.
        for note in &d.notes {
            out.push_str("  note: ");
            out.push_str(note);
            out.push('\n');
        }
        out.push('\n');
    }
}

/// `file:line:col: severity[CODE] message`
pub fn short(report: &FileReport, out: &mut String) {
    let index = LineIndex::new(&report.text);
    for d in &report.diagnostics {
        let at = index.line_col(d.primary_span().start);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            report.name,
            at.line,
            at.column,
            d.severity.as_str(),
            d.code,
            d.message
        ));
    }
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
pub fn github(report: &FileReport, out: &mut String) {
    let index = LineIndex::new(&report.text);
    for d in &report.diagnostics {
        let span = d.primary_span();
        let (start, end) = (index.line_col(span.start), index.line_col(span.end));
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&report.name),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("flowc {}", d.code)),
            escape_data(&message)
        ));
    }
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The versioned JSON document for a whole run.
pub fn json(reports: &[FileReport]) -> serde_json::Value {
    let mut diagnostics = Vec::new();
    for report in reports {
        let index = LineIndex::new(&report.text);
        diagnostics.extend(report.diagnostics.iter().map(|d| d.to_json(&report.name, &index)));
    }
    serde_json::json!({
        "version": JSON_VERSION,
        "tool": { "name": "flowc", "version": env!("CARGO_PKG_VERSION") },
        "diagnostics": diagnostics,
        "summary": summary_json(reports),
    })
}

fn summary_json(reports: &[FileReport]) -> serde_json::Value {
    let count = |s| reports.iter().map(|r| r.count(s)).sum::<usize>();
    serde_json::json!({
        "files": reports.len(),
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "infos": count(Severity::Info),
    })
}

/// `checked 3 files: 2 errors, 1 warning`
pub fn summary(reports: &[FileReport]) -> String {
    let count = |s| reports.iter().map(|r| r.count(s)).sum::<usize>();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let files = plural(reports.len(), "file");
    if errors + warnings == 0 {
        format!("checked {files}: no problems")
    } else {
        format!("checked {files}: {}, {}", plural(errors, "error"), plural(warnings, "warning"))
    }
}
