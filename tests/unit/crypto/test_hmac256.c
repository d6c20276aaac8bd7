/* SPDX-License-Identifier: MIT */
/* Unit tests for the pre-keyed HMAC-SHA256 (crypto/hmac256.c): RFC 4231 answers, reuse, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "core/err.h"
#include "crypto/hmac256.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static void expect_mac(const struct atrium_hmac256 *h, const char *msg, const char *want)
{
    unsigned char mac[ATRIUM_HMAC256_LEN];
    char got[2 * ATRIUM_HMAC256_LEN + 1];
    assert_int_equal(atrium_hmac256(h, msg, strlen(msg), mac), 0);
    hex(mac, sizeof(mac), got);
    assert_string_equal(got, want);
}

/* RFC 4231 test case 2, twice from one keyed context: the context is not consumed. */
static void test_rfc4231_case2_and_reuse(void **state)
{
    (void)state;
    struct atrium_hmac256 h;
    assert_int_equal(atrium_hmac256_init(&h, (const unsigned char *)"Jefe", 4), 0);
    const char *want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    expect_mac(&h, "what do ya want for nothing?", want);
    expect_mac(&h, "what do ya want for nothing?", want);
    atrium_hmac256_release(&h);
}

/* RFC 4231 test case 1: a 20-byte key of 0x0b, "Hi There". */
static void test_rfc4231_case1(void **state)
{
    (void)state;
    unsigned char key[20];
    memset(key, 0x0b, sizeof(key));
    struct atrium_hmac256 h;
    assert_int_equal(atrium_hmac256_init(&h, key, sizeof(key)), 0);
    expect_mac(&h, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    atrium_hmac256_release(&h);
}

static void test_unkeyed_fails(void **state)
{
    (void)state;
    struct atrium_hmac256 h = {0};
    unsigned char mac[ATRIUM_HMAC256_LEN];
    assert_int_equal(atrium_hmac256(&h, "x", 1, mac), ATRIUM_ECRYPTO);
    assert_int_equal(atrium_hmac256(NULL, "x", 1, mac), ATRIUM_ECRYPTO);
    atrium_hmac256_release(&h); /* harmless */
}

static struct atrium_hmac256 shared;
static void *mac_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++)
        expect_mac(&shared, "what do ya want for nothing?",
                   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    return NULL;
}

/* One keyed context used by several threads at once gives the right answers. */
static void test_shared_between_threads(void **state)
{
    (void)state;
    assert_int_equal(atrium_hmac256_init(&shared, (const unsigned char *)"Jefe", 4), 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, mac_many, NULL), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    atrium_hmac256_release(&shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4231_case2_and_reuse),
        cmocka_unit_test(test_rfc4231_case1),
        cmocka_unit_test(test_unkeyed_fails),
        cmocka_unit_test(test_shared_between_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
