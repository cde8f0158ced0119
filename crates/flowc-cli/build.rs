//! Records the commit flowc is built from as `FLOWC_COMMIT`, for `flowc --version`.
//!
//! From a git checkout it is the checkout's `HEAD`; from a packaged crate (`cargo install
//! flowc-cli`, `cargo package`) it is the commit cargo wrote into `.cargo_vcs_info.json`;
//! otherwise (a tarball without either) it is `unknown`. The build never fails over it.

use std::path::Path;
use std::process::Command;

/// Hex digits shown, whichever source the commit comes from.
const SHORT: usize = 12;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&dir);
    // Without this line cargo would rerun the script on any change in the package.
    println!("cargo:rerun-if-changed=build.rs");
    let commit = git_commit(dir).or_else(|| packaged_commit(dir)).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=FLOWC_COMMIT={commit}");
}

/// `HEAD` of the repository this package is tracked in, if it is tracked in one: a packaged
/// copy under an ignored `target/` (what `cargo package` builds) belongs to no commit.
fn git_commit(dir: &Path) -> Option<String> {
    git(dir, &["ls-files", "--error-unmatch", "Cargo.toml"])?;
    let commit = git(dir, &["rev-parse", "HEAD"])?;
    // Rebuild when HEAD moves: its file, the branch's ref file, or the packed refs.
    let mut watched =
        vec![git(dir, &["rev-parse", "--git-path", "HEAD"])?, git(dir, &["rev-parse", "--git-path", "packed-refs"])?];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.extend(git(dir, &["rev-parse", "--git-path", &branch]));
    }
    // A path that does not exist would make cargo rerun the script (and rebuild) every time.
    for path in watched.iter().map(|p| dir.join(p)).filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    Some(commit.chars().take(SHORT).collect())
}

/// The commit of `{"git": {"sha1": "…"}}` in the `.cargo_vcs_info.json` cargo adds to a package.
fn packaged_commit(dir: &Path) -> Option<String> {
    let info = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let after_key = &info[info.find("\"sha1\"")? + "\"sha1\"".len()..];
    let value = after_key.split('"').nth(1)?;
    value.chars().all(|c| c.is_ascii_hexdigit()).then(|| value.chars().take(SHORT).collect())
}

/// A git command's trimmed output, or `None` when git is missing or the command fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}
