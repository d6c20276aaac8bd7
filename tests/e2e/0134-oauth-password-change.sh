#!/usr/bin/env bash
# e2e: forceChangePasswordNextSignIn on the hosted sign-in page: the sign-in
# leads to the password change screen, mismatched or refused new passwords
# are shown inline, a good one continues the flow to the client with a code,
# and the new password then works (the old one does not).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

start_server
signup_tenant "pwc$RANDOM"
upn="bea@$DOMAIN"
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$TID" --upn "$upn" \
    --display-name Bea --password-stdin --force-change
assert_cli_rc 0 "create a user who must change the password"
NEW_PASSWORD='Zt4!kQ9#wR2m-pLx7'

new_browser
pkce_pair
url=$(authorize_url)
STATE=$(url_param "$url" state)
browse GET "$url"
assert_page 200 "sign-in form"
sign_in "$upn" "$GOOD_PASSWORD"
assert_page 200 "password change screen"
[[ "$API_BODY" == *'name="new_passwd"'* && "$API_BODY" == *'name="confirm_passwd"'* ]] ||
    fail "no password change form: ${API_BODY:0:600}"
grep -q atrium_sso "$JAR" && fail "a session was started before the password change"
CHANGE_PAGE=$API_BODY

change() { # change CURRENT NEW CONFIRM
    API_BODY=$CHANGE_PAGE
    form_args
    browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode "passwd=$1" \
        --data-urlencode "new_passwd=$2" --data-urlencode "confirm_passwd=$3"
}

change "$GOOD_PASSWORD" "$NEW_PASSWORD" "${NEW_PASSWORD}x"
assert_page 200 "mismatched confirmation"
page_has "don't match" || fail "mismatch: no inline message"
change "$GOOD_PASSWORD" short short
assert_page 200 "a new password the policy refuses"
[[ "$API_BODY" == *'role="alert"'* ]] || fail "policy refusal: no inline message"
change "wrong-$GOOD_PASSWORD" "$NEW_PASSWORD" "$NEW_PASSWORD"
assert_page 200 "a wrong current password"
[[ "$API_BODY" == *"incorrect"* ]] || fail "wrong current password: no inline message"

change "$GOOD_PASSWORD" "$NEW_PASSWORD" "$NEW_PASSWORD"
assert_match '^303$' "$API_STATUS" "after the change: redirect to the client"
loc=$(header location)
[[ "$loc" == "$REDIRECT?"* && -n "$(url_param "$loc" code)" ]] || fail "no code after the change: $loc"
assert_eq "$STATE" "$(url_param "$loc" state)" "state after the change"

# The new password signs in; the old one does not.
api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode grant_type=password --data-urlencode "username=$upn" \
    --data-urlencode "password=$NEW_PASSWORD" --data-urlencode "scope=openid"
assert_status 200 "ROPC with the new password"
api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode grant_type=password --data-urlencode "username=$upn" \
    --data-urlencode "password=$GOOD_PASSWORD" --data-urlencode "scope=openid"
assert_status 400 "ROPC with the old password"

stop_server
