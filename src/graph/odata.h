/* SPDX-License-Identifier: MIT */
/*
 * The OData query options the directory API understands, parsed into plain
 * values: $top (1-999, default 100), a one-clause $filter
 * ("<prop> eq '<value>'" or "startswith(<prop>,'<value>')"), $select and
 * an opaque $skiptoken (the keyset cursor of the next page). Pure parsing;
 * the HTTP layer feeds it the decoded query parameters and renders the
 * envelope (@odata.context, @odata.nextLink).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/rand.h"

struct atrium_errinfo;

#define ATRIUM_ODATA_TOP_DEFAULT 100
#define ATRIUM_ODATA_TOP_MAX 999
#define ATRIUM_ODATA_VALUE_MAX 1024 /* bytes of a $filter literal */
#define ATRIUM_ODATA_SELECT_MAX 32  /* properties in $select */
#define ATRIUM_ODATA_NAME_MAX 64

enum atrium_odata_op {
    ATRIUM_ODATA_NONE = 0,
    ATRIUM_ODATA_EQ,
    ATRIUM_ODATA_STARTSWITH,
};

struct atrium_odata_filter {
    enum atrium_odata_op op;              /* NONE: no $filter */
    char property[ATRIUM_ODATA_NAME_MAX]; /* canonical spelling from the allowed list */
    char *value;                          /* unescaped literal, heap */
};

struct atrium_odata_query {
    size_t top; /* page size */
    struct atrium_odata_filter filter;
    char after_id[ATRIUM_UUID_LEN + 1];    /* cursor from $skiptoken; "" on the first page */
    char *select[ATRIUM_ODATA_SELECT_MAX]; /* canonical names, heap */
    size_t select_count;
    char *raw_filter;   /* $filter as given (for the next link), heap */
    char *raw_select;   /* $select as given, heap */
    const char *expand; /* the spec's $expand property when asked for; static, NULL: none */
};

/* What a collection allows: NULL-terminated property lists. */
struct atrium_odata_spec {
    const char *const *filter_eq;         /* properties usable with eq */
    const char *const *filter_startswith; /* properties usable with startswith */
    const char *const *select;            /* properties usable in $select */
    const char *expand;                   /* the one $expand navigation allowed, or NULL */
};

void atrium_odata_query_init(struct atrium_odata_query *q);
void atrium_odata_query_release(struct atrium_odata_query *q);

/*
 * Apply one decoded query parameter. Names are case-insensitive; $top,
 * $filter, $select and $skiptoken are parsed, $count is accepted and
 * ignored (Graph ignores it without ConsistencyLevel), other "$" options
 * are ATRIUM_EINVAL, names without "$" are ignored. Each option at most once.
 */
int atrium_odata_query_set(struct atrium_odata_query *q, const struct atrium_odata_spec *spec,
                           const char *name, const char *value, struct atrium_errinfo *e);

/* "1".."999" into *ret; ATRIUM_EINVAL with Graph's message otherwise. */
int atrium_odata_parse_top(const char *value, size_t *ret, struct atrium_errinfo *e);
/* Parse a one-clause filter against spec; *ret is released by the caller. */
int atrium_odata_parse_filter(const char *value, const struct atrium_odata_spec *spec,
                              struct atrium_odata_filter *ret, struct atrium_errinfo *e);
/* Does the property value v satisfy f (NONE matches everything; eq and startswith ignore case)? */
bool atrium_odata_filter_match(const struct atrium_odata_filter *f, const char *v);

/* The opaque $skiptoken for a cursor (heap, URL-safe). */
char *atrium_odata_skiptoken_encode(const char *after_id);
/* Decode a $skiptoken; ATRIUM_EINVAL when it is not one of ours. */
int atrium_odata_skiptoken_decode(const char *token, char out[ATRIUM_UUID_LEN + 1],
                                  struct atrium_errinfo *e);

/* Keep only the $select-ed members of obj (in place); no-op without $select. */
void atrium_odata_apply_select(const struct atrium_odata_query *q, json_t *obj);
