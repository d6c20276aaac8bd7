#!/usr/bin/env bash
# e2e: the authorization code flow with PKCE through the hosted sign-in page,
# driven by curl with a cookie jar: the form, a wrong password (inline,
# Entra's wording), anti-forgery (missing, mismatched, cross-origin), the
# code (never fetched: read from the Location header) and its redemption,
# single sign-on with the session cookie, prompt=none/login/select_account,
# errors shown on a page (unknown client, unregistered redirect URI) or
# redirected (PKCE), form_post and fragment modes, and logout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

start_server
signup_tenant "code$RANDOM"
ISSUER=$(api GET "/$TID/v2.0/.well-known/openid-configuration" && jq -r .issuer <<<"$API_BODY")

# expect_code WHAT: the last response redirects to the client with a code; sets CODE.
expect_code() {
    local loc
    assert_match '^30[23]$' "$API_STATUS" "$1: redirect status"
    loc=$(header location)
    [[ "$loc" == "$REDIRECT?"* ]] || fail "$1: Location '$loc' is not the client's redirect URI"
    CODE=$(url_param "$loc" code)
    [[ -n "$CODE" ]] || fail "$1: no code in '$loc' (error: $(url_param "$loc" error_description))"
    assert_eq "$STATE" "$(url_param "$loc" state)" "$1: state"
    assert_eq "$ISSUER" "$(url_param "$loc" iss)" "$1: iss (RFC 9207)"
}

# expect_error ERROR WHAT: the last response redirects to the client with error=ERROR.
expect_error() {
    local loc
    assert_match '^30[23]$' "$API_STATUS" "$2: redirect status"
    loc=$(header location)
    [[ "$loc" == "$REDIRECT?"* ]] || fail "$2: Location '$loc' is not the client's redirect URI"
    assert_eq "$1" "$(url_param "$loc" error)" "$2: error"
    assert_match '^AADSTS[0-9]+: ' "$(url_param "$loc" error_description)" "$2: error_description"
    assert_eq "" "$(url_param "$loc" code)" "$2: no code"
    assert_eq "$ISSUER" "$(url_param "$loc" iss)" "$2: iss"
}

# start URL-EXTRA: a new authorization request (fresh PKCE and state) in the browser.
start() {
    pkce_pair
    local url
    url=$(authorize_url "${1:-}")
    STATE=$(url_param "$url" state)
    browse GET "$url"
}

# --- the sign-in form ---
new_browser
start "&login_hint=$ADMIN_UPN&nonce=n-1"
assert_page 200 "authorize shows the sign-in form"
[[ "$API_BODY" == *'name="login"'* && "$API_BODY" == *'name="passwd"'* ]] ||
    fail "the sign-in form lacks login/passwd fields"
[[ "$API_BODY" == *"Org code"* ]] || fail "the page does not show the tenant's display name"
[[ "$API_BODY" == *"value=\"$ADMIN_UPN\""* ]] || fail "login_hint does not prefill the user name"
assert_match 'HttpOnly' "$(header set-cookie)" "anti-forgery cookie is HttpOnly"
assert_match 'Secure' "$(header set-cookie)" "anti-forgery cookie is Secure"
assert_match 'SameSite=Lax' "$(header set-cookie)" "anti-forgery cookie SameSite"
[[ -n "$(form_value csrf_token)" ]] || fail "no csrf_token hidden field"
assert_eq "$STATE" "$(form_value state)" "state carried in a hidden field"
assert_match "form-action 'self' http://localhost:$CB_PORT" "$(header content-security-policy)" \
    "form-action allows the client's origin"
SIGNIN_PAGE=$API_BODY

# Wrong password: the form again, with Entra's wording; no code, no session.
sign_in "$ADMIN_UPN" "not-$GOOD_PASSWORD"
assert_page 200 "wrong password"
[[ "$API_BODY" == *"Your account or password is incorrect."* ]] ||
    fail "wrong password: no inline message: ${API_BODY:0:600}"
grep -q atrium_sso "$JAR" && fail "a failed sign-in set a session cookie"
# The same message for an unknown user (no user enumeration).
API_BODY=$SIGNIN_PAGE
sign_in "nobody@$DOMAIN" "not-$GOOD_PASSWORD"
[[ "$API_BODY" == *"Your account or password is incorrect."* ]] ||
    fail "unknown user: not the same message"

# Anti-forgery: missing, mismatched, cross-origin: refused, nothing signed in.
API_BODY=$SIGNIN_PAGE
action=$(form_action)
form_args csrf_token
browse POST "$action" "${FORM_ARGS[@]}" --data-urlencode "login=$ADMIN_UPN" \
    --data-urlencode "passwd=$GOOD_PASSWORD"
assert_match '^40[03]$' "$API_STATUS" "sign-in without csrf_token"
[[ -z "$(header location)" ]] || fail "sign-in without csrf_token redirected"
browse POST "$action" "${FORM_ARGS[@]}" --data-urlencode "csrf_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
    --data-urlencode "login=$ADMIN_UPN" --data-urlencode "passwd=$GOOD_PASSWORD"
assert_match '^40[03]$' "$API_STATUS" "sign-in with a mismatched csrf_token"
API_BODY=$SIGNIN_PAGE
form_args
browse POST "$action" "${FORM_ARGS[@]}" -H "Origin: https://evil.example" \
    --data-urlencode "login=$ADMIN_UPN" --data-urlencode "passwd=$GOOD_PASSWORD"
assert_match '^40[03]$' "$API_STATUS" "cross-origin sign-in POST"
api POST "$action" "${FORM_ARGS[@]}" --data-urlencode "login=$ADMIN_UPN" \
    --data-urlencode "passwd=$GOOD_PASSWORD"
assert_match '^40[03]$' "$API_STATUS" "sign-in POST without the anti-forgery cookie"
grep -q atrium_sso "$JAR" && fail "a refused POST set a session cookie"

# The right password: the session cookie and a redirect with the code.
API_BODY=$SIGNIN_PAGE
sign_in "$ADMIN_UPN" "$GOOD_PASSWORD"
expect_code "sign-in"
assert_match '^303$' "$API_STATUS" "the redirect after a POST is 303"
cookie=$(grep -i 'set-cookie: __Host-atrium_sso_' <<<"$API_HEADERS" || true)
[[ "$cookie" == *"atrium_sso_$TID="* ]] || fail "no SSO cookie for the tenant: $API_HEADERS"
[[ "$cookie" == *HttpOnly* && "$cookie" == *Secure* && "$cookie" == *SameSite=Lax* &&
    "$cookie" == *"Path=/"* ]] || fail "SSO cookie attributes: $cookie"
[[ -n "$(url_param "$(header location)" client_info)" ]] || fail "no client_info (client_info=1)"

redeem_code "$CODE"
assert_status 200 "redeeming the code with the verifier"
assert_json '.token_type == "Bearer" and (.access_token | length > 20) and (.id_token | length > 20)' \
    "tokens from the code"
payload=$(jq -r .id_token <<<"$API_BODY" | cut -d. -f2 | tr '_-' '/+')
while ((${#payload} % 4)); do payload+="="; done
assert_eq n-1 "$(base64 -d <<<"$payload" | jq -r .nonce)" "nonce in the id_token"
redeem_code "$CODE"
assert_status 400 "redeeming the code twice"
assert_json '.error == "invalid_grant"' "code reuse"

# A wrong verifier (the session signs this one in without the form).
start
expect_code "single sign-on (second authorize)"
good=$VERIFIER
pkce_pair
redeem_code "$CODE"
assert_status 400 "redeeming with a wrong verifier"
VERIFIER=$good

# --- single sign-on: the cookie jar gets a code without the form ---
start
expect_code "SSO authorize"
assert_match '^302$' "$API_STATUS" "SSO redirect after a GET is 302"
redeem_code "$CODE"
assert_status 200 "redeeming the SSO code"

# prompt=none with the session: silent success.
start "&prompt=none"
expect_code "prompt=none with a session"

# prompt=login: the form despite the session.
start "&prompt=login"
assert_page 200 "prompt=login shows the form"
[[ "$API_BODY" == *'name="passwd"'* ]] || fail "prompt=login did not show the password field"

# prompt=select_account: continue as the signed-in user.
start "&prompt=select_account"
assert_page 200 "prompt=select_account"
[[ "$API_BODY" == *"$ADMIN_UPN"* && "$API_BODY" == *'value="continue"'* ]] ||
    fail "the account picker does not offer the signed-in user"
form_args
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode atrium_action=continue
expect_code "continue as the signed-in user"

# response_mode=form_post: a page that posts code/state to the client.
start "&response_mode=form_post"
assert_status 200 "form_post response"
assert_match "script-src 'self'" "$(header content-security-policy)" "form_post CSP"
assert_match "form-action 'self' http://localhost:$CB_PORT" "$(header content-security-policy)" \
    "form_post form-action"
assert_eq "$REDIRECT" "$(form_action)" "form_post action"
[[ -n "$(form_value code)" ]] || fail "form_post: no code field"
assert_eq "$STATE" "$(form_value state)" "form_post state"
assert_eq "$ISSUER" "$(form_value iss)" "form_post iss"
[[ "$API_BODY" == *'type="submit"'* ]] || fail "form_post: no Continue button"

# response_mode=fragment.
start "&response_mode=fragment"
assert_match '^302$' "$API_STATUS" "fragment response"
[[ "$(header location)" == "$REDIRECT#"*code=* ]] || fail "fragment: $(header location)"

# --- errors redirected to the client ---
pkce_pair
STATE=s-plain
browse GET "/$TID/oauth2/v2.0/authorize?client_id=$FIRST_PARTY&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A$CB_PORT&scope=openid&state=s-plain&code_challenge=$CHALLENGE&code_challenge_method=plain"
expect_error invalid_request "code_challenge_method=plain"
STATE=s-nopkce
browse GET "/$TID/oauth2/v2.0/authorize?client_id=$FIRST_PARTY&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A$CB_PORT&scope=openid&state=s-nopkce"
expect_error invalid_request "public client without PKCE"
STATE=s-rt
browse GET "/$TID/oauth2/v2.0/authorize?client_id=$FIRST_PARTY&response_type=token&redirect_uri=http%3A%2F%2Flocalhost%3A$CB_PORT&scope=openid&state=s-rt&code_challenge=$CHALLENGE&code_challenge_method=S256"
expect_error unsupported_response_type "response_type=token"

# --- errors shown on a page, never redirected ---
browse GET "/$TID/oauth2/v2.0/authorize?client_id=$FIRST_PARTY&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=openid&code_challenge=$CHALLENGE&code_challenge_method=S256"
assert_page 400 "unregistered redirect URI"
[[ "$API_BODY" == *AADSTS50011* ]] || fail "unregistered redirect URI: no AADSTS50011 on the page"
[[ "$API_BODY" == *"$(header x-ms-request-id)"* ]] || fail "error page lacks the request id"
browse GET "/$TID/oauth2/v2.0/authorize?client_id=11111111-2222-4333-8444-555555555555&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A$CB_PORT&scope=openid"
assert_page 400 "unknown client"
[[ "$API_BODY" == *AADSTS700016* ]] || fail "unknown client: no AADSTS700016 on the page"
browse GET "/nosuch.example.com/oauth2/v2.0/authorize?client_id=$FIRST_PARTY&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A$CB_PORT&scope=openid"
assert_page 400 "unknown tenant"
[[ "$API_BODY" == *AADSTS90002* ]] || fail "unknown tenant: no AADSTS90002 on the page"

# --- logout ends the session ---
browse GET "/$TID/oauth2/v2.0/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&client_id=$FIRST_PARTY"
assert_page 200 "logout with an unregistered post_logout_redirect_uri"
[[ "$API_BODY" == *"signed out"* ]] || fail "logout page text"
assert_match 'Max-Age=0' "$(header set-cookie)" "logout expires the session cookie"
start
assert_page 200 "after logout, authorize shows the form again"
[[ "$API_BODY" == *'name="passwd"'* ]] || fail "after logout: no sign-in form"

# prompt=none without a session: login_required.
start "&prompt=none"
expect_error login_required "prompt=none without a session"

# Logout with a registered (loopback) post-logout URI redirects there.
browse GET "/$TID/oauth2/v2.0/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A$CB_PORT&client_id=$FIRST_PARTY&state=bye"
assert_match '^30[23]$' "$API_STATUS" "logout to a registered URI"
assert_eq "$REDIRECT?state=bye" "$(header location)" "logout redirect target"

# --- /organizations: the account name first, then the tenant's own sign-in ---
new_browser
pkce_pair
STATE=s-org
org="/organizations/oauth2/v2.0/authorize?client_id=$FIRST_PARTY&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A$CB_PORT&scope=openid&state=s-org&code_challenge=$CHALLENGE&code_challenge_method=S256"
browse GET "$org"
assert_page 200 "/organizations without a login hint asks for the account"
[[ "$API_BODY" == *'name="login_hint"'* && "$API_BODY" == *'method="get"'* ]] ||
    fail "/organizations: no account-name form"
assert_eq "$CHALLENGE" "$(form_value code_challenge)" "/organizations: parameters carried"
browse GET "$org&login_hint=nobody%40nosuch.example.com"
assert_page 200 "/organizations with an unknown domain"
[[ "$API_BODY" == *'role="alert"'* ]] || fail "/organizations unknown domain: no message"
browse GET "$org&login_hint=$ADMIN_UPN"
assert_page 200 "/organizations with the login hint: the tenant's sign-in form"
[[ "$API_BODY" == *'name="passwd"'* && "$API_BODY" == *"Org code"* ]] ||
    fail "/organizations: not the tenant's sign-in page"
assert_eq "/$TID/oauth2/v2.0/authorize" "$(form_action)" "/organizations: form posts to the tenant"
sign_in "$ADMIN_UPN" "$GOOD_PASSWORD"
expect_code "sign-in through /organizations"

# Nothing secret in the log.
server_log_settled
grep -qF "$GOOD_PASSWORD" "$SERVER_LOG" && fail "the password appears in the server log"
grep -qF "$CODE" "$SERVER_LOG" && fail "a code appears in the server log"

stop_server
