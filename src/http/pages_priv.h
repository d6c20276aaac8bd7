/* SPDX-License-Identifier: MIT */
/*
 * Private to the page renderers (pages.c, pages_signin.c):
 * a writer with a sticky error over the page buffer, the common layout and
 * form pieces.
 */
#pragma once

#include <stdbool.h>

#include "http/pages.h"

struct atrium_buf;

struct page_out {
    struct atrium_buf *b;
    int err; /* the first failure; later writes are skipped */
};

/* Verbatim template text (never client data). */
void page_raw(struct page_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Escaped text or attribute value. */
void page_text(struct page_out *o, const char *s);

/* <!DOCTYPE html>... up to the card's heading (title, tenant and app lines). */
void page_open(struct page_out *o, const char *tenant_name, const char *title,
               const char *subtitle_prefix, const char *app_name);
/* Closes the card and the document. */
void page_close(struct page_out *o);
/* An inline error (role="alert") when error is set. */
void page_error(struct page_out *o, const char *error);
/* <form method="post" action=...> with the CSRF field and the hidden fields. */
void page_form_open(struct page_out *o, const struct atrium_page *p, const char *method);
/* A hidden input. */
void page_hidden(struct page_out *o, const char *name, const char *value);
/* A labelled input. */
void page_input(struct page_out *o, const char *type, const char *name, const char *label,
                const char *value, const char *autocomplete, bool autofocus);
/*
 * The one action of a single-action form: a hidden atrium_action=action (so
 * pressing Enter posts it too) and a plain primary submit button.
 */
void page_submit(struct page_out *o, const char *action, const char *label);
/* A submit button posting atrium_action=action (primary or secondary style). */
void page_button(struct page_out *o, const char *action, const char *label, bool primary);
