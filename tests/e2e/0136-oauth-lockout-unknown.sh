#!/usr/bin/env bash
# e2e: smart lockout does not tell which accounts exist. Ten different
# wrong passwords over ROPC for a real account and for a made-up name of the
# same tenant get the same answers, then both answer AADSTS50053 (same HTTP
# status, error and code), whatever the password; the name's case and
# spaces do not matter; the lockout of a name in tenant A does not reach the
# same name in tenant B; the hosted sign-in page shows the same "locked"
# message for both; the sign-in log has the same entry for both, without a
# user id for the made-up name. No test waits for a lockout to end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

start_server
signup_tenant "lockb$RANDOM"
TID_B=$TID
signup_tenant "locka$RANDOM"
REAL="real@$DOMAIN"
GHOST="ghost@$DOMAIN"
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$TID" --upn "$REAL" \
    --display-name Real --password-stdin
assert_cli_rc 0 "create the real account"

# ropc TENANT USERNAME PASSWORD: the password grant of the first-party client.
ropc() {
    api POST "/$1/oauth2/v2.0/token" --data-urlencode grant_type=password \
        --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "username=$2" \
        --data-urlencode "password=$3" --data-urlencode "scope=openid offline_access"
}

# answer: what a client can tell apart in the last response: status, error, codes, and the
# description without its per-request trailer (trace id, correlation id, timestamp).
answer() {
    printf '%s %s' "$API_STATUS" "$(jq -c '[.error, .error_codes,
        (.error_description | split("\r\n")[0]), .suberror]' <<<"$API_BODY")"
}

# Attempt by attempt, the same answer for the account and the made-up name.
for i in $(seq 1 10); do
    ropc "$TID" "$REAL" "Wrong-$i-$RANDOM"
    assert_entra_error 400 invalid_grant 50126 "wrong password $i for the account"
    real=$(answer)
    ropc "$TID" "$GHOST" "Wrong-$i-$RANDOM"
    assert_entra_error 400 invalid_grant 50126 "wrong password $i for the made-up name"
    assert_eq "$real" "$(answer)" "answer $i: account vs made-up name"
done

# The eleventh: both locked, even with the right password.
ropc "$TID" "$REAL" "$GOOD_PASSWORD"
assert_entra_error 400 invalid_grant 50053 "the locked account, right password"
real=$(answer)
ropc "$TID" "$GHOST" "$GOOD_PASSWORD"
assert_entra_error 400 invalid_grant 50053 "the locked made-up name"
assert_eq "$real" "$(answer)" "locked: account vs made-up name"
ropc "$TID" "$GHOST" "Another-$RANDOM"
assert_entra_error 400 invalid_grant 50053 "the locked made-up name, another password"
ropc "$TID" "  GHOST@${DOMAIN^^}  " "Another-$RANDOM"
assert_entra_error 400 invalid_grant 50053 "the locked made-up name, upper case and spaces"

# Another made-up name of the tenant is not locked; neither is the name in tenant B.
ropc "$TID" "ghost2@$DOMAIN" "Wrong-$RANDOM"
assert_entra_error 400 invalid_grant 50126 "another made-up name"
ropc "$TID_B" "$GHOST" "Wrong-$RANDOM"
assert_entra_error 400 invalid_grant 50126 "the same name in tenant B"
ropc "$TID_B" "$REAL" "Wrong-$RANDOM"
assert_entra_error 400 invalid_grant 50126 "the account's name in tenant B"

# The hosted sign-in page: the same "locked" message for both.
for who in "$REAL" "$GHOST"; do
    new_browser
    pkce_pair
    browse GET "$(authorize_url)"
    assert_page 200 "sign-in form ($who)"
    sign_in "$who" "Page-$RANDOM"
    assert_page 200 "sign-in page, locked ($who)"
    page_has "Your account is temporarily locked" || fail "the page does not say $who is locked"
    grep -q atrium_sso "$JAR" && fail "a locked sign-in set a session cookie"
done

# The sign-in log: the same 50053 entry, without a user id for the made-up name.
api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=password \
    --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "username=$ADMIN_UPN" \
    --data-urlencode "password=$GOOD_PASSWORD" \
    --data-urlencode "scope=https://graph.microsoft.com/.default"
assert_status 200 "the admin's directory token"
TOKEN=$(jq -r .access_token <<<"$API_BODY")
api GET "/v1.0/auditLogs/signIns" -H "Authorization: Bearer $TOKEN" -G \
    --data-urlencode "\$filter=status/errorCode eq 50053" --data-urlencode "\$top=100"
assert_status 200 "the locked sign-ins"
assert_json '([.value[] | select(.userPrincipalName == $r)] | length > 0)
    and ([.value[] | select(.userPrincipalName == $g)] | length > 0)
    and all(.value[] | select(.userPrincipalName == $g); .userId == null)
    and all(.value[] | select(.userPrincipalName == $r); .userId | type == "string")
    and ([.value[] | select(.userPrincipalName == $r or .userPrincipalName == $g)
        | .status.failureReason] | unique | length == 1)' \
    "the same log entry for both, minus the user id" --arg r "$REAL" --arg g "$GHOST"

# Nothing secret in the log.
server_log_settled
grep -qF "$GOOD_PASSWORD" "$SERVER_LOG" && fail "a password appears in the server log"

stop_server
