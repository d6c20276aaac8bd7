/* SPDX-License-Identifier: MIT */
/* OAuth error bodies in Entra ID's shape; see entra_error.h. */
#include "http/entra_error.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "http/errmap.h"
#include "http/request.h"
#include "http/response.h"
#include "http/text.h"

#define RETRY_AFTER_DEFAULT 5

void atrium_entra_timestamp(int64_t t, char out[ATRIUM_ENTRA_TIMESTAMP_LEN + 1])
{
    char iso[ATRIUM_ISO8601_LEN + 1];
    atrium_iso8601(t, iso);
    iso[10] = ' ';
    memcpy(out, iso, ATRIUM_ENTRA_TIMESTAMP_LEN + 1);
}

int atrium_entra_code(const struct atrium_oauth_error *e)
{
    if (e->aadsts > 0)
        return e->aadsts;
    if (e->status == 429)
        return 90055; /* TenantThrottlingError */
    if (e->status == 503)
        return 90033; /* a transient error, try again */
    if (e->status >= 500)
        return 50000; /* there is an issue with the sign-in service */
    if (e->error && strcmp(e->error, "invalid_client") == 0)
        return 7000215;
    return 9002313; /* the request is malformed or invalid */
}

/* A usable correlation id: 1..128 characters of [A-Za-z0-9._-]. */
static bool correlation_ok(const char *v)
{
    size_t n = v ? strlen(v) : 0;
    if (n == 0 || n > ATRIUM_CLIENT_REQUEST_ID_MAX)
        return false;
    return strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

const char *atrium_entra_correlation(struct atrium_req *rq)
{
    if (rq->client_request_id[0])
        return rq->client_request_id;
    const struct atrium_kv_list *q;
    struct atrium_errinfo saved = rq->err; /* a malformed query is the handler's business */
    if (rq->query && rq->query[0] && atrium_req_query_list(rq, &q) == 0) {
        const char *v = atrium_kv_get(q, "client-request-id");
        if (atrium_kv_count(q, "client-request-id") == 1 && correlation_ok(v)) {
            memcpy(rq->client_request_id, v, strlen(v) + 1);
            return rq->client_request_id;
        }
    }
    rq->err = saved;
    return rq->request_id;
}

static json_t *error_body(struct atrium_req *rq, const struct atrium_oauth_error *e)
{
    char ts[ATRIUM_ENTRA_TIMESTAMP_LEN + 1];
    atrium_entra_timestamp(atrium_now(), ts);
    const char *correlation = atrium_entra_correlation(rq);
    int code = atrium_entra_code(e);
    char *text =
        atrium_http_sanitize_text(e->description[0] ? e->description : "The request is invalid.");
    AUTO_FREE char *description =
        xasprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", code, text,
                  rq->request_id, correlation, ts);
    free(text);
    json_t *doc = json_pack("{s:s, s:s, s:[i], s:s, s:s, s:s}", "error",
                            e->error ? e->error : "invalid_request", "error_description",
                            description, "error_codes", code, "timestamp", ts, "trace_id",
                            rq->request_id, "correlation_id", correlation);
    if (doc && e->suberror)
        json_object_set_new(doc, "suberror", json_string(e->suberror));
    return doc;
}

int atrium_resp_oauth_error(struct atrium_resp *rs, struct atrium_req *rq,
                            const struct atrium_oauth_error *e)
{
    unsigned status = e->status >= 400 && e->status <= 599 ? e->status : 400;
    unsigned retry = rs->retry_after ? rs->retry_after : RETRY_AFTER_DEFAULT;
    atrium_resp_reset(rs);
    if (atrium_resp_json(rs, status, error_body(rq, e)) < 0) {
        atrium_resp_reset(rs);
        atrium_buf_puts(&rs->body, "{\"error\":\"server_error\"}");
        rs->status = 500;
        snprintf(rs->content_type, sizeof(rs->content_type), "%s", ATRIUM_CONTENT_TYPE_JSON);
    }
    atrium_resp_header(rs, "Cache-Control", "no-store, no-cache");
    atrium_resp_header(rs, "Pragma", "no-cache");
    if (status == 429 || status == 503) {
        char value[16];
        snprintf(value, sizeof(value), "%u", retry);
        atrium_resp_header(rs, "Retry-After", value);
    }
    return 0;
}

void atrium_entra_from_code(int code, const struct atrium_errinfo *ei,
                            struct atrium_oauth_error *ret)
{
    const struct atrium_errmap_entry *m = atrium_errmap_get(code);
    bool detail = m->public_message && ei && ei->code == code && ei->message[0];
    memset(ret, 0, sizeof(*ret));
    ret->error = m->oauth_error;
    ret->status = m->oauth_status;
    snprintf(ret->description, sizeof(ret->description), "%s",
             detail ? ei->message : m->default_message);
}
