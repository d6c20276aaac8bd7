/* SPDX-License-Identifier: MIT */
/*
 * Resources (APIs) named by scopes: the directory API and custom APIs found
 * by identifier URI or appId, their permissions, and the consent and app
 * role assignments that grant them. See resource.h.
 */
#include "oauth/resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "model/builtin_apps.h"
#include "oauth/oauth_priv.h"

#define PAGE 100

void atrium_oauth_resource_release(struct atrium_oauth_resource *r)
{
    if (!r)
        return;
    free(r->uri);
    atrium_service_principal_release(&r->sp);
    json_decref(r->app_def);
    memset(r, 0, sizeof(*r));
}

void atrium_oauth_set_add(json_t *set, const char *value)
{
    if (value && !atrium_oauth_set_has(set, value))
        json_array_append_new(set, json_string(value));
}

bool atrium_oauth_set_has(const json_t *set, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(set, i, v)
    {
        if (atrium_str_ieq(json_string_value(v), value))
            return true;
    }
    return false;
}

bool atrium_oauth_resource_is_graph(const char *written)
{
    return !written || atrium_str_ieq(written, ATRIUM_GRAPH_RESOURCE_URI) ||
           atrium_str_ieq(written, ATRIUM_GRAPH_APP_ID);
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Compare identifier URIs ignoring one trailing '/' and ASCII case. */
static bool uri_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '/')
        la--;
    if (lb && b[lb - 1] == '/')
        lb--;
    if (la != lb)
        return false;
    for (size_t i = 0; i < la; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

static json_t *parse_def(const char *text)
{
    json_t *d = text ? json_loads(text, 0, NULL) : NULL;
    if (json_is_object(d))
        return d;
    json_decref(d);
    return json_object();
}

static bool def_has_uri(const char *text, const char *uri)
{
    json_t *d = parse_def(text);
    size_t i;
    json_t *v;
    bool found = false;
    json_array_foreach(json_object_get(d, "identifierUris"), i, v)
    {
        if (json_string_value(v) && uri_eq(json_string_value(v), uri))
            found = true;
    }
    json_decref(d);
    return found;
}

static bool is_multi_org(const struct atrium_application *a)
{
    return a->sign_in_audience &&
           strcmp(a->sign_in_audience, ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG) == 0;
}

/* An application of the tenant with this identifier URI. */
static int find_own_app_by_uri(struct atrium_store *s, const char *tenant_id, const char *uri,
                               struct atrium_application *ret)
{
    char after[ATRIUM_UUID_LEN + 1] = "";
    for (;;) {
        struct atrium_application_list l = {0};
        int rc = s->oauth->app_list(s, tenant_id, after[0] ? after : NULL, PAGE, &l);
        if (rc < 0)
            return rc;
        size_t count = l.count;
        for (size_t i = 0; i < l.count; i++) {
            if (def_has_uri(l.items[i].definition, uri)) {
                *ret = l.items[i];
                memset(&l.items[i], 0, sizeof(l.items[i]));
                atrium_application_list_release(&l);
                return 0;
            }
        }
        if (count)
            snprintf(after, sizeof(after), "%s", l.items[count - 1].id);
        atrium_application_list_release(&l);
        if (count < PAGE)
            return ATRIUM_ENOTFOUND;
    }
}

/* A multi-tenant application of another tenant, with a principal here, with this URI. */
static int find_foreign_app_by_uri(struct atrium_store *s, const char *tenant_id, const char *uri,
                                   struct atrium_application *ret)
{
    char after[ATRIUM_UUID_LEN + 1] = "";
    for (;;) {
        struct atrium_service_principal_list l = {0};
        int rc = s->oauth->sp_list(s, tenant_id, after[0] ? after : NULL, PAGE, &l);
        if (rc < 0)
            return rc;
        size_t count = l.count;
        for (size_t i = 0; rc == 0 && i < l.count; i++) {
            if (strcmp(l.items[i].app_owner_tenant_id, tenant_id) == 0)
                continue;
            struct atrium_application a = {0};
            int r = s->oauth->app_find_global(s, l.items[i].app_id, &a);
            if (r == 0 && is_multi_org(&a) && def_has_uri(a.definition, uri)) {
                *ret = a;
                atrium_service_principal_list_release(&l);
                return 0;
            }
            atrium_application_release(&a);
            if (r < 0 && r != ATRIUM_ENOTFOUND)
                rc = r;
        }
        if (count)
            snprintf(after, sizeof(after), "%s", l.items[count - 1].id);
        atrium_service_principal_list_release(&l);
        if (rc < 0)
            return rc;
        if (count < PAGE)
            return ATRIUM_ENOTFOUND;
    }
}

static int find_app(struct atrium_store *s, const char *tenant_id, const char *written,
                    struct atrium_application *ret)
{
    if (atrium_uuid_is_valid(written)) {
        char id[ATRIUM_UUID_LEN + 1];
        memcpy(id, written, sizeof(id));
        atrium_str_lower(id);
        int rc = s->oauth->app_get_by_app_id(s, tenant_id, id, ret);
        if (rc == ATRIUM_ENOTFOUND) {
            rc = s->oauth->app_find_global(s, id, ret);
            if (rc == 0 && !is_multi_org(ret)) {
                atrium_application_release(ret);
                rc = ATRIUM_ENOTFOUND;
            }
        }
        return rc;
    }
    int rc = find_own_app_by_uri(s, tenant_id, written, ret);
    if (rc == ATRIUM_ENOTFOUND)
        rc = find_foreign_app_by_uri(s, tenant_id, written, ret);
    return rc;
}

static int resource_not_found(struct atrium_oauth_error *e, const char *written,
                              const char *tenant_id)
{
    char shown[120];
    return atrium_oauth_fail(e, ATRIUM_ENOTFOUND, "invalid_resource", 500011, 400,
                             "The resource principal named %s was not found in the tenant named "
                             "%s. This can happen if the application has not been installed by "
                             "the administrator of the tenant or consented to by any user in the "
                             "tenant.",
                             atrium_oauth_printable(written, shown, sizeof(shown)), tenant_id);
}

static int find_custom(struct atrium_store *s, const char *tenant_id, const char *written,
                       struct atrium_oauth_resource *ret, struct atrium_oauth_error *e)
{
    struct atrium_application app = {0};
    int rc = find_app(s, tenant_id, written, &app);
    if (rc == 0) {
        snprintf(ret->app_id, sizeof(ret->app_id), "%s", app.app_id);
        ret->app_def = parse_def(app.definition);
        rc = s->oauth->sp_brief_by_app_id(s, tenant_id, app.app_id, &ret->sp);
    }
    atrium_application_release(&app);
    if (rc == ATRIUM_ENOTFOUND)
        return resource_not_found(e, written, tenant_id);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    /* The audience: an appId in its canonical case, a URI as written (no trailing '/'). */
    ret->uri = atrium_uuid_is_valid(written) ? xstrdup(ret->app_id) : xstrdup(written);
    size_t n = strlen(ret->uri);
    if (n > 1 && ret->uri[n - 1] == '/')
        ret->uri[n - 1] = '\0';
    return 0;
}

int atrium_oauth_resource_find(struct atrium_store *s, const char *tenant_id, const char *written,
                               struct atrium_oauth_resource *ret, struct atrium_oauth_error *e)
{
    memset(ret, 0, sizeof(*ret));
    if (!s->oauth)
        return atrium_oauth_fail_store(e, ATRIUM_ESTORE);
    if (!atrium_oauth_resource_is_graph(written)) {
        int rc = find_custom(s, tenant_id, written, ret, e);
        if (rc < 0)
            atrium_oauth_resource_release(ret);
        return rc;
    }
    ret->graph = true;
    snprintf(ret->app_id, sizeof(ret->app_id), "%s", ATRIUM_GRAPH_APP_ID);
    ret->uri = xstrdup(ATRIUM_GRAPH_RESOURCE_URI);
    int rc = atrium_oauth_graph_sp(s, tenant_id, &ret->sp);
    if (rc == ATRIUM_ENOTFOUND)
        rc = resource_not_found(e, ATRIUM_GRAPH_RESOURCE_URI, tenant_id);
    else if (rc < 0)
        rc = atrium_oauth_fail_store(e, rc);
    if (rc < 0)
        atrium_oauth_resource_release(ret);
    return rc;
}

/* The enabled entry of array (api.oauth2PermissionScopes or appRoles) whose key equals want. */
static const json_t *def_entry(const json_t *array, const char *key, const char *want)
{
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v)
    {
        if (json_is_false(json_object_get(v, "isEnabled")))
            continue;
        if (atrium_str_ieq(json_string_value(json_object_get(v, key)), want))
            return v;
    }
    return NULL;
}

/* A custom API's api.oauth2PermissionScopes. */
static const json_t *custom_scopes(const struct atrium_oauth_resource *r)
{
    return json_object_get(json_object_get(r->app_def, "api"), "oauth2PermissionScopes");
}

const char *atrium_oauth_resource_scope(const struct atrium_oauth_resource *r, const char *value)
{
    if (r->graph) {
        const struct atrium_builtin_permission *p =
            atrium_graph_permission_find(value, ATRIUM_PERMISSION_DELEGATED);
        return p && !atrium_oauth_is_oidc_scope(p->value) ? p->value : NULL;
    }
    return json_string_value(json_object_get(def_entry(custom_scopes(r), "value", value), "value"));
}

const char *atrium_oauth_resource_scope_by_id(const struct atrium_oauth_resource *r, const char *id)
{
    if (!id)
        return NULL;
    if (r->graph) {
        const struct atrium_builtin_permission *p =
            atrium_graph_permission_by_id(id, ATRIUM_PERMISSION_DELEGATED);
        return p && !atrium_oauth_is_oidc_scope(p->value) ? p->value : NULL;
    }
    return json_string_value(json_object_get(def_entry(custom_scopes(r), "id", id), "value"));
}

bool atrium_oauth_resource_scope_is_admin(const struct atrium_oauth_resource *r, const char *value)
{
    if (r->graph) {
        const struct atrium_builtin_permission *p =
            atrium_graph_permission_find(value, ATRIUM_PERMISSION_DELEGATED);
        return p && p->admin_consent_required;
    }
    const json_t *entry = def_entry(custom_scopes(r), "value", value);
    return atrium_str_ieq(json_string_value(json_object_get(entry, "type")), "Admin");
}

/* The value of app role role_id of r, or NULL. */
static const char *role_value(const struct atrium_oauth_resource *r, const char *role_id)
{
    if (r->graph) {
        const struct atrium_builtin_permission *p =
            atrium_graph_permission_by_id(role_id, ATRIUM_PERMISSION_APPLICATION);
        return p ? p->value : NULL;
    }
    const json_t *roles = json_object_get(r->app_def, "appRoles");
    return json_string_value(json_object_get(def_entry(roles, "id", role_id), "value"));
}

/* Add each space-separated value of scope that r defines to set. */
static void add_scope_values(json_t *set, const struct atrium_oauth_resource *r, const char *scope)
{
    char *copy = xstrdup(scope ? scope : "");
    char *save = NULL;
    for (char *v = strtok_r(copy, " ", &save); v; v = strtok_r(NULL, " ", &save))
        atrium_oauth_set_add(set, atrium_oauth_resource_scope(r, v));
    free(copy);
}

int atrium_oauth_resource_consented(struct atrium_store *s, const char *tenant_id,
                                    const struct atrium_oauth_client *c,
                                    const struct atrium_oauth_resource *r, const char *user_id,
                                    json_t **ret, struct atrium_oauth_error *e)
{
    json_t *set = json_array();
    if (c->is_first_party && r->graph) {
        for (const struct atrium_builtin_permission *p = atrium_graph_permissions; p->id; p++)
            if (p->kind == ATRIUM_PERMISSION_DELEGATED && !atrium_oauth_is_oidc_scope(p->value))
                atrium_oauth_set_add(set, p->value);
        *ret = set;
        return 0;
    }
    if (c->sp_id[0]) {
        struct atrium_oauth2_grant_list l = {0};
        int rc = s->oauth->grant_list(s, tenant_id, c->sp_id, &l);
        if (rc < 0) {
            json_decref(set);
            return atrium_oauth_fail_store(e, rc);
        }
        for (size_t i = 0; i < l.count; i++) {
            const struct atrium_oauth2_grant *g = &l.items[i];
            bool all =
                g->consent_type && strcmp(g->consent_type, ATRIUM_CONSENT_ALL_PRINCIPALS) == 0;
            if (strcmp(g->resource_id, r->sp.id) != 0)
                continue;
            if (all || (user_id && strcmp(g->principal_id, user_id) == 0))
                add_scope_values(set, r, g->scope);
        }
        atrium_oauth2_grant_list_release(&l);
    }
    *ret = set;
    return 0;
}

int atrium_oauth_resource_roles(struct atrium_store *s, const char *tenant_id,
                                const char *principal_id, const struct atrium_oauth_resource *r,
                                json_t **ret, struct atrium_oauth_error *e)
{
    struct atrium_app_role_assignment_list l = {0};
    json_t *set = json_array();
    if (principal_id && principal_id[0]) {
        int rc = s->oauth->app_role_assignments_of_principal(s, tenant_id, principal_id, &l);
        if (rc < 0 && rc != ATRIUM_ENOTFOUND) {
            json_decref(set);
            return atrium_oauth_fail_store(e, rc);
        }
        for (size_t i = 0; i < l.count; i++)
            if (strcmp(l.items[i].resource_id, r->sp.id) == 0)
                atrium_oauth_set_add(set, role_value(r, l.items[i].app_role_id));
        atrium_app_role_assignment_list_release(&l);
    }
    *ret = set;
    return 0;
}
