/* SPDX-License-Identifier: MIT */
/*
 * Realm discovery (graph/realm.h): the domain extraction and its limits, the
 * api-version and cloud instance helpers, look-ups against a real SQLite
 * store under ATRIUM_TEST_TMP (initial, verified custom and unverified
 * domains; the same answer whether the user exists or not) and the exact
 * JSON shapes of userrealm 1.0 / 2.x and getuserrealm.srf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "graph/realm.h"
#include "store/store.h"

#define BRAND "Fabrikam <Research> & Co"
#define CLOUD "localhost:8443"

struct fx {
    char *db_path;
    struct atrium_store *s;
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char initial[96];    /* t<hex>.atrium.localhost: initial, verified */
    char custom[96];     /* fab<hex>.example.com: verified */
    char unverified[96]; /* pending<hex>.example.com: added, not verified */
};

static void add_domain(struct fx *f, const char *name, bool initial, bool verified)
{
    struct atrium_domain d = {.name = (char *)name,
                              .is_initial = initial,
                              .is_default = initial,
                              .is_verified = verified,
                              .verification_code = verified ? NULL : "MS=ms12345678",
                              .created = atrium_now()};
    assert_int_equal(f->s->ops->domain_insert(f->s, f->tenant_id, &d), 0);
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char hex[17];
    atrium_random_hex(hex, 8);
    f->db_path = xasprintf("%s/realm-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    struct atrium_errinfo e = {0};
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->db_path);
    assert_int_equal(atrium_store_open(uri, &f->s, &e), 0);
    int version = 0;
    assert_int_equal(atrium_store_migrate(f->s, &version), 0);
    snprintf(f->initial, sizeof(f->initial), "t%s.atrium.localhost", hex);
    snprintf(f->custom, sizeof(f->custom), "fab%s.example.com", hex);
    snprintf(f->unverified, sizeof(f->unverified), "pending%s.example.com", hex);
    struct atrium_tenant t = {.display_name = BRAND,
                              .country = "US",
                              .contact_email = "ops@example.com",
                              .initial_domain = f->initial,
                              .created = atrium_now()};
    atrium_uuid_v4(t.id);
    assert_int_equal(f->s->ops->tenant_insert(f->s, &t), 0);
    memcpy(f->tenant_id, t.id, sizeof(t.id));
    add_domain(f, f->initial, true, true);
    add_domain(f, f->custom, false, true);
    add_domain(f, f->unverified, false, false);
    /* alice exists; nobody does. */
    char upn[160];
    snprintf(upn, sizeof(upn), "alice@%s", f->initial);
    struct atrium_user u = {.upn = upn,
                            .display_name = "Alice",
                            .account_enabled = true,
                            .created = atrium_now(),
                            .password_changed = atrium_now()};
    atrium_uuid_v4(u.id);
    assert_int_equal(f->s->ops->user_insert(f->s, f->tenant_id, &u), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    atrium_store_close(f->s);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *p = xasprintf("%s%s", f->db_path, suffixes[i]);
        unlink(p);
    }
    free(f->db_path);
    free(f);
    return 0;
}

/* parse(input) must succeed with these login and domain. */
static void parses(const char *input, const char *login, const char *domain)
{
    char *l = NULL, *d = NULL;
    struct atrium_errinfo e = {0};
    int rc = atrium_realm_parse(input, &l, &d, &e);
    if (rc != 0)
        fail_msg("'%s' refused: %s", input, e.message);
    assert_string_equal(l, login);
    assert_string_equal(d, domain);
    free(l);
    free(d);
}

/* parse(input) must fail with EINVAL naming "login", leaving no result. */
static void refused(const char *input, const char *message_part)
{
    char *l = (char *)"x", *d = (char *)"x";
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_realm_parse(input, &l, &d, &e), ATRIUM_EINVAL);
    assert_null(l);
    assert_null(d);
    assert_string_equal(e.field, "login");
    if (!strstr(e.message, message_part))
        fail_msg("'%s': message '%s' lacks '%s'", input ? input : "(null)", e.message,
                 message_part);
}

static void test_parse_accepts(void **state)
{
    (void)state;
    parses("alice@Contoso.COM", "alice@Contoso.COM", "contoso.com");
    parses("contoso.com", "contoso.com", "contoso.com");
    parses("  Bob.Smith+tag@sub.contoso.com.\t", "Bob.Smith+tag@sub.contoso.com.",
           "sub.contoso.com");
    parses("x@xn--bcher-kva.example", "x@xn--bcher-kva.example", "xn--bcher-kva.example");
    /* Exactly at the limits: 64-byte local part, 254 characters in all. */
    char local[ATRIUM_REALM_LOCAL_MAX + 1];
    memset(local, 'a', ATRIUM_REALM_LOCAL_MAX);
    local[ATRIUM_REALM_LOCAL_MAX] = '\0';
    char dom[256];
    size_t dlen = ATRIUM_REALM_INPUT_MAX - ATRIUM_REALM_LOCAL_MAX - 1; /* 189 */
    /* labels of 62 'b' + '.' ..., ending in ".com" */
    memset(dom, 'b', dlen);
    dom[62] = dom[125] = dom[dlen - 4] = '.';
    memcpy(dom + dlen - 3, "com", 3);
    dom[dlen] = '\0';
    AUTO_FREE char *login = xasprintf("%s@%s", local, dom);
    assert_int_equal(strlen(login), ATRIUM_REALM_INPUT_MAX);
    parses(login, login, dom);
}

static void test_parse_refuses(void **state)
{
    (void)state;
    refused(NULL, "Enter a work email address");
    refused("", "Enter a work email address");
    refused(" \t ", "Enter a work email address");
    refused("a@b@contoso.com", "Enter a work email address");
    refused("@contoso.com", "Enter a work email address");
    refused("alice@", "Enter a work email address");
    refused("alice@.", "Enter a work email address");
    refused("al ice@contoso.com", "Enter a work email address");
    refused("alice@localhost", "two labels");
    refused("alice@-bad.example.com", "valid domain name");
    refused("alice@contoso..com", "valid domain name");
    refused("alice@<script>.com", "valid domain name");
    refused("<script>alert(1)</script>", "valid domain name");
    refused("alice@bücher.example", "valid domain name");
    refused("a\x01@contoso.com", "not allowed");
    refused("a\xff@contoso.com", "not allowed");
    /* Over the limits. */
    char local[ATRIUM_REALM_LOCAL_MAX + 2];
    memset(local, 'a', ATRIUM_REALM_LOCAL_MAX + 1);
    local[ATRIUM_REALM_LOCAL_MAX + 1] = '\0';
    AUTO_FREE char *long_local = xasprintf("%s@contoso.com", local);
    refused(long_local, "Enter a work email address");
    char big[2000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[10] = '@';
    big[ATRIUM_REALM_INPUT_MAX + 1] = '\0'; /* 255 characters */
    refused(big, "at most 254");
    big[ATRIUM_REALM_INPUT_MAX + 1] = 'a'; /* 1999 characters: refused before any scan */
    refused(big, "at most 254");
}

static void test_api_and_cloud(void **state)
{
    (void)state;
    enum atrium_realm_api api = 0;
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_realm_api_parse(NULL, &api, &e), 0);
    assert_int_equal(api, ATRIUM_REALM_API_1);
    assert_int_equal(atrium_realm_api_parse("1.0", &api, &e), 0);
    assert_int_equal(api, ATRIUM_REALM_API_1);
    assert_int_equal(atrium_realm_api_parse("2.0", &api, &e), 0);
    assert_int_equal(api, ATRIUM_REALM_API_2);
    assert_int_equal(atrium_realm_api_parse("2.1", &api, &e), 0);
    assert_int_equal(api, ATRIUM_REALM_API_2);
    assert_int_equal(atrium_realm_api_parse("3.0", &api, &e), ATRIUM_EINVAL);
    assert_string_equal(e.field, "api-version");
    assert_int_equal(atrium_realm_api_parse("", &api, &e), ATRIUM_EINVAL);

    char *c = atrium_realm_cloud_instance("https://localhost:8443");
    assert_string_equal(c, "localhost:8443");
    free(c);
    c = atrium_realm_cloud_instance("https://id.example.com/base/");
    assert_string_equal(c, "id.example.com");
    free(c);
    c = atrium_realm_cloud_instance(NULL);
    assert_string_equal(c, "");
    free(c);
}

/* Look input up; must succeed. */
static void lookup(struct fx *f, const char *input, struct atrium_realm *r)
{
    struct atrium_errinfo e = {0};
    int rc = atrium_realm_lookup(f->s, input, r, &e);
    if (rc != 0)
        fail_msg("lookup of '%s' failed: %d %s", input, rc, e.message);
}

static void test_lookup_managed(void **state)
{
    struct fx *f = *state;
    AUTO_FREE char *in = xasprintf("alice@%s", f->initial);
    struct atrium_realm r = {0};
    lookup(f, in, &r);
    assert_int_equal(r.kind, ATRIUM_REALM_MANAGED);
    assert_string_equal(r.tenant_id, f->tenant_id);
    assert_string_equal(r.brand_name, BRAND);
    assert_string_equal(r.domain, f->initial);
    assert_string_equal(r.initial_domain, f->initial);
    assert_string_equal(r.login, in);
    atrium_realm_release(&r);

    /* A verified custom domain, asked in upper case as a bare domain. */
    AUTO_FREE char *upper = xasprintf("%s", f->custom);
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    lookup(f, upper, &r);
    assert_int_equal(r.kind, ATRIUM_REALM_MANAGED);
    assert_string_equal(r.tenant_id, f->tenant_id);
    assert_string_equal(r.domain, f->custom);
    assert_string_equal(r.initial_domain, f->initial);
    atrium_realm_release(&r);
}

static void test_lookup_unknown(void **state)
{
    struct fx *f = *state;
    AUTO_FREE char *sub = xasprintf("x@sub.%s", f->initial); /* subdomains are not implied */
    const char *inputs[] = {"x@unknown-example.com", f->unverified, sub, NULL};
    for (size_t i = 0; inputs[i]; i++) {
        struct atrium_realm r = {0};
        lookup(f, inputs[i], &r);
        assert_int_equal(r.kind, ATRIUM_REALM_UNKNOWN);
        assert_string_equal(r.tenant_id, "");
        assert_null(r.brand_name);
        assert_null(r.initial_domain);
        atrium_realm_release(&r);
    }
    struct atrium_realm r = {0};
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_realm_lookup(f->s, "not a login", &r, &e), ATRIUM_EINVAL);
    atrium_realm_release(&r);
}

/* The three documents of input, rendered with the Login replaced by a constant. */
static json_t *documents(struct fx *f, const char *input)
{
    struct atrium_realm r = {0};
    lookup(f, input, &r);
    free(r.login);
    r.login = xstrdup("LOGIN");
    json_t *all = json_pack("{s:o, s:o, s:o}", "v1",
                            atrium_realm_userrealm_json(&r, ATRIUM_REALM_API_1, CLOUD), "v2",
                            atrium_realm_userrealm_json(&r, ATRIUM_REALM_API_2, CLOUD), "srf",
                            atrium_realm_srf_json(&r, CLOUD));
    assert_non_null(all);
    atrium_realm_release(&r);
    return all;
}

static void test_no_user_disclosure(void **state)
{
    struct fx *f = *state;
    AUTO_FREE char *alice = xasprintf("alice@%s", f->initial);
    AUTO_FREE char *nobody = xasprintf("nobody@%s", f->initial);
    AUTO_FREE char *bare = xasprintf("%s", f->initial);
    json_t *a = documents(f, alice);
    json_t *n = documents(f, nobody);
    json_t *b = documents(f, bare);
    assert_true(json_equal(a, n));
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(n);
    json_decref(b);
}

/* doc has exactly the keys of the NULL-terminated list, in any order. */
static void has_exactly(const json_t *doc, const char *const *keys)
{
    size_t n = 0;
    for (; keys[n]; n++)
        if (!json_object_get(doc, keys[n]))
            fail_msg("missing member %s", keys[n]);
    assert_int_equal(json_object_size(doc), n);
}

static void test_shapes_managed(void **state)
{
    struct fx *f = *state;
    AUTO_FREE char *in = xasprintf("Alice@%s", f->initial);
    struct atrium_realm r = {0};
    lookup(f, in, &r);
    json_t *v1 = atrium_realm_userrealm_json(&r, ATRIUM_REALM_API_1, CLOUD);
    json_t *v2 = atrium_realm_userrealm_json(&r, ATRIUM_REALM_API_2, CLOUD);
    json_t *srf = atrium_realm_srf_json(&r, CLOUD);
    json_t *want1 = json_pack("{s:s, s:s, s:s, s:s, s:s}", "ver", "1.0", "account_type", "Managed",
                              "domain_name", f->initial, "cloud_instance_name", CLOUD,
                              "cloud_audience_urn", "urn:federation:MicrosoftOnline");
    json_t *want2 = json_pack("{s:s, s:s, s:s, s:s, s:n, s:s}", "NameSpaceType", "Managed", "Login",
                              in, "DomainName", f->initial, "FederationBrandName", BRAND,
                              "TenantBrandingInfo", "cloud_instance_name", CLOUD);
    json_t *want_srf = json_pack(
        "{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "State", 4, "UserState", 1, "Login", in,
        "NameSpaceType", "Managed", "DomainName", f->initial, "FederationBrandName", BRAND,
        "CloudInstanceName", CLOUD, "CloudInstanceIssuerUri", "urn:federation:MicrosoftOnline");
    assert_true(json_equal(v1, want1));
    assert_true(json_equal(v2, want2));
    assert_true(json_equal(srf, want_srf));
    static const char *const keys2[] = {
        "NameSpaceType",       "Login", "DomainName", "FederationBrandName", "TenantBrandingInfo",
        "cloud_instance_name", NULL};
    has_exactly(v2, keys2);
    assert_true(json_is_null(json_object_get(v2, "TenantBrandingInfo")));
    json_t *docs[] = {v1, v2, srf, want1, want2, want_srf};
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        json_decref(docs[i]);
    atrium_realm_release(&r);
}

static void test_shapes_unknown(void **state)
{
    struct fx *f = *state;
    struct atrium_realm r = {0};
    lookup(f, "x@Unknown-Example.com", &r);
    json_t *v1 = atrium_realm_userrealm_json(&r, ATRIUM_REALM_API_1, CLOUD);
    json_t *v2 = atrium_realm_userrealm_json(&r, ATRIUM_REALM_API_2, CLOUD);
    json_t *srf = atrium_realm_srf_json(&r, CLOUD);
    json_t *want1 = json_pack("{s:s, s:s, s:s, s:s, s:s}", "ver", "1.0", "account_type", "Unknown",
                              "domain_name", "unknown-example.com", "cloud_instance_name", CLOUD,
                              "cloud_audience_urn", "urn:federation:MicrosoftOnline");
    json_t *want2 =
        json_pack("{s:s, s:s, s:s, s:n, s:n, s:s}", "NameSpaceType", "Unknown", "Login",
                  "x@Unknown-Example.com", "DomainName", "unknown-example.com",
                  "FederationBrandName", "TenantBrandingInfo", "cloud_instance_name", CLOUD);
    json_t *want_srf = json_pack("{s:i, s:i, s:s, s:s}", "State", 4, "UserState", 1, "Login",
                                 "x@Unknown-Example.com", "NameSpaceType", "Unknown");
    assert_true(json_equal(v1, want1));
    assert_true(json_equal(v2, want2));
    assert_true(json_equal(srf, want_srf));
    json_t *docs[] = {v1, v2, srf, want1, want2, want_srf};
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        json_decref(docs[i]);
    atrium_realm_release(&r);
    atrium_realm_release(&r); /* release twice is harmless */
    atrium_realm_release(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts),
        cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_api_and_cloud),
        cmocka_unit_test_setup_teardown(test_lookup_managed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_user_disclosure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shapes_managed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shapes_unknown, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
