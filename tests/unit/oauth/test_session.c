/* SPDX-License-Identifier: MIT */
/*
 * Browser sessions: the cookie value is random and stored only hashed; find
 * checks tenant and expiry; end deletes.
 */
#include "authn_fixture.h"

#include "oauth/authn_internal.h"
#include "oauth/oauth_priv.h"

static bool is_b64url(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

static void test_value_hash_rejects_odd_input(void **state)
{
    (void)state;
    char hash[ATRIUM_HASH_TEXT_MAX + 1];
    assert_false(atrium_oauth_value_hash(NULL, hash));
    assert_string_equal(hash, "");
    assert_false(atrium_oauth_value_hash("", hash));
    assert_false(atrium_oauth_value_hash("short", hash));
    char longer[ATRIUM_OAUTH_VALUE_LEN + 2];
    memset(longer, 'A', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_false(atrium_oauth_value_hash(longer, hash));
    longer[ATRIUM_OAUTH_VALUE_LEN] = '\0';
    assert_true(atrium_oauth_value_hash(longer, hash));
    assert_int_equal(strlen(hash), ATRIUM_TOKEN_HASH_LEN);
}

static void test_start_and_find(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char *cookie = NULL;
    struct atrium_session ss = {0};
    int64_t t0 = atrium_now();
    assert_int_equal(
        atrium_oauth_session_start(f->s, &f->o, f->t1.id, f->alice.id, t0 - 5, &cookie, &ss), 0);
    assert_non_null(cookie);
    assert_int_equal(strlen(cookie), ATRIUM_OAUTH_VALUE_LEN);
    assert_true(is_b64url(cookie));
    /* The tenant rides in the value, for /organizations and /common. */
    char tid[ATRIUM_UUID_LEN + 1];
    assert_int_equal(atrium_oauth_opaque_tenant(cookie, tid), 0);
    assert_string_equal(tid, f->t1.id);
    /* Stored as its hash only. */
    char hash[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash(cookie, strlen(cookie), hash);
    assert_string_equal(ss.id_hash, hash);
    assert_string_not_equal(ss.id_hash, cookie);
    struct atrium_session raw = {0};
    assert_int_equal(f->s->oauth->session_get(f->s, f->t1.id, cookie, atrium_now(), &raw),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(f->s->oauth->session_get(f->s, f->t1.id, hash, atrium_now(), &raw), 0);
    assert_true(ss.expires - ss.created == f->o.cfg.session_lifetime);
    assert_true(ss.created >= t0);

    struct atrium_session got = {0};
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, cookie, &got), 0);
    assert_string_equal(got.user_id, f->alice.id);
    assert_string_equal(got.tenant_id, f->t1.id);
    assert_int_equal(got.auth_time, t0 - 5);
    assert_int_equal(got.expires, ss.expires);
    /* Another tenant's session is a missing one. */
    assert_int_equal(atrium_oauth_session_find(f->s, f->t2.id, cookie, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, NULL, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, "", &got), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, hash, &got), ATRIUM_ENOTFOUND);
    cookie[0] = cookie[0] == 'A' ? 'B' : 'A';
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, cookie, &got), ATRIUM_ENOTFOUND);
    free(cookie);
}

static void test_values_are_unique(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char *a = NULL, *b = NULL;
    int64_t now = atrium_now();
    assert_int_equal(atrium_oauth_session_start(f->s, &f->o, f->t1.id, f->alice.id, now, &a, NULL),
                     0);
    assert_int_equal(atrium_oauth_session_start(f->s, &f->o, f->t1.id, f->alice.id, now, &b, NULL),
                     0);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void test_expiry(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char *cookie = NULL;
    assert_int_equal(
        atrium_oauth_session_start(f->s, &f->o, f->t1.id, f->alice.id, atrium_now(), &cookie, NULL),
        0);
    atrium_clock_set_offset(f->o.cfg.session_lifetime - 30);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, cookie, NULL), 0);
    atrium_clock_set_offset(f->o.cfg.session_lifetime + 1);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, cookie, NULL), ATRIUM_ENOTFOUND);
    free(cookie);
}

static void test_end(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char *cookie = NULL, *other = NULL;
    int64_t now = atrium_now();
    assert_int_equal(
        atrium_oauth_session_start(f->s, &f->o, f->t1.id, f->alice.id, now, &cookie, NULL), 0);
    assert_int_equal(
        atrium_oauth_session_start(f->s, &f->o, f->t1.id, f->alice.id, now, &other, NULL), 0);
    /* Another tenant cannot end it. */
    atrium_oauth_session_end(f->s, f->t2.id, cookie);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, cookie, NULL), 0);
    assert_int_equal(atrium_oauth_session_end(f->s, f->t1.id, cookie), 0);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, cookie, NULL), ATRIUM_ENOTFOUND);
    /* The user's other session lives on. */
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, other, NULL), 0);
    assert_int_equal(atrium_oauth_session_end(f->s, f->t1.id, NULL), ATRIUM_ENOTFOUND);
    free(cookie);
    free(other);
}

static void test_start_checks_input(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    char *cookie = (char *)"untouched";
    assert_int_equal(
        atrium_oauth_session_start(f->s, &f->o, "not-a-guid", f->alice.id, 0, &cookie, NULL),
        ATRIUM_EINVAL);
    assert_null(cookie);
    assert_int_equal(atrium_oauth_session_start(f->s, &f->o, f->t1.id, "", 0, &cookie, NULL),
                     ATRIUM_EINVAL);
    /* A user of another tenant cannot get a session here. */
    assert_true(atrium_oauth_session_start(f->s, &f->o, f->t2.id, f->alice.id, 0, &cookie, NULL) <
                0);
    assert_null(cookie);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_hash_rejects_odd_input),
        cmocka_unit_test_setup_teardown(test_start_and_find, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_values_are_unique, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_expiry, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_end, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_start_checks_input, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
