//! Which files a command works on: files as given, folders walked for `*.flow` (and, for
//! `flowc check`, `*.json` request bodies; honouring `.gitignore`), glob patterns the shell
//! did not expand, and `-` for standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

pub enum Input {
    File(PathBuf),
    Stdin,
}

/// A path that named nothing: a usage error.
#[derive(Debug)]
pub struct Missing(pub String);

pub fn collect(args: &[PathBuf]) -> Result<Vec<Input>, Missing> {
    Ok(collect_with(args, false)?.0)
}

/// [`collect`], folders also walked for `*.json`; with the files named explicitly (as
/// files or by a glob), which are reported even when they hold no request body.
pub fn collect_with_json(args: &[PathBuf]) -> Result<(Vec<Input>, Vec<PathBuf>), Missing> {
    collect_with(args, true)
}

fn collect_with(args: &[PathBuf], json: bool) -> Result<(Vec<Input>, Vec<PathBuf>), Missing> {
    let mut files = Vec::new();
    let mut explicit = Vec::new();
    let mut stdin = false;
    for arg in args {
        let text = arg.to_string_lossy();
        if text == "-" {
            stdin = true;
        } else if arg.is_dir() {
            files.extend(walk(arg, None, json));
        } else if arg.is_file() {
            files.push(arg.clone());
            explicit.push(arg.clone());
        } else if text.contains(['*', '?', '[']) {
            let found = glob(&text)?;
            if found.is_empty() {
                return Err(Missing(format!("no file matches `{text}`")));
            }
            explicit.extend(found.iter().cloned());
            files.extend(found);
        } else {
            return Err(Missing(format!("`{text}`: no such file or folder")));
        }
    }
    files.sort();
    files.dedup();
    let mut inputs: Vec<Input> = files.into_iter().map(Input::File).collect();
    if stdin {
        inputs.push(Input::Stdin);
    }
    Ok((inputs, explicit))
}

/// Folders honour `.gitignore`; a glob names files as the shell would, ignore files aside.
fn walk(root: &Path, matcher: Option<&globset::GlobMatcher>, json: bool) -> Vec<PathBuf> {
    ignore::WalkBuilder::new(root)
        .require_git(false)
        .standard_filters(matcher.is_none())
        .hidden(true)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|p| match matcher {
            Some(m) => m.is_match(p),
            None => p.extension().is_some_and(|e| e == "flow" || (json && e == "json")),
        })
        .collect()
}

fn glob(pattern: &str) -> Result<Vec<PathBuf>, Missing> {
    let matcher = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| Missing(format!("`{pattern}` is not a valid glob: {e}")))?
        .compile_matcher();
    // Walk from the longest folder prefix without glob characters.
    let literal: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
        .collect();
    let root = if literal.as_os_str().is_empty() { PathBuf::from(".") } else { literal };
    let found = walk(&root, Some(&matcher), false);
    // A pattern like `*.flow` walked from `.` sees `./x.flow`: match without the `./`.
    if found.is_empty() && root == Path::new(".") {
        let relative = globset::Glob::new(&format!("./{pattern}")).map(|g| g.compile_matcher());
        if let Ok(m) = relative {
            return Ok(walk(&root, Some(&m), false));
        }
    }
    Ok(found)
}

/// A folder to read files in: the current one for an empty path (the parent of a file
/// named without a folder).
pub fn folder(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() { Path::new(".") } else { dir }
}

/// Reads an input's bytes; the name is what diagnostics show.
pub fn read(input: &Input, stdin_name: &str) -> std::io::Result<(String, Vec<u8>)> {
    match input {
        Input::File(path) => Ok((path.display().to_string(), std::fs::read(path)?)),
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes)?;
            Ok((stdin_name.to_owned(), bytes))
        }
    }
}
