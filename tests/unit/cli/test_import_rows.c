/* SPDX-License-Identifier: MIT */
/*
 * The rows of `atrium user import` (cli/import_rows.c, import_hash.c): the
 * header (Graph names, any case; unknown, repeated or missing required
 * columns refused), a row into a create request (booleans, a temporary
 * password with forced change when none is given), the comparison with an
 * existing user, temporary passwords, and parallel hashing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "cli/user_import.h"
#include "core/csv.h"
#include "core/err.h"
#include "crypto/pwhash.h"
#include "model/password_policy.h"

static struct atrium_csv_record rec(const char **fields, size_t n)
{
    return (struct atrium_csv_record){.fields = (char **)fields, .count = n, .line = 7};
}

static void test_header(void **state)
{
    struct atrium_import_header h;
    struct atrium_errinfo e = {0};
    const char *ok[] = {"UserPrincipalName", "displayName", "password", "accountenabled"};
    struct atrium_csv_record r = rec(ok, 4);
    assert_int_equal(atrium_import_header_parse(&r, &h, &e), 0);
    assert_int_equal(h.index[ATRIUM_COL_UPN], 0);
    assert_int_equal(h.index[ATRIUM_COL_PASSWORD], 2);
    assert_int_equal(h.index[ATRIUM_COL_ACCOUNT_ENABLED], 3);
    assert_int_equal(h.index[ATRIUM_COL_MAIL], -1);
    assert_int_equal(h.count, 4);

    const char *unknown[] = {"userPrincipalName", "displayName", "department"};
    r = rec(unknown, 3);
    assert_int_equal(atrium_import_header_parse(&r, &h, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "department"));
    assert_non_null(strstr(e.message, "Line 7"));
    const char *twice[] = {"userPrincipalName", "displayName", "mail", "Mail"};
    r = rec(twice, 4);
    assert_int_equal(atrium_import_header_parse(&r, &h, &e), ATRIUM_EINVAL);
    const char *missing[] = {"userPrincipalName", "mail"};
    r = rec(missing, 2);
    assert_int_equal(atrium_import_header_parse(&r, &h, &e), ATRIUM_EINVAL);
}

static void test_row(void **state)
{
    const char *hdr[] = {"userPrincipalName",
                         "displayName",
                         "givenName",
                         "accountEnabled",
                         "forceChangePasswordNextSignIn",
                         "password"};
    struct atrium_import_header h;
    struct atrium_errinfo e = {0};
    struct atrium_csv_record r = rec(hdr, 6);
    assert_int_equal(atrium_import_header_parse(&r, &h, &e), 0);

    const char *given[] = {"a@x.example", "Ann", "", "FALSE", "", "Vq7#mZ2!pL9x-tRw"};
    struct atrium_import_row row;
    r = rec(given, 6);
    assert_int_equal(atrium_import_row_parse(&h, &r, &row, &e), 0);
    assert_string_equal(row.req.user_principal_name, "a@x.example");
    assert_null(row.req.given_name); /* empty is absent */
    assert_false(row.req.account_enabled);
    assert_false(row.req.force_change_password);
    assert_false(row.generated);
    assert_string_equal(row.req.password, "Vq7#mZ2!pL9x-tRw");
    assert_int_equal(row.line, 7);
    atrium_import_row_release(&row);

    const char *no_password[] = {"b@x.example", "Bob", "Bob", "", "false", ""};
    r = rec(no_password, 6);
    assert_int_equal(atrium_import_row_parse(&h, &r, &row, &e), 0);
    assert_true(row.generated);
    assert_true(row.req.force_change_password); /* a temporary password is always changed */
    assert_true(row.req.account_enabled);
    assert_int_equal(strlen(row.req.password), ATRIUM_IMPORT_TEMP_PASSWORD_LEN);
    atrium_import_row_release(&row);

    const char *bad_bool[] = {"c@x.example", "C", "", "yes", "", ""};
    r = rec(bad_bool, 6);
    assert_int_equal(atrium_import_row_parse(&h, &r, &row, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "accountEnabled");
    atrium_import_row_release(&row);
    const char *no_name[] = {"d@x.example", "", "", "", "", ""};
    r = rec(no_name, 6);
    assert_int_equal(atrium_import_row_parse(&h, &r, &row, &e), ATRIUM_EINVAL);
    atrium_import_row_release(&row);
    const char *short_row[] = {"e@x.example", "E"};
    r = rec(short_row, 2);
    assert_int_equal(atrium_import_row_parse(&h, &r, &row, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "2 fields"));
    atrium_import_row_release(&row);
}

static void test_compare(void **state)
{
    const char *hdr[] = {"userPrincipalName", "displayName", "mail"};
    const char *vals[] = {"a@x.example", "Ann", "ann@mail.example"};
    struct atrium_import_header h;
    struct atrium_import_row row;
    struct atrium_errinfo e = {0};
    struct atrium_csv_record r = rec(hdr, 3);
    assert_int_equal(atrium_import_header_parse(&r, &h, &e), 0);
    r = rec(vals, 3);
    assert_int_equal(atrium_import_row_parse(&h, &r, &row, &e), 0);
    struct atrium_user u = {.upn = "A@X.example",
                            .display_name = "Ann",
                            .mail = "ann@mail.example",
                            .given_name = NULL,
                            .account_enabled = true};
    assert_int_equal(atrium_import_row_compare(&row, &u, &e), 0);
    u.mail = "other@mail.example";
    assert_int_equal(atrium_import_row_compare(&row, &u, &e), ATRIUM_ECONFLICT);
    assert_string_equal(e.field, "mail");
    u.mail = "ann@mail.example";
    u.given_name = "Ann";
    assert_int_equal(atrium_import_row_compare(&row, &u, &e), ATRIUM_ECONFLICT);
    assert_string_equal(e.field, "givenName");
    atrium_import_row_release(&row);
}

static void test_temp_password(void **state)
{
    static const struct atrium_password_policy policy = ATRIUM_PASSWORD_POLICY_DEFAULT;
    char a[ATRIUM_IMPORT_TEMP_PASSWORD_LEN + 1], b[ATRIUM_IMPORT_TEMP_PASSWORD_LEN + 1];
    for (int i = 0; i < 200; i++) {
        atrium_import_temp_password(a);
        assert_int_equal(strlen(a), ATRIUM_IMPORT_TEMP_PASSWORD_LEN);
        assert_null(strpbrk(a, ",\"'0O1lI \\"));
        assert_non_null(strpbrk(a, "ABCDEFGHJKLMNPQRSTUVWXYZ"));
        assert_non_null(strpbrk(a, "abcdefghijkmnopqrstuvwxyz"));
        assert_non_null(strpbrk(a, "23456789"));
        assert_non_null(strpbrk(a, "!#%+-=?@^_"));
        assert_int_equal(atrium_password_check(&policy, a, NULL, NULL, "password", NULL), 0);
    }
    atrium_import_temp_password(b);
    assert_string_not_equal(a, b);
}

static void test_hash_all(void **state)
{
    struct atrium_pwhash_params p = {.memory_kib = 1024,
                                     .iterations = 1,
                                     .parallelism = 1,
                                     .max_concurrent = 4,
                                     .max_waiting = 8};
    struct atrium_pwhasher *h = NULL;
    assert_int_equal(atrium_pwhasher_new(&p, &h), 0);
    const char *passwords[9] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"};
    char *hashes[9] = {0};
    assert_int_equal(atrium_import_hash_all(h, 4, passwords, hashes, 9, NULL, NULL), 0);
    for (int i = 0; i < 9; i++) {
        bool match = false;
        assert_non_null(hashes[i]);
        assert_int_equal(atrium_pwhash_verify(h, hashes[i], passwords[i], &match, NULL), 0);
        assert_true(match);
        free(hashes[i]);
    }
    assert_int_equal(atrium_import_hash_all(h, 4, passwords, hashes, 0, NULL, NULL), 0);
    atrium_pwhasher_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),   cmocka_unit_test(test_row),
        cmocka_unit_test(test_compare),  cmocka_unit_test(test_temp_password),
        cmocka_unit_test(test_hash_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
