//! `flowc build FILES… -o DIR`: compiles flow files into the request bodies that create
//! their dataflows, and the plan that sends them (see docs/build.md).
//!
//! - Every file is checked first (the checks `flowc check` runs). If any has an error — or
//!   a warning, with `--fail-on warning` or flowc.toml's `fail_on = "warning"` — the
//!   findings are printed and nothing is written.
//! - Then every file is compiled in memory; a compile error (F5xx) also writes nothing.
//! - Only then are the files written: one folder per flow file, named by the file's stem,
//!   `DIR/<stem>/` — also for a single file, so that adding a second file never moves the
//!   first one's outputs. Two files with the same stem are refused before anything is
//!   checked. Each file is written atomically (a temporary file renamed over it); files of
//!   flowc's own names that a build no longer produces are removed from the folder.
//! - `-o -` prints one JSON bundle `{"sourceConnection", "targetConnection", "mappingSet",
//!   "flow", "plan"}` to standard output (a body that does not apply is `null`), or with
//!   `--emit curl` the script, with `--emit postman` the collection; it takes exactly one file.
//!
//! Exit codes: 0 built, 1 findings (nothing written), 2 usage error, 3 a write failed.

use crate::render::{self, FileReport, Style};
use flowc_check::config::FailOn;
use flowc_compile::bodies::{CompileOptions, Compiled, Dialect, FlowSpecRef, compile_with_files};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::output::write_all;
use flowc_diag::{Code, Diagnostic, Severity};
use flowc_syntax::ast::{BlockKind, File};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const FINDINGS: u8 = 1;
const USAGE: u8 = 2;
const INTERNAL: u8 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    /// The Data Prep API's MappingSet (outputSchema.schemaRef, mappings[{sourceType, source, destination}]).
    Current,
    /// The sources tutorials' form (xdmSchema, xdmVersion, mappings[{destinationXdmPath, sourceAttribute, identity}]).
    Legacy,
}

impl From<DialectArg> for Dialect {
    fn from(arg: DialectArg) -> Dialect {
        match arg {
            DialectArg::Current => Dialect::Current,
            DialectArg::Legacy => Dialect::Legacy,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    /// Also write plan.sh, a POSIX shell script that sends the requests with curl and jq.
    Curl,
    /// Also write plan.postman_collection.json, the requests as a Postman collection (v2.1).
    Postman,
}

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Flow files to compile.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The output folder (one sub-folder per flow file, named by its stem), or `-` to print
    /// one file's JSON bundle to standard output.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// The mapping set's form.
    #[arg(long, value_enum, default_value = "current")]
    pub dialect: DialectArg,
    /// Also emit a script or a Postman collection that performs the plan (repeatable).
    #[arg(long, value_enum)]
    pub emit: Vec<Emit>,
    /// Build nothing on errors only, or on warnings too (default: flowc.toml's `fail_on`,
    /// else error), as `flowc check --fail-on` fails.
    #[arg(long, value_enum)]
    pub fail_on: Option<crate::FailOn>,
    /// The same as `--fail-on warning`.
    #[arg(long, conflicts_with = "fail_on")]
    pub deny_warnings: bool,
}

/// Builds the files. `check` runs every check on the files and returns their reports (one
/// per file, in order, then any for files they refer to); `resolve` gives a file's flow spec
/// (see [`resolve_flow_spec`]) from the catalog the checks used, so that flow specs loaded
/// from flowc.toml apply to the build too.
pub fn run(
    args: BuildArgs,
    fail_on: FailOn,
    check: impl FnOnce(&[PathBuf]) -> Vec<FileReport>,
    resolve: impl Fn(&File) -> Result<FlowSpecRef, Diagnostic>,
) -> ExitCode {
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && args.files.len() != 1 {
        return usage("`-o -` prints one bundle: give exactly one flow file (or an output folder)");
    }
    if to_stdout && args.emit.len() > 1 {
        return usage("`-o -` prints one thing: give one `--emit` (or an output folder)");
    }
    let mut folders: BTreeMap<PathBuf, &Path> = BTreeMap::new();
    if !to_stdout {
        for file in &args.files {
            let Some(stem) = file.file_stem() else {
                return usage(format!("{} is not a file name", file.display()));
            };
            // `...flow` has the stem `..`: its folder would be outside the output folder.
            if stem == "." || stem == ".." {
                return usage(format!(
                    "{} cannot name an output folder (its stem is `{}`): rename the file",
                    file.display(),
                    stem.to_string_lossy()
                ));
            }
            let folder = args.output.join(stem);
            if let Some(first) = folders.insert(folder.clone(), file) {
                return usage(format!(
                    "{} and {} would both be built into {}: rename one of them, or build them separately",
                    first.display(),
                    file.display(),
                    folder.display()
                ));
            }
        }
    }
    let mut texts = Vec::with_capacity(args.files.len());
    for file in &args.files {
        match std::fs::read(file) {
            Ok(bytes) => texts.push(bytes),
            Err(e) => return usage(format!("cannot read {}: {e}", file.display())),
        }
    }
    let style = stderr_style();

    // 1. Every check, on every file: any failure stops the build before anything is written.
    let reports = check(&args.files);
    if failing(&reports, fail_on) {
        print_reports(&reports, style);
        eprintln!("flowc: nothing was built");
        return ExitCode::from(FINDINGS);
    }

    // 2. Compile everything in memory.
    let options = |flow_spec, tenant| CompileOptions {
        dialect: args.dialect.into(),
        flow_spec,
        emit_curl: args.emit.contains(&Emit::Curl),
        emit_postman: args.emit.contains(&Emit::Postman),
        tenant,
    };
    // The files a flow file names are read under the rules its checks used.
    let mut configs = flowc_cli::Configs::default();
    let mut built: Vec<(&PathBuf, Compiled)> = Vec::new();
    let mut findings: Vec<FileReport> = Vec::new();
    for (path, bytes) in args.files.iter().zip(&texts) {
        let name = path.display().to_string();
        let (text, parsed) = flowc_syntax::parse_bytes(bytes);
        let report = |diagnostics: Vec<Diagnostic>| FileReport::new(name.clone(), text.clone(), diagnostics);
        if parsed.has_errors() {
            // The checks reported these already when they ran on the same bytes.
            findings.push(report(parsed.diagnostics));
            continue;
        }
        let flow_spec = match resolve(&parsed.file) {
            Ok(spec) => spec,
            Err(d) => {
                findings.push(report(vec![d]));
                continue;
            }
        };
        let dir = flowc_cli::inputs::folder(path.parent().unwrap_or(Path::new("")));
        let settings = configs.settings_for(dir);
        let tenant = settings.config.as_ref().and_then(|c| c.tenant.clone());
        match compile_with_files(&parsed.file, &text, dir, &options(flow_spec, tenant), settings.files(dir)) {
            Ok(compiled) => {
                if !compiled.warnings().is_empty() {
                    findings.push(report(compiled.warnings().to_vec()));
                }
                built.push((path, compiled));
            }
            Err(diagnostics) => findings.push(report(diagnostics)),
        }
    }
    // The checks' warnings and the compilation's findings, shown together per file.
    let mut reports = reports;
    for finding in findings {
        match reports.iter_mut().find(|r| r.name == finding.name) {
            Some(report) => {
                report.diagnostics.extend(finding.diagnostics);
                flowc_diag::sort(&mut report.diagnostics);
                report.diagnostics.dedup();
                flowc_diag::sort_and_cap(&mut report.diagnostics);
            }
            None => reports.push(finding),
        }
    }
    // A placeholder in a body is never sent: what `check` warns about, `build` refuses.
    for report in &mut reports {
        for d in report.diagnostics.iter_mut().filter(|d| d.code == Code::TenantPlaceholder) {
            d.severity = Severity::Error;
        }
        report.diagnostics.dedup();
    }
    if failing(&reports, fail_on) || built.len() != args.files.len() {
        print_reports(&reports, style);
        eprintln!("flowc: nothing was built");
        return ExitCode::from(FINDINGS);
    }
    print_reports(&reports, style);

    // 3. Write.
    if to_stdout {
        let (_, compiled) = &built[0];
        let text = match compiled.curl().or(compiled.postman()) {
            Some(text) => text.to_owned(),
            None => compiled.bundle_text(),
        };
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("flowc: cannot write to standard output: {e}");
            return ExitCode::from(INTERNAL);
        }
        return ExitCode::SUCCESS;
    }
    let folders: Vec<PathBuf> =
        built.iter().map(|(path, _)| args.output.join(path.file_stem().expect("checked above"))).collect();
    let outputs: Vec<(&Path, &Compiled)> =
        folders.iter().map(PathBuf::as_path).zip(built.iter().map(|(_, c)| c)).collect();
    if let Err(e) = write_all(&outputs) {
        eprintln!("flowc: {e}; nothing was written");
        return ExitCode::from(INTERNAL);
    }
    let mut out = String::new();
    for ((path, compiled), folder) in built.iter().zip(&folders) {
        let names: Vec<&str> = compiled.files().iter().map(|(n, _)| *n).collect();
        let requests = compiled.plan_steps().requests.len();
        out.push_str(&format!(
            "built {} -> {} ({}; {requests} request{})\n",
            path.display(),
            folder.display(),
            names.join(", "),
            if requests == 1 { "" } else { "s" }
        ));
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
    ExitCode::SUCCESS
}

/// The flow spec of a file with a `flow` block, resolved by `catalog`; CRMToAEP otherwise
/// (a mapping file has no flow, so its flow spec is not used).
pub fn resolve_flow_spec(file: &File, catalog: &FlowSpecCatalog) -> Result<FlowSpecRef, Diagnostic> {
    if !file.blocks.iter().any(|b| b.kind == BlockKind::Flow) {
        return Ok(FlowSpecRef::default());
    }
    let spec = flowc_compile::validate::resolve(file, catalog)?;
    Ok(FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() })
}

fn failing(reports: &[FileReport], fail_on: FailOn) -> bool {
    reports.iter().flat_map(|r| &r.diagnostics).any(|d| fail_on.fails(d.severity))
}

fn print_reports(reports: &[FileReport], style: Style) {
    let mut out = String::new();
    for report in reports.iter().filter(|r| !r.diagnostics.is_empty()) {
        render::human(report, style, &mut out);
    }
    if reports.iter().any(|r| !r.diagnostics.is_empty()) {
        out.push_str(&render::summary(reports));
        out.push('\n');
    }
    eprint!("{out}");
}

fn stderr_style() -> Style {
    let terminal = std::io::stderr().is_terminal();
    Style { color: terminal && std::env::var_os("NO_COLOR").is_none(), width: if terminal { 120 } else { 100 } }
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("flowc: {message}");
    ExitCode::from(USAGE)
}
