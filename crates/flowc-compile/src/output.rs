//! Writing a compilation's files. Each file is written to a temporary file in the same
//! folder, then renamed over its name: a reader sees the old file or the new one, never half
//! of one.

use crate::bodies::Compiled;
use crate::plan::{self, Resource};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// Writes every file of `compiled` into `dir` (see [`write_all`]).
pub fn write_outputs(dir: &Path, compiled: &Compiled) -> Result<(), WriteError> {
    write_all(&[(dir, compiled)])
}

/// A write that failed, and the file it failed on. Nothing was changed.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.error)
    }
}

/// Writes every file of each compilation into its folder (created if needed), and removes
/// the files of flowc's own names that the compilation does not produce (a body left from
/// an earlier build, such as the source connection of a flow that now names an existing
/// one); other files are left alone.
///
/// All or nothing: every file is first written beside its name, then the old files are
/// set aside and the new ones renamed into place; when any step fails, everything is put
/// back as it was (folders created for the build are removed again) and the first error
/// is returned.
pub fn write_all(outputs: &[(&Path, &Compiled)]) -> Result<(), WriteError> {
    let mut tx = Transaction::default();
    let result = tx.stage(outputs).and_then(|()| tx.commit());
    match result {
        Ok(()) => {
            tx.finish();
            Ok(())
        }
        Err(e) => {
            tx.roll_back();
            Err(e)
        }
    }
}

#[derive(Default)]
struct Transaction {
    /// Folders this build created, outermost first.
    created: Vec<PathBuf>,
    /// (temporary file, final name): written, not yet in place.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Files of flowc's names that the build no longer produces.
    stale: Vec<PathBuf>,
    /// (final name, where its old file was set aside): done, in order.
    done: Vec<(PathBuf, Option<PathBuf>)>,
}

impl Transaction {
    fn stage(&mut self, outputs: &[(&Path, &Compiled)]) -> Result<(), WriteError> {
        for (dir, compiled) in outputs {
            self.create_folder(dir).map_err(failed_at(dir))?;
            let files = compiled.files();
            for (name, text) in &files {
                let path = dir.join(name);
                // A folder (or device) at the name cannot be replaced by a file.
                if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_symlink()) {
                    return Err(WriteError { path, error: io::Error::other("a folder or special file has that name") });
                }
                let tmp = sibling(&path, "tmp");
                self.staged.push((tmp.clone(), path.clone()));
                write_synced(&tmp, text.as_bytes(), *name == plan::SCRIPT_FILE).map_err(failed_at(&path))?;
            }
            for stale in file_names().into_iter().filter(|n| !files.iter().any(|(f, _)| f == n)) {
                let path = dir.join(stale);
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() || m.is_symlink()) {
                    self.stale.push(path);
                }
            }
        }
        Ok(())
    }

    fn create_folder(&mut self, dir: &Path) -> io::Result<()> {
        let missing: Vec<PathBuf> =
            dir.ancestors().take_while(|a| !a.as_os_str().is_empty() && !a.exists()).map(Path::to_path_buf).collect();
        std::fs::create_dir_all(dir)?;
        self.created.extend(missing.into_iter().rev());
        Ok(())
    }

    fn commit(&mut self) -> Result<(), WriteError> {
        for (tmp, path) in std::mem::take(&mut self.staged) {
            let set_aside = self.set_aside(&path)?;
            self.done.push((path.clone(), set_aside));
            std::fs::rename(&tmp, &path).map_err(|error| WriteError { path, error })?;
        }
        for path in std::mem::take(&mut self.stale) {
            let set_aside = self.set_aside(&path)?;
            self.done.push((path, set_aside));
        }
        Ok(())
    }

    /// Moves an existing file out of the way, keeping it to put back.
    fn set_aside(&self, path: &Path) -> Result<Option<PathBuf>, WriteError> {
        if std::fs::symlink_metadata(path).is_err() {
            return Ok(None);
        }
        let old = sibling(path, "old");
        std::fs::rename(path, &old).map_err(|error| WriteError { path: path.to_path_buf(), error })?;
        Ok(Some(old))
    }

    fn finish(self) {
        for (_, old) in self.done {
            if let Some(old) = old {
                let _ = std::fs::remove_file(old);
            }
        }
    }

    fn roll_back(self) {
        for (tmp, _) in &self.staged {
            let _ = std::fs::remove_file(tmp);
        }
        for (path, old) in self.done.into_iter().rev() {
            let _ = std::fs::remove_file(&path);
            if let Some(old) = old {
                let _ = std::fs::rename(old, &path);
            }
        }
        for dir in self.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

fn failed_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| WriteError { path: path.to_path_buf(), error }
}

/// `dir/.name.flowc-<pid>.<what>`: a hidden file beside `path`, on the same file system.
fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.flowc-{}.{what}", std::process::id()))
}

fn write_synced(path: &Path, bytes: &[u8], executable: bool) -> io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    Ok(())
}

/// Writes a sibling temporary file, then renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8], executable: bool) -> io::Result<()> {
    let path = if path.parent().is_some_and(|p| p.as_os_str().is_empty()) {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
    };
    let tmp = sibling(&path, "tmp");
    let result = write_synced(&tmp, bytes, executable).and_then(|()| std::fs::rename(&tmp, &path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
