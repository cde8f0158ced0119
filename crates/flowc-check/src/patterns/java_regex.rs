//! Java regexes (`java.util.regex.Pattern`): a parser that follows Java's own rules and
//! translates the pattern into `fancy-regex` syntax with Java's meaning.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::java_study::{MAX_REPS, Node, Repeat, expanded_size, lookbehind_culprit};
use super::java_unicode::{character_named, java_property};
use super::{Cache, PatternProblem, build_regex, cached, is_size_limit};

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
        self.regex.as_ref()?;
        let full = self.full.get_or_init(|| build_regex(&format!("\\A(?:{})\\z", self.translated)).ok());
        full.as_ref()?.is_match(text).ok()
    }
}

/// The largest regex (in nodes, counted repetitions written out) that is built for matching:
/// `\\d{4}`-style counts are far below it, and the engine's memory stays within a few MB.
const MAX_EXPANDED_SIZE: u64 = 100_000;

/// The deepest nesting of groups and classes that is built for matching: the engine's parser
/// refuses deeper ones (and recurses on the stack), while Java accepts them.
const MAX_BUILT_NESTING: usize = 64;

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
    // The translator recurses once per nesting level (several KB in a debug build); a regex
    // that may nest deeper than the caller's stack surely holds is translated on a thread of
    // its own, with room for `MAX_NESTING` levels.
    let openings = regex.bytes().filter(|&b| b == b'(' || b == b'[').count();
    if openings > SHALLOW_NESTING {
        let owned = regex.to_string();
        let deep = std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn(move || translate_and_build(&owned))
            .map(|thread| thread.join());
        if let Ok(Ok(result)) = deep {
            return result;
        }
    }
    translate_and_build(regex)
}

fn translate_and_build(regex: &str) -> JavaCompiled {
    let toks = java_tokens(regex);
    let mut tr = JavaTranslator::new(toks.clone(), regex.len(), None);
    let mut alts = tr.run()?;
    if tr.saw_backref {
        // Backreferences to groups that do not exist need the total group count.
        let total = tr.groups;
        tr = JavaTranslator::new(toks, regex.len(), Some(total));
        alts = tr.run()?;
    }
    // A regex too big to build (`(?<=a{1,2147483647})`) is judged by its syntax alone, which
    // Java's parser has checked above; it cannot be matched here.
    let compiled = if expanded_size(&alts) > MAX_EXPANDED_SIZE || tr.max_depth > MAX_BUILT_NESTING {
        None
    } else {
        match build_regex(&tr.out) {
            Ok(r) => Some(r),
            Err(e) if is_size_limit(&e) => None,
            Err(e) => return Err(fancy_error_problem(regex, &tr.map, &e)),
        }
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
    /// A zero-width construct that fancy-regex refuses to repeat (an assertion, a look-around,
    /// a group of nothing else) and that was emitted at this output offset: a quantifier after
    /// it is dropped (minimum ≥ 1) or makes it an alternative to nothing (minimum 0), which is
    /// what repeating it means.
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
    /// An assertion or a group emitted verbatim (outside classes only), and its study node.
    Raw(String, Node),
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
    saw_backref: bool,
    warning: Option<PatternProblem>,
    depth: usize,
    max_depth: usize,
    /// An escape at the end of a class range is being read.
    range_end: bool,
}

type JResult<T> = Result<T, PatternProblem>;

const JAVA_META_OUTSIDE: &str = "\\.+*?()|[]{}^$#&-~";
/// Java's own limit is its thread's stack: with its default stack Java 17 compiles 1,000
/// nested capturing groups (not 2,000), 500 non-capturing ones (not 1,000) and 3,000 nested
/// classes; flowc accepts 1,000 of each and refuses deeper nesting with a clear error.
const MAX_NESTING: usize = 1000;
/// Regexes with at most this many `(` and `[` are translated on the caller's stack.
const SHALLOW_NESTING: usize = 100;
/// The stack of the thread that translates deeper ones (reserved, touched only as used).
const DEEP_STACK: usize = 64 << 20;

pub(super) fn hex_escape(cp: u32) -> String {
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
            saw_backref: false,
            warning: None,
            depth: 0,
            max_depth: 0,
            range_end: false,
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

    fn insert_out(&mut self, at: usize, s: &str, span: (usize, usize)) {
        self.out.insert_str(at, s);
        self.map.splice(at..at, std::iter::repeat_n(span, s.len()));
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

    /// Translate the whole regex; its alternatives as study nodes.
    fn run(&mut self) -> JResult<Vec<Vec<Node>>> {
        let (alts, _) = self.alternation()?;
        if let Some(t) = self.peek() {
            // Only an unmatched ')' stops the top-level alternation.
            return Err(PatternProblem::error(t.start, t.end, "unmatched closing ')'")
                .with_help("remove it, or escape it as \\) to match a literal ')'"));
        }
        Ok(alts)
    }

    /// The alternatives, as study nodes, and whether all are zero-width.
    fn alternation(&mut self) -> JResult<(Vec<Vec<Node>>, bool)> {
        let mut alts = Vec::new();
        let mut zero_width = true;
        loop {
            let (nodes, zw) = self.sequence()?;
            alts.push(nodes);
            zero_width &= zw;
            match self.peek() {
                Some(t) if !t.quoted && t.c == '|' => {
                    self.emit("|", (t.start, t.end));
                    self.pos += 1;
                }
                _ => return Ok((alts, zero_width)),
            }
        }
    }

    /// A sequence as study nodes, and whether it is made of zero-width constructs only.
    fn sequence(&mut self) -> JResult<(Vec<Node>, bool)> {
        let mut last = Last::Nothing;
        let mut nodes = Vec::new();
        let mut zero_width = true;
        loop {
            if let Last::Atom = last {
                zero_width = false;
            }
            self.skip_ws();
            let Some(t) = self.peek() else {
                return Ok((nodes, zero_width));
            };
            let span = (t.start, t.end);
            if t.quoted {
                self.emit(&lit_outside(t.c as u32), span);
                self.pos += 1;
                last = Last::Atom;
                nodes.push(Node::Char);
                zero_width = false;
                continue;
            }
            match t.c {
                '|' | ')' => return Ok((nodes, zero_width)),
                '(' => {
                    let (l, node) = self.group()?;
                    last = l;
                    nodes.extend(node);
                }
                '[' => {
                    self.class()?;
                    last = Last::Atom;
                    nodes.push(Node::Char);
                }
                '\\' => {
                    let (l, node) = self.escape_outside()?;
                    last = l;
                    nodes.push(node);
                }
                '*' | '+' | '?' => {
                    if let Last::Nothing = last {
                        return Err(PatternProblem::error(
                            t.start,
                            t.end,
                            format!("dangling meta character '{}': there is nothing before it to repeat", t.c),
                        )
                        .with_help(format!("escape it as \\{} to match a literal '{}'", t.c, t.c)));
                    }
                    self.quantifier(&mut last, &mut nodes)?;
                }
                '{' => self.quantifier(&mut last, &mut nodes)?,
                '^' | '$' | '.' => {
                    let s = t.c.to_string();
                    self.emit(&s, span);
                    self.pos += 1;
                    last = Last::Atom;
                    nodes.push(if t.c == '.' { Node::Char } else { Node::Empty });
                }
                c => {
                    self.emit(&lit_outside(c as u32), span);
                    self.pos += 1;
                    last = Last::Atom;
                    nodes.push(Node::Char);
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

    /// A quantifier after `last`, the last of `nodes` (Java repeats an empty slice when there
    /// is nothing before a `{n}`).
    fn quantifier(&mut self, last: &mut Last, nodes: &mut Vec<Node>) -> JResult<()> {
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
        let span = (qstart, self.prev_end());
        let atom = match last {
            Last::Nothing => Node::Empty,
            _ => nodes.pop().unwrap_or(Node::Empty),
        };
        nodes.push(Node::Repeat(Box::new(Repeat {
            atom,
            min: i32::try_from(min).unwrap_or(MAX_REPS),
            max: max.map_or(MAX_REPS, |m| i32::try_from(m).unwrap_or(MAX_REPS)),
            open_ended: max.is_none(),
            optional: min == 0 && max == Some(1),
            greedy: modifier.is_empty(),
            possessive: modifier == "+",
            span,
        })));
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
                    self.insert_out(at, "(?:", span);
                    self.emit("|)", span);
                }
            }
        }
        *last = Last::Nothing;
        Ok(())
    }

    /// A group, and its study node (none for inline flags).
    fn group(&mut self) -> JResult<(Last, Option<Node>)> {
        let open = self.toks[self.pos];
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
        if self.depth > MAX_NESTING {
            return Err(too_deep(open, "groups"));
        }
        self.pos += 1;
        let saved = self.flags;
        let out_start = self.out.len();
        let open_span = (open.start, open.end);
        let mut lookaround = false;
        let mut lookbehind = false;
        let mut independent = false;
        // In comments mode Java skips whitespace wherever it reads with `peek`/`read`/`next`
        // (here, around group openings and inside escapes), but not after a backslash.
        self.skip_ws();
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
                }
                '=' | '!' => {
                    self.pos += 1;
                    self.emit(&format!("(?{kc}"), open_span);
                    lookaround = true;
                }
                '>' => {
                    self.pos += 1;
                    self.emit("(?>", open_span);
                    independent = true;
                }
                '<' => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.raw_is(0, '=') || self.raw_is(0, '!') {
                        let c = self.toks[self.pos].c;
                        self.pos += 1;
                        self.emit(&format!("(?<{c}"), open_span);
                        lookaround = true;
                        lookbehind = true;
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
                    while let Some(f) = self.skip_ws_peek() {
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
                    match self.skip_ws_peek() {
                        Some(e) if !e.quoted && e.c == ')' => {
                            self.pos += 1;
                            if !flags_text.is_empty() {
                                self.emit(&format!("(?{flags_text})"), (open.start, e.end));
                            }
                            self.depth -= 1;
                            // Inline flags last until the end of the enclosing group.
                            return Ok((Last::Nothing, None));
                        }
                        Some(e) if !e.quoted && e.c == ':' => {
                            self.pos += 1;
                            if flags_text.is_empty() {
                                self.emit("(?:", open_span);
                            } else {
                                self.emit(&format!("(?{flags_text}:"), open_span);
                            }
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
        let (alts, zero_width) = self.alternation()?;
        match self.peek() {
            Some(t) if !t.quoted && t.c == ')' => {
                self.emit(")", (t.start, t.end));
                self.pos += 1;
            }
            _ => return Err(self.unclosed_group(open)),
        }
        self.flags = saved;
        if lookbehind && let Some(culprit) = lookbehind_culprit(&alts) {
            let (start, end) = culprit.unwrap_or((open.start, self.prev_end()));
            return Err(PatternProblem::error(
                start,
                end,
                "look-behind group does not have an obvious maximum length",
            )
            .with_help("in (?<=…) and (?<!…) Java repeats only single characters or classes without limit (\\w+, [ab]*); a repeated group, \\R or a backreference needs a bounded repetition such as {0,10}"));
        }
        self.depth -= 1;
        let last = if lookaround || zero_width { Last::ZeroWidth(out_start) } else { Last::Atom };
        let node = if lookaround {
            Node::Look(alts)
        } else if independent {
            Node::Independent(alts)
        } else {
            Node::Group(alts)
        };
        Ok((last, Some(node)))
    }

    fn unclosed_group(&self, open: Tok) -> PatternProblem {
        PatternProblem::error(open.start, open.end, "unclosed group: this '(' has no matching ')'")
            .with_help("add the missing ')', or escape the '(' as \\( to match it literally")
    }

    /// Java group names: an ASCII letter, then ASCII letters and digits, then '>'.
    fn group_name(&mut self, open: Tok) -> JResult<String> {
        let mut name = String::new();
        match self.skip_ws_peek() {
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
        while let Some(t) = self.skip_ws_peek() {
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
        self.max_depth = self.max_depth.max(self.depth);
        if self.depth > MAX_NESTING {
            return Err(too_deep(open, "character classes"));
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
                    self.range_end = true;
                    let end = self.escape(true);
                    self.range_end = false;
                    match end? {
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

    fn escape_outside(&mut self) -> JResult<(Last, Node)> {
        let start = self.here();
        let esc = self.escape(false)?;
        let span = (start, self.prev_end());
        Ok(match esc {
            Esc::Char(cp) => {
                self.emit(&lit_outside(cp), span);
                (Last::Atom, Node::Char)
            }
            Esc::Set { body, negated } => {
                let s = if negated { format!("[^{body}]") } else { format!("[{body}]") };
                self.emit(&s, span);
                (Last::Atom, Node::Char)
            }
            Esc::Raw(s, node) => {
                let at = self.out.len();
                self.emit(&s, span);
                // fancy-regex refuses to repeat an assertion; repeating one means what
                // `Last::ZeroWidth` does with it.
                if matches!(node, Node::Empty) { (Last::ZeroWidth(at), node) } else { (Last::Atom, node) }
            }
            Esc::Backref(n) => {
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
                        (Last::ZeroWidth(at), Node::BackRef(span))
                    }
                    _ => {
                        self.emit(&format!("(?:\\{n})"), span);
                        (Last::Atom, Node::BackRef(span))
                    }
                }
            }
            Esc::Nothing => (Last::ZeroWidth(self.out.len()), Node::Empty),
        })
    }

    /// Java's `peek()`: the next token, past whitespace and comments in comments mode.
    fn skip_ws_peek(&mut self) -> Option<Tok> {
        self.skip_ws();
        self.peek()
    }

    /// The next digit of `radix` (Java's `read()`), consumed.
    fn read_digit(&mut self, radix: u32) -> Option<u32> {
        let d = self.skip_ws_peek().filter(|t| !t.quoted).and_then(|t| t.c.to_digit(radix))?;
        self.pos += 1;
        Some(d)
    }

    fn read_u4(&mut self) -> Option<u32> {
        let mut v = 0;
        for _ in 0..4 {
            v = v * 16 + self.read_digit(16)?;
        }
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
                let Some(n) = self.read_digit(8) else {
                    return Err(here_err(
                        self,
                        "illegal octal escape sequence: \\0 must be followed by 1 to 3 octal digits".into(),
                    )
                    .with_help("write \\x00 or \\u0000 for the NUL character"));
                };
                let mut v = n;
                if let Some(m) = self.read_digit(8) {
                    v = v * 8 + m;
                    if n <= 3
                        && let Some(o) = self.read_digit(8)
                    {
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
                while let Some(d) = self.skip_ws_peek().filter(|t| !t.quoted).and_then(|t| t.c.to_digit(10)) {
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
            'c' => match self.skip_ws_peek() {
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
                let brace = self.skip_ws_peek().is_some_and(|t| !t.quoted && t.c == '{');
                if !brace && let Some(a) = self.read_digit(16) {
                    let Some(b) = self.read_digit(16) else {
                        return Err(here_err(
                            self,
                            "illegal hexadecimal escape sequence: expected \\xhh or \\x{h…h}".into(),
                        ));
                    };
                    Esc::Char(a * 16 + b)
                } else if brace && {
                    self.pos += 1;
                    self.skip_ws_peek().is_some_and(|t| !t.quoted && t.c.is_ascii_hexdigit())
                } {
                    let mut v: u32 = 0;
                    while let Some(d) = self.read_digit(16) {
                        v = v * 16 + d;
                        if v > 0x10FFFF {
                            return Err(here_err(self, "hexadecimal codepoint is too big (above \\x{10FFFF})".into()));
                        }
                    }
                    if !self.skip_ws_peek().is_some_and(|t| !t.quoted && t.c == '}') {
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
                let start = self.pos;
                let Some(hi) = self.read_u4() else {
                    self.pos = start;
                    return Err(here_err(
                        self,
                        "illegal Unicode escape sequence: expected \\u followed by 4 hex digits".into(),
                    ));
                };
                if (0xD800..0xDC00).contains(&hi)
                    && self.skip_ws_peek().is_some()
                    && self.raw_is(0, '\\')
                    && self.raw_is(1, 'u')
                {
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
            // In a class, `\v` at either end of a range is the vertical tab, as before Java 8.
            'v' if in_class && (self.range_end || self.raw_is(0, '-')) => Esc::Char(0x0B),
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
                let name = if self.skip_ws_peek().is_some_and(|t| !t.quoted && t.c == '{') {
                    self.pos += 1;
                    // Java skips leading whitespace of the name, but keeps the rest as written.
                    self.skip_ws();
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
                match java_property(&name, self.flags.unicode_class) {
                    Ok(body) => Esc::Set { body, negated },
                    Err((message, help)) => {
                        return Err(here_err(self, message).with_opt_help(help));
                    }
                }
            }
            'b' => {
                not_in_class(self)?;
                let save = self.pos;
                if self.skip_ws_peek().is_some_and(|t| !t.quoted && t.c == '{') && self.raw_is(1, 'g') {
                    // \b{g}: a grapheme-cluster boundary; approximated as "no constraint".
                    self.pos += 2;
                    if !self.skip_ws_peek().is_some_and(|t| !t.quoted && t.c == '}') {
                        return Err(here_err(
                            self,
                            "illegal/unsupported escape sequence: \\b{g} is missing its '}'".into(),
                        ));
                    }
                    self.pos += 1;
                    Esc::Nothing
                } else {
                    self.pos = save;
                    Esc::Raw(r"\b".into(), Node::Empty)
                }
            }
            'B' => {
                not_in_class(self)?;
                Esc::Raw(r"\B".into(), Node::Empty)
            }
            'A' => {
                not_in_class(self)?;
                Esc::Raw(r"\A".into(), Node::Empty)
            }
            'G' => {
                not_in_class(self)?;
                Esc::Raw(r"\G".into(), Node::Empty)
            }
            'z' => {
                not_in_class(self)?;
                Esc::Raw(r"\z".into(), Node::Empty)
            }
            'Z' => {
                not_in_class(self)?;
                Esc::Raw(r"(?=(?:\r\n|[\n\r\u{85}\u{2028}\u{2029}])?\z)".into(), Node::Empty)
            }
            'R' => {
                not_in_class(self)?;
                Esc::Raw(r"(?:\r\n|[\n\u{B}\f\r\u{85}\u{2028}\u{2029}])".into(), Node::LineEnding)
            }
            'X' => {
                not_in_class(self)?;
                Esc::Raw(r"(?:\r\n|(?s:.)\p{M}*)".into(), Node::Grapheme)
            }
            'N' => {
                // \N{NAME}: a character by its name (Java 9+), as `Character.codePointOf` knows it.
                if !self.skip_ws_peek().is_some_and(|t| !t.quoted && t.c == '{') {
                    return Err(here_err(
                        self,
                        "\\N must be followed by a character name in braces: \\N{LATIN SMALL LETTER A}".into(),
                    ));
                }
                self.pos += 1;
                let mut name = String::new();
                let mut closed = false;
                while let Some(x) = self.peek() {
                    self.pos += 1;
                    if !x.quoted && x.c == '}' {
                        closed = true;
                        break;
                    }
                    name.push(x.c);
                }
                if !closed {
                    return Err(here_err(self, "unclosed character name: expected '}'".into()));
                }
                match character_named(&name) {
                    Some(cp) => Esc::Char(cp),
                    None => {
                        return Err(here_err(self, format!("unknown character name [{name}]"))
                            .with_help("\\N{…} takes a Unicode character name such as LATIN SMALL LETTER A (any case); write \\x{…} for a code point"));
                    }
                }
            }
            'k' => {
                not_in_class(self)?;
                if !self.skip_ws_peek().is_some_and(|t| !t.quoted && t.c == '<') {
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

fn too_deep(open: Tok, what: &str) -> PatternProblem {
    PatternProblem::error(open.start, open.end, format!("{what} are nested more than {MAX_NESTING} levels deep"))
        .with_help("Java fails with a stack overflow on nesting this deep; flatten the regex")
}

fn slice_or(toks: &[Tok], start: usize, end: usize) -> String {
    toks.iter().filter(|t| t.start >= start && t.end <= end).map(|t| t.c).collect()
}
