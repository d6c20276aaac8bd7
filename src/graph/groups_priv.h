/* SPDX-License-Identifier: MIT */
/*
 * Private to the group and role services of src/graph/: loading objects by
 * path id, resolving @odata.id references, rendering directory objects,
 * the nesting-safe member link, and the last-Global-Administrator guard.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "graph/groups.h"
#include "model/user.h"

/* The tenant's group for a path id (a GUID); 404 when missing or another tenant's. */
int atrium_graph_group_load(struct atrium_store *s, const char *tenant_id, const char *id,
                            struct atrium_group *ret, struct atrium_errinfo *e);
/* A user (GUID or UPN) or group (GUID) path id into a reference of the tenant. */
int atrium_graph_object_load(struct atrium_store *s, const char *tenant_id,
                             enum atrium_member_kind kind, const char *id,
                             struct atrium_member_ref *ret, struct atrium_errinfo *e);

/*
 * Resolve one reference URL (".../directoryObjects/{id}", ".../users/{id or
 * UPN}", ".../groups/{id}", or the "collection('{id}')" form) to an object
 * of the tenant. EINVAL (naming field) when malformed; ENOTFOUND when the
 * object is missing, another tenant's, or not of the collection named.
 */
int atrium_graph_ref_resolve(struct atrium_store *s, const char *tenant_id, const char *url,
                             const char *field, struct atrium_member_ref *ret,
                             struct atrium_errinfo *e);
/* The "@odata.id" of a $ref body, resolved. */
int atrium_graph_ref_body(struct atrium_store *s, const char *tenant_id, const json_t *body,
                          struct atrium_member_ref *ret, struct atrium_errinfo *e);

/* Graph's "already exist" 400 for property ("members", "owners"). Returns ATRIUM_EINVAL. */
int atrium_graph_ref_exists(struct atrium_errinfo *e, const char *property);

/*
 * Link m as a member of group g after the nesting checks (no cycle, at
 * most ATRIUM_GROUP_NESTING_MAX levels), or as an owner (users only), and
 * audit it. Run inside the caller's transaction, so the checks, the insert
 * and the audit entry see one state.
 */
int atrium_graph_group_link(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const struct atrium_group *g,
                            enum atrium_group_link link, const struct atrium_member_ref *m,
                            struct atrium_errinfo *e);

/*
 * Audit entries (groups_audit.c), in the caller's transaction: a group
 * change, with the member or owner it concerns (m may be NULL); a role
 * change (activation: principal_id NULL).
 */
int atrium_graph_group_audit(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_principal *who, const char *activity,
                             const char *op, const struct atrium_group *g,
                             const struct atrium_member_ref *m, struct atrium_errinfo *e);
int atrium_graph_role_audit(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const char *activity,
                            const char *op, const char *template_id, const char *principal_id,
                            struct atrium_errinfo *e);

/*
 * Render a directory object: a user (Graph's default user properties) or a
 * group, with "@odata.type". *ret is NULL (no error) when the object is gone.
 */
int atrium_graph_dirobj_render(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_member_ref *m, json_t **ret,
                               struct atrium_errinfo *e);
json_t *atrium_graph_user_dirobj(const struct atrium_user *u);
/* The group as a directoryObject: the resource with its "@odata.type" first. */
json_t *atrium_graph_group_dirobj(const struct atrium_group *g);
/* Render refs into the array items (objects gone meanwhile are skipped). */
int atrium_graph_render_refs(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_member_ref *refs, size_t count, json_t *items,
                             struct atrium_errinfo *e);

struct atrium_group_closure;
/* The index of the first item of c (sorted by id) strictly after after_id. */
size_t atrium_graph_closure_after(const struct atrium_group_closure *c, const char *after_id);

/* Role templates by directoryRole / roleDefinition id (a GUID, any case); 404 when unknown. */
int atrium_graph_role_template_load(const char *id, const struct atrium_role_template **ret,
                                    struct atrium_errinfo *e);
/* Is the template active in the tenant (Global Administrator, activated, or assigned)? */
int atrium_graph_role_is_active(struct atrium_store *s, const char *tenant_id,
                                const char *template_id, bool *ret, struct atrium_errinfo *e);
/*
 * Assign template_id to the user user_id and audit it (the caller's
 * transaction); EINVAL with Graph's message when the user holds it
 * already. *ret may be NULL.
 */
int atrium_graph_role_assign_user(struct atrium_store *s, const char *tenant_id,
                                  const struct atrium_principal *who, const char *template_id,
                                  const char *user_id, const char *property,
                                  struct atrium_role_assignment *ret, struct atrium_errinfo *e);
/*
 * Delete assignment a unless it is the tenant's last Global Administrator
 * held by an enabled user (EINVAL), and audit it. Inside the caller's
 * transaction.
 */
int atrium_graph_role_unassign(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *who,
                               const struct atrium_role_assignment *a, struct atrium_errinfo *e);
