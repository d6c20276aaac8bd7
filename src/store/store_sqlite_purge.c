/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: the periodic purge of sign-in records that can never be
 * used again (store_oauth.h purge), a maintenance operation across tenants.
 * Each call is one DELETE of at most `limit` rows, chosen through the index
 * on the row's time (0002 for the expiries, 0008 for the sign-in log) and
 * deleted by rowid, so a batch never scans a table nor holds the write lock
 * for longer than its own rows take.
 */
#include "store/store_sqlite.h"

#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"

#define PURGE_SQL(table, column)                                                                   \
    "DELETE FROM " table " WHERE rowid IN (SELECT rowid FROM " table " WHERE " column " < ?1"      \
    " LIMIT ?2)"

/* One statement per kind, in the order of enum atrium_purge_kind. */
static const char *const purge_sql[ATRIUM_PURGE__COUNT] = {
    [ATRIUM_PURGE_CODES] = PURGE_SQL("auth_codes", "expires"),
    [ATRIUM_PURGE_DEVICE_CODES] = PURGE_SQL("device_codes", "expires"),
    [ATRIUM_PURGE_REFRESH_TOKENS] = PURGE_SQL("refresh_tokens", "expires"),
    [ATRIUM_PURGE_SESSIONS] = PURGE_SQL("sessions", "expires"),
    [ATRIUM_PURGE_SIGNIN_EVENTS] = PURGE_SQL("signin_events", "created"),
};

static bool kind_ok(enum atrium_purge_kind kind)
{
    return (int)kind >= 0 && kind < ATRIUM_PURGE__COUNT;
}

int atrium_sqlite_purge(struct atrium_store *base, enum atrium_purge_kind kind, int64_t before,
                        size_t limit, size_t *ret_count)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (ret_count)
        *ret_count = 0;
    if (!kind_ok(kind) || limit == 0 || limit > ATRIUM_PURGE_BATCH_MAX)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_PURGE_CODES + (int)kind, purge_sql[kind], &st);
    if (r < 0)
        return r;
    sqlite3_bind_int64(st, 1, before);
    atrium_sqlite_bind_limit(st, 2, limit);
    r = atrium_sqlite_step_done(st);
    if (r == 0 && ret_count)
        *ret_count = (size_t)sqlite3_changes(s->db);
    return r;
}

int atrium_sqlite_purge_plan(struct atrium_store *base, enum atrium_purge_kind kind, char **ret)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st = NULL;
    char sql[256];

    if (!kind_ok(kind))
        return ATRIUM_EINVAL;
    snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", purge_sql[kind]);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return atrium_sqlite_error(rc);
    struct atrium_buf out;
    atrium_buf_init(&out, 4096);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        atrium_buf_printf(&out, "%s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    int r = rc == SQLITE_DONE ? 0 : atrium_sqlite_error(rc);
    if (r == 0)
        *ret = atrium_buf_take(&out);
    atrium_buf_release(&out);
    return r;
}
