#!/usr/bin/env bash
# Tests the two ways of installing flowc that need no registry of ours (docs/install.md):
#   cargo install --path crates/flowc-cli --root DIR   gives a flowc that runs `--version`
#                                                      and checks the embedded example
#   scripts/release.sh DIR                             gives an archive whose .sha256 verifies
#                                                      and that holds flowc, LICENSE and README.md
# Cost: one release build, shared by both (and with other builds when CARGO_TARGET_DIR is set).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cd "$repo"

pkgid="$(cargo pkgid -p flowc-cli)"
version="${pkgid##*[#@]}"
target="$(rustc -vV | sed -n 's/^host: //p')"
passes=0
failures=0
# check WHAT COMMAND...: one counted check.
check() {
  local what="$1"
  shift
  if "$@"; then
    echo "ok   $what"
    passes=$((passes + 1))
  else
    echo "FAIL $what" >&2
    failures=$((failures + 1))
  fi
}

# works FLOWC: `--version` names the version and a commit (or says it is unknown), and the
# embedded example checks and compiles.
works() {
  local flowc="$1" line
  line="$("$flowc" --version)" || return 1
  echo "     $flowc --version: $line"
  [[ "$line" =~ ^flowc\ $version\ \(commit\ ([0-9a-f]{12}|unknown)\)$ ]] || { echo "     unexpected --version" >&2; return 1; }
  "$flowc" example >"$scratch/example.out" 2>"$scratch/example.err" || return 1
  grep -q '"flowSpec"' "$scratch/example.out" || { echo "     flowc example printed no flow body" >&2; return 1; }
}

# cargo install, as a user would (plus --locked, as docs/install.md says).
cargo install --quiet --locked --path crates/flowc-cli --root "$scratch/root"
check "cargo install --path crates/flowc-cli --root DIR: bin/flowc runs" works "$scratch/root/bin/flowc"

# The release archive.
archive="$(scripts/release.sh "$scratch/dist")"
name="flowc-$version-$target"
check "release.sh names the archive $name.tar.gz" test "$archive" == "$scratch/dist/$name.tar.gz"
check "the archive's .sha256 verifies" bash -c "cd '$scratch/dist' && sha256sum --check --quiet '$name.tar.gz.sha256'"
listing="$(tar -tzf "$archive" | sort | tr '\n' ' ')"
check "the archive holds flowc, LICENSE, README.md" test "$listing" == "$name/ $name/LICENSE $name/README.md $name/flowc "
tar -xzf "$archive" -C "$scratch"
check "the archived flowc runs" works "$scratch/$name/flowc"
# The .sha256 is really compared: a changed archive fails it.
cp "$archive" "$scratch/tampered.tar.gz" && printf x >>"$scratch/tampered.tar.gz"
sed "s/$name.tar.gz/tampered.tar.gz/" "$archive.sha256" >"$scratch/tampered.sha256"
check "a changed archive fails its checksum" bash -c "! (cd '$scratch' && sha256sum --check --quiet tampered.sha256 >/dev/null 2>&1)"
again="$(scripts/release.sh "$scratch/again")"
check "a second run gives the same archive bytes" cmp -s "$archive" "$again"
echo "     $(cat "$archive.sha256")"

echo "test-install: $passes passed, $failures failed"
[[ "$failures" == 0 ]]
