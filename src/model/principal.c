/* SPDX-License-Identifier: MIT */
/* The authenticated caller and its permission checks; see principal.h. */
#include "model/principal.h"

#include <string.h>

#include "core/str.h"
#include "core/xalloc.h"

static void free_items(char **items, size_t count)
{
    for (size_t i = 0; i < count && i < ATRIUM_PRINCIPAL_MAX_ITEMS; i++)
        xfree(items[i]);
}

void atrium_principal_release(struct atrium_principal *p)
{
    if (!p)
        return;
    free_items(p->scopes, p->scope_count);
    free_items(p->roles, p->role_count);
    free_items(p->wids, p->wid_count);
    memset(p, 0, sizeof(*p));
}

/* True when value is one of items (ASCII case-insensitive). */
static bool holds(char *const *items, size_t count, const char *value)
{
    if (!value || !*value)
        return false;
    for (size_t i = 0; i < count && i < ATRIUM_PRINCIPAL_MAX_ITEMS; i++)
        if (items[i] && atrium_str_ieq(items[i], value))
            return true;
    return false;
}

bool atrium_principal_has_permission(const struct atrium_principal *p, const char *value)
{
    if (!p)
        return false;
    if (p->app_only)
        return holds(p->roles, p->role_count, value);
    return holds(p->scopes, p->scope_count, value);
}

bool atrium_principal_has_role(const struct atrium_principal *p, const char *template_id)
{
    if (!p || p->app_only)
        return false;
    return holds(p->wids, p->wid_count, template_id);
}
