/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: users. The UPN is kept as entered and matched through the
 * upn_lower column (ASCII-folded), which carries the per-tenant uniqueness.
 * Every statement filters by tenant_id; the look-ups here see active users
 * only (deleted = 0). Listing with filters is store_sqlite_user_query.c,
 * soft delete and purge store_sqlite_user_life.c.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "store/store_sqlite_user.h"

#define ATTR_COL0 13 /* first attribute column of ATRIUM_SQLITE_USER_COLUMNS */

const char *const atrium_sqlite_user_attr_columns[ATRIUM_USER_ATTR__MAX] = {
    "mail_nickname", "mobile_phone",   "office_location", "preferred_language",
    "department",    "usage_location", "company_name",    "employee_id",
    "city",          "country",        "state",           "street_address",
    "postal_code",   "user_type",
};

char *atrium_sqlite_strv_encode(const struct atrium_strv *v)
{
    if (!v || v->count == 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < v->count; i++)
        json_array_append_new(arr, json_string(v->items[i]));
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    char *out = xstrdup(text);
    free(text);
    return out;
}

void atrium_sqlite_strv_decode(const char *text, struct atrium_strv *ret)
{
    json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        if (json_is_string(item))
            atrium_strv_push(ret, json_string_value(item));
    }
    json_decref(arr);
}

void atrium_sqlite_user_read(sqlite3_stmt *st, struct atrium_user *u)
{
    memset(u, 0, sizeof(*u));
    atrium_sqlite_col_copy(st, 0, u->tenant_id, sizeof(u->tenant_id));
    atrium_sqlite_col_copy(st, 1, u->id, sizeof(u->id));
    u->upn = atrium_sqlite_col_dup(st, 2);
    u->display_name = atrium_sqlite_col_dup(st, 3);
    u->given_name = atrium_sqlite_col_dup(st, 4);
    u->surname = atrium_sqlite_col_dup(st, 5);
    u->mail = atrium_sqlite_col_dup(st, 6);
    u->job_title = atrium_sqlite_col_dup(st, 7);
    u->account_enabled = atrium_sqlite_col_bool(st, 8);
    u->force_change_password = atrium_sqlite_col_bool(st, 9);
    u->password_hash = atrium_sqlite_col_dup(st, 10);
    u->created = sqlite3_column_int64(st, 11);
    u->password_changed = sqlite3_column_int64(st, 12);
    for (int i = 0; i < ATRIUM_USER_ATTR__MAX; i++)
        u->attrs[i] = atrium_sqlite_col_dup(st, ATTR_COL0 + i);
    const int next = ATTR_COL0 + ATRIUM_USER_ATTR__MAX;
    atrium_sqlite_strv_decode((const char *)sqlite3_column_text(st, next), &u->business_phones);
    atrium_sqlite_strv_decode((const char *)sqlite3_column_text(st, next + 1), &u->other_mails);
    u->deleted = sqlite3_column_int64(st, next + 2);
}

static void read_user(sqlite3_stmt *st, void *ret)
{
    atrium_sqlite_user_read(st, ret);
}

/* Step a bound single-row query into *ret; ENOTFOUND when there is no row. */
static int get_one(sqlite3_stmt *st, struct atrium_user *ret)
{
    return atrium_sqlite_get_row(st, read_user, ret);
}

/*
 * Bind the profile of u from parameter first on: upn, upn_lower,
 * display_name, given_name, surname, mail, job_title, account_enabled, the
 * attributes, business_phones, other_mails. The strings bound from heap
 * copies are handed to SQLite (SQLITE_TRANSIENT).
 */
static int bind_profile(sqlite3_stmt *st, int first, const struct atrium_user *u)
{
    AUTO_FREE char *upn_lower = atrium_str_lower(xstrdup(u->upn));
    AUTO_FREE char *phones = atrium_sqlite_strv_encode(&u->business_phones);
    AUTO_FREE char *mails = atrium_sqlite_strv_encode(&u->other_mails);
    int i = first;
    int b = atrium_sqlite_bind_text(st, i++, u->upn);
    b |= sqlite3_bind_text(st, i++, upn_lower, -1, SQLITE_TRANSIENT);
    b |= atrium_sqlite_bind_text(st, i++, u->display_name);
    b |= atrium_sqlite_bind_text(st, i++, u->given_name);
    b |= atrium_sqlite_bind_text(st, i++, u->surname);
    b |= atrium_sqlite_bind_text(st, i++, u->mail);
    b |= atrium_sqlite_bind_text(st, i++, u->job_title);
    b |= sqlite3_bind_int(st, i++, u->account_enabled);
    for (int a = 0; a < ATRIUM_USER_ATTR__MAX; a++)
        b |= atrium_sqlite_bind_text(st, i++, u->attrs[a]);
    b |= sqlite3_bind_text(st, i++, phones, -1, SQLITE_TRANSIENT);
    b |= sqlite3_bind_text(st, i++, mails, -1, SQLITE_TRANSIENT);
    return b == SQLITE_OK ? 0 : ATRIUM_ESTORE;
}

int atrium_sqlite_user_insert(struct atrium_store *base, const char *tenant_id,
                              const struct atrium_user *u)
{
    static const char sql[] =
        "INSERT INTO users (tenant_id, id, force_change_password, password_hash, created,"
        " password_changed, upn, upn_lower, display_name, given_name, surname, mail, job_title,"
        " account_enabled, " ATRIUM_SQLITE_USER_ATTR_COLUMNS ", business_phones, other_mails)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(u->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(u->id) < 0 || !u->upn)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, u->id);
    b |= sqlite3_bind_int(st, 3, u->force_change_password);
    b |= atrium_sqlite_bind_text(st, 4, u->password_hash);
    b |= sqlite3_bind_int64(st, 5, u->created);
    b |= sqlite3_bind_int64(st, 6, u->password_changed);
    if (b != SQLITE_OK || bind_profile(st, 7, u) < 0) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_user_update(struct atrium_store *base, const char *tenant_id,
                              const struct atrium_user *u)
{
    static const char sql[] =
        "UPDATE users SET upn = ?3, upn_lower = ?4, display_name = ?5, given_name = ?6,"
        " surname = ?7, mail = ?8, job_title = ?9, account_enabled = ?10, mail_nickname = ?11,"
        " mobile_phone = ?12, office_location = ?13, preferred_language = ?14,"
        " department = ?15, usage_location = ?16, company_name = ?17, employee_id = ?18,"
        " city = ?19, country = ?20, state = ?21, street_address = ?22, postal_code = ?23,"
        " user_type = ?24, business_phones = ?25, other_mails = ?26"
        " WHERE tenant_id = ?1 AND id = ?2 AND deleted = 0";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(u->tenant_id, tenant_id) < 0 || !u->upn)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(u->id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_UPDATE, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, u->id);
    if (b != SQLITE_OK || bind_profile(st, 3, u) < 0) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_user_get(struct atrium_store *base, const char *tenant_id, const char *user_id,
                           struct atrium_user *ret)
{
    static const char sql[] = "SELECT " ATRIUM_SQLITE_USER_COLUMNS " FROM users"
                              " WHERE tenant_id = ?1 AND id = ?2 AND deleted = 0";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(user_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, user_id);
    return get_one(st, ret);
}

int atrium_sqlite_user_get_deleted(struct atrium_store *base, const char *tenant_id,
                                   const char *user_id, struct atrium_user *ret)
{
    static const char sql[] = "SELECT " ATRIUM_SQLITE_USER_COLUMNS " FROM users"
                              " WHERE tenant_id = ?1 AND id = ?2 AND deleted <> 0";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(user_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_GET_DELETED, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, user_id);
    return get_one(st, ret);
}

int atrium_sqlite_user_get_by_upn(struct atrium_store *base, const char *tenant_id, const char *upn,
                                  struct atrium_user *ret)
{
    static const char sql[] = "SELECT " ATRIUM_SQLITE_USER_COLUMNS " FROM users"
                              " WHERE tenant_id = ?1 AND upn_lower = ?2 AND deleted = 0";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *lower = NULL;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (!upn || !*upn)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_GET_BY_UPN, sql, &st);
    if (r < 0)
        return r;
    lower = atrium_str_lower(xstrdup(upn));
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, lower);
    return get_one(st, ret);
}

int atrium_sqlite_user_list(struct atrium_store *base, const char *tenant_id, const char *after_id,
                            size_t limit, struct atrium_user_list *ret)
{
    /* Keyset paging on the primary key; after_id "" sorts before every id. */
    static const char sql[] = "SELECT " ATRIUM_SQLITE_USER_COLUMNS " FROM users"
                              " WHERE tenant_id = ?1 AND id > ?2 AND deleted = 0"
                              " ORDER BY id LIMIT ?3";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_user_list l = {0};
    size_t cap = 0;
    sqlite3_stmt *st;
    int rc;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_LIST, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, after_id ? after_id : "");
    atrium_sqlite_bind_limit(st, 3, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&l.items, &cap, l.count, sizeof(*l.items));
        atrium_sqlite_user_read(st, &l.items[l.count++]);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        atrium_user_list_release(&l);
        return atrium_sqlite_error(rc);
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_user_set_password(struct atrium_store *base, const char *tenant_id,
                                    const char *user_id, const char *password_hash,
                                    bool force_change, int64_t changed)
{
    static const char sql[] = "UPDATE users SET password_hash = ?3, force_change_password = ?4,"
                              " password_changed = ?5"
                              " WHERE tenant_id = ?1 AND id = ?2 AND deleted = 0";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(user_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_USER_SET_PASSWORD, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, user_id);
    b |= atrium_sqlite_bind_text(st, 3, password_hash);
    b |= sqlite3_bind_int(st, 4, force_change);
    b |= sqlite3_bind_int64(st, 5, changed);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_changed(s, st);
}
