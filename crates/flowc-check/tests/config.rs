//! Facts about `flowc.toml`: discovery, every validation error at its line and column,
//! and how ignores, per-file ignores and severity overrides change a file's findings.

use flowc_check::config::{Config, ConfigError, FailOn, INIT_TEMPLATE, Level, SchemaLocation};
use flowc_diag::{Code, Diagnostic, LineIndex, Severity, Span};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh empty folder under the system's temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("flowc-config-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        // Canonical, so that comparisons with paths flowc derives hold on systems whose
        // temporary folder is behind a symbolic link.
        TempDir(dir.canonicalize().expect("canonical temp dir"))
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Writes a file (creating its folders) and returns its path.
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create folders");
        std::fs::write(&path, text).expect("write file");
        path
    }

    fn mkdir(&self, rel: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(&path).expect("create folder");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `F010@line:col message` for each diagnostic of a config error.
fn positions(err: &ConfigError) -> Vec<String> {
    let index = LineIndex::new(&err.text);
    err.diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(d.primary_span().start);
            format!("{}@{}:{} {}", d.code, at.line, at.column, d.message)
        })
        .collect()
}

/// Parses `text` as `dir/flowc.toml` and returns its errors, which it must have.
fn errors_in(dir: &Path, text: &str) -> (ConfigError, Vec<String>) {
    let err = Config::parse(&dir.join("flowc.toml"), text).expect_err("the config has errors");
    assert!(err.diagnostics.iter().all(|d| d.code == Code::InvalidConfig && d.severity == Severity::Error));
    let pos = positions(&err);
    (err, pos)
}

fn errors(text: &str) -> (ConfigError, Vec<String>) {
    let dir = TempDir::new("errors");
    errors_in(dir.path(), text)
}

fn only_error(text: &str) -> (Diagnostic, String) {
    let (err, pos) = errors(text);
    assert_eq!(pos.len(), 1, "{pos:#?}");
    (err.diagnostics[0].clone(), pos[0].clone())
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|a| a.join("fixtures/diagnostics").is_dir())
        .expect("the repository's fixtures folder")
        .to_path_buf()
}

// ---------------------------------------------------------------------------------------
// Discovery

#[test]
fn find_takes_the_nearest_flowc_toml_at_or_above_the_folder() {
    let root = TempDir::new("find");
    let deep = root.mkdir("a/b/c");
    let outer = root.write("a/flowc.toml", "");
    assert_eq!(Config::find(&deep), Some(outer.clone()));
    assert_eq!(Config::find(&root.path().join("a")), Some(outer.clone()), "a flowc.toml in the folder itself counts");

    let inner = root.write("a/b/flowc.toml", "");
    assert_eq!(Config::find(&deep), Some(inner.clone()), "the nearest one wins");
    assert_eq!(Config::find(&root.path().join("a/b/c/../c")), Some(inner), "`..` is resolved");

    // A folder named flowc.toml is not a configuration.
    let other = TempDir::new("find-folder");
    other.mkdir("x/flowc.toml");
    let found = Config::find(&other.path().join("x"));
    assert!(found.as_ref().is_none_or(|p| !p.starts_with(other.path())), "{found:?}");
}

#[test]
fn find_stops_at_the_filesystem_root() {
    let root = TempDir::new("find-none");
    let deep = root.mkdir("x/y");
    // Nothing in the temporary tree; whatever is found (normally nothing) is above it.
    let found = Config::find(&deep);
    assert!(found.as_ref().is_none_or(|p| !p.starts_with(root.path())), "{found:?}");
    assert_eq!(Config::find(Path::new("/")).is_some(), Path::new("/flowc.toml").is_file());
}

#[test]
fn find_from_a_relative_folder_gives_a_path_relative_to_the_current_directory() {
    // The test runs in the crate folder; the repository has no flowc.toml above it, so
    // plant one in a folder of our own below the current directory.
    let cwd = std::env::current_dir().expect("cwd");
    let name = format!("target-config-test-{}", std::process::id());
    let dir = cwd.join(&name).join("sub");
    std::fs::create_dir_all(&dir).expect("create");
    std::fs::write(cwd.join(&name).join("flowc.toml"), "").expect("write");
    let found = Config::find(&Path::new(&name).join("sub"));
    let _ = std::fs::remove_dir_all(cwd.join(&name));
    assert_eq!(found, Some(Path::new(&name).join("flowc.toml")));
}

// ---------------------------------------------------------------------------------------
// A valid file

#[test]
fn a_complete_file_loads_with_every_value() {
    let dir = TempDir::new("complete");
    dir.write("flowspecs/b.json", "{}");
    dir.write("flowspecs/a.json", "{}");
    dir.write("flowspecs/notes.txt", "");
    dir.write("flowspecs/nested/c.json", "{}");
    dir.write("extra/one.json", "{}");
    dir.write("schemas/payments.xed.json", "{}");
    dir.mkdir("xdm/components");
    let path = dir.write(
        "flowc.toml",
        r#"
tenant = "acme"
now = "2026-11-28T00:00:00Z"
flowspecs = ["flowspecs/*.json", "./extra/one.json", "flowspecs/a.json"]

[[schema]]
id = "https://ns.adobe.com/acme/schemas/payments"
file = "schemas/payments.xed.json"

[[schema]]
id = "https://ns.adobe.com/acme/schemas/orders"
xdm_dir = "xdm/components"
class = "https://ns.adobe.com/xdm/context/experienceevent"
field_groups = ["https://ns.adobe.com/xdm/context/experienceevent-commerce"]

[lint]
ignore = ["F210", "unresolved-extends"]
fail_on = "warning"
[lint.severity]
F212 = "error"
duplicate-schema-id = "error"
F213 = "off"
F001 = "info"
[lint.per_file_ignores]
"legacy/**/*.flow" = ["F214"]
"#,
    );
    let config = Config::load(&path).unwrap_or_else(|e| panic!("{:#?}", positions(&e)));
    assert_eq!(config.path, path);
    assert_eq!(config.dir, dir.path());
    assert_eq!(config.tenant.as_deref(), Some("acme"));
    assert_eq!(config.now, Some(1_795_824_000), "2026-11-28T00:00:00Z in epoch seconds");
    assert_eq!(
        config.flowspecs,
        vec![
            dir.path().join("extra/one.json"),
            dir.path().join("flowspecs/a.json"),
            dir.path().join("flowspecs/b.json")
        ],
        "globs expanded (`*` stays in its folder, only `.json`), sorted, without duplicates"
    );
    assert_eq!(config.schemas.len(), 2);
    assert_eq!(config.schemas[0].id, "https://ns.adobe.com/acme/schemas/payments");
    assert_eq!(config.schemas[0].location, SchemaLocation::File(dir.path().join("schemas/payments.xed.json")));
    assert_eq!(
        config.schemas[1].location,
        SchemaLocation::Xdm {
            dir: dir.path().join("xdm/components"),
            class: "https://ns.adobe.com/xdm/context/experienceevent".into(),
            field_groups: vec!["https://ns.adobe.com/xdm/context/experienceevent-commerce".into()],
        }
    );
    assert_eq!(config.lint.ignore, vec![Code::UnsupportedConstruct, Code::UnresolvedExtends]);
    assert_eq!(config.lint.fail_on, Some(FailOn::Warning));
    assert_eq!(config.lint.severity.get(&Code::DuplicateSchemaId), Some(&Level::Error), "a code by number or by name");
    assert_eq!(config.lint.severity.get(&Code::FieldGroupNotForClass), Some(&Level::Off));
    assert_eq!(config.lint.severity.get(&Code::SuppressionWithoutReason), Some(&Level::Info));
    assert_eq!(config.lint.per_file_ignores.len(), 1);
    assert_eq!(config.lint.per_file_ignores[0].pattern, "legacy/**/*.flow");
    assert_eq!(config.lint.per_file_ignores[0].codes, vec![Code::MissingSchemaId]);
    assert!(FailOn::Warning.fails(Severity::Warning) && !FailOn::Error.fails(Severity::Warning));
}

#[test]
fn an_empty_file_is_a_valid_configuration() {
    let dir = TempDir::new("empty");
    let config = Config::parse(&dir.path().join("flowc.toml"), "# nothing yet\n").expect("valid");
    assert_eq!(config.tenant, None);
    assert_eq!(config.now, None);
    assert!(config.flowspecs.is_empty() && config.schemas.is_empty() && config.lint.ignore.is_empty());
    assert_eq!(config.lint.fail_on, None);
}

#[test]
fn now_takes_an_offset_or_a_toml_date_time() {
    let dir = TempDir::new("now");
    let at = |text: &str| Config::parse(&dir.path().join("flowc.toml"), text).expect("valid").now;
    assert_eq!(at("now = \"2026-11-28T01:00:00+01:00\""), Some(1_795_824_000));
    assert_eq!(at("now = 2026-11-28T00:00:00Z"), Some(1_795_824_000), "a TOML offset date-time");
    assert_eq!(at("now = \"2026-11-28 00:00:00.5z\""), Some(1_795_824_000), "RFC 3339 allows a space and lowercase z");
}

#[test]
fn schema_for_finds_an_entry_by_id_and_reads_the_tenant_placeholder() {
    let dir = TempDir::new("schema-for");
    dir.write("s.xed.json", "{}");
    let config = Config::parse(
        &dir.path().join("flowc.toml"),
        "tenant = \"acme\"\n[[schema]]\nid = \"https://ns.adobe.com/acme/schemas/x\"\nfile = \"s.xed.json\"\n",
    )
    .expect("valid");
    let by = |id: &str| config.schema_for(id).map(|e| e.id.as_str());
    assert_eq!(by("https://ns.adobe.com/acme/schemas/x"), Some("https://ns.adobe.com/acme/schemas/x"));
    assert_eq!(by("https://ns.adobe.com/{TENANT_ID}/schemas/x"), Some("https://ns.adobe.com/acme/schemas/x"));
    assert_eq!(by("https://ns.adobe.com/other/schemas/x"), None);
    assert_eq!(by("https://ns.adobe.com/acme/schemas/y"), None);
    assert_eq!(
        config.schemas[0].location.to_source(),
        flowc_schema::SchemaSource::RegistryFile(dir.path().join("s.xed.json"))
    );
}

// ---------------------------------------------------------------------------------------
// Every validation error, at its line and column

#[test]
fn bad_toml_is_reported_where_the_parser_stops() {
    let (_, pos) = errors("tenant = \"acme\nnow = 1\n");
    assert!(pos[0].starts_with("F010@1:") && pos[0].contains("not valid TOML"), "{pos:#?}");
    let (_, pos) = errors("[lint]\nignore = [\"F210\"\n");
    assert!(pos.iter().all(|p| p.contains("not valid TOML")), "{pos:#?}");
    assert!(pos[0].starts_with("F010@2:") || pos[0].starts_with("F010@3:"), "{pos:#?}");
    let (_, pos) = errors("tenant = \"a\"\ntenant = \"b\"\n");
    assert!(pos[0].starts_with("F010@2:1 ") && pos[0].contains("not valid TOML"), "a key written twice: {pos:#?}");
}

#[test]
fn unknown_keys_name_the_nearest_valid_key_and_list_them_all() {
    let (d, pos) = only_error("tenat = \"acme\"\n");
    assert_eq!(pos, "F010@1:1 unknown key `tenat` in flowc.toml");
    assert_eq!(d.primary_span(), Span::new(0, 5), "the key itself");
    assert_eq!(d.help.as_deref(), Some("did you mean `tenant`?"));
    assert_eq!(d.notes, vec!["valid keys: `tenant`, `now`, `flowspecs`, `allow`, `schema`, `lint`".to_string()]);

    let (d, pos) = only_error("ignore = [\"F210\"]\n");
    assert_eq!(pos, "F010@1:1 unknown key `ignore` in flowc.toml");
    assert_eq!(d.help.as_deref(), Some("`ignore` belongs in the `[lint]` table"));

    let (d, pos) = only_error("[lint]\nfail-on = \"error\"\n");
    assert_eq!(pos, "F010@2:1 unknown key `fail-on` in `[lint]`");
    assert_eq!(d.help.as_deref(), Some("did you mean `fail_on`?"));
    assert_eq!(d.notes, vec!["valid keys: `ignore`, `fail_on`, `severity`, `per_file_ignores`".to_string()]);

    let (d, pos) = only_error("[lint.severities]\nF210 = \"error\"\n");
    assert_eq!(pos, "F010@1:7 unknown key `severities` in `[lint]`");
    assert_eq!(d.help.as_deref(), Some("did you mean `severity`?"));

    let dir = TempDir::new("unknown-schema-key");
    dir.write("s.json", "{}");
    let (err, pos) = errors_in(dir.path(), "[[schema]]\nid = \"x\"\nfile = \"s.json\"\nfeild_groups = []\n");
    assert_eq!(pos, vec!["F010@4:1 unknown key `feild_groups` in a `[[schema]]` entry"]);
    assert_eq!(err.diagnostics[0].help.as_deref(), Some("did you mean `field_groups`?"));
}

#[test]
fn values_of_the_wrong_type_say_what_was_expected() {
    let (_, pos) = only_error("tenant = 42\n");
    assert_eq!(pos, "F010@1:10 `tenant` must be a string, not an integer");
    let (d, pos) = only_error("flowspecs = \"flowspecs/*.json\"\n");
    assert_eq!(pos, "F010@1:13 `flowspecs` must be an array of strings, not a string");
    assert_eq!(d.help.as_deref(), Some("write it as a list, even of one: `flowspecs = [\"flowspecs/*.json\"]`"));
    let (_, pos) = only_error("flowspecs = [1]\n");
    assert_eq!(pos, "F010@1:14 the items of `flowspecs` must be strings, not an integer");
    let (_, pos) = only_error("lint = true\n");
    assert_eq!(pos, "F010@1:8 `lint` must be a table, not a boolean");
    let (d, pos) = only_error("[schema]\nid = \"x\"\n");
    assert!(pos.starts_with("F010@1:") && pos.contains("must be an array of tables"), "{pos}");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("[[schema]]")));
    let (_, pos) = only_error("[lint]\nignore = \"F210\"\n");
    assert_eq!(pos, "F010@2:10 `ignore` must be an array of strings, not a string");
    let (_, pos) = only_error("[lint]\nseverity = [\"F210\"]\n");
    assert_eq!(pos, "F010@2:12 `severity` must be a table of codes, not an array");
    let (_, pos) = only_error("[lint.severity]\nF210 = 1\n");
    assert_eq!(pos, "F010@2:8 the severity of `F210` must be a string, not an integer");
}

#[test]
fn tenant_is_an_id_without_its_underscore() {
    let (d, pos) = only_error("tenant = \"_acme\"\n");
    assert_eq!(pos, "F010@1:10 write the tenant without its leading underscore: `acme`");
    assert!(d.help.is_some());
    let (_, pos) = only_error("tenant = \"ac me\"\n");
    assert_eq!(pos, "F010@1:10 `ac me` is not a tenant id: it has ' '");
    let (_, pos) = only_error("tenant = \"\"\n");
    assert_eq!(pos, "F010@1:10 `tenant` is empty");
}

#[test]
fn unknown_codes_are_reported_with_the_nearest_code() {
    let (d, pos) = only_error("[lint]\nignore = [\"F210\", \"F999\"]\n");
    assert_eq!(pos, "F010@2:19 `F999` is not a flowc code");
    assert_eq!(d.primary_span().len(), "\"F999\"".len(), "the item, quotes included");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("flowc explain --list")), "{:?}", d.help);

    let (d, pos) = only_error("[lint]\nignore = [\"unresolved-extend\"]\n");
    assert_eq!(pos, "F010@2:11 `unresolved-extend` is not a flowc code");
    assert_eq!(d.help.as_deref(), Some("did you mean `F211` (unresolved-extends)?"));

    let (_, pos) = only_error("[lint.severity]\nF998 = \"off\"\n");
    assert_eq!(pos, "F010@2:1 `F998` is not a flowc code");

    let (_, pos) = only_error("[lint.per_file_ignores]\n\"a/*.flow\" = [\"F997\"]\n");
    assert_eq!(pos, "F010@2:15 `F997` is not a flowc code");
}

#[test]
fn syntax_and_configuration_codes_cannot_be_ignored_or_lowered() {
    let (d, pos) = only_error("[lint]\nignore = [\"F101\"]\n");
    assert_eq!(pos, "F010@2:11 `F101` (unexpected-token) cannot be ignored");
    assert!(d.notes[0].contains("cannot be ignored, turned off or lowered"));
    let (_, pos) = only_error("[lint.severity]\nF107 = \"warning\"\n");
    assert_eq!(pos, "F010@2:8 `F107` (unknown-key) stays an error");
    let (_, pos) = only_error("[lint.per_file_ignores]\n\"*.flow\" = [\"invalid-config\"]\n");
    assert_eq!(pos, "F010@2:13 `F010` (invalid-config) cannot be ignored");
    // Raising one to error is allowed (it is one already).
    let dir = TempDir::new("raise");
    assert!(Config::parse(&dir.path().join("flowc.toml"), "[lint.severity]\nF107 = \"error\"\n").is_ok());
}

#[test]
fn severity_and_fail_on_words_are_checked() {
    let (d, pos) = only_error("[lint.severity]\nF210 = \"warn\"\n");
    assert_eq!(pos, "F010@2:8 `warn` is not a severity");
    assert_eq!(d.help.as_deref(), Some("did you mean `warning`?"));
    assert_eq!(d.labels[0].message, "valid: `error`, `warning`, `info`, `off`");
    let (d, pos) = only_error("[lint]\nfail_on = \"never\"\n");
    assert_eq!(pos, "F010@2:11 `never` is not a valid value of `fail_on`");
    assert_eq!(d.help.as_deref(), Some("write one of `error`, `warning`"));
}

#[test]
fn invalid_globs_are_reported_at_the_glob() {
    let (d, pos) = only_error("[lint.per_file_ignores]\n\"legacy/[*.flow\" = [\"F210\"]\n");
    assert!(pos.starts_with("F010@2:1 `legacy/[*.flow` is not a valid glob"), "{pos}");
    assert_eq!(d.labels[0].message, "invalid glob");
    let (_, pos) = only_error("[lint.per_file_ignores]\n\"/abs/*.flow\" = [\"F210\"]\n");
    assert_eq!(pos, "F010@2:1 `/abs/*.flow` is absolute: per-file globs are relative to the folder of flowc.toml");
    let (_, pos) = only_error("flowspecs = [\"specs/{a,b.json\"]\n");
    assert!(pos.starts_with("F010@1:14 `specs/{a,b.json` is not a valid glob"), "{pos}");
}

#[test]
fn flowspecs_must_name_existing_files() {
    let dir = TempDir::new("flowspecs");
    dir.write("specs/a.yaml", "");
    dir.mkdir("folder.json");
    let (_, pos) = errors_in(dir.path(), "flowspecs = [\"specs/*.json\", \"missing.json\", \"folder.json\"]\n");
    assert_eq!(pos.len(), 3, "{pos:#?}");
    assert!(pos[0].starts_with("F010@1:14 `specs/*.json` matches no file in "), "{pos:#?}");
    assert!(
        pos[1].starts_with("F010@1:30 flow spec file `") && pos[1].ends_with("missing.json` does not exist"),
        "{pos:#?}"
    );
    assert!(
        pos[2].starts_with("F010@1:46 flow spec file `") && pos[2].ends_with("folder.json` is not a file"),
        "{pos:#?}"
    );
}

#[test]
fn schema_entries_need_an_id_and_exactly_one_source() {
    let dir = TempDir::new("schema-entries");
    dir.write("s.xed.json", "{}");
    dir.mkdir("xdm");

    let (err, pos) =
        errors_in(dir.path(), "[[schema]]\nid = \"a\"\nfile = \"s.xed.json\"\nxdm_dir = \"xdm\"\nclass = \"c\"\n");
    assert_eq!(pos, vec!["F010@4:1 the `[[schema]]` entry `a` has both `file` and `xdm_dir`"]);
    let d = &err.diagnostics[0];
    assert_eq!(d.labels.len(), 2, "the other source is a secondary label");
    assert_eq!(LineIndex::new(&err.text).line_col(d.labels[1].span.start).line, 3);

    let (_, pos) = errors_in(dir.path(), "[[schema]]\nid = \"b\"\n");
    assert_eq!(pos, vec!["F010@2:6 the `[[schema]]` entry `b` has no `file` or `xdm_dir`"]);

    let (_, pos) = errors_in(dir.path(), "[[schema]]\nfile = \"s.xed.json\"\n");
    assert_eq!(pos.len(), 1, "{pos:#?}");
    assert!(pos[0].ends_with("this `[[schema]]` entry has no `id`"), "{pos:#?}");

    let (_, pos) = errors_in(dir.path(), "[[schema]]\nid = \"c\"\nxdm_dir = \"xdm\"\n");
    assert_eq!(pos, vec!["F010@3:11 the `[[schema]]` entry `c` has `xdm_dir` but no `class`"]);

    let (_, pos) = errors_in(dir.path(), "[[schema]]\nid = \"d\"\nfile = \"s.xed.json\"\nclass = \"c\"\n");
    assert_eq!(pos, vec!["F010@4:1 `class` goes with `xdm_dir`, not with `file`"]);

    let (_, pos) = errors_in(dir.path(), "[[schema]]\nid = \"e\"\nfile = \"nope.xed.json\"\n");
    assert_eq!(pos.len(), 1);
    assert!(
        pos[0].starts_with("F010@3:8 schema file `") && pos[0].ends_with("nope.xed.json` does not exist"),
        "{pos:#?}"
    );

    let (_, pos) = errors_in(dir.path(), "[[schema]]\nid = \"f\"\nxdm_dir = \"s.xed.json\"\nclass = \"c\"\n");
    assert!(
        pos[0].starts_with("F010@3:11 XDM folder `") && pos[0].ends_with("s.xed.json` is not a folder"),
        "{pos:#?}"
    );

    let (err, pos) = errors_in(
        dir.path(),
        "[[schema]]\nid = \"g\"\nfile = \"s.xed.json\"\n\n[[schema]]\nid = \"g\"\nfile = \"s.xed.json\"\n",
    );
    assert_eq!(pos, vec!["F010@6:6 the schema `g` has two `[[schema]]` entries"]);
    assert_eq!(LineIndex::new(&err.text).line_col(err.diagnostics[0].labels[1].span.start).line, 2);
}

#[test]
fn now_must_be_rfc_3339_with_a_time_zone_or_epoch_seconds() {
    let (d, pos) = only_error("now = \"2026-11-28 00:00\"\n");
    assert!(pos.starts_with("F010@1:7 `now` is neither an RFC 3339 date-time nor epoch seconds: expected"), "{pos}");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("2026-11-28T00:00:00Z")));
    let (_, pos) = only_error("now = \"2026-11-28T00:00:00\"\n");
    assert_eq!(
        pos,
        "F010@1:7 `now` is neither an RFC 3339 date-time nor epoch seconds: it has no time zone: add `Z` for UTC or an offset such as `+01:00`"
    );
    let (_, pos) = only_error("now = 2026-11-28T00:00:00\n");
    assert!(pos.starts_with("F010@1:7 ") && pos.contains("no time zone"), "a TOML local date-time: {pos}");
    let (_, pos) = only_error("now = \"2026-02-30T00:00:00Z\"\n");
    assert_eq!(pos, "F010@1:7 `now` is neither an RFC 3339 date-time nor epoch seconds: 2026-02 has no day 30");
    let (_, pos) = only_error("now = 1795824000.5\n");
    assert_eq!(pos, "F010@1:7 `now` must be an RFC 3339 date-time or epoch seconds, not a float");
}

#[test]
fn every_problem_of_a_file_is_reported_in_one_pass_in_text_order() {
    let (_, pos) = errors("[lint]\nignore = [\"F999\"]\nfail_on = \"x\"\n\ntenant = 1\n");
    // `tenant` after `[lint]` is a key of the lint table.
    assert_eq!(
        pos,
        vec![
            "F010@2:11 `F999` is not a flowc code",
            "F010@3:11 `x` is not a valid value of `fail_on`",
            "F010@5:1 unknown key `tenant` in `[lint]`",
        ]
    );
}

#[test]
fn the_f010_fixture_reports_the_expected_positions() {
    let dir = repo_root().join("fixtures/diagnostics/F010");
    let expected: Vec<String> = std::fs::read_to_string(dir.join("expect.txt"))
        .expect("expect.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let err = Config::load(&dir.join("flowc.toml")).expect_err("the fixture is broken on purpose");
    let index = LineIndex::new(&err.text);
    let actual: Vec<String> = err
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(d.primary_span().start);
            format!("{}@{}:{}", d.code, at.line, at.column)
        })
        .collect();
    assert_eq!(actual, expected, "{:#?}", positions(&err));
}

#[test]
fn load_reports_an_unreadable_or_non_utf8_file() {
    let dir = TempDir::new("load");
    let err = Config::load(&dir.path().join("flowc.toml")).expect_err("missing");
    assert_eq!(err.diagnostics.len(), 1);
    assert!(err.diagnostics[0].message.starts_with("cannot read `"), "{}", err.diagnostics[0].message);
    let path = dir.path().join("flowc.toml");
    std::fs::write(&path, b"tenant = \"ac\xffme\"\n").expect("write");
    let err = Config::load(&path).expect_err("not UTF-8");
    assert_eq!(positions(&err), vec!["F010@1:13 flowc.toml is not valid UTF-8"]);
}

// ---------------------------------------------------------------------------------------
// The template

#[test]
fn the_init_template_is_valid_and_so_is_every_example_in_it() {
    let dir = TempDir::new("template");
    let as_is = Config::parse(&dir.path().join("flowc.toml"), INIT_TEMPLATE).expect("the template parses as it is");
    assert!(as_is.tenant.is_none() && as_is.schemas.is_empty(), "every setting is commented out");

    // Uncomment the settings (`# key = ...`, `# [table]`), keep the prose comments.
    let uncommented: String = INIT_TEMPLATE
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || rest.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')) => {
                rest
            }
            _ => line,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(uncommented.contains("\ntenant = \"acme\"\n"), "{uncommented}");
    dir.write("flowspecs/paypal.json", "{}");
    dir.write("schemas/payments.xed.json", "{}");
    dir.mkdir("xdm/components");
    let config =
        Config::parse(&dir.path().join("flowc.toml"), &uncommented).unwrap_or_else(|e| panic!("{:#?}", positions(&e)));
    assert_eq!(config.tenant.as_deref(), Some("acme"));
    assert!(config.now.is_some());
    assert_eq!(config.flowspecs.len(), 1);
    assert_eq!(config.allow, vec![dir.path().join("../shared-schemas")]);
    assert_eq!(config.schemas.len(), 2);
    assert!(
        !config.lint.ignore.is_empty() && !config.lint.severity.is_empty() && config.lint.per_file_ignores.len() == 1
    );
    assert_eq!(config.lint.fail_on, Some(FailOn::Error));
}

// ---------------------------------------------------------------------------------------
// apply()

fn diagnostic(code: Code, at: usize) -> Diagnostic {
    Diagnostic::new(code, Span::new(at, at + 1), format!("{code} here"))
}

fn config(dir: &TempDir, text: &str) -> Config {
    Config::parse(&dir.path().join("flowc.toml"), text).unwrap_or_else(|e| panic!("{:#?}", positions(&e)))
}

fn applied(config: &Config, file: &Path, codes: &[Code]) -> Vec<(Code, Severity)> {
    let mut diagnostics: Vec<Diagnostic> = codes.iter().enumerate().map(|(i, c)| diagnostic(*c, i)).collect();
    config.apply(file, &mut diagnostics);
    diagnostics.iter().map(|d| (d.code, d.severity)).collect()
}

#[test]
fn apply_drops_ignored_codes_everywhere() {
    let dir = TempDir::new("apply-ignore");
    let config = config(&dir, "[lint]\nignore = [\"F210\", \"duplicate-schema-id\"]\n");
    let file = dir.path().join("flows/a.flow");
    assert_eq!(
        applied(
            &config,
            &file,
            &[Code::UnsupportedConstruct, Code::UnknownKey, Code::DuplicateSchemaId, Code::UnsupportedConstruct]
        ),
        vec![(Code::UnknownKey, Severity::Error)]
    );
    // Outside the config's folder too: `ignore` is not a per-file setting.
    assert_eq!(applied(&config, Path::new("/elsewhere/b.flow"), &[Code::UnsupportedConstruct]), vec![]);
}

#[test]
fn apply_drops_per_file_codes_only_in_matching_files() {
    let dir = TempDir::new("apply-per-file");
    let config = config(
        &dir,
        "[lint.per_file_ignores]\n\"legacy/**/*.flow\" = [\"F214\"]\n\"*_old.flow\" = [\"F212\"]\n\"top/*.flow\" = [\"F213\"]\n",
    );
    let codes = [Code::MissingSchemaId, Code::DuplicateSchemaId, Code::FieldGroupNotForClass];
    let kept = |rel: &str| -> Vec<Code> {
        applied(&config, &dir.path().join(rel), &codes).into_iter().map(|(c, _)| c).collect()
    };
    assert_eq!(
        kept("legacy/x.flow"),
        vec![Code::DuplicateSchemaId, Code::FieldGroupNotForClass],
        "`**` matches zero folders"
    );
    assert_eq!(
        kept("legacy/a/b/x.flow"),
        vec![Code::DuplicateSchemaId, Code::FieldGroupNotForClass],
        "`**` crosses folders"
    );
    assert_eq!(kept("legacy/x.json"), codes.to_vec());
    assert_eq!(kept("src/legacy/x.flow"), codes.to_vec(), "a pattern with `/` is anchored at the config's folder");
    assert_eq!(
        kept("deep/er/pay_old.flow"),
        vec![Code::MissingSchemaId, Code::FieldGroupNotForClass],
        "a pattern without `/` matches the name"
    );
    assert_eq!(kept("top/a.flow"), vec![Code::MissingSchemaId, Code::DuplicateSchemaId]);
    assert_eq!(kept("top/sub/a.flow"), codes.to_vec(), "`*` does not cross `/`");
    // A path with `..` and `.` is normalized before matching.
    assert_eq!(kept("other/../legacy/./x.flow"), vec![Code::DuplicateSchemaId, Code::FieldGroupNotForClass]);
    // A file outside the config's folder matches no per-file glob.
    let outside = dir.path().parent().expect("parent").join("legacy/x.flow");
    assert_eq!(applied(&config, &outside, &codes).len(), 3);
}

#[test]
fn apply_changes_severities_and_drops_the_codes_turned_off() {
    let dir = TempDir::new("apply-severity");
    let config =
        config(&dir, "[lint.severity]\nF210 = \"error\"\nF212 = \"info\"\nF213 = \"off\"\nF001 = \"warning\"\n");
    assert_eq!(Code::UnsupportedConstruct.default_severity(), Severity::Warning);
    assert_eq!(
        applied(
            &config,
            &dir.path().join("a.flow"),
            &[
                Code::UnsupportedConstruct,
                Code::DuplicateSchemaId,
                Code::FieldGroupNotForClass,
                Code::SuppressionWithoutReason,
                Code::UnknownKey
            ]
        ),
        vec![
            (Code::UnsupportedConstruct, Severity::Error),
            (Code::DuplicateSchemaId, Severity::Info),
            (Code::SuppressionWithoutReason, Severity::Warning),
            (Code::UnknownKey, Severity::Error),
        ]
    );
}

#[test]
fn apply_prefers_ignores_over_severity_overrides() {
    let dir = TempDir::new("apply-precedence");
    let config = config(
        &dir,
        "[lint]\nignore = [\"F210\"]\n[lint.severity]\nF210 = \"error\"\n[lint.per_file_ignores]\n\"*.flow\" = [\"F212\"]\n",
    );
    let kept = applied(
        &config,
        &dir.path().join("x.flow"),
        &[Code::UnsupportedConstruct, Code::DuplicateSchemaId, Code::MissingSchemaId],
    );
    assert_eq!(kept, vec![(Code::MissingSchemaId, Severity::Warning)]);
    // A relative file name is taken from the current directory.
    let cwd_config =
        Config::parse(Path::new("flowc.toml"), "[lint.per_file_ignores]\n\"*.flow\" = [\"F212\"]\n").expect("valid");
    assert_eq!(applied(&cwd_config, Path::new("sub/x.flow"), &[Code::DuplicateSchemaId]), vec![]);
}

/// `allow` lets the files a flowc.toml applies to name files outside its folder; paths it
/// names itself (`[[schema]]`, `flowspecs`) are allowed too, and nothing else outside is.
#[test]
fn allow_lists_paths_outside_the_project() {
    use flowc_diag::files::{FileProvider, Refusal};
    let tmp = TempDir::new("allow");
    tmp.write("shared/schema.json", "{}");
    tmp.write("elsewhere/schema.json", "{}");
    tmp.write("own/spec.json", "{}");
    let path = tmp.write("project/flowc.toml", "allow = [\"../shared\"]\nflowspecs = [\"../own/spec.json\"]\n");
    let config = Config::load(&path).expect("valid");
    assert_eq!(config.allow, vec![tmp.path().join("project/../shared")]);
    let files = config.files();
    let dir = tmp.path().join("project");
    assert!(files.resolve(&dir, "../shared/schema.json").is_ok());
    assert!(files.resolve(&dir, "../own/spec.json").is_ok());
    assert!(matches!(files.resolve(&dir, "../elsewhere/schema.json"), Err(Refusal::Outside { .. })));

    let (_, pos) = only_error("allow = \"../shared\"\n");
    assert_eq!(pos, "F010@1:9 `allow` must be an array of strings, not a string");
}

/// A flowc.toml that links out of its repository is not read (its text would be shown).
#[cfg(unix)]
#[test]
fn a_flowc_toml_linked_out_of_the_repository_is_refused() {
    let tmp = TempDir::new("linked");
    tmp.mkdir("repo/.git");
    let secret = tmp.write("secret.toml", "supersecret123\n");
    let path = tmp.path().join("repo/flowc.toml");
    std::os::unix::fs::symlink(&secret, &path).expect("link");
    let err = Config::load(&path).expect_err("refused");
    assert_eq!(err.diagnostics[0].code, Code::FileOutsideProject);
    assert!(err.text.is_empty());
    assert!(!err.diagnostics[0].message.contains("supersecret123"));
}
