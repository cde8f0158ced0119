//! The import round trip over generated flows (issue 6, item 7): for every generated flow
//! file `x`, importing the bodies of `build(x)` writes a canonical flowc file (it parses
//! without a diagnostic and is a fixed point of the formatter) whose build is `build(x)`
//! byte for byte — every file `flowc build` writes (the bodies, `plan.json`, `plan.sh`), in
//! both dialects.
//!
//! The generated files are valid: they parse without a diagnostic, validate against the
//! CRMToAEP flow spec without a finding and compile without a warning. They need not check
//! clean against a schema (there is none). The bodies are read as the golden round-trip test
//! reads them (`tests/import.rs`): the current dialect's four files and the legacy mapping
//! set, recognized by shape, with the source connection's file beside the written flowc
//! file for `columns from` when its columns cannot be written inline.

use flowc_compile::bodies::{CompileOptions, Compiled, Dialect, FlowSpecRef, compile};
use flowc_compile::flowspec::FlowSpecCatalog;
use flowc_compile::import::{Imported, import};
use flowc_compile::plan::Resource;
use flowc_compile::validate;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

// ---------------------------------------------------------------------------------------
// Writing flowc source text
// ---------------------------------------------------------------------------------------

/// How a string literal is written in the generated source.
#[derive(Clone, Copy, Debug)]
enum Quoting {
    /// `"..."`, escaping `"` and `\` only.
    Double,
    /// `'...'`, escaping `'` and `\` only.
    Single,
    /// `"..."` with `\n`, `\t` and `\uXXXX` escapes for everything outside printable ASCII.
    Escaped,
}

fn quoting() -> impl Strategy<Value = Quoting> {
    prop_oneof![4 => Just(Quoting::Double), 1 => Just(Quoting::Single), 1 => Just(Quoting::Escaped)]
}

/// A flowc string literal whose value is `s` (written by the test, not by `import::quote`).
fn lit(s: &str, q: Quoting) -> String {
    let (open, quote) = match q {
        Quoting::Single => ('\'', '\''),
        _ => ('"', '"'),
    };
    let mut out = String::new();
    out.push(open);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if matches!(q, Quoting::Escaped) && !(' '..='~').contains(&c) && (c as u32) < 0x10000 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(open);
    out
}

/// Text with what makes string literals interesting: quotes, backslashes, `#`, unicode.
fn text_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9 _.,:;/-]{0,16}",
        2 => "[A-Za-z \"'\\\\#{}$é€☃😀\t]{0,10}",
        1 => prop::sample::select(&[
            "PayPal",
            "",
            "quote \" and \\ backslash",
            "it's",
            "# not a comment",
            "${not a path}",
            "ünïcödé — ☃ 😀",
            "line\nbreak",
            "tab\tstop",
            "true",
            "42",
            "null",
        ][..])
        .prop_map(str::to_owned),
    ]
}

fn string_literal() -> impl Strategy<Value = String> {
    (text_value(), quoting()).prop_map(|(s, q)| lit(&s, q))
}

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop::sample::select(items).prop_map(str::to_owned)
}

fn uuid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
}

/// Spaces around `=` (at least one: `a=~b` would lex as `=~`).
fn sp() -> impl Strategy<Value = String> {
    prop_oneof![6 => Just(" ".to_owned()), 1 => Just("  ".to_owned()), 1 => Just("\t".to_owned())]
}

/// The end of an item's line: maybe a trailing comment, maybe a blank line after it.
fn line_end() -> impl Strategy<Value = String> {
    (prop::option::weighted(0.15, "[a-z ]{0,10}"), prop::bool::weighted(0.15)).prop_map(|(comment, blank)| {
        let comment = comment.map(|c| format!(" # {c}")).unwrap_or_default();
        format!("{comment}\n{}", if blank { "\n" } else { "" })
    })
}

/// `key = value` lines of a block, in the order given.
fn settings(lines: Vec<(String, String, String, String)>) -> String {
    lines.into_iter().map(|(key, value, sp, end)| format!("  {key}{sp}={sp}{value}{end}")).collect()
}

fn setting(
    key: &'static str,
    value: impl Strategy<Value = String>,
) -> impl Strategy<Value = (String, String, String, String)> {
    (value, sp(), line_end()).prop_map(move |(v, s, e)| (key.to_owned(), v, s, e))
}

fn optional_setting(
    p: f64,
    key: &'static str,
    value: impl Strategy<Value = String>,
) -> impl Strategy<Value = Option<(String, String, String, String)>> {
    prop::option::weighted(p, setting(key, value))
}

// ---------------------------------------------------------------------------------------
// Source columns
// ---------------------------------------------------------------------------------------

/// A column name as written, and its value.
fn column_name() -> impl Strategy<Value = (String, String)> {
    const NAMES: &[(&str, &str)] = &[
        ("Product_Id", "Product_Id"),
        ("id", "id"),
        ("firstName", "firstName"),
        ("_meta", "_meta"),
        ("$v", "$v"),
        ("émail", "émail"),
        ("x1", "x1"),
        ("street\\.name", "street.name"),
        ("\"First Name\"", "First Name"),
        ("${Last Name}", "Last Name"),
        ("\"quote\\\"d\"", "quote\"d"),
        ("'single'", "single"),
        ("\"a.b\"", "a.b"),
        ("\"has # hash\"", "has # hash"),
        ("\"tab\\there\"", "tab\there"),
    ];
    prop_oneof![
        2 => prop::sample::select(NAMES).prop_map(|(s, v)| (s.to_owned(), v.to_owned())),
        3 => "[A-Za-z][A-Za-z0-9_]{0,7}"
            .prop_filter("not a keyword", |s| !matches!(s.as_str(), "true" | "false" | "null" | "from" | "as" | "format"))
            .prop_map(|s| (s.clone(), s)),
    ]
}

const SCALAR_TYPES: &[&str] = &[
    "string",
    "varchar",
    "text",
    "uuid",
    "String",
    "long",
    "bigint",
    "int",
    "integer",
    "short",
    "smallint",
    "byte",
    "tinyint",
    "double",
    "float",
    "decimal",
    "number",
    "boolean",
    "bool",
    "date",
    "datetime",
    "timestamp",
    "date-time",
    "map",
    "object",
    "array",
    "time",
    "any",
];

/// `type as xdm` pairs a source declares.
const TYPED: &[(&str, &[&str])] = &[
    (
        "string",
        &["string", "number", "double", "integer", "long", "int", "short", "byte", "boolean", "date", "date-time"],
    ),
    ("varchar", &["string", "date", "date-time"]),
    ("decimal", &["number", "double"]),
    ("double", &["number"]),
    ("integer", &["long", "int", "short", "byte", "integer"]),
    ("bigint", &["long"]),
    ("timestamp", &["date-time", "date"]),
    // A source whose arrays come as text: a column of type `array` read as one value.
    ("array", &["string", "object", "date-time"]),
];

fn date_format() -> impl Strategy<Value = String> {
    pick(&["yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "dd/MM/yyyy"])
}

/// A scalar column's type text: `type`, `type[]`, `type as xdm`, with an optional format.
fn scalar_type() -> impl Strategy<Value = String> {
    let plain =
        (pick(SCALAR_TYPES), prop::bool::weighted(0.2)).prop_map(|(t, array)| if array { format!("{t}[]") } else { t });
    let typed = (prop::sample::select(TYPED), any::<prop::sample::Index>(), prop::bool::weighted(0.15)).prop_map(
        |((t, xdms), i, array)| {
            let array = if array { "[]" } else { "" };
            format!("{t}{array} as {}", xdms[i.index(xdms.len())])
        },
    );
    (prop_oneof![3 => plain, 2 => typed], prop::option::weighted(0.1, date_format())).prop_map(|(ty, format)| {
        let dated = ty.contains("date") || ty.contains("time");
        match format {
            Some(f) if dated => format!("{ty} format \"{f}\""),
            _ => ty,
        }
    })
}

/// A column declaration (its lines, unindented) and its name's value.
fn column(depth: u32) -> BoxedStrategy<(String, String)> {
    let scalar = (column_name(), scalar_type()).prop_map(|((name, value), ty)| (format!("{name}: {ty}\n"), value));
    if depth == 0 {
        return scalar.boxed();
    }
    let nested = (
        column_name(),
        pick(&["object", "struct", "record"]),
        any::<bool>(),
        prop::collection::vec(column(depth - 1), 0..4),
    )
        .prop_map(|((name, value), ty, array, children)| {
            let array = if array { "[]" } else { "" };
            let body: String = distinct(children).iter().flat_map(|c| c.lines().map(|l| format!("  {l}\n"))).collect();
            (format!("{name}: {ty}{array} {{\n{body}}}\n"), value)
        });
    prop_oneof![4 => scalar, 1 => nested].boxed()
}

/// The declarations of distinct names (a repeated name is an error of its own).
fn distinct(columns: Vec<(String, String)>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    columns.into_iter().filter(|(_, v)| seen.insert(v.clone())).map(|(c, _)| c).collect()
}

/// A date-like column the delta block can name: (declaration, how `column = ...` names it).
fn date_column() -> impl Strategy<Value = (String, String, String)> {
    let name = prop_oneof![
        pick(&["Update_Time", "modifiedAt", "LastModified"]).prop_map(|n| (n.clone(), n.clone(), n)),
        Just(("\"Last Modified\"".to_owned(), "\"Last Modified\"".to_owned(), "Last Modified".to_owned())),
    ];
    let ty = pick(&[
        "string as date-time",
        "timestamp",
        "datetime",
        "date",
        "string as date format \"yyyy-MM-dd\"",
        "varchar as date-time",
    ]);
    (name, ty).prop_map(|((declared, named, value), ty)| (format!("{declared}: {ty}\n"), named, value))
}

fn columns_block(columns: Vec<(String, String)>, date: Option<(String, String)>) -> String {
    let mut all = columns;
    if let Some((decl, value)) = date {
        all.retain(|(_, v)| *v != value);
        all.push((decl, value));
    }
    let body: String = distinct(all).iter().flat_map(|c| c.lines().map(|l| format!("    {l}\n"))).collect();
    format!("  columns {{\n{body}  }}\n")
}

// ---------------------------------------------------------------------------------------
// Mapping entries
// ---------------------------------------------------------------------------------------

const SOURCE_PATHS: &[&str] = &[
    "Product_Id",
    "firstName",
    "a.b",
    "items[*].sku",
    "items[0].price",
    "${First Name}",
    "${Order Lines}[*].${Unit Price}",
    "address.street\\.name",
    "émail",
    "$v",
    "x1",
];

fn source_path() -> impl Strategy<Value = String> + Clone {
    prop_oneof![3 => pick(SOURCE_PATHS), 1 => "[a-z][A-Za-z0-9_]{0,6}".prop_filter("a name", |s| !is_reserved(s))]
}

fn is_reserved(s: &str) -> bool {
    matches!(
        s,
        "true" | "false" | "null" | "and" | "or" | "not" | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "div" | "mod"
    )
}

fn destination() -> impl Strategy<Value = String> {
    let head =
        pick(&["_id", "_acme", "_{TENANT_ID}", "person", "productListItems", "${Full Name}", "workEmail", "émail"]);
    let segment = prop_oneof![
        4 => pick(&["name", "firstName", "tier", "address", "street\\.name", "${Display Name}", "loyalty", "points"]).prop_map(|s| format!(".{s}")),
        1 => Just("[*]".to_owned()),
        1 => (0u8..5).prop_map(|i| format!("[{i}]")),
    ];
    (head, prop::collection::vec(segment, 0..3)).prop_map(|(h, rest)| h + &rest.concat())
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..100_000).prop_map(|n| n.to_string()),
        pick(&["3.25", "1.50", "0", "1e3", "2.5E-2", "-1.5", "-7", "+7", "- 2"]),
    ]
}

/// A Data Prep expression (the right side of an entry, or part of one).
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => source_path(),
        2 => string_literal(),
        1 => number(),
        1 => pick(&["true", "false", "null"]),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            3 => (pick(&["concat", "lower", "upper", "trim", "iif", "to_integer", "split", "decode", "coalesce", "date", "now"]),
                prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            1 => (source_path(), string_literal(), source_path()).prop_map(|(a, s, b)| format!("concat({a}, {s}, {b})")),
            1 => (inner.clone(), pick(&["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", " and ", " or ", " div ", "=~"]), inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            1 => (pick(&["!", "not ", "-"]), inner.clone()).prop_map(|(op, e)| format!("{op}{e}")),
            1 => inner.clone().prop_map(|e| format!("({e})")),
            1 => (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, e)| format!("{c} ? {t} : {e}")),
            1 => (string_literal(), inner.clone()).prop_map(|(s, e)| format!("{s}.equalsIgnoreCase({e})")),
            1 => inner.clone().prop_map(|e| format!("str_to_object({e}, \"-\", \";\").get(\"k\")")),
            1 => inner.clone().prop_map(|e| format!("split({e}, \",\")[1]")),
            1 => prop::collection::vec(inner, 0..3).prop_map(|items| format!("[{}]", items.join(", "))),
        ]
    })
}

/// A call written over several lines, maybe with a comment inside it.
fn multiline_call() -> impl Strategy<Value = String> {
    (
        pick(&["iif", "concat", "decode", "coalesce"]),
        prop::collection::vec(expression(), 1..4),
        pick(&["    ", "  ", "\t", "        "]),
        pick(&["  ", "", "    "]),
        prop::option::weighted(0.3, "[a-z ]{1,8}"),
        any::<bool>(),
    )
        .prop_map(|(f, args, indent, close, comment, trailing_comma)| {
            let mut out = format!("{f}(\n");
            let n = args.len();
            for (i, a) in args.into_iter().enumerate() {
                let comma = if i + 1 < n || trailing_comma { "," } else { "" };
                let note = match (&comment, i) {
                    (Some(c), 0) => format!(" # {c}"),
                    _ => String::new(),
                };
                out.push_str(&format!("{indent}{a}{comma}{note}\n"));
            }
            out.push_str(&format!("{close})"));
            out
        })
}

/// The right side of an entry: every kind of source.
fn right_side() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => source_path(),
        1 => pick(&["${First Name}", "${Order Lines}[*].${Unit Price}", "${a b}.c"]),
        3 => string_literal(),
        2 => number(),
        1 => pick(&["true", "false", "null"]),
        1 => (source_path(), string_literal(), source_path()).prop_map(|(a, s, b)| format!("concat({a}, {s}, {b})")),
        1 => (source_path(), string_literal(), source_path()).prop_map(|(c, s, e)| format!("iif({c} > 1000, {s}, lower({e}))")),
        1 => (string_literal(), source_path()).prop_map(|(s, p)| format!("{s}.equalsIgnoreCase({p})")),
        4 => expression(),
        1 => multiline_call(),
    ]
}

/// An entry's attributes, each on its own line (unindented, with their line breaks).
fn attributes() -> impl Strategy<Value = String> {
    let identity = prop_oneof![
        Just("@identity(namespace = \"Email\", primary)".to_owned()),
        Just("@identity(namespace = ECID, group = \"devices\", primary = false)".to_owned()),
        Just("@identity(namespace = \"CRMID\")".to_owned()),
        Just("@identity(primary = true, namespace = 'Phone', group = \"contact\")".to_owned()),
        Just("@identity(\n    namespace = \"Phone\",\n    group = \"contact\",\n  )".to_owned()),
        (string_literal(), prop::option::of(string_literal()), any::<bool>()).prop_map(|(ns, group, primary)| {
            let group = group.map(|g| format!(", group = {g}")).unwrap_or_default();
            format!("@identity(namespace = {ns}{group}{})", if primary { ", primary" } else { "" })
        }),
    ];
    let name = string_literal().prop_map(|s| format!("@name({s})"));
    let description = string_literal().prop_map(|s| format!("@description({s})"));
    (
        prop::option::weighted(0.2, identity),
        prop::option::weighted(0.25, name),
        prop::option::weighted(0.2, description),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(i, n, d, order)| {
            let mut all: Vec<String> = [i, n, d].into_iter().flatten().collect();
            let len = all.len();
            if len > 1 {
                all.rotate_left(order.index(len));
            }
            all.into_iter().map(|a| format!("  {a}\n")).collect()
        })
}

fn mapping_block() -> impl Strategy<Value = String> {
    let entry = (attributes(), destination(), sp(), right_side(), line_end());
    prop::collection::vec(entry, 0..8).prop_map(|entries| {
        let mut seen = std::collections::HashSet::new();
        let lines: String = entries
            .into_iter()
            .filter(|(_, dest, ..)| seen.insert(dest.clone()))
            .map(|(attrs, dest, s, right, end)| format!("{attrs}  {dest}{s}={s}{right}{end}"))
            .collect();
        format!("mapping {{\n{lines}}}\n")
    })
}

// ---------------------------------------------------------------------------------------
// Blocks and files
// ---------------------------------------------------------------------------------------

/// CRMToAEP's accepted source connection specs (a few of them).
const SOURCE_SPECS: &[&str] = &[
    "221c7626-58f6-4eec-8ee2-042b0226f03b",
    "cfc0fee1-7dc0-40ef-b73e-d8b134c436f5",
    "3416976c-a9ca-4bba-901a-1f08f66978ff",
];

/// Stands for the flow's name followed by a connection's default suffix, so that a
/// connection can be named exactly what the compiler would name it by default; replaced
/// when the file is put together (the blocks are generated independently, which shrinks
/// better than generating them from the flow's name).
const DEFAULT_NAME: &str = "\u{0}default name\u{0}";

fn flow_block() -> BoxedStrategy<(String, String)> {
    let name = (text_value(), quoting());
    let spec = pick(&["CRMToAEP", "\"CRMToAEP\"", "\"14518937-270c-4525-bdec-c2ba7cce3860\""]);
    (
        name,
        sp(),
        line_end(),
        optional_setting(0.5, "description", string_literal()),
        setting("spec", spec),
        optional_setting(0.2, "spec_version", Just("\"1.0\"".to_owned())),
        any::<prop::sample::Index>(),
    )
        .prop_map(|((name, q), s, end, description, spec, version, order)| {
            let mut lines: Vec<_> =
                [Some(("name".to_owned(), lit(&name, q), s, end)), description, Some(spec), version]
                    .into_iter()
                    .flatten()
                    .collect();
            let len = lines.len();
            lines.rotate_left(order.index(len));
            (format!("flow {{\n{}}}\n", settings(lines)), name)
        })
        .boxed()
}

/// A connection's name: any string, or exactly the default one.
fn connection_name() -> impl Strategy<Value = String> {
    prop_oneof![2 => string_literal(), 1 => Just(DEFAULT_NAME.to_owned())]
}

/// The settings of the source block of a flow, whether it is tabular (then it declares
/// the delta column, if any), and its columns.
#[derive(Clone, Debug)]
struct Source {
    settings: String,
    tabular: bool,
    columns: Option<Vec<(String, String)>>,
}

fn source_block() -> BoxedStrategy<Source> {
    let created = (
        optional_setting(0.5, "name", connection_name()),
        optional_setting(0.3, "description", string_literal()),
        setting("connection_spec", pick(SOURCE_SPECS).prop_map(|s| format!("\"{s}\""))),
        optional_setting(0.15, "connection_spec_version", pick(&["\"1.0\"", "\"2.0\""])),
        setting("base_connection", uuid().prop_map(|s| format!("\"{s}\""))),
        prop_oneof![
            5 => (optional_setting(0.6, "format", pick(&["tabular", "\"tabular\""])), setting("table", prop_oneof![string_literal(), pick(&["\"PayPal.Catalog_Products\"", "\"dbo.Orders\""])]))
                .prop_map(|(f, t)| (f, t, true)),
            1 => (setting("format", pick(&["delimited", "json", "parquet"])), setting("path", pick(&["\"/acme/products/catalog.csv\"", "\"/in/\""])))
                .prop_map(|(f, p)| (Some(f), p, false)),
        ],
        prop::option::weighted(0.85, prop::collection::vec(column(2), 0..7)),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(name, description, spec, version, base, (format, place, tabular), columns, order)| {
            let mut lines: Vec<_> = [name, description, Some(spec), version, Some(base), format, Some(place)].into_iter().flatten().collect();
            let len = lines.len();
            lines.rotate_left(order.index(len));
            // A file-based source sends no columns: declaring them is still valid.
            Source { settings: settings(lines), tabular, columns }
        });
    let existing = (
        setting("connection", uuid().prop_map(|s| format!("\"{s}\""))),
        prop::option::of(prop::collection::vec(column(1), 0..4)),
    )
        .prop_map(|(connection, columns)| Source { settings: settings(vec![connection]), tabular: false, columns });
    prop_oneof![8 => created, 1 => existing].boxed()
}

fn schema_id() -> impl Strategy<Value = String> {
    "[0-9a-f]{16,32}".prop_map(|h| format!("\"https://ns.adobe.com/acme/schemas/{h}\""))
}

fn schema_version() -> impl Strategy<Value = String> {
    pick(&[
        "\"application/vnd.adobe.xed-full+json;version=1\"",
        "\"application/vnd.adobe.xed-full+json;version=1.2\"",
        "\"1.5\"",
    ])
}

fn target_block() -> BoxedStrategy<String> {
    let created = (
        optional_setting(0.5, "name", connection_name()),
        optional_setting(0.3, "description", string_literal()),
        setting("schema", schema_id()),
        optional_setting(0.3, "schema_version", schema_version()),
        setting("dataset", "[0-9a-f]{24}".prop_map(|s| format!("\"{s}\""))),
        optional_setting(0.15, "format", pick(&["parquet_xdm", "\"parquet_xdm\"", "json"])),
        optional_setting(0.15, "connection_spec", Just("\"c604ff05-7f1a-43c0-8e18-33bf874cb11c\"".to_owned())),
        optional_setting(0.1, "connection_spec_version", pick(&["\"1.0\"", "\"1.1\""])),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(name, description, schema, version, dataset, format, spec, spec_version, order)| {
            let mut lines: Vec<_> =
                [name, description, Some(schema), version, Some(dataset), format, spec, spec_version]
                    .into_iter()
                    .flatten()
                    .collect();
            let len = lines.len();
            lines.rotate_left(order.index(len));
            format!("target {{\n{}}}\n", settings(lines))
        });
    let existing = (
        setting("connection", uuid().prop_map(|s| format!("\"{s}\""))),
        setting("schema", schema_id()),
        optional_setting(0.3, "schema_version", schema_version()),
    )
        .prop_map(|(c, s, v)| {
            format!("target {{\n{}}}\n", settings([Some(c), Some(s), v].into_iter().flatten().collect()))
        });
    prop_oneof![8 => created, 1 => existing].boxed()
}

/// A delta block naming a date column the source declares: (the column's declaration and
/// name value, the block).
fn delta_block() -> BoxedStrategy<((String, String), String)> {
    (
        date_column(),
        sp(),
        line_end(),
        optional_setting(0.7, "date_format", date_format().prop_map(|f| format!("\"{f}\""))),
        optional_setting(0.5, "timezone", pick(&["\"UTC\"", "\"America/Los_Angeles\"", "\"Europe/Paris\""])),
        any::<prop::sample::Index>(),
    )
        .prop_map(|((declared, named, value), s, end, f, t, order)| {
            let mut lines: Vec<_> = [Some(("column".to_owned(), named, s, end)), f, t].into_iter().flatten().collect();
            let len = lines.len();
            lines.rotate_left(order.index(len));
            ((declared, value), format!("delta {{\n{}}}\n", settings(lines)))
        })
        .boxed()
}

/// A schedule CRMToAEP's `scheduleSpec` accepts, keys in any order.
fn schedule_block() -> BoxedStrategy<String> {
    let start = (1_600_000_000u64..2_100_000_000).prop_map(|n| n.to_string());
    let periodic =
        (pick(&["minute", "hour", "day", "week", "\"hour\""]), 1u32..200, prop::option::weighted(0.4, any::<bool>()))
            .prop_map(|(frequency, interval, backfill)| {
                let interval = if frequency == "minute" { 15 + interval } else { interval };
                let mut v = vec![("frequency", frequency), ("interval", interval.to_string())];
                v.extend(backfill.map(|b| ("backfill", b.to_string())));
                v
            });
    let once = Just(vec![("frequency", "once".to_owned())]);
    (start, prop_oneof![5 => periodic, 1 => once])
        .prop_map(|(start, mut rest)| {
            rest.push(("startTime", start));
            rest
        })
        .prop_shuffle()
        .prop_flat_map(|params| {
            let n = params.len();
            (Just(params), prop::collection::vec((sp(), line_end()), n))
        })
        .prop_map(|(params, layout)| {
            let lines = params.into_iter().zip(layout).map(|((k, v), (s, end))| (k.to_owned(), v, s, end)).collect();
            format!("schedule {{\n{}}}\n", settings(lines))
        })
        .boxed()
}

fn options_block() -> BoxedStrategy<String> {
    (
        optional_setting(0.7, "errorDiagnosticsEnabled", pick(&["true", "false"])),
        optional_setting(0.7, "partialIngestionPercent", pick(&["10", "2.5", "1e1", "100", "0.5"])),
        any::<bool>(),
    )
        .prop_map(|(e, p, swap)| {
            let mut lines: Vec<_> = [e, p].into_iter().flatten().collect();
            if swap {
                lines.reverse();
            }
            format!("options {{\n{}}}\n", settings(lines))
        })
        .boxed()
}

/// Blocks in any order, separated by blank lines and comments.
fn join_blocks(mut blocks: Vec<String>, order: prop::sample::Index, head: Option<String>) -> String {
    let len = blocks.len();
    blocks.rotate_left(order.index(len));
    let head = head.map(|c| format!("# {c}\n\n")).unwrap_or_default();
    head + &blocks.join("\n")
}

/// A flow file: flow, source, target, schedule and mapping, with optional delta and
/// options.
fn flow_file() -> BoxedStrategy<String> {
    (
        flow_block(),
        source_block(),
        target_block(),
        prop::option::weighted(0.35, delta_block()),
        schedule_block(),
        prop::option::weighted(0.4, options_block()),
        mapping_block().boxed(),
        any::<prop::sample::Index>(),
        prop::option::weighted(0.3, "[a-z ]{0,12}"),
    )
        .prop_map(|((flow, flow_name), source, target, delta, schedule, options, mapping, order, head)| {
            let default = |what: &str| lit(&format!("{flow_name} {what}"), Quoting::Double);
            let (date, delta) = match delta {
                Some((date, delta)) => (Some(date), Some(delta)),
                None => (None, None),
            };
            let columns = match (source.columns, date) {
                (Some(columns), date) => columns_block(columns, date),
                // The delta column of a table is declared.
                (None, Some(date)) if source.tabular => columns_block(Vec::new(), Some(date)),
                _ => String::new(),
            };
            let source = format!(
                "source {{\n{}{columns}}}\n",
                source.settings.replace(DEFAULT_NAME, &default("source connection"))
            );
            let target = target.replace(DEFAULT_NAME, &default("target connection"));
            let blocks = [Some(flow), Some(source), Some(target), delta, Some(schedule), options, Some(mapping)]
                .into_iter()
                .flatten()
                .collect();
            join_blocks(blocks, order, head)
        })
        .boxed()
}

/// A mapping on its own: a target (the schema), maybe source columns, the mapping.
fn mapping_file() -> BoxedStrategy<String> {
    (
        (setting("schema", schema_id()), optional_setting(0.3, "schema_version", schema_version())),
        prop::option::of(prop::collection::vec(column(2), 0..5)),
        mapping_block().boxed(),
        any::<prop::sample::Index>(),
        prop::option::weighted(0.3, "[a-z ]{0,12}"),
    )
        .prop_map(|((schema, version), columns, mapping, order, head)| {
            let target =
                format!("target {{\n{}}}\n", settings([Some(schema), version].into_iter().flatten().collect()));
            let source = columns.map(|c| format!("source {{\n{}}}\n", columns_block(c, None)));
            let blocks = [source, Some(target), Some(mapping)].into_iter().flatten().collect();
            join_blocks(blocks, order, head)
        })
        .boxed()
}

fn any_file() -> impl Strategy<Value = String> {
    prop_oneof![3 => flow_file(), 1 => mapping_file()]
}

// ---------------------------------------------------------------------------------------
// The round trip
// ---------------------------------------------------------------------------------------

/// A scratch folder for one case, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("flowc-import-roundtrip-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// As the golden compile test resolves it.
fn spec_ref(file: &flowc_syntax::ast::File) -> FlowSpecRef {
    let catalog = FlowSpecCatalog::builtin();
    match validate::resolve(file, &catalog) {
        Ok(spec) => FlowSpecRef { id: spec.id.clone(), version: spec.version.clone() },
        Err(_) => FlowSpecRef::default(),
    }
}

fn build(src: &str, dir: &Path, dialect: Dialect) -> Result<Compiled, String> {
    let parsed = flowc_syntax::parse(src);
    if !parsed.diagnostics.is_empty() {
        return Err(format!("does not parse: {:#?}", parsed.diagnostics));
    }
    let options = CompileOptions {
        dialect,
        flow_spec: spec_ref(&parsed.file),
        emit_curl: true,
        emit_postman: true,
        // Generated destinations may hold `_{TENANT_ID}`: a build with a tenant sends none (a
        // tenant no generated destination names, so that two entries never meet).
        tenant: Some("roundtrip".into()),
    };
    let compiled =
        compile(&parsed.file, src, dir, &options).map_err(|d| format!("does not compile ({dialect:?}): {d:#?}"))?;
    if !compiled.warnings().is_empty() {
        return Err(format!("compiles with warnings ({dialect:?}): {:#?}", compiled.warnings()));
    }
    Ok(compiled)
}

/// The first difference between two texts, as a few lines of each.
fn first_difference(expected: &str, produced: &str) -> String {
    let (e, p): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), produced.lines().collect());
    let at = e.iter().zip(&p).position(|(a, b)| a != b).unwrap_or(e.len().min(p.len()));
    let window = |lines: &[&str]| lines[at.saturating_sub(2)..(at + 3).min(lines.len())].join("\n");
    format!("at line {}:\n--- build(x):\n{}\n--- build(import(build(x))):\n{}", at + 1, window(&e), window(&p))
}

/// Every file two builds write, compared byte for byte; the differences, if any.
fn differences(expected: &Compiled, produced: &Compiled, dialect: Dialect) -> Vec<String> {
    let (e, p) = (expected.files(), produced.files());
    let mut out = Vec::new();
    for (name, text) in &e {
        match p.iter().find(|(n, _)| n == name) {
            None => out.push(format!("{dialect:?} {name}: not produced")),
            Some((_, other)) if other != text => {
                out.push(format!("{dialect:?} {name} differs {}", first_difference(text, other)))
            }
            Some(_) => {}
        }
    }
    for (name, _) in p.iter().filter(|(n, _)| !e.iter().any(|(m, _)| m == n)) {
        out.push(format!("{dialect:?} {name}: produced, but not by the original"));
    }
    out
}

fn round_trip(src: &str) -> Result<(), TestCaseError> {
    // The generated file is valid: it parses, validates against its flow spec, compiles.
    let parsed = flowc_syntax::parse(src);
    prop_assert!(parsed.diagnostics.is_empty(), "generated file has diagnostics: {:#?}\n{}", parsed.diagnostics, src);
    let catalog = FlowSpecCatalog::builtin();
    let spec = validate::resolve(&parsed.file, &catalog).map_err(|d| TestCaseError::fail(format!("{d:#?}\n{src}")))?;
    let findings = validate::validate(&parsed.file, spec, None);
    prop_assert!(findings.is_empty(), "generated file does not validate: {:#?}\n{}", findings, src);
    let here = Path::new(".");
    let current =
        build(src, here, Dialect::Current).map_err(|e| TestCaseError::fail(format!("generated file {e}\n{src}")))?;
    let legacy =
        build(src, here, Dialect::Legacy).map_err(|e| TestCaseError::fail(format!("generated file {e}\n{src}")))?;

    // Its bodies, as files beside the written flowc file, recognized by shape.
    let scratch = Scratch::new();
    let mut bundle = Imported::default();
    for resource in Resource::ALL {
        if let Some(text) = current.body_text(resource) {
            std::fs::write(scratch.0.join(resource.file()), &text).expect("write a body");
            bundle.add_json(&text).map_err(|e| TestCaseError::fail(format!("{}: {e}\n{text}", resource.file())))?;
        }
    }
    let legacy_text = legacy.body_text(Resource::MappingSet).expect("a legacy mapping set");
    bundle
        .add_json(&legacy_text)
        .map_err(|e| TestCaseError::fail(format!("legacy mapping set: {e}\n{legacy_text}")))?;
    if current.source_connection().is_some() {
        bundle.columns_file = Some(Resource::SourceConnection.file().to_owned());
    }
    let text = import(&bundle, "generated bodies").text;

    // The written file is canonical.
    let reparsed = flowc_syntax::parse(&text);
    prop_assert!(
        reparsed.diagnostics.is_empty(),
        "imported text has diagnostics: {:#?}\n--- original:\n{}\n--- imported:\n{}",
        reparsed.diagnostics,
        src,
        text
    );
    let formatted = flowc_syntax::format(&text).map_err(|p| TestCaseError::fail(format!("{:#?}", p.diagnostics)))?;
    prop_assert_eq!(&formatted, &text, "imported text is not a fixed point of the formatter\n--- original:\n{}", src);

    // And it builds the same files, in both dialects.
    let again = |dialect| {
        build(&text, &scratch.0, dialect)
            .map_err(|e| TestCaseError::fail(format!("imported text {e}\n--- original:\n{src}\n--- imported:\n{text}")))
    };
    let mut diffs = differences(&current, &again(Dialect::Current)?, Dialect::Current);
    diffs.extend(differences(&legacy, &again(Dialect::Legacy)?, Dialect::Legacy));
    prop_assert!(diffs.is_empty(), "{}\n--- original:\n{}\n--- imported:\n{}", diffs.join("\n"), src, text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { max_shrink_iters: 4096, ..ProptestConfig::with_cases(64) })]

    #[test]
    fn build_import_build_is_byte_for_byte_over_generated_flows(src in any_file()) {
        round_trip(&src)?;
    }
}

/// The property really compares: a changed body is noticed.
#[test]
fn a_changed_body_is_a_difference() {
    let src = "target {\n  schema = \"s\"\n}\n\nmapping {\n  a = b\n}\n";
    let other = "target {\n  schema = \"s\"\n}\n\nmapping {\n  a = c\n}\n";
    let (x, y) = (
        build(src, Path::new("."), Dialect::Current).unwrap(),
        build(other, Path::new("."), Dialect::Current).unwrap(),
    );
    assert!(differences(&x, &x, Dialect::Current).is_empty());
    let found = differences(&x, &y, Dialect::Current);
    assert!(found.iter().any(|d| d.contains("mapping-set.json differs")), "{found:#?}");
    assert!(round_trip(src).is_ok());
}
