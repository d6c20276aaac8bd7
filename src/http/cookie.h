/* SPDX-License-Identifier: MIT */
/* Parsing the Cookie request header (RFC 6265 §5.4 "name=value; name2=value2"). */
#pragma once

#include <stddef.h>

#include "http/kv.h"

#define ATRIUM_COOKIES_MAX 64

/*
 * Append the cookies of one Cookie header to l (the list adopts a copy of the
 * header). Pairs without '=' or with an empty or non-token name are skipped,
 * a value in double quotes loses them, and at most `max` pairs are kept in l.
 */
void atrium_cookie_parse(const char *header, size_t max, struct atrium_kv_list *l);
