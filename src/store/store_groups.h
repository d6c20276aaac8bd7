/* SPDX-License-Identifier: MIT */
/*
 * Transitive group membership on top of the ops table (any backend): a
 * bounded breadth-first walk through nested groups, upward (the groups an
 * object belongs to) or downward (the members of a group). Shared by the
 * directory API (transitiveMembers, checkMemberGroups, cycle checks) and the
 * token service (the "groups" claim), so both see the same closure.
 *
 * Every walk is bounded: at most ATRIUM_GROUP_NESTING_MAX levels, at most
 * `cap` distinct objects, and a budget of membership rows read; a visited
 * set makes a cycle harmless. When a bound stops the walk the result is
 * marked truncated (incomplete) instead of failing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/directory_role.h"
#include "store/store.h"

#define ATRIUM_GROUP_NESTING_MAX 16   /* levels of nested groups a walk follows */
#define ATRIUM_GROUP_EXPAND_MAX 11000 /* distinct objects of one walk (Graph's getMemberGroups) */

struct atrium_group_closure {
    struct atrium_member_ref *items; /* sorted by id, unique; never the starting object */
    size_t count;
    size_t depth;   /* levels that found something new (1: direct only; 0: nothing) */
    bool truncated; /* a bound stopped the walk: items are incomplete */
};

void atrium_group_closure_release(struct atrium_group_closure *c);
/* Is id (lowercase GUID) in the closure? Binary search. */
bool atrium_group_closure_has(const struct atrium_group_closure *c, const char *id);

/*
 * Upward: the groups object_id (a user or a group) is a member of, directly
 * or through nested groups. With security_only only security-enabled groups
 * are listed (the walk still passes through the others). At most cap groups
 * are visited (ATRIUM_GROUP_EXPAND_MAX when 0).
 */
int atrium_store_group_transitive_of(struct atrium_store *s, const char *tenant_id,
                                     const char *object_id, size_t cap, bool security_only,
                                     struct atrium_group_closure *ret);

/*
 * Downward: the users and groups that are members of group_id directly or
 * through nested groups (ids the tenant no longer has are skipped); with
 * groups_only just the nested groups. ENOTFOUND when group_id is not a
 * group of the tenant.
 */
int atrium_store_group_transitive_members(struct atrium_store *s, const char *tenant_id,
                                          const char *group_id, size_t cap, bool groups_only,
                                          struct atrium_group_closure *ret);
