/* SPDX-License-Identifier: MIT */
/* Bounded string builder; see buf.h. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

void atrium_buf_init(struct atrium_buf *b, size_t limit)
{
    b->alloc = 64;
    b->buf = xmalloc(b->alloc);
    b->buf[0] = '\0';
    b->len = 0;
    b->limit = limit;
}

void atrium_buf_release(struct atrium_buf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = b->alloc = 0;
}

void atrium_buf_reset(struct atrium_buf *b)
{
    b->len = 0;
    b->buf[0] = '\0';
}

static int buf_reserve(struct atrium_buf *b, size_t extra)
{
    if (extra > b->limit || b->len > b->limit - extra)
        return ATRIUM_ETOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return 0;
    size_t n = b->alloc;
    while (n < need)
        n *= 2;
    b->buf = xrealloc(b->buf, n);
    b->alloc = n;
    return 0;
}

int atrium_buf_append(struct atrium_buf *b, const void *data, size_t n)
{
    int r = buf_reserve(b, n);
    if (r < 0)
        return r;
    memcpy(b->buf + b->len, data, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return 0;
}

int atrium_buf_puts(struct atrium_buf *b, const char *s)
{
    return atrium_buf_append(b, s, strlen(s));
}

int atrium_buf_printf(struct atrium_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ATRIUM_EINTERNAL;
    int r = buf_reserve(b, (size_t)n);
    if (r < 0)
        return r;
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *atrium_buf_take(struct atrium_buf *b)
{
    char *s = b->buf;
    atrium_buf_init(b, b->limit);
    return s;
}
