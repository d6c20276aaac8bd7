/* SPDX-License-Identifier: MIT */
/*
 * The hosted pages: HTML escaping (text and attribute context, control
 * characters, invalid UTF-8), the Content-Security-Policy and origins, and
 * that every page escapes what it shows and carries the fields the tests
 * drive (login, passwd, csrf_token, hidden parameters).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "http/html.h"
#include "http/kv.h"
#include "http/pages.h"
#include "http/response.h"

#define EVIL "\"><script>alert('x')</script>&`"
#define EVIL_ESCAPED "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&#96;"

static char *escape(const char *s)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 1 << 16);
    assert_int_equal(atrium_html_escape(&b, s), 0);
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

static void test_escape_specials(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"&", "&amp;"},
        {"<", "&lt;"},
        {">", "&gt;"},
        {"\"", "&quot;"},
        {"'", "&#39;"},
        {"`", "&#96;"},
        {"a&b<c>d", "a&amp;b&lt;c&gt;d"},
        {"plain text", "plain text"},
        {"", ""},
        {"&amp;", "&amp;amp;"},
        {"caf\xC3\xA9 \xE6\x97\xA5", "caf\xC3\xA9 \xE6\x97\xA5"}, /* UTF-8 kept */
        {"tab\tnl\n", "tab\tnl\n"},
        {"nul\x01"
         "bell\x07",
         "nul\xEF\xBF\xBD"
         "bell\xEF\xBF\xBD"}, /* C0 replaced */
        {"cr\r", "cr\xEF\xBF\xBD"},
        {"del\x7F", "del\xEF\xBF\xBD"},
        {"c1\xC2\x85", "c1\xEF\xBF\xBD"},                 /* U+0085 */
        {"bad\xFF\xFE", "bad\xEF\xBF\xBD\xEF\xBF\xBD"},   /* invalid UTF-8 */
        {"over\xC0\xBC", "over\xEF\xBF\xBD\xEF\xBF\xBD"}, /* overlong '<' */
        {EVIL, EVIL_ESCAPED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = escape(cases[i].in);
        assert_string_equal(out, cases[i].out);
        free(out);
    }
    struct atrium_buf b;
    atrium_buf_init(&b, 16);
    assert_int_equal(atrium_html_escape(&b, NULL), 0);
    assert_string_equal(b.buf, "");
    atrium_buf_release(&b);
}

static void test_escape_attribute_breakout(void **state)
{
    /* Nothing that could end a quoted attribute or open a tag survives. */
    const char *attacks[] = {"\" onmouseover=\"x", "' onfocus='x", "</textarea><svg onload=x>",
                             "javascript:alert(1)//\"", "`${x}`"};
    for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        char *out = escape(attacks[i]);
        assert_null(strpbrk(out, "\"'<>`"));
        free(out);
    }
}

static void test_escape_limit(void **state)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 10);
    assert_int_equal(atrium_html_escape(&b, "<<<<<"), ATRIUM_ETOOBIG);
    atrium_buf_release(&b);
}

static void test_origin(void **state)
{
    static const struct {
        const char *uri, *origin;
    } cases[] = {
        {"https://app.example/cb", "https://app.example"},
        {"https://app.example:8443/cb?x=1", "https://app.example:8443"},
        {"http://localhost:1234", "http://localhost:1234"},
        {"HTTPS://App.Example/x", "https://app.example"},
        {"http://[::1]:99/", "http://[::1]:99"},
        {"https://a.example#frag", "https://a.example"},
        {"ftp://a.example/", NULL},
        {"javascript:alert(1)", NULL},
        {"https:///path", NULL},
        {"https://evil;script-src *", NULL},
        {"https://a b.example/", NULL},
        {"https://user@host/", NULL},
        {NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *o = atrium_html_origin(cases[i].uri);
        if (cases[i].origin)
            assert_string_equal(o, cases[i].origin);
        else
            assert_null(o);
        free(o);
    }
}

static void test_csp(void **state)
{
    char *csp = atrium_html_csp(NULL, false);
    assert_string_equal(csp, "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                             "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    free(csp);
    csp = atrium_html_csp("https://app.example:8443", true);
    assert_non_null(strstr(csp, "script-src 'self';"));
    assert_non_null(strstr(csp, "form-action 'self' https://app.example:8443;"));
    assert_null(strstr(csp, "unsafe-inline"));
    free(csp);
    /* Only a plain origin may be added: anything else is dropped, never spliced in. */
    const char *bad[] = {"https://app.example/cb", "https://x; script-src *", "*", "'self'"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        csp = atrium_html_csp(bad[i], false);
        assert_non_null(strstr(csp, "form-action 'self';"));
        assert_null(strstr(csp, "script-src"));
        free(csp);
    }
}

static void test_respond_headers(void **state)
{
    struct atrium_resp rs;
    struct atrium_buf b;
    atrium_resp_init(&rs);
    atrium_buf_init(&b, 100);
    atrium_buf_puts(&b, "<p>x</p>");
    atrium_resp_header(&rs, "X-Stale", "1"); /* replaced: a page starts clean */
    assert_int_equal(atrium_html_respond(&rs, 200, &b, "https://rp.example", false), 0);
    assert_int_equal(rs.status, 200);
    assert_string_equal(rs.content_type, "text/html; charset=utf-8");
    assert_null(atrium_resp_header_get(&rs, "X-Stale"));
    assert_string_equal(atrium_resp_header_get(&rs, "X-Frame-Options"), "DENY");
    assert_string_equal(atrium_resp_header_get(&rs, "Referrer-Policy"), "no-referrer");
    const char *csp = atrium_resp_header_get(&rs, "Content-Security-Policy");
    assert_non_null(strstr(csp, "frame-ancestors 'none'"));
    assert_non_null(strstr(csp, "form-action 'self' https://rp.example"));
    assert_non_null(strstr(csp, "default-src 'none'"));
    atrium_buf_release(&b);
    atrium_resp_release(&rs);
}

/* A page context whose every string is hostile. */
static void evil_page(struct atrium_page *p, struct atrium_kv_list *hidden)
{
    atrium_kv_list_init(hidden);
    atrium_kv_list_add(hidden, "state", EVIL);
    atrium_kv_list_add(hidden, "client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    memset(p, 0, sizeof(*p));
    p->tenant_name = EVIL;
    p->app_name = EVIL;
    p->action = "/t/oauth2/v2.0/authorize?\"x";
    p->csrf = "CSRFVALUECSRFVALUECSRFVALUECSRFVALUECSRFVA";
    p->hidden = hidden;
    p->error = EVIL;
}

/* No raw hostile text anywhere in the page. */
static void assert_escaped(const char *html)
{
    assert_null(strstr(html, "<script>alert"));
    assert_null(strstr(html, "'x'"));
    assert_null(strstr(html, "?\"x"));
    assert_non_null(strstr(html, EVIL_ESCAPED));
}

static char *render_signin(const struct atrium_page *p, const char *login)
{
    struct atrium_buf b;
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    assert_int_equal(atrium_page_signin(&b, p, login), 0);
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

static void test_signin_page(void **state)
{
    struct atrium_page p;
    struct atrium_kv_list hidden;
    evil_page(&p, &hidden);
    char *html = render_signin(&p, EVIL);
    assert_escaped(html);
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_non_null(strstr(html, "<form method=\"post\""));
    assert_non_null(strstr(html, "name=\"login\""));
    assert_non_null(strstr(html, "type=\"password\" id=\"passwd\" name=\"passwd\""));
    assert_non_null(strstr(html, "name=\"csrf_token\" value=\""
                                 "CSRFVALUECSRFVALUE"));
    assert_non_null(strstr(html, "name=\"atrium_action\" value=\"signin\""));
    assert_non_null(strstr(html, "name=\"state\" value=\"" EVIL_ESCAPED "\""));
    assert_non_null(strstr(html, "name=\"client_id\" value=\"04b07795"));
    assert_non_null(strstr(html, "role=\"alert\""));
    assert_non_null(strstr(html, "type=\"submit\""));
    assert_non_null(strstr(html, "href=\"/static/atrium.css\""));
    assert_null(strstr(html, "<script")); /* pages work without script */
    assert_null(strstr(html, "style=\""));
    free(html);
    /* The login prefill: shown escaped in the value attribute. */
    p.error = NULL;
    html = render_signin(&p, "ada@contoso.example");
    assert_non_null(strstr(html, "value=\"ada@contoso.example\""));
    assert_null(strstr(html, "role=\"alert\""));
    free(html);
    atrium_kv_list_release(&hidden);
}

static void test_other_pages(void **state)
{
    struct atrium_page p;
    struct atrium_kv_list hidden;
    evil_page(&p, &hidden);
    const char *perms[] = {EVIL, "Read your profile", NULL};
    struct atrium_buf b;
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);

    assert_int_equal(atrium_page_password_change(&b, &p, EVIL), 0);
    assert_escaped(b.buf);
    assert_non_null(strstr(b.buf, "name=\"new_passwd\""));
    assert_non_null(strstr(b.buf, "name=\"confirm_passwd\""));
    assert_non_null(strstr(b.buf, "name=\"passwd\""));
    assert_non_null(strstr(b.buf, "value=\"change_password\""));
    assert_non_null(strstr(b.buf, "name=\"csrf_token\""));

    atrium_buf_reset(&b);
    assert_int_equal(atrium_page_select_account(&b, &p, EVIL, "ada@x.example"), 0);
    assert_escaped(b.buf);
    assert_non_null(strstr(b.buf, "value=\"continue\""));
    assert_non_null(strstr(b.buf, "value=\"other\""));
    assert_non_null(strstr(b.buf, "Continue as"));

    atrium_buf_reset(&b);
    assert_int_equal(atrium_page_consent(&b, &p, "ada@x.example", perms), 0);
    assert_escaped(b.buf);
    assert_non_null(strstr(b.buf, "<li>Read your profile</li>"));
    assert_non_null(strstr(b.buf, "value=\"consent_accept\""));
    assert_non_null(strstr(b.buf, "value=\"consent_cancel\""));

    atrium_buf_reset(&b);
    assert_int_equal(atrium_page_device_code(&b, &p, EVIL), 0);
    assert_escaped(b.buf);
    assert_non_null(strstr(b.buf, "name=\"otc\""));

    atrium_buf_reset(&b);
    assert_int_equal(atrium_page_device_confirm(&b, &p, EVIL), 0);
    assert_escaped(b.buf);
    assert_non_null(strstr(b.buf, "value=\"approve\""));
    assert_non_null(strstr(b.buf, "value=\"deny\""));

    atrium_buf_reset(&b);
    assert_int_equal(atrium_page_account(&b, &p, EVIL), 0);
    assert_escaped(b.buf);
    assert_non_null(strstr(b.buf, "method=\"get\""));
    assert_non_null(strstr(b.buf, "name=\"login_hint\""));
    assert_null(strstr(b.buf, "csrf_token")); /* a GET form carries no anti-forgery value */

    atrium_buf_reset(&b);
    assert_int_equal(atrium_page_message(&b, EVIL, EVIL, EVIL, 50011, "rid-1"), 0);
    assert_escaped(b.buf);
    assert_non_null(strstr(b.buf, "AADSTS50011"));
    assert_non_null(strstr(b.buf, "rid-1"));

    atrium_buf_release(&b);
    atrium_kv_list_release(&hidden);
}

static void test_form_post_page(void **state)
{
    struct atrium_kv_list fields;
    atrium_kv_list_init(&fields);
    atrium_kv_list_add(&fields, "code", "abc");
    atrium_kv_list_add(&fields, "state", EVIL);
    struct atrium_buf b;
    atrium_buf_init(&b, ATRIUM_PAGE_BODY_MAX);
    assert_int_equal(atrium_page_form_post(&b, "https://rp.example/cb?a=1&b=\"2", &fields), 0);
    assert_non_null(strstr(b.buf, "action=\"https://rp.example/cb?a=1&amp;b=&quot;2\""));
    assert_non_null(strstr(b.buf, "name=\"code\" value=\"abc\""));
    assert_non_null(strstr(b.buf, "name=\"state\" value=\"" EVIL_ESCAPED "\""));
    assert_non_null(strstr(b.buf, "<script src=\"/static/atrium-form-post.js\"></script>"));
    assert_non_null(strstr(b.buf, "<button type=\"submit\""));
    /* The only script is external: no inline code for a CSP to allow. */
    const char *s = strstr(b.buf, "<script");
    assert_non_null(s);
    assert_null(strstr(s + 1, "<script"));
    atrium_buf_release(&b);
    atrium_kv_list_release(&fields);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_specials),
        cmocka_unit_test(test_escape_attribute_breakout),
        cmocka_unit_test(test_escape_limit),
        cmocka_unit_test(test_origin),
        cmocka_unit_test(test_csp),
        cmocka_unit_test(test_respond_headers),
        cmocka_unit_test(test_signin_page),
        cmocka_unit_test(test_other_pages),
        cmocka_unit_test(test_form_post_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
