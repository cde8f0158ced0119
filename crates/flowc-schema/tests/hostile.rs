//! Hostile schemas end promptly with a diagnostic: no panic, no stack overflow (test
//! threads have 2 MiB stacks), no unbounded time. The big and deep inputs are generated
//! here, not committed.

use flowc_diag::Code;
use flowc_schema::{Loaded, XdmType, load_registry_file, load_registry_str, load_source};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Generous: these finish in milliseconds; the bound only catches runaway work.
const PROMPT: Duration = Duration::from_secs(10);

fn codes(loaded: &Loaded) -> Vec<Code> {
    loaded.diagnostics.iter().map(|d| d.code()).collect()
}

fn timed(f: impl FnOnce() -> Loaded) -> Loaded {
    let start = Instant::now();
    let loaded = f();
    assert!(start.elapsed() < PROMPT, "took {:?}", start.elapsed());
    loaded
}

#[test]
fn self_reference_at_the_root_is_a_cycle() {
    for text in [
        r##"{"$ref": "#"}"##,
        r##"{"allOf": [{"$ref": "#"}]}"##,
        r##"{"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"allOf": [{"$ref": "#/definitions/a"}]}}, "properties": {"x": {"$ref": "#/definitions/a"}}}"##,
    ] {
        let loaded = timed(|| load_registry_str("cycle.json", text));
        assert!(codes(&loaded).contains(&Code::RefCycle), "{text}: {:?}", codes(&loaded));
    }
}

#[test]
fn mutual_recursion_through_fields_is_reported() {
    let text = json!({
        "type": "object",
        "definitions": {
            "a": {"type": "object", "properties": {"b": {"$ref": "#/definitions/b"}}},
            "b": {"type": "object", "properties": {"a": {"$ref": "#/definitions/a"}, "leaf": {"type": "string"}}}
        },
        "properties": {"start": {"$ref": "#/definitions/a"}}
    })
    .to_string();
    let loaded = timed(|| load_registry_str("mutual.json", &text));
    assert_eq!(codes(&loaded), [Code::RefCycle]);
    let index = loaded.index.unwrap();
    assert_eq!(index.get("start.b.leaf").unwrap().xdm_type, XdmType::String);
    assert!(index.get("start.b.a.b").is_none());
}

#[test]
fn json_nested_ten_thousand_deep() {
    for (open, close) in [("{\"properties\":{\"a\":", "}}"), ("[", "]"), ("{\"a\":", "}")] {
        let text = format!("{}1{}", open.repeat(10_000), close.repeat(10_000));
        let loaded = timed(|| load_registry_str("deep.json", &text));
        assert_eq!(codes(&loaded), [Code::SchemaTooDeep]);
        assert!(loaded.index.is_none());
    }
}

#[test]
fn ref_chain_ten_thousand_deep() {
    // Flat JSON, but each definition's only field has the next definition's type.
    let mut defs = serde_json::Map::new();
    for i in 0..10_000 {
        defs.insert(
            format!("d{i}"),
            json!({"type": "object", "properties": {"n": {"$ref": format!("#/definitions/d{}", i + 1)}}}),
        );
    }
    defs.insert("d10000".into(), json!({"type": "string"}));
    let text = json!({"type": "object", "definitions": defs, "properties": {"root": {"$ref": "#/definitions/d0"}}})
        .to_string();
    let loaded = timed(|| load_registry_str("chain.json", &text));
    assert_eq!(codes(&loaded), [Code::SchemaTooDeep]);
    // What is above the limit is indexed.
    assert!(loaded.index.unwrap().get("root.n.n.n").is_some());
}

#[test]
fn allof_chain_ten_thousand_deep() {
    let mut defs = serde_json::Map::new();
    for i in 0..10_000 {
        defs.insert(format!("d{i}"), json!({"allOf": [{"$ref": format!("#/definitions/d{}", i + 1)}]}));
    }
    defs.insert("d10000".into(), json!({"properties": {"x": {"type": "string"}}}));
    let text = json!({"definitions": defs, "allOf": [{"$ref": "#/definitions/d0"}]}).to_string();
    let loaded = timed(|| load_registry_str("allof.json", &text));
    assert_eq!(codes(&loaded), [Code::SchemaTooDeep]);
}

#[test]
fn one_of_chain_ten_thousand_deep() {
    let mut defs = serde_json::Map::new();
    for i in 0..10_000 {
        let next = format!("#/definitions/d{}", i + 1);
        defs.insert(format!("d{i}"), json!({"oneOf": [{"$ref": next}, {"type": "object"}]}));
    }
    defs.insert("d10000".into(), json!({"type": "string"}));
    let text =
        json!({"type": "object", "definitions": defs, "properties": {"x": {"$ref": "#/definitions/d0"}}}).to_string();
    let loaded = timed(|| load_registry_str("oneof.json", &text));
    assert!(codes(&loaded).contains(&Code::SchemaTooDeep), "{:?}", codes(&loaded));
}

#[test]
fn missing_ids() {
    // A `$ref` to an `$id` nobody declares, in a registry file with no neighbours.
    let text = r#"{"type": "object", "properties": {"p": {"$ref": "https://ns.adobe.com/xdm/context/person"}}}"#;
    let loaded = timed(|| load_registry_str("/nonexistent-dir/schema.json", text));
    assert_eq!(codes(&loaded), [Code::UnresolvedRef]);
    let help = loaded.diagnostics[0].diagnostic.help.as_deref().unwrap();
    assert!(help.starts_with("no schema file with an `$id` was loaded"), "{help}");
    // A class `$id` that is not in the folder.
    let loaded =
        timed(|| load_source("../../fixtures/xdm", "https://ns.adobe.com/xdm/context/nothing", &[] as &[&str]));
    assert_eq!(codes(&loaded), [Code::UnknownSchemaId]);
    // A field group `$id` that is not in the folder, beside a good class.
    let loaded = timed(|| {
        load_source(
            "../../fixtures/xdm",
            "https://ns.adobe.com/xdm/context/profile",
            &["https://ns.adobe.com/xdm/context/profile-persondetails"],
        )
    });
    assert_eq!(codes(&loaded), [Code::UnknownSchemaId]);
    assert!(
        loaded.diagnostics[0]
            .diagnostic
            .help
            .as_deref()
            .unwrap()
            .contains("`https://ns.adobe.com/xdm/context/profile-person-details`")
    );
    // A folder that does not exist.
    let loaded = timed(|| load_source("../../fixtures/no-such-folder", "x", &[] as &[&str]));
    assert_eq!(codes(&loaded), [Code::SchemaUnreadable]);
}

#[test]
fn fifty_megabyte_schema() {
    // Valid JSON: one object with many string fields.
    let mut text = String::with_capacity(51 << 20);
    text.push_str("{\"type\":\"object\",\"properties\":{");
    let mut i = 0;
    while text.len() < 50 << 20 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("\"field{i:08}\":{{\"type\":\"string\",\"description\":\"{}\"}}", "x".repeat(200)));
        i += 1;
    }
    text.push_str("}}");
    let loaded = timed(|| load_registry_str("big.json", &text));
    assert_eq!(codes(&loaded), [Code::SchemaTooLarge]);

    let path = std::env::temp_dir().join(format!("flowc-schema-big-{}.json", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let loaded = timed(|| load_registry_file(&path));
    let _ = std::fs::remove_file(&path);
    assert_eq!(codes(&loaded), [Code::SchemaTooLarge]);
    assert!(
        loaded.diagnostics[0].diagnostic.message.contains("50.0 MiB"),
        "{}",
        loaded.diagnostics[0].diagnostic.message
    );
}

#[test]
fn exponential_fan_out_stops_at_the_field_budget() {
    let mut defs = serde_json::Map::new();
    for i in 0..40 {
        let next = format!("#/definitions/d{}", i + 1);
        defs.insert(
            format!("d{i}"),
            json!({"type": "object", "properties": {"a": {"$ref": next}, "b": {"$ref": next}}}),
        );
    }
    defs.insert("d40".into(), json!({"type": "string"}));
    let text =
        json!({"type": "object", "definitions": defs, "properties": {"t": {"$ref": "#/definitions/d0"}}}).to_string();
    let loaded = timed(|| load_registry_str("fan.json", &text));
    assert_eq!(codes(&loaded), [Code::SchemaTooLarge]);
}

#[test]
fn wide_allof_without_fields_stops_at_the_work_budget() {
    // A million `allOf` members that each add nothing new must not take a million steps
    // per field, for every field.
    let members: Vec<Value> = (0..200_000).map(|i| json!({"title": format!("t{i}")})).collect();
    let mut props = serde_json::Map::new();
    for i in 0..50 {
        props.insert(format!("f{i}"), json!({"$ref": "#/definitions/wide"}));
    }
    let text =
        json!({"type": "object", "definitions": {"wide": {"type": "string", "allOf": members}}, "properties": props})
            .to_string();
    let loaded = timed(|| load_registry_str("wide.json", &text));
    assert_eq!(codes(&loaded), [Code::SchemaTooLarge]);
}

#[test]
fn wrong_kinds_everywhere_do_not_panic() {
    for text in [
        "[]",
        "null",
        "\"schema\"",
        "{}",
        r#"{"properties": 1}"#,
        r#"{"properties": {"a": 1}}"#,
        r#"{"properties": {"a": {"type": 7}}}"#,
        r#"{"properties": {"a": {"type": "object", "properties": {"b": {"$ref": 3}}}}}"#,
        r#"{"properties": {"a": {"type": "array", "items": "x"}}}"#,
        r#"{"properties": {"a": {"type": "array", "items": []}}}"#,
        r#"{"properties": {"a": {"type": "object", "additionalProperties": 5}}}"#,
        r#"{"properties": {"a": {"type": "string", "allOf": {}}}}"#,
        r#"{"properties": {"a": {"oneOf": "x"}}}"#,
        r#"{"properties": {"a": {"type": "integer", "minimum": 1e400}}}"#,
        r##"{"properties": {"a": {"$ref": "#/definitions/%zz/é"}}}"##,
        r##"{"properties": {"a": {"$ref": "#no-pointer"}}}"##,
        r#"{"properties": {"a": {"$ref": "other.json#/x"}}}"#,
        r#"{"required": [1, null], "properties": {"é": {"type": ["null"]}}}"#,
        r#"{"properties": {"@context": {"type": "string"}, "https://": {"type": "string"}, ":": {"type": "string"}}}"#,
    ] {
        let loaded = timed(|| load_registry_str("odd.json", text));
        for d in &loaded.diagnostics {
            let s = d.diagnostic.primary_span();
            assert!(s.start <= s.end && s.end <= d.text.len(), "{text}: span {s:?} out of range");
            let _ = d.render_plain();
        }
    }
}

/// Schema-shaped JSON: the keywords the loader interprets, with values of every kind.
fn arb_schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "integer", "minimum": 0, "maximum": 10})),
        Just(json!({"type": "string", "meta:xdmType": "date"})),
        Just(json!({"$ref": "#"})),
        Just(json!({"$ref": "#/definitions/a"})),
        Just(json!({"$ref": "#/properties/x"})),
        Just(json!({"$ref": "https://example.com/missing"})),
        Just(json!({"meta:xdmType": "map", "additionalProperties": {"type": "string"}})),
        Just(json!(true)),
        Just(json!(1)),
        Just(json!("s")),
        Just(json!({"type": ["string", "number"]})),
        Just(json!({})),
    ];
    leaf.prop_recursive(5, 64, 4, |inner| {
        prop_oneof![
            prop::collection::btree_map(
                prop_oneof![
                    Just("x".to_owned()),
                    Just("xdm:y".to_owned()),
                    Just("p:z".to_owned()),
                    Just("@id".to_owned()),
                    "[a-z:@/]{0,6}"
                ],
                inner.clone(),
                0..4
            )
            .prop_map(|m| json!({"type": "object", "properties": m, "required": ["x", "p:z"]})),
            inner.clone().prop_map(|i| json!({"type": "array", "items": i})),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({"allOf": v})),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({"oneOf": v})),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| json!({"definitions": {"a": a}, "properties": {"x": b}})),
            inner.prop_map(|i| json!({"additionalProperties": i, "type": "object"})),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_schemas_load_without_panicking(schema in arb_schema()) {
        let text = serde_json::to_string_pretty(&schema).unwrap();
        let loaded = load_registry_str("prop.json", &text);
        for d in &loaded.diagnostics {
            let s = d.diagnostic.primary_span();
            prop_assert!(s.start <= s.end && s.end <= text.len());
        }
        if let Some(index) = loaded.index {
            for f in index.fields() {
                prop_assert!(index.get(&f.path).is_some());
                prop_assert!(index.resolve(&f.path).is_some());
                let _ = index.suggest(&format!("{}x", f.path));
                let _ = index.describe(f);
            }
        }
    }
}
