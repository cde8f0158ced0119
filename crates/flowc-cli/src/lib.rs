//! The flowc command line. The binary in `main.rs` parses arguments; what each command
//! does lives here so the tests can drive the same code.

pub mod bodies;
pub mod inputs;
mod long_lines;
pub mod render;
pub mod sarif;

use flowc_check::config::Config;
use flowc_check::{External, Session, Settings};
use flowc_compile::bodies::{CompileOptions, Dialect, FlowSpecRef};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::validate;
use flowc_diag::Diagnostic;
use flowc_syntax::ast::File;
use rayon::prelude::*;
use render::FileReport;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The example embedded in the binary (`flowc example`), with its target schema.
pub const EXAMPLE: &str = include_str!("../assets/payments.flow");
pub const EXAMPLE_NAME: &str = "payments.flow";
pub const EXAMPLE_SCHEMA: &str = include_str!("../assets/payments-products.xed.json");
pub const EXAMPLE_SCHEMA_NAME: &str = "payments-products.xed.json";

/// A session that also serves the embedded example's files (under `example/`).
pub fn session() -> Session {
    Session::new().with_file(Path::new("example").join(EXAMPLE_SCHEMA_NAME), EXAMPLE_SCHEMA)
}

/// What a run checks with: loaded schemas and columns, the flow specs, and the clock.
pub struct Checker {
    pub session: Session,
    pub flowspecs: FlowSpecCatalog,
    /// Overrides each flowc.toml's `now` (epoch seconds).
    pub now: Option<i64>,
    /// The mapping set's form the bodies are checked in: `build --dialect`'s (what it keeps
    /// of a flow file differs, such as `@identity`).
    pub dialect: Dialect,
}

impl Default for Checker {
    fn default() -> Self {
        Checker { session: session(), flowspecs: FlowSpecCatalog::builtin(), now: None, dialect: Dialect::default() }
    }
}

impl Checker {
    /// The flow's checks against its flow spec (none for a mapping alone), and what would
    /// keep its request bodies from being built.
    fn flow_checks(&self, file: &File, src: &str, dir: &Path, settings: &Settings) -> Vec<Diagnostic> {
        self.flow_checks_with(&self.flowspecs, file, src, dir, settings)
    }

    /// [`Checker::flow_checks`] with other flow specs (a dataflow's own flow spec files).
    fn flow_checks_with(
        &self,
        flowspecs: &FlowSpecCatalog,
        file: &File,
        src: &str,
        dir: &Path,
        settings: &Settings,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut flow_spec = FlowSpecRef::default();
        if validate::describes_flow(file) {
            let now = self.now.or_else(|| settings.config.as_ref().and_then(|c| c.now));
            match validate::resolve(file, flowspecs) {
                Ok(spec) => {
                    out.extend(validate::validate(file, spec, now));
                    flow_spec = FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() };
                }
                Err(unknown) => out.push(unknown),
            }
        }
        let tenant = settings.config.as_ref().and_then(|c| c.tenant.clone());
        let options = CompileOptions { flow_spec, tenant, ..CompileOptions::default() };
        let problems = match flowc_compile::bodies::compile_with_files(file, src, dir, &options, settings.files(dir)) {
            Ok(compiled) => compiled.warnings().to_vec(),
            Err(problems) => problems,
        };
        // Where the flow spec's validation already spoke, the compiler's view adds nothing.
        let said: Vec<_> = out.iter().map(Diagnostic::primary_span).collect();
        out.extend(problems.into_iter().filter(|d| !said.contains(&d.primary_span())));
        // A legacy JSON mapping set is read with its identities under a suppression of this.
        if self.dialect == Dialect::Current {
            out.extend(flowc_compile::bodies::identities_not_sent(file, src));
        }
        out
    }
}

/// One input: the name diagnostics show, its bytes, the folder its paths start from, and
/// whether it is a file on disk (whose path per-file configuration matches).
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
    pub dir: PathBuf,
    pub on_disk: bool,
    pub settings: Settings,
}

impl Source {
    /// A file on disk (its folder is where its relative paths start).
    pub fn file(name: &str, bytes: Vec<u8>) -> Source {
        let dir = Path::new(name).parent().map(Path::to_path_buf).unwrap_or_default();
        Source { name: name.to_owned(), bytes, dir, on_disk: true, settings: Settings::default() }
    }

    /// Text that is no file (standard input, an embedded example) read as if in `dir`.
    pub fn text(name: &str, bytes: Vec<u8>, dir: impl Into<PathBuf>) -> Source {
        Source { name: name.to_owned(), bytes, dir: dir.into(), on_disk: false, settings: Settings::default() }
    }

    pub fn with_settings(mut self, settings: Settings) -> Source {
        self.settings = settings;
        self
    }
}

/// Finds and loads the `flowc.toml` of each folder once. A broken one becomes a report.
#[derive(Default)]
pub struct Configs {
    by_dir: HashMap<PathBuf, Settings>,
    loaded: HashMap<PathBuf, Settings>,
    pub broken: Vec<FileReport>,
}

impl Configs {
    pub fn settings_for(&mut self, dir: &Path) -> Settings {
        let key = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        if let Some(s) = self.by_dir.get(&key) {
            return s.clone();
        }
        let settings = match Config::find(&key) {
            None => Settings::default(),
            Some(path) => match self.loaded.get(&path) {
                Some(s) => s.clone(),
                None => {
                    let settings = match Config::load(&path) {
                        Ok(config) => Settings::new(Some(Arc::new(config))),
                        Err(e) => {
                            self.broken.push(FileReport::new(e.path.display().to_string(), e.text, e.diagnostics));
                            Settings::default()
                        }
                    };
                    self.loaded.insert(path, settings.clone());
                    settings
                }
            },
        };
        self.by_dir.insert(key, settings.clone());
        settings
    }
}

/// Checks files in parallel. Returns a report per input, in input order, then one per
/// other file with findings (schemas, column files), sorted by path.
pub fn check_all(checker: &Checker, sources: &[Source]) -> Vec<FileReport> {
    let results: Vec<(FileReport, Vec<External>)> = sources
        .par_iter()
        .map(|s| {
            let path = s.on_disk.then(|| Path::new(&s.name));
            let flow_checks = |file: &File, src: &str| checker.flow_checks(file, src, &s.dir, &s.settings);
            let (text, outcome) =
                flowc_check::check_source_with(&checker.session, &s.bytes, path, &s.dir, &s.settings, &flow_checks);
            (FileReport::new(s.name.clone(), text, outcome.diagnostics), outcome.external)
        })
        .collect();
    let mut external: BTreeMap<String, FileReport> = BTreeMap::new();
    let mut reports = Vec::with_capacity(results.len());
    for (report, others) in results {
        reports.push(report);
        for e in others {
            let name = e.file.display().to_string();
            let entry = external.entry(name.clone()).or_insert_with(|| FileReport {
                name,
                text: e.text.to_string(),
                diagnostics: Vec::new(),
            });
            entry.diagnostics.push(e.diagnostic);
        }
    }
    for report in external.into_values() {
        let mut diagnostics = report.diagnostics;
        flowc_diag::sort(&mut diagnostics);
        diagnostics.dedup();
        reports.push(FileReport::new(report.name, report.text, diagnostics));
    }
    reports
}

/// Everything flowc finds in one file (named as on the command line), with a fresh session.
pub fn check_source(name: &str, bytes: &[u8]) -> FileReport {
    let source = Source::file(name, bytes.to_vec());
    let mut reports = check_all(&Checker::default(), std::slice::from_ref(&source));
    reports.swap_remove(0)
}
