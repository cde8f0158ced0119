//! The syntax tree. Every node carries the byte span it was parsed from.

use flowc_diag::{Code, Span};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct File {
    pub blocks: Vec<Block>,
    /// Every comment, in source order (the formatter re-attaches them by position).
    #[serde(skip)]
    pub comments: Vec<Span>,
    pub suppressions: Vec<Suppression>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    Flow,
    Source,
    Target,
    Delta,
    Schedule,
    Options,
    Mapping,
}

impl BlockKind {
    pub const ALL: [BlockKind; 7] = [
        BlockKind::Flow,
        BlockKind::Source,
        BlockKind::Target,
        BlockKind::Delta,
        BlockKind::Schedule,
        BlockKind::Options,
        BlockKind::Mapping,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            BlockKind::Flow => "flow",
            BlockKind::Source => "source",
            BlockKind::Target => "target",
            BlockKind::Delta => "delta",
            BlockKind::Schedule => "schedule",
            BlockKind::Options => "options",
            BlockKind::Mapping => "mapping",
        }
    }

    pub fn from_keyword(word: &str) -> Option<BlockKind> {
        BlockKind::ALL.into_iter().find(|k| k.keyword() == word)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Block {
    pub kind: BlockKind,
    pub keyword: Span,
    /// From the keyword to the closing `}`.
    pub span: Span,
    pub items: Vec<Item>,
}

impl Block {
    pub fn settings(&self) -> impl Iterator<Item = &Setting> {
        self.items.iter().filter_map(|i| match i {
            Item::Setting(s) => Some(s),
            _ => None,
        })
    }

    pub fn setting(&self, key: &str) -> Option<&Setting> {
        self.settings().find(|s| s.key.value == key)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.items.iter().filter_map(|i| match i {
            Item::Entry(e) => Some(e),
            _ => None,
        })
    }

    pub fn columns(&self) -> Option<&Columns> {
        self.items.iter().find_map(|i| match i {
            Item::Columns(c) => Some(c),
            _ => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "item", rename_all = "lowercase")]
pub enum Item {
    Setting(Setting),
    Columns(Columns),
    Entry(Entry),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Setting(s) => s.span,
            Item::Columns(c) => c.span(),
            Item::Entry(e) => e.span,
        }
    }
}

/// `key = value`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Setting {
    pub key: Spanned<String>,
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum ValueKind {
    String(String),
    /// The number's text as written (`15`, `-2.5`, `1e3`).
    Number(String),
    Bool(bool),
    Null,
    /// A bare word such as `minute`, `tabular` or `CRMToAEP`.
    Word(String),
    Array(Vec<Value>),
}

impl ValueKind {
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::String(_) => "a string",
            ValueKind::Number(_) => "a number",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Null => "null",
            ValueKind::Word(_) => "a word",
            ValueKind::Array(_) => "an array",
        }
    }

    /// The text of a string or a word.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ValueKind::String(s) | ValueKind::Word(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "lowercase")]
pub enum Columns {
    /// `columns { name: type ... }`
    Inline { span: Span, columns: Vec<Column> },
    /// `columns from "file.json"`
    From { span: Span, path: Spanned<String> },
}

impl Columns {
    pub fn span(&self) -> Span {
        match self {
            Columns::Inline { span, .. } | Columns::From { span, .. } => *span,
        }
    }
}

/// `name: type[] as xdm-type format "pattern" { children }`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub name: Spanned<String>,
    /// The source type as written (`string`, `object`, `decimal`, ...).
    pub source_type: Spanned<String>,
    pub is_array: bool,
    pub xdm_type: Option<Spanned<String>>,
    pub format: Option<Spanned<String>>,
    pub children: Vec<Column>,
    pub span: Span,
}

/// `@attribute(args)` lines, then `destination = expression`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    pub attributes: Vec<Attribute>,
    pub destination: Path,
    pub expr: Expr,
    /// From the first attribute (or the destination) to the end of the expression.
    pub span: Span,
}

impl Entry {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name.value == name)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Attribute {
    pub name: Spanned<String>,
    pub args: Vec<AttributeArg>,
    pub span: Span,
}

impl Attribute {
    pub fn arg(&self, key: &str) -> Option<&AttributeArg> {
        self.args.iter().find(|a| a.key.as_ref().is_some_and(|k| k.value == key))
    }
}

/// `key = value`, a bare flag `primary`, or a positional value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeArg {
    pub key: Option<Spanned<String>>,
    pub value: Option<Value>,
    pub span: Span,
}

/// A field path: `a.b[*].c`, `_{TENANT_ID}.x`, `${First Name}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Path {
    pub segments: Vec<Segment>,
    pub span: Span,
}

impl Path {
    /// The path with names decoded, joined by dots: `a.b[*].c`. A name that holds a dot is
    /// written with `\.` so the result reads back as the same path.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for (i, seg) in self.segments.iter().enumerate() {
            match &seg.kind {
                SegmentKind::Field { name, .. } => {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(&name.replace('.', "\\."));
                }
                SegmentKind::Index(n) => out.push_str(&format!("[{n}]")),
                SegmentKind::Each => out.push_str("[*]"),
            }
        }
        out
    }

    pub fn has_each(&self) -> bool {
        self.segments.iter().any(|s| matches!(s.kind, SegmentKind::Each))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Segment {
    pub kind: SegmentKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    /// `quoted` is true for `${...}`.
    Field {
        name: String,
        quoted: bool,
    },
    Index(u64),
    /// `[*]`
    Each,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Nodes on the longest path from here to a leaf (a leaf is 1). The parser refuses
    /// trees higher than [`crate::MAX_EXPR_HEIGHT`], so every later pass may recurse.
    #[serde(skip)]
    pub height: u32,
}

impl Expr {
    /// A node over already-built children; its height follows from theirs.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let height = 1 + kind.children().map(|c| c.height).max().unwrap_or(0);
        Expr { kind, span, height }
    }
}

impl ExprKind {
    /// The direct sub-expressions, in source order.
    pub fn children(&self) -> impl Iterator<Item = &Expr> {
        let (boxed, listed): ([Option<&Expr>; 3], &[Expr]) = match self {
            ExprKind::String(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null | ExprKind::Path(_) => {
                ([None, None, None], &[])
            }
            ExprKind::Array(items) | ExprKind::Call { args: items, .. } => ([None, None, None], items),
            ExprKind::Method { receiver, args, .. } => ([Some(receiver), None, None], args),
            ExprKind::Member { object, .. } | ExprKind::Paren(object) => ([Some(object), None, None], &[]),
            ExprKind::Index { object, index } => ([Some(object), Some(index), None], &[]),
            ExprKind::Unary { operand, .. } => ([Some(operand), None, None], &[]),
            ExprKind::Binary { lhs, rhs, .. } => ([Some(lhs), Some(rhs), None], &[]),
            ExprKind::Ternary { condition, then, otherwise } => ([Some(condition), Some(then), Some(otherwise)], &[]),
        };
        boxed.into_iter().flatten().chain(listed)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExprKind {
    String(String),
    Number(String),
    Bool(bool),
    Null,
    Array(Vec<Expr>),
    Path(Path),
    Call {
        name: Spanned<String>,
        args: Vec<Expr>,
    },
    Method {
        receiver: Box<Expr>,
        name: Spanned<String>,
        args: Vec<Expr>,
    },
    Member {
        object: Box<Expr>,
        name: Spanned<String>,
    },
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    Unary {
        op: Spanned<UnaryOp>,
        operand: Box<Expr>,
    },
    Binary {
        op: Spanned<BinaryOp>,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Ternary {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `(inner)`: kept so spans and rewrites stay faithful to the source.
    Paren(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
    BitNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BinaryOp {
    Or,
    And,
    BitOr,
    BitXor,
    BitAnd,
    Eq,
    Ne,
    Match,
    NotMatch,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suppression {
    pub codes: Vec<Spanned<Code>>,
    pub reason: String,
    /// The comment itself.
    pub span: Span,
    /// What it silences: the line it ends, or the next item; `None` for `ignore-file`.
    pub target: Option<Span>,
}
