//! JSON request bodies: up to four files of one dataflow (the input split at 0xFF bytes),
//! checked and imported. Nothing panics; an import that succeeds writes text that parses.
#![no_main]

use flowc_cli::Checker;
use flowc_cli::bodies::{self, JsonInput};
use flowc_cli::render::{self, Style};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

fuzz_target!(|data: &[u8]| {
    let inputs: Vec<JsonInput> = data
        .split(|&b| b == 0xFF)
        .take(4)
        .enumerate()
        .map(|(i, bytes)| JsonInput {
            name: format!("fuzz/body-{i}.json"),
            path: None,
            bytes: bytes.to_vec(),
            explicit: true,
            dir: PathBuf::from("fuzz"),
            settings: Default::default(),
        })
        .collect();
    let checker = Checker::default();
    let mut out = String::new();
    for report in bodies::check_all(&checker, inputs.clone()) {
        render::human(&report, Style { color: false, width: 100 }, &mut out);
    }
    let imported = bodies::import(&checker, &inputs, "fuzz", Path::new("fuzz"));
    if let Some(text) = imported.text {
        let parsed = flowc_syntax::parse(&text);
        assert!(!parsed.has_errors(), "import wrote text that does not parse: {:?}\n{text}", parsed.diagnostics);
    }
});
