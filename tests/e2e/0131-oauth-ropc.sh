#!/usr/bin/env bash
# e2e: the token endpoint with the password grant (ROPC) of the first-party
# client, as MSAL sends it (query client-request-id, telemetry fields):
# tokens and their headers, wrong password in Entra's error shape, ROPC
# refused on /organizations, then userinfo with the access token (and 401
# with WWW-Authenticate without or with a bad one), and a refresh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

start_server
signup_tenant "ropc$RANDOM"

ropc() { # ropc TENANT-SEGMENT PASSWORD [curl args...]
    local seg=$1 pw=$2
    shift 2
    api POST "/$seg/oauth2/v2.0/token?client-request-id=7d6c1a52-1c1e-4b8e-9d53-0f4e8f3a0b11" \
        -H 'Content-Type: application/x-www-form-urlencoded;charset=utf-8' \
        --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode grant_type=password \
        --data-urlencode "username=$ADMIN_UPN" --data-urlencode "password=$pw" \
        --data-urlencode "scope=openid profile email offline_access" \
        --data-urlencode client_info=1 --data-urlencode "response_type=token id_token" \
        --data-urlencode x-client-SKU=msal.js.node --data-urlencode x-client-VER=2.15.0 \
        --data-urlencode "x-ms-lib-capability=retry-after, h429" \
        --data-urlencode "x-client-current-telemetry=5|371,0,,,|,," "$@"
}

ropc "$TID" "$GOOD_PASSWORD"
assert_status 200 "ROPC for the sign-up admin"
assert_match '^application/json' "$(header content-type)" "token response type"
assert_match 'no-store' "$(header cache-control)" "token Cache-Control"
assert_eq no-cache "$(header pragma)" "token Pragma"
assert_json '.token_type == "Bearer" and (.expires_in | type == "number" and . > 0)
    and (.access_token | type == "string" and length > 20)
    and (.id_token | split(".") | length == 3)
    and (.refresh_token | type == "string" and length > 20)
    and (.client_info | type == "string")' "ROPC token response"
ci=$(jq -r .client_info <<<"$API_BODY" | tr '_-' '/+')
while ((${#ci} % 4)); do ci+="="; done
utid=$(base64 -d <<<"$ci" | jq -r .utid)
assert_eq "$TID" "$utid" "client_info.utid"
AT=$(jq -r .access_token <<<"$API_BODY")
RT=$(jq -r .refresh_token <<<"$API_BODY")
payload=$(jq -r .id_token <<<"$API_BODY" | cut -d. -f2 | tr '_-' '/+')
while ((${#payload} % 4)); do payload+="="; done
id_claims=$(base64 -d <<<"$payload")
assert_eq "$TID" "$(jq -r .tid <<<"$id_claims")" "id_token tid"
assert_eq "$FIRST_PARTY" "$(jq -r .aud <<<"$id_claims")" "id_token aud"
sub=$(jq -r .sub <<<"$id_claims")

# Secrets never reach the log.
server_log_settled
grep -qF "$GOOD_PASSWORD" "$SERVER_LOG" && fail "the password appears in the server log"
grep -qF "$AT" "$SERVER_LOG" && fail "the access token appears in the server log"

# The wrong password: Entra's body, correlation id from the query string.
ropc "$TID" "wrong-$GOOD_PASSWORD"
assert_entra_error 400 invalid_grant 50126 "ROPC with a wrong password"
assert_json '.correlation_id == "7d6c1a52-1c1e-4b8e-9d53-0f4e8f3a0b11"' "correlation id"
assert_eq 7d6c1a52-1c1e-4b8e-9d53-0f4e8f3a0b11 "$(header client-request-id)" \
    "client-request-id header echoed"

# ROPC names its tenant: not on /common.
ropc common "$GOOD_PASSWORD"
assert_status 400 "ROPC on /common"
assert_json '.error == "invalid_request" and (.error_codes[0] | type == "number")' "ROPC on /common"

# Client authentication: Basic and form secret together are refused.
ropc "$TID" "$GOOD_PASSWORD" --data-urlencode client_secret=x -u "$FIRST_PARTY:y"
assert_entra_error 400 invalid_request 9002313 "Basic and client_secret together"

# userinfo.
for method in GET POST; do
    api "$method" /oidc/userinfo -H "Authorization: Bearer $AT"
    assert_status 200 "$method userinfo with the access token"
    assert_json '.sub == $s' "userinfo sub equals the id_token sub" --arg s "$sub"
done
api GET /oidc/userinfo
assert_status 401 "userinfo without a token"
assert_match '^Bearer' "$(header www-authenticate)" "userinfo 401 challenge"
api GET /oidc/userinfo -H "Authorization: Bearer ${AT%??????}AAAAAA"
assert_status 401 "userinfo with a tampered token"
assert_match 'error="invalid_token"' "$(header www-authenticate)" "invalid_token challenge"
assert_json '.error | type == "string"' "userinfo error body"

# A refresh gives a new refresh token.
api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=refresh_token \
    --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "refresh_token=$RT" \
    --data-urlencode "scope=openid profile offline_access"
assert_status 200 "refresh"
assert_json '(.access_token | length > 20) and .refresh_token != $rt' "refresh rotates" \
    --arg rt "$RT"

stop_server
