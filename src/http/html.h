/* SPDX-License-Identifier: MIT */
/*
 * HTML output for the hosted pages: escaping for text and double-quoted
 * attribute context, and the page response with its security headers
 * (a strict Content-Security-Policy, no framing, no referrer).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct atrium_buf;
struct atrium_resp;

/*
 * Append s to b escaped for HTML text and double-quoted attribute values:
 * & < > " ' ` become character references; control characters (other than
 * tab and newline) and invalid UTF-8 become U+FFFD. NULL appends nothing.
 */
int atrium_html_escape(struct atrium_buf *b, const char *s);

/* Append printf output verbatim (trusted template text only, never client data). */
#define atrium_html_raw atrium_buf_printf

/*
 * The Content-Security-Policy of a page: default-src 'none'; style-src
 * 'self'; img-src 'self' data:; form-action 'self' [extra_origin];
 * frame-ancestors 'none'; base-uri 'none' (and script-src 'self' when
 * script is set). extra_origin (may be NULL) is dropped unless it is a
 * plain "scheme://host[:port]". Caller owns.
 */
char *atrium_html_csp(const char *extra_origin, bool script);

/*
 * The origin ("scheme://host[:port]", lower-case scheme and host) of an
 * absolute http(s) URI, or NULL when it has none we can name in a CSP.
 * Caller owns.
 */
char *atrium_html_origin(const char *uri);

/*
 * Send body as an HTML page with status and the page headers (CSP from
 * atrium_html_csp, X-Frame-Options DENY, Referrer-Policy no-referrer).
 * Replaces whatever rs held.
 */
int atrium_html_respond(struct atrium_resp *rs, unsigned status, const struct atrium_buf *body,
                        const char *form_origin, bool script);
