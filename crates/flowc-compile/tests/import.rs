//! Importing request bodies into flowc (issue 6, first slice).
//!
//! The key property: for every golden case under `fixtures/compile/<case>/`, importing its
//! bodies and compiling the written file gives the golden files back, byte for byte
//! (`build(import(build(x))) == build(x)`).

use flowc_compile::bodies::{CompileOptions, Compiled, Dialect, FlowSpecRef, compile};
use flowc_compile::dataflow::{self, BodyFile};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::import::{BodyKind, Import, Imported, import, recognize};
use flowc_compile::output::file_names;
use flowc_compile::plan::Resource;
use flowc_compile::validate;
use flowc_syntax::ast::{BlockKind, File};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
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

fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn parse_clean(src: &str, what: &str) -> File {
    let parsed = flowc_syntax::parse(src);
    assert!(parsed.diagnostics.is_empty(), "{what}: {:#?}\n{src}", parsed.diagnostics);
    parsed.file
}

/// As the golden compile test resolves it.
fn spec_ref(file: &File) -> FlowSpecRef {
    let catalog = FlowSpecCatalog::builtin();
    if let Ok(spec) = validate::resolve(file, &catalog) {
        return FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() };
    }
    let flow = file.blocks.iter().find(|b| b.kind == BlockKind::Flow);
    let text = |key: &str| flow.and_then(|f| f.setting(key)).and_then(|s| s.value.kind.as_text()).map(str::to_owned);
    FlowSpecRef { id: text("spec").unwrap_or_default(), version: text("spec_version").unwrap_or_else(|| "1.0".into()) }
}

fn compile_text(src: &str, dir: &Path, dialect: Dialect) -> Compiled {
    let file = parse_clean(src, "imported file");
    let options =
        CompileOptions { dialect, flow_spec: spec_ref(&file), emit_curl: true, emit_postman: true, tenant: None };
    let compiled = compile(&file, src, dir, &options).unwrap_or_else(|d| panic!("{}: {d:#?}\n{src}", dir.display()));
    assert!(compiled.warnings().is_empty(), "{}: {:#?}", dir.display(), compiled.warnings());
    compiled
}

/// The case's `schema_file`, which the bodies do not carry (they carry the schema's id).
fn schema_file_of(dir: &Path) -> Option<String> {
    let src = std::fs::read_to_string(dir.join("dataflow.flow")).expect("dataflow.flow");
    let file = parse_clean(&src, "dataflow.flow");
    let target = file.blocks.iter().find(|b| b.kind == BlockKind::Target)?;
    target.setting("schema_file").and_then(|s| s.value.kind.as_text()).map(str::to_owned)
}

/// The case's bodies, recognized by shape (not by file name), as one dataflow.
fn imported(dir: &Path) -> Imported {
    let mut bundle = Imported { schema_file: schema_file_of(dir), ..Imported::default() };
    let names = [
        "source-connection.json",
        "target-connection.json",
        "mapping-set.json",
        "flow.json",
        "legacy/mapping-set.json",
    ];
    for name in names {
        if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
            bundle.add_json(&text).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()));
        }
    }
    if bundle.source_connection.is_some() {
        bundle.columns_file = Some("source-connection.json".into());
    }
    bundle
}

fn assert_canonical(import: &Import, what: &str) {
    parse_clean(&import.text, what);
    let formatted = flowc_syntax::format(&import.text).unwrap_or_else(|p| panic!("{what}: {:#?}", p.diagnostics));
    assert_eq!(formatted, import.text, "{what}: not a fixed point of the formatter");
}

/// Cases that cannot round-trip exactly, with why. Each must really fail (asserted), so a
/// stale entry is noticed.
const NOT_EXACT: &[(&str, &str)] = &[];

#[test]
fn every_case_round_trips_byte_for_byte() {
    let cases = cases();
    assert!(cases.len() >= 6, "the compile cases are missing: {cases:?}");
    let mut failures = Vec::new();
    for dir in &cases {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let bundle = imported(dir);
        let result = import(&bundle, &format!("fixtures/compile/{case}"));
        assert_canonical(&result, &case);
        assert!(
            result.text.starts_with(&format!("# imported by flowc from fixtures/compile/{case}\n")),
            "{}",
            result.text
        );
        assert!(result.warnings.is_empty(), "{case}: {:#?}", result.warnings);

        let mut differences = Vec::new();
        let current = compile_text(&result.text, dir, Dialect::Current);
        for (name, produced) in current.files() {
            let expected = std::fs::read_to_string(dir.join(name)).ok();
            if expected.as_deref() != Some(produced.as_str()) {
                differences.push(format!("{name} differs; produced:\n{produced}"));
            }
        }
        for name in file_names() {
            if dir.join(name).is_file() && !current.files().iter().any(|(n, _)| *n == name) {
                differences.push(format!("{name} is not produced"));
            }
        }
        let legacy = compile_text(&result.text, dir, Dialect::Legacy);
        let expected_legacy = std::fs::read_to_string(dir.join("legacy").join(Resource::MappingSet.file())).ok();
        if legacy.body_text(Resource::MappingSet) != expected_legacy {
            differences
                .push(format!("legacy mapping set differs; produced:\n{:?}", legacy.body_text(Resource::MappingSet)));
        }

        match NOT_EXACT.iter().find(|(c, _)| *c == case) {
            Some((_, why)) => {
                assert!(!differences.is_empty(), "{case} round-trips now: remove it from NOT_EXACT ({why})")
            }
            None if differences.is_empty() => {}
            None => failures.push(format!("{case}:\n{}\n--- imported:\n{}", differences.join("\n"), result.text)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn golden_bodies_are_recognized_by_shape() {
    for dir in cases() {
        for (name, kind) in [
            ("source-connection.json", BodyKind::SourceConnection),
            ("target-connection.json", BodyKind::TargetConnection),
            ("mapping-set.json", BodyKind::MappingSet),
            ("legacy/mapping-set.json", BodyKind::LegacyMappingSet),
            ("flow.json", BodyKind::Flow),
        ] {
            if let Some(value) = read_json(&dir.join(name)) {
                assert_eq!(recognize(&value), Some(kind), "{}/{name}", dir.display());
            }
        }
    }
    let bundle = json!({"sourceConnection": null, "targetConnection": null, "mappingSet": {"outputSchema": {"schemaRef": {"id": "s"}}, "mappings": []}, "flow": null, "plan": {}});
    assert_eq!(recognize(&bundle), Some(BodyKind::Bundle));
    let spec =
        json!({"items": [{"id": "x", "name": "CRMToAEP", "sourceConnectionSpecIds": [], "transformationSpecs": []}]});
    assert_eq!(recognize(&spec), Some(BodyKind::FlowSpec));
    assert_eq!(recognize(&json!({"hello": 1})), None);
    assert_eq!(recognize(&json!([1, 2])), None);
}

#[test]
fn a_get_response_mapping_set_imports_without_its_server_fields() {
    let value = json!({
        "id": "c0d3a2f8e6b54d5c9a1b2c3d4e5f6a7b",
        "version": 3,
        "createdDate": 1598901234000i64,
        "createdBy": "someone@AdobeID",
        "outputSchema": {"schemaRef": {"id": "https://ns.adobe.com/acme/schemas/p", "contentType": "application/vnd.adobe.xed-full+json;version=1"}},
        "mappings": [
            {"id": "1", "sourceType": "text/x.schema-path", "source": "Product_Id", "destination": "_id", "name": "Product id"},
            {"id": "2", "sourceType": "text/x.aep-xl", "source": "lower(trim(Description))", "destination": "productDescription"},
            {"id": "3", "sourceType": "STATIC", "source": "Pay\"Pal", "destination": "_acme.supplier.name", "description": "constant"}
        ]
    });
    assert_eq!(recognize(&value), Some(BodyKind::MappingSet));
    let mut bundle = Imported::default();
    bundle.add(value).unwrap();
    let result = import(&bundle, "mapping.json");
    assert_canonical(&result, "GET response");
    assert!(result.warnings.is_empty(), "{:#?}", result.warnings);
    assert_eq!(
        result.text,
        "# imported by flowc from mapping.json\n\ntarget {\n  schema = \"https://ns.adobe.com/acme/schemas/p\"\n}\n\nmapping {\n  @name(\"Product id\")\n  _id = Product_Id\n  productDescription = lower(trim(Description))\n  @description(\"constant\")\n  _acme.supplier.name = \"Pay\\\"Pal\"\n}\n"
    );
    let compiled = compile_text(&result.text, Path::new("."), Dialect::Current);
    let mappings = &compiled.mapping_set().unwrap()["mappings"];
    assert_eq!(mappings[0]["sourceType"], "ATTRIBUTE");
    assert_eq!(mappings[1]["sourceType"], "EXPRESSION");
    assert_eq!(
        mappings[2],
        json!({"sourceType": "STATIC", "source": "Pay\"Pal", "destination": "_acme.supplier.name", "description": "constant"})
    );
}

#[test]
fn a_legacy_mapping_set_alone_imports_with_its_identities() {
    let value = json!({
        "version": 0, "xdmSchema": "https://ns.adobe.com/acme/schemas/p", "xdmVersion": "1.0", "id": null,
        "mappings": [
            {"destinationXdmPath": "_id", "sourceAttribute": "ContactId", "identity": true, "identityGroup": null, "namespaceCode": "CRMID", "version": 0, "primaryIdentity": true},
            {"destinationXdmPath": "mobilePhone.number", "sourceAttribute": "Phone", "identity": true, "identityGroup": "contact", "namespaceCode": "Phone", "version": 0, "primaryIdentity": false},
            {"destinationXdmPath": "a", "sourceAttribute": "\"K\"", "identity": false, "identityGroup": null, "namespaceCode": null, "version": 0, "sourceType": "text/x.aep-xl"}
        ]
    });
    assert_eq!(recognize(&value), Some(BodyKind::LegacyMappingSet));
    let mut bundle = Imported::default();
    bundle.add(value.clone()).unwrap();
    let result = import(&bundle, "legacy.json");
    assert_canonical(&result, "legacy");
    assert!(
        result.text.contains("  @identity(namespace = \"CRMID\", primary)\n  _id = ContactId\n"),
        "{}",
        result.text
    );
    assert!(
        result.text.contains("  @identity(namespace = \"Phone\", group = \"contact\")\n  mobilePhone.number = Phone\n"),
        "{}",
        result.text
    );
    assert!(result.text.contains("  a = \"K\"\n"), "{}", result.text);
    let compiled = compile_text(&result.text, Path::new("."), Dialect::Legacy);
    assert_eq!(compiled.mapping_set().unwrap(), &value);
}

#[test]
fn platform_tolerated_types_are_written_schema_correct_and_warned_about() {
    // As read from a file: the keys keep their order.
    let flow = r#"{
        "name": "F",
        "flowSpec": {"id": "14518937-270c-4525-bdec-c2ba7cce3860", "version": "1.0"},
        "sourceConnectionIds": ["11111111-1111-1111-1111-111111111111"],
        "targetConnectionIds": ["22222222-2222-2222-2222-222222222222"],
        "transformations": [{"name": "Mapping", "params": {"mappingId": "abc", "mappingVersion": 0}}],
        "scheduleParams": {"startTime": "1567411548", "frequency": "minute", "interval": "30"}
    }"#;
    let mapping = json!({"outputSchema": {"schemaRef": {"id": "https://ns.adobe.com/acme/schemas/p"}}, "mappings": [{"sourceType": "ATTRIBUTE", "source": "a", "destination": "b"}]});
    let files = vec![
        BodyFile { name: "flow.json".into(), bytes: flow.as_bytes().to_vec(), explicit: true },
        BodyFile { name: "mapping.json".into(), bytes: mapping.to_string().into_bytes(), explicit: true },
    ];
    let df = dataflow::read(files, &FlowSpecCatalog::builtin());
    let result = flowc_compile::import::import_with(&df.imported, "flow.json", &df.catalog);
    assert_canonical(&result, "tolerated types");
    assert!(
        result.text.contains("schedule {\n  startTime = 1567411548\n  frequency = minute\n  interval = 30\n}\n"),
        "{}",
        result.text
    );
    assert!(result.text.contains("spec = CRMToAEP\n"), "{}", result.text);
    assert!(result.text.contains("connection = \"11111111-1111-1111-1111-111111111111\""), "{}", result.text);
    // Reported where they are, with the type the flow spec's schema wants.
    let mut found = df.diagnostics[0].clone();
    flowc_diag::sort(&mut found);
    let said: Vec<(flowc_diag::Code, &str)> =
        found.iter().map(|d| (d.code, &flow[d.primary_span().start..d.primary_span().end])).collect();
    let tolerated = flowc_diag::Code::ToleratedType;
    assert_eq!(
        said,
        vec![(tolerated, "0"), (tolerated, "\"1567411548\""), (tolerated, "\"30\"")],
        "{:#?}",
        df.diagnostics
    );
    assert!(found[2].message.contains("wants an integer"), "{:#?}", found[2]);
    // The flow names an existing mapping set: the built flow names the one it creates.
    assert_eq!(result.warnings.len(), 1, "{:#?}", result.warnings);
    assert_eq!(result.warnings[0].pointer, "/transformations/0/params/mappingId");
    let compiled = compile_text(&result.text, Path::new("."), Dialect::Current);
    assert_eq!(
        compiled.flow().unwrap()["scheduleParams"],
        json!({"startTime": 1567411548, "frequency": "minute", "interval": 30})
    );
}

#[test]
fn a_bundle_adds_its_members_and_a_second_body_is_refused() {
    let dir = root().join("fixtures/compile/payments");
    let mut bundle = Imported::default();
    let members = json!({
        "sourceConnection": read_json(&dir.join("source-connection.json")),
        "targetConnection": read_json(&dir.join("target-connection.json")),
        "mappingSet": read_json(&dir.join("mapping-set.json")),
        "flow": read_json(&dir.join("flow.json")),
        "plan": read_json(&dir.join("plan.json")),
    });
    assert_eq!(bundle.add(members).unwrap(), BodyKind::Bundle);
    assert!(bundle.source_connection.is_some() && bundle.target_connection.is_some());
    assert!(bundle.mapping_set.is_some() && bundle.flow.is_some());
    assert!(bundle.add(read_json(&dir.join("flow.json")).unwrap()).is_err());
}

/// What the bodies do not carry, per case: the round trip gives the same bodies, but the
/// written file is not the original one. Each reason is asserted, so that it stays true.
#[test]
fn what_the_bodies_do_not_carry_is_stated_per_case() {
    let session = flowc_check::Session::new();
    for dir in cases() {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let result = import(&imported(&dir), &case);
        let original = std::fs::read_to_string(dir.join("dataflow.flow")).unwrap();
        // Comments are not in the bodies; the import writes its own first line, and above each
        // identity of a legacy mapping set the suppression of F503 that says how to send it.
        let comment =
            |l: &&str| l.trim_start().starts_with('#') && !l.trim_start().starts_with("# flowc: ignore[F503]");
        assert!(result.text.lines().filter(comment).count() == 1, "{case}");
        match case.as_str() {
            // The columns were loaded from an explore response: they reach the body as the
            // file has them, and are written back inline (they can be, exactly).
            "columns-from" => {
                assert!(original.contains("columns from") && !result.text.contains("columns from"));
                assert!(result.text.contains("columns {\n"));
            }
            // The source columns of an existing connection, of a file-based source (its body
            // carries `path`, not columns) or of a mapping alone go into no body: they are
            // lost, and only checking the mapping against them needs them.
            "existing-connections" | "file-source" | "mapping-only" => {
                assert!(original.contains("columns {") && !result.text.contains("columns"), "{case}");
            }
            _ => {}
        }
        // Without the columns, the checker cannot tell the mapping's source fields.
        let file = parse_clean(&result.text, &case);
        let outcome = session.check(&file, &result.text, &dir, &flowc_check::Settings::default());
        let lossy = matches!(case.as_str(), "existing-connections" | "file-source" | "mapping-only");
        let unavailable = |d: &flowc_diag::Diagnostic| {
            d.code == flowc_diag::Code::SourceColumnsUnavailable && d.severity == flowc_diag::Severity::Warning
        };
        if lossy {
            assert!(outcome.diagnostics.iter().all(unavailable), "{case}: {:#?}", outcome.diagnostics);
        } else {
            assert!(outcome.diagnostics.is_empty(), "{case}: {:#?}\n{}", outcome.diagnostics, result.text);
        }
    }
}
