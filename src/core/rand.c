/* SPDX-License-Identifier: MIT */
/* Kernel CSPRNG wrappers and GUIDs; see rand.h. */
#include "core/rand.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

void atrium_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"getrandom failed\"}\n");
            abort();
        }
        p += got;
        n -= (size_t)got;
    }
}

static const char hexdigits[] = "0123456789abcdef";

void atrium_uuid_v4(char out[ATRIUM_UUID_LEN + 1])
{
    /* One getrandom(2) per 32 GUIDs: a request id is made for every request. */
    static __thread unsigned char pool[512];
    static __thread size_t avail;
    unsigned char b[16];
    if (avail < sizeof(b)) {
        atrium_random_bytes(pool, sizeof(pool));
        avail = sizeof(pool);
    }
    memcpy(b, pool + sizeof(pool) - avail, sizeof(b));
    memset(pool + sizeof(pool) - avail, 0, sizeof(b));
    avail -= sizeof(b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hexdigits[b[i] >> 4];
        out[o++] = hexdigits[b[i] & 0x0F];
    }
    out[o] = '\0';
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int atrium_uuid_is_valid(const char *s)
{
    if (!s)
        return 0;
    for (size_t i = 0; i < ATRIUM_UUID_LEN; i++) {
        int dash = (i == 8 || i == 13 || i == 18 || i == 23);
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return 0;
    }
    return s[ATRIUM_UUID_LEN] == '\0';
}

void atrium_random_hex(char *out, size_t n)
{
    unsigned char b[64];
    size_t o = 0;
    while (n > 0) {
        size_t chunk = n < sizeof(b) ? n : sizeof(b);
        atrium_random_bytes(b, chunk);
        for (size_t i = 0; i < chunk; i++) {
            out[o++] = hexdigits[b[i] >> 4];
            out[o++] = hexdigits[b[i] & 0x0F];
        }
        n -= chunk;
    }
    out[o] = '\0';
}
