#!/usr/bin/env bash
# e2e: a running server picks up `atrium key rotate` by itself (no restart),
# within --key-refresh-seconds: the JWKS lists the new kid next to the
# previous one, new tokens are signed with the new key, and a token signed
# before the rotation still verifies against the published JWKS and at the
# server.
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
b64url_decode() { # b64url_decode TEXT: raw bytes on stdout
    local s
    s=$(tr '_-' '/+' <<<"$1")
    while ((${#s} % 4)); do s+="="; done
    base64 -d <<<"$s"
}
kid_of() { # kid_of JWT
    b64url_decode "${1%%.*}" | jq -r .kid
}
jwks_kids() {
    api GET "/$TID/discovery/v2.0/keys"
    assert_status 200 "JWKS"
    jq -r '[.keys[].kid] | join(" ")' <<<"$API_BODY"
}
# verify_with_jwks JWT WHAT: the JWT's RS256 signature verifies with the key of
# its kid in the JWKS the server publishes now, through its x5c certificate.
verify_with_jwks() {
    local jwt=$1 what=$2 kid x5c dir="$E2E_DIR/verify"
    kid=$(kid_of "$jwt")
    api GET "/$TID/discovery/v2.0/keys"
    assert_status 200 "JWKS"
    x5c=$(jq -r --arg k "$kid" '.keys[] | select(.kid == $k) | .x5c[0]' <<<"$API_BODY")
    [[ -n "$x5c" && "$x5c" != null ]] || fail "$what: kid $kid is not in the JWKS"
    mkdir -p "$dir"
    {
        echo "-----BEGIN CERTIFICATE-----"
        fold -w 64 <<<"$x5c"
        echo "-----END CERTIFICATE-----"
    } >"$dir/cert.pem"
    openssl x509 -in "$dir/cert.pem" -noout -pubkey >"$dir/pub.pem" ||
        fail "$what: the JWKS certificate of $kid does not parse"
    printf '%s' "${jwt%.*}" >"$dir/signed"
    b64url_decode "${jwt##*.}" >"$dir/sig"
    openssl dgst -sha256 -verify "$dir/pub.pem" -signature "$dir/sig" "$dir/signed" >/dev/null ||
        fail "$what: the signature does not verify with the published key $kid"
}

start_server --key-refresh-seconds 1
signup_tenant "refresh$RANDOM"
old_kid=$(jwks_kids)
assert_match '^[A-Za-z0-9_-]{43}$' "$old_kid" "one published key at first"
old=$(token)
assert_eq "$old_kid" "$(kid_of "$old")" "tokens are signed with the published key"
verify_with_jwks "$old" "the first token"

# Rotate on the same data directory while the server runs.
run_cli key rotate --data "$DATA" --json
assert_cli_rc 0 "key rotate"
new_kid=$(jq -r .kid <<<"$CLI_OUT")
assert_match '^[A-Za-z0-9_-]{43}$' "$new_kid" "the new kid"
[[ "$new_kid" != "$old_kid" ]] || fail "the rotation kept the kid"

# Liveness wait (not a timing assertion): the refresh runs every second.
deadline=$((SECONDS + 15))
kids=$(jwks_kids)
while [[ " $kids " != *" $new_kid "* ]]; do
    ((SECONDS < deadline)) || fail "the JWKS does not list the new kid $new_kid after 15 s: $kids"
    sleep 0.2
    kids=$(jwks_kids)
done
assert_eq "$new_kid $old_kid" "$kids" "the new key first, the previous one still published"

new=$(token)
assert_eq "$new_kid" "$(kid_of "$new")" "new tokens use the new key without a restart"
verify_with_jwks "$new" "a token signed after the rotation"
verify_with_jwks "$old" "a token signed before the rotation"
api GET /oidc/userinfo -H "Authorization: Bearer $old"
assert_status 200 "a token signed by the previous key still validates"
api GET /oidc/userinfo -H "Authorization: Bearer $new"
assert_status 200 "a token signed by the new key validates"

# The server said what it picked up, and stays quiet once in line with the store.
server_log_settled
refreshed=$(jq -Rc 'fromjson? | select(.msg == "signing keys refreshed")' "$SERVER_LOG")
assert_eq 1 "$(grep -c . <<<"$refreshed")" "one refresh log line"
assert_eq "$new_kid" "$(jq -r .active_kid <<<"$refreshed")" "the refresh log names the new kid"
assert_eq 1 "$(jq -r .imported <<<"$refreshed")" "one key imported"
if jq -Rc 'fromjson? | select(.msg | tostring | test("refresh failed"))' "$SERVER_LOG" | grep -q .; then
    fail "a key refresh failed"
fi

# A key whose sealed blob does not open (damaged in the store): the refresh
# fails with a warning that holds no secret, and the server keeps serving and
# signing with the keys it has.
run_cli key rotate --data "$DATA" --json
assert_cli_rc 0 "second key rotate"
bad_kid=$(jq -r .kid <<<"$CLI_OUT")
blob=$(sqlite3 "$DATA/atrium.db" "SELECT sealed_private FROM signing_keys WHERE kid = '$bad_kid'")
[[ "$blob" == v1.* ]] || fail "unexpected sealed blob format"
sqlite3 "$DATA/atrium.db" \
    "UPDATE signing_keys SET sealed_private = 'v1.AAAAAAAAAAAAAAAA.AAAA' WHERE kid = '$bad_kid'"
deadline=$((SECONDS + 15))
until jq -Rc 'fromjson? | select(.level == "warn" and (.msg | test("refresh failed")))' \
    "$SERVER_LOG" | grep -q .; do
    ((SECONDS < deadline)) || fail "no refresh warning 15 s after damaging a key"
    sleep 0.2
done
warning=$(jq -Rc 'fromjson? | select(.level == "warn" and (.msg | test("refresh failed")))' \
    "$SERVER_LOG" | head -n 1)
assert_match "$bad_kid" "$warning" "the warning names the key"
[[ "$warning" != *"$blob"* && "$warning" != *v1.AAAA* ]] || fail "the warning holds a sealed blob"
assert_eq "$new_kid $old_kid" "$(jwks_kids)" "the keys in use stay published"
assert_eq "$new_kid" "$(kid_of "$(token)")" "tokens are still signed with the key in use"
stop_server

# A bad option value is refused (minimum 1).
run_cli serve --data "$DATA" --key-refresh-seconds 0 --insecure-http --listen 127.0.0.1:0
assert_cli_rc 2 "--key-refresh-seconds 0"
echo "PASS 0181-key-refresh"
