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

use crate::bodies::{DATA_LAKE_CONNECTION_SPEC_ID, DEFAULT_SCHEMA_VERSION, DEFAULT_SPEC_VERSION, DEFAULT_TARGET_FORMAT};
use crate::flowspec::FlowSpecCatalog;
use crate::ordered::Node;
use crate::plan;
use serde_json::{Map, Value};
use std::fmt::Write as _;

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

fn has(value: &Value, key: &str) -> bool {
    value.get(key).is_some_and(|v| !v.is_null())
}

fn is_flow_spec(value: &Value) -> bool {
    ["transformationSpecs", "sourceConnectionSpecIds", "targetConnectionSpecIds", "scheduleSpec"].iter().any(|k| has(value, k))
        && !has(value, "flowSpec")
}

/// What a JSON body is, by its shape; `None` when it is none of the bodies flowc knows.
pub fn recognize(value: &Value) -> Option<BodyKind> {
    let object = value.as_object()?;
    const BUNDLE_KEYS: [&str; 4] = ["sourceConnection", "targetConnection", "mappingSet", "flow"];
    if BUNDLE_KEYS.iter().any(|k| object.contains_key(*k))
        && object.keys().all(|k| BUNDLE_KEYS.contains(&k.as_str()) || k == "plan")
    {
        return Some(BodyKind::Bundle);
    }
    if has(value, "flowSpec") && (has(value, "transformations") || has(value, "scheduleParams") || has(value, "sourceConnectionIds")) {
        return Some(BodyKind::Flow);
    }
    let mappings = value.get("mappings").and_then(Value::as_array);
    if let Some(mappings) = mappings {
        let entry_has = |key: &str| mappings.iter().any(|m| has(m, key));
        if has(value, "xdmSchema") || entry_has("destinationXdmPath") || entry_has("sourceAttribute") {
            return Some(BodyKind::LegacyMappingSet);
        }
        if value.pointer("/outputSchema/schemaRef").is_some() || entry_has("destination") || mappings.is_empty() {
            return Some(BodyKind::MappingSet);
        }
    }
    if value.pointer("/data/schema").is_some() && value.pointer("/params/dataSetId").is_some() {
        return Some(BodyKind::TargetConnection);
    }
    let params = value.get("params");
    let source_params = params.is_some_and(|p| has(p, "tableName") || has(p, "path") || has(p, "columns"));
    if (has(value, "baseConnectionId") || has(value, "connectionSpec")) && source_params {
        return Some(BodyKind::SourceConnection);
    }
    if is_flow_spec(value) || value.get("items").and_then(Value::as_array).is_some_and(|items| items.iter().any(is_flow_spec)) {
        return Some(BodyKind::FlowSpec);
    }
    None
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
}

impl Imported {
    /// Adds one body by its shape from its JSON text, keeping its keys' order.
    pub fn add_json(&mut self, text: &str) -> Result<BodyKind, String> {
        let node: Node = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        self.add_node(node)
    }

    /// Adds one body by its shape; a bundle adds its members. Returns what it was. (A
    /// `serde_json::Value` does not keep its keys' order: prefer [`Imported::add_json`].)
    pub fn add(&mut self, value: Value) -> Result<BodyKind, String> {
        self.add_node(Node::from_value(&value))
    }

    fn add_node(&mut self, value: Node) -> Result<BodyKind, String> {
        let kind = recognize(&value.to_value()).ok_or_else(|| "not a body flowc knows: no source connection, target connection, mapping set or flow shape".to_owned())?;
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
                        self.add_node(member).map_err(|e| format!("`{key}`: {e}"))?;
                    }
                }
                return Ok(kind);
            }
        };
        if slot.is_some() {
            return Err(format!("a second {}: one dataflow has one", kind.name()));
        }
        *slot = Some(value);
        Ok(kind)
    }
}

/// A written flowc file and what the import changed or could not carry.
#[derive(Clone, Debug, Default)]
pub struct Import {
    /// Canonical flowc text (a fixed point of `flowc_syntax::format`).
    pub text: String,
    pub warnings: Vec<String>,
}

fn text<'a>(value: Option<&'a Value>, pointer: &str) -> Option<&'a str> {
    value?.pointer(pointer)?.as_str()
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

struct Writer {
    out: String,
    warnings: Vec<String>,
}

impl Writer {
    fn block(&mut self, keyword: &str, lines: Vec<String>) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        let _ = writeln!(self.out, "{keyword} {{");
        // Only an item's first line is indented: the lines after it are either already
        // indented (columns) or an expression's, which is kept verbatim.
        for line in lines {
            let _ = writeln!(self.out, "  {line}");
        }
        self.out.push_str("}\n");
    }
}

fn setting(lines: &mut Vec<String>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        lines.push(format!("{key} = {}", quote(value)));
    }
}

/// Writes one dataflow's bodies as a flowc file. `origin` is recorded in the first line.
pub fn import(bundle: &Imported, origin: &str) -> Import {
    let mut w = Writer { out: format!("# imported by flowc from {origin}\n\n"), warnings: Vec::new() };
    let value = |n: &Option<Node>| n.as_ref().map(Node::to_value);
    let (flow, source, target) = (value(&bundle.flow), value(&bundle.source_connection), value(&bundle.target_connection));
    let (current, legacy) = (value(&bundle.mapping_set), value(&bundle.legacy_mapping_set));
    let (flow, source, target) = (flow.as_ref(), source.as_ref(), target.as_ref());
    let mapping = current.as_ref().or(legacy.as_ref());
    let flow_name = text(flow, "/name");

    if let Some(flow) = flow {
        let mut lines = Vec::new();
        setting(&mut lines, "name", flow_name);
        setting(&mut lines, "description", text(Some(flow), "/description"));
        let id = text(Some(flow), "/flowSpec/id").unwrap_or_default();
        let version = text(Some(flow), "/flowSpec/version").unwrap_or(DEFAULT_SPEC_VERSION);
        let catalog = FlowSpecCatalog::builtin();
        match catalog.find_version(id, version).filter(|s| is_word(&s.name)) {
            Some(spec) => lines.push(format!("spec = {}", spec.name)),
            None => lines.push(format!("spec = {}", quote(id))),
        }
        if version != DEFAULT_SPEC_VERSION {
            setting(&mut lines, "spec_version", Some(version));
        }
        w.block("flow", lines);
    }

    if source.is_some() || flow.is_some() {
        source_block(&mut w, bundle, source, flow, flow_name);
    }
    if target.is_some() || mapping.is_some() || flow.is_some() {
        target_block(&mut w, bundle, target, flow, mapping, flow_name);
    }

    if let (Some(flow), Some(node)) = (flow, &bundle.flow) {
        flow_blocks(&mut w, flow, node);
    }
    if let Some(mapping) = mapping {
        mapping_block(&mut w, mapping, legacy.as_ref());
    }

    let text = match flowc_syntax::format(&w.out) {
        Ok(text) => text,
        Err(parsed) => {
            w.warnings.push(format!("the written file does not parse: {:?}", parsed.diagnostics.first().map(|d| &d.message)));
            w.out
        }
    };
    Import { text, warnings: w.warnings }
}

/// The connection id a flow names, when it is an existing connection (not a placeholder).
fn existing_id<'a>(flow: Option<&'a Value>, key: &str, placeholder: &str) -> Option<&'a str> {
    let ids = flow?.get(key)?.as_array()?;
    let id = ids.first()?.as_str()?;
    (id != placeholder).then_some(id)
}

fn source_block(w: &mut Writer, bundle: &Imported, source: Option<&Value>, flow: Option<&Value>, flow_name: Option<&str>) {
    let mut lines = Vec::new();
    if let Some(id) = existing_id(flow, "sourceConnectionIds", plan::SOURCE_CONNECTION_ID) {
        setting(&mut lines, "connection", Some(id));
    }
    if let Some(source) = source {
        let default_name = flow_name.map(|f| format!("{f} source connection"));
        let name = text(Some(source), "/name");
        if name.is_some() && name != default_name.as_deref() {
            setting(&mut lines, "name", name);
        }
        setting(&mut lines, "description", text(Some(source), "/description"));
        setting(&mut lines, "connection_spec", text(Some(source), "/connectionSpec/id"));
        if let Some(v) = text(Some(source), "/connectionSpec/version").filter(|v| *v != DEFAULT_SPEC_VERSION) {
            setting(&mut lines, "connection_spec_version", Some(v));
        }
        setting(&mut lines, "base_connection", text(Some(source), "/baseConnectionId"));
        if let Some(format) = text(Some(source), "/data/format") {
            lines.push(format!("format = {}", setting_value(&Value::String(format.to_owned())).unwrap_or_default()));
        }
        setting(&mut lines, "table", text(Some(source), "/params/tableName"));
        setting(&mut lines, "path", text(Some(source), "/params/path"));
        let columns = bundle.source_connection.as_ref().and_then(|s| s.get("params")).and_then(|p| p.get("columns"));
        if let Some(Node::Array(columns)) = columns {
            match columns.iter().map(column).collect::<Option<Vec<String>>>() {
                Some(declared) => {
                    let mut text = "columns {\n".to_owned();
                    for d in declared {
                        for l in d.lines() {
                            let _ = writeln!(text, "    {l}");
                        }
                    }
                    text.push_str("  }");
                    lines.push(text);
                }
                None => match &bundle.columns_file {
                    Some(file) => lines.push(format!("columns from {}", quote(file))),
                    None => w.warnings.push(
                        "the source columns cannot be written inline exactly and no file to load them from was given: \
                         they are left out"
                            .to_owned(),
                    ),
                },
            }
        }
    }
    w.block("source", lines);
}

fn target_block(
    w: &mut Writer,
    bundle: &Imported,
    target: Option<&Value>,
    flow: Option<&Value>,
    mapping: Option<&Value>,
    flow_name: Option<&str>,
) {
    let mut lines = Vec::new();
    if let Some(id) = existing_id(flow, "targetConnectionIds", plan::TARGET_CONNECTION_ID) {
        setting(&mut lines, "connection", Some(id));
    }
    if let Some(target) = target {
        let default_name = flow_name.map(|f| format!("{f} target connection"));
        let name = text(Some(target), "/name");
        if name.is_some() && name != default_name.as_deref() {
            setting(&mut lines, "name", name);
        }
        setting(&mut lines, "description", text(Some(target), "/description"));
        if let Some(spec) = text(Some(target), "/connectionSpec/id").filter(|s| *s != DATA_LAKE_CONNECTION_SPEC_ID) {
            setting(&mut lines, "connection_spec", Some(spec));
        }
        if let Some(v) = text(Some(target), "/connectionSpec/version").filter(|v| *v != DEFAULT_SPEC_VERSION) {
            setting(&mut lines, "connection_spec_version", Some(v));
        }
    }
    let schema = text(target, "/data/schema/id")
        .or_else(|| text(mapping, "/outputSchema/schemaRef/id"))
        .or_else(|| text(mapping, "/xdmSchema"));
    let schema_version = text(target, "/data/schema/version").or_else(|| text(mapping, "/outputSchema/schemaRef/contentType"));
    setting(&mut lines, "schema", schema);
    if let Some(v) = schema_version.filter(|v| *v != DEFAULT_SCHEMA_VERSION) {
        setting(&mut lines, "schema_version", Some(v));
    }
    if let Some(file) = &bundle.schema_file {
        setting(&mut lines, "schema_file", Some(file));
    }
    if let Some(target) = target {
        setting(&mut lines, "dataset", text(Some(target), "/params/dataSetId"));
        if let Some(format) = text(Some(target), "/data/format").filter(|f| *f != DEFAULT_TARGET_FORMAT) {
            lines.push(format!("format = {}", setting_value(&Value::String(format.to_owned())).unwrap_or_default()));
        }
    }
    w.block("target", lines);
}

fn flow_blocks(w: &mut Writer, flow: &Value, node: &Node) {
    for t in flow.get("transformations").and_then(Value::as_array).into_iter().flatten() {
        match t.get("name").and_then(Value::as_str) {
            Some("Copy") => {
                let delta = t.pointer("/params/deltaColumn");
                let mut lines = Vec::new();
                if let Some(column) = text(delta, "/name") {
                    lines.push(format!("column = {}", name(column)));
                }
                setting(&mut lines, "date_format", text(delta, "/dateFormat"));
                setting(&mut lines, "timezone", text(delta, "/timezone"));
                w.block("delta", lines);
            }
            Some("Mapping") => {
                let id = text(Some(t), "/params/mappingId");
                if id.is_some_and(|id| id != plan::MAPPING_SET_ID) {
                    w.warnings.push(format!(
                        "the flow's Mapping transformation names mapping set `{}`: the compiled flow names the mapping set it creates",
                        id.unwrap_or_default()
                    ));
                }
                match t.pointer("/params/mappingVersion") {
                    Some(Value::String(v)) if v == plan::MAPPING_SET_VERSION => {}
                    Some(v) => w.warnings.push(format!(
                        "the flow's `mappingVersion` is {v}: the flow spec's schema wants a string, and the compiled flow names the created mapping set's version"
                    )),
                    None => {}
                }
            }
            other => w.warnings.push(format!(
                "the flow's transformation {} has no flowc form: it is left out",
                other.map_or("without a name".to_owned(), |n| format!("`{n}`"))
            )),
        }
    }
    for (key, block) in [("scheduleParams", "schedule"), ("options", "options")] {
        let Some(Node::Object(params)) = node.get(key) else { continue };
        let lines = open_settings(w, key, params);
        w.block(block, lines);
    }
}

fn open_settings(w: &mut Writer, key: &str, params: &[(String, Node)]) -> Vec<String> {
    let mut lines = Vec::new();
    for (k, v) in params {
        let mut v = v.to_value();
        if key == "scheduleParams"
            && matches!(k.as_str(), "startTime" | "interval")
            && let Value::String(s) = &v
            && let Ok(n) = s.trim().parse::<i64>()
        {
            w.warnings.push(format!(
                "`{key}.{k}` is the string {}: the platform takes it, the flow spec's schema wants an integer: written as {n}",
                quote(s)
            ));
            v = Value::from(n);
        }
        match setting_value(&v) {
            Some(text) => lines.push(format!("{} = {text}", name(k))),
            None => w.warnings.push(format!("`{key}.{k}` is an object, which a setting cannot hold: it is left out")),
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
    if ty == "array" {
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
        if meta.is_some() || xdm.len() != 2 || xdm.get("type").and_then(Value::as_str) != Some("object") || !is_word(ty) {
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

fn mapping_block(w: &mut Writer, mapping: &Value, legacy: Option<&Value>) {
    let identities: Vec<&Value> = legacy
        .and_then(|l| l.get("mappings"))
        .and_then(Value::as_array)
        .map(|m| m.iter().filter(|e| e.get("identity").and_then(Value::as_bool) == Some(true)).collect())
        .unwrap_or_default();
    let mut lines = Vec::new();
    for entry in mapping.get("mappings").and_then(Value::as_array).into_iter().flatten() {
        let legacy_form = entry.get("destinationXdmPath").is_some();
        let (destination, source) = if legacy_form {
            (text(Some(entry), "/destinationXdmPath"), text(Some(entry), "/sourceAttribute"))
        } else {
            (text(Some(entry), "/destination"), text(Some(entry), "/source"))
        };
        let (Some(destination), Some(source)) = (destination, source) else {
            w.warnings.push(format!("a mapping without a destination or a source is left out: {entry}"));
            continue;
        };
        let kind = text(Some(entry), "/sourceType");
        let right = match (legacy_form, kind) {
            (_, Some("STATIC")) => quote(source),
            (_, Some("EXPRESSION" | "text/x.aep-xl")) => source.to_owned(),
            (false, Some("ATTRIBUTE" | "text/x.schema-path")) | (true, None | Some("text/x.schema-path")) => source.to_owned(),
            (_, other) => {
                w.warnings.push(format!("`{destination}`: source type {other:?} is not one flowc knows: the source is kept as written"));
                source.to_owned()
            }
        };
        let identity = identities.iter().find(|i| text(Some(i), "/destinationXdmPath") == Some(destination));
        if let Some(identity) = identity {
            let mut args = Vec::new();
            if let Some(ns) = text(Some(identity), "/namespaceCode") {
                args.push(format!("namespace = {}", quote(ns)));
            }
            if let Some(group) = text(Some(identity), "/identityGroup") {
                args.push(format!("group = {}", quote(group)));
            }
            if identity.get("primaryIdentity").and_then(Value::as_bool) == Some(true) {
                args.push("primary".to_owned());
            }
            lines.push(format!("@identity({})", args.join(", ")));
        }
        if let Some(n) = text(Some(entry), "/name") {
            lines.push(format!("@name({})", quote(n)));
        }
        if let Some(d) = text(Some(entry), "/description") {
            lines.push(format!("@description({})", quote(d)));
        }
        lines.push(format!("{destination} = {right}"));
    }
    w.block("mapping", lines);
}
