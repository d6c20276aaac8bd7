/* SPDX-License-Identifier: MIT */
/*
 * /organization: the caller's tenant as Graph's organization resource (a
 * collection of one), and PATCH of its displayName and
 * technicalNotificationMails. A caller holding only User.Read sees id,
 * displayName and verifiedDomains, as Entra shows. See users_api.h.
 */
#include "graph/users_priv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "graph/apps_priv.h"
#include "graph/audit.h"
#include "graph/authz.h"
#include "model/audit.h"
#include "model/tenant.h"

#define DOMAIN_CAPABILITIES "Email, OfficeCommunicationsOnline"

static json_t *verified_domains(const struct atrium_domain_list *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < l->count; i++) {
        const struct atrium_domain *d = &l->items[i];
        if (d->is_verified)
            json_array_append_new(arr, json_pack("{s:s, s:b, s:b, s:s, s:s}", "capabilities",
                                                 DOMAIN_CAPABILITIES, "isDefault", d->is_default,
                                                 "isInitial", d->is_initial, "name", d->name,
                                                 "type", "Managed"));
    }
    return arr;
}

static json_t *string_array(const struct atrium_strv *v)
{
    json_t *arr = json_array();
    for (size_t i = 0; v && i < v->count; i++)
        json_array_append_new(arr, json_string(v->items[i]));
    return arr;
}

/* The full resource; limited: the User.Read view (id, displayName, verifiedDomains). */
static json_t *org_json(const struct atrium_tenant *t, const struct atrium_domain_list *domains,
                        const struct atrium_strv *mails, bool limited)
{
    char created[ATRIUM_ISO8601_LEN + 1];
    atrium_iso8601(t->created, created);
    json_t *o = json_pack(
        "{s:s, s:[], s:[], s:n, s:n, s:s?, s:s?, s:n, s:s, s:[], s:n, s:n, s:n, s:n, s:n, s:[], "
        "s:[], s:[], s:n, s:n, s:o, s:s}",
        "id", t->id, "assignedPlans", "businessPhones", "city", "country", "countryLetterCode",
        limited ? NULL : t->country, "createdDateTime", limited ? NULL : created, "deletedDateTime",
        "displayName", t->display_name ? t->display_name : "", "marketingNotificationEmails",
        "onPremisesLastSyncDateTime", "onPremisesSyncEnabled", "postalCode", "preferredLanguage",
        "privacyProfile", "provisionedPlans", "securityComplianceNotificationMails",
        "securityComplianceNotificationPhones", "state", "street", "technicalNotificationMails",
        string_array(limited ? NULL : mails), "tenantType", "AAD");
    if (o)
        json_object_set_new(o, "verifiedDomains", verified_domains(domains));
    return o;
}

/* Does who see only the User.Read view? */
static bool limited_view(const struct atrium_principal *who)
{
    static const char *const full[] = {"Organization.Read.All", "Organization.ReadWrite.All",
                                       "Directory.Read.All", "Directory.ReadWrite.All", NULL};
    for (const char *const *p = full; *p; p++)
        if (atrium_principal_has_permission(who, *p))
            return false;
    return true;
}

int atrium_graph_org_get(const struct atrium_users_env *env, const char *tenant_id,
                         const struct atrium_principal *who, json_t **ret, struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    struct atrium_tenant t = {0};
    struct atrium_domain_list domains = {0};
    struct atrium_strv mails = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_org_read, e);
    if (r == 0 && (r = s->ops->tenant_get(s, tenant_id, &t)) == 0 &&
        (r = s->ops->domain_list(s, tenant_id, &domains)) == 0)
        r = s->ops->tenant_notification_mails(s, tenant_id, &mails);
    if (r < 0 && e && e->code != r)
        r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, tenant_id)
                                  : atrium_graph_store_fail(e, r);
    if (r == 0 && !(*ret = org_json(&t, &domains, &mails, limited_view(who))))
        r = atrium_err(e, ATRIUM_EINTERNAL, "", "The organization could not be rendered.");
    atrium_tenant_release(&t);
    atrium_domain_list_release(&domains);
    atrium_strv_release(&mails);
    return r;
}

static int mails_from_json(const json_t *v, struct atrium_strv *ret, struct atrium_errinfo *e)
{
    const char *key = "technicalNotificationMails";
    if (!json_is_array(v))
        return atrium_err(e, ATRIUM_EINVAL, key, "Property '%s' must be an array of strings.", key);
    if (json_array_size(v) > ATRIUM_ORG_MAILS_MAX)
        return atrium_err(e, ATRIUM_EINVAL, key, "Property '%s' may have at most %d values.", key,
                          ATRIUM_ORG_MAILS_MAX);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        const char *s = json_string_value(item);
        int r = s ? atrium_validate_email(s, key, e)
                  : atrium_err(e, ATRIUM_EINVAL, key, "Property '%s' must be an array of strings.",
                               key);
        if (r < 0)
            return r;
        atrium_strv_push(ret, s);
    }
    return 0;
}

/* The body: displayName and technicalNotificationMails only. */
static int org_body(const json_t *body, const char **ret_name, bool *ret_has_mails,
                    struct atrium_strv *ret_mails, struct atrium_errinfo *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        int r;
        if (strcmp(key, "displayName") == 0) {
            *ret_name = json_string_value(v);
            r = atrium_validate_display_name(*ret_name, key, e);
        } else if (strcmp(key, "technicalNotificationMails") == 0) {
            *ret_has_mails = true;
            r = mails_from_json(v, ret_mails, e);
        } else {
            char field[ATRIUM_ERR_FIELD_MAX];
            snprintf(field, sizeof(field), "%s", key);
            r = atrium_err(e, ATRIUM_EINVAL, field,
                           "Property '%s' cannot be updated: only displayName and "
                           "technicalNotificationMails can.",
                           field);
        }
        if (r < 0)
            return r;
    }
    return 0;
}

static int write_org(struct atrium_store *s, const char *tenant_id,
                     const struct atrium_principal *who, const char *name,
                     const struct atrium_strv *mails, struct atrium_errinfo *e)
{
    int r = s->ops->tenant_update_profile(s, tenant_id, name, mails);
    if (r < 0)
        return r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, tenant_id)
                                     : atrium_graph_store_fail(e, r);
    struct atrium_audit_change changes[2];
    size_t n = 0;
    if (name)
        changes[n++] = (struct atrium_audit_change){"displayName", NULL, name};
    if (mails)
        changes[n++] = (struct atrium_audit_change){"technicalNotificationMails", NULL, NULL};
    const struct atrium_audit_target target = {.id = tenant_id,
                                               .display_name = name,
                                               .type = "Company",
                                               .changes = changes,
                                               .change_count = n};
    return atrium_audit_one_by(s, tenant_id, who, ATRIUM_AUDIT_CAT_DIRECTORY,
                               "Set company information", "Update", &target, e);
}

int atrium_graph_org_update(const struct atrium_users_env *env, const char *tenant_id,
                            const struct atrium_principal *who, const char *id, const json_t *body,
                            struct atrium_errinfo *e)
{
    struct atrium_store *s = env->store;
    const char *name = NULL;
    bool has_mails = false;
    struct atrium_strv mails = {0};
    char oid[ATRIUM_UUID_LEN + 1];
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_org_write, e);
    if (r == 0)
        r = atrium_graph_id(id, "id", oid, e);
    if (r == 0 && strcasecmp(oid, tenant_id) != 0)
        r = atrium_graph_not_found(e, oid);
    if (r == 0)
        r = org_body(body, &name, &has_mails, &mails, e);
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        r = atrium_graph_store_fail(e, r);
    else if (r == 0)
        r = atrium_graph_users_txn_end(
            s, write_org(s, tenant_id, who, name, has_mails ? &mails : NULL, e), e);
    atrium_strv_release(&mails);
    return r;
}
