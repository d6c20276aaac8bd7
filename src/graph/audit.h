/* SPDX-License-Identifier: MIT */
/*
 * The directory audit log and the sign-in log of the directory API.
 *
 * Recording (audit_record.c): every directory write calls
 * atrium_audit_record (an explicit initiator: the command line, the
 * self-service sign-up, a user or an app) or atrium_audit_record_by (the
 * Graph caller, resolved to its user or service principal), inside the
 * write's store transaction when it has one, so the change and its entry
 * commit or roll back together. Entries never hold secret values (see
 * atrium_directory_audit_build in model/audit.h).
 *
 * Reading (audit_logs.c, audit_query.c): GET /auditLogs/directoryAudits
 * (and /{id}) and GET /auditLogs/signIns, newest first with keyset paging
 * ($skiptoken), $top 1-999 (default 100) and a $filter of clauses joined by
 * "and": activityDateTime / createdDateTime ge|le|gt|lt <ISO 8601>, and eq
 * on category, activityDisplayName, correlationId, initiatedBy/user/id,
 * initiatedBy/app/appId (audits) or userId, userPrincipalName, appId,
 * status/errorCode (sign-ins). Everything is scoped to the caller's tenant.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "model/audit.h"
#include "store/store.h"
#include "store/store_oauth.h"

struct atrium_authz_rule;
struct atrium_errinfo;
struct atrium_principal;

#define ATRIUM_AUDIT_LOGGED_BY "Core Directory"
#define ATRIUM_AUDIT_SIGNUP_NAME "Self-service sign-up" /* initiator of HTTP sign-ups */

/* --- Recording (audit_record.c) ------------------------------------------------- */

/* The command line as initiator (fresh correlation id per entry). */
extern const struct atrium_audit_actor atrium_audit_actor_cli;

/*
 * Append the entry of ev by actor to tenant_id's audit log (in the
 * caller's open transaction, if any). A store failure is returned so the
 * caller can roll the change back with it.
 */
int atrium_audit_record(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_audit_actor *actor,
                        const struct atrium_audit_event *ev);

/*
 * The same with the Graph caller as initiator: a delegated caller is the
 * user (userPrincipalName and displayName looked up in the tenant), an
 * app-only caller the app (its service principal looked up); correlation
 * id and address come from the principal's request context.
 */
int atrium_audit_record_by(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const struct atrium_audit_event *ev);

/*
 * The common case of atrium_audit_record_by: one target, a successful
 * change. On failure e says the change was not made (the caller rolls
 * its transaction back).
 */
int atrium_audit_one_by(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *who, const char *category,
                        const char *activity, const char *operation_type,
                        const struct atrium_audit_target *target, struct atrium_errinfo *e);

/* --- Reading: query options (audit_query.c) -------------------------------------- */

enum atrium_log_kind {
    ATRIUM_LOG_AUDITS,  /* directoryAudits */
    ATRIUM_LOG_SIGNINS, /* signIns */
};

struct atrium_log_query {
    enum atrium_log_kind kind;
    size_t top;
    struct atrium_audit_filter audit;   /* ATRIUM_LOG_AUDITS */
    struct atrium_signin_filter signin; /* ATRIUM_LOG_SIGNINS */
    struct atrium_log_cursor after;     /* from $skiptoken; id "" on the first page */
    char *raw_filter;                   /* $filter as given, for the next link (heap) */
};

void atrium_log_query_init(struct atrium_log_query *q, enum atrium_log_kind kind);
void atrium_log_query_release(struct atrium_log_query *q);

/*
 * Apply one decoded query parameter: $top, $filter, $skiptoken, $orderby
 * (only the log's own order, "<time> desc"), $count (ignored); other "$"
 * options are ATRIUM_EINVAL, names without "$" are ignored.
 */
int atrium_log_query_set(struct atrium_log_query *q, const char *name, const char *value,
                         struct atrium_errinfo *e);

/* The opaque $skiptoken of a cursor (heap, URL-safe). */
char *atrium_log_skiptoken_encode(const struct atrium_log_cursor *c);

/* --- Reading: services and renderings (audit_logs.c) --------------------------- */

/*
 * audit_read: GET /auditLogs/directoryAudits, /directoryAudits/{id} and /signIns.
 *   app-only  AuditLog.Read.All
 *   delegated AuditLog.Read.All, and the user is Global Administrator,
 *             Global Reader, Security Administrator, Security Reader or
 *             Reports Reader.
 */
extern const struct atrium_authz_rule atrium_authz_audit_read;

/* A page of the tenant's directory audits; ret_next->id "" on the last page. */
int atrium_graph_audit_list(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const struct atrium_log_query *q,
                            struct atrium_directory_audit_list *ret,
                            struct atrium_log_cursor *ret_next, struct atrium_errinfo *e);
int atrium_graph_audit_get(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const char *id,
                           struct atrium_directory_audit *ret, struct atrium_errinfo *e);
/* A page of the tenant's sign-in events; ret_next->id "" on the last page. */
int atrium_graph_signin_list(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_principal *who, const struct atrium_log_query *q,
                             struct atrium_signin_event_list *ret,
                             struct atrium_log_cursor *ret_next, struct atrium_errinfo *e);

/* The Graph directoryAudit resource (caller owns). */
json_t *atrium_graph_audit_to_json(const struct atrium_directory_audit *a);
/* The Graph signIn resource; the user's displayName is looked up in the tenant. */
json_t *atrium_graph_signin_to_json(struct atrium_store *s, const struct atrium_signin_event *ev);
