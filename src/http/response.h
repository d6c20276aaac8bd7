/* SPDX-License-Identifier: MIT */
/*
 * The response a handler builds: status, extra headers, content type and a
 * bounded body. The dispatcher turns it into the wire response and adds the
 * headers every response carries (request ids, Cache-Control: no-store unless
 * set, nosniff, HSTS on TLS). Error bodies come only from atrium_resp_error,
 * through the table in errmap.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"

struct atrium_errinfo;
struct atrium_req;

#define ATRIUM_RESP_BODY_MAX (16u << 20)
#define ATRIUM_RESP_HEADERS_MAX 32
#define ATRIUM_CONTENT_TYPE_JSON "application/json; charset=utf-8"
#define ATRIUM_CONTENT_TYPE_HTML "text/html; charset=utf-8"

struct atrium_resp_header {
    char *name;
    char *value;
};

struct atrium_resp {
    unsigned status;        /* 0 until a helper sets a response */
    char content_type[96];  /* "" for no body */
    struct atrium_buf body; /* at most ATRIUM_RESP_BODY_MAX */
    struct atrium_resp_header headers[ATRIUM_RESP_HEADERS_MAX];
    size_t nheaders;
    unsigned retry_after; /* Retry-After seconds for 429/503; 0: the errmap default */
};

void atrium_resp_init(struct atrium_resp *rs);
void atrium_resp_release(struct atrium_resp *rs);
/* Drop status, headers and body (keeps retry_after), e.g. before rendering an error. */
void atrium_resp_reset(struct atrium_resp *rs);

/*
 * Add a header (copied). ATRIUM_EINVAL for a name that is not an HTTP token
 * or a value with CR, LF or other control characters; ATRIUM_ETOOBIG past
 * ATRIUM_RESP_HEADERS_MAX. Repeats are allowed (Set-Cookie).
 */
int atrium_resp_header(struct atrium_resp *rs, const char *name, const char *value);
/* First value of header name (case-insensitive), or NULL. */
const char *atrium_resp_header_get(const struct atrium_resp *rs, const char *name);

/* Status + compact JSON body of doc (consumed, even on failure). */
int atrium_resp_json(struct atrium_resp *rs, unsigned status, json_t *doc);

/*
 * The Graph error envelope for code:
 * {"error":{"code","message"[,"target"],"innerError":{"date","request-id"
 * [,"client-request-id"]}}}. Status, code and whether e->message may be shown
 * come from errmap.c; e may be NULL (default message). ERATE/EBUSY add
 * Retry-After (rs->retry_after or the default). Returns 0: the response is set.
 */
int atrium_resp_error(struct atrium_resp *rs, const struct atrium_req *rq, int code,
                      const struct atrium_errinfo *e);
/* The same envelope with an explicit status and code (405 and the like). target may be NULL. */
int atrium_resp_graph_error(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                            const char *graph_code, const char *message, const char *target);

/*
 * An HTML page (copied) with the browser-facing protections: CSP
 * frame-ancestors 'none' (and default-src 'self'), X-Frame-Options DENY,
 * Referrer-Policy no-referrer.
 */
int atrium_resp_html(struct atrium_resp *rs, unsigned status, const char *html, size_t len);
/* The same with an explicit Content-Security-Policy (e.g. http/html.h atrium_html_csp). */
int atrium_resp_html_csp(struct atrium_resp *rs, unsigned status, const char *html, size_t len,
                         const char *csp);

/* A redirect: status 302 or 303 only (never 307 after a POST); location must be clean. */
int atrium_resp_redirect(struct atrium_resp *rs, unsigned status, const char *location);

enum atrium_cookie_flags {
    ATRIUM_COOKIE_SAMESITE_STRICT = 1u << 0, /* default Lax */
    ATRIUM_COOKIE_SCRIPT_VISIBLE = 1u << 1,  /* omit HttpOnly (e.g. a CSRF double-submit) */
};

/*
 * Set-Cookie with safe defaults: "name=value; Path=/; Secure; HttpOnly;
 * SameSite=Lax" (use a "__Host-" name). max_age < 0: session cookie; 0:
 * delete. name must be a token, value cookie-octets only (else ATRIUM_EINVAL).
 */
int atrium_resp_set_cookie(struct atrium_resp *rs, const char *name, const char *value,
                           int64_t max_age, unsigned flags);
