/* SPDX-License-Identifier: MIT */
/* String helpers; see str.h. */
#include "core/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

char *atrium_str_lower(char *s)
{
    for (char *p = s; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return s;
}

static char fold(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool atrium_str_ieq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (*a && *b && fold(*a) == fold(*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

bool atrium_str_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool atrium_str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int atrium_str_to_i64(const char *s, int64_t min, int64_t max, int64_t *ret)
{
    if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
        return ATRIUM_EINVAL;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return ATRIUM_EINVAL;
    *ret = v;
    return 0;
}

size_t atrium_str_utf8_next(const char *s, uint32_t *ret_cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    uint32_t cp;
    if (p[0] < 0x80) {
        n = 1;
        cp = p[0];
    } else if ((p[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = p[0] & 0x1F;
    } else if ((p[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = p[0] & 0x0F;
    } else if ((p[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    /* Stops at the first non-continuation byte, so never reads past a NUL. */
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (ret_cp)
        *ret_cp = cp;
    return n;
}

bool atrium_str_is_clean_utf8(const char *s)
{
    while (*s) {
        uint32_t cp;
        size_t n = atrium_str_utf8_next(s, &cp);
        if (n == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return false;
        s += n;
    }
    return true;
}

size_t atrium_str_from_i64(int64_t v, char out[ATRIUM_I64_TEXT_MAX])
{
    char rev[ATRIUM_I64_TEXT_MAX];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        rev[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out[len++] = '-';
    while (n)
        out[len++] = rev[--n];
    out[len] = '\0';
    return len;
}
