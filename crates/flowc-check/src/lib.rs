//! Checking a flow file: every mapping against the source columns and the target XDM
//! schema, expressions against the Data Prep function catalog. Diagnostics are plain data;
//! this crate reads the files a flow file names (schemas, column files) and nothing else.
//!
//! A [`Session`] is shared by every file of a run: schemas and column files are loaded once,
//! whatever the number of flow files that name them.

pub mod catalog;
pub mod config;
mod mapping;
mod path_trie;
pub mod patterns;
pub mod source;
mod typing;

pub use mapping::MAX_EXPRESSION_CHARS;

/// Diagnostics reported per file; past this the rest is counted, not shown.
pub const MAX_DIAGNOSTICS: usize = flowc_diag::MAX_PER_FILE;
pub use typing::RESERVED;

use catalog::Catalog;
use flowc_diag::files::{FileProvider, ProjectFiles, Refusal};
use flowc_diag::{Code, Diagnostic, Severity, Span};
use flowc_schema::{Loaded, SchemaSource};
use flowc_syntax::ast::{Block, BlockKind, Columns, File, ValueKind};
use source::SourceModel;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// A diagnostic about another file than the flow file (a schema, a column file).
#[derive(Clone, Debug)]
pub struct External {
    pub file: PathBuf,
    pub text: Arc<str>,
    pub diagnostic: Diagnostic,
}

/// What checking one flow file found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Diagnostics of the flow file, suppressions applied, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics of the files it refers to, each reported once per session.
    pub external: Vec<External>,
}

/// What applies to a file besides its own text: the `flowc.toml` found for it, if any, and
/// where the files it names are read from.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub config: Option<Arc<config::Config>>,
    /// Set by an editor or a test; otherwise the disk inside the file's project.
    files: Option<Arc<dyn FileProvider>>,
}

impl Settings {
    pub fn new(config: Option<Arc<config::Config>>) -> Settings {
        let files = config.as_ref().map(|c| Arc::new(c.files()) as Arc<dyn FileProvider>);
        Settings { config, files }
    }

    /// Reads the files a flow file names from `files` instead.
    pub fn with_files(mut self, files: Arc<dyn FileProvider>) -> Settings {
        self.files = Some(files);
        self
    }

    /// Where the files named by a file in `dir` are read from: the project of its flowc.toml,
    /// else the repository or `dir` (docs/security.md).
    pub fn files(&self, dir: &Path) -> Arc<dyn FileProvider> {
        self.files.clone().unwrap_or_else(|| Arc::new(ProjectFiles::for_folder(dir)))
    }

    fn tenant(&self) -> Option<&str> {
        self.config.as_ref()?.tenant.as_deref()
    }

    /// The configured definition of a schema `$id`.
    fn schema_source(&self, id: &str) -> Option<SchemaSource> {
        Some(self.config.as_ref()?.schema_for(id)?.location.to_source())
    }
}

type Cell<T> = Arc<OnceLock<Arc<T>>>;

/// Loads shared by the files of one run.
pub struct Session {
    catalog: &'static Catalog,
    /// Files held in memory (the embedded example's), looked up before the disk.
    virtual_files: HashMap<PathBuf, Arc<str>>,
    schemas: Mutex<HashMap<SchemaSource, Cell<Loaded>>>,
    columns: Mutex<HashMap<PathBuf, Cell<Result<SourceModel, ColumnsError>>>>,
}

/// Why a columns file gives no columns.
#[derive(Debug)]
enum ColumnsError {
    Unread(Refusal),
    Invalid(String),
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

/// The first caller of a key runs `load`; the others wait for its result.
fn once<K: std::hash::Hash + Eq + Clone, T>(
    map: &Mutex<HashMap<K, Cell<T>>>,
    key: &K,
    load: impl FnOnce() -> T,
) -> (Arc<T>, bool) {
    let cell = {
        let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key.clone()).or_default().clone()
    };
    let mut first = false;
    let value = cell.get_or_init(|| {
        first = true;
        Arc::new(load())
    });
    (value.clone(), first)
}

impl Session {
    pub fn new() -> Session {
        Session {
            catalog: Catalog::builtin(),
            virtual_files: HashMap::new(),
            schemas: Mutex::default(),
            columns: Mutex::default(),
        }
    }

    /// Serves `text` as the file at `path` (for an example embedded in a binary).
    pub fn with_file(mut self, path: impl Into<PathBuf>, text: &str) -> Session {
        self.virtual_files.insert(path.into(), Arc::from(text));
        self
    }

    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    /// A schema, loaded on first use, its files read from `files`. `first` tells whether
    /// this call loaded it (and so reports the schema file's own diagnostics).
    pub fn schema(&self, source: &SchemaSource, files: &Arc<dyn FileProvider>) -> (Arc<Loaded>, bool) {
        // Keyed by location alone: every file's reference to it was resolved by its own
        // project's rules before it gets here.
        once(&self.schemas, source, || match source {
            SchemaSource::RegistryFile(path) if self.virtual_files.contains_key(path) => {
                flowc_schema::load_registry_str(path.clone(), &self.virtual_files[path])
            }
            _ => flowc_schema::load_with(
                source,
                &flowc_schema::LoadOptions { files: files.clone(), ..Default::default() },
            ),
        })
    }

    /// Where `reference`, named by a file in `dir`, is; the files held in memory first.
    fn resolve(&self, files: &Arc<dyn FileProvider>, dir: &Path, reference: &str) -> Result<PathBuf, Refusal> {
        let path = dir.join(reference);
        if self.virtual_files.contains_key(&path) { Ok(path) } else { files.resolve(dir, reference) }
    }

    fn columns(&self, files: &Arc<dyn FileProvider>, path: &Path) -> Arc<Result<SourceModel, ColumnsError>> {
        once(&self.columns, &path.to_path_buf(), || {
            let text = match self.virtual_files.get(path) {
                Some(text) => text.to_string(),
                None => files.read_text(path, flowc_diag::files::MAX_FILE_BYTES).map_err(ColumnsError::Unread)?,
            };
            SourceModel::from_json(&text).map_err(|e| ColumnsError::Invalid(format!("`{}`: {e}", path.display())))
        })
        .0
    }

    /// Checks a parsed flow file. `dir` is the folder its relative paths start from.
    pub fn check(&self, file: &File, src: &str, dir: &Path, settings: &Settings) -> Outcome {
        let mut outcome = Outcome::default();
        let block = |kind| file.blocks.iter().find(|b| b.kind == kind);
        let Some(mapping) = block(BlockKind::Mapping) else {
            return outcome;
        };
        let has_entries = mapping.entries().next().is_some();
        let files = settings.files(dir);
        let source_block = block(BlockKind::Source);
        let columns_file;
        let inline;
        let source: Option<&SourceModel> = match source_block.and_then(Block::columns) {
            Some(Columns::Inline { columns, .. }) => {
                inline = SourceModel::from_columns(columns, &mut outcome.diagnostics);
                Some(&inline)
            }
            Some(Columns::From { path, .. }) => {
                let found = self.resolve(&files, dir, &path.value).map_err(ColumnsError::Unread);
                columns_file = found.map_or_else(|e| Arc::new(Err(e)), |full| self.columns(&files, &full));
                match columns_file.as_ref() {
                    Ok(model) => Some(model),
                    Err(e) => {
                        let unavailable = |why: String| {
                            Diagnostic::new(Code::SourceColumnsUnavailable, path.span, format!("the source columns cannot be loaded: {why}"))
                                .with_severity(Severity::Error)
                                .with_label("this file")
                                .with_help("give a JSON file holding a sourceConnection body (`params.columns`) or an explore response (`schema.columns`)")
                        };
                        outcome.diagnostics.push(match e {
                            ColumnsError::Unread(refusal) => {
                                refusal.diagnostic(path.span, &path.value).unwrap_or_else(|| {
                                    unavailable(format!("cannot read `{}`: {refusal}", dir.join(&path.value).display()))
                                })
                            }
                            ColumnsError::Invalid(why) => unavailable(why.clone()),
                        });
                        None
                    }
                }
            }
            None => {
                if has_entries {
                    let span = source_block.map_or(mapping.keyword, |b| b.keyword);
                    outcome.diagnostics.push(
                        Diagnostic::new(Code::SourceColumnsUnavailable, span, "the source columns are unknown, so source fields are not checked")
                            .with_label("no columns")
                            .with_help("declare them in the source block (`columns { Name: string }`) or load them (`columns from \"explore.json\"`)"),
                    );
                }
                None
            }
        };
        let loaded = self.target_schema(file, mapping, dir, settings, has_entries, &mut outcome);
        let ctx = mapping::MappingContext {
            catalog: self.catalog,
            schema: loaded.as_ref().and_then(|l| l.index.as_ref()),
            source,
            tenant: settings
                .tenant()
                .or_else(|| loaded.as_ref().and_then(|l| l.index.as_ref()).and_then(|i| i.tenant())),
        };
        mapping::check_mapping(mapping, src, &ctx, &mut outcome.diagnostics);
        outcome
    }

    /// The target schema of the file, reported once per file when it cannot be had.
    fn target_schema(
        &self,
        file: &File,
        mapping: &Block,
        dir: &Path,
        settings: &Settings,
        has_entries: bool,
        outcome: &mut Outcome,
    ) -> Option<Arc<Loaded>> {
        let files = &settings.files(dir);
        let target = file.blocks.iter().find(|b| b.kind == BlockKind::Target);
        let text = |key: &str| {
            target
                .and_then(|t| t.setting(key))
                .and_then(|s| s.value.kind.as_text().map(|v| (v.to_owned(), s.value.span)))
        };
        // A file the flow file names is refused here, at the name, before anything reads it.
        let resolve = |reference: &str, span: Span, outcome: &mut Outcome| match self.resolve(files, dir, reference) {
            Err(refusal) if refusal.code().is_some() => {
                outcome.diagnostics.extend(refusal.diagnostic(span, reference));
                None
            }
            _ => Some(dir.join(reference)),
        };
        let (source, span) = if let Some((path, span)) = text("schema_file") {
            (SchemaSource::RegistryFile(resolve(&path, span, outcome)?), span)
        } else if let Some((xdm_dir, span)) = text("xdm_dir") {
            let Some((class, _)) = text("class") else {
                outcome.diagnostics.push(
                    Diagnostic::new(Code::TargetSchemaUnavailable, span, "`xdm_dir` needs a `class`")
                        .with_label("a folder of XDM source schemas")
                        .with_help("add `class = \"https://ns.adobe.com/xdm/context/experienceevent\"` (its `$id`) and the `field_groups`"),
                );
                return None;
            };
            let field_groups = target
                .and_then(|t| t.setting("field_groups"))
                .map(|s| match &s.value.kind {
                    ValueKind::Array(items) => {
                        items.iter().filter_map(|i| i.kind.as_text().map(str::to_owned)).collect()
                    }
                    _ => Vec::new(),
                })
                .unwrap_or_default();
            (SchemaSource::Xdm { dir: resolve(&xdm_dir, span, outcome)?, class, field_groups }, span)
        } else if let Some((id, span)) = text("schema") {
            match settings.schema_source(&id) {
                Some(source) => (source, span),
                None => {
                    if has_entries {
                        outcome.diagnostics.push(
                            Diagnostic::new(
                                Code::TargetSchemaUnavailable,
                                span,
                                format!("the definition of the schema `{id}` is not available, so destinations are not checked"),
                            )
                            .with_severity(Severity::Warning)
                            .with_label("no local definition")
                            .with_help("download it from the Schema Registry (xed-full) and name it: `schema_file = \"...\"` here or a `[[schema]]` entry in flowc.toml"),
                        );
                    }
                    return None;
                }
            }
        } else {
            if has_entries {
                let span = target.map_or(mapping.keyword, |t| t.keyword);
                outcome.diagnostics.push(
                    Diagnostic::new(Code::TargetSchemaUnavailable, span, "no target schema is given, so destinations are not checked")
                        .with_severity(Severity::Warning)
                        .with_label("no schema")
                        .with_help("name it in the target block: `schema_file = \"schema.xed.json\"`, or `xdm_dir`, `class` and `field_groups`"),
                );
            }
            return None;
        };
        let (loaded, first) = self.schema(&source, files);
        if first {
            // Problems of the schema file as a whole, or of the arguments naming it, are
            // said by this file's own diagnostic below.
            let inside =
                |e: &&flowc_schema::SchemaError| e.file.is_some() && e.diagnostic.code != Code::SchemaUnreadable;
            outcome.external.extend(loaded.diagnostics.iter().filter(inside).map(|e| External {
                file: e.file.clone().unwrap_or_else(|| dir.to_path_buf()),
                text: e.text.clone(),
                diagnostic: e.diagnostic.clone(),
            }));
        }
        // Files of the schema that were refused (a schema file that is a FIFO, a link out of
        // the project in its folder) are said at the name, with their own code.
        let refused = |e: &&flowc_schema::SchemaError| e.code().phase() == flowc_diag::Phase::Files;
        for e in loaded.errors().filter(refused) {
            let mut d = e.diagnostic.clone();
            d.labels.iter_mut().for_each(|l| l.span = span);
            outcome.diagnostics.push(d);
        }
        let other_errors = loaded.errors().any(|e| !refused(&e));
        if loaded.index.is_none() && !other_errors && loaded.errors().any(|e| refused(&e)) {
            return None;
        }
        if loaded.index.is_none() || other_errors {
            let first_error = loaded.errors().find(|e| !refused(e)).map(|e| &e.diagnostic);
            let why = first_error.map(|d| d.message.clone()).unwrap_or_else(|| "it holds no fields".into());
            let help = first_error
                .and_then(|d| d.help.clone())
                .unwrap_or_else(|| "the schema's own diagnostics are reported on its file".into());
            let partial = loaded.index.is_some();
            outcome.diagnostics.push(
                Diagnostic::new(
                    Code::TargetSchemaUnavailable,
                    span,
                    if partial {
                        format!("the target schema has errors, so some destinations may be reported wrongly: {why}")
                    } else {
                        format!("the target schema cannot be loaded, so destinations are not checked: {why}")
                    },
                )
                .with_severity(if partial { Severity::Warning } else { Severity::Error })
                .with_label("this schema")
                .with_help(help),
            );
        }
        loaded.index.is_some().then_some(loaded)
    }
}

/// Drops the diagnostics that suppressions silence and reports the suppressions that
/// silence nothing.
pub fn apply_suppressions(file: &File, diagnostics: &mut Vec<Diagnostic>) {
    if file.suppressions.is_empty() {
        return;
    }
    let mut used = vec![false; file.suppressions.len()];
    diagnostics.retain(|d| {
        if matches!(d.code, Code::SuppressionWithoutReason | Code::MalformedSuppression | Code::UnusedSuppression) {
            return true;
        }
        let at = d.primary_span().start;
        let hit = file.suppressions.iter().position(|s| {
            s.codes.iter().any(|c| c.value == d.code)
                && s.target.is_none_or(|t| t.start <= at && at < t.end.max(t.start + 1))
        });
        if let Some(i) = hit {
            used[i] = true;
        }
        hit.is_none()
    });
    for (s, used) in file.suppressions.iter().zip(used) {
        if !used {
            let codes: Vec<&str> = s.codes.iter().map(|c| c.value.as_str()).collect();
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedSuppression,
                    s.span,
                    format!("this suppression of {} silences nothing", codes.join(", ")),
                )
                .with_label("unused")
                .with_help("remove it: the problem it was written for is gone"),
            );
        }
    }
}

/// Parses and checks one file: syntax diagnostics, then (when the file parses) the checks,
/// then suppressions and the configuration's ignores and severities. `path` is the file's
/// path (none for standard input); `dir` is where its relative paths start.
pub fn check_source(
    session: &Session,
    bytes: &[u8],
    path: Option<&Path>,
    dir: &Path,
    settings: &Settings,
) -> (String, Outcome) {
    check_source_with(session, bytes, path, dir, settings, &|_, _| Vec::new())
}

/// Checks done outside this crate (the flow against its flow spec), given the parsed file
/// and its text; their diagnostics go through suppressions and configuration like the rest.
pub type ExtraCheck<'a> = &'a (dyn Fn(&File, &str) -> Vec<Diagnostic> + Sync);

/// [`check_source`] with more checks run on a file that parses.
pub fn check_source_with(
    session: &Session,
    bytes: &[u8],
    path: Option<&Path>,
    dir: &Path,
    settings: &Settings,
    extra: ExtraCheck,
) -> (String, Outcome) {
    let (text, parsed) = flowc_syntax::parse_bytes(bytes);
    let mut outcome = if parsed.has_errors() {
        Outcome::default()
    } else {
        let mut outcome = session.check(&parsed.file, &text, dir, settings);
        outcome.diagnostics.extend(extra(&parsed.file, &text));
        outcome
    };
    outcome.diagnostics.extend(parsed.diagnostics);
    apply_suppressions(&parsed.file, &mut outcome.diagnostics);
    if let (Some(config), Some(path)) = (&settings.config, path) {
        config.apply(path, &mut outcome.diagnostics);
    }
    flowc_diag::sort(&mut outcome.diagnostics);
    // The checks and the compiler may both say that a named file cannot be read.
    outcome.diagnostics.dedup();
    flowc_diag::sort_and_cap(&mut outcome.diagnostics);
    (text, outcome)
}
