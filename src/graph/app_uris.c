/* SPDX-License-Identifier: MIT */
/*
 * Redirect URI and identifier URI rules of applications: absolute, no
 * fragment or wildcard, https (http only on loopback hosts), private-use
 * schemes only for native (publicClient) apps. Pure; see apps.h.
 */
#include "graph/apps.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "model/builtin_apps.h"

static int bad(struct atrium_errinfo *e, const char *field, const char *what)
{
    return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' %s.", field, what);
}

/* Visible ASCII only: no space, control, non-ASCII, '#' (fragment) or '*' (wildcard). */
static bool uri_chars_ok(const char *s)
{
    for (; *s; s++)
        if (*s <= 0x20 || *s >= 0x7f || *s == '#' || *s == '*')
            return false;
    return true;
}

/* Length of the RFC 3986 scheme at s (before ':'), 0 when there is none. */
static size_t scheme_len(const char *s)
{
    size_t n = 0;
    if (!((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
        return 0;
    while (((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
           s[n] == '+' || s[n] == '-' || s[n] == '.')
        n++;
    return s[n] == ':' ? n : 0;
}

/* The authority after "scheme://" is a non-empty host without userinfo. */
static bool authority_ok(const char *after_slashes)
{
    size_t n = strcspn(after_slashes, "/?");
    if (n == 0 || memchr(after_slashes, '@', n) || after_slashes[0] == ':')
        return false;
    return true;
}

/* http://localhost, 127.0.0.1 or [::1], optional port, then end, '/' or '?'. */
static bool loopback_http(const char *uri)
{
    static const char *const hosts[] = {"localhost", "127.0.0.1", "[::1]"};
    if (strncasecmp(uri, "http://", 7) != 0)
        return false;
    const char *h = uri + 7;
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        size_t n = strlen(hosts[i]);
        if (strncasecmp(h, hosts[i], n) != 0)
            continue;
        const char *p = h + n;
        if (*p == ':') {
            size_t digits = strspn(p + 1, "0123456789");
            if (digits == 0 || digits > 5)
                return false;
            p += 1 + digits;
        }
        return *p == '\0' || *p == '/' || *p == '?';
    }
    return false;
}

/* A private-use scheme a native app may register (RFC 8252 §7.1): not a web or dangerous one. */
static bool private_scheme_ok(const char *uri, size_t n)
{
    static const char *const refused[] = {"http",     "https",      "javascript", "data", "file",
                                          "vbscript", "about",      "blob",       "ftp",  "ws",
                                          "wss",      "filesystem", "mailto",     "urn",  NULL};
    for (const char *const *r = refused; *r; r++)
        if (strlen(*r) == n && strncasecmp(uri, *r, n) == 0)
            return false;
    return uri[n + 1] != '\0';
}

int atrium_app_redirect_uri_check(const char *kind, const char *uri, const char *field,
                                  struct atrium_errinfo *e)
{
    size_t len = uri ? strlen(uri) : 0;
    if (len == 0 || len > ATRIUM_APP_REDIRECT_URI_LEN_MAX)
        return atrium_err(e, ATRIUM_EINVAL, field,
                          "Property '%s' must be an absolute URI of at most %d characters.", field,
                          ATRIUM_APP_REDIRECT_URI_LEN_MAX);
    if (!uri_chars_ok(uri))
        return bad(e, field,
                   "must not contain a fragment ('#'), a wildcard ('*'), spaces or non-ASCII "
                   "characters");
    size_t n = scheme_len(uri);
    if (n == 0)
        return bad(e, field, "must be an absolute URI");
    if (strncasecmp(uri, "https://", 8) == 0)
        return authority_ok(uri + 8) ? 0 : bad(e, field, "must name a host (and no user info)");
    if (strncasecmp(uri, "http://", 7) == 0)
        return loopback_http(uri) ? 0
                                  : bad(e, field,
                                        "must use https (http is allowed only for localhost, "
                                        "127.0.0.1 or [::1])");
    if (strcmp(kind, "publicClient") == 0 &&
        (strcmp(uri, "urn:ietf:wg:oauth:2.0:oob") == 0 || private_scheme_ok(uri, n)))
        return 0;
    return bad(e, field, "must use https (or http on a loopback host)");
}

int atrium_app_identifier_uri_check(const char *uri, const char *field, struct atrium_errinfo *e)
{
    size_t len = uri ? strlen(uri) : 0;
    if (len == 0 || len > ATRIUM_APP_REDIRECT_URI_LEN_MAX || !uri_chars_ok(uri))
        return bad(e, field,
                   "must be an absolute URI without fragment, wildcard, spaces or non-ASCII "
                   "characters");
    bool ok = false;
    if (strncasecmp(uri, "api://", 6) == 0)
        ok = uri[6] != '\0' && uri[6] != '/';
    else if (strncasecmp(uri, "https://", 8) == 0)
        ok = authority_ok(uri + 8);
    if (!ok)
        return bad(e, field, "must be of the form api://<id> or https://<host>[/<path>]");
    size_t g = strlen(ATRIUM_GRAPH_RESOURCE_URI);
    if (strncasecmp(uri, ATRIUM_GRAPH_RESOURCE_URI, g) == 0 && (uri[g] == '\0' || uri[g] == '/'))
        return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' names a reserved resource.",
                          field);
    return 0;
}
