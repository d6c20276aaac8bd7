/* SPDX-License-Identifier: MIT */
/*
 * Who is calling: the result of validating a bearer token, handed by the
 * HTTP layer to the directory services so they can authorize without
 * knowing anything about tokens. Pure struct.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/rand.h"

#define ATRIUM_PRINCIPAL_MAX_ITEMS 64

struct atrium_principal {
    char tenant_id[ATRIUM_UUID_LEN + 1];
    bool app_only;                           /* client credentials: no user */
    char user_id[ATRIUM_UUID_LEN + 1];       /* "" when app_only */
    char client_app_id[ATRIUM_UUID_LEN + 1]; /* azp */
    char token_id[64];                       /* uti, for audit */
    /*
     * Delegated scopes (scp), application permissions (roles), directory
     * role template ids (wids).
     */
    char *scopes[ATRIUM_PRINCIPAL_MAX_ITEMS];
    size_t scope_count;
    char *roles[ATRIUM_PRINCIPAL_MAX_ITEMS];
    size_t role_count;
    char *wids[ATRIUM_PRINCIPAL_MAX_ITEMS];
    size_t wid_count;

    /* Request context for the audit log, set by the HTTP layer ("" when unknown). */
    char correlation_id[129]; /* the client-request-id, else the request id */
    char ip_address[64];      /* the caller's address */
};

void atrium_principal_release(struct atrium_principal *p);
/* True when the principal holds value in scopes (delegated) or roles (app-only). */
bool atrium_principal_has_permission(const struct atrium_principal *p, const char *value);
/* True when the (delegated) principal holds the directory role template id. */
bool atrium_principal_has_role(const struct atrium_principal *p, const char *template_id);
