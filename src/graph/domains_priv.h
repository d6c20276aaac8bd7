/* SPDX-License-Identifier: MIT */
/*
 * Private to the domain services (domains.c, domain_verify.c): domain id
 * normalisation, loading, the "verified elsewhere" check and error helpers.
 */
#pragma once

#include <stdbool.h>

#include "graph/domains.h"

/*
 * A domain name as a client wrote it (id in a body or path) into its
 * canonical form: ASCII-lowercased, one trailing dot dropped. ATRIUM_EINVAL
 * naming field when it is not a valid DNS name.
 */
int atrium_domain_canonical(const char *in, const char *field, char out[ATRIUM_DOMAIN_NAME_MAX + 2],
                            struct atrium_errinfo *e);

/* The tenant's domain id into ret; Graph's 404 when malformed, missing or another tenant's. */
int atrium_domain_load(struct atrium_store *s, const char *tenant_id, const char *id,
                       struct atrium_domain *ret, struct atrium_errinfo *e);

/*
 * Refuse (ATRIUM_EINVAL, the distinct "verified in another tenant" message)
 * when name or one of its parent domains is verified by another tenant.
 * *ret_parent_verified (may be NULL) tells whether a parent is verified by
 * tenant_id itself.
 */
int atrium_domain_check_owner(struct atrium_store *s, const char *tenant_id, const char *name,
                              bool *ret_parent_verified, struct atrium_errinfo *e);

/* The "verified in another tenant" refusal for name. Returns ATRIUM_EINVAL. */
int atrium_domain_taken(struct atrium_errinfo *e, const char *name);

/* A store failure rc with a generic message (ENOTFOUND passes through untouched). */
int atrium_domain_store_fail(struct atrium_errinfo *e, int rc);

/* Commit when rc is 0, else roll back; returns rc or the commit's failure. */
int atrium_domain_txn_end(struct atrium_store *s, int rc, struct atrium_errinfo *e);

/*
 * Record a domain change (category DirectoryManagement, target type
 * "Domain") by the Graph caller p; failure and reason (NULL when it
 * succeeded) mark a refused change. e is filled only when recording fails.
 */
int atrium_domain_audit(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *p, const char *name, const char *activity,
                        const char *operation_type, const char *failure_reason,
                        struct atrium_errinfo *e);
