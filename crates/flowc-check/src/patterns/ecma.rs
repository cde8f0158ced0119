//! JSON Schema `pattern`s (ECMA-262 regexes), matched against constants.

use std::sync::{Arc, OnceLock};

use super::java_regex::hex_escape;
use super::{Cache, build_regex, cached};

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
