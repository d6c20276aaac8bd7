/* SPDX-License-Identifier: MIT */
/* The discovery document cache: hits, expiry, bounded keys and bodies, replacement, threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "http/doc_cache.h"

#define TID "8eaef023-2b34-4da1-9baa-8bc8c9d6a490"

static void test_hit_and_expiry(void **state)
{
    struct atrium_doc_cache *c = atrium_doc_cache_new(16, 60);
    struct atrium_buf b;
    char tid[ATRIUM_UUID_LEN + 1];
    atrium_buf_init(&b, 1 << 16);
    assert_false(atrium_doc_cache_get(c, "contoso.example", &b, tid));
    atrium_doc_cache_put(c, "contoso.example", "{\"a\":1}", 7, TID);
    atrium_buf_puts(&b, "stale");
    assert_true(atrium_doc_cache_get(c, "contoso.example", &b, tid));
    assert_string_equal(b.buf, "{\"a\":1}"); /* replaced, not appended */
    assert_string_equal(tid, TID);
    assert_false(atrium_doc_cache_get(c, "contoso.exampl", &b, tid));
    atrium_doc_cache_put(c, "organizations", "{}", 2, NULL);
    assert_true(atrium_doc_cache_get(c, "organizations", &b, tid));
    assert_string_equal(tid, "");
    atrium_clock_set_offset(61);
    assert_false(atrium_doc_cache_get(c, "contoso.example", &b, tid));
    atrium_clock_set_offset(0);
    atrium_buf_release(&b);
    atrium_doc_cache_free(c);
    atrium_doc_cache_free(NULL);
    assert_false(atrium_doc_cache_get(NULL, "x", &b, tid));
    atrium_doc_cache_put(NULL, "x", "y", 1, NULL);
}

static void test_bounds(void **state)
{
    struct atrium_doc_cache *c = atrium_doc_cache_new(1, 60);
    struct atrium_buf b;
    char tid[ATRIUM_UUID_LEN + 1];
    char key[ATRIUM_DOC_CACHE_KEY_MAX + 2];
    static char big[ATRIUM_DOC_CACHE_BODY_MAX + 1];
    atrium_buf_init(&b, 1 << 16);
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    atrium_doc_cache_put(c, key, "{}", 2, NULL); /* key too long */
    assert_false(atrium_doc_cache_get(c, key, &b, tid));
    memset(big, 'x', sizeof(big));
    atrium_doc_cache_put(c, "big", big, sizeof(big), NULL); /* body too large */
    assert_false(atrium_doc_cache_get(c, "big", &b, tid));
    atrium_doc_cache_put(c, "", "{}", 2, NULL);
    assert_false(atrium_doc_cache_get(c, "", &b, tid));
    /* One slot: a newer key replaces the older one. */
    atrium_doc_cache_put(c, "a", "1", 1, NULL);
    atrium_doc_cache_put(c, "b", "2", 1, NULL);
    assert_false(atrium_doc_cache_get(c, "a", &b, tid));
    assert_true(atrium_doc_cache_get(c, "b", &b, tid));
    assert_string_equal(b.buf, "2");
    atrium_buf_release(&b);
    atrium_doc_cache_free(c);
}

static void *worker(void *arg)
{
    struct atrium_doc_cache *c = arg;
    struct atrium_buf b;
    char tid[ATRIUM_UUID_LEN + 1];
    char key[32];
    atrium_buf_init(&b, 1 << 16);
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "k%d", i % 64);
        if (!atrium_doc_cache_get(c, key, &b, tid))
            atrium_doc_cache_put(c, key, key, strlen(key), TID);
        else if (strcmp(b.buf, key) != 0)
            return (void *)1;
    }
    atrium_buf_release(&b);
    return NULL;
}

static void test_threads(void **state)
{
    struct atrium_doc_cache *c = atrium_doc_cache_new(32, 60);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, c);
    for (int i = 0; i < 4; i++) {
        void *ret = NULL;
        pthread_join(t[i], &ret);
        assert_null(ret);
    }
    atrium_doc_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_and_expiry),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
