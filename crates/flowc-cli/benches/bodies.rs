//! Checking and importing one dataflow's JSON bodies with a 5,000-entry mapping set: a
//! source connection of 5,000 columns, a registry-form target schema of 5,000 fields (on
//! disk, found beside the bodies by its `$id`, as `flowc check DIR` finds it), the mapping
//! set and a flow. Run: `cargo bench -p flowc-cli --bench bodies`

use flowc_cli::Checker;
use flowc_cli::bodies::{self, JsonInput};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

const ENTRIES: usize = 5_000;
const SCHEMA_ID: &str = "https://ns.adobe.com/acme/schemas/bench";

/// Source type, XDM type and an expression over the column, by column index.
fn column(i: usize) -> (&'static str, &'static str, String) {
    match i % 4 {
        0 => ("string", "string", format!("c{i}")),
        1 => ("string", "string", format!("lower(trim(c{i}))")),
        2 => ("long", "integer", format!("c{i}")),
        _ => ("boolean", "boolean", format!("c{i}")),
    }
}

fn bodies() -> Vec<(&'static str, Value)> {
    let columns: Vec<Value> = (0..ENTRIES)
        .map(|i| {
            let (source, xdm, _) = column(i);
            json!({"name": format!("c{i}"), "type": source, "xdm": {"type": xdm}})
        })
        .collect();
    let mut fields = serde_json::Map::new();
    for i in 0..ENTRIES {
        let (_, xdm, _) = column(i);
        fields.insert(format!("f{i}"), json!({"type": xdm, "title": format!("Field {i}")}));
    }
    let schema = json!({
        "$id": SCHEMA_ID, "title": "Bench", "type": "object", "meta:class": "https://ns.adobe.com/xdm/context/profile",
        "properties": {"_acme": {"type": "object", "properties": fields}}
    });
    let mappings: Vec<Value> = (0..ENTRIES)
        .map(|i| {
            let (_, _, expr) = column(i);
            let kind = if expr.contains('(') { "EXPRESSION" } else { "ATTRIBUTE" };
            json!({"sourceType": kind, "source": expr, "destination": format!("_acme.f{i}")})
        })
        .collect();
    let schema_ref = json!({"id": SCHEMA_ID, "contentType": "application/vnd.adobe.xed-full+json;version=1"});
    vec![
        ("schema.json", schema),
        (
            "source-connection.json",
            json!({
                "name": "Bench source", "baseConnectionId": "24151d58-ffa7-4960-951d-58ffa7396097",
                "connectionSpec": {"id": "221c7626-58f6-4eec-8ee2-042b0226f03b", "version": "1.0"},
                "data": {"format": "tabular"}, "params": {"tableName": "bench", "columns": columns}
            }),
        ),
        (
            "target-connection.json",
            json!({
                "name": "Bench target", "data": {"format": "parquet_xdm", "schema": {"id": SCHEMA_ID, "version": schema_ref["contentType"]}},
                "params": {"dataSetId": "5e8918669cbbee18ad9771f3"},
                "connectionSpec": {"id": "c604ff05-7f1a-43c0-8e18-33bf874cb11c", "version": "1.0"}
            }),
        ),
        ("mapping-set.json", json!({"outputSchema": {"schemaRef": schema_ref}, "mappings": mappings})),
        (
            "flow.json",
            json!({
                "name": "Bench", "flowSpec": {"id": "14518937-270c-4525-bdec-c2ba7cce3860", "version": "1.0"},
                "sourceConnectionIds": ["{{sourceConnection.id}}"], "targetConnectionIds": ["{{targetConnection.id}}"],
                "transformations": [{"name": "Mapping", "params": {"mappingId": "{{mappingSet.id}}", "mappingVersion": "{{mappingSet.version}}"}}],
                "scheduleParams": {"startTime": 1767225600, "frequency": "minute", "interval": 15}
            }),
        ),
    ]
}

/// The bodies written to a fresh folder, read back as `flowc check DIR` reads them.
fn inputs() -> (PathBuf, Vec<JsonInput>) {
    let dir = std::env::temp_dir().join(format!("flowc-bench-bodies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let inputs = bodies()
        .into_iter()
        .map(|(name, value)| {
            let path = dir.join(name);
            let bytes = serde_json::to_vec_pretty(&value).expect("JSON");
            std::fs::write(&path, &bytes).expect("write");
            let settings = flowc_check::Settings::default();
            JsonInput { name: name.to_owned(), path: Some(path), bytes, explicit: false, dir: dir.clone(), settings }
        })
        .collect();
    (dir, inputs)
}

/// Everything `flowc check DIR` does for the dataflow, schema load included (a fresh
/// checker each time: nothing cached between iterations).
#[divan::bench(sample_count = 20)]
fn check_5000_entries(bencher: divan::Bencher) {
    let (dir, inputs) = inputs();
    let probe = bodies::check_all(&Checker::default(), inputs.clone());
    let findings: usize = probe.iter().map(|r| r.diagnostics.len()).sum();
    assert_eq!(
        findings,
        0,
        "the bench dataflow must check clean: {:#?}",
        probe.iter().flat_map(|r| &r.diagnostics).take(3).collect::<Vec<_>>()
    );
    bencher
        .counter(divan::counter::ItemsCount::new(ENTRIES))
        .bench(|| bodies::check_all(&Checker::default(), divan::black_box(inputs.clone())));
    let _ = std::fs::remove_dir_all(dir);
}

/// Everything `flowc import DIR` does before writing the file.
#[divan::bench(sample_count = 20)]
fn import_5000_entries(bencher: divan::Bencher) {
    let (dir, inputs) = inputs();
    let probe = bodies::import(&Checker::default(), &inputs, "bench", Path::new(&dir));
    assert!(probe.text.as_ref().is_some_and(|t| t.lines().count() > ENTRIES), "the import must write every entry");
    bencher
        .counter(divan::counter::ItemsCount::new(ENTRIES))
        .bench(|| bodies::import(&Checker::default(), divan::black_box(&inputs), "bench", &dir));
    let _ = std::fs::remove_dir_all(dir);
}
