/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: user_query, the listing engine of the directory API. A
 * filter tree (model/query.h) becomes a WHERE clause with every value bound
 * as a parameter (never spliced into the text); paging is keyset on
 * (sort key, id) with a row-value comparison, so a page is an index range
 * scan, never an OFFSET. Text comparisons ignore ASCII case (NOCASE, as the
 * users_by_name and users_by_mail indexes); startswith is the index range
 * [v, v || x'FF'). Each call runs under a progress handler that stops it
 * after ATRIUM_STORE_QUERY_BUDGET virtual machine steps (ATRIUM_ETOOBIG).
 */
#include "store/store_sqlite.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "store/store_sqlite_user.h"

#define SQL_MAX (256u << 10)
#define PAGE_MAX 1000
#define PROGRESS_STEPS 256
#define PROXY_ADDRESSES_EXPR                                                                       \
    "(CASE WHEN mail IS NULL THEN NULL ELSE json_array('SMTP:' || mail) END)"

enum colkind { C_TEXT, C_UPN, C_ID, C_BOOL, C_TIME, C_LIST };

struct col {
    const char *expr;   /* the column (or expression) compared */
    const char *search; /* the column word-prefix search reads */
    enum colkind kind;
};

struct bind {
    bool is_int;
    char *text;
    int64_t num;
};

struct build {
    struct atrium_buf sql;
    struct bind *binds;
    size_t nbinds;
    int err;
    /* A startswith on the sort key of a later page: one of its bounds is the position's. */
    const struct atrium_qnode *trim;
    bool trim_keep_upper;
};

static struct col col_of(int prop)
{
    switch (prop) {
    case ATRIUM_UPROP_ID:
        return (struct col){"id", "id", C_ID};
    case ATRIUM_UPROP_UPN:
        return (struct col){"upn_lower", "upn", C_UPN};
    case ATRIUM_UPROP_DISPLAY_NAME:
        return (struct col){"display_name", "display_name", C_TEXT};
    case ATRIUM_UPROP_GIVEN_NAME:
        return (struct col){"given_name", "given_name", C_TEXT};
    case ATRIUM_UPROP_SURNAME:
        return (struct col){"surname", "surname", C_TEXT};
    case ATRIUM_UPROP_MAIL:
        return (struct col){"mail", "mail", C_TEXT};
    case ATRIUM_UPROP_JOB_TITLE:
        return (struct col){"job_title", "job_title", C_TEXT};
    case ATRIUM_UPROP_ACCOUNT_ENABLED:
        return (struct col){"account_enabled", NULL, C_BOOL};
    case ATRIUM_UPROP_CREATED:
        return (struct col){"created", NULL, C_TIME};
    case ATRIUM_UPROP_DELETED:
        return (struct col){"deleted", NULL, C_TIME};
    case ATRIUM_UPROP_BUSINESS_PHONES:
        return (struct col){"business_phones", NULL, C_LIST};
    case ATRIUM_UPROP_OTHER_MAILS:
        return (struct col){"other_mails", NULL, C_LIST};
    case ATRIUM_UPROP_PROXY_ADDRESSES:
        return (struct col){PROXY_ADDRESSES_EXPR, NULL, C_LIST};
    default:
        break;
    }
    if (prop >= ATRIUM_UPROP_ATTR0 && prop < ATRIUM_UPROP__MAX) {
        const char *c = atrium_sqlite_user_attr_columns[prop - ATRIUM_UPROP_ATTR0];
        return (struct col){c, c, C_TEXT};
    }
    return (struct col){NULL, NULL, C_TEXT};
}

static void put(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct build *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        b->err = ATRIUM_EINTERNAL;
    else if (!b->err && atrium_buf_append(&b->sql, tmp, (size_t)n) < 0)
        b->err = ATRIUM_ETOOBIG;
}

/* Add a text parameter (copied; lowered when fold) and return its number. */
static size_t bind_text(struct build *b, const char *s, bool fold)
{
    b->binds = xrealloc(b->binds, (b->nbinds + 1) * sizeof(*b->binds));
    b->binds[b->nbinds] = (struct bind){.text = xstrdup(s ? s : "")};
    if (fold)
        atrium_str_lower(b->binds[b->nbinds].text);
    return ++b->nbinds;
}

static size_t bind_int(struct build *b, int64_t v)
{
    b->binds = xrealloc(b->binds, (b->nbinds + 1) * sizeof(*b->binds));
    b->binds[b->nbinds] = (struct bind){.is_int = true, .num = v};
    return ++b->nbinds;
}

/* A LIKE pattern "%<v>" with %, _ and \ escaped by \. */
static size_t bind_suffix_pattern(struct build *b, const char *v, bool fold)
{
    struct atrium_buf p;
    atrium_buf_init(&p, 8192);
    atrium_buf_puts(&p, "%");
    for (const char *c = v; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            atrium_buf_puts(&p, "\\");
        atrium_buf_append(&p, c, 1);
    }
    size_t n = bind_text(b, p.buf, fold);
    atrium_buf_release(&p);
    return n;
}

/* The [lo, hi) range of strings starting with v: hi is v followed by byte 0xFF. */
static void prefix_range(struct build *b, const char *expr, const char *v, const char *collate,
                         bool fold)
{
    size_t lo = bind_text(b, v, fold);
    AUTO_FREE char *hi_text = xasprintf("%s\xff", v);
    size_t hi = bind_text(b, hi_text, fold);
    put(b, "(%s >= ?%zu%s AND %s < ?%zu%s)", expr, lo, collate, expr, hi, collate);
}

static const char *const cmp_ops[] = {"=", "<>", ">", ">=", "<", "<="};

/* The value of a comparison as a parameter of the column's kind. */
static size_t bind_value(struct build *b, const struct col *c, const struct atrium_qvalue *v)
{
    if (c->kind == C_BOOL)
        return bind_int(b, v->b ? 1 : 0);
    if (c->kind == C_TIME)
        return bind_int(b, v->t);
    return bind_text(b, v->s, c->kind == C_UPN || c->kind == C_ID);
}

static void emit_cmp(struct build *b, const struct col *c, enum atrium_qop op,
                     const struct atrium_qvalue *v)
{
    const char *nocase = c->kind == C_TEXT ? " COLLATE NOCASE" : "";
    if (v->type == ATRIUM_QT_NULL) {
        put(b, "%s IS %s", c->expr, op == ATRIUM_QOP_EQ ? "NULL" : "NOT NULL");
    } else if (op == ATRIUM_QOP_STARTSWITH) {
        prefix_range(b, c->expr, v->s, nocase, c->kind == C_UPN);
    } else if (op == ATRIUM_QOP_ENDSWITH) {
        size_t n = bind_suffix_pattern(b, v->s, c->kind == C_UPN);
        put(b, "%s LIKE ?%zu ESCAPE '\\'", c->expr, n);
    } else if (op == ATRIUM_QOP_NE && c->kind == C_TEXT) {
        size_t n = bind_value(b, c, v);
        put(b, "(%s IS NULL OR %s <> ?%zu%s)", c->expr, c->expr, n, nocase);
    } else if ((size_t)op < sizeof(cmp_ops) / sizeof(cmp_ops[0])) {
        size_t n = bind_value(b, c, v);
        put(b, "%s %s ?%zu%s", c->expr, cmp_ops[op], n, nocase);
    } else {
        b->err = ATRIUM_EINVAL;
    }
}

static void emit_in(struct build *b, const struct col *c, const struct atrium_qnode *n)
{
    put(b, "%s%s IN (", c->expr, c->kind == C_TEXT ? " COLLATE NOCASE" : "");
    for (size_t i = 0; i < n->nvalues; i++)
        put(b, "%s?%zu", i ? ", " : "", bind_value(b, c, &n->values[i]));
    put(b, ")");
}

static void emit_any(struct build *b, const struct col *c, const struct atrium_qnode *n)
{
    if (c->kind != C_LIST || n->nvalues != 1) {
        b->err = ATRIUM_EINVAL;
        return;
    }
    put(b, "EXISTS (SELECT 1 FROM json_each(%s) AS j WHERE ", c->expr);
    if (n->op == ATRIUM_QOP_STARTSWITH)
        prefix_range(b, "j.value", n->values[0].s, " COLLATE NOCASE", false);
    else
        put(b, "j.value = ?%zu COLLATE NOCASE", bind_text(b, n->values[0].s, false));
    put(b, ")");
}

static void emit(struct build *b, const struct atrium_qnode *n, int depth);

/* The one bound of a trimmed startswith that the page position does not imply. */
static void emit_prefix_bound(struct build *b, const struct col *c, const char *v, bool upper)
{
    const char *coll = c->kind == C_TEXT ? " COLLATE NOCASE" : "";
    AUTO_FREE char *hi = xasprintf("%s\xff", v);
    size_t n = bind_text(b, upper ? hi : v, c->kind == C_UPN);
    put(b, "%s %s ?%zu%s", c->expr, upper ? "<" : ">=", n, coll);
}

static void emit_leaf(struct build *b, const struct atrium_qnode *n)
{
    struct col c = col_of(n->prop);
    if (!c.expr) {
        b->err = ATRIUM_EINVAL;
        return;
    }
    if (n == b->trim) {
        emit_prefix_bound(b, &c, n->values[0].s, b->trim_keep_upper);
        return;
    }
    switch (n->kind) {
    case ATRIUM_QK_CMP:
        if (n->nvalues == 1 && (c.kind != C_LIST))
            emit_cmp(b, &c, n->op, &n->values[0]);
        else
            b->err = ATRIUM_EINVAL;
        break;
    case ATRIUM_QK_IN:
        emit_in(b, &c, n);
        break;
    case ATRIUM_QK_ANY:
        emit_any(b, &c, n);
        break;
    case ATRIUM_QK_SEARCH:
        if (!c.search || n->nvalues != 1)
            b->err = ATRIUM_EINVAL;
        else
            put(b, "atrium_word_prefix(%s, ?%zu)", c.search, bind_text(b, n->values[0].s, false));
        break;
    default:
        b->err = ATRIUM_EINVAL;
    }
}

static void emit(struct build *b, const struct atrium_qnode *n, int depth)
{
    if (!n || depth > ATRIUM_QUERY_NODES_MAX) {
        b->err = ATRIUM_EINVAL;
        return;
    }
    if (n->kind == ATRIUM_QK_AND || n->kind == ATRIUM_QK_OR) {
        put(b, "(");
        emit(b, n->left, depth + 1);
        put(b, n->kind == ATRIUM_QK_AND ? " AND " : " OR ");
        emit(b, n->right, depth + 1);
        put(b, ")");
    } else if (n->kind == ATRIUM_QK_NOT) {
        /* Two-valued logic: a comparison with a missing (NULL) value is false. */
        put(b, "NOT COALESCE((");
        emit(b, n->left, depth + 1);
        put(b, "), 0)");
    } else {
        emit_leaf(b, n);
    }
}

/*
 * The ordering of a query that names none (order.prop < 0): the one an
 * index of its filter delivers, so a page is a range scan and never a sort
 * of every match: startswith or eq on displayName or userPrincipalName, a
 * createdDateTime range, found among the filter's top-level "and" terms.
 * Deterministic for a given filter, so the cursor of a page fits the next.
 */
static int derived_order(const struct atrium_qnode *n)
{
    if (!n)
        return -1;
    if (n->kind == ATRIUM_QK_AND) {
        int l = derived_order(n->left);
        return l >= 0 ? l : derived_order(n->right);
    }
    if (n->kind != ATRIUM_QK_CMP || n->nvalues != 1 || n->values[0].type == ATRIUM_QT_NULL)
        return -1;
    bool text_range = n->op == ATRIUM_QOP_EQ || n->op == ATRIUM_QOP_STARTSWITH;
    if ((n->prop == ATRIUM_UPROP_DISPLAY_NAME || n->prop == ATRIUM_UPROP_UPN) && text_range)
        return n->prop;
    if (n->prop == ATRIUM_UPROP_CREATED && n->op >= ATRIUM_QOP_GT && n->op <= ATRIUM_QOP_LE)
        return n->prop;
    return -1;
}

static struct atrium_qorder effective_order(const struct atrium_user_query *q)
{
    if (q->order.prop >= 0)
        return q->order;
    return (struct atrium_qorder){.prop = derived_order(q->filter), .desc = q->order.desc};
}

/* The sort key column of an ordering (NULL: by id alone) and its collation suffix. */
static const char *order_key(int prop, const char **ret_collate)
{
    *ret_collate = "";
    switch (prop) {
    case ATRIUM_UPROP_DISPLAY_NAME:
        *ret_collate = " COLLATE NOCASE";
        return "display_name";
    case ATRIUM_UPROP_UPN:
        return "upn_lower";
    case ATRIUM_UPROP_CREATED:
        return "created";
    default:
        return NULL;
    }
}

/* "FROM users WHERE ..." with filter and search (no position): shared by page and count. */
static void emit_where(struct build *b, const char *tenant_id, const struct atrium_user_query *q)
{
    put(b, " FROM users WHERE tenant_id = ?%zu AND deleted %s 0", bind_text(b, tenant_id, false),
        q->deleted ? "<>" : "=");
    if (q->filter) {
        put(b, " AND ");
        emit(b, q->filter, 0);
    }
    if (q->search) {
        put(b, " AND ");
        emit(b, q->search, 0);
    }
}

/*
 * After (k, id) in ascending order: key >= k AND (key > k OR id > id0). The
 * first term starts the index range (a row value comparison would not, with
 * NOCASE), the second skips the few rows of an equal key already seen.
 */
static void emit_position(struct build *b, const char *key, const char *coll, bool desc, size_t k,
                          size_t id)
{
    const char *ge = desc ? "<=" : ">=";
    const char *gt = desc ? "<" : ">";
    put(b, " AND %s %s ?%zu%s AND (%s %s ?%zu%s OR id %s ?%zu)", key, ge, k, coll, key, gt, k, coll,
        gt, id);
}

/* The position condition, the order and the limit of a page. */
static void emit_page_tail(struct build *b, const struct atrium_user_query *q)
{
    const struct atrium_qorder order = effective_order(q);
    const char *coll;
    const char *key = order_key(order.prop, &coll);
    const char *dir = order.desc ? " DESC" : "";
    const struct atrium_qcursor *a = q->after;
    if (order.prop >= 0 && !key)
        b->err = ATRIUM_EINVAL;
    if (a && a->set && key) {
        if (order.prop == ATRIUM_UPROP_CREATED ? a->has_text : !a->has_text)
            b->err = ATRIUM_EINVAL;
        size_t k =
            order.prop == ATRIUM_UPROP_CREATED ? bind_int(b, a->num) : bind_text(b, a->text, false);
        emit_position(b, key, coll, order.desc, k, bind_text(b, a->id, true));
    } else if (a && a->set) {
        put(b, " AND id %s ?%zu", order.desc ? "<" : ">", bind_text(b, a->id, true));
    }
    if (key)
        put(b, " ORDER BY %s%s%s, id%s", key, coll, dir, dir);
    else
        put(b, " ORDER BY id%s", dir);
    size_t limit = q->limit > PAGE_MAX ? PAGE_MAX : q->limit;
    put(b, " LIMIT ?%zu", bind_int(b, (int64_t)limit + 1));
}

static void build_release(struct build *b)
{
    atrium_buf_release(&b->sql);
    for (size_t i = 0; i < b->nbinds; i++)
        xfree(b->binds[i].text);
    xfree(b->binds);
}

/* Prepare b's text with its first nbinds parameters bound. */
static int prepare(struct atrium_store_sqlite *s, const struct build *b, size_t nbinds,
                   sqlite3_stmt **ret)
{
    if (b->err)
        return b->err;
    int rc = sqlite3_prepare_v2(s->db, b->sql.buf, (int)b->sql.len, ret, NULL);
    if (rc != SQLITE_OK)
        return ATRIUM_ESTORE;
    for (size_t i = 0; i < nbinds && rc == SQLITE_OK; i++)
        rc = b->binds[i].is_int
                 ? sqlite3_bind_int64(*ret, (int)i + 1, b->binds[i].num)
                 : sqlite3_bind_text(*ret, (int)i + 1, b->binds[i].text, -1, SQLITE_STATIC);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(*ret);
        return ATRIUM_ESTORE;
    }
    return 0;
}

static int step_error(int rc)
{
    return (rc & 0xff) == SQLITE_INTERRUPT ? ATRIUM_ETOOBIG : atrium_sqlite_error(rc);
}

/* The position after item u in order prop. */
static void cursor_of(const struct atrium_user *u, int prop, struct atrium_qcursor *ret)
{
    memset(ret, 0, sizeof(*ret));
    ret->set = true;
    snprintf(ret->id, sizeof(ret->id), "%s", u->id);
    if (prop == ATRIUM_UPROP_DISPLAY_NAME || prop == ATRIUM_UPROP_UPN) {
        ret->has_text = true;
        ret->text = xstrdup(prop == ATRIUM_UPROP_UPN ? u->upn : u->display_name);
        if (prop == ATRIUM_UPROP_UPN)
            atrium_str_lower(ret->text);
    } else if (prop == ATRIUM_UPROP_CREATED) {
        ret->num = u->created;
    }
}

static int read_page(sqlite3_stmt *st, const struct atrium_user_query *q,
                     struct atrium_user_page *ret)
{
    size_t limit = q->limit > PAGE_MAX ? PAGE_MAX : q->limit;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ret->count == limit) {
            ret->has_more = true;
            break;
        }
        atrium_sqlite_grow((void **)&ret->items, &cap, ret->count, sizeof(*ret->items));
        atrium_sqlite_user_read(st, &ret->items[ret->count++]);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return step_error(rc);
    if (ret->has_more && ret->count)
        cursor_of(&ret->items[ret->count - 1], effective_order(q).prop, &ret->next);
    else
        ret->has_more = false;
    return 0;
}

static int count_matches(struct atrium_store_sqlite *s, struct build *b, size_t where_binds,
                         size_t where_len, int64_t *ret)
{
    struct build c = {.binds = b->binds, .nbinds = b->nbinds};
    atrium_buf_init(&c.sql, SQL_MAX);
    atrium_buf_puts(&c.sql, "SELECT COUNT(*)");
    atrium_buf_append(&c.sql, b->sql.buf + strlen("SELECT " ATRIUM_SQLITE_USER_COLUMNS),
                      where_len - strlen("SELECT " ATRIUM_SQLITE_USER_COLUMNS));
    sqlite3_stmt *st = NULL;
    int r = prepare(s, &c, where_binds, &st);
    atrium_buf_release(&c.sql);
    if (r < 0)
        return r;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *ret = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : step_error(rc);
}

/* SELECT ... FROM users WHERE ... [position] ORDER BY ... LIMIT ...; *ret_where*: the shared part.
 */
/* The startswith on prop among the top-level "and" terms of n, or NULL. */
static const struct atrium_qnode *key_prefix(const struct atrium_qnode *n, int prop)
{
    if (!n)
        return NULL;
    if (n->kind == ATRIUM_QK_AND) {
        const struct atrium_qnode *l = key_prefix(n->left, prop);
        return l ? l : key_prefix(n->right, prop);
    }
    bool ok = n->kind == ATRIUM_QK_CMP && n->op == ATRIUM_QOP_STARTSWITH && n->prop == prop &&
              n->nvalues == 1 && n->values[0].type == ATRIUM_QT_STRING;
    return ok ? n : NULL;
}

static void build_query(struct build *b, const char *tenant_id, const struct atrium_user_query *q,
                        size_t *ret_where_binds, size_t *ret_where_len)
{
    const struct atrium_qorder o = effective_order(q);
    /*
     * On a later page the position (the last key seen) lies inside a
     * startswith range on the sort key, so it replaces that range's start
     * (its end, descending): the index range then begins at the position
     * instead of at the prefix. Not when counting (the count needs both).
     */
    if (q->after && q->after->set && !q->want_count &&
        (o.prop == ATRIUM_UPROP_DISPLAY_NAME || o.prop == ATRIUM_UPROP_UPN)) {
        b->trim = key_prefix(q->filter, o.prop);
        b->trim_keep_upper = !o.desc;
    }
    atrium_buf_init(&b->sql, SQL_MAX);
    put(b, "SELECT " ATRIUM_SQLITE_USER_COLUMNS);
    emit_where(b, tenant_id, q);
    *ret_where_binds = b->nbinds;
    *ret_where_len = b->sql.len;
    emit_page_tail(b, q);
}

static int on_progress(void *p)
{
    long *left = p;
    return --*left < 0;
}

static int run_query(struct atrium_store_sqlite *s, struct build *b, size_t where_binds,
                     size_t where_len, const struct atrium_user_query *q,
                     struct atrium_user_page *ret)
{
    sqlite3_stmt *st = NULL;
    int r = prepare(s, b, b->nbinds, &st);
    if (r < 0)
        return r;
    r = read_page(st, q, ret);
    sqlite3_finalize(st);
    if (r == 0 && q->want_count)
        r = count_matches(s, b, where_binds, where_len, &ret->total);
    return r;
}

int atrium_sqlite_user_query(struct atrium_store *base, const char *tenant_id,
                             const struct atrium_user_query *q, struct atrium_user_page *ret)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct build b = {0};
    size_t where_binds = 0, where_len = 0;
    struct atrium_user_page page = {.total = -1};

    if (atrium_sqlite_check_id(tenant_id) < 0 || !q || q->limit == 0)
        return ATRIUM_EINVAL;
    build_query(&b, tenant_id, q, &where_binds, &where_len);
    uint64_t budget = q->budget ? q->budget : ATRIUM_STORE_QUERY_BUDGET;
    long left = (long)(budget / PROGRESS_STEPS);
    sqlite3_progress_handler(s->db, PROGRESS_STEPS, on_progress, &left);
    int r = run_query(s, &b, where_binds, where_len, q, &page);
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    build_release(&b);
    if (r < 0) {
        atrium_user_page_release(&page);
        return r;
    }
    *ret = page;
    return 0;
}

int atrium_sqlite_user_query_plan(struct atrium_store *base, const char *tenant_id,
                                  const struct atrium_user_query *q, bool count, char **ret)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct build b = {0};
    size_t where_binds = 0, where_len = 0;
    build_query(&b, tenant_id, q, &where_binds, &where_len);
    struct build e = {.binds = b.binds, .nbinds = b.nbinds};
    atrium_buf_init(&e.sql, SQL_MAX);
    const size_t head = strlen("SELECT " ATRIUM_SQLITE_USER_COLUMNS);
    atrium_buf_puts(&e.sql, count ? "EXPLAIN QUERY PLAN SELECT COUNT(*)" : "EXPLAIN QUERY PLAN ");
    if (count)
        atrium_buf_append(&e.sql, b.sql.buf + head, where_len - head);
    else
        atrium_buf_append(&e.sql, b.sql.buf, b.sql.len);
    sqlite3_stmt *st = NULL;
    int r = b.err ? b.err : prepare(s, &e, count ? where_binds : b.nbinds, &st);
    struct atrium_buf out;
    atrium_buf_init(&out, SQL_MAX);
    while (r == 0 && sqlite3_step(st) == SQLITE_ROW)
        atrium_buf_printf(&out, "%s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    atrium_buf_release(&e.sql);
    build_release(&b);
    if (r == 0)
        *ret = atrium_buf_take(&out);
    atrium_buf_release(&out);
    return r;
}

/* atrium_word_prefix(value, term): does a word of value start with term (ASCII case ignored)? */
static bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static void word_prefix(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *v = (const char *)sqlite3_value_text(argv[0]);
    const char *t = (const char *)sqlite3_value_text(argv[1]);
    size_t tn = t ? strlen(t) : 0;
    int found = 0;
    for (const char *p = v; p && t && *p && !found; p++)
        found = (p == v || !word_byte((unsigned char)p[-1])) && strncasecmp(p, t, tn) == 0;
    sqlite3_result_int(ctx, found || (v && tn == 0));
}

int atrium_sqlite_user_functions(sqlite3 *db)
{
    return sqlite3_create_function(db, "atrium_word_prefix", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   word_prefix, NULL, NULL);
}
