/* SPDX-License-Identifier: MIT */
/*
 * Allocation wrappers that abort on out-of-memory, and scope-cleanup macros.
 * An identity server can do nothing useful under OOM, so callers never check.
 */
#pragma once

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);            /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n); /* copies at most n bytes, NUL-terminates */
/* printf into a fresh heap string; caller owns. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* free() that tolerates NULL and returns NULL: p = xfree(p); */
void *xfree(void *p);

static inline void atrium_freep(void *pp)
{
    free(*(void **)pp);
}

/* A heap pointer freed when it leaves scope. */
#define AUTO_FREE __attribute__((cleanup(atrium_freep)))

/* Hand ownership out of an AUTO_FREE variable. */
#define TAKE_PTR(p)                                                                                \
    ({                                                                                             \
        __typeof__(p) taken_ = (p);                                                                \
        (p) = NULL;                                                                                \
        taken_;                                                                                    \
    })
