/* SPDX-License-Identifier: MIT */
/*
 * Custom domains (graph/domains.h): the permission rules, adding, listing,
 * getting, the default domain, removal, and the Graph renderings. The DNS
 * verification itself lives in domain_verify.c.
 */
#include "graph/domains.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/audit.h"
#include "graph/authz.h"
#include "graph/domains_priv.h"
#include "model/directory_role.h"

static const char *const read_permissions[] = {"Domain.Read.All", "Domain.ReadWrite.All",
                                               "Directory.Read.All", "Directory.ReadWrite.All",
                                               NULL};
static const char *const write_app_permissions[] = {"Domain.ReadWrite.All", NULL};
static const char *const write_scopes[] = {"Domain.ReadWrite.All", "Directory.ReadWrite.All", NULL};
static const char *const write_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN, ATRIUM_ROLE_DOMAIN_NAME_ADMIN,
                                          NULL};

const struct atrium_authz_rule atrium_authz_domains_read = {
    .name = "domains.read",
    .app_permissions = read_permissions,
    .delegated_scopes = read_permissions,
    .directory_roles = NULL,
};

const struct atrium_authz_rule atrium_authz_domains_write = {
    .name = "domains.write",
    .app_permissions = write_app_permissions,
    .delegated_scopes = write_scopes,
    .directory_roles = write_roles,
};

static const char *const domain_properties[] = {"id",
                                                "authenticationType",
                                                "availabilityStatus",
                                                "isAdminManaged",
                                                "isDefault",
                                                "isInitial",
                                                "isRoot",
                                                "isVerified",
                                                "passwordNotificationWindowInDays",
                                                "passwordValidityPeriodInDays",
                                                "state",
                                                "supportedServices",
                                                NULL};

const struct atrium_odata_spec atrium_graph_domain_odata = {
    .filter_eq = NULL,
    .filter_startswith = NULL,
    .select = domain_properties,
};

/* --- shared helpers (domains_priv.h) ------------------------------------------ */

int atrium_domain_canonical(const char *in, const char *field, char out[ATRIUM_DOMAIN_NAME_MAX + 2],
                            struct atrium_errinfo *e)
{
    size_t len = in ? strlen(in) : 0;
    if (len > 0 && in[len - 1] == '.')
        len--;
    if (len > ATRIUM_DOMAIN_NAME_MAX)
        return atrium_err(e, ATRIUM_EINVAL, field, "%s must be at most %d characters long.", field,
                          ATRIUM_DOMAIN_NAME_MAX);
    memcpy(out, in ? in : "", len);
    out[len] = '\0';
    atrium_str_lower(out);
    return atrium_validate_domain_name(out, field, e);
}

int atrium_domain_load(struct atrium_store *s, const char *tenant_id, const char *id,
                       struct atrium_domain *ret, struct atrium_errinfo *e)
{
    char name[ATRIUM_DOMAIN_NAME_MAX + 2];
    int rc = atrium_domain_canonical(id, "id", name, NULL);
    if (rc == 0)
        rc = s->ops->domain_get(s, tenant_id, name, ret);
    if (rc == ATRIUM_EINVAL || rc == ATRIUM_ENOTFOUND)
        return atrium_err(e, ATRIUM_ENOTFOUND, "",
                          "Resource '%.100s' does not exist or one of its queried "
                          "reference-property objects are not present.",
                          id ? id : "");
    return atrium_domain_store_fail(e, rc);
}

int atrium_domain_taken(struct atrium_errinfo *e, const char *name)
{
    return atrium_err(e, ATRIUM_EINVAL, "id",
                      "The domain '%.120s' is already verified in another tenant. It must be "
                      "removed there before it can be added or verified here.",
                      name);
}

int atrium_domain_check_owner(struct atrium_store *s, const char *tenant_id, const char *name,
                              bool *ret_parent_verified, struct atrium_errinfo *e)
{
    bool parent_verified = false;
    /* The name itself, then each parent with at least two labels. */
    for (const char *n = name; n && strchr(n, '.'); n = strchr(n, '.') + 1) {
        struct atrium_domain d = {0};
        int rc = s->ops->domain_find_verified(s, n, &d);
        bool mine = rc == 0 && strcmp(d.tenant_id, tenant_id) == 0;
        atrium_domain_release(&d);
        if (rc == ATRIUM_ENOTFOUND)
            continue;
        if (rc < 0)
            return atrium_domain_store_fail(e, rc);
        if (!mine)
            return atrium_domain_taken(e, n);
        if (n != name)
            parent_verified = true;
    }
    if (ret_parent_verified)
        *ret_parent_verified = parent_verified;
    return 0;
}

int atrium_domain_store_fail(struct atrium_errinfo *e, int rc)
{
    if (rc >= 0 || rc == ATRIUM_ENOTFOUND)
        return rc;
    return atrium_err(e, rc, "", "The domain store is unavailable.");
}

int atrium_domain_txn_end(struct atrium_store *s, int rc, struct atrium_errinfo *e)
{
    if (rc < 0) {
        atrium_store_rollback(s);
        return rc;
    }
    rc = atrium_store_commit(s);
    if (rc < 0) {
        atrium_store_rollback(s);
        return atrium_domain_store_fail(e, rc);
    }
    return 0;
}

/* --- add ------------------------------------------------------------------------ */

/* The name from the POST body: canonical, not reserved. */
static int add_name(const struct atrium_directory_config *cfg, const json_t *body,
                    char name[ATRIUM_DOMAIN_NAME_MAX + 2], struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"id", "authenticationType", NULL};
    const char *id = NULL, *auth = NULL;
    int rc = atrium_json_reject_unknown(body, allowed, "", e);
    if (rc == 0)
        rc = atrium_json_get_string(body, "id", true, ATRIUM_DOMAIN_NAME_MAX + 1, "", &id, e);
    if (rc == 0)
        rc = atrium_json_get_string(body, "authenticationType", false, 32, "", &auth, e);
    if (rc == 0 && auth && strcmp(auth, "Managed") != 0)
        return atrium_err(e, ATRIUM_EINVAL, "authenticationType",
                          "Only Managed domains are supported.");
    if (rc == 0)
        rc = atrium_domain_canonical(id, "id", name, e);
    if (rc < 0)
        return rc;
    const char *suffix = cfg && cfg->initial_domain_suffix ? cfg->initial_domain_suffix
                                                           : ATRIUM_DEFAULT_DOMAIN_SUFFIX;
    size_t nl = strlen(name), sl = strlen(suffix);
    if (atrium_str_ieq(name, suffix) ||
        (nl > sl && name[nl - sl - 1] == '.' && atrium_str_ieq(name + nl - sl, suffix)))
        return atrium_err(e, ATRIUM_EINVAL, "id",
                          "Domains under '%.100s' are initial domains and cannot be added.",
                          suffix);
    return 0;
}

/* "MS=ms" and 8 random digits. */
static char *new_code(void)
{
    uint32_t v;
    atrium_random_bytes(&v, sizeof(v));
    return xasprintf("MS=ms%08u", (unsigned)(v % 100000000u));
}

/* Inside the transaction: checks, then the insert. */
int atrium_domain_audit(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *p, const char *name, const char *activity,
                        const char *operation_type, const char *failure_reason,
                        struct atrium_errinfo *e)
{
    const struct atrium_audit_target target = {.id = name, .display_name = name, .type = "Domain"};
    const struct atrium_audit_event ev = {.category = ATRIUM_AUDIT_CAT_DIRECTORY,
                                          .activity = activity,
                                          .operation_type = operation_type,
                                          .failure = failure_reason != NULL,
                                          .result_reason = failure_reason,
                                          .targets = &target,
                                          .target_count = 1};
    int rc = atrium_audit_record_by(s, tenant_id, p, &ev);
    if (rc < 0)
        return atrium_err(e, rc, "", "The audit log could not be written; nothing was changed.");
    return 0;
}

static int add_locked(struct atrium_store *s, const struct atrium_principal *p,
                      const char *tenant_id, const char *name, struct atrium_domain *ret,
                      struct atrium_errinfo *e)
{
    struct atrium_domain_list all = {0};
    int rc = atrium_domain_check_owner(s, tenant_id, name, NULL, e);
    if (rc == 0 && (rc = s->ops->domain_list(s, tenant_id, &all)) < 0)
        rc = atrium_domain_store_fail(e, rc);
    size_t count = all.count;
    atrium_domain_list_release(&all);
    if (rc == 0 && count >= ATRIUM_DOMAINS_PER_TENANT_MAX)
        rc = atrium_err(e, ATRIUM_EINVAL, "id", "The tenant already has the maximum of %d domains.",
                        ATRIUM_DOMAINS_PER_TENANT_MAX);
    if (rc < 0)
        return rc;
    struct atrium_domain d = {
        .name = xstrdup(name), .verification_code = new_code(), .created = atrium_now()};
    memcpy(d.tenant_id, tenant_id, sizeof(d.tenant_id));
    rc = s->ops->domain_insert(s, tenant_id, &d);
    if (rc < 0) {
        atrium_domain_release(&d);
        if (rc == ATRIUM_ECONFLICT)
            return atrium_err(e, rc, "id", "The domain '%.120s' already exists in this tenant.",
                              name);
        return atrium_domain_store_fail(e, rc);
    }
    rc = atrium_domain_audit(s, tenant_id, p, d.name, "Add unverified domain", "Add", NULL, e);
    if (rc < 0) {
        atrium_domain_release(&d);
        return rc;
    }
    *ret = d;
    return 0;
}

int atrium_graph_domain_add(struct atrium_store *s, const struct atrium_directory_config *cfg,
                            const char *tenant_id, const struct atrium_principal *p,
                            const json_t *body, struct atrium_domain *ret, struct atrium_errinfo *e)
{
    char name[ATRIUM_DOMAIN_NAME_MAX + 2];
    int rc = atrium_authz_require(p, tenant_id, &atrium_authz_domains_write, e);
    if (rc == 0)
        rc = add_name(cfg, body, name, e);
    if (rc < 0)
        return rc;
    if ((rc = atrium_store_begin(s)) < 0)
        return atrium_domain_store_fail(e, rc);
    return atrium_domain_txn_end(s, add_locked(s, p, tenant_id, name, ret, e), e);
}

/* --- list, get ------------------------------------------------------------------- */

int atrium_graph_domain_list(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_principal *p, struct atrium_domain_list *ret,
                             struct atrium_errinfo *e)
{
    int rc = atrium_authz_require(p, tenant_id, &atrium_authz_domains_read, e);
    if (rc == 0 && (rc = s->ops->domain_list(s, tenant_id, ret)) < 0)
        rc = atrium_domain_store_fail(e, rc);
    return rc;
}

int atrium_graph_domain_get(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *p, const char *id,
                            struct atrium_domain *ret, struct atrium_errinfo *e)
{
    int rc = atrium_authz_require(p, tenant_id, &atrium_authz_domains_read, e);
    return rc < 0 ? rc : atrium_domain_load(s, tenant_id, id, ret, e);
}

/* --- PATCH ----------------------------------------------------------------------- */

static int update_locked(struct atrium_store *s, const struct atrium_principal *p,
                         const char *tenant_id, const char *id, struct atrium_errinfo *e)
{
    struct atrium_domain d = {0};
    int rc = atrium_domain_load(s, tenant_id, id, &d, e);
    if (rc == 0 && !d.is_verified)
        rc = atrium_err(e, ATRIUM_EINVAL, "isDefault",
                        "Only a verified domain can be the default domain; verify '%.120s' first.",
                        d.name);
    if (rc == 0 && (rc = s->ops->domain_set_default(s, tenant_id, d.name)) < 0)
        rc = atrium_domain_store_fail(e, rc);
    if (rc == 0)
        rc = atrium_domain_audit(s, tenant_id, p, d.name, "Set default domain", "Update", NULL, e);
    atrium_domain_release(&d);
    return rc;
}

int atrium_graph_domain_update(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *p, const char *id, const json_t *body,
                               struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"isDefault", NULL};
    bool is_default = true;
    int rc = atrium_authz_require(p, tenant_id, &atrium_authz_domains_write, e);
    if (rc == 0)
        rc = atrium_json_reject_unknown(body, allowed, "", e);
    if (rc == 0)
        rc = atrium_json_get_bool(body, "isDefault", "", &is_default, e);
    if (rc == 0 && !is_default)
        rc = atrium_err(e, ATRIUM_EINVAL, "isDefault",
                        "A tenant always has one default domain: set isDefault to true on "
                        "another domain instead.");
    if (rc < 0)
        return rc;
    if (!json_object_get(body, "isDefault")) {
        struct atrium_domain d = {0}; /* nothing to change: still a 404 for a wrong id */
        rc = atrium_domain_load(s, tenant_id, id, &d, e);
        atrium_domain_release(&d);
        return rc;
    }
    if ((rc = atrium_store_begin(s)) < 0)
        return atrium_domain_store_fail(e, rc);
    return atrium_domain_txn_end(s, update_locked(s, p, tenant_id, id, e), e);
}

/* --- DELETE ---------------------------------------------------------------------- */

char *atrium_graph_domain_usage_message(const char *name, const struct atrium_domain_usage *u)
{
    struct atrium_buf b;
    AUTO_FREE char *shown =
        atrium_str_lower(xstrndup(name ? name : "", ATRIUM_DOMAIN_NAME_MAX + 1));
    size_t len = strlen(shown);
    if (len > 0 && shown[len - 1] == '.')
        shown[len - 1] = '\0'; /* as the id was given, in canonical form */
    atrium_buf_init(&b, 4096);
    atrium_buf_printf(&b,
                      "The domain '%s' cannot be deleted: it is used by %zu user(s) as "
                      "userPrincipalName suffix: ",
                      shown, u->user_count);
    for (size_t i = 0; i < u->upn_count; i++)
        atrium_buf_printf(&b, "%s%.113s", i ? ", " : "", u->upns[i]);
    if (u->user_count > u->upn_count)
        atrium_buf_printf(&b, " and %zu more", u->user_count - u->upn_count);
    atrium_buf_puts(&b, ". Rename or delete them first.");
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

static int delete_locked(struct atrium_store *s, const struct atrium_principal *p,
                         const char *tenant_id, const char *id, struct atrium_domain_usage *usage,
                         struct atrium_errinfo *e)
{
    struct atrium_domain d = {0};
    int rc = atrium_domain_load(s, tenant_id, id, &d, e);
    if (rc == 0 && d.is_initial)
        rc = atrium_err(e, ATRIUM_EINVAL, "id", "The initial domain '%.120s' cannot be deleted.",
                        d.name);
    else if (rc == 0 && d.is_default)
        rc = atrium_err(e, ATRIUM_EINVAL, "id",
                        "'%.120s' is the default domain: make another domain the default "
                        "before deleting it.",
                        d.name);
    if (rc == 0 &&
        (rc = s->ops->domain_usage(s, tenant_id, d.name, ATRIUM_DOMAIN_USAGE_SHOWN, usage)) < 0)
        rc = atrium_domain_store_fail(e, rc);
    if (rc == 0 && usage->user_count > 0) {
        AUTO_FREE char *msg = atrium_graph_domain_usage_message(d.name, usage);
        rc = atrium_err(e, ATRIUM_EINVAL, "id", "%s", msg); /* cut at the errinfo size */
    }
    if (rc == 0 && (rc = s->ops->domain_delete(s, tenant_id, d.name)) < 0)
        rc = atrium_domain_store_fail(e, rc);
    if (rc == 0)
        rc = atrium_domain_audit(s, tenant_id, p, d.name,
                                 d.is_verified ? "Remove verified domain"
                                               : "Remove unverified domain",
                                 "Delete", NULL, e);
    atrium_domain_release(&d);
    return rc;
}

int atrium_graph_domain_delete(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *p, const char *id,
                               struct atrium_domain_usage *ret_usage, struct atrium_errinfo *e)
{
    struct atrium_domain_usage usage = {0};
    int rc = atrium_authz_require(p, tenant_id, &atrium_authz_domains_write, e);
    if (rc < 0)
        return rc;
    if ((rc = atrium_store_begin(s)) < 0)
        return atrium_domain_store_fail(e, rc);
    rc = atrium_domain_txn_end(s, delete_locked(s, p, tenant_id, id, &usage, e), e);
    if (ret_usage)
        *ret_usage = usage;
    else
        atrium_domain_usage_release(&usage);
    return rc;
}

/* --- renderings ------------------------------------------------------------------ */

/* Is some parent of d verified in the tenant (then d is not a root)? */
static bool has_verified_parent(const struct atrium_domain *d, const struct atrium_domain_list *all)
{
    for (size_t i = 0; all && i < all->count; i++) {
        const char *n = all->items[i].name;
        size_t nl = strlen(n), dl = strlen(d->name);
        if (all->items[i].is_verified && dl > nl + 1 && d->name[dl - nl - 1] == '.' &&
            strcmp(d->name + dl - nl, n) == 0)
            return true;
    }
    return false;
}

json_t *atrium_graph_domain_to_json(const struct atrium_domain *d,
                                    const struct atrium_domain_list *all)
{
    bool root = d->is_verified && !has_verified_parent(d, all);
    return json_pack("{s:s, s:s, s:n, s:b, s:b, s:b, s:b, s:b, s:n, s:n, s:n, s:[]}", "id", d->name,
                     "authenticationType", "Managed", "availabilityStatus", "isAdminManaged", 1,
                     "isDefault", d->is_default, "isInitial", d->is_initial, "isRoot", root,
                     "isVerified", d->is_verified, "passwordNotificationWindowInDays",
                     "passwordValidityPeriodInDays", "state", "supportedServices");
}

int atrium_graph_domain_render(struct atrium_store *s, const struct atrium_domain *d, json_t **ret,
                               struct atrium_errinfo *e)
{
    struct atrium_domain_list all = {0};
    int rc = s->ops->domain_list(s, d->tenant_id, &all);
    if (rc == 0)
        *ret = atrium_graph_domain_to_json(d, &all);
    atrium_domain_list_release(&all);
    return rc < 0 ? atrium_domain_store_fail(e, rc) : 0;
}

/* A stable GUID-shaped record id from the domain, its tenant and the record kind. */
static void record_id(const struct atrium_domain *d, const char *kind,
                      char out[ATRIUM_UUID_LEN + 1])
{
    uint64_t h[2] = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull}; /* FNV-1a, two seeds */
    const char *parts[] = {d->tenant_id, d->name, kind};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < 3; i++)
            for (const unsigned char *c = (const unsigned char *)parts[i]; *c; c++)
                h[k] = (h[k] ^ *c) * 0x100000001b3ull;
    snprintf(out, ATRIUM_UUID_LEN + 1, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h[0] >> 32),
             (unsigned)(h[0] >> 16) & 0xffff, (unsigned)h[0] & 0xfff,
             0x8000 | ((unsigned)(h[1] >> 48) & 0x3fff),
             (unsigned long long)(h[1] & 0xffffffffffffull));
}

json_t *atrium_graph_domain_dns_records_to_json(const struct atrium_domain *d)
{
    json_t *arr = json_array();
    const char *code = d->verification_code;
    if (!code || strncmp(code, "MS=", 3) != 0)
        return arr;
    char txt_id[ATRIUM_UUID_LEN + 1], mx_id[ATRIUM_UUID_LEN + 1];
    record_id(d, "Txt", txt_id);
    record_id(d, "Mx", mx_id);
    AUTO_FREE char *mx = xasprintf("%s%s", code + 3, ATRIUM_DOMAIN_MX_SUFFIX);
    json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:i, s:s}", "@odata.type",
                                         "#microsoft.graph.domainDnsTxtRecord", "id", txt_id,
                                         "isOptional", 0, "label", d->name, "recordType", "Txt",
                                         "supportedService", "Email", "ttl", ATRIUM_DOMAIN_DNS_TTL,
                                         "text", code));
    json_array_append_new(arr,
                          json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:i, s:s, s:i}", "@odata.type",
                                    "#microsoft.graph.domainDnsMxRecord", "id", mx_id, "isOptional",
                                    0, "label", d->name, "recordType", "Mx", "supportedService",
                                    "Email", "ttl", ATRIUM_DOMAIN_DNS_TTL, "mailExchange", mx,
                                    "preference", ATRIUM_DOMAIN_MX_PREFERENCE));
    return arr;
}
