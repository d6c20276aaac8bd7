#!/usr/bin/env bash
# e2e: groups, membership and directory roles of the directory API, and
# their presence in tokens. An admin creates security groups with
# members@odata.bind / owners@odata.bind, nests one in the other through
# members/$ref, lists members, transitiveMembers, memberOf and
# transitiveMemberOf, checks checkMemberGroups / getMemberGroups, and is
# refused a duplicate link (400), a cycle (400) and another tenant's user
# in a $ref body (404, exactly like a random id); every change is in the
# directory audit log. User Administrator is assigned through
# directoryRoles (also addressed as directoryRoles(roleTemplateId='...'))
# and through roleManagement, and the
# users' next ROPC tokens carry it in "wids"; the last Global
# Administrator cannot be removed. An application with
# groupMembershipClaims gets the user's transitive groups in its access
# and ID tokens.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

GA=62e90394-69f5-4237-9190-012177145e10
UA=fe930be7-5e62-47db-91af-98c3a49a38b1
GRAPH=https://graph.microsoft.com/v1.0

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

# new_user TENANT UPN NAME: create a user with GOOD_PASSWORD (CLI); prints its id.
new_user() {
    run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$1" --upn "$2" \
        --display-name "$3" --password-stdin --json
    assert_cli_rc 0 "create user $2"
    jq -r .id <<<"$CLI_OUT"
}

# ids: the sorted ids of the last collection, space-separated.
ids() { jq -r '[.value[].id] | sort | join(" ")' <<<"$API_BODY"; }
sorted() { tr ' ' '\n' <<<"$*" | sort | tr '\n' ' ' | sed 's/ $//'; }

# --- tenant B: its user is the cross-tenant target ---
signup_tenant "grpb$RANDOM"
TID_B=$TID
BOB_B=$(new_user "$TID_B" "bob@$DOMAIN" "Bob of B")
TOKEN_B=$(ropc_token "$ADMIN_UPN")

# --- tenant A ---
signup_tenant "grpa$RANDOM"
TOKEN=$(ropc_token "$ADMIN_UPN")
ALICE=$(new_user "$TID" "alice@$DOMAIN" "Alice")
CAROL=$(new_user "$TID" "carol@$DOMAIN" "Carol")
graph GET "/v1.0/users/$ADMIN_UPN/memberOf" "$TOKEN"
assert_status 200 "admin memberOf by UPN"
assert_json '.value | map(select(."@odata.type" == "#microsoft.graph.directoryRole"
    and .roleTemplateId == $ga)) | length == 1' "admin memberOf shows Global Administrator" \
    --arg ga "$GA"

# --- create groups with binds ---
graph_json POST /v1.0/groups "$TOKEN" "{\"displayName\":\"Engineering\",\"mailNickname\":\"eng\",
    \"mailEnabled\":false,\"securityEnabled\":true,\"description\":\"All engineers\",
    \"members@odata.bind\":[\"$GRAPH/users/$ALICE\"]}"
assert_status 201 "create group Engineering"
assert_json '(.id | test("^[0-9a-f-]{36}$")) and .displayName == "Engineering"
    and .mailNickname == "eng" and .mailEnabled == false and .securityEnabled == true
    and .groupTypes == [] and .description == "All engineers"
    and (."@odata.context" | endswith("/v1.0/$metadata#groups/$entity"))' "group body"
ENG=$(jq -r .id <<<"$API_BODY")
assert_match "/v1.0/groups/$ENG\$" "$(header location)" "Location of the new group"

graph_json POST /v1.0/groups "$TOKEN" "{\"displayName\":\"Platform\",\"mailNickname\":\"plat\",
    \"mailEnabled\":false,\"securityEnabled\":true,
    \"members@odata.bind\":[\"$GRAPH/directoryObjects/$CAROL\"],
    \"owners@odata.bind\":[\"$GRAPH/users/$ALICE\"]}"
assert_status 201 "create group Platform"
PLAT=$(jq -r .id <<<"$API_BODY")

graph_json POST /v1.0/groups "$TOKEN" '{"displayName":"M365","mailNickname":"m365",
    "mailEnabled":true,"securityEnabled":false,"groupTypes":["Unified"]}'
assert_graph_error 400 mailEnabled "Microsoft 365 group"
graph_json POST /v1.0/groups "$TOKEN" '{"displayName":"x","mailNickname":"x","mailEnabled":false}'
assert_graph_error 400 securityEnabled "securityEnabled missing"
graph_json POST /v1.0/groups "$TOKEN" "{\"displayName\":\"x\",\"mailNickname\":\"x\",
    \"mailEnabled\":false,\"securityEnabled\":true,
    \"members@odata.bind\":[\"$GRAPH/users/$BOB_B\"]}"
assert_graph_error 404 "" "create with another tenant's user bound"
graph GET "/v1.0/groups?\$filter=displayName%20eq%20'x'" "$TOKEN"
assert_json '.value == []' "the refused group was not created"

# --- nesting through $ref ---
graph_json POST "/v1.0/groups/$ENG/members/\$ref" "$TOKEN" "{\"@odata.id\":\"$GRAPH/groups/$PLAT\"}"
assert_status 204 "nest Platform in Engineering"
graph_json POST "/v1.0/groups/$ENG/members/\$ref" "$TOKEN" \
    "{\"@odata.id\":\"$GRAPH/directoryObjects/$PLAT\"}"
assert_graph_error 400 "" "already a member"
assert_json '.error.message == "One or more added object references already exist for the following modified properties: '"'"'members'"'"'."' \
    "Graph's already-a-member message"
graph_json POST "/v1.0/groups/$PLAT/members/\$ref" "$TOKEN" "{\"@odata.id\":\"$GRAPH/groups/$ENG\"}"
assert_graph_error 400 "" "a cycle"
assert_json '.error.message | test("cycle")' "cycle message"
graph_json POST "/v1.0/groups/$ENG/members/\$ref" "$TOKEN" "{\"@odata.id\":\"$GRAPH/groups/$ENG\"}"
assert_graph_error 400 "" "a group in itself"

# Another tenant's user in a $ref body: the same 404 as a random id.
graph_json POST "/v1.0/groups/$ENG/members/\$ref" "$TOKEN" \
    "{\"@odata.id\":\"$GRAPH/directoryObjects/$BOB_B\"}"
assert_graph_error 404 "" "another tenant's user as a member"
assert_json '.error.code == "Request_ResourceNotFound"' "404 code"
cross=$(jq -c '.error | {code, message: (.message | sub("[0-9a-f-]{36}"; "ID"))}' <<<"$API_BODY")
graph_json POST "/v1.0/groups/$ENG/members/\$ref" "$TOKEN" \
    "{\"@odata.id\":\"$GRAPH/directoryObjects/$(cat /proc/sys/kernel/random/uuid)\"}"
assert_graph_error 404 "" "a random id as a member"
random=$(jq -c '.error | {code, message: (.message | sub("[0-9a-f-]{36}"; "ID"))}' <<<"$API_BODY")
assert_eq "$random" "$cross" "cross-tenant 404 identical to a missing object"
graph_json POST "/v1.0/groups/$ENG/members/\$ref" "$TOKEN" '{"@odata.id":"not a url"}'
assert_graph_error 400 "@odata.id" "malformed reference"

# Every change is in the directory audit log.
graph GET "/v1.0/auditLogs/directoryAudits?\$filter=activityDisplayName%20eq%20'Add%20member%20to%20group'" "$TOKEN"
assert_status 200 "audit log of member additions"
assert_json '[.value[] | select(.category == "GroupManagement" and .operationType == "Assign"
    and .targetResources[0].id == $p and .targetResources[1].id == $e)] | length == 1' \
    "audit entry of the nesting (member first, then the group)" --arg p "$PLAT" --arg e "$ENG"

# --- listings ---
graph GET "/v1.0/groups/$ENG/members" "$TOKEN"
assert_status 200 "members"
assert_eq "$(sorted "$ALICE" "$PLAT")" "$(ids)" "direct members of Engineering"
assert_json '(."@odata.context" | endswith("$metadata#directoryObjects"))
    and (.value | map(."@odata.type") | sort == ["#microsoft.graph.group", "#microsoft.graph.user"])' \
    "members are typed directoryObjects"
graph GET "/v1.0/groups/$ENG/transitiveMembers" "$TOKEN"
assert_status 200 "transitiveMembers"
assert_eq "$(sorted "$ALICE" "$PLAT" "$CAROL")" "$(ids)" "transitive members of Engineering"
graph GET "/v1.0/groups/$ENG/members?\$top=1" "$TOKEN"
assert_json '(.value | length == 1) and (."@odata.nextLink" | test("\\$skiptoken="))' "members page 1"
graph GET "/v1.0/groups/$PLAT/owners" "$TOKEN"
assert_eq "$ALICE" "$(ids)" "owners of Platform"
graph GET "/v1.0/users/$CAROL/memberOf" "$TOKEN"
assert_eq "$PLAT" "$(ids)" "carol memberOf"
graph GET "/v1.0/users/carol@$DOMAIN/transitiveMemberOf" "$TOKEN"
assert_eq "$(sorted "$ENG" "$PLAT")" "$(ids)" "carol transitiveMemberOf (by UPN)"
graph GET "/v1.0/groups/$PLAT/memberOf" "$TOKEN"
assert_eq "$ENG" "$(ids)" "Platform memberOf"
stranger=$(cat /proc/sys/kernel/random/uuid)
graph_json POST "/v1.0/users/$CAROL/checkMemberGroups" "$TOKEN" \
    "{\"groupIds\":[\"$ENG\",\"$stranger\",\"$PLAT\"]}"
assert_status 200 "checkMemberGroups"
assert_json '.value == [$e, $p] and (."@odata.context" | endswith("#Collection(Edm.String)"))' \
    "checkMemberGroups answer" --arg e "$ENG" --arg p "$PLAT"
graph_json POST "/v1.0/users/$ALICE/checkMemberGroups" "$TOKEN" "{\"groupIds\":[\"$PLAT\"]}"
assert_json '.value == []' "alice is not in Platform (only its owner)"
graph_json POST "/v1.0/users/$CAROL/getMemberGroups" "$TOKEN" '{"securityEnabledOnly":true}'
assert_status 200 "getMemberGroups"
assert_json '.value | sort == ([$e, $p] | sort)' "getMemberGroups answer" --arg e "$ENG" --arg p "$PLAT"
too_many=$(jq -nc '{groupIds: [range(21) | "00000000-0000-0000-0000-000000000000"]}')
graph_json POST "/v1.0/groups/$PLAT/checkMemberGroups" "$TOKEN" "$too_many"
assert_graph_error 400 groupIds "21 groupIds"

graph GET "/v1.0/groups?\$filter=startswith(displayName,'eng')" "$TOKEN"
assert_eq "$ENG" "$(ids)" "startswith filter (case-insensitive)"
graph GET "/v1.0/groups?\$filter=displayName%20eq%20'PLATFORM'&\$select=id,displayName" "$TOKEN"
assert_json '(.value | length == 1) and (.value[0] | keys == ["displayName", "id"])' \
    "eq filter with \$select"
graph GET '/v1.0/groups?$top=1' "$TOKEN"
assert_json '(.value | length == 1) and (."@odata.nextLink" | test("^https://"))' "groups page 1"
graph GET "/v1.0/groups/$ENG?\$expand=members&\$select=id" "$TOKEN"
assert_status 200 "GET /groups/{id}?\$expand=members&\$select"
assert_json '((keys - ["@odata.context"]) == ["id", "members"]) and ([.members[].id] | sort) == ([$a, $p] | sort)
    and all(.members[]; ."@odata.type" != null and .displayName != null)' \
    "members expanded inline" --arg a "$ALICE" --arg p "$PLAT"
graph GET '/v1.0/groups?$expand=owners' "$TOKEN"
assert_graph_error 400 '$expand' "unsupported \$expand on groups"

# --- isolation of group paths ---
graph GET "/v1.0/groups/$ENG" "$TOKEN_B"
assert_graph_error 404 "" "tenant B reads tenant A's group"
graph GET "/v1.0/groups/$ENG/members" "$TOKEN_B"
assert_graph_error 404 "" "tenant B lists tenant A's members"
graph DELETE "/v1.0/groups/$ENG/members/$ALICE/\$ref" "$TOKEN_B"
assert_graph_error 404 "" "tenant B removes a member of tenant A's group"
graph_json POST "/v1.0/users/$CAROL/checkMemberGroups" "$TOKEN_B" "{\"groupIds\":[\"$ENG\"]}"
assert_graph_error 404 "" "tenant B checks tenant A's user"

# --- remove, patch ---
graph DELETE "/v1.0/groups/$ENG/members/$PLAT/\$ref" "$TOKEN"
assert_status 204 "remove the nested group"
graph DELETE "/v1.0/groups/$ENG/members/$PLAT/\$ref" "$TOKEN"
assert_graph_error 404 "" "remove it again"
graph GET "/v1.0/groups/$ENG/transitiveMembers" "$TOKEN"
assert_eq "$ALICE" "$(ids)" "transitive members after the removal"
graph_json PATCH "/v1.0/groups/$ENG" "$TOKEN" "{\"description\":null,\"displayName\":\"Eng\",
    \"members@odata.bind\":[\"$GRAPH/groups/$PLAT\"]}"
assert_status 204 "PATCH group with members@odata.bind"
graph GET "/v1.0/groups/$ENG" "$TOKEN"
assert_json '.displayName == "Eng" and .description == null' "patched group"
graph_json PATCH "/v1.0/groups/$ENG" "$TOKEN" '{"id":"x"}'
assert_graph_error 400 id "read-only id"

# --- directory roles ---
graph GET /v1.0/directoryRoleTemplates "$TOKEN"
assert_json '.value | map(select(.id == $ua and .displayName == "User Administrator")) | length == 1' \
    "templates list User Administrator" --arg ua "$UA"
graph GET /v1.0/directoryRoles "$TOKEN"
assert_status 200 "directoryRoles"
assert_json '(.value | map(.roleTemplateId) | index($ga)) and (.value | map(.roleTemplateId) | index($ua) | not)' \
    "Global Administrator active, User Administrator not yet" --arg ga "$GA" --arg ua "$UA"
graph GET "/v1.0/directoryRoles/$GA/members" "$TOKEN"
assert_json '.value | map(.userPrincipalName) == [$u]' "GA members" --arg u "$ADMIN_UPN"
graph GET "/v1.0/directoryRoles(roleTemplateId='$GA')" "$TOKEN"
assert_json '.id == $ga and .displayName == "Global Administrator"' \
    "directoryRoles(roleTemplateId=...) addressing" --arg ga "$GA"
graph GET "/v1.0/directoryRoles(roleTemplateId=%27$GA%27)/members" "$TOKEN"
assert_json '.value | length == 1' "GA members by template id (encoded quotes)"
graph_json POST "/v1.0/directoryRoles/$UA/members/\$ref" "$TOKEN" \
    "{\"@odata.id\":\"$GRAPH/directoryObjects/$ALICE\"}"
assert_graph_error 404 "" "members of a role not activated"
graph_json POST /v1.0/directoryRoles "$TOKEN" "{\"roleTemplateId\":\"$UA\"}"
assert_status 201 "activate User Administrator"
assert_json '.id == $ua and .roleTemplateId == $ua and .displayName == "User Administrator"' \
    "activated role" --arg ua "$UA"
graph_json POST /v1.0/directoryRoles "$TOKEN" "{\"roleTemplateId\":\"$UA\"}"
assert_graph_error 400 "" "activate it again"
graph_json POST "/v1.0/directoryRoles/$UA/members/\$ref" "$TOKEN" \
    "{\"@odata.id\":\"$GRAPH/directoryObjects/$ALICE\"}"
assert_status 204 "User Administrator for alice (directoryRoles)"
graph_json POST "/v1.0/directoryRoles/$UA/members/\$ref" "$TOKEN" \
    "{\"@odata.id\":\"$GRAPH/directoryObjects/$BOB_B\"}"
assert_graph_error 404 "" "another tenant's user as a role member"
ALICE_TOKEN=$(ropc_token "alice@$DOMAIN")
jwt_claims "$ALICE_TOKEN" | jq -e --arg ua "$UA" '.wids | index($ua)' >/dev/null ||
    fail "alice's token lacks User Administrator in wids: $(jwt_claims "$ALICE_TOKEN")"
# User Administrator may manage groups, not roles.
graph_json POST /v1.0/groups "$ALICE_TOKEN" '{"displayName":"By Alice","mailNickname":"alice",
    "mailEnabled":false,"securityEnabled":true}'
assert_status 201 "a User Administrator creates a group"
graph_json POST /v1.0/roleManagement/directory/roleAssignments "$ALICE_TOKEN" \
    "{\"principalId\":\"$CAROL\",\"roleDefinitionId\":\"$UA\",\"directoryScopeId\":\"/\"}"
assert_graph_error 403 "" "a User Administrator assigns roles"

graph_json POST /v1.0/roleManagement/directory/roleAssignments "$TOKEN" \
    "{\"principalId\":\"$CAROL\",\"roleDefinitionId\":\"$UA\",\"directoryScopeId\":\"/\"}"
assert_status 201 "User Administrator for carol (roleManagement)"
assert_json '.principalId == $c and .roleDefinitionId == $ua and .directoryScopeId == "/"' \
    "roleAssignment body" --arg c "$CAROL" --arg ua "$UA"
RA=$(jq -r .id <<<"$API_BODY")
CAROL_TOKEN=$(ropc_token "carol@$DOMAIN")
jwt_claims "$CAROL_TOKEN" | jq -e --arg ua "$UA" '.wids | index($ua)' >/dev/null ||
    fail "carol's token lacks User Administrator in wids: $(jwt_claims "$CAROL_TOKEN")"
graph GET "/v1.0/roleManagement/directory/roleAssignments?\$filter=principalId%20eq%20'$CAROL'" "$TOKEN"
assert_json '.value | map(.id) == [$ra]' "roleAssignments filtered by principalId" --arg ra "$RA"
graph GET "/v1.0/directoryRoles/$UA/members" "$TOKEN"
assert_eq "$(sorted "$ALICE" "$CAROL")" "$(ids)" "User Administrator members, both APIs"
graph GET "/v1.0/roleManagement/directory/roleDefinitions/$UA" "$TOKEN"
assert_json '.id == $ua and .templateId == $ua and .isBuiltIn == true' "roleDefinition" --arg ua "$UA"
graph_json POST /v1.0/roleManagement/directory/roleAssignments "$TOKEN" \
    "{\"principalId\":\"$BOB_B\",\"roleDefinitionId\":\"$UA\",\"directoryScopeId\":\"/\"}"
assert_graph_error 404 "" "another tenant's user as principalId"
graph GET "/v1.0/roleManagement/directory/roleAssignments/$RA" "$TOKEN_B"
assert_graph_error 404 "" "tenant B reads tenant A's role assignment"
graph DELETE "/v1.0/roleManagement/directory/roleAssignments/$RA" "$TOKEN"
assert_status 204 "remove carol's role"
CAROL_TOKEN=$(ropc_token "carol@$DOMAIN")
jwt_claims "$CAROL_TOKEN" | jq -e 'has("wids") | not' >/dev/null ||
    fail "carol's token still has wids: $(jwt_claims "$CAROL_TOKEN")"

graph GET "/v1.0/auditLogs/directoryAudits?\$filter=category%20eq%20'RoleManagement'" "$TOKEN"
assert_json '[.value[].activityDisplayName] | (index("Add role from template") and
    index("Add member to role") and index("Remove member from role"))' "role changes audited"

# The last Global Administrator stays, through both APIs.
ADMIN_ID=$(jwt_claims "$TOKEN" | jq -r .oid)
graph DELETE "/v1.0/directoryRoles/$GA/members/$ADMIN_ID/\$ref" "$TOKEN"
assert_graph_error 400 "" "remove the last Global Administrator (directoryRoles)"
assert_json '.error.message | test("last Global Administrator")' "last GA message"
graph GET "/v1.0/roleManagement/directory/roleAssignments?\$filter=roleDefinitionId%20eq%20'$GA'" "$TOKEN"
GA_RA=$(jq -r '.value[0].id' <<<"$API_BODY")
graph DELETE "/v1.0/roleManagement/directory/roleAssignments/$GA_RA" "$TOKEN"
assert_graph_error 400 "" "remove the last Global Administrator (roleManagement)"

# --- the groups claim ---
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"Claims","groupMembershipClaims":"SecurityGroup"}'
assert_status 201 "application with groupMembershipClaims"
assert_json '.groupMembershipClaims == "SecurityGroup"' "groupMembershipClaims stored"
APP=$(jq -r .id <<<"$API_BODY")
APP_ID=$(jq -r .appId <<<"$API_BODY")
graph_json POST "/v1.0/applications/$APP/addPassword" "$TOKEN" '{"passwordCredential":{}}'
SECRET=$(jq -r .secretText <<<"$API_BODY")
graph_json POST /v1.0/applications "$TOKEN" '{"displayName":"x","groupMembershipClaims":"Everything"}'
assert_graph_error 400 groupMembershipClaims "bad groupMembershipClaims"

app_tokens() { # app_tokens USERNAME: ROPC for the app's own API with an ID token
    api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=password \
        --data-urlencode "client_id=$APP_ID" --data-urlencode "client_secret=$SECRET" \
        --data-urlencode "username=$1" --data-urlencode "password=$GOOD_PASSWORD" \
        --data-urlencode "scope=openid profile $APP_ID/.default"
    assert_status 200 "ROPC with the claims app for $1"
}
app_tokens "carol@$DOMAIN"
access=$(jwt_claims "$(jq -r .access_token <<<"$API_BODY")")
idt=$(jwt_claims "$(jq -r .id_token <<<"$API_BODY")")
jq -e --arg a "$APP_ID" --arg e "$ENG" --arg p "$PLAT" \
    '.aud == $a and (.groups | sort) == ([$e, $p] | sort)' <<<"$access" >/dev/null ||
    fail "access token lacks carol's transitive groups: $access"
jq -e --arg e "$ENG" --arg p "$PLAT" '(.groups | sort) == ([$e, $p] | sort)' <<<"$idt" >/dev/null ||
    fail "ID token lacks carol's transitive groups: $idt"
# Directory API tokens never carry groups; nor does an app without the setting.
jwt_claims "$TOKEN" | jq -e 'has("groups") | not' >/dev/null || fail "Graph token with groups"
graph_json PATCH "/v1.0/applications/$APP" "$TOKEN" '{"groupMembershipClaims":null}'
assert_status 204 "clear groupMembershipClaims"
app_tokens "carol@$DOMAIN"
jwt_claims "$(jq -r .access_token <<<"$API_BODY")" | jq -e 'has("groups") | not' >/dev/null ||
    fail "access token has groups without groupMembershipClaims"

# --- delete ---
graph DELETE "/v1.0/groups/$PLAT" "$TOKEN"
assert_status 204 "delete Platform"
graph GET "/v1.0/groups/$PLAT" "$TOKEN"
assert_graph_error 404 "" "deleted group"
graph GET "/v1.0/groups/$ENG/members" "$TOKEN"
assert_eq "$ALICE" "$(ids)" "the deleted group left Engineering"
graph GET "/v1.0/users/$CAROL/memberOf" "$TOKEN"
assert_json '.value == []' "carol is in no group any more"

stop_server
echo "PASS [$E2E_NAME]"
