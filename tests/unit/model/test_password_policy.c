/* SPDX-License-Identifier: MIT */
/* Unit tests for the password policy (model/password_policy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "model/password_policy.h"

static const struct atrium_password_policy policy = ATRIUM_PASSWORD_POLICY_DEFAULT;

static void expect_ok(const char *password, const char *tenant, const char *user)
{
    struct atrium_errinfo e = {0};
    int rc = atrium_password_check(&policy, password, tenant, user, "password", &e);
    if (rc != 0)
        fail_msg("'%s' rejected: %s", password, e.message);
}

static void expect_refused(const struct atrium_password_policy *pol, const char *password,
                           const char *tenant, const char *user, const char *message)
{
    struct atrium_errinfo e = {0};
    int rc = atrium_password_check(pol, password, tenant, user, "admin.password", &e);
    if (rc != ATRIUM_EINVAL)
        fail_msg("'%s' accepted", password ? password : "(null)");
    assert_string_equal(e.field, "admin.password");
    if (!strstr(e.message, message))
        fail_msg("'%s': message '%s' lacks '%s'", password ? password : "(null)", e.message,
                 message);
}

/* A string of n copies of the UTF-8 sequence unit. */
static char *repeat(char *out, const char *unit, size_t n)
{
    size_t u = strlen(unit);
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * u, unit, u);
    out[n * u] = '\0';
    return out;
}

static void test_length_bounds(void **state)
{
    char buf[2048];
    expect_refused(&policy, "Xk7#mQ2", NULL, NULL, "at least 8 characters long");
    expect_ok("Xk7#mQ2z", NULL, NULL);
    expect_ok(repeat(buf, "k", 64), NULL, NULL);
    expect_ok(repeat(buf, "q", 256), NULL, NULL);
    expect_refused(&policy, repeat(buf, "q", 257), NULL, NULL, "at most 256 characters long");
    expect_refused(&policy, "", NULL, NULL, "at least 8");
    expect_refused(&policy, NULL, NULL, NULL, "required");
}

static void test_length_counts_code_points(void **state)
{
    char buf[2048];
    /* 7 two-byte characters are 14 bytes but still too short. */
    expect_refused(&policy, repeat(buf, "\xc3\xa9", 7), NULL, NULL, "at least 8");
    expect_ok(repeat(buf, "\xc3\xa9", 8), NULL, NULL);
    /* 256 four-byte characters are 1024 bytes: allowed, exactly at the byte cap. */
    expect_ok(repeat(buf, "\xf0\x9f\x94\x91", 256), NULL, NULL);
    expect_refused(&policy, repeat(buf, "\xf0\x9f\x94\x91", 257), NULL, NULL, "1024 bytes");
    expect_ok("p\xc3\xa4sswoerd-\xe6\x97\xa5\xe6\x9c\xac-\xc3\xa7"
              "afe",
              NULL, NULL);
}

static void test_custom_policy(void **state)
{
    char buf[2048];
    struct atrium_password_policy strict = {.min_length = 15, .max_length = 64};
    struct atrium_errinfo e = {0};
    expect_refused(&strict, repeat(buf, "z", 14), NULL, NULL, "at least 15 characters");
    assert_int_equal(atrium_password_check(&strict, repeat(buf, "z", 15), NULL, NULL, "p", &e), 0);
    assert_int_equal(atrium_password_check(&strict, repeat(buf, "z", 64), NULL, NULL, "p", &e), 0);
    expect_refused(&strict, repeat(buf, "z", 65), NULL, NULL, "at most 64 characters");
    /* A NULL policy means the default one. */
    assert_int_equal(atrium_password_check(NULL, "Xk7#mQ2", NULL, NULL, "p", &e), ATRIUM_EINVAL);
    assert_int_equal(atrium_password_check(NULL, "Xk7#mQ2z", NULL, NULL, "p", &e), 0);
}

static void test_no_truncation(void **state)
{
    /* Whatever the policy, more than ATRIUM_PASSWORD_BYTES_MAX bytes is refused, not cut. */
    char buf[4096];
    struct atrium_password_policy wide = {.min_length = 1, .max_length = 5000};
    expect_refused(&wide, repeat(buf, "a", ATRIUM_PASSWORD_BYTES_MAX + 1), NULL, NULL, "too long");
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_password_check(&wide, repeat(buf, "b", ATRIUM_PASSWORD_BYTES_MAX), NULL,
                                           NULL, "p", &e),
                     0);
}

static void test_encoding_and_controls(void **state)
{
    expect_refused(&policy, "Xk7#mQ2z\xff", NULL, NULL, "valid UTF-8");
    expect_refused(&policy, "Xk7#mQ2z\xc0\xaf", NULL, NULL, "valid UTF-8");
    expect_refused(&policy, "Xk7#mQ2z\xed\xa0\x80", NULL, NULL, "valid UTF-8");
    expect_refused(&policy, "Xk7#mQ2z\xe2\x82", NULL, NULL, "valid UTF-8");
    expect_refused(&policy, "Xk7#mQ2z\t", NULL, NULL, "control characters");
    expect_refused(&policy, "Xk7#\nmQ2z", NULL, NULL, "control characters");
    expect_refused(&policy, "Xk7#mQ2z\x7f", NULL, NULL, "control characters");
    expect_refused(&policy, "Xk7#mQ2z\xc2\x85", NULL, NULL, "control characters");
    /* Spaces are fine: passphrases. */
    expect_ok("correct horse battery staple", NULL, NULL);
}

static void test_banned_words(void **state)
{
    static const char *const common[] = {
        "password",   "Password",     "PASSWORD",  "password1",  "password123", "Password123!",
        "P@ssw0rd",   "P@ssw0rd2024", "passw0rd!", "12345678",   "123456789",   "1234567890",
        "qwerty123",  "Qwerty!!",     "letmein1",  "welcome1",   "Welcome2024", "iloveyou",
        "admin123",   "Admin@2024",   "changeme",  "azerty123",  "trustno1",    "Summer2024!",
        "Atrium2024", "password 123", "abc12345",  "qwertyuiop",
    };
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
        expect_refused(&policy, common[i], NULL, NULL, "too common");
}

static void test_banned_words_not_substring(void **state)
{
    /* A banned word followed by letters, or inside a longer phrase, is allowed. */
    expect_ok("passwordmanagerrocks", NULL, NULL);
    expect_ok("my password is long", NULL, NULL);
    expect_ok("dragonfly-meadow-42", NULL, NULL);
    expect_ok("1password", NULL, NULL);
    expect_ok("welcome to the jungle", NULL, NULL);
    expect_ok("password\xc3\xa9", NULL, NULL);
}

static void test_tenant_name(void **state)
{
    const char *msg = "must not contain the organization name";
    expect_refused(&policy, "MyContosoPass!", "Contoso", NULL, msg);
    expect_refused(&policy, "xxCONTOSOxx", "contoso", NULL, msg);
    expect_refused(&policy, "best contoso ltd ever", "Contoso Ltd", NULL, msg);
    expect_refused(&policy, "ContosoLtd!2024", "Contoso Ltd", NULL, msg);
    expect_refused(&policy, "Zz-ContosoLtd-zZ", "Contoso-Ltd", NULL, msg);
    expect_refused(&policy, "abcSoci\xc3\xa9t\xc3\xa9xyz", "Soci\xc3\xa9t\xc3\xa9", NULL, msg);
    /* Names under 3 characters are not checked. */
    expect_ok("xxABxxyyzz", "AB", NULL);
    /* "A B" itself has 3 characters and counts; its squeezed form "AB" does not. */
    expect_refused(&policy, "xxA Bxxyyzz", "A B", NULL, msg);
    expect_ok("xxABxxyyzz", "A B", NULL);
    /* Only the whole name (with or without spaces) counts. */
    expect_ok("Contoso-rocks-hard", "Contoso Ltd", NULL);
    expect_ok("unrelated-secret-9", "Contoso Ltd", NULL);
}

static void test_user_name(void **state)
{
    const char *msg = "must not contain the user name";
    expect_refused(&policy, "alice-is-great", NULL, "alice", msg);
    expect_refused(&policy, "ALICE2024!!", NULL, "Alice", msg);
    expect_refused(&policy, "JohnSmith#2024", NULL, "john.smith", msg);
    expect_refused(&policy, "xx-john smith-xx", NULL, "john smith", msg);
    /* A full UPN: the local part is the user name. */
    expect_refused(&policy, "bob-the-builder", NULL, "bob@contoso.com", msg);
    expect_ok("contoso.com-rules!", NULL, "bob@contoso.com");
    expect_ok("xxjoxxyyzz", NULL, "jo");
    expect_ok("Xk7#mQ2z", "Contoso", "alice");
}

static void test_errinfo_optional(void **state)
{
    assert_int_equal(atrium_password_check(&policy, "short", NULL, NULL, NULL, NULL),
                     ATRIUM_EINVAL);
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_password_check(&policy, "short", NULL, NULL, NULL, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "password");
    assert_non_null(strstr(e.message, "The password must be at least 8 characters long."));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_bounds),
        cmocka_unit_test(test_length_counts_code_points),
        cmocka_unit_test(test_custom_policy),
        cmocka_unit_test(test_no_truncation),
        cmocka_unit_test(test_encoding_and_controls),
        cmocka_unit_test(test_banned_words),
        cmocka_unit_test(test_banned_words_not_substring),
        cmocka_unit_test(test_tenant_name),
        cmocka_unit_test(test_user_name),
        cmocka_unit_test(test_errinfo_optional),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
