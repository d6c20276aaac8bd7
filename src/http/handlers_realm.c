/* SPDX-License-Identifier: MIT */
/*
 * Realm discovery, public and rate limited per client (one bucket for the
 * three, app->realm_per_minute): GET /common/userrealm/{login} (also
 * /common/UserRealm/{login} and /common/userrealm?user=) in Entra's JSON
 * shapes for api-version 1.0 / 2.0 / 2.1, the legacy GET
 * /getuserrealm.srf?login= (JSON), and the HTML page GET /discover?q=.
 * The answers depend on the domain only (graph/realm.h).
 */
#include "http/handlers.h"

#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "graph/realm.h"
#include "http/html.h"
#include "http/pages.h"
#include "http/pages_realm.h"
#include "http/ratelimit.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "http/server_priv.h"

/* Spend one look-up of the client's bucket; ERATE (429 + Retry-After) when empty. */
static int check_rate(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_ratelimit *rl = rq->server ? rq->server->realm_limit : NULL;
    if (!rl)
        return 0;
    char key[ATRIUM_RATELIMIT_KEY_MAX];
    atrium_ratelimit_client_key(rq->remote_ip, key);
    unsigned retry = 0;
    if (atrium_ratelimit_take(rl, key, &retry) == 0)
        return 0;
    rs->retry_after = retry;
    return atrium_err(&rq->err, ATRIUM_ERATE, "",
                      "Too many look-ups from this address. Retry in %u seconds.", retry);
}

/* Look login up; answer with the userrealm document (srf: the getuserrealm.srf one). */
static int answer(struct atrium_req *rq, struct atrium_resp *rs, const char *login,
                  enum atrium_realm_api api, bool srf)
{
    struct atrium_store *s;
    int r = atrium_req_store(rq, &s);
    if (r < 0)
        return r;
    struct atrium_realm realm = {0};
    r = atrium_realm_lookup(s, login, &realm, &rq->err);
    if (r == 0) {
        AUTO_FREE char *cloud = atrium_realm_cloud_instance(rq->app->public_url);
        if (realm.kind == ATRIUM_REALM_MANAGED)
            atrium_req_set_tenant(rq, realm.tenant_id);
        json_t *doc = srf ? atrium_realm_srf_json(&realm, cloud)
                          : atrium_realm_userrealm_json(&realm, api, cloud);
        r = doc ? atrium_resp_json(rs, 200, doc)
                : atrium_err(&rq->err, ATRIUM_EINTERNAL, "", "realm document not rendered");
    }
    atrium_realm_release(&realm);
    return r;
}

int atrium_handle_userrealm(struct atrium_req *rq, struct atrium_resp *rs)
{
    int r = check_rate(rq, rs);
    if (r < 0)
        return r;
    const char *version = NULL;
    const char *login = atrium_req_param(rq, "login");
    if ((r = atrium_req_query(rq, "api-version", &version)) < 0)
        return r;
    if (!login && (r = atrium_req_query(rq, "user", &login)) < 0)
        return r;
    if (!login)
        return atrium_err(&rq->err, ATRIUM_EINVAL, "user",
                          "The user is required: /common/userrealm/{user}?api-version=2.1.");
    enum atrium_realm_api api;
    if ((r = atrium_realm_api_parse(version, &api, &rq->err)) < 0)
        return r;
    return answer(rq, rs, login, api, false);
}

int atrium_handle_getuserrealm(struct atrium_req *rq, struct atrium_resp *rs)
{
    int r = check_rate(rq, rs);
    if (r < 0)
        return r;
    const char *login = NULL;
    if ((r = atrium_req_query(rq, "login", &login)) < 0)
        return r;
    if (!login)
        return atrium_err(&rq->err, ATRIUM_EINVAL, "login",
                          "The query parameter 'login' is required.");
    return answer(rq, rs, login, ATRIUM_REALM_API_2, true);
}

/* Render the page into rs with status. */
static int send_page(struct atrium_resp *rs, unsigned status, const struct atrium_discover_page *p)
{
    struct atrium_buf b;
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    int r = atrium_page_discover(&b, p);
    if (r == 0)
        r = atrium_html_respond(rs, status, &b, NULL, false);
    atrium_buf_release(&b);
    return r;
}

int atrium_handle_discover(struct atrium_req *rq, struct atrium_resp *rs)
{
    int r = check_rate(rq, rs);
    if (r < 0)
        return r;
    const char *q = NULL;
    const char *suffix = rq->app->directory.initial_domain_suffix;
    struct atrium_discover_page page = {
        .self_signup = rq->app->self_signup,
        .domain_suffix = suffix && *suffix ? suffix : ATRIUM_DEFAULT_DOMAIN_SUFFIX,
    };
    if ((r = atrium_req_query(rq, ATRIUM_DISCOVER_FIELD, &q)) < 0) {
        /* A malformed or repeated q: the form again, with the reason. */
        page.error = rq->err.message;
        return r == ATRIUM_EINVAL ? send_page(rs, 400, &page) : r;
    }
    if (!q)
        return send_page(rs, 200, &page);
    if (strnlen(q, ATRIUM_REALM_INPUT_MAX + 1) <= ATRIUM_REALM_INPUT_MAX)
        page.query = q; /* echoed in the field; an over-long value is not */
    struct atrium_store *s;
    if ((r = atrium_req_store(rq, &s)) < 0)
        return r;
    struct atrium_realm realm = {0};
    unsigned status = 200;
    r = atrium_realm_lookup(s, q, &realm, &rq->err);
    if (r == ATRIUM_EINVAL) {
        page.error = rq->err.message;
        status = 400;
    } else if (r == 0) {
        page.realm = &realm;
    }
    if (r == 0 || r == ATRIUM_EINVAL)
        r = send_page(rs, status, &page);
    atrium_realm_release(&realm);
    return r;
}
