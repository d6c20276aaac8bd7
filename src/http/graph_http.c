/* SPDX-License-Identifier: MIT */
/* Shared plumbing of the directory API handlers; see graph_http.h. */
#include "http/graph_http.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/xalloc.h"
#include "http/kv.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "model/principal.h"

#define LINK_MAX (16u << 10) /* bytes of an @odata.context or @odata.nextLink */

static void decref(void *p)
{
    json_decref(p);
}

int atrium_graph_req_begin(struct atrium_req *rq, struct atrium_store **ret_store,
                           const char **ret_tenant_id)
{
    if (!rq->principal || !rq->principal->tenant_id[0])
        return atrium_err(&rq->err, ATRIUM_EAUTH, "", "Access token is empty.");
    *ret_tenant_id = rq->principal->tenant_id;
    return atrium_req_store(rq, ret_store);
}

int atrium_graph_req_body(struct atrium_req *rq, json_t **ret)
{
    int r = atrium_req_require_json(rq);
    if (r < 0)
        return r;
    json_t *body = NULL;
    if ((r = atrium_json_parse_object(rq->body, rq->body_len, &body, &rq->err)) < 0)
        return r;
    atrium_req_defer(rq, decref, body);
    *ret = body;
    return 0;
}

int atrium_graph_req_begin_body(struct atrium_req *rq, struct atrium_store **ret_store,
                                const char **ret_tenant_id, json_t **ret_body)
{
    int r = atrium_graph_req_begin(rq, ret_store, ret_tenant_id);
    return r < 0 ? r : atrium_graph_req_body(rq, ret_body);
}

int atrium_graph_req_begin_query(struct atrium_req *rq, const struct atrium_odata_spec *spec,
                                 struct atrium_store **ret_store, const char **ret_tenant_id,
                                 struct atrium_odata_query *q)
{
    atrium_odata_query_init(q);
    int r = atrium_graph_req_begin(rq, ret_store, ret_tenant_id);
    return r < 0 ? r : atrium_graph_req_query(rq, spec, q);
}

int atrium_graph_req_query(struct atrium_req *rq, const struct atrium_odata_spec *spec,
                           struct atrium_odata_query *q)
{
    const struct atrium_kv_list *list = NULL;
    atrium_odata_query_init(q);
    int r = atrium_req_query_list(rq, &list);
    for (size_t i = 0; r == 0 && i < list->count; i++)
        r = atrium_odata_query_set(q, spec, list->items[i].name, list->items[i].value, &rq->err);
    return r;
}

void atrium_graph_put_encoded(struct atrium_buf *b, const char *s)
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

/* The absolute link to the next page: same path and options, new $skiptoken. Heap. */
static char *next_link(const struct atrium_req *rq, const struct atrium_odata_query *q,
                       const char *next_after)
{
    struct atrium_buf b;
    atrium_buf_init(&b, LINK_MAX);
    AUTO_FREE char *token = atrium_odata_skiptoken_encode(next_after);
    atrium_buf_printf(&b, "%s%s?$top=%zu", rq->app->public_url ? rq->app->public_url : "", rq->path,
                      q->top);
    if (q->raw_filter) {
        atrium_buf_puts(&b, "&$filter=");
        atrium_graph_put_encoded(&b, q->raw_filter);
    }
    if (q->raw_select) {
        atrium_buf_puts(&b, "&$select=");
        atrium_graph_put_encoded(&b, q->raw_select);
    }
    if (q->expand)
        atrium_buf_printf(&b, "&$expand=%s", q->expand);
    atrium_buf_printf(&b, "&$skiptoken=%s", token);
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

/* "{public_url}/v1.0/$metadata#<context>[(<select>)]<suffix>" (heap). */
static char *context_url(const struct atrium_req *rq, const char *context,
                         const struct atrium_odata_query *q, const char *suffix)
{
    struct atrium_buf b;
    atrium_buf_init(&b, LINK_MAX);
    atrium_buf_printf(&b, "%s/v1.0/$metadata#%s", rq->app->public_url ? rq->app->public_url : "",
                      context);
    for (size_t i = 0; q && i < q->select_count; i++)
        atrium_buf_printf(&b, "%s%s", i ? "," : "(", q->select[i]);
    if (q && q->select_count)
        atrium_buf_puts(&b, ")");
    atrium_buf_puts(&b, suffix);
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

int atrium_graph_resp_collection(struct atrium_resp *rs, const struct atrium_req *rq,
                                 const char *context, const struct atrium_odata_query *q,
                                 json_t *items, const char *next_after)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) atrium_odata_apply_select(q, item);
    AUTO_FREE char *ctx = context_url(rq, context, q, "");
    json_t *doc = json_pack("{s:s, s:o}", "@odata.context", ctx, "value", items);
    if (doc && next_after && next_after[0]) {
        AUTO_FREE char *link = next_link(rq, q, next_after);
        json_object_set_new(doc, "@odata.nextLink", json_string(link));
    }
    return atrium_resp_json(rs, 200, doc);
}

static int resp_object(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                       const char *context, const struct atrium_odata_query *q, json_t *obj,
                       const char *suffix)
{
    if (!obj)
        return ATRIUM_EINTERNAL;
    atrium_odata_apply_select(q, obj);
    AUTO_FREE char *ctx = context_url(rq, context, q, suffix);
    json_t *doc = json_pack("{s:s}", "@odata.context", ctx);
    json_object_update(doc, obj);
    json_decref(obj);
    return atrium_resp_json(rs, status, doc);
}

int atrium_graph_resp_entity(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                             const char *context, const struct atrium_odata_query *q, json_t *obj)
{
    return resp_object(rs, rq, status, context, q, obj, "/$entity");
}

int atrium_graph_resp_value(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                            const char *type, json_t *obj)
{
    return resp_object(rs, rq, status, type, NULL, obj, "");
}

void atrium_graph_resp_location(struct atrium_resp *rs, const struct atrium_req *rq,
                                const char *collection, const char *id)
{
    AUTO_FREE char *location =
        xasprintf("%s/v1.0/%s/%s", rq->app->public_url ? rq->app->public_url : "", collection, id);
    atrium_resp_header(rs, "Location", location);
}

int atrium_graph_resp_no_content(struct atrium_resp *rs)
{
    rs->status = 204;
    rs->content_type[0] = '\0';
    return 0;
}
