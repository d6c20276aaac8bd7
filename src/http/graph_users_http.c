/* SPDX-License-Identifier: MIT */
/* Shared plumbing of the users, /me, deleted items and organization handlers; see
 * graph_users_http.h. */
#include "http/graph_users_http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "http/graph_http.h"
#include "http/kv.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "oauth/oauth.h"

#define LINK_MAX (16u << 10)

int atrium_users_http_begin(struct atrium_req *rq, struct atrium_users_env *ret_env,
                            const char **ret_tenant_id)
{
    memset(ret_env, 0, sizeof(*ret_env));
    ret_env->dir = &rq->app->directory;
    ret_env->paging_key = rq->app->oauth ? rq->app->oauth->paging_key : NULL;
    return atrium_graph_req_begin(rq, &ret_env->store, ret_tenant_id);
}

int atrium_users_http_query(struct atrium_req *rq, struct atrium_odata_request *q)
{
    const struct atrium_kv_list *list = NULL;
    atrium_odata_request_init(q);
    int r = atrium_req_query_list(rq, &list);
    for (size_t i = 0; r == 0 && i < list->count; i++)
        r = atrium_odata_request_set(q, &atrium_graph_user_resource, list->items[i].name,
                                     list->items[i].value, &rq->err);
    return r;
}

bool atrium_users_http_eventual(const struct atrium_req *rq)
{
    const char *v = atrium_req_header(rq, "ConsistencyLevel");
    return v && strcasecmp(v, "eventual") == 0;
}

int atrium_users_http_fail(struct atrium_resp *rs, struct atrium_req *rq,
                           const struct atrium_odata_request *q, int r)
{
    if (r != ATRIUM_EINVAL || !q || !q->unsupported || rq->err.code != r)
        return r;
    atrium_resp_reset(rs);
    return atrium_resp_graph_error(rs, rq, 400, "Request_UnsupportedQuery", rq->err.message,
                                   rq->err.field[0] ? rq->err.field : NULL);
}

/* Percent-encode s for a query value (unreserved characters kept). */
static void put_encoded(struct atrium_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            atrium_buf_append(b, p, 1);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            atrium_buf_append(b, esc, 3);
        }
    }
}

static void put_option(struct atrium_buf *b, const char *name, const char *value)
{
    if (!value)
        return;
    atrium_buf_printf(b, "&%s=", name);
    put_encoded(b, value);
}

/* The next page: same path and options, the new $skiptoken. Heap. */
static char *next_link(const struct atrium_req *rq, const struct atrium_odata_request *q,
                       const char *token)
{
    struct atrium_buf b;
    atrium_buf_init(&b, LINK_MAX);
    atrium_buf_printf(&b, "%s%s?$top=%zu", rq->app->public_url ? rq->app->public_url : "", rq->path,
                      q->top);
    put_option(&b, "$filter", q->raw_filter);
    put_option(&b, "$search", q->raw_search);
    put_option(&b, "$orderby", q->raw_orderby);
    put_option(&b, "$select", q->raw_select);
    put_option(&b, "$expand", q->expand_member_of ? "memberOf" : NULL);
    if (q->count)
        atrium_buf_puts(&b, "&$count=true");
    put_option(&b, "$skiptoken", token);
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

static char *context_url(const struct atrium_req *rq, const char *context,
                         const struct atrium_odata_request *q, const char *suffix)
{
    struct atrium_buf b;
    atrium_buf_init(&b, LINK_MAX);
    atrium_buf_printf(&b, "%s/v1.0/$metadata#%s", rq->app->public_url ? rq->app->public_url : "",
                      context);
    for (size_t i = 0; q && i < q->select_count; i++)
        atrium_buf_printf(&b, "%s%s", i ? "," : "(", q->select[i]->name);
    if (q && q->select_count)
        atrium_buf_puts(&b, ")");
    atrium_buf_puts(&b, suffix ? suffix : "");
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

int atrium_users_http_collection(struct atrium_resp *rs, const struct atrium_req *rq,
                                 const char *context, const struct atrium_odata_request *q,
                                 json_t *items, int64_t total, const char *next_token)
{
    AUTO_FREE char *ctx = context_url(rq, context, q, "");
    json_t *doc = json_pack("{s:s}", "@odata.context", ctx);
    if (doc && total >= 0)
        json_object_set_new(doc, "@odata.count", json_integer((json_int_t)total));
    if (doc && next_token) {
        AUTO_FREE char *link = next_link(rq, q, next_token);
        json_object_set_new(doc, "@odata.nextLink", json_string(link));
    }
    if (doc)
        json_object_set_new(doc, "value", items);
    else
        json_decref(items);
    return atrium_resp_json(rs, 200, doc);
}

int atrium_users_http_entity(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                             const char *context, const char *suffix,
                             const struct atrium_odata_request *q, json_t *obj)
{
    if (!obj)
        return ATRIUM_EINTERNAL;
    AUTO_FREE char *ctx = context_url(rq, context, q, suffix);
    json_t *doc = json_pack("{s:s}", "@odata.context", ctx);
    json_object_update(doc, obj);
    json_decref(obj);
    return atrium_resp_json(rs, status, doc);
}
