/* SPDX-License-Identifier: MIT */
/*
 * Private to the SQLite backend (store_sqlite*.c): the connection handle,
 * its prepared-statement cache, error mapping and row helpers, and the ops
 * each file implements. Nothing outside src/store/ includes this.
 *
 * Statements are prepared once per connection on first use, then reset and
 * unbound after every use (atrium_sqlite_reset), so no statement ever holds a
 * read transaction open between calls (only begin_read does, on purpose).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_oauth.h"

/* One slot per cached statement; the SQL text lives next to its caller. */
enum atrium_sqlite_stmt {
    ATRIUM_SQ_BEGIN,
    ATRIUM_SQ_COMMIT,
    ATRIUM_SQ_ROLLBACK,
    ATRIUM_SQ_READ_BEGIN,
    ATRIUM_SQ_PING,
    ATRIUM_SQ_TENANT_INSERT,
    ATRIUM_SQ_TENANT_GET,
    ATRIUM_SQ_TENANT_LIST,
    ATRIUM_SQ_DOMAIN_INSERT,
    ATRIUM_SQ_DOMAIN_LIST,
    ATRIUM_SQ_DOMAIN_FIND_VERIFIED,
    ATRIUM_SQ_DOMAIN_GET,
    ATRIUM_SQ_DOMAIN_SET_VERIFIED,
    ATRIUM_SQ_DOMAIN_SET_DEFAULT,
    ATRIUM_SQ_DOMAIN_DELETE,
    ATRIUM_SQ_DOMAIN_USAGE_COUNT,
    ATRIUM_SQ_DOMAIN_USAGE_LIST,
    ATRIUM_SQ_USER_INSERT,
    ATRIUM_SQ_USER_GET,
    ATRIUM_SQ_USER_GET_BY_UPN,
    ATRIUM_SQ_USER_LIST,
    ATRIUM_SQ_USER_SET_PASSWORD,
    ATRIUM_SQ_GROUP_INSERT,
    ATRIUM_SQ_GROUP_GET,
    ATRIUM_SQ_GROUP_EXISTS,
    ATRIUM_SQ_GROUP_MEMBER_ADD,
    ATRIUM_SQ_GROUP_MEMBER_IDS,
    ATRIUM_SQ_ROLE_ASSIGN,
    ATRIUM_SQ_ROLE_ASSIGNMENTS_FOR,
    /* store_sqlite_group.c, store_sqlite_role.c: groups and roles management */
    ATRIUM_SQ_GROUP_LIST,
    ATRIUM_SQ_GROUP_UPDATE,
    ATRIUM_SQ_GROUP_DELETE,
    ATRIUM_SQ_GROUP_MEMBER_REMOVE,
    ATRIUM_SQ_GROUP_MEMBER_PAGE,
    ATRIUM_SQ_GROUP_MEMBERSHIPS_OF,
    ATRIUM_SQ_GROUP_OWNER_ADD,
    ATRIUM_SQ_GROUP_OWNER_REMOVE,
    ATRIUM_SQ_GROUP_OWNER_PAGE,
    ATRIUM_SQ_UNLINK_MEMBER,
    ATRIUM_SQ_UNLINK_OWNER,
    ATRIUM_SQ_UNLINK_ROLES,
    ATRIUM_SQ_ROLE_ASSIGNMENT_GET,
    ATRIUM_SQ_ROLE_ASSIGNMENT_DELETE,
    ATRIUM_SQ_ROLE_ASSIGNMENT_LIST,
    ATRIUM_SQ_DIRECTORY_ROLE_ACTIVATE,
    ATRIUM_SQ_DIRECTORY_ROLE_ACTIVE,
    /* store_sqlite_oauth.c: atomic units */
    ATRIUM_SQ_ATOMIC_BEGIN,
    ATRIUM_SQ_ATOMIC_COMMIT,
    ATRIUM_SQ_ATOMIC_ROLLBACK,
    ATRIUM_SQ_SAVEPOINT,
    ATRIUM_SQ_SAVEPOINT_RELEASE,
    ATRIUM_SQ_SAVEPOINT_ROLLBACK,
    /* store_sqlite_app.c */
    ATRIUM_SQ_APP_INSERT,
    ATRIUM_SQ_APP_GET,
    ATRIUM_SQ_APP_GET_BY_APP_ID,
    ATRIUM_SQ_APP_FIND_GLOBAL,
    ATRIUM_SQ_APP_LIST,
    ATRIUM_SQ_APP_UPDATE,
    ATRIUM_SQ_APP_DELETE,
    ATRIUM_SQ_APP_APP_ID,
    ATRIUM_SQ_APP_PASSWORD_INSERT,
    ATRIUM_SQ_APP_PASSWORD_DELETE,
    ATRIUM_SQ_APP_PASSWORD_LIST,
    /* store_sqlite_sp.c */
    ATRIUM_SQ_SP_INSERT,
    ATRIUM_SQ_SP_GET,
    ATRIUM_SQ_SP_GET_BY_APP_ID,
    ATRIUM_SQ_SP_BRIEF_BY_APP_ID,
    ATRIUM_SQ_SP_LIST,
    ATRIUM_SQ_SP_UPDATE,
    ATRIUM_SQ_SP_DELETE,
    ATRIUM_SQ_SP_DELETE_ASSIGNMENTS,
    ATRIUM_SQ_SP_DELETE_GRANTS,
    ATRIUM_SQ_ARA_INSERT,
    ATRIUM_SQ_ARA_DELETE,
    ATRIUM_SQ_ARA_OF_PRINCIPAL,
    ATRIUM_SQ_ARA_OF_RESOURCE,
    ATRIUM_SQ_GRANT_INSERT,
    ATRIUM_SQ_GRANT_UPDATE_SCOPE,
    ATRIUM_SQ_GRANT_DELETE,
    ATRIUM_SQ_GRANT_GET,
    ATRIUM_SQ_GRANT_LIST_ALL,
    ATRIUM_SQ_GRANT_LIST_CLIENT,
    /* store_sqlite_token.c */
    ATRIUM_SQ_CODE_INSERT,
    ATRIUM_SQ_CODE_REDEEM,
    ATRIUM_SQ_CODE_GET,
    ATRIUM_SQ_REFRESH_INSERT,
    ATRIUM_SQ_REFRESH_USE,
    ATRIUM_SQ_REFRESH_GET,
    ATRIUM_SQ_REFRESH_REVOKE_FAMILY,
    ATRIUM_SQ_REFRESH_REVOKE_USER,
    ATRIUM_SQ_DEVICE_RETIRE,
    ATRIUM_SQ_DEVICE_INSERT,
    ATRIUM_SQ_DEVICE_GET_BY_USER_CODE,
    ATRIUM_SQ_DEVICE_DECIDE,
    ATRIUM_SQ_DEVICE_POLL,
    /* store_sqlite_signin.c */
    ATRIUM_SQ_SESSION_INSERT,
    ATRIUM_SQ_SESSION_GET,
    ATRIUM_SQ_SESSION_DELETE,
    ATRIUM_SQ_SESSION_DELETE_USER,
    ATRIUM_SQ_KEY_INSERT,
    ATRIUM_SQ_KEY_LIST,
    ATRIUM_SQ_KEY_RETIRE,
    ATRIUM_SQ_KEY_ACTIVATE,
    ATRIUM_SQ_SIGNIN_INSERT,
    ATRIUM_SQ_SIGNIN_LIST,
    ATRIUM_SQ_SIGNIN_LIST_BEFORE_TIME,
    ATRIUM_SQ_SIGNIN_LIST_BEFORE,
    /* store_sqlite_lockout.c */
    ATRIUM_SQ_LOCKOUT_GET,
    ATRIUM_SQ_LOCKOUT_PUT,
    ATRIUM_SQ_NAME_LOCKOUT_GET,
    ATRIUM_SQ_NAME_LOCKOUT_PUT,
    ATRIUM_SQ_NAME_LOCKOUT_PURGE,
    /* store_sqlite_purge.c: one per enum atrium_purge_kind, in its order */
    ATRIUM_SQ_PURGE_CODES,
    ATRIUM_SQ_PURGE_DEVICE_CODES,
    ATRIUM_SQ_PURGE_REFRESH_TOKENS,
    ATRIUM_SQ_PURGE_SESSIONS,
    ATRIUM_SQ_PURGE_SIGNIN_EVENTS,
    /* store_sqlite_audit.c */
    ATRIUM_SQ_AUDIT_INSERT,
    ATRIUM_SQ_AUDIT_GET,
    /* store_sqlite_user.c, store_sqlite_user_life.c, store_sqlite_org.c */
    ATRIUM_SQ_USER_UPDATE,
    ATRIUM_SQ_USER_GET_DELETED,
    ATRIUM_SQ_USER_SOFT_DELETE,
    ATRIUM_SQ_USER_RESTORE,
    ATRIUM_SQ_USER_PURGE_ASSIGNMENTS,
    ATRIUM_SQ_USER_PURGE_GRANTS,
    ATRIUM_SQ_USER_PURGE,
    ATRIUM_SQ_USER_EXPIRED,
    ATRIUM_SQ_TENANT_MAILS,
    ATRIUM_SQ_TENANT_UPDATE_PROFILE,
    ATRIUM_SQ__MAX,
};

struct atrium_store_sqlite {
    struct atrium_store base; /* first member: the handle upper layers hold */
    sqlite3 *db;
    sqlite3_stmt *stmts[ATRIUM_SQ__MAX];
    bool in_txn;  /* between a successful begin and commit/rollback */
    bool in_read; /* between a successful begin_read and end_read: writes are refused */
};

static inline struct atrium_store_sqlite *atrium_sqlite_of(struct atrium_store *s)
{
    return (struct atrium_store_sqlite *)s;
}

/*
 * The cached statement id, preparing sql on first use. Borrowed; ESTORE on
 * failure, EINTERNAL for a statement that writes inside a read snapshot
 * (SQLite would upgrade the snapshot to a write transaction).
 */
int atrium_sqlite_stmt(struct atrium_store_sqlite *s, enum atrium_sqlite_stmt id, const char *sql,
                       sqlite3_stmt **ret);
/* Reset and clear the bindings of a cached statement; call after every use. */
void atrium_sqlite_reset(sqlite3_stmt *st);
/* Map an SQLite result code (extended codes on) to an ATRIUM_E* code. */
int atrium_sqlite_error(int rc);
/* Step a write statement to completion, reset it, and return 0 or the mapped error. */
int atrium_sqlite_step_done(sqlite3_stmt *st);
/* step_done for an UPDATE/DELETE/conditional INSERT meant to touch a row of
 * s: ENOTFOUND when it touched none (another tenant's row, or no row). */
int atrium_sqlite_step_changed(struct atrium_store_sqlite *s, sqlite3_stmt *st);

/* b is the OR of a statement's bind results: on a failure, reset st (so the
 * cached statement is clean) and return true. */
bool atrium_sqlite_bind_failed(sqlite3_stmt *st, int b);
/* Bind a string (NULL binds SQL NULL); the string must outlive the step. */
int atrium_sqlite_bind_text(sqlite3_stmt *st, int idx, const char *v);
/* Bind a page limit, clamped to what SQLite's LIMIT takes. */
int atrium_sqlite_bind_limit(sqlite3_stmt *st, int idx, size_t limit);

/* Column readers: a heap copy (NULL for SQL NULL), a bounded copy into a fixed array. */
char *atrium_sqlite_col_dup(sqlite3_stmt *st, int col);
void atrium_sqlite_col_copy(sqlite3_stmt *st, int col, char *dst, size_t size);
bool atrium_sqlite_col_bool(sqlite3_stmt *st, int col);

/* Grow *items (of size bytes each) so that index count fits; doubles the capacity. */
void atrium_sqlite_grow(void **items, size_t *cap, size_t count, size_t size);

/* EINVAL when an id parameter is missing or empty. */
int atrium_sqlite_check_id(const char *id);
/* EINVAL when a struct's own tenant_id is set and differs from the call's tenant_id. */
int atrium_sqlite_check_tenant(const char *struct_tenant_id, const char *tenant_id);

/* store_sqlite_tenant.c */
int atrium_sqlite_tenant_insert(struct atrium_store *s, const struct atrium_tenant *t);
int atrium_sqlite_tenant_get(struct atrium_store *s, const char *tenant_id,
                             struct atrium_tenant *ret);
int atrium_sqlite_tenant_list(struct atrium_store *s, const char *after_id, size_t limit,
                              struct atrium_tenant_list *ret);
int atrium_sqlite_domain_insert(struct atrium_store *s, const char *tenant_id,
                                const struct atrium_domain *d);
int atrium_sqlite_domain_list(struct atrium_store *s, const char *tenant_id,
                              struct atrium_domain_list *ret);
int atrium_sqlite_domain_find_verified(struct atrium_store *s, const char *name,
                                       struct atrium_domain *ret);
int atrium_sqlite_domain_get(struct atrium_store *s, const char *tenant_id, const char *name,
                             struct atrium_domain *ret);
int atrium_sqlite_domain_set_verified(struct atrium_store *s, const char *tenant_id,
                                      const char *name, bool verified);
int atrium_sqlite_domain_set_default(struct atrium_store *s, const char *tenant_id,
                                     const char *name);
int atrium_sqlite_domain_delete(struct atrium_store *s, const char *tenant_id, const char *name);
int atrium_sqlite_domain_usage(struct atrium_store *s, const char *tenant_id, const char *name,
                               size_t limit, struct atrium_domain_usage *ret);

/* store_sqlite_user.c */
int atrium_sqlite_user_insert(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_user *u);
int atrium_sqlite_user_get(struct atrium_store *s, const char *tenant_id, const char *user_id,
                           struct atrium_user *ret);
int atrium_sqlite_user_get_by_upn(struct atrium_store *s, const char *tenant_id, const char *upn,
                                  struct atrium_user *ret);
int atrium_sqlite_user_list(struct atrium_store *s, const char *tenant_id, const char *after_id,
                            size_t limit, struct atrium_user_list *ret);
int atrium_sqlite_user_set_password(struct atrium_store *s, const char *tenant_id,
                                    const char *user_id, const char *password_hash,
                                    bool force_change, int64_t changed);
int atrium_sqlite_user_update(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_user *u);
int atrium_sqlite_user_get_deleted(struct atrium_store *s, const char *tenant_id,
                                   const char *user_id, struct atrium_user *ret);

/* store_sqlite_user_life.c */
int atrium_sqlite_user_soft_delete(struct atrium_store *s, const char *tenant_id,
                                   const char *user_id, int64_t when);
int atrium_sqlite_user_restore(struct atrium_store *s, const char *tenant_id, const char *user_id);
int atrium_sqlite_user_purge(struct atrium_store *s, const char *tenant_id, const char *user_id);
int atrium_sqlite_user_expired(struct atrium_store *s, const char *tenant_id, int64_t before,
                               size_t limit, char ***ret_ids, size_t *ret_count);

/* store_sqlite_user_query.c */
int atrium_sqlite_user_query(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_user_query *q, struct atrium_user_page *ret);
/* Register the SQL functions the users queries use (atrium_word_prefix) on a connection. */
int atrium_sqlite_user_functions(sqlite3 *db);
/*
 * For tests: the EXPLAIN QUERY PLAN details of the page query of q (or of
 * its count query), one per line. Caller owns *ret.
 */
int atrium_sqlite_user_query_plan(struct atrium_store *s, const char *tenant_id,
                                  const struct atrium_user_query *q, bool count, char **ret);

/* store_sqlite_org.c */
int atrium_sqlite_tenant_notification_mails(struct atrium_store *s, const char *tenant_id,
                                            struct atrium_strv *ret);
int atrium_sqlite_tenant_update_profile(struct atrium_store *s, const char *tenant_id,
                                        const char *display_name, const struct atrium_strv *mails);

/* store_sqlite_group.c */
int atrium_sqlite_group_insert(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_group *g);
int atrium_sqlite_group_get(struct atrium_store *s, const char *tenant_id, const char *group_id,
                            struct atrium_group *ret);
int atrium_sqlite_group_member_add(struct atrium_store *s, const char *tenant_id,
                                   const char *group_id, const char *member_id);
int atrium_sqlite_group_member_ids(struct atrium_store *s, const char *tenant_id,
                                   const char *group_id, char ***ret_ids, size_t *ret_count);
int atrium_sqlite_group_list(struct atrium_store *s, const char *tenant_id, const char *after_id,
                             size_t limit, enum atrium_name_match match, const char *name,
                             struct atrium_group_list *ret);
int atrium_sqlite_group_update(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_group *g);
int atrium_sqlite_group_delete(struct atrium_store *s, const char *tenant_id, const char *group_id);
int atrium_sqlite_group_member_remove(struct atrium_store *s, const char *tenant_id,
                                      const char *group_id, const char *member_id);
int atrium_sqlite_group_member_page(struct atrium_store *s, const char *tenant_id,
                                    const char *group_id, const char *after_id, size_t limit,
                                    struct atrium_member_ref_list *ret);
int atrium_sqlite_group_memberships_of(struct atrium_store *s, const char *tenant_id,
                                       const char *object_id, const char *after_id, size_t limit,
                                       struct atrium_group_list *ret);
int atrium_sqlite_group_owner_add(struct atrium_store *s, const char *tenant_id,
                                  const char *group_id, const char *owner_id);
int atrium_sqlite_group_owner_remove(struct atrium_store *s, const char *tenant_id,
                                     const char *group_id, const char *owner_id);
int atrium_sqlite_group_owner_page(struct atrium_store *s, const char *tenant_id,
                                   const char *group_id, const char *after_id, size_t limit,
                                   struct atrium_member_ref_list *ret);
int atrium_sqlite_directory_object_unlink(struct atrium_store *s, const char *tenant_id,
                                          const char *object_id);

/* SQL condition: the id bound at param is a user or a group of tenant ?1. */
#define ATRIUM_SQLITE_PRINCIPAL_IN_TENANT(param)                                                   \
    "(EXISTS (SELECT 1 FROM users WHERE tenant_id = ?1 AND id = " param ")"                        \
    " OR EXISTS (SELECT 1 FROM groups WHERE tenant_id = ?1 AND id = " param "))"

/* store_sqlite_role.c */
int atrium_sqlite_role_assign(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_role_assignment *a);
int atrium_sqlite_role_assignments_for(struct atrium_store *s, const char *tenant_id,
                                       const char *principal_id,
                                       struct atrium_role_assignment_list *ret);
int atrium_sqlite_role_assignment_get(struct atrium_store *s, const char *tenant_id, const char *id,
                                      struct atrium_role_assignment *ret);
int atrium_sqlite_role_assignment_delete(struct atrium_store *s, const char *tenant_id,
                                         const char *id);
int atrium_sqlite_role_assignment_list(struct atrium_store *s, const char *tenant_id,
                                       const char *role_template_id, const char *principal_id,
                                       const char *after_id, size_t limit,
                                       struct atrium_role_assignment_list *ret);
int atrium_sqlite_directory_role_activate(struct atrium_store *s, const char *tenant_id,
                                          const char *role_template_id, int64_t created);
int atrium_sqlite_directory_role_active(struct atrium_store *s, const char *tenant_id,
                                        char ***ret_ids, size_t *ret_count);

/* store_sqlite_purge.c */
int atrium_sqlite_purge(struct atrium_store *s, enum atrium_purge_kind kind, int64_t before,
                        size_t limit, size_t *ret_count);
/* For tests: the EXPLAIN QUERY PLAN details of kind's purge, one per line. Caller owns *ret. */
int atrium_sqlite_purge_plan(struct atrium_store *s, enum atrium_purge_kind kind, char **ret);

/* store_sqlite_migrate.c */
int atrium_sqlite_migrate(struct atrium_store *s, int *ret_version);

/* store_sqlite_oauth.c: the oauth ops table and helpers its files share. */
extern const struct atrium_store_oauth_ops atrium_sqlite_oauth_ops;

/*
 * An atomic unit of several statements: its own BEGIN IMMEDIATE transaction
 * when none is open, else a SAVEPOINT inside the caller's, so it works both
 * ways. end commits (releases) when r is 0, else rolls the unit back; it
 * returns r, or the commit's error. Units write: begin refuses a read
 * snapshot (EINTERNAL).
 */
int atrium_sqlite_atomic_begin(struct atrium_store_sqlite *s, bool *ret_nested);
int atrium_sqlite_atomic_end(struct atrium_store_sqlite *s, bool nested, int r);

/* Reads the current row of st into the struct at ret. */
typedef void (*atrium_sqlite_reader)(sqlite3_stmt *st, void *ret);
/* Step a bound single-row query into *ret and reset it; ENOTFOUND when there is no row.
 * read may be NULL: an existence check. */
int atrium_sqlite_get_row(sqlite3_stmt *st, atrium_sqlite_reader read, void *ret);
/*
 * Step a bound query into a growing array of size-byte items and reset it.
 * *items and *count hold what was read even on failure (the caller releases).
 */
int atrium_sqlite_get_rows(sqlite3_stmt *st, atrium_sqlite_reader read, size_t size, void **items,
                           size_t *count);
/*
 * One keyset page of a tenant's rows: the statement sql (prepared once as id)
 * must take ?1 tenant_id, ?2 the id to start after ("" for the first page) and
 * ?3 the limit. Items as atrium_sqlite_get_rows (the caller releases, even on failure).
 */
int atrium_sqlite_get_page(struct atrium_store_sqlite *s, int id, const char *sql,
                           const char *tenant_id, const char *after_id, size_t limit,
                           atrium_sqlite_reader read, size_t size, void **items, size_t *count);
/*
 * Step a write whose RETURNING clause gives at most one row, to its end;
 * *ret_found says whether a row was read into *ret (then the caller
 * releases it, even on failure).
 */
int atrium_sqlite_returning_row(sqlite3_stmt *st, atrium_sqlite_reader read, void *ret,
                                bool *ret_found);

/* store_sqlite_app.c */
int atrium_sqlite_app_insert(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_application *a);
int atrium_sqlite_app_get(struct atrium_store *s, const char *tenant_id, const char *object_id,
                          struct atrium_application *ret);
int atrium_sqlite_app_get_by_app_id(struct atrium_store *s, const char *tenant_id,
                                    const char *app_id, struct atrium_application *ret);
int atrium_sqlite_app_find_global(struct atrium_store *s, const char *app_id,
                                  struct atrium_application *ret);
int atrium_sqlite_app_list(struct atrium_store *s, const char *tenant_id, const char *after_id,
                           size_t limit, struct atrium_application_list *ret);
int atrium_sqlite_app_update(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_application *a);
int atrium_sqlite_app_delete(struct atrium_store *s, const char *tenant_id, const char *object_id);
int atrium_sqlite_app_password_insert(struct atrium_store *s, const char *tenant_id,
                                      const struct atrium_app_password *p);
int atrium_sqlite_app_password_delete(struct atrium_store *s, const char *tenant_id,
                                      const char *app_object_id, const char *key_id);
int atrium_sqlite_app_password_list(struct atrium_store *s, const char *tenant_id,
                                    const char *app_object_id,
                                    struct atrium_app_password_list *ret);

/* store_sqlite_sp.c */
int atrium_sqlite_sp_insert(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_service_principal *sp);
int atrium_sqlite_sp_get(struct atrium_store *s, const char *tenant_id, const char *id,
                         struct atrium_service_principal *ret);
int atrium_sqlite_sp_get_by_app_id(struct atrium_store *s, const char *tenant_id,
                                   const char *app_id, struct atrium_service_principal *ret);
int atrium_sqlite_sp_brief_by_app_id(struct atrium_store *s, const char *tenant_id,
                                     const char *app_id, struct atrium_service_principal *ret);
int atrium_sqlite_sp_list(struct atrium_store *s, const char *tenant_id, const char *after_id,
                          size_t limit, struct atrium_service_principal_list *ret);
int atrium_sqlite_sp_update(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_service_principal *sp);
int atrium_sqlite_sp_delete(struct atrium_store *s, const char *tenant_id, const char *id);
/* The rows of sp_delete without its atomic unit, for app_delete's. */
int atrium_sqlite_sp_delete_rows(struct atrium_store_sqlite *s, const char *tenant_id,
                                 const char *id);
int atrium_sqlite_ara_insert(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_app_role_assignment *a);
int atrium_sqlite_ara_delete(struct atrium_store *s, const char *tenant_id, const char *id);
int atrium_sqlite_ara_of_principal(struct atrium_store *s, const char *tenant_id,
                                   const char *principal_id,
                                   struct atrium_app_role_assignment_list *ret);
int atrium_sqlite_ara_of_resource(struct atrium_store *s, const char *tenant_id,
                                  const char *resource_id,
                                  struct atrium_app_role_assignment_list *ret);
int atrium_sqlite_grant_insert(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_oauth2_grant *g);
int atrium_sqlite_grant_update_scope(struct atrium_store *s, const char *tenant_id, const char *id,
                                     const char *scope);
int atrium_sqlite_grant_delete(struct atrium_store *s, const char *tenant_id, const char *id);
int atrium_sqlite_grant_get(struct atrium_store *s, const char *tenant_id, const char *id,
                            struct atrium_oauth2_grant *ret);
int atrium_sqlite_grant_list(struct atrium_store *s, const char *tenant_id, const char *client_id,
                             struct atrium_oauth2_grant_list *ret);

/* store_sqlite_token.c */
int atrium_sqlite_code_insert(struct atrium_store *s, const struct atrium_auth_code *c);
int atrium_sqlite_code_redeem(struct atrium_store *s, const char *tenant_id, const char *code_hash,
                              int64_t now, struct atrium_auth_code *ret);
int atrium_sqlite_refresh_insert(struct atrium_store *s, const struct atrium_refresh_token *t);
int atrium_sqlite_refresh_use(struct atrium_store *s, const char *tenant_id, const char *token_hash,
                              int64_t now, struct atrium_refresh_token *ret);
int atrium_sqlite_refresh_revoke_family(struct atrium_store *s, const char *tenant_id,
                                        const char *family_id, size_t *ret_count);
int atrium_sqlite_refresh_revoke_user(struct atrium_store *s, const char *tenant_id,
                                      const char *user_id);
int atrium_sqlite_device_insert(struct atrium_store *s, const struct atrium_device_code *d);
int atrium_sqlite_device_get_by_user_code(struct atrium_store *s, const char *tenant_id,
                                          const char *user_code, int64_t now,
                                          struct atrium_device_code *ret);
int atrium_sqlite_device_decide(struct atrium_store *s, const char *tenant_id,
                                const char *user_code, int64_t now, bool approve,
                                const char *user_id, int64_t auth_time);
int atrium_sqlite_device_poll(struct atrium_store *s, const char *tenant_id,
                              const char *device_code_hash, int64_t now,
                              struct atrium_device_code *ret);

/* store_sqlite_signin.c */
/* The sign-in event columns, in the order atrium_sqlite_read_signin reads them. */
#define ATRIUM_SQLITE_SIGNIN_COLUMNS                                                               \
    "id, tenant_id, user_id, user_principal_name, app_id, app_display_name, ip_address,"           \
    " client_request_id, grant_type, error_code, failure_reason, created"
/* An atrium_sqlite_reader for ATRIUM_SQLITE_SIGNIN_COLUMNS into a struct atrium_signin_event. */
void atrium_sqlite_read_signin(sqlite3_stmt *st, void *ret);
int atrium_sqlite_session_insert(struct atrium_store *s, const struct atrium_session *ss);
int atrium_sqlite_session_get(struct atrium_store *s, const char *tenant_id, const char *id_hash,
                              int64_t now, struct atrium_session *ret);
int atrium_sqlite_session_delete(struct atrium_store *s, const char *tenant_id,
                                 const char *id_hash);
int atrium_sqlite_session_delete_user(struct atrium_store *s, const char *tenant_id,
                                      const char *user_id, size_t *ret_count);
int atrium_sqlite_signing_key_insert(struct atrium_store *s,
                                     const struct atrium_signing_key_record *k);
int atrium_sqlite_signing_key_list(struct atrium_store *s, int64_t now,
                                   struct atrium_signing_key_list *ret);
int atrium_sqlite_signing_key_activate(struct atrium_store *s, const char *kid, int64_t retire_at);
int atrium_sqlite_signin_insert(struct atrium_store *s, const struct atrium_signin_event *ev);
int atrium_sqlite_signin_list(struct atrium_store *s, const char *tenant_id, int64_t before_created,
                              const char *before_id, size_t limit,
                              struct atrium_signin_event_list *ret);

/* store_sqlite_lockout.c */
int atrium_sqlite_lockout_get(struct atrium_store *s, const char *tenant_id, const char *user_id,
                              struct atrium_lockout *ret);
int atrium_sqlite_lockout_put(struct atrium_store *s, const struct atrium_lockout *l);
int atrium_sqlite_name_lockout_get(struct atrium_store *s, const char *tenant_id,
                                   const char *name_key, struct atrium_lockout *ret);
int atrium_sqlite_name_lockout_put(struct atrium_store *s, const char *tenant_id,
                                   const char *name_key, const struct atrium_lockout *l,
                                   int64_t stale_before);

/* store_sqlite_audit.c */
int atrium_sqlite_audit_insert(struct atrium_store *s, const struct atrium_directory_audit *a);
int atrium_sqlite_audit_get(struct atrium_store *s, const char *tenant_id, const char *id,
                            struct atrium_directory_audit *ret);
int atrium_sqlite_audit_list(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_audit_filter *f,
                             const struct atrium_log_cursor *after, size_t limit,
                             struct atrium_directory_audit_list *ret);
int atrium_sqlite_signin_query(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_signin_filter *f,
                               const struct atrium_log_cursor *after, size_t limit,
                               struct atrium_signin_event_list *ret);
