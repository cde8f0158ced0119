mod schema_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use flowc_cli::inputs::{self, Input};
use flowc_cli::render::{self, FileReport, Style};
use flowc_diag::{Code, Severity};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// flowc: Adobe Experience Platform dataflows as checked, reviewable text.
#[derive(Parser)]
#[command(name = "flowc", version, about, long_about = None, propagate_version = true)]
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
    /// Explain a diagnostic code, with an example.
    Explain(ExplainArgs),
    /// Print the embedded example dataflow and check it; nothing to prepare.
    Example(ExampleArgs),
    /// Inspect a target XDM schema: its paths and fields.
    Schema {
        #[command(subcommand)]
        cmd: schema_cmd::SchemaCommand,
    },
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

#[derive(clap::Args)]
struct CheckArgs {
    /// Files, folders (searched for *.flow, honouring .gitignore), globs, or `-` for stdin.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// The name shown for standard input.
    #[arg(long, default_value = "<stdin>")]
    stdin_filename: String,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 on errors only, or on warnings too.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Print findings only, no summary line.
    #[arg(long, short)]
    quiet: bool,
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
    /// Write the example to DIR/payments.flow instead of printing it.
    #[arg(long, value_name = "DIR")]
    write: Option<PathBuf>,
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
    match std::panic::catch_unwind(move || run(cli)) {
        Ok(code) => code,
        Err(_) => ExitCode::from(INTERNAL),
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Fmt(args) => fmt(args),
        Command::Explain(args) => explain(args),
        Command::Example(args) => example(args),
        Command::Schema { cmd } => schema_cmd::run(cmd),
    }
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

fn read_all(inputs: &[Input], stdin_name: &str) -> Result<Vec<(String, Vec<u8>)>, ExitCode> {
    let mut read = Vec::with_capacity(inputs.len());
    for input in inputs {
        match inputs::read(input, stdin_name) {
            Ok(file) => read.push(file),
            Err(e) => {
                let name = match input {
                    Input::File(p) => p.display().to_string(),
                    Input::Stdin => stdin_name.to_owned(),
                };
                return Err(usage(format!("cannot read {name}: {e}")));
            }
        }
    }
    Ok(read)
}

fn check(args: CheckArgs) -> ExitCode {
    let inputs = match inputs::collect(&args.paths) {
        Ok(inputs) => inputs,
        Err(missing) => return usage(missing.0),
    };
    let files = match read_all(&inputs, &args.stdin_filename) {
        Ok(files) => files,
        Err(code) => return code,
    };
    // Files are independent: check them in parallel, print in input order.
    let reports: Vec<FileReport> =
        files.par_iter().map(|(name, bytes)| flowc_cli::check_source(name, bytes)).collect();
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
        Format::Json => {
            out = serde_json::to_string_pretty(&render::json(&reports)).expect("JSON values serialize");
            out.push('\n');
        }
    }
    if let Err(e) = std::io::stdout().lock().write_all(out.as_bytes()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return internal(format!("cannot write the report: {e}"));
        }
    }
    let failing = |s: Severity| s == Severity::Error || (args.fail_on == FailOn::Warning && s == Severity::Warning);
    let failed = reports.iter().any(|r| r.diagnostics.iter().any(|d| failing(d.severity)));
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
            Err(e) => return usage(format!("cannot read: {e}")),
        };
        let report = flowc_cli::check_source(&name, &bytes);
        let formatted = if report.diagnostics.iter().any(|d| d.severity == Severity::Error) {
            None
        } else {
            flowc_syntax::format(&report.text).ok()
        };
        let Some(formatted) = formatted else {
            let mut out = String::new();
            render::human(&report, style, &mut out);
            eprint!("{out}");
            eprintln!("flowc: {name}: not formatted, it has syntax errors");
            findings = true;
            continue;
        };
        match input {
            Input::Stdin if !args.check => print!("{formatted}"),
            _ if formatted == report.text => {}
            _ if args.check => {
                println!("would reformat {name}");
                findings = true;
            }
            Input::File(path) => {
                if let Err(e) = write_atomically(path, formatted.as_bytes()) {
                    return internal(format!("cannot write {name}: {e}"));
                }
                println!("formatted {name}");
            }
            Input::Stdin => unreachable!("stdin with --check is handled above"),
        }
    }
    ExitCode::from(if findings { FINDINGS } else { 0 })
}

/// Writes a sibling temporary file, then renames it over `path`: readers never see half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.flowc-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn explain(args: ExplainArgs) -> ExitCode {
    if args.list || args.code.is_none() {
        for code in Code::ALL {
            println!("{}  {:<8} {:<28} {}", code, code.phase().as_str(), code.name(), code.summary());
        }
        return ExitCode::SUCCESS;
    }
    let wanted = args.code.unwrap_or_default();
    match wanted.parse::<Code>() {
        Ok(code) => {
            print!("{}", code.explain());
            ExitCode::SUCCESS
        }
        Err(()) => usage(format!("`{wanted}` is not a flowc code; `flowc explain --list` lists them all")),
    }
}

fn example(args: ExampleArgs) -> ExitCode {
    if let Some(dir) = args.write {
        let path = dir.join(flowc_cli::EXAMPLE_NAME);
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| write_atomically(&path, flowc_cli::EXAMPLE.as_bytes())) {
            return usage(format!("cannot write {}: {e}", path.display()));
        }
        println!("wrote {}", path.display());
        return ExitCode::SUCCESS;
    }
    let report = flowc_cli::check_source(flowc_cli::EXAMPLE_NAME, flowc_cli::EXAMPLE.as_bytes());
    print!("{}", flowc_cli::EXAMPLE);
    let mut out = String::new();
    render::human(&report, style(ColorChoice::Auto), &mut out);
    print!("{out}");
    println!("\n{}", render::summary(std::slice::from_ref(&report)));
    ExitCode::from(if report.diagnostics.is_empty() { 0 } else { FINDINGS })
}
