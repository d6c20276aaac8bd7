/* SPDX-License-Identifier: MIT */
/* Kernel CSPRNG wrappers and GUIDs; see rand.h. */
#include "core/rand.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/*
 * Small requests (GUIDs, token ids, salts, keys) are served from a
 * per-thread pool refilled POOL_SIZE bytes at a time, so most calls make no
 * system call; each byte is handed out once and wiped from the pool.
 */
#define POOL_SIZE 512
#define POOL_MAX_TAKE 64 /* larger requests go straight to the kernel */

static __thread unsigned char pool[POOL_SIZE];
static __thread size_t avail; /* the unused bytes are the last avail of pool */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void kernel_bytes(void *buf, size_t n)
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

/* A forked child (Atrium never forks, but a library might) must not repeat its parent's bytes. */
static void pool_forget(void)
{
    memset(pool, 0, sizeof(pool));
    avail = 0;
}

static void register_atfork(void)
{
    pthread_atfork(NULL, NULL, pool_forget);
}

static void pool_take(void *buf, size_t n)
{
    if (avail < n) {
        pthread_once(&atfork_once, register_atfork);
        kernel_bytes(pool, sizeof(pool));
        avail = sizeof(pool);
    }
    unsigned char *p = pool + sizeof(pool) - avail;
    memcpy(buf, p, n);
    memset(p, 0, n);
    avail -= n;
}

void atrium_random_bytes(void *buf, size_t n)
{
    if (n <= POOL_MAX_TAKE)
        pool_take(buf, n);
    else
        kernel_bytes(buf, n);
}

static const char hexdigits[] = "0123456789abcdef";

void atrium_uuid_v4(char out[ATRIUM_UUID_LEN + 1])
{
    unsigned char b[16];
    pool_take(b, sizeof(b));
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
