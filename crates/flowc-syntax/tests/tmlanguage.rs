//! Checks `grammar/flowc.tmLanguage.json`, the TextMate grammar that editors (VS Code, Shiki,
//! GitHub) use to highlight flow files.
//!
//! A small TextMate tokenizer below runs the grammar with fancy-regex in Oniguruma mode. It
//! implements what the grammar uses: `match` with `captures`, `begin`/`end` with
//! `beginCaptures`/`endCaptures`/`patterns`/`contentName`, captures with `patterns`, and
//! `include` of `#name`, `$self` and `$base`; lines are tokenized one by one with their `\n`,
//! the rule stack carried from line to line, as vscode-textmate does. Its scopes are checked
//! against a hand-written table, and on every `fixtures/syntax/ok/*.flow` against what flowc's
//! own parser reads: comments, strings, block keywords, setting keys, destinations, calls.

use fancy_regex::{Captures, Regex, RegexBuilder};
use flowc_syntax::ast::{Column, Columns, Expr, ExprKind, Item, Value, ValueKind};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::ops::Range;

const GRAMMAR_JSON: &str = include_str!("../../../grammar/flowc.tmLanguage.json");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/syntax/ok");

/// Oniguruma, as vscode-textmate runs it, reads `^` and `$` as line anchors.
fn compile(pattern: &str) -> Result<Regex, fancy_regex::Error> {
    RegexBuilder::new(pattern).oniguruma_mode(true).multi_line(true).build()
}

// ---- the grammar, loaded into rules ----

type RuleId = usize;

enum Pattern {
    Rule(RuleId),
    Include(String),
}

struct Capture {
    name: Option<String>,
    /// A group rule holding the capture's `patterns`: the captured text is tokenized with them.
    patterns: Option<RuleId>,
}

type CaptureMap = BTreeMap<usize, Capture>;

enum Kind {
    /// Only `patterns`: the grammar root, a repository entry grouping rules, a capture's patterns.
    Group,
    Match {
        re: Regex,
        captures: CaptureMap,
    },
    BeginEnd {
        begin: Regex,
        end: Regex,
        begin_captures: CaptureMap,
        end_captures: CaptureMap,
    },
}

struct Rule {
    name: Option<String>,
    content_name: Option<String>,
    kind: Kind,
    patterns: Vec<Pattern>,
}

struct Grammar {
    scope_name: String,
    rules: Vec<Rule>,
    repository: HashMap<String, RuleId>,
    root: RuleId,
}

fn text(rule: &Map<String, Json>, key: &str) -> Option<String> {
    rule.get(key).and_then(Json::as_str).map(str::to_owned)
}

impl Grammar {
    fn load(json: &str) -> Grammar {
        let json: Json = serde_json::from_str(json).expect("the grammar is valid JSON");
        let mut grammar = Grammar {
            scope_name: json["scopeName"].as_str().expect("scopeName").to_owned(),
            rules: Vec::new(),
            repository: HashMap::new(),
            root: 0,
        };
        for (name, rule) in json["repository"].as_object().expect("repository") {
            let id = grammar.rule(rule.as_object().expect("a repository entry is an object"));
            grammar.repository.insert(name.clone(), id);
        }
        grammar.root = grammar.rule(json.as_object().expect("object"));
        grammar
    }

    fn rule(&mut self, json: &Map<String, Json>) -> RuleId {
        for unsupported in ["while", "applyEndPatternLast", "injections"] {
            assert!(!json.contains_key(unsupported), "this tokenizer does not implement `{unsupported}`");
        }
        let end = json.get("end").and_then(Json::as_str).unwrap_or_default();
        assert!(!compile(r"\\[1-9]").unwrap().is_match(end).unwrap(), "back-references in `end` are not implemented");
        let regex = |key: &str| compile(json[key].as_str().expect("a regex string")).expect("compiles");
        let kind = if json.contains_key("match") {
            Kind::Match { re: regex("match"), captures: self.captures(json.get("captures")) }
        } else if json.contains_key("begin") {
            let shared = json.get("captures");
            Kind::BeginEnd {
                begin: regex("begin"),
                end: regex("end"),
                begin_captures: self.captures(json.get("beginCaptures").or(shared)),
                end_captures: self.captures(json.get("endCaptures").or(shared)),
            }
        } else {
            Kind::Group
        };
        let patterns = self.patterns(json.get("patterns"));
        let name = text(json, "name");
        let content_name = text(json, "contentName");
        self.rules.push(Rule { name, content_name, kind, patterns });
        self.rules.len() - 1
    }

    fn patterns(&mut self, json: Option<&Json>) -> Vec<Pattern> {
        let list = json.map(|p| p.as_array().expect("patterns is an array").clone()).unwrap_or_default();
        list.iter()
            .map(|p| {
                let p = p.as_object().expect("a pattern is an object");
                match text(p, "include") {
                    Some(include) => Pattern::Include(include),
                    None => Pattern::Rule(self.rule(p)),
                }
            })
            .collect()
    }

    fn captures(&mut self, json: Option<&Json>) -> CaptureMap {
        let Some(map) = json.and_then(Json::as_object) else { return CaptureMap::new() };
        map.iter()
            .map(|(group, capture)| {
                let capture = capture.as_object().expect("a capture is an object");
                let patterns = capture.contains_key("patterns").then(|| {
                    let patterns = self.patterns(capture.get("patterns"));
                    let kind = Kind::Group;
                    self.rules.push(Rule { name: None, content_name: None, kind, patterns });
                    self.rules.len() - 1
                });
                let group = group.parse().expect("a capture key is a group number");
                (group, Capture { name: text(capture, "name"), patterns })
            })
            .collect()
    }

    /// The rules a rule's patterns stand for, with includes and groups flattened, in order.
    fn expand(&self, patterns: &[Pattern], out: &mut Vec<RuleId>, depth: usize) {
        assert!(depth < 32, "includes loop");
        for pattern in patterns {
            let id = match pattern {
                Pattern::Rule(id) => *id,
                Pattern::Include(name) if name == "$self" || name == "$base" => self.root,
                Pattern::Include(name) => {
                    let key = name.strip_prefix('#').unwrap_or_else(|| panic!("unsupported include `{name}`"));
                    *self.repository.get(key).unwrap_or_else(|| panic!("include `{name}` is not in the repository"))
                }
            };
            match self.rules[id].kind {
                Kind::Group => self.expand(&self.rules[id].patterns, out, depth + 1),
                _ => out.push(id),
            }
        }
    }
}

// ---- the tokenizer ----

/// The scopes of one byte, outermost first.
type Scopes<'g> = Vec<&'g str>;

/// A begin/end rule that is open. `outer` carries the rule's `name`, `inner` also its
/// `contentName`: the begin and end matches get `outer`, the text between them `inner`.
struct Frame<'g> {
    rule: RuleId,
    outer: Scopes<'g>,
    inner: Scopes<'g>,
}

enum Found {
    End,
    Rule(RuleId),
}

fn search<'t>(re: &Regex, line: &'t str, pos: usize) -> Option<Captures<'t, str>> {
    re.captures_from_pos(line, pos).unwrap_or_else(|e| panic!("`{}` failed: {e}", re.as_str()))
}

fn with<'g>(scopes: &[&'g str], more: &'g Option<String>) -> Scopes<'g> {
    scopes.iter().copied().chain(more.as_deref()).collect()
}

impl Grammar {
    /// The scopes of every byte of `src`.
    fn tokenize(&self, src: &str) -> Vec<Scopes<'_>> {
        let top = vec![self.scope_name.as_str()];
        let mut stack = vec![Frame { rule: self.root, outer: top.clone(), inner: top }];
        let mut out = Vec::with_capacity(src.len());
        for line in src.split_inclusive('\n') {
            // Like vscode-textmate, every line is matched with its `\n`.
            let with_newline = if line.ends_with('\n') { line.to_owned() } else { format!("{line}\n") };
            let scopes = self.tokenize_line(&with_newline, 0, &mut stack);
            out.extend(scopes.into_iter().take(line.len()));
        }
        out
    }

    /// Tokenizes `line` from `pos`; returns the scopes of each byte (none before `pos`).
    fn tokenize_line<'g>(&'g self, line: &str, mut pos: usize, stack: &mut Vec<Frame<'g>>) -> Vec<Scopes<'g>> {
        let mut scopes: Vec<Scopes<'g>> = vec![Vec::new(); line.len()];
        while pos < line.len() {
            let frame = stack.last().expect("the root frame stays");
            // The leftmost match wins; on a tie the end pattern, then the first pattern.
            let mut best: Option<(Found, Captures<str>)> = None;
            let mut consider = |found: Found, re: &Regex| {
                if let Some(c) = search(re, line, pos) {
                    let start = c.get(0).expect("group 0").start();
                    if best.as_ref().is_none_or(|(_, b)| start < b.get(0).expect("group 0").start()) {
                        best = Some((found, c));
                    }
                }
            };
            let rule = &self.rules[frame.rule];
            if let Kind::BeginEnd { end, .. } = &rule.kind {
                consider(Found::End, end);
            }
            let mut candidates = Vec::new();
            self.expand(&rule.patterns, &mut candidates, 0);
            for id in candidates {
                match &self.rules[id].kind {
                    Kind::Match { re, .. } | Kind::BeginEnd { begin: re, .. } => consider(Found::Rule(id), re),
                    Kind::Group => unreachable!("expand flattens groups"),
                }
            }
            let Some((found, caps)) = best else {
                fill(&mut scopes[pos..], &frame.inner);
                break;
            };
            let whole = caps.get(0).expect("group 0").range();
            fill(&mut scopes[pos..whole.start], &frame.inner);
            match found {
                // An empty end match still makes progress: it pops a frame.
                Found::End => {
                    let frame = stack.pop().expect("an open rule");
                    let Kind::BeginEnd { end_captures, .. } = &self.rules[frame.rule].kind else { unreachable!() };
                    fill(&mut scopes[whole.clone()], &frame.outer);
                    self.apply_captures(line, &caps, end_captures, &mut scopes);
                }
                Found::Rule(id) => {
                    let rule = &self.rules[id];
                    assert!(!whole.is_empty(), "rule {:?} matched the empty string: it would loop", rule.name);
                    let outer = with(&frame.inner, &rule.name);
                    fill(&mut scopes[whole.clone()], &outer);
                    match &rule.kind {
                        Kind::Match { captures, .. } => self.apply_captures(line, &caps, captures, &mut scopes),
                        Kind::BeginEnd { begin_captures, .. } => {
                            self.apply_captures(line, &caps, begin_captures, &mut scopes);
                            let inner = with(&outer, &rule.content_name);
                            stack.push(Frame { rule: id, outer, inner });
                        }
                        Kind::Group => unreachable!(),
                    }
                }
            }
            pos = whole.end;
        }
        scopes
    }

    fn apply_captures<'g>(&'g self, line: &str, caps: &Captures<str>, spec: &'g CaptureMap, scopes: &mut [Scopes<'g>]) {
        for (&group, capture) in spec {
            let Some(m) = caps.get(group) else { continue };
            if let Some(name) = &capture.name {
                scopes[m.range()].iter_mut().for_each(|s| s.push(name));
            }
            if let Some(rule) = capture.patterns {
                // As vscode-textmate does: the line up to the capture's end, from its start.
                let mut stack = vec![Frame { rule, outer: Vec::new(), inner: Vec::new() }];
                let sub = self.tokenize_line(&line[..m.end()], m.start(), &mut stack);
                for (s, extra) in scopes[m.range()].iter_mut().zip(&sub[m.range()]) {
                    s.extend(extra);
                }
            }
        }
    }
}

fn fill<'g>(scopes: &mut [Scopes<'g>], value: &[&'g str]) {
    for s in scopes {
        s.clear();
        s.extend_from_slice(value);
    }
}

/// `scope` is `prefix` or below it: `comment.line.flowc` is under `comment`.
fn under(scope: &str, prefix: &str) -> bool {
    scope.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn has(scopes: &[&str], prefix: &str) -> bool {
    scopes.iter().any(|s| under(s, prefix))
}

// ---- checks on the grammar file itself ----

/// Every regex of the grammar (`match`, `begin`, `end`, `while`), with its JSON path.
fn regexes(json: &Json, path: String, out: &mut Vec<(String, String)>) {
    match json {
        Json::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("match" | "begin" | "end" | "while", Json::String(re)) => {
                        out.push((format!("{path}/{key}"), re.clone()))
                    }
                    _ => regexes(value, format!("{path}/{key}"), out),
                }
            }
        }
        Json::Array(items) => items.iter().enumerate().for_each(|(i, v)| regexes(v, format!("{path}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_regex_compiles_and_every_include_resolves() {
    let json: Json = serde_json::from_str(GRAMMAR_JSON).expect("the grammar is valid JSON");
    assert_eq!(json["scopeName"], "source.flowc");
    assert_eq!(json["fileTypes"], serde_json::json!(["flow"]));

    let mut all = Vec::new();
    regexes(&json, String::new(), &mut all);
    assert!(all.len() > 30, "only {} regexes found", all.len());
    let mut broken = Vec::new();
    for (path, re) in &all {
        match compile(re) {
            Err(e) => broken.push(format!("{path}: `{re}`: {e}")),
            // No capture key may name a group the regex does not have.
            Ok(compiled) => {
                let (parent, key) = path.rsplit_once('/').unwrap();
                let rule = json.pointer(parent).unwrap();
                let capture_keys = match key {
                    "match" => vec!["captures"],
                    "begin" => vec!["captures", "beginCaptures"],
                    "end" => vec!["captures", "endCaptures"],
                    _ => vec![],
                };
                for keys in capture_keys.iter().filter_map(|k| rule.get(*k)).filter_map(Json::as_object) {
                    for group in keys.keys() {
                        let n: usize = group.parse().expect("numeric capture key");
                        if n >= compiled.captures_len() {
                            broken.push(format!("{path}: no group {n} in `{re}`"));
                        }
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "regexes that do not work with fancy-regex:\n{}", broken.join("\n"));

    let grammar = Grammar::load(GRAMMAR_JSON);
    for rule in &grammar.rules {
        grammar.expand(&rule.patterns, &mut Vec::new(), 0);
    }
}

// ---- (a) a hand-written table on the example of the language ----

const EXAMPLE: &str = r#"# Payments dataflow
flow {
  name = "Dataflow between payments # Platform"
  spec = CRMToAEP
}
source {
  format = tabular
  columns {
    Product_Id: string
    Create_Time: string as date-time format "yyyy-MM-dd"
    address: object {
      street: string
    }
  }
}
schedule {
  startTime = 1767225600
  frequency = minute
  interval = 15
}
mapping {
  @identity(namespace = "ECID", primary)
  _id = Product_Id
  x = iif(${segmentMembership.ups.seg_id.status}=="exited","1","0") # trailing
  _{TENANT_ID}.d = address.street\.name
  # flowc: ignore[F301] the column is filled upstream
  e[*].f = customerInfo.emails[*].name
  s = concat("a # b", 'it\'s') + str_to_object(x).get("k")
  t = "s".equalsIgnoreCase("S") and not (n mod 2 == 0) ? true : null
}
"#;

enum Expect {
    /// Every byte of the text has a scope under this prefix.
    Is(&'static str),
    /// No byte of the text has a scope under this prefix.
    Not(&'static str),
}
use Expect::{Is, Not};

/// (line number, text on that line, what its scopes are).
const TABLE: &[(usize, &str, Expect)] = &[
    (1, "# Payments dataflow", Is("comment.line.number-sign")),
    (2, "flow", Is("keyword.other.block")),
    (3, "name", Is("variable.other.key")),
    (3, "=", Is("keyword.operator.assignment")),
    (3, "\"Dataflow between payments # Platform\"", Is("string.quoted.double")),
    (3, "# Platform", Not("comment")),
    (4, "CRMToAEP", Not("keyword")),
    (4, "CRMToAEP", Is("constant.other.word")),
    (6, "source", Is("keyword.other.block")),
    (7, "tabular", Is("constant.other.word")),
    (8, "columns", Is("keyword.other.columns")),
    (9, "Product_Id", Is("variable.other.column")),
    (9, "string", Is("storage.type")),
    (10, "as", Is("keyword.other.as")),
    (10, "date-time", Is("storage.type.xdm")),
    (10, "format", Is("keyword.other.format")),
    (10, "\"yyyy-MM-dd\"", Is("string.quoted.double")),
    (11, "object", Is("storage.type")),
    (12, "street", Is("variable.other.column")),
    (13, "}", Is("meta.columns.nested")),
    (17, "1767225600", Is("constant.numeric")),
    (18, "minute", Is("constant.other.word")),
    (18, "minute", Not("keyword")),
    (21, "mapping {", Is("meta.block.mapping")),
    (22, "@identity", Is("entity.name.function.decorator")),
    (22, "namespace", Is("variable.parameter")),
    (22, "\"ECID\"", Is("string.quoted.double")),
    (22, "primary", Is("variable.parameter")),
    (23, "_id", Is("variable.other.destination")),
    (23, "Product_Id", Is("variable.other.readwrite")),
    (23, "Product_Id", Not("variable.other.destination")),
    (24, "iif", Is("entity.name.function")),
    (24, "${segmentMembership.ups.seg_id.status}", Is("variable.other.quoted")),
    (24, "==", Is("keyword.operator.comparison")),
    (24, "\"exited\"", Is("string.quoted.double")),
    (24, "# trailing", Is("comment.line.number-sign")),
    (24, "# trailing", Not("string")),
    (25, "{TENANT_ID}", Is("constant.language.tenant")),
    (25, "_{TENANT_ID}.d", Is("variable.other.destination")),
    (25, "\\.", Is("constant.character.escape")),
    (25, "street\\.name", Is("variable.other.property")),
    (26, "# flowc: ignore[F301] the column is filled upstream", Is("comment.line.number-sign.directive")),
    (26, "F301", Is("constant.other.diagnostic-code")),
    (26, "the column is filled upstream", Not("constant.other.diagnostic-code")),
    (27, "e[*].f", Is("variable.other.destination")),
    (27, "*", Is("constant.language.wildcard")),
    (27, "customerInfo", Is("variable.other.readwrite")),
    (28, "concat", Is("entity.name.function")),
    (28, "\"a # b\"", Is("string.quoted.double")),
    (28, "\"a # b\"", Not("comment")),
    (28, "'it\\'s'", Is("string.quoted.single")),
    (28, "\\'", Is("constant.character.escape")),
    (28, "+", Is("keyword.operator.arithmetic")),
    (28, "str_to_object", Is("entity.name.function")),
    (28, "get", Is("entity.name.function.method")),
    (29, "equalsIgnoreCase", Is("entity.name.function.method")),
    (29, "and", Is("keyword.operator.word")),
    (29, "not", Is("keyword.operator.word")),
    (29, "mod", Is("keyword.operator.word")),
    (29, "?", Is("keyword.operator.ternary")),
    (29, "true", Is("constant.language")),
    (29, "null", Is("constant.language")),
    (30, "}", Is("punctuation.section.block.end")),
];

/// The rows of `table` that `src`'s scopes do not satisfy.
fn table_failures(src: &str, table: &[(usize, &str, Expect)]) -> Vec<String> {
    let grammar = Grammar::load(GRAMMAR_JSON);
    let scopes = grammar.tokenize(src);
    let line_starts: Vec<usize> = std::iter::once(0).chain(src.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut failures = Vec::new();
    for (line, needle, expect) in table {
        let start = line_starts[line - 1];
        let text = src[start..].lines().next().unwrap();
        let at = start + text.find(needle).unwrap_or_else(|| panic!("`{needle}` is not on line {line}: `{text}`"));
        let bad = scopes[at..at + needle.len()].iter().find(|s| match expect {
            Is(prefix) => !has(s, prefix),
            Not(prefix) => has(s, prefix),
        });
        if let Some(bad) = bad {
            let what = match expect {
                Is(prefix) => format!("under {prefix}"),
                Not(prefix) => format!("outside {prefix}"),
            };
            failures.push(format!("line {line}: `{needle}` should be {what}, but a byte has {bad:?}"));
        }
    }
    failures
}

#[test]
fn example_scopes_match_the_table() {
    let failures = table_failures(EXAMPLE, TABLE);
    assert!(failures.is_empty(), "{} of {} table rows fail:\n{}", failures.len(), TABLE.len(), failures.join("\n"));
}

/// Broken input: like the parser, the grammar picks up again at the next entry or block.
#[test]
fn unclosed_brackets_and_a_missing_brace_do_not_swallow_the_lines_below() {
    let src = "mapping\n  a = concat(x,\n  b = [1, (2\n  c = 'open\n  d = 1 # ok\n}\nflow {\n  name = 'n'\n}\n";
    let table = [
        (1, "mapping", Is("keyword.other.block")),
        (2, "a", Is("variable.other.destination")),
        (3, "b", Is("variable.other.destination")),
        (3, "2", Is("meta.parens")),
        (4, "c", Is("variable.other.destination")),
        (4, "'open", Is("string.quoted.single")),
        (5, "d", Is("variable.other.destination")),
        (5, "1", Not("meta.parens")),
        (5, "# ok", Is("comment")),
        (6, "}", Is("punctuation.section.block.end")),
        (7, "flow", Is("keyword.other.block")),
        (8, "name", Is("variable.other.key")),
    ];
    let failures = table_failures(src, &table);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- (b) fixtures: the grammar agrees with flowc's parser ----

/// What the parser says about a file, as byte ranges.
#[derive(Default)]
struct Facts {
    strings: Vec<Range<usize>>,
    calls: Vec<Range<usize>>,
    keys: Vec<Range<usize>>,
    destinations: Vec<Range<usize>>,
}

impl Facts {
    fn value(&mut self, value: &Value) {
        match &value.kind {
            ValueKind::String(_) => self.strings.push(value.span.start..value.span.end),
            ValueKind::Array(items) => items.iter().for_each(|v| self.value(v)),
            _ => {}
        }
    }

    fn column(&mut self, src: &str, column: &Column) {
        let name = column.name.span.start..column.name.span.end;
        if src[name.clone()].starts_with(['"', '\'']) {
            self.strings.push(name);
        }
        if let Some(format) = &column.format {
            self.strings.push(format.span.start..format.span.end);
        }
        column.children.iter().for_each(|c| self.column(src, c));
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::String(_) => self.strings.push(expr.span.start..expr.span.end),
            ExprKind::Array(items) => items.iter().for_each(|e| self.expr(e)),
            ExprKind::Call { name, args } => {
                self.calls.push(name.span.start..name.span.end);
                args.iter().for_each(|e| self.expr(e));
            }
            ExprKind::Method { receiver, name, args } => {
                self.calls.push(name.span.start..name.span.end);
                self.expr(receiver);
                args.iter().for_each(|e| self.expr(e));
            }
            ExprKind::Member { object, .. } => self.expr(object),
            ExprKind::Index { object, index } => {
                self.expr(object);
                self.expr(index);
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Ternary { condition, then, otherwise } => {
                [condition, then, otherwise].into_iter().for_each(|e| self.expr(e));
            }
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null | ExprKind::Path(_) => {}
        }
    }
}

/// Checks the grammar's scopes of `src` against the parser's reading of it; returns failures.
fn cross_check(grammar: &Grammar, file: &str, src: &str) -> Vec<String> {
    let parsed = flowc_syntax::parse(src);
    if parsed.has_errors() {
        return vec![format!("{file}: flowc reports errors, so it is no ground truth: {:?}", parsed.diagnostics)];
    }
    let mut facts = Facts::default();
    for block in &parsed.file.blocks {
        for item in &block.items {
            match item {
                Item::Setting(s) => {
                    facts.keys.push(s.key.span.start..s.key.span.end);
                    facts.value(&s.value);
                }
                Item::Columns(Columns::From { path, .. }) => facts.strings.push(path.span.start..path.span.end),
                Item::Columns(Columns::Inline { columns, .. }) => columns.iter().for_each(|c| facts.column(src, c)),
                Item::Entry(e) => {
                    e.attributes
                        .iter()
                        .flat_map(|a| &a.args)
                        .filter_map(|a| a.value.as_ref())
                        .for_each(|v| facts.value(v));
                    facts.destinations.push(e.destination.span.start..e.destination.span.end);
                    facts.expr(&e.expr);
                }
            }
        }
    }
    let comments: Vec<Range<usize>> = parsed.file.comments.iter().map(|s| s.start..s.end).collect();
    // Block keywords that start their line (the others are not promised a scope).
    let keywords: Vec<Range<usize>> = parsed
        .file
        .blocks
        .iter()
        .map(|b| b.keyword.start..b.keyword.end)
        .filter(|k| src[..k.start].rsplit('\n').next().unwrap().trim().is_empty())
        .collect();

    let scopes = grammar.tokenize(src);
    let mut failures = Vec::new();
    let at = |i: usize| {
        let line = src[..i].matches('\n').count() + 1;
        let col = i - src[..i].rfind('\n').map_or(0, |n| n + 1) + 1;
        format!("{file}:{line}:{col}")
    };
    // Every byte of each range has a scope under `prefix`.
    let mut all_in = |ranges: &[Range<usize>], prefix: &str, what: &str| {
        for r in ranges {
            if let Some(i) = r.clone().find(|&i| !has(&scopes[i], prefix)) {
                failures.push(format!("{}: {what} `{}` is not {prefix}: {:?}", at(i), &src[r.clone()], scopes[i]));
            }
        }
    };
    all_in(&comments, "comment", "comment");
    all_in(&facts.strings, "string", "string");
    all_in(&keywords, "keyword.other.block", "block keyword");
    all_in(&facts.keys, "variable.other.key", "setting key");
    all_in(&facts.destinations, "variable.other.destination", "destination");
    all_in(&facts.calls, "entity.name.function", "function name");
    // And the converse: these scopes are on nothing else.
    let mut only_in = |ranges: &[Range<usize>], prefix: &str| {
        let stray = (0..src.len()).find(|&i| has(&scopes[i], prefix) && !ranges.iter().any(|r| r.contains(&i)));
        if let Some(i) = stray {
            let line = src[..i].rsplit('\n').next().unwrap().to_owned() + src[i..].split('\n').next().unwrap();
            failures.push(format!("{}: `{line}` is {prefix} at a byte the parser does not see as one", at(i)));
        }
    };
    only_in(&comments, "comment");
    only_in(&facts.strings, "string");
    only_in(&keywords, "keyword.other.block");
    failures
}

/// More of the language than the fixtures show: `columns from`, arrays over several lines,
/// comments inside brackets, quotes inside strings, non-ASCII names, a block keyword as a
/// field name.
const MORE: &str = r#"# Columns from a file, arrays in settings, expressions over several lines.
flow {
  name = 'Orders: "daily" # import'
  spec = CRMToAEP
}
source {
  format = json
  path = "/landing/orders#2024.json"  # a '#' inside a string is not a comment
  columns from "columns/orders.json"
}
target {
  field_groups = [
    "https://ns.adobe.com/acme/mixins/order",  # a comment inside an array
    'https://ns.adobe.com/acme/mixins/customer',
  ]
  format = parquet_xdm
}
options {
  partialIngestionPercent = -2.5e1
  tags = [alpha, 'beta', 3, null]
}
mapping {
  # flowc: ignore-file[F113, unexpected-token] kept for the importer
  @identity(namespace = Email, group = "g", primary = true)
  @description("Lower-cased \"primary\" address")
  personalEmail.address = lower(trim(${Email Address}))
  _acme.orders[0].total = round(
    toDouble(amount) * 1.2e0,  # VAT
    2
  )
  _{TENANT_ID}.tags = [
    'a#b',
    upper(category),
  ]
  status = if (total >= 100 && !isEmpty(code), "large", 'small')
  matched = email =~ ".*@example\\.com" or name ne 'x' ? true : null
  domain = str_to_object(profile).get("email").split("@")[1]
  nom.prénom = concat(${Prénom}, straße, _{TENANT_ID}.x)
  flow = "a block keyword used as a field"
}
"#;

#[test]
fn fixtures_agree_with_the_parser() {
    let grammar = Grammar::load(GRAMMAR_JSON);
    let mut paths: Vec<_> = std::fs::read_dir(FIXTURES)
        .expect("fixtures/syntax/ok exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {FIXTURES}");

    let mut failures = cross_check(&grammar, "MORE", MORE);
    for path in &paths {
        let src = std::fs::read_to_string(path).expect("a UTF-8 fixture");
        let name = path.file_name().unwrap().to_string_lossy();
        failures.extend(cross_check(&grammar, &name, &src));
    }
    assert!(failures.is_empty(), "the grammar disagrees with the parser:\n{}", failures.join("\n"));
}
