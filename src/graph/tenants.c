/* SPDX-License-Identifier: MIT */
/* Tenant look-up (by GUID or verified domain) and JSON renderings. */
#include "graph/directory.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"

int atrium_tenant_resolve(struct atrium_store *s, const char *id_or_domain,
                          struct atrium_tenant *ret, struct atrium_errinfo *e)
{
    int rc = atrium_store_tenant_resolve(s, id_or_domain, ret);
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_err(e, rc, "tenant", "Tenant '%.100s' not found.",
                          id_or_domain ? id_or_domain : "");
    if (rc < 0)
        return atrium_err(e, rc, "", "The tenant store is unavailable.");
    return 0;
}

json_t *atrium_tenant_to_json(const struct atrium_tenant *t)
{
    char created[ATRIUM_ISO8601_LEN + 1];
    atrium_iso8601(t->created, created);
    return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s}", "id", t->id, "displayName", t->display_name,
                     "initialDomain", t->initial_domain, "countryLetterCode", t->country,
                     "contactEmail", t->contact_email, "createdDateTime", created);
}

json_t *atrium_signup_result_to_json(const struct atrium_signup_result *r)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "id", r->tenant.id, "displayName",
                     r->tenant.display_name, "initialDomain", r->tenant.initial_domain,
                     "countryLetterCode", r->tenant.country, "admin", "id", r->admin.id,
                     "userPrincipalName", r->admin.upn);
}
