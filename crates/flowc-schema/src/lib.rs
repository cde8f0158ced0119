//! XDM schemas as a typed index of paths.
//!
//! Two input forms:
//! - the **registry form**, a file as the Schema Registry returns it (`xed-full+json`, fully
//!   resolved, or `xed+json` with the schemas it refers to in the same folder), with names
//!   such as `_id`, `person.birthYear`, `_repo.createDate`, `_acme.loyalty.tier`;
//! - the **source form** of the public XDM repository: a folder of `*.schema.json` files, a
//!   class and field groups named by `$id`, composed with `$ref`, `allOf` and `meta:extends`,
//!   with names such as `@id`, `xdm:person`, `repo:createDate`, converted to registry names.
//!
//! Either way the result is a [`SchemaIndex`]: every path (`productListItems[*].SKU`) with
//! its [`XdmType`], requiredness, constraints, title and description, plus did-you-mean.
//! Problems are [`SchemaError`]s: coded diagnostics with spans into the JSON file concerned.
//! Nothing is ever fetched from the network, and no input makes the loader panic, recurse
//! without bound or run without bound.

// A `SchemaError` carries its file's text for rendering; it is built only on the error
// path, so its size in a `Result` costs nothing that matters.
#![allow(clippy::result_large_err)]

mod build;
mod docs;
mod error;
mod index;
mod json;
mod jsontext;
mod names;

pub use error::SchemaError;
pub use index::{Constraints, EnumLabel, Field, SchemaIndex, Suggestions, XdmType};

use build::Builder;
use docs::{DocId, Docs, Source};
use flowc_diag::files::{AnyFile, FileProvider};
use flowc_diag::{Code, Diagnostic, Severity, Span};
use json::Json;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Limits that keep hostile or broken schemas from taking unbounded time or memory, and
/// where files are read from.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Reads every file (the disk under the project's rules, when a flow file names the
    /// schema; any regular file when the user does).
    pub files: Arc<dyn FileProvider>,
    /// Largest schema file read, in bytes.
    pub max_file_bytes: u64,
    /// Most paths indexed.
    pub max_fields: usize,
    /// Deepest field nesting, and longest `$ref`/`allOf` chain within one field.
    pub max_depth: usize,
    /// Most schema locations merged in total (bounds `$ref` fan-out that adds no fields).
    pub max_work: usize,
    /// Most files and folders looked at in a schema folder.
    pub max_dir_entries: usize,
    /// Most diagnostics kept (the last one says how many more there were).
    pub max_diagnostics: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            files: Arc::new(AnyFile),
            max_file_bytes: 32 << 20,
            max_fields: 100_000,
            max_depth: 64,
            max_work: 2_000_000,
            max_dir_entries: 100_000,
            max_diagnostics: 200,
        }
    }
}

/// Where a target schema comes from (a flow file's `target` block names one of these).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SchemaSource {
    /// A Schema Registry download: `xed-full+json`, or `xed+json` with the schemas it
    /// refers to (by `$id`) as `*.json` files in the same folder.
    RegistryFile(PathBuf),
    /// Source-form XDM: a folder of `*.schema.json` files, the class and the field groups,
    /// each by `$id` (or by the path of its file).
    Xdm { dir: PathBuf, class: String, field_groups: Vec<String> },
}

/// The outcome of loading: the index (absent only when nothing could be indexed, for
/// example when the file is not JSON) and every diagnostic, warnings included. When there
/// are errors the index may be partial: parts that failed to resolve are left out.
#[derive(Debug)]
pub struct Loaded {
    pub index: Option<SchemaIndex>,
    pub diagnostics: Vec<SchemaError>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(SchemaError::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &SchemaError> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    fn failed(error: SchemaError) -> Loaded {
        Loaded { index: None, diagnostics: vec![error] }
    }
}

pub fn load(source: &SchemaSource) -> Loaded {
    load_with(source, &LoadOptions::default())
}

pub fn load_with(source: &SchemaSource, opts: &LoadOptions) -> Loaded {
    match source {
        SchemaSource::RegistryFile(file) => registry(file.clone(), None, opts),
        SchemaSource::Xdm { dir, class, field_groups } => source_form(dir, class, field_groups, opts),
    }
}

/// Loads a Schema Registry download.
pub fn load_registry_file(path: impl AsRef<Path>) -> Loaded {
    registry(path.as_ref().to_owned(), None, &LoadOptions::default())
}

/// Loads registry-form text already in memory; `file` names it in diagnostics, and `$ref`s
/// to other schemas resolve from the `*.json` files in `file`'s folder.
pub fn load_registry_str(file: impl Into<PathBuf>, text: &str) -> Loaded {
    registry(file.into(), Some(Arc::from(text)), &LoadOptions::default())
}

/// Loads a source-form composition: the class and field groups, by `$id`, from the
/// `*.schema.json` files below `dir`.
pub fn load_source<S: AsRef<str>>(dir: impl AsRef<Path>, class_id: &str, field_group_ids: &[S]) -> Loaded {
    let field_groups: Vec<String> = field_group_ids.iter().map(|s| s.as_ref().to_owned()).collect();
    source_form(dir.as_ref(), class_id, &field_groups, &LoadOptions::default())
}

fn registry(file: PathBuf, text: Option<Arc<str>>, opts: &LoadOptions) -> Loaded {
    let root = match text {
        Some(text) if text.len() as u64 > opts.max_file_bytes => {
            return Loaded::failed(docs::too_large(&file, text.len() as u64, opts));
        }
        Some(text) => Source { file: file.clone(), text },
        None => match docs::read(&file, opts) {
            Ok(source) => source,
            Err(e) => return Loaded::failed(e),
        },
    };
    // An `xed+json` download refers to its class and field groups by `$id`: look for them
    // beside it. (An `xed-full+json` one is self-contained.)
    let (siblings, skipped) =
        if docs::refers_elsewhere(&root.text) { docs::read_siblings(&file, opts) } else { (Vec::new(), Vec::new()) };
    let mut docs = Docs::default();
    match docs::parse(&root) {
        Ok(doc) => docs.add(doc),
        Err(e) => return Loaded::failed(e),
    };
    docs.skipped = skipped;
    docs.add_siblings(&siblings);
    // A registry download lists in `meta:extends` every schema it was built from, already
    // resolved inline: checking those against local files would only produce noise.
    finish(&docs, &[0], false, opts, Vec::new())
}

fn source_form(dir: &Path, class: &str, field_groups: &[String], opts: &LoadOptions) -> Loaded {
    let mut diagnostics = Vec::new();
    let Some(sources) = docs::read_dir(dir, opts, &mut diagnostics) else {
        return Loaded { index: None, diagnostics };
    };
    let mut docs = Docs::default();
    docs.add_folder(&sources, &mut diagnostics);
    let class_doc = find_root(&docs, dir, class, "class", &mut diagnostics);
    let mut roots: Vec<DocId> = class_doc.into_iter().collect();
    let mut missing = class_doc.is_none();
    for fg in field_groups {
        match find_root(&docs, dir, fg, "field group", &mut diagnostics) {
            Some(d) if !roots.contains(&d) => roots.push(d),
            Some(_) => {}
            None => missing = true,
        }
    }
    if missing {
        return finish_diagnostics(None, diagnostics, opts);
    }
    if let Some(class_doc) = class_doc {
        for &fg in &roots[1..] {
            check_intended(&docs, fg, class_doc, &mut diagnostics);
        }
    }
    finish(&docs, &roots, true, opts, diagnostics)
}

fn finish(
    docs: &Docs,
    roots: &[DocId],
    check_extends: bool,
    opts: &LoadOptions,
    mut diagnostics: Vec<SchemaError>,
) -> Loaded {
    let (built, errors) = Builder::new(docs, opts, check_extends).build(roots);
    diagnostics.extend(errors);
    let index = built.map(|b| SchemaIndex::new(b.fields, docs.docs[roots[0]].id.clone(), b.title, b.tenant));
    finish_diagnostics(index, diagnostics, opts)
}

/// Drops repeats (a data type used in five places reports its problem once), orders by file
/// and position, and caps the count.
fn finish_diagnostics(index: Option<SchemaIndex>, mut diagnostics: Vec<SchemaError>, opts: &LoadOptions) -> Loaded {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|e| {
        seen.insert((e.file.clone(), e.diagnostic.code, e.diagnostic.primary_span(), e.diagnostic.message.clone()))
    });
    diagnostics.sort_by(|a, b| {
        (&a.file, a.diagnostic.primary_span().start).cmp(&(&b.file, b.diagnostic.primary_span().start))
    });
    if diagnostics.len() > opts.max_diagnostics {
        let more = diagnostics.len() - opts.max_diagnostics;
        diagnostics.truncate(opts.max_diagnostics);
        if let Some(last) = diagnostics.last_mut() {
            last.diagnostic.notes.push(format!("{more} more diagnostics are not shown"));
        }
    }
    Loaded { index, diagnostics }
}

fn find_root(docs: &Docs, dir: &Path, arg: &str, what: &str, diagnostics: &mut Vec<SchemaError>) -> Option<DocId> {
    if let Some(d) = docs.by_id(arg).or_else(|| docs.by_file(Path::new(arg))).or_else(|| docs.by_file(&dir.join(arg))) {
        return Some(d);
    }
    let nearest: Vec<String> = docs.nearest_ids(arg, 5).iter().map(|i| format!("`{i}`")).collect();
    let help = if nearest.is_empty() {
        format!("`{}` holds no `*.schema.json` file with an `$id`", dir.display())
    } else {
        let more = docs.id_count().saturating_sub(nearest.len());
        let more = if more > 0 { format!(" (and {more} more)") } else { String::new() };
        format!("known `$id`s, nearest first: {}{more}", nearest.join(", "))
    };
    let d = Diagnostic::new(
        Code::UnknownSchemaId,
        Span::empty(0),
        format!("no schema in `{}` has the {what} `$id` `{arg}`", dir.display()),
    )
    .with_help(help);
    diagnostics.push(SchemaError::general(d));
    None
}

/// A field group whose `meta:intendedToExtend` names classes must name the chosen one.
fn check_intended(docs: &Docs, fg: DocId, class: DocId, diagnostics: &mut Vec<SchemaError>) {
    let doc = &docs.docs[fg];
    let Some(list) = doc.value.get("meta:intendedToExtend").and_then(Json::as_array) else {
        return;
    };
    let intended: Vec<&str> = list.iter().filter_map(Json::as_str).map(docs::normalize_id).collect();
    let class_id = docs.docs[class].id.as_deref().unwrap_or("");
    if intended.is_empty() || intended.contains(&class_id) {
        return;
    }
    let span = jsontext::locate(doc.text, &[jsontext::Seg::Key("meta:intendedToExtend")]).unwrap_or_default();
    let d = Diagnostic::new(
        Code::FieldGroupNotForClass,
        span,
        format!(
            "field group `{}` is meant for {}, not for `{class_id}`",
            doc.name(),
            intended.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
        ),
    )
    .with_label("the classes this field group extends")
    .with_help("the Schema Registry refuses this combination; choose a field group made for the class")
    .with_severity(Severity::Warning);
    diagnostics.push(SchemaError::in_file(doc.file.to_owned(), doc.text.clone(), d));
}
