/* SPDX-License-Identifier: MIT */
/*
 * Contract suite of the custom-domain operations of store.h (domain_get,
 * domain_set_verified, domain_set_default, domain_delete, domain_usage):
 * written against the ops table only, run on the configured store and on
 * "sqlite::memory:" (oauth_fixture.h). Every case also checks that another
 * tenant sees nothing and changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "oauth_fixture.h"

/* A random lowercase domain name "<tag>-<hex>.example" (heap). */
static char *random_domain(const char *tag)
{
    char hex[17];
    atrium_random_hex(hex, 8);
    return xasprintf("%s-%s.example", tag, hex);
}

/* An ASCII-uppercased copy of s (heap). */
static char *upper_copy(const char *s)
{
    char *u = xstrdup(s);
    for (char *p = u; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return u;
}

static void add_domain(struct atrium_store *s, const char *tenant_id, const char *name,
                       bool verified, bool is_default)
{
    struct atrium_domain d = {.name = (char *)name,
                              .is_verified = verified,
                              .is_default = is_default,
                              .verification_code = "MS=ms12345678",
                              .created = T0};
    assert_int_equal(s->ops->domain_insert(s, tenant_id, &d), 0);
}

static void add_user(struct atrium_store *s, const char *tenant_id, const char *upn)
{
    struct atrium_user u = {.upn = (char *)upn,
                            .display_name = "User",
                            .account_enabled = true,
                            .created = T0,
                            .password_changed = T0};
    atrium_uuid_v4(u.id);
    assert_int_equal(s->ops->user_insert(s, tenant_id, &u), 0);
}

/* The flags of the tenant's domain name; fails the test when it is missing. */
static struct atrium_domain get_domain(struct atrium_store *s, const char *tenant_id,
                                       const char *name)
{
    struct atrium_domain d = {0};
    assert_int_equal(s->ops->domain_get(s, tenant_id, name, &d), 0);
    return d;
}

static size_t default_count(struct atrium_store *s, const char *tenant_id)
{
    struct atrium_domain_list l = {0};
    size_t n = 0;
    assert_int_equal(s->ops->domain_list(s, tenant_id, &l), 0);
    for (size_t i = 0; i < l.count; i++)
        n += l.items[i].is_default;
    atrium_domain_list_release(&l);
    return n;
}

static void test_domain_get(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    struct atrium_domain d = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    AUTO_FREE char *name = random_domain("get");
    add_domain(s, a, name, false, false);

    AUTO_FREE char *upper = upper_copy(name);
    assert_int_equal(s->ops->domain_get(s, a, upper, &d), 0);
    assert_string_equal(d.name, name);
    assert_string_equal(d.tenant_id, a);
    assert_string_equal(d.verification_code, "MS=ms12345678");
    assert_false(d.is_verified);
    assert_false(d.is_default);
    assert_false(d.is_initial);
    assert_int_equal(d.created, T0);
    atrium_domain_release(&d);

    /* Another tenant's domain is exactly like a missing one. */
    assert_int_equal(s->ops->domain_get(s, b, name, &d), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_get(s, a, "missing.example", &d), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_get(s, a, "", &d), ATRIUM_ENOTFOUND);
}

static void test_domain_set_verified(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    struct atrium_domain d = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    AUTO_FREE char *name = random_domain("verify");
    add_domain(s, a, name, false, false);
    add_domain(s, b, name, false, false); /* two unverified claims coexist */

    assert_int_equal(s->ops->domain_find_verified(s, name, &d), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_set_verified(s, a, name, true), 0);
    d = get_domain(s, a, name);
    assert_true(d.is_verified);
    atrium_domain_release(&d);
    assert_int_equal(s->ops->domain_find_verified(s, name, &d), 0);
    assert_string_equal(d.tenant_id, a);
    atrium_domain_release(&d);
    assert_int_equal(s->ops->domain_set_verified(s, a, name, true), 0); /* idempotent */

    /* B's claim cannot be verified while A owns the name; B's row stays unverified. */
    assert_int_equal(s->ops->domain_set_verified(s, b, name, true), ATRIUM_ECONFLICT);
    d = get_domain(s, b, name);
    assert_false(d.is_verified);
    atrium_domain_release(&d);

    /* Once A lets go, B can verify. */
    assert_int_equal(s->ops->domain_set_verified(s, a, name, false), 0);
    assert_int_equal(s->ops->domain_set_verified(s, b, name, true), 0);
    assert_int_equal(s->ops->domain_find_verified(s, name, &d), 0);
    assert_string_equal(d.tenant_id, b);
    atrium_domain_release(&d);

    /* A tenant without the row: not found, and nothing changes elsewhere. */
    char c[ATRIUM_UUID_LEN + 1];
    new_tenant(s, c);
    assert_int_equal(s->ops->domain_set_verified(s, c, name, false), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_find_verified(s, name, &d), 0);
    assert_string_equal(d.tenant_id, b);
    atrium_domain_release(&d);
    assert_int_equal(s->ops->domain_set_verified(s, a, "missing.example", true), ATRIUM_ENOTFOUND);
}

static void test_domain_set_default(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    struct atrium_domain d = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    AUTO_FREE char *first = random_domain("first");
    AUTO_FREE char *second = random_domain("second");
    AUTO_FREE char *pending = random_domain("pending");
    AUTO_FREE char *theirs = random_domain("theirs");
    add_domain(s, a, first, true, true);
    add_domain(s, a, second, true, false);
    add_domain(s, a, pending, false, false);
    add_domain(s, b, theirs, true, true);

    assert_int_equal(s->ops->domain_set_default(s, a, second), 0);
    assert_int_equal(default_count(s, a), 1);
    d = get_domain(s, a, second);
    assert_true(d.is_default);
    atrium_domain_release(&d);
    d = get_domain(s, a, first);
    assert_false(d.is_default);
    atrium_domain_release(&d);

    /* Unverified, missing, or another tenant's: refused, nothing changes. */
    assert_int_equal(s->ops->domain_set_default(s, a, pending), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_set_default(s, a, theirs), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_set_default(s, a, "missing.example"), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_set_default(s, b, second), ATRIUM_ENOTFOUND);
    d = get_domain(s, a, second);
    assert_true(d.is_default);
    atrium_domain_release(&d);
    d = get_domain(s, b, theirs);
    assert_true(d.is_default);
    atrium_domain_release(&d);
    assert_int_equal(default_count(s, a), 1);
    assert_int_equal(default_count(s, b), 1);
}

static void test_domain_delete(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    struct atrium_domain d = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    AUTO_FREE char *name = random_domain("delete");
    add_domain(s, a, name, true, false);

    assert_int_equal(s->ops->domain_delete(s, b, name), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_get(s, a, name, &d), 0);
    atrium_domain_release(&d);

    assert_int_equal(s->ops->domain_delete(s, a, name), 0);
    assert_int_equal(s->ops->domain_get(s, a, name, &d), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_find_verified(s, name, &d), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_delete(s, a, name), ATRIUM_ENOTFOUND);

    /* Deleted, the name is free again for anyone. */
    add_domain(s, b, name, true, false);
    assert_int_equal(s->ops->domain_find_verified(s, name, &d), 0);
    assert_string_equal(d.tenant_id, b);
    atrium_domain_release(&d);
}

static void test_domain_usage(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    struct atrium_domain_usage u = {0};
    new_tenant(s, a);
    new_tenant(s, b);
    AUTO_FREE char *name = random_domain("usage");
    AUTO_FREE char *carol = xasprintf("carol@%s", name);
    AUTO_FREE char *alice = xasprintf("Alice@%s", name);
    AUTO_FREE char *bob_upper = upper_copy(name);
    AUTO_FREE char *bob = xasprintf("bob@%s", bob_upper);
    AUTO_FREE char *sub = xasprintf("dave@sub.%s", name);
    AUTO_FREE char *longer = xasprintf("erin@x%s", name);
    AUTO_FREE char *other = xasprintf("frank@%s", name);
    add_user(s, a, carol);
    add_user(s, a, alice);
    add_user(s, a, bob);
    add_user(s, a, sub);    /* a subdomain is another domain */
    add_user(s, a, longer); /* a name that merely ends the same */
    add_user(s, b, other);  /* another tenant's user */

    assert_int_equal(s->ops->domain_usage(s, a, name, 10, &u), 0);
    assert_int_equal(u.user_count, 3);
    assert_int_equal(u.upn_count, 3);
    assert_string_equal(u.upns[0], alice); /* ordered, case kept as stored */
    assert_string_equal(u.upns[1], bob);
    assert_string_equal(u.upns[2], carol);
    atrium_domain_usage_release(&u);

    /* The list is bounded; the count is not. */
    assert_int_equal(s->ops->domain_usage(s, a, name, 2, &u), 0);
    assert_int_equal(u.user_count, 3);
    assert_int_equal(u.upn_count, 2);
    atrium_domain_usage_release(&u);

    assert_int_equal(s->ops->domain_usage(s, b, name, 10, &u), 0);
    assert_int_equal(u.user_count, 1);
    assert_string_equal(u.upns[0], other);
    atrium_domain_usage_release(&u);

    AUTO_FREE char *unused = random_domain("unused");
    assert_int_equal(s->ops->domain_usage(s, a, unused, 10, &u), 0);
    assert_int_equal(u.user_count, 0);
    assert_int_equal(u.upn_count, 0);
    atrium_domain_usage_release(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_domain_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_set_verified, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_set_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_usage, setup, teardown),
    };
    return run_passes(tests, sizeof(tests) / sizeof(tests[0]), "domain");
}
