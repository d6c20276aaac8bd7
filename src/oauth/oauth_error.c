/* SPDX-License-Identifier: MIT */
/* OAuth errors in Entra's shape (atrium_oauth_fail) and the shared error helpers. */
#include "oauth/oauth_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

int atrium_oauth_fail(struct atrium_oauth_error *e, int code, const char *error, int aadsts,
                      unsigned status, const char *fmt, ...)
{
    if (!e)
        return code;
    e->error = error;
    e->aadsts = aadsts;
    e->status = status;
    e->suberror = NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->description, sizeof(e->description), fmt, ap);
    va_end(ap);
    /* Error hygiene: the description never carries control characters. */
    for (char *p = e->description; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return code;
}

int atrium_oauth_fail_store(struct atrium_oauth_error *e, int rc)
{
    if (rc == ATRIUM_EBUSY)
        return atrium_oauth_fail(e, rc, "temporarily_unavailable", 0, 503,
                                 "The service is temporarily unavailable. Try again later.");
    return atrium_oauth_fail(e, rc < 0 ? rc : ATRIUM_EINTERNAL, "server_error", 0, 500,
                             "The server encountered an unexpected error.");
}

int atrium_oauth_fail_missing(struct atrium_oauth_error *e, const char *param)
{
    return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 900144, 400,
                             "The request body must contain the following parameter: '%s'.", param);
}

const char *atrium_oauth_printable(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return out;
    for (; s && *s && n + 1 < cap; s++)
        out[n++] = (*s >= 0x20 && *s < 0x7f && *s != '\'' && *s != '"') ? *s : '?';
    out[n] = '\0';
    if (s && *s && cap > 4)
        memcpy(out + cap - 4, "...", 4);
    return out;
}
