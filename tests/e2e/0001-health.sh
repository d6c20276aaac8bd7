#!/usr/bin/env bash
# e2e: health and readiness probes, the request id header, and the Graph error
# envelope of an unknown path.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_server

api GET /healthz
assert_status 200 "GET /healthz"
rid=$(header x-ms-request-id)
assert_match "$GUID_RE" "$rid" "x-ms-request-id of /healthz"

api GET /readyz
assert_status 200 "GET /readyz"
rid2=$(header x-ms-request-id)
assert_match "$GUID_RE" "$rid2" "x-ms-request-id of /readyz"
[[ "$rid" != "$rid2" ]] || fail "two requests got the same x-ms-request-id $rid"

api GET /no/such/path
assert_graph_error 404 "" "GET /no/such/path"
assert_match '^application/json' "$(header content-type)" "content-type of the 404"
rid=$(header x-ms-request-id)
assert_match "$GUID_RE" "$rid" "x-ms-request-id of the 404"
assert_json '.error.innerError["request-id"] == $rid' "404 innerError.request-id" --arg rid "$rid"

# An unknown path under the API prefix is a 404 too, not a crash or a 200.
api GET /api/v1/nothing-here
assert_graph_error 404 "" "GET /api/v1/nothing-here"

stop_server
