//! Compiling a checked flow file into the request bodies that create its dataflow:
//! `POST /sourceConnections`, `POST /targetConnections` (Flow Service), `POST /mappingSets`
//! (Data Prep) and `POST /flows`, with the [plan](crate::plan) that sends them in order and,
//! on request, a [curl script](crate::curl) that performs the plan.
//!
//! - A file with a `flow` block compiles to the four bodies; a connection the file names by
//!   id (`connection = "..."`) is used as it is and its create request is skipped.
//! - A file without a `flow` block is a mapping: it compiles to a mapping set alone.
//! - Ids that exist only once a request has run are placeholders such as
//!   `{{sourceConnection.id}}` (see [`crate::plan`]).
//!
//! Everything is built in memory: nothing is written unless the caller asks
//! ([`crate::output::write_outputs`]). The output is deterministic: the same file gives the
//! same bytes, with object keys in the order the platform documents them.

use crate::ordered::Node;
use crate::plan::{self, Plan, Resource};
use flowc_diag::files::{FileProvider, MAX_FILE_BYTES, ProjectFiles};
use flowc_diag::{Code, Diagnostic, Severity, Span};
use flowc_syntax::ast::{Block, BlockKind, Column, Columns, Entry, ExprKind, File, UnaryOp, ValueKind};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// The CRMToAEP flow spec (table-based sources such as PayPal and CRMs into the data lake).
pub const CRM_TO_AEP_ID: &str = "14518937-270c-4525-bdec-c2ba7cce3860";
/// The data lake's target connection spec (server error 1307 for any other).
pub const DATA_LAKE_CONNECTION_SPEC_ID: &str = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";
pub const DEFAULT_SPEC_VERSION: &str = "1.0";
pub const DEFAULT_SCHEMA_VERSION: &str = "application/vnd.adobe.xed-full+json;version=1";
pub const DEFAULT_TARGET_FORMAT: &str = "parquet_xdm";
/// The legacy mapping set's `xdmVersion` when the schema file tells none.
pub const DEFAULT_XDM_VERSION: &str = "1.0";

/// Which form of mapping set to produce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// The Data Prep API's `MappingSet` (`outputSchema.schemaRef`, `mappings[{sourceType,
    /// source, destination, name, description}]`).
    #[default]
    Current,
    /// The sources tutorials' form (`version`, `xdmSchema`, `xdmVersion`, `id`,
    /// `mappings[{destinationXdmPath, sourceAttribute, identity, ...}]`).
    Legacy,
}

/// What the current dialect's mapping set leaves out of a flow file: it has no identity
/// field, so each `@identity` is said to be dropped (F503), with where identities live
/// instead. (`flowc import` writes a legacy mapping set's identities under a suppression.)
pub fn identities_not_sent(file: &File, src: &str) -> Vec<Diagnostic> {
    let entries = file.blocks.iter().filter(|b| b.kind == BlockKind::Mapping).flat_map(Block::entries);
    entries
        .filter_map(|entry| {
            let identity = entry.attribute("identity")?;
            let destination = &src[entry.destination.span.start..entry.destination.span.end];
            Some(
                Diagnostic::new(
                    Code::IdentityNotSent,
                    identity.span,
                    format!("`@identity` of `{destination}` is not sent: the current mapping set has no identity field"),
                )
                .with_label("left out of the request")
                .with_help("mark the field as an identity in the target schema (an identity descriptor), or build with `--dialect legacy` to send it with the mapping")
                .with_note("on the current platform, identities come from the schema's identity descriptors, not from the mapping"),
            )
        })
        .collect()
}

/// A resolved flow spec: its id and version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowSpecRef {
    pub id: String,
    pub version: String,
}

impl Default for FlowSpecRef {
    /// CRMToAEP, version 1.0.
    fn default() -> FlowSpecRef {
        FlowSpecRef { id: CRM_TO_AEP_ID.to_owned(), version: DEFAULT_SPEC_VERSION.to_owned() }
    }
}

#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    pub dialect: Dialect,
    /// The flow spec the file's `flow { spec = ... }` resolves to.
    pub flow_spec: FlowSpecRef,
    /// Also produce the curl script (`plan.sh`).
    pub emit_curl: bool,
    /// Also produce the Postman collection (`plan.postman_collection.json`).
    pub emit_postman: bool,
    /// flowc.toml's `tenant`: replaces `{TENANT_ID}` in destinations and schema ids. Without
    /// it, each placeholder that would be sent is reported (F504).
    pub tenant: Option<String>,
}

/// What a flow file compiles to, held in memory.
#[derive(Clone, Debug)]
pub struct Compiled {
    nodes: [Option<Node>; 4],
    values: [Option<Value>; 4],
    plan: Plan,
    plan_node: Node,
    plan_value: Value,
    curl: Option<String>,
    postman: Option<String>,
    warnings: Vec<Diagnostic>,
}

impl Compiled {
    fn body(&self, r: Resource) -> Option<&Value> {
        self.values[r as usize].as_ref()
    }

    /// The `POST /sourceConnections` body; `None` for a mapping file or an existing connection.
    pub fn source_connection(&self) -> Option<&Value> {
        self.body(Resource::SourceConnection)
    }

    /// The `POST /targetConnections` body; `None` for a mapping file or an existing connection.
    pub fn target_connection(&self) -> Option<&Value> {
        self.body(Resource::TargetConnection)
    }

    /// The `POST /mappingSets` body in the dialect asked for.
    pub fn mapping_set(&self) -> Option<&Value> {
        self.body(Resource::MappingSet)
    }

    /// The `POST /flows` body; `None` for a file without a `flow` block.
    pub fn flow(&self) -> Option<&Value> {
        self.body(Resource::Flow)
    }

    /// Any body by resource.
    pub fn body_of(&self, resource: Resource) -> Option<&Value> {
        self.body(resource)
    }

    /// plan.json, as a value.
    pub fn plan(&self) -> &Value {
        &self.plan_value
    }

    /// The plan, as data.
    pub fn plan_steps(&self) -> &Plan {
        &self.plan
    }

    /// The curl script, when asked for.
    pub fn curl(&self) -> Option<&str> {
        self.curl.as_deref()
    }

    /// The Postman collection, when asked for.
    pub fn postman(&self) -> Option<&str> {
        self.postman.as_deref()
    }

    /// Warnings found while compiling (errors make [`compile`] fail instead).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// True when there is no request to send (a file with neither `flow` nor `mapping`).
    pub fn is_empty(&self) -> bool {
        self.plan.requests.is_empty()
    }

    fn bundle_node(&self) -> Node {
        let mut bundle = Node::object();
        for r in Resource::ALL {
            bundle.set(r.name(), self.nodes[r as usize].clone().unwrap_or(Node::Null));
        }
        bundle.with("plan", self.plan_node.clone())
    }

    /// `{"sourceConnection": …, "targetConnection": …, "mappingSet": …, "flow": …, "plan": …}`;
    /// a body that does not apply is `null`.
    pub fn bundle(&self) -> Value {
        self.bundle_node().to_value()
    }

    /// [`Compiled::bundle`] as text, keys in documented order, with a final newline.
    pub fn bundle_text(&self) -> String {
        self.bundle_node().to_pretty()
    }

    /// Every file this compilation writes, in writing order: the bodies that apply,
    /// `plan.json`, then `plan.sh` and the Postman collection when they were asked for.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        let mut files: Vec<(&'static str, String)> = Resource::ALL
            .iter()
            .filter_map(|r| self.nodes[*r as usize].as_ref().map(|n| (r.file(), n.to_pretty())))
            .collect();
        files.push((plan::PLAN_FILE, self.plan_node.to_pretty()));
        if let Some(script) = &self.curl {
            files.push((plan::SCRIPT_FILE, script.clone()));
        }
        if let Some(collection) = &self.postman {
            files.push((plan::POSTMAN_FILE, collection.clone()));
        }
        files
    }

    /// The body of `resource` as written to its file.
    pub fn body_text(&self, resource: Resource) -> Option<String> {
        self.nodes[resource as usize].as_ref().map(Node::to_pretty)
    }
}

/// Compiles a parsed flow file. `src` is its text (expressions are sent as written), `dir`
/// the folder its relative paths start from (`columns from`, `schema_file`).
///
/// The file is expected to have passed `flowc check`; what the checker does not catch and
/// makes a body impossible (a flow without a mapping, a new source connection without its
/// base connection, ...) is reported here, with codes F5xx. Errors fail the compilation
/// (the returned list also holds the warnings, sorted); warnings alone come back in
/// [`Compiled::warnings`].
///
/// The files the flow file names are read from the disk inside its project
/// (`ProjectFiles::for_folder(dir)`); [`compile_with_files`] takes them from elsewhere.
pub fn compile(file: &File, src: &str, dir: &Path, options: &CompileOptions) -> Result<Compiled, Vec<Diagnostic>> {
    compile_with_files(file, src, dir, options, Arc::new(ProjectFiles::for_folder(dir)))
}

/// [`compile`], reading the files the flow file names from `files` (the project of its
/// flowc.toml, as `flowc check` reads them; an editor's documents).
pub fn compile_with_files(
    file: &File,
    src: &str,
    dir: &Path,
    options: &CompileOptions,
    files: Arc<dyn FileProvider>,
) -> Result<Compiled, Vec<Diagnostic>> {
    let tenant = options.tenant.as_deref();
    let mut cx = Cx { src, dir, files, diagnostics: Vec::new(), schema_file: None, tenant };
    let block = |kind| file.blocks.iter().find(|b| b.kind == kind);
    let flow = block(BlockKind::Flow);
    let source = block(BlockKind::Source);
    let target = block(BlockKind::Target);
    let mapping = block(BlockKind::Mapping);

    let mut nodes: [Option<Node>; 4] = [None, None, None, None];
    let mut existing = Vec::new();

    if let Some(flow) = flow {
        let missing: Vec<&str> = [(source, "source"), (target, "target")]
            .iter()
            .filter(|(b, _)| b.is_none())
            .map(|(_, name)| *name)
            .collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>();
            cx.diagnostics.push(
                Diagnostic::new(Code::IncompleteFlow, flow.keyword, format!("the flow has no {} block", list.join(" and no ")))
                    .with_label(format!("no {}", list.join(" or ")))
                    .with_help(
                        "a flow reads from a source connection and writes to a target connection: add the missing blocks \
                         (an existing connection is named with `connection = \"<id>\"`), or drop the `flow` block to compile \
                         the mapping alone",
                    ),
            );
        }
        if mapping.is_none() {
            // The flow validation reports this too (F408); it is repeated here so that
            // compiling on its own never builds a flow without its mapping.
            cx.diagnostics.push(
                Diagnostic::new(
                    Code::NoMappingTransformation,
                    flow.keyword,
                    "the flow has no mapping block, so it has no Mapping transformation",
                )
                .with_label("a flow without a mapping")
                .with_help("add a `mapping { destination = source }` block")
                .with_note("the platform rejects a flow without a Mapping transformation (error 1370)"),
            );
        }
        let flow_name =
            cx.required(flow, "name", "the flow needs a `name`", "name the flow: `name = \"Orders from Salesforce\"`");
        let source_id = source.and_then(|s| cx.source_connection(s, flow_name.as_deref(), &mut nodes, &mut existing));
        let target_id = target.and_then(|t| cx.target_connection(t, flow_name.as_deref(), &mut nodes, &mut existing));
        let mapping_set = mapping.and_then(|m| cx.mapping_set(m, target, options.dialect));
        let copy = block(BlockKind::Delta).and_then(|d| cx.copy_transformation(d));
        if let (Some(name), Some(source_id), Some(target_id), Some(mapping_set)) =
            (flow_name, source_id, target_id, mapping_set)
        {
            let mut transformations = Vec::new();
            transformations.extend(copy);
            transformations.push(
                Node::object().with("name", Node::str("Mapping")).with(
                    "params",
                    Node::object()
                        .with("mappingId", Node::str(plan::MAPPING_SET_ID))
                        .with("mappingVersion", Node::str(plan::MAPPING_SET_VERSION)),
                ),
            );
            let body = Node::object()
                .with("name", Node::str(name))
                .with_opt("description", cx.text(flow, "description").map(Node::str))
                .with(
                    "flowSpec",
                    Node::object()
                        .with("id", Node::str(options.flow_spec.id.clone()))
                        .with("version", Node::str(options.flow_spec.version.clone())),
                )
                .with("sourceConnectionIds", Node::Array(vec![Node::str(source_id)]))
                .with("targetConnectionIds", Node::Array(vec![Node::str(target_id)]))
                .with("transformations", Node::Array(transformations))
                .with_opt("scheduleParams", block(BlockKind::Schedule).map(open_settings))
                .with_opt("options", block(BlockKind::Options).map(open_settings));
            nodes[Resource::MappingSet as usize] = Some(mapping_set);
            nodes[Resource::Flow as usize] = Some(body);
        }
    } else {
        for unused in
            file.blocks.iter().filter(|b| matches!(b.kind, BlockKind::Schedule | BlockKind::Delta | BlockKind::Options))
        {
            let kind = unused.kind.keyword();
            cx.diagnostics.push(
                Diagnostic::new(
                    Code::IgnoredSetting,
                    unused.keyword,
                    format!("the `{kind}` block is not used: without a `flow` block the file compiles to a mapping set alone"),
                )
                .with_label("no flow to send it with")
                .with_help(format!("add a `flow` block (its `name` and `spec`) to build the flow, or remove the `{kind}` block")),
            );
        }
        if let Some(mapping) = mapping {
            nodes[Resource::MappingSet as usize] = cx.mapping_set(mapping, target, options.dialect);
        }
    }

    flowc_diag::sort(&mut cx.diagnostics);
    // The schema id is needed by two bodies: a missing one is reported once.
    cx.diagnostics.dedup();
    if cx.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(cx.diagnostics);
    }
    let bodies: Vec<(Resource, &Node)> =
        Resource::ALL.iter().filter_map(|r| nodes[*r as usize].as_ref().map(|n| (*r, n))).collect();
    let plan = Plan::new(&bodies, existing);
    let plan_node = plan.to_node();
    let curl = options.emit_curl.then(|| crate::curl::script(&plan, &bodies));
    let postman = options.emit_postman.then(|| crate::postman::collection(&plan, &bodies).to_pretty());
    let values = [0, 1, 2, 3].map(|i| nodes[i].as_ref().map(Node::to_value));
    Ok(Compiled {
        values,
        nodes,
        plan_value: plan_node.to_value(),
        plan_node,
        plan,
        curl,
        postman,
        warnings: cx.diagnostics,
    })
}

/// The settings of `schedule` or `options`, keys as written and in the file's order.
fn open_settings(block: &Block) -> Node {
    Node::Object(
        block
            .settings()
            .map(|s| (s.key.value.clone(), Node::from_value(&crate::json::value_to_json(&s.value))))
            .collect(),
    )
}

/// The target schema file, read once: its `$id` and `version`, or why it cannot be had.
type SchemaFile = Result<(Option<String>, Option<String>), String>;

/// The two members of a schema file that the bodies use; the rest is skipped unparsed.
#[derive(serde::Deserialize)]
struct SchemaHead {
    #[serde(rename = "$id")]
    id: Option<String>,
    version: Option<Value>,
}

struct Cx<'a> {
    src: &'a str,
    dir: &'a Path,
    files: Arc<dyn FileProvider>,
    diagnostics: Vec<Diagnostic>,
    schema_file: Option<SchemaFile>,
    tenant: Option<&'a str>,
}

/// What Platform's ids and paths hold in place of the organization's tenant id.
pub const TENANT_PLACEHOLDER: &str = "{TENANT_ID}";

/// Settings that only a create request uses: with `connection = "<id>"` they do nothing.
const SOURCE_CREATE_KEYS: &[&str] = &[
    "name",
    "description",
    "connection_spec",
    "connection_spec_version",
    "base_connection",
    "format",
    "table",
    "path",
];
const TARGET_CREATE_KEYS: &[&str] =
    &["name", "description", "connection_spec", "connection_spec_version", "dataset", "format"];

impl Cx<'_> {
    fn text(&self, block: &Block, key: &str) -> Option<String> {
        block.setting(key).and_then(|s| s.value.kind.as_text()).map(str::to_owned)
    }

    /// A setting the body cannot do without; reported at the block's keyword when missing.
    fn required(&mut self, block: &Block, key: &str, message: &str, help: &str) -> Option<String> {
        let value = self.text(block, key);
        if value.is_none() {
            self.diagnostics.push(
                Diagnostic::new(Code::MissingSetting, block.keyword, message)
                    .with_label(format!("no `{key}`"))
                    .with_help(help),
            );
        }
        value
    }

    /// Warns about the settings a create request would use, when the connection exists.
    fn ignored(&mut self, block: &Block, keys: &[&str], what: &str) {
        for setting in block.settings().filter(|s| keys.contains(&s.key.value.as_str())) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::IgnoredSetting,
                    setting.span,
                    format!(
                        "`{}` is not used: the {what} connection exists (`connection`), so no request creates it",
                        setting.key.value
                    ),
                )
                .with_label("not sent")
                .with_help(format!(
                    "remove `{}`, or remove `connection` to create a new {what} connection",
                    setting.key.value
                )),
            );
        }
    }

    /// The source connection's id in the flow: the existing one, or the placeholder of a
    /// new one whose body goes to `nodes`.
    fn source_connection(
        &mut self,
        block: &Block,
        flow_name: Option<&str>,
        nodes: &mut [Option<Node>; 4],
        existing: &mut Vec<(Resource, String)>,
    ) -> Option<String> {
        if let Some(id) = self.text(block, "connection") {
            self.ignored(block, SOURCE_CREATE_KEYS, "source");
            existing.push((Resource::SourceConnection, id.clone()));
            return Some(id);
        }
        let spec = self.required(
            block,
            "connection_spec",
            "a new source connection needs `connection_spec`, the source's connection spec id",
            "add `connection_spec = \"...\"` (PayPal's is \"221c7626-58f6-4eec-8ee2-042b0226f03b\"), \
             or name an existing source connection with `connection = \"<id>\"`",
        );
        let base = self.required(
            block,
            "base_connection",
            "a new source connection needs `base_connection`, the id of its authenticated base connection",
            "add `base_connection = \"<id>\"` (the id `POST /connections` returned), \
             or name an existing source connection with `connection = \"<id>\"`",
        );
        let table = self.text(block, "table");
        let path = self.text(block, "path");
        let format = match self.text(block, "format") {
            Some(format) => Some(format),
            None if table.is_some() => Some("tabular".to_owned()),
            None if path.is_some() => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::MissingSetting,
                        block.keyword,
                        "a file-based source connection needs `format`",
                    )
                    .with_label("no `format`")
                    .with_help("say how the file at `path` is written: `format = delimited`, `json` or `parquet`"),
                );
                None
            }
            None => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::MissingSetting,
                        block.keyword,
                        "a new source connection needs `table` or `path`",
                    )
                    .with_label("no `table` or `path`")
                    .with_help(
                        "name the table of a table-based source (`table = \"PayPal.Catalog_Products\"`), \
                             or the file of a file-based one (`path = \"/folder/file.csv\"` with `format = delimited`)",
                    ),
                );
                None
            }
        };
        let format = format?;
        let tabular = format == "tabular";
        let mut params = Node::object();
        if tabular {
            let Some(table) = table else {
                self.diagnostics.push(
                    Diagnostic::new(Code::MissingSetting, block.keyword, "a tabular source connection needs `table`")
                        .with_label("no `table`")
                        .with_help("name the source's table: `table = \"PayPal.Catalog_Products\"`"),
                );
                return None;
            };
            params.set("tableName", Node::str(table));
            if let Some(setting) = block.setting("path") {
                self.ignored_for_format(setting.span, "path", &format);
            }
            if let Some(columns) = block.columns() {
                params.set("columns", self.columns(columns)?);
            }
        } else {
            let Some(path) = path else {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::MissingSetting,
                        block.keyword,
                        format!("a `{format}` source connection needs `path`"),
                    )
                    .with_label("no `path`")
                    .with_help("name the file or folder to read: `path = \"/acme/customers/2026.csv\"`"),
                );
                return None;
            };
            params.set("path", Node::str(path));
            if let Some(setting) = block.setting("table") {
                self.ignored_for_format(setting.span, "table", &format);
            }
        }
        let (spec, base) = (spec?, base?);
        let name = self.text(block, "name").unwrap_or_else(|| default_name(flow_name, "source connection"));
        let body = Node::object()
            .with("name", Node::str(name))
            .with_opt("description", self.text(block, "description").map(Node::str))
            .with("baseConnectionId", Node::str(base))
            .with("data", Node::object().with("format", Node::str(format)))
            .with("params", params)
            .with("connectionSpec", self.spec_ref(block, spec));
        nodes[Resource::SourceConnection as usize] = Some(body);
        Some(plan::SOURCE_CONNECTION_ID.to_owned())
    }

    fn ignored_for_format(&mut self, span: Span, key: &str, format: &str) {
        let (used, kind) = if format == "tabular" { ("table", "table-based") } else { ("path", "file-based") };
        self.diagnostics.push(
            Diagnostic::new(
                Code::IgnoredSetting,
                span,
                format!("`{key}` is not used: a {kind} (`{format}`) source reads `{used}`"),
            )
            .with_label("not sent")
            .with_help(format!("remove `{key}`, or change `format`")),
        );
    }

    fn spec_ref(&self, block: &Block, id: String) -> Node {
        let version = self.text(block, "connection_spec_version").unwrap_or_else(|| DEFAULT_SPEC_VERSION.to_owned());
        Node::object().with("id", Node::str(id)).with("version", Node::str(version))
    }

    fn target_connection(
        &mut self,
        block: &Block,
        flow_name: Option<&str>,
        nodes: &mut [Option<Node>; 4],
        existing: &mut Vec<(Resource, String)>,
    ) -> Option<String> {
        if let Some(id) = self.text(block, "connection") {
            self.ignored(block, TARGET_CREATE_KEYS, "target");
            existing.push((Resource::TargetConnection, id.clone()));
            return Some(id);
        }
        let dataset = self.required(
            block,
            "dataset",
            "a new target connection needs `dataset`, the id of the dataset the data lands in",
            "add `dataset = \"<dataset id>\"`, or name an existing target connection with `connection = \"<id>\"`",
        );
        let schema = self.schema_id(block);
        let (dataset, schema) = (dataset?, schema?);
        let name = self.text(block, "name").unwrap_or_else(|| default_name(flow_name, "target connection"));
        let spec = self.text(block, "connection_spec").unwrap_or_else(|| DATA_LAKE_CONNECTION_SPEC_ID.to_owned());
        let body = Node::object()
            .with("name", Node::str(name))
            .with_opt("description", self.text(block, "description").map(Node::str))
            .with(
                "data",
                Node::object()
                    .with(
                        "format",
                        Node::str(self.text(block, "format").unwrap_or_else(|| DEFAULT_TARGET_FORMAT.to_owned())),
                    )
                    .with(
                        "schema",
                        Node::object().with("id", Node::str(schema)).with("version", Node::str(schema_version(block))),
                    ),
            )
            .with("params", Node::object().with("dataSetId", Node::str(dataset)))
            .with("connectionSpec", self.spec_ref(block, spec));
        nodes[Resource::TargetConnection as usize] = Some(body);
        Some(plan::TARGET_CONNECTION_ID.to_owned())
    }

    /// The target schema file (`schema_file`), read once.
    fn schema_file(&mut self, target: &Block) -> Option<&SchemaFile> {
        if self.schema_file.is_none() {
            let path = self.text(target, "schema_file")?;
            let read = self
                .files
                .resolve(self.dir, &path)
                .and_then(|full| self.files.read_text(&full, MAX_FILE_BYTES))
                .map_err(|refusal| format!("`{path}` cannot be read: {refusal}"))
                .and_then(|text| {
                    serde_json::from_str::<SchemaHead>(&text).map_err(|e| format!("`{path}` is not valid JSON: {e}"))
                })
                .map(|head| (head.id, head.version.and_then(|v| v.as_str().map(str::to_owned))));
            self.schema_file = Some(read);
        }
        self.schema_file.as_ref()
    }

    /// The target schema's `$id`: `schema`, else the `$id` of `schema_file`.
    fn schema_id(&mut self, target: &Block) -> Option<String> {
        if let Some(setting) = target.setting("schema")
            && let Some(id) = setting.value.kind.as_text()
        {
            return Some(self.with_tenant(id, setting.value.span, "the target schema's id"));
        }
        let note = match self.schema_file(target) {
            Some(Ok((Some(id), _))) => {
                let id = id.clone();
                let at = target.setting("schema_file").map_or(target.keyword, |s| s.value.span);
                return Some(self.with_tenant(&id, at, "the `$id` of the target schema file"));
            }
            Some(Ok((None, _))) => Some("the `schema_file` has no `$id`".to_owned()),
            Some(Err(why)) => Some(why.clone()),
            None => None,
        };
        let mut d = Diagnostic::new(Code::MissingSetting, target.keyword, "the target schema's id is unknown: the requests need `schema`")
            .with_label("no `schema`")
            .with_help("add `schema = \"https://ns.adobe.com/{TENANT_ID}/schemas/...\"` (the schema's `$id`), or a `schema_file` that has its `$id`");
        if let Some(note) = note {
            d = d.with_note(note);
        }
        self.diagnostics.push(d);
        None
    }

    fn xdm_version(&mut self, target: &Block) -> String {
        match self.schema_file(target) {
            Some(Ok((_, Some(version)))) => version.clone(),
            _ => DEFAULT_XDM_VERSION.to_owned(),
        }
    }

    fn mapping_set(&mut self, mapping: &Block, target: Option<&Block>, dialect: Dialect) -> Option<Node> {
        let Some(target) = target else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::MissingSetting,
                    mapping.keyword,
                    "the mapping set needs the target schema's id, and there is no `target` block",
                )
                .with_label("no target schema")
                .with_help(
                    "add `target { schema = \"https://ns.adobe.com/{TENANT_ID}/schemas/...\" }` (or `schema_file`)",
                ),
            );
            return None;
        };
        let schema = self.schema_id(target)?;
        let entries = mapping.entries();
        Some(match dialect {
            Dialect::Current => Node::object()
                .with(
                    "outputSchema",
                    Node::object().with(
                        "schemaRef",
                        Node::object()
                            .with("id", Node::str(schema))
                            .with("contentType", Node::str(schema_version(target))),
                    ),
                )
                .with("mappings", Node::Array(entries.map(|e| self.current_entry(e)).collect())),
            Dialect::Legacy => {
                let xdm_version = self.xdm_version(target);
                Node::object()
                    .with("version", Node::Number(0.into()))
                    .with("xdmSchema", Node::str(schema))
                    .with("xdmVersion", Node::str(xdm_version))
                    .with("id", Node::Null)
                    .with("mappings", Node::Array(entries.map(|e| self.legacy_entry(e)).collect()))
            }
        })
    }

    /// `text` as sent: `{TENANT_ID}` replaced by the tenant, or reported (F504) at `span` when
    /// the tenant is unknown.
    fn with_tenant(&mut self, text: &str, span: Span, what: &str) -> String {
        if !text.contains(TENANT_PLACEHOLDER) {
            return text.to_owned();
        }
        if let Some(tenant) = self.tenant {
            return text.replace(TENANT_PLACEHOLDER, tenant);
        }
        self.diagnostics.push(
            Diagnostic::new(
                Code::TenantPlaceholder,
                span,
                format!(
                    "{what} holds `{TENANT_PLACEHOLDER}`, and the tenant is unknown: the placeholder would be sent"
                ),
            )
            .with_label("`{TENANT_ID}` here")
            .with_help(
                "set your organization's tenant id in flowc.toml (beside this file or above it): `tenant = \"acme\"`",
            )
            .with_note("`flowc build` refuses to write a body that holds the placeholder"),
        );
        text.to_owned()
    }

    /// A mapping's destination as sent.
    fn destination(&mut self, entry: &Entry) -> String {
        // Each segment as written (`${…}` and `\.` kept), without the blanks the parser
        // allows between them: `a. b` is sent as `a.b`.
        let mut written = String::new();
        for (i, segment) in entry.destination.segments.iter().enumerate() {
            if i > 0 && matches!(segment.kind, flowc_syntax::ast::SegmentKind::Field { .. }) {
                written.push('.');
            }
            written.push_str(self.slice(segment.span));
        }
        self.with_tenant(&written, entry.destination.span, &format!("the destination `{written}`"))
    }

    fn slice(&self, span: Span) -> &str {
        &self.src[span.start..span.end]
    }

    fn current_entry(&mut self, entry: &Entry) -> Node {
        let (kind, source) = match source_kind(entry) {
            Kind::Static(value) => ("STATIC", value),
            Kind::Attribute => ("ATTRIBUTE", self.slice(entry.expr.span).to_owned()),
            Kind::Expression => ("EXPRESSION", self.slice(entry.expr.span).to_owned()),
        };
        Node::object()
            .with("sourceType", Node::str(kind))
            .with("source", Node::str(source))
            .with("destination", Node::str(self.destination(entry)))
            .with_opt("name", attribute_text(entry, "name").map(Node::str))
            .with_opt("description", attribute_text(entry, "description").map(Node::str))
    }

    fn legacy_entry(&mut self, entry: &Entry) -> Node {
        let identity = entry.attribute("identity");
        let arg = |key: &str| {
            identity
                .and_then(|a| a.arg(key))
                .and_then(|a| a.value.as_ref())
                .and_then(|v| v.kind.as_text())
                .map_or(Node::Null, Node::str)
        };
        let mut node = Node::object()
            .with("destinationXdmPath", Node::str(self.destination(entry)))
            .with("sourceAttribute", Node::str(self.slice(entry.expr.span)))
            .with("identity", Node::Bool(identity.is_some()))
            .with("identityGroup", arg("group"))
            .with("namespaceCode", arg("namespace"))
            .with("version", Node::Number(0.into()));
        if let Some(identity) = identity {
            let primary = identity.arg("primary").is_some_and(|a| match &a.value {
                None => true,
                Some(v) => matches!(v.kind, ValueKind::Bool(true)),
            });
            node.set("primaryIdentity", Node::Bool(primary));
        }
        if !matches!(source_kind(entry), Kind::Attribute) {
            // The legacy form reads `sourceAttribute` as a source path unless told it is an
            // expression (a constant is an expression: `"PayPal"` as written).
            node.set("sourceType", Node::str("text/x.aep-xl"));
        }
        node
    }

    /// `Copy` with the delta column, or `None` (reported) without `column`.
    fn copy_transformation(&mut self, delta: &Block) -> Option<Node> {
        let column = self.required(
            delta,
            "column",
            "the delta block needs `column`, the source column that tells new rows",
            "add `column = Update_Time` (a date-time column of the source)",
        )?;
        let delta_column = Node::object()
            .with("name", Node::str(column))
            .with_opt("dateFormat", self.text(delta, "date_format").map(Node::str))
            .with_opt("timezone", self.text(delta, "timezone").map(Node::str));
        Some(
            Node::object()
                .with("name", Node::str("Copy"))
                .with("params", Node::object().with("deltaColumn", delta_column)),
        )
    }

    /// `params.columns`: inline declarations, or the columns of a JSON file.
    fn columns(&mut self, columns: &Columns) -> Option<Node> {
        match columns {
            Columns::Inline { columns, .. } => Some(Node::Array(columns.iter().map(column_node).collect())),
            Columns::From { path, .. } => match self.files.resolve(self.dir, &path.value) {
                Err(refusal) if refusal.code().is_some() => {
                    self.diagnostics.extend(refusal.diagnostic(path.span, &path.value));
                    None
                }
                found => match found
                    .map_err(|r| format!("cannot read `{}`: {r}", self.dir.join(&path.value).display()))
                    .and_then(|full| columns_from_file(self.files.as_ref(), &full))
                {
                    Ok(columns) => Some(columns),
                    Err(why) => {
                        self.diagnostics.push(
                        Diagnostic::new(Code::SourceColumnsUnavailable, path.span, format!("the source columns cannot be loaded: {why}"))
                            .with_severity(Severity::Error)
                            .with_label("this file")
                            .with_help("give a JSON file holding a sourceConnection body (`params.columns`) or an explore response (`schema.columns`)"),
                    );
                        None
                    }
                },
            },
        }
    }
}

fn default_name(flow_name: Option<&str>, what: &str) -> String {
    match flow_name {
        Some(flow) => format!("{flow} {what}"),
        None => what.to_owned(),
    }
}

fn schema_version(target: &Block) -> String {
    target.setting("schema_version").and_then(|s| s.value.kind.as_text()).unwrap_or(DEFAULT_SCHEMA_VERSION).to_owned()
}

fn attribute_text(entry: &Entry, name: &str) -> Option<String> {
    let attribute = entry.attribute(name)?;
    attribute.args.first()?.value.as_ref()?.kind.as_text().map(str::to_owned)
}

/// What a mapping entry's right side is, for `sourceType`.
pub(crate) enum Kind {
    /// A bare source path.
    Attribute,
    /// A constant string, number or boolean, with the value Data Prep receives.
    Static(String),
    Expression,
}

pub(crate) fn source_kind(entry: &Entry) -> Kind {
    match &entry.expr.kind {
        ExprKind::Path(_) => Kind::Attribute,
        ExprKind::String(s) => Kind::Static(s.clone()),
        ExprKind::Number(n) => Kind::Static(n.clone()),
        ExprKind::Bool(b) => Kind::Static(b.to_string()),
        ExprKind::Unary { op, operand } => match (&op.value, &operand.kind) {
            (UnaryOp::Neg, ExprKind::Number(n)) => Kind::Static(format!("-{n}")),
            (UnaryOp::Plus, ExprKind::Number(n)) => Kind::Static(n.clone()),
            _ => Kind::Expression,
        },
        _ => Kind::Expression,
    }
}

/// The JSON Schema fragment of one value of a column (an array's element), and the
/// `meta:xdmType` that tells an XDM type JSON Schema cannot (`date-time`, `long`, `map`).
fn value_fragment(column: &Column) -> (Node, Option<&'static str>) {
    let declared = column
        .xdm_type
        .as_ref()
        .map(|x| x.value.as_str())
        .or_else(|| flowc_check::source::default_xdm_type(&column.source_type.value));
    let typed = |t: &str| Node::object().with("type", Node::str(t));
    let (mut node, meta) = match declared {
        _ if !column.children.is_empty() => (typed("object"), None),
        Some("string") => (typed("string"), None),
        Some("number" | "double") => (typed("number"), None),
        Some("integer") => (typed("integer"), None),
        Some("long") => (typed("integer"), Some("long")),
        Some("int") => (typed("integer"), Some("int")),
        Some("short") => (typed("integer"), Some("short")),
        Some("byte") => (typed("integer"), Some("byte")),
        Some("boolean") => (typed("boolean"), None),
        Some("date") => (typed("string").with("format", Node::str("date")), Some("date")),
        Some("date-time") => (typed("string").with("format", Node::str("date-time")), Some("date-time")),
        Some("object") => (typed("object"), None),
        Some("map") => (typed("object"), Some("map")),
        Some("array") => (typed("array"), None),
        _ => (Node::object(), None),
    };
    if !column.children.is_empty() {
        let properties = column.children.iter().map(|c| (c.name.value.clone(), nested_fragment(c))).collect();
        node.set("properties", Node::Object(properties));
    }
    (node, meta)
}

/// A column's whole fragment with its `meta:xdmType` inside (as XDM writes nested fields).
fn nested_fragment(column: &Column) -> Node {
    let (node, meta) = value_fragment(column);
    let node = node.with_opt("meta:xdmType", meta.map(Node::str));
    if column.is_array { Node::object().with("type", Node::str("array")).with("items", node) } else { node }
}

/// One `params.columns` entry: `{name, type, meta:xdmType?, xdm}`. A nested column is one
/// entry whose `xdm` describes its fields (`properties`) and elements (`items`).
fn column_node(column: &Column) -> Node {
    let node = Node::object().with("name", Node::str(column.name.value.clone()));
    if column.is_array {
        return node.with("type", Node::str("array")).with("xdm", nested_fragment(column));
    }
    let (xdm, meta) = value_fragment(column);
    let known = !matches!(&xdm, Node::Object(entries) if entries.is_empty());
    node.with("type", Node::str(column.source_type.value.clone()))
        .with_opt("meta:xdmType", meta.map(Node::str))
        .with_opt("xdm", known.then_some(xdm))
}

/// The columns of a JSON file: a sourceConnection body (`params.columns`), an explore
/// response (`schema.columns`, or a hierarchical `schema.properties`), `columns`, or a bare
/// array; copied as the file has them. `path` is read from `files`.
pub fn columns_from_file(files: &dyn FileProvider, path: &Path) -> Result<Node, String> {
    let text = files
        .read_text(path, MAX_FILE_BYTES)
        .map_err(|refusal| format!("cannot read `{}`: {refusal}", path.display()))?;
    let value: Node = serde_json::from_str(&text).map_err(|e| format!("`{}`: not valid JSON: {e}", path.display()))?;
    let columns = value
        .get("params")
        .and_then(|p| p.get("columns"))
        .or_else(|| value.get("schema").and_then(|s| s.get("columns")))
        .or_else(|| value.get("columns"))
        .or_else(|| matches!(value, Node::Array(_)).then_some(&value));
    if let Some(columns @ Node::Array(_)) = columns {
        return Ok(columns.clone());
    }
    if let Some(Node::Object(properties)) = value.get("schema").and_then(|s| s.get("properties")) {
        let columns = properties
            .iter()
            .map(|(name, schema)| {
                let kind = schema.get("type").cloned().unwrap_or(Node::str("object"));
                Node::object().with("name", Node::str(name.clone())).with("type", kind).with("xdm", schema.clone())
            })
            .collect();
        return Ok(Node::Array(columns));
    }
    Err(format!(
        "`{}`: found no `params.columns` (a sourceConnection body), `schema.columns` or `schema.properties` (an explore response)",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(src: &str) -> Compiled {
        let parsed = flowc_syntax::parse(src);
        assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
        compile(&parsed.file, src, Path::new("."), &CompileOptions::default()).expect("compiles")
    }

    #[test]
    fn source_types_follow_the_right_side() {
        let src = "target {\n  schema = \"s\"\n}\n\nmapping {\n  a = x.y[*].z\n  b = \"K\"\n  c = -2.5\n  d = true\n  e = lower(x)\n  f = null\n  g = ${First Name}\n}\n";
        let c = compiled(src);
        let kinds: Vec<(String, String)> = c.mapping_set().unwrap()["mappings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["sourceType"].as_str().unwrap().to_owned(), m["source"].as_str().unwrap().to_owned()))
            .collect();
        let expected = [
            ("ATTRIBUTE", "x.y[*].z"),
            ("STATIC", "K"),
            ("STATIC", "-2.5"),
            ("STATIC", "true"),
            ("EXPRESSION", "lower(x)"),
            ("EXPRESSION", "null"),
            ("ATTRIBUTE", "${First Name}"),
        ];
        assert_eq!(kinds, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
    }

    #[test]
    fn nested_columns_become_one_column_with_a_json_schema() {
        let src = "source {\n  columns {\n    address: object {\n      street: string\n      since: string as date\n    }\n    tags: string[]\n    n: short\n  }\n}\n";
        let parsed = flowc_syntax::parse(src);
        let columns = parsed.file.blocks[0].columns().unwrap();
        let Columns::Inline { columns, .. } = columns else { panic!() };
        let nodes: Vec<Value> = columns.iter().map(|c| column_node(c).to_value()).collect();
        assert_eq!(
            nodes[0],
            serde_json::json!({"name": "address", "type": "object", "xdm": {"type": "object", "properties": {
                "street": {"type": "string"},
                "since": {"type": "string", "format": "date", "meta:xdmType": "date"}}}})
        );
        assert_eq!(
            nodes[1],
            serde_json::json!({"name": "tags", "type": "array", "xdm": {"type": "array", "items": {"type": "string"}}})
        );
        assert_eq!(
            nodes[2],
            serde_json::json!({"name": "n", "type": "short", "meta:xdmType": "short", "xdm": {"type": "integer"}})
        );
    }
}
