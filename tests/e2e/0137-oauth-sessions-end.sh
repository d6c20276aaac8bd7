#!/usr/bin/env bash
# e2e: a password change or reset ends the user's browser (single sign-on)
# sessions, as Entra does. Driven by curl with a cookie jar: sign in on the
# hosted page, single sign-on works (a second authorize gets a code without
# the form); then `atrium user set-password` on the same data directory
# while the server runs, and the next authorize shows the sign-in form again
# (the old cookie is worthless, the refresh token too). The forced change on
# the sign-in page keeps the session it starts right after the change. POST
# /v1.0/users/{id}/revokeSignInSessions (an admin) and
# /v1.0/me/revokeSignInSessions (the user) end the sessions too, with
# Graph's Edm.Boolean answer; another tenant's admin gets a 404.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

NEW_PASSWORD='Zt4!kQ9#wR2m-pLx7'
THIRD_PASSWORD='Kp7#vN3!sW9q-Ltz'
GRAPH_SCOPE=https://graph.microsoft.com/.default

start_server
signup_tenant "sessb$RANDOM"
TID_B=$TID
ADMIN_B=$ADMIN_UPN
signup_tenant "sess$RANDOM"
UPN="sso@$DOMAIN"
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$TID" --upn "$UPN" \
    --display-name Sso --password-stdin --json
assert_cli_rc 0 "create the user"
USER_ID=$(jq -r .id <<<"$CLI_OUT")
assert_match "$GUID_RE" "$USER_ID" "the user's id"

# start: a new authorization request (fresh PKCE and state) in the browser.
start() {
    pkce_pair
    browse GET "$(authorize_url)"
}

# expect_code WHAT: the last response redirects to the client with a code.
expect_code() {
    local loc
    assert_match '^30[23]$' "$API_STATUS" "$1: redirect status"
    loc=$(header location)
    [[ "$loc" == "$REDIRECT?"* && -n "$(url_param "$loc" code)" ]] ||
        fail "$1: no code in '$loc'"
    CODE=$(url_param "$loc" code)
}

# expect_form WHAT: the last response is the sign-in form (no single sign-on).
expect_form() {
    assert_page 200 "$1"
    [[ "$API_BODY" == *'name="passwd"'* ]] || fail "$1: no sign-in form: ${API_BODY:0:400}"
}

# sign_in_fresh PASSWORD: a new browser signs the user in; SSO then works.
sign_in_fresh() {
    new_browser
    start
    expect_form "sign-in form"
    sign_in "$UPN" "$1"
    expect_code "sign-in"
    grep -q "atrium_sso_$TID" "$JAR" || fail "no session cookie after the sign-in"
    start
    expect_code "single sign-on before the change"
}

# graph_token USERNAME TENANT PASSWORD: a directory API token (ROPC, first-party client).
graph_token() {
    api POST "/$2/oauth2/v2.0/token" --data-urlencode grant_type=password \
        --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "username=$1" \
        --data-urlencode "password=$3" --data-urlencode "scope=$GRAPH_SCOPE offline_access"
    assert_status 200 "token for $1"
}

# --- a reset with the CLI ends the session ---
sign_in_fresh "$GOOD_PASSWORD"
redeem_code "$CODE"
assert_status 200 "redeem the single sign-on code"
RT=$(jq -r .refresh_token <<<"$API_BODY")
cp "$JAR" "$E2E_DIR/stolen-cookies.txt"
run_cli --stdin "$NEW_PASSWORD" user set-password --data "$DATA" --tenant "$TID" \
    --password-stdin "$UPN"
assert_cli_rc 0 "atrium user set-password"
start
expect_form "after the reset, authorize shows the sign-in form again"
api GET "$(authorize_url)" --cookie "$E2E_DIR/stolen-cookies.txt"
expect_form "a copy of the old cookie is worthless too"
api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=refresh_token \
    --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "refresh_token=$RT" \
    --data-urlencode "scope=openid profile offline_access"
assert_status 400 "the refresh token after the reset"
assert_json '.error == "invalid_grant"' "the refresh token after the reset"

# --- revokeSignInSessions by an administrator ---
sign_in_fresh "$NEW_PASSWORD"
graph_token "$ADMIN_B" "$TID_B" "$GOOD_PASSWORD"
TOKEN_B=$(jq -r .access_token <<<"$API_BODY")
api POST "/v1.0/users/$USER_ID/revokeSignInSessions" -H "Authorization: Bearer $TOKEN_B"
assert_graph_error 404 "" "another tenant's admin revokes the user's sessions"
start
expect_code "another tenant's admin changed nothing"
graph_token "$ADMIN_UPN" "$TID" "$GOOD_PASSWORD"
TOKEN=$(jq -r .access_token <<<"$API_BODY")
api POST "/v1.0/users/$USER_ID/revokeSignInSessions" -H "Authorization: Bearer $TOKEN"
assert_status 200 "revokeSignInSessions by the admin"
assert_json '(."@odata.context" | endswith("/v1.0/$metadata#Edm.Boolean")) and .value == true' \
    "revokeSignInSessions answer"
start
expect_form "after revokeSignInSessions, the sign-in form again"
api GET "/v1.0/auditLogs/directoryAudits" -H "Authorization: Bearer $TOKEN" -G \
    --data-urlencode "\$filter=activityDisplayName eq 'Invalidate all refresh tokens for user'"
assert_status 200 "the audit log"
assert_json 'any(.value[]; .targetResources[0].id == $id)' "the audit entry of the revocation" \
    --arg id "$USER_ID"

# --- the user's own /me/revokeSignInSessions ---
sign_in_fresh "$NEW_PASSWORD"
graph_token "$UPN" "$TID" "$NEW_PASSWORD"
api POST /v1.0/me/revokeSignInSessions -H "Authorization: Bearer $(jq -r .access_token <<<"$API_BODY")"
assert_status 200 "/me/revokeSignInSessions"
assert_json '.value == true' "/me/revokeSignInSessions answer"
start
expect_form "after /me/revokeSignInSessions, the sign-in form again"

# --- the forced change on the sign-in page keeps the session it starts ---
run_cli --stdin "$NEW_PASSWORD" user set-password --data "$DATA" --tenant "$TID" \
    --password-stdin --force-change "$UPN"
assert_cli_rc 0 "a reset with forceChangePasswordNextSignIn"
new_browser
start
expect_form "sign-in form before the forced change"
sign_in "$UPN" "$NEW_PASSWORD"
assert_page 200 "the password change screen"
[[ "$API_BODY" == *'name="new_passwd"'* ]] || fail "no password change form: ${API_BODY:0:400}"
form_args
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode "passwd=$NEW_PASSWORD" \
    --data-urlencode "new_passwd=$THIRD_PASSWORD" --data-urlencode "confirm_passwd=$THIRD_PASSWORD"
expect_code "after the forced change"
start
expect_code "single sign-on with the session started after the change"

stop_server
