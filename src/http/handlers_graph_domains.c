/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/domains: list, add, get, PATCH (default domain), DELETE,
 * verificationDnsRecords and verify. The dispatcher has authenticated the
 * caller and checked the route's rule; each handler parses, calls one
 * domain service (graph/domains.h, which checks again and scopes to the
 * caller's tenant) and renders. Verification is rate-limited per tenant
 * (it sends DNS queries).
 */
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/domains.h"
#include "http/graph_http.h"
#include "http/ratelimit.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "http/server_priv.h"

#define CONTEXT "domains"

/* Render one domain (isRoot needs the tenant's other domains). */
static int render_domain(struct atrium_req *rq, struct atrium_resp *rs, struct atrium_store *s,
                         unsigned status, const struct atrium_domain *d,
                         const struct atrium_odata_query *q, const char *availability)
{
    json_t *obj = NULL;
    int r = atrium_graph_domain_render(s, d, &obj, &rq->err);
    if (r < 0)
        return r;
    if (availability)
        json_object_set_new(obj, "availabilityStatus", json_string(availability));
    return atrium_graph_resp_entity(rs, rq, status, CONTEXT, q, obj);
}

int atrium_handle_graph_domains_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_domain_list l = {0};
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_domain_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_domain_list(s, tid, rq->principal, &l, &rq->err);
    if (r == 0) {
        json_t *items = json_array();
        for (size_t i = 0; i < l.count; i++)
            json_array_append_new(items, atrium_graph_domain_to_json(&l.items[i], &l));
        r = atrium_graph_resp_collection(rs, rq, CONTEXT, &q, items, "");
    }
    atrium_domain_list_release(&l);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_domain_create(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    struct atrium_domain d = {0};
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_domain_add(s, &rq->app->directory, tid, rq->principal, body, &d, &rq->err);
    if (r == 0)
        r = render_domain(rq, rs, s, 201, &d, NULL, NULL);
    if (r == 0)
        atrium_graph_resp_location(rs, rq, "domains", d.name);
    atrium_domain_release(&d);
    return r;
}

int atrium_handle_graph_domain_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_domain d = {0};
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_domain_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_domain_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &d,
                                    &rq->err);
    if (r == 0)
        r = render_domain(rq, rs, s, 200, &d, &q, NULL);
    atrium_domain_release(&d);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_domain_update(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_domain_update(s, tid, rq->principal, atrium_req_param(rq, "id"), body,
                                       &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_domain_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_domain_usage usage = {0};
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_domain_delete(s, tid, rq->principal, atrium_req_param(rq, "id"), &usage,
                                       &rq->err);
    if (r == ATRIUM_EINVAL && usage.user_count > 0) {
        /* The full list of referencing users does not fit the errinfo message. */
        AUTO_FREE char *msg = atrium_graph_domain_usage_message(atrium_req_param(rq, "id"), &usage);
        r = atrium_resp_graph_error(rs, rq, 400, "Request_BadRequest", msg, "id");
    } else if (r == 0) {
        r = atrium_graph_resp_no_content(rs);
    }
    atrium_domain_usage_release(&usage);
    return r;
}

int atrium_handle_graph_domain_dns_records(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_domain d = {0};
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_domain_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &d,
                                    &rq->err);
    if (r == 0) {
        AUTO_FREE char *context = xasprintf("domains('%s')/verificationDnsRecords", d.name);
        r = atrium_graph_resp_collection(rs, rq, context, NULL,
                                         atrium_graph_domain_dns_records_to_json(&d), "");
    }
    atrium_domain_release(&d);
    return r;
}

/* Each verification sends DNS queries: a bounded number per tenant and minute. */
static int check_verify_rate(struct atrium_req *rq, struct atrium_resp *rs, const char *tid)
{
    struct atrium_ratelimit *rl = rq->server ? rq->server->domain_verify_limit : NULL;
    char key[ATRIUM_RATELIMIT_KEY_MAX];
    unsigned retry = 0;
    snprintf(key, sizeof(key), "verify:%s", tid);
    if (!rl || atrium_ratelimit_take(rl, key, &retry) == 0)
        return 0;
    rs->retry_after = retry;
    return atrium_err(&rq->err, ATRIUM_ERATE, "",
                      "Too many domain verification attempts in this tenant. Retry in %u seconds.",
                      retry);
}

int atrium_handle_graph_domain_verify(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_domain d = {0};
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = check_verify_rate(rq, rs, tid);
    if (r == 0)
        r = atrium_graph_domain_verify(s, tid, rq->principal, atrium_req_param(rq, "id"),
                                       rq->app->dns_server, &d, &rq->err);
    if (r == 0)
        r = render_domain(rq, rs, s, 200, &d, NULL, "AvailableImmediately");
    atrium_domain_release(&d);
    return r;
}
