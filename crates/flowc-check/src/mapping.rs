//! Checks of a mapping block: each entry's destination against the target schema, its
//! expression's type against the destination's XDM type, constants against constraints,
//! and the checks across entries (duplicates, parents and children, required fields,
//! identities).

use crate::catalog::{Catalog, Type};
use crate::path_trie::PathTrie;
use crate::patterns;
use crate::source::SourceModel;
use crate::typing::{Typed, Typer};
use flowc_diag::{Code, Diagnostic, Severity, Span};
use flowc_schema::{Field, SchemaIndex, XdmType};
use flowc_syntax::ast::{Block, Entry, Expr, ExprKind, SegmentKind, UnaryOp, ValueKind};
use std::collections::{HashMap, HashSet};

/// Data Prep refuses calculated fields longer than this.
pub const MAX_EXPRESSION_CHARS: usize = 4096;

pub struct MappingContext<'a> {
    pub catalog: &'a Catalog,
    /// `None` when the target schema is not available (already reported once).
    pub schema: Option<&'a SchemaIndex>,
    /// `None` when the source columns are unknown.
    pub source: Option<&'a SourceModel>,
    /// The tenant that `_{TENANT_ID}` stands for, without the underscore.
    pub tenant: Option<&'a str>,
}

/// One entry, as the cross-entry checks need it.
struct Checked<'e> {
    entry: &'e Entry,
    /// The destination with the tenant placeholder replaced.
    destination: String,
    field: Option<&'e Field>,
    /// The value is of another kind than the destination (F302): the entry is wrong as a
    /// whole, so what follows from it (its children being mapped too) is not reported.
    wrong_kind: bool,
}

pub fn check_mapping(block: &Block, src: &str, ctx: &MappingContext, diagnostics: &mut Vec<Diagnostic>) {
    let mut checked: Vec<Checked> = Vec::new();
    for entry in block.entries() {
        let text = &src[entry.expr.span.start..entry.expr.span.end];
        let chars = text.chars().count();
        if chars > MAX_EXPRESSION_CHARS {
            diagnostics.push(
                Diagnostic::new(
                    Code::ExpressionTooLong,
                    entry.expr.span,
                    format!(
                        "this expression is {chars} characters long; Data Prep accepts at most {MAX_EXPRESSION_CHARS}"
                    ),
                )
                .with_label("too long")
                .with_help("split the computation over several fields, or compute it upstream"),
            );
        }
        let typed = Typer { catalog: ctx.catalog, source: ctx.source, src, diagnostics }.entry(&entry.expr);
        let destination = normalize_tenant(&entry.destination.display(), ctx.tenant);
        let field = ctx.schema.and_then(|index| {
            let field = index.resolve(&destination);
            if field.is_none() {
                unknown_destination(index, entry, &destination, ctx.tenant, diagnostics);
            }
            field
        });
        let wrong_kind = match (field, ctx.schema) {
            (Some(field), Some(index)) => !check_entry(index, field, entry, &typed, diagnostics),
            _ => false,
        };
        cardinality(entry, &typed, diagnostics);
        checked.push(Checked { entry, destination, field, wrong_kind });
    }
    duplicates_and_parents(&checked, diagnostics);
    identities(&checked, diagnostics);
    if let Some(index) = ctx.schema {
        required(index, block, &checked, diagnostics);
    }
}

fn normalize_tenant(path: &str, tenant: Option<&str>) -> String {
    match (path.strip_prefix("_{TENANT_ID}"), tenant) {
        (Some(rest), Some(tenant)) => format!("_{tenant}{rest}"),
        _ => path.to_owned(),
    }
}

fn unknown_destination(
    index: &SchemaIndex,
    entry: &Entry,
    destination: &str,
    tenant: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let schema = index.title().or(index.id()).unwrap_or("the target schema");
    let mut d = Diagnostic::new(
        Code::UnknownDestination,
        entry.destination.span,
        format!("`{}` is not a field of {schema}", entry.destination.display()),
    )
    .with_label("unknown destination");
    if destination.starts_with("_{TENANT_ID}") && tenant.is_none() {
        d = d.with_note("the tenant is unknown: set `tenant` in flowc.toml to resolve `_{TENANT_ID}`");
    }
    if let Some(help) = index.suggest(destination).help() {
        d = d.with_help(help);
    }
    diagnostics.push(d);
}

/// `[*]` on the destination iterates the elements of a `[*]` source.
fn cardinality(entry: &Entry, typed: &Typed, diagnostics: &mut Vec<Diagnostic>) {
    let dest_each = entry.destination.segments.iter().filter(|s| matches!(s.kind, SegmentKind::Each)).count();
    let expr_each = typed.each;
    if dest_each == expr_each || (expr_each == 0 && constant(&entry.expr).is_some()) {
        return;
    }
    let message = if expr_each > dest_each {
        format!(
            "the expression reads {} of a source array, but `{}` has {}",
            each_phrase(expr_each),
            entry.destination.display(),
            each_phrase(dest_each)
        )
    } else {
        format!(
            "`{}` has {}, but the expression reads {}",
            entry.destination.display(),
            each_phrase(dest_each),
            each_phrase(expr_each)
        )
    };
    diagnostics.push(
        Diagnostic::new(Code::CardinalityMismatch, entry.destination.span, message)
            .with_label("destination")
            .with_secondary(entry.expr.span, "source")
            .with_help("write `[*]` on both sides the same number of times: `items[*].sku = products[*].id`"),
    );
}

fn each_phrase(n: usize) -> String {
    match n {
        0 => "no `[*]`".into(),
        1 => "one `[*]`".into(),
        n => format!("{n} levels of `[*]`"),
    }
}

/// A literal (or a negated number) and its span.
fn constant(expr: &Expr) -> Option<(&Expr, Option<f64>)> {
    match &expr.kind {
        ExprKind::String(_) | ExprKind::Bool(_) => Some((expr, None)),
        ExprKind::Number(n) => Some((expr, n.parse().ok())),
        ExprKind::Unary { op, operand } if op.value == UnaryOp::Neg => match &operand.kind {
            ExprKind::Number(n) => Some((expr, n.parse::<f64>().ok().map(|v| -v))),
            _ => None,
        },
        ExprKind::Paren(inner) => constant(inner),
        _ => None,
    }
}

/// Checks one entry against its destination field; false when the value is of another kind
/// (F302).
fn check_entry(
    index: &SchemaIndex,
    field: &Field,
    entry: &Entry,
    typed: &Typed,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let dest = entry.destination.display();
    let target = field.xdm_type;
    // Objects, arrays and maps take values of their own kind.
    if !target.is_scalar() {
        let fits = match target {
            XdmType::Object => {
                matches!(typed.ty, Type::Object | Type::Map | Type::Json | Type::Any | Type::Null)
            }
            XdmType::Map => matches!(typed.ty, Type::Map | Type::Object | Type::Json | Type::Any | Type::Null),
            _ => matches!(typed.ty, Type::Array(_) | Type::Json | Type::Any | Type::Null),
        };
        if !fits {
            let children: Vec<String> = index
                .children(&field.path)
                .map(|c| c.take(3).map(|f| format!("`{}`", f.path)).collect())
                .unwrap_or_default();
            let help = match target {
                XdmType::Object if !children.is_empty() => {
                    format!("map its fields instead, such as {}", children.join(", "))
                }
                XdmType::Array => {
                    format!("map the elements: `{dest}[*].field = source[*].field`, or give an array (`to_array(...)`)")
                }
                XdmType::Map => {
                    format!("give a map (`to_map(...)`), or map one key: `{dest}.KEY...`")
                }
                _ => "give a value of that kind".into(),
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::DestinationKind,
                    entry.destination.span,
                    format!(
                        "`{dest}` is {}, but the expression gives {}",
                        kind_phrase(target),
                        crate::typing::article(&typed.ty)
                    ),
                )
                .with_label(format!("{target}"))
                .with_secondary(entry.expr.span, format!("{}", typed.ty))
                .with_help(help),
            );
        }
        return fits;
    }
    let literal = constant(&entry.expr);
    let string_constant = matches!(literal, Some((e, _)) if matches!(e.kind, ExprKind::String(_)));
    // A string constant is checked for what it holds (F305), not warned about as a type.
    let problem = if string_constant { None } else { conversion(typed, target, &field.path) };
    if let Some(problem) = problem {
        let (code, severity) = if problem.lossy {
            (Code::LossyConversion, Severity::Warning)
        } else {
            (Code::ImpossibleConversion, Severity::Error)
        };
        let mut d = Diagnostic::new(
            code,
            entry.expr.span,
            format!(
                "`{dest}` is {}, but the expression gives {}",
                crate::typing::article_xdm(target),
                crate::typing::describe(typed)
            ),
        )
        .with_severity(severity)
        .with_label(problem.label)
        .with_secondary(entry.destination.span, target.to_string());
        if let Some(fix) = problem.fix {
            d = d.with_help(fix.replace("{x}", &expr_text(entry)));
        }
        if let Some(note) = problem.note {
            d = d.with_note(note);
        }
        diagnostics.push(d);
    }
    if let Some((expr, number)) = literal {
        constraints(field, expr, number, diagnostics);
    }
    true
}

fn expr_text(entry: &Entry) -> String {
    match &entry.expr.kind {
        ExprKind::Path(p) => p.display(),
        _ => "x".into(),
    }
}

fn kind_phrase(t: XdmType) -> &'static str {
    match t {
        XdmType::Object => "an object",
        XdmType::Array => "an array",
        _ => "a map",
    }
}

pub(crate) struct Problem {
    pub(crate) lossy: bool,
    pub(crate) label: String,
    /// `{x}` stands for the expression.
    pub(crate) fix: Option<String>,
    pub(crate) note: Option<String>,
}

fn lossy(label: &str, fix: &str) -> Option<Problem> {
    Some(Problem {
        lossy: true,
        label: label.into(),
        fix: Some(fix.into()),
        note: Some(
            "a failed conversion sets the field to null during ingestion; a required field left null rejects the row"
                .into(),
        ),
    })
}

fn impossible(label: &str) -> Option<Problem> {
    Some(Problem { lossy: false, label: label.into(), fix: None, note: None })
}

/// What happens when a value of the expression's type lands in a field of type `target`
/// (at `path`), or in a function's parameter of that type.
pub(crate) fn conversion(typed: &Typed, target: XdmType, path: &str) -> Option<Problem> {
    use XdmType as X;
    let integer_fix = match target {
        X::Long => "convert explicitly: `to_bigint({x})`",
        _ => "convert explicitly: `to_integer({x})`",
    };
    match (&typed.ty, target) {
        (Type::Any | Type::Null, _) => None,
        (Type::String, X::String) => None,
        (Type::String, t) if t.is_integer() => lossy("a string", integer_fix),
        (Type::String, X::Number) => lossy("a string", "convert explicitly: `to_decimal({x})` or `to_float({x})`"),
        (Type::String, X::Boolean) => Some(Problem {
            lossy: true,
            label: "a string".into(),
            fix: Some("compare explicitly: `iif(lower({x}) == \"true\", true, false)`".into()),
            note: Some("strings convert to booleans only from y/yes/on/true/1 and n/no/off/false/0; anything else nulls the field".into()),
        }),
        (Type::String, X::Date | X::DateTime) => {
            let pattern = if target == X::Date { "yyyy-MM-dd" } else { "yyyy-MM-dd'T'HH:mm:ssXXX" };
            Some(Problem {
                lossy: true,
                label: "a string without a date format".into(),
                fix: Some(format!("give its format: `date({{x}}, \"{pattern}\")`, or declare the column `as {target}`")),
                note: Some("without a format the platform guesses among fixed patterns, first match wins (`12112020` parses as MMddyyyy)".into()),
            })
        }
        (Type::Integer, t) if t.is_integer() => {
            let wider = typed.xdm.as_deref().and_then(XdmType::parse).filter(|s| s.integer_range().zip(t.integer_range()).is_some_and(|(s, t)| s.0 < t.0 || s.1 > t.1));
            match wider {
                Some(source) => lossy(&format!("a {source}"), &format!("a {source} value outside the {target} range nulls the field; check the range, or map it to a wider field")),
                None => None,
            }
        }
        (Type::Integer, X::Number | X::String) => None,
        (Type::Number, t) if t.is_integer() => lossy("a number", integer_fix),
        (Type::Number, X::Number | X::String) => None,
        (Type::Integer | Type::Number, X::Boolean) => lossy("a number", "compare explicitly: `{x} != 0`"),
        (Type::Integer | Type::Number, X::Date | X::DateTime) => Some(Problem {
            lossy: true,
            label: "a number".into(),
            fix: Some("convert explicitly, for example `dformat({x}, \"yyyy-MM-dd'T'HH:mm:ssXXX\")` for epoch milliseconds".into()),
            note: None,
        }),
        (Type::Boolean, X::Boolean | X::String) => None,
        (Type::Boolean, _) => impossible("a boolean"),
        (Type::DateTime, X::Date | X::DateTime | X::String) => None,
        (Type::DateTime, X::Long) => None,
        (Type::DateTime, _) => impossible("a date-time"),
        (Type::Object | Type::Map, _) => impossible(&format!("{}", typed.ty)),
        (Type::Json, _) => impossible(&crate::typing::article(&Type::Json)),
        (Type::Array(_), _) => Some(Problem {
            lossy: false,
            label: format!("{}", typed.ty),
            fix: Some(format!("take one element (`first(...)`), or map the array to an array field of `{path}`")),
            note: None,
        }),
        _ => None,
    }
}

/// A constant against the field's enum, pattern, length, range and format.
fn constraints(field: &Field, expr: &Expr, number: Option<f64>, diagnostics: &mut Vec<Diagnostic>) {
    let c = &field.constraints;
    let mut problems: Vec<(String, Option<String>)> = Vec::new();
    match &expr.kind {
        ExprKind::String(s) => {
            if let Some(values) = &c.enum_values
                && !values.iter().any(|v| v.as_str() == Some(s))
            {
                let valid: Vec<String> = values.iter().take(12).map(|v| v.to_string()).collect();
                problems.push((format!("`{}` allows only {}", field.path, valid.join(", ")), None));
            }
            let len = s.chars().count() as u64;
            if let Some(min) = c.min_length.filter(|&m| len < m) {
                problems.push((format!("`{}` needs at least {min} characters; this has {len}", field.path), None));
            }
            if let Some(max) = c.max_length.filter(|&m| len > m) {
                problems.push((format!("`{}` takes at most {max} characters; this has {len}", field.path), None));
            }
            if let Some(pattern) = &c.pattern
                && patterns::matches_json_schema_pattern(pattern, s) == Some(false)
            {
                problems.push((format!("`{}` must match the pattern `{pattern}`", field.path), None));
            }
            let holds = match field.xdm_type {
                t if t.is_integer() => s.trim().parse::<i64>().is_ok(),
                XdmType::Number => s.trim().parse::<f64>().is_ok_and(f64::is_finite),
                XdmType::Boolean => ["true", "false", "y", "yes", "n", "no", "on", "off", "1", "0"]
                    .contains(&s.trim().to_ascii_lowercase().as_str()),
                _ => true,
            };
            if !holds {
                let valid = match field.xdm_type {
                    t if t.is_integer() => "a whole number, such as `42`",
                    XdmType::Number => "a number, such as `12.5`",
                    _ => "`true` or `false`",
                };
                problems.push((
                    format!(
                        "`{}` is {}, and \"{s}\" does not convert to one",
                        field.path,
                        crate::typing::article_xdm(field.xdm_type)
                    ),
                    Some(format!("write {valid}, without quotes, or map a source field")),
                ));
            }
            let format = match field.xdm_type {
                XdmType::Date => Some("date"),
                XdmType::DateTime => Some("date-time"),
                _ => field.format.as_deref(),
            };
            if let Some(format) = format
                && let Some(why) = patterns::check_format(s, format)
            {
                problems.push((format!("`{}` holds a {format}: {why}", field.path), None));
            }
        }
        _ => {
            if let Some(value) = number {
                let below = c.minimum.as_ref().and_then(|m| m.as_f64()).filter(|&m| value < m);
                let above = c.maximum.as_ref().and_then(|m| m.as_f64()).filter(|&m| value > m);
                if let Some(min) = below {
                    problems.push((format!("{value} is below the minimum of {min} of `{}`", field.path), None));
                }
                if let Some(max) = above {
                    problems.push((format!("{value} is above the maximum of {max} of `{}`", field.path), None));
                }
                // The type's range matters only when the schema sets no tighter bound.
                if let Some((lo, hi)) = field.xdm_type.integer_range()
                    && below.is_none()
                    && above.is_none()
                    && (value < lo as f64 || value > hi as f64)
                {
                    problems.push((format!("{value} is outside the range of {} ({lo} to {hi})", field.xdm_type), None));
                }
                if let Some(values) = &c.enum_values
                    && !values.iter().any(|v| v.as_f64() == Some(value))
                {
                    let valid: Vec<String> = values.iter().take(12).map(|v| v.to_string()).collect();
                    problems.push((format!("`{}` allows only {}", field.path, valid.join(", ")), None));
                }
            }
        }
    }
    for (message, help) in problems {
        let mut d = Diagnostic::new(Code::ConstraintViolation, expr.span, message).with_label("this constant");
        if let Some(help) = help {
            d = d.with_help(help);
        }
        if !c.enum_labels.is_empty() {
            let labels: Vec<String> =
                c.enum_labels.iter().take(6).map(|l| format!("`{}` ({})", l.value, l.label)).collect();
            d = d.with_note(format!("suggested values (labels, not a constraint): {}", labels.join(", ")));
        }
        diagnostics.push(d);
    }
}

fn duplicates_and_parents(checked: &[Checked], diagnostics: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &Checked> = HashMap::with_capacity(checked.len());
    for c in checked {
        if let Some(earlier) = first.get(c.destination.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateDestination,
                    c.entry.destination.span,
                    format!("`{}` is mapped twice", c.entry.destination.display()),
                )
                .with_label("mapped again here")
                .with_secondary(earlier.entry.destination.span, "first mapped here")
                .with_help("a field takes one value: keep one entry, or combine them (`coalesce(a, b)`, `iif(...)`)"),
            );
        } else {
            first.insert(c.destination.as_str(), c);
        }
    }
    // A parent and one of its children: the nearest mapped ancestor of each destination. A
    // parent given a value of the wrong kind was reported (F302) and copies nothing.
    let mut tree = PathTrie::default();
    for (path, c) in first.iter().filter(|(_, c)| !c.wrong_kind) {
        tree.insert(path, *c);
    }
    for c in checked {
        if let Some(parent) = tree.nearest_ancestor(&c.destination) {
            diagnostics.push(
                Diagnostic::new(
                    Code::ParentAndChild,
                    c.entry.destination.span,
                    format!(
                        "`{}` is mapped, and so is its parent `{}`",
                        c.entry.destination.display(),
                        parent.entry.destination.display()
                    ),
                )
                .with_label("child")
                .with_secondary(parent.entry.destination.span, "parent mapped here")
                .with_help("map either the whole object or its fields, not both"),
            );
        }
    }
}

fn identities(checked: &[Checked], diagnostics: &mut Vec<Diagnostic>) {
    let mut primary: Option<Span> = None;
    for c in checked {
        let Some(identity) = c.entry.attribute("identity") else {
            continue;
        };
        if identity.arg("namespace").is_none() {
            diagnostics.push(
                Diagnostic::new(
                    Code::IdentityWithoutNamespace,
                    identity.span,
                    format!("the identity `{}` has no namespace", c.entry.destination.display()),
                )
                .with_label("no `namespace`")
                .with_help("name its identity namespace code: `@identity(namespace = \"Email\")`"),
            );
        }
        let is_primary = identity.arg("primary").is_some_and(|a| match &a.value {
            None => true,
            Some(v) => matches!(v.kind, ValueKind::Bool(true)),
        });
        if is_primary {
            match primary {
                Some(first) => diagnostics.push(
                    Diagnostic::new(Code::MultiplePrimaryIdentities, identity.span, "a second primary identity")
                        .with_label("primary again")
                        .with_secondary(first, "first primary identity")
                        .with_help("a record has one primary identity: drop `primary` from one of them"),
                ),
                None => primary = Some(identity.span),
            }
        }
        if let Some(field) = c.field
            && field.xdm_type != XdmType::String
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::IdentityNotString,
                    identity.span,
                    format!(
                        "`{}` is {}; identities are string fields",
                        c.entry.destination.display(),
                        crate::typing::article_xdm(field.xdm_type)
                    ),
                )
                .with_label("identity")
                .with_secondary(c.entry.destination.span, field.xdm_type.to_string())
                .with_help("mark a string field as the identity"),
            );
        }
    }
}

/// Required fields: those of the schema's root, and those of every object or array item
/// that the mapping writes into.
fn required(index: &SchemaIndex, block: &Block, checked: &[Checked], diagnostics: &mut Vec<Diagnostic>) {
    let mut mapped = PathTrie::default();
    for field in checked.iter().filter_map(|c| c.field) {
        mapped.insert(field.path.as_str(), ());
    }
    // Written: mapped itself, below a mapped object, or holding a mapped field.
    let written = |path: &str| mapped.has_self_or_descendant(path) || mapped.nearest_ancestor(path).is_some();
    // Parents to check: the root, then every ancestor object of a mapped field, each once,
    // reported at the first entry that writes into it.
    let mut parents: Vec<(String, Span)> = vec![(String::new(), block.keyword)];
    let mut listed: HashSet<&str> = HashSet::new();
    for c in checked {
        let Some(field) = c.field else { continue };
        let mut at = index.parent(field);
        while let Some(p) = at {
            if p.path.is_empty() {
                break;
            }
            // An array's required fields are its items': the item (`x[*]`) stands for both.
            if p.xdm_type != XdmType::Array && listed.insert(p.path.as_str()) {
                parents.push((p.path.clone(), c.entry.destination.span));
            }
            at = index.parent(p);
        }
    }
    for (parent, span) in parents {
        let Some(children) = index.required_children(&parent) else {
            continue;
        };
        for child in children {
            if written(&child.path) {
                continue;
            }
            let whose = if parent.is_empty() {
                index.title().map(|t| format!("of {t}")).unwrap_or_else(|| "of the schema".into())
            } else {
                format!("of `{parent}`")
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::RequiredUnmapped,
                    span,
                    format!("the required field `{}` {whose} is not mapped", child.path),
                )
                .with_label(if parent.is_empty() {
                    "in this mapping".to_string()
                } else {
                    format!("writes into `{parent}`")
                })
                .with_help(format!(
                    "map it: `{} = ...` ({}); a row without it is rejected",
                    child.path,
                    crate::typing::article_xdm(child.xdm_type)
                )),
            );
        }
    }
}
