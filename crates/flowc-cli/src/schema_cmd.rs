//! `flowc schema paths|show`: the paths of an XDM schema, and what one of them accepts.
//!
//! Exit codes: 0 done, 1 the schema has errors (diagnostics on stderr), 2 usage error (bad
//! arguments, or `show` of a path the schema does not have).

use clap::{Args, Subcommand, ValueEnum};
use flowc_schema::{Loaded, SchemaIndex, SchemaSource};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// List every leaf path of a schema with its XDM type (`path<TAB>type`).
    ///
    /// SCHEMA is a Schema Registry download (`flowc schema paths product.xed.json`), or with
    /// --xdm-dir a class `$id` followed by field group `$id`s.
    Paths {
        #[command(flatten)]
        source: SourceArgs,
        /// A registry-form file; with --xdm-dir, CLASS_ID [FIELD_GROUP_ID...]
        #[arg(required = true, value_name = "SCHEMA")]
        schema: Vec<String>,
        /// `text`: one `path<TAB>type` line per leaf; `json`: an array of objects with
        /// `path`, `type`, `required` and the constraints the schema states.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show one field: its type, whether it is required, constraints, title and description.
    ///
    /// `flowc schema show product.xed.json productListPrice.amount`, or
    /// `flowc schema show --xdm-dir DIR CLASS_ID [FIELD_GROUP_ID...] PATH`.
    Show {
        #[command(flatten)]
        source: SourceArgs,
        /// As for `paths`
        #[arg(required = true, num_args = 1.., value_name = "SCHEMA")]
        schema: Vec<String>,
        /// The field, e.g. `productListItems[*].SKU` (indexes such as `[0]` and map keys
        /// such as `identityMap.ECID` are accepted)
        #[arg(value_name = "PATH")]
        path: String,
        /// `text`, or `json`: the field as an object (`path`, `type`, `required`, ...)
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub struct SourceArgs {
    /// A folder of source-form `*.schema.json` files (as in the public XDM repository);
    /// SCHEMA is then a class `$id` followed by field group `$id`s.
    #[arg(long, value_name = "DIR")]
    xdm_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(cmd: SchemaCommand) -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    ExitCode::from(run_with(cmd, &mut stdout.lock(), &mut stderr.lock()))
}

/// `run` with its output streams given, for tests. Write errors (a closed pipe, as in
/// `flowc schema paths x | head`) are ignored rather than turned into panics.
pub fn run_with(cmd: SchemaCommand, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match cmd {
        SchemaCommand::Paths { source, schema, format } => {
            let source = match schema_source(source, &schema, err) {
                Some(s) => s,
                None => return 2,
            };
            let Some(index) = load(&source, err) else {
                return 1;
            };
            let _ = match format {
                Format::Text => out.write_all(index.paths_tsv().as_bytes()),
                Format::Json => writeln!(out, "{}", index.paths_json()),
            };
            0
        }
        SchemaCommand::Show { source, schema, path, format } => {
            let source = match schema_source(source, &schema, err) {
                Some(s) => s,
                None => return 2,
            };
            let Some(index) = load(&source, err) else {
                return 1;
            };
            match index.resolve(&path) {
                Some(field) => {
                    let _ = match format {
                        Format::Text => out.write_all(index.describe(field).as_bytes()),
                        Format::Json => {
                            let json = serde_json::to_string_pretty(field).unwrap_or_default();
                            writeln!(out, "{json}")
                        }
                    };
                    0
                }
                None => {
                    let name = index.title().or(index.id()).unwrap_or("the schema");
                    let _ = writeln!(err, "flowc: error: `{path}` is not a path of {name}");
                    match index.suggest(&path).help() {
                        Some(help) => {
                            let _ = writeln!(err, "   = help: {help}");
                        }
                        None => {
                            let _ = writeln!(err, "   = help: `flowc schema paths` lists the paths of the schema");
                        }
                    }
                    2
                }
            }
        }
    }
}

fn schema_source(args: SourceArgs, schema: &[String], err: &mut dyn Write) -> Option<SchemaSource> {
    match (args.xdm_dir, schema) {
        (Some(dir), [class, field_groups @ ..]) => {
            Some(SchemaSource::Xdm { dir, class: class.clone(), field_groups: field_groups.to_vec() })
        }
        (None, [file]) => {
            let path = PathBuf::from(file);
            if path.is_dir() {
                let _ = writeln!(
                    err,
                    "flowc: error: `{file}` is a folder\n   = help: for source-form XDM use `--xdm-dir {file} CLASS_ID [FIELD_GROUP_ID...]`"
                );
                return None;
            }
            Some(SchemaSource::RegistryFile(path))
        }
        (None, [first, ..]) => {
            let _ = writeln!(
                err,
                "flowc: error: several SCHEMA arguments (`{first}`, ...) but no --xdm-dir\n   = help: a registry-form schema is one file; a class and field groups by `$id` need `--xdm-dir DIR`"
            );
            None
        }
        (_, []) => {
            let _ = writeln!(err, "flowc: error: no SCHEMA given");
            None
        }
    }
}

/// Loads and prints every diagnostic; the index only if there are no errors.
fn load(source: &SchemaSource, err: &mut dyn Write) -> Option<SchemaIndex> {
    let Loaded { index, diagnostics } = flowc_schema::load(source);
    let has_errors = diagnostics.iter().any(|d| d.is_error());
    for d in &diagnostics {
        let _ = err.write_all(d.render_plain().as_bytes());
    }
    if has_errors { None } else { index }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        cmd: SchemaCommand,
    }

    fn fixtures() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
    }

    fn run_args(args: &[&str]) -> (u8, String, String) {
        let cli = Cli::try_parse_from(std::iter::once("schema").chain(args.iter().copied())).expect("arguments parse");
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_with(cli.cmd, &mut out, &mut err);
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn paths_of_a_source_form_composition() {
        let dir = fixtures().join("xdm");
        let (code, out, err) = run_args(&[
            "paths",
            "--xdm-dir",
            dir.to_str().unwrap(),
            "https://ns.adobe.com/xdm/context/experienceevent",
            "https://ns.adobe.com/xdm/context/experienceevent-commerce",
        ]);
        assert_eq!((code, err.as_str()), (0, ""));
        assert!(out.lines().any(|l| l == "productListItems[*].SKU\tstring"), "{out}");
        assert!(out.lines().any(|l| l == "timestamp\tdate-time"));
        assert!(out.lines().any(|l| l == "identityMap\tmap"));
    }

    #[test]
    fn paths_as_json_carry_type_and_required() {
        let file = fixtures().join("schema/product.xed.json");
        let (code, out, _) = run_args(&["paths", "--format", "json", file.to_str().unwrap()]);
        assert_eq!(code, 0);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let id = json.as_array().unwrap().iter().find(|f| f["path"] == "_id").expect("_id listed");
        assert_eq!((id["type"].as_str(), id["required"].as_bool()), (Some("string"), Some(false)));
    }

    #[test]
    fn show_unknown_path_is_a_usage_error_with_did_you_mean() {
        let file = fixtures().join("schema/profile.xed.json");
        let (code, _, err) = run_args(&["show", file.to_str().unwrap(), "loyalty.tier"]);
        assert_eq!(code, 2);
        assert!(err.contains("did you mean `_acme.loyalty.tier`? Your organization's own fields live under the tenant namespace `_acme`"), "{err}");
    }

    #[test]
    fn show_prints_type_constraints_and_title() {
        let file = fixtures().join("schema/profile.xed.json");
        let (code, out, _) = run_args(&["show", file.to_str().unwrap(), "person.birthYear"]);
        assert_eq!(code, 0);
        assert!(out.starts_with("person.birthYear: short\n"), "{out}");
        assert!(out.contains("maximum      32767"), "{out}");
        assert!(out.contains("title        Birth year"), "{out}");
    }

    #[test]
    fn schema_errors_exit_1_with_coded_diagnostics() {
        let dir = fixtures().join("diagnostics/F202");
        let (code, out, err) =
            run_args(&["paths", "--xdm-dir", dir.to_str().unwrap(), "https://ns.adobe.com/acme/classes/order"]);
        assert_eq!((code, out.as_str()), (1, ""));
        assert!(err.contains("error[F202]"), "{err}");
    }

    #[test]
    fn a_folder_without_xdm_dir_is_a_usage_error() {
        let dir = fixtures().join("xdm");
        let (code, _, err) = run_args(&["paths", dir.to_str().unwrap()]);
        assert_eq!(code, 2);
        assert!(err.contains("--xdm-dir"), "{err}");
    }
}
