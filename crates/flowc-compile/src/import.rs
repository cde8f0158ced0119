//! Importing existing request bodies: recognizing what a JSON body is by its shape, and
//! writing the flowc file that compiles back to it.
//!
//! - [`recognize`] tells a source connection, a target connection, a mapping set (either
//!   dialect, including the `GET /mappingSets/{id}` response), a flow, a flow spec response
//!   or a bundle of the four, whatever the file is called.
//! - [`import`] writes one dataflow's bodies ([`Imported`]) as a canonical flowc file, with
//!   the warnings about what was changed or could not be carried.
//!
//! Expressions are kept verbatim: an `ATTRIBUTE` source stays the path it was, a `STATIC`
//! constant becomes a string literal (which compiles back to the same `STATIC`), an
//! `EXPRESSION` stays as written.

use crate::bodies::{
    DATA_LAKE_CONNECTION_SPEC_ID, DEFAULT_SCHEMA_VERSION, DEFAULT_SPEC_VERSION, DEFAULT_TARGET_FORMAT,
};
use crate::flowspec::FlowSpecCatalog;
use crate::ordered::Node;
use crate::plan;
use flowc_diag::Code;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// Written above each identity of a legacy mapping set: `flowc check` (the current dialect)
/// would otherwise warn that import's own `@identity` is not sent.
const LEGACY_IDENTITY_NOTE: &str =
    "# flowc: ignore[F503] imported from a legacy mapping set: build with `--dialect legacy` to send it\n";

/// What a JSON body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    SourceConnection,
    TargetConnection,
    /// `outputSchema.schemaRef` + `mappings[{sourceType, source, destination}]`, also as
    /// `GET /mappingSets/{id}` returns it.
    MappingSet,
    /// `xdmSchema` + `mappings[{destinationXdmPath, sourceAttribute, ...}]`.
    LegacyMappingSet,
    Flow,
    /// A `GET /flowSpecs` response, or one flow spec.
    FlowSpec,
    /// `{"sourceConnection", "targetConnection", "mappingSet", "flow"}` (what `--bundle` writes).
    Bundle,
}

impl BodyKind {
    pub fn name(self) -> &'static str {
        match self {
            BodyKind::SourceConnection => "source connection",
            BodyKind::TargetConnection => "target connection",
            BodyKind::MappingSet => "mapping set",
            BodyKind::LegacyMappingSet => "mapping set (legacy dialect)",
            BodyKind::Flow => "flow",
            BodyKind::FlowSpec => "flow spec",
            BodyKind::Bundle => "bundle",
        }
    }
}

/// The little of a JSON tree that recognition looks at: any of the workspace's JSON trees
/// is recognized where it is, without converting it.
pub trait Shaped: Sized {
    fn member(&self, key: &str) -> Option<&Self>;
    /// The object's keys; `None` when it is no object.
    fn keys(&self) -> Option<Vec<&str>>;
    fn elements(&self) -> Option<&[Self]>;
    fn null(&self) -> bool;
}

impl Shaped for Value {
    fn member(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
    fn keys(&self) -> Option<Vec<&str>> {
        Some(self.as_object()?.keys().map(String::as_str).collect())
    }
    fn elements(&self) -> Option<&[Self]> {
        self.as_array().map(Vec::as_slice)
    }
    fn null(&self) -> bool {
        self.is_null()
    }
}

impl Shaped for Node {
    fn member(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
    fn keys(&self) -> Option<Vec<&str>> {
        match self {
            Node::Object(entries) => Some(entries.iter().map(|(k, _)| k.as_str()).collect()),
            _ => None,
        }
    }
    fn elements(&self) -> Option<&[Self]> {
        match self {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }
    fn null(&self) -> bool {
        matches!(self, Node::Null)
    }
}

impl Shaped for flowc_diag::json::Json {
    fn member(&self, key: &str) -> Option<&Self> {
        self.get(key)
    }
    fn keys(&self) -> Option<Vec<&str>> {
        match &self.kind {
            flowc_diag::json::JsonKind::Object(members) => Some(members.iter().map(|m| m.key.as_str()).collect()),
            _ => None,
        }
    }
    fn elements(&self) -> Option<&[Self]> {
        match &self.kind {
            flowc_diag::json::JsonKind::Array(items) => Some(items),
            _ => None,
        }
    }
    fn null(&self) -> bool {
        self.is_null()
    }
}

fn has<T: Shaped>(value: &T, key: &str) -> bool {
    value.member(key).is_some_and(|v| !v.null())
}

fn at<'a, T: Shaped>(value: &'a T, path: &[&str]) -> Option<&'a T> {
    path.iter().try_fold(value, |v, key| v.member(key))
}

fn is_flow_spec<T: Shaped>(value: &T) -> bool {
    ["transformationSpecs", "sourceConnectionSpecIds", "targetConnectionSpecIds", "scheduleSpec"]
        .iter()
        .any(|k| has(value, k))
        && !has(value, "flowSpec")
}

/// What a JSON body is, by its shape; `None` when it is none of the bodies flowc knows.
pub fn recognize<T: Shaped>(value: &T) -> Option<BodyKind> {
    let keys = value.keys()?;
    const BUNDLE_KEYS: [&str; 4] = ["sourceConnection", "targetConnection", "mappingSet", "flow"];
    if BUNDLE_KEYS.iter().any(|k| keys.contains(k)) && keys.iter().all(|k| BUNDLE_KEYS.contains(k) || *k == "plan") {
        return Some(BodyKind::Bundle);
    }
    if has(value, "flowSpec")
        && (has(value, "transformations") || has(value, "scheduleParams") || has(value, "sourceConnectionIds"))
    {
        return Some(BodyKind::Flow);
    }
    if let Some(mappings) = value.member("mappings").and_then(Shaped::elements) {
        let entry_has = |key: &str| mappings.iter().any(|m| has(m, key));
        if has(value, "xdmSchema") || entry_has("destinationXdmPath") || entry_has("sourceAttribute") {
            return Some(BodyKind::LegacyMappingSet);
        }
        if at(value, &["outputSchema", "schemaRef"]).is_some() || entry_has("destination") || mappings.is_empty() {
            return Some(BodyKind::MappingSet);
        }
    }
    if at(value, &["data", "schema"]).is_some() && at(value, &["params", "dataSetId"]).is_some() {
        return Some(BodyKind::TargetConnection);
    }
    let params = value.member("params");
    let source_params = params.is_some_and(|p| has(p, "tableName") || has(p, "path") || has(p, "columns"));
    if (has(value, "baseConnectionId") || has(value, "connectionSpec")) && source_params {
        return Some(BodyKind::SourceConnection);
    }
    if is_flow_spec(value)
        || value.member("items").and_then(Shaped::elements).is_some_and(|items| items.iter().any(is_flow_spec))
    {
        return Some(BodyKind::FlowSpec);
    }
    None
}

/// Where a body was read: the index of its file among the dataflow's files, and the JSON
/// pointer of the body in that file (`""`, or `/mappingSet` in a bundle).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyOrigin {
    pub file: usize,
    pub pointer: String,
}

/// The recognized bodies of one dataflow, and what the bodies do not carry. The bodies are
/// held with their keys in the order they were read ([`Imported::add_json`]): `schedule`,
/// `options` and nested columns are written in that order.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    pub source_connection: Option<Node>,
    pub target_connection: Option<Node>,
    /// A mapping set in the current dialect (or the `GET` response form).
    pub mapping_set: Option<Node>,
    /// A mapping set in the legacy dialect: its entries when there is no current one, and
    /// in any case its identities (`identity`, `namespaceCode`, `identityGroup`,
    /// `primaryIdentity`), which the current dialect does not carry.
    pub legacy_mapping_set: Option<Node>,
    pub flow: Option<Node>,
    /// The target schema file to name (`schema_file`), relative to the written file.
    pub schema_file: Option<String>,
    /// A JSON file holding the source connection body, relative to the written file:
    /// `columns from` it when the columns cannot be written inline exactly.
    pub columns_file: Option<String>,
    /// Where each body was read (for bodies added with [`Imported::add_at`]).
    pub origins: Vec<(BodyKind, BodyOrigin)>,
    /// Values to write instead of the ones read, by body and JSON pointer: the
    /// schema-correct form of a value the platform tolerates (`"interval": "30"` → `30`).
    pub coercions: Vec<(BodyKind, String, Value)>,
}

impl Imported {
    /// Adds one body by its shape from its JSON text, keeping its keys' order.
    pub fn add_json(&mut self, text: &str) -> Result<BodyKind, String> {
        let json = flowc_diag::json::parse(text).map_err(|e| format!("not valid JSON: {}", e.message))?;
        self.add_at(Node::from_json(&json), BodyOrigin::default())
    }

    /// Adds one body by its shape; a bundle adds its members. Returns what it was. (A
    /// `serde_json::Value` does not keep its keys' order: prefer [`Imported::add_json`].)
    pub fn add(&mut self, value: Value) -> Result<BodyKind, String> {
        self.add_at(Node::from_value(&value), BodyOrigin::default())
    }

    /// Adds a body read at `origin`; a bundle adds its members, each at its own pointer.
    pub fn add_at(&mut self, value: Node, origin: BodyOrigin) -> Result<BodyKind, String> {
        let kind = recognize(&value).ok_or_else(|| {
            "not a body flowc knows: no source connection, target connection, mapping set or flow shape".to_owned()
        })?;
        let slot = match kind {
            BodyKind::SourceConnection => &mut self.source_connection,
            BodyKind::TargetConnection => &mut self.target_connection,
            BodyKind::MappingSet => &mut self.mapping_set,
            BodyKind::LegacyMappingSet => &mut self.legacy_mapping_set,
            BodyKind::Flow => &mut self.flow,
            BodyKind::FlowSpec => return Ok(kind),
            BodyKind::Bundle => {
                if let Node::Object(members) = value {
                    for (key, member) in members {
                        if matches!(member, Node::Null) || key == "plan" {
                            continue;
                        }
                        let at = BodyOrigin { file: origin.file, pointer: format!("{}/{key}", origin.pointer) };
                        self.add_at(member, at).map_err(|e| format!("`{key}`: {e}"))?;
                    }
                }
                return Ok(kind);
            }
        };
        if slot.is_some() {
            return Err(format!("a second {}: one dataflow has one", kind.name()));
        }
        *slot = Some(value);
        self.origins.push((kind, origin));
        Ok(kind)
    }

    /// Where the body of `kind` was read.
    pub fn origin(&self, kind: BodyKind) -> Option<&BodyOrigin> {
        self.origins.iter().find(|(k, _)| *k == kind).map(|(_, o)| o)
    }

    fn coercion(&self, kind: BodyKind, pointer: &str) -> Option<&Value> {
        self.coercions.iter().find(|(k, p, _)| *k == kind && p == pointer).map(|(_, _, v)| v)
    }
}

/// A part of a written item that came from one JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Bytes of [`Import::raw`].
    pub range: std::ops::Range<usize>,
    pub body: BodyKind,
    pub pointer: String,
    /// The text is the string value itself (a path or an expression kept verbatim), so an
    /// offset inside it is an offset inside the JSON string.
    pub verbatim: bool,
}

/// A written item (or block keyword) and the JSON member it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub range: std::ops::Range<usize>,
    pub body: BodyKind,
    /// `""` for a whole body (a block's keyword).
    pub pointer: String,
    pub parts: Vec<Part>,
}

/// Where in the bodies a span of the written text came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub body: BodyKind,
    pub pointer: String,
    /// At the member's key rather than its value.
    pub key: bool,
    /// Byte offsets inside the (decoded) string value, for a verbatim part.
    pub inner: Option<(usize, usize)>,
}

/// Something the import changed or could not carry, and where it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// [`Code::NotImported`] (left out, a warning) or [`Code::NotWritable`] (an error).
    pub code: Code,
    /// What happened to the part: `not carried`, `read as an expression`.
    pub label: &'static str,
    pub message: String,
    pub body: BodyKind,
    pub pointer: String,
}

/// A written flowc file and what the import changed or could not carry.
#[derive(Clone, Debug, Default)]
pub struct Import {
    /// Canonical flowc text (a fixed point of `flowc_syntax::format`).
    pub text: String,
    /// The text as first written: the same file, not yet laid out; [`Import::places`]
    /// are spans of it.
    pub raw: String,
    pub places: Vec<Place>,
    pub warnings: Vec<Warning>,
}

impl Import {
    /// Where a span of [`Import::raw`] came from: the item holding its start. (Places are
    /// written in order and do not overlap.)
    pub fn locate(&self, span: flowc_diag::Span) -> Option<Located> {
        let at = span.start;
        // A span that starts right after a place is about its end ("expected an operand
        // after `+`, found the end of the line"); a place that starts there comes first.
        let inside = |range: &std::ops::Range<usize>| at <= range.end;
        let after = self.places.partition_point(|p| p.range.start <= at);
        let place = self.places[..after].last().filter(|p| inside(&p.range))?;
        let part = place.parts.iter().find(|p| p.range.start <= at && (inside(&p.range) || at < p.range.start + 1));
        Some(match part {
            Some(part) => Located {
                body: part.body,
                pointer: part.pointer.clone(),
                key: false,
                inner: part
                    .verbatim
                    .then(|| (at - part.range.start, span.end.clamp(at, part.range.end) - part.range.start)),
            },
            None => Located {
                body: place.body,
                pointer: place.pointer.clone(),
                key: !place.pointer.is_empty(),
                inner: None,
            },
        })
    }
}

/// A string literal in flowc's syntax.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(s, "true" | "false" | "null")
}

/// A column or setting name: bare when it is an identifier, quoted otherwise.
fn name(s: &str) -> String {
    if is_word(s) { s.to_owned() } else { quote(s) }
}

/// A setting value of `schedule`/`options`; `None` for what a setting cannot hold (objects).
fn setting_value(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if is_word(s) => s.clone(),
        Value::String(s) => quote(s),
        Value::Array(items) => format!("[{}]", items.iter().map(setting_value).collect::<Option<Vec<_>>>()?.join(", ")),
        Value::Object(_) => return None,
    })
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// One item of a block as written, with the JSON it came from (ranges relative to `text`).
struct Line {
    text: String,
    body: BodyKind,
    pointer: String,
    parts: Vec<Part>,
}

impl Line {
    fn new(text: String, body: BodyKind, pointer: impl Into<String>) -> Line {
        Line { text, body, pointer: pointer.into(), parts: Vec::new() }
    }

    /// `key = value`, the value read at `pointer` of `body`.
    fn setting(key: &str, value: String, body: BodyKind, pointer: &str) -> Line {
        let start = key.len() + 3;
        let part = Part { range: start..start + value.len(), body, pointer: pointer.to_owned(), verbatim: false };
        Line { text: format!("{key} = {value}"), body, pointer: pointer.to_owned(), parts: vec![part] }
    }

    fn part(
        mut self,
        range: std::ops::Range<usize>,
        body: BodyKind,
        pointer: impl Into<String>,
        verbatim: bool,
    ) -> Line {
        self.parts.push(Part { range, body, pointer: pointer.into(), verbatim });
        self
    }
}

struct Writer<'a> {
    bundle: &'a Imported,
    out: String,
    places: Vec<Place>,
    warnings: Vec<Warning>,
}

impl Writer<'_> {
    fn warn(&mut self, body: BodyKind, pointer: impl Into<String>, message: impl Into<String>) {
        self.note(body, pointer, message, "not carried");
    }

    fn note(&mut self, body: BodyKind, pointer: impl Into<String>, message: impl Into<String>, label: &'static str) {
        self.warnings.push(Warning {
            code: Code::NotImported,
            label,
            message: message.into(),
            body,
            pointer: pointer.into(),
        });
    }

    fn refuse(&mut self, body: BodyKind, pointer: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            code: Code::NotWritable,
            label: "not written",
            message: message.into(),
            body,
            pointer: pointer.into(),
        });
    }

    fn block(&mut self, keyword: &str, body: BodyKind, lines: Vec<Line>) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        let start = self.out.len();
        self.places.push(Place {
            range: start..start + keyword.len(),
            body,
            pointer: String::new(),
            parts: Vec::new(),
        });
        let _ = writeln!(self.out, "{keyword} {{");
        // Only an item's first line is indented: the lines after it are either already
        // indented (columns) or an expression's, which is kept verbatim.
        for line in lines {
            self.out.push_str("  ");
            let at = self.out.len();
            let shift = |r: std::ops::Range<usize>| r.start + at..r.end + at;
            let parts = line.parts.into_iter().map(|p| Part { range: shift(p.range), ..p }).collect();
            self.places.push(Place { range: at..at + line.text.len(), body: line.body, pointer: line.pointer, parts });
            self.out.push_str(&line.text);
            self.out.push('\n');
        }
        self.out.push_str("}\n");
    }
}

/// A string setting `key = "value"` from `pointer` of `body`, when it is there.
fn string_setting(lines: &mut Vec<Line>, key: &str, body: BodyKind, value: Option<&Node>, pointer: &str) {
    if let Some(v) = value.and_then(|v| v.pointer(pointer)).and_then(Node::as_str) {
        lines.push(Line::setting(key, quote(v), body, pointer));
    }
}

fn text<'a>(value: Option<&'a Node>, pointer: &str) -> Option<&'a str> {
    value?.pointer(pointer)?.as_str()
}

/// Writes one dataflow's bodies as a flowc file, naming flow specs from the built-in
/// catalog. `origin` is recorded in the first line.
pub fn import(bundle: &Imported, origin: &str) -> Import {
    import_with(bundle, origin, &FlowSpecCatalog::builtin())
}

/// [`import`] with the flow specs to name a flow's spec by (`spec = CRMToAEP`).
pub fn import_with(bundle: &Imported, origin: &str, catalog: &FlowSpecCatalog) -> Import {
    let mut written = import_unformatted(bundle, origin, catalog);
    // The bodies may hold something flowc cannot parse (an expression with a syntax
    // error): the file is then written as it is, and checking it says what is wrong.
    if let Ok(text) = flowc_syntax::format(&written.raw) {
        written.text = text;
    }
    written
}

/// [`import_with`] without the layout: [`Import::text`] is [`Import::raw`]. What checking
/// the bodies needs, without the cost of formatting a large mapping set.
pub fn import_unformatted(bundle: &Imported, origin: &str, catalog: &FlowSpecCatalog) -> Import {
    // The origin is a comment line: nothing in it may end the line.
    let origin: String = origin.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    let mut w = Writer {
        bundle,
        out: format!("# imported by flowc from {origin}\n\n"),
        places: Vec::new(),
        warnings: Vec::new(),
    };
    let (flow, source, target) =
        (bundle.flow.as_ref(), bundle.source_connection.as_ref(), bundle.target_connection.as_ref());
    let (current, legacy) = (bundle.mapping_set.as_ref(), bundle.legacy_mapping_set.as_ref());
    let mapping = current.map(|m| (BodyKind::MappingSet, m)).or(legacy.map(|m| (BodyKind::LegacyMappingSet, m)));
    let flow_name = text(flow, "/name");

    if let Some(flow) = flow {
        let f = BodyKind::Flow;
        let mut lines = Vec::new();
        string_setting(&mut lines, "name", f, Some(flow), "/name");
        string_setting(&mut lines, "description", f, Some(flow), "/description");
        let id = text(Some(flow), "/flowSpec/id").unwrap_or_default();
        let version = text(Some(flow), "/flowSpec/version").unwrap_or(DEFAULT_SPEC_VERSION);
        let spec = match catalog.find_version(id, version).filter(|s| is_word(&s.name)) {
            Some(spec) => spec.name.clone(),
            None => quote(id),
        };
        lines.push(Line::setting("spec", spec, f, "/flowSpec/id"));
        if version != DEFAULT_SPEC_VERSION {
            string_setting(&mut lines, "spec_version", f, Some(flow), "/flowSpec/version");
        }
        w.block("flow", f, lines);
    }

    if source.is_some() || flow.is_some() {
        source_block(&mut w, source, flow, flow_name);
    }
    if target.is_some() || mapping.is_some() || flow.is_some() {
        target_block(&mut w, target, flow, mapping, flow_name);
    }

    if let (Some(flow), Some(node)) = (flow, &bundle.flow) {
        flow_blocks(&mut w, flow, node);
    }
    if let Some((kind, mapping)) = mapping {
        mapping_block(&mut w, kind, mapping, legacy);
    }

    Import { text: w.out.clone(), raw: w.out, places: w.places, warnings: w.warnings }
}

/// The connection id a flow names, when it is an existing connection (not a placeholder).
fn existing_id<'a>(flow: Option<&'a Node>, key: &str, placeholder: &str) -> Option<&'a str> {
    let ids = flow?.get(key)?.as_array()?;
    let id = ids.first()?.as_str()?;
    (id != placeholder).then_some(id)
}

fn source_block(w: &mut Writer, source: Option<&Node>, flow: Option<&Node>, flow_name: Option<&str>) {
    let s = BodyKind::SourceConnection;
    let mut lines = Vec::new();
    let existing = existing_id(flow, "sourceConnectionIds", plan::SOURCE_CONNECTION_ID);
    if let Some(id) = existing {
        lines.push(Line::setting("connection", quote(id), BodyKind::Flow, "/sourceConnectionIds/0"));
    }
    // The create request of a connection the flow names by id was sent already: its settings
    // would be unused (F502). Its columns stay, for the checks.
    if let Some(source) = source.filter(|_| existing.is_none()) {
        let default_name = flow_name.map(|f| format!("{f} source connection"));
        if text(Some(source), "/name").is_some_and(|n| Some(n) != default_name.as_deref()) {
            string_setting(&mut lines, "name", s, Some(source), "/name");
        }
        string_setting(&mut lines, "description", s, Some(source), "/description");
        string_setting(&mut lines, "connection_spec", s, Some(source), "/connectionSpec/id");
        if text(Some(source), "/connectionSpec/version").is_some_and(|v| v != DEFAULT_SPEC_VERSION) {
            string_setting(&mut lines, "connection_spec_version", s, Some(source), "/connectionSpec/version");
        }
        string_setting(&mut lines, "base_connection", s, Some(source), "/baseConnectionId");
        if let Some(format) = text(Some(source), "/data/format") {
            let value = setting_value(&Value::String(format.to_owned())).unwrap_or_default();
            lines.push(Line::setting("format", value, s, "/data/format"));
        }
        string_setting(&mut lines, "table", s, Some(source), "/params/tableName");
        string_setting(&mut lines, "path", s, Some(source), "/params/path");
    }
    if source.is_some() {
        let columns = w.bundle.source_connection.as_ref().and_then(|s| s.get("params")).and_then(|p| p.get("columns"));
        if let Some(Node::Array(columns)) = columns {
            match columns.iter().map(column).collect::<Option<Vec<String>>>() {
                Some(declared) => {
                    let mut text = "columns {\n".to_owned();
                    let mut line = Line::new(String::new(), s, "/params/columns");
                    for (i, d) in declared.iter().enumerate() {
                        let first = d.lines().next().unwrap_or_default().len();
                        line =
                            line.part(text.len() + 4..text.len() + 4 + first, s, format!("/params/columns/{i}"), false);
                        for l in d.lines() {
                            let _ = writeln!(text, "    {l}");
                        }
                    }
                    text.push_str("  }");
                    line.text = text;
                    lines.push(line);
                }
                None => match &w.bundle.columns_file {
                    Some(file) => lines.push(Line::new(format!("columns from {}", quote(file)), s, "/params/columns")),
                    None => w.warn(
                        s,
                        "/params/columns",
                        "the source columns cannot be written inline exactly and no file to load them from was given: \
                         they are left out, so source fields are not checked",
                    ),
                },
            }
        }
    }
    w.block("source", s, lines);
}

fn target_block(
    w: &mut Writer,
    target: Option<&Node>,
    flow: Option<&Node>,
    mapping: Option<(BodyKind, &Node)>,
    flow_name: Option<&str>,
) {
    let t = BodyKind::TargetConnection;
    let mut lines = Vec::new();
    let existing = existing_id(flow, "targetConnectionIds", plan::TARGET_CONNECTION_ID);
    if let Some(id) = existing {
        lines.push(Line::setting("connection", quote(id), BodyKind::Flow, "/targetConnectionIds/0"));
    }
    // As for the source: an existing connection's create settings are not written.
    let create = target.filter(|_| existing.is_none());
    if let Some(target) = create {
        let default_name = flow_name.map(|f| format!("{f} target connection"));
        if text(Some(target), "/name").is_some_and(|n| Some(n) != default_name.as_deref()) {
            string_setting(&mut lines, "name", t, Some(target), "/name");
        }
        string_setting(&mut lines, "description", t, Some(target), "/description");
        if text(Some(target), "/connectionSpec/id").is_some_and(|s| s != DATA_LAKE_CONNECTION_SPEC_ID) {
            string_setting(&mut lines, "connection_spec", t, Some(target), "/connectionSpec/id");
        }
        if text(Some(target), "/connectionSpec/version").is_some_and(|v| v != DEFAULT_SPEC_VERSION) {
            string_setting(&mut lines, "connection_spec_version", t, Some(target), "/connectionSpec/version");
        }
    }
    // The schema as the target connection names it, else as the mapping set does.
    let mapping_schema = mapping.and_then(|(kind, m)| {
        let id = if kind == BodyKind::MappingSet { "/outputSchema/schemaRef/id" } else { "/xdmSchema" };
        let version = (kind == BodyKind::MappingSet).then_some("/outputSchema/schemaRef/contentType");
        text(Some(m), id).map(|_| (kind, m, id, version))
    });
    let schema = match text(target, "/data/schema/id") {
        Some(_) => target.map(|v| (t, v, "/data/schema/id", Some("/data/schema/version"))),
        None => mapping_schema,
    };
    let block_body = if target.is_some() { t } else { mapping.map_or(t, |(k, _)| k) };
    if let Some((kind, body, id, version)) = schema {
        string_setting(&mut lines, "schema", kind, Some(body), id);
        if let Some(v) = version.filter(|v| text(Some(body), v).is_some_and(|v| v != DEFAULT_SCHEMA_VERSION)) {
            string_setting(&mut lines, "schema_version", kind, Some(body), v);
        }
        if let Some(file) = &w.bundle.schema_file {
            lines.push(Line::setting("schema_file", quote(file), kind, id));
        }
    } else if let Some(file) = &w.bundle.schema_file {
        lines.push(Line::setting("schema_file", quote(file), block_body, ""));
    }
    if let Some(target) = create {
        string_setting(&mut lines, "dataset", t, Some(target), "/params/dataSetId");
        if let Some(format) = text(Some(target), "/data/format").filter(|f| *f != DEFAULT_TARGET_FORMAT) {
            let value = setting_value(&Value::String(format.to_owned())).unwrap_or_default();
            lines.push(Line::setting("format", value, t, "/data/format"));
        }
    }
    w.block("target", block_body, lines);
}

fn flow_blocks(w: &mut Writer, flow: &Node, node: &Node) {
    let f = BodyKind::Flow;
    for (i, t) in flow.get("transformations").and_then(Node::as_array).into_iter().flatten().enumerate() {
        let at = format!("/transformations/{i}");
        match t.get("name").and_then(Node::as_str) {
            Some("Copy") => {
                let mut lines = Vec::new();
                let delta = format!("{at}/params/deltaColumn");
                if let Some(column) = text(Some(flow), &format!("{delta}/name")) {
                    lines.push(Line::setting("column", name(column), f, &format!("{delta}/name")));
                }
                string_setting(&mut lines, "date_format", f, Some(flow), &format!("{delta}/dateFormat"));
                string_setting(&mut lines, "timezone", f, Some(flow), &format!("{delta}/timezone"));
                w.block("delta", f, lines);
            }
            Some("Mapping") => {
                let id = text(Some(t), "/params/mappingId").filter(|id| *id != plan::MAPPING_SET_ID);
                if let Some(id) = id {
                    w.warn(
                        f,
                        format!("{at}/params/mappingId"),
                        format!("the flow's Mapping transformation names the mapping set `{id}`: the flow flowc builds names the mapping set it creates"),
                    );
                }
            }
            other => w.warn(
                f,
                at,
                format!(
                    "the flow's transformation {} has no flowc form: it is left out",
                    other.map_or("without a name".to_owned(), |n| format!("`{n}`"))
                ),
            ),
        }
    }
    for (key, block) in [("scheduleParams", "schedule"), ("options", "options")] {
        let Some(Node::Object(params)) = node.get(key) else { continue };
        let lines = open_settings(w, key, params);
        w.block(block, f, lines);
    }
}

fn open_settings(w: &mut Writer, key: &str, params: &[(String, Node)]) -> Vec<Line> {
    let mut lines = Vec::new();
    for (k, v) in params {
        let pointer = format!("/{key}/{}", escape(k));
        let v = w.bundle.coercion(BodyKind::Flow, &pointer).cloned().unwrap_or_else(|| v.to_value());
        match setting_value(&v) {
            Some(text) => lines.push(Line::setting(&name(k), text, BodyKind::Flow, &pointer)),
            None => w.warn(
                BodyKind::Flow,
                pointer,
                format!("`{key}.{k}` is an object, which a flowc setting cannot hold: it is left out"),
            ),
        }
    }
    lines
}

/// The XDM type a column fragment tells (`as ...`); `None` when it is not one flowc writes.
fn xdm_name(fragment: &Map<String, Value>, meta: Option<&str>) -> Option<&'static str> {
    let ty = fragment.get("type").and_then(Value::as_str);
    let format = fragment.get("format").and_then(Value::as_str);
    let expected_keys = 1 + usize::from(format.is_some());
    if fragment.len() != expected_keys {
        return None;
    }
    Some(match (ty?, format, meta) {
        ("string", None, None) => "string",
        ("number", None, None) => "number",
        ("integer", None, None) => "integer",
        ("integer", None, Some("long")) => "long",
        ("integer", None, Some("int")) => "int",
        ("integer", None, Some("short")) => "short",
        ("integer", None, Some("byte")) => "byte",
        ("boolean", None, None) => "boolean",
        ("string", Some("date"), Some("date")) => "date",
        ("string", Some("date-time"), Some("date-time")) => "date-time",
        ("object", None, None) => "object",
        ("object", None, Some("map")) => "map",
        ("array", None, None) => "array",
        _ => return None,
    })
}

/// `source_type[ as xdm]` so that it reads as `xdm`.
fn typed(source_type: &str, xdm: Option<&str>) -> Option<String> {
    if !is_word(source_type) {
        return None;
    }
    match (flowc_check::source::default_xdm_type(source_type), xdm) {
        (d, x) if d == x => Some(source_type.to_owned()),
        (_, Some(x)) => Some(format!("{source_type} as {x}")),
        _ => None,
    }
}

/// A nested field from its fragment (`nested_fragment` in `bodies`, reversed).
fn nested(field: &str, fragment: &Node) -> Option<String> {
    let Node::Object(entries) = fragment else { return None };
    let (is_array, element) = match fragment.get("type").and_then(Node::as_str) {
        Some("array") if entries.len() == 2 => (true, fragment.get("items")?),
        _ => (false, fragment),
    };
    let ordered = element;
    let Value::Object(element) = element.to_value() else { return None };
    let suffix = if is_array { "[]" } else { "" };
    if element.contains_key("properties") {
        if element.len() != 2 || element.get("type").and_then(Value::as_str) != Some("object") {
            return None;
        }
        let Some(Node::Object(properties)) = ordered.get("properties") else { return None };
        let children = properties.iter().map(|(n, f)| nested(n, f)).collect::<Option<Vec<_>>>()?;
        return Some(object_text(&name(field), &format!("object{suffix}"), &children));
    }
    let mut element = element;
    let meta = element.remove("meta:xdmType");
    let xdm = xdm_name(&element, meta.as_ref().and_then(Value::as_str))?;
    let source_type = if matches!(xdm, "date" | "date-time") { "string" } else { xdm };
    let ty = typed(source_type, Some(xdm))?;
    let (ty, rest) = ty.split_once(' ').map_or((ty.as_str(), String::new()), |(t, r)| (t, format!(" {r}")));
    Some(format!("{}: {ty}{suffix}{rest}", name(field)))
}

fn object_text(field: &str, ty: &str, children: &[String]) -> String {
    let mut text = format!("{field}: {ty} {{\n");
    for child in children {
        for l in child.lines() {
            let _ = writeln!(text, "  {l}");
        }
    }
    text.push('}');
    text
}

/// One column declaration from a `params.columns` entry (`column_node` in `bodies`,
/// reversed); `None` when no declaration compiles back to exactly this entry.
fn column(node: &Node) -> Option<String> {
    let Value::Object(entry) = node.to_value() else { return None };
    let entry = &entry;
    let field = entry.get("name")?.as_str()?;
    let ty = entry.get("type")?.as_str()?;
    let allowed = ["name", "type", "meta:xdmType", "xdm"];
    if entry.keys().any(|k| !allowed.contains(&k.as_str())) {
        return None;
    }
    // `array` as the source type of a column whose XDM type is a scalar is no `[]` column.
    let scalar_array =
        entry.get("xdm").and_then(|x| x.get("type")).and_then(Value::as_str).is_some_and(|t| t != "array");
    if ty == "array" && !scalar_array {
        if entry.contains_key("meta:xdmType") {
            return None;
        }
        return nested(field, node.get("xdm")?);
    }
    let meta = entry.get("meta:xdmType").map(|m| m.as_str()).map_or(Ok(None), |m| m.map(Some).ok_or(()));
    let meta = meta.ok()?;
    let Some(xdm) = entry.get("xdm") else {
        return (meta.is_none()).then(|| typed(ty, None)).flatten().map(|t| format!("{}: {t}", name(field)));
    };
    let xdm = xdm.as_object()?;
    if xdm.contains_key("properties") {
        if meta.is_some() || xdm.len() != 2 || xdm.get("type").and_then(Value::as_str) != Some("object") || !is_word(ty)
        {
            return None;
        }
        let Some(Node::Object(properties)) = node.get("xdm").and_then(|x| x.get("properties")) else { return None };
        let children = properties.iter().map(|(n, f)| nested(n, f)).collect::<Option<Vec<_>>>()?;
        return Some(object_text(&name(field), ty, &children));
    }
    let declared = xdm_name(xdm, meta)?;
    // `number` and `double` read the same: either is fine when the source type says so.
    let t = typed(ty, Some(declared))?;
    Some(format!("{}: {t}", name(field)))
}

fn mapping_block(w: &mut Writer, kind: BodyKind, mapping: &Node, legacy: Option<&Node>) {
    let identities: Vec<(usize, &Node)> = legacy
        .and_then(|l| l.get("mappings"))
        .and_then(Node::as_array)
        .map(|m| {
            m.iter().enumerate().filter(|(_, e)| e.get("identity").and_then(Node::as_bool) == Some(true)).collect()
        })
        .unwrap_or_default();
    let mut lines = Vec::new();
    for (i, entry) in mapping.get("mappings").and_then(Node::as_array).into_iter().flatten().enumerate() {
        let at = format!("/mappings/{i}");
        let legacy_form = entry.get("destinationXdmPath").is_some();
        let (destination_key, source_key) =
            if legacy_form { ("destinationXdmPath", "sourceAttribute") } else { ("destination", "source") };
        let (Some(destination), Some(source)) =
            (text(Some(entry), &format!("/{destination_key}")), text(Some(entry), &format!("/{source_key}")))
        else {
            w.warn(kind, at, format!("a mapping without a string `{destination_key}` and `{source_key}` is left out"));
            continue;
        };
        let source_type = text(Some(entry), "/sourceType");
        let verbatim = match (legacy_form, source_type) {
            (_, Some("STATIC")) => false,
            (_, Some("EXPRESSION" | "text/x.aep-xl")) => true,
            (false, Some("ATTRIBUTE" | "text/x.schema-path")) | (true, None | Some("text/x.schema-path")) => true,
            (_, other) => {
                let shown = other.map_or("none".to_owned(), |o| format!("`{o}`"));
                w.note(
                    kind,
                    format!("{at}/sourceType"),
                    format!(
                        "source type {shown} is not one flowc knows (ATTRIBUTE, EXPRESSION, STATIC, text/x.schema-path, text/x.aep-xl): the source is kept as written, as an expression"
                    ),
                    "read as an expression",
                );
                true
            }
        };
        // A constant as the flow file wrote it (`0`, `'K'`): the legacy dialect keeps that
        // text, where the current one keeps only the value. Used when it is that value.
        let literal = match (verbatim, legacy_form) {
            (false, false) => legacy
                .and_then(|l| l.get("mappings")?.as_array()?.get(i))
                .filter(|l| text(Some(l), "/destinationXdmPath") == Some(destination))
                .and_then(|l| text(Some(l), "/sourceAttribute"))
                .filter(|literal| is_literal_of(literal, source))
                .map(str::to_owned),
            _ => None,
        };
        let right = match literal {
            Some(literal) => literal,
            None if verbatim => source.to_owned(),
            None => quote(source),
        };
        // Verbatim text that could end the entry or the block is written only when it
        // parses as one entry: nothing in a body may change the file's structure.
        let risky = |t: &str| t.contains(['\n', '\r', '{', '}', '#']);
        let unsafe_key = if risky(destination) && !is_one_entry(destination, "x") {
            Some(destination_key)
        } else if risky(&right) && !is_one_entry("x", &right) {
            Some(source_key)
        } else {
            None
        };
        if let Some(pointer) = unsafe_key.map(|key| format!("{at}/{key}")) {
            w.refuse(
                kind,
                pointer,
                "this text cannot be written as a flowc mapping entry as it is: it would not read back as one entry",
            );
            continue;
        }
        let mut line = Line::new(String::new(), kind, at.clone());
        let mut text_out = String::new();
        let identity = identities.iter().find(|(_, i)| text(Some(i), "/destinationXdmPath") == Some(destination));
        if let Some((j, identity)) = identity {
            // The default (current) dialect drops identities (F503): what import wrote is kept
            // knowingly, and the comment says how to send it.
            text_out.push_str(LEGACY_IDENTITY_NOTE);
            let l = BodyKind::LegacyMappingSet;
            let mut args = Vec::new();
            if let Some(ns) = text(Some(identity), "/namespaceCode") {
                args.push((format!("namespace = {}", quote(ns)), format!("/mappings/{j}/namespaceCode")));
            }
            if let Some(group) = text(Some(identity), "/identityGroup") {
                args.push((format!("group = {}", quote(group)), format!("/mappings/{j}/identityGroup")));
            }
            if identity.get("primaryIdentity").and_then(Node::as_bool) == Some(true) {
                args.push(("primary".to_owned(), format!("/mappings/{j}/primaryIdentity")));
            }
            let start = text_out.len();
            text_out.push_str("@identity(");
            line = line.part(start..start + "@identity".len(), l, format!("/mappings/{j}/identity"), false);
            for (n, (arg, pointer)) in args.into_iter().enumerate() {
                if n > 0 {
                    text_out.push_str(", ");
                }
                line = line.part(text_out.len()..text_out.len() + arg.len(), l, pointer, false);
                text_out.push_str(&arg);
            }
            text_out.push_str(")\n");
        }
        for (attribute, key) in [("name", "name"), ("description", "description")] {
            if let Some(value) = text(Some(entry), &format!("/{key}")) {
                let written = format!("@{attribute}({})", quote(value));
                line = line.part(text_out.len()..text_out.len() + written.len(), kind, format!("{at}/{key}"), false);
                text_out.push_str(&written);
                text_out.push('\n');
            }
        }
        let start = text_out.len();
        line = line.part(start..start + destination.len(), kind, format!("{at}/{destination_key}"), true);
        text_out.push_str(destination);
        text_out.push_str(" = ");
        let start = text_out.len();
        line = line.part(start..start + right.len(), kind, format!("{at}/{source_key}"), verbatim);
        text_out.push_str(&right);
        line.text = text_out;
        lines.push(line);
    }
    w.block("mapping", kind, lines);
}

/// Whether `literal` (a constant as a flow file writes it) is the constant `value`.
fn is_literal_of(literal: &str, value: &str) -> bool {
    let parsed = flowc_syntax::parse(&format!("mapping {{\n  x = {literal}\n}}\n"));
    let entry = parsed.file.blocks.first().and_then(|b| b.entries().next());
    parsed.diagnostics.is_empty()
        && entry.is_some_and(|e| matches!(crate::bodies::source_kind(e), crate::bodies::Kind::Static(v) if v == value))
}

/// Whether `destination = text` reads back as exactly one mapping entry.
fn is_one_entry(destination: &str, text: &str) -> bool {
    let parsed = flowc_syntax::parse(&format!("mapping {{\n  {destination} = {text}\n}}\n"));
    parsed.diagnostics.is_empty() && parsed.file.blocks.len() == 1 && parsed.file.blocks[0].items.len() == 1
}
