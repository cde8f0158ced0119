//! JSON whose objects keep the order their keys were put in.
//!
//! The workspace's `serde_json` sorts object keys (its `preserve_order` feature is off, and
//! turning it on would change every other crate's output). The request bodies are built as
//! [`Node`]s instead, so the files flowc writes read in the order the platform documents
//! (`name`, `description`, ... `connectionSpec`), and convert to `serde_json::Value` for
//! callers. Same input, same bytes: nothing here depends on hashing or on the clock.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    /// Keys in insertion order; a key appears once.
    Object(Vec<(String, Node)>),
}

impl Node {
    pub fn object() -> Node {
        Node::Object(Vec::new())
    }

    pub fn str(s: impl Into<String>) -> Node {
        Node::String(s.into())
    }

    /// Sets `key`: replaces its value in place when present, else appends it.
    pub fn set(&mut self, key: &str, value: Node) {
        let Node::Object(entries) = self else { panic!("Node::set on a non-object") };
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => entries.push((key.to_owned(), value)),
        }
    }

    /// `set`, chained.
    pub fn with(mut self, key: &str, value: Node) -> Node {
        self.set(key, value);
        self
    }

    /// `set` when there is a value.
    pub fn with_opt(mut self, key: &str, value: Option<Node>) -> Node {
        if let Some(value) = value {
            self.set(key, value);
        }
        self
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a JSON pointer (`/outputSchema/schemaRef/id`).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut at = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let key = raw.replace("~1", "/").replace("~0", "~");
            at = match at {
                Node::Object(_) => at.get(&key)?,
                Node::Array(items) => items.get(key.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(at)
    }

    pub fn as_array(&self) -> Option<&Vec<Node>> {
        match self {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Node::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.clone()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Object(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_value())).collect()),
        }
    }

    /// From a `serde_json::Value` (its keys in the order that map iterates them).
    pub fn from_value(value: &Value) -> Node {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Number(n.clone()),
            Value::String(s) => Node::String(s.clone()),
            Value::Array(items) => Node::Array(items.iter().map(Node::from_value).collect()),
            Value::Object(map) => Node::Object(map.iter().map(|(k, v)| (k.clone(), Node::from_value(v))).collect()),
        }
    }

    /// From JSON read with its positions (keys in the order written; a repeated key keeps
    /// its first position and its last value, as serde_json does).
    pub fn from_json(json: &flowc_diag::json::Json) -> Node {
        use flowc_diag::json::JsonKind;
        match &json.kind {
            JsonKind::Null => Node::Null,
            JsonKind::Bool(b) => Node::Bool(*b),
            JsonKind::Number(n) => n.parse::<Number>().map_or(Node::Null, Node::Number),
            JsonKind::String(s) => Node::String(s.clone()),
            JsonKind::Array(items) => Node::Array(items.iter().map(Node::from_json).collect()),
            JsonKind::Object(members) => {
                // Keys are looked up in a map, not the list: objects may have thousands.
                let mut entries: Vec<(String, Node)> = Vec::with_capacity(members.len());
                let mut index: std::collections::HashMap<&str, usize> =
                    std::collections::HashMap::with_capacity(members.len());
                for m in members {
                    let value = Node::from_json(&m.value);
                    match index.get(m.key.as_str()) {
                        Some(&at) => entries[at].1 = value,
                        None => {
                            index.insert(&m.key, entries.len());
                            entries.push((m.key.clone(), value));
                        }
                    }
                }
                Node::Object(entries)
            }
        }
    }

    /// Pretty-printed with two-space indents (serde_json's layout) and a final newline.
    pub fn to_pretty(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("JSON nodes always serialize");
        text.push('\n');
        text
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Number(n) => n.serialize(s),
            Node::String(v) => s.serialize_str(v),
            Node::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
        Ok(Number::from_f64(n).map_or(Node::Null, Node::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(Node::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        // A repeated key keeps its first position and its last value, as serde_json does.
        let mut node = Node::object();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            node.set(&k, v);
        }
        Ok(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_insertion_order_and_print_like_serde_json() {
        let node = Node::object().with("z", Node::str("last")).with("a", Node::Number(1.into()));
        assert_eq!(node.to_pretty(), "{\n  \"z\": \"last\",\n  \"a\": 1\n}\n");
        assert_eq!(node.to_value(), serde_json::json!({"a": 1, "z": "last"}));
    }

    #[test]
    fn parsing_keeps_the_file_order() {
        let node: Node = serde_json::from_str(r#"{"b": [1, 2.5, null], "a": {"y": true, "x": "s"}, "b": 0}"#).unwrap();
        assert_eq!(serde_json::to_string(&node).unwrap(), r#"{"b":0,"a":{"y":true,"x":"s"}}"#);
    }
}
