/* SPDX-License-Identifier: MIT */
/*
 * The public "does my organization already have a tenant?" page (GET
 * /discover): a GET form (q = a work email or a domain) and, once asked, the
 * answer with what to do next. Pure rendering, same layout and stylesheet as
 * the sign-in pages (pages_priv.h); every value is escaped; no script.
 */
#pragma once

#include <stdbool.h>

struct atrium_buf;
struct atrium_realm;

#define ATRIUM_DISCOVER_PATH "/discover"
#define ATRIUM_DISCOVER_FIELD "q"

struct atrium_discover_page {
    const char *query;                /* what was typed, shown in the field; NULL: none */
    const char *error;                /* why the query was refused; NULL: none */
    const struct atrium_realm *realm; /* the answer; NULL: nothing asked (or refused) */
    bool self_signup;                 /* POST /api/v1/tenants is enabled */
    const char *domain_suffix;        /* of initial domains, e.g. "atrium.localhost" */
};

int atrium_page_discover(struct atrium_buf *b, const struct atrium_discover_page *p);
