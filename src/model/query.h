/* SPDX-License-Identifier: MIT */
/*
 * A directory query as plain data: the filter expression tree that the
 * OData parser (graph/odata_filter.c) produces and a store backend
 * translates into its own query language, plus the ordering. Properties
 * are small integers from the resource's catalog (for users, enum
 * atrium_user_prop in model/user_attrs.h); values are typed literals.
 * Pure: no I/O, no SQL.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct atrium_buf;

#define ATRIUM_QUERY_NODES_MAX 64 /* nodes of one filter tree */
#define ATRIUM_QUERY_IN_MAX 50    /* values of one "in (...)" list */

enum atrium_qtype {
    ATRIUM_QT_NULL,
    ATRIUM_QT_STRING,
    ATRIUM_QT_GUID, /* lowercase canonical text */
    ATRIUM_QT_BOOL,
    ATRIUM_QT_DATETIME, /* Unix seconds */
};

struct atrium_qvalue {
    enum atrium_qtype type;
    char *s;   /* STRING, GUID: heap */
    bool b;    /* BOOL */
    int64_t t; /* DATETIME */
};

enum atrium_qkind {
    ATRIUM_QK_AND,    /* left and right */
    ATRIUM_QK_OR,     /* left or right */
    ATRIUM_QK_NOT,    /* not left */
    ATRIUM_QK_CMP,    /* prop op values[0] */
    ATRIUM_QK_IN,     /* prop in (values...) */
    ATRIUM_QK_ANY,    /* collection prop: any item op values[0] (op EQ or STARTSWITH) */
    ATRIUM_QK_SEARCH, /* $search: a word of prop starts with values[0] */
};

enum atrium_qop {
    ATRIUM_QOP_EQ,
    ATRIUM_QOP_NE,
    ATRIUM_QOP_GT,
    ATRIUM_QOP_GE,
    ATRIUM_QOP_LT,
    ATRIUM_QOP_LE,
    ATRIUM_QOP_STARTSWITH,
    ATRIUM_QOP_ENDSWITH,
};

struct atrium_qnode {
    enum atrium_qkind kind;
    enum atrium_qop op; /* CMP, ANY */
    int prop;           /* CMP, IN, ANY, SEARCH */
    struct atrium_qvalue *values;
    size_t nvalues;
    struct atrium_qnode *left, *right; /* AND, OR: both; NOT: left */
};

/* The ordering of a listing: by prop (or by id when prop < 0), then by id. */
struct atrium_qorder {
    int prop; /* -1: the object id only */
    bool desc;
};

/*
 * A position in an ordered listing: the last object of the previous page,
 * as its sort key (text or number, by the ordering's property) and id.
 */
struct atrium_qcursor {
    bool set;      /* false: from the start */
    char id[37];   /* the object id (a GUID) */
    bool has_text; /* the key is text (else a number, or none for id order) */
    char *text;    /* heap */
    int64_t num;
};

void atrium_qcursor_release(struct atrium_qcursor *c);

/* A leaf node of kind with one value (consumed: its s is taken). Caller owns. */
struct atrium_qnode *atrium_qnode_leaf(enum atrium_qkind kind, enum atrium_qop op, int prop,
                                       struct atrium_qvalue *v);
/* A node joining l and r (consumed; r NULL for NOT). Caller owns. */
struct atrium_qnode *atrium_qnode_join(enum atrium_qkind kind, struct atrium_qnode *l,
                                       struct atrium_qnode *r);
/* Free a tree; NULL is fine; returns NULL. */
struct atrium_qnode *atrium_qnode_free(struct atrium_qnode *n);
void atrium_qvalue_release(struct atrium_qvalue *v);
/* Number of nodes of the tree. */
size_t atrium_qnode_count(const struct atrium_qnode *n);
/* Does the tree contain a node matching kind (and, for CMP/ANY, op; pass -1 for any op)? */
bool atrium_qnode_has(const struct atrium_qnode *n, enum atrium_qkind kind, int op);

/*
 * Append the canonical text of the tree to b: deterministic, unambiguous
 * (strings length-prefixed), independent of how the filter was spelled.
 * Used to bind a paging token to its query. ATRIUM_ETOOBIG from b.
 */
int atrium_qnode_print(const struct atrium_qnode *n, struct atrium_buf *b);
