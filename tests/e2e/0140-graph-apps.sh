#!/usr/bin/env bash
# e2e: the directory API for applications. An admin token (ROPC with the
# first-party client) creates an app, adds a secret, grants it User.Read.All
# on Microsoft Graph (appRoleAssignedTo), and a client_credentials token of
# the app then carries that role. Refusals: no token (401 + WWW-Authenticate),
# a non-admin user (403), tenant A's token on tenant B's app (404, exactly
# like a random id), malformed JSON (400), wrong media type (415), unknown
# properties (400 naming them). Paging with $top=1: absolute https
# @odata.nextLink on the public URL, absent on the last page.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

GRAPH_APP_ID=00000003-0000-0000-c000-000000000000
USER_READ_ALL=df021288-bdef-4463-88db-98f22de89214

start_server

# jwt_claims TOKEN: the decoded payload of a JWT.
jwt_claims() {
    local p
    p=$(cut -d. -f2 <<<"$1" | tr '_-' '/+')
    while ((${#p} % 4)); do p+="="; done
    base64 -d <<<"$p"
}

# ropc_token USERNAME: an access token for the directory API (first-party client).
ropc_token() {
    api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=password \
        --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "username=$1" \
        --data-urlencode "password=$GOOD_PASSWORD" \
        --data-urlencode "scope=https://graph.microsoft.com/.default"
    assert_status 200 "ROPC token for $1"
    jq -r .access_token <<<"$API_BODY"
}

# graph METHOD PATH TOKEN [curl args...]
graph() {
    local method=$1 path=$2 token=$3
    shift 3
    api "$method" "$path" -H "Authorization: Bearer $token" "$@"
}

# graph_json METHOD PATH TOKEN JSON
graph_json() {
    graph "$1" "$2" "$3" -H 'Content-Type: application/json' --data-binary "$4"
}

# --- tenant B first (its app is the cross-tenant target), then tenant A ---
signup_tenant "appsb$RANDOM"
TID_B=$TID
TOKEN_B=$(ropc_token "$ADMIN_UPN")
graph_json POST /v1.0/applications "$TOKEN_B" '{"displayName":"B private app"}'
assert_status 201 "tenant B creates an app"
APP_B=$(jq -r .id <<<"$API_BODY")

signup_tenant "appsa$RANDOM"
TID_A=$TID
TOKEN=$(ropc_token "$ADMIN_UPN")
claims=$(jwt_claims "$TOKEN")
jq -e --arg t "$TID_A" '.tid == $t and (.scp | split(" ") | index("Application.ReadWrite.All"))
    and (.wids | index("62e90394-69f5-4237-9190-012177145e10"))' <<<"$claims" >/dev/null ||
    fail "admin token lacks tid/scp/wids: $claims"

# --- no token, bad token ---
api GET /v1.0/applications
assert_graph_error 401 "" "GET /v1.0/applications without a token"
assert_json '.error.code == "InvalidAuthenticationToken"' "401 code"
assert_match '^Bearer ' "$(header www-authenticate)" "WWW-Authenticate on 401"
graph GET /v1.0/applications "not.a.jwt"
assert_graph_error 401 "" "GET /v1.0/applications with a garbage token"
assert_match 'error="invalid_token"' "$(header www-authenticate)" "invalid_token challenge"

# --- create an application ---
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"Daemon","signInAudience":"AzureADMyOrg",
    "web":{"redirectUris":["https://daemon.example.com/cb"]},"identifierUris":["api://daemon-a"]}'
assert_status 201 "create application"
assert_match '^application/json' "$(header content-type)" "201 content type"
assert_json '(.id | test("^[0-9a-f-]{36}$")) and (.appId | test("^[0-9a-f-]{36}$"))
    and .displayName == "Daemon" and .signInAudience == "AzureADMyOrg"
    and (."@odata.context" | endswith("/v1.0/$metadata#applications/$entity"))
    and .passwordCredentials == [] and .web.redirectUris == ["https://daemon.example.com/cb"]
    and .identifierUris == ["api://daemon-a"]' "create application body"
APP=$(jq -r .id <<<"$API_BODY")
APP_ID=$(jq -r .appId <<<"$API_BODY")

# The home-tenant service principal exists.
graph GET "/v1.0/servicePrincipals?\$filter=appId%20eq%20'$APP_ID'" "$TOKEN"
assert_status 200 "service principal of the new app"
assert_json '.value | length == 1' "one service principal for the app"
SP=$(jq -r '.value[0].id' <<<"$API_BODY")

# --- addPassword: secret shown once, then only its hint ---
graph_json POST "/v1.0/applications/$APP/addPassword" "$TOKEN" \
    '{"passwordCredential":{"displayName":"e2e"}}'
assert_status 200 "addPassword"
SECRET=$(jq -r .secretText <<<"$API_BODY")
KEY_ID=$(jq -r .keyId <<<"$API_BODY")
assert_json '(.secretText | length >= 16) and .hint == (.secretText[0:3]) and .displayName == "e2e"
    and (.endDateTime | type == "string")' "addPassword body"
graph GET "/v1.0/applications/$APP" "$TOKEN"
assert_status 200 "GET application"
assert_json '.passwordCredentials | length == 1 and .[0].keyId == $k and .[0].secretText == null' \
    "passwordCredentials listed without the secret" --arg k "$KEY_ID"
[[ "$API_BODY" != *"$SECRET"* ]] || fail "GET application shows the secret"
server_log_settled
grep -qF "$SECRET" "$SERVER_LOG" && fail "the client secret appears in the server log"

# --- admin consent: User.Read.All (application permission) on Microsoft Graph ---
graph GET "/v1.0/servicePrincipals?\$filter=appId%20eq%20'$GRAPH_APP_ID'" "$TOKEN"
assert_status 200 "find the Microsoft Graph service principal"
assert_json '.value[0].appRoles | map(select(.id == $r and .value == "User.Read.All")) | length == 1' \
    "Graph SP lists User.Read.All with Entra's id" --arg r "$USER_READ_ALL"
GRAPH_SP=$(jq -r '.value[0].id' <<<"$API_BODY")
graph_json POST "/v1.0/servicePrincipals/$GRAPH_SP/appRoleAssignedTo" "$TOKEN" \
    "{\"principalId\":\"$SP\",\"resourceId\":\"$GRAPH_SP\",\"appRoleId\":\"$USER_READ_ALL\"}"
assert_status 201 "grant User.Read.All"
assert_json '.principalId == $p and .resourceId == $r and .appRoleId == $a
    and .principalType == "ServicePrincipal"' "assignment body" --arg p "$SP" \
    --arg r "$GRAPH_SP" --arg a "$USER_READ_ALL"
graph GET "/v1.0/servicePrincipals/$SP/appRoleAssignments" "$TOKEN"
assert_status 200 "appRoleAssignments of the app's principal"
assert_json '.value | length == 1' "one assignment"

# --- the app's own token carries the role ---
api POST "/$TID_A/oauth2/v2.0/token" --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$APP_ID" --data-urlencode "client_secret=$SECRET" \
    --data-urlencode "scope=https://graph.microsoft.com/.default"
assert_status 200 "client_credentials for the app"
APP_TOKEN=$(jq -r .access_token <<<"$API_BODY")
jwt_claims "$APP_TOKEN" | jq -e --arg a "$APP_ID" '(.roles | index("User.Read.All"))
    and .azp == $a and .idtyp == "app"' >/dev/null ||
    fail "app token lacks roles User.Read.All: $(jwt_claims "$APP_TOKEN")"
# User.Read.All alone does not allow managing applications.
graph_json POST /v1.0/applications "$APP_TOKEN" '{"displayName":"by app"}'
assert_graph_error 403 "" "app token without Application.ReadWrite.All"
assert_json '.error.code == "Authorization_RequestDenied"' "403 code"

# --- a non-admin user gets 403 on POST ---
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$TID_A" \
    --upn "bob@$DOMAIN" --display-name Bob --password-stdin
assert_cli_rc 0 "create a non-admin user"
BOB=$(ropc_token "bob@$DOMAIN")
graph_json POST /v1.0/applications "$BOB" '{"displayName":"Bob app"}'
assert_graph_error 403 "" "non-admin creates an application"
assert_json '.error.message == "Insufficient privileges to complete the operation."' "403 message"

# --- isolation: A's token on B's app is a plain 404 ---
graph GET "/v1.0/applications/$APP_B" "$TOKEN"
assert_graph_error 404 "" "tenant A reads tenant B's app"
cross=$(jq -c '.error | {code, message: (.message | sub("[0-9a-f-]{36}"; "ID"))}' <<<"$API_BODY")
graph GET "/v1.0/applications/$(cat /proc/sys/kernel/random/uuid)" "$TOKEN"
assert_graph_error 404 "" "tenant A reads a random id"
random=$(jq -c '.error | {code, message: (.message | sub("[0-9a-f-]{36}"; "ID"))}' <<<"$API_BODY")
assert_eq "$random" "$cross" "cross-tenant 404 identical to a missing object"
graph_json PATCH "/v1.0/applications/$APP_B" "$TOKEN" '{"displayName":"pwned"}'
assert_graph_error 404 "" "tenant A patches tenant B's app"
graph DELETE "/v1.0/applications/$APP_B" "$TOKEN"
assert_graph_error 404 "" "tenant A deletes tenant B's app"
graph GET "/v1.0/applications/$APP_B" "$TOKEN_B"
assert_status 200 "tenant B's app is intact"
assert_json '.displayName == "B private app"' "tenant B's app unchanged"
graph GET "/v1.0/applications" "$TOKEN_B"
assert_json '[.value[].id] | index($a) | not' "B's list never shows A's app" --arg a "$APP"

# --- malformed, wrong media type, unknown properties ---
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":'
assert_graph_error 400 "" "malformed JSON"
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"a","displayName":"b"}'
assert_graph_error 400 "" "duplicate keys"
graph POST /v1.0/applications "$TOKEN" -H 'Content-Type: text/plain' --data-binary '{}'
assert_graph_error 415 "" "text/plain body"
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"x","favouriteColour":"red"}'
assert_graph_error 400 favouriteColour "unknown property"
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"x","web":{"redirectUris":["http://evil.example/cb"]}}'
assert_graph_error 400 "web.redirectUris[0]" "http redirect URI off loopback"
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"x","identifierUris":["api://daemon-a"]}'
assert_graph_error 409 identifierUris "identifierUris taken in the tenant"

# --- PATCH, paging ---
graph_json PATCH "/v1.0/applications/$APP" "$TOKEN" '{"displayName":"Daemon v2"}'
assert_status 204 "PATCH application"
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"Second"}'
assert_status 201 "second application"
SECOND=$(jq -r .id <<<"$API_BODY")
graph GET '/v1.0/applications?$top=1' "$TOKEN"
assert_status 200 "page 1"
assert_json '(.value | length == 1) and (."@odata.nextLink" | type == "string")' "page 1 has a next link"
next=$(jq -r '."@odata.nextLink"' <<<"$API_BODY")
assert_match '^https://[^/]+/v1\.0/applications\?.*\$skiptoken=' "$next" "absolute https nextLink"
first=$(jq -r '.value[0].id' <<<"$API_BODY")
# Follow the link verbatim (it names the public URL, https://localhost:PORT).
graph GET "$next" "$TOKEN" --resolve "localhost:$PORT:127.0.0.1"
assert_status 200 "page 2"
assert_json '(.value | length == 1) and (.value[0].id != $f) and (has("@odata.nextLink") | not)' \
    "page 2 is the last" --arg f "$first"
graph GET '/v1.0/applications?$top=1000' "$TOKEN"
assert_graph_error 400 "" "\$top=1000"

# --- removePassword, DELETE ---
graph_json POST "/v1.0/applications/$APP/removePassword" "$TOKEN" "{\"keyId\":\"$KEY_ID\"}"
assert_status 204 "removePassword"
graph DELETE "/v1.0/applications/$SECOND" "$TOKEN"
assert_status 204 "DELETE application"
graph GET "/v1.0/applications/$SECOND" "$TOKEN"
assert_graph_error 404 "" "deleted application"

stop_server
echo "PASS [$E2E_NAME]"
