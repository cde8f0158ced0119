//! Validation of flows against their flow spec's own schemas, and the cross-object checks.
//!
//! Every finding is asserted with its code and its place (`F402@17:14`, line:column of the
//! primary span), plus the words that matter in its message.

use flowc_compile::flowspec::{BUILTIN_JSON, FlowSpec, FlowSpecCatalog};
use flowc_compile::validate::{self, SchemaRef};
use flowc_diag::{Code, Diagnostic, LineIndex, Severity, Span};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// A clean flow with the given blocks replacing the defaults (`None` drops a block).
struct Flow {
    flow: Option<&'static str>,
    source: Option<&'static str>,
    target: Option<&'static str>,
    delta: Option<&'static str>,
    schedule: Option<String>,
    options: Option<&'static str>,
    mapping: Option<&'static str>,
}

const FLOW: &str = "flow {\n  name = \"Orders\"\n  spec = CRMToAEP\n}\n";
const SOURCE: &str = "source {\n  connection_spec = \"cfc0fee1-7dc0-40ef-b73e-d8b134c436f5\"\n  columns {\n    OrderId: string\n    OrderDate: string as date-time\n    Kind: string\n    Tags: string[]\n    Updated: timestamp\n  }\n}\n";
const TARGET: &str = "target {\n  dataset = \"5e8918669cbbee18ad9771f3\"\n}\n";
const MAPPING: &str = "mapping {\n  _id = OrderId\n}\n";

impl Default for Flow {
    fn default() -> Self {
        Flow {
            flow: Some(FLOW),
            source: Some(SOURCE),
            target: Some(TARGET),
            delta: None,
            schedule: Some(schedule(&["startTime = 1767225600", "frequency = hour", "interval = 1"])),
            options: None,
            mapping: Some(MAPPING),
        }
    }
}

impl Flow {
    fn text(&self) -> String {
        let schedule = self.schedule.as_deref();
        [self.flow, self.source, self.target, self.delta, schedule, self.options, self.mapping]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A schedule block. With the default blocks before it (flow: lines 1-4, source: 6-15,
/// target: 17-19) the `schedule` keyword is on line 21 and its settings on lines 22, 23, ...;
/// a delta block takes line 21 and its settings 22, 23, ...
fn schedule(lines: &[&str]) -> String {
    let mut s = "schedule {\n".to_owned();
    for l in lines {
        s.push_str("  ");
        s.push_str(l);
        s.push('\n');
    }
    s.push_str("}\n");
    s
}

fn with_schedule(lines: &[&str]) -> String {
    Flow { schedule: Some(schedule(lines)), ..Flow::default() }.text()
}

fn parse(text: &str) -> flowc_syntax::ast::File {
    let parsed = flowc_syntax::parse(text);
    assert!(parsed.diagnostics.is_empty(), "the test's flow must parse: {:#?}\n{text}", parsed.diagnostics);
    parsed.file
}

fn at(text: &str, d: &Diagnostic) -> String {
    let index = LineIndex::new(text);
    let lc = index.line_col(d.primary_span().start);
    format!("{}@{}:{}", d.code, lc.line, lc.column)
}

/// The findings as `F402@21:14`, and the diagnostics.
fn run(text: &str, spec: &FlowSpec, now: Option<i64>) -> (Vec<String>, Vec<Diagnostic>) {
    let diagnostics = validate::validate(&parse(text), spec, now);
    (diagnostics.iter().map(|d| at(text, d)).collect(), diagnostics)
}

fn builtin() -> FlowSpec {
    FlowSpecCatalog::builtin().find("CRMToAEP").expect("built in").clone()
}

/// The built-in flow spec with `edit` applied to its JSON.
fn modified(edit: impl FnOnce(&mut Value)) -> FlowSpec {
    let mut value: Value = serde_json::from_str(BUILTIN_JSON).expect("JSON");
    edit(&mut value);
    let text = serde_json::to_string_pretty(&value).expect("serializes");
    FlowSpec::parse(&text, "modified in the test").expect("a valid flow spec").swap_remove(0)
}

fn spanned<'t>(text: &'t str, d: &Diagnostic) -> &'t str {
    let s = d.primary_span();
    &text[s.start..s.end]
}

// ---------------------------------------------------------------------------------------
// The schedule against CRMToAEP's scheduleSpec
// ---------------------------------------------------------------------------------------

#[test]
fn a_valid_schedule_has_no_finding() {
    for lines in [
        &["startTime = 1767225600", "frequency = once"][..],
        &["startTime = 1767225600", "frequency = minute", "interval = 15"],
        &["startTime = 1767225600", "frequency = week", "interval = 1", "backfill = false"],
    ] {
        let (found, diagnostics) = run(&with_schedule(lines), &builtin(), None);
        assert!(found.is_empty(), "{lines:?}: {diagnostics:#?}");
    }
}

#[test]
fn once_does_not_allow_interval() {
    let text = with_schedule(&["startTime = 1767225600", "frequency = once", "interval = 30"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@24:3"]);
    assert_eq!(spanned(&text, &d[0]), "interval");
    assert_eq!(d[0].message, "frequency \"once\" does not allow interval");
    assert_eq!(d[0].help.as_deref(), Some("remove interval"));
    assert!(d[0].notes[0].contains("#/scheduleSpec/spec/then/allOf/0/not"), "{:?}", d[0].notes);
}

#[test]
fn once_does_not_allow_backfill() {
    let text = with_schedule(&["startTime = 1767225600", "frequency = once", "backfill = true"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@24:3"]);
    assert_eq!(spanned(&text, &d[0]), "backfill");
    assert_eq!(d[0].message, "frequency \"once\" does not allow backfill");
    assert!(d[0].notes[0].contains("#/scheduleSpec/spec/then/allOf/1/not"));
}

#[test]
fn minute_needs_an_interval_of_at_least_15() {
    let text = with_schedule(&["startTime = 1767225600", "frequency = minute", "interval = 10"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@24:14"]);
    assert_eq!(spanned(&text, &d[0]), "10");
    assert_eq!(d[0].message, "interval 10 is below the minimum of 15 that frequency \"minute\" requires");
    assert!(d[0].notes[0].contains("#/scheduleSpec/spec/else/then/properties/interval/minimum"));
}

#[test]
fn hour_needs_an_interval_of_at_least_1() {
    let text = with_schedule(&["startTime = 1767225600", "frequency = hour", "interval = 0"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@24:14"]);
    assert_eq!(d[0].message, "interval 0 is below the minimum of 1 that frequency \"hour\" requires");
    assert!(d[0].notes[0].contains("#/scheduleSpec/spec/else/else/properties/interval/minimum"));
}

#[test]
fn a_periodic_schedule_needs_an_interval() {
    let text = with_schedule(&["startTime = 1767225600", "frequency = day"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@21:1"], "at the schedule keyword");
    assert_eq!(spanned(&text, &d[0]), "schedule");
    assert_eq!(d[0].message, "the schedule has no interval, which frequency \"day\" requires");
    assert_eq!(d[0].help.as_deref(), Some("add `interval = <integer>` to the schedule block"));
}

#[test]
fn no_frequency_is_reported_once_without_the_rules_that_depend_on_it() {
    // Without frequency, the schema's `if frequency is "once"` holds vacuously and its
    // `then` forbids interval: that follows from the missing frequency and is not reported.
    let text = with_schedule(&["startTime = 1767225600", "interval = 30"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@21:1"]);
    assert_eq!(d[0].message, "the schedule has no frequency, which flow spec `CRMToAEP` requires");
    assert_eq!(
        d[0].help.as_deref(),
        Some("add `frequency = <one of once, minute, hour, day, week>` to the schedule block")
    );
    assert!(
        d[0].notes[0]
            .ends_with("#/scheduleSpec/spec/required in flow spec `CRMToAEP` (14518937-270c-4525-bdec-c2ba7cce3860)")
    );
}

#[test]
fn an_unknown_frequency_lists_the_valid_ones_and_the_nearest() {
    let text = with_schedule(&["startTime = 1767225600", "frequency = minutes", "interval = 30"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@23:15"]);
    assert_eq!(spanned(&text, &d[0]), "minutes");
    assert_eq!(d[0].message, "frequency \"minutes\" is not one of once, minute, hour, day, week");
    assert_eq!(d[0].help.as_deref(), Some("did you mean minute?"));
    // A frequency without a near one gets no guess.
    let text = with_schedule(&["startTime = 1767225600", "frequency = monthly"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@23:15"], "{d:#?}: the rules that depend on frequency wait for a valid one");
    assert_eq!(d[0].help, None);
}

#[test]
fn quoted_numbers_are_strings_and_the_schema_says_so() {
    let text = with_schedule(&["startTime = \"1567411548\"", "frequency = hour", "interval = \"30\""]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@22:15", "F402@24:14"]);
    assert_eq!(spanned(&text, &d[0]), "\"1567411548\"");
    assert_eq!(d[0].message, "startTime must be an integer, not the string \"1567411548\"");
    assert_eq!(d[0].help.as_deref(), Some("write it without quotes: `startTime = 1567411548`"));
    assert_eq!(d[1].message, "interval must be an integer, not the string \"30\"");
    assert_eq!(d[1].help.as_deref(), Some("write it without quotes: `interval = 30`"));
    assert!(d[1].notes[0].contains("#/scheduleSpec/spec/properties/interval/type"));
}

#[test]
fn an_unknown_key_is_a_warning_with_the_nearest_key() {
    let text = with_schedule(&["startTime = 1767225600", "frequency = hour", "intervall = 30"]);
    let (found, d) = run(&text, &builtin(), None);
    // The key meant is then missing, which the schema reports itself.
    assert_eq!(found, ["F402@21:1", "F405@24:3"]);
    assert_eq!(d[0].message, "the schedule has no interval, which frequency \"hour\" requires");
    assert_eq!(d[1].severity, Severity::Warning);
    assert_eq!(d[1].message, "intervall is not a schedule param of flow spec `CRMToAEP`");
    assert_eq!(d[1].help.as_deref(), Some("did you mean interval?"));
    assert_eq!(d[1].notes, ["the schedule params it defines: backfill, frequency, interval, startTime"]);
}

#[test]
fn a_flow_without_a_schedule_block_is_reported_at_its_flow_block() {
    let text = Flow { schedule: None, ..Flow::default() }.text();
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@1:1", "F402@1:1"]);
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the schedule has no frequency, which flow spec `CRMToAEP` requires",
            "the schedule has no startTime, which flow spec `CRMToAEP` requires"
        ]
    );
    assert_eq!(d[1].help.as_deref(), Some("add a schedule block with `startTime = <integer>`"));
}

// ---------------------------------------------------------------------------------------
// The same files against a flow spec with other rules: nothing is hard-coded
// ---------------------------------------------------------------------------------------

/// CRMToAEP with minute's minimum at 30, a `month` frequency, and a required `timezone`.
fn stricter() -> FlowSpec {
    modified(|v| {
        let spec = &mut v["scheduleSpec"]["spec"];
        spec["else"]["then"]["properties"]["interval"]["minimum"] = json!(30);
        spec["properties"]["frequency"]["enum"].as_array_mut().expect("enum").push(json!("month"));
        spec["properties"]["timezone"] = json!({"type": "string"});
        spec["required"].as_array_mut().expect("required").push(json!("timezone"));
    })
}

#[test]
fn another_flow_specs_rules_apply_unchanged() {
    let stricter = stricter();
    // 20 minutes: fine for CRMToAEP, below the other minimum.
    let text = with_schedule(&["startTime = 1767225600", "frequency = minute", "interval = 20", "timezone = \"UTC\""]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F405@25:3"], "CRMToAEP has no timezone: {d:#?}");
    let (found, d) = run(&text, &stricter, None);
    assert_eq!(found, ["F402@24:14"]);
    assert_eq!(d[0].message, "interval 20 is below the minimum of 30 that frequency \"minute\" requires");
    // 10 minutes: both report it, each with its own minimum.
    let text = with_schedule(&["startTime = 1767225600", "frequency = minute", "interval = 10", "timezone = \"UTC\""]);
    assert_eq!(
        run(&text, &builtin(), None).1.iter().find(|d| d.code == Code::ScheduleInvalid).expect("F402").message,
        "interval 10 is below the minimum of 15 that frequency \"minute\" requires"
    );
    assert_eq!(
        run(&text, &stricter, None).1[0].message,
        "interval 10 is below the minimum of 30 that frequency \"minute\" requires"
    );
}

#[test]
fn another_flow_specs_required_keys_and_values_apply() {
    let stricter = stricter();
    let text = with_schedule(&["startTime = 1767225600", "frequency = month", "interval = 1"]);
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F402@23:15"]);
    assert_eq!(d[0].message, "frequency \"month\" is not one of once, minute, hour, day, week");
    let (found, d) = run(&text, &stricter, None);
    assert_eq!(found, ["F402@21:1"], "month is valid there, but timezone is required: {d:#?}");
    assert_eq!(d[0].message, "the schedule has no timezone, which flow spec `CRMToAEP` requires");
    assert_eq!(d[0].help.as_deref(), Some("add `timezone = <string>` to the schedule block"));
}

#[test]
fn a_schema_with_closed_keys_reports_them_itself() {
    let closed = modified(|v| v["scheduleSpec"]["spec"]["additionalProperties"] = json!(false));
    let text = with_schedule(&["startTime = 1767225600", "frequency = hour", "interval = 1", "backfil = true"]);
    let (found, d) = run(&text, &closed, None);
    assert_eq!(found, ["F402@25:3"], "an error from the schema, not F405's warning: {d:#?}");
    assert_eq!(d[0].message, "flow spec `CRMToAEP` does not allow backfil in the schedule");
    assert_eq!(d[0].help.as_deref(), Some("did you mean backfill?"));
}

#[test]
fn conditions_on_several_keys_are_worded_from_the_schema() {
    // once only in "batch" mode: an if with two keys, one of them not set.
    let spec = modified(|v| {
        let s = &mut v["scheduleSpec"]["spec"];
        s["properties"]["mode"] = json!({"type": "string"});
        s["allOf"] = json!([{
            "if": {"properties": {"mode": {"const": "stream"}}, "required": ["mode"]},
            "then": {"properties": {"backfill": {"const": false}}}
        }]);
    });
    let text = with_schedule(&[
        "startTime = 1767225600",
        "frequency = hour",
        "interval = 1",
        "mode = stream",
        "backfill = true",
    ]);
    let (found, d) = run(&text, &spec, None);
    assert_eq!(found, ["F402@26:14"]);
    assert_eq!(d[0].message, "mode \"stream\" requires backfill to be false, not true");
    assert!(d[0].notes[0].contains("#/scheduleSpec/spec/allOf/0/then/properties/backfill/const"));
    let text = with_schedule(&[
        "startTime = 1767225600",
        "frequency = hour",
        "interval = 1",
        "mode = batch",
        "backfill = true",
    ]);
    assert!(run(&text, &spec, None).0.is_empty());
}

// ---------------------------------------------------------------------------------------
// Transformations and options
// ---------------------------------------------------------------------------------------

#[test]
fn the_copy_transformation_is_validated_from_the_delta_block() {
    let text = Flow { delta: Some("delta {\n  date_format = \"yyyy-MM-dd HH:mm:ss\"\n}\n"), ..Flow::default() }.text();
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F403@21:1"]);
    assert_eq!(spanned(&text, &d[0]), "delta");
    assert_eq!(d[0].message, "the delta block has no column, which flow spec `CRMToAEP` requires");
    assert_eq!(d[0].help.as_deref(), Some("add `column = <string>` to the delta block"));
    assert!(d[0].notes[0].contains("#/transformationSpec/0/spec/properties/deltaColumn/required"));
    // A flow spec that requires the timezone too.
    let spec = modified(|v| {
        v["transformationSpec"][0]["spec"]["properties"]["deltaColumn"]["required"] = json!(["name", "timezone"]);
    });
    let text = Flow { delta: Some("delta {\n  column = OrderDate\n}\n"), ..Flow::default() }.text();
    assert!(run(&text, &builtin(), None).0.is_empty());
    let (found, d) = run(&text, &spec, None);
    assert_eq!(found, ["F403@21:1"]);
    assert_eq!(d[0].message, "the delta block has no timezone, which flow spec `CRMToAEP` requires");
}

#[test]
fn a_delta_block_needs_a_copy_transformation() {
    let spec = modified(|v| {
        v["transformationSpec"].as_array_mut().expect("list").remove(0);
    });
    let text = Flow { delta: Some("delta {\n  column = OrderDate\n}\n"), ..Flow::default() }.text();
    let (found, d) = run(&text, &spec, None);
    assert_eq!(found, ["F403@21:1"]);
    assert!(
        d[0].message.contains("has no Copy transformation") && d[0].message.ends_with("its transformations: Mapping"),
        "{}",
        d[0].message
    );
}

#[test]
fn the_mapping_transformation_is_validated_with_placeholders() {
    let spec = modified(|v| {
        let s = &mut v["transformationSpec"][1]["spec"];
        s["required"] = json!(["mappingId", "mappingVersion", "mappingMode"]);
    });
    let text = Flow::default().text();
    assert!(run(&text, &builtin(), None).0.is_empty());
    let (found, d) = run(&text, &spec, None);
    assert_eq!(found, ["F403@27:1"], "at the mapping keyword: {d:#?}");
    assert_eq!(d[0].message, "the Mapping transformation has no mappingMode, which flow spec `CRMToAEP` requires");
    // mappingVersion is typed as the schema declares it.
    assert_eq!(validate::mapping_params(&builtin(), "m", 0), json!({"mappingId": "m", "mappingVersion": "0"}));
    let integer =
        modified(|v| v["transformationSpec"][1]["spec"]["properties"]["mappingVersion"]["type"] = json!("integer"));
    assert_eq!(validate::mapping_params(&integer, "m", 3), json!({"mappingId": "m", "mappingVersion": 3}));
    assert!(run(&text, &integer, None).0.is_empty());
}

#[test]
fn options_are_validated_against_the_option_spec() {
    let options =
        "options {\n  errorDiagnosticsEnabled = \"true\"\n  partialIngestionPercent = 0\n  partialIngestion = 5\n}\n";
    let text = Flow { options: Some(options), ..Flow::default() }.text();
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F404@28:29", "F404@29:29", "F405@30:3"]);
    assert_eq!(d[0].message, "errorDiagnosticsEnabled must be a boolean (true or false), not the string \"true\"");
    assert_eq!(d[0].help.as_deref(), Some("write it without quotes: `errorDiagnosticsEnabled = true`"));
    assert_eq!(d[1].message, "partialIngestionPercent 0 must be greater than 0");
    assert_eq!(d[2].message, "partialIngestion is not a option of flow spec `CRMToAEP`");
    assert_eq!(d[2].help.as_deref(), Some("did you mean partialIngestionPercent?"));
}

// ---------------------------------------------------------------------------------------
// Cross-object checks
// ---------------------------------------------------------------------------------------

#[test]
fn the_source_connection_spec_must_be_accepted() {
    let source = "source {\n  connection_spec = \"cfc0fee1-7dc0-40ef-b73e-d8b134c436f6\"\n}\n";
    let text = Flow { source: Some(source), ..Flow::default() }.text();
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F406@7:21"]);
    assert_eq!(
        d[0].message,
        "source connection spec `cfc0fee1-7dc0-40ef-b73e-d8b134c436f6` is not one of the 36 that flow spec `CRMToAEP` accepts"
    );
    assert_eq!(d[0].help.as_deref(), Some("did you mean `cfc0fee1-7dc0-40ef-b73e-d8b134c436f5`?"));
    // PayPal's is accepted by CRMToAEP, and not by a flow spec that lists only one other.
    let paypal = Flow {
        source: Some("source {\n  connection_spec = \"221c7626-58f6-4eec-8ee2-042b0226f03b\"\n}\n"),
        ..Flow::default()
    }
    .text();
    assert!(run(&paypal, &builtin(), None).0.is_empty());
    let narrow = modified(|v| v["sourceConnectionSpecIds"] = json!(["cfc0fee1-7dc0-40ef-b73e-d8b134c436f5"]));
    assert_eq!(run(&paypal, &narrow, None).0, ["F406@7:21"]);
}

#[test]
fn the_target_must_be_the_data_lake_and_accepted() {
    let target = "target {\n  connection_spec = \"c604ff05-7f1a-43c0-8e18-33bf874cb11d\"\n}\n";
    let text = Flow { target: Some(target), ..Flow::default() }.text();
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F407@18:21"]);
    assert!(
        d[0].message
            .starts_with("target connection spec `c604ff05-7f1a-43c0-8e18-33bf874cb11d` is not the data lake's")
    );
    // The default (the data lake) against a flow spec that does not list it.
    let elsewhere = modified(|v| v["targetConnectionSpecIds"] = json!(["00000000-0000-0000-0000-000000000000"]));
    let text = Flow::default().text();
    let (found, d) = run(&text, &elsewhere, None);
    assert_eq!(found, ["F407@17:1"], "at the target keyword: {d:#?}");
    assert!(
        d[0].message.contains("(the default)")
            && d[0].message.ends_with("it accepts: 00000000-0000-0000-0000-000000000000")
    );
    // An existing target connection says nothing of its connection spec here.
    let existing = Flow {
        target: Some("target {\n  connection = \"9e4a1c2d-3b5f-4e6a-8c7d-1f2e3a4b5c6d\"\n}\n"),
        ..Flow::default()
    }
    .text();
    assert!(run(&existing, &elsewhere, None).0.is_empty());
}

#[test]
fn a_flow_needs_a_mapping_transformation() {
    let text = Flow { mapping: None, ..Flow::default() }.text();
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F408@1:1"]);
    assert_eq!(d[0].message, "the flow has no mapping block, so it has no Mapping transformation");
    let no_mapping = modified(|v| {
        v["transformationSpec"].as_array_mut().expect("list").remove(1);
    });
    let text = Flow::default().text();
    let (found, d) = run(&text, &no_mapping, None);
    assert_eq!(found, ["F408@3:10"], "at the spec's name: {d:#?}");
    assert!(d[0].message.ends_with("has no Mapping transformation; its transformations: Copy"));
}

#[test]
fn the_delta_column_is_a_date_column_of_the_source() {
    let run_delta = |delta: &'static str| {
        let text = Flow { delta: Some(delta), ..Flow::default() }.text();
        let (found, d) = run(&text, &builtin(), None);
        (found, d.into_iter().map(|d| (d.message, d.help)).collect::<Vec<_>>())
    };
    for ok in ["delta {\n  column = OrderDate\n}\n", "delta {\n  column = Updated\n}\n"] {
        assert_eq!(run_delta(ok).0, Vec::<String>::new(), "{ok}");
    }
    let (found, d) = run_delta("delta {\n  column = Kind\n}\n");
    assert_eq!(found, ["F409@22:12"]);
    assert_eq!(d[0].0, "delta column `Kind` is string, not a date or date-time: new rows are told by a date");
    assert_eq!(d[0].1.as_deref(), Some("declare it as a date: `Kind: string as date-time`, or pick a date column"));
    let (found, d) = run_delta("delta {\n  column = Tags\n}\n");
    assert_eq!(found, ["F409@22:12"]);
    assert!(d[0].0.contains("is string[]"));
    let (found, d) = run_delta("delta {\n  column = OrderDat\n}\n");
    assert_eq!(found, ["F409@22:12"]);
    assert_eq!(d[0].0, "delta column `OrderDat` is not a source column");
    assert_eq!(d[0].1.as_deref(), Some("did you mean `OrderDate`?"));
    // Columns from a file are not known here: nothing is said.
    let text = Flow {
        source: Some(
            "source {\n  connection_spec = \"cfc0fee1-7dc0-40ef-b73e-d8b134c436f5\"\n  columns from \"cols.json\"\n}\n",
        ),
        delta: Some("delta {\n  column = Anything\n}\n"),
        ..Flow::default()
    }
    .text();
    assert!(run(&text, &builtin(), None).0.is_empty());
}

#[test]
fn the_delta_date_format_is_a_java_pattern() {
    let text = Flow {
        delta: Some("delta {\n  column = OrderDate\n  date_format = \"YYYY-MM-dd HH:mm:ss\"\n}\n"),
        ..Flow::default()
    }
    .text();
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F315@23:18"]);
    assert_eq!(spanned(&text, &d[0]), "YYYY");
    assert_eq!(d[0].severity, Severity::Warning);
    let text = Flow {
        delta: Some("delta {\n  column = OrderDate\n  date_format = \"yyyy-MM-dd ff\"\n}\n"),
        ..Flow::default()
    }
    .text();
    let (found, d) = run(&text, &builtin(), None);
    assert_eq!(found, ["F314@23:29"]);
    assert_eq!(d[0].severity, Severity::Error);
}

#[test]
fn a_start_time_in_milliseconds_is_an_error_with_the_fix() {
    let text = with_schedule(&["startTime = 1567411548000", "frequency = hour", "interval = 1"]);
    let (found, d) = run(&text, &builtin(), Some(2_000_000_000));
    assert_eq!(found, ["F410@22:15"], "milliseconds only, no past warning: {d:#?}");
    assert_eq!(
        d[0].message,
        "startTime 1567411548000 is in milliseconds (2019-09-02T08:05:48Z); schedules take epoch seconds"
    );
    assert_eq!(d[0].help.as_deref(), Some("write `startTime = 1567411548`"));
}

#[test]
fn a_start_time_in_the_past_is_a_warning_only_with_a_clock() {
    let text = with_schedule(&["startTime = 1567411548", "frequency = hour", "interval = 1"]);
    assert!(run(&text, &builtin(), None).0.is_empty(), "no clock, no finding");
    let (found, d) = run(&text, &builtin(), Some(1_767_225_600));
    assert_eq!(found, ["F411@22:15"]);
    assert_eq!(d[0].severity, Severity::Warning);
    assert_eq!(d[0].message, "startTime 1567411548 (2019-09-02T08:05:48Z) is before now (2026-01-01T00:00:00Z)");
    assert!(run(&text, &builtin(), Some(1_567_411_548)).0.is_empty(), "now itself is not the past");
}

#[test]
fn mapping_set_and_target_schemas_must_agree() {
    let v1 = "application/vnd.adobe.xed-full+json;version=1";
    let a = SchemaRef { id: "https://ns.adobe.com/acme/schemas/a", version: v1, span: Span::new(0, 1) };
    let b = SchemaRef { id: "https://ns.adobe.com/acme/schemas/b", version: v1, span: Span::new(5, 6) };
    assert!(validate::check_schema_match(a, a).is_none());
    let d = validate::check_schema_match(a, b).expect("ids differ");
    assert_eq!(d.code, Code::SchemaMismatch);
    assert_eq!(d.primary_span(), Span::new(0, 1));
    assert_eq!(d.labels[1].span, Span::new(5, 6));
    assert!(
        d.message.contains("`https://ns.adobe.com/acme/schemas/a`")
            && d.message.contains("`https://ns.adobe.com/acme/schemas/b`")
    );
    let a2 = SchemaRef { version: "application/vnd.adobe.xed-full+json;version=2", ..a };
    let d = validate::check_schema_match(a2, a).expect("versions differ");
    assert!(d.message.contains("version=2") && d.message.contains("version=1"), "{}", d.message);
}

#[test]
fn a_mapping_alone_is_not_validated_as_a_flow() {
    let text = [SOURCE, TARGET, MAPPING].join("\n");
    assert!(!validate::describes_flow(&parse(&text)));
    assert!(run(&text, &builtin(), Some(i64::MAX)).0.is_empty());
}

// ---------------------------------------------------------------------------------------
// Resolving the flow block's `spec`
// ---------------------------------------------------------------------------------------

#[test]
fn the_flow_spec_is_found_by_name_or_id_and_defaults_to_crm_to_aep() {
    let catalog = FlowSpecCatalog::builtin();
    for flow in [
        "flow {\n  spec = CRMToAEP\n}\n",
        "flow {\n  spec = \"14518937-270c-4525-bdec-c2ba7cce3860\"\n  spec_version = \"1.0\"\n}\n",
        "flow {\n  name = \"x\"\n}\n",
        "schedule {\n  frequency = once\n}\n",
    ] {
        let spec = validate::resolve(&parse(flow), &catalog).unwrap_or_else(|d| panic!("{flow}: {d:#?}"));
        assert_eq!(spec.name, "CRMToAEP");
    }
}

#[test]
fn an_unknown_flow_spec_names_the_known_ones() {
    let catalog = FlowSpecCatalog::builtin();
    let text = "flow {\n  spec = CRMtoAEP\n}\n";
    let d = validate::resolve(&parse(text), &catalog).expect_err("unknown");
    assert_eq!(at(text, &d), "F400@2:10");
    assert_eq!(d.message, "`CRMtoAEP` is not a known flow spec; known: `CRMToAEP`");
    assert_eq!(d.help.as_deref(), Some("did you mean `CRMToAEP`?"));
    assert_eq!(d.notes, ["the flow specs known: CRMToAEP 14518937-270c-4525-bdec-c2ba7cce3860 (version 1.0)"]);
    let text = "flow {\n  spec = \"00000000-0000-0000-0000-000000000000\"\n}\n";
    let d = validate::resolve(&parse(text), &catalog).expect_err("unknown id");
    assert_eq!(d.message, "no known flow spec has the id `00000000-0000-0000-0000-000000000000`; known: `CRMToAEP`");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("flowspecs")));
    let text = "flow {\n  spec = CRMToAEP\n  spec_version = \"2.0\"\n}\n";
    let d = validate::resolve(&parse(text), &catalog).expect_err("unknown version");
    assert_eq!(at(text, &d), "F400@3:18");
    assert_eq!(d.message, "flow spec `CRMToAEP` has no version \"2.0\"; the versions known are \"1.0\"");
    let d =
        validate::resolve(&parse("flow {\n  name = \"x\"\n}\n"), &FlowSpecCatalog::empty()).expect_err("empty catalog");
    assert_eq!(d.message, "the default flow spec `CRMToAEP` is not in the catalog; no flow spec is known");
}

// ---------------------------------------------------------------------------------------
// The fixtures of fixtures/diagnostics/F4xx
// ---------------------------------------------------------------------------------------

/// `# expect: F402@12:14 ...`
fn expectations(text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap_or_default();
    let list =
        first.strip_prefix("# expect:").unwrap_or_else(|| panic!("fixtures start with `# expect:`, got {first:?}"));
    list.split_whitespace().map(str::to_owned).collect()
}

/// The clock of a folder's flowc.toml, as `flowc check` reads it.
fn clock(dir: &Path) -> Option<i64> {
    let path = dir.join("flowc.toml");
    path.is_file().then(|| flowc_check::config::Config::load(&path).expect("a valid flowc.toml").now).flatten()
}

fn flow_fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(root().join("fixtures/diagnostics")).expect("fixtures").flatten() {
        if !dir.file_name().to_string_lossy().starts_with("F4") {
            continue;
        }
        for f in std::fs::read_dir(dir.path()).expect("folder").flatten() {
            if f.path().extension().is_some_and(|e| e == "flow") {
                files.push(f.path());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn flow_fixtures_report_the_expected_codes_and_positions() {
    let catalog = FlowSpecCatalog::builtin();
    let files = flow_fixtures();
    assert!(files.len() >= 13, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let expected = expectations(&text);
        let file = parse(&text);
        let mut diagnostics = match validate::resolve(&file, &catalog) {
            Ok(spec) => validate::validate(&file, spec, clock(path.parent().expect("folder"))),
            Err(d) => vec![d],
        };
        flowc_diag::sort(&mut diagnostics);
        let actual: Vec<String> = diagnostics.iter().map(|d| at(&text, d)).collect();
        assert_eq!(actual, expected, "{}: {diagnostics:#?}", path.display());
        let folder = path.parent().and_then(Path::file_name).expect("code folder").to_string_lossy().into_owned();
        assert!(
            actual.iter().any(|a| a.starts_with(&folder)),
            "{}: the fixture must produce its folder's code",
            path.display()
        );
    }
}

/// `fixtures/diagnostics/F4xx/expect.txt`: `file.json F401@3:5 ...` per line.
fn json_expectations(dir: &Path) -> Vec<(PathBuf, Vec<String>)> {
    let text = std::fs::read_to_string(dir.join("expect.txt")).expect("expect.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut words = l.split_whitespace();
            let file = dir.join(words.next().expect("a file name"));
            (file, words.map(str::to_owned).collect())
        })
        .collect()
}

#[test]
fn invalid_flow_spec_file_fixtures_are_reported_where_expected() {
    let dir = root().join("fixtures/diagnostics/F401");
    let cases = json_expectations(&dir);
    assert!(cases.len() >= 2);
    for (path, expected) in cases {
        let error = FlowSpecCatalog::load_file(&path).expect_err("invalid");
        let actual: Vec<String> = error.diagnostics.iter().map(|d| at(&error.text, d)).collect();
        assert_eq!(actual, expected, "{}: {:#?}", path.display(), error.diagnostics);
    }
}

#[test]
fn schema_mismatch_fixture_is_reported_where_expected() {
    let dir = root().join("fixtures/diagnostics/F412");
    for (path, expected) in json_expectations(&dir) {
        let text = std::fs::read_to_string(&path).expect("readable");
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        let side = |pointer: &str, version_key: &str| SchemaRef {
            id: doc.pointer(&format!("{pointer}/id")).and_then(Value::as_str).expect("id"),
            version: doc.pointer(&format!("{pointer}/{version_key}")).and_then(Value::as_str).expect("version"),
            span: flowc_compile::flowspec::json_pointer_span(&text, &format!("{pointer}/id")).expect("located"),
        };
        let mapping = side("/mappingSet/outputSchema/schemaRef", "contentType");
        let target = side("/targetConnection/data/schema", "version");
        let actual: Vec<String> = validate::check_schema_match(mapping, target).iter().map(|d| at(&text, d)).collect();
        assert_eq!(actual, expected, "{}", path.display());
    }
}

#[test]
fn every_flow_code_has_an_explanation_and_a_fixture() {
    for code in Code::ALL.iter().filter(|c| c.phase() == flowc_diag::Phase::Flow) {
        assert!(code.explain().starts_with(&format!("# {code} {}", code.name())), "{code}");
        let dir = root().join("fixtures/diagnostics").join(code.as_str());
        assert!(
            std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()),
            "{code} has no fixture in {}",
            dir.display()
        );
    }
}

/// Files that pass every check must pass this one too (they go through it once `flowc
/// check` validates flows).
#[test]
fn clean_flows_of_the_repository_stay_clean() {
    let catalog = FlowSpecCatalog::builtin();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/check/ok"))
        .expect("fixtures/check/ok")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    paths.push(root().join("crates/flowc-cli/assets/payments.flow"));
    paths.push(root().join("fixtures/syntax/ok/existing-connections.flow"));
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable");
        let file = parse(&text);
        let spec = validate::resolve(&file, &catalog).expect("CRMToAEP");
        let found = validate::validate(&file, spec, None);
        assert!(found.is_empty(), "{}: {found:#?}", path.display());
    }
}

/// The F4xx fixtures are clean for the checker (`flowc check` runs it on them too), so that
/// only the flow codes they are about appear.
#[test]
fn flow_fixtures_are_clean_for_the_checker() {
    let session = flowc_check::Session::new();
    for path in flow_fixtures() {
        let bytes = std::fs::read(&path).expect("readable");
        let dir = path.parent().expect("folder");
        let (_, outcome) =
            flowc_check::check_source(&session, &bytes, Some(&path), dir, &flowc_check::Settings::default());
        let codes: Vec<Code> = outcome.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.is_empty(), "{}: {:#?}", path.display(), outcome.diagnostics);
        assert!(outcome.external.is_empty(), "{}: {:#?}", path.display(), outcome.external);
    }
    // The same call does find what the checker is about (so the above is no vacuous pass).
    let f316 = root().join("fixtures/diagnostics/F316/duplicate-destination.flow");
    let (_, outcome) = flowc_check::check_source(
        &session,
        &std::fs::read(&f316).expect("F316"),
        Some(&f316),
        f316.parent().expect("folder"),
        &flowc_check::Settings::default(),
    );
    assert_eq!(outcome.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::DuplicateDestination]);
}

#[test]
fn a_schema_that_refers_to_the_network_is_reported_not_fetched() {
    let remote = modified(|v| {
        v["scheduleSpec"]["spec"]["properties"]["interval"] = json!({"$ref": "https://example.invalid/interval.json"})
    });
    let text = with_schedule(&["startTime = 1767225600", "frequency = hour", "interval = 1"]);
    let (found, d) = run(&text, &remote, None);
    assert_eq!(found, ["F402@21:1"], "{d:#?}");
    assert!(
        d[0].message.starts_with(
            "flow spec `CRMToAEP` (14518937-270c-4525-bdec-c2ba7cce3860)'s schema #/scheduleSpec/spec cannot be used: "
        ),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].notes, ["the flow spec comes from modified in the test"]);
}
