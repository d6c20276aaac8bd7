/* SPDX-License-Identifier: MIT */
/*
 * The built-in service principals every tenant has (model/builtin_apps.h):
 * the directory API ("Microsoft Graph") with its app roles and delegated
 * scopes, and the first-party public client. Written on top of the ops
 * tables only, so it works on any backend.
 */
#pragma once

struct atrium_store;

/*
 * Create, in tenant_id, whichever of the two service principals is missing.
 * Idempotent and safe against concurrent callers (ECONFLICT from a racing
 * creator counts as success); an existing principal is left as it is.
 * ENOTFOUND when the tenant does not exist. Call it outside or inside a
 * transaction.
 */
int atrium_store_ensure_builtin_principals(struct atrium_store *s, const char *tenant_id);
