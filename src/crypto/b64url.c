/* SPDX-License-Identifier: MIT */
/* Strict base64url codec without padding; see b64url.h. */
#include "crypto/b64url.h"

#include <stdint.h>

#include "core/err.h"
#include "core/xalloc.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of c in the alphabet, or -1. */
static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

size_t atrium_b64url_encoded_len(size_t n)
{
    return (n / 3) * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

size_t atrium_b64url_encode(const void *data, size_t n, char *out)
{
    const unsigned char *in = data;
    size_t o = 0;
    size_t i = 0;

    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64url_alphabet[(v >> 18) & 63];
        out[o++] = b64url_alphabet[(v >> 12) & 63];
        out[o++] = b64url_alphabet[(v >> 6) & 63];
        out[o++] = b64url_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64url_alphabet[(v >> 18) & 63];
        out[o++] = b64url_alphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = b64url_alphabet[(v >> 18) & 63];
        out[o++] = b64url_alphabet[(v >> 12) & 63];
        out[o++] = b64url_alphabet[(v >> 6) & 63];
    }
    out[o] = '\0';
    return o;
}

char *atrium_b64url_encode_alloc(const void *data, size_t n)
{
    char *out = xmalloc(atrium_b64url_encoded_len(n) + 1);
    atrium_b64url_encode(data, n, out);
    return out;
}

size_t atrium_b64url_decoded_max(size_t len)
{
    return (len / 4) * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);
}

int atrium_b64url_decode(const char *in, size_t len, void *out, size_t out_cap, size_t *ret_len)
{
    unsigned char *o = out;
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;

    if (len % 4 == 1)
        return ATRIUM_EINVAL;
    if (atrium_b64url_decoded_max(len) > out_cap)
        return ATRIUM_ETOOBIG;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value((unsigned char)in[i]);
        if (v < 0)
            return ATRIUM_EINVAL;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* Leftover bits must be zero: one canonical encoding per value. */
    if (acc != 0)
        return ATRIUM_EINVAL;
    *ret_len = n;
    return 0;
}

int atrium_b64url_decode_alloc(const char *in, size_t len, unsigned char **ret, size_t *ret_len)
{
    size_t cap = atrium_b64url_decoded_max(len);
    unsigned char *buf = xmalloc(cap + 1);
    size_t n = 0;
    int r = atrium_b64url_decode(in, len, buf, cap, &n);

    if (r < 0) {
        xfree(buf);
        return r;
    }
    buf[n] = '\0';
    *ret = buf;
    *ret_len = n;
    return 0;
}
