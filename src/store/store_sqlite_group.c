/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: groups, their direct members and owners. A member is a
 * user or a group of the *same* tenant, an owner a user of it; the inserts
 * check that in the statement itself (INSERT ... SELECT ... WHERE EXISTS),
 * so an id of another tenant reads exactly like a missing one. Directory
 * role assignments live in store_sqlite_role.c.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define GROUP_COLUMNS                                                                              \
    "tenant_id, id, display_name, description, mail_nickname, security_enabled, created"
#define GROUP_COLUMNS_G                                                                            \
    "g.tenant_id, g.id, g.display_name, g.description, g.mail_nickname, g.security_enabled,"       \
    " g.created"
/* SQL: the kind (enum atrium_member_kind) of the id in column col, in tenant ?1. */
#define KIND_OF(col)                                                                               \
    "CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = ?1 AND u.id = " col ") THEN 1"    \
    " WHEN EXISTS (SELECT 1 FROM groups k WHERE k.tenant_id = ?1 AND k.id = " col ") THEN 2"       \
    " ELSE 0 END"

static void read_group(sqlite3_stmt *st, void *ret)
{
    struct atrium_group *g = ret;
    memset(g, 0, sizeof(*g));
    atrium_sqlite_col_copy(st, 0, g->tenant_id, sizeof(g->tenant_id));
    atrium_sqlite_col_copy(st, 1, g->id, sizeof(g->id));
    g->display_name = atrium_sqlite_col_dup(st, 2);
    g->description = atrium_sqlite_col_dup(st, 3);
    g->mail_nickname = atrium_sqlite_col_dup(st, 4);
    g->security_enabled = atrium_sqlite_col_bool(st, 5);
    g->created = sqlite3_column_int64(st, 6);
}

static void read_ref(sqlite3_stmt *st, void *ret)
{
    struct atrium_member_ref *m = ret;
    memset(m, 0, sizeof(*m));
    atrium_sqlite_col_copy(st, 0, m->id, sizeof(m->id));
    int kind = sqlite3_column_int(st, 1);
    m->kind = kind == 1   ? ATRIUM_MEMBER_USER
              : kind == 2 ? ATRIUM_MEMBER_GROUP
                          : ATRIUM_MEMBER_UNKNOWN;
}

/* Bind tenant ?1, id ?2 and the columns of g (?3..?6, and created ?7 when asked). */
static int bind_group(sqlite3_stmt *st, const char *tenant_id, const struct atrium_group *g,
                      bool with_created)
{
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, g->id);
    b |= atrium_sqlite_bind_text(st, 3, g->display_name);
    b |= atrium_sqlite_bind_text(st, 4, g->description);
    b |= atrium_sqlite_bind_text(st, 5, g->mail_nickname);
    b |= sqlite3_bind_int(st, 6, g->security_enabled);
    if (with_created)
        b |= sqlite3_bind_int64(st, 7, g->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return 0;
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
    if (r == 0)
        r = bind_group(st, tenant_id, g, true);
    return r < 0 ? r : atrium_sqlite_step_done(st);
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
    return atrium_sqlite_get_row(st, read_group, ret);
}

int atrium_sqlite_group_list(struct atrium_store *base, const char *tenant_id, const char *after_id,
                             size_t limit, enum atrium_name_match match, const char *name,
                             struct atrium_group_list *ret)
{
    /* Keyset paging on the primary key; NOCASE and LIKE-free prefix: ASCII case ignored. */
    static const char sql[] =
        "SELECT " GROUP_COLUMNS " FROM groups WHERE tenant_id = ?1 AND id > ?2"
        " AND (?3 = 0 OR (?3 = 1 AND display_name = ?4 COLLATE NOCASE)"
        " OR (?3 = 2 AND substr(display_name, 1, length(?4)) = ?4 COLLATE NOCASE))"
        " ORDER BY id LIMIT ?5";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_group_list l = {0};
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0 || (match != ATRIUM_NAME_ANY && !name))
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GROUP_LIST, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, after_id ? after_id : "");
    sqlite3_bind_int(st, 3, (int)match);
    atrium_sqlite_bind_text(st, 4, name ? name : "");
    atrium_sqlite_bind_limit(st, 5, limit);
    r = atrium_sqlite_get_rows(st, read_group, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_group_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_group_update(struct atrium_store *base, const char *tenant_id,
                               const struct atrium_group *g)
{
    static const char sql[] = "UPDATE groups SET display_name = ?3, description = ?4,"
                              " mail_nickname = ?5, security_enabled = ?6"
                              " WHERE tenant_id = ?1 AND id = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_tenant(g->tenant_id, tenant_id) < 0 ||
        atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(g->id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GROUP_UPDATE, sql, &st);
    if (r == 0)
        r = bind_group(st, tenant_id, g, false);
    return r == 0 ? atrium_sqlite_step_changed(s, st) : r;
}

/* Run a bound-by-(tenant ?1, id ?2) write statement; *ret_changes: rows changed. */
static int run_write(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt id, const char *sql,
                     const char *tenant_id, const char *object_id, const char *third,
                     int *ret_changes)
{
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, id, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, object_id);
    if (third)
        atrium_sqlite_bind_text(st, 3, third);
    r = atrium_sqlite_step_done(st);
    if (ret_changes)
        *ret_changes = r == 0 ? sqlite3_changes(s->db) : 0;
    return r;
}

/* The rows naming object_id as a member, owner or role holder, without an atomic unit. */
static int unlink_rows(struct atrium_store_sqlite *s, const char *tenant_id, const char *object_id)
{
    int r = run_write(s, ATRIUM_SQ_UNLINK_MEMBER,
                      "DELETE FROM group_members WHERE tenant_id = ?1 AND member_id = ?2",
                      tenant_id, object_id, NULL, NULL);
    if (r == 0)
        r = run_write(s, ATRIUM_SQ_UNLINK_OWNER,
                      "DELETE FROM group_owners WHERE tenant_id = ?1 AND owner_id = ?2", tenant_id,
                      object_id, NULL, NULL);
    if (r == 0)
        r = run_write(s, ATRIUM_SQ_UNLINK_ROLES,
                      "DELETE FROM role_assignments WHERE tenant_id = ?1 AND principal_id = ?2",
                      tenant_id, object_id, NULL, NULL);
    return r;
}

int atrium_sqlite_directory_object_unlink(struct atrium_store *base, const char *tenant_id,
                                          const char *object_id)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    bool nested;

    if (atrium_sqlite_check_id(tenant_id) < 0 || atrium_sqlite_check_id(object_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_atomic_begin(s, &nested);
    if (r < 0)
        return r;
    return atrium_sqlite_atomic_end(s, nested, unlink_rows(s, tenant_id, object_id));
}

int atrium_sqlite_group_delete(struct atrium_store *base, const char *tenant_id,
                               const char *group_id)
{
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    bool nested;
    int changes = 0;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_atomic_begin(s, &nested);
    if (r < 0)
        return r;
    r = unlink_rows(s, tenant_id, group_id);
    /* Its own member and owner rows go with it (ON DELETE CASCADE). */
    if (r == 0)
        r = run_write(s, ATRIUM_SQ_GROUP_DELETE,
                      "DELETE FROM groups WHERE tenant_id = ?1 AND id = ?2", tenant_id, group_id,
                      NULL, &changes);
    if (r == 0 && changes == 0)
        r = ATRIUM_ENOTFOUND;
    return atrium_sqlite_atomic_end(s, nested, r);
}

int atrium_sqlite_group_member_add(struct atrium_store *base, const char *tenant_id,
                                   const char *group_id, const char *member_id)
{
    static const char sql[] =
        "INSERT INTO group_members (tenant_id, group_id, member_id) SELECT ?1, ?2, ?3"
        " WHERE EXISTS (SELECT 1 FROM groups WHERE tenant_id = ?1 AND id = ?2)"
        " AND " ATRIUM_SQLITE_PRINCIPAL_IN_TENANT("?3");
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    int changes = 0;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0 || atrium_sqlite_check_id(member_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = run_write(s, ATRIUM_SQ_GROUP_MEMBER_ADD, sql, tenant_id, group_id, member_id, &changes);
    if (r == 0 && changes == 0)
        return ATRIUM_ENOTFOUND; /* group or member not in this tenant */
    return r;
}

int atrium_sqlite_group_member_remove(struct atrium_store *base, const char *tenant_id,
                                      const char *group_id, const char *member_id)
{
    static const char sql[] = "DELETE FROM group_members"
                              " WHERE tenant_id = ?1 AND group_id = ?2 AND member_id = ?3";
    int changes = 0;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0 || atrium_sqlite_check_id(member_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = run_write(atrium_sqlite_of(base), ATRIUM_SQ_GROUP_MEMBER_REMOVE, sql, tenant_id,
                      group_id, member_id, &changes);
    return r == 0 && changes == 0 ? ATRIUM_ENOTFOUND : r;
}

int atrium_sqlite_group_owner_add(struct atrium_store *base, const char *tenant_id,
                                  const char *group_id, const char *owner_id)
{
    static const char sql[] =
        "INSERT INTO group_owners (tenant_id, group_id, owner_id) SELECT ?1, ?2, ?3"
        " WHERE EXISTS (SELECT 1 FROM groups WHERE tenant_id = ?1 AND id = ?2)"
        " AND EXISTS (SELECT 1 FROM users WHERE tenant_id = ?1 AND id = ?3)";
    int changes = 0;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0 || atrium_sqlite_check_id(owner_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = run_write(atrium_sqlite_of(base), ATRIUM_SQ_GROUP_OWNER_ADD, sql, tenant_id, group_id,
                      owner_id, &changes);
    return r == 0 && changes == 0 ? ATRIUM_ENOTFOUND : r;
}

int atrium_sqlite_group_owner_remove(struct atrium_store *base, const char *tenant_id,
                                     const char *group_id, const char *owner_id)
{
    static const char sql[] = "DELETE FROM group_owners"
                              " WHERE tenant_id = ?1 AND group_id = ?2 AND owner_id = ?3";
    int changes = 0;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0 || atrium_sqlite_check_id(owner_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = run_write(atrium_sqlite_of(base), ATRIUM_SQ_GROUP_OWNER_REMOVE, sql, tenant_id,
                      group_id, owner_id, &changes);
    return r == 0 && changes == 0 ? ATRIUM_ENOTFOUND : r;
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
    return atrium_sqlite_get_row(st, NULL, NULL);
}

/* One page of (id, kind) rows of a member or owner query bound as ?1 tenant, ?2 group. */
static int ref_page(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt id, const char *sql,
                    const char *tenant_id, const char *group_id, const char *after_id, size_t limit,
                    struct atrium_member_ref_list *ret)
{
    struct atrium_member_ref_list l = {0};
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(group_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = group_exists(s, tenant_id, group_id);
    if (r == 0)
        r = atrium_sqlite_stmt(s, id, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, group_id);
    atrium_sqlite_bind_text(st, 3, after_id ? after_id : "");
    atrium_sqlite_bind_limit(st, 4, limit);
    r = atrium_sqlite_get_rows(st, read_ref, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_member_ref_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_group_member_page(struct atrium_store *base, const char *tenant_id,
                                    const char *group_id, const char *after_id, size_t limit,
                                    struct atrium_member_ref_list *ret)
{
    static const char sql[] = "SELECT m.member_id, " KIND_OF(
        "m.member_id") " FROM group_members m"
                       " WHERE m.tenant_id = ?1 AND m.group_id = ?2 AND m.member_id > ?3"
                       " ORDER BY m.member_id LIMIT ?4";
    return ref_page(atrium_sqlite_of(base), ATRIUM_SQ_GROUP_MEMBER_PAGE, sql, tenant_id, group_id,
                    after_id, limit, ret);
}

int atrium_sqlite_group_owner_page(struct atrium_store *base, const char *tenant_id,
                                   const char *group_id, const char *after_id, size_t limit,
                                   struct atrium_member_ref_list *ret)
{
    static const char sql[] = "SELECT o.owner_id, " KIND_OF(
        "o.owner_id") " FROM group_owners o"
                      " WHERE o.tenant_id = ?1 AND o.group_id = ?2 AND o.owner_id > ?3"
                      " ORDER BY o.owner_id LIMIT ?4";
    return ref_page(atrium_sqlite_of(base), ATRIUM_SQ_GROUP_OWNER_PAGE, sql, tenant_id, group_id,
                    after_id, limit, ret);
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

int atrium_sqlite_group_memberships_of(struct atrium_store *base, const char *tenant_id,
                                       const char *object_id, const char *after_id, size_t limit,
                                       struct atrium_group_list *ret)
{
    static const char sql[] = "SELECT " GROUP_COLUMNS_G " FROM group_members m"
                              " JOIN groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id"
                              " WHERE m.tenant_id = ?1 AND m.member_id = ?2 AND m.group_id > ?3"
                              " ORDER BY m.group_id LIMIT ?4";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_group_list l = {0};
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (atrium_sqlite_check_id(object_id) < 0) {
        memset(ret, 0, sizeof(*ret));
        return 0;
    }
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_GROUP_MEMBERSHIPS_OF, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, object_id);
    atrium_sqlite_bind_text(st, 3, after_id ? after_id : "");
    atrium_sqlite_bind_limit(st, 4, limit);
    r = atrium_sqlite_get_rows(st, read_group, sizeof(*l.items), (void **)&l.items, &l.count);
    if (r < 0) {
        atrium_group_list_release(&l);
        return r;
    }
    *ret = l;
    return 0;
}
