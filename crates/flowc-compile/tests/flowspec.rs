//! The flow spec catalog: the built-in CRMToAEP flow spec, and flow specs read from files
//! holding a `GET /flowSpecs` response.

use flowc_compile::flowspec::{BUILTIN_JSON, FlowSpec, FlowSpecCatalog};
use flowc_diag::{Code, LineIndex};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// A file in a fresh folder of the system's temporary directory.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowc-flowspec-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

fn at(text: &str, offset: usize) -> (usize, usize) {
    let lc = LineIndex::new(text).line_col(offset);
    (lc.line, lc.column)
}

#[test]
fn the_embedded_flow_spec_is_the_fixture_byte_for_byte() {
    let fixture = std::fs::read(root().join("fixtures/flowspecs/crm-to-aep.json")).expect("fixture");
    let embedded = std::fs::read(root().join("crates/flowc-compile/flowspecs/crm-to-aep.json")).expect("embedded copy");
    assert_eq!(
        embedded, fixture,
        "crates/flowc-compile/flowspecs/crm-to-aep.json must equal fixtures/flowspecs/crm-to-aep.json"
    );
    assert_eq!(BUILTIN_JSON.as_bytes(), &fixture[..]);
}

#[test]
fn the_builtin_catalog_holds_crm_to_aep() {
    let catalog = FlowSpecCatalog::builtin();
    assert_eq!(catalog.all().len(), 1);
    let spec = catalog.find("CRMToAEP").expect("by name");
    assert_eq!(spec.id, "14518937-270c-4525-bdec-c2ba7cce3860");
    assert_eq!(spec.version, "1.0");
    assert_eq!(spec.origin, "built in");
    assert_eq!(spec.source_connection_spec_ids.len(), 36);
    assert!(spec.source_connection_spec_ids.iter().any(|id| id == "221c7626-58f6-4eec-8ee2-042b0226f03b"), "PayPal");
    assert_eq!(spec.target_connection_spec_ids, ["c604ff05-7f1a-43c0-8e18-33bf874cb11c"]);
    assert_eq!(spec.transformation_names(), ["Copy", "Mapping"]);
    assert_eq!(spec.schedule_schema().expect("scheduleSpec").pointer, "/scheduleSpec/spec");
    assert_eq!(spec.transformation_schema("Mapping").expect("Mapping").0, "/transformationSpec/1/spec");
    assert!(catalog.find("14518937-270c-4525-bdec-c2ba7cce3860").is_some_and(|s| s.name == "CRMToAEP"), "by id");
    assert!(catalog.find_version("CRMToAEP", "1.0").is_some());
    assert!(catalog.find_version("CRMToAEP", "2.0").is_none());
    assert!(catalog.find("crmtoaep").is_none(), "names are exact");
    assert_eq!(catalog.suggest("crmtoaep").map(|s| s.name.as_str()), Some("CRMToAEP"));
    assert!(catalog.suggest("Marketo").is_none());
}

#[test]
fn a_file_with_one_flow_spec_loads() {
    let path = temp_file("one.json", BUILTIN_JSON);
    let specs = FlowSpecCatalog::load_file(&path).expect("valid");
    assert_eq!(specs.len(), 1);
    assert_eq!(specs[0].name, "CRMToAEP");
    assert_eq!(specs[0].origin, path.display().to_string());
}

#[test]
fn a_file_with_items_loads_every_flow_spec_and_replaces_the_same_id_and_version() {
    let crm: serde_json::Value = serde_json::from_str(BUILTIN_JSON).expect("JSON");
    let mut other = crm.clone();
    other["id"] = "0b9c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4".into();
    other["name"] = "NightlyCRM".into();
    other["sourceConnectionSpecIds"] = serde_json::json!(["221c7626-58f6-4eec-8ee2-042b0226f03b"]);
    let mut crm2 = crm.clone();
    crm2["version"] = "2.0".into();
    let text = serde_json::to_string_pretty(&serde_json::json!({ "items": [crm, other, crm2] })).expect("JSON");
    let path = temp_file("items.json", &text);
    let mut catalog = FlowSpecCatalog::builtin();
    assert!(catalog.load_files(std::slice::from_ref(&path)).is_empty());
    // CRMToAEP 1.0 from the file replaced the built-in one; 2.0 and NightlyCRM are new.
    assert_eq!(catalog.all().len(), 3);
    assert!(catalog.all().iter().all(|s| s.origin == path.display().to_string()));
    assert_eq!(catalog.names(), ["CRMToAEP", "NightlyCRM"]);
    assert_eq!(catalog.find("CRMToAEP").expect("found").version, "2.0", "the last added");
    assert_eq!(catalog.find_version("CRMToAEP", "1.0").expect("found").version, "1.0");
    let nightly = catalog.find("0b9c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4").expect("by id");
    assert_eq!(nightly.name, "NightlyCRM");
    assert_eq!(nightly.source_connection_spec_ids.len(), 1);
}

#[test]
fn malformed_json_is_reported_at_its_line_and_column() {
    let text = "{\n  \"id\": \"x\",\n  \"name\": \"CRMToAEP\"\n  \"version\": \"1.0\"\n}\n";
    let path = temp_file("malformed.json", text);
    let error = FlowSpecCatalog::load_file(&path).expect_err("malformed");
    assert_eq!(error.text, text);
    assert_eq!(error.diagnostics.len(), 1);
    let d = &error.diagnostics[0];
    assert_eq!(d.code, Code::InvalidFlowSpecFile);
    assert_eq!(at(text, d.primary_span().start), (4, 3), "the `\"version\"` that lacks a comma before it");
    assert_eq!(d.message, "the flow spec file is not valid JSON: expected `,` or `}`");
    assert!(error.to_string().contains("malformed.json: 1 problem"), "{error}");
}

#[test]
fn a_file_that_is_not_a_flow_specs_response_says_what_is_wrong() {
    let cases: [(&str, &str, (usize, usize)); 5] = [
        ("[1, 2]\n", "a flow spec must be a JSON object, not an array", (1, 1)),
        ("{\"items\": []}\n", "`items` is an empty array: the file holds no flow spec", (1, 11)),
        ("{\"items\": {\"id\": \"x\"}}\n", "`items` must be an array of flow specs, not an object", (1, 11)),
        (
            "{\"id\": \"x\", \"name\": \"\", \"version\": \"1.0\"}\n",
            "the flow spec's `name` must be a non-empty string, not an empty string",
            (1, 21),
        ),
        (
            "{\"id\": \"x\", \"name\": \"n\", \"version\": \"1.0\", \"sourceConnectionSpecIds\": \"a\"}\n",
            "`sourceConnectionSpecIds` must be an array of connection spec ids, not the string \"a\"",
            (1, 71),
        ),
    ];
    for (text, message, place) in cases {
        let diagnostics = FlowSpec::parse(text, "test").expect_err(text);
        assert_eq!(diagnostics[0].message, message, "{text}");
        assert_eq!(at(text, diagnostics[0].primary_span().start), place, "{text}");
    }
}

#[test]
fn an_invalid_schema_in_a_flow_spec_is_found_on_loading() {
    let text = "{\"id\": \"x\", \"name\": \"n\", \"version\": \"1.0\",\n \"optionSpec\": {\"spec\": {\"type\": \"objekt\"}}}\n";
    let diagnostics = FlowSpec::parse(text, "test").expect_err("invalid schema");
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0].message.starts_with("the flow spec's optionSpec.spec is not a valid draft-07 JSON Schema: "),
        "{}",
        diagnostics[0].message
    );
    assert_eq!(at(text, diagnostics[0].primary_span().start), (2, 34), "at the bad `type` value");
}

#[test]
fn a_missing_file_is_an_error_with_its_path() {
    let path = root().join("fixtures/flowspecs/no-such-file.json");
    let error = FlowSpecCatalog::load_file(&path).expect_err("missing");
    assert_eq!(error.path, path);
    assert!(error.diagnostics[0].message.contains("no such file"), "{}", error.diagnostics[0].message);
}

#[test]
fn a_catalog_is_shared_across_threads_and_compiles_its_schemas_once() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<FlowSpecCatalog>();
    // Clones share one set of compiled validators: validating from many threads at once
    // works, and gives one answer.
    let catalog = FlowSpecCatalog::builtin();
    let text = "flow {\n  spec = CRMToAEP\n}\nschedule {\n  startTime = 1767225600\n  frequency = minute\n  interval = 5\n}\nmapping {\n  _id = x\n}\n";
    let file = flowc_syntax::parse(text).file;
    let answers: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let spec = flowc_compile::validate::resolve(&file, &catalog).expect("CRMToAEP");
                    flowc_compile::validate::validate(&file, spec, None).into_iter().map(|d| d.message).collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("no panic")).collect()
    });
    assert!(
        answers.iter().all(|a| a == &["interval 5 is below the minimum of 15 that frequency \"minute\" requires"]),
        "{answers:?}"
    );
}
