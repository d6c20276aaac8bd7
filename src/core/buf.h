/* SPDX-License-Identifier: MIT */
/*
 * A bounded string builder. Invariants: after init, `buf` is never NULL and
 * always NUL-terminated; `len` never exceeds `cap_limit`. Growing past the
 * limit returns ATRIUM_ETOOBIG and leaves the content as it was, because the
 * size is usually attacker-controlled.
 */
#pragma once

#include <stddef.h>

struct atrium_buf {
    char *buf;
    size_t len;
    size_t alloc;
    size_t limit; /* maximum len, excluding the NUL */
};

void atrium_buf_init(struct atrium_buf *b, size_t limit);
void atrium_buf_release(struct atrium_buf *b);
void atrium_buf_reset(struct atrium_buf *b);
int atrium_buf_append(struct atrium_buf *b, const void *data, size_t n);
int atrium_buf_puts(struct atrium_buf *b, const char *s);
int atrium_buf_printf(struct atrium_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the heap string to the caller (caller owns) and re-init b empty. */
char *atrium_buf_take(struct atrium_buf *b);
