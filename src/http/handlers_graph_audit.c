/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/auditLogs: directoryAudits (list, get) and signIns (list). The
 * dispatcher has authenticated the caller and checked audit_read; each
 * handler parses the log query options, calls one service (which checks
 * again and reads only the caller's tenant) and renders the collection
 * with an absolute @odata.nextLink carrying the keyset $skiptoken.
 */
#include "http/handlers.h"

#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "graph/audit.h"
#include "http/graph_http.h"
#include "http/kv.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"

#define AUDITS_CONTEXT "auditLogs/directoryAudits"
#define SIGNINS_CONTEXT "auditLogs/signIns"
#define LINK_MAX (16u << 10)

/* The log query options of the request into q (initialised here; release it). */
static int log_query(struct atrium_req *rq, enum atrium_log_kind kind, struct atrium_log_query *q)
{
    const struct atrium_kv_list *list = NULL;
    atrium_log_query_init(q, kind);
    int r = atrium_req_query_list(rq, &list);
    for (size_t i = 0; r == 0 && i < list->count; i++)
        r = atrium_log_query_set(q, list->items[i].name, list->items[i].value, &rq->err);
    return r;
}

/* 200 {"@odata.context", "value": items, "@odata.nextLink"?}; items consumed. */
static int resp_log(struct atrium_resp *rs, const struct atrium_req *rq, const char *context,
                    const struct atrium_log_query *q, json_t *items,
                    const struct atrium_log_cursor *next)
{
    const char *base = rq->app->public_url ? rq->app->public_url : "";
    AUTO_FREE char *ctx = xasprintf("%s/v1.0/$metadata#%s", base, context);
    json_t *doc = json_pack("{s:s, s:o}", "@odata.context", ctx, "value", items);
    if (doc && next->id[0]) {
        struct atrium_buf b;
        atrium_buf_init(&b, LINK_MAX);
        AUTO_FREE char *token = atrium_log_skiptoken_encode(next);
        atrium_buf_printf(&b, "%s%s?$top=%zu", base, rq->path, q->top);
        if (q->raw_filter) {
            atrium_buf_puts(&b, "&$filter=");
            atrium_graph_put_encoded(&b, q->raw_filter);
        }
        atrium_buf_printf(&b, "&$skiptoken=%s", token);
        json_object_set_new(doc, "@odata.nextLink", json_string(b.buf));
        atrium_buf_release(&b);
    }
    return atrium_resp_json(rs, 200, doc);
}

int atrium_handle_graph_audits_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_log_query q;
    struct atrium_directory_audit_list l = {0};
    struct atrium_log_cursor next = {0};
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r < 0)
        return r;
    r = log_query(rq, ATRIUM_LOG_AUDITS, &q);
    if (r == 0)
        r = atrium_graph_audit_list(s, tid, rq->principal, &q, &l, &next, &rq->err);
    if (r == 0) {
        json_t *items = json_array();
        for (size_t i = 0; i < l.count; i++)
            json_array_append_new(items, atrium_graph_audit_to_json(&l.items[i]));
        r = resp_log(rs, rq, AUDITS_CONTEXT, &q, items, &next);
    }
    atrium_directory_audit_list_release(&l);
    atrium_log_query_release(&q);
    return r;
}

int atrium_handle_graph_audit_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_directory_audit a = {0};
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r == 0)
        r = atrium_graph_audit_get(s, tid, rq->principal, atrium_req_param(rq, "id"), &a, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_entity(rs, rq, 200, AUDITS_CONTEXT, NULL,
                                     atrium_graph_audit_to_json(&a));
    atrium_directory_audit_release(&a);
    return r;
}

int atrium_handle_graph_signins_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_log_query q;
    struct atrium_signin_event_list l = {0};
    struct atrium_log_cursor next = {0};
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r < 0)
        return r;
    r = log_query(rq, ATRIUM_LOG_SIGNINS, &q);
    if (r == 0)
        r = atrium_graph_signin_list(s, tid, rq->principal, &q, &l, &next, &rq->err);
    if (r == 0) {
        json_t *items = json_array();
        for (size_t i = 0; i < l.count; i++)
            json_array_append_new(items, atrium_graph_signin_to_json(s, &l.items[i]));
        r = resp_log(rs, rq, SIGNINS_CONTEXT, &q, items, &next);
    }
    atrium_signin_event_list_release(&l);
    atrium_log_query_release(&q);
    return r;
}
