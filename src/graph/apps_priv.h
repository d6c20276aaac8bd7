/* SPDX-License-Identifier: MIT */
/*
 * Private to the application services of src/graph/: object id parsing,
 * error helpers, definition (de)serialisation, the live permissions of a
 * service principal, and keyset page scanning with an in-memory filter.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "graph/apps.h"

struct atrium_errinfo;

/* A path or body id: a GUID (any case) into out, lowercase. ATRIUM_EINVAL otherwise. */
int atrium_graph_id(const char *in, const char *field, char out[ATRIUM_UUID_LEN + 1],
                    struct atrium_errinfo *e);
/* Graph's 404 for id. Returns ATRIUM_ENOTFOUND. */
int atrium_graph_not_found(struct atrium_errinfo *e, const char *id);
/* A store failure rc (not ENOTFOUND) with a generic message. Returns rc. */
int atrium_graph_store_fail(struct atrium_errinfo *e, int rc);

/* The tenant's application id (a GUID path segment) into ret; 404 when missing or another tenant's.
 */
int atrium_graph_app_load(struct atrium_store *s, const char *tenant_id, const char *id,
                          struct atrium_application *ret, struct atrium_errinfo *e);

/* Parse stored definition text: always an object (empty when missing or bad). Caller owns. */
json_t *atrium_graph_def_parse(const char *text);
/* Compact text of def (heap); ATRIUM_ETOOBIG past ATRIUM_APP_DEFINITION_MAX. */
int atrium_graph_def_dump(const json_t *def, char **ret, struct atrium_errinfo *e);

/* Run body between begin and commit; rollback when body fails. */
int atrium_graph_txn_end(struct atrium_store *s, int rc, struct atrium_errinfo *e);

/*
 * The definition of a service principal as Graph shows it: appRoles,
 * oauth2PermissionScopes, servicePrincipalNames and replyUrls taken live
 * from its application when there is one (any tenant: the principal names
 * it), else from the stored definition (built-ins). Caller owns *ret.
 */
int atrium_graph_sp_definition(struct atrium_store *s, const struct atrium_service_principal *sp,
                               json_t **ret, struct atrium_errinfo *e);
/* The service principal definition text derived from an application (heap). */
int atrium_graph_sp_def_from_app(const char *app_id, const json_t *app_def, char **ret,
                                 struct atrium_errinfo *e);
/* Is sp one of the built-in principals (the directory API, the first-party client)? */
bool atrium_graph_sp_is_builtin(const struct atrium_service_principal *sp);

/* Give appRoles and oauth2PermissionScopes entries their defaulted members (in place). */
void atrium_graph_fill_permissions(json_t *app_roles, json_t *scopes);

/* --- keyset scanning (paging.c) ---------------------------------------------- */

/* How to page through one kind of store object. */
struct atrium_graph_scan_ops {
    size_t item_size;
    /* One store page after after_id (NULL or "": from the start), ordered by id. */
    int (*page)(struct atrium_store *s, const char *tenant_id, const char *after_id, size_t limit,
                void **ret_items, size_t *ret_count);
    const char *(*id)(const void *item);
    bool (*match)(const void *item, const struct atrium_odata_filter *f);
    void (*release)(void *item);
};

/*
 * Collect up to q->top items after q->after_id that match q->filter into a
 * fresh array (*ret_items, *ret_count; caller releases each item and frees
 * the array). ret_next is the cursor of the next page, "" when this is the
 * last. Scans at most a bounded number of rows per call; when the budget
 * runs out the page may be short (even empty) but ret_next continues.
 */
int atrium_graph_scan(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_odata_query *q, const struct atrium_graph_scan_ops *ops,
                      void **ret_items, size_t *ret_count, char ret_next[ATRIUM_UUID_LEN + 1]);
