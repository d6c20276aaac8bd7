/* SPDX-License-Identifier: MIT */
/*
 * The store_oauth.h contract, part 3: the purge of expired sign-in records
 * across tenants (authorization codes, device codes, refresh tokens,
 * sessions, the sign-in log). For each kind: rows before the cut-off go,
 * of every tenant; later rows stay, of every tenant; a call deletes at most
 * its limit; bad arguments are refused; and on SQLite the DELETE goes
 * through an index on the row's time (EXPLAIN QUERY PLAN).
 *
 * The rows here use times near 0 (other suites use T0 = 1700000000), so a
 * shared store's other rows are never below this suite's cut-off; each test
 * first drains what an earlier run may have left below it. Deletion is
 * proven by asking for a row at a "now" before its expiry: a purged row is
 * ENOTFOUND even then.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "oauth_fixture.h"
#include "store/store_sqlite.h"

#define OLD 1000  /* expiry (or creation) of the rows to purge */
#define CUT 5000  /* the purge's cut-off: rows strictly before it go */
#define LIVE 9000 /* expiry (or creation) of the rows to keep */
#define ASK 500   /* a "now" before every row expired */
#define NOLD 3    /* expired rows in the first tenant (and 1 in the second) */

struct two {
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    char t2[ATRIUM_UUID_LEN + 1], u2[ATRIUM_UUID_LEN + 1];
};

static void two_tenants(struct atrium_store *s, struct two *w)
{
    new_tenant(s, w->t);
    new_user(s, w->t, w->u);
    new_tenant(s, w->t2);
    new_user(s, w->t2, w->u2);
}

/* Delete whatever an earlier run left before CUT, so the counts below are exact. */
static void drain(struct atrium_store *s, enum atrium_purge_kind kind)
{
    size_t n = 0;
    do
        assert_int_equal(s->oauth->purge(s, kind, CUT, ATRIUM_PURGE_BATCH_MAX, &n), 0);
    while (n > 0);
}

/* NOLD + 1 expired rows in all: two calls of limit NOLD - 1 take them, a third finds none. */
static void purge_in_batches(struct atrium_store *s, enum atrium_purge_kind kind)
{
    size_t n = 99;
    assert_int_equal(s->oauth->purge(s, kind, CUT, NOLD - 1, &n), 0);
    assert_int_equal(n, NOLD - 1);
    assert_int_equal(s->oauth->purge(s, kind, CUT, NOLD - 1, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(s->oauth->purge(s, kind, CUT, NOLD - 1, &n), 0);
    assert_int_equal(n, 0);
}

static struct atrium_auth_code code_at(const char *t, const char *user, int64_t expires)
{
    struct atrium_auth_code c = {.redirect_uri = "http://localhost/cb",
                                 .scope = "openid",
                                 .auth_time = 1,
                                 .created = 1,
                                 .expires = expires};
    random_hash(c.code_hash);
    copy_id(c.tenant_id, sizeof(c.tenant_id), t);
    atrium_uuid_v4(c.client_id);
    copy_id(c.user_id, sizeof(c.user_id), user);
    atrium_uuid_v4(c.family_id);
    return c;
}

static void test_purge_codes(void **state)
{
    struct atrium_store *s = *state;
    struct two w;
    struct atrium_auth_code got = {0};
    two_tenants(s, &w);
    drain(s, ATRIUM_PURGE_CODES);

    struct atrium_auth_code old[NOLD + 1];
    for (int i = 0; i <= NOLD; i++) {
        old[i] = code_at(i < NOLD ? w.t : w.t2, i < NOLD ? w.u : w.u2, OLD + i);
        assert_int_equal(s->oauth->code_insert(s, &old[i]), 0);
    }
    struct atrium_auth_code edge = code_at(w.t, w.u, CUT); /* not strictly before: stays */
    struct atrium_auth_code live = code_at(w.t, w.u, LIVE);
    struct atrium_auth_code live2 = code_at(w.t2, w.u2, LIVE);
    assert_int_equal(s->oauth->code_insert(s, &edge), 0);
    assert_int_equal(s->oauth->code_insert(s, &live), 0);
    assert_int_equal(s->oauth->code_insert(s, &live2), 0);

    purge_in_batches(s, ATRIUM_PURGE_CODES);
    for (int i = 0; i <= NOLD; i++)
        assert_int_equal(s->oauth->code_redeem(s, old[i].tenant_id, old[i].code_hash, ASK, &got),
                         ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->code_redeem(s, w.t, edge.code_hash, ASK, &got), 0);
    atrium_auth_code_release(&got);
    assert_int_equal(s->oauth->code_redeem(s, w.t, live.code_hash, ASK, &got), 0);
    atrium_auth_code_release(&got);
    assert_int_equal(s->oauth->code_redeem(s, w.t2, live2.code_hash, ASK, &got), 0);
    atrium_auth_code_release(&got);
}

static struct atrium_device_code device_at(const char *t, int64_t expires)
{
    struct atrium_device_code d = {
        .scope = "User.Read", .status = ATRIUM_DEVICE_PENDING, .created = 1, .expires = expires};
    char hex[9];
    random_hash(d.device_code_hash);
    atrium_random_hex(hex, 4);
    snprintf(d.user_code, sizeof(d.user_code), "%.4s-%.4s", hex, hex + 4);
    copy_id(d.tenant_id, sizeof(d.tenant_id), t);
    atrium_uuid_v4(d.client_id);
    return d;
}

static void test_purge_device_codes(void **state)
{
    struct atrium_store *s = *state;
    struct two w;
    struct atrium_device_code got = {0};
    two_tenants(s, &w);
    drain(s, ATRIUM_PURGE_DEVICE_CODES);

    struct atrium_device_code old[NOLD + 1];
    for (int i = 0; i <= NOLD; i++) {
        old[i] = device_at(i < NOLD ? w.t : w.t2, OLD);
        assert_int_equal(s->oauth->device_insert(s, &old[i]), 0);
    }
    struct atrium_device_code live = device_at(w.t, LIVE), live2 = device_at(w.t2, LIVE);
    assert_int_equal(s->oauth->device_insert(s, &live), 0);
    assert_int_equal(s->oauth->device_insert(s, &live2), 0);

    /* Before the purge an expired code still answers (the caller says expired_token). */
    assert_int_equal(s->oauth->device_poll(s, w.t, old[0].device_code_hash, CUT, &got), 0);
    atrium_device_code_release(&got);
    purge_in_batches(s, ATRIUM_PURGE_DEVICE_CODES);
    for (int i = 0; i <= NOLD; i++)
        assert_int_equal(
            s->oauth->device_poll(s, old[i].tenant_id, old[i].device_code_hash, ASK, &got),
            ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->device_poll(s, w.t, live.device_code_hash, ASK, &got), 0);
    atrium_device_code_release(&got);
    assert_int_equal(s->oauth->device_poll(s, w.t2, live2.device_code_hash, ASK, &got), 0);
    atrium_device_code_release(&got);
}

static struct atrium_refresh_token refresh_at(const char *t, const char *user, const char *family,
                                              int64_t expires)
{
    struct atrium_refresh_token r = {
        .scope = "openid offline_access", .auth_time = 1, .created = 1, .expires = expires};
    random_hash(r.token_hash);
    copy_id(r.tenant_id, sizeof(r.tenant_id), t);
    copy_id(r.user_id, sizeof(r.user_id), user);
    atrium_uuid_v4(r.client_id);
    copy_id(r.family_id, sizeof(r.family_id), family);
    return r;
}

static void test_purge_refresh_tokens(void **state)
{
    struct atrium_store *s = *state;
    struct two w;
    struct atrium_refresh_token got = {0};
    char fam[ATRIUM_UUID_LEN + 1], fam2[ATRIUM_UUID_LEN + 1];
    two_tenants(s, &w);
    atrium_uuid_v4(fam);
    atrium_uuid_v4(fam2);
    drain(s, ATRIUM_PURGE_REFRESH_TOKENS);

    /* Expired: live, used (rotated) and revoked alike. */
    struct atrium_refresh_token old[NOLD + 1];
    for (int i = 0; i <= NOLD; i++) {
        old[i] =
            refresh_at(i < NOLD ? w.t : w.t2, i < NOLD ? w.u : w.u2, i < NOLD ? fam : fam2, OLD);
        old[i].used = i == 1;
        old[i].revoked = i == 2;
        assert_int_equal(s->oauth->refresh_insert(s, &old[i]), 0);
    }
    /* Not expired: a rotated token of a live family must stay for reuse detection. */
    struct atrium_refresh_token rotated = refresh_at(w.t, w.u, fam, LIVE);
    rotated.used = true;
    struct atrium_refresh_token revoked = refresh_at(w.t, w.u, fam, LIVE);
    revoked.revoked = true;
    struct atrium_refresh_token live2 = refresh_at(w.t2, w.u2, fam2, LIVE);
    assert_int_equal(s->oauth->refresh_insert(s, &rotated), 0);
    assert_int_equal(s->oauth->refresh_insert(s, &revoked), 0);
    assert_int_equal(s->oauth->refresh_insert(s, &live2), 0);

    purge_in_batches(s, ATRIUM_PURGE_REFRESH_TOKENS);
    for (int i = 0; i <= NOLD; i++)
        assert_int_equal(s->oauth->refresh_use(s, old[i].tenant_id, old[i].token_hash, ASK, &got),
                         ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->refresh_use(s, w.t, rotated.token_hash, ASK, &got),
                     ATRIUM_ECONFLICT);
    assert_true(got.used);
    atrium_refresh_token_release(&got);
    assert_int_equal(s->oauth->refresh_use(s, w.t, revoked.token_hash, ASK, &got),
                     ATRIUM_ECONFLICT);
    assert_true(got.revoked);
    atrium_refresh_token_release(&got);
    assert_int_equal(s->oauth->refresh_use(s, w.t2, live2.token_hash, ASK, &got), 0);
    atrium_refresh_token_release(&got);
}

static struct atrium_session session_at(const char *t, const char *user, int64_t expires)
{
    struct atrium_session ss = {.auth_time = 1, .created = 1, .expires = expires};
    random_hash(ss.id_hash);
    copy_id(ss.tenant_id, sizeof(ss.tenant_id), t);
    copy_id(ss.user_id, sizeof(ss.user_id), user);
    return ss;
}

static void test_purge_sessions(void **state)
{
    struct atrium_store *s = *state;
    struct two w;
    struct atrium_session got = {0};
    two_tenants(s, &w);
    drain(s, ATRIUM_PURGE_SESSIONS);

    struct atrium_session old[NOLD + 1];
    for (int i = 0; i <= NOLD; i++) {
        old[i] = session_at(i < NOLD ? w.t : w.t2, i < NOLD ? w.u : w.u2, OLD);
        assert_int_equal(s->oauth->session_insert(s, &old[i]), 0);
    }
    struct atrium_session live = session_at(w.t, w.u, LIVE), live2 = session_at(w.t2, w.u2, LIVE);
    assert_int_equal(s->oauth->session_insert(s, &live), 0);
    assert_int_equal(s->oauth->session_insert(s, &live2), 0);

    purge_in_batches(s, ATRIUM_PURGE_SESSIONS);
    for (int i = 0; i <= NOLD; i++)
        assert_int_equal(s->oauth->session_get(s, old[i].tenant_id, old[i].id_hash, ASK, &got),
                         ATRIUM_ENOTFOUND);
    assert_int_equal(s->oauth->session_get(s, w.t, live.id_hash, ASK, &got), 0);
    assert_int_equal(s->oauth->session_get(s, w.t2, live2.id_hash, ASK, &got), 0);
}

static void signin_at(struct atrium_store *s, const char *t, int64_t created)
{
    struct atrium_signin_event ev = {.grant = "password", .created = created};
    atrium_uuid_v4(ev.id);
    copy_id(ev.tenant_id, sizeof(ev.tenant_id), t);
    atrium_uuid_v4(ev.app_id);
    assert_int_equal(s->oauth->signin_insert(s, &ev), 0);
}

static size_t signins(struct atrium_store *s, const char *t, int64_t *ret_oldest)
{
    struct atrium_signin_event_list l = {0};
    assert_int_equal(s->oauth->signin_list(s, t, 0, NULL, 100, &l), 0);
    size_t n = l.count;
    if (n && ret_oldest)
        *ret_oldest = l.items[n - 1].created;
    atrium_signin_event_list_release(&l);
    return n;
}

static void test_purge_signin_events(void **state)
{
    struct atrium_store *s = *state;
    struct two w;
    int64_t oldest = 0;
    two_tenants(s, &w);
    drain(s, ATRIUM_PURGE_SIGNIN_EVENTS);

    for (int i = 0; i <= NOLD; i++)
        signin_at(s, i < NOLD ? w.t : w.t2, OLD + i);
    signin_at(s, w.t, LIVE);
    signin_at(s, w.t, CUT);
    signin_at(s, w.t2, LIVE);
    assert_int_equal(signins(s, w.t, NULL), NOLD + 2);

    purge_in_batches(s, ATRIUM_PURGE_SIGNIN_EVENTS);
    assert_int_equal(signins(s, w.t, &oldest), 2);
    assert_int_equal(oldest, CUT);
    assert_int_equal(signins(s, w.t2, &oldest), 1);
    assert_int_equal(oldest, LIVE);
}

static void test_purge_arguments(void **state)
{
    struct atrium_store *s = *state;
    size_t n = 7;
    assert_int_equal(s->oauth->purge(s, ATRIUM_PURGE_CODES, CUT, 0, &n), ATRIUM_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(s->oauth->purge(s, ATRIUM_PURGE_CODES, CUT, ATRIUM_PURGE_BATCH_MAX + 1, &n),
                     ATRIUM_EINVAL);
    assert_int_equal(s->oauth->purge(s, ATRIUM_PURGE__COUNT, CUT, 1, &n), ATRIUM_EINVAL);
    assert_int_equal(s->oauth->purge(s, (enum atrium_purge_kind) - 1, CUT, 1, &n), ATRIUM_EINVAL);
    assert_int_equal(s->oauth->purge(s, ATRIUM_PURGE_SESSIONS, CUT, 1, NULL), 0);
}

/* SQLite: every purge finds its rows through an index on the time, never a table scan. */
static void test_purge_plans(void **state)
{
    struct atrium_store *s = *state;
    static const char *const index[ATRIUM_PURGE__COUNT] = {
        [ATRIUM_PURGE_CODES] = "auth_codes_by_expiry (expires<?)",
        [ATRIUM_PURGE_DEVICE_CODES] = "device_codes_by_expiry (expires<?)",
        [ATRIUM_PURGE_REFRESH_TOKENS] = "refresh_tokens_by_expiry (expires<?)",
        [ATRIUM_PURGE_SESSIONS] = "sessions_by_expiry (expires<?)",
        [ATRIUM_PURGE_SIGNIN_EVENTS] = "signin_events_by_age (created<?)",
    };
    if (strncmp(g_uri, "sqlite:", 7) != 0)
        skip();
    for (int k = 0; k < ATRIUM_PURGE__COUNT; k++) {
        char *p = NULL;
        assert_int_equal(atrium_sqlite_purge_plan(s, (enum atrium_purge_kind)k, &p), 0);
        if (getenv("ATRIUM_TEST_VERBOSE"))
            print_message("%s", p);
        if (!strstr(p, index[k]) || strstr(p, "SCAN "))
            fail_msg("purge %d does not use %s: %s", k, index[k], p);
        free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_purge_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_device_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_refresh_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_signin_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_plans, setup, teardown),
    };
    return run_passes(tests, sizeof(tests) / sizeof(tests[0]), "purge");
}
