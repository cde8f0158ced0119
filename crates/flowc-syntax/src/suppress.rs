//! `# flowc: ignore[CODE, ...] reason` and `# flowc: ignore-file[CODE] reason`.

use crate::ast::{File, Spanned, Suppression};
use crate::lexer::{Token, TokenKind};
use flowc_diag::{Code, Diagnostic, Span};

pub(crate) struct Directive {
    codes: Vec<Spanned<Code>>,
    reason: String,
    span: Span,
    file_wide: bool,
    /// The line's text before the comment, when the comment trails code.
    trailing_line: Option<Span>,
}

pub(crate) fn directives(src: &str, tokens: &[Token], diagnostics: &mut Vec<Diagnostic>) -> Vec<Directive> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokenKind::Comment {
            continue;
        }
        let text = &src[t.span.start..t.span.end];
        let body = text[1..].trim_start();
        let Some(rest) = body.strip_prefix("flowc:") else { continue };
        let rest_at = t.span.end - rest.len();
        let rest_trimmed = rest.trim_start();
        let at = rest_at + (rest.len() - rest_trimmed.len());
        let (file_wide, after) = if let Some(r) = rest_trimmed.strip_prefix("ignore-file[") {
            (true, r)
        } else if let Some(r) = rest_trimmed.strip_prefix("ignore[") {
            (false, r)
        } else {
            diagnostics.push(
                Diagnostic::new(Code::MalformedSuppression, t.span, "unknown `flowc:` directive")
                    .with_label("not a directive flowc knows")
                    .with_help("write `# flowc: ignore[F123] reason` or `# flowc: ignore-file[F123] reason`"),
            );
            continue;
        };
        let list_at = t.span.end - after.len();
        let Some(close) = after.find(']') else {
            diagnostics.push(
                Diagnostic::new(Code::MalformedSuppression, Span::new(at, t.span.end), "unclosed code list")
                    .with_label("expected `]` after the codes")
                    .with_help("write `# flowc: ignore[F123] reason`"),
            );
            continue;
        };
        let mut codes = Vec::new();
        let mut malformed = false;
        let mut offset = list_at;
        for part in after[..close].split(',') {
            let name = part.trim();
            let start = offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            let span = Span::new(start, start + name.len());
            match name.parse::<Code>() {
                Ok(code) => codes.push(Spanned { value: code, span }),
                Err(()) => {
                    malformed = true;
                    diagnostics.push(
                        Diagnostic::new(Code::MalformedSuppression, span, format!("`{name}` is not a flowc code"))
                            .with_label("unknown code")
                            .with_help("codes look like `F101`; `flowc explain --list` lists them all"),
                    );
                }
            }
        }
        let reason = after[close + 1..].trim();
        if reason.is_empty() && !malformed {
            diagnostics.push(
                Diagnostic::new(Code::SuppressionWithoutReason, t.span, "a suppression needs a reason")
                    .with_label("no reason after the codes")
                    .with_help(format!("say why, for example `{} the column is filled upstream`", &text.trim_end())),
            );
            malformed = true;
        }
        if malformed {
            continue;
        }
        let line_start = src[..t.span.start].rfind('\n').map_or(0, |i| i + 1);
        let trails_code =
            tokens[..i].iter().rev().take_while(|p| p.kind != TokenKind::Newline).any(|p| p.kind != TokenKind::Comment);
        out.push(Directive {
            codes,
            reason: reason.to_owned(),
            span: t.span,
            file_wide,
            trailing_line: trails_code.then(|| Span::new(line_start, t.span.start)),
        });
    }
    out
}

/// Attaches each own-line directive to the item that follows it (a whole block, a setting,
/// a column or a mapping entry with its attributes).
pub(crate) fn resolve(directives: Vec<Directive>, file: &File) -> Vec<Suppression> {
    let mut spans: Vec<Span> = Vec::new();
    for block in &file.blocks {
        spans.push(block.span);
        for item in &block.items {
            spans.push(item.span());
            if let crate::ast::Item::Columns(crate::ast::Columns::Inline { columns, .. }) = item {
                collect_columns(columns, &mut spans);
            }
        }
    }
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    directives
        .into_iter()
        .map(|d| {
            let target = if d.file_wide {
                None
            } else if let Some(line) = d.trailing_line {
                Some(line)
            } else {
                let next = spans.partition_point(|s| s.start < d.span.end);
                Some(spans.get(next).copied().unwrap_or(Span::empty(d.span.end)))
            };
            Suppression { codes: d.codes, reason: d.reason, span: d.span, target }
        })
        .collect()
}

fn collect_columns(columns: &[crate::ast::Column], spans: &mut Vec<Span>) {
    for c in columns {
        spans.push(c.span);
        collect_columns(&c.children, spans);
    }
}
