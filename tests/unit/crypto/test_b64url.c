/* SPDX-License-Identifier: MIT */
/* Unit tests for the strict base64url codec (crypto/b64url.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"

/* RFC 4648 §10 vectors, URL alphabet, no padding. */
static void test_rfc4648_vectors(void **state)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const enc[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char out[16];
        assert_int_equal(atrium_b64url_encode(plain[i], strlen(plain[i]), out), strlen(enc[i]));
        assert_string_equal(out, enc[i]);
        unsigned char dec[16];
        size_t n = 99;
        assert_int_equal(atrium_b64url_decode(enc[i], strlen(enc[i]), dec, sizeof(dec), &n), 0);
        assert_int_equal(n, strlen(plain[i]));
        assert_memory_equal(dec, plain[i], n);
    }
}

static void test_url_alphabet(void **state)
{
    const unsigned char raw[] = {0xfb, 0xff, 0xbf};
    char out[8];
    atrium_b64url_encode(raw, sizeof(raw), out);
    assert_string_equal(out, "-_-_");
}

static void test_round_trip_random(void **state)
{
    for (size_t len = 0; len < 200; len++) {
        unsigned char raw[200];
        atrium_random_bytes(raw, len);
        AUTO_FREE char *enc = atrium_b64url_encode_alloc(raw, len);
        assert_int_equal(strlen(enc), atrium_b64url_encoded_len(len));
        AUTO_FREE unsigned char *dec = NULL;
        size_t n = 0;
        assert_int_equal(atrium_b64url_decode_alloc(enc, strlen(enc), &dec, &n), 0);
        assert_int_equal(n, len);
        assert_memory_equal(dec, raw, len);
    }
}

static void expect_invalid(const char *s)
{
    unsigned char out[64];
    size_t n = 0;
    assert_int_equal(atrium_b64url_decode(s, strlen(s), out, sizeof(out), &n), ATRIUM_EINVAL);
}

static void test_rejects_non_canonical(void **state)
{
    expect_invalid("Zg==");    /* padding */
    expect_invalid("Zm9v+/8"); /* standard alphabet */
    expect_invalid("Zm9 v");   /* whitespace */
    expect_invalid("Zm9v\n");  /* newline */
    expect_invalid("Z");       /* length 1 mod 4 */
    expect_invalid("Zm9vY");   /* length 1 mod 4 */
    expect_invalid("Zh");      /* unused bits set: "Zg" is the canonical form */
    expect_invalid("Zm9");     /* "Zm8" is canonical */
    expect_invalid("Zm.v");
}

static void test_embedded_nul_rejected(void **state)
{
    unsigned char out[8];
    size_t n = 0;
    assert_int_equal(atrium_b64url_decode("Zm\0v", 4, out, sizeof(out), &n), ATRIUM_EINVAL);
}

static void test_capacity(void **state)
{
    unsigned char out[2];
    size_t n = 0;
    assert_int_equal(atrium_b64url_decode("Zm9v", 4, out, sizeof(out), &n), ATRIUM_ETOOBIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),       cmocka_unit_test(test_url_alphabet),
        cmocka_unit_test(test_round_trip_random),     cmocka_unit_test(test_rejects_non_canonical),
        cmocka_unit_test(test_embedded_nul_rejected), cmocka_unit_test(test_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
