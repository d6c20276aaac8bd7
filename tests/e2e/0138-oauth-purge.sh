#!/usr/bin/env bash
# e2e: a running server purges expired sign-in records by itself, every
# --purge-interval-seconds: expired authorization codes, device codes,
# refresh tokens and browser sessions, and sign-in events past the 30-day
# retention, written straight into its SQLite store (lifetimes are not
# serve options), disappear, while the live refresh token and the recent
# sign-in log are untouched; the run is logged at info with its counts. The
# wait is a bounded liveness poll, not a timing assertion.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

db() { # db SQL: run SQL on the server's store (waiting for its write lock)
    sqlite3 -cmd ".timeout 10000" "$DATA/atrium.db" "$1"
}
leftovers() { # leftovers: how many of the rows this test planted are still there
    db "SELECT (SELECT COUNT(*) FROM auth_codes WHERE code_hash LIKE 'e2e-purge-%')
        + (SELECT COUNT(*) FROM device_codes WHERE device_code_hash LIKE 'e2e-purge-%')
        + (SELECT COUNT(*) FROM refresh_tokens WHERE token_hash LIKE 'e2e-purge-%')
        + (SELECT COUNT(*) FROM sessions WHERE id_hash LIKE 'e2e-purge-%')
        + (SELECT COUNT(*) FROM signin_events WHERE id LIKE 'e2e-purge-%')"
}

start_server --purge-interval-seconds 1
signup_tenant "purge$RANDOM"

# A live refresh token (and a recent sign-in event) through the password grant.
api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode grant_type=password --data-urlencode "username=$ADMIN_UPN" \
    --data-urlencode "password=$GOOD_PASSWORD" \
    --data-urlencode "scope=openid profile offline_access"
assert_status 200 "ROPC token"
rt=$(jq -r .refresh_token <<<"$API_BODY")
[[ -n "$rt" && "$rt" != null ]] || fail "no refresh token"
uid=$(db "SELECT id FROM users WHERE tenant_id = '$TID' AND upn = '$ADMIN_UPN'")
assert_match "$GUID_RE" "$uid" "the admin's id"
live_rows=$(db "SELECT COUNT(*) FROM refresh_tokens WHERE tenant_id = '$TID'")
assert_eq 1 "$live_rows" "one live refresh token"

# Expired rows of every kind, long past the purge's margin (expiry at 1970 + 1 s).
for i in 1 2 3; do
    db "INSERT INTO auth_codes (tenant_id, code_hash, client_id, user_id, family_id,
          redirect_uri, scope, session_id, auth_time, created, expires, redeemed)
        VALUES ('$TID', 'e2e-purge-code-$i', '$FIRST_PARTY', '$uid', 'fam-$i',
          'http://localhost/cb', 'openid', '', 1, 1, 1, $((i % 2)));
        INSERT INTO device_codes (tenant_id, device_code_hash, user_code, user_code_live,
          client_id, user_id, scope, status, prev_status, created, expires, last_poll,
          prev_poll, auth_time)
        VALUES ('$TID', 'e2e-purge-device-$i', 'E2EP-000$i', 0, '$FIRST_PARTY', '', 'openid',
          0, 0, 1, 1, 1, 1, 0);
        INSERT INTO refresh_tokens (tenant_id, token_hash, family_id, client_id, user_id,
          scope, auth_time, created, expires, used, revoked)
        VALUES ('$TID', 'e2e-purge-rt-$i', 'fam-$i', '$FIRST_PARTY', '$uid', 'openid', 1, 1, 1,
          $((i == 2)), $((i == 3)));
        INSERT INTO sessions (tenant_id, id_hash, user_id, auth_time, created, expires)
        VALUES ('$TID', 'e2e-purge-session-$i', '$uid', 1, 1, 1);
        INSERT INTO signin_events (tenant_id, id, user_id, app_id, error_code, created)
        VALUES ('$TID', 'e2e-purge-signin-$i', '$uid', '$FIRST_PARTY', 0, 1);"
done
assert_eq 15 "$(leftovers)" "the planted rows"

deadline=$((SECONDS + 60))
until [[ "$(leftovers)" == 0 ]]; do
    ((SECONDS < deadline)) || fail "expired rows still there 60 s later: $(leftovers) left"
    sleep 0.3
done

# What was live stays, and works.
assert_eq 1 "$(db "SELECT COUNT(*) FROM refresh_tokens WHERE tenant_id = '$TID'")" \
    "the live refresh token is kept"
recent=$(db "SELECT COUNT(*) FROM signin_events WHERE tenant_id = '$TID'")
((recent >= 1)) || fail "the recent sign-in log was purged"
api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$rt" \
    --data-urlencode "scope=openid profile offline_access"
assert_status 200 "refresh with the live token after the purge"
rt2=$(jq -r .refresh_token <<<"$API_BODY")
# Reuse of the rotated token is still detected (its row is alive, used).
api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$rt"
assert_status 400 "reuse of the rotated token"
assert_json '.error_codes[0] == 70000' "reuse answers 70000"
api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$rt2"
assert_status 400 "the family was revoked on reuse"

# The run was logged at info with its counts; no run failed.
server_log_settled
purged=$(jq -Rc 'fromjson? | select(.msg == "expired sign-in records purged")' "$SERVER_LOG" |
    jq -s '{codes: (map(.codes) | add), device_codes: (map(.device_codes) | add),
            refresh_tokens: (map(.refresh_tokens) | add), sessions: (map(.sessions) | add),
            signin_events: (map(.signin_events) | add), levels: (map(.level) | unique)}')
assert_eq '{"codes":3,"device_codes":3,"refresh_tokens":3,"sessions":3,"signin_events":3,"levels":["info"]}' \
    "$(jq -c . <<<"$purged")" "the purge log lines"
if jq -Rc 'fromjson? | select(.msg | tostring | test("purge.*failed"))' "$SERVER_LOG" | grep -q .; then
    fail "a purge failed"
fi
stop_server

# The option is checked (minimum 1), also through its environment variable.
run_cli serve --data "$DATA" --purge-interval-seconds 0 --insecure-http --listen 127.0.0.1:0
assert_cli_rc 2 "--purge-interval-seconds 0"
ATRIUM_PURGE_INTERVAL_SECONDS=0 run_cli serve --data "$DATA" --insecure-http --listen 127.0.0.1:0
assert_cli_rc 2 "ATRIUM_PURGE_INTERVAL_SECONDS=0"
run_cli serve --help
assert_cli_rc 0 "serve --help"
assert_match "purge-interval-seconds" "$CLI_OUT$CLI_ERR" "--help lists the option"
echo "PASS 0138-oauth-purge"
