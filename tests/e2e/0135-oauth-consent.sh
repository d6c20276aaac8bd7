#!/usr/bin/env bash
# e2e: consent on the hosted sign-in page for an application of the tenant
# (a public client registered through the Graph API): without consent for
# its delegated scope the user sees the consent screen listing the
# permissions; Cancel redirects access_denied; prompt=none redirects
# consent_required; Accept records the user's consent (a Principal
# oauth2PermissionGrant) and continues to a code whose token's scp holds
# the consented scope; a permission that needs an administrator is refused
# (consent_required); once an administrator has granted consent
# (oauth2PermissionGrants), sign-in goes straight to the code. A
# multi-tenant app used from another tenant gets its service principal
# there on the first Accept.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

start_server
signup_tenant "cons$RANDOM"
ISSUER="$(api GET "/$TID/v2.0/.well-known/openid-configuration" && jq -r .issuer <<<"$API_BODY")"

# An administrator token of the first-party client for the Graph API.
api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode grant_type=password --data-urlencode "username=$ADMIN_UPN" \
    --data-urlencode "password=$GOOD_PASSWORD" --data-urlencode "scope=https://graph.microsoft.com/.default"
assert_status 200 "admin token"
ADMIN_AT=$(jq -r .access_token <<<"$API_BODY")
graph() { # graph METHOD PATH [JSON]
    if [[ $# -ge 3 ]]; then
        api "$1" "$2" -H "Authorization: Bearer $ADMIN_AT" -H 'Content-Type: application/json' \
            --data-binary "$3"
    else
        api "$1" "$2" -H "Authorization: Bearer $ADMIN_AT"
    fi
}

graph POST /v1.0/applications \
    '{"displayName":"Consent <Test> App","publicClient":{"redirectUris":["http://localhost"]}}'
assert_status 201 "register a public client"
APP_ID=$(jq -r .appId <<<"$API_BODY")
graph GET "/v1.0/servicePrincipals?\$filter=appId%20eq%20'$APP_ID'"
APP_SP=$(jq -r '.value[0].id // empty' <<<"$API_BODY")
if [[ -z "$APP_SP" ]]; then
    graph POST /v1.0/servicePrincipals "{\"appId\":\"$APP_ID\"}"
    assert_status 201 "service principal of the app"
    APP_SP=$(jq -r .id <<<"$API_BODY")
fi
graph GET "/v1.0/servicePrincipals?\$filter=appId%20eq%20'00000003-0000-0000-c000-000000000000'"
GRAPH_SP=$(jq -r '.value[0].id // empty' <<<"$API_BODY")
[[ -n "$GRAPH_SP" ]] || fail "no service principal for the Graph API: $API_BODY"

SCOPE="openid%20https%3A%2F%2Fgraph.microsoft.com%2FUser.Read"
app_authorize() { # app_authorize [EXTRA]
    pkce_pair
    STATE="st-$RANDOM"
    browse GET "/$TID/oauth2/v2.0/authorize?client_id=$APP_ID&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A$CB_PORT&scope=$SCOPE&state=$STATE&code_challenge=$CHALLENGE&code_challenge_method=S256${1:-}"
}
redirected() { # redirected PARAM: the decoded PARAM of the client redirect
    local loc
    loc=$(header location)
    [[ "$loc" == "$REDIRECT?"* ]] || fail "expected a redirect to the client, got $API_STATUS '$loc'"
    url_param "$loc" "$1"
}

new_browser
app_authorize
assert_page 200 "sign-in form for the app"
[[ "$API_BODY" == *"Consent &lt;Test&gt; App"* ]] || fail "the page does not name the app (escaped)"
sign_in "$ADMIN_UPN" "$GOOD_PASSWORD"
assert_page 200 "consent screen"
page_has "Permissions requested" || fail "no consent screen: ${API_BODY:0:600}"
[[ "$API_BODY" == *"<li>"* && "$API_BODY" == *'value="consent_accept"'* &&
    "$API_BODY" == *'value="consent_cancel"'* ]] || fail "consent screen lacks permissions or buttons"
CONSENT_PAGE=$API_BODY
CONSENT_STATE=$STATE
CONSENT_VERIFIER=$VERIFIER

# Cancel: access_denied to the client, with state and iss.
form_args
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode atrium_action=consent_cancel
assert_eq access_denied "$(redirected error)" "Cancel on the consent screen"
assert_eq "$STATE" "$(redirected state)" "state after Cancel"
assert_eq "$ISSUER" "$(redirected iss)" "iss after Cancel"

# Anti-forgery applies to the consent answers too.
API_BODY=$CONSENT_PAGE
form_args csrf_token
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode atrium_action=consent_accept
assert_match '^40[03]$' "$API_STATUS" "consent answer without csrf_token"

# prompt=none cannot show the screen: consent_required.
app_authorize "&prompt=none"
assert_eq consent_required "$(redirected error)" "prompt=none without consent"

# Accept: the consent is recorded and the flow goes on to the code.
API_BODY=$CONSENT_PAGE
form_args
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode atrium_action=consent_accept
accept_code=$(redirected code)
[[ -n "$accept_code" ]] || fail "Accept: no code: $(header location)"
assert_eq "$CONSENT_STATE" "$(redirected state)" "state after Accept"
assert_eq "$ISSUER" "$(redirected iss)" "iss after Accept"
api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=authorization_code \
    --data-urlencode "client_id=$APP_ID" --data-urlencode "code=$accept_code" \
    --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "code_verifier=$CONSENT_VERIFIER" \
    --data-urlencode "scope=openid https://graph.microsoft.com/User.Read"
assert_status 200 "redeeming the code after Accept"
claims=$(jwt_payload "$(jq -r .access_token <<<"$API_BODY")")
jq -e '(.scp | split(" ") | index("User.Read")) and .aud == "https://graph.microsoft.com"' \
    <<<"$claims" >/dev/null || fail "access token after Accept lacks scp User.Read: $claims"
jq -e --arg app "$APP_ID" '.appid == $app or .azp == $app' <<<"$claims" >/dev/null ||
    fail "access token after Accept is not the app's: $claims"
graph GET "/v1.0/oauth2PermissionGrants?\$filter=clientId%20eq%20'$APP_SP'"
assert_status 200 "grants of the app"
assert_json '[.value[] | select(.consentType == "Principal" and .resourceId == $r and
    (.principalId | length == 36) and (.scope | split(" ") | index("User.Read")))] | length == 1' \
    "the user's consent is a grant" --arg r "$GRAPH_SP"

# Consented: prompt=none now signs in silently.
app_authorize "&prompt=none"
[[ -n "$(redirected code)" ]] || fail "prompt=none after Accept: no code ($(header location))"

# A permission only an administrator may grant: Accept is refused, nothing recorded.
SCOPE="openid%20https%3A%2F%2Fgraph.microsoft.com%2FUser.Read.All"
app_authorize
assert_page 200 "consent screen for an admin-only permission"
form_args
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode atrium_action=consent_accept
assert_eq consent_required "$(redirected error)" "Accept of an admin-only permission"
[[ "$(redirected error_description)" == *"AADSTS65001"*"administrator"* ]] ||
    fail "admin-only refusal description: $(redirected error_description)"
graph GET "/v1.0/oauth2PermissionGrants?\$filter=clientId%20eq%20'$APP_SP'"
assert_json '[.value[] | select(.scope | split(" ") | index("User.Read.All"))] | length == 0' \
    "no grant of User.Read.All"
SCOPE="openid%20https%3A%2F%2Fgraph.microsoft.com%2FUser.Read"

# An administrator grants consent for everyone: single sign-on straight to the code.
graph POST /v1.0/oauth2PermissionGrants "{\"clientId\":\"$APP_SP\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"$GRAPH_SP\",\"scope\":\"User.Read\"}"
assert_status 201 "admin consent"
app_authorize
code=$(redirected code)
[[ -n "$code" ]] || fail "after admin consent: no code ($(header location))"
assert_eq "$STATE" "$(redirected state)" "state after consent"

# A multi-tenant app of this tenant, first used from another tenant: its sign-in
# page, the consent screen, and Accept creates its service principal there.
graph POST /v1.0/applications '{"displayName":"Multi Tenant App","signInAudience":"AzureADMultipleOrgs","publicClient":{"redirectUris":["http://localhost"]}}'
assert_status 201 "register a multi-tenant public client"
APP_ID=$(jq -r .appId <<<"$API_BODY")
HOME_TID=$TID
signup_tenant "cons2$RANDOM"
new_browser
app_authorize
assert_page 200 "sign-in form of the other tenant for the multi-tenant app"
sign_in "$ADMIN_UPN" "$GOOD_PASSWORD"
assert_page 200 "consent screen in the other tenant"
page_has "Multi Tenant App" || fail "the consent screen does not name the app: ${API_BODY:0:600}"
CONSENT_VERIFIER=$VERIFIER
form_args
browse POST "$(form_action)" "${FORM_ARGS[@]}" --data-urlencode atrium_action=consent_accept
multi_code=$(redirected code)
[[ -n "$multi_code" ]] || fail "Accept in the other tenant: no code: $(header location)"
api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=authorization_code \
    --data-urlencode "client_id=$APP_ID" --data-urlencode "code=$multi_code" \
    --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "code_verifier=$CONSENT_VERIFIER" \
    --data-urlencode "scope=openid https://graph.microsoft.com/User.Read"
assert_status 200 "redeeming the code in the other tenant"
claims=$(jwt_payload "$(jq -r .access_token <<<"$API_BODY")")
jq -e --arg t "$TID" '(.scp | split(" ") | index("User.Read")) and .tid == $t' <<<"$claims" \
    >/dev/null || fail "multi-tenant access token: $claims"
api POST "/$TID/oauth2/v2.0/token" --data-urlencode "client_id=$FIRST_PARTY" \
    --data-urlencode grant_type=password --data-urlencode "username=$ADMIN_UPN" \
    --data-urlencode "password=$GOOD_PASSWORD" \
    --data-urlencode "scope=https://graph.microsoft.com/.default"
ADMIN_AT=$(jq -r .access_token <<<"$API_BODY")
graph GET "/v1.0/servicePrincipals?\$filter=appId%20eq%20'$APP_ID'"
assert_json '.value | length == 1 and .[0].appOwnerOrganizationId == $h' \
    "the app's service principal in the other tenant" --arg h "$HOME_TID"

stop_server
