//! Compiling flow files into request bodies.
//!
//! - `fixtures/compile/<case>/dataflow.flow` compiles to exactly the files next to it
//!   (`source-connection.json`, `target-connection.json`, `mapping-set.json`, `flow.json`,
//!   `plan.json`, `plan.sh`), and in the legacy dialect to `legacy/mapping-set.json`.
//!   `FLOWC_BLESS=1 cargo test -p flowc-compile --test compile` rewrites them.
//! - `fixtures/diagnostics/F5xx/*.flow` report exactly the codes of their `# expect:` header,
//!   with the checker, the flow validation and compilation run as `flowc check` runs them.

use flowc_compile::bodies::{CompileOptions, Compiled, Dialect, FlowSpecRef, compile};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::output::{file_names, write_outputs};
use flowc_compile::plan::{self, Resource};
use flowc_compile::validate;
use flowc_diag::{Diagnostic, LineIndex, Severity};
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

fn case(name: &str) -> PathBuf {
    root().join("fixtures/compile").join(name)
}

fn parse(path: &Path) -> (String, File) {
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed = flowc_syntax::parse(&src);
    assert!(parsed.diagnostics.is_empty(), "{}: {:#?}", path.display(), parsed.diagnostics);
    (src, parsed.file)
}

/// The flow spec a file names: resolved by the built-in catalog, or taken as written when
/// it is an id the catalog does not have (the file-source case's cloud storage flow spec).
fn spec_ref(file: &File) -> FlowSpecRef {
    let catalog = FlowSpecCatalog::builtin();
    if let Ok(spec) = validate::resolve(file, &catalog) {
        return FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() };
    }
    let flow = file.blocks.iter().find(|b| b.kind == BlockKind::Flow).expect("a flow block");
    let text = |key: &str| flow.setting(key).and_then(|s| s.value.kind.as_text()).map(str::to_owned);
    let id = text("spec").expect("a spec");
    assert_eq!(id.len(), 36, "an unknown flow spec is named by id in these fixtures");
    FlowSpecRef { id, version: text("spec_version").unwrap_or_else(|| "1.0".into()) }
}

fn compile_case(dir: &Path, dialect: Dialect) -> Compiled {
    let (src, file) = parse(&dir.join("dataflow.flow"));
    let options =
        CompileOptions { dialect, flow_spec: spec_ref(&file), emit_curl: true, emit_postman: true, tenant: None };
    let compiled = compile(&file, &src, dir, &options).unwrap_or_else(|d| panic!("{}: {d:#?}", dir.display()));
    assert!(compiled.warnings().is_empty(), "{}: {:#?}", dir.display(), compiled.warnings());
    compiled
}

fn bless() -> bool {
    std::env::var_os("FLOWC_BLESS").is_some_and(|v| v == "1")
}

/// Compares `produced` with the files of `dir` named like flowc's outputs: the same files,
/// byte for byte.
fn compare(dir: &Path, names: &[&str], produced: &[(&str, String)], failures: &mut Vec<String>) {
    for name in names {
        let path = dir.join(name);
        let expected = std::fs::read_to_string(&path).ok();
        let actual = produced.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str());
        match (expected.as_deref(), actual) {
            (None, None) => {}
            (Some(e), Some(a)) if e == a => {}
            (None, Some(_)) => failures.push(format!("{} is produced but has no expected file", path.display())),
            (Some(_), None) => failures.push(format!("{} is expected but not produced", path.display())),
            (Some(_), Some(a)) => failures.push(format!("{} differs; produced:\n{a}", path.display())),
        }
    }
}

#[test]
fn every_case_compiles_to_its_expected_files_in_both_dialects() {
    let cases = cases();
    assert!(cases.len() >= 6, "the compile cases are missing: {cases:?}");
    let mut failures = Vec::new();
    for dir in &cases {
        let current = compile_case(dir, Dialect::Current);
        let legacy = compile_case(dir, Dialect::Legacy);
        // The dialect changes the mapping set (and the script that carries it), nothing else.
        for r in [Resource::SourceConnection, Resource::TargetConnection, Resource::Flow] {
            assert_eq!(current.body_text(r), legacy.body_text(r), "{}: {}", dir.display(), r.name());
        }
        assert_eq!(current.plan(), legacy.plan(), "{}", dir.display());
        let legacy_files: Vec<(&str, String)> =
            legacy.body_text(Resource::MappingSet).map(|t| (Resource::MappingSet.file(), t)).into_iter().collect();
        if bless() {
            write_outputs(dir, &current).expect("bless");
            let legacy_dir = dir.join("legacy");
            std::fs::create_dir_all(&legacy_dir).expect("legacy folder");
            for (name, text) in &legacy_files {
                std::fs::write(legacy_dir.join(name), text).expect("bless legacy");
            }
        }
        compare(dir, &file_names(), &current.files(), &mut failures);
        compare(&dir.join("legacy"), &[Resource::MappingSet.file()], &legacy_files, &mut failures);
    }
    assert!(failures.is_empty(), "{}\n(FLOWC_BLESS=1 rewrites the expected files)", failures.join("\n\n"));
}

#[test]
fn output_is_byte_identical_across_runs() {
    for dir in cases() {
        let a = compile_case(&dir, Dialect::Current);
        let b = compile_case(&dir, Dialect::Current);
        assert_eq!(a.files(), b.files());
        assert_eq!(a.bundle_text(), b.bundle_text());
    }
}

/// The golden cases are dataflows a user could ship: the checker finds nothing in them, and
/// the flow validation nothing in those whose flow spec is built in.
#[test]
fn every_case_checks_clean() {
    let session = flowc_check::Session::new();
    let catalog = FlowSpecCatalog::builtin();
    for dir in cases() {
        let (src, file) = parse(&dir.join("dataflow.flow"));
        let outcome = session.check(&file, &src, &dir, &flowc_check::Settings::default());
        assert!(outcome.diagnostics.is_empty(), "{}: {:#?}", dir.display(), outcome.diagnostics);
        assert!(outcome.external.is_empty(), "{}: {:#?}", dir.display(), outcome.external);
        if let Ok(spec) = validate::resolve(&file, &catalog) {
            let findings = validate::validate(&file, spec, None);
            assert!(findings.is_empty(), "{}: {findings:#?}", dir.display());
        }
    }
}

#[test]
fn the_payments_case_is_the_embedded_example() {
    let dir = case("payments");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("readable");
    assert_eq!(read("dataflow.flow"), include_str!("../../flowc-cli/assets/payments.flow"));
    assert_eq!(read("payments-products.xed.json"), include_str!("../../flowc-cli/assets/payments-products.xed.json"));
}

#[test]
fn payments_compiles_to_the_tutorial_requests() {
    let c = compile_case(&case("payments"), Dialect::Current);
    let source = c.source_connection().expect("a new source connection");
    assert_eq!(source["baseConnectionId"], "24151d58-ffa7-4960-951d-58ffa7396097");
    assert_eq!(source["data"], json!({"format": "tabular"}));
    assert_eq!(source["params"]["tableName"], "PayPal.Catalog_Products");
    assert_eq!(source["connectionSpec"], json!({"id": "221c7626-58f6-4eec-8ee2-042b0226f03b", "version": "1.0"}));
    let columns = source["params"]["columns"].as_array().expect("columns");
    assert_eq!(columns.len(), 8);
    assert_eq!(columns[0], json!({"name": "Product_Id", "type": "string", "xdm": {"type": "string"}}));
    assert_eq!(
        columns[6],
        json!({"name": "Create_Time", "type": "string", "meta:xdmType": "date-time", "xdm": {"type": "string", "format": "date-time"}})
    );

    let target = c.target_connection().expect("a new target connection");
    assert_eq!(target["params"]["dataSetId"], "5e8918669cbbee18ad9771f3");
    assert_eq!(target["data"]["format"], "parquet_xdm");
    assert_eq!(target["connectionSpec"], json!({"id": "c604ff05-7f1a-43c0-8e18-33bf874cb11c", "version": "1.0"}));
    let schema_id = "https://ns.adobe.com/acme/schemas/14d89c5bb88e2ff488f23db896be469e7e30bb166bda8722";
    assert_eq!(
        target["data"]["schema"],
        json!({"id": schema_id, "version": "application/vnd.adobe.xed-full+json;version=1"})
    );

    let mapping = c.mapping_set().expect("a mapping set");
    assert_eq!(mapping["outputSchema"]["schemaRef"]["id"], schema_id);
    let by_destination = |d: &str| -> Value {
        mapping["mappings"].as_array().unwrap().iter().find(|m| m["destination"] == d).cloned().expect(d)
    };
    assert_eq!(
        by_destination("_id"),
        json!({"sourceType": "ATTRIBUTE", "source": "Product_Id", "destination": "_id", "name": "Product id"})
    );
    assert_eq!(by_destination("productDescription")["source"], "lower(trim(Description))");
    assert_eq!(by_destination("productDescription")["sourceType"], "EXPRESSION");
    assert_eq!(
        by_destination("_acme.supplier.name"),
        json!({"sourceType": "STATIC", "source": "PayPal", "destination": "_acme.supplier.name"})
    );

    let flow = c.flow().expect("a flow");
    assert_eq!(flow["flowSpec"], json!({"id": "14518937-270c-4525-bdec-c2ba7cce3860", "version": "1.0"}));
    assert_eq!(flow["sourceConnectionIds"], json!([plan::SOURCE_CONNECTION_ID]));
    assert_eq!(flow["targetConnectionIds"], json!([plan::TARGET_CONNECTION_ID]));
    assert_eq!(
        flow["transformations"],
        json!([
            {"name": "Copy", "params": {"deltaColumn": {"name": "Update_Time", "dateFormat": "yyyy-MM-dd HH:mm:ss", "timezone": "UTC"}}},
            {"name": "Mapping", "params": {"mappingId": "{{mappingSet.id}}", "mappingVersion": "{{mappingSet.version}}"}}
        ])
    );
    // The flow spec's types: integers for the schedule, as written.
    assert_eq!(flow["scheduleParams"], json!({"startTime": 1767225600, "frequency": "minute", "interval": 15}));
    assert!(flow["scheduleParams"]["startTime"].is_u64() && flow["scheduleParams"]["interval"].is_u64());
    assert_eq!(flow["options"], json!({"errorDiagnosticsEnabled": true, "partialIngestionPercent": 10}));

    let plan = c.plan();
    let names: Vec<&str> = plan["requests"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["sourceConnection", "targetConnection", "mappingSet", "flow"]);
    let paths: Vec<&str> = plan["requests"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "/data/foundation/flowservice/sourceConnections",
            "/data/foundation/flowservice/targetConnections",
            "/data/foundation/conversion/mappingSets",
            "/data/foundation/flowservice/flows"
        ]
    );
    assert_eq!(
        plan["requests"][2]["fills"],
        json!([
            {"placeholder": "{{mappingSet.id}}", "responseField": "id"},
            {"placeholder": "{{mappingSet.version}}", "responseField": "version"}
        ])
    );
    assert_eq!(plan["requests"][3]["uses"], json!(plan::PLACEHOLDERS));
    assert_eq!(
        plan["requests"][0]["headers"],
        json!(["Authorization", "x-api-key", "x-gw-ims-org-id", "x-sandbox-name", "Content-Type"])
    );
    assert_eq!(plan["existing"], json!({}));

    // Keys read in the documented order, not alphabetically.
    let text = c.body_text(Resource::SourceConnection).unwrap();
    let at = |k: &str| text.find(&format!("\"{k}\"")).expect(k);
    assert!(
        at("name") < at("description")
            && at("description") < at("baseConnectionId")
            && at("data") < at("params")
            && at("params") < at("connectionSpec")
    );
}

#[test]
fn the_legacy_dialect_carries_identities() {
    let c = compile_case(&case("payments"), Dialect::Legacy);
    let m = c.mapping_set().expect("a mapping set");
    assert_eq!(m["version"], 0);
    assert_eq!(m["xdmSchema"], "https://ns.adobe.com/acme/schemas/14d89c5bb88e2ff488f23db896be469e7e30bb166bda8722");
    assert_eq!(m["xdmVersion"], "1.0");
    assert!(m["id"].is_null());
    let entries = m["mappings"].as_array().unwrap();
    assert_eq!(
        entries[0],
        json!({"destinationXdmPath": "_id", "sourceAttribute": "Product_Id", "identity": true, "identityGroup": null,
               "namespaceCode": "PayPalProduct", "version": 0, "primaryIdentity": true})
    );
    assert_eq!(
        entries[1],
        json!({"destinationXdmPath": "productID", "sourceAttribute": "Product_Id", "identity": false, "identityGroup": null,
               "namespaceCode": null, "version": 0})
    );
    let description = entries.iter().find(|e| e["destinationXdmPath"] == "productDescription").unwrap();
    assert_eq!(description["sourceAttribute"], "lower(trim(Description))");
    assert_eq!(description["sourceType"], "text/x.aep-xl");
    let constant = entries.iter().find(|e| e["destinationXdmPath"] == "_acme.supplier.name").unwrap();
    assert_eq!(constant["sourceAttribute"], "\"PayPal\"");

    let profile = compile_case(&case("mapping-only"), Dialect::Legacy);
    let phone = profile.mapping_set().unwrap()["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["destinationXdmPath"] == "mobilePhone.number")
        .cloned()
        .unwrap();
    assert_eq!(phone["identityGroup"], "contact");
    assert_eq!(phone["namespaceCode"], "Phone");
    assert_eq!(phone["primaryIdentity"], false);
}

#[test]
fn a_mapping_file_compiles_to_a_mapping_set_alone() {
    let c = compile_case(&case("mapping-only"), Dialect::Current);
    assert!(c.source_connection().is_none() && c.target_connection().is_none() && c.flow().is_none());
    let plan = c.plan();
    assert_eq!(plan["requests"].as_array().unwrap().len(), 1);
    assert_eq!(plan["requests"][0]["name"], "mappingSet");
    assert_eq!(plan["requests"][0]["fills"], json!([]), "no later body needs the mapping set's id");
    let files: Vec<&str> = c.files().iter().map(|(n, _)| *n).collect();
    assert_eq!(files, ["mapping-set.json", "plan.json", "plan.sh", "plan.postman_collection.json"]);
    let mapping = c.mapping_set().unwrap();
    let entries = mapping["mappings"].as_array().unwrap();
    let tier = entries.iter().find(|e| e["destination"] == "_acme.loyalty.tier").unwrap();
    // Verbatim, line breaks and indentation included.
    assert_eq!(tier["source"], "iif(\n    Points > 1000,\n    \"gold\",\n    lower(Tier)\n  )");
    let name = entries.iter().find(|e| e["destination"] == "person.name.firstName").unwrap();
    assert_eq!(name["source"], "${First Name}");
    assert_eq!(name["sourceType"], "ATTRIBUTE");
    let email = entries.iter().find(|e| e["destination"] == "personalEmail.address").unwrap();
    assert_eq!(email["name"], "Personal email");
    assert_eq!(email["description"], "The address the member signed up with");
    assert!(email.get("identity").is_none(), "the current dialect's MappingOperation has no identity field");
    assert_eq!(c.bundle()["flow"], Value::Null);
}

#[test]
fn existing_connections_are_used_as_given_and_not_created() {
    let c = compile_case(&case("existing-connections"), Dialect::Current);
    assert!(c.source_connection().is_none() && c.target_connection().is_none());
    let flow = c.flow().unwrap();
    assert_eq!(flow["sourceConnectionIds"], json!(["b4d5f2a7-4c1e-4b4e-9a7f-2f1d8c3e6a10"]));
    assert_eq!(flow["targetConnectionIds"], json!(["9e4a1c2d-3b5f-4e6a-8c7d-1f2e3a4b5c6d"]));
    assert_eq!(flow["transformations"].as_array().unwrap().len(), 1, "no delta block, no Copy");
    let plan = c.plan();
    let names: Vec<&str> = plan["requests"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["mappingSet", "flow"]);
    assert_eq!(plan["requests"][1]["uses"], json!(["{{mappingSet.id}}", "{{mappingSet.version}}"]));
    assert_eq!(
        plan["existing"],
        json!({"sourceConnection": "b4d5f2a7-4c1e-4b4e-9a7f-2f1d8c3e6a10", "targetConnection": "9e4a1c2d-3b5f-4e6a-8c7d-1f2e3a4b5c6d"})
    );
    // The mapping set's schema comes from the schema file's `$id`.
    assert_eq!(
        c.mapping_set().unwrap()["outputSchema"]["schemaRef"]["id"],
        "https://ns.adobe.com/acme/schemas/9a8b7c6d5e4f30211f2e3d4c5b6a7980"
    );
}

#[test]
fn a_file_source_reads_a_path() {
    let c = compile_case(&case("file-source"), Dialect::Current);
    let source = c.source_connection().unwrap();
    assert_eq!(source["data"], json!({"format": "delimited"}));
    assert_eq!(source["params"], json!({"path": "/acme/products/catalog.csv"}));
    assert_eq!(c.flow().unwrap()["flowSpec"]["id"], "9753525b-82c7-4dce-8a9b-5ccfce2b9876");
    assert_eq!(c.flow().unwrap()["scheduleParams"]["backfill"], true);
}

#[test]
fn nested_columns_and_columns_from_a_file() {
    let c = compile_case(&case("nested-columns"), Dialect::Current);
    let columns = c.source_connection().unwrap()["params"]["columns"].as_array().unwrap().clone();
    let items = columns.iter().find(|c| c["name"] == "items").unwrap();
    assert_eq!(
        items,
        &json!({"name": "items", "type": "array", "xdm": {"type": "array", "items": {"type": "object", "properties": {
            "sku": {"type": "string"},
            "name": {"type": "string"},
            "quantity": {"type": "integer", "meta:xdmType": "long"},
            "price": {"type": "number"}
        }}}})
    );
    let c = compile_case(&case("columns-from"), Dialect::Current);
    let explore: Value =
        serde_json::from_str(&std::fs::read_to_string(case("columns-from").join("products-explore.json")).unwrap())
            .unwrap();
    assert_eq!(c.source_connection().unwrap()["params"]["columns"], explore["schema"]["columns"]);
}

#[test]
fn write_outputs_writes_every_file_and_removes_stale_ones() {
    let out = std::env::temp_dir().join(format!("flowc-compile-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let full = compile_case(&case("payments"), Dialect::Current);
    write_outputs(&out, &full).unwrap();
    for (name, text) in full.files() {
        assert_eq!(std::fs::read_to_string(out.join(name)).unwrap(), text);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("plan.sh")).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "plan.sh is executable");
    }
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    // What plan.sh created: a rebuild must never lose it.
    std::fs::write(out.join("plan.state.json"), "{}").unwrap();
    let smaller = compile_case(&case("existing-connections"), Dialect::Current);
    write_outputs(&out, &smaller).unwrap();
    let mut left: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(
        left,
        [
            "flow.json",
            "mapping-set.json",
            "notes.txt",
            "plan.json",
            "plan.postman_collection.json",
            "plan.sh",
            "plan.state.json"
        ],
        "no temporary file is left either"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

// --- Diagnostics (F5xx) -----------------------------------------------------------------

/// Everything `flowc check` reports for a file, as it runs the phases: parsing, the
/// checker, the flow validation, then compilation when nothing before found an error.
fn findings(path: &Path) -> (String, Vec<Diagnostic>) {
    let src = std::fs::read_to_string(path).unwrap();
    let parsed = flowc_syntax::parse(&src);
    let dir = path.parent().unwrap();
    let mut all = parsed.diagnostics.clone();
    let outcome = flowc_check::Session::new().check(&parsed.file, &src, dir, &flowc_check::Settings::default());
    all.extend(outcome.diagnostics);
    let catalog = FlowSpecCatalog::builtin();
    let spec = match validate::resolve(&parsed.file, &catalog) {
        Ok(spec) => {
            all.extend(validate::validate(&parsed.file, spec, None));
            FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() }
        }
        Err(d) => {
            all.push(d);
            FlowSpecRef::default()
        }
    };
    if !all.iter().any(|d| d.severity == Severity::Error) {
        let options = CompileOptions { flow_spec: spec, ..CompileOptions::default() };
        match compile(&parsed.file, &src, dir, &options) {
            Ok(c) => all.extend(c.warnings().iter().cloned()),
            Err(d) => all.extend(d),
        }
    }
    flowc_diag::sort(&mut all);
    (src, all)
}

#[test]
fn compile_diagnostic_fixtures_report_the_expected_codes_and_positions() {
    let mut seen = std::collections::BTreeSet::new();
    for code in ["F500", "F501", "F502"] {
        let dir = root().join("fixtures/diagnostics").join(code);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "flow")) {
            let (src, found) = findings(path);
            let header = src.lines().next().unwrap().strip_prefix("# expect:").expect("an expect header");
            let expected: Vec<&str> = header.split_whitespace().collect();
            let index = LineIndex::new(&src);
            let actual: Vec<String> = found
                .iter()
                .map(|d| {
                    let at = index.line_col(d.primary_span().start);
                    format!("{}@{}:{}", d.code, at.line, at.column)
                })
                .collect();
            assert_eq!(actual, expected, "{}: {found:#?}", path.display());
            assert!(found.iter().any(|d| d.code.as_str() == code), "{}", path.display());
            seen.insert(code);
        }
    }
    assert_eq!(seen.len(), 3, "every compile code has a fixture");
}

fn compile_text(src: &str) -> Result<Compiled, Vec<Diagnostic>> {
    let parsed = flowc_syntax::parse(src);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    compile(&parsed.file, src, Path::new("."), &CompileOptions::default())
}

fn codes(result: Result<Compiled, Vec<Diagnostic>>) -> Vec<(String, String)> {
    let diagnostics = match result {
        Ok(c) => c.warnings().to_vec(),
        Err(d) => d,
    };
    diagnostics.iter().map(|d| (d.code.as_str().to_owned(), d.labels[0].message.clone())).collect()
}

#[test]
fn what_a_new_connection_needs_is_reported_once_each() {
    let src = "flow {\n  spec = CRMToAEP\n}\n\nsource {\n  columns {\n    a: string\n  }\n}\n\ntarget {\n  name = \"t\"\n}\n\ndelta {\n  timezone = \"UTC\"\n}\n\nmapping {\n  _id = a\n}\n";
    let got = codes(compile_text(src));
    let want = [
        ("F500", "no `name`"),
        ("F500", "no `connection_spec`"),
        ("F500", "no `base_connection`"),
        ("F500", "no `table` or `path`"),
        ("F500", "no `dataset`"),
        ("F500", "no `schema`"),
        ("F500", "no `column`"),
    ];
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    want.sort();
    assert_eq!(got_sorted, want, "{got:#?}");
}

#[test]
fn a_flow_needs_its_blocks() {
    let got = codes(compile_text("flow {\n  name = \"f\"\n}\n"));
    assert_eq!(
        got,
        [
            ("F408".to_owned(), "a flow without a mapping".to_owned()),
            ("F501".to_owned(), "no `source` or `target`".to_owned())
        ]
    );
}

#[test]
fn file_sources_need_a_format_and_ignore_a_table() {
    let base =
        "flow {\n  name = \"f\"\n}\n\ntarget {\n  schema = \"s\"\n  dataset = \"d\"\n}\n\nmapping {\n  _id = a\n}\n\n";
    let no_format =
        format!("{base}source {{\n  connection_spec = \"c\"\n  base_connection = \"b\"\n  path = \"/x.csv\"\n}}\n");
    assert_eq!(codes(compile_text(&no_format)), [("F500".to_owned(), "no `format`".to_owned())]);
    let with_table = format!(
        "{base}source {{\n  connection_spec = \"c\"\n  base_connection = \"b\"\n  format = json\n  path = \"/x.json\"\n  table = \"T\"\n}}\n"
    );
    let result = compile_text(&with_table);
    assert_eq!(codes(result.clone()), [("F502".to_owned(), "not sent".to_owned())]);
    assert_eq!(result.unwrap().source_connection().unwrap()["params"], json!({"path": "/x.json"}));
}

#[test]
fn an_unreadable_columns_file_fails_the_build() {
    let src = "flow {\n  name = \"f\"\n}\n\nsource {\n  connection_spec = \"c\"\n  base_connection = \"b\"\n  table = \"T\"\n  columns from \"no-such-file.json\"\n}\n\ntarget {\n  schema = \"s\"\n  dataset = \"d\"\n}\n\nmapping {\n  _id = a\n}\n";
    let err = compile_text(src).expect_err("an error");
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].code.as_str(), "F324");
    assert!(err[0].message.contains("no such file"), "{}", err[0].message);
}
