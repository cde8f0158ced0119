#!/bin/sh
# Runs every cargo-fuzz target for SECONDS each (default 60), seeded from fixtures/, and
# prints each target's executions per second. Findings stop the run with libFuzzer's
# report and a non-zero exit; the crashing input is kept under fuzz/artifacts/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). With
# FLOWC_FUZZ_OPTIONAL=1 their absence is said and the script exits 0 (what .ci/run does).
# FLOWC_FUZZ_TARGET_DIR sets the build folder (default fuzz/target); CI keeps it in
# ~/.cache so that a machine builds the instrumented dependencies once.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-"flow_fmt flow_check json_bodies schema config import_roundtrip java_patterns"}

if ! cargo +nightly --version >/dev/null 2>&1 || ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: the nightly toolchain or cargo-fuzz is missing (rustup toolchain install nightly; cargo install cargo-fuzz)"
  [ "${FLOWC_FUZZ_OPTIONAL:-0}" = 1 ] && exit 0
  exit 2
fi

# Seeds: copies of the fixtures each target reads, in a corpus folder that grows as it runs.
seed() { # target, then find arguments
  dir=fuzz/corpus/$1
  shift
  mkdir -p "$dir"
  find fixtures crates/flowc-cli/assets "$@" -exec cp {} "$dir"/ \; 2>/dev/null || true
}
seed flow_fmt -name '*.flow'
seed flow_check -name '*.flow'
seed import_roundtrip -name '*.flow'
seed json_bodies \( -name '*-connection.json' -o -name 'mapping-set.json' -o -name 'flow.json' \)
seed schema \( -name '*.xed.json' -o -name '*.schema.json' \)
seed config -name 'flowc.toml'
mkdir -p fuzz/corpus/java_patterns

dict() {
  case $1 in
    flow_*|import_roundtrip) echo fuzz/dict/flow.dict ;;
    json_bodies|schema) echo fuzz/dict/json.dict ;;
    config) echo fuzz/dict/toml.dict ;;
    *) echo "" ;;
  esac
}

target_dir=${FLOWC_FUZZ_TARGET_DIR:-fuzz/target}
echo "fuzz: building the targets (first build of the instrumented dependencies takes minutes)"
mkdir -p fuzz/artifacts
if ! cargo +nightly fuzz build -O --target-dir "$target_dir" >fuzz/artifacts/build.log 2>&1; then
  tail -30 fuzz/artifacts/build.log
  echo "fuzz: the targets do not build"
  exit 1
fi
status=0
for target in $targets; do
  d=$(dict "$target")
  log=fuzz/artifacts/$target.log
  # The time limit per input is wall time: generous, so that a loaded machine is not a
  # finding. A schema may legitimately expand to its 100,000-field limit, which takes
  # seconds under the sanitizer.
  limit=30
  [ "$target" = schema ] && limit=120
  set -- -max_total_time="$seconds" -timeout="$limit" -rss_limit_mb=2048 -print_final_stats=1
  [ -n "$d" ] && set -- "$@" -dict="$d"
  if cargo +nightly fuzz run -O --target-dir "$target_dir" "$target" "fuzz/corpus/$target" -- "$@" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    echo "fuzz: $target: ${runs:-?} runs in ${seconds}s, ${rate:-?} per second, no finding"
  else
    echo "fuzz: $target: FOUND A PROBLEM (log: $log)"
    grep -E '^(==[0-9]+==|SUMMARY|thread .* panicked|Failing input|.*fuzz/artifacts/)' "$log" | head -20
    status=1
  fi
done
exit $status
