/* SPDX-License-Identifier: MIT */
/* Unit tests for the tenant and user field rules and release functions (model/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "model/directory_role.h"
#include "model/tenant.h"
#include "model/user.h"

typedef int (*validator_fn)(const char *, const char *, struct atrium_errinfo *);

/* Each invalid value fails with EINVAL, the field set and needle in the message. */
static void expect_invalid(validator_fn fn, const char *field, const char *value,
                           const char *needle)
{
    struct atrium_errinfo e = {0};
    int rc = fn(value, field, &e);
    if (rc != ATRIUM_EINVAL)
        fail_msg("'%s' accepted (rc %d)", value ? value : "(null)", rc);
    assert_int_equal(e.code, ATRIUM_EINVAL);
    assert_string_equal(e.field, field);
    if (!strstr(e.message, field))
        fail_msg("message '%s' does not name %s", e.message, field);
    if (needle && !strstr(e.message, needle))
        fail_msg("message '%s' for '%s' lacks '%s'", e.message, value ? value : "(null)", needle);
}

static void expect_valid(validator_fn fn, const char *value)
{
    struct atrium_errinfo e = {0};
    int rc = fn(value, "f", &e);
    if (rc != 0)
        fail_msg("'%s' rejected: %s", value, e.message);
}

static void test_domain_prefix(void **state)
{
    validator_fn fn = atrium_validate_domain_prefix;
    expect_valid(fn, "contoso");
    expect_valid(fn, "a");
    expect_valid(fn, "0");
    expect_valid(fn, "contoso2024");
    expect_valid(fn, "abcdefghijklmnopqrstuvwxyz0");                          /* 27 */
    expect_invalid(fn, "domainPrefix", "abcdefghijklmnopqrstuvwxyz01", "27"); /* 28 */
    expect_invalid(fn, "domainPrefix", "Contoso", "lowercase letters");
    expect_invalid(fn, "domainPrefix", "CONTOSO", "digits");
    expect_invalid(fn, "domainPrefix", "con-toso", "lowercase letters");
    expect_invalid(fn, "domainPrefix", "con.toso", NULL);
    expect_invalid(fn, "domainPrefix", "con toso", NULL);
    expect_invalid(fn, "domainPrefix", "caf\xc3\xa9", NULL);
    expect_invalid(fn, "domainPrefix", "", "required");
    expect_invalid(fn, "domainPrefix", NULL, "required");
}

static void test_country_code(void **state)
{
    validator_fn fn = atrium_validate_country_code;
    static const char *const ok[] = {"US", "FR", "DE", "GB", "JP", "AD", "ZW", "AX", "SS", "BQ"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        expect_valid(fn, ok[i]);
    const char *msg = "ISO 3166-1 alpha-2 code";
    expect_invalid(fn, "countryLetterCode", "us", msg);
    expect_invalid(fn, "countryLetterCode", "Us", msg);
    expect_invalid(fn, "countryLetterCode", "UK", "such as US or FR"); /* not assigned */
    expect_invalid(fn, "countryLetterCode", "XK", msg);                /* user-assigned */
    expect_invalid(fn, "countryLetterCode", "ZZ", msg);
    expect_invalid(fn, "countryLetterCode", "AA", msg);
    expect_invalid(fn, "countryLetterCode", "USA", msg);
    expect_invalid(fn, "countryLetterCode", "U", msg);
    expect_invalid(fn, "countryLetterCode", "U1", msg);
    expect_invalid(fn, "countryLetterCode", "", "required");
    expect_invalid(fn, "countryLetterCode", NULL, "required");
}

static void test_country_table_complete(void **state)
{
    /* Every assigned code accepted, and exactly 249 of the 676 pairs. */
    int accepted = 0;
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++) {
            char code[3] = {a, b, '\0'};
            accepted += atrium_validate_country_code(code, "c", NULL) == 0;
        }
    assert_int_equal(accepted, 249);
}

static void test_email(void **state)
{
    validator_fn fn = atrium_validate_email;
    expect_valid(fn, "admin@contoso.com");
    expect_valid(fn, "first.last+tag@mail.contoso.co.uk");
    expect_valid(fn, "o'brien@example.org");
    expect_valid(fn, "x!#$%&'*+/=?^_`{|}~-@a-b.example");
    expect_valid(fn, "A@B.CO");
    char local64[80];
    memset(local64, 'l', 64);
    strcpy(local64 + 64, "@x.io");
    expect_valid(fn, local64);
    char local65[80];
    memset(local65, 'l', 65);
    strcpy(local65 + 65, "@x.io");
    expect_invalid(fn, "contactEmail", local65, "1 to 64");

    char longest[300];
    memset(longest, 'a', sizeof(longest));
    memcpy(longest, "u@", 2);
    for (size_t i = 2 + 63; i < 254; i += 64)
        longest[i] = '.';
    longest[254] = '\0'; /* labels of 63, total 254 */
    expect_valid(fn, longest);
    longest[254] = 'a';
    longest[255] = '\0';
    expect_invalid(fn, "contactEmail", longest, "254");

    expect_invalid(fn, "contactEmail", "", "required");
    expect_invalid(fn, "contactEmail", NULL, "required");
    expect_invalid(fn, "contactEmail", "admin.contoso.com", "exactly one '@'");
    expect_invalid(fn, "contactEmail", "a@b@contoso.com", "exactly one '@'");
    expect_invalid(fn, "contactEmail", "@contoso.com", "1 to 64");
    expect_invalid(fn, "contactEmail", "a b@contoso.com", "not allowed");
    expect_invalid(fn, "contactEmail", "\"q\"@contoso.com", "not allowed");
    expect_invalid(fn, "contactEmail", "caf\xc3\xa9@contoso.com", "not allowed");
    expect_invalid(fn, "contactEmail", ".a@contoso.com", "'..'");
    expect_invalid(fn, "contactEmail", "a.@contoso.com", "'.'");
    expect_invalid(fn, "contactEmail", "a..b@contoso.com", "'..'");
    expect_invalid(fn, "contactEmail", "a@localhost", "two labels");
    expect_invalid(fn, "contactEmail", "a@", "domain");
    expect_invalid(fn, "contactEmail", "a@-contoso.com", "hyphen");
    expect_invalid(fn, "contactEmail", "a@contoso..com", "1 to 63");
    expect_invalid(fn, "contactEmail", "a@contoso.com.", "1 to 63");
    expect_invalid(fn, "contactEmail", "a@[10.0.0.1]", "letters, digits");
    expect_invalid(fn, "contactEmail", "a@10.0.0.1", "all digits");
}

static void test_display_name(void **state)
{
    validator_fn fn = atrium_validate_display_name;
    expect_valid(fn, "Contoso");
    expect_valid(fn, "Contoso Ltd. (EMEA) - R&D");
    expect_valid(fn, "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale");
    expect_valid(fn, "\xe6\x97\xa5\xe6\x9c\xac");
    expect_valid(fn, "x");
    expect_valid(fn, " padded ");

    /* 256 characters accepted even when they are 3 bytes each; 257 refused. */
    char text[3 * 257 + 1];
    for (size_t i = 0; i < 256; i++)
        memcpy(text + 3 * i, "\xe2\x82\xac", 3);
    text[3 * 256] = '\0';
    expect_valid(fn, text);
    memcpy(text + 3 * 256, "\xe2\x82\xac", 4);
    expect_invalid(fn, "displayName", text, "at most 256 characters");

    expect_invalid(fn, "displayName", "", "empty");
    expect_invalid(fn, "displayName", "   ", "only spaces");
    expect_invalid(fn, "displayName", " \xc2\xa0\xe3\x80\x80 ", "only spaces");
    expect_invalid(fn, "displayName", NULL, "required");
    expect_invalid(fn, "displayName", "bad\x01", "control characters");
    expect_invalid(fn, "displayName", "tab\there", "control characters");
    expect_invalid(fn, "displayName", "c1\xc2\x85", "control characters");
    expect_invalid(fn, "displayName", "bad\xff", "UTF-8");
    expect_invalid(fn, "displayName", "\xc0\xaf", "UTF-8");
    expect_invalid(fn, "displayName", "\xed\xa0\x80", "UTF-8");
}

static void test_domain_name(void **state)
{
    validator_fn fn = atrium_validate_domain_name;
    expect_valid(fn, "contoso.com");
    expect_valid(fn, "Contoso.COM");
    expect_valid(fn, "a.b");
    expect_valid(fn, "mail.contoso.co.uk");
    expect_valid(fn, "xn--bcher-kva.example");
    expect_valid(fn, "1-2.3com");
    expect_valid(fn, "contoso.atrium.localhost");

    char label63[80], label64[80];
    memset(label63, 'a', 63);
    strcpy(label63 + 63, ".com");
    memset(label64, 'a', 64);
    strcpy(label64 + 64, ".com");
    expect_valid(fn, label63);
    expect_invalid(fn, "name", label64, "1 to 63");

    char name[300];
    memset(name, 'a', sizeof(name));
    for (size_t i = 63; i < 253; i += 64)
        name[i] = '.';
    name[253] = '\0';
    expect_valid(fn, name);
    name[253] = 'a';
    name[254] = '\0';
    expect_invalid(fn, "name", name, "253");

    expect_invalid(fn, "name", "localhost", "two labels");
    expect_invalid(fn, "name", "", "required");
    expect_invalid(fn, "name", NULL, "required");
    expect_invalid(fn, "name", ".contoso.com", "1 to 63");
    expect_invalid(fn, "name", "contoso.com.", "1 to 63");
    expect_invalid(fn, "name", "contoso..com", "1 to 63");
    expect_invalid(fn, "name", "-contoso.com", "hyphen");
    expect_invalid(fn, "name", "contoso-.com", "hyphen");
    expect_invalid(fn, "name", "contoso.-com", "hyphen");
    expect_invalid(fn, "name", "con_toso.com", "letters, digits and hyphens");
    expect_invalid(fn, "name", "con toso.com", "letters, digits and hyphens");
    expect_invalid(fn, "name",
                   "b\xc3\xbc"
                   "cher.de",
                   "letters, digits and hyphens");
    expect_invalid(fn, "name", "contoso.123", "all digits");
    expect_invalid(fn, "name", "192.168.0.1", "all digits");
}

static void test_user_name(void **state)
{
    validator_fn fn = atrium_validate_user_name;
    expect_valid(fn, "admin");
    expect_valid(fn, "first.last");
    expect_valid(fn, "o'brien");
    expect_valid(fn, "a_b-c.d");
    expect_valid(fn, "A");
    char n64[65], n65[66];
    memset(n64, 'u', 64);
    n64[64] = '\0';
    memset(n65, 'u', 65);
    n65[65] = '\0';
    expect_valid(fn, n64);
    expect_invalid(fn, "admin.userName", n65, "1 to 64");
    expect_invalid(fn, "admin.userName", "", "required");
    expect_invalid(fn, "admin.userName", NULL, "required");
    expect_invalid(fn, "admin.userName", ".admin", "start or end");
    expect_invalid(fn, "admin.userName", "admin.", "start or end");
    expect_invalid(fn, "admin.userName", "ad..min", "'..'");
    expect_invalid(fn, "admin.userName", "ad min", "only letters");
    expect_invalid(fn, "admin.userName", "admin@contoso.com", "only letters");
    expect_invalid(fn, "admin.userName", "adm+in", "only letters");
    expect_invalid(fn, "admin.userName", "jos\xc3\xa9", "only letters");
}

static void test_upn(void **state)
{
    validator_fn fn = atrium_validate_upn;
    expect_valid(fn, "admin@contoso.atrium.localhost");
    expect_valid(fn, "First.Last@Contoso.com");
    expect_valid(fn, "o'brien@contoso.com");

    /* 64 + '@' + 48 = 113 accepted, 114 refused. */
    char upn[200];
    memset(upn, 'u', 64);
    upn[64] = '@';
    memset(upn + 65, 'd', 48);
    upn[65 + 44] = '.';
    upn[113] = '\0';
    expect_valid(fn, upn);
    upn[113] = 'x';
    upn[114] = '\0';
    expect_invalid(fn, "userPrincipalName", upn, "113");

    expect_invalid(fn, "userPrincipalName", "", "required");
    expect_invalid(fn, "userPrincipalName", NULL, "required");
    expect_invalid(fn, "userPrincipalName", "admin", "exactly one '@'");
    expect_invalid(fn, "userPrincipalName", "a@b@contoso.com", "exactly one '@'");
    expect_invalid(fn, "userPrincipalName", "@contoso.com", "before the '@'");
    expect_invalid(fn, "userPrincipalName", ".admin@contoso.com", "before the '@'");
    expect_invalid(fn, "userPrincipalName", "ad..min@contoso.com", "'..'");
    expect_invalid(fn, "userPrincipalName", "ad min@contoso.com", "before the '@'");
    expect_invalid(fn, "userPrincipalName", "admin@", "after the '@'");
    expect_invalid(fn, "userPrincipalName", "admin@contoso", "after the '@'");
    expect_invalid(fn, "userPrincipalName", "admin@contoso.com.", "after the '@'");
    expect_invalid(fn, "userPrincipalName", "admin@-contoso.com", "hyphen");
}

static void test_name_field(void **state)
{
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_validate_name_field(NULL, ATRIUM_NAME_FIELD_MAX, "givenName", &e), 0);
    assert_int_equal(
        atrium_validate_name_field("Zo\xc3\xab", ATRIUM_NAME_FIELD_MAX, "givenName", &e), 0);
    char n[3 * 65 + 1];
    for (size_t i = 0; i < 64; i++)
        memcpy(n + 2 * i, "\xc3\xa9", 2);
    n[128] = '\0';
    assert_int_equal(atrium_validate_name_field(n, ATRIUM_NAME_FIELD_MAX, "surname", &e), 0);
    memcpy(n + 128, "\xc3\xa9", 3);
    assert_int_equal(atrium_validate_name_field(n, ATRIUM_NAME_FIELD_MAX, "surname", &e),
                     ATRIUM_EINVAL);
    assert_string_equal(e.field, "surname");
    assert_non_null(strstr(e.message, "at most 64 characters"));
    assert_int_equal(atrium_validate_name_field("", ATRIUM_JOB_TITLE_MAX, "jobTitle", &e),
                     ATRIUM_EINVAL);
    assert_string_equal(e.field, "jobTitle");
    assert_int_equal(atrium_validate_name_field("a\nb", ATRIUM_JOB_TITLE_MAX, "jobTitle", &e),
                     ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "control characters"));
}

static void test_null_field_and_errinfo(void **state)
{
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_validate_email("bad", NULL, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "value"));
    assert_int_equal(atrium_validate_domain_prefix("BAD", "p", NULL), ATRIUM_EINVAL);
}

static void test_release_functions(void **state)
{
    struct atrium_tenant t = {0};
    atrium_tenant_release(&t);
    t.display_name = xstrdup("Contoso");
    t.contact_email = xstrdup("a@contoso.com");
    t.initial_domain = xstrdup("contoso.atrium.localhost");
    memcpy(t.country, "US", 3);
    t.created = 5;
    atrium_tenant_release(&t);
    assert_null(t.display_name);
    assert_null(t.initial_domain);
    assert_int_equal(t.created, 0);
    assert_string_equal(t.country, "");
    atrium_tenant_release(&t);
    atrium_tenant_release(NULL);

    struct atrium_domain d = {0};
    d.name = xstrdup("contoso.com");
    d.verification_code = xstrdup("MS=ms12345678");
    d.is_default = true;
    atrium_domain_release(&d);
    assert_null(d.name);
    assert_false(d.is_default);
    atrium_domain_release(&d);

    struct atrium_user u = {0};
    atrium_user_release(&u);
    u.upn = xstrdup("a@contoso.com");
    u.display_name = xstrdup("A");
    u.given_name = xstrdup("G");
    u.surname = xstrdup("S");
    u.mail = xstrdup("a@contoso.com");
    u.job_title = xstrdup("J");
    u.password_hash = xstrdup("$argon2id$...");
    u.account_enabled = true;
    atrium_user_release(&u);
    assert_null(u.upn);
    assert_null(u.password_hash);
    assert_false(u.account_enabled);
    atrium_user_release(&u);

    struct atrium_group g = {0};
    atrium_group_release(&g);
    g.display_name = xstrdup("Admins");
    g.description = xstrdup("d");
    g.mail_nickname = xstrdup("admins");
    atrium_group_release(&g);
    assert_null(g.display_name);
    atrium_group_release(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_prefix),
        cmocka_unit_test(test_country_code),
        cmocka_unit_test(test_country_table_complete),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_display_name),
        cmocka_unit_test(test_domain_name),
        cmocka_unit_test(test_user_name),
        cmocka_unit_test(test_upn),
        cmocka_unit_test(test_name_field),
        cmocka_unit_test(test_null_field_and_errinfo),
        cmocka_unit_test(test_release_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
