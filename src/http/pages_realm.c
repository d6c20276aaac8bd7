/* SPDX-License-Identifier: MIT */
/*
 * The "does my organization already have a tenant?" page: the form, and the
 * answer with the next steps of the decision help (a tenant exists: sign in
 * or ask its administrator; none: create one free, then verify the company
 * domain by DNS); see pages_realm.h.
 */
#include "http/pages_realm.h"

#include <string.h>

#include "graph/realm.h"
#include "http/pages_priv.h"
#include "model/tenant.h"

#define PAGE_TITLE "Does your organization already have a tenant?"

/* A tenant prefix to suggest for domain: its first label, [a-z0-9] only. */
static void suggest_prefix(const char *domain, char out[ATRIUM_PREFIX_MAX + 1])
{
    size_t n = 0;
    for (const char *p = domain; p && *p && *p != '.' && n < ATRIUM_PREFIX_MAX; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            out[n++] = *p;
    out[n] = '\0';
    if (n == 0)
        memcpy(out, "contoso", sizeof("contoso"));
}

static void render_form(struct page_out *o, const struct atrium_discover_page *p)
{
    page_raw(o, "<p class=\"subtitle\">Enter your work email address or your organization's "
                "domain name to find out whether it already has an Atrium tenant, and what to "
                "do next.</p>\n");
    page_error(o, p->error);
    page_raw(o,
             "<form method=\"get\" action=\"%s\" id=\"discover\">\n"
             "<label for=\"%s\">Work email or domain</label>\n"
             "<input type=\"text\" id=\"%s\" name=\"%s\" maxlength=\"%d\" autocomplete=\"email\" "
             "spellcheck=\"false\" autocapitalize=\"none\" placeholder=\"name@example.com\" "
             "required%s",
             ATRIUM_DISCOVER_PATH, ATRIUM_DISCOVER_FIELD, ATRIUM_DISCOVER_FIELD,
             ATRIUM_DISCOVER_FIELD, ATRIUM_REALM_INPUT_MAX, p->realm ? "" : " autofocus");
    if (p->query && *p->query) {
        page_raw(o, " value=\"");
        page_text(o, p->query);
        page_raw(o, "\"");
    }
    page_raw(o, ">\n<div class=\"buttons\">\n<button type=\"submit\" class=\"primary\" "
                "id=\"btn_check\">Check</button>\n</div>\n</form>\n");
}

static void detail(struct page_out *o, const char *cls, const char *term, const char *value)
{
    page_raw(o, "<dt>");
    page_text(o, term);
    page_raw(o, "</dt><dd class=\"%s\">", cls);
    page_text(o, value);
    page_raw(o, "</dd>\n");
}

static void render_managed(struct page_out *o, const struct atrium_realm *r,
                           const struct atrium_discover_page *p)
{
    const char *name = r->brand_name && *r->brand_name ? r->brand_name : r->domain;
    page_raw(o, "<section id=\"result\" class=\"result managed\">\n<h2>Yes, there is a tenant "
                "for ");
    page_text(o, r->domain);
    page_raw(o, "</h2>\n<p class=\"message\">Your organization <strong class=\"org\">");
    page_text(o, name);
    page_raw(o, "</strong> already has an Atrium tenant: sign in with your work account, or ask "
                "your administrator (a Global Administrator of ");
    page_text(o, name);
    page_raw(o, ") for an account.</p>\n<dl class=\"details\">\n");
    detail(o, "tenant-id", "Tenant ID", r->tenant_id);
    detail(o, "domain", "Domain", r->domain);
    if (r->initial_domain && strcmp(r->initial_domain, r->domain) != 0)
        detail(o, "initial-domain", "Initial domain", r->initial_domain);
    page_raw(o, "</dl>\n<ul class=\"steps\">\n<li>Sign in to your organization's applications "
                "with your work account, <strong>name@");
    page_text(o, r->domain);
    page_raw(o, "</strong>. Do not create another tenant for ");
    page_text(o, r->domain);
    page_raw(o, ": a domain can be verified in only one tenant.</li>\n<li>No account yet, or "
                "forgot your password? Ask a Global Administrator of ");
    page_text(o, name);
    page_raw(o, " to create your account or reset your password.</li>\n<li>Need a separate "
                "tenant for only some people? You can create one, but it cannot use ");
    page_text(o, r->domain);
    page_raw(o, ": its users get names under its own <em>prefix</em>.");
    page_text(o, p->domain_suffix);
    page_raw(o, " domain.</li>\n</ul>\n<p class=\"note\">For developers: the tenant's "
                "<a id=\"oidc_config\" href=\"/");
    page_text(o, r->tenant_id);
    page_raw(o, "/v2.0/.well-known/openid-configuration\">OpenID Connect discovery document</a> "
                "lists its sign-in endpoints.</p>\n</section>\n");
}

static void render_signup_step(struct page_out *o, const struct atrium_realm *r,
                               const struct atrium_discover_page *p)
{
    if (!p->self_signup) {
        page_raw(o, "<li>Ask the operator of this Atrium server to create a tenant for your "
                    "organization: self-service sign-up is turned off here.</li>\n");
        return;
    }
    char prefix[ATRIUM_PREFIX_MAX + 1];
    suggest_prefix(r->domain, prefix);
    page_raw(o, "<li>Create a tenant, free, with self-service sign-up: <code>POST "
                "/api/v1/tenants</code> with your organization's name, a domain prefix and the "
                "first administrator, who becomes its Global Administrator (see \"Creating a "
                "tenant\" in the Atrium README). With the prefix <code>");
    page_text(o, prefix);
    page_raw(o, "</code> your tenant's initial domain would be <strong>");
    page_text(o, prefix);
    page_raw(o, ".");
    page_text(o, p->domain_suffix);
    page_raw(o, "</strong>: <a id=\"prefix_check\" href=\"/api/v1/domains/available?prefix=");
    page_text(o, prefix);
    page_raw(o, "\">is it still free?</a></li>\n");
}

static void render_unknown(struct page_out *o, const struct atrium_realm *r,
                           const struct atrium_discover_page *p)
{
    page_raw(o, "<section id=\"result\" class=\"result unknown\">\n<h2>No tenant found</h2>\n"
                "<p class=\"message\">No tenant uses <strong class=\"domain\">");
    page_text(o, r->domain);
    page_raw(o, "</strong> yet.</p>\n<p>What to do next:</p>\n<ol class=\"steps\">\n"
                "<li>Check that your organization has no tenant under another name: if you "
                "already sign in as <em>name</em>@<em>prefix</em>.");
    page_text(o, p->domain_suffix);
    page_raw(o, ", enter that address. Use your work address: a personal mailbox (Gmail, "
                "Outlook.com...) cannot own a tenant.</li>\n");
    render_signup_step(o, r, p);
    page_raw(o, "<li>Then add <strong>");
    page_text(o, r->domain);
    page_raw(o, "</strong> to your tenant and verify it by DNS: publish the TXT record "
                "(<code>MS=ms...</code>) shown for the domain at your DNS provider, then verify "
                "the domain. From then on your colleagues can sign in as <em>name</em>@");
    page_text(o, r->domain);
    page_raw(o, " and this page finds your tenant.</li>\n</ol>\n</section>\n");
}

int atrium_page_discover(struct atrium_buf *b, const struct atrium_discover_page *p)
{
    struct page_out o = {.b = b};
    page_open(&o, NULL, PAGE_TITLE, NULL, NULL);
    render_form(&o, p);
    if (p->realm && p->realm->kind == ATRIUM_REALM_MANAGED)
        render_managed(&o, p->realm, p);
    else if (p->realm)
        render_unknown(&o, p->realm, p);
    page_close(&o);
    return o.err;
}
