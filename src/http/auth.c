/* SPDX-License-Identifier: MIT */
/*
 * Parsing the Authorization request header: Bearer (RFC 6750 §2.1) and Basic
 * with form-urlencoded client credentials (RFC 6749 §2.3.1). Part of the
 * request API declared in request.h. Parsing only: no credential is checked here.
 */
#include "http/request.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "http/form.h"

#define CREDENTIAL_MAX 8192 /* bytes of a Bearer token or Basic value */

/* The credentials after "<scheme> " when the header uses that scheme, else NULL. */
static const char *auth_param(const struct atrium_req *rq, const char *scheme)
{
    const char *h = atrium_req_header(rq, "Authorization");
    size_t n = strlen(scheme);
    if (!h || strncasecmp(h, scheme, n) != 0 || (h[n] != ' ' && h[n] != '\0'))
        return NULL;
    h += n;
    while (*h == ' ')
        h++;
    return h;
}

/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
static bool is_b64token(const char *s)
{
    size_t i = 0;
    for (; s[i] && s[i] != '='; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
              strchr("-._~+/", s[i])))
            return false;
    if (i == 0)
        return false;
    for (; s[i]; i++)
        if (s[i] != '=')
            return false;
    return true;
}

int atrium_req_bearer(struct atrium_req *rq, const char **ret)
{
    *ret = NULL;
    const char *token = auth_param(rq, "Bearer");
    if (!token)
        return 0;
    if (strlen(token) > CREDENTIAL_MAX || !is_b64token(token))
        return atrium_err(&rq->err, ATRIUM_EAUTH, "Authorization",
                          "The bearer token is malformed.");
    *ret = token;
    return 0;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Strict padded base64 into out (len/4*3 + 1 bytes); -1 when malformed. */
static int b64_decode(const char *in, size_t len, char *out, size_t *ret_len)
{
    if (len == 0 || len % 4 != 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        size_t pad = 0;
        for (size_t k = 0; k < 4; k++) {
            bool last = i + 4 == len;
            if (last && in[i + k] == '=' && k >= 2 && (k == 3 || in[i + 3] == '=')) {
                v[k] = 0;
                pad++;
            } else if ((v[k] = b64_value(in[i + k])) < 0) {
                return -1;
            }
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[o++] = (char)(w >> 16);
        if (pad < 2)
            out[o++] = (char)(w >> 8);
        if (pad < 1)
            out[o++] = (char)w;
    }
    out[o] = '\0';
    *ret_len = o;
    return 0;
}

int atrium_req_basic(struct atrium_req *rq, const char **ret_user, const char **ret_password)
{
    *ret_user = *ret_password = NULL;
    const char *value = auth_param(rq, "Basic");
    if (!value)
        return 0;
    size_t len = strlen(value), n = 0;
    char *plain = len <= CREDENTIAL_MAX ? xmalloc(len / 4 * 3 + 1) : NULL;
    if (plain)
        atrium_req_defer(rq, free, plain);
    char *colon = NULL;
    if (plain && b64_decode(value, len, plain, &n) == 0 && strlen(plain) == n)
        colon = strchr(plain, ':');
    size_t user_len, pass_len;
    if (!colon || atrium_url_decode(plain, (size_t)(colon - plain), true, plain, &user_len) < 0 ||
        atrium_url_decode(colon + 1, strlen(colon + 1), true, colon + 1, &pass_len) < 0 ||
        strlen(plain) != user_len || strlen(colon + 1) != pass_len)
        return atrium_err(&rq->err, ATRIUM_EAUTH, "Authorization",
                          "The Basic authorization header is malformed.");
    *ret_user = plain;
    *ret_password = colon + 1;
    return 0;
}
