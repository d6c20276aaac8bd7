/* SPDX-License-Identifier: MIT */
/* Response building and the Graph error envelope; see response.h. */
#include "http/response.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/json_dump.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "http/errmap.h"
#include "http/request.h"
#include "http/text.h"

void atrium_resp_init(struct atrium_resp *rs)
{
    memset(rs, 0, sizeof(*rs));
    atrium_buf_init(&rs->body, ATRIUM_RESP_BODY_MAX);
}

static void drop_headers(struct atrium_resp *rs)
{
    for (size_t i = 0; i < rs->nheaders; i++) {
        free(rs->headers[i].name);
        free(rs->headers[i].value);
    }
    rs->nheaders = 0;
}

void atrium_resp_release(struct atrium_resp *rs)
{
    drop_headers(rs);
    atrium_buf_release(&rs->body);
}

void atrium_resp_reset(struct atrium_resp *rs)
{
    drop_headers(rs);
    atrium_buf_reset(&rs->body);
    rs->status = 0;
    rs->content_type[0] = '\0';
}

int atrium_resp_header(struct atrium_resp *rs, const char *name, const char *value)
{
    if (!atrium_http_is_token(name) || !atrium_http_is_field_value(value))
        return ATRIUM_EINVAL;
    if (rs->nheaders == ATRIUM_RESP_HEADERS_MAX)
        return ATRIUM_ETOOBIG;
    rs->headers[rs->nheaders].name = xstrdup(name);
    rs->headers[rs->nheaders].value = xstrdup(value);
    rs->nheaders++;
    return 0;
}

const char *atrium_resp_header_get(const struct atrium_resp *rs, const char *name)
{
    for (size_t i = 0; i < rs->nheaders; i++)
        if (atrium_str_ieq(rs->headers[i].name, name))
            return rs->headers[i].value;
    return NULL;
}

static int set_body(struct atrium_resp *rs, unsigned status, const char *type, const char *data,
                    size_t len)
{
    atrium_buf_reset(&rs->body);
    int r = atrium_buf_append(&rs->body, data, len);
    if (r < 0)
        return r;
    rs->status = status;
    snprintf(rs->content_type, sizeof(rs->content_type), "%s", type);
    return 0;
}

int atrium_resp_json(struct atrium_resp *rs, unsigned status, json_t *doc)
{
    atrium_buf_reset(&rs->body);
    int r = doc ? atrium_json_dump(doc, &rs->body) : ATRIUM_EINTERNAL;
    json_decref(doc);
    if (r < 0) {
        atrium_buf_reset(&rs->body);
        return r == ATRIUM_ETOOBIG ? r : ATRIUM_EINTERNAL;
    }
    rs->status = status;
    snprintf(rs->content_type, sizeof(rs->content_type), "%s", ATRIUM_CONTENT_TYPE_JSON);
    return 0;
}

/* Graph's innerError.date: ISO 8601 UTC without the trailing 'Z'. */
static void graph_date(char out[ATRIUM_ISO8601_LEN + 1])
{
    atrium_iso8601(atrium_now(), out);
    size_t n = strlen(out);
    if (n > 0 && out[n - 1] == 'Z')
        out[n - 1] = '\0';
}

int atrium_resp_graph_error(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                            const char *graph_code, const char *message, const char *target)
{
    char date[ATRIUM_ISO8601_LEN + 1];
    graph_date(date);
    char *msg = atrium_http_sanitize_text(message ? message : "");
    json_t *inner = json_pack("{s:s, s:s}", "date", date, "request-id", rq->request_id);
    if (rq->client_request_id[0])
        json_object_set_new(inner, "client-request-id", json_string(rq->client_request_id));
    json_t *err = json_pack("{s:s, s:s}", "code", graph_code, "message", msg);
    free(msg);
    if (target && *target) {
        char *t = atrium_http_sanitize_text(target);
        json_object_set_new(err, "target", json_string(t));
        free(t);
    }
    json_object_set_new(err, "innerError", inner);
    int r = atrium_resp_json(rs, status, json_pack("{s:o}", "error", err));
    if (r < 0) /* only if something above was NULL: never leave the response unset */
        return set_body(rs, 500, ATRIUM_CONTENT_TYPE_JSON, "{}", 2);
    return 0;
}

int atrium_resp_error(struct atrium_resp *rs, const struct atrium_req *rq, int code,
                      const struct atrium_errinfo *e)
{
    const struct atrium_errmap_entry *m = atrium_errmap_get(code);
    bool detail = m->public_message && e && e->code == code && e->message[0];
    unsigned retry = rs->retry_after ? rs->retry_after : m->retry_after;
    atrium_resp_graph_error(rs, rq, m->status, m->graph_code,
                            detail ? e->message : m->default_message,
                            detail && e->field[0] ? e->field : NULL);
    if (m->retry_after && !atrium_resp_header_get(rs, "Retry-After")) {
        char value[16];
        snprintf(value, sizeof(value), "%u", retry);
        atrium_resp_header(rs, "Retry-After", value);
    }
    return 0;
}

int atrium_resp_html_csp(struct atrium_resp *rs, unsigned status, const char *html, size_t len,
                         const char *csp)
{
    atrium_resp_reset(rs);
    int r = set_body(rs, status, ATRIUM_CONTENT_TYPE_HTML, html, len);
    if (r < 0)
        return r;
    atrium_resp_header(rs, "Content-Security-Policy", csp);
    atrium_resp_header(rs, "X-Frame-Options", "DENY");
    atrium_resp_header(rs, "Referrer-Policy", "no-referrer");
    return 0;
}

int atrium_resp_html(struct atrium_resp *rs, unsigned status, const char *html, size_t len)
{
    return atrium_resp_html_csp(rs, status, html, len,
                                "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
}

int atrium_resp_redirect(struct atrium_resp *rs, unsigned status, const char *location)
{
    if ((status != 302 && status != 303) || !location || !*location ||
        !atrium_http_is_field_value(location))
        return ATRIUM_EINVAL;
    atrium_resp_reset(rs);
    rs->status = status;
    return atrium_resp_header(rs, "Location", location);
}

int atrium_resp_set_cookie(struct atrium_resp *rs, const char *name, const char *value,
                           int64_t max_age, unsigned flags)
{
    if (!atrium_http_is_token(name) || !atrium_http_is_cookie_value(value))
        return ATRIUM_EINVAL;
    char age[48] = "";
    if (max_age >= 0)
        snprintf(age, sizeof(age), "; Max-Age=%" PRId64, max_age);
    AUTO_FREE char *line =
        xasprintf("%s=%s; Path=/; Secure%s; SameSite=%s%s", name, value,
                  (flags & ATRIUM_COOKIE_SCRIPT_VISIBLE) ? "" : "; HttpOnly",
                  (flags & ATRIUM_COOKIE_SAMESITE_STRICT) ? "Strict" : "Lax", age);
    return atrium_resp_header(rs, "Set-Cookie", line);
}
