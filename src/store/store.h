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

#include "core/strv.h"
#include "model/audit.h"
#include "model/directory_role.h"
#include "model/query.h"
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
struct atrium_directory_audit_list {
    struct atrium_directory_audit *items;
    size_t count;
};
struct atrium_member_ref_list {
    struct atrium_member_ref *items;
    size_t count;
};
/* group_list's condition on display_name (ASCII case ignored). */
enum atrium_name_match {
    ATRIUM_NAME_ANY = 0, /* every group */
    ATRIUM_NAME_EQ,      /* equal to the name */
    ATRIUM_NAME_PREFIX,  /* starting with the name */
};
/*
 * A users query (user_query): the active users (or, with deleted, the
 * soft-deleted ones) matching filter AND search, in order, strictly after
 * `after`, at most limit. Property ids are enum atrium_user_prop; order.prop
 * is ATRIUM_UPROP_DISPLAY_NAME, _UPN or _CREATED (the id breaks ties), or -1:
 * the backend's choice for the filter (the same for the same filter), so
 * that each page is an index range scan.
 */
struct atrium_user_query {
    const struct atrium_qnode *filter; /* NULL: every user */
    const struct atrium_qnode *search; /* NULL: none */
    struct atrium_qorder order;
    const struct atrium_qcursor *after; /* NULL or unset: from the start */
    size_t limit;
    bool want_count; /* also count every match (ignoring after and limit) */
    bool deleted;
    uint64_t budget; /* work allowed, in VM steps; 0: ATRIUM_STORE_QUERY_BUDGET */
};
struct atrium_user_page {
    struct atrium_user *items;
    size_t count;
    bool has_more;              /* another page follows */
    struct atrium_qcursor next; /* has_more: the position after the last item */
    int64_t total;              /* want_count: every match; else -1 */
};
#define ATRIUM_STORE_QUERY_BUDGET 20000000 /* virtual machine steps of one user_query */

void atrium_user_page_release(struct atrium_user_page *p);

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
void atrium_member_ref_list_release(struct atrium_member_ref_list *l);
void atrium_directory_audit_list_release(struct atrium_directory_audit_list *l);

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
    /*
     * A read snapshot: every read between begin_read and end_read sees the
     * database as it was at the first of them, and they all share one read
     * transaction (cheaper than one per statement). It holds no lock that
     * blocks writers on other handles. It does not nest, with itself or
     * with begin (EINVAL either way). Writes are refused inside it: any
     * write op, atomic or not, fails with ATRIUM_EINTERNAL and the snapshot
     * stays open; end it first to write. end_read without an open
     * snapshot does nothing and returns 0 (so cleanup paths may call it
     * unconditionally); it always leaves the handle outside any transaction.
     */
    int (*begin_read)(struct atrium_store *s);
    int (*end_read)(struct atrium_store *s);

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

    /*
     * Directory audit log (model/audit.h; written by graph/audit.h, inside
     * the caller's transaction when one is open). audit_insert: ECONFLICT
     * on a duplicate id. audit_list: newest first (activity_time DESC, id),
     * strictly after `after` (NULL: from the newest), entries matching f
     * (NULL: all), at most limit.
     */
    int (*audit_insert)(struct atrium_store *s, const struct atrium_directory_audit *a);
    int (*audit_get)(struct atrium_store *s, const char *tenant_id, const char *id,
                     struct atrium_directory_audit *ret);
    int (*audit_list)(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_audit_filter *f, const struct atrium_log_cursor *after,
                      size_t limit, struct atrium_directory_audit_list *ret);

    /*
     * Groups management (graph/groups.h). group_list: the tenant's groups
     * ordered by id, strictly after after_id (NULL or "": from the start),
     * whose display_name matches name as match says, at most limit.
     */
    int (*group_list)(struct atrium_store *s, const char *tenant_id, const char *after_id,
                      size_t limit, enum atrium_name_match match, const char *name,
                      struct atrium_group_list *ret);
    /* Replace display_name, description, mail_nickname and security_enabled. ENOTFOUND. */
    int (*group_update)(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_group *g);
    /*
     * Delete a group with its member and owner rows, its rows as a member of
     * other groups and its role assignments, atomically. ENOTFOUND.
     */
    int (*group_delete)(struct atrium_store *s, const char *tenant_id, const char *group_id);
    /* ENOTFOUND unless member_id is a direct member of the tenant's group. */
    int (*group_member_remove)(struct atrium_store *s, const char *tenant_id, const char *group_id,
                               const char *member_id);
    /*
     * Direct members of the tenant's group with their kind, ordered by id,
     * strictly after after_id, at most limit. ENOTFOUND when the group is
     * not the tenant's.
     */
    int (*group_member_page)(struct atrium_store *s, const char *tenant_id, const char *group_id,
                             const char *after_id, size_t limit,
                             struct atrium_member_ref_list *ret);
    /*
     * The groups object_id (a user or a group) is a direct member of,
     * ordered by id, strictly after after_id, at most limit. Empty (not
     * ENOTFOUND) for an id the tenant does not have.
     */
    int (*group_memberships_of)(struct atrium_store *s, const char *tenant_id,
                                const char *object_id, const char *after_id, size_t limit,
                                struct atrium_group_list *ret);
    /* Owners are users of the tenant. add: ENOTFOUND (group or user), ECONFLICT. */
    int (*group_owner_add)(struct atrium_store *s, const char *tenant_id, const char *group_id,
                           const char *owner_id);
    /* ENOTFOUND unless owner_id owns the tenant's group. */
    int (*group_owner_remove)(struct atrium_store *s, const char *tenant_id, const char *group_id,
                              const char *owner_id);
    /* Owners like group_member_page. */
    int (*group_owner_page)(struct atrium_store *s, const char *tenant_id, const char *group_id,
                            const char *after_id, size_t limit, struct atrium_member_ref_list *ret);
    /*
     * Remove object_id (a user or group being deleted) from every group
     * membership, ownership and role assignment of the tenant, atomically.
     * 0 even when there was nothing to remove.
     */
    int (*directory_object_unlink)(struct atrium_store *s, const char *tenant_id,
                                   const char *object_id);

    /* Directory role assignments by id (the roleAssignment / member link). ENOTFOUND. */
    int (*role_assignment_get)(struct atrium_store *s, const char *tenant_id, const char *id,
                               struct atrium_role_assignment *ret);
    int (*role_assignment_delete)(struct atrium_store *s, const char *tenant_id, const char *id);
    /*
     * The tenant's assignments ordered by id, strictly after after_id, at
     * most limit; role_template_id and principal_id filter when not NULL.
     */
    int (*role_assignment_list)(struct atrium_store *s, const char *tenant_id,
                                const char *role_template_id, const char *principal_id,
                                const char *after_id, size_t limit,
                                struct atrium_role_assignment_list *ret);
    /* Activate a directory role (by template id) in the tenant. ECONFLICT when it is. */
    int (*directory_role_activate)(struct atrium_store *s, const char *tenant_id,
                                   const char *role_template_id, int64_t created);
    /*
     * Template ids of the tenant's active roles (activated, or holding an
     * assignment), ordered, unique. Caller frees each string and the array.
     */
    int (*directory_role_active)(struct atrium_store *s, const char *tenant_id, char ***ret_ids,
                                 size_t *ret_count);

    /*
     * Directory API users (store_sqlite_user*.c). Active users are those
     * not soft-deleted; user_get, user_get_by_upn, user_list and
     * user_set_password see only them, while a deleted user keeps its UPN
     * reserved until purged.
     *
     * user_update: replace every mutable column of u (matched by u->id,
     * active users only): upn, names, mail, job title, account_enabled,
     * attrs, business phones, other mails. ECONFLICT when the UPN is taken.
     */
    int (*user_update)(struct atrium_store *s, const char *tenant_id, const struct atrium_user *u);
    /*
     * A page of users matching q (see struct atrium_user_query). The work
     * of one call is bounded (ATRIUM_STORE_QUERY_BUDGET): past it,
     * ATRIUM_ETOOBIG, so an unindexed filter over a huge tenant fails
     * instead of scanning without end.
     */
    int (*user_query)(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_user_query *q, struct atrium_user_page *ret);
    /* A soft-deleted user by id; ENOTFOUND when missing or active. */
    int (*user_get_deleted)(struct atrium_store *s, const char *tenant_id, const char *user_id,
                            struct atrium_user *ret);
    /* Mark an active user deleted at `when`; ENOTFOUND when not active. */
    int (*user_soft_delete)(struct atrium_store *s, const char *tenant_id, const char *user_id,
                            int64_t when);
    /* Clear the deleted mark; ENOTFOUND when the user is not soft-deleted. */
    int (*user_restore)(struct atrium_store *s, const char *tenant_id, const char *user_id);
    /*
     * Remove a soft-deleted user for good, with what names it as a
     * principal (app role assignments, delegated grants; sign-in records go
     * by foreign key). Group and role links go with directory_object_unlink,
     * which the caller runs in the same transaction. ENOTFOUND when not
     * soft-deleted.
     */
    int (*user_purge)(struct atrium_store *s, const char *tenant_id, const char *user_id);
    /*
     * Ids of at most limit users deleted at or before `before`, oldest
     * first, for the caller to purge. Caller frees each string and the array.
     */
    int (*user_expired)(struct atrium_store *s, const char *tenant_id, int64_t before, size_t limit,
                        char ***ret_ids, size_t *ret_count);

    /* Organization profile (store_sqlite_org.c): the tenant's notification mails. */
    int (*tenant_notification_mails)(struct atrium_store *s, const char *tenant_id,
                                     struct atrium_strv *ret);
    /* Set display_name and/or the notification mails (NULL: unchanged). ENOTFOUND. */
    int (*tenant_update_profile)(struct atrium_store *s, const char *tenant_id,
                                 const char *display_name, const struct atrium_strv *mails);
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
static inline int atrium_store_begin_read(struct atrium_store *s)
{
    return s->ops->begin_read(s);
}
static inline int atrium_store_end_read(struct atrium_store *s)
{
    return s->ops->end_read(s);
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
