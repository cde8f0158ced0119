//! The XDM schema loader and index on any registry-form file: loading, every field's
//! description, and did-you-mean for a path taken from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let loaded = flowc_schema::load_registry_str("fuzz.schema.json", &text);
    let Some(index) = loaded.index else { return };
    for field in index.fields().take(1_000) {
        let _ = index.describe(field);
        let _ = index.parent(field);
    }
    let probe = text.split('"').nth(1).unwrap_or("a.b");
    let _ = index.resolve(probe);
    let _ = index.suggest(probe).help();
});
