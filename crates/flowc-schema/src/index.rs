use serde::Serialize;
use serde_json::{Number, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

fn shared_str<S: serde::Serializer>(v: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(text) => s.serialize_some(&**text),
        None => s.serialize_none(),
    }
}

/// The type of a field as XDM (and so the Schema Registry and Data Prep) sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum XdmType {
    String,
    /// A double.
    Number,
    Long,
    Int,
    Short,
    Byte,
    Boolean,
    /// A string with `format: date` (`2024-05-31`).
    Date,
    /// A string with `format: date-time` (RFC 3339).
    DateTime,
    Object,
    Array,
    /// An object with `additionalProperties`: any key, values of one type.
    Map,
}

impl XdmType {
    pub const ALL: [XdmType; 12] = [
        XdmType::String,
        XdmType::Number,
        XdmType::Long,
        XdmType::Int,
        XdmType::Short,
        XdmType::Byte,
        XdmType::Boolean,
        XdmType::Date,
        XdmType::DateTime,
        XdmType::Object,
        XdmType::Array,
        XdmType::Map,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            XdmType::String => "string",
            XdmType::Number => "number",
            XdmType::Long => "long",
            XdmType::Int => "int",
            XdmType::Short => "short",
            XdmType::Byte => "byte",
            XdmType::Boolean => "boolean",
            XdmType::Date => "date",
            XdmType::DateTime => "date-time",
            XdmType::Object => "object",
            XdmType::Array => "array",
            XdmType::Map => "map",
        }
    }

    /// The `meta:xdmType` spelling (the same as [`XdmType::as_str`]).
    pub fn parse(s: &str) -> Option<XdmType> {
        XdmType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn is_integer(self) -> bool {
        self.integer_range().is_some()
    }

    /// Not an object, array or map.
    pub fn is_scalar(self) -> bool {
        !matches!(self, XdmType::Object | XdmType::Array | XdmType::Map)
    }

    /// The inclusive range of an integer type.
    pub fn integer_range(self) -> Option<(i64, i64)> {
        match self {
            XdmType::Byte => Some((i8::MIN.into(), i8::MAX.into())),
            XdmType::Short => Some((i16::MIN.into(), i16::MAX.into())),
            XdmType::Int => Some((i32::MIN.into(), i32::MAX.into())),
            XdmType::Long => Some((i64::MIN, i64::MAX)),
            _ => None,
        }
    }

    /// The JSON Schema `type` that stores this XDM type.
    pub fn json_type(self) -> &'static str {
        match self {
            XdmType::String | XdmType::Date | XdmType::DateTime => "string",
            XdmType::Number => "number",
            XdmType::Long | XdmType::Int | XdmType::Short | XdmType::Byte => "integer",
            XdmType::Boolean => "boolean",
            XdmType::Object | XdmType::Map => "object",
            XdmType::Array => "array",
        }
    }
}

impl std::fmt::Display for XdmType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A display label from `meta:enum`. Labels document suggested values; unlike `enum` they do
/// not restrict what the field accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnumLabel {
    pub value: String,
    pub label: String,
}

/// What a value must satisfy, as the schema states it (JSON Schema keyword names in JSON).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraints {
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enum_labels: Vec<EnumLabel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<Number>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

pub(crate) const NO_PARENT: u32 = u32::MAX;

/// FNV-1a: paths are short and come from files the user chose, so a fast hash without
/// flooding protection is the right trade for the path table.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BuildFnv;

pub(crate) struct Fnv(u64);

impl std::hash::BuildHasher for BuildFnv {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// One indexed path: an object, an array, an array's items (`x[*]`), a map, a map's values
/// (`m.*`) or a leaf.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// Registry names, `.`-separated, `[*]` for array items, `*` for any key of a map.
    pub path: String,
    #[serde(rename = "type")]
    pub xdm_type: XdmType,
    /// Required in its parent object (`required` there lists it). Array items and map
    /// values are never "required".
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(flatten)]
    pub constraints: Constraints,
    /// The `$id` (or file) of the schema that defines the field.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "shared_str")]
    pub schema: Option<Arc<str>>,
    #[serde(skip)]
    pub(crate) name_at: usize,
    #[serde(skip)]
    pub(crate) parent: u32,
    #[serde(skip)]
    pub(crate) children: Vec<u32>,
    #[serde(skip)]
    pub(crate) in_map: bool,
}

impl Field {
    /// The last segment of the path: a name, `[*]` or `*`.
    pub fn name(&self) -> &str {
        &self.path[self.name_at..]
    }

    /// Inside the values of a map (reached through `m.*`).
    pub fn in_map(&self) -> bool {
        self.in_map
    }
}

/// Every path of a schema with its type. Lookups are hash lookups; iteration is in tree
/// order with the children of each object sorted by name, so output is deterministic.
#[derive(Clone, Debug)]
pub struct SchemaIndex {
    /// `fields[0]` is the root object (path `""`), never yielded by iteration.
    pub(crate) fields: Vec<Field>,
    pub(crate) by_path: HashMap<Box<str>, u32, BuildFnv>,
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) tenant: Option<String>,
}

/// Near misses for a path that is not in the index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suggestions {
    /// The path with a namespace prefix added (`_acme.loyalty.tier` for `loyalty.tier`),
    /// when that path exists.
    pub with_namespace: Option<String>,
    /// Whether that namespace is the tenant's (`_acme`) rather than Adobe's (`_repo`).
    pub namespace_is_tenant: bool,
    /// Existing paths nearest to the one asked for, nearest first (at most three).
    pub nearest: Vec<String>,
}

impl Suggestions {
    pub fn is_empty(&self) -> bool {
        self.with_namespace.is_none() && self.nearest.is_empty()
    }

    /// A help sentence such as "did you mean `productListItems[*].SKU`?".
    pub fn help(&self) -> Option<String> {
        if let Some(full) = &self.with_namespace {
            let ns = full.split('.').next().unwrap_or(full);
            return Some(if self.namespace_is_tenant {
                format!("did you mean `{full}`? Your organization's own fields live under the tenant namespace `{ns}`")
            } else {
                format!("did you mean `{full}`? Fields of the `{ns}` namespace are written with the `{ns}.` prefix")
            });
        }
        match self.nearest.as_slice() {
            [] => None,
            [one] => Some(format!("did you mean `{one}`?")),
            many => Some(format!(
                "did you mean one of: {}?",
                many.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

/// One step of a path as written by a user: a name, or an array index (`[0]` or `[*]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step<'a> {
    Name(&'a str),
    Item,
}

/// The names of a path, without array steps or map keys: `a[*].b` → `a`, `b`.
fn name_segments(path: &str) -> Vec<&str> {
    NameSegments::new(path).collect()
}

/// The cost of `candidate` for the query segment `q` (`q_lower` lowercased): twice the
/// edit distance, plus one when they differ only in case; `None` when too far apart.
fn segment_cost(q: &str, q_lower: &str, candidate: &str) -> Option<usize> {
    if q == candidate {
        return Some(0);
    }
    let (q_len, c_len) = (q.chars().count(), candidate.chars().count());
    let limit = (q_len.max(c_len) / 3).max(1);
    // Lengths alone rule out most candidates, before any allocation.
    if q_len.abs_diff(c_len) > limit {
        return None;
    }
    let d = strsim::levenshtein(q_lower, &candidate.to_lowercase());
    (d <= limit).then_some(2 * d + usize::from(d == 0))
}

/// [`name_segments`] without allocating, with the count known up front.
struct NameSegments<'a> {
    parts: std::str::Split<'a, [char; 2]>,
    count: usize,
}

impl<'a> NameSegments<'a> {
    fn new(path: &'a str) -> Self {
        let count = path.split(['.', '[']).filter(|s| is_name(s)).count();
        NameSegments { parts: path.split(['.', '[']), count }
    }
}

impl<'a> Iterator for NameSegments<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.parts.by_ref().find(|s| is_name(s)).map(|s| s.trim_end_matches(']'))
    }
}

fn is_name(part: &str) -> bool {
    let s = part.trim_end_matches(']');
    !s.is_empty() && s != "*" && !s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_path(path: &str) -> Option<Vec<Step<'_>>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !name.is_empty() {
            steps.push(Step::Name(name));
        } else if steps.is_empty() || rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let close = rest.find(']')?;
            let inner = &rest[1..close];
            if !(inner == "*" || (!inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()))) {
                return None;
            }
            steps.push(Step::Item);
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return None;
            }
        }
    }
    Some(steps)
}

impl SchemaIndex {
    pub(crate) fn new(fields: Vec<Field>, id: Option<String>, title: Option<String>, tenant: Option<String>) -> Self {
        let mut by_path = HashMap::with_capacity_and_hasher(fields.len(), BuildFnv);
        for (i, f) in fields.iter().enumerate().skip(1) {
            by_path.insert(Box::from(f.path.as_str()), i as u32);
        }
        let mut index = SchemaIndex { fields, by_path, id, title, tenant };
        if index.tenant.is_none() {
            index.tenant = index.guess_tenant();
        }
        index
    }

    /// The schema's `$id` (for a source-form composition, the class's).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The tenant namespace field (`_acme`): `meta:tenantNamespace` if the schema states it,
    /// else the one top-level `_name` object that is not an Adobe namespace.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// Number of indexed paths (objects, arrays, items, maps and leaves).
    pub fn len(&self) -> usize {
        self.fields.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The field at exactly this indexed path (`productListItems[*].SKU`, `identityMap.*`).
    pub fn get(&self, path: &str) -> Option<&Field> {
        self.by_path.get(path).map(|&i| &self.fields[i as usize])
    }

    /// The field a concrete destination path lands on: array indexes (`[0]`) match `[*]`
    /// and any key of a map matches its values (`identityMap.ECID[0].id`).
    pub fn resolve(&self, path: &str) -> Option<&Field> {
        if let Some(f) = self.get(path) {
            return Some(f);
        }
        let mut at = 0usize;
        let mut buf = String::with_capacity(path.len() + 4);
        for step in parse_path(path)? {
            match (step, self.fields[at].xdm_type) {
                (Step::Item, XdmType::Array) => buf.push_str("[*]"),
                (Step::Name(_), XdmType::Map) => buf.push_str(".*"),
                (Step::Name(name), XdmType::Object) => {
                    if !buf.is_empty() {
                        buf.push('.');
                    }
                    buf.push_str(name);
                }
                _ => return None,
            }
            at = *self.by_path.get(buf.as_str())? as usize;
        }
        (at != 0).then(|| &self.fields[at])
    }

    /// Every indexed path in tree order (parents before children, siblings by name).
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().skip(1)
    }

    /// What `flowc schema paths` lists: scalars, maps (whose values are not listed), empty
    /// objects and arrays without an item type.
    pub fn leaves(&self) -> impl Iterator<Item = &Field> {
        self.fields().filter(|f| !f.in_map && (f.children.is_empty() || f.xdm_type == XdmType::Map))
    }

    /// The fields directly under `path` (`""` for the top level). An array has one child,
    /// its items `x[*]`; a map one, its values `m.*`.
    pub fn children(&self, path: &str) -> Option<impl Iterator<Item = &Field>> {
        let at = if path.is_empty() { 0 } else { *self.by_path.get(path)? as usize };
        Some(self.fields[at].children.iter().map(|&i| &self.fields[i as usize]))
    }

    /// The required fields of the object at `path`; for an array, of its item object.
    pub fn required_children(&self, path: &str) -> Option<Vec<&Field>> {
        let mut at = if path.is_empty() { 0 } else { *self.by_path.get(path)? as usize };
        while self.fields[at].xdm_type == XdmType::Array {
            at = *self.fields[at].children.first()? as usize;
        }
        Some(self.fields[at].children.iter().map(|&i| &self.fields[i as usize]).filter(|f| f.required).collect())
    }

    /// The items of an array, or the values of a map.
    pub fn element(&self, field: &Field) -> Option<&Field> {
        match field.xdm_type {
            XdmType::Array | XdmType::Map => field.children.first().map(|&i| &self.fields[i as usize]),
            _ => None,
        }
    }

    pub fn parent(&self, field: &Field) -> Option<&Field> {
        match field.parent {
            NO_PARENT | 0 => None,
            p => Some(&self.fields[p as usize]),
        }
    }

    /// Did-you-mean for a path that does not resolve: the same path under a namespace
    /// (`_acme.`) if that exists, and the nearest paths by edit distance over segments.
    pub fn suggest(&self, path: &str) -> Suggestions {
        let mut out = Suggestions::default();
        let mut namespaces: Vec<&Field> = self.fields[0]
            .children
            .iter()
            .map(|&i| &self.fields[i as usize])
            .filter(|f| f.name().starts_with('_') && f.xdm_type == XdmType::Object)
            .collect();
        // The tenant's namespace first: that is where a user's own fields are.
        namespaces.sort_by_key(|f| Some(f.name()) != self.tenant());
        for ns in namespaces {
            if let Some(f) = self.resolve(&format!("{}.{path}", ns.path)) {
                out.with_namespace = Some(f.path.clone());
                out.namespace_is_tenant = Some(ns.name()) == self.tenant();
                break;
            }
        }
        out.nearest = self.nearest(path, 3);
        if let Some(ns) = &out.with_namespace {
            out.nearest.retain(|p| p != ns);
        }
        out
    }

    fn nearest(&self, path: &str, limit: usize) -> Vec<String> {
        let query = name_segments(path);
        let Some(&query_last) = query.last() else {
            return Vec::new();
        };
        let query_lower: Vec<String> = query.iter().map(|q| q.to_lowercase()).collect();
        let wants_item = path.contains('[');
        let mut scored: Vec<(usize, u32)> = Vec::new();
        // Down the tree one query segment per level, dropping a subtree at its first
        // segment that is too far off; array items (`[*]`) are passed through.
        let mut stack: Vec<(u32, usize, usize)> = vec![(0, 0, 0)];
        while let Some((at, depth, total)) = stack.pop() {
            for &c in &self.fields[at as usize].children {
                let f = &self.fields[c as usize];
                if f.in_map {
                    continue;
                }
                if f.name() == "[*]" {
                    stack.push((c, depth, total));
                    continue;
                }
                let Some(cost) = segment_cost(query[depth], &query_lower[depth], f.name()) else {
                    continue;
                };
                if depth + 1 < query.len() {
                    stack.push((c, depth + 1, total + cost));
                } else {
                    // A missing or extra `[*]` is a near miss too.
                    scored.push((total + cost + usize::from(wants_item != f.path.contains('[')), c));
                }
            }
        }
        // The same field name elsewhere (`person.birthYear` for `birthYear`).
        for (i, f) in self.fields.iter().enumerate().skip(1) {
            if f.in_map || f.name() == "[*]" || !f.name().eq_ignore_ascii_case(query_last) {
                continue;
            }
            if !scored.iter().any(|&(_, c)| c as usize == i) {
                scored.push((3 + NameSegments::new(&f.path).count.abs_diff(query.len()), i as u32));
            }
        }
        scored.sort_by(|a, b| (a.0, &self.fields[a.1 as usize].path).cmp(&(b.0, &self.fields[b.1 as usize].path)));
        scored.into_iter().take(limit).map(|(_, c)| self.fields[c as usize].path.clone()).collect()
    }

    /// `path<TAB>type` per leaf, as `flowc schema paths` prints it.
    pub fn paths_tsv(&self) -> String {
        let mut out = String::new();
        for f in self.leaves() {
            let _ = writeln!(out, "{}\t{}", f.path, f.xdm_type);
        }
        out
    }

    /// The leaves as a pretty-printed JSON array of objects, keys in a stable order:
    /// `path`, `type`, `required`, then what the schema states (`title`, `description`,
    /// `format`, `default`, `enum`, `pattern`, ...).
    pub fn paths_json(&self) -> String {
        let leaves: Vec<&Field> = self.leaves().collect();
        serde_json::to_string_pretty(&leaves).unwrap_or_default()
    }

    /// The type with what arrays and maps hold: `array of object`, `map of array of object`.
    pub fn type_phrase(&self, field: &Field) -> String {
        let mut phrase = field.xdm_type.as_str().to_owned();
        let mut element = self.element(field);
        while let Some(e) = element {
            phrase.push_str(" of ");
            phrase.push_str(e.xdm_type.as_str());
            element = self.element(e);
        }
        phrase
    }

    /// A multi-line description of one field: type, requiredness, constraints, title and
    /// description, and for objects (or arrays and maps of them) the fields inside.
    pub fn describe(&self, field: &Field) -> String {
        let mut out = String::new();
        let mut row = |key: &str, value: &str| {
            let _ = writeln!(out, "  {key:<12} {value}");
        };
        let head = format!("{}: {}", field.path, self.type_phrase(field));
        let required = match (field.required, self.parent(field)) {
            (true, Some(p)) => format!("yes, in `{}`", p.path),
            (true, None) => "yes, at the top level".to_owned(),
            (false, _) => "no".to_owned(),
        };
        row("required", &required);
        if let Some(t) = &field.title {
            row("title", t);
        }
        if let Some(d) = &field.description {
            row("description", d);
        }
        if let Some(f) = &field.format {
            row("format", f);
        }
        let c = &field.constraints;
        if let Some(values) = &c.enum_values {
            let list: Vec<String> = values.iter().map(Value::to_string).collect();
            row("enum", &list.join(", "));
        }
        if let Some(p) = &c.pattern {
            row("pattern", p);
        }
        if let Some(n) = c.min_length {
            row("minLength", &n.to_string());
        }
        if let Some(n) = c.max_length {
            row("maxLength", &n.to_string());
        }
        for (key, n) in [
            ("minimum", &c.minimum),
            ("maximum", &c.maximum),
            ("exclusiveMin", &c.exclusive_minimum),
            ("exclusiveMax", &c.exclusive_maximum),
        ] {
            if let Some(n) = n {
                row(key, &n.to_string());
            }
        }
        if let Some(d) = &field.default {
            row("default", &d.to_string());
        }
        if !c.enum_labels.is_empty() {
            let labels: Vec<String> = c.enum_labels.iter().map(|l| format!("{} = {}", l.value, l.label)).collect();
            row("labels", &format!("{} (meta:enum: display names, not a restriction)", labels.join("; ")));
        }
        if let Some(s) = &field.schema {
            row("schema", s);
        }
        // The object whose fields to list: the field itself, or its (nested) items/values.
        let mut inner = Some(field);
        while let Some(f) = inner.filter(|f| matches!(f.xdm_type, XdmType::Array | XdmType::Map)) {
            inner = self.element(f);
        }
        if let Some(obj) = inner.filter(|f| f.xdm_type == XdmType::Object && !f.children.is_empty()) {
            let title = if obj.path == field.path { "fields".to_owned() } else { format!("fields of `{}`", obj.path) };
            let _ = writeln!(out, "  {title} (* = required):");
            let kids: Vec<&Field> = obj.children.iter().map(|&i| &self.fields[i as usize]).collect();
            let width = kids.iter().map(|k| k.name().len()).max().unwrap_or(0);
            for k in kids {
                let mark = if k.required { '*' } else { ' ' };
                let _ = writeln!(out, "    {mark} {:<width$}  {}", k.name(), self.type_phrase(k));
            }
        }
        format!("{head}\n{out}")
    }

    fn guess_tenant(&self) -> Option<String> {
        // Namespaces Adobe defines; anything else under `_` at the top is a tenant's.
        const ADOBE: &[&str] = &[
            "_id",
            "_repo",
            "_experience",
            "_schema",
            "_type",
            "_dc",
            "_xmp",
            "_marketo",
            "_bizible",
            "_dataDotCom",
            "_adcloud",
        ];
        let mut candidates = self.fields[0]
            .children
            .iter()
            .map(|&i| &self.fields[i as usize])
            .filter(|f| f.xdm_type == XdmType::Object && f.name().starts_with('_') && !ADOBE.contains(&f.name()));
        let first = candidates.next()?;
        candidates.next().is_none().then(|| first.name().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_user_paths() {
        assert_eq!(parse_path("a.b[0].c"), Some(vec![Step::Name("a"), Step::Name("b"), Step::Item, Step::Name("c")]));
        assert_eq!(parse_path("x[*][12]"), Some(vec![Step::Name("x"), Step::Item, Step::Item]));
        for bad in ["", ".a", "a..b", "a[", "a[x]", "a[]", "a[0]b", "[0]"] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn xdm_type_names_round_trip() {
        for t in XdmType::ALL {
            assert_eq!(XdmType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), Value::from(t.as_str()));
        }
        assert_eq!(XdmType::parse("integer"), None);
        assert_eq!(XdmType::Short.integer_range(), Some((-32768, 32767)));
    }
}
