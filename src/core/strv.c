/* SPDX-License-Identifier: MIT */
/* A growable vector of heap strings; see strv.h. */
#include "core/strv.h"

#include <string.h>

#include "core/str.h"
#include "core/xalloc.h"

void atrium_strv_release(struct atrium_strv *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++)
        xfree(v->items[i]);
    xfree(v->items);
    v->items = NULL;
    v->count = 0;
}

void atrium_strv_push(struct atrium_strv *v, const char *s)
{
    v->items = xrealloc(v->items, (v->count + 1) * sizeof(*v->items));
    v->items[v->count++] = xstrdup(s ? s : "");
}

void atrium_strv_copy(struct atrium_strv *dst, const struct atrium_strv *src)
{
    atrium_strv_release(dst);
    for (size_t i = 0; src && i < src->count; i++)
        atrium_strv_push(dst, src->items[i]);
}

bool atrium_strv_contains_ci(const struct atrium_strv *v, const char *s)
{
    for (size_t i = 0; v && s && i < v->count; i++)
        if (atrium_str_ieq(v->items[i], s))
            return true;
    return false;
}
