//! Setting values as JSON, typed as written: `15` is an integer, `"15"` a string.

use flowc_syntax::ast::{Value, ValueKind};
use serde_json::Value as Json;

/// The JSON a setting's value stands for. Numbers keep their kind: whole numbers without a
/// fraction or exponent are integers, others are floats; words are strings.
pub fn value_to_json(value: &Value) -> Json {
    match &value.kind {
        ValueKind::String(s) | ValueKind::Word(s) => Json::String(s.clone()),
        ValueKind::Bool(b) => Json::Bool(*b),
        ValueKind::Null => Json::Null,
        ValueKind::Number(text) => number(text),
        ValueKind::Array(items) => Json::Array(items.iter().map(value_to_json).collect()),
    }
}

fn number(text: &str) -> Json {
    if !text.contains(['.', 'e', 'E'])
        && let Ok(n) = text.parse::<i64>()
    {
        return Json::from(n);
    }
    if !text.contains(['.', 'e', 'E'])
        && let Ok(n) = text.parse::<u64>()
    {
        return Json::from(n);
    }
    text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Json::Null, Json::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(src: &str) -> Json {
        let text = format!("options {{\n  x = {src}\n}}\n");
        let parsed = flowc_syntax::parse(&text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        value_to_json(&parsed.file.blocks[0].setting("x").expect("x").value)
    }

    #[test]
    fn values_keep_the_json_type_they_are_written_with() {
        assert_eq!(json_of("15"), Json::from(15));
        assert_eq!(json_of("\"15\""), Json::from("15"));
        assert_eq!(json_of("-2"), Json::from(-2));
        assert_eq!(json_of("2.5"), Json::from(2.5));
        assert_eq!(json_of("minute"), Json::from("minute"));
        assert_eq!(json_of("true"), Json::from(true));
        assert_eq!(json_of("null"), Json::Null);
        assert_eq!(json_of("[1, \"a\"]"), serde_json::json!([1, "a"]));
        assert_eq!(json_of("18446744073709551615"), Json::from(u64::MAX));
    }
}
