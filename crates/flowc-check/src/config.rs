//! `flowc.toml`: the project settings that a flow file cannot carry itself.
//!
//! The file is found upward from a checked file's folder ([`Config::find`]); the nearest
//! one wins. Every key is documented in `docs/config.md`, and [`INIT_TEMPLATE`] is a fully
//! commented example. Every problem in the file is an [`F010`](Code::InvalidConfig)
//! diagnostic placed at the offending key or value of the TOML text.
//!
//! ```toml
//! tenant = "acme"                          # `_{TENANT_ID}` in destinations is read as `_acme`
//! now = "2026-11-28T00:00:00Z"             # the clock of time-dependent checks
//! flowspecs = ["flowspecs/*.json"]         # extra flow spec files
//! allow = ["../shared-schemas"]            # outside the project, flow files may name these
//!
//! [[schema]]                               # where a target schema `$id` is defined
//! id = "https://ns.adobe.com/acme/schemas/payments"
//! file = "schemas/payments.xed.json"
//!
//! [lint]
//! ignore = ["F304"]
//! fail_on = "warning"
//! [lint.severity]
//! F304 = "error"
//! [lint.per_file_ignores]
//! "legacy/**/*.flow" = ["F319"]
//! ```

use flowc_diag::files::{FileProvider, MAX_FILE_BYTES, ProjectFiles, normalize};
use flowc_diag::{Code, Diagnostic, Phase, Severity, Span};
use globset::{GlobBuilder, GlobMatcher};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The name of the configuration file.
pub const FILE_NAME: &str = "flowc.toml";

/// A fully commented example configuration, for a `flowc init` command to write.
pub const INIT_TEMPLATE: &str = include_str!("../assets/flowc.toml");

/// The keys of the top level, of a `[[schema]]` entry and of `[lint]`.
const TOP_KEYS: &[&str] = &["tenant", "now", "flowspecs", "allow", "schema", "lint"];
const SCHEMA_KEYS: &[&str] = &["id", "file", "xdm_dir", "class", "field_groups"];
const LINT_KEYS: &[&str] = &["ignore", "fail_on", "severity", "per_file_ignores"];
const LEVELS: &[&str] = &["error", "warning", "info", "off"];
const FAIL_ON: &[&str] = &["error", "warning"];

/// A loaded, valid `flowc.toml`.
#[derive(Clone, Debug)]
pub struct Config {
    /// The `flowc.toml` file itself.
    pub path: PathBuf,
    /// Its folder: relative paths and globs in the file start here.
    pub dir: PathBuf,
    /// `tenant = "acme"`: the tenant namespace. `_{TENANT_ID}` in destinations (and
    /// `{TENANT_ID}` in schema ids) is read as `_acme` (`acme`). Written without the
    /// leading underscore.
    pub tenant: Option<String>,
    /// `now = "2026-11-28T00:00:00Z"`: the clock of time-dependent checks (such as a
    /// schedule start time in the past), in epoch seconds. RFC 3339 with `Z` or an offset,
    /// as a string or a TOML offset date-time, or epoch seconds (an integer or a string of
    /// digits), as `--now` takes it. Absent: no such checks, so that CI runs are
    /// deterministic.
    pub now: Option<i64>,
    /// `flowspecs = ["flowspecs/*.json"]`: extra flow spec files (a `GET /flowSpecs`
    /// response: one spec or `{"items": [...]}`), paths or globs relative to [`Config::dir`].
    /// Globs are expanded when the file is loaded; the list is sorted and has no duplicates.
    pub flowspecs: Vec<PathBuf>,
    /// `allow = ["../shared-schemas"]`: files and folders outside the project (this file's
    /// folder) that the files it applies to may name; relative to [`Config::dir`].
    pub allow: Vec<PathBuf>,
    /// `[[schema]]` entries: where the definition of a target schema `$id` comes from.
    pub schemas: Vec<SchemaEntry>,
    /// `[lint]`: which findings are reported, and how severe they are.
    pub lint: Lint,
}

/// Where a target schema's definition comes from. Paths are resolved against the folder of
/// `flowc.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaLocation {
    /// `file = "schemas/payments.xed.json"`: a Schema Registry download
    /// (`Accept: application/vnd.adobe.xed-full+json;version=1`).
    File(PathBuf),
    /// `xdm_dir = "xdm/components"`, `class = "<$id>"`, `field_groups = ["<$id>", ...]`:
    /// composed from a folder of XDM source schemas.
    Xdm { dir: PathBuf, class: String, field_groups: Vec<String> },
}

impl SchemaLocation {
    /// The same location as the schema loader takes it.
    pub fn to_source(&self) -> flowc_schema::SchemaSource {
        match self {
            SchemaLocation::File(path) => flowc_schema::SchemaSource::RegistryFile(path.clone()),
            SchemaLocation::Xdm { dir, class, field_groups } => flowc_schema::SchemaSource::Xdm {
                dir: dir.clone(),
                class: class.clone(),
                field_groups: field_groups.clone(),
            },
        }
    }
}

/// One `[[schema]]` entry: `id` is the schema's `$id`, as a flow file's
/// `target { schema = "<$id>" }` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaEntry {
    pub id: String,
    pub location: SchemaLocation,
}

/// The `[lint]` table.
#[derive(Clone, Debug, Default)]
pub struct Lint {
    /// `ignore = ["F304"]`: codes never reported.
    pub ignore: Vec<Code>,
    /// `fail_on = "error" | "warning"`: which findings make `flowc check` exit with 1. A
    /// command-line `--fail-on` overrides it. `None` when the file does not say.
    pub fail_on: Option<FailOn>,
    /// `[lint.severity]` `F304 = "error"`: severity overrides (`"error"`, `"warning"`,
    /// `"info"`, or `"off"` to drop the finding).
    pub severity: BTreeMap<Code, Level>,
    /// `[lint.per_file_ignores]` `"legacy/**/*.flow" = ["F319"]`: codes not reported in the
    /// files a glob matches.
    pub per_file_ignores: Vec<PerFileIgnore>,
}

/// Which findings fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
}

impl FailOn {
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity == Severity::Error,
            FailOn::Warning => matches!(severity, Severity::Error | Severity::Warning),
        }
    }
}

/// A severity override.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
    /// Not reported.
    Off,
}

impl Level {
    /// The severity it gives, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }

    fn parse(word: &str) -> Option<Level> {
        Some(match word {
            "error" => Level::Error,
            "warning" => Level::Warning,
            "info" => Level::Info,
            "off" => Level::Off,
            _ => return None,
        })
    }
}

/// One `[lint.per_file_ignores]` entry.
#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    /// The glob as written (relative to the folder of `flowc.toml`).
    pub pattern: String,
    pub codes: Vec<Code>,
    matcher: GlobMatcher,
    /// A pattern without `/` matches the file name in any folder, as in `.gitignore`.
    name_only: bool,
}

impl PerFileIgnore {
    /// Whether the entry applies to a file, given as a `/`-separated path relative to the
    /// folder of `flowc.toml`.
    pub fn matches(&self, relative: &str) -> bool {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        self.matcher.is_match(relative) || (self.name_only && self.matcher.is_match(name))
    }
}

/// `flowc.toml` cannot be used: its text and every problem found in it.
#[derive(Clone, Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        write!(f, "{}: {n} problem{}", self.path.display(), if n == 1 { "" } else { "s" })?;
        if let Some(first) = self.diagnostics.first() {
            write!(f, ": {}", first.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Nearest `flowc.toml` at or above `dir` (a relative `dir` starts from the current
    /// directory); the search stops at the filesystem root. A found file below the current
    /// directory is returned relative to it, as people write paths.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        let start = normalize(&std::path::absolute(dir).ok()?);
        let found = start.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())?;
        let below_cwd = || {
            std::env::current_dir().ok().and_then(|cwd| found.strip_prefix(normalize(&cwd)).ok().map(Path::to_path_buf))
        };
        Some(dir.is_relative().then(below_cwd).flatten().unwrap_or_else(|| found.clone()))
    }

    /// Reads and validates; every problem is a coded diagnostic with a span in the TOML text.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        // A pull request may make flowc.toml a link to a secret: it is read under the same
        // rules as the files a flow file names (its own folder's repository is the project).
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let bytes = match ProjectFiles::for_folder(dir).read(path, MAX_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(refusal) => {
                let d = refusal.diagnostic(Span::empty(0), &path.display().to_string()).unwrap_or_else(|| {
                    Diagnostic::new(
                        Code::InvalidConfig,
                        Span::empty(0),
                        format!("cannot read `{}`: {refusal}", path.display()),
                    )
                    .with_label("this file")
                    .with_help("check that the file exists and can be read")
                });
                return Err(ConfigError { path: path.to_path_buf(), text: String::new(), diagnostics: vec![d] });
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => Config::parse(path, &text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                // The lossy text has U+FFFD (3 bytes) where the bad byte was: same offset.
                let d = Diagnostic::new(Code::InvalidConfig, Span::new(at, at + 1), "flowc.toml is not valid UTF-8")
                    .with_label("not UTF-8")
                    .with_help("TOML files are UTF-8: re-save the file in that encoding");
                Err(ConfigError { path: path.to_path_buf(), text, diagnostics: vec![d] })
            }
        }
    }

    /// Validates `text` as the `flowc.toml` at `path` (whose folder relative paths start
    /// from; files and globs it names are looked up there).
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let mut cx = Cx { dir: &dir, diagnostics: Vec::new() };
        let (root, errors) = DeTable::parse_recoverable(text);
        let mut config = Config {
            path: path.to_path_buf(),
            dir: dir.clone(),
            tenant: None,
            now: None,
            flowspecs: Vec::new(),
            allow: Vec::new(),
            schemas: Vec::new(),
            lint: Lint::default(),
        };
        if errors.is_empty() {
            cx.top(root.get_ref(), text, &mut config);
        } else {
            for e in errors {
                let span = e.span().map_or(Span::empty(0), |r| Span::new(r.start, r.end));
                let message = e.message().trim_end_matches('\n');
                cx.diagnostics.push(
                    Diagnostic::new(Code::InvalidConfig, span, format!("flowc.toml is not valid TOML: {message}"))
                        .with_label("here")
                        .with_help("see https://toml.io for the TOML syntax, and docs/config.md for flowc's keys"),
                );
            }
        }
        if cx.diagnostics.is_empty() {
            Ok(config)
        } else {
            flowc_diag::sort(&mut cx.diagnostics);
            Err(ConfigError { path: path.to_path_buf(), text: text.to_owned(), diagnostics: cx.diagnostics })
        }
    }

    /// The files the flow files it applies to may read: those of its folder (the project),
    /// of its `allow` list, and the flow specs and schemas it names itself.
    pub fn files(&self) -> ProjectFiles {
        let schemas = self.schemas.iter().map(|s| match &s.location {
            SchemaLocation::File(path) => path.clone(),
            SchemaLocation::Xdm { dir, .. } => dir.clone(),
        });
        let listed = self.allow.iter().chain(&self.flowspecs).cloned().chain(schemas);
        ProjectFiles::new(&self.dir).allowing(listed)
    }

    /// The `[[schema]]` entry for a schema `$id`. With a `tenant`, `{TENANT_ID}` in either
    /// id stands for it, so `https://ns.adobe.com/{TENANT_ID}/schemas/x` finds the entry
    /// `https://ns.adobe.com/acme/schemas/x`.
    pub fn schema_for(&self, id: &str) -> Option<&SchemaEntry> {
        if let Some(entry) = self.schemas.iter().find(|e| e.id == id) {
            return Some(entry);
        }
        let tenant = self.tenant.as_deref()?;
        let resolve = |s: &str| s.replace("{TENANT_ID}", tenant);
        let wanted = resolve(id);
        self.schemas.iter().find(|e| resolve(&e.id) == wanted)
    }

    /// Applies ignores, per-file ignores and severity overrides to one file's diagnostics
    /// (`file` is the checked file's path, absolute or relative to the current directory);
    /// removes the ones turned off. Per-file globs match only files under the folder of
    /// `flowc.toml`.
    pub fn apply(&self, file: &Path, diagnostics: &mut Vec<Diagnostic>) {
        let relative = self.relative(file);
        let per_file: Vec<&PerFileIgnore> = match &relative {
            Some(rel) => self.lint.per_file_ignores.iter().filter(|p| p.matches(rel)).collect(),
            None => Vec::new(),
        };
        diagnostics.retain_mut(|d| {
            if self.lint.ignore.contains(&d.code) || per_file.iter().any(|p| p.codes.contains(&d.code)) {
                return false;
            }
            match self.lint.severity.get(&d.code).map(|l| l.severity()) {
                Some(None) => false,
                Some(Some(severity)) => {
                    d.severity = severity;
                    true
                }
                None => true,
            }
        });
    }

    /// `file` relative to the folder of flowc.toml, `/`-separated; `None` outside it.
    fn relative(&self, file: &Path) -> Option<String> {
        let base = normalize(&std::path::absolute(&self.dir).ok()?);
        let file = normalize(&std::path::absolute(file).ok()?);
        let rel = file.strip_prefix(&base).ok()?;
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    }
}

type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;
type Value<'i> = Spanned<DeValue<'i>>;

fn span_of<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

fn list(words: &[&str]) -> String {
    words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
}

/// `a string`, `an integer`: a TOML value's kind in a sentence.
fn kind(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo;
/// a candidate that `word` extends or shortens (`warn` for `warning`) counts as close.
fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, c)| {
            let extends = c.len() >= 4 && (word.starts_with(c) || c.starts_with(word) && word.len() >= 4);
            (d <= 2.max(c.len() / 3) && d < c.len().max(word.len())) || extends || strsim::jaro_winkler(word, c) >= 0.9
        })
        .min()
        .map(|(_, c)| c)
}

/// The validation pass: fills the config and collects diagnostics.
struct Cx<'a> {
    dir: &'a Path,
    diagnostics: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(Code::InvalidConfig, span, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// An unknown key, with the nearest valid one and the list of valid keys.
    fn unknown_key(&mut self, key: &Key<'_>, place: &str, valid: &[&str]) {
        let name = key.get_ref().as_ref();
        let mut d = Diagnostic::new(Code::InvalidConfig, span_of(key), format!("unknown key `{name}` {place}"))
            .with_label("not a key here");
        if let Some(near) = nearest(name, valid.iter().copied()) {
            d = d.with_help(format!("did you mean `{near}`?"));
        } else if place == "in flowc.toml" && LINT_KEYS.contains(&name) {
            d = d.with_help(format!("`{name}` belongs in the `[lint]` table"));
        } else if place == "in flowc.toml" && SCHEMA_KEYS.contains(&name) {
            d = d.with_help(format!("`{name}` belongs in a `[[schema]]` entry"));
        }
        self.diagnostics.push(d.with_note(format!("valid keys: {}", list(valid))));
    }

    fn wrong_type(&mut self, key: &str, value: &Value<'_>, expected: &str) {
        let found = kind(value.get_ref());
        self.error(span_of(value), format!("`{key}` must be {expected}, not {found}")).labels[0].message =
            found.to_owned();
    }

    fn string<'v>(&mut self, key: &str, value: &'v Value<'_>) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => {
                self.wrong_type(key, value, "a string");
                None
            }
        }
    }

    /// An array of strings, each with its span; wrong items are reported and skipped.
    fn strings<'v>(&mut self, key: &str, value: &'v Value<'_>, example: &str) -> Option<Vec<(&'v str, Span)>> {
        let DeValue::Array(items) = value.get_ref() else {
            let found = kind(value.get_ref());
            self.error(span_of(value), format!("`{key}` must be an array of strings, not {found}")).labels[0].message =
                found.to_owned();
            let last = self.diagnostics.last_mut().expect("just pushed");
            last.help = Some(format!("write it as a list, even of one: `{key} = {example}`"));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.as_ref(), span_of(item))),
                other => {
                    let found = kind(other);
                    self.error(span_of(item), format!("the items of `{key}` must be strings, not {found}")).labels[0]
                        .message = found.to_owned();
                }
            }
        }
        Some(out)
    }

    fn top(&mut self, root: &DeTable<'_>, text: &str, config: &mut Config) {
        for (key, value) in root.iter() {
            match key.get_ref().as_ref() {
                "tenant" => config.tenant = self.tenant(value),
                "now" => config.now = self.now(value, text),
                "flowspecs" => {
                    if let Some(patterns) = self.strings("flowspecs", value, "[\"flowspecs/*.json\"]") {
                        config.flowspecs = self.expand(&patterns);
                    }
                }
                "allow" => {
                    if let Some(paths) = self.strings("allow", value, "[\"../shared-schemas\"]") {
                        config.allow = paths.iter().map(|(p, _)| self.dir.join(p)).collect();
                    }
                }
                "schema" => config.schemas = self.schemas(value),
                "lint" => match value.get_ref() {
                    DeValue::Table(table) => config.lint = self.lint(table),
                    _ => {
                        self.wrong_type("lint", value, "a table");
                        self.diagnostics.last_mut().expect("just pushed").help =
                            Some("write it as a `[lint]` section with `ignore`, `fail_on`, `severity` and `per_file_ignores`".into());
                    }
                },
                _ => self.unknown_key(key, "in flowc.toml", TOP_KEYS),
            }
        }
    }

    fn tenant(&mut self, value: &Value<'_>) -> Option<String> {
        let tenant = self.string("tenant", value)?;
        let span = span_of(value);
        if tenant.is_empty() {
            self.error(span, "`tenant` is empty").help =
                Some("write your organization's tenant id, such as `tenant = \"acme\"`, or remove the key".into());
            return None;
        }
        if let Some(rest) = tenant.strip_prefix('_') {
            self.error(span, format!("write the tenant without its leading underscore: `{rest}`")).help = Some(
                format!("flowc reads `_{{TENANT_ID}}` as `_{rest}`: the underscore is part of the path, not of the id"),
            );
            return None;
        }
        if let Some(bad) = tenant.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
            self.error(span, format!("`{tenant}` is not a tenant id: it has {bad:?}")).help =
                Some("a tenant id has letters, digits and underscores only, such as `acme`; Platform shows it in every schema `$id` of your organization".into());
            return None;
        }
        Some(tenant.to_owned())
    }

    fn now(&mut self, value: &Value<'_>, text: &str) -> Option<i64> {
        let span = span_of(value);
        let written = match value.get_ref() {
            DeValue::String(s) => s.as_ref().to_owned(),
            DeValue::Datetime(_) => text.get(span.start..span.end).unwrap_or_default().to_owned(),
            // TOML lets an integer be written `1_795_824_000`.
            DeValue::Integer(_) => text.get(span.start..span.end).unwrap_or_default().replace('_', ""),
            other => {
                let found = kind(other);
                let d = self.error(span, format!("`now` must be an RFC 3339 date-time or epoch seconds, not {found}"));
                d.labels[0].message = found.to_owned();
                d.help = Some(
                    "write it as `now = \"2026-11-28T00:00:00Z\"` or `now = 1795824000`, or remove it to turn time-dependent checks off"
                        .into(),
                );
                return None;
            }
        };
        match instant(&written) {
            Ok(seconds) => Some(seconds),
            Err(why) => {
                let d = self.error(span, format!("`now` is neither an RFC 3339 date-time nor epoch seconds: {why}"));
                d.labels[0].message = "not a date-time".into();
                d.help = Some("write it as `now = \"2026-11-28T00:00:00Z\"` (UTC), with an offset, such as `2026-11-28T09:00:00+01:00`, or as epoch seconds, such as `1795824000`".into());
                None
            }
        }
    }

    /// Expands `flowspecs` patterns against the config's folder.
    fn expand(&mut self, patterns: &[(&str, Span)]) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for &(pattern, span) in patterns {
            let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
            if !has_glob_meta(pattern) {
                let path = self.dir.join(pattern);
                if path.is_file() {
                    out.push(path);
                } else {
                    let what = if path.exists() { "is not a file" } else { "does not exist" };
                    self.error(span, format!("flow spec file `{}` {what}", path.display())).help =
                        Some("paths in flowc.toml are relative to its folder; a glob such as `flowspecs/*.json` takes every file it matches".into());
                }
                continue;
            }
            let matcher = match GlobBuilder::new(pattern).literal_separator(true).build() {
                Ok(glob) => glob.compile_matcher(),
                Err(e) => {
                    self.invalid_glob(span, pattern, &e);
                    continue;
                }
            };
            // Walk from the pattern's literal prefix only.
            let parts: Vec<&str> = pattern.split('/').collect();
            let literal = parts.iter().take_while(|p| !has_glob_meta(p)).count();
            let prefix = parts[..literal].join("/");
            let depth = if pattern.contains("**") { usize::MAX } else { parts.len() - literal };
            let base = if prefix.is_empty() { self.dir.to_path_buf() } else { self.dir.join(&prefix) };
            let mut found = Vec::new();
            walk(&base, &prefix, depth, &mut |rel, path| {
                if matcher.is_match(rel) {
                    found.push(path.to_path_buf());
                }
            });
            if found.is_empty() {
                self.error(span, format!("`{pattern}` matches no file in `{}`", self.dir.display())).help = Some(
                    "globs are relative to the folder of flowc.toml: `*` stays in one folder, `**` crosses folders"
                        .into(),
                );
            }
            out.extend(found);
        }
        out.sort();
        out.dedup();
        out
    }

    fn invalid_glob(&mut self, span: Span, pattern: &str, e: &globset::Error) {
        let d = self.error(span, format!("`{pattern}` is not a valid glob: {}", e.kind()));
        d.labels[0].message = "invalid glob".into();
        d.help = Some(
            "`*` matches within a folder, `**` across folders, `?` one character, `[abc]` one of a set, `{a,b}` either"
                .into(),
        );
    }

    fn schemas(&mut self, value: &Value<'_>) -> Vec<SchemaEntry> {
        let items = match value.get_ref() {
            DeValue::Array(items) => items,
            DeValue::Table(_) => {
                let d =
                    self.error(span_of(value), "`schema` must be an array of tables: write each entry as `[[schema]]`");
                d.labels[0].message = "a single table".into();
                d.help = Some("`[[schema]]` (double brackets) starts one entry; repeat it for each schema".into());
                return Vec::new();
            }
            _ => {
                self.wrong_type("schema", value, "an array of tables (`[[schema]]` entries)");
                return Vec::new();
            }
        };
        let mut entries: Vec<(SchemaEntry, Span)> = Vec::new();
        for item in items.iter() {
            let DeValue::Table(table) = item.get_ref() else {
                self.wrong_type("schema", item, "a table with `id` and `file` (or `xdm_dir`)");
                continue;
            };
            if let Some((entry, id_span)) = self.schema_entry(table, span_of(item)) {
                if let Some((_, first)) = entries.iter().find(|(e, _)| e.id == entry.id) {
                    let first = *first;
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::InvalidConfig,
                            id_span,
                            format!("the schema `{}` has two `[[schema]]` entries", entry.id),
                        )
                        .with_label("second entry")
                        .with_secondary(first, "first entry")
                        .with_help("keep one: a schema `$id` has one definition"),
                    );
                } else {
                    entries.push((entry, id_span));
                }
            }
        }
        entries.into_iter().map(|(e, _)| e).collect()
    }

    fn schema_entry(&mut self, table: &DeTable<'_>, span: Span) -> Option<(SchemaEntry, Span)> {
        let (mut id, mut file, mut xdm_dir, mut class, mut field_groups) = (None, None, None, None, None);
        let mut ok = true;
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            let slot = match name {
                "id" => &mut id,
                "file" => &mut file,
                "xdm_dir" => &mut xdm_dir,
                "class" => &mut class,
                "field_groups" => {
                    match self.strings(
                        "field_groups",
                        value,
                        "[\"https://ns.adobe.com/xdm/context/experienceevent-commerce\"]",
                    ) {
                        Some(list) => {
                            field_groups =
                                Some((list.iter().map(|(s, _)| (*s).to_owned()).collect::<Vec<_>>(), span_of(key)))
                        }
                        None => ok = false,
                    }
                    continue;
                }
                _ => {
                    self.unknown_key(key, "in a `[[schema]]` entry", SCHEMA_KEYS);
                    ok = false;
                    continue;
                }
            };
            match self.string(name, value) {
                Some("") => {
                    self.error(span_of(value), format!("`{name}` is empty"));
                    ok = false;
                }
                Some(s) => *slot = Some((s.to_owned(), span_of(key), span_of(value))),
                None => ok = false,
            }
        }
        let Some((id, _, id_span)) = id else {
            if ok {
                let d = self.error(span, "this `[[schema]]` entry has no `id`");
                d.labels[0].message = "no `id`".into();
                d.help = Some("add `id = \"https://ns.adobe.com/...\"`: the schema `$id` that flow files name in `target { schema = ... }`".into());
            }
            return None;
        };
        let location = match (file, xdm_dir) {
            (Some((_, file_key, _)), Some((_, dir_key, _))) => {
                let (first, second) =
                    if file_key.start < dir_key.start { (file_key, dir_key) } else { (dir_key, file_key) };
                self.diagnostics.push(
                    Diagnostic::new(Code::InvalidConfig, second, format!("the `[[schema]]` entry `{id}` has both `file` and `xdm_dir`"))
                        .with_label("second source")
                        .with_secondary(first, "first source")
                        .with_help("keep one: `file` for a Schema Registry download, or `xdm_dir` with `class` and `field_groups` for XDM source schemas"),
                );
                return None;
            }
            (None, None) => {
                if ok {
                    let d = self.error(id_span, format!("the `[[schema]]` entry `{id}` has no `file` or `xdm_dir`"));
                    d.labels[0].message = "no `file` or `xdm_dir`".into();
                    d.help = Some("add `file = \"schemas/x.xed.json\"` (a Schema Registry xed-full download), or `xdm_dir`, `class` and `field_groups`".into());
                }
                return None;
            }
            (Some((file, _, file_span)), None) => {
                for (extra, what) in
                    [(class.as_ref().map(|c| c.1), "class"), (field_groups.as_ref().map(|f| f.1), "field_groups")]
                {
                    if let Some(at) = extra {
                        let d = self.error(at, format!("`{what}` goes with `xdm_dir`, not with `file`"));
                        d.help = Some("a Schema Registry `file` holds the whole schema: remove this key".into());
                        ok = false;
                    }
                }
                let path = self.dir.join(&file);
                if !path.is_file() {
                    let what = if path.exists() { "is not a file" } else { "does not exist" };
                    self.error(file_span, format!("schema file `{}` {what}", path.display())).help =
                        Some("paths in flowc.toml are relative to its folder; download the schema with `Accept: application/vnd.adobe.xed-full+json;version=1`".into());
                    ok = false;
                }
                SchemaLocation::File(path)
            }
            (None, Some((dir, _, dir_span))) => {
                let path = self.dir.join(&dir);
                if !path.is_dir() {
                    let what = if path.exists() { "is not a folder" } else { "does not exist" };
                    self.error(dir_span, format!("XDM folder `{}` {what}", path.display())).help =
                        Some("`xdm_dir` is a folder of XDM source schemas (`*.schema.json`), relative to the folder of flowc.toml".into());
                    ok = false;
                }
                let Some((class, _, _)) = class else {
                    if ok {
                        let d =
                            self.error(dir_span, format!("the `[[schema]]` entry `{id}` has `xdm_dir` but no `class`"));
                        d.help = Some("add the class `$id`, such as `class = \"https://ns.adobe.com/xdm/context/experienceevent\"`".into());
                    }
                    return None;
                };
                SchemaLocation::Xdm { dir: path, class, field_groups: field_groups.map(|f| f.0).unwrap_or_default() }
            }
        };
        ok.then_some((SchemaEntry { id, location }, id_span))
    }

    fn lint(&mut self, table: &DeTable<'_>) -> Lint {
        let mut lint = Lint::default();
        for (key, value) in table.iter() {
            match key.get_ref().as_ref() {
                "ignore" => {
                    for (word, span) in self.strings("ignore", value, "[\"F304\"]").unwrap_or_default() {
                        match self.code(word, span, "ignored") {
                            Some(code) if !lint.ignore.contains(&code) => lint.ignore.push(code),
                            _ => {}
                        }
                    }
                }
                "fail_on" => {
                    if let Some(word) = self.string("fail_on", value) {
                        match word {
                            "error" => lint.fail_on = Some(FailOn::Error),
                            "warning" => lint.fail_on = Some(FailOn::Warning),
                            _ => self.bad_word(
                                span_of(value),
                                format!("`{word}` is not a valid value of `fail_on`"),
                                word,
                                FAIL_ON,
                            ),
                        }
                    }
                }
                "severity" => match value.get_ref() {
                    DeValue::Table(levels) => {
                        for (code_key, level) in levels.iter() {
                            let code = self.code(code_key.get_ref(), span_of(code_key), "given another severity");
                            let DeValue::String(word) = level.get_ref() else {
                                let found = kind(level.get_ref());
                                let d = self.error(
                                    span_of(level),
                                    format!("the severity of `{}` must be a string, not {found}", code_key.get_ref()),
                                );
                                d.labels[0].message = format!("valid: {}", list(LEVELS));
                                d.help = Some(format!("write one of {}", list(LEVELS)));
                                continue;
                            };
                            let Some(level_value) = Level::parse(word) else {
                                self.bad_word(span_of(level), format!("`{word}` is not a severity"), word, LEVELS);
                                continue;
                            };
                            let Some(code) = code else { continue };
                            if level_value != Level::Error && fixed(code) {
                                self.cannot_lower(code, span_of(level), "stays an error");
                                continue;
                            }
                            lint.severity.insert(code, level_value);
                        }
                    }
                    _ => {
                        self.wrong_type("severity", value, "a table of codes");
                        self.diagnostics.last_mut().expect("just pushed").help = Some(
                            "write it as a `[lint.severity]` section with lines such as `F304 = \"error\"`".into(),
                        );
                    }
                },
                "per_file_ignores" => match value.get_ref() {
                    DeValue::Table(globs) => {
                        for (glob_key, codes) in globs.iter() {
                            let written: &str = glob_key.get_ref();
                            let pattern = written.strip_prefix("./").unwrap_or(written);
                            let matcher = if pattern.starts_with('/') {
                                self.error(span_of(glob_key), format!("`{pattern}` is absolute: per-file globs are relative to the folder of flowc.toml"))
                                    .help = Some(format!("write `{}`", pattern.trim_start_matches('/')));
                                None
                            } else {
                                match GlobBuilder::new(pattern).literal_separator(true).build() {
                                    Ok(glob) => Some(glob.compile_matcher()),
                                    Err(e) => {
                                        self.invalid_glob(span_of(glob_key), pattern, &e);
                                        None
                                    }
                                }
                            };
                            let list = self.strings(pattern, codes, "[\"F319\"]").unwrap_or_default();
                            let codes: Vec<Code> =
                                list.into_iter().filter_map(|(w, s)| self.code(w, s, "ignored")).collect();
                            if let Some(matcher) = matcher {
                                lint.per_file_ignores.push(PerFileIgnore {
                                    pattern: pattern.to_owned(),
                                    codes,
                                    matcher,
                                    name_only: !pattern.contains('/'),
                                });
                            }
                        }
                    }
                    _ => {
                        self.wrong_type("per_file_ignores", value, "a table of globs");
                        self.diagnostics.last_mut().expect("just pushed").help =
                            Some("write it as a `[lint.per_file_ignores]` section with lines such as `\"legacy/**/*.flow\" = [\"F319\"]`".into());
                    }
                },
                _ => self.unknown_key(key, "in `[lint]`", LINT_KEYS),
            }
        }
        lint
    }

    /// A code written in flowc.toml: `F304`, `f304`, `304` or `lossy-conversion`.
    fn code(&mut self, word: &str, span: Span, action: &str) -> Option<Code> {
        match word.parse::<Code>() {
            Ok(code) if fixed(code) && action == "ignored" => {
                self.cannot_lower(code, span, "cannot be ignored");
                None
            }
            Ok(code) => Some(code),
            Err(()) => {
                // Names get a suggestion; numbers that are one digit apart are not typos of each other.
                let numeric = word.trim_start_matches(['F', 'f']).bytes().all(|b| b.is_ascii_digit());
                let near = if numeric { None } else { nearest(word, Code::ALL.iter().map(|c| c.name())) };
                let d = self.error(span, format!("`{word}` is not a flowc code"));
                d.labels[0].message = "unknown code".into();
                d.help = Some(match near.and_then(|n| n.parse::<Code>().ok()) {
                    Some(code) => format!("did you mean `{code}` ({})?", code.name()),
                    None => "write a code such as `F304` or its name such as `lossy-conversion`; `flowc explain --list` lists them".into(),
                });
                None
            }
        }
    }

    fn cannot_lower(&mut self, code: Code, span: Span, what: &str) {
        let d = self.error(span, format!("`{code}` ({}) {what}", code.name()));
        d.labels[0].message = "always an error".into();
        d.help = Some(match code.phase() {
            Phase::Config => "a broken flowc.toml is always reported: fix the file".into(),
            Phase::Files => "a file that flowc refuses to read is always reported: name a file inside the project, or `allow` its folder".into(),
            _ => "a file that does not parse cannot be checked or compiled: fix the file".into(),
        });
        d.notes.push("syntax (F1xx), configuration (F010) and file refusal (F020, F021) errors cannot be ignored, turned off or lowered".into());
    }

    fn bad_word(&mut self, span: Span, message: String, word: &str, valid: &[&str]) {
        let d = self.error(span, message);
        d.labels[0].message = format!("valid: {}", list(valid));
        if let Some(near) = nearest(word, valid.iter().copied()) {
            d.help = Some(format!("did you mean `{near}`?"));
        } else {
            d.help = Some(format!("write one of {}", list(valid)));
        }
    }
}

/// Codes that flowc.toml cannot ignore or lower: syntax errors and its own.
fn fixed(code: Code) -> bool {
    matches!(code.phase(), Phase::Syntax | Phase::Config | Phase::Files)
}

fn has_glob_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Calls `visit` with every file under `dir` down to `depth` levels, each with its path
/// relative to the config's folder (`prefix` is `dir`'s), `/`-separated. Symbolic links
/// to folders are not followed.
fn walk(dir: &Path, prefix: &str, depth: usize, visit: &mut dyn FnMut(&str, &Path)) {
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            walk(&path, &rel, depth - 1, visit);
        } else if path.is_file() {
            visit(&rel, &path);
        }
    }
}

/// Epoch seconds of a clock value, written either way flowc takes one (`now` in flowc.toml,
/// `--now`): epoch seconds (`1795824000`, `-86400`) or an RFC 3339 date-time.
pub fn instant(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_err(|_| format!("{s} is out of range of epoch seconds"));
    }
    rfc3339(s)
}

/// Epoch seconds of an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`
/// (`t`, `z` and a space for `T` are accepted, as RFC 3339 allows).
fn rfc3339(s: &str) -> Result<i64, String> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().all(u8::is_ascii_digit).then(|| digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let shape = "expected `YYYY-MM-DDTHH:MM:SS` and `Z` or an offset such as `+01:00`";
    let sep = |i: usize, set: &[u8]| b.get(i).is_some_and(|c| set.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return Err(shape.into());
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16), num(17..19))
    else {
        return Err(shape.into());
    };
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err("a `.` must be followed by the fraction of a second".into());
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let (Some(h), Some(m)) = (num(i + 1..i + 3), num(i + 4..i + 6)) else {
                return Err(shape.into());
            };
            if h > 23 || m > 59 {
                return Err(format!("the offset `{}` is out of range", &s[i..]));
            }
            let seconds = h * 3600 + m * 60;
            if sign == b'+' { seconds } else { -seconds }
        }
        None => {
            return Err("it has no time zone: add `Z` for UTC or an offset such as `+01:00`".into());
        }
        _ => return Err(shape.into()),
    };
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} does not exist"));
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(month - 1) as usize];
    if day < 1 || day > days_in_month {
        return Err(format!("{year}-{month:02} has no day {day}"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!("{hour:02}:{minute:02}:{second:02} is not a time of day"));
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_epoch_seconds_or_rfc3339() {
        assert_eq!(instant("1795824000"), Ok(1_795_824_000));
        assert_eq!(instant("-86400"), Ok(-86_400));
        assert_eq!(instant("2026-11-28T00:00:00Z"), Ok(1_795_824_000));
        assert!(instant("99999999999999999999").unwrap_err().contains("out of range"));
        assert!(instant("-").is_err());
        assert!(instant("").is_err());
    }

    #[test]
    fn rfc3339_gives_epoch_seconds() {
        assert_eq!(rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(rfc3339("2026-01-01T00:00:00Z"), Ok(1_767_225_600));
        assert_eq!(rfc3339("2026-01-01T01:00:00+01:00"), Ok(1_767_225_600));
        assert_eq!(rfc3339("2025-12-31 19:00:00.250-05:00"), Ok(1_767_225_600));
        assert_eq!(rfc3339("2024-02-29T00:00:00z"), Ok(1_709_164_800));
        assert!(rfc3339("2025-02-29T00:00:00Z").unwrap_err().contains("no day 29"));
        assert!(rfc3339("2026-11-28T00:00:00").unwrap_err().contains("no time zone"));
        assert!(rfc3339("2026-11-28").is_err());
        assert!(rfc3339("2026-13-01T00:00:00Z").unwrap_err().contains("month 13"));
    }

    #[test]
    fn nearest_suggests_typos_and_prefixes() {
        assert_eq!(nearest("tenat", TOP_KEYS.iter().copied()), Some("tenant"));
        assert_eq!(nearest("warn", LEVELS.iter().copied()), Some("warning"));
        assert_eq!(nearest("zzz", LEVELS.iter().copied()), None);
    }
}
