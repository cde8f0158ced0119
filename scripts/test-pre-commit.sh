#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml the way a user meets it: from a scratch git repository,
# `pre-commit try-repo <this checkout> --all-files` installs flowc (pip builds the wheel of
# pyproject.toml with maturin, which runs cargo) and runs every hook, twice:
#   1. broken files: flowc-check fails on a flow file with an unknown source field, showing
#      flowc's diagnostic; flowc-check-json fails on a folder of request bodies with unknown
#      columns; flowc-fmt rewrites a badly laid-out flow file (so fails);
#   2. the same files fixed (the rewritten one as flowc-fmt left it): every hook passes.
# Needs pre-commit (`pip install pre-commit`), cargo, and the package registries (PyPI for
# maturin, crates.io unless the crates are cached). Cost: one release build of flowc, shared
# with other builds when CARGO_TARGET_DIR is set; each try-repo installs into a fresh store,
# so the workspace's own crates are compiled again by each (about a minute each on 2 cores).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if ! python3 -c 'import pre_commit' 2>/dev/null; then
  echo "test-pre-commit: pre-commit is not installed (python3 -m pip install pre-commit)" >&2
  exit 1
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
work="$scratch/project"
mkdir -p "$work/dataflows" "$work/bodies"
cd "$work"
git init -q .
git config user.email test@example.com
git config user.name test

passes=0
failures=0
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

# try_repo: stages everything and runs every hook of the checkout on all files; the output
# goes to $out, the exit status to $status.
try_repo() {
  git add -A
  status=0
  out="$(python3 -m pre_commit try-repo "$repo" --all-files --color never 2>&1)" || status=$?
  printf '%s\n' "$out" >"$scratch/try-repo.log"
}
# hook_result NAME: Passed, Failed or Skipped, from pre-commit's line `NAME.....Failed`.
hook_result() {
  local line
  while IFS= read -r line; do
    if [[ "$line" == "$1..."* ]]; then
      echo "${line##*.}"
      return
    fi
  done <<<"$out"
  echo missing
}
says() { grep -qF -- "$1" <<<"$out"; }
show_log() { [[ "$failures" == 0 ]] || sed 's/^/     | /' "$scratch/try-repo.log" >&2; }

example="$repo/crates/flowc-cli/assets"
cp "$example/payments-products.xed.json" dataflows/

# 1. Broken files.
sed 's/productName = Product_Name/productName = Product_Nam/' "$example/payments.flow" >dataflows/payments.flow
sed 's/^  productName = Product_Name$/  productName    =Product_Name/' "$example/payments.flow" >dataflows/messy.flow
cp "$repo"/fixtures/import/unknown-columns/*.json bodies/
try_repo
check "broken files: try-repo fails" test "$status" == 1
check "flowc-check fails" test "$(hook_result "flowc check")" == Failed
# shellcheck disable=SC2016 # the backticks are flowc's, not a command
check "  with flowc's diagnostic at the flow file" says 'unknown source field `Product_Nam`'
# The line of the broken entry in the example (whatever lines the example gains above it).
line=$(grep -n 'productName = Product_Nam$' dataflows/payments.flow | cut -d: -f1)
check "  at its line and column" says "dataflows/payments.flow:$line:17"
check "flowc-check-json fails" test "$(hook_result "flowc check (JSON request bodies)")" == Failed
check "  at the mapping set" says "bodies/mapping-set.json:27:43"
check "flowc-fmt fails" test "$(hook_result "flowc fmt")" == Failed
check "  because it rewrote a file" says "files were modified by this hook"
check "  into the canonical layout" cmp -s "$example/payments.flow" dataflows/messy.flow
show_log

# 2. The same files, fixed.
cp "$example/payments.flow" dataflows/payments.flow
rm bodies/*.json && cp "$repo"/fixtures/import/payments/*.json bodies/
try_repo
check "fixed files: try-repo passes" test "$status" == 0
check "flowc-check passes" test "$(hook_result "flowc check")" == Passed
check "flowc-check-json passes" test "$(hook_result "flowc check (JSON request bodies)")" == Passed
check "flowc-fmt passes" test "$(hook_result "flowc fmt")" == Passed
show_log

echo "test-pre-commit: $passes passed, $failures failed"
[[ "$failures" == 0 ]]
