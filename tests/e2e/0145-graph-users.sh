#!/usr/bin/env bash
# e2e: the directory API for users, /me and /organization. An admin token
# (ROPC, first-party client) creates users through POST /users (~250 of
# them), pages through the list with @odata.nextLink to the end, filters
# (startswith, eq, in, ne with the advanced-query rules), $count with and
# without ConsistencyLevel, $search, $select, and bad queries (400 with a
# message). /me and PATCH /me, changePassword then ROPC with the new
# password, disabled (AADSTS50057) and deleted users cannot sign in, restore
# and permanent delete through /directory/deletedItems, an app-only token
# (User.Read.All) on /users and /me, and isolation: tenant B's user by id,
# UPN or filter is a plain 404 / empty list for tenant A.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

GRAPH_APP_ID=00000003-0000-0000-c000-000000000000
USER_READ_ALL=df021288-bdef-4463-88db-98f22de89214
NEW_PASSWORD='Hn4$wR8!qT2z-Kmy'
BULK=250

start_server

# ropc_raw USERNAME PASSWORD: the password grant for the directory API (sets API_*).
ropc_raw() {
    api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=password \
        --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "username=$1" \
        --data-urlencode "password=$2" \
        --data-urlencode "scope=https://graph.microsoft.com/.default offline_access"
}

# ropc_token USERNAME [PASSWORD]: an access token, or fail.
ropc_token() {
    ropc_raw "$1" "${2:-$GOOD_PASSWORD}"
    assert_status 200 "ROPC token for $1"
    jq -r .access_token <<<"$API_BODY"
}

graph() { # graph METHOD PATH TOKEN [curl args...]
    local method=$1 path=$2 token=$3
    shift 3
    api "$method" "$path" -H "Authorization: Bearer $token" "$@"
}

graph_json() { # graph_json METHOD PATH TOKEN JSON [curl args...]
    local method=$1 path=$2 token=$3 json=$4
    shift 4
    graph "$method" "$path" "$token" -H 'Content-Type: application/json' --data-binary "$json" "$@"
}

user_body() { # user_body LOCAL DISPLAY-NAME [JQ-FILTER]
    jq -nc --arg l "$1" --arg d "$2" --arg dom "$DOMAIN" --arg pw "$GOOD_PASSWORD" '{
        accountEnabled: true, displayName: $d, mailNickname: $l,
        userPrincipalName: ($l + "@" + $dom),
        passwordProfile: {password: $pw, forceChangePasswordNextSignIn: false}}' |
        jq -c "${3:-.}"
}

# --- tenant B (the cross-tenant target), then tenant A ---
signup_tenant "usersb$RANDOM"
TID_B=$TID
DOMAIN_B=$DOMAIN
TOKEN_B=$(ropc_token "$ADMIN_UPN")
graph_json POST /v1.0/users "$TOKEN_B" "$(user_body zed "Zed of B")"
assert_status 201 "tenant B creates a user"
ZED_B=$(jq -r .id <<<"$API_BODY")
ZED_B_UPN="zed@$DOMAIN_B"

signup_tenant "usersa$RANDOM"
TID_A=$TID
TOKEN=$(ropc_token "$ADMIN_UPN")

# --- /organization ---
graph GET /v1.0/organization "$TOKEN"
assert_status 200 "GET /organization"
assert_json '(."@odata.context" | endswith("/v1.0/$metadata#organization")) and (.value | length == 1)
    and .value[0].id == $t and .value[0].countryLetterCode == "US" and .value[0].tenantType == "AAD"
    and (.value[0].verifiedDomains | map(select(.name == $d and .isInitial and .type == "Managed"))
         | length == 1)
    and (.value[0].createdDateTime | test("Z$"))' "organization body" --arg t "$TID_A" \
    --arg d "$DOMAIN"
graph_json PATCH "/v1.0/organization/$TID_A" "$TOKEN" \
    '{"displayName":"Renamed Org","technicalNotificationMails":["ops@example.com"]}'
assert_status 204 "PATCH /organization"
graph GET "/v1.0/organization/$TID_A" "$TOKEN"
assert_json '.displayName == "Renamed Org" and .technicalNotificationMails == ["ops@example.com"]
    and (."@odata.context" | endswith("#organization/$entity"))' "organization after PATCH"
graph_json PATCH "/v1.0/organization/$TID_A" "$TOKEN" '{"city":"Paris"}'
assert_graph_error 400 city "PATCH /organization with another property"
graph_json PATCH "/v1.0/organization/$TID_B" "$TOKEN" '{"displayName":"x"}'
assert_graph_error 404 "" "PATCH another tenant's organization"

# --- create, get, refusals ---
graph_json POST /v1.0/users "$TOKEN" "$(user_body carol "Carol Jones" \
    '.givenName = "Carol" | .surname = "Jones" | .jobTitle = "Engineer" | .department = "R&D"')"
assert_status 201 "POST /users"
assert_json '(."@odata.context" | endswith("/v1.0/$metadata#users/$entity"))
    and (.id | test("^[0-9a-f-]{36}$")) and .displayName == "Carol Jones"
    and .userPrincipalName == $u and .businessPhones == [] and .mobilePhone == null
    and .officeLocation == null and .preferredLanguage == null and .jobTitle == "Engineer"
    and (has("passwordProfile") | not) and (has("department") | not)' "POST /users body" \
    --arg u "carol@$DOMAIN"
CAROL=$(jq -r .id <<<"$API_BODY")
assert_match "/v1.0/users/$CAROL\$" "$(header location)" "Location of the new user"
graph_json POST /v1.0/users "$TOKEN" "$(user_body carol "Carol Again")"
assert_graph_error 400 userPrincipalName "duplicate userPrincipalName"
assert_json '.error.message == "Another object with the same value for property userPrincipalName already exists."' \
    "duplicate UPN message"
graph_json POST /v1.0/users "$TOKEN" "$(user_body dave Dave '.shoeSize = 44')"
assert_graph_error 400 shoeSize "unknown property"
graph_json POST /v1.0/users "$TOKEN" "$(user_body dave Dave 'del(.mailNickname)')"
assert_graph_error 400 mailNickname "missing mailNickname"
graph_json POST /v1.0/users "$TOKEN" "$(user_body dave Dave '.passwordProfile.password = "abc"')"
assert_graph_error 400 "" "weak password"
graph_json POST /v1.0/users "$TOKEN" "$(user_body dave Dave ".userPrincipalName = \"dave@$DOMAIN_B\"")"
assert_graph_error 400 userPrincipalName "UPN at another tenant's domain"
graph GET "/v1.0/users/$CAROL" "$TOKEN"
assert_status 200 "GET /users/{id}"
graph GET "/v1.0/users/carol@$DOMAIN" "$TOKEN"
assert_status 200 "GET /users/{userPrincipalName}"
assert_json '.id == $c' "by UPN" --arg c "$CAROL"
graph GET "/v1.0/users/$CAROL?\$select=displayName,department" "$TOKEN"
assert_json '(."@odata.context" | endswith("#users(displayName,department)/$entity"))
    and .displayName == "Carol Jones" and .department == "R&D" and (has("id") | not)' "\$select"

# --- ~250 users through the API (a few in parallel) ---
statuses="$E2E_DIR/create.statuses"
: >"$statuses"
create_one() {
    local i=$1 body
    body=$(printf '{"accountEnabled":true,"displayName":"E2E User %03d","mailNickname":"bulk%03d","userPrincipalName":"bulk%03d@%s","passwordProfile":{"password":"%s"}}' \
        "$i" "$i" "$i" "$DOMAIN" "$GOOD_PASSWORD")
    curl -sS --max-time 120 --cacert "$CA" -o /dev/null -w '%{http_code}\n' -X POST \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        --data-binary "$body" "$BASE_URL/v1.0/users" >>"$statuses"
}
for ((i = 0; i < BULK; i += 5)); do
    pids=()
    for ((j = i; j < i + 5 && j < BULK; j++)); do
        create_one "$j" &
        pids+=($!)
    done
    wait "${pids[@]}" # not a bare wait: the server is a child too
done
[[ $(grep -c '^201$' "$statuses") == "$BULK" ]] ||
    fail "bulk create: $(sort "$statuses" | uniq -c | tr '\n' ' ')"
TOTAL=$((BULK + 2)) # the bulk users, the admin and carol

# --- paging with @odata.nextLink to the end ---
graph GET '/v1.0/users?$top=100' "$TOKEN"
assert_status 200 "page 1"
assert_json '(."@odata.context" | endswith("/v1.0/$metadata#users")) and (.value | length == 100)
    and (."@odata.nextLink" | test("^https://localhost:[0-9]+/v1\\.0/users\\?\\$top=100&\\$skiptoken=."))
    and (has("@odata.count") | not)' "page 1 shape"
ids=$(jq -r '.value[].id' <<<"$API_BODY")
pages=1
next=$(jq -r '."@odata.nextLink" // empty' <<<"$API_BODY")
while [[ -n "$next" ]]; do
    graph GET "$next" "$TOKEN" --resolve "localhost:$PORT:127.0.0.1"
    assert_status 200 "page $((pages + 1))"
    ids+=$'\n'$(jq -r '.value[].id' <<<"$API_BODY")
    pages=$((pages + 1))
    ((pages < 10)) || fail "too many pages"
    next=$(jq -r '."@odata.nextLink" // empty' <<<"$API_BODY")
done
assert_json 'has("@odata.nextLink") | not' "last page has no nextLink (absent, not null)"
assert_eq 3 "$pages" "pages of 100 for $TOTAL users"
assert_eq "$TOTAL" "$(sort -u <<<"$ids" | grep -c .)" "every user exactly once"

# Ordered paging keeps the order across pages.
names=""
next="/v1.0/users?\$top=60&\$orderby=displayName%20desc&\$select=displayName"
while [[ -n "$next" ]]; do
    graph GET "$next" "$TOKEN" --resolve "localhost:$PORT:127.0.0.1"
    assert_status 200 "ordered page"
    names+=$(jq -r '.value[].displayName' <<<"$API_BODY")$'\n'
    next=$(jq -r '."@odata.nextLink" // empty' <<<"$API_BODY")
done
assert_eq "$(grep . <<<"$names" | sort -f -r)" "$(grep . <<<"$names")" "\$orderby=displayName desc"

# --- filters and $count ---
graph GET "/v1.0/users?\$filter=startswith(displayName,'e2e%20user%201')&\$top=999" "$TOKEN"
assert_status 200 "startswith filter"
assert_json '(.value | length == 100) and (.value | all(.displayName | startswith("E2E User 1")))' \
    "startswith(displayName,'e2e user 1')"
graph GET "/v1.0/users?\$filter=userPrincipalName%20in%20('bulk001@$DOMAIN','carol@$DOMAIN')" \
    "$TOKEN"
assert_json '.value | length == 2' "in (...)"
graph GET "/v1.0/users?\$filter=startswith(displayName,'E2E')&\$count=true&\$top=5" "$TOKEN" \
    -H 'ConsistencyLevel: eventual'
assert_json '."@odata.count" == 250 and (.value | length == 5)
    and (."@odata.nextLink" | contains("$count=true"))' "\$count=true with ConsistencyLevel"
graph GET "/v1.0/users?\$filter=startswith(displayName,'E2E')&\$count=true&\$top=5" "$TOKEN"
assert_status 200 "\$count=true without ConsistencyLevel"
assert_json 'has("@odata.count") | not' "\$count ignored without ConsistencyLevel"
graph GET '/v1.0/users/$count' "$TOKEN" -H 'ConsistencyLevel: eventual'
assert_status 200 "/users/\$count"
assert_match '^text/plain' "$(header content-type)" "/users/\$count content type"
assert_eq "$TOTAL" "$API_BODY" "/users/\$count body"
graph GET "/v1.0/users/\$count?\$filter=startswith(displayName,'E2E%20User%2000')" "$TOKEN" \
    -H 'ConsistencyLevel: eventual'
assert_eq 10 "$API_BODY" "/users/\$count with a filter"
graph GET '/v1.0/users/$count' "$TOKEN"
assert_graph_error 400 "" "/users/\$count without ConsistencyLevel"
assert_json '.error.message == "$count is not currently supported."' "\$count message"

# Advanced queries: ne / endswith need $count=true and ConsistencyLevel.
graph GET "/v1.0/users?\$filter=displayName%20ne%20'Carol%20Jones'" "$TOKEN"
assert_graph_error 400 "" "ne without the advanced parameters"
assert_json '.error.code == "Request_UnsupportedQuery" and (.error.message | contains("Operator '"'"'ne'"'"'"))' \
    "ne refusal"
graph GET "/v1.0/users?\$filter=endswith(userPrincipalName,'7@$DOMAIN')&\$count=true" "$TOKEN" \
    -H 'ConsistencyLevel: eventual'
assert_status 200 "endswith as an advanced query"
assert_json '."@odata.count" == 25' "endswith(userPrincipalName) count"
graph GET "/v1.0/users?\$search=%22displayName:jones%22" "$TOKEN"
assert_graph_error 400 "" "\$search without ConsistencyLevel"
assert_json '.error.code == "Request_UnsupportedQuery"' "\$search refusal code"
graph GET "/v1.0/users?\$search=%22displayName:jones%22" "$TOKEN" -H 'ConsistencyLevel: eventual'
assert_status 200 "\$search"
assert_json '.value | length == 1 and .[0].id == $c' "\$search finds carol" --arg c "$CAROL"

# Bad queries: 400 with a message.
bad() { # bad QUERY WHAT [FIELD]
    graph GET "/v1.0/users?$1" "$TOKEN"
    assert_graph_error 400 "${3:-}" "$2"
}
bad '$top=0' "\$top=0"
bad '$top=abc' "\$top=abc"
bad '$top=1000' "\$top=1000"
bad "\$filter=shoeSize%20eq%20'44'" "unknown property" '$filter'
assert_json '.error.message | contains("shoeSize")' "the unknown property is named"
bad "\$filter=accountEnabled%20eq%20'yes'" "type mismatch"
bad "\$filter=displayName%20eq%20'unterminated" "unterminated literal"
bad '$select=displayName,shoeSize' "unknown \$select" '$select'
assert_json '.error.message | contains("shoeSize")' "the unknown \$select property is named"
bad '$skip=5' "\$skip"
bad '$expand=manager' "unsupported \$expand" '$expand'
assert_json '.error.message | contains("memberOf")' "the \$expand refusal names memberOf"
bad '$skiptoken=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' "forged \$skiptoken"
graph GET '/v1.0/users?$top=1' "$TOKEN"
token=$(jq -r '."@odata.nextLink"' <<<"$API_BODY" | sed -E 's/.*\$skiptoken=//')
graph GET "/v1.0/users?\$top=1&\$filter=accountEnabled%20eq%20true&\$skiptoken=$token" "$TOKEN"
assert_graph_error 400 "" "a \$skiptoken taken to another query"
graph GET "/v1.0/users?\$top=1&\$skiptoken=$token" "$TOKEN_B"
assert_graph_error 400 "" "a \$skiptoken taken to another tenant"

# --- isolation ---
graph GET "/v1.0/users/$ZED_B" "$TOKEN"
assert_graph_error 404 "" "tenant A reads tenant B's user"
cross=$(jq -c '.error | {code, message: (.message | sub("[0-9a-f-]{36}"; "ID"))}' <<<"$API_BODY")
graph GET "/v1.0/users/$(cat /proc/sys/kernel/random/uuid)" "$TOKEN"
random=$(jq -c '.error | {code, message: (.message | sub("[0-9a-f-]{36}"; "ID"))}' <<<"$API_BODY")
assert_eq "$random" "$cross" "cross-tenant 404 identical to a missing object"
graph GET "/v1.0/users/$ZED_B_UPN" "$TOKEN"
assert_graph_error 404 "" "tenant A reads tenant B's user by UPN"
graph GET "/v1.0/users?\$filter=id%20eq%20'$ZED_B'%20or%20userPrincipalName%20eq%20'$ZED_B_UPN'" \
    "$TOKEN"
assert_status 200 "filter on tenant B's user"
assert_json '.value == []' "tenant B's user is not in tenant A's results"
graph_json PATCH "/v1.0/users/$ZED_B" "$TOKEN" '{"displayName":"pwned"}'
assert_graph_error 404 "" "tenant A patches tenant B's user"
graph DELETE "/v1.0/users/$ZED_B" "$TOKEN"
assert_graph_error 404 "" "tenant A deletes tenant B's user"
graph POST "/v1.0/directory/deletedItems/$ZED_B/restore" "$TOKEN"
assert_graph_error 404 "" "tenant A restores tenant B's user"
graph GET "/v1.0/users/$ZED_B" "$TOKEN_B"
assert_json '.displayName == "Zed of B"' "tenant B's user is unchanged"

# --- a member (carol): reads, cannot write; /me ---
CAROL_TOKEN=$(ropc_token "carol@$DOMAIN")
graph GET '/v1.0/users?$top=2' "$CAROL_TOKEN"
assert_status 200 "a member lists users"
graph_json POST /v1.0/users "$CAROL_TOKEN" "$(user_body dave Dave)"
assert_graph_error 403 "" "a member creates a user"
graph GET /v1.0/me "$CAROL_TOKEN"
assert_status 200 "GET /me"
assert_json '.id == $c and .userPrincipalName == $u
    and (."@odata.context" | endswith("#users/$entity"))' "/me body" --arg c "$CAROL" \
    --arg u "carol@$DOMAIN"
graph_json PATCH /v1.0/me "$CAROL_TOKEN" '{"officeLocation":"B-12","businessPhones":["+1 555 0100"]}'
assert_status 204 "PATCH /me"
graph_json PATCH /v1.0/me "$CAROL_TOKEN" '{"jobTitle":"CEO"}'
assert_graph_error 403 "" "PATCH /me of a property users cannot change"
graph GET /v1.0/me "$CAROL_TOKEN"
assert_json '.officeLocation == "B-12" and .businessPhones == ["+1 555 0100"] and .jobTitle == "Engineer"' \
    "/me after PATCH"

graph GET /v1.0/me/memberOf "$CAROL_TOKEN"
assert_status 200 "GET /me/memberOf"
assert_json '(."@odata.context" | endswith("#directoryObjects")) and .value == []' "/me/memberOf"
graph GET "/v1.0/users/$CAROL?\$expand=memberOf&\$select=id,displayName" "$TOKEN"
assert_status 200 "GET /users/{id}?\$expand=memberOf&\$select"
assert_json '.id == $c and .memberOf == [] and (has("userPrincipalName") | not)' \
    "expanded memberOf inline with \$select" --arg c "$CAROL"
graph GET '/v1.0/users?$expand=memberOf' "$TOKEN"
assert_status 200 "GET /users?\$expand=memberOf"
assert_json 'all(.value[]; (.memberOf | type) == "array" and (.memberOf | length) <= 20)' \
    "every listed user carries memberOf"
graph GET '/v1.0/users?$expand=memberOf&$top=1' "$TOKEN"
assert_json '(.value[0].memberOf | type) == "array" and (."@odata.nextLink" | contains("$expand=memberOf"))' \
    "the next link keeps \$expand"
graph GET /v1.0/me/transitiveMemberOf "$TOKEN"
assert_status 200 "GET /me/transitiveMemberOf of the admin"

# --- changePassword, then ROPC with the new password ---
graph_json POST /v1.0/me/changePassword "$CAROL_TOKEN" \
    "{\"currentPassword\":\"wrong-$GOOD_PASSWORD\",\"newPassword\":\"$NEW_PASSWORD\"}"
assert_graph_error 400 currentPassword "changePassword with a wrong current password"
graph_json POST /v1.0/me/changePassword "$CAROL_TOKEN" \
    "{\"currentPassword\":\"$GOOD_PASSWORD\",\"newPassword\":\"short\"}"
assert_graph_error 400 newPassword "changePassword with a weak new password"
graph_json POST /v1.0/me/changePassword "$CAROL_TOKEN" \
    "{\"currentPassword\":\"$GOOD_PASSWORD\",\"newPassword\":\"$NEW_PASSWORD\"}"
assert_status 204 "changePassword"
ropc_raw "carol@$DOMAIN" "$GOOD_PASSWORD"
assert_entra_error 400 invalid_grant 50126 "ROPC with the old password"
ropc_raw "carol@$DOMAIN" "$NEW_PASSWORD"
assert_status 200 "ROPC with the new password"
CAROL_RT=$(jq -r .refresh_token <<<"$API_BODY")

# --- disabled users cannot sign in; their refresh tokens are revoked ---
graph_json PATCH "/v1.0/users/$CAROL" "$TOKEN" '{"accountEnabled":false,"jobTitle":"Former"}'
assert_status 204 "disable carol"
ropc_raw "carol@$DOMAIN" "$NEW_PASSWORD"
assert_entra_error 400 invalid_grant 50057 "ROPC of a disabled user"
api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=refresh_token \
    --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "refresh_token=$CAROL_RT"
assert_status 400 "refresh token of a disabled user"
assert_json '.error == "invalid_grant"' "refresh refused"
graph_json PATCH "/v1.0/users/$CAROL" "$TOKEN" '{"accountEnabled":true}'
assert_status 204 "enable carol"

# --- admin password reset ---
graph_json PATCH "/v1.0/users/$CAROL" "$TOKEN" \
    "{\"passwordProfile\":{\"password\":\"$GOOD_PASSWORD\",\"forceChangePasswordNextSignIn\":false}}"
assert_status 204 "admin password reset"
ropc_raw "carol@$DOMAIN" "$GOOD_PASSWORD"
assert_status 200 "ROPC after the reset"

# --- soft delete, deleted items, restore, permanent delete ---
graph DELETE "/v1.0/users/$CAROL" "$TOKEN"
assert_status 204 "DELETE /users/{id}"
graph GET "/v1.0/users/$CAROL" "$TOKEN"
assert_graph_error 404 "" "deleted user"
ropc_raw "carol@$DOMAIN" "$GOOD_PASSWORD"
assert_status 400 "ROPC of a deleted user"
assert_json '.error == "invalid_grant"' "deleted user cannot sign in"
graph_json POST /v1.0/users "$TOKEN" "$(user_body carol "Carol Twin")"
assert_graph_error 400 userPrincipalName "the UPN of a deleted user stays reserved"
graph GET /v1.0/directory/deletedItems/microsoft.graph.user "$TOKEN"
assert_status 200 "deleted items"
assert_json '(."@odata.context" | endswith("#directory/deletedItems/microsoft.graph.user"))
    and (.value | map(select(.id == $c and (.deletedDateTime | test("Z$")))) | length == 1)' \
    "carol among the deleted items" --arg c "$CAROL"
graph GET "/v1.0/directory/deletedItems/$CAROL" "$TOKEN"
assert_json '."@odata.type" == "#microsoft.graph.user" and .id == $c' "GET deleted item" \
    --arg c "$CAROL"
graph POST "/v1.0/directory/deletedItems/$CAROL/restore" "$TOKEN"
assert_status 200 "restore"
assert_json '.id == $c and ."@odata.type" == "#microsoft.graph.user"' "restored user" \
    --arg c "$CAROL"
graph GET "/v1.0/users/$CAROL" "$TOKEN"
assert_status 200 "restored user is back"
ropc_raw "carol@$DOMAIN" "$GOOD_PASSWORD"
assert_status 200 "restored user signs in"
graph DELETE "/v1.0/users/$CAROL" "$TOKEN"
assert_status 204 "delete again"
graph DELETE "/v1.0/directory/deletedItems/$CAROL" "$TOKEN"
assert_status 204 "permanent delete"
graph GET "/v1.0/directory/deletedItems/$CAROL" "$TOKEN"
assert_graph_error 404 "" "purged user"
graph_json POST /v1.0/users "$TOKEN" "$(user_body carol "Carol Reborn")"
assert_status 201 "the UPN is free after the purge"

# --- an app-only token with User.Read.All ---
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"Directory reader"}'
assert_status 201 "create an application"
APP=$(jq -r .id <<<"$API_BODY")
APP_ID=$(jq -r .appId <<<"$API_BODY")
graph_json POST "/v1.0/applications/$APP/addPassword" "$TOKEN" '{"passwordCredential":{}}'
SECRET=$(jq -r .secretText <<<"$API_BODY")
graph GET "/v1.0/servicePrincipals?\$filter=appId%20eq%20'$APP_ID'" "$TOKEN"
SP=$(jq -r '.value[0].id' <<<"$API_BODY")
graph GET "/v1.0/servicePrincipals?\$filter=appId%20eq%20'$GRAPH_APP_ID'" "$TOKEN"
GRAPH_SP=$(jq -r '.value[0].id' <<<"$API_BODY")
graph_json POST "/v1.0/servicePrincipals/$GRAPH_SP/appRoleAssignedTo" "$TOKEN" \
    "{\"principalId\":\"$SP\",\"resourceId\":\"$GRAPH_SP\",\"appRoleId\":\"$USER_READ_ALL\"}"
assert_status 201 "grant User.Read.All"
api POST "/$TID_A/oauth2/v2.0/token" --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$APP_ID" --data-urlencode "client_secret=$SECRET" \
    --data-urlencode "scope=https://graph.microsoft.com/.default"
assert_status 200 "client credentials"
APP_TOKEN=$(jq -r .access_token <<<"$API_BODY")
graph GET "/v1.0/users?\$filter=userPrincipalName%20eq%20'bulk007@$DOMAIN'" "$APP_TOKEN"
assert_status 200 "app-only GET /users"
assert_json '.value | length == 1' "app-only filter"
graph_json POST /v1.0/users "$APP_TOKEN" "$(user_body dave Dave)"
assert_graph_error 403 "" "User.Read.All cannot create users"
graph GET /v1.0/me "$APP_TOKEN"
assert_graph_error 400 "" "/me with an app-only token"
assert_json '.error.code == "BadRequest" and .error.message == "/me request is only valid with delegated authentication flow."' \
    "/me app-only message"

server_log_settled
grep -qF "$NEW_PASSWORD" "$SERVER_LOG" && fail "a password appears in the server log"
stop_server
echo "PASS [$E2E_NAME]"
