#!/usr/bin/env bash
# e2e: self-service tenant sign-up (POST /api/v1/tenants): the happy path,
# prefix availability, and each way a request can be refused, with the right
# status and an error envelope naming the field.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_server

prefix="contoso$RANDOM"
domain="$prefix.atrium.localhost"

# --- availability before ---
api GET "/api/v1/domains/available?prefix=$prefix"
assert_status 200 "availability of $prefix before sign-up"
assert_json '.prefix == $p and .domain == $d and .available == true' \
    "availability before sign-up" --arg p "$prefix" --arg d "$domain"

# --- the happy path ---
post_json /api/v1/tenants "$(signup_json "$prefix")"
assert_status 201 "sign-up of $prefix"
assert_match '^application/json' "$(header content-type)" "content-type of the 201"
id=$(jq -r '.id' <<<"$API_BODY")
assert_match "$GUID_RE" "$id" "tenant id"
assert_json '.displayName == ("Org " + $p) and .initialDomain == $d and .countryLetterCode == "US"' \
    "201 body fields" --arg p "$prefix" --arg d "$domain"
assert_json '(.admin.id | test("^[0-9a-f-]{36}$")) and .admin.userPrincipalName == ("ada@" + $d)' \
    "201 admin" --arg d "$domain"
[[ "$API_BODY" != *"$GOOD_PASSWORD"* && "$API_BODY" != *'$argon2'* ]] ||
    fail "the 201 body leaks the password or its hash: $API_BODY"
location=$(header location)
[[ "$location" == "/api/v1/tenants/$id" || "$location" == */api/v1/tenants/"$id" ]] ||
    fail "Location header '$location' does not end with /api/v1/tenants/$id"

# --- availability after, and the tenant can be read back ---
api GET "/api/v1/domains/available?prefix=$prefix"
assert_status 200 "availability of $prefix after sign-up"
assert_json '.available == false and .domain == $d' "availability after" --arg d "$domain"
api GET "/api/v1/tenants/$id"
assert_status 200 "GET tenant by id"
assert_json '.id == $id and .initialDomain == $d and .countryLetterCode == "US"
    and .displayName == ("Org " + $p)' "GET tenant by id" --arg id "$id" --arg d "$domain" \
    --arg p "$prefix"
api GET "/api/v1/tenants/$domain"
assert_status 200 "GET tenant by domain"
assert_json '.id == $id' "GET tenant by domain" --arg id "$id"
api GET "/api/v1/tenants/00000000-0000-4000-8000-000000000000"
assert_graph_error 404 "" "GET unknown tenant"

# The longest prefix (27) is fine; a malformed prefix is refused by the check too.
long27=$(printf 'a%.0s' {1..27})
api GET "/api/v1/domains/available?prefix=$long27"
assert_status 200 "availability of a 27-character prefix"
assert_json '.available == true' "27-character prefix available"
api GET "/api/v1/domains/available?prefix=Bad_Prefix"
assert_graph_error 400 prefix "availability of a malformed prefix"

# A charset parameter on the media type is fine.
p2="fabrikam$RANDOM"
post_json /api/v1/tenants "$(signup_json "$p2")" -H 'Content-Type: application/json; charset=utf-8'
assert_status 201 "sign-up with 'application/json; charset=utf-8'"

# --- refusals ---
# signup_case STATUS FIELD WHAT JQ-FILTER: send a valid body changed by the filter.
signup_case() {
    local status=$1 field=$2 what=$3 filter=$4 p="neg$RANDOM$RANDOM"
    post_json /api/v1/tenants "$(signup_json "$p" "$filter")"
    assert_graph_error "$status" "$field" "$what"
    # Nothing was created by a refused request.
    local created
    created=$(jq -r '.domainPrefix // empty' <<<"$(signup_json "$p" "$filter")")
    if [[ "$status" != 409 && "$created" =~ ^[a-z0-9]{1,27}$ ]]; then
        api GET "/api/v1/domains/available?prefix=$created"
        assert_status 200 "$what: availability check afterwards"
        assert_json '.available == true' "$what: a refused sign-up must not create $created"
    fi
}

signup_case 409 domainPrefix "prefix taken" ".domainPrefix = \"$prefix\""
signup_case 409 domainPrefix "prefix taken, other fields differ" \
    ".domainPrefix = \"$prefix\" | .displayName = \"Other\" | .admin.userName = \"other\""

signup_case 400 displayName "missing displayName" 'del(.displayName)'
signup_case 400 domainPrefix "missing domainPrefix" 'del(.domainPrefix)'
signup_case 400 countryLetterCode "missing countryLetterCode" 'del(.countryLetterCode)'
signup_case 400 admin "missing admin" 'del(.admin)'
signup_case 400 admin.userName "missing admin.userName" 'del(.admin.userName)'
signup_case 400 admin.password "missing admin.password" 'del(.admin.password)'
signup_case 400 displayName "displayName not a string" '.displayName = 42'
signup_case 400 displayName "empty displayName" '.displayName = ""'

signup_case 400 domainPrefix "uppercase prefix" '.domainPrefix = "Contoso"'
signup_case 400 domainPrefix "28-character prefix" ".domainPrefix = \"$(printf 'b%.0s' {1..28})\""
signup_case 400 domainPrefix "prefix with a hyphen" '.domainPrefix = "con-toso"'
signup_case 400 domainPrefix "prefix with a dot" '.domainPrefix = "con.toso"'
signup_case 400 domainPrefix "prefix with an underscore" '.domainPrefix = "con_toso"'
signup_case 400 domainPrefix "empty prefix" '.domainPrefix = ""'

signup_case 400 admin.password "password too short" '.admin.password = "Ab1!x"'
signup_case 400 admin.password "password containing the user name" \
    '.admin.userName = "margarethe" | .admin.password = "xMargarethe-77!q"'
signup_case 400 admin.password "common password" '.admin.password = "password123"'

signup_case 400 countryLetterCode "three-letter country code" '.countryLetterCode = "USA"'
signup_case 400 countryLetterCode "country code with a digit" '.countryLetterCode = "U1"'
signup_case 400 contactEmail "bad email" '.contactEmail = "not-an-email"'
signup_case 400 contactEmail "email without domain" '.contactEmail = "it@"'
signup_case 400 admin.userName "bad user name" '.admin.userName = "ada lovelace"'

signup_case 400 foo "unknown top-level field" '.foo = 1'
signup_case 400 admin.foo "unknown admin field" '.admin.foo = "bar"'

# Wrong media type.
api POST /api/v1/tenants -H 'Content-Type: text/plain' --data-binary "$(signup_json "ct$RANDOM")"
assert_graph_error 415 "" "Content-Type text/plain"
api POST /api/v1/tenants -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "$(signup_json "ct$RANDOM")"
assert_graph_error 415 "" "Content-Type form-urlencoded"

# Malformed, non-object, duplicated keys.
post_json /api/v1/tenants '{"displayName": "x", '
assert_graph_error 400 "" "malformed JSON"
post_json /api/v1/tenants '[1, 2, 3]'
assert_graph_error 400 "" "JSON array body"
post_json /api/v1/tenants '"just a string"'
assert_graph_error 400 "" "JSON string body"
post_json /api/v1/tenants ''
assert_graph_error 400 "" "empty body"
dup=$(signup_json "dup$RANDOM" | sed 's/^{/{"displayName":"First",/')
post_json /api/v1/tenants "$dup"
assert_graph_error 400 displayName "duplicated key displayName"

# Over 1 MiB.
big="$E2E_DIR/big.json"
{
    printf '{"displayName":"'
    head -c $((1024 * 1024 + 100)) /dev/zero | tr '\0' 'a'
    printf '"}'
} >"$big"
api POST /api/v1/tenants -H 'Content-Type: application/json' --data-binary "@$big"
assert_status 413 "body over 1 MiB"
assert_json '.error.code | type == "string"' "413 Graph error envelope"

# The server is still healthy after all that.
api GET /healthz
assert_status 200 "healthz after the refusals"
stop_server

# --- sign-up disabled ---
DATA="$E2E_DIR/data-nosignup"
start_server --no-self-signup
post_json /api/v1/tenants "$(signup_json "off$RANDOM")"
assert_graph_error 403 "" "sign-up with --no-self-signup"
stop_server
