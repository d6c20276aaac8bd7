/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: service principals and the two kinds of permission grant
 * that name them, app role assignments and delegated oauth2 grants. Every
 * id a grant names must be an object of the same tenant: the inserts check
 * that in the statement (INSERT ... SELECT ... WHERE EXISTS) or through the
 * foreign keys, so another tenant's id reads exactly like a missing one.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define SP_COLUMNS                                                                                 \
    "tenant_id, id, app_id, app_owner_tenant_id, display_name, definition, account_enabled,"       \
    " created"
/* SP_COLUMNS without the heap members (sp_brief_by_app_id). */
#define SP_BRIEF_COLUMNS "tenant_id, id, app_id, app_owner_tenant_id, account_enabled, created"
#define ARA_COLUMNS "tenant_id, id, principal_id, resource_id, app_role_id, created"
#define GRANT_COLUMNS                                                                              \
    "tenant_id, id, client_id, resource_id, principal_id, consent_type, scope, created"

/* The four identifying columns both column lists start with. */
static void read_sp_keys(sqlite3_stmt *st, struct atrium_service_principal *sp)
{
    memset(sp, 0, sizeof(*sp));
    atrium_sqlite_col_copy(st, 0, sp->tenant_id, sizeof(sp->tenant_id));
    atrium_sqlite_col_copy(st, 1, sp->id, sizeof(sp->id));
    atrium_sqlite_col_copy(st, 2, sp->app_id, sizeof(sp->app_id));
    atrium_sqlite_col_copy(st, 3, sp->app_owner_tenant_id, sizeof(sp->app_owner_tenant_id));
}

static void read_sp(sqlite3_stmt *st, void *ret)
{
    struct atrium_service_principal *sp = ret;
    read_sp_keys(st, sp);
    sp->display_name = atrium_sqlite_col_dup(st, 4);
    sp->definition = atrium_sqlite_col_dup(st, 5);
    sp->account_enabled = atrium_sqlite_col_bool(st, 6);
    sp->created = sqlite3_column_int64(st, 7);
}

static void read_sp_brief(sqlite3_stmt *st, void *ret)
{
    struct atrium_service_principal *sp = ret;
    read_sp_keys(st, sp);
    sp->account_enabled = atrium_sqlite_col_bool(st, 4);
    sp->created = sqlite3_column_int64(st, 5);
}

static void read_ara(sqlite3_stmt *st, void *ret)
{
    struct atrium_app_role_assignment *a = ret;
    memset(a, 0, sizeof(*a));
    atrium_sqlite_col_copy(st, 0, a->tenant_id, sizeof(a->tenant_id));
    atrium_sqlite_col_copy(st, 1, a->id, sizeof(a->id));
    atrium_sqlite_col_copy(st, 2, a->principal_id, sizeof(a->principal_id));
    atrium_sqlite_col_copy(st, 3, a->resource_id, sizeof(a->resource_id));
    atrium_sqlite_col_copy(st, 4, a->app_role_id, sizeof(a->app_role_id));
    a->created = sqlite3_column_int64(st, 5);
}

static void read_grant(sqlite3_stmt *st, void *ret)
{
    struct atrium_oauth2_grant *g = ret;
    memset(g, 0, sizeof(*g));
    atrium_sqlite_col_copy(st, 0, g->tenant_id, sizeof(g->tenant_id));
    atrium_sqlite_col_copy(st, 1, g->id, sizeof(g->id));
    atrium_sqlite_col_copy(st, 2, g->client_id, sizeof(g->client_id));
    atrium_sqlite_col_copy(st, 3, g->resource_id, sizeof(g->resource_id));
    atrium_sqlite_col_copy(st, 4, g->principal_id, sizeof(g->principal_id));
    g->consent_type = atrium_sqlite_col_dup(st, 5);
    g->scope = atrium_sqlite_col_dup(st, 6);
    g->created = sqlite3_column_int64(st, 7);
}

/* Run a cached statement binding (tenant_id, id) and check it changed a row. */
static int write_by_id(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt which,
                       const char *sql, const char *tenant_id, const char *id)
{
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, which, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, id);
    return atrium_sqlite_step_changed(s, st);
}

/* Run a cached single-row query binding (tenant_id, key) into ret. */
static int get_by(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt which, const char *sql,
                  const char *tenant_id, const char *key, atrium_sqlite_reader read, void *ret)
{
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(key) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, which, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, key);
    return atrium_sqlite_get_row(st, read, ret);
}

int atrium_sqlite_sp_insert(struct atrium_store *base, const char *tenant_id,
                            const struct atrium_service_principal *sp)
{
    static const char sql[] = "INSERT INTO service_principals (" SP_COLUMNS ")"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(sp->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(sp->id) < 0 || atrium_sqlite_check_id(sp->app_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_SP_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, sp->id);
    b |= atrium_sqlite_bind_text(st, 3, sp->app_id);
    b |= atrium_sqlite_bind_text(st, 4,
                                 sp->app_owner_tenant_id[0] ? sp->app_owner_tenant_id : tenant_id);
    b |= atrium_sqlite_bind_text(st, 5, sp->display_name);
    b |= atrium_sqlite_bind_text(st, 6, sp->definition ? sp->definition : "{}");
    b |= sqlite3_bind_int(st, 7, sp->account_enabled);
    b |= sqlite3_bind_int64(st, 8, sp->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_sp_get(struct atrium_store *base, const char *tenant_id, const char *id,
                         struct atrium_service_principal *ret)
{
    static const char sql[] = "SELECT " SP_COLUMNS " FROM service_principals"
                              " WHERE tenant_id = ?1 AND id = ?2";
    return get_by(atrium_sqlite_of(base), ATRIUM_SQ_SP_GET, sql, tenant_id, id, read_sp, ret);
}

int atrium_sqlite_sp_get_by_app_id(struct atrium_store *base, const char *tenant_id,
                                   const char *app_id, struct atrium_service_principal *ret)
{
    static const char sql[] = "SELECT " SP_COLUMNS " FROM service_principals"
                              " WHERE tenant_id = ?1 AND app_id = ?2";
    return get_by(atrium_sqlite_of(base), ATRIUM_SQ_SP_GET_BY_APP_ID, sql, tenant_id, app_id,
                  read_sp, ret);
}

int atrium_sqlite_sp_brief_by_app_id(struct atrium_store *base, const char *tenant_id,
                                     const char *app_id, struct atrium_service_principal *ret)
{
    static const char sql[] = "SELECT " SP_BRIEF_COLUMNS " FROM service_principals"
                              " WHERE tenant_id = ?1 AND app_id = ?2";
    return get_by(atrium_sqlite_of(base), ATRIUM_SQ_SP_BRIEF_BY_APP_ID, sql, tenant_id, app_id,
                  read_sp_brief, ret);
}

int atrium_sqlite_sp_list(struct atrium_store *base, const char *tenant_id, const char *after_id,
                          size_t limit, struct atrium_service_principal_list *ret)
{
    static const char sql[] = "SELECT " SP_COLUMNS " FROM service_principals"
                              " WHERE tenant_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
    struct atrium_service_principal_list l = {0};
    int r =
        atrium_sqlite_get_page(atrium_sqlite_of(base), ATRIUM_SQ_SP_LIST, sql, tenant_id, after_id,
                               limit, read_sp, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_service_principal_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_sp_update(struct atrium_store *base, const char *tenant_id,
                            const struct atrium_service_principal *sp)
{
    /* app_id and the owner tenant are fixed at creation. */
    static const char sql[] = "UPDATE service_principals SET display_name = ?3, definition = ?4,"
                              " account_enabled = ?5 WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(sp->tenant_id, tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(sp->id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_SP_UPDATE, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, sp->id);
    b |= atrium_sqlite_bind_text(st, 3, sp->display_name);
    b |= atrium_sqlite_bind_text(st, 4, sp->definition ? sp->definition : "{}");
    b |= sqlite3_bind_int(st, 5, sp->account_enabled);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_sp_delete_rows(struct atrium_store_sqlite *s, const char *tenant_id,
                                 const char *id)
{
    static const char sql_sp[] = "DELETE FROM service_principals WHERE tenant_id = ?1 AND id = ?2";
    /* The foreign keys cascade too; explicit deletes also cover principal_id. */
    static const char sql_ara[] = "DELETE FROM app_role_assignments WHERE tenant_id = ?1"
                                  " AND (principal_id = ?2 OR resource_id = ?2)";
    static const char sql_grants[] = "DELETE FROM oauth2_grants WHERE tenant_id = ?1"
                                     " AND (client_id = ?2 OR resource_id = ?2)";

    int r = write_by_id(s, ATRIUM_SQ_SP_DELETE, sql_sp, tenant_id, id);
    if (r < 0)
        return r;
    r = write_by_id(s, ATRIUM_SQ_SP_DELETE_ASSIGNMENTS, sql_ara, tenant_id, id);
    if (r < 0 && r != ATRIUM_ENOTFOUND)
        return r;
    r = write_by_id(s, ATRIUM_SQ_SP_DELETE_GRANTS, sql_grants, tenant_id, id);
    return r == ATRIUM_ENOTFOUND ? 0 : r;
}

int atrium_sqlite_sp_delete(struct atrium_store *base, const char *tenant_id, const char *id)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    bool nested;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_atomic_begin(s, &nested);
    if (r < 0)
        return r;
    return atrium_sqlite_atomic_end(s, nested, atrium_sqlite_sp_delete_rows(s, tenant_id, id));
}

int atrium_sqlite_ara_insert(struct atrium_store *base, const char *tenant_id,
                             const struct atrium_app_role_assignment *a)
{
    static const char sql[] =
        "INSERT INTO app_role_assignments (" ARA_COLUMNS ") SELECT ?1, ?2, ?3, ?4, ?5, ?6"
        " WHERE EXISTS (SELECT 1 FROM service_principals WHERE tenant_id = ?1 AND id = ?4)"
        " AND (EXISTS (SELECT 1 FROM service_principals WHERE tenant_id = ?1 AND id = ?3)"
        " OR EXISTS (SELECT 1 FROM users WHERE tenant_id = ?1 AND id = ?3)"
        " OR EXISTS (SELECT 1 FROM groups WHERE tenant_id = ?1 AND id = ?3))";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(a->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(a->id) < 0 || atrium_sqlite_check_id(a->app_role_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(a->principal_id) < 0 || atrium_sqlite_check_id(a->resource_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_ARA_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, a->id);
    b |= atrium_sqlite_bind_text(st, 3, a->principal_id);
    b |= atrium_sqlite_bind_text(st, 4, a->resource_id);
    b |= atrium_sqlite_bind_text(st, 5, a->app_role_id);
    b |= sqlite3_bind_int64(st, 6, a->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    /* ENOTFOUND: the principal or resource is not in this tenant */
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_ara_delete(struct atrium_store *base, const char *tenant_id, const char *id)
{
    static const char sql[] = "DELETE FROM app_role_assignments WHERE tenant_id = ?1 AND id = ?2";
    return write_by_id(atrium_sqlite_of(base), ATRIUM_SQ_ARA_DELETE, sql, tenant_id, id);
}

/* Every assignment whose column (bound at ?2) is key, ordered by id. */
static int ara_list(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt which, const char *sql,
                    const char *tenant_id, const char *key,
                    struct atrium_app_role_assignment_list *ret)
{
    struct atrium_app_role_assignment_list l = {0};
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, which, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, key ? key : "");
    r = atrium_sqlite_get_rows(st, read_ara, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_app_role_assignment_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_ara_of_principal(struct atrium_store *base, const char *tenant_id,
                                   const char *principal_id,
                                   struct atrium_app_role_assignment_list *ret)
{
    static const char sql[] = "SELECT " ARA_COLUMNS " FROM app_role_assignments"
                              " WHERE tenant_id = ?1 AND principal_id = ?2 ORDER BY id";
    return ara_list(atrium_sqlite_of(base), ATRIUM_SQ_ARA_OF_PRINCIPAL, sql, tenant_id,
                    principal_id, ret);
}

int atrium_sqlite_ara_of_resource(struct atrium_store *base, const char *tenant_id,
                                  const char *resource_id,
                                  struct atrium_app_role_assignment_list *ret)
{
    static const char sql[] = "SELECT " ARA_COLUMNS " FROM app_role_assignments"
                              " WHERE tenant_id = ?1 AND resource_id = ?2 ORDER BY id";
    return ara_list(atrium_sqlite_of(base), ATRIUM_SQ_ARA_OF_RESOURCE, sql, tenant_id, resource_id,
                    ret);
}

int atrium_sqlite_grant_insert(struct atrium_store *base, const char *tenant_id,
                               const struct atrium_oauth2_grant *g)
{
    /* client and resource: foreign keys; a named principal: a user of the tenant. */
    static const char sql[] =
        "INSERT INTO oauth2_grants (" GRANT_COLUMNS ") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8"
        " WHERE ?5 = '' OR EXISTS (SELECT 1 FROM users WHERE tenant_id = ?1 AND id = ?5)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(g->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(g->id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(g->client_id) < 0 || atrium_sqlite_check_id(g->resource_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GRANT_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, g->id);
    b |= atrium_sqlite_bind_text(st, 3, g->client_id);
    b |= atrium_sqlite_bind_text(st, 4, g->resource_id);
    b |= atrium_sqlite_bind_text(st, 5, g->principal_id);
    b |= atrium_sqlite_bind_text(st, 6, g->consent_type);
    b |= atrium_sqlite_bind_text(st, 7, g->scope ? g->scope : "");
    b |= sqlite3_bind_int64(st, 8, g->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    /* the user is not in this tenant */
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_grant_update_scope(struct atrium_store *base, const char *tenant_id,
                                     const char *id, const char *scope)
{
    static const char sql[] =
        "UPDATE oauth2_grants SET scope = ?3 WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GRANT_UPDATE_SCOPE, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, id);
    atrium_sqlite_bind_text(st, 3, scope ? scope : "");
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_grant_delete(struct atrium_store *base, const char *tenant_id, const char *id)
{
    static const char sql[] = "DELETE FROM oauth2_grants WHERE tenant_id = ?1 AND id = ?2";
    return write_by_id(atrium_sqlite_of(base), ATRIUM_SQ_GRANT_DELETE, sql, tenant_id, id);
}

int atrium_sqlite_grant_get(struct atrium_store *base, const char *tenant_id, const char *id,
                            struct atrium_oauth2_grant *ret)
{
    static const char sql[] = "SELECT " GRANT_COLUMNS " FROM oauth2_grants"
                              " WHERE tenant_id = ?1 AND id = ?2";
    return get_by(atrium_sqlite_of(base), ATRIUM_SQ_GRANT_GET, sql, tenant_id, id, read_grant, ret);
}

int atrium_sqlite_grant_list(struct atrium_store *base, const char *tenant_id,
                             const char *client_id, struct atrium_oauth2_grant_list *ret)
{
    static const char sql_all[] = "SELECT " GRANT_COLUMNS " FROM oauth2_grants"
                                  " WHERE tenant_id = ?1 ORDER BY id";
    static const char sql_client[] = "SELECT " GRANT_COLUMNS " FROM oauth2_grants"
                                     " WHERE tenant_id = ?1 AND client_id = ?2 ORDER BY id";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_oauth2_grant_list l = {0};
    sqlite3_stmt *st;
    int r;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (client_id)
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_GRANT_LIST_CLIENT, sql_client, &st);
    else
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_GRANT_LIST_ALL, sql_all, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    if (client_id)
        atrium_sqlite_bind_text(st, 2, client_id);
    r = atrium_sqlite_get_rows(st, read_grant, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_oauth2_grant_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}
