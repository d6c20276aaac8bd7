#!/usr/bin/env bash
# e2e: responses over TLS stay whole and in order whatever the client does.
# Small responses leave as one TLS record (the session is corked while the
# response is queued, see src/http/tls_cork.h): pipelined requests each get
# their complete response in order; a client that pipelines thousands of
# requests and reads nothing does not stall the server for other clients,
# and gets whole responses when it finally reads.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_server

# request PATH [CONNECTION]: one HTTP/1.1 request.
request() {
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: %s\r\n\r\n' "$1" "${2:-keep-alive}"
}

# --- pipelined requests in one write: every response, in order ---
{
    request /healthz
    request /readyz
    request /healthz
    request /nope close
} | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" -CAfile "$CA" \
    >"$E2E_DIR/pipelined.out" 2>/dev/null || true
# A body has no final newline, so the next status line follows it directly.
statuses=$(grep -a -o 'HTTP/1.1 [0-9]*' "$E2E_DIR/pipelined.out" | awk '{print $2}' | tr '\n' ' ')
assert_eq "200 200 200 404 " "$statuses" "statuses of four pipelined requests"
bodies=$(grep -a -o '{"status":"[a-z]*"}' "$E2E_DIR/pipelined.out" | tr '\n' ' ')
assert_eq '{"status":"ok"} {"status":"ready"} {"status":"ok"} ' "$bodies" "pipelined bodies"

# --- a client that pipelines and does not read ---
# 4,000 discovery-sized requests; s_client's output goes to a pipe nobody
# reads for 3 s, so the server's socket fills up.
post_json /api/v1/tenants "$(signup_json pipe)"
assert_status 201
tenant=$(jq -r .id <<<"$API_BODY")
disc="/$tenant/v2.0/.well-known/openid-configuration"
(
    for _ in $(seq 4000); do request "$disc"; done
    request /healthz close
    sleep 8
) | timeout 30 openssl s_client -quiet -connect "127.0.0.1:$PORT" -CAfile "$CA" 2>/dev/null |
    { sleep 3 && cat >"$E2E_DIR/unread.out"; } &
reader=$!
sleep 1
# Meanwhile other clients are answered.
for _ in 1 2 3 4 5; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$CA" "$BASE_URL/healthz")
    assert_eq 200 "$code" "health check while a client does not read"
done
wait "$reader" || true
# Whatever reached the slow reader is whole responses, in order; with the
# socket full the server may have closed it, but never mid-record garbage.
statuses=$(grep -a -o 'HTTP/1.1 [0-9]*' "$E2E_DIR/unread.out" | awk '{print $2}' | sort | uniq -c)
[[ "$statuses" =~ ^\ *[0-9]+\ 200$ ]] || fail "the slow reader got these statuses: ${statuses:-none}"
bodies=$(grep -a -o '"issuer":"[^"]*"' "$E2E_DIR/unread.out" | sort -u | wc -l)
assert_eq 1 "$bodies" "distinct issuers in the slow reader's responses (whole documents)"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$CA" "$BASE_URL$disc")
assert_eq 200 "$code" "discovery after the slow reader"
stop_server
echo "ok"
