/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: groups, direct membership and directory role assignments.
 * A member or principal is a user or a group of the *same* tenant; the
 * inserts check that in the statement itself (INSERT ... SELECT ... WHERE
 * EXISTS), so an id of another tenant reads exactly like a missing one.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define GROUP_COLUMNS                                                                              \
    "tenant_id, id, display_name, description, mail_nickname, security_enabled, created"
#define ROLE_COLUMNS "tenant_id, id, role_template_id, principal_id, created"

/* SQL condition: the id bound at param is a user or a group of tenant ?1. */
#define PRINCIPAL_IN_TENANT(param)                                                                 \
    "(EXISTS (SELECT 1 FROM users WHERE tenant_id = ?1 AND id = " param ")"                        \
    " OR EXISTS (SELECT 1 FROM groups WHERE tenant_id = ?1 AND id = " param "))"

static void read_group(sqlite3_stmt *st, struct atrium_group *g)
{
    memset(g, 0, sizeof(*g));
    atrium_sqlite_col_copy(st, 0, g->tenant_id, sizeof(g->tenant_id));
    atrium_sqlite_col_copy(st, 1, g->id, sizeof(g->id));
    g->display_name = atrium_sqlite_col_dup(st, 2);
    g->description = atrium_sqlite_col_dup(st, 3);
    g->mail_nickname = atrium_sqlite_col_dup(st, 4);
    g->security_enabled = atrium_sqlite_col_bool(st, 5);
    g->created = sqlite3_column_int64(st, 6);
}

static void read_role(sqlite3_stmt *st, struct atrium_role_assignment *a)
{
    memset(a, 0, sizeof(*a));
    atrium_sqlite_col_copy(st, 0, a->tenant_id, sizeof(a->tenant_id));
    atrium_sqlite_col_copy(st, 1, a->id, sizeof(a->id));
    atrium_sqlite_col_copy(st, 2, a->role_template_id, sizeof(a->role_template_id));
    atrium_sqlite_col_copy(st, 3, a->principal_id, sizeof(a->principal_id));
    a->created = sqlite3_column_int64(st, 4);
}

int atrium_sqlite_group_insert(struct atrium_store *base, const char *tenant_id,
                               const struct atrium_group *g)
{
    static const char sql[] = "INSERT INTO groups (" GROUP_COLUMNS ")"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(g->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(g->id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GROUP_INSERT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, g->id);
    b |= atrium_sqlite_bind_text(st, 3, g->display_name);
    b |= atrium_sqlite_bind_text(st, 4, g->description);
    b |= atrium_sqlite_bind_text(st, 5, g->mail_nickname);
    b |= sqlite3_bind_int(st, 6, g->security_enabled);
    b |= sqlite3_bind_int64(st, 7, g->created);
    if (b != SQLITE_OK) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_group_get(struct atrium_store *base, const char *tenant_id, const char *group_id,
                            struct atrium_group *ret)
{
    static const char sql[] = "SELECT " GROUP_COLUMNS " FROM groups"
                              " WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GROUP_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, group_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_group(st, ret);
    atrium_sqlite_reset(st);
    if (rc == SQLITE_DONE)
        return ATRIUM_ENOTFOUND;
    return rc == SQLITE_ROW ? 0 : atrium_sqlite_error(rc);
}

int atrium_sqlite_group_member_add(struct atrium_store *base, const char *tenant_id,
                                   const char *group_id, const char *member_id)
{
    static const char sql[] =
        "INSERT INTO group_members (tenant_id, group_id, member_id) SELECT ?1, ?2, ?3"
        " WHERE EXISTS (SELECT 1 FROM groups WHERE tenant_id = ?1 AND id = ?2)"
        " AND " PRINCIPAL_IN_TENANT("?3");
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0 || atrium_sqlite_check_id(member_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GROUP_MEMBER_ADD, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, group_id);
    b |= atrium_sqlite_bind_text(st, 3, member_id);
    if (b != SQLITE_OK) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    r = atrium_sqlite_step_done(st);
    if (r == 0 && sqlite3_changes(s->db) == 0)
        return ATRIUM_ENOTFOUND; /* group or member not in this tenant */
    return r;
}

/* 0 when group_id is a group of tenant_id, ENOTFOUND when not. */
static int group_exists(struct atrium_store_sqlite *s, const char *tenant_id, const char *group_id)
{
    static const char sql[] = "SELECT 1 FROM groups WHERE tenant_id = ?1 AND id = ?2";
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GROUP_EXISTS, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, group_id);
    int rc = sqlite3_step(st);
    atrium_sqlite_reset(st);
    if (rc == SQLITE_DONE)
        return ATRIUM_ENOTFOUND;
    return rc == SQLITE_ROW ? 0 : atrium_sqlite_error(rc);
}

static void free_ids(char **ids, size_t count)
{
    for (size_t i = 0; i < count; i++)
        xfree(ids[i]);
    xfree(ids);
}

int atrium_sqlite_group_member_ids(struct atrium_store *base, const char *tenant_id,
                                   const char *group_id, char ***ret_ids, size_t *ret_count)
{
    static const char sql[] = "SELECT member_id FROM group_members"
                              " WHERE tenant_id = ?1 AND group_id = ?2 ORDER BY member_id";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    char **ids = NULL;
    size_t count = 0, cap = 0;
    sqlite3_stmt *st;
    int rc;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = group_exists(s, tenant_id, group_id);
    if (r == 0)
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_GROUP_MEMBER_IDS, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, group_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&ids, &cap, count, sizeof(*ids));
        ids[count++] = atrium_sqlite_col_dup(st, 0);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        free_ids(ids, count);
        return atrium_sqlite_error(rc);
    }
    *ret_ids = ids;
    *ret_count = count;
    return 0;
}

int atrium_sqlite_role_assign(struct atrium_store *base, const char *tenant_id,
                              const struct atrium_role_assignment *a)
{
    static const char sql[] = "INSERT INTO role_assignments (" ROLE_COLUMNS ")"
                              " SELECT ?1, ?2, ?3, ?4, ?5 WHERE " PRINCIPAL_IN_TENANT("?4");
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
    if (b != SQLITE_OK) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    r = atrium_sqlite_step_done(st);
    if (r == 0 && sqlite3_changes(s->db) == 0)
        return ATRIUM_ENOTFOUND; /* principal not in this tenant */
    return r;
}

int atrium_sqlite_role_assignments_for(struct atrium_store *base, const char *tenant_id,
                                       const char *principal_id,
                                       struct atrium_role_assignment_list *ret)
{
    static const char sql[] = "SELECT " ROLE_COLUMNS " FROM role_assignments"
                              " WHERE tenant_id = ?1 AND principal_id = ?2"
                              " ORDER BY role_template_id";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_role_assignment_list l = {0};
    size_t cap = 0;
    sqlite3_stmt *st;
    int rc;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_ROLE_ASSIGNMENTS_FOR, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, principal_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&l.items, &cap, l.count, sizeof(*l.items));
        read_role(st, &l.items[l.count++]);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        atrium_role_assignment_list_release(&l);
        return atrium_sqlite_error(rc);
    }
    *ret = l;
    return 0;
}
