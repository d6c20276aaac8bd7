/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: users. The UPN is kept as entered and matched through the
 * upn_lower column (ASCII-folded), which carries the per-tenant uniqueness.
 * Every statement filters by tenant_id.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"

#define USER_COLUMNS                                                                               \
    "tenant_id, id, upn, display_name, given_name, surname, mail, job_title,"                      \
    " account_enabled, force_change_password, password_hash, created, password_changed"

static void read_user(sqlite3_stmt *st, struct atrium_user *u)
{
    memset(u, 0, sizeof(*u));
    atrium_sqlite_col_copy(st, 0, u->tenant_id, sizeof(u->tenant_id));
    atrium_sqlite_col_copy(st, 1, u->id, sizeof(u->id));
    u->upn = atrium_sqlite_col_dup(st, 2);
    u->display_name = atrium_sqlite_col_dup(st, 3);
    u->given_name = atrium_sqlite_col_dup(st, 4);
    u->surname = atrium_sqlite_col_dup(st, 5);
    u->mail = atrium_sqlite_col_dup(st, 6);
    u->job_title = atrium_sqlite_col_dup(st, 7);
    u->account_enabled = atrium_sqlite_col_bool(st, 8);
    u->force_change_password = atrium_sqlite_col_bool(st, 9);
    u->password_hash = atrium_sqlite_col_dup(st, 10);
    u->created = sqlite3_column_int64(st, 11);
    u->password_changed = sqlite3_column_int64(st, 12);
}

/* Step a bound single-row query into *ret; ENOTFOUND when there is no row. */
static int get_one(sqlite3_stmt *st, struct atrium_user *ret)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_user(st, ret);
    atrium_sqlite_reset(st);
    if (rc == SQLITE_DONE)
        return ATRIUM_ENOTFOUND;
    return rc == SQLITE_ROW ? 0 : atrium_sqlite_error(rc);
}

int atrium_sqlite_user_insert(struct atrium_store *base, const char *tenant_id,
                              const struct atrium_user *u)
{
    static const char sql[] =
        "INSERT INTO users (tenant_id, id, upn, upn_lower, display_name, given_name, surname,"
        " mail, job_title, account_enabled, force_change_password, password_hash, created,"
        " password_changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *upn_lower = NULL;

    if (atrium_sqlite_check_tenant(u->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(u->id) < 0 || !u->upn)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_INSERT, sql, &st);
    if (r < 0)
        return r;
    upn_lower = atrium_str_lower(xstrdup(u->upn));
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, u->id);
    b |= atrium_sqlite_bind_text(st, 3, u->upn);
    b |= atrium_sqlite_bind_text(st, 4, upn_lower);
    b |= atrium_sqlite_bind_text(st, 5, u->display_name);
    b |= atrium_sqlite_bind_text(st, 6, u->given_name);
    b |= atrium_sqlite_bind_text(st, 7, u->surname);
    b |= atrium_sqlite_bind_text(st, 8, u->mail);
    b |= atrium_sqlite_bind_text(st, 9, u->job_title);
    b |= sqlite3_bind_int(st, 10, u->account_enabled);
    b |= sqlite3_bind_int(st, 11, u->force_change_password);
    b |= atrium_sqlite_bind_text(st, 12, u->password_hash);
    b |= sqlite3_bind_int64(st, 13, u->created);
    b |= sqlite3_bind_int64(st, 14, u->password_changed);
    if (b != SQLITE_OK) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_user_get(struct atrium_store *base, const char *tenant_id, const char *user_id,
                           struct atrium_user *ret)
{
    static const char sql[] = "SELECT " USER_COLUMNS " FROM users"
                              " WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(user_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, user_id);
    return get_one(st, ret);
}

int atrium_sqlite_user_get_by_upn(struct atrium_store *base, const char *tenant_id, const char *upn,
                                  struct atrium_user *ret)
{
    static const char sql[] = "SELECT " USER_COLUMNS " FROM users"
                              " WHERE tenant_id = ?1 AND upn_lower = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *lower = NULL;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (!upn || !*upn)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_GET_BY_UPN, sql, &st);
    if (r < 0)
        return r;
    lower = atrium_str_lower(xstrdup(upn));
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, lower);
    return get_one(st, ret);
}

int atrium_sqlite_user_list(struct atrium_store *base, const char *tenant_id, const char *after_id,
                            size_t limit, struct atrium_user_list *ret)
{
    /* Keyset paging on the primary key; after_id "" sorts before every id. */
    static const char sql[] = "SELECT " USER_COLUMNS " FROM users"
                              " WHERE tenant_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_user_list l = {0};
    size_t cap = 0;
    sqlite3_stmt *st;
    int rc;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_LIST, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, after_id ? after_id : "");
    atrium_sqlite_bind_limit(st, 3, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&l.items, &cap, l.count, sizeof(*l.items));
        read_user(st, &l.items[l.count++]);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        atrium_user_list_release(&l);
        return atrium_sqlite_error(rc);
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_user_set_password(struct atrium_store *base, const char *tenant_id,
                                    const char *user_id, const char *password_hash,
                                    bool force_change, int64_t changed)
{
    static const char sql[] = "UPDATE users SET password_hash = ?3, force_change_password = ?4,"
                              " password_changed = ?5 WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(user_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_SET_PASSWORD, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, user_id);
    b |= atrium_sqlite_bind_text(st, 3, password_hash);
    b |= sqlite3_bind_int(st, 4, force_change);
    b |= sqlite3_bind_int64(st, 5, changed);
    if (b != SQLITE_OK) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    r = atrium_sqlite_step_done(st);
    if (r == 0 && sqlite3_changes(s->db) == 0)
        return ATRIUM_ENOTFOUND;
    return r;
}
