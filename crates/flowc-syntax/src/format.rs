//! The canonical layout (documented in `docs/format.md`): blocks separated by one blank
//! line, two-space indentation, `key = value` with single spaces and no alignment (so one
//! changed line stays a one-line diff), attributes on their own lines above their entry,
//! blank lines inside blocks kept (runs collapse to one), every comment kept where it was.
//! Expressions are printed exactly as written: they are what the request body carries.

use crate::Parsed;
use crate::ast::*;
use flowc_diag::Span;

const INDENT: &str = "  ";
const MAX_INLINE_ARRAY: usize = 80;

/// Formats a flow file, or returns the parse (with its errors) when it has syntax errors.
pub fn format(src: &str) -> Result<String, Parsed> {
    let parsed = crate::parse(src);
    if parsed.has_errors() {
        return Err(parsed);
    }
    let mut printer = Printer { src, comments: &parsed.file.comments, next: 0, last_end: 0, out: String::new() };
    printer.file(&parsed.file);
    Ok(printer.out)
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Span],
    /// The first comment not yet printed.
    next: usize,
    /// Source offset just after the last printed thing.
    last_end: usize,
    out: String,
}

impl<'a> Printer<'a> {
    fn text(&self, span: Span) -> &'a str {
        &self.src[span.start..span.end]
    }

    fn gap_has_blank_line(&self, until: usize) -> bool {
        until > self.last_end && self.src[self.last_end..until].matches('\n').count() >= 2
    }

    /// Prints the own-line comments that start before `pos`.
    fn comments_before(&mut self, pos: usize, depth: usize, mut at_start: bool) -> bool {
        while let Some(&c) = self.comments.get(self.next).filter(|c| c.start < pos) {
            if !at_start && self.gap_has_blank_line(c.start) {
                self.out.push('\n');
            }
            self.line(depth, self.text(c).trim_end());
            self.last_end = c.end;
            self.next += 1;
            at_start = false;
        }
        at_start
    }

    /// Appends the comment that ends the line of `end`, if any; then the newline.
    fn end_line(&mut self, end: usize) {
        self.last_end = end;
        if let Some(&c) = self.comments.get(self.next)
            && !self.src[end..c.start].contains('\n')
        {
            self.out.push(' ');
            self.out.push_str(self.text(c).trim_end());
            self.last_end = c.end;
            self.next += 1;
        }
        self.out.push('\n');
    }

    /// Marks comments inside `span` as printed (the span is printed verbatim).
    fn skip_comments_in(&mut self, span: Span) {
        while self.comments.get(self.next).is_some_and(|c| c.start < span.end) {
            self.next += 1;
        }
    }

    fn has_comment_in(&self, span: Span) -> bool {
        self.comments[self.next..].iter().any(|c| c.start >= span.start && c.start < span.end)
    }

    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn start_line(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
    }

    fn file(&mut self, file: &File) {
        for (i, block) in file.blocks.iter().enumerate() {
            if i > 0 {
                self.out.push('\n');
            }
            let at_start = self.comments_before(block.span.start, 0, true);
            if !at_start && self.gap_has_blank_line(block.span.start) {
                self.out.push('\n');
            }
            self.block(block);
        }
        self.comments_before(usize::MAX, 0, file.blocks.is_empty());
    }

    fn block(&mut self, block: &Block) {
        self.out.push_str(block.kind.keyword());
        let open = self.src[block.keyword.end..].find('{').map_or(block.keyword.end, |i| block.keyword.end + i);
        let close = block.span.end.saturating_sub(1);
        let empty = block.items.is_empty() && self.comments.get(self.next).is_none_or(|c| c.start >= close);
        if empty {
            self.out.push_str(" {}");
            self.end_line(block.span.end);
            return;
        }
        self.out.push_str(" {");
        self.end_line(open + 1);
        self.items(&block.items, 1);
        self.comments_before(close, 1, block.items.is_empty());
        self.out.push('}');
        self.end_line(block.span.end);
    }

    fn items(&mut self, items: &[Item], depth: usize) {
        for (i, item) in items.iter().enumerate() {
            let start = match item {
                Item::Entry(e) => e.span.start,
                other => other.span().start,
            };
            let at_start = i == 0;
            let first_comment = self.comments.get(self.next).filter(|c| c.start < start).map(|c| c.start);
            if !at_start && self.gap_has_blank_line(first_comment.unwrap_or(start)) {
                self.out.push('\n');
            }
            let at_start = self.comments_before(start, depth, true);
            if !at_start && self.gap_has_blank_line(start) {
                self.out.push('\n');
            }
            match item {
                Item::Setting(s) => self.setting(s, depth),
                Item::Columns(c) => self.columns(c, depth),
                Item::Entry(e) => self.entry(e, depth),
            }
        }
    }

    fn setting(&mut self, setting: &Setting, depth: usize) {
        self.start_line(depth);
        self.out.push_str(&setting.key.value);
        self.out.push_str(" = ");
        self.value(&setting.value, depth);
        self.end_line(setting.span.end);
    }

    fn value(&mut self, value: &Value, depth: usize) {
        if self.has_comment_in(value.span) {
            self.out.push_str(self.text(value.span));
            self.skip_comments_in(value.span);
            return;
        }
        let ValueKind::Array(items) = &value.kind else {
            self.out.push_str(self.text(value.span));
            return;
        };
        let parts: Vec<String> = items.iter().map(|v| self.inline_value(v)).collect();
        let inline = format!("[{}]", parts.join(", "));
        if items.len() <= 1 || inline.len() + depth * INDENT.len() <= MAX_INLINE_ARRAY {
            self.out.push_str(&inline);
            return;
        }
        self.out.push_str("[\n");
        for part in parts {
            self.start_line(depth + 1);
            self.out.push_str(&part);
            self.out.push_str(",\n");
        }
        self.start_line(depth);
        self.out.push(']');
    }

    fn inline_value(&self, value: &Value) -> String {
        match &value.kind {
            ValueKind::Array(items) => {
                let parts: Vec<String> = items.iter().map(|v| self.inline_value(v)).collect();
                format!("[{}]", parts.join(", "))
            }
            _ => self.text(value.span).to_owned(),
        }
    }

    fn columns(&mut self, columns: &Columns, depth: usize) {
        self.start_line(depth);
        match columns {
            Columns::From { span, path } => {
                self.out.push_str("columns from ");
                self.out.push_str(self.text(path.span));
                self.end_line(span.end);
            }
            Columns::Inline { span, columns } => {
                self.column_body(columns, depth, *span);
            }
        }
    }

    /// ` {` children `}` of `columns` or of an object column (`span` ends at the `}`).
    fn column_body(&mut self, columns: &[Column], depth: usize, span: Span) {
        let close = span.end - 1;
        if columns.is_empty() && !self.has_comment_in(span) {
            self.out.push_str(if self.out.ends_with(INDENT) || self.out.ends_with('\n') {
                "columns {}"
            } else {
                " {}"
            });
            self.end_line(span.end);
            return;
        }
        if self.out.ends_with(INDENT) || self.out.ends_with('\n') {
            self.out.push_str("columns");
        }
        self.out.push_str(" {");
        let open = columns.first().map_or(close, |c| c.span.start);
        let brace = self.src[..open].rfind('{').unwrap_or(open);
        self.end_line(brace + 1);
        for (i, column) in columns.iter().enumerate() {
            let first_comment = self.comments.get(self.next).filter(|c| c.start < column.span.start).map(|c| c.start);
            if i > 0 && self.gap_has_blank_line(first_comment.unwrap_or(column.span.start)) {
                self.out.push('\n');
            }
            let at_start = self.comments_before(column.span.start, depth + 1, true);
            if !at_start && self.gap_has_blank_line(column.span.start) {
                self.out.push('\n');
            }
            self.column(column, depth + 1);
        }
        self.comments_before(close, depth + 1, columns.is_empty());
        self.start_line(depth);
        self.out.push('}');
        self.end_line(span.end);
    }

    fn column(&mut self, column: &Column, depth: usize) {
        self.start_line(depth);
        self.out.push_str(self.text(column.name.span));
        self.out.push_str(": ");
        self.out.push_str(&column.source_type.value);
        if column.is_array {
            self.out.push_str("[]");
        }
        if let Some(xdm) = &column.xdm_type {
            self.out.push_str(" as ");
            self.out.push_str(&xdm.value);
        }
        if let Some(format) = &column.format {
            self.out.push_str(" format ");
            self.out.push_str(self.text(format.span));
        }
        let header_end = [
            Some(column.source_type.span.end),
            column.xdm_type.as_ref().map(|x| x.span.end),
            column.format.as_ref().map(|f| f.span.end),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(column.span.end);
        let has_body = self.src[header_end..column.span.end].contains('{');
        if has_body {
            let children_span = Span::new(header_end, column.span.end);
            self.column_body(&column.children, depth, children_span);
        } else {
            self.end_line(column.span.end);
        }
    }

    fn entry(&mut self, entry: &Entry, depth: usize) {
        for attribute in &entry.attributes {
            self.comments_before(attribute.span.start, depth, true);
            self.start_line(depth);
            if self.has_comment_in(attribute.span) {
                self.out.push_str(self.text(attribute.span));
                self.skip_comments_in(attribute.span);
            } else {
                self.attribute(attribute);
            }
            self.end_line(attribute.span.end);
        }
        self.comments_before(entry.destination.span.start, depth, true);
        self.start_line(depth);
        self.destination(&entry.destination);
        self.out.push_str(" = ");
        self.out.push_str(self.text(entry.expr.span));
        self.skip_comments_in(entry.expr.span);
        self.end_line(entry.expr.span.end);
    }

    fn attribute(&mut self, attribute: &Attribute) {
        self.out.push('@');
        self.out.push_str(&attribute.name.value);
        if attribute.args.is_empty() && !self.text(attribute.span).ends_with(')') {
            return;
        }
        let args: Vec<String> = attribute
            .args
            .iter()
            .map(|arg| match (&arg.key, &arg.value) {
                (Some(k), Some(v)) => format!("{} = {}", k.value, self.inline_value(v)),
                (Some(k), None) => k.value.clone(),
                (None, Some(v)) => self.inline_value(v),
                (None, None) => String::new(),
            })
            .collect();
        self.out.push('(');
        self.out.push_str(&args.join(", "));
        self.out.push(')');
    }

    fn destination(&mut self, path: &Path) {
        for (i, segment) in path.segments.iter().enumerate() {
            match segment.kind {
                SegmentKind::Field { .. } => {
                    if i > 0 {
                        self.out.push('.');
                    }
                    self.out.push_str(self.text(segment.span));
                }
                SegmentKind::Index(n) => self.out.push_str(&format!("[{n}]")),
                SegmentKind::Each => self.out.push_str("[*]"),
            }
        }
    }
}
