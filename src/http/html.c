/* SPDX-License-Identifier: MIT */
/* HTML escaping and page responses; see html.h. */
#include "http/html.h"

#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "http/response.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define ORIGIN_MAX 300

static const char *entity(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case '`':
        return "&#96;";
    default:
        return NULL;
    }
}

int atrium_html_escape(struct atrium_buf *b, const char *s)
{
    if (!s)
        return 0;
    const char *run = s; /* start of the bytes not yet copied */
    const char *p = s;
    int r = 0;
    while (*p && r == 0) {
        uint32_t cp = 0;
        size_t n = atrium_str_utf8_next(p, &cp);
        const char *ent = n == 1 ? entity((unsigned char)*p) : NULL;
        bool bad = n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
        if (!ent && !bad) {
            p += n;
            continue;
        }
        r = atrium_buf_append(b, run, (size_t)(p - run));
        if (r == 0)
            r = atrium_buf_puts(b, ent ? ent : REPLACEMENT);
        p += n ? n : 1;
        run = p;
    }
    if (r == 0)
        r = atrium_buf_append(b, run, (size_t)(p - run));
    return r;
}

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
}

char *atrium_html_origin(const char *uri)
{
    if (!uri)
        return NULL;
    size_t scheme = 0;
    if (strncmp(uri, "https://", 8) == 0 || strncmp(uri, "HTTPS://", 8) == 0)
        scheme = 8;
    else if (strncmp(uri, "http://", 7) == 0 || strncmp(uri, "HTTP://", 7) == 0)
        scheme = 7;
    if (!scheme)
        return NULL;
    size_t n = strcspn(uri + scheme, "/?#");
    if (n == 0 || scheme + n > ORIGIN_MAX)
        return NULL;
    char *origin = atrium_str_lower(xstrndup(uri, scheme + n));
    for (const char *p = origin + scheme; *p; p++)
        if (!host_char(*p))
            return xfree(origin);
    return origin;
}

char *atrium_html_csp(const char *extra_origin, bool script)
{
    AUTO_FREE char *origin = extra_origin ? atrium_html_origin(extra_origin) : NULL;
    /* atrium_html_origin normalises; accept only a value that is already an origin. */
    bool ok = origin && strcmp(origin, extra_origin) == 0;
    return xasprintf("default-src 'none'; %sstyle-src 'self'; img-src 'self' data:; "
                     "form-action 'self'%s%s; frame-ancestors 'none'; base-uri 'none'",
                     script ? "script-src 'self'; " : "", ok ? " " : "", ok ? origin : "");
}

int atrium_html_respond(struct atrium_resp *rs, unsigned status, const struct atrium_buf *body,
                        const char *form_origin, bool script)
{
    AUTO_FREE char *csp = atrium_html_csp(form_origin, script);
    return atrium_resp_html_csp(rs, status, body->buf, body->len, csp);
}
