/* SPDX-License-Identifier: MIT */
/*
 * An ordered list of name/value string pairs: request headers, query
 * parameters, form fields, cookies and path captures. Strings are either
 * borrowed (headers from libmicrohttpd, valid for the request) or live in
 * blocks the list owns (atrium_kv_list_adopt). Lookups return the first match.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct atrium_kv {
    const char *name;
    const char *value; /* never NULL; "" for a bare "name" */
};

struct atrium_kv_list {
    struct atrium_kv *items;
    size_t count;
    size_t alloc;
    char **owned; /* heap blocks freed by release */
    size_t nowned;
};

void atrium_kv_list_init(struct atrium_kv_list *l);
/* Free the item array and every adopted block; l is re-initialised. */
void atrium_kv_list_release(struct atrium_kv_list *l);
/* Append a pair; the strings are borrowed (or adopted separately). */
void atrium_kv_list_add(struct atrium_kv_list *l, const char *name, const char *value);
/* Take ownership of a heap block the pairs point into; freed by release. */
void atrium_kv_list_adopt(struct atrium_kv_list *l, char *block);

/* First value whose name equals name exactly; NULL when absent. */
const char *atrium_kv_get(const struct atrium_kv_list *l, const char *name);
/* First value whose name equals name, ASCII case-insensitively (header names). */
const char *atrium_kv_iget(const struct atrium_kv_list *l, const char *name);
/* How many pairs are named name (exact match). */
size_t atrium_kv_count(const struct atrium_kv_list *l, const char *name);
