/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/users: list (OData), $count, create, get, PATCH, DELETE and
 * revokeSignInSessions (200 {"value": true}, Graph's Edm.Boolean). The
 * dispatcher has authenticated the caller and checked the route's rule;
 * each handler parses, calls one service (graph/users_api.h), which checks
 * again and scopes everything to the caller's tenant, and renders.
 */
#include "http/handlers.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "graph/groups.h"
#include "http/graph_http.h"
#include "http/graph_users_http.h"
#include "http/request.h"
#include "http/response.h"

#define CONTEXT "users"

/* $expand=memberOf: the first memberships of u, inline. */
static int expand_member_of(struct atrium_req *rq, const struct atrium_users_env *env,
                            const char *tid, const struct atrium_odata_request *q,
                            const struct atrium_user *u, json_t *o)
{
    if (!q->expand_member_of)
        return 0;
    return atrium_graph_expand(env->store, tid, rq->principal, ATRIUM_MEMBER_USER, u->id, o,
                               &rq->err);
}

int atrium_handle_graph_users_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    struct atrium_odata_request q;
    struct atrium_graph_user_page page = {0};
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r < 0)
        return r;
    r = atrium_users_http_query(rq, &q);
    if (r == 0)
        r = atrium_graph_user_list(&env, tid, rq->principal, &q, atrium_users_http_eventual(rq),
                                   false, &page, &rq->err);
    if (r == 0) {
        json_t *items = json_array();
        for (size_t i = 0; r == 0 && i < page.count; i++) {
            json_t *o = atrium_graph_user_to_json(&page.items[i], &q, false);
            r = expand_member_of(rq, &env, tid, &q, &page.items[i], o);
            json_array_append_new(items, o);
        }
        if (r < 0)
            json_decref(items);
        else
            r = atrium_users_http_collection(rs, rq, CONTEXT, &q, items, page.total,
                                             page.next_token);
    }
    r = atrium_users_http_fail(rs, rq, &q, r);
    atrium_graph_user_page_release(&page);
    atrium_odata_request_release(&q);
    return r;
}

int atrium_handle_graph_users_count(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    struct atrium_odata_request q;
    int64_t n = 0;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r < 0)
        return r;
    r = atrium_users_http_query(rq, &q);
    if (r == 0)
        r = atrium_graph_user_count(&env, tid, rq->principal, &q, atrium_users_http_eventual(rq),
                                    &n, &rq->err);
    if (r == 0) {
        rs->status = 200;
        snprintf(rs->content_type, sizeof(rs->content_type), "text/plain; charset=utf-8");
        atrium_buf_printf(&rs->body, "%" PRId64, n);
    }
    r = atrium_users_http_fail(rs, rq, &q, r);
    atrium_odata_request_release(&q);
    return r;
}

int atrium_handle_graph_user_create(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    json_t *body;
    struct atrium_user u = {0};
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_req_body(rq, &body);
    if (r == 0)
        r = atrium_graph_user_create(&env, tid, rq->principal, body, &u, &rq->err);
    if (r == 0)
        r = atrium_users_http_entity(rs, rq, 201, CONTEXT, "/$entity", NULL,
                                     atrium_graph_user_to_json(&u, NULL, false));
    if (r == 0)
        atrium_graph_resp_location(rs, rq, "users", u.id);
    atrium_user_release(&u);
    return r;
}

int atrium_handle_graph_user_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    struct atrium_odata_request q;
    struct atrium_user u = {0};
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r < 0)
        return r;
    r = atrium_users_http_query(rq, &q);
    if (r == 0)
        r = atrium_graph_user_get(&env, tid, rq->principal, atrium_req_param(rq, "id"), &u,
                                  &rq->err);
    if (r == 0) {
        json_t *o = atrium_graph_user_to_json(&u, &q, false);
        r = expand_member_of(rq, &env, tid, &q, &u, o);
        if (r < 0)
            json_decref(o);
        else
            r = atrium_users_http_entity(rs, rq, 200, CONTEXT, "/$entity", &q, o);
    }
    r = atrium_users_http_fail(rs, rq, &q, r);
    atrium_user_release(&u);
    atrium_odata_request_release(&q);
    return r;
}

int atrium_handle_graph_user_update(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    json_t *body;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_req_body(rq, &body);
    if (r == 0)
        r = atrium_graph_user_update(&env, tid, rq->principal, atrium_req_param(rq, "id"), body,
                                     &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_user_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_user_delete(&env, tid, rq->principal, atrium_req_param(rq, "id"),
                                     &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_user_revoke_sessions(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_user_revoke_sessions(&env, tid, rq->principal, atrium_req_param(rq, "id"),
                                              &rq->err);
    if (r < 0)
        return r;
    return atrium_graph_resp_value(rs, rq, 200, "Edm.Boolean", json_pack("{s:b}", "value", 1));
}
