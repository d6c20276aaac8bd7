# shellcheck shell=bash
# Helpers of the OAuth / sign-in end-to-end tests (sourced after lib.sh):
# a tenant from self-service sign-up, PKCE values computed with openssl, a
# "browser" (curl with a cookie jar that never follows redirects), reading
# the hosted pages' forms, and reading parameters out of redirect URLs.
#
# Globals after signup_tenant: TID, DOMAIN, ADMIN_UPN.
# Globals after pkce_pair: VERIFIER, CHALLENGE.
# JAR: the cookie jar of browse (reset with new_browser).

FIRST_PARTY=04b07795-8ddb-461a-bbee-02f9e1bf7b46
JAR="$E2E_DIR/cookies.txt"

# signup_tenant PREFIX: a fresh tenant whose admin is ada@<domain> with GOOD_PASSWORD.
signup_tenant() {
    post_json /api/v1/tenants "$(signup_json "$1")"
    assert_status 201 "sign-up of $1"
    TID=$(jq -r .id <<<"$API_BODY")
    DOMAIN=$(jq -r .initialDomain <<<"$API_BODY")
    ADMIN_UPN=$(jq -r .admin.userPrincipalName <<<"$API_BODY")
    assert_match "$GUID_RE" "$TID" "tenant id"
}

# pkce_pair: a random RFC 7636 verifier and its S256 challenge.
pkce_pair() {
    VERIFIER=$(openssl rand -base64 48 | tr -d '\n=' | tr '+/' '-_' | cut -c1-64)
    CHALLENGE=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | openssl base64 -A |
        tr -d '=' | tr '+/' '-_')
    [[ ${#CHALLENGE} == 43 ]] || fail "computed PKCE challenge has ${#CHALLENGE} characters"
}

new_browser() { rm -f "$JAR"; }

# browse METHOD PATH-OR-URL [curl args...]: api with the cookie jar; no redirects followed.
browse() {
    local method=$1 target=$2
    shift 2
    api "$method" "$target" --cookie "$JAR" --cookie-jar "$JAR" "$@"
}

# html_decode TEXT: undo the pages' escaping.
html_decode() {
    local s=$1
    s=${s//&quot;/\"}
    s=${s//&#39;/\'}
    s=${s//&#96;/\`}
    s=${s//&lt;/<}
    s=${s//&gt;/>}
    s=${s//&amp;/&}
    printf '%s' "$s"
}

# page_has TEXT: does the last page show TEXT (after undoing the escaping)?
page_has() {
    [[ "$(html_decode "$API_BODY")" == *"$1"* ]]
}

# form_inputs: "name<TAB>value" for every hidden input of the last page.
form_inputs() {
    grep -o '<input type="hidden" name="[^"]*" value="[^"]*">' <<<"$API_BODY" |
        sed -E 's/^<input type="hidden" name="([^"]*)" value="([^"]*)">$/\1\t\2/' || true
}

# form_value NAME: the (decoded) value of hidden input NAME on the last page, or "".
form_value() {
    local name value
    while IFS=$'\t' read -r name value; do
        if [[ "$name" == "$1" ]]; then
            html_decode "$value"
            return 0
        fi
    done < <(form_inputs)
}

# form_args [SKIP-NAME...]: curl --data-urlencode arguments for every hidden
# input of the last page (except the names given), into the array FORM_ARGS.
form_args() {
    FORM_ARGS=()
    local name value skip s
    while IFS=$'\t' read -r name value; do
        skip=0
        for s in "$@"; do
            [[ "$name" == "$s" ]] && skip=1
        done
        ((skip)) && continue
        FORM_ARGS+=(--data-urlencode "$name=$(html_decode "$value")")
    done < <(form_inputs)
}

# form_action: the (decoded) action of the first form on the last page.
form_action() {
    local a
    a=$(grep -o '<form [^>]*action="[^"]*"' <<<"$API_BODY" | head -n 1 |
        sed -E 's/.*action="([^"]*)"/\1/')
    html_decode "$a"
}

# url_decode TEXT
url_decode() {
    local s=${1//+/ }
    printf '%b' "${s//%/\\x}"
}

# url_param URL NAME: the decoded value of NAME in the URL's query or fragment, or "".
url_param() {
    local url=$1 name=$2 part kv
    part=${url#*[?#]}
    [[ "$part" != "$url" ]] || return 0
    local IFS='&#'
    for kv in $part; do
        if [[ "${kv%%=*}" == "$name" ]]; then
            url_decode "${kv#*=}"
            return 0
        fi
    done
}

# assert_page STATUS WHAT: an HTML page with the pages' security headers.
assert_page() {
    assert_status "$1" "$2"
    assert_match '^text/html' "$(header content-type)" "$2: content type"
    assert_match "frame-ancestors 'none'" "$(header content-security-policy)" "$2: CSP"
    [[ "$(header content-security-policy)" != *unsafe-inline* ]] || fail "$2: CSP allows unsafe-inline"
    assert_eq DENY "$(header x-frame-options)" "$2: X-Frame-Options"
    [[ -z "$(header location)" ]] || fail "$2: a page must not redirect (Location: $(header location))"
}

# assert_entra_error STATUS ERROR CODE WHAT: Entra's JSON error body.
assert_entra_error() {
    local status=$1 error=$2 code=$3 what=$4
    assert_status "$status" "$what"
    assert_match '^application/json' "$(header content-type)" "$what: content type"
    assert_json '(.error == $e) and (.error_codes | type == "array" and .[0] == ($c | tonumber))
        and (.error_description | startswith("AADSTS" + $c + ": "))
        and (.error_description | test("\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: .+\r\nTimestamp: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
        and (.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
        and (.trace_id | test("^[0-9a-f-]{36}$")) and (.correlation_id | type == "string")' \
        "$what: Entra error body ($error, $code)" --arg e "$error" --arg c "$code"
}

# authorize_url [EXTRA-QUERY]: the first-party client's authorize URL with PKCE
# (pkce_pair first), redirect http://localhost:$CB_PORT, state STATE.
CB_PORT=$((20000 + RANDOM % 20000))
REDIRECT="http://localhost:$CB_PORT"
authorize_url() {
    local extra=${1:-}
    printf '/%s/oauth2/v2.0/authorize?client_id=%s&response_type=code&redirect_uri=%s&scope=%s&state=%s&code_challenge=%s&code_challenge_method=S256&client_info=1%s' \
        "$TID" "$FIRST_PARTY" "http%3A%2F%2Flocalhost%3A$CB_PORT" "openid%20profile%20offline_access" \
        "st-$RANDOM" "$CHALLENGE" "$extra"
}

# sign_in LOGIN PASSWORD: post the sign-in form on the last page (hidden fields kept).
sign_in() {
    local action
    action=$(form_action)
    [[ -n "$action" ]] || fail "no form on the page to sign in with: ${API_BODY:0:400}"
    form_args
    browse POST "$action" "${FORM_ARGS[@]}" --data-urlencode "login=$1" \
        --data-urlencode "passwd=$2"
}

# jwt_payload JWT: the decoded (unverified) claims of a compact JWS, as JSON.
jwt_payload() {
    local payload
    payload=$(cut -d. -f2 <<<"$1" | tr '_-' '/+')
    while ((${#payload} % 4)); do payload+="="; done
    base64 -d <<<"$payload"
}

# redeem_code CODE: the token request of the first-party client for CODE with VERIFIER.
redeem_code() {
    api POST "/$TID/oauth2/v2.0/token" --data-urlencode grant_type=authorization_code \
        --data-urlencode "client_id=$FIRST_PARTY" --data-urlencode "code=$1" \
        --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "code_verifier=$VERIFIER" \
        --data-urlencode "scope=openid profile offline_access" --data-urlencode client_info=1
}
