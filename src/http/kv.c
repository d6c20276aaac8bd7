/* SPDX-License-Identifier: MIT */
/* Name/value lists; see kv.h. */
#include "http/kv.h"

#include <string.h>

#include "core/str.h"
#include "core/xalloc.h"

void atrium_kv_list_init(struct atrium_kv_list *l)
{
    memset(l, 0, sizeof(*l));
}

void atrium_kv_list_release(struct atrium_kv_list *l)
{
    for (size_t i = 0; i < l->nowned; i++)
        free(l->owned[i]);
    free(l->owned);
    free(l->items);
    atrium_kv_list_init(l);
}

void atrium_kv_list_add(struct atrium_kv_list *l, const char *name, const char *value)
{
    if (l->count == l->alloc) {
        l->alloc = l->alloc ? l->alloc * 2 : 8;
        l->items = xrealloc(l->items, l->alloc * sizeof(*l->items));
    }
    l->items[l->count].name = name;
    l->items[l->count].value = value ? value : "";
    l->count++;
}

void atrium_kv_list_adopt(struct atrium_kv_list *l, char *block)
{
    l->owned = xrealloc(l->owned, (l->nowned + 1) * sizeof(*l->owned));
    l->owned[l->nowned++] = block;
}

const char *atrium_kv_get(const struct atrium_kv_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return l->items[i].value;
    return NULL;
}

const char *atrium_kv_iget(const struct atrium_kv_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (atrium_str_ieq(l->items[i].name, name))
            return l->items[i].value;
    return NULL;
}

size_t atrium_kv_count(const struct atrium_kv_list *l, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].name, name) == 0)
            n++;
    return n;
}
