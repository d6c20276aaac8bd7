/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the store_oauth.h contract suites (test_store_oauth_contract.c,
 * test_store_token_contract.c): written against store.h / store_oauth.h
 * only, so any backend can be checked. The store comes from
 * ATRIUM_TEST_STORE_URI, or a fresh SQLite file under ATRIUM_TEST_TMP (or
 * /tmp); a second pass runs on "sqlite::memory:". Tests never assume an
 * empty database: tenants, ids and names are random. Include it once, after
 * <cmocka.h>.
 */
#pragma once

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "model/builtin_apps.h"
#include "store/store.h"
#include "store/store_builtin.h"
#include "store/store_oauth.h"

#define T0 1700000000 /* a fixed creation time */

static const char *g_uri;     /* the store of the current pass */
static const char *g_tmp_dir; /* where fresh SQLite files go */

/* A second handle on the same database is only possible for shared stores. */
static inline bool uri_is_private(void)
{
    return strcmp(g_uri, "sqlite::memory:") == 0 || strcmp(g_uri, ":memory:") == 0;
}

static inline void remove_sqlite_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *f = xasprintf("%s%s", path, suffixes[i]);
        unlink(f);
    }
}

/* A fresh, unique SQLite file path under the test directory; caller owns. */
static inline char *fresh_sqlite_path(const char *tag)
{
    char hex[17];
    atrium_random_hex(hex, 8);
    return xasprintf("%s/store-%s-%ld-%s.db", g_tmp_dir, tag, (long)getpid(), hex);
}

static inline struct atrium_store *open_store(const char *uri)
{
    struct atrium_errinfo e = {0};
    struct atrium_store *s = NULL;
    int version = 0;
    assert_int_equal(atrium_store_open(uri, &s, &e), 0);
    assert_non_null(s);
    assert_non_null(s->oauth);
    assert_int_equal(s->oauth->version, ATRIUM_STORE_OAUTH_OPS_VERSION);
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    assert_true(version >= 2);
    return s;
}

static inline int setup(void **state)
{
    *state = open_store(g_uri);
    return 0;
}

static inline int teardown(void **state)
{
    atrium_store_close(*state);
    return 0;
}

/* Insert a tenant with a random id and its initial domain. */
static inline void new_tenant(struct atrium_store *s, char id[ATRIUM_UUID_LEN + 1])
{
    char hex[17];
    atrium_random_hex(hex, 8);
    AUTO_FREE char *domain = xasprintf("t%s.atrium.localhost", hex);
    struct atrium_tenant t = {
        .display_name = "Contoso", .country = "US", .initial_domain = domain, .created = T0};
    atrium_uuid_v4(t.id);
    assert_int_equal(s->ops->tenant_insert(s, &t), 0);
    memcpy(id, t.id, sizeof(t.id));
}

static inline void new_user(struct atrium_store *s, const char *tenant_id,
                            char id[ATRIUM_UUID_LEN + 1])
{
    char hex[17];
    atrium_random_hex(hex, 8);
    AUTO_FREE char *upn = xasprintf("u%s@contoso.example", hex);
    struct atrium_user u = {.upn = upn,
                            .display_name = "Alice",
                            .account_enabled = true,
                            .created = T0,
                            .password_changed = T0};
    atrium_uuid_v4(u.id);
    assert_int_equal(s->ops->user_insert(s, tenant_id, &u), 0);
    memcpy(id, u.id, sizeof(u.id));
}

/* A random token hash (what crypto/secret.h would store). */
static inline void random_hash(char out[ATRIUM_HASH_TEXT_MAX + 1])
{
    atrium_random_hex(out, 21); /* 42 characters, like a base64url SHA-256 */
}

static inline void copy_id(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

/* Run the group on the configured store, then on "sqlite::memory:". */
static inline int run_passes(const struct CMUnitTest *tests, size_t count, const char *tag)
{
    const char *env_uri = getenv("ATRIUM_TEST_STORE_URI");
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    AUTO_FREE char *path = NULL;
    AUTO_FREE char *file_uri = NULL;
    int failed = 0;

    g_tmp_dir = tmp && *tmp ? tmp : "/tmp";
    if (env_uri && *env_uri) {
        g_uri = env_uri;
    } else {
        path = fresh_sqlite_path(tag);
        file_uri = xasprintf("sqlite:%s", path);
        g_uri = file_uri;
    }
    failed += _cmocka_run_group_tests(g_uri, tests, count, NULL, NULL);
    g_uri = "sqlite::memory:";
    failed += _cmocka_run_group_tests(g_uri, tests, count, NULL, NULL);
    if (path)
        remove_sqlite_files(path);
    return failed ? 1 : 0;
}
