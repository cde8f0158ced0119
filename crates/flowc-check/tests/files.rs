//! The files a flow file names come from a `FileProvider`: the checker reads nothing
//! behind its back, so an editor can serve documents from memory, and a refusal is said at
//! the name with its own code.

use flowc_check::{Session, Settings};
use flowc_diag::LineIndex;
use flowc_diag::files::{Escape, FileProvider, Refusal};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files held in memory; anything else is outside.
#[derive(Debug, Default)]
struct InMemory(HashMap<PathBuf, String>);

impl FileProvider for InMemory {
    fn resolve(&self, dir: &Path, reference: &str) -> Result<PathBuf, Refusal> {
        let path = dir.join(reference);
        if self.0.contains_key(&path) {
            Ok(path)
        } else {
            Err(Refusal::Outside { escape: Escape::ClimbsOut, root: dir.to_path_buf() })
        }
    }

    fn read(&self, path: &Path, _max: u64) -> Result<Vec<u8>, Refusal> {
        self.0.get(path).map(|t| t.clone().into_bytes()).ok_or(Refusal::Missing)
    }
}

fn codes_at(src: &str, files: InMemory) -> Vec<String> {
    let settings = Settings::default().with_files(Arc::new(files));
    let (text, outcome) = flowc_check::check_source(&Session::new(), src.as_bytes(), None, Path::new("mem"), &settings);
    let index = LineIndex::new(&text);
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(d.primary_span().start);
            format!("{}@{}:{}", d.code, at.line, at.column)
        })
        .collect()
}

const FLOW: &str = "source {\n  columns from \"columns.json\"\n}\nmapping {\n  out = Nmae\n}\n";

#[test]
fn columns_are_read_from_the_provider() {
    let mut files = InMemory::default();
    files.0.insert(
        Path::new("mem/columns.json").to_path_buf(),
        r#"{"columns": [{"name": "Name", "type": "string"}]}"#.into(),
    );
    let found = codes_at(FLOW, files);
    // The columns were read: the misspelt field is found unknown, against them.
    assert!(found.contains(&"F300@5:9".to_owned()), "{found:?}");
    assert!(!found.iter().any(|c| c.starts_with("F324")), "{found:?}");
}

#[test]
fn a_refusal_is_said_at_the_name_with_its_code() {
    let found = codes_at(FLOW, InMemory::default());
    assert!(found.contains(&"F020@2:16".to_owned()), "{found:?}");
    assert!(!found.iter().any(|c| c.starts_with("F300") || c.starts_with("F324")), "{found:?}");
}
