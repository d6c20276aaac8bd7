/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the master key (crypto/masterkey.c, masterkey_load.c):
 * sealed blobs and their tamper resistance, and where the key is loaded from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/masterkey.h"

/* A fresh directory under ATRIUM_TEST_TMP (or /tmp). Caller owns. */
static char *make_tmpdir(void)
{
    const char *base = getenv("ATRIUM_TEST_TMP");
    char *tmpl = xasprintf("%s/masterkey.XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(tmpl));
    return tmpl;
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void clear_env(void)
{
    unsetenv(ATRIUM_MASTERKEY_ENV);
    unsetenv(ATRIUM_MASTERKEY_FILE_ENV);
}

static int setup(void **state)
{
    clear_env();
    *state = atrium_masterkey_generate();
    return 0;
}

static int teardown(void **state)
{
    atrium_masterkey_free(*state);
    clear_env();
    return 0;
}

static void test_seal_open_round_trip(void **state)
{
    struct atrium_masterkey *mk = *state;
    const char *msgs[] = {"", "x", "a longer secret value \x01\x02\xff"};
    for (size_t i = 0; i < 3; i++) {
        AUTO_FREE char *blob = NULL;
        assert_int_equal(atrium_masterkey_seal(mk, msgs[i], strlen(msgs[i]), "purpose:1", &blob),
                         0);
        assert_true(strncmp(blob, "v1.", 3) == 0);
        assert_null(strstr(blob, "secret"));
        unsigned char *pt = NULL;
        size_t len = 0;
        assert_int_equal(atrium_masterkey_open(mk, blob, "purpose:1", &pt, &len), 0);
        assert_int_equal(len, strlen(msgs[i]));
        assert_memory_equal(pt, msgs[i], len);
        assert_int_equal(pt[len], '\0');
        atrium_masterkey_plaintext_free(pt, len);
    }
}

static void test_seal_random_nonce(void **state)
{
    AUTO_FREE char *a = NULL;
    AUTO_FREE char *b = NULL;
    assert_int_equal(atrium_masterkey_seal(*state, "same", 4, "p", &a), 0);
    assert_int_equal(atrium_masterkey_seal(*state, "same", 4, "p", &b), 0);
    assert_string_not_equal(a, b);
}

static void expect_open_fails(struct atrium_masterkey *mk, const char *blob, const char *aad)
{
    unsigned char *pt = NULL;
    size_t len = 0;
    assert_int_equal(atrium_masterkey_open(mk, blob, aad, &pt, &len), ATRIUM_ECRYPTO);
    assert_null(pt);
}

/* Replace the character at i with another alphabet character. */
static char *flip(const char *blob, size_t i)
{
    char *copy = xstrdup(blob);
    copy[i] = copy[i] == 'A' ? 'B' : 'A';
    return copy;
}

static void test_tamper_fails(void **state)
{
    struct atrium_masterkey *mk = *state;
    AUTO_FREE char *blob = NULL;
    assert_int_equal(atrium_masterkey_seal(mk, "top secret", 10, "signing-key:k1", &blob), 0);
    size_t dot2 = (size_t)(strrchr(blob, '.') - blob);

    AUTO_FREE char *nonce = flip(blob, 5);
    expect_open_fails(mk, nonce, "signing-key:k1");
    AUTO_FREE char *ct = flip(blob, dot2 + 3);
    expect_open_fails(mk, ct, "signing-key:k1");
    AUTO_FREE char *tag = flip(blob, strlen(blob) - 2);
    expect_open_fails(mk, tag, "signing-key:k1");
    /* The same blob under another purpose (swapped between rows). */
    expect_open_fails(mk, blob, "signing-key:k2");
    expect_open_fails(mk, blob, "");
    /* Truncated, garbage, other version. */
    AUTO_FREE char *cut = xstrndup(blob, strlen(blob) - 4);
    expect_open_fails(mk, cut, "signing-key:k1");
    AUTO_FREE char *v2 = xstrdup(blob);
    v2[1] = '2';
    expect_open_fails(mk, v2, "signing-key:k1");
    expect_open_fails(mk, "", "x");
    expect_open_fails(mk, "v1.", "x");
    expect_open_fails(mk, "v1.AAAA", "x");
    expect_open_fails(mk, "v1.AAAAAAAAAAAAAAAA.AAAA", "x");
    expect_open_fails(mk, "v1.!!!.???", "x");
}

static void test_wrong_master_key_fails(void **state)
{
    AUTO_FREE char *blob = NULL;
    assert_int_equal(atrium_masterkey_seal(*state, "data", 4, "p", &blob), 0);
    struct atrium_masterkey *other = atrium_masterkey_generate();
    expect_open_fails(other, blob, "p");
    atrium_masterkey_free(other);
}

static void test_derive(void **state)
{
    unsigned char a[32], b[32], c[32];
    assert_int_equal(atrium_masterkey_derive(*state, "label one", a, sizeof(a)), 0);
    assert_int_equal(atrium_masterkey_derive(*state, "label one", b, sizeof(b)), 0);
    assert_int_equal(atrium_masterkey_derive(*state, "label two", c, sizeof(c)), 0);
    assert_memory_equal(a, b, sizeof(a));
    assert_memory_not_equal(a, c, sizeof(a));
}

/* Keys a and b are the same when a blob sealed by one opens with the other. */
static void assert_same_key(struct atrium_masterkey *a, struct atrium_masterkey *b)
{
    AUTO_FREE char *blob = NULL;
    unsigned char *pt = NULL;
    size_t len = 0;
    assert_int_equal(atrium_masterkey_seal(a, "probe", 5, "t", &blob), 0);
    assert_int_equal(atrium_masterkey_open(b, blob, "t", &pt, &len), 0);
    atrium_masterkey_plaintext_free(pt, len);
}

static void test_load_creates_0600_and_reuses(void **state)
{
    AUTO_FREE char *dir = make_tmpdir();
    AUTO_FREE char *path = xasprintf("%s/master.key", dir);
    struct atrium_masterkey *first = NULL, *second = NULL;
    struct atrium_errinfo e;
    struct stat st;

    assert_int_equal(atrium_masterkey_load(dir, &first, &e), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, ATRIUM_MASTERKEY_LEN);
    assert_int_equal(atrium_masterkey_load(dir, &second, &e), 0);
    assert_same_key(first, second);
    atrium_masterkey_free(first);
    atrium_masterkey_free(second);
    unlink(path);
    rmdir(dir);
}

static void test_load_refuses_open_permissions(void **state)
{
    AUTO_FREE char *dir = make_tmpdir();
    AUTO_FREE char *path = xasprintf("%s/master.key", dir);
    unsigned char raw[ATRIUM_MASTERKEY_LEN] = {1, 2, 3};
    struct atrium_masterkey *mk = NULL;
    struct atrium_errinfo e;

    write_file(path, raw, sizeof(raw), 0640);
    assert_int_equal(atrium_masterkey_load(dir, &mk, &e), ATRIUM_EFORBIDDEN);
    assert_null(mk);
    assert_non_null(strstr(e.message, "chmod 600"));
    chmod(path, 0604);
    assert_int_equal(atrium_masterkey_load(dir, &mk, &e), ATRIUM_EFORBIDDEN);
    chmod(path, 0400);
    assert_int_equal(atrium_masterkey_load(dir, &mk, &e), 0);
    atrium_masterkey_free(mk);
    unlink(path);
    rmdir(dir);
}

static void test_load_refuses_wrong_size(void **state)
{
    AUTO_FREE char *dir = make_tmpdir();
    AUTO_FREE char *path = xasprintf("%s/master.key", dir);
    struct atrium_masterkey *mk = NULL;
    struct atrium_errinfo e;

    write_file(path, "short", 5, 0600);
    assert_int_equal(atrium_masterkey_load(dir, &mk, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "wrong size"));
    /* The damaged file is left alone, never replaced. */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 5);
    unlink(path);
    rmdir(dir);
}

static void test_load_refuses_symlink(void **state)
{
    AUTO_FREE char *dir = make_tmpdir();
    AUTO_FREE char *real = xasprintf("%s/real.key", dir);
    AUTO_FREE char *path = xasprintf("%s/master.key", dir);
    unsigned char raw[ATRIUM_MASTERKEY_LEN] = {0};
    struct atrium_masterkey *mk = NULL;

    write_file(real, raw, sizeof(raw), 0600);
    assert_int_equal(symlink(real, path), 0);
    assert_true(atrium_masterkey_load(dir, &mk, NULL) < 0);
    assert_null(mk);
    unlink(path);
    unlink(real);
    rmdir(dir);
}

static void test_load_from_env(void **state)
{
    unsigned char raw[ATRIUM_MASTERKEY_LEN];
    char b64[64];
    struct atrium_masterkey *mk = NULL, *same = NULL;
    struct atrium_errinfo e;

    for (size_t i = 0; i < sizeof(raw); i++)
        raw[i] = (unsigned char)(i * 7);
    atrium_b64url_encode(raw, sizeof(raw), b64);
    setenv(ATRIUM_MASTERKEY_ENV, b64, 1);
    /* The environment wins over the data directory, which is not touched. */
    assert_int_equal(atrium_masterkey_load("/nonexistent-dir", &mk, &e), 0);
    assert_int_equal(atrium_masterkey_from_bytes(raw, sizeof(raw), &same), 0);
    assert_same_key(mk, same);
    atrium_masterkey_free(mk);
    atrium_masterkey_free(same);

    mk = NULL;
    setenv(ATRIUM_MASTERKEY_ENV, "dG9vIHNob3J0", 1);
    assert_int_equal(atrium_masterkey_load(NULL, &mk, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, ATRIUM_MASTERKEY_ENV));
    assert_null(mk);
    unsetenv(ATRIUM_MASTERKEY_ENV);
}

static void test_load_from_key_file_env(void **state)
{
    AUTO_FREE char *dir = make_tmpdir();
    AUTO_FREE char *path = xasprintf("%s/custom.key", dir);
    unsigned char raw[ATRIUM_MASTERKEY_LEN];
    char text[64];
    struct atrium_masterkey *mk = NULL, *same = NULL;

    memset(raw, 0x5a, sizeof(raw));
    size_t n = atrium_b64url_encode(raw, sizeof(raw), text);
    text[n++] = '\n';
    write_file(path, text, n, 0600);
    setenv(ATRIUM_MASTERKEY_FILE_ENV, path, 1);
    assert_int_equal(atrium_masterkey_load(NULL, &mk, NULL), 0);
    assert_int_equal(atrium_masterkey_from_bytes(raw, sizeof(raw), &same), 0);
    assert_same_key(mk, same);
    atrium_masterkey_free(mk);
    mk = NULL;

    write_file(path, raw, sizeof(raw), 0644);
    assert_int_equal(atrium_masterkey_load(NULL, &mk, NULL), ATRIUM_EFORBIDDEN);
    chmod(path, 0600);
    assert_int_equal(atrium_masterkey_load(NULL, &mk, NULL), 0);
    assert_same_key(mk, same);
    atrium_masterkey_free(mk);
    atrium_masterkey_free(same);

    unsetenv(ATRIUM_MASTERKEY_FILE_ENV);
    unlink(path);
    rmdir(dir);
}

static void test_load_without_source(void **state)
{
    struct atrium_masterkey *mk = NULL;
    struct atrium_errinfo e;
    assert_int_equal(atrium_masterkey_load(NULL, &mk, &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_masterkey_load("/nonexistent-dir/sub", &mk, &e), ATRIUM_EIO);
    assert_null(mk);
}

static void test_from_bytes_length(void **state)
{
    struct atrium_masterkey *mk = NULL;
    assert_int_equal(atrium_masterkey_from_bytes("short", 5, &mk), ATRIUM_EINVAL);
    assert_null(mk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seal_open_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seal_random_nonce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_master_key_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_derive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_creates_0600_and_reuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_refuses_open_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_refuses_wrong_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_refuses_symlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_from_key_file_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_without_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_bytes_length, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
