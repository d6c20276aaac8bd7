/* SPDX-License-Identifier: MIT */
/*
 * Percent-decoding and the application/x-www-form-urlencoded parser, used
 * for form bodies (OAuth token requests, sign-in pages) and query strings
 * alike, so both decode the same way. Bounded: field count and lengths.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "http/kv.h"

struct atrium_errinfo;

struct atrium_form_limits {
    size_t max_fields;    /* pairs; more is EINVAL */
    size_t max_name_len;  /* decoded bytes */
    size_t max_value_len; /* decoded bytes */
};

#define ATRIUM_FORM_LIMITS_DEFAULT                                                                 \
    {                                                                                              \
        .max_fields = 64, .max_name_len = 128, .max_value_len = 16384                              \
    }

/*
 * Percent-decode src[0..len) into dst, which must hold len + 1 bytes (dst may
 * equal src: decoding never lengthens). With plus_is_space, '+' becomes ' '.
 * *ret_len gets the decoded length; dst is NUL-terminated. ATRIUM_EINVAL on a
 * malformed escape ("%", "%4", "%zz").
 */
int atrium_url_decode(const char *src, size_t len, bool plus_is_space, char *dst, size_t *ret_len);

/*
 * Parse data[0..len) ("a=1&b=x+y&c") into *ret (initialised here; release
 * with atrium_kv_list_release). Names and values are decoded and must be
 * clean UTF-8 (no NUL or control characters); empty pairs ("&&") are
 * skipped; an empty name is refused. Repeated names are kept: callers that
 * need a single value check atrium_kv_count. `what` names the source in
 * messages ("query string", "form body"). On failure *ret is left empty.
 */
int atrium_form_parse(const char *data, size_t len, const struct atrium_form_limits *lim,
                      const char *what, struct atrium_kv_list *ret, struct atrium_errinfo *e);
