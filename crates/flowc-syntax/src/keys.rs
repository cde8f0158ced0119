//! The settings each block accepts. `schedule` and `options` are open: their keys are the
//! flow spec's to define, and the flow-spec validation checks them.

use crate::ast::BlockKind;

/// What kind of value a setting takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A quoted string.
    Text,
    /// A bare word or a quoted string.
    Name,
    /// One of a closed set of words (quoted or not).
    OneOf(&'static [&'static str]),
    /// An array of strings.
    TextList,
}

pub struct KeySpec {
    pub key: &'static str,
    pub shape: Shape,
    pub doc: &'static str,
}

const fn key(key: &'static str, shape: Shape, doc: &'static str) -> KeySpec {
    KeySpec { key, shape, doc }
}

pub const SOURCE_FORMATS: &[&str] = &["tabular", "delimited", "json", "parquet"];

const FLOW: &[KeySpec] = &[
    key("name", Shape::Text, "the flow's name"),
    key("description", Shape::Text, "the flow's description"),
    key("spec", Shape::Name, "the flow spec, by name (`CRMToAEP`) or by id"),
    key("spec_version", Shape::Text, "the flow spec's version (default \"1.0\")"),
];

const SOURCE: &[KeySpec] = &[
    key("name", Shape::Text, "the source connection's name"),
    key("description", Shape::Text, "the source connection's description"),
    key("connection", Shape::Text, "the id of an existing source connection (no create request)"),
    key("connection_spec", Shape::Text, "the source's connection spec id"),
    key("connection_spec_version", Shape::Text, "the connection spec's version (default \"1.0\")"),
    key("base_connection", Shape::Text, "the id of the authenticated base connection"),
    key("format", Shape::OneOf(SOURCE_FORMATS), "the data format"),
    key("table", Shape::Text, "the table of a table-based source"),
    key("path", Shape::Text, "the file or folder of a file-based source"),
];

const TARGET: &[KeySpec] = &[
    key("name", Shape::Text, "the target connection's name"),
    key("description", Shape::Text, "the target connection's description"),
    key("connection", Shape::Text, "the id of an existing target connection (no create request)"),
    key("connection_spec", Shape::Text, "the target connection spec id (the data lake's by default)"),
    key("connection_spec_version", Shape::Text, "the connection spec's version (default \"1.0\")"),
    key("schema", Shape::Text, "the target XDM schema's `$id`"),
    key("schema_version", Shape::Text, "the schema's content type and version"),
    key("schema_file", Shape::Text, "a Schema Registry (xed-full) JSON file of the schema"),
    key("xdm_dir", Shape::Text, "a folder of XDM source-form schemas"),
    key("class", Shape::Text, "the class `$id` (with `xdm_dir`)"),
    key("field_groups", Shape::TextList, "field group `$id`s (with `xdm_dir`)"),
    key("dataset", Shape::Text, "the target dataset id"),
    key("format", Shape::Name, "the target data format (default parquet_xdm)"),
];

const DELTA: &[KeySpec] = &[
    key("column", Shape::Name, "the source column that tells new rows"),
    key("date_format", Shape::Text, "its Java date pattern, such as \"yyyy-MM-dd HH:mm:ss\""),
    key("timezone", Shape::Text, "its time zone, such as \"UTC\""),
];

/// The keys of a block, or `None` when the block's keys are open (`schedule`, `options`)
/// or it holds no settings (`mapping`).
pub fn keys(kind: BlockKind) -> Option<&'static [KeySpec]> {
    match kind {
        BlockKind::Flow => Some(FLOW),
        BlockKind::Source => Some(SOURCE),
        BlockKind::Target => Some(TARGET),
        BlockKind::Delta => Some(DELTA),
        BlockKind::Schedule | BlockKind::Options | BlockKind::Mapping => None,
    }
}
