//! Index building and lookups. Run with `cargo bench -p flowc-schema --bench index`.
//!
//! - `experienceevent_source_form`: ExperienceEvent + commerce + order-details from
//!   `fixtures/xdm` (reads and parses the folder's 38 files, resolves, indexes).
//! - `registry_5000`: a generated registry-form schema with 5,000 leaf paths (parse + index);
//!   `serde_value_parse_for_scale` parses the same text into a `serde_json::Value`, to show
//!   what the loader's borrowing parse saves.
//! - `get` / `resolve` / `suggest`: lookups, reported per path looked up.

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use flowc_schema::{SchemaIndex, load_registry_str, load_source};
use serde_json::{Map, Value, json};
use std::sync::LazyLock;

fn main() {
    divan::main();
}

const XDM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/xdm");
const EE: &str = "https://ns.adobe.com/xdm/context/experienceevent";
const EE_FIELD_GROUPS: [&str; 2] = [
    "https://ns.adobe.com/xdm/context/experienceevent-commerce",
    "https://ns.adobe.com/xdm/context/experienceevent-order-details",
];

/// `_acme.g{0..50}.s{0..10}.f{0..10}`: 5,000 leaves of assorted types, shaped like a Schema
/// Registry `xed-full` download (titles, descriptions, `meta:xdmType` everywhere).
static REGISTRY_5000: LazyLock<String> = LazyLock::new(|| {
    let kinds = [
        json!({"type": "string", "meta:xdmType": "string", "maxLength": 100}),
        json!({"type": "integer", "meta:xdmType": "int", "minimum": -2147483648i64, "maximum": 2147483647}),
        json!({"type": "string", "format": "date-time", "meta:xdmType": "date-time"}),
        json!({"type": "number", "meta:xdmType": "number"}),
        json!({"type": "boolean", "meta:xdmType": "boolean"}),
        json!({"type": "string", "meta:xdmType": "string", "enum": ["a", "b", "c"]}),
        json!({"type": "array", "meta:xdmType": "array", "items": {"type": "string", "meta:xdmType": "string"}}),
    ];
    let object = |props: Map<String, Value>, title: String| json!({"type": "object", "meta:xdmType": "object", "title": title, "properties": props});
    let mut groups = Map::new();
    for g in 0..50 {
        let mut subs = Map::new();
        for s in 0..10 {
            let mut leaves = Map::new();
            for f in 0..10 {
                let mut leaf = kinds[(g + s + f) % kinds.len()].clone();
                leaf["title"] = json!(format!("Field {g}.{s}.{f}"));
                leaf["description"] =
                    json!(format!("Generated field number {f} of section {s} in group {g}, for benchmarking."));
                leaves.insert(format!("field{f}"), leaf);
            }
            subs.insert(format!("section{s}"), object(leaves, format!("Section {s}")));
        }
        groups.insert(format!("group{g}"), object(subs, format!("Group {g}")));
    }
    let mut top = Map::new();
    top.insert("_acme".into(), object(groups, "Acme".into()));
    top.insert("_id".into(), json!({"type": "string", "meta:xdmType": "string"}));
    serde_json::to_string_pretty(&json!({
        "$id": "https://ns.adobe.com/acme/schemas/bench",
        "title": "Benchmark",
        "type": "object",
        "meta:xdmType": "object",
        "meta:tenantNamespace": "_acme",
        "properties": top,
        "required": ["_id"]
    }))
    .unwrap()
});

static INDEX_5000: LazyLock<SchemaIndex> = LazyLock::new(|| {
    let loaded = load_registry_str("bench.json", &REGISTRY_5000);
    assert!(loaded.diagnostics.is_empty());
    let index = loaded.index.unwrap();
    assert_eq!(index.leaves().count(), 5001);
    index
});

#[divan::bench]
fn experienceevent_source_form() -> SchemaIndex {
    load_source(black_box(XDM), EE, &EE_FIELD_GROUPS).index.unwrap()
}

#[divan::bench]
fn registry_5000(bencher: Bencher) {
    let text = REGISTRY_5000.as_str();
    bencher.bench(|| load_registry_str("bench.json", black_box(text)).index.unwrap());
}

#[divan::bench]
fn serde_value_parse_for_scale(bencher: Bencher) {
    let text = REGISTRY_5000.as_str();
    bencher.bench(|| serde_json::from_str::<Value>(black_box(text)).unwrap());
}

fn sample_paths(index: &SchemaIndex) -> Vec<String> {
    index.fields().step_by(5).map(|f| f.path.clone()).collect()
}

#[divan::bench]
fn get(bencher: Bencher) {
    let index = &*INDEX_5000;
    let paths = sample_paths(index);
    bencher.counter(ItemsCount::new(paths.len())).bench(|| {
        for p in &paths {
            black_box(index.get(black_box(p)));
        }
    });
}

#[divan::bench]
fn resolve_concrete(bencher: Bencher) {
    let loaded = load_source(XDM, EE, &EE_FIELD_GROUPS);
    let index = loaded.index.unwrap();
    // Concrete destinations: indexes instead of `[*]`, keys of the identity map.
    let paths: Vec<String> =
        index.fields().map(|f| f.path.replace("[*]", "[0]").replace("identityMap.*", "identityMap.ECID")).collect();
    bencher.counter(ItemsCount::new(paths.len())).bench(|| {
        for p in &paths {
            black_box(index.resolve(black_box(p)));
        }
    });
}

#[divan::bench]
fn suggest_typo(bencher: Bencher) {
    let index = &*INDEX_5000;
    bencher.bench(|| index.suggest(black_box("_acme.group17.secton3.feild4")));
}
