/* SPDX-License-Identifier: MIT */
/* Shared by the users files of graph/ (users_*.c, organization.c); see users_api.h. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "graph/users_api.h"

/* The writable properties of a user body, as bits of struct atrium_user_changes.mask. */
enum atrium_user_field {
    ATRIUM_UF_ACCOUNT_ENABLED,
    ATRIUM_UF_DISPLAY_NAME,
    ATRIUM_UF_GIVEN_NAME,
    ATRIUM_UF_SURNAME,
    ATRIUM_UF_MAIL,
    ATRIUM_UF_JOB_TITLE,
    ATRIUM_UF_UPN,
    ATRIUM_UF_PASSWORD_PROFILE,
    ATRIUM_UF_BUSINESS_PHONES,
    ATRIUM_UF_OTHER_MAILS,
    ATRIUM_UF_ATTR0, /* + enum atrium_user_attr */
    ATRIUM_UF__MAX = ATRIUM_UF_ATTR0 + ATRIUM_USER_ATTR__MAX,
};

#define ATRIUM_UF_BIT(f) (UINT32_C(1) << (f))

/* What a body changed; password points into the body (never logged). */
struct atrium_user_changes {
    uint32_t mask;        /* ATRIUM_UF_BIT of each property present */
    const char *password; /* passwordProfile.password; NULL when absent */
    bool has_force;       /* passwordProfile.forceChangePasswordNextSignIn present */
    bool force;
};

/* The Graph name of a body property. */
const char *atrium_graph_user_field_name(enum atrium_user_field f);

/*
 * Check the body property by property and apply it to u (a fresh user for
 * create, the stored one for PATCH). Unknown properties: EINVAL "Unknown
 * property 'x'."; read-only ones: EINVAL naming them; on create, the
 * properties Graph requires must be there. Does not check the UPN's domain
 * (atrium_graph_upn_domain_check) nor the password policy.
 */
int atrium_graph_user_apply(struct atrium_user *u, const json_t *body, bool create,
                            struct atrium_user_changes *ret, struct atrium_errinfo *e);

/* Load an active user by GUID or UPN; the Graph not-found error otherwise. */
int atrium_graph_user_lookup(struct atrium_store *s, const char *tenant_id, const char *id_or_upn,
                             struct atrium_user *ret, struct atrium_errinfo *e);

/*
 * May who manage target (users_authz.c)? password_only: the change is only
 * a password reset (Helpdesk Administrators may do that for users without
 * roles). EFORBIDDEN otherwise.
 */
int atrium_graph_user_may_manage(struct atrium_store *s, const char *tenant_id,
                                 const struct atrium_principal *who,
                                 const struct atrium_user *target, bool password_only,
                                 bool resets_password, struct atrium_errinfo *e);

/* The directory audit entry of a user change (changes NULL: no property list). */
int atrium_graph_user_audit(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const char *activity,
                            const char *operation_type, const struct atrium_user *u, uint32_t mask,
                            struct atrium_errinfo *e);

/* Commit when rc is 0, else roll back; returns rc or the commit's error (graph store failure). */
int atrium_graph_users_txn_end(struct atrium_store *s, int rc, struct atrium_errinfo *e);
