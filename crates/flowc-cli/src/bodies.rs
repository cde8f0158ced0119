//! JSON request bodies on the command line: `flowc check` of bodies and `flowc import`.
//!
//! The bodies of one folder (or one bundle file) are one dataflow. Each dataflow is read
//! with positions ([`flowc_compile::dataflow`]), written as flowc text
//! ([`flowc_compile::import`]), and that text gets every check of a flow file; the
//! diagnostics are then mapped back to the line and column of the JSON key or value they
//! came from.

use crate::Checker;
use crate::render::FileReport;
use flowc_check::Settings;
use flowc_compile::dataflow::{self, BodyFile, Dataflow};
use flowc_compile::import::{self, BodyKind, Import};
use flowc_diag::files::{FileProvider, MAX_FILE_BYTES};
use flowc_diag::{Code, Diagnostic, Severity, Span};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A JSON file to read as a request body.
#[derive(Clone, Debug)]
pub struct JsonInput {
    /// As diagnostics name it.
    pub name: String,
    /// The file on disk, when it is one (per-file configuration matches it).
    pub path: Option<PathBuf>,
    pub bytes: Vec<u8>,
    /// Named on the command line rather than found in a folder.
    pub explicit: bool,
    /// Where a dataflow's other files are looked for (its target schema).
    pub dir: PathBuf,
    pub settings: Settings,
}

/// The inputs grouped into dataflows: the bodies of one folder, or one bundle file.
pub fn dataflows(inputs: Vec<JsonInput>) -> Vec<Vec<JsonInput>> {
    let mut by_dir: BTreeMap<PathBuf, Vec<JsonInput>> = BTreeMap::new();
    let mut alone = Vec::new();
    // A file named twice (`a/x.json` and `./a/x.json`) is one file.
    let mut seen = std::collections::HashSet::new();
    for input in inputs {
        if let Some(path) = &input.path
            && !seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
        {
            continue;
        }
        if is_bundle(&input.bytes) {
            alone.push(vec![input]);
        } else {
            // `a` and `./a` are one folder.
            let key = std::fs::canonicalize(crate::inputs::folder(&input.dir)).unwrap_or_else(|_| input.dir.clone());
            by_dir.entry(key).or_default().push(input);
        }
    }
    by_dir.into_values().chain(alone).collect()
}

fn is_bundle(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    // Cheap before parsing: a bundle names its members at the top.
    if !text.contains("\"mappingSet\"") && !text.contains("\"sourceConnection\"") && !text.contains("\"flow\"") {
        return false;
    }
    flowc_diag::json::parse(text).is_ok_and(|j| import::recognize(&j) == Some(BodyKind::Bundle))
}

/// A dataflow read, completed from its folder and written as flowc text: what the reading
/// and the writing found, by file.
struct Written {
    df: Dataflow,
    found: Vec<Vec<Diagnostic>>,
    /// `None` when no file holds a body to import.
    import: Option<Import>,
}

/// Reads `group` as one dataflow and writes it as (unformatted) flowc text. Paths in the
/// text are relative to `written_dir` (the bodies' folder when `None`).
fn write(checker: &Checker, group: &[JsonInput], origin: &str, written_dir: Option<&Path>) -> Written {
    let mut df = read(checker, group);
    let mut found = df.diagnostics.clone();
    let mut import = None;
    if let Some(first) = group.first().filter(|_| df.has_dataflow()) {
        complete(&mut df, crate::inputs::folder(&first.dir), &first.settings, written_dir);
        let written = import::import_unformatted(&df.imported, origin, &df.catalog);
        for (file, d) in df.import_diagnostics(&written) {
            found[file].push(d);
        }
        import = Some(written);
    }
    Written { df, found, import }
}

/// One report per file that gets one ([`reported`]), with the configuration's ignores and
/// severities applied.
fn reports(
    df: &Dataflow,
    group: &[JsonInput],
    found: Vec<Vec<Diagnostic>>,
    settings: Option<&Settings>,
) -> Vec<FileReport> {
    group
        .iter()
        .zip(found)
        .enumerate()
        .filter(|(i, (input, diagnostics))| reported(df, *i, input, diagnostics))
        .map(|(i, (input, mut diagnostics))| {
            if let (Some(config), Some(path)) = (settings.and_then(|s| s.config.as_ref()), &input.path) {
                config.apply(path, &mut diagnostics);
            }
            flowc_diag::sort(&mut diagnostics);
            diagnostics.dedup();
            FileReport::new(input.name.clone(), df.texts[i].clone(), diagnostics)
        })
        .collect()
}

/// Everything found in one dataflow's files, one report per file that holds a body (or is
/// named on the command line).
pub fn check_dataflow(checker: &Checker, group: &[JsonInput]) -> Vec<FileReport> {
    let Some(first) = group.first() else {
        return Vec::new();
    };
    let (dir, settings) = (crate::inputs::folder(&first.dir), &first.settings);
    let origin = group.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ");
    let Written { df, mut found, import } = write(checker, group, &origin, None);
    if let Some(written) = &import {
        for (file, d) in check_written(checker, &df, written, dir, settings) {
            // What the JSON itself shows is checked on the JSON (a flow's Mapping
            // transformation, the schemas' match), and said once, in its own terms.
            if matches!(d.code, Code::NoMappingTransformation | Code::SchemaMismatch) {
                continue;
            }
            found[file].push(d);
        }
    }
    reports(&df, group, found, Some(settings))
}

/// Whether a file gets a report: a body, a file named on the command line, a file that
/// seems meant as a body, or one that does not parse beside bodies or looks like one.
fn reported(df: &Dataflow, i: usize, input: &JsonInput, diagnostics: &[Diagnostic]) -> bool {
    let unparsed = df.docs[i].is_none();
    input.explicit
        || df.has_body[i]
        || (!unparsed && !diagnostics.is_empty())
        || (unparsed && (!df.is_empty() || dataflow::looks_like_a_body(&df.texts[i])))
}

/// Checks every dataflow, in parallel; reports in input order.
pub fn check_all(checker: &Checker, inputs: Vec<JsonInput>) -> Vec<FileReport> {
    let groups = dataflows(inputs);
    let mut reports: Vec<FileReport> = groups.par_iter().flat_map(|g| check_dataflow(checker, g)).collect();
    reports.sort_by(|a, b| a.name.cmp(&b.name));
    reports
}

fn read(checker: &Checker, group: &[JsonInput]) -> Dataflow {
    let files =
        group.iter().map(|i| BodyFile { name: i.name.clone(), bytes: i.bytes.clone(), explicit: i.explicit }).collect();
    dataflow::read(files, &checker.flowspecs)
}

/// What the bodies do not say but the folder does: the target schema's definition (a JSON
/// file beside the bodies whose `$id` is the schema's, unless flowc.toml names one) and the
/// file to load columns from. Paths are written relative to `written_dir` (the folder of
/// the flowc file being written; the bodies' folder when none is).
fn complete(df: &mut Dataflow, dir: &Path, settings: &Settings, written_dir: Option<&Path>) {
    let id_at = |body: &Option<flowc_compile::ordered::Node>, pointer: &str| {
        body.as_ref()?.pointer(pointer)?.as_str().map(str::to_owned)
    };
    let schema_id = id_at(&df.imported.target_connection, "/data/schema/id")
        .or_else(|| id_at(&df.imported.mapping_set, "/outputSchema/schemaRef/id"))
        .or_else(|| id_at(&df.imported.legacy_mapping_set, "/xdmSchema"));
    let configured =
        schema_id.as_deref().is_some_and(|id| settings.config.as_ref().is_some_and(|c| c.schema_for(id).is_some()));
    let relative = |file: &Path| match written_dir {
        Some(to) => relative_path(file, to),
        None => file.strip_prefix(dir).unwrap_or(file).to_string_lossy().replace('\\', "/"),
    };
    if let (Some(id), false) = (&schema_id, configured) {
        df.imported.schema_file = schema_beside(settings.files(dir).as_ref(), dir, id).map(|f| relative(&f));
    }
    if let Some(origin) = df.imported.origin(BodyKind::SourceConnection)
        && origin.pointer.is_empty()
    {
        let name = &df.files[origin.file].name;
        df.imported.columns_file = Some(relative(&dir.join(Path::new(name).file_name().unwrap_or_default())));
    }
}

/// A schema's `$id`, read without building the rest.
#[derive(serde::Deserialize)]
struct SchemaId {
    #[serde(rename = "$id")]
    id: Option<String>,
}

/// A registry-form schema in `dir` whose `$id` is `id`, read from `files` (so a link out of
/// the project is passed over).
fn schema_beside(files: &dyn FileProvider, dir: &Path, id: &str) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    candidates.sort();
    candidates.into_iter().find(|path| {
        let Ok(text) = files.read_text(path, MAX_FILE_BYTES) else {
            return false;
        };
        text.contains(id) && serde_json::from_str::<SchemaId>(&text).is_ok_and(|s| s.id.as_deref() == Some(id))
    })
}

/// `file` as a path relative to the folder `to` (both made absolute first).
fn relative_path(file: &Path, to: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (file, to) = (abs(file), abs(to));
    let (f, t): (Vec<_>, Vec<_>) = (file.components().collect(), to.components().collect());
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_owned(), t.len() - common).collect();
    parts.extend(f[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// The written flowc text's own diagnostics (every check of a flow file), at their places
/// in the JSON files.
fn check_written(
    checker: &Checker,
    df: &Dataflow,
    written: &Import,
    dir: &Path,
    settings: &Settings,
) -> Vec<(usize, Diagnostic)> {
    let extra =
        |file: &flowc_syntax::ast::File, src: &str| checker.flow_checks_with(&df.catalog, file, src, dir, settings);
    // No path: the configuration is applied to the JSON files, not to this text.
    let no_config = Settings::new(settings.config.clone().map(|c| {
        let mut c = (*c).clone();
        c.lint = Default::default();
        std::sync::Arc::new(c)
    }));
    let (_, outcome) =
        flowc_check::check_source_with(&checker.session, written.raw.as_bytes(), None, dir, &no_config, &extra);
    outcome.diagnostics.into_iter().filter_map(|d| relocate(d, df, written)).collect()
}

/// A diagnostic on the written text, moved to the JSON: its primary label decides the
/// file; labels in other files become notes. `None` for a diagnostic about a body the
/// dataflow does not have (or that did not parse): a flow's JSON alone is no error for
/// lacking its connections' bodies.
fn relocate(mut d: Diagnostic, df: &Dataflow, written: &Import) -> Option<(usize, Diagnostic)> {
    let place = |span: Span| written.locate(span).and_then(|l| df.locate(&l));
    // What could not be checked is said even when the body it concerns is missing: at the
    // mapping set, whose mappings go unchecked.
    let unchecked = matches!(d.code, Code::SourceColumnsUnavailable | Code::TargetSchemaUnavailable);
    let mapping_set = || {
        [BodyKind::MappingSet, BodyKind::LegacyMappingSet].into_iter().find_map(|kind| {
            df.locate(&flowc_compile::import::Located { body: kind, pointer: String::new(), key: false, inner: None })
        })
    };
    let (file, primary_span) = place(d.primary_span()).or_else(|| unchecked.then(mapping_set).flatten())?;
    let mut notes = Vec::new();
    let labels = std::mem::take(&mut d.labels);
    for mut label in labels {
        let at = if label.primary { Some((file, primary_span)) } else { place(label.span) };
        match at {
            Some((f, span)) if f == file => {
                label.span = span;
                d.labels.push(label);
            }
            Some((f, span)) => notes.push(format!("{}: {}", df.position(f, span), label.message)),
            None => {}
        }
    }
    d.notes.extend(notes);
    if d.code == Code::TargetSchemaUnavailable && d.severity == Severity::Warning {
        d.help = Some(
            "put the schema's xed-full JSON (from the Schema Registry) beside the bodies, or name it in a `[[schema]]` entry of flowc.toml"
                .into(),
        );
    }
    Some((file, d))
}

/// What `flowc import` made of a path: the flowc text, or why there is none, and the
/// reading's diagnostics by file.
pub struct Imported {
    pub text: Option<String>,
    pub reports: Vec<FileReport>,
}

/// Imports the bodies of `inputs` (one dataflow) as a flowc file to be written in
/// `written_dir`. No text when reading found errors: a file that leaves out what could
/// not be read would be a partial import.
pub fn import(checker: &Checker, inputs: &[JsonInput], origin: &str, written_dir: &Path) -> Imported {
    let Written { df, mut found, import } = write(checker, inputs, origin, Some(written_dir));
    let mut text = None;
    if let Some(written) = &import {
        // What is written must read back: a source that is no Data Prep expression is
        // reported at its place in the JSON, and nothing is written.
        match flowc_syntax::format(&written.raw) {
            Ok(formatted) => text = Some(formatted),
            Err(parsed) => {
                let mut placed = 0;
                for d in parsed.diagnostics {
                    if let Some((file, d)) = relocate(d, &df, written) {
                        found[file].push(d);
                        placed += 1;
                    }
                }
                // Never refuse without saying why.
                if placed == 0
                    && let Some((_, origin)) = df.imported.origins.first()
                {
                    let start = df.docs[origin.file].as_ref().map_or(0, |j| j.span.start);
                    found[origin.file].push(Diagnostic::new(
                        Code::NotWritable,
                        Span::new(start, start + 1),
                        "the flowc text written from these bodies does not parse, so it is not written",
                    ));
                }
            }
        }
    }
    let errors = found.iter().flatten().any(|d| d.severity == Severity::Error);
    let reports = reports(&df, inputs, found, None);
    Imported { text: if errors { None } else { text }, reports }
}
