//! Facts about the function catalog (`catalog/functions.json`) and its importer.

use std::collections::HashSet;
use std::str::FromStr;

use flowc_check::catalog::{Availability, BUILTIN_JSON, Catalog, Category, Type};
use flowc_syntax::ast::{Expr, ExprKind};

/// Every function of SPEC §3, by its category there.
const SPEC_FUNCTIONS: &[(Category, &[&str])] = &[
    (
        Category::String,
        &[
            "concat",
            "explode",
            "instr",
            "replacestr",
            "substr",
            "lower",
            "lcase",
            "upper",
            "ucase",
            "split",
            "join",
            "lpad",
            "rpad",
            "left",
            "right",
            "ltrim",
            "rtrim",
            "trim",
            "equals",
            "equalsIgnoreCase",
        ],
    ),
    (Category::Regex, &["extract_regex", "matches_regex"]),
    (Category::Hashing, &["sha1", "sha256", "sha512", "md5", "crc32"]),
    (
        Category::Url,
        &[
            "get_url_protocol",
            "get_url_host",
            "get_url_port",
            "get_url_path",
            "get_url_query_str",
            "get_url_encoded",
            "get_url_decoded",
        ],
    ),
    (
        Category::DateTime,
        &[
            "now",
            "timestamp",
            "format",
            "dformat",
            "date",
            "date_part",
            "set_date_part",
            "make_date_time",
            "zone_date_to_utc",
            "zone_date_to_zone",
        ],
    ),
    (
        Category::Object,
        &[
            "is_empty",
            "arrays_to_object",
            "to_object",
            "str_to_object",
            "contains_key",
            "nullify",
            "get_keys",
            "get_values",
            "map_get_values",
            "map_has_keys",
            "add_to_map",
            "object_to_map",
        ],
    ),
    (
        Category::Array,
        &[
            "coalesce",
            "first",
            "last",
            "add_to_array",
            "join_arrays",
            "to_array",
            "size_of",
            "upsert_array_append",
            "upsert_array_replace",
        ],
    ),
    (Category::Map, &["array_to_map", "to_map"]),
    (Category::Logical, &["decode", "iif"]),
    (Category::Aggregation, &["min", "max"]),
    (Category::Conversion, &["to_bigint", "to_decimal", "to_float", "to_integer"]),
    (Category::Json, &["json_to_object"]),
    (Category::Special, &["uuid", "guid", "fpid_to_ecid"]),
    (
        Category::UserAgent,
        &[
            "ua_os_name",
            "ua_os_version_major",
            "ua_os_version",
            "ua_os_name_version",
            "ua_agent_version",
            "ua_agent_version_major",
            "ua_agent_name",
            "ua_device_class",
        ],
    ),
    (
        Category::Analytics,
        &[
            "aa_get_event_id",
            "aa_get_event_value",
            "aa_get_product_categories",
            "aa_get_product_names",
            "aa_get_product_quantity",
            "aa_get_product_prices",
            "aa_get_product_event_values",
            "aa_get_product_evars",
        ],
    ),
    (Category::Destination, &["array_to_string", "filterArray", "transformArray", "flattenArray"]),
];

fn spec_names() -> Vec<&'static str> {
    SPEC_FUNCTIONS.iter().flat_map(|(_, names)| names.iter().copied()).collect()
}

fn raw_functions() -> Vec<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(BUILTIN_JSON).expect("functions.json is JSON");
    value["functions"].as_array().expect("a `functions` list").clone()
}

#[test]
fn the_file_loads_and_keeps_its_promises() {
    let catalog = Catalog::builtin();
    assert_eq!(catalog.len(), 100, "99 functions of SPEC §3 and the `get` method");
    let problems = catalog.validate();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn names_are_unique() {
    let mut seen = HashSet::new();
    for f in raw_functions() {
        let name = f["name"].as_str().expect("a name").to_owned();
        assert!(seen.insert(name.clone()), "`{name}` is listed twice");
    }
    assert!(
        Catalog::from_json(
            r#"{"functions": [
        {"name": "a", "category": "string", "availability": "all", "description": "x", "signatures": []},
        {"name": "a", "category": "string", "availability": "all", "description": "x", "signatures": []}
    ]}"#
        )
        .unwrap_err()
        .contains("`a` is listed twice")
    );
}

#[test]
fn every_spec_function_is_there_in_its_category_and_nothing_else() {
    let catalog = Catalog::builtin();
    for (category, names) in SPEC_FUNCTIONS {
        for name in *names {
            let f = catalog.get(name).unwrap_or_else(|| panic!("`{name}` is missing"));
            assert_eq!(f.category, *category, "{name}");
        }
    }
    let spec: HashSet<&str> = spec_names().into_iter().collect();
    assert_eq!(spec.len(), 99);
    let extra: Vec<&str> = catalog.functions().iter().map(|f| f.name.as_str()).filter(|n| !spec.contains(n)).collect();
    assert_eq!(extra, ["get"], "only the `get` method is not a SPEC §3 function");
}

#[test]
fn availability() {
    let catalog = Catalog::builtin();
    for f in catalog.functions() {
        let expected = if f.name.starts_with("aa_") {
            Availability::AnalyticsOnly
        } else if f.name.starts_with("upsert_array_") {
            Availability::ProfileUpsertOnly
        } else if ["array_to_string", "filterArray", "transformArray", "flattenArray"].contains(&f.name.as_str()) {
            Availability::DestinationsOnly
        } else {
            Availability::All
        };
        assert_eq!(f.availability, expected, "{}", f.name);
    }
}

#[test]
fn signatures_are_well_formed() {
    for f in Catalog::builtin().functions() {
        assert!(!f.signatures.is_empty(), "{}", f.name);
        for sig in &f.signatures {
            let n = sig.params.len();
            let variadics: Vec<usize> = (0..n).filter(|&i| sig.params[i].variadic).collect();
            assert!(variadics.len() <= 1, "{}: more than one variadic parameter", f.name);
            if let Some(&i) = variadics.first() {
                assert_eq!(i, n - 1, "{}: the variadic parameter is not last", f.name);
            }
            if let Some(first_optional) = sig.params.iter().position(|p| p.optional) {
                assert!(
                    sig.params[first_optional..].iter().all(|p| p.optional),
                    "{}: a required parameter follows an optional one",
                    f.name
                );
            }
            if let Type::SameAs(param) = &sig.returns {
                assert!(sig.params.iter().any(|p| &p.name == param), "{}: same-as:{param}", f.name);
            }
            assert!(sig.params.iter().all(|p| !matches!(p.ty, Type::SameAs(_))), "{}", f.name);
        }
        for joined in &f.result_joins {
            assert!(f.signatures.iter().all(|s| s.returns == Type::Any), "{}", f.name);
            assert!(f.signatures.iter().all(|s| s.params.iter().any(|p| &p.name == joined)), "{}", f.name);
        }
        if f.method {
            assert!(f.signatures.iter().all(|s| !s.params.is_empty()), "{}: a method needs a receiver", f.name);
        }
    }
}

#[test]
fn every_category_and_type_in_the_file_parses_and_is_canonical() {
    for f in raw_functions() {
        let name = f["name"].as_str().unwrap();
        let category = f["category"].as_str().unwrap();
        assert_eq!(Category::from_str(category).unwrap().as_str(), category, "{name}");
        for sig in f["signatures"].as_array().unwrap() {
            let returns = sig["returns"].as_str().unwrap();
            assert_eq!(Type::from_str(returns).unwrap().to_string(), returns, "{name}");
            for p in sig["params"].as_array().unwrap() {
                let ty = p["type"].as_str().unwrap();
                assert_eq!(Type::from_str(ty).unwrap().to_string(), ty, "{name}");
                assert!(p["optional"].is_boolean() && p["variadic"].is_boolean(), "{name}: {p}");
            }
        }
    }
}

/// Every call in an expression: (name, arguments, is a method call).
fn calls<'a>(expr: &'a Expr, out: &mut Vec<(&'a str, usize, bool)>) {
    match &expr.kind {
        ExprKind::String(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null | ExprKind::Path(_) => {}
        ExprKind::Array(items) => items.iter().for_each(|e| calls(e, out)),
        ExprKind::Call { name, args } => {
            out.push((&name.value, args.len(), false));
            args.iter().for_each(|e| calls(e, out));
        }
        ExprKind::Method { receiver, name, args } => {
            out.push((&name.value, args.len(), true));
            calls(receiver, out);
            args.iter().for_each(|e| calls(e, out));
        }
        ExprKind::Member { object, .. } => calls(object, out),
        ExprKind::Index { object, index } => {
            calls(object, out);
            calls(index, out);
        }
        ExprKind::Unary { operand, .. } => calls(operand, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            calls(lhs, out);
            calls(rhs, out);
        }
        ExprKind::Ternary { condition, then, otherwise } => {
            calls(condition, out);
            calls(then, out);
            calls(otherwise, out);
        }
        ExprKind::Paren(inner) => calls(inner, out),
    }
}

#[test]
fn every_example_parses_and_calls_catalog_functions_with_an_accepted_arity() {
    let catalog = Catalog::builtin();
    for f in catalog.functions() {
        assert!(!f.examples.is_empty(), "{} has no example", f.name);
        let mut calls_itself = false;
        for example in &f.examples {
            let expr = &example.expression;
            assert!(!example.result.trim().is_empty(), "{}: `{expr}` has no result", f.name);
            let parsed = flowc_syntax::parse(&format!("mapping {{\n  out = {expr}\n}}\n"));
            if !example.flowc_parses {
                assert!(parsed.has_errors(), "{}: `{expr}` parses now: drop its `\"flowc_parses\": false`", f.name);
                calls_itself |= expr.starts_with(&format!("{}(", f.name));
                continue;
            }
            assert!(parsed.diagnostics.is_empty(), "{}: `{expr}`: {:#?}", f.name, parsed.diagnostics);
            let entry = parsed.file.blocks[0].entries().next().expect("one mapping entry");
            let mut found = Vec::new();
            calls(&entry.expr, &mut found);
            assert!(!found.is_empty(), "{}: `{expr}` calls nothing", f.name);
            for (name, args, is_method) in found {
                let callee = catalog.get(name).unwrap_or_else(|| panic!("{}: `{expr}` calls unknown `{name}`", f.name));
                // A method call passes its receiver as the first argument.
                let arity = if is_method { args + 1 } else { args };
                if is_method {
                    assert!(callee.method, "{}: `{expr}`: `{name}` is not a method", f.name);
                } else {
                    assert!(callee.callable_as_function(), "{}: `{expr}`: `{name}` is a method only", f.name);
                }
                assert!(callee.accepts_arity(arity), "{}: `{expr}`: `{name}` takes no {arity} argument(s)", f.name);
                calls_itself |= name == f.name;
            }
        }
        assert!(calls_itself, "no example of `{}` calls it", f.name);
    }
}

#[test]
fn documented_typing_facts() {
    let c = Catalog::builtin();
    let f = |name: &str| c.get(name).unwrap();

    assert_eq!(f("iif").result_joins, ["TRUE_VALUE", "FALSE_VALUE"]);
    assert_eq!(f("iif").signatures[0].params[0].ty, Type::Boolean);
    for name in ["decode", "coalesce", "first", "last", "min", "max"] {
        assert!(!f(name).result_joins.is_empty(), "{name}");
        assert!(f(name).signatures.iter().all(|s| s.returns == Type::Any), "{name}");
    }
    // Optional trailing charset.
    for name in ["sha1", "sha256", "sha512", "md5", "crc32"] {
        assert_eq!((f(name).min_args(), f(name).max_args()), (1, Some(2)), "{name}");
    }
    // `date` has three documented overloads.
    assert_eq!(f("date").signatures.len(), 3);
    for n in 1..=3 {
        assert_eq!(f("date").signatures_for_arity(n).len(), 1);
    }
    assert!(f("date").signatures_for_arity(4).is_empty());
    assert!(f("date").signatures.iter().all(|s| s.returns == Type::DateTime));
    // Variadics.
    assert_eq!((f("concat").min_args(), f("concat").max_args()), (1, None));
    assert_eq!((f("to_array").min_args(), f("to_array").max_args()), (2, None));
    assert_eq!((f("add_to_map").min_args(), f("add_to_map").max_args()), (2, None));
    assert_eq!((f("add_to_array").min_args(), f("add_to_array").max_args()), (1, None));
    let to_array = &f("to_array").signatures[0];
    assert_eq!(to_array.param_for_arg(0).unwrap().name, "INCLUDE_NULLS");
    assert_eq!(to_array.param_for_arg(7).unwrap().name, "VALUES");
    // Arities.
    assert_eq!(f("make_date_time").signatures[0].params.len(), 8);
    assert_eq!((f("instr").min_args(), f("instr").max_args()), (2, Some(4)));
    assert_eq!((f("str_to_object").min_args(), f("str_to_object").max_args()), (1, Some(3)));
    assert_eq!((f("get_values").min_args(), f("get_values").max_args()), (3, Some(4)));
    assert_eq!((f("now").min_args(), f("now").max_args()), (0, Some(0)));
    // Return types.
    assert_eq!(f("nullify").signatures[0].returns, Type::Null);
    assert_eq!(f("get_url_query_str").signatures[0].returns, Type::Map);
    assert_eq!(f("get_url_port").signatures[0].returns, Type::Integer);
    assert_eq!(f("split").signatures[0].returns, Type::array_of(Type::String));
    assert_eq!(f("arrays_to_object").signatures[0].returns, Type::array_of(Type::Object));
    assert_eq!(f("to_decimal").signatures[0].returns, Type::Number);
    assert_eq!(f("upsert_array_append").signatures[0].returns, Type::SameAs("ARRAY".into()));
    // Methods.
    assert!(f("equals").method && !f("equals").method_only);
    assert!(f("equalsIgnoreCase").method && !f("equalsIgnoreCase").method_only);
    assert!(f("get").method && f("get").method_only);
    assert!(c.functions().iter().filter(|f| f.method).count() == 3);
}

#[test]
fn lookups_are_case_sensitive_and_suggest_near_names() {
    let c = Catalog::builtin();
    assert!(c.get("equalsIgnoreCase").is_some());
    assert!(c.get("equalsignorecase").is_none());
    assert!(c.get("UPPER").is_none());
    assert_eq!(c.suggest("equalsignorecase"), Some("equalsIgnoreCase"));
    assert_eq!(c.suggest("UPPER"), Some("upper"));
    assert_eq!(c.suggest("toInteger"), Some("to_integer"));
    assert_eq!(c.suggest("uper"), Some("upper"));
    assert_eq!(c.suggest("replace_str"), Some("replacestr"));
    assert_eq!(c.suggest("sha265"), Some("sha256"));
    assert_eq!(c.suggest("extract_regexp"), Some("extract_regex"));
    // The documentation's other spellings of two Analytics functions (see SOURCE.md).
    assert_eq!(c.suggest("aa_get_product_price"), Some("aa_get_product_prices"));
    assert_eq!(c.suggest("aa_get_product_quantities"), Some("aa_get_product_quantity"));
    assert_eq!(c.suggest("upper"), None, "a known name needs no suggestion");
    assert_eq!(c.suggest("completely_unrelated"), None);
}

fn fixture() -> &'static str {
    include_str!("fixtures/el-functions.json")
}

#[test]
fn import_of_the_api_fixture() {
    let (imported, warnings) = Catalog::import_api(fixture()).expect("the fixture imports");
    let names: Vec<&str> = imported.functions().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["concat", "date", "dformat", "first", "get_url_port", "iif", "is_set", "sha256", "to_bigint", "to_integer"]
    );
    let f = |name: &str| imported.get(name).unwrap();

    // `T first(T...)` with `[Ljava.lang.Object;`: variadic, each argument of any type.
    let first = &f("first").signatures;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].params.len(), 1);
    assert!(first[0].params[0].variadic);
    assert_eq!(first[0].params[0].ty, Type::Any);
    assert_eq!(first[0].returns, Type::Any);
    assert_eq!(f("first").category, Category::Array);

    // `Object...`.
    let concat = &f("concat").signatures[0];
    assert!(concat.params[0].variadic);
    assert_eq!((concat.params[0].ty.clone(), concat.returns.clone()), (Type::Any, Type::String));
    assert_eq!(f("concat").category, Category::String);

    // `date`: params [] taken from the syntax, then `date(String)` folded in as a prefix.
    let date = &f("date").signatures;
    assert_eq!(date.len(), 1, "{date:#?}");
    let types: Vec<String> = date[0].params.iter().map(|p| p.ty.to_string()).collect();
    assert_eq!(types, ["string", "string", "datetime"]);
    assert_eq!(date[0].params.iter().map(|p| p.optional).collect::<Vec<_>>(), [false, true, true]);
    assert_eq!(date[0].returns, Type::DateTime);
    assert_eq!(f("date").category, Category::DateTime);
    assert_eq!(f("date").examples.len(), 1, "the empty example is not kept");

    // Two overloads → one with an optional charset; params ordered by position.
    let sha = &f("sha256").signatures;
    assert_eq!(sha.len(), 1);
    assert_eq!(sha[0].params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["input", "charset"]);
    assert_eq!((sha[0].min_args(), sha[0].max_args()), (1, Some(2)));
    assert_eq!(f("sha256").category, Category::Hashing);

    let dformat = &f("dformat").signatures[0];
    assert_eq!(dformat.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["timestamp", "format"]);
    assert_eq!(dformat.params[0].ty, Type::Integer);
    assert_eq!(dformat.returns, Type::String);

    assert_eq!(f("to_integer").signatures[0].returns, Type::Integer);
    assert_eq!(f("to_integer").category, Category::Conversion);
    assert_eq!(f("to_bigint").signatures[0].returns, Type::Integer);
    assert!(f("to_bigint").examples.is_empty());
    assert_eq!(f("get_url_port").signatures[0].returns, Type::Integer);
    assert_eq!(f("get_url_port").category, Category::Url);
    let iif = &f("iif").signatures[0];
    assert_eq!(iif.params.iter().map(|p| p.ty.clone()).collect::<Vec<_>>(), [Type::Boolean, Type::Any, Type::Any]);
    assert_eq!(f("iif").category, Category::Logical);

    // An unknown type name → any, with a warning naming the function.
    let is_set = f("is_set");
    assert_eq!(is_set.signatures[0].params[0].ty, Type::Any);
    assert_eq!(is_set.signatures[0].returns, Type::Boolean);
    assert_eq!(is_set.category, Category::Object);
    assert_eq!(is_set.availability, Availability::All);
    assert!(warnings.iter().any(|w| w.starts_with("is_set:") && w.contains("FieldPath")), "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.starts_with("date:") && w.contains("syntax")), "{warnings:#?}");
    assert_eq!(warnings.len(), 2, "{warnings:#?}");

    assert!(imported.validate().is_empty(), "{:#?}", imported.validate());
}

#[test]
fn import_accepts_a_list_or_a_functions_or_items_wrapper() {
    let entry = r#"{"category": "Aggregation", "function": "max", "syntax": "T max(T...)",
                    "returnType": "java.lang.Object",
                    "params": [{"name": "values", "dataType": "[Ljava.lang.Object;", "position": 1}], "since": 1}"#;
    for json in [format!("[{entry}]"), format!(r#"{{"functions": [{entry}]}}"#), format!(r#"{{"items": [{entry}]}}"#)] {
        let (c, warnings) = Catalog::import_api(&json).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let max = c.get("max").unwrap();
        assert_eq!(max.category, Category::Aggregation);
        assert!(max.signatures[0].params[0].variadic);
    }
    assert!(Catalog::import_api(r#"{"data": []}"#).is_err());
    assert!(Catalog::import_api("not json").is_err());
    // Without `...` in a syntax, an array descriptor is an array parameter.
    let (c, _) = Catalog::import_api(
        r#"[{"category": "Destinations", "function": "flattenArray", "returnType": "java.util.List<java.lang.Object>",
             "params": [{"name": "array", "dataType": "[Ljava.lang.Object;", "position": 1}]}]"#,
    )
    .unwrap();
    let flatten = c.get("flattenArray").unwrap();
    assert_eq!(flatten.signatures[0].params[0].ty, Type::any_array());
    assert!(!flatten.signatures[0].params[0].variadic);
    assert_eq!(flatten.availability, Availability::DestinationsOnly);
}

#[test]
fn merge_keeps_curated_knowledge_and_adds_new_functions() {
    let builtin = Catalog::builtin();
    let (imported, _) = Catalog::import_api(fixture()).unwrap();
    let merged = imported.merge_into(builtin);
    assert_eq!(merged.len(), builtin.len() + 1, "is_set is new");
    assert!(merged.validate().is_empty(), "{:#?}", merged.validate());
    for f in builtin.functions() {
        let m = merged.get(&f.name).unwrap();
        assert_eq!((&m.description, &m.examples, m.availability), (&f.description, &f.examples, f.availability));
        assert_eq!((m.category, m.method, m.method_only), (f.category, f.method, f.method_only));
    }
    // Signatures come from the import, names and precision from the curated file.
    let sha = &merged.get("sha256").unwrap().signatures;
    assert_eq!(sha.len(), 1);
    assert_eq!(sha[0].params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["INPUT", "CHARSET"]);
    let iif = merged.get("iif").unwrap();
    assert_eq!(iif.result_joins, ["TRUE_VALUE", "FALSE_VALUE"]);
    assert_eq!(iif.signatures[0].params[1].name, "TRUE_VALUE");
    let date = &merged.get("date").unwrap().signatures;
    assert_eq!(date.len(), 1);
    assert_eq!(date[0].params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["DATE", "FORMAT", "DEFAULT_DATE"]);
    assert_eq!((date[0].min_args(), date[0].max_args()), (1, Some(3)));
    assert_eq!(merged.get("first").unwrap().result_joins, ["INPUT"]);
    assert_eq!(merged.get("is_set").unwrap().availability, Availability::All);
    // Untouched functions are unchanged.
    assert_eq!(merged.get("get"), builtin.get("get"));
}

#[test]
fn to_json_pretty_round_trips() {
    let builtin = Catalog::builtin();
    let text = builtin.to_json_pretty();
    if std::env::var_os("FLOWC_BLESS_CATALOG").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/catalog/functions.json"), &text).unwrap();
        return;
    }
    assert!(text == BUILTIN_JSON, "functions.json is not in canonical form: rerun with FLOWC_BLESS_CATALOG=1");
    assert_eq!(&Catalog::from_json(&text).unwrap(), builtin);

    let (imported, _) = Catalog::import_api(fixture()).unwrap();
    let again = Catalog::from_json(&imported.to_json_pretty()).unwrap();
    assert_eq!(again, imported);
    assert_eq!(again.to_json_pretty(), imported.to_json_pretty());
}
