//! `--emit curl`: `plan.sh`, a POSIX shell script that performs the plan with curl and jq,
//! and can be run again.
//!
//! The script is self-contained: the bodies are inside it (quoted here-documents, so the
//! shell expands nothing in them). What it does is documented in `docs/build.md`; in short:
//!
//! - it records every object it creates (name, id, version, etag, the digest of the body it
//!   sent) in a state file beside itself, after each step; a second run skips what the state
//!   records and resumes at the first step not done, and stops before sending anything when
//!   a recorded step's body changed;
//! - `--dry-run` prints the requests (secrets masked) and sends nothing; `--rollback`
//!   deletes what the state records, in reverse order;
//! - every request has connect and total time limits, and is tried again after 429 and 5xx
//!   answers (honouring `Retry-After`), never after another answer;
//! - the token is `ACCESS_TOKEN`, or one obtained from Adobe's identity service with the
//!   OAuth client-credentials grant. Secrets reach curl in files, never on a command line,
//!   and are never printed.
//!
//! Ids are threaded into later bodies with jq (`--arg`, so an id is inserted as a JSON
//! string, never as code), read back from the state file.

use crate::ordered::Node;
use crate::plan::{self, Plan, Resource, Rollback};

/// The here-document delimiter. A pretty-printed JSON object has no line of this text: its
/// lines start with `{`, `}` or spaces.
const DELIMITER: &str = "FLOWC_JSON";

/// Adobe's identity service token endpoint (OAuth server-to-server, client credentials).
pub const TOKEN_URL: &str = "https://ims-na1.adobelogin.com/ims/token/v3";

/// The resource whose answer fills a placeholder, and the answer's field.
fn source_of(placeholder: &str) -> (Resource, &'static str) {
    Resource::ALL
        .into_iter()
        .find_map(|r| r.outputs().iter().find(|(_, p)| *p == placeholder).map(|(field, _)| (r, *field)))
        .unwrap_or_else(|| unreachable!("unknown placeholder {placeholder}"))
}

const PRELUDE: &str = r#"set -eu

usage() {
  cat <<'USAGE'
usage: plan.sh [--dry-run] [--rollback] [--state FILE] [--tries N]
               [--connect-timeout SECONDS] [--max-time SECONDS]

  (no option)        create the objects the state file does not record yet, in order
  --dry-run          print each request (secrets masked) and send nothing
  --rollback         delete what the state file records, in reverse order
  --state FILE       the state file (default: plan.state.json beside this script)
  --tries N          tries per request, counting the first (default 4)
  --connect-timeout  seconds to open a connection (default 10)
  --max-time         seconds for a whole request (default 120)

Environment: API_KEY, ORG_ID, SANDBOX_NAME, and ACCESS_TOKEN or CLIENT_ID, CLIENT_SECRET
and SCOPES (the token is then obtained from FLOWC_TOKEN_URL, default Adobe's identity
service). Optional: FLOWC_BASE_URL, FLOWC_STATE, FLOWC_TRIES, FLOWC_CONNECT_TIMEOUT,
FLOWC_MAX_TIME, FLOWC_BACKOFF (seconds before the first retry, doubled each time).
USAGE
}

fail_usage() {
  echo "plan.sh: $1" >&2
  echo "plan.sh: run it with --help for the options" >&2
  exit 2
}

dry_run=false
rollback=false
state_file=${FLOWC_STATE:-}
tries=${FLOWC_TRIES:-4}
connect_timeout=${FLOWC_CONNECT_TIMEOUT:-10}
max_time=${FLOWC_MAX_TIME:-120}
backoff=${FLOWC_BACKOFF:-2}
options=
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry_run=true ;;
    --rollback) rollback=true ;;
    --state | --tries | --connect-timeout | --max-time)
      [ $# -ge 2 ] || fail_usage "$1 needs a value"
      case $1 in
        --state) state_file=$2 ;;
        --tries) tries=$2 ;;
        --connect-timeout) connect_timeout=$2 ;;
        --max-time) max_time=$2 ;;
      esac
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) fail_usage "unknown argument: $1" ;;
  esac
  shift
done
for setting in "tries=$tries" "connect-timeout=$connect_timeout" "max-time=$max_time" "FLOWC_BACKOFF=$backoff"; do
  case ${setting#*=} in
    '' | *[!0-9]*) fail_usage "${setting%%=*} must be a whole number of seconds or tries, not '${setting#*=}'" ;;
  esac
done
[ "$tries" -ge 1 ] || fail_usage "tries must be at least 1"
if [ "$max_time" -lt 1 ] || [ "$connect_timeout" -lt 1 ]; then fail_usage "time limits must be at least 1 second"; fi

case $0 in
  */*) here=${0%/*} ;;
  *) here=. ;;
esac
if [ -z "$state_file" ]; then
  state_file=$here/plan.state.json
else
  options=" --state '$state_file'"
fi
resume_command="sh '$0'$options"
base_url=${FLOWC_BASE_URL:-https://platform.adobe.io}
base_url=${base_url%/}
token_url=${FLOWC_TOKEN_URL:-https://ims-na1.adobelogin.com/ims/token/v3}

# The environment: checked before anything is sent (a dry run needs none of it).
if [ "$dry_run" = false ]; then
  missing=
  [ -n "${API_KEY:-}" ] || missing="$missing API_KEY"
  [ -n "${ORG_ID:-}" ] || missing="$missing ORG_ID"
  [ -n "${SANDBOX_NAME:-}" ] || missing="$missing SANDBOX_NAME"
  if [ -z "${ACCESS_TOKEN:-}" ]; then
    if [ -z "${CLIENT_ID:-}${CLIENT_SECRET:-}${SCOPES:-}" ]; then
      missing="$missing ACCESS_TOKEN (or CLIENT_ID, CLIENT_SECRET and SCOPES)"
    else
      [ -n "${CLIENT_ID:-}" ] || missing="$missing CLIENT_ID"
      [ -n "${CLIENT_SECRET:-}" ] || missing="$missing CLIENT_SECRET"
      [ -n "${SCOPES:-}" ] || missing="$missing SCOPES"
    fi
  fi
  if [ -n "$missing" ]; then
    echo "plan.sh: set the environment variable(s):$missing" >&2
    exit 2
  fi
  newline='
'
  cr=$(printf '\r')
  for value in "${ACCESS_TOKEN:-}" "$API_KEY" "$ORG_ID" "$SANDBOX_NAME" "${CLIENT_ID:-}" "${CLIENT_SECRET:-}" "${SCOPES:-}"; do
    case $value in
      *"$newline"* | *"$cr"*)
        echo "plan.sh: ACCESS_TOKEN, API_KEY, ORG_ID, SANDBOX_NAME, CLIENT_ID, CLIENT_SECRET and SCOPES must be one line each" >&2
        exit 2
        ;;
    esac
  done
fi
tools="curl jq"
[ "$dry_run" = false ] || tools=jq
for tool in $tools; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "plan.sh: $tool is required and not installed" >&2
    exit 2
  fi
done

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/flowc.XXXXXX")
lock=
trap 'rm -rf "$work"; if [ -n "$lock" ]; then rmdir "$lock" 2>/dev/null || true; fi' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The state file: {"version": 1, "plan", "baseUrl", "orgId", "sandbox", "objects": {NAME:
# {"step", "id", "version"?, "etag"?, "digest", "created", "deleted"?}}}. It is replaced
# (written beside, then renamed) after each step.
if [ -e "$state_file" ]; then
  if ! jq -e '.version == 1 and (.objects | type == "object")' "$state_file" >/dev/null 2>&1; then
    echo "plan.sh: $state_file is not a state file of a flowc plan (version 1)" >&2
    exit 2
  fi
  if [ "$dry_run" = false ]; then
    recorded_target=$(jq -r '"sandbox \(.sandbox) of organization \(.orgId) at \(.baseUrl)"' "$state_file")
    target="sandbox $SANDBOX_NAME of organization $ORG_ID at $base_url"
    if [ "$recorded_target" != "$target" ]; then
      echo "plan.sh: $state_file records objects in $recorded_target, not in $target" >&2
      echo "plan.sh: give another state file with --state to create the objects there" >&2
      exit 2
    fi
  fi
elif [ "$dry_run" = false ] && [ ! -d "$(dirname "$state_file")" ]; then
  echo "plan.sh: the folder of the state file $state_file does not exist" >&2
  exit 2
fi
if [ "$dry_run" = false ]; then
  lock=$state_file.lock
  if ! mkdir "$lock" 2>/dev/null; then
    lock=
    echo "plan.sh: another run of this plan holds $state_file.lock; remove that folder if none is running" >&2
    exit 2
  fi
fi

# recorded NAME FIELD: the field of NAME's entry in the state, if NAME exists (created, not deleted).
recorded() {
  if [ -f "$state_file" ]; then
    jq -r --arg n "$1" --arg f "$2" '.objects[$n] // {} | select(.deleted | not) | .[$f] // empty | tostring' "$state_file"
  fi
}

# update JQ-PROGRAM [JQ-ARGS...]: rewrites the state file through a jq program.
update() {
  if [ ! -f "$state_file" ]; then
    jq -n --arg p "$plan_name" --arg b "$base_url" --arg o "$ORG_ID" --arg s "$SANDBOX_NAME" \
      '{version: 1, plan: $p, baseUrl: $b, orgId: $o, sandbox: $s, objects: {}}' >"$state_file.tmp" || return 1
    mv "$state_file.tmp" "$state_file" || return 1
  fi
  program=$1
  shift
  jq "$@" "$program" "$state_file" >"$state_file.tmp" || return 1
  mv "$state_file.tmp" "$state_file"
}

# unrecorded NAME ID: stops after an object was created that the state file could not record.
unrecorded() {
  echo "plan.sh: $1 $2 exists, but $state_file could not be updated: add it there by hand (see plan.json), or delete it, before running again" >&2
  exit 1
}

now() {
  date -u +%Y-%m-%dT%H:%M:%SZ
}

# digest NAME: the digest of NAME's body as this script holds it (before any placeholder is filled).
digest() {
  cksum <"$work/$1.json" | awk '{ print "cksum:" $1 "-" $2 }'
}

# The headers reach curl through a file: no secret is ever on a command line.
headers_ready=false
ensure_headers() {
  [ "$headers_ready" = false ] || return 0
  token=${ACCESS_TOKEN:-}
  [ -n "$token" ] || obtain_token
  {
    printf 'Authorization: Bearer %s\n' "$token"
    printf 'x-api-key: %s\n' "$API_KEY"
    printf 'x-gw-ims-org-id: %s\n' "$ORG_ID"
    printf 'x-sandbox-name: %s\n' "$SANDBOX_NAME"
    printf 'Content-Type: application/json\n'
    printf 'Expect:\n'
  } >"$work/headers"
  token=
  headers_ready=true
}

# OAuth server-to-server: the client-credentials grant of Adobe's identity service. jq reads
# the credentials from the environment and writes the form to a file that curl sends.
obtain_token() {
  jq -nj '"grant_type=client_credentials&client_id=\(env.CLIENT_ID | @uri)&client_secret=\(env.CLIENT_SECRET | @uri)&scope=\(env.SCOPES | @uri)"' >"$work/token.form"
  printf 'Content-Type: application/x-www-form-urlencoded\nExpect:\n' >"$work/token.headers"
  if ! send POST "$token_url" "$work/token.headers" "$work/token.form" "$work/token.answer" "the access token"; then
    {
      echo "plan.sh: no access token: POST $token_url $(outcome)"
      api_error "$work/token.answer"
      echo "Check CLIENT_ID, CLIENT_SECRET and SCOPES (or set ACCESS_TOKEN), then run again: $resume_command"
    } >&2
    exit 1
  fi
  token=$(jq -r '.access_token // empty | strings' "$work/token.answer" 2>/dev/null || true)
  if [ -z "$token" ]; then
    echo "plan.sh: the token endpoint $token_url answered without an access_token" >&2
    exit 1
  fi
}

# send METHOD URL HEADER-FILE BODY-FILE|'' ANSWER-FILE WHAT: one request, with the time
# limits, tried up to $tries times: again after a 429 or 5xx answer (after Retry-After
# seconds when the answer gives them, else after a doubling backoff) or when no connection
# could be opened; a DELETE also after a time-out. Never again after another answer, nor a
# POST that may have reached the server. Sets $status (000: no answer) and $failure.
send() {
  s_method=$1 s_url=$2 s_headers=$3 s_body=$4 s_answer=$5 s_what=$6
  try=1
  while :; do
    if [ -n "$s_body" ]; then set -- --data-binary "@$s_body"; else set --; fi
    rc=0
    status=$(curl -sS -X "$s_method" -H "@$s_headers" "$@" --connect-timeout "$connect_timeout" \
      --max-time "$max_time" -D "$work/answer.headers" -o "$s_answer" -w '%{http_code}' \
      "$s_url" 2>"$work/curl.err") || rc=$?
    failure=
    again=false
    case $rc in
      0)
        case $status in
          2??) return 0 ;;
          429 | 5??) again=true ;;
        esac
        ;;
      6 | 7)
        status=000
        failure="no connection: $(cat "$work/curl.err")"
        again=true
        ;;
      *)
        status=000
        if grep -q 'Operation timed out' "$work/curl.err"; then
          failure="no answer within the time limit of $max_time s (--max-time)"
        else
          failure=$(cat "$work/curl.err")
        fi
        : >"$s_answer"
        if [ "$s_method" != POST ] || grep -q 'Connection timed out' "$work/curl.err"; then again=true; fi
        ;;
    esac
    if [ "$again" = false ] || [ "$try" -ge "$tries" ]; then
      return 1
    fi
    wait=$(tr -d '\r' <"$work/answer.headers" 2>/dev/null |
      awk -F: 'tolower($1) == "retry-after" { gsub(/[ \t]/, "", $2); if ($2 ~ /^[0-9]+$/) v = $2 } END { if (v != "") print v }' || true)
    [ -n "$wait" ] || wait=$((backoff * (1 << (try - 1))))
    [ "$wait" -le 300 ] || wait=300
    echo "plan.sh: $s_what: $(outcome); trying again in $wait s (try $((try + 1)) of $tries)" >&2
    sleep "$wait"
    try=$((try + 1))
  done
}

# outcome: what the last request got.
outcome() {
  if [ -n "$failure" ]; then echo "$failure"; else echo "answered HTTP $status"; fi
}

# api_error ANSWER-FILE: the error of a Flow Service, Data Prep or identity service answer:
# its code, messages and report (the failing fields), or the answer as it is.
api_error() {
  [ -s "$1" ] || return 0
  if ! jq -r '
      def text: if type == "string" then . else tojson end;
      if type != "object" then error("not an error object") else . end
      | (first((.code, .errorCode, .error_code, .error, (.type | strings | split("/") | last)) | select(. != null)) // null) as $code
      | ([.title, .message, .detail, .error_description] | map(strings)) as $messages
      | (first((.report, .details, .["error-chain"], .errors) | select(. != null)) // null) as $report
      | if $code == null and ($messages | length) == 0 then error("no error fields") else . end
      | (if $code != null then "  error code: \($code | text)" else empty end),
        ($messages[] | "  message:    \(.)"),
        (if $report != null then "  report:     \($report | text)" else empty end)' "$1" 2>/dev/null; then
    echo "  answer:"
    head -c 4000 "$1" | sed 's/^/    /'
    echo
  fi
}

# done_so_far: what the state records, for a message.
done_so_far() {
  if [ -f "$state_file" ]; then
    jq -r '[.objects | to_entries[] | select(.value.deleted | not) | "\(.key) \(.value.id)"] | if length == 0 then "nothing" else join(", ") end' "$state_file"
  else
    echo nothing
  fi
}

# check_unchanged STEP NAME: stops when the state records NAME with another body digest.
check_unchanged() {
  was=$(recorded "$2" digest)
  if [ -n "$was" ] && [ "$was" != "$(digest "$2")" ]; then
    id=$(recorded "$2" id)
    {
      echo "plan.sh: step $1 of $total ($2) changed since it was created as $id (the state file is $state_file); nothing was sent"
      echo "To create the objects anew: delete the old ones with '$resume_command --rollback', then move $state_file away and run again."
    } >&2
    exit 1
  fi
}

# begin STEP NAME: true when the step must be sent, false when the state records it. Takes
# the digest of the body before its placeholders are filled.
begin() {
  # Called as a condition, where `set -e` does not apply: a state that cannot be read stops here.
  step_digest=$(digest "$2") || exit 1
  id=$(recorded "$2" id) || exit 1
  if [ "$dry_run" = true ]; then
    echo
    if [ -n "$id" ]; then
      echo "Step $1 of $total: $2: done ($id, recorded in $state_file); a run skips it"
      return 1
    fi
    echo "Step $1 of $total: $2"
    return 0
  fi
  if [ -n "$id" ]; then
    printf 'done %s %s\n' "$2" "$id"
    return 1
  fi
  return 0
}

# fill NAME PLACEHOLDER FROM FIELD FROM-STEP: replaces PLACEHOLDER by the FIELD that the state
# records for FROM, in every string of NAME's body.
fill() {
  value=$(recorded "$3" "$4")
  if [ "$dry_run" = true ]; then
    if [ -n "$value" ]; then
      echo "  fills $2 with $value (the $4 of $3, recorded)"
    else
      echo "  fills $2 with the $4 of the answer to step $5 ($3)"
    fi
    return 0
  fi
  if [ -z "$value" ]; then
    echo "plan.sh: $1 needs the $4 of $3, which $state_file does not record" >&2
    exit 1
  fi
  jq --arg p "$2" --arg v "$value" \
    'def fill: if type == "string" then split($p) | join($v) elif type == "array" then map(fill) elif type == "object" then with_entries(.value |= fill) else . end; fill' \
    "$work/$1.json" >"$work/$1.filled.json"
  mv "$work/$1.filled.json" "$work/$1.json"
}

# show METHOD URL [BODY-FILE]: a request as a dry run prints it, secrets masked.
show() {
  echo "  $1 $2"
  if [ -n "${ACCESS_TOKEN:-}" ]; then
    echo "  Authorization: Bearer ****"
  elif [ -n "${CLIENT_ID:-}" ]; then
    echo "  Authorization: Bearer **** (obtained from $token_url)"
  else
    echo "  Authorization: Bearer <ACCESS_TOKEN, or CLIENT_ID, CLIENT_SECRET and SCOPES: not set>"
  fi
  if [ -n "${API_KEY:-}" ]; then echo "  x-api-key: ****"; else echo "  x-api-key: <API_KEY: not set>"; fi
  echo "  x-gw-ims-org-id: ${ORG_ID:-<ORG_ID: not set>}"
  echo "  x-sandbox-name: ${SANDBOX_NAME:-<SANDBOX_NAME: not set>}"
  if [ $# -ge 3 ]; then
    echo "  Content-Type: application/json"
    echo
    sed 's/^/  /' "$3"
  fi
}

# create STEP NAME PATH: POSTs NAME's body and records the answer's id, version and etag.
create() {
  if [ "$dry_run" = true ]; then
    show POST "$base_url$3" "$work/$2.json"
    return 0
  fi
  ensure_headers
  if ! send POST "$base_url$3" "$work/headers" "$work/$2.json" "$work/$2.answer.json" "step $1 of $total ($2)"; then
    {
      echo "plan.sh: step $1 of $total ($2) failed: POST $base_url$3 $(outcome)"
      api_error "$work/$2.answer.json"
      echo "  request body:"
      sed 's/^/    /' "$work/$2.json"
      if [ "$status" = 000 ] && [ -n "$failure" ]; then
        echo "The request may have reached the server: look for a new $2 there before running again."
      fi
      echo "Created so far (recorded in $state_file): $(done_so_far)."
      echo "Fix the cause, then run again to resume at step $1: $resume_command"
      echo "Or delete what this plan created: $resume_command --rollback"
    } >&2
    exit 1
  fi
  id=$(jq -r '.id // empty | if type == "string" or type == "number" then tostring else empty end' "$work/$2.answer.json" 2>/dev/null || true)
  if [ -z "$id" ]; then
    {
      echo "plan.sh: step $1 of $total ($2): POST $base_url$3 answered HTTP $status without an id"
      api_error "$work/$2.answer.json"
      echo "Look for a new $2 on the server before running again: $resume_command"
    } >&2
    exit 1
  fi
  version=$(jq -r '.version // empty | tostring' "$work/$2.answer.json")
  etag=$(jq -r '.etag // empty | tostring' "$work/$2.answer.json")
  # shellcheck disable=SC2016 # a jq program: $n, $s... are jq's variables
  update '.objects[$n] = ({step: ($s | tonumber), id: $id} + (if $v == "" then {} else {version: $v} end) + (if $e == "" then {} else {etag: $e} end) + {digest: $d, created: $t})' \
    --arg n "$2" --arg s "$1" --arg id "$id" --arg v "$version" --arg e "$etag" --arg d "$step_digest" --arg t "$(now)" || unrecorded "$2" "$id"
  printf 'created %s %s\n' "$2" "$id"
}

# delete STEP NAME PATH: DELETEs the object the state records for NAME, and marks it deleted.
delete() {
  id=$(recorded "$2" id)
  [ -n "$id" ] || return 0
  # shellcheck disable=SC2016 # a jq program
  url="$base_url$3/$(jq -rn --arg id "$id" '$id | @uri')"
  if [ "$dry_run" = true ]; then
    echo
    echo "Step $1 of $total: $2 $id: deleted"
    show DELETE "$url"
    return 0
  fi
  ensure_headers
  if send DELETE "$url" "$work/headers" '' "$work/$2.delete.json" "deleting $2 $id"; then
    gone="deleted"
  elif [ "$status" = 404 ]; then
    gone="deleted (it was gone already: HTTP 404)"
  else
    {
      echo "plan.sh: deleting $2 $id failed: DELETE $url $(outcome)"
      api_error "$work/$2.delete.json"
      echo "Still recorded in $state_file: $(done_so_far)."
      echo "Fix the cause, then run the rollback again: $resume_command --rollback"
    } >&2
    exit 1
  fi
  # shellcheck disable=SC2016 # a jq program
  update '.objects[$n].deleted = $t' --arg n "$2" --arg t "$(now)" || unrecorded "$2" "$id (deleted)"
  printf '%s %s %s\n' "$gone" "$2" "$id"
}

# keep STEP NAME REASON: an object the rollback cannot delete.
keep() {
  id=$(recorded "$2" id)
  [ -n "$id" ] || return 0
  if [ "$dry_run" = true ]; then
    echo
    echo "Step $1 of $total: $2 $id: kept, $3"
    return 0
  fi
  printf 'kept %s %s: %s\n' "$2" "$id" "$3"
}
"#;

/// Shell-quotes `text` in single quotes.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The script for `plan`, whose bodies are given in plan order.
pub fn script(plan: &Plan, bodies: &[(Resource, &Node)]) -> String {
    let total = plan.requests.len();
    let mut out = String::new();
    out.push_str("#!/bin/sh\n");
    out.push_str("# Generated by flowc (`flowc build --emit curl`): creates the dataflow's objects with the\n");
    out.push_str("# Flow Service and Data Prep APIs, in the order of plan.json. Needs curl and jq.\n");
    out.push_str("# Run it with --help for its options; docs/build.md in flowc tells the whole story.\n");
    out.push_str("#\n");
    out.push_str("#   API_KEY, ORG_ID, SANDBOX_NAME                 required\n");
    out.push_str("#   ACCESS_TOKEN, or CLIENT_ID + CLIENT_SECRET + SCOPES   required\n");
    out.push_str(&format!("#   FLOWC_BASE_URL                                optional, default {}\n", plan::BASE_URL));
    out.push_str("#\n");
    out.push_str(&format!(
        "# Records what it creates in {} beside itself: run it again to resume after a\n# failure, with --rollback to delete what it created.\n",
        plan::STATE_FILE
    ));
    for (resource, id) in &plan.existing {
        out.push_str(&format!("# Exists already (no request): {} {id}\n", resource.name()));
    }
    out.push_str(PRELUDE);
    out.push_str(&format!("\nplan_name={}\ntotal={total}\n", quoted(&plan::title(bodies))));

    out.push_str("\n# The bodies, as flowc built them: placeholders are filled just before each is sent.\n");
    for request in &plan.requests {
        let name = request.resource.name();
        let body = bodies
            .iter()
            .find(|(r, _)| *r == request.resource)
            .map(|(_, b)| b.to_pretty())
            .expect("every request has its body");
        assert!(!body.lines().any(|l| l == DELIMITER), "a JSON body line cannot be the here-document delimiter");
        out.push_str(&format!("cat >\"$work/{name}.json\" <<'{DELIMITER}'\n{body}{DELIMITER}\n"));
    }

    out.push_str("\n# A recorded step whose body changed stops the run before anything is sent.\n");
    for (step, request) in plan.requests.iter().enumerate() {
        out.push_str(&format!("check_unchanged {} {}\n", step + 1, request.resource.name()));
    }

    out.push_str("\nif [ \"$rollback\" = true ]; then\n");
    out.push_str("  [ \"$dry_run\" = false ] || echo \"Dry run of the rollback: nothing is sent.\"\n");
    for (step, request) in plan.requests.iter().enumerate().rev() {
        let resource = request.resource;
        match resource.rollback() {
            Rollback::Delete(path) => out.push_str(&format!("  delete {} {} {path}\n", step + 1, resource.name())),
            Rollback::Kept(reason) => {
                out.push_str(&format!("  keep {} {} {}\n", step + 1, resource.name(), quoted(reason)))
            }
        }
    }
    out.push_str("  if [ \"$dry_run\" = true ]; then echo; echo \"$state_file records $(done_so_far)\"; else echo \"rolled back: $state_file records $(done_so_far)\"; fi\n");
    out.push_str("  exit 0\nfi\n");
    out.push_str("[ \"$dry_run\" = false ] || echo \"Dry run: nothing is sent.\"\n");

    for (step, request) in plan.requests.iter().enumerate() {
        let resource = request.resource;
        let name = resource.name();
        out.push_str(&format!("\n# Step {}: {name}, {} {}\n", step + 1, resource.method(), resource.path()));
        out.push_str(&format!("if begin {} {name}; then\n", step + 1));
        for placeholder in &request.uses {
            let (from, field) = source_of(placeholder);
            let from_step = plan.requests.iter().position(|r| r.resource == from).map_or(0, |i| i + 1);
            out.push_str(&format!("  fill {name} '{placeholder}' {} {field} {from_step}\n", from.name()));
        }
        out.push_str(&format!("  create {} {name} {}\n", step + 1, resource.path()));
        out.push_str("fi\n");
    }
    out.push_str("\n[ \"$dry_run\" = true ] || echo \"the plan is complete: $state_file records $(done_so_far)\"\n");
    out
}
