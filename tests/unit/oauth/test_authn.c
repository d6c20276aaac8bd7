/* SPDX-License-Identifier: MIT */
/*
 * User authentication: credentials, smart lockout (threshold, repeated
 * passwords, expiry, growth, the observation window), unknown names that
 * lock exactly like accounts (same answers, same log entry, per tenant,
 * case and spaces folded), account state, the hasher gate, and the sign-in
 * log (every attempt, right code, never the password). The pure lockout
 * arithmetic is tested first, without a store.
 */
#include "authn_fixture.h"

#include <pthread.h>

#include "crypto/pwhash_gate.h"
#include "oauth/authn_internal.h"

#define APP_NAME "Atrium Command Line"
#define IP "203.0.113.7"

/* Each attempt gets its own correlation id, so its event can be found (events of one second tie).
 */
static char g_correlation[ATRIUM_UUID_LEN + 1];

/* --- Pure lockout arithmetic ------------------------------------------------ */

static void test_lockout_duration_doubles_and_caps(void **state)
{
    (void)state;
    struct atrium_oauth_config cfg = ATRIUM_OAUTH_CONFIG_DEFAULT;
    assert_int_equal(atrium_oauth_lockout_duration(&cfg, 0), 60);
    assert_int_equal(atrium_oauth_lockout_duration(&cfg, 1), 120);
    assert_int_equal(atrium_oauth_lockout_duration(&cfg, 2), 240);
    assert_int_equal(atrium_oauth_lockout_duration(&cfg, 10), 61440);
    assert_int_equal(atrium_oauth_lockout_duration(&cfg, 11), 86400);
    assert_int_equal(atrium_oauth_lockout_duration(&cfg, 1000000), 86400);
    cfg.lockout_duration = 100000;
    assert_int_equal(atrium_oauth_lockout_duration(&cfg, 0), 86400);
}

static void tag_of(const char *password, char out[ATRIUM_LOCKOUT_TAG_LEN + 1])
{
    struct atrium_masterkey *mk = atrium_masterkey_generate();
    struct atrium_secret_hasher *h = NULL;
    assert_int_equal(atrium_secret_hasher_new(mk, &h), 0);
    assert_int_equal(atrium_oauth_lockout_tag(h, "t", "u", password, out), 0);
    atrium_secret_hasher_free(h);
    atrium_masterkey_free(mk);
}

static void test_lockout_tag_keyed(void **state)
{
    (void)state;
    struct atrium_masterkey *mk = atrium_masterkey_generate();
    struct atrium_secret_hasher *h = NULL;
    assert_int_equal(atrium_secret_hasher_new(mk, &h), 0);
    char a[ATRIUM_LOCKOUT_TAG_LEN + 1], b[ATRIUM_LOCKOUT_TAG_LEN + 1];
    char c[ATRIUM_LOCKOUT_TAG_LEN + 1], d[ATRIUM_LOCKOUT_TAG_LEN + 1];
    assert_int_equal(atrium_oauth_lockout_tag(h, "t1", "u1", "guess-1", a), 0);
    assert_int_equal(atrium_oauth_lockout_tag(h, "t1", "u1", "guess-1", b), 0);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), ATRIUM_LOCKOUT_TAG_LEN);
    assert_int_equal(atrium_oauth_lockout_tag(h, "t1", "u2", "guess-1", c), 0);
    assert_string_not_equal(a, c); /* per user */
    assert_int_equal(atrium_oauth_lockout_tag(h, "t1", "u1", "guess-2", d), 0);
    assert_string_not_equal(a, d);
    /* Another server key gives another tag: the tag is keyed, not a plain hash. */
    char other[ATRIUM_LOCKOUT_TAG_LEN + 1];
    tag_of("guess-1", other);
    assert_int_equal(atrium_oauth_lockout_tag(h, "t", "u", "guess-1", c), 0);
    assert_string_not_equal(other, c);
    assert_null(strstr(a, "guess"));
    atrium_secret_hasher_free(h);
    atrium_masterkey_free(mk);
}

static void test_lockout_name_key(void **state)
{
    (void)state;
    struct atrium_masterkey *mk = atrium_masterkey_generate();
    struct atrium_secret_hasher *h = NULL;
    assert_int_equal(atrium_secret_hasher_new(mk, &h), 0);
    char a[ATRIUM_LOCKOUT_NAME_KEY_LEN + 1], b[ATRIUM_LOCKOUT_NAME_KEY_LEN + 1];
    char c[ATRIUM_LOCKOUT_NAME_KEY_LEN + 1];
    assert_int_equal(atrium_oauth_lockout_name_key(h, "t1", "Nobody@Example.COM", a), 0);
    assert_int_equal(strlen(a), ATRIUM_LOCKOUT_NAME_KEY_LEN);
    assert_true(strlen(a) <= ATRIUM_HASH_TEXT_MAX);
    /* Folded as the UPN look-up folds it: one key for every spelling. */
    assert_int_equal(atrium_oauth_lockout_name_key(h, "t1", "nobody@example.com", b), 0);
    assert_string_equal(a, b);
    /* Per tenant, per name, keyed (not a plain hash), and never the name itself. */
    assert_int_equal(atrium_oauth_lockout_name_key(h, "t2", "nobody@example.com", c), 0);
    assert_string_not_equal(a, c);
    assert_int_equal(atrium_oauth_lockout_name_key(h, "t1", "nobody2@example.com", c), 0);
    assert_string_not_equal(a, c);
    char plain[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash("nobody@example.com", strlen("nobody@example.com"), plain);
    assert_string_not_equal(a, plain);
    assert_null(strstr(a, "nobody"));
    struct atrium_masterkey *mk2 = atrium_masterkey_generate();
    struct atrium_secret_hasher *h2 = NULL;
    assert_int_equal(atrium_secret_hasher_new(mk2, &h2), 0);
    assert_int_equal(atrium_oauth_lockout_name_key(h2, "t1", "nobody@example.com", c), 0);
    assert_string_not_equal(a, c);
    assert_int_equal(atrium_oauth_lockout_name_key(NULL, "t1", "x", c), ATRIUM_EINTERNAL);
    atrium_secret_hasher_free(h2);
    atrium_masterkey_free(mk2);
    atrium_secret_hasher_free(h);
    atrium_masterkey_free(mk);
}

static void make_tag(int i, char out[ATRIUM_LOCKOUT_TAG_LEN + 1])
{
    snprintf(out, ATRIUM_LOCKOUT_TAG_LEN + 1, "tag%017d", i);
}

static void test_lockout_counting(void **state)
{
    (void)state;
    struct atrium_oauth_config cfg = ATRIUM_OAUTH_CONFIG_DEFAULT;
    struct atrium_lockout l = {0};
    char tag[ATRIUM_LOCKOUT_TAG_LEN + 1];
    int64_t now = 1000;
    for (int i = 0; i < 9; i++) {
        make_tag(i, tag);
        assert_true(atrium_oauth_lockout_count_failure(&l, &cfg, tag, now));
        assert_false(atrium_oauth_lockout_is_locked(&l, now));
    }
    /* The three most recent ones do not count again; an older one does. */
    make_tag(8, tag);
    assert_false(atrium_oauth_lockout_count_failure(&l, &cfg, tag, now));
    make_tag(6, tag);
    assert_false(atrium_oauth_lockout_count_failure(&l, &cfg, tag, now));
    assert_int_equal(l.failed_count, 9);
    make_tag(5, tag);
    assert_true(atrium_oauth_lockout_count_failure(&l, &cfg, tag, now));
    assert_int_equal(l.failed_count, 10);
    assert_true(atrium_oauth_lockout_is_locked(&l, now));
    assert_true(atrium_oauth_lockout_is_locked(&l, now + 59));
    assert_false(atrium_oauth_lockout_is_locked(&l, now + 60));
    assert_int_equal(l.lockout_count, 1);
    /* After it ends, one more new wrong password locks again, twice as long. */
    make_tag(100, tag);
    assert_true(atrium_oauth_lockout_count_failure(&l, &cfg, tag, now + 60));
    assert_int_equal(l.locked_until, now + 60 + 120);
    assert_int_equal(l.lockout_count, 2);
    assert_true(atrium_oauth_lockout_clear(&l));
    assert_int_equal(l.failed_count, 0);
    assert_int_equal(l.lockout_count, 0);
    assert_false(atrium_oauth_lockout_is_locked(&l, now + 61));
    assert_string_equal(l.last_bad_hash, "");
    assert_false(atrium_oauth_lockout_clear(&l));
}

static void test_lockout_window_forgets_idle_counters(void **state)
{
    (void)state;
    struct atrium_oauth_config cfg = ATRIUM_OAUTH_CONFIG_DEFAULT;
    struct atrium_lockout l = {0};
    char tag[ATRIUM_LOCKOUT_TAG_LEN + 1];
    const int64_t w = cfg.lockout_window, now = 1000;
    assert_int_equal(atrium_oauth_lockout_window(&cfg), 86400);
    for (int i = 0; i < 9; i++) {
        make_tag(i, tag);
        assert_true(atrium_oauth_lockout_count_failure(&l, &cfg, tag, now));
    }
    assert_false(atrium_oauth_lockout_is_stale(&l, &cfg, now + w - 1));
    assert_true(atrium_oauth_lockout_is_stale(&l, &cfg, now + w));
    /* A whole window later the count starts again (and a repeated tag counts). */
    make_tag(8, tag);
    assert_true(atrium_oauth_lockout_count_failure(&l, &cfg, tag, now + w));
    assert_int_equal(l.failed_count, 1);
    assert_int_equal(strlen(l.last_bad_hash), ATRIUM_LOCKOUT_TAG_LEN);
    /* A running lockout is never stale, however old its last failure. */
    for (int i = 0; i < 9; i++) {
        make_tag(20 + i, tag);
        atrium_oauth_lockout_count_failure(&l, &cfg, tag, now + w);
    }
    assert_true(atrium_oauth_lockout_is_locked(&l, now + w));
    l.locked_until = now + 3 * w;
    assert_false(atrium_oauth_lockout_is_stale(&l, &cfg, now + 2 * w + 5));
    assert_true(atrium_oauth_lockout_is_stale(&l, &cfg, now + 3 * w));
    /* Not positive: the default window. */
    cfg.lockout_window = 0;
    assert_int_equal(atrium_oauth_lockout_window(&cfg), ATRIUM_LOCKOUT_WINDOW_DEFAULT);
}

static void test_lockout_recent_list_bounded(void **state)
{
    (void)state;
    struct atrium_oauth_config cfg = ATRIUM_OAUTH_CONFIG_DEFAULT;
    cfg.lockout_threshold = 0; /* never locks */
    struct atrium_lockout l = {0};
    char tag[ATRIUM_LOCKOUT_TAG_LEN + 1];
    for (int i = 0; i < 50; i++) {
        make_tag(i, tag);
        assert_true(atrium_oauth_lockout_count_failure(&l, &cfg, tag, 5));
        assert_true(strlen(l.last_bad_hash) <= ATRIUM_HASH_TEXT_MAX);
    }
    assert_int_equal(strlen(l.last_bad_hash), 3 * ATRIUM_LOCKOUT_TAG_LEN + 2);
    assert_false(atrium_oauth_lockout_is_locked(&l, 5));
    assert_int_equal(l.failed_count, 50);
}

/* --- Store-backed ------------------------------------------------------------ */

static int auth(struct fx *f, const struct fx_tenant *t, const char *username, const char *password,
                struct atrium_user *u, struct atrium_oauth_error *e)
{
    struct atrium_authn_request req = {.tenant_id = t->id,
                                       .username = username,
                                       .password = password,
                                       .client_app_id = "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
                                       .client_name = APP_NAME,
                                       .ip = IP,
                                       .correlation_id = g_correlation,
                                       .grant = "password"};
    atrium_uuid_v4(g_correlation);
    memset(e, 0, sizeof(*e));
    return atrium_oauth_authenticate(f->s, &f->o, &req, u, e);
}

/* Authenticate and expect failure code aadsts; nothing handed out. */
static void expect_fail(struct fx *f, const struct fx_tenant *t, const char *username,
                        const char *password, int aadsts)
{
    struct atrium_user u;
    struct atrium_oauth_error e;
    int rc = auth(f, t, username, password, &u, &e);
    assert_int_equal(rc, ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, aadsts);
    assert_string_equal(e.error, "invalid_grant");
    assert_int_equal(e.status, 400);
    assert_null(u.upn);
    assert_string_equal(u.id, "");
}

static void expect_ok(struct fx *f, const struct fx_tenant *t, const char *username,
                      const char *password, const char *user_id)
{
    struct atrium_user u;
    struct atrium_oauth_error e;
    assert_int_equal(auth(f, t, username, password, &u, &e), 0);
    assert_string_equal(u.id, user_id);
    atrium_user_release(&u);
}

/* The sign-in event of the attempt with correlation id corr in tenant t (exactly one). */
static struct atrium_signin_event event_of(struct fx *f, const struct fx_tenant *t,
                                           const char *corr)
{
    struct atrium_signin_event_list l = {0};
    struct atrium_signin_event ev = {0};
    size_t found = 0;
    assert_int_equal(f->s->oauth->signin_list(f->s, t->id, 0, NULL, 1000, &l), 0);
    for (size_t i = 0; i < l.count; i++) {
        if (!l.items[i].client_request_id || strcmp(l.items[i].client_request_id, corr) != 0)
            continue;
        found++;
        ev = l.items[i];
        memset(&l.items[i], 0, sizeof(l.items[i]));
    }
    atrium_signin_event_list_release(&l);
    assert_int_equal(found, 1);
    return ev;
}

/* The event of the last attempt made through auth(). */
static struct atrium_signin_event last_event(struct fx *f, const struct fx_tenant *t)
{
    return event_of(f, t, g_correlation);
}

static size_t event_count(struct fx *f, const struct fx_tenant *t)
{
    struct atrium_signin_event_list l = {0};
    assert_int_equal(f->s->oauth->signin_list(f->s, t->id, 0, NULL, 1000, &l), 0);
    size_t n = l.count;
    atrium_signin_event_list_release(&l);
    return n;
}

static void test_success(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_user u;
    struct atrium_oauth_error e;
    assert_int_equal(auth(f, &f->t1, f->alice.upn, FX_PASSWORD, &u, &e), 0);
    assert_string_equal(u.id, f->alice.id);
    assert_string_equal(u.tenant_id, f->t1.id);
    assert_true(u.account_enabled);
    atrium_user_release(&u);
    struct atrium_signin_event ev = last_event(f, &f->t1);
    assert_int_equal(ev.error_code, 0);
    assert_null(ev.failure_reason);
    assert_string_equal(ev.user_id, f->alice.id);
    assert_string_equal(ev.user_principal_name, f->alice.upn);
    assert_string_equal(ev.app_id, "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    assert_string_equal(ev.app_display_name, APP_NAME);
    assert_string_equal(ev.ip_address, IP);
    assert_string_equal(ev.client_request_id, g_correlation);
    assert_string_equal(ev.grant, "password");
    atrium_signin_event_release(&ev);
    /* The UPN is case-insensitive and surrounding spaces are ignored (one account). */
    AUTO_FREE char *upper = xstrdup(f->alice.upn);
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    AUTO_FREE char *spaced = xasprintf("  %s ", upper);
    expect_ok(f, &f->t1, spaced, FX_PASSWORD, f->alice.id);
    ev = last_event(f, &f->t1);
    assert_string_equal(ev.user_principal_name, spaced); /* as typed */
    atrium_signin_event_release(&ev);
}

static void test_wrong_password_and_unknown_user_look_alike(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_user u;
    struct atrium_oauth_error wrong, unknown;
    assert_int_equal(auth(f, &f->t1, f->alice.upn, "Not-The-Password-1", &u, &wrong), ATRIUM_EAUTH);
    AUTO_FREE char *nobody = xasprintf("nobody@%s", f->t1.domain);
    assert_int_equal(auth(f, &f->t1, nobody, "Not-The-Password-1", &u, &unknown), ATRIUM_EAUTH);
    assert_int_equal(wrong.aadsts, 50126);
    assert_int_equal(unknown.aadsts, 50126);
    assert_string_equal(wrong.error, unknown.error);
    assert_int_equal(wrong.status, unknown.status);
    assert_string_equal(wrong.description,
                        "Error validating credentials due to invalid username or password.");
    assert_string_equal(wrong.description, unknown.description);
    assert_null(unknown.suberror);
    struct atrium_signin_event ev = last_event(f, &f->t1);
    assert_int_equal(ev.error_code, 50126);
    assert_string_equal(ev.user_id, "");
    assert_string_equal(ev.user_principal_name, nobody);
    assert_non_null(ev.failure_reason);
    atrium_signin_event_release(&ev);
    /* Another tenant's user is an unknown user here. */
    expect_fail(f, &f->t2, f->alice.upn, FX_PASSWORD, 50126);
    /* Empty and absurd usernames are unknown users too. */
    expect_fail(f, &f->t1, "", FX_PASSWORD, 50126);
    char *huge = xmalloc(5000);
    memset(huge, 'a', 4999);
    huge[4999] = '\0';
    expect_fail(f, &f->t1, huge, FX_PASSWORD, 50126);
    ev = last_event(f, &f->t1);
    assert_true(strlen(ev.user_principal_name) <= ATRIUM_SIGNIN_UPN_MAX);
    atrium_signin_event_release(&ev);
    free(huge);
}

static void test_ten_distinct_failures_lock(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    /* Nine failures, then the right password: success and the counter resets. */
    for (int i = 0; i < 9; i++) {
        AUTO_FREE char *pw = xasprintf("wrong-password-%d", i);
        expect_fail(f, &f->t1, f->alice.upn, pw, 50126);
    }
    expect_ok(f, &f->t1, f->alice.upn, FX_PASSWORD, f->alice.id);
    struct atrium_lockout l = {0};
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.failed_count, 0);
    /* Ten distinct ones: locked, whatever the password, without extending the lockout. */
    for (int i = 0; i < 10; i++) {
        AUTO_FREE char *pw = xasprintf("other-wrong-%d", i);
        expect_fail(f, &f->t1, f->alice.upn, pw, 50126);
    }
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    int64_t until = l.locked_until;
    assert_true(until > atrium_now());
    expect_fail(f, &f->t1, f->alice.upn, FX_PASSWORD, 50053);
    expect_fail(f, &f->t1, f->alice.upn, "yet-another-wrong", 50053);
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.locked_until, until);
    assert_int_equal(l.failed_count, 10);
    struct atrium_signin_event ev = last_event(f, &f->t1);
    assert_int_equal(ev.error_code, 50053);
    assert_string_equal(ev.user_id, f->alice.id);
    atrium_signin_event_release(&ev);
    /* The message Entra gives. */
    struct atrium_user u;
    struct atrium_oauth_error e;
    assert_int_equal(auth(f, &f->t1, f->alice.upn, FX_PASSWORD, &u, &e), ATRIUM_EAUTH);
    assert_non_null(strstr(e.description, "locked"));
}

static void test_same_wrong_password_does_not_lock(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    for (int i = 0; i < 15; i++)
        expect_fail(f, &f->t1, f->alice.upn, "the-same-wrong-one", 50126);
    /* Cycling through three wrong passwords does not lock either. */
    for (int i = 0; i < 15; i++) {
        AUTO_FREE char *pw = xasprintf("cycle-%d", i % 3);
        expect_fail(f, &f->t1, f->alice.upn, pw, 50126);
    }
    struct atrium_lockout l = {0};
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.failed_count, 4);
    assert_int_equal(l.locked_until, 0);
    expect_ok(f, &f->t1, f->alice.upn, FX_PASSWORD, f->alice.id);
}

/* Ten distinct wrong passwords with a given prefix. */
static void lock_out(struct fx *f, const char *prefix)
{
    for (int i = 0; i < 10; i++) {
        AUTO_FREE char *pw = xasprintf("%s-%d", prefix, i);
        expect_fail(f, &f->t1, f->alice.upn, pw, 50126);
    }
    expect_fail(f, &f->t1, f->alice.upn, FX_PASSWORD, 50053);
}

static void test_lockout_expires_and_grows(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    lock_out(f, "first");
    atrium_clock_set_offset(50);
    expect_fail(f, &f->t1, f->alice.upn, FX_PASSWORD, 50053);
    atrium_clock_set_offset(61);
    /* Over: a new wrong password locks again at once, now for 120 s. */
    expect_fail(f, &f->t1, f->alice.upn, "second-wrong", 50126);
    expect_fail(f, &f->t1, f->alice.upn, FX_PASSWORD, 50053);
    struct atrium_lockout l = {0};
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.lockout_count, 2);
    assert_int_equal(l.locked_until - l.last_failure, 120);
    atrium_clock_set_offset(61 + 100);
    expect_fail(f, &f->t1, f->alice.upn, FX_PASSWORD, 50053);
    atrium_clock_set_offset(61 + 125);
    expect_ok(f, &f->t1, f->alice.upn, FX_PASSWORD, f->alice.id);
    /* Success forgets everything: the next lockout lasts 60 s again. */
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.failed_count, 0);
    assert_int_equal(l.lockout_count, 0);
    lock_out(f, "third");
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.locked_until - l.last_failure, 60);
}

static void test_first_lockout_lasts_sixty_seconds(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    lock_out(f, "w");
    struct atrium_lockout l = {0};
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.locked_until - l.last_failure, 60);
    assert_int_equal(l.lockout_count, 1);
    /* Three keyed tags; neither a password nor its plain SHA-256 is stored. */
    assert_int_equal(strlen(l.last_bad_hash), 3 * ATRIUM_LOCKOUT_TAG_LEN + 2);
    for (int i = 0; i < 10; i++) {
        char pw[16], plain[ATRIUM_TOKEN_HASH_LEN + 1];
        snprintf(pw, sizeof(pw), "w-%d", i);
        atrium_token_hash(pw, strlen(pw), plain);
        plain[ATRIUM_LOCKOUT_TAG_LEN] = '\0';
        assert_null(strstr(l.last_bad_hash, plain));
    }
    atrium_clock_set_offset(61);
    expect_ok(f, &f->t1, f->alice.upn, FX_PASSWORD, f->alice.id);
}

static void test_lockout_is_per_user_and_tenant(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct fx_user bob, carol;
    fx_new_user(f, &f->t1, "bob", FX_PASSWORD, true, false, &bob);
    fx_new_user(f, &f->t2, "alice", FX_PASSWORD, true, false, &carol);
    lock_out(f, "x");
    expect_ok(f, &f->t1, bob.upn, FX_PASSWORD, bob.id);
    expect_ok(f, &f->t2, carol.upn, FX_PASSWORD, carol.id);
}

/* The answer to one attempt: its code, error and HTTP status, and description. */
struct answer {
    int rc, aadsts;
    unsigned status;
    char error[32], description[256];
};

static struct answer answer_of(struct fx *f, const struct fx_tenant *t, const char *username,
                               const char *password)
{
    struct atrium_user u;
    struct atrium_oauth_error e;
    struct answer a = {0};
    a.rc = auth(f, t, username, password, &u, &e);
    atrium_user_release(&u);
    a.aadsts = e.aadsts;
    a.status = e.status;
    snprintf(a.error, sizeof(a.error), "%s", e.error ? e.error : "");
    snprintf(a.description, sizeof(a.description), "%s", e.description);
    return a;
}

static void assert_same_answer(const struct answer *x, const struct answer *y)
{
    assert_int_equal(x->rc, y->rc);
    assert_int_equal(x->aadsts, y->aadsts);
    assert_int_equal(x->status, y->status);
    assert_string_equal(x->error, y->error);
    assert_string_equal(x->description, y->description);
}

/* The name's counters in the store, as the service keys them. */
static struct atrium_lockout name_counters(struct fx *f, const struct fx_tenant *t,
                                           const char *name)
{
    char key[ATRIUM_LOCKOUT_NAME_KEY_LEN + 1];
    struct atrium_lockout l = {0};
    assert_int_equal(atrium_oauth_lockout_name_key(f->o.secrets, t->id, name, key), 0);
    assert_int_equal(f->s->oauth->name_lockout_get(f->s, t->id, key, &l), 0);
    return l;
}

static void test_unknown_name_locks_like_an_account(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    AUTO_FREE char *ghost = xasprintf("ghost@%s", f->t1.domain);
    /* Attempt by attempt, a real account and a made-up name answer alike. */
    for (int i = 0; i < 10; i++) {
        AUTO_FREE char *pw = xasprintf("spray-%d", i);
        struct answer real = answer_of(f, &f->t1, f->alice.upn, pw);
        struct answer fake = answer_of(f, &f->t1, ghost, pw);
        assert_int_equal(real.aadsts, 50126);
        assert_same_answer(&real, &fake);
    }
    /* The eleventh: both locked, whatever the password (the right one included). */
    struct answer real = answer_of(f, &f->t1, f->alice.upn, FX_PASSWORD);
    struct answer fake = answer_of(f, &f->t1, ghost, FX_PASSWORD);
    assert_int_equal(real.rc, ATRIUM_EAUTH);
    assert_int_equal(real.aadsts, 50053);
    assert_same_answer(&real, &fake);
    struct atrium_lockout l = name_counters(f, &f->t1, ghost);
    int64_t until = l.locked_until;
    assert_int_equal(l.failed_count, 10);
    assert_int_equal(l.lockout_count, 1);
    assert_int_equal(until - l.last_failure, 60);
    assert_string_equal(l.user_id, "");
    /* The same log entry as for the account, without a user id. */
    struct atrium_signin_event ev = last_event(f, &f->t1);
    assert_int_equal(ev.error_code, 50053);
    assert_string_equal(ev.user_id, "");
    assert_string_equal(ev.user_principal_name, ghost);
    assert_string_equal(ev.failure_reason, "The account is locked (smart lockout).");
    atrium_signin_event_release(&ev);
    /* Attempts while locked do not extend the lockout. */
    fake = answer_of(f, &f->t1, ghost, "yet-another");
    assert_int_equal(fake.aadsts, 50053);
    assert_int_equal(name_counters(f, &f->t1, ghost).locked_until, until);
    /* Case and surrounding spaces: the same name, locked too. */
    AUTO_FREE char *upper = xasprintf("  GHOST@%s\t", f->t1.domain);
    assert_int_equal(answer_of(f, &f->t1, upper, "x").aadsts, 50053);
    /* The same name in another tenant, and another name here: not locked. */
    AUTO_FREE char *ghost2 = xasprintf("ghost2@%s", f->t1.domain);
    expect_fail(f, &f->t1, ghost2, "x", 50126);
    expect_fail(f, &f->t2, ghost, "x", 50126);
    assert_int_equal(name_counters(f, &f->t2, ghost).failed_count, 1);
    /* After the lockout, one more new wrong password locks again, for twice as long. */
    atrium_clock_set_offset(61);
    expect_fail(f, &f->t1, ghost, "after-the-lockout", 50126);
    expect_fail(f, &f->t1, ghost, FX_PASSWORD, 50053);
    l = name_counters(f, &f->t1, ghost);
    assert_int_equal(l.lockout_count, 2);
    assert_int_equal(l.locked_until - l.last_failure, 120);
}

static void test_unknown_name_same_password_counts_once(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    AUTO_FREE char *ghost = xasprintf("casper@%s", f->t1.domain);
    for (int i = 0; i < 15; i++)
        expect_fail(f, &f->t1, ghost, "the-same-wrong-one", 50126);
    struct atrium_lockout l = name_counters(f, &f->t1, ghost);
    assert_int_equal(l.failed_count, 1);
    assert_int_equal(l.locked_until, 0);
    struct atrium_signin_event ev = last_event(f, &f->t1);
    assert_string_equal(ev.user_id, "");
    assert_non_null(strstr(ev.failure_reason, "does not exist"));
    atrium_signin_event_release(&ev);
    /* Empty and absurd names (never an account) have no counters and never lock. */
    for (int i = 0; i < 12; i++) {
        AUTO_FREE char *pw = xasprintf("w-%d", i);
        expect_fail(f, &f->t1, "   ", pw, 50126);
    }
}

static void test_locked_name_skips_the_hash(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    AUTO_FREE char *ghost = xasprintf("phantom@%s", f->t1.domain);
    for (int i = 0; i < 10; i++) {
        AUTO_FREE char *pw = xasprintf("p-%d", i);
        expect_fail(f, &f->t1, ghost, pw, 50126);
        expect_fail(f, &f->t1, f->alice.upn, pw, 50126);
    }
    /* With the hasher saturated, locked names and accounts still answer 50053: no hash. */
    assert_int_equal(atrium_pwhash_gate_enter(f->o.hasher), 0);
    expect_fail(f, &f->t1, ghost, "any", 50053);
    expect_fail(f, &f->t1, f->alice.upn, "any", 50053);
    /* An unlocked unknown name still costs a hash: busy, not counted, not logged. */
    AUTO_FREE char *other = xasprintf("other@%s", f->t1.domain);
    size_t before = event_count(f, &f->t1);
    struct atrium_user u;
    struct atrium_oauth_error e;
    assert_int_equal(auth(f, &f->t1, other, "any", &u, &e), ATRIUM_EBUSY);
    atrium_pwhash_gate_leave(f->o.hasher);
    assert_int_equal(event_count(f, &f->t1), before);
    assert_int_equal(name_counters(f, &f->t1, other).failed_count, 0);
}

static void test_idle_counters_are_forgotten_alike(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    AUTO_FREE char *ghost = xasprintf("wisp@%s", f->t1.domain);
    for (int i = 0; i < 9; i++) {
        AUTO_FREE char *pw = xasprintf("first-%d", i);
        expect_fail(f, &f->t1, ghost, pw, 50126);
        expect_fail(f, &f->t1, f->alice.upn, pw, 50126);
    }
    /* A whole observation window later, nine more do not lock either of them. */
    atrium_clock_set_offset(f->o.cfg.lockout_window);
    for (int i = 0; i < 9; i++) {
        AUTO_FREE char *pw = xasprintf("second-%d", i);
        struct answer real = answer_of(f, &f->t1, f->alice.upn, pw);
        struct answer fake = answer_of(f, &f->t1, ghost, pw);
        assert_int_equal(real.aadsts, 50126);
        assert_same_answer(&real, &fake);
    }
    struct atrium_lockout l = {0};
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.failed_count, 9);
    assert_int_equal(name_counters(f, &f->t1, ghost).failed_count, 9);
    expect_ok(f, &f->t1, f->alice.upn, FX_PASSWORD, f->alice.id);
}

static void test_unknown_names_are_purged(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    AUTO_FREE char *old = xasprintf("old-spray@%s", f->t1.domain);
    expect_fail(f, &f->t1, old, "w", 50126);
    assert_int_equal(name_counters(f, &f->t1, old).failed_count, 1);
    /* A window later, the next unknown name's failure purges the stale row. */
    atrium_clock_set_offset(f->o.cfg.lockout_window + 1);
    AUTO_FREE char *fresh = xasprintf("new-spray@%s", f->t1.domain);
    expect_fail(f, &f->t1, fresh, "w", 50126);
    struct atrium_lockout l = name_counters(f, &f->t1, old);
    assert_int_equal(l.failed_count, 0);
    assert_int_equal(l.last_failure, 0);
    assert_int_equal(name_counters(f, &f->t1, fresh).failed_count, 1);
}

static void test_disabled_and_no_password(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct fx_user dave, erin;
    fx_new_user(f, &f->t1, "dave", FX_PASSWORD, false, false, &dave);
    fx_new_user(f, &f->t1, "erin", NULL, true, false, &erin);
    /* Without the password, a disabled account looks like any other. */
    expect_fail(f, &f->t1, dave.upn, "wrong-for-dave", 50126);
    expect_fail(f, &f->t1, dave.upn, FX_PASSWORD, 50057);
    struct atrium_signin_event ev = last_event(f, &f->t1);
    assert_int_equal(ev.error_code, 50057);
    assert_string_equal(ev.user_id, dave.id);
    atrium_signin_event_release(&ev);
    expect_fail(f, &f->t1, erin.upn, FX_PASSWORD, 50056);
    ev = last_event(f, &f->t1);
    assert_int_equal(ev.error_code, 50056);
    atrium_signin_event_release(&ev);
}

static void test_force_change(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct fx_user frank;
    fx_new_user(f, &f->t1, "frank", FX_PASSWORD, true, true, &frank);
    expect_fail(f, &f->t1, frank.upn, "wrong-for-frank", 50126);
    struct atrium_user u;
    struct atrium_oauth_error e;
    assert_int_equal(auth(f, &f->t1, frank.upn, FX_PASSWORD, &u, &e), ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, 50055);
    assert_string_equal(e.error, "invalid_grant");
    assert_non_null(e.suberror);
    assert_string_equal(e.suberror, "user_password_expired");
    assert_string_equal(u.id, frank.id); /* filled, for the change page */
    assert_true(u.force_change_password);
    atrium_user_release(&u);
    struct atrium_signin_event ev = last_event(f, &f->t1);
    assert_int_equal(ev.error_code, 50055);
    atrium_signin_event_release(&ev);
    /* NULL ret_user is fine. */
    struct atrium_authn_request req = {
        .tenant_id = f->t1.id, .username = frank.upn, .password = FX_PASSWORD, .grant = "password"};
    assert_int_equal(atrium_oauth_authenticate(f->s, &f->o, &req, NULL, &e), ATRIUM_EAUTH);
    assert_int_equal(e.aadsts, 50055);
}

static void test_busy_hasher(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    expect_ok(f, &f->t1, f->alice.upn, FX_PASSWORD, f->alice.id);
    size_t before = event_count(f, &f->t1);
    /* Hold the only slot: every check that needs Argon2 is refused at once. */
    assert_int_equal(atrium_pwhash_gate_enter(f->o.hasher), 0);
    struct atrium_user u;
    struct atrium_oauth_error e;
    assert_int_equal(auth(f, &f->t1, f->alice.upn, FX_PASSWORD, &u, &e), ATRIUM_EBUSY);
    assert_int_equal(e.status, 503);
    assert_string_equal(e.error, "temporarily_unavailable");
    AUTO_FREE char *nobody = xasprintf("nobody@%s", f->t1.domain);
    assert_int_equal(auth(f, &f->t1, nobody, FX_PASSWORD, &u, &e), ATRIUM_EBUSY);
    atrium_pwhash_gate_leave(f->o.hasher);
    /* Refused attempts are not counted and not logged. */
    assert_int_equal(event_count(f, &f->t1), before);
    expect_ok(f, &f->t1, f->alice.upn, FX_PASSWORD, f->alice.id);
}

static bool contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle);
}

static void test_signin_log_has_every_attempt_and_no_password(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct fx_user dave;
    fx_new_user(f, &f->t1, "dave", FX_PASSWORD, false, false, &dave);
    AUTO_FREE char *nobody = xasprintf("nobody@%s", f->t1.domain);
    struct {
        const char *user, *password;
        int code;
    } attempts[] = {
        {f->alice.upn, FX_PASSWORD, 0},
        {f->alice.upn, "Secret-Wrong-Guess-1", 50126},
        {nobody, "Secret-Wrong-Guess-2", 50126},
        {dave.upn, FX_PASSWORD, 50057},
        {f->alice.upn, "Secret-Wrong-Guess-1", 50126},
    };
    size_t n = sizeof(attempts) / sizeof(attempts[0]);
    char corr[8][ATRIUM_UUID_LEN + 1];
    for (size_t i = 0; i < n; i++) {
        struct atrium_user u;
        struct atrium_oauth_error e;
        int rc = auth(f, &f->t1, attempts[i].user, attempts[i].password, &u, &e);
        assert_int_equal(rc, attempts[i].code ? ATRIUM_EAUTH : 0);
        atrium_user_release(&u);
        memcpy(corr[i], g_correlation, sizeof(corr[i]));
    }
    assert_int_equal(event_count(f, &f->t1), n);
    for (size_t i = 0; i < n; i++) {
        struct atrium_signin_event evv = event_of(f, &f->t1, corr[i]);
        const struct atrium_signin_event *ev = &evv;
        assert_int_equal(ev->error_code, attempts[i].code);
        assert_string_equal(ev->user_principal_name, attempts[i].user);
        assert_string_equal(ev->tenant_id, f->t1.id);
        assert_string_equal(ev->grant, "password");
        assert_true(ev->error_code == 0 ? ev->failure_reason == NULL : ev->failure_reason != NULL);
        const char *fields[] = {ev->user_principal_name,
                                ev->app_display_name,
                                ev->ip_address,
                                ev->client_request_id,
                                ev->grant,
                                ev->failure_reason,
                                ev->id,
                                ev->user_id,
                                ev->app_id};
        for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
            assert_false(contains(fields[k], "Secret-Wrong-Guess"));
            assert_false(contains(fields[k], FX_PASSWORD));
        }
        atrium_signin_event_release(&evv);
    }
}

static void test_bad_input(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_authn_request req = {.tenant_id = f->t1.id, .username = f->alice.upn};
    struct atrium_oauth_error e = {0};
    struct atrium_user u;
    assert_int_equal(atrium_oauth_authenticate(f->s, &f->o, &req, &u, &e), ATRIUM_EINVAL);
    assert_string_equal(e.error, "invalid_request");
    /* An over-long password is a wrong password, checked without hashing. */
    char *huge = xmalloc(3000);
    memset(huge, 'p', 2999);
    huge[2999] = '\0';
    expect_fail(f, &f->t1, f->alice.upn, huge, 50126);
    free(huge);
    /* Control characters in the typed name are cleaned in the log. */
    AUTO_FREE char *odd = xasprintf("ali\x01"
                                    "ce\n@%s",
                                    f->t1.domain);
    expect_fail(f, &f->t1, odd, FX_PASSWORD, 50126);
    struct atrium_signin_event ev = last_event(f, &f->t1);
    assert_null(strchr(ev.user_principal_name, '\n'));
    assert_null(strchr(ev.user_principal_name, '\x01'));
    atrium_signin_event_release(&ev);
}

/* --- Concurrency ------------------------------------------------------------ */

#define RACE_THREADS 8
#define RACE_ATTEMPTS 4

struct racer {
    struct fx *f;
    const struct atrium_oauth *o;
    int index;
    int failures; /* 50126 answers */
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct atrium_store *s = NULL;
    struct atrium_errinfo ei = {0};
    AUTO_FREE char *uri = xasprintf("sqlite:%s", r->f->db_path);
    if (atrium_store_open(uri, &s, &ei) < 0)
        return NULL;
    for (int i = 0; i < RACE_ATTEMPTS; i++) {
        char pw[32];
        snprintf(pw, sizeof(pw), "race-%d-%d", r->index, i);
        struct atrium_authn_request req = {.tenant_id = r->f->t1.id,
                                           .username = r->f->alice.upn,
                                           .password = pw,
                                           .grant = "password"};
        struct atrium_oauth_error e = {0};
        struct atrium_user u;
        if (atrium_oauth_authenticate(s, r->o, &req, &u, &e) == ATRIUM_EAUTH && e.aadsts == 50126)
            r->failures++;
    }
    atrium_store_close(s);
    return NULL;
}

static void test_parallel_failures_are_all_counted(void **state)
{
    struct fx *f = *state;
    FX_REQUIRE_OAUTH_STORE(f);
    struct atrium_pwhash_params p = {.memory_kib = 1024,
                                     .iterations = 1,
                                     .parallelism = 1,
                                     .max_concurrent = 4,
                                     .max_waiting = 64};
    struct atrium_oauth o = f->o;
    o.cfg.lockout_threshold = 1000;
    assert_int_equal(atrium_pwhasher_new(&p, &o.hasher), 0);
    pthread_t th[RACE_THREADS];
    struct racer r[RACE_THREADS];
    for (int i = 0; i < RACE_THREADS; i++) {
        r[i] = (struct racer){.f = f, .o = &o, .index = i};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    int failures = 0;
    for (int i = 0; i < RACE_THREADS; i++) {
        pthread_join(th[i], NULL);
        failures += r[i].failures;
    }
    atrium_pwhasher_free(o.hasher);
    assert_int_equal(failures, RACE_THREADS * RACE_ATTEMPTS);
    /* No lost update: every distinct wrong password counted once. */
    struct atrium_lockout l = {0};
    assert_int_equal(f->s->oauth->lockout_get(f->s, f->t1.id, f->alice.id, &l), 0);
    assert_int_equal(l.failed_count, RACE_THREADS * RACE_ATTEMPTS);
    assert_int_equal(event_count(f, &f->t1), RACE_THREADS * RACE_ATTEMPTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lockout_duration_doubles_and_caps),
        cmocka_unit_test(test_lockout_tag_keyed),
        cmocka_unit_test(test_lockout_counting),
        cmocka_unit_test(test_lockout_recent_list_bounded),
        cmocka_unit_test(test_lockout_name_key),
        cmocka_unit_test(test_lockout_window_forgets_idle_counters),
        cmocka_unit_test_setup_teardown(test_success, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_password_and_unknown_user_look_alike, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_ten_distinct_failures_lock, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_same_wrong_password_does_not_lock, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_lockout_expires_and_grows, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_first_lockout_lasts_sixty_seconds, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_lockout_is_per_user_and_tenant, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_name_locks_like_an_account, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_name_same_password_counts_once, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_locked_name_skips_the_hash, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_idle_counters_are_forgotten_alike, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_names_are_purged, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_disabled_and_no_password, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_force_change, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_busy_hasher, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_signin_log_has_every_attempt_and_no_password, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_parallel_failures_are_all_counted, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
