//! Flow specs and their catalog.
//!
//! A flow spec is data that carries the rules of a flow: `scheduleSpec.spec`,
//! `transformationSpec[].spec`, `optionSpec.spec` and `runSpec.spec` are draft-07 JSON
//! Schemas, and `sourceConnectionSpecIds` / `targetConnectionSpecIds` list the connection
//! specs it accepts. The CRMToAEP flow spec (`GET /flowSpecs?property=name=="CRMToAEP"`) is
//! built in; more are read from files holding a `GET /flowSpecs` response: one flow spec, or
//! `{"items": [...]}`.

use crate::schemas::{self, ValidatorMap};
use flowc_diag::files::{AnyFile, FileProvider, MAX_FILE_BYTES, Refusal};
use flowc_diag::{Code, Diagnostic, Span};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The built-in flow spec's JSON, exactly as the API returns it.
pub const BUILTIN_JSON: &str = include_str!("../flowspecs/crm-to-aep.json");
/// The flow spec a flow uses when its `flow` block names none.
pub const DEFAULT_FLOW_SPEC: &str = "CRMToAEP";
/// What [`FlowSpec::origin`] says of the built-in flow spec.
pub const BUILTIN_ORIGIN: &str = "built in";

/// One flow spec.
#[derive(Clone)]
pub struct FlowSpec {
    pub id: String,
    pub name: String,
    pub version: String,
    pub source_connection_spec_ids: Vec<String>,
    pub target_connection_spec_ids: Vec<String>,
    /// The whole flow spec, as read.
    pub value: Value,
    /// Where it was read from: a file's path, or [`BUILTIN_ORIGIN`].
    pub origin: String,
    /// Its schemas, compiled on first use and shared by the clones of this flow spec.
    compiled: Arc<OnceLock<Compiled>>,
}

impl fmt::Debug for FlowSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlowSpec")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("version", &self.version)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// A schema of a flow spec: where it is in the flow spec and what it is for.
#[derive(Clone, Copy, Debug)]
pub struct SpecSchema<'a> {
    /// JSON pointer into the flow spec: `/scheduleSpec/spec`, `/transformationSpec/1/spec`.
    pub pointer: &'a str,
    pub schema: &'a Value,
}

/// The compiled schemas of one flow spec, by their pointer in it.
pub(crate) struct Compiled {
    by_pointer: HashMap<String, Result<ValidatorMap, String>>,
}

impl Compiled {
    pub(crate) fn get(&self, pointer: &str) -> Option<&Result<ValidatorMap, String>> {
        self.by_pointer.get(pointer)
    }
}

impl FlowSpec {
    /// `CRMToAEP` (14518937-270c-4525-bdec-c2ba7cce3860), for messages.
    pub fn label(&self) -> String {
        format!("`{}` ({})", self.name, self.id)
    }

    /// `scheduleSpec.spec`.
    pub fn schedule_schema(&self) -> Option<SpecSchema<'_>> {
        let schema = self.value.pointer("/scheduleSpec/spec")?;
        Some(SpecSchema { pointer: "/scheduleSpec/spec", schema })
    }

    /// `optionSpec.spec`.
    pub fn options_schema(&self) -> Option<SpecSchema<'_>> {
        let schema = self.value.pointer("/optionSpec/spec")?;
        Some(SpecSchema { pointer: "/optionSpec/spec", schema })
    }

    /// The names of `transformationSpec[]`, in order.
    pub fn transformation_names(&self) -> Vec<&str> {
        self.transformations().map(|(_, name, _)| name).collect()
    }

    /// `transformationSpec[i].spec` of the transformation called `name` (an entry without
    /// a `spec` allows any params: an empty schema).
    pub fn transformation_schema(&self, name: &str) -> Option<(String, &Value)> {
        static ANY: Value = Value::Bool(true);
        self.transformations()
            .find(|(_, n, _)| *n == name)
            .map(|(i, _, spec)| (format!("/transformationSpec/{i}/spec"), spec.unwrap_or(&ANY)))
    }

    fn transformations(&self) -> impl Iterator<Item = (usize, &str, Option<&Value>)> {
        self.value
            .get("transformationSpec")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, t)| Some((i, t.get("name")?.as_str()?, t.get("spec"))))
    }

    /// Every schema this flow spec validates flows with, by pointer.
    fn schemas(&self) -> Vec<(String, &Value)> {
        let mut out = Vec::new();
        if let Some(s) = self.schedule_schema() {
            out.push((s.pointer.to_owned(), s.schema));
        }
        if let Some(s) = self.options_schema() {
            out.push((s.pointer.to_owned(), s.schema));
        }
        for (i, _, spec) in self.transformations() {
            if let Some(spec) = spec {
                out.push((format!("/transformationSpec/{i}/spec"), spec));
            }
        }
        out
    }

    /// The compiled schemas: compiled once, on first use, then shared.
    pub(crate) fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| Compiled {
            by_pointer: self
                .schemas()
                .into_iter()
                .map(|(pointer, schema)| (pointer, schemas::compile(schema)))
                .collect(),
        })
    }

    /// Reads the flow specs of a `GET /flowSpecs` response: one flow spec, or
    /// `{"items": [...]}`. `origin` is what [`FlowSpec::origin`] will say. Every problem is
    /// a diagnostic with a span in `text`.
    pub fn parse(text: &str, origin: &str) -> Result<Vec<FlowSpec>, Vec<Diagnostic>> {
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return Err(vec![json_error(text, &e)]),
        };
        let mut diagnostics = Vec::new();
        let mut specs = Vec::new();
        let mut reader = Reader { text, diagnostics: &mut diagnostics };
        match value.get("items") {
            Some(Value::Array(items)) => {
                if items.is_empty() {
                    reader.error("/items", "`items` is an empty array: the file holds no flow spec", "an empty list");
                }
                for (i, item) in items.iter().enumerate() {
                    if let Some(spec) = reader.spec(item, &format!("/items/{i}"), origin) {
                        specs.push(spec);
                    }
                }
            }
            Some(other) if value.get("id").is_none() => {
                reader.error(
                    "/items",
                    format!("`items` must be an array of flow specs, not {}", flowc_diag::json::describe(other)),
                    "not an array",
                );
            }
            _ => {
                if let Some(spec) = reader.spec(&value, "", origin) {
                    specs.push(spec);
                }
            }
        }
        if diagnostics.is_empty() { Ok(specs) } else { Err(diagnostics) }
    }
}

/// A flow spec file that cannot be used: its text and every problem found in it.
#[derive(Clone, Debug)]
pub struct FlowSpecFileError {
    pub path: PathBuf,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for FlowSpecFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        write!(f, "{}: {n} problem{}", self.path.display(), if n == 1 { "" } else { "s" })?;
        if let Some(first) = self.diagnostics.first() {
            write!(f, ": {}", first.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for FlowSpecFileError {}

/// The flow specs a run knows: the built-in one, then those loaded from files.
#[derive(Clone, Debug, Default)]
pub struct FlowSpecCatalog {
    specs: Vec<FlowSpec>,
}

fn builtin_spec() -> &'static FlowSpec {
    static BUILTIN: OnceLock<FlowSpec> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        let mut specs = FlowSpec::parse(BUILTIN_JSON, BUILTIN_ORIGIN).expect("the built-in flow spec is valid");
        specs.swap_remove(0)
    })
}

impl FlowSpecCatalog {
    /// A catalog with the built-in CRMToAEP flow spec. Its compiled schemas are shared by
    /// every catalog of the process.
    pub fn builtin() -> FlowSpecCatalog {
        FlowSpecCatalog { specs: vec![builtin_spec().clone()] }
    }

    /// A catalog with no flow spec at all.
    pub fn empty() -> FlowSpecCatalog {
        FlowSpecCatalog::default()
    }

    /// Reads a file holding a `GET /flowSpecs` response (one flow spec or `{"items": [...]}`).
    pub fn load_file(path: &Path) -> Result<Vec<FlowSpec>, FlowSpecFileError> {
        let fail = |text: String, diagnostics| FlowSpecFileError { path: path.to_path_buf(), text, diagnostics };
        // Named on the command line or in flowc.toml, so the user's own choice: any regular
        // file. One that is not UTF-8 is said by position, without its bytes.
        let text = AnyFile.read_text(path, MAX_FILE_BYTES).map_err(|refusal| {
            let help = match refusal {
                Refusal::NotUtf8 { .. } => "JSON files are UTF-8: save the API's response as it came",
                _ => "check the path (in flowc.toml's `flowspecs`, or on the command line)",
            };
            let d = Diagnostic::new(
                Code::InvalidFlowSpecFile,
                Span::empty(0),
                format!("cannot read flow spec file `{}`: {refusal}", path.display()),
            )
            .with_label("this file")
            .with_help(help);
            fail(String::new(), vec![d])
        })?;
        FlowSpec::parse(&text, &path.display().to_string()).map_err(|diagnostics| fail(text, diagnostics))
    }

    /// Loads every file into the catalog; returns the files that could not be used.
    pub fn load_files(&mut self, paths: &[PathBuf]) -> Vec<FlowSpecFileError> {
        let mut errors = Vec::new();
        for path in paths {
            match FlowSpecCatalog::load_file(path) {
                Ok(specs) => specs.into_iter().for_each(|s| self.add(s)),
                Err(e) => errors.push(e),
            }
        }
        errors
    }

    /// Adds a flow spec; one with the same id and version replaces the one known (a file
    /// can update the built-in flow spec).
    pub fn add(&mut self, spec: FlowSpec) {
        self.specs.retain(|s| !(s.id == spec.id && s.version == spec.version));
        self.specs.push(spec);
    }

    /// The flow spec with this id, or else with this name. When several versions are known,
    /// the one added last.
    pub fn find(&self, name_or_id: &str) -> Option<&FlowSpec> {
        let by = |f: fn(&FlowSpec) -> &str| self.specs.iter().rev().find(|s| f(s) == name_or_id);
        by(|s| &s.id).or_else(|| by(|s| &s.name))
    }

    /// The flow spec with this id or name and this version.
    pub fn find_version(&self, name_or_id: &str, version: &str) -> Option<&FlowSpec> {
        let matches = |s: &&FlowSpec| s.version == version;
        let by_id = self.specs.iter().rev().filter(|s| s.id == name_or_id).find(matches);
        by_id.or_else(|| self.specs.iter().rev().filter(|s| s.name == name_or_id).find(matches))
    }

    /// The known flow spec whose name is nearest to `name` (a typo or a case difference).
    pub fn suggest(&self, name: &str) -> Option<&FlowSpec> {
        nearest(name, self.specs.iter().map(|s| s.name.as_str()))
            .and_then(|near| self.specs.iter().rev().find(|s| s.name == near))
    }

    pub fn all(&self) -> &[FlowSpec] {
        &self.specs
    }

    /// The names known, each once, in the order added.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for s in &self.specs {
            if !names.contains(&s.name.as_str()) {
                names.push(&s.name);
            }
        }
        names
    }
}

/// The candidate nearest to `word`, if it is near enough to be a typo of it.
pub(crate) fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let distance = if c.to_lowercase() == lower { 0 } else { strsim::levenshtein(&lower, &c.to_lowercase()) };
        let limit = (c.chars().count().max(word.chars().count()) / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, c));
        }
    }
    best.map(|(_, c)| c)
}

struct Reader<'t, 'd> {
    text: &'t str,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Reader<'_, '_> {
    fn span(&self, pointer: &str) -> Span {
        json_pointer_span(self.text, pointer).unwrap_or_else(|| Span::new(0, self.text.len().min(1)))
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>, label: &str) -> &mut Diagnostic {
        let d = Diagnostic::new(Code::InvalidFlowSpecFile, self.span(pointer), message).with_label(label);
        self.diagnostics.push(d);
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// A required non-empty string member.
    fn text_member(&mut self, item: &Value, at: &str, key: &str) -> Option<String> {
        match item.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(other) => {
                let found = if other.as_str().is_some() {
                    "an empty string".to_owned()
                } else {
                    flowc_diag::json::describe(other)
                };
                self.error(
                    &format!("{at}/{key}"),
                    format!("the flow spec's `{key}` must be a non-empty string, not {found}"),
                    "not a name",
                );
                None
            }
            None => {
                self.error(at, format!("the flow spec has no `{key}`"), &format!("no `{key}`")).help = Some(format!(
                    "a `GET /flowSpecs` response names each flow spec with `id`, `name` and `version`; this one has no `{key}`"
                ));
                None
            }
        }
    }

    fn ids(&mut self, item: &Value, at: &str, key: &str) -> Vec<String> {
        match item.get(key) {
            None => Vec::new(),
            Some(Value::Array(ids)) => {
                let mut out = Vec::new();
                for (i, id) in ids.iter().enumerate() {
                    match id.as_str() {
                        Some(s) => out.push(s.to_owned()),
                        None => {
                            self.error(
                                &format!("{at}/{key}/{i}"),
                                format!(
                                    "`{key}` must hold connection spec ids (strings), not {}",
                                    flowc_diag::json::describe(id)
                                ),
                                "not an id",
                            );
                        }
                    }
                }
                out
            }
            Some(other) => {
                self.error(
                    &format!("{at}/{key}"),
                    format!(
                        "`{key}` must be an array of connection spec ids, not {}",
                        flowc_diag::json::describe(other)
                    ),
                    "not an array",
                );
                Vec::new()
            }
        }
    }

    fn schema(&mut self, pointer: &str, schema: &Value, what: &str) {
        if let Err((message, inside)) = schemas::check(schema) {
            self.error(
                &format!("{pointer}{inside}"),
                format!("the flow spec's {what} is not a valid draft-07 JSON Schema: {message}"),
                "invalid schema",
            )
            .help = Some(
                "flowc validates flows with this schema; fix it, or use the flow spec as the API returns it".into(),
            );
        }
    }

    fn spec(&mut self, item: &Value, at: &str, origin: &str) -> Option<FlowSpec> {
        if !item.is_object() {
            self.error(
                at,
                format!("a flow spec must be a JSON object, not {}", flowc_diag::json::describe(item)),
                "not a flow spec",
            )
            .help = Some("give the API's `GET /flowSpecs` response: one flow spec, or `{\"items\": [...]}`".into());
            return None;
        }
        let before = self.diagnostics.len();
        let id = self.text_member(item, at, "id");
        let name = self.text_member(item, at, "name");
        let version = self.text_member(item, at, "version");
        let source_connection_spec_ids = self.ids(item, at, "sourceConnectionSpecIds");
        let target_connection_spec_ids = self.ids(item, at, "targetConnectionSpecIds");
        for (key, what) in
            [("scheduleSpec", "scheduleSpec.spec"), ("optionSpec", "optionSpec.spec"), ("runSpec", "runSpec.spec")]
        {
            if let Some(schema) = item.get(key).and_then(|s| s.get("spec")) {
                self.schema(&format!("{at}/{key}/spec"), schema, what);
            }
        }
        match item.get("transformationSpec") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, t) in list.iter().enumerate() {
                    let here = format!("{at}/transformationSpec/{i}");
                    match t.get("name").and_then(Value::as_str) {
                        Some(name) => {
                            if let Some(schema) = t.get("spec") {
                                self.schema(&format!("{here}/spec"), schema, &format!("`{name}` transformation spec"));
                            }
                        }
                        None => {
                            self.error(
                                &here,
                                "a transformation spec must have a `name` (such as `Mapping` or `Copy`)",
                                "no name",
                            );
                        }
                    }
                }
            }
            Some(other) => {
                self.error(
                    &format!("{at}/transformationSpec"),
                    format!("`transformationSpec` must be an array, not {}", flowc_diag::json::describe(other)),
                    "not an array",
                );
            }
        }
        if self.diagnostics.len() > before {
            return None;
        }
        Some(FlowSpec {
            id: id?,
            name: name?,
            version: version?,
            source_connection_spec_ids,
            target_connection_spec_ids,
            value: item.clone(),
            origin: origin.to_owned(),
            compiled: Arc::default(),
        })
    }
}

/// A serde_json syntax error at its place in `text`.
fn json_error(text: &str, e: &serde_json::Error) -> Diagnostic {
    let at = flowc_diag::json::offset_of(text, e.line(), e.column());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let message = e.to_string();
    let message = message.rfind(" at line ").map_or(message.as_str(), |i| &message[..i]);
    Diagnostic::new(
        Code::InvalidFlowSpecFile,
        Span::new(at, end),
        format!("the flow spec file is not valid JSON: {message}"),
    )
    .with_label(message.to_owned())
    .with_help("give the API's `GET /flowSpecs` response as it came: one flow spec, or `{\"items\": [...]}`")
}

/// The byte span of the value at a JSON pointer (`/items/0/scheduleSpec`; `""` is the whole
/// document) in a JSON text, or `None` when the text has no such value (or is not JSON).
pub fn json_pointer_span(text: &str, pointer: &str) -> Option<Span> {
    flowc_diag::json::parse(text).ok()?.pointer(pointer).map(|value| value.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_find_the_values_they_name() {
        let text = r#"{ "a": [1, {"b~c": "x\"y", "d/e": true}], "f": null }"#;
        let at = |p: &str| json_pointer_span(text, p).map(|s| &text[s.start..s.end]);
        assert_eq!(at("/a/0"), Some("1"));
        assert_eq!(at("/a/1/b~0c"), Some(r#""x\"y""#));
        assert_eq!(at("/a/1/d~1e"), Some("true"));
        assert_eq!(at("/f"), Some("null"));
        assert_eq!(at("/a/2"), None);
        assert_eq!(at("/g"), None);
        assert_eq!(at(""), Some(text));
    }

    #[test]
    fn near_names_are_suggested_and_far_ones_are_not() {
        assert_eq!(nearest("CRMtoAEP", ["CRMToAEP"]), Some("CRMToAEP"));
        assert_eq!(nearest("CRMToAPE", ["CRMToAEP"]), Some("CRMToAEP"));
        assert_eq!(nearest("Streaming", ["CRMToAEP"]), None);
    }
}
