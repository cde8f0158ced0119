//! Reading the files an input names (a target schema, a columns file, a flow spec, the
//! bodies beside a schema), inside the project's trust boundary (`docs/security.md`).
//!
//! A flow file may come from anyone (a pull request checked in CI), so what it names is
//! read only when it lies inside its project — the folder of the `flowc.toml` that applies,
//! else the repository root, else the file's own folder — or inside a path that flowc.toml
//! allows. Whatever the location, only regular files are read: a device, a FIFO, a socket
//! or a pseudo file of `/proc` is refused after a `stat`, without being opened.
//!
//! [`FileProvider`] is the one way to read such a file; [`ProjectFiles`] is the disk under
//! those rules, [`AnyFile`] the disk for paths the user gave on the command line.

use crate::{Code, Diagnostic, Span};
use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest referenced file read, unless a reader asks for less.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// How a path leaves the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// An absolute path (the flow file would depend on the machine it runs on).
    Absolute,
    /// `..` climbs above the project folder.
    ClimbsOut,
    /// A symbolic link on the way leads out of the project.
    Link,
}

/// Why a file is not read. [`Refusal::Outside`] and [`Refusal::NotRegular`] are refusals
/// with codes of their own (F020, F021); the other reasons are said by the reader with its
/// own code (a missing schema file is F200, a missing columns file F324).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Outside {
        escape: Escape,
        root: PathBuf,
    },
    /// A device, FIFO, socket or pseudo file (named as "a FIFO", ...).
    NotRegular(&'static str),
    Folder,
    Missing,
    TooLarge {
        len: u64,
        max: u64,
    },
    /// Not UTF-8 text: where the first bad byte is (the bytes themselves are never shown).
    NotUtf8 {
        offset: usize,
        line: usize,
        column: usize,
    },
    Io(String),
}

impl Refusal {
    /// The code of a refusal that is its own finding (the file is never read).
    pub fn code(&self) -> Option<Code> {
        match self {
            Refusal::Outside { .. } => Some(Code::FileOutsideProject),
            Refusal::NotRegular(_) => Some(Code::NotARegularFile),
            _ => None,
        }
    }

    /// Why, in a few words, to follow "cannot read `x`: ".
    pub fn reason(&self) -> String {
        match self {
            Refusal::Outside { escape, root } => {
                let how = match escape {
                    Escape::Absolute => "an absolute path",
                    Escape::ClimbsOut => "`..` climbs out of it",
                    Escape::Link => "a symbolic link leads out of it",
                };
                format!("it lies outside the project folder `{}` ({how})", root.display())
            }
            Refusal::NotRegular(kind) => format!("it is {kind}, not a regular file"),
            Refusal::Folder => "it is a folder, not a file".to_owned(),
            Refusal::Missing => "no such file or folder".to_owned(),
            Refusal::TooLarge { len, max } => {
                format!("it is {len} bytes; flowc reads files of at most {max} bytes")
            }
            Refusal::NotUtf8 { line, column, .. } => {
                format!("it is not UTF-8 text (line {line}, column {column})")
            }
            Refusal::Io(e) => e.clone(),
        }
    }

    /// The diagnostic of a coded refusal, at `span` (the reference to `named`).
    pub fn diagnostic(&self, span: Span, named: &str) -> Option<Diagnostic> {
        let d = match self {
            Refusal::Outside { .. } => Diagnostic::new(
                Code::FileOutsideProject,
                span,
                format!("`{named}` is not read: {}", self.reason()),
            )
            .with_label("outside the project")
            .with_help("name a file inside the project folder, or list the folder that holds it in flowc.toml's `allow = [...]`")
            .with_note("the project is the folder of the flowc.toml that applies, else the repository root, else the file's folder"),
            Refusal::NotRegular(_) => Diagnostic::new(Code::NotARegularFile, span, format!("`{named}` is not read: {}", self.reason()))
                .with_label("not a regular file")
                .with_help("name a JSON file saved in the project"),
            _ => return None,
        };
        Some(d)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason())
    }
}

/// Where the files an input names come from. The disk under the project's rules is
/// [`ProjectFiles`]; an editor or a test may serve files from memory instead.
pub trait FileProvider: Send + Sync + fmt::Debug {
    /// The path of `reference`, as named by a file in `dir`, or why it may not be read.
    /// Opens nothing.
    fn resolve(&self, dir: &Path, reference: &str) -> Result<PathBuf, Refusal>;

    /// The bytes of the file at `path` (a resolved reference, or a file found in a folder
    /// that was), at most `max` of them, or why they are not read.
    fn read(&self, path: &Path, max: u64) -> Result<Vec<u8>, Refusal>;

    /// [`FileProvider::read`] as UTF-8 text.
    fn read_text(&self, path: &Path, max: u64) -> Result<String, Refusal> {
        String::from_utf8(self.read(path, max)?).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
            let at = crate::LineIndex::new(valid).line_col(offset);
            Refusal::NotUtf8 { offset, line: at.line, column: at.column }
        })
    }
}

/// Any regular file on the disk: for paths the user gave on the command line (or in a
/// flowc.toml), which are the user's own choice. Still refuses what is not a regular file.
#[derive(Clone, Copy, Debug, Default)]
pub struct AnyFile;

impl FileProvider for AnyFile {
    fn resolve(&self, dir: &Path, reference: &str) -> Result<PathBuf, Refusal> {
        Ok(dir.join(reference))
    }

    fn read(&self, path: &Path, max: u64) -> Result<Vec<u8>, Refusal> {
        // `stat` first: opening a FIFO would wait for a writer, opening a device may act.
        let meta = std::fs::metadata(path).map_err(io_refusal)?;
        regular(&meta)?;
        let real = std::fs::canonicalize(path).map_err(io_refusal)?;
        if ["/proc", "/sys"].iter().any(|p| real.starts_with(p)) {
            return Err(Refusal::NotRegular("a pseudo file of the kernel"));
        }
        let file = open_nonblocking(&real).map_err(io_refusal)?;
        // The file could have been swapped between the `stat` and the `open`.
        let meta = file.metadata().map_err(io_refusal)?;
        regular(&meta)?;
        if meta.len() > max {
            return Err(Refusal::TooLarge { len: meta.len(), max });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(max + 1).read_to_end(&mut bytes).map_err(io_refusal)?;
        if bytes.len() as u64 > max {
            return Err(Refusal::TooLarge { len: bytes.len() as u64, max });
        }
        Ok(bytes)
    }
}

fn regular(meta: &std::fs::Metadata) -> Result<(), Refusal> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err(Refusal::Folder);
    }
    Err(Refusal::NotRegular(special_kind(&kind)))
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Opens for reading without waiting: a FIFO swapped in after the `stat` does not block.
/// `path` is canonical, so its last part is no link; one swapped in is not followed.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_NOFOLLOW;
    std::fs::OpenOptions::new().read(true).custom_flags(flags).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn io_refusal(e: std::io::Error) -> Refusal {
    match e.kind() {
        std::io::ErrorKind::NotFound => Refusal::Missing,
        std::io::ErrorKind::PermissionDenied => Refusal::Io("permission denied".to_owned()),
        _ => Refusal::Io(e.to_string()),
    }
}

/// The disk inside a project folder, plus the paths its flowc.toml allows.
#[derive(Clone, Debug)]
pub struct ProjectFiles {
    root: Place,
    allowed: Vec<Place>,
}

/// A folder or file both as written (absolute, `.` and `..` folded) and with its symbolic
/// links resolved, so that either spelling of a path inside it is recognized.
#[derive(Clone, Debug)]
struct Place {
    lexical: PathBuf,
    real: PathBuf,
}

impl Place {
    fn new(path: &Path) -> Place {
        let lexical = absolute(path);
        let real = std::fs::canonicalize(&lexical).unwrap_or_else(|_| lexical.clone());
        Place { lexical, real }
    }

    fn holds_lexically(&self, path: &Path) -> bool {
        path.starts_with(&self.lexical) || path.starts_with(&self.real)
    }
}

impl ProjectFiles {
    /// The project whose folder is `root`.
    pub fn new(root: &Path) -> ProjectFiles {
        ProjectFiles { root: Place::new(root), allowed: Vec::new() }
    }

    /// The project of a file in `dir` that no flowc.toml applies to: the repository root
    /// (the nearest folder at or above `dir` holding `.git`), else `dir`.
    pub fn for_folder(dir: &Path) -> ProjectFiles {
        let start = absolute(dir);
        let root = start.ancestors().find(|d| d.join(".git").exists()).unwrap_or(&start);
        ProjectFiles::new(root)
    }

    /// Also allows the files or folders at `paths` (flowc.toml's `allow`), wherever they are.
    pub fn allowing(mut self, paths: impl IntoIterator<Item = PathBuf>) -> ProjectFiles {
        self.allowed.extend(paths.into_iter().map(|p| Place::new(&p)));
        self
    }

    /// The project folder, as written.
    pub fn root(&self) -> &Path {
        &self.root.lexical
    }

    fn allowed_really(&self, real: &Path) -> bool {
        real.starts_with(&self.root.real) || self.allowed.iter().any(|a| real.starts_with(&a.real))
    }

    fn allowed_lexically(&self, path: &Path) -> bool {
        self.root.holds_lexically(path) || self.allowed.iter().any(|a| a.holds_lexically(path))
    }

    /// Whether `path` may be read: where its links lead must be inside, and so must its
    /// spelling when it does not exist (so that nothing tells whether a file outside exists).
    fn place(&self, path: &Path, named_absolutely: bool) -> Result<PathBuf, Refusal> {
        let lexical = absolute(path);
        let outside = |escape| Refusal::Outside { escape, root: self.root.lexical.clone() };
        let lexically_inside = self.allowed_lexically(&lexical);
        if named_absolutely && !self.allowed.iter().any(|a| a.holds_lexically(&lexical)) {
            return Err(outside(Escape::Absolute));
        }
        match std::fs::canonicalize(path) {
            Ok(real) if self.allowed_really(&real) => Ok(real),
            Ok(_) if lexically_inside => Err(outside(Escape::Link)),
            Ok(_) => Err(outside(Escape::ClimbsOut)),
            Err(_) if !lexically_inside => Err(outside(Escape::ClimbsOut)),
            Err(e) => Err(io_refusal(e)),
        }
    }
}

impl FileProvider for ProjectFiles {
    fn resolve(&self, dir: &Path, reference: &str) -> Result<PathBuf, Refusal> {
        let path = dir.join(reference);
        self.place(&path, Path::new(reference).is_absolute())?;
        Ok(path)
    }

    fn read(&self, path: &Path, max: u64) -> Result<Vec<u8>, Refusal> {
        let real = self.place(path, false)?;
        AnyFile.read(&real, max)
    }
}

/// `path` from the root of the file system, `.` and `..` folded; the empty path (the folder
/// of a file named without one) is the current folder. An empty path must never stand for
/// a place: every path starts with it.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() { Path::new(".") } else { path };
    let cwd = || std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    normalize(&std::path::absolute(path).unwrap_or_else(|_| cwd().join(path)))
}

/// Folds `.` and `..` without touching the disk (`a/b/../c` is `a/c`).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (PathBuf, ProjectFiles) {
        let base =
            std::env::temp_dir().join(format!("flowc-files-{}-{:?}", std::process::id(), std::thread::current().id()));
        let root = base.join("project");
        std::fs::create_dir_all(root.join("sub")).expect("temp folder");
        std::fs::create_dir_all(base.join("outside")).expect("temp folder");
        std::fs::write(root.join("sub/in.json"), "{}").expect("write");
        std::fs::write(base.join("outside/secret.json"), "secret").expect("write");
        let files = ProjectFiles::new(&root);
        (base, files)
    }

    #[test]
    fn reads_inside_and_refuses_what_leaves_the_project() {
        let (base, files) = project();
        let root = base.join("project");
        let sub = root.join("sub");
        assert_eq!(files.read(&files.resolve(&sub, "in.json").expect("inside"), 10).expect("read"), b"{}");
        assert_eq!(files.resolve(&root, "sub/../sub/in.json").map(|_| ()), Ok(()));
        let escape = |r: Result<PathBuf, Refusal>| match r {
            Err(Refusal::Outside { escape, .. }) => Some(escape),
            _ => None,
        };
        assert_eq!(escape(files.resolve(&sub, "../../outside/secret.json")), Some(Escape::ClimbsOut));
        assert_eq!(escape(files.resolve(&sub, "../../outside/missing.json")), Some(Escape::ClimbsOut));
        let absolute = base.join("outside/secret.json");
        assert_eq!(escape(files.resolve(&sub, &absolute.display().to_string())), Some(Escape::Absolute));
        assert_eq!(escape(files.resolve(&sub, "/proc/self/environ")), Some(Escape::Absolute));
        assert_eq!(files.resolve(&sub, "missing.json").map(|_| ()), Err(Refusal::Missing));
        #[cfg(unix)]
        {
            let link = sub.join("link.json");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&absolute, &link).expect("symlink");
            assert_eq!(escape(files.resolve(&sub, "link.json")), Some(Escape::Link));
            assert!(matches!(files.read(&link, 100), Err(Refusal::Outside { escape: Escape::Link, .. })));
        }
        let allowed = files.clone().allowing([base.join("outside")]);
        assert_eq!(
            allowed.read(&allowed.resolve(&sub, "../../outside/secret.json").expect("allowed"), 100).expect("read"),
            b"secret"
        );
        assert_eq!(allowed.resolve(&sub, &absolute.display().to_string()).map(|_| ()), Ok(()));
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn only_regular_files_are_read() {
        assert_eq!(AnyFile.read(Path::new("/dev/null"), 10), Err(Refusal::NotRegular("a device")));
        assert_eq!(AnyFile.read(&std::env::temp_dir(), 10), Err(Refusal::Folder));
        #[cfg(target_os = "linux")]
        assert_eq!(
            AnyFile.read(Path::new("/proc/self/environ"), 10),
            Err(Refusal::NotRegular("a pseudo file of the kernel"))
        );
    }

    #[test]
    fn size_and_encoding_are_reported_without_the_bytes() {
        let (base, files) = project();
        let file = base.join("project/sub/in.json");
        assert_eq!(files.read(&file, 1), Err(Refusal::TooLarge { len: 2, max: 1 }));
        std::fs::write(&file, b"{\n ok\xff\xfe").expect("write");
        let refusal = files.read_text(&file, 10).expect_err("not UTF-8");
        assert_eq!(refusal, Refusal::NotUtf8 { offset: 5, line: 2, column: 4 });
        assert!(!refusal.reason().contains('\u{fffd}'));
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn the_empty_folder_is_the_current_one_not_everywhere() {
        let files = ProjectFiles::new(Path::new(""));
        assert_eq!(files.root(), std::env::current_dir().expect("cwd"));
        assert!(matches!(files.resolve(Path::new(""), "../outside.json"), Err(Refusal::Outside { .. })));
        assert!(ProjectFiles::for_folder(Path::new("")).root().is_absolute());
    }

    #[test]
    fn normalize_folds_dots() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
    }
}
