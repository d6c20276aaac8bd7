/* SPDX-License-Identifier: MIT */
/*
 * Self-service tenant sign-up: decode and validate the request, then create
 * the tenant, its initial domain and its first Global Administrator, with
 * their audit entries, in one store transaction.
 */
#include "graph/directory.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/pwhash.h"
#include "graph/audit.h"
#include "model/directory_role.h"
#include "store/store_builtin.h"

static const char *const signup_members[] = {
    "displayName", "domainPrefix", "countryLetterCode", "contactEmail", "admin", NULL,
};
static const char *const admin_members[] = {
    "givenName", "surname", "userName", "password", NULL,
};

static int admin_from_json(const json_t *admin, struct atrium_signup_request *r,
                           struct atrium_errinfo *e)
{
    int rc = atrium_json_reject_unknown(admin, admin_members, "admin.", e);
    if (rc == 0)
        rc = atrium_json_get_string(admin, "givenName", true, ATRIUM_NAME_FIELD_MAX, "admin.",
                                    &r->admin_given_name, e);
    if (rc == 0)
        rc = atrium_json_get_string(admin, "surname", true, ATRIUM_NAME_FIELD_MAX, "admin.",
                                    &r->admin_surname, e);
    if (rc == 0)
        rc = atrium_json_get_string(admin, "userName", true, ATRIUM_USER_NAME_MAX, "admin.",
                                    &r->admin_user_name, e);
    if (rc == 0)
        rc = atrium_json_get_string(admin, "password", true, ATRIUM_PASSWORD_BYTES_MAX, "admin.",
                                    &r->admin_password, e);
    return rc;
}

int atrium_signup_request_from_json(const json_t *body, struct atrium_signup_request *ret,
                                    struct atrium_errinfo *e)
{
    struct atrium_signup_request r = {0};
    json_t *admin = NULL;
    int rc = atrium_json_reject_unknown(body, signup_members, "", e);
    if (rc == 0)
        rc = atrium_json_get_string(body, "displayName", true, ATRIUM_DISPLAY_NAME_MAX, "",
                                    &r.display_name, e);
    if (rc == 0)
        rc = atrium_json_get_string(body, "domainPrefix", true, 64, "", &r.domain_prefix, e);
    if (rc == 0)
        rc = atrium_json_get_string(body, "countryLetterCode", true, 8, "", &r.country, e);
    if (rc == 0)
        rc = atrium_json_get_string(body, "contactEmail", true, ATRIUM_EMAIL_MAX, "",
                                    &r.contact_email, e);
    if (rc == 0)
        rc = atrium_json_get_object(body, "admin", true, "", &admin, e);
    if (rc == 0)
        rc = admin_from_json(admin, &r, e);
    if (rc < 0)
        return rc;
    *ret = r;
    return 0;
}

static int signup_validate(const struct atrium_directory_config *cfg,
                           const struct atrium_signup_request *req, struct atrium_errinfo *e)
{
    int rc = atrium_validate_display_name(req->display_name, "displayName", e);
    if (rc == 0)
        rc = atrium_validate_domain_prefix(req->domain_prefix, "domainPrefix", e);
    if (rc == 0)
        rc = atrium_validate_country_code(req->country, "countryLetterCode", e);
    if (rc == 0)
        rc = atrium_validate_email(req->contact_email, "contactEmail", e);
    if (rc == 0)
        rc = atrium_validate_name_field(req->admin_given_name, ATRIUM_NAME_FIELD_MAX,
                                        "admin.givenName", e);
    if (rc == 0)
        rc = atrium_validate_name_field(req->admin_surname, ATRIUM_NAME_FIELD_MAX, "admin.surname",
                                        e);
    if (rc == 0)
        rc = atrium_validate_user_name(req->admin_user_name, "admin.userName", e);
    if (rc == 0)
        rc = atrium_password_check(&cfg->password_policy, req->admin_password, req->display_name,
                                   req->admin_user_name, "admin.password", e);
    return rc;
}

/* Build the tenant, domain and admin records (ids fresh, password hashed). */
static int signup_build(const struct atrium_directory_config *cfg,
                        const struct atrium_signup_request *req, struct atrium_signup_result *out,
                        struct atrium_domain *domain, struct atrium_errinfo *e)
{
    char *hash = NULL;
    int rc = atrium_pwhash_hash(cfg->hasher, req->admin_password, &hash);
    if (rc == ATRIUM_EBUSY)
        return atrium_err(e, rc, "", "The server is busy; retry in a moment.");
    if (rc < 0)
        return atrium_err(e, rc, "", "The password could not be processed.");

    int64_t now = atrium_now();
    struct atrium_tenant *t = &out->tenant;
    atrium_uuid_v4(t->id);
    t->display_name = xstrdup(req->display_name);
    memcpy(t->country, req->country, 2);
    t->contact_email = xstrdup(req->contact_email);
    t->initial_domain = xasprintf("%s.%s", req->domain_prefix, cfg->initial_domain_suffix);
    atrium_str_lower(t->initial_domain);
    t->created = now;

    memcpy(domain->tenant_id, t->id, sizeof(t->id));
    domain->name = xstrdup(t->initial_domain);
    domain->is_initial = domain->is_default = domain->is_verified = true;
    domain->created = now;

    struct atrium_user *u = &out->admin;
    atrium_uuid_v4(u->id);
    memcpy(u->tenant_id, t->id, sizeof(t->id));
    u->upn = xasprintf("%s@%s", req->admin_user_name, t->initial_domain);
    u->given_name = xstrdup(req->admin_given_name);
    u->surname = xstrdup(req->admin_surname);
    u->display_name = xasprintf("%s %s", req->admin_given_name, req->admin_surname);
    u->account_enabled = true;
    u->password_hash = hash;
    u->created = u->password_changed = now;
    return 0;
}

/* The audit entries of a sign-up: the company, its first user, the role given to that user. */
static int signup_audit(struct atrium_store *s, const struct atrium_audit_actor *actor,
                        const struct atrium_signup_result *r)
{
    const struct atrium_audit_change company_changes[] = {
        {"displayName", NULL, r->tenant.display_name},
        {"countryLetterCode", NULL, r->tenant.country},
        {"initialDomain", NULL, r->tenant.initial_domain},
    };
    const struct atrium_audit_target company = {.id = r->tenant.id,
                                                .display_name = r->tenant.display_name,
                                                .type = "Company",
                                                .changes = company_changes,
                                                .change_count = 3};
    const struct atrium_audit_event created = {.category = ATRIUM_AUDIT_CAT_DIRECTORY,
                                               .activity = "Create company",
                                               .operation_type = "Add",
                                               .targets = &company,
                                               .target_count = 1};
    const struct atrium_audit_change role_changes[] = {
        {"Role.DisplayName", NULL, "Global Administrator"},
        {"Role.TemplateId", NULL, ATRIUM_ROLE_GLOBAL_ADMIN},
    };
    const struct atrium_audit_target role_targets[] = {
        {.id = r->admin.id,
         .display_name = r->admin.display_name,
         .type = "User",
         .user_principal_name = r->admin.upn,
         .changes = role_changes,
         .change_count = 2},
        {.id = ATRIUM_ROLE_GLOBAL_ADMIN, .display_name = "Global Administrator", .type = "Role"},
    };
    const struct atrium_audit_event role = {.category = ATRIUM_AUDIT_CAT_ROLE,
                                            .activity = "Add member to role",
                                            .operation_type = "Assign",
                                            .targets = role_targets,
                                            .target_count = 2};
    /* The three entries share one correlation id. */
    char correlation[ATRIUM_UUID_LEN + 1];
    struct atrium_audit_actor by = *actor;
    if (!by.correlation_id || !*by.correlation_id) {
        atrium_uuid_v4(correlation);
        by.correlation_id = correlation;
    }
    int rc = atrium_audit_record(s, r->tenant.id, &by, &created);
    if (rc == 0)
        rc = atrium_audit_user_added(s, &by, &r->admin);
    if (rc == 0)
        rc = atrium_audit_record(s, r->tenant.id, &by, &role);
    return rc;
}

static int signup_store(struct atrium_store *s, const struct atrium_audit_actor *actor,
                        const struct atrium_signup_result *r, const struct atrium_domain *domain)
{
    struct atrium_role_assignment ra = {0};
    atrium_uuid_v4(ra.id);
    memcpy(ra.tenant_id, r->tenant.id, sizeof(ra.tenant_id));
    memcpy(ra.role_template_id, ATRIUM_ROLE_GLOBAL_ADMIN, sizeof(ra.role_template_id));
    memcpy(ra.principal_id, r->admin.id, sizeof(ra.principal_id));
    ra.created = r->tenant.created;

    int rc = atrium_store_begin(s);
    if (rc < 0)
        return rc;
    rc = s->ops->tenant_insert(s, &r->tenant);
    if (rc == 0)
        rc = s->ops->domain_insert(s, r->tenant.id, domain);
    if (rc == 0)
        rc = s->ops->user_insert(s, r->tenant.id, &r->admin);
    if (rc == 0)
        rc = s->ops->role_assign(s, r->tenant.id, &ra);
    if (rc == 0)
        rc = atrium_store_ensure_builtin_principals(s, r->tenant.id);
    if (rc == 0)
        rc = signup_audit(s, actor, r);
    if (rc == 0)
        rc = atrium_store_commit(s);
    if (rc < 0)
        atrium_store_rollback(s);
    return rc;
}

int atrium_tenant_signup(struct atrium_store *s, const struct atrium_directory_config *cfg,
                         const struct atrium_signup_request *req, struct atrium_signup_result *ret,
                         struct atrium_errinfo *e)
{
    const struct atrium_audit_actor actor = {.kind = ATRIUM_AUDIT_BY_APP,
                                             .display_name = ATRIUM_AUDIT_SIGNUP_NAME};
    return atrium_tenant_signup_as(s, cfg, &actor, req, ret, e);
}

int atrium_tenant_signup_as(struct atrium_store *s, const struct atrium_directory_config *cfg,
                            const struct atrium_audit_actor *actor,
                            const struct atrium_signup_request *req,
                            struct atrium_signup_result *ret, struct atrium_errinfo *e)
{
    int rc = signup_validate(cfg, req, e);
    if (rc < 0)
        return rc;
    bool available = false;
    char *domain_name = NULL;
    rc = atrium_domain_prefix_available(s, cfg, req->domain_prefix, &available, &domain_name, e);
    free(domain_name);
    if (rc < 0)
        return rc;
    if (!available)
        return atrium_err(e, ATRIUM_ECONFLICT, "domainPrefix",
                          "The domain prefix '%s' is already taken.", req->domain_prefix);

    struct atrium_signup_result r = {0};
    struct atrium_domain domain = {0};
    rc = signup_build(cfg, req, &r, &domain, e);
    if (rc == 0) {
        rc = signup_store(s, actor, &r, &domain);
        if (rc == ATRIUM_ECONFLICT)
            atrium_err(e, rc, "domainPrefix", "The domain prefix '%s' is already taken.",
                       req->domain_prefix);
        else if (rc < 0)
            atrium_err(e, rc, "", "The tenant could not be stored; nothing was created.");
    }
    atrium_domain_release(&domain);
    if (rc < 0) {
        atrium_signup_result_release(&r);
        return rc;
    }
    *ret = r;
    return 0;
}

int atrium_domain_prefix_available(struct atrium_store *s,
                                   const struct atrium_directory_config *cfg, const char *prefix,
                                   bool *ret_available, char **ret_domain, struct atrium_errinfo *e)
{
    int rc = atrium_validate_domain_prefix(prefix, "prefix", e);
    if (rc < 0)
        return rc;
    char *name = xasprintf("%s.%s", prefix, cfg->initial_domain_suffix);
    atrium_str_lower(name);
    struct atrium_domain d = {0};
    rc = s->ops->domain_find_verified(s, name, &d);
    atrium_domain_release(&d);
    if (rc < 0 && rc != ATRIUM_ENOTFOUND) {
        free(name);
        return atrium_err(e, rc, "", "The domain store is unavailable.");
    }
    *ret_available = rc == ATRIUM_ENOTFOUND;
    *ret_domain = name;
    return 0;
}

void atrium_signup_result_release(struct atrium_signup_result *r)
{
    atrium_tenant_release(&r->tenant);
    atrium_user_release(&r->admin);
}
