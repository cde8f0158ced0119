//! Schema documents: reading files and folders (never the network), the `$id` table, and
//! `$ref` resolution.

use crate::LoadOptions;
use crate::error::SchemaError;
use crate::json::Json;
use crate::jsontext::{self, Seg};
use flowc_diag::files::Refusal;
use flowc_diag::{Code, Diagnostic, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) type DocId = usize;

/// A file's text, read before anything is parsed so that parsed documents can borrow it.
pub(crate) struct Source {
    /// The path as found (relative paths stay relative, for readable messages).
    pub file: PathBuf,
    pub text: Arc<str>,
}

pub(crate) struct Doc<'t> {
    pub file: &'t Path,
    pub text: &'t Arc<str>,
    pub value: Json<'t>,
    /// The normalized `$id`, if the document has one.
    pub id: Option<String>,
}

impl Doc<'_> {
    /// How messages name the document: its `$id`, else its file.
    pub fn name(&self) -> String {
        self.id.clone().unwrap_or_else(|| self.file.display().to_string())
    }
}

#[derive(Default)]
pub(crate) struct Docs<'t> {
    pub docs: Vec<Doc<'t>>,
    by_id: HashMap<String, DocId>,
    by_path: HashMap<PathBuf, DocId>,
    /// Files looked at but not loaded (unparsable neighbours of a registry file).
    pub skipped: Vec<PathBuf>,
}

pub(crate) enum RefError {
    NoSchema { uri: String },
    NoFragment { doc: DocId, fragment: String },
}

/// `$id`s compare exactly, except that an empty fragment (`...#`) is the same document.
pub(crate) fn normalize_id(id: &str) -> &str {
    id.trim().trim_end_matches('#')
}

/// Reads one file (not parsing it yet) through `opts.files`. A file that is not UTF-8 is
/// reported by its position, without its text: it may not be a schema at all.
pub(crate) fn read(path: &Path, opts: &LoadOptions) -> Result<Source, SchemaError> {
    let general = |msg: String| SchemaError::general(Diagnostic::new(Code::SchemaUnreadable, Span::empty(0), msg));
    match opts.files.read_text(path, opts.max_file_bytes) {
        Ok(text) => Ok(Source { file: path.to_owned(), text: Arc::from(text) }),
        Err(Refusal::Folder) => Err(general(format!("`{}` is a folder, not a schema file", path.display()))),
        Err(Refusal::TooLarge { len, .. }) => Err(too_large(path, len, opts)),
        Err(refusal @ Refusal::NotUtf8 { .. }) => Err(SchemaError::general(
            Diagnostic::new(
                Code::SchemaUnreadable,
                Span::empty(0),
                format!("cannot read `{}`: {refusal}", path.display()),
            )
            .with_help("JSON files are UTF-8; re-save the file as UTF-8"),
        )),
        Err(refusal) => Err(SchemaError::general(
            refusal.diagnostic(Span::empty(0), &path.display().to_string()).unwrap_or_else(|| {
                Diagnostic::new(
                    Code::SchemaUnreadable,
                    Span::empty(0),
                    format!("cannot read `{}`: {}", path.display(), refusal.reason()),
                )
            }),
        )),
    }
}

pub(crate) fn too_large(path: &Path, len: u64, opts: &LoadOptions) -> SchemaError {
    SchemaError::general(
        Diagnostic::new(
            Code::SchemaTooLarge,
            Span::empty(0),
            format!("`{}` is {}; flowc reads schema files of at most {}", path.display(), human_size(len), human_size(opts.max_file_bytes)),
        )
        .with_help("check that this is a schema and not a data file; Schema Registry downloads of real schemas are far smaller"),
    )
}

/// Parses a file read earlier.
pub(crate) fn parse(source: &Source) -> Result<Doc<'_>, SchemaError> {
    let text: &str = &source.text;
    match serde_json::from_str::<Json<'_>>(text) {
        Ok(value) => {
            let id = value.get("$id").and_then(Json::as_str).map(|s| normalize_id(s).to_owned());
            Ok(Doc { file: &source.file, text: &source.text, value, id })
        }
        Err(e) => {
            let file = &source.file;
            let at = flowc_diag::json::offset_of(text, e.line(), e.column());
            let span = Span::new(at, (at + 1).min(text.len()));
            let full = e.to_string();
            let reason = full.rfind(" at line ").map_or(full.as_str(), |i| &full[..i]).to_owned();
            let d = if reason.starts_with("recursion limit exceeded") {
                Diagnostic::new(
                    Code::SchemaTooDeep,
                    span,
                    format!("`{}` nests JSON objects and arrays more than 128 levels deep", file.display()),
                )
                .with_label("too deep here")
                .with_help("real XDM schemas nest a few dozen levels at most; check the tool that generated this file")
            } else {
                Diagnostic::new(Code::InvalidJson, span, format!("`{}` is not valid JSON: {reason}", file.display()))
                    .with_label(reason)
            };
            Err(SchemaError::in_file(file.clone(), source.text.clone(), d))
        }
    }
}

/// Reads every `*.schema.json` below `dir`, sorted (so duplicates resolve the same way every
/// time); unreadable files are reported and left out. `None` if the folder itself is bad.
pub(crate) fn read_dir(dir: &Path, opts: &LoadOptions, errors: &mut Vec<SchemaError>) -> Option<Vec<Source>> {
    let files = match list_files(dir, opts, |name| name.ends_with(".schema.json"), true) {
        Ok(files) => files,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let mut sources = Vec::with_capacity(files.len());
    for file in files {
        match read(&file, opts) {
            Ok(source) => sources.push(source),
            Err(e) => errors.push(e),
        }
    }
    Some(sources)
}

/// Reads the `*.json` files beside a registry file. The folder may hold anything, so files
/// that cannot be read are skipped quietly (and counted).
pub(crate) fn read_siblings(of: &Path, opts: &LoadOptions) -> (Vec<Source>, Vec<PathBuf>) {
    let dir = match of.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let own = of.canonicalize().ok();
    let Ok(files) = list_files(&dir, opts, |name| name.ends_with(".json"), false) else {
        return (Vec::new(), Vec::new());
    };
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    for file in files {
        if file.canonicalize().ok() == own {
            continue;
        }
        match read(&file, opts) {
            Ok(source) => sources.push(source),
            Err(_) => skipped.push(file),
        }
    }
    (sources, skipped)
}

/// Whether a text has a `$ref` to another document (a cheap scan before parsing, to know
/// whether the files beside it are needed; a false positive only costs reading them).
pub(crate) fn refers_elsewhere(text: &str) -> bool {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find("\"$ref\"") {
        let mut j = from + i + 6;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) == Some(&b':') {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if b.get(j) == Some(&b'"') && b.get(j + 1) != Some(&b'#') {
                return true;
            }
        }
        from += i + 6;
    }
    false
}

impl<'t> Docs<'t> {
    /// Adds a document; for a second document with the same `$id` returns the first's id.
    pub fn add(&mut self, doc: Doc<'t>) -> (DocId, Option<DocId>) {
        let id = self.docs.len();
        let mut duplicate_of = None;
        if let Some(sid) = &doc.id {
            match self.by_id.get(sid) {
                Some(&first) => duplicate_of = Some(first),
                None => {
                    self.by_id.insert(sid.clone(), id);
                }
            }
        }
        if let Ok(canonical) = doc.file.canonicalize() {
            self.by_path.entry(canonical).or_insert(id);
        }
        self.docs.push(doc);
        (id, duplicate_of)
    }

    /// Parses and adds the files of a schema folder, reporting JSON errors, duplicate and
    /// missing `$id`s.
    pub fn add_folder(&mut self, sources: &'t [Source], errors: &mut Vec<SchemaError>) {
        for source in sources {
            let doc = match parse(source) {
                Ok(doc) => doc,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let missing_id = doc.id.is_none();
            let (id, duplicate_of) = self.add(doc);
            let doc = &self.docs[id];
            if let Some(first) = duplicate_of {
                let span = jsontext::locate(doc.text, &[Seg::Key("$id")]).unwrap_or_default();
                let d = Diagnostic::new(
                    Code::DuplicateSchemaId,
                    span,
                    format!("`$id` `{}` is also declared by `{}`", doc.id.as_deref().unwrap_or(""), self.docs[first].file.display()),
                )
                .with_label("second declaration, ignored")
                .with_help("flowc uses the file whose path sorts first; delete the stale copy or give this schema its own `$id`");
                errors.push(SchemaError::in_file(doc.file.to_owned(), doc.text.clone(), d));
            } else if missing_id && doc.value.is_object() {
                let span = jsontext::locate(doc.text, &[]).map_or(Span::empty(0), |s| Span::new(s.start, s.start + 1));
                let d = Diagnostic::new(
                    Code::MissingSchemaId,
                    span,
                    format!("`{}` has no `$id`, so no `$ref` can refer to it", doc.file.display()),
                )
                .with_help("add an `$id`, such as `\"$id\": \"https://ns.adobe.com/{tenant}/datatypes/{name}\"`");
                errors.push(SchemaError::in_file(doc.file.to_owned(), doc.text.clone(), d));
            }
        }
    }

    /// Parses and adds the neighbours of a registry file, skipping those that are not JSON
    /// schemas with an `$id`.
    pub fn add_siblings(&mut self, sources: &'t [Source]) {
        for source in sources {
            match parse(source) {
                Ok(doc) if doc.id.is_some() => {
                    self.add(doc);
                }
                _ => self.skipped.push(source.file.clone()),
            }
        }
    }

    pub fn by_id(&self, id: &str) -> Option<DocId> {
        self.by_id.get(normalize_id(id)).copied()
    }

    pub fn by_file(&self, path: &Path) -> Option<DocId> {
        self.by_path.get(&path.canonicalize().ok()?).copied()
    }

    pub fn id_count(&self) -> usize {
        self.by_id.len()
    }

    /// Resolves `reference` as written in document `from`.
    pub fn resolve(&self, from: DocId, reference: &str) -> Result<(DocId, &Json<'t>), RefError> {
        let (uri, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let uri = uri.trim();
        let doc = if uri.is_empty() { Some(from) } else { self.find_uri(from, uri) };
        let Some(doc) = doc else {
            return Err(RefError::NoSchema { uri: uri.to_owned() });
        };
        let root = &self.docs[doc].value;
        if fragment.is_empty() {
            return Ok((doc, root));
        }
        let decoded = percent_decode(fragment);
        let found = if decoded.starts_with('/') { root.pointer(&decoded) } else { None };
        found.map(|v| (doc, v)).ok_or(RefError::NoFragment { doc, fragment: fragment.to_owned() })
    }

    fn find_uri(&self, from: DocId, uri: &str) -> Option<DocId> {
        if let Some(&d) = self.by_id.get(normalize_id(uri)) {
            return Some(d);
        }
        if uri.contains("://") || uri.starts_with("urn:") {
            return None;
        }
        // A relative reference: a file beside the referring one, or relative to its `$id`.
        let here = &self.docs[from];
        if let Some(dir) = here.file.parent()
            && let Some(d) = self.by_file(&dir.join(uri))
        {
            return Some(d);
        }
        let base = here.id.as_deref()?;
        let joined = format!("{}{}", &base[..base.rfind('/')? + 1], uri);
        self.by_id.get(normalize_id(&joined)).copied()
    }

    /// Known `$id`s nearest to `missing` first.
    pub fn nearest_ids(&self, missing: &str, limit: usize) -> Vec<&str> {
        let mut ids: Vec<(usize, &str)> =
            self.by_id.keys().map(|k| (strsim::levenshtein(missing, k), k.as_str())).collect();
        ids.sort();
        ids.into_iter().take(limit).map(|(_, k)| k).collect()
    }
}

/// Files below `dir` whose name passes `wanted`, sorted; iterative, no symlinked folders,
/// and at most `opts.max_dir_entries` entries looked at.
fn list_files(
    dir: &Path,
    opts: &LoadOptions,
    wanted: impl Fn(&str) -> bool,
    recursive: bool,
) -> Result<Vec<PathBuf>, SchemaError> {
    let unreadable = |msg: String| SchemaError::general(Diagnostic::new(Code::SchemaUnreadable, Span::empty(0), msg));
    let meta = std::fs::metadata(dir)
        .map_err(|e| unreadable(format!("cannot read the schema folder `{}`: {}", dir.display(), io_message(&e))))?;
    if !meta.is_dir() {
        return Err(unreadable(format!("`{}` is a file; a schema folder was expected here", dir.display())));
    }
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    let mut seen = 0usize;
    while let Some(d) = pending.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(e) if d == dir => {
                return Err(unreadable(format!(
                    "cannot read the schema folder `{}`: {}",
                    dir.display(),
                    io_message(&e)
                )));
            }
            Err(_) => continue,
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > opts.max_dir_entries {
                return Err(SchemaError::general(Diagnostic::new(
                    Code::SchemaTooLarge,
                    Span::empty(0),
                    format!(
                        "`{}` holds more than {} files and folders; is it the schema folder?",
                        dir.display(),
                        opts.max_dir_entries
                    ),
                )));
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                if recursive {
                    pending.push(path);
                }
            } else if entry.file_name().to_str().is_some_and(&wanted) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

pub(crate) fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else if bytes >= 1 << 10 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_refs_to_other_documents() {
        assert!(refers_elsewhere(r#"{"a": {"$ref" : "https://ns.adobe.com/x"}}"#));
        assert!(refers_elsewhere(r#"{"$ref":"other.json"}"#));
        assert!(!refers_elsewhere(r##"{"a": {"$ref": "#/definitions/x"}, "b": "$ref"}"##));
        assert!(!refers_elsewhere(r#"{"$ref"#));
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("/definitions/%40context"), "/definitions/@context");
        assert_eq!(percent_decode("/a%"), "/a%");
        assert_eq!(percent_decode("/a%4"), "/a%4");
        assert_eq!(percent_decode("/a%zz"), "/a%zz");
        assert_eq!(percent_decode("/a%é1"), "/a%é1");
    }
}
