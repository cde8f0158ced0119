//! Property tests of the front end: the parser never panics, and formatting is a fixed point
//! that keeps the tree (`parse(fmt(x)) == parse(x)` ignoring spans, `fmt(fmt(x)) == fmt(x)`).

mod common;

use proptest::prelude::*;

/// Every label lies inside the text, on character boundaries.
fn assert_spans_are_sound(src: &str, parsed: &flowc_syntax::Parsed) {
    for d in &parsed.diagnostics {
        for label in &d.labels {
            assert!(label.span.start <= label.span.end && label.span.end <= src.len(), "{d:?}");
            assert!(src.is_char_boundary(label.span.start) && src.is_char_boundary(label.span.end), "{d:?}");
        }
    }
}

const WORDS: &[&str] = &[
    "mapping",
    "flow",
    "source",
    "target",
    "schedule",
    "options",
    "delta",
    "columns",
    "from",
    "as",
    "format",
    "name",
    "spec",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "=",
    "==",
    ",",
    ":",
    ".",
    "@identity",
    "@name",
    "\"str\"",
    "'s'",
    "\"",
    "'",
    "${a b}",
    "${",
    "#c\n",
    "# flowc: ignore[F101] r\n",
    "\n",
    "a.b",
    "x[*]",
    "x[0]",
    "1.5",
    "-",
    "+",
    "&&",
    "||",
    "!",
    "?",
    "é",
    "\t",
    " ",
    "and",
    "not",
    "true",
    "null",
    "\\.",
    "_{TENANT_ID}",
    "concat(",
    "string[]",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..80).prop_map(|words| words.join(" "))
}

// ---- generators of valid files ----

const NAMES: &[&str] = &["a", "id", "firstName", "Product_Id", "_acme", "_{TENANT_ID}", "x1", "émail", "$v"];
const FUNCTIONS: &[&str] = &["concat", "upper", "iif", "to_array", "now", "decode", "trim"];
const BINARY: &[&str] =
    &["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", " and ", " or ", " eq ", " div ", "=~"];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => Just(r"street\.name".to_owned()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    (
        name(),
        prop::collection::vec(
            prop_oneof![
                name().prop_map(|n| format!(".{n}")),
                Just("[*]".to_owned()),
                (0u8..9).prop_map(|i| format!("[{i}]"))
            ],
            0..3,
        ),
    )
        .prop_map(|(head, rest)| head + &rest.concat())
}

fn string_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z #,;\\-]{0,8}".prop_map(|s| format!("\"{s}\"")),
        "[a-z \"]{0,6}".prop_map(|s| format!("'{s}'")),
        Just(r#""quote \" and \\ and \u00e9""#.to_owned()),
    ]
}

fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        path(),
        Just("${First Name}".to_owned()),
        string_literal(),
        (0u32..1000).prop_map(|n| n.to_string()),
        Just("2.5e3".to_owned()),
        prop::sample::select(&["true", "false", "null"][..]).prop_map(str::to_owned),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (prop::sample::select(FUNCTIONS), prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), prop::sample::select(BINARY), inner.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (prop::sample::select(&["!", "-", "not"][..]), inner.clone()).prop_map(|(op, e)| format!("{op} {e}")),
            inner.clone().prop_map(|e| format!("({e})")),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|items| format!("[{}]", items.join(", "))),
            (string_literal(), inner.clone()).prop_map(|(s, e)| format!("{s}.equalsIgnoreCase({e})")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, e)| format!("{c} ? {t} : {e}")),
            inner.prop_map(|e| format!("str_to_object({e}).get(\"k\")")),
        ]
    })
}

fn spaces() -> impl Strategy<Value = String> {
    prop::sample::select(&["", " ", "  ", "\t"][..]).prop_map(str::to_owned)
}

/// An optional trailing comment and one or more line breaks (blank lines included).
fn line_end() -> impl Strategy<Value = String> {
    (prop::option::of("[a-z ]{0,10}"), 1usize..3).prop_map(|(comment, breaks)| {
        let comment = comment.map(|c| format!(" # {c}")).unwrap_or_default();
        format!("{comment}{}", "\n".repeat(breaks))
    })
}

fn entry() -> impl Strategy<Value = String> {
    let attribute = prop_oneof![
        Just("@identity(namespace = \"Email\", primary)".to_owned()),
        Just("@identity(namespace = ECID, group = \"g\", primary = false)".to_owned()),
        "[a-z ]{0,8}".prop_map(|n| format!("@name(\"{n}\")")),
    ];
    (prop::option::of(attribute), spaces(), path(), spaces(), expression(), line_end()).prop_map(
        |(attribute, s1, dest, s2, expr, end)| {
            let attribute = attribute.map(|a| format!("  {a}\n")).unwrap_or_default();
            format!("{attribute}{s1}{dest}{s2}={s2}{expr}{end}")
        },
    )
}

fn setting_value() -> impl Strategy<Value = String> {
    prop_oneof![
        string_literal(),
        (0u64..2_000_000_000).prop_map(|n| n.to_string()),
        Just("-1.5".to_owned()),
        prop::sample::select(&["minute", "true", "false", "null", "date-time"][..]).prop_map(str::to_owned),
        prop::collection::vec(string_literal(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
    ]
}

fn column(depth: u32) -> BoxedStrategy<String> {
    let simple = (
        name(),
        prop::sample::select(&["string", "integer", "double", "boolean"][..]),
        any::<bool>(),
        prop::option::of(prop::sample::select(&["date", "date-time", "int", "number"][..])),
    )
        .prop_map(|(n, t, array, xdm)| {
            let array = if array { "[]" } else { "" };
            let xdm = xdm.map(|x| format!(" as {x}")).unwrap_or_default();
            format!("{n}: {t}{array}{xdm}\n")
        });
    if depth == 0 {
        return simple.boxed();
    }
    prop_oneof![
        3 => simple,
        1 => (name(), prop::collection::vec(column(depth - 1), 0..3))
            .prop_map(|(n, children)| format!("{n}: object {{\n{}}}\n", distinct_columns(children))),
    ]
    .boxed()
}

/// Column declarations with distinct names: a repeated name is a (correct) F108.
fn distinct_columns(columns: Vec<String>) -> String {
    let mut seen = std::collections::HashSet::new();
    columns.into_iter().filter(|c| seen.insert(c.split(':').next().unwrap_or_default().to_owned())).collect()
}

fn file() -> impl Strategy<Value = String> {
    let mapping = prop::collection::vec(entry(), 0..6).prop_map(|e| format!("mapping {{\n{}}}\n", e.concat()));
    let schedule = prop::collection::vec(("[a-zA-Z]{1,8}", setting_value()), 0..4).prop_map(|kv| {
        // Keys must be distinct: a repeated key is a (correct) F108.
        let mut seen = std::collections::HashSet::new();
        let lines: String =
            kv.into_iter().filter(|(k, _)| seen.insert(k.clone())).map(|(k, v)| format!("  {k} = {v}\n")).collect();
        format!("schedule {{\n{lines}}}\n")
    });
    let source = (prop::collection::vec(column(2), 0..4), any::<bool>()).prop_map(|(columns, from)| {
        let columns = distinct_columns(columns);
        let columns = if from { "columns from \"c.json\"\n".to_owned() } else { format!("columns {{\n{columns}}}\n") };
        format!("source {{\n  format = tabular\n  table = \"T\"\n{columns}}}\n")
    });
    let flow = Just("flow {\n  name = \"F\" # the name\n  spec = CRMToAEP\n}\n".to_owned());
    (
        prop::option::of(flow),
        prop::option::of(source),
        prop::option::of(schedule),
        mapping,
        prop::option::of("[a-z ]{0,10}"),
    )
        .prop_map(|(flow, source, schedule, mapping, head)| {
            let head = head.map(|c| format!("# {c}\n\n")).unwrap_or_default();
            let blocks: Vec<String> = [flow, source, schedule, Some(mapping)].into_iter().flatten().collect();
            head + &blocks.join("\n")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_parser_never_panics_on_any_string(src in "\\PC*") {
        let parsed = flowc_syntax::parse(&src);
        assert_spans_are_sound(&src, &parsed);
    }

    #[test]
    fn the_parser_never_panics_on_token_soups(src in token_soup()) {
        let parsed = flowc_syntax::parse(&src);
        assert_spans_are_sound(&src, &parsed);
        if !parsed.has_errors() {
            let formatted = flowc_syntax::format(&src).expect("no errors");
            prop_assert_eq!(flowc_syntax::format(&formatted).expect("still parses"), formatted);
        }
    }

    #[test]
    fn the_parser_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let (text, parsed) = flowc_syntax::parse_bytes(&bytes);
        assert_spans_are_sound(&text, &parsed);
    }

    #[test]
    fn formatting_keeps_the_tree_and_is_idempotent(src in file()) {
        let parsed = flowc_syntax::parse(&src);
        prop_assert!(parsed.diagnostics.is_empty(), "generated file has diagnostics: {:#?}\n{}", parsed.diagnostics, src);
        let formatted = flowc_syntax::format(&src).expect("no errors");
        let reparsed = flowc_syntax::parse(&formatted);
        prop_assert!(reparsed.diagnostics.is_empty(), "{:#?}\n{}", reparsed.diagnostics, formatted);
        prop_assert_eq!(common::without_spans(&reparsed.file), common::without_spans(&parsed.file));
        prop_assert_eq!(flowc_syntax::format(&formatted).expect("parses"), formatted.clone());
        prop_assert_eq!(reparsed.file.comments.len(), parsed.file.comments.len(), "a comment was lost");
    }
}

// ---- the checker ----

fn check(src: &str, dir: &std::path::Path) -> Vec<flowc_diag::Diagnostic> {
    let session = flowc_cli::session();
    flowc_check::check_source(&session, src.as_bytes(), None, dir, &flowc_check::Settings::default()).1.diagnostics
}

/// The leaves of a fixture schema that a mapping can write on its own: scalars outside
/// arrays, whose object has no required field; and the root's required fields.
/// `(path, XDM type)` pairs.
type Leaves = Vec<(String, String)>;

fn schema_leaves(file: &str) -> (Leaves, Leaves) {
    let loaded = flowc_schema::load_registry_file(common::root().join("fixtures/schema").join(file));
    let index = loaded.index.expect("fixture schema loads");
    let with_required: std::collections::HashSet<String> = index
        .fields()
        .filter(|f| f.required)
        .filter_map(|f| f.path.rsplit_once('.').map(|(p, _)| p.to_owned()))
        .collect();
    let scalar = |f: &flowc_schema::Field| f.xdm_type.is_scalar() && !f.path.contains("[*]") && !f.in_map();
    let free = index
        .fields()
        .filter(|f| scalar(f) && !f.required && !with_required.contains(f.path.rsplit_once('.').map_or("", |(p, _)| p)))
        .map(|f| (f.path.clone(), f.xdm_type.as_str().to_owned()))
        .collect();
    let required = index
        .required_children("")
        .expect("root")
        .into_iter()
        .map(|f| (f.path.clone(), f.xdm_type.as_str().to_owned()))
        .collect();
    (free, required)
}

/// A source column declaration that reads as the given XDM type.
fn column_for(xdm: &str) -> &'static str {
    match xdm {
        "string" => "string",
        "number" => "double as number",
        "long" => "long",
        "int" => "integer as int",
        "short" => "short",
        "byte" => "byte",
        "boolean" => "boolean",
        "date" => "string as date",
        "date-time" => "string as date-time",
        other => panic!("no column type for {other}"),
    }
}

fn typed_mapping(schema: &'static str) -> impl Strategy<Value = String> {
    let (free, required) = schema_leaves(schema);
    prop::sample::subsequence(free.clone(), 1..free.len().min(30)).prop_map(move |chosen| {
        let mut columns = String::new();
        let mut entries = String::new();
        for (i, (path, xdm)) in required.iter().chain(chosen.iter()).enumerate() {
            columns.push_str(&format!("    c{i}: {}\n", column_for(xdm)));
            entries.push_str(&format!("  {path} = c{i}\n"));
        }
        format!(
            "source {{\n  columns {{\n{columns}  }}\n}}\n\ntarget {{\n  schema_file = \"{schema}\"\n}}\n\nmapping {{\n{entries}}}\n"
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_checker_never_panics_on_a_parsed_file(src in file()) {
        let diagnostics = check(&src, &common::root());
        for d in &diagnostics {
            prop_assert!(d.primary_span().end <= src.len());
        }
    }

    #[test]
    fn a_mapping_of_type_compatible_columns_has_no_error(src in typed_mapping("experienceevent.xed.json")) {
        let diagnostics = check(&src, &common::root().join("fixtures/schema"));
        prop_assert!(diagnostics.is_empty(), "{:#?}\n{}", diagnostics, src);
    }

    #[test]
    fn one_mutation_gives_its_code(
        src in typed_mapping("profile.xed.json"),
        pick in any::<prop::sample::Index>(),
        kind in 0..3usize,
    ) {
        // Pick one entry line and break it in one way; exactly that code must appear.
        let lines: Vec<&str> = src.lines().collect();
        let entries: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("  ") && lines[i].contains(" = c")).collect();
        let at = entries[pick.index(entries.len())];
        let (dest, column) = lines[at].trim().split_once(" = ").expect("an entry");
        let (mutated, expected) = match kind {
            0 => (format!("  {dest}Zq = {column}"), flowc_diag::Code::UnknownDestination),
            1 => (format!("  {dest} = {column}Zq"), flowc_diag::Code::UnknownSourceField),
            _ => (format!("  {dest} = to_object(\"k\", {column})"), flowc_diag::Code::ImpossibleConversion),
        };
        let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        broken[at] = mutated;
        let broken = broken.join("\n") + "\n";
        let diagnostics = check(&broken, &common::root().join("fixtures/schema"));
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        prop_assert!(codes.contains(&expected), "{expected:?} missing from {codes:?}\n{broken}");
        // A renamed destination may also leave a required field unmapped; nothing else appears.
        prop_assert!(
            codes.iter().all(|c| *c == expected || *c == flowc_diag::Code::RequiredUnmapped),
            "unexpected codes {codes:?}\n{broken}"
        );
    }
}

// ---- JSON request bodies ----

const JSON_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\"a\"",
    "\"mappings\"",
    "\"source\"",
    "\"destination\"",
    "\"sourceType\"",
    "\"EXPRESSION\"",
    "\"concat(a, \\\"b\\\")\"",
    "\"\\u00e9\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "\\",
    "\"\\q\"",
    "0",
    "-1.5e3",
    "01",
    "1.",
    "true",
    "false",
    "null",
    "nul",
    " ",
    "\n",
    "é",
    "\"outputSchema\"",
    "\"schemaRef\"",
    "\"id\"",
    "\"flowSpec\"",
    "\"scheduleParams\"",
    "\"interval\"",
    "\"30\"",
];

fn json_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(JSON_PIECES), 0..60).prop_map(|pieces| pieces.concat())
}

/// Any JSON value, as serde_json holds it.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,8}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// flowc's JSON reader accepts what serde_json accepts, and reads the same values; every
    /// span it gives lies on character boundaries.
    #[test]
    fn the_json_reader_agrees_with_serde_json(text in json_soup()) {
        let ours = flowc_diag::json::parse(&text);
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: {:?} vs {:?}", text, ours, theirs);
        match (ours, theirs) {
            (Ok(ours), Ok(theirs)) => prop_assert_eq!(ours.to_value(), theirs),
            (Err(e), _) => prop_assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end) && e.span.end <= text.len()),
            _ => {}
        }
    }

    #[test]
    fn the_json_reader_reads_back_what_serde_json_writes(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.expect("serializes");
        let read = flowc_diag::json::parse(&text).expect("valid JSON");
        prop_assert_eq!(read.to_value(), value);
    }

    /// Broken and odd bodies get diagnostics, never a panic, and every diagnostic is inside
    /// its file.
    #[test]
    fn checking_json_bodies_never_panics(mapping in json_soup(), flow in json_value(), cut in 0usize..2000) {
        let golden = std::fs::read_to_string(common::root().join("fixtures/import/payments/mapping-set.json")).expect("fixture");
        let mut at = cut.min(golden.len());
        while !golden.is_char_boundary(at) {
            at -= 1;
        }
        let spliced = format!("{}{}{}", &golden[..at], mapping, &golden[at..]);
        // And a valid mapping set with one member replaced by any JSON value.
        let mut replaced: serde_json::Value = serde_json::from_str(&golden).expect("JSON");
        let members = ["/mappings", "/mappings/0", "/mappings/1/source", "/mappings/2/destination", "/outputSchema", "/outputSchema/schemaRef/id", "/mappings/3/sourceType"];
        if let Some(target) = replaced.pointer_mut(members[cut % members.len()]) {
            *target = flow.clone();
        }
        let files = [
            ("mapping-set.json", spliced),
            ("flow.json", flow.to_string()),
            ("soup.json", mapping.clone()),
            ("other/mapping-set.json", serde_json::to_string_pretty(&replaced).expect("JSON")),
        ];
        let inputs: Vec<flowc_cli::bodies::JsonInput> = files
            .iter()
            .map(|(name, text)| flowc_cli::bodies::JsonInput {
                name: (*name).to_owned(),
                path: None,
                bytes: text.clone().into_bytes(),
                explicit: true,
                dir: std::path::Path::new(name).parent().map(std::path::Path::to_path_buf).unwrap_or_default(),
                settings: flowc_check::Settings::default(),
            })
            .collect();
        let checker = flowc_cli::Checker::default();
        for report in flowc_cli::bodies::check_all(&checker, inputs.clone()) {
            for d in &report.diagnostics {
                for label in &d.labels {
                    prop_assert!(label.span.start <= label.span.end && label.span.end <= report.text.len(), "{}: {:?}", report.name, d);
                    prop_assert!(report.text.is_char_boundary(label.span.start) && report.text.is_char_boundary(label.span.end), "{:?}", d);
                }
            }
        }
        let _ = flowc_cli::bodies::import(&checker, &inputs, "soup", std::path::Path::new("."));
    }
}
