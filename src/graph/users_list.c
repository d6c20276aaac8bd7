/* SPDX-License-Identifier: MIT */
/*
 * Listing and counting users: the parsed OData request (odata_request.h)
 * checked against Graph's rules, its $skiptoken verified, then one store
 * user_query (index range scans, keyset paging, bounded work). See
 * users_api.h.
 */
#include "graph/users_priv.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"

#define SCOPE_USERS "users"
#define SCOPE_DELETED "directory/deletedItems/microsoft.graph.user"

void atrium_graph_user_page_release(struct atrium_graph_user_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        atrium_user_release(&p->items[i]);
    xfree(p->items);
    xfree(p->next_token);
    memset(p, 0, sizeof(*p));
    p->total = -1;
}

/* A store failure of a query: over the work budget is the client's query, not the server. */
static int query_fail(struct atrium_odata_request *q, int rc, struct atrium_errinfo *e)
{
    if (rc != ATRIUM_ETOOBIG)
        return atrium_graph_store_fail(e, rc);
    q->unsupported = true;
    return atrium_err(e, ATRIUM_EINVAL, "$filter",
                      "The query is too expensive to evaluate. Add a condition on an indexed "
                      "property (id, userPrincipalName, displayName, mail, createdDateTime) or "
                      "narrow the $search.");
}

static int run(const struct atrium_users_env *env, const char *tenant_id,
               struct atrium_odata_request *q, const struct atrium_user_query *sq,
               struct atrium_user_page *ret, struct atrium_errinfo *e)
{
    int r = env->store->ops->user_query(env->store, tenant_id, sq, ret);
    return r < 0 ? query_fail(q, r, e) : 0;
}

int atrium_graph_user_list(const struct atrium_users_env *env, const char *tenant_id,
                           const struct atrium_principal *who, struct atrium_odata_request *q,
                           bool eventual, bool deleted, struct atrium_graph_user_page *ret,
                           struct atrium_errinfo *e)
{
    const char *scope = deleted ? SCOPE_DELETED : SCOPE_USERS;
    struct atrium_qcursor after = {0};
    struct atrium_user_page page = {0};
    memset(ret, 0, sizeof(*ret));
    ret->total = -1;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_read, e);
    if (r == 0 && !env->paging_key)
        r = atrium_err(e, ATRIUM_EINTERNAL, "", "No paging key is configured.");
    if (r == 0 && q->skiptoken)
        r = atrium_odata_token_decode(env->paging_key, tenant_id, scope, q, &after, e);
    if (r == 0)
        r = atrium_odata_request_finish(q, eventual, after.set, e);
    if (r == 0 && deleted)
        r = atrium_graph_users_purge_expired(env->store, tenant_id, e);
    const struct atrium_user_query sq = {.filter = q->filter,
                                         .search = q->search,
                                         .order = q->order,
                                         .after = &after,
                                         .limit = q->top,
                                         .want_count = q->count && !after.set,
                                         .deleted = deleted};
    if (r == 0)
        r = run(env, tenant_id, q, &sq, &page, e);
    if (r == 0 && page.has_more &&
        (r = atrium_odata_token_encode(env->paging_key, tenant_id, scope, q, &page.next,
                                       &ret->next_token)) < 0)
        atrium_err(e, r, "", "The next page link could not be made.");
    atrium_qcursor_release(&after);
    if (r < 0) {
        atrium_user_page_release(&page);
        atrium_graph_user_page_release(ret);
        return r;
    }
    ret->items = TAKE_PTR(page.items);
    ret->count = page.count;
    ret->total = page.total;
    page.count = 0;
    atrium_user_page_release(&page);
    return 0;
}

int atrium_graph_user_count(const struct atrium_users_env *env, const char *tenant_id,
                            const struct atrium_principal *who, struct atrium_odata_request *q,
                            bool eventual, int64_t *ret, struct atrium_errinfo *e)
{
    struct atrium_user_page page = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_users_read, e);
    if (r == 0 && !eventual)
        return atrium_err(e, ATRIUM_EINVAL, "$count", "$count is not currently supported.");
    if (r == 0 && q->skiptoken)
        r = atrium_err(e, ATRIUM_EINVAL, "$skiptoken", "$skiptoken is not allowed on $count.");
    q->count = true;
    if (r == 0)
        r = atrium_odata_request_finish(q, eventual, false, e);
    const struct atrium_user_query sq = {.filter = q->filter,
                                         .search = q->search,
                                         .order = {.prop = -1},
                                         .limit = 1,
                                         .want_count = true};
    if (r == 0)
        r = run(env, tenant_id, q, &sq, &page, e);
    if (r == 0)
        *ret = page.total;
    atrium_user_page_release(&page);
    return r;
}
