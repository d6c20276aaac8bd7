#!/usr/bin/env bash
# e2e: the audit and sign-in logs, and the bulk user import/export.
# - Sign-up (HTTP), a Graph write (POST /applications) and `atrium user
#   create` show up in /v1.0/auditLogs/directoryAudits with their initiator
#   (self-service sign-up, the admin user, the CLI), filters, get by id and
#   paging with an absolute @odata.nextLink; a non-admin gets 403.
# - A failed (50126) and a successful ROPC sign-in show up in
#   /v1.0/auditLogs/signIns with their AADSTS code and correlation id.
# - `atrium user import`: 200 generated rows, some invalid (reported with
#   their line numbers, exit 1), temporary passwords only in the 0600
#   --passwords-out file (and they work: 50055 change required); a re-run
#   creates nothing; `atrium user export` round-trips (re-import: all
#   unchanged, exit 0). No password ever reaches a log, stdout or the audit log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

CORRELATION=3f2b8c1e-5d4a-4c7b-9e21-7a6b5c4d3e2f
ARGON=(--argon2-memory 8192 --argon2-iterations 1)

start_server
signup_tenant "audit$RANDOM"

# ropc USER PASSWORD: the password grant of the first-party client for the directory API.
ropc() {
    api POST "/$TID/oauth2/v2.0/token" -H "client-request-id: $CORRELATION" \
        --data-urlencode grant_type=password --data-urlencode "client_id=$FIRST_PARTY" \
        --data-urlencode "username=$1" --data-urlencode "password=$2" \
        --data-urlencode "scope=https://graph.microsoft.com/.default"
}

# graph PATH TOKEN [curl args...]: a GET (or other) on the directory API.
graph() {
    local path=$1 token=$2
    shift 2
    api GET "$path" -H "Authorization: Bearer $token" "$@"
}

# --- sign-ins: a failure, then the admin's token ---
ropc "$ADMIN_UPN" "wrong-$GOOD_PASSWORD"
assert_entra_error 400 invalid_grant 50126 "ROPC with a wrong password"
ropc "$ADMIN_UPN" "$GOOD_PASSWORD"
assert_status 200 "ROPC for the admin"
TOKEN=$(jq -r .access_token <<<"$API_BODY")

# --- the sign-up's entries ---
graph /v1.0/auditLogs/directoryAudits "$TOKEN"
assert_status 200 "list directory audits"
assert_json '."@odata.context" | endswith("/v1.0/$metadata#auditLogs/directoryAudits")' "context"
assert_json '[.value[].activityDisplayName] | sort == ["Add member to role", "Add user", "Create company"]' \
    "the sign-up's three entries"
assert_json 'all(.value[]; .loggedByService == "Core Directory" and .result == "success"
    and .initiatedBy.app.displayName == "Self-service sign-up" and .initiatedBy.user == null
    and (.activityDateTime | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")))' "sign-up entries"
assert_json '[.value[].correlationId] | unique | length == 1' "one correlation id per sign-up"
assert_json 'all(.value[]; any(.additionalDetails[]; .key == "ipAddress" and .value == "127.0.0.1"))' \
    "the sign-up's address"
assert_json '(.value[] | select(.activityDisplayName == "Add user") | .targetResources[0])
    | .userPrincipalName == $u and .type == "User"' "Add user target" --arg u "$ADMIN_UPN"
[[ "$API_BODY" != *"$GOOD_PASSWORD"* ]] || fail "a password is in the audit log"

# --- a Graph write, by the admin ---
api POST /v1.0/applications -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H 'client-request-id: 0e4b3c2a-1f6d-4e8b-a7c9-5d2e1f0a9b8c' --data-binary '{"displayName":"Audited"}'
assert_status 201 "create an application"
APP=$(jq -r .id <<<"$API_BODY")
graph "/v1.0/auditLogs/directoryAudits" "$TOKEN" -G \
    --data-urlencode "\$filter=activityDisplayName eq 'Add application'"
assert_status 200 "filter on activityDisplayName"
assert_json '(.value | length == 1) and (.value[0] | .initiatedBy.user.userPrincipalName == $u
    and .targetResources[0].id == $app and .category == "ApplicationManagement"
    and .correlationId == "0e4b3c2a-1f6d-4e8b-a7c9-5d2e1f0a9b8c")' "Add application entry" \
    --arg u "$ADMIN_UPN" --arg app "$APP"
ENTRY=$(jq -r '.value[0].id' <<<"$API_BODY")
graph "/v1.0/auditLogs/directoryAudits/$ENTRY" "$TOKEN"
assert_status 200 "get one entry"
assert_json '.id == $id and (."@odata.context" | endswith("directoryAudits/$entity"))' "entry" \
    --arg id "$ENTRY"
graph "/v1.0/auditLogs/directoryAudits/00000000-0000-4000-8000-000000000000" "$TOKEN"
assert_graph_error 404 "" "an unknown entry"
graph "/v1.0/auditLogs/directoryAudits" "$TOKEN" -G --data-urlencode "\$filter=nope eq 'x'"
assert_graph_error 400 "" "an unsupported filter"

# --- paging ---
graph "/v1.0/auditLogs/directoryAudits?\$top=2" "$TOKEN"
assert_status 200 "page 1"
assert_json '(.value | length == 2) and (."@odata.nextLink" | type == "string")' "page 1 of 2"
next=$(jq -r '."@odata.nextLink"' <<<"$API_BODY")
assert_match '^https://[^/]+/v1\.0/auditLogs/directoryAudits\?\$top=2&\$skiptoken=' \
    "$next" "absolute nextLink"
first=$(jq -c '[.value[].id]' <<<"$API_BODY")
api GET "$next" -H "Authorization: Bearer $TOKEN"
assert_status 200 "page 2"
assert_json '(.value | length >= 1) and ((([.value[].id] - $first) | length) == (.value | length))' \
    "page 2 repeats nothing" --argjson first "$first"

# --- sign-ins ---
graph "/v1.0/auditLogs/signIns" "$TOKEN"
assert_status 200 "list sign-ins"
assert_json '[.value[] | select(.userPrincipalName == $u) | .status.errorCode] | sort == [0, 50126]' \
    "the failed and the successful sign-in" --arg u "$ADMIN_UPN"
assert_json 'all(.value[]; .correlationId == $c and .appId == $app and (.createdDateTime | type == "string"))' \
    "sign-in correlation and app" --arg c "$CORRELATION" --arg app "$FIRST_PARTY"
graph "/v1.0/auditLogs/signIns" "$TOKEN" -G --data-urlencode "\$filter=status/errorCode eq 50126"
assert_json '(.value | length == 1) and .value[0].status.failureReason != ""' "filter on errorCode"

# --- the CLI's own entry, and a non-admin's 403 ---
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$TID" \
    --upn "bob@$DOMAIN" --display-name Bob --password-stdin
assert_cli_rc 0 "create a user with the CLI"
graph "/v1.0/auditLogs/directoryAudits" "$TOKEN" -G \
    --data-urlencode "\$filter=activityDisplayName eq 'Add user'"
assert_json 'any(.value[]; .initiatedBy.app.displayName == "Atrium CLI"
    and .targetResources[0].userPrincipalName == $b)' "the CLI's entry" --arg b "bob@$DOMAIN"
ropc "bob@$DOMAIN" "$GOOD_PASSWORD"
assert_status 200 "ROPC for bob"
BOB=$(jq -r .access_token <<<"$API_BODY")
graph /v1.0/auditLogs/directoryAudits "$BOB"
assert_graph_error 403 "" "a non-admin reads the audit log"
graph /v1.0/auditLogs/signIns "$BOB"
assert_graph_error 403 "" "a non-admin reads the sign-in log"

# --- the bulk import: 200 rows, 6 invalid ---
CSV="$E2E_DIR/users.csv"
PW="$E2E_DIR/passwords.csv"
{
    printf 'userPrincipalName,displayName,givenName,surname,mail,jobTitle,accountEnabled,password,forceChangePasswordNextSignIn\r\n'
    for i in $(seq 1 200); do
        upn="user$i@$DOMAIN" name="User $i" mail="user$i@mail.example" enabled=true pw=""
        ((i % 2 == 0)) && pw="Pw-$i-Vq7#mZ2!x"
        case $i in
        5) name='"Doe, Jane ""5"""' ;;
        10) upn="user10@nowhere.example" ;;
        20) mail="not-an-email" ;;
        30) enabled=maybe ;;
        40) upn="user39@$DOMAIN" name="User 39" mail="user39@mail.example" pw="" ;;
        50) pw="short" ;;
        60) name="" ;;
        esac
        printf '%s,%s,Given%s,Sur%s,%s,Engineer,%s,%s,\r\n' "$upn" "$name" "$i" "$i" "$mail" \
            "$enabled" "$pw"
    done
} >"$CSV"

run_cli user import --data "$DATA" --tenant "$TID" --csv "$CSV" --passwords-out "$PW" --json "${ARGON[@]}"
assert_cli_rc 1 "import with invalid rows"
assert_cli_json '.rows == 200 and .created == 194 and .unchanged == 0 and .rejected == 6
    and ([.rejections[].row] | sort == [11, 21, 31, 41, 51, 61]) and .complete' "import summary"
assert_cli_json '(.rejections[] | select(.row == 11) | .reason | test("domain"))
    and (.rejections[] | select(.row == 41) | .reason | test("twice"))' "rejection reasons"
[[ "$(stat -c %a "$PW")" == 600 ]] || fail "the passwords file is not mode 0600"
generated=$(($(wc -l <"$PW") - 1))
assert_cli_json '.passwordsWritten == $n' "temporary passwords written" --argjson n "$generated"
((generated == 100)) || fail "expected 100 temporary passwords (the odd rows), got $generated"
tmp_upn=$(sed -n 2p "$PW" | cut -d, -f1)
tmp_pw=$(sed -n 2p "$PW" | cut -d, -f2 | tr -d '\r')
[[ ${#tmp_pw} == 20 ]] || fail "a temporary password has ${#tmp_pw} characters"
for out in "$CLI_OUT" "$CLI_ERR"; do
    [[ "$out" != *"$tmp_pw"* ]] || fail "a temporary password reached stdout or stderr"
done
run_cli user show --data "$DATA" --tenant "$TID" "user5@$DOMAIN" --json
assert_cli_json '.displayName == "Doe, Jane \"5\""' "a quoted field with a comma and quotes"

# The temporary password works and must be changed (50055); it is in no log.
ropc "$tmp_upn" "$tmp_pw"
assert_entra_error 400 invalid_grant 50055 "sign-in with a temporary password"
server_log_settled
grep -qF "$tmp_pw" "$SERVER_LOG" && fail "a temporary password is in the server log"
grep -qF "$GOOD_PASSWORD" "$SERVER_LOG" && fail "a password is in the server log"

# Every created user has its "Add user" entry by the CLI, with one correlation id; no secret.
graph "/v1.0/auditLogs/directoryAudits?\$top=999" "$TOKEN" -G \
    --data-urlencode "\$filter=activityDisplayName eq 'Add user'"
assert_json '[.value[] | select(.targetResources[0].userPrincipalName | startswith("user"))]
    | length == 194 and ([.[].correlationId] | unique | length == 1)
    and all(.[]; .initiatedBy.app.displayName == "Atrium CLI")' "the import's entries"
[[ "$API_BODY" != *"$tmp_pw"* && "$API_BODY" != *"Vq7#mZ2!x"* ]] || fail "a password is in the audit log"

# --- re-run: nothing new (row 41 now names an existing user with another givenName);
# the valid rows alone: exit 0 ---
run_cli user import --data "$DATA" --tenant "$TID" --csv "$CSV" --passwords-out "$PW.2" --json "${ARGON[@]}"
assert_cli_rc 1 "re-run with the invalid rows"
assert_cli_json '.created == 0 and .unchanged == 194 and .rejected == 6
    and (.rejections[] | select(.row == 41) | .reason | test("givenName"))' "re-run summary"
VALID="$E2E_DIR/valid.csv"
awk 'NR == 1 || (NR - 1) % 10 != 0 || NR > 62' "$CSV" >"$VALID"
run_cli user import --data "$DATA" --tenant "$TID" --csv "$VALID" --json "${ARGON[@]}"
assert_cli_rc 0 "re-run with the valid rows only"
assert_cli_json '.created == 0 and .rejected == 0 and .unchanged == .rows' "all unchanged"

# A changed property is reported, not applied.
sed 's/^user7@\([^,]*\),User 7,/user7@\1,Renamed,/' "$VALID" >"$E2E_DIR/changed.csv"
run_cli user import --data "$DATA" --tenant "$TID" --csv "$E2E_DIR/changed.csv" --json "${ARGON[@]}"
assert_cli_rc 1 "a row that differs"
assert_cli_json '.rejected == 1 and (.rejections[0].reason | test("displayName"))' "differs"

# --- wrong header, bad CSV ---
printf 'userPrincipalName,displayName,department\nx@%s,X,Sales\n' "$DOMAIN" >"$E2E_DIR/bad.csv"
run_cli user import --data "$DATA" --tenant "$TID" --csv "$E2E_DIR/bad.csv" "${ARGON[@]}"
assert_cli_rc 1 "unknown column"
[[ "$CLI_ERR" == *department* ]] || fail "the unknown column is not named: $CLI_ERR"
run_cli user import --data "$DATA" --tenant "$TID" "${ARGON[@]}"
assert_cli_rc 2 "--csv missing"

# --- export round trip ---
OUT="$E2E_DIR/export.csv"
run_cli user export --data "$DATA" --tenant "$TID" --csv "$OUT"
assert_cli_rc 0 "export"
[[ "$(stat -c %a "$OUT")" == 600 ]] || fail "the export is not mode 0600"
head -n 1 "$OUT" | grep -q '^userPrincipalName,displayName,givenName,surname,mail,jobTitle,accountEnabled,forceChangePasswordNextSignIn' ||
    fail "export header: $(head -n 1 "$OUT")"
rows=$(($(grep -c "@$DOMAIN" "$OUT")))
((rows == 196)) || fail "export has $rows users, expected 196 (admin, bob, 194 imported)"
grep -qi password "$OUT" && [[ "$(grep -ci 'password' "$OUT")" == 1 ]] ||
    fail "the export carries more than the forceChangePasswordNextSignIn column name"
grep -qF '"Doe, Jane ""5"""' "$OUT" || fail "the quoted display name is not exported as CSV"
run_cli user import --data "$DATA" --tenant "$TID" --csv "$OUT" --json "${ARGON[@]}"
assert_cli_rc 0 "re-import the export"
assert_cli_json '.rows == 196 and .unchanged == 196 and .created == 0' "export round trip"
run_cli user export --data "$DATA" --tenant "$TID"
assert_cli_rc 0 "export to stdout"
diff <(tr -d '\r' <"$OUT") <(tr -d '\r' <<<"$CLI_OUT") >/dev/null || fail "stdout export differs"

stop_server
echo "PASS: $E2E_NAME"
