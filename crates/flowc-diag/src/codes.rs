//! The code registry. A code's number is its identity: never reuse or renumber one; retire
//! a code by keeping its entry with a note in its explanation. Hundreds give the phase.
//! Each code has an explanation in `explain/<CODE>.md` (a test checks every code also has
//! a fixture that produces it).

use crate::Severity;
use serde::{Serialize, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Comments that steer flowc itself (suppressions).
    Meta,
    /// Reading and parsing a `.flow` file.
    Syntax,
    /// Loading and resolving XDM schemas.
    Schema,
    /// `flowc.toml`.
    Config,
    /// Files that an input names, refused before they are read (the project's boundary).
    Files,
    /// Type-checking mappings against the source columns and the target schema.
    Check,
    /// Validating a flow against its flow spec; cross-object checks.
    Flow,
    /// Building the request bodies.
    Compile,
    /// Reading request bodies from JSON (`flowc check` on JSON, `flowc import`).
    Import,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Meta => "meta",
            Phase::Syntax => "syntax",
            Phase::Schema => "schema",
            Phase::Config => "config",
            Phase::Files => "files",
            Phase::Check => "check",
            Phase::Flow => "flow",
            Phase::Compile => "compile",
            Phase::Import => "import",
        }
    }
}

macro_rules! registry {
    ($( $variant:ident = $num:literal as $code:literal, $name:literal, $phase:ident, $severity:ident, $summary:literal; )*) => {
        /// A stable diagnostic code, printed as `F` and three digits.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u16)]
        pub enum Code {
            $( $variant = $num, )*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// `F101`-style identifier.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// A kebab-case name, stable like the number.
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            pub fn phase(self) -> Phase {
                match self { $( Code::$variant => Phase::$phase, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One line: what the code is about.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// The long explanation with an example (Markdown).
            pub fn explain(self) -> &'static str {
                match self { $( Code::$variant => include_str!(concat!("../explain/", $code, ".md")), )* }
            }
        }
    };
}

registry! {
    // Meta (0xx): comments addressed to flowc.
    SuppressionWithoutReason = 1 as "F001", "suppression-without-reason", Meta, Error,
        "a `# flowc: ignore[...]` comment without a reason";
    MalformedSuppression = 2 as "F002", "malformed-suppression", Meta, Error,
        "a `# flowc:` comment that is not a valid directive";
    UnusedSuppression = 3 as "F003", "unused-suppression", Meta, Warning,
        "a suppression that silences nothing";
    // Configuration (01x): flowc.toml.
    InvalidConfig = 10 as "F010", "invalid-config", Config, Error,
        "flowc.toml cannot be read: bad TOML, an unknown key, a value of the wrong type or an unknown code";
    // Files (02x): files an input names that flowc refuses to read (docs/security.md).
    FileOutsideProject = 20 as "F020", "file-outside-project", Files, Error,
        "a named file lies outside the project (an absolute path, `..` or a symbolic link leading out) and is not allowed in flowc.toml";
    NotARegularFile = 21 as "F021", "not-a-regular-file", Files, Error,
        "a named file is a device, FIFO, socket or kernel pseudo file, which flowc never reads";
    // Syntax (1xx): reading and parsing.
    InvalidUtf8 = 100 as "F100", "invalid-utf8", Syntax, Error,
        "the file is not valid UTF-8";
    UnexpectedToken = 101 as "F101", "unexpected-token", Syntax, Error,
        "the parser found something other than what the grammar allows here";
    UnterminatedString = 102 as "F102", "unterminated-string", Syntax, Error,
        "a string literal has no closing quote on its line";
    UnclosedDelimiter = 103 as "F103", "unclosed-delimiter", Syntax, Error,
        "an opening `(`, `[`, `{` or `${` is never closed";
    UnmatchedDelimiter = 104 as "F104", "unmatched-delimiter", Syntax, Error,
        "a closing `)`, `]` or `}` has no matching opening one";
    UnknownBlock = 105 as "F105", "unknown-block", Syntax, Error,
        "a top-level block name that flowc does not know";
    DuplicateBlock = 106 as "F106", "duplicate-block", Syntax, Error,
        "the same block appears twice in one file";
    UnknownKey = 107 as "F107", "unknown-key", Syntax, Error,
        "a setting that the block does not have";
    DuplicateKey = 108 as "F108", "duplicate-key", Syntax, Error,
        "the same setting appears twice in one block";
    NestingTooDeep = 109 as "F109", "nesting-too-deep", Syntax, Error,
        "expressions or column declarations nest deeper than flowc accepts";
    EmptyFile = 110 as "F110", "empty-file", Syntax, Error,
        "the file holds no block";
    FileTooLarge = 111 as "F111", "file-too-large", Syntax, Error,
        "the file is larger than flowc reads";
    UnknownAttribute = 112 as "F112", "unknown-attribute", Syntax, Error,
        "a mapping entry attribute (`@...`) that flowc does not know, or with wrong arguments";
    InvalidValue = 113 as "F113", "invalid-value", Syntax, Error,
        "a setting's value has the wrong kind (for example a number where a word is expected)";
    UnreadableFile = 114 as "F114", "unreadable-file", Syntax, Error,
        "a file to check was found but cannot be read";
    // Schema (2xx): loading XDM schemas and building the path index.
    SchemaUnreadable = 200 as "F200", "schema-unreadable", Schema, Error,
        "a schema file or folder cannot be read (missing, not a file, not UTF-8)";
    InvalidJson = 201 as "F201", "invalid-json", Schema, Error,
        "a schema file is not well-formed JSON";
    UnresolvedRef = 202 as "F202", "unresolved-ref", Schema, Error,
        "a `$ref` names a schema or definition that no local file provides";
    RefCycle = 203 as "F203", "ref-cycle", Schema, Error,
        "a `$ref` chain or a field's own type leads back to itself";
    XdmTypeMismatch = 204 as "F204", "xdm-type-mismatch", Schema, Error,
        "`meta:xdmType` is unknown or contradicts the field's `type`, `format` or range";
    UnknownSchemaId = 205 as "F205", "unknown-schema-id", Schema, Error,
        "the class or field group asked for is not in the schema folder";
    SchemaTooDeep = 206 as "F206", "schema-too-deep", Schema, Error,
        "a schema nests deeper than flowc follows";
    SchemaTooLarge = 207 as "F207", "schema-too-large", Schema, Error,
        "a schema file, or the fields it expands to, exceeds flowc's limits";
    InvalidSchema = 208 as "F208", "invalid-schema", Schema, Error,
        "a schema keyword has a value of the wrong JSON type, or a field has no type";
    ConflictingField = 209 as "F209", "conflicting-field", Schema, Error,
        "two definitions of the same field path disagree on its type";
    UnsupportedConstruct = 210 as "F210", "unsupported-construct", Schema, Warning,
        "JSON Schema that XDM cannot express; flowc approximates the field";
    UnresolvedExtends = 211 as "F211", "unresolved-extends", Schema, Warning,
        "a `meta:extends` entry names a schema that no local file provides";
    DuplicateSchemaId = 212 as "F212", "duplicate-schema-id", Schema, Warning,
        "two files in the schema folder declare the same `$id`";
    FieldGroupNotForClass = 213 as "F213", "field-group-not-for-class", Schema, Warning,
        "a field group's `meta:intendedToExtend` does not list the chosen class";
    MissingSchemaId = 214 as "F214", "missing-schema-id", Schema, Warning,
        "a schema file has no `$id`, so nothing can refer to it";
    // Check (3xx): mappings against the source columns and the target schema.
    UnknownSourceField = 300 as "F300", "unknown-source-field", Check, Error,
        "an expression reads a field the source does not have";
    UnknownDestination = 301 as "F301", "unknown-destination", Check, Error,
        "a destination path that the target schema does not have";
    DestinationKind = 302 as "F302", "destination-kind", Check, Error,
        "an object, array or map destination given a value of another kind";
    ImpossibleConversion = 303 as "F303", "impossible-conversion", Check, Error,
        "a value that cannot become the destination's XDM type";
    LossyConversion = 304 as "F304", "lossy-conversion", Check, Warning,
        "a value the platform converts at run time, nulling the field when it fails";
    ConstraintViolation = 305 as "F305", "constraint-violation", Check, Error,
        "a constant outside the destination's enum, pattern, length, range or format";
    UnknownFunction = 306 as "F306", "unknown-function", Check, Error,
        "a function or method that Data Prep does not have";
    WrongArity = 307 as "F307", "wrong-arity", Check, Error,
        "a call with the wrong number of arguments";
    WrongArgumentType = 308 as "F308", "wrong-argument-type", Check, Error,
        "an argument of a type the function does not take";
    UnavailableFunction = 309 as "F309", "unavailable-function", Check, Error,
        "a function that source dataflows cannot use (destinations-only, Analytics-only)";
    FunctionOnEachPath = 310 as "F310", "function-on-each-path", Check, Error,
        "a function applied to a `[*]` path";
    ExpressionTooLong = 311 as "F311", "expression-too-long", Check, Error,
        "an expression longer than the 4,096 characters Data Prep accepts";
    ReservedWord = 312 as "F312", "reserved-word", Check, Error,
        "a field named by a reserved word or a function name, not quoted with `${...}`";
    InvalidRegex = 313 as "F313", "invalid-regex", Check, Error,
        "a regular expression that does not compile";
    InvalidDatePattern = 314 as "F314", "invalid-date-pattern", Check, Error,
        "a Java date pattern that does not compile";
    SuspiciousDatePattern = 315 as "F315", "suspicious-date-pattern", Check, Warning,
        "a Java date pattern with a classic mistake (`YYYY`, `DD`, `hh` without `a`)";
    DuplicateDestination = 316 as "F316", "duplicate-destination", Check, Error,
        "two entries write the same destination";
    ParentAndChild = 317 as "F317", "parent-and-child", Check, Error,
        "entries write both an object and one of its fields";
    CardinalityMismatch = 318 as "F318", "cardinality-mismatch", Check, Error,
        "`[*]` on one side of an entry and not (or not as often) on the other";
    RequiredUnmapped = 319 as "F319", "required-unmapped", Check, Error,
        "a required field of the target schema is left unmapped";
    IdentityWithoutNamespace = 320 as "F320", "identity-without-namespace", Check, Error,
        "an identity without an identity namespace";
    MultiplePrimaryIdentities = 321 as "F321", "multiple-primary-identities", Check, Error,
        "more than one primary identity";
    IdentityNotString = 322 as "F322", "identity-not-string", Check, Error,
        "an identity on a field that is not a string";
    TargetSchemaUnavailable = 323 as "F323", "target-schema-unavailable", Check, Error,
        "the target schema cannot be loaded, so destinations are not checked";
    SourceColumnsUnavailable = 324 as "F324", "source-columns-unavailable", Check, Warning,
        "the source columns are unknown, so source fields are not checked";
    UnknownSourceType = 325 as "F325", "unknown-source-type", Check, Warning,
        "a column declared with a type flowc does not know";
    // Flow (4xx): the flow against its flow spec, and across the four objects.
    UnknownFlowSpec = 400 as "F400", "unknown-flow-spec", Flow, Error,
        "the flow block names a flow spec (or version) that no built-in or loaded flow spec file has";
    InvalidFlowSpecFile = 401 as "F401", "invalid-flow-spec-file", Flow, Error,
        "a flow spec file is not a `GET /flowSpecs` response: bad JSON, no id/name/version, or an invalid schema";
    ScheduleInvalid = 402 as "F402", "schedule-invalid", Flow, Error,
        "the schedule params break the flow spec's `scheduleSpec` schema";
    TransformationInvalid = 403 as "F403", "transformation-invalid", Flow, Error,
        "a transformation's params (the delta block's Copy, the mapping's Mapping) break the flow spec's `transformationSpec` schema";
    OptionsInvalid = 404 as "F404", "options-invalid", Flow, Error,
        "the options break the flow spec's `optionSpec` schema";
    UnknownParam = 405 as "F405", "unknown-param", Flow, Warning,
        "a schedule or options key that the flow spec's schema does not define";
    SourceSpecNotAccepted = 406 as "F406", "source-spec-not-accepted", Flow, Error,
        "the source connection spec is not among the flow spec's `sourceConnectionSpecIds`";
    TargetSpecNotAccepted = 407 as "F407", "target-spec-not-accepted", Flow, Error,
        "the target connection spec is not the data lake's, or not among the flow spec's `targetConnectionSpecIds`";
    NoMappingTransformation = 408 as "F408", "no-mapping-transformation", Flow, Error,
        "the flow has no mapping, or its flow spec no `Mapping` transformation (server error 1370)";
    DeltaColumnInvalid = 409 as "F409", "delta-column-invalid", Flow, Error,
        "the delta column is not a source column, or not of a date or date-time type";
    StartTimeInMilliseconds = 410 as "F410", "start-time-in-milliseconds", Flow, Error,
        "`startTime` is a 13-digit epoch in milliseconds; schedules take epoch seconds";
    StartTimeInPast = 411 as "F411", "start-time-in-past", Flow, Warning,
        "`startTime` is before the clock given with `--now` or flowc.toml's `now` (server error 1360)";
    SchemaMismatch = 412 as "F412", "schema-mismatch", Flow, Error,
        "the mapping set's target schema is not the target connection's schema (id and version; server error 1425)";
    // Compile (5xx): building request bodies.
    MissingSetting = 500 as "F500", "missing-setting", Compile, Error,
        "a setting that a request body needs is missing (a new connection's ids, the target schema, the flow's name)";
    IncompleteFlow = 501 as "F501", "incomplete-flow", Compile, Error,
        "a `flow` block without a `source`, `target` or `mapping` block";
    IgnoredSetting = 502 as "F502", "ignored-setting", Compile, Warning,
        "a setting that no request uses (a create setting of an existing connection, `table` of a file source)";
    IdentityNotSent = 503 as "F503", "identity-not-sent", Compile, Warning,
        "`@identity` under the current mapping dialect, whose mapping set has no identity field";
    TenantPlaceholder = 504 as "F504", "tenant-placeholder", Compile, Warning,
        "`{TENANT_ID}` would reach a request body because the tenant is unknown (`flowc build` refuses it)";
    // Import (6xx): request bodies read from JSON.
    InvalidBodyJson = 600 as "F600", "invalid-body-json", Import, Error,
        "a JSON file is not valid JSON (or not UTF-8)";
    UnknownBody = 601 as "F601", "unknown-body", Import, Error,
        "a JSON file is none of the request bodies flowc knows";
    DuplicateBody = 602 as "F602", "duplicate-body", Import, Error,
        "a second body of the same kind in one dataflow (two flows, two mapping sets, ...)";
    ToleratedType = 603 as "F603", "tolerated-type", Import, Warning,
        "a value of a type the platform accepts but the flow spec's schema does not (`\"interval\": \"30\"`)";
    WrongJsonType = 604 as "F604", "wrong-json-type", Import, Error,
        "a member of a request body has the wrong JSON type, or a mapping lacks its source or destination";
    NotImported = 605 as "F605", "not-imported", Import, Warning,
        "part of a body that a flowc file cannot carry, left out of the import";
    NotWritable = 606 as "F606", "not-writable", Import, Error,
        "a source or destination that cannot be written in a flowc file as it is (it would change the file's structure)";
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = ();
    /// Accepts `F101`, `f101`, `101` or the kebab-case name.
    fn from_str(s: &str) -> Result<Code, ()> {
        let digits = s.strip_prefix(['F', 'f']).unwrap_or(s);
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s || digits.parse::<u16>().ok().is_some_and(|n| n == *c as u16) && digits.len() == 3)
            .ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_named() {
        let mut seen = std::collections::HashSet::new();
        for pair in Code::ALL.windows(2) {
            assert!((pair[0] as u16) < (pair[1] as u16), "registry must stay in numeric order");
        }
        for code in Code::ALL {
            assert!(seen.insert(code.name()), "duplicate name {}", code.name());
            assert_eq!(code.as_str(), format!("F{:03}", *code as u16), "code string must match its number");
            assert!(code.explain().starts_with(&format!("# {code}")), "{code}.md must start with `# {code}`");
            assert!(code.explain().contains("```"), "{code}.md needs an example block");
            assert_eq!(code.as_str().parse::<Code>(), Ok(*code));
            assert_eq!(code.name().parse::<Code>(), Ok(*code));
        }
        assert_eq!("F999".parse::<Code>(), Err(()));
    }
}
