//! `--emit curl`: plan.sh is valid POSIX shell (`sh -n`, `shellcheck`), and run against a
//! stub of the Flow Service, Data Prep and identity service APIs on 127.0.0.1 it sends the
//! plan's requests in order with the documented method, path, headers and bodies; resumes
//! after a failure without creating anything twice; retries 429 and 5xx answers and nothing
//! else; keeps its time limits; rolls back what it created; sends nothing in a dry run; and
//! never shows a secret, in its output or on a command line.
//!
//! Every assert on what was created or deleted comes from the stub's own counts. The runs
//! need `curl` and `jq`: without them those tests print why and return.

mod cases;
mod stub;

use cases::{Scratch, cases, compile_case, filled};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use stub::{Reply, Stub};

fn has(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn tools_or_skip(test: &str) -> bool {
    let missing: Vec<&str> = ["curl", "jq"].into_iter().filter(|t| !has(t)).collect();
    if !missing.is_empty() {
        println!("skipped {test}: {} not installed", missing.join(" and "));
        return false;
    }
    true
}

#[test]
fn every_script_is_valid_posix_shell_and_clean_under_shellcheck() {
    let dir = Scratch::new("syntax");
    let shellcheck = has("shellcheck");
    if !shellcheck {
        println!("shellcheck is not installed: only `sh -n` runs (.ci/run installs it)");
    }
    let mut checked = 0;
    for name in cases() {
        let script = compile_case(&name).curl().expect("asked for").to_owned();
        assert!(script.starts_with("#!/bin/sh\n") && script.contains("\nset -eu\n"));
        let path = dir.0.join(format!("{name}.sh"));
        std::fs::write(&path, &script).unwrap();
        let out = Command::new("sh").arg("-n").arg(&path).output().expect("sh runs");
        assert!(out.status.success(), "{name}: sh -n: {}", String::from_utf8_lossy(&out.stderr));
        if shellcheck {
            let out = Command::new("shellcheck")
                .args(["--shell=sh", "--severity=style"])
                .arg(&path)
                .output()
                .expect("shellcheck runs");
            assert!(out.status.success(), "{name}: shellcheck:\n{}", String::from_utf8_lossy(&out.stdout));
        }
        checked += 1;
    }
    assert!(checked >= 6);
}

// --- Running the script -------------------------------------------------------------------

const SECRETS: [&str; 3] = ["token-123-secret", "key-456-secret", "client-secret-789"];

const ENV: [(&str, &str); 4] = [
    ("ACCESS_TOKEN", "token-123-secret"),
    ("API_KEY", "key-456-secret"),
    ("ORG_ID", "ORG789@AdobeOrg"),
    ("SANDBOX_NAME", "dev-sandbox"),
];

/// The outcome of one run of the script.
struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A plan.sh written into a scratch folder (its state file goes beside it), run against `stub`.
struct Plan {
    dir: Scratch,
    script: PathBuf,
}

impl Plan {
    fn new(tag: &str, script: &str) -> Plan {
        let dir = Scratch::new(tag);
        let path = dir.0.join("plan.sh");
        std::fs::write(&path, script).unwrap();
        Plan { dir, script: path }
    }

    fn state(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.dir.0.join("plan.state.json")).expect("a state file"))
            .expect("JSON")
    }

    /// Runs the script with `args` and `env` (plus PATH, TMPDIR and the stub's addresses), for
    /// 60 seconds at most.
    fn run(&self, stub: &Stub, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = self.dir.0.join("out");
        let err = self.dir.0.join("err");
        let mut cmd = Command::new("sh");
        cmd.arg(&self.script)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TMPDIR", &self.dir.0)
            // Loopback only: no proxy may take the requests elsewhere.
            .env("NO_PROXY", "*")
            .env("FLOWC_BASE_URL", stub.url())
            .env("FLOWC_TOKEN_URL", format!("{}{}", stub.url(), stub::TOKEN_PATH))
            .env("FLOWC_BACKOFF", "1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("sh starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status.code();
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the script did not finish in 60 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let run = Run {
            status,
            stdout: std::fs::read_to_string(out).unwrap(),
            stderr: std::fs::read_to_string(err).unwrap(),
        };
        for secret in SECRETS {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "a secret is printed:\n{}\n{}",
                run.stdout,
                run.stderr
            );
        }
        run
    }
}

const KINDS: [&str; 4] = ["sourceConnection", "targetConnection", "mappingSet", "flow"];

fn assert_headers(r: &stub::Received, token: &str) {
    assert_eq!(r.header("authorization"), Some(format!("Bearer {token}").as_str()), "{} {}", r.method, r.path);
    assert_eq!(r.header("x-api-key"), Some("key-456-secret"));
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
    let stub = Stub::start(&[]);
    let plan = Plan::new("payments", c.curl().unwrap());
    let run = plan.run(&stub, &[], &ENV);
    assert_eq!(run.status, Some(0), "stderr: {}", run.stderr);
    let received = stub.received();
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/data/foundation/flowservice/sourceConnections",
            "/data/foundation/flowservice/targetConnections",
            "/data/foundation/conversion/mappingSets",
            "/data/foundation/flowservice/flows"
        ]
    );
    for r in &received {
        assert_eq!(r.method, "POST");
        assert_headers(r, "token-123-secret");
    }
    assert_eq!(&received[0].json(), c.source_connection().unwrap());
    assert_eq!(&received[1].json(), c.target_connection().unwrap());
    assert_eq!(&received[2].json(), c.mapping_set().unwrap());
    let ids = [
        ("{{sourceConnection.id}}", "sourceConnection-1"),
        ("{{targetConnection.id}}", "targetConnection-2"),
        ("{{mappingSet.id}}", "mappingSet-3"),
        ("{{mappingSet.version}}", "0"),
    ];
    let flow = received[3].json();
    assert_eq!(flow, filled(c.flow().unwrap(), &ids));
    assert_eq!(flow["transformations"][1]["params"], json!({"mappingId": "mappingSet-3", "mappingVersion": "0"}));
    assert_eq!(flow["scheduleParams"]["interval"], json!(15), "jq keeps the integers");
    assert!(run.stdout.starts_with(
        "created sourceConnection sourceConnection-1\ncreated targetConnection targetConnection-2\ncreated mappingSet mappingSet-3\ncreated flow flow-4\n"
    ), "{}", run.stdout);
    // The state file records each object, its etag or version, and its body's digest.
    let state = plan.state();
    assert_eq!(state["version"], 1);
    assert_eq!(state["sandbox"], "dev-sandbox");
    assert_eq!(state["orgId"], "ORG789@AdobeOrg");
    assert_eq!(state["objects"]["sourceConnection"]["id"], "sourceConnection-1");
    assert_eq!(state["objects"]["sourceConnection"]["etag"], "\"etag-1\"");
    assert_eq!(state["objects"]["mappingSet"]["version"], "0");
    assert_eq!(state["objects"]["flow"]["step"], 4);
    for kind in KINDS {
        assert!(state["objects"][kind]["digest"].as_str().is_some_and(|d| d.starts_with("cksum:")), "{state:#}");
    }
    // Run again: nothing is sent, everything is said to be done.
    let again = plan.run(&stub, &[], &ENV);
    assert_eq!(again.status, Some(0), "{}", again.stderr);
    assert_eq!(stub.received().len(), 4, "a complete plan sends nothing");
    assert!(again.stdout.starts_with("done sourceConnection sourceConnection-1\n"), "{}", again.stdout);
    stub.assert_no_secret_in_processes();
}

#[test]
fn existing_connections_are_not_created_by_the_script() {
    if !tools_or_skip("existing_connections_are_not_created_by_the_script") {
        return;
    }
    let c = compile_case("existing-connections");
    let stub = Stub::start(&[]);
    let plan = Plan::new("existing", c.curl().unwrap());
    let run = plan.run(&stub, &[], &ENV);
    assert_eq!(run.status, Some(0), "stderr: {}", run.stderr);
    let received = stub.received();
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/data/foundation/conversion/mappingSets", "/data/foundation/flowservice/flows"]);
    let flow = received[1].json();
    assert_eq!(flow["sourceConnectionIds"], json!(["b4d5f2a7-4c1e-4b4e-9a7f-2f1d8c3e6a10"]));
    assert_eq!(flow["transformations"][0]["params"], json!({"mappingId": "mappingSet-1", "mappingVersion": "0"}));
}

/// A Flow Service error answer, as the API words them.
fn flow_service_error() -> Value {
    json!({
        "type": "https://ns.adobe.com/aep/errors/FLOW-1325-400",
        "title": "Invalid request",
        "status": 400,
        "report": {"detailed-message": "params.dataSetId: must not be empty"}
    })
}

#[test]
fn after_a_refused_step_a_second_run_resumes_and_creates_each_object_once() {
    if !tools_or_skip("after_a_refused_step_a_second_run_resumes_and_creates_each_object_once") {
        return;
    }
    let c = compile_case("payments");
    // The mapping set is refused in the other form of error answers: code, message, details.
    let code_form = json!({
        "code": "DP-1010-400",
        "message": "Invalid mapping set",
        "details": {"mappings[2].destination": "params.dataSetId: must not be empty"}
    });
    for (step, kind) in KINDS.iter().enumerate() {
        let (answer, code, message) = if *kind == "mappingSet" {
            (code_form.clone(), "DP-1010-400", "Invalid mapping set")
        } else {
            (flow_service_error(), "FLOW-1325-400", "Invalid request")
        };
        let stub = Stub::start(&[(kind, Reply::Error(400, answer))]);
        let plan = Plan::new(&format!("refused-{step}"), c.curl().unwrap());
        let first = plan.run(&stub, &[], &ENV);
        assert_eq!(first.status, Some(1), "{kind}: {}", first.stderr);
        assert_eq!(stub.posts(kind), 1, "{kind}: a 400 is never tried again");
        for later in &KINDS[step + 1..] {
            assert_eq!(stub.posts(later), 0, "{kind}: nothing is sent after the refused step");
        }
        let e = &first.stderr;
        assert!(
            e.contains(&format!("step {} of 4 ({kind}) failed: POST ", step + 1)) && e.contains("answered HTTP 400"),
            "{e}"
        );
        assert!(e.contains(&format!("error code: {code}")) && e.contains(&format!("message:    {message}")), "{e}");
        assert!(e.contains("params.dataSetId: must not be empty"), "the report of the failing field: {e}");
        assert!(e.contains("request body:"), "{e}");
        assert!(
            e.contains(&format!("run again to resume at step {}: sh '{}'", step + 1, plan.script.display())),
            "{e}"
        );
        assert!(e.contains("--rollback"), "{e}");
        // The cause is fixed (the stub now accepts): the second run creates the rest.
        let second = plan.run(&stub, &[], &ENV);
        assert_eq!(second.status, Some(0), "{kind}: {}", second.stderr);
        for k in KINDS {
            assert_eq!(stub.created(k).len(), 1, "after a refused {kind}: {k} is created exactly once in total");
        }
        for done in &KINDS[..step] {
            assert!(second.stdout.contains(&format!("done {done} ")), "{}", second.stdout);
        }
        stub.assert_no_secret_in_processes();
    }
}

#[test]
fn a_429_is_tried_again_after_retry_after() {
    if !tools_or_skip("a_429_is_tried_again_after_retry_after") {
        return;
    }
    let c = compile_case("payments");
    let stub = Stub::start(&[("targetConnection", Reply::TooMany(1))]);
    let plan = Plan::new("429", c.curl().unwrap());
    let run = plan.run(&stub, &[], &ENV);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(stub.posts("targetConnection"), 2);
    assert!(run.stderr.contains("answered HTTP 429; trying again in 1 s (try 2 of 4)"), "{}", run.stderr);
    for k in KINDS {
        assert_eq!(stub.created(k).len(), 1, "{k}");
    }
}

#[test]
fn a_500_twice_is_tried_again_with_backoff() {
    if !tools_or_skip("a_500_twice_is_tried_again_with_backoff") {
        return;
    }
    let c = compile_case("payments");
    let stub = Stub::start(&[("mappingSet", Reply::ServerError), ("mappingSet", Reply::ServerError)]);
    let plan = Plan::new("500", c.curl().unwrap());
    let run = plan.run(&stub, &[], &ENV);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(stub.posts("mappingSet"), 3);
    // FLOWC_BACKOFF=1: one second, then two.
    assert!(run.stderr.contains("answered HTTP 500; trying again in 1 s (try 2 of 4)"), "{}", run.stderr);
    assert!(run.stderr.contains("answered HTTP 500; trying again in 2 s (try 3 of 4)"), "{}", run.stderr);
    for k in KINDS {
        assert_eq!(stub.created(k).len(), 1, "{k}");
    }
    // With one try, the same answers stop the run at once.
    let stub = Stub::start(&[("mappingSet", Reply::ServerError)]);
    let plan = Plan::new("500-once", c.curl().unwrap());
    let run = plan.run(&stub, &["--tries", "1"], &ENV);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(stub.posts("mappingSet"), 1);
}

#[test]
fn a_request_without_an_answer_ends_at_the_time_limit_and_is_not_sent_twice() {
    if !tools_or_skip("a_request_without_an_answer_ends_at_the_time_limit_and_is_not_sent_twice") {
        return;
    }
    let c = compile_case("payments");
    let stub = Stub::start(&[("targetConnection", Reply::Silence)]);
    let plan = Plan::new("silence", c.curl().unwrap());
    let run = plan.run(&stub, &["--max-time", "2"], &ENV);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("no answer within the time limit of 2 s"), "{}", run.stderr);
    assert!(run.stderr.contains("may have reached the server"), "{}", run.stderr);
    assert_eq!(stub.posts("targetConnection"), 1, "a POST that may have reached the server is not sent again");
    let again = plan.run(&stub, &[], &ENV);
    assert_eq!(again.status, Some(0), "{}", again.stderr);
    for k in KINDS {
        assert_eq!(stub.created(k).len(), 1, "{k}");
    }
}

#[test]
fn rollback_deletes_exactly_what_the_plan_created_in_reverse_order() {
    if !tools_or_skip("rollback_deletes_exactly_what_the_plan_created_in_reverse_order") {
        return;
    }
    let c = compile_case("payments");
    // A run that fails at the flow, then the rollback.
    let stub = Stub::start(&[("flow", Reply::Error(400, flow_service_error()))]);
    let plan = Plan::new("rollback", c.curl().unwrap());
    assert_eq!(plan.run(&stub, &[], &ENV).status, Some(1));
    let back = plan.run(&stub, &["--rollback"], &ENV);
    assert_eq!(back.status, Some(0), "{}", back.stderr);
    let deletes: Vec<String> =
        stub.received().iter().filter(|r| r.method == "DELETE").map(|r| r.path.clone()).collect();
    assert_eq!(
        deletes,
        [
            "/data/foundation/flowservice/targetConnections/targetConnection-2",
            "/data/foundation/flowservice/sourceConnections/sourceConnection-1"
        ]
    );
    assert_eq!(stub.deleted("sourceConnection"), stub.created("sourceConnection"));
    assert_eq!(stub.deleted("targetConnection"), stub.created("targetConnection"));
    assert!(stub.deleted("mappingSet").is_empty(), "the Data Prep API cannot delete a mapping set");
    assert!(back.stdout.contains("kept mappingSet mappingSet-3: the Data Prep API has no DELETE"), "{}", back.stdout);
    for r in stub.received().iter().filter(|r| r.method == "DELETE") {
        assert_headers(r, "token-123-secret");
    }
    let state = plan.state();
    assert!(state["objects"]["sourceConnection"]["deleted"].is_string(), "{state:#}");
    assert!(state["objects"]["mappingSet"].get("deleted").is_none(), "{state:#}");
    // A second rollback has nothing left to delete.
    let twice = plan.run(&stub, &["--rollback"], &ENV);
    assert_eq!(twice.status, Some(0), "{}", twice.stderr);
    assert_eq!(stub.received().iter().filter(|r| r.method == "DELETE").count(), 2);
    // A run after the rollback creates the deleted objects anew and reuses the mapping set.
    let anew = plan.run(&stub, &[], &ENV);
    assert_eq!(anew.status, Some(0), "{}", anew.stderr);
    assert_eq!(stub.live(), ["flow-6", "mappingSet-3", "sourceConnection-4", "targetConnection-5"]);
    assert_eq!(stub.created("mappingSet").len(), 1);
    // And the full rollback of a complete plan deletes the flow first.
    assert_eq!(plan.run(&stub, &["--rollback"], &ENV).status, Some(0));
    let deletes: Vec<String> =
        stub.received().iter().filter(|r| r.method == "DELETE").map(|r| r.path.clone()).collect();
    assert_eq!(
        deletes[2..],
        [
            "/data/foundation/flowservice/flows/flow-6",
            "/data/foundation/flowservice/targetConnections/targetConnection-5",
            "/data/foundation/flowservice/sourceConnections/sourceConnection-4"
        ]
    );
    assert_eq!(stub.live(), ["mappingSet-3"]);
    stub.assert_no_secret_in_processes();
}

#[test]
fn a_dry_run_sends_nothing_and_masks_the_secrets() {
    if !tools_or_skip("a_dry_run_sends_nothing_and_masks_the_secrets") {
        return;
    }
    let c = compile_case("payments");
    let stub = Stub::start(&[]);
    let plan = Plan::new("dry", c.curl().unwrap());
    let run = plan.run(&stub, &["--dry-run"], &ENV);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert!(stub.received().is_empty(), "a dry run sends nothing");
    let out = &run.stdout;
    assert!(
        out.contains(&format!(
            "Step 1 of 4: sourceConnection\n  POST {}/data/foundation/flowservice/sourceConnections\n",
            stub.url()
        )),
        "{out}"
    );
    assert!(
        out.contains("  Authorization: Bearer ****\n  x-api-key: ****\n  x-gw-ims-org-id: ORG789@AdobeOrg\n"),
        "{out}"
    );
    assert!(
        out.contains("fills {{mappingSet.version}} with the version of the answer to step 3 (mappingSet)"),
        "{out}"
    );
    assert!(out.contains("\"PayPal.Catalog_Products\""), "the bodies are shown: {out}");
    assert!(!plan.dir.0.join("plan.state.json").exists(), "a dry run writes no state");
    // After a run stopped at the flow, the dry run says what is done and what a run would fill.
    let stub = Stub::start(&[("flow", Reply::Error(400, flow_service_error()))]);
    assert_eq!(plan.run(&stub, &[], &ENV).status, Some(1));
    let sent = stub.received().len();
    let run = plan.run(&stub, &["--dry-run"], &[]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(stub.received().len(), sent, "a dry run sends nothing");
    assert!(run.stdout.contains("Step 1 of 4: sourceConnection: done (sourceConnection-1"), "{}", run.stdout);
    assert!(
        run.stdout.contains("fills {{mappingSet.id}} with mappingSet-3 (the id of mappingSet, recorded)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("x-api-key: <API_KEY: not set>"), "{}", run.stdout);
    let rollback = plan.run(&stub, &["--dry-run", "--rollback"], &ENV);
    assert_eq!(rollback.status, Some(0), "{}", rollback.stderr);
    assert_eq!(stub.received().len(), sent, "a dry run of the rollback sends nothing");
    assert!(
        rollback.stdout.contains(&format!(
            "DELETE {}/data/foundation/flowservice/targetConnections/targetConnection-2",
            stub.url()
        )),
        "{}",
        rollback.stdout
    );
}

#[test]
fn a_changed_body_stops_the_run_before_anything_is_sent() {
    if !tools_or_skip("a_changed_body_stops_the_run_before_anything_is_sent") {
        return;
    }
    let c = compile_case("payments");
    let stub = Stub::start(&[("flow", Reply::Error(400, flow_service_error()))]);
    let plan = Plan::new("changed", c.curl().unwrap());
    assert_eq!(plan.run(&stub, &[], &ENV).status, Some(1));
    let sent = stub.received().len();
    // The flow file changed: its target connection is rebuilt with another dataset.
    let script = c.curl().unwrap().replace("\"5e8918669cbbee18ad9771f3\"", "\"5e8918669cbbee18ad9771f4\"");
    assert_ne!(script, c.curl().unwrap());
    std::fs::write(&plan.script, script).unwrap();
    let run = plan.run(&stub, &[], &ENV);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("step 2 of 4 (targetConnection) changed since it was created as targetConnection-2"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert_eq!(stub.received().len(), sent, "nothing is sent");
    for k in KINDS {
        assert!(stub.created(k).len() <= 1, "{k}");
    }
}

#[test]
fn the_token_comes_from_the_client_credentials_grant_when_there_is_no_access_token() {
    if !tools_or_skip("the_token_comes_from_the_client_credentials_grant_when_there_is_no_access_token") {
        return;
    }
    let c = compile_case("payments");
    let stub = Stub::start(&[]);
    let plan = Plan::new("oauth", c.curl().unwrap());
    let env = [
        ("API_KEY", "key-456-secret"),
        ("ORG_ID", "ORG789@AdobeOrg"),
        ("SANDBOX_NAME", "dev-sandbox"),
        ("CLIENT_ID", "client-id-1"),
        ("CLIENT_SECRET", "client-secret-789"),
        ("SCOPES", "openid,AdobeID,read_organizations"),
    ];
    let run = plan.run(&stub, &[], &env);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    let received = stub.received();
    assert_eq!(received[0].path, stub::TOKEN_PATH);
    assert_eq!(received[0].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        received[0].body,
        "grant_type=client_credentials&client_id=client-id-1&client_secret=client-secret-789&scope=openid%2CAdobeID%2Cread_organizations"
    );
    assert_eq!(received.iter().filter(|r| r.path == stub::TOKEN_PATH).count(), 1, "one token per run");
    for r in &received[1..] {
        assert_headers(r, stub::ISSUED_TOKEN);
    }
    assert_eq!(received.len(), 5);
    stub.assert_no_secret_in_processes();
    // A refused grant stops the run before any API request, naming what to check.
    let stub = Stub::start(&[]);
    let plan = Plan::new("oauth-refused", c.curl().unwrap());
    let mut wrong = env;
    wrong[4] = ("CLIENT_SECRET", "not-the-secret");
    let run = plan.run(&stub, &[], &wrong);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("no access token") && run.stderr.contains("invalid_client"), "{}", run.stderr);
    assert!(!run.stderr.contains("not-the-secret"), "{}", run.stderr);
    assert_eq!(stub.received().len(), 1);
}

#[test]
fn the_script_refuses_to_start_without_its_variables_or_against_another_sandbox() {
    if !tools_or_skip("the_script_refuses_to_start_without_its_variables_or_against_another_sandbox") {
        return;
    }
    let c = compile_case("payments");
    let stub = Stub::start(&[]);
    let plan = Plan::new("env", c.curl().unwrap());
    let run = plan.run(&stub, &[], &[("API_KEY", "k"), ("ORG_ID", "o")]);
    assert_eq!(run.status, Some(2));
    assert!(
        run.stderr.contains("ACCESS_TOKEN (or CLIENT_ID, CLIENT_SECRET and SCOPES)")
            && run.stderr.contains("SANDBOX_NAME"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("API_KEY"), "only the missing ones are named: {}", run.stderr);
    let run = plan.run(&stub, &["--tries", "many"], &ENV);
    assert_eq!(run.status, Some(2));
    assert!(run.stderr.contains("tries must be a whole number"), "{}", run.stderr);
    // A state written for one sandbox is not used for another.
    assert_eq!(plan.run(&stub, &[], &ENV).status, Some(0));
    let mut other = ENV;
    other[3] = ("SANDBOX_NAME", "prod");
    let run = plan.run(&stub, &[], &other);
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("records objects in sandbox dev-sandbox"), "{}", run.stderr);
    assert_eq!(stub.received().len(), 4, "nothing is sent against the other sandbox");
    // Another run holding the lock, or a file that is no state file: nothing is sent.
    std::fs::create_dir(plan.dir.0.join("plan.state.json.lock")).unwrap();
    let run = plan.run(&stub, &[], &ENV);
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("another run of this plan holds"), "{}", run.stderr);
    std::fs::remove_dir(plan.dir.0.join("plan.state.json.lock")).unwrap();
    let garbage = plan.dir.0.join("garbage.json");
    std::fs::write(&garbage, "[1, 2]").unwrap();
    let run = plan.run(&stub, &["--state", garbage.to_str().unwrap()], &ENV);
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("is not a state file of a flowc plan"), "{}", run.stderr);
    assert_eq!(stub.received().len(), 4);
    // --state keeps another state: the same plan then creates in the other sandbox.
    let elsewhere = plan.dir.0.join("prod.state.json");
    let run = plan.run(&stub, &["--state", elsewhere.to_str().unwrap()], &other);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(stub.received().len(), 8);
}
