/* SPDX-License-Identifier: MIT */
/*
 * Reading the audit and sign-in logs: the audit_read rule, the paged list
 * and get services, and the Graph directoryAudit and signIn shapes; see
 * audit.h.
 */
#include "graph/audit.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/authz.h"
#include "model/directory_role.h"

#define ROLE_GLOBAL_READER "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
#define ROLE_SECURITY_ADMIN "194ae4cb-b126-40b2-bd5b-6091b380977d"
#define ROLE_SECURITY_READER "5d6b6bb7-de71-4623-b4af-96380a352509"
#define ROLE_REPORTS_READER "4a5d8f65-41da-4de4-8968-e035b65339cf"

static const char *const audit_permissions[] = {"AuditLog.Read.All", NULL};
static const char *const audit_roles[] = {ATRIUM_ROLE_GLOBAL_ADMIN, ROLE_GLOBAL_READER,
                                          ROLE_SECURITY_ADMIN,      ROLE_SECURITY_READER,
                                          ROLE_REPORTS_READER,      NULL};

const struct atrium_authz_rule atrium_authz_audit_read = {
    .name = "auditLogs.read",
    .app_permissions = audit_permissions,
    .delegated_scopes = audit_permissions,
    .directory_roles = audit_roles,
};

static int store_fail(struct atrium_errinfo *e, int rc)
{
    if (rc == ATRIUM_EBUSY)
        return atrium_err(e, rc, "", "The directory is busy; retry in a moment.");
    return atrium_err(e, rc, "", "The directory store failed.");
}

/* One page of top items out of up to top + 1 read: the cursor of the next page, if any. */
static void next_cursor(size_t count, size_t top, int64_t time, const char *id,
                        struct atrium_log_cursor *ret)
{
    memset(ret, 0, sizeof(*ret));
    if (count > top) {
        ret->time = time;
        snprintf(ret->id, sizeof(ret->id), "%s", id);
    }
}

int atrium_graph_audit_list(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const struct atrium_log_query *q,
                            struct atrium_directory_audit_list *ret,
                            struct atrium_log_cursor *ret_next, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_audit_read, e);
    if (r < 0)
        return r;
    struct atrium_directory_audit_list l = {0};
    r = s->ops->audit_list(s, tenant_id, &q->audit, q->after.id[0] ? &q->after : NULL, q->top + 1,
                           &l);
    if (r < 0)
        return store_fail(e, r);
    if (l.count > q->top) {
        const struct atrium_directory_audit *last = &l.items[q->top - 1];
        next_cursor(l.count, q->top, last->activity_time, last->id, ret_next);
        for (size_t i = q->top; i < l.count; i++)
            atrium_directory_audit_release(&l.items[i]);
        l.count = q->top;
    } else {
        memset(ret_next, 0, sizeof(*ret_next));
    }
    *ret = l;
    return 0;
}

int atrium_graph_audit_get(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const char *id,
                           struct atrium_directory_audit *ret, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_audit_read, e);
    if (r < 0)
        return r;
    char key[ATRIUM_UUID_LEN + 1] = "";
    if (id && atrium_uuid_is_valid(id)) {
        memcpy(key, id, sizeof(key));
        atrium_str_lower(key);
    }
    r = key[0] ? s->ops->audit_get(s, tenant_id, key, ret) : ATRIUM_ENOTFOUND;
    if (r == ATRIUM_ENOTFOUND)
        return atrium_err(e, r, "",
                          "Resource '%.40s' does not exist or one of its queried "
                          "reference-property objects are not present.",
                          key[0] ? key : "?");
    return r < 0 ? store_fail(e, r) : 0;
}

int atrium_graph_signin_list(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_principal *who, const struct atrium_log_query *q,
                             struct atrium_signin_event_list *ret,
                             struct atrium_log_cursor *ret_next, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_audit_read, e);
    if (r < 0)
        return r;
    struct atrium_signin_event_list l = {0};
    r = s->oauth->signin_query(s, tenant_id, &q->signin, q->after.id[0] ? &q->after : NULL,
                               q->top + 1, &l);
    if (r < 0)
        return store_fail(e, r);
    if (l.count > q->top) {
        const struct atrium_signin_event *last = &l.items[q->top - 1];
        next_cursor(l.count, q->top, last->created, last->id, ret_next);
        for (size_t i = q->top; i < l.count; i++)
            atrium_signin_event_release(&l.items[i]);
        l.count = q->top;
    } else {
        memset(ret_next, 0, sizeof(*ret_next));
    }
    *ret = l;
    return 0;
}

/* --- renderings ------------------------------------------------------------------- */

static json_t *iso_time(int64_t t)
{
    char buf[ATRIUM_ISO8601_LEN + 1];
    atrium_iso8601(t, buf);
    return json_string(buf);
}

/* Stored JSON array text, or [] when missing or damaged. */
static json_t *json_array_text(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_array(v)) {
        json_decref(v);
        v = json_array();
    }
    return v;
}

static json_t *initiated_by(const struct atrium_directory_audit *a)
{
    if (a->initiator == ATRIUM_AUDIT_BY_USER)
        return json_pack("{s:{s:s, s:s?, s:s?, s:s?, s:n}, s:n}", "user", "id", a->initiator_id,
                         "displayName", a->initiator_name, "userPrincipalName", a->initiator_upn,
                         "ipAddress", a->initiator_ip, "userType", "app");
    /* An app, the command line (no appId) or the self-service sign-up. */
    return json_pack("{s:n, s:{s:s?, s:s?, s:s?, s:n}}", "user", "app", "appId",
                     a->initiator_app_id[0] ? a->initiator_app_id : NULL, "displayName",
                     a->initiator_name, "servicePrincipalId",
                     a->initiator_id[0] ? a->initiator_id : NULL, "servicePrincipalName");
}

/* additionalDetails, plus the address of an app or CLI initiator (Graph has no field for it). */
static json_t *details(const struct atrium_directory_audit *a)
{
    json_t *list = json_array_text(a->details);
    if (a->initiator != ATRIUM_AUDIT_BY_USER && a->initiator_ip && *a->initiator_ip)
        json_array_append_new(
            list, json_pack("{s:s, s:s}", "key", "ipAddress", "value", a->initiator_ip));
    return list;
}

json_t *atrium_graph_audit_to_json(const struct atrium_directory_audit *a)
{
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o}", "id", a->id, "category",
        a->category ? a->category : "", "correlationId", a->correlation_id ? a->correlation_id : "",
        "result", a->success ? "success" : "failure", "resultReason",
        a->result_reason ? a->result_reason : "", "activityDisplayName",
        a->activity ? a->activity : "", "activityDateTime", iso_time(a->activity_time),
        "loggedByService", ATRIUM_AUDIT_LOGGED_BY, "operationType",
        a->operation_type ? a->operation_type : "", "initiatedBy", initiated_by(a),
        "targetResources", json_array_text(a->targets), "additionalDetails", details(a));
}

/* Entra's clientAppUsed for the grant that produced the event. */
static const char *client_app_used(const char *grant)
{
    if (grant && strcmp(grant, "authorization_code") == 0)
        return "Browser";
    return "Mobile Apps and Desktop clients";
}

static json_t *signin_status(const struct atrium_signin_event *ev)
{
    return json_pack("{s:i, s:s, s:n}", "errorCode", ev->error_code, "failureReason",
                     ev->error_code ? (ev->failure_reason ? ev->failure_reason : "Other.") : "",
                     "additionalDetails");
}

json_t *atrium_graph_signin_to_json(struct atrium_store *s, const struct atrium_signin_event *ev)
{
    struct atrium_user u = {0};
    if (ev->user_id[0] && s->ops->user_get(s, ev->tenant_id, ev->user_id, &u) < 0)
        atrium_user_release(&u);
    bool interactive = !ev->grant || strcmp(ev->grant, "refresh_token") != 0;
    json_t *obj = json_pack(
        "{s:s, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:s, s:b, s:n, s:n, s:s, "
        "s:[], s:o}",
        "id", ev->id, "createdDateTime", iso_time(ev->created), "userDisplayName", u.display_name,
        "userPrincipalName", ev->user_principal_name, "userId", ev->user_id[0] ? ev->user_id : NULL,
        "appId", ev->app_id[0] ? ev->app_id : NULL, "appDisplayName", ev->app_display_name,
        "ipAddress", ev->ip_address, "clientAppUsed", client_app_used(ev->grant), "correlationId",
        ev->client_request_id, "conditionalAccessStatus", "notApplied", "isInteractive",
        interactive, "resourceDisplayName", "resourceId", "riskState", "none",
        "appliedConditionalAccessPolicies", "status", signin_status(ev));
    atrium_user_release(&u);
    return obj;
}
