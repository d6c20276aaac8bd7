/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: smart-lockout counters, of users (table lockouts, with a
 * foreign key to the user) and of names that are no user of the tenant
 * (table name_lockouts, keyed by a keyed hash of the name), whose writes
 * purge a bounded batch of stale rows so the table cannot grow without bound.
 */
#include "store/store_sqlite.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

#define LOCKOUT_COLUMNS                                                                            \
    "tenant_id, user_id, failed_count, last_bad_hash, last_failure, locked_until, lockout_count"
#define NAME_LOCKOUT_COLUMNS                                                                       \
    "tenant_id, name_key, failed_count, last_bad_hash, last_failure, locked_until, lockout_count"

static void read_lockout(sqlite3_stmt *st, void *ret)
{
    struct atrium_lockout *l = ret;
    memset(l, 0, sizeof(*l));
    atrium_sqlite_col_copy(st, 0, l->tenant_id, sizeof(l->tenant_id));
    atrium_sqlite_col_copy(st, 1, l->user_id, sizeof(l->user_id));
    l->failed_count = sqlite3_column_int(st, 2);
    atrium_sqlite_col_copy(st, 3, l->last_bad_hash, sizeof(l->last_bad_hash));
    l->last_failure = sqlite3_column_int64(st, 4);
    l->locked_until = sqlite3_column_int64(st, 5);
    l->lockout_count = sqlite3_column_int(st, 6);
}

/* A name's row: the same columns, the name key in place of the user id (left ""). */
static void read_name_lockout(sqlite3_stmt *st, void *ret)
{
    struct atrium_lockout *l = ret;
    read_lockout(st, ret);
    l->user_id[0] = '\0';
}

/* Bind the counters of l as ?3..?7 (after the two key columns). */
static int bind_counters(sqlite3_stmt *st, const struct atrium_lockout *l)
{
    int b = sqlite3_bind_int(st, 3, l->failed_count);
    b |= atrium_sqlite_bind_text(st, 4, l->last_bad_hash);
    b |= sqlite3_bind_int64(st, 5, l->last_failure);
    b |= sqlite3_bind_int64(st, 6, l->locked_until);
    b |= sqlite3_bind_int(st, 7, l->lockout_count);
    return b;
}

/* Run the bound single-row query st into ret; no row: a clean slate of tenant_id (0). */
static int get_or_zero(sqlite3_stmt *st, atrium_sqlite_reader read, const char *tenant_id,
                       const char *user_id, struct atrium_lockout *ret)
{
    int r = atrium_sqlite_get_row(st, read, ret);
    if (r != ATRIUM_ENOTFOUND)
        return r;
    memset(ret, 0, sizeof(*ret));
    snprintf(ret->tenant_id, sizeof(ret->tenant_id), "%s", tenant_id);
    snprintf(ret->user_id, sizeof(ret->user_id), "%s", user_id);
    return 0;
}

int atrium_sqlite_lockout_get(struct atrium_store *base, const char *tenant_id, const char *user_id,
                              struct atrium_lockout *ret)
{
    static const char sql[] = "SELECT " LOCKOUT_COLUMNS " FROM lockouts"
                              " WHERE tenant_id = ?1 AND user_id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0 || !user_id)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_LOCKOUT_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, user_id);
    return get_or_zero(st, read_lockout, tenant_id, user_id, ret);
}

int atrium_sqlite_lockout_put(struct atrium_store *base, const struct atrium_lockout *l)
{
    static const char sql[] =
        "INSERT INTO lockouts (" LOCKOUT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT (tenant_id, user_id) DO UPDATE SET failed_count = excluded.failed_count,"
        " last_bad_hash = excluded.last_bad_hash, last_failure = excluded.last_failure,"
        " locked_until = excluded.locked_until, lockout_count = excluded.lockout_count";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(l->tenant_id) < 0 || atrium_sqlite_check_id(l->user_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_LOCKOUT_PUT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, l->tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, l->user_id);
    b |= bind_counters(st, l);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    /* The foreign key to users: counters only for a user of the tenant (else ENOTFOUND). */
    return atrium_sqlite_step_done(st);
}

/* EINVAL unless name_key is a non-empty key that fits what the column is documented to hold. */
static int check_name_key(const char *name_key)
{
    if (atrium_sqlite_check_id(name_key) < 0 ||
        strnlen(name_key, ATRIUM_HASH_TEXT_MAX + 1) > ATRIUM_HASH_TEXT_MAX)
        return ATRIUM_EINVAL;
    return 0;
}

int atrium_sqlite_name_lockout_get(struct atrium_store *base, const char *tenant_id,
                                   const char *name_key, struct atrium_lockout *ret)
{
    static const char sql[] = "SELECT " NAME_LOCKOUT_COLUMNS " FROM name_lockouts"
                              " WHERE tenant_id = ?1 AND name_key = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0 || check_name_key(name_key) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_NAME_LOCKOUT_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, name_key);
    return get_or_zero(st, read_name_lockout, tenant_id, "", ret);
}

/* Delete at most ATRIUM_NAME_LOCKOUT_PURGE_MAX rows that are stale before stale_before. */
static int purge_stale_names(struct atrium_store_sqlite *s, int64_t stale_before)
{
    static const char sql[] = "DELETE FROM name_lockouts WHERE (tenant_id, name_key) IN"
                              " (SELECT tenant_id, name_key FROM name_lockouts"
                              " WHERE last_failure < ?1 AND locked_until < ?1 LIMIT ?2)";
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_NAME_LOCKOUT_PURGE, sql, &st);
    if (r < 0)
        return r;
    sqlite3_bind_int64(st, 1, stale_before);
    sqlite3_bind_int(st, 2, ATRIUM_NAME_LOCKOUT_PURGE_MAX);
    return atrium_sqlite_step_done(st);
}

static int upsert_name(struct atrium_store_sqlite *s, const char *tenant_id, const char *name_key,
                       const struct atrium_lockout *l)
{
    static const char sql[] =
        "INSERT INTO name_lockouts (" NAME_LOCKOUT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT (tenant_id, name_key) DO UPDATE SET failed_count = excluded.failed_count,"
        " last_bad_hash = excluded.last_bad_hash, last_failure = excluded.last_failure,"
        " locked_until = excluded.locked_until, lockout_count = excluded.lockout_count";
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_NAME_LOCKOUT_PUT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, name_key);
    b |= bind_counters(st, l);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    /* The foreign key to tenants: an unknown tenant is ENOTFOUND. */
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_name_lockout_put(struct atrium_store *base, const char *tenant_id,
                                   const char *name_key, const struct atrium_lockout *l,
                                   int64_t stale_before)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    bool nested;

    if (atrium_sqlite_check_id(tenant_id) < 0 || check_name_key(name_key) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_atomic_begin(s, &nested);
    if (r < 0)
        return r;
    r = purge_stale_names(s, stale_before);
    if (r == 0)
        r = upsert_name(s, tenant_id, name_key, l);
    return atrium_sqlite_atomic_end(s, nested, r);
}
