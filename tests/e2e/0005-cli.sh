#!/usr/bin/env bash
# e2e: the admin CLI (atrium tenant|user ...) against the data dir of a
# running server: create, list, show, set-password, exit codes 0/1/2, help,
# and the server seeing what the CLI created.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_server

prefix="cli$RANDOM"
domain="$prefix.atrium.localhost"
pwfile="$E2E_DIR/pw"
printf '%s\n' "$GOOD_PASSWORD" >"$pwfile"
chmod 600 "$pwfile"

tenant_create_args=(tenant create --data "$DATA" --display-name "CLI Org" --prefix "$prefix"
    --country DE --contact-email "it@example.com" --admin-user admin
    --admin-given-name Ada --admin-surname Admin)

# --- tenant create / list / show ---
run_cli --stdin "$GOOD_PASSWORD" "${tenant_create_args[@]}" --password-stdin --json
assert_cli_rc 0 "atrium tenant create --password-stdin --json"
tid=$(jq -r '.id' <<<"$CLI_OUT" 2>/dev/null || true)
assert_match "$GUID_RE" "$tid" "tenant create --json .id"
assert_cli_json '.initialDomain == $d and .displayName == "CLI Org" and .countryLetterCode == "DE"
    and .admin.userPrincipalName == ("admin@" + $d)' "tenant create --json (sign-up body shape)" \
    --arg d "$domain"
[[ "$CLI_OUT$CLI_ERR" != *"$GOOD_PASSWORD"* ]] || fail "tenant create echoes the password"

run_cli tenant list --data "$DATA" --json
assert_cli_rc 0 "atrium tenant list --json"
assert_cli_json '[(if type == "array" then . else .value end)[] | select(.id == $id)] | length == 1' \
    "tenant list --json contains $tid" --arg id "$tid"
run_cli tenant list --data "$DATA"
assert_cli_rc 0 "atrium tenant list"
[[ "$CLI_OUT" == *"$domain"* ]] || fail "tenant list (text) does not show $domain: $CLI_OUT"

run_cli tenant show --data "$DATA" "$tid"
assert_cli_rc 0 "atrium tenant show ID"
[[ "$CLI_OUT" == *"$tid"* && "$CLI_OUT" == *"$domain"* ]] ||
    fail "tenant show (text) lacks the id or domain: $CLI_OUT"
run_cli tenant show --data "$DATA" "$domain" --json
assert_cli_rc 0 "atrium tenant show DOMAIN --json"
assert_cli_json '.id == $id' "tenant show by domain" --arg id "$tid"
ATRIUM_DATA="$DATA" run_cli tenant show "$tid" --json
assert_cli_rc 0 "atrium tenant show with ATRIUM_DATA instead of --data"
assert_cli_json '.id == $id' "tenant show with ATRIUM_DATA" --arg id "$tid"

# The running server sees the CLI-created tenant.
api GET "/api/v1/tenants/$tid"
assert_status 200 "server GET of the CLI-created tenant"
assert_json '.id == $id and .initialDomain == $d' "server view of the CLI tenant" \
    --arg id "$tid" --arg d "$domain"
api GET "/api/v1/domains/available?prefix=$prefix"
assert_json '.available == false' "prefix of the CLI-created tenant is taken"

# The same prefix again fails (1), with a message.
run_cli --stdin "$GOOD_PASSWORD" "${tenant_create_args[@]}" --password-stdin
assert_cli_rc 1 "tenant create with a taken prefix"
[[ -n "$CLI_ERR" ]] || fail "tenant create with a taken prefix printed nothing on stderr"

# --- user create / list / show / set-password ---
upn="bob@$domain"
run_cli user create --data "$DATA" --tenant "$tid" --upn "$upn" --display-name Bob \
    --password-file "$pwfile" --json
assert_cli_rc 0 "atrium user create --password-file --json"
uid=$(jq -r '.id' <<<"$CLI_OUT" 2>/dev/null || true)
assert_match "$GUID_RE" "$uid" "user create --json .id"
assert_cli_json '.userPrincipalName == $u and .displayName == "Bob"' "user create --json" \
    --arg u "$upn"
[[ "$CLI_OUT" != *'$argon2'* && "$CLI_OUT" != *"$GOOD_PASSWORD"* ]] ||
    fail "user create --json leaks the password or its hash: $CLI_OUT"

upn2="carol@$domain"
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$domain" --upn "$upn2" \
    --display-name Carol --given-name Carol --surname Jones --job-title Engineer \
    --password-stdin --force-change --json
assert_cli_rc 0 "user create by tenant domain with --password-stdin --force-change"

run_cli user list --data "$DATA" --tenant "$tid" --json
assert_cli_rc 0 "atrium user list --json"
assert_cli_json '[(if type == "array" then . else .value end)[] | .userPrincipalName]
    | (index($b) != null) and (index($c) != null) and (index($a) != null)' \
    "user list contains admin, bob and carol" --arg a "admin@$domain" --arg b "$upn" \
    --arg c "$upn2"
run_cli user list --data "$DATA" --tenant "$tid"
assert_cli_rc 0 "atrium user list"
[[ "$CLI_OUT" == *"$upn"* ]] || fail "user list (text) does not show $upn: $CLI_OUT"

run_cli user show --data "$DATA" --tenant "$tid" "$upn" --json
assert_cli_rc 0 "atrium user show UPN --json"
assert_cli_json '.id == $id and .userPrincipalName == $u' "user show by UPN" --arg id "$uid" \
    --arg u "$upn"
run_cli user show --data "$DATA" --tenant "$tid" "$uid"
assert_cli_rc 0 "atrium user show ID"
[[ "$CLI_OUT" == *"$upn"* ]] || fail "user show (text) does not show the UPN: $CLI_OUT"

run_cli --stdin 'An0ther-Secret#Phrase' user set-password --data "$DATA" --tenant "$tid" "$upn" \
    --password-stdin
assert_cli_rc 0 "atrium user set-password --password-stdin"
run_cli --stdin 'Th1rd-Secret#Phrase' user set-password --data "$DATA" --tenant "$tid" "$uid" \
    --password-stdin --force-change
assert_cli_rc 0 "atrium user set-password by id --force-change"

# --- failures: exit 1 with a readable message ---
expect_failure() { # expect_failure WHAT REGEX: exit 1 and stderr matching REGEX
    assert_cli_rc 1 "$1"
    [[ "$CLI_ERR" =~ $2 ]] || fail "$1: stderr does not match /$2/: ${CLI_ERR:0:400}"
}
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" \
    --tenant 00000000-0000-4000-8000-000000000000 --upn "x@$domain" --display-name X \
    --password-stdin
expect_failure "user create in an unknown tenant" '[Tt]enant'
run_cli tenant show --data "$DATA" nosuchtenant.atrium.localhost
expect_failure "tenant show of an unknown tenant" '[Tt]enant|not found'
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$tid" --upn "$upn" \
    --display-name Bob2 --password-stdin
expect_failure "user create with a duplicate UPN" '[Uu]ser[Pp]rincipal[Nn]ame|UPN|upn|exists|taken'
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$tid" \
    --upn "BOB@${domain^^}" --display-name Bob3 --password-stdin
assert_cli_rc 1 "user create with a duplicate UPN in other case"
run_cli --stdin 'short' user create --data "$DATA" --tenant "$tid" --upn "dave@$domain" \
    --display-name Dave --password-stdin
expect_failure "user create with a weak password" '[Pp]assword'
run_cli --stdin 'password123' user set-password --data "$DATA" --tenant "$tid" "$upn" \
    --password-stdin
expect_failure "set-password with a common password" '[Pp]assword'
run_cli user show --data "$DATA" --tenant "$tid" "nobody@$domain"
expect_failure "user show of an unknown user" '[Uu]ser|not found'
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$tid" \
    --upn "eve@other.example.com" --display-name Eve --password-stdin
assert_cli_rc 1 "user create with a UPN outside the tenant's domains"

# --- usage errors: exit 2 ---
run_cli tenant frobnicate --data "$DATA"
assert_cli_rc 2 "unknown verb"
run_cli frobnicate
assert_cli_rc 2 "unknown noun"
run_cli tenant list --data "$DATA" --no-such-flag
assert_cli_rc 2 "unknown flag"
run_cli --stdin "$GOOD_PASSWORD" user create --data "$DATA" --tenant "$tid" \
    --display-name Frank --password-stdin
assert_cli_rc 2 "user create without --upn"
run_cli --stdin "$GOOD_PASSWORD" tenant create --data "$DATA" --display-name X --country US \
    --contact-email it@example.com --admin-user a --admin-given-name A --admin-surname B \
    --password-stdin
assert_cli_rc 2 "tenant create without --prefix"
run_cli user create --data "$DATA" --tenant "$tid" --upn "frank@$domain" --display-name Frank
assert_cli_rc 2 "user create without a password source"
run_cli user create --data "$DATA" --tenant "$tid" --upn "frank@$domain" --display-name Frank \
    --password "$GOOD_PASSWORD"
assert_cli_rc 2 "a password on argv (--password) is refused"
run_cli tenant create --data "$DATA" --display-name X --prefix "argv$RANDOM" --country US \
    --contact-email it@example.com --admin-user a --admin-given-name A --admin-surname B \
    --password "$GOOD_PASSWORD"
assert_cli_rc 2 "tenant create with --password on argv is refused"
run_cli user show --data "$DATA" --tenant "$tid"
assert_cli_rc 2 "user show without USER"
[[ -n "$CLI_ERR" ]] || fail "a usage error printed nothing on stderr"

# --- help and version ---
for cmd in "serve" "migrate" "tenant create" "tenant list" "tenant show" "user create" \
    "user list" "user show" "user set-password"; do
    read -r -a words <<<"$cmd"
    run_cli "${words[@]}" --help
    assert_cli_rc 0 "atrium $cmd --help"
    [[ -n "$CLI_OUT" ]] || fail "atrium $cmd --help printed nothing on stdout"
done
run_cli --help
assert_cli_rc 0 "atrium --help"
run_cli --version
assert_cli_rc 0 "atrium --version"
assert_match '[0-9]+\.[0-9]+\.[0-9]+' "$CLI_OUT" "atrium --version output"

# --- migrate is idempotent on a live data dir ---
run_cli migrate --data "$DATA"
assert_cli_rc 0 "atrium migrate on an up-to-date data dir"

# The server still works and still sees everything.
api GET "/api/v1/tenants/$domain"
assert_status 200 "server GET after the CLI session"
stop_server
