/* SPDX-License-Identifier: MIT */
/* Character-class checks for HTTP syntax, and making client text safe to echo or log. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* RFC 7230 token (header names, cookie names, methods); false for "". */
bool atrium_http_is_token(const char *s);
/* A header value we may emit: visible ASCII, space, tab or UTF-8; no CR, LF, NUL. */
bool atrium_http_is_field_value(const char *s);
/* RFC 6265 cookie-octets (no space, quote, comma, semicolon or backslash). */
bool atrium_http_is_cookie_value(const char *s);
/* A copy of s with control characters and invalid UTF-8 bytes replaced by '?'. Caller owns. */
char *atrium_http_sanitize_text(const char *s);
/*
 * s for logs, into out: bytes outside visible ASCII become %XX, and the
 * result is cut to fit out_size (with "..." appended). Returns out.
 */
char *atrium_http_log_escape(const char *s, char *out, size_t out_size);
