/* SPDX-License-Identifier: MIT */
/* HTTP character classes and sanitising; see text.h. */
#include "http/text.h"

#include <stdint.h>
#include <string.h>

#include "core/str.h"
#include "core/xalloc.h"

bool atrium_http_is_token(const char *s)
{
    if (!s || !*s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool alnum = (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z');
        if (!alnum && !strchr("!#$%&'*+-.^_`|~", *p))
            return false;
    }
    return true;
}

bool atrium_http_is_field_value(const char *s)
{
    if (!s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7F)
            return false;
    return true;
}

bool atrium_http_is_cookie_value(const char *s)
{
    if (!s)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x21 || *p > 0x7E || *p == '"' || *p == ',' || *p == ';' || *p == '\\')
            return false;
    return true;
}

char *atrium_http_sanitize_text(const char *s)
{
    char *out = xstrdup(s ? s : "");
    unsigned char *p = (unsigned char *)out;
    while (*p) {
        uint32_t cp = 0;
        size_t n = atrium_str_utf8_next((const char *)p, &cp);
        if (n == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            *p++ = '?';
            continue;
        }
        p += n;
    }
    return out;
}

char *atrium_http_log_escape(const char *s, char *out, size_t out_size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t max = out_size - 4; /* room for "..." and the terminator */
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        bool plain = *p > 0x20 && *p < 0x7F;
        if (o + (plain ? 1 : 3) > max) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (plain) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 0x0F];
        }
    }
    out[o] = '\0';
    return out;
}
