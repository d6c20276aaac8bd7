#!/usr/bin/env bash
# e2e: 20 concurrent sign-ups racing for one prefix: exactly one 201, all the
# others 409 (no 500), and the store ends with one tenant for that prefix.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=20
start_server --threads 4

prefix="race$RANDOM$RANDOM"
domain="$prefix.atrium.localhost"
race="$E2E_DIR/race"
mkdir -p "$race"
for i in $(seq 1 "$N"); do
    # Different display names and admins: only the prefix collides.
    signup_json "$prefix" ".displayName = \"Racer $i\" | .admin.userName = \"racer$i\"" \
        >"$race/$i.json"
done

# Start all the clients, then release them together.
go="$race/go"
pids=()
for i in $(seq 1 "$N"); do
    (
        while [[ ! -e "$go" ]]; do
            [[ -d "$race" ]] || exit 0 # the test ended early
            sleep 0.01
        done
        curl -sS --max-time 120 --cacert "$CA" -o "$race/$i.body" -w '%{http_code}' \
            -H 'Content-Type: application/json' --data-binary "@$race/$i.json" \
            "$BASE_URL/api/v1/tenants" >"$race/$i.status" 2>"$race/$i.err" || true
    ) &
    pids+=($!)
done
sleep 0.5
touch "$go"
for pid in "${pids[@]}"; do
    wait "$pid"
done

created=0
conflicts=0
winner=""
others=()
for i in $(seq 1 "$N"); do
    status=$(cat "$race/$i.status" 2>/dev/null || true)
    case $status in
    201)
        created=$((created + 1))
        winner=$i
        ;;
    409)
        conflicts=$((conflicts + 1))
        jq -e '.error.code | type == "string"' "$race/$i.body" >/dev/null 2>&1 ||
            fail "409 #$i has no Graph error envelope: $(head -c 300 "$race/$i.body")"
        ;;
    *) others+=("#$i: status '${status:-none}' $(head -c 200 "$race/$i.body") $(cat "$race/$i.err")") ;;
    esac
done
((${#others[@]} == 0)) || fail "requests neither 201 nor 409: $(printf '%s; ' "${others[@]}")"
assert_eq 1 "$created" "number of 201 responses"
assert_eq $((N - 1)) "$conflicts" "number of 409 responses"

id=$(jq -r .id "$race/$winner.body")
assert_match "$GUID_RE" "$id" "id of the winning sign-up"

# The HTTP view: the domain resolves to the winner.
api GET "/api/v1/tenants/$domain"
assert_status 200 "GET /api/v1/tenants/$domain"
assert_json '.id == $id and .displayName == $name' "tenant of $domain is the winner" \
    --arg id "$id" --arg name "Racer $winner"

# The store: exactly one tenant with that initial domain.
run_cli tenant list --data "$DATA" --json
assert_cli_rc 0 "atrium tenant list --json"
count=$(jq --arg d "$domain" \
    '[(if type == "array" then . else .value end)[] | select(.initialDomain == $d)] | length' \
    <<<"$CLI_OUT") || fail "tenant list --json is not a JSON array or {value: [...]}: ${CLI_OUT:0:300}"
assert_eq 1 "$count" "tenants with initial domain $domain in the store"

stop_server
