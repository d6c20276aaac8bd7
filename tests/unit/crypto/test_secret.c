/* SPDX-License-Identifier: MIT */
/* Unit tests for client secrets and token hashes (crypto/secret.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/masterkey.h"
#include "crypto/secret.h"

struct fixture {
    struct atrium_masterkey *mk;
    struct atrium_secret_hasher *h;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    f->mk = atrium_masterkey_generate();
    if (atrium_secret_hasher_new(f->mk, &f->h) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    atrium_secret_hasher_free(f->h);
    atrium_masterkey_free(f->mk);
    xfree(f);
    return 0;
}

static void test_generate_shape(void **state)
{
    char a[ATRIUM_CLIENT_SECRET_LEN + 1], b[ATRIUM_CLIENT_SECRET_LEN + 1];
    atrium_client_secret_generate(a);
    atrium_client_secret_generate(b);
    assert_int_equal(strlen(a), ATRIUM_CLIENT_SECRET_LEN);
    assert_string_not_equal(a, b);
    assert_memory_equal(a + 3, "8Q~", 3);
    for (size_t i = 0; i < ATRIUM_CLIENT_SECRET_LEN; i++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~", a[i]));
    char hint[ATRIUM_CLIENT_SECRET_HINT_LEN + 1];
    atrium_client_secret_hint(a, hint);
    assert_int_equal(strlen(hint), 3);
    assert_memory_equal(hint, a, 3);
}

static void test_hash_verify(void **state)
{
    struct fixture *f = *state;
    char secret[ATRIUM_CLIENT_SECRET_LEN + 1];
    AUTO_FREE char *stored = NULL;
    bool match = false;

    atrium_client_secret_generate(secret);
    assert_int_equal(atrium_client_secret_hash(f->h, secret, &stored), 0);
    /* The stored form reveals nothing of the secret. */
    assert_string_not_equal(stored, secret);
    assert_null(strstr(stored, secret + 6));
    assert_true(strncmp(stored, "hs1.", 4) == 0);

    assert_int_equal(atrium_client_secret_verify(f->h, stored, secret, &match), 0);
    assert_true(match);

    char wrong[ATRIUM_CLIENT_SECRET_LEN + 1];
    memcpy(wrong, secret, sizeof(wrong));
    wrong[20] = wrong[20] == 'A' ? 'B' : 'A';
    match = true;
    assert_int_equal(atrium_client_secret_verify(f->h, stored, wrong, &match), 0);
    assert_false(match);
    match = true;
    assert_int_equal(atrium_client_secret_verify(f->h, stored, "", &match), 0);
    assert_false(match);
    AUTO_FREE char *longer = xasprintf("%sx", secret);
    match = true;
    assert_int_equal(atrium_client_secret_verify(f->h, stored, longer, &match), 0);
    assert_false(match);
    char huge[ATRIUM_CLIENT_SECRET_MAX + 2];
    memset(huge, 'a', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    match = true;
    assert_int_equal(atrium_client_secret_verify(f->h, stored, huge, &match), 0);
    assert_false(match);
}

static void test_hash_deterministic_per_master_key(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *a = NULL;
    AUTO_FREE char *b = NULL;
    AUTO_FREE char *c = NULL;
    struct atrium_masterkey *other_mk = atrium_masterkey_generate();
    struct atrium_secret_hasher *other = NULL;
    bool match = true;

    assert_int_equal(atrium_secret_hasher_new(other_mk, &other), 0);
    assert_int_equal(atrium_client_secret_hash(f->h, "s3cret-value", &a), 0);
    assert_int_equal(atrium_client_secret_hash(f->h, "s3cret-value", &b), 0);
    assert_int_equal(atrium_client_secret_hash(other, "s3cret-value", &c), 0);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    /* A stored form from another deployment does not verify here. */
    assert_int_equal(atrium_client_secret_verify(f->h, c, "s3cret-value", &match), 0);
    assert_false(match);
    atrium_secret_hasher_free(other);
    atrium_masterkey_free(other_mk);
}

static void test_malformed_stored(void **state)
{
    struct fixture *f = *state;
    bool match = true;
    char *stored = NULL;
    const char *bad[] = {"", "hs1.", "hs2.AAAA", "hs1.!!!!", "hs1.AAAA", "plain"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(atrium_client_secret_verify(f->h, bad[i], "x", &match), ATRIUM_EINVAL);
    assert_int_equal(atrium_client_secret_hash(f->h, "", &stored), ATRIUM_EINVAL);
    assert_null(stored);
}

static void test_token_hash(void **state)
{
    char out[ATRIUM_TOKEN_HASH_LEN + 1];
    atrium_token_hash("abc", 3, out);
    /* SHA-256("abc") = ba7816bf..., base64url without padding. */
    assert_string_equal(out, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    atrium_token_hash("", 0, out);
    assert_string_equal(out, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate_shape),
        cmocka_unit_test_setup_teardown(test_hash_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_deterministic_per_master_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_stored, setup, teardown),
        cmocka_unit_test(test_token_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
