//! The Data Prep function catalog as data.
//!
//! `catalog/functions.json` lists every mapping function of Adobe Experience Platform's Data
//! Prep (see `catalog/SOURCE.md` for where the signatures come from): its category, where it
//! may be used, its overloads with parameter and return types, and documented examples. It is
//! embedded in the binary and parsed once ([`Catalog::builtin`]).
//!
//! [`Catalog::import_api`] reads what `GET /languages/el/functions` returns, so the table can
//! be refreshed from a live sandbox, and [`Catalog::merge_into`] folds such an import into the
//! curated file without losing its descriptions, examples and availability.
//!
//! ```
//! use flowc_check::catalog::{Catalog, Type};
//!
//! let catalog = Catalog::builtin();
//! let sha256 = catalog.get("sha256").unwrap();
//! assert_eq!(sha256.signatures_for_arity(2).len(), 1);
//! assert!(sha256.signatures_for_arity(3).is_empty());
//! assert_eq!(sha256.signatures[0].returns, Type::String);
//! assert_eq!(catalog.suggest("sha265"), Some("sha256"));
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The curated catalog, embedded at build time.
pub const BUILTIN_JSON: &str = include_str!("../catalog/functions.json");

// ---------------------------------------------------------------------------------------------
// Types of the file
// ---------------------------------------------------------------------------------------------

/// The value types the catalog speaks of.
///
/// Written in the file as `string`, `integer` (whole numbers: Java int, long, BigInteger),
/// `number` (any numeric, including decimal and double), `boolean`, `datetime` (a date/time
/// value such as `now()` returns), `object`, `map`, `json` (parsed JSON of unknown shape, an
/// object or an array), `array` (an array of anything),
/// `array<T>`, `any`, `null`, and — in a signature's `returns` only — `same-as:PARAM`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    DateTime,
    Object,
    Map,
    /// Parsed JSON of unknown shape, an object or an array (`json_to_object`'s result): it
    /// fits a destination of either kind.
    Json,
    /// `array` is `Array(Any)`; `array<string>` is `Array(String)`.
    Array(Box<Type>),
    Any,
    Null,
    /// The result has the type of the named parameter (`same-as:ARRAY`).
    SameAs(String),
}

impl Type {
    /// An array of any element type (`array`).
    pub fn any_array() -> Type {
        Type::Array(Box::new(Type::Any))
    }

    pub fn array_of(element: Type) -> Type {
        Type::Array(Box::new(element))
    }

    /// The element type of an array type.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::Array(element) => Some(element),
            _ => None,
        }
    }

    pub fn is_any(&self) -> bool {
        matches!(self, Type::Any)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Integer => f.write_str("integer"),
            Type::Number => f.write_str("number"),
            Type::Boolean => f.write_str("boolean"),
            Type::DateTime => f.write_str("datetime"),
            Type::Object => f.write_str("object"),
            Type::Map => f.write_str("map"),
            Type::Json => f.write_str("json"),
            Type::Array(element) if element.is_any() => f.write_str("array"),
            Type::Array(element) => write!(f, "array<{element}>"),
            Type::Any => f.write_str("any"),
            Type::Null => f.write_str("null"),
            Type::SameAs(param) => write!(f, "same-as:{param}"),
        }
    }
}

impl FromStr for Type {
    type Err = String;

    fn from_str(text: &str) -> Result<Type, String> {
        let t = text.trim();
        if let Some(param) = t.strip_prefix("same-as:") {
            let param = param.trim();
            if param.is_empty() {
                return Err("`same-as:` needs a parameter name".to_owned());
            }
            return Ok(Type::SameAs(param.to_owned()));
        }
        if let Some(inner) = t.strip_prefix("array<").and_then(|r| r.strip_suffix('>')) {
            let element: Type = inner.parse()?;
            if matches!(element, Type::SameAs(_)) {
                return Err(format!("`{t}`: `same-as:` cannot be an element type"));
            }
            return Ok(Type::array_of(element));
        }
        Ok(match t {
            "string" => Type::String,
            "integer" => Type::Integer,
            "number" => Type::Number,
            "boolean" => Type::Boolean,
            "datetime" => Type::DateTime,
            "object" => Type::Object,
            "map" => Type::Map,
            "json" => Type::Json,
            "array" => Type::any_array(),
            "any" => Type::Any,
            "null" => Type::Null,
            _ => {
                return Err(format!(
                    "unknown type `{t}`: expected string, integer, number, boolean, datetime, object, \
                     map, json, array, array<T>, any, null or same-as:PARAM"
                ));
            }
        })
    }
}

impl Serialize for Type {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Type {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Type, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The documentation's function categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    String,
    Regex,
    Hashing,
    Url,
    DateTime,
    Object,
    Array,
    Map,
    Logical,
    Aggregation,
    Conversion,
    Json,
    Special,
    UserAgent,
    Analytics,
    Destination,
}

impl Category {
    pub const ALL: [Category; 16] = [
        Category::String,
        Category::Regex,
        Category::Hashing,
        Category::Url,
        Category::DateTime,
        Category::Object,
        Category::Array,
        Category::Map,
        Category::Logical,
        Category::Aggregation,
        Category::Conversion,
        Category::Json,
        Category::Special,
        Category::UserAgent,
        Category::Analytics,
        Category::Destination,
    ];

    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::String => "string",
            Category::Regex => "regex",
            Category::Hashing => "hashing",
            Category::Url => "url",
            Category::DateTime => "datetime",
            Category::Object => "object",
            Category::Array => "array",
            Category::Map => "map",
            Category::Logical => "logical",
            Category::Aggregation => "aggregation",
            Category::Conversion => "conversion",
            Category::Json => "json",
            Category::Special => "special",
            Category::UserAgent => "useragent",
            Category::Analytics => "analytics",
            Category::Destination => "destination",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(text: &str) -> Result<Category, String> {
        Category::ALL.into_iter().find(|c| c.as_str() == text).ok_or_else(|| format!("unknown category `{text}`"))
    }
}

/// Where a function may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Availability {
    /// In every mapping.
    All,
    /// Only in the mappings of destination (export) dataflows.
    DestinationsOnly,
    /// Only in Adobe Analytics and Web SDK dataflows.
    AnalyticsOnly,
    /// Only meaningful when a row updates a Profile (partial row updates); on an insert the
    /// function returns its input unchanged.
    ProfileUpsertOnly,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::All => "all",
            Availability::DestinationsOnly => "destinations-only",
            Availability::AnalyticsOnly => "analytics-only",
            Availability::ProfileUpsertOnly => "profile-upsert-only",
        }
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One function (or method) of the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    /// Case-sensitive, as written in an expression.
    pub name: String,
    pub category: Category,
    pub availability: Availability,
    pub description: String,
    /// May be written as a method on its first argument: `"a".equals(b)` is `equals("a", b)`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub method: bool,
    /// Only the method form exists (`str_to_object(s).get("k")`; there is no `get(o, "k")`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub method_only: bool,
    /// The result's type is the join of these parameters' argument types (`iif`'s two
    /// branches, `coalesce`'s values); the signatures then return `any`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub result_joins: Vec<String>,
    /// What other languages call it (Java's `String.matches` is `matches_regex` here): an
    /// unknown function or method of one of these names is pointed to this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_as: Vec<String>,
    /// The overloads.
    pub signatures: Vec<Signature>,
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// One overload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub params: Vec<Param>,
    pub returns: Type,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    /// May be left out (only trailing parameters are optional).
    #[serde(default)]
    pub optional: bool,
    /// Takes any number of arguments (only the last parameter). A variadic parameter that is
    /// not optional takes at least one; its type is each argument's type.
    #[serde(default)]
    pub variadic: bool,
}

/// A documented (or documented-then-corrected, see `note`) example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// A Data Prep expression.
    pub expression: String,
    /// The result, as text.
    pub result: String,
    /// The source row the expression reads, where it reads fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<serde_json::Value>,
    /// How this example differs from the documentation's, or what to know about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// False where the expression uses syntax flowc does not parse (the destinations-only
    /// lambdas `x -> x > 0`).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub flowc_parses: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

// ---------------------------------------------------------------------------------------------
// Arity
// ---------------------------------------------------------------------------------------------

impl Signature {
    /// The fewest arguments a call needs.
    pub fn min_args(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }

    /// The most arguments a call may pass; `None` when the last parameter is variadic.
    pub fn max_args(&self) -> Option<usize> {
        if self.params.iter().any(|p| p.variadic) { None } else { Some(self.params.len()) }
    }

    pub fn accepts_arity(&self, n: usize) -> bool {
        n >= self.min_args() && self.max_args().is_none_or(|max| n <= max)
    }

    /// The parameter that the argument at `index` (0-based) binds to: a variadic last
    /// parameter takes every argument from its position on.
    pub fn param_for_arg(&self, index: usize) -> Option<&Param> {
        match self.params.get(index) {
            Some(p) => Some(p),
            None => self.params.last().filter(|p| p.variadic),
        }
    }

    /// `(STRING, CHARSET?)`, `(INCLUDE_NULLS, VALUES...)`: for messages.
    pub fn display_params(&self) -> String {
        let parts: Vec<String> = self
            .params
            .iter()
            .map(|p| {
                let mut s = format!("{}: {}", p.name, p.ty);
                if p.variadic {
                    s.push_str("...");
                }
                if p.optional {
                    s.push('?');
                }
                s
            })
            .collect();
        format!("({})", parts.join(", "))
    }
}

impl Function {
    /// The overloads a call with `n` arguments may use (a method call counts its receiver).
    pub fn signatures_for_arity(&self, n: usize) -> Vec<&Signature> {
        self.signatures.iter().filter(|s| s.accepts_arity(n)).collect()
    }

    pub fn accepts_arity(&self, n: usize) -> bool {
        self.signatures.iter().any(|s| s.accepts_arity(n))
    }

    /// The fewest arguments any overload needs.
    pub fn min_args(&self) -> usize {
        self.signatures.iter().map(Signature::min_args).min().unwrap_or(0)
    }

    /// The most arguments any overload takes; `None` if one is variadic.
    pub fn max_args(&self) -> Option<usize> {
        self.signatures.iter().map(Signature::max_args).try_fold(0, |acc, m| m.map(|m| acc.max(m)))
    }

    /// Whether the call form `name(args)` exists.
    pub fn callable_as_function(&self) -> bool {
        !self.method_only
    }
}

// ---------------------------------------------------------------------------------------------
// The catalog
// ---------------------------------------------------------------------------------------------

/// A function catalog: the functions, indexed by name.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    functions: Vec<Function>,
    index: HashMap<String, usize>,
}

/// The file's shape.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    functions: Vec<Function>,
}

impl PartialEq for Catalog {
    fn eq(&self, other: &Catalog) -> bool {
        self.functions == other.functions
    }
}

impl Catalog {
    /// The embedded `catalog/functions.json`, parsed on first use.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Catalog::from_json(BUILTIN_JSON).unwrap_or_else(|e| panic!("catalog/functions.json is invalid: {e}"))
        })
    }

    /// Builds a catalog; names must be unique.
    pub fn new(functions: Vec<Function>) -> Result<Catalog, String> {
        let mut index = HashMap::with_capacity(functions.len());
        for (i, f) in functions.iter().enumerate() {
            if index.insert(f.name.clone(), i).is_some() {
                return Err(format!("function `{}` is listed twice", f.name));
            }
        }
        Ok(Catalog { functions, index })
    }

    /// Reads the catalog file format (`{"functions": [...]}`).
    pub fn from_json(json: &str) -> Result<Catalog, String> {
        let file: CatalogFile = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Catalog::new(file.functions)
    }

    /// The file format, functions sorted by name, two-space indented, ending in a newline.
    pub fn to_json_pretty(&self) -> String {
        let mut functions = self.functions.clone();
        functions.sort_by(|a, b| a.name.cmp(&b.name));
        let mut text = serde_json::to_string_pretty(&CatalogFile { functions }).expect("a catalog always serializes");
        text.push('\n');
        text
    }

    /// Case-sensitive lookup.
    pub fn get(&self, name: &str) -> Option<&Function> {
        self.index.get(name).map(|&i| &self.functions[i])
    }

    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    pub fn len(&self) -> usize {
        self.functions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    /// The closest function name, for "did you mean": first a name equal but for case and
    /// underscores (`toInteger` → `to_integer`, `Upper` → `upper`), else the nearest by
    /// Damerau-Levenshtein distance on lower-cased names within a limit that grows with the
    /// name's length. `None` for a known name or when nothing is close.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        if self.index.contains_key(name) {
            return None;
        }
        let folded = fold(name);
        let mut same: Vec<&str> =
            self.functions.iter().filter(|f| fold(&f.name) == folded).map(|f| f.name.as_str()).collect();
        same.sort_unstable();
        if let Some(first) = same.first() {
            return Some(first);
        }
        if let Some(f) = self.functions.iter().find(|f| f.known_as.iter().any(|k| k == name)) {
            return Some(&f.name);
        }
        let lower = name.to_lowercase();
        let limit = match lower.chars().count() {
            0 => return None,
            1..=3 => 1,
            4..=7 => 2,
            _ => 3,
        };
        self.functions
            .iter()
            .map(|f| (strsim::damerau_levenshtein(&lower, &f.name.to_lowercase()), f.name.as_str()))
            .filter(|&(d, _)| d <= limit)
            .min()
            .map(|(_, n)| n)
    }

    /// Every rule the file format promises, as messages (empty when all hold): a description
    /// and at least one signature per function; unique parameter names; optional parameters
    /// only at the end; at most one variadic parameter and only the last; `same-as:` only in
    /// `returns` and naming a parameter of that signature; `result_joins` naming parameters of
    /// every signature, whose `returns` is then `any`; a method takes its receiver as a first
    /// parameter.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for f in &self.functions {
            let at = |what: String| format!("{}: {what}", f.name);
            if f.name.is_empty() {
                problems.push("a function has an empty name".to_owned());
            }
            if f.description.trim().is_empty() {
                problems.push(at("no description".to_owned()));
            }
            if f.signatures.is_empty() {
                problems.push(at("no signature".to_owned()));
            }
            if f.method_only && !f.method {
                problems.push(at("`method_only` without `method`".to_owned()));
            }
            for (si, sig) in f.signatures.iter().enumerate() {
                let at = |what: String| format!("{} signature {}: {what}", f.name, si + 1);
                let mut names = HashSet::new();
                let mut seen_optional = false;
                for (pi, p) in sig.params.iter().enumerate() {
                    if !names.insert(p.name.as_str()) {
                        problems.push(at(format!("parameter `{}` is listed twice", p.name)));
                    }
                    if p.name.is_empty() {
                        problems.push(at(format!("parameter {} has no name", pi + 1)));
                    }
                    if seen_optional && !p.optional {
                        problems.push(at(format!("required parameter `{}` after an optional one", p.name)));
                    }
                    seen_optional |= p.optional;
                    if p.variadic && pi + 1 != sig.params.len() {
                        problems.push(at(format!("variadic parameter `{}` is not the last", p.name)));
                    }
                    if contains_same_as(&p.ty) {
                        problems.push(at(format!("parameter `{}` has a `same-as:` type", p.name)));
                    }
                }
                if let Type::SameAs(target) = &sig.returns
                    && !names.contains(target.as_str())
                {
                    problems.push(at(format!("returns `same-as:{target}`, which is not a parameter")));
                }
                if !f.result_joins.is_empty() && !sig.returns.is_any() {
                    problems.push(at(format!("has `result_joins` but returns `{}`, not `any`", sig.returns)));
                }
                for joined in &f.result_joins {
                    if !names.contains(joined.as_str()) {
                        problems.push(at(format!("`result_joins` names `{joined}`, which is not a parameter")));
                    }
                }
                if f.method && sig.params.is_empty() {
                    problems.push(at("a method needs its receiver as first parameter".to_owned()));
                }
            }
            for (i, a) in f.signatures.iter().enumerate() {
                for b in &f.signatures[i + 1..] {
                    if a.params.len() == b.params.len()
                        && a.params.iter().zip(&b.params).all(|(x, y)| x.ty == y.ty && x.variadic == y.variadic)
                    {
                        problems.push(at(format!("two signatures take {}", a.display_params())));
                    }
                }
            }
        }
        problems
    }
}

fn contains_same_as(ty: &Type) -> bool {
    match ty {
        Type::SameAs(_) => true,
        Type::Array(element) => contains_same_as(element),
        _ => false,
    }
}

/// Lower case, without underscores.
fn fold(name: &str) -> String {
    name.chars().filter(|&c| c != '_').flat_map(char::to_lowercase).collect()
}

// ---------------------------------------------------------------------------------------------
// Import of `GET /languages/el/functions`
// ---------------------------------------------------------------------------------------------

impl Catalog {
    /// Reads the response of `GET /languages/el/functions`: a list of
    /// `{category, function, description, syntax, returnType, example, result,
    /// params: [{name, dataType, position}], since}`, bare or under `"functions"` or `"items"`.
    ///
    /// - The platform's (Java) type names map onto the catalog's types; fully qualified names
    ///   (`java.lang.String`), JVM array descriptors (`[Ljava.lang.Object;`), `T[]`, generics
    ///   (`List<String>`, `Map<String, Object>`) and type variables (`T`) are understood; an
    ///   unknown name becomes `any` with a warning naming the function.
    /// - Parameters are ordered by `position`. A parameter is variadic when its `dataType` ends
    ///   in `...` or the `syntax` (`T first(T...)`) writes it so; a variadic array parameter
    ///   takes the element type.
    /// - Where `params` is empty but the `syntax` lists parameter types, they are taken from
    ///   the syntax (named `arg1`, `arg2`, ...), with a warning.
    /// - Several entries of one name are overloads; an overload that is a prefix of a longer
    ///   one with the same return type folds into it as optional trailing parameters.
    /// - The API has no availability: `aa_*` and the Analytics category are analytics-only,
    ///   `upsert_*` profile-upsert-only, the destinations category destinations-only.
    pub fn import_api(json: &str) -> Result<(Catalog, Vec<String>), String> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format!("the response is not JSON: {e}"))?;
        let items = match &value {
            serde_json::Value::Array(items) => items,
            serde_json::Value::Object(map) => match map.get("functions").or_else(|| map.get("items")) {
                Some(serde_json::Value::Array(items)) => items,
                _ => return Err(API_SHAPE.to_owned()),
            },
            _ => return Err(API_SHAPE.to_owned()),
        };
        let mut warnings = Vec::new();
        let mut functions: Vec<Function> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let Some(entry) = item.as_object() else {
                warnings.push(format!("item {}: not an object; skipped", i + 1));
                continue;
            };
            let name = text_field(entry, "function").or_else(|| text_field(entry, "name"));
            let Some(name) = name else {
                warnings.push(format!("item {}: no `function` name; skipped", i + 1));
                continue;
            };
            let signature = import_signature(&name, entry, &mut warnings);
            if let Some(&at) = by_name.get(&name) {
                let f: &mut Function = &mut functions[at];
                if !f.signatures.contains(&signature) {
                    f.signatures.push(signature);
                }
                if f.examples.is_empty() {
                    f.examples.extend(import_example(entry));
                }
                continue;
            }
            let category = match text_field(entry, "category") {
                Some(raw) => api_category(&raw).unwrap_or_else(|| {
                    warnings.push(format!("{name}: unknown category `{raw}`; filed under special"));
                    Category::Special
                }),
                None => {
                    warnings.push(format!("{name}: no category; filed under special"));
                    Category::Special
                }
            };
            let availability = if name.starts_with("aa_") || category == Category::Analytics {
                Availability::AnalyticsOnly
            } else if name.starts_with("upsert_") {
                Availability::ProfileUpsertOnly
            } else if category == Category::Destination {
                Availability::DestinationsOnly
            } else {
                Availability::All
            };
            let description = text_field(entry, "description")
                .unwrap_or_else(|| "Imported from GET /languages/el/functions, which gave no description.".to_owned());
            by_name.insert(name.clone(), functions.len());
            functions.push(Function {
                name,
                category,
                availability,
                description,
                method: false,
                method_only: false,
                result_joins: Vec::new(),
                known_as: Vec::new(),
                signatures: vec![signature],
                examples: import_example(entry).into_iter().collect(),
            });
        }
        for f in &mut functions {
            f.signatures = collapse_overloads(std::mem::take(&mut f.signatures));
        }
        functions.sort_by(|a, b| a.name.cmp(&b.name));
        let catalog = Catalog::new(functions)?;
        Ok((catalog, warnings))
    }

    /// This (imported) catalog folded into `existing`: every function of `existing` stays;
    /// one that is in both keeps its category, availability, description, examples, method
    /// flags and `result_joins` from `existing` and takes its signatures from the import,
    /// except that, matched by parameter count with an existing overload, parameter names
    /// and optional flags come from `existing`, and an imported `any` (a parameter or the
    /// return) keeps the existing, more precise type. Functions only in the import are added.
    pub fn merge_into(&self, existing: &Catalog) -> Catalog {
        let mut functions = existing.functions.clone();
        for imported in &self.functions {
            match existing.index.get(&imported.name) {
                Some(&at) => functions[at] = merge_function(&existing.functions[at], imported),
                None => functions.push(imported.clone()),
            }
        }
        functions.sort_by(|a, b| a.name.cmp(&b.name));
        Catalog::new(functions).expect("names are unique in both catalogs")
    }
}

const API_SHAPE: &str =
    "expected a list of functions, or an object with a `functions` or `items` list (GET /languages/el/functions)";

fn text_field(entry: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<String> {
    entry.get(key).and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn import_example(entry: &serde_json::Map<String, serde_json::Value>) -> Option<Example> {
    let expression = text_field(entry, "example")?;
    let result = match entry.get("result") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    Some(Example { expression, result, input: None, note: None, flowc_parses: true })
}

/// The catalog category of an API category such as `Date / Time` or `Hierarchies - Arrays`.
fn api_category(raw: &str) -> Option<Category> {
    let c: String = raw.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    let has = |s: &str| c.contains(s);
    Some(if has("useragent") {
        Category::UserAgent
    } else if has("analytics") {
        Category::Analytics
    } else if has("destination") {
        Category::Destination
    } else if has("regex") || has("regular") {
        Category::Regex
    } else if has("hash") {
        Category::Hashing
    } else if has("url") {
        Category::Url
    } else if has("date") || has("time") {
        Category::DateTime
    } else if has("json") {
        Category::Json
    } else if has("object") {
        Category::Object
    } else if has("array") {
        Category::Array
    } else if has("map") {
        Category::Map
    } else if has("logical") {
        Category::Logical
    } else if has("aggregat") {
        Category::Aggregation
    } else if has("conversion") || has("convert") {
        Category::Conversion
    } else if has("special") {
        Category::Special
    } else if has("string") {
        Category::String
    } else {
        return None;
    })
}

/// `T first(T...)` → (`T`, [`T...`]); `ZonedDateTime date(String, String, ZonedDateTime)`.
fn parse_syntax(syntax: &str) -> Option<(Option<String>, Vec<String>)> {
    let open = syntax.find('(')?;
    let close = syntax.rfind(')')?;
    if close < open {
        return None;
    }
    let head: Vec<&str> = syntax[..open].split_whitespace().collect();
    // `RET name(` has a return type; `name(` has none.
    let returns = (head.len() >= 2).then(|| head[..head.len() - 1].join(" "));
    let inner = &syntax[open + 1..close];
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for ch in inner.chars() {
        match ch {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                args.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    args.push(current);
    let args: Vec<String> = args.into_iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
    // `String input` or `String`: the type is everything but a trailing parameter name.
    let args = args
        .into_iter()
        .map(|a| {
            let words: Vec<&str> = a.split_whitespace().collect();
            if words.len() >= 2 && !words[words.len() - 1].contains(['<', '>', '.', '[']) {
                words[..words.len() - 1].join(" ")
            } else {
                a
            }
        })
        .collect();
    Some((returns, args))
}

/// A platform type name mapped onto the catalog: (type, variadic, known).
fn api_type(raw: &str) -> (Type, bool, bool) {
    let mut t = raw.trim();
    let mut variadic = false;
    if let Some(rest) = t.strip_suffix("...") {
        variadic = true;
        t = rest.trim();
    }
    let (ty, known) = api_type_plain(t);
    (ty, variadic, known)
}

fn api_type_plain(t: &str) -> (Type, bool) {
    if let Some(descriptor) = t.strip_prefix('[') {
        let (element, known) = jvm_descriptor(descriptor);
        return (Type::array_of(element), known);
    }
    if let Some(element) = t.strip_suffix("[]") {
        let (element, known) = api_type_plain(element.trim());
        return (Type::array_of(element), known);
    }
    let (base, args) = match t.find('<') {
        Some(lt) if t.ends_with('>') => (&t[..lt], split_generics(&t[lt + 1..t.len() - 1])),
        _ => (t, Vec::new()),
    };
    let simple = base.rsplit(['.', '$']).next().unwrap_or(base).trim();
    let lower = simple.to_ascii_lowercase();
    let ty = match lower.as_str() {
        "string" | "charsequence" | "char" | "character" => Type::String,
        "int" | "integer" | "long" | "short" | "byte" | "biginteger" => Type::Integer,
        "double" | "float" | "decimal" | "bigdecimal" | "number" => Type::Number,
        "boolean" | "bool" => Type::Boolean,
        "zoneddatetime" | "offsetdatetime" | "localdatetime" | "localdate" | "instant" | "date" | "datetime"
        | "timestamp" => Type::DateTime,
        // In these (Java) signatures `Object` is java.lang.Object: anything.
        "object" | "any" => Type::Any,
        "map" | "hashmap" | "linkedhashmap" | "treemap" | "sortedmap" => Type::Map,
        "jsonnode" | "objectnode" | "jsonobject" => Type::Object,
        "arraynode" | "jsonarray" => Type::any_array(),
        "list" | "arraylist" | "linkedlist" | "collection" | "set" | "hashset" | "iterable" | "array" => {
            let element = args.first().map(|a| api_type_plain(a).0).unwrap_or(Type::Any);
            Type::array_of(element)
        }
        "void" | "null" => Type::Null,
        // A type variable (`T first(T...)`).
        _ if simple.len() == 1 && simple.chars().all(|c| c.is_ascii_uppercase()) => Type::Any,
        _ => return (Type::Any, false),
    };
    (ty, true)
}

fn split_generics(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, ch) in inner.char_indices() {
        match ch {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(inner[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// The element of a JVM array descriptor after its first `[`: `Ljava.lang.String;`, `I`,
/// `[Ljava.lang.Object;`.
fn jvm_descriptor(d: &str) -> (Type, bool) {
    if let Some(inner) = d.strip_prefix('[') {
        let (element, known) = jvm_descriptor(inner);
        return (Type::array_of(element), known);
    }
    if let Some(class) = d.strip_prefix('L').and_then(|c| c.strip_suffix(';')) {
        return api_type_plain(class);
    }
    match d {
        "Z" => (Type::Boolean, true),
        "B" | "S" | "I" | "J" => (Type::Integer, true),
        "F" | "D" => (Type::Number, true),
        "C" => (Type::String, true),
        _ => (Type::Any, false),
    }
}

fn import_signature(
    name: &str,
    entry: &serde_json::Map<String, serde_json::Value>,
    warnings: &mut Vec<String>,
) -> Signature {
    let syntax = text_field(entry, "syntax").and_then(|s| parse_syntax(&s));
    let (syntax_returns, syntax_args) = syntax.unwrap_or((None, Vec::new()));

    // (position, name, raw type)
    let mut raw_params: Vec<(Option<f64>, String, Option<String>)> = Vec::new();
    match entry.get("params") {
        Some(serde_json::Value::Array(params)) => {
            for (i, p) in params.iter().enumerate() {
                let Some(p) = p.as_object() else {
                    warnings.push(format!("{name}: parameter {} is not an object; skipped", i + 1));
                    continue;
                };
                let position = match p.get("position") {
                    Some(serde_json::Value::Number(n)) => n.as_f64(),
                    Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
                    _ => None,
                };
                let pname = text_field(p, "name").unwrap_or_else(|| format!("arg{}", i + 1));
                let data_type = text_field(p, "dataType").or_else(|| text_field(p, "type"));
                raw_params.push((position, pname, data_type));
            }
        }
        Some(serde_json::Value::Null) | None => {}
        Some(_) => warnings.push(format!("{name}: `params` is not a list; ignored")),
    }
    if raw_params.iter().any(|p| p.0.is_none()) && raw_params.len() > 1 {
        warnings.push(format!("{name}: a parameter has no `position`; kept in listed order"));
    }
    // Stable: unpositioned parameters keep their listed order, after the positioned ones.
    raw_params.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    if raw_params.is_empty() && !syntax_args.is_empty() {
        warnings.push(format!(
            "{name}: the response lists no params; took {} parameter type(s) from its syntax",
            syntax_args.len()
        ));
        raw_params =
            syntax_args.iter().enumerate().map(|(i, t)| (None, format!("arg{}", i + 1), Some(t.clone()))).collect();
    } else if !syntax_args.is_empty() && syntax_args.len() != raw_params.len() {
        warnings.push(format!(
            "{name}: its syntax has {} parameter(s), its params {}; used the params",
            syntax_args.len(),
            raw_params.len()
        ));
    }

    let count = raw_params.len();
    let mut params = Vec::with_capacity(count);
    for (i, (_, pname, raw)) in raw_params.into_iter().enumerate() {
        let raw = raw.or_else(|| syntax_args.get(i).cloned());
        let (mut ty, mut variadic) = match &raw {
            Some(raw) => {
                let (ty, variadic, known) = api_type(raw);
                if !known {
                    warnings.push(format!("{name}: unknown type `{raw}` of parameter `{pname}`; using any"));
                }
                (ty, variadic)
            }
            None => {
                warnings.push(format!("{name}: parameter `{pname}` has no type; using any"));
                (Type::Any, false)
            }
        };
        let syntax_variadic = syntax_args.get(i).is_some_and(|a| a.ends_with("..."));
        if syntax_variadic && !variadic {
            variadic = true;
            // `[Ljava.lang.Object;` for `T...`: each argument is an element.
            if let Type::Array(element) = ty {
                ty = *element;
            }
        }
        if variadic && i + 1 != count {
            warnings.push(format!("{name}: variadic parameter `{pname}` is not the last; read as an array"));
            variadic = false;
            ty = Type::array_of(ty);
        }
        params.push(Param { name: pname, ty, optional: false, variadic });
    }

    let raw_returns = text_field(entry, "returnType").or(syntax_returns);
    let returns = match raw_returns {
        Some(raw) => {
            let (ty, variadic, known) = api_type(&raw);
            if !known {
                warnings.push(format!("{name}: unknown return type `{raw}`; using any"));
            }
            if variadic { Type::array_of(ty) } else { ty }
        }
        None => {
            warnings.push(format!("{name}: no return type; using any"));
            Type::Any
        }
    };
    Signature { params, returns }
}

/// Folds an overload that is a prefix of a longer one (same types, same return) into the
/// longer one as optional trailing parameters: `date(String)`, `date(String, String)` →
/// `date(String, String?)`.
fn collapse_overloads(mut sigs: Vec<Signature>) -> Vec<Signature> {
    sigs.sort_by_key(|s| s.params.len());
    'again: loop {
        for i in 0..sigs.len() {
            if sigs[i].params.iter().any(|p| p.variadic) {
                continue;
            }
            for j in 0..sigs.len() {
                let (short, long) = (&sigs[i], &sigs[j]);
                if long.params.len() <= short.params.len()
                    || long.returns != short.returns
                    || !short.params.iter().zip(&long.params).all(|(a, b)| a.ty == b.ty && !b.variadic)
                {
                    continue;
                }
                let keep = short.params.len();
                let optional: Vec<bool> = short.params.iter().map(|p| p.optional).collect();
                let long = &mut sigs[j];
                for (k, p) in long.params.iter_mut().enumerate() {
                    p.optional |= if k < keep { optional[k] } else { true };
                }
                sigs.remove(i);
                continue 'again;
            }
        }
        break;
    }
    sigs
}

fn merge_function(existing: &Function, imported: &Function) -> Function {
    let signatures: Vec<Signature> = imported
        .signatures
        .iter()
        .map(|sig| {
            let Some(old) = existing.signatures.iter().find(|o| o.params.len() == sig.params.len()) else {
                return sig.clone();
            };
            let params = sig
                .params
                .iter()
                .zip(&old.params)
                .map(|(new, old)| Param {
                    name: old.name.clone(),
                    ty: if new.ty.is_any() { old.ty.clone() } else { new.ty.clone() },
                    optional: new.optional || old.optional,
                    variadic: new.variadic,
                })
                .collect();
            let returns = if sig.returns.is_any() { old.returns.clone() } else { sig.returns.clone() };
            Signature { params, returns }
        })
        .collect();
    let mut merged = Function { signatures, ..existing.clone() };
    // Keep the existing typing rules only where the new signatures still carry them.
    let joins_hold = merged
        .signatures
        .iter()
        .all(|s| s.returns.is_any() && merged.result_joins.iter().all(|j| s.params.iter().any(|p| &p.name == j)));
    if !joins_hold {
        merged.result_joins.clear();
    }
    for sig in &mut merged.signatures {
        if let Type::SameAs(target) = &sig.returns
            && !sig.params.iter().any(|p| &p.name == target)
        {
            sig.returns = Type::Any;
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_and_print() {
        for text in ["string", "integer", "number", "boolean", "datetime", "object", "map", "array", "any", "null"] {
            assert_eq!(text.parse::<Type>().unwrap().to_string(), text);
        }
        assert_eq!("array<string>".parse::<Type>().unwrap(), Type::array_of(Type::String));
        assert_eq!("array<array<object>>".parse::<Type>().unwrap().to_string(), "array<array<object>>");
        assert_eq!("array<any>".parse::<Type>().unwrap().to_string(), "array");
        assert_eq!("same-as:ARRAY".parse::<Type>().unwrap(), Type::SameAs("ARRAY".into()));
        assert!("String".parse::<Type>().is_err());
        assert!("array<same-as:X>".parse::<Type>().is_err());
        assert!("array<strin>".parse::<Type>().is_err());
    }

    #[test]
    fn api_type_names() {
        let t = |s: &str| api_type(s);
        assert_eq!(t("String"), (Type::String, false, true));
        assert_eq!(t("java.lang.String"), (Type::String, false, true));
        assert_eq!(t("String..."), (Type::String, true, true));
        assert_eq!(t("java.lang.Object..."), (Type::Any, true, true));
        assert_eq!(t("Long"), (Type::Integer, false, true));
        assert_eq!(t("java.math.BigDecimal"), (Type::Number, false, true));
        assert_eq!(t("java.time.ZonedDateTime"), (Type::DateTime, false, true));
        assert_eq!(t("[Ljava.lang.Object;"), (Type::any_array(), false, true));
        assert_eq!(t("[Ljava.lang.String;"), (Type::array_of(Type::String), false, true));
        assert_eq!(t("[[I"), (Type::array_of(Type::array_of(Type::Integer)), false, true));
        assert_eq!(t("Object[]"), (Type::any_array(), false, true));
        assert_eq!(t("java.util.List<java.lang.String>"), (Type::array_of(Type::String), false, true));
        assert_eq!(t("Map<String, Object>"), (Type::Map, false, true));
        assert_eq!(t("T"), (Type::Any, false, true));
        assert_eq!(t("com.example.Thing"), (Type::Any, false, false));
    }

    #[test]
    fn syntax_strings() {
        assert_eq!(parse_syntax("T first(T...)"), Some((Some("T".into()), vec!["T...".into()])));
        assert_eq!(
            parse_syntax("ZonedDateTime date(String, String, ZonedDateTime)"),
            Some((Some("ZonedDateTime".into()), vec!["String".into(), "String".into(), "ZonedDateTime".into()]))
        );
        assert_eq!(
            parse_syntax("Map<String, Object> f(Map<String, Object> m, String key)"),
            Some((Some("Map<String, Object>".into()), vec!["Map<String, Object>".into(), "String".into()]))
        );
        assert_eq!(parse_syntax("now()"), Some((None, vec![])));
        assert_eq!(parse_syntax("no parens"), None);
    }

    #[test]
    fn categories_of_the_api() {
        assert_eq!(api_category("Date / Time"), Some(Category::DateTime));
        assert_eq!(api_category("Hierarchies - Arrays"), Some(Category::Array));
        assert_eq!(api_category("Hierarchies - Objects"), Some(Category::Object));
        assert_eq!(api_category("Hierarchies - Map"), Some(Category::Map));
        assert_eq!(api_category("Type Conversions"), Some(Category::Conversion));
        assert_eq!(api_category("Regular expression functions"), Some(Category::Regex));
        assert_eq!(api_category("Logical operators"), Some(Category::Logical));
        assert_eq!(api_category("User agent functions"), Some(Category::UserAgent));
        assert_eq!(api_category("String"), Some(Category::String));
        assert_eq!(api_category("Misc"), None);
    }

    #[test]
    fn overloads_collapse_into_optional_parameters() {
        let p = |n: &str, ty: Type| Param { name: n.into(), ty, optional: false, variadic: false };
        let sigs = vec![
            Signature { params: vec![p("a", Type::String), p("b", Type::String)], returns: Type::DateTime },
            Signature { params: vec![p("a", Type::String)], returns: Type::DateTime },
            Signature {
                params: vec![p("a", Type::String), p("b", Type::String), p("c", Type::DateTime)],
                returns: Type::DateTime,
            },
            Signature { params: vec![p("x", Type::Integer)], returns: Type::DateTime },
        ];
        let out = collapse_overloads(sigs);
        assert_eq!(out.len(), 2, "{out:#?}");
        let long = out.iter().find(|s| s.params.len() == 3).unwrap();
        assert_eq!(long.params.iter().map(|p| p.optional).collect::<Vec<_>>(), [false, true, true]);
        assert_eq!((long.min_args(), long.max_args()), (1, Some(3)));
    }
}
