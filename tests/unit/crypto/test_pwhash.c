/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for Argon2id hashing and its admission gate (crypto/pwhash.c).
 * Small parameters (m=1024 KiB, t=1) keep them fast; the gate tests hold a
 * slot through pwhash_gate.h so "full" is deterministic, not timing-based.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/pwhash.h"
#include "crypto/pwhash_gate.h"
#include "model/password_policy.h"

#define FAST_PARAMS(conc, wait)                                                                    \
    {                                                                                              \
        .memory_kib = 1024, .iterations = 1, .parallelism = 1, .max_concurrent = (conc),           \
        .max_waiting = (wait)                                                                      \
    }

static struct atrium_pwhasher *fast_hasher(unsigned conc, unsigned wait)
{
    struct atrium_pwhash_params p = FAST_PARAMS(conc, wait);
    struct atrium_pwhasher *h = NULL;
    assert_int_equal(atrium_pwhasher_new(&p, &h), 0);
    assert_non_null(h);
    return h;
}

static char *hash_ok(struct atrium_pwhasher *h, const char *password)
{
    char *phc = NULL;
    assert_int_equal(atrium_pwhash_hash(h, password, &phc), 0);
    assert_non_null(phc);
    return phc;
}

static bool verify_ok(struct atrium_pwhasher *h, const char *phc, const char *password)
{
    bool match = true, rehash = true;
    assert_int_equal(atrium_pwhash_verify(h, phc, password, &match, &rehash), 0);
    return match;
}

static void test_hash_then_verify(void **state)
{
    struct atrium_pwhasher *h = fast_hasher(2, 4);
    char *phc = hash_ok(h, "correct horse battery staple");
    assert_true(atrium_str_starts_with(phc, "$argon2id$v=19$m=1024,t=1,p=1$"));
    /* 16-byte salt and 32-byte hash in unpadded base64: 22 and 43 characters. */
    const char *salt = phc + strlen("$argon2id$v=19$m=1024,t=1,p=1$");
    const char *dollar = strchr(salt, '$');
    assert_non_null(dollar);
    assert_int_equal(dollar - salt, 22);
    assert_int_equal(strlen(dollar + 1), 43);

    bool match = false, rehash = true;
    assert_int_equal(atrium_pwhash_verify(h, phc, "correct horse battery staple", &match, &rehash),
                     0);
    assert_true(match);
    assert_false(rehash);
    assert_int_equal(atrium_pwhash_verify(h, phc, "correct horse battery staple", &match, NULL), 0);
    assert_true(match);
    xfree(phc);
    atrium_pwhasher_free(h);
}

static void test_wrong_password(void **state)
{
    struct atrium_pwhasher *h = fast_hasher(2, 4);
    char *phc = hash_ok(h, "Tr0ub4dor&3");
    assert_false(verify_ok(h, phc, "Tr0ub4dor&4"));
    assert_false(verify_ok(h, phc, "tr0ub4dor&3"));
    assert_false(verify_ok(h, phc, "Tr0ub4dor&3 "));
    assert_false(verify_ok(h, phc, ""));
    assert_true(verify_ok(h, phc, "Tr0ub4dor&3"));
    xfree(phc);
    atrium_pwhasher_free(h);
}

static void test_no_truncation(void **state)
{
    struct atrium_pwhasher *h = fast_hasher(2, 4);
    char pw[101];
    for (size_t i = 0; i < 100; i++)
        pw[i] = (char)('a' + i % 26);
    pw[100] = '\0';
    char *phc = hash_ok(h, pw);
    assert_true(verify_ok(h, phc, pw));
    pw[99] = '\0';
    assert_false(verify_ok(h, phc, pw));
    pw[72] = '\0';
    assert_false(verify_ok(h, phc, pw));
    xfree(phc);
    atrium_pwhasher_free(h);
}

static void test_salts_differ(void **state)
{
    struct atrium_pwhasher *h = fast_hasher(2, 4);
    char *a = hash_ok(h, "same password");
    char *b = hash_ok(h, "same password");
    assert_string_not_equal(a, b);
    assert_true(verify_ok(h, a, "same password"));
    assert_true(verify_ok(h, b, "same password"));
    xfree(a);
    xfree(b);
    atrium_pwhasher_free(h);
}

static void test_password_size_cap(void **state)
{
    struct atrium_pwhasher *h = fast_hasher(2, 4);
    char *big = xmalloc(ATRIUM_PASSWORD_BYTES_MAX + 2);
    memset(big, 'p', ATRIUM_PASSWORD_BYTES_MAX + 1);
    big[ATRIUM_PASSWORD_BYTES_MAX + 1] = '\0';
    char *phc = NULL;
    assert_int_equal(atrium_pwhash_hash(h, big, &phc), ATRIUM_EINVAL);
    assert_null(phc);

    /* Exactly at the cap is fine, and the extra byte is never ignored. */
    big[ATRIUM_PASSWORD_BYTES_MAX] = '\0';
    phc = hash_ok(h, big);
    assert_true(verify_ok(h, phc, big));
    big[ATRIUM_PASSWORD_BYTES_MAX] = 'p';
    bool match = true;
    assert_int_equal(atrium_pwhash_verify(h, phc, big, &match, NULL), ATRIUM_EINVAL);
    assert_false(match);

    assert_int_equal(atrium_pwhash_hash(h, NULL, &phc), ATRIUM_EINVAL);
    assert_int_equal(atrium_pwhash_verify(h, phc, NULL, &match, NULL), ATRIUM_EINVAL);
    xfree(phc);
    xfree(big);
    atrium_pwhasher_free(h);
}

static void test_malformed_phc(void **state)
{
    struct atrium_pwhasher *h = fast_hasher(2, 4);
    char *good = hash_ok(h, "pw");
    const char *tail = strchr(good + strlen("$argon2id$v=19$m=1024,t=1,p=1"), '$');
    char buf[512];
    const char *bad[] = {
        "",
        "garbage",
        "$argon2id$",
        "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2d$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$",
        "$argon2id$v=19$m=1024,t=1,p=1$$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",            /* salt < 8 */
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=", /* padding */
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRz-WX0$aGFzaGhhc2hoYXNoaGFzaA",  /* base64url */
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA$x",
        "$argon2id$v=19$t=1,m=1024,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=18$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=01024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=-1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=1,p=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=4,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=4294967296,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=1000000,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        " $argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        buf,
    };
    /*
     * The good hash with two characters cut off the hash part: 43 -> 41
     * base64 characters, a length no base64 text can have (one character
     * less would sometimes still decode to a shorter, valid hash).
     */
    snprintf(buf, sizeof(buf), "%.*s", (int)strlen(good) - 2, good);
    assert_non_null(tail);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        bool match = true;
        int rc = atrium_pwhash_verify(h, bad[i], "pw", &match, NULL);
        if (rc != ATRIUM_EINVAL)
            fail_msg("case %zu '%s': rc %d", i, bad[i], rc);
        assert_false(match);
    }
    bool match = true;
    assert_int_equal(atrium_pwhash_verify(h, NULL, "pw", &match, NULL), ATRIUM_EINVAL);
    assert_true(verify_ok(h, good, "pw"));
    xfree(good);
    atrium_pwhasher_free(h);
}

static void test_needs_rehash(void **state)
{
    struct atrium_pwhasher *small = fast_hasher(2, 4);
    struct atrium_pwhash_params p2 = FAST_PARAMS(2, 4);
    p2.memory_kib = 2048;
    struct atrium_pwhasher *more_mem = NULL;
    assert_int_equal(atrium_pwhasher_new(&p2, &more_mem), 0);
    struct atrium_pwhash_params p3 = FAST_PARAMS(2, 4);
    p3.iterations = 2;
    struct atrium_pwhasher *more_iter = NULL;
    assert_int_equal(atrium_pwhasher_new(&p3, &more_iter), 0);

    char *phc = hash_ok(small, "rehash me");
    bool match = false, rehash = false;
    /* Any Argon2id parameters verify; a different setting asks for a rehash. */
    assert_int_equal(atrium_pwhash_verify(more_mem, phc, "rehash me", &match, &rehash), 0);
    assert_true(match);
    assert_true(rehash);
    assert_int_equal(atrium_pwhash_verify(more_iter, phc, "rehash me", &match, &rehash), 0);
    assert_true(match);
    assert_true(rehash);
    assert_int_equal(atrium_pwhash_verify(small, phc, "rehash me", &match, &rehash), 0);
    assert_true(match);
    assert_false(rehash);
    /* A wrong password still reports the parameter comparison, with match false. */
    assert_int_equal(atrium_pwhash_verify(more_mem, phc, "wrong", &match, &rehash), 0);
    assert_false(match);
    xfree(phc);

    char *phc2 = hash_ok(more_mem, "x");
    assert_true(atrium_str_starts_with(phc2, "$argon2id$v=19$m=2048,t=1,p=1$"));
    xfree(phc2);
    atrium_pwhasher_free(small);
    atrium_pwhasher_free(more_mem);
    atrium_pwhasher_free(more_iter);
}

static void test_bad_params(void **state)
{
    struct atrium_pwhasher *h = NULL;
    struct atrium_pwhash_params p = FAST_PARAMS(1, 0);
    p.memory_kib = 4;
    assert_int_equal(atrium_pwhasher_new(&p, &h), ATRIUM_EINVAL);
    p = (struct atrium_pwhash_params)FAST_PARAMS(1, 0);
    p.iterations = 0;
    assert_int_equal(atrium_pwhasher_new(&p, &h), ATRIUM_EINVAL);
    p = (struct atrium_pwhash_params)FAST_PARAMS(1, 0);
    p.parallelism = 0;
    assert_int_equal(atrium_pwhasher_new(&p, &h), ATRIUM_EINVAL);
    p = (struct atrium_pwhash_params)FAST_PARAMS(1, 0);
    p.parallelism = 200;
    assert_int_equal(atrium_pwhasher_new(&p, &h), ATRIUM_EINVAL);
    assert_null(h);
    atrium_pwhasher_free(NULL);

    /* Defaults (NULL) and max_concurrent 0 (one per CPU) are accepted. */
    assert_int_equal(atrium_pwhasher_new(NULL, &h), 0);
    atrium_pwhasher_free(h);
    p = (struct atrium_pwhash_params)FAST_PARAMS(0, 0);
    assert_int_equal(atrium_pwhasher_new(&p, &h), 0);
    assert_int_equal(atrium_pwhash_gate_enter(h), 0);
    atrium_pwhash_gate_leave(h);
    atrium_pwhasher_free(h);
}

struct worker {
    struct atrium_pwhasher *h;
    const char *phc; /* verify when set, else hash */
    int rc;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    if (w->phc) {
        bool match;
        w->rc = atrium_pwhash_verify(w->h, w->phc, "pw", &match, NULL);
    } else {
        char *phc = NULL;
        w->rc = atrium_pwhash_hash(w->h, "pw", &phc);
        xfree(phc);
    }
    return NULL;
}

static int run_in_thread(struct atrium_pwhasher *h, const char *phc)
{
    struct worker w = {.h = h, .phc = phc, .rc = 1};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, worker_main, &w), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    return w.rc;
}

static void test_gate_full_is_busy(void **state)
{
    struct atrium_pwhasher *h = fast_hasher(1, 0);
    char *phc = hash_ok(h, "pw");
    /* This thread holds the only slot; nobody may wait. */
    assert_int_equal(atrium_pwhash_gate_enter(h), 0);
    unsigned running = 0, waiting = 9;
    atrium_pwhash_gate_stats(h, &running, &waiting);
    assert_int_equal(running, 1);
    assert_int_equal(waiting, 0);
    assert_int_equal(run_in_thread(h, NULL), ATRIUM_EBUSY);
    assert_int_equal(run_in_thread(h, phc), ATRIUM_EBUSY);
    atrium_pwhash_gate_leave(h);
    /* Slot free again: both succeed. */
    assert_int_equal(run_in_thread(h, NULL), 0);
    assert_int_equal(run_in_thread(h, phc), 0);
    atrium_pwhash_gate_stats(h, &running, &waiting);
    assert_int_equal(running, 0);
    xfree(phc);
    atrium_pwhasher_free(h);
}

static void wait_for_waiters(struct atrium_pwhasher *h, unsigned want)
{
    for (int i = 0; i < 10000; i++) {
        unsigned waiting = 0;
        atrium_pwhash_gate_stats(h, NULL, &waiting);
        if (waiting == want)
            return;
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    fail_msg("never saw %u waiter(s)", want);
}

static void test_gate_queue_then_busy(void **state)
{
    struct atrium_pwhasher *h = fast_hasher(1, 1);
    assert_int_equal(atrium_pwhash_gate_enter(h), 0);
    /* One caller may wait for the slot... */
    struct worker queued = {.h = h, .rc = 1};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, worker_main, &queued), 0);
    wait_for_waiters(h, 1);
    /* ...the next is refused at once. */
    assert_int_equal(run_in_thread(h, NULL), ATRIUM_EBUSY);
    atrium_pwhash_gate_leave(h);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(queued.rc, 0);
    unsigned running = 9, waiting = 9;
    atrium_pwhash_gate_stats(h, &running, &waiting);
    assert_int_equal(running, 0);
    assert_int_equal(waiting, 0);
    atrium_pwhasher_free(h);
}

static void test_gate_concurrent_load(void **state)
{
    /* 8 threads, 2 slots, room for all to wait: every one succeeds. */
    struct atrium_pwhasher *h = fast_hasher(2, 8);
    struct worker w[8];
    pthread_t t[8];
    for (size_t i = 0; i < 8; i++) {
        w[i] = (struct worker){.h = h, .rc = 1};
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    }
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(w[i].rc, 0);
    }
    atrium_pwhasher_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_then_verify),     cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_no_truncation),        cmocka_unit_test(test_salts_differ),
        cmocka_unit_test(test_password_size_cap),    cmocka_unit_test(test_malformed_phc),
        cmocka_unit_test(test_needs_rehash),         cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_gate_full_is_busy),    cmocka_unit_test(test_gate_queue_then_busy),
        cmocka_unit_test(test_gate_concurrent_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
