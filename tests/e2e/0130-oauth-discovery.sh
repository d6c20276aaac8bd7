#!/usr/bin/env bash
# e2e: OpenID Connect discovery and JWKS: by tenant GUID and by domain (any
# case; GUID endpoints either way), the multi-tenant documents, unknown
# tenants (400 invalid_tenant AADSTS90002 in Entra's shape), the JWKS shape,
# and the JSON endpoints' request-level errors (wrong verb, content type,
# body size) in Entra's shape.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

start_server
signup_tenant "disc$RANDOM"

# The issuer and endpoints use the server's public URL.
check_tenant_doc() { # check_tenant_doc PATH-SEGMENT WHAT
    api GET "/$1/v2.0/.well-known/openid-configuration"
    assert_status 200 "$2"
    assert_match '^application/json' "$(header content-type)" "$2: content type"
    assert_match 'max-age=' "$(header cache-control)" "$2: cacheable"
    assert_json '(.issuer | test("^https://[^/]+/" + $t + "/v2.0$"))
        and (.authorization_endpoint | endswith("/" + $t + "/oauth2/v2.0/authorize"))
        and (.token_endpoint | endswith("/" + $t + "/oauth2/v2.0/token"))
        and (.device_authorization_endpoint | endswith("/" + $t + "/oauth2/v2.0/devicecode"))
        and (.end_session_endpoint | endswith("/" + $t + "/oauth2/v2.0/logout"))
        and (.jwks_uri | endswith("/" + $t + "/discovery/v2.0/keys"))
        and (.userinfo_endpoint | endswith("/oidc/userinfo"))
        and ([.issuer, .authorization_endpoint, .token_endpoint, .jwks_uri]
             | all(startswith("https://")))
        and (.code_challenge_methods_supported == ["S256"])
        and (.response_modes_supported | index("form_post") != null)
        and (.id_token_signing_alg_values_supported | index("RS256") != null)' \
        "$2: endpoints name the tenant GUID" --arg t "$TID"
}
check_tenant_doc "$TID" "discovery by GUID"
ISSUER=$(jq -r .issuer <<<"$API_BODY")
check_tenant_doc "$DOMAIN" "discovery by domain"
check_tenant_doc "${DOMAIN^^}" "discovery by upper-case domain"
check_tenant_doc "${TID^^}" "discovery by upper-case GUID"
check_tenant_doc "$DOMAIN" "discovery by domain, again (cached)"

# The issuer's origin is the public URL: the other endpoints share it.
origin=${ISSUER%/"$TID"/v2.0}
assert_json '.token_endpoint | startswith($o + "/")' "issuer and endpoints share an origin" \
    --arg o "$origin"

for alias in organizations common; do
    api GET "/$alias/v2.0/.well-known/openid-configuration"
    assert_status 200 "discovery on /$alias"
    assert_json '(.issuer | endswith("/{tenantid}/v2.0"))
        and (.token_endpoint | endswith("/" + $a + "/oauth2/v2.0/token"))
        and (.tenant_region_scope == null)' "/$alias document" --arg a "$alias"
done

# Unknown tenants.
for bad in 00000000-0000-4000-8000-000000000000 nosuch.example.com "$RANDOM-x"; do
    api GET "/$bad/v2.0/.well-known/openid-configuration" -H "client-request-id: corr-$RANDOM"
    assert_entra_error 400 invalid_tenant 90002 "discovery of unknown tenant $bad"
    assert_json '.correlation_id == $c' "correlation id echoed" \
        --arg c "$(header client-request-id)"
    assert_json '.trace_id == $r' "trace id is the request id" --arg r "$(header x-ms-request-id)"
done

# JWKS, by GUID and by domain.
for seg in "$TID" "$DOMAIN" organizations; do
    api GET "/$seg/discovery/v2.0/keys"
    assert_status 200 "JWKS on /$seg"
    assert_json '(.keys | length >= 1) and (.keys | all(.kty == "RSA" and .use == "sig"
        and (.kid | type == "string" and length > 0) and (.n | test("^[A-Za-z0-9_-]+$"))
        and .e == "AQAB" and (has("d") | not) and (has("p") | not)
        and (.issuer | endswith("/v2.0"))))' "JWKS shape on /$seg"
done
api GET "/$TID/discovery/v2.0/keys"
assert_json '.keys | all(.issuer == $i)' "tenant JWKS issuer" --arg i "$ISSUER"
api GET "/nosuch.example.com/discovery/v2.0/keys"
assert_entra_error 400 invalid_tenant 90002 "JWKS of an unknown tenant"

# The token endpoint's request-level errors, in Entra's shape.
api GET "/$TID/oauth2/v2.0/token"
assert_entra_error 400 invalid_request 900561 "GET on the token endpoint"
api POST "/$TID/oauth2/v2.0/token" -H 'Content-Type: application/json' --data '{}'
assert_status 400 "token request as JSON"
assert_json '.error == "invalid_request" and (.error_codes[0] | type == "number")
    and (.error_description | contains("\r\nTrace ID: "))' "token request as JSON"
assert_match 'no-store' "$(header cache-control)" "token error: Cache-Control"
head -c 70000 /dev/zero | tr '\0' 'a' >"$E2E_DIR/big"
api POST "/$TID/oauth2/v2.0/token" --data-binary "@$E2E_DIR/big"
assert_status 413 "oversized token request"
assert_json '.error == "invalid_request" and (.error_codes | type == "array")' \
    "oversized token request: Entra shape"
api POST "/$TID/oauth2/v2.0/token?client-request-id=qcorr-1" --data 'grant_type=password&grant_type=x'
assert_entra_error 400 invalid_request 9002313 "repeated grant_type"
assert_json '.correlation_id == "qcorr-1"' "client-request-id from the query string"
api POST "/$TID/oauth2/v2.0/token" --data 'grant_type=bogus&client_id=x'
assert_status 400 "unsupported grant type"
assert_json '.error == "unsupported_grant_type" or .error == "invalid_request"
    or .error == "unauthorized_client"' "unsupported grant type error"

# Static assets of the pages.
api GET /static/atrium.css
assert_status 200 "stylesheet"
assert_match '^text/css' "$(header content-type)" "stylesheet type"
assert_match 'max-age=86400' "$(header cache-control)" "stylesheet cacheable"
api GET /static/atrium-form-post.js
assert_status 200 "form_post script"
assert_match 'javascript' "$(header content-type)" "script type"

stop_server
