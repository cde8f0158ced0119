//! A flow against its flow spec, and the four objects against each other.
//!
//! The flow spec's own draft-07 schemas decide what is valid: the schedule params against
//! `scheduleSpec.spec`, each transformation's params against its `transformationSpec[].spec`,
//! the options against `optionSpec.spec`. No rule of those schemas is written here: a flow
//! spec with other rules applies unchanged. What is here is how a schema's finding is said
//! to people (where in the flow file, in words, under which condition of the schema) and
//! the checks that no schema states: the connection specs the flow spec accepts, the
//! Mapping transformation, the delta column, the start time's unit and the clock.

use crate::flowspec::{DEFAULT_FLOW_SPEC, FlowSpec, FlowSpecCatalog, nearest};
use crate::json::value_to_json;
use crate::schemas::{ValidationError, ValidationErrorKind as Kind, ValidatorMap};
use flowc_diag::{Code, Diagnostic, Span};
use flowc_syntax::ast::{Block, BlockKind, Column, Columns, File, Value as AstValue, ValueKind};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The data lake's target connection spec: the only target of a source dataflow.
pub const DATA_LAKE: &str = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";
/// What stands for the mapping set's id while it does not exist yet.
pub const MAPPING_ID_PLACEHOLDER: &str = "{{mappingSet.id}}";

fn block(file: &File, kind: BlockKind) -> Option<&Block> {
    file.blocks.iter().find(|b| b.kind == kind)
}

/// Whether the file describes a flow (it has a `flow`, `schedule`, `delta` or `options`
/// block), rather than a mapping alone.
pub fn describes_flow(file: &File) -> bool {
    file.blocks
        .iter()
        .any(|b| matches!(b.kind, BlockKind::Flow | BlockKind::Schedule | BlockKind::Delta | BlockKind::Options))
}

/// Where a finding about the flow as a whole goes: the `flow` block, else the first block.
fn flow_anchor(file: &File) -> Span {
    block(file, BlockKind::Flow).or(file.blocks.first()).map_or(Span::empty(0), |b| b.keyword)
}

/// The flow spec the file's `flow` block names (`spec = CRMToAEP`, or an id; optionally
/// `spec_version`), or [`DEFAULT_FLOW_SPEC`] when it names none.
pub fn resolve<'c>(file: &File, catalog: &'c FlowSpecCatalog) -> Result<&'c FlowSpec, Diagnostic> {
    let flow = block(file, BlockKind::Flow);
    let anchor = flow_anchor(file);
    let setting = flow.and_then(|b| b.setting("spec"));
    let version =
        flow.and_then(|b| b.setting("spec_version")).and_then(|s| Some((s.value.kind.as_text()?, s.value.span)));
    let (wanted, span) = match setting {
        None => (DEFAULT_FLOW_SPEC, anchor),
        Some(s) => match s.value.kind.as_text() {
            Some(text) => (text, s.value.span),
            None => {
                return Err(Diagnostic::new(
                    Code::UnknownFlowSpec,
                    s.value.span,
                    format!(
                        "`spec` must name a flow spec (a name such as `{DEFAULT_FLOW_SPEC}`, or an id), not {}",
                        s.value.kind.describe()
                    ),
                )
                .with_label("not a flow spec name")
                .with_note(known_specs(catalog)));
            }
        },
    };
    let found = match version {
        Some((v, _)) => catalog.find_version(wanted, v),
        None => catalog.find(wanted),
    };
    if let Some(spec) = found {
        return Ok(spec);
    }
    if let (Some((v, vspan)), Some(other)) = (version, catalog.find(wanted)) {
        let versions: Vec<String> =
            catalog.all().iter().filter(|s| s.id == other.id).map(|s| format!("\"{}\"", s.version)).collect();
        return Err(Diagnostic::new(
            Code::UnknownFlowSpec,
            vspan,
            format!("flow spec `{}` has no version \"{v}\"; the versions known are {}", other.name, versions.join(", ")),
        )
        .with_label("unknown version")
        .with_help(format!(
            "write `spec_version = \"{}\"`, or load the file holding that version's `GET /flowSpecs` response (`flowspecs` in flowc.toml)",
            other.version
        )));
    }
    let is_id = wanted.len() == 36 && wanted.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let message = if setting.is_none() {
        format!("the default flow spec `{wanted}` is not in the catalog")
    } else if is_id {
        format!("no known flow spec has the id `{wanted}`")
    } else {
        format!("`{wanted}` is not a known flow spec")
    };
    let names: Vec<String> = catalog.names().iter().map(|n| format!("`{n}`")).collect();
    let message = if names.is_empty() {
        format!("{message}; no flow spec is known")
    } else {
        format!("{message}; known: {}", names.join(", "))
    };
    let mut d = Diagnostic::new(Code::UnknownFlowSpec, span, message).with_label("unknown flow spec");
    d = match catalog.suggest(wanted).filter(|_| !is_id) {
        Some(near) => d.with_help(format!("did you mean `{}`?", near.name)),
        None => d.with_help(
            "load its definition: add the file holding its `GET /flowSpecs` response to `flowspecs` in flowc.toml",
        ),
    };
    Err(d.with_note(known_specs(catalog)))
}

fn known_specs(catalog: &FlowSpecCatalog) -> String {
    let all: Vec<String> =
        catalog.all().iter().map(|s| format!("{} {} (version {})", s.name, s.id, s.version)).collect();
    if all.is_empty() { "no flow spec is known".into() } else { format!("the flow specs known: {}", all.join("; ")) }
}

/// Validates a flow file against its flow spec. `now` is the clock (epoch seconds) of
/// time-dependent checks; without it they are off, so results do not depend on the day.
/// A file that is a mapping alone (see [`describes_flow`]) gets no finding.
pub fn validate(file: &File, spec: &FlowSpec, now: Option<i64>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !describes_flow(file) {
        return out;
    }
    schedule(file, spec, &mut out);
    options(file, spec, &mut out);
    transformations(file, spec, &mut out);
    connections(file, spec, &mut out);
    delta_column(file, &mut out);
    start_time(file, now, &mut out);
    flowc_diag::sort(&mut out);
    out
}

/// The schedule block's settings as the flow's `scheduleParams` (values typed as written).
pub fn schedule_params(file: &File) -> Map<String, Value> {
    settings_instance(block(file, BlockKind::Schedule), &mut HashMap::new())
}

/// The options block's settings as the flow's `options`.
pub fn options_params(file: &File) -> Map<String, Value> {
    settings_instance(block(file, BlockKind::Options), &mut HashMap::new())
}

/// The Copy transformation's params from the delta block:
/// `{"deltaColumn": {"name", "dateFormat", "timezone"}}` (the keys the block sets).
pub fn copy_params(file: &File) -> Option<Value> {
    let delta = block(file, BlockKind::Delta)?;
    Some(copy_instance(delta, &mut HashMap::new()))
}

/// The Mapping transformation's params, `mappingVersion` typed as the flow spec's Mapping
/// schema declares it (a string in CRMToAEP; an integer where a schema says so).
pub fn mapping_params(spec: &FlowSpec, mapping_id: &str, mapping_version: u64) -> Value {
    let declared = spec
        .transformation_schema("Mapping")
        .and_then(|(_, s)| s.pointer("/properties/mappingVersion/type").and_then(Value::as_str).map(str::to_owned));
    let version = match declared.as_deref() {
        Some("integer" | "number") => Value::from(mapping_version),
        _ => Value::from(mapping_version.to_string()),
    };
    serde_json::json!({ "mappingId": mapping_id, "mappingVersion": version })
}

/// One side of the schema check: a schema `$id` and its version (content type), where it
/// was read.
#[derive(Clone, Copy, Debug)]
pub struct SchemaRef<'a> {
    pub id: &'a str,
    pub version: &'a str,
    pub span: Span,
}

/// The mapping set's target schema must be the target connection's schema, id and version
/// (server error 1425). In a flow file both come from the one `target` block; this checks
/// bodies read from elsewhere (JSON imports).
pub fn check_schema_match(mapping: SchemaRef<'_>, target: SchemaRef<'_>) -> Option<Diagnostic> {
    let message = if mapping.id != target.id {
        format!(
            "the mapping set's target schema `{}` is not the target connection's schema `{}`",
            mapping.id, target.id
        )
    } else if mapping.version != target.version {
        format!(
            "the mapping set's target schema version \"{}\" is not the target connection's \"{}\" (schema `{}`)",
            mapping.version, target.version, mapping.id
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::new(Code::SchemaMismatch, mapping.span, message)
            .with_label("the mapping set's schema")
            .with_secondary(target.span, "the target connection's schema")
            .with_help("map onto the target dataset's schema: both must name the same schema `$id` and version")
            .with_note("the platform rejects the flow with error 1425"),
    )
}

// ---------------------------------------------------------------------------------------
// Validation against the flow spec's schemas
// ---------------------------------------------------------------------------------------

/// Where a part of the validated JSON was written in the flow file.
#[derive(Clone, Debug)]
struct Loc {
    key: Span,
    value: Span,
    /// How messages name it: `interval`, `delta column`, `the schedule`.
    name: String,
    /// The setting to write, in helps: `interval`, `column`.
    setting: Option<String>,
}

/// One JSON value that a schema of the flow spec validates.
struct Subject<'a> {
    code: Code,
    spec: &'a FlowSpec,
    /// The schema's pointer in the flow spec.
    pointer: String,
    instance: Value,
    /// By JSON pointer into `instance`; `""` is the whole (its key span is where a missing
    /// key is reported).
    locs: HashMap<String, Loc>,
    /// The block that sets it (`schedule`), and whether the file has it.
    block: &'static str,
    block_present: bool,
    /// JSON keys with another name in the flow file (`name` is the delta block's `column`).
    aliases: &'static [(&'static str, &'static str)],
    /// A help for keys the flow file cannot set (the Mapping transformation's).
    fixed_help: Option<String>,
    /// For keys the schema does not define: `schedule param`.
    param_word: Option<&'static str>,
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer.trim_start_matches('/').split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

fn pointer_of(segments: &[String]) -> String {
    segments.iter().map(|s| format!("/{}", escape(s))).collect()
}

/// A setting value's locations, arrays element by element.
fn locate_value(
    pointer: String,
    name: String,
    key: Span,
    value: &AstValue,
    setting: &str,
    locs: &mut HashMap<String, Loc>,
) {
    if let ValueKind::Array(items) = &value.kind {
        for (i, item) in items.iter().enumerate() {
            locate_value(format!("{pointer}/{i}"), format!("{name}[{i}]"), item.span, item, setting, locs);
        }
    }
    locs.insert(pointer, Loc { key, value: value.span, name, setting: Some(setting.to_owned()) });
}

fn settings_instance(block: Option<&Block>, locs: &mut HashMap<String, Loc>) -> Map<String, Value> {
    let mut map = Map::new();
    for s in block.into_iter().flat_map(Block::settings) {
        if map.contains_key(&s.key.value) {
            continue;
        }
        map.insert(s.key.value.clone(), value_to_json(&s.value));
        locate_value(
            format!("/{}", escape(&s.key.value)),
            s.key.value.clone(),
            s.key.span,
            &s.value,
            &s.key.value,
            locs,
        );
    }
    map
}

const DELTA_KEYS: &[(&str, &str)] = &[("name", "column"), ("dateFormat", "date_format"), ("timezone", "timezone")];

fn copy_instance(delta: &Block, locs: &mut HashMap<String, Loc>) -> Value {
    let mut column = Map::new();
    for (json_key, setting) in DELTA_KEYS {
        if let Some(s) = delta.setting(setting) {
            column.insert((*json_key).to_owned(), value_to_json(&s.value));
            locate_value(
                format!("/deltaColumn/{json_key}"),
                format!("delta {setting}"),
                s.key.span,
                &s.value,
                setting,
                locs,
            );
        }
    }
    let whole = |name: &str| Loc { key: delta.keyword, value: delta.span, name: name.to_owned(), setting: None };
    locs.insert(String::new(), whole("the Copy transformation"));
    locs.insert("/deltaColumn".into(), whole("the delta block"));
    serde_json::json!({ "deltaColumn": column })
}

fn schedule(file: &File, spec: &FlowSpec, out: &mut Vec<Diagnostic>) {
    let block = block(file, BlockKind::Schedule);
    let Some(schema) = spec.schedule_schema() else {
        if let Some(b) = block {
            out.push(
                Diagnostic::new(
                    Code::ScheduleInvalid,
                    b.keyword,
                    format!("flow spec {} has no scheduleSpec, so it takes no schedule", spec.label()),
                )
                .with_label("no schedule in this flow spec")
                .with_help("remove the schedule block, or use a flow spec that defines schedules"),
            );
        }
        return;
    };
    let mut locs = HashMap::new();
    let instance = Value::Object(settings_instance(block, &mut locs));
    let anchor = block.map_or_else(|| flow_anchor(file), |b| b.keyword);
    locs.insert(String::new(), Loc { key: anchor, value: anchor, name: "the schedule".into(), setting: None });
    let subject = Subject {
        code: Code::ScheduleInvalid,
        spec,
        pointer: schema.pointer.to_owned(),
        instance,
        locs,
        block: "schedule",
        block_present: block.is_some(),
        aliases: &[],
        fixed_help: None,
        param_word: Some("schedule param"),
    };
    check_schema(&subject, out);
}

fn options(file: &File, spec: &FlowSpec, out: &mut Vec<Diagnostic>) {
    let block = block(file, BlockKind::Options);
    let Some(schema) = spec.options_schema() else {
        if let Some(b) = block.filter(|b| b.settings().next().is_some()) {
            out.push(
                Diagnostic::new(
                    Code::OptionsInvalid,
                    b.keyword,
                    format!("flow spec {} has no optionSpec, so it takes no options", spec.label()),
                )
                .with_label("no options in this flow spec")
                .with_help("remove the options block"),
            );
        }
        return;
    };
    let mut locs = HashMap::new();
    let instance = Value::Object(settings_instance(block, &mut locs));
    let anchor = block.map_or_else(|| flow_anchor(file), |b| b.keyword);
    locs.insert(String::new(), Loc { key: anchor, value: anchor, name: "the options".into(), setting: None });
    let subject = Subject {
        code: Code::OptionsInvalid,
        spec,
        pointer: schema.pointer.to_owned(),
        instance,
        locs,
        block: "options",
        block_present: block.is_some(),
        aliases: &[],
        fixed_help: None,
        param_word: Some("option"),
    };
    check_schema(&subject, out);
}

fn transformations(file: &File, spec: &FlowSpec, out: &mut Vec<Diagnostic>) {
    let names = spec.transformation_names();
    let listed = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
    if let Some(delta) = block(file, BlockKind::Delta) {
        match spec.transformation_schema("Copy") {
            None => out.push(
                Diagnostic::new(
                    Code::TransformationInvalid,
                    delta.keyword,
                    format!("flow spec {} has no Copy transformation, so the flow cannot have a delta column; its transformations: {listed}", spec.label()),
                )
                .with_label("needs a Copy transformation")
                .with_help("remove the delta block, or use a flow spec with a Copy transformation"),
            ),
            Some((pointer, _)) => {
                let mut locs = HashMap::new();
                let instance = copy_instance(delta, &mut locs);
                let subject = Subject {
                    code: Code::TransformationInvalid,
                    spec,
                    pointer,
                    instance,
                    locs,
                    block: "delta",
                    block_present: true,
                    aliases: DELTA_KEYS,
                    fixed_help: None,
                    param_word: None,
                };
                check_schema(&subject, out);
            }
        }
    }
    let anchor = flow_anchor(file);
    let spec_span = block(file, BlockKind::Flow).and_then(|b| b.setting("spec")).map_or(anchor, |s| s.value.span);
    match (spec.transformation_schema("Mapping"), block(file, BlockKind::Mapping)) {
        (None, _) => out.push(
            Diagnostic::new(
                Code::NoMappingTransformation,
                spec_span,
                format!("flow spec {} has no Mapping transformation; its transformations: {listed}", spec.label()),
            )
            .with_label("no Mapping transformation")
            .with_help("use a flow spec with a Mapping transformation (such as CRMToAEP)")
            .with_note("the platform rejects a flow without a Mapping transformation (error 1370)"),
        ),
        (Some(_), None) => out.push(
            Diagnostic::new(
                Code::NoMappingTransformation,
                anchor,
                "the flow has no mapping block, so it has no Mapping transformation",
            )
            .with_label("a flow without a mapping")
            .with_help("add a `mapping { destination = source }` block")
            .with_note("the platform rejects a flow without a Mapping transformation (error 1370)"),
        ),
        (Some((pointer, _)), Some(mapping)) => {
            let instance = mapping_params(spec, MAPPING_ID_PLACEHOLDER, 0);
            let whole =
                |name: &str| Loc { key: mapping.keyword, value: mapping.keyword, name: name.to_owned(), setting: None };
            let mut locs = HashMap::from([(String::new(), whole("the Mapping transformation"))]);
            for key in ["mappingId", "mappingVersion"] {
                locs.insert(format!("/{key}"), whole(key));
            }
            let subject = Subject {
                code: Code::TransformationInvalid,
                spec,
                pointer,
                instance,
                locs,
                block: "mapping",
                block_present: true,
                aliases: &[],
                fixed_help: Some("flowc sets the Mapping transformation's mappingId and mappingVersion only; this flow spec asks for more".into()),
                param_word: None,
            };
            check_schema(&subject, out);
        }
    }
}

/// A schema's verdict on one value, with where it applies.
struct Finding<'i> {
    error: ValidationError<'i>,
    inst: Vec<String>,
    schema: Vec<String>,
}

/// A condition (`if`) of the schema that decided which branch applies.
#[derive(Debug)]
struct Cond {
    /// The instance the `if` tested.
    parent: Vec<String>,
    /// The keys the `if` tests (its `properties` and `required`).
    keys: Vec<String>,
    /// The `if`'s pointer within the schema.
    if_pointer: String,
}

fn check_schema(subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(schema) = subject.spec.value.pointer(&subject.pointer) else { return };
    let map = match subject.spec.compiled().get(&subject.pointer) {
        Some(Ok(map)) => map,
        Some(Err(why)) => {
            out.push(
                Diagnostic::new(
                    subject.code,
                    subject.locs[""].key,
                    format!("flow spec {}'s schema #{} cannot be used: {why}", subject.spec.label(), subject.pointer),
                )
                .with_label("not validated")
                .with_note(format!("the flow spec comes from {}", subject.spec.origin)),
            );
            return;
        }
        None => return,
    };
    let Some(root) = map.get("#") else { return };
    let findings: Vec<Finding<'_>> = root
        .iter_errors(&subject.instance)
        .map(|error| Finding {
            inst: segments(error.instance_path().as_str()),
            schema: segments(error.schema_path().as_str()),
            error,
        })
        .collect();
    for (i, finding) in findings.iter().enumerate() {
        let conds = conditions(schema, map, &finding.schema, &finding.inst, &subject.instance);
        if follows_from_another(i, &findings, &conds) {
            continue;
        }
        out.extend(word(subject, schema, finding, &conds));
    }
    unknown_params(subject, schema, out);
}

/// The `if`s along a schema path whose branch (`then` when it matched, `else` when not)
/// holds the keyword at fault; each `if` is evaluated on its instance to be sure.
fn conditions(schema: &Value, map: &ValidatorMap, path: &[String], inst: &[String], instance: &Value) -> Vec<Cond> {
    let mut out = Vec::new();
    let mut node = schema;
    let mut depth = 0usize;
    let mut i = 0usize;
    while i < path.len() {
        let seg = path[i].as_str();
        if matches!(seg, "then" | "else")
            && let Some(if_schema) = node.get("if")
            && depth <= inst.len()
        {
            let if_pointer = format!("{}/if", pointer_of(&path[..i]));
            let parent = inst[..depth].to_vec();
            let matched = map
                .get(&format!("#{if_pointer}"))
                .zip(instance.pointer(&pointer_of(&parent)))
                .map(|(validator, value)| validator.is_valid(value));
            if matched == Some(seg == "then") {
                let mut keys: Vec<String> = if_schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                for k in
                    if_schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
                {
                    if !keys.iter().any(|have| have == k) {
                        keys.push(k.to_owned());
                    }
                }
                out.push(Cond { parent, keys, if_pointer });
            }
        }
        let next = path.get(i + 1).map(String::as_str);
        let child = match seg {
            "properties" | "patternProperties" | "dependencies" | "definitions" => {
                let Some(name) = next else { break };
                i += 1;
                if seg == "definitions" {
                    // A `$ref` target: where its instance is, the path no longer says.
                    break;
                }
                if seg != "dependencies" {
                    depth += 1;
                }
                node.get(seg).and_then(|n| n.get(name))
            }
            "allOf" | "anyOf" | "oneOf" => {
                let Some(index) = next.and_then(|n| n.parse::<usize>().ok()) else { break };
                i += 1;
                node.get(seg).and_then(|n| n.get(index))
            }
            "items" => {
                depth += 1;
                match (node.get("items"), next.and_then(|n| n.parse::<usize>().ok())) {
                    (Some(Value::Array(items)), Some(index)) => {
                        i += 1;
                        items.get(index)
                    }
                    (items, _) => items,
                }
            }
            "additionalProperties" | "additionalItems" | "contains" => {
                depth += 1;
                node.get(seg)
            }
            "if" | "then" | "else" | "not" => node.get(seg),
            _ => break,
        };
        match child {
            Some(c) => node = c,
            None => break,
        }
        i += 1;
    }
    out
}

/// A finding under a condition on a key that is itself missing or wrong follows from that
/// other finding: fixing it re-decides the condition, so only the other one is reported.
fn follows_from_another(index: usize, findings: &[Finding<'_>], conds: &[Cond]) -> bool {
    conds.iter().any(|c| {
        c.keys.iter().any(|k| {
            let mut at = c.parent.clone();
            at.push(k.clone());
            findings.iter().enumerate().any(|(j, other)| {
                j != index
                    && (other.inst.starts_with(&at)
                        || other.inst == c.parent
                            && matches!(other.error.kind(), Kind::Required { property } if property.as_str() == Some(k)))
            })
        })
    })
}

/// `{"a": 1}` compactly, cut when long.
fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// `"once", "minute"` → `once, minute`; other values as JSON.
fn list_values(values: &[Value]) -> String {
    values.iter().map(|v| v.as_str().map_or_else(|| show(v), str::to_owned)).collect::<Vec<_>>().join(", ")
}

/// `an integer`, `a string or null` for a schema's `type`.
pub(crate) fn describe_type(ty: &Value) -> String {
    let one = |t: &str| match t {
        "integer" => "an integer".to_owned(),
        "object" => "an object".to_owned(),
        "array" => "an array".to_owned(),
        "null" => "null".to_owned(),
        "boolean" => "a boolean (true or false)".to_owned(),
        other => format!("a {other}"),
    };
    match ty {
        Value::String(t) => one(t),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).map(one).collect::<Vec<_>>().join(" or "),
        other => show(other),
    }
}

/// The value a placeholder of a schema's property stands for, in helps: `<integer>`,
/// `<once, minute, ...>`.
fn hint(property: Option<&Value>) -> String {
    let Some(p) = property else { return "...".into() };
    if let Some(values) = p.get("enum").and_then(Value::as_array) {
        return format!("<one of {}>", list_values(values));
    }
    if let Some(c) = p.get("const") {
        return show(c);
    }
    match p.get("type") {
        Some(Value::String(t)) => format!("<{t}>"),
        _ => "...".into(),
    }
}

impl Subject<'_> {
    fn loc(&self, inst: &[String]) -> Option<&Loc> {
        self.locs.get(&pointer_of(inst))
    }

    /// How messages name the value at `inst`.
    fn name(&self, inst: &[String]) -> String {
        if let Some(loc) = self.loc(inst) {
            return loc.name.clone();
        }
        match inst.split_last() {
            Some((last, parent)) if parent.is_empty() || self.loc(parent).is_some_and(|l| l.setting.is_none()) => {
                self.alias(last).to_owned()
            }
            Some((last, parent)) => format!("{}.{last}", self.name(parent)),
            None => "the value".into(),
        }
    }

    fn alias<'k>(&self, key: &'k str) -> &'k str {
        self.aliases.iter().find(|(json, _)| *json == key).map_or(key, |(_, dsl)| dsl)
    }

    /// Where a value is written (its value span), or else its nearest enclosing one.
    fn value_span(&self, inst: &[String]) -> Span {
        (0..=inst.len())
            .rev()
            .find_map(|n| self.loc(&inst[..n]))
            .map_or(self.locs[""].key, |l| if inst.is_empty() { l.key } else { l.value })
    }

    /// Where a key is written (its key span), or else where its object is.
    fn key_span(&self, inst: &[String]) -> Span {
        (0..=inst.len()).rev().find_map(|n| self.loc(&inst[..n])).map_or(self.locs[""].key, |l| l.key)
    }

    fn rule_note(&self, schema_path: &[String]) -> String {
        format!("the rule: #{}{} in flow spec {}", self.pointer, pointer_of(schema_path), self.spec.label())
    }
}

/// The condition in words: `frequency "minute"` (every key set) or `mode is not set`.
struct CondText {
    text: String,
    all_set: bool,
}

fn cond_text(subject: &Subject<'_>, conds: &[Cond]) -> Option<CondText> {
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut all_set = true;
    for c in conds {
        if c.keys.is_empty() {
            let part = format!("{} matches #{}{}", subject.name(&c.parent), subject.pointer, c.if_pointer);
            parts.push((c.if_pointer.clone(), part));
            continue;
        }
        for k in &c.keys {
            let mut at = c.parent.clone();
            at.push(k.clone());
            let pointer = pointer_of(&at);
            let name = subject.name(&at);
            let part = match subject.instance.pointer(&pointer) {
                Some(v) => format!("{name} {}", show(v)),
                None => {
                    all_set = false;
                    format!("{name} is not set")
                }
            };
            match parts.iter_mut().find(|(p, _)| *p == pointer) {
                Some(existing) => existing.1 = part,
                None => parts.push((pointer, part)),
            }
        }
    }
    if parts.is_empty() {
        return None;
    }
    let text = parts.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(" and ");
    Some(CondText { text, all_set })
}

/// The diagnostics a schema finding becomes, in words.
fn word(subject: &Subject<'_>, schema: &Value, finding: &Finding<'_>, conds: &[Cond]) -> Vec<Diagnostic> {
    let cond = cond_text(subject, conds);
    let spec = format!("flow spec `{}`", subject.spec.name);
    let inst = &finding.inst;
    let name = subject.name(inst);
    let value = subject.instance.pointer(&pointer_of(inst)).cloned().unwrap_or(Value::Null);
    let shown = show(&value);
    // `that frequency "minute" requires` / `that applies when mode is not set`.
    let requires = |what: &str| match &cond {
        Some(c) if c.all_set => format!("{what} {} requires", c.text),
        Some(c) => format!("{what} {spec} requires when {}", c.text),
        None => format!("{what} {spec} requires"),
    };
    let when = || cond.as_ref().map_or(String::new(), |c| format!(" when {}", c.text));
    let diagnostic = |span: Span, message: String, label: &str| {
        Diagnostic::new(subject.code, span, message).with_label(label).with_note(subject.rule_note(&finding.schema))
    };
    let mut out = Vec::new();
    match finding.error.kind() {
        Kind::Required { property } => {
            let key = property.as_str().unwrap_or_default();
            let missing = subject.alias(key);
            let container = subject.name(inst);
            let message = format!("{container} has no {missing}, {}", requires("which"));
            let property_schema = property_schema(schema, &finding.schema, key);
            let help = match (&subject.fixed_help, inst.is_empty() || subject.loc(inst).is_some()) {
                (Some(h), _) => h.clone(),
                (None, true) if subject.block_present => {
                    format!("add `{missing} = {}` to the {} block", hint(property_schema), subject.block)
                }
                (None, _) => format!("add a {} block with `{missing} = {}`", subject.block, hint(property_schema)),
            };
            out.push(diagnostic(subject.key_span(inst), message, &format!("no {missing}")).with_help(help));
        }
        Kind::Not { schema: forbidden } => {
            let present: Vec<&str> = forbidden
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|k| value.get(k).is_some())
                .collect();
            if let Some(first) = present.first().filter(|_| forbidden.as_object().is_some_and(|o| o.len() == 1)) {
                let keys: Vec<&str> = present.iter().map(|k| subject.alias(k)).collect();
                let keys = keys.join(" and ");
                let message = match &cond {
                    Some(c) if c.all_set => format!("{} does not allow {keys}", c.text),
                    Some(c) => format!("{keys} is not allowed when {}", c.text),
                    None => format!("{spec} does not allow {keys} in {name}"),
                };
                let mut at = inst.clone();
                at.push((*first).to_owned());
                out.push(
                    diagnostic(subject.key_span(&at), message, "not allowed here").with_help(format!("remove {keys}")),
                );
            } else if let Some(c) =
                forbidden.get("const").filter(|_| forbidden.as_object().is_some_and(|o| o.len() == 1))
            {
                out.push(diagnostic(
                    subject.value_span(inst),
                    format!("{name} must not be {}{}", show(c), when()),
                    "not allowed",
                ));
            } else if let Some(values) = forbidden.get("enum").and_then(Value::as_array) {
                out.push(diagnostic(
                    subject.value_span(inst),
                    format!(
                        "{name} {shown} is one of the values {spec} forbids here ({}){}",
                        list_values(values),
                        when()
                    ),
                    "not allowed",
                ));
            } else {
                out.push(
                    diagnostic(
                        subject.value_span(inst),
                        format!("{name} {shown} matches a schema that {spec} forbids{}", when()),
                        "not allowed",
                    )
                    .with_note(format!("the forbidden schema: {}", show(forbidden))),
                );
            }
        }
        Kind::Enum { options } => {
            let values = options.as_array().cloned().unwrap_or_default();
            let mut d = diagnostic(
                subject.value_span(inst),
                format!("{name} {shown} is not one of {}{}", list_values(&values), when()),
                "not a valid value",
            );
            if let Some(text) = value.as_str()
                && let Some(near) = nearest(text, values.iter().filter_map(Value::as_str))
            {
                d = d.with_help(format!("did you mean {near}?"));
            }
            out.push(d);
        }
        Kind::Constant { expected_value } => {
            let message = match &cond {
                Some(c) if c.all_set => {
                    format!("{} requires {name} to be {}, not {shown}", c.text, show(expected_value))
                }
                _ => format!("{name} must be {}, not {shown}{}", show(expected_value), when()),
            };
            out.push(diagnostic(subject.value_span(inst), message, "not the required value"));
        }
        Kind::Type { .. } => {
            let expected =
                schema.pointer(&pointer_of(&finding.schema)).map_or_else(|| "another type".into(), describe_type);
            let mut d = diagnostic(
                subject.value_span(inst),
                format!("{name} must be {expected}, not {}{}", flowc_diag::json::describe(&value), when()),
                "wrong type",
            );
            if let Some(help) = type_fix(subject.loc(inst), schema.pointer(&pointer_of(&finding.schema)), &value) {
                d = d.with_help(help);
            }
            out.push(d);
        }
        Kind::Minimum { limit } => {
            let message = format!("{name} {shown} is below the minimum of {limit}");
            let message = match &cond {
                Some(c) if c.all_set => format!("{message} that {} requires", c.text),
                Some(c) => format!("{message} that applies when {}", c.text),
                None => message,
            };
            out.push(diagnostic(subject.value_span(inst), message, &format!("at least {limit}")));
        }
        Kind::Maximum { limit } => {
            let message = format!("{name} {shown} is above the maximum of {limit}");
            let message = match &cond {
                Some(c) if c.all_set => format!("{message} that {} allows", c.text),
                Some(c) => format!("{message} that applies when {}", c.text),
                None => message,
            };
            out.push(diagnostic(subject.value_span(inst), message, &format!("at most {limit}")));
        }
        Kind::ExclusiveMinimum { limit } => {
            out.push(diagnostic(
                subject.value_span(inst),
                format!("{name} {shown} must be greater than {limit}{}", when()),
                &format!("more than {limit}"),
            ));
        }
        Kind::ExclusiveMaximum { limit } => {
            out.push(diagnostic(
                subject.value_span(inst),
                format!("{name} {shown} must be less than {limit}{}", when()),
                &format!("less than {limit}"),
            ));
        }
        Kind::AdditionalProperties { unexpected } => {
            let allowed = property_schema_keys(schema, &finding.schema);
            for key in unexpected {
                let mut at = inst.clone();
                at.push(key.clone());
                let mut d = diagnostic(
                    subject.key_span(&at),
                    format!("{spec} does not allow {key} in {name}{}", when()),
                    "not allowed",
                );
                if let Some(near) = nearest(key, allowed.iter().map(String::as_str)) {
                    d = d.with_help(format!("did you mean {near}?"));
                }
                if !allowed.is_empty() {
                    d = d.with_note(format!("the keys it allows: {}", allowed.join(", ")));
                }
                out.push(d);
            }
        }
        Kind::FalseSchema => {
            let parent = inst.split_last().map_or(String::new(), |(_, p)| subject.name(p));
            out.push(diagnostic(
                subject.key_span(inst),
                format!("{spec} does not allow {name} in {parent}{}", when()),
                "not allowed",
            ));
        }
        Kind::Format { format } => {
            out.push(diagnostic(
                subject.value_span(inst),
                format!("{name} {shown} is not a valid {format}{}", when()),
                &format!("not a {format}"),
            ));
        }
        Kind::Pattern { pattern } => {
            out.push(diagnostic(
                subject.value_span(inst),
                format!("{name} {shown} does not match the pattern {pattern}{}", when()),
                "does not match",
            ));
        }
        Kind::AnyOf { .. } | Kind::OneOfNotValid { .. } => {
            out.push(diagnostic(
                subject.value_span(inst),
                format!("{name} {shown} matches none of the forms {spec} allows{}", when()),
                "no form matches",
            ));
        }
        Kind::OneOfMultipleValid { .. } => {
            out.push(diagnostic(
                subject.value_span(inst),
                format!(
                    "{name} {shown} matches more than one of the forms {spec} allows, where exactly one must match{}",
                    when()
                ),
                "ambiguous",
            ));
        }
        _ => {
            out.push(diagnostic(subject.value_span(inst), format!("{name}: {}{}", finding.error, when()), "invalid"));
        }
    }
    out
}

/// The schema of property `key` of the object whose keyword is at `path` (the keyword's own
/// schema, then the schemas it sits in that describe the same object).
fn property_schema<'s>(schema: &'s Value, path: &[String], key: &str) -> Option<&'s Value> {
    let mut end = path.len().saturating_sub(1);
    loop {
        let node = schema.pointer(&pointer_of(&path[..end]))?;
        if let Some(p) = node.get("properties").and_then(|p| p.get(key)) {
            return Some(p);
        }
        // Step out of applicators only (`allOf/0`, `then`, ...): they describe the same object.
        let back = match path[..end].last().map(String::as_str) {
            Some("if" | "then" | "else" | "not") => 1,
            Some(_) if end >= 2 && matches!(path[end - 2].as_str(), "allOf" | "anyOf" | "oneOf" | "dependencies") => 2,
            _ => return None,
        };
        end -= back;
    }
}

/// The keys declared by the object schema whose keyword is at `path`.
fn property_schema_keys(schema: &Value, path: &[String]) -> Vec<String> {
    let end = path.len().saturating_sub(1);
    schema
        .pointer(&pointer_of(&path[..end]))
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// A help that rewrites a value into the type the schema asks for, when it converts.
fn type_fix(loc: Option<&Loc>, ty: Option<&Value>, value: &Value) -> Option<String> {
    let setting = loc?.setting.as_deref()?;
    let wants = |t: &str| match ty {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(ts)) => ts.iter().any(|x| x.as_str() == Some(t)),
        _ => false,
    };
    let fixed = match value {
        Value::String(s) if wants("integer") && s.trim().parse::<i64>().is_ok() => s.trim().to_owned(),
        Value::String(s) if wants("number") && s.trim().parse::<f64>().is_ok_and(f64::is_finite) => s.trim().to_owned(),
        Value::String(s) if wants("boolean") && matches!(s.as_str(), "true" | "false") => s.clone(),
        Value::Number(n) if wants("string") => format!("\"{n}\""),
        Value::Bool(b) if wants("string") => format!("\"{b}\""),
        _ => return None,
    };
    let how = if matches!(value, Value::String(_)) { "without quotes" } else { "quoted" };
    Some(format!("write it {how}: `{setting} = {fixed}`"))
}

/// The top-level keys a schema declares (in `properties` and `required`, through `allOf`,
/// `anyOf`, `oneOf`, `if`/`then`/`else` and `dependencies`), or `None` when it leaves keys
/// open to rules of its own (`additionalProperties`, `patternProperties`, `$ref`) or
/// declares none.
fn declared_keys(schema: &Value) -> Option<Vec<String>> {
    fn walk(node: &Value, keys: &mut Vec<String>) -> bool {
        let Some(obj) = node.as_object() else { return true };
        if obj.contains_key("additionalProperties") || obj.contains_key("patternProperties") || obj.contains_key("$ref")
        {
            return false;
        }
        let mut add = |k: &str| {
            if !keys.iter().any(|have| have == k) {
                keys.push(k.to_owned());
            }
        };
        for k in obj.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.keys()) {
            add(k);
        }
        for k in obj.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            add(k);
        }
        let mut subschemas: Vec<&Value> = Vec::new();
        for key in ["allOf", "anyOf", "oneOf"] {
            subschemas.extend(obj.get(key).and_then(Value::as_array).into_iter().flatten());
        }
        for key in ["if", "then", "else"] {
            subschemas.extend(obj.get(key));
        }
        subschemas.extend(
            obj.get("dependencies")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|d| d.values())
                .filter(|v| v.is_object()),
        );
        subschemas.into_iter().all(|s| walk(s, keys))
    }
    let mut keys = Vec::new();
    (walk(schema, &mut keys) && !keys.is_empty()).then_some(keys)
}

/// Keys the schema neither declares nor rules on: most likely typos. A warning, since the
/// schema itself lets them through.
fn unknown_params(subject: &Subject<'_>, schema: &Value, out: &mut Vec<Diagnostic>) {
    let Some(what) = subject.param_word else { return };
    let Some(Value::Object(given)) = Some(&subject.instance) else { return };
    let Some(declared) = declared_keys(schema) else { return };
    for key in given.keys() {
        if declared.iter().any(|d| d == key) {
            continue;
        }
        let at = [key.clone()];
        let mut d = Diagnostic::new(
            Code::UnknownParam,
            subject.key_span(&at),
            format!("{key} is not a {what} of flow spec `{}`", subject.spec.name),
        )
        .with_label(format!("unknown {what}"));
        if let Some(near) = nearest(key, declared.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean {near}?"));
        } else {
            d = d.with_help(format!(
                "remove it, or check the flow spec: its schema at #{} does not define it",
                subject.pointer
            ));
        }
        out.push(d.with_note(format!("the {what}s it defines: {}", declared.join(", "))));
    }
}

// ---------------------------------------------------------------------------------------
// Cross-object checks
// ---------------------------------------------------------------------------------------

fn text_setting<'a>(block: Option<&'a Block>, key: &str) -> Option<(&'a str, Span)> {
    let s = block?.setting(key)?;
    Some((s.value.kind.as_text()?, s.value.span))
}

fn id_list(ids: &[String]) -> String {
    if ids.is_empty() { "none".into() } else { ids.join(", ") }
}

fn connections(file: &File, spec: &FlowSpec, out: &mut Vec<Diagnostic>) {
    let source = block(file, BlockKind::Source);
    if let Some((id, span)) = text_setting(source, "connection_spec")
        && !spec.source_connection_spec_ids.iter().any(|s| s == id)
    {
        let accepted = &spec.source_connection_spec_ids;
        let mut d = Diagnostic::new(
            Code::SourceSpecNotAccepted,
            span,
            format!(
                "source connection spec `{id}` is not one of the {} that flow spec `{}` accepts",
                accepted.len(),
                spec.name
            ),
        )
        .with_label("not accepted by this flow spec");
        d = match accepted.iter().find(|a| strsim::levenshtein(a, id) <= 3) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None => d.with_help("use a flow spec that accepts this source (`flowc flowspec list`), or check the id"),
        };
        out.push(d.with_note(format!("the source connection specs it accepts: {}", id_list(accepted))));
    }
    let target = block(file, BlockKind::Target);
    let given = text_setting(target, "connection_spec");
    if given.is_none() && text_setting(target, "connection").is_some() {
        // An existing target connection: its connection spec is not in this file.
        return;
    }
    let (id, span, written) = match given {
        Some((id, span)) => (id, span, true),
        None => (DATA_LAKE, target.map_or_else(|| flow_anchor(file), |t| t.keyword), false),
    };
    if id != DATA_LAKE {
        out.push(
            Diagnostic::new(
                Code::TargetSpecNotAccepted,
                span,
                format!("target connection spec `{id}` is not the data lake's `{DATA_LAKE}`, the only target of a source dataflow"),
            )
            .with_label("not the data lake")
            .with_help("remove `connection_spec`: the data lake's is the default")
            .with_note("the platform rejects other target connection specs with error 1307"),
        );
    } else if !spec.target_connection_spec_ids.iter().any(|s| s == id) {
        let what = if written { "" } else { " (the default)" };
        out.push(
            Diagnostic::new(
                Code::TargetSpecNotAccepted,
                span,
                format!(
                    "flow spec `{}` does not accept the target connection spec `{id}`{what}; it accepts: {}",
                    spec.name,
                    id_list(&spec.target_connection_spec_ids)
                ),
            )
            .with_label("not accepted by this flow spec")
            .with_help("use a flow spec whose targetConnectionSpecIds list the data lake"),
        );
    }
}

/// Whether a column holds dates: read `as date` / `as date-time`, or of a date or
/// timestamp source type.
fn is_date_like(column: &Column) -> bool {
    if column.is_array {
        return false;
    }
    match &column.xdm_type {
        Some(x) => matches!(x.value.as_str(), "date" | "date-time"),
        None => matches!(
            column.source_type.value.to_ascii_lowercase().as_str(),
            "date" | "datetime" | "date-time" | "timestamp"
        ),
    }
}

fn delta_column(file: &File, out: &mut Vec<Diagnostic>) {
    let Some(delta) = block(file, BlockKind::Delta) else { return };
    if let Some(setting) = delta.setting("date_format")
        && let ValueKind::String(pattern) = &setting.value.kind
    {
        date_pattern(pattern, setting.value.span, out);
    }
    let Some((name, span)) = text_setting(Some(delta), "column") else { return };
    let Some(Columns::Inline { columns, .. }) = block(file, BlockKind::Source).and_then(Block::columns) else { return };
    let Some(column) = columns.iter().find(|c| c.name.value == name) else {
        let names: Vec<&str> = columns.iter().map(|c| c.name.value.as_str()).collect();
        let dates: Vec<&str> = columns.iter().filter(|c| is_date_like(c)).map(|c| c.name.value.as_str()).collect();
        let mut d =
            Diagnostic::new(Code::DeltaColumnInvalid, span, format!("delta column `{name}` is not a source column"))
                .with_label("no such column");
        d = match nearest(name, names.iter().copied()) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None if !dates.is_empty() => d.with_help(format!("the date columns of the source: {}", dates.join(", "))),
            None => d.with_help("declare the column in the source block, read `as date-time`"),
        };
        out.push(d.with_note(format!("the source columns: {}", names.join(", "))));
        return;
    };
    if !is_date_like(column) {
        let ty = match &column.xdm_type {
            Some(x) => {
                format!("{}{} read as {}", column.source_type.value, if column.is_array { "[]" } else { "" }, x.value)
            }
            None => format!("{}{}", column.source_type.value, if column.is_array { "[]" } else { "" }),
        };
        let help = if column.is_array {
            "pick a column that holds one date per row".to_owned()
        } else {
            format!(
                "declare it as a date: `{}: {} as date-time`, or pick a date column",
                column.name.value, column.source_type.value
            )
        };
        out.push(
            Diagnostic::new(
                Code::DeltaColumnInvalid,
                span,
                format!("delta column `{name}` is {ty}, not a date or date-time: new rows are told by a date"),
            )
            .with_label("not a date column")
            .with_secondary(column.span, "declared here")
            .with_help(help),
        );
    }
}

/// The delta date format's problems, at their place inside the string when it has no
/// escapes (then its text maps byte for byte after the opening quote).
fn date_pattern(pattern: &str, span: Span, out: &mut Vec<Diagnostic>) {
    let plain = span.len() == pattern.len() + 2;
    for p in flowc_check::patterns::check_java_date_pattern(pattern) {
        let at = if plain { Span::new(span.start + 1 + p.start, span.start + 1 + p.end.max(p.start)) } else { span };
        let code = if p.severity == flowc_diag::Severity::Error {
            Code::InvalidDatePattern
        } else {
            Code::SuspiciousDatePattern
        };
        let mut d = Diagnostic::new(code, at, format!("the delta column's date format: {}", p.message))
            .with_severity(p.severity)
            .with_label(p.message.clone());
        if let Some(help) = p.help {
            d = d.with_help(help);
        }
        out.push(d);
    }
}

fn start_time(file: &File, now: Option<i64>, out: &mut Vec<Diagnostic>) {
    let Some(setting) = block(file, BlockKind::Schedule).and_then(|b| b.setting("startTime")) else { return };
    let Some(value) = value_to_json(&setting.value).as_i64() else { return };
    let span = setting.value.span;
    if (1_000_000_000_000..10_000_000_000_000).contains(&value) {
        out.push(
            Diagnostic::new(
                Code::StartTimeInMilliseconds,
                span,
                format!("startTime {value} is in milliseconds ({}); schedules take epoch seconds", utc(value / 1000)),
            )
            .with_label("13 digits: milliseconds")
            .with_help(format!("write `startTime = {}`", value / 1000)),
        );
        return;
    }
    if let Some(now) = now
        && value < now
    {
        out.push(
            Diagnostic::new(
                Code::StartTimeInPast,
                span,
                format!("startTime {value} ({}) is before now ({})", utc(value), utc(now)),
            )
            .with_label("in the past")
            .with_help(format!("start the schedule at or after now: `startTime = {now}` or later"))
            .with_note("the platform rejects a start time in the past (error 1360); the clock is `--now` or flowc.toml's `now`"),
        );
    }
}

/// Epoch seconds as `2019-09-02T08:05:48Z`.
fn utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_print_as_utc() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_567_411_548), "2019-09-02T08:05:48Z");
        assert_eq!(utc(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn declared_keys_follow_applicators_and_stop_at_open_schemas() {
        let schema = serde_json::json!({
            "properties": {"a": {}},
            "required": ["b"],
            "if": {"properties": {"c": {"const": 1}}},
            "then": {"allOf": [{"properties": {"d": {}}}]},
        });
        assert_eq!(declared_keys(&schema), Some(vec!["a".into(), "b".into(), "c".into(), "d".into()]));
        assert_eq!(declared_keys(&serde_json::json!({"properties": {"a": {}}, "additionalProperties": false})), None);
        assert_eq!(declared_keys(&serde_json::json!({"type": "object"})), None);
    }
}
