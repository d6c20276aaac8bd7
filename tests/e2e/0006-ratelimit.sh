#!/usr/bin/env bash
# e2e: self-service sign-up is rate limited per client IP: with --signup-rate 3
# the 4th attempt within a minute gets 429 with Retry-After.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_server --signup-rate 3

for i in 1 2 3; do
    post_json /api/v1/tenants "$(signup_json "rate$i$RANDOM")"
    assert_status 201 "sign-up $i of 3"
done

refused="rate4x$RANDOM"
post_json /api/v1/tenants "$(signup_json "$refused")"
assert_graph_error 429 "" "4th sign-up within a minute"
retry=$(header retry-after)
assert_match '^[0-9]+$' "$retry" "Retry-After of the 429"
((retry >= 1 && retry <= 60)) || fail "Retry-After $retry is not within 1..60 seconds"

# Still limited, and a refused attempt did not create the tenant.
post_json /api/v1/tenants "$(signup_json "rate5$RANDOM")"
assert_status 429 "5th sign-up within a minute"
api GET "/api/v1/domains/available?prefix=$refused"
assert_status 200 "availability while rate limited"
assert_json '.available == true' "the refused sign-up must not have created $refused"

stop_server
