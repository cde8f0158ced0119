//! The source side: typed fields from the columns a flow file declares, or from a JSON file
//! holding a sourceConnection body or an explore response (flat `columns`, or a JSON
//! Schema for hierarchical sources).

use crate::catalog::Type;
use flowc_diag::{Code, Diagnostic, Span};
use flowc_syntax::ast::{Column, Path, SegmentKind};
use serde_json::Value;
use std::collections::HashMap;

/// One source field, named by its lookup key: `address.street`, `emails[*].address`,
/// `street\.name` (a dot inside a name is escaped).
#[derive(Clone, Debug)]
pub struct SourceField {
    pub key: String,
    pub ty: Type,
    /// The XDM type the column is read as (`as date-time`), when declared.
    pub xdm: Option<String>,
    pub format: Option<String>,
    /// Where the flow file declares it (none for columns from a file).
    pub span: Option<Span>,
}

#[derive(Clone, Debug, Default)]
pub struct SourceModel {
    fields: Vec<SourceField>,
    by_key: HashMap<String, usize>,
}

/// The XDM type a source type name is read as when a column does not say (`as ...`); `None`
/// for a name flowc does not know. The one table of source type names: the checker's types
/// and the compiler's column bodies both come from it.
pub fn default_xdm_type(source_type: &str) -> Option<&'static str> {
    Some(match source_type.to_ascii_lowercase().as_str() {
        "string" | "str" | "text" | "varchar" | "char" | "nvarchar" | "uuid" | "guid" => "string",
        "long" | "bigint" | "int64" => "long",
        "int" | "integer" | "int32" => "int",
        "short" | "smallint" => "short",
        "byte" | "tinyint" => "byte",
        "number" | "double" | "float" | "decimal" | "numeric" | "real" | "money" => "number",
        "boolean" | "bool" | "bit" => "boolean",
        "date" => "date",
        "datetime" | "date-time" | "timestamp" => "date-time",
        "object" | "struct" | "record" => "object",
        "map" => "map",
        "array" => "array",
        _ => return None,
    })
}

/// The type a source type name means; `None` for a name flowc does not know.
pub fn source_type(name: &str) -> Option<Type> {
    match name.to_ascii_lowercase().as_str() {
        // A time of day has no XDM type of its own; `any` opts out of typing.
        "time" => Some(Type::DateTime),
        "any" => Some(Type::Any),
        _ => default_xdm_type(name).and_then(xdm_type),
    }
}

/// The XDM integer type a source integer type fits in, when the name tells.
fn integer_width(name: &str) -> Option<&'static str> {
    default_xdm_type(name).filter(|t| matches!(*t, "long" | "int" | "short" | "byte"))
}

/// The expression type a value read as this XDM type has.
pub fn xdm_type(name: &str) -> Option<Type> {
    Some(match name {
        "string" => Type::String,
        "long" | "int" | "integer" | "short" | "byte" => Type::Integer,
        "number" | "double" => Type::Number,
        "boolean" => Type::Boolean,
        "date" | "date-time" => Type::DateTime,
        "object" => Type::Object,
        "map" => Type::Map,
        "array" => Type::any_array(),
        _ => return None,
    })
}

pub const XDM_TYPES: &[&str] =
    &["string", "number", "long", "int", "short", "byte", "boolean", "date", "date-time", "object", "map", "array"];

/// A name as it appears in a key: dots escaped.
fn key_segment(name: &str) -> String {
    name.replace('.', "\\.")
}

impl SourceModel {
    fn push(&mut self, field: SourceField) {
        self.by_key.entry(field.key.clone()).or_insert(self.fields.len());
        self.fields.push(field);
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn fields(&self) -> &[SourceField] {
        &self.fields
    }

    pub fn get(&self, key: &str) -> Option<&SourceField> {
        self.by_key.get(key).map(|&i| &self.fields[i])
    }

    /// The field an expression path reads: indexes match `[*]`; a `${a.b.c}` name that is
    /// not one field is read as the path `a.b.c`.
    pub fn lookup(&self, path: &Path) -> Option<&SourceField> {
        let key = path_key(path);
        if let Some(f) = self.get(&key) {
            return Some(f);
        }
        let dotted = path_key_unquoted(path);
        if dotted != key { self.get(&dotted) } else { None }
    }

    /// Up to `n` keys nearest to `key`, nearest first.
    pub fn nearest(&self, key: &str, n: usize) -> Vec<&str> {
        let lower = key.to_lowercase();
        let mut scored: Vec<(usize, &str)> = self
            .fields
            .iter()
            .map(|f| (strsim::damerau_levenshtein(&lower, &f.key.to_lowercase()), f.key.as_str()))
            .filter(|(d, k)| *d <= 2.max(k.len() / 3))
            .collect();
        scored.sort();
        scored.into_iter().take(n).map(|(_, k)| k).collect()
    }

    /// From inline column declarations; unknown type names are reported.
    pub fn from_columns(columns: &[Column], diagnostics: &mut Vec<Diagnostic>) -> SourceModel {
        let mut model = SourceModel::default();
        // Explicit stack: declarations are depth-limited by the parser, but stay iterative.
        let mut stack: Vec<(String, &Column)> = columns.iter().rev().map(|c| (String::new(), c)).collect();
        while let Some((prefix, column)) = stack.pop() {
            let name = key_segment(&column.name.value);
            let mut key = if prefix.is_empty() { name } else { format!("{prefix}.{name}") };
            let declared = &column.source_type.value;
            let mut ty = source_type(declared).unwrap_or_else(|| {
                let known = "string, integer, long, double, decimal, boolean, date, timestamp, object, map, array";
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownSourceType,
                        column.source_type.span,
                        format!(
                            "column `{}` has the source type `{declared}`, which flowc does not know",
                            column.name.value
                        ),
                    )
                    .with_label("unknown source type")
                    .with_help(format!("use one of {known}; flowc reads this column as any type")),
                );
                Type::Any
            });
            // An integer source type tells the width the value can have.
            let mut xdm = integer_width(declared).map(str::to_owned);
            if let Some(x) = &column.xdm_type {
                match xdm_type(&x.value) {
                    Some(t) => {
                        ty = t;
                        xdm = Some(x.value.clone());
                    }
                    None => {
                        let mut d = Diagnostic::new(
                            Code::UnknownSourceType,
                            x.span,
                            format!("`{}` is not an XDM type", x.value),
                        )
                        .with_label("not an XDM type")
                        .with_note(format!("the XDM types are {}", XDM_TYPES.join(", ")));
                        let near = XDM_TYPES
                            .iter()
                            .map(|t| (strsim::damerau_levenshtein(&x.value, t), *t))
                            .filter(|(d, _)| *d <= 2)
                            .min();
                        if let Some((_, near)) = near {
                            d = d.with_help(format!("did you mean `{near}`?"));
                        }
                        diagnostics.push(d);
                    }
                }
            }
            if column.is_array {
                model.push(SourceField {
                    key: key.clone(),
                    ty: Type::array_of(ty.clone()),
                    xdm: None,
                    format: None,
                    span: Some(column.span),
                });
                key.push_str("[*]");
            }
            model.push(SourceField {
                key: key.clone(),
                ty,
                xdm,
                format: column.format.as_ref().map(|f| f.value.clone()),
                span: Some(column.span),
            });
            for child in column.children.iter().rev() {
                stack.push((key.clone(), child));
            }
        }
        model
    }

    /// From a JSON file: a sourceConnection body (`params.columns`), an explore response
    /// (`schema.columns`, or a hierarchical `schema` JSON Schema), or a bare column list.
    pub fn from_json(text: &str) -> Result<SourceModel, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let columns = value
            .pointer("/params/columns")
            .or_else(|| value.pointer("/schema/columns"))
            .or_else(|| value.get("columns"))
            .or_else(|| value.is_array().then_some(&value));
        let mut model = SourceModel::default();
        if let Some(columns) = columns.and_then(Value::as_array) {
            for column in columns {
                let Some(name) = column.get("name").and_then(Value::as_str) else {
                    return Err("a column has no `name`".into());
                };
                model.push_json_column(key_segment(name), column);
            }
            return Ok(model);
        }
        let schema = value.get("schema").filter(|s| s.get("properties").is_some());
        if let Some(schema) = schema {
            model.push_json_schema(String::new(), schema, 0);
            return Ok(model);
        }
        Err("found no `params.columns` (a sourceConnection body), `schema.columns` or `schema.properties` (an explore response)".into())
    }

    fn push_json_column(&mut self, key: String, column: &Value) {
        let xdm = column.get("meta:xdmType").and_then(Value::as_str).map(str::to_owned).or_else(|| {
            let x = column.get("xdm")?;
            let format = x.get("format").and_then(Value::as_str);
            match (x.get("type").and_then(Value::as_str), format) {
                (Some("string"), Some(f @ ("date" | "date-time"))) => Some(f.to_owned()),
                (Some(t), _) => Some(t.to_owned()),
                _ => None,
            }
        });
        let declared = column.get("type").and_then(Value::as_str).unwrap_or("any");
        let ty = xdm.as_deref().and_then(xdm_type).or_else(|| source_type(declared)).unwrap_or(Type::Any);
        self.push(SourceField { key, ty, xdm, format: None, span: None });
    }

    /// A JSON Schema of a hierarchical source: objects nest, arrays add `[*]`.
    fn push_json_schema(&mut self, prefix: String, schema: &Value, depth: usize) {
        if depth > 64 {
            return;
        }
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return };
        let mut names: Vec<&String> = properties.keys().collect();
        names.sort();
        for name in names {
            let prop = &properties[name];
            let segment = key_segment(name);
            let key = if prefix.is_empty() { segment } else { format!("{prefix}.{segment}") };
            self.push_json_property(key, prop, depth);
        }
    }

    fn push_json_property(&mut self, key: String, prop: &Value, depth: usize) {
        let kind = prop.get("type").and_then(Value::as_str).unwrap_or("any");
        let format = prop.get("format").and_then(Value::as_str);
        let ty = match (kind, format) {
            ("string", Some("date" | "date-time")) => Type::DateTime,
            ("array", _) => Type::any_array(),
            (k, _) => source_type(k).unwrap_or(Type::Any),
        };
        self.push(SourceField { key: key.clone(), ty, xdm: None, format: None, span: None });
        match kind {
            "object" => self.push_json_schema(key, prop, depth + 1),
            "array" => {
                if let Some(items) = prop.get("items") {
                    self.push_json_property(format!("{key}[*]"), items, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// A path's lookup key: names joined by dots (dots inside names escaped), `[n]` as `[*]`.
pub fn path_key(path: &Path) -> String {
    key_of(path, false)
}

/// Like [`path_key`], but a `${a.b}` name counts as the path `a.b`.
fn path_key_unquoted(path: &Path) -> String {
    key_of(path, true)
}

fn key_of(path: &Path, quoted_is_path: bool) -> String {
    let mut key = String::with_capacity(path.span.len());
    for (i, segment) in path.segments.iter().enumerate() {
        match &segment.kind {
            SegmentKind::Field { name, quoted } => {
                if i > 0 {
                    key.push('.');
                }
                if *quoted && quoted_is_path { key.push_str(name) } else { key.push_str(&key_segment(name)) }
            }
            SegmentKind::Index(_) | SegmentKind::Each => key.push_str("[*]"),
        }
    }
    key
}
