/* SPDX-License-Identifier: MIT */
/* The directory query tree; see query.h. */
#include "model/query.h"

#include <inttypes.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"

struct atrium_qnode *atrium_qnode_leaf(enum atrium_qkind kind, enum atrium_qop op, int prop,
                                       struct atrium_qvalue *v)
{
    struct atrium_qnode *n = xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->op = op;
    n->prop = prop;
    if (v) {
        n->values = xmalloc(sizeof(*n->values));
        n->values[0] = *v;
        n->nvalues = 1;
        memset(v, 0, sizeof(*v));
    }
    return n;
}

struct atrium_qnode *atrium_qnode_join(enum atrium_qkind kind, struct atrium_qnode *l,
                                       struct atrium_qnode *r)
{
    struct atrium_qnode *n = xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->prop = -1;
    n->left = l;
    n->right = r;
    return n;
}

void atrium_qvalue_release(struct atrium_qvalue *v)
{
    if (!v)
        return;
    xfree(v->s);
    memset(v, 0, sizeof(*v));
}

struct atrium_qnode *atrium_qnode_free(struct atrium_qnode *n)
{
    if (!n)
        return NULL;
    atrium_qnode_free(n->left);
    atrium_qnode_free(n->right);
    for (size_t i = 0; i < n->nvalues; i++)
        atrium_qvalue_release(&n->values[i]);
    xfree(n->values);
    xfree(n);
    return NULL;
}

void atrium_qcursor_release(struct atrium_qcursor *c)
{
    if (!c)
        return;
    xfree(c->text);
    memset(c, 0, sizeof(*c));
}

size_t atrium_qnode_count(const struct atrium_qnode *n)
{
    return n ? 1 + atrium_qnode_count(n->left) + atrium_qnode_count(n->right) : 0;
}

bool atrium_qnode_has(const struct atrium_qnode *n, enum atrium_qkind kind, int op)
{
    if (!n)
        return false;
    if (n->kind == kind && (op < 0 || (int)n->op == op))
        return true;
    return atrium_qnode_has(n->left, kind, op) || atrium_qnode_has(n->right, kind, op);
}

static int print_value(const struct atrium_qvalue *v, struct atrium_buf *b)
{
    switch (v->type) {
    case ATRIUM_QT_NULL:
        return atrium_buf_puts(b, " n");
    case ATRIUM_QT_STRING:
    case ATRIUM_QT_GUID: {
        size_t len = v->s ? strlen(v->s) : 0;
        int r = atrium_buf_printf(b, " %c%zu:", v->type == ATRIUM_QT_GUID ? 'g' : 's', len);
        return r < 0 ? r : atrium_buf_append(b, v->s ? v->s : "", len);
    }
    case ATRIUM_QT_BOOL:
        return atrium_buf_puts(b, v->b ? " b1" : " b0");
    case ATRIUM_QT_DATETIME:
        return atrium_buf_printf(b, " t%" PRId64, v->t);
    }
    return ATRIUM_EINTERNAL;
}

int atrium_qnode_print(const struct atrium_qnode *n, struct atrium_buf *b)
{
    static const char *const kinds[] = {"and", "or", "not", "cmp", "in", "any", "search"};
    if (!n)
        return atrium_buf_puts(b, "()");
    int r = atrium_buf_printf(b, "(%s", kinds[n->kind]);
    if (r == 0 && (n->kind == ATRIUM_QK_CMP || n->kind == ATRIUM_QK_ANY))
        r = atrium_buf_printf(b, " o%d", (int)n->op);
    if (r == 0 && n->prop >= 0)
        r = atrium_buf_printf(b, " p%d", n->prop);
    for (size_t i = 0; r == 0 && i < n->nvalues; i++)
        r = print_value(&n->values[i], b);
    if (r == 0 && n->left)
        r = atrium_qnode_print(n->left, b);
    if (r == 0 && n->right)
        r = atrium_qnode_print(n->right, b);
    return r < 0 ? r : atrium_buf_puts(b, ")");
}
