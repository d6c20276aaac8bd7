/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/applications: list, create, get, update, delete, addPassword and
 * removePassword. The dispatcher has authenticated the caller and checked
 * the route's rule; each handler parses, calls one service (which checks
 * again and scopes everything to the caller's tenant) and renders.
 */
#include "http/handlers.h"

#include <string.h>

#include "core/err.h"
#include "graph/apps.h"
#include "http/graph_http.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "oauth/oauth.h"

#define CONTEXT "applications"

/* Render one application (200 or 201). */
static int render_app(struct atrium_req *rq, struct atrium_resp *rs, struct atrium_store *s,
                      unsigned status, const struct atrium_application *a,
                      const struct atrium_odata_query *q)
{
    json_t *obj = NULL;
    int r = atrium_graph_app_render(s, a, &obj, &rq->err);
    return r < 0 ? r : atrium_graph_resp_entity(rs, rq, status, CONTEXT, q, obj);
}

int atrium_handle_graph_apps_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_application_list l = {0};
    char next[ATRIUM_UUID_LEN + 1] = "";
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_app_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_app_list(s, tid, rq->principal, &q, &l, next, &rq->err);
    json_t *items = json_array();
    for (size_t i = 0; r == 0 && i < l.count; i++) {
        json_t *obj = NULL;
        if ((r = atrium_graph_app_render(s, &l.items[i], &obj, &rq->err)) == 0)
            json_array_append_new(items, obj);
    }
    if (r == 0)
        r = atrium_graph_resp_collection(rs, rq, CONTEXT, &q, items, next);
    else
        json_decref(items);
    atrium_application_list_release(&l);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_app_create(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    struct atrium_application a = {0};
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_app_create(s, tid, rq->principal, body, &a, &rq->err);
    if (r == 0)
        r = render_app(rq, rs, s, 201, &a, NULL);
    if (r == 0)
        atrium_graph_resp_location(rs, rq, "applications", a.id);
    atrium_application_release(&a);
    return r;
}

int atrium_handle_graph_app_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_application a = {0};
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_app_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_app_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &a, &rq->err);
    if (r == 0)
        r = render_app(rq, rs, s, 200, &a, &q);
    atrium_application_release(&a);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_app_update(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_app_update(s, tid, rq->principal, atrium_req_param(rq, "id"), body,
                                    &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_app_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_app_delete(s, tid, rq->principal, atrium_req_param(rq, "id"), &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_app_add_password(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    struct atrium_app_password p = {0};
    char secret[ATRIUM_CLIENT_SECRET_LEN + 1] = "";
    const struct atrium_secret_hasher *h = rq->app->oauth ? rq->app->oauth->secrets : NULL;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_app_add_password(s, h, tid, rq->principal, atrium_req_param(rq, "id"),
                                          body, &p, secret, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_value(rs, rq, 200, "microsoft.graph.passwordCredential",
                                    atrium_graph_password_to_json(&p, secret));
    explicit_bzero(secret, sizeof(secret));
    atrium_app_password_release(&p);
    return r;
}

int atrium_handle_graph_app_remove_password(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_app_remove_password(s, tid, rq->principal, atrium_req_param(rq, "id"),
                                             body, &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}
