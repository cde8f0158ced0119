//! The data-driven fixture runner: every file under `fixtures/` is a test case.
//!
//! - `fixtures/syntax/ok/*.flow` parse without a diagnostic and are already in canonical
//!   layout; their AST is snapshotted.
//! - `fixtures/syntax/err/*.flow` and `fixtures/diagnostics/<CODE>/*.flow` start with
//!   `# expect: F101@3:5 ...`: exactly those codes at those positions, in that order; the
//!   human rendering and the JSON are snapshotted.
//! - `fixtures/fmt/*.flow` are formatted: the result is a fixed point, parses to the same
//!   tree, keeps every comment, and is snapshotted.

mod common;

use common::*;
use flowc_diag::{Code, LineIndex};
use std::collections::BTreeSet;

fn read(path: &std::path::Path) -> Vec<u8> {
    materialize(std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

#[test]
fn ok_fixtures_parse_cleanly_and_are_canonical() {
    insta::glob!("../fixtures/syntax/ok", "*.flow", |path| {
        let src = String::from_utf8(read(path)).expect("ok fixtures are UTF-8");
        let parsed = flowc_syntax::parse(&src);
        assert!(parsed.diagnostics.is_empty(), "{}: {:#?}", relative(path), parsed.diagnostics);
        let formatted = flowc_syntax::format(&src).expect("no syntax errors");
        assert_eq!(formatted, src, "{} is not in canonical layout: run `flowc fmt` on it", relative(path));
        insta::assert_json_snapshot!("ast", parsed.file);
    });
}

/// `fixtures/check/ok/*.flow` pass every check: no diagnostic of any severity.
#[test]
fn check_ok_fixtures_have_no_findings() {
    let sources: Vec<flowc_cli::Source> = files("fixtures/check/ok", "flow")
        .into_iter()
        .map(|path| {
            let mut source = flowc_cli::Source::file(&relative(&path), std::fs::read(&path).expect("readable"));
            source.dir = path.parent().expect("folder").to_path_buf();
            source
        })
        .collect();
    assert!(sources.len() >= 3);
    let reports = flowc_cli::check_all(&flowc_cli::Checker::default(), &sources);
    for report in reports {
        assert!(report.diagnostics.is_empty(), "{}: {:#?}", report.name, report.diagnostics);
    }
}

#[test]
fn the_embedded_example_is_clean_and_canonical() {
    let parsed = flowc_syntax::parse(flowc_cli::EXAMPLE);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    assert_eq!(flowc_syntax::format(flowc_cli::EXAMPLE).expect("parses"), flowc_cli::EXAMPLE);
}

fn check_error_fixture(path: &std::path::Path) {
    let bytes = read(path);
    let expected = expectations(&bytes);
    let dir = path.parent().expect("a fixture is in a folder");
    // A fixture folder may hold a flowc.toml (a clock, a tenant): found as `flowc check` would.
    let settings = flowc_cli::Configs::default().settings_for(dir);
    let mut source = flowc_cli::Source::file(&relative(path), bytes.clone()).with_settings(settings);
    source.dir = dir.to_path_buf();
    let mut report = flowc_cli::check_all(&flowc_cli::Checker::default(), std::slice::from_ref(&source)).swap_remove(0);
    // Messages that name a file (a schema that cannot be read) show where the checkout is:
    // strip it from the data, before rendering wraps lines at a width that depends on it.
    // The project folder itself (F020) becomes `.`.
    let (checkout, here) = (root().display().to_string(), format!("{}/", root().display()));
    let strip = |text: &str| text.replace(&here, "").replace(&checkout, ".");
    for diagnostic in &mut report.diagnostics {
        diagnostic.message = strip(&diagnostic.message);
        diagnostic.help = diagnostic.help.as_deref().map(strip);
        diagnostic.notes.iter_mut().for_each(|n| *n = strip(n));
        diagnostic.labels.iter_mut().for_each(|l| l.message = strip(&l.message));
    }
    let index = LineIndex::new(&report.text);
    let actual: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(d.primary_span().start);
            format!("{}@{}:{}", d.code, at.line, at.column)
        })
        .collect();
    assert_eq!(actual, expected, "{}: diagnostics differ from the `# expect:` header", relative(path));
    insta::assert_snapshot!("human", human(&report));
    insta::assert_json_snapshot!("json", flowc_cli::render::json(std::slice::from_ref(&report)));
}

#[test]
fn syntax_error_fixtures_report_the_expected_codes_and_positions() {
    insta::glob!("../fixtures/syntax/err", "*.flow", check_error_fixture);
}

#[test]
fn diagnostic_fixtures_report_the_expected_codes_and_positions() {
    // Codes of other phases keep JSON fixtures here too (run by their crates' tests).
    let any_flow = std::fs::read_dir(root().join("fixtures/diagnostics")).into_iter().flatten().flatten().any(|dir| {
        std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .any(|f| f.path().extension().is_some_and(|e| e == "flow"))
    });
    if !any_flow {
        return;
    }
    insta::glob!("../fixtures/diagnostics", "*/*.flow", check_error_fixture);
}

#[test]
fn fmt_fixtures_format_to_a_fixed_point_that_keeps_tree_and_comments() {
    insta::glob!("../fixtures/fmt", "*.flow", |path| {
        let src = String::from_utf8(read(path)).expect("UTF-8");
        let formatted = flowc_syntax::format(&src).expect("fmt fixtures have no syntax errors");
        assert_eq!(flowc_syntax::format(&formatted).expect("still parses"), formatted, "not idempotent");
        let before = flowc_syntax::parse(&src);
        let after = flowc_syntax::parse(&formatted);
        assert_eq!(without_spans(&after.file), without_spans(&before.file), "formatting changed the tree");
        let comments = |src: &str, file: &flowc_syntax::ast::File| -> Vec<String> {
            file.comments.iter().map(|c| src[c.start..c.end].trim_end().to_owned()).collect()
        };
        assert_eq!(comments(&formatted, &after.file), comments(&src, &before.file), "comments changed");
        insta::assert_snapshot!("formatted", formatted);
    });
}

/// The registry and the fixtures agree: each code is produced by at least one fixture.
#[test]
fn every_code_has_a_fixture() {
    let mut covered = BTreeSet::new();
    for path in files("fixtures/syntax/err", "flow") {
        for expectation in expectations(&std::fs::read(&path).expect("readable")) {
            covered.insert(expectation.split('@').next().unwrap_or_default().to_owned());
        }
    }
    if let Ok(dirs) = std::fs::read_dir(root().join("fixtures/diagnostics")) {
        for dir in dirs.flatten() {
            let non_empty = std::fs::read_dir(dir.path()).is_ok_and(|mut d| d.next().is_some());
            if non_empty {
                covered.insert(dir.file_name().to_string_lossy().into_owned());
            }
        }
    }
    let missing: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).filter(|c| !covered.contains(*c)).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    let unknown: Vec<&String> = covered.iter().filter(|c| c.parse::<Code>().is_err()).collect();
    assert!(unknown.is_empty(), "fixtures for codes the registry does not have: {unknown:?}");
}
