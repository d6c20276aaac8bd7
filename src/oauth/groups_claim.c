/* SPDX-License-Identifier: MIT */
/* The "groups" claim of user tokens; see groups_claim.h. */
#include "oauth/groups_claim.h"

#include <string.h>

#include "core/err.h"
#include "model/group_claims.h"
#include "store/store_groups.h"
#include "store/store_oauth.h"

/* Add the claim for user_id per the application definition def (NULL: none). */
static int add_groups(struct atrium_store *s, const char *tenant_id, const char *user_id,
                      const json_t *def, json_t *c)
{
    unsigned which = 0;
    const char *value = json_string_value(json_object_get(def, "groupMembershipClaims"));
    if (atrium_group_claims_parse(value, &which) < 0)
        return 0; /* the API validates on write; an odd stored value emits nothing */
    bool all = which & ATRIUM_GROUP_CLAIMS_ALL;
    if (!all && !(which & ATRIUM_GROUP_CLAIMS_SECURITY))
        return 0;
    struct atrium_group_closure cl = {0};
    int r = atrium_store_group_transitive_of(s, tenant_id, user_id, 0, !all, &cl);
    if (r < 0)
        return r;
    if (cl.truncated || cl.count > ATRIUM_GROUPS_CLAIM_MAX) {
        json_object_set_new(c, "hasgroups", json_true());
    } else if (cl.count) {
        json_t *ids = json_array();
        for (size_t i = 0; i < cl.count; i++)
            json_array_append_new(ids, json_string(cl.items[i].id));
        json_object_set_new(c, "groups", ids);
    }
    atrium_group_closure_release(&cl);
    return 0;
}

int atrium_oauth_access_groups(struct atrium_store *s, const struct atrium_mint_request *req,
                               json_t *c)
{
    const char *resource = req->scopes->resource_app_id;
    if (!req->user || !resource[0])
        return 0; /* app-only, or a directory API token for OIDC scopes only */
    if (strcmp(resource, req->client->app_id) == 0)
        return add_groups(s, req->tenant_id, req->user->id, req->client->definition, c);
    struct atrium_application app = {0};
    int r = s->oauth->app_find_global(s, resource, &app);
    if (r == 0) {
        json_t *def = json_loads(app.definition ? app.definition : "{}", 0, NULL);
        r = add_groups(s, req->tenant_id, req->user->id, def, c);
        json_decref(def);
    }
    atrium_application_release(&app);
    return r == ATRIUM_ENOTFOUND ? 0 : r; /* built-in resources (the directory API) have none */
}

int atrium_oauth_id_groups(struct atrium_store *s, const struct atrium_mint_request *req, json_t *c)
{
    return req->user ? add_groups(s, req->tenant_id, req->user->id, req->client->definition, c) : 0;
}
