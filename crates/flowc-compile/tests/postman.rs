//! `--emit postman`: every golden case's collection is valid against the Postman Collection
//! Format v2.1.0 JSON Schema (`fixtures/postman/`, see its SOURCE.md), holds the plan's
//! requests in order, declares every variable it uses, and its test scripts store each
//! created id for the requests after it: run under node with a stand-in for Postman's `pm`
//! object (skipped with a message where node is not installed), the requests a collection
//! run would send are the plan's bodies with the ids of the earlier answers filled in.

mod cases;

use cases::{cases, compile_case, filled, root};
use flowc_compile::bodies::Compiled;
use flowc_compile::plan::Resource;
use serde_json::{Value, json};
use std::process::Command;

fn collection(c: &Compiled) -> Value {
    serde_json::from_str(c.postman().expect("asked for")).expect("the collection is JSON")
}

fn validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(root().join("fixtures/postman/collection-v2.1.0.schema.json")).expect("the schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

#[test]
fn every_collection_is_valid_against_the_collection_format_schema() {
    let v = validator();
    for name in cases() {
        let c = collection(&compile_case(&name));
        assert_eq!(errors(&v, &c), Vec::<String>::new(), "{name}");
        assert_eq!(c["info"]["schema"], "https://schema.getpostman.com/json/collection/v2.1.0/collection.json");
    }
    // The schema does reject a broken collection: it is not a check that cannot fail.
    let mut broken = collection(&compile_case("payments"));
    broken["item"][0]["request"]["method"] = json!(42);
    broken["info"].as_object_mut().unwrap().remove("name");
    assert!(errors(&v, &broken).len() >= 2, "{:?}", errors(&v, &broken));
}

/// Every `{{name}}` in a string.
fn references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else { break };
        found.push(rest[start + 2..start + end].to_owned());
        rest = &rest[start + end + 2..];
    }
    found
}

#[test]
fn the_requests_follow_the_plan_and_use_only_variables_set_before_them() {
    for name in cases() {
        let compiled = compile_case(&name);
        let c = collection(&compiled);
        let declared: Vec<&str> =
            c["variable"].as_array().unwrap().iter().map(|v| v["key"].as_str().unwrap()).collect();
        for user in ["baseUrl", "SANDBOX_NAME", "ORG_ID", "API_KEY", "ACCESS_TOKEN"] {
            assert!(declared.contains(&user), "{name}: {user} is a collection variable");
        }
        assert_eq!(c["auth"]["bearer"][0]["value"], "{{ACCESS_TOKEN}}");
        let items = c["item"].as_array().unwrap();
        let plan = compiled.plan_steps();
        assert_eq!(items.len(), plan.requests.len(), "{name}");
        let mut set_so_far: Vec<String> =
            ["baseUrl", "SANDBOX_NAME", "ORG_ID", "API_KEY", "ACCESS_TOKEN"].map(str::to_owned).to_vec();
        for (item, request) in items.iter().zip(&plan.requests) {
            assert_eq!(item["request"]["url"]["raw"], format!("{{{{baseUrl}}}}{}", request.resource.path()));
            let raw = item["request"]["body"]["raw"].as_str().unwrap();
            let body: Value = serde_json::from_str(raw).expect("the raw body is JSON");
            assert_eq!(Some(&body), compiled.body_of(request.resource), "{name}: the body is the plan's");
            let text = item.to_string();
            for used in references(&text) {
                assert!(
                    set_so_far.contains(&used),
                    "{name}: {} uses {{{{{used}}}}} before any request sets it",
                    request.resource.name()
                );
                assert!(declared.contains(&used.as_str()), "{name}: {used} is declared");
            }
            let script = item["event"][0]["script"]["exec"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect::<Vec<_>>()
                .join("\n");
            for (_, placeholder) in &request.fills {
                let variable = placeholder.trim_start_matches("{{").trim_end_matches("}}");
                assert!(script.contains(&format!("pm.collectionVariables.set(\"{variable}\"")), "{name}: {script}");
            }
            set_so_far.extend(
                script
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("pm.collectionVariables.set(\""))
                    .map(|l| l.split('"').next().unwrap().to_owned()),
            );
        }
    }
}

/// Runs the collection's test scripts under node, as a collection run would: each request is
/// resolved against the variables, and answered `answer(n)` (n counting from 1). Prints the
/// requests sent, and whether a script stopped the run.
const RUNNER: &str = r#"
const fs = require('fs');
const c = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
const failAt = Number(process.argv[2]);
const vars = {};
for (const v of c.variable) vars[v.key] = v.value;
Object.assign(vars, { SANDBOX_NAME: 'dev', ORG_ID: 'org', API_KEY: 'key', ACCESS_TOKEN: 'tok' });
const resolve = (s) => s.replace(/\{\{([^}]+)\}\}/g, (m, k) => {
  if (vars[k] === undefined || vars[k] === '') throw new Error('variable ' + k + ' is not set');
  return vars[k];
});
const sent = [];
let stopped = false;
for (const [i, item] of c.item.entries()) {
  if (stopped) break;
  const n = i + 1;
  sent.push({ url: resolve(item.request.url.raw), body: JSON.parse(resolve(item.request.body.raw)) });
  const code = n === failAt ? 400 : 201;
  const answer = code === 201 ? { id: 'created-' + n, version: 0, etag: '"e"' } : { title: 'Invalid request' };
  const pm = {
    response: { code, json: () => answer, text: () => JSON.stringify(answer) },
    test: (name, f) => { try { f(); } catch (e) { if (code === 201) throw e; } },
    expect: (v) => ({ to: { be: { oneOf: (list) => { if (!list.includes(v)) throw new Error('expected ' + v); } } } }),
    collectionVariables: { set: (k, v) => { vars[k] = v; } },
  };
  const postman = { setNextRequest: (next) => { if (next === null) stopped = true; } };
  for (const event of item.event) new Function('pm', 'postman', event.script.exec.join('\n'))(pm, postman);
}
console.log(JSON.stringify({ sent, stopped }));
"#;

fn run_under_node(c: &Value, fail_at: usize, tag: &str) -> Value {
    let path = std::env::temp_dir().join(format!("flowc-postman-{tag}-{}.json", std::process::id()));
    std::fs::write(&path, c.to_string()).unwrap();
    let out =
        Command::new("node").arg("-e").arg(RUNNER).arg(&path).arg(fail_at.to_string()).output().expect("node runs");
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the runner prints JSON")
}

#[test]
fn the_test_scripts_store_each_created_id_for_the_next_requests() {
    if Command::new("node").arg("--version").output().is_err() {
        println!("skipped the_test_scripts_store_each_created_id_for_the_next_requests: node is not installed");
        return;
    }
    let compiled = compile_case("payments");
    let c = collection(&compiled);
    let run = run_under_node(&c, 0, "run");
    assert_eq!(run["stopped"], false);
    let sent = run["sent"].as_array().unwrap();
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[0]["url"], "https://platform.adobe.io/data/foundation/flowservice/sourceConnections");
    let ids = [
        ("{{sourceConnection.id}}", "created-1"),
        ("{{targetConnection.id}}", "created-2"),
        ("{{mappingSet.id}}", "created-3"),
        ("{{mappingSet.version}}", "0"),
    ];
    for (i, r) in Resource::ALL.iter().enumerate() {
        assert_eq!(sent[i]["body"], filled(compiled.body_of(*r).unwrap(), &ids), "{}", r.name());
    }
    assert_eq!(
        sent[3]["body"]["transformations"][1]["params"],
        json!({"mappingId": "created-3", "mappingVersion": "0"})
    );
    // An error answer stops the run: nothing after it is sent.
    let run = run_under_node(&c, 2, "stop");
    assert_eq!(run["stopped"], true);
    assert_eq!(run["sent"].as_array().unwrap().len(), 2);
}
