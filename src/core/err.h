/* SPDX-License-Identifier: MIT */
/*
 * Project-wide error codes and the client-visible error detail.
 *
 * Fallible functions return int: 0 on success, a negative ATRIUM_E* code on
 * failure. When the caller wants to tell a client *why*, it passes a
 * struct atrium_errinfo, filled with the offending field and a readable
 * message. http/errmap.c maps codes to HTTP status, OAuth and Graph codes.
 */
#pragma once

#include <stddef.h>

enum atrium_err {
    ATRIUM_OK = 0,
    ATRIUM_EINVAL = -1,        /* invalid input: 400 */
    ATRIUM_ENOTFOUND = -2,     /* missing, or belongs to another tenant: 404 */
    ATRIUM_ECONFLICT = -3,     /* uniqueness violation: 409 */
    ATRIUM_EAUTH = -4,         /* authentication failed: 401 */
    ATRIUM_EFORBIDDEN = -5,    /* authenticated but not allowed: 403 */
    ATRIUM_ETOOBIG = -6,       /* a client-controlled size over its limit: 413 */
    ATRIUM_ESTORE = -7,        /* the store failed: 500/503 */
    ATRIUM_ECRYPTO = -8,       /* a crypto primitive failed: 500 */
    ATRIUM_EINTERNAL = -9,     /* a bug or impossible state: 500 */
    ATRIUM_EBUSY = -10,        /* over capacity, try later: 503 */
    ATRIUM_ERATE = -11,        /* rate limit hit: 429 */
    ATRIUM_EIO = -12,          /* file or OS failure */
    ATRIUM_EUNSUPPORTED = -13, /* a valid request we do not handle: 415/405 */
};

#define ATRIUM_ERR_FIELD_MAX 64
#define ATRIUM_ERR_MESSAGE_MAX 256

struct atrium_errinfo {
    int code;
    char field[ATRIUM_ERR_FIELD_MAX];     /* offending field, "" when none */
    char message[ATRIUM_ERR_MESSAGE_MAX]; /* readable sentence for the client */
};

/*
 * Fill *e (which may be NULL) with code, field and a printf-style message.
 * Returns code, so callers can write `return atrium_err(e, ATRIUM_EINVAL, ...)`.
 */
int atrium_err(struct atrium_errinfo *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reset *e to "no error". */
void atrium_err_clear(struct atrium_errinfo *e);

/* Stable symbolic name of a code ("EINVAL", ...), for logs and the CLI. */
const char *atrium_err_name(int code);
