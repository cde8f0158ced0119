//! The golden compile cases (`fixtures/compile/<case>/dataflow.flow`), compiled for the tests
//! of what a plan is sent with (plan.sh, the Postman collection), and helpers they share.
#![allow(dead_code)]

use flowc_compile::bodies::{CompileOptions, Compiled, Dialect, FlowSpecRef, compile};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::validate;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// The names of the golden cases, sorted.
pub fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fixtures/compile"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A golden case compiled in the current dialect, with the script and the collection.
pub fn compile_case(name: &str) -> Compiled {
    let dir = root().join("fixtures/compile").join(name);
    let src = std::fs::read_to_string(dir.join("dataflow.flow")).expect("readable");
    let parsed = flowc_syntax::parse(&src);
    let flow_spec = match validate::resolve(&parsed.file, &FlowSpecCatalog::builtin()) {
        Ok(spec) => FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() },
        Err(_) => FlowSpecRef { id: "9753525b-82c7-4dce-8a9b-5ccfce2b9876".into(), version: "1.0".into() },
    };
    let options =
        CompileOptions { dialect: Dialect::Current, flow_spec, emit_curl: true, emit_postman: true, tenant: None };
    compile(&parsed.file, &src, &dir, &options).unwrap_or_else(|d| panic!("{name}: {d:#?}"))
}

/// A body with its placeholders replaced, as a sender of the plan must send it.
pub fn filled(body: &Value, ids: &[(&str, &str)]) -> Value {
    match body {
        Value::String(s) => Value::String(ids.iter().fold(s.clone(), |acc, (p, v)| acc.replace(p, v))),
        Value::Array(items) => Value::Array(items.iter().map(|v| filled(v, ids)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), filled(v, ids))).collect()),
        other => other.clone(),
    }
}

/// A scratch folder, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("flowc-plan-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
