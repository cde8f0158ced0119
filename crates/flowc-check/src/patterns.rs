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
//! Java regexes are checked by a small parser that follows `java.util.regex.Pattern`'s own
//! rules (so Java-only errors such as a stray `{` are reported with their position) and
//! translates the pattern into `fancy-regex` syntax with Java's meaning (`\d` is ASCII,
//! `\p{Alpha}` is POSIX, `\Q…\E` quotes, named groups become numbered ones, …); the translation
//! is then compiled by `fancy-regex` as a last check.
//!
//! Known differences from Java, all about matching (`find`/`matches_fully`) unless said:
//! `$` is the end of the text (Java also matches before a final line break) and `.` excludes
//! only `\n`; `(?i)` folds Unicode case (Java folds ASCII unless `u` is set); `\X`, `\b{g}` and
//! `\N{name}` are approximated and Unicode blocks (`\p{InGreek}`) are not checked; `(?U)`
//! leaves the POSIX classes ASCII; a pattern too big for the engine (`a{100000}`) is reported
//! valid and cannot be matched. In checking: a few script-name spellings Java rejects pass,
//! and a quantified zero-width group nested in a non-capturing group (`(?:(?=a))*`) is
//! reported although Java accepts it.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, Mutex, OnceLock};

use flowc_diag::Severity;

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
    fn new(severity: Severity, start: usize, end: usize, message: impl Into<String>) -> Self {
        PatternProblem { start, end: end.max(start), severity, message: message.into(), help: None }
    }

    fn error(start: usize, end: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, start, end, message)
    }

    fn warning(start: usize, end: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, start, end, message)
    }

    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn with_opt_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Java DateTimeFormatter patterns
// ---------------------------------------------------------------------------------------------

/// The pattern letters of `java.time.format.DateTimeFormatter`, as listed in error messages.
pub const JAVA_DATE_PATTERN_LETTERS: &str = "G u y D M L d Q q Y w W E e c F a B h K k H m s S A n N g V v z O X x Z p";

struct LetterRule {
    /// How many letters are allowed, in words.
    allowed: &'static str,
    ok: fn(usize) -> bool,
    /// The largest allowed count (for suggestions).
    max: usize,
}

fn date_letter_rule(c: char) -> Option<LetterRule> {
    let rule = |allowed: &'static str, ok: fn(usize) -> bool, max: usize| LetterRule { allowed, ok, max };
    Some(match c {
        'G' | 'M' | 'L' | 'Q' | 'q' | 'E' | 'e' | 'X' | 'x' | 'Z' => rule("1 to 5", |n| n <= 5, 5),
        'c' => rule("1, 3, 4 or 5", |n| n == 1 || (3..=5).contains(&n), 5),
        'y' | 'u' | 'Y' | 'A' | 'n' | 'N' | 'g' => rule("1 to 19", |n| n <= 19, 19),
        'D' => rule("1 to 3", |n| n <= 3, 3),
        'd' | 'h' | 'H' | 'k' | 'K' | 'm' | 's' | 'w' => rule("1 or 2", |n| n <= 2, 2),
        'W' | 'F' | 'a' => rule("only 1", |n| n == 1, 1),
        'S' => rule("1 to 9", |n| n <= 9, 9),
        'V' => rule("exactly 2", |n| n == 2, 2),
        'v' | 'O' => rule("1 or 4", |n| n == 1 || n == 4, 4),
        'z' => rule("1 to 4", |n| n <= 4, 4),
        'B' => rule("1, 4 or 5", |n| n == 1 || n == 4 || n == 5, 5),
        _ => return None,
    })
}

#[derive(Clone, Copy, Debug)]
struct DateField {
    letter: char,
    count: usize,
    start: usize,
    end: usize,
}

fn repeat_char(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

fn count_help(c: char, count: usize, rule: &LetterRule) -> String {
    match c {
        'd' => "'dd' is the day of the month; for the day-of-week name use 'EEE' (Mon) or 'EEEE' (Monday)".into(),
        'M' | 'L' => format!(
            "'{0}{0}' is the 2-digit month, '{0}{0}{0}' the short name (Nov), '{0}{0}{0}{0}' the full name (November)",
            c
        ),
        'E' => "'EEE' is the short day name (Mon), 'EEEE' the full one (Monday)".into(),
        'a' => "a single 'a' prints AM/PM".into(),
        'S' => "'SSS' is milliseconds, 'SSSSSS' microseconds, 'SSSSSSSSS' (at most 9) nanoseconds".into(),
        'c' => "'c' is the numeric day-of-week; 'ccc' to 'ccccc' are its names".into(),
        'V' => "'VV' is the time-zone id (Europe/Paris)".into(),
        'v' => "use 'v' (PT) or 'vvvv' (Pacific Time)".into(),
        'O' => "use 'O' (GMT+8) or 'OOOO' (GMT+08:00)".into(),
        'z' => "'z' is the short zone name (PST), 'zzzz' the full one (Pacific Standard Time)".into(),
        'B' => "use 'B', 'BBBB' or 'BBBBB'".into(),
        _ if count > rule.max => format!("use at most {} letters: '{}'", rule.max, repeat_char(c, rule.max)),
        _ => format!("'{}' takes {} letters", c, rule.allowed),
    }
}

/// A help for a letter that is not a pattern letter, when the intended one is obvious.
fn unknown_letter_help(c: char) -> Option<&'static str> {
    Some(match c {
        'T' => "to put a literal 'T' between the date and the time, quote it: yyyy-MM-dd'T'HH:mm:ss",
        'f' => "the fraction of the second is 'S' ('SSS' for milliseconds)",
        'b' => "the short month name is 'MMM' (Nov)",
        'I' => "the 12-hour clock hour is 'hh' (with 'a' for AM/PM)",
        'j' => "the day of the year is 'D' ('DDD')",
        'P' => "the AM/PM marker is 'a'",
        'i' => "the minute is 'mm'",
        'l' => "the hour is 'HH' (24-hour) or 'hh' (12-hour, with 'a')",
        'U' | 'C' | 'R' | 'J' | 'o' | 'r' | 't' => return None,
        _ => return None,
    })
}

/// Check a Java `DateTimeFormatter.ofPattern` pattern.
///
/// Errors are what Java rejects (unknown letters, too many letters, reserved `{` `}` `#`,
/// an unterminated quote, `]` without `[`, `p` padding with nothing to pad); warnings are the
/// classic mistakes that Java accepts but that almost never mean what was intended (`YYYY`,
/// `DD` with a month, `hh` without `a`, `mm` among date fields, `SS` used as seconds, `HH`
/// with `a`) and an optional section `[` that is never closed.
pub fn check_java_date_pattern(pattern: &str) -> Vec<PatternProblem> {
    let chars: Vec<(usize, char)> = pattern.char_indices().collect();
    let n = chars.len();
    let off = |i: usize| chars.get(i).map_or(pattern.len(), |&(o, _)| o);
    let mut problems = Vec::new();
    let mut fields: Vec<DateField> = Vec::new();
    let mut optional: Vec<usize> = Vec::new();
    // A pending sequence of runs of unknown letters: (first char index, end char index).
    let mut unknown: Option<(usize, usize)> = None;
    // Byte ranges of words taken for unquoted literal text ("at", "UTC"): their letters are
    // not fields for the warnings.
    let mut text_words: Vec<(usize, usize)> = Vec::new();

    let flush_unknown = |unknown: &mut Option<(usize, usize)>,
                         problems: &mut Vec<PatternProblem>,
                         text_words: &mut Vec<(usize, usize)>| {
        if let Some((a, b)) = unknown.take() {
            let (problem, word) = unknown_letters_problem(pattern, &chars, a, b);
            problems.push(problem);
            text_words.extend(word);
        }
    };

    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_ascii_alphabetic() {
            let mut j = i + 1;
            while j < n && chars[j].1 == c {
                j += 1;
            }
            let count = j - i;
            if c == 'p' {
                flush_unknown(&mut unknown, &mut problems, &mut text_words);
                if !(j < n && chars[j].1.is_ascii_alphabetic()) {
                    problems.push(
                        PatternProblem::error(
                            off(i),
                            off(j),
                            "pad letter 'p' must be followed by the pattern letters it pads",
                        )
                        .with_help("e.g. 'ppH' pads the hour to 2 characters with spaces"),
                    );
                }
                i = j;
                continue;
            }
            match date_letter_rule(c) {
                None => {
                    unknown = Some(match unknown {
                        Some((a, _)) => (a, j),
                        None => (i, j),
                    });
                }
                Some(rule) => {
                    flush_unknown(&mut unknown, &mut problems, &mut text_words);
                    if !(rule.ok)(count) {
                        let text = &pattern[off(i)..off(j)];
                        // Letters whose allowed counts have gaps say "wrong number", as Java does.
                        let gaps = matches!(c, 'V' | 'v' | 'O' | 'c' | 'B');
                        let message = if count > rule.max && !gaps {
                            format!("too many pattern letters: '{text}' ('{c}' takes {} letters)", rule.allowed)
                        } else {
                            format!("wrong number of pattern letters: '{text}' ('{c}' takes {} letters)", rule.allowed)
                        };
                        problems.push(
                            PatternProblem::error(off(i), off(j), message).with_help(count_help(c, count, &rule)),
                        );
                    }
                    fields.push(DateField { letter: c, count, start: off(i), end: off(j) });
                }
            }
            i = j;
            continue;
        }
        flush_unknown(&mut unknown, &mut problems, &mut text_words);
        match c {
            '\'' => {
                let mut j = i + 1;
                let mut closed = false;
                while j < n {
                    if chars[j].1 == '\'' {
                        if j + 1 < n && chars[j + 1].1 == '\'' {
                            j += 2;
                            continue;
                        }
                        closed = true;
                        break;
                    }
                    j += 1;
                }
                if !closed {
                    problems.push(
                        PatternProblem::error(
                            off(i),
                            pattern.len(),
                            "unterminated quoted text: this quote is never closed",
                        )
                        .with_help("close the literal text with ' (write '' for a single quote character)"),
                    );
                    break;
                }
                i = j + 1;
                continue;
            }
            '[' => optional.push(off(i)),
            ']' if optional.pop().is_none() => {
                problems.push(
                    PatternProblem::error(
                        off(i),
                        off(i + 1),
                        "']' closes an optional section that was never opened with '['",
                    )
                    .with_help("quote it to print a bracket: ']'"),
                );
            }
            '{' | '}' | '#' => {
                problems.push(
                    PatternProblem::error(
                        off(i),
                        off(i + 1),
                        format!("'{c}' is a reserved character in date patterns"),
                    )
                    .with_help(format!("quote it to print it literally: '{c}'")),
                );
            }
            _ => {}
        }
        i += 1;
    }
    flush_unknown(&mut unknown, &mut problems, &mut text_words);
    for start in optional {
        problems.push(
            PatternProblem::warning(
                start,
                start + 1,
                "optional section '[' is never closed (Java closes it at the end of the pattern)",
            )
            .with_help("add ']' where the optional part ends"),
        );
    }
    fields.retain(|f| !text_words.iter().any(|&(a, b)| a <= f.start && f.end <= b));
    date_pattern_warnings(&fields, &mut problems);
    problems.sort_by_key(|p| (p.start, p.end));
    problems
}

/// The problem for a sequence of unknown letters, and the byte range of the word around it
/// when that word is most likely unquoted literal text.
fn unknown_letters_problem(
    pattern: &str,
    chars: &[(usize, char)],
    a: usize,
    b: usize,
) -> (PatternProblem, Option<(usize, usize)>) {
    let off = |i: usize| chars.get(i).map_or(pattern.len(), |&(o, _)| o);
    let text = &pattern[off(a)..off(b)];
    let mut distinct: Vec<char> = Vec::new();
    for &(_, c) in &chars[a..b] {
        if !distinct.contains(&c) {
            distinct.push(c);
        }
    }
    let message = if distinct.len() == 1 {
        format!("'{}' is not a pattern letter (pattern letters: {JAVA_DATE_PATTERN_LETTERS})", distinct[0])
    } else {
        let list: Vec<String> = distinct.iter().map(|c| format!("'{c}'")).collect();
        format!("'{text}': {} are not pattern letters (pattern letters: {JAVA_DATE_PATTERN_LETTERS})", list.join(", "))
    };
    // The whole word of letters around the unknown ones: when it is made of single letters
    // ("at", "UTC", "on") it is most likely literal text that should be quoted.
    let mut wa = a;
    while wa > 0 && chars[wa - 1].1.is_ascii_alphabetic() {
        wa -= 1;
    }
    let mut wb = b;
    while wb < chars.len() && chars[wb].1.is_ascii_alphabetic() {
        wb += 1;
    }
    let word_is_text = wb - wa >= 2
        && (wa..wb).all(|k| {
            let c = chars[k].1;
            (k == wa || chars[k - 1].1 != c) && (k + 1 == wb || chars[k + 1].1 != c)
        });
    let help = if word_is_text {
        let word = &pattern[off(wa)..off(wb)];
        format!("letters are reserved for pattern letters; quote literal text: '{word}'")
    } else if let (1, Some(h)) = (distinct.len(), unknown_letter_help(distinct[0])) {
        h.to_string()
    } else {
        format!("letters are reserved for pattern letters; quote literal text: '{text}'")
    };
    let word = word_is_text.then(|| (off(wa), off(wb)));
    (PatternProblem::error(off(a), off(b), message).with_help(help), word)
}

fn date_pattern_warnings(fields: &[DateField], problems: &mut Vec<PatternProblem>) {
    let has = |letters: &[char]| fields.iter().any(|f| letters.contains(&f.letter));
    let has_ampm = has(&['a', 'B']);
    let has_week = has(&['w']);
    let has_month = has(&['M', 'L']);
    let has_seconds = has(&['s']);
    let has_12h = has(&['h', 'K']);
    const HOURS: [char; 4] = ['H', 'h', 'K', 'k'];
    const DATE_PARTS: [char; 5] = ['y', 'u', 'Y', 'd', 'D'];

    for (idx, f) in fields.iter().enumerate() {
        let text = repeat_char(f.letter, f.count);
        let prev = idx.checked_sub(1).map(|k| fields[k]);
        let next = fields.get(idx + 1).copied();
        match f.letter {
            'Y' if !has_week => problems.push(
                PatternProblem::warning(
                    f.start,
                    f.end,
                    format!(
                        "'{text}' is the week-based year, not the calendar year: it differs around New Year (2024-12-30 is in week-based year 2025)"
                    ),
                )
                .with_help(format!(
                    "use '{}' unless you mean ISO week-based years (with 'ww' week numbers)",
                    repeat_char('y', f.count)
                )),
            ),
            'D' if f.count <= 2 && has_month => problems.push(
                PatternProblem::warning(
                    f.start,
                    f.end,
                    format!("'{text}' is the day of the year (1-366), not the day of the month"),
                )
                .with_help(format!("use '{}' for the day of the month", repeat_char('d', f.count.max(2)))),
            ),
            'h' | 'K' if !has_ampm => {
                let what = if f.letter == 'h' {
                    "the 12-hour clock hour (1-12)"
                } else {
                    "the hour of the half-day (0-11)"
                };
                problems.push(
                    PatternProblem::warning(
                        f.start,
                        f.end,
                        format!("'{text}' is {what} but the pattern has no AM/PM marker 'a': 1 AM and 1 PM look the same"),
                    )
                    .with_help(format!(
                        "use '{}' for the 24-hour clock, or add an AM/PM marker 'a'",
                        repeat_char('H', f.count)
                    )),
                );
            }
            'H' if has_ampm && !has_12h => problems.push(
                PatternProblem::warning(
                    f.start,
                    f.end,
                    format!("'{text}' is the 24-hour clock hour but the pattern also has an AM/PM marker 'a'"),
                )
                .with_help(format!("use '{}' (12-hour clock) with 'a', or drop the 'a'", repeat_char('h', f.count))),
            ),
            'm' => {
                let hour_before = fields[..idx].iter().any(|g| HOURS.contains(&g.letter));
                let near_date = prev.is_some_and(|p| DATE_PARTS.contains(&p.letter))
                    || next.is_some_and(|p| DATE_PARTS.contains(&p.letter));
                if !hour_before && near_date {
                    problems.push(
                        PatternProblem::warning(
                            f.start,
                            f.end,
                            format!("'{text}' is the minute of the hour, but it sits among date fields with no hour before it"),
                        )
                        .with_help(format!(
                            "use '{}' for the month ('MM' is the month, 'mm' the minutes)",
                            repeat_char('M', f.count)
                        )),
                    );
                }
            }
            'S' if !has_seconds && prev.is_some_and(|p| p.letter == 'm') => problems.push(
                PatternProblem::warning(
                    f.start,
                    f.end,
                    format!("'{text}' is the fraction of the second, not the seconds"),
                )
                .with_help(format!("use '{}' for the seconds", repeat_char('s', f.count.min(2)))),
            ),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compiled-regex caches
// ---------------------------------------------------------------------------------------------

const CACHE_LIMIT: usize = 1024;

type Cache<V> = OnceLock<Mutex<HashMap<String, V>>>;

fn cached<V: Clone>(cache: &'static Cache<V>, key: &str, make: impl FnOnce() -> V) -> V {
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

fn build_regex(pattern: &str) -> Result<fancy_regex::Regex, fancy_regex::Error> {
    fancy_regex::RegexBuilder::new(pattern).backtrack_limit(1_000_000).build()
}

/// True when the engine refused a pattern only because it is too big for its limits (Java has
/// no such limits, so this says nothing about the pattern's validity).
fn is_size_limit(e: &fancy_regex::Error) -> bool {
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

// ---------------------------------------------------------------------------------------------
// Java regexes
// ---------------------------------------------------------------------------------------------

/// A Java regex translated to and compiled by `fancy-regex`.
#[derive(Debug)]
pub struct JavaRegex {
    translated: String,
    groups: usize,
    regex: Option<fancy_regex::Regex>,
    full: OnceLock<Option<fancy_regex::Regex>>,
    warning: Option<PatternProblem>,
}

impl JavaRegex {
    /// The number of capturing groups (named ones included), as Java counts them.
    pub fn group_count(&self) -> usize {
        self.groups
    }

    /// The `fancy-regex` pattern the Java regex was translated to.
    pub fn translated(&self) -> &str {
        &self.translated
    }

    /// A warning about a pattern that compiles but cannot work as written (a backreference to
    /// a group that does not exist).
    pub fn warning(&self) -> Option<&PatternProblem> {
        self.warning.as_ref()
    }

    /// `Matcher.find()`: does the regex match somewhere in `text`? `None` when the engine cannot
    /// tell (pattern too big for it, or backtracking limit reached).
    pub fn find(&self, text: &str) -> Option<bool> {
        self.regex.as_ref()?.is_match(text).ok()
    }

    /// `Matcher.matches()`: does the regex match the whole of `text`?
    pub fn matches_fully(&self, text: &str) -> Option<bool> {
        let full = self.full.get_or_init(|| build_regex(&format!("\\A(?:{})\\z", self.translated)).ok());
        full.as_ref()?.is_match(text).ok()
    }
}

type JavaCompiled = Result<Arc<JavaRegex>, PatternProblem>;
static JAVA_CACHE: Cache<JavaCompiled> = OnceLock::new();

/// Java regex syntax (java.util.regex.Pattern), as Data Prep's `extract_regex` and
/// `matches_regex` use it. Returns the problem if the regex would not compile in Java
/// (severity Error), or a warning (severity Warning) for a regex that compiles but can never
/// work as written (a backreference to a group that does not exist).
pub fn check_java_regex(regex: &str) -> Option<PatternProblem> {
    match compile_java_regex(regex) {
        Err(p) => Some(p),
        Ok(r) => r.warning.clone(),
    }
}

/// Compile a Java regex (cached). `Err` carries the same problem [`check_java_regex`] reports.
pub fn compile_java_regex(regex: &str) -> Result<Arc<JavaRegex>, PatternProblem> {
    cached(&JAVA_CACHE, regex, || compile_java_regex_uncached(regex))
}

fn compile_java_regex_uncached(regex: &str) -> JavaCompiled {
    let toks = java_tokens(regex);
    let mut tr = JavaTranslator::new(toks.clone(), regex.len(), None);
    tr.run()?;
    if tr.saw_backref {
        // Backreferences to groups that do not exist need the total group count.
        let total = tr.groups;
        tr = JavaTranslator::new(toks, regex.len(), Some(total));
        tr.run()?;
    }
    let compiled = match build_regex(&tr.out) {
        Ok(r) => Some(r),
        Err(e) if is_size_limit(&e) => None,
        Err(e) => return Err(fancy_error_problem(regex, &tr.map, &e)),
    };
    Ok(Arc::new(JavaRegex {
        translated: tr.out,
        groups: tr.groups,
        regex: compiled,
        full: OnceLock::new(),
        warning: tr.warning,
    }))
}

fn fancy_error_problem(regex: &str, map: &[(usize, usize)], e: &fancy_regex::Error) -> PatternProblem {
    match e {
        fancy_regex::Error::ParseError(pos, pe) => {
            let (start, end) = map.get(*pos).or_else(|| map.last()).copied().unwrap_or((regex.len(), regex.len()));
            PatternProblem::error(start, end, format!("invalid regex: {pe}"))
        }
        other => PatternProblem::error(0, regex.len(), format!("invalid regex: {other}")),
    }
}

/// One character of a Java regex after `\Q…\E` quoting was removed (as Java's own
/// `RemoveQEQuoting` does before parsing), with its byte span in the original text.
#[derive(Clone, Copy, Debug)]
struct Tok {
    c: char,
    start: usize,
    end: usize,
    /// From inside `\Q…\E`: always a literal character.
    quoted: bool,
}

fn java_tokens(src: &str) -> Vec<Tok> {
    let cs: Vec<(usize, char)> = src.char_indices().collect();
    let end_of = |k: usize| cs.get(k + 1).map_or(src.len(), |&(o, _)| o);
    let tok = |k: usize, quoted: bool| Tok { c: cs[k].1, start: cs[k].0, end: end_of(k), quoted };
    let mut toks = Vec::with_capacity(cs.len());
    let mut i = 0;
    while i < cs.len() {
        if cs[i].1 == '\\' {
            if i + 1 < cs.len() && cs[i + 1].1 == 'Q' {
                let mut k = i + 2;
                loop {
                    if k >= cs.len() {
                        i = k;
                        break;
                    }
                    if cs[k].1 == '\\' && k + 1 < cs.len() && cs[k + 1].1 == 'E' {
                        i = k + 2;
                        break;
                    }
                    toks.push(tok(k, true));
                    k += 1;
                }
                continue;
            }
            toks.push(tok(i, false));
            if i + 1 < cs.len() {
                toks.push(tok(i + 1, false));
            }
            i += 2;
            continue;
        }
        toks.push(tok(i, false));
        i += 1;
    }
    toks
}

#[derive(Clone, Copy, Debug)]
enum Last {
    /// Nothing that a quantifier could apply to (start of a sequence, after a quantifier or
    /// inline flags).
    Nothing,
    Atom,
    /// A zero-width construct that fancy-regex refuses to repeat (a lookaround, an empty
    /// non-capturing group) and that was emitted at this output offset: a quantifier after it
    /// is dropped (minimum ≥ 1) or removes it (minimum 0), which is what repeating it means.
    ZeroWidth(usize),
}

#[derive(Clone, Copy, Debug)]
struct JFlags {
    comments: bool,
    unicode_class: bool,
}

enum Esc {
    Char(u32),
    /// A set, as the inside of a bracket class.
    Set {
        body: String,
        negated: bool,
    },
    /// An assertion or a group emitted verbatim (outside classes only).
    Raw(String, bool /* zero-width lookaround */),
    Backref(usize),
    Nothing,
}

struct JavaTranslator {
    toks: Vec<Tok>,
    len: usize,
    pos: usize,
    out: String,
    /// For each output byte, the span of the source it came from.
    map: Vec<(usize, usize)>,
    groups: usize,
    total_groups: Option<usize>,
    names: HashMap<String, usize>,
    flags: JFlags,
    lookbehind: usize,
    saw_backref: bool,
    warning: Option<PatternProblem>,
    depth: usize,
}

type JResult<T> = Result<T, PatternProblem>;

const JAVA_META_OUTSIDE: &str = "\\.+*?()|[]{}^$#&-~";
const MAX_NESTING: usize = 200;

fn hex_escape(cp: u32) -> String {
    let cp = if (0xD800..=0xDFFF).contains(&cp) || cp > 0x10FFFF { 0xFFFD } else { cp };
    format!("\\u{{{cp:X}}}")
}

fn lit_outside(cp: u32) -> String {
    match char::from_u32(cp) {
        Some(c) if c.is_ascii_alphanumeric() || c == '_' => c.to_string(),
        Some(c) if c.is_ascii_graphic() => {
            if JAVA_META_OUTSIDE.contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        }
        Some(c) if !c.is_ascii() && !c.is_whitespace() && !c.is_control() => c.to_string(),
        _ => hex_escape(cp),
    }
}

fn lit_in_class(cp: u32) -> String {
    match char::from_u32(cp) {
        Some(c) if c.is_ascii_alphanumeric() => c.to_string(),
        Some(c) if !c.is_ascii() && !c.is_whitespace() && !c.is_control() => c.to_string(),
        _ => hex_escape(cp),
    }
}

fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

impl JavaTranslator {
    fn new(toks: Vec<Tok>, len: usize, total_groups: Option<usize>) -> Self {
        JavaTranslator {
            toks,
            len,
            pos: 0,
            out: String::new(),
            map: Vec::new(),
            groups: 0,
            total_groups,
            names: HashMap::new(),
            flags: JFlags { comments: false, unicode_class: false },
            lookbehind: 0,
            saw_backref: false,
            warning: None,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<Tok> {
        self.toks.get(self.pos + k).copied()
    }

    /// Is the token `k` ahead the unquoted character `c`?
    fn raw_is(&self, k: usize, c: char) -> bool {
        self.peek_at(k).is_some_and(|t| !t.quoted && t.c == c)
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.len, |t| t.start)
    }

    fn prev_end(&self) -> usize {
        self.pos.checked_sub(1).and_then(|k| self.toks.get(k)).map_or(0, |t| t.end)
    }

    fn emit(&mut self, s: &str, span: (usize, usize)) {
        self.out.push_str(s);
        self.map.extend(std::iter::repeat_n(span, s.len()));
    }

    fn truncate_out(&mut self, at: usize) {
        self.out.truncate(at);
        self.map.truncate(at);
    }

    /// In comments mode (`(?x)`), skip whitespace and `#` comments, as Java's `peek()` does.
    fn skip_ws(&mut self) {
        if !self.flags.comments {
            return;
        }
        while let Some(t) = self.peek() {
            if t.quoted {
                return;
            }
            if is_java_space(t.c) {
                self.pos += 1;
            } else if t.c == '#' {
                while let Some(t) = self.peek() {
                    self.pos += 1;
                    if t.c == '\n' || t.c == '\r' {
                        break;
                    }
                }
            } else {
                return;
            }
        }
    }

    fn run(&mut self) -> JResult<()> {
        self.alternation()?;
        if let Some(t) = self.peek() {
            // Only an unmatched ')' stops the top-level alternation.
            return Err(PatternProblem::error(t.start, t.end, "unmatched closing ')'")
                .with_help("remove it, or escape it as \\) to match a literal ')'"));
        }
        Ok(())
    }

    fn alternation(&mut self) -> JResult<()> {
        loop {
            self.sequence()?;
            match self.peek() {
                Some(t) if !t.quoted && t.c == '|' => {
                    self.emit("|", (t.start, t.end));
                    self.pos += 1;
                }
                _ => return Ok(()),
            }
        }
    }

    fn sequence(&mut self) -> JResult<()> {
        let mut last = Last::Nothing;
        loop {
            self.skip_ws();
            let Some(t) = self.peek() else {
                return Ok(());
            };
            let span = (t.start, t.end);
            if t.quoted {
                self.emit(&lit_outside(t.c as u32), span);
                self.pos += 1;
                last = Last::Atom;
                continue;
            }
            match t.c {
                '|' | ')' => return Ok(()),
                '(' => last = self.group()?,
                '[' => {
                    self.class()?;
                    last = Last::Atom;
                }
                '\\' => last = self.escape_outside()?,
                '*' | '+' | '?' => {
                    if let Last::Nothing = last {
                        return Err(PatternProblem::error(
                            t.start,
                            t.end,
                            format!("dangling meta character '{}': there is nothing before it to repeat", t.c),
                        )
                        .with_help(format!("escape it as \\{} to match a literal '{}'", t.c, t.c)));
                    }
                    self.quantifier(&mut last)?;
                }
                '{' => self.quantifier(&mut last)?,
                '^' | '$' | '.' => {
                    let s = t.c.to_string();
                    self.emit(&s, span);
                    self.pos += 1;
                    last = Last::Atom;
                }
                c => {
                    self.emit(&lit_outside(c as u32), span);
                    self.pos += 1;
                    last = Last::Atom;
                }
            }
        }
    }

    fn read_number(&mut self) -> Option<u64> {
        let mut value: Option<u64> = None;
        while let Some(t) = self.peek() {
            if t.quoted || !t.c.is_ascii_digit() {
                break;
            }
            let d = u64::from(t.c as u32 - '0' as u32);
            value = Some(value.unwrap_or(0).saturating_mul(10).saturating_add(d));
            self.pos += 1;
            self.skip_ws();
        }
        value
    }

    fn quantifier(&mut self, last: &mut Last) -> JResult<()> {
        let Some(t) = self.peek() else {
            return Ok(());
        };
        let qstart = t.start;
        let (min, max): (u64, Option<u64>) = match t.c {
            '*' => {
                self.pos += 1;
                (0, None)
            }
            '+' => {
                self.pos += 1;
                (1, None)
            }
            '?' => {
                self.pos += 1;
                (0, Some(1))
            }
            _ => {
                // '{': Java requires a digit right after it.
                if !self.peek_at(1).is_some_and(|d| !d.quoted && d.c.is_ascii_digit()) {
                    return Err(PatternProblem::error(
                        t.start,
                        t.end,
                        "illegal repetition: '{' must start a quantifier such as {2}, {2,} or {2,5}",
                    )
                    .with_help("escape it as \\{ to match a literal '{'"));
                }
                self.pos += 1;
                let min = self.read_number().unwrap_or(0);
                let mut max = Some(min);
                if self.raw_is(0, ',') {
                    self.pos += 1;
                    self.skip_ws();
                    max = self.read_number();
                }
                if !self.raw_is(0, '}') {
                    return Err(PatternProblem::error(
                        qstart,
                        self.here().max(qstart + 1),
                        "unclosed counted closure: expected '}' to end the quantifier",
                    )
                    .with_help("a quantifier is {n}, {n,} or {n,m}; escape '{' as \\{ to match it literally"));
                }
                self.pos += 1;
                const JAVA_MAX: u64 = i32::MAX as u64;
                if min > JAVA_MAX || max.is_some_and(|m| m > JAVA_MAX || m < min) {
                    return Err(PatternProblem::error(
                        qstart,
                        self.prev_end(),
                        "illegal repetition range: the maximum is smaller than the minimum (or too large)",
                    )
                    .with_help("write {min,max} with min <= max (at most 2147483647)"));
                }
                (min, max)
            }
        };
        let qend = self.prev_end();
        self.skip_ws();
        let modifier = if self.raw_is(0, '?') {
            self.pos += 1;
            "?"
        } else if self.raw_is(0, '+') {
            self.pos += 1;
            "+"
        } else {
            ""
        };
        if self.lookbehind > 0 && max.is_none() {
            return Err(PatternProblem::error(
                qstart,
                qend,
                "look-behind group does not have an obvious maximum length",
            )
            .with_help("Java needs a bounded repetition inside (?<=…) and (?<!…), e.g. {0,10} instead of * or +"));
        }
        let span = (qstart, self.prev_end());
        match *last {
            Last::Nothing => {}
            Last::Atom => {
                let q = match (min, max) {
                    (0, None) => "*".to_string(),
                    (1, None) => "+".to_string(),
                    (0, Some(1)) if t.c == '?' => "?".to_string(),
                    (n, None) => format!("{{{n},}}"),
                    (n, Some(m)) if n == m => format!("{{{n}}}"),
                    (n, Some(m)) => format!("{{{n},{m}}}"),
                };
                self.emit(&q, span);
                self.emit(modifier, span);
            }
            Last::ZeroWidth(at) => {
                if min == 0 {
                    self.truncate_out(at);
                }
            }
        }
        *last = Last::Nothing;
        Ok(())
    }

    fn group(&mut self) -> JResult<Last> {
        let open = self.toks[self.pos];
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(PatternProblem::error(open.start, open.end, "groups are nested too deeply"));
        }
        self.pos += 1;
        let saved = self.flags;
        let out_start = self.out.len();
        let open_span = (open.start, open.end);
        let mut lookaround = false;
        let mut lookbehind = false;
        let mut non_capturing = false;
        if self.raw_is(0, '?') {
            self.pos += 1;
            let Some(k) = self.peek() else {
                return Err(self.unclosed_group(open));
            };
            let kc = if k.quoted { '\0' } else { k.c };
            match kc {
                ':' => {
                    self.pos += 1;
                    self.emit("(?:", open_span);
                    non_capturing = true;
                }
                '=' | '!' => {
                    self.pos += 1;
                    self.emit(&format!("(?{kc}"), open_span);
                    lookaround = true;
                }
                '>' => {
                    self.pos += 1;
                    self.emit("(?>", open_span);
                    non_capturing = true;
                }
                '<' => {
                    self.pos += 1;
                    if self.raw_is(0, '=') || self.raw_is(0, '!') {
                        let c = self.toks[self.pos].c;
                        self.pos += 1;
                        self.emit(&format!("(?<{c}"), open_span);
                        lookaround = true;
                        lookbehind = true;
                        self.lookbehind += 1;
                    } else {
                        let name = self.group_name(open)?;
                        if self.names.contains_key(&name) {
                            return Err(PatternProblem::error(
                                open.start,
                                self.prev_end(),
                                format!("named capturing group <{name}> is already defined"),
                            ));
                        }
                        self.groups += 1;
                        self.names.insert(name, self.groups);
                        self.emit("(", open_span);
                    }
                }
                '$' | '@' => {
                    return Err(PatternProblem::error(open.start, k.end, format!("unknown group type '(?{kc}'")));
                }
                _ => {
                    // Inline flags: (?idmsuxU-idmsuxU) or (?idmsuxU-idmsuxU:X)
                    let mut on = String::new();
                    let mut off = String::new();
                    let mut negate = false;
                    while let Some(f) = self.peek() {
                        if f.quoted {
                            break;
                        }
                        match f.c {
                            'i' | 'd' | 'm' | 's' | 'u' | 'x' | 'c' | 'U' => {
                                match f.c {
                                    'x' => self.flags.comments = !negate,
                                    'U' => self.flags.unicode_class = !negate,
                                    'i' | 'm' | 's' => {
                                        let target = if negate { &mut off } else { &mut on };
                                        if !target.contains(f.c) {
                                            target.push(f.c);
                                        }
                                    }
                                    _ => {}
                                }
                                self.pos += 1;
                            }
                            '-' if !negate => {
                                negate = true;
                                self.pos += 1;
                            }
                            _ => break,
                        }
                    }
                    let flags_text = match (on.is_empty(), off.is_empty()) {
                        (true, true) => String::new(),
                        (false, true) => on,
                        (_, false) => format!("{on}-{off}"),
                    };
                    match self.peek() {
                        Some(e) if !e.quoted && e.c == ')' => {
                            self.pos += 1;
                            if !flags_text.is_empty() {
                                self.emit(&format!("(?{flags_text})"), (open.start, e.end));
                            }
                            self.depth -= 1;
                            // Inline flags last until the end of the enclosing group.
                            return Ok(Last::Nothing);
                        }
                        Some(e) if !e.quoted && e.c == ':' => {
                            self.pos += 1;
                            if flags_text.is_empty() {
                                self.emit("(?:", open_span);
                            } else {
                                self.emit(&format!("(?{flags_text}:"), open_span);
                            }
                            non_capturing = true;
                        }
                        other => {
                            let end = other.map_or(self.len, |e| e.end);
                            let text = other.map(|e| e.c).unwrap_or(' ');
                            let help = match text {
                                'P' => "Java names groups with (?<name>…) and refers to them with \\k<name>",
                                '#' => "Java has no (?#…) comments; use the x flag: (?x) … # comment",
                                '\'' => "Java names groups with (?<name>…)",
                                _ => {
                                    "Java supports (?:…) (?=…) (?!…) (?<=…) (?<!…) (?>…) (?<name>…) and flags (?idmsuxU-idmsuxU) / (?flags:…)"
                                }
                            };
                            return Err(PatternProblem::error(
                                open.start,
                                end,
                                "unknown inline modifier or group construct",
                            )
                            .with_help(help));
                        }
                    }
                }
            }
        } else {
            self.groups += 1;
            self.emit("(", open_span);
        }
        let content_start = self.out.len();
        self.alternation()?;
        let content_empty = self.out.len() == content_start;
        match self.peek() {
            Some(t) if !t.quoted && t.c == ')' => {
                self.emit(")", (t.start, t.end));
                self.pos += 1;
            }
            _ => return Err(self.unclosed_group(open)),
        }
        self.flags = saved;
        if lookbehind {
            self.lookbehind -= 1;
        }
        self.depth -= 1;
        Ok(if lookaround || (non_capturing && content_empty) { Last::ZeroWidth(out_start) } else { Last::Atom })
    }

    fn unclosed_group(&self, open: Tok) -> PatternProblem {
        PatternProblem::error(open.start, open.end, "unclosed group: this '(' has no matching ')'")
            .with_help("add the missing ')', or escape the '(' as \\( to match it literally")
    }

    /// Java group names: an ASCII letter, then ASCII letters and digits, then '>'.
    fn group_name(&mut self, open: Tok) -> JResult<String> {
        let mut name = String::new();
        match self.peek() {
            Some(t) if !t.quoted && t.c.is_ascii_alphabetic() => {}
            other => {
                let end = other.map_or(self.len, |t| t.end);
                return Err(PatternProblem::error(
                    open.start,
                    end,
                    "capturing group name does not start with a Latin letter",
                )
                .with_help("Java group names are ASCII letters and digits, starting with a letter: (?<name>…)"));
            }
        }
        while let Some(t) = self.peek() {
            if !t.quoted && t.c.is_ascii_alphanumeric() {
                name.push(t.c);
                self.pos += 1;
            } else {
                break;
            }
        }
        if !self.raw_is(0, '>') {
            let end = self.peek().map_or(self.len, |t| t.end);
            return Err(PatternProblem::error(open.start, end, "named capturing group is missing trailing '>'")
                .with_help("Java group names are ASCII letters and digits only (no '_')"));
        }
        self.pos += 1;
        Ok(name)
    }

    fn class(&mut self) -> JResult<()> {
        let open = self.toks[self.pos];
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(PatternProblem::error(open.start, open.end, "character classes are nested too deeply"));
        }
        self.pos += 1;
        let span = (open.start, open.end);
        self.emit("[", span);
        if self.raw_is(0, '^') {
            self.pos += 1;
            self.emit("^", span);
        }
        let mut has_item = false;
        loop {
            self.skip_ws();
            let Some(t) = self.peek() else {
                return Err(PatternProblem::error(
                    open.start,
                    open.end,
                    "unclosed character class: this '[' has no matching ']'",
                )
                .with_help("add the missing ']', or escape the '[' as \\[ to match it literally"));
            };
            if t.quoted {
                self.pos += 1;
                self.class_single(t.c as u32, t.start)?;
                has_item = true;
                continue;
            }
            match t.c {
                '[' => {
                    self.class()?;
                    has_item = true;
                }
                '&' if self.raw_is(1, '&') => {
                    self.pos += 2;
                    self.skip_ws();
                    let next_closes = self.raw_is(0, ']') || (self.raw_is(0, '&') && self.raw_is(1, '&'));
                    if has_item && !next_closes && self.peek().is_some() {
                        self.emit("&&", (t.start, t.end + 1));
                    }
                }
                ']' if has_item => {
                    self.pos += 1;
                    self.emit("]", (t.start, t.end));
                    self.depth -= 1;
                    return Ok(());
                }
                '\\' => {
                    let start = t.start;
                    match self.escape(true)? {
                        Esc::Char(cp) => self.class_single(cp, start)?,
                        Esc::Set { body, negated } => {
                            let s = if negated { format!("[^{body}]") } else { format!("[{body}]") };
                            self.emit(&s, (start, self.prev_end()));
                        }
                        Esc::Nothing => {}
                        Esc::Raw(..) | Esc::Backref(_) => {
                            return Err(PatternProblem::error(
                                start,
                                self.prev_end(),
                                "this escape is not allowed in a character class",
                            ));
                        }
                    }
                    has_item = true;
                }
                c => {
                    self.pos += 1;
                    self.class_single(c as u32, t.start)?;
                    has_item = true;
                }
            }
        }
    }

    /// A single character in a class, possibly the start of a range `a-z`.
    fn class_single(&mut self, first: u32, start: usize) -> JResult<()> {
        let first_end = self.prev_end();
        self.skip_ws();
        if self.raw_is(0, '-') {
            let after = self.peek_at(1);
            let ends_range = match after {
                None => true,
                Some(a) => !a.quoted && (a.c == ']' || a.c == '['),
            };
            if !ends_range {
                self.pos += 1;
                self.skip_ws();
                let Some(e) = self.peek() else {
                    self.emit(&lit_in_class(first), (start, first_end));
                    return Ok(());
                };
                let last = if !e.quoted && e.c == '\\' {
                    match self.escape(true)? {
                        Esc::Char(cp) => cp,
                        _ => {
                            return Err(PatternProblem::error(
                                start,
                                self.prev_end(),
                                "illegal character range: the end of a range must be a single character",
                            ));
                        }
                    }
                } else {
                    self.pos += 1;
                    e.c as u32
                };
                let end = self.prev_end();
                if last < first {
                    return Err(PatternProblem::error(
                        start,
                        end,
                        format!(
                            "illegal character range '{}': the end is before the start",
                            slice_or(&self.toks, start, end)
                        ),
                    )
                    .with_help(
                        "write ranges low-high (a-z, 0-9); put '-' first or last in the class to match a literal '-'",
                    ));
                }
                let s = format!("{}-{}", lit_in_class(first), lit_in_class(last));
                self.emit(&s, (start, end));
                return Ok(());
            }
        }
        self.emit(&lit_in_class(first), (start, first_end));
        Ok(())
    }

    fn escape_outside(&mut self) -> JResult<Last> {
        let start = self.here();
        let esc = self.escape(false)?;
        let span = (start, self.prev_end());
        Ok(match esc {
            Esc::Char(cp) => {
                self.emit(&lit_outside(cp), span);
                Last::Atom
            }
            Esc::Set { body, negated } => {
                let s = if negated { format!("[^{body}]") } else { format!("[{body}]") };
                self.emit(&s, span);
                Last::Atom
            }
            Esc::Raw(s, zero_width) => {
                let at = self.out.len();
                self.emit(&s, span);
                if zero_width { Last::ZeroWidth(at) } else { Last::Atom }
            }
            Esc::Backref(n) => {
                if self.lookbehind > 0 {
                    return Err(PatternProblem::error(
                        span.0,
                        span.1,
                        "look-behind group does not have an obvious maximum length",
                    )
                    .with_help("Java does not allow backreferences inside (?<=…) and (?<!…)"));
                }
                self.saw_backref = true;
                match self.total_groups {
                    Some(total) if n > total => {
                        if self.warning.is_none() {
                            self.warning = Some(
                                PatternProblem::warning(
                                    span.0,
                                    span.1,
                                    format!(
                                        "backreference \\{n} refers to group {n}, but the regex has {total} capturing group{}: it can never match",
                                        if total == 1 { "" } else { "s" }
                                    ),
                                )
                                .with_help("escape the backslash (\\\\) if you meant a literal backslash followed by a digit"),
                            );
                        }
                        let at = self.out.len();
                        self.emit("(?!)", span);
                        Last::ZeroWidth(at)
                    }
                    _ => {
                        self.emit(&format!("(?:\\{n})"), span);
                        Last::Atom
                    }
                }
            }
            Esc::Nothing => Last::ZeroWidth(self.out.len()),
        })
    }

    fn hex_digit_at(&self, k: usize) -> Option<u32> {
        self.peek_at(k).filter(|t| !t.quoted).and_then(|t| t.c.to_digit(16))
    }

    fn read_u4(&mut self) -> Option<u32> {
        let mut v = 0;
        for k in 0..4 {
            v = v * 16 + self.hex_digit_at(k)?;
        }
        self.pos += 4;
        Some(v)
    }

    /// At a backslash: parse one Java escape.
    fn escape(&mut self, in_class: bool) -> JResult<Esc> {
        let bs = self.toks[self.pos];
        self.pos += 1;
        let Some(t) = self.peek() else {
            return Err(PatternProblem::error(bs.start, bs.end, "unexpected end of pattern after '\\'")
                .with_help("write \\\\ to match a literal backslash"));
        };
        self.pos += 1;
        let here_err = |this: &Self, msg: String| PatternProblem::error(bs.start, this.prev_end(), msg);
        let not_in_class = |this: &Self| -> JResult<()> {
            if in_class {
                Err(PatternProblem::error(
                    bs.start,
                    this.prev_end(),
                    format!("illegal/unsupported escape sequence '\\{}' in a character class", t.c),
                ))
            } else {
                Ok(())
            }
        };
        let c = t.c;
        Ok(match c {
            '0' => {
                let oct = |this: &Self, k: usize| this.peek_at(k).filter(|t| !t.quoted).and_then(|t| t.c.to_digit(8));
                let Some(n) = oct(self, 0) else {
                    return Err(here_err(
                        self,
                        "illegal octal escape sequence: \\0 must be followed by 1 to 3 octal digits".into(),
                    )
                    .with_help("write \\x00 or \\u0000 for the NUL character"));
                };
                self.pos += 1;
                let mut v = n;
                if let Some(m) = oct(self, 0) {
                    self.pos += 1;
                    v = v * 8 + m;
                    if n <= 3
                        && let Some(o) = oct(self, 0)
                    {
                        self.pos += 1;
                        v = v * 8 + o;
                    }
                }
                Esc::Char(v)
            }
            '1'..='9' => {
                if in_class {
                    return Err(here_err(
                        self,
                        format!("illegal/unsupported escape sequence '\\{c}' in a character class"),
                    ));
                }
                let mut n = c as usize - '0' as usize;
                while let Some(d) = self.peek().filter(|t| !t.quoted).and_then(|t| t.c.to_digit(10)) {
                    let more = n * 10 + d as usize;
                    if more > self.groups {
                        break;
                    }
                    n = more;
                    self.pos += 1;
                }
                Esc::Backref(n)
            }
            'a' => Esc::Char(0x07),
            'e' => Esc::Char(0x1B),
            'f' => Esc::Char(0x0C),
            'n' => Esc::Char(0x0A),
            'r' => Esc::Char(0x0D),
            't' => Esc::Char(0x09),
            'c' => match self.peek() {
                Some(x) => {
                    self.pos += 1;
                    Esc::Char((x.c as u32) ^ 64)
                }
                None => {
                    return Err(here_err(
                        self,
                        "illegal control escape sequence: \\c must be followed by a character".into(),
                    ));
                }
            },
            'x' => {
                if let (Some(a), Some(b)) = (self.hex_digit_at(0), self.hex_digit_at(1)) {
                    self.pos += 2;
                    Esc::Char(a * 16 + b)
                } else if self.raw_is(0, '{') && self.hex_digit_at(1).is_some() {
                    self.pos += 1;
                    let mut v: u32 = 0;
                    while let Some(d) = self.hex_digit_at(0) {
                        v = v * 16 + d;
                        self.pos += 1;
                        if v > 0x10FFFF {
                            return Err(here_err(self, "hexadecimal codepoint is too big (above \\x{10FFFF})".into()));
                        }
                    }
                    if !self.raw_is(0, '}') {
                        return Err(here_err(self, "unclosed hexadecimal escape sequence: expected '}'".into()));
                    }
                    self.pos += 1;
                    Esc::Char(v)
                } else {
                    return Err(here_err(
                        self,
                        "illegal hexadecimal escape sequence: expected \\xhh or \\x{h…h}".into(),
                    ));
                }
            }
            'u' => {
                let Some(hi) = self.read_u4() else {
                    return Err(here_err(
                        self,
                        "illegal Unicode escape sequence: expected \\u followed by 4 hex digits".into(),
                    ));
                };
                if (0xD800..0xDC00).contains(&hi) && self.raw_is(0, '\\') && self.raw_is(1, 'u') {
                    let save = self.pos;
                    self.pos += 2;
                    match self.read_u4() {
                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                            return Ok(Esc::Char(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)));
                        }
                        _ => self.pos = save,
                    }
                }
                Esc::Char(hi)
            }
            'd' | 'D' | 's' | 'S' | 'w' | 'W' | 'h' | 'H' | 'v' | 'V' => {
                let unicode = self.flags.unicode_class;
                let body = match c.to_ascii_lowercase() {
                    'd' if unicode => r"\p{Nd}",
                    'd' => "0-9",
                    's' if unicode => r"\p{White_Space}",
                    's' => r"\u{20}\t\n\u{B}\f\r",
                    'w' if unicode => r"\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\u{200C}\u{200D}",
                    'w' => "a-zA-Z_0-9",
                    'h' => r"\u{20}\t\u{A0}\u{1680}\u{180E}\u{2000}-\u{200A}\u{202F}\u{205F}\u{3000}",
                    _ => r"\n\u{B}\f\r\u{85}\u{2028}\u{2029}",
                };
                Esc::Set { body: body.to_string(), negated: c.is_ascii_uppercase() }
            }
            'p' | 'P' => {
                let negated = c == 'P';
                let name = if self.raw_is(0, '{') {
                    self.pos += 1;
                    let mut name = String::new();
                    loop {
                        match self.peek() {
                            None => {
                                return Err(here_err(self, "unclosed character family: expected '}'".into()));
                            }
                            Some(x) if !x.quoted && x.c == '}' => {
                                self.pos += 1;
                                break;
                            }
                            Some(x) => {
                                name.push(x.c);
                                self.pos += 1;
                            }
                        }
                    }
                    if name.is_empty() {
                        return Err(here_err(self, "empty character family \\p{}".into()));
                    }
                    name
                } else {
                    match self.peek() {
                        Some(x) => {
                            self.pos += 1;
                            x.c.to_string()
                        }
                        None => {
                            return Err(here_err(
                                self,
                                "\\p must be followed by a property name, e.g. \\p{Alpha} or \\pL".into(),
                            ));
                        }
                    }
                };
                match java_property(&name) {
                    Ok(body) => Esc::Set { body, negated },
                    Err((message, help)) => {
                        return Err(here_err(self, message).with_opt_help(help));
                    }
                }
            }
            'b' => {
                not_in_class(self)?;
                if self.raw_is(0, '{') && self.raw_is(1, 'g') && self.raw_is(2, '}') {
                    // \b{g}: a grapheme-cluster boundary; approximated as "no constraint".
                    self.pos += 3;
                    Esc::Nothing
                } else {
                    Esc::Raw(r"\b".into(), false)
                }
            }
            'B' => {
                not_in_class(self)?;
                Esc::Raw(r"\B".into(), false)
            }
            'A' => {
                not_in_class(self)?;
                Esc::Raw(r"\A".into(), false)
            }
            'G' => {
                not_in_class(self)?;
                Esc::Raw(r"\G".into(), false)
            }
            'z' => {
                not_in_class(self)?;
                Esc::Raw(r"\z".into(), false)
            }
            'Z' => {
                not_in_class(self)?;
                Esc::Raw(r"(?=(?:\r\n|[\n\r\u{85}\u{2028}\u{2029}])?\z)".into(), true)
            }
            'R' => {
                not_in_class(self)?;
                Esc::Raw(r"(?:\r\n|[\n\u{B}\f\r\u{85}\u{2028}\u{2029}])".into(), false)
            }
            'X' => {
                not_in_class(self)?;
                Esc::Raw(r"(?:\r\n|(?s:.)\p{M}*)".into(), false)
            }
            'N' => {
                // \N{NAME}: a character by its Unicode name (Java 9+). The name itself cannot be
                // checked here; any plausible name is accepted.
                if !self.raw_is(0, '{') {
                    return Err(here_err(
                        self,
                        "\\N must be followed by a character name in braces: \\N{LATIN SMALL LETTER A}".into(),
                    ));
                }
                self.pos += 1;
                let mut ok = false;
                while let Some(x) = self.peek() {
                    self.pos += 1;
                    if !x.quoted && x.c == '}' {
                        ok = true;
                        break;
                    }
                }
                if !ok {
                    return Err(here_err(self, "unclosed character name: expected '}'".into()));
                }
                Esc::Char(0xFFFD)
            }
            'k' => {
                not_in_class(self)?;
                if !self.raw_is(0, '<') {
                    return Err(here_err(self, "\\k is not followed by '<' for a named capturing group".into())
                        .with_help("refer to a named group as \\k<name>"));
                }
                self.pos += 1;
                let name = self.group_name(bs)?;
                match self.names.get(&name) {
                    Some(&n) => Esc::Backref(n),
                    None => {
                        return Err(here_err(self, format!("named capturing group <{name}> does not exist"))
                            .with_help("a group must be defined with (?<name>…) before \\k<name> refers to it"));
                    }
                }
            }
            'E' => {
                return Err(here_err(self, "'\\E' without a matching '\\Q'".into())
                    .with_help("\\Q…\\E quotes text literally; remove the \\E or add the \\Q"));
            }
            c if c.is_ascii_alphabetic() => {
                let help = match c {
                    'l' | 'L' | 'U' => Some("Java regexes have no case-conversion escapes"),
                    'K' => Some("Java has no \\K; use a look-behind (?<=…) instead"),
                    'g' => Some("Java refers to groups as \\1 or \\k<name>"),
                    'i' | 'I' | 'j' | 'm' | 'M' | 'o' | 'O' | 'q' | 'y' | 'Y' | 'C' | 'F' | 'J' | 'T' => None,
                    _ => None,
                };
                let mut p = here_err(self, format!("illegal/unsupported escape sequence '\\{c}'"));
                p.help = Some(help.map(str::to_string).unwrap_or_else(|| {
                    format!("write '{c}' without the backslash, or \\\\{c} for a backslash followed by '{c}'")
                }));
                return Err(p);
            }
            // Any other escaped character stands for itself.
            c => Esc::Char(c as u32),
        })
    }
}

fn slice_or(toks: &[Tok], start: usize, end: usize) -> String {
    toks.iter().filter(|t| t.start >= start && t.end <= end).map(|t| t.c).collect()
}

/// Java's general categories and other `\p{…}` names that `CharPredicates.forProperty` knows,
/// as the body of a bracket class (ASCII meanings, as without `UNICODE_CHARACTER_CLASS`).
fn java_for_property(name: &str) -> Option<String> {
    const CATEGORIES: &[&str] = &[
        "Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Co",
        "Cs", "Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf", "L", "M", "N", "Z", "C", "P", "S",
        "LC",
    ];
    if CATEGORIES.contains(&name) {
        return Some(format!(r"\p{{{name}}}"));
    }
    let body = match name {
        "LD" => r"\p{L}\p{Nd}",
        "L1" => r"\u{0}-\u{FF}",
        "all" => r"\p{Any}",
        "ASCII" => r"\u{0}-\u{7F}",
        "Alnum" => "a-zA-Z0-9",
        "Alpha" => "a-zA-Z",
        "Blank" => r"\u{20}\t",
        "Cntrl" => r"\u{0}-\u{1F}\u{7F}",
        "Digit" => "0-9",
        "Graph" => r"\u{21}-\u{7E}",
        "Lower" => "a-z",
        "Print" => r"\u{20}-\u{7E}",
        "Punct" => r"\u{21}-\u{2F}\u{3A}-\u{40}\u{5B}-\u{60}\u{7B}-\u{7E}",
        "Space" => r"\u{20}\t\n\u{B}\f\r",
        "Upper" => "A-Z",
        "XDigit" => "0-9a-fA-F",
        "javaLowerCase" => r"\p{Lowercase}",
        "javaUpperCase" => r"\p{Uppercase}",
        "javaAlphabetic" => r"\p{Alphabetic}",
        "javaIdeographic" => r"\p{Ideographic}",
        "javaTitleCase" => r"\p{Lt}",
        "javaDigit" => r"\p{Nd}",
        "javaDefined" => r"\P{Cn}",
        "javaLetter" => r"\p{L}",
        "javaLetterOrDigit" => r"\p{L}\p{Nd}",
        "javaJavaIdentifierStart" => r"\p{L}\p{Nl}\p{Sc}\p{Pc}",
        "javaJavaIdentifierPart" => {
            r"\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}\p{Cf}\u{0}-\u{8}\u{E}-\u{1B}\u{7F}-\u{9F}"
        }
        "javaUnicodeIdentifierStart" => r"\p{ID_Start}",
        "javaUnicodeIdentifierPart" => r"\p{ID_Continue}\p{Cf}\u{0}-\u{8}\u{E}-\u{1B}\u{7F}-\u{9F}",
        "javaIdentifierIgnorable" => r"\p{Cf}\u{0}-\u{8}\u{E}-\u{1B}\u{7F}-\u{9F}",
        "javaSpaceChar" => r"\p{Zs}\p{Zl}\p{Zp}",
        "javaWhitespace" => r"\t-\r\u{1C}-\u{1F}\p{Zs}\p{Zl}\p{Zp}",
        "javaISOControl" => r"\u{0}-\u{1F}\u{7F}-\u{9F}",
        "javaMirrored" => r"\p{Bidi_Mirrored}",
        _ => return None,
    };
    Some(body.to_string())
}

/// Binary properties Java accepts after `Is` (`\p{IsAlphabetic}`), case-insensitively.
fn java_unicode_property(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_uppercase().as_str() {
        "ALPHABETIC" => r"\p{Alphabetic}",
        "ASSIGNED" => r"\P{Cn}",
        "CONTROL" => r"\p{Cc}",
        "HEXDIGIT" | "HEX_DIGIT" => r"\p{Hex_Digit}",
        "IDEOGRAPHIC" => r"\p{Ideographic}",
        "JOINCONTROL" | "JOIN_CONTROL" => r"\p{Join_Control}",
        "LETTER" => r"\p{L}",
        "LOWERCASE" => r"\p{Lowercase}",
        "NONCHARACTERCODEPOINT" | "NONCHARACTER_CODE_POINT" => r"\p{Noncharacter_Code_Point}",
        "TITLECASE" => r"\p{Lt}",
        "PUNCTUATION" => r"\p{P}",
        "UPPERCASE" => r"\p{Uppercase}",
        "WHITESPACE" | "WHITE_SPACE" => r"\p{White_Space}",
        "WORD" => r"\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\u{200C}\u{200D}",
        "DIGIT" => r"\p{Nd}",
        "EMOJI" => r"\p{Emoji}",
        "EMOJI_PRESENTATION" => r"\p{Emoji_Presentation}",
        "EMOJI_MODIFIER" => r"\p{Emoji_Modifier}",
        "EMOJI_MODIFIER_BASE" => r"\p{Emoji_Modifier_Base}",
        "EMOJI_COMPONENT" => r"\p{Emoji_Component}",
        "EXTENDED_PICTOGRAPHIC" => r"\p{Extended_Pictographic}",
        _ => return None,
    })
}

fn plausible_unicode_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '-'))
}

/// A Unicode script, as `\p{IsLatin}` / `\p{sc=Latin}` name it.
fn java_script(name: &str) -> Option<String> {
    if !plausible_unicode_name(name) {
        return None;
    }
    let body = format!(r"\p{{sc={name}}}");
    build_regex(&format!("[{body}]")).ok().map(|_| body)
}

/// A Unicode block (`\p{InGreek}`): not known to the engine, so any plausible name is accepted
/// and matches like any character.
fn java_block(name: &str) -> Option<String> {
    plausible_unicode_name(name).then(|| r"\p{Any}".to_string())
}

fn java_property(name: &str) -> Result<String, (String, Option<String>)> {
    if let Some(eq) = name.find('=') {
        let key = name[..eq].to_ascii_lowercase();
        let value = &name[eq + 1..];
        let found = match key.as_str() {
            "sc" | "script" => java_script(value),
            "blk" | "block" => java_block(value),
            "gc" | "general_category" => java_for_property(value),
            _ => None,
        };
        return found.ok_or_else(|| {
            (
                format!("unknown Unicode property {{{name}}}"),
                Some("Java knows sc=/script=, blk=/block= and gc=/general_category=".to_string()),
            )
        });
    }
    let found = if let Some(block) = name.strip_prefix("In") {
        java_block(block)
    } else if let Some(rest) = name.strip_prefix("Is") {
        java_unicode_property(rest)
            .map(str::to_string)
            .or_else(|| java_for_property(rest))
            .or_else(|| java_script(rest))
    } else {
        java_for_property(name)
    };
    found.ok_or_else(|| {
        let help = if let Some(proper) = POSIX_NAMES.iter().find(|p| p.eq_ignore_ascii_case(name)) {
            Some(format!("Java's property names are case-sensitive: \\p{{{proper}}}"))
        } else if java_script(name).is_some() {
            Some(format!("for the {name} script write \\p{{Is{name}}}"))
        } else if java_unicode_property(name).is_some() {
            Some(format!("binary properties take the Is prefix: \\p{{Is{name}}}"))
        } else {
            Some("Java knows \\p{Lower}, \\p{Alpha}, \\p{Punct}, … , categories (\\p{Lu}), \\p{IsLatin}, \\p{InGreek} and \\p{javaLowerCase}-style names".to_string())
        };
        (format!("unknown character property name {{{name}}}"), help)
    })
}

const POSIX_NAMES: &[&str] = &[
    "Lower", "Upper", "ASCII", "Alpha", "Digit", "Alnum", "Punct", "Graph", "Print", "Blank", "Cntrl", "XDigit",
    "Space",
];

// ---------------------------------------------------------------------------------------------
// JSON Schema patterns (ECMA-262)
// ---------------------------------------------------------------------------------------------

static ECMA_CACHE: Cache<Option<Arc<fancy_regex::Regex>>> = OnceLock::new();

/// A JSON Schema `pattern` (ECMA-262 regex, unanchored) against a constant: Some(true/false),
/// or None when the pattern cannot be compiled here.
pub fn matches_json_schema_pattern(pattern: &str, value: &str) -> Option<bool> {
    let regex = cached(&ECMA_CACHE, pattern, || {
        let translated = translate_ecma(pattern)?;
        build_regex(&translated).ok().map(Arc::new)
    })?;
    regex.is_match(value).ok()
}

/// Translate the ECMA-262 constructs whose fancy-regex meaning differs: `\d`/`\w` are ASCII,
/// classes do not nest (`[[]` is a class of `[`), `[^]` is any character, `[]` nothing, `\0` is
/// NUL, `\cX` a control character, `\xhh` a character (not a byte).
fn translate_ecma(pattern: &str) -> Option<String> {
    let cs: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut in_class = false;
    let mut class_start = false;
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let at_class_start = std::mem::replace(&mut class_start, false);
        match c {
            '\\' => {
                let &e = cs.get(i + 1)?;
                i += 2;
                let set = match e {
                    'd' => Some(("0-9", false)),
                    'D' => Some(("0-9", true)),
                    'w' => Some(("a-zA-Z0-9_", false)),
                    'W' => Some(("a-zA-Z0-9_", true)),
                    _ => None,
                };
                if let Some((body, neg)) = set {
                    out.push_str(if neg { "[^" } else { "[" });
                    out.push_str(body);
                    out.push(']');
                    continue;
                }
                match e {
                    '0' if !cs.get(i).is_some_and(|d| d.is_ascii_digit()) => out.push_str(r"\u{0}"),
                    'c' if cs.get(i).is_some_and(|x| x.is_ascii_alphabetic()) => {
                        out.push_str(&hex_escape(cs[i] as u32 % 32));
                        i += 1;
                    }
                    'x' if cs.get(i).is_some_and(|x| x.is_ascii_hexdigit())
                        && cs.get(i + 1).is_some_and(|x| x.is_ascii_hexdigit()) =>
                    {
                        let v = cs[i].to_digit(16)? * 16 + cs[i + 1].to_digit(16)?;
                        out.push_str(&hex_escape(v));
                        i += 2;
                    }
                    'u' if cs.get(i) == Some(&'{') => {
                        let close = cs[i..].iter().position(|&x| x == '}')? + i;
                        let hex: String = cs[i + 1..close].iter().collect();
                        let v = u32::from_str_radix(&hex, 16).ok()?;
                        out.push_str(&hex_escape(v));
                        i = close + 1;
                    }
                    'u' => {
                        let read4 = |k: usize| -> Option<u32> {
                            let s: String = cs.get(k..k + 4)?.iter().collect();
                            if s.chars().all(|x| x.is_ascii_hexdigit()) {
                                u32::from_str_radix(&s, 16).ok()
                            } else {
                                None
                            }
                        };
                        let hi = read4(i)?;
                        i += 4;
                        let mut v = hi;
                        if (0xD800..0xDC00).contains(&hi)
                            && cs.get(i) == Some(&'\\')
                            && cs.get(i + 1) == Some(&'u')
                            && let Some(lo) = read4(i + 2).filter(|lo| (0xDC00..0xE000).contains(lo))
                        {
                            v = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            i += 6;
                        }
                        out.push_str(&hex_escape(v));
                    }
                    '<' | '>' => out.push(e),
                    e if !e.is_ascii() => out.push(e),
                    _ => {
                        out.push('\\');
                        out.push(e);
                    }
                }
                continue;
            }
            '[' if !in_class => {
                if cs.get(i + 1) == Some(&'^') && cs.get(i + 2) == Some(&']') {
                    out.push_str(r"[\s\S]");
                    i += 3;
                    continue;
                }
                if cs.get(i + 1) == Some(&']') {
                    out.push_str("(?!)");
                    i += 2;
                    continue;
                }
                in_class = true;
                out.push('[');
                if cs.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                class_start = true;
            }
            '[' | '&' | '~' if in_class => out.push_str(&hex_escape(c as u32)),
            ']' if in_class && !at_class_start => {
                in_class = false;
                out.push(']');
            }
            ']' if in_class => out.push_str(&hex_escape(c as u32)),
            _ => out.push(c),
        }
        i += 1;
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// JSON Schema formats
// ---------------------------------------------------------------------------------------------

/// Constants checked against an XDM field's format (JSON Schema formats seen in XDM): `Some`
/// says why `value` is not a valid `format`; `None` when it is, or when the format is unknown.
pub fn check_format(value: &str, format: &str) -> Option<String> {
    match format {
        "date-time" => check_date_time(value).err(),
        "date" => check_full_date(value).err(),
        "email" => check_email(value).err(),
        "uri" => check_uri(value).err(),
        "uri-reference" => check_uri_reference(value).err(),
        "ipv4" => value.parse::<Ipv4Addr>().err().map(|_| {
            format!("'{value}' is not an IPv4 address (four numbers 0-255 separated by dots, like 192.168.0.1)")
        }),
        "ipv6" => {
            value.parse::<Ipv6Addr>().err().map(|_| format!("'{value}' is not an IPv6 address (like 2001:db8::1)"))
        }
        _ => None,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
            if leap { 29 } else { 28 }
        }
    }
}

/// Parse exactly `n` ASCII digits of `s` at byte `at`.
fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(part.iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, a real calendar day.
fn check_full_date(v: &str) -> Result<(), String> {
    let b = v.as_bytes();
    let shape = || format!("'{v}' is not a date in the form YYYY-MM-DD");
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(shape());
    }
    let (Some(year), Some(month), Some(day)) = (digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2)) else {
        return Err(shape());
    };
    if !(1..=12).contains(&month) {
        return Err(format!("month {month:02} is out of range (01-12) in '{v}'"));
    }
    let max = days_in_month(year, month);
    if day == 0 || day > max {
        return Err(if month == 2 && day == 29 {
            format!("{year} is not a leap year: February has 28 days in '{v}'")
        } else {
            format!("day {day:02} is out of range (01-{max}) for month {month:02} in '{v}'")
        });
    }
    Ok(())
}

/// RFC 3339 `date-time`: `full-date "T" full-time`, with a `Z` or `±hh:mm` offset.
fn check_date_time(v: &str) -> Result<(), String> {
    let b = v.as_bytes();
    let shape = || format!("'{v}' is not an RFC 3339 date-time like 2026-11-28T10:00:00Z");
    if b.len() < 11 || !v.is_char_boundary(10) {
        return Err(shape());
    }
    check_full_date(&v[..10])?;
    match b[10] {
        b'T' | b't' => {}
        b' ' => {
            return Err(format!("date and time must be separated by 'T', not a space, in '{v}'"));
        }
        _ => return Err(shape()),
    }
    let t = &b[11..];
    if t.len() < 8 || t[2] != b':' || t[5] != b':' {
        return Err(format!("the time in '{v}' must be hh:mm:ss"));
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(t, 0, 2), digits(t, 3, 2), digits(t, 6, 2)) else {
        return Err(format!("the time in '{v}' must be hh:mm:ss"));
    };
    if hour > 23 {
        return Err(format!("hour {hour:02} is out of range (00-23) in '{v}'"));
    }
    if minute > 59 {
        return Err(format!("minute {minute:02} is out of range (00-59) in '{v}'"));
    }
    if second > 60 {
        return Err(format!("second {second:02} is out of range (00-59) in '{v}'"));
    }
    let mut k = 8;
    if t.get(k) == Some(&b'.') {
        let digits_start = k + 1;
        k += 1;
        while t.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        if k == digits_start {
            return Err(format!("the fraction of a second in '{v}' needs at least one digit after '.'"));
        }
    }
    let offset_minutes: i64 = match t.get(k) {
        Some(b'Z' | b'z') => {
            k += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let o = &t[k + 1..];
            if o.len() < 5 || o[2] != b':' {
                return Err(format!("the offset in '{v}' must be Z or ±hh:mm"));
            }
            let (Some(oh), Some(om)) = (digits(o, 0, 2), digits(o, 3, 2)) else {
                return Err(format!("the offset in '{v}' must be Z or ±hh:mm"));
            };
            if oh > 23 || om > 59 {
                return Err(format!("the offset in '{v}' is out of range (hours 00-23, minutes 00-59)"));
            }
            k += 6;
            let m = i64::from(oh * 60 + om);
            if sign == b'+' { m } else { -m }
        }
        None => {
            return Err(format!("'{v}' has no time-zone offset: add Z (UTC) or ±hh:mm"));
        }
        Some(_) => return Err(format!("the offset in '{v}' must be Z or ±hh:mm")),
    };
    if k != t.len() {
        return Err(format!("unexpected text after the offset in '{v}'"));
    }
    if second == 60 {
        // A leap second is only ever 23:59:60 UTC.
        let utc = (i64::from(hour * 60 + minute) - offset_minutes).rem_euclid(24 * 60);
        if utc != 23 * 60 + 59 {
            return Err(format!("second 60 (a leap second) is only valid at 23:59 UTC, in '{v}'"));
        }
    }
    Ok(())
}

fn check_email(v: &str) -> Result<(), String> {
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("'{v}' contains whitespace or control characters"));
    }
    let ats = v.matches('@').count();
    if ats == 0 {
        return Err(format!("'{v}' has no '@'"));
    }
    if ats > 1 {
        return Err(format!("'{v}' has more than one '@'"));
    }
    let (local, domain) = v.split_once('@').unwrap_or((v, ""));
    if local.is_empty() {
        return Err(format!("'{v}' has nothing before the '@'"));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(format!("the part before the '@' in '{v}' has a misplaced '.'"));
    }
    if domain.is_empty() {
        return Err(format!("'{v}' has no domain after the '@'"));
    }
    if !domain.contains('.') {
        return Err(format!("the domain of '{v}' has no '.' (like example.com)"));
    }
    if domain.split('.').any(str::is_empty) {
        return Err(format!("the domain of '{v}' has an empty label (a leading, trailing or doubled '.')"));
    }
    if let Some(bad) = domain.chars().find(|c| "()<>[]:;,\"\\".contains(*c)) {
        return Err(format!("the domain of '{v}' contains '{bad}'"));
    }
    if let Some(bad) = local.chars().find(|c| "()<>[]:;,\"\\".contains(*c)) {
        return Err(format!("the part before the '@' in '{v}' contains '{bad}'"));
    }
    Ok(())
}

/// RFC 3986 characters, with `%hh` escapes checked.
fn check_uri_chars(v: &str, rest: &str) -> Result<(), String> {
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
                return Err(format!("'{v}' has a '%' that is not followed by two hex digits"));
            }
            i += 3;
            continue;
        }
        let allowed = c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c);
        if !allowed {
            let ch = rest[i..].chars().next().unwrap_or('?');
            return Err(if ch == ' ' {
                format!("'{v}' contains a space, which must be percent-encoded as %20")
            } else {
                format!("'{v}' contains '{}', which must be percent-encoded in a URI", ch.escape_debug())
            });
        }
        i += 1;
    }
    Ok(())
}

fn check_uri(v: &str) -> Result<(), String> {
    let no_scheme = || format!("'{v}' is not an absolute URI: it must start with a scheme like https:");
    let Some(colon) = v.find(':') else {
        return Err(no_scheme());
    };
    let scheme = &v[..colon];
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err(no_scheme());
    }
    check_uri_chars(v, &v[colon + 1..])
}

fn check_uri_reference(v: &str) -> Result<(), String> {
    match v.chars().find(|c| c.is_whitespace() || c.is_control()) {
        Some(' ') => Err(format!("'{v}' contains a space, which must be percent-encoded as %20")),
        Some(c) => Err(format!("'{v}' contains '{}', which is not allowed in a URI reference", c.escape_debug())),
        None => Ok(()),
    }
}
