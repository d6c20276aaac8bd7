/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: directory role assignments and activated directory roles.
 * A principal is a user or a group of the *same* tenant, checked in the
 * INSERT itself, so an id of another tenant reads exactly like a missing one.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define ROLE_COLUMNS "tenant_id, id, role_template_id, principal_id, created"

static void read_role(sqlite3_stmt *st, void *ret)
{
    struct atrium_role_assignment *a = ret;
    memset(a, 0, sizeof(*a));
    atrium_sqlite_col_copy(st, 0, a->tenant_id, sizeof(a->tenant_id));
    atrium_sqlite_col_copy(st, 1, a->id, sizeof(a->id));
    atrium_sqlite_col_copy(st, 2, a->role_template_id, sizeof(a->role_template_id));
    atrium_sqlite_col_copy(st, 3, a->principal_id, sizeof(a->principal_id));
    a->created = sqlite3_column_int64(st, 4);
}

int atrium_sqlite_role_assign(struct atrium_store *base, const char *tenant_id,
                              const struct atrium_role_assignment *a)
{
    static const char sql[] = "INSERT INTO role_assignments (" ROLE_COLUMNS ")"
                              " SELECT ?1, ?2, ?3, ?4, ?5"
                              " WHERE " ATRIUM_SQLITE_PRINCIPAL_IN_TENANT("?4");
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(a->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(a->id) < 0 || atrium_sqlite_check_id(a->role_template_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(a->principal_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_ROLE_ASSIGN, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, a->id);
    b |= atrium_sqlite_bind_text(st, 3, a->role_template_id);
    b |= atrium_sqlite_bind_text(st, 4, a->principal_id);
    b |= sqlite3_bind_int64(st, 5, a->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    /* ENOTFOUND: the principal is not in this tenant */
    return atrium_sqlite_step_changed(s, st);
}

/* Step a bound assignment query into a fresh list. */
static int role_rows(sqlite3_stmt *st, struct atrium_role_assignment_list *ret)
{
    struct atrium_role_assignment_list l = {0};
    int r = atrium_sqlite_get_rows(st, read_role, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_role_assignment_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_role_assignments_for(struct atrium_store *base, const char *tenant_id,
                                       const char *principal_id,
                                       struct atrium_role_assignment_list *ret)
{
    static const char sql[] = "SELECT " ROLE_COLUMNS " FROM role_assignments"
                              " WHERE tenant_id = ?1 AND principal_id = ?2"
                              " ORDER BY role_template_id";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_ROLE_ASSIGNMENTS_FOR, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, principal_id);
    return role_rows(st, ret);
}

int atrium_sqlite_role_assignment_get(struct atrium_store *base, const char *tenant_id,
                                      const char *id, struct atrium_role_assignment *ret)
{
    static const char sql[] = "SELECT " ROLE_COLUMNS " FROM role_assignments"
                              " WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_ROLE_ASSIGNMENT_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, id);
    return atrium_sqlite_get_row(st, read_role, ret);
}

int atrium_sqlite_role_assignment_delete(struct atrium_store *base, const char *tenant_id,
                                         const char *id)
{
    static const char sql[] = "DELETE FROM role_assignments WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_ROLE_ASSIGNMENT_DELETE, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, id);
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_role_assignment_list(struct atrium_store *base, const char *tenant_id,
                                       const char *role_template_id, const char *principal_id,
                                       const char *after_id, size_t limit,
                                       struct atrium_role_assignment_list *ret)
{
    static const char sql[] = "SELECT " ROLE_COLUMNS " FROM role_assignments"
                              " WHERE tenant_id = ?1 AND (?2 IS NULL OR role_template_id = ?2)"
                              " AND (?3 IS NULL OR principal_id = ?3) AND id > ?4"
                              " ORDER BY id LIMIT ?5";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_ROLE_ASSIGNMENT_LIST, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, role_template_id);
    atrium_sqlite_bind_text(st, 3, principal_id);
    atrium_sqlite_bind_text(st, 4, after_id ? after_id : "");
    atrium_sqlite_bind_limit(st, 5, limit);
    return role_rows(st, ret);
}

int atrium_sqlite_directory_role_activate(struct atrium_store *base, const char *tenant_id,
                                          const char *role_template_id, int64_t created)
{
    static const char sql[] = "INSERT INTO directory_roles (tenant_id, role_template_id, created)"
                              " VALUES (?1, ?2, ?3)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0 || atrium_sqlite_check_id(role_template_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DIRECTORY_ROLE_ACTIVATE, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, role_template_id);
    sqlite3_bind_int64(st, 3, created);
    return atrium_sqlite_step_done(st); /* ECONFLICT on the primary key; ENOTFOUND: no tenant */
}

int atrium_sqlite_directory_role_active(struct atrium_store *base, const char *tenant_id,
                                        char ***ret_ids, size_t *ret_count)
{
    static const char sql[] =
        "SELECT role_template_id FROM directory_roles WHERE tenant_id = ?1"
        " UNION SELECT role_template_id FROM role_assignments WHERE tenant_id = ?1"
        " ORDER BY 1";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    char **ids = NULL;
    size_t count = 0, cap = 0;
    sqlite3_stmt *st;
    int rc;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DIRECTORY_ROLE_ACTIVE, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&ids, &cap, count, sizeof(*ids));
        ids[count++] = atrium_sqlite_col_dup(st, 0);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < count; i++)
            xfree(ids[i]);
        xfree(ids);
        return atrium_sqlite_error(rc);
    }
    *ret_ids = ids;
    *ret_count = count;
    return 0;
}
