//! Byte positions in raw JSON text. serde_json's `Value` keeps no positions, so diagnostics
//! find their span again by reading the text with `flowc_diag::json`, which keeps them,
//! along the value's path. Malformed input finds nothing, and never panics.

use flowc_diag::Span;
use flowc_diag::json::Json;

/// One step of a JSON pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn walk<'j>(doc: &'j Json, path: &[Seg<'_>]) -> Option<&'j Json> {
    path.iter().try_fold(doc, |at, seg| match *seg {
        Seg::Key(key) => at.get(key),
        Seg::Index(n) => at.items().get(n),
    })
}

/// The span of the value at `path` (as raw text, quotes included for strings).
pub(crate) fn locate(text: &str, path: &[Seg<'_>]) -> Option<Span> {
    locate_in(&flowc_diag::json::parse(text).ok()?, path)
}

/// [`locate`] in a text already read with positions (to place many diagnostics in one file).
pub(crate) fn locate_in(doc: &Json, path: &[Seg<'_>]) -> Option<Span> {
    walk(doc, path).map(|v| v.span)
}

/// The span of the key (quotes included) of member `key` of the object at `path`.
pub(crate) fn locate_key_in(doc: &Json, path: &[Seg<'_>], key: &str) -> Option<Span> {
    walk(doc, path)?.member(key).map(|m| m.key_span)
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
        let span = locate(TEXT, &[Seg::Key("a"), Seg::Key("x\"y"), Seg::Index(1), Seg::Key("b")]).unwrap();
        assert_eq!(text_at(span), r#""two""#);
        let span = locate(TEXT, &[Seg::Key("a"), Seg::Key("x\"y"), Seg::Index(2)]).unwrap();
        assert_eq!(text_at(span), "true");
        assert_eq!(locate(TEXT, &[Seg::Key("missing")]), None);
        assert_eq!(locate(TEXT, &[Seg::Key("a"), Seg::Key("x\"y"), Seg::Index(3)]), None);
        let key = locate_key_in(&flowc_diag::json::parse(TEXT).unwrap(), &[], "$ref").unwrap();
        assert_eq!(text_at(key), r#""$ref""#);
    }

    #[test]
    fn malformed_text_finds_nothing_without_panicking() {
        for text in ["", "{", "{\"a\"", "{\"a\":", "[1,", "\"", "}", "{\"a\": [}", "{\"a\\"] {
            let _ = locate(text, &[Seg::Key("a"), Seg::Index(0)]);
            if let Ok(doc) = flowc_diag::json::parse(text) {
                let _ = locate_key_in(&doc, &[], "a");
            }
        }
    }
}
