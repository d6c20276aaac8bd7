/* SPDX-License-Identifier: MIT */
/*
 * The store_oauth.h contract, part 2: what sign-in persists. Single use of
 * authorization codes, refresh tokens and approved device codes (also under
 * 20 concurrent redeemers, each on its own pooled handle), expiry, family
 * revocation, the device flow's states, sessions (one by one and all of a
 * user's), signing keys, lockout counters of users and of unknown names
 * (with the bounded purge of stale ones), the sign-in log, and tenant
 * isolation of all of it.
 * Backend-agnostic (oauth_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "oauth_fixture.h"

#define RACE_N 20

static struct atrium_auth_code code_template(const char *t, const char *user)
{
    struct atrium_auth_code c = {.redirect_uri = "http://localhost/cb",
                                 .scope = "openid User.Read",
                                 .code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                                 .auth_time = T0 - 5,
                                 .created = T0,
                                 .expires = T0 + 600};
    random_hash(c.code_hash);
    copy_id(c.tenant_id, sizeof(c.tenant_id), t);
    atrium_uuid_v4(c.client_id);
    copy_id(c.user_id, sizeof(c.user_id), user);
    atrium_uuid_v4(c.family_id);
    return c;
}

static struct atrium_refresh_token refresh_template(const char *t, const char *user,
                                                    const char *family)
{
    struct atrium_refresh_token r = {
        .scope = "openid offline_access", .auth_time = T0, .created = T0, .expires = T0 + 3600};
    random_hash(r.token_hash);
    copy_id(r.tenant_id, sizeof(r.tenant_id), t);
    copy_id(r.user_id, sizeof(r.user_id), user);
    atrium_uuid_v4(r.client_id);
    copy_id(r.family_id, sizeof(r.family_id), family);
    return r;
}

static struct atrium_device_code device_template(const char *t, const char *user_code)
{
    struct atrium_device_code d = {
        .scope = "User.Read", .status = ATRIUM_DEVICE_PENDING, .created = T0, .expires = T0 + 900};
    random_hash(d.device_code_hash);
    copy_id(d.user_code, sizeof(d.user_code), user_code);
    copy_id(d.tenant_id, sizeof(d.tenant_id), t);
    atrium_uuid_v4(d.client_id);
    return d;
}

/* A user code unlikely to exist yet: "ABCD-1234" shaped, random. */
static void random_user_code(char out[16])
{
    char hex[9];
    atrium_random_hex(hex, 4);
    snprintf(out, 16, "%.4s-%.4s", hex, hex + 4);
}

static void test_code_redeem(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    struct atrium_auth_code got = {0};

    new_tenant(s, t);
    new_user(s, t, u);
    struct atrium_auth_code c = code_template(t, u);
    assert_int_equal(s->oauth->code_insert(s, &c), 0);
    assert_int_equal(s->oauth->code_insert(s, &c), ATRIUM_ECONFLICT);

    assert_int_equal(s->oauth->code_redeem(s, t, c.code_hash, T0 + 599, &got), 0);
    assert_string_equal(got.code_hash, c.code_hash);
    assert_string_equal(got.tenant_id, t);
    assert_string_equal(got.client_id, c.client_id);
    assert_string_equal(got.user_id, u);
    assert_string_equal(got.family_id, c.family_id);
    assert_string_equal(got.redirect_uri, c.redirect_uri);
    assert_string_equal(got.scope, c.scope);
    assert_null(got.nonce);
    assert_string_equal(got.code_challenge, c.code_challenge);
    assert_string_equal(got.session_id, "");
    assert_int_equal(got.auth_time, T0 - 5);
    assert_int_equal(got.created, T0);
    assert_int_equal(got.expires, T0 + 600);
    atrium_auth_code_release(&got);

    /* Second redemption: conflict, with the record so the caller can revoke its family. */
    assert_int_equal(s->oauth->code_redeem(s, t, c.code_hash, T0 + 599, &got), ATRIUM_ECONFLICT);
    assert_string_equal(got.family_id, c.family_id);
    assert_true(got.redeemed);
    atrium_auth_code_release(&got);

    /* Expired (expires is exclusive) or unknown: not found, nothing filled. */
    struct atrium_auth_code old = code_template(t, u);
    old.nonce = "n-0S6_WzA2Mj";
    old.session_id = "sess-1";
    assert_int_equal(s->oauth->code_insert(s, &old), 0);
    assert_int_equal(s->oauth->code_redeem(s, t, old.code_hash, T0 + 600, &got), ATRIUM_ENOTFOUND);
    assert_null(got.scope);
    assert_int_equal(s->oauth->code_redeem(s, t, old.code_hash, T0 + 1, &got), 0);
    assert_string_equal(got.nonce, "n-0S6_WzA2Mj");
    assert_string_equal(got.session_id, "sess-1");
    atrium_auth_code_release(&got);
    assert_int_equal(s->oauth->code_redeem(s, t, old.code_hash, T0 + 601, &got),
                     ATRIUM_ENOTFOUND); /* used and expired: just gone */
    assert_int_equal(s->oauth->code_redeem(s, t, "no-such-hash", T0, &got), ATRIUM_ENOTFOUND);

    /* A code for a user the tenant does not have. */
    char missing[ATRIUM_UUID_LEN + 1];
    atrium_uuid_v4(missing);
    struct atrium_auth_code orphan = code_template(t, missing);
    assert_int_equal(s->oauth->code_insert(s, &orphan), ATRIUM_ENOTFOUND);
    orphan = code_template(t, u);
    orphan.redirect_uri = NULL;
    assert_int_equal(s->oauth->code_insert(s, &orphan), ATRIUM_EINVAL);
}

static void test_refresh_rotation(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], fam[ATRIUM_UUID_LEN + 1];
    struct atrium_refresh_token got = {0};
    size_t count = 99;

    new_tenant(s, t);
    new_user(s, t, u);
    atrium_uuid_v4(fam);
    struct atrium_refresh_token r1 = refresh_template(t, u, fam);
    struct atrium_refresh_token r2 = refresh_template(t, u, fam);
    assert_int_equal(s->oauth->refresh_insert(s, &r1), 0);
    assert_int_equal(s->oauth->refresh_insert(s, &r1), ATRIUM_ECONFLICT);
    assert_int_equal(s->oauth->refresh_use(s, t, r1.token_hash, T0 + 10, &got), 0);
    assert_string_equal(got.token_hash, r1.token_hash);
    assert_string_equal(got.family_id, fam);
    assert_string_equal(got.client_id, r1.client_id);
    assert_string_equal(got.user_id, u);
    assert_string_equal(got.scope, "openid offline_access");
    assert_int_equal(got.expires, T0 + 3600);
    assert_false(got.revoked);
    atrium_refresh_token_release(&got);

    /* Rotated: r2 is the successor; presenting r1 again is reuse. */
    assert_int_equal(s->oauth->refresh_insert(s, &r2), 0);
    assert_int_equal(s->oauth->refresh_use(s, t, r1.token_hash, T0 + 20, &got), ATRIUM_ECONFLICT);
    assert_string_equal(got.family_id, fam);
    assert_true(got.used);
    atrium_refresh_token_release(&got);
    assert_int_equal(s->oauth->refresh_revoke_family(s, t, fam, &count), 0);
    assert_int_equal(count, 2);
    assert_int_equal(s->oauth->refresh_revoke_family(s, t, fam, &count), 0);
    assert_int_equal(count, 0);
    assert_int_equal(s->oauth->refresh_revoke_family(s, t, fam, NULL), 0);
    assert_int_equal(s->oauth->refresh_use(s, t, r2.token_hash, T0 + 30, &got), ATRIUM_ECONFLICT);
    assert_true(got.revoked);
    assert_false(got.used);
    atrium_refresh_token_release(&got);

    /* Expired or unknown: not found. */
    struct atrium_refresh_token r3 = refresh_template(t, u, fam);
    assert_int_equal(s->oauth->refresh_insert(s, &r3), 0);
    assert_int_equal(s->oauth->refresh_use(s, t, r3.token_hash, T0 + 3600, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->refresh_use(s, t, "no-such-hash", T0, &got), ATRIUM_ENOTFOUND);

    /* Revoking a user's tokens. */
    struct atrium_refresh_token r4 = refresh_template(t, u, "other-family");
    assert_int_equal(s->oauth->refresh_insert(s, &r4), 0);
    assert_int_equal(s->oauth->refresh_revoke_user(s, t, u), 0);
    assert_int_equal(s->oauth->refresh_use(s, t, r4.token_hash, T0 + 1, &got), ATRIUM_ECONFLICT);
    atrium_refresh_token_release(&got);
}

enum race_op { RACE_CODE, RACE_REFRESH, RACE_DEVICE };

struct race_probe {
    struct atrium_store_pool *pool;
    pthread_barrier_t *barrier;
    enum race_op op;
    const char *tenant_id;
    const char *hash;
    int result;
    bool filled; /* the returned record was the one asked for */
    enum atrium_device_status status;
};

static void race_once(struct atrium_store *s, struct race_probe *p)
{
    struct atrium_auth_code c = {0};
    struct atrium_refresh_token r = {0};
    struct atrium_device_code d = {0};

    switch (p->op) {
    case RACE_CODE:
        p->result = s->oauth->code_redeem(s, p->tenant_id, p->hash, T0 + 1, &c);
        p->filled = strcmp(c.code_hash, p->hash) == 0 && c.scope;
        atrium_auth_code_release(&c);
        break;
    case RACE_REFRESH:
        p->result = s->oauth->refresh_use(s, p->tenant_id, p->hash, T0 + 1, &r);
        p->filled = strcmp(r.token_hash, p->hash) == 0 && r.scope;
        atrium_refresh_token_release(&r);
        break;
    case RACE_DEVICE:
        p->result = s->oauth->device_poll(s, p->tenant_id, p->hash, T0 + 1, &d);
        p->filled = strcmp(d.device_code_hash, p->hash) == 0 && d.scope;
        p->status = d.status;
        atrium_device_code_release(&d);
        break;
    }
}

static void *race_thread(void *arg)
{
    struct race_probe *p = arg;
    struct atrium_store *s = atrium_store_pool_get(p->pool); /* opened before the start line */
    pthread_barrier_wait(p->barrier);
    if (s)
        race_once(s, p);
    return NULL;
}

/* RACE_N threads, each with its own pooled handle, consume one record at once. */
static void run_race(enum race_op op, const char *t, const char *hash, struct race_probe *probes)
{
    struct atrium_store_pool *pool = NULL;
    pthread_barrier_t barrier;
    pthread_t th[RACE_N];

    assert_int_equal(atrium_store_pool_new(g_uri, &pool, NULL), 0);
    pthread_barrier_init(&barrier, NULL, RACE_N);
    for (int i = 0; i < RACE_N; i++) {
        probes[i] = (struct race_probe){pool, &barrier, op, t, hash, -100, false, 0};
        assert_int_equal(pthread_create(&th[i], NULL, race_thread, &probes[i]), 0);
    }
    for (int i = 0; i < RACE_N; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    atrium_store_pool_free(pool);
}

/* Exactly one winner (0), every loser ECONFLICT, every one with the record. */
static void check_one_winner(const struct race_probe *probes)
{
    int wins = 0;
    for (int i = 0; i < RACE_N; i++) {
        if (probes[i].result == 0)
            wins++;
        else
            assert_int_equal(probes[i].result, ATRIUM_ECONFLICT);
        assert_true(probes[i].filled);
    }
    assert_int_equal(wins, 1);
}

static void test_code_redeem_race(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    struct race_probe probes[RACE_N];

    if (uri_is_private())
        skip(); /* each pooled handle would be its own database */
    new_tenant(s, t);
    new_user(s, t, u);
    struct atrium_auth_code c = code_template(t, u);
    assert_int_equal(s->oauth->code_insert(s, &c), 0);
    run_race(RACE_CODE, t, c.code_hash, probes);
    check_one_winner(probes);
}

static void test_refresh_use_race(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], fam[ATRIUM_UUID_LEN + 1];
    struct race_probe probes[RACE_N];

    if (uri_is_private())
        skip();
    new_tenant(s, t);
    new_user(s, t, u);
    atrium_uuid_v4(fam);
    struct atrium_refresh_token r = refresh_template(t, u, fam);
    assert_int_equal(s->oauth->refresh_insert(s, &r), 0);
    run_race(RACE_REFRESH, t, r.token_hash, probes);
    check_one_winner(probes);
}

static void test_device_poll_race(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], uc[16];
    struct race_probe probes[RACE_N];
    int approved = 0;

    if (uri_is_private())
        skip();
    new_tenant(s, t);
    new_user(s, t, u);
    random_user_code(uc);
    struct atrium_device_code d = device_template(t, uc);
    assert_int_equal(s->oauth->device_insert(s, &d), 0);
    assert_int_equal(s->oauth->device_decide(s, t, uc, T0 + 1, true, u, T0 + 1), 0);
    run_race(RACE_DEVICE, t, d.device_code_hash, probes);
    for (int i = 0; i < RACE_N; i++) {
        assert_int_equal(probes[i].result, 0);
        assert_true(probes[i].filled);
        if (probes[i].status == ATRIUM_DEVICE_APPROVED)
            approved++;
        else
            assert_int_equal(probes[i].status, ATRIUM_DEVICE_REDEEMED);
    }
    assert_int_equal(approved, 1);
}

/* Poll at now: 0, the status and the previous last_poll. */
static void check_poll(struct atrium_store *s, const char *t, const char *hash, int64_t now,
                       enum atrium_device_status status, int64_t prev_poll)
{
    struct atrium_device_code got = {0};
    assert_int_equal(s->oauth->device_poll(s, t, hash, now, &got), 0);
    assert_int_equal(got.status, status);
    assert_int_equal(got.last_poll, prev_poll);
    assert_string_equal(got.device_code_hash, hash);
    atrium_device_code_release(&got);
}

static void test_device_flow(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], uc[16];
    struct atrium_device_code got = {0};

    new_tenant(s, t);
    new_user(s, t, u);
    random_user_code(uc);
    struct atrium_device_code d = device_template(t, uc);
    assert_int_equal(s->oauth->device_insert(s, &d), 0);
    assert_int_equal(s->oauth->device_get_by_user_code(s, t, uc, T0 + 1, &got), 0);
    assert_string_equal(got.device_code_hash, d.device_code_hash);
    assert_string_equal(got.user_code, uc);
    assert_string_equal(got.client_id, d.client_id);
    assert_string_equal(got.user_id, "");
    assert_string_equal(got.scope, "User.Read");
    assert_int_equal(got.status, ATRIUM_DEVICE_PENDING);
    assert_int_equal(got.expires, T0 + 900);
    atrium_device_code_release(&got);

    check_poll(s, t, d.device_code_hash, T0 + 5, ATRIUM_DEVICE_PENDING, 0);
    check_poll(s, t, d.device_code_hash, T0 + 10, ATRIUM_DEVICE_PENDING, T0 + 5);
    assert_int_equal(s->oauth->device_decide(s, t, uc, T0 + 11, true, "", T0), ATRIUM_EINVAL);
    assert_int_equal(s->oauth->device_decide(s, t, uc, T0 + 11, true, u, T0 + 11), 0);
    assert_int_equal(s->oauth->device_decide(s, t, uc, T0 + 12, false, NULL, 0), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->device_get_by_user_code(s, t, uc, T0 + 12, &got), 0);
    assert_int_equal(got.status, ATRIUM_DEVICE_APPROVED);
    assert_string_equal(got.user_id, u);
    assert_int_equal(got.auth_time, T0 + 11);
    atrium_device_code_release(&got);
    /* The first poll after approval gets APPROVED, once; then it is redeemed. */
    check_poll(s, t, d.device_code_hash, T0 + 15, ATRIUM_DEVICE_APPROVED, T0 + 10);
    check_poll(s, t, d.device_code_hash, T0 + 20, ATRIUM_DEVICE_REDEEMED, T0 + 15);
    check_poll(s, t, d.device_code_hash, T0 + 25, ATRIUM_DEVICE_REDEEMED, T0 + 20);

    /* Denied. */
    random_user_code(uc);
    struct atrium_device_code dn = device_template(t, uc);
    assert_int_equal(s->oauth->device_insert(s, &dn), 0);
    assert_int_equal(s->oauth->device_decide(s, t, uc, T0 + 1, false, NULL, 0), 0);
    assert_int_equal(s->oauth->device_decide(s, t, uc, T0 + 2, true, u, T0), ATRIUM_ENOTFOUND);
    check_poll(s, t, dn.device_code_hash, T0 + 5, ATRIUM_DEVICE_DENIED, 0);
    check_poll(s, t, dn.device_code_hash, T0 + 10, ATRIUM_DEVICE_DENIED, T0 + 5);

    /* Expired: invisible to the user-code page, undecidable, polled with its status. */
    random_user_code(uc);
    struct atrium_device_code ex = device_template(t, uc);
    ex.expires = T0 + 100;
    assert_int_equal(s->oauth->device_insert(s, &ex), 0);
    assert_int_equal(s->oauth->device_get_by_user_code(s, t, uc, T0 + 100, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->device_decide(s, t, uc, T0 + 100, true, u, T0), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->device_poll(s, t, ex.device_code_hash, T0 + 200, &got), 0);
    assert_int_equal(got.status, ATRIUM_DEVICE_PENDING);
    assert_int_equal(got.expires, T0 + 100);
    atrium_device_code_release(&got);
    /* Approved, then expired before the poll: APPROVED once (the caller checks expires). */
    random_user_code(uc);
    ex = device_template(t, uc);
    ex.expires = T0 + 100;
    assert_int_equal(s->oauth->device_insert(s, &ex), 0);
    assert_int_equal(s->oauth->device_decide(s, t, uc, T0 + 50, true, u, T0 + 50), 0);
    check_poll(s, t, ex.device_code_hash, T0 + 150, ATRIUM_DEVICE_APPROVED, 0);
    check_poll(s, t, ex.device_code_hash, T0 + 160, ATRIUM_DEVICE_REDEEMED, T0 + 150);
    assert_int_equal(s->oauth->device_poll(s, t, "no-such-hash", T0, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->device_get_by_user_code(s, t, "NONE-NONE", T0, &got),
                     ATRIUM_ENOTFOUND);
}

static void test_device_user_codes(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], uc[16];
    struct atrium_device_code got = {0};

    new_tenant(s, a);
    new_tenant(s, b);
    random_user_code(uc);
    struct atrium_device_code d1 = device_template(a, uc);
    assert_int_equal(s->oauth->device_insert(s, &d1), 0);
    struct atrium_device_code d2 = device_template(a, uc); /* same text, still live */
    d2.created = T0 + 899;
    assert_int_equal(s->oauth->device_insert(s, &d2), ATRIUM_ECONFLICT);
    struct atrium_device_code other = device_template(b, uc); /* another tenant's namespace */
    assert_int_equal(s->oauth->device_insert(s, &other), 0);
    assert_int_equal(s->oauth->device_insert(s, &d1), ATRIUM_ECONFLICT); /* same hash */

    /* Once d1 has expired its text may be handed out again. */
    struct atrium_device_code d3 = device_template(a, uc);
    d3.created = T0 + 900;
    d3.expires = T0 + 1800;
    assert_int_equal(s->oauth->device_insert(s, &d3), 0);
    assert_int_equal(s->oauth->device_get_by_user_code(s, a, uc, T0 + 901, &got), 0);
    assert_string_equal(got.device_code_hash, d3.device_code_hash);
    atrium_device_code_release(&got);
    assert_int_equal(s->oauth->device_get_by_user_code(s, b, uc, T0 + 1, &got), 0);
    assert_string_equal(got.device_code_hash, other.device_code_hash);
    atrium_device_code_release(&got);
    /* The old record is still there for its client's polls. */
    assert_int_equal(s->oauth->device_poll(s, a, d1.device_code_hash, T0 + 901, &got), 0);
    assert_int_equal(got.expires, T0 + 900);
    atrium_device_code_release(&got);
    struct atrium_device_code bad = device_template(a, "");
    assert_int_equal(s->oauth->device_insert(s, &bad), ATRIUM_EINVAL);
}

static void test_sessions(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_session got = {0};

    new_tenant(s, t);
    new_user(s, t, u);
    struct atrium_session ss = {.auth_time = T0 - 1, .created = T0, .expires = T0 + 3600};
    random_hash(ss.id_hash);
    copy_id(ss.tenant_id, sizeof(ss.tenant_id), t);
    copy_id(ss.user_id, sizeof(ss.user_id), u);
    assert_int_equal(s->oauth->session_insert(s, &ss), 0);
    assert_int_equal(s->oauth->session_insert(s, &ss), ATRIUM_ECONFLICT);
    assert_int_equal(s->oauth->session_get(s, t, ss.id_hash, T0 + 3599, &got), 0);
    assert_string_equal(got.id_hash, ss.id_hash);
    assert_string_equal(got.tenant_id, t);
    assert_string_equal(got.user_id, u);
    assert_int_equal(got.auth_time, T0 - 1);
    assert_int_equal(got.created, T0);
    assert_int_equal(got.expires, T0 + 3600);
    assert_int_equal(s->oauth->session_get(s, t, ss.id_hash, T0 + 3600, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_delete(s, t, ss.id_hash), 0);
    assert_int_equal(s->oauth->session_delete(s, t, ss.id_hash), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_get(s, t, ss.id_hash, T0 + 1, &got), ATRIUM_ENOTFOUND);
    atrium_uuid_v4(missing);
    copy_id(ss.user_id, sizeof(ss.user_id), missing);
    assert_int_equal(s->oauth->session_insert(s, &ss), ATRIUM_ENOTFOUND);
}

static struct atrium_session session_template(const char *t, const char *user)
{
    struct atrium_session ss = {.auth_time = T0, .created = T0, .expires = T0 + 3600};
    random_hash(ss.id_hash);
    copy_id(ss.tenant_id, sizeof(ss.tenant_id), t);
    copy_id(ss.user_id, sizeof(ss.user_id), user);
    return ss;
}

static void test_sessions_of_user(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    char u[ATRIUM_UUID_LEN + 1], v[ATRIUM_UUID_LEN + 1], w[ATRIUM_UUID_LEN + 1];
    struct atrium_session got = {0};
    size_t n = 99;

    new_tenant(s, a);
    new_tenant(s, b);
    new_user(s, a, u);
    new_user(s, a, v);
    new_user(s, b, w);
    struct atrium_session u1 = session_template(a, u), u2 = session_template(a, u);
    struct atrium_session v1 = session_template(a, v), w1 = session_template(b, w);
    assert_int_equal(s->oauth->session_insert(s, &u1), 0);
    assert_int_equal(s->oauth->session_insert(s, &u2), 0);
    assert_int_equal(s->oauth->session_insert(s, &v1), 0);
    assert_int_equal(s->oauth->session_insert(s, &w1), 0);
    /* Through another tenant: nothing deleted. */
    assert_int_equal(s->oauth->session_delete_user(s, b, u, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(s->oauth->session_get(s, a, u1.id_hash, T0, &got), 0);
    /* Every session of u, and only those. */
    assert_int_equal(s->oauth->session_delete_user(s, a, u, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(s->oauth->session_get(s, a, u1.id_hash, T0, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_get(s, a, u2.id_hash, T0, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_get(s, a, v1.id_hash, T0, &got), 0);
    assert_int_equal(s->oauth->session_get(s, b, w1.id_hash, T0, &got), 0);
    /* None left: still 0; the count is optional; ids are required. */
    assert_int_equal(s->oauth->session_delete_user(s, a, u, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(s->oauth->session_delete_user(s, a, v, NULL), 0);
    assert_int_equal(s->oauth->session_get(s, a, v1.id_hash, T0, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_delete_user(s, a, "", NULL), ATRIUM_EINVAL);
    assert_int_equal(s->oauth->session_delete_user(s, "", u, NULL), ATRIUM_EINVAL);

    /* atrium_store_end_user_signins: tokens and sessions, inside a transaction. */
    struct atrium_refresh_token rt = refresh_template(b, w, "family-w");
    struct atrium_refresh_token r = {0};
    assert_int_equal(s->oauth->refresh_insert(s, &rt), 0);
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(atrium_store_end_user_signins(s, b, w), 0);
    assert_int_equal(atrium_store_rollback(s), 0);
    assert_int_equal(s->oauth->session_get(s, b, w1.id_hash, T0, &got), 0); /* rolled back */
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(atrium_store_end_user_signins(s, b, w), 0);
    assert_int_equal(atrium_store_commit(s), 0);
    assert_int_equal(s->oauth->session_get(s, b, w1.id_hash, T0, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->refresh_use(s, b, rt.token_hash, T0, &r), ATRIUM_ECONFLICT);
    assert_true(r.revoked);
    atrium_refresh_token_release(&r);
}

static struct atrium_signing_key_record key_template(int64_t created)
{
    struct atrium_signing_key_record k = {.sealed_private = "sealed-blob",
                                          .cert_pem = "-----BEGIN CERTIFICATE-----",
                                          .created = created};
    random_hash(k.kid);
    return k;
}

/* Find kid in the list at now: its index, or -1. Checks the order and the single active key. */
static int key_index(struct atrium_store *s, int64_t now, const char *kid,
                     struct atrium_signing_key_record *ret)
{
    struct atrium_signing_key_list l = {0};
    int found = -1, active = 0;
    assert_int_equal(s->oauth->signing_key_list(s, now, &l), 0);
    for (size_t i = 0; i < l.count; i++) {
        if (i > 0)
            assert_true(l.items[i - 1].created >= l.items[i].created);
        assert_true(l.items[i].not_after == 0 || l.items[i].not_after > now);
        active += l.items[i].active;
        if (strcmp(l.items[i].kid, kid) == 0) {
            found = (int)i;
            *ret = l.items[i];
            ret->sealed_private = xstrdup(ret->sealed_private);
            ret->cert_pem = xstrdup(ret->cert_pem);
        }
    }
    assert_true(active <= 1);
    atrium_signing_key_list_release(&l);
    return found;
}

static void test_signing_keys(void **state)
{
    struct atrium_store *s = *state;
    struct atrium_signing_key_record got = {0};
    const int64_t base = T0 + 1000000; /* newer than any other test's keys */

    struct atrium_signing_key_record k1 = key_template(base);
    struct atrium_signing_key_record k2 = key_template(base + 10);
    assert_int_equal(s->oauth->signing_key_insert(s, &k1), 0);
    assert_int_equal(s->oauth->signing_key_insert(s, &k1), ATRIUM_ECONFLICT);
    assert_int_equal(s->oauth->signing_key_activate(s, k1.kid, base + 5), 0);
    assert_true(key_index(s, base, k1.kid, &got) >= 0);
    assert_true(got.active);
    assert_int_equal(got.not_after, 0);
    assert_string_equal(got.sealed_private, "sealed-blob");
    assert_string_equal(got.cert_pem, "-----BEGIN CERTIFICATE-----");
    atrium_signing_key_record_release(&got);

    /* Rotation: k2 active, k1 published until its retire time. */
    assert_int_equal(s->oauth->signing_key_insert(s, &k2), 0);
    assert_int_equal(s->oauth->signing_key_activate(s, k2.kid, base + 100), 0);
    int i2 = key_index(s, base + 50, k2.kid, &got);
    assert_true(got.active);
    atrium_signing_key_record_release(&got);
    int i1 = key_index(s, base + 50, k1.kid, &got);
    assert_true(i2 >= 0 && i1 > i2); /* newest first */
    assert_false(got.active);
    assert_int_equal(got.not_after, base + 100);
    atrium_signing_key_record_release(&got);
    assert_int_equal(key_index(s, base + 100, k1.kid, &got), -1); /* past its grace period */

    /* A second active key, an unknown kid, a rolled-back activation: k2 stays active. */
    struct atrium_signing_key_record k3 = key_template(base + 20);
    k3.active = true;
    assert_int_equal(s->oauth->signing_key_insert(s, &k3), ATRIUM_ECONFLICT);
    assert_int_equal(s->oauth->signing_key_activate(s, "no-such-kid", base + 1), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(s->oauth->signing_key_activate(s, k1.kid, base + 500), 0);
    assert_int_equal(atrium_store_rollback(s), 0);
    assert_true(key_index(s, base + 50, k2.kid, &got) >= 0);
    assert_true(got.active);
    assert_int_equal(got.not_after, 0);
    atrium_signing_key_record_release(&got);
    assert_true(key_index(s, base + 50, k1.kid, &got) >= 0);
    assert_false(got.active);
    atrium_signing_key_record_release(&got);
}

static void test_lockout(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_lockout got;

    new_tenant(s, t);
    new_user(s, t, u);
    memset(&got, 0x55, sizeof(got));
    assert_int_equal(s->oauth->lockout_get(s, t, u, &got), 0);
    assert_string_equal(got.tenant_id, t);
    assert_string_equal(got.user_id, u);
    assert_int_equal(got.failed_count, 0);
    assert_string_equal(got.last_bad_hash, "");
    assert_int_equal(got.last_failure, 0);
    assert_int_equal(got.locked_until, 0);
    assert_int_equal(got.lockout_count, 0);

    struct atrium_lockout l = {.failed_count = 3, .last_failure = T0, .lockout_count = 1};
    copy_id(l.tenant_id, sizeof(l.tenant_id), t);
    copy_id(l.user_id, sizeof(l.user_id), u);
    copy_id(l.last_bad_hash, sizeof(l.last_bad_hash), "bad-hash-1");
    assert_int_equal(s->oauth->lockout_put(s, &l), 0);
    l.failed_count = 10;
    l.locked_until = T0 + 60;
    l.lockout_count = 2;
    copy_id(l.last_bad_hash, sizeof(l.last_bad_hash), "bad-hash-2");
    assert_int_equal(s->oauth->lockout_put(s, &l), 0); /* replaces */
    assert_int_equal(s->oauth->lockout_get(s, t, u, &got), 0);
    assert_int_equal(got.failed_count, 10);
    assert_string_equal(got.last_bad_hash, "bad-hash-2");
    assert_int_equal(got.last_failure, T0);
    assert_int_equal(got.locked_until, T0 + 60);
    assert_int_equal(got.lockout_count, 2);

    atrium_uuid_v4(missing);
    assert_int_equal(s->oauth->lockout_get(s, t, missing, &got), 0);
    assert_int_equal(got.failed_count, 0);
    copy_id(l.user_id, sizeof(l.user_id), missing);
    assert_int_equal(s->oauth->lockout_put(s, &l), ATRIUM_ENOTFOUND);
}

/* A random unknown-name key, shaped like the service's (43 base64url characters). */
static void random_name_key(char out[ATRIUM_HASH_TEXT_MAX + 1])
{
    char hex[23];
    atrium_random_hex(hex, 11);
    snprintf(out, ATRIUM_HASH_TEXT_MAX + 1, "nk%.41s", hex);
}

static void test_name_lockouts(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], key[ATRIUM_HASH_TEXT_MAX + 1];
    struct atrium_lockout got;

    new_tenant(s, a);
    new_tenant(s, b);
    random_name_key(key);
    memset(&got, 0x55, sizeof(got));
    assert_int_equal(s->oauth->name_lockout_get(s, a, key, &got), 0);
    assert_string_equal(got.tenant_id, a);
    assert_string_equal(got.user_id, "");
    assert_int_equal(got.failed_count, 0);
    assert_string_equal(got.last_bad_hash, "");
    assert_int_equal(got.last_failure, 0);
    assert_int_equal(got.locked_until, 0);
    assert_int_equal(got.lockout_count, 0);

    /* Put and replace; ids inside l are ignored (the key and tenant are the call's). */
    struct atrium_lockout l = {.failed_count = 3, .last_failure = T0, .lockout_count = 1};
    copy_id(l.tenant_id, sizeof(l.tenant_id), b);
    copy_id(l.user_id, sizeof(l.user_id), "ignored");
    copy_id(l.last_bad_hash, sizeof(l.last_bad_hash), "bad-hash-1");
    assert_int_equal(s->oauth->name_lockout_put(s, a, key, &l, 0), 0);
    l.failed_count = 10;
    l.locked_until = T0 + 60;
    l.lockout_count = 2;
    copy_id(l.last_bad_hash, sizeof(l.last_bad_hash), "bad-hash-2");
    assert_int_equal(s->oauth->name_lockout_put(s, a, key, &l, 0), 0);
    assert_int_equal(s->oauth->name_lockout_get(s, a, key, &got), 0);
    assert_string_equal(got.tenant_id, a);
    assert_string_equal(got.user_id, "");
    assert_int_equal(got.failed_count, 10);
    assert_string_equal(got.last_bad_hash, "bad-hash-2");
    assert_int_equal(got.last_failure, T0);
    assert_int_equal(got.locked_until, T0 + 60);
    assert_int_equal(got.lockout_count, 2);

    /* Cross-tenant: the same key in B is a clean slate, and B's write leaves A's alone. */
    assert_int_equal(s->oauth->name_lockout_get(s, b, key, &got), 0);
    assert_string_equal(got.tenant_id, b);
    assert_int_equal(got.failed_count, 0);
    struct atrium_lockout lb = {.failed_count = 1, .last_failure = T0 + 5};
    assert_int_equal(s->oauth->name_lockout_put(s, b, key, &lb, 0), 0);
    assert_int_equal(s->oauth->name_lockout_get(s, a, key, &got), 0);
    assert_int_equal(got.failed_count, 10);
    assert_int_equal(s->oauth->name_lockout_get(s, b, key, &got), 0);
    assert_int_equal(got.failed_count, 1);

    /* Bad input; an unknown tenant has no counters to write. */
    char missing[ATRIUM_UUID_LEN + 1], huge[ATRIUM_HASH_TEXT_MAX + 2];
    memset(huge, 'k', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    assert_int_equal(s->oauth->name_lockout_get(s, a, "", &got), ATRIUM_EINVAL);
    assert_int_equal(s->oauth->name_lockout_get(s, a, huge, &got), ATRIUM_EINVAL);
    assert_int_equal(s->oauth->name_lockout_put(s, a, huge, &l, 0), ATRIUM_EINVAL);
    assert_int_equal(s->oauth->name_lockout_put(s, "", key, &l, 0), ATRIUM_EINVAL);
    atrium_uuid_v4(missing);
    assert_int_equal(s->oauth->name_lockout_put(s, missing, key, &l, 0), ATRIUM_ENOTFOUND);
}

#define PURGE_ROWS 250

/* How many of keys still have counters in t. */
static size_t live_names(struct atrium_store *s, const char *t,
                         char keys[][ATRIUM_HASH_TEXT_MAX + 1], size_t n)
{
    size_t live = 0;
    for (size_t i = 0; i < n; i++) {
        struct atrium_lockout got;
        assert_int_equal(s->oauth->name_lockout_get(s, t, keys[i], &got), 0);
        live += got.failed_count != 0;
    }
    return live;
}

static void test_name_lockout_purge(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    char(*stale)[ATRIUM_HASH_TEXT_MAX + 1] = xcalloc(PURGE_ROWS, sizeof(*stale));
    char kept[3][ATRIUM_HASH_TEXT_MAX + 1];
    const int64_t now = T0 + 10 * 86400, before = now - 86400;

    new_tenant(s, a);
    new_tenant(s, b);
    /* Stale: lockout over and last failure before the window, in two tenants. */
    for (size_t i = 0; i < PURGE_ROWS; i++) {
        struct atrium_lockout l = {
            .failed_count = 10, .last_failure = before - 100, .locked_until = before - 40};
        random_name_key(stale[i]);
        assert_int_equal(s->oauth->name_lockout_put(s, i % 2 ? a : b, stale[i], &l, 0), 0);
    }
    /* Kept: a recent failure; an old failure whose lockout still runs; exactly at the edge. */
    struct atrium_lockout recent = {.failed_count = 1, .last_failure = before + 1};
    struct atrium_lockout running = {
        .failed_count = 10, .last_failure = before - 100, .locked_until = now + 60};
    struct atrium_lockout edge = {.failed_count = 2, .last_failure = before};
    random_name_key(kept[0]);
    random_name_key(kept[1]);
    random_name_key(kept[2]);
    assert_int_equal(s->oauth->name_lockout_put(s, a, kept[0], &recent, 0), 0);
    assert_int_equal(s->oauth->name_lockout_put(s, a, kept[1], &running, 0), 0);
    assert_int_equal(s->oauth->name_lockout_put(s, a, kept[2], &edge, 0), 0);

    /* Each put purges at most ATRIUM_NAME_LOCKOUT_PURGE_MAX stale rows, of any tenant. */
    size_t left = PURGE_ROWS;
    for (int round = 0; left > 0 && round < 50; round++) {
        char key[ATRIUM_HASH_TEXT_MAX + 1];
        struct atrium_lockout l = {.failed_count = 1, .last_failure = now};
        random_name_key(key);
        assert_int_equal(s->oauth->name_lockout_put(s, round % 2 ? a : b, key, &l, before), 0);
        size_t now_left = live_names(s, a, stale, PURGE_ROWS) + live_names(s, b, stale, PURGE_ROWS);
        assert_true(now_left <= left);
        assert_true(left - now_left <= ATRIUM_NAME_LOCKOUT_PURGE_MAX);
        left = now_left;
    }
    assert_int_equal(left, 0);
    assert_int_equal(live_names(s, a, kept, 3), 3);
    /* A rolled-back put purges nothing. */
    struct atrium_lockout old = {.failed_count = 1, .last_failure = before - 5};
    char key[ATRIUM_HASH_TEXT_MAX + 1];
    random_name_key(key);
    assert_int_equal(s->oauth->name_lockout_put(s, a, key, &old, 0), 0);
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(s->oauth->name_lockout_put(s, b, kept[0], &recent, before), 0);
    assert_int_equal(atrium_store_rollback(s), 0);
    assert_int_equal(live_names(s, a, &key, 1), 1);
    xfree(stale);
}

static void new_signin(struct atrium_store *s, const char *t, int64_t created, int error_code)
{
    struct atrium_signin_event ev = {.user_principal_name = "alice@contoso.example",
                                     .app_display_name = "Payroll",
                                     .ip_address = "192.0.2.1",
                                     .client_request_id = "req-1",
                                     .grant = "password",
                                     .error_code = error_code,
                                     .failure_reason = error_code ? "Invalid password" : NULL,
                                     .created = created};
    atrium_uuid_v4(ev.id);
    copy_id(ev.tenant_id, sizeof(ev.tenant_id), t);
    atrium_uuid_v4(ev.app_id);
    assert_int_equal(s->oauth->signin_insert(s, &ev), 0);
    assert_int_equal(s->oauth->signin_insert(s, &ev), ATRIUM_ECONFLICT);
}

/* Page through the tenant's log 3 at a time; the order is (created DESC, id). */
static size_t page_signins(struct atrium_store *s, const char *t)
{
    int64_t cursor_created = 0, prev_created = INT64_MAX;
    char cursor_id[ATRIUM_UUID_LEN + 1] = "";
    size_t seen = 0;

    for (;;) {
        struct atrium_signin_event_list l = {0};
        assert_int_equal(
            s->oauth->signin_list(s, t, cursor_created, seen ? cursor_id : NULL, 3, &l), 0);
        for (size_t i = 0; i < l.count; i++) {
            const struct atrium_signin_event *ev = &l.items[i];
            assert_string_equal(ev->tenant_id, t);
            assert_true(ev->created < prev_created ||
                        (ev->created == prev_created && strcmp(ev->id, cursor_id) > 0));
            prev_created = cursor_created = ev->created;
            copy_id(cursor_id, sizeof(cursor_id), ev->id);
        }
        size_t n = l.count;
        seen += n;
        atrium_signin_event_list_release(&l);
        if (n < 3)
            return seen;
    }
}

static void test_signin_log(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], other[ATRIUM_UUID_LEN + 1];
    static const int64_t times[] = {T0 + 5, T0 + 1, T0 + 5, T0 + 3, T0 + 5, T0 + 4, T0 + 3};
    struct atrium_signin_event_list l = {0};

    new_tenant(s, t);
    new_tenant(s, other);
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
        new_signin(s, t, times[i], i == 1 ? 50126 : 0);
    new_signin(s, other, T0 + 9, 0);
    assert_int_equal(page_signins(s, t), 7);

    assert_int_equal(s->oauth->signin_list(s, t, 0, NULL, 100, &l), 0);
    assert_int_equal(l.count, 7);
    assert_int_equal(l.items[0].created, T0 + 5);
    assert_string_equal(l.items[0].user_principal_name, "alice@contoso.example");
    assert_string_equal(l.items[0].grant, "password");
    assert_string_equal(l.items[0].ip_address, "192.0.2.1");
    assert_string_equal(l.items[0].client_request_id, "req-1");
    assert_string_equal(l.items[0].app_display_name, "Payroll");
    assert_string_equal(l.items[0].user_id, "");
    assert_null(l.items[0].failure_reason);
    assert_int_equal(l.items[6].created, T0 + 1);
    assert_int_equal(l.items[6].error_code, 50126);
    assert_string_equal(l.items[6].failure_reason, "Invalid password");
    atrium_signin_event_list_release(&l);

    /* A time-only cursor: strictly older than that second. */
    assert_int_equal(s->oauth->signin_list(s, t, T0 + 5, NULL, 100, &l), 0);
    assert_int_equal(l.count, 4);
    assert_int_equal(l.items[0].created, T0 + 4);
    atrium_signin_event_list_release(&l);
    assert_int_equal(s->oauth->signin_list(s, t, 0, NULL, 0, &l), 0);
    assert_int_equal(l.count, 0);
    atrium_signin_event_list_release(&l);
}

/* What tenant A has, probed through tenant B. */
struct signin_fixture {
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], user[ATRIUM_UUID_LEN + 1];
    char family[ATRIUM_UUID_LEN + 1], user_code[16];
    struct atrium_auth_code code;
    struct atrium_refresh_token token;
    struct atrium_device_code device;
    struct atrium_session session;
};

static void signin_fixture_new(struct atrium_store *s, struct signin_fixture *f)
{
    new_tenant(s, f->a);
    new_tenant(s, f->b);
    new_user(s, f->a, f->user);
    atrium_uuid_v4(f->family);
    random_user_code(f->user_code);
    f->code = code_template(f->a, f->user);
    f->token = refresh_template(f->a, f->user, f->family);
    f->device = device_template(f->a, f->user_code);
    f->session = (struct atrium_session){.created = T0, .expires = T0 + 3600};
    random_hash(f->session.id_hash);
    copy_id(f->session.tenant_id, sizeof(f->session.tenant_id), f->a);
    copy_id(f->session.user_id, sizeof(f->session.user_id), f->user);
    struct atrium_lockout l = {.failed_count = 4};
    copy_id(l.tenant_id, sizeof(l.tenant_id), f->a);
    copy_id(l.user_id, sizeof(l.user_id), f->user);
    assert_int_equal(s->oauth->code_insert(s, &f->code), 0);
    assert_int_equal(s->oauth->refresh_insert(s, &f->token), 0);
    assert_int_equal(s->oauth->device_insert(s, &f->device), 0);
    assert_int_equal(s->oauth->session_insert(s, &f->session), 0);
    assert_int_equal(s->oauth->lockout_put(s, &l), 0);
    new_signin(s, f->a, T0, 0);
}

static void test_cross_tenant_signin(void **state)
{
    struct atrium_store *s = *state;
    struct signin_fixture f;
    struct atrium_auth_code c = {0};
    struct atrium_refresh_token r = {0};
    struct atrium_device_code d = {0};
    struct atrium_session ss = {0};
    struct atrium_lockout lo = {0};
    struct atrium_signin_event_list el = {0};
    size_t count = 99;

    signin_fixture_new(s, &f);
    const char *b = f.b;
    assert_int_equal(s->oauth->code_redeem(s, b, f.code.code_hash, T0, &c), ATRIUM_ENOTFOUND);
    struct atrium_auth_code smuggled = code_template(b, f.user); /* A's user in B */
    assert_int_equal(s->oauth->code_insert(s, &smuggled), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->refresh_use(s, b, f.token.token_hash, T0, &r), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->refresh_revoke_family(s, b, f.family, &count), 0);
    assert_int_equal(count, 0);
    assert_int_equal(s->oauth->refresh_revoke_user(s, b, f.user), 0);
    assert_int_equal(s->oauth->device_get_by_user_code(s, b, f.user_code, T0, &d),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->device_decide(s, b, f.user_code, T0, true, f.user, T0),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->device_poll(s, b, f.device.device_code_hash, T0 + 7, &d),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_get(s, b, f.session.id_hash, T0, &ss), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_delete(s, b, f.session.id_hash), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_delete_user(s, b, f.user, &count), 0);
    assert_int_equal(count, 0);
    assert_int_equal(s->oauth->lockout_get(s, b, f.user, &lo), 0);
    assert_int_equal(lo.failed_count, 0);
    copy_id(lo.tenant_id, sizeof(lo.tenant_id), b);
    copy_id(lo.user_id, sizeof(lo.user_id), f.user);
    lo.failed_count = 99;
    assert_int_equal(s->oauth->lockout_put(s, &lo), ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->signin_list(s, b, 0, NULL, 100, &el), 0);
    assert_int_equal(el.count, 0);
    atrium_signin_event_list_release(&el);

    /* Everything of A is as it was. */
    assert_int_equal(s->oauth->code_redeem(s, f.a, f.code.code_hash, T0, &c), 0);
    atrium_auth_code_release(&c);
    assert_int_equal(s->oauth->refresh_use(s, f.a, f.token.token_hash, T0, &r), 0);
    atrium_refresh_token_release(&r);
    assert_int_equal(s->oauth->device_get_by_user_code(s, f.a, f.user_code, T0, &d), 0);
    assert_int_equal(d.status, ATRIUM_DEVICE_PENDING);
    assert_int_equal(d.last_poll, 0);
    atrium_device_code_release(&d);
    assert_int_equal(s->oauth->session_get(s, f.a, f.session.id_hash, T0, &ss), 0);
    assert_int_equal(s->oauth->lockout_get(s, f.a, f.user, &lo), 0);
    assert_int_equal(lo.failed_count, 4);
    assert_int_equal(s->oauth->signin_list(s, f.a, 0, NULL, 100, &el), 0);
    assert_int_equal(el.count, 1);
    atrium_signin_event_list_release(&el);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_code_redeem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_redeem_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_use_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_poll_race, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_user_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_of_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signing_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_lockouts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_lockout_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signin_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_tenant_signin, setup, teardown),
    };
    return run_passes(tests, sizeof(tests) / sizeof(tests[0]), "token");
}
