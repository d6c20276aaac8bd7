/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/oauth2PermissionGrants: delegated consent. List ($filter on
 * clientId and the other ids), create, get, update (scope) and delete.
 * Authentication and the route's rule were checked by the dispatcher.
 */
#include "http/handlers.h"

#include "core/err.h"
#include "graph/apps.h"
#include "http/graph_http.h"
#include "http/request.h"
#include "http/response.h"

#define CONTEXT "oauth2PermissionGrants"

int atrium_handle_graph_grants_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_oauth2_grant_list l = {0};
    char next[ATRIUM_UUID_LEN + 1] = "";
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_grant_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_grant_list(s, tid, rq->principal, &q, &l, next, &rq->err);
    if (r == 0) {
        json_t *items = json_array();
        for (size_t i = 0; i < l.count; i++)
            json_array_append_new(items, atrium_graph_grant_to_json(&l.items[i]));
        r = atrium_graph_resp_collection(rs, rq, CONTEXT, &q, items, next);
    }
    atrium_oauth2_grant_list_release(&l);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_grant_create(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    struct atrium_oauth2_grant g = {0};
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_grant_create(s, tid, rq->principal, body, &g, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 201, CONTEXT, NULL, atrium_graph_grant_to_json(&g));
    atrium_oauth2_grant_release(&g);
    return r;
}

int atrium_handle_graph_grant_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_oauth2_grant g = {0};
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_grant_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_grant_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &g, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 200, CONTEXT, &q, atrium_graph_grant_to_json(&g));
    atrium_oauth2_grant_release(&g);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_grant_update(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_grant_update(s, tid, rq->principal, atrium_req_param(rq, "id"), body,
                                      &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_grant_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_grant_delete(s, tid, rq->principal, atrium_req_param(rq, "id"), &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}
