/* SPDX-License-Identifier: MIT */
/* Request-level failures as OAuth JSON or HTML pages; see route_errors.h. */
#include "http/route_errors.h"

#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"
#include "http/entra_error.h"
#include "http/errmap.h"
#include "http/html.h"
#include "http/pages.h"
#include "http/request.h"
#include "http/response.h"

void atrium_route_error_oauth(struct atrium_resp *rs, struct atrium_req *rq, int code,
                              const struct atrium_errinfo *ei)
{
    const struct atrium_errmap_entry *m = atrium_errmap_get(code);
    struct atrium_oauth_error e;
    atrium_entra_from_code(code, ei, &e);
    if (!rs->retry_after)
        rs->retry_after = m->retry_after;
    atrium_resp_oauth_error(rs, rq, &e);
}

static const char *title_for(unsigned status)
{
    switch (status) {
    case 403:
        return "The request was refused";
    case 429:
        return "Too many requests";
    case 503:
        return "The service is busy";
    default:
        return status >= 500 ? "Sorry, something went wrong"
                             : "Sorry, but we're having trouble signing you in.";
    }
}

void atrium_route_error_html(struct atrium_resp *rs, struct atrium_req *rq, int code,
                             const struct atrium_errinfo *ei)
{
    const struct atrium_errmap_entry *m = atrium_errmap_get(code);
    bool detail = m->public_message && ei && ei->code == code && ei->message[0];
    unsigned retry = rs->retry_after ? rs->retry_after : m->retry_after;
    struct atrium_buf b;
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    if (atrium_page_message(&b, NULL, title_for(m->status),
                            detail ? ei->message : m->default_message, 0, rq->request_id) < 0 ||
        atrium_html_respond(rs, m->status, &b, NULL, false) < 0)
        atrium_resp_error(rs, rq, code, ei); /* cannot happen with these sizes; never unset */
    atrium_buf_release(&b);
    if (retry && (m->status == 429 || m->status == 503)) {
        char value[16];
        snprintf(value, sizeof(value), "%u", retry);
        atrium_resp_header(rs, "Retry-After", value);
    }
}
