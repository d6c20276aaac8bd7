/* SPDX-License-Identifier: MIT */
/*
 * Service principal services: list (built-ins created lazily), get, create
 * for the tenant's own application or another tenant's multi-tenant one
 * (admin consent), delete; and the Graph rendering, whose appRoles and
 * oauth2PermissionScopes come live from the application. See apps.h.
 */
#include "graph/apps.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/audit.h"
#include "graph/authz.h"
#include "model/builtin_apps.h"
#include "store/store_builtin.h"

static const char *const sp_filter_eq[] = {"id", "appId", "displayName", NULL};
static const char *const sp_filter_startswith[] = {"displayName", NULL};
static const char *const sp_select[] = {"id",
                                        "appId",
                                        "displayName",
                                        "appDisplayName",
                                        "servicePrincipalType",
                                        "accountEnabled",
                                        "appOwnerOrganizationId",
                                        "appRoles",
                                        "oauth2PermissionScopes",
                                        "servicePrincipalNames",
                                        "replyUrls",
                                        "tags",
                                        "appRoleAssignmentRequired",
                                        "createdDateTime",
                                        "signInAudience",
                                        "passwordCredentials",
                                        "keyCredentials",
                                        "alternativeNames",
                                        NULL};

const struct atrium_odata_spec atrium_graph_sp_odata = {
    .filter_eq = sp_filter_eq,
    .filter_startswith = sp_filter_startswith,
    .select = sp_select,
};

bool atrium_graph_sp_is_builtin(const struct atrium_service_principal *sp)
{
    return strcmp(sp->app_id, ATRIUM_GRAPH_APP_ID) == 0 ||
           strcmp(sp->app_id, ATRIUM_FIRST_PARTY_CLIENT_ID) == 0;
}

static void append_strings(json_t *to, const json_t *from)
{
    size_t i;
    json_t *v;
    json_array_foreach(from, i, v) if (json_is_string(v)) json_array_append(to, v);
}

/* The principal's view of an application definition (new reference). */
static json_t *sp_view(const char *app_id, const json_t *app_def)
{
    json_t *roles = json_object_get(app_def, "appRoles");
    json_t *scopes = json_object_get(json_object_get(app_def, "api"), "oauth2PermissionScopes");
    json_t *names = json_pack("[s]", app_id);
    append_strings(names, json_object_get(app_def, "identifierUris"));
    json_t *replies = json_array();
    append_strings(replies, json_object_get(json_object_get(app_def, "web"), "redirectUris"));
    append_strings(replies, json_object_get(json_object_get(app_def, "spa"), "redirectUris"));
    append_strings(replies,
                   json_object_get(json_object_get(app_def, "publicClient"), "redirectUris"));
    return json_pack("{s:o, s:o, s:o, s:o}", "appRoles",
                     roles ? json_deep_copy(roles) : json_array(), "oauth2PermissionScopes",
                     scopes ? json_deep_copy(scopes) : json_array(), "servicePrincipalNames", names,
                     "replyUrls", replies);
}

int atrium_graph_sp_def_from_app(const char *app_id, const json_t *app_def, char **ret,
                                 struct atrium_errinfo *e)
{
    json_t *view = sp_view(app_id, app_def);
    int r = atrium_graph_def_dump(view, ret, e);
    json_decref(view);
    return r;
}

int atrium_graph_sp_definition(struct atrium_store *s, const struct atrium_service_principal *sp,
                               json_t **ret, struct atrium_errinfo *e)
{
    struct atrium_application app = {0};
    int r = atrium_graph_sp_is_builtin(sp) ? ATRIUM_ENOTFOUND
                                           : s->oauth->app_find_global(s, sp->app_id, &app);
    if (r == ATRIUM_ENOTFOUND) {
        *ret = atrium_graph_def_parse(sp->definition);
        return 0;
    }
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    json_t *app_def = atrium_graph_def_parse(app.definition);
    *ret = sp_view(sp->app_id, app_def);
    json_decref(app_def);
    atrium_application_release(&app);
    return 0;
}

int atrium_graph_sp_render(struct atrium_store *s, const struct atrium_service_principal *sp,
                           json_t **ret, struct atrium_errinfo *e)
{
    json_t *def = NULL;
    int r = atrium_graph_sp_definition(s, sp, &def, e);
    if (r < 0)
        return r;
    char created[ATRIUM_ISO8601_LEN + 1];
    atrium_iso8601(sp->created, created);
    const char *name = sp->display_name ? sp->display_name : "";
    json_t *out =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:[], s:b, s:[], s:[], s:[], s:n, s:n}",
                  "id", sp->id, "appId", sp->app_id, "displayName", name, "appDisplayName", name,
                  "servicePrincipalType", "Application", "accountEnabled", sp->account_enabled,
                  "appOwnerOrganizationId", sp->app_owner_tenant_id, "createdDateTime", created,
                  "tags", "appRoleAssignmentRequired", 0, "passwordCredentials", "keyCredentials",
                  "alternativeNames", "homepage", "deletedDateTime");
    static const char *const copied[] = {"appRoles", "oauth2PermissionScopes",
                                         "servicePrincipalNames", "replyUrls", NULL};
    for (const char *const *k = copied; *k; k++) {
        json_t *v = json_object_get(def, *k);
        json_object_set_new(out, *k, json_is_array(v) ? json_deep_copy(v) : json_array());
    }
    json_decref(def);
    atrium_graph_fill_permissions(json_object_get(out, "appRoles"),
                                  json_object_get(out, "oauth2PermissionScopes"));
    *ret = out;
    return 0;
}

/* Read check plus the lazy creation of the built-in principals. */
static int begin_call(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_principal *who, const struct atrium_authz_rule *rule,
                      struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, rule, e);
    if (r < 0)
        return r;
    r = atrium_store_ensure_builtin_principals(s, tenant_id);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

int atrium_graph_sp_get(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *who, const char *id,
                        struct atrium_service_principal *ret, struct atrium_errinfo *e)
{
    char oid[ATRIUM_UUID_LEN + 1];
    int r = begin_call(s, tenant_id, who, &atrium_authz_apps_read, e);
    if (r == 0)
        r = atrium_graph_id(id, "id", oid, e);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    r = s->oauth->sp_get(s, tenant_id, oid, ret);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, oid);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

static int sp_page(struct atrium_store *s, const char *tenant_id, const char *after_id,
                   size_t limit, void **ret_items, size_t *ret_count)
{
    struct atrium_service_principal_list l = {0};
    int r = s->oauth->sp_list(s, tenant_id, after_id, limit, &l);
    *ret_items = l.items;
    *ret_count = l.count;
    return r;
}

static const char *sp_id_of(const void *item)
{
    return ((const struct atrium_service_principal *)item)->id;
}

static bool sp_match(const void *item, const struct atrium_odata_filter *f)
{
    const struct atrium_service_principal *sp = item;
    if (f->op == ATRIUM_ODATA_NONE)
        return true;
    if (strcmp(f->property, "appId") == 0)
        return atrium_odata_filter_match(f, sp->app_id);
    if (strcmp(f->property, "id") == 0)
        return atrium_odata_filter_match(f, sp->id);
    return atrium_odata_filter_match(f, sp->display_name);
}

static void sp_release(void *item)
{
    atrium_service_principal_release(item);
}

static const struct atrium_graph_scan_ops sp_scan = {
    .item_size = sizeof(struct atrium_service_principal),
    .page = sp_page,
    .id = sp_id_of,
    .match = sp_match,
    .release = sp_release,
};

int atrium_graph_sp_list(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_principal *who, const struct atrium_odata_query *q,
                         struct atrium_service_principal_list *ret,
                         char ret_next[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e)
{
    int r = begin_call(s, tenant_id, who, &atrium_authz_apps_read, e);
    if (r < 0)
        return r;
    ret_next[0] = '\0';
    memset(ret, 0, sizeof(*ret));
    void *items = NULL;
    size_t count = 0;
    r = atrium_graph_scan(s, tenant_id, q, &sp_scan, &items, &count, ret_next);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    ret->items = items;
    ret->count = count;
    return 0;
}

/* The application appId names, as this tenant may see it: its own or a multi-tenant one. */
static int find_app(struct atrium_store *s, const char *tenant_id, const char *app_id,
                    struct atrium_application *ret, struct atrium_errinfo *e)
{
    int r = s->oauth->app_get_by_app_id(s, tenant_id, app_id, ret);
    if (r == ATRIUM_ENOTFOUND) {
        r = s->oauth->app_find_global(s, app_id, ret);
        if (r == 0 && (!ret->sign_in_audience ||
                       strcmp(ret->sign_in_audience, ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG) != 0)) {
            atrium_application_release(ret);
            r = ATRIUM_ENOTFOUND; /* another tenant's single-tenant app: as if missing */
        }
    }
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, app_id);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

/* The body of POST /servicePrincipals: appId and the optional accountEnabled. */
static int create_request(const json_t *body, char app_id[ATRIUM_UUID_LEN + 1], bool *enabled,
                          struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"appId", "accountEnabled", "@odata.type", NULL};
    const char *text = NULL, *type = NULL;
    int r = atrium_json_reject_unknown(body, allowed, "", e);
    if (r == 0)
        r = atrium_json_get_string(body, "@odata.type", false, 64, "", &type, e);
    if (r == 0 && type && strcmp(type, "#microsoft.graph.servicePrincipal") != 0)
        r = atrium_err(e, ATRIUM_EINVAL, "@odata.type",
                       "Property '@odata.type' must be \"#microsoft.graph.servicePrincipal\".");
    if (r == 0)
        r = atrium_json_get_string(body, "appId", true, ATRIUM_UUID_LEN + 8, "", &text, e);
    if (r == 0)
        r = atrium_graph_id(text, "appId", app_id, e);
    if (r == 0)
        r = atrium_json_get_bool(body, "accountEnabled", "", enabled, e);
    return r;
}

/* The audit entry of a service principal added or removed. */
static int audit_sp(struct atrium_store *s, const struct atrium_principal *who,
                    const struct atrium_service_principal *sp, bool added, struct atrium_errinfo *e)
{
    const struct atrium_audit_change changes[] = {
        {"AppId", added ? NULL : sp->app_id, added ? sp->app_id : NULL},
        {"AppOwnerOrganizationId", added ? NULL : sp->app_owner_tenant_id,
         added ? sp->app_owner_tenant_id : NULL},
    };
    const struct atrium_audit_target target = {.id = sp->id,
                                               .display_name = sp->display_name,
                                               .type = "ServicePrincipal",
                                               .changes = changes,
                                               .change_count = 2};
    return atrium_audit_one_by(s, sp->tenant_id, who, ATRIUM_AUDIT_CAT_APP,
                               added ? "Add service principal" : "Remove service principal",
                               added ? "Add" : "Delete", &target, e);
}

/* Insert sp with its audit entry in one transaction. */
static int insert_sp(struct atrium_store *s, const struct atrium_principal *who,
                     const struct atrium_service_principal *sp, struct atrium_errinfo *e)
{
    int r = atrium_store_begin(s);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if ((r = s->oauth->sp_insert(s, sp->tenant_id, sp)) == ATRIUM_ECONFLICT)
        atrium_err(e, r, "appId", "A service principal for appId '%s' already exists.", sp->app_id);
    else if (r < 0)
        atrium_graph_store_fail(e, r);
    if (r == 0)
        r = audit_sp(s, who, sp, true, e);
    return atrium_graph_txn_end(s, r, e);
}

int atrium_graph_sp_create(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const json_t *body,
                           struct atrium_service_principal *ret, struct atrium_errinfo *e)
{
    char app_id[ATRIUM_UUID_LEN + 1];
    bool enabled = true;
    struct atrium_application app = {0};
    struct atrium_service_principal sp = {0};
    int r = begin_call(s, tenant_id, who, &atrium_authz_apps_write, e);
    if (r == 0)
        r = create_request(body, app_id, &enabled, e);
    if (r < 0)
        return r;
    r = s->oauth->sp_get_by_app_id(s, tenant_id, app_id, &sp);
    atrium_service_principal_release(&sp);
    if (r == 0)
        return atrium_err(e, ATRIUM_ECONFLICT, "appId",
                          "A service principal for appId '%s' already exists in this tenant.",
                          app_id);
    if (r != ATRIUM_ENOTFOUND)
        return atrium_graph_store_fail(e, r);
    r = find_app(s, tenant_id, app_id, &app, e);
    if (r == 0) {
        json_t *def = atrium_graph_def_parse(app.definition);
        r = atrium_graph_sp_def_from_app(app.app_id, def, &sp.definition, e);
        json_decref(def);
    }
    if (r == 0) {
        atrium_uuid_v4(sp.id);
        memcpy(sp.tenant_id, tenant_id, ATRIUM_UUID_LEN + 1);
        memcpy(sp.app_id, app.app_id, sizeof(sp.app_id));
        memcpy(sp.app_owner_tenant_id, app.tenant_id, sizeof(sp.app_owner_tenant_id));
        sp.display_name = xstrdup(app.display_name);
        sp.account_enabled = enabled;
        sp.created = atrium_now();
        r = insert_sp(s, who, &sp, e);
    }
    atrium_application_release(&app);
    if (r < 0) {
        atrium_service_principal_release(&sp);
        return r;
    }
    *ret = sp;
    return 0;
}

int atrium_graph_sp_delete(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const char *id,
                           struct atrium_errinfo *e)
{
    struct atrium_service_principal sp = {0};
    int r = atrium_graph_sp_get(s, tenant_id, who, id, &sp, e);
    if (r == 0)
        r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_write, e);
    if (r == 0 && atrium_graph_sp_is_builtin(&sp))
        r = atrium_err(e, ATRIUM_EINVAL, "id", "Built-in service principals cannot be deleted.");
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        r = atrium_graph_store_fail(e, r);
    else if (r == 0) {
        if ((r = s->oauth->sp_delete(s, tenant_id, sp.id)) < 0)
            r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, sp.id)
                                      : atrium_graph_store_fail(e, r);
        if (r == 0)
            r = audit_sp(s, who, &sp, false, e);
        r = atrium_graph_txn_end(s, r, e);
    }
    atrium_service_principal_release(&sp);
    return r;
}
