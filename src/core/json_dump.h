/* SPDX-License-Identifier: MIT */
/*
 * JSON output: the text json_dumps(doc, JSON_COMPACT) writes, byte for
 * byte, produced faster. jansson walks strings one code point at a time and
 * calls its output callback per piece; responses carry kilobyte-long tokens
 * and long Graph pages, so here runs of bytes that need no escape are copied
 * at once into an atrium_buf.
 */
#pragma once

#include <jansson.h>

struct atrium_buf;

/* Append doc to b. 0, or ATRIUM_ETOOBIG at b's limit, or ATRIUM_EINVAL for
 * what json_dumps refuses too (nesting deeper than jansson's own limit, a
 * string that is not UTF-8, a non-finite real). b may hold part of the text
 * on failure. */
int atrium_json_dump(const json_t *doc, struct atrium_buf *b);
