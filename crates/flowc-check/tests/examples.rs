//! Every documented example of the function catalog type-checks: no unknown function, no
//! wrong arity or argument type, no invalid regex or date pattern.

use flowc_check::catalog::{Availability, Catalog};
use flowc_check::{Session, Settings};
use flowc_diag::{Code, Severity};

#[test]
fn every_catalog_example_type_checks() {
    let session = Session::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    for function in Catalog::builtin().functions() {
        for example in function.examples.iter().filter(|e| e.flowc_parses) {
            let src = format!("mapping {{\n  out = {}\n}}\n", example.expression);
            let (_, outcome) = flowc_check::check_source(
                &session,
                src.as_bytes(),
                None,
                std::path::Path::new("."),
                &Settings::default(),
            );
            let problems: Vec<String> = outcome
                .diagnostics
                .iter()
                .filter(|d| !matches!(d.code, Code::TargetSchemaUnavailable | Code::SourceColumnsUnavailable))
                // An example of a function kept from source dataflows shows exactly that.
                .filter(|d| !(d.code == Code::UnavailableFunction && function.availability != Availability::All))
                .filter(|d| d.severity == Severity::Error)
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect();
            if !problems.is_empty() {
                failures.push(format!("{} — `{}`: {problems:?}", function.name, example.expression));
            }
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} examples were checked");
    assert!(failures.is_empty(), "{} examples do not type-check:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_wrong_example_would_be_caught() {
    // The test above can fail: the same check on a broken call reports it.
    let session = Session::new();
    let src = "mapping {\n  out = substr(\"abc\")\n}\n";
    let (_, outcome) =
        flowc_check::check_source(&session, src.as_bytes(), None, std::path::Path::new("."), &Settings::default());
    assert!(outcome.diagnostics.iter().any(|d| d.code == Code::WrongArity), "{:#?}", outcome.diagnostics);
}
