#!/usr/bin/env bash
# e2e: custom domains verified through a real DNS server. dnsmasq runs on a
# free loopback port, authoritative for .test (restarted to change its
# records); the server asks it through --dns-server. Cases: add, the DNS
# records to publish, verify with the record missing, wrong, or with a
# trailing space (all 400 saying what was expected and found), verify with
# the right TXT (answer over 512 bytes: TCP fallback) and with the MX
# alternative; the same name in a second tenant (distinct "verified in
# another tenant" error, for the name and its subdomains); a subdomain
# verified without DNS; a user created with the verified suffix; the
# domain resolving to its tenant in discovery; default domain; deletion
# refused while the user exists; roles and tenant isolation; the per-tenant
# rate limit of verification.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/oauth_lib.sh"

DNSMASQ=$(command -v dnsmasq || true)
for d in /usr/sbin /sbin /usr/local/sbin; do
    [[ -z "$DNSMASQ" && -x "$d/dnsmasq" ]] && DNSMASQ="$d/dnsmasq"
done
if [[ -z "$DNSMASQ" ]]; then
    echo "SKIP [$E2E_NAME]: dnsmasq is not installed (scripts/deps.sh installs dnsmasq-base)"
    exit 0
fi

# --- the DNS server --------------------------------------------------------------

DNS_PORT=""
DNS_PID=""
DNS_LOG=""
DNS_SEQ=0

# _dns_try PORT [dnsmasq record options...]: start dnsmasq; 0 once it serves, 1 if it exited.
_dns_try() {
    local port=$1
    shift
    DNS_SEQ=$((DNS_SEQ + 1))
    local log="$E2E_DIR/dnsmasq-$DNS_SEQ.log"
    DNS_LOG=$log
    "$DNSMASQ" --no-daemon --conf-file=/dev/null --pid-file= --no-resolv --no-hosts \
        --no-poll --listen-address=127.0.0.1 --bind-interfaces --port="$port" \
        --local=/test/ --log-queries "$@" </dev/null >"$log" 2>&1 &
    DNS_PID=$!
    SERVER_PIDS+=("$DNS_PID") # lib.sh's cleanup ends it
    local deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)); do
        _alive "$DNS_PID" || return 1
        grep -q "started" "$log" && grep -q "using only locally-known" "$log" && return 0
        sleep 0.05
    done
    fail "dnsmasq did not start within 10 s: $(cat "$log")"
}

# dns_serve [dnsmasq record options...]: (re)start dnsmasq with exactly these records.
dns_serve() {
    if [[ -n "$DNS_PID" ]] && _alive "$DNS_PID"; then
        kill -TERM "$DNS_PID"
        _wait_gone "$DNS_PID" 5 || fail "dnsmasq $DNS_PID did not stop"
        wait "$DNS_PID" 2>/dev/null || true
    fi
    if [[ -n "$DNS_PORT" ]]; then
        _dns_try "$DNS_PORT" "$@" || fail "dnsmasq could not restart on port $DNS_PORT"
        return
    fi
    local i port
    for i in $(seq 1 20); do
        port=$((20000 + RANDOM % 40000))
        if _dns_try "$port" "$@"; then
            DNS_PORT=$port
            return
        fi
    done
    fail "dnsmasq found no free port in 20 tries"
}

# --- Graph helpers ---------------------------------------------------------------

# graph_token USER: an access token for the directory API (ROPC, first-party client).
graph_token() {
    api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=password \
        --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "username=$1" \
        --data-urlencode "password=$GOOD_PASSWORD" \
        --data-urlencode "scope=https://graph.microsoft.com/.default"
    [[ "$API_STATUS" == 200 ]] ||
        fail "ROPC token for $1 failed (HTTP $API_STATUS): ${API_BODY:0:400}"
    jq -r .access_token <<<"$API_BODY"
}

# graph METHOD PATH TOKEN [JSON]
graph() {
    local method=$1 path=$2 token=$3 json=${4:-}
    if [[ -n "$json" ]]; then
        api "$method" "$path" -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' --data-binary "$json"
    else
        api "$method" "$path" -H "Authorization: Bearer $token"
    fi
}

dns_serve # no records yet
start_server --dns-server "127.0.0.1:$DNS_PORT"

signup_tenant "doma$RANDOM"
TID_A=$TID
DOMAIN_A=$DOMAIN
AT_A=$(graph_token "$ADMIN_UPN")
signup_tenant "domb$RANDOM"
TID_B=$TID
AT_B=$(graph_token "$ADMIN_UPN")

NAME="contoso-$RANDOM.test"
UPPER=$(tr '[:lower:]' '[:upper:]' <<<"$NAME")

# --- add -------------------------------------------------------------------------
graph GET /v1.0/domains "$AT_A"
assert_status 200 "list domains"
assert_json '(.value | length) == 1 and .value[0].id == $d and .value[0].isInitial
    and .value[0].isDefault and .value[0].isVerified and .value[0].isRoot
    and (."@odata.context" | endswith("/v1.0/$metadata#domains"))' "initial domain listed" \
    --arg d "$DOMAIN_A"

graph POST /v1.0/domains "$AT_A" "{\"id\":\"$UPPER.\"}"
assert_status 201 "add $NAME"
assert_json '.id == $d and .isVerified == false and .isDefault == false and .isInitial == false
    and .isRoot == false and .authenticationType == "Managed" and .isAdminManaged == true
    and .supportedServices == [] and (."@odata.context" | endswith("#domains/$entity"))' \
    "the added domain" --arg d "$NAME"
assert_match "/v1.0/domains/$NAME\$" "$(header location)" "Location"
graph POST /v1.0/domains "$AT_A" "{\"id\":\"$NAME\"}"
assert_graph_error 409 "" "the same domain twice"
graph POST /v1.0/domains "$AT_A" '{"id":"x.atrium.localhost"}'
assert_graph_error 400 id "a name under the initial-domain suffix"
graph POST /v1.0/domains "$AT_A" '{"id":"not a domain"}'
assert_graph_error 400 id "a malformed name"
graph POST /v1.0/domains "$AT_A" "{\"id\":\"a.$NAME\",\"isDefault\":true}"
assert_graph_error 400 isDefault "an unknown member"

graph GET "/v1.0/domains/$NAME/verificationDnsRecords" "$AT_A"
assert_status 200 "verificationDnsRecords"
CODE=$(jq -r '.value[] | select(.recordType == "Txt") | .text' <<<"$API_BODY")
MX=$(jq -r '.value[] | select(.recordType == "Mx") | .mailExchange' <<<"$API_BODY")
assert_match '^MS=ms[0-9]{8}$' "$CODE" "TXT value"
assert_eq "${CODE#MS=}.msv1.invalid" "$MX" "MX alternative"
assert_json '(.value | length) == 2 and all(.value[]; .ttl == 3600 and .label == $d
        and .isOptional == false)
    and (.value[0]."@odata.type" == "#microsoft.graph.domainDnsTxtRecord")
    and (.value[1]."@odata.type" == "#microsoft.graph.domainDnsMxRecord")
    and .value[1].preference == 32767' "record shapes" --arg d "$NAME"
graph GET "/v1.0/domains/$UPPER/verificationDnsRecords" "$AT_A"
assert_json '.value[0].text == $c' "the code is stable (and the id case-insensitive)" \
    --arg c "$CODE"

# Tenant B claims the same name while it is unverified: allowed, with its own code.
graph POST /v1.0/domains "$AT_B" "{\"id\":\"$NAME\"}"
assert_status 201 "tenant B adds the unverified name too"
graph GET "/v1.0/domains/$NAME/verificationDnsRecords" "$AT_B"
CODE_B=$(jq -r '.value[0].text' <<<"$API_BODY")
assert_match '^MS=ms[0-9]{8}$' "$CODE_B" "tenant B's code"

# --- verification failures ------------------------------------------------------------
graph POST "/v1.0/domains/$NAME/verify" "$AT_A"
assert_graph_error 400 id "verify without any record"
assert_json '(.error.message | contains($c)) and (.error.message | contains("NXDOMAIN"))' \
    "the message names the expected record and what was found" --arg c "$CODE"

dns_serve --txt-record="$NAME,MS=ms00000000" --txt-record="$NAME,$CODE " \
    --txt-record="_sub.$NAME,$CODE"
graph POST "/v1.0/domains/$NAME/verify" "$AT_A"
assert_graph_error 400 id "verify with wrong values"
assert_json '(.error.message | contains($c)) and (.error.message | contains("MS=ms00000000"))' \
    "the message names the wrong value" --arg c "$CODE"
graph GET "/v1.0/domains/$NAME" "$AT_A"
assert_json '.isVerified == false' "still unverified"

# --- verification ----------------------------------------------------------------------
# The right TXT, next to B's code and a long record: the UDP answer is truncated (TCP).
long=$(printf 'v=spf1 %0.sinclude:spf.example ' $(seq 1 40))
dns_serve --txt-record="$NAME,$CODE" --txt-record="$NAME,$CODE_B" \
    --txt-record="$NAME,${long:0:240},${long:240:240},${long:480:100}"
graph POST "/v1.0/domains/$UPPER/verify" "$AT_A"
assert_status 200 "verify with the right TXT record"
assert_json '.id == $d and .isVerified and .isRoot and .availabilityStatus == "AvailableImmediately"' \
    "verified domain" --arg d "$NAME"
n=$(grep -c "query\[TXT\] $NAME from" "$DNS_LOG" || true)
((n >= 2)) || fail "expected the truncated UDP answer to be asked again over TCP: $(cat "$DNS_LOG")"
graph POST "/v1.0/domains/$NAME/verify" "$AT_A"
assert_status 200 "verify again (no-op)"

# Tenant B: even with its own code published, the name is taken.
graph POST "/v1.0/domains/$NAME/verify" "$AT_B"
assert_graph_error 400 id "tenant B verifies a name verified by A"
assert_json '.error.message | test("already verified in another tenant")' "the distinct error"
[[ "$API_BODY" != *"$TID_A"* ]] || fail "the refusal names tenant A's id"
graph DELETE "/v1.0/domains/$NAME" "$AT_B"
assert_status 204 "tenant B drops its claim"
graph POST /v1.0/domains "$AT_B" "{\"id\":\"$NAME\"}"
assert_graph_error 400 id "tenant B adds a name verified by A"
assert_json '.error.message | test("already verified in another tenant")' "the distinct error"
graph POST /v1.0/domains "$AT_B" "{\"id\":\"eu.$NAME\"}"
assert_graph_error 400 id "tenant B adds a subdomain of A's domain"
assert_json '.error.message | test("already verified in another tenant")' "the distinct error"

# A subdomain of A's verified root: verified without any DNS record.
graph POST /v1.0/domains "$AT_A" "{\"id\":\"sales.$NAME\"}"
assert_status 201 "add a subdomain"
graph POST "/v1.0/domains/sales.$NAME/verify" "$AT_A"
assert_status 200 "verify the subdomain"
assert_json '.isVerified and .isRoot == false' "a verified subdomain is not a root"

# The MX alternative, on another domain.
FAB="fabrikam-$RANDOM.test"
graph POST /v1.0/domains "$AT_A" "{\"id\":\"$FAB\"}"
graph GET "/v1.0/domains/$FAB/verificationDnsRecords" "$AT_A"
FAB_MX=$(jq -r '.value[1].mailExchange' <<<"$API_BODY")
dns_serve --mx-host="$FAB,$FAB_MX,32767"
graph POST "/v1.0/domains/$FAB/verify" "$AT_A"
assert_status 200 "verify with the MX record"
assert_json '.isVerified' "verified by MX"

# --- the verified domain is the tenant's ------------------------------------------------
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$TID_B" \
    --upn "mallory@$NAME" --display-name Mallory --password-stdin
[[ "$CLI_RC" != 0 ]] || fail "tenant B created a user with A's domain"
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$UPPER" \
    --upn "carol@$NAME" --display-name Carol --password-stdin --json
assert_cli_rc 0 "user create with the verified suffix (tenant given by the domain)"
assert_cli_json '.userPrincipalName == $u' "carol" --arg u "carol@$NAME"

api GET "/$NAME/v2.0/.well-known/openid-configuration"
assert_status 200 "discovery by the verified domain"
assert_json '.issuer | contains($t)' "discovery resolves to tenant A" --arg t "$TID_A"
api GET "/eu.$NAME/v2.0/.well-known/openid-configuration"
[[ "$API_STATUS" != 200 ]] || fail "an unknown subdomain resolves"

# --- default domain, delete -----------------------------------------------------------
graph DELETE "/v1.0/domains/$NAME" "$AT_A"
assert_graph_error 400 id "delete while a user uses the domain"
assert_json '.error.message | contains($u)' "the refusal names the user" --arg u "carol@$NAME"

graph PATCH "/v1.0/domains/$NAME" "$AT_A" '{"isDefault":true}'
assert_status 204 "make the custom domain the default"
graph GET /v1.0/domains "$AT_A"
assert_json '[.value[] | select(.isDefault)] | length == 1 and .[0].id == $d' \
    "exactly one default" --arg d "$NAME"
graph PATCH "/v1.0/domains/$NAME" "$AT_A" '{"isDefault":false}'
assert_graph_error 400 isDefault "isDefault false"
graph POST /v1.0/domains "$AT_A" "{\"id\":\"pending-$NAME\"}"
graph PATCH "/v1.0/domains/pending-$NAME" "$AT_A" '{"isDefault":true}'
assert_graph_error 400 isDefault "an unverified domain cannot be the default"
graph PATCH "/v1.0/domains/$DOMAIN_A" "$AT_A" '{"isDefault":true}'
assert_status 204 "the initial domain is the default again"
graph DELETE "/v1.0/domains/$DOMAIN_A" "$AT_A"
assert_graph_error 400 id "delete the initial domain"
graph DELETE "/v1.0/domains/$FAB" "$AT_A"
assert_status 204 "delete an unused domain"
graph GET "/v1.0/domains/$FAB" "$AT_A"
assert_graph_error 404 "" "the deleted domain"

# --- roles and isolation -----------------------------------------------------------------
graph GET "/v1.0/domains/$NAME" "$AT_B"
assert_graph_error 404 "" "tenant B reads A's domain"
graph DELETE "/v1.0/domains/$NAME" "$AT_B"
assert_graph_error 404 "" "tenant B deletes A's domain"
graph POST "/v1.0/domains/$NAME/verify" "$AT_B"
assert_graph_error 404 "" "tenant B verifies A's domain by id"
graph GET /v1.0/domains "$AT_B"
assert_json 'all(.value[]; .id != $d)' "A's domain is not in B's list" --arg d "$NAME"

TID=$TID_A
AT_CAROL=$(graph_token "carol@$NAME")
graph GET /v1.0/domains "$AT_CAROL"
assert_status 200 "a member reads the domains"
graph POST /v1.0/domains "$AT_CAROL" '{"id":"carol.test"}'
assert_graph_error 403 "" "a member without a directory role adds a domain"
graph DELETE "/v1.0/domains/pending-$NAME" "$AT_CAROL"
assert_graph_error 403 "" "a member deletes a domain"
api GET /v1.0/domains
assert_status 401 "no token"

# Verification sends DNS queries: a tenant gets a bounded number per minute.
limited=0
for i in $(seq 1 25); do
    graph POST "/v1.0/domains/pending-$NAME/verify" "$AT_A"
    if [[ "$API_STATUS" == 429 ]]; then
        limited=1
        break
    fi
    assert_status 400 "verify attempt $i"
done
((limited)) || fail "25 verify calls within a minute were not rate-limited"
assert_graph_error 429 "" "verify rate limit"
assert_match '^[1-9][0-9]*$' "$(header retry-after)" "Retry-After"
graph POST "/v1.0/domains/pending-$NAME/verify" "$AT_B"
assert_graph_error 404 "" "another tenant is not limited by A's attempts"

stop_server
echo "PASS [$E2E_NAME]"
