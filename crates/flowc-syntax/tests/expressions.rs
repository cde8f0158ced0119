//! Expressions from the platform's documentation parse, into the trees they mean.

use flowc_syntax::ast::{BinaryOp, Entry, ExprKind, SegmentKind};

fn entry(expression: &str) -> Entry {
    let src = format!("mapping {{\n  out = {expression}\n}}\n");
    let parsed = flowc_syntax::parse(&src);
    assert!(parsed.diagnostics.is_empty(), "{expression}: {:#?}", parsed.diagnostics);
    let entry = parsed.file.blocks[0].entries().next().expect("one entry").clone();
    // The expression's span is exactly the text as written: it is what the request body carries.
    assert_eq!(&src[entry.expr.span.start..entry.expr.span.end], expression);
    entry
}

fn field_names(kind: &ExprKind) -> Vec<String> {
    let ExprKind::Path(path) = kind else { panic!("not a path: {kind:?}") };
    path.segments
        .iter()
        .map(|s| match &s.kind {
            SegmentKind::Field { name, .. } => name.clone(),
            SegmentKind::Index(n) => format!("[{n}]"),
            SegmentKind::Each => "[*]".to_owned(),
        })
        .collect()
}

#[test]
fn documentation_expressions_parse() {
    for expression in [
        r#"concat(upper(lastName), upper(firstName), now())"#,
        r#"iif(${segmentMembership.ups.seg_id.status}=="exited","1","0")"#,
        r#""string1".equalsIgnoreCase("STRING1")"#,
        r#"str_to_object("firstName - John ; lastName - ; phone - 123 456 7890", "-", ";").get("firstName")"#,
        r#"extract_regex("E259,E259B_009,1_1", "([^,]+),[^,]*,([^,]+)")"#,
        r#"to_array(false, 1, null, 2, 3)"#,
        r#"decode(stateCode, "ca", "California", "pa", "Pennsylvania", "N/A")"#,
        r#"address.street\.name"#,
        r#"customerInfo.emails[*].name"#,
        r#"${First Name}"#,
    ] {
        entry(expression);
    }
}

#[test]
fn names_escape_dots_and_quote_anything() {
    assert_eq!(field_names(&entry(r"address.street\.name").expr.kind), ["address", "street.name"]);
    assert_eq!(field_names(&entry("customerInfo.emails[*].name").expr.kind), ["customerInfo", "emails", "[*]", "name"]);
    assert_eq!(field_names(&entry("${First Name}").expr.kind), ["First Name"]);
    // `${...}` quotes the whole name, dots included: it is one field, not a path.
    assert_eq!(
        field_names(&entry("${segmentMembership.ups.seg_id.status}").expr.kind),
        ["segmentMembership.ups.seg_id.status"]
    );
}

#[test]
fn method_calls_chain_on_calls_and_literals() {
    let e = entry(r#"str_to_object("a - 1", "-", ";").get("a")"#);
    let ExprKind::Method { receiver, name, args } = e.expr.kind else { panic!("{:?}", e.expr.kind) };
    assert_eq!(name.value, "get");
    assert_eq!(args.len(), 1);
    assert!(matches!(receiver.kind, ExprKind::Call { ref name, .. } if name.value == "str_to_object"));
    let e = entry(r#""string1".equalsIgnoreCase("STRING1")"#);
    assert!(
        matches!(e.expr.kind, ExprKind::Method { ref receiver, .. } if matches!(receiver.kind, ExprKind::String(ref s) if s == "string1"))
    );
}

#[test]
fn jexl_precedence() {
    // a || b && c == d + e * f  parses as  a || (b && (c == (d + (e * f))))
    let e = entry("a || b && c == d + e * f");
    let mut ops = Vec::new();
    let mut kind = &e.expr.kind;
    while let ExprKind::Binary { op, rhs, .. } = kind {
        ops.push(op.value);
        kind = &rhs.kind;
    }
    assert_eq!(ops, [BinaryOp::Or, BinaryOp::And, BinaryOp::Eq, BinaryOp::Add, BinaryOp::Mul]);
    // Same precedence associates to the left: a - b - c  is  (a - b) - c
    let e = entry("a - b - c");
    let ExprKind::Binary { lhs, rhs, .. } = e.expr.kind else { panic!() };
    assert!(matches!(lhs.kind, ExprKind::Binary { .. }));
    assert!(matches!(rhs.kind, ExprKind::Path(_)));
    // Word operators are operators: a and b or not c
    let e = entry("a and b or not c");
    assert!(matches!(e.expr.kind, ExprKind::Binary { op, .. } if op.value == BinaryOp::Or));
}

#[test]
fn a_dot_inside_a_destination_name_is_escaped_too() {
    let src = "mapping {\n  a\\.b.c = x\n}\n";
    let parsed = flowc_syntax::parse(src);
    let entry = parsed.file.blocks[0].entries().next().expect("entry");
    assert_eq!(entry.destination.display(), r"a\.b.c");
    assert_eq!(entry.destination.segments.len(), 2);
}
