/* SPDX-License-Identifier: MIT */
/*
 * Anti-forgery for the hosted pages' POSTs (double submit): a random value
 * in an HttpOnly, Secure, SameSite=Lax cookie and the same value in a hidden
 * form field, compared in constant time; plus a same-origin check on the
 * Origin header when the browser sends one.
 */
#pragma once

#include <stdbool.h>

struct atrium_req;
struct atrium_resp;

#define ATRIUM_CSRF_COOKIE "__Host-atrium_csrf"
#define ATRIUM_CSRF_LEN 43 /* base64url of 32 random bytes */

/*
 * The value for the forms of this response: the request's cookie when it
 * holds a well-formed value (so several tabs keep working), else a fresh
 * one, with *ret_new set: then the caller sets it with atrium_csrf_set_cookie.
 */
void atrium_csrf_token(struct atrium_req *rq, char out[ATRIUM_CSRF_LEN + 1], bool *ret_new);
/* Set-Cookie for token (a session cookie). */
int atrium_csrf_set_cookie(struct atrium_resp *rs, const char *token);

/* Do the cookie value and the form value match (both present, well-formed, equal)? */
bool atrium_csrf_equal(const char *cookie, const char *field);

/*
 * Is Origin acceptable for a POST to this server? Absent (NULL) or "null"
 * is (browsers send "null" from pages with Referrer-Policy: no-referrer, as
 * ours are); else it must equal the origin of public_url, or
 * "http(s)://<host>" for the Host header the request came with.
 */
bool atrium_csrf_origin_ok(const char *origin, const char *public_url, const char *host, bool tls);

/*
 * Check a page POST: Origin, then the cookie against field (the posted
 * csrf_token). 0, or ATRIUM_EFORBIDDEN with rq->err filled.
 */
int atrium_csrf_check(struct atrium_req *rq, const char *field);
