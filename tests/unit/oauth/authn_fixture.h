/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the sign-in service tests (test_authn.c, test_session.c,
 * test_code.c, test_device.c, test_password_change.c): a fresh SQLite store
 * under ATRIUM_TEST_TMP, two tenants, a secret hasher from a random master
 * key and a cheap Argon2id hasher (one slot, no queue, so a test can make it
 * "busy" by holding the slot). Store-backed tests skip while the store has
 * no sign-in tables (s->oauth NULL).
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/masterkey.h"
#include "crypto/pwhash.h"
#include "crypto/secret.h"
#include "oauth/oauth.h"
#include "store/store.h"
#include "store/store_oauth.h"

#define FX_PASSWORD "Blue-Harbor-Lantern-42"
#define FX_TENANT_NAME "Fabrikam Research"

struct fx_user {
    char id[ATRIUM_UUID_LEN + 1];
    char upn[160];
};

struct fx_tenant {
    char id[ATRIUM_UUID_LEN + 1];
    char domain[96];
};

struct fx {
    char *db_path;
    struct atrium_store *s;
    struct atrium_masterkey *mk;
    struct atrium_oauth o;
    struct fx_tenant t1, t2;
    struct fx_user alice; /* t1, enabled, FX_PASSWORD */
};

static inline void fx_new_tenant(struct atrium_store *s, struct fx_tenant *ret)
{
    char hex[17];
    atrium_random_hex(hex, 8);
    snprintf(ret->domain, sizeof(ret->domain), "t%s.atrium.localhost", hex);
    struct atrium_tenant t = {.display_name = FX_TENANT_NAME,
                              .country = "US",
                              .contact_email = "ops@example.com",
                              .initial_domain = ret->domain,
                              .created = atrium_now()};
    atrium_uuid_v4(t.id);
    assert_int_equal(s->ops->tenant_insert(s, &t), 0);
    struct atrium_domain d = {.name = ret->domain,
                              .is_initial = true,
                              .is_default = true,
                              .is_verified = true,
                              .created = t.created};
    assert_int_equal(s->ops->domain_insert(s, t.id, &d), 0);
    memcpy(ret->id, t.id, sizeof(t.id));
}

/* A user local@<tenant domain> with password (NULL: none). */
static inline void fx_new_user(struct fx *f, const struct fx_tenant *t, const char *local,
                               const char *password, bool enabled, bool force_change,
                               struct fx_user *ret)
{
    char *hash = NULL;
    if (password)
        assert_int_equal(atrium_pwhash_hash(f->o.hasher, password, &hash), 0);
    snprintf(ret->upn, sizeof(ret->upn), "%s@%s", local, t->domain);
    struct atrium_user u = {.upn = ret->upn,
                            .display_name = (char *)local,
                            .account_enabled = enabled,
                            .force_change_password = force_change,
                            .password_hash = hash,
                            .created = atrium_now(),
                            .password_changed = atrium_now()};
    atrium_uuid_v4(u.id);
    assert_int_equal(f->s->ops->user_insert(f->s, t->id, &u), 0);
    memcpy(ret->id, u.id, sizeof(u.id));
    free(hash);
}

static inline int fx_setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char hex[17];
    atrium_random_hex(hex, 8);
    f->db_path = xasprintf("%s/authn-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    struct atrium_errinfo e = {0};
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->db_path);
    assert_int_equal(atrium_store_open(uri, &f->s, &e), 0);
    int version = 0;
    assert_int_equal(atrium_store_migrate(f->s, &version), 0);
    f->mk = atrium_masterkey_generate();
    struct atrium_oauth_config cfg = ATRIUM_OAUTH_CONFIG_DEFAULT;
    cfg.public_url = "https://localhost:8443";
    f->o.cfg = cfg;
    assert_int_equal(atrium_secret_hasher_new(f->mk, &f->o.secrets), 0);
    struct atrium_pwhash_params p = {.memory_kib = 1024,
                                     .iterations = 1,
                                     .parallelism = 1,
                                     .max_concurrent = 1,
                                     .max_waiting = 0};
    assert_int_equal(atrium_pwhasher_new(&p, &f->o.hasher), 0);
    fx_new_tenant(f->s, &f->t1);
    fx_new_tenant(f->s, &f->t2);
    fx_new_user(f, &f->t1, "alice", FX_PASSWORD, true, false, &f->alice);
    atrium_clock_set_offset(0);
    *state = f;
    return 0;
}

static inline int fx_teardown(void **state)
{
    struct fx *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    atrium_clock_set_offset(0);
    atrium_store_close(f->s);
    atrium_pwhasher_free(f->o.hasher);
    atrium_secret_hasher_free(f->o.secrets);
    atrium_masterkey_free(f->mk);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *p = xasprintf("%s%s", f->db_path, suffixes[i]);
        unlink(p);
    }
    free(f->db_path);
    free(f);
    return 0;
}

/* Skip a store-backed test while the store has no sign-in tables yet. */
#define FX_REQUIRE_OAUTH_STORE(f)                                                                  \
    do {                                                                                           \
        if (!(f)->s->oauth)                                                                        \
            skip();                                                                                \
    } while (0)

/* A first-party-like client for code tests (no store look-up needed). */
static inline struct atrium_oauth_client fx_client(void)
{
    struct atrium_oauth_client c = {.is_public = true};
    snprintf(c.app_id, sizeof(c.app_id), "%s", "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    return c;
}
