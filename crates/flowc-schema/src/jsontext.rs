//! Byte positions in raw JSON text. serde_json's `Value` keeps no positions, so diagnostics
//! find their span again by walking the text along the value's JSON pointer. All scanning is
//! iterative and never panics on malformed input (it just finds nothing).

use flowc_diag::Span;

/// One step of a JSON pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The span of the value at `path` (as raw text, quotes included for strings).
pub(crate) fn locate(text: &str, path: &[Seg<'_>]) -> Option<Span> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    for seg in path {
        i = match *seg {
            Seg::Key(key) => member(b, i, key)?.1,
            Seg::Index(n) => element(b, i, n)?,
        };
    }
    let end = skip_value(b, i)?;
    Some(Span::new(i, end))
}

/// The span of the key (quotes included) of member `key` of the object at `path`.
pub(crate) fn locate_key(text: &str, path: &[Seg<'_>], key: &str) -> Option<Span> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    for seg in path {
        i = match *seg {
            Seg::Key(k) => member(b, i, k)?.1,
            Seg::Index(n) => element(b, i, n)?,
        };
    }
    Some(member(b, i, key)?.0)
}

/// Offset of the 1-based `line` and `column` (bytes, as serde_json counts them).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    if line > 1 {
        match text.match_indices('\n').nth(line - 2) {
            Some((i, _)) => offset = i + 1,
            None => return text.len(),
        }
    }
    let mut at = (offset + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `i` is at a `"`; returns the offset just past the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Offset just past the value starting at `i`, counting brackets instead of recursing.
fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        let c = *b.get(i)?;
        match c {
            b'"' => i = skip_string(b, i)?,
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' => i += 1,
            _ => {
                while i < b.len()
                    && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    i += 1;
                }
            }
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

fn key_matches(raw: &[u8], key: &str) -> bool {
    if !raw.contains(&b'\\') {
        return raw == key.as_bytes();
    }
    std::str::from_utf8(raw)
        .ok()
        .and_then(|s| serde_json::from_str::<String>(&format!("\"{s}\"")).ok())
        .is_some_and(|decoded| decoded == key)
}

/// `i` is at an object; returns the span of member `key`'s key and the start of its value.
fn member(b: &[u8], i: usize, key: &str) -> Option<(Span, usize)> {
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(b, i + 1);
    loop {
        if b.get(i)? != &b'"' {
            return None;
        }
        let key_end = skip_string(b, i)?;
        let found = key_matches(&b[i + 1..key_end - 1], key);
        let key_span = Span::new(i, key_end);
        i = skip_ws(b, key_end);
        if b.get(i)? != &b':' {
            return None;
        }
        i = skip_ws(b, i + 1);
        if found {
            return Some((key_span, i));
        }
        i = skip_ws(b, skip_value(b, i)?);
        if b.get(i)? != &b',' {
            return None;
        }
        i = skip_ws(b, i + 1);
    }
}

/// `i` is at an array; returns the start of element `n`.
fn element(b: &[u8], i: usize, n: usize) -> Option<usize> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut i = skip_ws(b, i + 1);
    for _ in 0..n {
        i = skip_ws(b, skip_value(b, i)?);
        if b.get(i)? != &b',' {
            return None;
        }
        i = skip_ws(b, i + 1);
    }
    (b.get(i)? != &b']').then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  "a": {"x\"y": [1, {"b": "two"}, true]},
  "$ref": "https://ns.adobe.com/xdm/context/persn"
}"#;

    fn text_at(span: Span) -> &'static str {
        &TEXT[span.start..span.end]
    }

    #[test]
    fn finds_values_by_pointer() {
        let span = locate(TEXT, &[Seg::Key("$ref")]).unwrap();
        assert_eq!(text_at(span), r#""https://ns.adobe.com/xdm/context/persn""#);
        let span = locate(
            TEXT,
            &[
                Seg::Key("a"),
                Seg::Key("x\"y"),
                Seg::Index(1),
                Seg::Key("b"),
            ],
        )
        .unwrap();
        assert_eq!(text_at(span), r#""two""#);
        let span = locate(TEXT, &[Seg::Key("a"), Seg::Key("x\"y"), Seg::Index(2)]).unwrap();
        assert_eq!(text_at(span), "true");
        assert_eq!(locate(TEXT, &[Seg::Key("missing")]), None);
        assert_eq!(
            locate(TEXT, &[Seg::Key("a"), Seg::Key("x\"y"), Seg::Index(3)]),
            None
        );
        let key = locate_key(TEXT, &[], "$ref").unwrap();
        assert_eq!(text_at(key), r#""$ref""#);
    }

    #[test]
    fn malformed_text_finds_nothing_without_panicking() {
        for text in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":",
            "[1,",
            "\"",
            "}",
            "{\"a\": [}",
            "{\"a\\",
        ] {
            let _ = locate(text, &[Seg::Key("a"), Seg::Index(0)]);
            let _ = locate_key(text, &[], "a");
        }
    }

    #[test]
    fn converts_line_and_column() {
        assert_eq!(offset_of("ab\ncd", 1, 1), 0);
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
        assert_eq!(offset_of("ab\ncd", 9, 1), 5);
        assert_eq!(offset_of("é", 1, 2), 0);
    }
}
