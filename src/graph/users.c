/* SPDX-License-Identifier: MIT */
/*
 * User services: create (with policy-checked password), find by id or UPN,
 * set a password, render as JSON.
 */
#include "graph/directory.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/pwhash.h"

/* The UPN's domain must be one of the tenant's domains (verified, for now all are). */
static int upn_domain_check(struct atrium_store *s, const char *tenant_id, const char *upn,
                            struct atrium_errinfo *e)
{
    const char *at = strrchr(upn, '@');
    struct atrium_domain_list domains = {0};
    int rc = s->ops->domain_list(s, tenant_id, &domains);
    if (rc < 0)
        return atrium_err(e, rc, "", "The domain store is unavailable.");
    bool found = false;
    for (size_t i = 0; i < domains.count && !found; i++)
        found = domains.items[i].is_verified && atrium_str_ieq(domains.items[i].name, at + 1);
    atrium_domain_list_release(&domains);
    if (!found)
        return atrium_err(e, ATRIUM_EINVAL, "userPrincipalName",
                          "The domain of userPrincipalName '%s' is not a verified domain of "
                          "this tenant.",
                          upn);
    return 0;
}

int atrium_user_create_check(struct atrium_store *s, const struct atrium_directory_config *cfg,
                             const char *tenant_id, const struct atrium_user_create_request *req,
                             struct atrium_errinfo *e)
{
    int rc = atrium_validate_upn(req->user_principal_name, "userPrincipalName", e);
    if (rc == 0)
        rc = atrium_validate_display_name(req->display_name, "displayName", e);
    if (rc == 0)
        rc = atrium_validate_name_field(req->given_name, ATRIUM_NAME_FIELD_MAX, "givenName", e);
    if (rc == 0)
        rc = atrium_validate_name_field(req->surname, ATRIUM_NAME_FIELD_MAX, "surname", e);
    if (rc == 0)
        rc = atrium_validate_name_field(req->job_title, ATRIUM_JOB_TITLE_MAX, "jobTitle", e);
    if (rc == 0 && req->mail)
        rc = atrium_validate_email(req->mail, "mail", e);
    if (rc == 0)
        rc = upn_domain_check(s, tenant_id, req->user_principal_name, e);
    if (rc < 0)
        return rc;
    struct atrium_tenant t = {0};
    rc = s->ops->tenant_get(s, tenant_id, &t);
    if (rc < 0) {
        atrium_tenant_release(&t);
        return atrium_err(e, rc, "tenant", "Tenant not found.");
    }
    char *local =
        xstrndup(req->user_principal_name,
                 (size_t)(strrchr(req->user_principal_name, '@') - req->user_principal_name));
    rc = atrium_password_check(&cfg->password_policy, req->password, t.display_name, local,
                               "passwordProfile.password", e);
    free(local);
    atrium_tenant_release(&t);
    return rc;
}

static int hash_password(const struct atrium_directory_config *cfg, const char *password,
                         char **ret, struct atrium_errinfo *e)
{
    int rc = atrium_pwhash_hash(cfg->hasher, password, ret);
    if (rc == ATRIUM_EBUSY)
        return atrium_err(e, rc, "", "The server is busy; retry in a moment.");
    if (rc < 0)
        return atrium_err(e, rc, "", "The password could not be processed.");
    return 0;
}

void atrium_user_build(const char *tenant_id, const struct atrium_user_create_request *req,
                       char *password_hash, struct atrium_user *ret)
{
    struct atrium_user u = {0};
    atrium_uuid_v4(u.id);
    memcpy(u.tenant_id, tenant_id, sizeof(u.tenant_id));
    u.upn = xstrdup(req->user_principal_name);
    u.display_name = xstrdup(req->display_name);
    u.given_name = xstrdup(req->given_name);
    u.surname = xstrdup(req->surname);
    u.mail = xstrdup(req->mail);
    u.job_title = xstrdup(req->job_title);
    u.account_enabled = req->account_enabled;
    u.force_change_password = req->force_change_password;
    u.password_hash = password_hash;
    u.created = u.password_changed = atrium_now();
    *ret = u;
}

int atrium_user_insert(struct atrium_store *s, const char *tenant_id, const struct atrium_user *u,
                       struct atrium_errinfo *e)
{
    int rc = s->ops->user_insert(s, tenant_id, u);
    if (rc == ATRIUM_ECONFLICT)
        return atrium_err(e, rc, "userPrincipalName",
                          "Another object with the same value for property "
                          "userPrincipalName already exists.");
    if (rc < 0)
        return atrium_err(e, rc, "", "The user could not be stored.");
    return 0;
}

int atrium_user_create(struct atrium_store *s, const struct atrium_directory_config *cfg,
                       const char *tenant_id, const struct atrium_user_create_request *req,
                       struct atrium_user *ret, struct atrium_errinfo *e)
{
    char *hash = NULL;
    int rc = atrium_user_create_check(s, cfg, tenant_id, req, e);
    if (rc == 0)
        rc = hash_password(cfg, req->password, &hash, e);
    if (rc < 0)
        return rc;
    struct atrium_user u;
    atrium_user_build(tenant_id, req, hash, &u);
    rc = atrium_user_insert(s, tenant_id, &u, e);
    if (rc < 0) {
        atrium_user_release(&u);
        return rc;
    }
    *ret = u;
    return 0;
}

int atrium_user_find(struct atrium_store *s, const char *tenant_id, const char *id_or_upn,
                     struct atrium_user *ret, struct atrium_errinfo *e)
{
    if (!id_or_upn || strlen(id_or_upn) > ATRIUM_UPN_MAX * 4)
        return atrium_err(e, ATRIUM_ENOTFOUND, "user", "User not found.");
    int rc;
    if (atrium_uuid_is_valid(id_or_upn)) {
        char id[ATRIUM_UUID_LEN + 1];
        memcpy(id, id_or_upn, sizeof(id));
        rc = s->ops->user_get(s, tenant_id, atrium_str_lower(id), ret);
    } else {
        rc = s->ops->user_get_by_upn(s, tenant_id, id_or_upn, ret);
    }
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_err(e, rc, "user", "User '%s' not found.", id_or_upn);
    if (rc < 0)
        return atrium_err(e, rc, "", "The user store is unavailable.");
    return 0;
}

int atrium_user_password_prepare(struct atrium_store *s, const struct atrium_directory_config *cfg,
                                 const char *tenant_id, const char *id_or_upn, const char *password,
                                 struct atrium_user *ret_user, char **ret_hash,
                                 struct atrium_errinfo *e)
{
    struct atrium_user u = {0};
    struct atrium_tenant t = {0};
    char *hash = NULL;
    int rc = atrium_user_find(s, tenant_id, id_or_upn, &u, e);
    if (rc == 0 && (rc = s->ops->tenant_get(s, tenant_id, &t)) < 0)
        atrium_err(e, rc, "tenant", "Tenant not found.");
    if (rc == 0) {
        char *local = xstrndup(u.upn, strcspn(u.upn, "@"));
        rc = atrium_password_check(&cfg->password_policy, password, t.display_name, local,
                                   "password", e);
        free(local);
    }
    if (rc == 0)
        rc = hash_password(cfg, password, &hash, e);
    atrium_tenant_release(&t);
    if (rc < 0) {
        atrium_user_release(&u);
        return rc;
    }
    *ret_user = u;
    *ret_hash = hash;
    return 0;
}

int atrium_user_set_password(struct atrium_store *s, const struct atrium_directory_config *cfg,
                             const char *tenant_id, const char *id_or_upn, const char *password,
                             bool force_change, struct atrium_errinfo *e)
{
    struct atrium_user u = {0};
    char *hash = NULL;
    int rc = atrium_user_password_prepare(s, cfg, tenant_id, id_or_upn, password, &u, &hash, e);
    if (rc == 0) {
        rc = s->ops->user_set_password(s, tenant_id, u.id, hash, force_change, atrium_now());
        if (rc < 0)
            atrium_err(e, rc, "", "The password could not be stored.");
    }
    free(hash);
    atrium_user_release(&u);
    return rc;
}

json_t *atrium_user_to_json(const struct atrium_user *u)
{
    char created[ATRIUM_ISO8601_LEN + 1];
    atrium_iso8601(u->created, created);
    return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b, s:s, s:{s:b}}", "id", u->id,
                     "userPrincipalName", u->upn, "displayName", u->display_name, "givenName",
                     u->given_name, "surname", u->surname, "mail", u->mail, "jobTitle",
                     u->job_title, "accountEnabled", u->account_enabled, "createdDateTime", created,
                     "passwordProfile", "forceChangePasswordNextSignIn", u->force_change_password);
}
