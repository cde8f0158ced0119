//! Hostile input through the real binary: each case once crashed, hung or wrote a partial
//! result (see docs/limits.md). Every run is bounded: a regression fails instead of hanging.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// Runs flowc with a deadline; a run that outlives it is killed and fails the test.
fn flowc(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowc"));
    command.args(args).current_dir(common::root()).env("NO_COLOR", "1");
    common::output_within(command, Duration::from_secs(120))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowc-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write input");
    path.to_str().expect("utf-8 path").to_owned()
}

fn assert_no_crash(out: &Output, what: &str) {
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "{what}: exit {code:?}\n{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("panicked"), "{what}: {}", text(&out.stderr));
}

#[test]
fn a_diagnostic_past_column_65535_renders_in_every_command() {
    let dir = scratch("long-line");
    let flow = write(&dir, "long.flow", format!("mapping {{\n  a = {} +\n}}\n", "b".repeat(65_536)));
    let check = flowc(&["check", &flow]);
    assert_no_crash(&check, "check");
    let shown = text(&check.stdout);
    assert!(shown.contains("long.flow:2:65545]"), "the header keeps the real column:\n{shown}");
    assert!(shown.contains('…') && shown.len() < 4_000, "the line is shown as a window:\n{shown}");
    for args in [vec!["fmt", "--check", &flow], vec!["build", &flow, "-o", dir.to_str().unwrap()]] {
        let out = flowc(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("F101"), "{args:?}: {}", text(&out.stderr));
    }
    // The same through a JSON body on one long line, for `flowc import`.
    let body = serde_json::json!({
        "outputSchema": { "schemaRef": { "id": "https://ns.adobe.com/acme/schemas/x", "contentType": "application/vnd.adobe.xed-full+json;version=1" } },
        "mappings": [ { "sourceType": "EXPRESSION", "source": format!("{} +", "b".repeat(65_536)), "destination": "a" } ]
    });
    let json = write(&dir, "mapping-set.json", body.to_string());
    let import = flowc(&["import", &json, "-o", dir.join("imported.flow").to_str().unwrap()]);
    assert_eq!(import.status.code(), Some(1), "{}", text(&import.stderr));
    let shown = text(&import.stdout) + &text(&import.stderr);
    assert!(shown.contains("expected an operand after `+`") && shown.contains('…'), "{shown}");
}

#[test]
fn long_left_deep_expressions_are_refused_with_a_code_not_a_stack_overflow() {
    let dir = scratch("deep");
    let sum = vec!["a"; 20_000].join(" + ");
    let calls = format!("x{}", ".lower()".repeat(15_000));
    // Four files, so the checks run on the worker threads too.
    let files: Vec<String> = (0..4)
        .map(|i| write(&dir, &format!("deep{i}.flow"), format!("mapping {{\n  a = {sum}\n  b = {calls}\n}}\n")))
        .collect();
    let mut args = vec!["check", "--format", "short"];
    args.extend(files.iter().map(String::as_str));
    let out = flowc(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert_eq!(shown.matches("error[F109] the expression is more than 256 operations deep").count(), 8, "{shown}");
    let build = flowc(&["build", &files[0], "-o", dir.join("out").to_str().unwrap()]);
    assert_eq!(build.status.code(), Some(1), "{}", text(&build.stderr));
    assert!(!dir.join("out").exists(), "nothing is written");
}

#[test]
fn the_deepest_accepted_expression_checks_and_builds_on_every_thread() {
    let dir = scratch("deepest");
    let height = flowc_syntax::MAX_EXPR_HEIGHT;
    // A chain of `height - 1` operators has exactly `height` levels; brackets and unary
    // minus add to the same height.
    let sum = vec!["a"; height].join(" + ");
    let nested = format!("{}a{}", "(-".repeat(60), ")".repeat(60));
    let files: Vec<String> = (0..4)
        .map(|i| {
            let body = format!(
                "source {{\n  columns {{\n    a: integer\n  }}\n}}\n\nmapping {{\n  x = {sum}\n  y = {nested}\n}}\n"
            );
            write(&dir, &format!("f{i}.flow"), body)
        })
        .collect();
    let mut args = vec!["check", "--format", "short"];
    args.extend(files.iter().map(String::as_str));
    let out = flowc(&args);
    assert_no_crash(&out, "check");
    assert!(!text(&out.stdout).contains("F109"), "{}", text(&out.stdout));
    let mut args = vec!["fmt", "--check"];
    args.extend(files.iter().map(String::as_str));
    assert_no_crash(&flowc(&args), "fmt");
}

#[test]
fn a_deep_expression_in_a_json_mapping_set_is_refused_with_a_code() {
    let dir = scratch("deep-json");
    let source = vec!["a"; 20_000].join(" + ");
    let body = serde_json::json!({
        "outputSchema": { "schemaRef": { "id": "https://ns.adobe.com/acme/schemas/x", "contentType": "application/vnd.adobe.xed-full+json;version=1" } },
        "mappings": [ { "sourceType": "EXPRESSION", "source": source, "destination": "a" } ]
    });
    let file = write(&dir, "mapping-set.json", body.to_string());
    let out = flowc(&["check", "--format", "short", &file]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("F109"), "{}", text(&out.stdout));
}

#[test]
fn a_file_of_nul_bytes_is_one_diagnostic_in_fmt_and_check() {
    let dir = scratch("nul");
    let file = write(&dir, "nul.flow", vec![0u8; 100_000]);
    let fmt = flowc(&["fmt", &file]);
    assert_eq!(fmt.status.code(), Some(1));
    let shown = text(&fmt.stderr);
    assert!(shown.contains("unexpected character '\\0', 100000 times"), "{shown}");
    assert!(shown.len() < 4_000, "{} bytes of diagnostics", shown.len());
    let check = flowc(&["check", "--format", "short", &file]);
    assert_eq!(text(&check.stdout).matches("F101").count(), 1, "{}", text(&check.stdout));
}

#[test]
fn every_command_caps_the_diagnostics_of_a_file_with_one_note() {
    let dir = scratch("cap");
    // Alternating bad characters: each is its own lexical error.
    let file = write(&dir, "noise.flow", "\u{1}\u{2}".repeat(2_000));
    let fmt = flowc(&["fmt", "--check", &file]);
    let shown = text(&fmt.stderr);
    assert_eq!(shown.matches("F101").count(), flowc_diag::MAX_PER_FILE, "fmt shows the cap");
    assert_eq!(shown.matches("more diagnostics of this file are not shown").count(), 1);
    assert!(shown.contains("3500 more diagnostics"), "the note counts the rest");
    let check = flowc(&["check", "--format", "json", &file]);
    let doc: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
    assert_eq!(doc["diagnostics"].as_array().expect("diagnostics").len(), flowc_diag::MAX_PER_FILE);
}

#[test]
fn a_path_of_200000_segments_is_refused_at_the_limit() {
    let dir = scratch("segments");
    let path = vec!["a"; 200_000].join(".");
    let file = write(&dir, "segments.flow", format!("mapping {{\n  {path} = x\n}}\n"));
    let out = flowc(&["check", "--format", "short", &file]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    let limit = format!("error[F109] the path has more than {} segments", flowc_syntax::MAX_PATH_SEGMENTS);
    assert!(shown.contains(&limit), "{shown}");
    let body = serde_json::json!({
        "outputSchema": { "schemaRef": { "id": "https://ns.adobe.com/acme/schemas/x", "contentType": "application/vnd.adobe.xed-full+json;version=1" } },
        "mappings": [ { "sourceType": "ATTRIBUTE", "source": "x", "destination": path } ]
    });
    let json = write(&dir, "mapping-set.json", body.to_string());
    let out = flowc(&["check", "--format", "short", &json]);
    assert!(text(&out.stdout).contains(&limit), "{}", text(&out.stdout));
}

#[test]
fn build_writes_nothing_when_one_output_cannot_be_written() {
    let dir = scratch("partial");
    let out_dir = dir.join("out");
    // A folder where `flow.json` must go.
    std::fs::create_dir_all(out_dir.join("dataflow/flow.json")).unwrap();
    let out =
        flowc(&["build", "fixtures/compile/payments/dataflow.flow", "-o", out_dir.to_str().unwrap(), "--emit", "curl"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing was written"), "{}", text(&out.stderr));
    let mut left: Vec<String> = std::fs::read_dir(out_dir.join("dataflow"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["flow.json"], "no body and no temporary file is left behind");

    // Old outputs stay as they were when a later build fails.
    std::fs::remove_dir_all(out_dir.join("dataflow/flow.json")).unwrap();
    let first = flowc(&["build", "fixtures/compile/payments/dataflow.flow", "-o", out_dir.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let before = std::fs::read(out_dir.join("dataflow/mapping-set.json")).unwrap();
    std::fs::create_dir_all(out_dir.join("dataflow/plan.sh")).unwrap();
    let second =
        flowc(&["build", "fixtures/compile/payments/dataflow.flow", "-o", out_dir.to_str().unwrap(), "--emit", "curl"]);
    assert_eq!(second.status.code(), Some(3));
    assert_eq!(std::fs::read(out_dir.join("dataflow/mapping-set.json")).unwrap(), before);
}

#[test]
fn an_unreadable_file_in_a_folder_is_reported_and_the_rest_is_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(&dir, "good.flow", "mapping {\n  a = b\n}\n");
    let secret = write(&dir, "secret.flow", "mapping {\n  a = b\n}\n");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads any file: run flowc as an unprivileged user where the tests run as root.
    let as_root = std::fs::read(&secret).is_ok();
    let run = |command: &str| {
        let binary = env!("CARGO_BIN_EXE_flowc");
        let mut cmd = if as_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
            c
        } else {
            Command::new(binary)
        };
        cmd.args([command, dir.to_str().unwrap()]).env("NO_COLOR", "1").current_dir(&dir);
        if command == "check" {
            cmd.args(["--format", "short"]);
        }
        cmd.output()
    };
    let check = match run("check") {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: cannot run flowc as an unprivileged user (setpriv: {e})");
            return;
        }
    };
    let shown = text(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{shown}{}", text(&check.stderr));
    assert!(shown.contains("secret.flow:1:1: error[F114] cannot read"), "{shown}");
    assert!(shown.contains("good.flow:1:1: warning[F323]"), "the other file is checked:\n{shown}");
    let fmt = run("fmt").expect("fmt runs");
    assert_eq!(fmt.status.code(), Some(1));
    assert!(text(&fmt.stderr).contains("F114"), "{}", text(&fmt.stderr));
}

#[test]
fn a_json_body_that_is_not_utf8_is_labelled_at_the_bad_byte() {
    let dir = scratch("not-utf8");
    let file = write(&dir, "mapping-set.json", b"{\"mappings\": [\xff\xfe]}");
    let out = flowc(&["check", "--format", "json", &file]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let label = &doc["diagnostics"][0]["labels"][0];
    assert_eq!(doc["diagnostics"][0]["code"], "F600");
    assert_eq!((label["line"].as_u64(), label["column"].as_u64()), (Some(1), Some(15)), "{label}");
    assert_eq!(label["end_column"].as_u64(), Some(16), "the label covers the bad bytes: {label}");
    let human = flowc(&["check", &file]);
    assert!(text(&human.stdout).contains("╰── not UTF-8"), "{}", text(&human.stdout));
}

#[test]
fn a_json_body_over_the_size_limit_is_f111_and_not_read() {
    let dir = scratch("big-body");
    let mut body = b"{\"mappings\": [".to_vec();
    body.resize(flowc_compile::dataflow::MAX_BODY_BYTES + 1, b' ');
    body.extend_from_slice(b"]}");
    let file = write(&dir, "mapping-set.json", &body);
    let out = flowc(&["check", "--format", "short", &file]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    assert!(
        shown.contains(
            "error[F111] the file is 67108867 bytes; flowc reads JSON request bodies of at most 67108864 bytes"
        ),
        "{shown}"
    );
}

#[test]
fn a_json_body_nested_past_the_limit_is_f600() {
    let dir = scratch("deep-body");
    let depth = flowc_diag::json::MAX_DEPTH + 1;
    let body = format!("{{\"mappings\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
    let file = write(&dir, "mapping-set.json", body);
    let out = flowc(&["check", "--format", "short", &file]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    assert!(shown.contains("F600") && shown.contains("nested more than 256 levels deep"), "{shown}");
}

#[test]
fn syntax_errors_stop_at_the_limit_with_a_note() {
    let dir = scratch("syntax-errors");
    let mut src = String::from("mapping {\n");
    for _ in 0..300 {
        src.push_str("  a = = b\n");
    }
    src.push_str("}\n");
    let file = write(&dir, "many.flow", src);
    let out = flowc(&["check", "--format", "json", &file]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let found = doc["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(found.len(), flowc_syntax::MAX_ERRORS, "{doc}");
    assert!(found.last().unwrap()["notes"].to_string().contains("flowc stops after 100 syntax errors"), "{doc}");
}

#[test]
fn build_never_names_an_output_folder_outside_the_output() {
    let dir = scratch("dot-stem");
    let flow =
        write(&dir, "...flow", std::fs::read(common::root().join("fixtures/compile/payments/dataflow.flow")).unwrap());
    let out_dir = dir.join("a/out");
    let out = flowc(&["build", &flow, "-o", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot name an output folder"), "{}", text(&out.stderr));
    assert!(!dir.join("a").exists(), "nothing is written");
}

/// Found by the `import_roundtrip` fuzz target: blanks between a destination's segments
/// were sent as part of the path, so `build(import(build(x)))` differed from `build(x)`.
#[test]
fn a_destination_is_sent_without_the_blanks_between_its_segments() {
    let dir = scratch("blank-segments");
    let flow = write(&dir, "d.flow", "target {\n  schema = \"s\"\n}\n\nmapping {\n  product. name = x\n  c = z\n}\n");
    let out = flowc(&["build", &flow, "-o", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(bundle["mappingSet"]["mappings"][0]["destination"], "product.name", "{bundle}");
}
