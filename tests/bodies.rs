//! JSON request bodies: `flowc check` of a dataflow's bodies and `flowc import`.
//!
//! Each case is a folder holding one dataflow's bodies (`fixtures/import/<case>/`, and
//! `fixtures/diagnostics/<F6xx>/<case>/` for the import codes) with an `expect.txt`: one
//! line `file.json CODE@line:col` per diagnostic, in report order (an empty file: checks
//! clean), and `explicit: file.json` for files named as on the command line. The human
//! rendering, the JSON and the imported flowc text are snapshotted.

mod common;

use common::*;
use flowc_cli::bodies::{self, JsonInput};
use flowc_cli::render::FileReport;
use flowc_diag::LineIndex;
use std::path::Path;

fn inputs(dir: &Path, explicit: &[String]) -> Vec<JsonInput> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("case folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = relative(&path);
            let is_explicit = explicit.iter().any(|e| name.ends_with(&format!("/{e}")));
            JsonInput {
                bytes: std::fs::read(&path).expect("readable"),
                path: Some(path),
                explicit: is_explicit,
                dir: dir.to_path_buf(),
                settings: flowc_check::Settings::default(),
                name,
            }
        })
        .collect()
}

fn positions(reports: &[FileReport]) -> Vec<String> {
    let mut out = Vec::new();
    for report in reports {
        let index = LineIndex::new(&report.text);
        let file = report.name.rsplit('/').next().unwrap_or_default();
        for d in &report.diagnostics {
            let at = index.line_col(d.primary_span().start);
            out.push(format!("{file} {}@{}:{}", d.code, at.line, at.column));
        }
    }
    out
}

fn run_case(expect: &Path) {
    let dir = expect.parent().expect("case folder");
    let text = std::fs::read_to_string(expect).expect("expect.txt");
    let explicit: Vec<String> =
        text.lines().filter_map(|l| l.strip_prefix("explicit:")).map(|l| l.trim().to_owned()).collect();
    let expected: Vec<String> =
        text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("explicit:")).map(str::to_owned).collect();
    let checker = flowc_cli::Checker::default();
    let reports = bodies::check_all(&checker, inputs(dir, &explicit));
    assert_eq!(positions(&reports), expected, "{}: diagnostics differ from expect.txt", relative(dir));
    let shown: String = reports.iter().map(human).collect();
    insta::assert_snapshot!("human", shown);
    insta::assert_json_snapshot!("json", flowc_cli::render::json(&reports));
    let imported = bodies::import(&checker, &inputs(dir, &explicit), &relative(dir), dir);
    insta::assert_snapshot!("imported", imported.text.unwrap_or_else(|| "(nothing imported)\n".into()));
}

#[test]
fn import_cases_report_the_expected_codes_at_json_positions() {
    insta::glob!("../fixtures/import", "*/expect.txt", run_case);
}

#[test]
fn import_code_fixtures_report_the_expected_codes_at_json_positions() {
    insta::glob!("../fixtures/diagnostics", "F6*/*/expect.txt", run_case);
}

/// The bodies `flowc build` wrote for every golden case check as JSON with the same errors as
/// the flow file they were built from (none, but for a flow spec that is not built in).
#[test]
fn built_bodies_check_with_the_errors_of_their_flow_file() {
    let cases = std::fs::read_dir(root().join("fixtures/compile")).expect("compile cases");
    let checker = flowc_cli::Checker::default();
    let errors = |reports: &[FileReport]| -> Vec<String> {
        let mut codes: Vec<String> = reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.severity == flowc_diag::Severity::Error)
            .map(|d| d.code.to_string())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };
    let mut checked = 0;
    for case in cases.flatten().map(|e| e.path()).filter(|p| p.join("dataflow.flow").is_file()) {
        let flow = case.join("dataflow.flow");
        let mut source = flowc_cli::Source::file(&relative(&flow), std::fs::read(&flow).expect("readable"));
        source.dir = case.clone();
        let from_flow = errors(&flowc_cli::check_all(&checker, std::slice::from_ref(&source)));
        let reports = bodies::check_all(&checker, inputs(&case, &[]));
        assert_eq!(errors(&reports), from_flow, "{}", relative(&case));
        checked += reports.len();
    }
    assert!(checked >= 15, "only {checked} body files were checked");
}
