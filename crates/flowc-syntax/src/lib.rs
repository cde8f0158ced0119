//! The flowc language: a lexer and parser built on nom, an AST whose every node carries its
//! byte span, and the canonical formatter. See `grammar/flowc.ebnf` for the grammar.
//!
//! ```
//! let parsed = flowc_syntax::parse("mapping {\n  _id = Product_Id\n}\n");
//! assert!(parsed.diagnostics.is_empty());
//! assert_eq!(parsed.file.blocks.len(), 1);
//! ```

pub mod ast;
mod format;
pub mod keys;
mod lexer;
mod parser;
mod suppress;

pub use format::format;
pub use lexer::{unescape_name, unescape_string};
pub use parser::{MAX_ERRORS, MAX_EXPR_HEIGHT, MAX_NESTING, MAX_PATH_SEGMENTS};

use flowc_diag::{Code, Diagnostic, Span};

/// Files larger than this are refused: a flow file of 5,000 mappings is about 300 KiB.
pub const MAX_FILE_SIZE: usize = 8 * 1024 * 1024;

#[derive(Debug)]
pub struct Parsed {
    pub file: ast::File,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Errors that leave the tree incomplete. A malformed suppression (F001, F002) does not:
    /// the file is still checked, so each suppression stands on its own.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == flowc_diag::Severity::Error && d.code.phase() != flowc_diag::Phase::Meta)
    }
}

/// Parses a flow file's text.
pub fn parse(src: &str) -> Parsed {
    if src.len() > MAX_FILE_SIZE {
        let diagnostic = Diagnostic::new(
            Code::FileTooLarge,
            Span::empty(MAX_FILE_SIZE),
            format!("the file is {} bytes; flowc reads flow files of at most {MAX_FILE_SIZE} bytes", src.len()),
        )
        .with_label("the limit is passed here")
        .with_help("split the dataflow's mapping into several files, or check that this is a flow file");
        return Parsed { file: ast::File::default(), diagnostics: vec![diagnostic] };
    }
    let mut diagnostics = Vec::new();
    let mut tokens = lexer::lex(src, &mut diagnostics);
    let comments: Vec<Span> = tokens.iter().filter(|t| t.kind == lexer::TokenKind::Comment).map(|t| t.span).collect();
    let directives = suppress::directives(src, &tokens, &mut diagnostics);
    tokens.retain(|t| t.kind != lexer::TokenKind::Comment);
    let mut parser = parser::Parser::new(src, tokens, diagnostics);
    let mut file = parser.parse_file();
    file.comments = comments;
    file.suppressions = suppress::resolve(directives, &file);
    let mut diagnostics = parser.diagnostics;
    flowc_diag::sort(&mut diagnostics);
    Parsed { file, diagnostics }
}

/// Parses raw bytes: invalid UTF-8 is reported at its first bad byte. Returns the text to
/// show in diagnostics (lossy where the bytes are not UTF-8; offsets before the first bad
/// byte are unchanged).
pub fn parse_bytes(bytes: &[u8]) -> (String, Parsed) {
    match std::str::from_utf8(bytes) {
        Ok(src) => (src.to_owned(), parse(src)),
        Err(error) => {
            let at = error.valid_up_to();
            let bad = error.error_len().unwrap_or(bytes.len() - at);
            let shown: Vec<String> = bytes[at..at + bad].iter().map(|b| format!("0x{b:02X}")).collect();
            let diagnostic = Diagnostic::new(
                Code::InvalidUtf8,
                // In the lossy text shown to people, the bad bytes became one U+FFFD.
                Span::new(at, at + char::REPLACEMENT_CHARACTER.len_utf8()),
                format!("the file is not valid UTF-8: byte {} at offset {at} is not UTF-8", shown.join(" ")),
            )
            .with_label("invalid UTF-8 here")
            .with_help("save the file as UTF-8");
            (
                String::from_utf8_lossy(bytes).into_owned(),
                Parsed { file: ast::File::default(), diagnostics: vec![diagnostic] },
            )
        }
    }
}
