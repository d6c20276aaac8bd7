/* SPDX-License-Identifier: MIT */
/* Percent-decoding and urlencoded pairs; see form.h. */
#include "http/form.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int atrium_url_decode(const char *src, size_t len, bool plus_is_space, char *dst, size_t *ret_len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '%') {
            if (len - i < 3)
                return ATRIUM_EINVAL;
            int hi = hex_value(src[i + 1]);
            int lo = hex_value(src[i + 2]);
            if (hi < 0 || lo < 0)
                return ATRIUM_EINVAL;
            dst[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            dst[o++] = ' ';
        } else {
            dst[o++] = c;
        }
    }
    dst[o] = '\0';
    *ret_len = o;
    return 0;
}

/* Decode [p, p+n) in place and check it; *ret_len is the decoded length. */
static int decode_part(char *p, size_t n, size_t max, const char *what, const char *kind,
                       struct atrium_errinfo *e)
{
    size_t len;
    if (atrium_url_decode(p, n, true, p, &len) < 0)
        return atrium_err(e, ATRIUM_EINVAL, "", "The %s contains a malformed percent-escape.",
                          what);
    if (strlen(p) != len || !atrium_str_is_clean_utf8(p))
        return atrium_err(e, ATRIUM_EINVAL, "",
                          "The %s contains a %s that is not clean UTF-8 text.", what, kind);
    if (len > max)
        return atrium_err(e, ATRIUM_EINVAL, "", "The %s contains a %s longer than %zu bytes.", what,
                          kind, max);
    return 0;
}

static int parse_pair(char *pair, size_t n, const struct atrium_form_limits *lim, const char *what,
                      struct atrium_kv_list *l, struct atrium_errinfo *e)
{
    char *eq = memchr(pair, '=', n);
    size_t name_n = eq ? (size_t)(eq - pair) : n;
    char *value = eq ? eq + 1 : pair + n;
    size_t value_n = eq ? n - name_n - 1 : 0;
    if (name_n == 0)
        return atrium_err(e, ATRIUM_EINVAL, "", "The %s contains a parameter without a name.",
                          what);
    int r = decode_part(pair, name_n, lim->max_name_len, what, "parameter name", e);
    if (r < 0)
        return r;
    if (eq) {
        r = decode_part(value, value_n, lim->max_value_len, what, "parameter value", e);
        if (r < 0) {
            if (e)
                snprintf(e->field, sizeof(e->field), "%s", pair);
            return r;
        }
    }
    atrium_kv_list_add(l, pair, eq ? value : "");
    return 0;
}

int atrium_form_parse(const char *data, size_t len, const struct atrium_form_limits *lim,
                      const char *what, struct atrium_kv_list *ret, struct atrium_errinfo *e)
{
    atrium_kv_list_init(ret);
    if (len == 0)
        return 0;
    char *copy = xstrndup(data, len);
    if (strlen(copy) != len) {
        free(copy);
        return atrium_err(e, ATRIUM_EINVAL, "", "The %s contains a NUL byte.", what);
    }
    atrium_kv_list_adopt(ret, copy);
    char *p = copy;
    char *end = copy + len;
    while (p < end) {
        char *amp = memchr(p, '&', (size_t)(end - p));
        size_t n = amp ? (size_t)(amp - p) : (size_t)(end - p);
        if (amp)
            *amp = '\0';
        if (n > 0) {
            if (ret->count >= lim->max_fields) {
                atrium_kv_list_release(ret);
                return atrium_err(e, ATRIUM_EINVAL, "", "The %s has more than %zu parameters.",
                                  what, lim->max_fields);
            }
            int r = parse_pair(p, n, lim, what, ret, e);
            if (r < 0) {
                atrium_kv_list_release(ret);
                return r;
            }
        }
        p += n + 1;
    }
    return 0;
}
