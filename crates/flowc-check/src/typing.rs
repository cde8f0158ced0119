//! Expression typing: literals, source paths, operators, function and method calls. Every
//! problem found on the way is a diagnostic pointing at the exact sub-expression.

use crate::catalog::{Availability, Catalog, Function, Signature, Type};
use crate::patterns::{self, PatternProblem};
use crate::source::SourceModel;
use flowc_diag::{Code, Diagnostic, Severity, Span};
use flowc_syntax::ast::{BinaryOp, Expr, ExprKind, Path, SegmentKind, UnaryOp};

/// Words the expression language reserves: a field with such a name is written `${name}`.
pub const RESERVED: &[&str] = &[
    "new", "mod", "or", "break", "var", "lt", "for", "false", "while", "eq", "gt", "div", "not", "null", "continue",
    "else", "and", "ne", "true", "le", "if", "ge", "return", "_errors", "do", "function", "empty", "size",
];

/// What an expression evaluates to, as far as flowc can tell.
#[derive(Clone, Debug, PartialEq)]
pub struct Typed {
    pub ty: Type,
    /// The XDM type a source column is read as, when the expression is that column.
    pub xdm: Option<String>,
    /// How many levels of `[*]` of source arrays the expression reads (0: none).
    pub each: usize,
}

impl Typed {
    fn of(ty: Type) -> Typed {
        Typed { ty, xdm: None, each: 0 }
    }
}

/// The least type both values fit: `null` fits anything, integers widen to numbers.
pub fn join(a: &Type, b: &Type) -> Type {
    match (a, b) {
        (x, y) if x == y => x.clone(),
        (Type::Null, other) | (other, Type::Null) => other.clone(),
        (Type::Integer, Type::Number) | (Type::Number, Type::Integer) => Type::Number,
        (Type::Array(x), Type::Array(y)) => Type::array_of(join(x, y)),
        _ => Type::Any,
    }
}

/// Whether an argument of type `arg` can be passed where `param` is expected. Only clear
/// mismatches are refused: the platform converts scalars freely.
fn accepts(param: &Type, arg: &Type) -> bool {
    let scalar = |t: &Type| matches!(t, Type::String | Type::Integer | Type::Number | Type::Boolean | Type::DateTime);
    match (param, arg) {
        (Type::Any, _) | (_, Type::Any) | (_, Type::Null) | (Type::SameAs(_), _) => true,
        (p, a) if p == a => true,
        (Type::Array(_), Type::Array(_)) => true,
        (Type::Object | Type::Map, Type::Object | Type::Map) => true,
        (Type::Json, Type::Object | Type::Map | Type::Array(_)) => true,
        (Type::Object | Type::Map | Type::Array(_), Type::Json) => true,
        (Type::Integer | Type::Number, Type::Integer | Type::Number) => true,
        (Type::String, a) => scalar(a),
        (Type::DateTime, Type::String | Type::Integer) => true,
        (Type::Integer | Type::Number | Type::Boolean, Type::String) => true,
        _ => false,
    }
}

pub struct Typer<'a> {
    pub catalog: &'a Catalog,
    /// `None` when the source columns are unknown: source paths are not checked.
    pub source: Option<&'a SourceModel>,
    pub src: &'a str,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl Typer<'_> {
    /// The right-hand side of a mapping entry. A bare path is sent as an `ATTRIBUTE` source,
    /// which the platform reads as a field path and not as an expression, so a function name
    /// is a field name there (Adobe's Marketo template maps `timestamp` to `timestamp`);
    /// keywords stay reserved everywhere.
    pub fn entry(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::Path(path) => self.path(path, false),
            _ => self.expr(e),
        }
    }

    pub fn expr(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::String(_) => Typed::of(Type::String),
            ExprKind::Number(n) => Typed::of(if n.contains(['.', 'e', 'E']) { Type::Number } else { Type::Integer }),
            ExprKind::Bool(_) => Typed::of(Type::Boolean),
            ExprKind::Null => Typed::of(Type::Null),
            ExprKind::Array(items) => {
                let mut element = Type::Null;
                let mut each = 0;
                for item in items {
                    let t = self.expr(item);
                    element = join(&element, &t.ty);
                    each = each.max(t.each);
                }
                Typed { ty: Type::array_of(if element == Type::Null { Type::Any } else { element }), xdm: None, each }
            }
            ExprKind::Path(path) => self.path(path, true),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Call { name, args } => {
                let typed: Vec<Typed> = args.iter().map(|a| self.expr(a)).collect();
                let args: Vec<&Expr> = args.iter().collect();
                match self.catalog.get(&name.value).filter(|f| f.callable_as_function()) {
                    Some(function) => self.call(function, name.span, &args, &typed, false),
                    None => {
                        self.unknown_function(&name.value, name.span, false);
                        Typed { ty: Type::Any, xdm: None, each: typed.iter().map(|t| t.each).max().unwrap_or(0) }
                    }
                }
            }
            ExprKind::Method { receiver, name, args } => {
                let mut all: Vec<&Expr> = vec![receiver];
                all.extend(args.iter());
                let typed: Vec<Typed> = all.iter().map(|a| self.expr(a)).collect();
                match self.catalog.get(&name.value).filter(|f| f.method) {
                    Some(function) => self.call(function, name.span, &all, &typed, true),
                    None => {
                        self.unknown_function(&name.value, name.span, true);
                        Typed::of(Type::Any)
                    }
                }
            }
            ExprKind::Member { object, .. } => {
                let t = self.expr(object);
                Typed { ty: Type::Any, xdm: None, each: t.each }
            }
            ExprKind::Index { object, index } => {
                let t = self.expr(object);
                self.expr(index);
                let ty = t.ty.element().cloned().unwrap_or(Type::Any);
                Typed { ty, xdm: None, each: t.each }
            }
            ExprKind::Unary { op, operand } => {
                let t = self.expr(operand);
                let ty = match op.value {
                    UnaryOp::Not => Type::Boolean,
                    UnaryOp::BitNot => Type::Integer,
                    UnaryOp::Neg | UnaryOp::Plus => match t.ty {
                        Type::Integer | Type::Number => t.ty.clone(),
                        _ => Type::Number,
                    },
                };
                Typed { ty, xdm: None, each: t.each }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = (self.expr(lhs), self.expr(rhs));
                let each = l.each.max(r.each);
                use BinaryOp::*;
                let numeric = |l: &Type, r: &Type| match (l, r) {
                    (Type::Integer, Type::Integer) => Type::Integer,
                    _ => Type::Number,
                };
                let ty = match op.value {
                    Or | And | Eq | Ne | Match | NotMatch | Lt | Le | Gt | Ge => Type::Boolean,
                    BitOr | BitXor | BitAnd => Type::Integer,
                    Add if l.ty == Type::String || r.ty == Type::String => Type::String,
                    Add if l.ty == Type::Any || r.ty == Type::Any => Type::Any,
                    Add | Sub | Mul | Div | Mod => numeric(&l.ty, &r.ty),
                };
                Typed { ty, xdm: None, each }
            }
            ExprKind::Ternary { condition, then, otherwise } => {
                let c = self.expr(condition);
                let (t, o) = (self.expr(then), self.expr(otherwise));
                Typed { ty: join(&t.ty, &o.ty), xdm: None, each: c.each.max(t.each).max(o.each) }
            }
        }
    }

    /// A source path; `in_expression` when the expression language parses it, where function
    /// names are reserved too.
    fn path(&mut self, path: &Path, in_expression: bool) -> Typed {
        let each = path.segments.iter().filter(|s| matches!(s.kind, SegmentKind::Each)).count();
        for segment in &path.segments {
            if let SegmentKind::Field { name, quoted: false } = &segment.kind {
                let reserved = RESERVED.contains(&name.as_str());
                if reserved || (in_expression && self.catalog.get(name).is_some()) {
                    let why = if reserved { "a reserved word" } else { "the name of a function" };
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::ReservedWord,
                            segment.span,
                            format!("`{name}` is {why} of the expression language"),
                        )
                        .with_label("must be quoted")
                        .with_help(format!("write the field as `${{{name}}}`")),
                    );
                }
            }
        }
        let Some(source) = self.source else {
            return Typed { ty: Type::Any, xdm: None, each };
        };
        if let Some(field) = source.lookup(path) {
            return Typed { ty: field.ty.clone(), xdm: field.xdm.clone(), each };
        }
        let key = crate::source::path_key(path);
        let nearest = source.nearest(&key, 3);
        let mut d =
            Diagnostic::new(Code::UnknownSourceField, path.span, format!("unknown source field `{}`", path.display()))
                .with_label("not a column of the source");
        if let Some(best) = nearest.first() {
            let needs_quoting = best.contains(|c: char| c.is_whitespace() || "-/+*()".contains(c));
            let shown = if needs_quoting { format!("${{{best}}}") } else { (*best).to_owned() };
            d = d.with_help(format!("did you mean `{shown}`?"));
        }
        let listed: Vec<String> = source.fields().iter().take(6).map(|f| format!("`{}`", f.key)).collect();
        let more = source.fields().len().saturating_sub(listed.len());
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        d = d.with_note(format!("source fields: {}{more}", listed.join(", ")));
        self.diagnostics.push(d);
        Typed { ty: Type::Any, xdm: None, each }
    }

    fn unknown_function(&mut self, name: &str, span: Span, method: bool) {
        let what = if method { "method" } else { "function" };
        let mut d = Diagnostic::new(Code::UnknownFunction, span, format!("unknown {what} `{name}`"))
            .with_label(format!("not a Data Prep {what}"));
        if let Some(near) = self.catalog.suggest(name) {
            d = d.with_help(format!("did you mean `{near}`?"));
        } else {
            d = d.with_help("`flowc functions list` lists the functions");
        }
        self.diagnostics.push(d);
    }

    /// Checks a call's arity, argument types, availability and special arguments; returns
    /// its result type.
    fn call(&mut self, function: &Function, name_span: Span, args: &[&Expr], typed: &[Typed], method: bool) -> Typed {
        let each = typed.iter().map(|t| t.each).max().unwrap_or(0);
        let shown = |n: usize| if method { n.saturating_sub(1) } else { n };
        let candidates = function.signatures_for_arity(args.len());
        if candidates.is_empty() {
            let forms: Vec<String> =
                function.signatures.iter().map(|s| format!("`{}{}`", function.name, s.display_params())).collect();
            let (min, max) = (function.min_args(), function.max_args());
            let expected = match max {
                Some(max) if max == min => format!("{}", shown(min)),
                Some(max) => format!("{} to {}", shown(min), shown(max)),
                None => format!("at least {}", shown(min)),
            };
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let span = args.last().map_or(name_span, |a| name_span.to(a.span));
            self.diagnostics.push(
                Diagnostic::new(
                    Code::WrongArity,
                    span,
                    format!(
                        "`{}` takes {expected} argument{}, but {} {} given",
                        function.name,
                        plural(max.unwrap_or(2)),
                        shown(args.len()),
                        if shown(args.len()) == 1 { "was" } else { "were" }
                    ),
                )
                .with_label(format!("{} argument{}", shown(args.len()), plural(shown(args.len()))))
                .with_note(format!("signature{}: {}", plural(forms.len()), forms.join(", "))),
            );
            return Typed { ty: Type::Any, xdm: None, each };
        }
        // The first overload whose parameters accept the arguments; else report against the first.
        let fits = |s: &Signature| {
            typed.iter().enumerate().all(|(i, t)| s.param_for_arg(i).is_none_or(|p| accepts(&p.ty, &t.ty)))
        };
        let signature = candidates.iter().copied().find(|s| fits(s)).unwrap_or(candidates[0]);
        for (i, (arg, t)) in args.iter().zip(typed).enumerate() {
            let Some(param) = signature.param_for_arg(i) else { continue };
            if !accepts(&param.ty, &t.ty) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::WrongArgumentType,
                        arg.span,
                        format!(
                            "argument {} of `{}` must be {}, but this is {}",
                            shown(i + 1).max(1),
                            function.name,
                            article(&param.ty),
                            article(&t.ty)
                        ),
                    )
                    .with_label(format!("{}", t.ty))
                    .with_note(format!("`{}{}`", function.name, signature.display_params())),
                );
            } else {
                self.converted_argument(function, signature, shown(i + 1).max(1), arg, t, &param.ty);
            }
            if let ExprKind::Path(path) = &arg.kind
                && path.has_each()
            {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::FunctionOnEachPath,
                        arg.span,
                        format!("`{}` is applied to the `[*]` path `{}`", function.name, path.display()),
                    )
                    .with_label("a `[*]` path")
                    .with_help("the platform's expression parser rejects a function on `[*]`: map the array element by element, or pass the whole array (without `[*]`) to an array function"),
                );
            }
            self.special_argument(function, &param.name, arg);
        }
        self.availability(function, name_span);
        let ty = if function.result_joins.is_empty() {
            signature.returns.clone()
        } else {
            let mut joined = Type::Null;
            for (i, t) in typed.iter().enumerate() {
                let Some(param) = signature.param_for_arg(i) else { continue };
                if function.result_joins.contains(&param.name) {
                    // One array given where values are joined (`first(items)`): its elements are.
                    let single_array = param.variadic && typed.len() == 1 + usize::from(method);
                    let t = match (&param.ty, &t.ty) {
                        (Type::Array(_), Type::Array(element)) if !param.variadic => (**element).clone(),
                        (_, Type::Array(element)) if single_array => (**element).clone(),
                        _ => t.ty.clone(),
                    };
                    joined = join(&joined, &t);
                }
            }
            if joined == Type::Null { Type::Any } else { joined }
        };
        Typed { ty, xdm: None, each }
    }

    /// An argument the platform converts to its parameter's type at run time, and may null:
    /// a warning with the explicit conversion, by the rules of a destination of that type. A
    /// string constant is taken as written.
    fn converted_argument(
        &mut self,
        function: &Function,
        signature: &Signature,
        position: usize,
        arg: &Expr,
        t: &Typed,
        param: &Type,
    ) {
        use flowc_schema::XdmType as X;
        let target = match param {
            Type::Integer => X::Int,
            Type::Number => X::Number,
            Type::Boolean => X::Boolean,
            Type::DateTime => X::DateTime,
            _ => return,
        };
        if matches!(arg.kind, ExprKind::String(_)) {
            return;
        }
        let Some(problem) = crate::mapping::conversion(t, target, "") else { return };
        if !problem.lossy {
            return;
        }
        let text = &self.src[arg.span.start..arg.span.end];
        let mut d = Diagnostic::new(
            Code::WrongArgumentType,
            arg.span,
            format!(
                "argument {position} of `{}` is {}, but this is {}: it is converted at run time",
                function.name,
                article(param),
                article(&t.ty)
            ),
        )
        .with_severity(Severity::Warning)
        .with_label(problem.label)
        .with_note(format!("`{}{}`", function.name, signature.display_params()));
        if let Some(fix) = problem.fix {
            d = d.with_help(fix.replace("{x}", text));
        }
        if let Some(note) = problem.note {
            let note = note
                .replace(
                    "sets the field to null during ingestion; a required field left null rejects the row",
                    "passes null to the function",
                )
                .replace("nulls the field", "passes null");
            d = d.with_note(note);
        }
        self.diagnostics.push(d);
    }

    fn availability(&mut self, function: &Function, span: Span) {
        let (why, severity) = match function.availability {
            Availability::All => return,
            Availability::DestinationsOnly => ("only in destination dataflows", Severity::Error),
            Availability::AnalyticsOnly => ("only in Adobe Analytics source dataflows", Severity::Error),
            Availability::ProfileUpsertOnly => ("only in profile update (upsert) dataflows", Severity::Warning),
        };
        self.diagnostics.push(
            Diagnostic::new(Code::UnavailableFunction, span, format!("`{}` is available {why}", function.name))
                .with_severity(severity)
                .with_label(format!("not available in this dataflow ({})", function.availability.as_str()))
                .with_help(
                    "this file describes a source dataflow into the data lake; the platform rejects the mapping",
                ),
        );
    }

    /// Constant regexes and Java date patterns are checked where they are written.
    fn special_argument(&mut self, function: &Function, param: &str, arg: &Expr) {
        let ExprKind::String(text) = &arg.kind else { return };
        let problems: Vec<PatternProblem> = match param {
            "REGEX" => patterns::check_java_regex(text).into_iter().collect(),
            "FORMAT" => patterns::check_java_date_pattern(text),
            _ => return,
        };
        let raw = &self.src[arg.span.start..arg.span.end];
        for p in problems {
            // Without escapes the literal's text maps byte for byte after its opening quote.
            let span = if raw.contains('\\') {
                arg.span
            } else {
                Span::new(arg.span.start + 1 + p.start, arg.span.start + 1 + p.end.max(p.start))
            };
            let (code, what) = match (param, p.severity) {
                ("REGEX", _) => (Code::InvalidRegex, "regular expression"),
                (_, Severity::Error) => (Code::InvalidDatePattern, "date pattern"),
                _ => (Code::SuspiciousDatePattern, "date pattern"),
            };
            let mut d = Diagnostic::new(code, span, format!("{}: {}", what_of(function, what), p.message))
                .with_severity(p.severity)
                .with_label(p.message.clone());
            if let Some(help) = p.help {
                d = d.with_help(help);
            }
            self.diagnostics.push(d);
        }
    }
}

fn what_of(function: &Function, what: &str) -> String {
    format!("the {what} of `{}`", function.name)
}

/// The value's type for messages: a source column's XDM width (`a long`) when known.
pub fn describe(typed: &Typed) -> String {
    match (&typed.ty, typed.xdm.as_deref().and_then(flowc_schema::XdmType::parse)) {
        (Type::Integer, Some(x)) if x.is_integer() => article_xdm(x),
        (ty, _) => article(ty),
    }
}

/// `a string`, `an integer`, `an array<string>`.
pub fn article(ty: &Type) -> String {
    if *ty == Type::Json {
        return "parsed JSON (an object or an array)".into();
    }
    let text = ty.to_string();
    let vowel = text.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {text}", if vowel { "an" } else { "a" })
}

/// `a string`, `an int`, `a date-time` for XDM types.
pub fn article_xdm(t: flowc_schema::XdmType) -> String {
    let text = t.as_str();
    let vowel = text.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {text}", if vowel { "an" } else { "a" })
}
