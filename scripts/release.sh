#!/usr/bin/env bash
# Builds flowc's release binary for this machine and packs it, with LICENSE and README.md,
# into OUT_DIR/flowc-<version>-<target triple>.tar.gz (one top folder of the same name),
# with OUT_DIR/<archive>.sha256 beside it in `sha256sum` format. Prints the archive's path.
#
#   scripts/release.sh [OUT_DIR]        (default: dist/)
#
# The same binary always gives the same archive: entries sorted, owned by 0:0, dated at the
# commit's time (or 0 outside git), gzip without a timestamp. Cross builds are left to the caller: run
# it on each target (CARGO_BUILD_TARGET is not handled). See docs/install.md.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$repo/dist}" && cd "${1:-$repo/dist}" && pwd)"
cd "$repo"

pkgid="$(cargo pkgid -p flowc-cli)"
version="${pkgid##*[#@]}"
target="$(rustc -vV | sed -n 's/^host: //p')"
name="flowc-$version-$target"

# The built binary's path, from cargo's own report (wherever the target folder is).
binary="$(cargo build --release --locked -p flowc-cli --bin flowc --message-format json-render-diagnostics |
  python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "flowc" and m.get("executable"):
        print(m["executable"])')"
if [[ ! -x "$binary" ]]; then
  echo "release: cargo reported no flowc binary" >&2
  exit 1
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/flowc"
cp LICENSE README.md "$stage/$name/"

mtime="$(git log -1 --format=%ct 2>/dev/null || echo 0)"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C "$stage" -cf - "$name" |
  gzip -n -9 >"$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$out/$name.tar.gz"
