/* SPDX-License-Identifier: MIT */
/*
 * Application (app registration) services: create with the home-tenant
 * service principal in one transaction, get, list with $filter and keyset
 * paging, partial update (the home principal follows), delete. See apps.h.
 */
#include "graph/apps.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/audit.h"
#include "graph/authz.h"

#define LIST_PAGE 200

static const char *const app_filter_eq[] = {"id", "appId", "displayName", NULL};
static const char *const app_filter_startswith[] = {"displayName", NULL};
static const char *const app_select[] = {"id",
                                         "appId",
                                         "displayName",
                                         "signInAudience",
                                         "createdDateTime",
                                         "publisherDomain",
                                         "description",
                                         "notes",
                                         "tags",
                                         "isFallbackPublicClient",
                                         "identifierUris",
                                         "web",
                                         "spa",
                                         "publicClient",
                                         "appRoles",
                                         "api",
                                         "requiredResourceAccess",
                                         "keyCredentials",
                                         "passwordCredentials",
                                         NULL};

const struct atrium_odata_spec atrium_graph_app_odata = {
    .filter_eq = app_filter_eq,
    .filter_startswith = app_filter_startswith,
    .select = app_select,
};

/* Does any identifierUri of def appear in other (both may lack the member)? */
static const char *uri_clash(const json_t *def, const json_t *other)
{
    const json_t *mine = json_object_get(def, "identifierUris");
    const json_t *theirs = json_object_get(other, "identifierUris");
    for (size_t i = 0; i < json_array_size(mine); i++)
        for (size_t j = 0; j < json_array_size(theirs); j++)
            if (atrium_str_ieq(json_string_value(json_array_get(mine, i)),
                               json_string_value(json_array_get(theirs, j))))
                return json_string_value(json_array_get(mine, i));
    return NULL;
}

/* identifierUris unique in the tenant (except_id: the app being updated, or NULL). */
static int identifier_uris_free(struct atrium_store *s, const char *tenant_id, const json_t *def,
                                const char *except_id, struct atrium_errinfo *e)
{
    if (json_array_size(json_object_get(def, "identifierUris")) == 0)
        return 0;
    char after[ATRIUM_UUID_LEN + 1] = "";
    for (;;) {
        struct atrium_application_list l = {0};
        int r = s->oauth->app_list(s, tenant_id, after, LIST_PAGE, &l);
        if (r < 0)
            return atrium_graph_store_fail(e, r);
        const char *clash = NULL;
        for (size_t i = 0; i < l.count && !clash; i++) {
            if (except_id && strcmp(l.items[i].id, except_id) == 0)
                continue;
            json_t *other = atrium_graph_def_parse(l.items[i].definition);
            clash = uri_clash(def, other);
            if (clash)
                atrium_err(e, ATRIUM_ECONFLICT, "identifierUris",
                           "Another object with the same value for property identifierUris "
                           "already exists: '%s'.",
                           clash);
            json_decref(other);
        }
        bool last = l.count < LIST_PAGE;
        if (l.count)
            snprintf(after, sizeof(after), "%s", l.items[l.count - 1].id);
        atrium_application_list_release(&l);
        if (clash)
            return ATRIUM_ECONFLICT;
        if (last)
            return 0;
    }
}

/* The home-tenant service principal of a new application. */
static int home_sp(const struct atrium_application *a, const json_t *def,
                   struct atrium_service_principal *ret, struct atrium_errinfo *e)
{
    memset(ret, 0, sizeof(*ret));
    int r = atrium_graph_sp_def_from_app(a->app_id, def, &ret->definition, e);
    if (r < 0)
        return r;
    atrium_uuid_v4(ret->id);
    memcpy(ret->tenant_id, a->tenant_id, sizeof(ret->tenant_id));
    memcpy(ret->app_id, a->app_id, sizeof(ret->app_id));
    memcpy(ret->app_owner_tenant_id, a->tenant_id, sizeof(ret->app_owner_tenant_id));
    ret->display_name = xstrdup(a->display_name);
    ret->account_enabled = true;
    ret->created = a->created;
    return 0;
}

/* "Add application" and "Add service principal" for a new application and its principal. */
static int audit_app_added(struct atrium_store *s, const struct atrium_principal *who,
                           const struct atrium_application *a,
                           const struct atrium_service_principal *sp, struct atrium_errinfo *e)
{
    const struct atrium_audit_change app_changes[] = {
        {"AppId", NULL, a->app_id},
        {"DisplayName", NULL, a->display_name},
        {"SignInAudience", NULL, a->sign_in_audience},
    };
    const struct atrium_audit_target app = {.id = a->id,
                                            .display_name = a->display_name,
                                            .type = "Application",
                                            .changes = app_changes,
                                            .change_count = 3};
    const struct atrium_audit_change sp_changes[] = {{"AppId", NULL, a->app_id}};
    const struct atrium_audit_target sp_target = {.id = sp->id,
                                                  .display_name = sp->display_name,
                                                  .type = "ServicePrincipal",
                                                  .changes = sp_changes,
                                                  .change_count = 1};
    int r = atrium_audit_one_by(s, a->tenant_id, who, ATRIUM_AUDIT_CAT_APP, "Add application",
                                "Add", &app, e);
    if (r == 0)
        r = atrium_audit_one_by(s, a->tenant_id, who, ATRIUM_AUDIT_CAT_APP, "Add service principal",
                                "Add", &sp_target, e);
    return r;
}

static int insert_app(struct atrium_store *s, const struct atrium_principal *who,
                      const struct atrium_application *a, const json_t *def,
                      struct atrium_errinfo *e)
{
    struct atrium_service_principal sp;
    int r = home_sp(a, def, &sp, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0) {
        atrium_service_principal_release(&sp);
        return atrium_graph_store_fail(e, r);
    }
    r = identifier_uris_free(s, a->tenant_id, def, NULL, e);
    if (r == 0 && (r = s->oauth->app_insert(s, a->tenant_id, a)) < 0)
        r = r == ATRIUM_ECONFLICT
                ? atrium_err(e, r, "appId", "An application with this appId already exists.")
                : atrium_graph_store_fail(e, r);
    if (r == 0 && (r = s->oauth->sp_insert(s, a->tenant_id, &sp)) < 0)
        r = atrium_graph_store_fail(e, r);
    if (r == 0)
        r = audit_app_added(s, who, a, &sp, e);
    atrium_service_principal_release(&sp);
    return atrium_graph_txn_end(s, r, e);
}

int atrium_graph_app_create(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const json_t *body,
                            struct atrium_application *ret, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_write, e);
    if (r < 0)
        return r;
    json_t *def = json_object();
    struct atrium_app_columns cols;
    struct atrium_application a = {0};
    r = atrium_app_merge(def, body, true, &cols, e);
    if (r == 0)
        r = atrium_app_definition_check(def, NULL, e);
    if (r == 0)
        r = atrium_graph_def_dump(def, &a.definition, e);
    if (r == 0) {
        atrium_uuid_v4(a.id);
        atrium_uuid_v4(a.app_id);
        snprintf(a.tenant_id, sizeof(a.tenant_id), "%s", tenant_id);
        a.display_name = xstrdup(cols.display_name);
        a.sign_in_audience =
            xstrdup(cols.sign_in_audience ? cols.sign_in_audience : ATRIUM_SIGN_IN_AUDIENCE_MY_ORG);
        a.created = atrium_now();
        r = insert_app(s, who, &a, def, e);
    }
    json_decref(def);
    if (r < 0) {
        atrium_application_release(&a);
        return r;
    }
    *ret = a;
    return 0;
}

int atrium_graph_app_load(struct atrium_store *s, const char *tenant_id, const char *id,
                          struct atrium_application *ret, struct atrium_errinfo *e)
{
    char oid[ATRIUM_UUID_LEN + 1];
    int r = atrium_graph_id(id, "id", oid, e);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    r = s->oauth->app_get(s, tenant_id, oid, ret);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, oid);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

int atrium_graph_app_get(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_principal *who, const char *id,
                         struct atrium_application *ret, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_read, e);
    return r < 0 ? r : atrium_graph_app_load(s, tenant_id, id, ret, e);
}

static int app_page(struct atrium_store *s, const char *tenant_id, const char *after_id,
                    size_t limit, void **ret_items, size_t *ret_count)
{
    struct atrium_application_list l = {0};
    int r = s->oauth->app_list(s, tenant_id, after_id, limit, &l);
    *ret_items = l.items;
    *ret_count = l.count;
    return r;
}

static const char *app_id_of(const void *item)
{
    return ((const struct atrium_application *)item)->id;
}

static bool app_match(const void *item, const struct atrium_odata_filter *f)
{
    const struct atrium_application *a = item;
    if (f->op == ATRIUM_ODATA_NONE)
        return true;
    if (strcmp(f->property, "appId") == 0)
        return atrium_odata_filter_match(f, a->app_id);
    if (strcmp(f->property, "id") == 0)
        return atrium_odata_filter_match(f, a->id);
    return atrium_odata_filter_match(f, a->display_name);
}

static void app_release(void *item)
{
    atrium_application_release(item);
}

static const struct atrium_graph_scan_ops app_scan = {
    .item_size = sizeof(struct atrium_application),
    .page = app_page,
    .id = app_id_of,
    .match = app_match,
    .release = app_release,
};

/* appId eq '<guid>': one look-up instead of a scan. */
static int list_by_app_id(struct atrium_store *s, const char *tenant_id,
                          const struct atrium_odata_query *q, struct atrium_application_list *ret,
                          struct atrium_errinfo *e)
{
    struct atrium_application a = {0};
    char app_id[ATRIUM_UUID_LEN + 1];
    memset(ret, 0, sizeof(*ret));
    if (!atrium_uuid_is_valid(q->filter.value))
        return 0;
    snprintf(app_id, sizeof(app_id), "%s", q->filter.value);
    atrium_str_lower(app_id);
    int r = s->oauth->app_get_by_app_id(s, tenant_id, app_id, &a);
    if (r == ATRIUM_ENOTFOUND)
        return 0;
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (strcmp(a.id, q->after_id) <= 0) {
        atrium_application_release(&a);
        return 0;
    }
    ret->items = xmalloc(sizeof(*ret->items));
    ret->items[0] = a;
    ret->count = 1;
    return 0;
}

int atrium_graph_app_list(struct atrium_store *s, const char *tenant_id,
                          const struct atrium_principal *who, const struct atrium_odata_query *q,
                          struct atrium_application_list *ret, char ret_next[ATRIUM_UUID_LEN + 1],
                          struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_read, e);
    if (r < 0)
        return r;
    ret_next[0] = '\0';
    if (q->filter.op == ATRIUM_ODATA_EQ && strcmp(q->filter.property, "appId") == 0)
        return list_by_app_id(s, tenant_id, q, ret, e);
    void *items = NULL;
    size_t count = 0;
    r = atrium_graph_scan(s, tenant_id, q, &app_scan, &items, &count, ret_next);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    ret->items = items;
    ret->count = count;
    return 0;
}

/* Follow an application update in its home-tenant service principal. */
static int sync_home_sp(struct atrium_store *s, const struct atrium_application *a,
                        const json_t *def, struct atrium_errinfo *e)
{
    struct atrium_service_principal sp = {0};
    int r = s->oauth->sp_get_by_app_id(s, a->tenant_id, a->app_id, &sp);
    if (r == ATRIUM_ENOTFOUND)
        return 0; /* deleted by an administrator: nothing to follow */
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    char *text = NULL;
    r = atrium_graph_sp_def_from_app(a->app_id, def, &text, e);
    if (r == 0) {
        xfree(sp.definition);
        sp.definition = text;
        xfree(sp.display_name);
        sp.display_name = xstrdup(a->display_name);
        if ((r = s->oauth->sp_update(s, a->tenant_id, &sp)) < 0)
            r = atrium_graph_store_fail(e, r);
    }
    atrium_service_principal_release(&sp);
    return r;
}

/* Apply body to a (loaded) and validate; a's members are replaced. */
static int apply_patch(struct atrium_application *a, const json_t *body, json_t **ret_def,
                       struct atrium_errinfo *e)
{
    json_t *old = atrium_graph_def_parse(a->definition);
    json_t *def = json_deep_copy(old);
    struct atrium_app_columns cols;
    char *text = NULL;
    int r = atrium_app_merge(def, body, false, &cols, e);
    if (r == 0)
        r = atrium_app_definition_check(def, old, e);
    if (r == 0)
        r = atrium_graph_def_dump(def, &text, e);
    json_decref(old);
    if (r < 0) {
        json_decref(def);
        return r;
    }
    xfree(a->definition);
    a->definition = text;
    if (cols.display_name) {
        xfree(a->display_name);
        a->display_name = xstrdup(cols.display_name);
    }
    if (cols.sign_in_audience) {
        xfree(a->sign_in_audience);
        a->sign_in_audience = xstrdup(cols.sign_in_audience);
    }
    *ret_def = def;
    return 0;
}

/* Read, merge, check and write under the write lock, so concurrent PATCHes do not lose updates. */
/* "Update application": the properties the body set (string values only). */
static int audit_app_updated(struct atrium_store *s, const struct atrium_principal *who,
                             const struct atrium_application *a, const json_t *body,
                             struct atrium_errinfo *e)
{
    struct atrium_audit_change changes[ATRIUM_AUDIT_CHANGES_MAX];
    size_t n = 0;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        if (n < ATRIUM_AUDIT_CHANGES_MAX)
            changes[n++] = (struct atrium_audit_change){key, NULL, json_string_value(value)};
    }
    const struct atrium_audit_target target = {.id = a->id,
                                               .display_name = a->display_name,
                                               .type = "Application",
                                               .changes = changes,
                                               .change_count = n};
    return atrium_audit_one_by(s, a->tenant_id, who, ATRIUM_AUDIT_CAT_APP, "Update application",
                               "Update", &target, e);
}

static int update_locked(struct atrium_store *s, const struct atrium_principal *who,
                         const char *tenant_id, const char *id, const json_t *body,
                         struct atrium_errinfo *e)
{
    struct atrium_application a = {0};
    json_t *def = NULL;
    int r = atrium_graph_app_load(s, tenant_id, id, &a, e);
    if (r == 0)
        r = apply_patch(&a, body, &def, e);
    if (r == 0)
        r = identifier_uris_free(s, tenant_id, def, a.id, e);
    if (r == 0 && (r = s->oauth->app_update(s, tenant_id, &a)) < 0)
        r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, a.id) : atrium_graph_store_fail(e, r);
    if (r == 0)
        r = sync_home_sp(s, &a, def, e);
    if (r == 0)
        r = audit_app_updated(s, who, &a, body, e);
    json_decref(def);
    atrium_application_release(&a);
    return r;
}

int atrium_graph_app_update(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const char *id, const json_t *body,
                            struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_write, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    return atrium_graph_txn_end(s, update_locked(s, who, tenant_id, id, body, e), e);
}

int atrium_graph_app_delete(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const char *id,
                            struct atrium_errinfo *e)
{
    char oid[ATRIUM_UUID_LEN + 1];
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_write, e);
    if (r == 0)
        r = atrium_graph_id(id, "id", oid, e);
    if (r < 0)
        return r;
    struct atrium_application a = {0};
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    r = s->oauth->app_get(s, tenant_id, oid, &a);
    if (r == 0)
        r = s->oauth->app_delete(s, tenant_id, oid);
    if (r == ATRIUM_ENOTFOUND)
        r = atrium_graph_not_found(e, oid);
    else if (r < 0)
        r = atrium_graph_store_fail(e, r);
    if (r == 0) {
        const struct atrium_audit_change changes[] = {{"AppId", a.app_id, NULL}};
        const struct atrium_audit_target target = {.id = a.id,
                                                   .display_name = a.display_name,
                                                   .type = "Application",
                                                   .changes = changes,
                                                   .change_count = 1};
        r = atrium_audit_one_by(s, tenant_id, who, ATRIUM_AUDIT_CAT_APP, "Delete application",
                                "Delete", &target, e);
    }
    atrium_application_release(&a);
    return atrium_graph_txn_end(s, r, e);
}
