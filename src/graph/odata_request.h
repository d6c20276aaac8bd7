/* SPDX-License-Identifier: MIT */
/*
 * The OData engine of directory listings (users, deleted items): every
 * query option Graph accepts on directory objects, parsed against a
 * resource's property catalog into plain data (model/query.h) that the
 * store translates:
 *
 *   $filter   eq ne gt ge lt le, in (...), startswith(p,'x'), endswith(p,'x'),
 *             and / or / not, parentheses, collection/any(x:x eq 'v'),
 *             'strings' with '' escapes, GUID, true/false, null and
 *             2024-01-02T03:04:05Z literals; at most ATRIUM_ODATA_FILTER_MAX
 *             bytes, ATRIUM_ODATA_DEPTH_MAX nesting levels and
 *             ATRIUM_QUERY_NODES_MAX nodes;
 *   $search   "prop:words" clauses joined by AND / OR (word-prefix match);
 *   $orderby  one property, asc or desc;
 *   $top      1..999 (default 100); $count=true; $select; $skiptoken.
 *
 * Graph's advanced-query rules are kept: ne, not, endswith, "eq null",
 * $orderby together with $filter and ordering on advanced-only properties
 * need $count=true AND the "ConsistencyLevel: eventual" header; $search
 * needs the header; $count=true without the header is ignored. Refusals are
 * ATRIUM_EINVAL with e naming the option; `unsupported` on the request then
 * says whether Graph reports it as Request_UnsupportedQuery (else
 * Request_BadRequest).
 *
 * The $skiptoken is opaque: the position after the last object of the
 * page, MACed (crypto/mac.h) together with the tenant, the listing and the
 * canonical query, so a token altered, taken to another tenant, another
 * listing or another filter/search/order is refused (ATRIUM_EINVAL).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/query.h"

struct atrium_errinfo;
struct atrium_mac_key;

#define ATRIUM_ODATA_FILTER_MAX 2048 /* bytes of $filter */
#define ATRIUM_ODATA_SEARCH_MAX 512  /* bytes of $search */
#define ATRIUM_ODATA_DEPTH_MAX 8     /* nesting of parentheses and not */
#define ATRIUM_ODATA_LITERAL_MAX 1024
#define ATRIUM_ODATA_SEARCH_CLAUSES_MAX 8
#define ATRIUM_ODATA_SKIPTOKEN_MAX 2048
#define ATRIUM_ODATA_REQ_SELECT_MAX 64

enum atrium_odata_type {
    ATRIUM_ODATA_T_STRING,
    ATRIUM_ODATA_T_GUID,
    ATRIUM_ODATA_T_BOOL,
    ATRIUM_ODATA_T_DATETIME,
    ATRIUM_ODATA_T_STRING_LIST, /* a collection of strings */
};

/* Filter operations, as a bit set per property. */
enum atrium_odata_opbit {
    ATRIUM_ODATA_OP_EQ = 1u << 0,
    ATRIUM_ODATA_OP_NE = 1u << 1,
    ATRIUM_ODATA_OP_RANGE = 1u << 2, /* gt ge lt le */
    ATRIUM_ODATA_OP_STARTSWITH = 1u << 3,
    ATRIUM_ODATA_OP_ENDSWITH = 1u << 4,
    ATRIUM_ODATA_OP_IN = 1u << 5,
    ATRIUM_ODATA_OP_NULL = 1u << 6, /* eq null / ne null */
    ATRIUM_ODATA_OP_ANY = 1u << 7,  /* collection/any(x: x eq | startswith) */
};

enum atrium_odata_propflag {
    ATRIUM_ODATA_SELECT = 1u << 0,      /* may be named in $select */
    ATRIUM_ODATA_DEFAULT = 1u << 1,     /* returned when there is no $select */
    ATRIUM_ODATA_ORDERBY = 1u << 2,     /* $orderby in any query */
    ATRIUM_ODATA_ORDERBY_ADV = 1u << 3, /* $orderby in advanced queries only */
    ATRIUM_ODATA_SEARCH = 1u << 4,      /* "prop:term" in $search */
};

struct atrium_odata_prop {
    const char *name; /* Graph's spelling; NULL ends a catalog */
    int id;           /* the resource's property id (enum atrium_user_prop for users) */
    enum atrium_odata_type type;
    unsigned ops;     /* enum atrium_odata_opbit allowed in every query */
    unsigned adv_ops; /* ... allowed only in advanced queries */
    unsigned flags;   /* enum atrium_odata_propflag */
};

struct atrium_odata_resource {
    const char *type_name; /* "microsoft.graph.user" */
    const char *entity;    /* "User", for messages */
    const struct atrium_odata_prop *props;
};

struct atrium_odata_request {
    size_t top;
    bool count;                  /* $count=true */
    bool eventual;               /* "ConsistencyLevel: eventual" */
    struct atrium_qnode *filter; /* NULL: none */
    struct atrium_qnode *search; /* SEARCH nodes under AND/OR; NULL: none */
    struct atrium_qorder order;  /* prop -1: by id */
    const char *advanced;        /* static: first construct that needs an advanced query */
    const struct atrium_odata_prop *select[ATRIUM_ODATA_REQ_SELECT_MAX];
    size_t select_count;
    char *skiptoken; /* as given; checked by atrium_odata_token_decode */
    /* As given (decoded), to repeat in the next link; heap, NULL when absent. */
    char *raw_filter;
    char *raw_select;
    char *raw_orderby;
    char *raw_search;
    bool unsupported;      /* the last refusal is Request_UnsupportedQuery */
    bool expand_member_of; /* $expand=memberOf (users only) */
};

void atrium_odata_request_init(struct atrium_odata_request *q);
void atrium_odata_request_release(struct atrium_odata_request *q);

/*
 * Apply one decoded query parameter (names case-insensitive, each at most
 * once). Names without '$' are ignored; $expand=memberOf is
 * accepted on users (other $expand values, $skip and other options are
 * refused).
 */
int atrium_odata_request_set(struct atrium_odata_request *q,
                             const struct atrium_odata_resource *res, const char *name,
                             const char *value, struct atrium_errinfo *e);

/*
 * After every option: apply the advanced-query rules. eventual is the
 * ConsistencyLevel header; resumed is true when a valid $skiptoken was
 * presented (its first page passed the rules already).
 */
int atrium_odata_request_finish(struct atrium_odata_request *q, bool eventual, bool resumed,
                                struct atrium_errinfo *e);

/* The catalog entry named name (case-insensitive), or NULL. */
const struct atrium_odata_prop *atrium_odata_prop_find(const struct atrium_odata_resource *res,
                                                       const char *name, size_t len);
/* The catalog entry of id, or NULL. */
const struct atrium_odata_prop *atrium_odata_prop_by_id(const struct atrium_odata_resource *res,
                                                        int id);
/* Is prop part of the response: in $select, or a default property without $select? */
bool atrium_odata_request_selects(const struct atrium_odata_request *q,
                                  const struct atrium_odata_prop *prop);

/*
 * Parse a $filter into a tree (caller frees). *ret_advanced gets the first
 * construct that needs an advanced query (static string) or NULL;
 * *ret_unsupported tells the category of a refusal.
 */
int atrium_odata_filter_parse(const char *text, const struct atrium_odata_resource *res,
                              struct atrium_qnode **ret, const char **ret_advanced,
                              bool *ret_unsupported, struct atrium_errinfo *e);
/* Parse a $search value into SEARCH nodes (caller frees). */
int atrium_odata_search_parse(const char *text, const struct atrium_odata_resource *res,
                              struct atrium_qnode **ret, struct atrium_errinfo *e);
/* "2024-01-02T03:04:05Z" (fractions and +hh:mm offsets allowed) into Unix seconds. */
int atrium_odata_parse_datetime(const char *s, size_t len, int64_t *ret);

/*
 * The $skiptoken for the position after cursor, bound to tenant_id, the
 * listing (scope, e.g. "users") and q's filter, search and order. Heap.
 */
int atrium_odata_token_encode(const struct atrium_mac_key *key, const char *tenant_id,
                              const char *scope, const struct atrium_odata_request *q,
                              const struct atrium_qcursor *cursor, char **ret);
/* Verify and decode q->skiptoken into *ret (release it); ATRIUM_EINVAL when not ours. */
int atrium_odata_token_decode(const struct atrium_mac_key *key, const char *tenant_id,
                              const char *scope, const struct atrium_odata_request *q,
                              struct atrium_qcursor *ret, struct atrium_errinfo *e);
