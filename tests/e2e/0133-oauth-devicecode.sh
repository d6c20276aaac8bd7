#!/usr/bin/env bash
# e2e: the device code flow: start (/devicecode), poll (authorization_pending),
# the deviceauth page driven with curl (enter the code, sign in, approve),
# poll again (tokens); a wrong code, a denial, anti-forgery, and reuse of
# the browser session for a second device.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

start_server
signup_tenant "dev$RANDOM"

device_start() {
    api POST "/$TID/oauth2/v2.0/devicecode" --data-urlencode "client_id=$FIRST_PARTY" \
        --data-urlencode "scope=openid profile offline_access"
    assert_status 200 "devicecode"
    assert_json '(.device_code | length > 20) and (.user_code | test("^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
        and (.verification_uri | endswith("/oauth2/v2.0/deviceauth"))
        and (.expires_in | type == "number") and (.interval | type == "number")
        and (.user_code as $u | .message | contains($u))' "devicecode response"
    DEVICE_CODE=$(jq -r .device_code <<<"$API_BODY")
    USER_CODE=$(jq -r .user_code <<<"$API_BODY")
    VERIFY_PATH=$(jq -r .verification_uri <<<"$API_BODY" | sed -E 's#^https?://[^/]+##')
}

poll() { # poll [GRANT-TYPE]
    api POST "/$TID/oauth2/v2.0/token" --data-urlencode "grant_type=${1:-device_code}" \
        --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "device_code=$DEVICE_CODE"
}

# enter_code CODE: open the page and submit the code.
enter_code() {
    browse GET "$VERIFY_PATH"
    assert_page 200 "deviceauth page"
    [[ "$API_BODY" == *'name="otc"'* ]] || fail "deviceauth page has no code field"
    form_args
    browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode "otc=$1"
}

new_browser
device_start
poll
assert_entra_error 400 authorization_pending 70016 "poll before approval"

# A wrong code: the page again, with a message.
enter_code "BBBB-BBBB"
assert_page 200 "a wrong user code"
page_has "didn't work" || fail "wrong code: no message"

# Anti-forgery on the code form.
browse GET "$VERIFY_PATH"
form_args csrf_token
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode "otc=$USER_CODE"
assert_match '^40[03]$' "$API_STATUS" "code form without csrf_token"

# The right code (lower case, no dash: normalised), then sign in, then approve.
typed=$(tr -d '-' <<<"$USER_CODE" | tr '[:upper:]' '[:lower:]')
enter_code "$typed"
assert_page 200 "after the code: sign-in form"
[[ "$API_BODY" == *'name="passwd"'* ]] || fail "no sign-in form after the code"
sign_in "$ADMIN_UPN" "wrong-$GOOD_PASSWORD"
[[ "$API_BODY" == *"Your account or password is incorrect."* ]] || fail "device sign-in: wrong password"
sign_in "$ADMIN_UPN" "$GOOD_PASSWORD"
assert_page 200 "after sign-in: the confirmation"
[[ "$API_BODY" == *"$ADMIN_UPN"* && "$API_BODY" == *'value="approve"'* ]] ||
    fail "the confirmation does not name the user or offer approval"
CONFIRM_PAGE=$API_BODY
poll # within the interval of the first poll: pending, or slow_down (RFC 8628)
assert_status 400 "poll before the user approves"
assert_json '.error == "authorization_pending" or .error == "slow_down"' \
    "poll before the user approves"
API_BODY=$CONFIRM_PAGE
form_args
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode atrium_action=approve
assert_page 200 "approval"
[[ "$API_BODY" == *"signed in"* ]] || fail "approval page text"

poll urn:ietf:params:oauth:grant-type:device_code
assert_status 200 "poll after approval"
assert_json '.token_type == "Bearer" and (.access_token | length > 20) and (.id_token | length > 20)' \
    "device tokens"
poll
assert_status 400 "the device code is single use"

# A second device: the browser session skips the sign-in; deny this time.
device_start
enter_code "$USER_CODE"
assert_page 200 "second device: confirmation straight away (SSO)"
[[ "$API_BODY" == *'value="deny"'* ]] || fail "second device: no confirmation page"
form_args
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode atrium_action=deny
assert_page 200 "denial"
poll
assert_status 400 "poll after denial"
assert_json '.error == "authorization_declined" or .error == "access_denied"' "denied device code"

# The device flow needs a specific tenant.
api POST "/organizations/oauth2/v2.0/devicecode" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode "scope=openid"
assert_status 400 "devicecode on /organizations"
assert_json '.error_codes | type == "array"' "devicecode on /organizations: Entra shape"

stop_server
