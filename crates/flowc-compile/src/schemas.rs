//! The one module that builds `jsonschema` validators. Keep it small and rarely edited: the
//! options builder's generics are compiled into whoever calls them (see CRATES.md), and
//! every validator here is offline — jsonschema is built without its network features, so a
//! `$ref` to anything outside the schema fails to compile instead of being fetched.

use serde_json::Value;

pub use jsonschema::error::ValidationErrorKind;
pub use jsonschema::{ValidationError, ValidatorMap};

/// Every subschema of a draft-07 schema, compiled, keyed by pointer: `#` (the root),
/// `#/if`, `#/else/then/properties/interval`, ... The schema is checked against the draft-07
/// meta-schema first; the error says what is wrong.
pub fn compile(schema: &Value) -> Result<ValidatorMap, String> {
    jsonschema::draft7::options().build_map(schema).map_err(|e| e.to_string())
}

/// Checks a schema against the draft-07 meta-schema: the first problem's message and the
/// JSON pointer (inside the schema) of the part at fault.
pub fn check(schema: &Value) -> Result<(), (String, String)> {
    jsonschema::draft7::meta::validate(schema).map_err(|e| (e.to_string(), e.instance_path().as_str().to_owned()))
}
