/* SPDX-License-Identifier: MIT */
/*
 * SQLite only: a database created by an older binary upgrades. The test
 * builds a database at schema version 1 exactly as the migration runner
 * left it (the first embedded file plus its schema_version row), fills it
 * through the store, then migrates with the full set and checks the data
 * survived and the new tables work.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/embed.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "store/store_builtin.h"
#include "store/store_oauth.h"

#define T0 1700000000

extern const struct atrium_embedded_file atrium_sqlite_migrations[];

static char *g_path;

static void remove_sqlite_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *f = xasprintf("%s%s", path, suffixes[i]);
        unlink(f);
    }
}

static int setup(void **state)
{
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char hex[17];
    atrium_random_hex(hex, 8);
    g_path =
        xasprintf("%s/store-upgrade-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    return 0;
}

static int teardown(void **state)
{
    remove_sqlite_files(g_path);
    g_path = xfree(g_path);
    return 0;
}

/* The schema version after every embedded file: the number of the last one (numbers may skip). */
static size_t migration_count(void)
{
    size_t n = 0;
    while (atrium_sqlite_migrations[n].name)
        n++;
    return n ? (size_t)strtoul(atrium_sqlite_migrations[n - 1].name, NULL, 10) : 0;
}

/* What the runner leaves after applying only the first file. */
static void create_v1(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_string_equal(atrium_sqlite_migrations[0].name, "0001_init.sql");
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA journal_mode=WAL; BEGIN;"
                                  " CREATE TABLE IF NOT EXISTS schema_version ("
                                  " version INTEGER NOT NULL PRIMARY KEY,"
                                  " name TEXT NOT NULL, applied INTEGER NOT NULL);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, atrium_sqlite_migrations[0].text, NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO schema_version VALUES (1, '0001_init.sql', 1);"
                                  " COMMIT;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}

/* A user row as the v1 binary wrote it (the v1 columns only). */
static void insert_v1_user(const char *path, const char *tenant_id, const char *user_id)
{
    sqlite3 *db = NULL;
    AUTO_FREE char *sql =
        xasprintf("INSERT INTO users (tenant_id, id, upn, upn_lower, display_name, account_enabled,"
                  " force_change_password, created, password_changed) VALUES ('%s', '%s',"
                  " 'old@old.example', 'old@old.example', 'Old', 1, 0, %d, %d)",
                  tenant_id, user_id, T0, T0);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_upgrade_from_v1(void **state)
{
    struct atrium_store *s = NULL;
    struct atrium_tenant t = {.display_name = "Old", .country = "US", .created = T0};
    struct atrium_user u = {.upn = "old@old.example",
                            .display_name = "Old",
                            .account_enabled = true,
                            .created = T0,
                            .password_changed = T0};
    struct atrium_tenant got = {0};
    int version = 0;

    assert_true(migration_count() >= 2);
    create_v1(g_path);

    /* The v1 ops work on the v1 schema (the user as the v1 binary stored it). */
    assert_int_equal(atrium_store_open(g_path, &s, NULL), 0);
    atrium_uuid_v4(t.id);
    atrium_uuid_v4(u.id);
    t.initial_domain = "old.example";
    assert_int_equal(s->ops->tenant_insert(s, &t), 0);
    atrium_store_close(s);
    insert_v1_user(g_path, t.id, u.id);

    /* Upgrade with the full set; idempotent afterwards. */
    assert_int_equal(atrium_store_open(g_path, &s, NULL), 0);
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    assert_int_equal(version, (int)migration_count());
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    assert_int_equal(version, (int)migration_count());
    assert_int_equal(s->ops->tenant_get(s, t.id, &got), 0);
    assert_string_equal(got.display_name, "Old");
    atrium_tenant_release(&got);
    /* The v1 user reads back through today's ops: active, no profile extras yet. */
    struct atrium_user back = {0};
    assert_int_equal(s->ops->user_get_by_upn(s, t.id, "OLD@old.example", &back), 0);
    assert_string_equal(back.id, u.id);
    assert_int_equal(back.deleted, 0);
    assert_null(back.attrs[ATRIUM_USER_ATTR_MAIL_NICKNAME]);
    atrium_user_release(&back);

    /* The new tables, with foreign keys to the old ones. */
    assert_int_equal(atrium_store_ensure_builtin_principals(s, t.id), 0);
    struct atrium_auth_code c = {
        .redirect_uri = "http://localhost", .scope = "openid", .created = T0, .expires = T0 + 60};
    snprintf(c.code_hash, sizeof(c.code_hash), "%s", "hash");
    snprintf(c.tenant_id, sizeof(c.tenant_id), "%s", t.id);
    snprintf(c.client_id, sizeof(c.client_id), "%s", "client");
    snprintf(c.user_id, sizeof(c.user_id), "%s", u.id);
    snprintf(c.family_id, sizeof(c.family_id), "%s", "family");
    assert_int_equal(s->oauth->code_insert(s, &c), 0);
    struct atrium_auth_code r = {0};
    assert_int_equal(s->oauth->code_redeem(s, t.id, "hash", T0, &r), 0);
    assert_string_equal(r.user_id, u.id);
    atrium_auth_code_release(&r);
    atrium_store_close(s);
}

/* A database newer than the binary is refused. */
static void test_refuses_newer_schema(void **state)
{
    struct atrium_store *s = NULL;
    sqlite3 *db = NULL;
    int version = 0;

    assert_int_equal(atrium_store_open(g_path, &s, NULL), 0);
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    atrium_store_close(s);
    assert_int_equal(sqlite3_open(g_path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "INSERT INTO schema_version VALUES (9999, 'future', 1)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(atrium_store_open(g_path, &s, NULL), 0);
    assert_int_equal(atrium_store_migrate(s, &version), ATRIUM_ESTORE);
    atrium_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upgrade_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_newer_schema, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
