mod build_cmd;
mod flowspec_cmd;
mod schema_cmd;

// Checking is allocation-heavy (an AST per file, on every core): mimalloc measured faster
// than the system allocator on the corpus benchmark (see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use flowc_check::catalog::Catalog;
use flowc_cli::bodies::JsonInput;
use flowc_cli::inputs::{self, Input};
use flowc_cli::render::{self, FileReport, Style};
use flowc_cli::{Checker, Configs, Source};
use flowc_diag::{Code, Severity};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `flowc --version`: the crate's version and the commit it was built from (build.rs).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("FLOWC_COMMIT"), ")");

/// Adobe Experience Platform dataflows as checked, reviewable text.
#[derive(Parser)]
#[command(name = "flowc", version = VERSION, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check flow files and report every problem found.
    Check(CheckArgs),
    /// Rewrite flow files in the canonical layout (see docs/format.md).
    Fmt(FmtArgs),
    /// Compile flow files into request bodies and the plan that sends them (docs/build.md).
    Build(build_cmd::BuildArgs),
    /// Explain a diagnostic code, with an example.
    Explain(ExplainArgs),
    /// Check the embedded example dataflow and print the request bodies it compiles to.
    Example(ExampleArgs),
    /// Inspect a target XDM schema: its paths and fields.
    Schema {
        #[command(subcommand)]
        cmd: schema_cmd::SchemaCommand,
    },
    /// The flow specs flowc knows: list, show.
    Flowspec {
        #[command(subcommand)]
        cmd: flowspec_cmd::FlowspecCommand,
    },
    /// The Data Prep function catalog: list, show, import.
    Functions {
        #[command(subcommand)]
        cmd: FunctionsCommand,
    },
    /// Write a commented flowc.toml in the current folder (or DIR).
    Init(InitArgs),
    /// Convert one dataflow's JSON request bodies (a folder, files, or a bundle file) into
    /// a formatted flowc file.
    Import(ImportArgs),
    /// Print a shell completion script: `flowc completions bash > /etc/bash_completion.d/flowc`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the flowc(1) man page, or write one page per command into DIR.
    Man {
        /// Write flowc.1 and flowc-COMMAND.1 pages here instead of printing flowc.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct ImportArgs {
    /// A folder holding the bodies, the body files, or a bundle file.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Write the flowc file here (default: standard output).
    #[arg(short, long, value_name = "FILE.flow")]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Never)]
    color: ColorChoice,
}

#[derive(Subcommand)]
enum FunctionsCommand {
    /// One line per function: name, category, availability, signatures.
    List {
        /// Only this category (string, regex, hashing, url, datetime, object, array, map,
        /// logical, aggregation, conversion, json, special, useragent, analytics, destination).
        #[arg(long)]
        category: Option<String>,
    },
    /// A function's signatures, availability, description and examples.
    Show { name: String },
    /// Merge the JSON that `GET /languages/el/functions` returns into the catalog, and print
    /// the result (or write it with -o); curated examples and availability are kept.
    Import {
        file: PathBuf,
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct InitArgs {
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Overwrite an existing flowc.toml.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Graphical reports with source excerpts.
    Human,
    /// One line per finding: `file:line:col: severity[CODE] message`.
    Short,
    /// The versioned JSON document of docs/json-output.md.
    Json,
    /// GitHub Actions annotations.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other tools.
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum FailOn {
    Error,
    Warning,
}

/// Which findings fail `check` and stop `build`: `--fail-on` when given, else the first
/// flowc.toml's `fail_on` among the inputs' settings, else errors only.
fn fail_on<'a>(
    arg: Option<FailOn>,
    mut settings: impl Iterator<Item = &'a flowc_check::Settings>,
) -> flowc_check::config::FailOn {
    use flowc_check::config::FailOn as Rule;
    match arg {
        Some(FailOn::Error) => Rule::Error,
        Some(FailOn::Warning) => Rule::Warning,
        None => settings.find_map(|s| s.config.as_ref()?.lint.fail_on).unwrap_or(Rule::Error),
    }
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files, folders (searched for *.flow and JSON request bodies, honouring .gitignore),
    /// globs, or `-` for stdin (JSON when --stdin-filename ends in .json).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// The name shown for standard input.
    #[arg(long, default_value = "<stdin>")]
    stdin_filename: String,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 on errors only, or on warnings too (default: flowc.toml's, else error).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Print findings only, no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// The clock of time-dependent checks (a start time in the past), as epoch seconds or
    /// an RFC 3339 date-time (`2026-11-28T00:00:00Z`); overrides flowc.toml's `now`.
    /// Without either, those checks are off.
    #[arg(long, value_name = "TIME", value_parser = flowc_check::config::instant, allow_hyphen_values = true)]
    now: Option<i64>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(clap::Args)]
struct FmtArgs {
    /// Files, folders, globs, or `-` (reads stdin, writes stdout).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing; exit with 1 if a file is not formatted.
    #[arg(long)]
    check: bool,
    #[arg(long, default_value = "<stdin>")]
    stdin_filename: String,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// A code such as F101 (or its name, such as `unknown-key`).
    code: Option<String>,
    /// List every code with its summary.
    #[arg(long, conflicts_with = "code")]
    list: bool,
}

#[derive(clap::Args)]
struct ExampleArgs {
    /// Write the example (payments.flow and its schema) to DIR instead of checking it.
    #[arg(long, value_name = "DIR")]
    write: Option<PathBuf>,
}

/// `println!` that ends the program quietly when the reader has gone (`flowc ... | head`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            stdout_failed(e);
        }
    }};
}

/// `print!` with the same care.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($arg)*) {
            stdout_failed(e);
        }
    }};
}

fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("flowc: cannot write to standard output: {e}");
    std::process::exit(INTERNAL.into());
}

/// Exit codes: 0 clean, 1 findings, 2 usage error, 3 internal failure.
const FINDINGS: u8 = 1;
const USAGE: u8 = 2;
const INTERNAL: u8 = 3;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("flowc: internal error: {info}");
        eprintln!("This is a bug in flowc; please report it with the input that caused it.");
    }));
    let cli = Cli::parse();
    // Every thread that analyses input gets the same stack. The parser's depth limits
    // (`MAX_EXPR_HEIGHT`, `MAX_NESTING`, JSON nesting) keep the recursion within 2 MiB even
    // in a debug build; this is margin, so that no worker has less than the main thread.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(STACK_BYTES).build_global();
    let worker = std::thread::Builder::new().name("flowc".into()).stack_size(STACK_BYTES);
    let ran = worker.spawn(move || std::panic::catch_unwind(move || run(cli)));
    match ran.map(|handle| handle.join()) {
        Ok(Ok(Ok(code))) => code,
        _ => ExitCode::from(INTERNAL),
    }
}

const STACK_BYTES: usize = 16 << 20;

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Fmt(args) => fmt(args),
        Command::Build(args) => build(args),
        Command::Explain(args) => explain(args),
        Command::Example(args) => example(args),
        Command::Schema { cmd } => schema_cmd::run(cmd),
        Command::Functions { cmd } => functions(cmd),
        Command::Flowspec { cmd } => flowspec(cmd),
        Command::Init(args) => init(args),
        Command::Import(args) => import(args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "flowc", &mut out);
            out!("{}", String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Man { dir } => man(dir.as_deref()),
    }
}

/// `flowc man`: the man page of flowc, from the same definitions as `--help`.
fn man(dir: Option<&Path>) -> ExitCode {
    let command = Cli::command();
    let Some(dir) = dir else {
        let mut out = Vec::new();
        if let Err(e) = clap_mangen::Man::new(command).render(&mut out) {
            return internal(format!("cannot render the man page: {e}"));
        }
        out!("{}", String::from_utf8_lossy(&out));
        return ExitCode::SUCCESS;
    };
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir)) {
        return internal(format!("cannot write the man pages into {}: {e}", dir.display()));
    }
    eprintln!("flowc: wrote the man pages into {}", dir.display());
    ExitCode::SUCCESS
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("flowc: {message}");
    ExitCode::from(USAGE)
}

fn internal(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("flowc: {message}");
    ExitCode::from(INTERNAL)
}

fn style(color: ColorChoice) -> Style {
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let width = if std::io::stdout().is_terminal() { 120 } else { 100 };
    Style { color, width }
}

/// An input with the name diagnostics show and its bytes.
type ReadInput = (Input, String, Vec<u8>);

/// Reads every input. A file that cannot be read is reported as F114 where it is and left
/// out: one unreadable file in a walked folder must not hide the others.
fn read_all(inputs: Vec<Input>, stdin_name: &str) -> (Vec<ReadInput>, Vec<FileReport>) {
    let mut read = Vec::with_capacity(inputs.len());
    let mut unreadable = Vec::new();
    for input in inputs {
        match inputs::read(&input, stdin_name) {
            Ok((name, bytes)) => read.push((input, name, bytes)),
            Err(e) => unreadable.push(unreadable_report(&input, stdin_name, &e)),
        }
    }
    (read, unreadable)
}

fn unreadable_report(input: &Input, stdin_name: &str, error: &std::io::Error) -> FileReport {
    let name = match input {
        Input::File(p) => p.display().to_string(),
        Input::Stdin => stdin_name.to_owned(),
    };
    let d = flowc_diag::Diagnostic::new(
        flowc_diag::Code::UnreadableFile,
        flowc_diag::Span::empty(0),
        format!("cannot read `{name}`: {error}"),
    )
    .with_help("give flowc read access to the file, or remove it from the folder (or list it in `.gitignore`)");
    FileReport::new(name, String::new(), vec![d])
}

fn check(args: CheckArgs) -> ExitCode {
    let (inputs, explicit) = match inputs::collect_with_json(&args.paths) {
        Ok(collected) => collected,
        Err(missing) => return usage(missing.0),
    };
    if inputs.is_empty() {
        let shown: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!("flowc: no flow files (*.flow) or JSON request bodies in {}", shown.join(", "));
    }
    let (files, unreadable) = read_all(inputs, &args.stdin_filename);
    let mut sources = Vec::new();
    let mut bodies = Vec::new();
    for (input, name, bytes) in files {
        let path = match &input {
            Input::File(p) => Some(p),
            Input::Stdin => None,
        };
        if name.ends_with(".json") {
            let dir = inputs::folder(path.and_then(|p| p.parent()).unwrap_or(Path::new(""))).to_path_buf();
            let explicit = path.is_none_or(|p| explicit.contains(p));
            let settings = flowc_check::Settings::default();
            bodies.push(JsonInput { name, path: path.cloned(), bytes, explicit, dir, settings });
        } else if path.is_some() {
            sources.push(Source::file(&name, bytes));
        } else {
            // Relative paths in standard input start where flowc runs.
            sources.push(Source::text(&name, bytes, ""));
        }
    }
    let (checker, sources, bodies, mut reports) = prepare(sources, bodies, args.now);
    reports.extend(unreadable);
    let fail_on = fail_on(args.fail_on, sources.iter().map(|s| &s.settings).chain(bodies.iter().map(|b| &b.settings)));
    reports.extend(flowc_cli::check_all(&checker, &sources));
    reports.extend(flowc_cli::bodies::check_all(&checker, bodies));
    let mut out = String::new();
    match args.format {
        Format::Human => {
            let style = style(args.color);
            for report in &reports {
                render::human(report, style, &mut out);
            }
            if !args.quiet {
                out.push_str(&render::summary(&reports));
                out.push('\n');
            }
        }
        Format::Short => {
            for report in &reports {
                render::short(report, &mut out);
            }
            if !args.quiet {
                out.push_str(&render::summary(&reports));
                out.push('\n');
            }
        }
        Format::Github => reports.iter().for_each(|r| render::github(r, &mut out)),
        Format::Sarif => {
            out = serde_json::to_string_pretty(&flowc_cli::sarif::sarif(&reports)).expect("JSON values serialize");
            out.push('\n');
        }
        Format::Json => {
            out = serde_json::to_string_pretty(&render::json(&reports)).expect("JSON values serialize");
            out.push('\n');
        }
    }
    out!("{out}");
    let failed = reports.iter().any(|r| r.diagnostics.iter().any(|d| fail_on.fails(d.severity)));
    ExitCode::from(if failed { FINDINGS } else { 0 })
}

fn fmt(args: FmtArgs) -> ExitCode {
    let inputs = match inputs::collect(&args.paths) {
        Ok(inputs) => inputs,
        Err(missing) => return usage(missing.0),
    };
    let style = style(args.color);
    let mut findings = false;
    for input in &inputs {
        let (name, bytes) = match inputs::read(input, &args.stdin_filename) {
            Ok(file) => file,
            Err(e) => {
                let mut out = String::new();
                render::human(&unreadable_report(input, &args.stdin_filename, &e), style, &mut out);
                eprint!("{out}");
                findings = true;
                continue;
            }
        };
        // Formatting needs only a file that parses; the checks are `flowc check`'s job.
        let (text, parsed) = flowc_syntax::parse_bytes(&bytes);
        let formatted = if parsed.has_errors() { None } else { flowc_syntax::format(&text).ok() };
        let report = FileReport::new(name.clone(), text, parsed.diagnostics);
        let Some(formatted) = formatted else {
            let mut out = String::new();
            render::human(&report, style, &mut out);
            eprint!("{out}");
            eprintln!("flowc: {name}: not formatted, it has syntax errors");
            findings = true;
            continue;
        };
        match input {
            Input::Stdin if !args.check => out!("{formatted}"),
            _ if formatted == report.text => {}
            _ if args.check => {
                outln!("would reformat {name}");
                findings = true;
            }
            Input::File(path) => {
                if let Err(e) = write_atomically(path, formatted.as_bytes()) {
                    return internal(format!("cannot write {name}: {e}"));
                }
                outln!("formatted {name}");
            }
            Input::Stdin => unreachable!("stdin with --check is handled above"),
        }
    }
    ExitCode::from(if findings { FINDINGS } else { 0 })
}

/// Readers never see half a file: the compiler's atomic write (a sibling temporary file,
/// renamed over `path`).
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    flowc_compile::output::write_atomically(path, bytes, false)
}

fn explain(args: ExplainArgs) -> ExitCode {
    if args.list || args.code.is_none() {
        for code in Code::ALL {
            outln!("{}  {:<8} {:<28} {}", code, code.phase().as_str(), code.name(), code.summary());
        }
        return ExitCode::SUCCESS;
    }
    let wanted = args.code.unwrap_or_default();
    match wanted.parse::<Code>() {
        Ok(code) => {
            out!("{}", code.explain());
            ExitCode::SUCCESS
        }
        Err(()) => usage(format!("`{wanted}` is not a flowc code; `flowc explain --list` lists them all")),
    }
}

fn example(args: ExampleArgs) -> ExitCode {
    if let Some(dir) = args.write {
        for (name, text) in
            [(flowc_cli::EXAMPLE_NAME, flowc_cli::EXAMPLE), (flowc_cli::EXAMPLE_SCHEMA_NAME, flowc_cli::EXAMPLE_SCHEMA)]
        {
            let path = dir.join(name);
            if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| write_atomically(&path, text.as_bytes())) {
                return usage(format!("cannot write {}: {e}", path.display()));
            }
            outln!("wrote {}", path.display());
        }
        return ExitCode::SUCCESS;
    }
    // Check the example, then compile it and print the request bodies it becomes.
    let checker = Checker::default();
    let source = Source::text(flowc_cli::EXAMPLE_NAME, flowc_cli::EXAMPLE.into(), "example");
    let reports = flowc_cli::check_all(&checker, &[source]);
    let mut out = String::new();
    for report in &reports {
        render::human(report, style(ColorChoice::Auto), &mut out);
    }
    eprint!("{out}");
    eprintln!("{}", render::summary(&reports));
    if reports.iter().any(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error)) {
        return ExitCode::from(FINDINGS);
    }
    let parsed = flowc_syntax::parse(flowc_cli::EXAMPLE);
    let flow_spec = match build_cmd::resolve_flow_spec(&parsed.file, &checker.flowspecs) {
        Ok(spec) => spec,
        Err(_) => return internal("the embedded example names an unknown flow spec"),
    };
    let options = flowc_compile::bodies::CompileOptions { flow_spec, ..Default::default() };
    match flowc_compile::bodies::compile(&parsed.file, flowc_cli::EXAMPLE, Path::new("example"), &options) {
        Ok(compiled) => {
            out!("{}", compiled.bundle_text());
            ExitCode::SUCCESS
        }
        Err(problems) => internal(format!("the embedded example does not compile: {problems:?}")),
    }
}

fn init(args: InitArgs) -> ExitCode {
    let path = args.dir.join(flowc_check::config::FILE_NAME);
    if path.exists() && !args.force {
        return usage(format!("{} exists; --force overwrites it", path.display()));
    }
    if let Err(e) = std::fs::create_dir_all(&args.dir)
        .and_then(|()| write_atomically(&path, flowc_check::config::INIT_TEMPLATE.as_bytes()))
    {
        return usage(format!("cannot write {}: {e}", path.display()));
    }
    outln!("wrote {}", path.display());
    ExitCode::SUCCESS
}

fn functions(cmd: FunctionsCommand) -> ExitCode {
    let catalog = Catalog::builtin();
    match cmd {
        FunctionsCommand::List { category } => {
            let mut functions: Vec<_> = catalog.functions().iter().collect();
            if let Some(category) = &category {
                functions.retain(|f| f.category.as_str() == category);
                if functions.is_empty() {
                    return usage(format!("no function has the category `{category}`"));
                }
            }
            functions.sort_by(|a, b| (a.category.as_str(), &a.name).cmp(&(b.category.as_str(), &b.name)));
            for f in functions {
                let forms: Vec<String> =
                    f.signatures.iter().map(|s| format!("{}{} -> {}", f.name, s.display_params(), s.returns)).collect();
                let availability = match f.availability.as_str() {
                    "all" => String::new(),
                    other => format!("  [{other}]"),
                };
                outln!("{:<12} {}{availability}", f.category.as_str(), forms.join(" | "));
            }
            ExitCode::SUCCESS
        }
        FunctionsCommand::Show { name } => {
            let Some(f) = catalog.get(&name) else {
                let hint = catalog.suggest(&name).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
                return usage(format!("`{name}` is not a Data Prep function{hint}"));
            };
            outln!("{}  ({}, available: {})", f.name, f.category.as_str(), f.availability.as_str());
            outln!("{}", f.description);
            for s in &f.signatures {
                outln!("  {}{} -> {}", f.name, s.display_params(), s.returns);
            }
            if f.method {
                outln!("  also a method: `value.{}(...)`", f.name);
            }
            if !f.examples.is_empty() {
                outln!("examples:");
                for e in &f.examples {
                    outln!("  {}  =>  {}", e.expression, e.result);
                }
            }
            ExitCode::SUCCESS
        }
        FunctionsCommand::Import { file, output } => {
            let text = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(e) => return usage(format!("cannot read {}: {e}", file.display())),
            };
            let (imported, warnings) = match Catalog::import_api(&text) {
                Ok(result) => result,
                Err(e) => {
                    eprintln!("flowc: {}: {e}", file.display());
                    return ExitCode::from(FINDINGS);
                }
            };
            for w in &warnings {
                eprintln!("warning: {w}");
            }
            let merged = imported.merge_into(catalog);
            let json = merged.to_json_pretty();
            match output {
                Some(path) => {
                    if let Err(e) = write_atomically(&path, json.as_bytes()) {
                        return internal(format!("cannot write {}: {e}", path.display()));
                    }
                    eprintln!("wrote {} functions to {}", merged.len(), path.display());
                }
                None => out!("{json}"),
            }
            ExitCode::SUCCESS
        }
    }
}

/// Sources with the flowc.toml of their folder, and the checker with every configured flow
/// spec loaded; problems of the configuration files themselves come back as reports.
fn prepare(
    sources: Vec<Source>,
    bodies: Vec<JsonInput>,
    now: Option<i64>,
) -> (Checker, Vec<Source>, Vec<JsonInput>, Vec<FileReport>) {
    let mut checker = Checker { now, ..Checker::default() };
    let mut configs = Configs::default();
    let mut settings_for = |dir: &Path| configs.settings_for(inputs::folder(dir));
    let sources: Vec<Source> = sources
        .into_iter()
        .map(|source| {
            let settings = settings_for(&source.dir);
            source.with_settings(settings)
        })
        .collect();
    let bodies: Vec<JsonInput> =
        bodies.into_iter().map(|b| JsonInput { settings: settings_for(&b.dir), ..b }).collect();
    let mut reports = std::mem::take(&mut configs.broken);
    let configured = sources.iter().map(|s| &s.settings).chain(bodies.iter().map(|b| &b.settings));
    let mut spec_files: Vec<PathBuf> =
        configured.filter_map(|s| s.config.as_ref()).flat_map(|c| c.flowspecs.clone()).collect();
    spec_files.sort();
    spec_files.dedup();
    for e in checker.flowspecs.load_files(&spec_files) {
        reports.push(FileReport::new(e.path.display().to_string(), e.text, e.diagnostics));
    }
    (checker, sources, bodies, reports)
}

/// `flowc import`: one dataflow's JSON bodies as a flowc file.
fn import(args: ImportArgs) -> ExitCode {
    let mut inputs = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = match std::fs::read_dir(path) {
                // Regular files only, links not followed: as `flowc check` walks a folder.
                Ok(entries) => entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "json"))
                    .collect(),
                Err(e) => return usage(format!("cannot read {}: {e}", path.display())),
            };
            files.sort();
            inputs.extend(files.into_iter().map(|f| (f, false)));
        } else if path.is_file() {
            inputs.push((path.clone(), true));
        } else {
            return usage(format!("`{}`: no such file or folder", path.display()));
        }
    }
    // A file named twice (`DIR` and `DIR/flow.json`) is read once.
    let mut seen = std::collections::HashSet::new();
    inputs.retain(|(path, _)| seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())));
    if let Some(out) = &args.output {
        let parent = inputs::folder(out.parent().unwrap_or(Path::new("")));
        if out.is_dir() || !parent.is_dir() {
            return usage(format!("cannot write {}: give a file path in an existing folder", out.display()));
        }
    }
    let mut bodies = Vec::new();
    for (path, explicit) in inputs {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => return usage(format!("cannot read {}: {e}", path.display())),
        };
        let dir = inputs::folder(path.parent().unwrap_or(Path::new(""))).to_path_buf();
        let name = path.display().to_string();
        bodies.push(JsonInput {
            name,
            path: Some(path),
            bytes,
            explicit,
            dir,
            settings: flowc_check::Settings::default(),
        });
    }
    let (checker, _, bodies, config_reports) = prepare(Vec::new(), bodies, None);
    let origin = args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    let written_dir =
        inputs::folder(args.output.as_deref().and_then(Path::parent).unwrap_or(Path::new(""))).to_path_buf();
    let imported = flowc_cli::bodies::import(&checker, &bodies, &origin, &written_dir);
    let style = Style { color: matches!(args.color, ColorChoice::Always), width: 100 };
    let mut shown = String::new();
    for report in config_reports.iter().chain(&imported.reports).filter(|r| !r.diagnostics.is_empty()) {
        render::human(report, style, &mut shown);
    }
    eprint!("{shown}");
    let Some(text) = imported.text else {
        if imported.reports.iter().all(|r| r.diagnostics.is_empty()) {
            eprintln!("flowc: no request body in {origin}");
        } else {
            eprintln!("flowc: nothing imported: fix the errors above first");
        }
        return ExitCode::from(FINDINGS);
    };
    match &args.output {
        Some(out) => {
            if let Err(e) = flowc_compile::output::write_atomically(out, text.as_bytes(), false) {
                return internal(format!("cannot write {}: {e}", out.display()));
            }
            eprintln!("flowc: wrote {}", out.display());
        }
        None => out!("{text}"),
    }
    ExitCode::SUCCESS
}

fn build(args: build_cmd::BuildArgs) -> ExitCode {
    let sources: Vec<Source> = args
        .files
        .iter()
        .map(|path| Source::file(&path.display().to_string(), std::fs::read(path).unwrap_or_default()))
        .collect();
    let (mut checker, sources, _, mut reports) = prepare(sources, Vec::new(), None);
    checker.dialect = args.dialect.into();
    let fail_on =
        fail_on(args.fail_on.or(args.deny_warnings.then_some(FailOn::Warning)), sources.iter().map(|s| &s.settings));
    build_cmd::run(
        args,
        fail_on,
        |_| {
            reports.extend(flowc_cli::check_all(&checker, &sources));
            reports
        },
        |file| build_cmd::resolve_flow_spec(file, &checker.flowspecs),
    )
}

/// `flowc flowspec`: the built-in flow specs, those of the current folder's flowc.toml, and
/// `--file`s.
fn flowspec(cmd: flowspec_cmd::FlowspecCommand) -> ExitCode {
    let mut configs = Configs::default();
    let settings = configs.settings_for(Path::new("."));
    if !configs.broken.is_empty() {
        let mut out = String::new();
        configs.broken.iter().for_each(|r| render::human(r, style(ColorChoice::Auto), &mut out));
        eprint!("{out}");
        return ExitCode::from(FINDINGS);
    }
    let configured = settings.config.as_ref().map(|c| c.flowspecs.clone()).unwrap_or_default();
    let code = flowspec_cmd::run_with(cmd, &configured, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    ExitCode::from(code)
}
