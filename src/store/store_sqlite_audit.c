/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: the directory audit log (insert, get, filtered newest-first
 * list) and the filtered sign-in log query. The filtered queries are built
 * from the filter's set members only, so SQLite can pick the matching index;
 * they are prepared per call (a handful of shapes, each cheap to prepare)
 * rather than cached. Every query is bound to its tenant.
 */
#include "store/store_sqlite.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"

#define AUDIT_COLUMNS                                                                              \
    "id, tenant_id, activity_time, category, activity, operation_type, success, result_reason,"    \
    " correlation_id, initiator_type, initiator_id, initiator_app_id, initiator_upn,"              \
    " initiator_name, initiator_ip, targets, details"

#define QUERY_SQL_MAX 2048 /* bytes of a built query */
#define QUERY_BINDS_MAX 16

static void read_audit(sqlite3_stmt *st, void *ret)
{
    struct atrium_directory_audit *a = ret;
    memset(a, 0, sizeof(*a));
    atrium_sqlite_col_copy(st, 0, a->id, sizeof(a->id));
    atrium_sqlite_col_copy(st, 1, a->tenant_id, sizeof(a->tenant_id));
    a->activity_time = sqlite3_column_int64(st, 2);
    a->category = atrium_sqlite_col_dup(st, 3);
    a->activity = atrium_sqlite_col_dup(st, 4);
    a->operation_type = atrium_sqlite_col_dup(st, 5);
    a->success = atrium_sqlite_col_bool(st, 6);
    a->result_reason = atrium_sqlite_col_dup(st, 7);
    a->correlation_id = atrium_sqlite_col_dup(st, 8);
    a->initiator = (enum atrium_audit_initiator)sqlite3_column_int(st, 9);
    atrium_sqlite_col_copy(st, 10, a->initiator_id, sizeof(a->initiator_id));
    atrium_sqlite_col_copy(st, 11, a->initiator_app_id, sizeof(a->initiator_app_id));
    a->initiator_upn = atrium_sqlite_col_dup(st, 12);
    a->initiator_name = atrium_sqlite_col_dup(st, 13);
    a->initiator_ip = atrium_sqlite_col_dup(st, 14);
    a->targets = atrium_sqlite_col_dup(st, 15);
    a->details = atrium_sqlite_col_dup(st, 16);
}

static int bind_audit(sqlite3_stmt *st, const struct atrium_directory_audit *a)
{
    int b = atrium_sqlite_bind_text(st, 1, a->id);
    b |= atrium_sqlite_bind_text(st, 2, a->tenant_id);
    b |= sqlite3_bind_int64(st, 3, a->activity_time);
    b |= atrium_sqlite_bind_text(st, 4, a->category);
    b |= atrium_sqlite_bind_text(st, 5, a->activity);
    b |= atrium_sqlite_bind_text(st, 6, a->operation_type);
    b |= sqlite3_bind_int(st, 7, a->success ? 1 : 0);
    b |= atrium_sqlite_bind_text(st, 8, a->result_reason);
    b |= atrium_sqlite_bind_text(st, 9, a->correlation_id);
    b |= sqlite3_bind_int(st, 10, (int)a->initiator);
    b |= atrium_sqlite_bind_text(st, 11, a->initiator_id);
    b |= atrium_sqlite_bind_text(st, 12, a->initiator_app_id);
    b |= atrium_sqlite_bind_text(st, 13, a->initiator_upn);
    b |= atrium_sqlite_bind_text(st, 14, a->initiator_name);
    b |= atrium_sqlite_bind_text(st, 15, a->initiator_ip);
    b |= atrium_sqlite_bind_text(st, 16, a->targets ? a->targets : "[]");
    b |= atrium_sqlite_bind_text(st, 17, a->details ? a->details : "[]");
    return b == SQLITE_OK ? 0 : ATRIUM_ESTORE;
}

int atrium_sqlite_audit_insert(struct atrium_store *base, const struct atrium_directory_audit *a)
{
    static const char sql[] =
        "INSERT INTO directory_audits (" AUDIT_COLUMNS ") VALUES (?1, ?2,"
        " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(a->id) < 0 || atrium_sqlite_check_id(a->tenant_id) < 0 ||
        !a->category || !a->activity || !a->operation_type || !a->correlation_id)
        return ATRIUM_EINVAL;
    if (a->initiator < ATRIUM_AUDIT_BY_USER || a->initiator > ATRIUM_AUDIT_BY_CLI)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_AUDIT_INSERT, sql, &st);
    if (r < 0)
        return r;
    if (bind_audit(st, a) < 0) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_audit_get(struct atrium_store *base, const char *tenant_id, const char *id,
                            struct atrium_directory_audit *ret)
{
    static const char sql[] = "SELECT " AUDIT_COLUMNS " FROM directory_audits"
                              " WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_AUDIT_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, id);
    return atrium_sqlite_get_row(st, read_audit, ret);
}

/* --- filtered queries ---------------------------------------------------------- */

/* A query under construction: SQL text and its numbered parameters (?1 is the tenant). */
struct query {
    struct atrium_buf sql;
    struct {
        const char *text; /* borrowed; NULL: an integer */
        int64_t num;
    } binds[QUERY_BINDS_MAX];
    int count;
    bool broken; /* a clause did not fit: the query must not run */
};

static int param_text(struct query *q, const char *v)
{
    if (q->count >= QUERY_BINDS_MAX) {
        q->broken = true;
        return 0;
    }
    q->binds[q->count].text = v;
    return ++q->count;
}

static int param_int(struct query *q, int64_t v)
{
    if (q->count >= QUERY_BINDS_MAX) {
        q->broken = true;
        return 0;
    }
    q->binds[q->count].text = NULL;
    q->binds[q->count].num = v;
    return ++q->count;
}

static void sql_printf(struct query *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql_printf(struct query *q, const char *fmt, ...)
{
    char clause[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(clause, sizeof(clause), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(clause) || atrium_buf_puts(&q->sql, clause) < 0)
        q->broken = true;
}

/* Append " AND <column> = ?N" (COLLATE NOCASE when nocase) for a set text value. */
static void where_text(struct query *q, const char *column, const char *v, bool nocase)
{
    if (v)
        sql_printf(q, " AND %s = ?%d%s", column, param_text(q, v), nocase ? " COLLATE NOCASE" : "");
}

/* The common frame: time range and keyset cursor. */
static void where_frame(struct query *q, const char *time_col, bool has_ge, int64_t ge, bool has_le,
                        int64_t le, const struct atrium_log_cursor *after)
{
    if (has_ge)
        sql_printf(q, " AND %s >= ?%d", time_col, param_int(q, ge));
    if (has_le)
        sql_printf(q, " AND %s <= ?%d", time_col, param_int(q, le));
    if (after && after->id[0]) {
        int t = param_int(q, after->time), id = param_text(q, after->id);
        /* The redundant <= lets SQLite bound the index range by the cursor. */
        sql_printf(q, " AND %s <= ?%d AND (%s < ?%d OR id > ?%d)", time_col, t, time_col, t, id);
    }
}

static void query_init(struct query *q, const char *select, const char *tenant_id)
{
    memset(q, 0, sizeof(*q));
    atrium_buf_init(&q->sql, QUERY_SQL_MAX);
    if (atrium_buf_puts(&q->sql, select) < 0)
        q->broken = true;
    sql_printf(q, " WHERE tenant_id = ?%d", param_text(q, tenant_id));
}

static void query_end(struct query *q, const char *time_col, size_t limit)
{
    int64_t n = limit > INT32_MAX ? INT32_MAX : (int64_t)limit;
    sql_printf(q, " ORDER BY %s DESC, id LIMIT ?%d", time_col, param_int(q, n));
}

/* Prepare q, bind, read every row into *items (the caller releases them even on failure). */
static int query_run(struct atrium_store_sqlite *s, struct query *q, atrium_sqlite_reader read,
                     size_t size, void **items, size_t *count)
{
    sqlite3_stmt *st = NULL;
    *items = NULL;
    *count = 0;
    if (q->broken)
        return ATRIUM_EINTERNAL;
    int rc = sqlite3_prepare_v2(s->db, q->sql.buf, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return ATRIUM_ESTORE;
    }
    int b = SQLITE_OK;
    for (int i = 0; i < q->count; i++)
        b |= q->binds[i].text ? atrium_sqlite_bind_text(st, i + 1, q->binds[i].text)
                              : sqlite3_bind_int64(st, i + 1, q->binds[i].num);
    int r = b == SQLITE_OK ? atrium_sqlite_get_rows(st, read, size, items, count) : ATRIUM_ESTORE;
    sqlite3_finalize(st);
    return r;
}

int atrium_sqlite_audit_list(struct atrium_store *base, const char *tenant_id,
                             const struct atrium_audit_filter *f,
                             const struct atrium_log_cursor *after, size_t limit,
                             struct atrium_directory_audit_list *ret)
{
    static const struct atrium_audit_filter none = {0};
    struct atrium_directory_audit_list l = {0};
    struct query q;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (!f)
        f = &none;
    query_init(&q, "SELECT " AUDIT_COLUMNS " FROM directory_audits", tenant_id);
    where_frame(&q, "activity_time", f->has_time_ge, f->time_ge, f->has_time_le, f->time_le, after);
    where_text(&q, "category", f->category, true);
    where_text(&q, "activity", f->activity, true);
    if (f->initiator_user_id)
        sql_printf(&q, " AND initiator_type = %d AND initiator_id = ?%d", ATRIUM_AUDIT_BY_USER,
                   param_text(&q, f->initiator_user_id));
    if (f->initiator_app_id)
        sql_printf(&q, " AND initiator_type = %d AND initiator_app_id = ?%d", ATRIUM_AUDIT_BY_APP,
                   param_text(&q, f->initiator_app_id));
    where_text(&q, "correlation_id", f->correlation_id, false);
    query_end(&q, "activity_time", limit);
    int r = query_run(atrium_sqlite_of(base), &q, read_audit, sizeof(*l.items), (void **)&l.items,
                      &l.count);
    atrium_buf_release(&q.sql);
    if (r < 0) {
        atrium_directory_audit_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_signin_query(struct atrium_store *base, const char *tenant_id,
                               const struct atrium_signin_filter *f,
                               const struct atrium_log_cursor *after, size_t limit,
                               struct atrium_signin_event_list *ret)
{
    static const struct atrium_signin_filter none = {0};
    struct atrium_signin_event_list l = {0};
    struct query q;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (!f)
        f = &none;
    query_init(&q, "SELECT " ATRIUM_SQLITE_SIGNIN_COLUMNS " FROM signin_events", tenant_id);
    where_frame(&q, "created", f->has_time_ge, f->time_ge, f->has_time_le, f->time_le, after);
    where_text(&q, "user_id", f->user_id, false);
    where_text(&q, "app_id", f->app_id, false);
    where_text(&q, "user_principal_name", f->user_principal_name, true);
    if (f->has_error_code)
        sql_printf(&q, " AND error_code = ?%d", param_int(&q, f->error_code));
    query_end(&q, "created", limit);
    int r = query_run(atrium_sqlite_of(base), &q, atrium_sqlite_read_signin, sizeof(*l.items),
                      (void **)&l.items, &l.count);
    atrium_buf_release(&q.sql);
    if (r < 0) {
        atrium_signin_event_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}
