/* SPDX-License-Identifier: MIT */
/*
 * The page layout shared by every hosted page, the form pieces, and the
 * message and form_post pages; see pages.h.
 */
#include "http/pages.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "http/html.h"
#include "http/kv.h"
#include "http/pages_priv.h"

void page_raw(struct page_out *o, const char *fmt, ...)
{
    if (o->err)
        return;
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->err = ATRIUM_EINTERNAL;
        return;
    }
    if ((size_t)n < sizeof(small)) {
        o->err = atrium_buf_append(o->b, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->err = atrium_buf_append(o->b, big, (size_t)n);
    free(big);
}

void page_text(struct page_out *o, const char *s)
{
    if (!o->err)
        o->err = atrium_html_escape(o->b, s);
}

void page_open(struct page_out *o, const char *tenant_name, const char *title,
               const char *subtitle_prefix, const char *app_name)
{
    page_raw(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    page_text(o, title);
    page_raw(o, "</title>\n<link rel=\"stylesheet\" href=\"/static/atrium.css\">\n</head>\n"
                "<body>\n<main class=\"card\">\n<div class=\"brand\">");
    page_text(o, tenant_name && *tenant_name ? tenant_name : "Atrium");
    page_raw(o, "</div>\n<h1>");
    page_text(o, title);
    page_raw(o, "</h1>\n");
    if (subtitle_prefix && app_name && *app_name) {
        page_raw(o, "<p class=\"subtitle\">");
        page_text(o, subtitle_prefix);
        page_raw(o, " <strong class=\"app\">");
        page_text(o, app_name);
        page_raw(o, "</strong></p>\n");
    }
}

void page_close(struct page_out *o)
{
    page_raw(o, "</main>\n</body>\n</html>\n");
}

void page_error(struct page_out *o, const char *error)
{
    if (!error || !*error)
        return;
    page_raw(o, "<p class=\"error\" id=\"error\" role=\"alert\">");
    page_text(o, error);
    page_raw(o, "</p>\n");
}

void page_hidden(struct page_out *o, const char *name, const char *value)
{
    page_raw(o, "<input type=\"hidden\" name=\"");
    page_text(o, name);
    page_raw(o, "\" value=\"");
    page_text(o, value);
    page_raw(o, "\">\n");
}

void page_form_open(struct page_out *o, const struct atrium_page *p, const char *method)
{
    page_raw(o, "<form method=\"%s\" action=\"", method);
    page_text(o, p->action);
    page_raw(o, "\" autocomplete=\"on\">\n");
    if (p->csrf)
        page_hidden(o, ATRIUM_FIELD_CSRF, p->csrf);
    for (size_t i = 0; p->hidden && i < p->hidden->count; i++)
        page_hidden(o, p->hidden->items[i].name, p->hidden->items[i].value);
}

void page_input(struct page_out *o, const char *type, const char *name, const char *label,
                const char *value, const char *autocomplete, bool autofocus)
{
    page_raw(o, "<label for=\"%s\">", name);
    page_text(o, label);
    page_raw(o, "</label>\n<input type=\"%s\" id=\"%s\" name=\"%s\" autocomplete=\"%s\"%s", type,
             name, name, autocomplete, autofocus ? " autofocus" : "");
    if (value && *value) {
        page_raw(o, " value=\"");
        page_text(o, value);
        page_raw(o, "\"");
    }
    page_raw(o, ">\n");
}

void page_button(struct page_out *o, const char *action, const char *label, bool primary)
{
    page_raw(o, "<button type=\"submit\" name=\"%s\" value=\"%s\" class=\"%s\" id=\"btn_%s\">",
             ATRIUM_FIELD_ACTION, action, primary ? "primary" : "secondary", action);
    page_text(o, label);
    page_raw(o, "</button>\n");
}

void page_submit(struct page_out *o, const char *action, const char *label)
{
    page_hidden(o, ATRIUM_FIELD_ACTION, action);
    page_raw(o, "<button type=\"submit\" class=\"primary\" id=\"btn_%s\">", action);
    page_text(o, label);
    page_raw(o, "</button>\n");
}

int atrium_page_message(struct atrium_buf *b, const char *tenant_name, const char *title,
                        const char *text, int aadsts, const char *request_id)
{
    struct page_out o = {.b = b};
    page_open(&o, tenant_name, title, NULL, NULL);
    page_raw(&o, "<p class=\"message\">");
    page_text(&o, text);
    page_raw(&o, "</p>\n");
    if (aadsts > 0 || request_id) {
        page_raw(&o, "<dl class=\"details\">\n");
        if (request_id) {
            page_raw(&o, "<dt>Request Id</dt><dd class=\"request-id\">");
            page_text(&o, request_id);
            page_raw(&o, "</dd>\n");
        }
        if (aadsts > 0)
            page_raw(&o, "<dt>Error code</dt><dd class=\"error-code\">AADSTS%d</dd>\n", aadsts);
        page_raw(&o, "</dl>\n");
    }
    page_close(&o);
    return o.err;
}

int atrium_page_form_post(struct atrium_buf *b, const char *uri,
                          const struct atrium_kv_list *fields)
{
    struct page_out o = {.b = b};
    page_raw(&o,
             "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<title>Working...</title>\n<link rel=\"stylesheet\" href=\"/static/atrium.css\">\n"
             "</head>\n<body>\n<main class=\"card\">\n<form method=\"post\" "
             "id=\"atrium_form_post\" action=\"");
    page_text(&o, uri);
    page_raw(&o, "\">\n");
    for (size_t i = 0; fields && i < fields->count; i++)
        page_hidden(&o, fields->items[i].name, fields->items[i].value);
    page_raw(&o, "<p>Signing you in to the application.</p>\n"
                 "<button type=\"submit\" class=\"primary\">Continue</button>\n</form>\n"
                 "</main>\n<script src=\"/static/atrium-form-post.js\"></script>\n"
                 "</body>\n</html>\n");
    return o.err;
}
