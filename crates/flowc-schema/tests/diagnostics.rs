//! Every schema code has a fixture in `fixtures/diagnostics/F2xx/` that produces it. A
//! fixture's `case.json` holds the `flowc schema` arguments, relative to its folder.

use flowc_diag::{Code, Phase, Severity};
use flowc_schema::{Loaded, SchemaError, SchemaSource, load};
use std::path::{Path, PathBuf};

const FIXTURES: &str = "../../fixtures/diagnostics";

fn source_of(dir: &Path) -> SchemaSource {
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).expect("case.json"))
            .expect("case.json is JSON");
    let args: Vec<&str> =
        case["args"].as_array().expect("args").iter().map(|a| a.as_str().expect("string arg")).collect();
    assert_eq!(args[0], "paths", "fixtures run `flowc schema paths`");
    let rel = |a: &str| {
        if a == "." { dir.to_path_buf() } else { dir.join(a) }
    };
    if args[1] == "--xdm-dir" {
        SchemaSource::Xdm {
            dir: rel(args[2]),
            class: args[3].to_owned(),
            field_groups: args[4..].iter().map(|s| (*s).to_owned()).collect(),
        }
    } else {
        SchemaSource::RegistryFile(rel(args[1]))
    }
}

fn run(code: &str) -> Loaded {
    load(&source_of(&Path::new(FIXTURES).join(code)))
}

fn render(loaded: &Loaded) -> String {
    loaded.diagnostics.iter().map(SchemaError::render_plain).collect()
}

fn spanned(loaded: &Loaded, code: Code) -> Vec<(&SchemaError, &str)> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.code() == code)
        .map(|d| {
            let s = d.diagnostic.primary_span();
            (d, &d.text[s.start..s.end])
        })
        .collect()
}

#[test]
fn every_schema_code_has_a_fixture_that_produces_it() {
    let codes: Vec<Code> = Code::ALL.iter().copied().filter(|c| c.phase() == Phase::Schema).collect();
    assert!(codes.len() >= 15);
    for code in codes {
        let dir = Path::new(FIXTURES).join(code.as_str());
        assert!(dir.join("case.json").is_file(), "{code} has no fixture in {}", dir.display());
        let loaded = load(&source_of(&dir));
        let found: Vec<&SchemaError> = loaded.diagnostics.iter().filter(|d| d.code() == code).collect();
        assert!(!found.is_empty(), "the {code} fixture produced:\n{}", render(&loaded));
        for d in found {
            assert_eq!(d.severity(), code.default_severity(), "{code}");
        }
        // Warnings alone never withhold the index.
        if !loaded.has_errors() {
            assert!(loaded.index.is_some(), "{code}");
        }
    }
}

#[test]
fn rendered_fixture_diagnostics() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(FIXTURES).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.file_name().unwrap().to_str().unwrap().starts_with("F2")) {
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        insta::assert_snapshot!(name, render(&load(&source_of(&dir))));
    }
}

#[test]
fn malformed_json_reports_line_and_column() {
    let loaded = run("F201");
    assert!(loaded.index.is_none());
    let e = &loaded.diagnostics[0];
    let lc = e.line_col().unwrap();
    // The `}` after the trailing comma on line 6.
    assert_eq!((lc.line, lc.column), (7, 3));
    assert!(e.diagnostic.message.contains("trailing comma"), "{}", e.diagnostic.message);
}

#[test]
fn unresolved_refs_point_at_the_ref_and_list_known_ids() {
    let loaded = run("F202");
    let found = spanned(&loaded, Code::UnresolvedRef);
    assert_eq!(found.len(), 2, "{}", render(&loaded));
    let (missing_id, text) = found[0];
    assert_eq!(text, "\"https://ns.adobe.com/acme/datatypes/adress\"");
    assert!(
        missing_id
            .diagnostic
            .help
            .as_deref()
            .unwrap()
            .starts_with("known `$id`s, nearest first: `https://ns.adobe.com/acme/datatypes/address`")
    );
    let (missing_def, text) = found[1];
    assert_eq!(text, "\"https://ns.adobe.com/acme/datatypes/address#/definitions/postal\"");
    assert_eq!(
        missing_def.diagnostic.help.as_deref(),
        Some("its definitions, nearest first: `#/definitions/postalAddress`")
    );
    // Nothing else is said about the two fields the broken `$ref`s leave untyped.
    assert_eq!(loaded.diagnostics.len(), 2, "{}", render(&loaded));
    // The rest of the schema is still indexed.
    let index = loaded.index.as_ref().unwrap();
    assert!(index.get("orderID").is_some());
    assert!(index.get("shippingAddress").is_none());
}

#[test]
fn ref_cycles_and_recursive_types_are_reported_once_each() {
    let loaded = run("F203");
    let found = spanned(&loaded, Code::RefCycle);
    assert_eq!(found.len(), 2, "{}", render(&loaded));
    assert!(found[0].0.diagnostic.notes[0].contains("`https://ns.adobe.com/acme/classes/a` → `https://ns.adobe.com/acme/mixins/b` → `https://ns.adobe.com/acme/classes/a`"));
    assert!(
        found[1]
            .0
            .diagnostic
            .message
            .starts_with("`category.parent.parent` has the same definition as `category.parent`")
    );
    // The finite part of the recursive type is indexed.
    assert!(loaded.index.as_ref().unwrap().get("category.parent.name").is_some());
}

#[test]
fn xdm_type_contradictions_name_both_sides() {
    let loaded = run("F204");
    let found = spanned(&loaded, Code::XdmTypeMismatch);
    let texts: Vec<&str> = found.iter().map(|(_, t)| *t).collect();
    assert_eq!(texts, ["\"short\"", "\"date\"", "\"integer\""]);
    assert!(found[0].0.diagnostic.message.contains("`maximum: 100000`, outside the `short` range -32768 to 32767"));
    // flowc falls back to what the JSON Schema keywords say.
    let index = loaded.index.as_ref().unwrap();
    assert_eq!(index.get("_acme.points").unwrap().xdm_type, flowc_schema::XdmType::Int);
    assert_eq!(index.get("_acme.joined").unwrap().xdm_type, flowc_schema::XdmType::DateTime);
    assert_eq!(index.get("_acme.visits").unwrap().xdm_type, flowc_schema::XdmType::Long);
}

#[test]
fn unknown_class_id_lists_nearest_ids() {
    let loaded = run("F205");
    assert!(loaded.index.is_none());
    let e = &loaded.diagnostics[0];
    assert!(e.file.is_none());
    assert_eq!(
        e.diagnostic.help.as_deref(),
        Some("known `$id`s, nearest first: `https://ns.adobe.com/acme/classes/order`")
    );
    assert!(e.render_plain().starts_with("flowc: error[F205]: no schema in "));
}

#[test]
fn conflicting_definitions_keep_the_first() {
    let loaded = run("F209");
    assert_eq!(spanned(&loaded, Code::ConflictingField).len(), 1, "{}", render(&loaded));
    let index = loaded.index.as_ref().unwrap();
    assert_eq!(index.get("sku").unwrap().xdm_type, flowc_schema::XdmType::String);
    assert!(index.get("sku.code").is_none());
}

#[test]
fn warnings_leave_a_usable_index() {
    for code in ["F210", "F211", "F212", "F213", "F214"] {
        let loaded = run(code);
        assert!(!loaded.has_errors(), "{code}: {}", render(&loaded));
        assert!(loaded.diagnostics.iter().all(|d| d.severity() == Severity::Warning));
        assert!(loaded.index.is_some());
    }
    // F210: the first branch of the `oneOf`, the first of the `type` list.
    let index = run("F210").index.unwrap();
    assert_eq!(index.get("principal").unwrap().xdm_type, flowc_schema::XdmType::String);
    assert_eq!(index.get("weight").unwrap().xdm_type, flowc_schema::XdmType::Number);
    // F212: the file whose path sorts first wins (`current/` before `old/`).
    let index = run("F212").index.unwrap();
    assert!(index.get("total").is_some());
}

#[test]
fn a_value_type_with_fields_keeps_the_value_type() {
    let text = r#"{"properties": {"sku": {"type": "string", "properties": {"code": {"type": "string"}}}}}"#;
    let loaded = flowc_schema::load_registry_str("sku.json", text);
    let found = spanned(&loaded, Code::ConflictingField);
    assert_eq!(found.len(), 1, "{}", render(&loaded));
    assert_eq!(found[0].1, "\"string\"");
    assert_eq!(
        found[0].0.diagnostic.help.as_deref(),
        Some("rename the value field, or move it into an object; flowc keeps the field as a `string`")
    );
    let index = loaded.index.unwrap();
    assert_eq!(index.get("sku").unwrap().xdm_type, flowc_schema::XdmType::String);
    assert!(index.get("sku.code").is_none());
}
