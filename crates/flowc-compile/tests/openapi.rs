//! The bodies flowc emits validate against the request schemas of Adobe's published OpenAPI
//! specs (`fixtures/openapi/`, Apache-2.0): `CreateSourceConnectionRequest`,
//! `CreateTargetConnectionRequest` and `CreateFlowRequest` of flow-service.yaml, and, for the
//! current dialect, `MappingSet` of data-prep.yaml.
//!
//! OpenAPI 3.0 schemas are close to JSON Schema draft-04. Each request schema becomes a
//! standalone draft-04 schema: the component schemas it reaches are copied under
//! `definitions` (local `#/components/schemas/X` refs become `#/definitions/X`),
//! `nullable: true` adds `"null"` to `type`, and keywords whose value is `null` are dropped.
//!
//! One exception, named here and nowhere else: where the two sources disagree the flow spec
//! wins, and `ScheduleSpecDTO.interval` is a string in the OpenAPI spec but an integer in the
//! flow spec's `scheduleSpec` (which is what validates a flow). That one property's type is
//! patched; a test below shows that without the patch it is the only finding.

use flowc_compile::bodies::{CompileOptions, Compiled, Dialect, FlowSpecRef, compile};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::validate;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn spec(name: &str) -> Value {
    let path = root().join("fixtures/openapi").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn flow_service() -> Value {
    spec("flow-service.yaml")
}

fn data_prep() -> Value {
    spec("data-prep.yaml")
}

/// An OpenAPI schema as draft-04, collecting the component names it refers to.
fn convert(value: &Value, refs: &mut BTreeSet<String>) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                if v.is_null() {
                    // `allOf: null` (the damaged scheduleSpec of flow-service.yaml) and the like.
                    continue;
                }
                if key == "$ref"
                    && let Some(target) = v.as_str()
                {
                    let name = target
                        .strip_prefix("#/components/schemas/")
                        .unwrap_or_else(|| panic!("not a local ref: {target}"));
                    refs.insert(name.to_owned());
                    out.insert(key.clone(), Value::String(format!("#/definitions/{name}")));
                    continue;
                }
                out.insert(key.clone(), convert(v, refs));
            }
            if out.get("nullable") == Some(&Value::Bool(true)) {
                out.remove("nullable");
                if let Some(Value::String(t)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                }
            } else if out.get("nullable").is_some_and(Value::is_boolean) {
                out.remove("nullable");
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| convert(v, refs)).collect()),
        other => other.clone(),
    }
}

/// A standalone draft-04 schema for `components/schemas/NAME` of `doc`.
fn standalone(doc: &Value, name: &str) -> Value {
    let components = doc.pointer("/components/schemas").and_then(Value::as_object).expect("components.schemas");
    let mut definitions = Map::new();
    let mut todo = vec![name.to_owned()];
    while let Some(next) = todo.pop() {
        if definitions.contains_key(&next) {
            continue;
        }
        let mut refs = BTreeSet::new();
        let schema = components.get(&next).unwrap_or_else(|| panic!("no component schema {next}"));
        definitions.insert(next.clone(), convert(schema, &mut refs));
        todo.extend(refs);
    }
    let mut root = definitions[name].as_object().expect("an object schema").clone();
    root.insert("$schema".into(), json!("http://json-schema.org/draft-04/schema#"));
    root.insert("definitions".into(), Value::Object(definitions));
    Value::Object(root)
}

/// The one place the flow spec overrides the OpenAPI spec: `scheduleParams.interval` is an
/// integer (the CRMToAEP scheduleSpec: `"interval": {"type": "integer"}`), not a string.
fn flow_spec_wins(schema: &mut Value) {
    let interval = schema
        .pointer_mut("/definitions/ScheduleSpecDTO/properties/interval/type")
        .expect("ScheduleSpecDTO.interval.type");
    assert_eq!(interval, "string", "the OpenAPI spec changed: revisit the exception");
    *interval = json!("integer");
}

struct Validators {
    source: jsonschema::Validator,
    target: jsonschema::Validator,
    flow: jsonschema::Validator,
    options: jsonschema::Validator,
    mapping: jsonschema::Validator,
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft4::new(schema).unwrap_or_else(|e| panic!("the converted schema compiles: {e}"))
}

fn validators() -> Validators {
    let fs = flow_service();
    let mut flow = standalone(&fs, "CreateFlowRequest");
    flow_spec_wins(&mut flow);
    Validators {
        source: validator(&standalone(&fs, "CreateSourceConnectionRequest")),
        target: validator(&standalone(&fs, "CreateTargetConnectionRequest")),
        flow: validator(&flow),
        options: validator(&standalone(&fs, "OptionSpecDTO")),
        mapping: validator(&standalone(&data_prep(), "MappingSet")),
    }
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/compile"))
        .expect("fixtures/compile")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("dataflow.flow").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn compile_case(dir: &Path) -> Compiled {
    let src = std::fs::read_to_string(dir.join("dataflow.flow")).expect("readable");
    let parsed = flowc_syntax::parse(&src);
    let flow_spec = match validate::resolve(&parsed.file, &FlowSpecCatalog::builtin()) {
        Ok(spec) => FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() },
        Err(_) => FlowSpecRef { id: "9753525b-82c7-4dce-8a9b-5ccfce2b9876".into(), version: "1.0".into() },
    };
    let options =
        CompileOptions { dialect: Dialect::Current, flow_spec, emit_curl: false, emit_postman: false, tenant: None };
    compile(&parsed.file, &src, dir, &options).unwrap_or_else(|d| panic!("{}: {d:#?}", dir.display()))
}

#[test]
fn every_emitted_body_validates_against_the_openapi_request_schemas() {
    let v = validators();
    let mut checked = [0; 4];
    for dir in cases() {
        let c = compile_case(&dir);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(body) = c.source_connection() {
            assert_eq!(errors(&v.source, body), Vec::<String>::new(), "{name}: source connection");
            checked[0] += 1;
        }
        if let Some(body) = c.target_connection() {
            assert_eq!(errors(&v.target, body), Vec::<String>::new(), "{name}: target connection");
            checked[1] += 1;
        }
        if let Some(body) = c.mapping_set() {
            assert_eq!(errors(&v.mapping, body), Vec::<String>::new(), "{name}: mapping set");
            checked[2] += 1;
        }
        if let Some(body) = c.flow() {
            assert_eq!(errors(&v.flow, body), Vec::<String>::new(), "{name}: flow");
            // CreateFlowRequest does not list `options`; its values are the OptionSpecDTO's.
            if let Some(options) = body.get("options") {
                assert_eq!(errors(&v.options, options), Vec::<String>::new(), "{name}: flow options");
            }
            checked[3] += 1;
        }
    }
    assert!(checked.iter().all(|&n| n >= 3), "bodies checked (source, target, mapping, flow): {checked:?}");
}

#[test]
fn without_the_named_exception_the_integer_interval_is_the_only_finding() {
    let flow = compile_case(&root().join("fixtures/compile/payments")).flow().cloned().unwrap();
    let unpatched = validator(&standalone(&flow_service(), "CreateFlowRequest"));
    let found: Vec<(String, String)> =
        unpatched.iter_errors(&flow).map(|e| (e.instance_path().to_string(), e.to_string())).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "/scheduleParams/interval");
}

#[test]
fn the_validators_reject_broken_bodies() {
    let v = validators();
    let payments = compile_case(&root().join("fixtures/compile/payments"));

    let mut source = payments.source_connection().cloned().unwrap();
    source.as_object_mut().unwrap().remove("connectionSpec");
    assert!(!v.source.is_valid(&source), "connectionSpec is required");

    let mut target = payments.target_connection().cloned().unwrap();
    target["params"]["dataSetId"] = json!(5918669);
    assert!(!v.target.is_valid(&target), "dataSetId is a string");

    let mut flow = payments.flow().cloned().unwrap();
    flow["transformations"][1]["params"]["mappingVersion"] = json!(0);
    assert!(!v.flow.is_valid(&flow), "mappingVersion is a string");
    let mut flow = payments.flow().cloned().unwrap();
    flow["scheduleParams"]["startTime"] = json!("1767225600");
    assert!(!v.flow.is_valid(&flow), "startTime is an integer");
    let mut flow = payments.flow().cloned().unwrap();
    flow.as_object_mut().unwrap().remove("flowSpec");
    assert!(!v.flow.is_valid(&flow), "flowSpec is required");

    let mut mapping = payments.mapping_set().cloned().unwrap();
    mapping["mappings"][0]["sourceType"] = json!("CONSTANT");
    assert!(!v.mapping.is_valid(&mapping), "sourceType is ATTRIBUTE, EXPRESSION or STATIC");

    assert!(!v.options.is_valid(&json!({"errorDiagnosticsEnabled": "yes"})));
}
