/* SPDX-License-Identifier: MIT */
/*
 * Graph resource shapes of applications and their password credentials:
 * the stored definition laid over the full default property set, so every
 * documented property is present (null or empty when unset). See apps.h.
 */
#include "graph/apps.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "model/tenant.h"

static json_t *iso_time(int64_t t)
{
    char buf[ATRIUM_ISO8601_LEN + 1];
    if (t <= 0)
        return json_null();
    atrium_iso8601(t, buf);
    return json_string(buf);
}

json_t *atrium_graph_password_to_json(const struct atrium_app_password *p, const char *secret_text)
{
    return json_pack("{s:n, s:s?, s:o, s:s?, s:s, s:s?, s:o}", "customKeyIdentifier", "displayName",
                     p->display_name, "endDateTime", iso_time(p->end), "hint", p->hint, "keyId",
                     p->key_id, "secretText", secret_text, "startDateTime", iso_time(p->start));
}

static json_t *app_defaults(void)
{
    json_t *d = json_pack(
        "{s:n, s:n, s:[], s:n, s:[], s:{s:[], s:n, s:n, s:{s:b, s:b}}, s:{s:[]}, s:{s:[]}, s:[], "
        "s:{s:n, s:n, s:[], s:[], s:[]}, s:[], s:[]}",
        "description", "notes", "tags", "isFallbackPublicClient", "identifierUris", "web",
        "redirectUris", "homePageUrl", "logoutUrl", "implicitGrantSettings",
        "enableIdTokenIssuance", 0, "enableAccessTokenIssuance", 0, "spa", "redirectUris",
        "publicClient", "redirectUris", "appRoles", "api", "requestedAccessTokenVersion",
        "acceptMappedClaims", "knownClientApplications", "oauth2PermissionScopes",
        "preAuthorizedApplications", "requiredResourceAccess", "keyCredentials");
    json_object_set_new(d, "groupMembershipClaims", json_null());
    return d;
}

/* Fill the members of an appRole or permission scope the client left out. */
static void fill_entries(json_t *list, const char *const *nullable, const char *kind_default)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        for (const char *const *k = nullable; *k; k++)
            if (!json_object_get(item, *k))
                json_object_set_new(item, *k, json_null());
        if (!json_object_get(item, "isEnabled"))
            json_object_set_new(item, "isEnabled", json_true());
        if (!json_object_get(item, "origin") || json_is_null(json_object_get(item, "origin")))
            json_object_set_new(item, "origin", json_string("Application"));
        if (kind_default && !json_object_get(item, "type"))
            json_object_set_new(item, "type", json_string(kind_default));
    }
}

void atrium_graph_fill_permissions(json_t *app_roles, json_t *scopes)
{
    static const char *const role_nullable[] = {"description", "displayName", "value", NULL};
    static const char *const scope_nullable[] = {
        "adminConsentDescription", "adminConsentDisplayName", "userConsentDescription",
        "userConsentDisplayName", NULL};
    fill_entries(app_roles, role_nullable, NULL);
    fill_entries(scopes, scope_nullable, "User");
}

/* The definition over the defaults; complex properties merge member by member. */
static json_t *overlay(const json_t *def)
{
    json_t *out = app_defaults();
    const char *key, *k;
    json_t *v, *m;
    json_object_foreach((json_t *)def, key, v)
    {
        json_t *cur = json_object_get(out, key);
        if (json_is_object(cur) && json_is_object(v)) {
            json_object_foreach(v, k, m) json_object_set_new(cur, k, json_deep_copy(m));
        } else {
            json_object_set_new(out, key, json_deep_copy(v));
        }
    }
    atrium_graph_fill_permissions(
        json_object_get(out, "appRoles"),
        json_object_get(json_object_get(out, "api"), "oauth2PermissionScopes"));
    return out;
}

static json_t *password_list(struct atrium_store *s, const struct atrium_application *a, int *rc)
{
    struct atrium_app_password_list l = {0};
    json_t *arr = json_array();
    *rc = s->oauth->app_password_list(s, a->tenant_id, a->id, &l);
    for (size_t i = 0; *rc == 0 && i < l.count; i++)
        json_array_append_new(arr, atrium_graph_password_to_json(&l.items[i], NULL));
    atrium_app_password_list_release(&l);
    return arr;
}

int atrium_graph_app_render(struct atrium_store *s, const struct atrium_application *a,
                            json_t **ret, struct atrium_errinfo *e)
{
    json_t *def = atrium_graph_def_parse(a->definition);
    json_t *out = overlay(def);
    json_decref(def);
    int rc = 0;
    json_object_set_new(out, "passwordCredentials", password_list(s, a, &rc));
    struct atrium_tenant t = {0};
    if (rc == 0)
        rc = s->ops->tenant_get(s, a->tenant_id, &t);
    if (rc < 0) {
        atrium_tenant_release(&t);
        json_decref(out);
        return atrium_graph_store_fail(e, rc);
    }
    json_object_set_new(out, "id", json_string(a->id));
    json_object_set_new(out, "appId", json_string(a->app_id));
    json_object_set_new(out, "displayName", json_string(a->display_name ? a->display_name : ""));
    json_object_set_new(
        out, "signInAudience",
        json_string(a->sign_in_audience ? a->sign_in_audience : ATRIUM_SIGN_IN_AUDIENCE_MY_ORG));
    json_object_set_new(out, "createdDateTime", iso_time(a->created));
    json_object_set_new(out, "publisherDomain",
                        t.initial_domain ? json_string(t.initial_domain) : json_null());
    json_object_set_new(out, "deletedDateTime", json_null());
    atrium_tenant_release(&t);
    *ret = out;
    return 0;
}
