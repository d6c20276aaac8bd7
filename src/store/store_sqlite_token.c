/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: the single-use records of sign-in, authorization codes,
 * refresh tokens and device codes. Each is consumed by ONE conditional
 * UPDATE ... RETURNING, so of N parallel redemptions exactly one sees its
 * row come back; the others then read the row to tell reuse (ECONFLICT,
 * row filled) from unknown or expired (ENOTFOUND).
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define CODE_COLUMNS                                                                               \
    "code_hash, tenant_id, client_id, user_id, family_id, redirect_uri, scope, nonce,"             \
    " code_challenge, session_id, auth_time, created, expires, redeemed"
#define REFRESH_COLUMNS                                                                            \
    "token_hash, tenant_id, family_id, client_id, user_id, scope, auth_time, created, expires,"    \
    " used, revoked"
#define DEVICE_COLUMNS                                                                             \
    "device_code_hash, user_code, tenant_id, client_id, user_id, scope, status, created,"          \
    " expires, last_poll, auth_time"

static void read_code(sqlite3_stmt *st, void *ret)
{
    struct atrium_auth_code *c = ret;
    memset(c, 0, sizeof(*c));
    atrium_sqlite_col_copy(st, 0, c->code_hash, sizeof(c->code_hash));
    atrium_sqlite_col_copy(st, 1, c->tenant_id, sizeof(c->tenant_id));
    atrium_sqlite_col_copy(st, 2, c->client_id, sizeof(c->client_id));
    atrium_sqlite_col_copy(st, 3, c->user_id, sizeof(c->user_id));
    atrium_sqlite_col_copy(st, 4, c->family_id, sizeof(c->family_id));
    c->redirect_uri = atrium_sqlite_col_dup(st, 5);
    c->scope = atrium_sqlite_col_dup(st, 6);
    c->nonce = atrium_sqlite_col_dup(st, 7);
    c->code_challenge = atrium_sqlite_col_dup(st, 8);
    c->session_id = atrium_sqlite_col_dup(st, 9);
    c->auth_time = sqlite3_column_int64(st, 10);
    c->created = sqlite3_column_int64(st, 11);
    c->expires = sqlite3_column_int64(st, 12);
    c->redeemed = atrium_sqlite_col_bool(st, 13);
}

static void read_refresh(sqlite3_stmt *st, void *ret)
{
    struct atrium_refresh_token *t = ret;
    memset(t, 0, sizeof(*t));
    atrium_sqlite_col_copy(st, 0, t->token_hash, sizeof(t->token_hash));
    atrium_sqlite_col_copy(st, 1, t->tenant_id, sizeof(t->tenant_id));
    atrium_sqlite_col_copy(st, 2, t->family_id, sizeof(t->family_id));
    atrium_sqlite_col_copy(st, 3, t->client_id, sizeof(t->client_id));
    atrium_sqlite_col_copy(st, 4, t->user_id, sizeof(t->user_id));
    t->scope = atrium_sqlite_col_dup(st, 5);
    t->auth_time = sqlite3_column_int64(st, 6);
    t->created = sqlite3_column_int64(st, 7);
    t->expires = sqlite3_column_int64(st, 8);
    t->used = atrium_sqlite_col_bool(st, 9);
    t->revoked = atrium_sqlite_col_bool(st, 10);
}

static void read_device(sqlite3_stmt *st, void *ret)
{
    struct atrium_device_code *d = ret;
    memset(d, 0, sizeof(*d));
    atrium_sqlite_col_copy(st, 0, d->device_code_hash, sizeof(d->device_code_hash));
    atrium_sqlite_col_copy(st, 1, d->user_code, sizeof(d->user_code));
    atrium_sqlite_col_copy(st, 2, d->tenant_id, sizeof(d->tenant_id));
    atrium_sqlite_col_copy(st, 3, d->client_id, sizeof(d->client_id));
    atrium_sqlite_col_copy(st, 4, d->user_id, sizeof(d->user_id));
    d->scope = atrium_sqlite_col_dup(st, 5);
    d->status = (enum atrium_device_status)sqlite3_column_int(st, 6);
    d->created = sqlite3_column_int64(st, 7);
    d->expires = sqlite3_column_int64(st, 8);
    d->last_poll = sqlite3_column_int64(st, 9);
    d->auth_time = sqlite3_column_int64(st, 10);
}

/*
 * A poll's row: DEVICE_COLUMNS, prev_poll, prev_status. The caller whose
 * update moved the code from APPROVED to REDEEMED sees APPROVED.
 */
static void read_device_poll(sqlite3_stmt *st, void *ret)
{
    struct atrium_device_code *d = ret;
    read_device(st, d);
    d->last_poll = sqlite3_column_int64(st, 11);
    if (sqlite3_column_int(st, 12) == ATRIUM_DEVICE_APPROVED)
        d->status = ATRIUM_DEVICE_APPROVED;
}

/* Bind (tenant_id, key[, now]) to a cached statement; now only when it has a ?3. */
static int prepare3(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt which, const char *sql,
                    const char *tenant_id, const char *key, int64_t now, sqlite3_stmt **ret)
{
    int r = atrium_sqlite_stmt(s, which, sql, ret);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(*ret, 1, tenant_id);
    atrium_sqlite_bind_text(*ret, 2, key);
    if (sqlite3_bind_parameter_count(*ret) >= 3)
        sqlite3_bind_int64(*ret, 3, now);
    return 0;
}

int atrium_sqlite_code_insert(struct atrium_store *base, const struct atrium_auth_code *c)
{
    static const char sql[] = "INSERT INTO auth_codes (" CODE_COLUMNS ") VALUES"
                              " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(c->code_hash) < 0 || atrium_sqlite_check_id(c->tenant_id) < 0 ||
        atrium_sqlite_check_id(c->client_id) < 0 || atrium_sqlite_check_id(c->user_id) < 0 ||
        atrium_sqlite_check_id(c->family_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_CODE_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, c->code_hash);
    b |= atrium_sqlite_bind_text(st, 2, c->tenant_id);
    b |= atrium_sqlite_bind_text(st, 3, c->client_id);
    b |= atrium_sqlite_bind_text(st, 4, c->user_id);
    b |= atrium_sqlite_bind_text(st, 5, c->family_id);
    b |= atrium_sqlite_bind_text(st, 6, c->redirect_uri);
    b |= atrium_sqlite_bind_text(st, 7, c->scope);
    b |= atrium_sqlite_bind_text(st, 8, c->nonce);
    b |= atrium_sqlite_bind_text(st, 9, c->code_challenge);
    b |= atrium_sqlite_bind_text(st, 10, c->session_id ? c->session_id : "");
    b |= sqlite3_bind_int64(st, 11, c->auth_time);
    b |= sqlite3_bind_int64(st, 12, c->created);
    b |= sqlite3_bind_int64(st, 13, c->expires);
    b |= sqlite3_bind_int(st, 14, c->redeemed);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_code_redeem(struct atrium_store *base, const char *tenant_id,
                              const char *code_hash, int64_t now, struct atrium_auth_code *ret)
{
    static const char sql_redeem[] =
        "UPDATE auth_codes SET redeemed = 1 WHERE tenant_id = ?1 AND code_hash = ?2"
        " AND redeemed = 0 AND expires > ?3 RETURNING " CODE_COLUMNS;
    static const char sql_get[] = "SELECT " CODE_COLUMNS " FROM auth_codes"
                                  " WHERE tenant_id = ?1 AND code_hash = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    bool found = false;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(code_hash) < 0)
        return ATRIUM_ENOTFOUND;
    int r = prepare3(s, ATRIUM_SQ_CODE_REDEEM, sql_redeem, tenant_id, code_hash, now, &st);
    if (r == 0)
        r = atrium_sqlite_returning_row(st, read_code, ret, &found);
    if (r < 0 && found)
        atrium_auth_code_release(ret);
    if (r < 0 || found)
        return r;
    /* Lost: tell an earlier redemption from an unknown or expired code. */
    r = prepare3(s, ATRIUM_SQ_CODE_GET, sql_get, tenant_id, code_hash, now, &st);
    if (r == 0)
        r = atrium_sqlite_get_row(st, read_code, ret);
    if (r < 0)
        return r;
    if (ret->redeemed && ret->expires > now)
        return ATRIUM_ECONFLICT;
    atrium_auth_code_release(ret);
    return ATRIUM_ENOTFOUND;
}

int atrium_sqlite_refresh_insert(struct atrium_store *base, const struct atrium_refresh_token *t)
{
    static const char sql[] = "INSERT INTO refresh_tokens (" REFRESH_COLUMNS ") VALUES"
                              " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(t->token_hash) < 0 || atrium_sqlite_check_id(t->tenant_id) < 0 ||
        atrium_sqlite_check_id(t->family_id) < 0 || atrium_sqlite_check_id(t->client_id) < 0 ||
        atrium_sqlite_check_id(t->user_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_REFRESH_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, t->token_hash);
    b |= atrium_sqlite_bind_text(st, 2, t->tenant_id);
    b |= atrium_sqlite_bind_text(st, 3, t->family_id);
    b |= atrium_sqlite_bind_text(st, 4, t->client_id);
    b |= atrium_sqlite_bind_text(st, 5, t->user_id);
    b |= atrium_sqlite_bind_text(st, 6, t->scope);
    b |= sqlite3_bind_int64(st, 7, t->auth_time);
    b |= sqlite3_bind_int64(st, 8, t->created);
    b |= sqlite3_bind_int64(st, 9, t->expires);
    b |= sqlite3_bind_int(st, 10, t->used);
    b |= sqlite3_bind_int(st, 11, t->revoked);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_refresh_use(struct atrium_store *base, const char *tenant_id,
                              const char *token_hash, int64_t now, struct atrium_refresh_token *ret)
{
    static const char sql_use[] =
        "UPDATE refresh_tokens SET used = 1 WHERE tenant_id = ?1 AND token_hash = ?2"
        " AND used = 0 AND revoked = 0 AND expires > ?3 RETURNING " REFRESH_COLUMNS;
    static const char sql_get[] = "SELECT " REFRESH_COLUMNS " FROM refresh_tokens"
                                  " WHERE tenant_id = ?1 AND token_hash = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    bool found = false;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(token_hash) < 0)
        return ATRIUM_ENOTFOUND;
    int r = prepare3(s, ATRIUM_SQ_REFRESH_USE, sql_use, tenant_id, token_hash, now, &st);
    if (r == 0)
        r = atrium_sqlite_returning_row(st, read_refresh, ret, &found);
    if (r < 0 && found)
        atrium_refresh_token_release(ret);
    if (r < 0 || found)
        return r;
    /* Lost: reuse of a rotated or revoked token, or unknown or expired. */
    r = prepare3(s, ATRIUM_SQ_REFRESH_GET, sql_get, tenant_id, token_hash, now, &st);
    if (r == 0)
        r = atrium_sqlite_get_row(st, read_refresh, ret);
    if (r < 0)
        return r;
    if ((ret->used || ret->revoked) && ret->expires > now)
        return ATRIUM_ECONFLICT;
    atrium_refresh_token_release(ret);
    return ATRIUM_ENOTFOUND;
}

/* Run a cached "UPDATE refresh_tokens SET revoked = 1 ..." on (tenant_id, key). */
static int revoke(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt which, const char *sql,
                  const char *tenant_id, const char *key, size_t *ret_count)
{
    sqlite3_stmt *st;

    if (ret_count)
        *ret_count = 0;
    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(key) < 0)
        return 0; /* nothing matches an empty key */
    int r = atrium_sqlite_stmt(s, which, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, key);
    r = atrium_sqlite_step_done(st);
    if (r == 0 && ret_count)
        *ret_count = (size_t)sqlite3_changes(s->db);
    return r;
}

int atrium_sqlite_refresh_revoke_family(struct atrium_store *base, const char *tenant_id,
                                        const char *family_id, size_t *ret_count)
{
    static const char sql[] = "UPDATE refresh_tokens SET revoked = 1"
                              " WHERE tenant_id = ?1 AND family_id = ?2 AND revoked = 0";
    return revoke(atrium_sqlite_of(base), ATRIUM_SQ_REFRESH_REVOKE_FAMILY, sql, tenant_id,
                  family_id, ret_count);
}

int atrium_sqlite_refresh_revoke_user(struct atrium_store *base, const char *tenant_id,
                                      const char *user_id)
{
    static const char sql[] = "UPDATE refresh_tokens SET revoked = 1"
                              " WHERE tenant_id = ?1 AND user_id = ?2 AND revoked = 0";
    return revoke(atrium_sqlite_of(base), ATRIUM_SQ_REFRESH_REVOKE_USER, sql, tenant_id, user_id,
                  NULL);
}

/* Free the text of an expired code of the tenant for reuse (the row stays, unlisted). */
static int device_retire(struct atrium_store_sqlite *s, const struct atrium_device_code *d)
{
    static const char sql[] = "UPDATE device_codes SET user_code_live = 0 WHERE tenant_id = ?1"
                              " AND user_code = ?2 AND user_code_live = 1 AND expires <= ?3";
    sqlite3_stmt *st;
    int r = prepare3(s, ATRIUM_SQ_DEVICE_RETIRE, sql, d->tenant_id, d->user_code, d->created, &st);
    return r < 0 ? r : atrium_sqlite_step_done(st);
}

int atrium_sqlite_device_insert(struct atrium_store *base, const struct atrium_device_code *d)
{
    static const char sql[] =
        "INSERT INTO device_codes (" DEVICE_COLUMNS ", user_code_live, prev_status, prev_poll)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?7, ?10)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(d->device_code_hash) < 0 ||
        atrium_sqlite_check_id(d->user_code) < 0 || atrium_sqlite_check_id(d->tenant_id) < 0 ||
        atrium_sqlite_check_id(d->client_id) < 0)
        return ATRIUM_EINVAL;
    int r = device_retire(s, d);
    if (r == 0)
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_DEVICE_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, d->device_code_hash);
    b |= atrium_sqlite_bind_text(st, 2, d->user_code);
    b |= atrium_sqlite_bind_text(st, 3, d->tenant_id);
    b |= atrium_sqlite_bind_text(st, 4, d->client_id);
    b |= atrium_sqlite_bind_text(st, 5, d->user_id);
    b |= atrium_sqlite_bind_text(st, 6, d->scope);
    b |= sqlite3_bind_int(st, 7, (int)d->status);
    b |= sqlite3_bind_int64(st, 8, d->created);
    b |= sqlite3_bind_int64(st, 9, d->expires);
    b |= sqlite3_bind_int64(st, 10, d->last_poll);
    b |= sqlite3_bind_int64(st, 11, d->auth_time);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_device_get_by_user_code(struct atrium_store *base, const char *tenant_id,
                                          const char *user_code, int64_t now,
                                          struct atrium_device_code *ret)
{
    static const char sql[] = "SELECT " DEVICE_COLUMNS " FROM device_codes WHERE tenant_id = ?1"
                              " AND user_code = ?2 AND user_code_live = 1 AND expires > ?3";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(user_code) < 0)
        return ATRIUM_ENOTFOUND;
    int r = prepare3(s, ATRIUM_SQ_DEVICE_GET_BY_USER_CODE, sql, tenant_id, user_code, now, &st);
    return r < 0 ? r : atrium_sqlite_get_row(st, read_device, ret);
}

int atrium_sqlite_device_decide(struct atrium_store *base, const char *tenant_id,
                                const char *user_code, int64_t now, bool approve,
                                const char *user_id, int64_t auth_time)
{
    static const char sql[] = "UPDATE device_codes SET status = ?4, user_id = ?5, auth_time = ?6"
                              " WHERE tenant_id = ?1 AND user_code = ?2 AND user_code_live = 1"
                              " AND status = 0 AND expires > ?3";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0 || (approve && atrium_sqlite_check_id(user_id) < 0))
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(user_code) < 0)
        return ATRIUM_ENOTFOUND;
    int r = prepare3(s, ATRIUM_SQ_DEVICE_DECIDE, sql, tenant_id, user_code, now, &st);
    if (r < 0)
        return r;
    sqlite3_bind_int(st, 4, approve ? ATRIUM_DEVICE_APPROVED : ATRIUM_DEVICE_DENIED);
    atrium_sqlite_bind_text(st, 5, approve ? user_id : "");
    sqlite3_bind_int64(st, 6, approve ? auth_time : 0);
    /* unknown, expired, or already decided */
    return atrium_sqlite_step_changed(s, st);
}

/*
 * One UPDATE records the poll and redeems an approved code; prev_poll and
 * prev_status carry what it replaced back through RETURNING. An approved
 * code is redeemed even when it has expired meanwhile, so APPROVED comes
 * back exactly once either way: the caller checks ret->expires against now.
 */
int atrium_sqlite_device_poll(struct atrium_store *base, const char *tenant_id,
                              const char *device_code_hash, int64_t now,
                              struct atrium_device_code *ret)
{
    static const char sql[] = "UPDATE device_codes SET prev_poll = last_poll, last_poll = ?3,"
                              " prev_status = status,"
                              " status = CASE WHEN status = 1 THEN 3 ELSE status END"
                              " WHERE tenant_id = ?1 AND device_code_hash = ?2"
                              " RETURNING " DEVICE_COLUMNS ", prev_poll, prev_status";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    bool found = false;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(device_code_hash) < 0)
        return ATRIUM_ENOTFOUND;
    int r = prepare3(s, ATRIUM_SQ_DEVICE_POLL, sql, tenant_id, device_code_hash, now, &st);
    if (r == 0)
        r = atrium_sqlite_returning_row(st, read_device_poll, ret, &found);
    if (r < 0 && found)
        atrium_device_code_release(ret);
    if (r < 0)
        return r;
    return found ? 0 : ATRIUM_ENOTFOUND;
}
