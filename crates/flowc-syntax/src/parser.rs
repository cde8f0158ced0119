//! The parser: plain recursive-descent functions over the token list, with precedence
//! climbing for expressions. Errors are collected, never thrown: an item that fails is
//! reported and skipped up to the end of its line (or its balanced brackets), a block that
//! is never closed ends where the next block starts, and parsing goes on.

use crate::ast::*;
use crate::keys::{self, Shape};
use crate::lexer::{Token, TokenKind, unescape_name, unescape_string};
use flowc_diag::{Code, Diagnostic, Span};

/// Deepest nesting of brackets, unary operators or column objects accepted.
pub const MAX_NESTING: usize = 128;
/// Highest expression tree accepted: operators, calls, members and brackets counted along
/// the longest path from the whole expression to a leaf.
pub const MAX_EXPR_HEIGHT: usize = 256;
/// Most segments (`.name`, `[*]`, `[n]`) in one path.
pub const MAX_PATH_SEGMENTS: usize = 256;
/// Syntax errors reported per file before giving up on the rest.
pub const MAX_ERRORS: usize = 100;

/// An error was reported; the caller recovers.
struct Reported;
type PResult<T> = Result<T, Reported>;

pub(crate) struct Parser<'s> {
    src: &'s str,
    tokens: Vec<Token>,
    pos: usize,
    /// Open `(` and `[` of the current expression: newlines inside them are whitespace.
    brackets: usize,
    depth: usize,
    pub(crate) diagnostics: Vec<Diagnostic>,
    errors: usize,
}

const BINARY_WORDS: &[(&str, BinaryOp)] = &[
    ("or", BinaryOp::Or),
    ("and", BinaryOp::And),
    ("eq", BinaryOp::Eq),
    ("ne", BinaryOp::Ne),
    ("lt", BinaryOp::Lt),
    ("le", BinaryOp::Le),
    ("gt", BinaryOp::Gt),
    ("ge", BinaryOp::Ge),
    ("div", BinaryOp::Div),
    ("mod", BinaryOp::Mod),
];

fn binary_punct(text: &str) -> Option<BinaryOp> {
    Some(match text {
        "||" => BinaryOp::Or,
        "&&" => BinaryOp::And,
        "|" => BinaryOp::BitOr,
        "^" => BinaryOp::BitXor,
        "&" => BinaryOp::BitAnd,
        "==" => BinaryOp::Eq,
        "!=" => BinaryOp::Ne,
        "=~" => BinaryOp::Match,
        "!~" => BinaryOp::NotMatch,
        "<" => BinaryOp::Lt,
        "<=" => BinaryOp::Le,
        ">" => BinaryOp::Gt,
        ">=" => BinaryOp::Ge,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        "%" => BinaryOp::Mod,
        _ => return None,
    })
}

/// JEXL precedence, loosest first.
fn precedence(op: BinaryOp) -> u8 {
    use BinaryOp::*;
    match op {
        Or => 1,
        And => 2,
        BitOr => 3,
        BitXor => 4,
        BitAnd => 5,
        Eq | Ne | Match | NotMatch => 6,
        Lt | Le | Gt | Ge => 7,
        Add | Sub => 8,
        Mul | Div | Mod => 9,
    }
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo;
/// a candidate that `word` extends (`dataset_id` for `dataset`) counts as close.
pub(crate) fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, c)| {
            let extends = c.len() >= 4 && (word.starts_with(c) || c.starts_with(word) && word.len() >= 4);
            (d <= 2.max(c.len() / 3) && d < c.len().max(word.len())) || extends
        })
        .min()
        .map(|(_, c)| c)
}

fn list(words: &[&str]) -> String {
    words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
}

impl<'s> Parser<'s> {
    pub(crate) fn new(src: &'s str, tokens: Vec<Token>, diagnostics: Vec<Diagnostic>) -> Self {
        let errors = diagnostics.len();
        Parser { src, tokens, pos: 0, brackets: 0, depth: 0, diagnostics, errors }
    }

    // ---- token helpers ----

    fn text(&self, t: Token) -> &'s str {
        &self.src[t.span.start..t.span.end]
    }

    fn peek_raw(&self) -> Option<Token> {
        self.tokens.get(self.pos).copied()
    }

    /// The next token, skipping newlines inside expression brackets.
    fn peek(&mut self) -> Option<Token> {
        if self.brackets > 0 {
            while self.peek_raw().is_some_and(|t| t.kind == TokenKind::Newline) {
                self.pos += 1;
            }
        }
        self.peek_raw()
    }

    fn peek_nth(&self, n: usize) -> Option<Token> {
        self.tokens.get(self.pos + n).copied()
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens[self.pos];
        self.pos += 1;
        t
    }

    fn is_punct(&mut self, p: &str) -> bool {
        self.peek().is_some_and(|t| t.kind == TokenKind::Punct && self.text(t) == p)
    }

    fn eat_punct(&mut self, p: &str) -> Option<Span> {
        if self.is_punct(p) { Some(self.bump().span) } else { None }
    }

    fn is_word(&mut self, w: &str) -> bool {
        self.peek().is_some_and(|t| t.kind == TokenKind::Ident && self.text(t) == w)
    }

    fn skip_newlines(&mut self) {
        while self.peek_raw().is_some_and(|t| t.kind == TokenKind::Newline) {
            self.pos += 1;
        }
    }

    fn at_line_end(&mut self) -> bool {
        match self.peek() {
            None => true,
            Some(t) => t.kind == TokenKind::Newline || (t.kind == TokenKind::Punct && self.text(t) == "}"),
        }
    }

    fn eof_span(&self) -> Span {
        Span::empty(self.src.len())
    }

    fn here(&mut self) -> Span {
        self.peek().map_or(self.eof_span(), |t| t.span)
    }

    fn describe(&mut self) -> String {
        match self.peek() {
            None => "the end of the file".into(),
            Some(t) if t.kind == TokenKind::Newline => "the end of the line".into(),
            Some(t) => {
                let text = self.text(t);
                let short: String = text.chars().take(24).collect();
                let ellipsis = if short.len() < text.len() { "…" } else { "" };
                format!("`{short}{ellipsis}`")
            }
        }
    }

    fn report(&mut self, d: Diagnostic) -> Reported {
        self.errors += 1;
        if self.errors <= MAX_ERRORS {
            self.diagnostics.push(if self.errors == MAX_ERRORS {
                d.with_note(format!("flowc stops after {MAX_ERRORS} syntax errors in one file"))
            } else {
                d
            });
        }
        Reported
    }

    fn expected(&mut self, what: &str) -> Reported {
        let d = self.unexpected(what);
        self.report(d)
    }

    /// "expected X, found Y" at the current token, to report with more said.
    fn unexpected(&mut self, what: &str) -> Diagnostic {
        let span = self.here();
        let found = self.describe();
        Diagnostic::new(Code::UnexpectedToken, span, format!("expected {what}, found {found}"))
            .with_label(format!("expected {what}"))
    }

    fn gave_up(&self) -> bool {
        self.errors >= MAX_ERRORS
    }

    /// Skips the rest of a broken item: to the end of its line, past any brackets it opened,
    /// leaving a `}` that closes the enclosing block in place. Iterative, so deep input is fine.
    /// Only braces carry the skip past a newline: an unclosed `(` must not swallow the
    /// entries on the lines after it.
    fn recover(&mut self) {
        let mut braces = 0usize;
        self.brackets = 0;
        while let Some(t) = self.peek_raw() {
            match (t.kind, self.text(t)) {
                (TokenKind::Newline, _) if braces == 0 => return,
                (TokenKind::Punct, "{") => braces += 1,
                (TokenKind::Punct, "}") if braces == 0 => return,
                (TokenKind::Punct, "}") => braces -= 1,
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// The end of the last non-newline token before token `index`.
    fn line_end_before(&self, index: usize) -> Span {
        let end = self.tokens[..index].iter().rev().find(|t| t.kind != TokenKind::Newline).map_or(0, |t| t.span.end);
        Span::empty(end)
    }

    fn enter(&mut self, span: Span) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.report(
                Diagnostic::new(Code::NestingTooDeep, span, format!("nesting deeper than {MAX_NESTING} levels"))
                    .with_label("the limit is reached here")
                    .with_help("split the expression, or flatten the nested declarations"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- file and blocks ----

    pub(crate) fn parse_file(&mut self) -> File {
        let mut file = File::default();
        while !self.gave_up() {
            self.skip_newlines();
            let Some(t) = self.peek_raw() else { break };
            let text = self.text(t);
            if t.kind == TokenKind::Ident
                && let Some(kind) = BlockKind::from_keyword(text)
            {
                if let Some(block) = self.block(kind) {
                    if let Some(first) = file.blocks.iter().find(|b| b.kind == kind) {
                        let first = first.keyword;
                        self.report(
                            Diagnostic::new(Code::DuplicateBlock, block.keyword, format!("duplicate `{text}` block"))
                                .with_label("second `".to_string() + text + "` block")
                                .with_secondary(first, "first defined here")
                                .with_help(format!("a file has at most one `{text}` block: merge the two")),
                        );
                    } else {
                        file.blocks.push(block);
                    }
                }
                continue;
            }
            if t.kind == TokenKind::Punct && matches!(text, "}" | ")" | "]") {
                self.report(
                    Diagnostic::new(Code::UnmatchedDelimiter, t.span, format!("unmatched `{text}`"))
                        .with_label("nothing to close here"),
                );
                self.pos += 1;
                continue;
            }
            if t.kind == TokenKind::Ident {
                let words: Vec<&str> = BlockKind::ALL.iter().map(|k| k.keyword()).collect();
                let mut d = Diagnostic::new(Code::UnknownBlock, t.span, format!("unknown block `{text}`"))
                    .with_label("not a block name")
                    .with_note(format!("the blocks are {}", list(&words)));
                if let Some(near) = nearest(text, words.iter().copied()) {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                self.report(d);
            } else if t.kind != TokenKind::Error {
                self.expected("a block such as `flow {` or `mapping {`");
            }
            self.pos += 1;
            self.recover();
        }
        if file.blocks.is_empty() && self.errors == 0 {
            let span = Span::new(0, self.src.len());
            self.report(
                Diagnostic::new(Code::EmptyFile, span, "the file holds no block")
                    .with_label("nothing to read here")
                    .with_help(
                        "a flow file has at least a `mapping { ... }` block; run `flowc example` for a complete one",
                    ),
            );
        }
        file
    }

    fn block(&mut self, kind: BlockKind) -> Option<Block> {
        let keyword = self.bump().span;
        let braced = self.is_punct("{");
        let open = if braced {
            self.bump().span
        } else {
            let missing = Span::empty(keyword.end);
            let found = self.describe();
            let at_line_end = self.at_line_end();
            let at = if at_line_end { missing } else { self.here() };
            self.report(
                Diagnostic::new(
                    Code::UnexpectedToken,
                    at,
                    format!("expected `{{` after `{}`, found {found}", kind.keyword()),
                )
                .with_label("expected `{`")
                .with_help(format!("a block is written `{} {{ ... }}`", kind.keyword())),
            );
            if !at_line_end {
                self.recover();
                return None;
            }
            // Read the lines below as the block's body, so one missing brace is one error.
            missing
        };
        let mut items = Vec::new();
        let end = loop {
            if self.gave_up() {
                break self.eof_span();
            }
            self.skip_newlines();
            let Some(t) = self.peek_raw() else {
                break if braced { self.unclosed_block(kind, open) } else { self.eof_span() };
            };
            if t.kind == TokenKind::Punct && self.text(t) == "}" {
                break self.bump().span;
            }
            // A block keyword followed by `{` starts the next block: this one was never closed.
            if t.kind == TokenKind::Ident
                && BlockKind::from_keyword(self.text(t)).is_some()
                && self.peek_nth(1).is_some_and(|n| n.kind == TokenKind::Punct && self.text(n) == "{")
            {
                break if braced { self.unclosed_block(kind, open) } else { Span::empty(t.span.start) };
            }
            match self.item(kind, &items) {
                Ok(item) => {
                    items.push(item);
                    self.end_of_item();
                }
                Err(Reported) => self.recover(),
            }
        };
        Some(Block { kind, keyword, span: keyword.to(end), items })
    }

    fn unclosed_block(&mut self, kind: BlockKind, open: Span) -> Span {
        let at = self.here();
        self.report(
            Diagnostic::new(Code::UnclosedDelimiter, open, format!("unclosed `{{` of the `{}` block", kind.keyword()))
                .with_label("opened here")
                .with_secondary(Span::empty(at.start), "expected `}` before this point")
                .with_help("add the closing `}`"),
        );
        Span::empty(at.start)
    }

    fn end_of_item(&mut self) {
        if self.at_line_end() {
            return;
        }
        let t = self.peek().expect("not at end");
        let text = self.text(t);
        if t.kind == TokenKind::Punct && matches!(text, ")" | "]") {
            self.report(
                Diagnostic::new(Code::UnmatchedDelimiter, t.span, format!("unmatched `{text}`"))
                    .with_label("nothing to close here"),
            );
        } else if t.kind != TokenKind::Error {
            self.expected("the end of the line");
        }
        self.recover();
    }

    fn item(&mut self, kind: BlockKind, items: &[Item]) -> PResult<Item> {
        match kind {
            BlockKind::Mapping => self.entry().map(Item::Entry),
            BlockKind::Source if self.is_word("columns") => self.columns(items).map(Item::Columns),
            _ => self.setting(kind, items).map(Item::Setting),
        }
    }

    // ---- settings ----

    fn setting(&mut self, kind: BlockKind, items: &[Item]) -> PResult<Setting> {
        let Some(t) = self.peek().filter(|t| t.kind == TokenKind::Ident) else {
            return Err(self.expected("a setting name"));
        };
        let key = self.text(t).to_owned();
        self.bump();
        let key = Spanned { value: key, span: t.span };
        let spec = keys::keys(kind);
        if let Some(specs) = spec
            && !specs.iter().any(|s| s.key == key.value)
        {
            let mut valid: Vec<&str> = specs.iter().map(|s| s.key).collect();
            if kind == BlockKind::Source {
                valid.push("columns");
            }
            let mut d = Diagnostic::new(
                Code::UnknownKey,
                key.span,
                format!("unknown setting `{}` in the `{}` block", key.value, kind.keyword()),
            )
            .with_label("not a setting of this block")
            .with_note(format!("valid settings: {}", list(&valid)));
            if let Some(near) = nearest(&key.value, valid.iter().copied()) {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            return Err(self.report(d));
        }
        if self.eat_punct("=").is_none() {
            return Err(self.expected(&format!("`=` after `{}`", key.value)));
        }
        let value = self.value()?;
        if let Some(shape) = spec.and_then(|s| s.iter().find(|s| s.key == key.value)).map(|s| s.shape) {
            self.check_shape(&key, &value, shape)?;
        }
        let previous = items.iter().find_map(|i| match i {
            Item::Setting(s) if s.key.value == key.value => Some(s.key.span),
            _ => None,
        });
        if let Some(first) = previous {
            self.report(
                Diagnostic::new(Code::DuplicateKey, key.span, format!("`{}` is set twice", key.value))
                    .with_label("set again here")
                    .with_secondary(first, "first set here")
                    .with_help("keep one of the two"),
            );
        }
        let span = key.span.to(value.span);
        Ok(Setting { key, value, span })
    }

    fn check_shape(&mut self, key: &Spanned<String>, value: &Value, shape: Shape) -> PResult<()> {
        let ok = match (shape, &value.kind) {
            (Shape::Text, ValueKind::String(_)) => true,
            (Shape::Name, ValueKind::String(_) | ValueKind::Word(_)) => true,
            (Shape::OneOf(words), ValueKind::String(s) | ValueKind::Word(s)) => {
                if words.contains(&s.as_str()) {
                    true
                } else {
                    let mut d =
                        Diagnostic::new(Code::InvalidValue, value.span, format!("`{}` cannot be `{s}`", key.value))
                            .with_label("not one of the accepted values")
                            .with_note(format!("`{}` is one of {}", key.value, list(words)));
                    if let Some(near) = nearest(s, words.iter().copied()) {
                        d = d.with_help(format!("did you mean `{near}`?"));
                    }
                    return Err(self.report(d));
                }
            }
            (Shape::TextList, ValueKind::Array(items)) => items.iter().all(|i| matches!(i.kind, ValueKind::String(_))),
            _ => false,
        };
        if ok {
            return Ok(());
        }
        let wanted = match shape {
            Shape::Text => "a quoted string",
            Shape::Name => "a name or a quoted string",
            Shape::OneOf(_) => "a word",
            Shape::TextList => "an array of quoted strings",
        };
        let help = match (&value.kind, shape) {
            (ValueKind::Word(w), Shape::Text) => format!("quote it: `{} = \"{w}\"`", key.value),
            (ValueKind::Number(n), Shape::Text) => format!("quote it: `{} = \"{n}\"`", key.value),
            (ValueKind::String(s), Shape::TextList) => format!("write a list: `{} = [\"{s}\"]`", key.value),
            _ => format!("write `{}` as {wanted}", key.value),
        };
        Err(self.report(
            Diagnostic::new(
                Code::InvalidValue,
                value.span,
                format!("`{}` takes {wanted}, not {}", key.value, value.kind.describe()),
            )
            .with_label(format!("this is {}", value.kind.describe()))
            .with_help(help),
        ))
    }

    /// A word; `date-time` and other hyphenated words are one word when written without spaces.
    fn word(&mut self) -> Option<Spanned<String>> {
        let first = self.peek().filter(|t| t.kind == TokenKind::Ident)?;
        self.bump();
        let mut span = first.span;
        while let (Some(dash), Some(next)) = (self.peek_raw(), self.peek_nth(1)) {
            let joined = dash.span.start == span.end
                && self.text(dash) == "-"
                && next.span.start == dash.span.end
                && matches!(next.kind, TokenKind::Ident | TokenKind::Number);
            if !joined {
                break;
            }
            self.pos += 2;
            span = span.to(next.span);
        }
        Some(Spanned { value: self.src[span.start..span.end].to_owned(), span })
    }

    fn value(&mut self) -> PResult<Value> {
        let Some(t) = self.peek() else {
            return Err(self.expected("a value"));
        };
        let text = self.text(t);
        let kind = match t.kind {
            TokenKind::String => ValueKind::String(unescape_string(text)),
            TokenKind::Number => ValueKind::Number(text.to_owned()),
            TokenKind::Ident => match text {
                "true" => ValueKind::Bool(true),
                "false" => ValueKind::Bool(false),
                "null" => ValueKind::Null,
                _ => {
                    let word = self.word().expect("an identifier");
                    return Ok(Value { kind: ValueKind::Word(word.value), span: word.span });
                }
            },
            TokenKind::Punct if text == "-" && self.peek_nth(1).is_some_and(|n| n.kind == TokenKind::Number) => {
                self.bump();
                let number = self.bump();
                let span = t.span.to(number.span);
                return Ok(Value { kind: ValueKind::Number(self.src[span.start..span.end].to_owned()), span });
            }
            TokenKind::Punct if text == "[" => return self.array_value(),
            TokenKind::Error => {
                self.bump();
                return Err(Reported);
            }
            _ => return Err(self.expected("a value (a string, number, `true`, `false`, `null`, a word or `[...]`)")),
        };
        self.bump();
        Ok(Value { kind, span: t.span })
    }

    fn array_value(&mut self) -> PResult<Value> {
        let open = self.bump().span;
        self.enter(open)?;
        self.brackets += 1;
        let result = self.comma_list("]", open, Self::value);
        self.brackets -= 1;
        self.leave();
        let (items, close) = result?;
        Ok(Value { kind: ValueKind::Array(items), span: open.to(close) })
    }

    /// `item, item, ...` up to `close` (a trailing comma is fine); returns the close span.
    fn comma_list<T>(
        &mut self,
        close: &str,
        open: Span,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<(Vec<T>, Span)> {
        let mut items = Vec::new();
        loop {
            if let Some(end) = self.eat_punct(close) {
                return Ok((items, end));
            }
            items.push(item(self)?);
            if let Some(end) = self.eat_punct(close) {
                return Ok((items, end));
            }
            if self.eat_punct(",").is_none() {
                return Err(self.unclosed(open, close));
            }
        }
    }

    fn unclosed(&mut self, open: Span, close: &str) -> Reported {
        let opener = &self.src[open.start..open.end];
        let at = self.here();
        let found = self.describe();
        // A newline before the unexpected token means the line ended with the bracket open.
        let after_newline = self.pos > 0 && self.tokens[self.pos - 1].kind == TokenKind::Newline;
        if after_newline || self.peek().is_none_or(|t| t.kind == TokenKind::Newline || self.text(t) == "}") {
            let at = if after_newline { self.line_end_before(self.pos) } else { at };
            let found = if after_newline { "the end of the line".to_owned() } else { found };
            if after_newline {
                // Leave the next line to be read as the next item.
                self.pos -= 1;
            }
            self.report(
                Diagnostic::new(Code::UnclosedDelimiter, open, format!("unclosed `{opener}`"))
                    .with_label("opened here")
                    .with_secondary(Span::empty(at.start), format!("expected `{close}` or `,` before {found}"))
                    .with_help(format!("add the closing `{close}`")),
            )
        } else {
            self.report(
                Diagnostic::new(Code::UnexpectedToken, at, format!("expected `,` or `{close}`, found {found}"))
                    .with_label(format!("expected `,` or `{close}`"))
                    .with_secondary(open, format!("`{opener}` opened here")),
            )
        }
    }

    // ---- columns ----

    fn columns(&mut self, items: &[Item]) -> PResult<Columns> {
        let keyword = self.bump().span;
        if let Some(first) = items.iter().find(|i| matches!(i, Item::Columns(_))) {
            let first = first.span();
            self.report(
                Diagnostic::new(Code::DuplicateKey, keyword, "`columns` is declared twice")
                    .with_label("declared again here")
                    .with_secondary(Span::new(first.start, first.start + "columns".len()), "first declared here")
                    .with_help("declare all columns in one `columns` list"),
            );
        }
        if self.is_word("from") {
            self.bump();
            let Some(t) = self.peek().filter(|t| t.kind == TokenKind::String) else {
                return Err(self.expected("a quoted file path after `columns from`"));
            };
            self.bump();
            let path = Spanned { value: unescape_string(self.text(t)), span: t.span };
            return Ok(Columns::From { span: keyword.to(t.span), path });
        }
        let Some(open) = self.eat_punct("{") else {
            return Err(self.expected("`{` or `from \"file.json\"` after `columns`"));
        };
        let (columns, close) = self.column_list(open)?;
        Ok(Columns::Inline { span: keyword.to(close), columns })
    }

    /// Columns up to the `}` that matches `open`. A broken column is skipped, not the list.
    fn column_list(&mut self, open: Span) -> PResult<(Vec<Column>, Span)> {
        self.enter(open)?;
        let mut columns: Vec<Column> = Vec::new();
        // By name, to find a repeated one without comparing every pair (sources have
        // thousands of columns).
        let mut seen: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
        let close = loop {
            self.skip_newlines();
            if self.gave_up() {
                break self.eof_span();
            }
            let Some(t) = self.peek_raw() else {
                self.leave();
                return Err(self.report(
                    Diagnostic::new(Code::UnclosedDelimiter, open, "unclosed `{` of a column list")
                        .with_label("opened here")
                        .with_help("add the closing `}`"),
                ));
            };
            if t.kind == TokenKind::Punct && self.text(t) == "}" {
                break self.bump().span;
            }
            match self.column() {
                Ok(column) => {
                    if let Some(&first) = seen.get(&column.name.value) {
                        self.report(
                            Diagnostic::new(
                                Code::DuplicateKey,
                                column.name.span,
                                format!("column `{}` is declared twice", column.name.value),
                            )
                            .with_label("declared again here")
                            .with_secondary(first, "first declared here"),
                        );
                    }
                    seen.entry(column.name.value.clone()).or_insert(column.name.span);
                    columns.push(column);
                    self.end_of_item();
                }
                Err(Reported) => {
                    if self.depth > MAX_NESTING {
                        self.leave();
                        return Err(Reported);
                    }
                    self.recover()
                }
            }
        };
        self.leave();
        Ok((columns, close))
    }

    fn column(&mut self) -> PResult<Column> {
        let Some(t) =
            self.peek().filter(|t| matches!(t.kind, TokenKind::Ident | TokenKind::String | TokenKind::QuotedName))
        else {
            return Err(self.expected("a column name"));
        };
        self.bump();
        let raw = self.text(t);
        let value = if t.kind == TokenKind::String { unescape_string(raw) } else { unescape_name(raw) };
        let name = Spanned { value, span: t.span };
        if self.eat_punct(":").is_none() {
            return Err(self.expected(&format!("`:` and a type after column `{}`", name.value)));
        }
        let Some(source_type) = self.word() else {
            return Err(self.expected("a source type such as `string`, `integer` or `object`"));
        };
        let mut span = name.span.to(source_type.span);
        let mut is_array = false;
        if self.is_punct("[") && self.peek_nth(1).is_some_and(|n| self.text(n) == "]") {
            self.bump();
            span = span.to(self.bump().span);
            is_array = true;
        }
        let mut xdm_type = None;
        if self.is_word("as") {
            self.bump();
            let Some(word) = self.word() else {
                return Err(self.expected("an XDM type after `as`, such as `date-time`"));
            };
            span = span.to(word.span);
            xdm_type = Some(word);
        }
        let mut format = None;
        if self.is_word("format") {
            self.bump();
            let Some(t) = self.peek().filter(|t| t.kind == TokenKind::String) else {
                return Err(self.expected("a quoted pattern after `format`"));
            };
            self.bump();
            span = span.to(t.span);
            format = Some(Spanned { value: unescape_string(self.text(t)), span: t.span });
        }
        let mut children = Vec::new();
        if let Some(open) = self.eat_punct("{") {
            let (list, close) = self.column_list(open)?;
            children = list;
            span = span.to(close);
        }
        Ok(Column { name, source_type, is_array, xdm_type, format, children, span })
    }

    // ---- mapping entries ----

    fn entry(&mut self) -> PResult<Entry> {
        let mut attributes: Vec<Attribute> = Vec::new();
        while self.is_punct("@") {
            let attribute = self.attribute()?;
            if let Some(first) = attributes.iter().find(|a| a.name.value == attribute.name.value) {
                let first = first.name.span;
                self.report(
                    Diagnostic::new(
                        Code::UnknownAttribute,
                        attribute.name.span,
                        format!("`@{}` is given twice for one entry", attribute.name.value),
                    )
                    .with_label("given again here")
                    .with_secondary(first, "first given here"),
                );
            }
            attributes.push(attribute);
            self.skip_newlines();
        }
        let destination = self.destination()?;
        if self.eat_punct("=").is_none() {
            let what = format!("`=` after the destination `{}`", destination.display());
            let d = self.unexpected(&what);
            // The rest of the line is most likely the expression the `=` was meant for.
            let rest = self.src[d.primary_span().start..].lines().next().unwrap_or_default().trim();
            let starts_expression = rest.starts_with(|c: char| c.is_alphanumeric() || "$_\"'([-!".contains(c));
            let plausible = starts_expression && !rest.contains('=') && rest.chars().count() <= 60;
            let rest = if plausible { rest } else { "<expression>" };
            let help = format!("an entry is `destination = expression`: `{} = {rest}`", destination.display());
            return Err(self.report(d.with_help(help)));
        }
        if self.at_line_end() {
            return Err(self.expected("an expression after `=`"));
        }
        let expr = self.expr()?;
        let start = attributes.first().map_or(destination.span, |a| a.span);
        Ok(Entry { span: start.to(expr.span), attributes, destination, expr })
    }

    fn attribute(&mut self) -> PResult<Attribute> {
        let at = self.bump().span;
        let Some(t) = self.peek_raw().filter(|t| t.kind == TokenKind::Ident && t.span.start == at.end) else {
            return Err(self.expected("an attribute name after `@`, such as `@identity`"));
        };
        self.bump();
        let name = Spanned { value: self.text(t).to_owned(), span: t.span };
        let mut args = Vec::new();
        let mut span = at.to(name.span);
        if let Some(open) = self.eat_punct("(") {
            self.brackets += 1;
            let result = self.comma_list(")", open, Self::attribute_arg);
            self.brackets -= 1;
            let (list, close) = result?;
            args = list;
            span = span.to(close);
        }
        let attribute = Attribute { name, args, span };
        self.check_attribute(&attribute)?;
        Ok(attribute)
    }

    fn attribute_arg(&mut self) -> PResult<AttributeArg> {
        let is_key = self.peek().is_some_and(|t| t.kind == TokenKind::Ident)
            && self.peek_nth(1).is_some_and(|n| matches!(self.text(n), "=" | "," | ")") && n.kind == TokenKind::Punct);
        if !is_key {
            let value = self.value()?;
            return Ok(AttributeArg { key: None, span: value.span, value: Some(value) });
        }
        let t = self.bump();
        let key = Spanned { value: self.text(t).to_owned(), span: t.span };
        if self.eat_punct("=").is_none() {
            return Ok(AttributeArg { span: key.span, key: Some(key), value: None });
        }
        let value = self.value()?;
        Ok(AttributeArg { span: key.span.to(value.span), key: Some(key), value: Some(value) })
    }

    fn check_attribute(&mut self, attribute: &Attribute) -> PResult<()> {
        const ATTRIBUTES: &[&str] = &["identity", "name", "description"];
        const IDENTITY_KEYS: &[&str] = &["namespace", "group", "primary"];
        let name = attribute.name.value.as_str();
        let bad = |span: Span, message: String, help: String| {
            Diagnostic::new(Code::UnknownAttribute, span, message).with_help(help)
        };
        let problem = match name {
            "identity" => attribute.args.iter().find_map(|arg| {
                let Some(key) = &arg.key else {
                    return Some(bad(
                        arg.span,
                        "`@identity` takes named arguments".into(),
                        "write `@identity(namespace = \"Email\", primary)`".into(),
                    ));
                };
                if !IDENTITY_KEYS.contains(&key.value.as_str()) {
                    let mut help = format!("`@identity` takes {}", list(IDENTITY_KEYS));
                    if let Some(near) = nearest(&key.value, IDENTITY_KEYS.iter().copied()) {
                        help = format!("did you mean `{near}`? {help}");
                    }
                    return Some(bad(key.span, format!("`@identity` has no argument `{}`", key.value), help));
                }
                let kind = arg.value.as_ref().map(|v| &v.kind);
                let fits = match key.value.as_str() {
                    "primary" => matches!(kind, None | Some(ValueKind::Bool(_))),
                    _ => matches!(kind, Some(ValueKind::String(_) | ValueKind::Word(_))),
                };
                (!fits).then(|| {
                    bad(
                        arg.span,
                        format!("`{}` of `@identity` has the wrong kind of value", key.value),
                        if key.value == "primary" {
                            "write `primary`, `primary = true` or `primary = false`".into()
                        } else {
                            format!("write `{} = \"...\"`", key.value)
                        },
                    )
                })
            }),
            "name" | "description" => {
                let ok = attribute.args.len() == 1
                    && attribute.args[0].key.is_none()
                    && matches!(attribute.args[0].value.as_ref().map(|v| &v.kind), Some(ValueKind::String(_)));
                (!ok).then(|| {
                    bad(
                        attribute.span,
                        format!("`@{name}` takes one quoted string"),
                        format!("write `@{name}(\"...\")`"),
                    )
                })
            }
            _ => {
                let mut help = format!("the attributes are {}", list(ATTRIBUTES));
                if let Some(near) = nearest(name, ATTRIBUTES.iter().copied()) {
                    help = format!("did you mean `@{near}`? {help}");
                }
                Some(bad(attribute.name.span, format!("unknown attribute `@{name}`"), help))
            }
        };
        match problem {
            Some(d) => Err(self.report(d)),
            None => Ok(()),
        }
    }

    fn destination(&mut self) -> PResult<Path> {
        let Some(t) = self.peek().filter(|t| matches!(t.kind, TokenKind::Ident | TokenKind::QuotedName)) else {
            return Err(self.expected("a destination path such as `person.name.firstName`"));
        };
        self.bump();
        let mut path = self.path_start(t);
        while self.path_step(&mut path, false)? {}
        Ok(path)
    }

    fn path_start(&self, t: Token) -> Path {
        let quoted = t.kind == TokenKind::QuotedName;
        let name = unescape_name(self.text(t));
        Path { segments: vec![Segment { kind: SegmentKind::Field { name, quoted }, span: t.span }], span: t.span }
    }

    /// Extends `path` by one `.name`, `[*]` or `[n]`; false when the next token is none of
    /// them. With `stop_before_call`, `.name(` is left for a method call.
    fn path_step(&mut self, path: &mut Path, stop_before_call: bool) -> PResult<bool> {
        if path.segments.len() >= MAX_PATH_SEGMENTS && (self.is_punct(".") || self.is_punct("[")) {
            let at = self.peek().map_or(path.span, |t| t.span);
            return Err(self.report(
                Diagnostic::new(
                    Code::NestingTooDeep,
                    at,
                    format!("the path has more than {MAX_PATH_SEGMENTS} segments"),
                )
                .with_label("the limit is reached here")
                .with_help("XDM fields are never nested this deep: check the path for a repeated or pasted part"),
            ));
        }
        if self.is_punct(".") {
            let name = self.peek_nth(1).filter(|n| matches!(n.kind, TokenKind::Ident | TokenKind::QuotedName));
            let Some(name) = name else {
                self.bump();
                return Err(self.expected("a field name after `.`"));
            };
            if stop_before_call && self.peek_nth(2).is_some_and(|n| n.kind == TokenKind::Punct && self.text(n) == "(") {
                return Ok(false);
            }
            self.pos += 2;
            let segment = self.path_start(name).segments.pop().expect("one segment");
            path.span = path.span.to(name.span);
            path.segments.push(segment);
            return Ok(true);
        }
        if self.is_punct("[") {
            let inner = self.peek_nth(1);
            let close = self.peek_nth(2).filter(|c| c.kind == TokenKind::Punct && self.text(*c) == "]");
            let kind = match (inner, close) {
                (Some(i), Some(_)) if i.kind == TokenKind::Punct && self.text(i) == "*" => SegmentKind::Each,
                (Some(i), Some(_)) if i.kind == TokenKind::Number => match self.text(i).parse::<u64>() {
                    Ok(n) => SegmentKind::Index(n),
                    Err(_) => {
                        self.pos += 1;
                        return Err(self.expected("`*` or a whole number between `[` and `]`"));
                    }
                },
                _ if stop_before_call => return Ok(false),
                _ => {
                    self.pos += 1;
                    return Err(self.expected("`*` or a whole number between `[` and `]`"));
                }
            };
            let open = self.bump().span;
            self.bump();
            let close = self.bump().span;
            path.span = path.span.to(close);
            path.segments.push(Segment { kind, span: open.to(close) });
            return Ok(true);
        }
        Ok(false)
    }

    // ---- expressions ----

    fn expr(&mut self) -> PResult<Expr> {
        let start = self.here();
        self.enter(start)?;
        let result = self.ternary();
        self.leave();
        result
    }

    fn ternary(&mut self) -> PResult<Expr> {
        let condition = self.binary(1)?;
        if self.eat_punct("?").is_none() {
            return Ok(condition);
        }
        let then = self.expr()?;
        if self.eat_punct(":").is_none() {
            return Err(self.expected("`:` and the `else` branch of `? :`"));
        }
        let otherwise = self.expr()?;
        let span = condition.span.to(otherwise.span);
        self.node(
            ExprKind::Ternary { condition: Box::new(condition), then: Box::new(then), otherwise: Box::new(otherwise) },
            span,
            span,
        )
    }

    fn peek_binary(&mut self) -> Option<(BinaryOp, Span)> {
        let t = self.peek()?;
        let text = self.text(t);
        let op = match t.kind {
            TokenKind::Punct => binary_punct(text)?,
            TokenKind::Ident => BINARY_WORDS.iter().find(|(w, _)| *w == text)?.1,
            _ => return None,
        };
        Some((op, t.span))
    }

    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        while let Some((op, span)) = self.peek_binary() {
            let prec = precedence(op);
            if prec < min {
                break;
            }
            self.bump();
            if self.at_line_end() && self.brackets == 0 {
                return Err(self.expected(&format!("an operand after `{}`", &self.src[span.start..span.end])));
            }
            let rhs = self.binary(prec + 1)?;
            let whole = lhs.span.to(rhs.span);
            lhs = self.node(
                ExprKind::Binary { op: Spanned { value: op, span }, lhs: Box::new(lhs), rhs: Box::new(rhs) },
                whole,
                span,
            )?;
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let Some(t) = self.peek() else {
            return Err(self.expected("an expression"));
        };
        let op = match (t.kind, self.text(t)) {
            (TokenKind::Punct, "!") | (TokenKind::Ident, "not") => UnaryOp::Not,
            (TokenKind::Punct, "-") => UnaryOp::Neg,
            (TokenKind::Punct, "+") => UnaryOp::Plus,
            (TokenKind::Punct, "~") => UnaryOp::BitNot,
            _ => return self.postfix(),
        };
        self.bump();
        self.enter(t.span)?;
        let operand = self.unary();
        self.leave();
        let operand = operand?;
        let span = t.span.to(operand.span);
        self.node(ExprKind::Unary { op: Spanned { value: op, span: t.span }, operand: Box::new(operand) }, span, t.span)
    }

    fn args(&mut self) -> PResult<(Vec<Expr>, Span)> {
        let open = self.bump().span;
        self.brackets += 1;
        let result = self.comma_list(")", open, Self::expr);
        self.brackets -= 1;
        result
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut expr = self.primary()?;
        loop {
            if let ExprKind::Path(path) = &mut expr.kind
                && self.path_step(path, true)?
            {
                expr.span = path.span;
                continue;
            }
            if self.is_punct(".") {
                self.bump();
                let Some(t) = self.peek().filter(|t| matches!(t.kind, TokenKind::Ident | TokenKind::QuotedName)) else {
                    return Err(self.expected("a field or method name after `.`"));
                };
                self.bump();
                let name = Spanned { value: unescape_name(self.text(t)), span: t.span };
                if self.is_punct("(") {
                    let (args, close) = self.args()?;
                    let span = expr.span.to(close);
                    let at = name.span;
                    expr = self.node(ExprKind::Method { receiver: Box::new(expr), name, args }, span, at)?;
                } else {
                    let span = expr.span.to(name.span);
                    let at = name.span;
                    expr = self.node(ExprKind::Member { object: Box::new(expr), name }, span, at)?;
                }
                continue;
            }
            if self.is_punct("[") {
                let open = self.bump().span;
                self.brackets += 1;
                let index = self.expr();
                let close = index.as_ref().ok().and_then(|_| self.eat_punct("]"));
                self.brackets -= 1;
                let index = index?;
                let Some(close) = close else {
                    return Err(self.unclosed(open, "]"));
                };
                let span = expr.span.to(close);
                expr = self.node(ExprKind::Index { object: Box::new(expr), index: Box::new(index) }, span, open)?;
                continue;
            }
            return Ok(expr);
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        let Some(t) = self.peek() else {
            return Err(self.expected("an expression"));
        };
        let text = self.text(t);
        let kind = match t.kind {
            TokenKind::String => ExprKind::String(unescape_string(text)),
            TokenKind::Number => ExprKind::Number(text.to_owned()),
            TokenKind::Ident if text == "true" => ExprKind::Bool(true),
            TokenKind::Ident if text == "false" => ExprKind::Bool(false),
            TokenKind::Ident if text == "null" => ExprKind::Null,
            TokenKind::Ident if self.peek_nth(1).is_some_and(|n| n.kind == TokenKind::Punct && self.text(n) == "(") => {
                self.bump();
                let name = Spanned { value: text.to_owned(), span: t.span };
                let (args, close) = self.args()?;
                return self.node(ExprKind::Call { name, args }, t.span.to(close), t.span);
            }
            TokenKind::Ident | TokenKind::QuotedName => ExprKind::Path(self.path_start(t)),
            TokenKind::Punct if text == "(" => {
                self.bump();
                self.brackets += 1;
                let inner = self.expr();
                let close = inner.as_ref().ok().and_then(|_| self.eat_punct(")"));
                self.brackets -= 1;
                let inner = inner?;
                let Some(close) = close else {
                    return Err(self.unclosed(t.span, ")"));
                };
                return self.node(ExprKind::Paren(Box::new(inner)), t.span.to(close), t.span);
            }
            TokenKind::Punct if text == "[" => {
                self.bump();
                self.enter(t.span)?;
                self.brackets += 1;
                let result = self.comma_list("]", t.span, Self::expr);
                self.brackets -= 1;
                self.leave();
                let (items, close) = result?;
                return self.node(ExprKind::Array(items), t.span.to(close), t.span);
            }
            TokenKind::Punct if matches!(text, ")" | "]") => {
                return Err(self.report(
                    Diagnostic::new(Code::UnmatchedDelimiter, t.span, format!("unmatched `{text}`"))
                        .with_label("nothing to close here"),
                ));
            }
            TokenKind::Error => {
                self.bump();
                return Err(Reported);
            }
            _ => return Err(self.expected("an expression")),
        };
        self.bump();
        Ok(Expr::new(kind, t.span))
    }

    /// Builds a node, refusing a tree higher than [`MAX_EXPR_HEIGHT`] (reported at `at`, the
    /// operator or name that made it too high): later passes recurse over expressions, and
    /// a left-deep chain (`a + a + …`, `x.f().f()…`) needs no brackets to get deep.
    fn node(&mut self, kind: ExprKind, span: Span, at: Span) -> PResult<Expr> {
        let expr = Expr::new(kind, span);
        if expr.height as usize > MAX_EXPR_HEIGHT {
            return Err(self.report(
                Diagnostic::new(
                    Code::NestingTooDeep,
                    at,
                    format!("the expression is more than {MAX_EXPR_HEIGHT} operations deep"),
                )
                .with_label("the limit is reached here")
                .with_help(
                    "split the chain into several mappings, or use a function that takes a list (`concat(a, b, c)`)",
                ),
            ));
        }
        Ok(expr)
    }
}
