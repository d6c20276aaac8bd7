/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/directory/deletedItems for users: the list
 * (/deletedItems/microsoft.graph.user, the OData engine of /users over the
 * soft-deleted users), GET and DELETE (permanent) of one item, and
 * POST .../{id}/restore. Items carry "@odata.type" (the collection is of
 * directoryObjects) and deletedDateTime.
 */
#include "http/handlers.h"

#include "core/err.h"
#include "http/graph_http.h"
#include "http/graph_users_http.h"
#include "http/request.h"
#include "http/response.h"

#define CONTEXT_LIST "directory/deletedItems/microsoft.graph.user"
#define CONTEXT_ITEM "directory/deletedItems"

int atrium_handle_graph_deleted_users_list(struct atrium_req *rq, struct atrium_resp *rs)
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
                                   true, &page, &rq->err);
    if (r == 0) {
        json_t *items = json_array();
        for (size_t i = 0; i < page.count; i++)
            json_array_append_new(items, atrium_graph_user_to_json(&page.items[i], &q, false));
        r = atrium_users_http_collection(rs, rq, CONTEXT_LIST, &q, items, page.total,
                                         page.next_token);
    }
    r = atrium_users_http_fail(rs, rq, &q, r);
    atrium_graph_user_page_release(&page);
    atrium_odata_request_release(&q);
    return r;
}

int atrium_handle_graph_deleted_item_get(struct atrium_req *rq, struct atrium_resp *rs)
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
        r = atrium_graph_deleted_user_get(&env, tid, rq->principal, atrium_req_param(rq, "id"), &u,
                                          &rq->err);
    if (r == 0)
        r = atrium_users_http_entity(rs, rq, 200, CONTEXT_ITEM, "/$entity", &q,
                                     atrium_graph_user_to_json(&u, &q, true));
    r = atrium_users_http_fail(rs, rq, &q, r);
    atrium_user_release(&u);
    atrium_odata_request_release(&q);
    return r;
}

int atrium_handle_graph_deleted_item_delete(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_deleted_user_purge(&env, tid, rq->principal, atrium_req_param(rq, "id"),
                                            &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_deleted_item_restore(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    struct atrium_user u = {0};
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_deleted_user_restore(&env, tid, rq->principal, atrium_req_param(rq, "id"),
                                              &u, &rq->err);
    if (r == 0)
        r = atrium_users_http_entity(rs, rq, 200, "directoryObjects", "/$entity", NULL,
                                     atrium_graph_user_to_json(&u, NULL, true));
    atrium_user_release(&u);
    return r;
}
