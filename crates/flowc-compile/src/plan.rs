//! The request plan: which requests create a dataflow's objects, in which order, and which
//! field of each answer fills which placeholder of a later body. `docs/build.md` documents
//! the format.

use crate::ordered::Node;

/// The platform's gateway; the paths below are under it.
pub const BASE_URL: &str = "https://platform.adobe.io";
/// The Flow Service API's base path.
pub const FLOW_SERVICE: &str = "/data/foundation/flowservice";
/// The Data Prep API's base path.
pub const DATA_PREP: &str = "/data/foundation/conversion";

/// The headers every request needs, by name: `Authorization: Bearer {ACCESS_TOKEN}`,
/// `x-api-key: {API_KEY}`, `x-gw-ims-org-id: {ORG_ID}`, `x-sandbox-name: {SANDBOX_NAME}`,
/// `Content-Type: application/json`.
pub const HEADERS: [&str; 5] = ["Authorization", "x-api-key", "x-gw-ims-org-id", "x-sandbox-name", "Content-Type"];

/// The version of the plan's format (`"version"` in plan.json).
pub const PLAN_VERSION: u64 = 1;

pub const PLAN_FILE: &str = "plan.json";
pub const SCRIPT_FILE: &str = "plan.sh";
/// The Postman collection (`--emit postman`).
pub const POSTMAN_FILE: &str = "plan.postman_collection.json";
/// The state file plan.sh keeps beside itself: what it created (see `docs/build.md`). flowc
/// never writes or removes it.
pub const STATE_FILE: &str = "plan.state.json";

/// What a later run does with a step the state file records (`"resume"` in plan.json).
pub const RESUME: &str = "skip when the state file records it with the same body digest; stop when its body changed";

/// Placeholders: ids that exist only once an earlier request has run.
pub const SOURCE_CONNECTION_ID: &str = "{{sourceConnection.id}}";
pub const TARGET_CONNECTION_ID: &str = "{{targetConnection.id}}";
pub const MAPPING_SET_ID: &str = "{{mappingSet.id}}";
pub const MAPPING_SET_VERSION: &str = "{{mappingSet.version}}";

/// The objects a dataflow is made of, in the order they are created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    SourceConnection,
    TargetConnection,
    MappingSet,
    Flow,
}

impl Resource {
    pub const ALL: [Resource; 4] =
        [Resource::SourceConnection, Resource::TargetConnection, Resource::MappingSet, Resource::Flow];

    /// The name used in plans, bundles and placeholders (`sourceConnection`).
    pub fn name(self) -> &'static str {
        match self {
            Resource::SourceConnection => "sourceConnection",
            Resource::TargetConnection => "targetConnection",
            Resource::MappingSet => "mappingSet",
            Resource::Flow => "flow",
        }
    }

    /// The file its request body is written to.
    pub fn file(self) -> &'static str {
        match self {
            Resource::SourceConnection => "source-connection.json",
            Resource::TargetConnection => "target-connection.json",
            Resource::MappingSet => "mapping-set.json",
            Resource::Flow => "flow.json",
        }
    }

    pub fn method(self) -> &'static str {
        "POST"
    }

    /// The create request's path, base path included.
    pub fn path(self) -> &'static str {
        match self {
            Resource::SourceConnection => "/data/foundation/flowservice/sourceConnections",
            Resource::TargetConnection => "/data/foundation/flowservice/targetConnections",
            Resource::MappingSet => "/data/foundation/conversion/mappingSets",
            Resource::Flow => "/data/foundation/flowservice/flows",
        }
    }

    /// What `plan.sh --rollback` does with an object the plan created: the path of its DELETE
    /// request (the object's id appended), or why it is kept. The Flow Service OpenAPI
    /// document defines `DELETE /sourceConnections/{id}`, `/targetConnections/{id}` and
    /// `/flows/{id}` (204, no If-Match); the Data Prep one has no DELETE for mapping sets.
    pub fn rollback(self) -> Rollback {
        match self {
            Resource::MappingSet => Rollback::Kept(
                "the Data Prep API has no DELETE for mapping sets: it stays, and a later run of the same plan reuses it",
            ),
            other => Rollback::Delete(other.path()),
        }
    }

    /// The placeholders its answer can fill: (response field, placeholder).
    pub fn outputs(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Resource::SourceConnection => &[("id", SOURCE_CONNECTION_ID)],
            Resource::TargetConnection => &[("id", TARGET_CONNECTION_ID)],
            Resource::MappingSet => &[("id", MAPPING_SET_ID), ("version", MAPPING_SET_VERSION)],
            Resource::Flow => &[],
        }
    }
}

/// How a created object is rolled back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rollback {
    /// `DELETE {path}/{id}`.
    Delete(&'static str),
    /// Not deleted, for this reason.
    Kept(&'static str),
}

impl Rollback {
    fn to_node(self) -> Node {
        match self {
            Rollback::Delete(path) => {
                Node::object().with("method", Node::str("DELETE")).with("path", Node::str(format!("{path}/{{id}}")))
            }
            Rollback::Kept(reason) => Node::object().with("kept", Node::str(reason)),
        }
    }
}

/// Every placeholder, in plan order.
pub const PLACEHOLDERS: [&str; 4] = [SOURCE_CONNECTION_ID, TARGET_CONNECTION_ID, MAPPING_SET_ID, MAPPING_SET_VERSION];

/// The placeholders a body's strings hold, in [`PLACEHOLDERS`] order.
pub fn placeholders_in(body: &Node) -> Vec<&'static str> {
    let mut found = Vec::new();
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        match node {
            Node::String(s) => {
                for p in PLACEHOLDERS {
                    if s.contains(p) && !found.contains(&p) {
                        found.push(p);
                    }
                }
            }
            Node::Array(items) => stack.extend(items),
            Node::Object(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    found.sort_by_key(|p| PLACEHOLDERS.iter().position(|q| q == p));
    found
}

/// What names the plan for people (the state file, the Postman collection): the flow's name,
/// else the name of the first body that has one.
pub fn title(bodies: &[(Resource, &Node)]) -> String {
    let named =
        |r: Resource| bodies.iter().find(|(b, _)| *b == r).and_then(|(_, n)| n.get("name")).and_then(Node::as_str);
    [Resource::Flow, Resource::SourceConnection, Resource::TargetConnection, Resource::MappingSet]
        .into_iter()
        .find_map(named)
        .unwrap_or("mapping set")
        .to_owned()
}

/// One request of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub resource: Resource,
    /// Placeholders its body holds, filled from earlier answers.
    pub uses: Vec<&'static str>,
    /// (response field, placeholder) pairs that a later body uses.
    pub fills: Vec<(&'static str, &'static str)>,
}

/// The requests to send, in order, and the objects that exist already.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub requests: Vec<Request>,
    /// Objects the flow file names by id (`connection = "..."`): no request creates them.
    pub existing: Vec<(Resource, String)>,
}

impl Plan {
    /// The plan for these bodies (in creation order) and existing objects.
    pub fn new(bodies: &[(Resource, &Node)], existing: Vec<(Resource, String)>) -> Plan {
        let uses: Vec<Vec<&'static str>> = bodies.iter().map(|(_, body)| placeholders_in(body)).collect();
        let requests = bodies
            .iter()
            .enumerate()
            .map(|(i, (resource, _))| {
                let later: Vec<&str> = uses[i + 1..].iter().flatten().copied().collect();
                let fills = resource.outputs().iter().copied().filter(|(_, p)| later.contains(p)).collect();
                Request { resource: *resource, uses: uses[i].clone(), fills }
            })
            .collect();
        Plan { requests, existing }
    }

    /// plan.json.
    pub fn to_node(&self) -> Node {
        let requests = self
            .requests
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Node::object()
                    .with("step", Node::Number((i as u64 + 1).into()))
                    .with("name", Node::str(r.resource.name()))
                    .with("method", Node::str(r.resource.method()))
                    .with("path", Node::str(r.resource.path()))
                    .with("headers", Node::Array(HEADERS.iter().map(|h| Node::str(*h)).collect()))
                    .with("body", Node::str(r.resource.file()))
                    .with("uses", Node::Array(r.uses.iter().map(|p| Node::str(*p)).collect()))
                    .with(
                        "fills",
                        Node::Array(
                            r.fills
                                .iter()
                                .map(|(field, p)| {
                                    Node::object()
                                        .with("placeholder", Node::str(*p))
                                        .with("responseField", Node::str(*field))
                                })
                                .collect(),
                        ),
                    )
                    .with("resume", Node::str(RESUME))
                    .with("rollback", r.resource.rollback().to_node())
            })
            .collect();
        let existing =
            Node::Object(self.existing.iter().map(|(r, id)| (r.name().to_owned(), Node::str(id.clone()))).collect());
        Node::object()
            .with("version", Node::Number(PLAN_VERSION.into()))
            .with("baseUrl", Node::str(BASE_URL))
            .with("requests", Node::Array(requests))
            .with("existing", existing)
            .with("state", Node::str(STATE_FILE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sit_under_the_documented_base_paths() {
        for r in Resource::ALL {
            let base = if r == Resource::MappingSet { DATA_PREP } else { FLOW_SERVICE };
            assert!(r.path().starts_with(&format!("{base}/")), "{}", r.path());
        }
    }

    #[test]
    fn rollback_deletes_under_the_create_path_except_mapping_sets() {
        for r in Resource::ALL {
            match r.rollback() {
                Rollback::Delete(path) => assert_eq!(path, r.path()),
                Rollback::Kept(_) => assert_eq!(r, Resource::MappingSet),
            }
        }
    }

    #[test]
    fn a_request_fills_only_what_a_later_body_uses() {
        let source = Node::object().with("name", Node::str("s"));
        let mapping = Node::object();
        let flow = Node::object()
            .with("sourceConnectionIds", Node::Array(vec![Node::str(SOURCE_CONNECTION_ID)]))
            .with("targetConnectionIds", Node::Array(vec![Node::str("existing-id")]))
            .with("mappingVersion", Node::str(MAPPING_SET_VERSION));
        let plan = Plan::new(
            &[(Resource::SourceConnection, &source), (Resource::MappingSet, &mapping), (Resource::Flow, &flow)],
            vec![(Resource::TargetConnection, "existing-id".into())],
        );
        assert_eq!(plan.requests[0].fills, vec![("id", SOURCE_CONNECTION_ID)]);
        assert_eq!(plan.requests[1].fills, vec![("version", MAPPING_SET_VERSION)]);
        assert_eq!(plan.requests[2].uses, vec![SOURCE_CONNECTION_ID, MAPPING_SET_VERSION]);
        assert!(plan.requests[2].fills.is_empty());
    }
}
