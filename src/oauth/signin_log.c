/* SPDX-License-Identifier: MIT */
/*
 * The sign-in log writer: one atrium_signin_event per credential check,
 * with the client-supplied text (UPN as typed, app name, IP, correlation id)
 * cleaned and bounded. Never sees a password.
 */
#include "oauth/authn_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "oauth/oauth.h"
#include "store/store.h"
#include "store/store_oauth.h"

/*
 * A copy of s (NULL for NULL) of at most max bytes, cut on a character
 * boundary, with invalid UTF-8 and control characters replaced by '?'.
 */
static char *clean_text(const char *s, size_t max)
{
    if (!s)
        return NULL;
    size_t in_len = strnlen(s, max + 1);
    char *out = xmalloc(in_len + 1);
    size_t n = 0;
    const char *p = s;
    while (*p) {
        uint32_t cp = 0;
        size_t len = atrium_str_utf8_next(p, &cp);
        bool bad = len == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
        size_t out_len = bad ? 1 : len;
        if (n + out_len > max || n + out_len > in_len)
            break;
        if (bad)
            out[n] = '?';
        else
            memcpy(out + n, p, len);
        n += out_len;
        p += bad ? 1 : len;
    }
    out[n] = '\0';
    return out;
}

/* Copy a short identifier (GUID) into a fixed field; "" when absent or too long. */
static void copy_id(char out[ATRIUM_UUID_LEN + 1], const char *id)
{
    size_t n = id ? strnlen(id, ATRIUM_UUID_LEN + 1) : 0;
    if (n > ATRIUM_UUID_LEN)
        n = 0;
    if (n)
        memcpy(out, id, n);
    out[n] = '\0';
}

int atrium_oauth_signin_record(struct atrium_store *s, const struct atrium_authn_request *req,
                               const char *user_id, int error_code, const char *reason, int64_t now)
{
    if (!s->oauth)
        return ATRIUM_EINTERNAL;
    struct atrium_signin_event ev = {.error_code = error_code, .created = now};
    atrium_uuid_v4(ev.id);
    copy_id(ev.tenant_id, req->tenant_id);
    copy_id(ev.user_id, user_id);
    copy_id(ev.app_id, req->client_app_id);
    ev.user_principal_name = clean_text(req->username ? req->username : "", ATRIUM_SIGNIN_UPN_MAX);
    ev.app_display_name = clean_text(req->client_name, ATRIUM_SIGNIN_TEXT_MAX);
    ev.ip_address = clean_text(req->ip, ATRIUM_SIGNIN_TEXT_MAX);
    ev.client_request_id = clean_text(req->correlation_id, ATRIUM_SIGNIN_TEXT_MAX);
    ev.grant = clean_text(req->grant, ATRIUM_SIGNIN_TEXT_MAX);
    ev.failure_reason = error_code ? xstrdup(reason ? reason : "Sign-in failed.") : NULL;
    int rc = s->oauth->signin_insert(s, &ev);
    free(ev.user_principal_name);
    free(ev.app_display_name);
    free(ev.ip_address);
    free(ev.client_request_id);
    free(ev.grant);
    free(ev.failure_reason);
    return rc;
}
