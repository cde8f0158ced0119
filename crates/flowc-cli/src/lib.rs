//! The flowc command line. The binary in `main.rs` parses arguments; what each command
//! does lives here so the tests can drive the same code.

pub mod inputs;
pub mod render;

use flowc_diag::Diagnostic;
use render::FileReport;

/// The example embedded in the binary (`flowc example`).
pub const EXAMPLE: &str = include_str!("../assets/payments.flow");
pub const EXAMPLE_NAME: &str = "payments.flow";

/// Everything flowc finds in one file's bytes.
pub fn check_source(name: &str, bytes: &[u8]) -> FileReport {
    let (text, parsed) = flowc_syntax::parse_bytes(bytes);
    let diagnostics: Vec<Diagnostic> = parsed.diagnostics;
    FileReport { name: name.to_owned(), text, diagnostics }
}
