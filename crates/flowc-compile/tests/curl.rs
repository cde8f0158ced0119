//! `--emit curl`: the script is valid POSIX shell (`sh -n`), and run against a stub HTTP
//! server on 127.0.0.1 it sends the plan's requests in order, with the documented method,
//! path, headers and bodies, threading the ids each answer returns into later bodies.
//!
//! The stub is a `std::net::TcpListener` on the loopback address, served from the test
//! thread; every wait is bounded. The runs need `curl` and `jq`: without them those tests
//! print why and return.

use flowc_compile::bodies::{CompileOptions, Compiled, Dialect, FlowSpecRef, compile};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::validate;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn compile_case(name: &str) -> Compiled {
    let dir = root().join("fixtures/compile").join(name);
    let src = std::fs::read_to_string(dir.join("dataflow.flow")).expect("readable");
    let parsed = flowc_syntax::parse(&src);
    let flow_spec = match validate::resolve(&parsed.file, &FlowSpecCatalog::builtin()) {
        Ok(spec) => FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() },
        Err(_) => FlowSpecRef { id: "9753525b-82c7-4dce-8a9b-5ccfce2b9876".into(), version: "1.0".into() },
    };
    let options = CompileOptions { dialect: Dialect::Current, flow_spec, emit_curl: true };
    compile(&parsed.file, &src, &dir, &options).unwrap_or_else(|d| panic!("{name}: {d:#?}"))
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowc-curl-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn has(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}

#[test]
fn every_script_is_valid_posix_shell() {
    let dir = scratch("syntax");
    let cases = std::fs::read_dir(root().join("fixtures/compile")).unwrap();
    let mut checked = 0;
    for case in cases {
        let name = case.unwrap().file_name().to_string_lossy().into_owned();
        let script = compile_case(&name).curl().expect("asked for").to_owned();
        assert!(script.starts_with("#!/bin/sh\n") && script.contains("\nset -eu\n"));
        let path = dir.join(format!("{name}.sh"));
        std::fs::write(&path, &script).unwrap();
        let out = Command::new("sh").arg("-n").arg(&path).output().expect("sh runs");
        assert!(out.status.success(), "{name}: sh -n: {}", String::from_utf8_lossy(&out.stderr));
        checked += 1;
    }
    assert!(checked >= 6);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One request the stub received.
#[derive(Debug)]
struct Received {
    method: String,
    path: String,
    /// Names lower-cased.
    headers: Vec<(String, String)>,
    body: Value,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads one HTTP/1.1 request (headers, then a Content-Length body).
fn read_request(stream: &mut TcpStream) -> Received {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).expect("request line");
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("header line");
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        let (name, value) = l.split_once(':').expect("a header");
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
    }
    let length: usize = get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    let body = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{method} {path}: the body is not JSON: {e}"));
    Received { method, path, headers, body }
}

fn respond(stream: &mut TcpStream, status: &str, body: &Value) {
    let body = body.to_string();
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(answer.as_bytes()).unwrap();
    stream.flush().unwrap();
}

struct Run {
    received: Vec<Received>,
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn spawn_script(script: &str, dir: &Path, base_url: &str, env: &[(&str, &str)]) -> Child {
    let path = dir.join("plan.sh");
    std::fs::write(&path, script).unwrap();
    let mut cmd = Command::new("sh");
    cmd.arg(&path)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TMPDIR", dir)
        // Loopback only: no proxy may take the requests elsewhere.
        .env("NO_PROXY", "*")
        .env("FLOWC_BASE_URL", base_url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("stdout")).unwrap())
        .stderr(std::fs::File::create(dir.join("stderr")).unwrap());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("sh starts")
}

fn finish(mut child: Child, dir: &Path, received: Vec<Received>, deadline: Instant) -> Run {
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the script did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap_or_default();
    Run { received, status, stdout: read("stdout"), stderr: read("stderr") }
}

const ENV: [(&str, &str); 4] =
    [("ACCESS_TOKEN", "token-123"), ("API_KEY", "key-456"), ("ORG_ID", "ORG789@AdobeOrg"), ("SANDBOX_NAME", "dev-sandbox")];

/// Runs `script` against a stub that answers each request with `answer(path)`, until the
/// script exits (30 seconds at most).
fn run_against_stub(tag: &str, script: &str, answer: impl Fn(&str) -> (&'static str, Value)) -> Run {
    let dir = scratch(tag);
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let mut child = spawn_script(script, &dir, &base, &ENV);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut received = Vec::new();
    while Instant::now() < deadline && received.len() < 10 {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                let request = read_request(&mut stream);
                let (status, body) = answer(&request.path);
                respond(&mut stream, status, &body);
                received.push(request);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("accept: {e}"),
        }
    }
    let run = finish(child, &dir, received, deadline);
    std::fs::remove_dir_all(&dir).unwrap();
    run
}

fn tools_or_skip(test: &str) -> bool {
    let missing: Vec<&str> = ["curl", "jq"].into_iter().filter(|t| !has(t)).collect();
    if !missing.is_empty() {
        println!("skipped {test}: {} not installed", missing.join(" and "));
        return false;
    }
    true
}

fn stub_answer(path: &str) -> (&'static str, Value) {
    match path {
        "/data/foundation/flowservice/sourceConnections" => ("201 Created", json!({"id": "sc-0001", "etag": "\"e-1\""})),
        "/data/foundation/flowservice/targetConnections" => ("201 Created", json!({"id": "tc-0002", "etag": "\"e-2\""})),
        "/data/foundation/conversion/mappingSets" => ("201 Created", json!({"id": "ms-0003", "version": 0})),
        "/data/foundation/flowservice/flows" => ("201 Created", json!({"id": "fl-0004", "etag": "\"e-4\""})),
        _ => ("404 Not Found", json!({"title": "no such path"})),
    }
}

/// A body with its placeholders replaced, as the script must send it.
fn filled(body: &Value, ids: &[(&str, &str)]) -> Value {
    match body {
        Value::String(s) => Value::String(ids.iter().fold(s.clone(), |acc, (p, v)| acc.replace(p, v))),
        Value::Array(items) => Value::Array(items.iter().map(|v| filled(v, ids)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), filled(v, ids))).collect()),
        other => other.clone(),
    }
}

fn assert_headers(r: &Received) {
    assert_eq!(r.method, "POST", "{}", r.path);
    assert_eq!(r.header("authorization"), Some("Bearer token-123"));
    assert_eq!(r.header("x-api-key"), Some("key-456"));
    assert_eq!(r.header("x-gw-ims-org-id"), Some("ORG789@AdobeOrg"));
    assert_eq!(r.header("x-sandbox-name"), Some("dev-sandbox"));
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn the_script_sends_the_four_requests_in_order_and_threads_the_ids() {
    if !tools_or_skip("the_script_sends_the_four_requests_in_order_and_threads_the_ids") {
        return;
    }
    let c = compile_case("payments");
    let run = run_against_stub("payments", c.curl().unwrap(), stub_answer);
    assert_eq!(run.status, Some(0), "stderr: {}", run.stderr);
    let paths: Vec<&str> = run.received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/data/foundation/flowservice/sourceConnections",
            "/data/foundation/flowservice/targetConnections",
            "/data/foundation/conversion/mappingSets",
            "/data/foundation/flowservice/flows"
        ]
    );
    run.received.iter().for_each(assert_headers);
    assert_eq!(&run.received[0].body, c.source_connection().unwrap());
    assert_eq!(&run.received[1].body, c.target_connection().unwrap());
    assert_eq!(&run.received[2].body, c.mapping_set().unwrap());
    let ids = [
        ("{{sourceConnection.id}}", "sc-0001"),
        ("{{targetConnection.id}}", "tc-0002"),
        ("{{mappingSet.id}}", "ms-0003"),
        ("{{mappingSet.version}}", "0"),
    ];
    let flow = &run.received[3].body;
    assert_eq!(flow, &filled(c.flow().unwrap(), &ids));
    assert_eq!(flow["sourceConnectionIds"], json!(["sc-0001"]));
    assert_eq!(flow["targetConnectionIds"], json!(["tc-0002"]));
    assert_eq!(flow["transformations"][1]["params"], json!({"mappingId": "ms-0003", "mappingVersion": "0"}));
    assert_eq!(flow["scheduleParams"]["interval"], json!(15), "jq keeps the integers");
    assert_eq!(
        run.stdout,
        "created sourceConnection sc-0001\ncreated targetConnection tc-0002\ncreated mappingSet ms-0003\ncreated flow fl-0004\n"
    );
}

#[test]
fn existing_connections_are_not_created_by_the_script() {
    if !tools_or_skip("existing_connections_are_not_created_by_the_script") {
        return;
    }
    let c = compile_case("existing-connections");
    let run = run_against_stub("existing", c.curl().unwrap(), stub_answer);
    assert_eq!(run.status, Some(0), "stderr: {}", run.stderr);
    let paths: Vec<&str> = run.received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/data/foundation/conversion/mappingSets", "/data/foundation/flowservice/flows"]);
    run.received.iter().for_each(assert_headers);
    let flow = &run.received[1].body;
    assert_eq!(flow["sourceConnectionIds"], json!(["b4d5f2a7-4c1e-4b4e-9a7f-2f1d8c3e6a10"]));
    assert_eq!(flow["transformations"][0]["params"], json!({"mappingId": "ms-0003", "mappingVersion": "0"}));
}

#[test]
fn the_script_stops_at_an_error_answer_and_says_why() {
    if !tools_or_skip("the_script_stops_at_an_error_answer_and_says_why") {
        return;
    }
    let c = compile_case("payments");
    let run = run_against_stub("error", c.curl().unwrap(), |path| {
        if path.ends_with("/targetConnections") {
            ("400 Bad Request", json!({"code": "1325-400", "message": "dataSetId is empty"}))
        } else {
            stub_answer(path)
        }
    });
    assert_eq!(run.status, Some(1));
    assert_eq!(run.received.len(), 2, "nothing is sent after the failed request");
    assert!(run.stderr.contains("targetConnection") && run.stderr.contains("HTTP 400"), "{}", run.stderr);
    assert!(run.stderr.contains("1325-400"), "the answer is shown: {}", run.stderr);
    assert_eq!(run.stdout, "created sourceConnection sc-0001\n");
}

#[test]
fn the_script_refuses_to_start_without_its_variables() {
    if !has("curl") || !has("jq") {
        println!("skipped the_script_refuses_to_start_without_its_variables: curl or jq not installed");
        return;
    }
    let c = compile_case("payments");
    let dir = scratch("env");
    // Nothing listens on this address: the script must stop before any request.
    let child = spawn_script(c.curl().unwrap(), &dir, "http://127.0.0.1:9", &[("API_KEY", "k"), ("ORG_ID", "o")]);
    let run = finish(child, &dir, Vec::new(), Instant::now() + Duration::from_secs(30));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.status, Some(2));
    assert!(run.stderr.contains("ACCESS_TOKEN") && run.stderr.contains("SANDBOX_NAME"), "{}", run.stderr);
    assert!(!run.stderr.contains("API_KEY"), "only the missing ones are named: {}", run.stderr);
    assert!(run.stdout.is_empty());
}
