/* SPDX-License-Identifier: MIT */
/*
 * Public tenant endpoints: GET /api/v1/tenants/{id} (by GUID or domain; the
 * public view only) and GET /api/v1/domains/available?prefix=.
 */
#include "http/handlers.h"

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/directory.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "model/tenant.h"

int atrium_handle_tenant_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    int r = atrium_req_store(rq, &s);
    if (r < 0)
        return r;
    struct atrium_tenant t = {0};
    if ((r = atrium_tenant_resolve(s, atrium_req_param(rq, "id"), &t, &rq->err)) < 0)
        return r;
    atrium_req_set_tenant(rq, t.id);
    r = atrium_resp_json(rs, 200,
                         json_pack("{s:s, s:s?, s:s?, s:s}", "id", t.id, "displayName",
                                   t.display_name, "initialDomain", t.initial_domain,
                                   "countryLetterCode", t.country));
    atrium_tenant_release(&t);
    return r;
}

int atrium_handle_domain_available(struct atrium_req *rq, struct atrium_resp *rs)
{
    const char *prefix;
    int r = atrium_req_query(rq, "prefix", &prefix);
    if (r < 0)
        return r;
    if (!prefix)
        return atrium_err(&rq->err, ATRIUM_EINVAL, "prefix",
                          "The query parameter 'prefix' is required.");
    if ((r = atrium_validate_domain_prefix(prefix, "prefix", &rq->err)) < 0)
        return r;
    struct atrium_store *s;
    if ((r = atrium_req_store(rq, &s)) < 0)
        return r;
    bool available = false;
    AUTO_FREE char *domain = NULL;
    r = atrium_domain_prefix_available(s, &rq->app->directory, prefix, &available, &domain,
                                       &rq->err);
    if (r < 0)
        return r;
    return atrium_resp_json(
        rs, 200,
        json_pack("{s:s, s:s, s:b}", "prefix", prefix, "domain", domain, "available", available));
}
