//! One dataflow's request bodies read from JSON files, with positions: every diagnostic on
//! a body is at the line and column of the offending key or value.
//!
//! [`read`] parses the files (a syntax error is a diagnostic; the other files are still
//! read), recognizes each body by its shape, checks what only the JSON shows (member
//! types, types the platform tolerates but the flow spec's schemas do not, a flow without
//! a Mapping transformation, the mapping set's schema against the target connection's),
//! and collects the bodies into an [`Imported`]. Everything else is checked on the flowc
//! text that [`crate::import`] writes from them; [`Dataflow::locate`] maps that text's
//! spans back into the JSON files.

use crate::flowspec::{FlowSpec, FlowSpecCatalog};
use crate::import::{BodyKind, BodyOrigin, Import, Imported, Located, recognize};
use crate::ordered::Node;
use crate::schemas::ValidationErrorKind;
use crate::validate::{self, SchemaRef};
use flowc_diag::json::{Json, JsonKind, string_offset};
use flowc_diag::{Code, Diagnostic, LineIndex, Span};
use serde_json::Value;

/// A JSON file of a dataflow.
#[derive(Clone, Debug)]
pub struct BodyFile {
    /// As diagnostics name it.
    pub name: String,
    pub bytes: Vec<u8>,
    /// Named by the user (not found by walking a folder): a file that is no body is
    /// reported rather than passed over.
    pub explicit: bool,
}

/// The bodies of one dataflow and what reading them found.
pub struct Dataflow {
    /// The files as given, their bytes moved into [`Dataflow::texts`].
    pub files: Vec<BodyFile>,
    /// Each file's text (lossy when it is not UTF-8) and parsed JSON, when it parses.
    pub texts: Vec<String>,
    pub docs: Vec<Option<Json>>,
    pub imported: Imported,
    /// By file index.
    pub diagnostics: Vec<Vec<Diagnostic>>,
    /// The flow specs of the dataflow's own `GET /flowSpecs` files, with the catalog's.
    pub catalog: FlowSpecCatalog,
    /// Which files hold a recognized body.
    pub has_body: Vec<bool>,
}

impl Dataflow {
    /// Whether no file holds a body (a folder of other JSON files is no dataflow).
    pub fn is_empty(&self) -> bool {
        !self.has_body.iter().any(|b| *b)
    }

    /// Whether there is a body to import and check (flow specs alone are not a dataflow).
    pub fn has_dataflow(&self) -> bool {
        !self.imported.origins.is_empty()
    }

    /// Where a span of an [`Import`]'s raw text came from: a file and a span in it.
    pub fn locate(&self, located: &Located) -> Option<(usize, Span)> {
        let origin = self.imported.origin(located.body)?;
        let doc = self.docs.get(origin.file)?.as_ref()?;
        let text = &self.texts[origin.file];
        let full = format!("{}{}", origin.pointer, located.pointer);
        if located.pointer.is_empty() {
            let body = doc.pointer(&origin.pointer)?;
            return Some((origin.file, Span::new(body.span.start, body.span.start + 1)));
        }
        if located.key {
            return Some((origin.file, self.nearest(doc, &full, true)?));
        }
        let span = match (doc.pointer(&full), located.inner) {
            (Some(value), Some((start, end))) if matches!(value.kind, JsonKind::String(_)) => {
                let from = string_offset(text, value.span, start);
                let to = string_offset(text, value.span, end).max(from);
                Span::new(from, to)
            }
            (Some(value), _) => value.span,
            (None, _) => self.nearest(doc, &full, true)?,
        };
        Some((origin.file, span))
    }

    /// The key of the member at `pointer`, or of its nearest ancestor that exists.
    fn nearest(&self, doc: &Json, pointer: &str, key: bool) -> Option<Span> {
        let mut at = pointer.to_owned();
        loop {
            if doc.pointer(&at).is_some() {
                return if key { doc.key_span(&at) } else { doc.pointer(&at).map(|v| v.span) };
            }
            let (parent, _) = at.rsplit_once('/')?;
            at = parent.to_owned();
            if at.is_empty() {
                return Some(Span::new(doc.span.start, doc.span.start + 1));
            }
        }
    }

    /// `name:line:column` of a span of a file, for notes that point into another file.
    pub fn position(&self, file: usize, span: Span) -> String {
        let at = LineIndex::new(&self.texts[file]).line_col(span.start);
        format!("{}:{}:{}", self.files[file].name, at.line, at.column)
    }

    /// Diagnostics of the import itself ([`Import::warnings`]), at their places.
    /// What the JSON already reported as a wrong type is not reported again.
    pub fn import_diagnostics(&self, import: &Import) -> Vec<(usize, Diagnostic)> {
        import
            .warnings
            .iter()
            .filter_map(|w| {
                let value = Located { body: w.body, pointer: w.pointer.clone(), key: false, inner: None };
                let (file, whole) = self.locate(&value)?;
                let said = self.diagnostics[file]
                    .iter()
                    .any(|d| d.code == Code::WrongJsonType && whole.start <= d.primary_span().start && d.primary_span().end <= whole.end);
                if said {
                    return None;
                }
                if w.code == Code::NotWritable {
                    let d = Diagnostic::new(w.code, whole, w.message.clone())
                        .with_label(w.label)
                        .with_help("write the Data Prep expression or path the mapping means; a column whose name has spaces or dots is `${Column Name}`");
                    return Some((file, d));
                }
                let key = Located { key: !w.pointer.is_empty(), ..value };
                let (file, span) = self.locate(&key)?;
                Some((file, Diagnostic::new(w.code, span, w.message.clone()).with_label(w.label)))
            })
            .collect()
    }
}

/// Reads one dataflow's files. `catalog` names the flow specs flows are checked against.
pub fn read(files: Vec<BodyFile>, catalog: &FlowSpecCatalog) -> Dataflow {
    let mut df = Dataflow {
        texts: Vec::with_capacity(files.len()),
        docs: Vec::with_capacity(files.len()),
        imported: Imported::default(),
        diagnostics: vec![Vec::new(); files.len()],
        catalog: catalog.clone(),
        has_body: vec![false; files.len()],
        files,
    };
    for (i, file) in df.files.iter_mut().enumerate() {
        // The text is kept (for reports); the bytes are not needed twice.
        let (text, doc) = parse_file(std::mem::take(&mut file.bytes), &mut df.diagnostics[i]);
        df.texts.push(text);
        df.docs.push(doc);
    }
    // Flow specs first: the flows of this dataflow may name them.
    for i in 0..df.files.len() {
        let Some(doc) = &df.docs[i] else { continue };
        if recognize(doc) == Some(BodyKind::FlowSpec) {
            df.has_body[i] = true;
            match FlowSpec::parse(&df.texts[i], &df.files[i].name) {
                Ok(specs) => specs.into_iter().for_each(|s| df.catalog.add(s)),
                Err(problems) => df.diagnostics[i].extend(problems),
            }
        }
    }
    for i in 0..df.files.len() {
        let Some(doc) = df.docs[i].take() else { continue };
        match recognize(&doc) {
            Some(BodyKind::FlowSpec) => {}
            Some(BodyKind::Bundle) => {
                df.has_body[i] = true;
                if doc.members().iter().all(|m| m.value.is_null() || m.key == "plan") {
                    df.diagnostics[i].push(
                        Diagnostic::new(Code::UnknownBody, Span::new(doc.span.start, doc.span.start + 1), "this bundle holds no body")
                            .with_label("every member is null")
                            .with_help("a bundle holds `sourceConnection`, `targetConnection`, `mappingSet` and `flow` bodies as the API takes them"),
                    );
                }
                for member in doc.members() {
                    if member.value.is_null() || member.key == "plan" {
                        continue;
                    }
                    let pointer = format!("/{}", member.key);
                    match recognize(&member.value) {
                        Some(kind) if kind != BodyKind::Bundle && kind != BodyKind::FlowSpec => {
                            add_body(&mut df, i, &member.value, kind, pointer);
                        }
                        _ => df.diagnostics[i].push(
                            Diagnostic::new(Code::UnknownBody, member.key_span, format!("the bundle's `{}` is none of the bodies flowc knows", member.key))
                                .with_label("not a request body")
                                .with_help("a bundle holds `sourceConnection`, `targetConnection`, `mappingSet` and `flow` bodies as the API takes them"),
                        ),
                    }
                }
            }
            Some(kind) => {
                df.has_body[i] = true;
                add_body(&mut df, i, &doc, kind, String::new());
            }
            // An XDM schema (the target schema beside the bodies) is no body, and no mistake.
            None if is_xdm_schema(&doc) => {}
            None if df.files[i].explicit || near_body(&doc).is_some() => {
                let start = Span::new(doc.span.start, doc.span.start + 1);
                let (span, message, help) = match near_body(&doc) {
                    Some((kind, key, needs)) => (
                        doc.member(key).map_or(start, |m| m.key_span),
                        format!("this JSON looks like a {kind} (it has `{key}`), but is not one"),
                        format!("a {kind} {needs}"),
                    ),
                    None => (
                        start,
                        "this JSON is none of the request bodies flowc knows".to_owned(),
                        "give a source connection, target connection, mapping set or flow body as the API takes it, a bundle of them, or a `GET /flowSpecs` response".to_owned(),
                    ),
                };
                df.diagnostics[i].push(
                    Diagnostic::new(Code::UnknownBody, span, message).with_label("not a request body").with_help(help),
                );
            }
            None => {}
        }
        df.docs[i] = Some(doc);
    }
    cross_checks(&mut df);
    df
}

/// The largest JSON request body read. A mapping set of 50,000 entries is about 6 MiB.
pub const MAX_BODY_BYTES: usize = 64 << 20;

fn parse_file(bytes: Vec<u8>, out: &mut Vec<Diagnostic>) -> (String, Option<Json>) {
    if bytes.len() > MAX_BODY_BYTES {
        out.push(
            Diagnostic::new(
                Code::FileTooLarge,
                Span::empty(0),
                format!(
                    "the file is {} bytes; flowc reads JSON request bodies of at most {MAX_BODY_BYTES} bytes",
                    bytes.len()
                ),
            )
            .with_help("check that this is a request body and not a data export; split a very large mapping set"),
        );
        return (String::new(), None);
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            out.push(
                Diagnostic::new(
                    Code::InvalidBodyJson,
                    // In the lossy text shown, the bad bytes became one U+FFFD.
                    Span::new(at, at + char::REPLACEMENT_CHARACTER.len_utf8()),
                    "the file is not UTF-8, so it is not JSON",
                )
                .with_label("not UTF-8")
                .with_help("save the file as UTF-8"),
            );
            return (String::from_utf8_lossy(&bytes).into_owned(), None);
        }
    };
    match flowc_diag::json::parse(&text) {
        Ok(doc) => (text, Some(doc)),
        Err(e) => {
            out.push(
                Diagnostic::new(Code::InvalidBodyJson, e.span, format!("the file is not valid JSON: {}", e.message))
                    .with_label(e.message)
                    .with_help("fix the JSON syntax; this file's bodies are not checked until it parses"),
            );
            (text, None)
        }
    }
}

/// Whether a JSON file is an XDM schema (`$id` and fields), not a body.
fn is_xdm_schema(doc: &Json) -> bool {
    doc.get("$id").is_some()
        && ["properties", "allOf", "meta:class", "definitions"].iter().any(|k| doc.get(k).is_some())
}

/// The body a JSON file seems meant to be, and what it lacks to be one: a file with a
/// body's distinctive members is reported, never passed over.
fn near_body(doc: &Json) -> Option<(&'static str, &'static str, &'static str)> {
    const NEAR: &[(&str, &str, &str)] = &[
        (
            "mapping set",
            "mappings",
            "has `mappings`, an array of objects, and `outputSchema.schemaRef` (or the legacy `xdmSchema`)",
        ),
        ("mapping set", "outputSchema", "has `mappings`, an array of objects, and `outputSchema.schemaRef`"),
        ("mapping set", "xdmSchema", "in the legacy dialect has `xdmSchema` and `mappings`, an array of objects"),
        ("flow", "flowSpec", "has `flowSpec` and `transformations`, `scheduleParams` or `sourceConnectionIds`"),
        ("target connection", "data", "has `data.schema` and `params.dataSetId`"),
        (
            "source connection",
            "baseConnectionId",
            "has `baseConnectionId` or `connectionSpec`, and `params` with `tableName`, `path` or `columns`",
        ),
    ];
    NEAR.iter()
        .find(|(kind, key, _)| {
            let present = doc.get(key).is_some_and(|v| !v.is_null());
            present && (*kind != "target connection" || doc.pointer("/data/schema").is_some())
        })
        .copied()
}

/// Distinctive members of request bodies, looked for in the text of a file that does not
/// parse: such a file is reported even where no other body is.
const BODY_MARKERS: &[&str] = &[
    "\"mappings\"",
    "\"flowSpec\"",
    "\"baseConnectionId\"",
    "\"outputSchema\"",
    "\"xdmSchema\"",
    "\"dataSetId\"",
    "\"connectionSpec\"",
];

/// Whether a file that does not parse looks like a body.
pub fn looks_like_a_body(text: &str) -> bool {
    BODY_MARKERS.iter().any(|m| text.contains(m))
}

/// Checks a body's member types and adds it to the dataflow.
fn add_body(df: &mut Dataflow, file: usize, body: &Json, kind: BodyKind, pointer: String) {
    let diagnostics = &mut df.diagnostics[file];
    shape(body, kind, diagnostics);
    if let Err(why) = df.imported.add_at(Node::from_json(body), BodyOrigin { file, pointer: pointer.clone() }) {
        let first = df.imported.origin(kind).map(|o| df.files[o.file].name.clone()).unwrap_or_default();
        diagnostics.push(
            Diagnostic::new(Code::DuplicateBody, Span::new(body.span.start, body.span.start + 1), why)
                .with_label(format!("another {}", kind.name()))
                .with_note(format!("the first one is in {first}"))
                .with_help("one dataflow (a folder, or a bundle file) has one body of each kind: move this one to a folder of its own"),
        );
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    Bool,
    Arr,
    Obj,
}

impl Ty {
    fn fits(self, kind: &JsonKind) -> bool {
        matches!(
            (self, kind),
            (_, JsonKind::Null)
                | (Ty::Str, JsonKind::String(_))
                | (Ty::Bool, JsonKind::Bool(_))
                | (Ty::Arr, JsonKind::Array(_))
                | (Ty::Obj, JsonKind::Object(_))
        )
    }

    fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Bool => "a boolean",
            Ty::Arr => "an array",
            Ty::Obj => "an object",
        }
    }
}

use Ty::*;

/// The members flowc reads from each body and their JSON types (SPEC §2; the OpenAPI
/// request schemas). `*` is every element of an array.
const SHAPES: &[(BodyKind, &[(&str, Ty)])] = &[
    (
        BodyKind::SourceConnection,
        &[
            ("/name", Str),
            ("/description", Str),
            ("/baseConnectionId", Str),
            ("/connectionSpec", Obj),
            ("/connectionSpec/id", Str),
            ("/connectionSpec/version", Str),
            ("/data", Obj),
            ("/data/format", Str),
            ("/params", Obj),
            ("/params/tableName", Str),
            ("/params/path", Str),
            ("/params/columns", Arr),
            ("/params/columns/*", Obj),
            ("/params/columns/*/name", Str),
            ("/params/columns/*/type", Str),
        ],
    ),
    (
        BodyKind::TargetConnection,
        &[
            ("/name", Str),
            ("/description", Str),
            ("/connectionSpec", Obj),
            ("/connectionSpec/id", Str),
            ("/connectionSpec/version", Str),
            ("/data", Obj),
            ("/data/format", Str),
            ("/data/schema", Obj),
            ("/data/schema/id", Str),
            ("/data/schema/version", Str),
            ("/params", Obj),
            ("/params/dataSetId", Str),
        ],
    ),
    (
        BodyKind::MappingSet,
        &[
            ("/outputSchema", Obj),
            ("/outputSchema/schemaRef", Obj),
            ("/outputSchema/schemaRef/id", Str),
            ("/outputSchema/schemaRef/contentType", Str),
            ("/mappings", Arr),
            ("/mappings/*", Obj),
            ("/mappings/*/sourceType", Str),
            ("/mappings/*/source", Str),
            ("/mappings/*/destination", Str),
            ("/mappings/*/name", Str),
            ("/mappings/*/description", Str),
        ],
    ),
    (
        BodyKind::LegacyMappingSet,
        &[
            ("/xdmSchema", Str),
            ("/xdmVersion", Str),
            ("/mappings", Arr),
            ("/mappings/*", Obj),
            ("/mappings/*/sourceType", Str),
            ("/mappings/*/sourceAttribute", Str),
            ("/mappings/*/destinationXdmPath", Str),
            ("/mappings/*/identity", Bool),
            ("/mappings/*/primaryIdentity", Bool),
            ("/mappings/*/identityGroup", Str),
            ("/mappings/*/namespaceCode", Str),
        ],
    ),
    (
        BodyKind::Flow,
        &[
            ("/name", Str),
            ("/description", Str),
            ("/flowSpec", Obj),
            ("/flowSpec/id", Str),
            ("/flowSpec/version", Str),
            ("/sourceConnectionIds", Arr),
            ("/sourceConnectionIds/*", Str),
            ("/targetConnectionIds", Arr),
            ("/targetConnectionIds/*", Str),
            ("/transformations", Arr),
            ("/transformations/*", Obj),
            ("/transformations/*/name", Str),
            ("/transformations/*/params", Obj),
            ("/scheduleParams", Obj),
            ("/options", Obj),
        ],
    ),
];

/// Reports members of the wrong JSON type, and mappings without a source or destination.
fn shape(body: &Json, kind: BodyKind, out: &mut Vec<Diagnostic>) {
    let Some((_, members)) = SHAPES.iter().find(|(k, _)| *k == kind) else { return };
    for (pattern, ty) in members.iter() {
        let segments: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
        let mut found = Vec::new();
        collect(body, &segments, String::new(), &mut found);
        for (pointer, value) in found {
            if !ty.fits(&value.kind) {
                let shown = pointer.trim_start_matches('/').replace('/', ".");
                out.push(
                    Diagnostic::new(
                        Code::WrongJsonType,
                        value.span,
                        format!("`{shown}` is {}, not {}", value.describe(), ty.name()),
                    )
                    .with_label(format!("{} expected", ty.name()))
                    .with_help(format!("the API takes `{shown}` as {}", ty.name())),
                );
            }
        }
    }
    // A mapping needs a string source and destination.
    let (destination, source) = if kind == BodyKind::LegacyMappingSet {
        ("destinationXdmPath", "sourceAttribute")
    } else {
        ("destination", "source")
    };
    if matches!(kind, BodyKind::MappingSet | BodyKind::LegacyMappingSet) {
        for entry in body.get("mappings").map(Json::items).unwrap_or_default() {
            if !matches!(entry.kind, JsonKind::Object(_)) {
                continue;
            }
            for key in [destination, source] {
                if entry.get(key).is_none_or(Json::is_null) {
                    out.push(
                        Diagnostic::new(
                            Code::WrongJsonType,
                            Span::new(entry.span.start, entry.span.start + 1),
                            format!("this mapping has no `{key}`"),
                        )
                        .with_label(format!("no `{key}`"))
                        .with_help(format!("every mapping has a `{destination}` and a `{source}`")),
                    );
                }
            }
        }
    }
}

fn collect<'j>(value: &'j Json, segments: &[&str], pointer: String, out: &mut Vec<(String, &'j Json)>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push((pointer, value));
        return;
    };
    if *first == "*" {
        for (i, item) in value.items().iter().enumerate() {
            collect(item, rest, format!("{pointer}/{i}"), out);
        }
    } else if let Some(child) = value.get(first) {
        collect(child, rest, format!("{pointer}/{first}"), out);
    }
}

/// What only the JSON shows, across the bodies: checked with the flow spec's schemas.
fn cross_checks(df: &mut Dataflow) {
    let mut found: Vec<(usize, Diagnostic)> = Vec::new();
    let mut coercions = Vec::new();
    if let Some((file, flow)) = body(df, BodyKind::Flow) {
        let id = flow.pointer("/flowSpec/id").and_then(Json::as_str).unwrap_or_default();
        let version = flow.pointer("/flowSpec/version").and_then(Json::as_str).unwrap_or("1.0");
        let spec = df.catalog.find_version(id, version).or_else(|| df.catalog.find(id));
        if let Some(spec) = spec {
            for (key, schema) in [("scheduleParams", spec.schedule_schema()), ("options", spec.options_schema())] {
                if let (Some(params), Some(schema)) = (flow.get(key), schema) {
                    let what = format!("`{key}`");
                    tolerated(
                        spec,
                        schema.pointer,
                        params,
                        &format!("/{key}"),
                        &what,
                        true,
                        file,
                        &mut found,
                        &mut coercions,
                    );
                }
            }
            for (i, t) in flow.get("transformations").map(Json::items).unwrap_or_default().iter().enumerate() {
                let (Some(name), Some(params)) = (t.get("name").and_then(Json::as_str), t.get("params")) else {
                    continue;
                };
                if let Some((pointer, _)) = spec.transformation_schema(name) {
                    let what = format!("the {name} transformation's params");
                    tolerated(
                        spec,
                        &pointer,
                        params,
                        &format!("/transformations/{i}/params"),
                        &what,
                        false,
                        file,
                        &mut found,
                        &mut coercions,
                    );
                }
            }
        }
        let transformations = flow.get("transformations");
        let has_mapping = transformations
            .map(Json::items)
            .unwrap_or_default()
            .iter()
            .any(|t| t.get("name").and_then(Json::as_str) == Some("Mapping"));
        if !has_mapping {
            let span = df.docs[file]
                .as_ref()
                .and_then(|d| {
                    d.key_span(&format!(
                        "{}/transformations",
                        df.imported.origin(BodyKind::Flow).map(|o| o.pointer.as_str()).unwrap_or_default()
                    ))
                })
                .unwrap_or(Span::new(flow.span.start, flow.span.start + 1));
            found.push((
                file,
                Diagnostic::new(Code::NoMappingTransformation, span, "the flow has no Mapping transformation, so no mapping set applies to its data")
                    .with_label("no `Mapping` here")
                    .with_help("add `{\"name\": \"Mapping\", \"params\": {\"mappingId\": \"...\", \"mappingVersion\": \"0\"}}` to `transformations`")
                    .with_note("the platform rejects a flow to the data lake without one (error 1370)"),
            ));
        }
    }
    // The mapping set's schema is the target connection's (id and version).
    let mapping_ref = body(df, BodyKind::MappingSet)
        .and_then(|(file, m)| {
            let id = m.pointer("/outputSchema/schemaRef/id")?;
            let version = m.pointer("/outputSchema/schemaRef/contentType").and_then(Json::as_str);
            Some((file, id, version))
        })
        .or_else(|| body(df, BodyKind::LegacyMappingSet).and_then(|(file, m)| Some((file, m.get("xdmSchema")?, None))));
    let target_ref = body(df, BodyKind::TargetConnection).and_then(|(file, t)| {
        Some((file, t.pointer("/data/schema/id")?, t.pointer("/data/schema/version").and_then(Json::as_str)))
    });
    if let (Some((m_file, m_id, m_version)), Some((t_file, t_id, t_version))) = (mapping_ref, target_ref)
        && let (Some(mid), Some(tid)) = (m_id.as_str(), t_id.as_str())
    {
        // A side that does not say its version (the legacy dialect) is not compared on it.
        let (mv, tv) = match (m_version, t_version) {
            (Some(m), Some(t)) => (m, t),
            _ => ("", ""),
        };
        let mapping = SchemaRef { id: mid, version: mv, span: m_id.span };
        let target = SchemaRef { id: tid, version: tv, span: t_id.span };
        if let Some(mut d) = validate::check_schema_match(mapping, target) {
            if m_file != t_file {
                d.labels.retain(|l| l.primary);
                d.notes.insert(0, format!("the target connection's schema is at {}", df.position(t_file, t_id.span)));
            }
            found.push((m_file, d));
        }
    }
    for (file, d) in found {
        df.diagnostics[file].push(d);
    }
    df.imported.coercions = coercions;
}

/// The body of `kind` and its file.
fn body(df: &Dataflow, kind: BodyKind) -> Option<(usize, &Json)> {
    let origin = df.imported.origin(kind)?;
    Some((origin.file, df.docs[origin.file].as_ref()?.pointer(&origin.pointer)?))
}

/// Reports the values of `params` whose JSON type the flow spec's schema (at `schema` in
/// the flow spec) does not take but the platform converts: a number in a string, a string
/// where a number is wanted. With `coerce`, the schema-correct value is recorded for the
/// import to write.
#[allow(clippy::too_many_arguments)]
fn tolerated(
    spec: &FlowSpec,
    schema: &str,
    params: &Json,
    at: &str,
    what: &str,
    coerce: bool,
    file: usize,
    out: &mut Vec<(usize, Diagnostic)>,
    coercions: &mut Vec<(BodyKind, String, Value)>,
) {
    let Some(Ok(map)) = spec.compiled().get(schema) else { return };
    let Some(validator) = map.get("#") else { return };
    let Some(schema_value) = spec.value.pointer(schema) else { return };
    let instance = params.to_value();
    for error in validator.iter_errors(&instance) {
        if !matches!(error.kind(), ValidationErrorKind::Type { .. }) {
            continue;
        }
        let inst = error.instance_path().as_str().to_owned();
        let Some(value) = params.pointer(&inst) else { continue };
        let Some(declared) = schema_value.pointer(error.schema_path().as_str()) else { continue };
        let wanted: Vec<&str> = match declared {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        let Some(converted) = convert(value, &wanted) else { continue };
        let name = inst.trim_start_matches('/').replace('/', ".");
        let shown_to = serde_json::to_string(&converted).unwrap_or_default();
        let wanted_text = validate::describe_type(declared);
        let mut d = Diagnostic::new(
            Code::ToleratedType,
            value.span,
            format!(
                "`{name}` in {what} is {}: the platform accepts it, but the flow spec's schema wants {wanted_text}",
                value.describe()
            ),
        )
        .with_label(format!("{wanted_text} expected"))
        .with_help(format!("write {shown_to}"))
        .with_note(format!(
            "flow spec {}, schema location {schema}{}",
            spec.label(),
            error.schema_path().as_str()
        ));
        if coerce && inst.matches('/').count() == 1 {
            d = d.with_note(format!("`flowc import` writes {shown_to}"));
            coercions.push((BodyKind::Flow, format!("{at}{inst}"), converted));
        }
        out.push((file, d));
    }
}

/// A value in one of the `wanted` JSON Schema types that means the same, when the platform
/// would convert it so.
fn convert(value: &Json, wanted: &[&str]) -> Option<Value> {
    let wants = |t: &str| wanted.contains(&t);
    match &value.kind {
        JsonKind::String(s) => {
            let s = s.trim();
            if wants("integer")
                && let Ok(n) = s.parse::<i64>()
            {
                return Some(Value::from(n));
            }
            if wants("number") {
                return s.parse::<serde_json::Number>().ok().map(Value::Number);
            }
            if wants("boolean") {
                return s.parse::<bool>().ok().map(Value::Bool);
            }
            None
        }
        JsonKind::Number(n) if wants("string") => Some(Value::String(n.clone())),
        JsonKind::Bool(b) if wants("string") => Some(Value::String(b.to_string())),
        _ => None,
    }
}
