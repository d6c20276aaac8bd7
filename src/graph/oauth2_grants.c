/* SPDX-License-Identifier: MIT */
/*
 * Delegated permission grants (Graph oauth2PermissionGrant): consent for a
 * client service principal to call a resource on behalf of every user
 * (AllPrincipals) or one user (Principal), with scopes checked against the
 * resource's oauth2PermissionScopes and stored in their canonical spelling.
 * See apps.h.
 */
#include "graph/apps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/audit.h"
#include "graph/authz.h"
#include "store/store_builtin.h"

#define SCOPE_TEXT_MAX 4096
#define SCOPE_VALUE_MAX 256

static const char *const grant_filter_eq[] = {"id",          "clientId",    "resourceId",
                                              "principalId", "consentType", NULL};
static const char *const grant_select[] = {"id",         "clientId", "consentType", "principalId",
                                           "resourceId", "scope",    NULL};

const struct atrium_odata_spec atrium_graph_grant_odata = {
    .filter_eq = grant_filter_eq,
    .filter_startswith = NULL,
    .select = grant_select,
};

json_t *atrium_graph_grant_to_json(const struct atrium_oauth2_grant *g)
{
    return json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s?}", "id", g->id, "clientId", g->client_id,
                     "consentType", g->consent_type, "principalId",
                     g->principal_id[0] ? g->principal_id : NULL, "resourceId", g->resource_id,
                     "scope", g->scope);
}

/* Authorize under rule and create the built-in principals if needed. */
static int begin_call(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_principal *who, const struct atrium_authz_rule *rule,
                      struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, rule, e);
    if (r == 0 && (r = atrium_store_ensure_builtin_principals(s, tenant_id)) < 0)
        r = atrium_graph_store_fail(e, r);
    return r;
}

/* A service principal of the tenant named by a body id (404 when not). */
static int body_sp(struct atrium_store *s, const char *tenant_id, const char *id,
                   struct atrium_service_principal *ret, struct atrium_errinfo *e)
{
    memset(ret, 0, sizeof(*ret));
    int r = s->oauth->sp_get(s, tenant_id, id, ret);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, id);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

/* The canonical spelling of an enabled delegated scope of def, or NULL. */
static const char *find_scope(const json_t *def, const char *value)
{
    size_t i;
    json_t *sc;
    json_array_foreach(json_object_get(def, "oauth2PermissionScopes"), i, sc)
    {
        const char *v = json_string_value(json_object_get(sc, "value"));
        if (v && atrium_str_ieq(v, value) && !json_is_false(json_object_get(sc, "isEnabled")))
            return v;
    }
    return NULL;
}

/* Resolve a space-separated scope list against the resource: canonical, deduplicated (heap). */
static int resolve_scopes(struct atrium_store *s, const struct atrium_service_principal *resource,
                          const char *text, char **ret, struct atrium_errinfo *e)
{
    json_t *def = NULL;
    int r = atrium_graph_sp_definition(s, resource, &def, e);
    if (r < 0)
        return r;
    json_t *seen = json_array();
    for (const char *p = text; r == 0 && *p;) {
        size_t n = strcspn(p, " ");
        char value[SCOPE_VALUE_MAX + 1];
        if (n > SCOPE_VALUE_MAX)
            n = SCOPE_VALUE_MAX;
        memcpy(value, p, n);
        value[n] = '\0';
        p += strcspn(p, " ");
        p += strspn(p, " ");
        if (n == 0)
            continue;
        const char *canon = find_scope(def, value);
        if (!canon)
            r = atrium_err(e, ATRIUM_EINVAL, "scope",
                           "The scope '%s' is not a delegated permission of the resource '%s'.",
                           value, resource->app_id);
        bool dup = false;
        for (size_t i = 0; canon && i < json_array_size(seen) && !dup; i++)
            dup = strcmp(json_string_value(json_array_get(seen, i)), canon) == 0;
        if (canon && !dup)
            json_array_append_new(seen, json_string(canon));
    }
    if (r == 0 && json_array_size(seen) == 0)
        r = atrium_err(e, ATRIUM_EINVAL, "scope", "Property 'scope' names no permission.");
    struct atrium_buf b;
    atrium_buf_init(&b, SCOPE_TEXT_MAX * 2);
    for (size_t i = 0; r == 0 && i < json_array_size(seen); i++)
        atrium_buf_printf(&b, "%s%s", i ? " " : "", json_string_value(json_array_get(seen, i)));
    if (r == 0)
        *ret = atrium_buf_take(&b);
    atrium_buf_release(&b);
    json_decref(seen);
    json_decref(def);
    return r;
}

static int scope_member(const json_t *body, bool required, const char **ret,
                        struct atrium_errinfo *e)
{
    return atrium_json_get_string(body, "scope", required, SCOPE_TEXT_MAX, "", ret, e);
}

/* consentType, and principalId when it is "Principal" (a user of the tenant). */
static int grant_principal(struct atrium_store *s, const char *tenant_id, const json_t *body,
                           struct atrium_oauth2_grant *g, struct atrium_errinfo *e)
{
    const char *type = NULL, *pid = NULL;
    int r = atrium_json_get_string(body, "consentType", true, 32, "", &type, e);
    if (r == 0)
        r = atrium_json_get_string(body, "principalId", false, ATRIUM_UUID_LEN + 8, "", &pid, e);
    if (r < 0)
        return r;
    bool one = strcmp(type, ATRIUM_CONSENT_PRINCIPAL) == 0;
    if (!one && strcmp(type, ATRIUM_CONSENT_ALL_PRINCIPALS) != 0)
        return atrium_err(e, ATRIUM_EINVAL, "consentType",
                          "Property 'consentType' must be \"AllPrincipals\" or \"Principal\".");
    g->consent_type = xstrdup(type);
    if (!one && pid)
        return atrium_err(e, ATRIUM_EINVAL, "principalId",
                          "Property 'principalId' must be null when consentType is AllPrincipals.");
    if (!one)
        return 0;
    if (!pid)
        return atrium_err(e, ATRIUM_EINVAL, "principalId",
                          "Property 'principalId' is required when consentType is Principal.");
    if ((r = atrium_graph_id(pid, "principalId", g->principal_id, e)) < 0)
        return r;
    struct atrium_user u = {0};
    r = s->ops->user_get(s, tenant_id, g->principal_id, &u);
    atrium_user_release(&u);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, g->principal_id);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

/* Fill g from a create body (everything but id, tenant and time). */
static int grant_request(struct atrium_store *s, const char *tenant_id, const json_t *body,
                         struct atrium_oauth2_grant *g, struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"clientId",   "consentType", "principalId",
                                          "resourceId", "scope",       NULL};
    const char *client = NULL, *resource = NULL, *scope = NULL;
    struct atrium_service_principal csp = {0}, rsp = {0};
    int r = atrium_json_reject_unknown(body, allowed, "", e);
    if (r == 0)
        r = atrium_json_get_string(body, "clientId", true, ATRIUM_UUID_LEN + 8, "", &client, e);
    if (r == 0)
        r = atrium_json_get_string(body, "resourceId", true, ATRIUM_UUID_LEN + 8, "", &resource, e);
    if (r == 0)
        r = scope_member(body, true, &scope, e);
    if (r == 0)
        r = atrium_graph_id(client, "clientId", g->client_id, e);
    if (r == 0)
        r = atrium_graph_id(resource, "resourceId", g->resource_id, e);
    if (r == 0)
        r = body_sp(s, tenant_id, g->client_id, &csp, e);
    if (r == 0)
        r = body_sp(s, tenant_id, g->resource_id, &rsp, e);
    if (r == 0)
        r = grant_principal(s, tenant_id, body, g, e);
    if (r == 0)
        r = resolve_scopes(s, &rsp, scope, &g->scope, e);
    atrium_service_principal_release(&csp);
    atrium_service_principal_release(&rsp);
    return r;
}

/* The audit entry of a delegated grant: client and resource principals, scope before and after. */
static int audit_grant(struct atrium_store *s, const struct atrium_principal *who,
                       const struct atrium_oauth2_grant *g, const char *activity, const char *op,
                       const char *old_scope, const char *new_scope, struct atrium_errinfo *e)
{
    struct atrium_service_principal client = {0}, resource = {0};
    s->oauth->sp_get(s, g->tenant_id, g->client_id, &client);
    s->oauth->sp_get(s, g->tenant_id, g->resource_id, &resource);
    const struct atrium_audit_change changes[] = {
        {"DelegatedPermissionGrant.Scope", old_scope, new_scope},
        {"DelegatedPermissionGrant.ConsentType", NULL, g->consent_type},
        {"DelegatedPermissionGrant.PrincipalId", NULL, g->principal_id[0] ? g->principal_id : NULL},
    };
    const struct atrium_audit_target targets[] = {
        {.id = g->client_id,
         .display_name = client.display_name,
         .type = "ServicePrincipal",
         .changes = changes,
         .change_count = 3},
        {.id = g->resource_id, .display_name = resource.display_name, .type = "ServicePrincipal"},
    };
    const struct atrium_audit_event ev = {.category = ATRIUM_AUDIT_CAT_APP,
                                          .activity = activity,
                                          .operation_type = op,
                                          .targets = targets,
                                          .target_count = 2};
    int r = atrium_audit_record_by(s, g->tenant_id, who, &ev);
    atrium_service_principal_release(&client);
    atrium_service_principal_release(&resource);
    if (r < 0)
        return atrium_err(e, r, "", "The audit log could not be written; nothing was changed.");
    return 0;
}

/* Insert g with its audit entry in one transaction. */
static int insert_grant(struct atrium_store *s, const struct atrium_principal *who,
                        const struct atrium_oauth2_grant *g, struct atrium_errinfo *e)
{
    int r = atrium_store_begin(s);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    r = s->oauth->grant_insert(s, g->tenant_id, g);
    if (r == ATRIUM_ECONFLICT)
        atrium_err(e, r, "clientId",
                   "A permission grant for this client, resource and principal already "
                   "exists; update its scope instead.");
    else if (r == ATRIUM_ENOTFOUND)
        atrium_graph_not_found(e, g->client_id);
    else if (r < 0)
        atrium_graph_store_fail(e, r);
    if (r == 0)
        r = audit_grant(s, who, g, "Add delegated permission grant", "Assign", NULL, g->scope, e);
    return atrium_graph_txn_end(s, r, e);
}

int atrium_graph_grant_create(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const json_t *body,
                              struct atrium_oauth2_grant *ret, struct atrium_errinfo *e)
{
    struct atrium_oauth2_grant g = {0};
    int r = begin_call(s, tenant_id, who, &atrium_authz_consent_write, e);
    if (r == 0)
        r = grant_request(s, tenant_id, body, &g, e);
    if (r == 0) {
        atrium_uuid_v4(g.id);
        snprintf(g.tenant_id, sizeof(g.tenant_id), "%s", tenant_id);
        g.created = atrium_now();
        r = insert_grant(s, who, &g, e);
    }
    if (r < 0) {
        atrium_oauth2_grant_release(&g);
        return r;
    }
    *ret = g;
    return 0;
}

/* Load grant id of the tenant (404 when missing). */
static int load_grant(struct atrium_store *s, const char *tenant_id, const char *id,
                      struct atrium_oauth2_grant *ret, struct atrium_errinfo *e)
{
    char gid[ATRIUM_UUID_LEN + 1];
    int r = atrium_graph_id(id, "id", gid, e);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    r = s->oauth->grant_get(s, tenant_id, gid, ret);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, gid);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

int atrium_graph_grant_get(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const char *id,
                           struct atrium_oauth2_grant *ret, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_read, e);
    return r < 0 ? r : load_grant(s, tenant_id, id, ret, e);
}

int atrium_graph_grant_update(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const char *id,
                              const json_t *body, struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"scope", NULL};
    struct atrium_oauth2_grant g = {0};
    struct atrium_service_principal rsp = {0};
    const char *scope = NULL;
    AUTO_FREE char *canon = NULL;
    int r = begin_call(s, tenant_id, who, &atrium_authz_consent_write, e);
    if (r == 0)
        r = load_grant(s, tenant_id, id, &g, e);
    if (r == 0)
        r = atrium_json_reject_unknown(body, allowed, "", e);
    if (r == 0)
        r = scope_member(body, true, &scope, e);
    if (r == 0)
        r = body_sp(s, tenant_id, g.resource_id, &rsp, e);
    if (r == 0)
        r = resolve_scopes(s, &rsp, scope, &canon, e);
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        r = atrium_graph_store_fail(e, r);
    else if (r == 0) {
        if ((r = s->oauth->grant_update_scope(s, tenant_id, g.id, canon)) < 0)
            r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, g.id)
                                      : atrium_graph_store_fail(e, r);
        if (r == 0)
            r = audit_grant(s, who, &g, "Update delegated permission grant", "Update", g.scope,
                            canon, e);
        r = atrium_graph_txn_end(s, r, e);
    }
    atrium_service_principal_release(&rsp);
    atrium_oauth2_grant_release(&g);
    return r;
}

int atrium_graph_grant_delete(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const char *id,
                              struct atrium_errinfo *e)
{
    char gid[ATRIUM_UUID_LEN + 1];
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_consent_write, e);
    if (r == 0)
        r = atrium_graph_id(id, "id", gid, e);
    struct atrium_oauth2_grant g = {0};
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    if (r == 0) {
        r = s->oauth->grant_get(s, tenant_id, gid, &g);
        if (r == 0)
            r = s->oauth->grant_delete(s, tenant_id, gid);
        if (r < 0)
            r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, gid)
                                      : atrium_graph_store_fail(e, r);
        if (r == 0)
            r = audit_grant(s, who, &g, "Remove delegated permission grant", "Unassign", g.scope,
                            NULL, e);
        r = atrium_graph_txn_end(s, r, e);
    }
    atrium_oauth2_grant_release(&g);
    return r;
}

static bool grant_match(const struct atrium_oauth2_grant *g, const struct atrium_odata_filter *f)
{
    const char *p = f->property;
    if (f->op == ATRIUM_ODATA_NONE)
        return true;
    if (strcmp(p, "id") == 0)
        return atrium_odata_filter_match(f, g->id);
    if (strcmp(p, "clientId") == 0)
        return atrium_odata_filter_match(f, g->client_id);
    if (strcmp(p, "resourceId") == 0)
        return atrium_odata_filter_match(f, g->resource_id);
    if (strcmp(p, "principalId") == 0)
        return atrium_odata_filter_match(f, g->principal_id);
    return atrium_odata_filter_match(f, g->consent_type);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct atrium_oauth2_grant *)a)->id,
                  ((const struct atrium_oauth2_grant *)b)->id);
}

int atrium_graph_grant_list(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const struct atrium_odata_query *q,
                            struct atrium_oauth2_grant_list *ret,
                            char ret_next[ATRIUM_UUID_LEN + 1], struct atrium_errinfo *e)
{
    struct atrium_oauth2_grant_list all = {0};
    const char *client = NULL;
    char cid[ATRIUM_UUID_LEN + 1];
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_read, e);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    ret_next[0] = '\0';
    if (q->filter.op == ATRIUM_ODATA_EQ && strcmp(q->filter.property, "clientId") == 0) {
        if (!atrium_uuid_is_valid(q->filter.value))
            return 0;
        snprintf(cid, sizeof(cid), "%s", q->filter.value);
        client = atrium_str_lower(cid);
    }
    if ((r = s->oauth->grant_list(s, tenant_id, client, &all)) < 0)
        return atrium_graph_store_fail(e, r);
    if (all.count > 1)
        qsort(all.items, all.count, sizeof(*all.items), by_id);
    ret->items = xcalloc(q->top + 1, sizeof(*ret->items));
    for (size_t i = 0; i < all.count; i++) {
        struct atrium_oauth2_grant *g = &all.items[i];
        if (strcmp(g->id, q->after_id) > 0 && ret->count <= q->top && grant_match(g, &q->filter))
            ret->items[ret->count++] = *g;
        else
            atrium_oauth2_grant_release(g);
    }
    xfree(all.items);
    if (ret->count > q->top) {
        atrium_oauth2_grant_release(&ret->items[--ret->count]);
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", ret->items[ret->count - 1].id);
    }
    return 0;
}
