#!/usr/bin/env bash
# Purpose: directory-read benchmark of an Atrium server holding many users
# (default 1,000,000), over loopback only. Builds the release binary (or takes
# ATRIUM_BIN), creates a tenant on a fresh data directory with the CLI,
# generates a CSV of BENCH_USERS users and loads it with `atrium user import`
# (timed, rows/s), then starts the server on that directory and measures:
#   1. paging: GET /v1.0/users?$top=100, following @odata.nextLink to the end
#      (or until BENCH_PAGE_BUDGET seconds are spent), latency of every page;
#   2. GET /v1.0/users?$filter=startswith(displayName,'User 0001')&$top=100
#      with ConsistencyLevel: eventual, wrk -t1 -c4;
#   3. GET /v1.0/users/{upn} for random UPNs (a sample of 10,000), wrk -t1 -c16;
#   4. GET /v1.0/users/{id}, one id, one token (bearer cache), wrk -t2 -c32.
# The import uses cheap Argon2id parameters (m=1024 KiB, t=1): this bench
# measures directory reads, not password hashing (that is bench/run.sh).
# The server runs with --log-level warn (no access log line per request).
# Prints a markdown summary on stdout (progress on stderr); stops everything
# it started.
#
# Usage: bench/users.sh [--insecure-http] > result.md
#   default: HTTPS with the development CA (--dev-tls)
# Environment (all optional):
#   ATRIUM_BIN          server binary to use instead of building one
#   BENCH_BUILD_DIR     build directory (default: <repo>/build-bench)
#   BENCH_USERS         users to import (default 1000000)
#   BENCH_DATA_DIR      reuse a data directory that an earlier run of this
#                       script loaded (BENCH_KEEP=1: <tmp>/data); skips the
#                       tenant and the import. Set BENCH_USERS to the number of
#                       users it holds; the admin password is read from
#                       BENCH_ADMIN_PW_FILE (default <tmp>/bench-admin.pw).
#   BENCH_DURATION      seconds per wrk run (default 10)
#   BENCH_WARMUP        seconds of warm-up before each wrk run (default 2)
#   BENCH_PAGE_BUDGET   seconds for the paging walk (default 240)
#   BENCH_KEEP=1        keep the temporary directory (data dir, logs)
# Exit status: 0 when every figure is valid, 3 when a run had non-200s or
# socket errors, 1 on failure.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

mode=https
for arg in "$@"; do
    case $arg in
    --insecure-http) mode=http ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "users.sh: unknown argument: $arg" >&2
        exit 2
        ;;
    esac
done

nusers=${BENCH_USERS:-1000000}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
page_budget=${BENCH_PAGE_BUDGET:-240}
build_dir=${BENCH_BUILD_DIR:-$root/build-bench}
argon=(--argon2-memory 1024 --argon2-iterations 1)

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
    printf 'bench: error: %s\n' "$*" >&2
    exit 1
}
[[ ${BASH_VERSINFO[0]} -ge 5 ]] || die "bash 5 or newer is needed (EPOCHREALTIME)"
for tool in wrk curl jq awk python3 shuf; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
if ! [[ $nusers =~ ^[0-9]+$ ]] || ((nusers < 1 || nusers > 1000000)); then
    die "BENCH_USERS must be 1..1000000"
fi

# --- build -------------------------------------------------------------------
if [[ -n ${ATRIUM_BIN:-} ]]; then
    bin=$ATRIUM_BIN
else
    say "building the release binary in $build_dir"
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DATRIUM_WERROR=OFF \
        -DATRIUM_BUILD_TESTS=OFF >&2
    cmake --build "$build_dir" -j"$(nproc)" --target atrium >&2
    bin=$build_dir/atrium
fi
[[ -x $bin ]] || die "no server binary at $bin"

# --- temporary directory, clean-up -------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/atrium-users.XXXXXX")
chmod 700 "$work"
log=$work/server.log
server_pid=
stop_server() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    if [[ -n $server_pid ]]; then wait "$server_pid" 2>/dev/null || true; fi
    server_pid=
}
cleanup() {
    local rc=$?
    stop_server
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then say "kept $work"; else rm -rf "$work"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load1() { cut -d' ' -f1 /proc/loadavg; }
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
clk_tck=$(getconf CLK_TCK)
domain=perflab.atrium.localhost

# --- tenant and users ------------------------------------------------------------
import_s=- import_rate=- gen_s=- created=-
if [[ -n ${BENCH_DATA_DIR:-} ]]; then
    data=$BENCH_DATA_DIR
    pwf=${BENCH_ADMIN_PW_FILE:-$data/../bench-admin.pw}
    [[ -f $pwf ]] || die "no admin password file $pwf"
    (umask 077 && cp "$pwf" "$work/pw")
    say "reusing $data (import not measured in this run)"
    upn_admin=pat@$domain
else
    data=$work/data
    (umask 077 && printf 'Qx%s-Zk7!' "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" >"$work/pw" &&
        cp "$work/pw" "$work/bench-admin.pw")
    "$bin" tenant create --data "$data" "${argon[@]}" --display-name "Perf Lab" --prefix perflab \
        --country US --contact-email it@perflab.example --admin-user pat \
        --admin-given-name Pat --admin-surname Perf --password-file "$work/pw" --json \
        >"$work/tenant.json"
    upn_admin=$(jq -r .admin.userPrincipalName "$work/tenant.json")
    say "tenant $(jq -r .id "$work/tenant.json"), admin $upn_admin"

    # displayName "User 000123 <word>": startswith(displayName,'User 0001')
    # matches the 100 users 000100-000199 (one page of $top=100).
    t0=$EPOCHREALTIME
    awk -v n="$nusers" -v d="$domain" 'BEGIN {
        split("alpha bravo charlie delta echo foxtrot golf hotel india juliet", w, " ")
        print "userPrincipalName,displayName,password"
        for (i = 1; i <= n; i++)
            printf "user%06d@%s,User %06d %s,Pw-%06d-Xk9!zq\n", i, d, i, w[i % 10 + 1], i
    }' >"$work/users.csv"
    t1=$EPOCHREALTIME
    gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    say "generated $nusers users in ${gen_s} s; importing (m=1024 KiB, t=1, batch 10000)"
    t0=$EPOCHREALTIME
    "$bin" user import --data "$data" --tenant "$domain" --csv "$work/users.csv" "${argon[@]}" \
        --max-rows "$nusers" --batch 10000 --json >"$work/import.json" ||
        die "import failed: $(jq -c '{rows, created, rejected}' "$work/import.json" 2>/dev/null)"
    t1=$EPOCHREALTIME
    created=$(jq -r .created "$work/import.json")
    import_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    import_rate=$(awk -v s="$import_s" -v n="$created" 'BEGIN { printf "%.0f", n / s }')
    say "imported $created users in ${import_s} s (${import_rate} rows/s)"
fi
data_size=$(du -sh "$data" | cut -f1)
# A random sample of UPNs for scenario 3.
awk -v n="$nusers" -v d="$domain" 'BEGIN { for (i = 1; i <= n; i++) printf "user%06d@%s\n", i, d }' |
    shuf -n 10000 >"$work/upns.txt"

# --- server --------------------------------------------------------------------------
if [[ $mode == https ]]; then server_flag=--dev-tls; else server_flag=--insecure-http; fi
# --log-level warn drops the "listening" line, so pick a free loopback port
# here and wait until the server accepts connections on it.
start_server() {
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    : >"$log"
    "$bin" serve --data "$data" --listen "127.0.0.1:$port" "$server_flag" --log-level warn \
        "${argon[@]}" >>"$log" 2>&1 &
    server_pid=$!
    local _
    for _ in $(seq 3000); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "the server exited"; }
        sleep 0.01
    done
    die "the server did not accept connections within 30 s"
}
start_server
say "server on port $port ($mode, --log-level warn)"
if [[ $mode == https ]]; then
    base=https://localhost:$port
    tls=(--cacert "$data/tls/ca.pem" --resolve "localhost:$port:127.0.0.1")
else
    base=http://127.0.0.1:$port
    tls=()
fi
wrk_base=$mode://127.0.0.1:$port

code=$(curl -sS --max-time 30 "${tls[@]}" -o "$work/token.json" -w '%{http_code}' \
    -X POST "$base/$domain/oauth2/v2.0/token" \
    --data-urlencode grant_type=password \
    --data-urlencode client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46 \
    --data-urlencode "username=$upn_admin" --data-urlencode "password@$work/pw" \
    --data-urlencode scope=https://graph.microsoft.com/.default)
[[ $code == 200 ]] || die "admin token: HTTP $code $(jq -c .error "$work/token.json" 2>/dev/null)"
token=$(jq -r .access_token "$work/token.json")
rm -f "$work/token.json"
[[ $token == ey* ]] || die "no admin access token"
export BENCH_TOKEN=$token BENCH_LUA_DIR=$here

# --- 1. paging ----------------------------------------------------------------------------
say "paging: \$top=100 and nextLink to the end (budget ${page_budget} s)"
ld_page=$(load1)
b0=$(machine_busy)
BENCH_BASE=$base BENCH_CA=${tls[1]:-} BENCH_BUDGET=$page_budget python3 - >"$work/paging.out" <<'PY'
import http.client, json, os, ssl, sys, time, urllib.parse
base = urllib.parse.urlsplit(os.environ["BENCH_BASE"])
tok = os.environ["BENCH_TOKEN"]
budget = float(os.environ["BENCH_BUDGET"])
if base.scheme == "https":
    ctx = ssl.create_default_context(cafile=os.environ["BENCH_CA"])
    conn = http.client.HTTPSConnection("localhost", base.port, context=ctx)
else:
    conn = http.client.HTTPConnection("127.0.0.1", base.port)
path = "/v1.0/users?$top=100"
lat, users, first_id, bad = [], 0, None, 0
t_start = time.perf_counter()
while path:
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": "Bearer " + tok})
    r = conn.getresponse()
    body = r.read()
    t1 = time.perf_counter()
    lat.append((t1 - t0) * 1000)
    if r.status != 200:
        bad += 1
        break
    doc = json.loads(body)
    users += len(doc["value"])
    if first_id is None and doc["value"]:
        first_id = doc["value"][-1]["id"]
    link = doc.get("@odata.nextLink")
    if not link:
        path = None
        break
    u = urllib.parse.urlsplit(link)
    path = u.path + "?" + u.query
    if t1 - t_start > budget:
        break
total = time.perf_counter() - t_start
s = sorted(lat)
pct = lambda p: s[min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1)]
# first and last tenth of the walk, to see whether deep pages get slower
k = max(1, len(lat) // 10)
print("pages=%d users=%d complete=%d bad=%d total_s=%.3f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      "first10_p50=%.2f last10_p50=%.2f id=%s" % (len(lat), users, 1 if path is None and not bad else 0,
      bad, total, pct(50), pct(99), s[-1], sorted(lat[:k])[k // 2], sorted(lat[-k:])[k // 2], first_id))
PY
b1=$(machine_busy)
paging=$(<"$work/paging.out")
say "paging: $paging"
declare -A P=()
for kv in $paging; do P[${kv%%=*}]=${kv#*=}; done
page_cores=$(awk -v b="$((b1 - b0))" -v k="$clk_tck" -v d="${P[total_s]}" 'BEGIN { printf "%.2f", b / k / d }')
user_id=${P[id]}
[[ -n $user_id && $user_id != None ]] || die "no user id from the first page"

# --- 2.-4. wrk runs --------------------------------------------------------------------
results=()
invalid=0
run() { # run NAME SCRIPT PATH THREADS CONNS
    local name=$1 script=$2 path=$3 t=$4 c=$5 url
    url="$wrk_base$path"
    say "$name -t$t -c$c: warm-up ${warmup}s"
    wrk -t"$t" -c"$c" -d"${warmup}s" --timeout 10s -s "$here/$script" "$url" >/dev/null
    local ld b0 b1 line
    ld=$(load1)
    b0=$(machine_busy)
    wrk -t"$t" -c"$c" -d"${duration}s" --timeout 10s --latency -s "$here/$script" "$url" \
        >"$work/wrk.out"
    b1=$(machine_busy)
    line=$(grep '^BENCH ' "$work/wrk.out") || die "$name: no result line from wrk"
    local -A r=()
    local kv
    for kv in ${line#BENCH }; do r[${kv%%=*}]=${kv#*=}; done
    local errs=$((r[err_connect] + r[err_read] + r[err_write] + r[err_timeout])) valid=yes
    if [[ ${r[non200]} != 0 || $errs != 0 || ${r[ok]} == 0 ]]; then
        valid="INVALID (first non-200: ${r[first_non200]})"
        invalid=1
    fi
    local busy
    busy=$(awk -v b="$((b1 - b0))" -v k="$clk_tck" -v d="${r[duration_s]}" 'BEGIN { printf "%.2f", b / k / d }')
    say "$name: ${r[ok_rps]}/s p50 ${r[p50_ms]} p99 ${r[p99_ms]} max ${r[max_ms]} ms; non-200 ${r[non200]} errors $errs; machine busy $busy cores; load $ld"
    results+=("$name|-t$t -c$c|${r[ok_rps]}|${r[p50_ms]}|${r[p99_ms]}|${r[max_ms]}|${r[non200]}|$errs|$busy|$ld|$valid")
    R_p99[$name]=${r[p99_ms]}
    R_rps[$name]=${r[ok_rps]}
}
declare -A R_p99=() R_rps=()

filter_path="/v1.0/users?\$filter=startswith(displayName,'User%200001')&\$top=100"
filter_path=${filter_path//\'/%27}
# The filter must answer 200 (the lead asked for ConsistencyLevel if needed).
fcode=$(curl -sS --max-time 30 "${tls[@]}" -o "$work/filter.json" -w '%{http_code}' \
    -H "Authorization: Bearer $token" -H 'ConsistencyLevel: eventual' "$base$filter_path") || true
[[ $fcode == 200 ]] || say "filter probe: HTTP $fcode $(jq -c .error "$work/filter.json" 2>/dev/null)"
filter_n=$(jq '.value | length' "$work/filter.json" 2>/dev/null || echo -)
export BENCH_CONSISTENCY=eventual
run filter users_get.lua "$filter_path" 1 4
unset BENCH_CONSISTENCY
export BENCH_UPN_FILE=$work/upns.txt
run by_upn users_random_upn.lua "/v1.0/users" 1 16
run by_id users_get.lua "/v1.0/users/$user_id" 2 32

rss_mb=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status")
hwm_mb=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status")
stop_server
unset BENCH_TOKEN

# --- summary ------------------------------------------------------------------------------
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ok_if() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN {
    if (a == "-" || a == "") { print "not measured"; exit }
    if ((op == ">=" && a + 0 >= b + 0) || (op == "<=" && a + 0 <= b + 0)) print "**met**"; else print "**not met**" }'; }
cat <<EOF2
## Directory at ${nusers} users ($mode)

- machine: $(nproc) cores, ${cpu_model:-unknown CPU}, Linux $(uname -r); commit $commit
- server: \`atrium serve --listen 127.0.0.1:PORT $server_flag --log-level warn\` (2 worker threads); RSS at the end ${rss_mb} MB (peak ${hwm_mb} MB)
- data directory: ${data_size}; import: ${created} users in ${import_s} s (${import_rate} rows/s; CSV generated in ${gen_s} s), Argon2id m=1024 KiB t=1 (the bench measures reads, not hashing)

| scenario | client | req/s (200 only) | p50 ms | p99 ms | max ms | non-200 | socket errors | machine busy, cores | load | valid |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
| paging \`\$top=100\` + nextLink | python http.client, 1 keep-alive connection | $(awk -v p="${P[pages]}" -v t="${P[total_s]}" 'BEGIN { printf "%.0f", p / t }') pages/s | ${P[p50_ms]} | ${P[p99_ms]} | ${P[max_ms]} | ${P[bad]} | 0 | $page_cores | $ld_page | ${P[pages]} pages, ${P[users]} users, complete=${P[complete]}, ${P[total_s]} s; median first/last tenth ${P[first10_p50]}/${P[last10_p50]} ms |
EOF2
for row in "${results[@]}"; do
    IFS='|' read -r n w rps p50 p99 mx bad errs busy ld valid <<<"$row"
    # shellcheck disable=SC2016 # the backquotes are markdown
    printf '| %s | `wrk %s` | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$n" "$w" "$rps" "$p50" "$p99" "$mx" "$bad" "$errs" "$busy" "$ld" "$valid"
done
cat <<EOF2

filter \`startswith(displayName,'User 0001')\` with \`ConsistencyLevel: eventual\`: ${filter_n} users on the first page.

| target | goal | measured | |
|---|---|---|---|
| paging p99 | ≤ 20 ms | ${P[p99_ms]} ms | $(ok_if "${P[p99_ms]}" 20 '<=') |
| filter p99 | ≤ 20 ms | ${R_p99[filter]:--} ms | $(ok_if "${R_p99[filter]:--}" 20 '<=') |
| by UPN p99 | ≤ 20 ms | ${R_p99[by_upn]:--} ms | $(ok_if "${R_p99[by_upn]:--}" 20 '<=') |
| by id req/s | ≥ 20,000 | ${R_rps[by_id]:--} | $(ok_if "${R_rps[by_id]:--}" 20000 '>=') |
EOF2
if [[ $invalid != 0 ]]; then
    say "some runs had non-200 responses or socket errors: their figures are not valid"
    exit 3
fi
