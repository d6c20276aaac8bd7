/* SPDX-License-Identifier: MIT */
/*
 * The directory audit log record (Graph directoryAudit) as stored, how one
 * is built from an initiator and an event (bounded, cleaned, secrets
 * redacted), the filters of the audit and sign-in log queries, and their
 * keyset cursor. Target resources and additional details travel as JSON
 * text in the Graph shape; the store keeps them opaque. Pure: no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rand.h"

#define ATRIUM_AUDIT_TEXT_MAX 256          /* category, activity, names, reason */
#define ATRIUM_AUDIT_CORRELATION_MAX 128   /* correlation id */
#define ATRIUM_AUDIT_JSON_MAX (64u << 10)  /* bytes of targets or details JSON text */
#define ATRIUM_AUDIT_FILTER_VALUE_MAX 1024 /* a string literal of a log $filter */
#define ATRIUM_AUDIT_TARGETS_MAX 8         /* targetResources kept per entry */
#define ATRIUM_AUDIT_CHANGES_MAX 24        /* modifiedProperties kept per target */
#define ATRIUM_AUDIT_DETAILS_MAX 8         /* additionalDetails kept per entry */
#define ATRIUM_AUDIT_VALUE_MAX 512         /* bytes of one old or new value */

/* The initiator name of entries made by the command line. */
#define ATRIUM_AUDIT_CLI_NAME "Atrium CLI"

/* Categories (Entra's names). */
#define ATRIUM_AUDIT_CAT_USER "UserManagement"
#define ATRIUM_AUDIT_CAT_GROUP "GroupManagement"
#define ATRIUM_AUDIT_CAT_APP "ApplicationManagement"
#define ATRIUM_AUDIT_CAT_ROLE "RoleManagement"
#define ATRIUM_AUDIT_CAT_DIRECTORY "DirectoryManagement"

enum atrium_audit_initiator {
    ATRIUM_AUDIT_BY_USER = 1, /* a signed-in user (delegated token) */
    ATRIUM_AUDIT_BY_APP = 2,  /* an application (app-only token, or self-service sign-up) */
    ATRIUM_AUDIT_BY_CLI = 3,  /* the local admin command line */
};

/* One directory audit entry. Strings are heap (NULL when unset) unless fixed arrays. */
struct atrium_directory_audit {
    char id[ATRIUM_UUID_LEN + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    int64_t activity_time; /* Unix seconds */
    char *category;        /* "UserManagement", "ApplicationManagement", ... */
    char *activity;        /* activityDisplayName: "Add user" */
    char *operation_type;  /* "Add", "Update", "Delete", "Assign", "Unassign" */
    bool success;          /* result: success or failure */
    char *result_reason;   /* NULL when none */
    char *correlation_id;
    enum atrium_audit_initiator initiator;
    char initiator_id[ATRIUM_UUID_LEN + 1];     /* user id, or the app's service principal id */
    char initiator_app_id[ATRIUM_UUID_LEN + 1]; /* APP: appId ("" when none) */
    char *initiator_upn;                        /* USER */
    char *initiator_name;                       /* displayName of the user or app */
    char *initiator_ip;                         /* NULL when unknown */
    char *targets; /* JSON array text: targetResources, never a secret value */
    char *details; /* JSON array text: additionalDetails [{key, value}] */
};

void atrium_directory_audit_release(struct atrium_directory_audit *a);

/*
 * Who made a change. Borrowed strings, any may be NULL: USER has id (the
 * user's object id), user_principal_name, display_name; APP has app_id,
 * id (its service principal in the tenant) and display_name; CLI needs
 * nothing. correlation_id NULL gets a fresh GUID.
 */
struct atrium_audit_actor {
    enum atrium_audit_initiator kind;
    const char *id;
    const char *app_id;
    const char *user_principal_name;
    const char *display_name;
    const char *ip_address;
    const char *correlation_id;
};

/* One modified property: plain values (NULL: none), recorded as Entra does ("[\"v\"]"). */
struct atrium_audit_change {
    const char *name;
    const char *old_value;
    const char *new_value;
};

/* One target resource. type: "User", "Group", "Application", "ServicePrincipal", ... */
struct atrium_audit_target {
    const char *id;
    const char *display_name;
    const char *type;
    const char *user_principal_name; /* users only, else NULL */
    const struct atrium_audit_change *changes;
    size_t change_count;
};

struct atrium_audit_detail {
    const char *key;
    const char *value;
};

/* What happened. Borrowed; counts past the *_MAX limits are cut. */
struct atrium_audit_event {
    const char *category;       /* ATRIUM_AUDIT_CAT_* */
    const char *activity;       /* "Add user" */
    const char *operation_type; /* "Add", "Update", "Delete", "Assign", "Unassign" */
    bool failure;
    const char *result_reason; /* NULL: none */
    const struct atrium_audit_target *targets;
    size_t target_count;
    const struct atrium_audit_detail *details;
    size_t detail_count;
};

/*
 * Build the entry of ev by actor in tenant_id at time now into *ret (fresh
 * id; caller releases). Text is cleaned (control characters and invalid
 * UTF-8 become '?') and cut to its limit; the values of secret properties
 * (a name ending in "password" or "secret", any case, or "secretText",
 * "passwordProfile", "keyValue") are never kept, only their names.
 * ATRIUM_EINVAL when tenant_id, actor or the event's names are missing.
 */
int atrium_directory_audit_build(const char *tenant_id, const struct atrium_audit_actor *actor,
                                 const struct atrium_audit_event *ev, int64_t now,
                                 struct atrium_directory_audit *ret);

/* A position in a newest-first log: strictly after (time, id) in (time DESC, id ASC) order. */
struct atrium_log_cursor {
    int64_t time;
    char id[ATRIUM_UUID_LEN + 1];
};

/* What GET /auditLogs/directoryAudits may filter on; unset members do not filter. */
struct atrium_audit_filter {
    bool has_time_ge, has_time_le;
    int64_t time_ge, time_le; /* activityDateTime ge / le (inclusive) */
    char *category;           /* category eq (case-insensitive) */
    char *activity;           /* activityDisplayName eq (case-insensitive) */
    char *initiator_user_id;  /* initiatedBy/user/id eq */
    char *initiator_app_id;   /* initiatedBy/app/appId eq */
    char *correlation_id;     /* correlationId eq */
};

/* What GET /auditLogs/signIns may filter on; unset members do not filter. */
struct atrium_signin_filter {
    bool has_time_ge, has_time_le;
    int64_t time_ge, time_le;  /* createdDateTime ge / le (inclusive) */
    char *user_id;             /* userId eq */
    char *user_principal_name; /* userPrincipalName eq (case-insensitive) */
    char *app_id;              /* appId eq */
    bool has_error_code;
    int error_code; /* status/errorCode eq */
};

void atrium_audit_filter_release(struct atrium_audit_filter *f);
void atrium_signin_filter_release(struct atrium_signin_filter *f);
