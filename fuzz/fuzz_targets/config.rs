//! `flowc.toml` on any text: a configuration or coded diagnostics whose spans lie inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = flowc_check::config::Config::parse(Path::new("flowc.toml"), text) {
        assert!(!e.diagnostics.is_empty(), "a refused configuration says why");
        for d in &e.diagnostics {
            assert!(d.primary_span().end <= text.len(), "a span past the end: {d:?}");
        }
    }
});
