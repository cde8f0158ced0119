//! SARIF 2.1.0 output (`flowc check --format sarif`), for GitHub code scanning and other
//! SARIF viewers: one run, one rule per code that has results, one result per diagnostic.
//!
//! Columns count Unicode code points (`run.columnKind = "unicodeCodePoints"`), as flowc's
//! own output does. Relative file names stay relative, under the `%SRCROOT%` base, so a
//! viewer resolves them against the checkout. Each result has a partial fingerprint built
//! from its code, its file and the text of its line, so GitHub follows a finding across
//! commits that move it. The document is deterministic: the same reports give the same bytes.

use crate::render::FileReport;
use flowc_diag::{Code, Diagnostic, Label, LineIndex, Severity};
use serde_sarif::sarif::{
    Artifact, ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag, Region,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The JSON schema of the document (`$schema`): the OASIS standard's, errata 01.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base that relative artifact URIs are resolved against: the checkout's root.
pub const SRCROOT: &str = "%SRCROOT%";

/// The `partialFingerprints` key of flowc's own fingerprint (its version is part of it:
/// change the recipe, change the key).
pub const FINGERPRINT_KEY: &str = "flowc/v1";

/// The SARIF document for a whole run, as JSON.
pub fn sarif(reports: &[FileReport]) -> serde_json::Value {
    // One rule per code with results, in code order; results point at it by index.
    let used: BTreeSet<Code> = reports.iter().flat_map(|r| r.diagnostics.iter().map(|d| d.code)).collect();
    let rule_index: HashMap<Code, usize> = used.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<ReportingDescriptor> = used.iter().map(|c| rule(*c)).collect();

    // One artifact per file (reports of the same name share it).
    let mut artifacts: Vec<Artifact> = Vec::new();
    let mut artifact_index: HashMap<&str, usize> = HashMap::new();
    let mut results = Vec::new();
    for report in reports {
        let index = *artifact_index.entry(report.name.as_str()).or_insert_with(|| {
            artifacts.push(
                Artifact::builder()
                    .location(artifact_location(&report.name, None))
                    .length(report.text.len() as i64)
                    .roles(vec![serde_json::json!("analysisTarget")])
                    .build(),
            );
            artifacts.len() - 1
        });
        let lines = LineIndex::new(&report.text);
        let mut seen: HashMap<u64, usize> = HashMap::new();
        for d in &report.diagnostics {
            results.push(result(report, d, &lines, index, rule_index[&d.code], &mut seen));
        }
    }

    let driver = ToolComponent::builder()
        .name("flowc")
        .full_name(format!("flowc {}", env!("CARGO_PKG_VERSION")))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .artifacts(artifacts)
        .results(results)
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .build();
    let log = Sarif::builder().schema(SCHEMA_URI).version("2.1.0").runs(vec![run]).build();
    serde_json::to_value(log).expect("SARIF values serialize")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(code: Code) -> ReportingDescriptor {
    let explain = code.explain();
    ReportingDescriptor::builder()
        .id(code.as_str())
        .name(code.name())
        .short_description(MultiformatMessageString::builder().text(code.summary()).build())
        .full_description(MultiformatMessageString::builder().text(explain).markdown(explain).build())
        .help(MultiformatMessageString::builder().text(explain).markdown(explain).build())
        .default_configuration(
            ReportingConfiguration::builder().level(serde_json::json!(level(code.default_severity()))).build(),
        )
        .properties(PropertyBag::builder().tags(vec!["flowc".to_owned(), code.phase().as_str().to_owned()]).build())
        .build()
}

fn result(
    report: &FileReport,
    d: &Diagnostic,
    lines: &LineIndex,
    artifact: usize,
    rule_index: usize,
    seen: &mut HashMap<u64, usize>,
) -> SarifResult {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(" — help: ");
        text.push_str(help);
    }
    let primary = d.labels.iter().find(|l| l.primary).or(d.labels.first());
    let span = d.primary_span();
    let mut location =
        Location::builder().physical_location(physical_location(report, lines, artifact, span.start, span.end)).build();
    if let Some(label) = primary.filter(|l| !l.message.is_empty()) {
        location.message = Some(Message::builder().text(label.message.clone()).build());
    }
    let related: Vec<Location> = d
        .labels
        .iter()
        .filter(|l| !std::ptr::eq(*l, primary.expect("a label exists when this runs")))
        .enumerate()
        .map(|(i, l)| related_location(report, lines, artifact, i, l))
        .collect();

    // Fingerprint: code, file and the primary line's text (whitespace-insensitive), so
    // that moving the finding to another line keeps it; repeats in a file are numbered.
    let at = lines.line_col(span.start);
    let line_text = report.text.lines().nth(at.line - 1).unwrap_or_default();
    let line_text = line_text.split_whitespace().collect::<Vec<_>>().join(" ");
    let hash = fnv1a(&[d.code.as_str(), &uri_path(&report.name), &line_text]);
    let occurrence = seen.entry(hash).and_modify(|n| *n += 1).or_insert(1);
    let fingerprints = BTreeMap::from([(FINGERPRINT_KEY.to_owned(), format!("{hash:016x}:{occurrence}"))]);

    let mut builder = SarifResult::builder()
        .rule_id(d.code.as_str())
        .rule_index(rule_index as i64)
        .level(match d.severity {
            Severity::Error => ResultLevel::Error,
            Severity::Warning => ResultLevel::Warning,
            Severity::Info => ResultLevel::Note,
        })
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .build();
    if !related.is_empty() {
        builder.related_locations = Some(related);
    }
    builder
}

fn related_location(report: &FileReport, lines: &LineIndex, artifact: usize, i: usize, label: &Label) -> Location {
    let mut location = Location::builder()
        .id(i as i64 + 1)
        .physical_location(physical_location(report, lines, artifact, label.span.start, label.span.end))
        .build();
    if !label.message.is_empty() {
        location.message = Some(Message::builder().text(label.message.clone()).build());
    }
    location
}

fn physical_location(
    report: &FileReport,
    lines: &LineIndex,
    artifact: usize,
    start: usize,
    end: usize,
) -> PhysicalLocation {
    let (s, e) = (lines.line_col(start), lines.line_col(end.max(start)));
    PhysicalLocation::builder()
        .artifact_location(artifact_location(&report.name, Some(artifact)))
        .region(
            Region::builder()
                .start_line(s.line as i64)
                .start_column(s.column as i64)
                .end_line(e.line as i64)
                .end_column(e.column as i64)
                .build(),
        )
        .build()
}

fn artifact_location(name: &str, index: Option<usize>) -> ArtifactLocation {
    let uri = uri_path(name);
    let mut location = ArtifactLocation::builder().uri(uri.clone()).build();
    if !uri.starts_with("file:") {
        location.uri_base_id = Some(SRCROOT.to_owned());
    }
    location.index = index.map(|i| i as i64);
    location
}

/// A file name as a URI reference: `/`-separated and percent-encoded; a relative name stays
/// relative (without `./` segments), an absolute one becomes a `file:` URI.
pub fn uri_path(name: &str) -> String {
    let slashed =
        if std::path::MAIN_SEPARATOR == '/' { name.to_owned() } else { name.replace(std::path::MAIN_SEPARATOR, "/") };
    let absolute = std::path::Path::new(name).is_absolute();
    if absolute {
        if let Some(rest) = slashed.strip_prefix('/') {
            return format!("file:///{}", encode(rest));
        }
        // A drive letter (`C:/...`): its colon stays.
        if let Some((drive, rest)) = slashed.split_once(':') {
            return format!("file:///{}:{}", encode(drive), encode(rest));
        }
    }
    let segments: Vec<&str> = slashed.split('/').filter(|s| *s != ".").collect();
    encode(&segments.join("/"))
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986), so a colon in
/// a relative name is not read as a scheme.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// 64-bit FNV-1a over the parts, each followed by a zero byte: small, and the same on
/// every platform and in every release (unlike `std`'s hasher).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::path::{Path, PathBuf};

    fn repo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .find(|a| a.join("fixtures/sarif").is_dir())
            .expect("the repository's fixtures folder")
            .to_path_buf()
    }

    /// The official SARIF 2.1.0 schema (fixtures/sarif/SOURCE.md says where it comes from).
    fn validator() -> jsonschema::Validator {
        let text = std::fs::read_to_string(repo_root().join("fixtures/sarif/sarif-schema-2.1.0.json"))
            .expect("the schema file");
        let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
        jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
    }

    fn assert_valid(doc: &Value) {
        let validator = validator();
        let errors: Vec<String> =
            validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "not valid SARIF 2.1.0:\n{}", errors.join("\n"));
    }

    /// Reports of some syntax-error fixtures, named as a user would on the command line.
    fn fixture_reports(names: &[&str]) -> Vec<FileReport> {
        names
            .iter()
            .map(|name| {
                let rel = format!("fixtures/syntax/err/{name}");
                let bytes = std::fs::read(repo_root().join(&rel)).expect("fixture");
                crate::check_source(&rel, &bytes)
            })
            .collect()
    }

    const FIXTURES: &[&str] =
        &["F107-unknown-key.flow", "F108-duplicate-key.flow", "F103-unclosed-block.flow", "F101-missing-brace.flow"];

    #[test]
    fn fixture_reports_are_valid_sarif_2_1_0() {
        let reports = fixture_reports(FIXTURES);
        assert!(reports.iter().all(|r| !r.diagnostics.is_empty()), "the fixtures have findings");
        let doc = sarif(&reports);
        assert_valid(&doc);

        // A clean run, a file with an absolute name and odd characters, and stdin.
        assert_valid(&sarif(&[]));
        let clean = crate::check_source("ok.flow", flowc_syntax_free_example().as_bytes());
        let mut odd = fixture_reports(&["F107-unknown-key.flow"]).remove(0);
        odd.name = "/work/my flows/pay:ment é.flow".into();
        let mut stdin = fixture_reports(&["F108-duplicate-key.flow"]).remove(0);
        stdin.name = "<stdin>".into();
        assert_valid(&sarif(&[clean, odd, stdin]));
    }

    #[test]
    fn the_schema_check_rejects_broken_documents() {
        // The validation above proves something only if the validator catches mistakes.
        let validator = validator();
        let good = sarif(&fixture_reports(&["F107-unknown-key.flow"]));
        assert!(validator.is_valid(&good));
        let mut bad = good.clone();
        bad["runs"][0]["results"][0]["level"] = "fatal".into();
        assert!(!validator.is_valid(&bad), "an unknown level");
        let mut bad = good.clone();
        bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
        assert!(!validator.is_valid(&bad), "lines start at 1");
        let mut bad = good.clone();
        bad["runs"][0]["tool"]["driver"].as_object_mut().expect("driver").remove("name");
        assert!(!validator.is_valid(&bad), "a driver needs a name");
        let mut bad = good;
        bad["version"] = "2.0.0".into();
        assert!(!validator.is_valid(&bad), "only 2.1.0");
    }

    /// A file without findings.
    fn flowc_syntax_free_example() -> &'static str {
        "flow {\n  name = \"x\"\n}\n"
    }

    #[test]
    fn the_document_meets_github_code_scanning_requirements() {
        let reports = fixture_reports(FIXTURES);
        let doc = sarif(&reports);
        assert_eq!(doc["version"], "2.1.0");
        assert_eq!(doc["$schema"], SCHEMA_URI);
        let runs = doc["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        assert_eq!(run["tool"]["driver"]["name"], "flowc");
        assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
        // flowc has no public address yet; SARIF makes `informationUri` optional.
        assert!(run["tool"]["driver"].get("informationUri").is_none());
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let results = run["results"].as_array().expect("results");
        let total: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
        assert_eq!(results.len(), total, "one result per diagnostic");
        for r in results {
            assert!(r["ruleId"].as_str().is_some_and(|id| id.parse::<Code>().is_ok()), "{r}");
            assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{r}");
            let physical = &r["locations"][0]["physicalLocation"];
            assert!(
                physical["artifactLocation"]["uri"].as_str().is_some_and(|u| u.starts_with("fixtures/syntax/err/")),
                "{r}"
            );
            assert_eq!(physical["artifactLocation"]["uriBaseId"], SRCROOT);
            assert!(physical["region"]["startLine"].as_u64().is_some_and(|l| l >= 1), "{r}");
            assert!(r["partialFingerprints"][FINGERPRINT_KEY].as_str().is_some(), "{r}");
        }
    }

    #[test]
    fn rules_are_the_codes_used_with_their_registry_texts() {
        let reports = fixture_reports(FIXTURES);
        let doc = sarif(&reports);
        let run = &doc["runs"][0];
        let used: BTreeSet<Code> = reports.iter().flat_map(|r| r.diagnostics.iter().map(|d| d.code)).collect();
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().expect("id")).collect();
        assert_eq!(ids, used.iter().map(|c| c.as_str()).collect::<Vec<_>>(), "one rule per code used, in code order");
        for (rule, code) in rules.iter().zip(&used) {
            assert_eq!(rule["name"], code.name());
            assert_eq!(rule["shortDescription"]["text"], code.summary());
            assert_eq!(rule["fullDescription"]["markdown"], code.explain());
            assert_eq!(rule["help"]["markdown"], code.explain());
            assert_eq!(rule["defaultConfiguration"]["level"], "error", "syntax codes are errors");
        }
        for r in run["results"].as_array().expect("results") {
            let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[index]["id"], r["ruleId"], "ruleIndex points at the result's rule");
        }
    }

    #[test]
    fn a_result_carries_the_diagnostic_position_help_and_secondary_labels() {
        let reports = fixture_reports(&["F108-duplicate-key.flow"]);
        let report = &reports[0];
        let d = report.diagnostics.iter().find(|d| d.code == Code::DuplicateKey).expect("an F108");
        assert!(d.labels.iter().any(|l| !l.primary), "F108 points at the first setting too");
        let doc = sarif(&reports);
        let run = &doc["runs"][0];
        let r =
            run["results"].as_array().expect("results").iter().find(|r| r["ruleId"] == "F108").expect("an F108 result");

        let lines = LineIndex::new(&report.text);
        let span = d.primary_span();
        let (start, end) = (lines.line_col(span.start), lines.line_col(span.end));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], start.line);
        assert_eq!(region["startColumn"], start.column);
        assert_eq!(region["endLine"], end.line);
        assert_eq!(region["endColumn"], end.column);
        assert_eq!(r["level"], "error");
        match &d.help {
            Some(help) => assert_eq!(r["message"]["text"], format!("{} — help: {help}", d.message)),
            None => assert_eq!(r["message"]["text"], d.message),
        }

        let secondary: Vec<&Label> = d.labels.iter().filter(|l| !l.primary).collect();
        let related = r["relatedLocations"].as_array().expect("relatedLocations");
        assert_eq!(related.len(), secondary.len());
        for (i, (loc, label)) in related.iter().zip(&secondary).enumerate() {
            assert_eq!(loc["id"], i + 1);
            assert_eq!(loc["physicalLocation"]["region"]["startLine"], lines.line_col(label.span.start).line);
            assert_eq!(
                loc["physicalLocation"]["artifactLocation"]["uri"],
                "fixtures/syntax/err/F108-duplicate-key.flow"
            );
            if !label.message.is_empty() {
                assert_eq!(loc["message"]["text"], label.message.as_str());
            }
        }
        // The artifact list names the file once; locations point at it.
        let artifacts = run["artifacts"].as_array().expect("artifacts");
        assert_eq!(artifacts.len(), 1);
        assert_eq!(artifacts[0]["location"]["uri"], "fixtures/syntax/err/F108-duplicate-key.flow");
        assert_eq!(artifacts[0]["length"], report.text.len());
        assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["index"], 0);
    }

    #[test]
    fn columns_count_unicode_code_points() {
        // `é` is two bytes in UTF-8: the unknown key after it starts at column 6, byte 7.
        let report = crate::check_source("u.flow", "flow {\n  é = 1\n  tabel = 2\n}\n".as_bytes());
        assert!(!report.diagnostics.is_empty());
        let doc = sarif(std::slice::from_ref(&report));
        for (r, d) in doc["runs"][0]["results"].as_array().expect("results").iter().zip(&report.diagnostics) {
            let at = LineIndex::new(&report.text).line_col(d.primary_span().start);
            assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startColumn"], at.column);
        }
        let mut manual = FileReport { name: "x.flow".into(), text: "é = 1\n".into(), diagnostics: Vec::new() };
        manual.diagnostics.push(Diagnostic::new(Code::UnknownKey, flowc_diag::Span::new(2, 3), "after é"));
        let doc = sarif(&[manual]);
        assert_eq!(
            doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"], 2,
            "byte 2 is the 2nd character"
        );
    }

    #[test]
    fn fingerprints_follow_the_line_text_not_its_number() {
        let name = "fixtures/syntax/err/F107-unknown-key.flow";
        let text = std::fs::read_to_string(repo_root().join(name)).expect("fixture");
        let before = sarif(&[crate::check_source(name, text.as_bytes())]);
        let moved = format!("# a new first line\n\n{text}");
        let after = sarif(&[crate::check_source(name, moved.as_bytes())]);
        let (b, a) = (&before["runs"][0]["results"][0], &after["runs"][0]["results"][0]);
        let line = |r: &Value| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().expect("line");
        assert_eq!(line(a), line(b) + 2, "the finding moved down two lines");
        assert_eq!(a["partialFingerprints"], b["partialFingerprints"], "and kept its fingerprint");
        // Another file name gives another fingerprint.
        let elsewhere = sarif(&[crate::check_source("other.flow", text.as_bytes())]);
        assert_ne!(elsewhere["runs"][0]["results"][0]["partialFingerprints"], b["partialFingerprints"]);
        // Two identical findings on identical lines are numbered apart.
        let twice = "flow {\n  nmae = \"a\"\n}\nsource {\n}\nflow {\n  nmae = \"a\"\n}\n";
        let doc = sarif(&[crate::check_source("t.flow", twice.as_bytes())]);
        let prints: Vec<String> = doc["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].as_str().expect("print").to_owned())
            .collect();
        let unique: BTreeSet<&String> = prints.iter().collect();
        assert_eq!(unique.len(), prints.len(), "{prints:?}");
    }

    #[test]
    fn the_output_is_deterministic() {
        let a = serde_json::to_string(&sarif(&fixture_reports(FIXTURES))).expect("json");
        let b = serde_json::to_string(&sarif(&fixture_reports(FIXTURES))).expect("json");
        assert_eq!(a, b);
    }

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri_path("flows/pay.flow"), "flows/pay.flow");
        assert_eq!(uri_path("./flows/./pay.flow"), "flows/pay.flow");
        assert_eq!(uri_path("a:b.flow"), "a%3Ab.flow", "a colon is not read as a scheme");
        assert_eq!(uri_path("my flows/é.flow"), "my%20flows/%C3%A9.flow");
        assert_eq!(uri_path("<stdin>"), "%3Cstdin%3E");
        if cfg!(unix) {
            assert_eq!(uri_path("/srv/flows/pay.flow"), "file:///srv/flows/pay.flow");
        }
        let doc = sarif(&[FileReport { name: "/srv/x.flow".into(), text: String::new(), diagnostics: Vec::new() }]);
        let location = &doc["runs"][0]["artifacts"][0]["location"];
        if cfg!(unix) {
            assert_eq!(location["uri"], "file:///srv/x.flow");
            assert!(location.get("uriBaseId").is_none(), "an absolute URI has no base");
        }
    }
}
