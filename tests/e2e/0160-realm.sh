#!/usr/bin/env bash
# e2e: realm discovery, "does my company already have a tenant?": userrealm
# (api-version 2.1 and 1.0, both path casings, ?user=) and getuserrealm.srf
# in Entra's shapes for a managed and an unknown domain, the same answer for
# an existing and a non-existing user, discovery by domain, the /discover
# page for both cases (escaping, malformed input), and the per-client rate
# limit (429 + Retry-After) with --realm-rate.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

BRAND='Realm <Test> & "Co"'
UNKNOWN=unknown-example.com

start_server
prefix="realm$RANDOM"
post_json /api/v1/tenants "$(signup_json "$prefix" ".displayName = \"Realm <Test> & \\\"Co\\\"\"")"
assert_status 201 "sign-up of $prefix"
TID=$(jq -r .id <<<"$API_BODY")
DOMAIN=$(jq -r .initialDomain <<<"$API_BODY")
ADMIN_UPN=$(jq -r .admin.userPrincipalName <<<"$API_BODY")
NOBODY="nobody$RANDOM@$DOMAIN"
assert_eq "$BRAND" "$(jq -r .displayName <<<"$API_BODY")" "display name as signed up"

# --- userrealm, api-version 2.1 --------------------------------------------------
userrealm2() { # userrealm2 LOGIN WHAT: a 2.1 document; prints it with Login removed
    api GET "/common/userrealm/$1?api-version=2.1"
    assert_status 200 "$2"
    assert_match '^application/json' "$(header content-type)" "$2: content type"
    assert_json '.Login == $l and (keys | sort) == (["NameSpaceType", "Login", "DomainName",
        "FederationBrandName", "TenantBrandingInfo", "cloud_instance_name"] | sort)
        and .TenantBrandingInfo == null and (.cloud_instance_name | type == "string")' \
        "$2: 2.1 shape" --arg l "$1"
}
userrealm2 "$ADMIN_UPN" "userrealm 2.1 of an existing user"
assert_json '.NameSpaceType == "Managed" and .DomainName == $d and .FederationBrandName == $b' \
    "managed 2.1 answer" --arg d "$DOMAIN" --arg b "$BRAND"
existing=$(jq -c 'del(.Login)' <<<"$API_BODY")
userrealm2 "$NOBODY" "userrealm 2.1 of a non-existing user"
assert_eq "$existing" "$(jq -c 'del(.Login)' <<<"$API_BODY")" "existing vs non-existing user"
userrealm2 "x@${DOMAIN^^}" "userrealm 2.1, upper-case domain"
assert_json '.NameSpaceType == "Managed" and .DomainName == $d' "domain is lower-cased" \
    --arg d "$DOMAIN"

userrealm2 "x@$UNKNOWN" "userrealm 2.1 of an unknown domain"
assert_json '.NameSpaceType == "Unknown" and .DomainName == $d and .FederationBrandName == null' \
    "unknown 2.1 answer" --arg d "$UNKNOWN"

# ?user= in the query, with and without the trailing slash.
for path in /common/userrealm /common/userrealm/; do
    api GET "$path?user=$NOBODY&api-version=2.1"
    assert_status 200 "userrealm $path?user="
    assert_json '.NameSpaceType == "Managed" and .Login == $l' "userrealm $path?user=" \
        --arg l "$NOBODY"
done

# --- userrealm, api-version 1.0 (MSAL .NET/Python/Java/Go before ROPC) ------------
api GET "/common/UserRealm/$ADMIN_UPN?api-version=1.0"
assert_status 200 "UserRealm 1.0 (MSAL casing)"
assert_json '. == {"ver": "1.0", "account_type": "Managed", "domain_name": $d,
    "cloud_instance_name": .cloud_instance_name,
    "cloud_audience_urn": "urn:federation:MicrosoftOnline"}
    and (.cloud_instance_name | type == "string" and length > 0)' "1.0 managed shape" \
    --arg d "$DOMAIN"
v1_existing=$API_BODY
api GET "/common/userrealm/$NOBODY?api-version=1.0"
assert_eq "$v1_existing" "$API_BODY" "1.0: existing vs non-existing user"
api GET "/common/userrealm/x@$UNKNOWN?api-version=1.0"
assert_json '.ver == "1.0" and .account_type == "Unknown" and .domain_name == $d' \
    "1.0 unknown shape" --arg d "$UNKNOWN"

# Malformed requests: Entra's JSON error.
api GET "/common/userrealm/not%20a%20login?api-version=2.1"
assert_entra_error 400 invalid_request 9002313 "malformed login"
api GET "/common/userrealm/a@b@$DOMAIN?api-version=2.1"
assert_entra_error 400 invalid_request 9002313 "two @"
api GET "/common/userrealm/x@$DOMAIN?api-version=9.9"
assert_entra_error 400 invalid_request 9002313 "unsupported api-version"

# --- getuserrealm.srf ---------------------------------------------------------------
api GET "/getuserrealm.srf?login=$ADMIN_UPN&json=1"
assert_status 200 "getuserrealm.srf managed"
assert_json '. == {"State": 4, "UserState": 1, "Login": $l, "NameSpaceType": "Managed",
    "DomainName": $d, "FederationBrandName": $b, "CloudInstanceName": .CloudInstanceName,
    "CloudInstanceIssuerUri": "urn:federation:MicrosoftOnline"}' "srf managed shape" \
    --arg l "$ADMIN_UPN" --arg d "$DOMAIN" --arg b "$BRAND"
srf_existing=$(jq -c 'del(.Login)' <<<"$API_BODY")
api GET "/getuserrealm.srf?login=$NOBODY&json=1"
assert_eq "$srf_existing" "$(jq -c 'del(.Login)' <<<"$API_BODY")" "srf: existing vs non-existing"
api GET "/getuserrealm.srf?login=x@$UNKNOWN&json=1"
assert_status 200 "getuserrealm.srf unknown"
assert_json '. == {"State": 4, "UserState": 1, "Login": $l, "NameSpaceType": "Unknown"}' \
    "srf unknown shape" --arg l "x@$UNKNOWN"
api GET "/getuserrealm.srf?json=1"
assert_entra_error 400 invalid_request 9002313 "srf without login"

# --- discovery by domain (already served by the OAuth discovery handler) --------------
api GET "/$DOMAIN/v2.0/.well-known/openid-configuration"
assert_status 200 "discovery by the initial domain"
assert_json '.token_endpoint | endswith("/" + $t + "/oauth2/v2.0/token")' \
    "discovery by domain names the tenant GUID" --arg t "$TID"
api GET "/$UNKNOWN/v2.0/.well-known/openid-configuration"
assert_entra_error 400 invalid_tenant 90002 "discovery of an unknown domain"

# --- the /discover page ----------------------------------------------------------------
discover() { # discover STATUS WHAT [q]: GET /discover (?q= urlencoded when given)
    local status=$1 what=$2
    shift 2
    if (($#)); then
        api GET /discover --get --data-urlencode "q=$1"
    else
        api GET /discover
    fi
    assert_page "$status" "$what"
    assert_match "default-src 'none'" "$(header content-security-policy)" "$what: strict CSP"
    [[ "$(header content-security-policy)" != *script-src* ]] || fail "$what: CSP allows script"
    [[ "$API_BODY" == *'<link rel="stylesheet" href="/static/atrium.css">'* ]] ||
        fail "$what: not the sign-in pages' stylesheet"
    [[ "$API_BODY" == *'<form method="get" action="/discover"'* ]] || fail "$what: no GET form"
    [[ "$API_BODY" == *'name="q"'* ]] || fail "$what: no q field"
    [[ "$API_BODY" != *"<script"* ]] || fail "$what: the page has a <script>"
}
result_section() { sed -n '/<section id="result"/,/<\/section>/p' <<<"$API_BODY"; }
contains() { # contains TEXT WHAT
    [[ "$API_BODY" == *"$1"* ]] || fail "$2: the page does not contain: $1"
}

discover 200 "the empty form"
contains "Does your organization already have a tenant?" "the empty form"
[[ "$API_BODY" != *'id="result"'* ]] || fail "the empty form shows a result"

brand_html='Realm &lt;Test&gt; &amp; &quot;Co&quot;'
discover 200 "page for an existing user" "$ADMIN_UPN"
contains "Your organization <strong class=\"org\">$brand_html</strong> already has an Atrium tenant: sign in with your work account, or ask your administrator" "managed page"
contains "<dd class=\"tenant-id\">$TID</dd>" "managed page: tenant id"
contains "href=\"/$TID/v2.0/.well-known/openid-configuration\"" "managed page: discovery link"
contains "value=\"$ADMIN_UPN\"" "managed page: the field keeps the input"
[[ "$API_BODY" != *"<Test>"* ]] || fail "managed page: the brand name is not escaped"
managed_section=$(result_section)
[[ -n "$managed_section" ]] || fail "managed page: no result section"
discover 200 "page for a non-existing user" "$NOBODY"
assert_eq "$managed_section" "$(result_section)" "page: existing vs non-existing user"
discover 200 "page for the bare domain" "$DOMAIN"
assert_eq "$managed_section" "$(result_section)" "page: user vs bare domain"

discover 200 "page for an unknown domain" "someone@$UNKNOWN"
contains "No tenant uses <strong class=\"domain\">$UNKNOWN</strong> yet." "unknown page"
contains "Create a tenant, free, with self-service sign-up" "unknown page: sign-up step"
contains "verify it by DNS" "unknown page: DNS verification step"
contains 'href="/api/v1/domains/available?prefix=unknownexample"' "unknown page: prefix check link"
api GET "/api/v1/domains/available?prefix=unknownexample"
assert_status 200 "the page's prefix check link"
assert_json '.available == true' "the suggested prefix is free"

# Hostile and malformed input: escaped, a clear message, never a 500.
discover 400 "page for a <script> input" '<script>alert(1)</script>'
contains 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' "<script> input is escaped"
contains 'role="alert">The domain must be a valid domain name' "<script> input: message"
discover 400 "page for x@<script>.com" 'x@"><script>alert(1)</script>.com'
contains 'value="x@&quot;&gt;&lt;script&gt;' "attribute breakout is escaped"
discover 400 "page for an empty q" ''
contains "Enter a work email address (name@example.com) or a domain name (example.com)." \
    "empty q message"
discover 400 "page for an over-long q" "$(printf 'a%.0s' {1..300})@$UNKNOWN"
contains "at most 254 characters" "over-long q message"
[[ "$API_BODY" != *"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"* ]] ||
    fail "over-long q is echoed back"
api GET "/discover?q=a&q=b"
assert_page 400 "repeated q"
contains 'role="alert">' "repeated q: the form again with a message"
api GET "/discover?q=%ff%fe@$UNKNOWN"
assert_page 400 "invalid UTF-8 in q"
contains 'role="alert">' "invalid UTF-8: the form again with a message"

stop_server

# --- the per-client rate limit ------------------------------------------------------------
start_server --realm-rate 3
api GET "/common/userrealm/x@$DOMAIN?api-version=2.1"
assert_status 200 "look-up 1 of 3"
api GET "/getuserrealm.srf?login=x@$DOMAIN&json=1"
assert_status 200 "look-up 2 of 3"
discover 200 "look-up 3 of 3" "x@$DOMAIN"
api GET "/common/userrealm/x@$DOMAIN?api-version=2.1"
assert_status 429 "4th userrealm within a minute"
assert_json '.error == "temporarily_unavailable" and (.error_codes | type == "array")' \
    "429 in Entra's shape"
retry=$(header retry-after)
assert_match '^[0-9]+$' "$retry" "Retry-After of the 429"
((retry >= 1 && retry <= 60)) || fail "Retry-After $retry is not within 1..60 seconds"
api GET "/getuserrealm.srf?login=x@$DOMAIN&json=1"
assert_status 429 "getuserrealm.srf shares the bucket"
api GET "/discover" --get --data-urlencode "q=x@$DOMAIN"
assert_page 429 "the page shares the bucket"
assert_match '^[0-9]+$' "$(header retry-after)" "Retry-After of the page's 429"
api GET /healthz
assert_status 200 "other endpoints are not limited"

stop_server
