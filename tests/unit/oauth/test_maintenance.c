/* SPDX-License-Identifier: MIT */
/*
 * The purge of expired sign-in records (oauth/maintenance.h): the batch
 * loop (stops on a short batch, or when the per-kind budget is spent and
 * says so), the margin past expiry, the sign-in log's retention (and 0:
 * forever), and that the token endpoint answers the same after a purge as
 * before: an expired code is invalid_grant 70008 either way, refresh-token
 * reuse is still detected (and revokes the family) while the family lives,
 * an expired refresh token is 70008 either way; an expired device code is
 * expired_token through the margin, and only once purged after it
 * bad_verification_code (the one answer that changes; see maintenance.c).
 */
#include "token_fixture.h"

#include "oauth/maintenance.h"
#include "oauth/oauth_priv.h"

#define USER_SCOPE "https://graph.microsoft.com/User.Read openid profile offline_access"
#define VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define REDIRECT "http://localhost:5000/cb"
#define DAY 86400

/* Store a code of alice for pub, expiring at expires, as code.c would; the value (heap). */
static char *issue_code(struct tf *f, int64_t expires)
{
    char *code = atrium_oauth_opaque_new(f->t1.id);
    char challenge[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash(VERIFIER, strlen(VERIFIER), challenge);
    struct atrium_auth_code c = {.redirect_uri = REDIRECT,
                                 .scope = "User.Read openid",
                                 .code_challenge = challenge,
                                 .session_id = "",
                                 .auth_time = expires - 610,
                                 .created = expires - 600,
                                 .expires = expires};
    atrium_token_hash(code, strlen(code), c.code_hash);
    snprintf(c.tenant_id, sizeof(c.tenant_id), "%s", f->t1.id);
    snprintf(c.client_id, sizeof(c.client_id), "%s", f->pub.app_id);
    snprintf(c.user_id, sizeof(c.user_id), "%s", f->alice.id);
    atrium_uuid_v4(c.family_id);
    assert_int_equal(f->s->oauth->code_insert(f->s, &c), 0);
    return code;
}

/* A pending device code of the first-party client expiring at expires; the value (heap). */
static char *issue_device(struct tf *f, int64_t expires)
{
    char *code = atrium_oauth_opaque_new(f->t1.id);
    struct atrium_device_code d = {
        .scope = USER_SCOPE, .status = ATRIUM_DEVICE_PENDING, .created = expires - 900};
    d.expires = expires;
    char hex[9];
    atrium_random_hex(hex, 4);
    snprintf(d.user_code, sizeof(d.user_code), "%.4s-%.4s", hex, hex + 4);
    atrium_token_hash(code, strlen(code), d.device_code_hash);
    snprintf(d.tenant_id, sizeof(d.tenant_id), "%s", f->t1.id);
    snprintf(d.client_id, sizeof(d.client_id), "%s", ATRIUM_FIRST_PARTY_CLIENT_ID);
    assert_int_equal(f->s->oauth->device_insert(f->s, &d), 0);
    return code;
}

static void expect_error(struct tf *f, struct atrium_token_request *r, const char *error,
                         int aadsts)
{
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    int rc = tf_token(f, r, &resp, &e);
    if (rc == 0 || strcmp(e.error, error) != 0 || e.aadsts != aadsts)
        fail_msg("got %s %d, want %s %d", rc == 0 ? "success" : e.error, e.aadsts, error, aadsts);
    json_decref(resp);
}

static void expect_code_error(struct tf *f, const char *code)
{
    struct atrium_token_request r = tf_request(f->t1.id, "authorization_code", f->pub.app_id);
    r.code = code;
    r.redirect_uri = REDIRECT;
    r.code_verifier = VERIFIER;
    expect_error(f, &r, "invalid_grant", 70008);
}

static void expect_poll(struct tf *f, const char *code, const char *error, int aadsts)
{
    struct atrium_token_request r =
        tf_request(f->t1.id, "device_code", ATRIUM_FIRST_PARTY_CLIENT_ID);
    r.device_code = code;
    expect_error(f, &r, error, aadsts);
}

static int refresh(struct tf *f, const char *rt, json_t **resp, struct atrium_oauth_error *e)
{
    struct atrium_token_request r =
        tf_request(f->t1.id, "refresh_token", ATRIUM_FIRST_PARTY_CLIENT_ID);
    r.refresh_token = rt;
    return tf_token(f, &r, resp, e);
}

static char *first_rt(struct tf *f)
{
    json_t *resp = tf_ropc(f, ATRIUM_FIRST_PARTY_CLIENT_ID, NULL, USER_SCOPE);
    char *rt = xstrdup(tf_str(resp, "refresh_token"));
    json_decref(resp);
    return rt;
}

static char *refresh_ok(struct tf *f, const char *rt)
{
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    if (refresh(f, rt, &resp, &e) != 0)
        fail_msg("refresh: %s %d %s", e.error, e.aadsts, e.description);
    char *next = xstrdup(tf_str(resp, "refresh_token"));
    json_decref(resp);
    return next;
}

static void expect_refresh_error(struct tf *f, const char *rt, int aadsts)
{
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    int rc = refresh(f, rt, &resp, &e);
    if (rc == 0 || strcmp(e.error, "invalid_grant") != 0 || e.aadsts != aadsts)
        fail_msg("got %s %d, want invalid_grant %d", rc == 0 ? "success" : e.error, e.aadsts,
                 aadsts);
}

static struct atrium_oauth_purge_counts run(struct tf *f, size_t batch, size_t max_batches)
{
    struct atrium_oauth_purge_limits lim = {.batch = batch, .max_batches = max_batches};
    struct atrium_oauth_purge_counts c;
    assert_int_equal(atrium_oauth_purge(f->s, &f->o.cfg, atrium_now(), &lim, &c), 0);
    return c;
}

static void test_purge_loop(void **state)
{
    struct tf *f = *state;
    int64_t now = atrium_now();
    for (int i = 0; i < 7; i++)
        free(issue_code(f, now - ATRIUM_OAUTH_PURGE_MARGIN - 1 - i));
    AUTO_FREE char *recent = issue_code(f, now - ATRIUM_OAUTH_PURGE_MARGIN + 5); /* in margin */
    AUTO_FREE char *live = issue_code(f, now + 600);

    /* Budget of 2 batches of 2: 4 go, and the run says more may be left. */
    struct atrium_oauth_purge_counts c = run(f, 2, 2);
    assert_int_equal(c.deleted[ATRIUM_PURGE_CODES], 4);
    assert_int_equal(c.total, 4);
    assert_true(c.more);
    /* The next run finishes: 3 more, the last batch short. */
    c = run(f, 2, 2);
    assert_int_equal(c.deleted[ATRIUM_PURGE_CODES], 3);
    assert_false(c.more);
    c = run(f, 0, 0); /* defaults */
    assert_int_equal(c.total, 0);
    assert_false(c.more);

    /* The code within the margin and the live one are still there: the live one works. */
    struct atrium_token_request r = tf_request(f->t1.id, "authorization_code", f->pub.app_id);
    r.code = live;
    r.redirect_uri = REDIRECT;
    r.code_verifier = VERIFIER;
    json_t *resp = NULL;
    struct atrium_oauth_error e;
    assert_int_equal(tf_token(f, &r, &resp, &e), 0);
    json_decref(resp);
    atrium_clock_set_offset(6);
    c = run(f, 0, 0);
    assert_int_equal(c.deleted[ATRIUM_PURGE_CODES], 1); /* now past the margin */
    assert_int_equal(atrium_oauth_purge(f->s, &f->o.cfg, atrium_now(), NULL, NULL), 0);
    assert_string_equal(atrium_oauth_purge_kind_name(ATRIUM_PURGE_SIGNIN_EVENTS), "signin_events");
}

static void test_expired_code_same_answer(void **state)
{
    struct tf *f = *state;
    AUTO_FREE char *code = issue_code(f, atrium_now() - ATRIUM_OAUTH_PURGE_MARGIN - 1);
    AUTO_FREE char *other = issue_code(f, atrium_now() - ATRIUM_OAUTH_PURGE_MARGIN - 1);
    expect_code_error(f, code);
    assert_int_equal(run(f, 0, 0).deleted[ATRIUM_PURGE_CODES], 2);
    expect_code_error(f, code);
    expect_code_error(f, other);
}

static void test_refresh_reuse_after_purge(void **state)
{
    struct tf *f = *state;
    AUTO_FREE char *rt0 = first_rt(f);
    AUTO_FREE char *idle = first_rt(f);
    /* Day 80: rotate rt0 (rt1 lives until day 170; rt0's row, used, until day 90). */
    atrium_clock_set_offset(80 * DAY);
    AUTO_FREE char *rt1 = refresh_ok(f, rt0);
    /* Day 89: nothing of either family expired: the purge takes none of it. */
    atrium_clock_set_offset(89 * DAY);
    assert_int_equal(run(f, 0, 0).deleted[ATRIUM_PURGE_REFRESH_TOKENS], 0);
    /* Day 91 + margin: idle's family expired and goes; the rotated rt0 too (its own expiry). */
    atrium_clock_set_offset(91 * DAY + ATRIUM_OAUTH_PURGE_MARGIN);
    expect_refresh_error(f, idle, 70008); /* before the purge */
    struct atrium_oauth_purge_counts c = run(f, 0, 0);
    assert_int_equal(c.deleted[ATRIUM_PURGE_REFRESH_TOKENS], 2);
    expect_refresh_error(f, idle, 70008); /* after: the same answer */
    /* The live family still rotates, and a replay of a rotated token is still caught. */
    AUTO_FREE char *rt2 = refresh_ok(f, rt1);
    assert_int_equal(run(f, 0, 0).deleted[ATRIUM_PURGE_REFRESH_TOKENS], 0);
    expect_refresh_error(f, rt1, 70000); /* reuse: the family is revoked */
    expect_refresh_error(f, rt2, 70008);
}

static void test_device_margin(void **state)
{
    struct tf *f = *state;
    int64_t now = atrium_now();
    AUTO_FREE char *within = issue_device(f, now - ATRIUM_OAUTH_PURGE_MARGIN + 60);
    AUTO_FREE char *past = issue_device(f, now - ATRIUM_OAUTH_PURGE_MARGIN - 1);
    expect_poll(f, within, "expired_token", 70019);
    expect_poll(f, past, "expired_token", 70019);
    assert_int_equal(run(f, 0, 0).deleted[ATRIUM_PURGE_DEVICE_CODES], 1);
    /* Within the margin a purge changes nothing; after it the code is unknown. */
    expect_poll(f, within, "expired_token", 70019);
    expect_poll(f, past, "bad_verification_code", 70000);
}

static void insert_signin(struct tf *f, int64_t created)
{
    struct atrium_signin_event ev = {.grant = "password", .created = created};
    atrium_uuid_v4(ev.id);
    snprintf(ev.tenant_id, sizeof(ev.tenant_id), "%s", f->t1.id);
    atrium_uuid_v4(ev.app_id);
    assert_int_equal(f->s->oauth->signin_insert(f->s, &ev), 0);
}

static void test_signin_retention(void **state)
{
    struct tf *f = *state;
    int64_t now = atrium_now();
    insert_signin(f, now - 30 * DAY - 1);
    insert_signin(f, now - 31 * DAY);
    insert_signin(f, now - 29 * DAY);

    f->o.cfg.signin_retention = 0; /* kept forever */
    assert_int_equal(run(f, 0, 0).deleted[ATRIUM_PURGE_SIGNIN_EVENTS], 0);
    f->o.cfg = (struct atrium_oauth_config)ATRIUM_OAUTH_CONFIG_DEFAULT;
    assert_int_equal(f->o.cfg.signin_retention, 30 * DAY);
    assert_int_equal(run(f, 0, 0).deleted[ATRIUM_PURGE_SIGNIN_EVENTS], 2);
    struct atrium_signin_event_list l = {0};
    assert_int_equal(f->s->oauth->signin_list(f->s, f->t1.id, 0, NULL, 100, &l), 0);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.items[0].created, now - 29 * DAY);
    atrium_signin_event_list_release(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_purge_loop, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_expired_code_same_answer, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_refresh_reuse_after_purge, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_device_margin, tf_setup, tf_teardown),
        cmocka_unit_test_setup_teardown(test_signin_retention, tf_setup, tf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
