/* SPDX-License-Identifier: MIT */
/*
 * Signing keys of a running server (oauth/keys.c, atrium_oauth_keys_refresh):
 * a keyring loaded once follows the store. A rotation is picked up (new
 * active key, previous one published until its not_after), keys the store
 * no longer lists or that expired are dropped, the store's active key is
 * activated even when already held, nothing is re-imported (nor the
 * generation moved) when nothing changed, and a blob that does not open, a
 * wrong master key or a store without an active key leave the keyring as
 * it was. Signers keep working while a refresh runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/jwt.h"
#include "crypto/keyring.h"
#include "crypto/masterkey.h"
#include "oauth/oauth.h"
#include "store/store.h"
#include "store/store_oauth.h"

#define GRACE (14 * 86400)

struct kf {
    char *paths[2];
    struct atrium_store *s;     /* the server's store */
    struct atrium_store *other; /* another, empty store */
    struct atrium_masterkey *mk;
    struct atrium_keyring *kr; /* loaded from s */
};

static struct atrium_store *open_store(char **ret_path)
{
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char hex[17];
    atrium_random_hex(hex, 8);
    *ret_path = xasprintf("%s/keys-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    AUTO_FREE char *uri = xasprintf("sqlite:%s", *ret_path);
    struct atrium_errinfo e = {0};
    struct atrium_store *s = NULL;
    int version = 0;
    assert_int_equal(atrium_store_open(uri, &s, &e), 0);
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    assert_non_null(s->oauth);
    return s;
}

static int setup(void **state)
{
    struct kf *f = xcalloc(1, sizeof(*f));
    struct atrium_errinfo e = {0};
    atrium_clock_set_offset(0);
    f->s = open_store(&f->paths[0]);
    f->other = open_store(&f->paths[1]);
    f->mk = atrium_masterkey_generate();
    assert_int_equal(atrium_oauth_keys_load(f->s, f->mk, &f->kr, &e), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct kf *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    atrium_clock_set_offset(0);
    atrium_store_close(f->s);
    atrium_store_close(f->other);
    atrium_keyring_free(f->kr);
    atrium_masterkey_free(f->mk);
    for (size_t i = 0; i < 2; i++) {
        for (size_t j = 0; j < sizeof(suffixes) / sizeof(suffixes[0]); j++) {
            AUTO_FREE char *p = xasprintf("%s%s", f->paths[i], suffixes[j]);
            unlink(p);
        }
        free(f->paths[i]);
    }
    free(f);
    return 0;
}

static char *active_kid(struct atrium_keyring *kr)
{
    char *kid = NULL;
    assert_int_equal(atrium_keyring_active_kid(kr, &kid), 0);
    return kid;
}

/* The held entry of kid, or NULL. */
static bool held(struct atrium_keyring *kr, const char *kid, struct atrium_keyring_entry *ret)
{
    struct atrium_keyring_entry *v = NULL;
    size_t n = 0;
    bool found = false;
    atrium_keyring_list(kr, &v, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].kid, kid) == 0) {
            if (ret)
                *ret = v[i];
            found = true;
        }
    }
    free(v);
    return found;
}

/* The kids the JWKS publishes, space-separated in order. Heap. */
static char *jwks_kids(struct atrium_keyring *kr)
{
    json_t *jwks = NULL;
    assert_int_equal(atrium_keyring_jwks(kr, NULL, &jwks), 0);
    char *out = xstrdup("");
    const json_t *k = NULL;
    size_t i = 0;
    json_array_foreach(json_object_get(jwks, "keys"), i, k)
    {
        char *next =
            xasprintf("%s%s%s", out, i ? " " : "", json_string_value(json_object_get(k, "kid")));
        free(out);
        out = next;
    }
    json_decref(jwks);
    return out;
}

/* The kid of a token's header. Heap. */
static char *token_kid(const char *jwt)
{
    const char *dot = strchr(jwt, '.');
    assert_non_null(dot);
    unsigned char *hdr = NULL;
    size_t len = 0;
    assert_int_equal(atrium_b64url_decode_alloc(jwt, (size_t)(dot - jwt), &hdr, &len), 0);
    json_t *h = json_loadb((const char *)hdr, len, 0, NULL);
    assert_non_null(h);
    char *kid = xstrdup(json_string_value(json_object_get(h, "kid")));
    json_decref(h);
    free(hdr);
    return kid;
}

static char *sign(struct atrium_keyring *kr)
{
    json_t *claims = json_pack("{s:s, s:I}", "sub", "x", "exp", (json_int_t)atrium_now() + 3600);
    char *jwt = NULL;
    assert_int_equal(atrium_jwt_sign(kr, claims, &jwt), 0);
    json_decref(claims);
    return jwt;
}

static int verify(struct atrium_keyring *kr, const char *jwt)
{
    json_t *claims = NULL;
    int rc = atrium_jwt_verify(kr, jwt, ATRIUM_JWT_MAX_LEN, &claims, NULL);
    json_decref(claims);
    return rc;
}

static int refresh(struct kf *f, struct atrium_store *s, struct atrium_oauth_keys_change *c)
{
    struct atrium_errinfo e = {0};
    memset(c, 0xa5, sizeof(*c)); /* filled on success */
    return atrium_oauth_keys_refresh(s, f->mk, f->kr, c, &e);
}

static void expect_unchanged(const struct atrium_oauth_keys_change *c)
{
    assert_int_equal(c->imported, 0);
    assert_int_equal(c->retired, 0);
    assert_int_equal(c->removed, 0);
    assert_false(c->active_changed);
}

static void test_refresh_unchanged(void **state)
{
    struct kf *f = *state;
    struct atrium_oauth_keys_change c;
    uint64_t gen = atrium_keyring_generation(f->kr);
    AUTO_FREE char *kid = active_kid(f->kr);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(refresh(f, f->s, &c), 0);
        expect_unchanged(&c);
    }
    assert_int_equal(atrium_keyring_generation(f->kr), gen);
    AUTO_FREE char *again = active_kid(f->kr);
    assert_string_equal(again, kid);
    assert_int_equal(atrium_keyring_count(f->kr), 1);
    /* ret may be NULL. */
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_oauth_keys_refresh(f->s, f->mk, f->kr, NULL, &e), 0);
}

static void test_refresh_picks_up_rotation(void **state)
{
    struct kf *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_oauth_keys_change c;
    AUTO_FREE char *old = active_kid(f->kr);
    AUTO_FREE char *old_token = sign(f->kr);
    AUTO_FREE char *rotated = NULL;
    int64_t before = atrium_now();
    assert_int_equal(atrium_oauth_keys_rotate(f->s, f->mk, GRACE, &rotated, &e), 0);

    /* Not picked up before a refresh: the keyring was loaded once. */
    AUTO_FREE char *still = active_kid(f->kr);
    assert_string_equal(still, old);

    uint64_t gen = atrium_keyring_generation(f->kr);
    assert_int_equal(refresh(f, f->s, &c), 0);
    assert_int_equal(c.imported, 1);
    assert_int_equal(c.retired, 1);
    assert_int_equal(c.removed, 0);
    assert_true(c.active_changed);
    assert_true(atrium_keyring_generation(f->kr) > gen);

    AUTO_FREE char *now_active = active_kid(f->kr);
    assert_string_equal(now_active, rotated);
    assert_int_equal(atrium_keyring_count(f->kr), 2);
    struct atrium_keyring_entry prev = {0};
    assert_true(held(f->kr, old, &prev));
    assert_false(prev.active);
    assert_true(prev.not_after >= before + GRACE && prev.not_after <= atrium_now() + GRACE);

    /* Both published, the new one first; new tokens use it; the old token still verifies. */
    AUTO_FREE char *kids = jwks_kids(f->kr);
    AUTO_FREE char *want = xasprintf("%s %s", rotated, old);
    assert_string_equal(kids, want);
    AUTO_FREE char *new_token = sign(f->kr);
    AUTO_FREE char *new_token_kid = token_kid(new_token);
    assert_string_equal(new_token_kid, rotated);
    assert_int_equal(verify(f->kr, old_token), 0);
    assert_int_equal(verify(f->kr, new_token), 0);

    /* A second refresh has nothing to do. */
    gen = atrium_keyring_generation(f->kr);
    assert_int_equal(refresh(f, f->s, &c), 0);
    expect_unchanged(&c);
    assert_int_equal(atrium_keyring_generation(f->kr), gen);

    /* The same as a fresh load (a restart). */
    struct atrium_keyring *loaded = NULL;
    assert_int_equal(atrium_oauth_keys_load(f->s, f->mk, &loaded, &e), 0);
    AUTO_FREE char *loaded_kids = jwks_kids(loaded);
    assert_string_equal(loaded_kids, kids);
    struct atrium_keyring_entry lprev = {0};
    assert_true(held(loaded, old, &lprev));
    assert_int_equal(lprev.not_after, prev.not_after);
    atrium_keyring_free(loaded);
}

static void test_refresh_drops_expired(void **state)
{
    struct kf *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_oauth_keys_change c;
    AUTO_FREE char *old = active_kid(f->kr);
    AUTO_FREE char *old_token = sign(f->kr);
    AUTO_FREE char *rotated = NULL;
    assert_int_equal(atrium_oauth_keys_rotate(f->s, f->mk, 600, &rotated, &e), 0);
    assert_int_equal(refresh(f, f->s, &c), 0);
    assert_int_equal(atrium_keyring_count(f->kr), 2);

    /* Published until its not_after... */
    atrium_clock_set_offset(300); /* well inside the 600 s grace, whatever seconds the test took */
    assert_int_equal(refresh(f, f->s, &c), 0);
    expect_unchanged(&c);
    assert_true(held(f->kr, old, NULL));
    assert_int_equal(verify(f->kr, old_token), 0);

    /* ...then dropped. */
    atrium_clock_set_offset(900);
    assert_int_equal(refresh(f, f->s, &c), 0);
    assert_int_equal(c.imported, 0);
    assert_int_equal(c.removed, 1);
    assert_false(c.active_changed);
    assert_false(held(f->kr, old, NULL));
    assert_int_equal(atrium_keyring_count(f->kr), 1);
    AUTO_FREE char *kids = jwks_kids(f->kr);
    assert_string_equal(kids, rotated);
    assert_int_equal(verify(f->kr, old_token), ATRIUM_EAUTH);
}

static void test_refresh_drops_unlisted(void **state)
{
    struct kf *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_oauth_keys_change c;
    AUTO_FREE char *first = active_kid(f->kr);
    AUTO_FREE char *second = NULL, *third = NULL;

    /* Two rotations between refreshes, the first without grace: it is unlisted at once. */
    assert_int_equal(atrium_oauth_keys_rotate(f->s, f->mk, 0, &second, &e), 0);
    assert_int_equal(atrium_oauth_keys_rotate(f->s, f->mk, GRACE, &third, &e), 0);
    assert_int_equal(refresh(f, f->s, &c), 0);
    assert_int_equal(c.imported, 2);
    assert_int_equal(c.removed, 1);
    assert_true(c.active_changed);
    AUTO_FREE char *kids = jwks_kids(f->kr);
    AUTO_FREE char *want = xasprintf("%s %s", third, second);
    assert_string_equal(kids, want);
    assert_false(held(f->kr, first, NULL));

    /*
     * Another store: every held key is unlisted, the active one included;
     * its own keys come in and its active key signs.
     */
    struct atrium_keyring *other = NULL;
    assert_int_equal(atrium_oauth_keys_load(f->other, f->mk, &other, &e), 0);
    AUTO_FREE char *other_kid = active_kid(other);
    atrium_keyring_free(other);
    assert_int_equal(refresh(f, f->other, &c), 0);
    assert_int_equal(c.imported, 1);
    assert_int_equal(c.removed, 2);
    assert_true(c.active_changed);
    AUTO_FREE char *now_active = active_kid(f->kr);
    assert_string_equal(now_active, other_kid);
    assert_int_equal(atrium_keyring_count(f->kr), 1);
}

static void test_refresh_activates_held_key(void **state)
{
    struct kf *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_oauth_keys_change c;
    AUTO_FREE char *old = active_kid(f->kr);
    AUTO_FREE char *rotated = NULL;
    assert_int_equal(atrium_oauth_keys_rotate(f->s, f->mk, GRACE, &rotated, &e), 0);
    assert_int_equal(refresh(f, f->s, &c), 0);

    /* The store switches back to the previous key (held already): nothing to open. */
    int64_t end = atrium_now() + 3600;
    assert_int_equal(f->s->oauth->signing_key_activate(f->s, old, end), 0);
    assert_int_equal(refresh(f, f->s, &c), 0);
    assert_int_equal(c.imported, 0);
    assert_int_equal(c.retired, 1);
    assert_int_equal(c.removed, 0);
    assert_true(c.active_changed);
    AUTO_FREE char *now_active = active_kid(f->kr);
    assert_string_equal(now_active, old);
    struct atrium_keyring_entry a = {0}, r = {0};
    assert_true(held(f->kr, old, &a));
    assert_true(a.active);
    assert_int_equal(a.not_after, 0);
    assert_true(held(f->kr, rotated, &r));
    assert_int_equal(r.not_after, end);
    AUTO_FREE char *token = sign(f->kr);
    AUTO_FREE char *kid = token_kid(token);
    assert_string_equal(kid, old);
    assert_int_equal(refresh(f, f->s, &c), 0);
    expect_unchanged(&c);
}

/* Insert a sealed key into s, active or not; tamper: flip one character of the blob. Heap kid. */
static char *insert_key(struct atrium_store *s, const struct atrium_masterkey *mk, bool tamper,
                        bool activate)
{
    struct atrium_signing_key *key = NULL;
    struct atrium_signing_key_record rec = {0};
    assert_int_equal(atrium_signing_key_generate(&key), 0);
    assert_int_equal(atrium_signing_key_export(key, mk, &rec.sealed_private), 0);
    if (tamper) {
        size_t n = strlen(rec.sealed_private);
        char *ch = &rec.sealed_private[n - 5];
        *ch = *ch == 'A' ? 'B' : 'A';
    }
    snprintf(rec.kid, sizeof(rec.kid), "%s", atrium_signing_key_kid(key));
    rec.cert_pem = atrium_signing_key_cert_pem(key);
    rec.created = atrium_now();
    assert_int_equal(s->oauth->signing_key_insert(s, &rec), 0);
    if (activate)
        assert_int_equal(s->oauth->signing_key_activate(s, rec.kid, atrium_now() + GRACE), 0);
    char *kid = xstrdup(rec.kid);
    free(rec.sealed_private);
    free(rec.cert_pem);
    atrium_signing_key_free(key);
    return kid;
}

/* The keyring's full state, to compare before/after a failed refresh. Heap. */
static char *snapshot(struct atrium_keyring *kr)
{
    struct atrium_keyring_entry *v = NULL;
    size_t n = 0;
    atrium_keyring_list(kr, &v, &n);
    char *out = xasprintf("gen=%llu", (unsigned long long)atrium_keyring_generation(kr));
    for (size_t i = 0; i < n; i++) {
        char *next =
            xasprintf("%s %s/%lld/%d", out, v[i].kid, (long long)v[i].not_after, (int)v[i].active);
        free(out);
        out = next;
    }
    free(v);
    return out;
}

static void test_refresh_failures_keep_keyring(void **state)
{
    struct kf *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_oauth_keys_change c;
    AUTO_FREE char *old = active_kid(f->kr);
    AUTO_FREE char *old_token = sign(f->kr);
    AUTO_FREE char *before = snapshot(f->kr);

    /* A tampered blob, the store's new active key: nothing changes, not even the good keys. */
    AUTO_FREE char *good = insert_key(f->s, f->mk, false, false);
    AUTO_FREE char *bad = insert_key(f->s, f->mk, true, true);
    e = (struct atrium_errinfo){0};
    assert_int_equal(atrium_oauth_keys_refresh(f->s, f->mk, f->kr, &c, &e), ATRIUM_ECRYPTO);
    assert_non_null(strstr(e.message, bad));
    assert_null(strstr(e.message, "v1.")); /* no blob in the message */
    AUTO_FREE char *after = snapshot(f->kr);
    assert_string_equal(after, before);
    AUTO_FREE char *token = sign(f->kr);
    AUTO_FREE char *kid = token_kid(token);
    assert_string_equal(kid, old);
    assert_int_equal(verify(f->kr, old_token), 0);

    /* Once the store is repaired (a good key active again) the refresh goes through. */
    assert_int_equal(f->s->oauth->signing_key_activate(f->s, good, atrium_now()), 0);
    assert_int_equal(refresh(f, f->s, &c), 0);
    AUTO_FREE char *now_active = active_kid(f->kr);
    assert_string_equal(now_active, good);
    assert_false(held(f->kr, bad, NULL));

    /* A wrong master key opens nothing new: the keyring stays. */
    AUTO_FREE char *rotated = NULL;
    assert_int_equal(atrium_oauth_keys_rotate(f->s, f->mk, GRACE, &rotated, &e), 0);
    AUTO_FREE char *before2 = snapshot(f->kr);
    struct atrium_masterkey *wrong = atrium_masterkey_generate();
    assert_int_equal(atrium_oauth_keys_refresh(f->s, wrong, f->kr, &c, &e), ATRIUM_ECRYPTO);
    atrium_masterkey_free(wrong);
    AUTO_FREE char *after2 = snapshot(f->kr);
    assert_string_equal(after2, before2);

    /* A store listing no active key: refused, the keyring stays. */
    AUTO_FREE char *lone = insert_key(f->other, f->mk, false, false);
    assert_int_equal(atrium_oauth_keys_refresh(f->other, f->mk, f->kr, &c, &e), ATRIUM_EINTERNAL);
    AUTO_FREE char *after3 = snapshot(f->kr);
    assert_string_equal(after3, before2);
    assert_false(held(f->kr, lone, NULL));
}

struct signer {
    struct atrium_keyring *kr;
    atomic_bool stop;
    atomic_int failures;
    atomic_int signed_count;
};

static void *signer_main(void *arg)
{
    struct signer *sg = arg;
    while (!atomic_load(&sg->stop)) {
        json_t *claims = json_pack("{s:s}", "sub", "x");
        char *jwt = NULL;
        json_t *back = NULL;
        if (atrium_jwt_sign(sg->kr, claims, &jwt) < 0 ||
            atrium_jwt_verify(sg->kr, jwt, ATRIUM_JWT_MAX_LEN, &back, NULL) < 0)
            atomic_fetch_add(&sg->failures, 1);
        atomic_fetch_add(&sg->signed_count, 1);
        json_decref(back);
        json_decref(claims);
        free(jwt);
    }
    return NULL;
}

static void test_refresh_while_signing(void **state)
{
    struct kf *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_oauth_keys_change c;
    struct signer sg = {.kr = f->kr};
    pthread_t th[2];
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, signer_main, &sg), 0);
    for (int i = 0; i < 4; i++) {
        AUTO_FREE char *kid = NULL;
        /* With a grace period: a token signed just before a refresh must still verify after it. */
        assert_int_equal(atrium_oauth_keys_rotate(f->s, f->mk, GRACE, &kid, &e), 0);
        assert_int_equal(refresh(f, f->s, &c), 0);
        AUTO_FREE char *active = active_kid(f->kr);
        assert_string_equal(active, kid);
    }
    while (atomic_load(&sg.signed_count) < 20)
        usleep(1000);
    atomic_store(&sg.stop, true);
    for (size_t i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&sg.failures), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_refresh_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_picks_up_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_drops_expired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_drops_unlisted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_activates_held_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_failures_keep_keyring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_while_signing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
