#!/usr/bin/env bash
# e2e: an acknowledged sign-up survives a graceful restart and a kill -9 right
# after the 201, and the dev CA is kept across restarts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# check_tenant_cli ID DOMAIN WHAT: visible through the CLI (server up or down).
check_tenant_cli() {
    local id=$1 domain=$2 what=$3
    run_cli tenant show --data "$DATA" "$id" --json
    assert_cli_rc 0 "$what: atrium tenant show $id"
    assert_cli_json '.id == $id and .initialDomain == $d' "$what: tenant show --json" \
        --arg id "$id" --arg d "$domain"
}

# check_tenant ID DOMAIN WHAT: visible through the CLI and the HTTP API.
check_tenant() {
    local id=$1 domain=$2 what=$3
    check_tenant_cli "$id" "$domain" "$what"
    api GET "/api/v1/tenants/$id"
    assert_status 200 "$what: GET /api/v1/tenants/$id"
    assert_json '.id == $id and .initialDomain == $d' "$what: GET tenant" --arg id "$id" \
        --arg d "$domain"
}

start_server
ca_before=$(sha256sum "$DATA/tls/ca.pem" | cut -d' ' -f1)

p1="durable$RANDOM"
post_json /api/v1/tenants "$(signup_json "$p1")"
assert_status 201 "sign-up of $p1"
id1=$(jq -r .id <<<"$API_BODY")
stop_server
check_tenant_cli "$id1" "$p1.atrium.localhost" "after SIGTERM, server down"

# Graceful restart on the same data dir.
start_server
check_tenant "$id1" "$p1.atrium.localhost" "after SIGTERM and restart"
ca_after=$(sha256sum "$DATA/tls/ca.pem" | cut -d' ' -f1)
assert_eq "$ca_before" "$ca_after" "dev CA checksum after a restart (must not be regenerated)"

# kill -9 immediately after the 201.
p2="crashed$RANDOM"
post_json /api/v1/tenants "$(signup_json "$p2")"
assert_status 201 "sign-up of $p2"
id2=$(jq -r .id <<<"$API_BODY")
kill9_server

# The database is consistent after the crash (SQLite data dirs only).
mapfile -t dbs < <(find "$DATA" -maxdepth 2 -name '*.db' -type f)
for db in "${dbs[@]}"; do
    check=$(sqlite3 "$db" 'PRAGMA integrity_check; PRAGMA foreign_key_check;' 2>&1) ||
        fail "sqlite3 could not check $db after kill -9: $check"
    assert_eq ok "$check" "integrity_check and foreign_key_check of $db after kill -9"
done
check_tenant_cli "$id2" "$p2.atrium.localhost" "after kill -9, server down"

start_server
check_tenant "$id2" "$p2.atrium.localhost" "after kill -9 and restart"
check_tenant "$id1" "$p1.atrium.localhost" "first tenant after kill -9 and restart"
api GET "/api/v1/domains/available?prefix=$p2"
assert_json '.available == false' "prefix $p2 is still taken after kill -9"
ca_after=$(sha256sum "$DATA/tls/ca.pem" | cut -d' ' -f1)
assert_eq "$ca_before" "$ca_after" "dev CA checksum after kill -9 and restart"

# Several acknowledged sign-ups, then kill -9 at once: none is lost.
ids=()
prefixes=()
for i in 1 2 3 4 5; do
    p="burst$i$RANDOM"
    post_json /api/v1/tenants "$(signup_json "$p")"
    assert_status 201 "burst sign-up $i"
    ids+=("$(jq -r .id <<<"$API_BODY")")
    prefixes+=("$p")
done
kill9_server
start_server
for i in "${!ids[@]}"; do
    api GET "/api/v1/tenants/${ids[$i]}"
    assert_status 200 "burst tenant ${prefixes[$i]} after kill -9"
done
stop_server
