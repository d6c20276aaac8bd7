/* SPDX-License-Identifier: MIT */
/* Tenant resolution by id or verified domain, on top of the ops table. */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"

int atrium_store_tenant_resolve(struct atrium_store *s, const char *id_or_domain,
                                struct atrium_tenant *ret)
{
    if (!id_or_domain || !*id_or_domain || strlen(id_or_domain) > ATRIUM_DOMAIN_NAME_MAX)
        return ATRIUM_ENOTFOUND;
    if (atrium_uuid_is_valid(id_or_domain)) {
        char id[ATRIUM_UUID_LEN + 1];
        memcpy(id, id_or_domain, sizeof(id));
        return s->ops->tenant_get(s, atrium_str_lower(id), ret);
    }
    char *name = atrium_str_lower(xstrdup(id_or_domain));
    struct atrium_domain d = {0};
    int rc = s->ops->domain_find_verified(s, name, &d);
    if (rc == 0)
        rc = s->ops->tenant_get(s, d.tenant_id, ret);
    atrium_domain_release(&d);
    free(name);
    return rc;
}
