/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: tenants and their domains. Domain names are stored
 * ASCII-lowercased; domain_find_verified is the store's one cross-tenant
 * lookup and only ever sees verified domains.
 */
#include "store/store_sqlite.h"

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"

#define TENANT_COLUMNS "id, display_name, country, contact_email, initial_domain, created"
#define DOMAIN_COLUMNS                                                                             \
    "tenant_id, name, is_initial, is_default, is_verified, verification_code, created"

static void read_tenant(sqlite3_stmt *st, void *ret)
{
    struct atrium_tenant *t = ret;
    memset(t, 0, sizeof(*t));
    atrium_sqlite_col_copy(st, 0, t->id, sizeof(t->id));
    t->display_name = atrium_sqlite_col_dup(st, 1);
    atrium_sqlite_col_copy(st, 2, t->country, sizeof(t->country));
    t->contact_email = atrium_sqlite_col_dup(st, 3);
    t->initial_domain = atrium_sqlite_col_dup(st, 4);
    t->created = sqlite3_column_int64(st, 5);
}

static void read_domain(sqlite3_stmt *st, void *ret)
{
    struct atrium_domain *d = ret;
    memset(d, 0, sizeof(*d));
    atrium_sqlite_col_copy(st, 0, d->tenant_id, sizeof(d->tenant_id));
    d->name = atrium_sqlite_col_dup(st, 1);
    d->is_initial = atrium_sqlite_col_bool(st, 2);
    d->is_default = atrium_sqlite_col_bool(st, 3);
    d->is_verified = atrium_sqlite_col_bool(st, 4);
    d->verification_code = atrium_sqlite_col_dup(st, 5);
    d->created = sqlite3_column_int64(st, 6);
}

int atrium_sqlite_tenant_insert(struct atrium_store *base, const struct atrium_tenant *t)
{
    static const char sql[] =
        "INSERT INTO tenants (" TENANT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *initial = NULL;

    if (atrium_sqlite_check_id(t->id) < 0 || !t->initial_domain)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_TENANT_INSERT, sql, &st);
    if (r < 0)
        return r;
    initial = atrium_str_lower(xstrdup(t->initial_domain));
    int b = atrium_sqlite_bind_text(st, 1, t->id);
    b |= atrium_sqlite_bind_text(st, 2, t->display_name);
    b |= atrium_sqlite_bind_text(st, 3, t->country);
    b |= atrium_sqlite_bind_text(st, 4, t->contact_email);
    b |= atrium_sqlite_bind_text(st, 5, initial);
    b |= sqlite3_bind_int64(st, 6, t->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_done(st);
}

int atrium_sqlite_tenant_get(struct atrium_store *base, const char *tenant_id,
                             struct atrium_tenant *ret)
{
    static const char sql[] = "SELECT " TENANT_COLUMNS " FROM tenants WHERE id = ?1";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_TENANT_GET, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    return atrium_sqlite_get_row(st, read_tenant, ret);
}

int atrium_sqlite_tenant_list(struct atrium_store *base, const char *after_id, size_t limit,
                              struct atrium_tenant_list *ret)
{
    /* after_id "" (from the start) sorts before every id. */
    static const char sql[] = "SELECT " TENANT_COLUMNS " FROM tenants"
                              " WHERE id > ?1 ORDER BY id LIMIT ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_tenant_list l = {0};
    size_t cap = 0;
    sqlite3_stmt *st;
    int rc;

    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_TENANT_LIST, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, after_id ? after_id : "");
    atrium_sqlite_bind_limit(st, 2, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&l.items, &cap, l.count, sizeof(*l.items));
        read_tenant(st, &l.items[l.count++]);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        atrium_tenant_list_release(&l);
        return atrium_sqlite_error(rc);
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_domain_insert(struct atrium_store *base, const char *tenant_id,
                                const struct atrium_domain *d)
{
    /*
     * Deliberately global NOT EXISTS: a name verified by any tenant cannot be
     * added anywhere else, verified or not. The partial unique index
     * domains_verified_name backs the verified case.
     */
    static const char sql[] = "INSERT INTO domains (" DOMAIN_COLUMNS ")"
                              " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7"
                              " WHERE NOT EXISTS (SELECT 1 FROM domains"
                              " WHERE name = ?2 AND is_verified = 1)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *name = NULL;

    if (atrium_sqlite_check_tenant(d->tenant_id, tenant_id) < 0 || !d->name || !*d->name)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_INSERT, sql, &st);
    if (r < 0)
        return r;
    name = atrium_str_lower(xstrdup(d->name));
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, name);
    b |= sqlite3_bind_int(st, 3, d->is_initial);
    b |= sqlite3_bind_int(st, 4, d->is_default);
    b |= sqlite3_bind_int(st, 5, d->is_verified);
    b |= atrium_sqlite_bind_text(st, 6, d->verification_code);
    b |= sqlite3_bind_int64(st, 7, d->created);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    r = atrium_sqlite_step_done(st);
    if (r == 0 && sqlite3_changes(s->db) == 0)
        return ATRIUM_ECONFLICT; /* verified by some tenant already */
    return r;
}

int atrium_sqlite_domain_list(struct atrium_store *base, const char *tenant_id,
                              struct atrium_domain_list *ret)
{
    static const char sql[] = "SELECT " DOMAIN_COLUMNS " FROM domains"
                              " WHERE tenant_id = ?1 ORDER BY name";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_domain_list l = {0};
    size_t cap = 0;
    sqlite3_stmt *st;
    int rc;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_LIST, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&l.items, &cap, l.count, sizeof(*l.items));
        read_domain(st, &l.items[l.count++]);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        atrium_domain_list_release(&l);
        return atrium_sqlite_error(rc);
    }
    *ret = l;
    return 0;
}

int atrium_sqlite_domain_find_verified(struct atrium_store *base, const char *name,
                                       struct atrium_domain *ret)
{
    /* The one cross-tenant query: by name, verified domains only. */
    static const char sql[] = "SELECT " DOMAIN_COLUMNS " FROM domains"
                              " WHERE name = ?1 AND is_verified = 1";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *lower = NULL;

    if (!name || !*name)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_FIND_VERIFIED, sql, &st);
    if (r < 0)
        return r;
    lower = atrium_str_lower(xstrdup(name));
    atrium_sqlite_bind_text(st, 1, lower);
    return atrium_sqlite_get_row(st, read_domain, ret);
}

/* Bind (tenant_id, lowercased name) to ?1 and ?2; *ret_lower must outlive the step. */
static int bind_tenant_name(sqlite3_stmt *st, const char *tenant_id, const char *name,
                            char **ret_lower)
{
    *ret_lower = atrium_str_lower(xstrdup(name));
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, *ret_lower);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return 0;
}

int atrium_sqlite_domain_get(struct atrium_store *base, const char *tenant_id, const char *name,
                             struct atrium_domain *ret)
{
    static const char sql[] = "SELECT " DOMAIN_COLUMNS " FROM domains"
                              " WHERE tenant_id = ?1 AND name = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *lower = NULL;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (!name || !*name)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_GET, sql, &st);
    if (r == 0)
        r = bind_tenant_name(st, tenant_id, name, &lower);
    if (r < 0)
        return r;
    return atrium_sqlite_get_row(st, read_domain, ret);
}

int atrium_sqlite_domain_set_verified(struct atrium_store *base, const char *tenant_id,
                                      const char *name, bool verified)
{
    /* The partial unique index domains_verified_name refuses a second verified owner. */
    static const char sql[] = "UPDATE domains SET is_verified = ?3"
                              " WHERE tenant_id = ?1 AND name = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *lower = NULL;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (!name || !*name)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_SET_VERIFIED, sql, &st);
    if (r == 0)
        r = bind_tenant_name(st, tenant_id, name, &lower);
    if (r < 0)
        return r;
    if (sqlite3_bind_int(st, 3, verified) != SQLITE_OK) {
        atrium_sqlite_reset(st);
        return ATRIUM_ESTORE;
    }
    return atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_domain_set_default(struct atrium_store *base, const char *tenant_id,
                                     const char *name)
{
    /* One statement, so a tenant never has zero or two defaults, even for an instant. */
    static const char sql[] = "UPDATE domains SET is_default = (name = ?2) WHERE tenant_id = ?1"
                              " AND EXISTS (SELECT 1 FROM domains WHERE tenant_id = ?1"
                              " AND name = ?2 AND is_verified = 1)";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *lower = NULL;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (!name || !*name)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_SET_DEFAULT, sql, &st);
    if (r == 0)
        r = bind_tenant_name(st, tenant_id, name, &lower);
    return r < 0 ? r : atrium_sqlite_step_changed(s, st);
}

int atrium_sqlite_domain_delete(struct atrium_store *base, const char *tenant_id, const char *name)
{
    static const char sql[] = "DELETE FROM domains WHERE tenant_id = ?1 AND name = ?2";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;
    AUTO_FREE char *lower = NULL;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    if (!name || !*name)
        return ATRIUM_ENOTFOUND;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_DELETE, sql, &st);
    if (r == 0)
        r = bind_tenant_name(st, tenant_id, name, &lower);
    return r < 0 ? r : atrium_sqlite_step_changed(s, st);
}

/* The count part of domain_usage; ?2 is "@name". */
static int usage_count(struct atrium_store_sqlite *s, const char *tenant_id, const char *at_name,
                       size_t *ret)
{
    /* substr(x, -n): the last n characters; upn_lower carries the folded UPN. */
    static const char sql[] = "SELECT COUNT(*) FROM users WHERE tenant_id = ?1"
                              " AND substr(upn_lower, -length(?2)) = ?2";
    sqlite3_stmt *st;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_USAGE_COUNT, sql, &st);
    if (r < 0)
        return r;
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, at_name);
    int rc = b == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (rc == SQLITE_ROW)
        *ret = (size_t)sqlite3_column_int64(st, 0);
    atrium_sqlite_reset(st);
    return rc == SQLITE_ROW ? 0 : atrium_sqlite_error(rc);
}

int atrium_sqlite_domain_usage(struct atrium_store *base, const char *tenant_id, const char *name,
                               size_t limit, struct atrium_domain_usage *ret)
{
    static const char sql[] = "SELECT upn FROM users WHERE tenant_id = ?1"
                              " AND substr(upn_lower, -length(?2)) = ?2"
                              " ORDER BY upn_lower LIMIT ?3";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    struct atrium_domain_usage u = {0};
    size_t cap = 0;
    sqlite3_stmt *st;
    int rc;

    if (atrium_sqlite_check_id(tenant_id) < 0 || !name || !*name)
        return ATRIUM_EINVAL;
    AUTO_FREE char *at_name = atrium_str_lower(xasprintf("@%s", name));
    int r = usage_count(s, tenant_id, at_name, &u.user_count);
    if (r == 0)
        r = atrium_sqlite_stmt(s, ATRIUM_SQ_DOMAIN_USAGE_LIST, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    atrium_sqlite_bind_text(st, 2, at_name);
    atrium_sqlite_bind_limit(st, 3, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        atrium_sqlite_grow((void **)&u.upns, &cap, u.upn_count, sizeof(*u.upns));
        u.upns[u.upn_count++] = atrium_sqlite_col_dup(st, 0);
    }
    atrium_sqlite_reset(st);
    if (rc != SQLITE_DONE) {
        atrium_domain_usage_release(&u);
        return atrium_sqlite_error(rc);
    }
    *ret = u;
    return 0;
}
