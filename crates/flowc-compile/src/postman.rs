//! `--emit postman`: the plan as a Postman collection (format v2.1.0), for people who send
//! requests from Postman.
//!
//! The requests come in plan order, under collection-level bearer auth. Collection
//! variables hold the gateway (`baseUrl`), `SANDBOX_NAME`, `ORG_ID`, `API_KEY` and
//! `ACCESS_TOKEN`, all empty but the gateway. The bodies keep flowc's placeholders, which are
//! Postman variable references already (`{{sourceConnection.id}}` is the collection variable
//! `sourceConnection.id`): each request's test script stores the created object's id (and the
//! mapping set's version) in those variables for the requests after it, and stops the
//! collection run when the answer is not 2xx.

use crate::ordered::Node;
use crate::plan::{self, Plan, Resource};

/// The collection format's schema address, as Postman writes it in `info.schema`.
pub const SCHEMA: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

/// The variables a user fills in before running the collection.
pub const USER_VARIABLES: [&str; 4] = ["SANDBOX_NAME", "ORG_ID", "API_KEY", "ACCESS_TOKEN"];

/// A placeholder's Postman variable: `{{mappingSet.id}}` → `mappingSet.id`.
fn variable(placeholder: &str) -> &str {
    placeholder.trim_start_matches("{{").trim_end_matches("}}")
}

/// The variables an answer is stored in: the created id always, and what later bodies use.
fn stored(resource: Resource) -> Vec<(&'static str, String)> {
    let mut stored = vec![("id", format!("{}.id", resource.name()))];
    for (field, placeholder) in resource.outputs() {
        let name = variable(placeholder).to_owned();
        if !stored.iter().any(|(_, n)| *n == name) {
            stored.push((field, name));
        }
    }
    stored
}

fn test_script(step: usize, resource: Resource) -> Node {
    let name = resource.name();
    let mut lines = vec![
        format!(
            "// Step {step} ({name}): keep what the answer created for the requests after it; stop the run on an error."
        ),
        "const created = pm.response.code >= 200 && pm.response.code < 300;".to_owned(),
        format!("pm.test(\"step {step} ({name}) is created\", function () {{"),
        "    pm.expect(pm.response.code, pm.response.text()).to.be.oneOf([200, 201]);".to_owned(),
        "});".to_owned(),
        "if (created) {".to_owned(),
        "    const answer = pm.response.json();".to_owned(),
    ];
    for (field, variable) in stored(resource) {
        lines.push(format!("    pm.collectionVariables.set(\"{variable}\", String(answer.{field}));"));
    }
    lines.push("} else {".to_owned());
    lines.push("    postman.setNextRequest(null);".to_owned());
    lines.push("}".to_owned());
    Node::object().with("listen", Node::str("test")).with(
        "script",
        Node::object()
            .with("type", Node::str("text/javascript"))
            .with("exec", Node::Array(lines.into_iter().map(Node::str).collect())),
    )
}

fn header(key: &str, value: &str) -> Node {
    Node::object().with("key", Node::str(key)).with("value", Node::str(value))
}

fn item(step: usize, resource: Resource, body: &Node) -> Node {
    let path = resource.path();
    let url = Node::object()
        .with("raw", Node::str(format!("{{{{baseUrl}}}}{path}")))
        .with("host", Node::Array(vec![Node::str("{{baseUrl}}")]))
        .with("path", Node::Array(path.trim_start_matches('/').split('/').map(Node::str).collect()));
    let request = Node::object()
        .with("method", Node::str(resource.method()))
        .with(
            "header",
            Node::Array(vec![
                header("x-api-key", "{{API_KEY}}"),
                header("x-gw-ims-org-id", "{{ORG_ID}}"),
                header("x-sandbox-name", "{{SANDBOX_NAME}}"),
                header("Content-Type", "application/json"),
            ]),
        )
        .with(
            "body",
            Node::object()
                .with("mode", Node::str("raw"))
                .with("raw", Node::str(body.to_pretty()))
                .with("options", Node::object().with("raw", Node::object().with("language", Node::str("json")))),
        )
        .with("url", url);
    Node::object()
        .with("name", Node::str(format!("{step}. {} {}", resource.name(), resource.path())))
        .with("event", Node::Array(vec![test_script(step, resource)]))
        .with("request", request)
}

/// The collection for `plan`, whose bodies are given in plan order.
pub fn collection(plan: &Plan, bodies: &[(Resource, &Node)]) -> Node {
    let items = plan
        .requests
        .iter()
        .enumerate()
        .map(|(i, request)| {
            let body = bodies
                .iter()
                .find(|(r, _)| *r == request.resource)
                .map(|(_, b)| *b)
                .expect("every request has its body");
            item(i + 1, request.resource, body)
        })
        .collect();
    let mut variables = vec![Node::object().with("key", Node::str("baseUrl")).with("value", Node::str(plan::BASE_URL))];
    for name in USER_VARIABLES {
        variables.push(Node::object().with("key", Node::str(name)).with("value", Node::str("")));
    }
    for request in &plan.requests {
        for (_, name) in stored(request.resource) {
            variables.push(Node::object().with("key", Node::str(name)).with("value", Node::str("")));
        }
    }
    let description = "Generated by flowc (`flowc build --emit postman`): creates the dataflow's objects with the Flow Service and \
                       Data Prep APIs, in the order of plan.json. Fill the collection variables SANDBOX_NAME, ORG_ID, API_KEY and \
                       ACCESS_TOKEN, then run the collection: each request stores the id its answer gives for the requests after \
                       it, and an error stops the run.";
    Node::object()
        .with(
            "info",
            Node::object()
                .with("name", Node::str(format!("{} (flowc plan)", plan::title(bodies))))
                .with("description", Node::str(description))
                .with("schema", Node::str(SCHEMA)),
        )
        .with(
            "auth",
            Node::object().with("type", Node::str("bearer")).with(
                "bearer",
                Node::Array(vec![
                    Node::object()
                        .with("key", Node::str("token"))
                        .with("value", Node::str("{{ACCESS_TOKEN}}"))
                        .with("type", Node::str("string")),
                ]),
            ),
        )
        .with("item", Node::Array(items))
        .with("variable", Node::Array(variables))
}
