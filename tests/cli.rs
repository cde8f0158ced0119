//! The real `flowc` binary: exit codes, output formats, stdin, fmt, explain, example.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn flowc(args: &[&str]) -> Output {
    flowc_with_stdin(args, None)
}

fn flowc_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowc"))
        .args(args)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("flowc starts");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).expect("stdin accepts the input");
    }
    drop(pipe);
    child.wait_with_output().expect("flowc runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flowc-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn clean_files_exit_0_with_a_summary() {
    let out = flowc(&["check", "fixtures/check/ok"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("checked 4 files: no problems"), "{}", stdout(&out));
}

#[test]
fn findings_exit_1_and_name_the_code_and_place() {
    let out = flowc(&["check", "--format", "short", "fixtures/syntax/err/F107-unknown-key.flow"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(
            "fixtures/syntax/err/F107-unknown-key.flow:3:3: error[F107] unknown setting `tabel` in the `source` block"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(flowc(&["check", "no/such/file.flow"]).status.code(), Some(2));
    assert_eq!(flowc(&["check", "--format", "yaml", "."]).status.code(), Some(2));
    assert_eq!(flowc(&["no-such-command"]).status.code(), Some(2));
    let out = flowc(&["explain", "F999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a flowc code"));
}

#[test]
fn every_subcommand_has_help() {
    for command in ["check", "fmt", "explain", "example", "build", "init", "schema", "functions", "flowspec"] {
        let out = flowc(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command} --help");
        assert!(stdout(&out).contains("Usage: flowc"), "{command}: {}", stdout(&out));
    }
}

#[test]
fn stdin_is_read_with_the_given_name() {
    let out = flowc_with_stdin(
        &["check", "--format", "short", "--stdin-filename", "flows/in.flow", "-"],
        Some(b"mapping {\n  a = (b\n}\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("flows/in.flow:2:7: error[F103] unclosed `(`"), "{}", stdout(&out));
}

#[test]
fn json_output_is_the_documented_contract() {
    let out = flowc(&["check", "--format", "json", "fixtures/syntax/err/F105-unknown-block.flow"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    let first = &doc["diagnostics"][0];
    for key in ["code", "severity", "message", "file", "line", "column", "end_line", "end_column", "help"] {
        assert!(first.get(key).is_some(), "missing `{key}` in {first}");
    }
    assert_eq!(first["code"], "F105");
    assert_eq!(first["severity"], "error");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(2), Some(1)));
    assert_eq!((first["end_line"].as_u64(), first["end_column"].as_u64()), (Some(2), Some(9)));
    assert_eq!(first["help"], "did you mean `mapping`?");
    assert_eq!(doc["summary"]["errors"], 2);
}

#[test]
fn github_annotations() {
    let out = flowc(&["check", "--format", "github", "fixtures/syntax/err/F106-duplicate-block.flow"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with(
            "::error file=fixtures/syntax/err/F106-duplicate-block.flow,line=10,col=1,endLine=10,endColumn=8,title=flowc F106::duplicate `mapping` block"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn quiet_drops_the_summary() {
    let out = flowc(&["check", "--quiet", "fixtures/check/ok"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
}

#[test]
fn folders_are_walked_for_flow_files_honouring_gitignore_and_globs_expand() {
    let dir = temp_dir("walk");
    std::fs::create_dir_all(dir.join("a/b")).expect("dirs");
    std::fs::write(dir.join("a/b/good.flow"), "source {\n  columns {\n    b: string\n  }\n}\n\ntarget {\n  schema_file = \"product.xed.json\"\n}\n\nmapping {\n  _id = b\n}\n").expect("write");
    std::fs::copy(common::root().join("fixtures/schema/product.xed.json"), dir.join("a/b/product.xed.json"))
        .expect("copy");
    std::fs::write(dir.join("a/bad.flow"), "mapping {\n  a = \n}\n").expect("write");
    std::fs::write(dir.join("a/notes.txt"), "not a flow file").expect("write");
    std::fs::write(dir.join(".gitignore"), "bad.flow\n").expect("write");
    let out = flowc(&["check", dir.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0), "bad.flow is ignored: {}", stdout(&out));
    assert!(stdout(&out).contains("checked 1 file: no problems"), "{}", stdout(&out));
    let pattern = format!("{}/**/*.flow", dir.display());
    let out = flowc(&["check", "--format", "short", &pattern]);
    assert_eq!(out.status.code(), Some(1), "a glob names files directly: {}", stdout(&out));
    assert!(stdout(&out).contains("checked 2 files: 1 error, 0 warnings"), "{}", stdout(&out));
}

#[test]
fn fmt_check_is_clean_on_the_ok_fixtures() {
    let out = flowc(&["fmt", "--check", "fixtures/syntax/ok"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn fmt_rewrites_files_in_place_and_check_reports_them() {
    let dir = temp_dir("fmt");
    let file = dir.join("messy.flow");
    std::fs::copy(common::root().join("fixtures/fmt/messy.flow"), &file).expect("copy");
    let path = file.to_str().expect("utf-8");
    let out = flowc(&["fmt", "--check", path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("would reformat"), "{}", stdout(&out));
    assert_eq!(flowc(&["fmt", path]).status.code(), Some(0));
    assert_eq!(flowc(&["fmt", "--check", path]).status.code(), Some(0));
    let leftovers: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file stays behind: {leftovers:?}");
}

#[test]
fn fmt_reads_stdin_and_refuses_files_with_syntax_errors() {
    let out = flowc_with_stdin(&["fmt", "-"], Some(b"mapping{\n a=b\n}"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "mapping {\n  a = b\n}\n");
    let out = flowc_with_stdin(&["fmt", "-"], Some(b"mapping {\n a = (b\n}"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "", "nothing is printed for a broken file");
    assert!(stderr(&out).contains("F103"), "{}", stderr(&out));
}

#[test]
fn explain_prints_the_explanation_and_lists_codes() {
    let out = flowc(&["explain", "F107"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# F107 unknown-key"), "{}", stdout(&out));
    assert!(stdout(&out).contains("```flowc"));
    let by_name = flowc(&["explain", "unknown-key"]);
    assert_eq!(stdout(&by_name), stdout(&out));
    let list = stdout(&flowc(&["explain", "--list"]));
    for code in flowc_diag::Code::ALL {
        assert!(list.contains(code.as_str()), "{code} missing from --list");
    }
}

#[test]
fn the_example_runs_with_nothing_to_prepare() {
    let out = flowc(&["example"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("checked 1 file: no problems"), "{}", stderr(&out));
    // It prints the request bodies the example compiles to.
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON bundle");
    assert_eq!(bundle["sourceConnection"]["params"]["tableName"], "PayPal.Catalog_Products");
    assert_eq!(bundle["flow"]["flowSpec"]["id"], "14518937-270c-4525-bdec-c2ba7cce3860");
    assert_eq!(bundle["flow"]["scheduleParams"]["interval"], 15);
    assert_eq!(bundle["plan"]["requests"].as_array().map(Vec::len), Some(4));
    let dir = temp_dir("example");
    let out = flowc(&["example", "--write", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(dir.join("payments.flow")).expect("written"), flowc_cli::EXAMPLE);
}

#[test]
fn hostile_inputs_get_a_coded_diagnostic_and_exit_1() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", Vec::new(), "F110"),
        ("invalid UTF-8", b"mapping {\n  a = \"\xc3\x28\"\n}\n".to_vec(), "F100"),
        (
            "100,000 nested parentheses",
            {
                let mut s = b"mapping {\n  a = ".to_vec();
                s.extend(std::iter::repeat_n(b'(', 100_000));
                s.extend(b"1");
                s.extend(std::iter::repeat_n(b')', 100_000));
                s.extend(b"\n}\n");
                s
            },
            "F109",
        ),
        (
            "100,000 nested arrays in a setting",
            {
                let mut s = b"options {\n  a = ".to_vec();
                s.extend(std::iter::repeat_n(b'[', 100_000));
                s.extend(b"\n}\n");
                s
            },
            "F109",
        ),
        (
            "100,000 unary operators",
            {
                let mut s = b"mapping {\n  a = ".to_vec();
                s.extend(std::iter::repeat_n(b'!', 100_000));
                s.extend(b"b\n}\n");
                s
            },
            "F109",
        ),
        (
            "10 MB file",
            {
                let mut s = b"mapping {\n".to_vec();
                while s.len() < 10 * 1024 * 1024 {
                    s.extend(b"  some.destination.path = concat(a, b, \"text\")\n");
                }
                s.extend(b"}\n");
                s
            },
            "F111",
        ),
        ("unbalanced brackets", b"mapping {\n  a = ([)]\n}\n".to_vec(), "F10"),
        ("unterminated string", b"mapping {\n  a = \"open\n}\n".to_vec(), "F102"),
    ];
    for (what, input, code) in cases {
        let out = flowc_with_stdin(&["check", "--format", "short", "-"], Some(&input));
        assert_eq!(out.status.code(), Some(1), "{what}: {}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains(&format!("error[{code}")), "{what}: {}", stdout(&out));
        assert!(stderr(&out).is_empty(), "{what}: no panic or other noise: {}", stderr(&out));
    }
}

#[test]
fn a_huge_file_of_valid_entries_parses_in_one_pass() {
    // Just under the size limit: linear parsing keeps this well within the test timeout.
    let mut s = String::from("target {\n  schema = \"https://ns.adobe.com/acme/schemas/big\"\n}\n\nmapping {\n");
    let mut i = 0;
    while s.len() < 7 * 1024 * 1024 {
        s.push_str(&format!("  some.destination{i}.path = concat(a, b, \"text\")\n"));
        i += 1;
    }
    s.push_str("}\n");
    let out = flowc_with_stdin(&["check", "--format", "short", "-"], Some(s.as_bytes()));
    // No schema definition and no columns: the only findings say so, once each.
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("checked 1 file: 0 errors, 2 warnings"), "{}", stdout(&out));
}

fn flowc_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flowc"));
    cmd.args(args).current_dir(common::root()).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("flowc runs")
}

#[test]
fn output_is_identical_with_1_and_8_threads() {
    let args = ["check", "--format", "json", "fixtures/diagnostics", "fixtures/check/ok", "fixtures/syntax"];
    let one = flowc_env(&args, &[("RAYON_NUM_THREADS", "1")]);
    let eight = flowc_env(&args, &[("RAYON_NUM_THREADS", "8")]);
    assert_eq!(one.status.code(), Some(1));
    assert!(one.stdout.len() > 10_000, "a real amount of output is compared");
    assert_eq!(one.stdout, eight.stdout, "output depends on the thread count");
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let out = flowc(&["check", "--format", "sarif", "fixtures/diagnostics/F301"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["ruleId"], "F301");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 17);
}

#[test]
fn fail_on_warning_turns_warnings_into_a_failing_exit() {
    let file = "fixtures/diagnostics/F315/suspicious-date-pattern.flow";
    assert_eq!(flowc(&["check", file]).status.code(), Some(0), "warnings alone pass by default");
    assert_eq!(flowc(&["check", "--fail-on", "warning", file]).status.code(), Some(1));
}

/// `build` stops where `check` fails: on `--fail-on warning`, and on flowc.toml's
/// `fail_on = "warning"`, nothing is written.
#[test]
fn build_refuses_warnings_when_fail_on_says_so() {
    let dir = temp_dir("build-fail-on");
    let flow = std::fs::read_to_string(common::root().join("fixtures/diagnostics/F315/suspicious-date-pattern.flow"))
        .expect("fixture");
    std::fs::write(dir.join("dates.flow"), flow.replace("../../schema/", "")).expect("write");
    std::fs::copy(
        common::root().join("fixtures/schema/experienceevent.xed.json"),
        dir.join("experienceevent.xed.json"),
    )
    .expect("copy");
    let file = dir.join("dates.flow");
    let file = file.to_str().expect("utf-8");
    let out_dir = |name: &str| dir.join(name).to_str().expect("utf-8").to_owned();
    let out = flowc(&["build", file, "-o", &out_dir("default")]);
    assert_eq!(out.status.code(), Some(0), "warnings alone build by default: {}", stderr(&out));
    let out = flowc(&["build", "--fail-on", "warning", file, "-o", &out_dir("flag")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing was built"), "{}", stderr(&out));
    assert!(!dir.join("flag").exists(), "nothing may be written");
    std::fs::write(dir.join("flowc.toml"), "[lint]\nfail_on = \"warning\"\n").expect("write");
    let out = flowc(&["build", file, "-o", &out_dir("config")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.join("config").exists(), "nothing may be written");
    // The command line overrides flowc.toml, as for `check`.
    let out = flowc(&["build", "--fail-on", "error", file, "-o", &out_dir("override")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("override/dates/mapping-set.json").exists());
}

/// The clock is written the same two ways on the command line and in flowc.toml: epoch
/// seconds or an RFC 3339 date-time.
#[test]
fn now_takes_epoch_seconds_or_rfc3339_in_both_places() {
    let dir = temp_dir("now");
    let flow = std::fs::read_to_string(common::root().join("fixtures/diagnostics/F411/start-time-in-past.flow"))
        .expect("fixture");
    std::fs::write(dir.join("late.flow"), flow.replace("../../schema/", "")).expect("write");
    std::fs::copy(
        common::root().join("fixtures/schema/experienceevent.xed.json"),
        dir.join("experienceevent.xed.json"),
    )
    .expect("copy");
    let file = dir.join("late.flow");
    let file = file.to_str().expect("utf-8");
    let codes = |args: &[&str]| -> String {
        let out = flowc(&[&["check", "--format", "short", "--quiet"], args, &[file]].concat());
        assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
        stdout(&out)
    };
    // The start time is 2026-01-01T00:00:00Z (1767225600).
    for late in ["1795824000", "2026-11-28T00:00:00Z", "2026-11-28T01:00:00+01:00"] {
        assert!(codes(&["--now", late]).contains("[F411]"), "--now {late}");
    }
    for early in ["0", "-86400", "1970-01-01T00:00:00Z"] {
        assert!(!codes(&["--now", early]).contains("[F411]"), "--now {early}");
    }
    let out = flowc(&["check", "--now", "yesterday", file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("yesterday"), "{}", stderr(&out));
    for now in ["1795824000", "1_795_824_000", "\"1795824000\"", "\"2026-11-28T00:00:00Z\"", "2026-11-28T00:00:00Z"] {
        std::fs::write(dir.join("flowc.toml"), format!("now = {now}\n")).expect("write");
        assert!(codes(&[]).contains("[F411]"), "now = {now}: {}", codes(&[]));
    }
}

/// The current dialect drops `@identity`, and says so (F503); the legacy dialect sends it.
#[test]
fn build_warns_that_the_current_dialect_drops_identities() {
    let dir = temp_dir("build-identity");
    let out_dir = |name: &str| dir.join(name).to_str().expect("utf-8").to_owned();
    let file = "fixtures/diagnostics/F503/identity-not-sent.flow";
    let current = flowc(&["build", file, "-o", &out_dir("current")]);
    assert_eq!(current.status.code(), Some(0), "{}", stderr(&current));
    assert!(stderr(&current).contains("F503"), "{}", stderr(&current));
    assert!(stderr(&current).contains("--dialect legacy"), "{}", stderr(&current));
    let legacy = flowc(&["build", file, "--dialect", "legacy", "-o", &out_dir("legacy")]);
    assert_eq!(legacy.status.code(), Some(0), "{}", stderr(&legacy));
    assert!(!stderr(&legacy).contains("F503"), "{}", stderr(&legacy));
    let mapping = std::fs::read_to_string(dir.join("legacy/identity-not-sent/mapping-set.json")).expect("written");
    assert!(mapping.contains("\"namespaceCode\": \"Email\""), "{mapping}");
}

/// The top-level help lists every command (and no stale summary of three).
#[test]
fn help_lists_every_command() {
    let out = flowc(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(!help.contains("check, fmt, explain"), "{help}");
    let commands = [
        "check",
        "fmt",
        "build",
        "explain",
        "example",
        "schema",
        "flowspec",
        "functions",
        "init",
        "import",
        "completions",
        "man",
    ];
    for command in commands {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "`{command}` missing:\n{help}"
        );
    }
}

#[test]
fn completions_and_man_pages_come_from_the_same_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = flowc(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains("flowc") && script.contains("--fail-on"), "{shell}:\n{script}");
    }
    assert_eq!(flowc(&["completions", "tcsh"]).status.code(), Some(2), "an unknown shell is a usage error");
    let page = flowc(&["man"]);
    assert_eq!(page.status.code(), Some(0));
    let roff = stdout(&page);
    assert!(roff.contains(".TH flowc 1") && roff.contains("completions"), "{roff}");
    let dir = temp_dir("man");
    let out = flowc(&["man", "--dir", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for page in ["flowc.1", "flowc-check.1", "flowc-build.1"] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn a_folder_without_inputs_says_so() {
    let dir = temp_dir("nothing-to-check");
    std::fs::write(dir.join("notes.txt"), "not a flow file").expect("write");
    let out = flowc(&["check", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "nothing to check is not a finding");
    assert!(stderr(&out).contains("no flow files (*.flow) or JSON request bodies in"), "{}", stderr(&out));
}

/// `{TENANT_ID}` never reaches a body: replaced by flowc.toml's tenant, else refused by build.
#[test]
fn build_replaces_the_tenant_placeholder_or_refuses_it() {
    let dir = temp_dir("tenant");
    let flow =
        std::fs::read_to_string(common::root().join("fixtures/diagnostics/F504/tenant-unknown.flow")).expect("fixture");
    std::fs::write(dir.join("t.flow"), flow).expect("write");
    let file = dir.join("t.flow");
    let file = file.to_str().expect("utf-8");
    let refused = flowc(&["build", file, "-o", "-"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(refused.stdout.is_empty(), "nothing is printed");
    let said = stderr(&refused);
    assert!(said.contains("F504") && said.contains("× the target schema's id holds"), "an error in build: {said}");
    assert!(said.contains("nothing was built"), "{said}");
    std::fs::write(dir.join("flowc.toml"), "tenant = \"acme\"\n").expect("write");
    let built = flowc(&["build", file, "-o", "-"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let bundle = stdout(&built);
    assert!(!bundle.contains("TENANT_ID"), "{bundle}");
    let bundle: serde_json::Value = serde_json::from_str(&bundle).expect("JSON");
    let mapping = &bundle["mappingSet"];
    assert_eq!(
        mapping["outputSchema"]["schemaRef"]["id"],
        "https://ns.adobe.com/acme/schemas/14d89c5bb88e2ff488f23db896be469e7e30bb166bda8722"
    );
    assert_eq!(mapping["mappings"][1]["destination"], "_acme.channel");
    let legacy = flowc(&["build", file, "-o", "-", "--dialect", "legacy"]);
    let legacy: serde_json::Value = serde_json::from_slice(&legacy.stdout).expect("JSON");
    assert_eq!(legacy["mappingSet"]["mappings"][1]["destinationXdmPath"], "_acme.channel");
}

/// What `flowc import` writes from clean bodies checks clean: no diagnostic is import's own
/// doing (a legacy mapping set's identities included, which the default dialect drops).
#[test]
fn imported_files_of_clean_bodies_check_clean() {
    // existing-connections: the tutorial's four requests saved after they were sent, the flow
    // naming the connections by id (import wrote their create settings too: 8 F502).
    for case in ["payments", "legacy-dialect", "bundle", "large-500", "existing-connections"] {
        let path = format!("fixtures/import/{case}");
        let bodies = flowc(&["check", "--format", "short", &path]);
        assert_eq!(bodies.status.code(), Some(0), "{case}: the bodies themselves: {}", stdout(&bodies));
        let imported = flowc(&["import", &path]);
        assert_eq!(imported.status.code(), Some(0), "{case}: {}", stderr(&imported));
        let name = format!("{case}.flow");
        let out =
            flowc_with_stdin(&["check", "--format", "short", "--stdin-filename", &name, "-"], Some(&imported.stdout));
        assert_eq!(out.status.code(), Some(0), "{case}:\n{}\n{}", stdout(&out), stdout(&imported));
        assert!(stdout(&out).contains("no problems"), "{case}:\n{}", stdout(&out));
    }
}

#[test]
fn suppressions_silence_findings_and_unused_ones_are_reported() {
    let dir = temp_dir("suppress");
    std::fs::copy(common::root().join("fixtures/schema/product.xed.json"), dir.join("product.xed.json")).expect("copy");
    let text = "source {\n  columns {\n    Id: string\n  }\n}\n\ntarget {\n  schema_file = \"product.xed.json\"\n}\n\nmapping {\n  # flowc: ignore[F301] the field is added to the schema next sprint\n  productNme = Id\n  _id = Id # flowc: ignore[F300] nothing to silence here\n}\n";
    std::fs::write(dir.join("s.flow"), text).expect("write");
    let out = flowc(&["check", "--format", "short", dir.join("s.flow").to_str().expect("utf-8")]);
    let report = stdout(&out);
    assert!(!report.contains("F301"), "the suppression silences F301: {report}");
    assert!(report.contains(":14:12: warning[F003]"), "the unused one is reported: {report}");
    assert_eq!(out.status.code(), Some(0), "{report}");
}

#[test]
fn flowc_toml_is_found_upward_and_applies_tenant_schemas_and_ignores() {
    let dir = temp_dir("config");
    std::fs::create_dir_all(dir.join("flows/nested")).expect("dirs");
    std::fs::copy(common::root().join("fixtures/schema/product.xed.json"), dir.join("product.xed.json")).expect("copy");
    std::fs::write(
        dir.join("flowc.toml"),
        "tenant = \"acme\"\n\n[[schema]]\nid = \"https://ns.adobe.com/acme/schemas/products\"\nfile = \"product.xed.json\"\n\n[lint]\nignore = [\"F324\"]\n",
    )
    .expect("write");
    // No columns (F324, ignored by the config); the schema comes from flowc.toml by $id;
    // `_{TENANT_ID}` is the configured tenant.
    let text = "target {\n  schema = \"https://ns.adobe.com/{TENANT_ID}/schemas/products\"\n}\n\nmapping {\n  _id = Id\n  _{TENANT_ID}.supplier.name = \"PayPal\"\n  _{TENANT_ID}.supplier.nme = \"x\"\n}\n";
    std::fs::write(dir.join("flows/nested/p.flow"), text).expect("write");
    let out = flowc(&["check", "--format", "short", dir.join("flows").to_str().expect("utf-8")]);
    let report = stdout(&out);
    assert!(report.contains("p.flow:8:3: error[F301] `_{TENANT_ID}.supplier.nme` is not a field"), "{report}");
    assert!(!report.contains("F324") && !report.contains("F323"), "{report}");
    assert!(report.contains("checked 1 file: 1 error, 0 warnings"), "{report}");
    // A broken flowc.toml is reported with its own code, and fails the run.
    std::fs::write(dir.join("flowc.toml"), "tenant = 42\n").expect("write");
    let out = flowc(&["check", "--format", "short", dir.join("flows").to_str().expect("utf-8")]);
    assert!(stdout(&out).contains("flowc.toml:1:10: error[F010]"), "{}", stdout(&out));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn init_writes_a_config_that_loads() {
    let dir = temp_dir("init");
    let out = flowc(&["init", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0));
    let again = flowc(&["init", dir.to_str().expect("utf-8")]);
    assert_eq!(again.status.code(), Some(2), "an existing flowc.toml is not overwritten");
    std::fs::write(dir.join("a.flow"), "mapping {\n  a = b\n}\n").expect("write");
    let out = flowc(&["check", "--format", "short", dir.join("a.flow").to_str().expect("utf-8")]);
    assert!(!stdout(&out).contains("F010"), "the template is valid: {}", stdout(&out));
}

#[test]
fn functions_list_show_and_import() {
    let list = stdout(&flowc(&["functions", "list", "--category", "regex"]));
    assert!(list.contains("extract_regex(STRING: string, REGEX: string)"), "{list}");
    let show = flowc(&["functions", "show", "toUpper"]);
    assert_eq!(show.status.code(), Some(2));
    assert!(stderr(&show).contains("did you mean `upper`?"));
    let out = flowc(&["functions", "import", "crates/flowc-check/tests/fixtures/el-functions.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let catalog: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(catalog["functions"].as_array().expect("functions").len() >= 100);
}

#[test]
fn many_findings_are_capped_per_file() {
    let mut s = String::from("source {\n  columns {\n    a: string\n  }\n}\n\nmapping {\n");
    for _ in 0..2_000 {
        s.push_str("  x = a\n");
    }
    s.push_str("}\n");
    let out = flowc_with_stdin(&["check", "--format", "json", "-"], Some(s.as_bytes()));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let diagnostics = doc["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), flowc_check::MAX_DIAGNOSTICS);
    let last = diagnostics.last().expect("one");
    assert!(last["notes"].to_string().contains("more diagnostics of this file are not shown"), "{last}");
}

#[test]
fn build_writes_the_bodies_atomically_and_nothing_when_a_file_has_an_error() {
    let dir = temp_dir("build");
    let out = flowc(&["build", "fixtures/compile/payments/dataflow.flow", "-o", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    for name in ["source-connection.json", "target-connection.json", "mapping-set.json", "flow.json", "plan.json"] {
        let written = std::fs::read(dir.join("dataflow").join(name)).expect("written");
        let expected = std::fs::read(common::root().join("fixtures/compile/payments").join(name)).expect("golden");
        assert_eq!(written, expected, "{name} differs from the golden file");
    }
    // A file with an error among the inputs: nothing at all is written.
    let empty = temp_dir("build-refused");
    let out = flowc(&[
        "build",
        "fixtures/compile/payments/dataflow.flow",
        "fixtures/diagnostics/F402/minute-below-minimum.flow",
        "-o",
        empty.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(&empty).expect("dir").count(), 0, "nothing may be written");
    // `-o -` prints one bundle, byte-identical across runs.
    let a = flowc(&["build", "fixtures/compile/payments/dataflow.flow", "-o", "-"]);
    let b = flowc(&["build", "fixtures/compile/payments/dataflow.flow", "-o", "-", "--dialect", "current"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let bundle: serde_json::Value = serde_json::from_slice(&a.stdout).expect("JSON");
    assert_eq!(bundle["mappingSet"]["mappings"][0]["sourceType"], "ATTRIBUTE");
}

#[test]
fn build_emits_the_script_and_the_postman_collection_and_keeps_the_state_file() {
    let dir = temp_dir("build-emit");
    let args = [
        "build",
        "fixtures/compile/payments/dataflow.flow",
        "-o",
        dir.to_str().expect("utf-8"),
        "--emit",
        "curl",
        "--emit",
        "postman",
    ];
    let out = flowc(&args);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    for name in ["plan.sh", "plan.postman_collection.json"] {
        let written = std::fs::read(dir.join("dataflow").join(name)).expect("written");
        let expected = std::fs::read(common::root().join("fixtures/compile/payments").join(name)).expect("golden");
        assert_eq!(written, expected, "{name} differs from the golden file");
    }
    // What plan.sh created is recorded beside it: a rebuild never removes that record.
    std::fs::write(dir.join("dataflow/plan.state.json"), "{}").expect("write");
    assert_eq!(flowc(&args).status.code(), Some(0));
    assert!(dir.join("dataflow/plan.state.json").is_file(), "the state file survives a rebuild");
    // `-o -` prints the one thing asked for.
    let one = flowc(&["build", "fixtures/compile/payments/dataflow.flow", "-o", "-", "--emit", "postman"]);
    assert_eq!(one.status.code(), Some(0));
    let collection: serde_json::Value = serde_json::from_slice(&one.stdout).expect("JSON");
    assert_eq!(collection["item"].as_array().map(Vec::len), Some(4));
    let both =
        flowc(&["build", "fixtures/compile/payments/dataflow.flow", "-o", "-", "--emit", "curl", "--emit", "postman"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
}

#[test]
fn flowspec_lists_the_builtin_spec_and_those_of_flowc_toml() {
    let dir = temp_dir("flowspecs");
    let mut spec: serde_json::Value = serde_json::from_slice(
        &std::fs::read(common::root().join("fixtures/flowspecs/crm-to-aep.json")).expect("spec"),
    )
    .expect("JSON");
    spec["id"] = "aaaaaaaa-270c-4525-bdec-c2ba7cce3860".into();
    spec["name"] = "CustomToAEP".into();
    std::fs::write(dir.join("custom.json"), serde_json::json!({ "items": [spec] }).to_string()).expect("write");
    std::fs::write(dir.join("flowc.toml"), "flowspecs = [\"custom.json\"]\n").expect("write");
    let out =
        Command::new(env!("CARGO_BIN_EXE_flowc")).args(["flowspec", "list"]).current_dir(&dir).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = stdout(&out);
    assert!(list.contains("CRMToAEP") && list.contains("CustomToAEP"), "{list}");
}

#[test]
fn json_bodies_are_checked_at_their_json_positions() {
    let out = flowc(&["check", "--format", "short", "fixtures/import/unknown-columns"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "fixtures/import/unknown-columns/mapping-set.json:27:43: error[F300] unknown source field `Descrption`"
        ),
        "{text}"
    );
    // A folder of clean bodies and their schema: the schema file is no body and is passed over.
    let out = flowc(&["check", "fixtures/import/payments"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("checked 4 files: no problems"), "{}", stdout(&out));
}

#[test]
fn a_folder_of_flow_specs_alone_is_no_dataflow() {
    let out = flowc(&["check", "--format", "short", "fixtures/flowspecs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("F110"), "{}", stdout(&out));
}

#[test]
fn a_json_file_named_on_the_command_line_that_is_no_body_is_reported() {
    let out = flowc(&["check", "--format", "short", "fixtures/diagnostics/F601/unknown-body/notes.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("notes.json:1:1: error[F601]"), "{}", stdout(&out));
}

#[test]
fn import_writes_a_flow_file_that_checks_and_builds_back_to_the_same_bodies() {
    let dir = temp_dir("import");
    // The written file names the schema and columns where they are, outside its folder.
    let bodies = common::root().join("fixtures/import/payments");
    std::fs::write(dir.join("flowc.toml"), format!("allow = [{:?}]\n", bodies.display().to_string())).expect("write");
    let written = dir.join("payments.flow");
    let out = flowc(&["import", "fixtures/import/payments", "-o", written.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&written).expect("written");
    assert!(text.starts_with("# imported by flowc from fixtures/import/payments\n"), "{text}");
    // The schema and the columns are named relative to the written file.
    assert!(text.contains("schema_file = \""), "{text}");
    let check = flowc(&["check", written.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let built = dir.join("built");
    let build = flowc(&["build", written.to_str().unwrap(), "-o", built.to_str().unwrap()]);
    assert_eq!(build.status.code(), Some(0), "{}{}", stdout(&build), stderr(&build));
    for name in ["source-connection.json", "target-connection.json", "mapping-set.json", "flow.json"] {
        let original =
            std::fs::read_to_string(common::root().join("fixtures/import/payments").join(name)).expect("original");
        let again = std::fs::read_dir(&built)
            .expect("built")
            .flatten()
            .map(|e| e.path())
            .find_map(|p| std::fs::read_to_string(if p.is_dir() { p.join(name) } else { built.join(name) }).ok())
            .expect("rebuilt body");
        assert_eq!(again, original, "{name}");
    }
}

#[test]
fn import_of_broken_bodies_writes_nothing_and_exits_1() {
    let dir = temp_dir("import-broken");
    let written = dir.join("out.flow");
    let out = flowc(&["import", "fixtures/diagnostics/F600/syntax-error", "-o", written.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("F600"), "{}", stderr(&out));
    assert!(!written.exists(), "a partial import was written");
    let out = flowc(&["import", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_json_body_on_stdin_is_checked_when_its_name_says_json() {
    let body = std::fs::read(common::root().join("fixtures/import/unknown-columns/mapping-set.json")).expect("fixture");
    let out =
        flowc_with_stdin(&["check", "--format", "short", "--stdin-filename", "mapping-set.json", "-"], Some(&body));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Alone, the mapping set has no source columns and no schema: said once each.
    assert!(stdout(&out).contains("mapping-set.json:1:1: warning[F324]"), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning[F323]"), "{}", stdout(&out));
}

#[test]
fn json_bodies_named_twice_or_alone_or_from_their_folder_check_cleanly() {
    // A flow's body alone is a whole request: no error for the bodies it does not come with.
    let out = flowc(&["check", "--format", "short", "fixtures/import/payments/flow.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // The same file by two names is one file, not a second flow.
    let out =
        flowc(&["check", "--format", "short", "fixtures/import/payments", "./fixtures/import/payments/flow.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Named from inside their folder, the bodies still find the schema beside them.
    let out = Command::new(env!("CARGO_BIN_EXE_flowc"))
        .args([
            "check",
            "--format",
            "short",
            "flow.json",
            "mapping-set.json",
            "source-connection.json",
            "target-connection.json",
        ])
        .current_dir(common::root().join("fixtures/import/payments"))
        .output()
        .expect("flowc runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("F323"), "{}", stdout(&out));
}

#[test]
fn a_body_that_does_not_parse_brings_no_cascade_of_errors_on_the_others() {
    let dir = temp_dir("broken-source");
    for name in ["flow.json", "mapping-set.json", "target-connection.json", "payments-products.xed.json"] {
        std::fs::copy(common::root().join("fixtures/import/payments").join(name), dir.join(name)).expect("copy");
    }
    std::fs::write(dir.join("source-connection.json"), "{\"name\": ").expect("write");
    let out = flowc(&["check", "--format", "short", "-q", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    // The syntax error, and (a warning, at the mapping set) that source fields go unchecked.
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].contains("mapping-set.json:1:1: warning[F324]"), "{lines:#?}");
    assert!(lines[1].contains("source-connection.json:1:10: error[F600]"), "{lines:#?}");
}

// The trust boundary (docs/security.md): a flow file cannot make flowc read, or print, a
// file outside its project.

/// What the files outside the project hold; it must appear in no output.
const SECRET: &str = "supersecret123";
const FORMATS: [&str; 5] = ["human", "short", "json", "sarif", "github"];

/// A repository `project/` (it holds `.git`) with the example flow in `project/flows/`,
/// beside `outside/` with a secret, a copy of the example schema and a FIFO.
fn untrusted_project(name: &str) -> std::path::PathBuf {
    let base = temp_dir(name);
    let flows = base.join("project/flows");
    std::fs::create_dir_all(base.join("project/.git")).expect("repository");
    std::fs::create_dir_all(base.join("outside")).expect("outside");
    let out = flowc(&["example", "--write", flows.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(base.join("outside/secret.json"), format!("{{\"token\": \"{SECRET}\"}}\n")).expect("secret");
    std::fs::copy(flows.join("payments-products.xed.json"), base.join("outside/schema.xed.json")).expect("schema");
    #[cfg(unix)]
    {
        let made = Command::new("mkfifo").arg(base.join("outside/pipe")).status().expect("mkfifo runs");
        assert!(made.success());
    }
    base
}

/// The example flow with its `schema_file` (or, with `columns`, its source columns)
/// replaced, written as `project/flows/t.flow`.
fn write_flow(base: &std::path::Path, schema_file: &str, columns_from: Option<&str>) -> std::path::PathBuf {
    let flows = base.join("project/flows");
    let example = std::fs::read_to_string(flows.join("payments.flow")).expect("example");
    assert!(
        example.contains("schema_file = \"payments-products.xed.json\""),
        "the example names its schema with schema_file"
    );
    let mut text =
        example.replace("schema_file = \"payments-products.xed.json\"", &format!("schema_file = {schema_file:?}"));
    if let Some(columns) = columns_from {
        let start = text.find("  columns {").expect("inline columns");
        let end = start + text[start..].find("  }\n").expect("their end") + 4;
        text.replace_range(start..end, &format!("  columns from {columns:?}\n"));
    }
    let path = flows.join("t.flow");
    std::fs::write(&path, text).expect("flow");
    path
}

/// Runs flowc in `dir` with a secret in its environment; fails (and kills it) after 60 s,
/// so that a flowc waiting on a FIFO fails the test instead of hanging it.
fn flowc_bounded(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowc"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1").env("MY_SECRET_TOKEN", SECRET);
    // A run that does not return is waiting on a file it should not open.
    common::output_within(command, std::time::Duration::from_secs(60))
}

/// `flowc check` of `flow` in every format: exit 1, `code` reported, the secret nowhere.
/// Run from the project, and from the flow's own folder (naming it without a folder).
fn assert_refused_in_every_format(base: &std::path::Path, flow: &std::path::Path, code: &str) {
    let name = flow.file_name().and_then(|n| n.to_str()).expect("a file name");
    let runs = FORMATS.iter().flat_map(|format| {
        [
            (base.join("project"), flow.to_str().unwrap(), *format),
            (flow.parent().expect("folder").to_path_buf(), name, *format),
        ]
    });
    for (cwd, flow, format) in runs {
        let out = flowc_bounded(&cwd, &["check", "--format", format, flow]);
        let (text, err) = (stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{format}: {text}{err}");
        assert!(text.contains(code), "{format}: {code} expected in {text}");
        assert!(!text.contains(SECRET) && !err.contains(SECRET), "{format}: the secret is shown: {text}{err}");
    }
}

#[test]
fn a_schema_file_named_by_an_absolute_path_is_refused_unread() {
    let base = untrusted_project("absolute");
    let flow = write_flow(&base, "/proc/self/environ", None);
    assert_refused_in_every_format(&base, &flow, "F020");
    let out = flowc_bounded(&base, &["check", "--format", "short", flow.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("error[F020] `/proc/self/environ` is not read: it lies outside the project folder"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_schema_file_that_climbs_out_of_the_project_is_refused_unread() {
    let base = untrusted_project("climb");
    let flow = write_flow(&base, "../../outside/secret.json", None);
    assert_refused_in_every_format(&base, &flow, "F020");
    // A FIFO is never opened: flowc returns at once (a blocking open would never return).
    let flow = write_flow(&base, "../../outside/pipe", None);
    assert_refused_in_every_format(&base, &flow, "F020");
}

#[cfg(unix)]
#[test]
fn a_schema_file_linked_out_of_the_project_is_refused_unread() {
    let base = untrusted_project("link");
    let flows = base.join("project/flows");
    std::os::unix::fs::symlink(base.join("outside/secret.json"), flows.join("secret.json")).expect("link");
    std::os::unix::fs::symlink(base.join("outside/pipe"), flows.join("pipe.json")).expect("link");
    // A linked folder is no way out either.
    std::os::unix::fs::symlink(base.join("outside"), flows.join("shared")).expect("link");
    for name in ["secret.json", "pipe.json", "shared/secret.json"] {
        let flow = write_flow(&base, name, None);
        assert_refused_in_every_format(&base, &flow, "F020");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_inside_the_project_is_refused_without_waiting() {
    let base = untrusted_project("fifo");
    let made = Command::new("mkfifo").arg(base.join("project/flows/pipe.json")).status().expect("mkfifo runs");
    assert!(made.success());
    let flow = write_flow(&base, "pipe.json", None);
    assert_refused_in_every_format(&base, &flow, "F021");
    let flow = write_flow(&base, "payments-products.xed.json", Some("pipe.json"));
    assert_refused_in_every_format(&base, &flow, "F021");
}

#[test]
fn a_path_allowed_in_flowc_toml_may_lie_outside_the_project() {
    let base = untrusted_project("allowed");
    let flow = write_flow(&base, "../../outside/schema.xed.json", None);
    let refused = flowc_bounded(&base, &["check", flow.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    std::fs::write(base.join("project/flowc.toml"), "allow = [\"../outside\"]\n").expect("config");
    let out = flowc_bounded(&base, &["check", flow.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Allowed, but still never a FIFO.
    let flow = write_flow(&base, "../../outside/pipe", None);
    let out = flowc_bounded(&base, &["check", "--format", "short", flow.to_str().unwrap()]);
    assert!(stdout(&out).contains("error[F021]"), "{}", stdout(&out));
    // A schema named on the command line is the user's choice, wherever it is.
    let schema = base.join("outside/schema.xed.json");
    let out = flowc_bounded(&base, &["schema", "paths", schema.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_binary_columns_file_is_reported_without_its_bytes() {
    let base = untrusted_project("binary");
    let mut bytes = format!("{{\"columns\": [\n  \"{SECRET}").into_bytes();
    bytes.extend_from_slice(b"\xff\xfe\x00\x01");
    bytes.extend_from_slice(SECRET.as_bytes());
    std::fs::write(base.join("project/flows/columns.json"), bytes).expect("binary");
    let flow = write_flow(&base, "payments-products.xed.json", Some("columns.json"));
    assert_refused_in_every_format(&base, &flow, "F324");
    let out = flowc_bounded(&base, &["check", "--format", "short", flow.to_str().unwrap()]);
    assert!(stdout(&out).contains("is not UTF-8 text (line 2, column 18)"), "{}", stdout(&out));
}
