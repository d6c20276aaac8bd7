/* SPDX-License-Identifier: MIT */
/*
 * Matching a request against a route table: split the raw path into segments,
 * percent-decode each one separately (so "%2F" never creates a segment),
 * compare literal segments exactly (case-sensitive) and capture {name}
 * segments, or the part of a segment between a literal prefix and suffix
 * ("directoryRoles(roleTemplateId='{id}')" captures id). No regular
 * expressions, no normalisation of "." or "..".
 */
#pragma once

#include <stddef.h>

#include "http/kv.h"
#include "http/routes.h"

struct atrium_errinfo;

#define ATRIUM_ROUTE_MAX_SEGMENTS 32
#define ATRIUM_ROUTE_ALLOW_MAX 96

struct atrium_route_match {
    const struct atrium_route *route;   /* NULL when nothing matched */
    struct atrium_kv_list params;       /* decoded captures, name -> value */
    char allow[ATRIUM_ROUTE_ALLOW_MAX]; /* "GET, HEAD, POST" when the method did not match */
};

void atrium_route_match_init(struct atrium_route_match *m);
void atrium_route_match_release(struct atrium_route_match *m);

/*
 * Find the row of table[0..n) for method and raw_path (as sent: starts with
 * '/', no query string, not decoded). Returns 0 with m->route and m->params
 * set; ATRIUM_ENOTFOUND when no pattern matches the path; ATRIUM_EUNSUPPORTED
 * when a pattern matches but not the method (m->allow lists the methods that
 * would: the 405 Allow header); ATRIUM_EINVAL when the path is malformed (bad
 * percent-escape, or a captured segment that is not clean UTF-8). *m must be
 * initialised; e is filled on failure.
 */
int atrium_router_match(const struct atrium_route *table, size_t n, const char *method,
                        const char *raw_path, struct atrium_route_match *m,
                        struct atrium_errinfo *e);
