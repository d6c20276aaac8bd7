/* SPDX-License-Identifier: MIT */
/* Unit tests for random bytes, GUIDs and hex tokens (core/rand.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/rand.h"

static bool is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_uuid_v4_format(void **state)
{
    for (int n = 0; n < 200; n++) {
        char u[ATRIUM_UUID_LEN + 1];
        memset(u, 'Z', sizeof(u));
        atrium_uuid_v4(u);
        assert_int_equal(strlen(u), ATRIUM_UUID_LEN);
        for (size_t i = 0; i < ATRIUM_UUID_LEN; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                assert_int_equal(u[i], '-');
            else
                assert_true(is_lower_hex(u[i]));
        }
        /* Version 4, RFC 4122 variant (10xx). */
        assert_int_equal(u[14], '4');
        assert_non_null(strchr("89ab", u[19]));
        assert_true(atrium_uuid_is_valid(u));
    }
}

static void test_uuid_v4_unique(void **state)
{
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    atrium_uuid_v4(a);
    atrium_uuid_v4(b);
    assert_string_not_equal(a, b);
}

static void test_uuid_is_valid(void **state)
{
    assert_true(atrium_uuid_is_valid("62e90394-69f5-4237-9190-012177145e10"));
    assert_true(atrium_uuid_is_valid("62E90394-69F5-4237-9190-012177145E10"));
    assert_true(atrium_uuid_is_valid("00000000-0000-0000-0000-000000000000"));
    static const char *const bad[] = {
        "",
        "62e90394-69f5-4237-9190-012177145e1",   /* short */
        "62e90394-69f5-4237-9190-012177145e100", /* long */
        "62e90394-69f5-4237-9190_012177145e10",  /* wrong separator */
        "62e9039469f5-4237-9190-012177145e10-",  /* dash misplaced */
        "62e90394-69f5-4237-9190-012177145e1g",  /* not hex */
        "{62e90394-69f5-4237-9190-012177145e1}", /* braces */
        " 62e90394-69f5-4237-9190-012177145e10",
        "62e90394-69f5-4237-9190-012177145e10 ",
        "62e90394",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (atrium_uuid_is_valid(bad[i]))
            fail_msg("accepted '%s'", bad[i]);
    assert_false(atrium_uuid_is_valid(NULL));
}

static void test_random_hex(void **state)
{
    char out[2 * 100 + 1];
    memset(out, 'Z', sizeof(out));
    atrium_random_hex(out, 100);
    assert_int_equal(strlen(out), 200);
    for (size_t i = 0; i < 200; i++)
        assert_true(is_lower_hex(out[i]));
    char empty[1] = {'Z'};
    atrium_random_hex(empty, 0);
    assert_string_equal(empty, "");
}

static void test_random_bytes_fill(void **state)
{
    unsigned char a[64] = {0}, b[64] = {0};
    atrium_random_bytes(a, sizeof(a));
    atrium_random_bytes(b, sizeof(b));
    assert_memory_not_equal(a, b, sizeof(a));
    atrium_random_bytes(a, 0);
}

/* Small requests come from the per-thread pool: across refills, no two are alike. */
static void test_random_bytes_pooled(void **state)
{
    enum { N = 40, LEN = 33 }; /* 1,320 bytes: two refills of the 512-byte pool */
    unsigned char got[N][LEN];
    for (size_t i = 0; i < N; i++)
        atrium_random_bytes(got[i], LEN);
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++)
            assert_memory_not_equal(got[i], got[j], LEN);
    unsigned char big[1000];
    memset(big, 0, sizeof(big));
    atrium_random_bytes(big, sizeof(big)); /* past the pool: from the kernel */
    assert_memory_not_equal(big, big + 500, 500);
}

/* A forked child does not repeat the bytes its parent's pool still holds. */
static void test_random_bytes_fork(void **state)
{
    unsigned char warm[16], parent[32], child[32];
    int fds[2];
    atrium_random_bytes(warm, sizeof(warm)); /* the pool holds unused bytes now */
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        atrium_random_bytes(child, sizeof(child));
        _exit(write(fds[1], child, sizeof(child)) == (ssize_t)sizeof(child) ? 0 : 1);
    }
    atrium_random_bytes(parent, sizeof(parent));
    assert_int_equal(read(fds[0], child, sizeof(child)), (ssize_t)sizeof(child));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
    close(fds[1]);
    assert_memory_not_equal(parent, child, sizeof(parent));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid_v4_format),    cmocka_unit_test(test_uuid_v4_unique),
        cmocka_unit_test(test_uuid_is_valid),     cmocka_unit_test(test_random_hex),
        cmocka_unit_test(test_random_bytes_fill), cmocka_unit_test(test_random_bytes_pooled),
        cmocka_unit_test(test_random_bytes_fork),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
