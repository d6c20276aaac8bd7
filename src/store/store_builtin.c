/* SPDX-License-Identifier: MIT */
/*
 * The built-in service principals of a tenant; see store_builtin.h. The
 * directory API's definition is generated from its permission table
 * (model/builtin_apps.c) in the shape Graph gives servicePrincipal
 * resources: appRoles for application permissions, oauth2PermissionScopes
 * for delegated ones.
 */
#include "store/store_builtin.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "model/builtin_apps.h"
#include "store/store.h"
#include "store/store_oauth.h"

/* "Read all groups" -> "Allows the app to read all groups." (heap). */
static char *describe(const char *name)
{
    return xasprintf("Allows the app to %c%s.", tolower((unsigned char)name[0]), name + 1);
}

static json_t *app_role(const struct atrium_builtin_permission *p)
{
    AUTO_FREE char *description = describe(p->admin_display_name);
    return json_pack("{s:s, s:s, s:s, s:s, s:[s], s:b, s:s}", "id", p->id, "value", p->value,
                     "displayName", p->admin_display_name, "description", description,
                     "allowedMemberTypes", "Application", "isEnabled", 1, "origin", "Application");
}

static json_t *permission_scope(const struct atrium_builtin_permission *p)
{
    AUTO_FREE char *description = describe(p->admin_display_name);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", p->id, "value", p->value,
                     "type", p->admin_consent_required ? "Admin" : "User",
                     "adminConsentDisplayName", p->admin_display_name, "adminConsentDescription",
                     description, "userConsentDisplayName", p->admin_display_name,
                     "userConsentDescription", description, "isEnabled", 1);
}

/* The definition JSON of the directory API's service principal (heap). */
static char *graph_definition(void)
{
    json_t *roles = json_array();
    json_t *scopes = json_array();
    for (const struct atrium_builtin_permission *p = atrium_graph_permissions; p->id; p++) {
        if (p->kind == ATRIUM_PERMISSION_APPLICATION)
            json_array_append_new(roles, app_role(p));
        else
            json_array_append_new(scopes, permission_scope(p));
    }
    json_t *def = json_pack("{s:o, s:o, s:[s, s], s:[]}", "appRoles", roles,
                            "oauth2PermissionScopes", scopes, "servicePrincipalNames",
                            ATRIUM_GRAPH_RESOURCE_URI, ATRIUM_GRAPH_APP_ID, "replyUrls");
    char *text = def ? json_dumps(def, JSON_COMPACT) : NULL;
    json_decref(def);
    if (!text)
        abort(); /* only out of memory gets here, like xmalloc */
    char *copy = xstrdup(text);
    free(text);
    return copy;
}

/* The definition JSON of the first-party public client's service principal (heap). */
static char *first_party_definition(void)
{
    return xstrdup("{\"appRoles\":[],\"oauth2PermissionScopes\":[],"
                   "\"servicePrincipalNames\":[\"" ATRIUM_FIRST_PARTY_CLIENT_ID "\"],"
                   "\"replyUrls\":[]}");
}

/* Create the service principal of app_id in the tenant unless it is there. */
static int ensure_one(struct atrium_store *s, const char *tenant_id, const char *app_id,
                      const char *display_name, char *(*definition)(void))
{
    struct atrium_service_principal sp = {0};

    int r = s->oauth->sp_brief_by_app_id(s, tenant_id, app_id, &sp);
    atrium_service_principal_release(&sp);
    if (r != ATRIUM_ENOTFOUND)
        return r; /* there already (0), or the store failed */

    AUTO_FREE char *name = xstrdup(display_name);
    AUTO_FREE char *def = definition();
    sp = (struct atrium_service_principal){
        .display_name = name, .definition = def, .account_enabled = true, .created = atrium_now()};
    atrium_uuid_v4(sp.id);
    snprintf(sp.tenant_id, sizeof(sp.tenant_id), "%s", tenant_id);
    snprintf(sp.app_id, sizeof(sp.app_id), "%s", app_id);
    snprintf(sp.app_owner_tenant_id, sizeof(sp.app_owner_tenant_id), "%s", tenant_id);
    r = s->oauth->sp_insert(s, tenant_id, &sp);
    return r == ATRIUM_ECONFLICT ? 0 : r; /* a concurrent caller created it first */
}

int atrium_store_ensure_builtin_principals(struct atrium_store *s, const char *tenant_id)
{
    if (!tenant_id || !*tenant_id || strlen(tenant_id) > ATRIUM_UUID_LEN)
        return ATRIUM_EINVAL;
    int r =
        ensure_one(s, tenant_id, ATRIUM_GRAPH_APP_ID, ATRIUM_GRAPH_DISPLAY_NAME, graph_definition);
    if (r == 0)
        r = ensure_one(s, tenant_id, ATRIUM_FIRST_PARTY_CLIENT_ID, ATRIUM_FIRST_PARTY_CLIENT_NAME,
                       first_party_definition);
    return r;
}
