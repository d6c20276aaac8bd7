/* SPDX-License-Identifier: MIT */
/*
 * Application body validation (pure): redirect and identifier URI rules,
 * unknown and read-only properties named in the error, PATCH merging,
 * whole-definition checks (unique ids and values, disable before delete).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/apps.h"

struct uri_case {
    const char *kind;
    const char *uri;
    bool ok;
};

static void test_redirect_uris(void **state)
{
    static const struct uri_case cases[] = {
        {"web", "https://app.example.com/callback", true},
        {"web", "https://app.example.com:8443/cb?x=1", true},
        {"web", "http://localhost/cb", true},
        {"web", "http://localhost:3000/cb", true},
        {"web", "http://127.0.0.1:8080", true},
        {"web", "http://[::1]:5000/", true},
        {"spa", "https://spa.example.com", true},
        {"publicClient", "msal04b07795://auth", true},
        {"publicClient", "com.example.app:/oauth2redirect", true},
        {"publicClient", "urn:ietf:wg:oauth:2.0:oob", true},
        {"publicClient", "http://localhost", true},
        {"web", "http://app.example.com/cb", false},       /* http off loopback */
        {"web", "http://localhost.evil.com/cb", false},    /* not loopback */
        {"web", "http://127.0.0.1.nip.io/cb", false},      /* not loopback */
        {"web", "https://app.example.com/cb#frag", false}, /* fragment */
        {"web", "https://*.example.com/cb", false},        /* wildcard */
        {"web", "https://app.example.com/a b", false},     /* space */
        {"web", "/relative/cb", false},                    /* not absolute */
        {"web", "https://", false},                        /* no host */
        {"web", "https://user@app.example.com/", false},   /* user info */
        {"web", "javascript:alert(1)", false},
        {"web", "msal1234://auth", false}, /* custom schemes only for native */
        {"spa", "myapp://cb", false},
        {"publicClient", "javascript:alert(1)", false},
        {"publicClient", "data:text/html,x", false},
        {"publicClient", "file:///etc/passwd", false},
        {"publicClient", "myapp:", false},
        {"web", "", false},
        {"web", "https://caf\xc3\xa9.example.com/", false}, /* non-ASCII */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct atrium_errinfo e = {0};
        int r =
            atrium_app_redirect_uri_check(cases[i].kind, cases[i].uri, "web.redirectUris[0]", &e);
        if ((r == 0) != cases[i].ok)
            fail_msg("%s %s: expected %s, got %d (%s)", cases[i].kind, cases[i].uri,
                     cases[i].ok ? "ok" : "refused", r, e.message);
        if (r < 0)
            assert_string_equal(e.field, "web.redirectUris[0]");
    }
    /* Length limit: 2048 bytes. */
    char *longest = xmalloc(ATRIUM_APP_REDIRECT_URI_LEN_MAX + 2);
    memset(longest, 'a', ATRIUM_APP_REDIRECT_URI_LEN_MAX + 1);
    memcpy(longest, "https://x.example/", 18);
    longest[ATRIUM_APP_REDIRECT_URI_LEN_MAX] = '\0';
    assert_int_equal(atrium_app_redirect_uri_check("web", longest, "f", NULL), 0);
    longest[ATRIUM_APP_REDIRECT_URI_LEN_MAX] = 'a';
    longest[ATRIUM_APP_REDIRECT_URI_LEN_MAX + 1] = '\0';
    assert_int_equal(atrium_app_redirect_uri_check("web", longest, "f", NULL), ATRIUM_EINVAL);
    free(longest);
}

static void test_identifier_uris(void **state)
{
    static const struct uri_case cases[] = {
        {NULL, "api://11111111-1111-4111-8111-111111111111", true},
        {NULL, "api://contoso/orders", true},
        {NULL, "https://api.contoso.com", true},
        {NULL, "https://api.contoso.com/orders", true},
        {NULL, "api://", false},
        {NULL, "http://api.contoso.com", false},
        {NULL, "urn:contoso", false},
        {NULL, "https://graph.microsoft.com", false}, /* reserved */
        {NULL, "https://graph.microsoft.com/x", false},
        {NULL, "api://contoso#x", false},
        {NULL, "api://con toso", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int r = atrium_app_identifier_uri_check(cases[i].uri, "identifierUris[0]", NULL);
        if ((r == 0) != cases[i].ok)
            fail_msg("%s: expected %s", cases[i].uri, cases[i].ok ? "ok" : "refused");
    }
}

/* Merge text into def; returns the code, with the field in field_out. */
static int merge(json_t *def, const char *text, bool create, char field_out[64])
{
    json_error_t jerr;
    json_t *body = json_loads(text, 0, &jerr);
    assert_non_null(body);
    struct atrium_app_columns cols;
    struct atrium_errinfo e = {0};
    int r = atrium_app_merge(def, body, create, &cols, &e);
    if (field_out)
        memcpy(field_out, e.field, sizeof(e.field) < 64 ? sizeof(e.field) : 64);
    json_decref(body);
    return r;
}

static void test_unknown_and_read_only(void **state)
{
    struct {
        const char *body;
        const char *field;
    } cases[] = {
        {"{\"displayName\":\"x\",\"color\":\"red\"}", "color"},
        {"{\"displayName\":\"x\",\"appId\":\"11111111-1111-4111-8111-111111111111\"}", "appId"},
        {"{\"displayName\":\"x\",\"passwordCredentials\":[]}", "passwordCredentials"},
        {"{\"displayName\":\"x\",\"web\":{\"redirectUri\":[]}}", "web.redirectUri"},
        {"{\"displayName\":\"x\",\"web\":{\"implicitGrantSettings\":{\"x\":1}}}",
         "web.implicitGrantSettings.x"},
        {"{\"displayName\":\"x\",\"api\":{\"oauth2PermissionScopes\":[{\"id\":"
         "\"11111111-1111-4111-8111-111111111111\",\"value\":\"r\",\"bogus\":1}]}}",
         "api.oauth2PermissionScopes[0].bogus"},
        {"{\"displayName\":\"x\",\"signInAudience\":\"PersonalMicrosoftAccount\"}",
         "signInAudience"},
        {"{\"displayName\":\"\"}", "displayName"},
        {"{\"displayName\":\"x\",\"web\":{\"redirectUris\":[\"http://evil.com\"]}}",
         "web.redirectUris[0]"},
        {"{\"displayName\":\"x\",\"spa\":{\"redirectUris\":[\"https://a.example\","
         "\"https://a.example\"]}}",
         "spa.redirectUris[1]"},
        {"{\"displayName\":\"x\",\"appRoles\":[{\"id\":\"nope\",\"allowedMemberTypes\":"
         "[\"User\"]}]}",
         "appRoles[0].id"},
        {"{\"displayName\":\"x\",\"appRoles\":[{\"id\":\"11111111-1111-4111-8111-111111111111\","
         "\"allowedMemberTypes\":[\"Robot\"]}]}",
         "appRoles[0].allowedMemberTypes[0]"},
        {"{\"displayName\":\"x\",\"api\":{\"oauth2PermissionScopes\":[{\"id\":"
         "\"11111111-1111-4111-8111-111111111111\",\"value\":\"has space\"}]}}",
         "api.oauth2PermissionScopes[0].value"},
        {"{\"displayName\":\"x\",\"requiredResourceAccess\":[{\"resourceAppId\":"
         "\"00000003-0000-0000-c000-000000000000\",\"resourceAccess\":[{\"id\":"
         "\"df021288-bdef-4463-88db-98f22de89214\",\"type\":\"Delegated\"}]}]}",
         "requiredResourceAccess[0].resourceAccess[0].type"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *def = json_object();
        char field[64] = "";
        int r = merge(def, cases[i].body, true, field);
        if (r != ATRIUM_EINVAL || strcmp(field, cases[i].field) != 0)
            fail_msg("case %zu: expected EINVAL on %s, got %d on '%s'", i, cases[i].field, r,
                     field);
        json_decref(def);
    }
    json_t *def = json_object();
    char field[64] = "";
    assert_int_equal(merge(def, "{\"signInAudience\":\"AzureADMyOrg\"}", true, field),
                     ATRIUM_EINVAL);
    assert_string_equal(field, "displayName"); /* required on create */
    assert_int_equal(merge(def, "{\"signInAudience\":\"AzureADMyOrg\"}", false, field), 0);
    json_decref(def);
}

static void test_merge_and_normalize(void **state)
{
    json_t *def = json_object();
    assert_int_equal(
        merge(def,
              "{\"displayName\":\"App\",\"web\":{\"redirectUris\":[\"https://a.example/cb\"],"
              "\"homePageUrl\":\"https://a.example\"},\"appRoles\":[{\"id\":"
              "\"AAAAAAAA-1111-4111-8111-111111111111\",\"allowedMemberTypes\":[\"Application\"],"
              "\"value\":\"Orders.Read\"}],\"identifierUris\":[\"api://orders\"]}",
              true, NULL),
        0);
    assert_false(json_object_get(def, "displayName")); /* a column, not in the definition */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(def, "appRoles"), 0), "id")),
                        "aaaaaaaa-1111-4111-8111-111111111111");
    /* PATCH: web merges member by member; null removes. */
    assert_int_equal(merge(def, "{\"web\":{\"logoutUrl\":\"https://a.example/out\"}}", false, NULL),
                     0);
    json_t *web = json_object_get(def, "web");
    assert_non_null(json_object_get(web, "redirectUris"));
    assert_non_null(json_object_get(web, "logoutUrl"));
    assert_int_equal(merge(def, "{\"identifierUris\":null}", false, NULL), 0);
    assert_null(json_object_get(def, "identifierUris"));
    json_decref(def);
}

static void test_definition_checks(void **state)
{
    const char *role = "{\"id\":\"11111111-1111-4111-8111-111111111111\","
                       "\"allowedMemberTypes\":[\"Application\"],\"value\":\"A\"}";
    json_t *def = json_object();
    struct atrium_errinfo e = {0};
    AUTO_FREE char *dup_ids = xasprintf("{\"appRoles\":[%s],\"api\":{\"oauth2PermissionScopes\":"
                                        "[{\"id\":\"11111111-1111-4111-8111-111111111111\","
                                        "\"value\":\"B\"}]}}",
                                        role);
    assert_int_equal(merge(def, dup_ids, false, NULL), 0);
    assert_int_equal(atrium_app_definition_check(def, NULL, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "appRoles");
    json_decref(def);

    def = json_object();
    assert_int_equal(merge(def,
                           "{\"appRoles\":[{\"id\":\"11111111-1111-4111-8111-111111111111\","
                           "\"allowedMemberTypes\":[\"User\"],\"value\":\"Same\"},{\"id\":"
                           "\"22222222-1111-4111-8111-111111111111\",\"allowedMemberTypes\":"
                           "[\"User\"],\"value\":\"same\"}]}",
                           false, NULL),
                     0);
    assert_int_equal(atrium_app_definition_check(def, NULL, &e), ATRIUM_EINVAL);
    json_decref(def);

    def = json_object();
    assert_int_equal(merge(def, "{\"identifierUris\":[\"api://x\",\"API://X\"]}", false, NULL), 0);
    assert_int_equal(atrium_app_definition_check(def, NULL, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "identifierUris");
    json_decref(def);

    /* An enabled role cannot be removed; a disabled one can. */
    json_t *old = json_object();
    AUTO_FREE char *one = xasprintf("{\"appRoles\":[%s]}", role);
    assert_int_equal(merge(old, one, false, NULL), 0);
    def = json_deep_copy(old);
    assert_int_equal(merge(def, "{\"appRoles\":[]}", false, NULL), 0);
    assert_int_equal(atrium_app_definition_check(def, old, &e), ATRIUM_EINVAL);
    json_object_set_new(json_array_get(json_object_get(old, "appRoles"), 0), "isEnabled",
                        json_false());
    assert_int_equal(atrium_app_definition_check(def, old, &e), 0);
    json_decref(def);
    json_decref(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redirect_uris),         cmocka_unit_test(test_identifier_uris),
        cmocka_unit_test(test_unknown_and_read_only), cmocka_unit_test(test_merge_and_normalize),
        cmocka_unit_test(test_definition_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
