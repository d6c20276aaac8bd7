#!/usr/bin/env bash
# e2e: TLS is required unless --insecure-http is given; --insecure-http serves
# plain HTTP; the dev certificate verifies with the dev CA for localhost and
# 127.0.0.1 (and for nothing else); --tls-cert/--tls-key serve a given pair.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- refuses to start without any TLS choice ---
rc=0
timeout 20 "$ATRIUM_BIN" serve --data "$E2E_DIR/notls" --listen 127.0.0.1:0 --signup-rate 0 \
    </dev/null >"$E2E_DIR/notls.out" 2>"$E2E_DIR/notls.err" || rc=$?
((rc != 124)) || fail "serve without TLS flags kept running (it must refuse to start)"
((rc != 0)) || fail "serve without TLS flags exited 0 (it must refuse to start)"
grep -qiE 'tls|insecure-http' "$E2E_DIR/notls.err" ||
    fail "serve without TLS flags: no message naming the TLS options; stderr: $(head -c 400 "$E2E_DIR/notls.err")"

# A certificate without its key is refused too.
rc=0
timeout 20 "$ATRIUM_BIN" serve --data "$E2E_DIR/notls" --listen 127.0.0.1:0 \
    --tls-cert "$E2E_DIR/nonexistent.pem" </dev/null >/dev/null 2>"$E2E_DIR/halftls.err" || rc=$?
((rc != 124 && rc != 0)) || fail "serve with --tls-cert but no --tls-key did not refuse to start"

# --- dev TLS ---
start_server
for f in ca.pem server.pem server.key; do
    [[ -s "$DATA/tls/$f" ]] || fail "dev TLS did not write tls/$f"
done
mode=$(stat -c '%a' "$DATA/tls/server.key")
[[ "$mode" == 600 || "$mode" == 400 ]] || fail "tls/server.key has mode $mode (expected 600)"
if [[ -e "$DATA/tls/ca.key" ]]; then
    mode=$(stat -c '%a' "$DATA/tls/ca.key")
    [[ "$mode" == 600 || "$mode" == 400 ]] || fail "tls/ca.key has mode $mode (expected 600)"
fi

openssl verify -CAfile "$CA" "$DATA/tls/server.pem" >/dev/null 2>&1 ||
    fail "tls/server.pem does not verify against tls/ca.pem"
san=$(openssl x509 -in "$DATA/tls/server.pem" -noout -ext subjectAltName 2>/dev/null || true)
[[ "$san" == *"DNS:localhost"* && "$san" == *"IP Address:127.0.0.1"* ]] ||
    fail "server certificate SAN lacks localhost or 127.0.0.1: $san"

api GET /healthz
assert_status 200 "https://127.0.0.1:$PORT/healthz with the dev CA"

api GET "https://localhost:$PORT/healthz" --resolve "localhost:$PORT:127.0.0.1"
assert_status 200 "https://localhost:$PORT/healthz with the dev CA"

# Another name must not verify; no CA must not verify.
rc=0
curl -sS --max-time 20 --cacert "$CA" --resolve "atrium.example.com:$PORT:127.0.0.1" \
    -o /dev/null "https://atrium.example.com:$PORT/healthz" 2>/dev/null || rc=$?
((rc == 60 || rc == 51)) || fail "certificate verified for atrium.example.com (curl exit $rc, expected 60)"
rc=0
curl -sS --max-time 20 --capath /nonexistent --cacert /dev/null -o /dev/null \
    "https://127.0.0.1:$PORT/healthz" 2>/dev/null || rc=$?
((rc != 0)) || fail "the dev certificate verified without the dev CA"

# Plain HTTP to the TLS port does not get a page.
status=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" ||
    true)
[[ "$status" != 200 ]] || fail "the TLS port answered plain HTTP with 200"
stop_server

# --- a given certificate and key ---
cp "$DATA/tls/server.pem" "$E2E_DIR/cert.pem"
cp "$DATA/tls/server.key" "$E2E_DIR/key.pem"
cp "$DATA/tls/ca.pem" "$E2E_DIR/ca.pem"
DATA="$E2E_DIR/data-given"
start_server --tls-cert "$E2E_DIR/cert.pem" --tls-key "$E2E_DIR/key.pem"
CA="$E2E_DIR/ca.pem"
api GET /healthz
assert_status 200 "healthz over --tls-cert/--tls-key"
stop_server

# --- plain HTTP when asked ---
DATA="$E2E_DIR/data-http"
CA=""
start_server --insecure-http
api GET "http://127.0.0.1:$PORT/healthz"
assert_status 200 "plain http://127.0.0.1:$PORT/healthz with --insecure-http"
api GET "http://127.0.0.1:$PORT/api/v1/domains/available?prefix=plainhttp"
assert_status 200 "API over plain HTTP"
rc=0
curl -sS --max-time 10 -k -o /dev/null "https://127.0.0.1:$PORT/healthz" 2>/dev/null || rc=$?
((rc != 0)) || fail "--insecure-http server also answered TLS"
stop_server
