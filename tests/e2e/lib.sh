# shellcheck shell=bash
# Shared helpers of the end-to-end tests (sourced, not run). Each test gets a
# private temp dir (removed on exit, with every server it started killed),
# starts `atrium serve` on an ephemeral loopback port and talks to it with
# curl, checking statuses and bodies with jq.
#
# Environment: ATRIUM_BIN (the built binary), ATRIUM_SRC (the source root).
#
# Globals after start_server: PORT, BASE_URL, CA, SERVER_PID, SERVER_LOG, DATA.
# Globals after api: API_STATUS, API_BODY, API_HEADERS (CR-free header text).
# Globals after run_cli: CLI_RC, CLI_OUT, CLI_ERR.
set -euo pipefail

: "${ATRIUM_BIN:?ATRIUM_BIN must point to the atrium binary}"
: "${ATRIUM_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
[[ -x "$ATRIUM_BIN" ]] || {
    echo "FAIL: ATRIUM_BIN=$ATRIUM_BIN is not an executable" >&2
    exit 1
}

E2E_NAME=$(basename "$0" .sh)
E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/atrium-$E2E_NAME.XXXXXX")
DATA="$E2E_DIR/data"
SERVER_PIDS=()
SERVER_PID=""
SERVER_LOG=""
PORT=""
BASE_URL=""
CA=""
E2E_SERVER_SEQ=0

GUID_RE='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
# A password no policy should refuse; tests never use it elsewhere.
GOOD_PASSWORD='Vq7#mZ2!pL9x-tRw'

# --- failing and cleanup --------------------------------------------------

# fail MESSAGE...: print the message and the current server's log tail, exit 1.
fail() {
    echo "FAIL [$E2E_NAME]: $*" >&2
    if [[ -n "$SERVER_LOG" && -s "$SERVER_LOG" ]]; then
        echo "--- last lines of the server log ($SERVER_LOG) ---" >&2
        tail -n 30 "$SERVER_LOG" >&2
    fi
    exit 1
}

# server_log_settled: wait until the server has written its buffered request
# lines (they are flushed every 250 ms), before a test reads the whole log.
server_log_settled() {
    sleep 0.6
}

_alive() { # _alive PID: running and not a zombie
    local state
    [[ -r "/proc/$1/stat" ]] || return 1
    state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ "$state" != "Z" && "$state" != "X" ]]
}

_wait_gone() { # _wait_gone PID SECONDS: 0 when the process ended in time
    local pid=$1 deadline=$((SECONDS + $2))
    while _alive "$pid"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

_e2e_cleanup() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        if _alive "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            _wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$E2E_DIR"
}
trap _e2e_cleanup EXIT

# --- the server -------------------------------------------------------------

# start_server [serve args...]: start `atrium serve` on DATA (default data dir),
# listening on an ephemeral port, with dev TLS unless the args say otherwise,
# and wait for its "listening" log line. Self-service sign-up rate limiting is
# off unless the args set --signup-rate.
start_server() {
    local args=(serve --data "$DATA" --listen 127.0.0.1:0)
    local tls=1 rate=1 a
    for a in "$@"; do
        case $a in
        --insecure-http | --tls-cert | --tls-cert=* | --dev-tls) tls=0 ;;
        --signup-rate | --signup-rate=*) rate=0 ;;
        esac
    done
    ((tls)) && args+=(--dev-tls)
    ((rate)) && args+=(--signup-rate 0)
    args+=("$@")

    E2E_SERVER_SEQ=$((E2E_SERVER_SEQ + 1))
    SERVER_LOG="$E2E_DIR/server-$E2E_SERVER_SEQ.log"
    "$ATRIUM_BIN" "${args[@]}" </dev/null >"$E2E_DIR/server-$E2E_SERVER_SEQ.out" 2>"$SERVER_LOG" &
    SERVER_PID=$!
    SERVER_PIDS+=("$SERVER_PID")

    local deadline=$((SECONDS + 60)) line=""
    PORT=""
    while [[ -z "$PORT" ]]; do
        if ! _alive "$SERVER_PID"; then
            local rc=0
            wait "$SERVER_PID" || rc=$?
            fail "server exited (status $rc) before logging \"listening\"; args: ${args[*]}"
        fi
        ((SECONDS < deadline)) || fail "server did not log \"listening\" within 60 s"
        sleep 0.1
        line=$(jq -Rc 'fromjson? | select(type == "object" and .msg == "listening")' \
            "$SERVER_LOG" 2>/dev/null | head -n 1 || true)
        [[ -n "$line" ]] || continue
        PORT=$(jq -r '.port | select(type == "number")' <<<"$line")
        [[ "$PORT" =~ ^[1-9][0-9]*$ ]] ||
            fail "the listening log line has no integer port: $line"
    done
    CA="$DATA/tls/ca.pem"
    local scheme=https
    for a in "$@"; do
        [[ "$a" == --insecure-http ]] && scheme=http
    done
    BASE_URL="$scheme://127.0.0.1:$PORT"
}

# stop_server [PID]: SIGTERM, wait, and require a clean exit (status 0; under
# the sanitizers a leak or error makes it non-zero).
stop_server() {
    local pid=${1:-$SERVER_PID} rc=0
    kill -TERM "$pid" 2>/dev/null || fail "server $pid is not running"
    _wait_gone "$pid" 30 || {
        kill -KILL "$pid" 2>/dev/null || true
        fail "server $pid did not exit within 30 s of SIGTERM"
    }
    wait "$pid" || rc=$?
    ((rc == 0)) || fail "server $pid exited with status $rc after SIGTERM (expected 0)"
}

# kill9_server [PID]: SIGKILL and reap.
kill9_server() {
    local pid=${1:-$SERVER_PID}
    kill -KILL "$pid" 2>/dev/null || fail "server $pid is not running"
    wait "$pid" 2>/dev/null || true
}

# --- HTTP -------------------------------------------------------------------

# api METHOD PATH-OR-URL [curl args...]: sets API_STATUS ("000" when no
# response), API_BODY and API_HEADERS. Never fails by itself.
api() {
    local method=$1 target=$2 url
    shift 2
    case $target in
    http://* | https://*) url=$target ;;
    *) url="$BASE_URL$target" ;;
    esac
    local body="$E2E_DIR/api.body" headers="$E2E_DIR/api.headers"
    : >"$body"
    : >"$headers"
    local tls=()
    [[ -n "$CA" && -f "$CA" ]] && tls=(--cacert "$CA")
    API_STATUS=$(curl -sS --max-time 60 "${tls[@]}" -X "$method" -o "$body" -D "$headers" \
        -w '%{http_code}' "$@" "$url" 2>"$E2E_DIR/api.err") || true
    [[ -n "$API_STATUS" ]] || API_STATUS=000
    API_BODY=$(cat "$body")
    API_HEADERS=$(tr -d '\r' <"$headers")
}

# post_json PATH JSON [curl args...]: POST with Content-Type application/json.
post_json() {
    local path=$1 json=$2
    shift 2
    api POST "$path" -H 'Content-Type: application/json' --data-binary "$json" "$@"
}

# header NAME: value of the last response's header NAME (last occurrence), or "".
header() {
    awk -v want="$(tr '[:upper:]' '[:lower:]' <<<"$1")" '
        /^HTTP\// { v = "" }
        {
            i = index($0, ":")
            if (i > 0 && tolower(substr($0, 1, i - 1)) == want) {
                v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
            }
        }
        END { print v }' <<<"$API_HEADERS"
}

# signup_json PREFIX [JQ-FILTER]: a valid sign-up body for PREFIX, optionally
# transformed by a jq filter (e.g. '.admin.password = "x"' or 'del(.displayName)').
signup_json() {
    local prefix=$1 filter=${2:-.}
    jq -nc --arg p "$prefix" --arg pw "$GOOD_PASSWORD" '{
        displayName: ("Org " + $p), domainPrefix: $p, countryLetterCode: "US",
        contactEmail: ("it@" + $p + ".example.com"),
        admin: {givenName: "Ada", surname: "Admin", userName: "ada", password: $pw}
    }' | jq -c "$filter"
}

# --- assertions ---------------------------------------------------------------

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
    [[ "$1" == "$2" ]] || fail "${3:-value}: expected '$1', got '$2'"
}

# assert_match REGEX ACTUAL [WHAT]
assert_match() {
    [[ "$2" =~ $1 ]] || fail "${3:-value}: '$2' does not match /$1/"
}

# assert_status EXPECTED [WHAT]: the last api call's status.
assert_status() {
    [[ "$API_STATUS" == "$1" ]] ||
        fail "${2:-request}: expected HTTP $1, got $API_STATUS; body: ${API_BODY:0:600}$(
            [[ -s "$E2E_DIR/api.err" ]] && echo "; curl: $(cat "$E2E_DIR/api.err")")"
}

# assert_json JQ-EXPR [WHAT]: the expression must be true on the last body
# (extra jq args may follow, e.g. --arg id "$id").
assert_json() {
    local expr=$1 what=${2:-body}
    shift 2 || shift $#
    jq -e "$@" "$expr" <<<"$API_BODY" >/dev/null 2>&1 ||
        fail "$what: jq '$expr' is not true on: ${API_BODY:0:600}"
}

# assert_graph_error STATUS [FIELD] [WHAT]: status, the Graph error envelope
# {"error":{"code","message","innerError":{"request-id","date"}}} with
# innerError.request-id equal to the x-ms-request-id header, and, when FIELD
# is given, the error's target (or else its message) naming FIELD.
assert_graph_error() {
    local status=$1 field=${2:-} what=${3:-"expected error $1${2:+ on $2}"}
    assert_status "$status" "$what"
    assert_json '.error | (.code | type == "string" and length > 0)
        and (.message | type == "string" and length > 0)
        and (.innerError["request-id"] | type == "string")
        and (.innerError.date | type == "string")' "$what: Graph error envelope"
    local rid
    rid=$(header x-ms-request-id)
    assert_json '.error.innerError["request-id"] == $rid' "$what: innerError.request-id" \
        --arg rid "$rid"
    if [[ -n "$field" ]]; then
        local leaf=${field##*.}
        assert_json '(.error.target // "") == $f
            or ((.error.target // "" | length) == 0
                and (.error.message | contains($f) or contains($leaf)))' \
            "$what: error must name '$field' (target or message)" --arg f "$field" \
            --arg leaf "$leaf"
    fi
}

# --- the CLI -----------------------------------------------------------------

# run_cli [--stdin TEXT] ARGS...: run the binary with a 120 s timeout; sets
# CLI_RC, CLI_OUT and CLI_ERR. Never fails by itself.
run_cli() {
    local input=""
    if [[ "${1:-}" == --stdin ]]; then
        input=$2
        shift 2
    fi
    CLI_RC=0
    timeout 120 "$ATRIUM_BIN" "$@" <<<"$input" >"$E2E_DIR/cli.out" 2>"$E2E_DIR/cli.err" ||
        CLI_RC=$?
    CLI_OUT=$(cat "$E2E_DIR/cli.out")
    CLI_ERR=$(cat "$E2E_DIR/cli.err")
}

# assert_cli_rc EXPECTED [WHAT]
assert_cli_rc() {
    [[ "$CLI_RC" == "$1" ]] ||
        fail "${2:-cli}: expected exit $1, got $CLI_RC; stdout: ${CLI_OUT:0:400}; stderr: ${CLI_ERR:0:400}"
}

# assert_cli_json JQ-EXPR [WHAT] [jq args...]: the expression is true on CLI_OUT.
assert_cli_json() {
    local expr=$1 what=${2:-cli output}
    shift 2 || shift $#
    jq -e "$@" "$expr" <<<"$CLI_OUT" >/dev/null 2>&1 ||
        fail "$what: jq '$expr' is not true on: ${CLI_OUT:0:600}"
}
