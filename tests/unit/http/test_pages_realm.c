/* SPDX-License-Identifier: MIT */
/*
 * The /discover page (http/pages_realm.h): the empty form, the managed and
 * unknown answers with their next steps, sign-up on and off, the inline
 * error, and that every value (typed query, brand name, domain) is escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/buf.h"
#include "graph/realm.h"
#include "http/pages.h"
#include "http/pages_realm.h"

static char *render(const struct atrium_discover_page *p)
{
    struct atrium_buf b;
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    assert_int_equal(atrium_page_discover(&b, p), 0);
    char *html = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return html;
}

static void has(const char *html, const char *part)
{
    if (!strstr(html, part))
        fail_msg("the page lacks: %s\n--- page ---\n%s", part, html);
}

static void lacks(const char *html, const char *part)
{
    if (strstr(html, part))
        fail_msg("the page must not contain: %s", part);
}

static void test_empty_form(void **state)
{
    (void)state;
    struct atrium_discover_page p = {.self_signup = true, .domain_suffix = "atrium.localhost"};
    char *html = render(&p);
    has(html, "<title>Does your organization already have a tenant?</title>");
    has(html, "<link rel=\"stylesheet\" href=\"/static/atrium.css\">");
    has(html, "<form method=\"get\" action=\"/discover\"");
    has(html, "name=\"q\" maxlength=\"254\"");
    lacks(html, "id=\"result\"");
    lacks(html, "role=\"alert\"");
    lacks(html, "<script");
    free(html);
}

static void test_managed(void **state)
{
    (void)state;
    struct atrium_realm r = {.kind = ATRIUM_REALM_MANAGED,
                             .login = "a@contoso.com",
                             .domain = "contoso.com",
                             .tenant_id = "11111111-1111-4111-8111-111111111111",
                             .brand_name = "<script>alert('x')</script> & Co",
                             .initial_domain = "contoso.atrium.localhost"};
    struct atrium_discover_page p = {.query = "\"><script>x</script>",
                                     .realm = &r,
                                     .self_signup = true,
                                     .domain_suffix = "atrium.localhost"};
    char *html = render(&p);
    has(html, "Your organization <strong class=\"org\">&lt;script&gt;alert(&#39;x&#39;)&lt;/"
              "script&gt; &amp; Co</strong> already has an Atrium tenant: sign in with your work "
              "account, or ask your administrator");
    has(html, "value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"");
    has(html, "<dd class=\"tenant-id\">11111111-1111-4111-8111-111111111111</dd>");
    has(html, "<dd class=\"initial-domain\">contoso.atrium.localhost</dd>");
    has(html, "href=\"/11111111-1111-4111-8111-111111111111/v2.0/.well-known/"
              "openid-configuration\"");
    has(html, "a domain can be verified in only one tenant");
    lacks(html, "<script");
    lacks(html, "No tenant uses");
    free(html);
}

static void test_unknown(void **state)
{
    (void)state;
    struct atrium_realm r = {.kind = ATRIUM_REALM_UNKNOWN,
                             .login = "x@Fabrikam-Labs.example",
                             .domain = "fabrikam-labs.example"};
    struct atrium_discover_page p = {
        .query = r.login, .realm = &r, .self_signup = true, .domain_suffix = "id.test"};
    char *html = render(&p);
    has(html, "No tenant uses <strong class=\"domain\">fabrikam-labs.example</strong> yet.");
    has(html, "Create a tenant, free, with self-service sign-up");
    has(html, "<strong>fabrikamlabs.id.test</strong>");
    has(html, "href=\"/api/v1/domains/available?prefix=fabrikamlabs\"");
    has(html, "verify it by DNS");
    lacks(html, "class=\"org\"");
    free(html);

    p.self_signup = false;
    html = render(&p);
    has(html, "self-service sign-up is turned off here");
    lacks(html, "/api/v1/domains/available");
    free(html);

    /* A first label with nothing usable: a neutral suggestion. */
    r.domain = "--.example";
    p.self_signup = true;
    html = render(&p);
    has(html, "prefix=contoso\"");
    free(html);
}

static void test_error(void **state)
{
    (void)state;
    struct atrium_discover_page p = {.query = "<b>bad</b>",
                                     .error = "Enter a <valid> address.",
                                     .self_signup = true,
                                     .domain_suffix = "atrium.localhost"};
    char *html = render(&p);
    has(html, "role=\"alert\">Enter a &lt;valid&gt; address.</p>");
    has(html, "value=\"&lt;b&gt;bad&lt;/b&gt;\"");
    lacks(html, "id=\"result\"");
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_form),
        cmocka_unit_test(test_managed),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
