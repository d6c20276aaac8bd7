/* SPDX-License-Identifier: MIT */
/*
 * SQLite schema migrations: the numbered files of src/store/sql/sqlite/,
 * embedded at build time, applied in order, each in its own BEGIN IMMEDIATE
 * transaction that re-reads schema_version first, so two processes migrating
 * the same file at once apply each step exactly once.
 */
#include "store/store_sqlite.h"

#include <limits.h>
#include <string.h>

#include "core/clock.h"
#include "core/embed.h"
#include "core/err.h"
#include "core/str.h"

/* Generated from the .sql files of src/store/sql/sqlite/ by cmake/embed.cmake. */
extern const struct atrium_embedded_file atrium_sqlite_migrations[];

static const char sql_version_table[] = "CREATE TABLE IF NOT EXISTS schema_version ("
                                        " version INTEGER NOT NULL PRIMARY KEY,"
                                        " name TEXT NOT NULL,"
                                        " applied INTEGER NOT NULL)";

/* "0001_init.sql" -> 1. EINTERNAL for a file that does not follow the pattern. */
static int migration_number(const char *name, int *ret)
{
    char digits[10];
    int64_t v;
    size_t n = strspn(name, "0123456789");

    if (n == 0 || n >= sizeof(digits) || name[n] != '_')
        return ATRIUM_EINTERNAL;
    memcpy(digits, name, n);
    digits[n] = '\0';
    if (atrium_str_to_i64(digits, 1, INT_MAX, &v) < 0)
        return ATRIUM_EINTERNAL;
    *ret = (int)v;
    return 0;
}

static int current_version(sqlite3 *db, int *ret)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1, &st,
                                NULL);
    if (rc != SQLITE_OK)
        return atrium_sqlite_error(rc);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *ret = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : atrium_sqlite_error(rc);
}

static int record_version(sqlite3 *db, int number, const char *name)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        db, "INSERT INTO schema_version (version, name, applied) VALUES (?1, ?2, ?3)", -1, &st,
        NULL);
    if (rc != SQLITE_OK)
        return atrium_sqlite_error(rc);
    sqlite3_bind_int(st, 1, number);
    atrium_sqlite_bind_text(st, 2, name);
    sqlite3_bind_int64(st, 3, atrium_now());
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : atrium_sqlite_error(rc);
}

static int exec(sqlite3 *db, const char *sql)
{
    return atrium_sqlite_error(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

/* Apply one file unless the database already has it; *ret_version: version after. */
static int apply_one(sqlite3 *db, const struct atrium_embedded_file *f, int number,
                     int *ret_version)
{
    int version = 0;
    int r = exec(db, "BEGIN IMMEDIATE");
    if (r < 0)
        return r;
    r = exec(db, sql_version_table);
    if (r == 0)
        r = current_version(db, &version);
    if (r == 0 && version < number) {
        r = exec(db, f->text);
        if (r == 0)
            r = record_version(db, number, f->name);
        if (r == 0)
            version = number;
    }
    if (r == 0)
        r = exec(db, "COMMIT");
    if (r < 0) {
        if (!sqlite3_get_autocommit(db))
            exec(db, "ROLLBACK");
        return r == ATRIUM_EBUSY ? r : ATRIUM_ESTORE;
    }
    *ret_version = version;
    return 0;
}

int atrium_sqlite_migrate(struct atrium_store *base, int *ret_version)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    int version = 0, last = 0;

    if (s->in_txn || s->in_read)
        return ATRIUM_EINVAL;
    for (const struct atrium_embedded_file *f = atrium_sqlite_migrations; f->name; f++) {
        int number;
        int r = migration_number(f->name, &number);
        if (r < 0 || number <= last)
            return ATRIUM_EINTERNAL; /* misnamed or duplicate file in the source tree */
        r = apply_one(s->db, f, number, &version);
        if (r < 0)
            return r;
        last = number;
    }
    if (last == 0) {
        int r = exec(s->db, sql_version_table);
        if (r == 0)
            r = current_version(s->db, &version);
        if (r < 0)
            return r;
    }
    if (version > last)
        return ATRIUM_ESTORE; /* the database is newer than this binary */
    if (ret_version)
        *ret_version = version;
    return 0;
}
