//! `build(import(build(x))) == build(x)`: a flow file that parses, validates against its
//! flow spec and compiles without warnings is built, its bodies are imported back into
//! flowc text, and that text builds the same bytes.
#![no_main]

use flowc_compile::bodies::{CompileOptions, Compiled, Dialect, FlowSpecRef, compile};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::import::{Imported, import};
use flowc_compile::plan::Resource;
use flowc_compile::validate;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

fn build(src: &str, dir: &Path) -> Option<Compiled> {
    let parsed = flowc_syntax::parse(src);
    if !parsed.diagnostics.is_empty() {
        return None;
    }
    let catalog = FlowSpecCatalog::builtin();
    let flow_spec = match validate::resolve(&parsed.file, &catalog) {
        Ok(spec) => {
            if !validate::validate(&parsed.file, spec, None).is_empty() {
                return None;
            }
            FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() }
        }
        // As `flowc build`: a flow whose flow spec is unknown is refused (F400).
        Err(_) if validate::describes_flow(&parsed.file) => return None,
        Err(_) => FlowSpecRef::default(),
    };
    let options = CompileOptions { dialect: Dialect::Current, flow_spec, ..CompileOptions::default() };
    let compiled = compile(&parsed.file, src, dir, &options).ok()?;
    compiled.warnings().is_empty().then_some(compiled)
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    // An empty folder of its own: `columns from` names nothing the fuzzer did not write.
    let scratch: PathBuf = std::env::temp_dir().join(format!("flowc-fuzz-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let Some(original) = build(src, &scratch) else { return };
    // A file that builds no request body (blocks without a mapping or a flow) has nothing
    // to import.
    if Resource::ALL.iter().all(|r| original.body_text(*r).is_none()) {
        return;
    }
    let mut bundle = Imported::default();
    for resource in Resource::ALL {
        if let Some(text) = original.body_text(resource) {
            std::fs::write(scratch.join(resource.file()), &text).expect("write a body");
            bundle.add_json(&text).unwrap_or_else(|e| panic!("a built body is not recognized: {e}\n{text}"));
        }
    }
    if original.source_connection().is_some() {
        bundle.columns_file = Some(Resource::SourceConnection.file().to_owned());
    }
    let text = import(&bundle, "fuzz").text;
    let again = build(&text, &scratch).unwrap_or_else(|| panic!("imported text does not build\n--- x:\n{src}\n--- import:\n{text}"));
    for ((name, expected), (_, produced)) in original.files().iter().zip(again.files().iter()) {
        assert_eq!(expected, produced, "{name} differs\n--- x:\n{src}\n--- import:\n{text}");
    }
    assert_eq!(original.files().len(), again.files().len());
});
