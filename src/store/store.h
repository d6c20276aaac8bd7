/* SPDX-License-Identifier: MIT */
/*
 * The storage interface: a versioned ops table that each backend implements
 * (store_sqlite.c now, store_pg.c later). Upper layers see only this header.
 *
 * Rules every backend keeps:
 * - every tenant-scoped call takes tenant_id and filters by it; an object of
 *   another tenant is reported exactly like a missing one (ATRIUM_ENOTFOUND);
 * - results are written into caller-provided structs whose heap members the
 *   caller then owns (release with the model's *_release / list release);
 * - uniqueness violations return ATRIUM_ECONFLICT, other failures ATRIUM_ESTORE;
 * - a handle is used by one thread at a time (one connection per thread).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/directory_role.h"
#include "model/tenant.h"
#include "model/user.h"

#define ATRIUM_STORE_OPS_VERSION 1

struct atrium_store;

struct atrium_tenant_list {
    struct atrium_tenant *items;
    size_t count;
};
struct atrium_domain_list {
    struct atrium_domain *items;
    size_t count;
};
struct atrium_user_list {
    struct atrium_user *items;
    size_t count;
};
struct atrium_group_list {
    struct atrium_group *items;
    size_t count;
};
struct atrium_role_assignment_list {
    struct atrium_role_assignment *items;
    size_t count;
};
/* What still uses a domain (domain_usage). */
struct atrium_domain_usage {
    size_t user_count; /* all users with a UPN at the domain */
    char **upns;       /* the first few of them */
    size_t upn_count;
};

void atrium_tenant_list_release(struct atrium_tenant_list *l);
void atrium_domain_list_release(struct atrium_domain_list *l);
void atrium_user_list_release(struct atrium_user_list *l);
void atrium_group_list_release(struct atrium_group_list *l);
void atrium_role_assignment_list_release(struct atrium_role_assignment_list *l);
void atrium_domain_usage_release(struct atrium_domain_usage *u);

struct atrium_store_ops {
    int version;      /* ATRIUM_STORE_OPS_VERSION */
    const char *name; /* "sqlite", "postgres" */

    void (*close)(struct atrium_store *s);
    /* Cheap round trip to the database, for /readyz. */
    int (*ping)(struct atrium_store *s);
    /* Apply pending migrations; *ret_version gets the schema version after. */
    int (*migrate)(struct atrium_store *s, int *ret_version);

    /* Transactions do not nest. begin takes the write lock at once. */
    int (*begin)(struct atrium_store *s);
    int (*commit)(struct atrium_store *s);
    int (*rollback)(struct atrium_store *s);

    /* Tenants. tenant_insert fills nothing; the struct carries the new id. */
    int (*tenant_insert)(struct atrium_store *s, const struct atrium_tenant *t);
    int (*tenant_get)(struct atrium_store *s, const char *tenant_id, struct atrium_tenant *ret);
    /* Tenants ordered by id, strictly after after_id (NULL: from the start). */
    int (*tenant_list)(struct atrium_store *s, const char *after_id, size_t limit,
                       struct atrium_tenant_list *ret);

    /* Domains. domain_insert: ECONFLICT when a verified domain of that name exists anywhere. */
    int (*domain_insert)(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_domain *d);
    int (*domain_list)(struct atrium_store *s, const char *tenant_id,
                       struct atrium_domain_list *ret);
    /*
     * Global lookup of a *verified* domain by name (case-insensitive), to map
     * a domain to its tenant (sign-in by domain, prefix availability).
     */
    int (*domain_find_verified)(struct atrium_store *s, const char *name,
                                struct atrium_domain *ret);

    /* Users. user_insert: ECONFLICT when the UPN exists (case-insensitively). */
    int (*user_insert)(struct atrium_store *s, const char *tenant_id, const struct atrium_user *u);
    int (*user_get)(struct atrium_store *s, const char *tenant_id, const char *user_id,
                    struct atrium_user *ret);
    int (*user_get_by_upn)(struct atrium_store *s, const char *tenant_id, const char *upn,
                           struct atrium_user *ret);
    /* Users ordered by id, strictly after after_id (NULL: from the start), at most limit. */
    int (*user_list)(struct atrium_store *s, const char *tenant_id, const char *after_id,
                     size_t limit, struct atrium_user_list *ret);
    int (*user_set_password)(struct atrium_store *s, const char *tenant_id, const char *user_id,
                             const char *password_hash, bool force_change, int64_t changed);

    /* Groups and membership (member is a user or a group of the same tenant). */
    int (*group_insert)(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_group *g);
    int (*group_get)(struct atrium_store *s, const char *tenant_id, const char *group_id,
                     struct atrium_group *ret);
    /* ENOTFOUND when group or member is not in tenant; ECONFLICT when already a member. */
    int (*group_member_add)(struct atrium_store *s, const char *tenant_id, const char *group_id,
                            const char *member_id);
    /* Ids of direct members, ordered. Caller frees each string and the array. */
    int (*group_member_ids)(struct atrium_store *s, const char *tenant_id, const char *group_id,
                            char ***ret_ids, size_t *ret_count);

    /* Directory role assignments. ENOTFOUND when the principal is not in tenant. */
    int (*role_assign)(struct atrium_store *s, const char *tenant_id,
                       const struct atrium_role_assignment *a);
    int (*role_assignments_for)(struct atrium_store *s, const char *tenant_id,
                                const char *principal_id, struct atrium_role_assignment_list *ret);

    /* Custom domains (graph/domains.c). Names are matched case-insensitively. */
    int (*domain_get)(struct atrium_store *s, const char *tenant_id, const char *name,
                      struct atrium_domain *ret);
    /*
     * Set or clear is_verified. ENOTFOUND when the tenant has no such domain;
     * ECONFLICT when another tenant has the name verified already.
     */
    int (*domain_set_verified)(struct atrium_store *s, const char *tenant_id, const char *name,
                               bool verified);
    /*
     * Make name the tenant's one default domain and clear the flag on the
     * others, in one statement. ENOTFOUND unless the tenant has that domain
     * verified.
     */
    int (*domain_set_default)(struct atrium_store *s, const char *tenant_id, const char *name);
    /* Remove the tenant's domain (any flags: the service guards). ENOTFOUND when missing. */
    int (*domain_delete)(struct atrium_store *s, const char *tenant_id, const char *name);
    /*
     * The tenant's users whose UPN is "<anything>@name": the total count and
     * the first `limit` UPNs (ordered, as stored), for "domain in use" errors.
     */
    int (*domain_usage)(struct atrium_store *s, const char *tenant_id, const char *name,
                        size_t limit, struct atrium_domain_usage *ret);
};

struct atrium_store_oauth_ops;

/* Every backend handle starts with this. */
struct atrium_store {
    const struct atrium_store_ops *ops;
    const struct atrium_store_oauth_ops *oauth; /* store_oauth.h: apps and sign-in */
};

/*
 * Open a store from a URI: "sqlite:PATH", "sqlite::memory:", or a bare path
 * (SQLite). Migrations are not run; call atrium_store_migrate. Caller owns.
 */
int atrium_store_open(const char *uri, struct atrium_store **ret, struct atrium_errinfo *e);
/* Close and free; NULL is fine. */
void atrium_store_close(struct atrium_store *s);

/*
 * A per-thread connection pool: each thread calling atrium_store_pool_get()
 * gets its own handle, opened on first use and closed when the thread ends
 * or the pool is freed.
 */
struct atrium_store_pool;
int atrium_store_pool_new(const char *uri, struct atrium_store_pool **ret,
                          struct atrium_errinfo *e);
/* The calling thread's handle, or NULL when it cannot be opened. Borrowed. */
struct atrium_store *atrium_store_pool_get(struct atrium_store_pool *p);
void atrium_store_pool_free(struct atrium_store_pool *p);

/* Convenience wrappers over s->ops, so callers write atrium_store_x(s, ...). */
static inline int atrium_store_begin(struct atrium_store *s)
{
    return s->ops->begin(s);
}
static inline int atrium_store_commit(struct atrium_store *s)
{
    return s->ops->commit(s);
}
static inline int atrium_store_rollback(struct atrium_store *s)
{
    return s->ops->rollback(s);
}
static inline int atrium_store_migrate(struct atrium_store *s, int *ret_version)
{
    return s->ops->migrate(s, ret_version);
}

/*
 * Resolve a tenant by GUID (any case) or by any of its verified domains
 * (case-insensitive). ENOTFOUND otherwise. Shared by every service layer.
 */
int atrium_store_tenant_resolve(struct atrium_store *s, const char *id_or_domain,
                                struct atrium_tenant *ret);
