//! JSON that keeps where each key and value is in its text, so a diagnostic on a JSON file
//! points at the line and column of the offending key or value (serde_json keeps no
//! positions). A strict RFC 8259 parser: a syntax error is a [`JsonError`] with its span,
//! never a panic, on any input.

use crate::Span;
use serde_json::Value;

/// Nesting deeper than this is reported, not recursed into.
pub const MAX_DEPTH: usize = 256;

/// A JSON value and the span of its text (quotes included for strings).
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    pub kind: JsonKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    /// The number as written (valid JSON number syntax).
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in the order written; a repeated key appears twice (the last one counts, as
    /// in serde_json).
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    /// Quotes included.
    pub key_span: Span,
    pub value: Json,
}

/// A syntax error: what was expected, at the offending character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub span: Span,
    pub message: String,
}

impl Json {
    /// The value of member `key` (the last one when repeated).
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.member(key).map(|m| &m.value)
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            JsonKind::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn members(&self) -> &[Member] {
        match &self.kind {
            JsonKind::Object(members) => members,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Json] {
        match &self.kind {
            JsonKind::Array(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, JsonKind::Null)
    }

    /// The value at a JSON pointer (`/mappings/3/source`; `""` is the whole document).
    pub fn pointer(&self, pointer: &str) -> Option<&Json> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut at = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            at = match &at.kind {
                JsonKind::Object(_) => at.get(&segment)?,
                JsonKind::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(at)
    }

    /// The span of the key of the member a pointer ends at, else of the value.
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        let (parent, last) = pointer.rsplit_once('/')?;
        let last = last.replace("~1", "/").replace("~0", "~");
        match self.pointer(parent)?.member(&last) {
            Some(m) => Some(m.key_span),
            None => self.pointer(pointer).map(|v| v.span),
        }
    }

    pub fn to_value(&self) -> Value {
        match &self.kind {
            JsonKind::Null => Value::Null,
            JsonKind::Bool(b) => Value::Bool(*b),
            JsonKind::Number(n) => n.parse::<serde_json::Number>().map_or(Value::Null, Value::Number),
            JsonKind::String(s) => Value::String(s.clone()),
            JsonKind::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            JsonKind::Object(members) => {
                Value::Object(members.iter().map(|m| (m.key.clone(), m.value.to_value())).collect())
            }
        }
    }

    /// What the value is, for messages: `the string "30"`, `an object` (see [`describe`]).
    pub fn describe(&self) -> String {
        match &self.kind {
            JsonKind::Array(_) => "an array".into(),
            JsonKind::Object(_) => "an object".into(),
            // A scalar converts cheaply.
            _ => describe(&self.to_value()),
        }
    }
}

/// What a JSON value is, for messages: `null`, `the boolean true`, `the number 5`,
/// `the string "30"`, `an array`, `an object`.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", Value::String(s.clone())),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The byte offset of a 1-based line and column as serde_json reports them (a column
/// counts bytes; 0 is the end of the previous line), on a character boundary; the end of
/// the text for a line past it.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let mut at = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Where the `decoded`-th byte of a string's value is in `text`, for a string value at
/// `span` (its opening quote): escapes such as `\"` and `\u00e9` are one decoded character
/// but several bytes of text.
pub fn string_offset(text: &str, span: Span, decoded: usize) -> usize {
    let raw = &text.as_bytes()[span.start.min(text.len())..span.end.min(text.len())];
    let (mut i, mut seen) = (1, 0);
    while i + 1 < raw.len() && seen < decoded {
        if raw[i] == b'\\' {
            let (len, produced) = match raw.get(i + 1) {
                Some(b'u') => {
                    let unit = std::str::from_utf8(raw.get(i + 2..i + 6).unwrap_or_default())
                        .ok()
                        .and_then(|h| u32::from_str_radix(h, 16).ok());
                    match unit {
                        // A surrogate pair is one character of four UTF-8 bytes.
                        Some(0xD800..=0xDBFF) => (12, 4),
                        Some(u) => (6, char::from_u32(u).map_or(3, char::len_utf8)),
                        None => (2, 1),
                    }
                }
                _ => (2, 1),
            };
            i += len;
            seen += produced;
        } else {
            i += 1;
            seen += 1;
        }
    }
    span.start + i.min(raw.len())
}

/// Parses a whole JSON text.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut p = Parser { text, b: text.as_bytes(), at: 0 };
    // A byte order mark is not JSON, but editors write it.
    if text.starts_with('\u{feff}') {
        p.at = 3;
    }
    p.ws();
    let value = p.value(0)?;
    p.ws();
    if p.at < p.b.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(value)
}

struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    at: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.at < self.b.len() && matches!(self.b[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    /// An error at the current character (or at the end of the text).
    fn error(&self, message: impl Into<String>) -> JsonError {
        let end = self.text[self.at.min(self.text.len())..].chars().next().map_or(self.at, |c| self.at + c.len_utf8());
        JsonError { span: Span::new(self.at.min(self.text.len()), end.min(self.text.len())), message: message.into() }
    }

    fn eof_or(&self, what: &str) -> JsonError {
        if self.at >= self.b.len() {
            self.error(format!("the text ends where {what} was expected"))
        } else {
            self.error(format!("expected {what}"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        let start = self.at;
        let kind = match self.b.get(self.at) {
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
                }
                self.object(depth)?
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
                }
                self.array(depth)?
            }
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => JsonKind::Number(self.number()?),
            Some(b't') => self.word("true", JsonKind::Bool(true))?,
            Some(b'f') => self.word("false", JsonKind::Bool(false))?,
            Some(b'n') => self.word("null", JsonKind::Null)?,
            _ => return Err(self.eof_or("a value")),
        };
        Ok(Json { kind, span: Span::new(start, self.at) })
    }

    fn word(&mut self, word: &str, kind: JsonKind) -> Result<JsonKind, JsonError> {
        if self.b[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(kind)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonKind, JsonError> {
        self.at += 1;
        let mut members = Vec::new();
        self.ws();
        if self.b.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(JsonKind::Object(members));
        }
        loop {
            self.ws();
            if self.b.get(self.at) != Some(&b'"') {
                return Err(match self.b.get(self.at) {
                    Some(b'}') => self.error("a trailing comma: expected a member after `,`"),
                    _ => self.eof_or("a member name in double quotes"),
                });
            }
            let key_start = self.at;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.at);
            self.ws();
            if self.b.get(self.at) != Some(&b':') {
                return Err(self.eof_or("`:` after the member name"));
            }
            self.at += 1;
            self.ws();
            let value = self.value(depth + 1)?;
            members.push(Member { key, key_span, value });
            self.ws();
            match self.b.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(JsonKind::Object(members));
                }
                _ => return Err(self.eof_or("`,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonKind, JsonError> {
        self.at += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(JsonKind::Array(items));
        }
        loop {
            self.ws();
            if self.b.get(self.at) == Some(&b']') {
                return Err(self.error("a trailing comma: expected a value after `,`"));
            }
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.b.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(JsonKind::Array(items));
                }
                _ => return Err(self.eof_or("`,` or `]`")),
            }
        }
    }

    fn number(&mut self) -> Result<String, JsonError> {
        let start = self.at;
        let digits = |p: &mut Parser| {
            let from = p.at;
            while p.b.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            p.at > from
        };
        if self.b.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.b.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.eof_or("a digit")),
        }
        if self.b.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.eof_or("a digit after the decimal point"));
            }
        }
        if matches!(self.b.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.b.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.eof_or("a digit in the exponent"));
            }
        }
        Ok(self.text[start..self.at].to_owned())
    }

    /// A string at its opening quote; leaves `at` after the closing quote.
    fn string(&mut self) -> Result<String, JsonError> {
        let open = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            let run_start = self.at;
            while self.at < self.b.len() && !matches!(self.b[self.at], b'"' | b'\\' | 0..=0x1f) {
                self.at += 1;
            }
            // Boundaries are ASCII bytes, so the run is whole UTF-8.
            out.push_str(&self.text[run_start..self.at]);
            match self.b.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => out.push(self.escape()?),
                Some(_) => {
                    return Err(self.error("a control character inside a string: write it as an escape such as `\\n`"));
                }
                None => {
                    self.at = open;
                    return Err(self.error("this string is never closed"));
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let hex = self.b.get(self.at..self.at + 4).and_then(|h| std::str::from_utf8(h).ok());
        match hex.filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit())).and_then(|h| u32::from_str_radix(h, 16).ok()) {
            Some(unit) => {
                self.at += 4;
                Ok(unit)
            }
            None => Err(self.error("expected four hex digits after `\\u`")),
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let backslash = self.at;
        self.at += 1;
        let c = match self.b.get(self.at) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                let unit = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&unit) {
                    if !self.b[self.at..].starts_with(b"\\u") {
                        self.at = backslash;
                        return Err(
                            self.error("a lone surrogate: `\\uD800`–`\\uDBFF` must be followed by a low surrogate")
                        );
                    }
                    self.at += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        self.at = backslash;
                        return Err(self.error("a high surrogate followed by something other than a low surrogate"));
                    }
                    0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    unit
                };
                return char::from_u32(code).ok_or_else(|| {
                    self.at = backslash;
                    self.error("a lone low surrogate")
                });
            }
            _ => {
                self.at = backslash;
                return Err(self.error("an invalid escape: JSON knows `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`"));
            }
        };
        self.at += 1;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_spans_of_keys_and_values() {
        let text = "{\n  \"a\": [1, \"x\\\"y\"],\n  \"b\": {\"c\": null}\n}";
        let json = parse(text).expect("valid");
        let x = json.pointer("/a/1").expect("a/1");
        assert_eq!(&text[x.span.start..x.span.end], "\"x\\\"y\"");
        assert_eq!(x.as_str(), Some("x\"y"));
        assert_eq!(&text[json.key_span("/b/c").expect("key").start..][..3], "\"c\"");
        assert_eq!(json.to_value(), serde_json::from_str::<Value>(text).expect("serde"));
    }

    #[test]
    fn string_offsets_step_over_escapes() {
        let text = r#"{"s": "a\"b\u00e9c"}"#;
        let json = parse(text).expect("valid");
        let s = json.get("s").expect("s");
        let decoded = s.as_str().expect("string");
        let c = decoded.find('c').expect("c");
        assert_eq!(&text[string_offset(text, s.span, c)..][..1], "c");
        assert_eq!(&text[string_offset(text, s.span, 0)..][..1], "a");
    }

    #[test]
    fn syntax_errors_have_their_place() {
        for (text, at, what) in [
            ("{\"a\": 1,}", 8, "trailing comma"),
            ("{\"a\" 1}", 5, "`:`"),
            ("[1 2]", 3, "`,` or `]`"),
            ("{\"a\": \"x", 6, "never closed"),
            ("{\"a\": tru}", 6, "a value"),
            ("{} x", 3, "trailing characters"),
            ("", 0, "ends"),
            ("\"\\q\"", 1, "invalid escape"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.span.start, at, "{text}: {e:?}");
            assert!(e.message.contains(what), "{text}: {e:?}");
        }
    }

    #[test]
    fn converts_serde_json_line_and_column() {
        assert_eq!(offset_of("ab\ncd", 1, 1), 0);
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
        assert_eq!(offset_of("ab\ncd", 9, 1), 5);
        assert_eq!(offset_of("é", 1, 2), 0);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).expect_err("deep").message.contains("levels deep"));
    }
}
