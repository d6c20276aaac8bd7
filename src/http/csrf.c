/* SPDX-License-Identifier: MIT */
/* Double-submit anti-forgery values and the Origin check; see csrf.h. */
#include "http/csrf.h"

#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/ctcmp.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"

#define CSRF_RANDOM_BYTES 32

static bool well_formed(const char *v)
{
    if (!v || strnlen(v, ATRIUM_CSRF_LEN + 1) != ATRIUM_CSRF_LEN)
        return false;
    return strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
           ATRIUM_CSRF_LEN;
}

void atrium_csrf_token(struct atrium_req *rq, char out[ATRIUM_CSRF_LEN + 1], bool *ret_new)
{
    const char *cookie = atrium_req_cookie(rq, ATRIUM_CSRF_COOKIE);
    if (well_formed(cookie)) {
        memcpy(out, cookie, ATRIUM_CSRF_LEN + 1);
        *ret_new = false;
        return;
    }
    unsigned char raw[CSRF_RANDOM_BYTES];
    atrium_random_bytes(raw, sizeof(raw));
    atrium_b64url_encode(raw, sizeof(raw), out);
    *ret_new = true;
}

int atrium_csrf_set_cookie(struct atrium_resp *rs, const char *token)
{
    return atrium_resp_set_cookie(rs, ATRIUM_CSRF_COOKIE, token, -1, 0);
}

bool atrium_csrf_equal(const char *cookie, const char *field)
{
    if (!well_formed(cookie) || !well_formed(field))
        return false;
    return atrium_ct_equal(cookie, ATRIUM_CSRF_LEN, field, ATRIUM_CSRF_LEN);
}

/* "scheme://host[:port]" of url, lower-cased; NULL when url has none. */
static char *origin_of(const char *url)
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p)
        return NULL;
    p += 3;
    return atrium_str_lower(xstrndup(url, (size_t)(p - url) + strcspn(p, "/?#")));
}

bool atrium_csrf_origin_ok(const char *origin, const char *public_url, const char *host, bool tls)
{
    /* "null": browsers send it for a POST from a page whose Referrer-Policy is no-referrer,
     * which ours are; it says nothing, so the double-submit value alone decides. */
    if (!origin || strcmp(origin, "null") == 0)
        return true;
    if (!*origin)
        return false;
    AUTO_FREE char *mine = origin_of(public_url);
    if (mine && atrium_str_ieq(origin, mine))
        return true;
    if (!host || !*host || strpbrk(host, "/?#@ "))
        return false;
    AUTO_FREE char *from_host = xasprintf("%s://%s", tls ? "https" : "http", host);
    return atrium_str_ieq(origin, from_host);
}

int atrium_csrf_check(struct atrium_req *rq, const char *field)
{
    const char *public_url = rq->app ? rq->app->public_url : NULL;
    if (!atrium_csrf_origin_ok(atrium_req_header(rq, "Origin"), public_url,
                               atrium_req_header(rq, "Host"), rq->tls))
        return atrium_err(&rq->err, ATRIUM_EFORBIDDEN, "Origin",
                          "The form was posted from another site.");
    if (!atrium_csrf_equal(atrium_req_cookie(rq, ATRIUM_CSRF_COOKIE), field))
        return atrium_err(&rq->err, ATRIUM_EFORBIDDEN, ATRIUM_CSRF_COOKIE,
                          "The sign-in form has expired or did not come from this site.");
    return 0;
}
