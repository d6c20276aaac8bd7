/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: the life cycle of a deleted user. Soft delete stamps
 * users.deleted with the deletion time (the row stays, so the UPN stays
 * reserved), restore clears it, purge removes the row with the app role
 * assignments and delegated grants that name it (codes, refresh tokens,
 * sessions and lockout counters follow by ON DELETE CASCADE), and
 * user_expired lists what is due for purging.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "store/store_sqlite_user.h"

/* Run a cached write bound to (tenant_id, id[, when]); *ret_changes: rows touched. */
static int run_write(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt id, const char *sql,
                     const char *tenant_id, const char *object_id, int64_t when, int *ret_changes)
{
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, id, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, object_id);
    if (sqlite3_bind_parameter_count(st) >= 3)
        b |= sqlite3_bind_int64(st, 3, when);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    r = atrium_sqlite_step_done(st);
    if (r == 0 && ret_changes)
        *ret_changes = sqlite3_changes(s->db);
    return r;
}

static int check_ids(const char *tenant_id, const char *user_id)
{
    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    return atrium_sqlite_check_id(user_id) < 0 ? ATRIUM_ENOTFOUND : 0;
}

int atrium_sqlite_user_soft_delete(struct atrium_store *base, const char *tenant_id,
                                   const char *user_id, int64_t when)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    int changes = 0;
    int r = check_ids(tenant_id, user_id);
    if (r == 0 && when <= 0)
        r = ATRIUM_EINVAL;
    if (r == 0)
        r = run_write(s, ATRIUM_SQ_USER_SOFT_DELETE,
                      "UPDATE users SET deleted = ?3 WHERE tenant_id = ?1 AND id = ?2"
                      " AND deleted = 0",
                      tenant_id, user_id, when, &changes);
    return r == 0 && changes == 0 ? ATRIUM_ENOTFOUND : r;
}

int atrium_sqlite_user_restore(struct atrium_store *base, const char *tenant_id,
                               const char *user_id)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    int changes = 0;
    int r = check_ids(tenant_id, user_id);
    if (r == 0)
        r = run_write(s, ATRIUM_SQ_USER_RESTORE,
                      "UPDATE users SET deleted = 0 WHERE tenant_id = ?1 AND id = ?2"
                      " AND deleted <> 0",
                      tenant_id, user_id, 0, &changes);
    return r == 0 && changes == 0 ? ATRIUM_ENOTFOUND : r;
}

/* The rows of a purge, inside the caller's atomic unit. */
static int purge_rows(struct atrium_store_sqlite *s, const char *tenant_id, const char *user_id)
{
    int changes = 0;
    int r = run_write(s, ATRIUM_SQ_USER_PURGE_ASSIGNMENTS,
                      "DELETE FROM app_role_assignments WHERE tenant_id = ?1 AND principal_id = ?2"
                      " AND EXISTS (SELECT 1 FROM users WHERE tenant_id = ?1 AND id = ?2"
                      " AND deleted <> 0)",
                      tenant_id, user_id, 0, NULL);
    if (r == 0)
        r = run_write(s, ATRIUM_SQ_USER_PURGE_GRANTS,
                      "DELETE FROM oauth2_grants WHERE tenant_id = ?1 AND principal_id = ?2"
                      " AND EXISTS (SELECT 1 FROM users WHERE tenant_id = ?1 AND id = ?2"
                      " AND deleted <> 0)",
                      tenant_id, user_id, 0, NULL);
    if (r == 0)
        r = run_write(s, ATRIUM_SQ_USER_PURGE,
                      "DELETE FROM users WHERE tenant_id = ?1 AND id = ?2 AND deleted <> 0",
                      tenant_id, user_id, 0, &changes);
    return r == 0 && changes == 0 ? ATRIUM_ENOTFOUND : r;
}

int atrium_sqlite_user_purge(struct atrium_store *base, const char *tenant_id, const char *user_id)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    bool nested;
    int r = check_ids(tenant_id, user_id);
    if (r == 0)
        r = atrium_sqlite_atomic_begin(s, &nested);
    if (r < 0)
        return r;
    return atrium_sqlite_atomic_end(s, nested, purge_rows(s, tenant_id, user_id));
}

int atrium_sqlite_user_expired(struct atrium_store *base, const char *tenant_id, int64_t before,
                               size_t limit, char ***ret_ids, size_t *ret_count)
{
    static const char sql[] = "SELECT id FROM users WHERE tenant_id = ?1 AND deleted <> 0"
                              " AND deleted <= ?2 ORDER BY deleted, id LIMIT ?3";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    char **ids = NULL;
    size_t n = 0, cap = 0;
    int rc;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_EXPIRED, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    sqlite3_bind_int64(st, 2, before);
    atrium_sqlite_bind_limit(st, 3, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&ids, &cap, n, sizeof(*ids));
        ids[n++] = atrium_sqlite_col_dup(st, 0);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < n; i++)
            xfree(ids[i]);
        xfree(ids);
        return atrium_sqlite_error(rc);
    }
    *ret_ids = ids;
    *ret_count = n;
    return 0;
}
