/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: applications and their client secrets. app_id is unique
 * across all tenants; every other statement filters by tenant_id.
 * app_delete removes the application, its passwords (foreign key cascade)
 * and its home-tenant service principal with that principal's grants and
 * assignments, as one atomic unit.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define APP_COLUMNS "tenant_id, id, app_id, display_name, sign_in_audience, definition, created"
#define PASSWORD_COLUMNS                                                                           \
    "key_id, app_object_id, display_name, hint, secret_hash, start_time, end_time"

static void read_app(sqlite3_stmt *st, void *ret)
{
    struct atrium_application *a = ret;
    memset(a, 0, sizeof(*a));
    atrium_sqlite_col_copy(st, 0, a->tenant_id, sizeof(a->tenant_id));
    atrium_sqlite_col_copy(st, 1, a->id, sizeof(a->id));
    atrium_sqlite_col_copy(st, 2, a->app_id, sizeof(a->app_id));
    a->display_name = atrium_sqlite_col_dup(st, 3);
    a->sign_in_audience = atrium_sqlite_col_dup(st, 4);
    a->definition = atrium_sqlite_col_dup(st, 5);
    a->created = sqlite3_column_int64(st, 6);
}

static void read_password(sqlite3_stmt *st, void *ret)
{
    struct atrium_app_password *p = ret;
    memset(p, 0, sizeof(*p));
    atrium_sqlite_col_copy(st, 0, p->key_id, sizeof(p->key_id));
    atrium_sqlite_col_copy(st, 1, p->app_object_id, sizeof(p->app_object_id));
    p->display_name = atrium_sqlite_col_dup(st, 2);
    p->hint = atrium_sqlite_col_dup(st, 3);
    p->secret_hash = atrium_sqlite_col_dup(st, 4);
    p->start = sqlite3_column_int64(st, 5);
    p->end = sqlite3_column_int64(st, 6);
}

int atrium_sqlite_app_insert(struct atrium_store *base, const char *tenant_id,
                             const struct atrium_application *a)
{
    static const char sql[] = "INSERT INTO applications (" APP_COLUMNS ")"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(a->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(a->id) < 0 || atrium_sqlite_check_id(a->app_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_APP_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, a->id);
    b |= atrium_sqlite_bind_text(st, 3, a->app_id);
    b |= atrium_sqlite_bind_text(st, 4, a->display_name);
    b |= atrium_sqlite_bind_text(st, 5, a->sign_in_audience);
    b |= atrium_sqlite_bind_text(st, 6, a->definition ? a->definition : "{}");
    b |= sqlite3_bind_int64(st, 7, a->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

/* Run a cached "SELECT app ... WHERE <two ids>" statement. */
static int app_get_by(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt id, const char *sql,
                      const char *p1, const char *p2, struct atrium_application *ret)
{
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, id, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, p1);
    if (p2)
        atrium_sqlite_bind_text(st, 2, p2);
    return atrium_sqlite_get_row(st, read_app, ret);
}

int atrium_sqlite_app_get(struct atrium_store *base, const char *tenant_id, const char *object_id,
                          struct atrium_application *ret)
{
    static const char sql[] = "SELECT " APP_COLUMNS " FROM applications"
                              " WHERE tenant_id = ?1 AND id = ?2";
    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(object_id) < 0)
        return ATRIUM_ENOTFOUND;
    return app_get_by(atrium_sqlite_of(base), ATRIUM_SQ_APP_GET, sql, tenant_id, object_id, ret);
}

int atrium_sqlite_app_get_by_app_id(struct atrium_store *base, const char *tenant_id,
                                    const char *app_id, struct atrium_application *ret)
{
    static const char sql[] = "SELECT " APP_COLUMNS " FROM applications"
                              " WHERE tenant_id = ?1 AND app_id = ?2";
    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(app_id) < 0)
        return ATRIUM_ENOTFOUND;
    return app_get_by(atrium_sqlite_of(base), ATRIUM_SQ_APP_GET_BY_APP_ID, sql, tenant_id, app_id,
                      ret);
}

int atrium_sqlite_app_find_global(struct atrium_store *base, const char *app_id,
                                  struct atrium_application *ret)
{
    static const char sql[] = "SELECT " APP_COLUMNS " FROM applications WHERE app_id = ?1";
    if (atrium_sqlite_check_id(app_id) < 0)
        return ATRIUM_ENOTFOUND;
    return app_get_by(atrium_sqlite_of(base), ATRIUM_SQ_APP_FIND_GLOBAL, sql, app_id, NULL, ret);
}

int atrium_sqlite_app_list(struct atrium_store *base, const char *tenant_id, const char *after_id,
                           size_t limit, struct atrium_application_list *ret)
{
    /* Keyset paging on the primary key; after_id "" sorts before every id. */
    static const char sql[] = "SELECT " APP_COLUMNS " FROM applications"
                              " WHERE tenant_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
    struct atrium_application_list l = {0};
    int r =
        atrium_sqlite_get_page(atrium_sqlite_of(base), ATRIUM_SQ_APP_LIST, sql, tenant_id, after_id,
                               limit, read_app, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_application_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_app_update(struct atrium_store *base, const char *tenant_id,
                             const struct atrium_application *a)
{
    static const char sql[] = "UPDATE applications SET display_name = ?3, sign_in_audience = ?4,"
                              " definition = ?5 WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(a->tenant_id, tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(a->id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_APP_UPDATE, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, a->id);
    b |= atrium_sqlite_bind_text(st, 3, a->display_name);
    b |= atrium_sqlite_bind_text(st, 4, a->sign_in_audience);
    b |= atrium_sqlite_bind_text(st, 5, a->definition ? a->definition : "{}");
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_changed(s, st);
}

static void read_app_id(sqlite3_stmt *st, void *ret)
{
    atrium_sqlite_col_copy(st, 0, ret, ATRIUM_UUID_LEN + 1);
}

/* The appId of application object_id of the tenant; ENOTFOUND when there is none. */
static int app_app_id(struct atrium_store_sqlite *s, const char *tenant_id, const char *object_id,
                      char app_id[ATRIUM_UUID_LEN + 1])
{
    static const char sql[] = "SELECT app_id FROM applications WHERE tenant_id = ?1 AND id = ?2";
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_APP_APP_ID, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, object_id);
    return atrium_sqlite_get_row(st, read_app_id, app_id);
}

/* The statements of app_delete, inside its atomic unit. */
static int app_delete_rows(struct atrium_store_sqlite *s, const char *tenant_id,
                           const char *object_id)
{
    static const char sql[] = "DELETE FROM applications WHERE tenant_id = ?1 AND id = ?2";
    char app_id[ATRIUM_UUID_LEN + 1];
    struct atrium_service_principal sp = {0};
    sqlite3_stmt *st;

    int r = app_app_id(s, tenant_id, object_id, app_id);
    if (r < 0)
        return r;
    r = atrium_sqlite_sp_get_by_app_id(&s->base, tenant_id, app_id, &sp);
    if (r == 0)
        r = atrium_sqlite_sp_delete_rows(s, tenant_id, sp.id);
    atrium_service_principal_release(&sp);
    if (r < 0 && r != ATRIUM_ENOTFOUND)
        return r;
    r = atrium_sqlite_stmt(s, ATRIUM_SQ_APP_DELETE, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, object_id);
    /* The passwords go by foreign key cascade. */
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_app_delete(struct atrium_store *base, const char *tenant_id,
                             const char *object_id)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    bool nested;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(object_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_atomic_begin(s, &nested);
    if (r < 0)
        return r;
    return atrium_sqlite_atomic_end(s, nested, app_delete_rows(s, tenant_id, object_id));
}

int atrium_sqlite_app_password_insert(struct atrium_store *base, const char *tenant_id,
                                      const struct atrium_app_password *p)
{
    /* The foreign key to (tenant_id, app_object_id) makes another tenant's app "not found". */
    static const char sql[] = "INSERT INTO app_passwords (tenant_id, " PASSWORD_COLUMNS ")"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0 || atrium_sqlite_check_id(p->key_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(p->app_object_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_APP_PASSWORD_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, p->key_id);
    b |= atrium_sqlite_bind_text(st, 3, p->app_object_id);
    b |= atrium_sqlite_bind_text(st, 4, p->display_name);
    b |= atrium_sqlite_bind_text(st, 5, p->hint);
    b |= atrium_sqlite_bind_text(st, 6, p->secret_hash);
    b |= sqlite3_bind_int64(st, 7, p->start);
    b |= sqlite3_bind_int64(st, 8, p->end);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_app_password_delete(struct atrium_store *base, const char *tenant_id,
                                      const char *app_object_id, const char *key_id)
{
    static const char sql[] = "DELETE FROM app_passwords"
                              " WHERE tenant_id = ?1 AND app_object_id = ?2 AND key_id = ?3";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(app_object_id) < 0 || atrium_sqlite_check_id(key_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_APP_PASSWORD_DELETE, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, app_object_id);
    atrium_sqlite_bind_text(st, 3, key_id);
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_app_password_list(struct atrium_store *base, const char *tenant_id,
                                    const char *app_object_id, struct atrium_app_password_list *ret)
{
    static const char sql[] = "SELECT " PASSWORD_COLUMNS " FROM app_passwords"
                              " WHERE tenant_id = ?1 AND app_object_id = ?2 ORDER BY key_id";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_app_password_list l = {0};
    char app_id[ATRIUM_UUID_LEN + 1];
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(app_object_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_APP_PASSWORD_LIST, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, app_object_id);
    r = atrium_sqlite_get_rows(st, read_password, sizeof(*l.items), (void **)&l.items, &l.count);
    /* No rows: an application without secrets, or none at all (ENOTFOUND). */
    if (r == 0 && l.count == 0)
        r = app_app_id(s, tenant_id, app_object_id, app_id);
    if (r < 0) {
        atrium_app_password_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}
