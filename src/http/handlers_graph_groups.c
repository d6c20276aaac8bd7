/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/groups (list, create, get, update, delete), their members and
 * owners ($ref), transitiveMembers, memberOf / transitiveMemberOf and
 * checkMemberGroups / getMemberGroups of groups and users. The dispatcher
 * has authenticated the caller and checked the route's rule; each handler
 * parses, calls one service (graph/groups.h) and renders.
 */
#include "http/handlers.h"

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "graph/groups.h"
#include "http/graph_http.h"
#include "http/request.h"
#include "http/response.h"

#define CONTEXT "groups"
#define DIROBJ_CONTEXT "directoryObjects"
#define STRINGS_CONTEXT "Collection(Edm.String)"

int atrium_handle_graph_groups_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_group_list l = {0};
    char next[ATRIUM_UUID_LEN + 1] = "";
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_group_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_group_list(s, tid, rq->principal, &q, &l, next, &rq->err);
    if (r == 0) {
        json_t *items = json_array();
        for (size_t i = 0; r == 0 && i < l.count; i++) {
            json_t *o = atrium_graph_group_to_json(&l.items[i]);
            if (q.expand)
                r = atrium_graph_expand(s, tid, rq->principal, ATRIUM_MEMBER_GROUP, l.items[i].id,
                                        o, &rq->err);
            json_array_append_new(items, o);
        }
        if (r < 0)
            json_decref(items);
        else
            r = atrium_graph_resp_collection(rs, rq, CONTEXT, &q, items, next);
    }
    atrium_group_list_release(&l);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_group_create(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    struct atrium_group g = {0};
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_group_create(s, tid, rq->principal, body, &g, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 201, CONTEXT, NULL, atrium_graph_group_to_json(&g));
    if (r == 0)
        atrium_graph_resp_location(rs, rq, "groups", g.id);
    atrium_group_release(&g);
    return r;
}

int atrium_handle_graph_group_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    struct atrium_group g = {0};
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_group_odata, &s, &tid, &q);
    if (r == 0)
        r = atrium_graph_group_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &g, &rq->err);
    if (r == 0) {
        json_t *o = atrium_graph_group_to_json(&g);
        if (q.expand)
            r = atrium_graph_expand(s, tid, rq->principal, ATRIUM_MEMBER_GROUP, g.id, o, &rq->err);
        if (r < 0)
            json_decref(o);
        else
            r = atrium_graph_resp_entity(rs, rq, 200, CONTEXT, &q, o);
    }
    atrium_group_release(&g);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_group_update(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_group_update(s, tid, rq->principal, atrium_req_param(rq, "id"), body,
                                      &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_group_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_group_delete(s, tid, rq->principal, atrium_req_param(rq, "id"), &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

/* What a directoryObject listing computes. */
enum listing {
    LIST_MEMBERS,
    LIST_OWNERS,
    LIST_TRANSITIVE_MEMBERS,
    LIST_MEMBER_OF,
    LIST_TRANSITIVE_MEMBER_OF,
};

static int run_listing(struct atrium_req *rq, struct atrium_store *s, const char *tid,
                       enum listing what, enum atrium_member_kind kind,
                       const struct atrium_odata_query *q, json_t **items, char *next)
{
    const char *id = atrium_req_param(rq, "id");
    switch (what) {
    case LIST_MEMBERS:
    case LIST_OWNERS:
        return atrium_graph_group_links(s, tid, rq->principal, id,
                                        what == LIST_OWNERS ? ATRIUM_GROUP_OWNERS
                                                            : ATRIUM_GROUP_MEMBERS,
                                        q, items, next, &rq->err);
    case LIST_TRANSITIVE_MEMBERS:
        return atrium_graph_group_transitive_members(s, tid, rq->principal, id, q, items, next,
                                                     &rq->err);
    default:
        return atrium_graph_member_of(s, tid, rq->principal, kind, id,
                                      what == LIST_TRANSITIVE_MEMBER_OF, q, items, next, &rq->err);
    }
}

/* A page of directoryObjects: {"@odata.context": ...#directoryObjects, "value", nextLink?}. */
static int listing(struct atrium_req *rq, struct atrium_resp *rs, enum listing what,
                   enum atrium_member_kind kind)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *items = NULL;
    char next[ATRIUM_UUID_LEN + 1] = "";
    int r = atrium_graph_req_begin_query(rq, &atrium_graph_dirobj_odata, &s, &tid, &q);
    if (r == 0)
        r = run_listing(rq, s, tid, what, kind, &q, &items, next);
    if (r == 0)
        r = atrium_graph_resp_collection(rs, rq, DIROBJ_CONTEXT, &q, items, next);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_group_members(struct atrium_req *rq, struct atrium_resp *rs)
{
    return listing(rq, rs, LIST_MEMBERS, ATRIUM_MEMBER_GROUP);
}

int atrium_handle_graph_group_owners(struct atrium_req *rq, struct atrium_resp *rs)
{
    return listing(rq, rs, LIST_OWNERS, ATRIUM_MEMBER_GROUP);
}

int atrium_handle_graph_group_transitive_members(struct atrium_req *rq, struct atrium_resp *rs)
{
    return listing(rq, rs, LIST_TRANSITIVE_MEMBERS, ATRIUM_MEMBER_GROUP);
}

int atrium_handle_graph_group_member_of(struct atrium_req *rq, struct atrium_resp *rs)
{
    return listing(rq, rs, LIST_MEMBER_OF, ATRIUM_MEMBER_GROUP);
}

int atrium_handle_graph_group_transitive_member_of(struct atrium_req *rq, struct atrium_resp *rs)
{
    return listing(rq, rs, LIST_TRANSITIVE_MEMBER_OF, ATRIUM_MEMBER_GROUP);
}

int atrium_handle_graph_user_member_of(struct atrium_req *rq, struct atrium_resp *rs)
{
    return listing(rq, rs, LIST_MEMBER_OF, ATRIUM_MEMBER_USER);
}

int atrium_handle_graph_user_transitive_member_of(struct atrium_req *rq, struct atrium_resp *rs)
{
    return listing(rq, rs, LIST_TRANSITIVE_MEMBER_OF, ATRIUM_MEMBER_USER);
}

static int ref_add(struct atrium_req *rq, struct atrium_resp *rs, enum atrium_group_link link)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = atrium_graph_group_ref_add(s, tid, rq->principal, atrium_req_param(rq, "id"), link,
                                       body, &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

static int ref_remove(struct atrium_req *rq, struct atrium_resp *rs, enum atrium_group_link link)
{
    struct atrium_store *s;
    const char *tid;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_group_ref_remove(s, tid, rq->principal, atrium_req_param(rq, "id"), link,
                                          atrium_req_param(rq, "objectId"), &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_group_member_add(struct atrium_req *rq, struct atrium_resp *rs)
{
    return ref_add(rq, rs, ATRIUM_GROUP_MEMBERS);
}

int atrium_handle_graph_group_owner_add(struct atrium_req *rq, struct atrium_resp *rs)
{
    return ref_add(rq, rs, ATRIUM_GROUP_OWNERS);
}

int atrium_handle_graph_group_member_remove(struct atrium_req *rq, struct atrium_resp *rs)
{
    return ref_remove(rq, rs, ATRIUM_GROUP_MEMBERS);
}

int atrium_handle_graph_group_owner_remove(struct atrium_req *rq, struct atrium_resp *rs)
{
    return ref_remove(rq, rs, ATRIUM_GROUP_OWNERS);
}

/* checkMemberGroups (check) or getMemberGroups of a user or group: 200 {"value": [ids]}. */
static int member_groups(struct atrium_req *rq, struct atrium_resp *rs,
                         enum atrium_member_kind kind, bool check)
{
    struct atrium_store *s;
    const char *tid;
    json_t *body, *value = NULL;
    int r = atrium_graph_req_begin_body(rq, &s, &tid, &body);
    if (r == 0)
        r = check ? atrium_graph_check_member_groups(s, tid, rq->principal, kind,
                                                     atrium_req_param(rq, "id"), body, &value,
                                                     &rq->err)
                  : atrium_graph_get_member_groups(s, tid, rq->principal, kind,
                                                   atrium_req_param(rq, "id"), body, &value,
                                                   &rq->err);
    return r < 0 ? r : atrium_graph_resp_collection(rs, rq, STRINGS_CONTEXT, NULL, value, "");
}

int atrium_handle_graph_group_check_member_groups(struct atrium_req *rq, struct atrium_resp *rs)
{
    return member_groups(rq, rs, ATRIUM_MEMBER_GROUP, true);
}

int atrium_handle_graph_group_get_member_groups(struct atrium_req *rq, struct atrium_resp *rs)
{
    return member_groups(rq, rs, ATRIUM_MEMBER_GROUP, false);
}

int atrium_handle_graph_user_check_member_groups(struct atrium_req *rq, struct atrium_resp *rs)
{
    return member_groups(rq, rs, ATRIUM_MEMBER_USER, true);
}

int atrium_handle_graph_user_get_member_groups(struct atrium_req *rq, struct atrium_resp *rs)
{
    return member_groups(rq, rs, ATRIUM_MEMBER_USER, false);
}
