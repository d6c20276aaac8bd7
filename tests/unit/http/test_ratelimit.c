/* SPDX-License-Identifier: MIT */
/*
 * The per-client token bucket: burst limit, Retry-After, refill driven by the
 * test clock offset, independent keys, bounded memory under many clients,
 * thread safety, and client keys for IPv4/IPv6.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/err.h"
#include "http/ratelimit.h"

static int reset_clock(void **state)
{
    atrium_clock_set_offset(0);
    return 0;
}

static void test_burst_then_limited(void **state)
{
    struct atrium_ratelimit *rl = atrium_ratelimit_new(5, 64);
    unsigned retry = 0;
    for (int i = 0; i < 5; i++)
        assert_int_equal(atrium_ratelimit_take(rl, "192.0.2.1", &retry), 0);
    assert_int_equal(atrium_ratelimit_take(rl, "192.0.2.1", &retry), ATRIUM_ERATE);
    /* 5 per minute: one token every 12 s. */
    assert_true(retry >= 1 && retry <= 12);
    assert_int_equal(atrium_ratelimit_take(rl, "192.0.2.1", NULL), ATRIUM_ERATE);
    /* Another client is not affected. */
    assert_int_equal(atrium_ratelimit_take(rl, "192.0.2.2", &retry), 0);
    atrium_ratelimit_free(rl);
}

static void test_refill(void **state)
{
    struct atrium_ratelimit *rl = atrium_ratelimit_new(6, 64); /* one token per 10 s */
    unsigned retry = 0;
    for (int i = 0; i < 6; i++)
        assert_int_equal(atrium_ratelimit_take(rl, "k", NULL), 0);
    assert_int_equal(atrium_ratelimit_take(rl, "k", &retry), ATRIUM_ERATE);
    assert_true(retry >= 1 && retry <= 10);

    atrium_clock_set_offset(10);
    assert_int_equal(atrium_ratelimit_take(rl, "k", NULL), 0);
    assert_int_equal(atrium_ratelimit_take(rl, "k", &retry), ATRIUM_ERATE);

    /* An hour later the bucket is full again, but holds no more than the burst. */
    atrium_clock_set_offset(3600);
    for (int i = 0; i < 6; i++)
        assert_int_equal(atrium_ratelimit_take(rl, "k", NULL), 0);
    assert_int_equal(atrium_ratelimit_take(rl, "k", &retry), ATRIUM_ERATE);

    /* The wall clock going back neither refills nor breaks anything. */
    atrium_clock_set_offset(-7200);
    assert_int_equal(atrium_ratelimit_take(rl, "k", &retry), ATRIUM_ERATE);
    assert_true(retry >= 1);
    atrium_ratelimit_free(rl);
}

static void test_retry_after_exact(void **state)
{
    struct atrium_ratelimit *rl = atrium_ratelimit_new(1, 8);
    unsigned retry = 0;
    assert_int_equal(atrium_ratelimit_take(rl, "k", NULL), 0);
    assert_int_equal(atrium_ratelimit_take(rl, "k", &retry), ATRIUM_ERATE);
    assert_true(retry >= 59 && retry <= 60);
    atrium_clock_set_offset(30);
    assert_int_equal(atrium_ratelimit_take(rl, "k", &retry), ATRIUM_ERATE);
    assert_true(retry >= 29 && retry <= 30);
    atrium_ratelimit_free(rl);
}

static void test_bounded_memory(void **state)
{
    struct atrium_ratelimit *rl = atrium_ratelimit_new(2, 64);
    size_t slots = atrium_ratelimit_slots(rl);
    assert_int_equal(slots, 64);
    char key[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        assert_int_equal(atrium_ratelimit_take(rl, key, NULL), 0);
        assert_true(atrium_ratelimit_used(rl) <= slots);
    }
    assert_int_equal(atrium_ratelimit_used(rl), slots);
    /* A client kept busy stays limited while others churn through its set. */
    assert_int_equal(atrium_ratelimit_take(rl, "busy", NULL), 0);
    assert_int_equal(atrium_ratelimit_take(rl, "busy", NULL), 0);
    assert_int_equal(atrium_ratelimit_take(rl, "busy", NULL), ATRIUM_ERATE);
    atrium_ratelimit_free(rl);

    /* Tiny tables still work. */
    rl = atrium_ratelimit_new(1, 0);
    assert_true(atrium_ratelimit_slots(rl) >= 1);
    assert_int_equal(atrium_ratelimit_take(rl, "a", NULL), 0);
    assert_int_equal(atrium_ratelimit_take(rl, "a", NULL), ATRIUM_ERATE);
    atrium_ratelimit_free(rl);
}

static void test_long_key(void **state)
{
    struct atrium_ratelimit *rl = atrium_ratelimit_new(1, 8);
    char key[300];
    memset(key, 'x', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    assert_int_equal(atrium_ratelimit_take(rl, key, NULL), 0);
    atrium_ratelimit_free(rl);
}

struct race {
    struct atrium_ratelimit *rl;
    int allowed;
};

static void *race_thread(void *arg)
{
    struct race *r = arg;
    for (int i = 0; i < 500; i++)
        if (atrium_ratelimit_take(r->rl, "shared", NULL) == 0)
            r->allowed++;
    return NULL;
}

static void test_threads(void **state)
{
    struct atrium_ratelimit *rl = atrium_ratelimit_new(600, 64); /* 10 per second refill */
    struct race races[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        races[i].rl = rl;
        races[i].allowed = 0;
        assert_int_equal(pthread_create(&th[i], NULL, race_thread, &races[i]), 0);
    }
    int total = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        total += races[i].allowed;
    }
    /* The burst of 600, plus at most a few refills if a second ticked over. */
    assert_true(total >= 600 && total <= 640);
    atrium_ratelimit_free(rl);
}

static void test_client_key(void **state)
{
    char key[ATRIUM_RATELIMIT_KEY_MAX];
    atrium_ratelimit_client_key("192.0.2.7", key);
    assert_string_equal(key, "192.0.2.7");
    atrium_ratelimit_client_key("::ffff:192.0.2.7", key);
    assert_string_equal(key, "192.0.2.7");
    atrium_ratelimit_client_key("2001:db8:1:2:3:4:5:6", key);
    assert_string_equal(key, "2001:db8:1:2::/64");
    char other[ATRIUM_RATELIMIT_KEY_MAX];
    atrium_ratelimit_client_key("2001:db8:1:2:ffff:ffff:ffff:ffff", other);
    assert_string_equal(key, other);
    atrium_ratelimit_client_key("::1", key);
    assert_string_equal(key, "::/64");
    atrium_ratelimit_client_key("not-an-ip", key);
    assert_string_equal(key, "not-an-ip");
    atrium_ratelimit_client_key(NULL, key);
    assert_string_equal(key, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_burst_then_limited, reset_clock),
        cmocka_unit_test_teardown(test_refill, reset_clock),
        cmocka_unit_test_teardown(test_retry_after_exact, reset_clock),
        cmocka_unit_test_teardown(test_bounded_memory, reset_clock),
        cmocka_unit_test_teardown(test_long_key, reset_clock),
        cmocka_unit_test_teardown(test_threads, reset_clock),
        cmocka_unit_test_teardown(test_client_key, reset_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
