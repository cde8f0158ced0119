//! A stub of the Flow Service and Data Prep APIs (and of the identity service's token
//! endpoint) on 127.0.0.1, for driving plan.sh.
//!
//! - `POST` to a create path answers `201 {"id", "etag"}` (a mapping set: `{"id",
//!   "version": 0}`) with ids `KIND-N`, N counting every object the stub created; the
//!   scenario can instead answer the next POSTs of a kind with an error body, a 429 with
//!   `Retry-After`, a 500, or nothing at all (the connection is held until the client gives up).
//! - `DELETE` of a create path plus an id answers 204 when the object exists, else 404.
//! - `POST /ims/token/v3` answers a token when the form carries the expected credentials.
//!
//! It counts what it created and deleted per kind: the tests' asserts come from these counts.
//! While it serves each request it lists the command lines of every process (what `ps -eo
//! args` shows), so a test can check that no secret was on one. It serves one connection at
//! a time, every wait is bounded, and it stops when dropped.

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const TOKEN_PATH: &str = "/ims/token/v3";
pub const ISSUED_TOKEN: &str = "token-from-ims";
const CLIENT_FORM: &str = "client_id=client-id-1&client_secret=client-secret-789";

/// The create path of each kind, as plan.json names them.
const KINDS: [(&str, &str); 4] = [
    ("sourceConnection", "/data/foundation/flowservice/sourceConnections"),
    ("targetConnection", "/data/foundation/flowservice/targetConnections"),
    ("mappingSet", "/data/foundation/conversion/mappingSets"),
    ("flow", "/data/foundation/flowservice/flows"),
];

/// An answer the scenario gives instead of the normal one.
#[derive(Clone, Debug)]
pub enum Reply {
    /// This status with this JSON body.
    Error(u16, Value),
    /// 429 with `Retry-After: seconds`.
    TooMany(u64),
    /// 500 with an error body.
    ServerError,
    /// Reads the request and never answers.
    Silence,
}

/// One request the stub received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{} {}: the body is not JSON: {e}", self.method, self.path))
    }
}

#[derive(Default)]
struct State {
    scenario: BTreeMap<String, VecDeque<Reply>>,
    received: Vec<Received>,
    created: BTreeMap<String, Vec<String>>,
    deleted: BTreeMap<String, Vec<String>>,
    live: BTreeSet<String>,
    objects: u32,
    /// The command lines of every process, listed while each request was served.
    processes: Vec<String>,
}

pub struct Stub {
    url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Stub {
    /// Starts the stub; `scenario` lists, per kind, the answers its next POSTs get instead of
    /// the normal one, in order.
    pub fn start(scenario: &[(&str, Reply)]) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let mut state = State::default();
        for (kind, reply) in scenario {
            state.scenario.entry((*kind).to_owned()).or_default().push_back(reply.clone());
        }
        let state = Arc::new(Mutex::new(state));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || serve(&listener, &state, &stop))
        };
        Stub { url, state, stop, thread: Some(thread) }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// How many POSTs of `kind` were received (answered or not).
    pub fn posts(&self, kind: &str) -> usize {
        let path = path_of(kind);
        self.state.lock().unwrap().received.iter().filter(|r| r.method == "POST" && r.path == path).count()
    }

    /// The ids of the objects of `kind` the stub created, in order.
    pub fn created(&self, kind: &str) -> Vec<String> {
        self.state.lock().unwrap().created.get(kind).cloned().unwrap_or_default()
    }

    /// The ids of the objects of `kind` the stub deleted, in order.
    pub fn deleted(&self, kind: &str) -> Vec<String> {
        self.state.lock().unwrap().deleted.get(kind).cloned().unwrap_or_default()
    }

    /// The ids of the objects that exist, sorted.
    pub fn live(&self) -> Vec<String> {
        self.state.lock().unwrap().live.iter().cloned().collect()
    }

    /// No secret was on any process's command line while a request was served.
    pub fn assert_no_secret_in_processes(&self) {
        let state = self.state.lock().unwrap();
        assert!(!state.processes.is_empty(), "the process list was taken");
        assert!(state.processes.iter().any(|p| p.contains("curl")), "the process list shows curl at work");
        for listing in &state.processes {
            for secret in ["token-123-secret", "key-456-secret", "client-secret-789", ISSUED_TOKEN] {
                assert!(!listing.contains(secret), "`{secret}` is on a command line:\n{listing}");
            }
        }
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn path_of(kind: &str) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, p)| *p).unwrap_or_else(|| panic!("unknown kind {kind}"))
}

/// Serves until told to stop, or for five minutes at most.
fn serve(listener: &TcpListener, state: &Mutex<State>, stop: &AtomicBool) {
    let end = Instant::now() + Duration::from_secs(300);
    while !stop.load(Ordering::SeqCst) && Instant::now() < end {
        match listener.accept() {
            Ok((stream, _)) => handle(stream, state),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => return,
        }
    }
}

fn handle(mut stream: TcpStream, state: &Mutex<State>) {
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    let processes = processes();
    let mut state = state.lock().unwrap();
    state.processes.push(processes);
    state.received.push(request.clone());
    let kind = KINDS.iter().find(|(_, p)| *p == request.path).map(|(k, _)| *k);
    let (status, headers, body): (u16, &str, Value) = match (request.method.as_str(), kind) {
        ("POST", _) if request.path == TOKEN_PATH => {
            if request.body.contains(CLIENT_FORM) && request.body.starts_with("grant_type=client_credentials&") {
                (200, "", json!({"access_token": ISSUED_TOKEN, "token_type": "bearer", "expires_in": 86399}))
            } else {
                (401, "", json!({"error": "invalid_client", "error_description": "invalid client_secret parameter"}))
            }
        }
        ("POST", Some(kind)) => match state.scenario.get_mut(kind).and_then(VecDeque::pop_front) {
            Some(Reply::Error(status, body)) => (status, "", body),
            Some(Reply::TooMany(seconds)) => {
                drop(state);
                let headers = format!("Retry-After: {seconds}\r\n");
                return respond(&mut stream, 429, &headers, &json!({"title": "Too many requests"}));
            }
            Some(Reply::ServerError) => {
                (500, "", json!({"type": "https://ns.adobe.com/aep/errors/FLOW-1102-500", "title": "Internal Error"}))
            }
            Some(Reply::Silence) => {
                drop(state);
                // Hold the connection until the client gives up (its time limit), 30 s at most.
                let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                let _ = stream.read(&mut [0; 1]);
                return;
            }
            None => {
                state.objects += 1;
                let id = format!("{kind}-{}", state.objects);
                state.created.entry(kind.to_owned()).or_default().push(id.clone());
                state.live.insert(id.clone());
                let body = if kind == "mappingSet" {
                    json!({"id": id, "version": 0, "createdDate": 1_700_000_000_000u64})
                } else {
                    json!({"id": id, "etag": format!("\"etag-{}\"", state.objects)})
                };
                (201, "", body)
            }
        },
        ("DELETE", None) => {
            let found = KINDS
                .iter()
                .find_map(|(k, p)| request.path.strip_prefix(&format!("{p}/")).map(|id| (*k, id.to_owned())));
            match found {
                Some((kind, id)) if kind != "mappingSet" && state.live.remove(&id) => {
                    state.deleted.entry(kind.to_owned()).or_default().push(id);
                    (204, "", Value::Null)
                }
                _ => (404, "", json!({"title": "Resource not found"})),
            }
        }
        _ => (405, "", json!({"title": "not served by the stub"})),
    };
    drop(state);
    respond(&mut stream, status, headers, &body);
}

/// Reads one HTTP/1.1 request (headers, then a Content-Length body).
fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        let (name, value) = l.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").ok()?;
    }
    let length: usize = get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received { method, path, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

fn respond(stream: &mut TcpStream, status: u16, headers: &str, body: &Value) {
    let body = if body.is_null() { String::new() } else { body.to_string() };
    let reason = match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes());
    let _ = stream.flush();
}

/// Every process's command line, one a line: `ps -eo args`, or the same read from /proc
/// where ps is not installed.
fn processes() -> String {
    if let Ok(ps) = std::process::Command::new("ps").args(["-eo", "args"]).output()
        && ps.status.success()
    {
        return String::from_utf8_lossy(&ps.stdout).into_owned();
    }
    let mut out = String::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit())
            && let Ok(cmdline) = std::fs::read(entry.path().join("cmdline"))
        {
            out.push_str(&String::from_utf8_lossy(&cmdline).replace('\0', " "));
            out.push('\n');
        }
    }
    out
}
