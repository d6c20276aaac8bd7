/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: the ops table of store_oauth.h, and the helpers its files
 * (store_sqlite_app.c, _sp.c, _token.c, _signin.c, _lockout.c) share: atomic units of
 * several statements that work inside or outside a caller's transaction,
 * and row readers over the statement cache.
 */
#include "store/store_sqlite.h"

#include "core/err.h"

static int run(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt id, const char *sql)
{
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, id, sql, &st);
    return r < 0 ? r : atrium_sqlite_step_done(st);
}

int atrium_sqlite_atomic_begin(struct atrium_store_sqlite *s, bool *ret_nested)
{
    *ret_nested = false;
    if (s->in_read)
        return ATRIUM_EINTERNAL; /* a unit writes: not inside a read snapshot (store.h) */
    /* The connection's own state, not in_txn: it also covers SQLite's automatic rollbacks. */
    *ret_nested = !sqlite3_get_autocommit(s->db);
    if (*ret_nested)
        return run(s, ATRIUM_SQ_SAVEPOINT, "SAVEPOINT atrium_atomic");
    /* IMMEDIATE: take the write lock first, so the busy timeout applies and no snapshot goes stale.
     */
    return run(s, ATRIUM_SQ_ATOMIC_BEGIN, "BEGIN IMMEDIATE");
}

static void atomic_rollback(struct atrium_store_sqlite *s, bool nested)
{
    if (sqlite3_get_autocommit(s->db))
        return; /* SQLite already rolled everything back */
    if (nested) {
        run(s, ATRIUM_SQ_SAVEPOINT_ROLLBACK, "ROLLBACK TO SAVEPOINT atrium_atomic");
        run(s, ATRIUM_SQ_SAVEPOINT_RELEASE, "RELEASE SAVEPOINT atrium_atomic");
    } else {
        run(s, ATRIUM_SQ_ATOMIC_ROLLBACK, "ROLLBACK");
    }
}

int atrium_sqlite_atomic_end(struct atrium_store_sqlite *s, bool nested, int r)
{
    if (r == 0) {
        if (nested)
            r = run(s, ATRIUM_SQ_SAVEPOINT_RELEASE, "RELEASE SAVEPOINT atrium_atomic");
        else if (sqlite3_get_autocommit(s->db))
            r = ATRIUM_ESTORE; /* rolled back under us */
        else
            r = run(s, ATRIUM_SQ_ATOMIC_COMMIT, "COMMIT");
        if (r == 0)
            return 0;
    }
    atomic_rollback(s, nested);
    return r;
}

int atrium_sqlite_get_row(sqlite3_stmt *st, atrium_sqlite_reader read, void *ret)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && read)
        read(st, ret);
    atrium_sqlite_reset(st);
    if (rc == SQLITE_DONE)
        return ATRIUM_ENOTFOUND;
    return rc == SQLITE_ROW ? 0 : atrium_sqlite_error(rc);
}

int atrium_sqlite_get_rows(sqlite3_stmt *st, atrium_sqlite_reader read, size_t size, void **items,
                           size_t *count)
{
    size_t cap = 0;
    int rc;

    *items = NULL;
    *count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow(items, &cap, *count, size);
        read(st, (char *)*items + *count * size);
        (*count)++;
    }
    atrium_sqlite_reset(st);
    return rc == SQLITE_DONE ? 0 : atrium_sqlite_error(rc);
}

int atrium_sqlite_get_page(struct atrium_store_sqlite *s, int id, const char *sql,
                           const char *tenant_id, const char *after_id, size_t limit,
                           atrium_sqlite_reader read, size_t size, void **items, size_t *count)
{
    sqlite3_stmt *st;
    *items = NULL;
    *count = 0;
    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, id, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, after_id ? after_id : "");
    atrium_sqlite_bind_limit(st, 3, limit);
    return atrium_sqlite_get_rows(st, read, size, items, count);
}

int atrium_sqlite_returning_row(sqlite3_stmt *st, atrium_sqlite_reader read, void *ret,
                                bool *ret_found)
{
    int rc = sqlite3_step(st);
    *ret_found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        read(st, ret);
        rc = sqlite3_step(st); /* run the statement to its end: at most one row */
    }
    atrium_sqlite_reset(st);
    return rc == SQLITE_DONE ? 0 : atrium_sqlite_error(rc);
}

const struct atrium_store_oauth_ops atrium_sqlite_oauth_ops = {
    .version = ATRIUM_STORE_OAUTH_OPS_VERSION,
    .app_insert = atrium_sqlite_app_insert,
    .app_get = atrium_sqlite_app_get,
    .app_get_by_app_id = atrium_sqlite_app_get_by_app_id,
    .app_find_global = atrium_sqlite_app_find_global,
    .app_list = atrium_sqlite_app_list,
    .app_update = atrium_sqlite_app_update,
    .app_delete = atrium_sqlite_app_delete,
    .app_password_insert = atrium_sqlite_app_password_insert,
    .app_password_delete = atrium_sqlite_app_password_delete,
    .app_password_list = atrium_sqlite_app_password_list,
    .sp_insert = atrium_sqlite_sp_insert,
    .sp_get = atrium_sqlite_sp_get,
    .sp_get_by_app_id = atrium_sqlite_sp_get_by_app_id,
    .sp_brief_by_app_id = atrium_sqlite_sp_brief_by_app_id,
    .sp_list = atrium_sqlite_sp_list,
    .sp_update = atrium_sqlite_sp_update,
    .sp_delete = atrium_sqlite_sp_delete,
    .app_role_assignment_insert = atrium_sqlite_ara_insert,
    .app_role_assignment_delete = atrium_sqlite_ara_delete,
    .app_role_assignments_of_principal = atrium_sqlite_ara_of_principal,
    .app_role_assignments_of_resource = atrium_sqlite_ara_of_resource,
    .grant_insert = atrium_sqlite_grant_insert,
    .grant_update_scope = atrium_sqlite_grant_update_scope,
    .grant_delete = atrium_sqlite_grant_delete,
    .grant_get = atrium_sqlite_grant_get,
    .grant_list = atrium_sqlite_grant_list,
    .code_insert = atrium_sqlite_code_insert,
    .code_redeem = atrium_sqlite_code_redeem,
    .refresh_insert = atrium_sqlite_refresh_insert,
    .refresh_use = atrium_sqlite_refresh_use,
    .refresh_revoke_family = atrium_sqlite_refresh_revoke_family,
    .refresh_revoke_user = atrium_sqlite_refresh_revoke_user,
    .device_insert = atrium_sqlite_device_insert,
    .device_get_by_user_code = atrium_sqlite_device_get_by_user_code,
    .device_decide = atrium_sqlite_device_decide,
    .device_poll = atrium_sqlite_device_poll,
    .session_insert = atrium_sqlite_session_insert,
    .session_get = atrium_sqlite_session_get,
    .session_delete = atrium_sqlite_session_delete,
    .session_delete_user = atrium_sqlite_session_delete_user,
    .signing_key_insert = atrium_sqlite_signing_key_insert,
    .signing_key_list = atrium_sqlite_signing_key_list,
    .signing_key_activate = atrium_sqlite_signing_key_activate,
    .lockout_get = atrium_sqlite_lockout_get,
    .lockout_put = atrium_sqlite_lockout_put,
    .name_lockout_get = atrium_sqlite_name_lockout_get,
    .name_lockout_put = atrium_sqlite_name_lockout_put,
    .signin_insert = atrium_sqlite_signin_insert,
    .signin_list = atrium_sqlite_signin_list,
    .signin_query = atrium_sqlite_signin_query,
    .purge = atrium_sqlite_purge,
};
