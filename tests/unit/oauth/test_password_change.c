/* SPDX-License-Identifier: MIT */
/*
 * Password change from the sign-in page: current password checked with
 * lockout, new one against the policy and the current one, flag cleared,
 * refresh tokens revoked and browser sessions ended (a session started
 * after the change lives), outcome recorded.
 */
#include "authn_fixture.h"

#include "crypto/pwhash_gate.h"

#define NEW_PASSWORD "Quiet-Meadow-Compass-77"

static struct atrium_authn_request request(const struct fx_tenant *t, const struct fx_user *u,
                                           const char *password)
{
    struct atrium_authn_request r = {.tenant_id = t->id,
                                     .username = u->upn,
                                     .password = password,
                                     .client_app_id = "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
                                     .client_name = "Atrium Command Line",
                                     .ip = "198.51.100.4",
                                     .correlation_id = "c0ffee00-0000-4000-8000-000000000001",
                                     .grant = "authorization_code"};
    return r;
}

static int auth(struct fx *f, const struct fx_user *u, const char *password,
                struct atrium_oauth_error *e)
{
    struct atrium_authn_request r = request(&f->t1, u, password);
    struct atrium_user got;
    int rc = atrium_oauth_authenticate(f->s, &f->o, &r, &got, e);
    atrium_user_release(&got);
    return rc;
}

/* A live refresh token of u; its hash goes to ret_hash. */
static void give_refresh_token(struct fx *f, const struct fx_user *u,
                               char ret_hash[ATRIUM_TOKEN_HASH_LEN + 1])
{
    struct atrium_refresh_token t = {.scope = "openid offline_access",
                                     .auth_time = atrium_now(),
                                     .created = atrium_now(),
                                     .expires = atrium_now() + 3600};
    atrium_token_hash("some-refresh-token", 18, ret_hash);
    memcpy(t.token_hash, ret_hash, ATRIUM_TOKEN_HASH_LEN + 1);
    memcpy(t.tenant_id, f->t1.id, sizeof(t.tenant_id));
    atrium_uuid_v4(t.family_id);
    snprintf(t.client_id, sizeof(t.client_id), "%s", "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    memcpy(t.user_id, u->id, sizeof(t.user_id));
    assert_int_equal(f->s->oauth->refresh_insert(f->s, &t), 0);
}

static size_t events_with_code(struct fx *f, int code)
{
    struct atrium_signin_event_list l = {0};
    assert_int_equal(f->s->oauth->signin_list(f->s, f->t1.id, 0, NULL, 1000, &l), 0);
    size_t n = 0;
    for (size_t i = 0; i < l.count; i++) {
        n += l.items[i].error_code == code;
        assert_null(
            strstr(l.items[i].failure_reason ? l.items[i].failure_reason : "", NEW_PASSWORD));
    }
    atrium_signin_event_list_release(&l);
    return n;
}

static void test_forced_change(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct fx_user bob;
    fx_new_user(f, &f->t1, "bob", FX_PASSWORD, true, true, &bob);
    char rt[ATRIUM_TOKEN_HASH_LEN + 1];
    give_refresh_token(f, &bob, rt);
    /* Two browser sessions of bob (say, a stolen cookie) and one of alice. */
    char *bob1 = NULL, *bob2 = NULL, *alice1 = NULL;
    int64_t now = atrium_now();
    assert_int_equal(atrium_oauth_session_start(f->s, &f->o, f->t1.id, bob.id, now, &bob1, NULL),
                     0);
    assert_int_equal(atrium_oauth_session_start(f->s, &f->o, f->t1.id, bob.id, now, &bob2, NULL),
                     0);
    assert_int_equal(
        atrium_oauth_session_start(f->s, &f->o, f->t1.id, f->alice.id, now, &alice1, NULL), 0);
    struct atrium_oauth_error e = {0};
    assert_int_equal(auth(f, &bob, FX_PASSWORD, &e), ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, 50055);

    struct atrium_authn_request r = request(&f->t1, &bob, FX_PASSWORD);
    struct atrium_user u;
    size_t ok_before = events_with_code(f, 0);
    assert_int_equal(atrium_oauth_change_password(f->s, &f->o, &r, NEW_PASSWORD, &u, &e), 0);
    assert_string_equal(u.id, bob.id);
    assert_false(u.force_change_password);
    assert_non_null(u.password_hash);
    atrium_user_release(&u);
    assert_int_equal(events_with_code(f, 0), ok_before + 1);
    /* The directory audit log has the change, by bob himself, without a value. */
    struct atrium_audit_filter af = {.activity = "Change user password"};
    struct atrium_directory_audit_list al = {0};
    assert_int_equal(f->s->ops->audit_list(f->s, f->t1.id, &af, NULL, 10, &al), 0);
    assert_int_equal(al.count, 1);
    assert_int_equal(al.items[0].initiator, ATRIUM_AUDIT_BY_USER);
    assert_string_equal(al.items[0].initiator_id, bob.id);
    assert_non_null(strstr(al.items[0].targets, bob.id));
    assert_null(strstr(al.items[0].targets, NEW_PASSWORD));
    assert_null(strstr(al.items[0].targets, FX_PASSWORD));
    atrium_directory_audit_list_release(&al);

    /* The new password signs in (no more 50055); the old one is wrong. */
    assert_int_equal(auth(f, &bob, NEW_PASSWORD, &e), 0);
    assert_int_equal(auth(f, &bob, FX_PASSWORD, &e), ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, 50126);
    /* The stored user has the flag cleared. */
    struct atrium_user stored = {0};
    assert_int_equal(f->s->ops->user_get(f->s, f->t1.id, bob.id, &stored), 0);
    assert_false(stored.force_change_password);
    atrium_user_release(&stored);
    /* Refresh tokens issued before are revoked. */
    struct atrium_refresh_token t = {0};
    assert_int_equal(f->s->oauth->refresh_use(f->s, f->t1.id, rt, atrium_now(), &t),
                     ATRIUM_ECONFLICT);
    assert_true(t.revoked);
    atrium_refresh_token_release(&t);
    /* Bob's sessions ended with the change; alice's did not; a new one lives. */
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, bob1, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, bob2, NULL), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, alice1, NULL), 0);
    char *bob3 = NULL;
    assert_int_equal(
        atrium_oauth_session_start(f->s, &f->o, f->t1.id, bob.id, atrium_now(), &bob3, NULL), 0);
    assert_int_equal(atrium_oauth_session_find(f->s, f->t1.id, bob3, NULL), 0);
    free(bob1);
    free(bob2);
    free(bob3);
    free(alice1);
}

static void test_voluntary_change_and_null_user(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_authn_request r = request(&f->t1, &f->alice, FX_PASSWORD);
    struct atrium_oauth_error e = {0};
    assert_int_equal(atrium_oauth_change_password(f->s, &f->o, &r, NEW_PASSWORD, NULL, &e), 0);
    assert_int_equal(auth(f, &f->alice, NEW_PASSWORD, &e), 0);
}

static void test_wrong_current_password_counts(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct fx_user bob;
    fx_new_user(f, &f->t1, "bob", FX_PASSWORD, true, true, &bob);
    struct atrium_authn_request r = request(&f->t1, &bob, "Not-The-Current-1");
    struct atrium_oauth_error e = {0};
    struct atrium_user u;
    assert_int_equal(atrium_oauth_change_password(f->s, &f->o, &r, NEW_PASSWORD, &u, &e),
                     ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, 50126);
    assert_null(u.upn);
    struct atrium_lockout l = {0};
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, bob.id, &l), 0);
    assert_int_equal(l.failed_count, 1);
    /* Ten of them lock the account: even the right current password is refused. */
    for (int i = 0; i < 9; i++) {
        AUTO_FREE char *pw = xasprintf("Not-The-Current-%d", i + 2);
        r.password = pw;
        assert_int_equal(atrium_oauth_change_password(f->s, &f->o, &r, NEW_PASSWORD, &u, &e),
                         ATRIUM_EAUTH);
    }
    r.password = FX_PASSWORD;
    assert_int_equal(atrium_oauth_change_password(f->s, &f->o, &r, NEW_PASSWORD, &u, &e),
                     ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, 50053);
    /* Nothing changed. */
    atrium_clock_set_offset(61);
    assert_int_equal(auth(f, &bob, FX_PASSWORD, &e), ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, 50055);
}

static void expect_refused(struct fx *f, const struct fx_user *who, const char *new_password,
                           const char *message_part)
{
    struct atrium_authn_request r = request(&f->t1, who, FX_PASSWORD);
    struct atrium_oauth_error e = {0};
    struct atrium_user u;
    assert_int_equal(atrium_oauth_change_password(f->s, &f->o, &r, new_password, &u, &e),
                     ATRIUM_EINVAL);
    assert_string_equal(e.error, "invalid_request");
    assert_int_equal(e.status, 400);
    assert_null(u.upn);
    if (message_part)
        assert_non_null(strstr(e.description, message_part));
}

static void test_policy(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct fx_user bob;
    fx_new_user(f, &f->t1, "bobby.tables", FX_PASSWORD, true, true, &bob);
    size_t refused_before = events_with_code(f, 50055);
    expect_refused(f, &bob, "short", "at least 8");
    expect_refused(f, &bob, "Password123!", "common");
    expect_refused(f, &bob, "my fabrikam research pw", "organization");
    expect_refused(f, &bob, "xx-BobbyTables-2024", "user name");
    expect_refused(f, &bob, FX_PASSWORD, "different");
    expect_refused(f, &bob, "", "new_password");
    expect_refused(f, &bob, NULL, "new_password");
    /* Each refusal is recorded as a still-blocked sign-in; the password stays. */
    assert_int_equal(events_with_code(f, 50055), refused_before + 7);
    struct atrium_oauth_error e = {0};
    assert_int_equal(auth(f, &bob, FX_PASSWORD, &e), ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, 50055);
    /* A refused new password is not a failed sign-in: no lockout counting. */
    struct atrium_lockout l = {0};
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, bob.id, &l), 0);
    assert_int_equal(l.failed_count, 0);
}

static void test_busy_hasher(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_authn_request r = request(&f->t1, &f->alice, FX_PASSWORD);
    struct atrium_oauth_error e = {0};
    /* Hold the hasher's only slot: refused at once, nothing changed. */
    assert_int_equal(atrium_pwhash_gate_enter(f->o.hasher), 0);
    assert_int_equal(atrium_oauth_change_password(f->s, &f->o, &r, NEW_PASSWORD, NULL, &e),
                     ATRIUM_EBUSY);
    assert_int_equal(e.status, 503);
    atrium_pwhash_gate_leave(f->o.hasher);
    assert_int_equal(auth(f, &f->alice, FX_PASSWORD, &e), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forced_change, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_voluntary_change_and_null_user, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_current_password_counts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_policy, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_busy_hasher, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
