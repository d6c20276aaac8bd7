#!/usr/bin/env bash
# e2e: signing keys. The private key is sealed at rest (no PEM in the store),
# the master key file is 0600, a restart never changes the kid, and
# `atrium key rotate` adds a new active key while the previous one stays
# published, so tokens it signed keep working after the rotation.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

token() { # token: ROPC for the admin with the first-party client; prints the access token
    api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
        --data-urlencode grant_type=password --data-urlencode "username=$ADMIN_UPN" \
        --data-urlencode "password=$GOOD_PASSWORD" --data-urlencode "scope=openid profile"
    assert_status 200 "ROPC token"
    jq -r .access_token <<<"$API_BODY"
}
kid_of() { # kid_of JWT
    local h=${1%%.*}
    h=$(tr '_-' '/+' <<<"$h")
    while ((${#h} % 4)); do h+="="; done
    base64 -d <<<"$h" | jq -r .kid
}
jwks_kids() {
    api GET "/$TID/discovery/v2.0/keys"
    assert_status 200 "JWKS"
    jq -r '[.keys[].kid] | join(" ")' <<<"$API_BODY"
}

# A fixed public URL: the issuer must not change with the port across restarts.
PUBLIC=https://localhost:18443
start_server --public-url "$PUBLIC"
signup_tenant "keys$RANDOM"
first_kids=$(jwks_kids)
assert_match '^[A-Za-z0-9_-]{43}$' "$first_kids" "one published key at first"
old=$(token)
assert_eq "$first_kids" "$(kid_of "$old")" "tokens are signed with the published key"

mode=$(stat -c %a "$DATA/master.key")
assert_eq 600 "$mode" "master.key mode"
if grep -aq 'PRIVATE KEY' "$DATA"/atrium.db*; then
    fail "a private key is stored in clear in the store"
fi

stop_server
start_server --public-url "$PUBLIC"
assert_eq "$first_kids" "$(jwks_kids)" "a restart keeps the same kid"

run_cli key rotate --data "$DATA" --json
assert_cli_rc 0 "key rotate"
new_kid=$(jq -r .kid <<<"$CLI_OUT")
assert_match '^[A-Za-z0-9_-]{43}$' "$new_kid" "the new kid"
run_cli key list --data "$DATA" --json
assert_cli_rc 0 "key list"
assert_eq 2 "$(jq length <<<"$CLI_OUT")" "two keys listed"
assert_eq "$new_kid" "$(jq -r '.[] | select(.active) | .kid' <<<"$CLI_OUT")" "the new key is active"

stop_server
start_server --public-url "$PUBLIC"
kids=$(jwks_kids)
assert_match "$new_kid" "$kids" "the new key is published"
assert_match "$first_kids" "$kids" "the previous key stays published"
new=$(token)
assert_eq "$new_kid" "$(kid_of "$new")" "new tokens use the new key"
api GET /oidc/userinfo -H "Authorization: Bearer $old"
assert_status 200 "a token signed by the previous key still validates"
api GET /oidc/userinfo -H "Authorization: Bearer $new"
assert_status 200 "a token signed by the new key validates"
stop_server
echo "PASS 0180-key-rotate"
