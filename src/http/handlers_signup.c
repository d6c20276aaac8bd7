/* SPDX-License-Identifier: MIT */
/*
 * POST /api/v1/tenants: self-service sign-up. Guard clauses in order: enabled,
 * per-client rate limit (every attempt counts, valid or not), JSON content
 * type, strict JSON decoding, then the one service call; 201 with Location.
 */
#include "http/handlers.h"

#include "core/err.h"
#include "core/json.h"
#include "core/xalloc.h"
#include "graph/audit.h"
#include "graph/directory.h"
#include "http/ratelimit.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "http/server_priv.h"

static void decref(void *p)
{
    json_decref(p);
}

static int check_rate(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_ratelimit *rl = rq->server ? rq->server->signup_limit : NULL;
    if (!rl)
        return 0;
    char key[ATRIUM_RATELIMIT_KEY_MAX];
    atrium_ratelimit_client_key(rq->remote_ip, key);
    unsigned retry = 0;
    if (atrium_ratelimit_take(rl, key, &retry) == 0)
        return 0;
    rs->retry_after = retry;
    return atrium_err(&rq->err, ATRIUM_ERATE, "",
                      "Too many sign-up attempts from this address. Retry in %u seconds.", retry);
}

static int render_created(struct atrium_req *rq, struct atrium_resp *rs,
                          const struct atrium_signup_result *res)
{
    const char *base = rq->app->public_url ? rq->app->public_url : "";
    AUTO_FREE char *location = xasprintf("%s/api/v1/tenants/%s", base, res->tenant.id);
    int r = atrium_resp_json(rs, 201, atrium_signup_result_to_json(res));
    if (r < 0)
        return r;
    atrium_req_set_tenant(rq, res->tenant.id);
    return atrium_resp_header(rs, "Location", location);
}

int atrium_handle_signup(struct atrium_req *rq, struct atrium_resp *rs)
{
    if (!rq->app->self_signup)
        return atrium_err(&rq->err, ATRIUM_EFORBIDDEN, "",
                          "Self-service sign-up is disabled on this server. Ask its operator to "
                          "create the tenant.");
    int r = check_rate(rq, rs);
    if (r < 0)
        return r;
    if ((r = atrium_req_require_json(rq)) < 0)
        return r;
    json_t *body;
    if ((r = atrium_json_parse_object(rq->body, rq->body_len, &body, &rq->err)) < 0)
        return r;
    atrium_req_defer(rq, decref, body);
    struct atrium_signup_request req;
    if ((r = atrium_signup_request_from_json(body, &req, &rq->err)) < 0)
        return r;
    struct atrium_store *s;
    if ((r = atrium_req_store(rq, &s)) < 0)
        return r;
    struct atrium_signup_result res = {0};
    const struct atrium_audit_actor actor = {
        .kind = ATRIUM_AUDIT_BY_APP,
        .display_name = ATRIUM_AUDIT_SIGNUP_NAME,
        .ip_address = rq->remote_ip,
        .correlation_id = rq->client_request_id[0] ? rq->client_request_id : rq->request_id,
    };
    r = atrium_tenant_signup_as(s, &rq->app->directory, &actor, &req, &res, &rq->err);
    if (r == 0)
        r = render_created(rq, rs, &res);
    atrium_signup_result_release(&res);
    return r;
}
