/* SPDX-License-Identifier: MIT */
/*
 * An application's groupMembershipClaims: which groups its tokens carry in
 * the "groups" claim. Entra's values: "None", "SecurityGroup",
 * "DirectoryRole", "ApplicationGroup", "All", or a comma-separated
 * combination. Atrium emits security groups for SecurityGroup and every
 * group for All; directory roles are always in "wids", and ApplicationGroup
 * (groups assigned to the app) adds nothing yet. Pure.
 */
#pragma once

#define ATRIUM_GROUPS_CLAIM_MAX 200 /* ids in a token; beyond: "hasgroups": true */

enum atrium_group_claims {
    ATRIUM_GROUP_CLAIMS_NONE = 0,
    ATRIUM_GROUP_CLAIMS_SECURITY = 1u << 0,    /* SecurityGroup */
    ATRIUM_GROUP_CLAIMS_ROLES = 1u << 1,       /* DirectoryRole */
    ATRIUM_GROUP_CLAIMS_APPLICATION = 1u << 2, /* ApplicationGroup */
    ATRIUM_GROUP_CLAIMS_ALL = 1u << 3,         /* All */
};

/*
 * Parse a groupMembershipClaims value (NULL: None) into a set of enum
 * atrium_group_claims bits; names are case-insensitive, spaces around
 * commas ignored. ATRIUM_EINVAL for anything else.
 */
int atrium_group_claims_parse(const char *value, unsigned *ret);
