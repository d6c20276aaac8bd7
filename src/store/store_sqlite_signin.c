/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: browser sessions, token signing keys (the one global,
 * not tenant-scoped, table of sign-in) and the sign-in log. Smart-lockout
 * counters: store_sqlite_lockout.c.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define SESSION_COLUMNS "id_hash, tenant_id, user_id, auth_time, created, expires"
#define KEY_COLUMNS "kid, sealed_private, cert_pem, created, not_after, active"
#define SIGNIN_COLUMNS ATRIUM_SQLITE_SIGNIN_COLUMNS

static void read_session(sqlite3_stmt *st, void *ret)
{
    struct atrium_session *ss = ret;
    memset(ss, 0, sizeof(*ss));
    atrium_sqlite_col_copy(st, 0, ss->id_hash, sizeof(ss->id_hash));
    atrium_sqlite_col_copy(st, 1, ss->tenant_id, sizeof(ss->tenant_id));
    atrium_sqlite_col_copy(st, 2, ss->user_id, sizeof(ss->user_id));
    ss->auth_time = sqlite3_column_int64(st, 3);
    ss->created = sqlite3_column_int64(st, 4);
    ss->expires = sqlite3_column_int64(st, 5);
}

static void read_key(sqlite3_stmt *st, void *ret)
{
    struct atrium_signing_key_record *k = ret;
    memset(k, 0, sizeof(*k));
    atrium_sqlite_col_copy(st, 0, k->kid, sizeof(k->kid));
    k->sealed_private = atrium_sqlite_col_dup(st, 1);
    k->cert_pem = atrium_sqlite_col_dup(st, 2);
    k->created = sqlite3_column_int64(st, 3);
    k->not_after = sqlite3_column_int64(st, 4);
    k->active = atrium_sqlite_col_bool(st, 5);
}

void atrium_sqlite_read_signin(sqlite3_stmt *st, void *ret)
{
    struct atrium_signin_event *ev = ret;
    memset(ev, 0, sizeof(*ev));
    atrium_sqlite_col_copy(st, 0, ev->id, sizeof(ev->id));
    atrium_sqlite_col_copy(st, 1, ev->tenant_id, sizeof(ev->tenant_id));
    atrium_sqlite_col_copy(st, 2, ev->user_id, sizeof(ev->user_id));
    ev->user_principal_name = atrium_sqlite_col_dup(st, 3);
    atrium_sqlite_col_copy(st, 4, ev->app_id, sizeof(ev->app_id));
    ev->app_display_name = atrium_sqlite_col_dup(st, 5);
    ev->ip_address = atrium_sqlite_col_dup(st, 6);
    ev->client_request_id = atrium_sqlite_col_dup(st, 7);
    ev->grant = atrium_sqlite_col_dup(st, 8);
    ev->error_code = sqlite3_column_int(st, 9);
    ev->failure_reason = atrium_sqlite_col_dup(st, 10);
    ev->created = sqlite3_column_int64(st, 11);
}

int atrium_sqlite_session_insert(struct atrium_store *base, const struct atrium_session *ss)
{
    static const char sql[] = "INSERT INTO sessions (" SESSION_COLUMNS ")"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(ss->id_hash) < 0 || atrium_sqlite_check_id(ss->tenant_id) < 0 ||
        atrium_sqlite_check_id(ss->user_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_SESSION_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, ss->id_hash);
    b |= atrium_sqlite_bind_text(st, 2, ss->tenant_id);
    b |= atrium_sqlite_bind_text(st, 3, ss->user_id);
    b |= sqlite3_bind_int64(st, 4, ss->auth_time);
    b |= sqlite3_bind_int64(st, 5, ss->created);
    b |= sqlite3_bind_int64(st, 6, ss->expires);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_session_get(struct atrium_store *base, const char *tenant_id, const char *id_hash,
                              int64_t now, struct atrium_session *ret)
{
    static const char sql[] = "SELECT " SESSION_COLUMNS " FROM sessions"
                              " WHERE tenant_id = ?1 AND id_hash = ?2 AND expires > ?3";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(id_hash) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_SESSION_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, id_hash);
    sqlite3_bind_int64(st, 3, now);
    return atrium_sqlite_get_row(st, read_session, ret);
}

int atrium_sqlite_session_delete(struct atrium_store *base, const char *tenant_id,
                                 const char *id_hash)
{
    static const char sql[] = "DELETE FROM sessions WHERE tenant_id = ?1 AND id_hash = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(id_hash) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_SESSION_DELETE, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, id_hash);
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_session_delete_user(struct atrium_store *base, const char *tenant_id,
                                      const char *user_id, size_t *ret_count)
{
    static const char sql[] = "DELETE FROM sessions WHERE tenant_id = ?1 AND user_id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (ret_count)
        *ret_count = 0;
    if (atrium_sqlite_check_id(tenant_id) < 0 || atrium_sqlite_check_id(user_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_SESSION_DELETE_USER, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, user_id);
    r = atrium_sqlite_step_done(st);
    if (r == 0 && ret_count)
        *ret_count = (size_t)sqlite3_changes(s->db);
    return r;
}

int atrium_sqlite_signing_key_insert(struct atrium_store *base,
                                     const struct atrium_signing_key_record *k)
{
    /* At most one active key (a partial unique index): a second one is ECONFLICT. */
    static const char sql[] = "INSERT INTO signing_keys (" KEY_COLUMNS ")"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(k->kid) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_KEY_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, k->kid);
    b |= atrium_sqlite_bind_text(st, 2, k->sealed_private);
    b |= atrium_sqlite_bind_text(st, 3, k->cert_pem);
    b |= sqlite3_bind_int64(st, 4, k->created);
    b |= sqlite3_bind_int64(st, 5, k->not_after);
    b |= sqlite3_bind_int(st, 6, k->active);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_signing_key_list(struct atrium_store *base, int64_t now,
                                   struct atrium_signing_key_list *ret)
{
    static const char sql[] = "SELECT " KEY_COLUMNS " FROM signing_keys"
                              " WHERE not_after = 0 OR not_after > ?1"
                              " ORDER BY created DESC, kid DESC";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_signing_key_list l = {0};
    sqlite3_stmt *st;

    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_KEY_LIST, sql, &st);
    if (r < 0)
        return r;
    sqlite3_bind_int64(st, 1, now);
    r = atrium_sqlite_get_rows(st, read_key, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_signing_key_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}

/* The statements of signing_key_activate, inside its atomic unit. */
static int activate_rows(struct atrium_store_sqlite *s, const char *kid, int64_t retire_at)
{
    static const char sql_retire[] = "UPDATE signing_keys SET active = 0, not_after = ?2"
                                     " WHERE active = 1 AND kid <> ?1";
    static const char sql_activate[] = "UPDATE signing_keys SET active = 1, not_after = 0"
                                       " WHERE kid = ?1";
    sqlite3_stmt *st;

    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_KEY_RETIRE, sql_retire, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, kid);
    sqlite3_bind_int64(st, 2, retire_at);
    r = atrium_sqlite_step_done(st);
    if (r == 0)
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_KEY_ACTIVATE, sql_activate, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, kid);
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_signing_key_activate(struct atrium_store *base, const char *kid,
                                       int64_t retire_at)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    bool nested;

    if (atrium_sqlite_check_id(kid) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_atomic_begin(s, &nested);
    if (r < 0)
        return r;
    return atrium_sqlite_atomic_end(s, nested, activate_rows(s, kid, retire_at));
}

int atrium_sqlite_signin_insert(struct atrium_store *base, const struct atrium_signin_event *ev)
{
    static const char sql[] = "INSERT INTO signin_events (" SIGNIN_COLUMNS ") VALUES"
                              " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(ev->id) < 0 || atrium_sqlite_check_id(ev->tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_SIGNIN_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, ev->id);
    b |= atrium_sqlite_bind_text(st, 2, ev->tenant_id);
    b |= atrium_sqlite_bind_text(st, 3, ev->user_id);
    b |= atrium_sqlite_bind_text(st, 4, ev->user_principal_name);
    b |= atrium_sqlite_bind_text(st, 5, ev->app_id);
    b |= atrium_sqlite_bind_text(st, 6, ev->app_display_name);
    b |= atrium_sqlite_bind_text(st, 7, ev->ip_address);
    b |= atrium_sqlite_bind_text(st, 8, ev->client_request_id);
    b |= atrium_sqlite_bind_text(st, 9, ev->grant);
    b |= sqlite3_bind_int(st, 10, ev->error_code);
    b |= atrium_sqlite_bind_text(st, 11, ev->failure_reason);
    b |= sqlite3_bind_int64(st, 12, ev->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_signin_list(struct atrium_store *base, const char *tenant_id,
                              int64_t before_created, const char *before_id, size_t limit,
                              struct atrium_signin_event_list *ret)
{
    /* Newest first, ties by id; the cursor is the last (created, id) of the previous page. */
    static const char sql_first[] = "SELECT " SIGNIN_COLUMNS " FROM signin_events"
                                    " WHERE tenant_id = ?1 ORDER BY created DESC, id LIMIT ?2";
    static const char sql_time[] = "SELECT " SIGNIN_COLUMNS " FROM signin_events"
                                   " WHERE tenant_id = ?1 AND created < ?3"
                                   " ORDER BY created DESC, id LIMIT ?2";
    static const char sql_before[] = "SELECT " SIGNIN_COLUMNS " FROM signin_events"
                                     " WHERE tenant_id = ?1"
                                     " AND (created < ?3 OR (created = ?3 AND id > ?4))"
                                     " ORDER BY created DESC, id LIMIT ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_signin_event_list l = {0};
    sqlite3_stmt *st;
    int r;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (before_id && *before_id)
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_SIGNIN_LIST_BEFORE, sql_before, &st);
    else if (before_created > 0)
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_SIGNIN_LIST_BEFORE_TIME, sql_time, &st);
    else
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_SIGNIN_LIST, sql_first, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_limit(st, 2, limit);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, before_created);
    if (sqlite3_bind_parameter_count(st) >= 4)
        atrium_sqlite_bind_text(st, 4, before_id);
    r = atrium_sqlite_get_rows(st, atrium_sqlite_read_signin, sizeof(*l.items), (void **)&l.items,
                               &l.count);
    if (r < 0) {
        atrium_signin_event_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}
