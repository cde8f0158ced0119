//! `flowc flowspec list|show`: the flow specs flowc knows (the built-in CRMToAEP, and those
//! of files holding a `GET /flowSpecs` response), and what one of them accepts — its ids,
//! and its schedule params, transformations and options as its own JSON Schemas state them
//! (read from the schemas, so another flow spec shows its own rules).
//!
//! Exit codes: 0 done, 1 a flow spec file cannot be used (its diagnostics on stderr; the
//! flow specs that could be read are still listed), 2 usage error (`show` of a flow spec that
//! is not known).

use clap::Subcommand;
use flowc_compile::flowspec::{FlowSpec, FlowSpecCatalog};
use flowc_diag::LineIndex;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum FlowspecCommand {
    /// One line per flow spec: name, id, version, how many source connection specs it
    /// accepts, and where it comes from.
    List {
        /// A file holding a `GET /flowSpecs` response (one flow spec, or `{"items": [...]}`),
        /// read besides the built-in CRMToAEP; repeatable.
        #[arg(long, value_name = "FILE")]
        file: Vec<PathBuf>,
    },
    /// A flow spec's ids, schedule params (type, required, limits, conditional rules),
    /// transformations and options, as its schemas state them.
    Show {
        /// The flow spec's name (`CRMToAEP`) or id.
        name_or_id: String,
        /// As for `list`.
        #[arg(long, value_name = "FILE")]
        file: Vec<PathBuf>,
    },
}

/// Runs the command with the flow spec files of flowc.toml (`flowspecs`, read before
/// `--file`) and the output streams given. Write errors (a closed pipe) are ignored.
pub fn run_with(cmd: FlowspecCommand, configured: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let (files, wanted) = match cmd {
        FlowspecCommand::List { file } => (file, None),
        FlowspecCommand::Show { name_or_id, file } => (file, Some(name_or_id)),
    };
    let mut catalog = FlowSpecCatalog::builtin();
    let paths: Vec<PathBuf> = configured.iter().cloned().chain(files).collect();
    let errors = catalog.load_files(&paths);
    for e in &errors {
        let index = LineIndex::new(&e.text);
        for d in &e.diagnostics {
            let at = index.line_col(d.primary_span().start);
            let _ = writeln!(
                err,
                "{}:{}:{}: {}[{}] {}",
                e.path.display(),
                at.line,
                at.column,
                d.severity.as_str(),
                d.code,
                d.message
            );
            if let Some(help) = &d.help {
                let _ = writeln!(err, "  help: {help}");
            }
        }
    }
    let failed = if errors.is_empty() { 0 } else { 1 };
    match wanted {
        None => {
            list(&catalog, out);
            failed
        }
        Some(name) => match catalog.find(&name) {
            Some(spec) => {
                show(spec, out);
                failed
            }
            None => {
                let known: Vec<String> = catalog.names().iter().map(|n| format!("`{n}`")).collect();
                let mut message = format!("flowc: `{name}` is not a known flow spec; known: {}", known.join(", "));
                if let Some(near) = catalog.suggest(&name) {
                    message.push_str(&format!(" (did you mean `{}`?)", near.name));
                }
                let _ = writeln!(err, "{message}");
                let _ = writeln!(err, "  help: give the file holding its `GET /flowSpecs` response with --file");
                2
            }
        },
    }
}

fn list(catalog: &FlowSpecCatalog, out: &mut dyn Write) {
    let rows: Vec<[String; 5]> = catalog
        .all()
        .iter()
        .map(|s| {
            let n = s.source_connection_spec_ids.len();
            [
                s.name.clone(),
                s.id.clone(),
                s.version.clone(),
                format!("{n} source spec{}", if n == 1 { "" } else { "s" }),
                s.origin.clone(),
            ]
        })
        .collect();
    let header = ["NAME", "ID", "VERSION", "ACCEPTS", "FROM"].map(str::to_owned);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  "));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn show(spec: &FlowSpec, out: &mut dyn Write) {
    let mut lines = vec![
        format!("{} (version {})", spec.name, spec.version),
        format!("  id: {}", spec.id),
        format!("  from: {}", spec.origin),
    ];
    for (what, ids) in [("source", &spec.source_connection_spec_ids), ("target", &spec.target_connection_spec_ids)] {
        lines.push(format!("  {what} connection specs ({}):", ids.len()));
        lines.extend(ids.iter().map(|id| format!("    {id}")));
    }
    lines.push(String::new());
    match spec.schedule_schema() {
        Some(s) => {
            let kind = [spec.value.pointer("/scheduleSpec/name"), spec.value.pointer("/scheduleSpec/type")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            let kind = if kind.is_empty() { String::new() } else { format!(" ({kind})") };
            lines.push(format!("schedule params{kind}, from #{}:", s.pointer));
            describe(s.schema, 1, &mut lines);
        }
        None => lines.push("schedule params: none (no scheduleSpec)".into()),
    }
    lines.push(String::new());
    let names = spec.transformation_names();
    if names.is_empty() {
        lines.push("transformations: none".into());
    } else {
        lines.push("transformations:".into());
        for name in names {
            if let Some((pointer, schema)) = spec.transformation_schema(name) {
                lines.push(format!("  {name}, from #{pointer}:"));
                describe(schema, 2, &mut lines);
            }
        }
    }
    lines.push(String::new());
    match spec.options_schema() {
        Some(s) => {
            lines.push(format!("options, from #{}:", s.pointer));
            describe(s.schema, 1, &mut lines);
        }
        None => lines.push("options: none (no optionSpec)".into()),
    }
    for line in lines {
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn pad(level: usize) -> String {
    "  ".repeat(level)
}

/// `"once"` for strings' JSON, others as JSON.
fn show_value(v: &Value) -> String {
    v.to_string()
}

fn type_of(schema: &Value) -> String {
    match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "),
        _ if schema.get("enum").is_some() || schema.get("const").is_some() => "value".into(),
        _ => "any".into(),
    }
}

/// The constraints a schema states on one value, in words: `one of "once", "minute"`,
/// `at least 15`, `more than 0`, `default true`.
fn constraints(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let num = |k: &str| schema.get(k).map(show_value);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        out.push(format!("one of {}", values.iter().map(show_value).collect::<Vec<_>>().join(", ")));
    }
    if let Some(c) = schema.get("const") {
        out.push(format!("exactly {}", show_value(c)));
    }
    for (key, word) in [
        ("minimum", "at least"),
        ("exclusiveMinimum", "more than"),
        ("maximum", "at most"),
        ("exclusiveMaximum", "less than"),
        ("multipleOf", "a multiple of"),
        ("minLength", "length at least"),
        ("maxLength", "length at most"),
        ("minItems", "items at least"),
        ("maxItems", "items at most"),
    ] {
        if let Some(n) = num(key) {
            out.push(format!("{word} {n}"));
        }
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        out.push(format!("matching /{p}/"));
    }
    if let Some(f) = schema.get("format").and_then(Value::as_str) {
        out.push(format!("format {f}"));
    }
    if let Some(d) = schema.get("default") {
        out.push(format!("default {}", show_value(d)));
    }
    out
}

fn required_of(schema: &Value) -> Vec<&str> {
    schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()
}

/// A schema as a table of its properties, then the rules it states beyond them.
fn describe(schema: &Value, level: usize, lines: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        lines.push(format!(
            "{}{}",
            pad(level),
            if schema == &Value::Bool(false) { "nothing is allowed" } else { "anything is allowed" }
        ));
        return;
    };
    let required = required_of(schema);
    let props: Vec<(&String, &Value)> =
        obj.get("properties").and_then(Value::as_object).map(|p| p.iter().collect()).unwrap_or_default();
    if props.is_empty() && required.is_empty() && !has_rules(schema) {
        lines.push(format!("{}no params defined", pad(level)));
    }
    let name_w = props.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
    let type_w = props.iter().map(|(_, p)| type_of(p).chars().count()).max().unwrap_or(0);
    for (name, prop) in &props {
        let mut cells =
            vec![if required.contains(&name.as_str()) { "required".to_owned() } else { "optional".to_owned() }];
        cells.extend(constraints(prop));
        let about = prop
            .get("description")
            .or_else(|| prop.get("title"))
            .and_then(Value::as_str)
            .map_or(String::new(), |t| format!(" — {t}"));
        lines.push(format!("{}{name:<name_w$}  {:<type_w$}  {}{about}", pad(level), type_of(prop), cells.join(", ")));
        if prop.get("properties").is_some() || has_rules(prop) {
            describe(prop, level + 1, lines);
        }
        if let Some(items) = prop.get("items").filter(|i| i.is_object()) {
            lines.push(format!("{}items: {} {}", pad(level + 1), type_of(items), constraints(items).join(", ")));
            if items.get("properties").is_some() {
                describe(items, level + 2, lines);
            }
        }
    }
    for name in required.iter().filter(|r| !props.iter().any(|(n, _)| n == *r)) {
        lines.push(format!("{}{name}  required", pad(level)));
    }
    if let Some(extra) = obj.get("additionalProperties") {
        match extra {
            Value::Bool(false) => lines.push(format!("{}no other keys", pad(level))),
            Value::Bool(true) => {}
            other => lines.push(format!("{}other keys: {}", pad(level), type_of(other))),
        }
    }
    if has_rules(schema) {
        lines.push(format!("{}rules:", pad(level)));
        rules(schema, level + 1, lines);
    }
}

fn has_rules(schema: &Value) -> bool {
    ["if", "allOf", "anyOf", "oneOf", "not", "dependencies"].iter().any(|k| schema.get(k).is_some())
}

/// The rules of a schema beyond its property table: conditions and combinators.
fn rules(schema: &Value, level: usize, lines: &mut Vec<String>) {
    if let Some(cond) = schema.get("if") {
        lines.push(format!("{}if {}:", pad(level), condition(cond)));
        match schema.get("then") {
            Some(then) => rule_body(then, level + 1, lines),
            None => lines.push(format!("{}(nothing more)", pad(level + 1))),
        }
        if let Some(otherwise) = schema.get("else") {
            lines.push(format!("{}otherwise:", pad(level)));
            rule_body(otherwise, level + 1, lines);
        }
    }
    for item in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        rule_body(item, level, lines);
    }
    for (key, word) in [("anyOf", "at least one of"), ("oneOf", "exactly one of")] {
        if let Some(items) = schema.get(key).and_then(Value::as_array) {
            lines.push(format!("{}{word}:", pad(level)));
            for (i, item) in items.iter().enumerate() {
                lines.push(format!("{}{}.", pad(level + 1), i + 1));
                rule_body(item, level + 2, lines);
            }
        }
    }
    if let Some(not) = schema.get("not") {
        forbidden(not, level, lines);
    }
    if let Some(deps) = schema.get("dependencies").and_then(Value::as_object) {
        for (key, dep) in deps {
            match dep {
                Value::Array(names) => {
                    let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
                    lines.push(format!("{}{key} needs {}", pad(level), names.join(", ")));
                }
                other => {
                    lines.push(format!("{}when {key} is set:", pad(level)));
                    rule_body(other, level + 1, lines);
                }
            }
        }
    }
}

/// What a branch or a combined schema requires, one statement per line.
fn rule_body(schema: &Value, level: usize, lines: &mut Vec<String>) {
    let before = lines.len();
    for name in required_of(schema) {
        lines.push(format!("{}{name} is required", pad(level)));
    }
    for (name, prop) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let mut said = constraints(prop);
        if prop.get("type").is_some() {
            said.insert(0, type_of(prop));
        }
        if prop == &Value::Bool(false) {
            said.push("not allowed".into());
        }
        if !said.is_empty() {
            lines.push(format!("{}{name}: {}", pad(level), said.join(", ")));
        }
    }
    rules(schema, level, lines);
    if lines.len() == before {
        lines.push(format!("{}{}", pad(level), show_value(schema)));
    }
}

/// A `not` in words: `interval is not allowed`, or the forbidden schema.
fn forbidden(not: &Value, level: usize, lines: &mut Vec<String>) {
    let required = required_of(not);
    if !required.is_empty() && not.as_object().is_some_and(|o| o.len() == 1) {
        let what = if required.len() == 1 { "is" } else { "are" };
        lines.push(format!("{}{} {what} not allowed", pad(level), required.join(" and ")));
    } else {
        lines.push(format!("{}must not match: {}", pad(level), show_value(not)));
    }
}

/// An `if` in words: `frequency is "once"`, `mode is set and size at least 3`.
fn condition(cond: &Value) -> String {
    let mut parts = Vec::new();
    for (name, prop) in cond.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let part = match (prop.get("const"), prop.get("enum").and_then(Value::as_array)) {
            (Some(c), _) => format!("{name} is {}", show_value(c)),
            (None, Some(values)) => {
                format!("{name} is one of {}", values.iter().map(show_value).collect::<Vec<_>>().join(", "))
            }
            _ => {
                let mut said = constraints(prop);
                if prop.get("type").is_some() {
                    said.insert(0, type_of(prop));
                }
                format!("{name} is {}", if said.is_empty() { show_value(prop) } else { said.join(", ") })
            }
        };
        parts.push(part);
    }
    for name in required_of(cond) {
        parts.push(format!("{name} is set"));
    }
    if parts.is_empty() { format!("the params match {}", show_value(cond)) } else { parts.join(" and ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_to_strings(cmd: FlowspecCommand, configured: &[PathBuf]) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_with(cmd, configured, &mut out, &mut err);
        (code, String::from_utf8(out).expect("UTF-8"), String::from_utf8(err).expect("UTF-8"))
    }

    fn temp(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("flowc-flowspec-cmd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, text).expect("written");
        path
    }

    #[test]
    fn list_shows_the_builtin_flow_spec() {
        let (code, out, err) = run_to_strings(FlowspecCommand::List { file: vec![] }, &[]);
        assert_eq!(code, 0, "{err}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("NAME") && lines[0].contains("ACCEPTS"));
        let cells: Vec<&str> = lines[1].split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
        assert_eq!(cells, ["CRMToAEP", "14518937-270c-4525-bdec-c2ba7cce3860", "1.0", "36 source specs", "built in"]);
    }

    #[test]
    fn show_states_the_schedule_rules_as_the_schema_does() {
        let (code, out, _) = run_to_strings(FlowspecCommand::Show { name_or_id: "CRMToAEP".into(), file: vec![] }, &[]);
        assert_eq!(code, 0);
        for expected in [
            "  id: 14518937-270c-4525-bdec-c2ba7cce3860",
            "  source connection specs (36):",
            "    221c7626-58f6-4eec-8ee2-042b0226f03b",
            "  target connection specs (1):",
            "schedule params (PeriodicSchedule, Periodic), from #/scheduleSpec/spec:",
            "  frequency  string   required, one of \"once\", \"minute\", \"hour\", \"day\", \"week\"",
            "  startTime  integer  required — epoch time",
            "  backfill   boolean  optional, default true",
            "    if frequency is \"once\":",
            "      interval is not allowed",
            "      backfill is not allowed",
            "      interval is required",
            "      if frequency is \"minute\":",
            "        interval: at least 15",
            "        interval: at least 1",
            "  Copy, from #/transformationSpec/0/spec:",
            "    deltaColumn  object  required",
            "      name        string  required",
            "  Mapping, from #/transformationSpec/1/spec:",
            "    mappingVersion  string  optional",
            "options, from #/optionSpec/spec:",
        ] {
            assert!(out.lines().any(|l| l == expected), "no line {expected:?} in:\n{out}");
        }
        assert!(out.contains("partialIngestionPercent  number   optional, more than 0"), "{out}");
    }

    #[test]
    fn show_reads_another_flow_specs_rules() {
        let mut value: Value = serde_json::from_str(flowc_compile::flowspec::BUILTIN_JSON).expect("JSON");
        value["id"] = "0b9c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4".into();
        value["name"] = "NightlyCRM".into();
        value["scheduleSpec"]["spec"]["else"]["then"]["properties"]["interval"]["minimum"] = 30.into();
        let path = temp("nightly.json", &serde_json::json!({ "items": [value] }).to_string());
        let (code, out, err) =
            run_to_strings(FlowspecCommand::Show { name_or_id: "NightlyCRM".into(), file: vec![path.clone()] }, &[]);
        assert_eq!(code, 0, "{err}");
        assert!(out.lines().any(|l| l == "        interval: at least 30"), "{out}");
        assert!(out.contains(&format!("  from: {}", path.display())));
        let (_, out, _) = run_to_strings(FlowspecCommand::List { file: vec![] }, &[path]);
        assert!(out.lines().any(|l| l.starts_with("NightlyCRM")), "configured files are listed: {out}");
    }

    #[test]
    fn unknown_names_and_broken_files_are_reported() {
        let (code, out, err) =
            run_to_strings(FlowspecCommand::Show { name_or_id: "CRMtoAEP".into(), file: vec![] }, &[]);
        assert_eq!(code, 2);
        assert!(out.is_empty());
        assert!(
            err.starts_with("flowc: `CRMtoAEP` is not a known flow spec; known: `CRMToAEP` (did you mean `CRMToAEP`?)"),
            "{err}"
        );
        let broken = temp("broken.json", "{\n  \"id\": \"x\",\n}\n");
        let (code, out, err) = run_to_strings(FlowspecCommand::List { file: vec![broken.clone()] }, &[]);
        assert_eq!(code, 1);
        assert!(out.contains("CRMToAEP"), "the others are still listed");
        assert!(
            err.starts_with(&format!("{}:3:1: error[F401] the flow spec file is not valid JSON", broken.display())),
            "{err}"
        );
    }
}
