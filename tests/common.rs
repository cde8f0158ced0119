//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// A fixture's path relative to the workspace root, with `/` separators: stable in snapshots.
pub fn relative(path: &Path) -> String {
    let rel = path.strip_prefix(root()).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The `# expect: F101@3:5 ...` header of an error fixture.
pub fn expectations(bytes: &[u8]) -> Vec<String> {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    let list = first
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("error fixtures start with `# expect:`, got {first:?}"));
    list.split_whitespace().map(str::to_owned).collect()
}

/// Applies a `# repeat: N` header: the lines after the leading comment block repeat N times.
pub fn materialize(bytes: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&bytes);
    let Some(count) = text.lines().find_map(|l| l.strip_prefix("# repeat:")) else { return bytes };
    let count: usize = count.trim().parse().expect("repeat count");
    let header_len: usize = text.lines().take_while(|l| l.starts_with('#')).map(|l| l.len() + 1).sum();
    let (header, body) = bytes.split_at(header_len);
    let mut out = header.to_vec();
    for _ in 0..count {
        out.extend_from_slice(body);
    }
    out
}

pub fn files(dir: &str, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

/// The AST as JSON with every span removed, to compare trees parsed from different texts.
pub fn without_spans(file: &flowc_syntax::ast::File) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.retain(|_, v| !is_span(v));
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    fn is_span(v: &serde_json::Value) -> bool {
        v.as_object().is_some_and(|m| m.len() == 2 && m.contains_key("start") && m.contains_key("end"))
    }
    let mut value = serde_json::to_value(file).expect("the AST serializes");
    strip(&mut value);
    value
}

/// Human rendering as the snapshots hold it: no colour, 100 columns.
pub fn human(report: &flowc_cli::render::FileReport) -> String {
    let mut out = String::new();
    flowc_cli::render::human(report, flowc_cli::render::Style { color: false, width: 100 }, &mut out);
    out
}

/// Runs `command` with its output piped, killing it and failing the test when it outlives
/// `limit`: a regression that hangs (a FIFO opened, a quadratic path) fails instead of
/// stalling the suite. The pipes are drained on threads, so a large output cannot block it.
pub fn output_within(mut command: std::process::Command, limit: std::time::Duration) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the command starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{command:?} did not return within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: stdout.join().expect("stdout thread").expect("stdout"),
        stderr: stderr.join().expect("stderr thread").expect("stderr"),
    }
}
