/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/directoryRoleTemplates, /v1.0/directoryRoles (and their members)
 * and /v1.0/roleManagement/directory/{roleDefinitions,roleAssignments}.
 * The dispatcher has authenticated the caller and checked the route's
 * rule; each handler calls one service (graph/groups.h) and renders.
 */
#include "http/handlers.h"

#include <string.h>

#include "core/err.h"
#include "graph/groups.h"
#include "http/graph_http.h"
#include "http/request.h"
#include "http/response.h"

#define TEMPLATES_CONTEXT "directoryRoleTemplates"
#define ROLES_CONTEXT "directoryRoles"
#define DEFINITIONS_CONTEXT "roleManagement/directory/roleDefinitions"
#define ASSIGNMENTS_CONTEXT "roleManagement/directory/roleAssignments"

int atrium_handle_graph_role_templates_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *items = NULL;
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_dirobj_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_role_templates(rq->principal, tid, &items, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_collection(rs, rq, TEMPLATES_CONTEXT, &q, items, "");
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_role_template_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *obj = NULL;
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_dirobj_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_role_template_get(rq->principal, tid, atrium_req_param(rq, "id"), &obj,
                                           &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 200, TEMPLATES_CONTEXT, &q, obj);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_directory_roles_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *items = NULL;
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_dirobj_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_directory_roles(s, tid, rq->principal, &items, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_collection(rs, rq, ROLES_CONTEXT, &q, items, "");
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_directory_role_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *obj = NULL;
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_dirobj_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_directory_role_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &obj,
                                            &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 200, ROLES_CONTEXT, &q, obj);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_directory_role_activate(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body, *obj = NULL;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_directory_role_activate(s, tid, rq->principal, body, &obj, &rq->err);
    return r < 0 ? r : atrium_graph_resp_entity(rs, rq, 201, ROLES_CONTEXT, NULL, obj);
}

int atrium_handle_graph_directory_role_members(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *items = NULL;
    char next[ATRIUM_UUID_LEN + 1] = "";
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_dirobj_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_directory_role_members(s, tid, rq->principal, atrium_req_param(rq, "id"),
                                                &q, &items, next, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_collection(rs, rq, "directoryObjects", &q, items, next);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_directory_role_member_add(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_directory_role_member_add(s, tid, rq->principal,
                                                   atrium_req_param(rq, "id"), body, &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_directory_role_member_remove(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_directory_role_member_remove(s, tid, rq->principal,
                                                      atrium_req_param(rq, "id"),
                                                      atrium_req_param(rq, "memberId"), &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_role_definitions_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *items = NULL;
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_role_definition_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_role_definitions(rq->principal, tid, &q, &items, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_collection(rs, rq, DEFINITIONS_CONTEXT, &q, items, "");
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_role_definition_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *obj = NULL;
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_role_definition_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_role_definition_get(rq->principal, tid, atrium_req_param(rq, "id"), &obj,
                                             &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 200, DEFINITIONS_CONTEXT, &q, obj);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_role_assignments_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_role_assignment_list l = {0};
    char next[ATRIUM_UUID_LEN + 1] = "";
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_role_assignment_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_role_assignment_list(s, tid, rq->principal, &q, &l, next, &rq->err);
    if (r == 0) {
        json_t *items = json_array();
        for (size_t i = 0; i < l.count; i++)
            json_array_append_new(items, atrium_graph_role_assignment_to_json(&l.items[i]));
        r = atrium_graph_resp_collection(rs, rq, ASSIGNMENTS_CONTEXT, &q, items, next);
    }
    atrium_role_assignment_list_release(&l);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_role_assignment_create(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    struct atrium_role_assignment a = {0};
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_role_assignment_create(s, tid, rq->principal, body, &a, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 201, ASSIGNMENTS_CONTEXT, NULL,
                                     atrium_graph_role_assignment_to_json(&a));
    if (r == 0)
        atrium_graph_resp_location(rs, rq, ASSIGNMENTS_CONTEXT, a.id);
    return r;
}

int atrium_handle_graph_role_assignment_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_role_assignment a = {0};
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_role_assignment_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_role_assignment_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &a,
                                             &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 200, ASSIGNMENTS_CONTEXT, &q,
                                     atrium_graph_role_assignment_to_json(&a));
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_role_assignment_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_role_assignment_delete(s, tid, rq->principal, atrium_req_param(rq, "id"),
                                                &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}
