//! Checks of the small languages embedded in mappings and XDM schemas, as pure functions:
//!
//! - Java `DateTimeFormatter.ofPattern` patterns (`date`, `format`, `dformat`, the flow's
//!   `deltaColumn.dateFormat`): [`check_java_date_pattern`];
//! - Java regexes (`java.util.regex.Pattern`, used by `extract_regex` / `matches_regex`):
//!   [`check_java_regex`], [`compile_java_regex`];
//! - JSON Schema `format`s of XDM fields, for constants: [`check_format`];
//! - JSON Schema `pattern`s (ECMA-262 regexes), for constants: [`matches_json_schema_pattern`].
//!
//! Every function here is total: it never panics, whatever the input. Compiled regexes are
//! cached (bounded) so that a checker can call these functions many times with one pattern.
//!
//! Both Java checks judge as Java 17 does (`DateTimeFormatter.ofPattern`,
//! `Pattern.compile`): Java regexes by a parser that follows `java.util.regex.Pattern`'s own
//! rules (so Java-only errors such as a stray `{` are reported with their position), including
//! its look-behind length study (`java_study`) and its Unicode names (`java_unicode`, data
//! generated from the JVM), and translates the pattern into `fancy-regex` syntax with Java's
//! meaning (`\d` is ASCII, `\p{Alpha}` is POSIX, `\Q…\E` quotes, named groups become numbered
//! ones, …) for matching constants. A differential test against a real JVM keeps the two in
//! agreement; see `docs/java-patterns.md`.
//!
//! Known differences from Java, all about matching (`find`/`matches_fully`): `$` is the end of
//! the text (Java also matches before a final line break) and `.` excludes only `\n`; `(?i)`
//! folds Unicode case (Java folds ASCII unless `u` is set); `\X` and `\b{g}` are approximated;
//! a regex too big to build (more than 100,000 nodes with its counted repetitions written out,
//! or nested more than 64 levels) is judged by its syntax alone and cannot be matched.

mod date;
mod ecma;
mod formats;
mod java_regex;
mod java_study;
mod java_unicode;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use flowc_diag::Severity;

pub use date::{JAVA_DATE_PATTERN_LETTERS, check_java_date_pattern};
pub use ecma::matches_json_schema_pattern;
pub use formats::check_format;
pub use java_regex::{JavaRegex, check_java_regex, compile_java_regex};

/// One problem found in a pattern, with the byte range inside the pattern text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternProblem {
    pub start: usize,
    pub end: usize,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
}

impl PatternProblem {
    pub(super) fn new(severity: Severity, start: usize, end: usize, message: impl Into<String>) -> Self {
        PatternProblem { start, end: end.max(start), severity, message: message.into(), help: None }
    }

    pub(super) fn error(start: usize, end: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, start, end, message)
    }

    pub(super) fn warning(start: usize, end: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, start, end, message)
    }

    pub(super) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(super) fn with_opt_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Compiled-regex caches
// ---------------------------------------------------------------------------------------------

const CACHE_LIMIT: usize = 1024;

pub(super) type Cache<V> = OnceLock<Mutex<HashMap<String, V>>>;

pub(super) fn cached<V: Clone>(cache: &'static Cache<V>, key: &str, make: impl FnOnce() -> V) -> V {
    let map = cache.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(v) = map.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
        return v.clone();
    }
    let value = make();
    let mut guard = map.lock().unwrap_or_else(|e| e.into_inner());
    if guard.len() >= CACHE_LIMIT {
        guard.clear();
    }
    guard.insert(key.to_string(), value.clone());
    value
}

/// Build a regex under limits that keep any pattern to a few MB and a fraction of a second:
/// beyond them the engine answers with a size-limit error (see [`is_size_limit`]).
pub(super) fn build_regex(pattern: &str) -> Result<fancy_regex::Regex, fancy_regex::Error> {
    fancy_regex::RegexBuilder::new(pattern)
        .backtrack_limit(1_000_000)
        .delegate_size_limit(8 << 20)
        .delegate_dfa_size_limit(4 << 20)
        .max_prog_size(200_000)
        .build()
}

/// True when the engine refused a pattern only because it is too big for its limits (Java has
/// no such limits, so this says nothing about the pattern's validity).
pub(super) fn is_size_limit(e: &fancy_regex::Error) -> bool {
    match e {
        fancy_regex::Error::CompileError(ce) => match ce.as_ref() {
            fancy_regex::CompileError::InnerError(be) => be.size_limit().is_some(),
            fancy_regex::CompileError::PatternTooComplex => true,
            fancy_regex::CompileError::DfaBuildError(..) => true,
            _ => false,
        },
        fancy_regex::Error::ParseError(_, fancy_regex::ParseError::RecursionExceeded) => true,
        _ => false,
    }
}
