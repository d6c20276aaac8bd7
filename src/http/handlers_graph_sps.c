/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/servicePrincipals: list, create, get, delete, and the app role
 * assignments of a principal (appRoleAssignedTo: granted on it as a
 * resource; appRoleAssignments: granted to it). Authentication and the
 * route's rule were checked by the dispatcher; the services check again.
 */
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps.h"
#include "http/graph_http.h"
#include "http/request.h"
#include "http/response.h"

#define CONTEXT "servicePrincipals"

static int render_sp(struct atrium_req *rq, struct atrium_resp *rs, struct atrium_store *s,
                     unsigned status, const struct atrium_service_principal *sp,
                     const struct atrium_odata_query *q)
{
    json_t *obj = NULL;
    int r = atrium_graph_sp_render(s, sp, &obj, &rq->err);
    return r < 0 ? r : atrium_graph_resp_entity(rs, rq, status, CONTEXT, q, obj);
}

int atrium_handle_graph_sps_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_service_principal_list l = {0};
    char next[ATRIUM_UUID_LEN + 1] = "";
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_sp_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_sp_list(s, tid, rq->principal, &q, &l, next, &rq->err);
    json_t *items = json_array();
    for (size_t i = 0; r == 0 && i < l.count; i++) {
        json_t *obj = NULL;
        if ((r = atrium_graph_sp_render(s, &l.items[i], &obj, &rq->err)) == 0)
            json_array_append_new(items, obj);
    }
    if (r == 0)
        r = atrium_graph_resp_collection(rs, rq, CONTEXT, &q, items, next);
    else
        json_decref(items);
    atrium_service_principal_list_release(&l);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_sp_create(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    struct atrium_service_principal sp = {0};
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_sp_create(s, tid, rq->principal, body, &sp, &rq->err);
    if (r == 0)
        r = render_sp(rq, rs, s, 201, &sp, NULL);
    atrium_service_principal_release(&sp);
    return r;
}

int atrium_handle_graph_sp_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_service_principal sp = {0};
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_sp_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_sp_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &sp, &rq->err);
    if (r == 0)
        r = render_sp(rq, rs, s, 200, &sp, &q);
    atrium_service_principal_release(&sp);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_sp_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_sp_delete(s, tid, rq->principal, atrium_req_param(rq, "id"), &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

/* "servicePrincipals('<id>')/<nav>" for @odata.context (heap); the id is a checked GUID. */
static char *nav_context(const char *sp_id, const char *nav)
{
    return xasprintf("servicePrincipals('%s')/%s", sp_id, nav);
}

static int list_assignments(struct atrium_req *rq, struct atrium_resp *rs, bool of_resource)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_app_role_assignment_list l = {0};
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_assignment_list(s, tid, rq->principal, atrium_req_param(rq, "id"),
                                         of_resource, &l, &rq->err);
    json_t *items = json_array();
    for (size_t i = 0; r == 0 && i < l.count; i++) {
        json_t *obj = NULL;
        if ((r = atrium_graph_assignment_render(s, &l.items[i], &obj, &rq->err)) == 0)
            json_array_append_new(items, obj);
    }
    if (r == 0) {
        /* The service validated the id: a GUID, shown lowercase. */
        AUTO_FREE char *id = atrium_str_lower(xstrdup(atrium_req_param(rq, "id")));
        AUTO_FREE char *ctx =
            nav_context(id, of_resource ? "appRoleAssignedTo" : "appRoleAssignments");
        r = atrium_graph_resp_collection(rs, rq, ctx, NULL, items, "");
    } else {
        json_decref(items);
    }
    atrium_app_role_assignment_list_release(&l);
    return r;
}

int atrium_handle_graph_assigned_to_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    return list_assignments(rq, rs, true);
}

int atrium_handle_graph_assignments_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    return list_assignments(rq, rs, false);
}

int atrium_handle_graph_assigned_to_create(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body, *obj = NULL;
    struct atrium_app_role_assignment a = {0};
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_assignment_create(s, tid, rq->principal, atrium_req_param(rq, "id"), body,
                                           &a, &rq->err);
    if (r == 0)
        r = atrium_graph_assignment_render(s, &a, &obj, &rq->err);
    if (r < 0)
        return r;
    AUTO_FREE char *ctx = nav_context(a.resource_id, "appRoleAssignedTo");
    return atrium_graph_resp_entity(rs, rq, 201, ctx, NULL, obj);
}

int atrium_handle_graph_assigned_to_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_assignment_delete(s, tid, rq->principal, atrium_req_param(rq, "id"),
                                           atrium_req_param(rq, "assignmentId"), &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}
