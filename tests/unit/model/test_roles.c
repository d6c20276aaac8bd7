/* SPDX-License-Identifier: MIT */
/* Unit tests for the built-in directory role templates (model/directory_role.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/rand.h"
#include "core/str.h"
#include "model/directory_role.h"

static size_t template_count(void)
{
    size_t n = 0;
    while (atrium_role_templates[n].id)
        n++;
    return n;
}

static void test_table_well_formed(void **state)
{
    size_t n = template_count();
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++) {
        const struct atrium_role_template *t = &atrium_role_templates[i];
        assert_true(atrium_uuid_is_valid(t->id));
        for (const char *p = t->id; *p; p++)
            assert_false(*p >= 'A' && *p <= 'Z');
        assert_non_null(t->display_name);
        assert_true(strlen(t->display_name) > 0);
        assert_non_null(t->description);
        assert_true(strlen(t->description) > 0);
        for (size_t j = i + 1; j < n; j++) {
            assert_string_not_equal(t->id, atrium_role_templates[j].id);
            assert_string_not_equal(t->display_name, atrium_role_templates[j].display_name);
        }
    }
}

static void test_known_ids(void **state)
{
    static const struct {
        const char *id, *name;
    } known[] = {
        {"62e90394-69f5-4237-9190-012177145e10", "Global Administrator"},
        {"fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"},
        {"729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator"},
        {"88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers"},
        {"9360feb5-f418-4baa-8175-e2a00bac4301", "Directory Writers"},
        {"8329153b-31d0-4727-b945-745eb3bc5f31", "Domain Name Administrator"},
        {"f023fd81-a637-4b56-95fd-791ac0226033", "Service Support Administrator"},
        {"f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"},
        {"29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator"},
        {"3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator"},
        {"69091246-20e8-4a56-aa4d-066075b2a7a8", "Teams Administrator"},
        {"44367163-eba1-44c3-98af-f5787879f96a", "Dynamics 365 Administrator"},
        {"e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator"},
        {"4ba39ca4-527c-499a-b93d-d9b492c50246", "Partner Tier1 Support"},
        {"9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator"},
        {"158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator"},
        {"194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator"},
        {"fdd7a751-b60b-444a-984c-02652fe8fa1c", "Groups Administrator"},
        {"c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator"},
        {"b0f54661-2d74-4c50-afa3-1ec803f12efe", "Billing Administrator"},
        {"4d6ac14f-3453-41d0-bef9-a3e0c569773a", "License Administrator"},
        {"966707d0-3269-4727-9be2-8c3a10f19b9d", "Password Administrator"},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        const struct atrium_role_template *t = atrium_role_template_find(known[i].id);
        if (!t)
            fail_msg("%s (%s) missing", known[i].name, known[i].id);
        assert_string_equal(t->display_name, known[i].name);
    }
}

static void test_header_constants(void **state)
{
    assert_string_equal(atrium_role_template_find(ATRIUM_ROLE_GLOBAL_ADMIN)->display_name,
                        "Global Administrator");
    assert_string_equal(atrium_role_template_find(ATRIUM_ROLE_USER_ADMIN)->display_name,
                        "User Administrator");
    assert_string_equal(atrium_role_template_find(ATRIUM_ROLE_HELPDESK_ADMIN)->display_name,
                        "Helpdesk Administrator");
    assert_string_equal(atrium_role_template_find(ATRIUM_ROLE_DIRECTORY_READERS)->display_name,
                        "Directory Readers");
    assert_string_equal(atrium_role_template_find(ATRIUM_ROLE_DOMAIN_NAME_ADMIN)->display_name,
                        "Domain Name Administrator");
}

static void test_find(void **state)
{
    const struct atrium_role_template *t =
        atrium_role_template_find("62E90394-69F5-4237-9190-012177145E10");
    assert_non_null(t);
    assert_string_equal(t->id, ATRIUM_ROLE_GLOBAL_ADMIN);
    assert_null(atrium_role_template_find("00000000-0000-0000-0000-000000000000"));
    assert_null(atrium_role_template_find("62e90394-69f5-4237-9190-012177145e1"));
    assert_null(atrium_role_template_find("62e90394-69f5-4237-9190-012177145e10 "));
    assert_null(atrium_role_template_find(""));
    assert_null(atrium_role_template_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_well_formed),
        cmocka_unit_test(test_known_ids),
        cmocka_unit_test(test_header_constants),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
