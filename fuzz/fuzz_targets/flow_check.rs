//! Every check of a flow file, and every output format, on any bytes (the file sits beside
//! the embedded example's schema, so `schema_file = "payments-products.xed.json"` loads it).
#![no_main]

use flowc_cli::render::{self, Style};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = flowc_cli::check_source("example/fuzz.flow", data);
    for d in &report.diagnostics {
        for label in &d.labels {
            assert!(label.span.end <= report.text.len(), "a span past the end: {d:?}");
        }
    }
    let mut out = String::new();
    render::human(&report, Style { color: false, width: 100 }, &mut out);
    render::short(&report, &mut out);
    render::github(&report, &mut out);
    let reports = [report];
    let _ = render::json(&reports);
    let _ = flowc_cli::sarif::sarif(&reports);
});
