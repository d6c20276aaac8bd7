/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend: opening a connection with the durability settings
 * (WAL, synchronous=FULL, foreign keys, busy timeout), the statement cache,
 * error mapping, transactions, and the ops table. The per-object operations
 * live in store_sqlite_tenant.c, store_sqlite_user.c, store_sqlite_group.c,
 * those of store_oauth.h in store_sqlite_oauth.c and the files it names,
 * migrations in store_sqlite_migrate.c.
 */
#include "store/store_sqlite.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "store/store_backend.h"

#define ATRIUM_SQLITE_BUSY_TIMEOUT_MS 5000

int atrium_sqlite_stmt(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt id, const char *sql,
                       sqlite3_stmt **ret)
{
    if (!s->stmts[id]) {
        int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmts[id], NULL);
        if (rc != SQLITE_OK) {
            s->stmts[id] = NULL;
            return ATRIUM_ESTORE;
        }
    }
    /* Every statement comes through here: the one place that keeps writes out of a snapshot. */
    if (s->in_read && !sqlite3_stmt_readonly(s->stmts[id]))
        return ATRIUM_EINTERNAL;
    *ret = s->stmts[id];
    return 0;
}

void atrium_sqlite_reset(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

int atrium_sqlite_error(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return 0;
    case SQLITE_CONSTRAINT:
        switch (rc) {
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return ATRIUM_ENOTFOUND; /* the parent (tenant, group) is not there */
        case SQLITE_CONSTRAINT_NOTNULL:
        case SQLITE_CONSTRAINT_CHECK:
            return ATRIUM_EINVAL; /* a required member was missing */
        default:
            return ATRIUM_ECONFLICT;
        }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ATRIUM_EBUSY;
    default:
        return ATRIUM_ESTORE;
    }
}

int atrium_sqlite_step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    atrium_sqlite_reset(st);
    if (rc == SQLITE_DONE)
        return 0;
    return rc == SQLITE_ROW ? ATRIUM_EINTERNAL : atrium_sqlite_error(rc);
}

int atrium_sqlite_step_changed(struct atrium_store_sqlite *s, sqlite3_stmt *st)
{
    int r = atrium_sqlite_step_done(st);
    if (r == 0 && sqlite3_changes(s->db) == 0)
        return ATRIUM_ENOTFOUND;
    return r;
}

bool atrium_sqlite_bind_failed(sqlite3_stmt *st, int b)
{
    if (b == SQLITE_OK)
        return false;
    atrium_sqlite_reset(st);
    return true;
}

int atrium_sqlite_bind_text(sqlite3_stmt *st, int idx, const char *v)
{
    return sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC);
}

int atrium_sqlite_bind_limit(sqlite3_stmt *st, int idx, size_t limit)
{
    return sqlite3_bind_int64(st, idx, limit > INT64_MAX ? INT64_MAX : (sqlite3_int64)limit);
}

char *atrium_sqlite_col_dup(sqlite3_stmt *st, int col)
{
    return xstrdup((const char *)sqlite3_column_text(st, col));
}

void atrium_sqlite_col_copy(sqlite3_stmt *st, int col, char *dst, size_t size)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", v ? v : "");
}

bool atrium_sqlite_col_bool(sqlite3_stmt *st, int col)
{
    return sqlite3_column_int(st, col) != 0;
}

void atrium_sqlite_grow(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return;
    *cap = *cap ? *cap * 2 : 16;
    *items = xrealloc(*items, *cap * size);
}

int atrium_sqlite_check_id(const char *id)
{
    return id && *id ? 0 : ATRIUM_EINVAL;
}

int atrium_sqlite_check_tenant(const char *struct_tenant_id, const char *tenant_id)
{
    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (struct_tenant_id[0] && strcmp(struct_tenant_id, tenant_id) != 0)
        return ATRIUM_EINVAL;
    return 0;
}

static void sqlite_close(struct atrium_store *base)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    for (size_t i = 0; i < ATRIUM_SQ__MAX; i++)
        sqlite3_finalize(s->stmts[i]);
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(s->db);
    xfree(s);
}

static int sqlite_ping(struct atrium_store *base)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    /* Reads the schema page, so it takes a read lock on the actual file. */
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_PING, "SELECT COUNT(*) FROM sqlite_schema", &st);
    if (r < 0)
        return r;
    int rc = sqlite3_step(st);
    atrium_sqlite_reset(st);
    return rc == SQLITE_ROW ? 0 : atrium_sqlite_error(rc);
}

static int run_simple(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt id, const char *sql)
{
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, id, sql, &st);
    return r < 0 ? r : atrium_sqlite_step_done(st);
}

static int sqlite_begin(struct atrium_store *base)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    if (s->in_txn || s->in_read)
        return ATRIUM_EINVAL; /* transactions do not nest */
    int r = run_simple(s, ATRIUM_SQ_BEGIN, "BEGIN IMMEDIATE");
    if (r == 0)
        s->in_txn = true;
    return r;
}

static int sqlite_commit(struct atrium_store *base)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    if (!s->in_txn)
        return ATRIUM_EINVAL;
    if (sqlite3_get_autocommit(s->db)) {
        /* SQLite rolled the transaction back itself after an error. */
        s->in_txn = false;
        return ATRIUM_ESTORE;
    }
    int r = run_simple(s, ATRIUM_SQ_COMMIT, "COMMIT");
    s->in_txn = !sqlite3_get_autocommit(s->db);
    return r;
}

static int sqlite_rollback(struct atrium_store *base)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    if (!s->in_txn || sqlite3_get_autocommit(s->db)) {
        s->in_txn = false;
        return 0; /* nothing open: rollback is idempotent for cleanup paths */
    }
    int r = run_simple(s, ATRIUM_SQ_ROLLBACK, "ROLLBACK");
    s->in_txn = !sqlite3_get_autocommit(s->db);
    return r;
}

/*
 * A deferred BEGIN: the read transaction (the WAL snapshot) starts at the
 * first read and is then shared by every statement until end_read. Writes are
 * refused meanwhile (atrium_sqlite_stmt, atrium_sqlite_atomic_begin) rather
 * than let SQLite upgrade the snapshot to a write transaction, which would
 * fail with SQLITE_BUSY_SNAPSHOT once another connection has committed, or
 * leave the write to be committed by end_read.
 */
static int sqlite_begin_read(struct atrium_store *base)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    if (s->in_txn || s->in_read || !sqlite3_get_autocommit(s->db))
        return ATRIUM_EINVAL; /* no nesting, with a snapshot or a write transaction */
    int r = run_simple(s, ATRIUM_SQ_READ_BEGIN, "BEGIN DEFERRED");
    if (r == 0)
        s->in_read = true;
    return r;
}

static int sqlite_end_read(struct atrium_store *base)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    if (!s->in_read)
        return 0; /* nothing open: harmless, for cleanup paths */
    s->in_read = false;
    if (sqlite3_get_autocommit(s->db))
        return 0; /* SQLite ended it after an error; the reads reported theirs */
    int r = run_simple(s, ATRIUM_SQ_COMMIT, "COMMIT");
    /* Never leave a pooled handle inside a stale snapshot. */
    if (!sqlite3_get_autocommit(s->db))
        run_simple(s, ATRIUM_SQ_ROLLBACK, "ROLLBACK");
    return r;
}

static const struct atrium_store_ops sqlite_ops = {
    .version = ATRIUM_STORE_OPS_VERSION,
    .name = "sqlite",
    .close = sqlite_close,
    .ping = sqlite_ping,
    .migrate = atrium_sqlite_migrate,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .begin_read = sqlite_begin_read,
    .end_read = sqlite_end_read,
    .tenant_insert = atrium_sqlite_tenant_insert,
    .tenant_get = atrium_sqlite_tenant_get,
    .tenant_list = atrium_sqlite_tenant_list,
    .domain_insert = atrium_sqlite_domain_insert,
    .domain_list = atrium_sqlite_domain_list,
    .domain_find_verified = atrium_sqlite_domain_find_verified,
    .user_insert = atrium_sqlite_user_insert,
    .user_get = atrium_sqlite_user_get,
    .user_get_by_upn = atrium_sqlite_user_get_by_upn,
    .user_list = atrium_sqlite_user_list,
    .user_set_password = atrium_sqlite_user_set_password,
    .group_insert = atrium_sqlite_group_insert,
    .group_get = atrium_sqlite_group_get,
    .group_member_add = atrium_sqlite_group_member_add,
    .group_member_ids = atrium_sqlite_group_member_ids,
    .role_assign = atrium_sqlite_role_assign,
    .role_assignments_for = atrium_sqlite_role_assignments_for,
    .domain_get = atrium_sqlite_domain_get,
    .domain_set_verified = atrium_sqlite_domain_set_verified,
    .domain_set_default = atrium_sqlite_domain_set_default,
    .domain_delete = atrium_sqlite_domain_delete,
    .domain_usage = atrium_sqlite_domain_usage,
    .group_list = atrium_sqlite_group_list,
    .group_update = atrium_sqlite_group_update,
    .group_delete = atrium_sqlite_group_delete,
    .group_member_remove = atrium_sqlite_group_member_remove,
    .group_member_page = atrium_sqlite_group_member_page,
    .group_memberships_of = atrium_sqlite_group_memberships_of,
    .group_owner_add = atrium_sqlite_group_owner_add,
    .group_owner_remove = atrium_sqlite_group_owner_remove,
    .group_owner_page = atrium_sqlite_group_owner_page,
    .directory_object_unlink = atrium_sqlite_directory_object_unlink,
    .role_assignment_get = atrium_sqlite_role_assignment_get,
    .role_assignment_delete = atrium_sqlite_role_assignment_delete,
    .role_assignment_list = atrium_sqlite_role_assignment_list,
    .directory_role_activate = atrium_sqlite_directory_role_activate,
    .directory_role_active = atrium_sqlite_directory_role_active,
    .audit_insert = atrium_sqlite_audit_insert,
    .audit_get = atrium_sqlite_audit_get,
    .audit_list = atrium_sqlite_audit_list,
    .user_update = atrium_sqlite_user_update,
    .user_query = atrium_sqlite_user_query,
    .user_get_deleted = atrium_sqlite_user_get_deleted,
    .user_soft_delete = atrium_sqlite_user_soft_delete,
    .user_restore = atrium_sqlite_user_restore,
    .user_purge = atrium_sqlite_user_purge,
    .user_expired = atrium_sqlite_user_expired,
    .tenant_notification_mails = atrium_sqlite_tenant_notification_mails,
    .tenant_update_profile = atrium_sqlite_tenant_update_profile,
};

/* Run a PRAGMA and copy the first column of its first row (may be empty). */
static int pragma(sqlite3 *db, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    out[0] = '\0';
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        atrium_sqlite_col_copy(st, 0, out, size);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Apply and verify the connection settings; the database refuses to run without them. */
static int configure(sqlite3 *db, bool memory, struct atrium_errinfo *e)
{
    char v[32];
    int rc;

    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, ATRIUM_SQLITE_BUSY_TIMEOUT_MS);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);

    rc = pragma(db, "PRAGMA journal_mode=WAL", v, sizeof(v));
    if (rc != SQLITE_OK)
        return atrium_err(e, atrium_sqlite_error(rc), "", "cannot set WAL mode: %s",
                          sqlite3_errmsg(db));
    if (strcmp(v, memory ? "memory" : "wal") != 0)
        return atrium_err(e, ATRIUM_ESTORE, "", "database refused WAL mode (got \"%s\")", v);

    rc = pragma(db, "PRAGMA synchronous=FULL", v, sizeof(v));
    if (rc == SQLITE_OK)
        rc = pragma(db, "PRAGMA synchronous", v, sizeof(v));
    if (rc != SQLITE_OK || strcmp(v, "2") != 0)
        return atrium_err(e, ATRIUM_ESTORE, "", "cannot set synchronous=FULL");

    rc = pragma(db, "PRAGMA foreign_keys=ON", v, sizeof(v));
    if (rc == SQLITE_OK)
        rc = pragma(db, "PRAGMA foreign_keys", v, sizeof(v));
    if (rc != SQLITE_OK || strcmp(v, "1") != 0)
        return atrium_err(e, ATRIUM_ESTORE, "", "cannot enable foreign keys");
    if (atrium_sqlite_user_functions(db) != SQLITE_OK)
        return atrium_err(e, ATRIUM_ESTORE, "", "cannot register the SQL functions");
    return 0;
}

int atrium_store_sqlite_open(const char *path, struct atrium_store **ret, struct atrium_errinfo *e)
{
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    sqlite3 *db = NULL;
    bool memory = strcmp(path, ":memory:") == 0;

    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        int r = atrium_err(e, ATRIUM_ESTORE, "", "cannot open database %s: %s", path,
                           db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return r;
    }
    int r = configure(db, memory, e);
    if (r < 0) {
        sqlite3_close(db);
        return r;
    }
    struct atrium_store_sqlite *s = xcalloc(1, sizeof(*s));
    s->base.ops = &sqlite_ops;
    s->base.oauth = &atrium_sqlite_oauth_ops;
    s->db = db;
    *ret = &s->base;
    return 0;
}
