//! From schema documents to indexed fields.
//!
//! Each field (node) is defined by one or more schema locations: a property's schema in
//! every schema that declares it (two field groups may both declare `productListItems`).
//! `collect` merges what those locations say, following `$ref` and `allOf`, into a
//! [`Merged`]; `node` decides the XDM type, records the field and recurses into the
//! children. Recursion is bounded by `max_depth` on both levels (fields, and `$ref`/`allOf`
//! steps within one field), so a 2 MiB thread stack is plenty.
//!
//! Two kinds of cycle end the walk at the point they close: a `$ref` whose target is still
//! being merged (`a` → `b` → `a`), and a field whose definition equals an ancestor's (a data
//! type containing itself), which would give paths without end.

use crate::docs::{DocId, Docs, RefError};
use crate::error::SchemaError;
use crate::index::{Constraints, EnumLabel, Field, NO_PARENT, XdmType};
use crate::json::Json;
use crate::jsontext::{self, Seg};
use crate::{LoadOptions, names};
use flowc_diag::{Code, Diagnostic, Span};
use serde_json::Number;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

#[derive(Clone, Copy)]
pub(crate) struct Loc<'d> {
    pub doc: DocId,
    pub v: &'d Json<'d>,
}

fn ptr(v: &Json<'_>) -> usize {
    v as *const Json<'_> as usize
}

/// One definition of a field: a schema, or (with `rest` non-empty) a namespaced property
/// `p:a` that defines the field `a` inside the implicit object `_p`.
#[derive(Clone)]
struct Def<'d> {
    loc: Loc<'d>,
    rest: Vec<String>,
}

/// Everything the definitions of one field say, first statement winning for annotations.
#[derive(Default)]
struct Merged<'d> {
    seen: Seen,
    first: Option<Loc<'d>>,
    types: Few<(&'d str, Loc<'d>)>,
    xdm_type: Option<(&'d str, Loc<'d>)>,
    title: Option<&'d str>,
    description: Option<&'d str>,
    format: Option<&'d str>,
    pattern: Option<&'d str>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    minimum: Option<(&'d Number, Loc<'d>)>,
    maximum: Option<(&'d Number, Loc<'d>)>,
    exclusive_minimum: Option<&'d Number>,
    exclusive_maximum: Option<&'d Number>,
    enum_values: Option<&'d [Json<'d>]>,
    meta_enum: Option<&'d [(Cow<'d, str>, Json<'d>)]>,
    default: Option<&'d Json<'d>>,
    props: BTreeMap<Cow<'d, str>, Vec<Def<'d>>>,
    required: Vec<Vec<String>>,
    items: Few<Loc<'d>>,
    additional: Few<Loc<'d>>,
    implicit: bool,
    tenant: Option<&'d str>,
    /// A `$ref` failed (already reported): say nothing more about what is missing.
    broken: bool,
}

impl<'d> Merged<'d> {
    fn add_prop(&mut self, name: Cow<'d, str>, def: Def<'d>) {
        let defs = self.props.entry(name).or_default();
        let key = (ptr(def.loc.v), def.rest.len());
        if !defs.iter().any(|d| (ptr(d.loc.v), d.rest.len()) == key) {
            defs.push(def);
        }
    }

    fn has_fields(&self) -> bool {
        self.implicit || !self.props.is_empty()
    }

    /// Whether a `oneOf` branch says anything about data (the `@context` branches do not).
    fn describes_data(&self) -> bool {
        self.has_fields()
            || !self.items.is_empty()
            || !self.additional.is_empty()
            || self.xdm_type.is_some()
            || self.types.iter().any(|(t, _)| t != "object")
    }

    fn type_label(&self) -> &'d str {
        if let Some((x, _)) = self.xdm_type {
            return x;
        }
        match self.types.first {
            Some((t, _)) => t,
            None if self.has_fields() || !self.additional.is_empty() => "object",
            None if !self.items.is_empty() => "array",
            None => "untyped",
        }
    }
}

/// A list that allocates only from its second element: most fields have one type, one
/// item schema, one definition.
struct Few<T> {
    first: Option<T>,
    rest: Vec<T>,
}

impl<T> Default for Few<T> {
    fn default() -> Self {
        Few { first: None, rest: Vec::new() }
    }
}

impl<T: Copy> Few<T> {
    fn push(&mut self, t: T) {
        if self.first.is_none() {
            self.first = Some(t);
        } else {
            self.rest.push(t);
        }
    }

    fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.first.into_iter().chain(self.rest.iter().copied())
    }
}

/// Schema locations already merged into one field: a few, so a list until it grows.
#[derive(Default)]
struct Seen {
    few: Few<usize>,
    many: Option<HashSet<usize>>,
}

impl Seen {
    fn insert(&mut self, p: usize) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(p);
        }
        if self.few.iter().any(|q| q == p) {
            return false;
        }
        if self.few.len() < 32 {
            self.few.push(p);
        } else {
            let mut many: HashSet<usize> = self.few.iter().collect();
            many.insert(p);
            self.many = Some(many);
        }
        true
    }
}

/// The definitions of a field, to recognize a field that repeats an ancestor.
#[derive(PartialEq, Eq)]
enum Signature {
    One(usize, usize),
    Many(Vec<(usize, usize)>),
}

impl Signature {
    fn of(defs: &[Def<'_>]) -> Signature {
        if let [d] = defs {
            return Signature::One(ptr(d.loc.v), d.rest.len());
        }
        let mut all: Vec<(usize, usize)> = defs.iter().map(|d| (ptr(d.loc.v), d.rest.len())).collect();
        all.sort_unstable();
        all.dedup();
        match all.as_slice() {
            [(p, r)] => Signature::One(*p, *r),
            _ => Signature::Many(all),
        }
    }
}

/// A field path in a message: `` `a.b` ``, or "the schema root".
struct Shown<'a>(&'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() { f.write_str("the schema root") } else { write!(f, "`{}`", self.0) }
    }
}

/// Where a field sits under its parent.
#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Name(&'a str),
    Item,
    MapValue,
}

/// Where in a document a diagnostic points.
enum At<'a> {
    /// The schema itself.
    Schema,
    /// The value of a member (or a deeper value) of the schema.
    Member(&'a [Seg<'a>]),
    /// The key under which the schema is a property.
    Name,
}

pub(crate) struct Builder<'d> {
    docs: &'d Docs<'d>,
    opts: &'d LoadOptions,
    check_extends: bool,
    fields: Vec<Field>,
    pub errors: Vec<SchemaError>,
    /// The schema locations being merged right now, with the `$ref` that led to each.
    active: Vec<(usize, Option<&'d str>)>,
    /// Definitions of the fields on the current path, to spot a field that repeats.
    ancestors: Vec<(Signature, u32)>,
    /// The `$id` (or file) of each document, shared by the fields it defines.
    doc_names: Vec<Option<Arc<str>>>,
    work: usize,
    stopped: bool,
    extends_checked: HashSet<DocId>,
    parents: HashMap<DocId, HashMap<usize, (usize, Seg<'d>)>>,
    /// Each document read again with positions, once, when a diagnostic needs a span in it.
    spanned: HashMap<DocId, Option<flowc_diag::json::Json>>,
    /// `$ref`s already reported as unresolved: a schema that fans out meets the same one
    /// thousands of times, and its help (nearest names) is costly to build.
    unresolved_reported: HashSet<usize>,
}

pub(crate) struct Built {
    pub fields: Vec<Field>,
    pub title: Option<String>,
    pub tenant: Option<String>,
}

impl<'d> Builder<'d> {
    pub fn new(docs: &'d Docs<'d>, opts: &'d LoadOptions, check_extends: bool) -> Self {
        Builder {
            docs,
            opts,
            check_extends,
            // Roughly one field per 150 bytes of schema text (capped: a folder may hold far more
            // than is used): saves regrowing a vector of large elements.
            fields: Vec::with_capacity((docs.docs.iter().map(|d| d.text.len()).sum::<usize>() / 150).min(16_384)),
            errors: Vec::new(),
            active: Vec::new(),
            ancestors: Vec::new(),
            doc_names: vec![None; docs.docs.len()],
            work: 0,
            stopped: false,
            extends_checked: HashSet::new(),
            parents: HashMap::new(),
            spanned: HashMap::new(),
            unresolved_reported: HashSet::new(),
        }
    }

    /// Indexes the composition of `roots` (a registry schema, or a class and field groups).
    pub fn build(mut self, roots: &[DocId]) -> (Option<Built>, Vec<SchemaError>) {
        let defs = roots
            .iter()
            .map(|&doc| Def { loc: Loc { doc, v: &self.docs.docs[doc].value }, rest: Vec::new() })
            .collect();
        let mut title = None;
        let mut tenant = None;
        let root = self.node(NO_PARENT, Step::Root, defs, Vec::new(), false, 0, false, Some((&mut title, &mut tenant)));
        let built = root.map(|_| Built { fields: self.fields, title, tenant });
        (built, self.errors)
    }

    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        parent: u32,
        step: Step<'_>,
        defs: Vec<Def<'d>>,
        inherited_required: Vec<Vec<String>>,
        required: bool,
        depth: usize,
        in_map: bool,
        root_info: Option<(&mut Option<String>, &mut Option<String>)>,
    ) -> Option<u32> {
        let first = defs.first()?.loc;
        if self.stopped {
            return None;
        }
        let parent_path = if parent == NO_PARENT { "" } else { self.fields[parent as usize].path.as_str() };
        let (path, name_at) = match step {
            Step::Root => (String::new(), 0),
            Step::Name(name) if parent_path.is_empty() => (name.to_owned(), 0),
            Step::Name(name) => {
                let mut path = String::with_capacity(parent_path.len() + 1 + name.len());
                path.push_str(parent_path);
                path.push('.');
                path.push_str(name);
                (path, parent_path.len() + 1)
            }
            Step::Item => (format!("{parent_path}[*]"), parent_path.len()),
            Step::MapValue => (format!("{parent_path}.*"), parent_path.len() + 1),
        };
        if depth > self.opts.max_depth {
            self.report(
                Code::SchemaTooDeep,
                first,
                At::Schema,
                format!(
                    "`{}` is nested more than {} levels deep; flowc does not follow the schema further",
                    shorten(&path),
                    self.opts.max_depth
                ),
                "too deep",
            )
            .with_help("real XDM schemas nest a few dozen levels at most; check for a generated or damaged schema");
            return None;
        }
        let signature = Signature::of(&defs);
        if let Some(&(_, ancestor)) = self.ancestors.iter().find(|(s, _)| *s == signature) {
            let ancestor_path = self.fields[ancestor as usize].path.clone();
            let at = if first.v.get("$ref").is_some() { At::Member(&[Seg::Key("$ref")]) } else { At::Name };
            self.report(
                Code::RefCycle,
                first,
                at,
                format!(
                    "`{path}` has the same definition as `{}`, which contains it: the schema is recursive and its paths never end",
                    if ancestor_path.is_empty() { "the schema root" } else { ancestor_path.as_str() }
                ),
                "refers back to an enclosing definition",
            )
            .with_help("XDM schemas are finite trees: replace the recursive field with an identifier (a string) or a separate data type");
            return None;
        }

        let mut m = Merged::default();
        for d in &defs {
            if d.rest.is_empty() {
                self.collect(d.loc, &mut m, 0);
            } else {
                m.implicit = true;
                m.first.get_or_insert(d.loc);
                m.add_prop(Cow::Owned(d.rest[0].clone()), Def { loc: d.loc, rest: d.rest[1..].to_vec() });
            }
        }
        if self.stopped {
            return None;
        }
        for r in inherited_required {
            if !m.required.contains(&r) {
                m.required.push(r);
            }
        }
        let is_root = parent == NO_PARENT;
        let xdm_type = self.decide_type(&path, &m, is_root)?;
        if self.fields.len() > self.opts.max_fields {
            self.report(
                Code::SchemaTooLarge,
                first,
                At::Schema,
                format!("the schema expands to more than {} fields; flowc stops indexing at `{}`", self.opts.max_fields, shorten(&path)),
                "expansion stopped here",
            )
            .with_help("check for `$ref`s that multiply: a data type used in many places that itself uses others in many places");
            self.stopped = true;
            return None;
        }

        let id = self.fields.len() as u32;
        let field = self.field(path, name_at, xdm_type, required, parent, in_map, &m, first);
        self.fields.push(field);
        if let Some((title, tenant)) = root_info {
            *title = m.title.map(str::to_owned);
            *tenant = m.tenant.map(str::to_owned);
        }

        self.ancestors.push((signature, id));
        let mut children = Vec::new();
        match xdm_type {
            XdmType::Object => {
                for (name, child_defs) in std::mem::take(&mut m.props) {
                    let child_required = m.required.iter().any(|r| r[0] == *name);
                    let inherited =
                        m.required.iter().filter(|r| r.len() > 1 && r[0] == *name).map(|r| r[1..].to_vec()).collect();
                    if let Some(c) = self.node(
                        id,
                        Step::Name(name.as_ref()),
                        child_defs,
                        inherited,
                        child_required,
                        depth + 1,
                        in_map,
                        None,
                    ) {
                        children.push(c);
                    }
                }
            }
            XdmType::Array if !m.items.is_empty() => {
                let defs = m.items.iter().map(|loc| Def { loc, rest: Vec::new() }).collect();
                if let Some(c) = self.node(id, Step::Item, defs, Vec::new(), false, depth + 1, in_map, None) {
                    children.push(c);
                }
            }
            XdmType::Map if !m.additional.is_empty() => {
                let defs = m.additional.iter().map(|loc| Def { loc, rest: Vec::new() }).collect();
                if let Some(c) = self.node(id, Step::MapValue, defs, Vec::new(), false, depth + 1, true, None) {
                    children.push(c);
                }
            }
            _ => {}
        }
        self.ancestors.pop();
        self.fields[id as usize].children = children;
        Some(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        path: String,
        name_at: usize,
        xdm_type: XdmType,
        required: bool,
        parent: u32,
        in_map: bool,
        m: &Merged<'d>,
        first: Loc<'d>,
    ) -> Field {
        let enum_labels = m
            .meta_enum
            .map(|labels| {
                labels
                    .iter()
                    .map(|(value, label)| EnumLabel {
                        value: value.to_string(),
                        label: label.as_str().map_or_else(|| label.to_value().to_string(), str::to_owned),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Field {
            path,
            xdm_type,
            required,
            title: m.title.map(str::to_owned),
            description: m.description.map(str::to_owned),
            format: m.format.map(str::to_owned),
            default: m.default.map(Json::to_value),
            constraints: Constraints {
                enum_values: m.enum_values.map(|values| values.iter().map(Json::to_value).collect()),
                enum_labels,
                pattern: m.pattern.map(str::to_owned),
                min_length: m.min_length,
                max_length: m.max_length,
                minimum: m.minimum.map(|(n, _)| n.clone()),
                maximum: m.maximum.map(|(n, _)| n.clone()),
                exclusive_minimum: m.exclusive_minimum.cloned(),
                exclusive_maximum: m.exclusive_maximum.cloned(),
            },
            schema: Some(self.doc_name(first.doc)),
            name_at,
            parent,
            children: Vec::new(),
            in_map,
        }
    }

    fn doc_name(&mut self, doc: DocId) -> Arc<str> {
        let docs = self.docs;
        self.doc_names[doc].get_or_insert_with(|| Arc::from(docs.docs[doc].name())).clone()
    }

    /// The XDM type of a field, reporting contradictions; `None` skips the field.
    fn decide_type(&mut self, path: &str, m: &Merged<'d>, is_root: bool) -> Option<XdmType> {
        let first = m.first?;
        // Only for messages: formatting it for every field would cost more than the rest.
        let shown = Shown(path);
        let mut declared: Option<(&'d str, Loc<'d>)> = None;
        let mut conflict = false;
        for (t, loc) in m.types.iter() {
            match declared {
                None => declared = Some((t, loc)),
                Some((d, dloc)) if d != t => {
                    conflict = true;
                    let first_in = self.docs.docs[dloc.doc].name();
                    let first_file = self.docs.docs[dloc.doc].file.display().to_string();
                    self.report(
                        Code::ConflictingField,
                        loc,
                        At::Member(&[Seg::Key("type")]),
                        format!("{shown} is declared `{t}` here but `{d}` in `{first_in}`"),
                        format!("`{t}` conflicts with `{d}`"),
                    )
                    .with_help("a field has one type in a schema: remove or rename one of the definitions; flowc keeps the first")
                    .with_note(format!("the first definition is in `{first_file}`"));
                }
                _ => {}
            }
        }
        let mut json = declared.map(|(t, _)| t);
        if let Some((t, loc)) = declared.filter(|(t, _)| m.has_fields() && *t != "object") {
            // A value type with fields: the declared type wins and the fields are dropped.
            // (When the types already conflict, that was reported above.)
            if !conflict {
                let names: Vec<String> = m.props.keys().take(3).map(|k| format!("`{k}`")).collect();
                self.report(
                    Code::ConflictingField,
                    loc,
                    At::Member(&[Seg::Key("type")]),
                    format!(
                        "{shown} is declared `{t}` but also has fields ({}); a field is either an object or a value",
                        names.join(", ")
                    ),
                    format!("`{t}` here"),
                )
                .with_help(format!(
                    "rename the value field, or move it into an object; flowc keeps the field as a `{t}`"
                ));
            }
        } else if m.has_fields() {
            json = Some("object");
        }
        let xdm = match m.xdm_type {
            Some((s, loc)) => match XdmType::parse(s) {
                Some(x) => Some((x, loc)),
                None => {
                    let valid: Vec<&str> = XdmType::ALL.iter().map(|t| t.as_str()).collect();
                    self.report(
                        Code::XdmTypeMismatch,
                        loc,
                        At::Member(&[Seg::Key("meta:xdmType")]),
                        format!("`meta:xdmType` of {shown} is `{s}`, which is not an XDM type"),
                        "unknown XDM type",
                    )
                    .with_help(format!("valid XDM types: {}", valid.join(", ")));
                    None
                }
            },
            None => None,
        };
        if json.is_none() {
            json = xdm
                .map(|(x, _)| x.json_type())
                .or_else(|| (!m.items.is_empty()).then_some("array"))
                .or_else(|| (!m.additional.is_empty() || is_root).then_some("object"));
        }
        let Some(json) = json else {
            if m.broken {
                return None;
            }
            self.report(
                Code::InvalidSchema,
                first,
                At::Name,
                format!("{shown} has no type: no `type`, `meta:xdmType`, `properties`, `items` or `$ref` says what values it takes"),
                "untyped field",
            )
            .with_help("add a `type` (string, number, integer, boolean, object or array); flowc leaves the field out of the index");
            return None;
        };
        let inferred = match json {
            "string" => match m.format {
                Some("date") => XdmType::Date,
                Some("date-time") => XdmType::DateTime,
                _ => XdmType::String,
            },
            "number" => XdmType::Number,
            "integer" => integer_width(m.minimum.map(|(n, _)| n), m.maximum.map(|(n, _)| n)),
            "boolean" => XdmType::Boolean,
            "object" if !m.has_fields() && !m.additional.is_empty() => XdmType::Map,
            "object" => XdmType::Object,
            "array" => XdmType::Array,
            other => {
                let (_, loc) = declared.unwrap_or(("", first));
                self.report(
                    Code::InvalidSchema,
                    loc,
                    At::Member(&[Seg::Key("type")]),
                    format!("`type` of {shown} is `{other}`, which is not a type XDM stores"),
                    "unknown type",
                )
                .with_help(
                    "use string, number, integer, boolean, object or array; flowc leaves the field out of the index",
                );
                return None;
            }
        };
        let Some((x, loc)) = xdm else {
            return Some(inferred);
        };
        if let Some(reason) = contradiction(x, json, m) {
            self.report(
                Code::XdmTypeMismatch,
                loc,
                At::Member(&[Seg::Key("meta:xdmType")]),
                format!("`meta:xdmType: {x}` of {shown} contradicts {reason}"),
                format!("says `{x}`"),
            )
            .with_help(format!("make the two agree; until then flowc types the field `{inferred}`"));
            return Some(inferred);
        }
        // `meta:xdmType: object` on an object with only `additionalProperties` stays an object.
        Some(x)
    }

    /// Merges what the schema at `loc` says into `m`.
    fn collect(&mut self, loc: Loc<'d>, m: &mut Merged<'d>, depth: usize) {
        if self.stopped {
            return;
        }
        self.work += 1;
        if self.work > self.opts.max_work {
            self.report(
                Code::SchemaTooLarge,
                loc,
                At::Schema,
                format!(
                    "expanding the schema's `$ref`s and `allOf`s takes more than {} steps; flowc stops here",
                    self.opts.max_work
                ),
                "expansion stopped here",
            );
            self.stopped = true;
            return;
        }
        if depth > self.opts.max_depth {
            self.report(
                Code::SchemaTooDeep,
                loc,
                At::Schema,
                format!(
                    "`$ref`/`allOf` chain longer than {} steps; flowc does not follow it further",
                    self.opts.max_depth
                ),
                "too deep",
            );
            return;
        }
        let obj = match loc.v {
            Json::Object(obj) => obj,
            // `true` accepts any value and `false` none: neither declares a field.
            Json::Bool(_) => return,
            other => {
                self.report(
                    Code::InvalidSchema,
                    loc,
                    At::Schema,
                    format!("a schema must be a JSON object, but this is {}", other.kind()),
                    "not a schema",
                );
                return;
            }
        };
        let p = ptr(loc.v);
        if !m.seen.insert(p) {
            return;
        }
        m.first.get_or_insert(loc);

        // One pass over the members (a schema has a handful; looking up each keyword
        // separately costs more than the walk), then the composition keywords in order.
        let (mut reference, mut all_of, mut one_of, mut any_of) = (None, None, None, None);
        for (key, v) in obj {
            let key: &str = key;
            match key {
                "title" => m.title = m.title.or(v.as_str()),
                "description" => m.description = m.description.or(v.as_str()),
                "meta:tenantNamespace" => m.tenant = m.tenant.or(v.as_str()),
                "format" => m.format = m.format.or(v.as_str()),
                "pattern" => m.pattern = m.pattern.or(v.as_str()),
                "type" => self.declared_type(loc, v, m),
                "meta:xdmType" => match v {
                    Json::String(x) => {
                        m.xdm_type.get_or_insert((x, loc));
                    }
                    other => self.wrong_kind(loc, key, other, "a string such as \"int\" or \"date-time\""),
                },
                "minLength" | "maxLength" => match v.as_u64() {
                    Some(n) => {
                        let slot = if key == "minLength" { &mut m.min_length } else { &mut m.max_length };
                        slot.get_or_insert(n);
                    }
                    None => self.wrong_kind(loc, key, v, "a non-negative integer"),
                },
                "minimum" | "maximum" => match v {
                    Json::Number(n) => {
                        let slot = if key == "minimum" { &mut m.minimum } else { &mut m.maximum };
                        slot.get_or_insert((n, loc));
                    }
                    other => self.wrong_kind(loc, key, other, "a number"),
                },
                // Draft-04 spelled these as booleans; only the numeric (draft-06) form is a bound.
                "exclusiveMinimum" => {
                    if let Json::Number(n) = v {
                        m.exclusive_minimum.get_or_insert(n);
                    }
                }
                "exclusiveMaximum" => {
                    if let Json::Number(n) = v {
                        m.exclusive_maximum.get_or_insert(n);
                    }
                }
                "enum" => match v {
                    Json::Array(values) => {
                        m.enum_values.get_or_insert(values);
                    }
                    other => self.wrong_kind(loc, key, other, "an array of values"),
                },
                "meta:enum" => {
                    if let Json::Object(labels) = v {
                        m.meta_enum.get_or_insert(labels);
                    }
                }
                "default" => {
                    m.default.get_or_insert(v);
                }
                "meta:extends" if self.check_extends => self.check_extends_list(loc, v),
                "properties" => match v {
                    Json::Object(props) => {
                        for (raw, v) in props {
                            let raw: &'d str = raw;
                            let def_loc = Loc { doc: loc.doc, v };
                            if names::is_plain(raw) {
                                m.add_prop(Cow::Borrowed(raw), Def { loc: def_loc, rest: Vec::new() });
                                continue;
                            }
                            let mut segs = names::segments(raw);
                            if segs.is_empty() {
                                continue;
                            }
                            let first = segs.remove(0);
                            m.add_prop(Cow::Owned(first), Def { loc: def_loc, rest: segs });
                        }
                    }
                    other => self.wrong_kind(loc, key, other, "an object of field schemas"),
                },
                "required" => match v {
                    Json::Array(list) => {
                        for (i, name) in list.iter().enumerate() {
                            match name.as_str().map(names::segments) {
                                Some(segs) if !segs.is_empty() => {
                                    if !m.required.contains(&segs) {
                                        m.required.push(segs);
                                    }
                                }
                                Some(_) => {}
                                None => {
                                    self.report(
                                        Code::InvalidSchema,
                                        loc,
                                        At::Member(&[Seg::Key("required"), Seg::Index(i)]),
                                        format!("`required` lists property names, but this entry is {}", name.kind()),
                                        "not a name",
                                    );
                                }
                            }
                        }
                    }
                    other => self.wrong_kind(loc, key, other, "an array of property names"),
                },
                "items" => match v {
                    Json::Bool(_) => {}
                    Json::Object(_) => m.items.push(Loc { doc: loc.doc, v }),
                    Json::Array(tuple) => {
                        self.report(
                            Code::UnsupportedConstruct,
                            loc,
                            At::Member(&[Seg::Key("items")]),
                            "`items` is a list of schemas (a tuple); XDM arrays have one item type, so flowc uses the first".to_owned(),
                            "tuple items",
                        );
                        if let Some(first) = tuple.first() {
                            m.items.push(Loc { doc: loc.doc, v: first });
                        }
                    }
                    other => self.wrong_kind(loc, key, other, "a schema object"),
                },
                "additionalProperties" => match v {
                    Json::Bool(_) => {}
                    Json::Object(_) => m.additional.push(Loc { doc: loc.doc, v }),
                    other => self.wrong_kind(loc, key, other, "a schema object or a boolean"),
                },
                "$ref" => match v {
                    Json::String(r) => reference = Some(r.as_ref()),
                    other => self.wrong_kind(loc, key, other, "a string"),
                },
                "allOf" | "oneOf" | "anyOf" => match v {
                    Json::Array(list) => match key {
                        "allOf" => all_of = Some(list),
                        "oneOf" => one_of = Some(list),
                        _ => any_of = Some(list),
                    },
                    other => self.wrong_kind(loc, key, other, "an array of schemas"),
                },
                _ => {}
            }
        }
        if reference.is_none() && all_of.is_none() && one_of.is_none() && any_of.is_none() {
            return;
        }
        // Own keywords first, then what `$ref` and `allOf` bring: the first statement of a
        // title or a bound wins, so a title beside a `$ref` overrides the target's.
        self.active.push((p, None));
        if let Some(r) = reference {
            self.follow(loc, r, m, depth);
        }
        for member in all_of.into_iter().flatten() {
            self.collect(Loc { doc: loc.doc, v: member }, m, depth + 1);
        }
        if let Some(branches) = one_of {
            self.alternatives(loc, "oneOf", branches, m, depth);
        }
        if let Some(branches) = any_of {
            self.alternatives(loc, "anyOf", branches, m, depth);
        }
        self.active.pop();
    }

    fn declared_type(&mut self, loc: Loc<'d>, v: &'d Json<'d>, m: &mut Merged<'d>) {
        match v {
            Json::String(t) => {
                if !m.types.iter().any(|(x, _)| x == t) {
                    m.types.push((t.as_ref(), loc));
                }
            }
            Json::Array(list) => {
                let kinds: Vec<&'d str> = list.iter().filter_map(Json::as_str).filter(|t| *t != "null").collect();
                if kinds.len() > 1 {
                    self.report(
                        Code::UnsupportedConstruct,
                        loc,
                        At::Member(&[Seg::Key("type")]),
                        format!(
                            "`type` lists {}; an XDM field has one type, so flowc uses `{}`",
                            kinds.join(", "),
                            kinds[0]
                        ),
                        "several types",
                    );
                }
                if let Some(t) = kinds.first()
                    && !m.types.iter().any(|(x, _)| x == *t)
                {
                    m.types.push((t, loc));
                }
            }
            other => self.wrong_kind(loc, "type", other, "a string such as \"string\" or \"object\""),
        }
    }

    fn follow(&mut self, loc: Loc<'d>, reference: &'d str, m: &mut Merged<'d>, depth: usize) {
        match self.docs.resolve(loc.doc, reference) {
            Err(e) => {
                m.broken = true;
                if self.unresolved_reported.insert(ptr(loc.v)) {
                    self.unresolved(loc, reference, e);
                }
            }
            Ok((doc, v)) => {
                let target = ptr(v);
                if let Some(start) = self.active.iter().position(|&(p, _)| p == target) {
                    m.broken = true;
                    let start_name = match self.active[start].1 {
                        Some(r) => r.to_owned(),
                        None => self.docs.docs[doc].name(),
                    };
                    let mut chain = vec![format!("`{start_name}`")];
                    chain.extend(self.active[start + 1..].iter().filter_map(|&(_, r)| r).map(|r| format!("`{r}`")));
                    chain.push(format!("`{reference}`"));
                    self.report(
                        Code::RefCycle,
                        loc,
                        At::Member(&[Seg::Key("$ref")]),
                        format!("`$ref` cycle: `{reference}` leads back to a schema that is still being expanded"),
                        "closes the cycle",
                    )
                    .with_note(format!("the cycle: {}", chain.join(" → ")))
                    .with_help("remove one of the references; a schema cannot include itself");
                    return;
                }
                self.active.push((target, Some(reference)));
                self.collect(Loc { doc, v }, m, depth + 1);
                self.active.pop();
            }
        }
    }

    fn unresolved(&mut self, loc: Loc<'d>, reference: &str, e: RefError) {
        match e {
            RefError::NoSchema { uri } => {
                let nearest = self.docs.nearest_ids(&uri, 5);
                let known = self.docs.id_count();
                let help = if nearest.is_empty() {
                    "no schema file with an `$id` was loaded; put the schema files it refers to in the same folder"
                        .to_owned()
                } else {
                    let list: Vec<String> = nearest.iter().map(|i| format!("`{i}`")).collect();
                    let more = known.saturating_sub(nearest.len());
                    let more = if more > 0 { format!(" (and {more} more)") } else { String::new() };
                    format!("known `$id`s, nearest first: {}{more}", list.join(", "))
                };
                let skipped = self.docs.skipped.len();
                let d = self
                    .report(
                        Code::UnresolvedRef,
                        loc,
                        At::Member(&[Seg::Key("$ref")]),
                        format!("`$ref` to `{uri}`, but no local schema has that `$id`"),
                        "not found",
                    )
                    .with_help(help);
                if uri.starts_with("http://") || uri.starts_with("https://") {
                    d.0.notes.push("flowc never downloads schemas: the file that declares this `$id` must be among the local files".to_owned());
                }
                if skipped > 0 {
                    d.0.notes.push(format!(
                        "{skipped} JSON file(s) beside the schema were skipped: not valid JSON schemas with an `$id`"
                    ));
                }
            }
            RefError::NoFragment { doc, fragment } => {
                let target = &self.docs.docs[doc];
                let mut defs: Vec<(usize, &str)> = match target.value.get("definitions") {
                    Some(Json::Object(members)) => members
                        .iter()
                        .map(|(k, _)| (strsim::levenshtein(&fragment, &format!("/definitions/{k}")), k.as_ref()))
                        .collect(),
                    _ => Vec::new(),
                };
                defs.sort();
                let help = if defs.is_empty() {
                    format!("`{}` has no `definitions`", target.name())
                } else {
                    let list: Vec<String> = defs.iter().take(5).map(|(_, k)| format!("`#/definitions/{k}`")).collect();
                    format!("its definitions, nearest first: {}", list.join(", "))
                };
                let name = target.name();
                self.report(
                    Code::UnresolvedRef,
                    loc,
                    At::Member(&[Seg::Key("$ref")]),
                    format!("`$ref` to `{reference}`: `{name}` has nothing at `#{fragment}`"),
                    "no such definition",
                )
                .with_help(help);
            }
        }
    }

    fn alternatives(&mut self, loc: Loc<'d>, key: &str, branches: &'d [Json<'d>], m: &mut Merged<'d>, depth: usize) {
        let mut data: Vec<(usize, &'d str)> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let mut b = Merged::default();
            self.collect(Loc { doc: loc.doc, v: branch }, &mut b, depth + 1);
            if b.describes_data() {
                data.push((i, b.type_label()));
            }
        }
        // Branches that declare no data (like the JSON-LD `@context` of `extensible`)
        // contribute nothing.
        let Some(&(chosen, label)) = data.first() else {
            return;
        };
        let mut labels: Vec<&str> = Vec::new();
        for (_, l) in &data {
            if !labels.contains(l) {
                labels.push(l);
            }
        }
        if labels.len() > 1 || data.iter().any(|(_, l)| *l == "object") && data.len() > 1 {
            self.report(
                Code::UnsupportedConstruct,
                loc,
                At::Member(&[Seg::Key(key)]),
                format!(
                    "`{key}` offers {}; an XDM field has one type, so flowc uses the first, `{label}`",
                    labels.join(" or ")
                ),
                "alternatives",
            );
        }
        self.collect(Loc { doc: loc.doc, v: &branches[chosen] }, m, depth + 1);
    }

    fn check_extends_list(&mut self, loc: Loc<'d>, ext: &'d Json<'d>) {
        if !self.extends_checked.insert(loc.doc) {
            return;
        }
        let Some(list) = ext.as_array() else { return };
        for (i, entry) in list.iter().enumerate() {
            let Some(id) = entry.as_str() else { continue };
            if self.docs.resolve(loc.doc, id).is_err() {
                let nearest: Vec<String> = self.docs.nearest_ids(id, 3).iter().map(|i| format!("`{i}`")).collect();
                self.report(
                    Code::UnresolvedExtends,
                    loc,
                    At::Member(&[Seg::Key("meta:extends"), Seg::Index(i)]),
                    format!("`meta:extends` names `{id}`, but no local schema has that `$id`"),
                    "not found",
                )
                .with_help(format!(
                    "add the schema file that declares it to the folder; known `$id`s, nearest first: {}",
                    nearest.join(", ")
                ))
                .with_note("fields come from `allOf`, so the index is built without it; some fields may be missing");
            }
        }
    }

    fn wrong_kind(&mut self, loc: Loc<'d>, key: &str, found: &Json<'_>, expected: &str) {
        let segs = [Seg::Key(key)];
        self.report(
            Code::InvalidSchema,
            loc,
            At::Member(&segs),
            format!("`{key}` must be {expected}, but is {}", found.kind()),
            "wrong kind of value",
        );
    }

    fn report(
        &mut self,
        code: Code,
        loc: Loc<'d>,
        at: At<'_>,
        message: String,
        label: impl Into<String>,
    ) -> Adding<'_> {
        let span = self.span(loc, at);
        let doc = &self.docs.docs[loc.doc];
        let error = SchemaError::in_file(
            doc.file.to_owned(),
            doc.text.clone(),
            Diagnostic::new(code, span, message).with_label(label),
        );
        self.errors.push(error);
        let last = self.errors.len() - 1;
        Adding(&mut self.errors[last].diagnostic)
    }

    /// Finds the span again in the raw text (only on the error path).
    fn span(&mut self, loc: Loc<'d>, at: At<'_>) -> Span {
        let docs: &'d Docs<'d> = self.docs;
        let doc = &docs.docs[loc.doc];
        let parents = self.parents.entry(loc.doc).or_insert_with(|| parent_map(&doc.value));
        let mut path = Vec::new();
        let mut p = ptr(loc.v);
        while let Some(&(parent, seg)) = parents.get(&p) {
            path.push(seg);
            p = parent;
        }
        path.reverse();
        let spanned = self.spanned.entry(loc.doc).or_insert_with(|| flowc_diag::json::parse(doc.text).ok());
        let found = spanned.as_ref().and_then(|json| match at {
            At::Schema => jsontext::locate_in(json, &path),
            At::Member(extra) => {
                let full: Vec<Seg<'_>> = path.iter().copied().chain(extra.iter().copied()).collect();
                jsontext::locate_in(json, &full).or_else(|| jsontext::locate_in(json, &path))
            }
            At::Name => match path.split_last() {
                Some((Seg::Key(k), parent)) => jsontext::locate_key_in(json, parent, k),
                _ => jsontext::locate_in(json, &path),
            },
        });
        // A whole object is a poor primary span: point at its opening brace.
        match found {
            Some(s) if matches!(at, At::Schema) && s.len() > 1 && loc.v.is_object() => Span::new(s.start, s.start + 1),
            Some(s) => s,
            None => Span::empty(0),
        }
    }
}

/// Adds help and notes to a diagnostic just reported.
struct Adding<'a>(&'a mut Diagnostic);

impl Adding<'_> {
    fn with_help(self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    fn with_note(self, note: impl Into<String>) -> Self {
        self.0.notes.push(note.into());
        self
    }
}

/// Child value address → (parent address, step), for turning a `&Json` back into a path.
fn parent_map<'d>(root: &'d Json<'d>) -> HashMap<usize, (usize, Seg<'d>)> {
    let mut map = HashMap::new();
    let mut stack = vec![root];
    while let Some(v) = stack.pop() {
        match v {
            Json::Object(members) => {
                for (k, child) in members {
                    map.insert(ptr(child), (ptr(v), Seg::Key(k.as_ref())));
                    stack.push(child);
                }
            }
            Json::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    map.insert(ptr(child), (ptr(v), Seg::Index(i)));
                    stack.push(child);
                }
            }
            _ => {}
        }
    }
    map
}

/// The smallest integer type covering both bounds; `long` when either is missing.
fn integer_width(minimum: Option<&Number>, maximum: Option<&Number>) -> XdmType {
    let (Some(lo), Some(hi)) = (minimum.and_then(Number::as_f64), maximum.and_then(Number::as_f64)) else {
        return XdmType::Long;
    };
    for t in [XdmType::Byte, XdmType::Short, XdmType::Int] {
        let (a, b) = t.integer_range().unwrap_or((i64::MIN, i64::MAX));
        if lo >= a as f64 && hi <= b as f64 {
            return t;
        }
    }
    XdmType::Long
}

/// Why `meta:xdmType: x` cannot describe a field declared as JSON type `json`, if it cannot.
fn contradiction(x: XdmType, json: &str, m: &Merged<'_>) -> Option<String> {
    if x.json_type() != json {
        return Some(format!("`type: {json}` (an XDM `{x}` is stored as `type: {}`)", x.json_type()));
    }
    match (x, m.format) {
        (XdmType::String, Some(f @ ("date" | "date-time"))) => {
            return Some(format!("`format: {f}`, which makes the field a `{f}`"));
        }
        (XdmType::Date | XdmType::DateTime, Some(f)) if f != x.as_str() => {
            return Some(format!("`format: {f}` (a `{x}` has `format: {x}`)"));
        }
        _ => {}
    }
    if let Some((lo, hi)) = x.integer_range() {
        for (bound, n) in [("minimum", m.minimum), ("maximum", m.maximum)] {
            let Some((n, _)) = n else { continue };
            let v = n.as_f64().unwrap_or(0.0);
            if v < lo as f64 || v > hi as f64 {
                return Some(format!("`{bound}: {n}`, outside the `{x}` range {lo} to {hi}"));
            }
        }
    }
    if x == XdmType::Map && m.has_fields() {
        return Some("its `properties` (a map has no fixed fields, only `additionalProperties`)".to_owned());
    }
    None
}

/// A path short enough for a message: its last ~100 bytes, cut at a segment boundary.
fn shorten(path: &str) -> String {
    const MAX: usize = 100;
    if path.len() <= MAX {
        return if path.is_empty() { "(root)".to_owned() } else { path.to_owned() };
    }
    let mut cut = path.len() - MAX;
    while !path.is_char_boundary(cut) {
        cut += 1;
    }
    let tail = &path[cut..];
    match tail.find('.') {
        Some(dot) => format!("…{}", &tail[dot..]),
        None => format!("…{tail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: i64) -> Number {
        Number::from(v)
    }

    #[test]
    fn integer_width_is_the_smallest_covering_both_bounds() {
        assert_eq!(integer_width(Some(&n(1)), Some(&n(32767))), XdmType::Short);
        assert_eq!(integer_width(Some(&n(0)), Some(&n(127))), XdmType::Byte);
        assert_eq!(integer_width(Some(&n(-129)), Some(&n(0))), XdmType::Short);
        assert_eq!(integer_width(Some(&n(0)), Some(&n(40000))), XdmType::Int);
        assert_eq!(integer_width(Some(&n(0)), Some(&n(1 << 40))), XdmType::Long);
        assert_eq!(integer_width(Some(&n(0)), None), XdmType::Long);
        assert_eq!(integer_width(None, None), XdmType::Long);
    }
}
