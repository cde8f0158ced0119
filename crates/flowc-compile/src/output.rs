//! Writing a compilation's files. Each file is written to a temporary file in the same
//! folder, then renamed over its name: a reader sees the old file or the new one, never half
//! of one.

use crate::bodies::Compiled;
use crate::plan::{self, Resource};
use std::io::{self, Write};
use std::path::Path;

/// Every file name flowc writes into an output folder.
pub fn file_names() -> [&'static str; 7] {
    [
        Resource::SourceConnection.file(),
        Resource::TargetConnection.file(),
        Resource::MappingSet.file(),
        Resource::Flow.file(),
        plan::PLAN_FILE,
        plan::SCRIPT_FILE,
        plan::POSTMAN_FILE,
    ]
}

/// Writes every file of `compiled` into `dir` (created if needed), each atomically, then
/// removes the files of flowc's own names that this compilation does not produce (a body
/// left from an earlier build, such as the source connection of a flow that now names an
/// existing one). Other files in `dir` are left alone.
pub fn write_outputs(dir: &Path, compiled: &Compiled) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let files = compiled.files();
    for (name, text) in &files {
        write_atomically(&dir.join(name), text.as_bytes(), *name == plan::SCRIPT_FILE)?;
    }
    for stale in file_names().into_iter().filter(|n| !files.iter().any(|(f, _)| f == n)) {
        match std::fs::remove_file(dir.join(stale)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Writes a sibling temporary file, then renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8], executable: bool) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.flowc-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        #[cfg(unix)]
        if executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))?;
        }
        #[cfg(not(unix))]
        let _ = executable;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
